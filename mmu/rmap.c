// SPDX-License-Identifier: GPL-2.0
/*
 * Reverse mapping (Linux's mm/rmap.c).
 *
 * Anonymous pages record their anon_vma and their linear index; the
 * anon_vma's links name every VMA, in any address space, that may map
 * them, and the page's address in each is computed from the VMA's
 * vm_pgoff.  File and shared-memory pages are found through their
 * object's interval tree of mappings (i_mmap).  On this, rmap_walk() visits every
 * entry that maps a page, try_to_unmap() clears them all through the
 * commit logs, and page_referenced() reads and clears accessed bits.
 */
#include <stdlib.h>

#include "internal.h"

void get_anon_vma(struct anon_vma *anon_vma)
{
	anon_vma->refcount++;
}

void put_anon_vma(struct anon_vma *anon_vma)
{
	while (anon_vma && --anon_vma->refcount == 0) {
		struct anon_vma *parent = anon_vma->parent;

		free(anon_vma);
		anon_vma = parent;
	}
}

static struct anon_vma *anon_vma_alloc(struct mm_struct *mm)
{
	struct anon_vma *anon_vma = calloc(1, sizeof(*anon_vma));

	if (anon_vma)
		anon_vma->id = ++mm->next_anon_vma_id;
	return anon_vma;
}

/* anon_vma_chain_link(): @vma may map pages of @anon_vma */
static int avc_link(struct vm_area_struct *vma, struct anon_vma *anon_vma)
{
	struct anon_vma_chain *avc = calloc(1, sizeof(*avc));

	if (!avc)
		return -ENOMEM;
	avc->vma = vma;
	avc->anon_vma = anon_vma;
	avc->same_vma = vma->anon_vma_chain;
	vma->anon_vma_chain = avc;
	avc->next = anon_vma->head;
	if (anon_vma->head)
		anon_vma->head->prev = avc;
	anon_vma->head = avc;
	get_anon_vma(anon_vma);
	return 0;
}

/* unlink_anon_vmas(): @vma maps no anonymous pages any more */
void unlink_anon_vmas(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc = vma->anon_vma_chain, *next;

	for (; avc; avc = next) {
		struct anon_vma *anon_vma = avc->anon_vma;

		next = avc->same_vma;
		if (avc->prev)
			avc->prev->next = avc->next;
		else
			anon_vma->head = avc->next;
		if (avc->next)
			avc->next->prev = avc->prev;
		free(avc);
		put_anon_vma(anon_vma);
	}
	vma->anon_vma_chain = NULL;
	vma->anon_vma = NULL;
}

/* anon_vma_clone(): @dst, made from @src, may map the same pages */
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct anon_vma_chain *avc;

	for (avc = src->anon_vma_chain; avc; avc = avc->same_vma) {
		if (avc_link(dst, avc->anon_vma)) {
			unlink_anon_vmas(dst);
			return -ENOMEM;
		}
	}
	dst->anon_vma = src->anon_vma;
	return 0;
}

/*
 * list_is_singular(&vma->anon_vma_chain): the VMA maps only pages of its
 * own anon_vma, none inherited through fork.  Merges and anon_vma reuse
 * require it (vma_had_uncowed_parents(), reusable_anon_vma()).
 */
bool vma_chain_singular(const struct vm_area_struct *vma)
{
	return !vma->anon_vma_chain || !vma->anon_vma_chain->same_vma;
}

/* may @vma map a page owned by @anon_vma? */
bool vma_maps_anon_vma(const struct vm_area_struct *vma, const struct anon_vma *anon_vma)
{
	const struct anon_vma_chain *avc;

	for (avc = vma->anon_vma_chain; avc; avc = avc->same_vma)
		if (avc->anon_vma == anon_vma)
			return true;
	return false;
}

/*
 * anon_vma_fork(): the child's VMA links to every anon_vma of the parent's
 * VMA, and gets one of its own, under the parent's, for its new pages.
 */
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	struct anon_vma *anon_vma;

	vma->anon_vma = NULL;
	vma->anon_vma_chain = NULL;
	if (!pvma->anon_vma)
		return 0;
	if (anon_vma_clone(vma, pvma))
		return -ENOMEM;
	anon_vma = anon_vma_alloc(vma->vm_mm);
	if (!anon_vma || avc_link(vma, anon_vma)) {
		free(anon_vma);
		unlink_anon_vmas(vma);
		return -ENOMEM;
	}
	anon_vma->parent = pvma->anon_vma;
	get_anon_vma(anon_vma->parent);
	vma->anon_vma = anon_vma;
	return 0;
}

/*
 * Linux's anon_vma_compatible(): a neighbour whose anon_vma may be shared
 * differs at most in access rights and continues @vma's page offsets.
 */
static bool anon_vma_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start &&
	       !((a->vm_flags ^ b->vm_flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) &&
	       a->vm_file == b->vm_file &&
	       b->vm_pgoff == a->vm_pgoff + vma_pages(a);
}

/* find_mergeable_anon_vma(): reuse a neighbour's anon_vma where Linux would */
static struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma->vm_next, *prev = vma->vm_prev;

	if (next && next->anon_vma && anon_vma_compatible(vma, next) && vma_chain_singular(next))
		return next->anon_vma;
	if (prev && prev->anon_vma && anon_vma_compatible(prev, vma) && vma_chain_singular(prev))
		return prev->anon_vma;
	return NULL;
}

