// SPDX-License-Identifier: GPL-2.0
/*
 * Signals, as Linux delivers them to a single-threaded x86-64 process:
 * queueing and blocking (kernel/signal.c), default actions (signal(7)),
 * and the rt_sigframe a handler runs on (arch/x86/kernel/signal.c,
 * signal_64.c, fpu/signal.c).  Delivery happens where Linux does it, on the
 * way back to user mode: return_to_user() calls signal_deliver() before it
 * enters the trampoline.
 *
 * The user state at that point is the vCPU's general registers (the
 * trampoline clobbers none of them) plus the IRET frame: RIP, CS, RFLAGS,
 * RSP and SS.  FPU and SSE/AVX state comes from KVM_GET_XSAVE.
 */
#include <cpuid.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"

#define USER_CS		0x33
#define USER_DS		0x2b

#define SIG_KERNEL_ONLY	(SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
/* kernel/signal.c: SYNCHRONOUS_MASK, dequeued first */
#define SYNCHRONOUS_MASK (SIG_BIT(SIGSEGV) | SIG_BIT(SIGBUS) | SIG_BIT(SIGILL) | \
			  SIG_BIT(SIGTRAP) | SIG_BIT(SIGFPE) | SIG_BIT(SIGSYS))

#define K_SIGRTMIN	32
#define K_SA_RESTORER	0x04000000UL
#define K_SA_EXPOSE_TAGBITS 0x00000800UL
/* include/linux/signal_types.h: UAPI_SA_FLAGS */
#define UAPI_SA_FLAGS	(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | \
			 SA_RESTART | SA_NODEFER | SA_RESETHAND | \
			 K_SA_EXPOSE_TAGBITS | K_SA_RESTORER)

#define K_SS_AUTODISARM	(1U << 31)
#define K_MINSIGSTKSZ	2048

/* include/linux/errno.h: never seen by user space */
#define ERESTARTSYS		512
#define ERESTARTNOINTR		513
#define ERESTARTNOHAND		514
#define ERESTART_RESTARTBLOCK	516

/* arch/x86/include/uapi/asm/ucontext.h */
#define UC_FP_XSTATE		0x1
#define UC_SIGCONTEXT_SS	0x2
#define UC_STRICT_RESTORE_SS	0x4

#define X86_EFLAGS_CF	0x00000001
#define X86_EFLAGS_PF	0x00000004
#define X86_EFLAGS_AF	0x00000010
#define X86_EFLAGS_ZF	0x00000040
#define X86_EFLAGS_SF	0x00000080
#define X86_EFLAGS_TF	0x00000100
#define X86_EFLAGS_DF	0x00000400
#define X86_EFLAGS_OF	0x00000800
#define X86_EFLAGS_RF	0x00010000
#define X86_EFLAGS_AC	0x00040000
/* arch/x86/kernel/signal_64.c: what sigreturn may change */
#define FIX_EFLAGS	(X86_EFLAGS_AC | X86_EFLAGS_OF | X86_EFLAGS_DF | X86_EFLAGS_TF | \
			 X86_EFLAGS_SF | X86_EFLAGS_ZF | X86_EFLAGS_AF | X86_EFLAGS_PF | \
			 X86_EFLAGS_CF | X86_EFLAGS_RF)

/* arch/x86/include/uapi/asm/sigcontext.h */
#define FP_XSTATE_MAGIC1	0x46505853U
#define FP_XSTATE_MAGIC2	0x46505845U
#define FXSAVE_SIZE		512
#define XSAVE_HDR_OFF		512
#define XSAVE_HDR_SIZE		64
#define FX_SW_OFF		464	/* struct _fpx_sw_bytes in the fxsave area */
#define FX_MXCSR_OFF		24
#define XFEATURE_MASK_FPSSE	3ULL
#define XFEATURE_PKRU		9

/* the frame, byte for byte as arch/x86/include/asm/sigframe.h lays it out */
struct k_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct k_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

struct k_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct k_stack uc_stack;
	struct k_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct k_siginfo {
	int32_t si_signo, si_errno, si_code, pad;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
		} kill;
		uint64_t addr;
		uint8_t bytes[112];
	};
};

struct fpx_sw_bytes {
	uint32_t magic1, extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size;
	uint32_t padding[7];
};

struct rt_sigframe {
	uint64_t pretcode;
	struct k_ucontext uc;
	struct k_siginfo info;
};

_Static_assert(sizeof(struct k_sigcontext) == 256, "sigcontext_64");
_Static_assert(sizeof(struct k_ucontext) == 304, "ucontext");
_Static_assert(sizeof(struct k_siginfo) == 128, "siginfo");
_Static_assert(sizeof(struct fpx_sw_bytes) == 48, "_fpx_sw_bytes");
_Static_assert(offsetof(struct rt_sigframe, info) == 312, "rt_sigframe");

/* ---- FPU state (arch/x86/kernel/fpu/signal.c) ---- */

/* XSAVE standard-format size for @xcr0 (Intel SDM Vol. 1, 13.4.3) */
static uint32_t xstate_size_of(uint64_t xcr0)
{
	unsigned int a, b, c, d, i;
	uint32_t size = XSAVE_HDR_OFF + XSAVE_HDR_SIZE;

	for (i = 2; i < 64; i++) {
		if (!(xcr0 & (1ULL << i)))
			continue;
		__cpuid_count(0xd, i, a, b, c, d);
		if (b + a > size)
			size = b + a;
	}
	return size;
}

/* MXCSR_MASK as FXSAVE reports it (Intel SDM Vol. 1, 11.6.6) */
static uint32_t host_mxcsr_mask(void)
{
	uint8_t fx[FXSAVE_SIZE] __attribute__((aligned(16)));
	uint32_t mask;

	asm volatile("fxsave %0" : "=m"(fx));
	memcpy(&mask, fx + FX_MXCSR_OFF + 4, 4);
	return mask ? mask : 0xffbf;
}

void signal_init(struct vmm *vmm)
{
	struct sigstate *s = &vmm->cur->sig;
	struct kvm_xsave xs;
	struct kvm_xcrs xcrs = { 0 };

	s->ss_flags = SS_DISABLE;
	s->syscall_nr = -1;
	s->mxcsr_mask = host_mxcsr_mask();
	if (ioctl(vmm->vcpu_fd, KVM_GET_XSAVE, &xs) < 0 ||
	    ioctl(vmm->vcpu_fd, KVM_GET_XCRS, &xcrs) < 0 || !xcrs.nr_xcrs)
		return;
	s->use_xsave = true;
	s->xfeatures = xcrs.xcrs[0].value;
	s->xstate_size = xstate_size_of(s->xfeatures);
	if (s->xstate_size + 4 > sizeof(xs.region)) {
		s->use_xsave = false;
		return;
	}
}

/* bytes the frame's fpstate takes: fpu__alloc_mathframe() */
static uint32_t fpstate_size(struct vmm *vmm)
{
	return vmm->cur->sig.use_xsave ? vmm->cur->sig.xstate_size + 4 : FXSAVE_SIZE;
}

