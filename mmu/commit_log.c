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
	if (should_fail(mm->zone, INJECT_TLB_FLUSH, addr)) {
		log->stats.dropped++;
		return;
	}
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

/* every page of [start, start + len): past the ceiling that is a full flush */
void commit_log_flush_range(struct mm_struct *mm, uint64_t start, uint64_t len)
{
	uint64_t addr;

	if (len > COMMIT_FLUSH_CEILING * PAGE_SIZE) {
		mm->log.flush_all = true;
		return;
	}
	for (addr = start; addr < start + len; addr += PAGE_SIZE)
		commit_log_flush_page(mm, addr);
}

/*
 * A delayed re-write into a table being unlinked needs nothing: the table
 * is gone once the batch is in, and its frame may by then be free or
 * someone else's (the caller may hold it past commit_log_done(), until
 * every CPU has flushed: commit_log_done_defer()).
 */
static void drop_delayed_into(struct commit_log *log, uint64_t pfn)
{
	size_t i, n = 0;

	for (i = 0; i < log->nr_delayed; i++)
		if (log->delayed[i] >> PAGE_SHIFT != pfn)
			log->delayed[n++] = log->delayed[i];
	log->nr_delayed = n;
}

/* a page-table frame unlinked in this batch: freed when the batch is done */
void commit_log_defer_free(struct mm_struct *mm, uint64_t pfn)
{
	struct commit_log *log = &mm->log;

	drop_delayed_into(log, pfn);
	if (log->nr_deferred == log->cap_deferred) {
		size_t cap = log->cap_deferred ? log->cap_deferred * 2 : 16;
		uint64_t *d = realloc(log->deferred, cap * sizeof(*d));

		if (!d)
			abort();	/* host out of memory: nothing sane to do */
		log->deferred = d;
		log->cap_deferred = cap;
	}
	log->deferred[log->nr_deferred++] = pfn;
}

static void free_deferred(struct mm_struct *mm)
{
	struct commit_log *log = &mm->log;
	size_t i;

	for (i = 0; i < log->nr_deferred; i++)
		put_page(mm->zone, pfn_to_page(mm->zone, log->deferred[i]));
	log->nr_deferred = 0;
}

/*
 * An injected delay: this entry's re-write goes out with the next batch.
 * A re-write of the same entry already in this batch goes out anyway: it
 * must carry the entry's value now, since the guest's store of an older
 * value would put that back into the table the host keeps (the fuzz
 * campaign: a mapcount or rss counter off by one, US/NX against the VMA).
 */
void commit_log_delay(struct mm_struct *mm, uint64_t gpa)
{
	struct commit_log *log = &mm->log;
	pteval_t now = *(pteval_t *)gpa_to_virt(mm->zone, gpa);
	size_t i;

	for (i = 0; i < log->nr; i++)
		if (log->ent[i].pte_gpa == gpa)
			log->ent[i].val = now;

	if (log->nr_delayed < sizeof(log->delayed) / sizeof(log->delayed[0]))
		log->delayed[log->nr_delayed++] = gpa;
	else
		log->stats.dropped++;
}

/* the delayed re-writes, with the values their entries hold now */
static void commit_log_requeue(struct mm_struct *mm)
{
	struct commit_log *log = &mm->log;
	size_t i, n = log->nr_delayed;

	log->nr_delayed = 0;
	for (i = 0; i < n; i++) {
		struct page *table = pfn_to_page(mm->zone, log->delayed[i] >> PAGE_SHIFT);
		pteval_t *p = gpa_to_virt(mm->zone, log->delayed[i]);

		/* a table freed meanwhile was scrubbed: its entry needs nothing */
		if (table && (table->flags & PG_pgtable))
			commit_log_add(mm, table, log->delayed[i], *p);
	}
}

void frame_list_add(struct frame_list *fl, uint64_t pfn)
{
	if (fl->nr == fl->cap) {
		size_t cap = fl->cap ? fl->cap * 2 : 16;
		uint64_t *p = realloc(fl->pfn, cap * sizeof(*p));

		if (!p)
			abort();	/* host out of memory: nothing sane to do */
		fl->pfn = p;
		fl->cap = cap;
	}
	fl->pfn[fl->nr++] = pfn;
}

void frame_list_free(struct zone *zone, struct frame_list *fl)
{
	size_t i;

	for (i = 0; i < fl->nr; i++)
		put_page(zone, pfn_to_page(zone, fl->pfn[i]));
	fl->nr = 0;
}

void commit_log_done_defer(struct mm_struct *mm, struct frame_list *out)
{
	struct commit_log *log = &mm->log;
	size_t i;

	for (i = 0; i < log->nr_deferred; i++)
		frame_list_add(out, log->deferred[i]);
	log->nr_deferred = 0;
	commit_log_done(mm);
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
	free_deferred(mm);
	if (++log->batch == 0)
		log->batch = 1;
	commit_log_requeue(mm);
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
	free_deferred(mm);
	free(mm->log.deferred);
	free(mm->log.ent);
	memset(&mm->log, 0, sizeof(mm->log));
}
