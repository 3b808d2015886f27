// SPDX-License-Identifier: GPL-2.0
/*
 * Pipes between processes: ping-pong, a large transfer, end of file,
 * EPIPE and SIGPIPE, O_NONBLOCK, the buffer's size and its slots, PIPE_BUF
 * atomicity with two writers, O_DIRECT packets, signals interrupting a
 * blocked read (EINTR and SA_RESTART), FIFOs made with mknod.  Every line
 * is what Linux answers: the run is compared with a native one.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ	1031
#define F_GETPIPE_SZ	1032
#endif

static const char *err(long r)
{
	return r < 0 ? strerror(errno) : "ok";
}

static void wait_child(const char *what, pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		printf("%s: waitpid: %s\n", what, strerror(errno));
	else if (WIFSIGNALED(st))
		printf("%s: child killed by %s\n", what, strsignal(WTERMSIG(st)));
	else
		printf("%s: child exit %d\n", what, WEXITSTATUS(st));
}

static void ping_pong(void)
{
	int a[2], b[2], i;
	pid_t pid;
	char c;

	pipe(a);
	pipe(b);
	pid = fork();
	if (!pid) {
		close(a[1]);
		close(b[0]);
		while (read(a[0], &c, 1) == 1) {
			c++;
			write(b[1], &c, 1);
		}
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	c = 'a';
	for (i = 0; i < 50; i++) {
		write(a[1], &c, 1);
		if (read(b[0], &c, 1) != 1)
			break;
		c = c == 'z' ? 'a' : c;
	}
	printf("ping-pong: %d round trips, last '%c'\n", i, c);
	close(a[1]);
	close(b[0]);
	wait_child("ping-pong", pid);
}

static uint32_t sum_bytes(const unsigned char *p, size_t n, uint32_t s)
{
	while (n--)
		s = s * 31 + *p++;
	return s;
}

/* 1 MiB through the pipe in odd-sized writes and reads */
static void big_transfer(void)
{
	static unsigned char buf[1 << 20], in[7777];
	uint32_t sent, got = 0;
	size_t total = 0, i;
	int p[2];
	pid_t pid;
	ssize_t n;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + i / 251);
	sent = sum_bytes(buf, sizeof(buf), 0);
	pipe(p);
	pid = fork();
	if (!pid) {
		size_t off = 0;

		close(p[0]);
		/* one huge write first: it must come out whole, in order */
		n = write(p[1], buf, 300000);
		off = n > 0 ? (size_t)n : 0;
		while (off < sizeof(buf)) {
			size_t len = sizeof(buf) - off < 5000 ? sizeof(buf) - off : 5000;

			n = write(p[1], buf + off, len);
			if (n <= 0)
				_exit(1);
			off += n;
		}
		_exit(off == sizeof(buf) ? 0 : 2);
	}
	close(p[1]);
	while ((n = read(p[0], in, sizeof(in))) > 0) {
		got = sum_bytes(in, n, got);
		total += n;
	}
	printf("1 MiB: read %zu bytes, checksum %s, then read -> %zd\n", total,
	       got == sent ? "equal" : "DIFFERENT", n);
	close(p[0]);
	wait_child("1 MiB", pid);
}

static void eof(void)
{
	int p[2];
	pid_t pid;
	char buf[16];
	ssize_t n;

	pipe(p);
	pid = fork();
	if (!pid) {
		close(p[0]);
		write(p[1], "bye", 3);
		_exit(0);	/* the last writer goes */
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf));
	printf("eof: first read %zd\n", n);
	n = read(p[0], buf, sizeof(buf));
	printf("eof: second read %zd\n", n);
	close(p[0]);
	wait_child("eof", pid);
}

static volatile sig_atomic_t got_sig, sig_code, sig_pid_self;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	got_sig = sig;
	sig_code = si->si_code;
	sig_pid_self = si->si_pid == getpid();
}

