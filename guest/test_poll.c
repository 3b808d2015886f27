// SPDX-License-Identifier: GPL-2.0
/*
 * poll, ppoll, select and pselect on pipes, files and /dev/null: what is
 * ready, timeouts (0 and 50 ms, checked against the clock), POLLHUP,
 * POLLERR, POLLNVAL, EBADF, wakeups by another process, signals (EINTR
 * with and without SA_RESTART: poll and select are never restarted),
 * ppoll's signal mask.  Compared with a native run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
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

static void show(const char *what, long r, struct pollfd *fds, int n)
{
	int i;

	printf("%s -> %ld %s:", what, r, err(r));
	for (i = 0; i < n; i++)
		printf(" %#x", fds[i].revents);
	printf("\n");
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void basics(void)
{
	struct pollfd fds[5];
	struct timespec t0;
	int p[2], nul, file;
	long r, ms;

	pipe(p);
	nul = open("/dev/null", O_RDWR);
	file = open("test_poll.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
	fds[0] = (struct pollfd){ p[0], POLLIN, 0 };
	fds[1] = (struct pollfd){ p[1], POLLOUT, 0 };
	fds[2] = (struct pollfd){ nul, POLLIN | POLLOUT, 0 };
	fds[3] = (struct pollfd){ file, POLLIN | POLLOUT | POLLPRI, 0 };
	fds[4] = (struct pollfd){ -1, POLLIN, 0 };
	r = poll(fds, 5, 0);
	show("poll empty pipe, /dev/null, file, -1", r, fds, 5);
	write(p[1], "x", 1);
	r = poll(fds, 1, 0);
	show("poll pipe with data", r, fds, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fds[0].events = POLLOUT;	/* a read end is never writable */
	r = poll(fds, 1, 50);
	ms = ms_since(&t0);
	show("poll 50 ms, nothing", r, fds, 1);
	printf("poll 50 ms: waited at least 50 ms %d, less than 2 s %d\n", ms >= 50, ms < 2000);
	close(p[1]);
	fds[0].events = POLLIN;
	r = poll(fds, 1, -1);
	show("poll after the writer closed (data left)", r, fds, 1);
	read(p[0], &r, 1);
	r = poll(fds, 1, -1);
	show("poll after the writer closed (empty)", r, fds, 1);
	fds[0].events = 0;
	r = poll(fds, 1, 0);
	show("poll events 0: POLLHUP still", r, fds, 1);
	close(p[0]);
	r = poll(fds, 1, 0);
	show("poll closed fd: POLLNVAL", r, fds, 1);

	pipe(p);
	close(p[0]);
	fds[0] = (struct pollfd){ p[1], POLLOUT, 0 };
	r = poll(fds, 1, 0);
	show("poll write end, reader gone: POLLERR", r, fds, 1);
	close(p[1]);
	r = poll(NULL, 0, 10);
	printf("poll no fds, 10 ms -> %ld\n", r);
	r = poll((struct pollfd *)8, 1, 0);
	printf("poll bad pointer -> %s\n", err(r));
	r = poll(fds, 1 << 20, 0);
	printf("poll too many -> %s\n", err(r));
	close(nul);
	close(file);
	unlink("test_poll.tmp");
}

static void print_set(const char *what, fd_set *s, int n)
{
	int fd;

	printf(" %s{", what);
	for (fd = 0; fd < n; fd++)
		if (FD_ISSET(fd, s))
			printf(" %d", fd);
	printf(" }");
}

