// SPDX-License-Identifier: GPL-2.0
/*
 * Transparent huge pages: an 8 MiB region, 2 MiB aligned, madvise(
 * MADV_HUGEPAGE)d and written, then cut into by everything that must
 * split a huge page or may keep it whole: partial munmap, partial and
 * whole mprotect, MADV_DONTNEED, aligned and unaligned mremap, fork with
 * copy on write in both processes.  Every byte is checked after each
 * step.  Whether the kernel (or the monitor) used huge pages is not
 * printed: only the data, which must be the same either way.
 */
#define _GNU_SOURCE	/* mremap */
#include <sys/mman.h>
#include <sys/wait.h>

#include "testlib.h"

#define MB		(1UL << 20)
#define HPAGE		(2 * MB)
#define REGION		(8 * MB)

static uint8_t pattern(size_t off, unsigned int gen)
{
	return (uint8_t)((off >> 6) * 31 + (off >> 12) + gen);
}

/* one byte per 64: cheap enough to check everything */
static void fill(uint8_t *p, size_t start, size_t len, unsigned int gen)
{
	size_t off;

	for (off = start; off < start + len; off += 64)
		p[off - start] = pattern(off, gen);
}

/* mismatches in [start, start + len) of the pattern, read at @p */
static unsigned long check(const uint8_t *p, size_t start, size_t len, unsigned int gen)
{
	unsigned long bad = 0;
	size_t off;

	for (off = start; off < start + len; off += 64)
		bad += p[off - start] != pattern(off, gen);
	return bad;
}

static unsigned long zeros(const uint8_t *p, size_t len)
{
	unsigned long bad = 0;
	size_t i;

	for (i = 0; i < len; i++)
		bad += p[i] != 0;
	return bad;
}

