// SPDX-License-Identifier: GPL-2.0
/*
 * Transparent huge pages and pre-zeroed frames: which faults map a PMD
 * (per zone->thp_mode, VM_HUGEPAGE, VM_NOHUGEPAGE, alignment), every
 * operation that must split one (partial munmap, mprotect, MADV_DONTNEED,
 * unaligned mremap, COW after fork, reclaim), the ones that keep it whole
 * (aligned mremap, whole mprotect, fork), and the frame allocator's
 * pre-zeroing API.  The checker runs after every step; data is checked
 * byte by byte across every split.
 *
 * Layouts below are drawn one character per 2 MiB ("H" a huge PMD, "p"
 * PTEs, "." nothing mapped) unless they say otherwise.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"

#ifndef MADV_HUGEPAGE
#define MADV_HUGEPAGE	14
#define MADV_NOHUGEPAGE	15
#endif

#define BASE	0x10000000UL	/* 2 MiB aligned */
#define RW	(PROT_READ | PROT_WRITE)
#define HPAGES(n)	((uint64_t)(n) * HPAGE_PMD_NR)	/* in 4 KiB pages */

static bool is_huge(struct mm_struct *mm, uint64_t addr)
{
	pteval_t *pmdp = pmd_walk(mm, addr, false);

	return pmdp && pmd_trans_huge(*pmdp);
}

/* one byte per page, at an offset that follows its value wherever it moves */
static uint64_t pat_at(uint64_t addr, uint64_t i, uint8_t seed)
{
	return addr + PG(i) + (uint8_t)(seed + i) * 13 % PAGE_SIZE;
}

#define pat_addr(addr, i)	pat_at(addr, i, 0)

static void fill(struct env *env, uint64_t addr, uint64_t pages, uint8_t seed)
{
	uint64_t i;

	for (i = 0; i < pages; i++)
		guest_write8(env, pat_at(addr, i, seed), (uint8_t)(seed + i));
}

static void expect_data(struct env *env, uint64_t addr, uint64_t pages, uint8_t seed)
{
	uint64_t i;

	for (i = 0; i < pages; i++)
		if (guest_read8(env, pat_at(addr, i, seed)) != (uint8_t)(seed + i))
			fail_msg("page %lu at %#lx: %#x, expected %#x", (unsigned long)i,
				 (unsigned long)addr, guest_read8(env, pat_at(addr, i, seed)),
				 (uint8_t)(seed + i));
}

/* an anonymous RW mapping with MADV_HUGEPAGE */
static void map_huge(struct env *env, uint64_t addr, uint64_t pages)
{
	assert_int_equal(map_anon(env->mm, addr, pages, RW), addr);
	assert_int_equal(mm_madvise(env->mm, addr, PG(pages), MADV_HUGEPAGE), 0);
	env_check(env);
}

static bool text_has(char *text, const char *needle)
{
	bool found = text && strstr(text, needle);

	free(text);
	return found;
}

/*
 *   [BASE, +4M) madvised:  write at 0     -> H.
 *                          read at 2M     -> Hp  (zero page, no huge zero page)
 */
static void fault_maps_pmd(void **state)
{
	struct env *env = *state;
	struct zone_stats *st = &env->zone->stats;

	map_huge(env, BASE, HPAGES(2));
	guest_write8(env, BASE + 5, 0x5a);
	assert_true(is_huge(env->mm, BASE));
	assert_int_equal(st->thp_fault_alloc, 1);
	assert_int_equal(st->nr_anon_thp, 1);
	assert_int_equal(env->mm->rss[MM_ANONPAGES], HPAGE_PMD_NR);
	/* every subpage is there, zeroed, writable without a fault */
	assert_int_equal(guest_read8(env, BASE + PMD_SIZE - 1), 0);
	assert_true(pte_write(mm_walk(env->mm, BASE + PG(300))));
	assert_int_equal(guest_read8(env, BASE + 5), 0x5a);
	assert_int_equal(guest_read8(env, BASE + PMD_SIZE), 0);
	assert_false(is_huge(env->mm, BASE + PMD_SIZE));
	assert_int_equal(pte_pfn(mm_walk(env->mm, BASE + PMD_SIZE)), env->zone->zero_pfn);
	assert_true(text_has(mm_show_smaps(env->mm), "AnonHugePages:      2048 kB"));
	assert_true(text_has(zone_show_meminfo(env->zone), "AnonHugePages:      2048 kB"));
	fill(env, BASE, HPAGE_PMD_NR, 3);
	expect_data(env, BASE, HPAGE_PMD_NR, 3);
	assert_int_equal(st->thp_split_pmd, 0);
}

