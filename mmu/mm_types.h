/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MMU's data structures, named after Linux's (include/linux/mm_types.h).
 *
 * One struct zone owns the guest-physical block and every frame in it; any
 * number of struct mm_struct (address spaces) allocate from it.  Page-table
 * pages, data pages and page-cache pages all come from the same zone.
 *
 * Locking, as Linux's mmap_lock with its per-VMA fault path: the caller
 * holds one lock over every mm and the zone, exclusively for every call
 * into the library, or shared for mm_fault_shared() alone (memory.c).
 * Those shared holders change only what two locks of the library
 * serialize among them:
 *   - mm->page_table_lock: the mm's leaf entries, its tables' pt_used, its
 *     RSS counters and fault and commit-log counts;
 *   - zone->lock: the free lists, the LRU, anon_vma reference counts and
 *     the zone's counters.
 * Order: page_table_lock, then zone->lock.  An exclusive holder takes
 * neither (no shared holder can run), except that a thread of the
 * caller's that zeroes frames (mm.h, zone_prezero_grab()) takes zone->lock.
 */
#ifndef MMU_MM_TYPES_H
#define MMU_MM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "fault_inject.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)	(((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PMD_SHIFT	21
#define PMD_SIZE	(1UL << PMD_SHIFT)
#define PUD_SHIFT	30
#define PUD_SIZE	(1UL << PUD_SHIFT)
#define PGDIR_SHIFT	39
#define PTRS_PER_TABLE	512

/* x86-64 with 4-level paging: user addresses end below 2^47 minus a page. */
#define TASK_SIZE	0x7ffffffff000UL

typedef uint64_t pteval_t;

/* ---- struct page: one per frame of the zone ---- */

enum page_flags {
	PG_reserved	= 1u << 0,	/* never allocated: the zero page, the caller's frames */
	PG_pgtable	= 1u << 1,	/* holds a page table (any level) */
	PG_anon		= 1u << 2,	/* private anonymous data; ->anon_vma is the owner */
	PG_cache	= 1u << 3,	/* in a file's page cache; ->mapping is the owner */
	PG_dirty	= 1u << 4,
	PG_uptodate	= 1u << 5,
	PG_free		= 1u << 6,	/* on the zone's free list */
	PG_lazyfree	= 1u << 7,	/* MADV_FREE: reclaim may drop it while clean */
	PG_lru		= 1u << 8,	/* on the zone's LRU clock */
	PG_swapcache	= 1u << 9,	/* in the swap cache: ->swap_slot holds its copy */
	PG_head		= 1u << 10,	/* first frame of a 2 MiB compound page (a THP) */
	PG_tail		= 1u << 11,	/* other frames of one: ->index is the offset from the head */
	PG_zeroed	= 1u << 12,	/* free and known to hold zeroes */
	PG_prezeroing	= 1u << 13,	/* off the free lists, being zeroed (zone_prezero_grab) */
	PG_limbo	= 1u << 14,	/* freed while another CPU may still reach it (zone->gather) */
};

/* a compound page: HPAGE_PMD_NR frames, 2 MiB aligned, mapped only by PMDs */
#define HPAGE_PMD_ORDER	(PMD_SHIFT - PAGE_SHIFT)
#define HPAGE_PMD_NR	(1UL << HPAGE_PMD_ORDER)

struct anon_vma;
struct address_space;

struct page {
	uint32_t flags;
	int32_t refcount;	/* page tables + page cache + other holders */
	int32_t mapcount;	/* leaf PTEs that map this frame */
	uint32_t pt_used;	/* PG_pgtable: non-zero entries in the table */
	/* rmap owner: exactly one of these is set, as PG_anon / PG_cache say */
	struct anon_vma *anon_vma;
	struct address_space *mapping;
	uint64_t index;		/* page offset in the owner (pgoff units) */
	uint32_t next_free, prev_free;	/* free list links (pfn) */
	/*
	 * PG_pgtable: a table deposited for splitting a huge PMD (Linux's
	 * pgtable_trans_huge_deposit): in a PMD table, the first deposited
	 * table; in a deposited table, the next one (pfn, 0 = none).
	 */
	uint32_t pmd_huge_pte;
	uint32_t lru_prev, lru_next;	/* PG_lru: the clock's links (pfn) */
	uint64_t swap_slot;	/* PG_swapcache */
	uint32_t log_batch;	/* PG_pgtable: commit batch that last logged an entry here */
};