/* kvm_fpu <-> the FXSAVE image (Intel SDM Vol. 2A, FXSAVE, Table 3-53) */
static void fpu_to_fxsave(const struct kvm_fpu *f, uint8_t *fx)
{
	memset(fx, 0, FXSAVE_SIZE);
	memcpy(fx + 0, &f->fcw, 2);
	memcpy(fx + 2, &f->fsw, 2);
	fx[4] = f->ftwx;
	memcpy(fx + 6, &f->last_opcode, 2);
	memcpy(fx + 8, &f->last_ip, 8);
	memcpy(fx + 16, &f->last_dp, 8);
	memcpy(fx + 24, &f->mxcsr, 4);
	memcpy(fx + 32, f->fpr, 128);
	memcpy(fx + 160, f->xmm, 256);
}

static void fxsave_to_fpu(const uint8_t *fx, struct kvm_fpu *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(&f->fcw, fx + 0, 2);
	memcpy(&f->fsw, fx + 2, 2);
	f->ftwx = fx[4];
	memcpy(&f->last_opcode, fx + 6, 2);
	memcpy(&f->last_ip, fx + 8, 8);
	memcpy(&f->last_dp, fx + 16, 8);
	memcpy(&f->mxcsr, fx + 24, 4);
	memcpy(f->fpr, fx + 32, 128);
	memcpy(f->xmm, fx + 160, 256);
}

/* the guest's FPU state as copy_fpstate_to_sigframe() writes it */
static int fpu_save(struct vmm *vmm, uint8_t *buf)
{
	struct sigstate *s = &vmm->cur->sig;
	struct fpx_sw_bytes sw = { 0 };
	struct kvm_xsave xs;
	struct kvm_fpu fpu;
	uint64_t bv;
	uint32_t magic2 = FP_XSTATE_MAGIC2;

	if (!s->use_xsave) {
		if (ioctl(vmm->vcpu_fd, KVM_GET_FPU, &fpu) < 0)
			return -1;
		fpu_to_fxsave(&fpu, buf);
		return 0;
	}
	if (ioctl(vmm->vcpu_fd, KVM_GET_XSAVE, &xs) < 0)
		return -1;
	memcpy(buf, xs.region, s->xstate_size);
	/* save_xstate_epilog(): the software bytes, MAGIC2, FP|SSE in use */
	sw.magic1 = FP_XSTATE_MAGIC1;
	sw.extended_size = s->xstate_size + 4;
	sw.xfeatures = s->xfeatures;
	sw.xstate_size = s->xstate_size;
	memcpy(buf + FX_SW_OFF, &sw, sizeof(sw));
	memcpy(buf + s->xstate_size, &magic2, 4);
	memcpy(&bv, buf + XSAVE_HDR_OFF, 8);
	bv |= XFEATURE_MASK_FPSSE;
	memcpy(buf + XSAVE_HDR_OFF, &bv, 8);
	return 0;
}

/* PKRU's offset in the XSAVE standard format (SDM Vol. 1, 13.4.3); 0 without keys */
static uint32_t pkru_offset(struct vmm *vmm)
{
	uint32_t a, off, c, d;

	if (!vmm->has_pku)
		return 0;
	__cpuid_count(0xd, XFEATURE_PKRU, a, off, c, d);
	if (off + sizeof(uint32_t) > sizeof(((struct kvm_xsave *)0)->region))
		return 0;
	return off;
}

/*
 * An image without PKRU in XSTATE_BV would load PKRU's init value, 0: every
 * key open.  Linux's init_fpstate holds init_pkru_value instead, so a
 * handler, an exec and a sigreturn whose frame dropped PKRU get that
 * (fpu__clear_user_states(), the PKRU in init_fpstate).
 */
static void pkru_default(struct vmm *vmm, uint8_t *region, uint64_t *bv)
{
	uint32_t off = pkru_offset(vmm), pkru = INIT_PKRU_VALUE;

	if (!off || (*bv & (1ULL << XFEATURE_PKRU)))
		return;
	memcpy(region + off, &pkru, sizeof(pkru));
	*bv |= 1ULL << XFEATURE_PKRU;
}

/*
 * The program's PKRU, for the MMU's model of it (mm->pkru): WRPKRU runs at
 * CPL 3 without an exit, so the register is read where the MMU needs it.
 */
uint32_t pkru_get(struct vmm *vmm)
{
	return pkru_get_fd(vmm, vmm->vcpu_fd);
}

/* ... of the vCPU whose fd is @vcpu_fd (a fault served without the lock) */
uint32_t pkru_get_fd(struct vmm *vmm, int vcpu_fd)
{
	uint32_t off = pkru_offset(vmm), pkru = 0;
	struct kvm_xsave xs;
	uint64_t bv;

	if (!off || ioctl(vcpu_fd, KVM_GET_XSAVE, &xs) < 0)
		return 0;
	memcpy(&bv, (uint8_t *)xs.region + XSAVE_HDR_OFF, 8);
	if (bv & (1ULL << XFEATURE_PKRU))
		memcpy(&pkru, (uint8_t *)xs.region + off, sizeof(pkru));
	return pkru;
}

/* where Linux writes the thread's PKRU (the execute-only key, pkey_alloc) */
void pkru_set(struct vmm *vmm, uint32_t pkru)
{
	uint32_t off = pkru_offset(vmm);
	struct kvm_xsave xs;
	uint64_t bv;

	if (!off || ioctl(vmm->vcpu_fd, KVM_GET_XSAVE, &xs) < 0)
		return;
	memcpy(&bv, (uint8_t *)xs.region + XSAVE_HDR_OFF, 8);
	bv |= 1ULL << XFEATURE_PKRU;
	memcpy((uint8_t *)xs.region + XSAVE_HDR_OFF, &bv, 8);
	memcpy((uint8_t *)xs.region + off, &pkru, sizeof(pkru));
	if (ioctl(vmm->vcpu_fd, KVM_SET_XSAVE, &xs) < 0)
		pr_err("KVM_SET_XSAVE (PKRU): %s", strerror(errno));
}

/*
 * Load @buf (an FXSAVE image, or an XSAVE one when @xsave) into the vCPU.
 * KVM refuses what XRSTOR would fault on (reserved MXCSR bits, a bad
 * header): that is a bad frame, as in __fpu_restore_sig().
 */
static int fpu_load(struct vmm *vmm, const uint8_t *buf, bool xsave, uint64_t features)
{
	struct sigstate *s = &vmm->cur->sig;
	struct kvm_xsave xs;
	struct kvm_fpu fpu;
	uint64_t bv = XFEATURE_MASK_FPSSE;

	if (!s->use_xsave) {
		fxsave_to_fpu(buf, &fpu);
		return ioctl(vmm->vcpu_fd, KVM_SET_FPU, &fpu) < 0 ? -1 : 0;
	}
	memset(&xs, 0, sizeof(xs));
	memcpy(xs.region, buf, xsave ? s->xstate_size : FXSAVE_SIZE);
	memset((uint8_t *)xs.region + FX_SW_OFF, 0, sizeof(struct fpx_sw_bytes));
	if (xsave) {
		memcpy(&bv, buf + XSAVE_HDR_OFF, 8);
		bv &= features & s->xfeatures;
	}
	pkru_default(vmm, (uint8_t *)xs.region, &bv);
	memcpy((uint8_t *)xs.region + XSAVE_HDR_OFF, &bv, 8);
	return ioctl(vmm->vcpu_fd, KVM_SET_XSAVE, &xs) < 0 ? -1 : 0;
}