/* never, VM_NOHUGEPAGE and madvise without VM_HUGEPAGE map PTEs; always maps a PMD */
static void mode_decides(void **state)
{
	struct env *env = *state;

	env->zone->thp_mode = THP_NEVER;
	map_huge(env, BASE, HPAGES(1));
	guest_write8(env, BASE, 1);
	assert_false(is_huge(env->mm, BASE));

	env->zone->thp_mode = THP_MADVISE;
	assert_int_equal(map_anon(env->mm, BASE + PMD_SIZE, HPAGES(1), RW), BASE + PMD_SIZE);
	guest_write8(env, BASE + PMD_SIZE, 1);
	assert_false(is_huge(env->mm, BASE + PMD_SIZE));

	env->zone->thp_mode = THP_ALWAYS;
	assert_int_equal(map_anon(env->mm, BASE + 2 * PMD_SIZE, HPAGES(1), RW), BASE + 2 * PMD_SIZE);
	guest_write8(env, BASE + 2 * PMD_SIZE, 1);
	assert_true(is_huge(env->mm, BASE + 2 * PMD_SIZE));

	assert_int_equal(map_anon(env->mm, BASE + 3 * PMD_SIZE, HPAGES(1), RW), BASE + 3 * PMD_SIZE);
	assert_int_equal(mm_madvise(env->mm, BASE + 3 * PMD_SIZE, PMD_SIZE, MADV_NOHUGEPAGE), 0);
	guest_write8(env, BASE + 3 * PMD_SIZE, 1);
	assert_false(is_huge(env->mm, BASE + 3 * PMD_SIZE));
	env_check(env);
	assert_true(text_has(mm_show_smaps(env->mm), "THPeligible:           1"));
	assert_int_equal(env->zone->stats.thp_fault_alloc, 1);
}

/*
 *   VMA [BASE+4K, BASE+4M+4K): only [BASE+2M, BASE+4M) is a whole aligned 2 MiB
 *       pH
 *   VMA of 1 MiB: p
 */
static void unaligned_falls_back(void **state)
{
	struct env *env = *state;
	uint64_t a = BASE + PG(1), b = BASE + 8 * PMD_SIZE;

	map_huge(env, a, HPAGES(2));
	guest_write8(env, a, 7);
	assert_false(is_huge(env->mm, a));
	guest_write8(env, BASE + PMD_SIZE + PG(1), 8);
	assert_true(is_huge(env->mm, BASE + PMD_SIZE));
	guest_write8(env, BASE + 2 * PMD_SIZE, 9);	/* the last page: in the 3rd 2 MiB */
	assert_false(is_huge(env->mm, BASE + 2 * PMD_SIZE));
	map_huge(env, b, HPAGES(1) / 2);
	guest_write8(env, b, 1);
	assert_false(is_huge(env->mm, b));
	assert_int_equal(guest_read8(env, a), 7);
	assert_int_equal(guest_read8(env, BASE + PMD_SIZE + PG(1)), 8);
	assert_int_equal(env->zone->stats.thp_fault_alloc, 1);
}

/*
 *   H      munmap page 100 of it      a VMA split at 100 and 101:
 *   aaaa..(512 pages)                 a{100} . b{411}, all PTEs
 */
