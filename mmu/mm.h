/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MMU library's interface.  No KVM here: a caller hands over a block of
 * memory that stands for guest-physical memory, and the library manages
 * address spaces inside it with Linux's semantics.
 *
 * Calls that mirror system calls return what the kernel returns: a
 * non-negative result or -errno.
 */
#ifndef MMU_MM_H
#define MMU_MM_H

#include <stdio.h>

#include "mm_types.h"

/* ---- zone: guest-physical memory (page_alloc.c) ---- */

/* @base..@base+@size is guest-physical 0..@size; @size a multiple of PAGE_SIZE */
struct zone *zone_create(void *base, uint64_t size);
void zone_destroy(struct zone *zone);
struct page *alloc_page(struct zone *zone);		/* refcount 1, zeroed */
struct page *alloc_page_nozero(struct zone *zone);	/* refcount 1, contents undefined */
/* best effort: NULL unless more than @reserve frames are free; no reclaim */
struct page *alloc_page_nowait(struct zone *zone, uint64_t reserve, bool zero);
void get_page(struct page *page);
void put_page(struct zone *zone, struct page *page);	/* frees at refcount 0 */
/* take frames out of the allocator for the caller's own use (trampoline, GDT...) */
int zone_reserve(struct zone *zone, uint64_t pfn, uint64_t nr);
uint64_t page_to_pfn(struct zone *zone, struct page *page);
struct page *pfn_to_page(struct zone *zone, uint64_t pfn);
void *pfn_to_virt(struct zone *zone, uint64_t pfn);	/* host address of the frame */
void *gpa_to_virt(struct zone *zone, uint64_t gpa);	/* NULL outside the zone */
uint64_t zone_nr_free(struct zone *zone);
/* a 2 MiB-aligned compound page (head + 511 tails), zeroed; NULL when none is free */
struct page *alloc_huge_page(struct zone *zone);

/*
 * Pre-zeroing, for a thread of the caller's (the caller keeps it apart from
 * every other call; grab and put take zone->lock against mm_fault_shared()): grab takes up to @max free frames of
 * unknown content off the free lists, the caller zeroes them through
 * pfn_to_virt() and put returns them as known-zero free frames, which
 * alloc_page() prefers when zone->prezero is set.  zone_prezero() does all
 * three at once.
 */
size_t zone_prezero_grab(struct zone *zone, uint64_t *pfns, size_t max);
void zone_prezero_put(struct zone *zone, const uint64_t *pfns, size_t n);
size_t zone_prezero(struct zone *zone, size_t max);
/* every free frame is zero: the zone's memory came fresh from the host */
void zone_mark_free_zeroed(struct zone *zone);
/*
 * Describe every frame not yet described (zone_create() defers them until
 * allocation reaches them): afterwards each free frame is on a free list.
 */
void deferred_init_memmap(struct zone *zone);
/* @pfn is free, whether on a free list or not yet described */
bool zone_frame_free(struct zone *zone, uint64_t pfn);

/* ---- address spaces (mmap.c) ---- */

struct mm_layout {
	uint64_t mmap_base;	/* 0: Linux's x86-64 default below the stack gap */
	uint64_t stack_top;	/* 0: TASK_SIZE (no randomisation) */
	uint64_t random_offset;	/* page-aligned: subtracted from both, as ASLR does */
};

struct mm_struct *mm_create(struct zone *zone, const struct mm_layout *layout);
/* unmap everything, free page tables and the mm; the commit log is dropped */
void mm_destroy(struct mm_struct *mm);

/* fork's copy: private writable pages shared copy-on-write (fork.c) */
struct mm_struct *dup_mm(struct mm_struct *oldmm, int *err);

/* the initial stack VMA: [stack_top - size, stack_top), VM_GROWSDOWN */
long mm_setup_stack(struct mm_struct *mm, uint64_t size);
/* program break starts at @start_brk (page-aligned up), after the image */
void mm_set_brk_base(struct mm_struct *mm, uint64_t start_brk);
int mm_set_rlimit(struct mm_struct *mm, int resource, uint64_t cur, uint64_t max);

/* ---- the mmap family ---- */

long mm_mmap(struct mm_struct *mm, uint64_t addr, uint64_t len, int prot,
	     int flags, struct file *file, uint64_t off);
long mm_munmap(struct mm_struct *mm, uint64_t addr, uint64_t len);
/* exit_mmap(): unmap everything, sealed VMAs too */
void mm_munmap_all(struct mm_struct *mm);
/* mseal(2), Linux 6.10+: VM_SEALED on [start, start + len) */
long mm_mseal(struct mm_struct *mm, uint64_t start, uint64_t len, unsigned long flags);
long mm_mprotect(struct mm_struct *mm, uint64_t start, uint64_t len, int prot);
long mm_brk(struct mm_struct *mm, uint64_t brk);
long mm_mlock(struct mm_struct *mm, uint64_t start, uint64_t len, unsigned int flags);
long mm_munlock(struct mm_struct *mm, uint64_t start, uint64_t len);
long mm_mlockall(struct mm_struct *mm, int flags);
long mm_munlockall(struct mm_struct *mm);
long mm_msync(struct mm_struct *mm, uint64_t start, uint64_t len, int flags);
long mm_mremap(struct mm_struct *mm, uint64_t addr, uint64_t old_len, uint64_t new_len,
	       int flags, uint64_t new_addr);
