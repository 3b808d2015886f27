// SPDX-License-Identifier: GPL-2.0
/*
 * The zone: the caller's block of guest-physical memory, one struct page per
 * frame, and two LIFO free lists threaded through the descriptors: frames
 * of unknown content, and frames known to be zero (PG_zeroed, filled by
 * pre-zeroing).  The lists are doubly linked so that any frame can leave
 * them, and each 2 MiB block counts its free frames, so that a fully free
 * aligned block for a huge page is found without walking the lists.
 * Frame 0 is never handed out (a zero guest-physical address is a useful
 * "none"), and the zero page is allocated once and shared read-only by
 * every mm.
 *
 * Frames are described lazily, as Linux defers struct page init: those
 * from first_deferred_pfn up are free and counted but on no list, and
 * join one, lowest first, when allocation reaches them.  A zone of many
 * GiB thus costs its caller neither the time to thread millions of frames
 * nor the host memory under descriptors and frames nobody used.
 */
#include <stdlib.h>
#include <string.h>

#include "mm.h"
#include "internal.h"

#define NO_PFN UINT32_MAX

static uint32_t *free_list_of(struct zone *zone, struct page *page)
{
	return page->flags & PG_zeroed ? &zone->zeroed_head : &zone->free_head;
}

/* @pfn joins (@delta 1) or leaves (-1) the free frames' counts */
static void free_count(struct zone *zone, uint64_t pfn, bool zeroed, int delta)
{
	zone->block_free[pfn >> HPAGE_PMD_ORDER] += delta;
	zone->block_zeroed[pfn >> HPAGE_PMD_ORDER] += zeroed ? delta : 0;
	zone->stats.nr_free += delta;
	zone->nr_zeroed += zeroed ? delta : 0;
}

/* @pfn on its free list's head; the caller has counted it */
static void free_list_link(struct zone *zone, uint64_t pfn, bool zeroed)
{
	struct page *page = &zone->mem_map[pfn];
	uint32_t *head;

	page->flags = PG_free | (zeroed ? PG_zeroed : 0);
	head = free_list_of(zone, page);
	page->prev_free = NO_PFN;
	page->next_free = *head;
	if (*head != NO_PFN)
		zone->mem_map[*head].prev_free = (uint32_t)pfn;
	*head = (uint32_t)pfn;
}

static void free_list_push(struct zone *zone, uint64_t pfn, bool zeroed)
{
	free_list_link(zone, pfn, zeroed);
	free_count(zone, pfn, zeroed, 1);
}

static bool pfn_deferred(struct zone *zone, uint64_t pfn)
{
	return pfn >= zone->first_deferred_pfn && pfn < zone->end_deferred_pfn;
}

/*
 * Describe the deferred frames below @end_pfn (Linux's deferred_grow_zone):
 * they go on their free list, already counted.  High to low, so that the
 * lowest is first on the list.
 */
static void deferred_grow_zone(struct zone *zone, uint64_t end_pfn)
{
	uint64_t pfn;

	end_pfn = min(end_pfn, zone->end_deferred_pfn);
	if (end_pfn <= zone->first_deferred_pfn)
		return;
	for (pfn = end_pfn; pfn-- > zone->first_deferred_pfn; )
		free_list_link(zone, pfn, zone->deferred_zeroed);
	zone->first_deferred_pfn = end_pfn;
}

void deferred_init_memmap(struct zone *zone)
{
	deferred_grow_zone(zone, zone->end_deferred_pfn);
}

bool zone_frame_free(struct zone *zone, uint64_t pfn)
{
	return pfn < zone->nr_pages &&
	       ((zone->mem_map[pfn].flags & PG_free) || pfn_deferred(zone, pfn));
}

/* deferred frames in 2 MiB block @b */
static uint64_t block_deferred(struct zone *zone, uint64_t b)
{
	uint64_t lo = max(b << HPAGE_PMD_ORDER, zone->first_deferred_pfn);
	uint64_t hi = min((b + 1) << HPAGE_PMD_ORDER, zone->end_deferred_pfn);

	return hi > lo ? hi - lo : 0;
}

/* take @pfn off its free list; the caller sets its new state */
static void free_list_del(struct zone *zone, uint64_t pfn)
{
	struct page *page = &zone->mem_map[pfn];

	if (page->prev_free != NO_PFN)
		zone->mem_map[page->prev_free].next_free = page->next_free;
	else
		*free_list_of(zone, page) = page->next_free;
	if (page->next_free != NO_PFN)
		zone->mem_map[page->next_free].prev_free = page->prev_free;
	free_count(zone, pfn, page->flags & PG_zeroed, -1);
	page->flags &= ~PG_free;
}

struct zone *zone_create(void *base, uint64_t size)
{
	struct zone *zone;
	uint64_t b;

