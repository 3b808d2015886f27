// SPDX-License-Identifier: GPL-2.0
/*
 * The run loop and trap dispatch, in one place: every KVM exit goes through
 * handle_exit()'s switch.  The guest's ring 0 only reports traps (an OUT
 * per vector from the trampoline); page faults go to the MMU, system calls
 * to the syscall table, other exceptions become signals.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <x86intrin.h>

#include "vmm.h"
#include "../guest/trampoline.h"

#define USER_CS		0x33
#define USER_DS		0x2b
#define X86_PF_PROT	(1 << 0)
#define X86_PF_WRITE	(1 << 1)
#define X86_PF_USER	(1 << 2)
#define X86_PF_INSTR	(1 << 4)
#define X86_PF_PK	(1 << 5)	/* SDM Vol. 3A, 4.7: a protection key refused it */
#define FAULT_LOOP_MAX	1000

/* the IRET frame sits at the top of the IST1 stack (SDM Vol. 3A, 6.14.4) */
struct iret_frame *trap_frame(struct vmm *vmm)
{
	return kern_ptr(vmm, KERN_IST1_TOP - sizeof(struct iret_frame));
}

static uint64_t trap_frame_va(struct vmm *vmm)
{
	return kern_va(vmm, KERN_IST1_TOP - sizeof(struct iret_frame));
}

static uint64_t tramp_va(struct vmm *vmm, uint64_t off)
{
	return kern_va(vmm, KERN_TRAMP + off);
}

/*
 * The current process dies of @signo at once (a fatal trap, an OOM kill);
 * the vCPU goes to whichever process runs next, never back to the stub
 * that reported the trap.
 */
void guest_kill(struct vmm *vmm, int signo)
{
	do_exit(vmm, vmm->cur, signo);
	return_to_user(vmm);
}

/*
 * Enter a trampoline stub with the IRET frame on the stack, IF=0, DF=0.
 * After a fast SYSCALL on shadow-paging KVM, or a direct return, the vCPU
 * is at CPL 3: load the kernel's CS and SS as well (preempt_user() does the
 * same).
 */
static void enter_stub(struct vmm *vmm, uint64_t off)
{
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	struct kvm_sregs *s = &vmm->run->s.regs.sregs;

	r->rip = tramp_va(vmm, off);
	r->rsp = trap_frame_va(vmm);
	r->rflags = 0x2;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	if (s->cs.selector & 3) {
		s->cs = vmm->kern_cs;
		s->ss = vmm->kern_ss;
		vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
	}
}

/*
 * What a direct return may load: 64-bit user code with a canonical RIP.
 * Anything else (a compat-mode frame, a sigreturn to a non-canonical
 * address) goes through IRET, which raises what the CPU raises.
 */
static bool user_frame_ok(const struct iret_frame *f)
{
	return f->cs == USER_CS && f->ss == USER_DS &&
	       (int64_t)(f->rip << 16) >> 16 == (int64_t)f->rip;
}

/*
 * --fast-exit: back to the program by loading its registers and its CS and
 * SS from the IRET frame, with no guest instruction in ring 0: on
 * shadow-paging KVM every ring-0 instruction is emulated (platform note,
 * fact 6).  Only when nothing is to be committed: the re-writes need ring 0.
 * Segments as the IRET would load them from the GDT (SDM Vol. 3A, 6.14.3).
 */
