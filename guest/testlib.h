/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the guest test programs.  Their output must not depend on
 * where things were mapped, so that a run under the monitor and a native
 * run print the same: addresses are printed relative to a base.
 */
#ifndef GUEST_TESTLIB_H
#define GUEST_TESTLIB_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE 4096UL

/* the maps lines inside [base, base + len), as offsets in pages */
static inline void show_region(const char *what, void *base, size_t len)
{
	static char buf[65536];
	uintptr_t lo = (uintptr_t)base, hi = lo + len;
	ssize_t n, got = 0;
	char *line, *save;
	int fd = open("/proc/self/maps", O_RDONLY);

	if (fd < 0) {
		printf("%s: cannot open maps: %s\n", what, strerror(errno));
		return;
	}
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	printf("%s:\n", what);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long s, e;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s", &s, &e, perms) != 3)
			continue;
		if (e <= lo || s >= hi)
			continue;
		printf("  pages %3ld..%3ld %s\n", (long)(s - lo) / (long)PAGE,
		       (long)(e - lo) / (long)PAGE, perms);
	}
}

#define CHECK(expr) do {						\
	errno = 0;							\
	long _r = (long)(expr);						\
	printf("%-60s -> %s\n", #expr, _r == -1 ? strerror(errno) : "ok");	\
} while (0)

#endif
