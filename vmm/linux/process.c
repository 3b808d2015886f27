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
#include <poll.h>
#include <stdint.h>
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
				 K_CLONE_PTRACE | K_CLONE_SYSVSEM | K_CLONE_FS | K_CLONE_FILES | \
				 K_CLONE_SIGHAND | K_CLONE_THREAD)

#define TASK_SIZE_MAX	0x7ffffffff000ULL	/* (1 << 47) - PAGE_SIZE */

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

/* kernel/sys.c: getrusage()'s who for a child's self and children, wait4()'s */
#define K_RUSAGE_BOTH	(-2)

#define MAX_ARG_STRINGS	0x7fffffff
#define MAX_ARG_BYTES	(2UL << 20)	/* a quarter of an 8 MiB stack limit */

static void acct_charge(struct vmm *vmm);

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
	p->pid = vmm->next_pid++;
	p->tgid = p->pid;
	p->group_leader = p;
	p->nr_threads = 1;
	p->start_time = boottime_ns();
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
	/* a zombie still loaded on an idle vCPU: that vCPU has nothing now */
	if (p->on_cpu && p->on_cpu != this_vcpu())
		p->on_cpu->cur = NULL;
	cwd_exit(p);
	sighand_put(p);
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
	int sig;

	vmm->next_pid = getpid();
	p = process_alloc(vmm);
	if (!p)
		return NULL;
	p->ppid = getppid();
	p->exit_signal = SIGCHLD;
	p->fs = calloc(1, sizeof(*p->fs));
	if (!p->fs || files_init(p) || sighand_init(p))
		return NULL;
	/* execve() keeps ignored signals and the mask: the monitor's at its start */
	for (sig = 1; sig < NR_SIGNALS; sig++)
		if (vmm->start_ignored & SIG_BIT(sig))
			p->sig.action[sig].handler = (uint64_t)SIG_IGN;
	p->sig.blocked = vmm->start_blocked & ~(SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP));
	p->fs->count = 1;
	p->fs->cwd_fd = -1;
	/* the monitor's group and session: the shell's job control sees it */
	p->pgid = getpgrp();
	p->sid = getsid(0);
	p->dumpable = 1;
	vmm->init = vmm->cur = p;
	return p;
}

/* thread_group_empty(): @p's group has no other live task */
bool thread_group_empty(struct process *p)
{
	return p->group_leader->nr_threads - !p->exited == 0;
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

	p->on_cpu = NULL;
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

	p->on_cpu = this_vcpu();
	vmm->loaded_mm = p->mm;
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
		/* a leader stays while its threads live: they point at it */
		if (p->state == P_ZOMBIE && !p->parent && p != vmm->cur && p != vmm->init &&
		    !p->nr_threads && !p->on_cpu)
			process_free(vmm, p);
	}
}

/* the batch of @mm that fork made has reached every vCPU: its children go */
void fork_release(struct vmm *vmm, struct mm_struct *mm)
{
	struct process *p;
	bool any = false;

	for (p = vmm->procs; p; p = p->next)
		if (p->fork_hold == mm) {
			p->fork_hold = NULL;
			any = true;
		}
	if (any)
		smp_notify(vmm);
}

/*
 * A fork's child waits for its parent's batch (the write-protects) only
 * while another vCPU runs a task of the parent's mm in the guest, which
 * may still write through a translation fork has taken away.  Once none
 * does, the next entry of any of them applies the batch first
 * (return_to_user()), so the child goes even when nobody returns to apply
 * it soon: a CLONE_VFORK parent sleeps until the child is done.
 */
static bool fork_held(struct vmm *vmm, struct process *p)
{
	if (p->fork_hold && !smp_mm_in_guest(vmm, p->fork_hold))
		p->fork_hold = NULL;
	return p->fork_hold;
}

/* runnable, not loaded on another vCPU, not waiting for its parent's batch */
static bool can_run(struct vmm *vmm, struct process *p)
{
	return p->state == P_RUNNING && !p->exited && !fork_held(vmm, p) &&
	       (!p->on_cpu || p->on_cpu == this_vcpu() || p == vmm->cur);
}

static struct process *pick_next(struct vmm *vmm)
{
	struct process *start = vmm->cur ? vmm->cur->next : NULL, *p;

	for (p = start; p; p = p->next)
		if (can_run(vmm, p))
			return p;
	for (p = vmm->procs; p && p != start; p = p->next)
		if (can_run(vmm, p))
			return p;
	return NULL;
}

/* ---- sleeping in a call: events, host fds, deadlines ---- */

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Put the current process to sleep in its call until wake_up(@chan), a
 * signal, or CLOCK_MONOTONIC @wake_ns (0: none); the call is retried then
 * (trap.c: retry_call) and decides again.  @ret is what the registers hold
 * meanwhile.
 */
/*
 * @p sleeps in its system call, which is retried when it is woken.  A task
 * another vCPU stopped while its call was on the way in stays stopped: it
 * retries the call once continued, as Linux's would restart it.
 */
void task_sleep(struct process *p)
{
	if (p->state == P_RUNNING)
		p->state = P_SLEEPING;
	p->sleeping_call = true;
}

long sleep_on(struct vmm *vmm, const void *chan, int64_t wake_ns, long ret)
{
	struct process *p = vmm->cur;

	task_sleep(p);
	p->wait_chan = chan;
	p->wake_ns = wake_ns;
	return ret;
}

/* ... and also until host @fd is ready for @events (the monitor's stdin) */
void sleep_on_host(struct vmm *vmm, int fd, short events)
{
	vmm->cur->wait_host_fd = fd;
	vmm->cur->wait_host_events = events;
}

/* wake_up_interruptible_all(): every sleeper on @chan, and the pollers */
void wake_up(struct vmm *vmm, const void *chan)
{
	struct process *p;

	for (p = vmm->procs; p; p = p->next)
		if (p->state == P_SLEEPING && p->wait_chan &&
		    (p->wait_chan == chan || p->wait_chan == WAIT_ANY_CHAN))
			process_wake(vmm, p);
}

/*
 * Wake the sleepers whose deadline has passed or whose host fd is ready,
 * waiting up to @wait_ms (-1: no limit) for the first of them on the host;
 * a signal to the monitor (SIGINT, the --timeout kick) ends the wait, and
 * so does another vCPU making a process runnable (smp_notify(), through
 * vmm->idle_fd).  The lock is dropped while waiting.  Returns false when no
 * sleeper has a deadline or a host fd.
 */
