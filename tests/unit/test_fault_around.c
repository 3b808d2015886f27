// SPDX-License-Identifier: GPL-2.0
/*
 * Fault-around: a fault maps its neighbours too, inside the window Linux's
 * do_fault_around() computes (aligned, clamped to the VMA, the page table
 * and the end of file), only into none entries, never with write access
 * for file pages, best effort under memory pressure, counted in
 * zone->stats.pgprefault and fault_result.prefaulted.
 *
 * Page maps below: one character per page, '.' none, 'r' present
 * read-only, 'w' present writable, '0' the zero page, 's' a swap entry.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"

#define BASE	0x10000000UL		/* 2 MiB aligned: page-table index 0 */
#define RW	(PROT_READ | PROT_WRITE)

static char *pte_map(struct env *env, uint64_t base, size_t npages)
{
	static char buf[600];
	size_t i;

	assert_true(npages < sizeof(buf));
	for (i = 0; i < npages; i++) {
		pteval_t pte = mm_walk(env->mm, base + PG(i));

		if (pte_present(pte) && pte_pfn(pte) == env->zone->zero_pfn)
			buf[i] = '0';
		else if (pte_present(pte))
			buf[i] = pte_write(pte) ? 'w' : 'r';
		else if (is_swap_pte(pte))
			buf[i] = 's';
		else
			buf[i] = pte ? '?' : '.';
	}
	buf[npages] = 0;
	return buf;
}

#define expect_ptes(env, base, want) \
	assert_string_equal(pte_map(env, base, strlen(want)), want)

/* a host file of @pages pages plus @tail bytes, page i filled with 0x10 + i */
static struct file *host_file(struct env *env, size_t pages, size_t tail, unsigned int mode,
			      int *fdp)
{
	char path[] = "/tmp/mmu-fa-XXXXXX";
	uint8_t buf[PAGE_SIZE];
	struct file *f;
	size_t i;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	for (i = 0; i <= pages; i++) {
		size_t n = i < pages ? PAGE_SIZE : tail;

		memset(buf, (int)(0x10 + i), sizeof(buf));
		assert_int_equal(write(fd, buf, n), (ssize_t)n);
	}
	f = host_file_open(env->zone, fd, path, mode);
	assert_non_null(f);
	if (fdp)
		*fdp = fd;
	else
		close(fd);
	return f;
}

static unsigned int touch(struct env *env, uint64_t addr, bool write)
{
	struct fault_result res;

	assert_int_equal(guest_touch(env, addr, write, &res), 0);
	return res.prefaulted;
}

/*
 * The window is 16 pages aligned down, clamped to the VMA; the VMAs on
 * either side (other rights) are left alone:
 *
 *   BASE  0   3         13  16
 *         aaa bbbbbbbbbb ccc       b: file pages 0..9 read-only
 *   fault at page 5:  ...rrrrrrrrrr...
 */
static void window_clipped_to_vma(void **state)
{
	struct env *env = *state;
	struct file *f = host_file(env, 32, 0, FMODE_READ, NULL);

	assert_int_equal(map_anon(env->mm, BASE, 3, RW), BASE);
	assert_int_equal(mm_mmap(env->mm, BASE + PG(3), PG(10), PROT_READ, MAP_PRIVATE | MAP_FIXED,
				 f, 0), BASE + PG(3));
	assert_int_equal(mm_mmap(env->mm, BASE + PG(13), PG(3), PROT_READ | PROT_EXEC,
				 MAP_PRIVATE | MAP_FIXED, f, PG(10)), BASE + PG(13));
	env_check(env);
	expect_layout(env->mm, BASE, "aaabbbbbbbbbbccc");
	assert_int_equal(touch(env, BASE + PG(5), false), 9);
	expect_ptes(env, BASE, "...rrrrrrrrrr...");
	assert_int_equal(env->zone->stats.pgprefault, 9);
	assert_int_equal(env->mm->stats.faults[FAULT_FILE], 1);
	assert_int_equal(env->mm->rss[MM_FILEPAGES], 10);
	/* each page is the file's: page 9 of the file at page 12 */
	assert_int_equal(guest_read8(env, BASE + PG(12)), 0x19);
	assert_int_equal(guest_read8(env, BASE + PG(3)), 0x10);
	assert_int_equal(env->mm->stats.faults[FAULT_FILE], 1);
	/* the executable neighbour faults on its own, window clamped to its start */
	assert_int_equal(touch(env, BASE + PG(14), false), 2);
	expect_ptes(env, BASE, "...rrrrrrrrrrrrr");
	fput(f);
}

/*
 * The window never crosses into the next page table:
 *
 *   2 MiB boundary:          |
 *   VMA         [ -4 ...  -1 | 0 ... 11 ]
 *   fault at -2:  rrrr       | ............
 *   fault at +1:  rrrr       | rrrrrrrrrrrr    (window 0..15, VMA ends at 12)
 */
