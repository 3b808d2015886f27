// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/self/maps (Linux's fs/proc/task_mmu.c show_map_vma()): the same
 * columns, padding and names, so the text can be compared byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* seq_setwidth(m, 25 + sizeof(void *) * 6 - 1) */
#define MAPS_NAME_COLUMN	73

static const char *vma_name(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (vma->vm_file)
		return vma->vm_file->f_path;
	if (vma->vm_ops && vma->vm_ops->name)
		return vma->vm_ops->name(vma);
	/* vma_is_initial_heap(): strictly overlapping [start_brk, brk) */
	if (vma->vm_start < mm->brk && vma->vm_end > mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

static int show_map_vma(char *buf, size_t size, struct mm_struct *mm, struct vm_area_struct *vma)
{
	uint64_t flags = vma->vm_flags;
	struct file *file = vma->vm_file;
	const char *name = vma_name(mm, vma);
	int n;

	n = snprintf(buf, size, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ",
		     (unsigned long)vma->vm_start, (unsigned long)vma->vm_end,
		     flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		     flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p',
		     file ? (unsigned long long)vma->vm_pgoff << PAGE_SHIFT : 0ULL,
		     file ? file->dev_major : 0, file ? file->dev_minor : 0,
		     file ? (unsigned long)file->ino : 0UL);
	if (name)
		n += snprintf(buf + n, size > (size_t)n ? size - n : 0, "%*s%s",
			      n < MAPS_NAME_COLUMN ? MAPS_NAME_COLUMN - n : 0, "", name);
	n += snprintf(buf + n, size > (size_t)n ? size - n : 0, "\n");
	return n;
}


/* ---- /proc/self/smaps ---- */

struct smaps {
	uint64_t resident, pss, pss_dirty;	/* pss in bytes << PSS_SHIFT */
	uint64_t shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t referenced, anonymous, locked, lazyfree, swap;
	uint64_t anonymous_thp;
	uint64_t pss_anon, pss_file, pss_shmem;		/* << PSS_SHIFT, for the rollup */
};

#define PSS_SHIFT	12

/*
 * smaps_account(): one mapped page of @size bytes (a PTE's, or a huge
 * PMD's); the zero page is no page (vm_normal_page)
 */
static void smaps_account(struct mm_struct *mm, struct vm_area_struct *vma, pteval_t pte,
			  struct smaps *s, uint64_t size)
{
	struct page *page;
	bool dirty;
	uint64_t pss;

	if (is_swap_pte(pte))
		s->swap += size;
	if (!pte_mapped(pte) || pte_pfn(pte) == mm->zone->zero_pfn)
		return;
	page = pfn_to_page(mm->zone, pte_pfn(pte));
	dirty = pte_dirty(pte) || (page->flags & PG_dirty);
	s->resident += size;
	if (pte_young(pte))
		s->referenced += size;
	if (page->flags & PG_anon)
		s->anonymous += size;
	if ((page->flags & PG_lazyfree) && !dirty)
		s->lazyfree += size;
	if (page->mapcount >= 2) {
		pss = (size << PSS_SHIFT) / (uint64_t)page->mapcount;
		*(dirty ? &s->shared_dirty : &s->shared_clean) += size;
	} else {
		pss = size << PSS_SHIFT;
		*(dirty ? &s->private_dirty : &s->private_clean) += size;
	}
	s->pss += pss;
	if (page->flags & PG_anon)
		s->pss_anon += pss;
	else if (page->mapping && page->mapping->shmem)
		s->pss_shmem += pss;
	else
		s->pss_file += pss;
	if (dirty)
		s->pss_dirty += pss;
	if (vma->vm_flags & VM_LOCKED)
		s->locked += pss;
}

static void smaps_walk(struct mm_struct *mm, struct vm_area_struct *vma, struct smaps *s)
{
	uint64_t addr = vma->vm_start, next;

	while (addr < vma->vm_end) {
		pteval_t *ptep, *pmdp = pmd_boundary(addr, vma->vm_start) ?
					pmd_walk(mm, addr, false) : NULL;

		if (pmdp && pmd_trans_huge(*pmdp)) {	/* smaps_pmd_entry() */
			smaps_account(mm, vma, *pmdp, s, PMD_SIZE);
			s->anonymous_thp += PMD_SIZE;
			addr += PMD_SIZE;
			continue;
		}
		ptep = pte_lookup(mm, addr, &next);
		if (!ptep) {
			addr = next;
			continue;
		}
		smaps_account(mm, vma, *ptep, s, PAGE_SIZE);
		addr += PAGE_SIZE;
	}
}

/* show_smap_vma_flags(): two letters per flag, in bit order */
static int show_vm_flags(char *buf, size_t size, uint64_t flags)
{
	static const struct { uint64_t flag; const char *name; } mnemo[] = {
		{ VM_READ, "rd" }, { VM_WRITE, "wr" }, { VM_EXEC, "ex" }, { VM_SHARED, "sh" },
		{ VM_MAYREAD, "mr" }, { VM_MAYWRITE, "mw" }, { VM_MAYEXEC, "me" },
		{ VM_MAYSHARE, "ms" }, { VM_GROWSDOWN, "gd" }, { VM_UFFD_MISSING, "um" },
		{ VM_PFNMAP, "pf" }, { VM_LOCKED, "lo" }, { VM_IO, "io" }, { VM_SEQ_READ, "sr" },
		{ VM_RAND_READ, "rr" }, { VM_DONTCOPY, "dc" }, { VM_DONTEXPAND, "de" },
		{ VM_LOCKONFAULT, "lf" }, { VM_ACCOUNT, "ac" }, { VM_NORESERVE, "nr" },
		{ VM_HUGETLB, "ht" }, { VM_SYNC, "sf" }, { VM_WIPEONFORK, "wf" },
		{ VM_DONTDUMP, "dd" }, { VM_MIXEDMAP, "mm" }, { VM_HUGEPAGE, "hg" },
		{ VM_NOHUGEPAGE, "nh" }, { VM_MERGEABLE, "mg" }, { VM_DROPPABLE, "dp" },
		{ VM_SEALED, "sl" },
	};
	size_t i;
	int n = snprintf(buf, size, "VmFlags:");

	for (i = 0; i < sizeof(mnemo) / sizeof(mnemo[0]); i++)
		if (flags & mnemo[i].flag)
			n += snprintf(buf + n, size > (size_t)n ? size - n : 0, " %s", mnemo[i].name);
	n += snprintf(buf + n, size > (size_t)n ? size - n : 0, " \n");
	return n;
}

/* eligible for a THP: the mode allows it, anonymous, holds an aligned 2 MiB */
static int thp_eligible(const struct vm_area_struct *vma)
{
	uint64_t start = (vma->vm_start + PMD_SIZE - 1) & ~(PMD_SIZE - 1);

	return start + PMD_SIZE <= vma->vm_end && thp_vma_suitable(vma, start);
}

#define LINE(name, bytes) \
	n += snprintf(buf + n, size > (size_t)n ? size - n : 0, "%-16s%8lu kB\n", name ":", \
		      (unsigned long)((bytes) >> 10))

/* __show_smap(): the counts, with the rollup's three Pss lines */
static int show_smap_counts(char *buf, size_t size, int n, const struct smaps *sp, bool rollup)
{
	struct smaps s = *sp;

	LINE("Rss", s.resident);
	LINE("Pss", s.pss >> PSS_SHIFT);
	LINE("Pss_Dirty", s.pss_dirty >> PSS_SHIFT);
	if (rollup) {
		LINE("Pss_Anon", s.pss_anon >> PSS_SHIFT);
		LINE("Pss_File", s.pss_file >> PSS_SHIFT);
		LINE("Pss_Shmem", s.pss_shmem >> PSS_SHIFT);
	}
	LINE("Shared_Clean", s.shared_clean);
	LINE("Shared_Dirty", s.shared_dirty);
	LINE("Private_Clean", s.private_clean);
	LINE("Private_Dirty", s.private_dirty);
	LINE("Referenced", s.referenced);
	LINE("Anonymous", s.anonymous);
	LINE("KSM", 0);
	LINE("LazyFree", s.lazyfree);
	LINE("AnonHugePages", s.anonymous_thp);
	LINE("ShmemPmdMapped", 0);
	LINE("FilePmdMapped", 0);
	LINE("Shared_Hugetlb", 0);
	LINE("Private_Hugetlb", 0);
	LINE("Swap", s.swap);
	LINE("SwapPss", 0);
	LINE("Locked", s.locked >> PSS_SHIFT);
	return n;
}

static int show_smap(char *buf, size_t size, struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct smaps s = { 0 };
	int n = show_map_vma(buf, size, mm, vma);

	smaps_walk(mm, vma, &s);
	LINE("Size", vma->vm_end - vma->vm_start);
	LINE("KernelPageSize", PAGE_SIZE);
	LINE("MMUPageSize", PAGE_SIZE);
	n = show_smap_counts(buf, size, n, &s, false);
	n += snprintf(buf + n, size > (size_t)n ? size - n : 0, "THPeligible:    %8d\n",
		      thp_eligible(vma));
	/* arch_pkeys_enabled(): only a CPU with keys shows them */
	if (mm->zone->cpu_pkeys)
		n += snprintf(buf + n, size > (size_t)n ? size - n : 0, "ProtectionKey:  %8u\n",
			      (unsigned int)vma_pkey(vma));
	n += show_vm_flags(buf + n, size > (size_t)n ? size - n : 0, vma->vm_flags);
	return n;
}
#undef LINE

/* grow-and-retry around a per-VMA formatter */
static char *show_each_vma(struct mm_struct *mm,
			   int (*show)(char *, size_t, struct mm_struct *, struct vm_area_struct *))
{
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);
	struct vm_area_struct *vma;

	if (!out)
		return NULL;
	out[0] = '\0';
	for (vma = mm->mmap; vma; vma = vma->vm_next) {
		int n = show(out + len, cap - len, mm, vma);

		if (len + (size_t)n + 1 > cap) {
			char *bigger;

			while (len + (size_t)n + 1 > cap)
				cap *= 2;
			bigger = realloc(out, cap);
			if (!bigger) {
				free(out);
				return NULL;
			}
			out = bigger;
			show(out + len, cap - len, mm, vma);
		}
		len += (size_t)n;
	}
	return out;
}

char *mm_show_maps(struct mm_struct *mm)
{
	return show_each_vma(mm, show_map_vma);
}

char *mm_show_smaps(struct mm_struct *mm)
{
	return show_each_vma(mm, show_smap);
}

/* show_smaps_rollup(): every VMA's counts summed, under one [rollup] header */
char *mm_show_smaps_rollup(struct mm_struct *mm)
{
	struct smaps s = { 0 };
	struct vm_area_struct *vma;
	size_t size = 2048;
	char *buf = malloc(size);
	int n;

	if (!buf)
		return NULL;
	for (vma = mm->mmap; vma; vma = vma->vm_next)
		smaps_walk(mm, vma, &s);
	if (!mm->mmap) {
		buf[0] = 0;
		return buf;
	}
	for (vma = mm->mmap; vma->vm_next; vma = vma->vm_next)
		;
	n = snprintf(buf, size, "%08lx-%08lx ---p 00000000 00:00 0 ",
		     (unsigned long)mm->mmap->vm_start, (unsigned long)vma->vm_end);
	n += snprintf(buf + n, size - n, "%*s[rollup]\n",
		      n < MAPS_NAME_COLUMN ? MAPS_NAME_COLUMN - n : 0, "");
	show_smap_counts(buf, size, n, &s, true);
	return buf;
}

/* task_mem(): the Vm* lines of /proc/self/status */
char *mm_show_status(struct mm_struct *mm)
{
	uint64_t text = PAGE_ALIGN(mm->end_code) - (mm->start_code & PAGE_MASK);
	uint64_t anon = (uint64_t)mm->rss[MM_ANONPAGES], file = (uint64_t)mm->rss[MM_FILEPAGES];
	uint64_t shmem = (uint64_t)mm->rss[MM_SHMEMPAGES];
	uint64_t kb = PAGE_SIZE >> 10;
	char *out;

	text = min(text, mm->exec_vm << PAGE_SHIFT) >> 10;
	if (asprintf(&out,
		     "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t%8lu kB\n"
		     "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\nRssFile:\t%8lu kB\n"
		     "RssShmem:\t%8lu kB\nVmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\n"
		     "VmLib:\t%8lu kB\nVmPTE:\t%8lu kB\nVmSwap:\t%8lu kB\nHugetlbPages:\t%8lu kB\n",
		     (unsigned long)(max(mm->hiwater_vm, mm->total_vm) * kb),
		     (unsigned long)(mm->total_vm * kb), (unsigned long)(mm->locked_vm * kb), 0UL,
		     (unsigned long)(max(mm->hiwater_rss, anon + file + shmem) * kb),
		     (unsigned long)((anon + file + shmem) * kb), (unsigned long)(anon * kb),
		     (unsigned long)(file * kb), (unsigned long)(shmem * kb),
		     (unsigned long)(mm->data_vm * kb), (unsigned long)(mm->stack_vm * kb),
		     (unsigned long)text, (unsigned long)(mm->exec_vm * kb - text),
		     (unsigned long)((mm->stats.pgtable_pages - 1) * kb),
		     (unsigned long)((uint64_t)mm->rss[MM_SWAPENTS] * kb), 0UL) < 0)
		return NULL;
	return out;
}

/*
 * /proc/meminfo (fs/proc/meminfo.c): the lines this MMU can fill
 * truthfully, in Linux's order; the guest's kernel has no slab, so its
 * lines are 0 (free(1) reads SReclaimable)
 */
char *zone_show_meminfo(struct zone *zone)
{
	const struct zone_stats *st = &zone->stats;
	uint64_t kb = PAGE_SIZE >> 10, swap_total = swap_nr_slots(zone);
	uint64_t commit_limit = zone->totalram_pages * (uint64_t)zone->overcommit_ratio / 100 +
				zone->total_swap_pages;
	char *out;

	if (asprintf(&out,
		     "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
		     "Buffers:        %8lu kB\nCached:         %8lu kB\nSwapCached:     %8lu kB\n"
		     "SwapTotal:      %8lu kB\nSwapFree:       %8lu kB\n"
		     "AnonPages:      %8lu kB\n"
		     "KReclaimable:   %8lu kB\nSlab:           %8lu kB\n"
		     "SReclaimable:   %8lu kB\nSUnreclaim:     %8lu kB\n"
		     "PageTables:     %8lu kB\n"
		     "CommitLimit:    %8lu kB\nCommitted_AS:   %8lu kB\n"
		     "AnonHugePages:  %8lu kB\n",
		     (unsigned long)(zone->nr_pages * kb), (unsigned long)(st->nr_free * kb),
		     (unsigned long)((st->nr_free + st->nr_cache) * kb), 0UL,
		     (unsigned long)(st->nr_cache * kb), (unsigned long)(st->nr_swapcache * kb),
		     (unsigned long)(swap_total * kb), (unsigned long)(nr_swap_free(zone) * kb),
		     (unsigned long)(st->nr_anon * kb), 0UL, 0UL, 0UL, 0UL,	/* no slab here */
		     (unsigned long)(st->nr_pgtable * kb),
		     (unsigned long)(commit_limit * kb),
		     (unsigned long)(zone->vm_committed_as * kb),
		     (unsigned long)(st->nr_anon_thp * HPAGE_PMD_NR * kb)) < 0)
		return NULL;
	return out;
}

/*
 * /proc/PID/pagemap (pagemap_pte_range(), pte_to_pagemap_entry()): one
 * 64-bit entry per page of [@addr, @addr + @n pages).  A page in no VMA is
 * 0.  Never soft-dirty: this MMU tracks no soft-dirty state, and the
 * kernel it follows is built without CONFIG_MEM_SOFT_DIRTY (VM_SOFTDIRTY
 * is 0 there, smaps shows no "sd").  A mapped entry (PROT_NONE too, as
 * Linux's pte_present()) is present, with its frame if @show_pfn, exclusive when
 * one PTE maps the frame, "file" unless anonymous (the zero page is no
 * page: neither); a swap entry is swapped, type 0 and its slot.
 */
void mm_pagemap(struct mm_struct *mm, uint64_t addr, uint64_t *pm, size_t n, bool show_pfn)
{
	struct vm_area_struct *vma = NULL;
	size_t i;

	for (i = 0; i < n; i++, addr += PAGE_SIZE) {
		uint64_t flags = 0, frame = 0;
		struct page *page;
		pteval_t pte;

		pm[i] = 0;
		if (addr >= TASK_SIZE)
			continue;
		if (!vma || addr >= vma->vm_end)
			vma = find_vma(mm, addr);
		if (!vma || addr < vma->vm_start)
			continue;
		pte = mm_walk(mm, addr);
		if (is_swap_pte(pte)) {
			flags |= PM_SWAP;
			frame = pte_to_swp_slot(pte) << PM_SWAP_TYPE_BITS;
		} else if (pte_mapped(pte)) {
			flags |= PM_PRESENT;
			frame = pte_pfn(pte);
			if (frame != mm->zone->zero_pfn) {
				page = pfn_to_page(mm->zone, frame);
				if (page->flags & PG_tail)
					page = pfn_to_page(mm->zone, frame - page->index);
				if (!(page->flags & PG_anon))
					flags |= PM_FILE;
				if (page->mapcount == 1)
					flags |= PM_MMAP_EXCLUSIVE;
			}
		}
		pm[i] = flags | (show_pfn ? frame & PM_PFRAME_MASK : 0);
	}
}

/* task_statm(): sizes in pages, for /proc/PID/statm and stat */
uint64_t mm_task_statm(struct mm_struct *mm, uint64_t *shared, uint64_t *text, uint64_t *data,
		       uint64_t *resident)
{
	*shared = (uint64_t)(mm->rss[MM_FILEPAGES] + mm->rss[MM_SHMEMPAGES]);
	*text = (PAGE_ALIGN(mm->end_code) - (mm->start_code & PAGE_MASK)) >> PAGE_SHIFT;
	*data = mm->data_vm + mm->stack_vm;
	*resident = *shared + (uint64_t)mm->rss[MM_ANONPAGES];
	return mm->total_vm;
}