	if (!base || size < 16 * PAGE_SIZE || (size & ~PAGE_MASK) ||
	    size / PAGE_SIZE >= NO_PFN)
		return NULL;
	zone = calloc(1, sizeof(*zone));
	if (!zone)
		return NULL;
	pthread_mutex_init(&zone->lock, NULL);
	zone->base = base;
	zone->nr_pages = size / PAGE_SIZE;
	zone->mem_map = calloc(zone->nr_pages, sizeof(struct page));
	if (!zone->mem_map) {
		free(zone);
		return NULL;
	}
	zone->block_free = calloc((zone->nr_pages >> HPAGE_PMD_ORDER) + 1,
				  sizeof(*zone->block_free));
	zone->block_zeroed = calloc((zone->nr_pages >> HPAGE_PMD_ORDER) + 1,
				    sizeof(*zone->block_zeroed));
	if (!zone->block_free || !zone->block_zeroed) {
		free(zone->block_free);
		free(zone->block_zeroed);
		free(zone->mem_map);
		free(zone);
		return NULL;
	}
	zone->free_head = NO_PFN;
	zone->zeroed_head = NO_PFN;
	zone->lru_head = NO_PFN;
	zone->mem_map[0].flags = PG_reserved;
	/* every other frame free, described when allocation reaches it */
	zone->first_deferred_pfn = 1;
	zone->end_deferred_pfn = zone->nr_pages;
	zone->stats.nr_free = zone->nr_pages - 1;
	for (b = 0; b <= zone->nr_pages >> HPAGE_PMD_ORDER; b++)
		zone->block_free[b] = (uint16_t)block_deferred(zone, b);
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
	validate_scratch_free(zone);
	free(zone->block_free);
	free(zone->block_zeroed);
	free(zone->mem_map);
	pthread_mutex_destroy(&zone->lock);
	free(zone);
}

/* the first free frame known zero (@zeroed) or not; the deferred ones last */
static uint64_t free_first(struct zone *zone, bool zeroed)
{
	uint32_t head = zeroed ? zone->zeroed_head : zone->free_head;

	if (head != NO_PFN)
		return head;
	if (zone->first_deferred_pfn < zone->end_deferred_pfn &&
	    zone->deferred_zeroed == zeroed)
		return zone->first_deferred_pfn;
	return NO_PFN;
}

/* the free frame to take: a known-zero one first when @want_zeroed */
static uint64_t pick_frame(struct zone *zone, bool want_zeroed)
{
	uint64_t pfn = free_first(zone, want_zeroed);

	return pfn != NO_PFN ? pfn : free_first(zone, !want_zeroed);
}

/* take free frame @pfn off its list as a fresh page; *@zeroed: known zero */
static struct page *claim_frame(struct zone *zone, uint64_t pfn, bool *zeroed)
{
	struct page *page = &zone->mem_map[pfn];

	deferred_grow_zone(zone, pfn + 1);
	*zeroed = page->flags & PG_zeroed;
	free_list_del(zone, pfn);
	zone->stats.allocs++;
	memset(page, 0, sizeof(*page));
	page->refcount = 1;
	return page;
}

/*
 * One frame off the lists: a known-zero one first when @want_zeroed, else
 * one of unknown content first (keeping the zeroed ones for alloc_page).
 */
static struct page *take_frame(struct zone *zone, bool want_zeroed, bool *zeroed)
{
	uint64_t pfn = pick_frame(zone, want_zeroed);

	/* out of frames: reclaim some, as the page allocator's slow path does */
	if (pfn == NO_PFN && shrink_zone(zone, 32))
		pfn = pick_frame(zone, false);
	if (pfn == NO_PFN || should_fail(zone, INJECT_FRAME_ALLOC, 0)) {
		zone->stats.alloc_failures++;
		return NULL;
	}
	return claim_frame(zone, pfn, zeroed);
}

struct page *alloc_page_nozero(struct zone *zone)
{
	bool zeroed;

	return take_frame(zone, false, &zeroed);
}

/* --prezero counts the frames that came zeroed */
static void count_prezero(struct zone *zone, bool zeroed)
{
	if (zone->prezero)
		*(zeroed ? &zone->stats.prezero_hits : &zone->stats.prezero_misses) += 1;
}

/* a claimed frame made zero, unless it is known to be */
static void clear_frame(struct zone *zone, uint64_t pfn, bool zeroed)
{
	count_prezero(zone, zeroed);
	if (!zeroed)
		memset(pfn_to_virt(zone, pfn), 0, PAGE_SIZE);
}

struct page *alloc_page(struct zone *zone)
{
	bool zeroed;
	struct page *page = take_frame(zone, zone->prezero, &zeroed);

	if (page)
		clear_frame(zone, page_to_pfn(zone, page), zeroed);
	return page;
}

