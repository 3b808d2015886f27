// SPDX-License-Identifier: GPL-2.0
/*
 * Programs that try to exhaust what the kernel bounds; each mode prints
 * the property Linux defines, not a count that depends on the machine.
 *
 *   maps	MAP_PRIVATE mappings of one page each, alternate protections so
 *		none merge, until mmap fails: ENOMEM at vm.max_map_count
 *   huge	one anonymous mapping far larger than memory: ENOMEM (the
 *		heuristic overcommit), and with MAP_NORESERVE: it succeeds
 *   files	open /dev/null until it fails: EMFILE at RLIMIT_NOFILE
 *   forks	children that wait, until fork fails: EAGAIN (at most 1000)
 *   touch	map and touch 4 GiB: the OOM killer under a small --mem
 *   forkbomb	every process forks for ever
 *   spin	an endless loop;  block: pause() for ever;  sleep: a day's nanosleep
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e)
{
	return e == ENOMEM ? "ENOMEM" : e == EMFILE ? "EMFILE" : e == EAGAIN ? "EAGAIN" :
	       e == ENFILE ? "ENFILE" : strerror(e);
}

static int maps(void)
{
	long n = 0, max = 0;
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");

	if (f) {
		if (fscanf(f, "%ld", &max) != 1)
			max = 0;
		fclose(f);
	}
	for (;;) {
		void *p = mmap(NULL, 4096, (n & 1) ? PROT_READ : PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			printf("maps: mmap failed with %s after %s mappings\n", errname(errno),
			       n > 60000 && n <= 65530 ? "60001..65530" : "an unexpected number of");
			break;
		}
		n++;
	}
	printf("maps: vm.max_map_count %s\n", max == 65530 ? "65530" : "not the default");
	return 0;
}

static int huge(void)
{
	size_t len = 1UL << 46;	/* 64 TiB */
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	printf("huge: 64 TiB mmap: %s\n", p == MAP_FAILED ? errname(errno) : "mapped");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	printf("huge: 64 TiB mmap MAP_NORESERVE: %s\n", p == MAP_FAILED ? errname(errno) : "mapped");
	if (p != MAP_FAILED)
		munmap(p, len);
	p = sbrk(1L << 46);
	printf("huge: sbrk 64 TiB: %s\n", p == (void *)-1 ? errname(errno) : "grown");
	return 0;
}

static int files(void)
{
	struct rlimit rl;
	int last = -1;

	getrlimit(RLIMIT_NOFILE, &rl);
	for (;;) {
		int fd = open("/dev/null", O_RDONLY);

		if (fd < 0) {
			printf("files: open failed with %s; %s\n", errname(errno),
			       (rlim_t)last + 1 == rl.rlim_cur ? "at RLIMIT_NOFILE" : "elsewhere");
			break;
		}
		last = fd;
	}
	return 0;
}

static int forks(void)
{
	pid_t kids[1000];
	int n = 0, e = 0, i, st, killed = 0;

	while (n < 1000) {
		pid_t pid = fork();

		if (pid < 0) {
			e = errno;
			break;
		}
		if (!pid) {
			pause();
			_exit(0);
		}
		kids[n++] = pid;
	}
	printf("forks: %s\n", e ? errname(e) : "1000 children");
	for (i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < n; i++)
		if (waitpid(kids[i], &st, 0) == kids[i] && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
			killed++;
	printf("forks: every child reaped: %s\n", killed == n ? "yes" : "no");
	return 0;
}

static int touch(void)
{
	size_t len = 4UL << 30, i;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	for (i = 0; i < len; i += 4096)
		p[i] = 1;
	printf("touch: all touched\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	struct timespec day = { 86400, 0 };

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(m, "maps"))
		return maps();
	if (!strcmp(m, "huge"))
		return huge();
	if (!strcmp(m, "files"))
		return files();
	if (!strcmp(m, "forks"))
		return forks();
	if (!strcmp(m, "touch"))
		return touch();
	/* the tests signal the monitor once this line is out */
	printf("%s: running\n", m);
	if (!strcmp(m, "forkbomb"))
		for (;;)
			fork();
	if (!strcmp(m, "spin"))
		for (;;)
			__asm__ volatile("" ::: "memory");
	if (!strcmp(m, "block"))
		for (;;)
			pause();
	if (!strcmp(m, "sleep"))
		return nanosleep(&day, NULL);
	fprintf(stderr, "usage: test_hostile maps|huge|files|forks|touch|forkbomb|spin|block|sleep\n");
	return 2;
}