/* ---- the zone: guest-physical memory and its frame allocator ---- */

struct zone_stats {
	uint64_t allocs, frees, alloc_failures;
	uint64_t nr_free, nr_pgtable, nr_anon, nr_cache;
	/* reclaim */
	uint64_t pgscan, pgsteal, pswpout, pswpin, pgrotated, pg_dropped, pg_written;
	uint64_t nr_lru, nr_swapcache;
	/* fast paths */
	uint64_t pgprefault;		/* pages mapped by fault-around beyond the faulting one */
	uint64_t thp_fault_alloc, thp_fault_fallback, thp_split_pmd;
	uint64_t nr_anon_thp;		/* 2 MiB anonymous pages mapped by a PMD */
	uint64_t prezeroed, prezero_hits, prezero_misses;
};

/* /sys/kernel/mm/transparent_hugepage/enabled */
enum thp_mode { THP_NEVER, THP_MADVISE, THP_ALWAYS };

struct swap_info;
struct validate_scratch;

struct zone {
	/*
	 * Several CPUs: frames freed while other CPUs may still hold
	 * translations to them go here instead of the free lists, until the
	 * caller has had those CPUs flush (zone_release_gathered()), as
	 * Linux's mmu_gather frees pages only after the TLB flush.
	 */
	struct frame_list *gather;
	pthread_mutex_t lock;	/* see "Locking" above */
	uint8_t *base;		/* host address of guest-physical 0 */
	uint64_t nr_pages;
	struct page *mem_map;
	uint32_t free_head;	/* pfn, or UINT32_MAX when empty: frames of unknown content */
	uint32_t zeroed_head;	/* free frames known to be zero (PG_zeroed) */
	uint16_t *block_free;	/* free frames in each 2 MiB block, for huge allocations */
	uint16_t *block_zeroed;	/* of which known to be zero */
	uint64_t nr_zeroed;	/* frames on the zeroed list */
	/*
	 * Deferred struct page init, as Linux's first_deferred_pfn: frames in
	 * [first_deferred_pfn, end_deferred_pfn) were never handed out.  They
	 * are free and counted (nr_free, block_free, and nr_zeroed and
	 * block_zeroed when deferred_zeroed), but neither on a list nor
	 * described: their struct pages are still the calloc'd zeroes and
	 * their host memory untouched.  They join the lists lowest first,
	 * as allocation reaches them, so a zone costs what it is used for.
	 */
	uint64_t first_deferred_pfn, end_deferred_pfn;
	bool deferred_zeroed;	/* zone_mark_free_zeroed(): they hold zeroes */
	uint64_t zero_pfn;	/* the shared zero page (PG_reserved) */
	/* sysctls, as /proc/sys/vm/... */
	int overcommit_memory;		/* 0 heuristic, 1 always, 2 never */
	int overcommit_ratio;		/* percent, mode 2 */
	uint64_t overcommit_kbytes;	/* mode 2, overrides the ratio when non-zero */
	uint64_t max_map_count;
	uint64_t mmap_min_addr;		/* hints and searches: max(dac, CONFIG_LSM_MMAP_MIN_ADDR) */
	uint64_t dac_mmap_min_addr;	/* /proc/sys/vm/mmap_min_addr: MAP_FIXED below is EPERM */
	uint64_t totalram_pages;	/* what the overcommit policy believes */
	uint64_t total_swap_pages;
	uint64_t vm_committed_as;	/* pages charged by VM_ACCOUNT mappings */
	/* fast paths, each switchable (the monitor's --fault-around, --thp, --prezero) */
	uint64_t fault_around_bytes;	/* file read faults: Linux's fault_around_bytes */
	uint64_t fault_around_anon_bytes; /* anonymous faults: 0 = one page, as Linux */
	enum thp_mode thp_mode;
	/*
	 * Linux's mm_forbids_zeropage(): a read fault of private anonymous
	 * memory gets a page of its own (and the VMA an anon_vma) instead
	 * of the shared zero page.  Off, as on x86 Linux; some kernels the
	 * differential test meets behave this way, and it decides merges.
	 */
	bool forbids_zeropage;
	bool prezero;			/* allocations prefer frames zeroed ahead of time */
	/*
	 * The CPU the address spaces model: protection keys enabled
	 * (CPUID.7.0:ECX PKU and OSPKE, Linux's X86_FEATURE_OSPKE).  Read by
	 * mm_create(); false (the default) is a CPU without keys.
	 */
	bool cpu_pkeys;
	/* kernel half of every PGD (entries 256..511), e.g. the monitor's direct map */
	pteval_t kernel_pgd[PTRS_PER_TABLE / 2];
	struct zone_stats stats;
	/* reclaim: the clock over user pages, and the swap area if any */
	uint32_t lru_head;		/* most recently added or rotated, or UINT32_MAX */
	struct swap_info *swap;
	bool in_reclaim;
	/*
	 * The caller's, around each reclaim (begin, then end): with several
	 * CPUs, none may run the program while reclaim unmaps its pages, since
	 * a write through a stale translation would be lost with the page.
	 */
	void (*reclaim_hook)(struct zone *zone, bool begin);
	void *hook_data;
	struct validate_scratch *check_scratch;	/* the invariant checker's (validate.c) */
	/* fault injection */
	struct fault_attr inject[NR_INJECT_POINTS];
	uint64_t inject_rng;
	inject_report_t inject_report;
	void *inject_report_arg;
};

