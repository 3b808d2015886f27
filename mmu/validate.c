// SPDX-License-Identifier: GPL-2.0
/*
 * The invariant checker, in the spirit of Linux's validate_mm(): VMA order
 * and bounds, the tree, page-table shape, every entry inside a VMA with no
 * more rights than the VMA allows, each frame's reference and map counts
 * equal to what the page tables and the page caches hold, and the commit
 * log writing only into live page tables.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

/*
 * The per-frame arrays, sized for the whole zone and kept from one check
 * to the next (a check after every exit would otherwise map, fault in and
 * unmap them each time, most of its cost in the emulated machine).  Clean
 * between checks: check_frames() clears each entry as it reads it, and a
 * failed check drops them.
 */
struct validate_scratch {
	uint32_t *maps;		/* leaf entries seen per frame */
	uint8_t *tables;	/* frame reached as a page table */
};

struct checker {
	struct zone *zone;
	uint32_t *maps;		/* the scratch's */
	uint8_t *tables;
	struct vm_area_struct *vma;	/* the last check_leaf() found: the walk goes in order */
	char *err;
	size_t errlen;
	int64_t rss[4];		/* of the mm being walked */
	uint32_t *swap_refs;	/* swap entries naming each slot */
	uint16_t *block_free, *block_zeroed;	/* free frames per 2 MiB block */
};

