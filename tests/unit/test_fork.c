// SPDX-License-Identifier: GPL-2.0
/*
 * fork: copy on write (copy versus reuse in place), shared memory staying
 * shared, MADV_DONTFORK / MADV_WIPEONFORK, anon_vma inheritance and the
 * merges it forbids, fork trees.  The checker runs over all address
 * spaces together after every step: frame counts are global.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "helpers.h"
#include "internal.h"

#define BASE	0x10000000UL
#define RW	(PROT_READ | PROT_WRITE)
#define MAX_MMS	8

struct family {
	struct env *env;		/* owns the zone and the first mm */
	struct mm_struct *mm[MAX_MMS];
	int n;
};

static void check_all(struct family *f)
{
	char err[256];
	int i;

	if (validate_mms(f->mm, f->n, err, sizeof(err)))
		fail_msg("validate_mms (%d mms): %s", f->n, err);
	for (i = 0; i < f->n; i++)
		commit_log_apply(f->mm[i]);
}

static int fork_mm(struct family *f, int parent)
{
	int err;
	struct mm_struct *child = dup_mm(f->mm[parent], &err);

	assert_non_null(child);
	assert_int_equal(err, 0);
	f->mm[f->n++] = child;
	check_all(f);
	return f->n - 1;
}

static int touch(struct family *f, int who, uint64_t addr, bool write, struct fault_result *res)
{
	pteval_t pte = mm_walk(f->mm[who], addr);
	int ret = 0;

	res->kind = FAULT_SPURIOUS;
	if (!pte_present(pte) || (write && !pte_write(pte)))
		ret = mm_fault(f->mm[who], addr, (write ? FAULT_FLAG_WRITE : 0) | FAULT_FLAG_USER, res);
	check_all(f);
	return ret;
}

static uint8_t *byte(struct family *f, int who, uint64_t addr, bool write)
{
	struct fault_result res;

	assert_int_equal(touch(f, who, addr, write, &res), 0);
	return (uint8_t *)pfn_to_virt(f->env->zone, pte_pfn(mm_walk(f->mm[who], addr))) +
	       (addr & ~PAGE_MASK);
}

static void put8(struct family *f, int who, uint64_t addr, uint8_t v)
{
	*byte(f, who, addr, true) = v;
}

static uint8_t get8(struct family *f, int who, uint64_t addr)
{
	return *byte(f, who, addr, false);
}

static int family_setup(void **state)
{
	struct family *f = calloc(1, sizeof(*f));

	f->env = env_new(0);
	f->mm[0] = f->env->mm;
	f->n = 1;
	*state = f;
	return 0;
}

static int family_teardown(void **state)
{
	struct family *f = *state;
	int i;

	check_all(f);
	for (i = f->n - 1; i >= 1; i--) {
		mm_destroy(f->mm[i]);
		f->n--;
		check_all(f);
	}
	env_free(f->env);
	free(f);
	return 0;
}

/* the child's write copies; then the parent, now sole mapper, reuses in place */
static void cow_copy_then_reuse(void **state)
{
	struct family *f = *state;
	struct fault_result res;
	uint64_t pfn;
	int child;

	map_anon(f->mm[0], BASE, 2, RW);
	put8(f, 0, BASE, 1);
	pfn = pte_pfn(mm_walk(f->mm[0], BASE));
	child = fork_mm(f, 0);
	/* both read-only now; the parent's change went through its log */
	assert_false(pte_write(mm_walk(f->mm[0], BASE)));
	assert_false(pte_write(mm_walk(f->mm[child], BASE)));
	assert_int_equal(pfn_to_page(f->env->zone, pfn)->mapcount, 2);
	assert_int_equal(get8(f, child, BASE), 1);
	assert_int_equal(touch(f, child, BASE, true, &res), 0);
	assert_int_equal(res.kind, FAULT_WP_COPY);
	*byte(f, child, BASE, true) = 2;
	assert_int_equal(touch(f, 0, BASE, true, &res), 0);
	assert_int_equal(res.kind, FAULT_WP_REUSE);
	assert_int_equal(pte_pfn(mm_walk(f->mm[0], BASE)), pfn);
	assert_int_equal(get8(f, 0, BASE), 1);
	assert_int_equal(get8(f, child, BASE), 2);
	/* the untouched page faults in fresh on both sides */
	assert_int_equal(get8(f, child, BASE + PG(1)), 0);
}

