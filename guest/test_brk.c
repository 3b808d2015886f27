// SPDX-License-Identifier: GPL-2.0
/* The program break: growth, shrink, zero after re-growth, and limits. */
#include <sys/syscall.h>

#include "testlib.h"

static char *brk_(void *to)
{
	return (char *)syscall(SYS_brk, to);
}

int main(void)
{
	char *b0 = brk_(0), *b;
	long i;
	int zero = 1;

	b = brk_(b0 + 100 * 1000);
	printf("grow by 100000: moved by %ld\n", (long)(b - b0));
	for (i = 0; i < 100 * 1000; i++)
		b0[i] = 1;
	show_region("heap after growth", b0, 128 * PAGE);
	b = brk_(b0 + 10 * PAGE);
	printf("shrink to 10 pages: moved by %ld\n", (long)(b - b0));
	show_region("heap after shrink", b0, 128 * PAGE);
	b = brk_(b0 + 30 * PAGE);
	for (i = 10 * PAGE; i < 30 * (long)PAGE; i++)
		zero &= !b0[i];
	printf("regrown to 30 pages: moved by %ld, new part zero: %s, old part kept: %s\n",
	       (long)(b - b0), zero ? "yes" : "no", b0[5] == 1 ? "yes" : "no");
	b = brk_(b0 - 1000 * PAGE);
	printf("below the start: %s\n", b == b0 + 30 * PAGE ? "refused (break unchanged)" : "moved");
	b = brk_((void *)0x7fffffffffffUL);
	printf("huge: %s\n", b == b0 + 30 * PAGE ? "refused (break unchanged)" : "moved");
	b = brk_(b0);
	printf("back to the start: moved by %ld\n", (long)(b - b0));
	show_region("heap at the end", b0, 128 * PAGE);
	return 0;
}
