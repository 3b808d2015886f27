// SPDX-License-Identifier: GPL-2.0
/*
 * N threads doing random mmap/munmap/mprotect/mremap/madvise and touches
 * at once, on their own regions and on a pool they share (issue 17).
 *
 *   test_thread_stress [THREADS [ITERATIONS [SEED]]]   (default 4 2000 1)
 *
 * Each thread draws its operations from its own generator, seeded with
 * SEED and its number, so what it does, and the counts printed, do not
 * depend on timing.  Its own regions (at most SLOTS, each up to MAX_PAGES
 * pages) are checked word for word: the first word of each page holds what
 * the thread last wrote there, zero after a fresh mmap, a grow by mremap or
 * MADV_DONTNEED, and any access the protection allows must succeed.
 *
 * The shared pool is a fixed range where threads mprotect, munmap, replace
 * (mmap MAP_FIXED), move (mremap MREMAP_FIXED), zap (MADV_DONTNEED) and
 * touch ranges without telling each other: there a touch may take SIGSEGV
 * (counted, not printed: that depends on timing), and the calls may fail.
 * What must hold: every word read there is zero or a word some thread
 * wrote (each carries its own check), never anything else.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>

#include "testlib.h"

#define MAX_THREADS	64
#define SLOTS		8
#define MAX_PAGES	16
#define POOL_PAGES	256
/* far below where mmap(NULL) places things top-down, so that a hole
 * punched in the pool is not handed to another thread's private mmap */
#define POOL_HINT	((void *)0x200000000UL)

enum op { OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_MREMAP, OP_DONTNEED, OP_TOUCH,
	  OP_POOL_PROTECT, OP_POOL_UNMAP, OP_POOL_REPLACE, OP_POOL_MOVE, OP_POOL_ZAP,
	  OP_POOL_TOUCH, NR_OPS };
static const char *const op_name[NR_OPS] = {
	"mmap", "munmap", "mprotect", "mremap", "dontneed", "touch",
	"pool-mprotect", "pool-munmap", "pool-replace", "pool-mremap", "pool-zap",
	"pool-touch",
};

struct region {
	char *addr;		/* NULL: the slot is free */
	size_t pages;
	int prot;
	uint64_t want[MAX_PAGES];	/* the first word of each page */
};

struct thread {
	int id;
	uint64_t rng;
	long iters;
	long ops[NR_OPS];
	long errors;		/* printed: must be 0 */
	long pool_faults;	/* not printed */
	uint64_t gen;
	struct region r[SLOTS];
	char why[160];
};

static char *pool;
static __thread sigjmp_buf segv_env;
static __thread volatile int segv_armed;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	static const char msg[] = "SIGSEGV outside the pool\n";

	if (!segv_armed) {
		write(2, msg, sizeof(msg) - 1);
		_exit(3);
	}
	segv_armed = 0;
	siglongjmp(segv_env, 1);
}

static uint64_t rnd(struct thread *t)
{
	/* xorshift64* */
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 2685821657736338717ULL;
}

static unsigned int below(struct thread *t, unsigned int n)
{
	return (rnd(t) >> 33) % n;
}

/* a pool word: its high half checks its low half */
static uint64_t pool_word(uint32_t lo)
{
	uint32_t hi = (lo * 2654435761u) ^ 0x9e3779b9u;

	return (uint64_t)(hi | 1) << 32 | lo;
}

static int pool_word_ok(uint64_t v)
{
	return !v || v == pool_word((uint32_t)v);
}

static void error(struct thread *t, const char *what, const struct region *r, size_t pg)
{
	if (!t->errors++)
		snprintf(t->why, sizeof(t->why), "%s (slot %d, page %zu of %zu, prot %d)", what,
			 r ? (int)(r - t->r) : -1, pg, r ? r->pages : 0, r ? r->prot : -1);
}

/* ---- the thread's own regions ---- */

static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };

static void check_region(struct thread *t, struct region *r)
{
	size_t pg;

	if (!r->addr || !(r->prot & PROT_READ))
		return;
	for (pg = 0; pg < r->pages; pg++)
		if (*(volatile uint64_t *)(r->addr + pg * PAGE) != r->want[pg])
			error(t, "a page of its own holds something else", r, pg);
}

static void write_region(struct thread *t, struct region *r)
{
	size_t pg;

	if (!r->addr || !(r->prot & PROT_WRITE))
		return;
	for (pg = 0; pg < r->pages; pg++) {
		r->want[pg] = (uint64_t)t->id << 48 | ++t->gen;
		*(volatile uint64_t *)(r->addr + pg * PAGE) = r->want[pg];
	}
}

static void own_op(struct thread *t, enum op op, struct region *r)
{
	size_t pages, pg;
	void *p;

	switch (op) {
	case OP_MMAP:
		if (r->addr)
			munmap(r->addr, r->pages * PAGE);
		r->pages = 1 + below(t, MAX_PAGES);
		r->prot = prots[below(t, 3)];
		p = mmap(NULL, r->pages * PAGE, r->prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			r->addr = NULL;
			error(t, "mmap failed", NULL, 0);
			return;
		}
		r->addr = p;
		memset(r->want, 0, sizeof(r->want));
		check_region(t, r);
		write_region(t, r);
		return;
	case OP_MUNMAP:
		if (r->addr && munmap(r->addr, r->pages * PAGE))
			error(t, "munmap failed", r, 0);
		r->addr = NULL;
		return;
	case OP_MPROTECT:
		r->prot = prots[below(t, 3)];
		if (r->addr && mprotect(r->addr, r->pages * PAGE, r->prot))
			error(t, "mprotect failed", r, 0);
		check_region(t, r);
		return;
	case OP_MREMAP:
		pages = 1 + below(t, MAX_PAGES);
		if (!r->addr)
			return;
		p = mremap(r->addr, r->pages * PAGE, pages * PAGE, MREMAP_MAYMOVE);
		if (p == MAP_FAILED) {
			error(t, "mremap failed", r, 0);
			return;
		}
		for (pg = r->pages; pg < pages; pg++)
			r->want[pg] = 0;
		r->addr = p;
		r->pages = pages;
		check_region(t, r);
		return;
	case OP_DONTNEED:
		if (r->addr && madvise(r->addr, r->pages * PAGE, MADV_DONTNEED))
			error(t, "madvise(MADV_DONTNEED) failed", r, 0);
		memset(r->want, 0, sizeof(r->want));
		check_region(t, r);
		return;
	case OP_TOUCH:
		if (!r->addr)
			return;
		check_region(t, r);
		write_region(t, r);
		return;
	default:
		return;
	}
}

