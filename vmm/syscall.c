// SPDX-License-Identifier: GPL-2.0
/*
 * System calls with Linux's numbers and semantics.  The table maps a
 * number to a handler; anything without one returns -ENOSYS, and --trace
 * names it once.  Guest memory is reached only through the MMU's
 * copy_{from,to}_user, which fault pages in as the kernel's would.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"
#include "syscall_names.h"

#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004

typedef long (*syscall_fn)(struct vmm *vmm, const uint64_t *a);

struct syscall_desc {
	syscall_fn fn;
	const char *args;	/* --trace: one letter per argument, see trace_arg() */
};

/* ---- guest memory ---- */

int copy_from_user(struct vmm *vmm, void *dst, uint64_t src, size_t n)
{
	return mm_copy_from_user(vmm->cur->mm, dst, src, n) ? -EFAULT : 0;
}

int copy_to_user(struct vmm *vmm, uint64_t dst, const void *src, size_t n)
{
	return mm_copy_to_user(vmm->cur->mm, dst, src, n) ? -EFAULT : 0;
}

/*
 * A NUL-terminated string of at most @n bytes with the NUL, a page at a
 * time; -ENAMETOOLONG past @n, -EFAULT only if the fault comes before the
 * NUL (as Linux's strncpy_from_user()).
 */
long strncpy_from_user(struct vmm *vmm, char *dst, uint64_t src, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t chunk = PAGE_SIZE - ((src + i) & ~PAGE_MASK), left, got;
		char *nul;

		if (chunk > n - i)
			chunk = n - i;
		left = mm_copy_from_user(vmm->cur->mm, dst + i, src + i, chunk);
		got = chunk - left;
		nul = memchr(dst + i, 0, got);
		if (nul)
			return nul - dst;
		if (left)
			return -EFAULT;
		i += got;
	}
	return -ENAMETOOLONG;
}

/* ---- memory ---- */

static long sys_mmap(struct vmm *vmm, const uint64_t *a)
{
	struct file *file = NULL;
	int flags = (int)a[3];
	long err;

	if (!(flags & MAP_ANONYMOUS)) {
		file = fs_mmap_file(vmm, (int)a[4], (int)a[2], flags, &err);
		if (!file && err)
			return err;
		if (!file)	/* /dev/zero: anonymous memory */
			flags |= MAP_ANONYMOUS;
	}
	return mm_mmap(vmm->cur->mm, a[0], a[1], (int)a[2], flags, file, a[5]);
}

static long sys_munmap(struct vmm *vmm, const uint64_t *a)
{
	return mm_munmap(vmm->cur->mm, a[0], a[1]);
}

static long sys_mremap(struct vmm *vmm, const uint64_t *a)
{
	return mm_mremap(vmm->cur->mm, a[0], a[1], a[2], (int)a[3], a[4]);
}

static long sys_mprotect(struct vmm *vmm, const uint64_t *a)
{
	return mm_mprotect(vmm->cur->mm, a[0], a[1], (int)a[2]);
}

static long sys_pkey_mprotect(struct vmm *vmm, const uint64_t *a)
{
	return mm_pkey_mprotect(vmm->cur->mm, a[0], a[1], a[2], (int)a[3]);
}

static long sys_pkey_alloc(struct vmm *vmm, const uint64_t *a)
{
	return mm_pkey_alloc(vmm->cur->mm, a[0], a[1]);
}

static long sys_pkey_free(struct vmm *vmm, const uint64_t *a)
{
	return mm_pkey_free(vmm->cur->mm, (int)a[0]);
}

static long sys_brk(struct vmm *vmm, const uint64_t *a)
{
	return mm_brk(vmm->cur->mm, a[0]);
}

static long sys_madvise(struct vmm *vmm, const uint64_t *a)
{
	return mm_madvise(vmm->cur->mm, a[0], a[1], (int)a[2]);
}

static long sys_msync(struct vmm *vmm, const uint64_t *a)
{
	return mm_msync(vmm->cur->mm, a[0], a[1], (int)a[2]);
}

