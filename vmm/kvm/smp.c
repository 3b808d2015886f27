// SPDX-License-Identifier: GPL-2.0
/*
 * Several vCPUs, each on a host thread of its own, sharing the guest's
 * address spaces.
 *
 * Locking.  One lock, vmm->mmu_lock, serializes the monitor: a vCPU's thread
 * holds it whenever it is outside KVM_RUN, so exits are handled one at a
 * time (the MMU library, the processes, the files) while guest code runs in
 * parallel on every vCPU.  Its holder also holds vmm->mmap_lock for write;
 * page faults that are first touches of anonymous memory take mmap_lock
 * for read instead, without the monitor lock, and run concurrently with
 * each other (fault_shared.c, and mmu/mm_types.h for what the MMU locks
 * inside).  As Linux's per-VMA-lock faults, they fall back to the lock
 * held exclusively for anything else.  The fields of struct vmm that
 * describe "this vCPU" (VCPU_LOCAL in vmm.h: vmm->cur, vmm->run, ...) are
 * the lock holder's: vcpu_enter() loads them from the thread's struct vcpu
 * when it takes the lock, vcpu_leave() stores them back when it drops it.
 * Every wait that drops the lock goes through vcpu_wait().
 *
 * TLB shootdown, as Linux's flush_tlb_mm_range() with mm_cpumask: a batch
 * that changes or removes translations of an mm is handed to the guest on
 * the vCPU that made it (the platform's commit), and every other vCPU whose
 * CR3 holds that mm gets need_flush, so that it invalidates before it runs
 * guest code again.  Those inside KVM_RUN are kicked out with SIG_KICK (the
 * IPI) and the batch's owner waits until each has left the guest; vCPUs not
 * in the guest are not interrupted (lazy: they flush on their next entry, a
 * vCPU that switches CR3 flushes anyway).  Only then are the batch's
 * page-table frames freed and the call returns: no vCPU can use the old
 * translation afterwards.  While one vCPU applies a batch of an mm (from
 * handing it over until the guest has written it, on shadow paging several
 * exits), it owns the mm's commit log (log.owner) and the other vCPUs of
 * that mm wait before they touch it (mm_wait_commit()), so no older
 * re-write overtakes a newer one.
 *
 * Frames, as Linux's mmu_gather: with other vCPUs about, a frame freed while
 * handling an exit (munmap's pages, a COW break's old page, a dead mm's
 * tables) goes to the vCPU's gather (zone->gather), not the free lists,
 * and back to the zone only after the shootdown, so no stale translation
 * can reach it once it has a new owner.  A fork's child waits likewise
 * (fork_hold) until its parent's batch, the write-protects, is everywhere,
 * or until no vCPU runs the parent's mm in the guest: every entry with an
 * mm whose batch is pending applies it first, an interrupted run included
 * (preempt_user()).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "vmm.h"

#define SIG_KICK	(SIGRTMIN + 1)	/* SIGRTMIN is main.c's stop timer */

static __thread struct vcpu *self;

struct vcpu *this_vcpu(void)
{
	return self;
}

#define VCPU_LOAD(type, name)	vmm->name = self->name;
#define VCPU_STORE(type, name)	self->name = vmm->name;

static void locals_store(struct vmm *vmm)
{
	if (vmm->cur && vmm->cur->mm)
		vmm->loaded_mm = vmm->cur->mm;
	if (vmm->zone)
		vmm->zone->gather = NULL;
	VCPU_LOCAL(VCPU_STORE)
}

/*
 * With other vCPUs about, a frame this one frees may still be reached
 * through their stale translations: it waits in the gather until the
 * shootdown that follows (vcpu_release_gathered()).
 */
static void locals_load(struct vmm *vmm)
{
	VCPU_LOCAL(VCPU_LOAD)
	if (vmm->zone)
		vmm->zone->gather = vmm->nr_vcpus > 1 ? &self->gather : NULL;
}

bool vcpu_gathered(void)
{
	return self->gather.nr > 0;
}

/* after the shootdown: what this vCPU's exits freed goes back to the zone */
void vcpu_release_gathered(struct vmm *vmm)
{
	zone_release_gathered(vmm->zone, &self->gather);
}