/* fpu__clear_user_states(): the handler starts with the init state */
void fpu_reset(struct vmm *vmm)
{
	uint8_t fx[FXSAVE_SIZE] = { 0 };
	uint16_t fcw = 0x37f;
	uint32_t mxcsr = 0x1f80;

	memcpy(fx, &fcw, 2);
	memcpy(fx + FX_MXCSR_OFF, &mxcsr, 4);
	memcpy(fx + FX_MXCSR_OFF + 4, &vmm->cur->sig.mxcsr_mask, 4);
	fpu_load(vmm, fx, false, 0);
}

/* ---- queueing (kernel/signal.c) ---- */

static bool sig_valid(int sig)
{
	return sig >= 1 && sig < NR_SIGNALS;
}

enum sig_dfl { DFL_TERM, DFL_CORE, DFL_IGN, DFL_STOP, DFL_CONT };

/* signal(7), "Standard signals" */
static enum sig_dfl sig_default(int sig)
{
	switch (sig) {
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
	case SIGFPE: case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return DFL_CORE;
	case SIGCHLD: case SIGURG: case SIGWINCH:
		return DFL_IGN;
	case SIGCONT:
		return DFL_CONT;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return DFL_STOP;
	default:
		return DFL_TERM;
	}
}

/* sig_handler_ignored() */
static bool sig_handler_ignored(struct sigstate *s, int sig)
{
	uint64_t h = s->action[sig].handler;

	if (sig == SIGKILL || sig == SIGSTOP)
		return false;
	return h == (uint64_t)SIG_IGN ||
	       (h == (uint64_t)SIG_DFL &&
		(sig_default(sig) == DFL_IGN || sig_default(sig) == DFL_CONT));
}

static void queue_drop(struct sigstate *s, int i)
{
	memmove(&s->queue[i], &s->queue[i + 1], (s->nr_queued - i - 1) * sizeof(s->queue[0]));
	s->nr_queued--;
}

static void flush_mask(struct sigstate *s, uint64_t mask);

/*
 * The thread group's shared pending set and its queued entries live in the
 * leader's sigstate (Linux: signal_struct's shared_pending): the leader
 * stays, a zombie if need be, until the group is empty.
 */
static struct sigstate *group_sig(struct process *p)
{
	return &p->group_leader->sig;
}

/* flush_sigqueue_mask() on the process and each of its threads */
static void flush_group(struct vmm *vmm, struct process *p, uint64_t mask)
{
	struct process *t;

	for (t = vmm->procs; t; t = t->next)
		if (t->group_leader == p->group_leader)
			flush_mask(&t->sig, mask);
}

/* forget every queued @sig, the process's and its threads' */
static void flush_signal(struct vmm *vmm, int sig)
{
	flush_group(vmm, vmm->cur, SIG_BIT(sig));
}

static uint64_t *pending_set(struct sigstate *s, bool shared)
{
	return shared ? &s->shared_pending : &s->pending;
}

/*
 * __send_signal_locked(): an ignored, unblocked signal is dropped; a
 * standard signal already pending is not queued twice (legacy_queue()).
 * kill() targets the process (shared_pending), tkill() and traps the
 * thread (pending); the thread's own signals are dequeued first.
 */
static int __send_signal(struct process *p, const struct ksiginfo *info, bool from_user)
{
	struct sigstate *s = info->shared ? group_sig(p) : &p->sig;
	uint64_t *pending = pending_set(s, info->shared);
	int sig = info->signo;

	if (!(p->sig.blocked & SIG_BIT(sig)) && sig_handler_ignored(&p->sig, sig))
		return 0;
	if (sig < K_SIGRTMIN && (*pending & SIG_BIT(sig)))
		return 0;
	if (s->nr_queued == SIGQUEUE_MAX) {
		/* out of sigqueue entries: RT signals from kill() fail */
		if (sig >= K_SIGRTMIN && from_user)
			return -EAGAIN;
		*pending |= SIG_BIT(sig);
		return 0;
	}
	s->queue[s->nr_queued++] = *info;
	*pending |= SIG_BIT(sig);
	return 0;
}

static int send_signal(struct vmm *vmm, const struct ksiginfo *info, bool from_user)
{
	return __send_signal(vmm->cur, info, from_user);
}

#define SIG_STOP_MASK	(SIG_BIT(SIGSTOP) | SIG_BIT(SIGTSTP) | SIG_BIT(SIGTTIN) | \
			 SIG_BIT(SIGTTOU))

/* forget every queued signal of @mask in @s */
static void flush_mask(struct sigstate *s, uint64_t mask)
{
	int i;

	for (i = s->nr_queued - 1; i >= 0; i--)
		if (SIG_BIT(s->queue[i].signo) & mask)
			queue_drop(s, i);
	s->pending &= ~mask;
	s->shared_pending &= ~mask;
}

/*
 * prepare_signal(): a stop signal cancels a pending SIGCONT; SIGCONT
 * cancels pending stops and resumes a stopped process, whether it is
 * then blocked, ignored or handled; SIGKILL wakes a stopped one to die.
 */
static void prepare_signal(struct vmm *vmm, struct process *p, int sig)
{
	struct process *t;

	if (SIG_BIT(sig) & SIG_STOP_MASK) {
		flush_group(vmm, p, SIG_BIT(SIGCONT));
	} else if (sig == SIGCONT) {
		flush_group(vmm, p, SIG_STOP_MASK);
		process_continue(vmm, p);
	} else if (sig == SIGKILL) {
		for (t = vmm->procs; t; t = t->next)
			if (t->group_leader == p->group_leader && t->state == P_STOPPED)
				t->state = P_RUNNING;
	}
}

/* signal_wake_up(): @t notices the signal, sleeping or running elsewhere */
static void signal_wake_up(struct vmm *vmm, struct process *t, int sig)
{
	if (t->state == P_VFORK && sig == SIGKILL)
		t->state = P_SLEEPING;	/* a killable wait: only SIGKILL ends it */
	if (t->state == P_SLEEPING)
		process_wake(vmm, t);
	task_kick(vmm, t);
}

/* wants_signal() */
static bool wants_signal(int sig, struct process *t)
{
	if ((t->sig.blocked & SIG_BIT(sig)) || t->exited)
		return false;
	return sig == SIGKILL || t->state != P_STOPPED;
}

/*
 * complete_signal(): a signal to the process goes to @p if it takes it,
 * else to any thread that does not block it; blocked by all, it waits
 * in the shared set for the first that unblocks it.
 */
static void complete_signal(struct vmm *vmm, struct process *p, int sig)
{
	struct process *t = p;

	if (!wants_signal(sig, p)) {
		for (t = vmm->procs; t; t = t->next)
			if (t->group_leader == p->group_leader && wants_signal(sig, t))
				break;
	}
	if (t)
		signal_wake_up(vmm, t, sig);
}