static int fail(struct checker *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * The key state: with keys the execute-only key, once chosen, is one of
 * the allocated ones; without keys only what Linux's zeroed context allows
 * (key 0 "allocated" by a failed pkey_alloc, no PKRU).
 */
static int check_pkeys(struct checker *c, struct mm_struct *mm)
{
	int xo = mm->execute_only_pkey;

	if (mm->zone->cpu_pkeys) {
		if (xo < -1 || xo > 15 || (xo >= 0 && !(mm->pkey_allocation_map & (1u << xo))))
			return fail(c, "execute-only key %d not allocated (map %#x)", xo,
				    mm->pkey_allocation_map);
		return 0;
	}
	if (xo || mm->pkey_allocation_map > 1 || mm->pkru)
		return fail(c, "key state on a CPU without keys: map %#x, execute-only %d, pkru %#x",
			    mm->pkey_allocation_map, xo, mm->pkru);
	return 0;
}

static int check_vmas(struct checker *c, struct mm_struct *mm)
{
	struct vm_area_struct *vma, *prev = NULL;
	uint64_t count = 0, total = 0;

	if (vma_tree_check(mm, c->err, c->errlen))
		return -1;
	for (vma = mm->mmap; vma; prev = vma, vma = vma->vm_next) {
		count++;
		total += vma_pages(vma);
		if (vma->vm_start >= vma->vm_end || ((vma->vm_start | vma->vm_end) & ~PAGE_MASK) ||
		    vma->vm_end > TASK_SIZE)
			return fail(c, "vma %#lx-%#lx: bad bounds", (unsigned long)vma->vm_start,
				    (unsigned long)vma->vm_end);
		if (vma->vm_prev != prev)
			return fail(c, "vma %#lx: broken prev link", (unsigned long)vma->vm_start);
		if (prev && prev->vm_end > vma->vm_start)
			return fail(c, "vmas %#lx-%#lx and %#lx-%#lx overlap or are out of order",
				    (unsigned long)prev->vm_start, (unsigned long)prev->vm_end,
				    (unsigned long)vma->vm_start, (unsigned long)vma->vm_end);
		if (vma->vm_mm != mm)
			return fail(c, "vma %#lx: wrong mm", (unsigned long)vma->vm_start);
		if ((vma->vm_flags & VM_SHARED) && !vma->vm_file)
			return fail(c, "vma %#lx: shared without a backing object",
				    (unsigned long)vma->vm_start);
		if (vma->vm_file && !i_mmap_check(vma))
			return fail(c, "vma %#lx: its object's interval tree is broken or misses it",
				    (unsigned long)vma->vm_start);
		/* a freed key may stay on a VMA (Linux does not look): only the CPU matters */
		if (vma_pkey(vma) && !mm->zone->cpu_pkeys)
			return fail(c, "vma %#lx: protection key %d on a CPU without keys",
				    (unsigned long)vma->vm_start, vma_pkey(vma));
	}
	if (count != mm->map_count)
		return fail(c, "map_count %lu, list holds %lu", (unsigned long)mm->map_count,
			    (unsigned long)count);
	if (check_pkeys(c, mm))
		return -1;
	if (total != mm->total_vm)
		return fail(c, "total_vm %lu pages, VMAs cover %lu", (unsigned long)mm->total_vm,
			    (unsigned long)total);
	return 0;
}

/* the VMA of @addr, the last one's when it still is */
static struct vm_area_struct *checker_vma(struct checker *c, struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *vma = c->vma;

	if (!vma || vma->vm_mm != mm || addr < vma->vm_start || addr >= vma->vm_end)
		vma = c->vma = vma_lookup(mm, addr);
	return vma;
}

/* the rights an entry may have under @vma, given what it maps */
static int check_leaf(struct checker *c, struct mm_struct *mm, uint64_t addr, pteval_t pte)
{
	struct vm_area_struct *vma = checker_vma(c, mm, addr);
	uint64_t pfn = pte_pfn(pte);
	struct page *page;

	if (!vma)
		return fail(c, "entry %#lx for %#lx outside any VMA", (unsigned long)pte,
			    (unsigned long)addr);
	if (is_swap_pte(pte)) {
		uint64_t slot = pte_to_swp_slot(pte);

		if ((vma->vm_flags & VM_SHARED) || !swap_slot_valid(c->zone, slot))
			return fail(c, "swap entry %#lx for %#lx: bad slot or shared VMA",
				    (unsigned long)pte, (unsigned long)addr);
		c->swap_refs[slot]++;
		c->rss[MM_SWAPENTS]++;
		return 0;
	}
	if (!pte_mapped(pte))
		return fail(c, "entry %#lx for %#lx is neither present nor PROT_NONE",
			    (unsigned long)pte, (unsigned long)addr);
	if (pfn >= c->zone->nr_pages)
		return fail(c, "entry for %#lx points outside guest memory", (unsigned long)addr);
	if (pte_present(pte) != !!(vma->vm_flags & VM_ACCESS_FLAGS))
		return fail(c, "entry for %#lx: presence disagrees with the VMA's rights",
			    (unsigned long)addr);
	if (pte_present(pte) && (!(pte & _PAGE_USER) || !!(pte & _PAGE_NX) == !!(vma->vm_flags & VM_EXEC)))
		return fail(c, "entry %#lx for %#lx: US/NX disagree with the VMA",
			    (unsigned long)pte, (unsigned long)addr);
	if (pte_pkey(pte) != vma_pkey(vma))
		return fail(c, "entry %#lx for %#lx: protection key %d, the VMA's is %d",
			    (unsigned long)pte, (unsigned long)addr, pte_pkey(pte), vma_pkey(vma));
	if (pfn == c->zone->zero_pfn) {
		if (pte_write(pte) || !vma_is_anonymous(vma))
			return fail(c, "zero page mapped writable or outside anonymous memory at %#lx",
				    (unsigned long)addr);
		return 0;
	}
	page = &c->zone->mem_map[pfn];
	if (page->flags & (PG_free | PG_pgtable | PG_reserved | PG_prezeroing | PG_limbo))
		return fail(c, "entry for %#lx maps a free, reserved or page-table frame %#lx",
			    (unsigned long)addr, (unsigned long)pfn);
	if (page->flags & (PG_head | PG_tail))
		return fail(c, "PTE for %#lx maps frame %#lx of a huge page", (unsigned long)addr,
			    (unsigned long)pfn);
	if (pte_write(pte) && !(vma->vm_flags & VM_WRITE))
		return fail(c, "entry for %#lx writable in a read-only VMA", (unsigned long)addr);
	if (page->flags & PG_anon) {
		if (!vma_maps_anon_vma(vma, page->anon_vma) ||
		    page->index != linear_page_index(vma, addr))
			return fail(c, "anonymous page at %#lx: owner or index disagrees with its VMA",
				    (unsigned long)addr);
	} else if (page->flags & PG_cache) {
		if (!vma->vm_file || page->mapping != vma->vm_file->f_mapping ||
		    page->index != linear_page_index(vma, addr))
			return fail(c, "page-cache page at %#lx: owner or index disagrees",
				    (unsigned long)addr);
		if (pte_write(pte) && !(vma->vm_flags & VM_SHARED))
			return fail(c, "page-cache page writable in a private mapping at %#lx",
				    (unsigned long)addr);
	} else {
		return fail(c, "entry for %#lx maps a frame with no owner", (unsigned long)addr);
	}
	c->maps[pfn]++;
	c->rss[page->flags & PG_anon ? MM_ANONPAGES :
	       page->mapping->shmem ? MM_SHMEMPAGES : MM_FILEPAGES]++;
	return 0;
}

/*
 * A huge PMD: a 2 MiB-aligned compound anonymous page, wholly inside an
 * anonymous private VMA, with no more rights than the VMA allows.
 */
static int check_huge_leaf(struct checker *c, struct mm_struct *mm, uint64_t addr, pteval_t pmd)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	uint64_t pfn = pte_pfn(pmd);
	struct page *page;

	if (!vma || addr + PMD_SIZE > vma->vm_end || !vma_is_anonymous(vma) ||
	    (vma->vm_flags & VM_SHARED))
		return fail(c, "huge PMD %#lx for %#lx not inside one anonymous private VMA",
			    (unsigned long)pmd, (unsigned long)addr);
	if (!pte_mapped(pmd) || (pfn & (HPAGE_PMD_NR - 1)) || pfn + HPAGE_PMD_NR > c->zone->nr_pages)
		return fail(c, "huge PMD %#lx for %#lx: not mapped or frame misaligned",
			    (unsigned long)pmd, (unsigned long)addr);
	if (pte_present(pmd) != !!(vma->vm_flags & VM_ACCESS_FLAGS) || pte_pkey(pmd) != vma_pkey(vma) ||
	    (pte_present(pmd) && (!(pmd & _PAGE_USER) ||
				  !!(pmd & _PAGE_NX) == !!(vma->vm_flags & VM_EXEC))) ||
	    (pte_write(pmd) && !(vma->vm_flags & VM_WRITE)))
		return fail(c, "huge PMD %#lx for %#lx: rights disagree with the VMA",
			    (unsigned long)pmd, (unsigned long)addr);
	page = &c->zone->mem_map[pfn];
	if ((page->flags & (PG_head | PG_anon)) != (PG_head | PG_anon) ||
	    !vma_maps_anon_vma(vma, page->anon_vma) || page->index != linear_page_index(vma, addr))
		return fail(c, "huge PMD for %#lx: frame %#lx not a compound anonymous page of the VMA",
			    (unsigned long)addr, (unsigned long)pfn);
	/* copy on write: a shared huge page is read-only everywhere */
	if (pte_write(pmd) && page->mapcount != 1)
		return fail(c, "huge PMD for %#lx writable but the page has %d mappings",
			    (unsigned long)addr, page->mapcount);
	c->maps[pfn]++;
	c->rss[MM_ANONPAGES] += HPAGE_PMD_NR;
	return 0;
}

