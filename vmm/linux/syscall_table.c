// SPDX-License-Identifier: GPL-2.0
/*
 * The system-call table (Linux: arch/x86/entry/syscalls/syscall_64.tbl):
 * every x86-64 number in order, a handler where the monitor has one and a
 * comment where it has none (the call returns ENOSYS; --trace names it).
 *
 * Argument letters for --trace: d int, u unsigned, x hex, s string,
 * p pointer, f fd, o octal; a call with a decoder in syscall_trace.c
 * (strace's flag names, structs) is printed by that instead.
 */
#include <sys/syscall.h>

#include "syscalls.h"

const struct syscall_desc syscall_table[NR_SYSCALLS] = {
	[SYS_read]		= { sys_read,		"fpu" },
	[SYS_write]		= { sys_write,		"fpu" },
	[SYS_open]		= { sys_open,		"sxo" },
	[SYS_close]		= { sys_close,		"f" },
	[SYS_stat]		= { sys_stat,		"sp" },
	[SYS_fstat]		= { sys_fstat,		"fp" },
	[SYS_lstat]		= { sys_lstat,		"sp" },
	[SYS_poll]		= { sys_poll,	"pud" },
	[SYS_lseek]		= { sys_lseek,		"fdd" },
	[SYS_mmap]		= { sys_mmap,		"pxxxfx" },
	[SYS_mprotect]		= { sys_mprotect,		"pxx" },
	[SYS_munmap]		= { sys_munmap,		"px" },
	[SYS_brk]		= { sys_brk,		"p" },
	[SYS_rt_sigaction]	= { sys_rt_sigaction,	"dppu" },
	[SYS_rt_sigprocmask]	= { sys_rt_sigprocmask,	"dppu" },
	[SYS_rt_sigreturn]	= { sys_rt_sigreturn,	"" },
	[SYS_ioctl]		= { sys_ioctl,		"fxx" },	/* partial: FIONREAD; the terminal's TCGETS/TCSETS*, TIOC[GS]WINSZ, TIOCGPGRP */
	[SYS_pread64]		= { sys_pread64,		"fpud" },
	[SYS_pwrite64]		= { sys_pwrite64,		"fpud" },
	[SYS_readv]		= { sys_readv,		"fpd" },
	[SYS_writev]		= { sys_writev,		"fpd" },
	[SYS_access]		= { sys_access,		"so" },
	[SYS_pipe]		= { sys_pipe,	"p" },
	[SYS_select]		= { sys_select,	"dpppp" },
	[SYS_sched_yield]	= { sys_sched_yield,	"" },
	[SYS_mremap]		= { sys_mremap,		"pxxxp" },
	[SYS_msync]		= { sys_msync,		"pxx" },
	[SYS_mincore]		= { sys_mincore,		"pxp" },
	[SYS_madvise]		= { sys_madvise,		"pxd" },
	/* 29 shmget */
	/* 30 shmat */
	/* 31 shmctl */
	[SYS_dup]		= { sys_dup,		"f" },
	[SYS_dup2]		= { sys_dup2,		"ff" },
	[SYS_pause]		= { sys_pause,		"" },
	[SYS_nanosleep]		= { sys_nanosleep,	"pp" },
	/* 36 getitimer */
	/* 37 alarm */
	/* 38 setitimer */
	[SYS_getpid]		= { sys_getpid,		"" },
	[SYS_sendfile]		= { sys_sendfile,	"ffpu" },
	/* 41 socket */
	/* 42 connect */
	/* 43 accept */
	/* 44 sendto */
	/* 45 recvfrom */
	/* 46 sendmsg */
	/* 47 recvmsg */
	/* 48 shutdown */
	/* 49 bind */
	/* 50 listen */
	/* 51 getsockname */
	/* 52 getpeername */
	/* 53 socketpair */
	/* 54 setsockopt */
	/* 55 getsockopt */
	[SYS_clone]		= { sys_clone,		"xppppx" },
	[SYS_fork]		= { sys_fork,		"" },
	[SYS_vfork]		= { sys_vfork,		"" },
	[SYS_execve]		= { sys_execve,		"spp" },
	[SYS_exit]		= { sys_exit,		"d" },
	[SYS_wait4]		= { sys_wait4,		"dpxp" },
	[SYS_kill]		= { sys_kill,		"dd" },
	[SYS_uname]		= { sys_uname,		"p" },
	/* 64 semget */
	/* 65 semop */
	/* 66 semctl */
	/* 67 shmdt */
	/* 68 msgget */
	/* 69 msgsnd */
	/* 70 msgrcv */
	/* 71 msgctl */
	[SYS_fcntl]		= { sys_fcntl,		"fdx" },
	/* 73 flock */
	[SYS_fsync]		= { sys_fsync,		"f" },
	[SYS_fdatasync]		= { sys_fsync,		"f" },
	[SYS_truncate]		= { sys_truncate,	"sd" },
	[SYS_ftruncate]		= { sys_ftruncate,	"fd" },
	[SYS_getdents]		= { sys_getdents,	"fpu" },
	[SYS_getcwd]		= { sys_getcwd,		"pu" },
	[SYS_chdir]		= { sys_chdir,		"s" },
	[SYS_fchdir]		= { sys_fchdir,		"f" },
	[SYS_rename]		= { sys_rename,		"ss" },
	[SYS_mkdir]		= { sys_mkdir,		"so" },
	[SYS_rmdir]		= { sys_rmdir,		"s" },
	[SYS_creat]		= { sys_creat,		"so" },
	[SYS_link]		= { sys_link,		"ss" },
	[SYS_unlink]		= { sys_unlink,		"s" },
	[SYS_symlink]		= { sys_symlink,	"ss" },
	[SYS_readlink]		= { sys_readlink,		"spu" },
	[SYS_chmod]		= { sys_chmod,		"so" },
	[SYS_fchmod]		= { sys_fchmod,		"fo" },
	[SYS_chown]		= { sys_chown,		"sdd" },
	[SYS_fchown]		= { sys_fchown,		"fdd" },
	[SYS_lchown]		= { sys_lchown,		"sdd" },
	[SYS_umask]		= { sys_umask,		"o" },
	[SYS_gettimeofday]	= { sys_gettimeofday,	"pp" },
	[SYS_getrlimit]		= { sys_getrlimit,	"dp" },
	[SYS_getrusage]	= { sys_getrusage,	"dp" },	/* partial: times, faults and maxrss; the rest 0 */
	[SYS_sysinfo]		= { sys_sysinfo,		"p" },
	[SYS_times]		= { sys_times,		"p" },
	/* 101 ptrace */
	[SYS_getuid]		= { sys_getuid,		"" },
	/* 103 syslog */
	[SYS_getgid]		= { sys_getgid,		"" },
	/* 105 setuid */
	/* 106 setgid */
	[SYS_geteuid]		= { sys_geteuid,		"" },
	[SYS_getegid]		= { sys_getegid,		"" },
	[SYS_setpgid]		= { sys_setpgid,		"dd" },
	[SYS_getppid]		= { sys_getppid,		"" },
	[SYS_getpgrp]		= { sys_getpgrp,		"" },
	[SYS_setsid]		= { sys_setsid,		"" },
	/* 113 setreuid */
	/* 114 setregid */
	[SYS_getgroups]		= { sys_getgroups,	"dp" },
	/* 116 setgroups */
	/* 117 setresuid */
	[SYS_getresuid]		= { sys_getresuid,	"ppp" },
	/* 119 setresgid */
	[SYS_getresgid]		= { sys_getresgid,	"ppp" },
	[SYS_getpgid]		= { sys_getpgid,		"d" },
	/* 122 setfsuid */
	/* 123 setfsgid */
	[SYS_getsid]		= { sys_getsid,		"d" },
	/* 125 capget */
	/* 126 capset */
	[SYS_rt_sigpending]	= { sys_rt_sigpending,	"pu" },
	[SYS_rt_sigtimedwait]	= { sys_rt_sigtimedwait,	"pppu" },
	/* 129 rt_sigqueueinfo */
	[SYS_rt_sigsuspend]	= { sys_rt_sigsuspend,	"pu" },
	[SYS_sigaltstack]	= { sys_sigaltstack,	"pp" },
	[SYS_utime]		= { sys_utime,		"sp" },
	[SYS_mknod]		= { sys_mknod,	"sou" },
	/* 134 uselib */
	/* 135 personality */
	/* 136 ustat */
	[SYS_statfs]		= { sys_statfs,		"sp" },
	[SYS_fstatfs]		= { sys_fstatfs,	"fp" },
	/* 139 sysfs */
	/* 140 getpriority */
	/* 141 setpriority */
	/* 142 sched_setparam */
	/* 143 sched_getparam */
	/* 144 sched_setscheduler */
	/* 145 sched_getscheduler */
	/* 146 sched_get_priority_max */
	/* 147 sched_get_priority_min */
	/* 148 sched_rr_get_interval */
	[SYS_mlock]		= { sys_mlock,		"px" },
	[SYS_munlock]		= { sys_munlock,		"px" },
	[SYS_mlockall]		= { sys_mlockall,		"x" },
	[SYS_munlockall]	= { sys_munlockall,	"" },
	/* 153 vhangup */
	/* 154 modify_ldt */
	/* 155 pivot_root */
	/* 156 _sysctl */
	[SYS_prctl]		= { sys_prctl,		"dxxxx" },	/* partial: PR_SET/GET_NAME, PDEATHSIG, DUMPABLE, NO_NEW_PRIVS */
	[SYS_arch_prctl]	= { sys_arch_prctl,	"xp" },
	/* 159 adjtimex */
	[SYS_setrlimit]		= { sys_setrlimit,	"dp" },
	/* 161 chroot */
	/* 162 sync */
	/* 163 acct */
	/* 164 settimeofday */
	/* 165 mount */
	/* 166 umount2 */
	/* 167 swapon */
	/* 168 swapoff */
	/* 169 reboot */
	/* 170 sethostname */
	/* 171 setdomainname */
	/* 172 iopl */
	/* 173 ioperm */
	/* 174 create_module */
	/* 175 init_module */
	/* 176 delete_module */
	/* 177 get_kernel_syms */
	/* 178 query_module */
	/* 179 quotactl */
	/* 180 nfsservctl */
	/* 181 getpmsg */
	/* 182 putpmsg */
	/* 183 afs_syscall */
	/* 184 tuxcall */
	/* 185 security */
	[SYS_gettid]		= { sys_gettid,		"" },
	/* 187 readahead */
	/* 188 setxattr */
	/* 189 lsetxattr */
	/* 190 fsetxattr */
	/* 191 getxattr */
	/* 192 lgetxattr */
	/* 193 fgetxattr */
	/* 194 listxattr */
	/* 195 llistxattr */
	/* 196 flistxattr */
	/* 197 removexattr */
	/* 198 lremovexattr */
	/* 199 fremovexattr */
	[SYS_tkill]		= { sys_tkill,		"dd" },
	[SYS_time]		= { sys_time,		"p" },
	[SYS_futex]		= { sys_futex,		"pdupxx" },	/* partial: no PI futexes, FUTEX_REQUEUE, FUTEX_WAKE_OP (ENOSYS) */
	[SYS_sched_setaffinity]	= { sys_sched_setaffinity,	"dup" },
	[SYS_sched_getaffinity]	= { sys_sched_getaffinity,	"dup" },
	/* 205 set_thread_area */
	/* 206 io_setup */
	/* 207 io_destroy */
	/* 208 io_getevents */
	/* 209 io_submit */
	/* 210 io_cancel */
	/* 211 get_thread_area */
	/* 212 lookup_dcookie */
	/* 213 epoll_create */
	/* 214 epoll_ctl_old */
	/* 215 epoll_wait_old */
	/* 216 remap_file_pages */
	[SYS_getdents64]	= { sys_getdents64,	"fpu" },
	[SYS_set_tid_address]	= { sys_set_tid_address,	"p" },
	/* 219 restart_syscall */
	/* 220 semtimedop */
	[SYS_fadvise64]		= { sys_fadvise64,	"fddd" },
	/* 222 timer_create */
	/* 223 timer_settime */
	/* 224 timer_gettime */
	/* 225 timer_getoverrun */
	/* 226 timer_delete */
	/* 227 clock_settime */
	[SYS_clock_gettime]	= { sys_clock_gettime,	"dp" },
	[SYS_clock_getres]	= { sys_clock_getres,	"dp" },
	[SYS_clock_nanosleep]	= { sys_clock_nanosleep,	"ddpp" },
	[SYS_exit_group]	= { sys_exit_group,	"d" },
	/* 232 epoll_wait */
	/* 233 epoll_ctl */
	[SYS_tgkill]		= { sys_tgkill,		"ddd" },
	[SYS_utimes]		= { sys_utimes,		"sp" },
	/* 236 vserver */
	/* 237 mbind */
	/* 238 set_mempolicy */
	/* 239 get_mempolicy */
	/* 240 mq_open */
	/* 241 mq_unlink */
	/* 242 mq_timedsend */
	/* 243 mq_timedreceive */
	/* 244 mq_notify */
	/* 245 mq_getsetattr */
	/* 246 kexec_load */
	[SYS_waitid]		= { sys_waitid,		"ddpxp" },
	/* 248 add_key */
	/* 249 request_key */
	/* 250 keyctl */
	/* 251 ioprio_set */
	/* 252 ioprio_get */
	/* 253 inotify_init */
	/* 254 inotify_add_watch */
	/* 255 inotify_rm_watch */
	/* 256 migrate_pages */
	[SYS_openat]		= { sys_openat,		"fsxo" },
	[SYS_mkdirat]		= { sys_mkdirat,	"fso" },
	[SYS_mknodat]		= { sys_mknodat,	"fsou" },
	[SYS_fchownat]		= { sys_fchownat,	"fsddx" },
	[SYS_futimesat]		= { sys_futimesat,	"fsp" },
	[SYS_newfstatat]	= { sys_newfstatat,	"fspx" },
	[SYS_unlinkat]		= { sys_unlinkat,		"fsx" },
	[SYS_renameat]		= { sys_renameat,	"fsfs" },
	[SYS_linkat]		= { sys_linkat,		"fsfsx" },
	[SYS_symlinkat]		= { sys_symlinkat,	"sfs" },
	[SYS_readlinkat]	= { sys_readlinkat,	"fspu" },
	[SYS_fchmodat]		= { sys_fchmodat,	"fso" },
	[SYS_faccessat]		= { sys_faccessat,	"fsd" },
	[SYS_pselect6]		= { sys_pselect6,	"dppppp" },
	[SYS_ppoll]		= { sys_ppoll,	"pupup" },
	/* 272 unshare */
	[SYS_set_robust_list]	= { sys_set_robust_list,	"pu" },
	[SYS_get_robust_list]	= { sys_get_robust_list,	"dpp" },
	/* 275 splice */
	/* 276 tee */
	/* 277 sync_file_range */
	/* 278 vmsplice */
	/* 279 move_pages */
	[SYS_utimensat]		= { sys_utimensat,	"fspx" },
	/* 281 epoll_pwait */
	/* 282 signalfd */
	/* 283 timerfd_create */
	/* 284 eventfd */
	/* 285 fallocate */
	/* 286 timerfd_settime */
	/* 287 timerfd_gettime */
	/* 288 accept4 */
	/* 289 signalfd4 */
	/* 290 eventfd2 */
	/* 291 epoll_create1 */
	[SYS_dup3]		= { sys_dup3,		"ffx" },
	[SYS_pipe2]		= { sys_pipe2,	"px" },
	/* 294 inotify_init1 */
	/* 295 preadv */
	/* 296 pwritev */
	/* 297 rt_tgsigqueueinfo */
	/* 298 perf_event_open */
	/* 299 recvmmsg */
	/* 300 fanotify_init */
	/* 301 fanotify_mark */
	[SYS_prlimit64]		= { sys_prlimit64,	"ddpp" },
	/* 303 name_to_handle_at */
	/* 304 open_by_handle_at */
	/* 305 clock_adjtime */
	/* 306 syncfs */
	/* 307 sendmmsg */
	/* 308 setns */
	[SYS_getcpu]		= { sys_getcpu,		"ppp" },
	/* 310 process_vm_readv */
	/* 311 process_vm_writev */
	/* 312 kcmp */
	/* 313 finit_module */
	/* 314 sched_setattr */
	/* 315 sched_getattr */
	[SYS_renameat2]		= { sys_renameat2,	"fsfsx" },
	/* 317 seccomp */
	[SYS_getrandom]		= { sys_getrandom,	"pux" },
	[SYS_memfd_create]	= { sys_memfd_create,	"sx" },
	/* 320 kexec_file_load */
	/* 321 bpf */
	/* 322 execveat */
	/* 323 userfaultfd */
	[SYS_membarrier]	= { sys_membarrier,	"xxd" },
	[SYS_mlock2]		= { sys_mlock2,		"pxx" },
	[SYS_copy_file_range]	= { sys_copy_file_range,	"fpfpux" },
	/* 327 preadv2 */
	/* 328 pwritev2 */
	[SYS_pkey_mprotect]	= { sys_pkey_mprotect,	"pxxd" },
	[SYS_pkey_alloc]	= { sys_pkey_alloc,	"xx" },
	[SYS_pkey_free]		= { sys_pkey_free,	"d" },
	[SYS_statx]		= { sys_statx,		"fsxxp" },
	/* 333 io_pgetevents */
	/* 334 rseq */
	/* 424 pidfd_send_signal */
	/* 425 io_uring_setup */
	/* 426 io_uring_enter */
	/* 427 io_uring_register */
	/* 428 open_tree */
	/* 429 move_mount */
	/* 430 fsopen */
	/* 431 fsconfig */
	/* 432 fsmount */
	/* 433 fspick */
	/* 434 pidfd_open */
	[SYS_clone3]		= { sys_clone3,		"pu" },
	/* 436 close_range */
	/* 437 openat2 */
	/* 438 pidfd_getfd */
	[SYS_faccessat2]	= { sys_faccessat2,	"fsdx" },
	/* 440 process_madvise */
	/* 441 epoll_pwait2 */
	/* 442 mount_setattr */
	/* 443 quotactl_fd */
	/* 444 landlock_create_ruleset */
	/* 445 landlock_add_rule */
	/* 446 landlock_restrict_self */
	/* 447 memfd_secret */
	/* 448 process_mrelease */
	/* 449 futex_waitv */
	/* 450 set_mempolicy_home_node */
	/* 451 cachestat */
	[SYS_fchmodat2]		= { sys_fchmodat2,	"fsox" },
	/* 453 map_shadow_stack */
	/* 454 futex_wake */
	/* 455 futex_wait */
	/* 456 futex_requeue */
	/* 457 statmount */
	/* 458 listmount */
	/* 459 lsm_get_self_attr */
	/* 460 lsm_set_self_attr */
	/* 461 lsm_list_modules */
	[462]			= { sys_mseal,		"xux" },
};