static void selects(void)
{
	fd_set in, out, ex;
	struct timeval tv;
	struct timespec ts, t0;
	int p[2], q[2];
	long r, ms;

	pipe(p);
	pipe(q);
	write(q[1], "y", 1);
	FD_ZERO(&in);
	FD_ZERO(&out);
	FD_ZERO(&ex);
	FD_SET(p[0], &in);
	FD_SET(q[0], &in);
	FD_SET(p[1], &out);
	FD_SET(p[0], &ex);
	tv = (struct timeval){ 0, 0 };
	r = select(q[1] + 1, &in, &out, &ex, &tv);
	printf("select -> %ld %s:", r, err(r));
	print_set("in", &in, q[1] + 1);
	print_set("out", &out, q[1] + 1);
	print_set("ex", &ex, q[1] + 1);
	printf("\n");

	FD_ZERO(&in);
	FD_SET(p[0], &in);
	tv = (struct timeval){ 0, 50000 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = select(p[0] + 1, &in, NULL, NULL, &tv);
	ms = ms_since(&t0);
	printf("select 50 ms -> %ld, waited >= 50 ms %d, < 2 s %d, timeval left %ld.%06ld\n", r,
	       ms >= 50, ms < 2000, (long)tv.tv_sec, (long)tv.tv_usec);
	FD_ZERO(&in);
	FD_SET(q[0], &in);
	tv = (struct timeval){ 5, 0 };
	r = select(q[0] + 1, &in, NULL, NULL, &tv);
	printf("select ready at once -> %ld, time left over 4 s %d\n", r, tv.tv_sec >= 4);
	FD_ZERO(&in);
	FD_SET(40, &in);
	r = select(41, &in, NULL, NULL, &(struct timeval){ 0, 0 });
	printf("select closed fd 40 -> %s\n", err(r));
	r = select(-1, NULL, NULL, NULL, &(struct timeval){ 0, 0 });
	printf("select n -1 -> %s\n", err(r));
	r = select(0, NULL, NULL, NULL, &(struct timeval){ -1, 0 });
	printf("select negative timeval -> %s\n", err(r));
	tv = (struct timeval){ 0, 1500000 };
	FD_ZERO(&in);
	FD_SET(q[0], &in);
	r = select(q[0] + 1, &in, NULL, NULL, &tv);
	printf("select 1.5e6 usec (carried) -> %s %ld\n", err(r), r);

	FD_ZERO(&in);
	FD_SET(p[0], &in);
	ts = (struct timespec){ 0, 20000000 };
	r = pselect(p[0] + 1, &in, NULL, NULL, &ts, NULL);
	printf("pselect 20 ms -> %ld\n", r);
	ts = (struct timespec){ 0, 1000000000 };
	r = pselect(p[0] + 1, &in, NULL, NULL, &ts, NULL);
	printf("pselect bad timespec -> %s\n", err(r));
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

/* another process makes the pipe ready while we wait */
static void wakeups(void)
{
	struct pollfd fds[2];
	fd_set in;
	int p[2], q[2];
	pid_t pid;
	long r;

	pipe(p);
	pipe(q);
	pid = fork();
	if (!pid) {
		sleep_ms(30);
		write(q[1], "a", 1);
		sleep_ms(30);
		write(p[1], "b", 1);
		_exit(0);
	}
	fds[0] = (struct pollfd){ p[0], POLLIN, 0 };
	fds[1] = (struct pollfd){ q[0], POLLIN, 0 };
	r = poll(fds, 2, 5000);
	show("poll woken by a child's write", r, fds, 2);
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	r = select(p[0] + 1, &in, NULL, NULL, NULL);
	printf("select woken by a child's write -> %ld, p[0] set %d\n", r, FD_ISSET(p[0], &in));
	waitpid(pid, NULL, 0);
	close(p[1]);
	fds[0].events = POLLIN;
	r = poll(fds, 1, 5000);
	show("poll: data and POLLHUP", r, fds, 1);
	close(p[0]);
	close(q[0]);
	close(q[1]);
}

static volatile sig_atomic_t hits;

static void on_usr1(int sig)
{
	hits++;
}

/*
 * A child signals us every 30 ms while we wait: EINTR even with
 * SA_RESTART (one signal at least comes during each wait, however slow
 * the run).
 */
static void interrupted(int flags)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = flags };
	struct pollfd fds[1];
	pid_t parent = getpid(), pid;
	fd_set in;
	int p[2];
	long r;

	sigaction(SIGUSR1, &sa, NULL);
	pipe(p);
	pid = fork();
	if (!pid) {
		for (;;) {
			sleep_ms(30);
			kill(parent, SIGUSR1);
		}
	}
	hits = 0;
	fds[0] = (struct pollfd){ p[0], POLLIN, 0 };
	r = poll(fds, 1, 5000);
	printf("%s: poll -> %s, handler ran %d\n", flags ? "SA_RESTART" : "plain", err(r),
	       hits > 0);
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	r = select(p[0] + 1, &in, NULL, NULL, NULL);
	printf("%s: select -> %s, handler ran %d\n", flags ? "SA_RESTART" : "plain", err(r),
	       hits > 1);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
	signal(SIGUSR1, SIG_DFL);
}

/* ppoll's mask: a blocked SIGUSR1 pending is taken only during the wait */
static void ppoll_mask(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct timespec ts = { 0, 20000000 };
	sigset_t block, none, now;
	struct pollfd fds[1];
	int p[2];
	long r;

	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	pipe(p);
	fds[0] = (struct pollfd){ p[0], POLLIN, 0 };
	hits = 0;
	r = ppoll(fds, 1, &ts, &block);
	printf("ppoll, USR1 blocked, none pending -> %ld\n", r);
	raise(SIGUSR1);
	r = ppoll(fds, 1, &ts, &block);
	printf("ppoll, mask keeps it blocked -> %ld, handler ran %d\n", r, hits);
	sigemptyset(&none);
	r = ppoll(fds, 1, &ts, &none);
	printf("ppoll, mask unblocks it -> %s, handler ran %d\n", err(r), hits);
	sigprocmask(SIG_SETMASK, NULL, &now);
	printf("ppoll: mask restored, USR1 blocked %d\n", sigismember(&now, SIGUSR1));
	write(p[1], "z", 1);
	raise(SIGUSR1);
	r = ppoll(fds, 1, &ts, &none);
	printf("ppoll, ready and a signal -> %ld %s, handler ran %d\n", r, err(r), hits);
	r = syscall(SYS_ppoll, fds, 1, &ts, &none, 4);
	printf("ppoll, sigsetsize 4 -> %s\n", err(r));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	printf("after unblocking: handler ran %d\n", hits);
	close(p[0]);
	close(p[1]);
	signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	basics();
	selects();
	wakeups();
	interrupted(0);
	interrupted(SA_RESTART);
	ppoll_mask();
	return 0;
}