static bool wake_sleepers(struct vmm *vmm, int wait_ms)
{
	struct pollfd fds[MAX_PROCS + 1];
	struct process *who[MAX_PROCS], *p;
	int64_t now = now_ns(), first = INT64_MAX;
	int n = 0, i, ready;
	bool any = false;

	for (p = vmm->procs; p; p = p->next) {
		if (p->state != P_SLEEPING || p->exited)
			continue;
		if (p->wake_ns) {
			any = true;
			if (p->wake_ns <= now) {
				process_wake(vmm, p);
				wait_ms = 0;
				continue;
			}
			if (p->wake_ns < first)
				first = p->wake_ns;
		}
		if (p->wait_host_events && n < MAX_PROCS) {
			any = true;
			fds[n] = (struct pollfd){ .fd = p->wait_host_fd,
						  .events = p->wait_host_events };
			who[n++] = p;
		}
	}
	if (!any)
		return false;
	if (wait_ms && first != INT64_MAX) {
		/* round up: waking early only costs another wait */
		int64_t ms = (first - now + 999999) / 1000000;

		if (wait_ms < 0 || ms < wait_ms)
			wait_ms = ms > INT32_MAX ? INT32_MAX : (int)ms;
	}
	ready = 0;
	if (n && !wait_ms) {
		ready = poll(fds, n, 0);
	} else if (wait_ms) {
		uint64_t drain;

		fds[n] = (struct pollfd){ .fd = vmm->idle_fd, .events = POLLIN };
		vmm->host_waiter = this_vcpu();
		vcpu_unlock(vmm);
		ready = poll(fds, n + 1, wait_ms);
		vcpu_relock(vmm);
		vmm->host_waiter = NULL;
		if (read(vmm->idle_fd, &drain, sizeof(drain)) < 0)
			drain = 0;
	}
	/* the processes may have changed while the lock was dropped */
	for (i = 0; ready > 0 && i < n; i++) {
		if (!fds[i].revents)
			continue;
		for (p = vmm->procs; p && p != who[i]; p = p->next)
			;
		if (p && p->state == P_SLEEPING && p->wait_host_events)
			process_wake(vmm, p);
	}
	now = now_ns();
	for (p = vmm->procs; p; p = p->next)
		if (p->state == P_SLEEPING && p->wake_ns && p->wake_ns <= now)
			process_wake(vmm, p);
	return true;
}

/*
 * Whether something may still wake a process of ours: another vCPU runs a
 * process, or a process is runnable (on a vCPU that has not noticed yet).
 */
static bool others_busy(struct vmm *vmm)
{
	struct process *p;
	int i;

	for (i = 0; i < vmm->nr_vcpus; i++)
		if (vmm->cpus[i] != this_vcpu() && vmm->cpus[i]->started &&
		    !vmm->cpus[i]->idle)
			return true;
	for (p = vmm->procs; p; p = p->next)
		if (p->state == P_RUNNING && !p->exited)
			return true;
	return false;
}

/*
 * Nothing runnable on this vCPU.  One idle vCPU waits on the host for the
 * sleepers' deadlines and host fds; the others wait for a process to
 * become runnable.  False when nothing can ever wake a process: every
 * vCPU is idle and no sleeper has a deadline or a host fd.
 */
static bool idle_wait(struct vmm *vmm)
{
	bool woke = true;

	this_vcpu()->idle = true;
	if (!vmm->host_waiter)
		woke = wake_sleepers(vmm, others_busy(vmm) ? 100 : -1);
	else
		vcpu_wait(vmm, &vmm->idle_cond, 100);
	if (!woke && others_busy(vmm)) {
		vcpu_wait(vmm, &vmm->idle_cond, 100);
		woke = true;
	}
	this_vcpu()->idle = false;
	return woke;
}

/* what each task waits for, after the deadlock line */
static void deadlock_report(struct vmm *vmm)
{
	static const char *const states[] = { "running", "sleeping", "vfork", "zombie", "stopped" };
	struct process *p;

	for (p = vmm->procs; p; p = p->next)
		fprintf(stderr, "  task %d (process %d): %s%s%s, on vCPU %d\n", p->pid, p->tgid,
			p->exited ? "exited" : states[p->state],
			p->sleeping_call ? " in a call" : "", p->fork_hold ? " (fork hold)" : "",
			p->on_cpu ? p->on_cpu->cpu_index : -1);
}

/*
 * Round robin.  Sleepers whose deadline passed or whose host fd is ready
 * wake first; with nothing runnable the vCPU waits (idle_wait()).  With
 * nothing to wait for either, every process waits for another: the
 * program has deadlocked, and would hang natively too.  On several vCPUs a
 * process loaded on another vCPU is left to it; this vCPU's own process may
 * be freed while it waits (process_free()), so vmm->cur is read again.
 */
bool schedule(struct vmm *vmm)
{
	struct process *prev, *next;

	vmm->need_resched = false;
	wake_sleepers(vmm, 0);
	next = pick_next(vmm);
	while (!next) {
		if (vmm->done)
			return false;
		if (!idle_wait(vmm)) {
			pr_err("every guest process is blocked: deadlock (the program would hang)");
			deadlock_report(vmm);
			/* until --timeout or a signal ends the monitor (main.c) */
			while (!vmm->done)
				vcpu_wait(vmm, &vmm->idle_cond, 50);
			return false;
		}
		if (vmm->done)
			return false;
		next = pick_next(vmm);
	}
	prev = vmm->cur;
	if (next != prev) {
		acct_charge(vmm);
		if (prev && !prev->exited)
			save_state(vmm, prev);
		else if (prev)
			prev->on_cpu = NULL;
		vmm->cur = next;
		load_state(vmm, next);
	}
	reap_detached(vmm);
	return true;
}

/*
 * Wake a process sleeping in a call.  A vfork parent is not woken by
 * anything else its children do (another child's exit, a signal): it
 * waits for this child's exec or exit, vfork_done(), or for SIGKILL
 * (Linux: wait_for_vfork_done() is a killable wait).
 */
void process_wake(struct vmm *vmm, struct process *p)
{
	if (p->state == P_SLEEPING) {
		p->state = P_RUNNING;
		smp_notify(vmm);
	}
	/* the retried call says again what it waits for, if it must */
	p->wait_chan = NULL;
	p->wake_ns = 0;
	p->wait_host_events = 0;
}

/* the vfork child @child exec'ed or exited: its parent goes on */
static void vfork_done(struct vmm *vmm, struct process *child)
{
	struct process *parent = child->vfork_parent;

	child->vfork_parent = NULL;
	if (parent && parent->state == P_VFORK) {
		parent->state = P_SLEEPING;
		process_wake(vmm, parent);
	}
}

/*
 * wait4 and waitid sleep on the process's wait_chldexit: any of its
 * threads may wait for its children, and a child's exit, stop or
 * continue wakes them all (__wake_up_parent()).
 */