/* each huge PMD of a PMD table has one deposited table: mark them reached */
static int check_deposits(struct checker *c, uint64_t pfn, unsigned int huge)
{
	uint32_t t = c->zone->mem_map[pfn].pmd_huge_pte;
	unsigned int n = 0;

	for (; t; t = c->zone->mem_map[t].pmd_huge_pte, n++) {
		struct page *table = &c->zone->mem_map[t];

		if (t >= c->zone->nr_pages || n > huge || !(table->flags & PG_pgtable) ||
		    table->pt_used || table->refcount != 1 || c->tables[t]++)
			return fail(c, "PMD table %#lx: deposited table %#lx broken",
				    (unsigned long)pfn, (unsigned long)t);
	}
	if (n != huge)
		return fail(c, "PMD table %#lx: %u huge PMDs, %u deposited tables",
			    (unsigned long)pfn, huge, n);
	return 0;
}

static int check_rss(struct checker *c, struct mm_struct *mm)
{
	int i;

	for (i = 0; i < 4; i++)
		if (c->rss[i] != mm->rss[i])
			return fail(c, "rss counter %d is %ld, the tables map %ld", i,
				    (long)mm->rss[i], (long)c->rss[i]);
	return 0;
}

static int check_table(struct checker *c, struct mm_struct *mm, uint64_t pfn, int level,
		       uint64_t base)
{
	pteval_t *table = pfn_to_virt(c->zone, pfn);
	struct page *page = &c->zone->mem_map[pfn];
	unsigned int i, used = 0, huge = 0, limit = level == 4 ? PTRS_PER_TABLE / 2 : PTRS_PER_TABLE;

	if (!(page->flags & PG_pgtable) || c->tables[pfn]++)
		return fail(c, "frame %#lx linked as a table twice or not marked as one",
			    (unsigned long)pfn);
	/* one pass: entries counted and checked (the PGD's kernel half only counted) */
	for (i = 0; i < PTRS_PER_TABLE; i++) {
		uint64_t addr = base + ((uint64_t)i << (PAGE_SHIFT + 9 * (level - 1)));

		if (!table[i])
			continue;
		used++;
		if (i >= limit)
			continue;
		if (level == 1) {
			if (check_leaf(c, mm, addr, table[i]))
				return -1;
			continue;
		}
		if (level == 2 && (table[i] & _PAGE_PSE)) {
			if (check_huge_leaf(c, mm, addr, table[i]))
				return -1;
			huge++;
			continue;
		}
		if ((table[i] & (_PAGE_TABLE | _PAGE_PSE | _PAGE_NX)) != _PAGE_TABLE ||
		    pte_pfn(table[i]) >= c->zone->nr_pages)
			return fail(c, "level-%d entry %#lx for %#lx is not a table link", level,
				    (unsigned long)table[i], (unsigned long)addr);
		if (check_table(c, mm, pte_pfn(table[i]), level - 1, addr))
			return -1;
	}
	if (used != page->pt_used)
		return fail(c, "table %#lx holds %u entries, counted %u", (unsigned long)pfn, used,
			    page->pt_used);
	if (level == 2 || page->pmd_huge_pte)
		return check_deposits(c, pfn, huge);
	return 0;
}