static void window_clipped_to_page_table(void **state)
{
	struct env *env = *state;
	struct file *f = host_file(env, 32, 0, FMODE_READ, NULL);
	uint64_t pmd = BASE + PMD_SIZE, start = pmd - PG(4);

	assert_int_equal(mm_mmap(env->mm, start, PG(16), PROT_READ, MAP_PRIVATE | MAP_FIXED, f, 0),
			 start);
	assert_int_equal(touch(env, pmd - PG(2), false), 3);
	expect_ptes(env, start, "rrrr............");
	env_check(env);
	assert_int_equal(touch(env, pmd + PG(1), false), 11);
	expect_ptes(env, start, "rrrrrrrrrrrrrrrr");
	assert_int_equal(guest_read8(env, pmd + PG(11)), 0x1f);
	assert_int_equal(env->zone->stats.pgprefault, 14);
	assert_int_equal(env->mm->stats.faults[FAULT_FILE], 2);
	fput(f);
}

/*
 * No page wholly past the end of file is ever prefaulted; the partial last
 * page is, with zeroes past the end:
 *
 *   file: 5 pages + 100 bytes      mapping: 16 pages
 *   fault at 0:  rrrrrr..........   page 7 is still SIGBUS
 */
static void eof_clipping(void **state)
{
	struct env *env = *state;
	struct file *f = host_file(env, 5, 100, FMODE_READ, NULL);
	struct fault_result res;

	assert_int_equal(mm_mmap(env->mm, BASE, PG(16), PROT_READ, MAP_SHARED | MAP_FIXED, f, 0),
			 BASE);
	assert_int_equal(touch(env, BASE, false), 5);
	expect_ptes(env, BASE, "rrrrrr..........");
	assert_int_equal(guest_read8(env, BASE + PG(5) + 99), 0x15);
	assert_int_equal(guest_read8(env, BASE + PG(5) + 100), 0);
	assert_int_equal(guest_touch(env, BASE + PG(7), false, &res), -1);
	assert_int_equal(res.signo, SIGBUS);
	assert_int_equal(res.prefaulted, 0);
	expect_ptes(env, BASE, "rrrrrr..........");
	assert_int_equal(env->zone->stats.nr_cache, 6);
	fput(f);
}

/*
 * A private writable file mapping: prefaulted pages are read-only, so a
 * write copies only the page written; an entry that already holds a copy
 * is not replaced when a later fault maps around it.
 *
 *   read page 0:        rrrrrrrrrrrrrrrr
 *   write page 5:       rrrrrwrrrrrrrrrr   (one anonymous copy)
 *   DONTNEED 0, read 0: rrrrrwrrrrrrrrrr   (the copy survives)
 */
static void private_write_copies_one_page(void **state)
{
	struct env *env = *state;
	struct file *f = host_file(env, 16, 0, FMODE_READ, NULL);
	struct page *copy;

	assert_int_equal(mm_mmap(env->mm, BASE, PG(16), RW, MAP_PRIVATE | MAP_FIXED, f, 0), BASE);
	assert_int_equal(touch(env, BASE, false), 15);
	expect_ptes(env, BASE, "rrrrrrrrrrrrrrrr");
	guest_write8(env, BASE + PG(5), 0xee);
	expect_ptes(env, BASE, "rrrrrwrrrrrrrrrr");
	assert_int_equal(env->mm->stats.faults[FAULT_WP_COPY], 1);
	assert_int_equal(env->zone->stats.nr_anon, 1);
	assert_int_equal(env->mm->rss[MM_ANONPAGES], 1);
	assert_int_equal(env->mm->rss[MM_FILEPAGES], 15);
	copy = pfn_to_page(env->zone, pte_pfn(mm_walk(env->mm, BASE + PG(5))));
	assert_true(copy->flags & PG_anon);
	/* the page cache still has the file's byte */
	assert_int_equal(guest_read8(env, BASE + PG(6)), 0x16);
	assert_int_equal(mm_madvise(env->mm, BASE, PG(1), MADV_DONTNEED), 0);
	env_check(env);
	expect_ptes(env, BASE, ".rrrrwrrrrrrrrrr");
	assert_int_equal(touch(env, BASE, false), 0);
	expect_ptes(env, BASE, "rrrrrwrrrrrrrrrr");
	assert_int_equal(guest_read8(env, BASE + PG(5)), 0xee);
	/* a write fault straight into a none entry copies that page only: no fault-around */
	assert_int_equal(mm_madvise(env->mm, BASE + PG(8), PG(8), MADV_DONTNEED), 0);
	assert_int_equal(touch(env, BASE + PG(9), true), 0);
	expect_ptes(env, BASE, "rrrrrwrr.w......");
	fput(f);
}

/*
 * A shared writable file mapping: prefaulted pages are read-only, the
 * first write to one takes the write fault that makes it writable and
 * dirty, and msync writes that page back to the host file.
 */
static void shared_write_after_prefault(void **state)
{
	struct env *env = *state;
	int fd;
	struct file *f = host_file(env, 8, 0, FMODE_READ | FMODE_WRITE, &fd);
	uint8_t byte;

	assert_int_equal(mm_mmap(env->mm, BASE, PG(8), RW, MAP_SHARED | MAP_FIXED, f, 0), BASE);
	assert_int_equal(touch(env, BASE + PG(1), false), 7);
	/* the faulting page gets the VMA's rights; the prefaulted ones not write */
	expect_ptes(env, BASE, "rwrrrrrr");
	guest_write8(env, BASE + PG(3), 0xab);
	expect_ptes(env, BASE, "rwrwrrrr");
	assert_true(pte_dirty(mm_walk(env->mm, BASE + PG(3))));
	assert_int_equal(env->mm->stats.faults[FAULT_SHARED_WRITE], 1);
	assert_int_equal(mm_msync(env->mm, BASE, PG(8), MS_SYNC), 0);
	env_check(env);
	assert_int_equal(pread(fd, &byte, 1, (off_t)PG(3)), 1);
	assert_int_equal(byte, 0xab);
	assert_int_equal(pread(fd, &byte, 1, (off_t)PG(4)), 1);
	assert_int_equal(byte, 0x14);
	close(fd);
	fput(f);
}

