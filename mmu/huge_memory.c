// SPDX-License-Identifier: GPL-2.0
/*
 * Transparent huge pages for anonymous memory (Linux's mm/huge_memory.c).
 *
 * A write fault in an anonymous private VMA whose 2 MiB-aligned range lies
 * wholly inside it, with an empty PMD, maps a compound page with one PSE
 * PDE (Intel SDM 4.5, Table 4-18) when zone->thp_mode allows: always,
 * madvise (VM_HUGEPAGE), never; VM_NOHUGEPAGE always excludes.  Read
 * faults take the 4 KiB zero page (no huge zero page here).
 *
 * A compound page is only ever mapped by PMDs.  Anything that needs less
 * than the whole 2 MiB (a partial munmap, mprotect or madvise, a VMA
 * split, an unaligned mremap, a write to a page shared since fork,
 * reclaim) splits it: every PMD that maps it, found through rmap, becomes
 * a table of 512 PTEs with the same frames and rights, and the page
 * becomes 512 ordinary anonymous pages.  Each huge PMD owns a deposited
 * page table (Linux's pgtable_trans_huge_deposit), so a split allocates
 * nothing and cannot fail, which is what lets reclaim split.
 */
#include <stdlib.h>

#include "internal.h"

#define HPAGE_PMD_MASK	(~(PMD_SIZE - 1))

/* a PMD mapping of @head gained (+1) or lost (-1) in @mm: 512 pages of RSS */
static void huge_map_account(struct mm_struct *mm, struct page *head, int delta)
{
	uint64_t rss;

	head->mapcount += delta;
	mm->rss[MM_ANONPAGES] += delta * (int64_t)HPAGE_PMD_NR;
	rss = (uint64_t)(mm->rss[MM_FILEPAGES] + mm->rss[MM_ANONPAGES] + mm->rss[MM_SHMEMPAGES]);
	if (rss > mm->hiwater_rss)
		mm->hiwater_rss = rss;
}

/* thp_vma_allowable_order() for anonymous memory, plus the range check */
bool thp_vma_suitable(const struct vm_area_struct *vma, uint64_t addr)
{
	uint64_t haddr = addr & HPAGE_PMD_MASK;
	enum thp_mode mode = vma->vm_mm->zone->thp_mode;

	if (!vma_is_anonymous(vma) || (vma->vm_flags & (VM_SHARED | VM_NOHUGEPAGE | VM_SPECIAL |
							 VM_HUGETLB)))
		return false;
	if (mode == THP_NEVER || (mode == THP_MADVISE && !(vma->vm_flags & VM_HUGEPAGE)))
		return false;
	return haddr >= vma->vm_start && haddr + PMD_SIZE <= vma->vm_end;
}

/* ---- splitting ---- */

/*
 * __split_huge_pmd_locked(): the deposited table gets 512 PTEs with the
 * PMD's frames and rights, then replaces the PMD.  The PTEs go into a
 * table no one can see yet; the PMD changes from a present leaf to a
 * present link, which the commit log carries with one invalidation (one
 * invlpg of any address in a 2 MiB page drops it, SDM 4.10.4.1).
 */
static void __split_huge_pmd(struct mm_struct *mm, uint64_t haddr, pteval_t *pmdp)
{
	struct page *table = pgtable_withdraw(mm, pmdp);
	pteval_t pmd = *pmdp, *ptes;
	uint64_t i;

	if (!table)
		abort();	/* a huge PMD without its table: the MMU is broken */
	ptes = pfn_to_virt(mm->zone, page_to_pfn(mm->zone, table));
	for (i = 0; i < HPAGE_PMD_NR; i++)
		set_pte_at(mm, haddr + (i << PAGE_SHIFT), &ptes[i],
			   huge_pmd_subpage_pte(pmd, haddr + (i << PAGE_SHIFT)));
	set_pte_at(mm, haddr, pmdp, pfn_pte(page_to_pfn(mm->zone, table), _PAGE_TABLE));
	mm->zone->stats.thp_split_pmd++;
}

static int split_visit(struct page *page, struct vm_area_struct *vma, uint64_t addr,
		       pteval_t *pmdp, void *arg)
{
	__split_huge_pmd(vma->vm_mm, addr, pmdp);
	(*(int32_t *)arg)++;
	return 0;
}

/*
 * split_huge_page(): every PMD mapping @head becomes a PTE table, and the
 * compound page 512 ordinary ones, each mapped where the PMDs mapped it.
 * References beyond the mappings (an operation's pin) stay with the head.
 */