static void partial_munmap_splits(void **state)
{
	struct env *env = *state;

	map_huge(env, BASE, HPAGES(1));
	fill(env, BASE, HPAGE_PMD_NR, 1);
	assert_true(is_huge(env->mm, BASE));
	assert_int_equal(mm_munmap(env->mm, BASE + PG(100), PG(1)), 0);
	env_check(env);
	assert_false(is_huge(env->mm, BASE));
	assert_int_equal(env->zone->stats.thp_split_pmd, 1);
	assert_int_equal(env->zone->stats.nr_anon_thp, 0);
	assert_int_equal(env->mm->rss[MM_ANONPAGES], HPAGE_PMD_NR - 1);
	assert_int_equal(mm_walk(env->mm, BASE + PG(100)), 0);
	expect_data(env, BASE, 100, 1);
	expect_data(env, BASE + PG(101), HPAGE_PMD_NR - 101, 1 + 101);
	/* the rest of the split page can go piecemeal, and whole */
	assert_int_equal(mm_munmap(env->mm, BASE, PMD_SIZE), 0);
	env_check(env);
	assert_int_equal(env->zone->stats.nr_anon, 0);
}

/*
 *   HH   mprotect(first 10 pages, R)  -> pH  writes there SEGV, data kept
 *        mprotect(second 2M, R) whole -> pH  read-only PMD, no split
 *        mprotect(second 2M, RW)      -> pH  write reuses the PMD in place
 */
static void mprotect_partial_and_whole(void **state)
{
	struct env *env = *state;
	struct fault_result res;

	map_huge(env, BASE, HPAGES(2));
	fill(env, BASE, HPAGES(2), 9);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(10), PROT_READ), 0);
	env_check(env);
	assert_false(is_huge(env->mm, BASE));
	assert_true(is_huge(env->mm, BASE + PMD_SIZE));
	assert_int_equal(env->zone->stats.thp_split_pmd, 1);
	assert_int_equal(guest_touch(env, BASE + PG(5), true, &res), -1);
	assert_int_equal(res.kind, FAULT_SEGV_ACCERR);
	guest_write8(env, pat_addr(BASE, 20), 0xaa);
	assert_int_equal(mm_mprotect(env->mm, BASE + PMD_SIZE, PMD_SIZE, PROT_READ), 0);
	env_check(env);
	assert_true(is_huge(env->mm, BASE + PMD_SIZE));
	assert_false(pte_write(mm_walk(env->mm, BASE + PMD_SIZE)));
	assert_int_equal(mm_mprotect(env->mm, BASE + PMD_SIZE, PMD_SIZE, PROT_NONE), 0);
	env_check(env);
	assert_true(is_huge(env->mm, BASE + PMD_SIZE));
	assert_int_equal(mm_mprotect(env->mm, BASE + PMD_SIZE, PMD_SIZE, RW), 0);
	env_check(env);
	guest_write8(env, pat_addr(BASE + PMD_SIZE, 7), 0xbb);
	assert_true(is_huge(env->mm, BASE + PMD_SIZE));
	assert_int_equal(env->zone->stats.thp_split_pmd, 1);
	expect_data(env, BASE, 20, 9);
	assert_int_equal(guest_read8(env, pat_addr(BASE, 20)), 0xaa);
	expect_data(env, BASE + PG(21), HPAGE_PMD_NR - 21, 9 + 21);
	expect_data(env, BASE + PMD_SIZE, 7, (uint8_t)(9 + HPAGE_PMD_NR));
	assert_int_equal(guest_read8(env, pat_addr(BASE + PMD_SIZE, 7)), 0xbb);
	/* a partial mlock splits as well */
	assert_int_equal(mm_mlock(env->mm, BASE + PMD_SIZE + PG(1), PG(1), 0), 0);
	env_check(env);
	assert_false(is_huge(env->mm, BASE + PMD_SIZE));
	expect_data(env, BASE + PMD_SIZE + PG(8), HPAGE_PMD_NR - 8, (uint8_t)(9 + HPAGE_PMD_NR + 8));
}

/*
 *   HH  DONTNEED pages 10..11 of the first -> pH (zeros there, rest kept)
 *       DONTNEED the second 2M whole       -> p.  (zapped, no split)
 */