/* ---- the commit log: what the guest must re-write and invalidate ---- */

struct commit_entry {
	uint64_t pte_gpa;	/* guest-physical address of the entry */
	pteval_t val;		/* its new value */
};

struct commit_stats {
	uint64_t installs;	/* not-present -> present: no re-write needed */
	uint64_t rewrites;	/* entries the guest must re-write */
	uint64_t invlpgs;	/* single-page invalidations requested */
	uint64_t full_flushes;	/* batches that ended in a full flush */
	uint64_t commits;	/* batches handed to the guest */
	uint64_t dropped;	/* re-writes and invalidations dropped by injection */
};

/* Linux's tlb_single_page_flush_ceiling */
#define COMMIT_FLUSH_CEILING	33

/* page-table frames that wait for every CPU to drop its translations */
struct frame_list {
	uint64_t *pfn;
	size_t nr, cap;
};

struct commit_log {
	struct commit_entry *ent;
	size_t nr, cap;
	uint64_t inval[COMMIT_FLUSH_CEILING];	/* page addresses to invlpg */
	size_t nr_inval;
	bool flush_all;		/* too many pages: reload CR3 instead */
	/* page-table frames unlinked in this batch, freed when it is done */
	uint64_t *deferred;
	size_t nr_deferred, cap_deferred;
	/* re-writes an injected delay holds back to the next batch */
	uint64_t delayed[16];
	size_t nr_delayed;
	uint32_t batch;		/* id of the pending batch, starts at 1 */
	int owner;		/* the monitor's: 1 + the vCPU applying a batch, 0 none */
	struct commit_stats stats;
};

/* ---- VMAs ---- */

/* vm_flags, Linux's bit values (include/linux/mm.h) */
#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_GROWSDOWN	0x00000100UL
#define VM_UFFD_MISSING	0x00000200UL
#define VM_PFNMAP	0x00000400UL
#define VM_LOCKED	0x00002000UL
#define VM_IO		0x00004000UL
#define VM_SEQ_READ	0x00008000UL
#define VM_RAND_READ	0x00010000UL
#define VM_DONTCOPY	0x00020000UL
#define VM_DONTEXPAND	0x00040000UL
#define VM_LOCKONFAULT	0x00080000UL
#define VM_ACCOUNT	0x00100000UL
#define VM_NORESERVE	0x00200000UL
#define VM_HUGETLB	0x00400000UL
#define VM_SYNC		0x00800000UL
#define VM_WIPEONFORK	0x02000000UL
#define VM_DONTDUMP	0x04000000UL
#define VM_SOFTDIRTY	0x08000000UL
#define VM_MIXEDMAP	0x10000000UL
#define VM_HUGEPAGE	0x20000000UL
#define VM_NOHUGEPAGE	0x40000000UL
#define VM_MERGEABLE	0x80000000UL
#define VM_DROPPABLE	(1ULL << 40)
#define VM_SEALED	(1ULL << 42)	/* mseal(): the mapping itself cannot change */
/*
 * The VMA's protection key, as x86 keeps it: VM_HIGH_ARCH_0..3 (bits
 * 32..35).  Only set when the CPU model has protection keys.
 */
#define VM_PKEY_SHIFT	32
#define VM_PKEY_BIT0	(1ULL << 32)
#define VM_PKEY_BIT1	(1ULL << 33)
#define VM_PKEY_BIT2	(1ULL << 34)
#define VM_PKEY_BIT3	(1ULL << 35)
#define ARCH_VM_PKEY_FLAGS	(VM_PKEY_BIT0 | VM_PKEY_BIT1 | VM_PKEY_BIT2 | VM_PKEY_BIT3)

