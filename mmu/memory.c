// SPDX-License-Identifier: GPL-2.0
/*
 * Page faults and page-table teardown (Linux's mm/memory.c).
 *
 * Private mappings are installed read-only and made writable on the first
 * write (do_wp_page): a page that only its writer maps is reused in place,
 * anything else (the zero page, a page-cache page) is copied.  Shared
 * mappings get the VMA's rights straight away.
 */
#include <signal.h>
#include <string.h>

#include "internal.h"

static const char *const fault_kind_names[NR_FAULT_KINDS] = {
	[FAULT_ANON_ZERO]	= "anon-zero",
	[FAULT_ANON]		= "anon",
	[FAULT_WP_COPY]		= "cow-copy",
	[FAULT_WP_REUSE]	= "cow-reuse",
	[FAULT_FILE]		= "file",
	[FAULT_SHARED_WRITE]	= "shared-write",
	[FAULT_STACK_GROW]	= "stack-grow",
	[FAULT_SWAP_IN]		= "swap-in",
	[FAULT_SPURIOUS]	= "spurious",
	[FAULT_SEGV_MAPERR]	= "segv-maperr",
	[FAULT_SEGV_ACCERR]	= "segv-accerr",
	[FAULT_SIGBUS]		= "sigbus",
	[FAULT_OOM]		= "oom",
	[FAULT_SEGV_PKUERR]	= "segv-pkuerr",
};

const char *fault_kind_name(enum fault_kind kind)
{
	return kind < NR_FAULT_KINDS ? fault_kind_names[kind] : "?";
}

/*
 * x86's protection_map: read is implied by any access, write only for
 * shared mappings (private ones become writable by do_wp_page), NX unless
 * VM_EXEC.  No access at all keeps the frame in a PROT_NONE entry.  The
 * VMA's protection key goes into bits 59..62, PROT_NONE entries included,
 * as x86's vm_get_page_prot() puts it there.
 */
pteval_t vm_get_page_prot(uint64_t vm_flags)
{
	pteval_t prot, pkey = ((vm_flags & ARCH_VM_PKEY_FLAGS) >> VM_PKEY_SHIFT) << _PAGE_PKEY_SHIFT;

	if (!(vm_flags & VM_ACCESS_FLAGS))
		return _PAGE_PROTNONE | _PAGE_ACCESSED | pkey;
	prot = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | pkey;
	if ((vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED))
		prot |= _PAGE_RW;
	if (!(vm_flags & VM_EXEC))
		prot |= _PAGE_NX;
	return prot;
}

static bool is_zero_pfn(struct zone *zone, uint64_t pfn)
{
	return pfn == zone->zero_pfn;
}

/* only this PTE maps it and nothing else holds it: writable in place */
bool page_is_exclusive_anon(struct zone *zone, struct page *page)
{
	return (page->flags & PG_anon) && page->mapcount == 1 && page->refcount == 1;
}

/* drop what the entry held: the frame's map count and reference, or a swap slot */
static void zap_entry(struct mm_struct *mm, uint64_t addr, pteval_t *ptep)
{
	pteval_t pte = *ptep;

	if (is_swap_pte(pte)) {
		swap_free(mm->zone, pte_to_swp_slot(pte));
		mm->rss[MM_SWAPENTS]--;
	}
	if (pte_mapped(pte) && !is_zero_pfn(mm->zone, pte_pfn(pte))) {
		struct page *page = pfn_to_page(mm->zone, pte_pfn(pte));

		page_map_account(mm, page, -1);
		if (pte_dirty(pte) && (page->flags & PG_cache))
			page->flags |= PG_dirty;
		put_page(mm->zone, page);
	}
	set_pte_at(mm, addr, ptep, 0);
}

/* clear every entry in [start, end) and free the tables left empty */
void unmap_region(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	uint64_t addr = start, next;

	while (addr < end) {
		pteval_t *ptep;

		if (pmd_boundary(addr, start) && zap_huge_pmd_range(mm, &addr, start, end))
			continue;
		ptep = pte_lookup(mm, addr, &next);
		if (!ptep) {
			addr = next;
			continue;
		}
		if (*ptep)
			zap_entry(mm, addr, ptep);
		addr += PAGE_SIZE;
	}
	free_empty_tables(mm, start, end);
}

