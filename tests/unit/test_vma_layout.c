// SPDX-License-Identifier: GPL-2.0
/*
 * VMA split and merge, drawn one character per page from BASE: letters are
 * VMAs in address order, '.' is a hole.  Every case runs the checker after
 * every operation.
 */
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>

#include "helpers.h"

#define BASE	0x10000000UL
#define RW	(PROT_READ | PROT_WRITE)

/*
 *   aa..    map b      aaaa
 *           ->
 */
static void merge_with_prev(void **state)
{
	struct env *env = *state;

	assert_int_equal(map_anon(env->mm, BASE, 2, RW), BASE);
	env_check(env);
	assert_int_equal(map_anon(env->mm, BASE + PG(2), 2, RW), BASE + PG(2));
	env_check(env);
	expect_layout(env->mm, BASE, "aaaa.");
	assert_int_equal(env->mm->map_count, 1);
}

/*   ..aa  -> aaaa */
static void merge_with_next(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE + PG(2), 2, RW);
	env_check(env);
	map_anon(env->mm, BASE, 2, RW);
	env_check(env);
	expect_layout(env->mm, BASE, "aaaa.");
}

/*   aa..bb  -> aaaaaa */
static void merge_with_both(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 2, RW);
	map_anon(env->mm, BASE + PG(4), 2, RW);
	env_check(env);
	expect_layout(env->mm, BASE, "aa..bb");
	map_anon(env->mm, BASE + PG(2), 2, RW);
	env_check(env);
	expect_layout(env->mm, BASE, "aaaaaa.");
	assert_int_equal(env->mm->map_count, 1);
}

/*   rw + r--  stay apart: aabb */
static void no_merge_across_rights(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 2, RW);
	map_anon(env->mm, BASE + PG(2), 2, PROT_READ);
	env_check(env);
	expect_layout(env->mm, BASE, "aabb");
	expect_prot(env->mm, BASE, "rw-p");
	expect_prot(env->mm, BASE + PG(2), "r--p");
}

/*
 *   aaaaaa  mprotect(2..4, r--)  aabbcc  mprotect(2..4, rw-)  aaaaaa
 */
static void mprotect_split_then_merge(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 6, RW);
	guest_write8(env, BASE + PG(3), 7);
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(2), PG(2), PROT_READ), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "aabbcc");
	expect_prot(env->mm, BASE + PG(2), "r--p");
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(2), PG(2), RW), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "aaaaaa");
	assert_int_equal(guest_read8(env, BASE + PG(3)), 7);
}

/*   aaaaaa  munmap(2)  aa.bbb  munmap(1..5)  a....b */
static void munmap_partial_and_across(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 6, RW);
	assert_int_equal(mm_munmap(env->mm, BASE + PG(2), PG(1)), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "aa.bbb");
	assert_int_equal(mm_munmap(env->mm, BASE + PG(1), PG(4)), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "a....b");
	/* a hole-only range is not an error */
	assert_int_equal(mm_munmap(env->mm, BASE + PG(2), PG(2)), 0);
	env_check(env);
}

/*   aaaaaa  MAP_FIXED r-- at 2..4  aabbcc */
static void map_fixed_replaces(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 6, RW);
	guest_write8(env, BASE + PG(2), 9);
	assert_int_equal(map_anon(env->mm, BASE + PG(2), 2, PROT_READ), BASE + PG(2));
	env_check(env);
	expect_layout(env->mm, BASE, "aabbcc");
	/* the old data went with the old mapping */
	assert_int_equal(guest_read8(env, BASE + PG(2)), 0);
}

static void map_fixed_noreplace_conflict(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE + PG(2), 2, RW);
	assert_int_equal(mm_mmap(env->mm, BASE, PG(3), RW,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, NULL, 0), -EEXIST);
	env_check(env);
	expect_layout(env->mm, BASE, "..aa");
	assert_int_equal(mm_mmap(env->mm, BASE, PG(2), RW,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, NULL, 0), BASE);
	env_check(env);
	expect_layout(env->mm, BASE, "aaaa");
}

/*
 * Two touched VMAs with different anon_vmas and a new one between them:
 *   aa.bb  map 2  aaabb  (joins the previous only, as vma_merge_new_range()
 *   refuses a three-way merge of incompatible anon_vmas)
 */
static void anon_vma_blocks_three_way_merge(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 2, RW);
	map_anon(env->mm, BASE + PG(3), 2, RW);
	guest_write8(env, BASE, 1);
	guest_write8(env, BASE + PG(3), 2);
	assert_ptr_not_equal(vma_lookup(env->mm, BASE)->anon_vma,
			     vma_lookup(env->mm, BASE + PG(3))->anon_vma);
	map_anon(env->mm, BASE + PG(2), 1, RW);
	env_check(env);
	expect_layout(env->mm, BASE, "aaabb");
	assert_int_equal(guest_read8(env, BASE), 1);
	assert_int_equal(guest_read8(env, BASE + PG(3)), 2);
}

