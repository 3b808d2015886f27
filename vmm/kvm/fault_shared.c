// SPDX-License-Identifier: GPL-2.0
/*
 * Page faults served without the monitor lock, as Linux serves them under
 * the per-VMA lock (lock_vma_under_rcu(), Linux 6.4+) or mmap_lock for read:
 * several vCPUs of one process first-touch their memory at the same time.
 *
 * Right after KVM_RUN returns, before its thread takes the monitor lock, a
 * vCPU looks at the exit: the trampoline's #PF report of a fault in ring 3.
 * It takes vmm->mmap_lock for read, which every holder of the monitor lock
 * holds for write (smp.c), so nothing but other such faults changes the
 * address spaces meanwhile, and asks mm_fault_shared(), which serves first
 * touches of anonymous memory under the MMU's own page_table_lock and
 * zone->lock (mmu/mm_types.h).  Then the vCPU goes back into the guest at
 * once.  Everything else, and every fault of a vCPU with something to do on
 * its way back to the program (a batch to apply or flush, a signal, another
 * process to run, --trace), is the exclusive path's, VM_FAULT_RETRY: the
 * exit is handled under the monitor lock as before.
 *
 * A new entry in place of a none one needs no re-write or invalidation on
 * either protocol: the CPU does not cache not-present entries (SDM Vol. 3A,
 * 4.10.2.3; AMD APM Vol. 2, 5.5.2), nor does shadow paging, which walks the
 * guest's tables on the next access.  The vCPU stays "in the guest" for
 * the other vCPUs (in_guest, entries): a kick sent meanwhile is pending on
 * its thread and ends its next KVM_RUN at once, so a shootdown or a stopped
 * world waits for it exactly as for a vCPU that ran guest code.
 *
 * Its counts go to the vCPU (struct vcpu, shared) and into vmm->stats when
 * it next takes the monitor lock (shared_fault_stats_fold()).
 */
#include <errno.h>
#include <string.h>
#include <x86intrin.h>

#include "vmm.h"
#include "../guest/trampoline.h"

/*
 * Whether the exit of vCPU @c is the trampoline's report of a #PF in ring 3
 * (handle_io() and handle_exception() tell the same); its IRET frame, the
 * address and the MMU's fault flags if so.
 */
static bool user_page_fault(struct vmm *vmm, struct vcpu *c, const struct iret_frame **frame,
			    uint64_t *addr, unsigned int *flags)
{
	const struct kvm_run *run = c->run;
	const struct iret_frame *f;
	uint64_t ec;

	if (run->exit_reason != KVM_EXIT_IO || run->io.direction != KVM_EXIT_IO_OUT ||
	    run->io.port != PORT_TRAP_BASE + 14 ||
	    !from_trampoline_cpu(vmm, c->cpu_index, run, TRAMP_OFF_VEC + 14 * TRAMP_VEC_STRIDE))
		return false;
	f = kern_ptr_cpu(vmm, c->cpu_index, KERN_IST1_TOP - sizeof(struct iret_frame));
	*addr = run->s.regs.sregs.cr2;
	/* ring 3, and not the SYSCALL entry page's fault (handle_exception()) */
	if ((f->cs & 3) != 3 || (f->rip == SYSCALL_LSTAR && *addr == SYSCALL_LSTAR))
		return false;
	ec = *(uint64_t *)kern_ptr_cpu(vmm, c->cpu_index, KERN_IST1_TOP - 48);
	*flags = pf_fault_flags(ec);
	*frame = f;
	return true;
}

/*
 * Nothing for vCPU @c to do on its way back to the program but resume it:
 * what return_to_user() would do otherwise needs the monitor lock.  Under
 * mmap_lock for read, which keeps every field read here still.
 */
static bool nothing_on_the_way_back(struct vmm *vmm, struct vcpu *c)
{
	struct process *p = c->cur;
	struct mm_struct *mm = p ? p->mm : NULL;

	if (!mm || vmm->done || vmm->nr_dead || vmm->stop_world)
		return false;
	if (p->state != P_RUNNING || p->exited || p->sleeping_call || signal_pending(p))
		return false;
	if (c->need_flush || c->flush_on_entry || c->need_resched || c->in_cctx ||
	    c->tearing_down || c->commit_mm || c->gather.nr)
		return false;
	return !commit_log_pending(mm) && !mm->log.owner && !mm->log.nr_deferred;
}

static void count(struct vcpu *c, enum fault_kind kind, uint64_t cycles, uint64_t run_cycles)
{
	c->shared.faults++;
	c->shared.run_cycles += run_cycles;
	account_fault(c->shared.fault_hist, c->shared.fault_cycles, kind, cycles);
}

/*
 * The exit of this vCPU's KVM_RUN (which took @run_cycles) is a fault
 * served here: the vCPU is set to resume the program, and true.  False for
 * every other exit, which the caller handles under the monitor lock.
 */
bool vcpu_fault_shared(struct vmm *vmm, uint64_t run_cycles)
{
	struct vcpu *c = this_vcpu();
	struct fault_result res;
	const struct iret_frame *f;
	unsigned int flags;
	uint32_t pkru = 0;
	uint64_t addr, t0;
	int ret = -EAGAIN;

	if (!vmm->shared_faults || vmm->trace || !c || !c->run ||
	    !user_page_fault(vmm, c, &f, &addr, &flags))
		return false;
	if (vmm->has_pku)
		pkru = pkru_get_fd(vmm, c->vcpu_fd);
	t0 = __rdtsc();
	pthread_rwlock_rdlock(&vmm->mmap_lock);
	if (nothing_on_the_way_back(vmm, c))
		ret = mm_fault_shared(c->cur->mm, addr, flags, pkru, &res);
	pthread_rwlock_unlock(&vmm->mmap_lock);
	if (ret)
		return false;
	count(c, res.kind, __rdtsc() - t0, run_cycles);
	c->run->kvm_dirty_regs = 0;
	if (vmm->fast_exit && user_frame_ok(f)) {
		c->shared.direct_returns++;
		load_user_frame(c->run, f);
	} else {
		enter_stub_cpu(vmm, c->cpu_index, c->run, TRAMP_OFF_IRET);
	}
	return true;
}

/* with the monitor lock: what this vCPU's shared faults did, into the stats */
void shared_fault_stats_fold(struct vmm *vmm, struct vcpu *c)
{
	struct shared_fault_stats *s = &c->shared;
	int k, b;

	if (!s->faults)
		return;
	vmm->stats.exits[KVM_EXIT_IO] += s->faults;
	vmm->stats.hypercalls += s->faults;
	vmm->stats.exceptions[14] += s->faults;
	vmm->stats.shared_faults += s->faults;
	vmm->stats.run_cycles += s->run_cycles;
	vmm->stats.direct_returns += s->direct_returns;
	for (k = 0; k < NR_FAULT_KINDS; k++) {
		vmm->stats.fault_cycles[k] += s->fault_cycles[k];
		for (b = 0; b < FAULT_HIST_BUCKETS; b++)
			vmm->stats.fault_hist[k][b] += s->fault_hist[k][b];
	}
	memset(s, 0, sizeof(*s));
}

/* ... of every vCPU: none serves a fault while this one holds the lock */
void shared_fault_stats_fold_all(struct vmm *vmm)
{
	int i;

	for (i = 0; i < vmm->nr_vcpus; i++)
		shared_fault_stats_fold(vmm, vmm->cpus[i]);
}