/* a free frame (known zero first when @want_zeroed) while more than @reserve are free */
static struct page *claim_above(struct zone *zone, uint64_t reserve, bool want_zeroed,
				bool *zeroed)
{
	uint64_t pfn = pick_frame(zone, want_zeroed);

	if (pfn == NO_PFN || zone->stats.nr_free <= reserve)
		return NULL;
	return claim_frame(zone, pfn, zeroed);
}

/*
 * GFP_NOWAIT | __GFP_NOWARN, for best-effort work (fault-around): a frame
 * (zeroed when @zero) while more than @reserve are free, else NULL.  Never
 * reclaims, and no injection point fires: they stand for the allocations
 * a fault needs, and a prefault without a frame just stops.
 */
struct page *alloc_page_nowait(struct zone *zone, uint64_t reserve, bool zero)
{
	bool zeroed;
	struct page *page = claim_above(zone, reserve, zero, &zeroed);

	if (page && zero && !zeroed)
		memset(pfn_to_virt(zone, page_to_pfn(zone, page)), 0, PAGE_SIZE);
	return page;
}

/*
 * Frames that best-effort allocations (prefaults) and faults under the
 * shared lock leave free, a low watermark: the exclusive path's faults,
 * their page tables, reclaim and the monitor's own allocations come first.
 */
#define LOW_WMARK_MIN	32

uint64_t zone_low_wmark(const struct zone *zone)
{
	return max((uint64_t)LOW_WMARK_MIN, zone->nr_pages >> 7);
}

/*
 * For a fault under the shared lock (memory.c, mm_fault_shared()): a frame
 * while more than @reserve are free, else NULL, so that reclaim and the
 * injection points stay with the exclusive path.  The frame is taken under
 * zone->lock and zeroed after it is dropped: other CPUs fault meanwhile.
 */
struct page *alloc_page_shared(struct zone *zone, uint64_t reserve)
{
	struct page *page;
	bool zeroed;

	pthread_mutex_lock(&zone->lock);
	page = claim_above(zone, reserve, zone->prezero, &zeroed);
	if (page)
		count_prezero(zone, zeroed);
	pthread_mutex_unlock(&zone->lock);
	if (page && !zeroed)
		memset(pfn_to_virt(zone, page_to_pfn(zone, page)), 0, PAGE_SIZE);
	return page;
}

/*
 * A 2 MiB block whose frames are all free, or NO_PFN: the one with the
 * most frames known to be zero, the lowest of those.
 */
static uint64_t find_free_block(struct zone *zone)
{
	uint64_t b, best = NO_PFN, nr_blocks = zone->nr_pages >> HPAGE_PMD_ORDER;

	for (b = 0; b < nr_blocks; b++) {
		if (zone->block_free[b] != HPAGE_PMD_NR)
			continue;
		if (best == NO_PFN || zone->block_zeroed[b] > zone->block_zeroed[best])
			best = b;
		if (zone->block_zeroed[b] == HPAGE_PMD_NR)
			break;
	}
	return best == NO_PFN ? NO_PFN : best << HPAGE_PMD_ORDER;
}

/*
 * The compound page lives in the head's descriptor (owner, counts, LRU);
 * each tail records its distance from the head.  Only subpages not known
 * to be zero are cleared.
 */
struct page *alloc_huge_page(struct zone *zone)
{
	uint64_t base = find_free_block(zone), i;
	struct page *head;

	if (base == NO_PFN || should_fail(zone, INJECT_FRAME_ALLOC, 0)) {
		zone->stats.alloc_failures++;
		return NULL;
	}
	for (i = 0; i < HPAGE_PMD_NR; i++) {
		bool zeroed;
		struct page *page = claim_frame(zone, base + i, &zeroed);

		clear_frame(zone, base + i, zeroed);
		page->refcount = 0;	/* the head holds the compound page's */
		page->flags = PG_tail;
		page->index = i;
	}
	head = &zone->mem_map[base];
	head->flags = PG_head;
	head->refcount = 1;
	return head;
}

/* a tail frame stands for its compound page */
static struct page *compound_head(struct page *page)
{
	return page->flags & PG_tail ? page - page->index : page;
}

void get_page(struct page *page)
{
	compound_head(page)->refcount++;
}

static void free_page_owner(struct zone *zone, struct page *page)
{
	if (page->flags & PG_lru)
		lru_del(zone, page);
	if (page->flags & PG_anon) {
		zone->stats.nr_anon -= page->flags & PG_head ? HPAGE_PMD_NR : 1;
		put_anon_vma(page->anon_vma);
	}
	if ((page->flags & (PG_head | PG_anon)) == (PG_head | PG_anon))
		zone->stats.nr_anon_thp--;
	if (page->flags & PG_pgtable)
		zone->stats.nr_pgtable--;
}

