// SPDX-License-Identifier: GPL-2.0
/*
 * fork while other threads write (issue 17): the child's copy of each page
 * is the page as it was at one instant, never a mix, and it stays the
 * child's own while the parent's threads go on writing.
 *
 *   test_thread_fork [THREADS [FORKS]]        (default 4 threads, 20 forks)
 *
 * Each thread owns PAGES_PER pages.  A page's first word is a spin lock,
 * the others hold one value: the thread takes the lock, writes the next
 * value of its counter to every word, and drops the lock.  Stores are
 * seen in program order (x86 TSO) and a page is copied as one frame, so a
 * child's copy of a page is some prefix of that sequence: either the lock
 * is held (skipped, and not printed: that depends on timing) or all the
 * words are equal.  The child then checks that its copy does not change
 * while the parent's threads keep writing, and exits with the number of
 * bad pages.  At the end the parent checks that no write of its threads
 * was lost to the copy-on-write breaks.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "testlib.h"

#define MAX_THREADS	64
#define PAGES_PER	16
#define WORDS		(PAGE / 8)

static uint64_t *area;
static atomic_int stop, ready;
static atomic_long rounds;

struct worker {
	int id;
	uint64_t last[PAGES_PER];	/* the value each page got last */
};

static uint64_t *page_of(int thread, int k)
{
	return area + ((size_t)thread * PAGES_PER + k) * WORDS;
}

static void *writer(void *arg)
{
	struct worker *w = arg;
	uint64_t v = (uint64_t)w->id << 40;
	int k, first = 1;
	size_t i;

	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		for (k = 0; k < PAGES_PER; k++) {
			volatile uint64_t *p = page_of(w->id, k);
			atomic_ulong *lock = (atomic_ulong *)p;

			v++;
			atomic_store_explicit(lock, 1, memory_order_relaxed);
			atomic_signal_fence(memory_order_seq_cst);
			for (i = 1; i < WORDS; i++)
				p[i] = v;
			atomic_signal_fence(memory_order_seq_cst);
			atomic_store_explicit(lock, 0, memory_order_release);
			w->last[k] = v;
		}
		if (first) {
			atomic_fetch_add(&ready, 1);
			first = 0;
		}
		atomic_fetch_add_explicit(&rounds, 1, memory_order_relaxed);
	}
	return NULL;
}

/* pages of the copy whose words differ although their lock was free */
static int torn_pages(int nthreads, uint64_t *sum)
{
	int t, k, bad = 0;
	size_t i;

	*sum = 0;
	for (t = 0; t < nthreads; t++) {
		for (k = 0; k < PAGES_PER; k++) {
			volatile uint64_t *p = page_of(t, k);

			for (i = 0; i < WORDS; i++)
				*sum = *sum * 31 + p[i];
			if (p[0])
				continue;	/* the lock was held at the copy */
			for (i = 2; i < WORDS && p[i] == p[1]; i++)
				;
			bad += i < WORDS;
		}
	}
	return bad;
}

/* the child: its copy is consistent, and stays its own */
static int child(int nthreads)
{
	struct timespec ts = { 0, 2000000 };
	uint64_t before, after;
	int bad = torn_pages(nthreads, &before);

	nanosleep(&ts, NULL);	/* the parent's threads write meanwhile */
	torn_pages(nthreads, &after);
	/* the status: torn pages (at most 99), plus 100 if the copy changed */
	if (bad > 99)
		bad = 99;
	return bad + (before != after ? 100 : 0);
}

int main(int argc, char **argv)
{
	int nthreads = argc > 1 ? atoi(argv[1]) : 4;
	int forks = argc > 2 ? atoi(argv[2]) : 20;
	struct worker w[MAX_THREADS];
	int i, k, err, status, torn = 0, changed = 0, died = 0, lost = 0;
	pthread_t t[MAX_THREADS];
	/* sleeping, not yielding: the writers have the CPUs (or the one vCPU) */
	struct timespec nap = { 0, 100000 };
	long seen;
	uint64_t sum;
	pid_t pid;

	if (nthreads < 1 || nthreads > MAX_THREADS || forks < 1) {
		fprintf(stderr, "usage: test_thread_fork [THREADS (1..%d) [FORKS]]\n",
			MAX_THREADS);
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(120);
	area = mmap(NULL, (size_t)nthreads * PAGES_PER * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		printf("mmap: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < nthreads; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].id = i;
		err = pthread_create(&t[i], NULL, writer, &w[i]);
		if (err) {
			printf("pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	while (atomic_load(&ready) < nthreads)
		nanosleep(&nap, NULL);
	printf("%d threads writing %d pages each, %d forks\n", nthreads, PAGES_PER, forks);
	for (i = 0; i < forks; i++) {
		/* the threads have written between two forks */
		for (seen = atomic_load(&rounds); atomic_load(&rounds) < seen + nthreads;)
			nanosleep(&nap, NULL);
		pid = fork();
		if (pid < 0) {
			printf("fork: %s\n", strerror(errno));
			return 1;
		}
		if (!pid)
			_exit(child(nthreads));
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
			died++;
			continue;
		}
		torn += WEXITSTATUS(status) % 100;
		changed += WEXITSTATUS(status) >= 100;
	}
	atomic_store(&stop, 1);
	for (i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < nthreads; i++)
		for (k = 0; k < PAGES_PER; k++)
			lost += page_of(i, k)[0] || page_of(i, k)[1] != w[i].last[k];
	lost += torn_pages(nthreads, &sum);
	printf("children killed: %d\n", died);
	printf("torn pages in the children's copies: %d\n", torn);
	printf("children whose copy changed under them: %d\n", changed);
	printf("pages of the parent that lost a write: %d\n", lost);
	return died || torn || changed || lost;
}
