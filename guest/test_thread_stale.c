// SPDX-License-Identifier: GPL-2.0
/*
 * No stale translation after munmap, mprotect or mmap(MAP_FIXED) returns
 * while other threads are using the region (issue 17, TLB shootdown).
 *
 *   test_thread_stale [THREADS [ROUNDS]]       (default 4 threads, 10 rounds)
 *
 * THREADS threads loop over a region, half reading and half writing.  The
 * main thread changes the region and, right after the call returns, sets a
 * flag.  Each thread reads the flag before every access, so it knows
 * whether the access started after the call had returned; such an access
 * must see what Linux says the region now is:
 *
 *   munmap:              every access takes SIGSEGV;
 *   mprotect(PROT_READ): every write takes SIGSEGV, every read succeeds;
 *   mmap(MAP_FIXED):     every read sees the new zeroed page.
 *
 * Each phase runs on 8 pages and on 64 (above Linux's 33-page ceiling for
 * a ranged flush).  A fault is caught by a SIGSEGV handler that
 * siglongjmps to the thread's own sigjmp_buf.  The output counts only what
 * must be zero or all, never what depends on timing.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <time.h>

#include "testlib.h"

#define MAX_THREADS	64
#define PATTERN		0x5a5a5a5a5a5a5a5aUL
/* accesses a thread makes after the flag before it stops: the last ones
 * of a phase where accesses keep succeeding */
#define AFTER_FLAG	2000

enum phase { P_UNMAP, P_PROTECT, P_REPLACE };
static const char *const phase_name[] = { "munmap", "mprotect PROT_READ", "mmap MAP_FIXED" };

static struct {
	enum phase phase;
	uint64_t *region;
	size_t pages;
	atomic_int flag;		/* the call has returned */
	atomic_int ready;		/* threads that made their first access */
	atomic_long accesses;
} g;

/* what one thread saw; summed by main */
struct result {
	long stale_reads;	/* read completed although it started after the flag */
	long stale_writes;	/* write completed although it started after the flag */
	long old_data;		/* a read saw neither the old pattern nor the new zeroes */
	long bad_faults;	/* SIGSEGV where the access must succeed */
	int faulted;		/* this thread's loop ended with SIGSEGV */
	int writer;
};

static __thread sigjmp_buf segv_env;
static __thread volatile int segv_armed;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	static const char msg[] = "SIGSEGV outside a guarded access\n";

	if (!segv_armed) {
		write(2, msg, sizeof(msg) - 1);
		_exit(3);
	}
	segv_armed = 0;
	siglongjmp(segv_env, 1);
}

/* one read or write of word @i; returns 1 when it took SIGSEGV */
static int access_word(size_t i, int write, uint64_t *val)
{
	volatile uint64_t *p = g.region + i;

	/* no mask saved: a system call per access otherwise; SA_NODEFER keeps
	 * SIGSEGV unblocked when the handler jumps out */
	if (sigsetjmp(segv_env, 0))
		return 1;
	segv_armed = 1;
	if (write)
		*p = PATTERN;
	else
		*val = *p;
	segv_armed = 0;
	return 0;
}

/* an access that took SIGSEGV: allowed, or not; returns 1 to stop */
static int faulted(struct result *r, int flagged, int write)
{
	r->faulted = 1;
	switch (g.phase) {
	case P_UNMAP:
		return 1;	/* before the flag: the call returned, the flag is not set yet */
	case P_PROTECT:
		if (write)
			return 1;
		r->bad_faults++;
		return 0;
	case P_REPLACE:
		r->bad_faults++;
		return 0;
	}
	return 1;
}

/* an access that completed */
static void completed(struct result *r, int flagged, int write, uint64_t v)
{
	if (flagged && g.phase == P_UNMAP && write)
		r->stale_writes++;
	else if (flagged && g.phase == P_UNMAP)
		r->stale_reads++;
	else if (flagged && g.phase == P_PROTECT && write)
		r->stale_writes++;
	else if (flagged && g.phase == P_REPLACE && v)
		r->stale_reads++;
	else if (!write && v != PATTERN && !(g.phase == P_REPLACE && !v))
		r->old_data++;	/* neither what was there nor the new zeroes */
}

