/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The monitor: one KVM VM with one vCPU running one static x86-64 Linux
 * program in ring 3, its address space owned by the MMU library (mmu/).
 */
#ifndef VMM_VMM_H
#define VMM_VMM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/kvm.h>

#include "../mmu/mm.h"
#include "uaccess.h"

#define NR_EXIT_REASONS	64
#define NR_SYSCALLS	512
#define NR_SIGNALS	65
/* signal @s in a 64-bit mask (sigset_t's first word, /proc's SigBlk) */
#define SIG_BIT(s)	(1ULL << ((s) - 1))
#define MAX_FDS		256

/* the IRET frame (Intel SDM Vol. 3A, 6.14.2) */
struct iret_frame {
	uint64_t rip, cs, rflags, rsp, ss;
};

struct vfile;	/* fs.h */

struct guest_sigaction {
	uint64_t handler, flags, restorer, mask;
};

/* a queued signal: Linux's kernel_siginfo, plus the trap for the report */
struct ksiginfo {
	int signo, code;
	uint64_t addr;		/* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
	int pid;		/* SI_USER, SI_TKILL, SIGCHLD */
	int status;		/* SIGCHLD: exit code or signal */
	unsigned int uid;
	int pkey;		/* SEGV_PKUERR: si_pkey */
	int trapno;		/* -1: not from a trap */
	uint64_t err;
	bool shared;		/* sent to the process (kill), not the thread */
};

#define SIGQUEUE_MAX	64

/* the task's signal state (Linux: task_struct, sighand, thread_struct) */
struct sigstate {
	uint64_t blocked;
	uint64_t pending, shared_pending;	/* the thread's, the process's */
	uint64_t saved_mask;	/* rt_sigsuspend: restored after delivery */
	bool restore_mask;
	struct guest_sigaction *action;	/* the task's sighand's (CLONE_SIGHAND shares it) */
	struct ksiginfo queue[SIGQUEUE_MAX];	/* the leader's also holds the group's */
	int nr_queued;
	uint64_t ss_sp, ss_size;	/* sigaltstack */
	uint32_t ss_flags;
	uint64_t trap_nr, error_code, cr2;	/* thread_struct: for sigcontext */
	int64_t syscall_nr;	/* orig_ax: -1 unless returning from a call */
	bool use_xsave;		/* KVM_GET_XSAVE works: frames carry XSAVE state */
	uint64_t xfeatures;	/* the guest's XCR0 */
	uint32_t xstate_size;	/* XSAVE standard-format size for xfeatures */
	uint32_t mxcsr_mask;
};

#define FAULT_HIST_BUCKETS	32	/* bucket b: [2^b, 2^(b+1)) cycles */

struct vmm_stats {
	uint64_t exits[NR_EXIT_REASONS];
	uint64_t exceptions[32];
	uint64_t syscalls;
	uint64_t hypercalls;
	uint64_t commit_chunks;
	uint64_t direct_returns;	/* back to ring 3 by setting registers, no IRET */
	uint64_t commits3;		/* commits written by the ring-3 helper */
	uint64_t shootdowns;		/* batches that waited for other vCPUs */
	uint64_t shootdown_kicks;	/* vCPUs kicked out of the guest for them */
	uint64_t kick_retries;		/* kicks sent again: the first was not noticed */
	int vcpus;			/* vCPUs started in the run */
	uint64_t reclaim_stops;		/* reclaims that stopped the other vCPUs */
	uint64_t shared_faults;		/* faults served under mmap_lock for read */
	/* time, in TSC cycles: inside KVM_RUN, and the whole run */
	uint64_t run_cycles, start_tsc, end_tsc;
	/*
	 * The monitor lock (smp.c), in TSC cycles summed over the vCPUs: how
	 * long it was held, and how long taking it waited; takes, and those
	 * that found it held.
	 */
	uint64_t lock_hold_cycles, lock_wait_cycles, lock_takes, lock_contended;
	uint64_t vcpu_cycles;		/* the vCPU threads' lifetimes, summed */
	/* host-side fault service time by kind: log2 buckets of cycles */
	uint64_t fault_hist[NR_FAULT_KINDS][FAULT_HIST_BUCKETS];
	uint64_t fault_cycles[NR_FAULT_KINDS];
};