/* shared memory: only the pages present are mapped, none is created */
static void shmem_maps_present_pages_only(void **state)
{
	struct env *env = *state;
	struct file *f = shmem_file_setup(env->zone, "/memfd:fa (deleted)", PG(8));

	assert_int_equal(kernel_write(f, PG(2), "x", 1), 1);
	assert_int_equal(kernel_write(f, PG(6), "y", 1), 1);
	assert_int_equal(mm_mmap(env->mm, BASE, PG(8), PROT_READ, MAP_SHARED | MAP_FIXED, f, 0),
			 BASE);
	assert_int_equal(touch(env, BASE + PG(4), false), 2);
	expect_ptes(env, BASE, "..r.r.r.");
	assert_int_equal(env->zone->stats.nr_cache, 3);
	assert_int_equal(env->mm->rss[MM_SHMEMPAGES], 3);
	assert_int_equal(guest_read8(env, BASE + PG(6)), 'y');
	fput(f);
}

/*
 * Anonymous fault-around (off unless asked): a write maps zeroed private
 * pages, every one in the VMA's anon_vma, writable and dirty.
 *
 *   32-page VMA, write at 19:  ................wwwwwwwwwwwwwwww
 */
static void anon_write_window(void **state)
{
	struct env *env = *state;
	struct vm_area_struct *vma;
	struct page *junk[64];
	uint64_t i;

	/* frames full of junk go back to the free list first: prefaults must zero them */
	for (i = 0; i < 64; i++) {
		junk[i] = alloc_page_nozero(env->zone);
		memset(pfn_to_virt(env->zone, page_to_pfn(env->zone, junk[i])), 0x5a, PAGE_SIZE);
	}
	for (i = 0; i < 64; i++)
		put_page(env->zone, junk[i]);
	env->zone->fault_around_anon_bytes = 64 << 10;
	assert_int_equal(map_anon(env->mm, BASE, 32, RW), BASE);
	assert_int_equal(touch(env, BASE + PG(19), true), 15);
	expect_ptes(env, BASE, "................wwwwwwwwwwwwwwww");
	vma = vma_lookup(env->mm, BASE);
	for (i = 16; i < 32; i++) {
		pteval_t pte = mm_walk(env->mm, BASE + PG(i));
		struct page *page = pfn_to_page(env->zone, pte_pfn(pte));
		uint8_t *p = pfn_to_virt(env->zone, pte_pfn(pte));

		assert_true(pte_dirty(pte));
		assert_true(page->flags & PG_anon);
		assert_ptr_equal(page->anon_vma, vma->anon_vma);
		assert_int_equal(p[0], 0);
		assert_int_equal(p[PAGE_SIZE - 1], 0);
	}
	assert_int_equal(env->mm->rss[MM_ANONPAGES], 16);
	assert_int_equal(env->zone->stats.pgprefault, 15);
	assert_int_equal(env->mm->stats.faults[FAULT_ANON], 1);
	guest_write8(env, BASE + PG(31), 1);
	assert_int_equal(env->mm->stats.faults[FAULT_ANON], 1);
}

/*
 * An anonymous read maps the zero page around.  Entries already present
 * (a written page) are kept.  A later write to a zero page is a COW fault
 * (do_wp_page), and its window's other zero pages get fresh zeroed frames
 * too: frames full of junk on the free list must come back zeroed.
 *
 *   write 2:        ..w.............
 *   read 9:         00w0000000000000
 *   write 4:        wwwwwwwwwwwwwwww   (14 new zeroed frames around)
 */
static void anon_read_window_zero_page(void **state)
{
	struct env *env = *state;
	struct vm_area_struct *vma;
	struct page *junk[32];
	uint64_t i;

	assert_int_equal(map_anon(env->mm, BASE, 16, RW), BASE);
	guest_write8(env, BASE + PG(2), 7);
	env->zone->fault_around_anon_bytes = 64 << 10;
	expect_ptes(env, BASE, "..w.............");
	assert_int_equal(touch(env, BASE + PG(9), false), 14);
	expect_ptes(env, BASE, "00w0000000000000");
	assert_int_equal(env->mm->rss[MM_ANONPAGES], 1);
	for (i = 0; i < 32; i++) {
		junk[i] = alloc_page_nozero(env->zone);
		memset(pfn_to_virt(env->zone, page_to_pfn(env->zone, junk[i])), 0x5a, PAGE_SIZE);
	}
	for (i = 0; i < 32; i++)
		put_page(env->zone, junk[i]);
	assert_int_equal(touch(env, BASE + PG(4), true), 14);
	expect_ptes(env, BASE, "wwwwwwwwwwwwwwww");
	assert_int_equal(env->mm->stats.faults[FAULT_WP_COPY], 1);
	assert_int_equal(env->mm->rss[MM_ANONPAGES], 16);
	assert_int_equal(env->zone->stats.nr_anon, 16);
	vma = vma_lookup(env->mm, BASE);
	for (i = 0; i < 16; i++) {
		pteval_t pte = mm_walk(env->mm, BASE + PG(i));
		struct page *page = pfn_to_page(env->zone, pte_pfn(pte));
		uint8_t *p = pfn_to_virt(env->zone, pte_pfn(pte));

		assert_true(pte_dirty(pte));
		assert_true(page->flags & PG_anon);
		assert_ptr_equal(page->anon_vma, vma->anon_vma);
		assert_int_equal(page->mapcount, 1);
		assert_int_equal(p[0], i == 2 ? 7 : 0);
		assert_int_equal(p[PAGE_SIZE - 1], 0);
	}
	assert_int_equal(env->zone->stats.pgprefault, 28);
	/* every page is writable now: no more faults */
	guest_write8(env, BASE + PG(15), 1);
	assert_int_equal(env->mm->stats.faults[FAULT_WP_COPY], 1);
	assert_int_equal(env->mm->stats.faults[FAULT_ANON], 1);
}

