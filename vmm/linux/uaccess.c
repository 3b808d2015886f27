// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory as the kernel reaches it (Linux: copy_{from,to}_user): through
 * the MMU, which faults pages in as the kernel's would.
 */
#include <errno.h>
#include <string.h>

#include "vmm.h"

int copy_from_user(struct vmm *vmm, void *dst, uint64_t src, size_t n)
{
	return mm_copy_from_user(vmm->cur->mm, dst, src, n) ? -EFAULT : 0;
}

int copy_to_user(struct vmm *vmm, uint64_t dst, const void *src, size_t n)
{
	return mm_copy_to_user(vmm->cur->mm, dst, src, n) ? -EFAULT : 0;
}

/*
 * A NUL-terminated string of at most @n bytes with the NUL, a page at a
 * time; -ENAMETOOLONG past @n, -EFAULT only if the fault comes before the
 * NUL (as Linux's strncpy_from_user()).
 */
long strncpy_from_user(struct vmm *vmm, char *dst, uint64_t src, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t chunk = PAGE_SIZE - ((src + i) & ~PAGE_MASK), left, got;
		char *nul;

		if (chunk > n - i)
			chunk = n - i;
		left = mm_copy_from_user(vmm->cur->mm, dst + i, src + i, chunk);
		got = chunk - left;
		nul = memchr(dst + i, 0, got);
		if (nul)
			return nul - dst;
		if (left)
			return -EFAULT;
		i += got;
	}
	return -ENAMETOOLONG;
}

