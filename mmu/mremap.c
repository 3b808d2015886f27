// SPDX-License-Identifier: GPL-2.0
/*
 * mremap (Linux's mm/mremap.c): shrink in place, grow in place (merging
 * with the next VMA where Linux would), or move.  A move carries the page
 * tables, not the data: whole PUD or PMD entries when source and
 * destination are equally aligned and the destination slot is empty, as
 * move_page_tables() does, single PTEs otherwise.  The commit log's cost
 * is the entries moved.
 */
#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif

struct remap {
	uint64_t addr, old_len, new_len, new_addr;
	int flags;
	struct vm_area_struct *vma;
};

static bool implies_new_addr(const struct remap *r)
{
	return r->flags & (MREMAP_FIXED | MREMAP_DONTUNMAP);
}

/* check_mremap_params() */
static long check_params(struct mm_struct *mm, struct remap *r)
{
	if (r->flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((r->flags & MREMAP_FIXED) && !(r->flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((r->flags & MREMAP_DONTUNMAP) &&
	    (!(r->flags & MREMAP_MAYMOVE) || r->old_len != r->new_len))
		return -EINVAL;
	if (r->addr & ~PAGE_MASK)
		return -EINVAL;
	r->old_len = PAGE_ALIGN(r->old_len);
	r->new_len = PAGE_ALIGN(r->new_len);
	if (!r->new_len || r->new_len > TASK_SIZE)
		return -EINVAL;
	if (!implies_new_addr(r))
		return 0;
	if (r->new_addr > TASK_SIZE - r->new_len || (r->new_addr & ~PAGE_MASK))
		return -EINVAL;
	/* the target may not overlap the source */
	if (r->addr < r->new_addr + r->new_len && r->new_addr < r->addr + r->old_len)
		return -EINVAL;
	/* a move needs room for up to four more VMAs */
	if (mm->map_count + 2 >= mm->zone->max_map_count - 3)
		return -ENOMEM;
	return 0;
}

/* check_prep_vma(): only what growing or moving needs */
static long check_vma(struct mm_struct *mm, struct remap *r)
{
	struct vm_area_struct *vma = r->vma;
	uint64_t pgoff;

	if (!vma)
		return -EFAULT;
	/* mseal(): a sealed VMA is not resized, moved, or even remapped in place */
	if (vma_is_sealed(vma))
		return -EPERM;
	if (r->old_len == r->new_len && !implies_new_addr(r))
		return 0;
	if (r->new_len < r->old_len && !implies_new_addr(r))
		return 0;
	/* old_len 0 duplicates a shared mapping; private ones would get fresh memory */
	if (!r->old_len && !(vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
		return -EINVAL;
	if ((r->flags & MREMAP_DONTUNMAP) && (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP)))
		return -EINVAL;
	if (r->old_len > vma->vm_end - r->addr)
		return -EFAULT;
	if (r->new_len <= r->old_len)
		return 0;
	pgoff = vma->vm_pgoff + ((r->addr - vma->vm_start) >> PAGE_SHIFT);
	if (pgoff + (r->new_len >> PAGE_SHIFT) < pgoff)
		return -EINVAL;
	if (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP))
		return -EFAULT;
	if ((vma->vm_flags & VM_LOCKED) &&
	    mm->locked_vm + ((r->new_len - r->old_len) >> PAGE_SHIFT) >
	    mm->rlim[MM_RLIMIT_MEMLOCK].rlim_cur >> PAGE_SHIFT)
		return -EAGAIN;
	if (!may_expand_vm(mm, vma->vm_flags, (r->new_len - r->old_len) >> PAGE_SHIFT))
		return -ENOMEM;
	return 0;
}

/* ---- moving page tables ---- */

struct pt_slot {
	pteval_t *entry;	/* NULL: no table holds this level here */
	uint64_t next;		/* first address past the hole, when entry is NULL */
};

/* the entry at @level (4 = PGD ... 1 = PTE) for @addr; tables allocated when @alloc */
static pteval_t *entry_at(struct mm_struct *mm, uint64_t addr, int level, bool alloc, uint64_t *next)
{
	pteval_t *table = pfn_to_virt(mm->zone, mm->pgd_pfn);
	int l;

	for (l = 4; l > level; l--) {
		pteval_t *e = &table[pt_index(addr, l)];

		if (!pte_present(*e)) {
			struct page *page;

			if (!alloc) {
				uint64_t span = 1ULL << (PAGE_SHIFT + 9 * (l - 1));

				*next = (addr & ~(span - 1)) + span;
				return NULL;
			}
			page = pgtable_alloc(mm);
			if (!page)
				return NULL;
			set_pte_at(mm, addr, e, pfn_pte(page_to_pfn(mm->zone, page), _PAGE_TABLE));
		}
		table = pfn_to_virt(mm->zone, pte_pfn(*e));
	}
	return &table[pt_index(addr, level)];
}

/*
 * Move one entry at @level that links a whole table (or a leaf) from @old to
 * @new.  The destination slot must be empty: the table then simply hangs
 * from its new place, and its own entries are untouched.
 */
static bool move_entry(struct mm_struct *mm, uint64_t old, uint64_t new, int level)
{
	uint64_t next;
	pteval_t *src = entry_at(mm, old, level, false, &next), *dst, val;

	if (!src || !*src)
		return true;	/* nothing there: nothing to move */
	dst = entry_at(mm, new, level, true, &next);
	if (!dst)
		return false;
	if (*dst)
		return false;
	val = *src;
	set_pte_at(mm, new, dst, val);
	set_pte_at(mm, old, src, 0);
	/* move_huge_pmd(): the deposited table follows its PMD */
	if (level == 2 && pmd_trans_huge(val))
		pgtable_deposit(mm, dst, pgtable_withdraw(mm, src));
	mm->stats.pt_moves[level - 1]++;
	/* the TLB may still hold any page of a table that moved whole */
	if (level > 1)
		commit_log_flush_range(mm, old, 1ULL << (PAGE_SHIFT + 9 * (level - 1)));
	return true;
}

/* the slot at @level for @addr is free: no table above it, or an empty entry */
static bool slot_free(struct mm_struct *mm, uint64_t addr, int level)
{
	uint64_t next;
	pteval_t *e = entry_at(mm, addr, level, false, &next);

	return !e || !*e;
}

/*
 * The largest level at which an extent of @left bytes from @o to @n can
 * move as one entry: both aligned to it, the extent covering it, and the
 * destination slot free (move_pgt_entry()'s conditions).
 */
static int choose_level(struct mm_struct *mm, uint64_t o, uint64_t n, uint64_t left)
{
	int level;

	for (level = 3; level > 1; level--) {
		uint64_t span = 1ULL << (PAGE_SHIFT + 9 * (level - 1));

		if (!((o | n) & (span - 1)) && left >= span && slot_free(mm, n, level))
			return level;
	}
	return 1;
}

/*
 * Linux's move_page_tables(): extent by extent, the largest entry that can
 * move whole, else page by page.  Returns the length moved; less than
 * @len only when a table allocation failed.
 */
uint64_t move_page_tables(struct mm_struct *mm, uint64_t old, uint64_t new, uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		uint64_t o = old + done, n = new + done, next = 0;
		int level = choose_level(mm, o, n, len - done);
		uint64_t step = 1ULL << (PAGE_SHIFT + 9 * (level - 1));

		/* a huge PMD that cannot move whole moves as 512 PTEs */
		if (level == 1 && pmd_boundary(o, old))
			split_huge_pmd_range(mm, o, o + PAGE_SIZE);

		/* no table at all under the source: skip the hole */
		if (!entry_at(mm, o, level, false, &next)) {
			done += min(next - o, len - done);
			continue;
		}
		if (!move_entry(mm, o, n, level))
			break;
		done += step;
	}
	free_empty_tables(mm, old, old + len);
	return done;
}

/* ---- the call ---- */

/* vma_expandable(): free room right after @vma */
static bool vma_expandable(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t delta)
{
	uint64_t end = vma->vm_end + delta;

	if (end < vma->vm_end || end > TASK_SIZE)
		return false;
	if (find_vma_intersection(mm, vma->vm_end, end))
		return false;
	return !(get_unmapped_area(mm, NULL, vma->vm_start, end - vma->vm_start, 0, MAP_FIXED) &
		 ~PAGE_MASK);
}

static long expand_in_place(struct mm_struct *mm, struct remap *r)
{
	struct vm_area_struct *vma = r->vma;
	uint64_t delta = r->new_len - r->old_len, pages = delta >> PAGE_SHIFT;

	if ((vma->vm_flags & VM_ACCOUNT) && vm_enough_memory(mm, (long)pages))
		return -ENOMEM;
	/* vma_merge_extend(): grow, then join the next VMA if now adjacent and alike */
	vma_set_range(mm, vma, vma->vm_start, vma->vm_end + delta, vma->vm_pgoff);
	vma = vma_try_merge_around(mm, vma);
	vm_stat_account(mm, vma->vm_flags, (long)pages);
	if (vma->vm_flags & VM_LOCKED) {
		mm->locked_vm += pages;
		populate_range(mm, r->addr + r->old_len, r->addr + r->new_len, false);
	}
	return (long)r->addr;
}

/* copy_vma(): a VMA for [addr, addr + len) with @vma's attributes and offsets */
static struct vm_area_struct *copy_vma(struct mm_struct *mm, struct vm_area_struct *vma,
				       uint64_t src, uint64_t addr, uint64_t len)
{
	struct vm_area_struct *new = vm_area_dup(vma);

	if (!new)
		return NULL;
	new->vm_start = addr;
	new->vm_end = addr + len;
	new->vm_pgoff = vma->vm_pgoff + ((src - vma->vm_start) >> PAGE_SHIFT);
	/* an unfaulted anonymous VMA takes offsets of its new place, to merge there */
	if (vma_is_anonymous(vma) && !vma->anon_vma)
		new->vm_pgoff = addr >> PAGE_SHIFT;
	vma_link(mm, new);
	return new;
}

/*
 * move_vma(): a new VMA at new_addr, the page tables moved into it, the
 * source unmapped (or, with MREMAP_DONTUNMAP, left mapped and empty).  The
 * commitment moves with the pages: only growth is charged.
 */
static long move_vma(struct mm_struct *mm, struct remap *r)
{
	struct vm_area_struct *vma = r->vma, *new;
	uint64_t flags = vma->vm_flags, charged = 0, moved;
	bool dontunmap = r->flags & MREMAP_DONTUNMAP;

	if (mm->map_count >= mm->zone->max_map_count - 3)
		return -ENOMEM;
	if (flags & VM_ACCOUNT) {
		charged = dontunmap ? r->new_len >> PAGE_SHIFT :
			  r->new_len > r->old_len ? (r->new_len - r->old_len) >> PAGE_SHIFT : 0;
		if (charged && vm_enough_memory(mm, (long)charged))
			return -ENOMEM;
	}
	new = copy_vma(mm, vma, r->addr, r->new_addr, r->new_len);
	if (!new) {
		if (charged)
			vm_unacct_memory(mm, (long)charged);
		return -ENOMEM;
	}
	moved = move_page_tables(mm, r->addr, r->new_addr, r->old_len);
	if (moved < r->old_len) {
		/* out of frames for tables: put back what moved, drop the new VMA */
		move_page_tables(mm, r->new_addr, r->addr, moved);
		vma_unlink_free(mm, new);
		if (charged)
			vm_unacct_memory(mm, (long)charged);
		return -ENOMEM;
	}
	vm_stat_account(mm, flags, (long)(r->new_len >> PAGE_SHIFT));
	if (flags & VM_LOCKED)
		mm->locked_vm += r->new_len >> PAGE_SHIFT;
	if (dontunmap) {
		/* the source stays, empty and unlocked; it no longer needs the anon_vma */
		vma->vm_flags &= ~(VM_LOCKED | VM_LOCKONFAULT);
		if (vma->vm_start == r->addr && vma->vm_end == r->addr + r->old_len)
			unlink_anon_vmas(vma);
	} else {
		/* conceal VM_ACCOUNT so that the unmap does not undo the commitment */
		unmap_moved_source(mm, r->addr, r->old_len);
	}
	new = vma_lookup(mm, r->new_addr);
	vma_try_merge_around(mm, new);
	if ((flags & VM_LOCKED) && r->new_len > r->old_len)
		populate_range(mm, r->new_addr + r->old_len, r->new_addr + r->new_len, false);
	return (long)r->new_addr;
}

/* vrm_set_new_addr(): where the move goes, by get_unmapped_area() */
static long set_new_addr(struct mm_struct *mm, struct remap *r)
{
	struct vm_area_struct *vma = r->vma;
	uint64_t pgoff = vma->vm_pgoff + ((r->addr - vma->vm_start) >> PAGE_SHIFT);
	int map_flags = 0;
	uint64_t res;

	if (r->flags & MREMAP_FIXED)
		map_flags |= MAP_FIXED;
	if (vma->vm_flags & VM_MAYSHARE)
		map_flags |= MAP_SHARED;
	res = get_unmapped_area(mm, vma->vm_file, implies_new_addr(r) ? r->new_addr : 0,
				r->new_len, pgoff, map_flags);
	if (res >= (uint64_t)-4095)
		return (long)res;
	r->new_addr = res;
	return 0;
}

static long mremap_to(struct mm_struct *mm, struct remap *r)
{
	long err;

	if (r->flags & MREMAP_FIXED) {
		err = do_munmap(mm, r->new_addr, r->new_addr + r->new_len);
		if (err)
			return err;
		r->vma = vma_lookup(mm, r->addr);
		if (!r->vma)
			return -EFAULT;
	}
	if (r->new_len < r->old_len) {
		err = do_munmap(mm, r->addr + r->new_len, r->addr + r->old_len);
		if (err)
			return err;
		r->old_len = r->new_len;
		r->vma = vma_lookup(mm, r->addr);
	}
	if ((r->flags & MREMAP_DONTUNMAP) &&
	    !may_expand_vm(mm, r->vma->vm_flags, r->old_len >> PAGE_SHIFT))
		return -ENOMEM;
	err = set_new_addr(mm, r);
	if (err)
		return err;
	return move_vma(mm, r);
}

long mm_mremap(struct mm_struct *mm, uint64_t addr, uint64_t old_len, uint64_t new_len,
	       int flags, uint64_t new_addr)
{
	struct remap r = {
		.addr = addr, .old_len = old_len, .new_len = new_len,
		.new_addr = new_addr, .flags = flags,
	};
	long err;

	mm->stats.calls_mremap++;
	err = check_params(mm, &r);
	if (err)
		return err;
	r.vma = vma_lookup(mm, r.addr);
	err = check_vma(mm, &r);
	if (err)
		return err;
	if (implies_new_addr(&r))
		return mremap_to(mm, &r);
	if (r.new_len == r.old_len)
		return (long)r.addr;
	if (r.new_len < r.old_len) {
		err = do_munmap(mm, r.addr + r.new_len, r.addr + r.old_len);
		return err ? err : (long)r.addr;
	}
	if (r.addr + r.old_len == r.vma->vm_end && vma_expandable(mm, r.vma, r.new_len - r.old_len))
		return expand_in_place(mm, &r);
	if (!(r.flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	err = set_new_addr(mm, &r);
	if (err)
		return err;
	return move_vma(mm, &r);
}
