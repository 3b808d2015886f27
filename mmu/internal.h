/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between the MMU's files; not part of the interface. */
#ifndef MMU_INTERNAL_H
#define MMU_INTERNAL_H

#include <errno.h>

#include "mm.h"
#include "pgtable.h"

#define DEFAULT_MAX_MAP_COUNT	65530
#define DEFAULT_MMAP_MIN_ADDR	65536	/* Debian's CONFIG_LSM_MMAP_MIN_ADDR */
#define DEFAULT_DAC_MMAP_MIN_ADDR 4096	/* vm.mmap_min_addr */
#define STACK_GUARD_GAP		(256UL << PAGE_SHIFT)	/* stack_guard_gap */
#define DEFAULT_STACK_RLIMIT	(8UL << 20)

#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))

static inline uint64_t vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

static inline uint64_t linear_page_index(const struct vm_area_struct *vma, uint64_t addr)
{
	return ((addr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_ops;
}

/* mseal.c */
static inline bool vma_is_sealed(const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_SEALED;
}
bool range_sealed(struct mm_struct *mm, uint64_t start, uint64_t end);
bool can_madvise_modify(const struct vm_area_struct *vma, int behavior);

/*
 * The range of madvise() and mseal(): EINVAL for an unaligned @start, or a
 * length that wraps when page-aligned or added to @start; else 0 and the
 * page-aligned end in *@end (== @start for an empty range).
 */
static inline int user_range_end(uint64_t start, uint64_t len_in, uint64_t *end)
{
	uint64_t len;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	len = PAGE_ALIGN(len_in);
	if (len_in && !len)
		return -EINVAL;
	*end = start + len;
	return *end < start ? -EINVAL : 0;
}

static inline struct zone *mm_zone(struct mm_struct *mm)
{
	return mm->zone;
}

enum { MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES, MM_SWAPENTS };

/* a frame gains (+1) or loses (-1) a mapping in @mm: map count and RSS */
static inline void page_map_account(struct mm_struct *mm, struct page *page, int delta)
{
	int kind = page->flags & PG_anon ? MM_ANONPAGES :
		   page->mapping && page->mapping->shmem ? MM_SHMEMPAGES : MM_FILEPAGES;
	uint64_t rss;

	page->mapcount += delta;
	mm->rss[kind] += delta;
	rss = (uint64_t)(mm->rss[MM_FILEPAGES] + mm->rss[MM_ANONPAGES] + mm->rss[MM_SHMEMPAGES]);
	if (rss > mm->hiwater_rss)
		mm->hiwater_rss = rss;
}

/* pgtable.c */
pteval_t *pte_lookup(struct mm_struct *mm, uint64_t addr, uint64_t *next);
pteval_t *pte_alloc(struct mm_struct *mm, uint64_t addr);
struct page *pgtable_alloc(struct mm_struct *mm);
void set_pte_at(struct mm_struct *mm, uint64_t addr, pteval_t *ptep, pteval_t val);
void free_empty_tables(struct mm_struct *mm, uint64_t start, uint64_t end);
void free_pgd(struct mm_struct *mm);
uint64_t ptep_to_gpa(struct mm_struct *mm, const pteval_t *ptep);
pteval_t *pmd_walk(struct mm_struct *mm, uint64_t addr, bool alloc);
void pgtable_deposit(struct mm_struct *mm, pteval_t *pmdp, struct page *table);
struct page *pgtable_withdraw(struct mm_struct *mm, pteval_t *pmdp);
void pgtable_free_deposited(struct mm_struct *mm, struct page *table);

/* huge_memory.c */
bool thp_vma_suitable(const struct vm_area_struct *vma, uint64_t addr);
void split_huge_page(struct zone *zone, struct page *head);
void split_huge_pmd_at(struct mm_struct *mm, uint64_t addr, pteval_t *pmdp);
void split_huge_pmd_address(struct mm_struct *mm, uint64_t addr);
void split_huge_pmd_range(struct mm_struct *mm, uint64_t start, uint64_t end);
enum fault_kind huge_pmd_fault(struct mm_struct *mm, struct vm_area_struct *vma,
			       uint64_t addr, unsigned int flags);
bool zap_huge_pmd_range(struct mm_struct *mm, uint64_t *addr, uint64_t start, uint64_t end);
bool change_huge_pmd_range(struct mm_struct *mm, uint64_t *addr, uint64_t start, uint64_t end,
			   pteval_t prot, bool writable);
int copy_huge_pmd(struct mm_struct *dst_mm, struct mm_struct *src_mm, uint64_t haddr);

/* a walk over [start, ...) may meet a huge PMD only at @start or a 2 MiB boundary */
static inline bool pmd_boundary(uint64_t addr, uint64_t start)
{
	return addr == start || !(addr & (PMD_SIZE - 1));
}

/* commit_log.c */
void commit_log_add(struct mm_struct *mm, struct page *table, uint64_t gpa, pteval_t val);
void commit_log_flush_page(struct mm_struct *mm, uint64_t addr);
void commit_log_flush_range(struct mm_struct *mm, uint64_t start, uint64_t len);
void commit_log_delay(struct mm_struct *mm, uint64_t gpa);
void commit_log_defer_free(struct mm_struct *mm, uint64_t pfn);
void commit_log_release(struct mm_struct *mm);

/* memory.c */
pteval_t vm_get_page_prot(uint64_t vm_flags);

/* fault_around.c: after the fault at @addr mapped @ptep; pages prefaulted */
unsigned int do_fault_around(struct mm_struct *mm, struct vm_area_struct *vma,
			     uint64_t addr, pteval_t *ptep);
unsigned int do_anon_fault_around(struct mm_struct *mm, struct vm_area_struct *vma,
				  uint64_t addr, pteval_t *ptep, bool write);
unsigned int do_wp_fault_around(struct mm_struct *mm, struct vm_area_struct *vma,
				uint64_t addr, pteval_t *ptep);
void zap_page_range(struct mm_struct *mm, struct vm_area_struct *vma,
		    uint64_t start, uint64_t end);
void unmap_region(struct mm_struct *mm, uint64_t start, uint64_t end);
int populate_range(struct mm_struct *mm, uint64_t start, uint64_t end, bool write);
int faultin_page(struct mm_struct *mm, uint64_t addr, unsigned int flags);
unsigned int populate_fault_flags(const struct vm_area_struct *vma);
bool page_is_exclusive_anon(struct zone *zone, struct page *page);

/* vma_tree.c */
void vma_tree_insert(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_tree_erase(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_gap_update(struct mm_struct *mm, struct vm_area_struct *vma);
uint64_t vma_gap_of(const struct vm_area_struct *vma);
int vma_tree_check(struct mm_struct *mm, char *err, size_t errlen);

struct vm_unmapped_area_info {
	uint64_t length;
	uint64_t low_limit, high_limit;
	uint64_t align_mask, align_offset;
};
uint64_t unmapped_area_topdown(struct mm_struct *mm, const struct vm_unmapped_area_info *info);
uint64_t unmapped_area(struct mm_struct *mm, const struct vm_unmapped_area_info *info);

/* vma.c */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *vma);
void vm_area_free(struct vm_area_struct *vma);
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_unlink_free(struct mm_struct *mm, struct vm_area_struct *vma);
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr, int new_below);
bool vma_can_merge(const struct vm_area_struct *a, const struct vm_area_struct *b);
struct vm_area_struct *vma_try_merge_around(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_set_range(struct mm_struct *mm, struct vm_area_struct *vma,
		   uint64_t start, uint64_t end, uint64_t pgoff);
void vm_stat_account(struct mm_struct *mm, uint64_t flags, long npages);
uint64_t vm_start_gap(const struct vm_area_struct *vma);
uint64_t vm_end_gap(const struct vm_area_struct *vma);

/* mmap.c */
long do_munmap(struct mm_struct *mm, uint64_t start, uint64_t end);
uint64_t count_vma_pages_range(struct mm_struct *mm, uint64_t start, uint64_t end, uint64_t flags);
void unmap_moved_source(struct mm_struct *mm, uint64_t start, uint64_t len);

/* mremap.c */
uint64_t move_page_tables(struct mm_struct *mm, uint64_t old, uint64_t new, uint64_t len);

/* pkeys.c */
void mm_pkeys_init(struct mm_struct *mm);
void dup_pkeys(struct mm_struct *mm, const struct mm_struct *oldmm);
int vma_pkey(const struct vm_area_struct *vma);
uint64_t calc_vm_pkey_bits(int pkey);
bool arch_vma_access_permitted(const struct vm_area_struct *vma, bool write, bool execute);
bool vma_pkru_permits(const struct vm_area_struct *vma, uint32_t pkru, bool write, bool execute);
bool mm_pkey_is_allocated(const struct mm_struct *mm, int pkey);
int execute_only_pkey(struct mm_struct *mm);
int arch_override_mprotect_pkey(struct vm_area_struct *vma, unsigned long prot, int pkey);

/* mprotect.c */
long do_mprotect_pkey(struct mm_struct *mm, uint64_t start, uint64_t len,
		      unsigned long prot, int pkey);
struct vm_area_struct *vma_modify_flags(struct mm_struct *mm, struct vm_area_struct *vma,
					uint64_t start, uint64_t end, uint64_t newflags, int *err);

/* rmap.c */
int anon_vma_prepare(struct vm_area_struct *vma);
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma);
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src);
void unlink_anon_vmas(struct vm_area_struct *vma);
bool vma_chain_singular(const struct vm_area_struct *vma);
bool vma_maps_anon_vma(const struct vm_area_struct *vma, const struct anon_vma *anon_vma);
void get_anon_vma(struct anon_vma *anon_vma);
void put_anon_vma(struct anon_vma *anon_vma);
uint64_t zone_low_wmark(const struct zone *zone);
struct page *alloc_page_shared(struct zone *zone, uint64_t reserve);
void page_add_anon_rmap(struct zone *zone, struct page *page,
			struct vm_area_struct *vma, uint64_t addr);

/* filemap.c */
struct page *find_get_page(struct address_space *mapping, uint64_t index);
vm_fault_t filemap_fault(struct vm_fault *vmf);
bool filemap_is_cached(struct address_space *mapping, uint64_t index);
extern const struct vm_operations_struct generic_file_vm_ops;
struct file *file_alloc(struct zone *zone, struct address_space *mapping, const char *path);
struct address_space *mapping_alloc(struct zone *zone, const struct address_space_operations *a_ops);
void mapping_put(struct address_space *mapping);
int shmem_punch_hole(struct file *file, uint64_t start, uint64_t end);

/* interval_tree.c */
void i_mmap_insert(struct vm_area_struct *vma);
void i_mmap_remove(struct vm_area_struct *vma);
struct vm_area_struct *i_mmap_first(struct address_space *m, uint64_t start, uint64_t last);
struct vm_area_struct *i_mmap_next(struct vm_area_struct *node, uint64_t start, uint64_t last);
bool i_mmap_check(struct vm_area_struct *vma);

/* each VMA of @mapping mapping any page of [start, end) */
#define i_mmap_foreach(vma, mapping, start, end)					\
	for (vma = (start) < (end) ? i_mmap_first(mapping, start, (end) - 1) : NULL; vma;	\
	     vma = i_mmap_next(vma, start, (end) - 1))

/* the addresses at which @vma maps pages [start, end) of its object */
static inline void vma_pgoff_window(const struct vm_area_struct *vma, uint64_t start,
				    uint64_t end, uint64_t *lo, uint64_t *hi)
{
	uint64_t from = start > vma->vm_pgoff ? start : vma->vm_pgoff;
	uint64_t to = end < vma->vm_pgoff + vma_pages(vma) ? end : vma->vm_pgoff + vma_pages(vma);

	*lo = vma->vm_start + ((from - vma->vm_pgoff) << PAGE_SHIFT);
	*hi = vma->vm_start + ((to - vma->vm_pgoff) << PAGE_SHIFT);
}

struct vm_fault {
	struct vm_area_struct *vma;
	uint64_t address;
	uint64_t pgoff;
	unsigned int flags;
	struct page *page;	/* out: referenced frame */
};

/* msync.c */
int filemap_write_and_wait_range(struct address_space *mapping, uint64_t start, uint64_t end);
void vma_writeback(struct vm_area_struct *vma);

/* swapfile.c */
void swap_off_info(struct swap_info *si);
int64_t swap_alloc(struct zone *zone, struct page *page);
int swap_writepage(struct zone *zone, uint64_t slot, struct page *page);
void swap_duplicate(struct zone *zone, uint64_t slot);
void swap_free(struct zone *zone, uint64_t slot);
void swap_cache_del(struct zone *zone, struct page *page);
struct page *lookup_swap_cache(struct zone *zone, uint64_t slot);
struct page *swapin_page(struct zone *zone, uint64_t slot, int *err);
uint32_t swap_slot_count(struct zone *zone, uint64_t slot);
bool swap_slot_shmem(struct zone *zone, uint64_t slot);
int swap_read_slot(struct zone *zone, uint64_t slot, struct page *page);
bool swap_slot_valid(struct zone *zone, uint64_t slot);
uint64_t swap_nr_slots(struct zone *zone);

/* vmscan.c */
void lru_add(struct zone *zone, struct page *page);
void lru_del(struct zone *zone, struct page *page);

/* filemap.c */
void delete_from_page_cache(struct page *page);
/* the cache takes the caller's reference on success */
int add_to_page_cache(struct address_space *mapping, struct page *page, uint64_t index);
void shmem_swapped_out(struct page *page, uint64_t swap);

/* overcommit.c */
int vm_enough_memory(struct mm_struct *mm, long pages);
void vm_unacct_memory(struct mm_struct *mm, long pages);
bool may_expand_vm(struct mm_struct *mm, uint64_t flags, uint64_t npages);

/* validate.c: the checker's per-frame arrays, freed with the zone */
void validate_scratch_free(struct zone *zone);

#endif