static long sys_mlock(struct vmm *vmm, const uint64_t *a)
{
	return mm_mlock(vmm->cur->mm, a[0], a[1], 0);
}

/* mlock2(): MLOCK_ONFAULT is the only flag */
static long sys_mlock2(struct vmm *vmm, const uint64_t *a)
{
	if (a[2] & ~1ULL)
		return -EINVAL;
	return mm_mlock(vmm->cur->mm, a[0], a[1], (unsigned int)a[2]);
}

static long sys_munlock(struct vmm *vmm, const uint64_t *a)
{
	return mm_munlock(vmm->cur->mm, a[0], a[1]);
}

static long sys_mlockall(struct vmm *vmm, const uint64_t *a)
{
	return mm_mlockall(vmm->cur->mm, (int)a[0]);
}

static long sys_munlockall(struct vmm *vmm, const uint64_t *a)
{
	return mm_munlockall(vmm->cur->mm);
}

/* one page of result bytes at a time, as Linux's do_mincore() loop */
static long sys_mincore(struct vmm *vmm, const uint64_t *a)
{
	uint64_t start = a[0], len = a[1], vec = a[2], done = 0, pages;
	unsigned char buf[4096];
	long ret;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
	if (!pages)
		return mm_mincore(vmm->cur->mm, start, 0, buf);
	while (done < pages) {
		uint64_t n = pages - done < sizeof(buf) ? pages - done : sizeof(buf);

		ret = mm_mincore(vmm->cur->mm, start + (done << PAGE_SHIFT),
				 n << PAGE_SHIFT, buf);
		if (ret < 0)
			return ret;
		if (copy_to_user(vmm, vec + done, buf, n))
			return -EFAULT;
		done += n;
	}
	return 0;
}

/* ---- the process ---- */

static bool user_canonical(uint64_t addr)
{
	return addr < TASK_SIZE;
}

static long sys_arch_prctl(struct vmm *vmm, const uint64_t *a)
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

static long sys_getuid(struct vmm *vmm, const uint64_t *a)
{
	return getuid();
}

static long sys_geteuid(struct vmm *vmm, const uint64_t *a)
{
	return geteuid();
}

static long sys_getgid(struct vmm *vmm, const uint64_t *a)
{
	return getgid();
}

static long sys_getegid(struct vmm *vmm, const uint64_t *a)
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

static long sys_getresuid(struct vmm *vmm, const uint64_t *a)
{
	uid_t r, e, s;

	getresuid(&r, &e, &s);
	return put_ids3(vmm, a, r, e, s);
}

static long sys_getresgid(struct vmm *vmm, const uint64_t *a)
{
	gid_t r, e, s;

	getresgid(&r, &e, &s);
	return put_ids3(vmm, a, r, e, s);
}

static long sys_uname(struct vmm *vmm, const uint64_t *a)
{
	struct utsname u;

	if (uname(&u))
		return -errno;
	return copy_to_user(vmm, a[0], &u, sizeof(u));
}

/* ---- time ---- */

static long sys_clock_gettime(struct vmm *vmm, const uint64_t *a)
{
	struct timespec ts;

	if (clock_gettime((clockid_t)a[0], &ts))
		return -errno;
	return copy_to_user(vmm, a[1], &ts, sizeof(ts));
}

static long sys_clock_getres(struct vmm *vmm, const uint64_t *a)
{
	struct timespec ts;

	if (clock_getres((clockid_t)a[0], &ts))
		return -errno;
	return a[1] ? copy_to_user(vmm, a[1], &ts, sizeof(ts)) : 0;
}

static long sys_gettimeofday(struct vmm *vmm, const uint64_t *a)
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

static long sys_time(struct vmm *vmm, const uint64_t *a)
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

static long sys_nanosleep(struct vmm *vmm, const uint64_t *a)
{
	return do_nanosleep(vmm, CLOCK_MONOTONIC, 0, a[0], a[1]);
}