static const void *wait_chldexit(struct process *p)
{
	return &p->group_leader->wait_status;
}

static void wake_up_parent(struct vmm *vmm, struct process *parent)
{
	wake_up(vmm, wait_chldexit(parent));
}

/*
 * Interrupted in ring 0 on the way back to the program by a stub that
 * returns to it without reporting back (the IRET, the nested-paging
 * invalidation): begin that return again, so that a flush asked for
 * meanwhile happens before the program's next instruction.  The stub has
 * changed nothing but RSI, RCX and RAX, which wait under the frame.
 */
static bool restart_return(struct vmm *vmm)
{
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	uint64_t *saved = (uint64_t *)trap_frame(vmm) - 3;

	if (r->rip == tramp_va(vmm, TRAMP_OFF_IRET) && r->rsp == trap_frame_va(vmm)) {
		/* nothing else to undo */
	} else if (r->rip >= tramp_va(vmm, TRAMP_OFF_INVAL_IRET) &&
		   r->rip < tramp_va(vmm, TRAMP_OFF_PROBE_INVAL)) {
		r->rsi = saved[0];
		r->rcx = saved[1];
		r->rax = saved[2];
	} else {
		return false;
	}
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	return_to_user(vmm);
	return true;
}

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

/*
 * KVM_RUN was interrupted: the timeslice ran out (vmm->tick), another vCPU
 * kicked this one (a shootdown, a signal or a death to notice), or the run
 * is ending.  In ring 3 the program is between instructions: its RIP, RSP
 * and RFLAGS become an IRET frame and it goes back through
 * return_to_user(), as an interrupt would take it.  In the trampoline the
 * stub goes on; what the kick asked for waits for its exit, unless the stub
 * would return to the program without one (restart_return()).
 */
void preempt_user(struct vmm *vmm)
{
	struct kvm_run *run = vmm->run;
	struct kvm_regs *r = &run->s.regs.regs;
	struct kvm_sregs *s = &run->s.regs.sregs;
	struct iret_frame *f = trap_frame(vmm);
	struct process *p = vmm->cur;
	bool resched, notice;

	if (ioctl(vmm->vcpu_fd, KVM_GET_REGS, r) < 0 ||
	    ioctl(vmm->vcpu_fd, KVM_GET_SREGS, s) < 0)
		die("KVM_GET_REGS after an interrupted KVM_RUN: %s", strerror(errno));
	if (!p || vmm->in_cctx || event_in_flight(vmm))
		return;
	/*
	 * A batch of its mm nobody has applied (fork's write-protects while
	 * the parent sleeps, reclaim's unmaps): applied before the program
	 * goes on, since a fork's child may already run (fork_held()).
	 */
	notice = vmm->need_flush || p->exited || p->state != P_RUNNING ||
		 signal_pending(p) || (p->mm && commit_log_pending(p->mm));
	if ((s->cs.selector & 3) != 3) {
		if (notice)
			restart_return(vmm);
		return;
	}
	resched = vmm->tick && pick_next(vmm);
	if (!resched && !notice)
		return;
	f->rip = r->rip;
	f->cs = s->cs.selector;
	f->rflags = r->rflags;
	f->rsp = r->rsp;
	f->ss = s->ss.selector;
	s->cs = vmm->kern_cs;
	s->ss = vmm->kern_ss;
	run->kvm_dirty_regs |= KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	p->sig.syscall_nr = -1;
	vmm->need_resched = resched;
	return_to_user(vmm);
}

/* ---- accounting: getrusage(), times(), wait4()'s rusage ---- */

/* the monitor thread's CPU times at the last charge, microseconds */
static __thread uint64_t acct_last_utime, acct_last_stime;

static uint64_t tv_us(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}

/*
 * Charge the monitor thread's CPU time since the last charge to the process
 * on the vCPU.  The host counts the guest's time inside KVM_RUN as user
 * time, and the monitor's work on its behalf as user or system time as it
 * happens; that split is what the process sees.
 */
static void acct_charge(struct vmm *vmm)
{
	struct rusage ru;
	uint64_t ut, st;

	if (getrusage(RUSAGE_THREAD, &ru))
		return;
	ut = tv_us(&ru.ru_utime);
	st = tv_us(&ru.ru_stime);
	if (vmm->cur && !vmm->cur->exited) {
		vmm->cur->utime += ut - acct_last_utime;
		vmm->cur->stime += st - acct_last_stime;
	}
	acct_last_utime = ut;
	acct_last_stime = st;
}

/*
 * mm_account_fault(): a fault that read from swap is major, every other
 * one that was resolved (no signal, no OOM) is minor.
 */
static void mm_faults(struct mm_struct *mm, uint64_t *min_flt, uint64_t *maj_flt)
{
	int k;

	*min_flt = *maj_flt = 0;
	if (!mm)
		return;
	for (k = 0; k < FAULT_SEGV_MAPERR; k++) {
		if (k == FAULT_SWAP_IN)
			*maj_flt += mm->stats.faults[k];
		else
			*min_flt += mm->stats.faults[k];
	}
}

/* setmax_mm_hiwater_rss(), in KiB */
static uint64_t mm_maxrss(struct mm_struct *mm)
{
	uint64_t rss;

	if (!mm)
		return 0;
	rss = mm->rss[0] + mm->rss[1] + mm->rss[2];
	return (rss > mm->hiwater_rss ? rss : mm->hiwater_rss) * (PAGE_SIZE >> 10);
}

/* an address space goes (exec, exit): its counts stay with the process */
static void acct_fold_mm(struct vmm *vmm, struct process *p, struct mm_struct *mm)
{
	uint64_t mn, mj, rss = mm_maxrss(mm);

	/* a vfork child borrowed its parent's: the faults are the parent's */
	if (!mm || mm_users(vmm, mm) - (p->mm == mm) > 0)
		return;
	mm_faults(mm, &mn, &mj);
	p->min_flt += mn;
	p->maj_flt += mj;
	if (rss > p->maxrss)
		p->maxrss = rss;
}

static void us_to_tv(uint64_t us, struct timeval *tv)
{
	tv->tv_sec = us / 1000000;
	tv->tv_usec = us % 1000000;
}

/* the group's live mm (the leader's may be gone before its threads) */
static struct mm_struct *group_mm(struct vmm *vmm, struct process *l)
{
	struct process *t;

	for (t = vmm->procs; t; t = t->next)
		if (t->group_leader == l && !t->exited && t->mm)
			return t->mm;
	return NULL;
}

