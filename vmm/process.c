// SPDX-License-Identifier: GPL-2.0
/*
 * Processes on the one vCPU: fork, vfork and clone without CLONE_VM's
 * sharing (kernel/fork.c), execve (fs/exec.c), exit and wait
 * (kernel/exit.c), and a round-robin scheduler.
 *
 * A process off the vCPU keeps its user state in struct process.  Switching
 * loads its registers, FS/GS base, XSAVE image and CR3; the guest then
 * applies the process's pending commit log (the write-protects fork left
 * in a parent's log, or zaps made while it slept) and reloads CR3 before
 * the IRET, so no translation of the previous address space survives
 * (platform note, fact 5).  Switches happen on the way back to user mode:
 * after a system call that blocks, exits or yields, and when the timeslice
 * timer interrupts KVM_RUN while the program runs in ring 3.
 *
 * A process whose wait4, pause or sigsuspend must block sleeps with its
 * call unfinished; when woken the call is retried here before any signal
 * is delivered, as Linux's do_wait() checks its children before
 * signal_pending().
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"
#include "elf_load.h"
#include "../guest/trampoline.h"

#define ERESTARTSYS		512
#define ERESTARTNOINTR		513
#define ERESTARTNOHAND		514

#define K_CLONE_VM		0x00000100
#define K_CLONE_FS		0x00000200
#define K_CLONE_FILES		0x00000400
#define K_CLONE_SIGHAND		0x00000800
#define K_CLONE_PIDFD		0x00001000
#define K_CLONE_PTRACE		0x00002000
#define K_CLONE_VFORK		0x00004000
#define K_CLONE_PARENT		0x00008000
#define K_CLONE_THREAD		0x00010000
#define K_CLONE_NEWNS		0x00020000
#define K_CLONE_SYSVSEM		0x00040000
#define K_CLONE_SETTLS		0x00080000
#define K_CLONE_PARENT_SETTID	0x00100000
#define K_CLONE_CHILD_CLEARTID	0x00200000
#define K_CLONE_DETACHED	0x00400000
#define K_CLONE_UNTRACED	0x00800000
#define K_CLONE_CHILD_SETTID	0x01000000
/* what a process-creating clone may ask for here */
#define CLONE_SUPPORTED		(0xff | K_CLONE_VM | K_CLONE_VFORK | K_CLONE_SETTLS | \
				 K_CLONE_PARENT_SETTID | K_CLONE_CHILD_CLEARTID | \
				 K_CLONE_CHILD_SETTID | K_CLONE_DETACHED | K_CLONE_UNTRACED | \
				 K_CLONE_PTRACE | K_CLONE_SYSVSEM | K_CLONE_FS)

#define K_WNOHANG	0x00000001
#define K_WSTOPPED	0x00000002
#define K_WEXITED	0x00000004
#define K_WCONTINUED	0x00000008
#define K_WNOWAIT	0x01000000
#define K_WNOTHREAD	0x20000000
#define K_WALL		0x40000000
#define K_WCLONE	0x80000000

#define K_P_ALL		0
#define K_P_PID		1
#define K_P_PGID	2

#define MAX_ARG_STRINGS	0x7fffffff
#define MAX_ARG_BYTES	(2UL << 20)	/* a quarter of an 8 MiB stack limit */

/* ---- the process list ---- */

static struct process *process_alloc(struct vmm *vmm)
{
	struct process *p = calloc(1, sizeof(*p)), **pp;

	if (!p)
		return NULL;
	p->xsave = calloc(1, sizeof(*p->xsave));
	if (!p->xsave) {
		free(p);
		return NULL;
	}
	p->cwd_fd = -1;
	p->pid = vmm->next_pid++;
	for (pp = &vmm->procs; *pp; pp = &(*pp)->next)
		;
	*pp = p;
	vmm->nr_procs++;
	return p;
}

