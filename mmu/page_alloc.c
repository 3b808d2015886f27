// SPDX-License-Identifier: GPL-2.0
/*
 * The zone: the caller's block of guest-physical memory, one struct page per
 * frame, and a LIFO free list threaded through the descriptors.  Frame 0 is
 * never handed out (a zero guest-physical address is a useful "none"), and
 * the zero page is allocated once and shared read-only by every mm.
 */
#include <stdlib.h>
#include <string.h>

#include "mm.h"
#include "internal.h"

#define NO_PFN UINT32_MAX

static void free_list_push(struct zone *zone, uint64_t pfn)
{
	struct page *page = &zone->mem_map[pfn];

	page->flags = PG_free;
	page->next_free = zone->free_head;
	zone->free_head = (uint32_t)pfn;
	zone->stats.nr_free++;
}

struct zone *zone_create(void *base, uint64_t size)
{
	struct zone *zone;
	uint64_t pfn;

	if (!base || size < 16 * PAGE_SIZE || (size & ~PAGE_MASK) ||
	    size / PAGE_SIZE >= NO_PFN)
		return NULL;
	zone = calloc(1, sizeof(*zone));
	if (!zone)
		return NULL;
	zone->base = base;
	zone->nr_pages = size / PAGE_SIZE;
	zone->mem_map = calloc(zone->nr_pages, sizeof(struct page));
	if (!zone->mem_map) {
		free(zone);
		return NULL;
	}
	zone->free_head = NO_PFN;
	zone->lru_head = NO_PFN;
	zone->mem_map[0].flags = PG_reserved;
	/* push high to low so that allocation hands out low frames first */
	for (pfn = zone->nr_pages - 1; pfn >= 1; pfn--)
		free_list_push(zone, pfn);
	zone->overcommit_memory = 0;
	zone->overcommit_ratio = 50;
	zone->max_map_count = DEFAULT_MAX_MAP_COUNT;
	zone->fault_around_bytes = 64 * 1024;
	zone->fault_around_anon_bytes = 0;
	zone->thp_mode = THP_MADVISE;
	zone->prezero = false;
	zone->mmap_min_addr = DEFAULT_MMAP_MIN_ADDR;
	zone->dac_mmap_min_addr = DEFAULT_DAC_MMAP_MIN_ADDR;
	zone->totalram_pages = zone->nr_pages;

	struct page *zero = alloc_page(zone);
	if (!zero) {
		zone_destroy(zone);
		return NULL;
	}
	zero->flags = PG_reserved;
	zone->zero_pfn = page_to_pfn(zone, zero);
	return zone;
}

void zone_destroy(struct zone *zone)
{
	if (!zone)
		return;
	swap_off_info(zone->swap);
	free(zone->mem_map);
	free(zone);
}

struct page *alloc_page_nozero(struct zone *zone)
{
	struct page *page;
	uint64_t pfn = zone->free_head;

	/* out of frames: reclaim some, as the page allocator's slow path does */
	if (pfn == NO_PFN && shrink_zone(zone, 32))
		pfn = zone->free_head;
	if (pfn == NO_PFN || should_fail(zone, INJECT_FRAME_ALLOC, 0)) {
		zone->stats.alloc_failures++;
		return NULL;
	}
	page = &zone->mem_map[pfn];
	zone->free_head = page->next_free;
	zone->stats.nr_free--;
	zone->stats.allocs++;
	memset(page, 0, sizeof(*page));
	page->refcount = 1;
	return page;
}

struct page *alloc_page(struct zone *zone)
{
	struct page *page = alloc_page_nozero(zone);

	if (page)
		memset(pfn_to_virt(zone, page_to_pfn(zone, page)), 0, PAGE_SIZE);
	return page;
}

void get_page(struct page *page)
{
	page->refcount++;
}

static void free_page_owner(struct zone *zone, struct page *page)
{
	if (page->flags & PG_lru)
		lru_del(zone, page);
	if (page->flags & PG_anon) {
		zone->stats.nr_anon--;
		put_anon_vma(page->anon_vma);
	}
	if (page->flags & PG_pgtable)
		zone->stats.nr_pgtable--;
}

void put_page(struct zone *zone, struct page *page)
{
	if (page->flags & PG_reserved)
		return;
	if (--page->refcount > 0)
		return;
	free_page_owner(zone, page);
	zone->stats.frees++;
	free_list_push(zone, page_to_pfn(zone, page));
}

int zone_reserve(struct zone *zone, uint64_t pfn, uint64_t nr)
{
	uint32_t *link = &zone->free_head;
	uint64_t i, found = 0;

	if (pfn + nr > zone->nr_pages || pfn + nr < pfn)
		return -1;
	for (i = pfn; i < pfn + nr; i++)
		if (!(zone->mem_map[i].flags & PG_free))
			return -1;
	/* unlink each reserved frame from the free list in one pass */
	while (*link != NO_PFN) {
		struct page *page = &zone->mem_map[*link];

		if (*link >= pfn && *link < pfn + nr) {
			uint32_t self = *link;

			*link = page->next_free;
			zone->mem_map[self].flags = PG_reserved;
			zone->mem_map[self].refcount = 1;
			zone->stats.nr_free--;
			found++;
			continue;
		}
		link = &page->next_free;
	}
	return found == nr ? 0 : -1;
}

uint64_t page_to_pfn(struct zone *zone, struct page *page)
{
	return (uint64_t)(page - zone->mem_map);
}

struct page *pfn_to_page(struct zone *zone, uint64_t pfn)
{
	return pfn < zone->nr_pages ? &zone->mem_map[pfn] : NULL;
}

void *pfn_to_virt(struct zone *zone, uint64_t pfn)
{
	return zone->base + (pfn << PAGE_SHIFT);
}

void *gpa_to_virt(struct zone *zone, uint64_t gpa)
{
	if (gpa >= zone->nr_pages * PAGE_SIZE)
		return NULL;
	return zone->base + gpa;
}

uint64_t zone_nr_free(struct zone *zone)
{
	return zone->stats.nr_free;
}
