// SPDX-License-Identifier: GPL-2.0
/*
 * The commit protocol of shadow-paging KVM (PVM; platform note, fact 5):
 * a host write to a present page-table entry stays invisible to the guest
 * until the guest stores the entry itself, so the guest re-writes every
 * entry of the commit log through the direct map, invalidates, and reports
 * back; the monitor then resumes the program.  Large commits go in chunks
 * of the buffer, or to the ring-3 helper (--ring3-commit), since ring-0
 * instructions are emulated one by one on this platform (fact 6).  Also
 * correct on EPT/NPT (--platform shadow), where the re-writes are stores.
 */
#include <string.h>

#include "vmm.h"
#include "platform.h"
#include "../guest/trampoline.h"

#define USER_CS		0x33
#define USER_DS		0x2b

/*
 * A page-table entry's address as a stub writes it: through the direct map,
 * or through the commit context's alias of guest memory (vmm->in_cctx).
 */
static uint64_t commit_entry_va(struct vmm *vmm, const struct commit_entry *e)
{
	if (e->pte_gpa + 8 > vmm->mem_size || (e->pte_gpa & 7))
		die("MMU bug: commit entry at guest-physical %#llx",
		    (unsigned long long)e->pte_gpa);
	return (vmm->in_cctx ? CCTX_DIRECT_BASE : DIRECT_MAP_BASE) + e->pte_gpa;
}

/* runs of entries at consecutive addresses, the order kept */
static size_t count_runs(const struct commit_entry *e, size_t n)
{
	size_t runs = n ? 1 : 0, i;

	for (i = 1; i < n; i++)
		if (e[i].pte_gpa != e[i - 1].pte_gpa + 8)
			runs++;
	return runs;
}

/*
 * Fill the commit buffer from @e (@n entries left), at most @cap words,
 * and say how many entries went in (*taken).  Entries in runs of three or
 * more on average (fork, munmap, mprotect, mremap rewrite whole tables)
 * go as runs, each (address, count, values...): the stub writes a run with
 * one REP MOVSQ.  Otherwise as (address, value) pairs.  The log's order is
 * kept either way: an entry written twice in a batch ends with its last
 * value.  Returns the count for the stub: pairs in RCX or runs in RDX.
 */
static size_t fill_commit(struct vmm *vmm, const struct commit_entry *e, size_t n,
			  uint64_t *buf, size_t cap, bool *runs, size_t *taken)
{
	size_t i = 0, w = 0, nr = 0, len;

	*runs = vmm->in_cctx || (vmm->batch && n && n >= 3 * count_runs(e, n));
	if (!*runs) {
		for (; i < n && w + 2 <= cap; i++, nr++) {
			buf[w++] = commit_entry_va(vmm, &e[i]);
			buf[w++] = e[i].val;
		}
		*taken = i;
		return nr;
	}
	while (i < n && w + 3 <= cap) {
		buf[w++] = commit_entry_va(vmm, &e[i]);
		len = 0;
		buf[w++] = 0;
		do {
			buf[w + len] = e[i + len].val;
			len++;
		} while (i + len < n && w + len < cap &&
			 e[i + len].pte_gpa == e[i + len - 1].pte_gpa + 8);
		buf[w - 1] = len;
		w += len;
		i += len;
		nr++;
	}
	*taken = i;
	return nr;
}

/* the buffer's capacity in words, leaving room for the pages to invlpg */
static size_t commit_cap(struct vmm *vmm)
{
	/* --batch off: one entry per exit, whatever the buffer holds */
	return vmm->batch ? COMMIT_BUF_SIZE / 8 - COMMIT_FLUSH_CEILING : 2;
}

static void commit_continue(struct vmm *vmm);
static void shadow_teardown(struct vmm *vmm);

/*
 * The next part of @log, from *@next, into the buffer for the ring-0 stubs,
 * with their registers: RSI the buffer, RCX the pairs or RDX the runs
 * (*@runs says which).  *@next moves past what went in; returns the count.
 */
static size_t load_commit(struct vmm *vmm, struct commit_log *log, size_t *next, bool *runs)
{
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	size_t taken, count;

	count = fill_commit(vmm, log->ent + *next, log->nr - *next, kern_ptr(vmm, KERN_COMMIT),
			    commit_cap(vmm), runs, &taken);
	*next += taken;
	r->rsi = kern_va(vmm, KERN_COMMIT);
	r->rdx = *runs ? count : 0;
	r->rcx = *runs ? 0 : count;
	return count;
}

/* a commit this large goes to the ring-3 helper (--ring3-commit) */
#define COMMIT3_MIN	64

/*
 * --ring3-commit: the helper in the SYSCALL entry page writes the next part
 * of a large commit at CPL 3 with the commit context loaded; shadow-paging
 * KVM runs ring-3 code natively, ring-0 code one emulated instruction at a
 * time (platform note, fact 6).  The stores trap to KVM's write protection
 * of page tables exactly as ring-0 stores do.  When all entries are
 * written the program's CR3 comes back and the ring-0 commit stub, with no
 * entries left, does the invalidation: INVLPG and CR3 reloads need ring 0.
 */