/* the start-up probe's address space (cpu_x86_64.c, platform.c) */
#define PROBE_MARK(i)	(0x5052304245000000ULL + (i))
struct probe_space {
	uint64_t cr3;
	uint64_t *data_pte;	/* the entry of PROBE_DATA_VA, in host memory */
	uint64_t data_gpa[2];	/* frames filled with PROBE_MARK(0) and (1) */
};

/* what the probe measured at start-up (platform.c) */
struct platform_facts {
	bool syscall_ring0;	/* SYSCALL enters CPL 0 */
	bool host_pte_seen;	/* a host write to a present entry is seen after INVLPG */
	bool io3_refused;	/* IN/OUT at CPL 3 to a port the bitmap refuses: #GP */
	bool io3_bitmap;	/* ... and to a port it allows: the exit */
	bool io3_rip_after;	/* ... with RIP already past the OUT */
	unsigned int exits;	/* what the probe cost */
};

enum platform_mode { PLATFORM_AUTO, PLATFORM_NPT, PLATFORM_SHADOW };

struct platform;

/*
 * The vCPUs (smp.c).  Each runs on a host thread of its own; the monitor's
 * code is serialized by vmm->mmu_lock, held by a vCPU thread whenever it is
 * outside KVM_RUN, so guest code runs in parallel and exits are handled one
 * at a time, but for the first touches of anonymous memory that
 * fault_shared.c serves under mmap_lock for read.  The fields named in
 * VCPU_LOCAL are the holder's: struct vmm has one copy of each (vmm->cur,
 * vmm->run, ...), which the monitor's code has always used, and
 * vcpu_enter()/vcpu_leave() move them in from and out to the vCPU's struct
 * when its thread takes and drops the lock.
 */
#define MAX_VCPUS	64
#define DEFAULT_VCPUS	8	/* --vcpus: with at least SMP_MIN_MEM of --mem */
#define SMP_MIN_MEM	(256ULL << 20)

#define VCPU_LOCAL(X)							\
	X(struct process *, cur)					\
	X(struct kvm_run *, run)					\
	X(int, vcpu_fd)							\
	X(int, cpu_index)						\
	X(struct mm_struct *, loaded_mm)				\
	X(bool, need_resched)						\
	X(bool, flush_on_entry)						\
	X(bool, need_flush)						\
	X(bool, tick)							\
	X(bool, in_cctx)						\
	X(bool, tearing_down)						\
	X(struct mm_struct *, teardown_mm)				\
	X(size_t, teardown_next)					\
	X(struct kvm_regs, teardown_regs)				\
	X(struct kvm_regs, user_regs)					\
	X(struct mm_struct *, commit_mm)				\
	X(uint64_t, last_fault_addr)					\
	X(uint64_t, last_fault_rip)					\
	X(uint64_t, last_fault_syscalls)				\
	X(unsigned int, fault_repeats)

#define VCPU_FIELD(type, name)	type name;

struct vcpu {
	struct vmm *vmm;
	pthread_t thread;
	int tid;		/* its host thread, for the timeslice timer */
	bool started, failed;
	bool in_guest;		/* between dropping the lock for KVM_RUN and taking it back */
	bool idle;		/* nothing to run: waiting in schedule() */
	bool timer_armed;
	void *timer;		/* timer_t: its timeslice */
	/* frames of its handed-over batch, freed once every vCPU dropped them */
	struct frame_list deferred;
	/* frames its exits freed (zone->gather), freed after the shootdown */
	struct frame_list gather;
	uint64_t entries;	/* KVM_RUNs: a kicked vCPU that entered again has flushed */
	bool reclaim_stop;	/* its reclaim stopped the world */
	struct frame_list *reclaim_gather;	/* the gather, put aside while it reclaims */
	uint64_t kicks;		/* kicks that interrupted it */
	uint64_t start_tsc;	/* when its thread started */
	uint64_t held_since;	/* when it took the monitor lock */
	/* faults it served without the lock, added to vmm->stats when it takes it */
	struct shared_fault_stats {
		uint64_t faults, run_cycles, direct_returns;
		uint64_t fault_hist[NR_FAULT_KINDS][FAULT_HIST_BUCKETS];
		uint64_t fault_cycles[NR_FAULT_KINDS];
	} shared;
	VCPU_LOCAL(VCPU_FIELD)
};