static void resume_direct(struct vmm *vmm)
{
	struct iret_frame *f = trap_frame(vmm);
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	struct kvm_sregs *s = &vmm->run->s.regs.sregs;

	r->rip = f->rip;
	r->rsp = f->rsp;
	r->rflags = f->rflags;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	vmm->stats.direct_returns++;
	if (s->cs.selector == f->cs && s->ss.selector == f->ss)
		return;
	cpu_user_segment(&s->cs, f->cs);
	cpu_user_segment(&s->ss, f->ss);
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
}

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
		log = &vmm->dead_mms[vmm->nr_dead - 1]->log;
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
			teardown_continue(vmm);
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
	r->rsi = CCTX_DIRECT_BASE + vmm->kern_gpa + KERN_COMMIT;
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
		commit_log_done(vmm->cur->mm);
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
	commit_log_done(vmm->cur->mm);
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
void teardown_continue(struct vmm *vmm)
{
	struct mm_struct *mm = vmm->dead_mms[vmm->nr_dead - 1];
	struct commit_log *log = &mm->log;
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	bool runs;

	if (!vmm->tearing_down) {
		vmm->tearing_down = true;
		vmm->teardown_next = 0;
		vmm->teardown_regs = *r;
	}
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
	vmm->nr_dead--;
	vmm->tearing_down = false;
	*r = vmm->teardown_regs;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	return_to_user(vmm);
}

/* a sleeper was woken: finish its call before any signal (process.c) */
static void retry_call(struct vmm *vmm)
{
	struct process *p = vmm->cur;

	p->sleeping_call = false;
	p->retrying = true;
	vmm->run->s.regs.regs.rax = p->sig.syscall_nr;
	syscall_dispatch(vmm);
	p->retrying = false;
}

/* signals, then the scheduler, until a process is ready for user mode */
static bool pick_user(struct vmm *vmm)
{
	for (;;) {
		struct process *p = vmm->cur;

		if (vmm->done)
			return false;
		if (p->state == P_RUNNING && p->sleeping_call)
			retry_call(vmm);
		if (p->state == P_RUNNING && !p->exited) {
			signal_deliver(vmm);
			if (vmm->done)
				return false;
			if (p->state == P_RUNNING && !p->exited && !vmm->need_resched)
				return true;
		}
		schedule(vmm);
		if (vmm->cur == p && p->state == P_RUNNING && !p->exited)
			return true;
	}
}

/* the registers are the program's and the frame holds RIP, RSP, RFLAGS */
static void resume_user(struct vmm *vmm)
{
	if (vmm->fast_exit && user_frame_ok(trap_frame(vmm)))
		resume_direct(vmm);
	else
		enter_stub(vmm, TRAMP_OFF_IRET);
}

/*
 * Resume the program from the frame in trap_frame(), running a signal
 * handler first if one is due (signal.c).  Pending page-table changes go
 * first: a commit stub applies them and reports back (commit_done()), and
 * the program resumes after that exit.
 */
void return_to_user(struct vmm *vmm)
{
	struct commit_log *log;
	struct kvm_regs *r = &vmm->run->s.regs.regs;

	if (!pick_user(vmm))
		return;
	if (vmm->nr_dead) {
		teardown_continue(vmm);
		return;
	}
	log = &vmm->cur->mm->log;
	if (!log->nr && !log->nr_inval && !log->flush_all && !vmm->flush_on_entry) {
		resume_user(vmm);
		return;
	}
	/* the stubs clobber registers: commit_done() puts them back */
	vmm->user_regs = *r;
	vmm->cur->commit_next = 0;
	commit_continue(vmm);
}

/* the guest applied the whole commit: back to the program it was for */
static void commit_done(struct vmm *vmm)
{
	vmm->run->s.regs.regs = vmm->user_regs;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	resume_user(vmm);
}

/* math_error(): the si_code of an x87 or SIMD exception from its status */
static int fpe_code(struct vmm *vmm, unsigned int vec)
{
	struct kvm_fpu fpu;
	unsigned int err;

	if (ioctl(vmm->vcpu_fd, KVM_GET_FPU, &fpu) < 0)
		return 0;
	if (vec == 19)
		err = ~(fpu.mxcsr >> 7) & fpu.mxcsr & 0x3f;
	else
		err = fpu.fsw & ~fpu.fcw & 0x3f;
	if (err & 0x01)
		return FPE_FLTINV;
	if (err & 0x04)
		return FPE_FLTDIV;
	if (err & 0x08)
		return FPE_FLTOVF;
	if (err & 0x12)
		return FPE_FLTUND;
	if (err & 0x20)
		return FPE_FLTRES;
	return 0;
}

