// SPDX-License-Identifier: GPL-2.0
/*
 * futex(2) (kernel/futex/): the threads of a process, or processes through
 * MAP_SHARED memory or vfork's borrowed mm.  FUTEX_WAIT sleeps in the call
 * (P_SLEEPING, retried when woken, process.c) until a FUTEX_WAKE on the
 * same key or a signal.  The key is Linux's: the mm and address for a
 * private mapping, the mapping's object and offset for a shared one.
 * FUTEX_REQUEUE moves waiters to another key; FUTEX_WAKE_OP changes a
 * second word and wakes its waiters if the old value passes a test.
 *
 * A wait with a timeout sleeps until its deadline as nanosleep does
 * (process.c's sleepers): a wake or a signal ends it earlier.  PI
 * futexes are not here: ENOSYS, as on a kernel without them.
 * At a task's exit its robust list is walked (exit_robust_list()).
 */
#include <errno.h>
#include <time.h>

#include "syscalls.h"

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
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
		/* a waiter is queued until its call ends, woken or not (a signal) */
		if (p->exited || !p->futex_key_obj || p->futex_woken ||
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

	task_sleep(p);
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

/*
 * futex_requeue(): wake @nr_wake waiters on @uaddr, move up to @nr_requeue
 * of the rest to @uaddr2; CMP_REQUEUE first checks *@uaddr == @cmpval.
 */
static long futex_requeue(struct vmm *vmm, uint64_t uaddr, uint64_t uaddr2, bool shared,
			  int nr_wake, int nr_requeue, const uint32_t *cmpval)
{
	const void *obj1, *obj2;
	uint64_t off1, off2;
	struct process *p;
	uint32_t cur;
	long woken = 0, moved = 0;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	if (uaddr2 & 3)
		return -EINVAL;
	if (cmpval) {
		if (copy_from_user(vmm, &cur, uaddr, 4))
			return -EFAULT;
		if (cur != *cmpval)
			return -EAGAIN;
	}
	futex_key(vmm->cur->mm, uaddr, shared, &obj1, &off1);
	futex_key(vmm->cur->mm, uaddr2, shared, &obj2, &off2);
	for (p = vmm->procs; p; p = p->next) {
		if (p->exited || !p->futex_key_obj || p->futex_woken ||
		    p->futex_key_obj != obj1 || p->futex_key_off != off1)
			continue;
		if (woken < nr_wake) {
			p->futex_woken = true;
			process_wake(vmm, p);
			woken++;
		} else if (moved < nr_requeue) {
			p->futex_key_obj = obj2;
			p->futex_key_off = off2;
			moved++;
		} else {
			break;
		}
	}
	return woken + moved;
}

#define FUTEX_OP_SET		0
#define FUTEX_OP_ADD		1
#define FUTEX_OP_OR		2
#define FUTEX_OP_ANDN		3
#define FUTEX_OP_XOR		4
#define FUTEX_OP_OPARG_SHIFT	8U

static int32_t sign_extend12(uint32_t v)
{
	return (int32_t)(v << 20) >> 20;
}

/* futex_atomic_op_inuser(): the monitor is the only writer while it runs */
static long futex_atomic_op(struct vmm *vmm, uint32_t encoded, uint64_t uaddr, uint32_t *old)
{
	unsigned int op = (encoded >> 28) & 7;
	int32_t oparg = sign_extend12((encoded >> 12) & 0xfff);
	uint32_t val;

	if (encoded & (FUTEX_OP_OPARG_SHIFT << 28U)) {
		if (oparg < 0 || oparg > 31)
			oparg &= 31;	/* Linux warns and masks */
		oparg = 1U << oparg;
	}
	if (op > FUTEX_OP_XOR)
		return -ENOSYS;
	if (copy_from_user(vmm, old, uaddr, 4))
		return -EFAULT;
	switch (op) {
	case FUTEX_OP_SET:
		val = oparg;
		break;
	case FUTEX_OP_ADD:
		val = *old + oparg;
		break;
	case FUTEX_OP_OR:
		val = *old | oparg;
		break;
	case FUTEX_OP_ANDN:
		val = *old & ~oparg;
		break;
	default:
		val = *old ^ oparg;
		break;
	}
	return copy_to_user(vmm, uaddr, &val, 4) ? -EFAULT : 0;
}

/* the FUTEX_OP_CMP_* test of the old value */
static long futex_op_cmp(uint32_t encoded, uint32_t old)
{
	int32_t cmparg = sign_extend12(encoded & 0xfff), v = (int32_t)old;

	switch ((encoded >> 24) & 15) {
	case 0: return v == cmparg;
	case 1: return v != cmparg;
	case 2: return v < cmparg;
	case 3: return v <= cmparg;
	case 4: return v > cmparg;
	case 5: return v >= cmparg;
	default: return -ENOSYS;
	}
}

/* futex_wake_op(): change *@uaddr2, wake on @uaddr, and on @uaddr2 if the test passes */
static long futex_wake_op(struct vmm *vmm, uint64_t uaddr, uint64_t uaddr2, bool shared,
			  int nr, int nr2, uint32_t encoded)
{
	uint32_t old;
	long ret, cmp;

	if (uaddr2 & 3)
		return -EINVAL;
	if (((encoded >> 24) & 15) > 5)
		return -ENOSYS;
	ret = futex_atomic_op(vmm, encoded, uaddr2, &old);
	if (ret)
		return ret;
	ret = futex_wake(vmm, vmm->cur->mm, uaddr, shared, nr, FUTEX_BITSET_MATCH_ANY);
	cmp = futex_op_cmp(encoded, old);
	if (cmp > 0)
		ret += futex_wake(vmm, vmm->cur->mm, uaddr2, shared, nr2, FUTEX_BITSET_MATCH_ANY);
	return ret;
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
	case FUTEX_REQUEUE:
		return futex_requeue(vmm, uaddr, a[4], shared, (int)a[2], (int)a[3], NULL);
	case FUTEX_CMP_REQUEUE: {
		uint32_t cmpval = (uint32_t)a[5];

		return futex_requeue(vmm, uaddr, a[4], shared, (int)a[2], (int)a[3], &cmpval);
	}
	case FUTEX_WAKE_OP:
		return futex_wake_op(vmm, uaddr, a[4], shared, (int)a[2], (int)a[3], (uint32_t)a[5]);
	default:
		return -ENOSYS;
	}
}

