// SPDX-License-Identifier: GPL-2.0
/*
 * madvise (Linux's mm/madvise.c), as Debian's 6.x kernel has it: without
 * CONFIG_MEMORY_FAILURE, so MADV_HWPOISON and MADV_SOFT_OFFLINE are
 * unknown advice (EINVAL).  Advice that changes VMA flags splits
 * and merges like mprotect; MADV_DONTNEED drops pages; MADV_FREE marks
 * them clean and lazily freeable, for reclaim to drop unless rewritten;
 * MADV_WILLNEED reads file pages into the page cache; the populate advice
 * faults pages in.  Advice a kernel without the feature would refuse gets
 * that kernel's answer.
 */
#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

#ifndef MADV_COLD
#define MADV_COLD		20
#define MADV_PAGEOUT		21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#define MADV_POPULATE_WRITE	23
#endif
#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED	24
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE		25
#endif

static bool madvise_behavior_valid(int behavior)
{
	switch (behavior) {
	case MADV_DOFORK: case MADV_DONTFORK: case MADV_NORMAL: case MADV_SEQUENTIAL:
	case MADV_RANDOM: case MADV_REMOVE: case MADV_WILLNEED: case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED: case MADV_FREE: case MADV_COLD: case MADV_PAGEOUT:
	case MADV_POPULATE_READ: case MADV_POPULATE_WRITE: case MADV_MERGEABLE:
	case MADV_UNMERGEABLE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE: case MADV_COLLAPSE:
	case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK: case MADV_KEEPONFORK:
		return true;
	default:
		return false;
	}
}

/* the flags @behavior gives @vma, or -EINVAL; 0 for advice that changes none */
static long madvise_new_flags(struct vm_area_struct *vma, int behavior, uint64_t *flags)
{
	uint64_t f = vma->vm_flags;

	switch (behavior) {
	case MADV_NORMAL:	f &= ~(VM_RAND_READ | VM_SEQ_READ); break;
	case MADV_SEQUENTIAL:	f = (f & ~VM_RAND_READ) | VM_SEQ_READ; break;
	case MADV_RANDOM:	f = (f & ~VM_SEQ_READ) | VM_RAND_READ; break;
	case MADV_DONTFORK:	f |= VM_DONTCOPY; break;
	case MADV_DOFORK:
		if (f & VM_IO)
			return -EINVAL;
		f &= ~VM_DONTCOPY;
		break;
	case MADV_WIPEONFORK:
		if (vma->vm_file || (f & VM_SHARED))
			return -EINVAL;
		f |= VM_WIPEONFORK;
		break;
	case MADV_KEEPONFORK:
		if (f & VM_DROPPABLE)	/* droppable memory never survives a fork */
			return -EINVAL;
		f &= ~VM_WIPEONFORK;
		break;
	case MADV_DONTDUMP:	f |= VM_DONTDUMP; break;
	case MADV_DODUMP:
		if ((!vma->vm_file && (f & VM_SPECIAL)) || (f & VM_DROPPABLE))
			return -EINVAL;
		f &= ~VM_DONTDUMP;
		break;
	case MADV_MERGEABLE:
		/* ksm_madvise() ignores the advice where vma_ksm_compatible() says no */
		if (!(f & (VM_SHARED | VM_MAYSHARE | VM_SPECIAL | VM_HUGETLB | VM_DROPPABLE)))
			f |= VM_MERGEABLE;
		break;
	case MADV_UNMERGEABLE:	f &= ~VM_MERGEABLE; break;
	case MADV_HUGEPAGE:	f = (f & ~VM_NOHUGEPAGE) | VM_HUGEPAGE; break;
	case MADV_NOHUGEPAGE:	f = (f & ~VM_HUGEPAGE) | VM_NOHUGEPAGE; break;
	default:
		return 0;
	}
	*flags = f;
	return 1;
}

static long madvise_dontneed(struct mm_struct *mm, struct vm_area_struct *vma,
			     uint64_t start, uint64_t end, int behavior)
{
	uint64_t forbidden = VM_PFNMAP | (behavior == MADV_DONTNEED_LOCKED ? 0 : VM_LOCKED);

	if (vma->vm_flags & (forbidden | VM_HUGETLB))
		return -EINVAL;
	zap_page_range(mm, vma, start, end);
	return 0;
}

/*
 * madvise_free_pte_range(): each private anonymous page only this entry
 * maps is cleaned and marked lazyfree; the CPU's next write dirties the
 * entry again, and reclaim drops only what is still clean.  Without
 * memory pressure the data stays, as on Linux.
 */
