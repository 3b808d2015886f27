// SPDX-License-Identifier: GPL-2.0
/*
 * Sleeping blocks one process, not the others: while a child sleeps
 * 200 ms, a second child writes a pipe the parent reads, each write timed
 * inside the sleep.  nanosleep and clock_nanosleep (relative, absolute,
 * bad arguments, EINTR with the time left).  Compared with a native run.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *err(long r)
{
	return r < 0 ? strerror(errno) : "ok";
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* the monitor runs the others while one sleeps */
static void concurrent(void)
{
	struct timespec t0;
	int p[2], s[2], got = 0, st;
	pid_t sleeper, writer;
	long during = 0;
	char c;

	pipe(p);
	pipe(s);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sleeper = fork();
	if (!sleeper) {
		close(p[0]);
		close(p[1]);
		sleep_ms(2000);
		write(s[1], "z", 1);	/* awake */
		_exit(7);
	}
	close(s[1]);
	writer = fork();
	if (!writer) {
		int i;

		for (i = 0; i < 5; i++) {
			sleep_ms(20);
			write(p[1], "w", 1);
		}
		_exit(0);
	}
	close(p[1]);
	while (read(p[0], &c, 1) == 1) {
		struct pollfd pfd = { s[0], POLLIN, 0 };

		got++;
		/* the sleeper is still asleep: it did not hold the monitor */
		if (poll(&pfd, 1, 0) == 0)
			during++;
	}
	printf("concurrent: %d writes read, %ld of them while the sleeper slept\n", got, during);
	waitpid(writer, &st, 0);
	waitpid(sleeper, &st, 0);
	printf("concurrent: sleeper exit %d, it slept its 2 s %d\n", WEXITSTATUS(st),
	       ms_since(&t0) >= 2000);
	close(p[0]);
	close(s[0]);
}

static void on_usr1(int sig)
{
}

static void sleeps(void)
{
	struct timespec t0, ts, rem, now;
	pid_t parent = getpid(), pid;
	long r, ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ts = (struct timespec){ 0, 100000000 };
	r = nanosleep(&ts, NULL);
	ms = ms_since(&t0);
	printf("nanosleep 100 ms -> %s, >= 100 ms %d, < 2 s %d\n", err(r), ms >= 100, ms < 2000);
	ts = (struct timespec){ 0, 1000000000 };
	printf("nanosleep bad nsec -> %s\n", err(nanosleep(&ts, NULL)));
	ts = (struct timespec){ -1, 0 };
	printf("nanosleep negative -> %s\n", err(nanosleep(&ts, NULL)));
	printf("nanosleep bad pointer -> %s\n", err(nanosleep((void *)8, NULL)));
	ts = (struct timespec){ 0, 0 };
	printf("nanosleep 0 -> %s\n", err(nanosleep(&ts, NULL)));

	clock_gettime(CLOCK_MONOTONIC, &now);
	t0 = now;
	now.tv_nsec += 50000000;
	if (now.tv_nsec >= 1000000000) {
		now.tv_sec++;
		now.tv_nsec -= 1000000000;
	}
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, NULL);
	ms = ms_since(&t0);
	printf("clock_nanosleep abs +50 ms -> %ld, >= 45 ms %d\n", r, ms >= 45);
	clock_gettime(CLOCK_REALTIME, &now);
	now.tv_sec -= 10;
	r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &now, NULL);
	printf("clock_nanosleep abs in the past -> %ld\n", r);
	ts = (struct timespec){ 0, 10000000 };
	printf("clock_nanosleep BOOTTIME 10 ms -> %d\n", clock_nanosleep(CLOCK_BOOTTIME, 0, &ts, NULL));
	printf("clock_nanosleep THREAD_CPUTIME -> %s\n",
	       strerror(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL)));
	printf("clock_nanosleep MONOTONIC_RAW -> %s\n",
	       strerror(clock_nanosleep(CLOCK_MONOTONIC_RAW, 0, &ts, NULL)));
	printf("clock_nanosleep clock 99 -> %s\n", strerror(clock_nanosleep(99, 0, &ts, NULL)));

	/* EINTR: the time left comes back */
	signal(SIGUSR1, on_usr1);
	pid = fork();
	if (!pid) {
		sleep_ms(50);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	ts = (struct timespec){ 2, 0 };
	rem = (struct timespec){ 0, 0 };
	r = nanosleep(&ts, &rem);
	printf("nanosleep 2 s, signal at 50 ms -> %s, left between 1 and 2 s %d\n", err(r),
	       rem.tv_sec == 1 || (rem.tv_sec == 0 && rem.tv_nsec > 900000000));
	waitpid(pid, NULL, 0);
	signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	concurrent();
	sleeps();
	return 0;
}
