// SPDX-License-Identifier: GPL-2.0
/*
 * --prezero: a host thread that zeroes free frames while the guest runs, so
 * that a fault takes a frame that is already zero instead of waiting for a
 * 4 KiB (or 2 MiB) memset.  The machines have two cores; while the vCPU
 * thread sits in KVM_RUN the other core is idle.
 *
 * vmm->mmu_lock is held by a vCPU thread whenever it is outside KVM_RUN
 * (kvm_run_once() drops it for the ioctl), and the zeroing thread takes it
 * only to take frames off the free lists and to give them back; the zone's
 * grab and put also take zone->lock, against the faults that fault_shared.c
 * serves without mmu_lock.  The memset itself runs unlocked: a grabbed frame
 * is neither free nor allocated (PG_prezeroing), so nobody else touches it.
 * A frame the guest might still reach through a stale translation is never
 * free: the commit that invalidates it runs before the program does.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmm.h"

#define PREZERO_BATCH	64	/* frames per trip: 256 KiB, about 10 µs of memset */
#define PREZERO_IDLE_NS	(2 * 1000 * 1000)

struct prezero {
	pthread_t thread;
	pthread_cond_t wake;
	bool stop;
	uint64_t seen_frees;	/* zone->stats.frees at the last kick */
};

static size_t grab(struct vmm *vmm, uint64_t *pfns)
{
	size_t n;

	pthread_mutex_lock(&vmm->mmu_lock);
	n = vmm->pz->stop ? 0 : zone_prezero_grab(vmm->zone, pfns, PREZERO_BATCH);
	pthread_mutex_unlock(&vmm->mmu_lock);
	return n;
}

/* nothing to zero: sleep until kicked by prezero_kick() or for a while */
static void idle(struct vmm *vmm)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += PREZERO_IDLE_NS;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&vmm->mmu_lock);
	if (!vmm->pz->stop)
		pthread_cond_timedwait(&vmm->pz->wake, &vmm->mmu_lock, &until);
	pthread_mutex_unlock(&vmm->mmu_lock);
}

static void *prezero_thread(void *arg)
{
	struct vmm *vmm = arg;
	uint64_t pfns[PREZERO_BATCH];
	size_t n, i;

	while (!__atomic_load_n(&vmm->pz->stop, __ATOMIC_ACQUIRE)) {
		n = grab(vmm, pfns);
		if (!n) {
			idle(vmm);
			continue;
		}
		for (i = 0; i < n; i++)
			memset(pfn_to_virt(vmm->zone, pfns[i]), 0, PAGE_SIZE);
		pthread_mutex_lock(&vmm->mmu_lock);
		zone_prezero_put(vmm->zone, pfns, n);
		pthread_mutex_unlock(&vmm->mmu_lock);
	}
	return NULL;
}

/*
 * Before KVM_RUN, with mmu_lock held: frames were freed since the last
 * look, so there may be work.  Counting frees keeps the common exit free
 * of a futex wake-up.
 */
void prezero_kick(struct vmm *vmm)
{
	struct prezero *pz = vmm->pz;

	if (pz->seen_frees == vmm->zone->stats.frees)
		return;
	pz->seen_frees = vmm->zone->stats.frees;
	pthread_cond_signal(&pz->wake);
}

/*
 * The caller holds mmu_lock (smp.c), as every vCPU thread does outside
 * KVM_RUN.
 */
void prezero_start(struct vmm *vmm)
{
	int err;

	if (!vmm->prezero)
		return;
	vmm->pz = calloc(1, sizeof(*vmm->pz));
	if (!vmm->pz)
		return;
	pthread_cond_init(&vmm->pz->wake, NULL);
	vmm->zone->prezero = true;
	err = pthread_create(&vmm->pz->thread, NULL, prezero_thread, vmm);
	if (err) {
		/* not fatal: the fast path is simply off */
		pr_info("--prezero: no thread (%s), frames are zeroed on demand",
			strerror(err));
		vmm->zone->prezero = false;
		pthread_cond_destroy(&vmm->pz->wake);
		free(vmm->pz);
		vmm->pz = NULL;
	}
}

/* the thread is gone: the MMU is the vCPUs' alone */
void prezero_stop(struct vmm *vmm)
{
	struct prezero *pz = vmm->pz;

	if (!pz)
		return;
	__atomic_store_n(&pz->stop, true, __ATOMIC_RELEASE);
	pthread_cond_signal(&pz->wake);
	vcpu_unlock(vmm);
	pthread_join(pz->thread, NULL);
	vcpu_relock(vmm);
	pthread_cond_destroy(&pz->wake);
	free(pz);
	vmm->pz = NULL;
}