static void shared_stays_shared(void **state)
{
	struct family *f = *state;
	long s = mm_mmap(f->mm[0], 0, PG(2), RW, MAP_SHARED | MAP_ANONYMOUS, NULL, 0);
	int child;

	put8(f, 0, s, 5);
	child = fork_mm(f, 0);
	assert_int_equal(get8(f, child, s), 5);
	put8(f, child, s + 1, 6);
	assert_int_equal(get8(f, 0, s + 1), 6);
	put8(f, 0, s + PG(1), 7);
	assert_int_equal(get8(f, child, s + PG(1)), 7);
}

static void dontfork_and_wipeonfork(void **state)
{
	struct family *f = *state;
	int child;

	map_anon(f->mm[0], BASE, 1, RW);
	map_anon(f->mm[0], BASE + PG(2), 1, RW);
	put8(f, 0, BASE, 1);
	put8(f, 0, BASE + PG(2), 2);
	assert_int_equal(mm_madvise(f->mm[0], BASE, PG(1), MADV_DONTFORK), 0);
	assert_int_equal(mm_madvise(f->mm[0], BASE + PG(2), PG(1), MADV_WIPEONFORK), 0);
	child = fork_mm(f, 0);
	assert_null(vma_lookup(f->mm[child], BASE));
	assert_non_null(vma_lookup(f->mm[child], BASE + PG(2)));
	assert_int_equal(get8(f, child, BASE + PG(2)), 0);
	assert_int_equal(get8(f, 0, BASE + PG(2)), 2);
	assert_int_equal(f->mm[child]->total_vm, 1);
}

/*
 * A VMA with pages inherited through fork does not merge with fresh memory
 * (vma_had_uncowed_parents()); the parent's, with a singular chain, does.
 *   parent: aa + b -> aaa        child: aa + b -> aab
 */
static void inherited_anon_vma_blocks_merge(void **state)
{
	struct family *f = *state;
	int child;

	map_anon(f->mm[0], BASE, 2, RW);
	put8(f, 0, BASE, 1);
	child = fork_mm(f, 0);
	map_anon(f->mm[0], BASE + PG(2), 1, RW);
	map_anon(f->mm[child], BASE + PG(2), 1, RW);
	check_all(f);
	expect_layout(f->mm[0], BASE, "aaa");
	expect_layout(f->mm[child], BASE, "aab");
}

/* three generations writing to private, shared and inherited pages */
static void fork_tree(void **state)
{
	struct family *f = *state;
	long s = mm_mmap(f->mm[0], 0, PG(1), RW, MAP_SHARED | MAP_ANONYMOUS, NULL, 0);
	int a, b, c, i;

	map_anon(f->mm[0], BASE, 4, RW);
	for (i = 0; i < 4; i++)
		put8(f, 0, BASE + PG(i), (uint8_t)(10 + i));
	a = fork_mm(f, 0);
	put8(f, a, BASE, 20);
	b = fork_mm(f, a);
	put8(f, b, BASE + PG(1), 31);
	c = fork_mm(f, b);
	put8(f, c, BASE + PG(2), 42);
	put8(f, c, s, 99);
	assert_int_equal(get8(f, 0, BASE), 10);
	assert_int_equal(get8(f, a, BASE), 20);
	assert_int_equal(get8(f, b, BASE), 20);
	assert_int_equal(get8(f, b, BASE + PG(1)), 31);
	assert_int_equal(get8(f, c, BASE + PG(1)), 31);
	assert_int_equal(get8(f, a, BASE + PG(1)), 11);
	assert_int_equal(get8(f, c, BASE + PG(2)), 42);
	assert_int_equal(get8(f, b, BASE + PG(2)), 12);
	assert_int_equal(get8(f, 0, BASE + PG(3)), 13);
	for (i = 0; i < f->n; i++)
		assert_int_equal(get8(f, i, s), 99);
	/* the middle generation exits: its children's pages stay */
	mm_destroy(f->mm[b]);
	f->mm[b] = f->mm[--f->n];
	check_all(f);
}