void split_huge_page(struct zone *zone, struct page *head)
{
	int32_t maps = head->mapcount, split = 0;
	uint64_t i;

	if (!(head->flags & PG_head))
		return;
	rmap_walk(zone, head, split_visit, &split);
	if (split != maps)
		abort();	/* rmap missed a mapping: its PMD would map freed frames */
	for (i = 1; i < HPAGE_PMD_NR; i++) {
		struct page *page = head + i;

		page->flags = PG_anon | (head->flags & PG_dirty);
		page->anon_vma = head->anon_vma;
		get_anon_vma(head->anon_vma);
		page->index = head->index + i;
		page->mapcount = maps;
		page->refcount = maps;
		lru_add(zone, page);
	}
	head->flags &= ~PG_head;
	zone->stats.nr_anon_thp--;
}

/* the huge PMD at @pmdp (mapping @addr) is split, with every other mapping of its page */
void split_huge_pmd_at(struct mm_struct *mm, uint64_t addr, pteval_t *pmdp)
{
	split_huge_page(mm->zone, pfn_to_page(mm->zone, pte_pfn(*pmdp)));
}

/* vma_adjust_trans_huge(): a boundary at @addr may not cut a huge PMD */
void split_huge_pmd_address(struct mm_struct *mm, uint64_t addr)
{
	pteval_t *pmdp;

	if (!(addr & ~HPAGE_PMD_MASK))
		return;
	pmdp = pmd_walk(mm, addr, false);
	if (pmdp && pmd_trans_huge(*pmdp))
		split_huge_pmd_at(mm, addr, pmdp);
}

/* every huge PMD meeting [start, end) */
void split_huge_pmd_range(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	uint64_t addr;

	for (addr = start & HPAGE_PMD_MASK; addr < end; addr += PMD_SIZE) {
		pteval_t *pmdp = pmd_walk(mm, addr, false);

		if (pmdp && pmd_trans_huge(*pmdp))
			split_huge_pmd_at(mm, addr, pmdp);
	}
}

/* ---- faults ---- */

/* do_huge_pmd_anonymous_page(): NR_FAULT_KINDS means "use 4 KiB pages" */
static enum fault_kind do_huge_pmd_anonymous_page(struct mm_struct *mm,
						  struct vm_area_struct *vma,
						  uint64_t haddr, pteval_t *pmdp)
{
	struct zone *zone = mm->zone;
	struct page *head, *table;
	pteval_t prot;

	if (anon_vma_prepare(vma))
		return FAULT_OOM;
	head = alloc_huge_page(zone);
	if (!head) {
		zone->stats.thp_fault_fallback++;
		return NR_FAULT_KINDS;
	}
	table = pgtable_alloc(mm);	/* may reclaim: the PMD stays empty */
	if (!table) {
		put_page(zone, head);
		zone->stats.thp_fault_fallback++;
		return NR_FAULT_KINDS;
	}
	page_add_anon_rmap(zone, head, vma, haddr);
	zone->stats.nr_anon += HPAGE_PMD_NR - 1;
	zone->stats.nr_anon_thp++;
	zone->stats.thp_fault_alloc++;
	pgtable_deposit(mm, pmdp, table);
	huge_map_account(mm, head, 1);
	prot = vm_get_page_prot(vma->vm_flags) | _PAGE_PSE | _PAGE_RW | _PAGE_DIRTY;
	set_pte_at(mm, haddr, pmdp, pfn_pte(page_to_pfn(zone, head), prot));
	return FAULT_ANON;
}

/*
 * A fault that a PMD may resolve: a write to an empty PMD of a suitable
 * VMA, or any fault on a huge PMD.  A write to a read-only huge PMD reuses
 * the page when only this PMD maps it and nothing else holds it, else
 * splits and lets the PTE path copy the 4 KiB page (Linux's
 * do_huge_pmd_wp_page() falls back the same way).  Returns NR_FAULT_KINDS
 * when the PTE path must handle the fault.
 */
enum fault_kind huge_pmd_fault(struct mm_struct *mm, struct vm_area_struct *vma,
			       uint64_t addr, unsigned int flags)
{
	uint64_t haddr = addr & HPAGE_PMD_MASK;
	pteval_t *pmdp = pmd_walk(mm, addr, true), pmd;
	struct page *head;

	if (!pmdp)
		return FAULT_OOM;
	pmd = *pmdp;
	if (!pmd) {
		if (!(flags & FAULT_FLAG_WRITE) || !thp_vma_suitable(vma, addr))
			return NR_FAULT_KINDS;
		return do_huge_pmd_anonymous_page(mm, vma, haddr, pmdp);
	}
	if (!pmd_trans_huge(pmd))
		return NR_FAULT_KINDS;
	if (!(flags & FAULT_FLAG_WRITE) || pte_write(pmd))
		return FAULT_SPURIOUS;
	head = pfn_to_page(mm->zone, pte_pfn(pmd));
	if (head->mapcount == 1 && head->refcount == 1) {
		set_pte_at(mm, haddr, pmdp, pmd | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED);
		return FAULT_WP_REUSE;
	}
	split_huge_pmd_at(mm, addr, pmdp);
	return NR_FAULT_KINDS;
}