#define MAX_PROCS	128	/* RLIMIT_NPROC of the guest (tasks: threads count): past it EAGAIN */
#define TIMESLICE_MS	10

enum proc_state {
	P_RUNNING,	/* runnable (or the current process) */
	P_SLEEPING,	/* in wait4, pause, sigsuspend: its call restarts when woken */
	P_VFORK,	/* vfork's parent: until the child execs or exits */
	P_ZOMBIE,	/* exited, waiting for its parent's wait */
	P_STOPPED,	/* SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU: until SIGCONT or SIGKILL */
};

/* CLONE_SIGHAND: the handlers, shared and refcounted (Linux: sighand_struct) */
struct sighand {
	int count;
	struct guest_sigaction action[NR_SIGNALS];
};

/* CLONE_FILES: the descriptor table, shared and refcounted (files_struct) */
struct files_struct {
	int count;
	struct vfile *fds[MAX_FDS];
	bool cloexec[MAX_FDS];
};

/* CLONE_FS: the working directory and umask, shared and refcounted (fs_struct) */
struct fs_struct {
	int count;
	char *cwd;		/* as the program sees it (malloc'ed; NULL: "/") */
	int cwd_fd;		/* its host directory (O_PATH), -1: the root */
	unsigned int umask;	/* applied to every create (the monitor's own is 0) */
};

/*
 * A guest process (Linux: task_struct with its mm, files, signal state).
 * While it is not on the vCPU its user state is here: the general registers,
 * the IRET frame (RIP, CS, RFLAGS, RSP, SS), FS/GS base and the XSAVE image.
 */
struct process {
	int pid, ppid;		/* pid is the task's (gettid), tgid the process's */
	int tgid;
	struct process *group_leader;	/* the thread group's first task (itself if alone) */
	int nr_threads;		/* the leader's: live tasks of the group */
	bool group_exit;	/* the leader's: exit_group or a fatal signal is ending the group */
	int group_exit_code;	/* ... with this wait status */
	struct process *group_exec_task;	/* the leader's: a task in execve waiting for the others to die */
	struct process *parent;	/* NULL once reparented to init */
	struct process *next;	/* all processes, in creation order */
	enum proc_state state;
	bool exited;		/* dead: a zombie or about to be freed */
	bool on_cpu_state;	/* false: the saved state below is current */
	struct vcpu *on_cpu;	/* the vCPU it is loaded on (its state is there), or NULL */
	struct mm_struct *fork_hold;	/* fork's child: until this mm's batch is everywhere */
	int exit_signal;	/* sent to the parent at exit (SIGCHLD) */
	int wait_status;	/* as wait4 reports it */
	struct process *vfork_parent;	/* suspended until we exec or exit */
	bool sleeping_call;	/* its system call is retried when it is woken */
	bool retrying;		/* the call is being retried, not entered */

	struct mm_struct *mm;
	struct kvm_regs regs;
	struct iret_frame frame;
	uint64_t fs_base, gs_base;
	struct kvm_xsave *xsave;	/* KVM_GET_XSAVE (or the FXSAVE image) */

