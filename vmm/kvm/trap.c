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
#include "platform.h"
#include "../guest/trampoline.h"

#define USER_CS		0x33
#define USER_DS		0x2b
#define X86_PF_PROT	(1 << 0)
#define X86_PF_WRITE	(1 << 1)
#define X86_PF_USER	(1 << 2)
#define X86_PF_RSVD	(1 << 3)
#define X86_PF_INSTR	(1 << 4)
#define X86_PF_PK	(1 << 5)	/* SDM Vol. 3A, 4.7: a protection key refused it */
#define FAULT_LOOP_MAX	1000
#define X86_EFLAGS_DF	(1 << 10)
#define PTE_PRESENT	1ULL
#define PTE_PFN_MASK	0x000ffffffffff000ULL

/* the IRET frame sits at the top of the IST1 stack (SDM Vol. 3A, 6.14.4) */
struct iret_frame *trap_frame(struct vmm *vmm)
{
	return kern_ptr(vmm, KERN_IST1_TOP - sizeof(struct iret_frame));
}

uint64_t trap_frame_va(struct vmm *vmm)
{
	return kern_va(vmm, KERN_IST1_TOP - sizeof(struct iret_frame));
}

uint64_t tramp_va(struct vmm *vmm, uint64_t off)
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
void enter_stub_cpu(const struct vmm *vmm, int cpu, struct kvm_run *run, uint64_t off)
{
	struct kvm_regs *r = &run->s.regs.regs;
	struct kvm_sregs *s = &run->s.regs.sregs;

	r->rip = kern_va_cpu(vmm, cpu, KERN_TRAMP + off);
	r->rsp = kern_va_cpu(vmm, cpu, KERN_IST1_TOP - sizeof(struct iret_frame));
	r->rflags = 0x2;
	run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	if (s->cs.selector & 3) {
		s->cs = vmm->kern_cs;
		s->ss = vmm->kern_ss;
		run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
	}
}

void enter_stub(struct vmm *vmm, uint64_t off)
{
	enter_stub_cpu(vmm, vmm->cpu_index, vmm->run, off);
}

/*
 * What a direct return may load: 64-bit user code with a canonical RIP.
 * Anything else (a compat-mode frame, a sigreturn to a non-canonical
 * address) goes through IRET, which raises what the CPU raises.
 */
bool user_frame_ok(const struct iret_frame *f)
{
	return f->cs == USER_CS && f->ss == USER_DS &&
	       (int64_t)(f->rip << 16) >> 16 == (int64_t)f->rip;
}

/*
 * --fast-exit: back to the program by loading its registers and its CS and
 * SS from the IRET frame, with no guest instruction in ring 0: on
 * shadow-paging KVM every ring-0 instruction is emulated (platform note,
 * fact 6).  Only when nothing is to be committed: re-writes and
 * invalidations need ring 0.
 * Segments as the IRET would load them from the GDT (SDM Vol. 3A, 6.14.3).
 */
void load_user_frame(struct kvm_run *run, const struct iret_frame *f)
{
	struct kvm_regs *r = &run->s.regs.regs;
	struct kvm_sregs *s = &run->s.regs.sregs;

	r->rip = f->rip;
	r->rsp = f->rsp;
	r->rflags = f->rflags;
	run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	if (s->cs.selector == f->cs && s->ss.selector == f->ss)
		return;
	cpu_user_segment(&s->cs, f->cs);
	cpu_user_segment(&s->ss, f->ss);
	run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
}

static void resume_direct(struct vmm *vmm)
{
	vmm->stats.direct_returns++;
	load_user_frame(vmm->run, trap_frame(vmm));
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
		if (!p) {
			/* a new vCPU, or its process was reaped while it waited */
			if (!schedule(vmm))
				return false;
			continue;
		}
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
		/* woken at once (a deadline, its host fd): its call is retried first */
		if (vmm->cur == p && p->state == P_RUNNING && !p->exited && !p->sleeping_call)
			return true;
	}
}

