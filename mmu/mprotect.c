// SPDX-License-Identifier: GPL-2.0
/*
 * mprotect (Linux's mm/mprotect.c): split the VMAs at the range's ends,
 * change their flags and their entries, merge where the new flags allow.
 */
#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

#ifndef PROT_SEM
#define PROT_SEM 0x8
#endif

/*
 * change_pte_range(): rights follow the new flags.  A private writable
 * mapping keeps a page writable only when it is an exclusive anonymous
 * page, which is what the write fault would do (can_change_pte_writable()).
 */
static void change_protection(struct mm_struct *mm, struct vm_area_struct *vma,
			      uint64_t start, uint64_t end)
{
	pteval_t prot = vm_get_page_prot(vma->vm_flags);
	uint64_t addr = start, next;
	bool writable = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;

	while (addr < end) {
		pteval_t *ptep, pte, new;
		struct page *page;

		if (pmd_boundary(addr, start) &&
		    change_huge_pmd_range(mm, &addr, start, end, prot, writable))
			continue;
		ptep = pte_lookup(mm, addr, &next);
		if (!ptep) {
			addr = next;
			continue;
		}
		pte = *ptep;
		if (pte_mapped(pte)) {
			new = pfn_pte(pte_pfn(pte), prot) | (pte & (_PAGE_ACCESSED | _PAGE_DIRTY));
			page = pfn_to_page(mm->zone, pte_pfn(pte));
			if ((vma->vm_flags & VM_WRITE) && !(vma->vm_flags & VM_SHARED) &&
			    pte_present(new) && pte_pfn(pte) != mm->zone->zero_pfn &&
			    page_is_exclusive_anon(mm->zone, page))
				new |= _PAGE_RW;
			set_pte_at(mm, addr, ptep, new);
		}
		addr += PAGE_SIZE;
	}
}

/* split @vma so that exactly [start, end) of it can change */
static int vma_isolate(struct mm_struct *mm, struct vm_area_struct **vmap,
		       uint64_t start, uint64_t end)
{
	struct vm_area_struct *vma = *vmap;
	int err;

	if (start > vma->vm_start) {
		if (mm->map_count >= mm->zone->max_map_count)
			return -ENOMEM;
		err = split_vma(mm, vma, start, 1);
		if (err)
			return err;
	}
	if (end < vma->vm_end) {
		if (mm->map_count >= mm->zone->max_map_count)
			return -ENOMEM;
		err = split_vma(mm, vma, end, 0);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Give [start, end) of @vma the flags @newflags, splitting and merging as
 * Linux's vma_modify_flags() does; returns the VMA now covering the range.
 */
struct vm_area_struct *vma_modify_flags(struct mm_struct *mm, struct vm_area_struct *vma,
					uint64_t start, uint64_t end, uint64_t newflags, int *err)
{
	*err = vma_isolate(mm, &vma, start, end);
	if (*err)
		return NULL;
	vma->vm_flags = newflags;
	return vma_try_merge_around(mm, vma);
}

static int mprotect_fixup(struct mm_struct *mm, struct vm_area_struct *vma,
			  uint64_t start, uint64_t end, uint64_t newflags)
{
	uint64_t oldflags = vma->vm_flags, nrpages = (end - start) >> PAGE_SHIFT, charged = 0;
	int err;

	/* mseal(): even the same protection again is refused */
	if (vma_is_sealed(vma))
		return -EPERM;
	if (newflags == oldflags)
		return 0;
	if (newflags & VM_WRITE) {
		if (!may_expand_vm(mm, newflags, nrpages) && may_expand_vm(mm, oldflags, nrpages))
			return -ENOMEM;
		if (!(oldflags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE))) {
			charged = nrpages;
			if (vm_enough_memory(mm, (long)charged))
				return -ENOMEM;
			newflags |= VM_ACCOUNT;
		}
	} else if ((oldflags & VM_ACCOUNT) && vma_is_anonymous(vma) && !vma->anon_vma) {
		newflags &= ~VM_ACCOUNT;
	}
	vma = vma_modify_flags(mm, vma, start, end, newflags, &err);
	if (!vma) {
		if (charged)
			vm_unacct_memory(mm, (long)charged);
		return err;
	}
	change_protection(mm, vma, start, end);
	if ((oldflags & VM_ACCOUNT) && !(newflags & VM_ACCOUNT))
		vm_unacct_memory(mm, (long)nrpages);
	if ((oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED && (newflags & VM_WRITE))
		populate_range(mm, start, end, true);
	vm_stat_account(mm, oldflags, -(long)nrpages);
	vm_stat_account(mm, newflags, (long)nrpages);
	return 0;
}

/*
 * do_mprotect_pkey(): @pkey is -1 for a plain mprotect().  The key is
 * checked after the arguments and before the VMAs; each VMA's new key is
 * arch_override_mprotect_pkey()'s, chosen before its rights are checked
 * (so a refused PROT_EXEC may still have allocated the execute-only key).
 */
long do_mprotect_pkey(struct mm_struct *mm, uint64_t start, uint64_t len,
		      unsigned long prot, int pkey)
{
	const uint64_t mask_off = VM_ACCESS_FLAGS | ARCH_VM_PKEY_FLAGS;
	unsigned long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	struct vm_area_struct *vma;
	uint64_t end, tmp, nstart;
	long err = 0;

	mm->stats.calls_mprotect++;
	prot &= ~(unsigned long)(PROT_GROWSDOWN | PROT_GROWSUP);
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	/* a key the program did not allocate is not its to use */
	if (pkey != -1 && !mm_pkey_is_allocated(mm, pkey))
		return -EINVAL;
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		return -ENOMEM;
	if (grows & PROT_GROWSDOWN) {
		start = vma->vm_start;
		if (!(vma->vm_flags & VM_GROWSDOWN))
			return -EINVAL;
	} else {
		if (vma->vm_start > start)
			return -ENOMEM;
		if (grows & PROT_GROWSUP)
			return -EINVAL;	/* x86 has no VM_GROWSUP */
	}
	nstart = start;
	tmp = vma->vm_start;
	while (vma && vma->vm_start < end) {
		uint64_t newflags;
		int new_vma_pkey;

		if (vma->vm_start != tmp) {
			err = -ENOMEM;
			break;
		}
		new_vma_pkey = arch_override_mprotect_pkey(vma, prot, pkey);
		newflags = (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
			   (prot & PROT_EXEC ? VM_EXEC : 0) | calc_vm_pkey_bits(new_vma_pkey);
		newflags |= vma->vm_flags & ~mask_off;
		/* VM_MAY* sit four bits above the rights they allow */
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS) {
			err = -EACCES;
			break;
		}
		tmp = min(vma->vm_end, end);
		err = mprotect_fixup(mm, vma, nstart, tmp, newflags);
		if (err)
			break;
		/* carry on after whatever now covers the piece: it may have merged onwards */
		vma = find_vma(mm, tmp - 1);
		tmp = vma->vm_end;
		nstart = tmp;
		vma = vma->vm_next;
	}
	if (!err && tmp < end)
		err = -ENOMEM;
	return err;
}

long mm_mprotect(struct mm_struct *mm, uint64_t start, uint64_t len, int prot)
{
	/* the system call's prot is unsigned long: an int's sign bit is a bad bit */
	return do_mprotect_pkey(mm, start, len, (unsigned long)(unsigned int)prot, -1);
}
