// SPDX-License-Identifier: GPL-2.0
/*
 * fork's copy of an address space (Linux's dup_mmap() in kernel/fork.c and
 * copy_page_range() in mm/memory.c).
 *
 * Each VMA is copied unless VM_DONTCOPY; VM_WIPEONFORK gives the child an
 * empty one.  Page tables are copied only for VMAs that have anonymous
 * pages (the rest fault in again from their backing object), and in a
 * private writable mapping the entries become read-only in both address
 * spaces, so the first write copies (do_wp_page).  Shared mappings keep
 * sharing.  The parent's write-protects go through its commit log.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* is_cow_mapping() */
static bool is_cow_mapping(uint64_t flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/*
 * copy_present_pte() / copy_nonpresent_pte(): one entry; the frame gains a
 * mapper, or the swap slot one more name.  The source is read after the
 * child's table is allocated: reclaim may have run inside the allocation.
 */
static int copy_one_pte(struct mm_struct *dst_mm, struct mm_struct *src_mm,
			struct vm_area_struct *vma, uint64_t addr)
{
	pteval_t pte, *dst_ptep, *src_ptep;

	dst_ptep = pte_alloc(dst_mm, addr);
	if (!dst_ptep)
		return -ENOMEM;
	src_ptep = pte_lookup(src_mm, addr, NULL);
	pte = src_ptep ? *src_ptep : 0;
	if (is_swap_pte(pte)) {
		swap_duplicate(src_mm->zone, pte_to_swp_slot(pte));
		dst_mm->rss[MM_SWAPENTS]++;
		set_pte_at(dst_mm, addr, dst_ptep, pte);
		return 0;
	}
	if (!pte_mapped(pte))
		return 0;
	if (pte_pfn(pte) != src_mm->zone->zero_pfn) {
		struct page *page = pfn_to_page(src_mm->zone, pte_pfn(pte));

		get_page(page);
		page_map_account(dst_mm, page, 1);
	}
	if (is_cow_mapping(vma->vm_flags) && (pte & _PAGE_RW)) {
		pte &= ~_PAGE_RW;
		set_pte_at(src_mm, addr, src_ptep, pte);
	}
	if (vma->vm_flags & VM_SHARED)
		pte &= ~_PAGE_DIRTY;
	set_pte_at(dst_mm, addr, dst_ptep, pte & ~_PAGE_ACCESSED);
	return 0;
}

static int copy_page_range(struct mm_struct *dst_mm, struct mm_struct *src_mm,
			   struct vm_area_struct *vma)
{
	uint64_t addr = vma->vm_start, next;

	/* vma_needs_copy(): without anonymous pages the child can fault it all in */
	if (!vma->anon_vma)
		return 0;
	while (addr < vma->vm_end) {
		pteval_t *ptep, *pmdp = pmd_boundary(addr, vma->vm_start) ?
					pmd_walk(src_mm, addr, false) : NULL;

		/* copy_huge_pmd(): shared whole, unless reclaim split it meanwhile */
		if (pmdp && pmd_trans_huge(*pmdp)) {
			int ret = copy_huge_pmd(dst_mm, src_mm, addr);

			if (ret < 0)
				return ret;
			if (!ret) {
				addr += PMD_SIZE;
				continue;
			}
		}
		ptep = pte_lookup(src_mm, addr, &next);
		if (!ptep) {
			addr = next;
			continue;
		}
		if ((pte_mapped(*ptep) || is_swap_pte(*ptep)) &&
		    copy_one_pte(dst_mm, src_mm, vma, addr))
			return -ENOMEM;
		addr += PAGE_SIZE;
	}
	return 0;
}

/* the child's copy of @src, linked into @mm */
static int dup_vma(struct mm_struct *mm, struct mm_struct *oldmm, struct vm_area_struct *src)
{
	struct vm_area_struct *vma = vm_area_alloc(mm);
	long pages = (long)vma_pages(src);

	if (!vma)
		return -ENOMEM;
	if ((src->vm_flags & VM_ACCOUNT) && vm_enough_memory(oldmm, pages)) {
		free(vma);
		return -ENOMEM;
	}
	vma->vm_start = src->vm_start;
	vma->vm_end = src->vm_end;
	vma->vm_pgoff = src->vm_pgoff;
	vma->vm_flags = src->vm_flags & ~(VM_LOCKED | VM_LOCKONFAULT);
	vma->vm_ops = src->vm_ops;
	vma->vm_file = src->vm_file;
	if (vma->vm_file)
		get_file(vma->vm_file);
	if (!(src->vm_flags & VM_WIPEONFORK) && anon_vma_fork(vma, src))
		goto fail;
	vma_link(mm, vma);
	vm_stat_account(mm, vma->vm_flags, pages);
	if (src->vm_flags & VM_WIPEONFORK)
		return 0;
	return copy_page_range(mm, oldmm, src);
fail:
	if (src->vm_flags & VM_ACCOUNT)
		vm_unacct_memory(oldmm, pages);
	vm_area_free(vma);
	return -ENOMEM;
}

struct mm_struct *dup_mm(struct mm_struct *oldmm, int *err)
{
	struct mm_layout layout = { .mmap_base = oldmm->mmap_base };
	struct mm_struct *mm = mm_create(oldmm->zone, &layout);
	struct vm_area_struct *vma;

	*err = -ENOMEM;
	if (!mm)
		return NULL;
	/* the layout, limits and counters the child inherits (mm_init, dup_mm) */
	mm->start_code = oldmm->start_code;
	mm->end_code = oldmm->end_code;
	mm->start_data = oldmm->start_data;
	mm->end_data = oldmm->end_data;
	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	mm->start_stack = oldmm->start_stack;
	mm->stack_guard_gap = oldmm->stack_guard_gap;
	mm->def_flags = oldmm->def_flags;
	memcpy(mm->rlim, oldmm->rlim, sizeof(mm->rlim));
	/* the keys the parent allocated, and the forking thread's PKRU */
	dup_pkeys(mm, oldmm);
	for (vma = oldmm->mmap; vma; vma = vma->vm_next) {
		if (vma->vm_flags & VM_DONTCOPY)
			continue;
		*err = dup_vma(mm, oldmm, vma);
		if (*err) {
			mm_destroy(mm);
			return NULL;
		}
	}
	*err = 0;
	return mm;
}