/*
 * The signal a user-mode exception raises, as arch/x86/kernel/traps.c
 * sends it: faults with an address are force_sig_fault(), the rest
 * force_sig() with SI_KERNEL.
 */
static void exception_signal(struct vmm *vmm, unsigned int vec, uint64_t ec)
{
	uint64_t rip = trap_frame(vmm)->rip;

	switch (vec) {
	case 0:			/* #DE: do_error_trap(..., FPE_INTDIV, ip) */
		force_sig_fault(vmm, SIGFPE, FPE_INTDIV, rip, vec, ec);
		break;
	case 16:		/* #MF, #XM: math_error(); spurious without a cause */
	case 19:
		if (fpe_code(vmm, vec))
			force_sig_fault(vmm, SIGFPE, fpe_code(vmm, vec), rip, vec, ec);
		break;
	case 1:			/* #DB: single step */
		force_sig_fault(vmm, SIGTRAP, TRAP_TRACE, rip, vec, ec);
		break;
	case 3:			/* #BP: do_int3_user(), force_sig(SIGTRAP) */
		force_sig_kernel(vmm, SIGTRAP, vec, ec);
		break;
	case 6:			/* #UD: ILL_ILLOPN at ip */
		force_sig_fault(vmm, SIGILL, ILL_ILLOPN, rip, vec, ec);
		break;
	case 17:		/* #AC */
		force_sig_fault(vmm, SIGBUS, BUS_ADRALN, 0, vec, ec);
		break;
	case 11:		/* #NP, #SS */
	case 12:
		force_sig_kernel(vmm, SIGBUS, vec, ec);
		break;
	default:		/* #GP, ...: force_sig(SIGSEGV) */
		force_sig_kernel(vmm, SIGSEGV, vec, ec);
		break;
	}
}

static void fatal_kernel_trap(struct vmm *vmm, unsigned int vec, uint64_t ec)
{
	struct iret_frame *f = trap_frame(vmm);

	pr_err("monitor bug: exception %u (error code %#llx) in guest ring 0 at "
	       "rip %#llx, cr2 %#llx", vec, (unsigned long long)ec,
	       (unsigned long long)f->rip,
	       (unsigned long long)vmm->run->s.regs.sregs.cr2);
	diag_print_regs(vmm, stderr);
	guest_kill(vmm, SIGKILL);
}

/*
 * @entry_page: reported by the SYSCALL entry page's OUT, where RSP is still
 * the user's; otherwise by the #PF at LSTAR, whose frame holds it.
 */
static void handle_syscall(struct vmm *vmm, bool entry_page)
{
	struct iret_frame *f = trap_frame(vmm);
	struct kvm_regs *r = &vmm->run->s.regs.regs;

	if (entry_page)
		f->rsp = r->rsp;

	/*
	 * SYSCALL left the return address in RCX and RFLAGS in R11 (SDM
	 * Vol. 2B, SYSCALL); RSP is still the user's.  Return as SYSRET
	 * would, but never with IOPL, NT, RF or VM, and with IF set.
	 */
	f->rip = r->rcx;
	f->cs = USER_CS;
	f->rflags = (r->r11 & 0x3c0fd5) | 0x202;
	f->ss = USER_DS;
	vmm->stats.syscalls++;
	vmm->cur->sig.syscall_nr = (int64_t)r->rax;
	syscall_dispatch(vmm);
	return_to_user(vmm);
}

/*
 * The same fault resolved over and over without the program moving on is a
 * translation the guest never sees: report it rather than spin for ever.
 */
