// SPDX-License-Identifier: GPL-2.0
/*
 * Fault-around (Linux's do_fault_around() in mm/memory.c and
 * filemap_map_pages() in mm/filemap.c): a fault also maps the neighbouring
 * pages of its page table, so that a program walking through a mapping
 * takes one fault, and one exit to the monitor, per window instead of one
 * per page.
 *
 * File read faults use zone->fault_around_bytes (Linux's fault_around_bytes,
 * 64 KiB).  Linux maps only what its page cache holds already and fills the
 * cache by readahead on the fault; here the window's missing pages are read
 * into the cache first, one host read per run of missing pages.  Not for
 * MADV_RANDOM (Linux does no readahead there either, it still maps what is
 * cached) and not for shared memory, whose absent pages are holes or swap,
 * not data to read: there only the pages present are mapped.  Write faults
 * of file mappings get no fault-around (do_cow_fault, do_shared_fault).
 *
 * Anonymous faults use zone->fault_around_anon_bytes, 0 (one page) by
 * default as Linux has no anonymous fault-around: a write maps fresh
 * zeroed private pages, a read maps the zero page.  The same window
 * serves copy-on-write: a write fault that do_wp_page() resolves (after
 * fork every private page is write-protected on both sides) also copies
 * or reuses its write-protected anonymous neighbours.
 *
 * Everything here is best effort.  Frames come from alloc_page_nowait():
 * no reclaim, no OOM, and no injection point fires for a prefault (they
 * model what the faulting page needs; a prefault that gets no frame or
 * cannot read its page just stops).  Only none entries are filled: swap
 * entries, PROT_NONE entries and present pages stay as they are.  The
 * window never leaves the VMA nor the page table that holds the faulting
 * entry, so no table is allocated either.  Prefaulted file pages never
 * get write access: a write to one takes the write fault that copies it
 * (private) or marks it dirty (shared).
 */
#include <string.h>

#include "internal.h"

static uint64_t rounddown_pow_of_two(uint64_t n)
{
	while (n & (n - 1))
		n &= n - 1;
	return n;
}

/*
 * do_fault_around()'s window around @addr: @bytes rounded down to a power
 * of two and to at most one page table, aligned down, clamped to the VMA
 * and to the page table of @addr.  False when it is a single page.
 */
static bool fault_around_window(const struct vm_area_struct *vma, uint64_t addr,
				uint64_t bytes, uint64_t *start, uint64_t *end)
{
	uint64_t nr = min(rounddown_pow_of_two(bytes >> PAGE_SHIFT), (uint64_t)PTRS_PER_TABLE);
	uint64_t pte_off = (addr >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
	uint64_t vma_off = (addr - vma->vm_start) >> PAGE_SHIFT;
	uint64_t from, to;

	if (nr <= 1)
		return false;
	from = max(pte_off & ~(nr - 1), pte_off - min(pte_off, vma_off));
	to = min(min(from + nr, (uint64_t)PTRS_PER_TABLE), pte_off + vma_pages(vma) - vma_off);
	*start = addr - ((pte_off - from) << PAGE_SHIFT);
	*end = addr + ((to - pte_off) << PAGE_SHIFT);
	return *end - *start > PAGE_SIZE;
}

/* the entry for @a in the page table whose entry for @addr is @ptep */
static pteval_t *window_pte(pteval_t *ptep, uint64_t addr, uint64_t a)
{
	return ptep + ((int64_t)(a - addr) >> PAGE_SHIFT);
}

/*
 * Pages [index, index + nr) of a file into its cache: as many frames as
 * the reserve allows, read with one ->readahead (or page by page), then
 * added.  Returns the pages added; a read error adds none.
 */
static uint64_t readahead_run(struct address_space *mapping, uint64_t index, uint64_t nr)
{
	struct zone *zone = mapping->zone;
	struct page *pages[PTRS_PER_TABLE];
	void *dst[PTRS_PER_TABLE];
	uint64_t got, i;
	int err = 0;

	for (got = 0; got < nr; got++) {
		pages[got] = alloc_page_nowait(zone, zone_low_wmark(zone), false);
		if (!pages[got])
			break;
		dst[got] = pfn_to_virt(zone, page_to_pfn(zone, pages[got]));
	}
	if (mapping->a_ops->readahead && got)
		err = mapping->a_ops->readahead(mapping, index, dst, (unsigned int)got);
	for (i = 0; i < got && !err && !mapping->a_ops->readahead; i++)
		err = mapping->a_ops->read_folio(mapping, index + i, dst[i]);
	for (i = 0; i < got; i++) {
		/* the cache keeps the allocation's reference */
		if (err || add_to_page_cache(mapping, pages[i], index + i)) {
			err = -ENOMEM;
			put_page(zone, pages[i]);
		}
	}
	return err ? 0 : got;
}

/* read the window's missing pages that would be mapped: runs of none entries */
static void fault_around_readahead(struct vm_area_struct *vma, uint64_t addr, pteval_t *ptep,
				  uint64_t start, uint64_t end)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	uint64_t a = start, run;

	while (a < end) {
		for (run = 0; a + (run << PAGE_SHIFT) < end; run++) {
			uint64_t b = a + (run << PAGE_SHIFT);

			if (*window_pte(ptep, addr, b) ||
			    filemap_is_cached(mapping, linear_page_index(vma, b)))
				break;
		}
		if (run && readahead_run(mapping, linear_page_index(vma, a), run) < run)
			return;		/* short of frames, or a read error: map what is there */
		a += (run + 1) << PAGE_SHIFT;
	}
}