/* tables unlinked in the pending batch: unreachable, still page tables */
static int mark_deferred(struct checker *c, struct mm_struct *mm)
{
	size_t i;

	for (i = 0; i < mm->log.nr_deferred; i++) {
		uint64_t pfn = mm->log.deferred[i];

		if (pfn >= c->zone->nr_pages || !(c->zone->mem_map[pfn].flags & PG_pgtable))
			return fail(c, "deferred table %#lx is not a page table", (unsigned long)pfn);
		if (c->tables[pfn])
			return fail(c, "table %#lx freed but still linked", (unsigned long)pfn);
		c->tables[pfn] = 2;
	}
	return 0;
}

static int check_log(struct checker *c, struct mm_struct *mm)
{
	size_t i;

	for (i = 0; i < mm->log.nr; i++) {
		uint64_t pfn = mm->log.ent[i].pte_gpa >> PAGE_SHIFT;

		if (pfn >= c->zone->nr_pages || !c->tables[pfn])
			return fail(c, "commit log entry %zu writes into frame %#lx, not a table",
				    i, (unsigned long)pfn);
	}
	return 0;
}

static int count_visit(struct page *page, struct vm_area_struct *vma, uint64_t addr,
		       pteval_t *ptep, void *arg)
{
	(*(uint32_t *)arg)++;
	return 0;
}

