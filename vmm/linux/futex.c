// SPDX-License-Identifier: GPL-2.0
/*
 * futex(2) for single-threaded processes (kernel/futex/).  A process waits
 * only on itself or, through MAP_SHARED memory or vfork's borrowed mm, on
 * another process: FUTEX_WAIT sleeps in the call (P_SLEEPING, retried when
 * woken, process.c) until a FUTEX_WAKE on the same key or a signal.  The
 * key is Linux's: the mm and address for a private mapping, the mapping's
 * object and offset for a shared one.
 *
 * A wait with a timeout sleeps until its deadline as nanosleep does
 * (process.c's sleepers): a wake or a signal ends it earlier.  PI
 * futexes, requeue and FUTEX_WAKE_OP's atomic operation are not here:
 * ENOSYS, as on a kernel without them.
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

/* sleep until a wake, a signal or the deadline (p->timeout_ns, 0: none) */
static long futex_sleep(struct vmm *vmm)
{
	struct process *p = vmm->cur;

	p->state = P_SLEEPING;
	p->sleeping_call = true;
	p->wake_ns = p->timeout_ns;
	return -ERESTARTSYS;
}

/* the woken sleeper's retried call: 0 for a wake, else a signal or the timeout */
static long futex_wait_retry(struct vmm *vmm)
{
	struct process *p = vmm->cur;
	bool woken = p->futex_woken;

	if (woken || signal_pending(p) || (p->timeout_ns && now_ns() >= p->timeout_ns)) {
		p->futex_key_obj = NULL;
		p->futex_woken = false;
		if (woken)
			return 0;
		return signal_pending(p) ? -ERESTARTSYS : -ETIMEDOUT;
	}
	return futex_sleep(vmm);
}

/*
 * The wait's deadline on CLOCK_MONOTONIC, where sleepers wake: FUTEX_WAIT's
 * timeout is relative; FUTEX_WAIT_BITSET's absolute, on CLOCK_MONOTONIC or,
 * with FUTEX_CLOCK_REALTIME, CLOCK_REALTIME.
 */
static long futex_deadline(struct vmm *vmm, uint64_t utime, bool abs, bool realtime)
{
	struct timespec ts, now;
	int64_t t;

	if (copy_from_user(vmm, &ts, utime, sizeof(ts)))
		return -EFAULT;
	if (!timespec_valid(&ts))
		return -EINVAL;
	t = ts.tv_sec > INT64_MAX / 4 / 1000000000LL ? INT64_MAX / 4 :
	    (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	if (abs) {
		clock_gettime(realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, &now);
		t -= (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
	}
	vmm->cur->timeout_ns = now_ns() + (t > 0 ? t : 0) + 1;
	return 0;
}

/* futex_wait(): EAGAIN unless *uaddr == val, then sleep */
static long futex_wait(struct vmm *vmm, int op, uint64_t uaddr, uint32_t val,
		       uint64_t utime, uint32_t bitset)
{
	struct process *p = vmm->cur;
	bool bitset_op = (op & FUTEX_CMD_MASK) == FUTEX_WAIT_BITSET;
	uint32_t cur;
	long ret;

	if (p->retrying && p->futex_key_obj)
		return futex_wait_retry(vmm);
	if (!bitset)
		return -EINVAL;
	if (copy_from_user(vmm, &cur, uaddr, 4))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	p->timeout_ns = 0;
	if (utime) {
		ret = futex_deadline(vmm, utime, bitset_op, op & FUTEX_CLOCK_REALTIME);
		if (ret)
			return ret;
	}
	if (signal_pending(p))
		return -ERESTARTSYS;
	futex_key(p->mm, uaddr, !(op & FUTEX_PRIVATE_FLAG), &p->futex_key_obj,
		  &p->futex_key_off);
	p->futex_bitset = bitset;
	p->futex_woken = false;
	return futex_sleep(vmm);
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