/* the process's CPU time: its live tasks', and the dead ones' the leader keeps */
static void group_times(struct vmm *vmm, struct process *l, uint64_t *ut, uint64_t *st)
{
	struct process *t;

	*ut = l->dead_utime;
	*st = l->dead_stime;
	for (t = vmm->procs; t; t = t->next) {
		if (t->group_leader != l || (t != l && t->exited))
			continue;
		*ut += t->utime;
		*st += t->stime;
	}
}

/*
 * getrusage()'s fields for @p (k_getrusage()): RUSAGE_SELF, RUSAGE_THREAD, RUSAGE_CHILDREN
 * (the reaped ones) or K_RUSAGE_BOTH (what wait4() reports for a child).
 * Times, faults and the high-water RSS are kept; the rest (swaps, blocks,
 * messages, signals, context switches) are 0, as nothing counts them here.
 */
void process_rusage(struct vmm *vmm, struct process *p, int who, struct rusage *ru)
{
	struct process *l = p->group_leader;
	struct mm_struct *mm = group_mm(vmm, l);
	uint64_t ut = 0, st = 0, mn = 0, mj = 0, rss = 0, m1, m2;

	memset(ru, 0, sizeof(*ru));
	if (p == vmm->cur)
		acct_charge(vmm);
	if (who != RUSAGE_CHILDREN) {
		/* faults are counted per address space: RUSAGE_THREAD gets the mm's */
		mm_faults(mm, &m1, &m2);
		if (who == RUSAGE_THREAD) {
			ut = p->utime;
			st = p->stime;
		} else {
			group_times(vmm, l, &ut, &st);
		}
		mn = l->min_flt + m1;
		mj = l->maj_flt + m2;
		rss = l->maxrss;
		if (mm && mm_maxrss(mm) > rss)
			rss = mm_maxrss(mm);
	}
	if (who != RUSAGE_SELF && who != RUSAGE_THREAD) {
		ut += l->cutime;
		st += l->cstime;
		mn += l->cmin_flt;
		mj += l->cmaj_flt;
		if (l->cmaxrss > rss)
			rss = l->cmaxrss;
	}
	us_to_tv(ut, &ru->ru_utime);
	us_to_tv(st, &ru->ru_stime);
	ru->ru_minflt = mn;
	ru->ru_majflt = mj;
	ru->ru_maxrss = rss;
}

/* wait_task_zombie(): the reaped child's times go to its parent's children */
static void acct_reap(struct process *parent, struct process *c)
{
	parent->cutime += c->utime + c->dead_utime + c->cutime;
	parent->cstime += c->stime + c->dead_stime + c->cstime;
	parent->cmin_flt += c->min_flt + c->cmin_flt;
	parent->cmaj_flt += c->maj_flt + c->cmaj_flt;
	if (c->maxrss > parent->cmaxrss)
		parent->cmaxrss = c->maxrss;
	if (c->cmaxrss > parent->cmaxrss)
		parent->cmaxrss = c->cmaxrss;
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
	mm_munmap_all(mm);
	if (vmm->nr_dead < MAX_PROCS) {
		vmm->dead_mms[vmm->nr_dead++] = mm;
		return;
	}
	mm_destroy(mm);
}

/*
 * mm_release()'s clear_child_tid: with the mm still in use by another
 * process (vfork's parent), zero the tid and wake one futex waiter.
 */
static void clear_child_tid(struct vmm *vmm, struct process *p, struct mm_struct *mm)
{
	uint32_t zero = 0;

	if (!p->tid_address || !mm || mm_users(vmm, mm) - (p->mm == mm && !p->exited) < 1)
		return;
	if (!mm_copy_to_user(mm, p->tid_address, &zero, 4))
		futex_wake(vmm, mm, p->tid_address, true, 1, ~0U);
	p->tid_address = 0;
}

/* PR_SET_PDEATHSIG: the child hears of its parent's death */
static void send_pdeath_signal(struct vmm *vmm, struct process *c, int ppid)
{
	struct ksiginfo info = {
		.signo = c->pdeath_sig, .code = SI_USER, .pid = ppid, .uid = getuid(),
		.trapno = -1, .shared = true,
	};

	if (c->pdeath_sig && !c->exited)
		send_signal_to(vmm, c, &info);
}

static bool has_stopped_jobs(struct vmm *vmm, int pgid)
{
	struct process *p;

	for (p = vmm->procs; p; p = p->next)
		if (!p->exited && p->pgid == pgid && p->state == P_STOPPED)
			return true;
	return false;
}

/* SIGHUP then SIGCONT to every member of @pgid */
static void hup_and_continue(struct vmm *vmm, int pgid)
{
	struct ksiginfo info = { .code = SI_KERNEL, .trapno = -1, .shared = true };
	struct process *p;

	for (p = vmm->procs; p; p = p->next) {
		if (!p->nr_threads || p->pgid != pgid || p != p->group_leader)
			continue;
		info.signo = SIGHUP;
		send_signal_to(vmm, p, &info);
		info.signo = SIGCONT;
		send_signal_to(vmm, p, &info);
	}
}

/*
 * kill_orphaned_pgrp(): a group this exit orphans (@p, whose parent @parent
 * was its link to the session, is gone) and that has stopped members gets
 * SIGHUP and SIGCONT, so that nothing stays stopped with nobody to
 * continue it.
 */
static void kill_orphaned_pgrp(struct vmm *vmm, struct process *p, struct process *parent)
{
	if (!parent || parent->pgid == p->pgid || parent->sid != p->sid)
		return;
	if (pgrp_orphaned(vmm, p->pgid) && has_stopped_jobs(vmm, p->pgid))
		hup_and_continue(vmm, p->pgid);
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
		send_pdeath_signal(vmm, c, dead->pid);
		if (!c->exited)
			kill_orphaned_pgrp(vmm, c, dead);
	}
	kill_orphaned_pgrp(vmm, dead, dead->parent);
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
	wake_up_parent(vmm, parent);
}

/*
 * A task of a group that goes on: release_task() of a non-leader at once
 * (it is nobody's child), a leader stays a zombie until the group is empty
 * (delay_group_leader()).  Its CPU time goes to the group's leader, as
 * Linux keeps a dead thread's in signal_struct.
 */
static void exit_thread(struct vmm *vmm, struct process *p)
{
	struct process *leader = p->group_leader;

	if (p != leader) {
		leader->dead_utime += p->utime;
		leader->dead_stime += p->stime;
		p->parent = NULL;
	}
	/* the first process's mm stays for --maps; the others' users count drops */
	if (p != vmm->init)
		p->mm = NULL;
	/* de_thread(): the exec'ing task waits for the others to be gone */
	if (leader->group_exec_task && leader->nr_threads == 1)
		process_wake(vmm, leader->group_exec_task);
}

