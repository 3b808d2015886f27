// SPDX-License-Identifier: GPL-2.0
/*
 * mm_fault_shared(): first touches of anonymous memory served by several
 * threads at once, every other fault refused with -EAGAIN (VM_FAULT_RETRY)
 * for the exclusive path.  The threads of the race below play the monitor's
 * vCPUs: each holds a rwlock shared around mm_fault_shared() and exclusive
 * around mm_fault(), as vmm/kvm/smp.c holds its monitor lock.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "helpers.h"
#include "internal.h"

#define BASE	0x10000000UL
#define RW	(PROT_READ | PROT_WRITE)
#define USER_WRITE	(FAULT_FLAG_USER | FAULT_FLAG_WRITE)

static int shared(struct mm_struct *mm, uint64_t addr, bool write, struct fault_result *res)
{
	return mm_fault_shared(mm, addr, FAULT_FLAG_USER | (write ? FAULT_FLAG_WRITE : 0), 0, res);
}

/*
 * One page faulted the exclusive way gives the VMA its anon_vma and the
 * range its leaf table; the pages around it are then first touches the
 * shared path serves:
 *
 *   BASE: a b c d      a: mm_fault(), b: shared write, c: shared read
 *                      (the zero page), d: untouched
 */
static void serves_first_touch(void **state)
{
	struct env *env = *state;
	struct mm_struct *mm = env->mm;
	struct fault_result res;
	pteval_t pte;

	assert_int_equal(map_anon(mm, BASE, 4, RW), BASE);
	/* no anon_vma yet: anon_vma_prepare() would change the VMA */
	assert_int_equal(shared(mm, BASE, true, &res), -EAGAIN);
	assert_int_equal(mm_walk(mm, BASE), 0);
	assert_int_equal(mm_fault(mm, BASE, USER_WRITE, &res), 0);
	env_check(env);

	assert_int_equal(shared(mm, BASE + PG(1), true, &res), 0);
	assert_int_equal(res.kind, FAULT_ANON);
	pte = mm_walk(mm, BASE + PG(1));
	assert_true(pte_present(pte) && pte_write(pte));
	assert_int_equal(pte_pfn(pte) == env->zone->zero_pfn, false);
	env_check(env);

	assert_int_equal(shared(mm, BASE + PG(2), false, &res), 0);
	assert_int_equal(res.kind, FAULT_ANON_ZERO);
	pte = mm_walk(mm, BASE + PG(2));
	assert_true(pte_present(pte) && !pte_write(pte));
	assert_int_equal(pte_pfn(pte), env->zone->zero_pfn);
	env_check(env);

	/* present entries are the exclusive path's: COW of the zero page, spurious */
	assert_int_equal(shared(mm, BASE + PG(2), true, &res), -EAGAIN);
	assert_int_equal(shared(mm, BASE + PG(1), true, &res), -EAGAIN);
	assert_int_equal(mm->rss[MM_ANONPAGES], 2);
	assert_int_equal(mm->stats.shared_faults, 2);
	assert_int_equal(mm->stats.faults[FAULT_ANON], 2);
	assert_int_equal(guest_read8(env, BASE + PG(2)), 0);
	guest_write8(env, BASE + PG(1), 7);
	assert_int_equal(guest_read8(env, BASE + PG(1)), 7);
	env_check(env);
}

/*
 * What the shared path leaves alone, each with the VMA's anon_vma in place
 * (and the leaf table, but for f), so that only the named reason refuses
 * it:
 *
 *   BASE: a b c . e g  b read-only, c PROT_NONE, . a hole, e mlocked
 *                      (MLOCK_ONFAULT), g mapped all along (the table stays)
 *   BASE + 4M: f...f   its first 2 MiB touched, its last page has no table
 */