static void process_free(struct vmm *vmm, struct process *p)
{
	struct process **pp;

	for (pp = &vmm->procs; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	vmm->nr_procs--;
	cwd_exit(p);
	free(p->exe_path);
	free(p->xsave);
	free(p);
}

/*
 * The first process takes the monitor's own pid and parent, so that a
 * program alone sees what it would natively; children count up from there.
 */
struct process *process_first(struct vmm *vmm)
{
	struct process *p;

	vmm->next_pid = getpid();
	p = process_alloc(vmm);
	if (!p)
		return NULL;
	p->ppid = getppid();
	p->exit_signal = SIGCHLD;
	vmm->init = vmm->cur = p;
	return p;
}

struct process *find_process(struct vmm *vmm, int pid)
{
	struct process *p;

	for (p = vmm->procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

/* get_mm_counter()'s cousin: the live processes using @mm (vfork shares it) */
int mm_users(struct vmm *vmm, struct mm_struct *mm)
{
	struct process *p;
	int n = 0;

	for (p = vmm->procs; p; p = p->next)
		if (!p->exited && p->mm == mm)
			n++;
	return n;
}

/* ---- user state on and off the vCPU ---- */

static void save_state(struct vmm *vmm, struct process *p)
{
	struct kvm_sregs *s = &vmm->run->s.regs.sregs;

	p->regs = vmm->run->s.regs.regs;
	p->frame = *trap_frame(vmm);
	p->fs_base = s->fs.base;
	p->gs_base = s->gs.base;
	if (ioctl(vmm->vcpu_fd, KVM_GET_XSAVE, p->xsave) < 0 &&
	    ioctl(vmm->vcpu_fd, KVM_GET_FPU, (struct kvm_fpu *)p->xsave) < 0)
		die("cannot save the FPU state: %s", strerror(errno));
}

static void load_state(struct vmm *vmm, struct process *p)
{
	struct kvm_sregs *s = &vmm->run->s.regs.sregs;

	vmm->run->s.regs.regs = p->regs;
	*trap_frame(vmm) = p->frame;
	s->fs.base = p->fs_base;
	s->gs.base = p->gs_base;
	s->cr3 = p->mm->pgd_pfn << PAGE_SHIFT;
	s->cs = vmm->kern_cs;
	s->ss = vmm->kern_ss;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	if (ioctl(vmm->vcpu_fd, KVM_SET_XSAVE, p->xsave) < 0 &&
	    ioctl(vmm->vcpu_fd, KVM_SET_FPU, (struct kvm_fpu *)p->xsave) < 0)
		die("cannot load the FPU state: %s", strerror(errno));
	/* the guest reloads CR3 itself: its TLB forgets the previous space */
	vmm->flush_on_entry = true;
	vmm->fault_repeats = 0;
	vmm->last_fault_addr = 0;
}

/* auto-reaped processes (orphans, SIGCHLD ignored) go once off the vCPU */
static void reap_detached(struct vmm *vmm)
{
	struct process *p, *next;

	for (p = vmm->procs; p; p = next) {
		next = p->next;
		if (p->state == P_ZOMBIE && !p->parent && p != vmm->cur && p != vmm->init)
			process_free(vmm, p);
	}
}

static struct process *pick_next(struct vmm *vmm)
{
	struct process *start = vmm->cur->next, *p;

	for (p = start; p; p = p->next)
		if (p->state == P_RUNNING && !p->exited)
			return p;
	for (p = vmm->procs; p && p != start; p = p->next)
		if (p->state == P_RUNNING && !p->exited)
			return p;
	return NULL;
}

/*
 * Round robin.  With nothing runnable every process waits for another: the
 * program has deadlocked, and would hang natively too.
 */
bool schedule(struct vmm *vmm)
{
	struct process *prev = vmm->cur, *next;

	vmm->need_resched = false;
	next = pick_next(vmm);
	if (!next) {
		pr_err("every guest process is blocked: deadlock (the program would hang)");
		/* until --timeout or a signal ends the monitor (main.c) */
		while (!vmm->done)
			pause();
		return false;
	}
	if (next != prev) {
		if (!prev->exited)
			save_state(vmm, prev);
		vmm->cur = next;
		load_state(vmm, next);
	}
	reap_detached(vmm);
	return true;
}

void process_wake(struct vmm *vmm, struct process *p)
{
	(void)vmm;
	if (p->state == P_SLEEPING || p->state == P_VFORK)
		p->state = P_RUNNING;
}

/* put the current process to sleep in its system call */
static long sleep_in_call(struct vmm *vmm, long ret)
{
	vmm->cur->state = P_SLEEPING;
	vmm->cur->sleeping_call = true;
	return ret;
}

/*
 * The timeslice ran out (KVM_RUN returned EINTR).  In ring 3 the program
 * is between instructions: its RIP, RSP and RFLAGS become an IRET frame and
 * the vCPU goes back to ring 0, as an interrupt would take it.  In the
 * trampoline the switch waits for the next trap.
 */
/*
 * An exception the vCPU has taken but not yet delivered (a #PF of the
 * interrupted instruction): KVM delivers it on the next KVM_RUN, at
 * whatever RIP and CS we give it, so the switch must wait for the trap.
 */
static bool event_in_flight(struct vmm *vmm)
{
	struct kvm_vcpu_events ev;

	if (ioctl(vmm->vcpu_fd, KVM_GET_VCPU_EVENTS, &ev) < 0)
		return true;
	return ev.exception.injected || ev.exception.pending || ev.nmi.injected ||
	       ev.interrupt.injected;
}

void preempt_user(struct vmm *vmm)
{
	struct kvm_run *run = vmm->run;
	struct kvm_regs *r = &run->s.regs.regs;
	struct kvm_sregs *s = &run->s.regs.sregs;
	struct iret_frame *f = trap_frame(vmm);

	if (ioctl(vmm->vcpu_fd, KVM_GET_REGS, r) < 0 ||
	    ioctl(vmm->vcpu_fd, KVM_GET_SREGS, s) < 0)
		die("KVM_GET_REGS after an interrupted KVM_RUN: %s", strerror(errno));
	/* not in ring 0, nor in the ring-3 commit helper: that is a commit too */
	if ((s->cs.selector & 3) != 3 || vmm->in_cctx || event_in_flight(vmm) ||
	    !pick_next(vmm))
		return;
	f->rip = r->rip;
	f->cs = s->cs.selector;
	f->rflags = r->rflags;
	f->rsp = r->rsp;
	f->ss = s->ss.selector;
	s->cs = vmm->kern_cs;
	s->ss = vmm->kern_ss;
	run->kvm_dirty_regs |= KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	vmm->cur->sig.syscall_nr = -1;
	vmm->need_resched = true;
	return_to_user(vmm);
}

static void timer_tick(int sig)
{
	(void)sig;
}

/*
 * The timeslice: a periodic SIGALRM, blocked in the monitor and unblocked
 * only inside KVM_RUN (KVM_SET_SIGNAL_MASK), so it interrupts the guest and
 * never a host system call.  The pending signal is consumed after the exit.
 */
int timer_setup(struct vmm *vmm)
{
	struct {
		struct kvm_signal_mask hdr;
		uint64_t set;
	} km = { .hdr.len = 8 };
	struct sigaction sa = { .sa_handler = timer_tick };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
	struct itimerspec its = { { 0, TIMESLICE_MS * 1000000L }, { 0, TIMESLICE_MS * 1000000L } };
	sigset_t set, cur;
	timer_t t;

	if (vmm->timer_armed)
		return 0;
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	if (sigaction(SIGALRM, &sa, NULL) || sigprocmask(SIG_BLOCK, &set, &cur))
		return -1;
	sigdelset(&cur, SIGALRM);
	memcpy(&km.set, &cur, 8);
	if (ioctl(vmm->vcpu_fd, KVM_SET_SIGNAL_MASK, &km) < 0) {
		pr_err("KVM_SET_SIGNAL_MASK: %s", strerror(errno));
		return -1;
	}
	if (timer_create(CLOCK_MONOTONIC, &sev, &t) || timer_settime(t, 0, &its, NULL))
		return -1;
	vmm->timer = t;
	vmm->timer_armed = true;
	return 0;
}

/* ---- exit ---- */

/*
 * exit_mmap() as the guest must see it: everything is unmapped through the
 * commit log and the guest writes the clears before any page-table frame
 * is reused (README, "Data flow"); mm_destroy() follows in
 * teardown_continue().
 */
static void mm_release(struct vmm *vmm, struct mm_struct *mm)
{
	if (!mm || mm_users(vmm, mm))
		return;
	mm_munmap(mm, 0, TASK_SIZE);
	if (vmm->nr_dead < MAX_PROCS) {
		vmm->dead_mms[vmm->nr_dead++] = mm;
		return;
	}
	mm_destroy(mm);
}

/* is_global_init()'s world: orphans go to init, outside the guest */
static void forget_children(struct vmm *vmm, struct process *dead)
{
	struct process *c;

	for (c = vmm->procs; c; c = c->next) {
		if (c->parent != dead)
			continue;
		c->parent = NULL;
		c->ppid = 1;
	}
}

/* do_notify_parent(): SIGCHLD with CLD_EXITED or CLD_KILLED */
static void notify_parent(struct vmm *vmm, struct process *p)
{
	struct process *parent = p->parent;
	int st = p->wait_status;
	bool killed = WIFSIGNALED(st);

	if (!parent)
		return;
	if (p->exit_signal) {
		struct ksiginfo info = {
			.signo = p->exit_signal, .code = killed ? CLD_KILLED : CLD_EXITED,
			.pid = p->pid, .uid = getuid(), .trapno = -1, .shared = true,
			.status = killed ? WTERMSIG(st) : WEXITSTATUS(st),
		};

		send_signal_to(vmm, parent, &info);
	}
	/* SIGCHLD ignored or SA_NOCLDWAIT: nobody will wait, reap now */
	if (p->exit_signal == SIGCHLD && sigchld_autoreap(parent))
		p->parent = NULL;
	process_wake(vmm, parent);
}

void do_exit(struct vmm *vmm, struct process *p, int status)
{
	if (p->exited)
		return;
	p->exited = true;
	p->wait_status = status;
	p->state = P_ZOMBIE;
	fs_close_all(p);
	if (p->vfork_parent) {
		process_wake(vmm, p->vfork_parent);
		p->vfork_parent = NULL;
	}
	forget_children(vmm, p);
	if (p == vmm->init) {
		/* the run ends with the first process: its mm stays for --maps */
		vmm->done = true;
		vmm->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) :
				   128 + WTERMSIG(status);
		return;
	}
	mm_release(vmm, p->mm);
	p->mm = NULL;
	notify_parent(vmm, p);
}

long sys_exit_group(struct vmm *vmm, const uint64_t *a)
{
	do_exit(vmm, vmm->cur, (int)(a[0] & 0xff) << 8);
	return 0;
}

/* ---- fork ---- */

static void child_state(struct vmm *vmm, struct process *c, uint64_t flags, uint64_t sp,
			uint64_t tls)
{
	struct kvm_sregs *s = &vmm->run->s.regs.sregs;

	c->regs = vmm->run->s.regs.regs;
	c->regs.rax = 0;
	c->frame = *trap_frame(vmm);
	if (sp)
		c->frame.rsp = sp;
	c->fs_base = (flags & K_CLONE_SETTLS) ? tls : s->fs.base;
	c->gs_base = s->gs.base;
	if (ioctl(vmm->vcpu_fd, KVM_GET_XSAVE, c->xsave) < 0)
		ioctl(vmm->vcpu_fd, KVM_GET_FPU, (struct kvm_fpu *)c->xsave);
}

/* copy_signal()/copy_sighand(): actions, mask and altstack; nothing pending */
static void child_signals(struct process *c, const struct process *p)
{
	c->sig = p->sig;
	c->sig.pending = c->sig.shared_pending = 0;
	c->sig.nr_queued = 0;
	c->sig.syscall_nr = -1;
	c->sig.restore_mask = false;
}

static long do_fork(struct vmm *vmm, uint64_t flags, uint64_t sp, uint64_t ptid,
		    uint64_t ctid, uint64_t tls)
{
	struct process *p = vmm->cur, *c;
	int err, pid;

	if (vmm->nr_procs >= MAX_PROCS)
		return -EAGAIN;		/* RLIMIT_NPROC */
	c = process_alloc(vmm);
	if (!c)
		return -ENOMEM;
	pid = c->pid;
	if (flags & K_CLONE_VM) {
		c->mm = p->mm;		/* vfork: the parent sleeps until exec or exit */
	} else {
		c->mm = dup_mm(p->mm, &err);
		if (!c->mm) {
			process_free(vmm, c);
			vmm->next_pid--;
			return err ? err : -ENOMEM;
		}
	}
	c->exe_path = strdup(p->exe_path ? p->exe_path : "");
	memcpy(c->comm, p->comm, sizeof(c->comm));
	memcpy(c->rlim, p->rlim, sizeof(c->rlim));
	child_state(vmm, c, flags, sp, tls);
	child_signals(c, p);
	fs_fork(c, p);
	if (cwd_fork(c, p))
		pr_err("fork: the child's working directory: out of host descriptors; it starts at /");
	c->parent = p;
	c->ppid = p->pid;
	c->exit_signal = flags & 0xff;
	c->state = P_RUNNING;
	if (flags & K_CLONE_CHILD_CLEARTID)
		c->tid_address = ctid;
	/* copy_process() ignores a fault here too */
	if (flags & K_CLONE_PARENT_SETTID)
		(void)copy_to_user(vmm, ptid, &pid, 4);
	if (flags & K_CLONE_CHILD_SETTID)
		mm_copy_to_user(c->mm, ctid, &pid, 4);
	if (flags & K_CLONE_VFORK) {
		c->vfork_parent = p;
		p->state = P_VFORK;
	}
	if (timer_setup(vmm))
		pr_err("no timeslice timer: a spinning process keeps the vCPU");
	return pid;
}

long sys_fork(struct vmm *vmm, const uint64_t *a)
{
	(void)a;
	return do_fork(vmm, SIGCHLD, 0, 0, 0, 0);
}

long sys_vfork(struct vmm *vmm, const uint64_t *a)
{
	(void)a;
	return do_fork(vmm, K_CLONE_VM | K_CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

/* clone(flags, stack, parent_tid, child_tid, tls): processes only, no threads */
long sys_clone(struct vmm *vmm, const uint64_t *a)
{
	uint64_t flags = a[0];

	if ((flags & K_CLONE_THREAD) && !(flags & K_CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & K_CLONE_SIGHAND) && !(flags & K_CLONE_VM))
		return -EINVAL;
	/* threads, shared files or handlers need what this monitor lacks */
	if (flags & ~(uint64_t)CLONE_SUPPORTED)
		return -EINVAL;
	/* CLONE_VM without CLONE_VFORK would run two processes on one mm at once */
	if ((flags & K_CLONE_VM) && !(flags & K_CLONE_VFORK))
		return -EINVAL;
	if ((flags & 0xff) >= NR_SIGNALS)
		return -EINVAL;
	return do_fork(vmm, flags, a[1], a[2], a[3], a[4]);
}

/* ---- wait ---- */

static bool wait_match(struct vmm *vmm, struct process *c, int type, int id)
{
	(void)vmm;
	switch (type) {
	case K_P_ALL:
		return true;
	case K_P_PID:
		return c->pid == id;
	default:	/* one process group: the monitor's */
		return id == getpgrp();
	}
}

struct wait_result {
	int pid, status;
};

/*
 * do_wait(): a zombie child matching (@type, @id), reaped unless WNOWAIT;
 * 0 with no zombie and WNOHANG; -ECHILD with no such child; otherwise the
 * caller sleeps, or -ERESTARTSYS when a signal is pending.
 */
static long do_wait(struct vmm *vmm, int type, int id, int options, struct wait_result *wr)
{
	struct process *p = vmm->cur, *c;
	bool any = false;

	for (c = vmm->procs; c; c = c->next) {
		if (c->parent != p || !wait_match(vmm, c, type, id))
			continue;
		any = true;
		if (c->state != P_ZOMBIE)
			continue;
		wr->pid = c->pid;
		wr->status = c->wait_status;
		if (!(options & K_WNOWAIT))
			process_free(vmm, c);
		return wr->pid;
	}
	if (!any)
		return -ECHILD;
	if (options & K_WNOHANG)
		return 0;
	if (signal_pending(p))
		return -ERESTARTSYS;
	return sleep_in_call(vmm, -ERESTARTSYS);
}

long sys_wait4(struct vmm *vmm, const uint64_t *a)
{
	int pid = (int)a[0], options = (int)a[2], type = K_P_PID, id = pid;
	struct wait_result wr = { 0 };
	struct rusage ru;
	long ret;

	if (options & ~(K_WNOHANG | WUNTRACED | K_WCONTINUED | K_WNOTHREAD | K_WCLONE | K_WALL))
		return -EINVAL;
	if (pid == -1) {
		type = K_P_ALL;
	} else if (pid < 0) {
		type = K_P_PGID;
		id = -pid;
	} else if (pid == 0) {
		type = K_P_PGID;
		id = getpgrp();
	}
	ret = do_wait(vmm, type, id, options, &wr);
	if (ret <= 0)
		return ret;
	if (a[1] && copy_to_user(vmm, a[1], &wr.status, 4))
		return -EFAULT;
	memset(&ru, 0, sizeof(ru));
	if (a[3] && copy_to_user(vmm, a[3], &ru, sizeof(ru)))
		return -EFAULT;
	return ret;
}

/* waitid(idtype, id, infop, options, rusage): the siginfo of the child */
long sys_waitid(struct vmm *vmm, const uint64_t *a)
{
	int type = (int)a[0], id = (int)a[1], options = (int)a[3];
	struct wait_result wr = { 0 };
	int32_t info[32] = { 0 };
	struct rusage ru;
	long ret;

	if (options & ~(K_WNOHANG | K_WNOWAIT | K_WEXITED | K_WSTOPPED | K_WCONTINUED |
			K_WNOTHREAD | K_WCLONE | K_WALL))
		return -EINVAL;
	if (!(options & (K_WEXITED | K_WSTOPPED | K_WCONTINUED)))
		return -EINVAL;
	if (type != K_P_ALL && type != K_P_PID && type != K_P_PGID)
		return -EINVAL;
	if ((type == K_P_PID || type == K_P_PGID) && id <= 0 &&
	    !(type == K_P_PGID && id == 0))
		return -EINVAL;
	if (type == K_P_PGID && id == 0)
		id = getpgrp();
	if (!(options & K_WEXITED))
		ret = -ECHILD;		/* no stopped or continued children here */
	else
		ret = do_wait(vmm, type, id, options, &wr);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		info[0] = SIGCHLD;
		info[2] = WIFEXITED(wr.status) ? CLD_EXITED : CLD_KILLED;
		info[4] = wr.pid;
		info[5] = getuid();
		info[6] = WIFEXITED(wr.status) ? WEXITSTATUS(wr.status) : WTERMSIG(wr.status);
	}
	if (a[2] && copy_to_user(vmm, a[2], info, sizeof(info)))
		return -EFAULT;
	memset(&ru, 0, sizeof(ru));
	if (a[4] && copy_to_user(vmm, a[4], &ru, sizeof(ru)))
		return -EFAULT;
	return 0;
}

/* ---- exec ---- */

static void free_strings(char **v)
{
	int i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* copy_strings(): a NULL-terminated array of user strings */
static long copy_strings(struct vmm *vmm, uint64_t uvec, char ***out, size_t *bytes)
{
	char **v = NULL, buf[PAGE_SIZE * 32];
	size_t n = 0;
	long len;

	*out = NULL;
	for (;;) {
		uint64_t ptr = 0;
		char **nv;

		if (uvec && copy_from_user(vmm, &ptr, uvec + n * 8, 8))
			goto efault;
		if (!ptr)
			break;
		len = strncpy_from_user(vmm, buf, ptr, sizeof(buf));
		if (len < 0) {
			free_strings(v);
			return len == -ENAMETOOLONG ? -E2BIG : len;
		}
		*bytes += len + 1 + 8;
		if (*bytes > MAX_ARG_BYTES) {
			free_strings(v);
			return -E2BIG;
		}
		nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv)
			goto enomem;
		v = nv;
		v[n] = strdup(buf);
		v[n + 1] = NULL;
		if (!v[n])
			goto enomem;
		n++;
	}
	if (!v) {
		v = calloc(1, sizeof(*v));
		if (!v)
			return -ENOMEM;
	}
	*out = v;
	return 0;
efault:
	free_strings(v);
	return -EFAULT;
enomem:
	free_strings(v);
	return -ENOMEM;
}

/* flush_old_exec() and begin_new_exec(): what survives is the pid and files */
static void exec_commit(struct vmm *vmm, struct process *p, struct mm_struct *old,
			struct elf_image *img, const char *path)
{
	struct kvm_sregs *s = &vmm->run->s.regs.sregs;
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	const char *base = strrchr(path, '/');

	mm_release(vmm, old);
	if (p->vfork_parent) {
		process_wake(vmm, p->vfork_parent);
		p->vfork_parent = NULL;
	}
	fs_exec(p);
	signal_exec(p);
	p->tid_address = 0;
	free(p->exe_path);
	p->exe_path = strdup(img->realpath ? img->realpath : path);
	/* __set_task_comm(): the first 15 bytes of the file name */
	strncpy(p->comm, base ? base + 1 : path, sizeof(p->comm) - 1);
	p->comm[sizeof(p->comm) - 1] = 0;
	/* ELF_PLAT_INIT: the registers start at zero */
	memset(r, 0, sizeof(*r));
	r->rflags = 0x2;
	s->fs.base = s->gs.base = 0;
	s->cr3 = p->mm->pgd_pfn << PAGE_SHIFT;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	vmm->flush_on_entry = true;
	fpu_reset(vmm);
}

/*
 * search_binary_handler() for the two formats Linux would use here:
 * binfmt_script follows #! lines (ELOOP past Linux's depth, the
 * interpreter's errno when it cannot be opened), then binfmt_elf checks
 * the executable.  @hfd is consumed; @path (of @len bytes) and *@argv
 * become the interpreter's when a script names one.
 */
long exec_resolve(struct vmm *vmm, int hfd, char *path, size_t len, char ***argv,
		  struct elf_image *img, bool report)
{
	char interp[BINPRM_BUF_SIZE], arg[BINPRM_BUF_SIZE];
	int depth, n, i, k;
	long ret;

	memset(img, 0, sizeof(*img));
	img->fd = -1;
	for (depth = 0;; depth++) {
		char **nv;

		ret = elf_script(hfd, interp, sizeof(interp), arg, sizeof(arg));
		if (!ret)
			break;
		if (ret < 0 || depth == MAX_SCRIPT_DEPTH) {
			if (report)
				pr_err("%s: %s", path, ret < 0 ? "bad #! line" :
				       "#! scripts nested too deep (a loop?)");
			close(hfd);
			return ret < 0 ? ret : -ELOOP;
		}
		/* bprm's argv: interpreter, its argument, the script, argv[1..] */
		for (n = 0; (*argv)[n]; n++)
			;
		nv = calloc(n + 3, sizeof(*nv));
		if (!nv) {
			close(hfd);
			return -ENOMEM;
		}
		k = 0;
		nv[k++] = strdup(interp);
		if (arg[0])
			nv[k++] = strdup(arg);
		nv[k++] = strdup(path);
		for (i = 1; i < n; i++)
			nv[k++] = (*argv)[i];
		free((*argv)[0]);
		free(*argv);
		*argv = nv;
		for (i = 0; i < k; i++)
			if (!nv[i]) {
				close(hfd);
				return -ENOMEM;
			}
		close(hfd);
		if (strlen(interp) >= len)
			return -ENAMETOOLONG;
		hfd = fs_open_exec_path(vmm, interp);
		if (hfd < 0) {
			if (report)
				pr_err("%s: interpreter %s: %s", path, interp, strerror(-hfd));
			return hfd;
		}
		strcpy(path, interp);
	}
	ret = elf_open_fd(img, hfd, path, report);
	close(hfd);
	if (!ret)
		exe_guest_path(vmm, &img->realpath, img->fd);
	/* Linux opens the interpreter, and fails with its errno */
	if (ret && img->interp && !img->fatal) {
		int ifd = fs_open_exec_path(vmm, img->interp);

		if (ifd < 0)
			ret = ifd;
		else
			close(ifd);
	}
	if (ret)
		elf_close(img);
	return ret;
}

/* past Linux's point of no return: force_fatal_sig(SIGSEGV), no errno */
static long exec_fatal(struct vmm *vmm, const char *path)
{
	pr_info("execve(\"%s\"): the program cannot be loaded; killed by SIGSEGV, as Linux "
		"kills it past its point of no return", path);
	do_exit(vmm, vmm->cur, SIGSEGV);
	return 0;
}

static long exec_load(struct vmm *vmm, const char *path, struct elf_image *img,
		      char **argv, char **envp)
{
	struct process *p = vmm->cur;
	struct mm_struct *old = p->mm, *mm;
	struct mm_layout layout = { 0 };
	int i;

	mm = mm_create(vmm->zone, &layout);
	if (!mm)
		return -ENOMEM;
	for (i = 0; i < MM_NR_RLIMITS; i++)
		mm_set_rlimit(mm, i, old->rlim[i].rlim_cur, old->rlim[i].rlim_max);
	p->mm = mm;
	if (elf_load(vmm, img, argv, envp)) {
		p->mm = old;
		mm_destroy(mm);
		return exec_fatal(vmm, path);
	}
	exec_commit(vmm, p, old, img, path);
	return 0;
}

long sys_execve(struct vmm *vmm, const uint64_t *a)
{
	char path[4096], **argv = NULL, **envp = NULL;
	struct elf_image img = { .fd = -1 };
	size_t bytes = 0;
	long ret;
	int hfd;

	hfd = fs_open_exec(vmm, a[0], path, sizeof(path));
	if (hfd < 0)
		return hfd;
	ret = copy_strings(vmm, a[1], &argv, &bytes);
	if (!ret)
		ret = copy_strings(vmm, a[2], &envp, &bytes);
	if (ret) {
		close(hfd);
		goto out;
	}
	/* Linux 5.18+: an empty argv becomes { "" } */
	if (!argv[0]) {
		free(argv);
		argv = calloc(2, sizeof(*argv));
		if (!argv || !(argv[0] = strdup(""))) {
			close(hfd);
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = exec_resolve(vmm, hfd, path, sizeof(path), &argv, &img, false);
	if (ret && img.fatal)
		ret = exec_fatal(vmm, path);
	else if (!ret)
		ret = exec_load(vmm, path, &img, argv, envp);
	elf_close(&img);
out:
	free_strings(argv);
	free_strings(envp);
	return ret;
}

/* ---- small ones ---- */

long sys_sched_yield(struct vmm *vmm, const uint64_t *a)
{
	(void)a;
	vmm->need_resched = true;
	return 0;
}

long sys_getpid(struct vmm *vmm, const uint64_t *a)
{
	(void)a;
	return vmm->cur->pid;
}

long sys_getppid(struct vmm *vmm, const uint64_t *a)
{
	(void)a;
	return vmm->cur->ppid;
}

long sys_set_tid_address(struct vmm *vmm, const uint64_t *a)
{
	vmm->cur->tid_address = a[0];
	return vmm->cur->pid;
}

/* the run is over: every process and address space goes */
void vmm_exit_all(struct vmm *vmm)
{
	struct process *p;
	int i;

	for (i = 0; i < vmm->nr_dead; i++)
		mm_destroy(vmm->dead_mms[i]);
	vmm->nr_dead = 0;
	for (p = vmm->procs; p; p = p->next)
		fs_close_all(p);
	while (vmm->procs) {
		struct mm_struct *mm = vmm->procs->mm;

		for (p = vmm->procs; p; p = p->next)
			if (p->mm == mm)
				p->mm = NULL;
		mm_destroy(mm);
		process_free(vmm, vmm->procs);
	}
	vmm->cur = vmm->init = NULL;
}
