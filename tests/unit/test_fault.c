// SPDX-License-Identifier: GPL-2.0
/*
 * Demand faults: the signal Linux would send, anonymous and file pages,
 * copy on write, shared memory, SIGBUS past the end of a file, stack
 * growth and its limits, running out of frames.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"

#define BASE	0x10000000UL
#define RW	(PROT_READ | PROT_WRITE)

static void expect_signal(struct env *env, uint64_t addr, unsigned int flags, int signo, int code)
{
	struct fault_result res;

	assert_int_equal(mm_fault(env->mm, addr, flags | FAULT_FLAG_USER, &res), -1);
	assert_int_equal(res.signo, signo);
	assert_int_equal(res.si_code, code);
	env_check(env);
}

static void segv_maperr_and_accerr(void **state)
{
	struct env *env = *state;

	expect_signal(env, BASE, 0, SIGSEGV, SEGV_MAPERR);
	expect_signal(env, 0xffff888000000000UL, 0, SIGSEGV, SEGV_MAPERR);
	map_anon(env->mm, BASE, 1, PROT_READ);
	expect_signal(env, BASE, FAULT_FLAG_WRITE, SIGSEGV, SEGV_ACCERR);
	expect_signal(env, BASE, FAULT_FLAG_INSTRUCTION, SIGSEGV, SEGV_ACCERR);
	map_anon(env->mm, BASE + PG(1), 1, PROT_NONE);
	expect_signal(env, BASE + PG(1), 0, SIGSEGV, SEGV_ACCERR);
	assert_int_equal(env->mm->stats.faults[FAULT_SEGV_ACCERR], 3);
}

/* private file pages: read from the file, copied on write, file untouched */
static void file_private_cow(void **state)
{
	struct env *env = *state;
	struct file *f = host_file_filled(env, 4, 0x10);

	assert_int_equal(mm_mmap(env->mm, BASE, PG(4), RW, MAP_PRIVATE | MAP_FIXED, f, PG(1)), BASE);
	assert_int_equal(mm_mmap(env->mm, BASE + PG(8), PG(4), PROT_READ, MAP_PRIVATE | MAP_FIXED, f, 0),
			 BASE + PG(8));
	env_check(env);
	assert_int_equal(guest_read8(env, BASE), 0x11);
	assert_int_equal(env->mm->stats.faults[FAULT_FILE], 1);
	guest_write8(env, BASE, 0xee);
	assert_int_equal(env->mm->stats.faults[FAULT_WP_COPY], 1);
	/* the other mapping of the same page still reads the file */
	assert_int_equal(guest_read8(env, BASE + PG(9)), 0x11);
	assert_int_equal(guest_read8(env, BASE), 0xee);
	/* one page-cache frame per file page for both mappings (fault-around read all 4) */
	assert_int_equal(env->zone->stats.nr_cache, 4);
	/* a write to a page fault-around mapped read-only copies it */
	guest_write8(env, BASE + PG(2), 0xdd);
	assert_int_equal(env->mm->stats.faults[FAULT_WP_COPY], 2);
	assert_int_equal(guest_read8(env, BASE + PG(11)), 0x13);
	/* MADV_DONTNEED drops the private copy: the file shows through again */
	assert_int_equal(mm_madvise(env->mm, BASE, PG(1), MADV_DONTNEED), 0);
	env_check(env);
	assert_int_equal(guest_read8(env, BASE), 0x11);
	fput(f);
}

static void file_shared_readonly_refuses_write(void **state)
{
	struct env *env = *state;
	struct file *f = host_file_filled(env, 2, 0x10);

	assert_int_equal(mm_mmap(env->mm, BASE, PG(2), RW, MAP_SHARED | MAP_FIXED, f, 0), -EACCES);
	assert_int_equal(mm_mmap(env->mm, BASE, PG(2), PROT_READ, MAP_SHARED | MAP_FIXED, f, 0), BASE);
	/* no VM_MAYWRITE: mprotect cannot add write */
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(2), RW), -EACCES);
	expect_prot(env->mm, BASE, "r--s");
	env_check(env);
	fput(f);
}