static void refuses_the_rest(void **state)
{
	struct env *env = *state;
	struct mm_struct *mm = env->mm;
	struct zone *zone = env->zone;
	uint64_t far = BASE + (4UL << 20), i;
	struct fault_result res;
	struct page **hog;
	size_t nhog = 0;

	for (i = 0; i < 6; i++)
		if (i != 3)
			assert_int_equal(map_anon(mm, BASE + PG(i), 1, RW), BASE + PG(i));
	assert_int_equal(map_anon(mm, far, 513, RW), far);
	for (i = 0; i < 6; i++)
		if (i != 3)
			assert_int_equal(guest_touch(env, BASE + PG(i), true, &res), 0);
	assert_int_equal(guest_touch(env, far, true, &res), 0);
	assert_int_equal(guest_touch(env, far + PG(1), true, &res), 0);
	/* madvise over the hole is -ENOMEM, after it did the rest, as Linux's */
	assert_int_equal(mm_madvise(mm, BASE, PG(5), MADV_DONTNEED), -ENOMEM);
	assert_int_equal(mm_walk(mm, BASE + PG(4)), 0);
	assert_int_equal(mm_madvise(mm, far + PG(1), PAGE_SIZE, MADV_DONTNEED), 0);
	assert_int_equal(mm_mprotect(mm, BASE + PG(1), PAGE_SIZE, PROT_READ), 0);
	assert_int_equal(mm_mprotect(mm, BASE + PG(2), PAGE_SIZE, PROT_NONE), 0);
	assert_int_equal(mm_mlock(mm, BASE + PG(4), PAGE_SIZE, MLOCK_ONFAULT), 0);
	env_check(env);

	/* refused for the reason named, not for want of a table */
	assert_non_null(pte_lookup(mm, BASE, NULL));
	assert_null(pte_lookup(mm, far + PG(512), NULL));
	assert_int_equal(shared(mm, BASE + PG(1), true, &res), -EAGAIN);
	assert_int_equal(shared(mm, BASE + PG(2), false, &res), -EAGAIN);
	assert_int_equal(shared(mm, BASE + PG(3), false, &res), -EAGAIN);
	assert_int_equal(shared(mm, BASE + PG(4), true, &res), -EAGAIN);
	assert_int_equal(shared(mm, far + PG(512), true, &res), -EAGAIN);
	assert_int_equal(shared(mm, far + PG(1), true, &res), 0);
	/* the kernel half, an instruction fetch, a key the hardware refused */
	assert_int_equal(shared(mm, 0xffff800000000000UL, false, &res), -EAGAIN);
	assert_int_equal(mm_fault_shared(mm, BASE, FAULT_FLAG_USER | FAULT_FLAG_INSTRUCTION, 0,
					 &res), -EAGAIN);
	assert_int_equal(mm_fault_shared(mm, BASE, FAULT_FLAG_USER | FAULT_FLAG_PKEY, 0, &res),
			 -EAGAIN);
	/* injection: its random stream is one sequence, the exclusive path's */
	assert_int_equal(inject_configure(zone, INJECT_VMA_ALLOC, "probability=0"), 0);
	assert_int_equal(shared(mm, BASE, true, &res), -EAGAIN);
	zone->inject[INJECT_VMA_ALLOC].enabled = false;
	assert_int_equal(shared(mm, BASE, true, &res), 0);
	/* a table with an entry in the batch being built: after its commit */
	assert_int_equal(mm_madvise(mm, BASE, PAGE_SIZE, MADV_DONTNEED), 0);
	assert_int_equal(shared(mm, BASE, false, &res), -EAGAIN);
	env_check(env);
	/* few free frames: reclaim is the exclusive path's; a read needs none */
	hog = calloc(zone->nr_pages, sizeof(*hog));
	assert_non_null(hog);
	while (zone_nr_free(zone) > zone_low_wmark(zone))
		hog[nhog++] = alloc_page(zone);
	assert_int_equal(shared(mm, BASE, true, &res), -EAGAIN);
	assert_int_equal(shared(mm, BASE, false, &res), 0);
	assert_int_equal(res.kind, FAULT_ANON_ZERO);
	while (nhog)
		put_page(zone, hog[--nhog]);
	free(hog);
	assert_int_equal(mm->stats.shared_faults, 3);
	env_check(env);
}

struct racer {
	struct mm_struct *mm, **mms;
	pthread_rwlock_t *lock;
	pthread_barrier_t *start;
	unsigned int id;
	uint64_t served, retried;
	const char *failed;	/* cmocka's asserts belong to the main thread */
};

#define RACE_PAGES	512	/* one leaf table */
#define RACERS		4
#define RACE_ROUNDS	8

/* a refusal, retried exclusively and committed as a vCPU's return would */
static void race_retry(struct racer *r, uint64_t addr, bool write)
{
	struct fault_result res;
	unsigned int i;

	r->retried++;
	pthread_rwlock_wrlock(r->lock);
	for (i = 0; i < 8 && !(pte_present(mm_walk(r->mm, addr)) &&
			       (!write || pte_write(mm_walk(r->mm, addr)))); i++)
		if (mm_fault(r->mm, addr, FAULT_FLAG_USER | (write ? FAULT_FLAG_WRITE : 0), &res))
			r->failed = "mm_fault() refused an access the VMA allows";
	commit_log_done(r->mm);
	pthread_rwlock_unlock(r->lock);
}

/*
 * Pass 0: the racer's own pages (every RACERS-th), which the shared path
 * serves while the other racers, of this mm and of the other, fault
 * theirs; the odd racers read (the zero page).  Pass 1: every page of the
 * table, from a place of its own, so that the racers meet on each page.
 */
