// SPDX-License-Identifier: GPL-2.0
/*
 * A commit log larger than the monitor's commit buffer: 20480 present
 * entries change protection at once and go to the guest in chunks.
 * Afterwards every page must read what was written, and writes to the
 * read-only range must be refused (tested last: it kills the program).
 */
#include <sys/mman.h>

#include "testlib.h"

#define PAGES 20480UL

int main(void)
{
	volatile char *p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;
	int bad = 0;

	for (i = 0; i < PAGES; i++)
		p[i * PAGE] = (char)i;
	CHECK(mprotect((void *)p, PAGES * PAGE, PROT_READ));
	for (i = 0; i < PAGES; i++)
		bad |= p[i * PAGE] != (char)i;
	CHECK(mprotect((void *)p, PAGES * PAGE, PROT_READ | PROT_WRITE));
	for (i = 0; i < PAGES; i++)
		p[i * PAGE] = (char)(i + 1);
	for (i = 0; i < PAGES; i++)
		bad |= p[i * PAGE] != (char)(i + 1);
	printf("%lu pages re-protected twice: %s\n", PAGES, bad ? "STALE" : "fresh");
	CHECK(mprotect((void *)p, PAGES * PAGE, PROT_READ));
	printf("writing to the last read-only page (must die of SIGSEGV)\n");
	fflush(stdout);
	p[(PAGES - 1) * PAGE] = 0;
	return 0;
}