/* the registers are the program's and the frame holds RIP, RSP, RFLAGS */
void resume_user(struct vmm *vmm)
{
	if (vmm->fast_exit && user_frame_ok(trap_frame(vmm)))
		resume_direct(vmm);
	else
		enter_stub(vmm, TRAMP_OFF_IRET);
}

/*
 * Resume the program from the frame in trap_frame(), running a signal
 * handler first if one is due (signal.c).  Pending page-table changes go
 * first, as the platform's commit protocol has it (platform.h): under
 * shadow paging a commit stub re-writes them and reports back, and the
 * program resumes after that exit; under nested paging a stub invalidates
 * and returns to the program itself.
 */
void return_to_user(struct vmm *vmm)
{
	struct commit_log *log;

	if (!pick_user(vmm))
		return;
	if (vmm->nr_dead && !vmm->tearing_down) {
		vmm->platform->teardown(vmm);
		return;
	}
	/* another vCPU changed tables this one may cache (smp.c) */
	if (vmm->need_flush) {
		vmm->need_flush = false;
		vmm->flush_on_entry = true;
	}
	log = &vmm->cur->mm->log;
	/* nothing of the mm's to shoot down: fork's children need not wait */
	if (!commit_log_pending(vmm->cur->mm) && !log->nr_deferred)
		fork_release(vmm, vmm->cur->mm);
	if (!commit_log_pending(vmm->cur->mm) && !vmm->flush_on_entry && !vcpu_gathered()) {
		resume_user(vmm);
		return;
	}
	vmm->platform->commit(vmm);
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
void account_fault(uint64_t (*hist)[FAULT_HIST_BUCKETS], uint64_t *total,
		   enum fault_kind kind, uint64_t cycles)
{
	unsigned int b = cycles ? 63 - __builtin_clzll(cycles) : 0;

	if (kind >= NR_FAULT_KINDS)
		return;
	if (b >= FAULT_HIST_BUCKETS)
		b = FAULT_HIST_BUCKETS - 1;
	hist[kind][b]++;
	total[kind] += cycles;
}

/* the MMU's fault flags for a #PF error code (SDM Vol. 3A, 4.7) */
unsigned int pf_fault_flags(uint64_t ec)
{
	unsigned int flags = 0;

	if (ec & X86_PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (ec & X86_PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;
	if (ec & X86_PF_USER)
		flags |= FAULT_FLAG_USER;
	if (ec & X86_PF_PK)
		flags |= FAULT_FLAG_PKEY;
	return flags;
}

/*
 * Is the instruction at @rip an IN, OUT, INS or OUTS (prefixes, one REX,
 * then E4-E7, EC-EF or 6C-6F)?  Where the I/O bitmap opens a port, the
 * string forms reach memory, and may fault there, before anything else;
 * for Linux's programs the #GP of the permission check comes first.
 */
static bool is_io_insn(struct vmm *vmm, uint64_t rip)
{
	uint8_t b[15];
	size_t n = peek_user(vmm, rip, b, sizeof(b), true), i;

	for (i = 0; i < n && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf0 || b[i] == 0xf2 ||
			      b[i] == 0xf3 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e ||
			      b[i] == 0x26 || b[i] == 0x64 || b[i] == 0x65); i++)
		;
	if (i < n && (b[i] & 0xf0) == 0x40)
		i++;
	return i < n && ((b[i] >= 0xe4 && b[i] <= 0xe7) || (b[i] >= 0xec && b[i] <= 0xef) ||
			 (b[i] >= 0x6c && b[i] <= 0x6f));
}

static void handle_page_fault(struct vmm *vmm, uint64_t ec)
{
	struct iret_frame *f = trap_frame(vmm);
	uint64_t addr = vmm->run->s.regs.sregs.cr2;
	struct fault_result res = { 0 };
	unsigned int flags;
	uint64_t t0;
	int ret;

	if ((f->cs & 3) != 3) {
		fatal_kernel_trap(vmm, 14, ec);
		return;
	}
	/*
	 * No table of the monitor's has a reserved bit set (--check validates
	 * the user half, the kernel half is built once), so the walk the
	 * program's access made cannot have met one.  Shadow-paging KVM
	 * sometimes says it did anyway: a read of 0xffff800000001000, where
	 * nothing is mapped, came back with X86_PF_RSVD in about half the runs
	 * (test_escape_mem).  The program sees the fault of its own tables.
	 */
	ec &= ~(uint64_t)X86_PF_RSVD;
	flags = pf_fault_flags(ec);
	/* the MMU checks the program's PKRU on faults it resolves itself */
	if (vmm->has_pku)
		vmm->cur->mm->pkru = pkru_get(vmm);
	t0 = __rdtsc();
	ret = mm_fault(vmm->cur->mm, addr, flags, &res);
	account_fault(vmm->stats.fault_hist, vmm->stats.fault_cycles, res.kind, __rdtsc() - t0);
	if (vmm->trace)
		fprintf(vmm->trace_out, "[fault] %#llx %s%s rip=%#llx %s -> %s\n",
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
	if (is_io_insn(vmm, f->rip)) {
		vmm->stats.exceptions[13]++;
		force_sig_kernel(vmm, SIGSEGV, 13, 0);
		return_to_user(vmm);
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
bool from_trampoline_cpu(const struct vmm *vmm, int cpu, const struct kvm_run *run,
			 uint64_t off)
{
	uint64_t rip = run->s.regs.regs.rip, out = kern_va_cpu(vmm, cpu, KERN_TRAMP + off);

	return (run->s.regs.sregs.cs.selector & 3) == 0 && (rip == out || rip == out + 2);
}

bool from_trampoline(struct vmm *vmm, uint64_t off)
{
	return from_trampoline_cpu(vmm, vmm->cpu_index, vmm->run, off);
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
bool in_trampoline(struct vmm *vmm)
{
	struct kvm_run *run = vmm->run;
	uint64_t rip = run->s.regs.regs.rip;

	return (run->s.regs.sregs.cs.selector & 3) == 0 &&
	       rip >= tramp_va(vmm, 0) && rip < tramp_va(vmm, TRAMP_OFF_DATA);
}

/* an IN, OUT, INS or OUTS as decoded from guest memory */
struct io_insn {
	unsigned int len;
	bool string, rep;
};

/*
 * Is the instruction at @rip an IN/OUT of this exit (@port, the direction
 * and size KVM reported), ending exactly at @end if @end is not 0?  Legacy
 * prefixes, one REX, then the opcode (SDM Vol. 2, "IN", "OUT", "INS",
 * "OUTS"): E4-E7 take an imm8 port, EC-EF and 6C-6F the port in DX.
 */
static bool decode_io(struct vmm *vmm, uint64_t rip, uint64_t end, uint64_t rdx,
		      struct io_insn *io)
{
	const struct kvm_run *run = vmm->run;
	unsigned int i = 0, size;
	bool opsize = false, in;
	uint8_t b[15], op;
	size_t n = peek_user(vmm, rip, b, end && end - rip < sizeof(b) ? end - rip : sizeof(b),
			     true);

	*io = (struct io_insn){ 0 };
	for (; i < n; i++) {
		if (b[i] == 0x66)
			opsize = true;
		else if (b[i] == 0xf3 || b[i] == 0xf2)
			io->rep = true;
		else if (b[i] != 0x67 && b[i] != 0xf0 && b[i] != 0x2e && b[i] != 0x36 &&
			 b[i] != 0x3e && b[i] != 0x26 && b[i] != 0x64 && b[i] != 0x65)
			break;
	}
	if (i < n && (b[i] & 0xf0) == 0x40)
		i++;
	if (i >= n)
		return false;
	op = b[i++];
	if (op >= 0xe4 && op <= 0xe7) {
		if (i >= n || b[i++] != run->io.port)
			return false;
	} else if ((op >= 0xec && op <= 0xef) || (op >= 0x6c && op <= 0x6f)) {
		if ((rdx & 0xffff) != run->io.port)
			return false;
		io->string = op < 0x70;
	} else {
		return false;
	}
	size = (op & 1) ? (opsize ? 2 : 4) : 1;
	in = !(op & 2);
	if (size != run->io.size || in != (run->io.direction == KVM_EXIT_IO_IN))
		return false;
	if (end && rip + i != end)
		return false;
	io->len = i;
	return true;
}

/*
 * Where the program's OUT starts.  KVM on VT-x/SVM reports a plain OUT
 * with RIP on it; the shadow-paging platform emulates it and reports RIP
 * past it (the start-up probe measures which, facts.io3_rip_after), and
 * any KVM emulates OUTS, writing back RSI, RCX and RIP (past it, or on it
 * while a REP has more to do).  Past it: the shortest OUT of this port and
 * size that ends at RIP.  The registers the string form advanced are put
 * back (@r), as the #GP Linux gets comes before any of it.
 */
static uint64_t out_insn_start(struct vmm *vmm, struct kvm_regs *r)
{
	const struct kvm_run *run = vmm->run;
	struct io_insn io;
	uint64_t start = r->rip, step = (uint64_t)run->io.size * run->io.count;
	unsigned int len;

	if (!decode_io(vmm, r->rip, 0, r->rdx, &io) ||
	    (io.string ? !(io.rep && r->rcx) : vmm->facts.io3_rip_after)) {
		for (len = 1; len <= 15; len++)
			if (decode_io(vmm, r->rip - len, r->rip, r->rdx, &io))
				break;
		if (len > 15)
			return r->rip;
		start = r->rip - len;
	}
	if (io.string) {
		r->rsi += (r->rflags & X86_EFLAGS_DF) ? step : -step;
		if (io.rep)
			r->rcx += run->io.count;
	}
	return start;
}

/*
 * An IN is not over at the exit: KVM completes it on the next KVM_RUN,
 * writing the data to RAX or, for INS, to memory at the RDI it decoded,
 * and RIP past it, whatever the monitor loaded meanwhile (the program's
 * signal handler, or a commit stub at CPL 0 that may write the direct
 * map).  So complete it now, with KVM_RUN's immediate_exit (KVM API,
 * "kvm_run": pending operations complete, no instruction runs), at CPL 3 in
 * the probe's address space, whose user half maps nothing: an INS write
 * faults there and the fault is dropped; then the registers of the exit
 * come back.
 */
static void io_cancel_in(struct vmm *vmm)
{
	struct kvm_run *run = vmm->run;
	struct kvm_regs regs = run->s.regs.regs;
	uint64_t cr3 = run->s.regs.sregs.cr3, len = (uint64_t)run->io.size * run->io.count;
	struct kvm_vcpu_events ev;
	int i;

	if (run->io.data_offset < vmm->run_size)
		memset((uint8_t *)run + run->io.data_offset, 0,
		       len < vmm->run_size - run->io.data_offset ?
		       len : vmm->run_size - run->io.data_offset);
	run->s.regs.sregs.cr3 = vmm->probe.cr3;
	run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
	run->immediate_exit = 1;
	/* a REP INS may ask for more data before it faults: a few rounds */
	for (i = 0; i < 8; i++) {
		if (ioctl(vmm->vcpu_fd, KVM_RUN, 0) < 0 || run->exit_reason != KVM_EXIT_IO ||
		    run->io.direction != KVM_EXIT_IO_IN)
			break;
		run->kvm_dirty_regs = 0;
	}
	run->immediate_exit = 0;
	if (ioctl(vmm->vcpu_fd, KVM_GET_VCPU_EVENTS, &ev) == 0 && ev.exception.injected) {
		ev.exception.injected = 0;
		ev.exception.pending = 0;
		ev.flags &= ~(KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SIPI_VECTOR |
			      KVM_VCPUEVENT_VALID_SMM);
		if (ioctl(vmm->vcpu_fd, KVM_SET_VCPU_EVENTS, &ev))
			die("cannot drop the fault of a cancelled IN: %s", strerror(errno));
	}
	run->s.regs.regs = regs;
	run->s.regs.sregs.cr3 = cr3;
	run->kvm_dirty_regs |= KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
}

/*
 * The program's own IN/OUT: the #GP Linux's programs get (IOPL 0, no I/O
 * bitmap), at the instruction, with the registers and memory as before it.
 */
static void user_io_fault(struct vmm *vmm)
{
	struct kvm_run *run = vmm->run;
	struct iret_frame *f = trap_frame(vmm);
	struct kvm_regs *r = &run->s.regs.regs;

	if (run->io.direction == KVM_EXIT_IO_IN) {
		io_cancel_in(vmm);
	} else {
		r->rip = out_insn_start(vmm, r);
		run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	}
	f->rip = r->rip;
	f->cs = run->s.regs.sregs.cs.selector;
	f->rflags = r->rflags;
	f->rsp = r->rsp;
	f->ss = run->s.regs.sregs.ss.selector;
	vmm->stats.exceptions[13]++;
	force_sig_kernel(vmm, SIGSEGV, 13, 0);
	return_to_user(vmm);
}

/*
 * IN/OUT from ring 3 may reach the monitor: the ports the I/O bitmap opens
 * do on hardware, and on some shadow-paging KVMs every port did (platform
 * note, fact 4; the start-up probe says what this one does, --stats).  So a
 * port alone proves nothing: a hypercall counts only when it comes from the
 * trampoline's RIPs.  Anything else is what real hardware does for a port
 * the bitmap refuses: #GP, SIGSEGV.
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
	} else if (port == PORT_SYSCALL && from_syscall_page(vmm)) {
		handle_syscall(vmm, true);
		return;
	} else if (vmm->platform->hypercall(vmm, port)) {
		vmm->stats.hypercalls++;
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

	if (vmm->platform->mid_commit(vmm))
		return true;
	return run->exit_reason == KVM_EXIT_INTR && !(run->s.regs.sregs.cs.selector & 3);
}

static void check_mmu(struct vmm *vmm)
{
	struct mm_struct *mms[2 * MAX_PROCS + MAX_VCPUS];
	struct process *p;
	char err[256];
	int n = 0, i;

	if (vmm->done)
		return;
	if (!smp_stop_world(vmm))
		goto out;
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
	/* the dead ones being torn down */
	for (i = 0; i < vmm->nr_vcpus; i++) {
		struct mm_struct *mm = vmm->cpus[i] == this_vcpu() ? vmm->teardown_mm :
				       vmm->cpus[i]->teardown_mm;

		if (mm)
			mms[n++] = mm;
	}
	if (!validate_mms(mms, n, err, sizeof(err)))
		goto out;
	pr_err("MMU invariant broken after the exit at rip %#llx: %s",
	       (unsigned long long)vmm->run->s.regs.regs.rip, err);
	exit(70);
out:
	smp_start_world(vmm);
}

/*
 * A vCPU's life: run the guest, handle the exit, again.  Before the exit
 * is handled, another vCPU's batch for the same mm must be in (smp.c).
 */
void vcpu_loop(struct vmm *vmm)
{
	bool mid, intr;
	int ret;

	return_to_user(vmm);
	smp_balance(vmm);
	while (!vmm->done) {
		ret = kvm_run_once(vmm);
		if (ret) {
			pr_err("KVM_RUN: %s", strerror(-ret));
			vmm->exit_status = 128 + SIGKILL;
			vmm->done = true;
			break;
		}
		mm_wait_commit(vmm);
		mid = exit_mid_commit(vmm);
		/*
		 * Not after an interrupted KVM_RUN: a check stops the other
		 * vCPUs with a kick, which is such an exit, so checking then
		 * would have two vCPUs stop each other for ever.  The next
		 * exit of this vCPU checks what it did.
		 */
		intr = vmm->run->exit_reason == KVM_EXIT_INTR;
		handle_exit(vmm);
		if (vmm->check && !mid && !intr)
			check_mmu(vmm);
		smp_balance(vmm);
	}
	smp_wake_all(vmm);
}

int vmm_run(struct vmm *vmm)
{
	vmm->stats.start_tsc = __rdtsc();
	vcpu_loop(vmm);
	smp_exit(vmm);
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

	if (!n || !vmm->fast_exit ||
	    (vmm->facts.io3_refused && !vmm->facts.io3_bitmap))
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