static void commit3_continue(struct vmm *vmm)
{
	struct commit_log *log;
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	struct kvm_sregs *s = &vmm->run->s.regs.sregs;
	size_t *next, left, taken, count;
	bool runs;

	/* the current process's commit, or the clears of a dying mm */
	if (vmm->tearing_down) {
		log = &vmm->teardown_mm->log;
		next = &vmm->teardown_next;
	} else {
		log = &vmm->cur->mm->log;
		next = &vmm->cur->commit_next;
	}
	left = log->nr - *next;
	if (!left) {
		vmm->in_cctx = false;
		s->cr3 = vmm->cur->mm->pgd_pfn << PAGE_SHIFT;
		vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
		if (vmm->tearing_down)
			shadow_teardown(vmm);
		else
			commit_continue(vmm);
		return;
	}
	if (!vmm->in_cctx) {
		vmm->stats.commits3++;
		vmm->in_cctx = true;
		s->cr3 = vmm->cctx_cr3;
		cpu_user_segment(&s->cs, USER_CS);
		cpu_user_segment(&s->ss, USER_DS);
		vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
	}
	count = fill_commit(vmm, log->ent + *next, left, kern_ptr(vmm, KERN_COMMIT),
			    commit_cap(vmm), &runs, &taken);
	*next += taken;
	vmm->stats.commit_chunks += taken < left;
	r->rsi = CCTX_DIRECT_BASE + kern_phys(vmm, KERN_COMMIT);
	r->rdx = count;
	r->rip = SYSCALL_LSTAR + SYSCALL_OFF_COMMIT3;
	r->rflags = 0x2;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}

/* whether the next part of @log from @next goes to the ring-3 helper */
static bool commit3_wanted(struct vmm *vmm, struct commit_log *log, size_t next)
{
	return vmm->cctx_cr3 && vmm->batch && log->nr - next >= COMMIT3_MIN;
}

/* the helper's OUT, at CPL 3 in the commit context and nowhere else */
static bool from_commit3(struct vmm *vmm)
{
	uint64_t rip = vmm->run->s.regs.regs.rip;
	uint64_t out = SYSCALL_LSTAR + SYSCALL_COMMIT3_OUT;

	return vmm->in_cctx && vmm->run->s.regs.sregs.cr3 == vmm->cctx_cr3 &&
	       (rip == out || rip == out + 2);
}

/*
 * Hand the next part of the commit log to the guest.  The entries go to the
 * buffer (fill_commit()), the pages to invalidate after them.  A log larger
 * than the buffer goes in chunks, each reporting back.
 */
static void commit_continue(struct vmm *vmm)
{
	struct commit_log *log = &vmm->cur->mm->log;
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	uint64_t *buf = kern_ptr(vmm, KERN_COMMIT);
	uint64_t *data = kern_ptr(vmm, KERN_TRAMP + TRAMP_OFF_DATA);
	size_t left = log->nr - vmm->cur->commit_next, i, words, count;
	bool runs, flush = log->flush_all || vmm->flush_on_entry;

	if (commit3_wanted(vmm, log, vmm->cur->commit_next)) {
		commit3_continue(vmm);
		return;
	}
	if (left == 1 && !flush && log->nr_inval <= 1) {
		/* the stub for one entry: its address and value in registers */
		r->rdi = commit_entry_va(vmm, &log->ent[vmm->cur->commit_next]);
		r->rax = log->ent[vmm->cur->commit_next].val;
		r->rsi = log->nr_inval ? log->inval[0] : kern_va(vmm, KERN_TRAMP + TRAMP_OFF_DATA);
		commit_log_done_defer(vmm->cur->mm, vcpu_deferred());
		vmm->cur->commit_next = 0;
		enter_stub(vmm, TRAMP_OFF_COMMIT_ONE);
		return;
	}
	count = load_commit(vmm, log, &vmm->cur->commit_next, &runs);
	if (vmm->cur->commit_next < log->nr) {
		vmm->stats.commit_chunks++;
		enter_stub(vmm, runs ? TRAMP_OFF_CHUNK_RUNS : TRAMP_OFF_CHUNK);
		return;
	}
	/* where the entries end: the stub's RSI after them */
	words = runs ? 2 * count + left : 2 * count;
	if (flush) {
		data[TD_NR_INVAL / 8] = 0;
		data[TD_FLUSH / 8] = 1;
	} else {
		for (i = 0; i < log->nr_inval; i++)
			buf[words + i] = log->inval[i];
		data[TD_NR_INVAL / 8] = log->nr_inval;
		data[TD_FLUSH / 8] = 0;
	}
	commit_log_done_defer(vmm->cur->mm, vcpu_deferred());
	vmm->cur->commit_next = 0;
	vmm->flush_on_entry = false;
	enter_stub(vmm, runs && count ? TRAMP_OFF_COMMIT_RUNS : TRAMP_OFF_COMMIT);
}

