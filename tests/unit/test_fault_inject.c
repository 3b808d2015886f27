// SPDX-License-Identifier: GPL-2.0
/*
 * Every injection point, triggered: the MMU stays consistent (the checker
 * passes) where the injected failure is one the real component can have,
 * and the checkers detect it where the injection corrupts what the guest
 * sees (a lost re-write or flush, flipped bits).  Plus the knobs: interval,
 * times, space, probability and the seed.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"

#define BASE	0x10000000UL
#define RW	(PROT_READ | PROT_WRITE)

static void inject(struct env *env, const char *point, const char *knobs)
{
	int p = inject_point_lookup(point);

	assert_true(p >= 0);
	assert_int_equal(inject_configure(env->zone, p, knobs), 0);
}

static uint64_t injected(struct env *env, const char *point)
{
	return env->zone->inject[inject_point_lookup(point)].injected;
}

static int fault(struct env *env, uint64_t addr, bool write, struct fault_result *res)
{
	return mm_fault(env->mm, addr, (write ? FAULT_FLAG_WRITE : 0) | FAULT_FLAG_USER, res);
}

static void knobs(void **state)
{
	struct env *env = *state;
	int i, fails = 0;

	assert_int_equal(inject_configure(env->zone, INJECT_FRAME_ALLOC, "probability=101"), -EINVAL);
	assert_int_equal(inject_configure(env->zone, INJECT_FRAME_ALLOC, "bogus=1"), -EINVAL);
	assert_int_equal(inject_configure(env->zone, INJECT_FRAME_ALLOC, "interval=0"), -EINVAL);
	assert_int_equal(inject_point_lookup("nonesuch"), -1);
	/* space 3, then every 2nd, at most 2 times */
	inject(env, "vma_alloc", "space=3,interval=2,times=2");
	for (i = 0; i < 12; i++)
		fails += should_fail(env->zone, INJECT_VMA_ALLOC, 0);
	assert_int_equal(fails, 2);
	/* probability 30 over 1000 calls, reproducible from the seed */
	inject_seed(env->zone, 42);
	inject(env, "vma_alloc", "probability=30");
	for (i = 0, fails = 0; i < 1000; i++)
		fails += should_fail(env->zone, INJECT_VMA_ALLOC, 0);
	assert_true(fails > 220 && fails < 380);
	inject_seed(env->zone, 42);
	inject(env, "vma_alloc", "probability=30");
	for (i = 0; i < 1000; i++)
		fails -= should_fail(env->zone, INJECT_VMA_ALLOC, 0);
	assert_int_equal(fails, 0);
	env->zone->inject[INJECT_VMA_ALLOC].enabled = false;
}

/* allocation failures: OOM or ENOMEM, and nothing half done */
static void allocation_points(void **state)
{
	struct env *env = *state;
	struct fault_result res;

	map_anon(env->mm, BASE, 8, RW);
	inject(env, "pt_alloc", "times=1");
	assert_int_equal(fault(env, BASE, true, &res), -1);
	assert_int_equal(res.kind, FAULT_OOM);
	env_check(env);
	inject(env, "frame_alloc", "times=1");
	assert_int_equal(fault(env, BASE, true, &res), -1);
	assert_int_equal(res.signo, SIGKILL);
	env_check(env);
	assert_int_equal(fault(env, BASE, true, &res), 0);
	inject(env, "vma_alloc", "times=1");
	assert_int_equal(mm_munmap(env->mm, BASE + PG(2), PG(1)), -ENOMEM);
	env_check(env);
	inject(env, "vma_alloc", "times=1");
	assert_int_equal(map_anon(env->mm, BASE + PG(20), 1, RW), -ENOMEM);
	env_check(env);
	assert_int_equal(injected(env, "vma_alloc"), 1);
	expect_layout(env->mm, BASE, "aaaaaaaa");
}

/* a lost re-write and a lost flush: the commit-log check sees both */
static void commit_points(void **state)
{
	struct env *env = *state;
	char err[256];

	map_anon(env->mm, BASE, 2, RW);
	guest_read8(env, BASE);			/* zero page, present */
	inject(env, "commit_drop", "times=1");
	assert_int_equal(fault(env, BASE, true, NULL), 0);
	assert_int_equal(env_check_log(env, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "without a commit-log re-write"));
	assert_int_equal(env->mm->log.stats.dropped, 1);
	commit_log_apply(env->mm);
	env_snapshot(env);

	guest_read8(env, BASE + PG(1));
	inject(env, "tlb_flush", "times=1");
	assert_int_equal(fault(env, BASE + PG(1), true, NULL), 0);
	assert_int_equal(env_check_log(env, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "without an invalidation"));
	commit_log_apply(env->mm);
	env_snapshot(env);

	/* a delayed re-write goes out with the next batch */
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(1), PROT_READ), 0);
	env_check(env);
	inject(env, "commit_delay", "times=1");
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(1), RW), 0);
	assert_int_equal(env->mm->log.nr, 0);
	commit_log_done(env->mm);
	assert_int_equal(env->mm->log.nr, 1);
	/* late, and after its invalidation: the check sees the window */
	assert_int_equal(env_check_log(env, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "without an invalidation"));
	commit_log_apply(env->mm);
	env_snapshot(env);
	env_check(env);
}

