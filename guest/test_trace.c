// SPDX-License-Identifier: GPL-2.0
/*
 * The differential trace's program (tools/syscall-diff): calls whose
 * results are the same natively and under the monitor, in one process
 * and a child, each kind of --trace decoder once (paths and errors, open
 * flags, struct stat, read data, mmap flags and addresses, sigaction,
 * signal delivery, fork and a wait status).
 *
 * test_trace personality: also personality(0xffffffff), a call the
 * monitor has no handler for: Linux answers the persona (0), the monitor
 * ENOSYS, and syscall-diff must point at it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
	got = sig;
}

static void files(const char *self)
{
	char buf[4];
	struct stat st;
	int fd;

	fd = openat(AT_FDCWD, "/nonexistent/trace", O_RDONLY | O_CLOEXEC);
	printf("openat missing: %d %s\n", fd, fd < 0 ? strerror(errno) : "");
	fd = open(self, O_RDONLY | O_CLOEXEC);
	printf("open self: %s\n", fd >= 0 ? "yes" : "no");
	printf("fstat: %d regular %d\n", fstat(fd, &st), S_ISREG(st.st_mode));
	printf("read: %zd %.3s\n", read(fd, buf, 4), buf + 1);
	printf("pread: %zd\n", pread(fd, buf, 2, 1));
	printf("lseek: %d\n", lseek(fd, 0, SEEK_END) > 0);
	printf("close: %d, again: %d\n", close(fd), close(fd));
	printf("stat /: %d dir %d\n", stat("/", &st), S_ISDIR(st.st_mode));
	printf("read stdin: %zd\n", read(0, buf, sizeof(buf)));
}

static void memory(void)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	p[0] = 1;
	printf("mprotect: %d\n", mprotect(p, 4096, PROT_READ));
	printf("munmap: %d\n", munmap(p, 8192));
	printf("munmap unaligned: %d\n", munmap(p + 1, 4096));
}

static void signals(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };

	sigemptyset(&sa.sa_mask);
	printf("sigaction: %d\n", sigaction(SIGUSR1, &sa, NULL));
	printf("kill self: %d, handled %d\n", kill(getpid(), SIGUSR1), got == SIGUSR1);
	printf("bad signal: %d\n", kill(getpid(), 99));
}

static void child(void)
{
	int st = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		write(1, "child\n", 6);
		_exit(3);
	}
	pid = waitpid(pid, &st, 0) == pid;
	printf("wait: %d, status %d\n", pid, WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
	files(argv[0]);
	memory();
	signals();
	child();
	if (argc > 1 && !strcmp(argv[1], "personality"))
		printf("personality: %ld\n", syscall(SYS_personality, 0xffffffffUL));
	return 0;
}