/*
 * MADV_RANDOM: no readahead (as Linux), but what the cache holds is mapped.
 *
 *   page 7 cached by read(2), fault at 0:  r......r........
 */
static void madv_random_maps_cached_only(void **state)
{
	struct env *env = *state;
	struct file *f = host_file(env, 16, 0, FMODE_READ, NULL);
	char c;

	assert_int_equal(mm_mmap(env->mm, BASE, PG(16), PROT_READ, MAP_PRIVATE | MAP_FIXED, f, 0),
			 BASE);
	assert_int_equal(mm_madvise(env->mm, BASE, PG(16), MADV_RANDOM), 0);
	assert_int_equal(kernel_read(f, PG(7), &c, 1), 1);
	assert_int_equal(touch(env, BASE, false), 1);
	expect_ptes(env, BASE, "r......r........");
	assert_int_equal(env->zone->stats.nr_cache, 2);
	fput(f);
}

/* knob 0 (or one page): exactly the faulting page, file and anonymous */
static void knob_zero_maps_one_page(void **state)
{
	struct env *env = *state;
	struct file *f = host_file(env, 16, 0, FMODE_READ, NULL);

	env->zone->fault_around_bytes = 0;
	assert_int_equal(mm_mmap(env->mm, BASE, PG(16), PROT_READ, MAP_PRIVATE | MAP_FIXED, f, 0),
			 BASE);
	assert_int_equal(touch(env, BASE + PG(3), false), 0);
	expect_ptes(env, BASE, "...r............");
	env->zone->fault_around_bytes = PAGE_SIZE;
	assert_int_equal(touch(env, BASE + PG(4), false), 0);
	expect_ptes(env, BASE, "...rr...........");
	assert_int_equal(env->zone->stats.nr_cache, 2);
	/* anonymous: off by default */
	assert_int_equal(env->zone->fault_around_anon_bytes, 0);
	assert_int_equal(map_anon(env->mm, BASE + PG(16), 16, RW), BASE + PG(16));
	assert_int_equal(touch(env, BASE + PG(20), true), 0);
	assert_int_equal(touch(env, BASE + PG(24), false), 0);
	expect_ptes(env, BASE + PG(16), "....w...0.......");
	assert_int_equal(env->zone->stats.pgprefault, 0);
	fput(f);
}

/*
 * Memory short: the faulting page is served, the prefault takes only the
 * frames above the reserve (32 here) and stops; no reclaim, no OOM.  The
 * injection points stay quiet for prefaults.
 *
 *   36 free, fault at 5:   rrr..r..........   (3 frames above the reserve)
 *   fault at 9:            rrr..r...r......   (none: only what is cached)
 */
static void memory_pressure_stops_prefault(void **state)
{
	struct env *env = env_new(PG(512));
	struct file *f = host_file(env, 16, 0, FMODE_READ, NULL);
	uint64_t reserve = 32, i = 0, count;

	(void)state;
	assert_int_equal(mm_mmap(env->mm, BASE, PG(16), PROT_READ, MAP_PRIVATE | MAP_FIXED, f, 0),
			 BASE);
	assert_int_equal(mm_mmap(env->mm, BASE + PG(16), PG(480), RW,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, NULL, 0),
			 BASE + PG(16));
	/* the anonymous write in the same page table first: its table exists */
	guest_write8(env, BASE + PG(16), 1);
	while (zone_nr_free(env->zone) > reserve + 1 + 3)
		guest_write8(env, BASE + PG(17 + i++), 1);
	assert_int_equal(inject_configure(env->zone, INJECT_FRAME_ALLOC, "probability=0"), 0);
	count = env->zone->inject[INJECT_FRAME_ALLOC].count;
	assert_int_equal(touch(env, BASE + PG(5), false), 3);
	expect_ptes(env, BASE, "rrr..r..........");
	assert_int_equal(zone_nr_free(env->zone), reserve);
	/* one frame through the injection point: the faulting page's */
	assert_int_equal(env->zone->inject[INJECT_FRAME_ALLOC].count, count + 1);
	assert_int_equal(env->zone->stats.pgscan, 0);
	assert_int_equal(env->zone->stats.alloc_failures, 0);
	/* a fault at the reserve still gets its page; nothing is prefaulted */
	assert_int_equal(touch(env, BASE + PG(9), false), 0);
	expect_ptes(env, BASE, "rrr..r...r......");
	/* anonymous: the same */
	env->zone->fault_around_anon_bytes = 64 << 10;
	assert_true(17 + i < 494);
	expect_ptes(env, BASE + PG(494), "..");
	assert_int_equal(touch(env, BASE + PG(495), true), 0);
	expect_ptes(env, BASE + PG(494), ".w");
	assert_int_equal(env->zone->stats.pgscan, 0);
	assert_int_equal(env->zone->stats.pgprefault, 3);
	fput(f);
	env_free(env);
}

