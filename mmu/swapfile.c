// SPDX-License-Identifier: GPL-2.0
/*
 * The swap area and the swap cache (Linux's mm/swapfile.c and
 * mm/swap_state.c), on a host file.
 *
 * Each slot counts its references: the swap entries in page tables that
 * name it, plus one while a page for it sits in the swap cache.  A slot
 * also remembers the anon_vma and index of the page stored in it, so that
 * the page comes back with its rmap owner and every process that still
 * names the slot finds the same page in the swap cache: shared again, as
 * it was before it went out.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

struct swap_info {
	int fd;
	uint64_t nr_slots, nr_free, next;
	uint32_t *map;			/* references per slot */
	struct anon_vma **owner;	/* rmap owner of the page in the slot */
	uint64_t *index;
	uint32_t *cache;		/* slot -> pfn in the swap cache, or 0 */
};

int swap_on(struct zone *zone, int fd, uint64_t size)
{
	struct swap_info *si;

	if (zone->swap || size < PAGE_SIZE || ftruncate(fd, (off_t)(size & PAGE_MASK)))
		return -EINVAL;
	si = calloc(1, sizeof(*si));
	if (!si)
		return -ENOMEM;
	si->nr_slots = si->nr_free = size >> PAGE_SHIFT;
	si->map = calloc(si->nr_slots, sizeof(*si->map));
	si->owner = calloc(si->nr_slots, sizeof(*si->owner));
	si->index = calloc(si->nr_slots, sizeof(*si->index));
	si->cache = calloc(si->nr_slots, sizeof(*si->cache));
	si->fd = dup(fd);
	if (!si->map || !si->owner || !si->index || !si->cache || si->fd < 0) {
		swap_off_info(si);
		return -ENOMEM;
	}
	zone->swap = si;
	zone->total_swap_pages = si->nr_slots;
	return 0;
}

void swap_off_info(struct swap_info *si)
{
	if (!si)
		return;
	if (si->fd >= 0)
		close(si->fd);
	free(si->map);
	free(si->owner);
	free(si->index);
	free(si->cache);
	free(si);
}

uint64_t nr_swap_free(struct zone *zone)
{
	return zone->swap ? zone->swap->nr_free : 0;
}

/*
 * A free slot for @page, or -1: get_swap_page().  A page of shared memory
 * (not anonymous) has no rmap owner: its object's cache holds the slot.
 */
int64_t swap_alloc(struct zone *zone, struct page *page)
{
	struct swap_info *si = zone->swap;
	uint64_t i;

	if (!si || !si->nr_free)
		return -1;
	for (i = 0; i < si->nr_slots; i++) {
		uint64_t slot = (si->next + i) % si->nr_slots;

		if (si->map[slot])
			continue;
		si->next = slot + 1;
		si->nr_free--;
		si->owner[slot] = page->flags & PG_anon ? page->anon_vma : NULL;
		if (si->owner[slot])
			get_anon_vma(si->owner[slot]);
		si->index[slot] = page->index;
		return (int64_t)slot;
	}
	return -1;
}

static void slot_release(struct swap_info *si, uint64_t slot)
{
	put_anon_vma(si->owner[slot]);
	si->owner[slot] = NULL;
	si->nr_free++;
}

int swap_writepage(struct zone *zone, uint64_t slot, struct page *page)
{
	const uint8_t *src = pfn_to_virt(zone, page_to_pfn(zone, page));
	size_t done = 0;

	if (should_fail(zone, INJECT_SWAP_IO, slot << PAGE_SHIFT))
		return -EIO;
	while (done < PAGE_SIZE) {
		ssize_t n = pwrite(zone->swap->fd, src + done, PAGE_SIZE - done,
				   (off_t)((slot << PAGE_SHIFT) + done));

		if (n <= 0)
			return -EIO;
		done += (size_t)n;
	}
	zone->stats.pswpout++;
	return 0;
}