static void *worker(void *arg)
{
	struct result *r = arg;
	size_t words = g.pages * PAGE / 8, i = r->writer * 3;
	long after = 0;
	int first = 1;

	/* both kinds of thread go over the region a page at a time */
	for (;; i = (i + PAGE / 8 + 1) % words) {
		int flagged = atomic_load_explicit(&g.flag, memory_order_acquire);
		int write = r->writer && g.phase != P_REPLACE;
		uint64_t v = 0;

		if (!access_word(i, write, &v))
			completed(r, flagged, write, v);
		else if (faulted(r, flagged, write))
			break;
		if (first) {
			atomic_fetch_add(&g.ready, 1);
			first = 0;
		}
		atomic_fetch_add_explicit(&g.accesses, 1, memory_order_relaxed);
		if (flagged && ++after >= AFTER_FLAG)
			break;
	}
	if (first)
		atomic_fetch_add(&g.ready, 1);
	return NULL;
}

static void fill(uint64_t *p, size_t pages)
{
	size_t i;

	for (i = 0; i < pages * PAGE / 8; i++)
		p[i] = PATTERN;
}

static int run_phase(enum phase ph, size_t pages, int nthreads, struct result *sum)
{
	pthread_t t[MAX_THREADS];
	struct result r[MAX_THREADS];
	int i, err;
	void *p;

	memset(r, 0, sizeof(r));
	p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("mmap: %s\n", strerror(errno));
		return -1;
	}
	fill(p, pages);
	g.phase = ph;
	g.region = p;
	g.pages = pages;
	atomic_store(&g.flag, 0);
	atomic_store(&g.ready, 0);
	atomic_store(&g.accesses, 0);
	for (i = 0; i < nthreads; i++) {
		r[i].writer = i % 2;
		err = pthread_create(&t[i], NULL, worker, &r[i]);
		if (err) {
			printf("pthread_create: %s\n", strerror(err));
			exit(1);
		}
	}
	/* every thread in its loop, and some accesses behind them; sleeping,
	 * not yielding, so that the threads have the CPUs (or the one vCPU) */
	while (atomic_load(&g.ready) < nthreads || atomic_load(&g.accesses) < 2000L * nthreads)
		nanosleep(&(struct timespec){ 0, 100000 }, NULL);
	switch (ph) {
	case P_UNMAP:
		err = munmap(p, pages * PAGE);
		break;
	case P_PROTECT:
		err = mprotect(p, pages * PAGE, PROT_READ);
		break;
	case P_REPLACE:
		err = mmap(p, pages * PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p ? 0 : -1;
		break;
	}
	atomic_store_explicit(&g.flag, 1, memory_order_release);
	if (err) {
		printf("%s: %s\n", phase_name[ph], strerror(errno));
		exit(1);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(t[i], NULL);
		sum->stale_reads += r[i].stale_reads;
		sum->stale_writes += r[i].stale_writes;
		sum->old_data += r[i].old_data;
		sum->bad_faults += r[i].bad_faults;
		/* who must have faulted: everyone after munmap, the writers after mprotect */
		if (ph == P_UNMAP || (ph == P_PROTECT && r[i].writer))
			sum->faulted += r[i].faulted;
	}
	if (ph != P_UNMAP)
		munmap(p, pages * PAGE);
	return 0;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 8, 64 };
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_NODEFER };
	int nthreads = argc > 1 ? atoi(argv[1]) : 4;
	int rounds = argc > 2 ? atoi(argv[2]) : 10;
	int ph, s, k, must;

	if (nthreads < 2 || nthreads > MAX_THREADS || rounds < 1) {
		fprintf(stderr, "usage: test_thread_stale [THREADS (2..%d) [ROUNDS]]\n",
			MAX_THREADS);
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	sigaction(SIGSEGV, &sa, NULL);
	/* a monitor that never delivers the fault must not hang the test */
	alarm(120);
	printf("%d threads, %d rounds per phase\n", nthreads, rounds);
	for (ph = P_UNMAP; ph <= P_REPLACE; ph++) {
		for (s = 0; s < 2; s++) {
			struct result sum = { 0 };

			for (k = 0; k < rounds; k++)
				if (run_phase(ph, sizes[s], nthreads, &sum))
					return 1;
			must = ph == P_UNMAP ? nthreads : ph == P_PROTECT ? nthreads / 2 : 0;
			printf("%s, %zu pages: stale reads: %ld, stale writes: %ld, "
			       "old data: %ld, wrong faults: %ld, threads that took SIGSEGV: "
			       "%d of %d\n", phase_name[ph], sizes[s], sum.stale_reads,
			       sum.stale_writes, sum.old_data, sum.bad_faults, sum.faulted,
			       must * rounds);
			if (sum.stale_reads || sum.stale_writes || sum.old_data ||
			    sum.bad_faults || sum.faulted != must * rounds)
				return 1;
		}
	}
	return 0;
}
