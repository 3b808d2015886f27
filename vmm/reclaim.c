// SPDX-License-Identifier: GPL-2.0
/*
 * --swap SIZE and what reclaim shows of itself: the swap area is a host
 * file in $TMPDIR (or /tmp), unlinked as soon as it is open so that it is
 * gone at exit however the monitor ends; --stats gains the reclaim
 * counters; an address space that cannot be served is killed with Linux's
 * OOM report (mm/oom_kill.c, __oom_kill_process()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm.h"

static uint64_t swap_size;

int reclaim_parse_swap(const char *arg, int (*parse_size)(const char *, uint64_t *))
{
	if (parse_size(arg, &swap_size) || swap_size < 4096) {
		pr_err("--swap %s: not a size of at least one page (try 256M)", arg);
		return -1;
	}
	return 0;
}

int reclaim_setup(struct vmm *vmm)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd, err;

	if (!swap_size)
		return 0;
	snprintf(path, sizeof(path), "%s/vmm-swap-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		pr_err("--swap: cannot create a swap file in %s: %s (set TMPDIR)",
		       dir && *dir ? dir : "/tmp", strerror(errno));
		return -1;
	}
	unlink(path);
	err = swap_on(vmm->zone, fd, swap_size);
	close(fd);
	if (err) {
		pr_err("--swap: cannot size the swap file to %llu bytes (disk full?)",
		       (unsigned long long)swap_size);
		return -1;
	}
	return 0;
}

void reclaim_print_stats(struct vmm *vmm, FILE *out)
{
	const struct zone_stats *st = &vmm->zone->stats;

	fprintf(out, "reclaim: scanned=%llu reclaimed=%llu rotated=%llu swapped_out=%llu "
		"swapped_in=%llu file_dropped=%llu file_written=%llu swap_free=%llu\n",
		(unsigned long long)st->pgscan, (unsigned long long)st->pgsteal,
		(unsigned long long)st->pgrotated, (unsigned long long)st->pswpout,
		(unsigned long long)st->pswpin, (unsigned long long)st->pg_dropped,
		(unsigned long long)st->pg_written,
		(unsigned long long)nr_swap_free(vmm->zone));
}

/* "Out of memory: Killed process ..." with the victim's usage */
void oom_kill_report(struct mm_struct *mm, int pid, const char *comm)
{
	uint64_t kb = 4;

	pr_err("Out of memory: Killed process %d (%s) total-vm:%llukB, anon-rss:%llukB, "
	       "file-rss:%llukB, shmem-rss:%llukB, UID:0 pgtables:%llukB oom_score_adj:0",
	       pid, comm, (unsigned long long)(mm->total_vm * kb),
	       (unsigned long long)(mm->rss[1] * kb), (unsigned long long)(mm->rss[0] * kb),
	       (unsigned long long)(mm->rss[2] * kb),
	       (unsigned long long)(mm->stats.pgtable_pages * kb));
}