static long madvise_free(struct mm_struct *mm, struct vm_area_struct *vma,
			 uint64_t start, uint64_t end)
{
	uint64_t addr = start, next;

	if (!vma_is_anonymous(vma) || (vma->vm_flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB)))
		return -EINVAL;
	/* lazyfree is tracked per 4 KiB page: huge pages in the range are split */
	split_huge_pmd_range(mm, start, end);
	while (addr < end) {
		pteval_t *ptep = pte_lookup(mm, addr, &next), pte;
		struct page *page;

		if (!ptep) {
			addr = next;
			continue;
		}
		pte = *ptep;
		addr += PAGE_SIZE;
		if (!pte_mapped(pte) || pte_pfn(pte) == mm->zone->zero_pfn)
			continue;
		page = pfn_to_page(mm->zone, pte_pfn(pte));
		if (!(page->flags & PG_anon) || page->mapcount != 1)
			continue;
		page->flags = (page->flags & ~PG_dirty) | PG_lazyfree;
		if (pte & (_PAGE_DIRTY | _PAGE_ACCESSED))
			set_pte_at(mm, addr - PAGE_SIZE, ptep, pte & ~(_PAGE_DIRTY | _PAGE_ACCESSED));
	}
	return 0;
}

static long madvise_willneed(struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	struct vm_fault vmf = { .vma = vma };
	uint64_t addr;

	/* shared memory only swaps in what it has (shmem_swapin_range()) */
	if (!vma->vm_file || vma->vm_file->shmem)
		return 0;
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		vmf.pgoff = linear_page_index(vma, addr);
		if (filemap_fault(&vmf))
			break;	/* past the end of the file: readahead stops */
		put_page(vma->vm_mm->zone, vmf.page);
	}
	return 0;
}

/* GUP's check_vma_flags() without FOLL_FORCE: may a data access reach @vma? */
static bool gup_vma_ok(const struct vm_area_struct *vma, bool write)
{
	if (vma->vm_flags & (VM_IO | VM_PFNMAP))
		return false;
	return vma->vm_flags & (write ? VM_WRITE : VM_READ);
}

/*
 * Linux's madvise_populate(): the whole range, page by page in address
 * order, through GUP (FOLL_MADV_POPULATE).  A hole is -ENOMEM, a VMA GUP
 * may not access -EINVAL, a fault that fails -EFAULT; the pages before the
 * failure stay populated.
 */
static long madvise_populate(struct mm_struct *mm, uint64_t start, uint64_t end, bool write)
{
	unsigned int flags = write ? FAULT_FLAG_WRITE : 0;
	uint64_t addr;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);

		if (!vma)
			return -ENOMEM;
		if (!gup_vma_ok(vma, write))
			return -EINVAL;
		if (faultin_page(mm, addr, flags))
			return -EFAULT;
	}
	return 0;
}

/* madvise_remove(): a hole punched in the shared object behind the range */
static long madvise_remove(struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	if (vma->vm_flags & VM_LOCKED)
		return -EINVAL;
	if (!vma->vm_file)
		return -EINVAL;
	if ((vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) != (VM_SHARED | VM_MAYWRITE))
		return -EACCES;
	/* only shared memory can punch holes: host files are never written here */
	return shmem_punch_hole(vma->vm_file, linear_page_index(vma, start),
				linear_page_index(vma, end));
}

static long madvise_vma(struct mm_struct *mm, struct vm_area_struct *vma,
			uint64_t start, uint64_t end, int behavior)
{
	uint64_t newflags;
	long ret;
	int err;

	if (!can_madvise_modify(vma, behavior))
		return -EPERM;
	switch (behavior) {
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
		return madvise_dontneed(mm, vma, start, end, behavior);
	case MADV_FREE:
		return madvise_free(mm, vma, start, end);
	case MADV_WILLNEED:
		return madvise_willneed(vma, start, end);
	case MADV_COLD:
	case MADV_PAGEOUT:
		/* reclaim hints: without reclaim there is nothing to age */
		return vma->vm_flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB) ? -EINVAL : 0;
	case MADV_REMOVE:
		return madvise_remove(vma, start, end);
	case MADV_COLLAPSE:
		/* no transparent huge pages here: as a kernel with THP off */
		return -EINVAL;
	}
	ret = madvise_new_flags(vma, behavior, &newflags);
	if (ret <= 0 || newflags == vma->vm_flags)
		return ret < 0 ? ret : 0;
	return vma_modify_flags(mm, vma, start, end, newflags, &err) ? 0 : err;
}

long mm_madvise(struct mm_struct *mm, uint64_t start, uint64_t len_in, int behavior)
{
	uint64_t end, tmp;
	struct vm_area_struct *vma;
	long unmapped_error = 0, err;

	mm->stats.calls_madvise++;
	if (!madvise_behavior_valid(behavior))
		return -EINVAL;
	err = user_range_end(start, len_in, &end);
	if (err)
		return err;
	if (end == start)
		return 0;
	if (behavior == MADV_POPULATE_READ || behavior == MADV_POPULATE_WRITE)
		return madvise_populate(mm, start, end, behavior == MADV_POPULATE_WRITE);
	vma = find_vma(mm, start);
	for (;;) {
		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		tmp = min(vma->vm_end, end);
		err = madvise_vma(mm, vma, start, tmp, behavior);
		if (err)
			return err;
		start = tmp;
		if (start >= end)
			break;
		vma = find_vma(mm, start);
	}
	return unmapped_error;
}