void do_exit(struct vmm *vmm, struct process *p, int status)
{
	struct process *leader = p->group_leader;

	if (p->exited)
		return;
	if (p == vmm->cur)
		acct_charge(vmm);
	/* a parent that dies between fork and its return lets its children go */
	fork_release(vmm, p->mm);
	exit_robust_list(vmm, p);
	acct_fold_mm(vmm, p, p->mm);
	clear_child_tid(vmm, p, p->mm);
	p->exited = true;
	p->wait_status = status;
	p->state = P_ZOMBIE;
	fs_close_all(p);
	vfork_done(vmm, p);
	if (--leader->nr_threads) {
		exit_thread(vmm, p);
		return;
	}
	/* the last task: the process exits, with the group's code if one was set */
	if (leader->group_exit)
		status = leader->group_exit_code;
	leader->wait_status = status;
	if (p != leader) {
		leader->dead_utime += p->utime;
		leader->dead_stime += p->stime;
		leader->min_flt += p->min_flt;
		leader->maj_flt += p->maj_flt;
		if (p->maxrss > leader->maxrss)
			leader->maxrss = p->maxrss;
		p->parent = NULL;
	}
	forget_children(vmm, leader);
	if (leader == vmm->init) {
		/* the run ends with the first process: its mm stays for --maps */
		vmm->done = true;
		vmm->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) :
				   128 + WTERMSIG(status);
		return;
	}
	mm_release(vmm, p->mm);
	p->mm = NULL;
	notify_parent(vmm, leader);
}

/*
 * zap_other_threads(): SIGKILL to every other task of the group; each dies
 * on its way back to user mode (signal_deliver()), wherever it runs.
 */
static void zap_other_threads(struct vmm *vmm, struct process *p)
{
	struct process *t;

	for (t = vmm->procs; t; t = t->next) {
		if (t == p || t->group_leader != p->group_leader || t->exited)
			continue;
		t->sig.pending |= SIG_BIT(SIGKILL);
		/* a call it sleeps in is not finished: it dies on the way out */
		t->sleeping_call = false;
		if (t->state == P_STOPPED || t->state == P_VFORK)
			t->state = P_SLEEPING;
		process_wake(vmm, t);
		task_kick(vmm, t);
	}
}

/* do_group_exit(): the whole group dies with @status, reported once */
void do_group_exit(struct vmm *vmm, int status)
{
	struct process *p = vmm->cur, *leader = p->group_leader;

	if (leader->group_exit) {
		status = leader->group_exit_code;
	} else if (!thread_group_empty(p)) {
		leader->group_exit = true;
		leader->group_exit_code = status;
		zap_other_threads(vmm, p);
	}
	do_exit(vmm, p, status);
}

long sys_exit_group(struct vmm *vmm, const uint64_t *a)
{
	do_group_exit(vmm, (int)(a[0] & 0xff) << 8);
	return 0;
}

/* exit(): this task only; the group goes on while it has others */
long sys_exit(struct vmm *vmm, const uint64_t *a)
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

/* copy_process()'s sharing: files, fs, sighand; the thread group */
static long child_share(struct vmm *vmm, struct process *c, struct process *p, uint64_t flags)
{
	long err = fs_fork(c, p, flags & K_CLONE_FILES);

	if (err)
		return err;
	err = sighand_fork(c, p, flags & K_CLONE_SIGHAND);
	if (err)
		return err;
	if (cwd_fork(c, p, flags & K_CLONE_FS))
		pr_err("fork: the child's working directory: out of host descriptors; it starts at /");
	/* a task on the same mm but its own stack: no altstack (sas_ss_reset()) */
	if ((flags & (K_CLONE_VM | K_CLONE_VFORK)) == K_CLONE_VM) {
		c->sig.ss_sp = c->sig.ss_size = 0;
		c->sig.ss_flags = SS_DISABLE;
	}
	if (flags & K_CLONE_THREAD) {
		/* a thread is nobody's child: the group's parent is the leader's */
		c->tgid = p->tgid;
		c->group_leader = p->group_leader;
		c->group_leader->nr_threads++;
		c->nr_threads = 0;	/* the leader's counts */
		c->parent = NULL;
		c->ppid = p->group_leader->ppid;
		c->exit_signal = -1;
	} else {
		/* the child of the process: any of its threads may wait for it */
		c->parent = p->group_leader;
		c->ppid = p->tgid;
		c->exit_signal = flags & 0xff;
	}
	return 0;
}

/* a child that could not be made: nothing of it was seen */
static void fork_undo(struct vmm *vmm, struct process *c)
{
	fs_close_all(c);
	if (c->mm && c->mm != vmm->cur->mm)
		mm_destroy(c->mm);
	process_free(vmm, c);
	vmm->next_pid--;
}

