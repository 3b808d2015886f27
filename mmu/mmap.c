// SPDX-License-Identifier: GPL-2.0
/*
 * Address spaces and the mmap family (Linux's mm/mmap.c, mm/vma.c and
 * arch/x86/mm/mmap.c): the x86-64 top-down layout, get_unmapped_area(),
 * mmap, munmap and brk, each returning what Linux returns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define SIZE_128M	(128UL << 20)
#define TASK_UNMAPPED_BASE	PAGE_ALIGN(TASK_SIZE / 3)

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE	0x08
#endif
#ifndef MAP_UNINITIALIZED
#define MAP_UNINITIALIZED 0x4000000
#endif

/* arch/x86/mm/mmap.c mmap_base(): leave room for the stack and its gap */
static uint64_t mmap_base(struct mm_struct *mm, uint64_t rnd, uint64_t task_size)
{
	uint64_t gap = mm->rlim[MM_RLIMIT_STACK].rlim_cur;
	uint64_t pad = mm->stack_guard_gap;
	uint64_t gap_max = (task_size / 6) * 5;

	if (gap + pad > gap)
		gap += pad;
	if (gap < SIZE_128M)
		gap = SIZE_128M;
	else if (gap > gap_max)
		gap = gap_max;
	return PAGE_ALIGN(task_size - gap - rnd);
}

static int pgd_alloc(struct mm_struct *mm)
{
	struct page *page = alloc_page(mm->zone);
	pteval_t *pgd;
	int i;

	if (!page)
		return -ENOMEM;
	page->flags |= PG_pgtable;
	mm->zone->stats.nr_pgtable++;
	mm->stats.pgtable_pages++;
	mm->stats.pgtable_allocs++;
	mm->pgd_pfn = page_to_pfn(mm->zone, page);
	pgd = pfn_to_virt(mm->zone, mm->pgd_pfn);
	for (i = 0; i < PTRS_PER_TABLE / 2; i++) {
		pgd[PTRS_PER_TABLE / 2 + i] = mm->zone->kernel_pgd[i];
		if (pgd[PTRS_PER_TABLE / 2 + i])
			page->pt_used++;
	}
	return 0;
}

struct mm_struct *mm_create(struct zone *zone, const struct mm_layout *layout)
{
	static const struct mm_layout defaults;
	struct mm_struct *mm = calloc(1, sizeof(*mm));

	if (!layout)
		layout = &defaults;
	if (!mm)
		return NULL;
	mm->zone = zone;
	pthread_mutex_init(&mm->page_table_lock, NULL);
	mm->task_size = TASK_SIZE;
	mm->stack_guard_gap = STACK_GUARD_GAP;
	mm->log.batch = 1;
	for (int i = 0; i < MM_NR_RLIMITS; i++)
		mm->rlim[i].rlim_cur = mm->rlim[i].rlim_max = RLIM_INFINITY_MM;
	mm->rlim[MM_RLIMIT_STACK].rlim_cur = DEFAULT_STACK_RLIMIT;
	mm->rlim[MM_RLIMIT_MEMLOCK].rlim_cur = mm->rlim[MM_RLIMIT_MEMLOCK].rlim_max = 8UL << 20;
	mm->start_stack = (layout->stack_top ? layout->stack_top : TASK_SIZE) - layout->random_offset;
	mm->mmap_base = layout->mmap_base ? layout->mmap_base :
			mmap_base(mm, layout->random_offset, TASK_SIZE);
	mm_pkeys_init(mm);
	if (pgd_alloc(mm)) {
		free(mm);
		return NULL;
	}
	return mm;
}

void mm_destroy(struct mm_struct *mm)
{
	if (!mm)
		return;
	unmap_region(mm, 0, TASK_SIZE);
	while (mm->mmap) {
		struct vm_area_struct *vma = mm->mmap;

		if (vma->vm_flags & VM_ACCOUNT)
			vm_unacct_memory(mm, vma_pages(vma));
		vma_writeback(vma);
		vma_unlink_free(mm, vma);
	}
	free_pgd(mm);
	commit_log_release(mm);
	pthread_mutex_destroy(&mm->page_table_lock);
	free(mm);
}

