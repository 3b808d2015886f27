// SPDX-License-Identifier: GPL-2.0
/*
 * SIGBUS past the end of a memfd: a mapping longer than the file faults
 * with BUS_ADRERR on the pages beyond it; growing the file from the
 * handler lets the access retry.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile int code, addr_ok, hits, fd;
static volatile char *expect;

static void bus_handler(int sig, siginfo_t *si, void *uc)
{
	hits++;
	code = si->si_code;
	addr_ok = si->si_addr == (void *)expect;
	siglongjmp(env, 1);
}

static void grow_handler(int sig, siginfo_t *si, void *uc)
{
	hits++;
	ftruncate(fd, 4 * 4096);
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO;
	sigaction(sig, &sa, NULL);
}

int main(void)
{
	volatile char *p;

	fd = memfd_create("sigbus", 0);
	if (fd < 0 || ftruncate(fd, 4 * 4096)) {
		perror("memfd");
		return 1;
	}
	p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset((char *)p, 'x', 4 * 4096);
	ftruncate(fd, 4096 + 10);
	install(SIGBUS, bus_handler);
	printf("page 1 byte 5: %c\n", p[4096 + 5]);
	printf("page 1 byte 20 (past EOF, same page): %d\n", p[4096 + 20]);
	expect = p + 2 * 4096 + 7;
	if (!sigsetjmp(env, 1)) {
		(void)*expect;
		printf("no SIGBUS\n");
	} else {
		printf("read page 2: SIGBUS %s, si_addr %s\n",
		       code == BUS_ADRERR ? "BUS_ADRERR" : "other",
		       addr_ok ? "matches" : "WRONG");
	}
	expect = p + 3 * 4096;
	if (!sigsetjmp(env, 1)) {
		*expect = 1;
		printf("no SIGBUS\n");
	} else {
		printf("write page 3: SIGBUS %s, si_addr %s\n",
		       code == BUS_ADRERR ? "BUS_ADRERR" : "other",
		       addr_ok ? "matches" : "WRONG");
	}
	hits = 0;
	install(SIGBUS, grow_handler);
	p[3 * 4096 + 1] = 'y';
	printf("grown by the handler: hits %d, byte %c\n", hits, p[3 * 4096 + 1]);
	return 0;
}
