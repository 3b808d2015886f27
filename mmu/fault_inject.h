/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection (Linux's lib/fault-inject.c knobs: probability,
 * interval, times, space), per named point, seeded for reproducible runs.
 */
#ifndef MMU_FAULT_INJECT_H
#define MMU_FAULT_INJECT_H

#include <stdbool.h>
#include <stdint.h>

enum inject_point {
	INJECT_FRAME_ALLOC,	/* alloc_page: NULL, as when memory is exhausted */
	INJECT_PT_ALLOC,	/* a page-table page: NULL */
	INJECT_VMA_ALLOC,	/* a VMA: NULL (the mmap family answers ENOMEM) */
	INJECT_COMMIT_DROP,	/* one re-write left out of the commit log */
	INJECT_COMMIT_DELAY,	/* one re-write held back to the next batch */
	INJECT_TLB_FLUSH,	/* one invalidation left out: a lost TLB flush */
	INJECT_PTE_ACCESSED,	/* a new entry with its accessed bit clear */
	INJECT_PTE_DIRTY,	/* a new writable entry with its dirty bit clear */
	INJECT_PTE_RW,		/* a new entry with RW flipped */
	INJECT_PTE_NX,		/* a new entry with NX flipped */
	INJECT_PTE_US,		/* a new entry with US flipped */
	INJECT_PTE_PFN,		/* a new entry pointing at the wrong frame */
	INJECT_SPURIOUS_FAULT,	/* a fault resolved without mapping: the guest faults again */
	INJECT_SWAP_IO,		/* swap read or write: -EIO */
	INJECT_FILE_IO,		/* a file page read: -EIO, SIGBUS for the guest */
	INJECT_COW_COPY,	/* the copy of copy-on-write fails: OOM */
	NR_INJECT_POINTS
};

struct fault_attr {
	bool enabled;
	unsigned int probability;	/* percent, 0..100 */
	uint64_t interval;		/* fail every Nth eligible call */
	int64_t times;			/* failures left; -1: no limit */
	int64_t space;			/* calls to let through first */
	uint64_t count;			/* eligible calls seen */
	uint64_t injected;		/* failures injected */
};

struct zone;

/* the hook a caller (the monitor) installs to name injections in its trace */
typedef void (*inject_report_t)(void *arg, enum inject_point point, uint64_t addr);

const char *inject_point_name(enum inject_point point);
const char *inject_point_help(enum inject_point point);
int inject_point_lookup(const char *name);
/* "probability=5,times=10,interval=1,space=0": 0, or -EINVAL */
int inject_configure(struct zone *zone, enum inject_point point, const char *knobs);
void inject_seed(struct zone *zone, uint64_t seed);
void inject_set_report(struct zone *zone, inject_report_t report, void *arg);
/* should this call fail? counts it, and names it through the report hook */
bool should_fail(struct zone *zone, enum inject_point point, uint64_t addr);

#endif