/* rmap is complete: it finds exactly the @maps entries the table walk found */
static int check_rmap(struct checker *c, uint64_t pfn, uint32_t maps)
{
	uint32_t found = 0;

	rmap_walk(c->zone, &c->zone->mem_map[pfn], count_visit, &found);
	if (found != maps)
		return fail(c, "frame %#lx: rmap finds %u mappings, the tables hold %u",
			    (unsigned long)pfn, found, maps);
	return 0;
}

/* each slot: references = entries naming it + the swap cache's */
static int check_swap(struct checker *c)
{
	uint64_t slot, n = swap_nr_slots(c->zone);

	for (slot = 0; slot < n; slot++) {
		uint32_t expect = c->swap_refs[slot] + !!lookup_swap_cache(c->zone, slot) +
				  swap_slot_shmem(c->zone, slot);

		if (swap_slot_count(c->zone, slot) != expect)
			return fail(c, "swap slot %lu: %u references, %u expected",
				    (unsigned long)slot, swap_slot_count(c->zone, slot), expect);
	}
	return 0;
}

/* a tail frame, mapped by @maps entries: only its head's descriptor counts */
static int check_tail(struct checker *c, uint64_t pfn, uint32_t maps)
{
	struct page *page = &c->zone->mem_map[pfn];
	struct page *head = page - page->index;

	if (page->flags != PG_tail || !page->index || page->index >= HPAGE_PMD_NR ||
	    (pfn - page->index) & (HPAGE_PMD_NR - 1) || !(head->flags & PG_head) ||
	    page->refcount || page->mapcount || maps)
		return fail(c, "tail frame %#lx of a huge page is inconsistent", (unsigned long)pfn);
	return 0;
}

/*
 * The frames zone_create() has not described yet: free and counted, in
 * place, per 2 MiB block.  Counted by arithmetic, so that a check costs
 * what the guest used, not what --mem allows.
 */
static int count_deferred(struct checker *c, uint64_t *nfree, uint64_t *nzeroed)
{
	struct zone *zone = c->zone;
	uint64_t first = zone->first_deferred_pfn, end = zone->end_deferred_pfn, b;

	if (first < 1 || first > end || end > zone->nr_pages)
		return fail(c, "deferred frames [%#lx, %#lx) outside the zone",
			    (unsigned long)first, (unsigned long)end);
	if (first == end)
		return 0;
	for (b = first >> HPAGE_PMD_ORDER; b <= (end - 1) >> HPAGE_PMD_ORDER; b++) {
		uint64_t lo = max(b << HPAGE_PMD_ORDER, first);
		uint64_t hi = min((b + 1) << HPAGE_PMD_ORDER, end);

		c->block_free[b] += hi - lo;
		c->block_zeroed[b] += zone->deferred_zeroed ? hi - lo : 0;
	}
	*nfree += end - first;
	*nzeroed += zone->deferred_zeroed ? end - first : 0;
	return 0;
}