void zap_page_range(struct mm_struct *mm, struct vm_area_struct *vma,
		    uint64_t start, uint64_t end)
{
	unmap_region(mm, max(start, vma->vm_start), min(end, vma->vm_end));
}

static void fault_result(struct fault_result *res, enum fault_kind kind, int pkey)
{
	res->kind = kind;
	res->signo = 0;
	res->si_code = 0;
	res->pkey = 0;
	switch (kind) {
	case FAULT_SEGV_MAPERR:
		res->signo = SIGSEGV;
		res->si_code = SEGV_MAPERR;
		break;
	case FAULT_SEGV_ACCERR:
		res->signo = SIGSEGV;
		res->si_code = SEGV_ACCERR;
		break;
	case FAULT_SEGV_PKUERR:
		res->signo = SIGSEGV;
		res->si_code = SEGV_PKUERR;
		res->pkey = pkey;
		break;
	case FAULT_SIGBUS:
		res->signo = SIGBUS;
		res->si_code = BUS_ADRERR;
		break;
	case FAULT_OOM:
		res->signo = SIGKILL;
		break;
	default:
		break;
	}
}

/*
 * Linux's access_error() and bad_area_access_error() for x86: the keys
 * first, the hardware's verdict (X86_PF_PK) or the VMA's key against PKRU
 * (so that a fault does not map a page only to take a key fault on it),
 * then the VMA's rights.  A refusal is SEGV_PKUERR when keys refuse it.
 */
static enum fault_kind access_error(const struct vm_area_struct *vma, unsigned int flags)
{
	bool write = flags & FAULT_FLAG_WRITE, exec = flags & FAULT_FLAG_INSTRUCTION;
	bool keys = vma->vm_mm->zone->cpu_pkeys;

	if (keys && (flags & FAULT_FLAG_PKEY))
		return FAULT_SEGV_PKUERR;
	if (!arch_vma_access_permitted(vma, write, exec))
		return FAULT_SEGV_PKUERR;
	if (write)
		return vma->vm_flags & VM_WRITE ? NR_FAULT_KINDS : FAULT_SEGV_ACCERR;
	if (exec)
		return vma->vm_flags & VM_EXEC ? NR_FAULT_KINDS : FAULT_SEGV_ACCERR;
	return vma->vm_flags & VM_ACCESS_FLAGS ? NR_FAULT_KINDS : FAULT_SEGV_ACCERR;
}

/* acct_stack_growth() and expand_downwards(): grow @vma down to @addr */
static int expand_stack(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr)
{
	struct vm_area_struct *prev = vma->vm_prev;
	uint64_t grow, size;

	addr &= PAGE_MASK;
	if (addr < mm->zone->mmap_min_addr || addr < PAGE_SIZE)
		return -EPERM;
	if (prev && !(prev->vm_flags & VM_GROWSDOWN) && (prev->vm_flags & VM_ACCESS_FLAGS) &&
	    addr - prev->vm_end < mm->stack_guard_gap)
		return -ENOMEM;
	if (prev && addr < prev->vm_end)
		return -ENOMEM;
	grow = (vma->vm_start - addr) >> PAGE_SHIFT;
	size = vma->vm_end - addr;
	if (grow > vma->vm_pgoff)
		return -ENOMEM;
	if (!may_expand_vm(mm, vma->vm_flags, grow))
		return -ENOMEM;
	if (size > mm->rlim[MM_RLIMIT_STACK].rlim_cur)
		return -ENOMEM;
	if ((vma->vm_flags & VM_LOCKED) &&
	    ((mm->locked_vm + grow) << PAGE_SHIFT) > mm->rlim[MM_RLIMIT_MEMLOCK].rlim_cur)
		return -ENOMEM;
	if ((vma->vm_flags & VM_ACCOUNT) && vm_enough_memory(mm, grow))
		return -ENOMEM;
	if (anon_vma_prepare(vma))
		return -ENOMEM;
	vma_set_range(mm, vma, addr, vma->vm_end, vma->vm_pgoff - grow);
	vm_stat_account(mm, vma->vm_flags, grow);
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm += grow;
	return 0;
}

