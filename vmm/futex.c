// SPDX-License-Identifier: GPL-2.0
/*
 * futex(2) for single-threaded processes (kernel/futex/).  A process waits
 * only on itself or, through MAP_SHARED memory or vfork's borrowed mm, on
 * another process: FUTEX_WAIT sleeps in the call (P_SLEEPING, retried when
 * woken, process.c) until a FUTEX_WAKE on the same key or a signal.  The
 * key is Linux's: the mm and address for a private mapping, the mapping's
 * object and offset for a shared one.
 *
 * A wait with a timeout sleeps on the host for it (as nanosleep does here,
 * time.c), so nothing else in the guest runs meanwhile and only a timeout
 * ends it: ETIMEDOUT.  PI futexes, requeue and FUTEX_WAKE_OP's atomic
 * operation are not here: ENOSYS, as on a kernel without them.
 */
#include <errno.h>
#include <time.h>

#include "syscalls.h"

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_CMD_MASK		(~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY	0xffffffffU

#define ERESTARTSYS		512

/* get_futex_key(): private, or shared through a VM_SHARED mapping */
static void futex_key(struct mm_struct *mm, uint64_t uaddr, bool shared,
		      const void **obj, uint64_t *off)
{
	struct vm_area_struct *vma = shared ? find_vma(mm, uaddr) : NULL;

	if (vma && vma->vm_start <= uaddr && (vma->vm_flags & VM_SHARED) && vma->vm_file) {
		*obj = vma->vm_file->f_mapping;
		*off = (vma->vm_pgoff << PAGE_SHIFT) + (uaddr - vma->vm_start);
		return;
	}
	*obj = mm;
	*off = uaddr;
}

/* futex_wake(): up to @nr sleepers on the key whose bitset meets @bitset */
int futex_wake(struct vmm *vmm, struct mm_struct *mm, uint64_t uaddr, bool shared,
	       int nr, uint32_t bitset)
{
	const void *obj;
	struct process *p;
	uint64_t off;
	int woken = 0;

	futex_key(mm, uaddr, shared, &obj, &off);
	for (p = vmm->procs; p; p = p->next) {
		if (p->state != P_SLEEPING || !p->futex_key_obj || p->futex_woken ||
		    p->futex_key_obj != obj || p->futex_key_off != off ||
		    !(p->futex_bitset & bitset))
			continue;
		p->futex_woken = true;
		process_wake(vmm, p);
		/* as Linux counts: even nr 0 wakes one */
		if (++woken >= nr)
			break;
	}
	return woken;
}

static bool timespec_valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L;
}

/* the woken sleeper's retried call: 0 for a wake, else a signal */
static long futex_wait_retry(struct vmm *vmm)
{
	struct process *p = vmm->cur;

	if (p->futex_woken || signal_pending(p)) {
		bool woken = p->futex_woken;

		p->futex_key_obj = NULL;
		p->futex_woken = false;
		return woken ? 0 : -ERESTARTSYS;
	}
	p->state = P_SLEEPING;
	p->sleeping_call = true;
	return -ERESTARTSYS;
}

/* a timed wait: the host sleeps, nothing can wake it earlier */
static long futex_wait_timed(struct vmm *vmm, int op, uint64_t utime, bool abs, bool realtime)
{
	struct timespec ts;

	if (copy_from_user(vmm, &ts, utime, sizeof(ts)))
		return -EFAULT;
	if (!timespec_valid(&ts))
		return -EINVAL;
	(void)op;
	clock_nanosleep(realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC,
			abs ? TIMER_ABSTIME : 0, &ts, NULL);
	return -ETIMEDOUT;
}

/* futex_wait(): EAGAIN unless *uaddr == val, then sleep */
static long futex_wait(struct vmm *vmm, int op, uint64_t uaddr, uint32_t val,
		       uint64_t utime, uint32_t bitset)
{
	struct process *p = vmm->cur;
	bool bitset_op = (op & FUTEX_CMD_MASK) == FUTEX_WAIT_BITSET;
	uint32_t cur;

	if (p->retrying && p->futex_key_obj)
		return futex_wait_retry(vmm);
	if (!bitset)
		return -EINVAL;
	if (copy_from_user(vmm, &cur, uaddr, 4))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	if (utime)
		return futex_wait_timed(vmm, op, utime, bitset_op,
					op & FUTEX_CLOCK_REALTIME);
	if (signal_pending(p))
		return -ERESTARTSYS;
	futex_key(p->mm, uaddr, !(op & FUTEX_PRIVATE_FLAG), &p->futex_key_obj,
		  &p->futex_key_off);
	p->futex_bitset = bitset;
	p->futex_woken = false;
	p->state = P_SLEEPING;
	p->sleeping_call = true;
	return -ERESTARTSYS;
}

/* futex(uaddr, op, val, timeout, uaddr2, val3) */
long sys_futex(struct vmm *vmm, const uint64_t *a)
{
	uint64_t uaddr = a[0];
	int op = (int)a[1], cmd = op & FUTEX_CMD_MASK;
	bool shared = !(op & FUTEX_PRIVATE_FLAG);

	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	if (uaddr & 3)
		return -EINVAL;
	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait(vmm, op, uaddr, (uint32_t)a[2], a[3], FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAIT_BITSET:
		return futex_wait(vmm, op, uaddr, (uint32_t)a[2], a[3], (uint32_t)a[5]);
	case FUTEX_WAKE:
		return futex_wake(vmm, vmm->cur->mm, uaddr, shared, (int)a[2],
				  FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		if (!(uint32_t)a[5])
			return -EINVAL;
		return futex_wake(vmm, vmm->cur->mm, uaddr, shared, (int)a[2], (uint32_t)a[5]);
	default:
		return -ENOSYS;
	}
}
