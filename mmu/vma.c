// SPDX-License-Identifier: GPL-2.0
/*
 * VMA life cycle: allocation, linking into the tree and the list, splitting
 * and merging (Linux's mm/vma.c).  The merge rules are Linux's: same flags
 * (VM_SOFTDIRTY aside), same file, contiguous vm_pgoff, compatible
 * anon_vmas, and nothing VM_SPECIAL.
 */
#include <stdlib.h>

#include "internal.h"

#define VM_IGNORE_MERGE	VM_SOFTDIRTY

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = should_fail(mm->zone, INJECT_VMA_ALLOC, 0) ? NULL :
				     calloc(1, sizeof(*vma));

	if (vma)
		vma->vm_mm = mm;
	return vma;
}

/* a copy of @vma's attributes, not linked anywhere, holding its references */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *vma = vm_area_alloc(orig->vm_mm);

	if (!vma)
		return NULL;
	vma->vm_start = orig->vm_start;
	vma->vm_end = orig->vm_end;
	vma->vm_flags = orig->vm_flags;
	vma->vm_pgoff = orig->vm_pgoff;
	vma->vm_ops = orig->vm_ops;
	vma->vm_file = orig->vm_file;
	if (anon_vma_clone(vma, orig)) {
		free(vma);
		return NULL;
	}
	if (vma->vm_file)
		get_file(vma->vm_file);
	if (vma->vm_ops && vma->vm_ops->open)
		vma->vm_ops->open(vma);
	return vma;
}

void vm_area_free(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
	if (vma->vm_file)
		fput(vma->vm_file);
	unlink_anon_vmas(vma);
	free(vma);
}

uint64_t vm_start_gap(const struct vm_area_struct *vma)
{
	uint64_t start = vma->vm_start;

	if (vma->vm_flags & VM_GROWSDOWN) {
		start -= vma->vm_mm->stack_guard_gap;
		if (start > vma->vm_start)
			start = 0;
	}
	return start;
}

uint64_t vm_end_gap(const struct vm_area_struct *vma)
{
	return vma->vm_end;	/* x86 has no VM_GROWSUP */
}

/* insert into the list after the VMA below it, then into the tree */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = find_vma(mm, vma->vm_start);
	struct vm_area_struct *prev = next ? next->vm_prev : NULL;

	if (!next) {
		prev = mm->mmap;
		while (prev && prev->vm_next)
			prev = prev->vm_next;
	}
	vma->vm_mm = mm;
	vma->vm_prev = prev;
	vma->vm_next = next;
	if (prev)
		prev->vm_next = vma;
	else
		mm->mmap = vma;
	if (next)
		next->vm_prev = vma;
	mm->map_count++;
	if (vma->vm_file)
		i_mmap_insert(vma);
	vma_tree_insert(mm, vma);
	if (next)
		vma_gap_update(mm, next);
}

void vma_unlink_free(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma->vm_next;

	vma_tree_erase(mm, vma);
	if (vma->vm_file)
		i_mmap_remove(vma);
	if (vma->vm_prev)
		vma->vm_prev->vm_next = next;
	else
		mm->mmap = next;
	if (next)
		next->vm_prev = vma->vm_prev;
	mm->map_count--;
	if (next)
		vma_gap_update(mm, next);
	vm_area_free(vma);
}

/*
 * Change a linked VMA's range.  The tree is keyed by vm_start, but callers
 * only move a boundary towards a neighbour they have just removed or into
 * free space, so the order never changes.
 */
void vma_set_range(struct mm_struct *mm, struct vm_area_struct *vma,
		   uint64_t start, uint64_t end, uint64_t pgoff)
{
	bool linked_file = vma->vm_file && (vma->shared.parent || vma->vm_file->f_mapping->i_mmap == vma);

	/* its page range is the interval tree's key */
	if (linked_file)
		i_mmap_remove(vma);
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_pgoff = pgoff;
	if (linked_file)
		i_mmap_insert(vma);
	vma_gap_update(mm, vma);
	if (vma->vm_next)
		vma_gap_update(mm, vma->vm_next);
}