/*
 * Injected corruption of a new entry: the bits the CPU will then obey.  A
 * wrong frame is the zero page, read-only, so that the MMU's own counts
 * stay right while the guest reads the wrong data.
 */
static pteval_t corrupt_pte(struct mm_struct *mm, uint64_t addr, pteval_t pte, struct page **page)
{
	struct zone *zone = mm->zone;

	if (should_fail(zone, INJECT_PTE_ACCESSED, addr))
		pte &= ~_PAGE_ACCESSED;
	if ((pte & _PAGE_DIRTY) && should_fail(zone, INJECT_PTE_DIRTY, addr))
		pte &= ~_PAGE_DIRTY;
	if (should_fail(zone, INJECT_PTE_RW, addr))
		pte ^= _PAGE_RW;
	if (should_fail(zone, INJECT_PTE_NX, addr))
		pte ^= _PAGE_NX;
	if (should_fail(zone, INJECT_PTE_US, addr))
		pte ^= _PAGE_USER;
	if (*page && should_fail(zone, INJECT_PTE_PFN, addr)) {
		put_page(zone, *page);
		*page = NULL;
		pte = pfn_pte(zone->zero_pfn, pte & ~(PTE_PFN_MASK | _PAGE_RW));
	}
	return pte;
}

static void install_page(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr,
			 pteval_t *ptep, struct page *page, bool write)
{
	pteval_t prot = vm_get_page_prot(vma->vm_flags), pte;

	if (write)
		prot |= _PAGE_RW | _PAGE_DIRTY;
	pte = corrupt_pte(mm, addr, pfn_pte(page_to_pfn(mm->zone, page), prot), &page);
	if (page)
		page_map_account(mm, page, 1);
	set_pte_at(mm, addr, ptep, pte);
}

/* a fresh anonymous page for @vma at @addr, a copy of @src or zeroed */
static struct page *new_anon_page(struct mm_struct *mm, struct vm_area_struct *vma,
				  uint64_t addr, uint64_t src_pfn)
{
	struct page *page;

	if (anon_vma_prepare(vma))
		return NULL;
	if (!is_zero_pfn(mm->zone, src_pfn) && should_fail(mm->zone, INJECT_COW_COPY, addr))
		return NULL;
	if (is_zero_pfn(mm->zone, src_pfn)) {
		page = alloc_page(mm->zone);
	} else {
		page = alloc_page_nozero(mm->zone);
		if (page)
			memcpy(pfn_to_virt(mm->zone, page_to_pfn(mm->zone, page)),
			       pfn_to_virt(mm->zone, src_pfn), PAGE_SIZE);
	}
	if (page)
		page_add_anon_rmap(mm->zone, page, vma, addr);
	return page;
}

static enum fault_kind do_anonymous_page(struct mm_struct *mm, struct vm_area_struct *vma,
					 uint64_t addr, pteval_t *ptep, unsigned int flags)
{
	bool write = flags & FAULT_FLAG_WRITE;
	struct page *page;

	if (!write && !mm->zone->forbids_zeropage) {
		pteval_t prot = vm_get_page_prot(vma->vm_flags) & ~_PAGE_RW;

		set_pte_at(mm, addr, ptep, pfn_pte(mm->zone->zero_pfn, prot));
		do_anon_fault_around(mm, vma, addr, ptep, false);
		return FAULT_ANON_ZERO;
	}
	page = new_anon_page(mm, vma, addr, mm->zone->zero_pfn);
	if (!page)
		return FAULT_OOM;
	/* as Linux, a read fault maps its own page writable if the VMA is */
	install_page(mm, vma, addr, ptep, page, write || (vma->vm_flags & VM_WRITE));
	if (write)
		do_anon_fault_around(mm, vma, addr, ptep, true);
	return FAULT_ANON;
}