static void race_pass(struct racer *r, unsigned int pass)
{
	struct fault_result res;
	unsigned int n;

	for (n = 0; n < RACE_PAGES && !r->failed; n++) {
		uint64_t addr = BASE + PG(pass ? (n + r->id * RACE_PAGES / RACERS) % RACE_PAGES : n);
		bool write = pass || !(r->id & 1);
		int ret;

		if (!pass && n % RACERS != r->id)
			continue;
		pthread_rwlock_rdlock(r->lock);
		ret = shared(r->mm, addr, write, &res);
		pthread_rwlock_unlock(r->lock);
		if (!ret)
			r->served++;
		else if (ret == -EAGAIN)
			race_retry(r, addr, write);
		else
			r->failed = "mm_fault_shared() neither 0 nor -EAGAIN";
	}
}

/* between rounds: every page but the first zapped again, in both mms */
static void race_reset(struct racer *r)
{
	int i;

	pthread_rwlock_wrlock(r->lock);
	for (i = 0; i < 2; i++) {
		if (mm_madvise(r->mms[i], BASE + PAGE_SIZE, PG(RACE_PAGES - 1), MADV_DONTNEED))
			r->failed = "MADV_DONTNEED failed";
		commit_log_done(r->mms[i]);
	}
	pthread_rwlock_unlock(r->lock);
}

/* every racer goes through every barrier, failed or not */
static void *race(void *arg)
{
	struct racer *r = arg;
	unsigned int round, pass;

	for (round = 0; round < RACE_ROUNDS; round++) {
		for (pass = 0; pass < 2; pass++) {
			pthread_barrier_wait(r->start);
			race_pass(r, pass);
		}
		if (pthread_barrier_wait(r->start) == PTHREAD_BARRIER_SERIAL_THREAD &&
		    round + 1 < RACE_ROUNDS)
			race_reset(r);
	}
	return NULL;
}

/*
 * RACERS threads in one mm and as many in its fork's child, which shares
 * the parent's anon_vma, RACE_ROUNDS times over the same table: the leaf
 * entries, the RSS, the free lists, the LRU and the anon_vma counts end as
 * one thread would have left them.
 */
static void concurrent_first_touches(void **state)
{
	struct env *env = *state;
	struct mm_struct *mms[2], *child;
	pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
	pthread_barrier_t start;
	struct racer r[2 * RACERS];
	pthread_t t[2 * RACERS];
	struct fault_result res;
	uint64_t served = 0, n;
	char why[256];
	int err, i;

	assert_int_equal(map_anon(env->mm, BASE, RACE_PAGES, RW), BASE);
	assert_int_equal(mm_fault(env->mm, BASE, USER_WRITE, &res), 0);
	env_check(env);
	child = dup_mm(env->mm, &err);
	assert_non_null(child);
	assert_int_equal(mm_fault(child, BASE, USER_WRITE, &res), 0);
	/* the write-protects and the COW break, committed (as the guest would) */
	commit_log_done(env->mm);
	env_snapshot(env);
	commit_log_done(child);
	mms[0] = env->mm;
	mms[1] = child;
	assert_int_equal(validate_mms(mms, 2, why, sizeof(why)), 0);
	pthread_barrier_init(&start, NULL, 2 * RACERS);
	for (i = 0; i < 2 * RACERS; i++) {
		r[i] = (struct racer){ .mm = mms[i / RACERS], .mms = mms, .lock = &lock,
				       .start = &start, .id = i % RACERS };
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (i = 0; i < 2 * RACERS; i++) {
		pthread_join(t[i], NULL);
		if (r[i].failed)
			fail_msg("racer %d: %s", i, r[i].failed);
		served += r[i].served;
	}
	pthread_barrier_destroy(&start);
	assert_true(served > 0);
	for (i = 0; i < 2; i++) {
		for (n = 0; n < RACE_PAGES; n++) {
			pteval_t pte = mm_walk(mms[i], BASE + PG(n));

			assert_true(pte_present(pte) && pte_write(pte));
		}
		assert_int_equal(mms[i]->rss[MM_ANONPAGES], RACE_PAGES);
	}
	assert_int_equal(mms[0]->stats.shared_faults + child->stats.shared_faults, served);
	assert_int_equal(validate_mms(mms, 2, why, sizeof(why)), 0);
	mm_destroy(child);
	/* the racers committed their batches with no guest to see them */
	env_snapshot(env);
	env_check(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(serves_first_touch, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(refuses_the_rest, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(concurrent_first_touches, env_setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