/* a private file page forked is shared until written */
static void file_private_after_fork(void **state)
{
	struct family *f = *state;
	struct file *file = shmem_file_setup(f->env->zone, "/memfd:f (deleted)", PG(2));
	int child;

	assert_int_equal(mm_mmap(f->mm[0], BASE, PG(2), RW, MAP_SHARED | MAP_FIXED, file, 0), BASE);
	put8(f, 0, BASE, 7);
	assert_int_equal(mm_mmap(f->mm[0], BASE + PG(4), PG(2), RW, MAP_PRIVATE | MAP_FIXED, file, 0),
			 BASE + PG(4));
	put8(f, 0, BASE + PG(5), 8);
	child = fork_mm(f, 0);
	assert_int_equal(get8(f, child, BASE + PG(4)), 7);
	assert_int_equal(get8(f, child, BASE + PG(5)), 8);
	put8(f, child, BASE + PG(4), 70);
	assert_int_equal(get8(f, 0, BASE + PG(4)), 7);
	assert_int_equal(get8(f, 0, BASE), 7);
	fput(file);
}

/* smaps after fork: a page two mappers share counts half in each Pss */
static void smaps_pss_after_fork(void **state)
{
	struct family *f = *state;
	char *smaps, *status, *vma_text;
	int child;

	map_anon(f->mm[0], BASE, 4, RW);
	put8(f, 0, BASE, 1);
	put8(f, 0, BASE + PG(1), 1);
	child = fork_mm(f, 0);
	put8(f, child, BASE + PG(1), 2);	/* the child's own copy now */
	smaps = mm_show_smaps(f->mm[0]);
	vma_text = strstr(smaps, "10000000-10004000 rw-p 00000000 00:00 0 \n");
	assert_non_null(vma_text);
	assert_non_null(strstr(vma_text, "Size:                 16 kB\n"));
	assert_non_null(strstr(vma_text, "Rss:                   8 kB\n"));
	assert_non_null(strstr(vma_text, "Pss:                   6 kB\n"));
	assert_non_null(strstr(vma_text, "Shared_Dirty:          4 kB\n"));
	assert_non_null(strstr(vma_text, "Private_Dirty:         4 kB\n"));
	assert_non_null(strstr(vma_text, "Anonymous:             8 kB\n"));
	assert_non_null(strstr(vma_text, "VmFlags: rd wr mr mw me ac \n"));
	free(smaps);
	status = mm_show_status(f->mm[child]);
	assert_non_null(strstr(status, "VmRSS:\t       8 kB\n"));
	assert_non_null(strstr(status, "RssAnon:\t       8 kB\n"));
	assert_non_null(strstr(status, "VmSize:\t      16 kB\n"));
	free(status);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(cow_copy_then_reuse, family_setup, family_teardown),
		cmocka_unit_test_setup_teardown(shared_stays_shared, family_setup, family_teardown),
		cmocka_unit_test_setup_teardown(dontfork_and_wipeonfork, family_setup, family_teardown),
		cmocka_unit_test_setup_teardown(inherited_anon_vma_blocks_merge, family_setup,
						family_teardown),
		cmocka_unit_test_setup_teardown(fork_tree, family_setup, family_teardown),
		cmocka_unit_test_setup_teardown(file_private_after_fork, family_setup, family_teardown),
		cmocka_unit_test_setup_teardown(smaps_pss_after_fork, family_setup, family_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