static void dontneed_splits_or_zaps(void **state)
{
	struct env *env = *state;

	map_huge(env, BASE, HPAGES(2));
	fill(env, BASE, HPAGES(2), 4);
	assert_int_equal(mm_madvise(env->mm, BASE + PG(10), PG(2), MADV_DONTNEED), 0);
	env_check(env);
	assert_false(is_huge(env->mm, BASE));
	assert_int_equal(guest_read8(env, pat_addr(BASE, 10)), 0);
	assert_int_equal(guest_read8(env, pat_addr(BASE, 11)), 0);
	expect_data(env, BASE, 10, 4);
	expect_data(env, BASE + PG(12), HPAGE_PMD_NR - 12, 4 + 12);
	assert_int_equal(mm_madvise(env->mm, BASE + PMD_SIZE, PMD_SIZE, MADV_DONTNEED), 0);
	env_check(env);
	assert_int_equal(env->zone->stats.thp_split_pmd, 1);
	assert_int_equal(env->zone->stats.nr_anon_thp, 0);
	assert_int_equal(mm_walk(env->mm, BASE + PMD_SIZE + 3), 0);
	/* MADV_FREE splits too: lazyfree is a per-page state */
	fill(env, BASE + PMD_SIZE, HPAGE_PMD_NR, 6);
	assert_true(is_huge(env->mm, BASE + PMD_SIZE));
	assert_int_equal(mm_madvise(env->mm, BASE + PMD_SIZE, PG(3), MADV_FREE), 0);
	env_check(env);
	assert_false(is_huge(env->mm, BASE + PMD_SIZE));
	expect_data(env, BASE + PMD_SIZE, HPAGE_PMD_NR, 6);
}

/*
 *   HH at BASE  -> mremap to BASE+64M (aligned):   PMDs move whole, no split
 *               -> mremap to BASE+128M+4K:         split, 1024 PTEs move
 */
static void mremap_moves_or_splits(void **state)
{
	struct env *env = *state;
	uint64_t dst1 = BASE + 32 * PMD_SIZE, dst2 = BASE + 64 * PMD_SIZE + PG(1);
	long r;

	map_huge(env, BASE, HPAGES(2));
	fill(env, BASE, HPAGES(2), 2);
	r = mm_mremap(env->mm, BASE, 2 * PMD_SIZE, 2 * PMD_SIZE,
		      MREMAP_MAYMOVE | MREMAP_FIXED, dst1);
	assert_int_equal(r, dst1);
	env_check(env);
	assert_true(is_huge(env->mm, dst1));
	assert_true(is_huge(env->mm, dst1 + PMD_SIZE));
	assert_int_equal(env->mm->stats.pt_moves[1], 2);
	assert_int_equal(env->zone->stats.thp_split_pmd, 0);
	expect_data(env, dst1, HPAGES(2), 2);
	r = mm_mremap(env->mm, dst1, 2 * PMD_SIZE, 2 * PMD_SIZE,
		      MREMAP_MAYMOVE | MREMAP_FIXED, dst2);
	assert_int_equal(r, dst2);
	env_check(env);
	assert_int_equal(env->zone->stats.thp_split_pmd, 2);
	assert_int_equal(env->zone->stats.nr_anon_thp, 0);
	expect_data(env, dst2, HPAGES(2), 2);
	/* shrinking into the middle of a huge PMD splits it */
	map_huge(env, BASE, HPAGES(1));
	fill(env, BASE, HPAGE_PMD_NR, 8);
	assert_int_equal(mm_mremap(env->mm, BASE, PMD_SIZE, PG(3), 0, 0), BASE);
	env_check(env);
	expect_data(env, BASE, 3, 8);
	assert_int_equal(env->zone->stats.thp_split_pmd, 3);
}

/* ---- fork: several address spaces on one zone ---- */

static void check_mms(struct mm_struct **mms, int n)
{
	char err[256];
	int i;

	if (validate_mms(mms, n, err, sizeof(err)))
		fail_msg("validate_mms: %s", err);
	for (i = 0; i < n; i++)
		commit_log_apply(mms[i]);
}

static uint8_t *mm_byte(struct mm_struct **mms, int n, int who, uint64_t addr, bool write)
{
	struct mm_struct *mm = mms[who];
	pteval_t pte = mm_walk(mm, addr);

	if (!pte_present(pte) || (write && !pte_write(pte))) {
		assert_int_equal(mm_fault(mm, addr, (write ? FAULT_FLAG_WRITE : 0) | FAULT_FLAG_USER,
					  NULL), 0);
		check_mms(mms, n);
	}
	return (uint8_t *)pfn_to_virt(mm->zone, pte_pfn(mm_walk(mm, addr))) + (addr & ~PAGE_MASK);
}