long mm_setup_stack(struct mm_struct *mm, uint64_t size)
{
	uint64_t top = PAGE_ALIGN(mm->start_stack);
	struct vm_area_struct *vma;

	size = PAGE_ALIGN(size);
	if (!size || size > top || find_vma_intersection(mm, top - size, top))
		return -ENOMEM;
	vma = vm_area_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = top - size;
	vma->vm_end = top;
	vma->vm_flags = VM_STACK_FLAGS | mm->def_flags;
	vma->vm_pgoff = vma->vm_start >> PAGE_SHIFT;
	if (vm_enough_memory(mm, (long)(size >> PAGE_SHIFT))) {
		free(vma);
		return -ENOMEM;
	}
	vma_link(mm, vma);
	vm_stat_account(mm, vma->vm_flags, (long)(size >> PAGE_SHIFT));
	mm->start_stack = top - sizeof(uint64_t);
	return (long)vma->vm_start;
}

void mm_set_brk_base(struct mm_struct *mm, uint64_t start_brk)
{
	mm->start_brk = mm->brk = PAGE_ALIGN(start_brk);
}

int mm_set_rlimit(struct mm_struct *mm, int resource, uint64_t cur, uint64_t max)
{
	if (resource < 0 || resource >= MM_NR_RLIMITS || cur > max)
		return -EINVAL;
	mm->rlim[resource].rlim_cur = cur;
	mm->rlim[resource].rlim_max = max;
	return 0;
}

/* ---- get_unmapped_area ---- */

static uint64_t low_limit(struct mm_struct *mm, uint64_t limit)
{
	return max(limit, mm->zone->mmap_min_addr);
}

static uint64_t vm_unmapped_area_topdown(struct mm_struct *mm, uint64_t len, uint64_t align_mask)
{
	struct vm_unmapped_area_info info = {
		.length = len,
		.low_limit = low_limit(mm, PAGE_SIZE),
		.high_limit = mm->mmap_base,
		.align_mask = align_mask,
	};
	uint64_t addr = unmapped_area_topdown(mm, &info);

	if (!(addr & ~PAGE_MASK))
		return addr;
	/* arch_get_unmapped_area(): bottom-up from the legacy base */
	info.low_limit = low_limit(mm, TASK_UNMAPPED_BASE);
	info.high_limit = TASK_SIZE;
	return unmapped_area(mm, &info);
}

/* x86's arch_get_unmapped_area_topdown() */
static uint64_t arch_get_unmapped_area(struct mm_struct *mm, uint64_t addr, uint64_t len,
				       int flags, uint64_t align_mask)
{
	if (len > TASK_SIZE)
		return (uint64_t)-ENOMEM;
	if (flags & MAP_FIXED)
		return addr;
	if (addr) {
		struct vm_area_struct *vma;

		addr &= PAGE_MASK;
		if (TASK_SIZE - len >= addr) {
			vma = find_vma(mm, addr);
			if (!vma || addr + len <= vm_start_gap(vma))
				return addr;
		}
	}
	return vm_unmapped_area_topdown(mm, len, align_mask);
}

/*
 * __thp_get_unmapped_area(): anonymous private mappings of a multiple of
 * 2 MiB get a 2 MiB aligned start, found by asking for 2 MiB more and
 * rounding up; a hint that fits as it is wins.
 */
static uint64_t thp_get_unmapped_area(struct mm_struct *mm, uint64_t addr, uint64_t len, int flags)
{
	uint64_t ret, sub;

	ret = arch_get_unmapped_area(mm, addr, len + PMD_SIZE, flags, 0);
	if (ret & ~PAGE_MASK)
		return arch_get_unmapped_area(mm, addr, len, flags, 0);
	if (ret == addr)
		return addr;
	sub = (0 - ret) & (PMD_SIZE - 1);
	return sub ? ret + sub : ret + PMD_SIZE;
}

