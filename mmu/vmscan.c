// SPDX-License-Identifier: GPL-2.0
/*
 * Page reclaim (Linux's mm/vmscan.c, as one clock instead of active and
 * inactive lists).  User pages join the clock when they are created; the
 * hand starts at the oldest.  A page whose entries were accessed since the
 * last pass (page_referenced(), which also clears the bits) gets a second
 * chance; an idle one is reclaimed the way Linux's shrink_folio_list()
 * would: a clean file page is dropped (and read again when needed), a
 * dirty one written back first, a clean MADV_FREE page discarded, any
 * other anonymous page written to swap and replaced by swap entries in
 * every page table that maps it, a shared-memory page written to swap and
 * named by its object's cache.  Pages that are mlocked, pinned by an
 * operation in progress, or that have nowhere to go (no swap) stay.
 */
#include "internal.h"

#define NO_PFN	UINT32_MAX

void lru_add(struct zone *zone, struct page *page)
{
	uint32_t pfn = (uint32_t)page_to_pfn(zone, page);

	if (zone->lru_head == NO_PFN) {
		page->lru_prev = page->lru_next = pfn;
	} else {
		struct page *head = &zone->mem_map[zone->lru_head];

		page->lru_next = zone->lru_head;
		page->lru_prev = head->lru_prev;
		zone->mem_map[head->lru_prev].lru_next = pfn;
		head->lru_prev = pfn;
	}
	zone->lru_head = pfn;
	page->flags |= PG_lru;
	zone->stats.nr_lru++;
}

void lru_del(struct zone *zone, struct page *page)
{
	uint32_t pfn = (uint32_t)page_to_pfn(zone, page);

	if (page->lru_next == pfn) {
		zone->lru_head = NO_PFN;
	} else {
		zone->mem_map[page->lru_prev].lru_next = page->lru_next;
		zone->mem_map[page->lru_next].lru_prev = page->lru_prev;
		if (zone->lru_head == pfn)
			zone->lru_head = page->lru_next;
	}
	page->flags &= ~PG_lru;
	zone->stats.nr_lru--;
}

/* second chance: to the head, the youngest end */
static void lru_rotate(struct zone *zone, struct page *page)
{
	lru_del(zone, page);
	lru_add(zone, page);
	zone->stats.pgrotated++;
}

/* references beyond the mappings and the caches: an operation holds it */
static bool page_pinned(struct page *page)
{
	int32_t expected = page->mapcount + !!(page->flags & PG_cache) +
			   !!(page->flags & PG_swapcache);

	return page->refcount > expected;
}

static int dirty_visit(struct page *page, struct vm_area_struct *vma, uint64_t addr,
		       pteval_t *ptep, void *arg)
{
	return pte_dirty(*ptep);
}

static bool page_dirty_anywhere(struct zone *zone, struct page *page)
{
	return (page->flags & PG_dirty) || rmap_walk(zone, page, dirty_visit, NULL);
}

/* an anonymous page to swap: write it, then swap entries replace its mappings */
static bool reclaim_anon(struct zone *zone, struct page *page)
{
	int64_t slot;

	if (page->flags & PG_lazyfree && !page_dirty_anywhere(zone, page))
		return try_to_unmap(zone, page, 0) == 0;	/* MADV_FREE: the data may go */
	if (page->flags & PG_swapcache) {
		slot = (int64_t)page->swap_slot;
	} else {
		slot = swap_alloc(zone, page);
		if (slot < 0)
			return false;
		swap_duplicate(zone, (uint64_t)slot);	/* held while we work */
	}
	if (swap_writepage(zone, (uint64_t)slot, page) ||
	    try_to_unmap(zone, page, swp_entry_to_pte((uint64_t)slot))) {
		if (!(page->flags & PG_swapcache))
			swap_free(zone, (uint64_t)slot);
		return false;
	}
	if (page->flags & PG_swapcache)
		swap_cache_del(zone, page);
	else
		swap_free(zone, (uint64_t)slot);
	return true;
}

/* shmem_writepage(): shared memory goes to swap; its cache keeps the slot */
static bool reclaim_shmem(struct zone *zone, struct page *page)
{
	int64_t slot;

	if (!zone->swap || (page->mapcount && try_to_unmap(zone, page, 0)))
		return false;
	slot = swap_alloc(zone, page);
	if (slot < 0)
		return false;
	swap_duplicate(zone, (uint64_t)slot);	/* the cache entry's reference */
	if (swap_writepage(zone, (uint64_t)slot, page)) {
		swap_free(zone, (uint64_t)slot);
		return false;
	}
	shmem_swapped_out(page, (uint64_t)slot);
	return true;
}

/* a page-cache page: written back if dirty, unmapped, dropped */
static bool reclaim_file(struct zone *zone, struct page *page)
{
	struct address_space *mapping = page->mapping;

	if (mapping->shmem)
		return reclaim_shmem(zone, page);
	if (!mapping->a_ops->writepage)
		return false;
	if (page->mapcount && try_to_unmap(zone, page, 0))
		return false;
	if (page->flags & PG_dirty) {
		if (mapping->a_ops->writepage(mapping, page->index,
					      pfn_to_virt(zone, page_to_pfn(zone, page))))
			return false;
		page->flags &= ~PG_dirty;
		zone->stats.pg_written++;
	}
	delete_from_page_cache(page);
	zone->stats.pg_dropped++;
	return true;
}

/*
 * Reclaim up to @nr frames; returns how many were freed.  Runs inside an
 * allocation that found the free list empty, so it allocates nothing and
 * frees no page table.
 */
uint64_t shrink_zone(struct zone *zone, uint64_t nr)
{
	uint64_t scanned = 0, budget = 2 * zone->stats.nr_lru + 1;
	uint64_t free_before = zone->stats.nr_free;

	if (zone->in_reclaim)
		return 0;
	zone->in_reclaim = true;
	if (zone->reclaim_hook)
		zone->reclaim_hook(zone, true);
	while (zone->lru_head != NO_PFN && scanned++ < budget &&
	       zone->stats.nr_free - free_before < nr) {
		struct page *page = &zone->mem_map[zone->mem_map[zone->lru_head].lru_prev];
		int referenced;
		bool done;

		zone->stats.pgscan++;
		if (page_pinned(page)) {
			lru_rotate(zone, page);
			continue;
		}
		referenced = page_referenced(zone, page);
		if (referenced) {
			lru_rotate(zone, page);	/* used lately, or mlocked */
			continue;
		}
		/* a huge page goes to swap as 512 pages: split it first */
		if (page->flags & PG_head)
			split_huge_page(zone, page);
		get_page(page);
		done = page->flags & PG_anon ? reclaim_anon(zone, page) : reclaim_file(zone, page);
		if (done)
			zone->stats.pgsteal++;
		else
			lru_rotate(zone, page);
		put_page(zone, page);
	}
	if (zone->reclaim_hook)
		zone->reclaim_hook(zone, false);
	zone->in_reclaim = false;
	return zone->stats.nr_free - free_before;
}
