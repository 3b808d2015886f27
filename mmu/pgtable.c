// SPDX-License-Identifier: GPL-2.0
/*
 * 4-level x86-64 page tables inside the zone (Intel SDM Vol. 3A, 4.5).
 *
 * Every write to an entry goes through set_pte_at() or set_table_entry(), so
 * that the commit log sees each change the guest may have cached.  Each
 * page-table page counts its non-zero entries in struct page::pt_used; a
 * table whose count drops to zero is unlinked and freed by
 * free_empty_tables().
 */
#include <string.h>

#include "internal.h"

static pteval_t *table_virt(struct mm_struct *mm, uint64_t pfn)
{
	return pfn_to_virt(mm->zone, pfn);
}

uint64_t ptep_to_gpa(struct mm_struct *mm, const pteval_t *ptep)
{
	return (uint64_t)((const uint8_t *)ptep - mm->zone->base);
}

static struct page *ptep_table_page(struct mm_struct *mm, const pteval_t *ptep)
{
	return pfn_to_page(mm->zone, ptep_to_gpa(mm, ptep) >> PAGE_SHIFT);
}

/*
 * Write an entry at any level.  A change to an entry that was present may
 * be cached by the guest's TLB (and, on shadow-paging KVM, in the shadow
 * tables), so it goes into the commit log with an invalidation of @addr; a
 * not-present entry cannot be cached (SDM 4.10.3.1), so making it present
 * needs neither.
 */
static void write_entry(struct mm_struct *mm, uint64_t addr, pteval_t *ptep, pteval_t val)
{
	pteval_t old = *ptep;
	struct page *table = ptep_table_page(mm, ptep);

	if (old == val)
		return;
	if (!old)
		table->pt_used++;
	else if (!val)
		table->pt_used--;
	*ptep = val;
	if (pte_present(old)) {
		if (should_fail(mm->zone, INJECT_COMMIT_DROP, addr))
			mm->log.stats.dropped++;
		else if (should_fail(mm->zone, INJECT_COMMIT_DELAY, addr))
			commit_log_delay(mm, ptep_to_gpa(mm, ptep));
		else
			commit_log_add(mm, table, ptep_to_gpa(mm, ptep), val);
		commit_log_flush_page(mm, addr);
		return;
	}
	if (pte_present(val))
		mm->log.stats.installs++;
	/*
	 * An earlier entry of this batch may have cleared this very entry: the
	 * guest replays the log in order, so the new value must follow it.
	 */
	if (table->log_batch == mm->log.batch)
		commit_log_add(mm, table, ptep_to_gpa(mm, ptep), val);
}

void set_pte_at(struct mm_struct *mm, uint64_t addr, pteval_t *ptep, pteval_t val)
{
	write_entry(mm, addr, ptep, val);
}

struct page *pgtable_alloc(struct mm_struct *mm)
{
	struct page *page = should_fail(mm->zone, INJECT_PT_ALLOC, 0) ? NULL : alloc_page(mm->zone);

	if (!page)
		return NULL;
	page->flags |= PG_pgtable;
	mm->zone->stats.nr_pgtable++;
	mm->stats.pgtable_pages++;
	mm->stats.pgtable_allocs++;
	return page;
}

/*
 * An unlinked table is not reused until the guest has applied the batch
 * that unlinked it (Linux's mmu_gather frees tables after the flush too).
 * The guest's replay writes the clears of its entries into it first: on
 * shadow-paging KVM that is what empties the shadow of the frame, which
 * would otherwise come back, stale, when the frame is a table again.
 */
static void pgtable_free(struct mm_struct *mm, uint64_t pfn)
{
	mm->stats.pgtable_pages--;
	mm->stats.pgtable_frees++;
	commit_log_defer_free(mm, pfn);
}

/* descend one level; allocate the next table when @alloc */
static pteval_t *next_table(struct mm_struct *mm, pteval_t *entry, uint64_t addr, bool alloc)
{
	if (!pte_present(*entry)) {
		struct page *page;

		if (!alloc)
			return NULL;
		page = pgtable_alloc(mm);
		if (!page)
			return NULL;
		write_entry(mm, addr, entry, pfn_pte(page_to_pfn(mm->zone, page), _PAGE_TABLE));
	}
	return table_virt(mm, pte_pfn(*entry));
}

/*
 * The leaf entry for @addr.  A huge PMD has no PTE under it: a lookup
 * treats it as a hole (every walker that may meet one checks the PMD
 * first), an allocation splits it into a table of PTEs.
 */