/* a signal to another task (or this one): it wakes the sleeper */
int send_signal_to(struct vmm *vmm, struct process *p, const struct ksiginfo *info)
{
	int ret;

	if (p->exited && !(info->shared && p->group_leader->nr_threads))
		return 0;
	prepare_signal(vmm, p, info->signo);
	ret = __send_signal(p, info, true);
	if (info->shared)
		complete_signal(vmm, p, info->signo);
	else
		signal_wake_up(vmm, p, info->signo);
	return ret;
}

bool signal_pending(struct process *p)
{
	return ((p->sig.pending | group_sig(p)->shared_pending) & ~p->sig.blocked) != 0;
}

/* ---- CLONE_SIGHAND: the handlers, refcounted ---- */

int sighand_init(struct process *p)
{
	p->sighand = calloc(1, sizeof(*p->sighand));
	if (!p->sighand)
		return -ENOMEM;
	p->sighand->count = 1;
	p->sig.action = p->sighand->action;
	return 0;
}

/* copy_sighand(): shared with CLONE_SIGHAND, else a copy */
int sighand_fork(struct process *c, struct process *p, bool share)
{
	if (share) {
		c->sighand = p->sighand;
		c->sighand->count++;
		c->sig.action = c->sighand->action;
		return 0;
	}
	if (sighand_init(c))
		return -ENOMEM;
	memcpy(c->sighand->action, p->sighand->action, sizeof(c->sighand->action));
	return 0;
}

void sighand_put(struct process *p)
{
	if (p->sighand && !--p->sighand->count)
		free(p->sighand);
	p->sighand = NULL;
	p->sig.action = NULL;
}

/* unshare_sighand() at exec: a sighand shared with another process is copied */
static void sighand_unshare(struct process *p)
{
	struct sighand *old = p->sighand;

	if (old->count == 1 || sighand_init(p)) {
		p->sighand = old;
		p->sig.action = old->action;
		return;
	}
	memcpy(p->sighand->action, old->action, sizeof(old->action));
	old->count--;
}

/* do_notify_parent(): SIG_IGN or SA_NOCLDWAIT on SIGCHLD reaps at once */
bool sigchld_autoreap(struct process *parent)
{
	const struct guest_sigaction *ka = &parent->sig.action[SIGCHLD];

	return ka->handler == (uint64_t)SIG_IGN || (ka->flags & SA_NOCLDWAIT);
}

/* clone3()'s CLONE_CLEAR_SIGHAND: handlers back to SIG_DFL, SIG_IGN stays */
void signal_clear_handlers(struct process *p)
{
	int i;

	for (i = 1; i < NR_SIGNALS; i++) {
		if (p->sig.action[i].handler == (uint64_t)SIG_IGN)
			continue;
		p->sig.action[i].handler = (uint64_t)SIG_DFL;
		p->sig.action[i].flags = 0;
		p->sig.action[i].mask = 0;
		p->sig.action[i].restorer = 0;
	}
}

/* flush_signal_handlers() and the altstack reset of exec */
void signal_exec(struct process *p)
{
	struct sigstate *s = &p->sig;
	int i;

	sighand_unshare(p);
	for (i = 1; i < NR_SIGNALS; i++) {
		if (s->action[i].handler != (uint64_t)SIG_IGN)
			s->action[i].handler = (uint64_t)SIG_DFL;
		s->action[i].flags = 0;
		s->action[i].mask = 0;
		s->action[i].restorer = 0;
	}
	s->ss_sp = s->ss_size = 0;
	s->ss_flags = SS_DISABLE;
	s->restore_mask = false;
}

/*
 * force_sig_info_to_task(): a signal the program cannot refuse.  Blocked or
 * ignored, it is unblocked and its action reset to the default, so a
 * synchronous fault with nowhere to go kills the program.
 */
static void force_sig_info(struct vmm *vmm, const struct ksiginfo *info)
{
	struct sigstate *s = &vmm->cur->sig;
	int sig = info->signo;

	if ((s->blocked & SIG_BIT(sig)) ||
	    s->action[sig].handler == (uint64_t)SIG_IGN) {
		s->action[sig].handler = (uint64_t)SIG_DFL;
		s->blocked &= ~SIG_BIT(sig);
	}
	send_signal(vmm, info, false);
}

/*
 * force_sig_fault(): a trap in user mode.  The trap number, error code and
 * (for #PF) address also go to thread_struct, whence the next sigcontext
 * takes them, as Linux's do_trap()/set_signal_archinfo() do.
 */
void force_sig_fault(struct vmm *vmm, int sig, int code, uint64_t addr,
		     int trapno, uint64_t err)
{
	struct ksiginfo info = {
		.signo = sig, .code = code, .addr = addr,
		.trapno = trapno, .err = err,
	};

	if (trapno >= 0) {
		vmm->cur->sig.trap_nr = trapno;
		vmm->cur->sig.error_code = err;
		if (trapno == 14)
			vmm->cur->sig.cr2 = addr;
	}
	force_sig_info(vmm, &info);
}

/* a data access a protection key refused: SEGV_PKUERR with si_pkey */
void force_sig_pkuerr(struct vmm *vmm, uint64_t addr, int pkey, uint64_t err)
{
	struct ksiginfo info = {
		.signo = SIGSEGV, .code = SEGV_PKUERR, .addr = addr, .pkey = pkey,
		.trapno = 14, .err = err,
	};

	vmm->cur->sig.trap_nr = 14;
	vmm->cur->sig.error_code = err;
	vmm->cur->sig.cr2 = addr;
	force_sig_info(vmm, &info);
}

/* force_sig(): SEND_SIG_PRIV, si_code SI_KERNEL and no address */
void force_sig_kernel(struct vmm *vmm, int sig, int trapno, uint64_t err)
{
	struct ksiginfo info = {
		.signo = sig, .code = SI_KERNEL, .trapno = trapno, .err = err,
	};

	if (trapno >= 0) {
		vmm->cur->sig.trap_nr = trapno;
		vmm->cur->sig.error_code = err;
	}
	force_sig_info(vmm, &info);
}

/* __dequeue_signal() from one of the two sets: next_signal(), collect_signal() */
static int dequeue_from(struct vmm *vmm, bool shared, uint64_t mask, struct ksiginfo *info)
{
	struct sigstate *s = shared ? group_sig(vmm->cur) : &vmm->cur->sig;
	uint64_t *pending = pending_set(s, shared), ready = *pending & mask;
	int sig, i;

	if (!ready)
		return 0;
	if (ready & SYNCHRONOUS_MASK)
		ready &= SYNCHRONOUS_MASK;
	sig = __builtin_ctzll(ready) + 1;
	memset(info, 0, sizeof(*info));
	info->signo = sig;
	info->code = SI_USER;
	info->trapno = -1;
	for (i = 0; i < s->nr_queued; i++) {
		if (s->queue[i].signo == sig && s->queue[i].shared == shared) {
			*info = s->queue[i];
			queue_drop(s, i);
			break;
		}
	}
	for (i = 0; i < s->nr_queued; i++)
		if (s->queue[i].signo == sig && s->queue[i].shared == shared)
			return sig;
	*pending &= ~SIG_BIT(sig);
	return sig;
}