/* read from the backing object; a private write gets its own copy */
static enum fault_kind do_fault(struct mm_struct *mm, struct vm_area_struct *vma,
				uint64_t addr, pteval_t *ptep, unsigned int flags)
{
	struct vm_fault vmf = {
		.vma = vma,
		.address = addr & PAGE_MASK,
		.pgoff = linear_page_index(vma, addr),
		.flags = flags,
	};
	bool write = flags & FAULT_FLAG_WRITE;
	struct page *copy;
	vm_fault_t ret;

	/*
	 * do_cow_fault(): the anon_vma comes before the file is read, so a
	 * private write past the end of the file is SIGBUS and still leaves
	 * the VMA an anon_vma, which decides later merges (DIFF_SEED=51).
	 */
	if (write && !(vma->vm_flags & VM_SHARED) && anon_vma_prepare(vma))
		return FAULT_OOM;
	ret = vma->vm_ops->fault(&vmf);
	if (ret & VM_FAULT_SIGBUS)
		return FAULT_SIGBUS;
	if (ret & VM_FAULT_ERROR)
		return FAULT_OOM;
	if (!write || (vma->vm_flags & VM_SHARED)) {
		install_page(mm, vma, addr, ptep, vmf.page, write);
		if (!write)	/* do_read_fault(): only read faults map around */
			do_fault_around(mm, vma, addr, ptep);
		return write ? FAULT_SHARED_WRITE : FAULT_FILE;
	}
	copy = new_anon_page(mm, vma, addr, page_to_pfn(mm->zone, vmf.page));
	put_page(mm->zone, vmf.page);
	if (!copy)
		return FAULT_OOM;
	install_page(mm, vma, addr, ptep, copy, true);
	return FAULT_WP_COPY;
}

/* write to a present read-only entry of a writable VMA */
static enum fault_kind do_wp_page(struct mm_struct *mm, struct vm_area_struct *vma,
				  uint64_t addr, pteval_t *ptep)
{
	pteval_t pte = *ptep;
	uint64_t pfn = pte_pfn(pte);
	struct page *old = pfn_to_page(mm->zone, pfn), *copy;

	if (vma->vm_flags & VM_SHARED) {
		set_pte_at(mm, addr, ptep, pte | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED);
		return FAULT_SHARED_WRITE;
	}
	if (!is_zero_pfn(mm->zone, pfn) && page_is_exclusive_anon(mm->zone, old)) {
		set_pte_at(mm, addr, ptep, pte | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED);
		do_wp_fault_around(mm, vma, addr, ptep);
		return FAULT_WP_REUSE;
	}
	/* pinned: reclaim inside the allocation must leave it (and its entry) alone */
	if (!is_zero_pfn(mm->zone, pfn))
		get_page(old);
	copy = new_anon_page(mm, vma, addr, pfn);
	if (!is_zero_pfn(mm->zone, pfn))
		put_page(mm->zone, old);
	if (!copy)
		return FAULT_OOM;
	if (!is_zero_pfn(mm->zone, pfn)) {
		page_map_account(mm, old, -1);
		put_page(mm->zone, old);
	}
	page_map_account(mm, copy, 1);
	set_pte_at(mm, addr, ptep, pfn_pte(page_to_pfn(mm->zone, copy),
					   vm_get_page_prot(vma->vm_flags) | _PAGE_RW | _PAGE_DIRTY));
	do_wp_fault_around(mm, vma, addr, ptep);
	return FAULT_WP_COPY;
}

/*
 * do_swap_page(): the page comes back (from the swap cache if another
 * mapper brought it already), and this entry maps it again.  Writable only
 * when no one else can map it; otherwise the write goes through do_wp_page.
 */
