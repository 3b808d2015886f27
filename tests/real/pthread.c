// SPDX-License-Identifier: GPL-2.0
/*
 * pthread_create and pthread_join: four threads sum their parts of an
 * array.  Where the C library cannot create a thread the program says
 * which error, once, and exits 1 (it must not crash).  Compared as a
 * known difference while the monitor has no threads (tests/real/cases).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define NTHREADS	4
#define PER		250000

static unsigned long values[NTHREADS * PER];

struct part {
	int index;
	unsigned long sum;
};

static void *sum_part(void *arg)
{
	struct part *p = arg;
	int i;

	for (i = p->index * PER; i < (p->index + 1) * PER; i++)
		p->sum += values[i];
	return p;
}

int main(void)
{
	struct part parts[NTHREADS];
	pthread_t tid[NTHREADS];
	unsigned long total = 0;
	int i, err, started = 0;

	for (i = 0; i < NTHREADS * PER; i++)
		values[i] = (unsigned long)i * 7 + 1;
	for (i = 0; i < NTHREADS; i++) {
		parts[i] = (struct part){ .index = i };
		err = pthread_create(&tid[i], NULL, sum_part, &parts[i]);
		if (err) {
			printf("pthread_create: error %d (%s)\n", err, strerror(err));
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++) {
		void *ret;

		err = pthread_join(tid[i], &ret);
		if (err || ret != &parts[i]) {
			printf("pthread_join %d: %s\n", i, err ? strerror(err) : "wrong value");
			return 1;
		}
		total += parts[i].sum;
	}
	if (started < NTHREADS)
		return 1;
	printf("%d threads, total %lu\n", NTHREADS, total);
	return 0;
}