/*
 *   parent H (RW)  fork ->  parent H (RO)  child H (RO), one compound page
 *   child writes page 3  -> both split (the page is split everywhere);
 *                           child's page 3 is its own copy
 */
static void fork_shares_cow_splits(void **state)
{
	struct env *env = *state;
	struct mm_struct *mms[2] = { env->mm };
	uint64_t i, pfn;
	int err;

	map_huge(env, BASE, HPAGES(1));
	fill(env, BASE, HPAGE_PMD_NR, 5);
	pfn = pte_pfn(mm_walk(env->mm, BASE));
	mms[1] = dup_mm(env->mm, &err);
	assert_non_null(mms[1]);
	check_mms(mms, 2);
	assert_true(is_huge(mms[0], BASE) && is_huge(mms[1], BASE));
	assert_int_equal(pte_pfn(mm_walk(mms[1], BASE)), pfn);
	assert_false(pte_write(mm_walk(mms[0], BASE)));
	assert_false(pte_write(mm_walk(mms[1], BASE)));
	assert_int_equal(pfn_to_page(env->zone, pfn)->mapcount, 2);
	assert_int_equal(mms[1]->rss[MM_ANONPAGES], HPAGE_PMD_NR);
	*mm_byte(mms, 2, 1, pat_at(BASE, 3, 5), true) = 0xcc;
	assert_int_equal(env->zone->stats.thp_split_pmd, 2);
	assert_false(is_huge(mms[0], BASE) || is_huge(mms[1], BASE));
	for (i = 0; i < HPAGE_PMD_NR; i++) {
		uint8_t want = (uint8_t)(5 + i);

		assert_int_equal(*mm_byte(mms, 2, 0, pat_at(BASE, i, 5), false), want);
		assert_int_equal(*mm_byte(mms, 2, 1, pat_at(BASE, i, 5), false), i == 3 ? 0xcc : want);
	}
	/* the parent writes: its page 3 is now its own, page 4 still shared */
	*mm_byte(mms, 2, 0, pat_at(BASE, 3, 5), true) = 0xdd;
	*mm_byte(mms, 2, 0, pat_at(BASE, 4, 5), true) = 0xde;
	assert_int_equal(*mm_byte(mms, 2, 1, pat_at(BASE, 3, 5), false), 0xcc);
	assert_int_equal(*mm_byte(mms, 2, 1, pat_at(BASE, 4, 5), false), 5 + 4);
	check_mms(mms, 2);
	mm_destroy(mms[1]);
	check_mms(mms, 1);
	env_snapshot(env);
	/* sole owner again: a write reuses instead of copying */
	expect_data(env, BASE + PG(5), HPAGE_PMD_NR - 5, 5 + 5);
}

/* a child that exits leaves the parent's read-only PMD reusable in place */
static void fork_exit_reuses_pmd(void **state)
{
	struct env *env = *state;
	struct mm_struct *child;
	struct fault_result res;
	int err;

	map_huge(env, BASE, HPAGES(1));
	fill(env, BASE, 4, 1);
	child = dup_mm(env->mm, &err);
	assert_non_null(child);
	commit_log_apply(child);
	mm_destroy(child);
	env_check(env);
	assert_int_equal(guest_touch(env, BASE + 1, true, &res), 0);
	assert_int_equal(res.kind, FAULT_WP_REUSE);
	assert_true(is_huge(env->mm, BASE));
	expect_data(env, BASE, 4, 1);
}

/* ---- reclaim ---- */

#define SMALL_ZONE	(4UL << 20)

static struct env *swap_env(void)
{
	struct env *env = env_new(SMALL_ZONE);
	char path[] = "/tmp/mmu-thp-swap-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(swap_on(env->zone, fd, 8 * SMALL_ZONE), 0);
	close(fd);
	return env;
}

/*
 * 8 MiB on a 4 MiB zone: the first 2 MiB pieces get huge pages
 * while whole blocks are free, the rest falls back to 4 KiB, and reclaim
 * splits huge pages to swap them.  Every byte comes back.
 */