/* swap entries in the window stay swap entries */
static void swap_entries_skipped(void **state)
{
	struct env *env = env_new(PG(256));
	char path[] = "/tmp/mmu-fa-swap-XXXXXX";
	int fd = mkstemp(path);
	uint64_t i;

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(swap_on(env->zone, fd, PG(512)), 0);
	close(fd);
	assert_int_equal(map_anon(env->mm, BASE, 16, RW), BASE);
	for (i = 0; i < 16; i += 2)
		guest_write8(env, BASE + PG(i), (uint8_t)(i + 1));
	assert_true(shrink_zone(env->zone, 256) > 0);
	env_check(env);
	expect_ptes(env, BASE, "s.s.s.s.s.s.s.s.");
	env->zone->fault_around_anon_bytes = 64 << 10;
	assert_int_equal(touch(env, BASE + PG(1), true), 7);
	expect_ptes(env, BASE, "swswswswswswswsw");
	for (i = 0; i < 16; i += 2)
		assert_int_equal(guest_read8(env, BASE + PG(i)), (uint8_t)(i + 1));
	env_free(env);
}

/* ---- copy-on-write fault-around: a parent and a forked child ---- */

/*
 * Both address spaces share the zone, so the checker runs over the two
 * together (map counts are global), and each one's commit log is checked
 * against what its guest saw: every present entry re-written must be in it.
 */
static void check_pair(struct env *p, struct env *c)
{
	struct mm_struct *mms[2] = { p->mm, c->mm };
	char err[256];

	if (validate_mms(mms, 2, err, sizeof(err)))
		fail_msg("validate_mms: %s", err);
	if (env_check_log(p, err, sizeof(err)))
		fail_msg("parent commit log: %s", err);
	if (env_check_log(c, err, sizeof(err)))
		fail_msg("child commit log: %s", err);
	commit_log_apply(p->mm);
	commit_log_apply(c->mm);
}

static struct env *fork_env(struct env *p)
{
	struct env *c = calloc(1, sizeof(*c));
	int err;

	assert_non_null(c);
	c->mem = p->mem;
	c->size = p->size;
	c->zone = p->zone;
	c->mm = dup_mm(p->mm, &err);
	assert_non_null(c->mm);
	assert_int_equal(err, 0);
	check_pair(p, c);
	return c;
}

static void free_child(struct env *p, struct env *c)
{
	mm_destroy(c->mm);
	free(c->snap);
	free(c);
	env_check(p);
}

/* @who's access at @addr, through faults as the CPU would; the pages prefaulted */
static unsigned int pair_touch(struct env *p, struct env *c, struct env *who, uint64_t addr,
			       bool write, enum fault_kind kind)
{
	struct fault_result res;

	assert_int_equal(mm_fault(who->mm, addr, (write ? FAULT_FLAG_WRITE : 0) | FAULT_FLAG_USER,
				  &res), 0);
	check_pair(p, c);
	assert_string_equal(fault_kind_name(res.kind), fault_kind_name(kind));
	return res.prefaulted;
}

/* the byte at @addr in @who's frame (the entry must be present) */
static uint8_t *pair_byte(struct env *who, uint64_t addr)
{
	pteval_t pte = mm_walk(who->mm, addr);

	assert_true(pte_present(pte));
	return (uint8_t *)pfn_to_virt(who->zone, pte_pfn(pte)) + (addr & ~PAGE_MASK);
}

static uint64_t pfn_at(struct env *who, uint64_t addr)
{
	return pte_pfn(mm_walk(who->mm, addr));
}

/* @npages anonymous pages at BASE, page i holding i + 1, each written by its own fault */
static void map_written(struct env *env, uint64_t addr, uint64_t npages)
{
	uint64_t knob = env->zone->fault_around_anon_bytes, i;

	env->zone->fault_around_anon_bytes = 0;
	assert_int_equal(map_anon(env->mm, addr, npages, RW), addr);
	for (i = 0; i < npages; i++)
		guest_write8(env, addr + PG(i), (uint8_t)(i + 1));
	env->zone->fault_around_anon_bytes = knob;
}

/*
 * After fork every page is write-protected on both sides.  The child's
 * write copies its whole window; the parent keeps its frames and data.
 * Then the parent's write reuses in place the pages the child no longer
 * maps, without a single new frame.
 *
 *   before:          parent wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww
 *   fork:            parent rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr  child: the same
 *   child writes 19: parent rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr
 *                    child  rrrrrrrrrrrrrrrrwwwwwwwwwwwwwwww  (16 copies)
 *   parent writes 20:parent rrrrrrrrrrrrrrrrwwwwwwwwwwwwwwww  (16 reused)
 */
