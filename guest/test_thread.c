// SPDX-License-Identifier: GPL-2.0
/*
 * pthread_create(), built with musl and with glibc (guest.mk):
 * natively the thread runs; under the monitor, which has no threads,
 * clone(CLONE_THREAD) fails with EAGAIN and pthread_create() must say so
 * and let the program go on.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void *thread(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t t;
	void *ret = NULL;
	int r;

	setvbuf(stdout, NULL, _IONBF, 0);
	r = pthread_create(&t, NULL, thread, (void *)42);
	printf("pthread_create: %s\n", r ? strerror(r) : "ok");
	if (!r) {
		pthread_join(t, &ret);
		printf("joined: %ld\n", (long)ret);
	}
	printf("the program goes on\n");
	return 0;
}
