// SPDX-License-Identifier: GPL-2.0
/*
 * The commit protocol of hardware-assisted KVM with nested paging (Intel
 * EPT, AMD NPT).  The guest's page walks go through guest-physical memory
 * (SDM Vol. 3C, 29.3 "The Extended Page Table Mechanism"; AMD APM Vol. 2,
 * 15.25 "Nested Paging"), so the MMU's host-side writes to the tables are
 * the guest's own tables: nothing is re-written.  What the guest may still
 * hold is stale translations in its TLB and paging-structure caches, which
 * only the guest can drop (SDM Vol. 3A, 4.10.4.1; AMD APM Vol. 2, 5.5.2):
 * one stub runs INVLPG per page (or reloads CR3) in ring 0 and IRETs
 * straight to the program.  Ring-0 code runs natively here, so that costs
 * a few instructions and no exit: a COW break, an mprotect or a fork is
 * the one exit that asked for it.
 *
 * Page-table frames unlinked in a batch may be reused as soon as the batch
 * is handed over: the single vCPU runs the stub, which drops every cached
 * translation through them, before any instruction of the program, and the
 * host touches guest memory only at exits after that.
 */
#include <string.h>

#include "vmm.h"
#include "platform.h"
#include "../guest/trampoline.h"

/*
 * Resume the program through TRAMP_OFF_INVAL_IRET, which drops the vCPU's
 * stale translations (@flush: all of them by a CR3 reload, else the @nr
 * pages of @inval) and IRETs to it without reporting back.  Its registers
 * stay loaded but RSI, RCX and RAX, which go under the IRET frame for the
 * stub to pop.  Both protocols: nested paging for every batch, shadow
 * paging for a flush with nothing to re-write.
 */
void resume_inval_iret(struct vmm *vmm, const uint64_t *inval, size_t nr, bool flush)
{
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	uint64_t *data = kern_ptr(vmm, KERN_TRAMP + TRAMP_OFF_DATA);
	uint64_t *saved = (uint64_t *)trap_frame(vmm) - 3;
	size_t i;

	if (flush || nr > TD_INVAL_MAX) {
		data[TD_NR_INVAL / 8] = 0;
		data[TD_FLUSH / 8] = 1;
	} else {
		for (i = 0; i < nr; i++)
			data[TD_INVAL / 8 + i] = inval[i];
		data[TD_NR_INVAL / 8] = nr;
		data[TD_FLUSH / 8] = 0;
	}
	saved[0] = r->rsi;
	saved[1] = r->rcx;
	saved[2] = r->rax;
	enter_stub(vmm, TRAMP_OFF_INVAL_IRET);
	r->rsp = trap_frame_va(vmm) - 3 * 8;
}

static void nested_commit(struct vmm *vmm)
{
	struct mm_struct *mm = vmm->cur->mm;
	struct commit_log *log = &mm->log;

	/*
	 * The host's writes are in the tables already: every other vCPU on
	 * this mm drops what it caches before the frames can go (smp.c).
	 * Meanwhile the other vCPUs of the mm keep off its log.
	 */
	if (log->nr || log->nr_inval || log->flush_all || log->nr_deferred ||
	    vcpu_gathered()) {
		mm_commit_begin(vmm, mm);
		tlb_shootdown(vmm, mm);
		mm_commit_end(vmm);
		if (vmm->need_flush) {
			vmm->need_flush = false;
			vmm->flush_on_entry = true;
		}
	}
	/* the stub's data first: commit_log_done() empties the log */
	resume_inval_iret(vmm, log->inval, log->nr_inval, log->flush_all || vmm->flush_on_entry);
	commit_log_done(mm);
	vmm->cur->commit_next = 0;
	vmm->flush_on_entry = false;
}

/*
 * A dead address space: its tables are nobody's.  Its CR3 left the vCPU
 * when another process (or the exec'ed image) was loaded, which set
 * flush_on_entry, so the guest reloads CR3 before it runs the program
 * again; the frames may go back to the zone now.
 */
static void nested_teardown(struct vmm *vmm)
{
	while (vmm->nr_dead) {
		struct mm_struct *mm = vmm->dead_mms[--vmm->nr_dead];

		/* a vCPU still in the guest on it (a thread killed by exit_group) */
		vmm->teardown_mm = mm;
		tlb_shootdown(vmm, mm);
		vmm->teardown_mm = NULL;
		commit_log_done(mm);
		mm_destroy(mm);
		vcpu_release_gathered(vmm);
	}
	vmm->flush_on_entry = true;
	return_to_user(vmm);
}

/* no stub of this protocol reports back */
static bool nested_hypercall(struct vmm *vmm, unsigned int port)
{
	(void)vmm;
	(void)port;
	return false;
}

static bool nested_mid_commit(const struct vmm *vmm)
{
	(void)vmm;
	return false;
}

const struct platform platform_nested = {
	.name = "npt",
	.commit = nested_commit,
	.teardown = nested_teardown,
	.hypercall = nested_hypercall,
	.mid_commit = nested_mid_commit,
};