/* every frame: counts equal what the tables and caches hold, nothing leaked */
static int check_frames(struct checker *c)
{
	const uint8_t *zero = pfn_to_virt(c->zone, c->zone->zero_pfn);
	uint64_t pfn, nfree = 0, nzeroed = 0, nthp = 0;
	uint16_t *block_free = c->block_free, *block_zeroed = c->block_zeroed;

	for (pfn = 0; pfn < PAGE_SIZE; pfn++)
		if (zero[pfn])
			return fail(c, "the zero page is not zero at byte %lu", (unsigned long)pfn);
	if (count_deferred(c, &nfree, &nzeroed))
		return -1;
	for (pfn = 1; pfn < c->zone->nr_pages; pfn++) {
		struct page *page = &c->zone->mem_map[pfn];

		if (pfn == c->zone->first_deferred_pfn && pfn < c->zone->end_deferred_pfn) {
			pfn = c->zone->end_deferred_pfn - 1;
			continue;
		}
		/* read and cleared for the next check (none reaches deferred frames) */
		uint32_t maps = c->maps[pfn];
		uint8_t table = c->tables[pfn];

		c->maps[pfn] = 0;
		c->tables[pfn] = 0;
		int32_t expect = (int32_t)maps + !!(page->flags & PG_cache) +
				 !!(page->flags & PG_swapcache);

		if (page->flags & PG_free) {
			nfree++;
			nzeroed += !!(page->flags & PG_zeroed);
			block_free[pfn >> HPAGE_PMD_ORDER]++;
			block_zeroed[pfn >> HPAGE_PMD_ORDER] += !!(page->flags & PG_zeroed);
			continue;
		}
		/* freed, waiting for the other CPUs' flush: nobody's */
		if (page->flags & (PG_reserved | PG_prezeroing | PG_limbo))
			continue;
		if (page->flags & PG_tail) {
			if (check_tail(c, pfn, maps))
				return -1;
			continue;
		}
		if (page->flags & PG_zeroed)
			return fail(c, "allocated frame %#lx still marked zeroed", (unsigned long)pfn);
		nthp += (page->flags & (PG_head | PG_anon)) == (PG_head | PG_anon);
		if (page->flags & PG_pgtable) {
			if (!table || page->refcount != 1)
				return fail(c, "page-table frame %#lx leaked or miscounted",
					    (unsigned long)pfn);
			continue;
		}
		if (page->mapcount != (int32_t)maps)
			return fail(c, "frame %#lx: mapcount %d, mapped by %u entries",
				    (unsigned long)pfn, page->mapcount, maps);
		if (page->refcount != expect)
			return fail(c, "frame %#lx: refcount %d, expected %d (leaked or over-freed)",
				    (unsigned long)pfn, page->refcount, expect);
		if ((page->flags & PG_cache) && (!page->mapping ||
		    !filemap_is_cached(page->mapping, page->index)))
			return fail(c, "page-cache frame %#lx not in its cache", (unsigned long)pfn);
		if (!(page->flags & (PG_anon | PG_cache)))
			return fail(c, "frame %#lx allocated with no owner", (unsigned long)pfn);
		if (!(page->flags & PG_lru))
			return fail(c, "user frame %#lx not on the reclaim clock", (unsigned long)pfn);
		if ((page->flags & PG_swapcache) &&
		    lookup_swap_cache(c->zone, page->swap_slot) != page)
			return fail(c, "frame %#lx: swap cache disagrees", (unsigned long)pfn);
		if (maps && check_rmap(c, pfn, maps))
			return -1;
	}
	if (nthp != c->zone->stats.nr_anon_thp)
		return fail(c, "%lu huge pages allocated, nr_anon_thp says %lu", (unsigned long)nthp,
			    (unsigned long)c->zone->stats.nr_anon_thp);
	if (nfree != c->zone->stats.nr_free || nzeroed != c->zone->nr_zeroed)
		return fail(c, "free lists hold %lu frames (%lu zeroed), counted %lu (%lu)",
			    (unsigned long)c->zone->stats.nr_free,
			    (unsigned long)c->zone->nr_zeroed, (unsigned long)nfree,
			    (unsigned long)nzeroed);
	for (pfn = 0; pfn <= c->zone->nr_pages >> HPAGE_PMD_ORDER; pfn++)
		if (block_free[pfn] != c->zone->block_free[pfn] ||
		    block_zeroed[pfn] != c->zone->block_zeroed[pfn])
			return fail(c, "2 MiB block %lu: %u free frames (%u zeroed), counted %u (%u)",
				    (unsigned long)pfn, block_free[pfn], block_zeroed[pfn],
				    c->zone->block_free[pfn], c->zone->block_zeroed[pfn]);
	return check_swap(c);
}

