/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The system-call handlers, by the file that holds each family (Linux:
 * include/linux/syscalls.h).  Each takes the six argument registers.
 */
#ifndef VMM_SYSCALLS_H
#define VMM_SYSCALLS_H

#include <stdint.h>

#include "vmm.h"

typedef long (*syscall_fn)(struct vmm *vmm, const uint64_t *a);

struct syscall_desc {
	syscall_fn fn;
	const char *args;	/* --trace: one letter per argument, see syscall_trace.c */
};

extern const struct syscall_desc syscall_table[NR_SYSCALLS];

/* syscall_trace.c: --trace, one strace-like line per call */
struct trace_state {
	unsigned long nr;
	struct process *proc;
	int next;		/* the first argument shown at the return */
	size_t len;
	char line[2048];	/* the prefix, the name and the arguments read */
};

int trace_enter(struct vmm *vmm, struct trace_state *st, unsigned long nr,
		const char *letters, const uint64_t *a);
void trace_exit(struct vmm *vmm, struct trace_state *st, const char *letters,
		const uint64_t *a, long ret);
void trace_nosys(struct vmm *vmm, unsigned long nr, const uint64_t *a);


/* file.c */
long sys_close(struct vmm *vmm, const uint64_t *a);
long sys_dup(struct vmm *vmm, const uint64_t *a);
long sys_dup2(struct vmm *vmm, const uint64_t *a);
long sys_dup3(struct vmm *vmm, const uint64_t *a);
long sys_fcntl(struct vmm *vmm, const uint64_t *a);
long sys_ioctl(struct vmm *vmm, const uint64_t *a);

/* read_write.c */
long sys_lseek(struct vmm *vmm, const uint64_t *a);
long sys_pread64(struct vmm *vmm, const uint64_t *a);
long sys_pwrite64(struct vmm *vmm, const uint64_t *a);
long sys_read(struct vmm *vmm, const uint64_t *a);
long sys_readv(struct vmm *vmm, const uint64_t *a);
long sys_write(struct vmm *vmm, const uint64_t *a);
long sys_writev(struct vmm *vmm, const uint64_t *a);

/* open.c */
long sys_access(struct vmm *vmm, const uint64_t *a);
long sys_fsync(struct vmm *vmm, const uint64_t *a);
long sys_ftruncate(struct vmm *vmm, const uint64_t *a);
long sys_open(struct vmm *vmm, const uint64_t *a);
long sys_openat(struct vmm *vmm, const uint64_t *a);

/* stat.c */
long sys_fstat(struct vmm *vmm, const uint64_t *a);
long sys_lstat(struct vmm *vmm, const uint64_t *a);
long sys_newfstatat(struct vmm *vmm, const uint64_t *a);
long sys_readlink(struct vmm *vmm, const uint64_t *a);
long sys_stat(struct vmm *vmm, const uint64_t *a);

/* namei.c */
long sys_mkdir(struct vmm *vmm, const uint64_t *a);
long sys_rmdir(struct vmm *vmm, const uint64_t *a);
long sys_unlink(struct vmm *vmm, const uint64_t *a);
long sys_unlinkat(struct vmm *vmm, const uint64_t *a);

/* memfd.c */
long sys_memfd_create(struct vmm *vmm, const uint64_t *a);

/* mman.c */
long sys_brk(struct vmm *vmm, const uint64_t *a);
long sys_madvise(struct vmm *vmm, const uint64_t *a);
long sys_mincore(struct vmm *vmm, const uint64_t *a);
long sys_mlock(struct vmm *vmm, const uint64_t *a);
long sys_mlock2(struct vmm *vmm, const uint64_t *a);
long sys_mlockall(struct vmm *vmm, const uint64_t *a);
long sys_mmap(struct vmm *vmm, const uint64_t *a);
long sys_mprotect(struct vmm *vmm, const uint64_t *a);
long sys_mremap(struct vmm *vmm, const uint64_t *a);
long sys_msync(struct vmm *vmm, const uint64_t *a);
long sys_munlock(struct vmm *vmm, const uint64_t *a);
long sys_munlockall(struct vmm *vmm, const uint64_t *a);
long sys_munmap(struct vmm *vmm, const uint64_t *a);
long sys_pkey_alloc(struct vmm *vmm, const uint64_t *a);
long sys_pkey_free(struct vmm *vmm, const uint64_t *a);
long sys_pkey_mprotect(struct vmm *vmm, const uint64_t *a);

