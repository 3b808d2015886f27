// SPDX-License-Identifier: GPL-2.0
/*
 * Commit accounting (Linux's __vm_enough_memory() in mm/util.c) and the
 * address-space limits (may_expand_vm() in mm/mmap.c).
 */
#include "internal.h"

/* pages the never-overcommit policy allows in all: vm_commit_limit() */
static uint64_t vm_commit_limit(struct zone *zone)
{
	uint64_t allowed;

	if (zone->overcommit_kbytes)
		allowed = zone->overcommit_kbytes >> (PAGE_SHIFT - 10);
	else
		allowed = zone->totalram_pages * (uint64_t)zone->overcommit_ratio / 100;
	return allowed + zone->total_swap_pages;
}

/*
 * Charge @pages to the committed total, or -ENOMEM.  Mode 0 refuses only a
 * single request larger than all of RAM and swap; mode 1 never refuses;
 * mode 2 keeps the total under the commit limit, less the admin reserve
 * (not modelled: there is no root here) and the user reserve, which is
 * min(3% of the process's size, 128 MiB).
 */
int vm_enough_memory(struct mm_struct *mm, long pages)
{
	struct zone *zone = mm->zone;
	uint64_t allowed;

	zone->vm_committed_as += pages;
	switch (zone->overcommit_memory) {
	case 1:
		return 0;
	case 0:
		if ((uint64_t)pages <= zone->totalram_pages + zone->total_swap_pages)
			return 0;
		break;
	default:
		allowed = vm_commit_limit(zone);
		allowed -= min(mm->total_vm / 32, (uint64_t)(128UL << 20) >> PAGE_SHIFT);
		if (zone->vm_committed_as <= allowed)
			return 0;
		break;
	}
	zone->vm_committed_as -= pages;
	return -ENOMEM;
}

void vm_unacct_memory(struct mm_struct *mm, long pages)
{
	mm->zone->vm_committed_as -= pages;
}

static bool is_data_mapping(uint64_t flags)
{
	return (flags & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) == VM_WRITE;
}

bool may_expand_vm(struct mm_struct *mm, uint64_t flags, uint64_t npages)
{
	if (mm->total_vm + npages > mm->rlim[MM_RLIMIT_AS].rlim_cur >> PAGE_SHIFT)
		return false;
	if (is_data_mapping(flags) &&
	    mm->data_vm + npages > mm->rlim[MM_RLIMIT_DATA].rlim_cur >> PAGE_SHIFT) {
		/* Linux's workaround for Valgrind: a zero soft limit defers to the hard one */
		if (mm->rlim[MM_RLIMIT_DATA].rlim_cur == 0 &&
		    mm->data_vm + npages <= mm->rlim[MM_RLIMIT_DATA].rlim_max >> PAGE_SHIFT)
			return true;
		return false;
	}
	return true;
}
