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
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "fs.h"
#include "syscalls.h"

#define NGROUPS_MAX_GUEST	256	/* what the monitor passes on of its own */

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
	struct process *t;
	int m = mm_resource(res);

	if (rl->rlim_cur > rl->rlim_max)
		return -EINVAL;
	rlimit_get(vmm, res, &old);
	if (rl->rlim_max > old.rlim_max && geteuid() != 0)
		return -EPERM;
	if (m >= 0)
		return mm_set_rlimit(vmm->cur->mm, m, rl->rlim_cur, rl->rlim_max);
	/* signal_struct's: every thread of the process */
	for (t = vmm->procs; t; t = t->next) {
		if (t->group_leader != vmm->cur->group_leader)
			continue;
		t->rlim[res][0] = rl->rlim_cur;
		t->rlim[res][1] = rl->rlim_max;
	}
	return 0;
}

long sys_prlimit64(struct vmm *vmm, const uint64_t *a)
{
	unsigned int res = (unsigned int)a[1];
	struct rlimit old, new;
	long ret;

	/* this process, by any of its threads' ids */
	if (a[0] && (!find_process(vmm, (int)a[0]) ||
		     find_process(vmm, (int)a[0])->tgid != vmm->cur->tgid))
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


/* ---- what programs ask at start-up: usage, times, memory, CPUs ---- */

long sys_getrusage(struct vmm *vmm, const uint64_t *a)
{
	struct rusage ru;
	int who = (int)a[0];

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return -EINVAL;
	process_rusage(vmm, vmm->cur, who, &ru);
	return copy_to_user(vmm, a[1], &ru, sizeof(ru)) ? -EFAULT : 0;
}

/* USER_HZ ticks */
static uint64_t tv_ticks(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 100 + tv->tv_usec / 10000;
}

/* times(): the process's and its reaped children's times; the host's uptime ticks */
long sys_times(struct vmm *vmm, const uint64_t *a)
{
	struct rusage self, kids;
	struct tms now;
	uint64_t t[4];
	clock_t ticks = times(&now);

	if (a[0]) {
		process_rusage(vmm, vmm->cur, RUSAGE_SELF, &self);
		process_rusage(vmm, vmm->cur, RUSAGE_CHILDREN, &kids);
		t[0] = tv_ticks(&self.ru_utime);
		t[1] = tv_ticks(&self.ru_stime);
		t[2] = tv_ticks(&kids.ru_utime);
		t[3] = tv_ticks(&kids.ru_stime);
		if (copy_to_user(vmm, a[0], t, sizeof(t)))
			return -EFAULT;
	}
	return (long)ticks;
}

/*
 * sysinfo(): memory from the guest's pool (--mem) and swap area, processes
 * from the guest; uptime and load averages are the host's, which the guest
 * shares, with mem_unit 1 as on a 64-bit kernel.
 */
long sys_sysinfo(struct vmm *vmm, const uint64_t *a)
{
	struct zone *z = vmm->zone;
	struct sysinfo host, si;

	if (sysinfo(&host))
		memset(&host, 0, sizeof(host));
	memset(&si, 0, sizeof(si));
	si.uptime = host.uptime;
	memcpy(si.loads, host.loads, sizeof(si.loads));
	si.totalram = z->nr_pages * PAGE_SIZE;
	si.freeram = zone_nr_free(z) * PAGE_SIZE;
	si.bufferram = 0;
	si.sharedram = 0;
	si.totalswap = z->total_swap_pages * PAGE_SIZE;
	si.freeswap = nr_swap_free(z) * PAGE_SIZE;
	si.procs = vmm->nr_procs;
	si.mem_unit = 1;
	return copy_to_user(vmm, a[0], &si, sizeof(si)) ? -EFAULT : 0;
}

/* the process @pid names for the scheduler calls: 0 is the caller */
static struct process *sched_task(struct vmm *vmm, int pid)
{
	if (pid < 0)
		return NULL;
	return pid ? find_process(vmm, pid) : vmm->cur;
}

/*
 * The vCPUs are the CPUs: the mask has a bit for each.  cpumask_size() for
 * up to 64 CPUs is one long, and sched_getaffinity() returns the bytes it
 * wrote.
 */
#define CPUMASK_SIZE	8

static uint64_t vcpu_mask(struct vmm *vmm)
{
	int n = vmm->nr_vcpus < 1 ? 1 : vmm->nr_vcpus > 64 ? 64 : vmm->nr_vcpus;

	return n == 64 ? ~0ULL : (1ULL << n) - 1;
}

long sys_sched_getaffinity(struct vmm *vmm, const uint64_t *a)
{
	uint64_t mask = vcpu_mask(vmm);
	uint64_t len = a[1];

	if (len * 8 < 1 || (len & (sizeof(long) - 1)))
		return -EINVAL;
	if ((int)a[0] < 0)
		return -EINVAL;
	if (!sched_task(vmm, (int)a[0]))
		return -ESRCH;
	if (copy_to_user(vmm, a[2], &mask, CPUMASK_SIZE))
		return -EFAULT;
	return CPUMASK_SIZE;
}

long sys_sched_setaffinity(struct vmm *vmm, const uint64_t *a)
{
	uint64_t mask = 0, len = a[1] < CPUMASK_SIZE ? a[1] : CPUMASK_SIZE;

	if ((int)a[0] < 0)
		return -EINVAL;
	if (!sched_task(vmm, (int)a[0]))
		return -ESRCH;
	if (copy_from_user(vmm, &mask, a[2], len))
		return -EFAULT;
	/* no CPU of the mask is online: cpumask_any_and() finds none */
	if (!(mask & vcpu_mask(vmm)))
		return -EINVAL;
	return 0;
}

/* include/uapi/linux/membarrier.h */
#define MEMBARRIER_CMD_QUERY				0
#define MEMBARRIER_CMD_GLOBAL				(1 << 0)
#define MEMBARRIER_CMD_GLOBAL_EXPEDITED			(1 << 1)
#define MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED	(1 << 2)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED		(1 << 3)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED	(1 << 4)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE	(1 << 5)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE (1 << 6)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ		(1 << 7)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ	(1 << 8)
#define MEMBARRIER_CMD_GET_REGISTRATIONS		(1 << 9)
#define MEMBARRIER_CMD_FLAG_CPU				(1 << 0)
/* kernel/sched/membarrier.c's MEMBARRIER_CMD_BITMASK on x86-64 without CONFIG_RSEQ */
#define MEMBARRIER_CMD_BITMASK	(MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED | \
				 MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | \
				 MEMBARRIER_CMD_PRIVATE_EXPEDITED | \
				 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED | \
				 MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE | \
				 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE | \
				 MEMBARRIER_CMD_GET_REGISTRATIONS)

