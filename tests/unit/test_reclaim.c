// SPDX-License-Identifier: GPL-2.0
/*
 * Reclaim and swap on a small zone: anonymous memory several times the
 * zone's size round-trips through swap with every byte intact (also after
 * fork, where a page swapped out of two processes comes back shared),
 * clean file pages are dropped and read again, dirty shared ones written
 * back first, MADV_FREE pages discarded only while clean, mlocked pages
 * kept, and without swap a fault that cannot be served is OOM.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"

#define BASE	0x10000000UL
#define RW	(PROT_READ | PROT_WRITE)
#define ZONE_PAGES	256		/* 1 MiB of guest memory */

static struct env *small_env(uint64_t swap_pages)
{
	struct env *env = env_new(PG(ZONE_PAGES));
	char path[] = "/tmp/mmu-swap-XXXXXX";
	int fd;

	if (!swap_pages)
		return env;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(swap_on(env->zone, fd, PG(swap_pages)), 0);
	close(fd);
	return env;
}

static long map_noreserve(struct mm_struct *mm, uint64_t addr, uint64_t pages, int flags)
{
	return mm_mmap(mm, addr, PG(pages), RW, MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE | flags,
		       NULL, 0);
}

/* 4x the zone in anonymous memory, every byte checked after a round trip */
static void anon_through_swap(void **state)
{
	struct env *env = small_env(8 * ZONE_PAGES);
	const uint64_t pages = 4 * ZONE_PAGES;
	uint64_t i;

	(void)state;
	assert_int_equal(map_noreserve(env->mm, BASE, pages, MAP_PRIVATE), BASE);
	for (i = 0; i < pages; i++) {
		guest_write8(env, BASE + PG(i), (uint8_t)(i * 7));
		guest_write8(env, BASE + PG(i) + 4095, (uint8_t)(i * 13));
	}
	for (i = 0; i < pages; i++) {
		assert_int_equal(guest_read8(env, BASE + PG(i)), (uint8_t)(i * 7));
		assert_int_equal(guest_read8(env, BASE + PG(i) + 4095), (uint8_t)(i * 13));
	}
	assert_true(env->zone->stats.pswpout > pages / 2);
	assert_true(env->zone->stats.pswpin > pages / 2);
	assert_true(env->mm->stats.faults[FAULT_SWAP_IN] > 0);
	env_free(env);
}