uint64_t get_unmapped_area(struct mm_struct *mm, struct file *file, uint64_t addr,
			   uint64_t len, uint64_t pgoff, int flags)
{
	if (len > TASK_SIZE)
		return (uint64_t)-ENOMEM;
	/* without a hint only: a hint, even a taken one, turns alignment off */
	if (!file && !addr && (flags & MAP_TYPE) == MAP_PRIVATE && !(flags & MAP_FIXED) &&
	    !(len & (PMD_SIZE - 1)))
		addr = thp_get_unmapped_area(mm, addr, len, flags);
	else
		addr = arch_get_unmapped_area(mm, addr, len, flags, 0);
	if (addr & ~PAGE_MASK && addr >= (uint64_t)-4095)
		return addr;
	if (addr > TASK_SIZE - len)
		return (uint64_t)-ENOMEM;
	if (addr & ~PAGE_MASK)
		return (uint64_t)-EINVAL;
	/* security_mmap_addr() -> cap_mmap_addr(): a guest has no CAP_SYS_RAWIO */
	if (addr < mm->zone->dac_mmap_min_addr)
		return (uint64_t)-EPERM;
	return addr;
}

/* ---- munmap ---- */

static void vma_detach_accounting(struct mm_struct *mm, struct vm_area_struct *vma,
				  bool unaccount)
{
	long pages = (long)vma_pages(vma);

	if ((vma->vm_flags & VM_ACCOUNT) && unaccount)
		vm_unacct_memory(mm, pages);
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm -= pages;
	vm_stat_account(mm, vma->vm_flags, -pages);
}

/* pages inside [start, end) of VMAs with any of @flags (all VMAs when 0) */
uint64_t count_vma_pages_range(struct mm_struct *mm, uint64_t start, uint64_t end, uint64_t flags)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	uint64_t pages = 0;

	for (; vma && vma->vm_start < end; vma = vma->vm_next)
		if (!flags || (vma->vm_flags & flags))
			pages += (min(end, vma->vm_end) - max(start, vma->vm_start)) >> PAGE_SHIFT;
	return pages;
}

/*
 * Linux's do_vmi_align_munmap() on a page-aligned, non-empty range; a
 * sealed VMA in it refuses the whole unmap (vms_gather_munmap_vmas())
 * unless the caller already checked or the address space is going.
 */
static long __do_munmap(struct mm_struct *mm, uint64_t start, uint64_t end, bool unaccount,
			bool check_seal)
{
	struct vm_area_struct *vma = find_vma(mm, start), *next;
	int err;

	if (!vma || vma->vm_start >= end)
		return 0;
	if (check_seal && range_sealed(mm, start, end))
		return -EPERM;
	if (start > vma->vm_start) {
		/* a hole in the middle of one VMA makes one more */
		if (end < vma->vm_end && mm->map_count >= mm->zone->max_map_count)
			return -ENOMEM;
		err = split_vma(mm, vma, start, 1);
		if (err)
			return err;
	}
	for (next = vma; next && next->vm_start < end; next = next->vm_next) {
		if (next->vm_end > end) {
			err = split_vma(mm, next, end, 0);
			if (err)
				return err;
			break;
		}
	}
	/* entries first, while the VMAs still hold their backing objects */
	unmap_region(mm, start, end);
	vma = find_vma(mm, start);
	while (vma && vma->vm_start < end) {
		next = vma->vm_next;
		vma_writeback(vma);
		vma_detach_accounting(mm, vma, unaccount);
		vma_unlink_free(mm, vma);
		vma = next;
	}
	return 0;
}

long do_munmap(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	return __do_munmap(mm, start, end, true, true);
}

/* mremap's source: its commitment went to the destination */
void unmap_moved_source(struct mm_struct *mm, uint64_t start, uint64_t len)
{
	__do_munmap(mm, start, start + len, false, false);
}

/* exit_mmap() and exec: everything goes, sealed or not */
void mm_munmap_all(struct mm_struct *mm)
{
	mm->stats.calls_munmap++;
	__do_munmap(mm, 0, TASK_SIZE, true, false);
}

long mm_munmap(struct mm_struct *mm, uint64_t start, uint64_t len)
{
	mm->stats.calls_munmap++;
	if ((start & ~PAGE_MASK) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len)
		return -EINVAL;
	return do_munmap(mm, start, start + len);
}

/* ---- mmap ---- */