long mm_madvise(struct mm_struct *mm, uint64_t start, uint64_t len, int advice);
/* @vec: one byte per page, host memory */
long mm_mincore(struct mm_struct *mm, uint64_t start, uint64_t len, unsigned char *vec);
uint64_t get_unmapped_area(struct mm_struct *mm, struct file *file, uint64_t addr,
			   uint64_t len, uint64_t pgoff, int flags);

/*
 * ---- protection keys (pkeys.c) ----
 *
 * The CPU model is zone->cpu_pkeys, read by mm_create() (set it before
 * creating the address spaces: an mm made without keys stays so): without keys
 * PROT_EXEC implies read and these calls fail as Linux's do on such a CPU.
 * With keys a PROT_EXEC-only mmap/mprotect gives the VMA the mm's
 * execute-only key (allocated on first use, access-disabled in mm->pkru),
 * faults check mm->pkru (SEGV_PKUERR, fault_result.si_pkey) and smaps
 * shows ProtectionKey.  mm->pkru is the current thread's PKRU: the caller
 * sets it where the guest may have changed it (WRPKRU, signal delivery).
 */
#define PKEY_DISABLE_ACCESS_MM	0x1
#define PKEY_DISABLE_WRITE_MM	0x2
#define PKRU_AD_BIT		0x1u
#define PKRU_WD_BIT		0x2u
#define PKRU_BITS_PER_PKEY	2
/* the PKRU a new thread gets at execve: every key but 0 access-disabled */
#define INIT_PKRU_VALUE		0x55555554u

/* pkey_alloc(2), pkey_free(2), pkey_mprotect(2): the key or -errno */
long mm_pkey_alloc(struct mm_struct *mm, unsigned long flags, unsigned long init_val);
long mm_pkey_free(struct mm_struct *mm, int pkey);
long mm_pkey_mprotect(struct mm_struct *mm, uint64_t start, uint64_t len,
		      unsigned long prot, int pkey);
/* vma_pkey(): the key of the VMA at @addr, or -1 without one */
int mm_vma_pkey(struct mm_struct *mm, uint64_t addr);

/* ---- VMAs (vma_tree.c, vma.c) ---- */

struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr);	/* first with end > addr */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, uint64_t start, uint64_t end);
struct vm_area_struct *vma_lookup(struct mm_struct *mm, uint64_t addr);	/* containing addr */

/* ---- reclaim and swap (vmscan.c, swapfile.c) ---- */

/* swap on @fd (the caller's host file, grown to @size); once per zone */
int swap_on(struct zone *zone, int fd, uint64_t size);
uint64_t nr_swap_free(struct zone *zone);
/* free up to @nr frames by reclaim; allocation calls it when out of frames */
uint64_t shrink_zone(struct zone *zone, uint64_t nr);
/* /proc/meminfo for the guest */
char *zone_show_meminfo(struct zone *zone);

/* ---- reverse mapping (rmap.c) ---- */

/* visit one entry mapping a page; non-zero stops the walk */
typedef int (*rmap_visit_t)(struct page *page, struct vm_area_struct *vma, uint64_t addr,
			    pteval_t *ptep, void *arg);
int rmap_walk(struct zone *zone, struct page *page, rmap_visit_t visit, void *arg);
int try_to_unmap(struct zone *zone, struct page *page, pteval_t replacement);
int page_referenced(struct zone *zone, struct page *page);

/* ---- faults (memory.c) ---- */

#define FAULT_FLAG_WRITE	0x01
#define FAULT_FLAG_INSTRUCTION	0x02
#define FAULT_FLAG_USER		0x04
/* the hardware said a protection key refused it (error code bit 5, X86_PF_PK) */
#define FAULT_FLAG_PKEY		0x08

struct fault_result {
	enum fault_kind kind;
	int signo;		/* 0, SIGSEGV or SIGBUS */
	int si_code;		/* SEGV_MAPERR, SEGV_ACCERR, SEGV_PKUERR, BUS_ADRERR */
	/* SEGV_PKUERR: si_pkey, the VMA's protection key (else 0); not named
	 * si_pkey because glibc's <signal.h> defines that as a macro */
	int pkey;
	unsigned int prefaulted;	/* pages fault-around mapped besides this one */
};

/* resolve a guest fault at @addr; returns 0 when the access may be retried */
int mm_fault(struct mm_struct *mm, uint64_t addr, unsigned int flags,
	     struct fault_result *res);