void put_page(struct zone *zone, struct page *page)
{
	uint64_t pfn, nr = 1, i;

	page = compound_head(page);
	if (page->flags & PG_reserved)
		return;
	if (--page->refcount > 0)
		return;
	free_page_owner(zone, page);
	if (page->flags & PG_head)
		nr = HPAGE_PMD_NR;
	/* a freed frame's content is unknown: it goes back dirty */
	pfn = page_to_pfn(zone, page);
	if (zone->gather) {
		for (i = 0; i < nr; i++) {
			zone->mem_map[pfn + i].flags = PG_limbo;
			frame_list_add(zone->gather, pfn + i);
		}
		return;
	}
	for (i = nr; i-- > 0; ) {
		zone->stats.frees++;
		free_list_push(zone, pfn + i, false);
	}
}

/* the CPUs that may have reached @fl's frames have flushed: free them */
void zone_release_gathered(struct zone *zone, struct frame_list *fl)
{
	size_t i;

	for (i = 0; i < fl->nr; i++) {
		zone->stats.frees++;
		free_list_push(zone, fl->pfn[i], false);
	}
	fl->nr = 0;
}

int zone_reserve(struct zone *zone, uint64_t pfn, uint64_t nr)
{
	uint64_t i;

	if (pfn + nr > zone->nr_pages || pfn + nr < pfn)
		return -1;
	/* the top of the deferred frames (the monitor's own): nothing to describe */
	if (nr && pfn >= zone->first_deferred_pfn && pfn + nr == zone->end_deferred_pfn) {
		for (i = pfn; i < pfn + nr; i++) {
			free_count(zone, i, zone->deferred_zeroed, -1);
			zone->mem_map[i].flags = PG_reserved;
			zone->mem_map[i].refcount = 1;
		}
		zone->end_deferred_pfn = pfn;
		return 0;
	}
	deferred_grow_zone(zone, pfn + nr);
	for (i = pfn; i < pfn + nr; i++)
		if (!(zone->mem_map[i].flags & PG_free))
			return -1;
	for (i = pfn; i < pfn + nr; i++) {
		free_list_del(zone, i);
		zone->mem_map[i].flags = PG_reserved;
		zone->mem_map[i].refcount = 1;
	}
	return 0;
}

size_t zone_prezero_grab(struct zone *zone, uint64_t *pfns, size_t max)
{
	uint64_t pfn;
	size_t n = 0;

	pthread_mutex_lock(&zone->lock);
	while (n < max && (pfn = free_first(zone, false)) != NO_PFN) {
		deferred_grow_zone(zone, pfn + 1);
		free_list_del(zone, pfn);
		zone->mem_map[pfn].flags = PG_prezeroing;
		pfns[n++] = pfn;
	}
	pthread_mutex_unlock(&zone->lock);
	return n;
}

void zone_prezero_put(struct zone *zone, const uint64_t *pfns, size_t n)
{
	size_t i;

	pthread_mutex_lock(&zone->lock);
	for (i = 0; i < n; i++) {
		if (pfns[i] >= zone->nr_pages || zone->mem_map[pfns[i]].flags != PG_prezeroing)
			continue;	/* not one we handed out: leave it alone */
		free_list_push(zone, pfns[i], true);
		zone->stats.prezeroed++;
	}
	pthread_mutex_unlock(&zone->lock);
}

/*
 * The caller's memory is known to be zero (fresh anonymous memory from the
 * host): every free frame is already what pre-zeroing would make it, and
 * zeroing it again would only make the host allocate it early.  Low frames
 * stay first, as zone_create() arranged.
 */
void zone_mark_free_zeroed(struct zone *zone)
{
	uint64_t pfn, b;

	for (pfn = zone->first_deferred_pfn; pfn-- > 1; ) {
		if (zone->mem_map[pfn].flags != PG_free)
			continue;
		free_list_del(zone, pfn);
		free_list_push(zone, pfn, true);
	}
	if (zone->deferred_zeroed)
		return;
	/* the deferred frames: counted as zero from now on, in place */
	for (b = 0; b <= zone->nr_pages >> HPAGE_PMD_ORDER; b++)
		zone->block_zeroed[b] += (uint16_t)block_deferred(zone, b);
	zone->nr_zeroed += zone->end_deferred_pfn - zone->first_deferred_pfn;
	zone->deferred_zeroed = true;
}

size_t zone_prezero(struct zone *zone, size_t max)
{
	uint64_t pfns[64];
	size_t done = 0;

	while (done < max) {
		size_t i, n = zone_prezero_grab(zone, pfns, min(max - done, 64));

		if (!n)
			break;
		for (i = 0; i < n; i++)
			memset(pfn_to_virt(zone, pfns[i]), 0, PAGE_SIZE);
		zone_prezero_put(zone, pfns, n);
		done += n;
	}
	return done;
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