	struct sigstate sig;
	struct sighand *sighand;
	struct files_struct *files;
	struct vfile **fds;	/* files->fds */
	bool *cloexec;		/* files->cloexec */
	struct fs_struct *fs;
	uint64_t tid_address;
	char *exe_path;		/* malloc'ed */
	char comm[16];		/* /proc/self/status Name */
	size_t commit_next;	/* commit log entries already handed over (per task: each
				   task of a shared mm hands over from its own position) */
	uint64_t rlim[16][2];	/* rlimits not owned by the MMU */
	/* job control (procs: process.c, signal.c, sys.c) */
	int pgid, sid;		/* process group and session */
	bool did_exec;		/* setpgid() on a child that exec'ed: EACCES */
	int jobctl_report;	/* CLD_STOPPED or CLD_CONTINUED, until a wait sees it */
	int stop_sig;		/* the signal that stopped it */
	/* start-up calls (sys.c, futex.c) */
	uint64_t robust_list;	/* set_robust_list's head */
	int pdeath_sig;		/* PR_SET_PDEATHSIG */
	int dumpable;		/* PR_SET_DUMPABLE */
	bool no_new_privs;	/* PR_SET_NO_NEW_PRIVS */
	int membarrier_state;	/* the mm's MEMBARRIER_CMD_REGISTER_* done (fork copies it) */
	/* accounting (getrusage, times): microseconds, faults, KiB */
	uint64_t utime, stime, cutime, cstime;
	uint64_t dead_utime, dead_stime;	/* the leader's: its dead threads' (signal_struct's) */
	uint64_t min_flt, maj_flt, cmin_flt, cmaj_flt;
	uint64_t maxrss, cmaxrss;
	/* FUTEX_WAIT (futex.c): what it sleeps on, and whether a wake came */
	const void *futex_key_obj;	/* the mm, or the shared mapping's address_space */
	uint64_t futex_key_off;
	uint32_t futex_bitset;
	bool futex_woken;
	/* mm->arg_start..env_end: the strings exec put on the stack (/proc/PID/cmdline) */
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t start_time;	/* CLOCK_BOOTTIME at creation, ns (/proc/PID/stat) */
	int oom_score_adj;	/* /proc/PID/oom_score_adj (signal_struct's: fork copies it) */

	/* what a sleeping call waits for (process.c: sleep_on(), wake_up()) */
	const void *wait_chan;	/* wake_up(@chan) wakes it; WAIT_ANY_CHAN: any channel */
	int64_t wake_ns;	/* CLOCK_MONOTONIC time to wake it at, 0: none */
	int wait_host_fd;	/* a host fd to become ready for wait_host_events */
	short wait_host_events;	/* 0: no host fd */
	int64_t timeout_ns;	/* the sleeping call's own deadline, kept across retries */
	uint64_t io_done;	/* a blocking write: bytes written before it slept */
	struct vfile *fifo_wait;	/* a FIFO open waiting for its partner (pipe.c) */
	unsigned int fifo_counter;	/* ... until this partner counter moves */
};

struct vmm {
	/* options */
	uint64_t mem_size;
	const char *root;
	int root_fd;
	bool made_tmp;		/* the root had no /tmp: the monitor made it for the run */
	bool trace, show_maps, show_stats;
	bool check;		/* --check: validate_mms() after every exit */
	uint64_t bench_floor;	/* --exit-floor N: hypercall round trips to time */
	/* fast paths (--fast-exit, --batch, --prezero; the MMU's are in the zone) */
	bool fast_exit;		/* SYSCALL entry page at LSTAR; return without IRET */
	bool batch;		/* a whole commit per exit (off: one entry per exit) */
	bool prezero;		/* a host thread zeroes free frames while the guest runs */
	bool host_thp;		/* guest memory on the host's transparent huge pages */
	bool ring3_commit;	/* large commits written by a ring-3 helper */
	uint64_t cctx_cr3;	/* the commit context's PGD, 0 without one */
	bool fast_paths;	/* --fast-paths off: every fast path off, the MMU's too */
	/* protection keys: KVM offers PKU and --pku is not off (SDM Vol. 3A, 4.6.2) */
	bool pku_allowed;	/* --pku on|off */
	bool has_pku;		/* the vCPU has them: CPUID.7.ECX.PKU, CR4.PKE, XCR0.PKRU */
	/* the platform: what the probe found and the commit protocol it chose */
	enum platform_mode platform_mode;	/* --platform */
	const struct platform *platform;
	struct platform_facts facts;
	struct probe_space probe;
	const char *fast_path_note;	/* a fast path the platform turned off, and why */

	/* KVM */
	int kvm_fd, vm_fd;
	uint8_t *mem;		/* guest-physical 0 */
	uint64_t kern_gpa;	/* the monitor's region (guest/trampoline.h) */
	uint64_t kern_size;
	struct kvm_segment kern_cs, kern_ss;	/* ring 0, for entering the stubs */

	/* MMU */
	struct zone *zone;
	/* --prezero: the zeroing thread; while it runs, mmu_lock guards the zone */
	struct prezero *pz;
	pthread_mutex_t mmu_lock;
	/* write: with mmu_lock; read: a fault served without it (fault_shared.c) */
	pthread_rwlock_t mmap_lock;
	bool shared_faults;	/* --shared-faults: on unless told off */