static enum fault_kind do_swap_page(struct mm_struct *mm, struct vm_area_struct *vma,
				    uint64_t addr, pteval_t *ptep, unsigned int flags)
{
	uint64_t slot = pte_to_swp_slot(*ptep);
	int err = 0;
	struct page *page = swapin_page(mm->zone, slot, &err);
	pteval_t prot = vm_get_page_prot(vma->vm_flags);

	/* a read error is SIGBUS, as Linux's do_swap_page() says */
	if (!page)
		return err == -EIO ? FAULT_SIGBUS : FAULT_OOM;
	page_map_account(mm, page, 1);
	mm->rss[MM_SWAPENTS]--;
	swap_free(mm->zone, slot);	/* may take the page out of the swap cache */
	if ((flags & FAULT_FLAG_WRITE) && page_is_exclusive_anon(mm->zone, page))
		prot |= _PAGE_RW | _PAGE_DIRTY;
	set_pte_at(mm, addr, ptep, pfn_pte(page_to_pfn(mm->zone, page), prot));
	if ((flags & FAULT_FLAG_WRITE) && !(prot & _PAGE_RW))
		return do_wp_page(mm, vma, addr, ptep) == FAULT_OOM ? FAULT_OOM : FAULT_SWAP_IN;
	return FAULT_SWAP_IN;
}

static enum fault_kind handle_pte_fault(struct mm_struct *mm, struct vm_area_struct *vma,
					uint64_t addr, unsigned int flags)
{
	enum fault_kind huge = huge_pmd_fault(mm, vma, addr, flags);
	pteval_t *ptep, pte;

	if (huge != NR_FAULT_KINDS)
		return huge;
	ptep = pte_alloc(mm, addr);
	if (!ptep)
		return FAULT_OOM;
	pte = *ptep;
	if (!pte)
		return vma_is_anonymous(vma) ? do_anonymous_page(mm, vma, addr, ptep, flags)
					     : do_fault(mm, vma, addr, ptep, flags);
	if (is_swap_pte(pte))
		return do_swap_page(mm, vma, addr, ptep, flags);
	if ((flags & FAULT_FLAG_WRITE) && !pte_write(pte))
		return do_wp_page(mm, vma, addr, ptep);
	return FAULT_SPURIOUS;
}

static enum fault_kind classify_fault(struct mm_struct *mm, uint64_t addr, unsigned int flags,
				     int *pkey)
{
	struct vm_area_struct *vma;
	enum fault_kind kind;
	bool grew = false;

	if (addr >= TASK_SIZE)
		return FAULT_SEGV_MAPERR;
	vma = find_vma(mm, addr);
	if (!vma)
		return FAULT_SEGV_MAPERR;
	if (vma->vm_start > addr) {
		if (!(vma->vm_flags & VM_GROWSDOWN) || expand_stack(mm, vma, addr))
			return FAULT_SEGV_MAPERR;
		grew = true;
	}
	kind = access_error(vma, flags);
	if (kind != NR_FAULT_KINDS) {
		*pkey = vma_pkey(vma);
		return kind;
	}
	kind = handle_pte_fault(mm, vma, addr & PAGE_MASK, flags);
	if (grew && kind != FAULT_OOM && kind != FAULT_SIGBUS)
		return FAULT_STACK_GROW;
	return kind;
}

int mm_fault(struct mm_struct *mm, uint64_t addr, unsigned int flags, struct fault_result *res)
{
	struct fault_result local;
	uint64_t prefaulted = mm->zone->stats.pgprefault;
	int pkey = 0;
	enum fault_kind kind = should_fail(mm->zone, INJECT_SPURIOUS_FAULT, addr) ?
			       FAULT_SPURIOUS : classify_fault(mm, addr, flags, &pkey);

	if (!res)
		res = &local;
	mm->stats.faults[kind]++;
	fault_result(res, kind, pkey);
	res->prefaulted = (unsigned int)(mm->zone->stats.pgprefault - prefaulted);
	if (!res->signo)
		return 0;
	/* tables allocated for a fault that mapped nothing must not linger */
	if (addr < TASK_SIZE)
		free_empty_tables(mm, addr & PAGE_MASK, (addr & PAGE_MASK) + PAGE_SIZE);
	return -1;
}

/*
 * What mm_fault_shared() leaves to the exclusive path: injection (its
 * random stream is one sequence), anonymous fault-around (it allocates
 * tables and frames by the dozen).
 */