/*
 * ... with the caller's lock held shared (mm_types.h, "Locking"), from
 * several threads at once: first touches of anonymous memory; -EAGAIN for
 * every other fault, which mm_fault() then takes under the lock held
 * exclusively.  @pkru: the faulting thread's PKRU.
 */
int mm_fault_shared(struct mm_struct *mm, uint64_t addr, unsigned int flags, uint32_t pkru,
		    struct fault_result *res);
/* translate without faulting: the leaf entry for @addr, or 0 */
pteval_t mm_walk(struct mm_struct *mm, uint64_t addr);
/* copy to/from the address space as the guest sees it, faulting pages in
 * like a kernel copy_{to,from}_user; returns bytes not copied */
size_t mm_copy_from_user(struct mm_struct *mm, void *dst, uint64_t src, size_t n);
size_t mm_copy_to_user(struct mm_struct *mm, uint64_t dst, const void *src, size_t n);

/* ---- the commit log (commit_log.c) ---- */

/* whether @mm has changes the guest has not been handed yet */
static inline bool commit_log_pending(const struct mm_struct *mm)
{
	return mm->log.nr || mm->log.nr_inval || mm->log.flush_all;
}

/* hand the pending batch to the guest: the caller reads mm->log, then calls done */
void commit_log_done(struct mm_struct *mm);
/*
 * ... but the batch's unlinked page-table frames go to @out instead of the
 * zone: other CPUs may still walk through them until they have invalidated.
 * frame_list_free() gives them back then.
 */
void commit_log_done_defer(struct mm_struct *mm, struct frame_list *out);
void frame_list_free(struct zone *zone, struct frame_list *fl);
void frame_list_add(struct frame_list *fl, uint64_t pfn);
/* frames put_page() freed while zone->gather was set */
void zone_release_gathered(struct zone *zone, struct frame_list *fl);
/* for tests and for a guest without the trampoline: apply by plain writes */
void commit_log_apply(struct mm_struct *mm);

/* ---- backing objects (filemap.c, shmem.c, host_file.c) ---- */

struct file *shmem_file_setup(struct zone *zone, const char *name, uint64_t size);
/* a read-only or read-write view of an open host file descriptor (dup'ed) */
struct file *host_file_open(struct zone *zone, int fd, const char *path, unsigned int f_mode);
void get_file(struct file *file);
void fput(struct file *file);
int file_truncate(struct file *file, uint64_t size);
/* another open of the same object with its own access mode, same page cache */
struct file *file_reopen(struct file *file, unsigned int f_mode);
/* write back every dirty page of the object (fsync) */
int file_fsync(struct file *file);
/* read(2)/write(2) at @pos through the page cache: bytes done or -errno */
long kernel_read(struct file *file, uint64_t pos, void *buf, size_t n);
long kernel_write(struct file *file, uint64_t pos, const void *buf, size_t n);

/* ---- /proc/self/maps (task_mmu.c) ---- */

/* Linux's exact text; returns a malloc'ed string the caller frees */
char *mm_show_maps(struct mm_struct *mm);
/* /proc/self/smaps, and the Vm* and Rss* lines of /proc/self/status */
char *mm_show_smaps(struct mm_struct *mm);
char *mm_show_status(struct mm_struct *mm);
/* /proc/PID/smaps_rollup: the smaps counts of all VMAs, summed */
char *mm_show_smaps_rollup(struct mm_struct *mm);
/* task_statm(): total, and shared, text, data, resident pages */
uint64_t mm_task_statm(struct mm_struct *mm, uint64_t *shared, uint64_t *text, uint64_t *data,
		       uint64_t *resident);

/* /proc/PID/pagemap's entries (Documentation/admin-guide/mm/pagemap.rst) */
#define PM_PFRAME_MASK		((1ULL << 55) - 1)
#define PM_SWAP_TYPE_BITS	5	/* a swap entry's frame: type | offset << 5 */
#define PM_SOFT_DIRTY		(1ULL << 55)
#define PM_MMAP_EXCLUSIVE	(1ULL << 56)
#define PM_FILE			(1ULL << 61)
#define PM_SWAP			(1ULL << 62)
#define PM_PRESENT		(1ULL << 63)
void mm_pagemap(struct mm_struct *mm, uint64_t addr, uint64_t *pm, size_t n, bool show_pfn);

/* ---- invariant checker (validate.c) ---- */

/* 0 when consistent; otherwise -1 and a description in @err */
int validate_mm(struct mm_struct *mm, char *err, size_t errlen);
/* the zone after every mm is gone: no frame in use but the reserved ones */
int validate_zone_empty(struct zone *zone, char *err, size_t errlen);
/* several address spaces sharing one zone: frame counts are global */
int validate_mms(struct mm_struct **mms, int n, char *err, size_t errlen);

/* ---- counters (stats.c) ---- */
const char *fault_kind_name(enum fault_kind kind);
/* faults by kind, frames, page tables, VMAs, calls, commit-log traffic */
void mm_print_stats(struct mm_struct *mm, FILE *out);

#endif
