// SPDX-License-Identifier: GPL-2.0
/*
 * Regression tests for the shadow-paging platform facts: the host changes
 * present page-table entries and frees page-table pages, and the guest must
 * see the new state, never a stale translation.
 */
#include <sys/mman.h>

#include "testlib.h"

#define REGION (64UL << 20)	/* spans many page tables */

int main(void)
{
	char *p, *q, *r;
	size_t i;
	int bad = 0;

	/* a present, writable page replaced by a fresh one at the same address */
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	q = mmap(p, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("present page replaced by MAP_FIXED reads %d (want 0)\n", q[0]);
	q[0] = 2;
	printf("and the new page keeps writes: %d\n", q[0]);

	/* read-only zero page, then written: the entry goes from zero page to a frame */
	r = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < 8; i++)
		bad |= r[i * PAGE];
	for (i = 0; i < 8; i++)
		r[i * PAGE] = (char)(i + 10);
	for (i = 0; i < 8; i++)
		bad |= r[i * PAGE] != (char)(i + 10);
	printf("zero page then written, 8 pages: %s\n", bad ? "STALE" : "fresh");

	/* madvise(DONTNEED) clears present entries: must read zero again */
	CHECK(madvise(r, 8 * PAGE, MADV_DONTNEED));
	for (i = 0; i < 8; i++)
		bad |= r[i * PAGE];
	printf("after MADV_DONTNEED: %s\n", bad ? "STALE" : "fresh");

	/* page-table pages freed with a big unmap, reused by the next mapping */
	p = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < REGION; i += 512 * PAGE)
		p[i] = 0x55;
	CHECK(munmap(p, REGION));
	q = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < REGION; i += 512 * PAGE)
		bad |= q[i] != 0;
	for (i = 0; i < REGION; i += 512 * PAGE)
		q[i + PAGE] = 0x66;
	for (i = 0; i < REGION; i += 512 * PAGE)
		bad |= q[i + PAGE] != 0x66 || q[i] != 0;
	printf("page tables freed and reused: %s\n", bad ? "STALE" : "fresh");

	/* many present entries changed at once: a full flush */
	CHECK(mprotect(q, REGION, PROT_READ));
	CHECK(mprotect(q, REGION, PROT_READ | PROT_WRITE));
	for (i = 0; i < REGION; i += 512 * PAGE)
		q[i + PAGE] = 0x77;
	for (i = 0; i < REGION; i += 512 * PAGE)
		bad |= q[i + PAGE] != 0x77;
	printf("protection dropped and restored on %lu pages: %s\n", REGION / (512 * PAGE),
	       bad ? "STALE" : "fresh");
	return bad;
}