static void epipe(void)
{
	struct sigaction sa = { .sa_sigaction = on_sig, .sa_flags = SA_SIGINFO };
	int p[2], go[2], st;
	pid_t pid;
	long r;

	sigaction(SIGPIPE, &sa, NULL);
	pipe(p);
	close(p[0]);
	got_sig = 0;
	r = write(p[1], "x", 1);
	printf("epipe: write -> %ld %s, signal %s, si_code %s, si_pid self %d\n", r, err(r),
	       got_sig ? strsignal(got_sig) : "none", sig_code == SI_USER ? "SI_USER" : "other",
	       (int)sig_pid_self);
	signal(SIGPIPE, SIG_IGN);
	got_sig = 0;
	r = write(p[1], "x", 1);
	printf("epipe ignored: write -> %ld %s\n", r, err(r));
	close(p[1]);
	signal(SIGPIPE, SIG_DFL);

	/*
	 * the default action: death by SIGPIPE, as a shell's 141.  The child
	 * writes once the parent has closed its ends (EOF on @go): on several
	 * CPUs it would otherwise race the parent's close of the read end.
	 */
	pipe(p);
	pipe(go);
	pid = fork();
	if (!pid) {
		char c;

		close(p[0]);
		close(go[1]);
		read(go[0], &c, 1);
		write(p[1], "x", 1);
		_exit(0);
	}
	close(p[0]);
	close(p[1]);
	close(go[0]);
	close(go[1]);
	waitpid(pid, &st, 0);
	printf("epipe default: %s %d\n", WIFSIGNALED(st) ? "signal" : "exit",
	       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

/* O_NONBLOCK: EAGAIN, and how much a pipe holds written in 1 B, 1000 B, 4096 B */
static void nonblock(void)
{
	static char buf[70000];
	int chunk[] = { 1000, 4096, 5000, 65536 }, p[2], fl;
	unsigned int i;
	long total, r;

	pipe2(p, O_NONBLOCK);
	r = read(p[0], buf, 1);
	printf("nonblock: empty read -> %ld %s\n", r, err(r));
	for (i = 0; i < sizeof(chunk) / sizeof(chunk[0]); i++) {
		int q[2];

		pipe2(q, O_NONBLOCK);
		total = 0;
		while ((r = write(q[1], buf, chunk[i])) > 0)
			total += r;
		printf("nonblock: %5d-byte writes: %ld bytes until %s\n", chunk[i], total, err(r));
		ioctl(q[0], FIONREAD, &fl);
		printf("nonblock: FIONREAD %d\n", fl);
		r = read(q[0], buf, 3);
		r = write(q[1], buf, 1);
		printf("nonblock: after reading 3: write 1 -> %ld %s\n", r, err(r));
		close(q[0]);
		close(q[1]);
	}
	fl = fcntl(p[0], F_GETFL);
	printf("nonblock: F_GETFL read end %#x, write end %#x\n", fl, fcntl(p[1], F_GETFL));
	fcntl(p[0], F_SETFL, fl & ~O_NONBLOCK);
	printf("nonblock: F_GETFL after F_SETFL %#x\n", fcntl(p[0], F_GETFL));
	close(p[0]);
	close(p[1]);
}

static void sizes(void)
{
	long sizes[] = { 0, 1, 4096, 4097, 65536, 100000, 1 << 20, (1L << 20) + 1, -1 };
	static char buf[8192];
	unsigned int i;
	int p[2], fd;
	long r;

	pipe(p);
	printf("size: F_GETPIPE_SZ %d\n", fcntl(p[0], F_GETPIPE_SZ));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		r = fcntl(p[1], F_SETPIPE_SZ, sizes[i]);
		printf("size: F_SETPIPE_SZ %ld -> %ld %s\n", sizes[i], r, err(r));
	}
	fcntl(p[1], F_SETPIPE_SZ, 65536);
	write(p[1], buf, 8192);
	write(p[1], buf, 1);
	r = fcntl(p[1], F_SETPIPE_SZ, 4096);
	printf("size: shrink below the data (3 slots) -> %ld %s\n", r, err(r));
	r = fcntl(p[1], F_SETPIPE_SZ, 3 * 4096);
	printf("size: to 3 pages -> %ld %s\n", r, err(r));
	read(p[0], buf, 8193);
	close(p[0]);
	close(p[1]);
	fd = open("/dev/null", O_RDONLY);
	r = fcntl(fd, F_GETPIPE_SZ);
	printf("size: F_GETPIPE_SZ on /dev/null -> %ld %s\n", r, err(r));
	close(fd);
}

/* two writers of PIPE_BUF-sized records: never interleaved */
static void atomic(void)
{
	static char rec[4096], in[4096];
	int p[2], w, bad = 0, count[2] = { 0, 0 };
	pid_t pids[2];
	ssize_t n, have = 0;

	pipe(p);
	for (w = 0; w < 2; w++) {
		pids[w] = fork();
		if (!pids[w]) {
			int i;

			close(p[0]);
			memset(rec, 'A' + w, sizeof(rec));
			for (i = 0; i < 100; i++)
				if (write(p[1], rec, sizeof(rec)) != sizeof(rec))
					_exit(1);
			_exit(0);
		}
	}
	close(p[1]);
	for (;;) {
		n = read(p[0], in + have, sizeof(in) - have);
		if (n <= 0)
			break;
		have += n;
		if (have < (ssize_t)sizeof(in))
			continue;
		for (n = 1; n < (ssize_t)sizeof(in); n++)
			if (in[n] != in[0])
				bad++;
		if (in[0] == 'A' || in[0] == 'B')
			count[in[0] - 'A']++;
		have = 0;
	}
	printf("atomic: records A %d, B %d, mixed bytes %d, left over %zd\n", count[0], count[1],
	       bad, have);
	close(p[0]);
	wait_child("atomic A", pids[0]);
	wait_child("atomic B", pids[1]);
}

static void packets(void)
{
	char buf[64];
	int p[2];
	long r;

	r = pipe2(p, O_DIRECT | O_NONBLOCK);
	printf("packet: pipe2(O_DIRECT) -> %s\n", err(r));
	write(p[1], "hello", 5);
	write(p[1], "world!", 6);
	r = read(p[0], buf, sizeof(buf));
	printf("packet: read %ld '%.*s'\n", r, (int)r, buf);
	r = read(p[0], buf, 3);
	printf("packet: short read %ld '%.*s'\n", r, (int)r, buf);
	r = read(p[0], buf, sizeof(buf));
	printf("packet: then %ld %s\n", r, err(r));
	close(p[0]);
	close(p[1]);
}

static int *volatile bad_ptr = (int *)8;

static void misc(void)
{
	struct stat a, b;
	char c;
	int p[2];
	long r;

	r = pipe2(p, 0x40);	/* O_CREAT: not a pipe flag */
	printf("misc: pipe2(O_CREAT) -> %s\n", err(r));
	r = pipe2(bad_ptr, 0);
	printf("misc: pipe(bad pointer) -> %s\n", err(r));
	pipe2(p, O_CLOEXEC);
	printf("misc: O_CLOEXEC: FD_CLOEXEC %d %d\n", fcntl(p[0], F_GETFD), fcntl(p[1], F_GETFD));
	fstat(p[0], &a);
	fstat(p[1], &b);
	printf("misc: fstat fifo %d, mode %o, nlink %ld, size %ld, blksize %ld, same inode %d\n",
	       S_ISFIFO(a.st_mode), a.st_mode & 0777, (long)a.st_nlink, (long)a.st_size,
	       (long)a.st_blksize, a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	r = lseek(p[0], 0, SEEK_SET);
	printf("misc: lseek -> %s\n", err(r));
	r = pread(p[0], &c, 1, 0);
	printf("misc: pread -> %s\n", err(r));
	r = write(p[0], "x", 1);
	printf("misc: write to the read end -> %s\n", err(r));
	r = read(p[1], &c, 1);
	printf("misc: read from the write end -> %s\n", err(r));
	r = write(p[1], "", 0);
	printf("misc: empty write -> %ld\n", r);
	close(p[0]);
	close(p[1]);
}

static void on_alarm(int sig)
{
	got_sig = sig;
}

/*
 * A read blocked on an empty pipe, interrupted by a signal from a child.
 * The child signals every 30 ms, so that one signal at least comes while
 * the read waits however slow the run; with SA_RESTART it then writes.
 */
static void interrupted(int restart)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = restart ? SA_RESTART : 0 };
	int p[2];
	char buf[8];
	pid_t pid, parent = getpid();
	long r;

	sigaction(SIGUSR1, &sa, NULL);
	pipe(p);
	got_sig = 0;
	pid = fork();
	if (!pid) {
		struct timespec ts = { 0, 30000000 };
		int i;

		for (i = 0; !restart || i < 3; i++) {
			nanosleep(&ts, NULL);
			kill(parent, SIGUSR1);
		}
		write(p[1], "late", 4);
		_exit(0);
	}
	r = read(p[0], buf, sizeof(buf));
	printf("%s: read -> %ld %s, handler ran %d\n", restart ? "SA_RESTART" : "no SA_RESTART",
	       r, err(r), got_sig == SIGUSR1);
	if (!restart)
		kill(pid, SIGKILL);
	close(p[0]);
	close(p[1]);
	wait_child(restart ? "SA_RESTART" : "no SA_RESTART", pid);
	signal(SIGUSR1, SIG_DFL);
}

