// SPDX-License-Identifier: GPL-2.0
/*
 * mseal(2) (Linux's mm/mseal.c, 6.10 and later): VM_SEALED on every VMA of
 * a range with no holes.  A sealed VMA refuses, with EPERM, what would
 * change the mapping itself: munmap() and MAP_FIXED over it (mmap.c),
 * mremap() of it (mremap.c), mprotect() and pkey_mprotect() (mprotect.c),
 * and the madvise() advice that discards the data of read-only anonymous
 * memory (madvise.c).  There is no unseal; exit and exec unmap it.
 */
#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

/* any sealed VMA in [start, end) */
bool range_sealed(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	struct vm_area_struct *vma;

	for (vma = find_vma(mm, start); vma && vma->vm_start < end; vma = vma->vm_next)
		if (vma_is_sealed(vma))
			return true;
	return false;
}

/* is_discard(): advice that throws data away */
static bool is_discard(int behavior)
{
	switch (behavior) {
	case MADV_FREE:
	case MADV_DONTNEED:
	case 24:	/* MADV_DONTNEED_LOCKED */
	case MADV_REMOVE:
	case MADV_DONTFORK:
	case MADV_WIPEONFORK:
	case 102:	/* MADV_GUARD_INSTALL */
		return true;
	}
	return false;
}

/*
 * can_madvise_modify(): a sealed VMA refuses a discard only when it is
 * anonymous and the program could not write the data itself (no
 * VM_WRITE, or its protection key denies writes); file-backed data is
 * not lost by a discard.
 */
bool can_madvise_modify(const struct vm_area_struct *vma, int behavior)
{
	if (!vma_is_sealed(vma) || !is_discard(behavior))
		return true;
	if (!vma_is_anonymous(vma))
		return true;
	return (vma->vm_flags & VM_WRITE) && arch_vma_access_permitted(vma, true, false);
}

/* range_contains_unmapped(): a hole at the start, in the middle or at the end */
static bool range_contains_unmapped(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	struct vm_area_struct *vma;
	uint64_t prev_end = start;

	for (vma = find_vma(mm, start); vma && vma->vm_start < end; vma = vma->vm_next) {
		if (vma->vm_start > prev_end)
			return true;
		prev_end = vma->vm_end;
	}
	return prev_end < end;
}

/* mseal_apply(): split at the edges, set the flag, merge with sealed neighbours */
static long mseal_apply(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	uint64_t cur = start;
	int err;

	while (vma && vma->vm_start < end) {
		uint64_t piece_end = min(vma->vm_end, end);

		if (!vma_is_sealed(vma)) {
			vma = vma_modify_flags(mm, vma, cur, piece_end,
					       vma->vm_flags | VM_SEALED, &err);
			if (!vma)
				return err;
		}
		cur = piece_end;
		if (cur >= end)
			break;
		vma = find_vma(mm, cur);
	}
	return 0;
}

/*
 * do_mseal(): EINVAL for flags, an unaligned start or a wrapping range;
 * ENOMEM when any page of the range is unmapped (nothing is sealed then);
 * sealing again is not an error.
 */
long mm_mseal(struct mm_struct *mm, uint64_t start, uint64_t len_in, unsigned long flags)
{
	uint64_t end;
	int ret;

	if (flags)
		return -EINVAL;
	ret = user_range_end(start, len_in, &end);
	if (ret)
		return ret;
	if (end == start)
		return 0;
	if (range_contains_unmapped(mm, start, end))
		return -ENOMEM;
	return mseal_apply(mm, start, end);
}