int swap_read_slot(struct zone *zone, uint64_t slot, struct page *page)
{
	uint8_t *dst = pfn_to_virt(zone, page_to_pfn(zone, page));
	size_t done = 0;

	if (should_fail(zone, INJECT_SWAP_IO, slot << PAGE_SHIFT))
		return -EIO;
	while (done < PAGE_SIZE) {
		ssize_t n = pread(zone->swap->fd, dst + done, PAGE_SIZE - done,
				  (off_t)((slot << PAGE_SHIFT) + done));

		if (n <= 0)
			return -EIO;
		done += (size_t)n;
	}
	zone->stats.pswpin++;
	return 0;
}

/* swap_duplicate(): one more swap entry names @slot */
void swap_duplicate(struct zone *zone, uint64_t slot)
{
	zone->swap->map[slot]++;
}

/*
 * swap_cache_del(): the page leaves the swap cache and drops the cache's
 * reference; a slot nothing names any more is free again.
 */
void swap_cache_del(struct zone *zone, struct page *page)
{
	struct swap_info *si = zone->swap;
	uint64_t slot = page->swap_slot;

	si->cache[slot] = 0;
	page->flags &= ~PG_swapcache;
	zone->stats.nr_swapcache--;
	if (--si->map[slot] == 0)
		slot_release(si, slot);
	put_page(zone, page);
}

static void swap_cache_add(struct zone *zone, uint64_t slot, struct page *page)
{
	page->flags |= PG_swapcache;
	page->swap_slot = slot;
	get_page(page);
	zone->swap->map[slot]++;
	zone->swap->cache[slot] = (uint32_t)page_to_pfn(zone, page);
	zone->stats.nr_swapcache++;
}

/*
 * swap_free(): a swap entry naming @slot is gone.  When only the swap
 * cache still holds the slot, its page no longer needs the copy.
 */
void swap_free(struct zone *zone, uint64_t slot)
{
	struct swap_info *si = zone->swap;

	if (--si->map[slot] == 0) {
		slot_release(si, slot);
		return;
	}
	if (si->map[slot] == 1 && si->cache[slot])
		swap_cache_del(zone, pfn_to_page(zone, si->cache[slot]));
}

struct page *lookup_swap_cache(struct zone *zone, uint64_t slot)
{
	uint32_t pfn = zone->swap->cache[slot];

	return pfn ? pfn_to_page(zone, pfn) : NULL;
}

/*
 * read_swap_cache_async(): the page for @slot, from the swap cache or read
 * back into a new frame with its old rmap owner, held for the caller.
 */
struct page *swapin_page(struct zone *zone, uint64_t slot, int *err)
{
	struct swap_info *si = zone->swap;
	struct page *page = lookup_swap_cache(zone, slot);

	if (page) {
		get_page(page);
		return page;
	}
	page = alloc_page_nozero(zone);
	*err = -ENOMEM;
	if (!page)
		return NULL;
	if (swap_read_slot(zone, slot, page)) {
		put_page(zone, page);
		*err = -EIO;
		return NULL;
	}
	page->flags |= PG_anon;
	page->anon_vma = si->owner[slot];
	get_anon_vma(page->anon_vma);
	page->index = si->index[slot];
	zone->stats.nr_anon++;
	lru_add(zone, page);
	swap_cache_add(zone, slot, page);
	return page;
}

/* for the checker: references a slot should have, and what it has */
uint32_t swap_slot_count(struct zone *zone, uint64_t slot)
{
	return zone->swap->map[slot];
}

/* a slot held by a shared-memory object's cache entry rather than by rmap */
bool swap_slot_shmem(struct zone *zone, uint64_t slot)
{
	return zone->swap->map[slot] && !zone->swap->owner[slot];
}

bool swap_slot_valid(struct zone *zone, uint64_t slot)
{
	return zone->swap && slot < zone->swap->nr_slots && zone->swap->map[slot];
}

uint64_t swap_nr_slots(struct zone *zone)
{
	return zone->swap ? zone->swap->nr_slots : 0;
}