static uint64_t calc_vm_prot_bits(int prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

static uint64_t calc_vm_flag_bits(int flags)
{
	return (flags & MAP_GROWSDOWN ? VM_GROWSDOWN : 0) |
	       (flags & MAP_LOCKED ? VM_LOCKED : 0) |
	       (flags & MAP_SYNC ? VM_SYNC : 0) |
	       (flags & MAP_STACK ? VM_NOHUGEPAGE : 0);
}

/* accountable_mapping(): private writable memory is charged up front */
static bool accountable_mapping(uint64_t vm_flags)
{
	return (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

static long mmap_region(struct mm_struct *mm, struct file *file, uint64_t addr,
			uint64_t len, uint64_t vm_flags, uint64_t pgoff)
{
	uint64_t pglen = len >> PAGE_SHIFT, end = addr + len, charged = 0;
	struct vm_area_struct *vma;
	long err;

	if (!may_expand_vm(mm, vm_flags, pglen) &&
	    !may_expand_vm(mm, vm_flags, pglen - count_vma_pages_range(mm, addr, end, 0)))
		return -ENOMEM;
	if (accountable_mapping(vm_flags)) {
		charged = pglen;
		if (vm_enough_memory(mm, (long)charged))
			return -ENOMEM;
		vm_flags |= VM_ACCOUNT;
	}
	err = do_munmap(mm, addr, end);
	if (err)
		goto unacct;
	err = -ENOMEM;
	vma = vm_area_alloc(mm);
	if (!vma)
		goto unacct;
	vma->vm_start = addr;
	vma->vm_end = end;
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = pgoff;
	if (file) {
		vma->vm_file = file;
		get_file(file);
		vma->vm_ops = file->vm_ops;
	}
	vma_link(mm, vma);
	vma = vma_try_merge_around(mm, vma);
	vm_stat_account(mm, vm_flags, (long)pglen);
	if (vm_flags & VM_LOCKED)
		mm->locked_vm += pglen;
	return (long)addr;
unacct:
	if (charged)
		vm_unacct_memory(mm, (long)charged);
	return err;
}

/* file_mmap_ok(): the range must fit below MAX_LFS_FILESIZE */
static bool file_mmap_ok(uint64_t len, uint64_t pgoff)
{
	uint64_t maxsize = INT64_MAX;

	if (len > maxsize)
		return false;
	maxsize -= len;
	return pgoff <= maxsize >> PAGE_SHIFT;
}

/* the file-specific part of do_mmap() */
static long mmap_file_flags(struct file *file, int prot, int flags, uint64_t *vm_flags)
{
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
	case MAP_SHARED_VALIDATE:
		if ((prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
			return -EACCES;
		if (!(file->f_mode & FMODE_WRITE))
			*vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
		/* fall through */
	case MAP_PRIVATE:
		if (!(file->f_mode & FMODE_READ))
			return -EACCES;
		if (file->noexec) {
			if (*vm_flags & VM_EXEC)
				return -EPERM;
			*vm_flags &= ~VM_MAYEXEC;
		}
		if (*vm_flags & VM_GROWSDOWN)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

/* MAP_ flags the kernel knows; MAP_SHARED_VALIDATE refuses the others */
#define LEGACY_MAP_MASK	(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | \
			 MAP_DENYWRITE | MAP_EXECUTABLE | MAP_UNINITIALIZED | \
			 MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | \
			 MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_32BIT | \
			 (unsigned int)MAP_HUGE_MASK << MAP_HUGE_SHIFT)

/*
 * shmem_zero_setup(): shared anonymous memory is a shmem object, charged
 * for its whole size up front unless VM_NORESERVE (shmem_acct_size()).
 */
static struct file *shmem_acct_setup(struct mm_struct *mm, uint64_t len, uint64_t vm_flags)
{
	long pages = (long)(len >> PAGE_SHIFT);
	bool acct = !(vm_flags & VM_NORESERVE);
	struct file *file;

	if (acct && vm_enough_memory(mm, pages))
		return NULL;
	file = shmem_file_setup(mm->zone, "/dev/zero (deleted)", len);
	if (!file) {
		if (acct)
			vm_unacct_memory(mm, pages);
		return NULL;
	}
	if (acct)
		file->f_mapping->acct_pages = (uint64_t)pages;
	return file;
}

static long do_mmap(struct mm_struct *mm, uint64_t addr, uint64_t len, int prot,
		    int flags, struct file *file, uint64_t pgoff)
{
	uint64_t vm_flags;
	struct file *shm = NULL;
	int pkey = 0;
	long ret;

	if (!len)
		return -EINVAL;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED)) {
		/* round_hint_to_min(): a hint inside the first page is no hint */
		addr &= PAGE_MASK;
		if (addr && addr < mm->zone->mmap_min_addr)
			addr = PAGE_ALIGN(mm->zone->mmap_min_addr);
	}
	len = PAGE_ALIGN(len);
	if (!len)
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (mm->map_count > mm->zone->max_map_count)
		return -ENOMEM;
	/*
	 * PROT_EXEC alone is execute-only where the CPU has keys.  Linux takes
	 * the key before looking for room: a failed mmap keeps it.
	 */
	if (prot == PROT_EXEC) {
		pkey = execute_only_pkey(mm);
		if (pkey < 0)
			pkey = 0;
	}
	addr = get_unmapped_area(mm, file, addr, len, pgoff, flags);
	if (addr >= (uint64_t)-4095)
		return (long)addr;
	if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, addr, addr + len))
		return -EEXIST;
	vm_flags = calc_vm_prot_bits(prot) | calc_vm_pkey_bits(pkey) | calc_vm_flag_bits(flags) |
		   mm->def_flags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	if ((vm_flags & VM_LOCKED) &&
	    mm->locked_vm + (len >> PAGE_SHIFT) > mm->rlim[MM_RLIMIT_MEMLOCK].rlim_cur >> PAGE_SHIFT)
		return -EAGAIN;
	if (file) {
		if (!file_mmap_ok(len, pgoff))
			return -EOVERFLOW;
		/* flags_mask: shmem's f_op has no mmap_supported_flags */
		if ((flags & MAP_TYPE) == MAP_SHARED_VALIDATE &&
		    ((unsigned int)flags & ~(LEGACY_MAP_MASK | (file->shmem ? 0 : MAP_SYNC))))
			return -EOPNOTSUPP;
		if ((flags & MAP_TYPE) != MAP_PRIVATE)
			vm_flags |= VM_SHARED | VM_MAYSHARE;
		ret = mmap_file_flags(file, prot, flags, &vm_flags);
		if (ret)
			return ret;
	} else {
		switch (flags & MAP_TYPE) {
		/* MAP_SHARED_VALIDATE is for files: anonymous memory gets -EINVAL */
		case MAP_SHARED:
			if (vm_flags & VM_GROWSDOWN)
				return -EINVAL;
			pgoff = 0;
			vm_flags |= VM_SHARED | VM_MAYSHARE;
			break;
		case MAP_DROPPABLE:
			if ((flags & MAP_LOCKED) || (vm_flags & VM_GROWSDOWN))
				return -EINVAL;
			/* droppable pages are not reserved, forked or dumped */
			vm_flags |= VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP;
			/* fall through */
		case MAP_PRIVATE:
			pgoff = addr >> PAGE_SHIFT;
			break;
		default:
			return -EINVAL;
		}
	}
	if ((flags & MAP_NORESERVE) && mm->zone->overcommit_memory != 2)
		vm_flags |= VM_NORESERVE;
	if (!file && (vm_flags & VM_SHARED)) {
		/* shmem_zero_setup(): shared anonymous memory is a shmem object */
		shm = shmem_acct_setup(mm, len, vm_flags);
		if (!shm)
			return -ENOMEM;
		file = shm;
	}
	/*
	 * A host file is not DAX: ext4's ->mmap() refuses VM_SYNC (any
	 * MAP_SYNC), shmem does not look.  It runs after the range was
	 * cleared, and Linux leaves the gap where the MAP_FIXED mapping
	 * failed (vms_abort_munmap_vmas()).
	 */
	if (file && !file->shmem && (vm_flags & VM_SYNC)) {
		ret = do_munmap(mm, addr, addr + len);
		return ret ? ret : -EOPNOTSUPP;
	}
	ret = mmap_region(mm, file, addr, len, vm_flags, pgoff);
	if (shm)
		fput(shm);
	if (ret >= 0 && ((vm_flags & VM_LOCKED) ||
			 (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE))
		populate_range(mm, addr, addr + len, false);
	return ret;
}

long mm_mmap(struct mm_struct *mm, uint64_t addr, uint64_t len, int prot,
	     int flags, struct file *file, uint64_t off)
{
	mm->stats.calls_mmap++;
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS) && !file)
		return -EBADF;
	if (flags & MAP_ANONYMOUS)
		file = NULL;
	return do_mmap(mm, addr, len, prot, flags, file, off >> PAGE_SHIFT);
}