static void reclaim_swaps_thp(void **state)
{
	struct env *env = swap_env();
	struct zone_stats *st = &env->zone->stats;
	const uint64_t pages = HPAGES(4);

	(void)state;
	env->zone->thp_mode = THP_ALWAYS;
	assert_int_equal(mm_mmap(env->mm, BASE, PG(pages), RW,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, NULL, 0),
			 BASE);
	fill(env, BASE, pages, 0x30);
	env_check(env);
	assert_true(st->thp_fault_alloc >= 1);
	assert_true(st->thp_fault_fallback >= 1);
	assert_true(st->thp_split_pmd >= 1);
	assert_true(st->pswpout > 0);
	expect_data(env, BASE, pages, 0x30);
	assert_true(st->pswpin > 0);
	env_free(env);
}

/*
 * A huge page shared by parent and child since fork, then memory pressure
 * from 4 KiB pages: reclaim splits it in both address spaces and swaps the
 * pieces; both read every byte back.
 */
static void reclaim_splits_shared_thp(void **state)
{
	struct env *env = swap_env();
	struct mm_struct *mms[2] = { env->mm };
	uint64_t i, pressure = BASE + 4 * PMD_SIZE;
	char err[256];
	int e;

	(void)state;
	map_huge(env, BASE, HPAGES(1));
	fill(env, BASE, HPAGE_PMD_NR, 0x40);
	assert_true(is_huge(env->mm, BASE));
	mms[1] = dup_mm(env->mm, &e);
	assert_non_null(mms[1]);
	check_mms(mms, 2);
	assert_int_equal(mm_mmap(env->mm, pressure, 2 * SMALL_ZONE, RW,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, NULL, 0),
			 pressure);
	for (i = 0; i < 2 * SMALL_ZONE / PAGE_SIZE; i++) {
		uint8_t v = (uint8_t)i;

		assert_int_equal(mm_copy_to_user(env->mm, pressure + PG(i), &v, 1), 0);
		if (i % 64 == 0)
			check_mms(mms, 2);
	}
	check_mms(mms, 2);
	assert_true(env->zone->stats.thp_split_pmd >= 2);
	assert_int_equal(env->zone->stats.nr_anon_thp, 0);
	for (i = 0; i < HPAGE_PMD_NR; i++) {
		uint8_t p, c;

		assert_int_equal(mm_copy_from_user(mms[0], &p, pat_at(BASE, i, 0x40), 1), 0);
		assert_int_equal(mm_copy_from_user(mms[1], &c, pat_at(BASE, i, 0x40), 1), 0);
		assert_int_equal(p, (uint8_t)(0x40 + i));
		assert_int_equal(c, (uint8_t)(0x40 + i));
	}
	if (validate_mms(mms, 2, err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(env->zone->stats.pswpin > 0);
	commit_log_apply(mms[0]);
	commit_log_apply(mms[1]);
	mm_destroy(mms[1]);
	env_snapshot(env);
	env_free(env);
}

/* no fully free 2 MiB block: the fault falls back to a 4 KiB page */
static void huge_alloc_failure_falls_back(void **state)
{
	struct env *env = *state;
	uint64_t b;

	/* one frame taken out of every block */
	for (b = 1; b < env->zone->nr_pages / HPAGE_PMD_NR; b++)
		if (zone_frame_free(env->zone, b * HPAGE_PMD_NR + 7))
			assert_int_equal(zone_reserve(env->zone, b * HPAGE_PMD_NR + 7, 1), 0);
	map_huge(env, BASE, HPAGES(1));
	guest_write8(env, BASE + 9, 9);
	assert_false(is_huge(env->mm, BASE));
	assert_int_equal(env->zone->stats.thp_fault_fallback, 1);
	assert_int_equal(env->zone->stats.thp_fault_alloc, 0);
	fill(env, BASE + PG(1), 16, 1);
	assert_int_equal(guest_read8(env, BASE + 9), 9);
	expect_data(env, BASE + PG(1), 16, 1);
}

/* ---- pre-zeroing ---- */

static uint64_t count_zeroed(struct zone *zone, bool check_content)
{
	static const uint8_t zero[PAGE_SIZE];
	uint64_t pfn, n = 0;

	for (pfn = 1; pfn < zone->nr_pages; pfn++) {
		if (!(zone->mem_map[pfn].flags & PG_zeroed))
			continue;
		n++;
		if (check_content && memcmp(pfn_to_virt(zone, pfn), zero, PAGE_SIZE))
			fail_msg("frame %#lx marked zeroed is not zero", (unsigned long)pfn);
	}
	return n;
}

static void prezero_grab_put_alloc(void **state)
{
	struct env *env = *state;
	struct zone *zone = env->zone;
	struct zone_stats *st = &zone->stats;
	uint64_t pfns[8], free_before = zone_nr_free(zone), hits;
	struct page *page;
	size_t i, n;

	zone->prezero = true;
	deferred_init_memmap(zone);	/* every free frame on a list, to look at */
	/* a dirty frame: alloc_page must still hand it out zeroed (a miss) */
	memset(pfn_to_virt(zone, zone->free_head), 0xff, PAGE_SIZE);
	page = alloc_page(zone);
	assert_non_null(page);
	assert_int_equal(st->prezero_misses, 1);
	assert_int_equal(*(uint8_t *)pfn_to_virt(zone, page_to_pfn(zone, page)), 0);
	put_page(zone, page);
	assert_int_equal(count_zeroed(zone, false), 0);	/* freed: dirty again */

	n = zone_prezero_grab(zone, pfns, 8);
	assert_int_equal(n, 8);
	assert_int_equal(zone_nr_free(zone), free_before - 8);
	env_check(env);		/* grabbed frames are neither free nor leaked */
	for (i = 0; i < n; i++) {
		assert_int_equal(zone->mem_map[pfns[i]].flags, PG_prezeroing);
		memset(pfn_to_virt(zone, pfns[i]), 0, PAGE_SIZE);
	}
	zone_prezero_put(zone, pfns, n);
	env_check(env);
	assert_int_equal(st->prezeroed, 8);
	assert_int_equal(zone->nr_zeroed, 8);
	assert_int_equal(count_zeroed(zone, true), 8);
	assert_int_equal(zone_nr_free(zone), free_before);
	page = alloc_page(zone);
	assert_int_equal(st->prezero_hits, 1);
	assert_int_equal(zone->nr_zeroed, 7);
	put_page(zone, page);
	/* alloc_page_nozero leaves the zeroed frames for alloc_page */
	page = alloc_page_nozero(zone);
	assert_int_equal(zone->nr_zeroed, 7);
	put_page(zone, page);

	/* everything pre-zeroed: a huge page clears nothing itself */
	assert_int_equal(zone_prezero(zone, SIZE_MAX), zone_nr_free(zone) - 7);
	assert_int_equal(count_zeroed(zone, true), zone_nr_free(zone));
	hits = st->prezero_hits;
	map_huge(env, BASE, HPAGES(1));
	guest_write8(env, BASE + PG(3), 3);
	assert_true(is_huge(env->mm, BASE));
	assert_true(st->prezero_hits >= hits + HPAGE_PMD_NR);
	assert_int_equal(st->prezero_misses, 1);
	assert_int_equal(guest_read8(env, BASE + PG(4)), 0);
	/* unmapped: its frames are free but not known zero */
	assert_int_equal(mm_munmap(env->mm, BASE, PMD_SIZE), 0);
	env_check(env);
	assert_int_equal(count_zeroed(zone, true), zone->nr_zeroed);
	assert_true(zone->nr_zeroed + HPAGE_PMD_NR <= zone_nr_free(zone));
}

/* ---- deferred frames: described as allocation reaches them ---- */

static uint64_t count_listed(struct zone *zone)
{
	uint64_t pfn, n = 0;

	for (pfn = 1; pfn < zone->nr_pages; pfn++)
		n += !!(zone->mem_map[pfn].flags & PG_free);
	return n;
}

static void deferred_frames_join_lazily(void **state)
{
	struct env *env = *state;
	struct zone *zone = env->zone;
	uint64_t nr = zone->nr_pages, free, top;

	/* creating the zone and an mm described only the frames they took */
	assert_true(zone->first_deferred_pfn < 64);
	assert_int_equal(zone->end_deferred_pfn, nr);
	assert_int_equal(count_listed(zone), 0);
	assert_int_equal(zone_nr_free(zone), nr - zone->first_deferred_pfn);
	assert_int_equal(zone->block_free[(nr - 1) >> HPAGE_PMD_ORDER], HPAGE_PMD_NR);

	/* the top frames, as the monitor reserves its own: nothing described */
	top = zone->first_deferred_pfn;
	free = zone_nr_free(zone);
	assert_int_equal(zone_reserve(zone, nr - 8, 8), 0);
	assert_int_equal(zone->end_deferred_pfn, nr - 8);
	assert_int_equal(zone->first_deferred_pfn, top);
	assert_int_equal(zone_nr_free(zone), free - 8);
	assert_false(zone_frame_free(zone, nr - 1));
	assert_true(zone_frame_free(zone, nr - 9));
	env_check(env);

	/* fresh memory: the deferred frames count as zeroed, in place */
	memset(pfn_to_virt(zone, top), 0, (nr - 8 - top) * PAGE_SIZE);
	zone_mark_free_zeroed(zone);
	assert_int_equal(zone->nr_zeroed, zone_nr_free(zone));
	assert_int_equal(count_listed(zone), 0);
	env_check(env);

	/* a huge page takes a whole deferred block: the frames below it join the lists */
	map_huge(env, BASE, HPAGES(1));
	fill(env, BASE, HPAGES(1), 5);
	assert_true(is_huge(env->mm, BASE));
	assert_true(zone->first_deferred_pfn >= HPAGE_PMD_NR);
	assert_true(count_listed(zone) < HPAGE_PMD_NR);
	env_check(env);
	expect_data(env, BASE, HPAGES(1), 5);

	/* a reservation amid the deferred frames describes up to its end */
	top = zone->first_deferred_pfn;
	assert_int_equal(zone_reserve(zone, top + 100, 4), 0);
	assert_int_equal(zone->first_deferred_pfn, top + 104);
	assert_int_equal(count_listed(zone) >= 100, true);
	env_check(env);

	/* freed frames are reused before deferred ones are described */
	assert_int_equal(mm_munmap(env->mm, BASE, PMD_SIZE), 0);
	top = zone->first_deferred_pfn;
	assert_int_equal(map_anon(env->mm, BASE + PMD_SIZE * 4, 16, RW), BASE + PMD_SIZE * 4);
	fill(env, BASE + PMD_SIZE * 4, 16, 1);
	assert_int_equal(zone->first_deferred_pfn, top);
	env_check(env);

	deferred_init_memmap(zone);
	assert_int_equal(zone->first_deferred_pfn, zone->end_deferred_pfn);
	assert_int_equal(count_listed(zone), zone_nr_free(zone));
	env_check(env);
}

/* a huge page mapped at exit is freed whole: the teardown checks nothing leaked */
static void exit_frees_huge(void **state)
{
	struct env *env = *state;

	map_huge(env, BASE, HPAGES(3));
	fill(env, BASE, HPAGES(3), 1);
	assert_int_equal(env->zone->stats.nr_anon_thp, 3);
	assert_true(text_has(mm_show_smaps(env->mm), "AnonHugePages:      6144 kB"));
	assert_int_equal(mm_mincore(env->mm, BASE + PMD_SIZE, PG(1), (unsigned char[1]){ 0 }), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fault_maps_pmd, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(mode_decides, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(unaligned_falls_back, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(partial_munmap_splits, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(mprotect_partial_and_whole, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(dontneed_splits_or_zaps, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(mremap_moves_or_splits, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(fork_shares_cow_splits, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(fork_exit_reuses_pmd, env_setup, env_teardown),
		cmocka_unit_test(reclaim_swaps_thp),
		cmocka_unit_test(reclaim_splits_shared_thp),
		cmocka_unit_test_setup_teardown(huge_alloc_failure_falls_back, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(prezero_grab_put_alloc, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(exit_frees_huge, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(deferred_frames_join_lazily, env_setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