/*
 * The monitor lock, measured: what it costs the vCPUs to take it and how
 * long each holds it (--stats, /proc/vmm/stats lock_*), the figures that
 * say how far one lock lets exits scale.
 */
static void lock_take(struct vmm *vmm)
{
	uint64_t t0;

	if (pthread_mutex_trylock(&vmm->mmu_lock)) {
		t0 = __rdtsc();
		pthread_mutex_lock(&vmm->mmu_lock);
		vmm->stats.lock_wait_cycles += __rdtsc() - t0;
		vmm->stats.lock_contended++;
	}
	/* faults in flight under mmap_lock for read end first (writer preferred) */
	pthread_rwlock_wrlock(&vmm->mmap_lock);
	vmm->stats.lock_takes++;
	self->held_since = __rdtsc();
}

static void lock_drop(struct vmm *vmm)
{
	vmm->stats.lock_hold_cycles += __rdtsc() - self->held_since;
	pthread_rwlock_unlock(&vmm->mmap_lock);
	pthread_mutex_unlock(&vmm->mmu_lock);
}

/* around a wait on a condition: the locks are not held meanwhile */
static void cond_wait_held(struct vmm *vmm, pthread_cond_t *cond, const struct timespec *until)
{
	vmm->stats.lock_hold_cycles += __rdtsc() - self->held_since;
	pthread_rwlock_unlock(&vmm->mmap_lock);
	if (until)
		pthread_cond_timedwait(cond, &vmm->mmu_lock, until);
	else
		pthread_cond_wait(cond, &vmm->mmu_lock);
	pthread_rwlock_wrlock(&vmm->mmap_lock);
	self->held_since = __rdtsc();
}

/* into KVM_RUN: the lock goes to the other vCPUs */
void vcpu_leave(struct vmm *vmm)
{
	while (vmm->stop_world && vmm->stop_world != self && !vmm->done)
		vcpu_wait(vmm, &vmm->cpu_cond, 0);
	locals_store(vmm);
	self->in_guest = true;
	self->entries++;
	lock_drop(vmm);
}

/*
 * The lock is taken again: while another vCPU has the world stopped
 * (reclaim, --check), it alone runs the monitor's code; the others wait
 * here before they touch anything.
 */
static void wait_world(struct vmm *vmm)
{
	while (vmm->stop_world && vmm->stop_world != self && !vmm->done)
		cond_wait_held(vmm, &vmm->cpu_cond, NULL);
}

/* out of KVM_RUN */
void vcpu_enter(struct vmm *vmm)
{
	lock_take(vmm);
	self->in_guest = false;
	shared_fault_stats_fold(vmm, self);
	pthread_cond_broadcast(&vmm->cpu_cond);
	wait_world(vmm);
	locals_load(vmm);
}

/*
 * Wait on @cond with the lock dropped; @ms > 0 bounds the wait.  The
 * holder's fields go to its struct vcpu meanwhile: other vCPUs take the
 * lock and use them.
 */
void vcpu_wait(struct vmm *vmm, pthread_cond_t *cond, int ms)
{
	struct timespec until;

	locals_store(vmm);
	if (ms > 0) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += ms / 1000;
		until.tv_nsec += (long)(ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		cond_wait_held(vmm, cond, &until);
	} else {
		cond_wait_held(vmm, cond, NULL);
	}
	wait_world(vmm);
	locals_load(vmm);
}

/* the lock dropped around a host call that may block (smp_unlock/relock) */
void vcpu_unlock(struct vmm *vmm)
{
	locals_store(vmm);
	lock_drop(vmm);
}

void vcpu_relock(struct vmm *vmm)
{
	lock_take(vmm);
	wait_world(vmm);
	locals_load(vmm);
}

static void kick_handler(int sig)
{
	(void)sig;
}

static void timer_handler(int sig)
{
	(void)sig;
}

/*
 * After KVM_RUN returned EINTR: take this thread's pending timeslice tick
 * and kicks, which stay blocked outside KVM_RUN.  True if the timeslice ran
 * out.
 */
bool vcpu_consume_signals(struct vmm *vmm)
{
	static const struct timespec zero;
	sigset_t set;
	bool tick = false;
	int sig;

	(void)vmm;
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIG_KICK);
	while ((sig = sigtimedwait(&set, NULL, &zero)) > 0)
		tick |= sig == SIGALRM;
	return tick;
}