static long sys_clock_nanosleep(struct vmm *vmm, const uint64_t *a)
{
	return do_nanosleep(vmm, (clockid_t)a[0], (int)a[1], a[2], a[3]);
}

static long sys_getrandom(struct vmm *vmm, const uint64_t *a)
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

static long sys_prlimit64(struct vmm *vmm, const uint64_t *a)
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

static long sys_getrlimit(struct vmm *vmm, const uint64_t *a)
{
	struct rlimit rl;

	if ((unsigned int)a[0] >= RLIM_NLIMITS)
		return -EINVAL;
	rlimit_get(vmm, (unsigned int)a[0], &rl);
	return copy_to_user(vmm, a[1], &rl, sizeof(rl));
}

static long sys_setrlimit(struct vmm *vmm, const uint64_t *a)
{
	struct rlimit rl;

	if ((unsigned int)a[0] >= RLIM_NLIMITS)
		return -EINVAL;
	if (copy_from_user(vmm, &rl, a[1], sizeof(rl)))
		return -EFAULT;
	return rlimit_set(vmm, (unsigned int)a[0], &rl);
}

/* ---- the table ---- */

/*
 * Argument letters for --trace: d int, u unsigned, x hex, s string,
 * p pointer, f fd, o octal.
 */
static const struct syscall_desc syscall_table[NR_SYSCALLS] = {
	[SYS_read]		= { sys_read,		"fpu" },
	[SYS_write]		= { sys_write,		"fpu" },
	[SYS_open]		= { sys_open,		"sxo" },
	[SYS_close]		= { sys_close,		"f" },
	[SYS_stat]		= { sys_stat,		"sp" },
	[SYS_fstat]		= { sys_fstat,		"fp" },
	[SYS_lstat]		= { sys_lstat,		"sp" },
	[SYS_lseek]		= { sys_lseek,		"fdd" },
	[SYS_mmap]		= { sys_mmap,		"pxxxfx" },
	[SYS_mprotect]		= { sys_mprotect,	"pxx" },
	[SYS_munmap]		= { sys_munmap,		"px" },
	[SYS_mremap]		= { sys_mremap,		"pxxxp" },
	[SYS_brk]		= { sys_brk,		"p" },
	[SYS_pkey_mprotect]	= { sys_pkey_mprotect,	"pxxd" },
	[SYS_pkey_alloc]	= { sys_pkey_alloc,	"xx" },
	[SYS_pkey_free]		= { sys_pkey_free,	"d" },
	[SYS_rt_sigaction]	= { sys_rt_sigaction,	"dppu" },
	[SYS_rt_sigprocmask]	= { sys_rt_sigprocmask,	"dppu" },
	[SYS_rt_sigreturn]	= { sys_rt_sigreturn,	"" },
	[SYS_rt_sigpending]	= { sys_rt_sigpending,	"pu" },
	[SYS_rt_sigtimedwait]	= { sys_rt_sigtimedwait, "pppu" },
	[SYS_rt_sigsuspend]	= { sys_rt_sigsuspend,	"pu" },
	[SYS_sigaltstack]	= { sys_sigaltstack,	"pp" },
	[SYS_pause]		= { sys_pause,		"" },
	[SYS_ioctl]		= { sys_ioctl,		"fxx" },
	[SYS_pread64]		= { sys_pread64,	"fpud" },
	[SYS_readv]		= { sys_readv,		"fpd" },
	[SYS_writev]		= { sys_writev,		"fpd" },
	[SYS_access]		= { sys_access,		"so" },
	[SYS_sched_yield]	= { sys_sched_yield,	"" },
	[SYS_mincore]		= { sys_mincore,	"pxp" },
	[SYS_madvise]		= { sys_madvise,	"pxd" },
	[SYS_dup]		= { sys_dup,		"f" },
	[SYS_dup2]		= { sys_dup2,		"ff" },
	[SYS_nanosleep]		= { sys_nanosleep,	"pp" },
	[SYS_getpid]		= { sys_getpid,		"" },
	[SYS_exit]		= { sys_exit_group,	"d" },
	[SYS_kill]		= { sys_kill,		"dd" },
	[SYS_uname]		= { sys_uname,		"p" },
	[SYS_fcntl]		= { sys_fcntl,		"fdx" },
	[SYS_ftruncate]		= { sys_ftruncate,	"fd" },
	[SYS_getcwd]		= { sys_getcwd,		"pu" },
	[SYS_readlink]		= { sys_readlink,	"spu" },
	[SYS_gettimeofday]	= { sys_gettimeofday,	"pp" },
	[SYS_getrlimit]		= { sys_getrlimit,	"dp" },
	[SYS_getuid]		= { sys_getuid,		"" },
	[SYS_getgid]		= { sys_getgid,		"" },
	[SYS_geteuid]		= { sys_geteuid,	"" },
	[SYS_getegid]		= { sys_getegid,	"" },
	[SYS_getppid]		= { sys_getppid,	"" },
	[SYS_getresuid]		= { sys_getresuid,	"ppp" },
	[SYS_getresgid]		= { sys_getresgid,	"ppp" },
	[SYS_setrlimit]		= { sys_setrlimit,	"dp" },
	[SYS_arch_prctl]	= { sys_arch_prctl,	"xp" },
	[SYS_gettid]		= { sys_getpid,		"" },
	[SYS_tkill]		= { sys_tkill,		"dd" },
	[SYS_time]		= { sys_time,		"p" },
	[SYS_set_tid_address]	= { sys_set_tid_address, "p" },
	[SYS_clock_gettime]	= { sys_clock_gettime,	"dp" },
	[SYS_clock_getres]	= { sys_clock_getres,	"dp" },
	[SYS_clock_nanosleep]	= { sys_clock_nanosleep, "ddpp" },
	[SYS_exit_group]	= { sys_exit_group,	"d" },
	[SYS_tgkill]		= { sys_tgkill,		"ddd" },
	[SYS_openat]		= { sys_openat,		"fsxo" },
	[SYS_newfstatat]	= { sys_newfstatat,	"fspx" },
	[SYS_dup3]		= { sys_dup3,		"ffx" },
	[SYS_prlimit64]		= { sys_prlimit64,	"ddpp" },
	[SYS_getrandom]		= { sys_getrandom,	"pux" },
	[SYS_memfd_create]	= { sys_memfd_create,	"sx" },
	[SYS_fork]		= { sys_fork,		"" },
	[SYS_vfork]		= { sys_vfork,		"" },
	[SYS_clone]		= { sys_clone,		"xppppx" },
	[SYS_execve]		= { sys_execve,		"spp" },
	[SYS_wait4]		= { sys_wait4,		"dpxp" },
	[SYS_waitid]		= { sys_waitid,		"ddpxp" },
	[SYS_msync]		= { sys_msync,		"pxx" },
	[SYS_mlock]		= { sys_mlock,		"px" },
	[SYS_mlock2]		= { sys_mlock2,		"pxx" },
	[SYS_munlock]		= { sys_munlock,	"px" },
	[SYS_mlockall]		= { sys_mlockall,	"x" },
	[SYS_munlockall]	= { sys_munlockall,	"" },
	[SYS_pwrite64]		= { sys_pwrite64,	"fpud" },
	[SYS_fsync]		= { sys_fsync,		"f" },
	[SYS_fdatasync]		= { sys_fsync,		"f" },
	[SYS_unlink]		= { sys_unlink,		"s" },
	[SYS_unlinkat]		= { sys_unlinkat,	"fsx" },
	[SYS_mkdir]		= { sys_mkdir,		"so" },
	[SYS_rmdir]		= { sys_rmdir,		"s" },
};

