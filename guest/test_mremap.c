// SPDX-License-Identifier: GPL-2.0
/*
 * mremap in every mode, at 4 KiB, 2 MiB and 1 GiB relative alignment, with
 * the data checked after each move.  Runs natively and under the monitor;
 * layouts are printed relative to an arena so both runs print the same.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "testlib.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define MB		(1UL << 20)
#define GB		(1UL << 30)
#define ARENA_SIZE	(4 * GB)
#define RW		(PROT_READ | PROT_WRITE)
#define FIXED_ANON	(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)

static char *arena;

static char *at(unsigned long off)
{
	return arena + off;
}

static void fill(char *p, unsigned long pages, int seed)
{
	for (unsigned long i = 0; i < pages; i++)
		p[i * PAGE] = (char)(seed + i);
}

static void check(const char *what, char *p, unsigned long pages, int seed)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < pages; i++)
		bad += p[i * PAGE] != (char)(seed + i);
	printf("%-44s data %s\n", what, bad ? "WRONG" : "ok");
}

static void show_errno(const char *what, void *r)
{
	printf("%-44s -> %s\n", what, r == MAP_FAILED ? strerror(errno) : "ok");
}

/* the arena: 1 GiB aligned, reserved PROT_NONE, carved with MAP_FIXED */
static int make_arena(void)
{
	char *p = mmap(NULL, ARENA_SIZE + GB, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	arena = (char *)(((unsigned long)p + GB - 1) & ~(GB - 1));
	munmap(arena, ARENA_SIZE);
	return 0;
}

static void shrink_and_grow(void)
{
	char *a = mmap(at(0), 8 * PAGE, RW, FIXED_ANON, -1, 0);

	fill(a, 8, 1);
	mremap(a, 8 * PAGE, 4 * PAGE, 0);
	show_region("shrink 8 -> 4", arena, 16 * PAGE);
	mremap(a, 4 * PAGE, 6 * PAGE, 0);
	show_region("grow in place 4 -> 6", arena, 16 * PAGE);
	check("after shrink and grow", a, 4, 1);
	printf("grown pages read %d\n", a[5 * PAGE]);
	/* grow into a neighbour that continues it: one VMA */
	mmap(at(8 * PAGE), 2 * PAGE, RW, FIXED_ANON, -1, 0);
	mremap(a, 6 * PAGE, 8 * PAGE, 0);
	show_region("grow up to the next VMA", arena, 16 * PAGE);
	errno = 0;
	show_errno("grow without room, no MAYMOVE", mremap(a, 10 * PAGE, 12 * PAGE, 0));
	mmap(at(10 * PAGE), PAGE, PROT_READ, FIXED_ANON, -1, 0);
	show_errno("grow into a mapping, no MAYMOVE", mremap(a, 10 * PAGE, 12 * PAGE, 0));
	munmap(arena, 16 * PAGE);
}

static void maymove(void)
{
	char *a = mmap(at(0), 4 * PAGE, RW, FIXED_ANON, -1, 0), *b;

	mmap(at(4 * PAGE), PAGE, PROT_READ, FIXED_ANON, -1, 0);
	fill(a, 4, 7);
	b = mremap(a, 4 * PAGE, 64 * PAGE, MREMAP_MAYMOVE);
	printf("MAYMOVE grow moved: %s\n", b != a && b != MAP_FAILED ? "yes" : "no");
	check("MAYMOVE", b, 4, 7);
	show_region("source after MAYMOVE", arena, 8 * PAGE);
	munmap(b, 64 * PAGE);
	munmap(arena, 8 * PAGE);
}

static void fixed_modes(void)
{
	char *a = mmap(at(0), 8 * PAGE, RW, FIXED_ANON, -1, 0), *r;

	mmap(at(32 * PAGE), 16 * PAGE, PROT_READ, FIXED_ANON, -1, 0);
	fill(a, 8, 40);
	r = mremap(a, 8 * PAGE, 8 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, at(36 * PAGE));
	printf("FIXED over a mapping at +36: %s\n", r == at(36 * PAGE) ? "there" : "elsewhere");
	check("FIXED", r, 8, 40);
	show_region("after FIXED", arena, 64 * PAGE);
	r = mremap(at(36 * PAGE), 8 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, at(0));
	check("FIXED and shrink", r, 4, 40);
	show_region("after FIXED shrink", arena, 64 * PAGE);
	errno = 0;
	show_errno("FIXED overlapping itself", mremap(at(0), 4 * PAGE, 4 * PAGE,
						     MREMAP_MAYMOVE | MREMAP_FIXED, at(2 * PAGE)));
	show_errno("FIXED without MAYMOVE", mremap(at(0), 4 * PAGE, 4 * PAGE, MREMAP_FIXED,
						   at(100 * PAGE)));
	show_errno("FIXED unaligned target", mremap(at(0), 4 * PAGE, 4 * PAGE,
						    MREMAP_MAYMOVE | MREMAP_FIXED, at(100 * PAGE + 1)));
	r = mremap(at(0), 4 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	check("DONTUNMAP destination", r, 4, 40);
	printf("DONTUNMAP source reads %d %d\n", *at(0), *at(3 * PAGE));
	show_region("after DONTUNMAP", arena, 64 * PAGE);
	show_errno("DONTUNMAP with resize", mremap(at(0), 4 * PAGE, 8 * PAGE,
						   MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL));
	munmap(r, 4 * PAGE);
	munmap(arena, 64 * PAGE);
}

static void errors(void)
{
	mmap(at(0), 4 * PAGE, RW, FIXED_ANON, -1, 0);
	errno = 0;
	show_errno("bad flags", mremap(at(0), PAGE, PAGE, 0x80));
	show_errno("unaligned address", mremap(at(0) + 1, PAGE, PAGE, 0));
	show_errno("new length 0", mremap(at(0), PAGE, 0, 0));
	show_errno("unmapped address", mremap(at(8 * PAGE), PAGE, 2 * PAGE, 0));
	show_errno("grow across the end of the VMA", mremap(at(0), 5 * PAGE, 6 * PAGE,
							    MREMAP_MAYMOVE));
	show_errno("old length 0 of private memory", mremap(at(0), 0, PAGE, MREMAP_MAYMOVE));
	show_errno("shrink across the end", mremap(at(2 * PAGE), 6 * PAGE, PAGE, 0));
	show_region("after the errors", arena, 8 * PAGE);
	munmap(arena, 8 * PAGE);
}

static void shared_duplicate(void)
{
	char *s = mmap(NULL, 2 * PAGE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0), *d;

	s[0] = 'S';
	d = mremap(s, 0, 2 * PAGE, MREMAP_MAYMOVE);
	printf("old_len 0 of shared memory: %s, reads %c\n", d != MAP_FAILED ? "ok" : "failed",
	       d != MAP_FAILED ? d[0] : '?');
	d[PAGE] = 'D';
	printf("the original sees the duplicate's write: %c\n", s[PAGE]);
	munmap(d, 2 * PAGE);
	munmap(s, 2 * PAGE);
}

/* big moves: the page tables go, the data stays put */
static void aligned_moves(void)
{
	unsigned long sizes[] = { 4 * MB, GB };
	unsigned long shifts[] = { PAGE, 2 * MB, GB };

	for (int i = 0; i < 2; i++) {
		for (int j = 0; j < 3; j++) {
			unsigned long len = sizes[i], dst = 2 * GB + shifts[j];
			char *a, *r, name[64];

			if (len == GB && shifts[j] == GB)
				dst = 2 * GB;
			a = mmap(at(0), len, RW, FIXED_ANON | MAP_NORESERVE, -1, 0);
			for (unsigned long off = 0; off < len; off += len / 8)
				a[off] = (char)(off >> 20) + 1;
			r = mremap(a, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, at(dst));
			snprintf(name, sizeof(name), "move %lu MiB to +%lu KiB", len >> 20,
				 (dst - 2 * GB) >> 10);
			unsigned long bad = r == MAP_FAILED;

			for (unsigned long off = 0; !bad && off < len; off += len / 8)
				bad += r[off] != (char)((off >> 20) + 1);
			printf("%-44s data %s\n", name, bad ? "WRONG" : "ok");
			munmap(r, len);
		}
	}
}

/* a private file mapping (our own executable) with one COW page, moved */
static void file_backed(const char *self)
{
	int fd = open(self, O_RDONLY);
	char *p, *r;

	if (fd < 0) {
		printf("cannot open %s\n", self);
		return;
	}
	p = mmap(at(0), 4 * PAGE, RW, MAP_PRIVATE | MAP_FIXED, fd, 0);
	p[PAGE] = 'X';	/* one private copy among file pages */
	r = mremap(p, 4 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, at(64 * PAGE));
	printf("file mapping moved: %02x %c %c %c %c\n", (unsigned char)r[0], r[1], r[2], r[3],
	       r[PAGE]);
	r = mremap(r, 4 * PAGE, 2 * PAGE, 0);
	show_region("file mapping after move and shrink", arena, 128 * PAGE);
	munmap(r, 2 * PAGE);
	close(fd);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (make_arena()) {
		printf("no arena\n");
		return 1;
	}
	shrink_and_grow();
	maymove();
	fixed_modes();
	errors();
	shared_duplicate();
	aligned_moves();
	file_backed(argv[0]);
	return 0;
}
