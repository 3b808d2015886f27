// SPDX-License-Identifier: GPL-2.0
/*
 * pthread_create(), built with musl and with glibc (guest.mk): the
 * thread runs and is joined, natively and under the monitor; a failure
 * (EAGAIN past the task limit) is reported and the program goes on.
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