static void wp_fork_child_copies_window(void **state)
{
	struct env *env = *state, *child;
	uint64_t parent_pfn[32], i, allocs;

	map_written(env, BASE, 32);
	for (i = 0; i < 32; i++)
		parent_pfn[i] = pfn_at(env, BASE + PG(i));
	child = fork_env(env);
	env->zone->fault_around_anon_bytes = 64 << 10;
	expect_ptes(env, BASE, "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr");
	expect_ptes(child, BASE, "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr");
	assert_int_equal(pair_touch(env, child, child, BASE + PG(19), true, FAULT_WP_COPY), 15);
	*pair_byte(child, BASE + PG(19)) = 0xc0;
	expect_ptes(env, BASE, "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr");
	expect_ptes(child, BASE, "rrrrrrrrrrrrrrrrwwwwwwwwwwwwwwww");
	for (i = 0; i < 32; i++) {
		struct page *page = pfn_to_page(env->zone, parent_pfn[i]);
		struct page *copy = pfn_to_page(env->zone, pfn_at(child, BASE + PG(i)));

		assert_int_equal(pfn_at(env, BASE + PG(i)), parent_pfn[i]);
		assert_int_equal(*pair_byte(env, BASE + PG(i)), i + 1);
		assert_int_equal(*pair_byte(child, BASE + PG(i)), i == 19 ? 0xc0 : i + 1);
		assert_int_equal(page->mapcount, i < 16 ? 2 : 1);
		if (i < 16)
			continue;
		assert_true(copy != page);
		assert_int_equal(copy->mapcount, 1);
		assert_ptr_equal(copy->anon_vma, vma_lookup(child->mm, BASE)->anon_vma);
		assert_true(pte_dirty(mm_walk(child->mm, BASE + PG(i))));
	}
	assert_int_equal(env->mm->rss[MM_ANONPAGES], 32);
	assert_int_equal(child->mm->rss[MM_ANONPAGES], 32);
	assert_int_equal(env->zone->stats.nr_anon, 48);
	assert_int_equal(child->mm->stats.faults[FAULT_WP_COPY], 1);
	assert_int_equal(env->zone->stats.pgprefault, 15);
	/* the copies are writable: the next child writes take no fault */
	assert_int_equal(pair_touch(env, child, child, BASE + PG(31), true, FAULT_SPURIOUS), 0);
	/* the parent is now the only mapper of 16..31: reused, no frame allocated */
	allocs = env->zone->stats.allocs;
	assert_int_equal(pair_touch(env, child, env, BASE + PG(20), true, FAULT_WP_REUSE), 15);
	expect_ptes(env, BASE, "rrrrrrrrrrrrrrrrwwwwwwwwwwwwwwww");
	assert_int_equal(env->zone->stats.allocs, allocs);
	for (i = 16; i < 32; i++) {
		assert_int_equal(pfn_at(env, BASE + PG(i)), parent_pfn[i]);
		assert_true(pte_dirty(mm_walk(env->mm, BASE + PG(i))));
		assert_int_equal(*pair_byte(env, BASE + PG(i)), i + 1);
	}
	assert_int_equal(env->zone->stats.nr_anon, 48);
	assert_int_equal(env->zone->stats.pgprefault, 30);
	free_child(env, child);
	expect_ptes(env, BASE, "rrrrrrrrrrrrrrrrwwwwwwwwwwwwwwww");
	assert_int_equal(env->zone->stats.nr_anon, 32);
}

/*
 * A window half shared, half exclusive: the child unmapped pages 0..7, so
 * the parent's write at 2 reuses 0..7 in place and copies 8..15.
 *
 *   child after munmap:  ........rrrrrrrr
 *   parent writes 2:     wwwwwwwwwwwwwwww   0..7 same frames, 8..15 new
 */
static void wp_reuse_exclusive_copy_shared(void **state)
{
	struct env *env = *state, *child;
	uint64_t pfn[16], i;

	map_written(env, BASE, 16);
	for (i = 0; i < 16; i++)
		pfn[i] = pfn_at(env, BASE + PG(i));
	child = fork_env(env);
	assert_int_equal(mm_munmap(child->mm, BASE, PG(8)), 0);
	check_pair(env, child);
	expect_ptes(child, BASE, "........rrrrrrrr");
	env->zone->fault_around_anon_bytes = 64 << 10;
	assert_int_equal(pair_touch(env, child, env, BASE + PG(2), true, FAULT_WP_REUSE), 15);
	expect_ptes(env, BASE, "wwwwwwwwwwwwwwww");
	expect_ptes(child, BASE, "........rrrrrrrr");
	for (i = 0; i < 16; i++) {
		assert_true((pfn_at(env, BASE + PG(i)) == pfn[i]) == (i < 8));
		assert_int_equal(pfn_at(child, BASE + PG(i)), i < 8 ? 0 : pfn[i]);
		assert_int_equal(*pair_byte(env, BASE + PG(i)), i + 1);
		assert_int_equal(pfn_to_page(env->zone, pfn[i])->mapcount, 1);
	}
	assert_int_equal(env->zone->stats.nr_anon, 24);
	assert_int_equal(env->mm->rss[MM_ANONPAGES], 16);
	assert_int_equal(child->mm->rss[MM_ANONPAGES], 8);
	free_child(env, child);
}