/* ---- the shared pool ---- */

/* one access to the pool: 1 when it took SIGSEGV */
static int guarded(volatile uint64_t *w, uint64_t *v, int write)
{
	/* no mask saved: a system call per access otherwise; SA_NODEFER keeps
	 * SIGSEGV unblocked when the handler jumps out */
	if (sigsetjmp(segv_env, 0))
		return 1;
	segv_armed = 1;
	if (write)
		*w = *v;
	else
		*v = *w;
	segv_armed = 0;
	return 0;
}

static void pool_touch(struct thread *t, char *p, size_t pages, uint32_t seed)
{
	volatile uint64_t *w;
	size_t pg;
	uint64_t v;

	for (pg = 0; pg < pages; pg++) {
		w = (volatile uint64_t *)(p + pg * PAGE) + (seed + pg * 7) % (PAGE / 8);
		if (guarded(w, &v, 0)) {
			t->pool_faults++;
			continue;
		}
		if (!pool_word_ok(v))
			error(t, "a pool word nobody wrote", NULL, pg);
		v = pool_word(seed + (uint32_t)pg);
		t->pool_faults += guarded(w, &v, 1);
	}
}

static void pool_op(struct thread *t, enum op op)
{
	size_t pages = 1 + below(t, 8), at = below(t, POOL_PAGES - pages + 1);
	size_t to = below(t, POOL_PAGES - pages + 1);
	int prot = prots[below(t, 3)];
	uint32_t seed = (uint32_t)rnd(t);
	char *p = pool + at * PAGE;

	/* the outcome of the calls depends on the other threads: not checked */
	switch (op) {
	case OP_POOL_PROTECT:
		mprotect(p, pages * PAGE, prot);
		break;
	case OP_POOL_UNMAP:
		munmap(p, pages * PAGE);
		break;
	case OP_POOL_REPLACE:
		mmap(p, pages * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		break;
	case OP_POOL_MOVE:
		if (to + pages <= at || at + pages <= to)
			mremap(p, pages * PAGE, pages * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
			       pool + to * PAGE);
		break;
	case OP_POOL_ZAP:
		madvise(p, pages * PAGE, MADV_DONTNEED);
		break;
	case OP_POOL_TOUCH:
		pool_touch(t, p, pages, seed);
		break;
	default:
		break;
	}
}

static void *stress(void *arg)
{
	struct thread *t = arg;
	enum op op;
	long i;

	for (i = 0; i < t->iters; i++) {
		op = below(t, NR_OPS);
		t->ops[op]++;
		if (op < OP_POOL_PROTECT)
			own_op(t, op, &t->r[below(t, SLOTS)]);
		else
			pool_op(t, op);
	}
	for (i = 0; i < SLOTS; i++)
		if (t->r[i].addr) {
			check_region(t, &t->r[i]);
			munmap(t->r[i].addr, t->r[i].pages * PAGE);
		}
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_NODEFER };
	int nthreads = argc > 1 ? atoi(argv[1]) : 4;
	long iters = argc > 2 ? atol(argv[2]) : 2000;
	unsigned long seed = argc > 3 ? strtoul(argv[3], NULL, 0) : 1;
	static struct thread th[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	long errors = 0, faults = 0, total[NR_OPS] = { 0 };
	int i, k, err;

	if (nthreads < 1 || nthreads > MAX_THREADS || iters < 1) {
		fprintf(stderr, "usage: test_thread_stress [THREADS (1..%d) [ITERATIONS [SEED]]]\n",
			MAX_THREADS);
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	sigaction(SIGSEGV, &sa, NULL);
	alarm(300);
	pool = mmap(POOL_HINT, POOL_PAGES * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (pool == MAP_FAILED) {
		printf("mmap (the pool): %s\n", strerror(errno));
		return 1;
	}
	printf("%d threads, %ld operations each, seed %lu\n", nthreads, iters, seed);
	for (i = 0; i < nthreads; i++) {
		th[i].id = i;
		th[i].rng = (seed + 1) * 0x9e3779b97f4a7c15ULL + (uint64_t)i * 0xbf58476d1ce4e5b9ULL;
		th[i].iters = iters;
		err = pthread_create(&tid[i], NULL, stress, &th[i]);
		if (err) {
			printf("pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(tid[i], NULL);
		for (k = 0; k < NR_OPS; k++)
			total[k] += th[i].ops[k];
		errors += th[i].errors;
		faults += th[i].pool_faults;
		if (th[i].errors)
			printf("thread %d: %ld errors, the first: %s\n", i, th[i].errors,
			       th[i].why);
	}
	for (k = 0; k < NR_OPS; k++)
		printf("%-14s %ld\n", op_name[k], total[k]);
	printf("errors: %ld\n", errors);
	/* how often a pool touch met another thread's change: timing, so stderr */
	fprintf(stderr, "pool touches that took SIGSEGV: %ld\n", faults);
	return errors != 0;
}