	/*
	 * The holder's vCPU (see struct vcpu): cur is the process on it, run
	 * its kvm_run, need_resched the timeslice ran out or sched_yield,
	 * flush_on_entry CR3 changed (the guest reloads it before IRET),
	 * need_flush another vCPU changed the tables this one may cache,
	 * user_regs the program's while a commit stub runs, commit_mm the mm
	 * whose batch this vCPU has handed over and not yet seen applied.
	 */
	VCPU_LOCAL(VCPU_FIELD)
	struct vcpu *cpus[MAX_VCPUS];
	int nr_vcpus, max_vcpus;	/* started, --vcpus */
	pthread_cond_t cpu_cond;	/* a vCPU left the guest, an mm's commit ended */
	pthread_cond_t idle_cond;	/* a process became runnable */
	int idle_fd;			/* eventfd: wakes the vCPU waiting on host fds */
	struct vcpu *host_waiter;	/* the vCPU waiting on host fds and deadlines */
	struct vcpu *stop_world;	/* --check: every other vCPU out of the guest */
	bool timeslices;		/* more than one process: timers armed */
	bool vcpu_failed;		/* a vCPU could not start: no more tried */
	size_t run_size;

	/* processes */
	struct process *procs;	/* every process not yet reaped */
	struct process *init;	/* the first: its exit ends the run */
	int nr_procs;
	int next_pid;
	struct mm_struct *dead_mms[MAX_PROCS];	/* unmapped, the guest writes the clears */
	int nr_dead;
	bool done;		/* the first process exited */
	int exit_status;	/* what ./vmm exits with */
	/* what the monitor was started with: the first process inherits it */
	uint64_t start_ignored, start_blocked;	/* bit sig - 1 */
	struct file_table *ftab;	/* host files' MMU views by (dev, ino) */

	/* diagnostics */
	bool trace_named[NR_SYSCALLS];
	FILE *trace_out;	/* --trace's lines: stderr, or the --trace-file */
	bool trace_file;	/* --trace-file: every line has the pid, as strace -f -o */
	struct vmm_stats stats;
};

/* util.c: kvmtool-style messages */
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void die_perror(const char *what) __attribute__((noreturn));

/* smp.c: the vCPUs, the monitor lock, TLB shootdown */
struct vcpu *this_vcpu(void);
int smp_init(struct vmm *vmm);
int smp_setup_vcpu0(struct vmm *vmm);
void smp_exit(struct vmm *vmm);
void vcpu_enter(struct vmm *vmm);
void vcpu_leave(struct vmm *vmm);
void vcpu_wait(struct vmm *vmm, pthread_cond_t *cond, int ms);
void vcpu_unlock(struct vmm *vmm);
void vcpu_relock(struct vmm *vmm);
bool vcpu_consume_signals(struct vmm *vmm);
void vcpu_kick(struct vmm *vmm, struct vcpu *c);
void task_kick(struct vmm *vmm, struct process *p);
void task_kick_sync(struct vmm *vmm, struct process *p);
void smp_notify(struct vmm *vmm);
bool smp_mm_in_guest(struct vmm *vmm, struct mm_struct *mm);
void smp_balance(struct vmm *vmm);
void smp_wake_all(struct vmm *vmm);
bool smp_stop_world(struct vmm *vmm);
void smp_start_world(struct vmm *vmm);
void tlb_shootdown(struct vmm *vmm, struct mm_struct *mm);
void mm_commit_begin(struct vmm *vmm, struct mm_struct *mm);
void mm_commit_end(struct vmm *vmm);
void mm_wait_commit(struct vmm *vmm);
struct frame_list *vcpu_deferred(void);
bool vcpu_gathered(void);
void vcpu_release_gathered(struct vmm *vmm);

/* prezero.c */
void prezero_start(struct vmm *vmm);
void prezero_kick(struct vmm *vmm);
void prezero_stop(struct vmm *vmm);