static bool zone_allows_shared_faults(const struct zone *zone)
{
	int i;

	if (zone->fault_around_anon_bytes)
		return false;
	for (i = 0; i < NR_INJECT_POINTS; i++)
		if (zone->inject[i].enabled)
			return false;
	return true;
}

/*
 * The anonymous VMA of @addr, if this fault is one mm_fault_shared() may
 * serve: the access allowed, an anon_vma already there (anon_vma_prepare()
 * changes the VMA), not mlocked (the exclusive path accounts those).
 */
static struct vm_area_struct *shared_fault_vma(struct mm_struct *mm, uint64_t addr,
					       unsigned int flags, uint32_t pkru)
{
	struct vm_area_struct *vma = addr < TASK_SIZE ? find_vma(mm, addr) : NULL;
	bool write = flags & FAULT_FLAG_WRITE;

	if (!vma || vma->vm_start > addr || !vma_is_anonymous(vma) || !vma->anon_vma ||
	    (vma->vm_flags & VM_LOCKED) || (flags & (FAULT_FLAG_INSTRUCTION | FAULT_FLAG_PKEY)))
		return NULL;
	if (!(vma->vm_flags & (write ? VM_WRITE : VM_ACCESS_FLAGS)))
		return NULL;
	return vma_pkru_permits(vma, pkru, write, false) ? vma : NULL;
}

/*
 * @ptep may take a new entry under the shared lock: still none, and its
 * table has no entry in the batch being built, whose replay order a new
 * entry would have to join (write_entry()).  Under page_table_lock.
 */
static bool pte_none_unlogged(struct mm_struct *mm, pteval_t *ptep)
{
	struct page *table = pfn_to_page(mm->zone, ptep_to_gpa(mm, ptep) >> PAGE_SHIFT);

	return !*ptep && table->log_batch != mm->log.batch;
}

/*
 * A first touch of anonymous memory, served while other CPUs fault too:
 * Linux's do_anonymous_page() under the per-VMA lock (lock_vma_under_rcu(),
 * FAULT_FLAG_VMA_LOCK).  The caller holds its lock shared (mm_types.h,
 * "Locking"): the VMAs and the upper tables cannot change, only leaf
 * entries, under page_table_lock.  The frame is allocated and zeroed before
 * that lock is taken, and the entry looked at again under it.  @pkru is the
 * faulting thread's.  Anything else (no leaf table yet, a present or swap
 * entry, a file, a key or rights refusal, few free frames) is -EAGAIN,
 * Linux's VM_FAULT_RETRY: the caller takes its lock exclusively and calls
 * mm_fault().  0 when the entry is in place: no other CPU can have cached
 * the none entry (SDM Vol. 3A, 4.10.2.3), so nothing is logged.
 */
int mm_fault_shared(struct mm_struct *mm, uint64_t addr, unsigned int flags, uint32_t pkru,
		    struct fault_result *res)
{
	struct zone *zone = mm->zone;
	bool write = (flags & FAULT_FLAG_WRITE) || zone->forbids_zeropage;
	struct vm_area_struct *vma;
	struct page *page = NULL;
	enum fault_kind kind;
	pteval_t *ptep;

	if (!zone_allows_shared_faults(zone))
		return -EAGAIN;
	vma = shared_fault_vma(mm, addr, flags, pkru);
	ptep = vma ? pte_lookup(mm, addr & PAGE_MASK, NULL) : NULL;
	if (!ptep)
		return -EAGAIN;
	if (write) {
		page = alloc_page_shared(zone, zone_low_wmark(zone));
		if (!page)
			return -EAGAIN;
	}
	pthread_mutex_lock(&mm->page_table_lock);
	if (!pte_none_unlogged(mm, ptep)) {
		pthread_mutex_unlock(&mm->page_table_lock);
		if (page) {
			pthread_mutex_lock(&zone->lock);
			put_page(zone, page);	/* never mapped: free at once */
			pthread_mutex_unlock(&zone->lock);
		}
		return -EAGAIN;
	}
	if (page) {
		pthread_mutex_lock(&zone->lock);
		page_add_anon_rmap(zone, page, vma, addr);
		pthread_mutex_unlock(&zone->lock);
		/*
		 * As do_anonymous_page(): writable if the VMA is.  No injection
		 * is configured, so install_page() corrupts nothing.
		 */
		install_page(mm, vma, addr & PAGE_MASK, ptep, page, vma->vm_flags & VM_WRITE);
		kind = FAULT_ANON;
	} else {
		set_pte_at(mm, addr & PAGE_MASK, ptep,
			   pfn_pte(zone->zero_pfn, vm_get_page_prot(vma->vm_flags) & ~_PAGE_RW));
		kind = FAULT_ANON_ZERO;
	}
	mm->stats.faults[kind]++;
	mm->stats.shared_faults++;
	pthread_mutex_unlock(&mm->page_table_lock);
	if (res) {
		fault_result(res, kind, 0);
		res->prefaulted = 0;
	}
	return 0;
}