/*
 * mprotect(PROT_READ) drops VM_ACCOUNT from an anonymous VMA that was never
 * faulted, so it merges with a read-only neighbour; a faulted one keeps it.
 *   aa bb(rw) -> mprotect b r-- -> aaaa  (b untouched)
 *   aa bb(rw) -> touch b, mprotect b r-- -> aabb
 */
static void vm_account_decides_merge(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 2, PROT_READ);
	map_anon(env->mm, BASE + PG(2), 2, RW);
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(2), PG(2), PROT_READ), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "aaaa");

	map_anon(env->mm, BASE + PG(8), 2, PROT_READ);
	map_anon(env->mm, BASE + PG(10), 2, RW);
	guest_write8(env, BASE + PG(10), 1);
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(10), PG(2), PROT_READ), 0);
	env_check(env);
	expect_layout(env->mm, BASE + PG(8), "aabb");
}

/* vm_pgoff of file VMAs must be contiguous to merge */
static void file_pgoff_decides_merge(void **state)
{
	struct env *env = *state;
	struct file *f = shmem_file_setup(env->zone, "/memfd:t (deleted)", PG(16));

	assert_int_equal(mm_mmap(env->mm, BASE, PG(2), RW, MAP_SHARED | MAP_FIXED, f, PG(0)), BASE);
	assert_int_equal(mm_mmap(env->mm, BASE + PG(2), PG(2), RW, MAP_SHARED | MAP_FIXED, f, PG(2)),
			 BASE + PG(2));
	env_check(env);
	expect_layout(env->mm, BASE, "aaaa");
	assert_int_equal(mm_mmap(env->mm, BASE + PG(4), PG(2), RW, MAP_SHARED | MAP_FIXED, f, PG(8)),
			 BASE + PG(4));
	env_check(env);
	expect_layout(env->mm, BASE, "aaaabb");
	fput(f);
}

/*
 * DIFF_SEED=37 (10,000 steps), step 1895: a private writable file mapping
 * wholly past the end of its file, split by MADV_DONTDUMP.  Each half takes
 * a write fault, SIGBUS, but do_cow_fault() gave each an anon_vma before
 * reading the file (not the other's: their flags differed), so after
 * MADV_DODUMP makes the flags equal again they stay two VMAs.
 *
 *   aaaaaaaa   rwxp, file offset 33 pages (past the 32-page file)
 *   aaaabbbb   MADV_DONTDUMP on the first half; a write in each: SIGBUS
 *   aaaabbbb   MADV_DODUMP on both: no merge
 */
static void sigbus_write_fault_prepares_anon_vma(void **state)
{
	struct env *env = *state;
	struct file *f = shmem_file_setup(env->zone, "/memfd:t (deleted)", PG(32) + 1000);
	struct fault_result res;

	assert_int_equal(mm_mmap(env->mm, BASE, PG(8), RW | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, f,
				 PG(33)), BASE);
	fput(f);
	env_check(env);
	assert_int_equal(mm_madvise(env->mm, BASE, PG(4), MADV_DONTDUMP), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "aaaabbbb");
	assert_int_equal(guest_touch(env, BASE + PG(6) + 0xecc, true, &res), -1);
	assert_int_equal(res.signo, SIGBUS);
	assert_int_equal(guest_touch(env, BASE + 0x703, true, &res), -1);
	assert_int_equal(res.signo, SIGBUS);
	assert_int_equal(mm_madvise(env->mm, BASE, PG(8), MADV_DODUMP), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "aaaabbbb");
}

