// SPDX-License-Identifier: GPL-2.0
/*
 * The commit log: the changes to present page-table entries that the guest
 * must re-write itself, and the TLB invalidations that must follow.
 *
 * On shadow-paging KVM the host's writes to a present entry are invisible
 * to the guest until the guest writes the same entry (platform note, fact
 * 5); on EPT hardware the re-write is a harmless store.  Entries are kept
 * in the order they were made: the last write to an address wins.  Past
 * COMMIT_FLUSH_CEILING single pages the batch ends in a full flush, as
 * Linux's flush_tlb_mm_range() does past tlb_single_page_flush_ceiling.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void commit_log_add(struct mm_struct *mm, struct page *table, uint64_t gpa, pteval_t val)
{
	struct commit_log *log = &mm->log;

	table->log_batch = log->batch;
	if (log->nr && log->ent[log->nr - 1].pte_gpa == gpa) {
		log->ent[log->nr - 1].val = val;
		return;
	}
	if (log->nr == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 64;
		struct commit_entry *ent = realloc(log->ent, cap * sizeof(*ent));

		if (!ent)
			abort();	/* host out of memory: nothing sane to do */
		log->ent = ent;
		log->cap = cap;
	}
	log->ent[log->nr].pte_gpa = gpa;
	log->ent[log->nr].val = val;
	log->nr++;
	log->stats.rewrites++;
}

void commit_log_flush_page(struct mm_struct *mm, uint64_t addr)
{
	struct commit_log *log = &mm->log;

	addr &= PAGE_MASK;
	if (log->flush_all)
		return;
	if (log->nr_inval && log->inval[log->nr_inval - 1] == addr)
		return;
	if (log->nr_inval == COMMIT_FLUSH_CEILING) {
		log->flush_all = true;
		return;
	}
	log->inval[log->nr_inval++] = addr;
}

/*
 * A page-table page is being freed: entries inside it need no re-write (the
 * entry that linked it was cleared and is in the log), and must not be
 * written into the frame once it is reused.
 */
void commit_log_purge_frame(struct mm_struct *mm, uint64_t pfn)
{
	struct commit_log *log = &mm->log;
	size_t i, kept = 0;

	for (i = 0; i < log->nr; i++) {
		if ((log->ent[i].pte_gpa >> PAGE_SHIFT) == pfn) {
			log->stats.rewrites--;
			continue;
		}
		log->ent[kept++] = log->ent[i];
	}
	log->nr = kept;
}

void commit_log_done(struct mm_struct *mm)
{
	struct commit_log *log = &mm->log;

	if (log->nr || log->nr_inval || log->flush_all)
		log->stats.commits++;
	log->stats.invlpgs += log->flush_all ? 0 : log->nr_inval;
	log->stats.full_flushes += log->flush_all;
	log->nr = 0;
	log->nr_inval = 0;
	log->flush_all = false;
	if (++log->batch == 0)
		log->batch = 1;
}

void commit_log_apply(struct mm_struct *mm)
{
	struct commit_log *log = &mm->log;
	size_t i;

	for (i = 0; i < log->nr; i++) {
		pteval_t *p = gpa_to_virt(mm->zone, log->ent[i].pte_gpa);

		*p = log->ent[i].val;
	}
	commit_log_done(mm);
}

void commit_log_release(struct mm_struct *mm)
{
	free(mm->log.ent);
	memset(&mm->log, 0, sizeof(mm->log));
}