/* ---- the rest of the family ---- */

/* zap_huge_pmd(): the mapping, its deposited table and its reference go */
static void zap_huge_pmd(struct mm_struct *mm, uint64_t haddr, pteval_t *pmdp)
{
	struct page *head = pfn_to_page(mm->zone, pte_pfn(*pmdp));

	set_pte_at(mm, haddr, pmdp, 0);
	pgtable_free_deposited(mm, pgtable_withdraw(mm, pmdp));
	huge_map_account(mm, head, -1);
	put_page(mm->zone, head);
}

/*
 * Unmapping [start, end) at @*addr: a huge PMD wholly inside goes whole
 * (and *@addr moves past it), one cut by the range is split first for the
 * PTE walk.  Returns true when it consumed the PMD.
 */
bool zap_huge_pmd_range(struct mm_struct *mm, uint64_t *addr, uint64_t start, uint64_t end)
{
	uint64_t haddr = *addr & HPAGE_PMD_MASK;
	pteval_t *pmdp = pmd_walk(mm, *addr, false);

	if (!pmdp || !pmd_trans_huge(*pmdp))
		return false;
	if (haddr < start || haddr + PMD_SIZE > end) {
		split_huge_pmd_at(mm, *addr, pmdp);
		return false;
	}
	zap_huge_pmd(mm, haddr, pmdp);
	*addr = haddr + PMD_SIZE;
	return true;
}

/*
 * change_huge_pmd(): a huge PMD wholly inside an mprotect range takes the
 * new rights; @prot is the VMA's, @writable whether an exclusive page may
 * keep write access.  A PMD the range cuts is split for the PTE walk.
 * Returns true when it consumed the PMD.
 */
bool change_huge_pmd_range(struct mm_struct *mm, uint64_t *addr, uint64_t start, uint64_t end,
			   pteval_t prot, bool writable)
{
	uint64_t haddr = *addr & HPAGE_PMD_MASK;
	pteval_t *pmdp = pmd_walk(mm, *addr, false), pmd, new;
	struct page *head;

	if (!pmdp || !pmd_trans_huge(*pmdp))
		return false;
	if (haddr < start || haddr + PMD_SIZE > end) {
		split_huge_pmd_at(mm, *addr, pmdp);
		return false;
	}
	pmd = *pmdp;
	head = pfn_to_page(mm->zone, pte_pfn(pmd));
	new = pfn_pte(pte_pfn(pmd), prot) | _PAGE_PSE | (pmd & (_PAGE_ACCESSED | _PAGE_DIRTY));
	if (writable && pte_present(new) && head->mapcount == 1 && head->refcount == 1)
		new |= _PAGE_RW;
	set_pte_at(mm, haddr, pmdp, new);
	*addr = haddr + PMD_SIZE;
	return true;
}

/*
 * copy_huge_pmd(): fork shares the page, write-protected in both.  Returns
 * 1 when the source is no longer a huge PMD (reclaim split it while the
 * child's tables were allocated): the caller copies PTEs instead.
 */
int copy_huge_pmd(struct mm_struct *dst_mm, struct mm_struct *src_mm, uint64_t haddr)
{
	pteval_t *dst_pmdp = pmd_walk(dst_mm, haddr, true), *src_pmdp, pmd;
	struct page *table, *head;

	if (!dst_pmdp)
		return -ENOMEM;
	table = pgtable_alloc(dst_mm);
	if (!table)
		return -ENOMEM;
	src_pmdp = pmd_walk(src_mm, haddr, false);
	if (!src_pmdp || !pmd_trans_huge(*src_pmdp)) {
		pgtable_free_deposited(dst_mm, table);
		return 1;
	}
	pmd = *src_pmdp;
	if (pmd & _PAGE_RW) {
		pmd &= ~_PAGE_RW;
		set_pte_at(src_mm, haddr, src_pmdp, pmd);
	}
	head = pfn_to_page(src_mm->zone, pte_pfn(pmd));
	get_page(head);
	huge_map_account(dst_mm, head, 1);
	pgtable_deposit(dst_mm, dst_pmdp, table);
	set_pte_at(dst_mm, haddr, dst_pmdp, pmd & ~_PAGE_ACCESSED);
	return 0;
}
