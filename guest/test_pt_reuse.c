// SPDX-License-Identifier: GPL-2.0
/*
 * Regression test for the platform note's fact 5: a page-table frame that
 * is unlinked and then linked again must be read fresh.  On shadow-paging
 * KVM the shadow of a guest page table outlives its unlinking; unless the
 * guest itself cleared the entries, the frame comes back as a table with
 * the old translations, and writes land in frames that were freed.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "testlib.h"

#define BASE	((char *)0x10000000)
#define PAGES	64

int main(void)
{
	unsigned long wrong = 0;

	for (int round = 0; round < 20; round++) {
		char *p = mmap(BASE, PAGES * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

		/* odd rounds touch fewer pages: stale entries would show in the rest */
		for (int i = 0; i < (round & 1 ? PAGES / 4 : PAGES); i++)
			p[i * PAGE] = (char)(round + i);
		for (int i = 0; i < PAGES; i++) {
			char expect = i < (round & 1 ? PAGES / 4 : PAGES) ? (char)(round + i) : 0;

			wrong += p[i * PAGE] != expect;
		}
		/*
		 * The table goes away with the mapping; the next round's first
		 * touch takes the same frame back as a table for the same range.
		 */
		munmap(p, PAGES * PAGE);
	}
	printf("pages read wrong after table reuse: %lu\n", wrong);
	return 0;
}