/*
 * A blocking write larger than the pipe: interrupted after a part, it
 * returns that part; with nothing written, EINTR; with a slow reader it
 * goes on until all is written.
 */
static void partial(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	static char buf[200000];
	pid_t pid, parent = getpid();
	int p[2];
	long r;

	sigaction(SIGUSR1, &sa, NULL);
	pipe(p);
	pid = fork();
	if (!pid) {
		struct timespec ts = { 0, 30000000 };

		for (;;) {
			nanosleep(&ts, NULL);
			kill(parent, SIGUSR1);
		}
	}
	r = write(p[1], buf, sizeof(buf));
	printf("partial: write 200000 to a pipe nobody reads -> %ld\n", r);
	r = write(p[1], buf, 10);
	printf("partial: write to the full pipe -> %ld %s\n", r, err(r));
	kill(pid, SIGKILL);
	wait_child("partial", pid);
	close(p[0]);
	close(p[1]);
	signal(SIGUSR1, SIG_DFL);

	pipe(p);
	pid = fork();
	if (!pid) {
		struct timespec ts = { 0, 1000000 };
		long total = 0, n;
		char in[10000];

		close(p[1]);
		while ((n = read(p[0], in, sizeof(in))) > 0) {
			total += n;
			nanosleep(&ts, NULL);
		}
		printf("partial: the slow reader got %ld\n", total);
		_exit(0);
	}
	close(p[0]);
	r = write(p[1], buf, sizeof(buf));
	printf("partial: blocking write with a slow reader -> %ld\n", r);
	close(p[1]);
	wait_child("slow reader", pid);
}