/*
 * Per-frame arrays, sized for the whole zone but touched only where the
 * walk finds something: fresh anonymous memory.  calloc() would clear them
 * in full once malloc's mmap threshold has grown past their size, and a
 * check would cost what --mem allows, not what is used.
 */
static void *frame_array(struct zone *zone, size_t elem)
{
	void *p = mmap(NULL, zone->nr_pages * elem, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void frame_array_free(struct zone *zone, void *p, size_t elem)
{
	if (p)
		munmap(p, zone->nr_pages * elem);
}

void validate_scratch_free(struct zone *zone)
{
	struct validate_scratch *s = zone->check_scratch;

	if (!s)
		return;
	frame_array_free(zone, s->maps, sizeof(*s->maps));
	frame_array_free(zone, s->tables, 1);
	free(s);
	zone->check_scratch = NULL;
}

static struct validate_scratch *validate_scratch(struct zone *zone)
{
	struct validate_scratch *s = zone->check_scratch;

	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	zone->check_scratch = s;
	s->maps = frame_array(zone, sizeof(*s->maps));
	s->tables = frame_array(zone, 1);
	if (!s->maps || !s->tables) {
		validate_scratch_free(zone);
		return NULL;
	}
	return s;
}

/*
 * All address spaces sharing a zone, checked together.  The caller keeps
 * the zone's other users out (the monitor stops every vCPU), as for any
 * change: the checker's scratch is the zone's.
 */
int validate_mms(struct mm_struct **mms, int n, char *err, size_t errlen)
{
	struct checker c = { .zone = mms[0]->zone, .err = err, .errlen = errlen };
	struct validate_scratch *scratch = validate_scratch(c.zone);
	int i, ret = -1;

	c.maps = scratch ? scratch->maps : NULL;
	c.tables = scratch ? scratch->tables : NULL;
	c.swap_refs = calloc(swap_nr_slots(c.zone) + 1, sizeof(*c.swap_refs));
	c.block_free = calloc((c.zone->nr_pages >> HPAGE_PMD_ORDER) + 1, sizeof(*c.block_free));
	c.block_zeroed = calloc((c.zone->nr_pages >> HPAGE_PMD_ORDER) + 1, sizeof(*c.block_zeroed));
	if (!c.maps || !c.tables || !c.swap_refs || !c.block_free || !c.block_zeroed) {
		fail(&c, "checker out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		memset(c.rss, 0, sizeof(c.rss));
		c.vma = NULL;
		if (check_vmas(&c, mms[i]) || check_table(&c, mms[i], mms[i]->pgd_pfn, 4, 0) ||
		    check_rss(&c, mms[i]))
			goto out;
	}
	for (i = 0; i < n; i++)
		if (mark_deferred(&c, mms[i]) || check_log(&c, mms[i]))
			goto out;
	ret = check_frames(&c);
out:
	/* frame 0 is never looked at; a failed check may have left marks anywhere */
	if (c.maps && !ret) {
		c.maps[0] = 0;
		c.tables[0] = 0;
	}
	if (ret)
		validate_scratch_free(c.zone);
	free(c.swap_refs);
	free(c.block_free);
	free(c.block_zeroed);
	return ret;
}

int validate_mm(struct mm_struct *mm, char *err, size_t errlen)
{
	return validate_mms(&mm, 1, err, errlen);
}

int validate_zone_empty(struct zone *zone, char *err, size_t errlen)
{
	uint64_t pfn;

	for (pfn = 1; pfn < zone->nr_pages; pfn++) {
		struct page *page = &zone->mem_map[pfn];

		if (pfn == zone->first_deferred_pfn && pfn < zone->end_deferred_pfn) {
			pfn = zone->end_deferred_pfn - 1;
			continue;
		}
		if (!(page->flags & (PG_free | PG_reserved | PG_prezeroing))) {
			snprintf(err, errlen, "frame %#lx still in use (flags %#x, refcount %d)",
				 (unsigned long)pfn, page->flags, page->refcount);
			return -1;
		}
	}
	return 0;
}
