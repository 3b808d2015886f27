// SPDX-License-Identifier: GPL-2.0
/*
 * Memory protection keys (Linux's arch/x86/mm/pkeys.c, the pkey system
 * calls of mm/mprotect.c and arch/x86/include/asm/pkeys.h).
 *
 * A VMA's key lives in vm_flags bits 32..35 and in its entries' bits
 * 59..62; the CPU compares it with the thread's PKRU on every data access
 * to a user page.  Linux uses one key itself: the execute-only key, taken
 * on the first PROT_EXEC-only mapping and access-disabled in PKRU, which is
 * how PROT_EXEC stops implying PROT_READ on a CPU with keys.
 *
 * On a CPU without keys arch_max_pkey() is 1 and nothing is initialised,
 * so key 0 is "the execute-only key" and never counts as allocated:
 * pkey_alloc() takes key 0, fails to set PKRU (-EINVAL) and cannot give
 * it back, so every later pkey_alloc() is -ENOSPC.  Measured on 6.18.
 */
#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

#define PKEY_ACCESS_MASK	(PKEY_DISABLE_ACCESS_MM | PKEY_DISABLE_WRITE_MM)
#define ARCH_DEFAULT_PKEY	0

static int arch_max_pkey(const struct mm_struct *mm)
{
	return mm->zone->cpu_pkeys ? 16 : 1;
}

/* init_new_context(): key 0 is allocated implicitly, no execute-only key yet */
void mm_pkeys_init(struct mm_struct *mm)
{
	if (!mm->zone->cpu_pkeys)
		return;
	mm->pkey_allocation_map = 0x1;
	mm->execute_only_pkey = -1;
	mm->pkru = INIT_PKRU_VALUE;
}

/* arch_dup_pkeys() and the thread's register state a fork copies */
void dup_pkeys(struct mm_struct *mm, const struct mm_struct *oldmm)
{
	mm->pkey_allocation_map = oldmm->pkey_allocation_map;
	mm->execute_only_pkey = oldmm->execute_only_pkey;
	mm->pkru = oldmm->pkru;
}

int vma_pkey(const struct vm_area_struct *vma)
{
	return (int)((vma->vm_flags & ARCH_VM_PKEY_FLAGS) >> VM_PKEY_SHIFT);
}

/* arch_calc_vm_prot_bits(): the key's part of vm_flags */
uint64_t calc_vm_pkey_bits(int pkey)
{
	return ((uint64_t)pkey << VM_PKEY_SHIFT) & ARCH_VM_PKEY_FLAGS;
}

static bool pkru_allows_read(uint32_t pkru, int pkey)
{
	return !(pkru & (PKRU_AD_BIT << (pkey * PKRU_BITS_PER_PKEY)));
}

static bool pkru_allows_write(uint32_t pkru, int pkey)
{
	return !(pkru & ((PKRU_AD_BIT | PKRU_WD_BIT) << (pkey * PKRU_BITS_PER_PKEY)));
}

/*
 * arch_vma_access_permitted(): may a thread whose PKRU is @pkru touch @vma's
 * data?  Instruction fetches are never checked against PKRU.  Without keys
 * read_pkru() is 0 and every VMA has key 0: always yes.
 */
bool vma_pkru_permits(const struct vm_area_struct *vma, uint32_t pkru, bool write, bool execute)
{
	int pkey = vma_pkey(vma);

	if (execute || !vma->vm_mm->zone->cpu_pkeys)
		return true;
	if (!pkru_allows_read(pkru, pkey))
		return false;
	return !write || pkru_allows_write(pkru, pkey);
}

/* ... the current thread's, mm->pkru */
bool arch_vma_access_permitted(const struct vm_area_struct *vma, bool write, bool execute)
{
	return vma_pkru_permits(vma, vma->vm_mm->pkru, write, execute);
}

/* arch_set_user_pkey_access(): the current thread's PKRU for @pkey */
static int arch_set_user_pkey_access(struct mm_struct *mm, int pkey, unsigned long init_val)
{
	uint32_t bits = 0, shift;

	if (!mm->zone->cpu_pkeys)
		return -EINVAL;
	if (pkey >= arch_max_pkey(mm))
		return -EINVAL;
	if (init_val & PKEY_DISABLE_ACCESS_MM)
		bits |= PKRU_AD_BIT;
	if (init_val & PKEY_DISABLE_WRITE_MM)
		bits |= PKRU_WD_BIT;
	shift = (uint32_t)pkey * PKRU_BITS_PER_PKEY;
	mm->pkru = (mm->pkru & ~((PKRU_AD_BIT | PKRU_WD_BIT) << shift)) | (bits << shift);
	return 0;
}

