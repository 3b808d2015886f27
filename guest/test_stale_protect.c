// SPDX-License-Identifier: GPL-2.0
/* A page written, then made read-only: writing again must fault. */
#include <sys/mman.h>

#include "testlib.h"

int main(void)
{
	volatile char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	p[0] = 1;
	mprotect((void *)p, PAGE, PROT_READ);
	printf("read-only now, still reads %d; writing (must die of SIGSEGV)\n", p[0]);
	fflush(stdout);
	p[0] = 2;
	return 0;
}