const char *syscall_name(unsigned long nr)
{
	if (nr < sizeof(syscall_names) / sizeof(syscall_names[0]) && syscall_names[nr])
		return syscall_names[nr];
	return NULL;
}

static void trace_arg(struct vmm *vmm, FILE *out, char kind, uint64_t v)
{
	char s[64];
	long n;

	switch (kind) {
	case 'd':
	case 'f':
		fprintf(out, "%d", (int)v);
		break;
	case 'u':
		fprintf(out, "%llu", (unsigned long long)v);
		break;
	case 'o':
		fprintf(out, "%#llo", (unsigned long long)v);
		break;
	case 's':
		n = strncpy_from_user(vmm, s, v, sizeof(s));
		if (n >= 0)
			fprintf(out, "\"%s\"", s);
		else if (n == -ENAMETOOLONG)
			fprintf(out, "\"%.*s\"...", (int)sizeof(s) - 1, s);
		else
			fprintf(out, "%#llx", (unsigned long long)v);
		break;
	case 'p':
		if (!v) {
			fputs("NULL", out);
			break;
		}
		/* fall through */
	default:
		fprintf(out, "%#llx", (unsigned long long)v);
	}
}

static void trace_call(struct vmm *vmm, FILE *out, unsigned long nr, const char *args,
		       const uint64_t *a)
{
	const char *name = syscall_name(nr);
	int i;

	if (name)
		fprintf(out, "%s(", name);
	else
		fprintf(out, "syscall_%lu(", nr);
	for (i = 0; args[i]; i++) {
		if (i)
			fputs(", ", out);
		trace_arg(vmm, out, args[i], a[i]);
	}
	fputs(")", out);
}