/*
 * A private writable file mapping: page-cache neighbours stay read-only
 * file pages (a write to one copies that page only), anonymous copies
 * shared since fork are copied with the window.
 *
 *   read 0, write 2 and 9:  rrwrrrrrrwrrrrrr   (2, 9 anonymous copies)
 *   fork, child writes 5:   rrwrrwrrrwrrrrrr   (5 copied from the file,
 *                                               2 and 9 from the parent)
 */
static void wp_file_private_neighbours_untouched(void **state)
{
	struct env *env = *state, *child;
	struct file *f = host_file(env, 16, 0, FMODE_READ, NULL);
	uint64_t i;

	assert_int_equal(mm_mmap(env->mm, BASE, PG(16), RW, MAP_PRIVATE | MAP_FIXED, f, 0), BASE);
	assert_int_equal(touch(env, BASE, false), 15);
	env->zone->fault_around_anon_bytes = 64 << 10;
	guest_write8(env, BASE + PG(2), 0xa2);
	guest_write8(env, BASE + PG(9), 0xa9);
	expect_ptes(env, BASE, "rrwrrrrrrwrrrrrr");
	assert_int_equal(env->zone->stats.pgprefault, 15);
	child = fork_env(env);
	expect_ptes(child, BASE, "rrrrrrrrrrrrrrrr");
	assert_int_equal(pair_touch(env, child, child, BASE + PG(5), true, FAULT_WP_COPY), 2);
	expect_ptes(child, BASE, "rrwrrwrrrwrrrrrr");
	expect_ptes(env, BASE, "rrrrrrrrrrrrrrrr");
	for (i = 0; i < 16; i++) {
		struct page *page = pfn_to_page(env->zone, pfn_at(child, BASE + PG(i)));
		uint8_t want = i == 2 ? 0xa2 : i == 9 ? 0xa9 : (uint8_t)(0x10 + i);

		assert_true(!(page->flags & PG_anon) == (i != 2 && i != 5 && i != 9));
		assert_int_equal(*pair_byte(child, BASE + PG(i)), want);
		assert_int_equal(*pair_byte(env, BASE + PG(i)), want);
	}
	assert_int_equal(child->mm->rss[MM_FILEPAGES], 13);
	assert_int_equal(child->mm->rss[MM_ANONPAGES], 3);
	assert_int_equal(env->mm->rss[MM_FILEPAGES], 14);
	assert_int_equal(env->zone->stats.nr_anon, 5);
	/* the parent, sole mapper of 2 and 9 again: its write to file page 6 copies it, reuses them */
	assert_int_equal(pair_touch(env, child, env, BASE + PG(6), true, FAULT_WP_COPY), 2);
	expect_ptes(env, BASE, "rrwrrrwrrwrrrrrr");
	assert_int_equal(env->zone->stats.nr_anon, 6);
	assert_int_equal(env->zone->stats.pgprefault, 19);
	free_child(env, child);
	fput(f);
}

/*
 * The window never leaves the faulting VMA nor its page table.  Around b:
 * a PROT_NONE VMA (its entries kept as PROT_NONE) and an executable one,
 * both holding pages shared with the child.
 *
 *   BASE  0   3         13  16
 *         aaa bbbbbbbbbb ccc       a: ---p  b: rw-p  c: rwxp
 *   child writes 5:  ...wwwwwwwwww...
 *
 *   2 MiB boundary:          |
 *   VMA d       [ -4 ...  -1 | 0 ... 11 ]
 *   child writes -2: wwww    | rrrrrrrrrrrr
 */
static void wp_window_clipped(void **state)
{
	struct env *env = *state, *child;
	uint64_t pmd = BASE + PMD_SIZE, i;

	map_written(env, BASE, 16);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(3), PROT_NONE), 0);
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(13), PG(3), RW | PROT_EXEC), 0);
	map_written(env, pmd - PG(4), 16);
	env_check(env);
	expect_layout(env->mm, BASE, "aaabbbbbbbbbbccc");
	child = fork_env(env);
	env->zone->fault_around_anon_bytes = 64 << 10;
	assert_int_equal(pair_touch(env, child, child, BASE + PG(5), true, FAULT_WP_COPY), 9);
	expect_ptes(child, BASE + PG(3), "wwwwwwwwww");
	expect_ptes(child, BASE + PG(13), "rrr");
	for (i = 0; i < 3; i++) {
		pteval_t pte = mm_walk(child->mm, BASE + PG(i));

		assert_true(pte_mapped(pte) && !pte_present(pte));
		assert_int_equal(pfn_at(child, BASE + PG(i)), pfn_at(env, BASE + PG(i)));
		assert_int_equal(pfn_to_page(env->zone, pte_pfn(pte))->mapcount, 2);
	}
	assert_int_equal(pair_touch(env, child, child, pmd - PG(2), true, FAULT_WP_COPY), 3);
	expect_ptes(child, pmd - PG(4), "wwwwrrrrrrrrrrrr");
	assert_int_equal(env->zone->stats.pgprefault, 12);
	free_child(env, child);
}

