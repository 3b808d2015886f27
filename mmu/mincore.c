// SPDX-License-Identifier: GPL-2.0
/*
 * mincore (Linux's mm/mincore.c): a page is resident when an entry maps it
 * (PROT_NONE entries too) or, for a file or shared-memory mapping, when
 * the page cache holds it.
 */
#include <errno.h>

#include "internal.h"

static unsigned char mincore_page(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr)
{
	pteval_t pte = mm_walk(mm, addr);

	if (pte_mapped(pte))
		return 1;
	if (is_swap_pte(pte))
		return lookup_swap_cache(mm->zone, pte_to_swp_slot(pte)) != NULL;
	if (vma->vm_file)
		return filemap_is_cached(vma->vm_file->f_mapping, linear_page_index(vma, addr));
	return 0;
}

long mm_mincore(struct mm_struct *mm, uint64_t start, uint64_t len, unsigned char *vec)
{
	uint64_t pages, addr;

	mm->stats.calls_mincore++;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (len > TASK_SIZE || start > TASK_SIZE - len)
		return -ENOMEM;
	pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
	if (pages && !vec)
		return -EFAULT;
	for (addr = start; pages; pages--, addr += PAGE_SIZE) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);

		if (!vma)
			return -ENOMEM;
		*vec++ = mincore_page(mm, vma, addr);
	}
	return 0;
}
