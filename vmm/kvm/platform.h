/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the KVMs the monitor runs on, behind one interface
 * (as Solo5's hvt backends): how page-table changes reach the guest.
 *
 * - platform_nested.c, "npt": hardware-assisted KVM with EPT or NPT.  The
 *   guest's page walks read guest memory, so the host's writes are the
 *   guest's; the guest only invalidates and returns to the program.
 * - platform_shadow.c, "shadow": shadow-paging KVM (PVM).  The guest sees
 *   no host write to a present entry until it writes the entry itself, so
 *   it re-writes every logged entry, then invalidates and reports back.
 *   Also correct on EPT/NPT, where the re-writes are plain stores.  A
 *   flush with nothing to re-write (a kicked vCPU's) needs no report:
 *   both take nested paging's stub for it (resume_inval_iret()).
 *
 * platform.c probes at start-up which one this KVM needs (a few exits),
 * or takes --platform, and says so in --trace and --stats.
 */
#ifndef VMM_PLATFORM_H
#define VMM_PLATFORM_H

#include <stdio.h>

#include "vmm.h"

struct platform {
	const char *name;
	/*
	 * The current process's commit log is not empty (or the vCPU needs a
	 * flush): bring the guest's view up to date and resume the program
	 * from trap_frame() with its registers.
	 */
	void (*commit)(struct vmm *vmm);
	/* vmm->dead_mms[nr_dead - 1] was unmapped: retire it, then resume */
	void (*teardown)(struct vmm *vmm);
	/* a hypercall of the protocol's own stubs; false if @port is not one */
	bool (*hypercall)(struct vmm *vmm, unsigned int port);
	/* the exit came part-way through a commit: tables not yet final */
	bool (*mid_commit)(const struct vmm *vmm);
};

extern const struct platform platform_shadow, platform_nested;

/* platform.c */
int platform_parse(struct vmm *vmm, const char *arg);
int platform_setup(struct vmm *vmm);
void platform_print(const struct vmm *vmm, FILE *out);

#endif
