/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 paging-structure entries (Intel SDM Vol. 3A, 4.5 "4-Level Paging",
 * Table 4-19/4-20 for PDEs and PTEs).  The same layout serves every level;
 * PS (bit 7) marks a 2 MiB leaf in a PDE or a 1 GiB leaf in a PDPTE.
 */
#ifndef MMU_PGTABLE_H
#define MMU_PGTABLE_H

#include "mm_types.h"

#define _PAGE_PRESENT	(1ULL << 0)
#define _PAGE_RW	(1ULL << 1)
#define _PAGE_USER	(1ULL << 2)
#define _PAGE_PWT	(1ULL << 3)
#define _PAGE_PCD	(1ULL << 4)
#define _PAGE_ACCESSED	(1ULL << 5)
#define _PAGE_DIRTY	(1ULL << 6)
#define _PAGE_PSE	(1ULL << 7)
#define _PAGE_GLOBAL	(1ULL << 8)
/*
 * Software bits.  An entry with P clear is ignored by the CPU except for
 * bit 0, so a PROT_NONE page keeps its frame in a not-present entry tagged
 * _PAGE_PROTNONE, as Linux does (there it aliases _PAGE_GLOBAL).
 */
#define _PAGE_PROTNONE	(1ULL << 8)
#define _PAGE_SOFTW1	(1ULL << 9)
/*
 * A swap entry: not present, not PROT_NONE, tagged with a software bit;
 * the slot sits where a frame number would.
 */
#define _PAGE_SWP	(1ULL << 10)
/* the entry's protection key (SDM 4.6.2), ignored while CR4.PKE is clear */
#define _PAGE_PKEY_SHIFT	59
#define _PAGE_PKEY_BIT0	(1ULL << 59)
#define _PAGE_PKEY_BIT1	(1ULL << 60)
#define _PAGE_PKEY_BIT2	(1ULL << 61)
#define _PAGE_PKEY_BIT3	(1ULL << 62)
#define _PAGE_PKEY_MASK	(_PAGE_PKEY_BIT0 | _PAGE_PKEY_BIT1 | _PAGE_PKEY_BIT2 | _PAGE_PKEY_BIT3)
#define _PAGE_NX	(1ULL << 63)

#define PTE_PFN_MASK	0x000ffffffffff000ULL

static inline uint64_t pte_pfn(pteval_t pte)
{
	return (pte & PTE_PFN_MASK) >> PAGE_SHIFT;
}

static inline bool pte_present(pteval_t pte)
{
	return pte & _PAGE_PRESENT;
}

/* maps a frame, to the CPU or (PROT_NONE) only to us */
static inline bool pte_mapped(pteval_t pte)
{
	return pte & (_PAGE_PRESENT | _PAGE_PROTNONE);
}

static inline bool pte_write(pteval_t pte)
{
	return (pte & (_PAGE_PRESENT | _PAGE_RW)) == (_PAGE_PRESENT | _PAGE_RW);
}

static inline bool pte_exec(pteval_t pte)
{
	return pte_present(pte) && !(pte & _PAGE_NX);
}

static inline bool pte_young(pteval_t pte)
{
	return pte & _PAGE_ACCESSED;
}

static inline bool pte_dirty(pteval_t pte)
{
	return pte & _PAGE_DIRTY;
}

static inline pteval_t pfn_pte(uint64_t pfn, pteval_t prot)
{
	return (pfn << PAGE_SHIFT) | prot;
}

static inline bool is_swap_pte(pteval_t pte)
{
	return (pte & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_SWP)) == _PAGE_SWP;
}

static inline pteval_t swp_entry_to_pte(uint64_t slot)
{
	return (slot << PAGE_SHIFT) | _PAGE_SWP;
}

static inline uint64_t pte_to_swp_slot(pteval_t pte)
{
	return (pte & PTE_PFN_MASK) >> PAGE_SHIFT;
}

static inline int pte_pkey(pteval_t pte)
{
	return (int)((pte & _PAGE_PKEY_MASK) >> _PAGE_PKEY_SHIFT);
}

/* a PDE that maps 2 MiB itself (PS set), present or PROT_NONE */
static inline bool pmd_trans_huge(pteval_t pmd)
{
	return (pmd & _PAGE_PSE) && pte_mapped(pmd);
}

/* the 4 KiB entry a huge PMD stands for at @addr: same rights, that subpage */
static inline pteval_t huge_pmd_subpage_pte(pteval_t pmd, uint64_t addr)
{
	uint64_t pfn = pte_pfn(pmd) + ((addr >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1));

	return (pmd & ~(PTE_PFN_MASK | _PAGE_PSE)) | (pfn << PAGE_SHIFT);
}

/* table entries above the leaves: rights are decided at the leaf */
#define _PAGE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

static inline unsigned int pt_index(uint64_t addr, int level)
{
	/* level 4 = PML4, 3 = PDPT, 2 = PD, 1 = PT */
	return (addr >> (PAGE_SHIFT + 9 * (level - 1))) & (PTRS_PER_TABLE - 1);
}

#endif