/* the mm's membarrier_state: every task on it has the registrations */
static long membarrier_register(struct vmm *vmm, int cmd)
{
	struct process *t;

	for (t = vmm->procs; t; t = t->next)
		if (!t->exited && t->mm == vmm->cur->mm)
			t->membarrier_state |= cmd;
	return 0;
}

/*
 * The barrier: every vCPU's guest code stops at each exit to the monitor,
 * and KVM_RUN's entry serializes the core, so it is the exit of the
 * calling task's own system call plus a kick of every other task of the
 * mm (all tasks for GLOBAL), which on one vCPU are not running.
 */
static long membarrier_kick(struct vmm *vmm, bool private)
{
	struct process *t;

	for (t = vmm->procs; t; t = t->next)
		if (t != vmm->cur && !t->exited && (!private || t->mm == vmm->cur->mm))
			task_kick(vmm, t);
	return 0;
}

/*
 * membarrier(cmd, flags, cpu_id): kernel/sched/membarrier.c, as on an
 * x86-64 kernel without CONFIG_RSEQ (rseq is ENOSYS here).  The expedited
 * private commands are EPERM before their REGISTER, as Linux.
 */
long sys_membarrier(struct vmm *vmm, const uint64_t *a)
{
	int cmd = (int)a[0];
	unsigned int flags = (unsigned int)a[1];

	if (cmd == MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ) {
		if (flags && flags != MEMBARRIER_CMD_FLAG_CPU)
			return -EINVAL;
	} else if (flags) {
		return -EINVAL;
	}
	switch (cmd) {
	case MEMBARRIER_CMD_QUERY:
		return MEMBARRIER_CMD_BITMASK;
	case MEMBARRIER_CMD_GLOBAL:
	case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
		return membarrier_kick(vmm, false);
	case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
		return membarrier_register(vmm, cmd);
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
		if (!(vmm->cur->membarrier_state & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED))
			return -EPERM;
		return membarrier_kick(vmm, true);
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE:
		if (!(vmm->cur->membarrier_state &
		      MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE))
			return -EPERM;
		return membarrier_kick(vmm, true);
	case MEMBARRIER_CMD_GET_REGISTRATIONS:
		return vmm->cur->membarrier_state;
	default:
		return -EINVAL;		/* the RSEQ ones too: no CONFIG_RSEQ */
	}
}

/* getcpu(cpu, node, tcache): CPU 0 on node 0 */
long sys_getcpu(struct vmm *vmm, const uint64_t *a)
{
	uint32_t zero = 0;

	if (a[0] && copy_to_user(vmm, a[0], &zero, 4))
		return -EFAULT;
	if (a[1] && copy_to_user(vmm, a[1], &zero, 4))
		return -EFAULT;
	return 0;
}