/* shared memory: every mapping sees the same frames */
static void shmem_shared_between_mappings(void **state)
{
	struct env *env = *state;
	struct file *f = shmem_file_setup(env->zone, "/memfd:x (deleted)", PG(4));

	assert_int_equal(mm_mmap(env->mm, BASE, PG(4), RW, MAP_SHARED | MAP_FIXED, f, 0), BASE);
	assert_int_equal(mm_mmap(env->mm, BASE + PG(8), PG(4), PROT_READ, MAP_SHARED | MAP_FIXED, f, 0),
			 BASE + PG(8));
	guest_write8(env, BASE + PG(3), 77);
	assert_int_equal(guest_read8(env, BASE + PG(11)), 77);
	assert_int_equal(env->mm->stats.faults[FAULT_SHARED_WRITE], 1);
	/* shared pages survive MADV_DONTNEED: they live in the object */
	assert_int_equal(mm_madvise(env->mm, BASE, PG(4), MADV_DONTNEED), 0);
	env_check(env);
	assert_int_equal(guest_read8(env, BASE + PG(3)), 77);
	/* MADV_REMOVE punches a hole: gone from every mapping */
	guest_write8(env, BASE + PG(2), 66);
	assert_int_equal(mm_mmap(env->mm, BASE + PG(16), PG(1), PROT_READ, MAP_PRIVATE | MAP_FIXED, f, 0),
			 BASE + PG(16));
	assert_int_equal(mm_madvise(env->mm, BASE + PG(16), PG(1), MADV_REMOVE), -EACCES);
	assert_int_equal(mm_madvise(env->mm, BASE + PG(3), PG(1), MADV_REMOVE), 0);
	env_check(env);
	assert_int_equal(guest_read8(env, BASE + PG(11)), 0);
	assert_int_equal(guest_read8(env, BASE + PG(10)), 66);
	map_anon(env->mm, BASE + PG(20), 1, PROT_READ | PROT_WRITE);
	assert_int_equal(mm_madvise(env->mm, BASE + PG(20), PG(1), MADV_REMOVE), -EINVAL);
	fput(f);
}

