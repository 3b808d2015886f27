// SPDX-License-Identifier: GPL-2.0
/*
 * Reverse mapping: after fork, splits, merges, mremap moves and COW
 * breaks, rmap_walk() finds exactly the entries that map a page, with the
 * right addresses; try_to_unmap() leaves none; page_referenced() counts
 * and clears accessed bits.  (validate_mms() also checks rmap for every
 * frame after every step.)
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "helpers.h"
#include "internal.h"

#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#endif

#define BASE	0x10000000UL
#define RW	(PROT_READ | PROT_WRITE)

struct seen {
	int n;
	struct mm_struct *mm[8];
	uint64_t addr[8];
};

static int record(struct page *page, struct vm_area_struct *vma, uint64_t addr, pteval_t *ptep,
		  void *arg)
{
	struct seen *s = arg;

	s->mm[s->n] = vma->vm_mm;
	s->addr[s->n++] = addr;
	return 0;
}

static bool seen(const struct seen *s, struct mm_struct *mm, uint64_t addr)
{
	for (int i = 0; i < s->n; i++)
		if (s->mm[i] == mm && s->addr[i] == addr)
			return true;
	return false;
}

static void check(struct mm_struct **mms, int n)
{
	char err[256];

	if (validate_mms(mms, n, err, sizeof(err)))
		fail_msg("validate_mms: %s", err);
	for (int i = 0; i < n; i++)
		commit_log_apply(mms[i]);
}

static struct page *page_at(struct mm_struct *mm, uint64_t addr)
{
	return pfn_to_page(mm->zone, pte_pfn(mm_walk(mm, addr)));
}

/* one page, four mappers in three address spaces, after fork, split and mremap */
static void walk_after_fork_split_mremap(void **state)
{
	struct env *env = env_new(0);
	struct mm_struct *mms[3] = { env->mm };
	struct seen s = { 0 };
	struct page *page;
	int err;

	(void)state;
	map_anon(mms[0], BASE, 4, RW);
	assert_int_equal(mm_fault(mms[0], BASE + PG(2), FAULT_FLAG_WRITE, NULL), 0);
	page = page_at(mms[0], BASE + PG(2));
	mms[1] = dup_mm(mms[0], &err);
	mms[2] = dup_mm(mms[1], &err);
	check(mms, 3);
	/* child 1 splits the VMA, child 2 moves it */
	assert_int_equal(mm_mprotect(mms[1], BASE + PG(1), PG(1), PROT_READ), 0);
	assert_int_equal(mm_mremap(mms[2], BASE, PG(4), PG(4), MREMAP_MAYMOVE | MREMAP_FIXED,
				   BASE + PG(1024) + PG(3)), BASE + PG(1027));
	check(mms, 3);
	assert_int_equal(rmap_walk(env->zone, page, record, &s), 0);
	assert_int_equal(s.n, 3);
	assert_true(seen(&s, mms[0], BASE + PG(2)));
	assert_true(seen(&s, mms[1], BASE + PG(2)));
	assert_true(seen(&s, mms[2], BASE + PG(1029)));
	/* a COW break in the parent: the old page keeps the children only */
	assert_int_equal(mm_fault(mms[0], BASE + PG(2), FAULT_FLAG_WRITE, NULL), 0);
	check(mms, 3);
	s.n = 0;
	rmap_walk(env->zone, page, record, &s);
	assert_int_equal(s.n, 2);
	assert_false(seen(&s, mms[0], BASE + PG(2)));
	/* try_to_unmap clears both, through each child's own log */
	get_page(page);
	assert_int_equal(try_to_unmap(env->zone, page, 0), 0);
	assert_int_equal(page->mapcount, 0);
	assert_int_equal(mm_walk(mms[1], BASE + PG(2)), 0);
	assert_int_equal(mm_walk(mms[2], BASE + PG(1029)), 0);
	assert_true(mms[1]->log.nr > 0 && mms[2]->log.nr > 0);
	put_page(env->zone, page);
	check(mms, 3);
	mm_destroy(mms[2]);
	mm_destroy(mms[1]);
	env_free(env);
}

/* file pages: the object's mapping list; COW copies are not the file's page */
static void walk_file_pages(void **state)
{
	struct env *env = *state;
	struct file *f = shmem_file_setup(env->zone, "/memfd:r (deleted)", PG(4));
	struct seen s = { 0 };
	struct page *page;

	assert_int_equal(mm_mmap(env->mm, BASE, PG(4), RW, MAP_SHARED | MAP_FIXED, f, 0), BASE);
	assert_int_equal(mm_mmap(env->mm, BASE + PG(8), PG(2), RW, MAP_SHARED | MAP_FIXED, f, PG(2)),
			 BASE + PG(8));
	assert_int_equal(mm_mmap(env->mm, BASE + PG(16), PG(4), RW, MAP_PRIVATE | MAP_FIXED, f, 0),
			 BASE + PG(16));
	guest_write8(env, BASE + PG(2), 1);
	guest_read8(env, BASE + PG(8));
	guest_read8(env, BASE + PG(18));
	guest_write8(env, BASE + PG(19), 1);	/* a private copy: not in the file's rmap */
	page = page_at(env->mm, BASE + PG(2));
	rmap_walk(env->zone, page, record, &s);
	assert_int_equal(s.n, 3);
	assert_true(seen(&s, env->mm, BASE + PG(8)));
	assert_true(seen(&s, env->mm, BASE + PG(18)));
	/* accessed bits: counted once each, then clear */
	assert_int_equal(page_referenced(env->zone, page), 3);
	env_check(env);
	assert_int_equal(page_referenced(env->zone, page), 0);
	guest_read8(env, BASE + PG(8));
	fput(f);
}

/* an mlocked mapping keeps its pages: unmap and referenced say so */
static void mlocked_pages_stay(void **state)
{
	struct env *env = *state;
	struct page *page;

	map_anon(env->mm, BASE, 1, RW);
	guest_write8(env, BASE, 1);
	assert_int_equal(mm_mlock(env->mm, BASE, PG(1), 0), 0);
	page = page_at(env->mm, BASE);
	assert_int_equal(page_referenced(env->zone, page), -1);
	assert_int_equal(try_to_unmap(env->zone, page, 0), -EBUSY);
	assert_int_equal(page->mapcount, 1);
	env_check(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walk_after_fork_split_mremap),
		cmocka_unit_test_setup_teardown(walk_file_pages, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(mlocked_pages_stay, env_setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
