// SPDX-License-Identifier: GPL-2.0
/*
 * mremap: every mode, its errnos, and the page tables it moves: whole PUD
 * and PMD entries when source and destination are equally aligned, single
 * PTEs otherwise, with a commit log as long as the entries moved.
 */
#include <string.h>
#include <sys/mman.h>

#include "helpers.h"
#include "internal.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define BASE	0x10000000UL
#define RW	(PROT_READ | PROT_WRITE)

static void fill(struct env *env, uint64_t addr, uint64_t pages, uint8_t seed)
{
	uint64_t i;

	for (i = 0; i < pages; i++)
		guest_write8(env, addr + PG(i), (uint8_t)(seed + i));
}

static void expect_data(struct env *env, uint64_t addr, uint64_t pages, uint8_t seed)
{
	uint64_t i;

	for (i = 0; i < pages; i++)
		assert_int_equal(guest_read8(env, addr + PG(i)), (uint8_t)(seed + i));
}

/*   aaaa  shrink to 2  aa..   */
static void shrink_in_place(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 4, RW);
	fill(env, BASE, 4, 1);
	assert_int_equal(mm_mremap(env->mm, BASE, PG(4), PG(2), 0, 0), BASE);
	env_check(env);
	expect_layout(env->mm, BASE, "aa..");
	expect_data(env, BASE, 2, 1);
}

/*   aa..bb  grow a to 4  aaaaaa (joins b: same flags, contiguous offsets) */
static void grow_in_place_merges_next(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 2, RW);
	map_anon(env->mm, BASE + PG(4), 2, RW);
	/* b's offsets continue a's only because anonymous pgoff is the address */
	assert_int_equal(mm_mremap(env->mm, BASE, PG(2), PG(4), 0, 0), BASE);
	env_check(env);
	expect_layout(env->mm, BASE, "aaaaaa");
	/* no room: without MAYMOVE that is ENOMEM */
	map_anon(env->mm, BASE + PG(7), 1, PROT_READ);
	assert_int_equal(mm_mremap(env->mm, BASE, PG(6), PG(8), 0, 0), -ENOMEM);
	env_check(env);
}

/* MAYMOVE: moved with its data, the source gone */
static void grow_by_moving(void **state)
{
	struct env *env = *state;
	long r;

	map_anon(env->mm, BASE, 4, RW);
	map_anon(env->mm, BASE + PG(4), 1, PROT_READ);
	fill(env, BASE, 4, 10);
	r = mm_mremap(env->mm, BASE, PG(4), PG(8), MREMAP_MAYMOVE, 0);
	assert_true(r > 0 && (uint64_t)r != BASE);
	env_check(env);
	expect_layout(env->mm, BASE, "....a");
	expect_data(env, r, 4, 10);
	assert_int_equal(guest_read8(env, r + PG(6)), 0);
	/* the moved pages kept their frames: nothing was copied */
	assert_int_equal(env->mm->stats.faults[FAULT_WP_COPY], 0);
}

/* MREMAP_FIXED replaces what is at the target; overlap is EINVAL */
static void fixed_target(void **state)
{
	struct env *env = *state;
	uint64_t dst = BASE + PG(16);

	map_anon(env->mm, BASE, 4, RW);
	map_anon(env->mm, dst, 8, PROT_READ);
	fill(env, BASE, 4, 20);
	assert_int_equal(mm_mremap(env->mm, BASE, PG(4), PG(4), MREMAP_FIXED | MREMAP_MAYMOVE,
				   BASE + PG(2)), -EINVAL);
	assert_int_equal(mm_mremap(env->mm, BASE, PG(4), PG(2), MREMAP_FIXED | MREMAP_MAYMOVE, dst),
			 dst);
	env_check(env);
	expect_layout(env->mm, dst, "aabbbbbb");
	expect_prot(env->mm, dst, "rw-p");
	expect_prot(env->mm, dst + PG(2), "r--p");
	expect_data(env, dst, 2, 20);
	assert_null(vma_lookup(env->mm, BASE));
}