/*
 * filemap_map_pages() after a read fault at @addr mapped its page in
 * @ptep: every other page of the window that the cache holds, below the
 * end of file, wherever the entry is none.  Returns the pages mapped.
 */
unsigned int do_fault_around(struct mm_struct *mm, struct vm_area_struct *vma,
			     uint64_t addr, pteval_t *ptep)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	uint64_t start, end, eof, a;
	pteval_t prot = vm_get_page_prot(vma->vm_flags) & ~_PAGE_RW;
	unsigned int nr = 0;

	if (!fault_around_window(vma, addr, mm->zone->fault_around_bytes, &start, &end))
		return 0;
	/* no page wholly past the end of file: those are SIGBUS, never prefaulted */
	eof = (mapping->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (eof <= vma->vm_pgoff)
		return 0;
	end = min(end, vma->vm_start + ((eof - vma->vm_pgoff) << PAGE_SHIFT));
	if (!mapping->shmem && !(vma->vm_flags & VM_RAND_READ))
		fault_around_readahead(vma, addr, ptep, start, end);
	for (a = start; a < end; a += PAGE_SIZE) {
		pteval_t *pte = window_pte(ptep, addr, a);
		struct page *page;

		if (*pte)
			continue;
		page = find_get_page(mapping, linear_page_index(vma, a));
		if (!page)
			continue;
		page_map_account(mm, page, 1);
		set_pte_at(mm, a, pte, pfn_pte(page_to_pfn(mm->zone, page), prot));
		nr++;
	}
	mm->zone->stats.pgprefault += nr;
	return nr;
}

/*
 * The anonymous fault at @addr mapped its page in @ptep: a write fills
 * the window's none entries with new zeroed private pages (writable and
 * dirty, as the faulting one), a read with the zero page.  Returns the
 * pages mapped.
 */