/* ---- robust futexes at exit (kernel/futex/core.c) ---- */

#define FUTEX_WAITERS		0x80000000U
#define FUTEX_OWNER_DIED	0x40000000U
#define FUTEX_TID_MASK		0x3fffffffU
#define ROBUST_LIST_LIMIT	2048

/* handle_futex_death(): a lock @p held is marked OWNER_DIED, one waiter woken */
static void handle_futex_death(struct vmm *vmm, struct process *p, uint64_t uaddr,
			       bool pi, bool pending_op)
{
	uint32_t uval, mval;

	if ((uaddr & 3) || mm_copy_from_user(p->mm, &uval, uaddr, 4))
		return;
	/* a lock being taken when the task died, not yet owned: wake a waiter */
	if (pending_op && !pi && !uval) {
		futex_wake(vmm, p->mm, uaddr, true, 1, FUTEX_BITSET_MATCH_ANY);
		return;
	}
	if ((uval & FUTEX_TID_MASK) != (uint32_t)p->pid)
		return;
	mval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (mm_copy_to_user(p->mm, uaddr, &mval, 4))
		return;
	if (!pi && (uval & FUTEX_WAITERS))
		futex_wake(vmm, p->mm, uaddr, true, 1, FUTEX_BITSET_MATCH_ANY);
}

/* fetch_robust_entry(): the pointer and its PI bit */
static int robust_entry(struct mm_struct *mm, uint64_t at, uint64_t *entry, bool *pi)
{
	uint64_t v;

	if (mm_copy_from_user(mm, &v, at, 8))
		return -1;
	*entry = v & ~1ULL;
	*pi = v & 1;
	return 0;
}

/* exit_robust_list(): struct robust_list_head { next, futex_offset, list_op_pending } */
void exit_robust_list(struct vmm *vmm, struct process *p)
{
	uint64_t head = p->robust_list, entry, next, pending;
	int64_t offset;
	bool pi, next_pi, pending_pi;
	int limit = ROBUST_LIST_LIMIT;

	if (!head || !p->mm)
		return;
	p->robust_list = 0;
	if (robust_entry(p->mm, head, &entry, &pi) ||
	    mm_copy_from_user(p->mm, &offset, head + 8, 8) ||
	    robust_entry(p->mm, head + 16, &pending, &pending_pi))
		return;
	while (entry != head) {
		int rc = robust_entry(p->mm, entry, &next, &next_pi);

		/* the pending one is done last, as Linux does */
		if (entry != pending)
			handle_futex_death(vmm, p, entry + offset, pi, false);
		if (rc)
			return;
		entry = next;
		pi = next_pi;
		if (!--limit)
			break;	/* a circular list: Linux stops, then does the pending one */
	}
	if (pending)
		handle_futex_death(vmm, p, pending + offset, pending_pi, true);
}
