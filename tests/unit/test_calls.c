// SPDX-License-Identifier: GPL-2.0
/*
 * The mmap family's results and errnos, call by call, and the limits:
 * max_map_count, RLIMIT_AS, RLIMIT_DATA, overcommit.  The differential
 * test checks the same against the running kernel; these pin the cases a
 * random sequence rarely reaches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "helpers.h"
#include "internal.h"

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif

#define BASE	0x10000000UL
#define RW	(PROT_READ | PROT_WRITE)
#define ANON	(MAP_PRIVATE | MAP_ANONYMOUS)

static void mmap_errors(void **state)
{
	struct env *env = *state;
	struct mm_struct *mm = env->mm;

	assert_int_equal(mm_mmap(mm, 0, 0, RW, ANON, NULL, 0), -EINVAL);
	assert_int_equal(mm_mmap(mm, 0, PG(1), RW, MAP_ANONYMOUS, NULL, 0), -EINVAL);
	assert_int_equal(mm_mmap(mm, 0, PG(1), RW, ANON, NULL, 100), -EINVAL);
	assert_int_equal(mm_mmap(mm, BASE + 1, PG(1), RW, ANON | MAP_FIXED, NULL, 0), -EINVAL);
	assert_int_equal(mm_mmap(mm, 0, -PG(1), RW, ANON, NULL, 0), -ENOMEM);
	assert_int_equal(mm_mmap(mm, 0, (uint64_t)-1, RW, ANON, NULL, 0), -ENOMEM);
	assert_int_equal(mm_mmap(mm, TASK_SIZE - PG(1), PG(2), RW, ANON | MAP_FIXED, NULL, 0), -ENOMEM);
	/* below vm.mmap_min_addr (4096) without CAP_SYS_RAWIO */
	assert_int_equal(mm_mmap(mm, 0, PG(1), RW, ANON | MAP_FIXED, NULL, 0), -EPERM);
	assert_int_equal(mm_mmap(mm, 0, PG(1), RW, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, NULL, 0),
			 -EINVAL);
	/* MAP_SHARED_VALIDATE is for files: anonymous memory is refused outright */
	assert_int_equal(mm_mmap(mm, 0, PG(1), RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x800000,
				 NULL, 0), -EINVAL);
	assert_int_equal(mm_mmap(mm, 0, PG(1), RW, MAP_PRIVATE, NULL, 0), -EBADF);
	env_check(env);
	assert_int_equal(mm->map_count, 0);
	/* the LSM's 64 KiB only rounds hints: MAP_FIXED at one page is allowed */
	assert_int_equal(mm_mmap(mm, PG(1), PG(1), RW, ANON | MAP_FIXED, NULL, 0), PG(1));
	env_check(env);
}

static void mmap_hint_below_min_addr_is_raised(void **state)
{
	struct env *env = *state;
	long r = mm_mmap(env->mm, PG(2), PG(1), RW, ANON, NULL, 0);

	assert_int_equal(r, env->zone->mmap_min_addr);
	/* a hint inside the first page is no hint at all: top-down placement */
	r = mm_mmap(env->mm, 0x800, PG(1), RW, ANON, NULL, 0);
	assert_int_equal(r, env->mm->mmap_base - PG(1));
	env_check(env);
}

/* shared anonymous memory is charged up front; MAP_DROPPABLE never */
static void shared_anon_and_droppable_accounting(void **state)
{
	struct env *env = *state;
	uint64_t before = env->zone->vm_committed_as;
	long a;

	a = mm_mmap(env->mm, 0, PG(8), PROT_READ, MAP_SHARED | MAP_ANONYMOUS, NULL, 0);
	assert_true(a > 0);
	assert_int_equal(env->zone->vm_committed_as, before + 8);
	assert_int_equal(mm_mmap(env->mm, 0, PG(env->zone->totalram_pages + 1), PROT_READ,
				 MAP_SHARED | MAP_ANONYMOUS, NULL, 0), -ENOMEM);
	assert_int_equal(mm_munmap(env->mm, a, PG(8)), 0);
	assert_int_equal(env->zone->vm_committed_as, before);
	a = mm_mmap(env->mm, 0, PG(8), RW, MAP_DROPPABLE | MAP_ANONYMOUS, NULL, 0);
	assert_true(a > 0);
	assert_int_equal(env->zone->vm_committed_as, before);
	assert_true(vma_lookup(env->mm, a)->vm_flags & VM_WIPEONFORK);
	assert_int_equal(mm_mmap(env->mm, 0, PG(1), RW, MAP_DROPPABLE | MAP_ANONYMOUS | MAP_LOCKED,
				 NULL, 0), -EINVAL);
	env_check(env);
}