/* a FIFO: made with mknod, opened by a reader and a writer */
static void fifo(void)
{
	const char *path = "test_pipe.fifo";
	char buf[32];
	struct stat st;
	pid_t pid;
	int fd, w;
	long r;

	unlink(path);
	r = mknod(path, S_IFIFO | 0600, 0);
	printf("fifo: mknod -> %s\n", err(r));
	r = mkfifo(path, 0600);
	printf("fifo: mkfifo again -> %s\n", err(r));
	stat(path, &st);
	printf("fifo: stat fifo %d, mode %o\n", S_ISFIFO(st.st_mode), st.st_mode & 0777);
	r = open(path, O_WRONLY | O_NONBLOCK);
	printf("fifo: O_WRONLY|O_NONBLOCK without a reader -> %s\n", err(r));
	fd = open(path, O_RDONLY | O_NONBLOCK);
	printf("fifo: O_RDONLY|O_NONBLOCK -> %s\n", err(fd));
	r = read(fd, buf, sizeof(buf));
	printf("fifo: read without a writer ever -> %ld\n", r);
	{
		struct pollfd pfd = { fd, POLLIN, 0 };

		r = poll(&pfd, 1, 0);
		printf("fifo: poll before any writer -> %ld, revents %#x\n", r, pfd.revents);
		w = open(path, O_WRONLY | O_NONBLOCK);
		close(w);
		r = poll(&pfd, 1, 0);
		printf("fifo: poll after a writer came and went -> %ld, revents %#x\n", r,
		       pfd.revents);
	}
	close(fd);
	pid = fork();
	if (!pid) {
		int w = open(path, O_WRONLY);	/* blocks until the reader */

		write(w, "through the fifo", 16);
		close(w);
		_exit(w < 0);
	}
	fd = open(path, O_RDONLY);
	r = read(fd, buf, sizeof(buf));
	printf("fifo: read %ld '%.*s'\n", r, (int)(r > 0 ? r : 0), buf);
	r = read(fd, buf, sizeof(buf));
	printf("fifo: then %ld\n", r);
	fstat(fd, &st);
	printf("fifo: fstat fifo %d\n", S_ISFIFO(st.st_mode));
	close(fd);
	wait_child("fifo", pid);
	fd = open(path, O_RDWR);
	write(fd, "rw", 2);
	r = read(fd, buf, sizeof(buf));
	printf("fifo: O_RDWR alone: read %ld\n", r);
	close(fd);
	r = open(path, O_RDONLY | O_CREAT | O_EXCL, 0600);
	printf("fifo: O_CREAT|O_EXCL -> %s\n", err(r));
	unlink(path);
	r = mknod(path, S_IFREG | 0600, 0);
	printf("fifo: mknod S_IFREG -> %s\n", err(r));
	unlink(path);
	r = mknod(path, 0600, 0);
	printf("fifo: mknod type 0 -> %s\n", err(r));
	stat(path, &st);
	printf("fifo: it is regular %d\n", S_ISREG(st.st_mode));
	r = mknod(path, S_IFIFO | 0600, 0);
	printf("fifo: mknod over a file -> %s\n", err(r));
	unlink(path);
	r = mknod(path, S_IFDIR | 0700, 0);
	printf("fifo: mknod S_IFDIR -> %s\n", err(r));
	r = mknod(path, 0170000 | 0600, 0);
	printf("fifo: mknod bad type -> %s\n", err(r));
	r = mknod("no/such/dir/f", S_IFIFO | 0600, 0);
	printf("fifo: mknod in a missing dir -> %s\n", err(r));
	unlink(path);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	ping_pong();
	big_transfer();
	eof();
	epipe();
	nonblock();
	sizes();
	atomic();
	packets();
	misc();
	interrupted(0);
	interrupted(1);
	partial();
	fifo();
	return 0;
}