/*
 * The signals that may interrupt KVM_RUN: the thread's mask with the
 * timeslice and the kick taken out (KVM_SET_SIGNAL_MASK).  Outside KVM_RUN
 * both stay blocked, so they never interrupt a host call of the monitor.
 */
static int vcpu_signal_mask(struct vmm *vmm)
{
	struct {
		struct kvm_signal_mask hdr;
		uint64_t set;
	} km = { .hdr.len = 8 };
	struct sigaction sa = { .sa_handler = kick_handler };
	sigset_t set, cur;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIG_KICK);
	if (sigaction(SIG_KICK, &sa, NULL))
		return -1;
	sa.sa_handler = timer_handler;
	if (sigaction(SIGALRM, &sa, NULL) || pthread_sigmask(SIG_BLOCK, &set, &cur))
		return -1;
	sigdelset(&cur, SIGALRM);
	sigdelset(&cur, SIG_KICK);
	memcpy(&km.set, &cur, 8);
	if (ioctl(vmm->vcpu_fd, KVM_SET_SIGNAL_MASK, &km) < 0) {
		pr_err("KVM_SET_SIGNAL_MASK: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* the timeslice of vCPU @c: a periodic SIGALRM to its thread */
static int vcpu_timer(struct vcpu *c)
{
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM };
	struct itimerspec its = { { 0, TIMESLICE_MS * 1000000L },
				  { 0, TIMESLICE_MS * 1000000L } };
	timer_t t;

	if (c->timer_armed)
		return 0;
	sev._sigev_un._tid = c->tid;
	if (timer_create(CLOCK_MONOTONIC, &sev, &t) || timer_settime(t, 0, &its, NULL))
		return -1;
	c->timer = t;
	c->timer_armed = true;
	return 0;
}

/*
 * More than one process: every vCPU gets its timeslice, so that a process
 * that never traps cannot keep the others off its vCPU.
 */
int timer_setup(struct vmm *vmm)
{
	int i;

	vmm->timeslices = true;
	/* a vCPU still starting arms its own (vcpu_thread()) */
	for (i = 0; i < vmm->nr_vcpus; i++)
		if (vmm->cpus[i]->started && vcpu_timer(vmm->cpus[i]))
			return -1;
	return 0;
}

/* make vCPU @c leave the guest (an IPI); it handles the exit when it can */
void vcpu_kick(struct vmm *vmm, struct vcpu *c)
{
	(void)vmm;
	if (c == self || !c->in_guest)
		return;
	c->kicks++;
	pthread_kill(c->thread, SIG_KICK);
}

/*
 * Until vCPU @c, kicked, has left the guest it was in at its @entries-th
 * KVM_RUN.  The kick is sent again every KICK_RETRY_MS: on the PVM
 * /dev/kvm a signal to a thread in KVM_RUN is now and then not noticed
 * until the next one (seen as a vCPU in a loop for a second or more).
 */
#define KICK_RETRY_MS	10

static void wait_out_of_guest(struct vmm *vmm, struct vcpu *c, uint64_t entries)
{
	while (c->in_guest && c->entries == entries && !vmm->done) {
		vcpu_wait(vmm, &vmm->cpu_cond, KICK_RETRY_MS);
		if (c->in_guest && c->entries == entries) {
			vmm->stats.kick_retries++;
			vcpu_kick(vmm, c);
		}
	}
}


/*
 * Another vCPU may run @p: make it exit to the monitor, where it notices
 * what changed (its death, a signal); a vCPU waiting for work looks again.
 */
void task_kick(struct vmm *vmm, struct process *p)
{
	if (p->on_cpu && p->on_cpu != self)
		vcpu_kick(vmm, p->on_cpu);
	smp_notify(vmm);
}

/*
 * ... and wait until it has left the guest (membarrier: the exit is a full
 * barrier on that vCPU, as Linux's IPI is).
 */
void task_kick_sync(struct vmm *vmm, struct process *p)
{
	struct vcpu *c = p->on_cpu;

	if (!c || c == self || !c->in_guest)
		return;
	vcpu_kick(vmm, c);
	wait_out_of_guest(vmm, c, c->entries);
}

/* whether another vCPU is in the guest running a task of @mm */
bool smp_mm_in_guest(struct vmm *vmm, struct mm_struct *mm)
{
	struct vcpu *c;
	int i;

	for (i = 0; i < vmm->nr_vcpus; i++) {
		c = vmm->cpus[i];
		if (c != self && c->in_guest && c->cur && c->cur->mm == mm)
			return true;
	}
	return false;
}

/* a process became runnable: the vCPUs waiting for work look again */
void smp_notify(struct vmm *vmm)
{
	uint64_t one = 1;

	if (vmm->nr_vcpus < 2 && !vmm->host_waiter)
		return;
	pthread_cond_broadcast(&vmm->idle_cond);
	if (vmm->host_waiter && vmm->host_waiter != self && vmm->idle_fd >= 0 &&
	    write(vmm->idle_fd, &one, sizeof(one)) < 0)
		pr_err("waking the idle vCPU: %s", strerror(errno));
}

/*
 * Every other vCPU that may hold translations of @mm invalidates before it
 * runs guest code again; the ones in the guest now are kicked out, and this
 * returns once each has left.  The lock is dropped meanwhile.
 */
void tlb_shootdown(struct vmm *vmm, struct mm_struct *mm)
{
	uint64_t entries[MAX_VCPUS];
	bool wait[MAX_VCPUS] = { false };
	bool any = false;
	int i;

	for (i = 0; i < vmm->nr_vcpus; i++) {
		struct vcpu *c = vmm->cpus[i];

		if (c == self || c->loaded_mm != mm)
			continue;
		c->need_flush = true;
		if (!c->in_guest)
			continue;
		entries[i] = c->entries;
		wait[i] = any = true;
		vmm->stats.shootdown_kicks++;
		vcpu_kick(vmm, c);
	}
	if (!any)
		return;
	vmm->stats.shootdowns++;
	for (i = 0; i < vmm->nr_vcpus; i++)
		if (wait[i])
			wait_out_of_guest(vmm, vmm->cpus[i], entries[i]);
}

/* this vCPU applies a batch of @mm: the other vCPUs keep off its log */
void mm_commit_begin(struct vmm *vmm, struct mm_struct *mm)
{
	while (mm->log.owner && mm->log.owner != vmm->cpu_index + 1 && !vmm->done)
		vcpu_wait(vmm, &vmm->cpu_cond, 100);
	mm->log.owner = vmm->cpu_index + 1;
	vmm->commit_mm = mm;
}

void mm_commit_end(struct vmm *vmm)
{
	struct mm_struct *mm = vmm->commit_mm;

	if (!mm)
		return;
	frame_list_free(vmm->zone, &self->deferred);
	vcpu_release_gathered(vmm);
	fork_release(vmm, mm);
	mm->log.owner = 0;
	vmm->commit_mm = NULL;
	pthread_cond_broadcast(&vmm->cpu_cond);
}

/* the frames of this vCPU's batch, freed by mm_commit_end() */
struct frame_list *vcpu_deferred(void)
{
	return &self->deferred;
}

/* before the exit of a process of @mm is handled: another vCPU's batch first */
void mm_wait_commit(struct vmm *vmm)
{
	struct mm_struct *mm;

	for (;;) {
		mm = vmm->cur ? vmm->cur->mm : NULL;
		if (!mm || !mm->log.owner || mm->log.owner == vmm->cpu_index + 1 ||
		    vmm->done)
			return;
		vcpu_wait(vmm, &vmm->cpu_cond, 100);
	}
}

/*
 * --check: every other vCPU out of the guest and kept out until
 * smp_start_world(), so that the tables hold still.  False if one is part-way
 * through a batch (its log owned): the tables are then checked later.
 */
/* this vCPU alone runs the monitor: the others are kicked out of the guest */
static void stop_others(struct vmm *vmm)
{
	int i;

	vmm->stop_world = self;
	for (i = 0; i < vmm->nr_vcpus; i++)
		vcpu_kick(vmm, vmm->cpus[i]);
	for (i = 0; i < vmm->nr_vcpus; i++)
		if (vmm->cpus[i] != self)
			wait_out_of_guest(vmm, vmm->cpus[i], vmm->cpus[i]->entries);
}

bool smp_stop_world(struct vmm *vmm)
{
	int i;

	if (vmm->nr_vcpus > 1)
		stop_others(vmm);
	/* a batch handed over and not yet applied: its frames are nobody's */
	for (i = 0; i < vmm->nr_vcpus; i++) {
		struct vcpu *c = vmm->cpus[i];

		if ((c == self ? vmm->commit_mm : c->commit_mm) ||
		    (c == self ? vmm->tearing_down : c->tearing_down))
			return false;
	}
	return true;
}

/*
 * Reclaim unmaps pages of any mm, from whichever vCPU needs a frame: every
 * other vCPU leaves the guest first and stays out until reclaim is done,
 * and flushes before it runs guest code again.  The reclaimed frames then
 * go straight back to the zone (no gather): nothing can reach them.
 * As Linux's try_to_unmap_flush() before the page is written out or freed.
 */
static void reclaim_hook(struct zone *zone, bool begin)
{
	struct vmm *vmm = zone->hook_data;
	int i;

	if (vmm->nr_vcpus < 2)
		return;
	if (begin) {
		self->reclaim_stop = !vmm->stop_world;
		if (self->reclaim_stop)
			stop_others(vmm);
		for (i = 0; i < vmm->nr_vcpus; i++)
			if (vmm->cpus[i] != self)
				vmm->cpus[i]->need_flush = true;
		self->reclaim_gather = zone->gather;
		zone->gather = NULL;
		vmm->stats.reclaim_stops++;
		return;
	}
	zone->gather = self->reclaim_gather;
	if (self->reclaim_stop)
		smp_start_world(vmm);
}

void smp_start_world(struct vmm *vmm)
{
	if (vmm->stop_world != self)
		return;
	vmm->stop_world = NULL;
	pthread_cond_broadcast(&vmm->cpu_cond);
}

/* the run is over: every vCPU leaves its loop */
void smp_wake_all(struct vmm *vmm)
{
	int i;

	for (i = 0; i < vmm->nr_vcpus; i++) {
		struct vcpu *c = vmm->cpus[i];

		if (c->run)
			c->run->immediate_exit = 1;
		vcpu_kick(vmm, c);
	}
	pthread_cond_broadcast(&vmm->cpu_cond);
	smp_notify(vmm);
	if (vmm->idle_fd >= 0) {
		uint64_t one = 1;

		if (write(vmm->idle_fd, &one, sizeof(one)) < 0)
			pr_err("waking the idle vCPU: %s", strerror(errno));
	}
}

static struct vcpu cpu0;	/* the main thread's */

static struct vcpu *vcpu_alloc(struct vmm *vmm)
{
	struct vcpu *c = vmm->nr_vcpus ? calloc(1, sizeof(*c)) : &cpu0;

	if (!c)
		return NULL;
	c->cpu_index = vmm->nr_vcpus;
	vmm->cpus[vmm->nr_vcpus++] = c;
	return c;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *c = arg;
	struct vmm *vmm = c->vmm;

	self = c;
	c->tid = gettid();
	c->start_tsc = __rdtsc();
	vcpu_relock(vmm);
	vmm->cur = NULL;
	if (kvm_create_vcpu(vmm, vmm->cpu_index) || cpu_setup_vcpu(vmm) ||
	    cpu_set_sregs(vmm, vmm->init->mm ? vmm->init->mm->pgd_pfn << PAGE_SHIFT :
			  vmm->probe.cr3) ||
	    vcpu_signal_mask(vmm) || (vmm->timeslices && vcpu_timer(c))) {
		pr_err("vCPU %d could not start: it stays off", vmm->cpu_index);
		c->failed = true;
		vmm->vcpu_failed = true;
		vcpu_unlock(vmm);
		return NULL;
	}
	c->started = true;
	vcpu_loop(vmm);
	vcpu_unlock(vmm);
	return NULL;
}

/*
 * A process is runnable and no vCPU is free for it: start another vCPU, up
 * to --vcpus.  Called with the lock held, after each exit.
 */
void smp_balance(struct vmm *vmm)
{
	struct process *p;
	struct vcpu *c;
	int i, waiting = 0, idle = 0;

	if (vmm->done)
		return;
	for (p = vmm->procs; p; p = p->next)
		if (p->state == P_RUNNING && !p->exited && !p->on_cpu)
			waiting++;
	if (!waiting)
		return;
	for (i = 0; i < vmm->nr_vcpus; i++)
		idle += vmm->cpus[i] != self && vmm->cpus[i]->idle;
	if (idle) {
		smp_notify(vmm);
		if (idle >= waiting)
			return;
	}
	if (vmm->nr_vcpus >= vmm->max_vcpus || vmm->vcpu_failed)
		return;
	c = vcpu_alloc(vmm);
	if (!c)
		return;
	c->vmm = vmm;
	c->run = NULL;
	c->vcpu_fd = -1;
	if (pthread_create(&c->thread, NULL, vcpu_thread, c)) {
		vmm->nr_vcpus--;
		vmm->vcpu_failed = true;
		free(c);
	}
}

/* vCPU 0, on the main thread, before the first process exists */
int smp_init(struct vmm *vmm)
{
	pthread_rwlockattr_t attr;
	struct vcpu *c;

	pthread_cond_init(&vmm->cpu_cond, NULL);
	pthread_cond_init(&vmm->idle_cond, NULL);
	/* a monitor lock holder must not wait behind a stream of faults */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&vmm->mmap_lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	vmm->idle_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vmm->idle_fd < 0)
		return -1;
	c = vcpu_alloc(vmm);
	if (!c)
		return -1;
	c->vmm = vmm;
	c->thread = pthread_self();
	c->tid = gettid();
	c->started = true;
	c->start_tsc = __rdtsc();
	self = c;
	vmm->cpu_index = 0;
	lock_take(vmm);
	return 0;
}

