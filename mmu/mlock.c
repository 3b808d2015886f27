// SPDX-License-Identifier: GPL-2.0
/*
 * mlock, mlock2, munlock, mlockall, munlockall (Linux's mm/mlock.c), for
 * an unprivileged process: RLIMIT_MEMLOCK bounds locked_vm.  Locking
 * splits and merges VMAs like mprotect and faults the pages in; nothing
 * here reclaims yet, so "locked" is the VMA flag and the accounting.
 */
#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

#define VM_LOCKED_MASK	(VM_LOCKED | VM_LOCKONFAULT)
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT	0x01
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT	4
#endif

/* can_do_mlock(): a zero RLIMIT_MEMLOCK forbids it outright */
static bool can_do_mlock(struct mm_struct *mm)
{
	return mm->rlim[MM_RLIMIT_MEMLOCK].rlim_cur != 0;
}

static uint64_t lock_limit(struct mm_struct *mm)
{
	return mm->rlim[MM_RLIMIT_MEMLOCK].rlim_cur >> PAGE_SHIFT;
}

/* mlock_fixup(): one VMA piece; VM_SPECIAL and droppable memory are left alone */
static long mlock_fixup(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t start,
			uint64_t end, uint64_t newflags)
{
	uint64_t oldflags = vma->vm_flags;
	long nr_pages = (long)((end - start) >> PAGE_SHIFT);
	int err;

	if (newflags == oldflags || (oldflags & (VM_SPECIAL | VM_DROPPABLE)))
		return 0;
	if (!vma_modify_flags(mm, vma, start, end, newflags, &err))
		return err;
	if (!(newflags & VM_LOCKED))
		nr_pages = -nr_pages;
	else if (oldflags & VM_LOCKED)
		nr_pages = 0;
	mm->locked_vm += nr_pages;
	return 0;
}

/* apply_vma_lock_flags() */
static long apply_vma_lock_flags(struct mm_struct *mm, uint64_t start, uint64_t len,
				 uint64_t flags)
{
	uint64_t end = start + len, tmp, nstart = start;
	struct vm_area_struct *vma;
	long err;

	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	vma = vma_lookup(mm, start);
	if (!vma)
		return -ENOMEM;
	tmp = vma->vm_start;
	while (vma && vma->vm_start < end) {
		if (vma->vm_start != tmp)
			return -ENOMEM;
		tmp = min(vma->vm_end, end);
		err = mlock_fixup(mm, vma, nstart, tmp,
				  (vma->vm_flags & ~VM_LOCKED_MASK) | flags);
		if (err)
			return err;
		vma = find_vma(mm, tmp - 1);
		tmp = vma->vm_end;
		nstart = tmp;
		vma = vma->vm_next;
	}
	return tmp < end ? -ENOMEM : 0;
}

/*
 * __mm_populate() for mlock: a region that cannot be faulted in (PROT_NONE)
 * fails, and __mlock_posix_error_return() turns EFAULT into ENOMEM.
 */
static long mlock_populate(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	uint64_t addr;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);

		if (!vma)
			return -ENOMEM;
		if (vma->vm_flags & (VM_IO | VM_PFNMAP | VM_LOCKONFAULT))
			continue;
		if (!(vma->vm_flags & VM_ACCESS_FLAGS) ||
		    faultin_page(mm, addr, populate_fault_flags(vma)))
			return -ENOMEM;
	}
	return 0;
}

static long do_mlock(struct mm_struct *mm, uint64_t start, uint64_t len, uint64_t flags)
{
	uint64_t locked;
	long err;

	if (!can_do_mlock(mm))
		return -EPERM;
	len = PAGE_ALIGN(len + (start & ~PAGE_MASK));
	start &= PAGE_MASK;
	locked = (len >> PAGE_SHIFT) + mm->locked_vm;
	if (locked > lock_limit(mm))
		locked -= count_vma_pages_range(mm, start, start + len, VM_LOCKED);	/* not twice */
	if (locked > lock_limit(mm))
		return -ENOMEM;
	err = apply_vma_lock_flags(mm, start, len, flags);
	if (err)
		return err;
	return mlock_populate(mm, start, start + len);
}

long mm_mlock(struct mm_struct *mm, uint64_t start, uint64_t len, unsigned int flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	return do_mlock(mm, start, len, VM_LOCKED | (flags & MLOCK_ONFAULT ? VM_LOCKONFAULT : 0));
}

long mm_munlock(struct mm_struct *mm, uint64_t start, uint64_t len)
{
	len = PAGE_ALIGN(len + (start & ~PAGE_MASK));
	start &= PAGE_MASK;
	return apply_vma_lock_flags(mm, start, len, 0);
}

/* apply_mlockall_flags() */
static long apply_mlockall_flags(struct mm_struct *mm, int flags)
{
	struct vm_area_struct *vma;
	uint64_t to_add = 0;

	mm->def_flags &= ~VM_LOCKED_MASK;
	if (flags & MCL_FUTURE) {
		mm->def_flags |= VM_LOCKED;
		if (flags & MCL_ONFAULT)
			mm->def_flags |= VM_LOCKONFAULT;
		if (!(flags & MCL_CURRENT))
			return 0;
	}
	if (flags & MCL_CURRENT) {
		to_add |= VM_LOCKED;
		if (flags & MCL_ONFAULT)
			to_add |= VM_LOCKONFAULT;
	}
	for (vma = mm->mmap; vma; ) {
		uint64_t end = vma->vm_end;

		/* errors are ignored, as in Linux */
		mlock_fixup(mm, vma, vma->vm_start, end, (vma->vm_flags & ~VM_LOCKED_MASK) | to_add);
		vma = find_vma(mm, end);
	}
	return 0;
}

long mm_mlockall(struct mm_struct *mm, int flags)
{
	long err;

	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	if (!can_do_mlock(mm))
		return -EPERM;
	if ((flags & MCL_CURRENT) && mm->total_vm > lock_limit(mm))
		return -ENOMEM;
	err = apply_mlockall_flags(mm, flags);
	if (!err && (flags & MCL_CURRENT)) {
		struct vm_area_struct *vma;

		/* mm_populate(0, TASK_SIZE) ignores what cannot be faulted */
		for (vma = mm->mmap; vma; vma = vma->vm_next)
			if (vma->vm_flags & VM_ACCESS_FLAGS)
				mlock_populate(mm, vma->vm_start, vma->vm_end);
	}
	return err;
}

long mm_munlockall(struct mm_struct *mm)
{
	return apply_mlockall_flags(mm, 0);
}