/*
 * A re-write delayed into a table that the same batch unlinks: with the
 * table's frame held until every CPU has flushed (commit_log_done_defer),
 * the delayed entry must not go out with the next batch, into a frame that
 * will be free, then someone else's (the fuzz campaign with commit_delay:
 * the checker's "writes into frame ..., not a table", the zero page
 * written).
 *
 *   BASE            BASE+PG(2)
 *   |  a  |  a  |                 one PTE table, only this VMA in it
 *   mprotect(page 0) -> re-write delayed; munmap both -> table unlinked
 */
static void commit_delay_unlinked_table(void **state)
{
	struct env *env = *state;
	struct frame_list held = { 0 };
	size_t i;

	map_anon(env->mm, BASE, 2, RW);
	guest_write8(env, BASE, 1);
	guest_write8(env, BASE + PG(1), 2);
	commit_log_apply(env->mm);
	env_snapshot(env);
	inject(env, "commit_delay", "times=1");
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(1), PROT_READ), 0);
	assert_int_equal(env->mm->log.nr_delayed, 1);
	assert_int_equal(mm_munmap(env->mm, BASE, PG(2)), 0);
	assert_true(env->mm->log.nr_deferred > 0);
	commit_log_done_defer(env->mm, &held);
	for (i = 0; i < env->mm->log.nr; i++)
		for (size_t j = 0; j < held.nr; j++)
			assert_false(env->mm->log.ent[i].pte_gpa >> PAGE_SHIFT == held.pfn[j]);
	frame_list_free(env->zone, &held);
	free(held.pfn);
	commit_log_apply(env->mm);
	env_snapshot(env);
	env_check(env);
}

/*
 * A re-write delayed for an entry the batch has already logged: the logged
 * re-write goes out now and must carry the entry's latest value, or the
 * guest's replay puts the older one back into the table.
 */
static void commit_delay_after_logged(void **state)
{
	struct env *env = *state;
	pteval_t now;

	map_anon(env->mm, BASE, 1, RW);
	guest_write8(env, BASE, 1);
	commit_log_apply(env->mm);
	env_snapshot(env);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(1), PROT_READ), 0);
	assert_int_equal(env->mm->log.nr, 1);		/* RW -> RO, logged */
	inject(env, "commit_delay", "times=1");
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(1), RW), 0);
	assert_int_equal(env->mm->log.nr_delayed, 1);	/* RO -> RW, delayed */
	now = mm_walk(env->mm, BASE);
	commit_log_apply(env->mm);			/* the guest's replay */
	assert_int_equal(mm_walk(env->mm, BASE), now);
	commit_log_apply(env->mm);			/* and the delayed one */
	env_snapshot(env);
	env_check(env);
}

/*
 * A copy to the program's memory whose fault is injected spurious (nothing
 * mapped) must fault again, not write through the entry it found: here
 * the zero page, read-only (the fuzz campaign's getcwd() into a page only
 * read so far: "the zero page is not zero").  Spurious every time, the
 * copy fails as at an unmapped address.
 */
static void uaccess_spurious_fault(void **state)
{
	struct env *env = *state;
	const char msg[] = "hello";
	char back[sizeof(msg)];

	map_anon(env->mm, BASE, 2, RW);
	assert_int_equal(guest_read8(env, BASE), 0);	/* the zero page, read-only */
	inject(env, "spurious_fault", "times=1");
	assert_int_equal(mm_copy_to_user(env->mm, BASE, msg, sizeof(msg)), 0);
	assert_int_equal(injected(env, "spurious_fault"), 1);
	assert_int_equal(mm_copy_from_user(env->mm, back, BASE, sizeof(back)), 0);
	assert_string_equal(back, msg);
	commit_log_apply(env->mm);
	env_snapshot(env);
	env_check(env);

	assert_int_equal(guest_read8(env, BASE + PG(1)), 0);
	inject(env, "spurious_fault", "times=-1");
	assert_int_equal(mm_copy_to_user(env->mm, BASE + PG(1), msg, sizeof(msg)), sizeof(msg));
	env->zone->inject[INJECT_SPURIOUS_FAULT].enabled = false;
	commit_log_apply(env->mm);
	env_snapshot(env);
	env_check(env);
}