static void mmap_file_pgoff_overflow(void **state)
{
	struct env *env = *state;
	struct file *f = shmem_file_setup(env->zone, "/memfd:o (deleted)", PG(1));

	assert_int_equal(mm_mmap(env->mm, 0, PG(2), RW, MAP_SHARED, f, -PG(1)), -EOVERFLOW);
	fput(f);
	env_check(env);
}

static void munmap_errors(void **state)
{
	struct env *env = *state;

	assert_int_equal(mm_munmap(env->mm, BASE + 1, PG(1)), -EINVAL);
	assert_int_equal(mm_munmap(env->mm, BASE, 0), -EINVAL);
	assert_int_equal(mm_munmap(env->mm, TASK_SIZE - PG(1), PG(2)), -EINVAL);
	assert_int_equal(mm_munmap(env->mm, BASE, PG(4)), 0);
	env_check(env);
}

/* mprotect applies up to a hole, then reports ENOMEM */
static void mprotect_errors_and_holes(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 2, RW);
	map_anon(env->mm, BASE + PG(3), 2, RW);
	assert_int_equal(mm_mprotect(env->mm, BASE + 1, PG(1), PROT_READ), -EINVAL);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(1), 0x10), -EINVAL);
	assert_int_equal(mm_mprotect(env->mm, BASE, 0, PROT_READ), 0);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(1), PROT_READ | PROT_GROWSDOWN), -EINVAL);
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(6), PG(1), PROT_READ), -ENOMEM);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(5), PROT_READ), -ENOMEM);
	env_check(env);
	/*   aabb.cc -> first VMA changed, the one past the hole not */
	expect_layout(env->mm, BASE, "aa.bb");
	expect_prot(env->mm, BASE, "r--p");
	expect_prot(env->mm, BASE + PG(3), "rw-p");
	/* PROT_SEM is accepted and ignored */
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(3), PG(2), PROT_READ | 0x8), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "aa.bb");
}

static void brk_grow_shrink_limits(void **state)
{
	struct env *env = *state;
	struct mm_struct *mm = env->mm;
	uint64_t start = 0x600000;

	mm_set_brk_base(mm, start);
	assert_int_equal(mm_brk(mm, 0), start);
	assert_int_equal(mm_brk(mm, start - 1), start);
	assert_int_equal(mm_brk(mm, start + 100), start + 100);
	env_check(env);
	expect_layout(mm, start, "a.");
	assert_int_equal(mm_brk(mm, start + PG(3) + 1), start + PG(3) + 1);
	env_check(env);
	expect_layout(mm, start, "aaaa.");
	guest_write8(env, start + PG(3), 1);
	/* shrinking unmaps whole pages past the new break */
	assert_int_equal(mm_brk(mm, start + PG(1)), start + PG(1));
	env_check(env);
	expect_layout(mm, start, "a...");
	/* growing into another mapping fails and returns the old break */
	map_anon(mm, start + PG(4), 1, RW);
	assert_int_equal(mm_brk(mm, start + PG(4)), start + PG(1));
	assert_int_equal(mm_brk(mm, start + PG(3)), start + PG(3));
	env_check(env);
	/* RLIMIT_DATA */
	mm_set_rlimit(mm, MM_RLIMIT_DATA, PG(2), RLIM_INFINITY_MM);
	assert_int_equal(mm_brk(mm, start + PG(2)), start + PG(2));
	assert_int_equal(mm_brk(mm, start + PG(2) + 1), start + PG(2));
	env_check(env);
	/* the heap is [heap] in maps */
	char *maps = mm_show_maps(mm);

	assert_non_null(strstr(maps, "00600000-00602000 rw-p 00000000 00:00 0                                  [heap]\n"));
	free(maps);
}