static long do_fork(struct vmm *vmm, uint64_t flags, uint64_t sp, uint64_t ptid,
		    uint64_t ctid, uint64_t tls)
{
	struct process *p = vmm->cur, *c;
	int err, pid;

	/* copy_thread(): ARCH_SET_FS past the user address space */
	if ((flags & K_CLONE_SETTLS) && tls >= TASK_SIZE_MAX)
		return -EPERM;
	if (vmm->nr_procs >= MAX_PROCS)
		return -EAGAIN;		/* RLIMIT_NPROC */
	c = process_alloc(vmm);
	if (!c)
		return -ENOMEM;
	pid = c->pid;
	if (flags & K_CLONE_VM) {
		c->mm = p->mm;		/* a thread, or vfork: the same address space */
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
	c->pgid = p->pgid;
	c->sid = p->sid;
	c->dumpable = p->dumpable;
	c->no_new_privs = p->no_new_privs;
	c->arg_start = p->arg_start;	/* the strings are in the copied stack */
	c->arg_end = p->arg_end;
	c->env_start = p->env_start;
	c->env_end = p->env_end;
	c->oom_score_adj = p->oom_score_adj;
	c->membarrier_state = p->membarrier_state;	/* dup_mm() copies the mm's */
	child_state(vmm, c, flags, sp, tls);
	child_signals(c, p);
	err = child_share(vmm, c, p, flags);
	if (err) {
		fork_undo(vmm, c);
		return err;
	}
	c->state = P_RUNNING;
	/*
	 * A fork's child waits until its parent's batch (the write-protects)
	 * has reached every vCPU of the parent's mm: before that, another
	 * thread may still write through a writable translation into a page
	 * the child now shares.  Linux flushes in dup_mmap() before
	 * wake_up_new_task().
	 */
	if (!(flags & K_CLONE_VM) && this_vcpu() && vmm->max_vcpus > 1)
		c->fork_hold = p->mm;
	if (flags & K_CLONE_CHILD_CLEARTID)
		c->tid_address = ctid;
	/* copy_process() ignores a fault here too */
	if (flags & K_CLONE_PARENT_SETTID)
		(void)copy_to_user(vmm, ptid, &pid, 4);
	if (flags & K_CLONE_CHILD_SETTID)
		mm_copy_to_user(c->mm, ctid, &pid, 4);
	if (flags & K_CLONE_VFORK) {
		c->vfork_parent = p;
		if (p->state == P_RUNNING)
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

/* copy_process()'s checks (kernel/fork.c), in its order */
static long clone_check(uint64_t flags)
{
	if ((flags & (K_CLONE_NEWNS | K_CLONE_FS)) == (K_CLONE_NEWNS | K_CLONE_FS))
		return -EINVAL;
	/* a thread group shares its signal handlers */
	if ((flags & K_CLONE_THREAD) && !(flags & K_CLONE_SIGHAND))
		return -EINVAL;
	/* shared signal handlers imply shared VM */
	if ((flags & K_CLONE_SIGHAND) && !(flags & K_CLONE_VM))
		return -EINVAL;
	/* namespaces, pidfds and the rest: nothing here has them */
	if (flags & ~(uint64_t)CLONE_SUPPORTED)
		return -EINVAL;
	return 0;
}

/* clone(flags, stack, parent_tid, child_tid, tls) */
long sys_clone(struct vmm *vmm, const uint64_t *a)
{
	uint64_t flags = a[0];
	long ret = clone_check(flags & ~0xffULL);

	if (ret)
		return ret;
	if ((flags & 0xff) >= NR_SIGNALS)
		return -EINVAL;
	return do_fork(vmm, flags, a[1], a[2], a[3], a[4]);
}

/* include/uapi/linux/sched.h */
struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

#define CLONE_ARGS_SIZE_VER0	64
#define K_CLONE_CLEAR_SIGHAND	0x100000000ULL
#define K_CLONE_INTO_CGROUP	0x200000000ULL

/* copy_struct_from_user(): a larger struct is fine if the rest is zero */
static long clone_args_copy(struct vmm *vmm, uint64_t uargs, uint64_t size,
			    struct clone_args *args)
{
	uint8_t tail[64];
	uint64_t off;

	if (size > PAGE_SIZE)
		return -E2BIG;
	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	memset(args, 0, sizeof(*args));
	if (copy_from_user(vmm, args, uargs, size < sizeof(*args) ? size : sizeof(*args)))
		return -EFAULT;
	for (off = sizeof(*args); off < size; off += sizeof(tail)) {
		uint64_t n = size - off < sizeof(tail) ? size - off : sizeof(tail), i;

		if (copy_from_user(vmm, tail, uargs + off, n))
			return -EFAULT;
		for (i = 0; i < n; i++)
			if (tail[i])
				return -E2BIG;
	}
	return 0;
}

/*
 * clone3(args, size): glibc's posix_spawn() and pthread_create() try it
 * first.  The same tasks as clone(); the stack is given by its lowest
 * address and size.
 */
long sys_clone3(struct vmm *vmm, const uint64_t *a)
{
	struct clone_args args;
	uint64_t sp = 0;
	long ret = clone_args_copy(vmm, a[0], a[1], &args);

	if (ret)
		return ret;
	/* clone3_args_valid() */
	if (args.flags & ~(0xffffffffULL & ~0xffULL) & ~(K_CLONE_CLEAR_SIGHAND | K_CLONE_INTO_CGROUP))
		return -EINVAL;
	if (args.flags & 0xff)
		return -EINVAL;		/* CSIGNAL goes in exit_signal */
	if (args.exit_signal >= NR_SIGNALS)
		return -EINVAL;
	if ((args.flags & (K_CLONE_THREAD | K_CLONE_PARENT)) && args.exit_signal)
		return -EINVAL;
	if ((args.flags & K_CLONE_CLEAR_SIGHAND) && (args.flags & K_CLONE_SIGHAND))
		return -EINVAL;
	if (!args.stack != !args.stack_size || args.set_tid_size || args.set_tid)
		return -EINVAL;
	ret = clone_check(args.flags & ~(K_CLONE_CLEAR_SIGHAND | K_CLONE_INTO_CGROUP));
	if (ret)
		return ret;
	if (args.flags & (K_CLONE_INTO_CGROUP | K_CLONE_PIDFD))
		return -EINVAL;		/* no cgroups, no pidfds here */
	if (args.stack)
		sp = args.stack + args.stack_size;
	ret = do_fork(vmm, (args.flags & ~0xffULL) | args.exit_signal, sp, args.parent_tid,
		      args.child_tid, args.tls);
	if (ret > 0 && (args.flags & K_CLONE_CLEAR_SIGHAND)) {
		struct process *c = find_process(vmm, (int)ret);

		if (c)
			signal_clear_handlers(c);
	}
	return ret;
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
	default:
		return c->pgid == id;
	}
}

struct wait_result {
	int pid, status;
	int code, chld_status;	/* waitid()'s si_code and chld_status */
	struct rusage ru;
};

/* wait_task_zombie() */
static long wait_zombie(struct vmm *vmm, struct process *c, int options,
			struct wait_result *wr)
{
	int st = c->wait_status;

	wr->pid = c->pid;
	wr->status = st;
	wr->code = WIFEXITED(st) ? CLD_EXITED : WCOREDUMP(st) ? CLD_DUMPED : CLD_KILLED;
	wr->chld_status = WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st);
	process_rusage(vmm, c, K_RUSAGE_BOTH, &wr->ru);
	if (!(options & K_WNOWAIT)) {
		acct_reap(vmm->cur->group_leader, c);
		process_free(vmm, c);
	}
	return wr->pid;
}

/*
 * wait_task_stopped() and wait_task_continued(): a stop or a continue not
 * yet reported; WNOWAIT leaves it for the next wait.
 */
static long wait_jobctl(struct vmm *vmm, struct process *c, int options,
			struct wait_result *wr)
{
	wr->pid = c->pid;
	wr->code = c->jobctl_report;
	if (c->jobctl_report == CLD_STOPPED) {
		wr->status = (c->stop_sig << 8) | 0x7f;
		wr->chld_status = c->stop_sig;
	} else {
		wr->status = 0xffff;
		wr->chld_status = SIGCONT;
	}
	process_rusage(vmm, c, K_RUSAGE_BOTH, &wr->ru);
	if (!(options & K_WNOWAIT))
		c->jobctl_report = 0;
	return wr->pid;
}

/*
 * do_wait(): a child matching (@type, @id) that exited (WEXITED), stopped
 * (WSTOPPED) or continued (WCONTINUED); 0 with none and WNOHANG; -ECHILD
 * with no such child; otherwise the caller sleeps, or -ERESTARTSYS when a
 * signal is pending.
 */
static long do_wait(struct vmm *vmm, int type, int id, int options, struct wait_result *wr)
{
	struct process *p = vmm->cur, *c;
	bool any = false;

	for (c = vmm->procs; c; c = c->next) {
		/* every thread waits for the process's children (no __WNOTHREAD here) */
		if (c->parent != p->group_leader || !wait_match(vmm, c, type, id))
			continue;
		any = true;
		/* delay_group_leader(): a leader whose threads live is no zombie yet */
		if (c->state == P_ZOMBIE && c->nr_threads) {
			continue;
		} else if (c->state == P_ZOMBIE) {
			if (options & K_WEXITED)
				return wait_zombie(vmm, c, options, wr);
			continue;
		}
		if ((options & K_WSTOPPED) && c->jobctl_report == CLD_STOPPED &&
		    c->state == P_STOPPED)
			return wait_jobctl(vmm, c, options, wr);
		if ((options & K_WCONTINUED) && c->jobctl_report == CLD_CONTINUED)
			return wait_jobctl(vmm, c, options, wr);
	}
	if (!any)
		return -ECHILD;
	if (options & K_WNOHANG)
		return 0;
	if (signal_pending(p))
		return -ERESTARTSYS;
	return sleep_on(vmm, wait_chldexit(p), 0, -ERESTARTSYS);
}

long sys_wait4(struct vmm *vmm, const uint64_t *a)
{
	int pid = (int)a[0], options = (int)a[2], type = K_P_PID, id = pid;
	struct wait_result wr = { 0 };
	long ret;

	if (options & ~(K_WNOHANG | WUNTRACED | K_WCONTINUED | K_WNOTHREAD | K_WCLONE | K_WALL))
		return -EINVAL;
	/* INT_MIN: -pid would overflow, kernel_wait4() says ESRCH */
	if (pid == -2147483647 - 1)
		return -ESRCH;
	if (pid == -1) {
		type = K_P_ALL;
	} else if (pid < 0) {
		type = K_P_PGID;
		id = -pid;
	} else if (pid == 0) {
		type = K_P_PGID;
		id = vmm->cur->pgid;
	}
	ret = do_wait(vmm, type, id, options | K_WEXITED, &wr);
	if (ret <= 0)
		return ret;
	if (a[1] && copy_to_user(vmm, a[1], &wr.status, 4))
		return -EFAULT;
	if (a[3] && copy_to_user(vmm, a[3], &wr.ru, sizeof(wr.ru)))
		return -EFAULT;
	return ret;
}

/* waitid(idtype, id, infop, options, rusage): the siginfo of the child */
long sys_waitid(struct vmm *vmm, const uint64_t *a)
{
	int type = (int)a[0], id = (int)a[1], options = (int)a[3];
	struct wait_result wr = { 0 };
	int32_t info[32] = { 0 };
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
		id = vmm->cur->pgid;
	ret = do_wait(vmm, type, id, options, &wr);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		info[0] = SIGCHLD;
		info[2] = wr.code;
		info[4] = wr.pid;
		info[5] = getuid();
		info[6] = wr.chld_status;
	}
	if (a[2] && copy_to_user(vmm, a[2], info, sizeof(info)))
		return -EFAULT;
	if (a[4] && copy_to_user(vmm, a[4], &wr.ru, sizeof(wr.ru)))
		return -EFAULT;
	return 0;
}