/* kvm.c */
int kvm_init(struct vmm *vmm);
int kvm_create_vcpu(struct vmm *vmm, int index);
void kvm_exit_vm(struct vmm *vmm);
int kvm_run_once(struct vmm *vmm);
/* fault_shared.c */
bool vcpu_fault_shared(struct vmm *vmm, uint64_t run_cycles);
void shared_fault_stats_fold(struct vmm *vmm, struct vcpu *c);
void shared_fault_stats_fold_all(struct vmm *vmm);
const char *kvm_exit_reason_name(unsigned int reason);

/* cpu_x86_64.c */
int cpu_setup(struct vmm *vmm);
int cpu_setup_vcpu(struct vmm *vmm);
uint64_t kern_phys(const struct vmm *vmm, uint64_t off);
int cpu_load_mm(struct vmm *vmm);
int cpu_set_sregs(struct vmm *vmm, uint64_t cr3);
uint64_t kern_va(const struct vmm *vmm, uint64_t off);
void *kern_ptr(const struct vmm *vmm, uint64_t off);
uint64_t kern_va_cpu(const struct vmm *vmm, int cpu, uint64_t off);
void *kern_ptr_cpu(const struct vmm *vmm, int cpu, uint64_t off);
void cpu_user_segment(struct kvm_segment *s, uint16_t sel);
void cpu_io_bitmap(struct vmm *vmm, bool probing);
int cpu_set_fs_base(struct vmm *vmm, uint64_t base);
uint32_t pkru_get(struct vmm *vmm);
uint32_t pkru_get_fd(struct vmm *vmm, int vcpu_fd);
void pkru_set(struct vmm *vmm, uint32_t pkru);
bool vector_has_error_code(unsigned int vec);

/* trap.c */
int vmm_run(struct vmm *vmm);
void vcpu_loop(struct vmm *vmm);
void vmm_exit_all(struct vmm *vmm);
struct iret_frame *trap_frame(struct vmm *vmm);
void return_to_user(struct vmm *vmm);
void guest_kill(struct vmm *vmm, int signo);
void enter_stub(struct vmm *vmm, uint64_t off);
void enter_stub_cpu(const struct vmm *vmm, int cpu, struct kvm_run *run, uint64_t off);
bool user_frame_ok(const struct iret_frame *f);
void load_user_frame(struct kvm_run *run, const struct iret_frame *f);
unsigned int pf_fault_flags(uint64_t ec);
void account_fault(uint64_t (*hist)[FAULT_HIST_BUCKETS], uint64_t *total,
		   enum fault_kind kind, uint64_t cycles);
void resume_user(struct vmm *vmm);
void resume_inval_iret(struct vmm *vmm, const uint64_t *inval, size_t nr, bool flush);
uint64_t tramp_va(struct vmm *vmm, uint64_t off);
uint64_t trap_frame_va(struct vmm *vmm);
bool from_trampoline(struct vmm *vmm, uint64_t off);
bool from_trampoline_cpu(const struct vmm *vmm, int cpu, const struct kvm_run *run,
			 uint64_t off);
bool in_trampoline(struct vmm *vmm);
void fpu_reset(struct vmm *vmm);
uint64_t bench_exit_floor(struct vmm *vmm, uint64_t n);
uint64_t bench_user_exit_floor(struct vmm *vmm, uint64_t n);

/* signal.c: Linux's signal delivery (kernel/signal.c, arch/x86/kernel/signal*.c) */
void signal_init(struct vmm *vmm);
void force_sig_fault(struct vmm *vmm, int sig, int code, uint64_t addr,
		     int trapno, uint64_t err);
void force_sig_pkuerr(struct vmm *vmm, uint64_t addr, int pkey, uint64_t err);
void force_sig_kernel(struct vmm *vmm, int sig, int trapno, uint64_t err);
void signal_deliver(struct vmm *vmm);