/* get_unmapped_area: top-down below mmap_base, first fit from the top */
static void unmapped_area_top_down(void **state)
{
	struct env *env = *state;
	long a, b, c;

	a = mm_mmap(env->mm, 0, PG(4), RW, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	b = mm_mmap(env->mm, 0, PG(4), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	env_check(env);
	assert_int_equal(a, env->mm->mmap_base - PG(4));
	assert_int_equal(b, a - PG(4));
	/* a hole of two pages is skipped by a three-page request, used by a two-page one */
	mm_munmap(env->mm, a + PG(1), PG(2));
	c = mm_mmap(env->mm, 0, PG(3), RW, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	assert_int_equal(c, b - PG(3));
	c = mm_mmap(env->mm, 0, PG(2), PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	assert_int_equal(c, a + PG(1));
	env_check(env);
	/* a free hint is honoured, a taken one is not */
	assert_int_equal(mm_mmap(env->mm, BASE, PG(1), RW, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0), BASE);
	assert_int_not_equal(mm_mmap(env->mm, BASE, PG(1), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
				     NULL, 0), BASE);
	env_check(env);
}

/* anonymous multiples of 2 MiB without a hint are 2 MiB aligned (THP) */
static void unmapped_area_thp_aligned(void **state)
{
	struct env *env = *state;
	long a = mm_mmap(env->mm, 0, 2 * PMD_SIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	long b = mm_mmap(env->mm, 0, PMD_SIZE + PG(1), RW, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);

	env_check(env);
	assert_int_equal(a & (PMD_SIZE - 1), 0);
	assert_int_equal(b + PMD_SIZE + PG(1), a);
}

/* a guard gap of stack_guard_gap below a VM_GROWSDOWN VMA keeps hints out */
static void stack_guard_gap_keeps_hints_out(void **state)
{
	struct env *env = *state;
	uint64_t s = 0x40000000;
	long r;

	r = mm_mmap(env->mm, s, PG(4), RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN,
		    NULL, 0);
	assert_int_equal(r, s);
	r = mm_mmap(env->mm, s - PG(2), PG(1), RW, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	assert_int_not_equal(r, s - PG(2));
	r = mm_mmap(env->mm, s - env->mm->stack_guard_gap - PG(1), PG(1), RW,
		    MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	assert_int_equal(r, s - env->mm->stack_guard_gap - PG(1));
	env_check(env);
}

/*
 * DIFF_SEED=4, step 2345, reduced: a written -w- VMA (its anon_vma A), a
 * read r-- one beside it, then a hole; mprotect(PROT_WRITE) over all three
 * changes both VMAs before it meets the hole and fails with ENOMEM.
 *
 *   aaaab.  mprotect(0..6, -w-) = -ENOMEM  ->  aaaaa.   (zero page, x86 Linux)
 *                                          ->  aaaab.   (mm_forbids_zeropage)
 *
 * Where the read mapped the zero page, b has no anon_vma and merges into
 * a.  Where it got a page of its own, b has an anon_vma of its own (not
 * A: b lacked VM_ACCOUNT then, so anon_vma_compatible() refused A), and
 * VMAs with different anon_vmas never merge.  Both are Linux: the second
 * is what a 6.18 host without the zero page answered.
 */
static void read_fault_anon_vma_decides_mprotect_merge(bool forbids_zeropage)
{
	struct env *env = env_new(64UL << 20);

	env->zone->forbids_zeropage = forbids_zeropage;
	assert_int_equal(map_anon(env->mm, BASE, 4, PROT_WRITE), BASE);
	assert_int_equal(map_anon(env->mm, BASE + PG(4), 1, PROT_READ), BASE + PG(4));
	guest_write8(env, BASE + PG(1), 1);
	assert_int_equal(guest_read8(env, BASE + PG(4) + 0xaea), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "aaaab.");
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(6), PROT_WRITE), -ENOMEM);
	env_check(env);
	expect_layout(env->mm, BASE, forbids_zeropage ? "aaaab." : "aaaaa.");
	expect_prot(env->mm, BASE, "-w-p");
	expect_prot(env->mm, BASE + PG(4), "-w-p");
	assert_int_equal(guest_read8(env, BASE + PG(4)), 0);
	env_free(env);
}

static void read_fault_zero_page_then_merge(void **state)
{
	read_fault_anon_vma_decides_mprotect_merge(false);
}

static void read_fault_own_page_then_no_merge(void **state)
{
	read_fault_anon_vma_decides_mprotect_merge(true);
}

/*
 * DIFF_SEED=51, step 9374, reduced: a private writable file mapping past
 * the end of its file, a read-only page in its middle.  Writes to a and c
 * are SIGBUS, but do_cow_fault() prepares the anon_vma before it reads the
 * file, so a and c each get one of their own (b, between them, has none
 * to share).  mprotect(r-x) over all three then merges b into a, not c:
 *
 *   abc   write a: SIGBUS, write c: SIGBUS   mprotect(r-x)  ->  aab
 */
static void sigbus_cow_fault_prepares_anon_vma(void **state)
{
	struct env *env = *state;
	struct file *f = shmem_file_setup(env->zone, "/memfd:t (deleted)", PG(1));
	struct fault_result res;
	int rwx = PROT_READ | PROT_WRITE | PROT_EXEC;

	assert_int_equal(mm_mmap(env->mm, BASE, PG(3), rwx, MAP_PRIVATE | MAP_FIXED, f, PG(8)), BASE);
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(1), PG(1), PROT_READ), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "abc.");
	assert_int_not_equal(guest_touch(env, BASE + 0x123, true, &res), 0);
	assert_int_equal(res.signo, SIGBUS);
	assert_int_not_equal(guest_touch(env, BASE + PG(2) + 0x456, true, &res), 0);
	assert_int_equal(res.signo, SIGBUS);
	env_check(env);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(3), PROT_READ | PROT_EXEC), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "aab.");
	expect_prot(env->mm, BASE + PG(2), "r-xp");
	fput(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(merge_with_prev, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(merge_with_next, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(merge_with_both, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(no_merge_across_rights, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(mprotect_split_then_merge, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(munmap_partial_and_across, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(map_fixed_replaces, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(map_fixed_noreplace_conflict, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(anon_vma_blocks_three_way_merge, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(vm_account_decides_merge, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(file_pgoff_decides_merge, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(sigbus_write_fault_prepares_anon_vma, env_setup,
						env_teardown),
		cmocka_unit_test_setup_teardown(unmapped_area_top_down, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(unmapped_area_thp_aligned, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(stack_guard_gap_keeps_hints_out, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(sigbus_cow_fault_prepares_anon_vma, env_setup, env_teardown),
		cmocka_unit_test(read_fault_zero_page_then_merge),
		cmocka_unit_test(read_fault_own_page_then_no_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
