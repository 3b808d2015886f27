// SPDX-License-Identifier: GPL-2.0
/* The MMU's counters, printed for --stats and the benchmarks. */
#include <stdio.h>

#include "internal.h"

void mm_print_stats(struct mm_struct *mm, FILE *out)
{
	const struct commit_stats *log = &mm->log.stats;
	const struct zone_stats *zs = &mm->zone->stats;
	int k;

	fprintf(out, "faults:");
	for (k = 0; k < NR_FAULT_KINDS; k++)
		if (mm->stats.faults[k])
			fprintf(out, " %s=%lu", fault_kind_name(k), (unsigned long)mm->stats.faults[k]);
	fprintf(out, "\n");
	fprintf(out, "frames: total=%lu free=%lu anon=%lu cache=%lu pgtable=%lu allocs=%lu "
		"frees=%lu failures=%lu\n",
		(unsigned long)mm->zone->nr_pages, (unsigned long)zs->nr_free,
		(unsigned long)zs->nr_anon, (unsigned long)zs->nr_cache,
		(unsigned long)zs->nr_pgtable, (unsigned long)zs->allocs,
		(unsigned long)zs->frees, (unsigned long)zs->alloc_failures);
	fprintf(out, "fault-around: file=%luK anon=%luK prefaulted=%lu\n",
		(unsigned long)(mm->zone->fault_around_bytes >> 10),
		(unsigned long)(mm->zone->fault_around_anon_bytes >> 10),
		(unsigned long)zs->pgprefault);
	fprintf(out, "thp: mode=%s fault_alloc=%lu fault_fallback=%lu split_pmd=%lu anon_thp=%lu\n",
		mm->zone->thp_mode == THP_ALWAYS ? "always" :
		mm->zone->thp_mode == THP_MADVISE ? "madvise" : "never",
		(unsigned long)zs->thp_fault_alloc, (unsigned long)zs->thp_fault_fallback,
		(unsigned long)zs->thp_split_pmd, (unsigned long)zs->nr_anon_thp);
	fprintf(out, "prezero: %s prezeroed=%lu hits=%lu misses=%lu zeroed_free=%lu\n",
		mm->zone->prezero ? "on" : "off", (unsigned long)zs->prezeroed,
		(unsigned long)zs->prezero_hits, (unsigned long)zs->prezero_misses,
		(unsigned long)mm->zone->nr_zeroed);
	fprintf(out, "mm: vmas=%lu pgtable_pages=%lu total_vm=%lu data_vm=%lu stack_vm=%lu "
		"exec_vm=%lu locked_vm=%lu committed=%lu\n",
		(unsigned long)mm->map_count, (unsigned long)mm->stats.pgtable_pages,
		(unsigned long)mm->total_vm, (unsigned long)mm->data_vm,
		(unsigned long)mm->stack_vm, (unsigned long)mm->exec_vm,
		(unsigned long)mm->locked_vm, (unsigned long)mm->zone->vm_committed_as);
	fprintf(out, "calls: mmap=%lu munmap=%lu mprotect=%lu brk=%lu madvise=%lu mincore=%lu\n",
		(unsigned long)mm->stats.calls_mmap, (unsigned long)mm->stats.calls_munmap,
		(unsigned long)mm->stats.calls_mprotect, (unsigned long)mm->stats.calls_brk,
		(unsigned long)mm->stats.calls_madvise, (unsigned long)mm->stats.calls_mincore);
	fprintf(out, "commit log: batches=%lu installs=%lu rewrites=%lu invlpgs=%lu "
		"full_flushes=%lu\n",
		(unsigned long)log->commits, (unsigned long)log->installs,
		(unsigned long)log->rewrites, (unsigned long)log->invlpgs,
		(unsigned long)log->full_flushes);
}