/*
 * An address space that is going away was unmapped through its commit
 * log; the guest writes those clears (through the direct map, whatever CR3
 * is loaded) with the chunk stub before mm_destroy() frees the tables, so
 * no frame comes back as a page table with a stale shadow.  The current
 * process's registers wait in teardown_regs meanwhile.
 */
static void shadow_teardown(struct vmm *vmm)
{
	struct mm_struct *mm;
	struct commit_log *log;
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	bool runs;

	if (!vmm->tearing_down) {
		/* this vCPU's from now: other vCPUs tear down the others */
		vmm->teardown_mm = vmm->dead_mms[--vmm->nr_dead];
		vmm->tearing_down = true;
		vmm->teardown_next = 0;
		vmm->teardown_regs = *r;
		/* a vCPU still in the guest on it (a thread killed by exit_group) */
		tlb_shootdown(vmm, vmm->teardown_mm);
		r = &vmm->run->s.regs.regs;
	}
	mm = vmm->teardown_mm;
	log = &mm->log;
	if (commit3_wanted(vmm, log, vmm->teardown_next)) {
		commit3_continue(vmm);
		return;
	}
	if (vmm->teardown_next < log->nr) {
		load_commit(vmm, log, &vmm->teardown_next, &runs);
		enter_stub(vmm, runs ? TRAMP_OFF_CHUNK_RUNS : TRAMP_OFF_CHUNK);
		return;
	}
	commit_log_done(mm);
	mm_destroy(mm);
	vcpu_release_gathered(vmm);
	vmm->teardown_mm = NULL;
	vmm->tearing_down = false;
	*r = vmm->teardown_regs;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	return_to_user(vmm);
}

/*
 * The guest applied the whole commit: the other vCPUs of the mm drop what
 * they cache (the guest's stores are in the tables now, so their
 * invalidation sees them), the batch's frames go back, and the program
 * resumes, after one more flush if another vCPU asked for it meanwhile.
 */
static void commit_done(struct vmm *vmm)
{
	if (vmm->commit_mm) {
		tlb_shootdown(vmm, vmm->commit_mm);
		mm_commit_end(vmm);
	}
	vmm->run->s.regs.regs = vmm->user_regs;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	if (vmm->need_flush)
		return_to_user(vmm);
	else
		resume_user(vmm);
}

/*
 * Resume the program after its commit: the stubs clobber registers, so
 * they are kept in user_regs until commit_done().
 */
static void shadow_commit(struct vmm *vmm)
{
	struct commit_log *log = &vmm->cur->mm->log;

	if (log->nr || log->nr_inval || log->flush_all || log->nr_deferred || vcpu_gathered()) {
		mm_commit_begin(vmm, vmm->cur->mm);
	} else if (vmm->flush_on_entry && !log->nr_delayed) {
		/*
		 * Only this vCPU's translations to drop (another vCPU's
		 * shootdown, a new CR3): nothing to re-write, so nothing to
		 * report back.  A CR3 reload also makes shadow paging drop
		 * what it built from the old entries (SDM Vol. 3A, 4.10.4.1),
		 * and the re-writes were made by the vCPU that committed them.
		 */
		vmm->flush_on_entry = false;
		resume_inval_iret(vmm, NULL, 0, true);
		return;
	}
	vmm->user_regs = vmm->run->s.regs.regs;
	vmm->cur->commit_next = 0;
	commit_continue(vmm);
}

static bool shadow_hypercall(struct vmm *vmm, unsigned int port)
{
	switch (port) {
	case PORT_COMMIT_DONE:
		if (!in_trampoline(vmm))
			return false;
		commit_done(vmm);
		return true;
	case PORT_COMMIT3:
		if (!from_commit3(vmm))
			return false;
		commit3_continue(vmm);
		return true;
	case PORT_CHUNK:
		if (!from_trampoline(vmm, TRAMP_OFF_CHUNK_OUT) &&
		    !from_trampoline(vmm, TRAMP_OFF_CHUNK_RUNS_OUT))
			return false;
		if (vmm->tearing_down)
			shadow_teardown(vmm);
		else
			commit_continue(vmm);
		return true;
	}
	return false;
}

/* between the chunks of a long log, or inside the ring-3 helper */
static bool shadow_mid_commit(const struct vmm *vmm)
{
	const struct kvm_run *run = vmm->run;

	if (run->exit_reason == KVM_EXIT_IO)
		return run->io.port == PORT_CHUNK || run->io.port == PORT_COMMIT3;
	return run->exit_reason == KVM_EXIT_INTR && vmm->in_cctx;
}

const struct platform platform_shadow = {
	.name = "shadow",
	.commit = shadow_commit,
	.teardown = shadow_teardown,
	.hypercall = shadow_hypercall,
	.mid_commit = shadow_mid_commit,
};