/* after cpu_setup(): vCPU 0's signal mask, and the zone's reclaim hook */
int smp_setup_vcpu0(struct vmm *vmm)
{
	vmm->zone->reclaim_hook = reclaim_hook;
	vmm->zone->hook_data = vmm;
	return vcpu_signal_mask(vmm);
}

/*
 * The run is over (vCPU 0's loop ended): the other vCPUs leave theirs, and
 * their threads, fds and kvm_runs go.  The lock is held again after.
 */
void smp_exit(struct vmm *vmm)
{
	struct process *p;
	int i;

	smp_wake_all(vmm);
	vcpu_unlock(vmm);
	for (i = 1; i < vmm->nr_vcpus; i++)
		pthread_join(vmm->cpus[i]->thread, NULL);
	vcpu_relock(vmm);
	shared_fault_stats_fold_all(vmm);
	for (i = 0; i < vmm->nr_vcpus; i++)
		if (vmm->cpus[i]->started)
			vmm->stats.vcpu_cycles += __rdtsc() - vmm->cpus[i]->start_tsc;
	for (i = 0; i < vmm->nr_vcpus; i++) {
		struct vcpu *c = i ? vmm->cpus[i] : NULL;	/* 0: its fields are vmm's */
		struct kvm_run *run = c ? c->run : vmm->run;
		int fd = c ? c->vcpu_fd : vmm->vcpu_fd;

		if (vmm->cpus[i]->timer_armed)
			timer_delete(vmm->cpus[i]->timer);
		vmm->cpus[i]->timer_armed = false;
		if (run)
			munmap(run, vmm->run_size);
		if (fd >= 0)
			close(fd);
		vmm->zone->gather = NULL;
		frame_list_free(vmm->zone, &vmm->cpus[i]->deferred);
		free(vmm->cpus[i]->deferred.pfn);
		zone_release_gathered(vmm->zone, &vmm->cpus[i]->gather);
		free(vmm->cpus[i]->gather.pfn);
		if (i)
			free(c);
	}
	for (p = vmm->procs; p; p = p->next)
		p->on_cpu = NULL;
	for (i = 1; i < vmm->nr_vcpus; i++)
		vmm->cpus[i] = NULL;
	vmm->run = NULL;
	vmm->vcpu_fd = -1;
	vmm->stats.vcpus = vmm->nr_vcpus;
	vmm->nr_vcpus = 1;
	if (vmm->idle_fd >= 0)
		close(vmm->idle_fd);
	vmm->idle_fd = -1;
}