/* ---- job control: process groups, sessions, stop and continue ---- */

/* do_notify_parent_cldstop(): SIGCHLD unless SA_NOCLDSTOP, and wake the waiter */
static void notify_parent_cldstop(struct vmm *vmm, struct process *p, int why)
{
	struct process *parent = p->parent;
	struct ksiginfo info = {
		.signo = SIGCHLD, .code = why, .pid = p->pid, .uid = getuid(),
		.trapno = -1, .shared = true,
		.status = why == CLD_STOPPED ? p->stop_sig : SIGCONT,
	};

	if (!parent || !parent->nr_threads)
		return;
	if (!(parent->sig.action[SIGCHLD].flags & SA_NOCLDSTOP))
		send_signal_to(vmm, parent, &info);
	wake_up_parent(vmm, parent);
}

/*
 * do_signal_stop(): @p's whole group stops with @sig and is not scheduled
 * until SIGCONT; a thread sleeping in a call retries it when continued.
 */
void process_stop(struct vmm *vmm, struct process *p, int sig)
{
	struct process *leader = p->group_leader, *t;

	for (t = vmm->procs; t; t = t->next) {
		if (t->group_leader != leader || t->exited ||
		    (t->state != P_RUNNING && t->state != P_SLEEPING))
			continue;
		t->state = P_STOPPED;
		task_kick(vmm, t);
	}
	leader->stop_sig = sig;
	leader->jobctl_report = CLD_STOPPED;
	notify_parent_cldstop(vmm, leader, CLD_STOPPED);
	if (leader == vmm->cur->group_leader)
		vmm->need_resched = true;
}

/* prepare_signal()'s SIGCONT: a stopped group runs again, its parent hears */
void process_continue(struct vmm *vmm, struct process *p)
{
	struct process *leader = p->group_leader, *t;
	bool stopped = false;

	for (t = vmm->procs; t; t = t->next) {
		if (t->group_leader != leader || t->state != P_STOPPED)
			continue;
		t->state = P_RUNNING;
		stopped = true;
	}
	if (!stopped)
		return;
	smp_notify(vmm);
	leader->jobctl_report = CLD_CONTINUED;
	notify_parent_cldstop(vmm, leader, CLD_CONTINUED);
}

/*
 * will_become_orphaned_pgrp(): no member has a parent in another group of
 * the same session.  The first process's parent is the monitor's, outside
 * the guest; a reparented orphan's is init, in no session of ours.
 */
bool pgrp_orphaned(struct vmm *vmm, int pgid)
{
	struct process *p;

	for (p = vmm->procs; p; p = p->next) {
		if (p->exited || p->pgid != pgid)
			continue;
		if (p == vmm->init) {
			pid_t pp = getppid();

			if (getpgid(pp) != pgid && getsid(pp) == p->sid)
				return false;
		} else if (p->parent && p->parent->pgid != pgid &&
			   p->parent->sid == p->sid) {
			return false;
		}
	}
	return true;
}

/*
 * A process group exists in @sid: a guest process leads or belongs to it,
 * or it is the monitor's own, which lives outside the guest too.
 */
static bool pgrp_in_session(struct vmm *vmm, int pgid, int sid)
{
	struct process *p;

	for (p = vmm->procs; p; p = p->next)
		if (p->pgid == pgid && p->sid == sid)
			return true;
	return pgid == getpgrp() && sid == getsid(0);
}