/* process.c: fork, exec, exit, wait, the scheduler */
struct process *process_first(struct vmm *vmm);
struct process *find_process(struct vmm *vmm, int pid);
void do_exit(struct vmm *vmm, struct process *p, int status);
void process_wake(struct vmm *vmm, struct process *p);
void fork_release(struct vmm *vmm, struct mm_struct *mm);
void task_sleep(struct process *p);
void do_group_exit(struct vmm *vmm, int status);
bool thread_group_empty(struct process *p);
bool schedule(struct vmm *vmm);
void preempt_user(struct vmm *vmm);
int timer_setup(struct vmm *vmm);
int mm_users(struct vmm *vmm, struct mm_struct *mm);
void process_stop(struct vmm *vmm, struct process *p, int sig);
void process_continue(struct vmm *vmm, struct process *p);
bool pgrp_orphaned(struct vmm *vmm, int pgid);
struct rusage;
void process_rusage(struct vmm *vmm, struct process *p, int who, struct rusage *ru);

/* futex.c */
int futex_wake(struct vmm *vmm, struct mm_struct *mm, uint64_t uaddr, bool shared,
	       int nr, uint32_t bitset);
void exit_robust_list(struct vmm *vmm, struct process *p);

/* process.c: sleeping in a call until an event, a host fd or a deadline */
#define WAIT_ANY_CHAN	((const void *)1)	/* poll: woken by any wake_up() */
int64_t now_ns(void);
long sleep_on(struct vmm *vmm, const void *chan, int64_t wake_ns, long ret);
void sleep_on_host(struct vmm *vmm, int fd, short events);
void wake_up(struct vmm *vmm, const void *chan);

/* signal.c, across processes */
int send_signal_to(struct vmm *vmm, struct process *p, const struct ksiginfo *info);
void signal_exec(struct process *p);
void signal_clear_handlers(struct process *p);
int sighand_init(struct process *p);
int sighand_fork(struct process *c, struct process *p, bool share);
void sighand_put(struct process *p);
bool signal_pending(struct process *p);
bool sigchld_autoreap(struct process *parent);

/* syscall.c */
void syscall_dispatch(struct vmm *vmm);
const char *syscall_name(unsigned long nr);
/* syscall_trace.c: strace's "--- SIGx {...} ---" for a signal being delivered */
void trace_signal(struct vmm *vmm, const struct ksiginfo *info);

/* the guest's files (fs.h has the rest) */
void fs_init(struct vmm *vmm);
void fs_close_all(struct process *p);
int fs_fork(struct process *child, struct process *parent, bool share);
int files_init(struct process *p);
void fs_exec(struct process *p);
int fs_open_exec(struct vmm *vmm, uint64_t upath, char *path, size_t len);
int fs_open_exec_path(struct vmm *vmm, const char *path);
struct file *fs_mmap_file(struct vmm *vmm, int fd, int prot, int flags, long *err);
struct file *ftab_open(struct vmm *vmm, int hfd, const char *path, unsigned int f_mode);
/* namei.c: the working directory, by process */
void cwd_init(struct vmm *vmm, struct process *p);
int cwd_fork(struct process *child, struct process *parent, bool share);
void cwd_exit(struct process *p);
void exe_guest_path(struct vmm *vmm, char **realpath, int hfd);
void ftab_exit(struct vmm *vmm);

/* inject.c: --inject, --seed */
int inject_parse(const char *arg);
int inject_parse_seed(const char *arg);
int inject_setup(struct vmm *vmm);
void inject_print_stats(struct vmm *vmm, FILE *out);
void inject_report_hazards(void);

/* reclaim.c: --swap, the reclaim counters, the OOM kill */
int reclaim_parse_swap(const char *arg, int (*parse_size)(const char *, uint64_t *));
int reclaim_setup(struct vmm *vmm);
void reclaim_print_stats(struct vmm *vmm, FILE *out);
void oom_kill_report(struct mm_struct *mm, int pid, const char *comm);

/* diag.c */
void diag_fault_report(struct vmm *vmm, int signo, int si_code, uint64_t addr,
		       unsigned int vec, uint64_t error_code);
void diag_print_maps(struct vmm *vmm, FILE *out);
void diag_print_stats(struct vmm *vmm, FILE *out);
void diag_print_regs(struct vmm *vmm, FILE *out);
size_t peek_user(struct vmm *vmm, uint64_t addr, uint8_t *dst, size_t n, bool entry_page);
void diag_signal_report(struct vmm *vmm, int signo, const char *why);

/* procfs.c */
uint64_t boottime_ns(void);	/* CLOCK_BOOTTIME: the processes' start times */


#endif