/* @len bytes at a 2 MiB-aligned address, nothing else in the VMA */
static uint8_t *map_aligned(size_t len, int prot)
{
	uint8_t *raw = mmap(NULL, len + HPAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t p;

	if (raw == MAP_FAILED)
		return NULL;
	p = ((uintptr_t)raw + HPAGE - 1) & ~(HPAGE - 1);
	if (p > (uintptr_t)raw)
		munmap(raw, p - (uintptr_t)raw);
	munmap((uint8_t *)p + len, (uintptr_t)raw + len + HPAGE - (p + len));
	return (uint8_t *)p;
}

int main(void)
{
	uint8_t *p = map_aligned(REGION, PROT_READ | PROT_WRITE), *q, *r, *target, *f;
	unsigned long bad;
	pid_t pid;
	int st;

	if (!p) {
		printf("mmap failed: %s\n", strerror(errno));
		return 1;
	}
	printf("madvise(MADV_HUGEPAGE): %d\n", madvise(p, REGION, MADV_HUGEPAGE));
	fill(p, 0, REGION, 0);
	printf("written: %lu bad\n", check(p, 0, REGION, 0));

	/* [0, 2M): one page out of the middle */
	printf("munmap one page: %d\n", munmap(p + 100 * PAGE, PAGE));
	printf("  around it: %lu bad\n",
	       check(p, 0, 100 * PAGE, 0) + check(p + 101 * PAGE, 101 * PAGE, HPAGE - 101 * PAGE, 0));

	/* [2M, 4M): read-only pages inside, then writable again */
	printf("mprotect part: %d\n", mprotect(p + HPAGE + 10 * PAGE, 5 * PAGE, PROT_READ));
	printf("  data: %lu bad\n", check(p + HPAGE, HPAGE, HPAGE, 0));
	printf("mprotect back: %d\n", mprotect(p + HPAGE + 10 * PAGE, 5 * PAGE,
					       PROT_READ | PROT_WRITE));
	fill(p + HPAGE + 12 * PAGE, HPAGE + 12 * PAGE, PAGE, 1);
	printf("  data: %lu bad\n", check(p + HPAGE, HPAGE, 12 * PAGE, 0) +
	       check(p + HPAGE + 12 * PAGE, HPAGE + 12 * PAGE, PAGE, 1) +
	       check(p + HPAGE + 13 * PAGE, HPAGE + 13 * PAGE, HPAGE - 13 * PAGE, 0));

	/* [4M, 6M): the whole 2 MiB read-only and back, then MADV_DONTNEED inside */
	printf("mprotect whole read-only: %d\n", mprotect(p + 2 * HPAGE, HPAGE, PROT_READ));
	printf("  data: %lu bad\n", check(p + 2 * HPAGE, 2 * HPAGE, HPAGE, 0));
	printf("mprotect whole writable: %d\n",
	       mprotect(p + 2 * HPAGE, HPAGE, PROT_READ | PROT_WRITE));
	fill(p + 2 * HPAGE, 2 * HPAGE, 64 * PAGE, 2);
	printf("  data: %lu bad\n", check(p + 2 * HPAGE, 2 * HPAGE, 64 * PAGE, 2) +
	       check(p + 2 * HPAGE + 64 * PAGE, 2 * HPAGE + 64 * PAGE, HPAGE - 64 * PAGE, 0));
	printf("MADV_DONTNEED part: %d\n", madvise(p + 2 * HPAGE + 200 * PAGE, 3 * PAGE,
						  MADV_DONTNEED));
	printf("  zeros: %lu bad, rest: %lu bad\n", zeros(p + 2 * HPAGE + 200 * PAGE, 3 * PAGE),
	       check(p + 2 * HPAGE + 64 * PAGE, 2 * HPAGE + 64 * PAGE, 136 * PAGE, 0) +
	       check(p + 2 * HPAGE + 203 * PAGE, 2 * HPAGE + 203 * PAGE, HPAGE - 203 * PAGE, 0));

	/* [6M, 8M): moved to an aligned place, then to an unaligned one */
	target = map_aligned(2 * HPAGE, PROT_NONE);
	q = mremap(p + 3 * HPAGE, HPAGE, HPAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	printf("mremap aligned: %s\n", q == target ? "ok" : strerror(errno));
	printf("  data: %lu bad\n", check(q, 3 * HPAGE, HPAGE, 0));
	r = mremap(q, HPAGE, HPAGE, MREMAP_MAYMOVE | MREMAP_FIXED, p + 3 * HPAGE + PAGE);
	printf("mremap unaligned: %s\n", r == p + 3 * HPAGE + PAGE ? "ok" : strerror(errno));
	printf("  data: %lu bad\n", check(r, 3 * HPAGE, HPAGE, 0));
	munmap(target, 2 * HPAGE);

	/*
	 * fork: a fresh aligned 2 MiB, shared by both; each one's writes stay
	 * its own (copy on write), the rest stays the same in both
	 */
	f = map_aligned(HPAGE, PROT_READ | PROT_WRITE);
	if (!f || madvise(f, HPAGE, MADV_HUGEPAGE)) {
		printf("fork region: %s\n", strerror(errno));
		return 1;
	}
	fill(f, 0, HPAGE, 3);
	pid = fork();
	if (pid < 0) {
		printf("fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		bad = check(f, 0, HPAGE, 3);
		fill(f + 5 * PAGE, 5 * PAGE, PAGE, 4);
		bad += check(f + 5 * PAGE, 5 * PAGE, PAGE, 4) + check(f, 0, 5 * PAGE, 3) +
		       check(f + 6 * PAGE, 6 * PAGE, HPAGE - 6 * PAGE, 3) +
		       check(p + 2 * HPAGE, 2 * HPAGE, 64 * PAGE, 2);
		_exit(bad ? 1 : 0);
	}
	waitpid(pid, &st, 0);
	printf("child: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "data ok" : "bad data");
	printf("parent after child's writes: %lu bad\n", check(f, 0, HPAGE, 3));
	pid = fork();
	if (pid == 0)
		_exit(check(f, 0, HPAGE, 3) == 0 ? 0 : 1);
	fill(f + 5 * PAGE, 5 * PAGE, PAGE, 5);
	printf("parent writes: %lu bad\n", check(f + 5 * PAGE, 5 * PAGE, PAGE, 5) +
	       check(f, 0, 5 * PAGE, 3) + check(f + 6 * PAGE, 6 * PAGE, HPAGE - 6 * PAGE, 3));
	waitpid(pid, &st, 0);
	printf("second child kept its own copy: %s\n",
	       WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "yes" : "no");
	printf("munmap fork region: %d\n", munmap(f, HPAGE));

	printf("munmap all: %d\n", munmap(p, REGION));
	return 0;
}