/* sys.c */
long sys_arch_prctl(struct vmm *vmm, const uint64_t *a);
long sys_getegid(struct vmm *vmm, const uint64_t *a);
long sys_geteuid(struct vmm *vmm, const uint64_t *a);
long sys_getgid(struct vmm *vmm, const uint64_t *a);
long sys_getrandom(struct vmm *vmm, const uint64_t *a);
long sys_getresgid(struct vmm *vmm, const uint64_t *a);
long sys_getresuid(struct vmm *vmm, const uint64_t *a);
long sys_getrlimit(struct vmm *vmm, const uint64_t *a);
long sys_getuid(struct vmm *vmm, const uint64_t *a);
long sys_prlimit64(struct vmm *vmm, const uint64_t *a);
long sys_setrlimit(struct vmm *vmm, const uint64_t *a);
long sys_uname(struct vmm *vmm, const uint64_t *a);

/* pipe.c */
long sys_pipe(struct vmm *vmm, const uint64_t *a);
long sys_pipe2(struct vmm *vmm, const uint64_t *a);

/* poll.c */
long sys_poll(struct vmm *vmm, const uint64_t *a);
long sys_ppoll(struct vmm *vmm, const uint64_t *a);
long sys_pselect6(struct vmm *vmm, const uint64_t *a);
long sys_select(struct vmm *vmm, const uint64_t *a);

/* namei.c: mknod */
long sys_mknod(struct vmm *vmm, const uint64_t *a);
long sys_mknodat(struct vmm *vmm, const uint64_t *a);

/* time.c */
long sys_clock_getres(struct vmm *vmm, const uint64_t *a);
long sys_clock_gettime(struct vmm *vmm, const uint64_t *a);
long sys_clock_nanosleep(struct vmm *vmm, const uint64_t *a);
long sys_gettimeofday(struct vmm *vmm, const uint64_t *a);
long sys_nanosleep(struct vmm *vmm, const uint64_t *a);
long sys_time(struct vmm *vmm, const uint64_t *a);

/* signal.c */
long sys_kill(struct vmm *vmm, const uint64_t *a);
long sys_pause(struct vmm *vmm, const uint64_t *a);
long sys_rt_sigaction(struct vmm *vmm, const uint64_t *a);
long sys_rt_sigpending(struct vmm *vmm, const uint64_t *a);
long sys_rt_sigprocmask(struct vmm *vmm, const uint64_t *a);
long sys_rt_sigreturn(struct vmm *vmm, const uint64_t *a);
long sys_rt_sigsuspend(struct vmm *vmm, const uint64_t *a);
long sys_rt_sigtimedwait(struct vmm *vmm, const uint64_t *a);
long sys_sigaltstack(struct vmm *vmm, const uint64_t *a);
long sys_tgkill(struct vmm *vmm, const uint64_t *a);
long sys_tkill(struct vmm *vmm, const uint64_t *a);

/* process.c */
long sys_clone(struct vmm *vmm, const uint64_t *a);
long sys_execve(struct vmm *vmm, const uint64_t *a);
long sys_exit_group(struct vmm *vmm, const uint64_t *a);
long sys_fork(struct vmm *vmm, const uint64_t *a);
long sys_getpid(struct vmm *vmm, const uint64_t *a);
long sys_gettid(struct vmm *vmm, const uint64_t *a);
long sys_exit(struct vmm *vmm, const uint64_t *a);
long sys_membarrier(struct vmm *vmm, const uint64_t *a);
long sys_getppid(struct vmm *vmm, const uint64_t *a);
long sys_sched_yield(struct vmm *vmm, const uint64_t *a);
long sys_set_tid_address(struct vmm *vmm, const uint64_t *a);
long sys_vfork(struct vmm *vmm, const uint64_t *a);
long sys_wait4(struct vmm *vmm, const uint64_t *a);
long sys_waitid(struct vmm *vmm, const uint64_t *a);

