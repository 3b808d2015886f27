// SPDX-License-Identifier: GPL-2.0
/*
 * mlock family (splits, locked_vm, RLIMIT_MEMLOCK, mlockall) and msync
 * with shared host-file mappings: writes reach the host file on
 * msync(MS_SYNC), on munmap and at exit, and read(2)/write(2) through the
 * page cache agree with the mappings.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"

#define BASE	0x10000000UL
#define RW	(PROT_READ | PROT_WRITE)

/*   aaaa  mlock(1..3)  abbc  munlock(1..3)  aaaa */
static void mlock_splits_and_counts(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 4, RW);
	assert_int_equal(mm_mlock(env->mm, BASE + PG(1) + 100, PG(1), 0), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "abbc");
	assert_int_equal(env->mm->locked_vm, 2);
	/* mlock faults the pages in, writable ones with a write */
	assert_true(pte_write(mm_walk(env->mm, BASE + PG(2))));
	/* locking it again counts nothing more */
	assert_int_equal(mm_mlock(env->mm, BASE + PG(1), PG(2), 0), 0);
	assert_int_equal(env->mm->locked_vm, 2);
	assert_int_equal(mm_munlock(env->mm, BASE, PG(4)), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "aaaa");
	assert_int_equal(env->mm->locked_vm, 0);
	/* holes and bad flags */
	assert_int_equal(mm_mlock(env->mm, BASE, PG(6), 0), -ENOMEM);
	assert_int_equal(mm_mlock(env->mm, BASE, PG(1), 0x80), -EINVAL);
	/* PROT_NONE cannot be faulted in: ENOMEM, but the flag is set */
	map_anon(env->mm, BASE + PG(8), 1, PROT_NONE);
	assert_int_equal(mm_mlock(env->mm, BASE + PG(8), PG(1), 0), -ENOMEM);
	env_check(env);
}

static void memlock_limit(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 8, RW);
	mm_set_rlimit(env->mm, MM_RLIMIT_MEMLOCK, PG(4), PG(4));
	assert_int_equal(mm_mlock(env->mm, BASE, PG(5), 0), -ENOMEM);
	assert_int_equal(mm_mlock(env->mm, BASE, PG(4), 0), 0);
	assert_int_equal(mm_mmap(env->mm, BASE + PG(10), PG(1), RW,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_LOCKED, NULL, 0), -EAGAIN);
	mm_set_rlimit(env->mm, MM_RLIMIT_MEMLOCK, 0, 0);
	assert_int_equal(mm_mlock(env->mm, BASE, PG(1), 0), -EPERM);
	assert_int_equal(mm_mlockall(env->mm, MCL_CURRENT), -EPERM);
	env_check(env);
}

