// SPDX-License-Identifier: GPL-2.0
/* A page read, then unmapped: touching it again must fault (SIGSEGV),
 * not hit a stale translation. */
#include <sys/mman.h>

#include "testlib.h"

int main(void)
{
	volatile char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	p[0] = 1;
	printf("read %d, unmapping\n", p[0]);
	fflush(stdout);
	munmap((void *)p, PAGE);
	printf("touching it again (must die of SIGSEGV)\n");
	fflush(stdout);
	return p[0];
}
