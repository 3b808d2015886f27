// SPDX-License-Identifier: GPL-2.0
/*
 * mseal (mm/mseal.c, Linux 6.10+): VM_SEALED set on the range's VMAs with
 * splits at its edges and merges between sealed neighbours; the calls a
 * seal refuses (munmap, MAP_FIXED, mremap, mprotect and pkey_mprotect,
 * discarding advice on read-only anonymous memory) leave the layout and
 * the pages as they were; exit unmaps sealed VMAs all the same.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "helpers.h"
#include "internal.h"

#define BASE	0x10000000UL
#define RW	(PROT_READ | PROT_WRITE)

static bool sealed(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);

	return vma && (vma->vm_flags & VM_SEALED);
}

/*   aaaa  mseal(1..3)  abbc  mseal(0..1)  aabc: neighbours merge once both sealed */
static void seal_splits_and_merges(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 4, RW);
	assert_int_equal(mm_mseal(env->mm, BASE + PG(1), PG(2), 0), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "abbc");
	assert_false(sealed(env->mm, BASE));
	assert_true(sealed(env->mm, BASE + PG(1)));
	assert_true(sealed(env->mm, BASE + PG(2)));
	assert_false(sealed(env->mm, BASE + PG(3)));
	/* sealing again changes nothing */
	assert_int_equal(mm_mseal(env->mm, BASE + PG(1), PG(2), 0), 0);
	expect_layout(env->mm, BASE, "abbc");
	assert_int_equal(mm_mseal(env->mm, BASE, PG(1), 0), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "aaab");
}

static void seal_errnos(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 2, RW);
	map_anon(env->mm, BASE + PG(3), 1, RW);
	assert_int_equal(mm_mseal(env->mm, BASE + 1, PG(1), 0), -EINVAL);
	assert_int_equal(mm_mseal(env->mm, BASE, PG(1), 1), -EINVAL);
	assert_int_equal(mm_mseal(env->mm, BASE, (uint64_t)-1, 0), -EINVAL);
	assert_int_equal(mm_mseal(env->mm, -PG(1), PG(2), 0), -EINVAL);
	assert_int_equal(mm_mseal(env->mm, BASE, 0, 0), 0);
	/* a hole anywhere: ENOMEM, and nothing sealed */
	assert_int_equal(mm_mseal(env->mm, BASE, PG(4), 0), -ENOMEM);
	assert_int_equal(mm_mseal(env->mm, BASE - PG(1), PG(2), 0), -ENOMEM);
	assert_int_equal(mm_mseal(env->mm, BASE + PG(1), PG(2), 0), -ENOMEM);
	assert_false(sealed(env->mm, BASE));
	assert_false(sealed(env->mm, BASE + PG(3)));
	/* the length is rounded up to a page */
	assert_int_equal(mm_mseal(env->mm, BASE + PG(3), 1, 0), 0);
	assert_true(sealed(env->mm, BASE + PG(3)));
	env_check(env);
}

/* what a seal refuses leaves the layout and the data alone */
static void sealed_refuses(void **state)
{
	struct env *env = *state;
	uint64_t mid = BASE + PG(1);

	map_anon(env->mm, BASE, 3, RW);
	guest_write8(env, mid, 0x5a);
	assert_int_equal(mm_mseal(env->mm, mid, PG(1), 0), 0);
	expect_layout(env->mm, BASE, "abc");
	env_snapshot(env);
	assert_int_equal(mm_munmap(env->mm, mid, PG(1)), -EPERM);
	assert_int_equal(mm_munmap(env->mm, BASE, PG(3)), -EPERM);
	assert_int_equal(mm_mprotect(env->mm, mid, PG(1), PROT_READ), -EPERM);
	assert_int_equal(mm_mprotect(env->mm, mid, PG(1), RW), -EPERM);
	assert_int_equal(mm_mremap(env->mm, mid, PG(1), PG(2), MREMAP_MAYMOVE, 0), -EPERM);
	assert_int_equal(mm_mremap(env->mm, mid, PG(1), PG(1), 0, 0), -EPERM);
	assert_int_equal(mm_mremap(env->mm, BASE, PG(1), PG(1), MREMAP_MAYMOVE | MREMAP_FIXED,
				   mid), -EPERM);
	assert_int_equal(mm_mmap(env->mm, mid, PG(1), PROT_READ,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0), -EPERM);
	env_check(env);
	expect_layout(env->mm, BASE, "abc");
	assert_int_equal(guest_read8(env, mid), 0x5a);
	/* a writable one may still drop its pages: the program could zero them */
	assert_int_equal(mm_madvise(env->mm, mid, PG(1), MADV_DONTNEED), 0);
	assert_int_equal(guest_read8(env, mid), 0);
	/* the unsealed neighbours still change */
	assert_int_equal(mm_munmap(env->mm, BASE, PG(1)), 0);
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(2), PG(1), PROT_READ), 0);
	env_check(env);
}

static void sealed_read_only_advice(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 1, RW);
	guest_write8(env, BASE, 7);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(1), PROT_READ), 0);
	assert_int_equal(mm_mseal(env->mm, BASE, PG(1), 0), 0);
	assert_int_equal(mm_madvise(env->mm, BASE, PG(1), MADV_DONTNEED), -EPERM);
	assert_int_equal(mm_madvise(env->mm, BASE, PG(1), MADV_FREE), -EPERM);
	assert_int_equal(mm_madvise(env->mm, BASE, PG(1), MADV_DONTFORK), -EPERM);
	assert_int_equal(mm_madvise(env->mm, BASE, PG(1), MADV_WIPEONFORK), -EPERM);
	assert_int_equal(mm_madvise(env->mm, BASE, PG(1), MADV_WILLNEED), 0);
	assert_int_equal(mm_madvise(env->mm, BASE, PG(1), MADV_RANDOM), 0);
	assert_int_equal(guest_read8(env, BASE), 7);
	env_check(env);
}

/* fork copies the seal; exit takes sealed VMAs with the rest */
static void sealed_fork_and_exit(void **state)
{
	struct env *env = *state;
	struct mm_struct *child;
	int err = 0;

	map_anon(env->mm, BASE, 2, RW);
	assert_int_equal(mm_mseal(env->mm, BASE, PG(2), 0), 0);
	child = dup_mm(env->mm, &err);
	assert_non_null(child);
	assert_true(sealed(child, BASE));
	assert_int_equal(mm_munmap(child, BASE, PG(2)), -EPERM);
	mm_munmap_all(child);
	assert_null(vma_lookup(child, BASE));
	assert_int_equal(child->map_count, 0);
	mm_destroy(child);
	env_check(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(seal_splits_and_merges, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(seal_errnos, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(sealed_refuses, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(sealed_read_only_advice, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(sealed_fork_and_exit, env_setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
