// SPDX-License-Identifier: GPL-2.0
/*
 * --inject and --seed: fault injection from the command line, with
 * Linux's knobs per point (mmu/fault_inject.h):
 *
 *   vmm --inject 'frame_alloc:probability=5,times=10' \
 *       --inject 'tlb_flush:interval=100' --seed 42 guest.bin
 *
 * Every injection is counted for --stats and, under --trace, named with
 * the guest's RIP and the address involved.  Injections that can make the
 * guest see stale or wrong translations (a lost re-write or flush,
 * corrupted entries) are also reported at exit, so a wrong result can be
 * traced to them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm.h"

#define MAX_SPECS	NR_INJECT_POINTS

static struct {
	int point;
	char knobs[128];
} specs[MAX_SPECS];
static int nr_specs;
static uint64_t seed = 1;
static bool trace;
static uint64_t hazards;	/* injections that may corrupt what the guest sees */

static bool corrupts_translation(enum inject_point point)
{
	switch (point) {
	case INJECT_COMMIT_DROP: case INJECT_COMMIT_DELAY: case INJECT_TLB_FLUSH:
	case INJECT_PTE_RW: case INJECT_PTE_NX: case INJECT_PTE_US: case INJECT_PTE_PFN:
		return true;
	default:
		return false;
	}
}

static void list_points(void)
{
	printf("injection points (--inject POINT[:knob=value,...]; knobs: probability=0..100,\n"
	       "interval=N, times=N|-1, space=N; an enabled point fails every eligible call\n"
	       "unless told otherwise):\n");
	for (int i = 0; i < NR_INJECT_POINTS; i++)
		printf("  %-15s %s\n", inject_point_name(i), inject_point_help(i));
}

/* one --inject argument; "list" names the points and exits */
int inject_parse(const char *arg)
{
	const char *colon = strchr(arg, ':');
	char name[32];
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
	int point;

	if (!strcmp(arg, "list")) {
		list_points();
		exit(0);
	}
	if (len >= sizeof(name) || nr_specs == MAX_SPECS) {
		pr_err("--inject %s: too long or too many (see --inject list)", arg);
		return -1;
	}
	memcpy(name, arg, len);
	name[len] = '\0';
	point = inject_point_lookup(name);
	if (point < 0) {
		pr_err("--inject %s: no point named '%s' (see --inject list)", arg, name);
		return -1;
	}
	specs[nr_specs].point = point;
	snprintf(specs[nr_specs].knobs, sizeof(specs[nr_specs].knobs), "%s", colon ? colon + 1 : "");
	nr_specs++;
	return 0;
}

int inject_parse_seed(const char *arg)
{
	char *end;

	seed = strtoull(arg, &end, 0);
	if (end == arg || *end) {
		pr_err("--seed %s: not a number", arg);
		return -1;
	}
	return 0;
}

static void report(void *arg, enum inject_point point, uint64_t addr)
{
	struct vmm *vmm = arg;

	if (corrupts_translation(point))
		hazards++;
	/* the user's RIP is in the trap frame: the vCPU's is the trampoline's */
	if (trace)
		fprintf(vmm->trace_out, "[inject] %s at %#llx rip=%#llx\n", inject_point_name(point),
			(unsigned long long)addr, (unsigned long long)trap_frame(vmm)->rip);
}

/* after the zone exists: knobs, seed and the report hook */
int inject_setup(struct vmm *vmm)
{
	int i;

	trace = vmm->trace;
	inject_seed(vmm->zone, seed);
	inject_set_report(vmm->zone, report, vmm);
	for (i = 0; i < nr_specs; i++) {
		if (inject_configure(vmm->zone, specs[i].point, specs[i].knobs)) {
			pr_err("--inject %s:%s: bad knobs (probability=0..100, interval>=1, "
			       "times>=-1, space>=0)", inject_point_name(specs[i].point),
			       specs[i].knobs);
			return -1;
		}
	}
	return 0;
}

/* --stats lines, and the warning that makes a wrong result explicable */
void inject_print_stats(struct vmm *vmm, FILE *out)
{
	int i;

	if (!nr_specs)
		return;
	fprintf(out, "injections (seed %llu):", (unsigned long long)seed);
	for (i = 0; i < NR_INJECT_POINTS; i++)
		if (vmm->zone->inject[i].enabled)
			fprintf(out, " %s=%llu", inject_point_name(i),
				(unsigned long long)vmm->zone->inject[i].injected);
	fprintf(out, "\n");
}

void inject_report_hazards(void)
{
	if (hazards)
		pr_err("%llu injected fault(s) may have given the guest stale or wrong "
		       "translations: its results are suspect", (unsigned long long)hazards);
}