/* ---- brk ---- */

/* do_brk_flags(): grow the heap, extending the heap VMA below when it ends at @addr */
static int do_brk_flags(struct mm_struct *mm, struct vm_area_struct *brkvma,
			uint64_t addr, uint64_t len)
{
	uint64_t flags = VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | mm->def_flags;
	uint64_t pages = len >> PAGE_SHIFT;
	struct vm_area_struct *vma;

	if (!may_expand_vm(mm, flags, pages))
		return -ENOMEM;
	if (mm->map_count > mm->zone->max_map_count)
		return -ENOMEM;
	if (vm_enough_memory(mm, (long)pages))
		return -ENOMEM;
	if (brkvma && brkvma->vm_end == addr && brkvma->vm_flags == (flags | VM_SOFTDIRTY) &&
	    vma_is_anonymous(brkvma) && !brkvma->vm_file &&
	    brkvma->vm_pgoff + vma_pages(brkvma) == addr >> PAGE_SHIFT) {
		vma_set_range(mm, brkvma, brkvma->vm_start, addr + len, brkvma->vm_pgoff);
		goto out;
	}
	vma = vm_area_alloc(mm);
	if (!vma) {
		vm_unacct_memory(mm, (long)pages);
		return -ENOMEM;
	}
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_pgoff = addr >> PAGE_SHIFT;
	vma->vm_flags = flags | VM_SOFTDIRTY;
	vma_link(mm, vma);
out:
	mm->total_vm += pages;
	mm->hiwater_vm = max(mm->hiwater_vm, mm->total_vm);
	mm->data_vm += pages;
	if (flags & VM_LOCKED)
		mm->locked_vm += pages;
	return 0;
}