/* dequeue_signal(): the thread's first, synchronous ones first, then lowest */
static int dequeue_signal(struct vmm *vmm, uint64_t mask, struct ksiginfo *info)
{
	int sig = dequeue_from(vmm, false, mask, info);

	return sig ? sig : dequeue_from(vmm, true, mask, info);
}

static bool signal_ready(struct vmm *vmm)
{
	return signal_pending(vmm->cur);
}

/* ---- the alternate stack (kernel/signal.c: do_sigaltstack) ---- */

/* on_sig_stack() */
static bool on_sig_stack(struct sigstate *s, uint64_t sp)
{
	if (s->ss_flags & K_SS_AUTODISARM)
		return false;
	return sp > s->ss_sp && sp - s->ss_sp <= s->ss_size;
}

/* sas_ss_flags() */
static uint32_t sas_ss_flags(struct sigstate *s, uint64_t sp)
{
	if (!s->ss_size)
		return SS_DISABLE;
	return on_sig_stack(s, sp) ? SS_ONSTACK : 0;
}

static int do_sigaltstack(struct vmm *vmm, const struct k_stack *ss, struct k_stack *oss,
			  uint64_t sp)
{
	struct sigstate *s = &vmm->cur->sig;
	uint32_t mode;

	if (oss) {
		memset(oss, 0, sizeof(*oss));
		oss->ss_sp = s->ss_sp;
		oss->ss_size = s->ss_size;
		oss->ss_flags = sas_ss_flags(s, sp) | (s->ss_flags & K_SS_AUTODISARM);
	}
	if (!ss)
		return 0;
	if (on_sig_stack(s, sp))
		return -EPERM;
	mode = (uint32_t)ss->ss_flags & ~K_SS_AUTODISARM;
	if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		s->ss_sp = 0;
		s->ss_size = 0;
	} else {
		if (ss->ss_size < K_MINSIGSTKSZ)
			return -ENOMEM;
		s->ss_sp = ss->ss_sp;
		s->ss_size = ss->ss_size;
	}
	s->ss_flags = (uint32_t)ss->ss_flags;
	return 0;
}

long sys_sigaltstack(struct vmm *vmm, const uint64_t *a)
{
	struct k_stack ss, oss;
	long ret;

	if (a[0] && copy_from_user(vmm, &ss, a[0], sizeof(ss)))
		return -EFAULT;
	ret = do_sigaltstack(vmm, a[0] ? &ss : NULL, a[1] ? &oss : NULL,
			     trap_frame(vmm)->rsp);
	if (!ret && a[1] && copy_to_user(vmm, a[1], &oss, sizeof(oss)))
		return -EFAULT;
	return ret;
}

/* ---- building the frame (arch/x86/kernel/signal.c, signal_64.c) ---- */

/* get_sigframe(): where the frame and its FPU state go; 0 if nowhere */
static uint64_t get_sigframe(struct vmm *vmm, const struct guest_sigaction *ka,
			     uint64_t *fp_addr)
{
	struct sigstate *s = &vmm->cur->sig;
	uint64_t sp = trap_frame(vmm)->rsp;
	bool nested = sas_ss_flags(s, sp) & SS_ONSTACK, entering = false;

	sp -= 128;		/* the red zone */
	if ((ka->flags & SA_ONSTACK) && sas_ss_flags(s, sp) == 0) {
		sp = s->ss_sp + s->ss_size;
		entering = true;
	}
	sp = (sp - fpstate_size(vmm)) & ~63ULL;
	*fp_addr = sp;
	/* align_sigframe(): (sp + 8) % 16 == 0 at handler entry */
	sp = ((sp - sizeof(struct rt_sigframe)) & ~15ULL) - 8;
	if ((nested || entering) && !(sp > s->ss_sp && sp - s->ss_sp <= s->ss_size))
		return 0;	/* overflowed the alternate stack */
	if (sp >= TASK_SIZE || *fp_addr >= TASK_SIZE)
		return 0;
	return sp;
}

static void fill_siginfo(struct k_siginfo *ki, const struct ksiginfo *info)
{
	memset(ki, 0, sizeof(*ki));
	ki->si_signo = info->signo;
	ki->si_code = info->code;
	if (info->signo == SIGCHLD && info->code > 0) {
		/* __sifields._sigchld: pid, uid, status, utime, stime */
		ki->kill.pid = info->pid;
		ki->kill.uid = info->uid;
		memcpy(ki->bytes + 8, &info->status, 4);
	} else if (info->code == SI_USER || info->code == SI_TKILL) {
		ki->kill.pid = info->pid;
		ki->kill.uid = info->uid;
	} else if (info->code > 0 && info->code != SI_KERNEL) {
		ki->addr = info->addr;	/* a fault: si_addr */
		/* _sigfault._addr_pkey._pkey, after si_addr and an 8-byte pad */
		if (info->signo == SIGSEGV && info->code == SEGV_PKUERR)
			memcpy(ki->bytes + 16, &info->pkey, 4);
	}
}

/* sigmask_to_save() */
static uint64_t sigmask_to_save(struct sigstate *s)
{
	return s->restore_mask ? s->saved_mask : s->blocked;
}

static void fill_sigcontext(struct vmm *vmm, struct k_sigcontext *sc, uint64_t fp_addr)
{
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	struct iret_frame *f = trap_frame(vmm);
	struct sigstate *s = &vmm->cur->sig;

	memset(sc, 0, sizeof(*sc));
	sc->r8 = r->r8; sc->r9 = r->r9; sc->r10 = r->r10; sc->r11 = r->r11;
	sc->r12 = r->r12; sc->r13 = r->r13; sc->r14 = r->r14; sc->r15 = r->r15;
	sc->rdi = r->rdi; sc->rsi = r->rsi; sc->rbp = r->rbp; sc->rbx = r->rbx;
	sc->rdx = r->rdx; sc->rax = r->rax; sc->rcx = r->rcx;
	sc->rsp = f->rsp;
	sc->rip = f->rip;
	sc->eflags = f->rflags;
	sc->cs = (uint16_t)f->cs;
	sc->ss = (uint16_t)f->ss;
	sc->err = s->error_code;
	sc->trapno = s->trap_nr;
	sc->oldmask = sigmask_to_save(s);
	sc->cr2 = s->cr2;
	sc->fpstate = fp_addr;
}