static void madvise_calls(void **state)
{
	struct env *env = *state;
	unsigned char vec[4];

	map_anon(env->mm, BASE, 4, RW);
	assert_int_equal(mm_madvise(env->mm, BASE, PG(1), 12345), -EINVAL);
	assert_int_equal(mm_madvise(env->mm, BASE + 1, PG(1), MADV_DONTNEED), -EINVAL);
	assert_int_equal(mm_madvise(env->mm, BASE, 0, MADV_DONTNEED), 0);
	assert_int_equal(mm_madvise(env->mm, BASE, (uint64_t)-1, MADV_DONTNEED), -EINVAL);
	guest_write8(env, BASE, 9);
	guest_write8(env, BASE + PG(1), 9);
	assert_int_equal(mm_madvise(env->mm, BASE, PG(1), MADV_DONTNEED), 0);
	env_check(env);
	assert_int_equal(mm_mincore(env->mm, BASE, PG(4), vec), 0);
	assert_memory_equal(vec, "\0\1\0\0", 4);
	assert_int_equal(guest_read8(env, BASE), 0);
	assert_int_equal(guest_read8(env, BASE + PG(1)), 9);
	/* a hole: the mapped parts are done, the answer is ENOMEM */
	assert_int_equal(mm_madvise(env->mm, BASE, PG(6), MADV_DONTNEED), -ENOMEM);
	env_check(env);
	assert_int_equal(mm_madvise(env->mm, BASE + PG(8), PG(1), MADV_WILLNEED), -ENOMEM);
	/* flag advice splits like mprotect */
	assert_int_equal(mm_madvise(env->mm, BASE + PG(1), PG(1), MADV_DONTFORK), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "abcc");
	assert_true(vma_lookup(env->mm, BASE + PG(1))->vm_flags & VM_DONTCOPY);
	assert_int_equal(mm_madvise(env->mm, BASE + PG(1), PG(1), MADV_DOFORK), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "aaaa");
	/* no CONFIG_MEMORY_FAILURE: poisoning is unknown advice */
	assert_int_equal(mm_madvise(env->mm, BASE, PG(1), MADV_HWPOISON), -EINVAL);
}

/* MADV_FREE keeps the data until reclaim; a write takes the page back */
static void madvise_free_is_lazy(void **state)
{
	struct env *env = *state;
	char *smaps;
	long s;

	map_anon(env->mm, BASE, 2, RW);
	guest_write8(env, BASE, 7);
	guest_write8(env, BASE + PG(1), 8);
	assert_int_equal(mm_madvise(env->mm, BASE, PG(2), MADV_FREE), 0);
	env_check(env);
	assert_false(pte_dirty(mm_walk(env->mm, BASE)));
	smaps = mm_show_smaps(env->mm);
	assert_non_null(strstr(smaps, "LazyFree:              8 kB\n"));
	free(smaps);
	assert_int_equal(guest_read8(env, BASE), 7);
	guest_write8(env, BASE + PG(1), 9);
	smaps = mm_show_smaps(env->mm);
	assert_non_null(strstr(smaps, "LazyFree:              4 kB\n"));
	free(smaps);
	/* only private anonymous memory */
	s = mm_mmap(env->mm, 0, PG(1), RW, MAP_SHARED | MAP_ANONYMOUS, NULL, 0);
	assert_int_equal(mm_madvise(env->mm, s, PG(1), MADV_FREE), -EINVAL);
	env_check(env);
}

static void madvise_dontneed_refuses_locked(void **state)
{
	struct env *env = *state;

	assert_int_equal(mm_mmap(env->mm, BASE, PG(2), RW, ANON | MAP_FIXED | MAP_LOCKED, NULL, 0), BASE);
	assert_int_equal(env->mm->locked_vm, 2);
	/* MAP_LOCKED populates */
	assert_true(pte_present(mm_walk(env->mm, BASE + PG(1))));
	assert_int_equal(mm_madvise(env->mm, BASE, PG(1), MADV_DONTNEED), -EINVAL);
	env_check(env);
}

static void mincore_calls(void **state)
{
	struct env *env = *state;
	unsigned char vec[3];

	map_anon(env->mm, BASE, 3, RW);
	assert_int_equal(mm_mincore(env->mm, BASE + 1, PG(1), vec), -EINVAL);
	assert_int_equal(mm_mincore(env->mm, BASE, PG(4), vec), -ENOMEM);
	assert_int_equal(mm_mincore(env->mm, TASK_SIZE, PG(1), vec), -ENOMEM);
	assert_int_equal(mm_mincore(env->mm, BASE, 0, vec), 0);
	guest_read8(env, BASE + PG(2));		/* the zero page counts */
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(2), PG(1), PROT_NONE), 0);
	assert_int_equal(mm_mincore(env->mm, BASE, PG(2) + 1, vec), 0);
	assert_memory_equal(vec, "\0\0\1", 3);
	env_check(env);
}