static void trace_result(long ret)
{
	if (ret < 0 && ret >= -4095) {
		const char *e = strerrorname_np((int)-ret);

		fprintf(stderr, " = -1 %s (%s)\n", e ? e : "?", strerror((int)-ret));
	} else if (ret > 0xffff || ret < -0xffff) {
		fprintf(stderr, " = %#lx\n", ret);
	} else {
		fprintf(stderr, " = %ld\n", ret);
	}
}

/*
 * Run @d with the MMU's model of PKRU up to date (the program changes the
 * register with WRPKRU, no exit), and hand back what the MMU changed in
 * it: a first PROT_EXEC-only mapping access-disables the execute-only key,
 * pkey_alloc() applies its rights, both to the calling thread's PKRU.
 */
static long pkru_call(struct vmm *vmm, const struct syscall_desc *d, const uint64_t *a)
{
	struct process *p = vmm->cur;
	struct mm_struct *mm = p->mm;
	uint32_t pkru;
	long ret;

	if (!vmm->has_pku)
		return d->fn(vmm, a);
	pkru = mm->pkru = pkru_get(vmm);
	ret = d->fn(vmm, a);
	if (vmm->cur == p && p->mm == mm && mm->pkru != pkru)
		pkru_set(vmm, mm->pkru);
	return ret;
}

void syscall_dispatch(struct vmm *vmm)
{
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	uint64_t a[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 };
	unsigned long nr = r->rax;
	char line[512] = "";
	FILE *trace = NULL;
	const struct syscall_desc *d = nr < NR_SYSCALLS ? &syscall_table[nr] : NULL;
	long ret;

	if (!d || !d->fn) {
		if (vmm->trace && (nr >= NR_SYSCALLS || !vmm->trace_named[nr])) {
			const char *name = syscall_name(nr);

			fprintf(stderr, "[vmm] system call %lu (%s) has no handler here: ENOSYS\n",
				nr, name ? name : "unknown");
			if (nr < NR_SYSCALLS)
				vmm->trace_named[nr] = true;
		}
		r->rax = -ENOSYS;
		vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
		return;
	}
	/* the call is formatted first (its strings may change), printed after */
	if (vmm->trace) {
		trace = fmemopen(line, sizeof(line), "w");
		if (trace) {
			trace_call(vmm, trace, nr, d->args, a);
			fclose(trace);
		}
	}
	ret = pkru_call(vmm, d, a);
	if (vmm->trace && trace) {
		fputs(line, stderr);
		if (vmm->cur->exited && (nr == SYS_exit || nr == SYS_exit_group))
			fputs(" = ?\n", stderr);
		else
			trace_result(ret);
	}
	r->rax = (uint64_t)ret;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}