/* the VMA ending at or below @addr that starts at or above start_brk */
static struct vm_area_struct *brk_vma(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	vma = vma ? vma->vm_prev : NULL;
	if (!vma) {
		vma = mm->mmap;
		while (vma && vma->vm_next)
			vma = vma->vm_next;
	}
	return vma && vma->vm_end <= addr && vma->vm_start >= mm->start_brk ? vma : NULL;
}

long mm_brk(struct mm_struct *mm, uint64_t brk)
{
	uint64_t origbrk = mm->brk, newbrk, oldbrk;
	struct vm_area_struct *next, *brkvma;

	mm->stats.calls_brk++;
	if (brk < mm->start_brk)
		return (long)origbrk;
	if (mm->rlim[MM_RLIMIT_DATA].rlim_cur != RLIM_INFINITY_MM &&
	    (brk - mm->start_brk) + (mm->end_data - mm->start_data) >
	    mm->rlim[MM_RLIMIT_DATA].rlim_cur)
		return (long)origbrk;
	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (newbrk > TASK_SIZE)
		return (long)origbrk;
	if (oldbrk == newbrk) {
		mm->brk = brk;
		return (long)brk;
	}
	if (brk <= mm->brk) {
		/* always allow shrinking, but only over the heap itself */
		brkvma = find_vma(mm, newbrk);
		if (!brkvma || brkvma->vm_start >= oldbrk)
			return (long)origbrk;
		mm->brk = brk;
		if (do_munmap(mm, newbrk, oldbrk)) {
			mm->brk = origbrk;
			return (long)origbrk;
		}
		return (long)brk;
	}
	next = find_vma(mm, oldbrk);
	if (next && newbrk + PAGE_SIZE > vm_start_gap(next))
		return (long)origbrk;
	brkvma = brk_vma(mm, oldbrk);
	if (do_brk_flags(mm, brkvma, oldbrk, newbrk - oldbrk))
		return (long)origbrk;
	mm->brk = brk;
	if (mm->def_flags & VM_LOCKED)
		populate_range(mm, oldbrk, newbrk, false);
	return (long)brk;
}
