// SPDX-License-Identifier: GPL-2.0
/*
 * Writing shared file mappings back (Linux's mm/msync.c and the parts of
 * mm/page-writeback.c it relies on).  The CPU sets the dirty bit of the
 * entry it writes through; write-back moves those bits to the page
 * (page_mkclean() over every mapping of the object), writes dirty pages to
 * the host file and cleans them.  It runs on msync(MS_SYNC), on munmap of
 * a shared mapping and at exit, so the host file has the data then.
 */
#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

/* page_mkclean() for [start, end) pages of @mapping, in every mm mapping it */
static void mapping_harvest_dirty(struct address_space *mapping, uint64_t start, uint64_t end)
{
	struct vm_area_struct *vma;

	i_mmap_foreach(vma, mapping, start, end) {
		uint64_t addr, hi, next;

		if (!(vma->vm_flags & VM_SHARED))
			continue;
		vma_pgoff_window(vma, start, end, &addr, &hi);
		while (addr < hi) {
			pteval_t *ptep = pte_lookup(vma->vm_mm, addr, &next);

			if (!ptep) {
				addr = next;
				continue;
			}
			if (pte_mapped(*ptep) && pte_dirty(*ptep)) {
				pfn_to_page(vma->vm_mm->zone, pte_pfn(*ptep))->flags |= PG_dirty;
				set_pte_at(vma->vm_mm, addr, ptep, *ptep & ~_PAGE_DIRTY);
			}
			addr += PAGE_SIZE;
		}
	}
}

/* write dirty pages of [start, end) back; -EIO if the host refuses */
int filemap_write_and_wait_range(struct address_space *mapping, uint64_t start, uint64_t end)
{
	uint64_t index;
	int err = 0;

	if (!mapping->a_ops->writepage)
		return 0;
	mapping_harvest_dirty(mapping, start, end);
	end = min(end, (mapping->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT);
	for (index = start; index < end; index++) {
		struct page *page = find_get_page(mapping, index);

		if (!page)
			continue;
		if ((page->flags & PG_dirty) &&
		    !mapping->a_ops->writepage(mapping, index,
					       pfn_to_virt(mapping->zone, page_to_pfn(mapping->zone, page))))
			page->flags &= ~PG_dirty;
		else if (page->flags & PG_dirty)
			err = -EIO;
		put_page(mapping->zone, page);
	}
	return err;
}

/* a shared file VMA going away: its pages reach the file now */
void vma_writeback(struct vm_area_struct *vma)
{
	if (vma->vm_file && (vma->vm_flags & VM_SHARED))
		filemap_write_and_wait_range(vma->vm_file->f_mapping, vma->vm_pgoff,
					     vma->vm_pgoff + vma_pages(vma));
}

long mm_msync(struct mm_struct *mm, uint64_t start, uint64_t len, int flags)
{
	struct vm_area_struct *vma;
	uint64_t end;
	long unmapped_error = 0, err;

	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end < start)
		return -ENOMEM;
	if (end == start)
		return 0;
	/* holes are skipped, but make the answer ENOMEM; MS_SYNC alone stops at one */
	vma = find_vma(mm, start);
	for (;;) {
		uint64_t fstart, fend;

		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			if (flags == MS_SYNC)
				return -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				return -ENOMEM;
			unmapped_error = -ENOMEM;
		}
		if ((flags & MS_INVALIDATE) && (vma->vm_flags & VM_LOCKED))
			return -EBUSY;
		fstart = linear_page_index(vma, start);
		fend = linear_page_index(vma, min(end, vma->vm_end));
		start = vma->vm_end;
		if ((flags & MS_SYNC) && vma->vm_file && (vma->vm_flags & VM_SHARED)) {
			err = filemap_write_and_wait_range(vma->vm_file->f_mapping, fstart, fend);
			if (err)
				return err;
		}
		if (start >= end)
			return unmapped_error;
		vma = find_vma(mm, start);
	}
}