/*
 * "Allocated" keys are the ones pkey_alloc() returned and key 0; the
 * execute-only key is in the map but not the user's to name.
 */
bool mm_pkey_is_allocated(const struct mm_struct *mm, int pkey)
{
	if (pkey < 0 || pkey >= arch_max_pkey(mm))
		return false;
	if (pkey == mm->execute_only_pkey)
		return false;
	return mm->pkey_allocation_map & (1u << pkey);
}

/* the lowest free key, or -1 */
static int __mm_pkey_alloc(struct mm_struct *mm)
{
	uint16_t all = (uint16_t)((1u << arch_max_pkey(mm)) - 1);
	int pkey;

	if (mm->pkey_allocation_map == all)
		return -1;
	for (pkey = 0; mm->pkey_allocation_map & (1u << pkey); pkey++)
		;
	mm->pkey_allocation_map |= (uint16_t)(1u << pkey);
	return pkey;
}

static int __mm_pkey_free(struct mm_struct *mm, int pkey)
{
	if (!mm_pkey_is_allocated(mm, pkey))
		return -EINVAL;
	mm->pkey_allocation_map &= (uint16_t)~(1u << pkey);
	return 0;
}

/*
 * __execute_only_pkey(): the mm's execute-only key, allocated on first
 * use; every call makes sure PKRU denies data access through it (the
 * program may have opened it with WRPKRU).  -1 when no key is left.
 */
int execute_only_pkey(struct mm_struct *mm)
{
	int pkey = mm->execute_only_pkey;
	bool new_key = false;

	if (!mm->zone->cpu_pkeys)
		return ARCH_DEFAULT_PKEY;
	if (pkey == -1) {
		pkey = __mm_pkey_alloc(mm);
		if (pkey < 0)
			return -1;
		new_key = true;
	}
	if (!new_key && !pkru_allows_read(mm->pkru, pkey))
		return pkey;
	if (arch_set_user_pkey_access(mm, pkey, PKEY_DISABLE_ACCESS_MM)) {
		mm->pkey_allocation_map &= (uint16_t)~(1u << pkey);
		return -1;
	}
	if (new_key)
		mm->execute_only_pkey = pkey;
	return pkey;
}

static bool vma_is_pkey_exec_only(const struct vm_area_struct *vma)
{
	if ((vma->vm_flags & VM_ACCESS_FLAGS) != VM_EXEC)
		return false;
	return vma_pkey(vma) == vma->vm_mm->execute_only_pkey;
}

/*
 * arch_override_mprotect_pkey(): the key mprotect gives @vma.  An explicit
 * key (pkey_mprotect) wins; PROT_EXEC alone takes the execute-only key when
 * there is one; leaving execute-only returns to the default key; anything
 * else keeps the VMA's key.
 */
int arch_override_mprotect_pkey(struct vm_area_struct *vma, unsigned long prot, int pkey)
{
	if (!vma->vm_mm->zone->cpu_pkeys)
		return 0;
	if (pkey != -1)
		return pkey;
	if (prot == PROT_EXEC) {
		pkey = execute_only_pkey(vma->vm_mm);
		if (pkey > 0)
			return pkey;
	} else if (vma_is_pkey_exec_only(vma)) {
		return ARCH_DEFAULT_PKEY;
	}
	return vma_pkey(vma);
}

long mm_pkey_alloc(struct mm_struct *mm, unsigned long flags, unsigned long init_val)
{
	int pkey, err;

	if (flags)
		return -EINVAL;
	if (init_val & ~(unsigned long)PKEY_ACCESS_MASK)
		return -EINVAL;
	pkey = __mm_pkey_alloc(mm);
	if (pkey == -1)
		return -ENOSPC;
	err = arch_set_user_pkey_access(mm, pkey, init_val);
	if (err) {
		/* without keys this cannot give key 0 back: it stays taken */
		__mm_pkey_free(mm, pkey);
		return err;
	}
	return pkey;
}

long mm_pkey_free(struct mm_struct *mm, int pkey)
{
	/* a VMA may keep the key: Linux does not look either */
	return __mm_pkey_free(mm, pkey);
}

long mm_pkey_mprotect(struct mm_struct *mm, uint64_t start, uint64_t len,
		      unsigned long prot, int pkey)
{
	return do_mprotect_pkey(mm, start, len, prot, pkey);
}

int mm_vma_pkey(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);

	return vma ? vma_pkey(vma) : -1;
}
