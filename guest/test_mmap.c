// SPDX-License-Identifier: GPL-2.0
/* Anonymous mappings: zero fill, MAP_FIXED, MAP_FIXED_NOREPLACE, mprotect
 * splits, munmap across VMAs, mincore, madvise(MADV_DONTNEED). */
#include <sys/mman.h>

#include "testlib.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

int main(void)
{
	size_t len = 32 * PAGE, i;
	unsigned char vec[32];
	char *p, *q;
	int zero = 1;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	for (i = 0; i < len; i++)
		zero &= !p[i];
	printf("fresh anonymous memory reads zero: %s\n", zero ? "yes" : "no");
	for (i = 0; i < 32; i++)
		p[i * PAGE] = (char)(i + 1);
	show_region("after mmap of 32 pages", p, len);

	q = mmap(p + 8 * PAGE, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	printf("MAP_FIXED_NOREPLACE over a mapping: %s\n", q == MAP_FAILED ? strerror(errno) : "mapped");
	q = mmap(p + 8 * PAGE, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("MAP_FIXED over a mapping: %s, page 8 now reads %d\n",
	       q == p + 8 * PAGE ? "same address" : "moved", q[0]);
	show_region("after MAP_FIXED of pages 8..9 read-only", p, len);

	CHECK(mprotect(p + 2 * PAGE, 3 * PAGE, PROT_READ));
	CHECK(mprotect(p + 20 * PAGE, PAGE, PROT_NONE));
	show_region("after mprotect splits", p, len);
	CHECK(mprotect(p + 2 * PAGE, 3 * PAGE, PROT_READ | PROT_WRITE));
	show_region("after mprotect back (merged again)", p, len);
	printf("page 3 still holds %d\n", p[3 * PAGE]);

	CHECK(mincore(p, len, vec));
	printf("mincore:");
	for (i = 0; i < 32; i++)
		printf("%d", vec[i] & 1);
	printf("\n");

	CHECK(madvise(p + 16 * PAGE, 2 * PAGE, MADV_DONTNEED));
	printf("after MADV_DONTNEED page 16 reads %d, page 18 reads %d\n", p[16 * PAGE], p[18 * PAGE]);

	CHECK(munmap(p + 6 * PAGE, 16 * PAGE));
	show_region("after munmap of pages 6..21 across VMAs", p, len);
	CHECK(mincore(p + 6 * PAGE, PAGE, vec));
	q = mmap(p + 6 * PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	printf("MAP_FIXED_NOREPLACE into the hole: %s, reads %d\n",
	       q == p + 6 * PAGE ? "ok" : strerror(errno), q == MAP_FAILED ? -1 : q[0]);

	q = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	q[0] = 42;
	printf("shared anonymous: %d\n", q[0]);
	CHECK(munmap(p, len));
	CHECK(munmap(q, 4 * PAGE));
	show_region("after unmapping everything", p, len);
	return 0;
}
