// SPDX-License-Identifier: GPL-2.0
/* Clocks and sleeps (Linux: kernel/time/) */
#include <errno.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

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

static long do_nanosleep(struct vmm *vmm, clockid_t clk, int flags, uint64_t req,
			 uint64_t rem)
{
	struct timespec ts, left = { 0, 0 };
	int ret;

	if (copy_from_user(vmm, &ts, req, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -EINVAL;
	ret = clock_nanosleep(clk, flags, &ts, &left);
	if (ret == EINTR && rem && !(flags & TIMER_ABSTIME) &&
	    copy_to_user(vmm, rem, &left, sizeof(left)))
		return -EFAULT;
	return -ret;
}

long sys_nanosleep(struct vmm *vmm, const uint64_t *a)
{
	return do_nanosleep(vmm, CLOCK_MONOTONIC, 0, a[0], a[1]);
}

long sys_clock_nanosleep(struct vmm *vmm, const uint64_t *a)
{
	return do_nanosleep(vmm, (clockid_t)a[0], (int)a[1], a[2], a[3]);
}