/* setpgid(pid, pgid): kernel/sys.c */
long sys_setpgid(struct vmm *vmm, const uint64_t *a)
{
	struct process *cur = vmm->cur->group_leader, *p, *t;
	int pid = (int)a[0], pgid = (int)a[1];

	if (!pid)
		pid = cur->pid;
	if (!pgid)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	p = find_process(vmm, pid);
	if (p && p != p->group_leader)
		return -EINVAL;		/* a thread that does not lead its group */
	if (!p || (p != cur && p->parent != cur))
		return -ESRCH;
	if (p->parent == cur) {
		if (p->sid != cur->sid)
			return -EPERM;
		if (p->did_exec)
			return -EACCES;
	}
	if (p->sid == p->pid)
		return -EPERM;		/* a session leader */
	if (pgid != pid && !pgrp_in_session(vmm, pgid, cur->sid))
		return -EPERM;
	for (t = vmm->procs; t; t = t->next)
		if (t->group_leader == p)
			t->pgid = pgid;
	return 0;
}

/* the process @pid names (0: the caller), NULL if none */
static struct process *pid_task(struct vmm *vmm, int pid)
{
	struct process *p = pid ? find_process(vmm, pid) : vmm->cur;

	return p;
}

long sys_getpgid(struct vmm *vmm, const uint64_t *a)
{
	struct process *p = pid_task(vmm, (int)a[0]);

	return p ? p->pgid : -ESRCH;
}

long sys_getpgrp(struct vmm *vmm, const uint64_t *a)
{
	(void)a;
	return vmm->cur->pgid;
}

long sys_getsid(struct vmm *vmm, const uint64_t *a)
{
	struct process *p = pid_task(vmm, (int)a[0]);

	return p ? p->sid : -ESRCH;
}

/* ksys_setsid(): EPERM for whoever would lead an existing group */
long sys_setsid(struct vmm *vmm, const uint64_t *a)
{
	struct process *cur = vmm->cur->group_leader, *p;

	(void)a;
	for (p = vmm->procs; p; p = p->next)
		if (p->pgid == cur->pid)
			return -EPERM;
	if (cur->pid == getpgrp())
		return -EPERM;
	for (p = vmm->procs; p; p = p->next)
		if (p->group_leader == cur)
			p->sid = p->pgid = cur->pid;
	return cur->sid;
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

	acct_fold_mm(vmm, p, old);
	clear_child_tid(vmm, p, old);
	mm_release(vmm, old);
	p->did_exec = true;
	p->membarrier_state = 0;	/* membarrier_exec_mmap() */
	vfork_done(vmm, p);
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
	/* exec_mm_release(): the robust futexes it held in the old image die with it */
	exit_robust_list(vmm, p);
	p->mm = mm;
	if (elf_load(vmm, img, argv, envp)) {
		p->mm = old;
		mm_destroy(mm);
		return exec_fatal(vmm, path);
	}
	exec_commit(vmm, p, old, img, path);
	return 0;
}

/*
 * de_thread(), first half: the other threads are sent SIGKILL and the
 * caller sleeps in its execve until they are gone; the call is retried
 * then, from the start (it changed nothing yet).  Returns 0 when the
 * caller is alone.
 */
static long de_thread_wait(struct vmm *vmm)
{
	struct process *p = vmm->cur, *leader = p->group_leader;

	if (thread_group_empty(p)) {
		leader->group_exec_task = NULL;
		return 0;
	}
	/* dying anyway (another exec or an exit won): signal_deliver() ends it */
	if (leader->group_exit || (leader->group_exec_task && leader->group_exec_task != p))
		return -EAGAIN;
	if (!leader->group_exec_task) {
		leader->group_exec_task = p;
		zap_other_threads(vmm, p);
	}
	task_sleep(p);
	return -ERESTARTNOINTR;
}

/*
 * de_thread(), second half: an exec from a non-leader thread takes the
 * leader's place and pid (the old leader, a zombie, is released at once).
 */
static void de_thread_switch(struct vmm *vmm)
{
	struct process *p = vmm->cur, *leader = p->group_leader, *t;

	if (p == leader)
		return;
	p->pid = leader->pid;
	p->parent = leader->parent;
	p->ppid = leader->ppid;
	p->exit_signal = leader->exit_signal;
	p->start_time = leader->start_time;
	p->dead_utime = leader->dead_utime + leader->utime;
	p->dead_stime = leader->dead_stime + leader->stime;
	p->cutime = leader->cutime;
	p->cstime = leader->cstime;
	p->cmin_flt = leader->cmin_flt;
	p->cmaj_flt = leader->cmaj_flt;
	p->cmaxrss = leader->cmaxrss;
	p->min_flt += leader->min_flt;
	p->maj_flt += leader->maj_flt;
	if (leader->maxrss > p->maxrss)
		p->maxrss = leader->maxrss;
	p->oom_score_adj = leader->oom_score_adj;
	p->did_exec = leader->did_exec;
	p->pgid = leader->pgid;
	p->sid = leader->sid;
	/* the group's pending signals were the leader's to keep */
	p->sig.shared_pending = leader->sig.shared_pending;
	while (leader->sig.nr_queued) {
		if (leader->sig.queue[0].shared && p->sig.nr_queued < SIGQUEUE_MAX)
			p->sig.queue[p->sig.nr_queued++] = leader->sig.queue[0];
		memmove(leader->sig.queue, leader->sig.queue + 1,
			--leader->sig.nr_queued * sizeof(leader->sig.queue[0]));
	}
	for (t = vmm->procs; t; t = t->next)
		if (t->group_leader == leader)
			t->group_leader = p;
	p->nr_threads = leader->nr_threads;
	leader->nr_threads = 0;		/* a dead thread of p's group now */
	leader->pid = -1;
	leader->parent = NULL;
	if (vmm->init == leader)
		vmm->init = p;
	if (leader->mm) {
		/* the first process kept its mm for --maps: it is this task's */
		leader->mm = NULL;
	}
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
	if (!ret || img.fatal) {
		long wait = de_thread_wait(vmm);

		if (wait) {
			elf_close(&img);
			ret = wait;
			goto out;
		}
		de_thread_switch(vmm);
	}
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
	return vmm->cur->tgid;
}

long sys_gettid(struct vmm *vmm, const uint64_t *a)
{
	(void)a;
	return vmm->cur->pid;
}

/* the process's parent: the leader's, whichever thread asks */
long sys_getppid(struct vmm *vmm, const uint64_t *a)
{
	(void)a;
	return vmm->cur->group_leader->ppid;
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