/*
 * Split @vma at @addr; the new VMA takes the part below @addr when
 * @new_below, else the part above.  Linux's __split_vma(): the map-count
 * check is the caller's.
 */
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr, int new_below)
{
	struct vm_area_struct *new = vm_area_dup(vma);
	uint64_t off = (addr - vma->vm_start) >> PAGE_SHIFT;

	if (!new)
		return -ENOMEM;
	/* a huge PMD may not straddle two VMAs */
	split_huge_pmd_address(mm, addr);
	if (new_below) {
		new->vm_end = addr;
		vma_set_range(mm, vma, addr, vma->vm_end, vma->vm_pgoff + off);
	} else {
		new->vm_start = addr;
		new->vm_pgoff = vma->vm_pgoff + off;
		vma_set_range(mm, vma, vma->vm_start, addr, vma->vm_pgoff);
	}
	vma_link(mm, new);
	return 0;
}

/*
 * is_mergeable_anon_vma(): one side without an anon_vma takes the other's,
 * unless that one inherited pages through fork; otherwise they must be one.
 */
static bool anon_vma_compatible_for_merge(const struct vm_area_struct *a,
					  const struct vm_area_struct *b)
{
	if (!a->anon_vma && b->anon_vma)
		return vma_chain_singular(b);
	if (a->anon_vma && !b->anon_vma)
		return vma_chain_singular(a);
	return a->anon_vma == b->anon_vma;
}

/* may @a (below) and @b (above, adjacent) become one VMA? */
bool vma_can_merge(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	if (!a || !b || a->vm_end != b->vm_start)
		return false;
	if ((a->vm_flags ^ b->vm_flags) & ~VM_IGNORE_MERGE)
		return false;
	if (a->vm_flags & VM_SPECIAL)
		return false;
	if (a->vm_file != b->vm_file || a->vm_ops != b->vm_ops)
		return false;
	if (a->vm_pgoff + vma_pages(a) != b->vm_pgoff)
		return false;
	return anon_vma_compatible_for_merge(a, b);
}

/* @b disappears into @a, which grows over it */
static void vma_merge_pair(struct mm_struct *mm, struct vm_area_struct *a, struct vm_area_struct *b)
{
	uint64_t end = b->vm_end;

	/* dup_anon_vma(): the survivor may now map what @b mapped */
	if (!a->anon_vma && b->anon_vma && anon_vma_clone(a, b))
		abort();	/* host out of memory: nothing sane to do */
	vma_unlink_free(mm, b);
	vma_set_range(mm, a, a->vm_start, end, a->vm_pgoff);
}

/*
 * Merge @vma with its neighbours where Linux would: the previous one first,
 * then the next, and all three only when the outer two are compatible with
 * each other (vma_merge_existing_range()'s rule).  Returns the VMA that now
 * covers @vma's range.
 */
struct vm_area_struct *vma_try_merge_around(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = vma->vm_prev, *next = vma->vm_next;
	bool left = vma_can_merge(prev, vma);
	bool right = vma_can_merge(vma, next);

	if (left && right && !anon_vma_compatible_for_merge(prev, next))
		right = false;
	if (left) {
		vma_merge_pair(mm, prev, vma);
		vma = prev;
	}
	if (right)
		vma_merge_pair(mm, vma, next);
	return vma;
}

/* Linux's vm_stat_account(): x86 has VM_STACK == VM_GROWSDOWN */
void vm_stat_account(struct mm_struct *mm, uint64_t flags, long npages)
{
	mm->total_vm += npages;
	if (mm->total_vm > mm->hiwater_vm)
		mm->hiwater_vm = mm->total_vm;
	if ((flags & (VM_EXEC | VM_WRITE | VM_GROWSDOWN)) == VM_EXEC)
		mm->exec_vm += npages;
	else if (flags & VM_GROWSDOWN)
		mm->stack_vm += npages;
	else if ((flags & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) == VM_WRITE)
		mm->data_vm += npages;
}