static pteval_t *walk(struct mm_struct *mm, uint64_t addr, bool alloc, uint64_t *next)
{
	pteval_t *table = table_virt(mm, mm->pgd_pfn);
	int level;

	for (level = 4; level > 1; level--) {
		pteval_t *entry = &table[pt_index(addr, level)];

		if (level == 2 && pmd_trans_huge(*entry)) {
			if (alloc)
				split_huge_pmd_at(mm, addr, entry);
			else
				entry = NULL;
		}
		table = entry ? next_table(mm, entry, addr, alloc) : NULL;
		if (!table) {
			if (next) {
				uint64_t span = 1ULL << (PAGE_SHIFT + 9 * (level - 1));

				*next = (addr & ~(span - 1)) + span;
			}
			return NULL;
		}
	}
	return &table[pt_index(addr, 1)];
}

/* the leaf entry for @addr, or NULL with *@next the next address that may have one */
pteval_t *pte_lookup(struct mm_struct *mm, uint64_t addr, uint64_t *next)
{
	return walk(mm, addr, false, next);
}

pteval_t *pte_alloc(struct mm_struct *mm, uint64_t addr)
{
	return walk(mm, addr, true, NULL);
}

/* the PMD entry for @addr, allocating the tables above it when @alloc */
pteval_t *pmd_walk(struct mm_struct *mm, uint64_t addr, bool alloc)
{
	pteval_t *table = table_virt(mm, mm->pgd_pfn);
	int level;

	for (level = 4; level > 2; level--) {
		table = next_table(mm, &table[pt_index(addr, level)], addr, alloc);
		if (!table)
			return NULL;
	}
	return &table[pt_index(addr, 2)];
}

/* the entry that maps @addr; under a huge PMD, the 4 KiB entry it stands for */
pteval_t mm_walk(struct mm_struct *mm, uint64_t addr)
{
	pteval_t *ptep, *pmdp;

	if (addr >= TASK_SIZE)
		return 0;
	pmdp = pmd_walk(mm, addr, false);
	if (pmdp && pmd_trans_huge(*pmdp))
		return huge_pmd_subpage_pte(*pmdp, addr);
	ptep = pte_lookup(mm, addr, NULL);
	return ptep ? *ptep : 0;
}

/* Linux's pgtable_trans_huge_deposit(): a table kept for splitting a huge PMD */
void pgtable_deposit(struct mm_struct *mm, pteval_t *pmdp, struct page *table)
{
	struct page *pmd_table = ptep_table_page(mm, pmdp);

	table->pmd_huge_pte = pmd_table->pmd_huge_pte;
	pmd_table->pmd_huge_pte = (uint32_t)page_to_pfn(mm->zone, table);
}

struct page *pgtable_withdraw(struct mm_struct *mm, pteval_t *pmdp)
{
	struct page *pmd_table = ptep_table_page(mm, pmdp), *table;

	if (!pmd_table->pmd_huge_pte)
		return NULL;
	table = pfn_to_page(mm->zone, pmd_table->pmd_huge_pte);
	pmd_table->pmd_huge_pte = table->pmd_huge_pte;
	table->pmd_huge_pte = 0;
	return table;
}

/* a deposited table that is no longer needed: freed like an unlinked one */
void pgtable_free_deposited(struct mm_struct *mm, struct page *table)
{
	pgtable_free(mm, page_to_pfn(mm->zone, table));
}

/*
 * Free the tables below level @level entry @entry that have become empty,
 * limited to [start, end).  Returns true when the table @entry points to was
 * freed (its entry cleared).
 */
static bool free_level(struct mm_struct *mm, pteval_t *entry, int level,
		       uint64_t base, uint64_t start, uint64_t end)
{
	uint64_t span = 1ULL << (PAGE_SHIFT + 9 * (level - 1));
	uint64_t pfn = pte_pfn(*entry);
	pteval_t *table = table_virt(mm, pfn);
	uint64_t addr;

	if (!pte_present(*entry) || (level == 2 && pmd_trans_huge(*entry)))
		return false;
	if (level > 2) {
		uint64_t child_span = span >> 9;

		for (addr = max(start, base) & ~(child_span - 1);
		     addr < end && addr < base + span; addr += child_span)
			free_level(mm, &table[pt_index(addr, level - 1)], level - 1,
				   addr, start, end);
	}
	if (pfn_to_page(mm->zone, pfn)->pt_used)
		return false;
	write_entry(mm, base, entry, 0);
	pgtable_free(mm, pfn);
	return true;
}

/* unlink and free page-table pages covering [start, end) that hold no entry */
void free_empty_tables(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	pteval_t *pgd = table_virt(mm, mm->pgd_pfn);
	uint64_t span = 1ULL << PGDIR_SHIFT;
	uint64_t addr;

	if (start >= end)
		return;
	for (addr = start & ~(span - 1); addr < end && addr < TASK_SIZE; addr += span)
		free_level(mm, &pgd[pt_index(addr, 4)], 4, addr, start, end);
}

/* the caller has zapped every user mapping; drop the tables and the PGD */
void free_pgd(struct mm_struct *mm)
{
	free_empty_tables(mm, 0, TASK_SIZE);
	pgtable_free(mm, mm->pgd_pfn);
}
