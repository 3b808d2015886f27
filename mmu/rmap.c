// SPDX-License-Identifier: GPL-2.0
/*
 * Anonymous memory's owner: the anon_vma (Linux's mm/rmap.c).  Each
 * anonymous page records its anon_vma and its linear index, so the address
 * of the page in any VMA that may map it is computed, not stored.  Here an
 * anon_vma is shared by the VMAs that a split or merge made from one
 * another, which is what decides Linux's merge rules; the anon_vma_chain
 * that fork needs comes with fork.
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

/*
 * Linux's "anon_vma_chain is singular": the VMA maps only pages of its own
 * anon_vma, none inherited through fork.  Merges and anon_vma reuse
 * require it (vma_had_uncowed_parents(), reusable_anon_vma()).
 */
bool anon_vma_chain_singular(const struct anon_vma *anon_vma)
{
	return !anon_vma || !anon_vma->parent;
}

/* may a VMA of @vma_anon map a page owned by @page_anon? */
bool anon_vma_covers(const struct anon_vma *vma_anon, const struct anon_vma *page_anon)
{
	for (; vma_anon; vma_anon = vma_anon->parent)
		if (vma_anon == page_anon)
			return true;
	return false;
}

/* anon_vma_fork(): the child's VMA gets an anon_vma of its own under the parent's */
int anon_vma_fork(struct vm_area_struct *child, struct vm_area_struct *parent)
{
	struct anon_vma *anon_vma;

	child->anon_vma = NULL;
	if (!parent->anon_vma)
		return 0;
	anon_vma = calloc(1, sizeof(*anon_vma));
	if (!anon_vma)
		return -ENOMEM;
	anon_vma->id = ++child->vm_mm->next_anon_vma_id;
	anon_vma->parent = parent->anon_vma;
	get_anon_vma(parent->anon_vma);
	anon_vma->refcount = 1;
	child->anon_vma = anon_vma;
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

	if (next && next->anon_vma && anon_vma_compatible(vma, next) &&
	    anon_vma_chain_singular(next->anon_vma))
		return next->anon_vma;
	if (prev && prev->anon_vma && anon_vma_compatible(prev, vma) &&
	    anon_vma_chain_singular(prev->anon_vma))
		return prev->anon_vma;
	return NULL;
}

int anon_vma_prepare(struct vm_area_struct *vma)
{
	struct anon_vma *anon_vma;

	if (vma->anon_vma)
		return 0;
	anon_vma = find_mergeable_anon_vma(vma);
	if (!anon_vma) {
		anon_vma = calloc(1, sizeof(*anon_vma));
		if (!anon_vma)
			return -ENOMEM;
		anon_vma->id = ++vma->vm_mm->next_anon_vma_id;
	}
	get_anon_vma(anon_vma);
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
}
