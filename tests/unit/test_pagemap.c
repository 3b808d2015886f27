// SPDX-License-Identifier: GPL-2.0
/*
 * mm_pagemap(): /proc/PID/pagemap's bits as Linux's pagemap_pte_range()
 * sets them - none outside a VMA or before a fault, never soft-dirty, present with the
 * frame once touched, exclusive until fork shares the frame, file for
 * page-cache pages, swap with the slot once reclaim wrote the page out.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"

#define BASE	0x10000000UL
#define RW	(PROT_READ | PROT_WRITE)

static uint64_t pm1(struct mm_struct *mm, uint64_t addr, bool show_pfn)
{
	uint64_t e;

	mm_pagemap(mm, addr, &e, 1, show_pfn);
	return e;
}

static void anon_touch_fork_unmap(void **state)
{
	struct env *env = *state;
	struct mm_struct *child, *mms[2] = { env->mm };
	uint64_t pm[4], pfn;
	char msg[256];
	int err;

	assert_int_equal(map_anon(env->mm, BASE + PG(1), 2, RW), BASE + PG(1));
	mm_pagemap(env->mm, BASE, pm, 4, true);
	assert_int_equal(pm[0], 0);			/* a hole */
	assert_int_equal(pm[1], 0);			/* in a VMA, not faulted */
	assert_int_equal(pm[2], 0);
	assert_int_equal(pm[3], 0);

	guest_write8(env, BASE + PG(1), 1);
	pfn = pte_pfn(mm_walk(env->mm, BASE + PG(1)));
	assert_int_equal(pm1(env->mm, BASE + PG(1), true),
			 PM_PRESENT | PM_MMAP_EXCLUSIVE | pfn);
	/* without CAP_SYS_ADMIN no frame number */
	assert_int_equal(pm1(env->mm, BASE + PG(1), false),
			 PM_PRESENT | PM_MMAP_EXCLUSIVE);
	/* a read maps the zero page: present, but no page to be exclusive */
	assert_int_equal(guest_read8(env, BASE + PG(2)), 0);
	assert_int_equal(pm1(env->mm, BASE + PG(2), true),
			 PM_PRESENT | env->zone->zero_pfn);

	child = dup_mm(env->mm, &err);
	assert_non_null(child);
	mms[1] = child;
	if (validate_mms(mms, 2, msg, sizeof(msg)))
		fail_msg("validate_mms: %s", msg);
	if (env_check_log(env, msg, sizeof(msg)))
		fail_msg("commit log: %s", msg);
	commit_log_apply(env->mm);
	env_snapshot(env);
	commit_log_apply(child);
	assert_int_equal(pm1(env->mm, BASE + PG(1), true), PM_PRESENT | pfn);
	assert_int_equal(pm1(child, BASE + PG(1), true), PM_PRESENT | pfn);
	mm_destroy(child);
	env_check(env);
	assert_int_equal(pm1(env->mm, BASE + PG(1), true),
			 PM_PRESENT | PM_MMAP_EXCLUSIVE | pfn);

	assert_int_equal(mm_munmap(env->mm, BASE + PG(1), PG(2)), 0);
	env_check(env);
	mm_pagemap(env->mm, BASE, pm, 4, true);
	assert_int_equal(pm[1] | pm[2], 0);
}

static void file_page(void **state)
{
	struct env *env = *state;
	struct file *file = host_file_filled(env, 2, 7);
	uint64_t e;

	assert_int_equal(mm_mmap(env->mm, BASE, PG(2), PROT_READ, MAP_PRIVATE, file, 0), BASE);
	assert_int_equal(guest_read8(env, BASE), 7);
	e = pm1(env->mm, BASE, false);
	assert_int_equal(e, PM_PRESENT | PM_FILE | PM_MMAP_EXCLUSIVE);
	fput(file);
	env_check(env);
}

/* the address past the user range and the walk across VMAs of a long read */
static void ends_and_long_reads(void **state)
{
	struct env *env = *state;
	uint64_t *pm = calloc(1024, sizeof(*pm));
	int i, present = 0;

	assert_int_equal(map_anon(env->mm, BASE, 4, RW), BASE);
	assert_int_equal(map_anon(env->mm, BASE + PG(512), 4, PROT_READ), BASE + PG(512));
	guest_write8(env, BASE + PG(3), 1);
	mm_pagemap(env->mm, BASE, pm, 1024, true);
	for (i = 0; i < 1024; i++) {
		assert_int_equal(pm[i] & ~(PM_PRESENT | PM_MMAP_EXCLUSIVE | PM_PFRAME_MASK), 0);
		present += !!(pm[i] & PM_PRESENT);
	}
	assert_int_equal(present, 1);
	mm_pagemap(env->mm, TASK_SIZE - PAGE_SIZE, pm, 4, true);
	for (i = 0; i < 4; i++)
		assert_int_equal(pm[i], 0);
	free(pm);
}

static void swapped_page(void **state)
{
	struct env *env = env_new(PG(256));
	char path[] = "/tmp/mmu-pagemap-XXXXXX";
	uint64_t i, swapped = 0, e;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(swap_on(env->zone, fd, PG(2048)), 0);
	close(fd);
	assert_int_equal(mm_mmap(env->mm, BASE, PG(1024), RW,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, NULL, 0),
			 BASE);
	for (i = 0; i < 1024; i++)
		guest_write8(env, BASE + PG(i), 1);
	for (i = 0; i < 1024; i++) {
		pteval_t pte = mm_walk(env->mm, BASE + PG(i));

		e = pm1(env->mm, BASE + PG(i), true);
		if (!is_swap_pte(pte))
			continue;
		swapped++;
		assert_int_equal(e, PM_SWAP |
				    (pte_to_swp_slot(pte) << PM_SWAP_TYPE_BITS));
		assert_int_equal(pm1(env->mm, BASE + PG(i), false), PM_SWAP);
	}
	assert_true(swapped > 512);
	env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(anon_touch_fork_unmap, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(file_page, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(ends_and_long_reads, env_setup, env_teardown),
		cmocka_unit_test(swapped_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