#define VM_ACCESS_FLAGS	(VM_READ | VM_WRITE | VM_EXEC)
#define VM_SPECIAL	(VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)
#define VM_STACK_FLAGS	(VM_GROWSDOWN | VM_READ | VM_WRITE | VM_MAYREAD | \
			 VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT)
/* x86-64 VM_DATA_DEFAULT_FLAGS: VM_DATA_FLAGS_TSK_EXEC is not used for 64-bit */
#define VM_DATA_DEFAULT_FLAGS	(VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

struct vm_area_struct;
struct vm_fault;

/* vm_fault_t results (include/linux/mm_types.h) */
typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM		0x000001
#define VM_FAULT_SIGBUS		0x000002
#define VM_FAULT_SIGSEGV	0x000040
#define VM_FAULT_ERROR		(VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

struct vm_operations_struct {
	void (*open)(struct vm_area_struct *vma);	/* a copy of vma was made */
	void (*close)(struct vm_area_struct *vma);	/* vma is going away */
	/* fill vmf->page with the frame for vmf->pgoff, holding a reference */
	vm_fault_t (*fault)(struct vm_fault *vmf);
	const char *(*name)(struct vm_area_struct *vma);
};

struct anon_vma_chain;

/*
 * The owner of anonymous pages (Linux's mm/rmap.c).  Pages a process had
 * when it forked stay with its anon_vma, so a child's VMA may map pages of
 * its ancestors' anon_vmas: each VMA has a chain of links to every
 * anon_vma whose pages it may map, and each anon_vma lists the links to
 * it, which is how rmap finds every mapping of a page.
 */
struct anon_vma {
	int refcount;		/* links, pages and children holding it */
	uint64_t id;
	struct anon_vma *parent;	/* the anon_vma a fork made this one from */
	struct anon_vma_chain *head;	/* links from VMAs that may map its pages */
};

struct anon_vma_chain {
	struct vm_area_struct *vma;
	struct anon_vma *anon_vma;
	struct anon_vma_chain *same_vma;		/* next link of the same VMA */
	struct anon_vma_chain *prev, *next;		/* in anon_vma->head */
};

struct vm_area_struct {
	uint64_t vm_start, vm_end;	/* [start, end) */
	uint64_t vm_flags;
	uint64_t vm_pgoff;		/* in pages: file offset, or vm_start >> PAGE_SHIFT */
	struct file *vm_file;
	const struct vm_operations_struct *vm_ops;
	struct anon_vma *anon_vma;		/* where its new anonymous pages go */
	struct anon_vma_chain *anon_vma_chain;	/* every anon_vma it may map pages of */
	struct mm_struct *vm_mm;
	/* ordered tree, augmented with the largest free gap below each subtree */
	struct vm_area_struct *rb_left, *rb_right, *rb_parent;
	int rb_height;
	uint64_t rb_subtree_gap;
	/* address-ordered neighbours */
	struct vm_area_struct *vm_prev, *vm_next;
	/* node in the backing object's interval tree of its mappings (i_mmap) */
	struct {
		struct vm_area_struct *left, *right, *parent;
		int height;
		uint64_t subtree_last;
	} shared;
};

/* ---- backing objects: files and shared memory ---- */

struct address_space_operations {
	/* read page @index of @mapping into @dst (PAGE_SIZE bytes; zero past EOF) */
	int (*read_folio)(struct address_space *mapping, uint64_t index, void *dst);
	/* read pages @index.. into @dst[0..@nr) at once (as read_folio each); may be NULL */
	int (*readahead)(struct address_space *mapping, uint64_t index, void **dst, unsigned int nr);
	/* write a dirty page back; may be NULL (shmem) */
	int (*writepage)(struct address_space *mapping, uint64_t index, const void *src);
	/* write(2) to the backing store itself (host files): bytes written or -errno */
	long (*write)(struct address_space *mapping, uint64_t pos, const void *buf, size_t n);
	/* drop the backing store (the last struct file reference went away) */
	void (*release)(struct address_space *mapping);
};

struct page_cache_slot;

