// SPDX-License-Identifier: GPL-2.0
/* Resource limits reach the MMU: RLIMIT_DATA caps brk and private writable
 * mappings, RLIMIT_AS caps everything. */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "testlib.h"

int main(void)
{
	struct rlimit rl, old;
	char *b0 = (char *)syscall(SYS_brk, 0), *b;
	void *m;

	CHECK(getrlimit(RLIMIT_DATA, &old));
	rl.rlim_cur = 1 << 20;
	rl.rlim_max = old.rlim_max;
	CHECK(setrlimit(RLIMIT_DATA, &rl));
	CHECK(getrlimit(RLIMIT_DATA, &rl));
	printf("RLIMIT_DATA now %lu\n", (unsigned long)rl.rlim_cur);
	b = (char *)syscall(SYS_brk, b0 + (2 << 20));
	printf("brk +2 MiB under a 1 MiB limit: %s\n", b == b0 ? "refused" : "moved");
	b = (char *)syscall(SYS_brk, b0 + (64 << 10));
	printf("brk +64 KiB: %s\n", b == b0 + (64 << 10) ? "moved" : "refused");
	m = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("private writable 2 MiB: %s\n", m == MAP_FAILED ? strerror(errno) : "mapped");
	m = mmap(NULL, 2 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("read-only 2 MiB: %s\n", m == MAP_FAILED ? strerror(errno) : "mapped");
	CHECK(setrlimit(RLIMIT_DATA, &old));

	rl.rlim_cur = 64 << 20;
	rl.rlim_max = RLIM_INFINITY;
	CHECK(setrlimit(RLIMIT_AS, &rl));
	m = mmap(NULL, 128 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("128 MiB under a 64 MiB RLIMIT_AS: %s\n", m == MAP_FAILED ? strerror(errno) : "mapped");
	rl.rlim_cur = 2;
	rl.rlim_max = 1;
	CHECK(setrlimit(RLIMIT_AS, &rl));
	CHECK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl));
	CHECK(syscall(SYS_prlimit64, 0, 99, NULL, &rl));
	return 0;
}