static void mlockall_future(void **state)
{
	struct env *env = *state;
	long a;

	assert_int_equal(mm_mlockall(env->mm, 0), -EINVAL);
	assert_int_equal(mm_mlockall(env->mm, MCL_FUTURE), 0);
	a = mm_mmap(env->mm, 0, PG(2), RW, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	assert_true(vma_lookup(env->mm, a)->vm_flags & VM_LOCKED);
	assert_int_equal(env->mm->locked_vm, 2);
	assert_true(pte_present(mm_walk(env->mm, a + PG(1))));
	assert_int_equal(mm_munlockall(env->mm), 0);
	assert_int_equal(env->mm->locked_vm, 0);
	env_check(env);
}

static struct file *host_file(struct env *env, char *path, unsigned int pages, unsigned int mode)
{
	char buf[PAGE_SIZE];
	struct file *f;
	unsigned int i;
	int fd;

	strcpy(path, "/tmp/mmu-msync-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	for (i = 0; i < pages; i++) {
		memset(buf, 'a' + (int)i, sizeof(buf));
		assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
	}
	f = host_file_open(env->zone, fd, path, mode);
	assert_non_null(f);
	close(fd);
	return f;
}

static char host_byte(const char *path, off_t off)
{
	char c = 0;
	int fd = open(path, O_RDONLY);

	assert_int_equal(pread(fd, &c, 1, off), 1);
	close(fd);
	return c;
}

static void shared_file_writeback(void **state)
{
	struct env *env = *state;
	char path[64], buf[8];
	struct file *f = host_file(env, path, 3, FMODE_READ | FMODE_WRITE);

	assert_int_equal(mm_mmap(env->mm, BASE, PG(3), RW, MAP_SHARED | MAP_FIXED, f, 0), BASE);
	guest_write8(env, BASE + 1, 'X');
	/* read(2) sees it at once: the same page cache */
	assert_int_equal(kernel_read(f, 0, buf, 2), 2);
	assert_int_equal(buf[1], 'X');
	/* the host file only after msync(MS_SYNC) */
	assert_int_equal(host_byte(path, 1), 'a');
	assert_int_equal(mm_msync(env->mm, BASE, PG(3), MS_SYNC), 0);
	env_check(env);
	assert_int_equal(host_byte(path, 1), 'X');
	assert_false(pte_dirty(mm_walk(env->mm, BASE)));
	/* write(2) goes through to the host and into the mapping */
	assert_int_equal(kernel_write(f, PG(1) + 2, "Y", 1), 1);
	assert_int_equal(guest_read8(env, BASE + PG(1) + 2), 'Y');
	assert_int_equal(host_byte(path, PG(1) + 2), 'Y');
	/* munmap writes back too */
	guest_write8(env, BASE + PG(2) + 3, 'Z');
	assert_int_equal(mm_munmap(env->mm, BASE, PG(3)), 0);
	env_check(env);
	assert_int_equal(host_byte(path, PG(2) + 3), 'Z');
	/* and exit: the env's teardown destroys the mm */
	assert_int_equal(mm_mmap(env->mm, BASE, PG(1), RW, MAP_SHARED | MAP_FIXED, f, 0), BASE);
	guest_write8(env, BASE + 4, 'W');
	mm_destroy(env->mm);
	env->mm = mm_create(env->zone, NULL);
	free(env->snap);
	env->snap = NULL;
	env->nsnap = 0;
	assert_int_equal(host_byte(path, 4), 'W');
	fput(f);
	unlink(path);
}

/* truncation of a host file; a read-only reopen refuses shared writes */
static void host_truncate_and_reopen(void **state)
{
	struct env *env = *state;
	char path[64];
	struct file *f = host_file(env, path, 4, FMODE_READ | FMODE_WRITE), *ro;
	struct fault_result res;

	assert_int_equal(mm_mmap(env->mm, BASE, PG(4), RW, MAP_SHARED | MAP_FIXED, f, 0), BASE);
	guest_write8(env, BASE + PG(3), 'T');
	assert_int_equal(truncate(path, PG(2) + 10), 0);
	assert_int_equal(file_truncate(f, PG(2) + 10), 0);
	env_check(env);
	assert_int_equal(mm_walk(env->mm, BASE + PG(3)), 0);
	assert_int_equal(mm_fault(env->mm, BASE + PG(3), 0, &res), -1);
	assert_int_equal(res.signo, SIGBUS);
	assert_int_equal(guest_read8(env, BASE + PG(2) + 9), 'c');
	ro = file_reopen(f, FMODE_READ);
	assert_int_equal(mm_mmap(env->mm, BASE + PG(8), PG(1), PROT_READ, MAP_SHARED | MAP_FIXED, ro, 0),
			 BASE + PG(8));
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(8), PG(1), RW), -EACCES);
	/* the same page cache: the write through the first open shows */
	guest_write8(env, BASE, 'R');
	assert_int_equal(guest_read8(env, BASE + PG(8)), 'R');
	assert_int_equal(file_fsync(f), 0);
	assert_int_equal(host_byte(path, 0), 'R');
	env_check(env);
	fput(ro);
	fput(f);
	unlink(path);
}

static void msync_errors(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 2, RW);
	map_anon(env->mm, BASE + PG(3), 1, RW);
	assert_int_equal(mm_msync(env->mm, BASE + 1, PG(1), MS_SYNC), -EINVAL);
	assert_int_equal(mm_msync(env->mm, BASE, PG(1), 0x100), -EINVAL);
	assert_int_equal(mm_msync(env->mm, BASE, PG(1), MS_SYNC | MS_ASYNC), -EINVAL);
	assert_int_equal(mm_msync(env->mm, BASE, 0, MS_SYNC), 0);
	assert_int_equal(mm_msync(env->mm, BASE, PG(4), MS_SYNC), -ENOMEM);
	assert_int_equal(mm_msync(env->mm, BASE, PG(4), MS_ASYNC), -ENOMEM);
	assert_int_equal(mm_msync(env->mm, BASE, PG(2), MS_ASYNC), 0);
	assert_int_equal(mm_mlock(env->mm, BASE, PG(1), 0), 0);
	assert_int_equal(mm_msync(env->mm, BASE, PG(1), MS_INVALIDATE), -EBUSY);
	env_check(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(mlock_splits_and_counts, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(memlock_limit, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(mlockall_future, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(shared_file_writeback, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(host_truncate_and_reopen, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(msync_errors, env_setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