/* a page swapped out of parent and child comes back as one shared page */
static void swap_after_fork(void **state)
{
	struct env *env = small_env(8 * ZONE_PAGES);
	struct mm_struct *mms[2] = { env->mm };
	const uint64_t pages = 2 * ZONE_PAGES;
	uint64_t i;
	char err[256];
	int e;

	(void)state;
	assert_int_equal(map_noreserve(env->mm, BASE, pages, MAP_PRIVATE), BASE);
	for (i = 0; i < pages; i++)
		guest_write8(env, BASE + PG(i), (uint8_t)i);
	mms[1] = dup_mm(env->mm, &e);
	assert_non_null(mms[1]);
	/* the child rewrites odd pages: those copies are its own */
	for (i = 1; i < pages; i += 2) {
		assert_int_equal(mm_copy_to_user(mms[1], BASE + PG(i), "\xee", 1), 0);
		if (validate_mms(mms, 2, err, sizeof(err)))
			fail_msg("step %lu: %s", (unsigned long)i, err);
	}
	for (i = 0; i < pages; i++) {
		uint8_t p, c;

		assert_int_equal(mm_copy_from_user(mms[0], &p, BASE + PG(i), 1), 0);
		assert_int_equal(mm_copy_from_user(mms[1], &c, BASE + PG(i), 1), 0);
		assert_int_equal(p, (uint8_t)i);
		assert_int_equal(c, i & 1 ? 0xee : (uint8_t)i);
		if (i % 32 == 0 && validate_mms(mms, 2, err, sizeof(err)))
			fail_msg("read %lu: %s", (unsigned long)i, err);
	}
	if (validate_mms(mms, 2, err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(env->zone->stats.pswpin > 0);
	commit_log_apply(mms[1]);
	mm_destroy(mms[1]);
	env_free(env);
}

/* no swap: anonymous memory beyond the zone is an OOM, cleanly */
static void oom_without_swap(void **state)
{
	struct env *env = small_env(0);
	struct fault_result res;
	uint64_t i;
	int died = 0;

	(void)state;
	assert_int_equal(map_noreserve(env->mm, BASE, 2 * ZONE_PAGES, MAP_PRIVATE), BASE);
	for (i = 0; i < 2 * ZONE_PAGES && !died; i++)
		died = guest_touch(env, BASE + PG(i), true, &res) != 0;
	assert_true(died);
	assert_int_equal(res.kind, FAULT_OOM);
	env_free(env);
}

static struct file *host_file(struct env *env, uint64_t pages, unsigned int mode, char *path)
{
	char buf[PAGE_SIZE];
	struct file *f;
	uint64_t i;
	int fd;

	strcpy(path, "/tmp/mmu-reclaim-XXXXXX");
	fd = mkstemp(path);
	for (i = 0; i < pages; i++) {
		memset(buf, (int)(i & 0x7f) + 1, sizeof(buf));
		assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
	}
	f = host_file_open(env->zone, fd, path, mode);
	close(fd);
	return f;
}

/* clean file pages go and come back; dirty shared ones reach the file first */
static void file_pages_dropped_and_written(void **state)
{
	struct env *env = small_env(0);
	char ro_path[64], rw_path[64], c = 0;
	struct file *ro = host_file(env, 2 * ZONE_PAGES, FMODE_READ, ro_path);
	struct file *rw = host_file(env, ZONE_PAGES / 4, FMODE_READ | FMODE_WRITE, rw_path);
	uint64_t i;
	int fd;

	(void)state;
	assert_int_equal(mm_mmap(env->mm, BASE, PG(2 * ZONE_PAGES), PROT_READ, MAP_PRIVATE | MAP_FIXED,
				 ro, 0), BASE);
	assert_int_equal(mm_mmap(env->mm, BASE + PG(4096), PG(ZONE_PAGES / 4), RW,
				 MAP_SHARED | MAP_FIXED, rw, 0), BASE + PG(4096));
	for (i = 0; i < ZONE_PAGES / 4; i++)
		guest_write8(env, BASE + PG(4096) + PG(i), 0x55);
	/* reading 2x the zone of file forces the rest out */
	for (i = 0; i < 2 * ZONE_PAGES; i++)
		assert_int_equal(guest_read8(env, BASE + PG(i)), (i & 0x7f) + 1);
	for (i = 0; i < 2 * ZONE_PAGES; i++)
		assert_int_equal(guest_read8(env, BASE + PG(i)), (i & 0x7f) + 1);
	assert_true(env->zone->stats.pg_dropped > ZONE_PAGES);
	assert_true(env->zone->stats.pg_written > 0);
	fd = open(rw_path, O_RDONLY);
	assert_int_equal(pread(fd, &c, 1, PG(3)), 1);
	close(fd);
	assert_int_equal(c, 0x55);
	for (i = 0; i < ZONE_PAGES / 4; i++)
		assert_int_equal(guest_read8(env, BASE + PG(4096) + PG(i)), 0x55);
	fput(ro);
	fput(rw);
	unlink(ro_path);
	unlink(rw_path);
	env_free(env);
}

/* mlocked pages stay; MADV_FREE pages go only while clean; shmem comes back */
static void what_stays(void **state)
{
	struct env *env = small_env(4 * ZONE_PAGES);
	struct file *shm = shmem_file_setup(env->zone, "/memfd:keep (deleted)", PG(16));
	uint64_t i;

	(void)state;
	assert_int_equal(mm_mmap(env->mm, BASE, PG(16), RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
				 MAP_LOCKED, NULL, 0), BASE);
	assert_int_equal(mm_mmap(env->mm, BASE + PG(32), PG(16), RW, MAP_SHARED | MAP_FIXED, shm, 0),
			 BASE + PG(32));
	map_noreserve(env->mm, BASE + PG(64), 16, MAP_PRIVATE);
	for (i = 0; i < 16; i++) {
		guest_write8(env, BASE + PG(i), 0x11);
		guest_write8(env, BASE + PG(32 + i), 0x22);
		guest_write8(env, BASE + PG(64 + i), 0x33);
	}
	assert_int_equal(mm_madvise(env->mm, BASE + PG(64), PG(16), MADV_FREE), 0);
	env_check(env);
	guest_write8(env, BASE + PG(64), 0x34);	/* rewritten: kept */
	/* pressure: 3x the zone */
	map_noreserve(env->mm, BASE + PG(1024), 3 * ZONE_PAGES, MAP_PRIVATE);
	for (i = 0; i < 3 * ZONE_PAGES; i++)
		guest_write8(env, BASE + PG(1024 + i), 1);
	for (i = 0; i < 16; i++) {
		assert_true(pte_present(mm_walk(env->mm, BASE + PG(i))));
		assert_int_equal(guest_read8(env, BASE + PG(i)), 0x11);
		assert_int_equal(guest_read8(env, BASE + PG(32 + i)), 0x22);
	}
	assert_int_equal(guest_read8(env, BASE + PG(64)), 0x34);
	/* the clean MADV_FREE pages were discarded, not swapped */
	assert_int_equal(guest_read8(env, BASE + PG(70)), 0);
	fput(shm);
	env_free(env);
}

/* shared memory twice the zone: out to swap and back, by mapping and by read(2) */
static void shmem_through_swap(void **state)
{
	struct env *env = small_env(8 * ZONE_PAGES);
	const uint64_t pages = 2 * ZONE_PAGES;
	struct file *f = shmem_file_setup(env->zone, "/memfd:big (deleted)", PG(pages));
	uint64_t i, out;
	uint8_t b;

	(void)state;
	assert_int_equal(mm_mmap(env->mm, BASE, PG(pages), RW, MAP_SHARED | MAP_FIXED, f, 0), BASE);
	for (i = 0; i < pages; i++)
		guest_write8(env, BASE + PG(i), (uint8_t)(i * 3));
	out = env->zone->stats.pswpout;
	assert_true(out > ZONE_PAGES / 2);
	for (i = 0; i < pages; i++)
		assert_int_equal(guest_read8(env, BASE + PG(i)), (uint8_t)(i * 3));
	for (i = 0; i < pages; i += 7) {
		assert_int_equal(kernel_read(f, PG(i), &b, 1), 1);
		assert_int_equal(b, (uint8_t)(i * 3));
		env_check(env);
	}
	assert_true(env->zone->stats.pswpin > 0);
	/* truncation frees the slots of swapped pages too */
	assert_int_equal(file_truncate(f, PG(4)), 0);
	env_check(env);
	assert_int_equal(mm_munmap(env->mm, BASE, PG(pages)), 0);
	fput(f);
	env_check(env);
	assert_int_equal(nr_swap_free(env->zone), 8 * ZONE_PAGES);
	env_free(env);
}

/* /proc/meminfo and VmSwap show the traffic */
static void counters(void **state)
{
	struct env *env = small_env(4 * ZONE_PAGES);
	char *status, *meminfo;
	uint64_t i;

	(void)state;
	map_noreserve(env->mm, BASE, 2 * ZONE_PAGES, MAP_PRIVATE);
	for (i = 0; i < 2 * ZONE_PAGES; i++)
		guest_write8(env, BASE + PG(i), 1);
	status = mm_show_status(env->mm);
	meminfo = zone_show_meminfo(env->zone);
	assert_null(strstr(status, "VmSwap:\t       0 kB"));
	assert_non_null(strstr(meminfo, "SwapTotal:          4096 kB\n"));
	assert_non_null(strstr(meminfo, "MemTotal:           1024 kB\n"));
	free(status);
	free(meminfo);
	env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(anon_through_swap),
		cmocka_unit_test(swap_after_fork),
		cmocka_unit_test(oom_without_swap),
		cmocka_unit_test(file_pages_dropped_and_written),
		cmocka_unit_test(what_stays),
		cmocka_unit_test(shmem_through_swap),
		cmocka_unit_test(counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