unsigned int do_anon_fault_around(struct mm_struct *mm, struct vm_area_struct *vma,
				  uint64_t addr, pteval_t *ptep, bool write)
{
	struct zone *zone = mm->zone;
	pteval_t prot = vm_get_page_prot(vma->vm_flags);
	uint64_t start, end, a;
	unsigned int nr = 0;

	if (!fault_around_window(vma, addr, zone->fault_around_anon_bytes, &start, &end))
		return 0;
	for (a = start; a < end; a += PAGE_SIZE) {
		pteval_t *pte = window_pte(ptep, addr, a);
		struct page *page;

		if (*pte)
			continue;
		if (!write) {
			set_pte_at(mm, a, pte, pfn_pte(zone->zero_pfn, prot & ~_PAGE_RW));
			nr++;
			continue;
		}
		page = alloc_page_nowait(zone, zone_low_wmark(zone), true);
		if (!page)
			break;
		page_add_anon_rmap(zone, page, vma, a);
		page_map_account(mm, page, 1);
		set_pte_at(mm, a, pte, pfn_pte(page_to_pfn(zone, page),
					       prot | _PAGE_RW | _PAGE_DIRTY));
		nr++;
	}
	zone->stats.pgprefault += nr;
	return nr;
}

/*
 * One neighbour of a COW fault, resolved as do_wp_page() would resolve a
 * write to it: reuse an exclusive anonymous page in place, copy a shared
 * one (or the zero page) into a new frame.  Returns 1 when done, 0 when
 * the entry is not a copy-on-write entry (a page-cache page: its copy is
 * made by its own write fault only), -1 when no frame is left.
 */
static int wp_fault_around_one(struct mm_struct *mm, struct vm_area_struct *vma,
			       uint64_t a, pteval_t *pte)
{
	struct zone *zone = mm->zone;
	uint64_t pfn = pte_pfn(*pte);
	bool zero = pfn == zone->zero_pfn;
	struct page *old = zero ? NULL : pfn_to_page(zone, pfn), *copy;

	if (old && !(old->flags & PG_anon))
		return 0;
	if (old && page_is_exclusive_anon(zone, old)) {
		set_pte_at(mm, a, pte, *pte | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED);
		return 1;
	}
	copy = alloc_page_nowait(zone, zone_low_wmark(zone), zero);
	if (!copy)
		return -1;
	if (old)
		memcpy(pfn_to_virt(zone, page_to_pfn(zone, copy)), pfn_to_virt(zone, pfn),
		       PAGE_SIZE);
	page_add_anon_rmap(zone, copy, vma, a);
	if (old) {
		page_map_account(mm, old, -1);
		put_page(zone, old);
	}
	page_map_account(mm, copy, 1);
	set_pte_at(mm, a, pte, pfn_pte(page_to_pfn(zone, copy),
				       vm_get_page_prot(vma->vm_flags) | _PAGE_RW | _PAGE_DIRTY));
	return 1;
}

/*
 * do_wp_page() resolved a write at @addr in a private writable VMA (a copy
 * or a reuse): every other entry of the anonymous window that a write
 * would send through do_wp_page too, a present read-only anonymous page
 * or the zero page, is resolved the same way now.  After fork each page
 * of both address spaces is write-protected, and one batch of re-written
 * entries costs far less than one exit per page.  Swap, PROT_NONE and
 * none entries stay; page-cache pages stay read-only (their copy-on-write
 * stays one page per write fault, as do_fault() does it).  Frames come
 * from alloc_page_nowait(): the first that is refused ends the window.
 * Returns the pages resolved.
 */
unsigned int do_wp_fault_around(struct mm_struct *mm, struct vm_area_struct *vma,
				uint64_t addr, pteval_t *ptep)
{
	uint64_t start, end, a;
	unsigned int nr = 0;

	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) != VM_WRITE || !vma->anon_vma)
		return 0;
	if (!fault_around_window(vma, addr, mm->zone->fault_around_anon_bytes, &start, &end))
		return 0;
	for (a = start; a < end; a += PAGE_SIZE) {
		pteval_t *pte = window_pte(ptep, addr, a);
		int ret;

		if (a == addr || !pte_present(*pte) || pte_write(*pte))
			continue;
		ret = wp_fault_around_one(mm, vma, a, pte);
		if (ret < 0)
			break;
		nr += (unsigned int)ret;
	}
	mm->zone->stats.pgprefault += nr;
	return nr;
}