/* x64_setup_rt_frame() */
static int setup_rt_frame(struct vmm *vmm, const struct ksiginfo *info,
			  const struct guest_sigaction *ka)
{
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	struct iret_frame *f = trap_frame(vmm);
	struct sigstate *s = &vmm->cur->sig;
	uint8_t fpbuf[sizeof(((struct kvm_xsave *)0)->region)];
	struct rt_sigframe frame;
	uint64_t addr, fp_addr;

	if (!(ka->flags & K_SA_RESTORER))
		return -EFAULT;	/* "x86-64 should always use SA_RESTORER" */
	addr = get_sigframe(vmm, ka, &fp_addr);
	if (!addr || fpu_save(vmm, fpbuf) ||
	    copy_to_user(vmm, fp_addr, fpbuf, fpstate_size(vmm)))
		return -EFAULT;
	memset(&frame, 0, sizeof(frame));
	frame.pretcode = ka->restorer;
	frame.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS |
			    (s->use_xsave ? UC_FP_XSTATE : 0);
	frame.uc.uc_stack.ss_sp = s->ss_sp;
	frame.uc.uc_stack.ss_flags = s->ss_flags;	/* __save_altstack() */
	frame.uc.uc_stack.ss_size = s->ss_size;
	fill_sigcontext(vmm, &frame.uc.uc_mcontext, fp_addr);
	frame.uc.uc_sigmask = sigmask_to_save(s);
	if (copy_to_user(vmm, addr, &frame, offsetof(struct rt_sigframe, info)))
		return -EFAULT;
	if (ka->flags & SA_SIGINFO) {
		fill_siginfo(&frame.info, info);
		if (copy_to_user(vmm, addr + offsetof(struct rt_sigframe, info),
				 &frame.info, sizeof(frame.info)))
			return -EFAULT;
	}
	/* unsafe_save_altstack(): SS_AUTODISARM hands the stack over */
	if (s->ss_flags & K_SS_AUTODISARM) {
		s->ss_sp = s->ss_size = 0;
		s->ss_flags = SS_DISABLE;
	}
	r->rdi = info->signo;
	r->rax = 0;
	r->rsi = addr + offsetof(struct rt_sigframe, info);
	r->rdx = addr + offsetof(struct rt_sigframe, uc);
	f->rip = ka->handler;
	f->rsp = addr;
	f->cs = USER_CS;
	f->ss = USER_DS;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	return 0;
}

/* the system call interrupted by a handler: handle_signal() */
static void syscall_restart_handler(struct vmm *vmm, const struct guest_sigaction *ka)
{
	struct kvm_regs *r = &vmm->run->s.regs.regs;

	if (vmm->cur->sig.syscall_nr < 0)
		return;
	switch ((long)r->rax) {
	case -ERESTART_RESTARTBLOCK:
	case -ERESTARTNOHAND:
		r->rax = -EINTR;
		break;
	case -ERESTARTSYS:
		if (!(ka->flags & SA_RESTART)) {
			r->rax = -EINTR;
			break;
		}
		/* fall through */
	case -ERESTARTNOINTR:
		r->rax = vmm->cur->sig.syscall_nr;
		trap_frame(vmm)->rip -= 2;	/* back onto the SYSCALL */
		break;
	}
	vmm->cur->sig.syscall_nr = -1;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}

/* no handler ran: arch_do_signal_or_restart()'s restart */
static void syscall_restart_plain(struct vmm *vmm)
{
	struct kvm_regs *r = &vmm->run->s.regs.regs;

	if (vmm->cur->sig.syscall_nr < 0)
		return;
	switch ((long)r->rax) {
	case -ERESTARTNOHAND:
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
		r->rax = vmm->cur->sig.syscall_nr;
		trap_frame(vmm)->rip -= 2;
		break;
	case -ERESTART_RESTARTBLOCK:
		r->rax = -EINTR;	/* no restart_syscall(): the caller sees EINTR */
		break;
	}
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}

static void sigsegv_forced(struct vmm *vmm, int sig)
{
	/* force_sigsegv(): a SIGSEGV that cannot be delivered is fatal */
	if (sig == SIGSEGV)
		vmm->cur->sig.action[SIGSEGV].handler = (uint64_t)SIG_DFL;
	force_sig_kernel(vmm, SIGSEGV, -1, 0);
}

/* handle_signal() and signal_setup_done() */
/*
 * sig_prepare_pkru(): the frame is written (and read back by sigreturn)
 * with every protection key open, whichever key guards the stack or the
 * alternate stack; the program's PKRU itself goes into the frame's XSAVE
 * area and comes back from it.
 */
static int frame_access(struct vmm *vmm,
			int (*fn)(struct vmm *, const struct ksiginfo *, const struct guest_sigaction *),
			const struct ksiginfo *info, const struct guest_sigaction *ka)
{
	struct mm_struct *mm = vmm->cur->mm;
	uint32_t pkru = mm->pkru;
	int ret;

	mm->pkru = 0;
	ret = fn(vmm, info, ka);
	mm->pkru = pkru;
	return ret;
}

static void handle_signal(struct vmm *vmm, const struct ksiginfo *info,
			  const struct guest_sigaction *ka)
{
	struct sigstate *s = &vmm->cur->sig;
	struct iret_frame *f = trap_frame(vmm);

	syscall_restart_handler(vmm, ka);
	if (frame_access(vmm, setup_rt_frame, info, ka)) {
		if (vmm->trace)
			fprintf(vmm->trace_out, "[signal] cannot build the frame for %s: SIGSEGV\n",
				sigabbrev_np(info->signo) ? sigabbrev_np(info->signo) : "?");
		sigsegv_forced(vmm, info->signo);
		return;
	}
	f->rflags &= ~(X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_TF);
	fpu_reset(vmm);
	s->restore_mask = false;
	s->blocked |= ka->mask;
	if (!(ka->flags & SA_NODEFER))
		s->blocked |= SIG_BIT(info->signo);
	s->blocked &= ~SIG_KERNEL_ONLY;
}