/* knob 0: a COW fault resolves exactly its own page, copy or reuse */
static void wp_knob_zero_one_page(void **state)
{
	struct env *env = *state, *child;

	map_written(env, BASE, 16);
	child = fork_env(env);
	assert_int_equal(env->zone->fault_around_anon_bytes, 0);
	assert_int_equal(pair_touch(env, child, child, BASE + PG(5), true, FAULT_WP_COPY), 0);
	expect_ptes(child, BASE, "rrrrrwrrrrrrrrrr");
	assert_int_equal(pair_touch(env, child, env, BASE + PG(5), true, FAULT_WP_REUSE), 0);
	expect_ptes(env, BASE, "rrrrrwrrrrrrrrrr");
	/* one page (4 KiB) is no window either */
	env->zone->fault_around_anon_bytes = PAGE_SIZE;
	assert_int_equal(pair_touch(env, child, child, BASE + PG(6), true, FAULT_WP_COPY), 0);
	expect_ptes(child, BASE, "rrrrrwwrrrrrrrrr");
	assert_int_equal(env->zone->stats.nr_anon, 18);
	assert_int_equal(env->zone->stats.pgprefault, 0);
	free_child(env, child);
}

/*
 * Memory short: the faulting page gets its copy (through the allocator
 * and its injection point), the window only the frames above the reserve
 * (32 here), in address order, and then stops: no reclaim, no OOM.
 *
 *   36 free, child writes 5:  wwwrrwrrrrrrrrrr   (3 frames above the reserve)
 */
static void wp_memory_pressure_stops(void **state)
{
	struct env *env = env_new(PG(512)), *child;
	uint64_t reserve = 32, filler = BASE + PMD_SIZE, i = 0, count;

	(void)state;
	map_written(env, BASE, 16);
	child = fork_env(env);
	assert_int_equal(mm_mmap(env->mm, filler, PG(480), RW,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, NULL, 0),
			 filler);
	check_pair(env, child);
	while (zone_nr_free(env->zone) > reserve + 1 + 3) {
		assert_true(i < 480);
		pair_touch(env, child, env, filler + PG(i++), true, FAULT_ANON);
	}
	assert_int_equal(inject_configure(env->zone, INJECT_FRAME_ALLOC, "probability=0"), 0);
	count = env->zone->inject[INJECT_FRAME_ALLOC].count;
	env->zone->fault_around_anon_bytes = 64 << 10;
	assert_int_equal(pair_touch(env, child, child, BASE + PG(5), true, FAULT_WP_COPY), 3);
	expect_ptes(child, BASE, "wwwrrwrrrrrrrrrr");
	assert_int_equal(zone_nr_free(env->zone), reserve);
	assert_int_equal(env->zone->inject[INJECT_FRAME_ALLOC].count, count + 1);
	assert_int_equal(env->zone->stats.pgscan, 0);
	assert_int_equal(env->zone->stats.alloc_failures, 0);
	for (i = 0; i < 16; i++)
		assert_int_equal(*pair_byte(child, BASE + PG(i)), i + 1);
	/* at the reserve: the faulting page still gets its frame, nothing around it */
	assert_int_equal(pair_touch(env, child, child, BASE + PG(9), true, FAULT_WP_COPY), 0);
	expect_ptes(child, BASE, "wwwrrwrrrwrrrrrr");
	assert_int_equal(env->zone->stats.pgscan, 0);
	assert_int_equal(env->zone->stats.pgprefault, 3);
	free_child(env, child);
	env_free(env);
}

/*
 * Swap entries in the window stay swap entries; the pages read back in
 * (exclusive again) are reused.
 *
 *   swapped out:        ssssssss
 *   read 1, 3, 5:       srsrsrss
 *   write 1:            swswswss
 */
static void wp_swap_entries_skipped(void **state)
{
	struct env *env = env_new(PG(256));
	char path[] = "/tmp/mmu-fa-swap-XXXXXX";
	int fd = mkstemp(path);
	uint64_t i;

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(swap_on(env->zone, fd, PG(512)), 0);
	close(fd);
	map_written(env, BASE, 8);
	assert_true(shrink_zone(env->zone, 256) > 0);
	env_check(env);
	expect_ptes(env, BASE, "ssssssss");
	for (i = 1; i < 6; i += 2)
		assert_int_equal(guest_read8(env, BASE + PG(i)), i + 1);
	expect_ptes(env, BASE, "srsrsrss");
	env->zone->fault_around_anon_bytes = 64 << 10;
	assert_int_equal(touch(env, BASE + PG(1), true), 2);
	expect_ptes(env, BASE, "swswswss");
	assert_int_equal(env->mm->stats.faults[FAULT_WP_REUSE], 1);
	for (i = 0; i < 8; i++)
		assert_int_equal(guest_read8(env, BASE + PG(i)), i + 1);
	env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(window_clipped_to_vma, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(window_clipped_to_page_table, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(eof_clipping, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(private_write_copies_one_page, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(shared_write_after_prefault, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(shmem_maps_present_pages_only, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(anon_write_window, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(anon_read_window_zero_page, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(madv_random_maps_cached_only, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(knob_zero_maps_one_page, env_setup, env_teardown),
		cmocka_unit_test(memory_pressure_stops_prefault),
		cmocka_unit_test(swap_entries_skipped),
		cmocka_unit_test_setup_teardown(wp_fork_child_copies_window, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(wp_reuse_exclusive_copy_shared, env_setup,
						env_teardown),
		cmocka_unit_test_setup_teardown(wp_file_private_neighbours_untouched, env_setup,
						env_teardown),
		cmocka_unit_test_setup_teardown(wp_window_clipped, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(wp_knob_zero_one_page, env_setup, env_teardown),
		cmocka_unit_test(wp_memory_pressure_stops),
		cmocka_unit_test(wp_swap_entries_skipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