/* procs: process groups, clone3 (process.c), start-up calls (sys.c), futex.c, mseal (mman.c) */
long sys_clone3(struct vmm *vmm, const uint64_t *a);
long sys_futex(struct vmm *vmm, const uint64_t *a);
long sys_get_robust_list(struct vmm *vmm, const uint64_t *a);
long sys_getcpu(struct vmm *vmm, const uint64_t *a);
long sys_getpgid(struct vmm *vmm, const uint64_t *a);
long sys_getpgrp(struct vmm *vmm, const uint64_t *a);
long sys_getrusage(struct vmm *vmm, const uint64_t *a);
long sys_getsid(struct vmm *vmm, const uint64_t *a);
long sys_mseal(struct vmm *vmm, const uint64_t *a);
long sys_prctl(struct vmm *vmm, const uint64_t *a);
long sys_sched_getaffinity(struct vmm *vmm, const uint64_t *a);
long sys_sched_setaffinity(struct vmm *vmm, const uint64_t *a);
long sys_set_robust_list(struct vmm *vmm, const uint64_t *a);
long sys_setpgid(struct vmm *vmm, const uint64_t *a);
long sys_setsid(struct vmm *vmm, const uint64_t *a);
long sys_sysinfo(struct vmm *vmm, const uint64_t *a);
long sys_times(struct vmm *vmm, const uint64_t *a);

/* namei.c (names) */
long sys_chdir(struct vmm *vmm, const uint64_t *a);
long sys_fchdir(struct vmm *vmm, const uint64_t *a);
long sys_getcwd(struct vmm *vmm, const uint64_t *a);
long sys_link(struct vmm *vmm, const uint64_t *a);
long sys_linkat(struct vmm *vmm, const uint64_t *a);
long sys_mkdirat(struct vmm *vmm, const uint64_t *a);
long sys_rename(struct vmm *vmm, const uint64_t *a);
long sys_renameat(struct vmm *vmm, const uint64_t *a);
long sys_renameat2(struct vmm *vmm, const uint64_t *a);
long sys_symlink(struct vmm *vmm, const uint64_t *a);
long sys_symlinkat(struct vmm *vmm, const uint64_t *a);

/* open.c (names) */
long sys_creat(struct vmm *vmm, const uint64_t *a);
long sys_faccessat(struct vmm *vmm, const uint64_t *a);
long sys_faccessat2(struct vmm *vmm, const uint64_t *a);
long sys_truncate(struct vmm *vmm, const uint64_t *a);

/* stat.c (names) */
#ifndef SYS_fchmodat2
#define SYS_fchmodat2	452	/* Linux 6.6; older headers lack it */
#endif
long sys_chmod(struct vmm *vmm, const uint64_t *a);
long sys_chown(struct vmm *vmm, const uint64_t *a);
long sys_fchmod(struct vmm *vmm, const uint64_t *a);
long sys_fchmodat(struct vmm *vmm, const uint64_t *a);
long sys_fchmodat2(struct vmm *vmm, const uint64_t *a);
long sys_fchown(struct vmm *vmm, const uint64_t *a);
long sys_fchownat(struct vmm *vmm, const uint64_t *a);
long sys_fstatfs(struct vmm *vmm, const uint64_t *a);
long sys_futimesat(struct vmm *vmm, const uint64_t *a);
long sys_lchown(struct vmm *vmm, const uint64_t *a);
long sys_readlinkat(struct vmm *vmm, const uint64_t *a);
long sys_statfs(struct vmm *vmm, const uint64_t *a);
long sys_statx(struct vmm *vmm, const uint64_t *a);
long sys_utime(struct vmm *vmm, const uint64_t *a);
long sys_utimensat(struct vmm *vmm, const uint64_t *a);
long sys_utimes(struct vmm *vmm, const uint64_t *a);

/* readdir.c */
long sys_getdents(struct vmm *vmm, const uint64_t *a);
long sys_getdents64(struct vmm *vmm, const uint64_t *a);

/* sendfile.c */
long sys_copy_file_range(struct vmm *vmm, const uint64_t *a);
long sys_fadvise64(struct vmm *vmm, const uint64_t *a);
long sys_sendfile(struct vmm *vmm, const uint64_t *a);

/* sys.c (names) */
long sys_umask(struct vmm *vmm, const uint64_t *a);
long sys_getgroups(struct vmm *vmm, const uint64_t *a);

#endif