static void max_map_count_limit(void **state)
{
	struct env *env = *state;
	int i;

	env->zone->max_map_count = 4;
	for (i = 0; i < 5; i++)
		assert_int_equal(map_anon(env->mm, BASE + PG(2 * i), 1, i & 1 ? RW : PROT_READ),
				 BASE + PG(2 * i));
	/* do_mmap refuses once the count is past the limit */
	assert_int_equal(map_anon(env->mm, BASE + PG(20), 1, RW), -ENOMEM);
	/* a split that would add a VMA is refused */
	env->zone->max_map_count = 6;
	assert_int_equal(map_anon(env->mm, BASE + PG(30), 3, RW), BASE + PG(30));
	assert_int_equal(mm_munmap(env->mm, BASE + PG(31), PG(1)), -ENOMEM);
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(31), PG(1), PROT_READ), -ENOMEM);
	/* trimming an end needs no new VMA */
	assert_int_equal(mm_munmap(env->mm, BASE + PG(32), PG(1)), 0);
	env_check(env);
}

static void rlimit_as(void **state)
{
	struct env *env = *state;

	mm_set_rlimit(env->mm, MM_RLIMIT_AS, PG(8), PG(8));
	assert_int_equal(map_anon(env->mm, BASE, 8, RW), BASE);
	assert_int_equal(map_anon(env->mm, BASE + PG(10), 1, RW), -ENOMEM);
	/* MAP_FIXED over existing pages counts what it replaces */
	assert_int_equal(map_anon(env->mm, BASE, 4, PROT_READ), BASE);
	env_check(env);
}

static void overcommit_never(void **state)
{
	struct env *env = *state;
	uint64_t limit;

	env->zone->overcommit_memory = 2;
	env->zone->overcommit_ratio = 50;
	limit = env->zone->totalram_pages / 2;
	assert_int_equal(map_anon(env->mm, BASE, limit + 1, RW), -ENOMEM);
	/* read-only private memory is not charged */
	assert_int_equal(map_anon(env->mm, BASE, limit + 1, PROT_READ), BASE);
	/* making it writable charges it */
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(limit + 1), RW), -ENOMEM);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(8), RW), 0);
	assert_int_equal(env->zone->vm_committed_as, 8);
	assert_int_equal(mm_munmap(env->mm, BASE, PG(limit + 1)), 0);
	assert_int_equal(env->zone->vm_committed_as, 0);
	env_check(env);
}

/* Linux's exact text: columns, padding, names */
static void maps_text(void **state)
{
	struct env *env = *state;
	struct file *f = shmem_file_setup(env->zone, "/memfd:demo (deleted)", PG(2));
	char *maps;
	char expect[1024];

	mm_set_brk_base(env->mm, 0x601000);
	mm_brk(env->mm, 0x602000);
	map_anon(env->mm, 0x400000, 1, PROT_READ | PROT_EXEC);
	assert_int_equal(mm_mmap(env->mm, 0x7f0000000000, PG(2), PROT_READ, MAP_SHARED | MAP_FIXED, f, PG(1)),
			 0x7f0000000000);
	mm_setup_stack(env->mm, PG(33));
	maps = mm_show_maps(env->mm);
	snprintf(expect, sizeof(expect),
		 "00400000-00401000 r-xp 00000000 00:00 0 \n"
		 "00601000-00602000 rw-p 00000000 00:00 0                                  [heap]\n"
		 "7f0000000000-7f0000002000 r--s 00001000 00:01 %lu                          "
		 "/memfd:demo (deleted)\n"
		 "7fffffffe000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n",
		 (unsigned long)f->ino);
	/* the stack line's start depends on its size */
	assert_non_null(strstr(maps, "[stack]\n"));
	maps[strlen(maps) - strlen("7fffffffe000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n")] = '\0';
	expect[strlen(expect) - strlen("7fffffffe000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n")] = '\0';
	assert_string_equal(maps, expect);
	free(maps);
	fput(f);
	env_check(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(mmap_errors, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(mmap_hint_below_min_addr_is_raised, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(mmap_file_pgoff_overflow, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(shared_anon_and_droppable_accounting, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(munmap_errors, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(mprotect_errors_and_holes, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(brk_grow_shrink_limits, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(madvise_calls, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(madvise_free_is_lazy, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(madvise_dontneed_refuses_locked, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(mincore_calls, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(max_map_count_limit, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(rlimit_as, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(overcommit_never, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(maps_text, env_setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