/* DONTUNMAP: the source stays mapped and reads back zeroes */
static void dontunmap(void **state)
{
	struct env *env = *state;
	long r;

	map_anon(env->mm, BASE, 4, RW);
	fill(env, BASE, 4, 30);
	assert_int_equal(mm_mremap(env->mm, BASE, PG(4), PG(8), MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0),
			 -EINVAL);
	r = mm_mremap(env->mm, BASE, PG(4), PG(4), MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	assert_true(r > 0);
	env_check(env);
	expect_data(env, r, 4, 30);
	assert_int_equal(guest_read8(env, BASE + PG(1)), 0);
	assert_non_null(vma_lookup(env->mm, BASE));
}

/* old_len 0 duplicates a shared mapping; a private one is refused */
static void old_len_zero(void **state)
{
	struct env *env = *state;
	long s, r;

	map_anon(env->mm, BASE, 2, RW);
	assert_int_equal(mm_mremap(env->mm, BASE, 0, PG(2), MREMAP_MAYMOVE, 0), -EINVAL);
	s = mm_mmap(env->mm, 0, PG(2), RW, MAP_SHARED | MAP_ANONYMOUS, NULL, 0);
	guest_write8(env, s, 5);
	r = mm_mremap(env->mm, s, 0, PG(2), MREMAP_MAYMOVE, 0);
	assert_true(r > 0 && r != s);
	env_check(env);
	assert_int_equal(guest_read8(env, r), 5);
	guest_write8(env, r + 1, 6);
	assert_int_equal(guest_read8(env, s + 1), 6);
}

static void errors(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 4, RW);
	assert_int_equal(mm_mremap(env->mm, BASE, PG(1), PG(2), 0x80, 0), -EINVAL);
	assert_int_equal(mm_mremap(env->mm, BASE + 1, PG(1), PG(2), 0, 0), -EINVAL);
	assert_int_equal(mm_mremap(env->mm, BASE, PG(1), 0, 0, 0), -EINVAL);
	assert_int_equal(mm_mremap(env->mm, BASE, PG(1), PG(1), MREMAP_FIXED, BASE + PG(8)), -EINVAL);
	assert_int_equal(mm_mremap(env->mm, BASE + PG(8), PG(1), PG(2), 0, 0), -EFAULT);
	/* growing across the end of the VMA */
	assert_int_equal(mm_mremap(env->mm, BASE, PG(5), PG(6), MREMAP_MAYMOVE, 0), -EFAULT);
	/* shrinking across it just unmaps */
	assert_int_equal(mm_mremap(env->mm, BASE + PG(2), PG(6), PG(1), 0, 0), BASE + PG(2));
	env_check(env);
	expect_layout(env->mm, BASE, "aaa.");
}

/*
 * Page-table moves at each level: the commit log carries one re-write per
 * entry moved (plus the links allocated), not one per page of data.
 */
static void move_levels(void **state)
{
	struct env *env = env_new(64UL << 20);
	uint64_t src = 1UL << 39, dst = 3UL << 39;	/* PUD-aligned */
	uint64_t before;
	long r;

	(void)state;
	env->zone->overcommit_memory = 1;
	/* 1 GiB, PUD-aligned both ends: one PUD entry moves */
	assert_int_equal(mm_mmap(env->mm, src, PUD_SIZE, RW,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, NULL, 0), src);
	guest_write8(env, src, 1);
	guest_write8(env, src + PUD_SIZE - PG(1), 2);
	guest_write8(env, src + PMD_SIZE * 3, 3);
	before = env->mm->log.stats.rewrites;
	r = mm_mremap(env->mm, src, PUD_SIZE, PUD_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	assert_int_equal(r, dst);
	assert_int_equal(env->mm->stats.pt_moves[2], 1);
	assert_int_equal(env->mm->stats.pt_moves[1], 0);
	assert_int_equal(env->mm->stats.pt_moves[0], 0);
	assert_true(env->mm->log.stats.rewrites - before <= 4);
	env_check(env);
	assert_int_equal(guest_read8(env, dst), 1);
	assert_int_equal(guest_read8(env, dst + PUD_SIZE - PG(1)), 2);
	assert_int_equal(guest_read8(env, dst + PMD_SIZE * 3), 3);

	/*
	 * 4 MiB at 2 MiB alignment: PMD entries move, and only populated
	 * ones: the first 2 MiB was never touched and has no table.
	 */
	r = mm_mremap(env->mm, dst + PMD_SIZE * 2, PMD_SIZE * 2, PMD_SIZE * 2,
		      MREMAP_MAYMOVE | MREMAP_FIXED, src + PMD_SIZE * 4);
	assert_int_equal(r, src + PMD_SIZE * 4);
	assert_int_equal(env->mm->stats.pt_moves[1], 1);
	env_check(env);
	assert_int_equal(guest_read8(env, src + PMD_SIZE * 5), 3);

	/* misaligned by a page: PTE by PTE, only the populated ones */
	r = mm_mremap(env->mm, dst, PMD_SIZE, PMD_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
		      src + PUD_SIZE / 2 + PG(1));
	assert_int_equal(r, src + PUD_SIZE / 2 + PG(1));
	assert_int_equal(env->mm->stats.pt_moves[0], 1);
	env_check(env);
	assert_int_equal(guest_read8(env, r), 1);
	env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(shrink_in_place, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(grow_in_place_merges_next, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(grow_by_moving, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(fixed_target, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(dontunmap, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(old_len_zero, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(errors, env_setup, env_teardown),
		cmocka_unit_test(move_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