/* the default action that ends the program: do_coredump()/do_group_exit() */
static void signal_fatal(struct vmm *vmm, const struct ksiginfo *info)
{
	int sig = info->signo;
	char why[128];

	if (sig_default(sig) == DFL_CORE && info->trapno >= 0) {
		diag_fault_report(vmm, sig, info->code, info->addr, info->trapno, info->err);
	} else if (sig_default(sig) == DFL_CORE) {
		snprintf(why, sizeof(why), "%s", info->code == SI_USER ? "sent by kill()" :
			 info->code == SI_TKILL ? "sent by tkill()/raise()" :
			 "forced: its handler could not be run");
		diag_signal_report(vmm, sig, why);
	} else if (vmm->trace) {
		fprintf(vmm->trace_out, "vmm: program killed by %s\n",
			sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
	}
	do_group_exit(vmm, sig);
}

/* do_signal_stop(): the monitor stops with its program */
static void signal_stop(struct vmm *vmm)
{
	kill(getpid(), SIGSTOP);
}

/*
 * get_signal() + arch_do_signal_or_restart(), on the way back to user mode.
 * Each handler gets a frame on top of the previous one, as Linux's exit
 * loop does when several signals are ready.
 */
void signal_deliver(struct vmm *vmm)
{
	struct sigstate *s = &vmm->cur->sig;
	struct process *leader = vmm->cur->group_leader;
	struct ksiginfo info;
	bool delivered = false;
	int sig;

	/* get_signal(): the group is dying (exit_group, a fatal signal, execve) */
	if (leader->group_exit ||
	    (leader->group_exec_task && leader->group_exec_task != vmm->cur)) {
		if (leader->group_exit)
			do_exit(vmm, vmm->cur, leader->group_exit_code);
		else
			do_exit(vmm, vmm->cur, SIGKILL);
		return;
	}
	while (!vmm->cur->exited && (sig = dequeue_signal(vmm, ~s->blocked, &info))) {
		struct guest_sigaction *ka = &s->action[sig], act;

		if (vmm->trace)
			trace_signal(vmm, &info);
		if (ka->handler == (uint64_t)SIG_IGN)
			continue;
		if (ka->handler != (uint64_t)SIG_DFL) {
			act = *ka;
			if (act.flags & SA_RESETHAND)
				ka->handler = (uint64_t)SIG_DFL;
			handle_signal(vmm, &info, &act);
			delivered = true;
			continue;
		}
		switch (sig_default(sig)) {
		case DFL_IGN:
		case DFL_CONT:
			continue;
		case DFL_STOP:
			/* the terminal's stops mean nothing to an orphaned group */
			if (sig != SIGSTOP && pgrp_orphaned(vmm, vmm->cur->pgid))
				continue;
			if (leader == vmm->init) {
				signal_stop(vmm);
				continue;
			}
			process_stop(vmm, vmm->cur, sig);
			break;
		default:
			signal_fatal(vmm, &info);
			return;
		}
		break;	/* stopped: the rest waits for SIGCONT */
	}
	if (!delivered) {
		syscall_restart_plain(vmm);
		if (s->restore_mask) {
			s->restore_mask = false;
			s->blocked = s->saved_mask;
		}
	}
	s->syscall_nr = -1;
}

/* ---- rt_sigreturn (arch/x86/kernel/signal_64.c) ---- */

/* restore_sigcontext(): what the handler may have changed */
static int restore_sigcontext(struct vmm *vmm, const struct k_sigcontext *sc,
			      uint64_t uc_flags)
{
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	struct iret_frame *f = trap_frame(vmm);

	r->r8 = sc->r8; r->r9 = sc->r9; r->r10 = sc->r10; r->r11 = sc->r11;
	r->r12 = sc->r12; r->r13 = sc->r13; r->r14 = sc->r14; r->r15 = sc->r15;
	r->rdi = sc->rdi; r->rsi = sc->rsi; r->rbp = sc->rbp; r->rbx = sc->rbx;
	r->rdx = sc->rdx; r->rax = sc->rax; r->rcx = sc->rcx;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	f->rsp = sc->rsp;
	f->rip = sc->rip;
	f->rflags = (f->rflags & ~(uint64_t)FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
	/*
	 * CS and SS are forced to CPL 3.  Only 64-bit code runs here: another
	 * CS, or (with UC_STRICT_RESTORE_SS) another SS, would fault on IRET
	 * or leave 64-bit mode, and ends as the IRET fault would, SIGSEGV.
	 */
	f->cs = USER_CS;
	f->ss = USER_DS;
	if ((sc->cs | 3) != USER_CS)
		return -1;
	if ((sc->ss | 3) != USER_DS && (uc_flags & UC_STRICT_RESTORE_SS))
		return -1;
	return 0;
}

/* fpu__restore_sig(): the frame's FPU state, XSAVE if its magic says so */
static int restore_fpstate(struct vmm *vmm, uint64_t fp_addr)
{
	struct sigstate *s = &vmm->cur->sig;
	uint8_t buf[sizeof(((struct kvm_xsave *)0)->region)];
	struct fpx_sw_bytes sw;
	uint32_t magic2;
	bool xsave = false;

	if (!fp_addr) {
		fpu_reset(vmm);
		return 0;
	}
	if ((fp_addr & 63) || copy_from_user(vmm, buf, fp_addr, FXSAVE_SIZE))
		return -1;
	memcpy(&sw, buf + FX_SW_OFF, sizeof(sw));
	/* check_xstate_in_sigframe() */
	if (s->use_xsave && sw.magic1 == FP_XSTATE_MAGIC1 &&
	    sw.xstate_size >= XSAVE_HDR_OFF + XSAVE_HDR_SIZE &&
	    sw.xstate_size <= s->xstate_size && sw.xstate_size <= sw.extended_size &&
	    !copy_from_user(vmm, &magic2, fp_addr + sw.xstate_size, 4) &&
	    magic2 == FP_XSTATE_MAGIC2) {
		memset(buf + FXSAVE_SIZE, 0, s->xstate_size - FXSAVE_SIZE);
		if (copy_from_user(vmm, buf + FXSAVE_SIZE, fp_addr + FXSAVE_SIZE,
				   sw.xstate_size - FXSAVE_SIZE))
			return -1;
		xsave = true;
	}
	return fpu_load(vmm, buf, xsave, xsave ? sw.xfeatures : XFEATURE_MASK_FPSSE);
}

static int rt_sigreturn_frame(struct vmm *vmm, const struct ksiginfo *info,
			      const struct guest_sigaction *ka)
{
	struct sigstate *s = &vmm->cur->sig;
	uint64_t frame = trap_frame(vmm)->rsp - 8;
	struct k_ucontext uc;

	if (frame + sizeof(struct rt_sigframe) > TASK_SIZE || frame > TASK_SIZE ||
	    copy_from_user(vmm, &uc, frame + offsetof(struct rt_sigframe, uc), sizeof(uc)))
		return -1;
	s->blocked = uc.uc_sigmask & ~SIG_KERNEL_ONLY;
	if (restore_sigcontext(vmm, &uc.uc_mcontext, uc.uc_flags) ||
	    restore_fpstate(vmm, uc.uc_mcontext.fpstate))
		return -1;
	/* restore_altstack(): errors ignored */
	do_sigaltstack(vmm, &uc.uc_stack, NULL, trap_frame(vmm)->rsp);
	return 0;
}

long sys_rt_sigreturn(struct vmm *vmm, const uint64_t *a)
{
	struct sigstate *s = &vmm->cur->sig;
	uint64_t frame = trap_frame(vmm)->rsp - 8;

	s->syscall_nr = -1;	/* restore_sigcontext(): no restart */
	if (frame_access(vmm, rt_sigreturn_frame, NULL, NULL))
		goto badframe;
	return (long)vmm->run->s.regs.regs.rax;
badframe:
	/* signal_fault(): "bad frame in rt_sigreturn" */
	if (vmm->trace)
		fprintf(vmm->trace_out, "[signal] bad frame in rt_sigreturn at %#llx\n",
			(unsigned long long)frame);
	force_sig_kernel(vmm, SIGSEGV, -1, 0);
	return 0;
}

/* ---- the other system calls ---- */

long sys_rt_sigaction(struct vmm *vmm, const uint64_t *a)
{
	struct sigstate *s = &vmm->cur->sig;
	int sig = (int)a[0];
	struct guest_sigaction act, old;

	if (a[3] != 8)
		return -EINVAL;
	if (!sig_valid(sig) || (a[1] && (SIG_BIT(sig) & SIG_KERNEL_ONLY)))
		return -EINVAL;
	if (a[1] && copy_from_user(vmm, &act, a[1], sizeof(act)))
		return -EFAULT;
	old = s->action[sig];
	old.flags &= UAPI_SA_FLAGS;
	if (a[1]) {
		act.flags &= UAPI_SA_FLAGS;
		act.mask &= ~SIG_KERNEL_ONLY;
		s->action[sig] = act;
		/* POSIX 3.3.1.3: setting SIG_IGN discards what is pending */
		if (sig_handler_ignored(s, sig))
			flush_signal(vmm, sig);
	}
	if (a[2] && copy_to_user(vmm, a[2], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(struct vmm *vmm, const uint64_t *a)
{
	struct sigstate *s = &vmm->cur->sig;
	uint64_t set, old = s->blocked;

	if (a[3] != 8)
		return -EINVAL;
	if (a[1]) {
		if (copy_from_user(vmm, &set, a[1], 8))
			return -EFAULT;
		set &= ~SIG_KERNEL_ONLY;
		switch (a[0]) {
		case SIG_BLOCK:
			s->blocked |= set;
			break;
		case SIG_UNBLOCK:
			s->blocked &= ~set;
			break;
		case SIG_SETMASK:
			s->blocked = set;
			break;
		default:
			return -EINVAL;
		}
	}
	if (a[2] && copy_to_user(vmm, a[2], &old, 8))
		return -EFAULT;
	return 0;
}

/* do_sigpending(): pending and blocked */
long sys_rt_sigpending(struct vmm *vmm, const uint64_t *a)
{
	uint64_t set = (vmm->cur->sig.pending | group_sig(vmm->cur)->shared_pending) &
		       vmm->cur->sig.blocked;

	if (a[1] > 8)
		return -EINVAL;
	return copy_to_user(vmm, a[0], &set, a[1]);
}

/*
 * Sleep in the call until another process sends a signal: the call is
 * retried then (process.c), and returns -ERESTARTNOHAND once one is ready.
 */
static long sleep_for_signal(struct vmm *vmm)
{
	task_sleep(vmm->cur);
	return -ERESTARTNOHAND;
}

long sys_rt_sigsuspend(struct vmm *vmm, const uint64_t *a)
{
	struct sigstate *s = &vmm->cur->sig;
	uint64_t set;

	if (a[1] != 8)
		return -EINVAL;
	if (vmm->cur->retrying)	/* woken: the mask is already in place */
		return signal_ready(vmm) ? -ERESTARTNOHAND : sleep_for_signal(vmm);
	if (copy_from_user(vmm, &set, a[0], 8))
		return -EFAULT;
	s->saved_mask = s->blocked;
	s->restore_mask = true;
	s->blocked = set & ~SIG_KERNEL_ONLY;
	if (!signal_ready(vmm))
		return sleep_for_signal(vmm);
	return -ERESTARTNOHAND;
}

long sys_pause(struct vmm *vmm, const uint64_t *a)
{
	if (!signal_ready(vmm))
		return sleep_for_signal(vmm);
	return -ERESTARTNOHAND;
}

/*
 * A timed wait sleeps in the call, the monitor does not: -EAGAIN at the
 * deadline (kept in the process across retries), -EINTR when a signal
 * outside the set is ready.
 */
static long sigtimedwait_sleep(struct vmm *vmm, const struct timespec *ts)
{
	struct process *p = vmm->cur;

	if (!p->retrying)
		p->timeout_ns = now_ns() + (ts->tv_sec > 1000000000L ? 1000000000LL * 1000000000LL :
					    ts->tv_sec * 1000000000LL + ts->tv_nsec);
	else if (signal_ready(vmm))
		return -EINTR;
	if (now_ns() >= p->timeout_ns)
		return -EAGAIN;
	return sleep_on(vmm, NULL, p->timeout_ns, -EAGAIN);
}

long sys_rt_sigtimedwait(struct vmm *vmm, const uint64_t *a)
{
	struct ksiginfo info;
	struct k_siginfo ki;
	struct timespec ts;
	uint64_t set;
	int sig;

	if (a[3] != 8)
		return -EINVAL;
	if (copy_from_user(vmm, &set, a[0], 8))
		return -EFAULT;
	if (a[2] && copy_from_user(vmm, &ts, a[2], sizeof(ts)))
		return -EFAULT;
	if (a[2] && (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L))
		return -EINVAL;
	sig = dequeue_signal(vmm, set & ~SIG_KERNEL_ONLY, &info);
	if (!sig) {
		if (!a[2]) {
			/* interrupted by a signal outside the set: EINTR */
			if (vmm->cur->retrying && signal_ready(vmm))
				return -EINTR;
			task_sleep(vmm->cur);
			return -EINTR;
		}
		return sigtimedwait_sleep(vmm, &ts);
	}
	fill_siginfo(&ki, &info);
	if (a[1] && copy_to_user(vmm, a[1], &ki, sizeof(ki)))
		return -EFAULT;
	return sig;
}

/* kill(), tkill(), tgkill(): SI_USER to the process, SI_TKILL to the thread */
static long send_user(struct vmm *vmm, struct process *p, int sig, int code)
{
	struct ksiginfo info = {
		.signo = sig, .code = code, .pid = vmm->cur->pid, .uid = getuid(),
		.trapno = -1, .shared = code == SI_USER,
	};

	if (sig < 0 || sig >= NR_SIGNALS)
		return -EINVAL;
	if (!sig || (p->exited && !(info.shared && p->group_leader->nr_threads)))
		return 0;	/* a zombie takes signals and does nothing */
	return send_signal_to(vmm, p, &info);
}

/*
 * kill(): pid 0 is the caller's process group, -pgrp that group, -1 every
 * guest process but the caller; nothing outside the guest is signalled,
 * though the monitor's group has members there.  Zombies still belong to
 * their group (and make kill() succeed), as until release_task().
 */
long sys_kill(struct vmm *vmm, const uint64_t *a)
{
	int pid = (int)a[0], sig = (int)a[1], found = 0, pgid;
	struct process *p, *next;
	long ret = 0, err;

	if (sig < 0 || sig >= NR_SIGNALS)
		return -EINVAL;
	if (pid > 0) {
		/* a thread's id names its process too */
		p = find_process(vmm, pid);
		return p ? send_user(vmm, p->group_leader, sig, SI_USER) : -ESRCH;
	}
	if (pid == -2147483647 - 1)
		return -ESRCH;
	pgid = pid == 0 ? vmm->cur->pgid : -pid;
	for (p = vmm->procs; p; p = next) {
		next = p->next;
		if (p != p->group_leader)
			continue;	/* one signal per process */
		if (pid == -1 ? p == vmm->cur->group_leader || !p->nr_threads : p->pgid != pgid)
			continue;
		found++;
		/* __kill_pgrp_info(): success if any signal got through */
		err = send_user(vmm, p, sig, SI_USER);
		if (!err)
			ret = 0;
		else if (found == 1)
			ret = err;
	}
	return found ? ret : -ESRCH;
}

long sys_tkill(struct vmm *vmm, const uint64_t *a)
{
	struct process *p;

	if ((int)a[0] <= 0)
		return -EINVAL;
	p = find_process(vmm, (int)a[0]);
	return p && !p->exited ? send_user(vmm, p, (int)a[1], SI_TKILL) : -ESRCH;
}

long sys_tgkill(struct vmm *vmm, const uint64_t *a)
{
	struct process *p;

	if ((int)a[0] <= 0 || (int)a[1] <= 0)
		return -EINVAL;
	p = find_process(vmm, (int)a[1]);
	if (!p || p->exited || (int)a[0] != p->tgid)
		return -ESRCH;
	return send_user(vmm, p, (int)a[2], SI_TKILL);
}