static bool fault_loops(struct vmm *vmm, uint64_t addr, uint64_t rip)
{
	if (addr == vmm->last_fault_addr && rip == vmm->last_fault_rip &&
	    vmm->stats.syscalls == vmm->last_fault_syscalls)
		return ++vmm->fault_repeats >= FAULT_LOOP_MAX;
	vmm->last_fault_addr = addr;
	vmm->last_fault_rip = rip;
	vmm->last_fault_syscalls = vmm->stats.syscalls;
	vmm->fault_repeats = 0;
	return false;
}

/* --stats: the host's share of a fault, in a log2 histogram per kind */
static void account_fault(struct vmm *vmm, enum fault_kind kind, uint64_t cycles)
{
	unsigned int b = cycles ? 63 - __builtin_clzll(cycles) : 0;

	if (kind >= NR_FAULT_KINDS)
		return;
	if (b >= FAULT_HIST_BUCKETS)
		b = FAULT_HIST_BUCKETS - 1;
	vmm->stats.fault_hist[kind][b]++;
	vmm->stats.fault_cycles[kind] += cycles;
}

static void handle_page_fault(struct vmm *vmm, uint64_t ec)
{
	struct iret_frame *f = trap_frame(vmm);
	uint64_t addr = vmm->run->s.regs.sregs.cr2;
	struct fault_result res = { 0 };
	unsigned int flags = 0;
	uint64_t t0;
	int ret;

	if ((f->cs & 3) != 3) {
		fatal_kernel_trap(vmm, 14, ec);
		return;
	}
	if (ec & X86_PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (ec & X86_PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;
	if (ec & X86_PF_USER)
		flags |= FAULT_FLAG_USER;
	if (ec & X86_PF_PK)
		flags |= FAULT_FLAG_PKEY;
	/* the MMU checks the program's PKRU on faults it resolves itself */
	if (vmm->has_pku)
		vmm->cur->mm->pkru = pkru_get(vmm);
	t0 = __rdtsc();
	ret = mm_fault(vmm->cur->mm, addr, flags, &res);
	account_fault(vmm, res.kind, __rdtsc() - t0);
	if (vmm->trace)
		fprintf(stderr, "[fault] %#llx %s%s rip=%#llx %s -> %s\n",
			(unsigned long long)addr,
			(flags & FAULT_FLAG_INSTRUCTION) ? "fetch" :
			(flags & FAULT_FLAG_WRITE) ? "write" : "read",
			(flags & FAULT_FLAG_USER) ? "" : " (kernel)",
			(unsigned long long)f->rip, fault_kind_name(res.kind),
			ret ? strsignal(res.signo) : "ok");
	if (!ret && !fault_loops(vmm, addr, f->rip)) {
		return_to_user(vmm);
		return;
	}
	if (!ret) {
		/* --inject spurious_fault can do this on purpose: say which it is */
		pr_err("%s: the fault at %#llx (rip %#llx) was resolved %d times "
		       "in a row but keeps coming back",
		       vmm->zone->inject[INJECT_SPURIOUS_FAULT].injected ?
		       "injected spurious faults" : "MMU bug", (unsigned long long)addr,
		       (unsigned long long)f->rip, FAULT_LOOP_MAX);
		diag_fault_report(vmm, SIGKILL, 0, addr, 14, ec);
		guest_kill(vmm, SIGKILL);
		return;
	}
	if (res.kind == FAULT_OOM || !res.signo || res.signo == SIGKILL) {
		/*
		 * Nothing left to reclaim: the OOM killer's victim is the
		 * process that cannot be served, as under Linux's
		 * pagefault_out_of_memory() when it is the largest.
		 */
		oom_kill_report(vmm->cur->mm, vmm->cur->pid, vmm->cur->comm);
		guest_kill(vmm, SIGKILL);
		return;
	}
	/* set_signal_archinfo(): the error code as the user sees it */
	ec |= X86_PF_USER;
	if (addr >= TASK_SIZE)
		ec |= X86_PF_PROT;
	if (res.si_code == SEGV_PKUERR)
		force_sig_pkuerr(vmm, addr, res.pkey, ec);
	else
		force_sig_fault(vmm, res.signo, res.si_code, addr, 14, ec);
	return_to_user(vmm);
}

static void handle_exception(struct vmm *vmm, unsigned int vec)
{
	struct iret_frame *f = trap_frame(vmm);
	uint64_t ec = 0;

	if (vmm->in_cctx)
		die("monitor bug: exception %u in the ring-3 commit helper at %#llx", vec,
		    (unsigned long long)f->rip);
	if (vec == 14 && f->rip == SYSCALL_LSTAR &&
	    vmm->run->s.regs.sregs.cr2 == SYSCALL_LSTAR) {
		handle_syscall(vmm, false);
		return;
	}
	vmm->stats.exceptions[vec]++;
	if (vec == 2 || vec == 8 || vec == 18) {
		/* on the IST2 stack: never expected from a user program */
		pr_err("monitor bug: exception %u", vec);
		diag_print_regs(vmm, stderr);
		guest_kill(vmm, SIGKILL);
		return;
	}
	if (vector_has_error_code(vec))
		ec = *(uint64_t *)kern_ptr(vmm, KERN_IST1_TOP - 48);
	if (vec == 14) {
		handle_page_fault(vmm, ec);
		return;
	}
	if ((f->cs & 3) != 3) {
		fatal_kernel_trap(vmm, vec, ec);
		return;
	}
	exception_signal(vmm, vec, ec);
	return_to_user(vmm);
}

/*
 * Is this exit the trampoline's OUT at @off, in ring 0?  KVM on VT-x/SVM
 * reports RIP at the OUT and skips it on the next KVM_RUN unless RIP was
 * changed (complete_fast_pio_out); the shadow-paging platform reports it
 * already skipped.  Both addresses are supervisor-only trampoline code.
 */
static bool from_trampoline(struct vmm *vmm, uint64_t off)
{
	struct kvm_run *run = vmm->run;
	uint64_t rip = run->s.regs.regs.rip, out = tramp_va(vmm, off);

	return (run->s.regs.sregs.cs.selector & 3) == 0 && (rip == out || rip == out + 2);
}

/*
 * The SYSCALL entry page's OUT: at CPL 0 on hardware-assisted KVM, at
 * CPL 3 on shadow-paging KVM.  Only that RIP counts; a program that jumps
 * there itself has made a system call, as it would on the shadow-paging
 * platform anyway, and on real hardware its OUT at CPL 3 raises #GP.
 */
static bool from_syscall_page(struct vmm *vmm)
{
	uint64_t rip = vmm->run->s.regs.regs.rip;

	return vmm->fast_exit &&
	       (rip == SYSCALL_LSTAR || rip == SYSCALL_LSTAR + SYSCALL_OUT_LEN);
}

/* an OUT from anywhere in the trampoline's code, in ring 0 */
static bool in_trampoline(struct vmm *vmm)
{
	struct kvm_run *run = vmm->run;
	uint64_t rip = run->s.regs.regs.rip;

	return (run->s.regs.sregs.cs.selector & 3) == 0 &&
	       rip >= tramp_va(vmm, 0) && rip < tramp_va(vmm, TRAMP_OFF_DATA);
}

/* the program's own IN/OUT: the #GP real hardware raises, where it happened */
static void user_io_fault(struct vmm *vmm)
{
	struct kvm_run *run = vmm->run;
	struct iret_frame *f = trap_frame(vmm);

	f->rip = run->s.regs.regs.rip;
	f->cs = run->s.regs.sregs.cs.selector;
	f->rflags = run->s.regs.regs.rflags;
	f->rsp = run->s.regs.regs.rsp;
	f->ss = run->s.regs.sregs.ss.selector;
	vmm->stats.exceptions[13]++;
	force_sig_kernel(vmm, SIGSEGV, 13, 0);
	return_to_user(vmm);
}

/*
 * IN/OUT from ring 3 are not refused on shadow-paging KVM (platform note,
 * fact 4), so a port alone proves nothing: a hypercall counts only when it
 * comes from the trampoline in ring 0.  Anything else is what real
 * hardware does without an I/O bitmap: #GP, SIGSEGV.
 */
static void handle_io(struct vmm *vmm)
{
	struct kvm_run *run = vmm->run;
	unsigned int port = run->io.port;

	if (port >= PORT_TRAP_BASE && port < PORT_TRAP_BASE + 32) {
		unsigned int vec = port - PORT_TRAP_BASE;

		if (from_trampoline(vmm, TRAMP_OFF_VEC + vec * TRAMP_VEC_STRIDE)) {
			vmm->stats.hypercalls++;
			handle_exception(vmm, vec);
			return;
		}
	} else if (port == PORT_COMMIT_DONE && in_trampoline(vmm)) {
		vmm->stats.hypercalls++;
		commit_done(vmm);
		return;
	} else if (port == PORT_COMMIT3 && from_commit3(vmm)) {
		vmm->stats.hypercalls++;
		commit3_continue(vmm);
		return;
	} else if (port == PORT_SYSCALL && from_syscall_page(vmm)) {
		handle_syscall(vmm, true);
		return;
	} else if (port == PORT_CHUNK && (from_trampoline(vmm, TRAMP_OFF_CHUNK_OUT) ||
					  from_trampoline(vmm, TRAMP_OFF_CHUNK_RUNS_OUT))) {
		vmm->stats.hypercalls++;
		if (vmm->tearing_down)
			teardown_continue(vmm);
		else
			commit_continue(vmm);
		return;
	}
	if ((run->s.regs.sregs.cs.selector & 3) == 0)
		die("monitor bug: unexpected port %#x from ring 0 at %#llx", port,
		    (unsigned long long)run->s.regs.regs.rip);
	user_io_fault(vmm);
}

static void handle_exit(struct vmm *vmm)
{
	struct kvm_run *run = vmm->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		handle_io(vmm);
		break;
	case KVM_EXIT_INTR:
		preempt_user(vmm);
		break;
	case KVM_EXIT_SHUTDOWN:
		pr_err("the guest shut down (triple fault) at rip %#llx",
		       (unsigned long long)run->s.regs.regs.rip);
		diag_print_regs(vmm, stderr);
		guest_kill(vmm, SIGKILL);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		pr_err("KVM could not enter the guest: hardware reason %#llx",
		       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		guest_kill(vmm, SIGKILL);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		pr_err("KVM internal error, suberror %u, at rip %#llx",
		       run->internal.suberror,
		       (unsigned long long)run->s.regs.regs.rip);
		diag_print_regs(vmm, stderr);
		guest_kill(vmm, SIGKILL);
		break;
	default:
		pr_err("unexpected KVM exit %u (%s) at rip %#llx", run->exit_reason,
		       kvm_exit_reason_name(run->exit_reason),
		       (unsigned long long)run->s.regs.regs.rip);
		diag_print_regs(vmm, stderr);
		guest_kill(vmm, SIGKILL);
		break;
	}
}

/*
 * --check: the MMU's invariants after every exit.  A failure is the
 * monitor's bug, not the guest's: say so and stop with EX_SOFTWARE.
 */
/*
 * An exit taken while the guest is part-way through a commit: between the
 * chunks of a long log, or an interrupt inside the commit stub.  Guest
 * memory then holds some re-writes of the batch and not yet the rest
 * (possibly older values of an entry than the host's), so the tables are
 * checked at the next exit instead.
 */
static bool exit_mid_commit(struct vmm *vmm)
{
	struct kvm_run *run = vmm->run;

	if (run->exit_reason == KVM_EXIT_IO)
		return run->io.port == PORT_CHUNK || run->io.port == PORT_COMMIT3;
	return run->exit_reason == KVM_EXIT_INTR &&
	       (!(run->s.regs.sregs.cs.selector & 3) || vmm->in_cctx);
}

static void check_mmu(struct vmm *vmm)
{
	struct mm_struct *mms[2 * MAX_PROCS];
	struct process *p;
	char err[256];
	int n = 0, i;

	if (vmm->done)
		return;
	for (p = vmm->procs; p; p = p->next) {
		if (!p->mm)
			continue;
		for (i = 0; i < n && mms[i] != p->mm; i++)
			;
		if (i == n)
			mms[n++] = p->mm;
	}
	for (i = 0; i < vmm->nr_dead; i++)
		mms[n++] = vmm->dead_mms[i];
	if (!validate_mms(mms, n, err, sizeof(err)))
		return;
	pr_err("MMU invariant broken after the exit at rip %#llx: %s",
	       (unsigned long long)vmm->run->s.regs.regs.rip, err);
	exit(70);
}

int vmm_run(struct vmm *vmm)
{
	bool mid;
	int ret;

	vmm->stats.start_tsc = __rdtsc();
	return_to_user(vmm);
	while (!vmm->done) {
		ret = kvm_run_once(vmm);
		if (ret) {
			pr_err("KVM_RUN: %s", strerror(-ret));
			vmm->exit_status = 128 + SIGKILL;
			break;
		}
		mid = exit_mid_commit(vmm);
		handle_exit(vmm);
		if (vmm->check && !mid)
			check_mmu(vmm);
	}
	vmm->stats.end_tsc = __rdtsc();
	return vmm->exit_status;
}

/*
 * The exit floor: a hypercall round trip from guest ring 0 to here and back,
 * timed on the host.  The monitor puts RIP back on the OUT each time, as a
 * trap's return would, so no other guest instruction runs.
 */
uint64_t bench_exit_floor(struct vmm *vmm, uint64_t n)
{
	struct kvm_regs saved = vmm->run->s.regs.regs;
	uint64_t i, t0, t1;

	if (!n)
		return 0;
	t0 = __rdtsc();
	for (i = 0; i < n; i++) {
		enter_stub(vmm, TRAMP_OFF_BENCH);
		if (kvm_run_once(vmm) || vmm->run->exit_reason != KVM_EXIT_IO ||
		    vmm->run->io.port != PORT_BENCH)
			die("exit floor: unexpected exit %u",
			    vmm->run->exit_reason);
	}
	t1 = __rdtsc();
	vmm->run->s.regs.regs = saved;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	return (t1 - t0) / n;
}

/*
 * The user-mode exit floor: the same round trip from ring 3, the OUT of the
 * SYSCALL entry page run at CPL 3 (the I/O bitmap lets ring 3 use that one
 * port).  It is what any exit from a program costs at least, a system call's
 * or a fault's; on shadow-paging KVM it is several times the ring-0 floor.
 * 0 without --fast-exit, which is what maps the page.
 */
uint64_t bench_user_exit_floor(struct vmm *vmm, uint64_t n)
{
	struct kvm_regs saved = vmm->run->s.regs.regs, *r = &vmm->run->s.regs.regs;
	struct kvm_sregs *s = &vmm->run->s.regs.sregs, saved_s = *s;
	uint64_t i, t0, t1;

	if (!n || !vmm->fast_exit)
		return 0;
	cpu_user_segment(&s->cs, USER_CS);
	cpu_user_segment(&s->ss, USER_DS);
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
	r->rflags = 0x2;
	t0 = __rdtsc();
	for (i = 0; i < n; i++) {
		r->rip = SYSCALL_LSTAR;
		vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
		if (kvm_run_once(vmm) || vmm->run->exit_reason != KVM_EXIT_IO ||
		    vmm->run->io.port != PORT_SYSCALL)
			die("user exit floor: unexpected exit %u",
			    vmm->run->exit_reason);
	}
	t1 = __rdtsc();
	*r = saved;
	*s = saved_s;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	return (t1 - t0) / n;
}
