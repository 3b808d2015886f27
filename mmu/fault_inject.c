// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection, after Linux's lib/fault-inject.c: for each enabled
 * point, should_fail() lets the first `space` calls through, then fails
 * every `interval`-th call with `probability` percent, at most `times`
 * times.  Unlike Linux's debugfs defaults, an enabled point fails with
 * probability 100 and no limit on times unless told otherwise, so that
 * "frame_alloc:interval=100" does what it says.  A seeded xorshift decides,
 * so a run is reproduced by its seed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const struct {
	const char *name, *help;
} points[NR_INJECT_POINTS] = {
	[INJECT_FRAME_ALLOC]	= { "frame_alloc", "frame allocation fails (NULL)" },
	[INJECT_PT_ALLOC]	= { "pt_alloc", "page-table page allocation fails (NULL)" },
	[INJECT_VMA_ALLOC]	= { "vma_alloc", "VMA allocation fails (ENOMEM)" },
	[INJECT_COMMIT_DROP]	= { "commit_drop", "a commit-log re-write is dropped" },
	[INJECT_COMMIT_DELAY]	= { "commit_delay", "a commit-log re-write is delayed a batch" },
	[INJECT_TLB_FLUSH]	= { "tlb_flush", "an invalidation is dropped (lost TLB flush)" },
	[INJECT_PTE_ACCESSED]	= { "pte_accessed", "a new entry's accessed bit is cleared" },
	[INJECT_PTE_DIRTY]	= { "pte_dirty", "a new entry's dirty bit is cleared" },
	[INJECT_PTE_RW]		= { "pte_rw", "a new entry's RW bit is flipped" },
	[INJECT_PTE_NX]		= { "pte_nx", "a new entry's NX bit is flipped" },
	[INJECT_PTE_US]		= { "pte_us", "a new entry's US bit is flipped" },
	[INJECT_PTE_PFN]	= { "pte_pfn", "a new entry points at the wrong frame" },
	[INJECT_SPURIOUS_FAULT]	= { "spurious_fault", "a fault is resolved without mapping" },
	[INJECT_SWAP_IO]	= { "swap_io", "a swap read or write fails (EIO)" },
	[INJECT_FILE_IO]	= { "file_io", "a file page read fails (EIO, SIGBUS)" },
	[INJECT_COW_COPY]	= { "cow_copy", "the copy of copy-on-write fails (OOM)" },
};

const char *inject_point_name(enum inject_point point)
{
	return point < NR_INJECT_POINTS ? points[point].name : "?";
}

const char *inject_point_help(enum inject_point point)
{
	return point < NR_INJECT_POINTS ? points[point].help : "?";
}

int inject_point_lookup(const char *name)
{
	int i;

	for (i = 0; i < NR_INJECT_POINTS; i++)
		if (!strcmp(name, points[i].name))
			return i;
	return -1;
}

static int parse_knob(struct fault_attr *attr, const char *key, size_t klen, const char *val)
{
	char *end;
	long long v = strtoll(val, &end, 10);

	if (end == val || (*end && *end != ','))
		return -EINVAL;
	if (klen == 11 && !strncmp(key, "probability", klen) && v >= 0 && v <= 100)
		attr->probability = (unsigned int)v;
	else if (klen == 8 && !strncmp(key, "interval", klen) && v >= 1)
		attr->interval = (uint64_t)v;
	else if (klen == 5 && !strncmp(key, "times", klen) && v >= -1)
		attr->times = v;
	else if (klen == 5 && !strncmp(key, "space", klen) && v >= 0)
		attr->space = v;
	else
		return -EINVAL;
	return 0;
}

int inject_configure(struct zone *zone, enum inject_point point, const char *knobs)
{
	struct fault_attr attr = { .enabled = true, .probability = 100, .interval = 1,
				   .times = -1 };
	const char *p = knobs;

	if (point >= NR_INJECT_POINTS)
		return -EINVAL;
	while (p && *p) {
		const char *eq = strchr(p, '=');

		if (!eq || parse_knob(&attr, p, (size_t)(eq - p), eq + 1))
			return -EINVAL;
		p = strchr(eq, ',');
		if (p)
			p++;
	}
	zone->inject[point] = attr;
	return 0;
}

void inject_seed(struct zone *zone, uint64_t seed)
{
	zone->inject_rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

void inject_set_report(struct zone *zone, inject_report_t report, void *arg)
{
	zone->inject_report = report;
	zone->inject_report_arg = arg;
}

static unsigned int rnd_percent(struct zone *zone)
{
	uint64_t x = zone->inject_rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	zone->inject_rng = x;
	return (unsigned int)(x % 100);
}

bool should_fail(struct zone *zone, enum inject_point point, uint64_t addr)
{
	struct fault_attr *attr = &zone->inject[point];

	if (!attr->enabled || attr->times == 0)
		return false;
	if (attr->space > 0) {
		attr->space--;
		return false;
	}
	if (++attr->count % attr->interval)
		return false;
	if (attr->probability <= rnd_percent(zone))
		return false;
	if (attr->times > 0)
		attr->times--;
	attr->injected++;
	if (zone->inject_report)
		zone->inject_report(zone->inject_report_arg, point, addr);
	return true;
}