/* flipped bits on a new entry: the checker reports what it breaks */
static void pte_points(void **state)
{
	struct env *env = *state;
	struct file *f = shmem_file_setup(env->zone, "/memfd:i (deleted)", PG(8));
	char err[256];

	assert_int_equal(mm_mmap(env->mm, BASE, PG(8), PROT_READ, MAP_PRIVATE | MAP_FIXED, f, 0), BASE);
	inject(env, "pte_rw", "times=1");
	assert_int_equal(fault(env, BASE, false, NULL), 0);
	assert_int_equal(validate_mm(env->mm, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "writable in a read-only VMA"));
	assert_int_equal(mm_munmap(env->mm, BASE, PG(1)), 0);
	inject(env, "pte_nx", "times=1");
	assert_int_equal(fault(env, BASE + PG(1), false, NULL), 0);
	assert_int_equal(validate_mm(env->mm, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "US/NX"));
	assert_int_equal(mm_munmap(env->mm, BASE + PG(1), PG(1)), 0);
	inject(env, "pte_us", "times=1");
	assert_int_equal(fault(env, BASE + PG(2), false, NULL), 0);
	assert_false(mm_walk(env->mm, BASE + PG(2)) & _PAGE_USER);
	assert_int_equal(mm_munmap(env->mm, BASE + PG(2), PG(1)), 0);
	inject(env, "pte_accessed", "times=1");
	assert_int_equal(fault(env, BASE + PG(3), false, NULL), 0);
	assert_false(pte_young(mm_walk(env->mm, BASE + PG(3))));
	commit_log_apply(env->mm);
	env_snapshot(env);
	env_check(env);
	/* a wrong frame: the guest reads zeroes where the file has data; detected */
	assert_int_equal(kernel_write(f, PG(4), "D", 1), 1);
	inject(env, "pte_pfn", "times=1");
	assert_int_equal(fault(env, BASE + PG(4), false, NULL), 0);
	assert_int_equal(pte_pfn(mm_walk(env->mm, BASE + PG(4))), env->zone->zero_pfn);
	assert_int_equal(validate_mm(env->mm, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "zero page mapped"));
	assert_int_equal(mm_munmap(env->mm, BASE + PG(4), PG(1)), 0);
	env_check(env);
	/* dirty bit of a write fault */
	map_anon(env->mm, BASE + PG(16), 1, RW);
	inject(env, "pte_dirty", "times=1");
	assert_int_equal(fault(env, BASE + PG(16), true, NULL), 0);
	assert_false(pte_dirty(mm_walk(env->mm, BASE + PG(16))));
	env_check(env);
	fput(f);
}

/* spurious fault, file and swap I/O errors, a failed COW copy */
static void fault_points(void **state)
{
	struct env *env = *state;
	struct file *f = shmem_file_setup(env->zone, "/memfd:j (deleted)", PG(2));
	struct fault_result res;
	int err;
	struct mm_struct *child;

	map_anon(env->mm, BASE, 2, RW);
	inject(env, "spurious_fault", "times=1");
	assert_int_equal(fault(env, BASE, true, &res), 0);
	assert_int_equal(res.kind, FAULT_SPURIOUS);
	assert_int_equal(mm_walk(env->mm, BASE), 0);
	assert_int_equal(fault(env, BASE, true, &res), 0);
	assert_true(pte_present(mm_walk(env->mm, BASE)));
	env_check(env);
	assert_int_equal(mm_mmap(env->mm, BASE + PG(8), PG(2), RW, MAP_SHARED | MAP_FIXED, f, 0),
			 BASE + PG(8));
	inject(env, "file_io", "times=1");
	assert_int_equal(fault(env, BASE + PG(8), false, &res), -1);
	assert_int_equal(res.signo, SIGBUS);
	env_check(env);
	/* copy on write after fork */
	guest_write8(env, BASE + PG(1), 1);
	child = dup_mm(env->mm, &err);
	inject(env, "cow_copy", "times=1");
	assert_int_equal(fault(env, BASE + PG(1), true, &res), -1);
	assert_int_equal(res.kind, FAULT_OOM);
	commit_log_apply(child);
	mm_destroy(child);
	env_check(env);
	fput(f);
}

static void swap_points(void **state)
{
	struct env *env = env_new(PG(256));
	char path[] = "/tmp/mmu-inject-swap-XXXXXX";
	struct fault_result res;
	int fd = mkstemp(path), sigbus = 0;
	uint64_t i;

	(void)state;
	unlink(path);
	assert_int_equal(swap_on(env->zone, fd, PG(2048)), 0);
	close(fd);
	mm_mmap(env->mm, BASE, PG(768), RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		NULL, 0);
	for (i = 0; i < 768; i++)
		guest_write8(env, BASE + PG(i), (uint8_t)i);
	/* every read back from swap fails now: SIGBUS, never silent garbage */
	inject(env, "swap_io", "");
	for (i = 0; i < 768 && !sigbus; i++) {
		pteval_t pte = mm_walk(env->mm, BASE + PG(i));

		if (pte_present(pte))
			continue;
		sigbus = fault(env, BASE + PG(i), false, &res) == -1 && res.signo == SIGBUS;
		env_check(env);
	}
	assert_true(sigbus);
	env->zone->inject[INJECT_SWAP_IO].enabled = false;
	env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(knobs, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(allocation_points, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(commit_points, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(commit_delay_unlinked_table, env_setup,
						env_teardown),
		cmocka_unit_test_setup_teardown(commit_delay_after_logged, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(uaccess_spurious_fault, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(pte_points, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(fault_points, env_setup, env_teardown),
		cmocka_unit_test(swap_points),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
