// SPDX-License-Identifier: GPL-2.0
/*
 * The process's identity and limits (Linux: kernel/sys.c): ids, uname,
 * rlimits (the MMU owns the memory ones), arch_prctl, getrandom.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "fs.h"
#include "syscalls.h"

#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004

static bool user_canonical(uint64_t addr)
{
	return addr < TASK_SIZE;
}

long sys_arch_prctl(struct vmm *vmm, const uint64_t *a)
{
	struct kvm_sregs *s = &vmm->run->s.regs.sregs;
	uint64_t v;

	switch (a[0]) {
	case ARCH_SET_FS:
		if (!user_canonical(a[1]))
			return -EPERM;
		return cpu_set_fs_base(vmm, a[1]);
	case ARCH_SET_GS:
		if (!user_canonical(a[1]))
			return -EPERM;
		s->gs.base = a[1];
		vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
		return 0;
	case ARCH_GET_FS:
		v = s->fs.base;
		return copy_to_user(vmm, a[1], &v, 8);
	case ARCH_GET_GS:
		v = s->gs.base;
		return copy_to_user(vmm, a[1], &v, 8);
	default:
		return -EINVAL;
	}
}

long sys_getuid(struct vmm *vmm, const uint64_t *a)
{
	return getuid();
}

long sys_geteuid(struct vmm *vmm, const uint64_t *a)
{
	return geteuid();
}

long sys_getgid(struct vmm *vmm, const uint64_t *a)
{
	return getgid();
}

long sys_getegid(struct vmm *vmm, const uint64_t *a)
{
	return getegid();
}

static long put_ids3(struct vmm *vmm, const uint64_t *a, unsigned int x, unsigned int y,
		     unsigned int z)
{
	if (copy_to_user(vmm, a[0], &x, 4) || copy_to_user(vmm, a[1], &y, 4) ||
	    copy_to_user(vmm, a[2], &z, 4))
		return -EFAULT;
	return 0;
}

long sys_getresuid(struct vmm *vmm, const uint64_t *a)
{
	uid_t r, e, s;

	getresuid(&r, &e, &s);
	return put_ids3(vmm, a, r, e, s);
}

long sys_getresgid(struct vmm *vmm, const uint64_t *a)
{
	gid_t r, e, s;

	getresgid(&r, &e, &s);
	return put_ids3(vmm, a, r, e, s);
}

long sys_uname(struct vmm *vmm, const uint64_t *a)
{
	struct utsname u;

	if (uname(&u))
		return -errno;
	return copy_to_user(vmm, a[0], &u, sizeof(u));
}


long sys_getrandom(struct vmm *vmm, const uint64_t *a)
{
	uint8_t buf[256];
	uint64_t done = 0, len = a[1];

	if (a[2] & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (len > 0x1ffffff)	/* Linux caps one call at 32 MiB - 1 */
		len = 0x1ffffff;
	while (done < len) {
		size_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		ssize_t got = getrandom(buf, n, 0);

		if (got <= 0)
			return done ? (long)done : -EIO;
		if (copy_to_user(vmm, a[0] + done, buf, got))
			return done ? (long)done : -EFAULT;
		done += got;
	}
	return (long)done;
}


/* ---- resource limits: the MMU owns the memory ones ---- */

static int mm_resource(unsigned int res)
{
	switch (res) {
	case RLIMIT_AS:
		return MM_RLIMIT_AS;
	case RLIMIT_DATA:
		return MM_RLIMIT_DATA;
	case RLIMIT_STACK:
		return MM_RLIMIT_STACK;
	case RLIMIT_MEMLOCK:
		return MM_RLIMIT_MEMLOCK;
	default:
		return -1;
	}
}

static void rlimit_get(struct vmm *vmm, unsigned int res, struct rlimit *rl)
{
	int m = mm_resource(res);

	if (m >= 0) {
		rl->rlim_cur = vmm->cur->mm->rlim[m].rlim_cur;
		rl->rlim_max = vmm->cur->mm->rlim[m].rlim_max;
	} else {
		rl->rlim_cur = vmm->cur->rlim[res][0];
		rl->rlim_max = vmm->cur->rlim[res][1];
	}
}

static long rlimit_set(struct vmm *vmm, unsigned int res, const struct rlimit *rl)
{
	struct rlimit old;
	int m = mm_resource(res);

	if (rl->rlim_cur > rl->rlim_max)
		return -EINVAL;
	rlimit_get(vmm, res, &old);
	if (rl->rlim_max > old.rlim_max && geteuid() != 0)
		return -EPERM;
	if (m >= 0)
		return mm_set_rlimit(vmm->cur->mm, m, rl->rlim_cur, rl->rlim_max);
	vmm->cur->rlim[res][0] = rl->rlim_cur;
	vmm->cur->rlim[res][1] = rl->rlim_max;
	return 0;
}

long sys_prlimit64(struct vmm *vmm, const uint64_t *a)
{
	unsigned int res = (unsigned int)a[1];
	struct rlimit old, new;
	long ret;

	if (a[0] && (pid_t)a[0] != vmm->cur->pid)
		return -ESRCH;
	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (a[2] && copy_from_user(vmm, &new, a[2], sizeof(new)))
		return -EFAULT;
	rlimit_get(vmm, res, &old);
	if (a[2]) {
		ret = rlimit_set(vmm, res, &new);
		if (ret)
			return ret;
	}
	if (a[3] && copy_to_user(vmm, a[3], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_getrlimit(struct vmm *vmm, const uint64_t *a)
{
	struct rlimit rl;

	if ((unsigned int)a[0] >= RLIM_NLIMITS)
		return -EINVAL;
	rlimit_get(vmm, (unsigned int)a[0], &rl);
	return copy_to_user(vmm, a[1], &rl, sizeof(rl));
}

long sys_setrlimit(struct vmm *vmm, const uint64_t *a)
{
	struct rlimit rl;

	if ((unsigned int)a[0] >= RLIM_NLIMITS)
		return -EINVAL;
	if (copy_from_user(vmm, &rl, a[1], sizeof(rl)))
		return -EFAULT;
	return rlimit_set(vmm, (unsigned int)a[0], &rl);
}


/* the process's umask (Linux: current_umask()); the monitor's own is 0 */
mode_t current_umask(struct vmm *vmm)
{
	return vmm->cur ? vmm->cur->umask : 0;
}

long sys_umask(struct vmm *vmm, const uint64_t *a)
{
	unsigned int old = vmm->cur->umask;

	vmm->cur->umask = a[0] & 0777;
	return old;
}
