// SPDX-License-Identifier: GPL-2.0
/* Clocks and sleeps (Linux: kernel/time/) */
#include <errno.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "fs.h"
#include "syscalls.h"

long sys_clock_gettime(struct vmm *vmm, const uint64_t *a)
{
	struct timespec ts;

	if (clock_gettime((clockid_t)a[0], &ts))
		return -errno;
	return copy_to_user(vmm, a[1], &ts, sizeof(ts));
}

long sys_clock_getres(struct vmm *vmm, const uint64_t *a)
{
	struct timespec ts;

	if (clock_getres((clockid_t)a[0], &ts))
		return -errno;
	return a[1] ? copy_to_user(vmm, a[1], &ts, sizeof(ts)) : 0;
}

long sys_gettimeofday(struct vmm *vmm, const uint64_t *a)
{
	struct timeval tv;
	struct timezone tz = { 0, 0 };

	gettimeofday(&tv, NULL);
	if (a[0] && copy_to_user(vmm, a[0], &tv, sizeof(tv)))
		return -EFAULT;
	if (a[1] && copy_to_user(vmm, a[1], &tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

long sys_time(struct vmm *vmm, const uint64_t *a)
{
	int64_t t = time(NULL);

	if (a[0] && copy_to_user(vmm, a[0], &t, 8))
		return -EFAULT;
	return t;
}

/*
 * hrtimer_nanosleep(): the process sleeps, the monitor does not.  The
 * deadline is CLOCK_MONOTONIC's, kept in the process while it sleeps and
 * its call is retried; an absolute time on another clock becomes one.  A
 * signal ends it with -ERESTART_RESTARTBLOCK (EINTR, the time left in
 * @rem), or -ERESTARTNOHAND for TIMER_ABSTIME, as Linux.
 */
static long do_nanosleep(struct vmm *vmm, clockid_t clk, int flags, uint64_t req,
			 uint64_t rem)
{
	struct process *p = vmm->cur;
	struct timespec ts, now;
	int64_t left;

	if (!p->retrying) {
		if (clk < 0 || clk > CLOCK_TAI || clk == 10)
			return -EINVAL;		/* no k_clock (CPU clocks of others: not here) */
		if (clk == CLOCK_THREAD_CPUTIME_ID)
			return -EINVAL;		/* posix_cpu_nsleep() */
		if (clk == CLOCK_MONOTONIC_RAW ||
		    clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE)
			return -EOPNOTSUPP;	/* a k_clock without nsleep */
		if (copy_from_user(vmm, &ts, req, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -EINVAL;
		if (clock_gettime(clk, &now))
			return -EINVAL;
		left = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
		if (ts.tv_sec > INT64_MAX / 4 / 1000000000LL)
			left = INT64_MAX / 4;
		else if (flags & TIMER_ABSTIME)
			left -= (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
		p->timeout_ns = now_ns() + (left > 0 ? left : 0);
	}
	left = p->timeout_ns - now_ns();
	if (left <= 0)
		return 0;
	if (!signal_pending(p))
		return sleep_on(vmm, NULL, p->timeout_ns, -ERESTART_RESTARTBLOCK);
	if (flags & TIMER_ABSTIME)
		return -ERESTARTNOHAND;
	ts.tv_sec = left / 1000000000LL;
	ts.tv_nsec = left % 1000000000LL;
	if (rem && copy_to_user(vmm, rem, &ts, sizeof(ts)))
		return -EFAULT;
	return -ERESTART_RESTARTBLOCK;
}

long sys_nanosleep(struct vmm *vmm, const uint64_t *a)
{
	return do_nanosleep(vmm, CLOCK_MONOTONIC, 0, a[0], a[1]);
}

long sys_clock_nanosleep(struct vmm *vmm, const uint64_t *a)
{
	return do_nanosleep(vmm, (clockid_t)a[0], (int)a[1], a[2], a[3]);
}