/* struct robust_list_head: list, futex_offset, list_op_pending */
#define ROBUST_LIST_HEAD_SIZE	24

/*
 * The robust list is kept and given back; with one thread per process
 * nobody else can own its futexes, so exit does not walk it (a robust
 * mutex in memory shared with another process is the case this misses).
 */
long sys_set_robust_list(struct vmm *vmm, const uint64_t *a)
{
	if (a[1] != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	vmm->cur->robust_list = a[0];
	return 0;
}

long sys_get_robust_list(struct vmm *vmm, const uint64_t *a)
{
	struct process *p = sched_task(vmm, (int)a[0]);
	uint64_t len = ROBUST_LIST_HEAD_SIZE;

	if (!p)
		return -ESRCH;
	if (copy_to_user(vmm, a[2], &len, sizeof(len)) ||
	    copy_to_user(vmm, a[1], &p->robust_list, sizeof(p->robust_list)))
		return -EFAULT;
	return 0;
}

/* ---- prctl (kernel/sys.c): the options programs use at start-up ---- */

#define K_PR_SET_PDEATHSIG	1
#define K_PR_GET_PDEATHSIG	2
#define K_PR_GET_DUMPABLE	3
#define K_PR_SET_DUMPABLE	4
#define K_PR_SET_NAME		15
#define K_PR_GET_NAME		16
#define K_PR_SET_NO_NEW_PRIVS	38
#define K_PR_GET_NO_NEW_PRIVS	39

static long prctl_set_name(struct vmm *vmm, uint64_t uname)
{
	char comm[sizeof(vmm->cur->comm)];
	long n = strncpy_from_user(vmm, comm, uname, sizeof(comm) - 1);

	/* a longer name is cut, not refused */
	if (n < 0 && n != -ENAMETOOLONG)
		return n;
	comm[sizeof(comm) - 1] = 0;
	if (n >= 0)
		comm[n] = 0;
	memcpy(vmm->cur->comm, comm, sizeof(comm));
	return 0;
}

long sys_prctl(struct vmm *vmm, const uint64_t *a)
{
	struct process *p = vmm->cur;
	int v;

	switch (a[0]) {
	case K_PR_SET_PDEATHSIG:
		if (a[1] >= NR_SIGNALS)
			return -EINVAL;
		p->pdeath_sig = (int)a[1];
		return 0;
	case K_PR_GET_PDEATHSIG:
		v = p->pdeath_sig;
		return copy_to_user(vmm, a[1], &v, sizeof(v)) ? -EFAULT : 0;
	case K_PR_GET_DUMPABLE:
		return p->dumpable;
	case K_PR_SET_DUMPABLE:
		if (a[1] != 0 && a[1] != 1)
			return -EINVAL;
		p->dumpable = (int)a[1];
		return 0;
	case K_PR_SET_NAME:
		return prctl_set_name(vmm, a[1]);
	case K_PR_GET_NAME:
		return copy_to_user(vmm, a[1], p->comm, sizeof(p->comm)) ? -EFAULT : 0;
	case K_PR_SET_NO_NEW_PRIVS:
		if (a[1] != 1 || a[2] || a[3] || a[4])
			return -EINVAL;
		p->no_new_privs = true;
		return 0;
	case K_PR_GET_NO_NEW_PRIVS:
		if (a[1] || a[2] || a[3] || a[4])
			return -EINVAL;
		return p->no_new_privs;
	default:
		return -EINVAL;
	}
}

/* the process's umask (Linux: current_umask()); the monitor's own is 0 */
mode_t current_umask(struct vmm *vmm)
{
	return vmm->cur ? vmm->cur->fs->umask : 0;
}

long sys_umask(struct vmm *vmm, const uint64_t *a)
{
	unsigned int old = vmm->cur->fs->umask;

	vmm->cur->fs->umask = a[0] & 0777;
	return old;
}

/* the supplementary groups are the monitor's, as the ids are */
long sys_getgroups(struct vmm *vmm, const uint64_t *a)
{
	gid_t list[NGROUPS_MAX_GUEST];
	int size = (int)a[0], n;

	if (size < 0)
		return -EINVAL;
	n = getgroups(0, NULL);
	if (n < 0)
		return -errno;
	if (n > NGROUPS_MAX_GUEST)
		n = NGROUPS_MAX_GUEST;
	if (!size)
		return n;
	if (size < n)
		return -EINVAL;
	n = getgroups(n, list);
	if (n < 0)
		return -errno;
	return copy_to_user(vmm, a[1], list, n * sizeof(gid_t)) ? -EFAULT : n;
}