int anon_vma_prepare(struct vm_area_struct *vma)
{
	struct anon_vma *anon_vma, *fresh = NULL;

	if (vma->anon_vma)
		return 0;
	anon_vma = find_mergeable_anon_vma(vma);
	if (!anon_vma)
		anon_vma = fresh = anon_vma_alloc(vma->vm_mm);
	if (!anon_vma || avc_link(vma, anon_vma)) {
		free(fresh);
		return -ENOMEM;
	}
	vma->anon_vma = anon_vma;
	return 0;
}

/* a new anonymous page now belongs to @vma's anon_vma at @addr's index */
void page_add_anon_rmap(struct zone *zone, struct page *page,
			struct vm_area_struct *vma, uint64_t addr)
{
	page->flags |= PG_anon;
	page->anon_vma = vma->anon_vma;
	get_anon_vma(vma->anon_vma);
	page->index = linear_page_index(vma, addr);
	zone->stats.nr_anon++;
	lru_add(zone, page);
}

/* ---- the walk ---- */

/* vma_address(): where @vma would map page @index, or 0 */
static uint64_t vma_address(const struct vm_area_struct *vma, uint64_t index)
{
	uint64_t addr;

	if (index < vma->vm_pgoff || index - vma->vm_pgoff >= vma_pages(vma))
		return 0;
	addr = vma->vm_start + ((index - vma->vm_pgoff) << PAGE_SHIFT);
	return addr;
}

static int walk_one(struct zone *zone, struct page *page, struct vm_area_struct *vma,
		    rmap_visit_t visit, void *arg)
{
	uint64_t addr = vma_address(vma, page->index);
	pteval_t *ptep;

	if (!addr)
		return 0;
	/* a compound page is mapped by PMDs only */
	if (page->flags & PG_head) {
		ptep = pmd_walk(vma->vm_mm, addr, false);
		if (!ptep || !pmd_trans_huge(*ptep) || pte_pfn(*ptep) != page_to_pfn(zone, page))
			return 0;
		return visit(page, vma, addr, ptep, arg);
	}
	ptep = pte_lookup(vma->vm_mm, addr, NULL);
	if (!ptep || !pte_mapped(*ptep) || pte_pfn(*ptep) != page_to_pfn(zone, page))
		return 0;
	return visit(page, vma, addr, ptep, arg);
}

/*
 * Every (address space, VMA, address) whose entry maps @page; @visit
 * returns non-zero to stop the walk, which then returns that value.
 */
int rmap_walk(struct zone *zone, struct page *page, rmap_visit_t visit, void *arg)
{
	int ret = 0;

	if (page->flags & PG_anon) {
		struct anon_vma_chain *avc;

		for (avc = page->anon_vma->head; avc && !ret; avc = avc->next)
			ret = walk_one(zone, page, avc->vma, visit, arg);
	} else if (page->flags & PG_cache) {
		struct vm_area_struct *vma;

		i_mmap_foreach(vma, page->mapping, page->index, page->index + 1) {
			ret = walk_one(zone, page, vma, visit, arg);
			if (ret)
				break;
		}
	}
	return ret;
}

/* try_to_unmap_one(): the entry goes, through its address space's log */
static int unmap_one(struct page *page, struct vm_area_struct *vma, uint64_t addr,
		     pteval_t *ptep, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	pteval_t pte = *ptep;

	/*
	 * mlocked; or the mm's batch is being applied by a CPU (log.owner):
	 * an entry changed now could be overtaken by the older re-write.
	 */
	if ((vma->vm_flags & VM_LOCKED) || mm->log.owner)
		return 1;
	if (pte_dirty(pte) && (page->flags & PG_cache))
		page->flags |= PG_dirty;
	set_pte_at(mm, addr, ptep, *(pteval_t *)arg);
	if (is_swap_pte(*(pteval_t *)arg)) {
		swap_duplicate(mm->zone, pte_to_swp_slot(*(pteval_t *)arg));
		mm->rss[MM_SWAPENTS]++;
	}
	page_map_account(mm, page, -1);
	put_page(mm->zone, page);
	/*
	 * Empty tables stay until munmap or exit, as in Linux: reclaim runs
	 * inside allocations, whose callers may hold an entry of a table.
	 */
	return 0;
}

/*
 * try_to_unmap(): clear every entry that maps @page, replacing each with
 * @replacement (0, or a swap entry).  Fails, leaving the page mapped
 * somewhere, when a VMA is mlocked.
 */
int try_to_unmap(struct zone *zone, struct page *page, pteval_t replacement)
{
	int ret;

	get_page(page);		/* the last unmap must not free it under us */
	ret = rmap_walk(zone, page, unmap_one, &replacement);
	put_page(zone, page);
	return ret ? -EBUSY : 0;
}

static int referenced_one(struct page *page, struct vm_area_struct *vma, uint64_t addr,
			  pteval_t *ptep, void *arg)
{
	int *referenced = arg;

	if (vma->vm_flags & VM_LOCKED) {
		*referenced = -1;
		return 1;
	}
	if (pte_young(*ptep)) {
		(*referenced)++;
		set_pte_at(vma->vm_mm, addr, ptep, *ptep & ~_PAGE_ACCESSED);
	}
	return 0;
}

/*
 * page_referenced(): how many entries had the accessed bit set (and now
 * have it clear), or -1 when an mlocked VMA maps the page.
 */
int page_referenced(struct zone *zone, struct page *page)
{
	int referenced = 0;

	rmap_walk(zone, page, referenced_one, &referenced);
	return referenced;
}