/* read and write see the same bytes as the mappings, and write extends */
static void shmem_read_write(void **state)
{
	struct env *env = *state;
	struct file *f = shmem_file_setup(env->zone, "/memfd:rw (deleted)", 0);
	char buf[16] = { 0 };

	assert_int_equal(kernel_write(f, PG(1) - 2, "hello", 5), 5);
	assert_int_equal(f->f_mapping->i_size, PG(1) + 3);
	assert_int_equal(mm_mmap(env->mm, BASE, PG(2), RW, MAP_SHARED | MAP_FIXED, f, 0), BASE);
	assert_int_equal(guest_read8(env, BASE + PG(1) - 2), 'h');
	assert_int_equal(guest_read8(env, BASE + PG(1) + 2), 'o');
	guest_write8(env, BASE + PG(1), 'L');
	assert_int_equal(kernel_read(f, PG(1) - 2, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "heLlo");
	assert_int_equal(kernel_read(f, PG(4), buf, sizeof(buf)), 0);
	env_check(env);
	fput(f);
}

/* SIGBUS for pages wholly past the end; truncation zaps mapped pages */
static void sigbus_past_eof_and_truncate(void **state)
{
	struct env *env = *state;
	struct file *f = shmem_file_setup(env->zone, "/memfd:y (deleted)", PG(1) + 100);

	assert_int_equal(mm_mmap(env->mm, BASE, PG(4), RW, MAP_SHARED | MAP_FIXED, f, 0), BASE);
	guest_write8(env, BASE + PG(1) + 50, 5);	/* the partial last page is fine */
	expect_signal(env, BASE + PG(2), 0, SIGBUS, BUS_ADRERR);
	assert_int_equal(file_truncate(f, PG(1)), 0);
	env_check(env);
	assert_int_equal(mm_walk(env->mm, BASE + PG(1)), 0);
	expect_signal(env, BASE + PG(1), 0, SIGBUS, BUS_ADRERR);
	assert_int_equal(file_truncate(f, PG(3)), 0);
	assert_int_equal(guest_read8(env, BASE + PG(1) + 50), 0);
	env_check(env);
	fput(f);
}

/* the stack grows down to an access below it, within RLIMIT_STACK */
static void stack_growth(void **state)
{
	struct env *env = *state;
	uint64_t lo;
	struct fault_result res;

	assert_true(mm_setup_stack(env->mm, PG(32)) > 0);
	lo = vma_lookup(env->mm, env->mm->start_stack)->vm_start;
	assert_int_equal(guest_touch(env, lo - PG(100), true, &res), 0);
	assert_int_equal(res.kind, FAULT_STACK_GROW);
	assert_int_equal(vma_lookup(env->mm, env->mm->start_stack)->vm_start, lo - PG(100));
	/* beyond the 8 MiB limit */
	expect_signal(env, env->mm->start_stack - (9UL << 20), FAULT_FLAG_WRITE, SIGSEGV, SEGV_MAPERR);
	/* a mapping within the guard gap below stops growth */
	lo -= PG(100);
	map_anon(env->mm, lo - PG(300), 1, RW);
	expect_signal(env, lo - PG(250), FAULT_FLAG_WRITE, SIGSEGV, SEGV_MAPERR);
	assert_int_equal(env->mm->stack_vm, 132);
}

/* out of frames: the fault reports OOM, the MMU stays consistent */
static void out_of_frames(void **state)
{
	struct env *env = env_new(PG(64));
	struct fault_result res;
	uint64_t i;
	int died = 0;

	(void)state;
	/* the overcommit heuristic refuses more than the zone holds... */
	assert_int_equal(map_anon(env->mm, BASE, 128, RW), -ENOMEM);
	/* ...unless asked not to reserve */
	assert_int_equal(mm_mmap(env->mm, BASE, PG(128), RW,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, NULL, 0), BASE);
	for (i = 0; i < 128 && !died; i++) {
		if (mm_fault(env->mm, BASE + PG(i), FAULT_FLAG_WRITE, &res)) {
			assert_int_equal(res.kind, FAULT_OOM);
			assert_int_equal(res.signo, SIGKILL);
			died = 1;
		}
		env_check(env);
	}
	assert_true(died);
	assert_int_equal(zone_nr_free(env->zone), 0);
	env_free(env);
}

static void copy_user_faults_and_efaults(void **state)
{
	struct env *env = *state;
	char buf[PAGE_SIZE * 2];

	map_anon(env->mm, BASE, 2, RW);
	map_anon(env->mm, BASE + PG(2), 1, PROT_READ);
	memset(buf, 'x', sizeof(buf));
	/* spans two pages, the third is read-only: stops there */
	assert_int_equal(mm_copy_to_user(env->mm, BASE + 100, buf, PG(2)), 100);
	env_check(env);
	assert_int_equal(mm_copy_from_user(env->mm, buf, BASE + PG(2) - 1, 2), 0);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(buf[1], 0);
	assert_int_equal(mm_copy_from_user(env->mm, buf, BASE + PG(3), 1), 1);
	env_check(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(segv_maperr_and_accerr, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(file_private_cow, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(file_shared_readonly_refuses_write, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(shmem_shared_between_mappings, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(shmem_read_write, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(sigbus_past_eof_and_truncate, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(stack_growth, env_setup, env_teardown),
		cmocka_unit_test(out_of_frames),
		cmocka_unit_test_setup_teardown(copy_user_faults_and_efaults, env_setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
