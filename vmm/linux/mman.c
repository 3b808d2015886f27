// SPDX-License-Identifier: GPL-2.0
/* The memory system calls (Linux: mm/mmap.c, mprotect.c, mremap.c, ...): the MMU's */
#include <errno.h>
#include <sys/mman.h>

#include "syscalls.h"

long sys_mmap(struct vmm *vmm, const uint64_t *a)
{
	struct file *file = NULL;
	int flags = (int)a[3];
	long err;

	if (!(flags & MAP_ANONYMOUS)) {
		file = fs_mmap_file(vmm, (int)a[4], (int)a[2], flags, &err);
		if (!file && err)
			return err;
		if (!file)	/* /dev/zero: anonymous memory */
			flags |= MAP_ANONYMOUS;
	}
	return mm_mmap(vmm->cur->mm, a[0], a[1], (int)a[2], flags, file, a[5]);
}

long sys_munmap(struct vmm *vmm, const uint64_t *a)
{
	return mm_munmap(vmm->cur->mm, a[0], a[1]);
}

long sys_mremap(struct vmm *vmm, const uint64_t *a)
{
	return mm_mremap(vmm->cur->mm, a[0], a[1], a[2], (int)a[3], a[4]);
}

long sys_mprotect(struct vmm *vmm, const uint64_t *a)
{
	return mm_mprotect(vmm->cur->mm, a[0], a[1], (int)a[2]);
}

long sys_pkey_mprotect(struct vmm *vmm, const uint64_t *a)
{
	return mm_pkey_mprotect(vmm->cur->mm, a[0], a[1], a[2], (int)a[3]);
}

long sys_pkey_alloc(struct vmm *vmm, const uint64_t *a)
{
	return mm_pkey_alloc(vmm->cur->mm, a[0], a[1]);
}

long sys_pkey_free(struct vmm *vmm, const uint64_t *a)
{
	return mm_pkey_free(vmm->cur->mm, (int)a[0]);
}

long sys_brk(struct vmm *vmm, const uint64_t *a)
{
	return mm_brk(vmm->cur->mm, a[0]);
}

long sys_madvise(struct vmm *vmm, const uint64_t *a)
{
	return mm_madvise(vmm->cur->mm, a[0], a[1], (int)a[2]);
}

long sys_msync(struct vmm *vmm, const uint64_t *a)
{
	return mm_msync(vmm->cur->mm, a[0], a[1], (int)a[2]);
}

long sys_mlock(struct vmm *vmm, const uint64_t *a)
{
	return mm_mlock(vmm->cur->mm, a[0], a[1], 0);
}

/* mlock2(): MLOCK_ONFAULT is the only flag */
long sys_mlock2(struct vmm *vmm, const uint64_t *a)
{
	if (a[2] & ~1ULL)
		return -EINVAL;
	return mm_mlock(vmm->cur->mm, a[0], a[1], (unsigned int)a[2]);
}

long sys_munlock(struct vmm *vmm, const uint64_t *a)
{
	return mm_munlock(vmm->cur->mm, a[0], a[1]);
}

long sys_mlockall(struct vmm *vmm, const uint64_t *a)
{
	return mm_mlockall(vmm->cur->mm, (int)a[0]);
}

long sys_munlockall(struct vmm *vmm, const uint64_t *a)
{
	return mm_munlockall(vmm->cur->mm);
}

/* one page of result bytes at a time, as Linux's do_mincore() loop */
long sys_mincore(struct vmm *vmm, const uint64_t *a)
{
	uint64_t start = a[0], len = a[1], vec = a[2], done = 0, pages;
	unsigned char buf[4096];
	long ret;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
	if (!pages)
		return mm_mincore(vmm->cur->mm, start, 0, buf);
	while (done < pages) {
		uint64_t n = pages - done < sizeof(buf) ? pages - done : sizeof(buf);

		ret = mm_mincore(vmm->cur->mm, start + (done << PAGE_SHIFT),
				 n << PAGE_SHIFT, buf);
		if (ret < 0)
			return ret;
		if (copy_to_user(vmm, vec + done, buf, n))
			return -EFAULT;
		done += n;
	}
	return 0;
}


/* mseal(2): the MMU seals the VMAs (mmu/mseal.c) */
long sys_mseal(struct vmm *vmm, const uint64_t *a)
{
	return mm_mseal(vmm->cur->mm, a[0], a[1], a[2]);
}