struct address_space {
	struct zone *zone;
	bool shmem;			/* its pages count as RssShmem */
	const struct address_space_operations *a_ops;
	uint64_t i_size;		/* bytes */
	uint64_t nrpages;
	/* page cache: index -> pfn, open hashing */
	struct page_cache_slot *slots;
	uint64_t nslots;
	void *host;			/* backend private data (host fd, ...) */
	struct vm_area_struct *i_mmap;	/* interval tree of the VMAs mapping it, any mm */
	uint64_t acct_pages;		/* charged to vm_committed_as until freed */
	int refcount;			/* struct files and VMAs sharing it */
};

#define FMODE_READ	0x1
#define FMODE_WRITE	0x2

struct file {
	int f_count;
	unsigned int f_mode;
	struct address_space *f_mapping;
	const struct vm_operations_struct *vm_ops;	/* installed by mmap */
	char *f_path;			/* shown in maps */
	unsigned int dev_major, dev_minor;
	uint64_t ino;
	bool shmem;			/* shared memory object (memfd, MAP_SHARED|ANON) */
	bool noexec;			/* on a noexec mount: PROT_EXEC refused */
};

/* ---- the address space ---- */

enum fault_kind {
	FAULT_ANON_ZERO,	/* read of untouched anonymous memory: zero page */
	FAULT_ANON,		/* write to untouched anonymous memory: new zeroed frame */
	FAULT_WP_COPY,		/* copy on write */
	FAULT_WP_REUSE,		/* write to a read-only private page we own: made writable */
	FAULT_FILE,		/* page from the backing object */
	FAULT_SHARED_WRITE,	/* write to a shared mapping */
	FAULT_STACK_GROW,	/* VM_GROWSDOWN expanded to the address */
	FAULT_SWAP_IN,		/* read back from swap, or found in the swap cache */
	FAULT_SPURIOUS,		/* nothing to do: entry already allows the access */
	FAULT_SEGV_MAPERR,
	FAULT_SEGV_ACCERR,
	FAULT_SIGBUS,
	FAULT_OOM,
	FAULT_SEGV_PKUERR,	/* a protection key (PKRU) denies the data access */
	NR_FAULT_KINDS
};

struct mm_stats {
	uint64_t faults[NR_FAULT_KINDS];
	uint64_t shared_faults;		/* of those, served by mm_fault_shared() */
	uint64_t pgtable_pages;		/* now */
	uint64_t pgtable_allocs, pgtable_frees;
	uint64_t pt_moves[3];		/* mremap: PTEs, PMD entries, PUD entries moved */
	uint64_t calls_mmap, calls_munmap, calls_mprotect, calls_brk,
		 calls_madvise, calls_mincore, calls_mremap;
};

enum { MM_RLIMIT_AS, MM_RLIMIT_DATA, MM_RLIMIT_STACK, MM_RLIMIT_MEMLOCK, MM_NR_RLIMITS };
#define RLIM_INFINITY_MM	(~0ULL)

struct mm_rlimit {
	uint64_t rlim_cur, rlim_max;
};

struct mm_struct {
	struct zone *zone;
	uint64_t pgd_pfn;		/* CR3 */
	struct vm_area_struct *mm_rb;	/* tree root */
	struct vm_area_struct *mmap;	/* lowest VMA */
	uint64_t map_count;
	/* layout */
	uint64_t mmap_base, task_size;
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_brk, brk, start_stack;
	uint64_t stack_guard_gap;	/* bytes */
	/* page counts, as Linux keeps them (pages) */
	uint64_t total_vm, data_vm, exec_vm, stack_vm, locked_vm;
	struct mm_rlimit rlim[MM_NR_RLIMITS];
	uint64_t def_flags;
	struct commit_log log;
	pthread_mutex_t page_table_lock;	/* see "Locking" above */
	struct mm_stats stats;
	/* resident pages by kind (Linux's rss_stat) and the high-water mark */
	int64_t rss[4];			/* MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES, MM_SWAPENTS */
	uint64_t hiwater_rss, hiwater_vm;
	uint64_t next_anon_vma_id;
	/*
	 * Protection keys (Linux's mm->context and the thread's PKRU; the
	 * model is single-threaded).  Bit n of the map: key n allocated.
	 * execute_only_pkey is -1 until the first PROT_EXEC-only mapping
	 * allocates it (0 on a CPU without keys, as Linux leaves it).  pkru is
	 * the current thread's register: two bits per key, access-disable
	 * (bit 2n) and write-disable (bit 2n+1); the creator may set it, the
	 * library changes it where Linux writes the thread's PKRU.
	 */
	uint16_t pkey_allocation_map;
	int execute_only_pkey;
	uint32_t pkru;
};

#endif