/* a fault that maps nothing (spurious) is retried this often, then -EFAULT */
#define FAULTIN_TRIES	8

/*
 * GUP's faultin_page(): fault @addr in unless its entry already allows the
 * access.  GUP is a data access of the current thread: a key PKRU refuses
 * is -EFAULT before anything is faulted (check_vma_flags()).  As
 * __get_user_pages() does, the entry is looked at again after the fault:
 * a fault may succeed and map nothing, and the caller would then use
 * whatever the entry held (the zero page, for a write).
 */
int faultin_page(struct mm_struct *mm, uint64_t addr, unsigned int flags)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	pteval_t pte;
	int tries;

	if (vma && !arch_vma_access_permitted(vma, flags & FAULT_FLAG_WRITE, false))
		return -EFAULT;
	for (tries = 0; tries < FAULTIN_TRIES; tries++) {
		pte = mm_walk(mm, addr);
		if (pte_present(pte) && (!(flags & FAULT_FLAG_WRITE) || pte_write(pte)))
			return 0;
		if (mm_fault(mm, addr, flags, NULL))
			return -EFAULT;
	}
	return -EFAULT;
}

/* populate_vma_page_range(): private writable memory is written, breaking COW now */
unsigned int populate_fault_flags(const struct vm_area_struct *vma)
{
	return (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE ? FAULT_FLAG_WRITE : 0;
}

int populate_range(struct mm_struct *mm, uint64_t start, uint64_t end, bool write)
{
	uint64_t addr;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);

		if (!vma)
			return -ENOMEM;
		if (!(vma->vm_flags & VM_ACCESS_FLAGS))
			continue;
		if (faultin_page(mm, addr, (write ? FAULT_FLAG_WRITE : 0) | populate_fault_flags(vma)))
			return -EFAULT;
	}
	return 0;
}

/* the frame behind @addr for an access, faulting it in like get_user_pages */
static void *user_page(struct mm_struct *mm, uint64_t addr, bool write)
{
	if (faultin_page(mm, addr, write ? FAULT_FLAG_WRITE : 0))
		return NULL;
	return (uint8_t *)pfn_to_virt(mm->zone, pte_pfn(mm_walk(mm, addr))) + (addr & ~PAGE_MASK);
}

static size_t copy_user(struct mm_struct *mm, uint64_t uaddr, void *buf, size_t n, bool write)
{
	uint8_t *p = buf;

	while (n) {
		size_t chunk = min(n, PAGE_SIZE - (uaddr & ~PAGE_MASK));
		void *kaddr = uaddr < TASK_SIZE ? user_page(mm, uaddr, write) : NULL;

		if (!kaddr)
			break;
		if (write)
			memcpy(kaddr, p, chunk);
		else
			memcpy(p, kaddr, chunk);
		p += chunk;
		uaddr += chunk;
		n -= chunk;
	}
	return n;
}

size_t mm_copy_from_user(struct mm_struct *mm, void *dst, uint64_t src, size_t n)
{
	return copy_user(mm, src, dst, n, false);
}

size_t mm_copy_to_user(struct mm_struct *mm, uint64_t dst, const void *src, size_t n)
{
	return copy_user(mm, dst, (void *)src, n, true);
}
