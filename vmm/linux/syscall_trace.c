// SPDX-License-Identifier: GPL-2.0
/*
 * --trace: each system call as strace -f prints it, e.g.
 *
 *	openat(AT_FDCWD, "/etc/x", O_RDONLY)    = -1 ENOENT (No such file or directory)
 *
 * so that a native `strace -f` and the monitor's trace can be compared
 * line by line (tools/syscall-diff).  The calls strace decodes and that
 * programs use most have a decoder here, keyed by SYS_ number: one kind
 * per argument (flags by name, paths, buffers, structs).  Every other call
 * falls back to the letters of its syscall_table.c entry.
 *
 * As strace does, the arguments the kernel reads are formatted when the
 * call is entered (the call may change them: execve replaces the memory),
 * the ones it writes (read's buffer, fstat's struct) when it returns, and
 * the line is printed once, at the return.  A call that sleeps and is
 * retried when its process is woken prints once, from the retry.
 *
 * The pid prefix is strace -f's: "[pid  N] " on stderr while more than one
 * process lives, and "N " on every line with --trace-file (strace -f -o).
 * A signal on its way to the program is strace's "--- SIGx {...} ---".
 * Lines strace would never print start with '[' and a word other than
 * "pid": [fault], [signal], [inject], [vmm].
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "syscalls.h"
#include "syscall_names.h"

#define TRACE_STRLEN	32	/* strace -s: bytes of a buffer or string shown */
#define TRACE_ACOLUMN	40	/* strace -a: where " = " goes */
#define TRACE_ARRAY_MAX	32	/* argv elements, iovecs shown */

const char *syscall_name(unsigned long nr)
{
	if (nr < sizeof(syscall_names) / sizeof(syscall_names[0]) && syscall_names[nr])
		return syscall_names[nr];
	return NULL;
}

/* how one argument is shown; the O ones are written by the call */
enum targ {
	T_END,
	T_INT, T_UINT, T_LONG, T_HEX, T_PTR, T_MODE, T_FD, T_DIRFD,
	T_PATH,		/* NUL-terminated, in full */
	T_STR,		/* NUL-terminated, TRACE_STRLEN bytes */
	T_OFLAGS, T_OMODE /* open's mode: shown with O_CREAT/O_TMPFILE only */,
	T_FDFLAGS /* O_CLOEXEC, O_NONBLOCK: dup3, pipe2 */,
	T_ATFLAGS, T_PROT, T_MAPFLAGS, T_MREMAP, T_MADV, T_SIGNUM, T_SIGHOW,
	T_SIGSET, T_SIGACT, T_WBUF /* the next argument is its length */,
	T_WIOV /* the next argument is the count */, T_WHENCE, T_ACCESS,
	T_ARCH, T_IOCTL, T_FCNTL /* cmd and its argument */, T_ARGV, T_ENVP,
	T_TIMESPEC, T_CLOCKID, T_RLIMRES, T_RLIMIT, T_WOPTS, T_FUTEX_OP,
	T_CLONE /* the whole call */, T_GRND, T_OFFSET,
	T_PRCTL /* the option and its arguments */,
	T_SIGFRAME /* rt_sigreturn: the mask in the frame at the user's RSP */,
	T_OUTPUT,	/* the kinds below are shown when the call returns */
	T_OSIGSET = T_OUTPUT, T_OSIGACT, T_RBUF, T_RIOV, T_STAT, T_WSTATUS,
	T_OTIMESPEC, T_PIPEFDS, T_ORLIMIT, T_OSTR /* ret bytes */, T_OPATH,
	T_UNAME, T_DIRENTS, T_RANDOM /* getrandom's bytes, in hex */,
	T_PRCTL_OUT /* PR_GET_NAME's name */,
};

/* how the result is shown */
enum tret { R_DEC, R_HEX, R_NONE, R_FCNTL, R_UMASK };

struct trace_decl {
	bool set;
	uint8_t ret;
	uint8_t args[6];
};

#define D(r, ...) { .set = true, .ret = (r), .args = { __VA_ARGS__ } }

static const struct trace_decl decls[NR_SYSCALLS] = {
	[SYS_read]		= D(R_DEC, T_FD, T_RBUF, T_UINT),
	[SYS_write]		= D(R_DEC, T_FD, T_WBUF, T_UINT),
	[SYS_open]		= D(R_DEC, T_PATH, T_OFLAGS, T_OMODE),
	[SYS_close]		= D(R_DEC, T_FD),
	[SYS_stat]		= D(R_DEC, T_PATH, T_STAT),
	[SYS_fstat]		= D(R_DEC, T_FD, T_STAT),
	[SYS_lstat]		= D(R_DEC, T_PATH, T_STAT),
	[SYS_lseek]		= D(R_DEC, T_FD, T_LONG, T_WHENCE),
	[SYS_mmap]		= D(R_HEX, T_PTR, T_UINT, T_PROT, T_MAPFLAGS, T_FD, T_OFFSET),
	[SYS_mprotect]		= D(R_DEC, T_PTR, T_UINT, T_PROT),
	[SYS_munmap]		= D(R_DEC, T_PTR, T_UINT),
	[SYS_brk]		= D(R_HEX, T_PTR),
	[SYS_rt_sigaction]	= D(R_DEC, T_SIGNUM, T_SIGACT, T_OSIGACT, T_UINT),
	[SYS_rt_sigprocmask]	= D(R_DEC, T_SIGHOW, T_SIGSET, T_OSIGSET, T_UINT),
	[SYS_rt_sigreturn]	= D(R_DEC, T_SIGFRAME),
	[SYS_ioctl]		= D(R_DEC, T_FD, T_IOCTL, T_HEX),
	[SYS_pread64]		= D(R_DEC, T_FD, T_RBUF, T_UINT, T_LONG),
	[SYS_pwrite64]		= D(R_DEC, T_FD, T_WBUF, T_UINT, T_LONG),
	[SYS_readv]		= D(R_DEC, T_FD, T_RIOV, T_INT),
	[SYS_writev]		= D(R_DEC, T_FD, T_WIOV, T_INT),
	[SYS_access]		= D(R_DEC, T_PATH, T_ACCESS),
	[SYS_pipe]		= D(R_DEC, T_PIPEFDS),
	[SYS_sched_yield]	= D(R_DEC),
	[SYS_mremap]		= D(R_HEX, T_PTR, T_UINT, T_UINT, T_MREMAP, T_PTR),
	[SYS_msync]		= D(R_DEC, T_PTR, T_UINT, T_HEX),
	[SYS_madvise]		= D(R_DEC, T_PTR, T_UINT, T_MADV),
	[SYS_dup]		= D(R_DEC, T_FD),
	[SYS_dup2]		= D(R_DEC, T_FD, T_FD),
	[SYS_pause]		= D(R_DEC),
	[SYS_nanosleep]		= D(R_DEC, T_TIMESPEC, T_PTR),
	[SYS_getpid]		= D(R_DEC),
	[SYS_clone]		= D(R_DEC, T_CLONE),
	[SYS_fork]		= D(R_DEC),
	[SYS_vfork]		= D(R_DEC),
	[SYS_execve]		= D(R_DEC, T_PATH, T_ARGV, T_ENVP),
	[SYS_exit]		= D(R_NONE, T_INT),
	[SYS_wait4]		= D(R_DEC, T_INT, T_WSTATUS, T_WOPTS, T_PTR),
	[SYS_kill]		= D(R_DEC, T_INT, T_SIGNUM),
	[SYS_uname]		= D(R_DEC, T_UNAME),
	[SYS_fcntl]		= D(R_FCNTL, T_FD, T_FCNTL),
	[SYS_fsync]		= D(R_DEC, T_FD),
	[SYS_fdatasync]		= D(R_DEC, T_FD),
	[SYS_truncate]		= D(R_DEC, T_PATH, T_LONG),
	[SYS_ftruncate]		= D(R_DEC, T_FD, T_LONG),
	[SYS_getdents64]	= D(R_DEC, T_FD, T_DIRENTS, T_UINT),
	[SYS_getcwd]		= D(R_DEC, T_OPATH, T_UINT),
	[SYS_chdir]		= D(R_DEC, T_PATH),
	[SYS_fchdir]		= D(R_DEC, T_FD),
	[SYS_rename]		= D(R_DEC, T_PATH, T_PATH),
	[SYS_mkdir]		= D(R_DEC, T_PATH, T_MODE),
	[SYS_rmdir]		= D(R_DEC, T_PATH),
	[SYS_creat]		= D(R_DEC, T_PATH, T_MODE),
	[SYS_link]		= D(R_DEC, T_PATH, T_PATH),
	[SYS_unlink]		= D(R_DEC, T_PATH),
	[SYS_symlink]		= D(R_DEC, T_PATH, T_PATH),
	[SYS_readlink]		= D(R_DEC, T_PATH, T_OSTR, T_UINT),
	[SYS_chmod]		= D(R_DEC, T_PATH, T_MODE),
	[SYS_fchmod]		= D(R_DEC, T_FD, T_MODE),
	[SYS_umask]		= D(R_UMASK, T_MODE),
	[SYS_getrlimit]		= D(R_DEC, T_RLIMRES, T_ORLIMIT),
	[SYS_personality]	= D(R_DEC, T_HEX),
	[SYS_setrlimit]		= D(R_DEC, T_RLIMRES, T_RLIMIT),
	[SYS_getuid]		= D(R_DEC),
	[SYS_getgid]		= D(R_DEC),
	[SYS_geteuid]		= D(R_DEC),
	[SYS_getegid]		= D(R_DEC),
	[SYS_setpgid]		= D(R_DEC, T_INT, T_INT),
	[SYS_getppid]		= D(R_DEC),
	[SYS_getpgrp]		= D(R_DEC),
	[SYS_setsid]		= D(R_DEC),
	[SYS_getpgid]		= D(R_DEC, T_INT),
	[SYS_getsid]		= D(R_DEC, T_INT),
	[SYS_rt_sigpending]	= D(R_DEC, T_OSIGSET, T_UINT),
	[SYS_rt_sigsuspend]	= D(R_DEC, T_SIGSET, T_UINT),
	[SYS_arch_prctl]	= D(R_DEC, T_ARCH, T_PTR),
	[SYS_gettid]		= D(R_DEC),
	[SYS_tkill]		= D(R_DEC, T_INT, T_SIGNUM),
	[SYS_futex]		= D(R_DEC, T_PTR, T_FUTEX_OP),
	[SYS_set_tid_address]	= D(R_DEC, T_PTR),
	[SYS_clock_gettime]	= D(R_DEC, T_CLOCKID, T_OTIMESPEC),
	[SYS_clock_getres]	= D(R_DEC, T_CLOCKID, T_OTIMESPEC),
	[SYS_clock_nanosleep]	= D(R_DEC, T_CLOCKID, T_HEX, T_TIMESPEC, T_PTR),
	[SYS_exit_group]	= D(R_NONE, T_INT),
	[SYS_tgkill]		= D(R_DEC, T_INT, T_INT, T_SIGNUM),
	[SYS_openat]		= D(R_DEC, T_DIRFD, T_PATH, T_OFLAGS, T_OMODE),
	[SYS_mkdirat]		= D(R_DEC, T_DIRFD, T_PATH, T_MODE),
	[SYS_newfstatat]	= D(R_DEC, T_DIRFD, T_PATH, T_STAT, T_ATFLAGS),
	[SYS_unlinkat]		= D(R_DEC, T_DIRFD, T_PATH, T_ATFLAGS),
	[SYS_renameat]		= D(R_DEC, T_DIRFD, T_PATH, T_DIRFD, T_PATH),
	[SYS_linkat]		= D(R_DEC, T_DIRFD, T_PATH, T_DIRFD, T_PATH, T_ATFLAGS),
	[SYS_symlinkat]		= D(R_DEC, T_PATH, T_DIRFD, T_PATH),
	[SYS_readlinkat]	= D(R_DEC, T_DIRFD, T_PATH, T_OSTR, T_UINT),
	[SYS_fchmodat]		= D(R_DEC, T_DIRFD, T_PATH, T_MODE),
	[SYS_faccessat]		= D(R_DEC, T_DIRFD, T_PATH, T_ACCESS),
	[SYS_faccessat2]	= D(R_DEC, T_DIRFD, T_PATH, T_ACCESS, T_ATFLAGS),
	[SYS_dup3]		= D(R_DEC, T_FD, T_FD, T_FDFLAGS),
	[SYS_pipe2]		= D(R_DEC, T_PIPEFDS, T_FDFLAGS),
	[SYS_prlimit64]		= D(R_DEC, T_INT, T_RLIMRES, T_RLIMIT, T_ORLIMIT),
	[SYS_getrandom]		= D(R_DEC, T_RANDOM, T_UINT, T_GRND),
	[SYS_memfd_create]	= D(R_DEC, T_STR, T_HEX),
	/* more of what programs call, with or without a handler here */
	[SYS_poll]		= D(R_DEC, T_PTR, T_UINT, T_INT),
	[SYS_sigaltstack]	= D(R_DEC, T_PTR, T_PTR),
	[SYS_alarm]		= D(R_DEC, T_UINT),
	[SYS_getitimer]		= D(R_DEC, T_INT, T_PTR),
	[SYS_setitimer]		= D(R_DEC, T_INT, T_PTR, T_PTR),
	[SYS_socket]		= D(R_DEC, T_INT, T_INT, T_INT),
	[SYS_flock]		= D(R_DEC, T_FD, T_INT),
	[SYS_fchown]		= D(R_DEC, T_FD, T_INT, T_INT),
	[SYS_chown]		= D(R_DEC, T_PATH, T_INT, T_INT),
	[SYS_lchown]		= D(R_DEC, T_PATH, T_INT, T_INT),
	[SYS_gettimeofday]	= D(R_DEC, T_PTR, T_PTR),
	[SYS_sysinfo]		= D(R_DEC, T_PTR),
	[SYS_times]		= D(R_DEC, T_PTR),
	[SYS_getgroups]		= D(R_DEC, T_INT, T_PTR),
	[SYS_setuid]		= D(R_DEC, T_INT),
	[SYS_setgid]		= D(R_DEC, T_INT),
	[SYS_getresuid]		= D(R_DEC, T_PTR, T_PTR, T_PTR),
	[SYS_getresgid]		= D(R_DEC, T_PTR, T_PTR, T_PTR),
	[SYS_mknod]		= D(R_DEC, T_PATH, T_MODE, T_HEX),
	[SYS_statfs]		= D(R_DEC, T_PATH, T_PTR),
	[SYS_fstatfs]		= D(R_DEC, T_FD, T_PTR),
	[SYS_getpriority]	= D(R_DEC, T_INT, T_INT),
	[SYS_setpriority]	= D(R_DEC, T_INT, T_INT, T_INT),
	[SYS_prctl]		= D(R_DEC, T_PRCTL, T_PRCTL_OUT),
	[SYS_sched_getaffinity]	= D(R_DEC, T_INT, T_UINT, T_PTR),
	[SYS_sched_setaffinity]	= D(R_DEC, T_INT, T_UINT, T_PTR),
	[SYS_time]		= D(R_DEC, T_PTR),
	[SYS_fadvise64]		= D(R_DEC, T_FD, T_LONG, T_LONG, T_INT),
	[SYS_utimensat]		= D(R_DEC, T_DIRFD, T_PATH, T_PTR, T_ATFLAGS),
	[SYS_fchownat]		= D(R_DEC, T_DIRFD, T_PATH, T_INT, T_INT, T_ATFLAGS),
	[SYS_mknodat]		= D(R_DEC, T_DIRFD, T_PATH, T_MODE, T_HEX),
	[SYS_renameat2]		= D(R_DEC, T_DIRFD, T_PATH, T_DIRFD, T_PATH, T_HEX),
	[SYS_sendfile]		= D(R_DEC, T_FD, T_FD, T_PTR, T_UINT),
	[SYS_set_robust_list]	= D(R_DEC, T_PTR, T_UINT),
	[SYS_get_robust_list]	= D(R_DEC, T_INT, T_PTR, T_PTR),
	[SYS_ppoll]		= D(R_DEC, T_PTR, T_UINT, T_TIMESPEC, T_SIGSET, T_UINT),
	[SYS_waitid]		= D(R_DEC, T_INT, T_INT, T_PTR, T_WOPTS, T_PTR),
	[SYS_statx]		= D(R_DEC, T_DIRFD, T_PATH, T_ATFLAGS, T_HEX, T_PTR),
	[SYS_rseq]		= D(R_DEC, T_PTR, T_HEX, T_INT, T_HEX),
	[SYS_clone3]		= D(R_DEC, T_PTR, T_UINT),
	[SYS_close_range]	= D(R_DEC, T_UINT, T_UINT, T_HEX),
	[SYS_copy_file_range]	= D(R_DEC, T_FD, T_PTR, T_FD, T_PTR, T_UINT, T_HEX),
	[SYS_mlock]		= D(R_DEC, T_PTR, T_UINT),
	[SYS_munlock]		= D(R_DEC, T_PTR, T_UINT),
	[SYS_mincore]		= D(R_DEC, T_PTR, T_UINT, T_PTR),
	[SYS_membarrier]	= D(R_DEC, T_HEX, T_HEX),
};

struct flag_name {
	uint64_t val;
	const char *name;
};

#define F(x) { x, #x }

/* the context of one line */
struct tctx {
	struct vmm *vmm;
	FILE *out;
	const uint64_t *a;
	long ret;
	bool readable;	/* the caller's memory can still be read */
};

/* getrandom's bytes: strace shows them all in hex */
static void print_hex_quoted(FILE *out, const unsigned char *s, size_t n, bool more)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < n; i++)
		fprintf(out, "\\x%02x", s[i]);
	fputc('"', out);
	if (more)
		fputs("...", out);
}

/* strace's string_quote(): C escapes, \ooo for the rest */
static void print_quoted(FILE *out, const unsigned char *s, size_t n, bool more)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		switch (c) {
		case '"':  fputs("\\\"", out); continue;
		case '\\': fputs("\\\\", out); continue;
		case '\f': fputs("\\f", out); continue;
		case '\n': fputs("\\n", out); continue;
		case '\r': fputs("\\r", out); continue;
		case '\t': fputs("\\t", out); continue;
		case '\v': fputs("\\v", out); continue;
		}
		if (c >= ' ' && c < 0x7f)
			fputc(c, out);
		else if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7')
			fprintf(out, "\\%03o", c);
		else
			fprintf(out, "\\%o", c);
	}
	fputc('"', out);
	if (more)
		fputs("...", out);
}

static void print_ptr(FILE *out, uint64_t v)
{
	if (v)
		fprintf(out, "%#llx", (unsigned long long)v);
	else
		fputs("NULL", out);
}

/* @len bytes at @addr, TRACE_STRLEN of them shown */
static void print_buf(struct tctx *t, uint64_t addr, uint64_t len)
{
	unsigned char buf[TRACE_STRLEN];
	size_t n = len < TRACE_STRLEN ? len : TRACE_STRLEN;

	if (!addr || !t->readable || copy_from_user(t->vmm, buf, addr, n)) {
		print_ptr(t->out, addr);
		return;
	}
	print_quoted(t->out, buf, n, len > n);
}

static void print_random(struct tctx *t, uint64_t addr)
{
	unsigned char buf[TRACE_STRLEN];
	size_t n = t->ret < TRACE_STRLEN ? (size_t)t->ret : TRACE_STRLEN;

	if (t->ret < 0 || !addr || !t->readable || copy_from_user(t->vmm, buf, addr, n)) {
		print_ptr(t->out, addr);
		return;
	}
	print_hex_quoted(t->out, buf, n, (size_t)t->ret > n);
}

/* a NUL-terminated string: @max bytes shown, "..." when it is longer */
static void print_str(struct tctx *t, uint64_t addr, size_t max)
{
	char buf[4097];
	long n;

	if (!addr) {
		fputs("NULL", t->out);
		return;
	}
	if (max >= sizeof(buf))
		max = sizeof(buf) - 1;
	n = t->readable ? strncpy_from_user(t->vmm, buf, addr, max + 1) : -EFAULT;
	if (n == -ENAMETOOLONG)
		print_quoted(t->out, (unsigned char *)buf, max, true);
	else if (n >= 0)
		print_quoted(t->out, (unsigned char *)buf, n, false);
	else
		print_ptr(t->out, addr);
}

/* flags by name, the rest in hex, "0" (or @zero) for none */
static void print_flags(FILE *out, uint64_t v, const struct flag_name *f, size_t nf,
			const char *zero)
{
	bool first = true;
	size_t i;

	for (i = 0; i < nf && v; i++) {
		if (f[i].val && (v & f[i].val) == f[i].val) {
			fprintf(out, "%s%s", first ? "" : "|", f[i].name);
			v &= ~f[i].val;
			first = false;
		}
	}
	if (v)
		fprintf(out, "%s%#llx", first ? "" : "|", (unsigned long long)v);
	else if (first)
		fputs(zero ? zero : "0", out);
}

/* one value by name; false when it has none (the caller prints the number) */
static bool print_xlat(FILE *out, uint64_t v, const struct flag_name *f, size_t nf)
{
	size_t i;

	for (i = 0; i < nf; i++) {
		if (f[i].val == v) {
			fputs(f[i].name, out);
			return true;
		}
	}
	return false;
}

#define FLAGS(out, v, tbl, zero) print_flags(out, v, tbl, sizeof(tbl) / sizeof(tbl[0]), zero)
#define XLAT(out, v, tbl) print_xlat(out, v, tbl, sizeof(tbl) / sizeof(tbl[0]))

/* "CHLD", "RTMIN", "RT_3", as strace names signals in sets */
static const char *signame_short(int sig, char *buf, size_t size)
{
	const char *s = sig > 0 && sig < 32 ? sigabbrev_np(sig) : NULL;

	if (s)
		return s;
	if (sig == 32)
		return "RTMIN";
	if (sig > 32 && sig <= 64)
		snprintf(buf, size, "RT_%d", sig - 32);
	else
		snprintf(buf, size, "%d", sig);
	return buf;
}

static void print_signum(FILE *out, int sig)
{
	char buf[16];

	if (sig <= 0 || sig > 64)
		fprintf(out, "%d", sig);
	else
		fprintf(out, "SIG%s", signame_short(sig, buf, sizeof(buf)));
}

/* strace's sprintsigmask_n(): the complement when most signals are set */
static void print_sigmask(FILE *out, uint64_t set)
{
	char buf[16];
	bool first = true;
	int sig;

	if (__builtin_popcountll(set) >= 32) {
		fputc('~', out);
		set = ~set;
	}
	fputc('[', out);
	for (sig = 1; sig <= 64; sig++) {
		if (!(set & (1ULL << (sig - 1))))
			continue;
		fprintf(out, "%s%s", first ? "" : " ", signame_short(sig, buf, sizeof(buf)));
		first = false;
	}
	fputc(']', out);
}

static void print_sigset(struct tctx *t, uint64_t addr)
{
	uint64_t set = 0;

	if (!addr || !t->readable || copy_from_user(t->vmm, &set, addr, sizeof(set)))
		print_ptr(t->out, addr);
	else
		print_sigmask(t->out, set);
}

static const struct flag_name open_access[] = {
	F(O_RDONLY), F(O_WRONLY), F(O_RDWR),
};

static const struct flag_name open_flags[] = {
	F(O_CREAT), F(O_EXCL), F(O_NOCTTY), F(O_TRUNC), F(O_APPEND), F(O_NONBLOCK),
	F(O_SYNC), F(O_DSYNC), F(O_ASYNC), F(O_DIRECT), { 0100000, "O_LARGEFILE" },
	F(O_TMPFILE), F(O_DIRECTORY), F(O_NOFOLLOW), F(O_NOATIME), F(O_CLOEXEC),
	F(O_PATH),
};

static void print_oflags(FILE *out, uint64_t v, bool access)
{
	uint32_t f = (uint32_t)v;

	if (access) {
		if (!XLAT(out, f & O_ACCMODE, open_access))
			fprintf(out, "%#x", f & O_ACCMODE);
		f &= ~O_ACCMODE;
		if (!f)
			return;
		fputc('|', out);
	}
	FLAGS(out, f, open_flags, NULL);
}

static const struct flag_name at_flags[] = {
	F(AT_SYMLINK_NOFOLLOW), F(AT_REMOVEDIR), F(AT_SYMLINK_FOLLOW),
	F(AT_NO_AUTOMOUNT), F(AT_EMPTY_PATH),
};

static const struct flag_name prot_flags[] = {
	F(PROT_READ), F(PROT_WRITE), F(PROT_EXEC), { 0x8, "PROT_SEM" },
	{ 0x01000000, "PROT_GROWSDOWN" }, { 0x02000000, "PROT_GROWSUP" },
};

static const struct flag_name map_types[] = {
	F(MAP_SHARED), F(MAP_PRIVATE), { 0x03, "MAP_SHARED_VALIDATE" },
};

static const struct flag_name map_flags[] = {
	F(MAP_FIXED), F(MAP_ANONYMOUS), F(MAP_32BIT), F(MAP_GROWSDOWN),
	F(MAP_DENYWRITE), F(MAP_EXECUTABLE), F(MAP_LOCKED), F(MAP_NORESERVE),
	F(MAP_POPULATE), F(MAP_NONBLOCK), F(MAP_STACK), F(MAP_HUGETLB),
	{ 0x80000, "MAP_SYNC" }, { 0x100000, "MAP_FIXED_NOREPLACE" },
	{ 0x4000000, "MAP_UNINITIALIZED" },
};

static void print_mapflags(FILE *out, uint64_t v)
{
	if (!XLAT(out, v & 0x3, map_types))
		fprintf(out, "%#llx", (unsigned long long)(v & 0x3));
	if (v & ~0x3ULL) {
		fputc('|', out);
		FLAGS(out, v & ~0x3ULL, map_flags, NULL);
	}
}

static const struct flag_name mremap_flags[] = {
	{ 1, "MREMAP_MAYMOVE" }, { 2, "MREMAP_FIXED" }, { 4, "MREMAP_DONTUNMAP" },
};

static const struct flag_name madv_names[] = {
	F(MADV_NORMAL), F(MADV_RANDOM), F(MADV_SEQUENTIAL), F(MADV_WILLNEED),
	F(MADV_DONTNEED), F(MADV_FREE), F(MADV_REMOVE), F(MADV_DONTFORK),
	F(MADV_DOFORK), F(MADV_MERGEABLE), F(MADV_UNMERGEABLE),
	F(MADV_HUGEPAGE), F(MADV_NOHUGEPAGE), F(MADV_DONTDUMP), F(MADV_DODUMP),
	F(MADV_WIPEONFORK), F(MADV_KEEPONFORK), { 20, "MADV_COLD" },
	{ 21, "MADV_PAGEOUT" }, { 22, "MADV_POPULATE_READ" },
	{ 23, "MADV_POPULATE_WRITE" }, { 24, "MADV_DONTNEED_LOCKED" },
	{ 25, "MADV_COLLAPSE" }, F(MADV_HWPOISON),
};

static const struct flag_name sighow_names[] = {
	F(SIG_BLOCK), F(SIG_UNBLOCK), F(SIG_SETMASK),
};

static const struct flag_name sa_flags[] = {
	{ 0x04000000, "SA_RESTORER" }, F(SA_ONSTACK), F(SA_RESTART),
	F(SA_NODEFER), F(SA_RESETHAND), F(SA_SIGINFO), F(SA_NOCLDWAIT),
	F(SA_NOCLDSTOP),
};

static const struct flag_name whence_names[] = {
	F(SEEK_SET), F(SEEK_CUR), F(SEEK_END), F(SEEK_DATA), F(SEEK_HOLE),
};

static const struct flag_name access_flags[] = {
	F(R_OK), F(W_OK), F(X_OK),
};

static const struct flag_name arch_names[] = {
	{ 0x1001, "ARCH_SET_GS" }, { 0x1002, "ARCH_SET_FS" },
	{ 0x1003, "ARCH_GET_FS" }, { 0x1004, "ARCH_GET_GS" },
	{ 0x1011, "ARCH_GET_CPUID" }, { 0x1012, "ARCH_SET_CPUID" },
};

static const struct flag_name ioctl_names[] = {
	{ 0x5401, "TCGETS" }, { 0x5402, "TCSETS" }, { 0x5403, "TCSETSW" },
	{ 0x5404, "TCSETSF" }, { 0x540e, "TIOCSCTTY" }, { 0x540f, "TIOCGPGRP" },
	{ 0x5410, "TIOCSPGRP" }, { 0x5413, "TIOCGWINSZ" }, { 0x5414, "TIOCSWINSZ" },
	{ 0x541b, "FIONREAD" }, { 0x5421, "FIONBIO" }, { 0x5422, "TIOCNOTTY" },
	{ 0x5450, "FIONCLEX" }, { 0x5451, "FIOCLEX" }, { 0x5452, "FIOASYNC" },
};

static const struct flag_name fcntl_names[] = {
	F(F_DUPFD), F(F_GETFD), F(F_SETFD), F(F_GETFL), F(F_SETFL), F(F_GETLK),
	F(F_SETLK), F(F_SETLKW), F(F_SETOWN), F(F_GETOWN), F(F_SETSIG),
	F(F_GETSIG), F(F_OFD_GETLK), F(F_OFD_SETLK), F(F_OFD_SETLKW),
	F(F_SETLEASE), F(F_GETLEASE), F(F_NOTIFY), F(F_DUPFD_CLOEXEC),
	F(F_SETPIPE_SZ), F(F_GETPIPE_SZ), F(F_ADD_SEALS), F(F_GET_SEALS),
};

static const struct flag_name clock_names[] = {
	F(CLOCK_REALTIME), F(CLOCK_MONOTONIC), F(CLOCK_PROCESS_CPUTIME_ID),
	F(CLOCK_THREAD_CPUTIME_ID), F(CLOCK_MONOTONIC_RAW),
	F(CLOCK_REALTIME_COARSE), F(CLOCK_MONOTONIC_COARSE), F(CLOCK_BOOTTIME),
	F(CLOCK_REALTIME_ALARM), F(CLOCK_BOOTTIME_ALARM), F(CLOCK_TAI),
};

static const struct flag_name rlimit_names[] = {
	F(RLIMIT_CPU), F(RLIMIT_FSIZE), F(RLIMIT_DATA), F(RLIMIT_STACK),
	F(RLIMIT_CORE), F(RLIMIT_RSS), F(RLIMIT_NPROC), F(RLIMIT_NOFILE),
	F(RLIMIT_MEMLOCK), F(RLIMIT_AS), F(RLIMIT_LOCKS), F(RLIMIT_SIGPENDING),
	F(RLIMIT_MSGQUEUE), F(RLIMIT_NICE), F(RLIMIT_RTPRIO), F(RLIMIT_RTTIME),
};

static const struct flag_name wait_flags[] = {
	F(WNOHANG), F(WUNTRACED), F(WCONTINUED), F(WNOWAIT), F(__WNOTHREAD),
	F(__WALL), F(__WCLONE),
};

static const struct flag_name futex_ops[] = {
	{ 0, "FUTEX_WAIT" }, { 1, "FUTEX_WAKE" }, { 2, "FUTEX_FD" },
	{ 3, "FUTEX_REQUEUE" }, { 4, "FUTEX_CMP_REQUEUE" }, { 5, "FUTEX_WAKE_OP" },
	{ 6, "FUTEX_LOCK_PI" }, { 7, "FUTEX_UNLOCK_PI" }, { 8, "FUTEX_TRYLOCK_PI" },
	{ 9, "FUTEX_WAIT_BITSET" }, { 10, "FUTEX_WAKE_BITSET" },
	{ 11, "FUTEX_WAIT_REQUEUE_PI" }, { 12, "FUTEX_CMP_REQUEUE_PI" },
	{ 13, "FUTEX_LOCK_PI2" },
};

static const struct flag_name grnd_flags[] = {
	{ 1, "GRND_NONBLOCK" }, { 2, "GRND_RANDOM" }, { 4, "GRND_INSECURE" },
};

static const struct flag_name clone_flags[] = {
	F(CLONE_VM), F(CLONE_FS), F(CLONE_FILES), F(CLONE_SIGHAND),
	F(CLONE_PIDFD), F(CLONE_PTRACE), F(CLONE_VFORK), F(CLONE_PARENT),
	F(CLONE_THREAD), F(CLONE_NEWNS), F(CLONE_SYSVSEM), F(CLONE_SETTLS),
	F(CLONE_PARENT_SETTID), F(CLONE_CHILD_CLEARTID), F(CLONE_DETACHED),
	F(CLONE_UNTRACED), F(CLONE_CHILD_SETTID), F(CLONE_NEWCGROUP),
	F(CLONE_NEWUTS), F(CLONE_NEWIPC), F(CLONE_NEWUSER), F(CLONE_NEWPID),
	F(CLONE_NEWNET), F(CLONE_IO),
};

static const struct flag_name stat_types[] = {
	F(S_IFREG), F(S_IFDIR), F(S_IFCHR), F(S_IFBLK), F(S_IFIFO), F(S_IFLNK),
	F(S_IFSOCK),
};

/* strace's "%#03o" */
static void print_mode(FILE *out, uint64_t mode)
{
	fprintf(out, "%#03o", (unsigned int)mode);
}

static void print_stat_mode(FILE *out, unsigned int mode)
{
	if (!XLAT(out, mode & S_IFMT, stat_types))
		fprintf(out, "%#o", mode & S_IFMT);
	if (mode & S_ISUID)
		fputs("|S_ISUID", out);
	if (mode & S_ISGID)
		fputs("|S_ISGID", out);
	if (mode & S_ISVTX)
		fputs("|S_ISVTX", out);
	fprintf(out, "|%#o", mode & 0777);
}

/* strace's abbreviated struct stat (without -v) */
static void print_stat(struct tctx *t, uint64_t addr)
{
	struct stat st;

	if (t->ret < 0 || !t->readable || copy_from_user(t->vmm, &st, addr, sizeof(st))) {
		print_ptr(t->out, addr);
		return;
	}
	fputs("{st_mode=", t->out);
	print_stat_mode(t->out, st.st_mode);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		fprintf(t->out, ", st_rdev=makedev(%#x, %#x)", major(st.st_rdev), minor(st.st_rdev));
	else
		fprintf(t->out, ", st_size=%lld", (long long)st.st_size);
	fputs(", ...}", t->out);
}

/* strace's printstatus() */
static void print_wstatus(struct tctx *t, uint64_t addr)
{
	int s;

	if (t->ret <= 0 || !addr || !t->readable || copy_from_user(t->vmm, &s, addr, sizeof(s))) {
		print_ptr(t->out, addr);
		return;
	}
	if (WIFSTOPPED(s)) {
		fputs("[{WIFSTOPPED(s) && WSTOPSIG(s) == ", t->out);
		print_signum(t->out, WSTOPSIG(s) & 0x7f);
		fputs("}]", t->out);
	} else if (WIFSIGNALED(s)) {
		fputs("[{WIFSIGNALED(s) && WTERMSIG(s) == ", t->out);
		print_signum(t->out, WTERMSIG(s));
		fprintf(t->out, "%s}]", WCOREDUMP(s) ? " && WCOREDUMP(s)" : "");
	} else if (WIFEXITED(s)) {
		fprintf(t->out, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]", WEXITSTATUS(s));
	} else if (WIFCONTINUED(s)) {
		fputs("[{WIFCONTINUED(s)}]", t->out);
	} else {
		fprintf(t->out, "[%#x]", s);
	}
}

static void print_sigaction(struct tctx *t, uint64_t addr, bool output)
{
	struct guest_sigaction sa;

	if (!addr || (output && t->ret < 0) || !t->readable ||
	    copy_from_user(t->vmm, &sa, addr, sizeof(sa))) {
		print_ptr(t->out, addr);
		return;
	}
	fputs("{sa_handler=", t->out);
	if (sa.handler == (uint64_t)(uintptr_t)SIG_DFL)
		fputs("SIG_DFL", t->out);
	else if (sa.handler == (uint64_t)(uintptr_t)SIG_IGN)
		fputs("SIG_IGN", t->out);
	else
		fprintf(t->out, "%#llx", (unsigned long long)sa.handler);
	fputs(", sa_mask=", t->out);
	print_sigmask(t->out, sa.mask);
	fputs(", sa_flags=", t->out);
	FLAGS(t->out, sa.flags, sa_flags, NULL);
	if (sa.flags & 0x04000000)
		fprintf(t->out, ", sa_restorer=%#llx", (unsigned long long)sa.restorer);
	fputc('}', t->out);
}

/* writev's (all of each) and readv's (what was read) vectors */
static void print_iov(struct tctx *t, uint64_t addr, uint64_t cnt, bool output)
{
	uint64_t left = output ? (uint64_t)t->ret : UINT64_MAX;
	uint64_t i;

	if ((output && t->ret < 0) || !t->readable || cnt > 1024) {
		print_ptr(t->out, addr);
		return;
	}
	fputc('[', t->out);
	for (i = 0; i < cnt; i++) {
		uint64_t iov[2];

		if (i == TRACE_ARRAY_MAX) {
			fputs(", ...", t->out);
			break;
		}
		if (copy_from_user(t->vmm, iov, addr + i * 16, sizeof(iov))) {
			fprintf(t->out, "%s%#llx", i ? ", " : "", (unsigned long long)(addr + i * 16));
			break;
		}
		fprintf(t->out, "%s{iov_base=", i ? ", " : "");
		print_buf(t, iov[0], iov[1] < left ? iov[1] : left);
		fprintf(t->out, ", iov_len=%llu}", (unsigned long long)iov[1]);
		left -= iov[1] < left ? iov[1] : left;
	}
	fputc(']', t->out);
}

/* execve's argv as ["sh", "-c", ...] */
static void print_argv(struct tctx *t, uint64_t addr)
{
	int i;

	if (!addr || !t->readable) {
		print_ptr(t->out, addr);
		return;
	}
	fputc('[', t->out);
	for (i = 0; ; i++) {
		uint64_t s;

		if (copy_from_user(t->vmm, &s, addr + i * 8, 8)) {
			fprintf(t->out, "%s%#llx", i ? ", " : "", (unsigned long long)(addr + i * 8));
			break;
		}
		if (!s)
			break;
		if (i == TRACE_ARRAY_MAX) {
			fputs(", ...", t->out);
			break;
		}
		if (i)
			fputs(", ", t->out);
		print_str(t, s, TRACE_STRLEN);
	}
	fputc(']', t->out);
}

/* envp as strace abbreviates it: 0x7ffd... / * 37 vars * / */
static void print_envp(struct tctx *t, uint64_t addr)
{
	uint64_t s;
	int n;

	print_ptr(t->out, addr);
	if (!addr || !t->readable)
		return;
	for (n = 0; n < 100000; n++)
		if (copy_from_user(t->vmm, &s, addr + n * 8, 8) || !s)
			break;
	fprintf(t->out, " /* %d var%s */", n, n == 1 ? "" : "s");
}

static void print_timespec(struct tctx *t, uint64_t addr, bool output)
{
	int64_t ts[2];

	if (!addr || (output && t->ret < 0) || !t->readable ||
	    copy_from_user(t->vmm, ts, addr, sizeof(ts))) {
		print_ptr(t->out, addr);
		return;
	}
	fprintf(t->out, "{tv_sec=%lld, tv_nsec=%lld}", (long long)ts[0], (long long)ts[1]);
}

static void print_rlim_value(FILE *out, uint64_t v)
{
	if (v == UINT64_MAX)
		fputs("RLIM64_INFINITY", out);
	else if (v && !(v % 1024))
		fprintf(out, "%llu*1024", (unsigned long long)(v / 1024));
	else
		fprintf(out, "%llu", (unsigned long long)v);
}

static void print_rlimit(struct tctx *t, uint64_t addr, bool output)
{
	uint64_t r[2];

	if (!addr || (output && t->ret < 0) || !t->readable ||
	    copy_from_user(t->vmm, r, addr, sizeof(r))) {
		print_ptr(t->out, addr);
		return;
	}
	fputs("{rlim_cur=", t->out);
	print_rlim_value(t->out, r[0]);
	fputs(", rlim_max=", t->out);
	print_rlim_value(t->out, r[1]);
	fputc('}', t->out);
}

static void print_uname(struct tctx *t, uint64_t addr)
{
	struct utsname_g {
		char f[6][65];
	} u;

	if (t->ret < 0 || !t->readable || copy_from_user(t->vmm, &u, addr, sizeof(u))) {
		print_ptr(t->out, addr);
		return;
	}
	fputs("{sysname=", t->out);
	print_quoted(t->out, (unsigned char *)u.f[0], strnlen(u.f[0], 64), false);
	fputs(", nodename=", t->out);
	print_quoted(t->out, (unsigned char *)u.f[1], strnlen(u.f[1], 64), false);
	fputs(", ...}", t->out);
}

/* getdents64: strace's abbreviated "0x... / * N entries * /" */
static void print_dirents(struct tctx *t, uint64_t addr)
{
	long off = 0;
	int n = 0;

	print_ptr(t->out, addr);
	if (t->ret < 0 || !t->readable)
		return;
	while (off + 19 <= t->ret) {
		uint16_t reclen;

		if (copy_from_user(t->vmm, &reclen, addr + off + 16, 2) || !reclen)
			break;
		off += reclen;
		n++;
	}
	fprintf(t->out, " /* %d entr%s */", n, n == 1 ? "y" : "ies");
}

static void print_pipefds(struct tctx *t, uint64_t addr)
{
	int fds[2];

	if (t->ret < 0 || !t->readable || copy_from_user(t->vmm, fds, addr, sizeof(fds)))
		print_ptr(t->out, addr);
	else
		fprintf(t->out, "[%d, %d]", fds[0], fds[1]);
}

/* strace's clone(child_stack=..., flags=..., ...): x86-64 order flags, stack, ptid, ctid, tls */
static void print_clone(struct tctx *t)
{
	const uint64_t *a = t->a;
	uint64_t flags = a[0];

	fputs("child_stack=", t->out);
	print_ptr(t->out, a[1]);
	fputs(", flags=", t->out);
	if (flags & ~0xffULL) {
		FLAGS(t->out, flags & ~0xffULL, clone_flags, NULL);
		if (flags & 0xff)
			fputc('|', t->out);
	}
	if (flags & 0xff)
		print_signum(t->out, flags & 0xff);
	else if (!(flags & ~0xffULL))
		fputc('0', t->out);
	if (flags & CLONE_PARENT_SETTID)
		fprintf(t->out, ", parent_tid=%#llx", (unsigned long long)a[2]);
	if (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
		fprintf(t->out, ", child_tidptr=%#llx", (unsigned long long)a[3]);
	if (flags & CLONE_SETTLS)
		fprintf(t->out, ", tls=%#llx", (unsigned long long)a[4]);
}

static void print_fcntl(struct tctx *t)
{
	int cmd = (int)t->a[1];

	if (!XLAT(t->out, cmd, fcntl_names))
		fprintf(t->out, "%#x", cmd);
	switch (cmd) {
	case F_SETFD:
		if (t->a[2] == FD_CLOEXEC)
			fputs(", FD_CLOEXEC", t->out);
		else
			fprintf(t->out, ", %#llx", (unsigned long long)t->a[2]);
		break;
	case F_SETFL:
		fputs(", ", t->out);
		print_oflags(t->out, t->a[2], false);
		break;
	case F_GETFD: case F_GETFL: case F_GETOWN: case F_GETSIG:
	case F_GETLEASE: case F_GETPIPE_SZ: case F_GET_SEALS:
		break;
	case F_GETLK: case F_SETLK: case F_SETLKW:
	case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
		fputs(", ", t->out);
		print_ptr(t->out, t->a[2]);
		break;
	default:
		fprintf(t->out, ", %d", (int)t->a[2]);
	}
}

static const struct flag_name prctl_names[] = {
	{ 1, "PR_SET_PDEATHSIG" }, { 2, "PR_GET_PDEATHSIG" }, { 3, "PR_GET_DUMPABLE" },
	{ 4, "PR_SET_DUMPABLE" }, { 15, "PR_SET_NAME" }, { 16, "PR_GET_NAME" },
	{ 21, "PR_GET_SECCOMP" }, { 22, "PR_SET_SECCOMP" }, { 23, "PR_CAPBSET_READ" },
	{ 29, "PR_SET_TIMERSLACK" }, { 30, "PR_GET_TIMERSLACK" }, { 35, "PR_SET_MM" },
	{ 36, "PR_SET_CHILD_SUBREAPER" }, { 37, "PR_GET_CHILD_SUBREAPER" },
	{ 38, "PR_SET_NO_NEW_PRIVS" }, { 39, "PR_GET_NO_NEW_PRIVS" },
	{ 41, "PR_SET_THP_DISABLE" }, { 42, "PR_GET_THP_DISABLE" },
	{ 0x53564d41, "PR_SET_VMA" },
};

/* prctl's option, then what strace shows of its arguments */
static void print_prctl(struct tctx *t)
{
	const uint64_t *a = t->a;
	int i;

	if (!XLAT(t->out, (uint32_t)a[0], prctl_names))
		fprintf(t->out, "%#x /* PR_??? */", (unsigned int)a[0]);
	switch ((int)a[0]) {
	case 15:	/* PR_SET_NAME */
		fputs(", ", t->out);
		print_str(t, a[1], 15);
		return;
	case 1:		/* PR_SET_PDEATHSIG */
		fputs(", ", t->out);
		print_signum(t->out, (int)a[1]);
		return;
	case 2:		/* PR_GET_PDEATHSIG */
	case 30:	/* PR_GET_TIMERSLACK */
		fprintf(t->out, ", %#llx", (unsigned long long)a[1]);
		return;
	case 3: case 16: case 21: case 37: case 39: case 42:	/* PR_GET_...: no arguments */
		return;
	}
	for (i = 1; i < 5; i++)
		fprintf(t->out, ", %#llx", (unsigned long long)a[i]);
}

/* the op, then the arguments it uses, as strace shows them */
static void print_futex_op(struct tctx *t, uint64_t v)
{
	FILE *out = t->out;
	const uint64_t *a = t->a;
	int cmd = v & 127;

	if (!XLAT(out, cmd, futex_ops))
		fprintf(out, "%d", cmd);
	if (v & 128)
		fputs("_PRIVATE", out);
	if (v & 256)
		fputs("|FUTEX_CLOCK_REALTIME", out);
	/* the command is 7 bits, then FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME */
	if (v & ~511ULL)
		fprintf(out, "|%#llx", (unsigned long long)(v & ~511ULL));
	fprintf(out, ", %d", (int)a[2]);
	switch (cmd) {
	case 0:		/* FUTEX_WAIT */
		fputs(", ", out);
		print_timespec(t, a[3], false);
		break;
	case 9:		/* FUTEX_WAIT_BITSET */
		fputs(", ", out);
		print_timespec(t, a[3], false);
		fprintf(out, ", %#x", (unsigned int)a[5]);
		break;
	case 10:	/* FUTEX_WAKE_BITSET */
		fprintf(out, ", %#x", (unsigned int)a[5]);
		break;
	case 3:		/* FUTEX_REQUEUE */
		fprintf(out, ", %d, ", (int)a[3]);
		print_ptr(out, a[4]);
		break;
	case 4:		/* FUTEX_CMP_REQUEUE */
	case 5:		/* FUTEX_WAKE_OP */
		fprintf(out, ", %d, ", (int)a[3]);
		print_ptr(out, a[4]);
		fprintf(out, ", %#x", (unsigned int)a[5]);
		break;
	}
}

/*
 * rt_sigreturn's "{mask=[...]}": the ucontext is at the user's RSP (the
 * handler's return popped pretcode), its uc_sigmask after uc_flags,
 * uc_link, uc_stack and the 256-byte sigcontext.
 */
static void print_sigframe(struct tctx *t)
{
	uint64_t mask;

	if (copy_from_user(t->vmm, &mask, trap_frame(t->vmm)->rsp + 296, sizeof(mask))) {
		fputs("{mask=?}", t->out);
		return;
	}
	fputs("{mask=", t->out);
	print_sigmask(t->out, mask);
	fputc('}', t->out);
}

/* open's mode means something only with O_CREAT or O_TMPFILE */
static bool arg_shown(const struct trace_decl *d, int i, const uint64_t *a)
{
	if (d->args[i] == T_PRCTL_OUT)
		return a[0] == 16;	/* PR_GET_NAME */
	return d->args[i] != T_OMODE || (a[i - 1] & (O_CREAT | 020000000));
}

static void print_arg(struct tctx *t, enum targ kind, int i)
{
	FILE *out = t->out;
	uint64_t v = t->a[i];

	switch (kind) {
	case T_INT:	fprintf(out, "%d", (int)v); break;
	case T_FD:	fprintf(out, "%d", (int)v); break;
	case T_UINT:	fprintf(out, "%llu", (unsigned long long)v); break;
	case T_LONG:	fprintf(out, "%lld", (long long)v); break;
	case T_HEX:	fprintf(out, "%#llx", (unsigned long long)v); break;
	case T_OFFSET:	fprintf(out, "%#llx", (unsigned long long)v); break;
	case T_MODE:
	case T_OMODE:	print_mode(out, v); break;
	case T_DIRFD:
		if ((int)v == AT_FDCWD)
			fputs("AT_FDCWD", out);
		else
			fprintf(out, "%d", (int)v);
		break;
	case T_PATH:	print_str(t, v, 4096); break;
	case T_STR:	print_str(t, v, TRACE_STRLEN); break;
	case T_OFLAGS:	print_oflags(out, v, true); break;
	case T_FDFLAGS:	print_oflags(out, v, false); break;
	case T_ATFLAGS:	FLAGS(out, v, at_flags, NULL); break;
	case T_PROT:	FLAGS(out, v, prot_flags, "PROT_NONE"); break;
	case T_MAPFLAGS: print_mapflags(out, v); break;
	case T_MREMAP:	FLAGS(out, v, mremap_flags, NULL); break;
	case T_MADV:
		if (!XLAT(out, v, madv_names))
			fprintf(out, "%#llx /* MADV_??? */", (unsigned long long)v);
		break;
	case T_SIGNUM:	print_signum(out, (int)v); break;
	case T_SIGHOW:
		if (!XLAT(out, v, sighow_names))
			fprintf(out, "%#llx /* SIG_??? */", (unsigned long long)v);
		break;
	case T_SIGSET:	print_sigset(t, v); break;
	case T_OSIGSET:
		if (t->ret < 0)
			print_ptr(out, v);
		else
			print_sigset(t, v);
		break;
	case T_SIGACT:	print_sigaction(t, v, false); break;
	case T_OSIGACT:	print_sigaction(t, v, true); break;
	case T_WBUF:	print_buf(t, v, t->a[i + 1]); break;
	case T_RBUF:
		if (t->ret < 0)
			print_ptr(out, v);
		else
			print_buf(t, v, t->ret);
		break;
	case T_WIOV:	print_iov(t, v, t->a[i + 1], false); break;
	case T_RIOV:	print_iov(t, v, t->a[i + 1], true); break;
	case T_WHENCE:
		if (!XLAT(out, v, whence_names))
			fprintf(out, "%#llx /* SEEK_??? */", (unsigned long long)v);
		break;
	case T_ACCESS:	FLAGS(out, v, access_flags, "F_OK"); break;
	case T_ARCH:
		if (!XLAT(out, v, arch_names))
			fprintf(out, "%#llx /* ARCH_??? */", (unsigned long long)v);
		break;
	case T_IOCTL:
		if (!XLAT(out, (uint32_t)v, ioctl_names))
			fprintf(out, "%#llx", (unsigned long long)v);
		break;
	case T_FCNTL:	print_fcntl(t); break;
	case T_ARGV:	print_argv(t, v); break;
	case T_ENVP:	print_envp(t, v); break;
	case T_TIMESPEC: print_timespec(t, v, false); break;
	case T_OTIMESPEC: print_timespec(t, v, true); break;
	case T_CLOCKID:
		if (!XLAT(out, v, clock_names))
			fprintf(out, "%d", (int)v);
		break;
	case T_RLIMRES:
		if (!XLAT(out, v, rlimit_names))
			fprintf(out, "%#llx /* RLIMIT_??? */", (unsigned long long)v);
		break;
	case T_RLIMIT:	print_rlimit(t, v, false); break;
	case T_ORLIMIT:	print_rlimit(t, v, true); break;
	case T_WOPTS:	FLAGS(out, v, wait_flags, NULL); break;
	case T_FUTEX_OP: print_futex_op(t, v); break;
	case T_CLONE:	print_clone(t); break;
	case T_GRND:	FLAGS(out, v, grnd_flags, NULL); break;
	case T_STAT:	print_stat(t, v); break;
	case T_WSTATUS:	print_wstatus(t, v); break;
	case T_PIPEFDS:	print_pipefds(t, v); break;
	case T_OSTR:
		if (t->ret < 0)
			print_ptr(out, v);
		else
			print_buf(t, v, t->ret);
		break;
	case T_OPATH:
		if (t->ret < 0)
			print_ptr(out, v);
		else
			print_str(t, v, 4096);
		break;
	case T_UNAME:	print_uname(t, v); break;
	case T_RANDOM:	print_random(t, v); break;
	case T_PRCTL:	print_prctl(t); break;
	case T_SIGFRAME: print_sigframe(t); break;
	case T_PRCTL_OUT:
		if (t->ret < 0)
			print_ptr(out, v);
		else
			print_str(t, v, 15);
		break;
	case T_DIRENTS:	print_dirents(t, v); break;
	case T_PTR:
	default:
		print_ptr(out, v);
	}
}

/* the letters of a syscall_table.c entry, for calls without a decoder */
static enum targ letter_kind(char c)
{
	switch (c) {
	case 'd': return T_INT;
	case 'u': return T_UINT;
	case 'x': return T_HEX;
	case 's': return T_PATH;
	case 'f': return T_FD;
	case 'o': return T_MODE;
	default:  return T_PTR;
	}
}

/* the calls' kinds: the decoder's, else the letters' (6 at most) */
static const struct trace_decl *decl_of(unsigned long nr, const char *letters,
					 struct trace_decl *tmp)
{
	int i;

	if (nr < NR_SYSCALLS && decls[nr].set)
		return &decls[nr];
	memset(tmp, 0, sizeof(*tmp));
	tmp->set = true;
	for (i = 0; letters && letters[i] && i < 6; i++)
		tmp->args[i] = letter_kind(letters[i]);
	return tmp;
}

/* print arguments @from.. of @d, up to the first output one on entry */
static int print_args(struct tctx *t, const struct trace_decl *d, int from, bool entering)
{
	int i;

	for (i = from; i < 6 && d->args[i] != T_END; i++) {
		if (entering && d->args[i] >= T_OUTPUT)
			return i;
		if (!arg_shown(d, i, t->a))
			continue;
		if (i)
			fputs(", ", t->out);
		print_arg(t, d->args[i], i);
	}
	return 6;
}

static void print_prefix(struct vmm *vmm, FILE *out);

static int live_processes(struct vmm *vmm)
{
	struct process *p;
	int n = 0;

	for (p = vmm->procs; p; p = p->next)
		n += !p->exited;
	return n;
}

/*
 * Entering a call: the pid prefix, the name and the arguments the call
 * reads, into @st; returns where the arguments it writes start.
 */
int trace_enter(struct vmm *vmm, struct trace_state *st, unsigned long nr,
		const char *letters, const uint64_t *a)
{
	struct trace_decl tmp;
	const struct trace_decl *d = decl_of(nr, letters, &tmp);
	struct tctx t = { .vmm = vmm, .a = a, .readable = true };
	const char *name = syscall_name(nr);

	st->nr = nr;
	st->proc = vmm->cur;
	st->len = 0;
	t.out = fmemopen(st->line, sizeof(st->line), "w");
	if (!t.out)
		return -1;
	print_prefix(vmm, t.out);
	if (name)
		fprintf(t.out, "%s(", name);
	else
		fprintf(t.out, "syscall_%#lx(", nr);
	st->next = print_args(&t, d, 0, true);
	fclose(t.out);
	st->len = strnlen(st->line, sizeof(st->line) - 1);
	return 0;
}

/* strace's names for the kernel's internal restart codes */
static const char *restart_name(long err, const char **why)
{
	switch (err) {
	case 512: *why = "To be restarted if SA_RESTART is set"; return "ERESTARTSYS";
	case 513: *why = "To be restarted"; return "ERESTARTNOINTR";
	case 514: *why = "To be restarted if no handler"; return "ERESTARTNOHAND";
	case 516: *why = "Interrupted by signal"; return "ERESTART_RESTARTBLOCK";
	}
	return NULL;
}

static void print_result(struct tctx *t, const struct trace_decl *d, bool exited)
{
	long ret = t->ret;
	const char *e, *why;

	if (exited || d->ret == R_NONE) {
		fputs("?", t->out);
	} else if (ret < 0 && ret >= -4095) {
		e = restart_name(-ret, &why);
		if (e) {
			fprintf(t->out, "? %s (%s)", e, why);
			return;
		}
		e = strerrorname_np((int)-ret);
		if (e)
			fprintf(t->out, "-1 %s (%s)", e, strerror((int)-ret));
		else
			fprintf(t->out, "-1 E??? (errno %ld)", -ret);
	} else if (d->ret == R_HEX) {
		fprintf(t->out, "%#lx", ret);
	} else if (d->ret == R_UMASK) {
		fprintf(t->out, "%#03lo", ret);
	} else if (d->ret == R_FCNTL && (int)t->a[1] == F_GETFD) {
		fprintf(t->out, "%ld%s", ret, ret == FD_CLOEXEC ? " (flags FD_CLOEXEC)" : "");
	} else if (d->ret == R_FCNTL && (int)t->a[1] == F_GETFL) {
		fprintf(t->out, "%#lx (flags ", ret);
		print_oflags(t->out, ret, true);
		fputc(')', t->out);
	} else {
		fprintf(t->out, "%ld", ret);
	}
}

/*
 * The call returned @ret: the rest of the arguments and the result, and
 * the line goes out.  A call that went to sleep prints nothing: it is
 * retried when its process is woken, and prints then.
 */
void trace_exit(struct vmm *vmm, struct trace_state *st, const char *letters,
		const uint64_t *a, long ret)
{
	struct trace_decl tmp;
	const struct trace_decl *d = decl_of(st->nr, letters, &tmp);
	struct process *p = st->proc;
	bool exited = p->exited && (st->nr == SYS_exit || st->nr == SYS_exit_group ||
				    st->nr == SYS_execve);
	struct tctx t = { .vmm = vmm, .a = a, .ret = ret };
	char *buf = NULL;
	size_t size = 0;
	int col;

	if (p->sleeping_call && !p->exited)
		return;
	t.readable = vmm->cur == p && !p->exited;
	t.out = open_memstream(&buf, &size);
	if (!t.out)
		return;
	fwrite(st->line, 1, st->len, t.out);
	if (st->next < 6)
		print_args(&t, d, st->next, false);
	fputc(')', t.out);
	fflush(t.out);
	col = (int)size;
	fprintf(t.out, "%*s = ", col < TRACE_ACOLUMN - 1 ? TRACE_ACOLUMN - 1 - col : 0, "");
	print_result(&t, d, exited);
	fputc('\n', t.out);
	fclose(t.out);
	fputs(buf, vmm->trace_out);
	free(buf);
}

static void print_prefix(struct vmm *vmm, FILE *out)
{
	if (vmm->trace_file)
		fprintf(out, "%-5d ", vmm->cur->pid);
	else if (live_processes(vmm) > 1)
		fprintf(out, "[pid %5d] ", vmm->cur->pid);
}

static const struct flag_name si_codes[] = {
	{ 0, "SI_USER" }, { 0x80, "SI_KERNEL" }, { -1, "SI_QUEUE" }, { -2, "SI_TIMER" },
	{ -3, "SI_MESGQ" }, { -4, "SI_ASYNCIO" }, { -5, "SI_SIGIO" }, { -6, "SI_TKILL" },
};

static const char *const cld_codes[] = {
	NULL, "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED",
	"CLD_CONTINUED",
};

static const char *const segv_codes[] = {
	NULL, "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR",
};

static const char *const bus_codes[] = {
	NULL, "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO",
};

static const char *const ill_codes[] = {
	NULL, "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC",
	"ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK",
};

static const char *const fpe_codes[] = {
	NULL, "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND",
	"FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB",
};

static const char *const trap_codes[] = {
	NULL, "TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT",
};

#define CODE(tbl, c) ((c) > 0 && (size_t)(c) < sizeof(tbl) / sizeof(tbl[0]) ? tbl[c] : NULL)

/* a signal's si_code by name, for its kind of signal */
static const char *si_code_name(int sig, int code)
{
	if (code <= 0 || code == 0x80)
		return NULL;
	switch (sig) {
	case SIGCHLD:	return CODE(cld_codes, code);
	case SIGSEGV:	return CODE(segv_codes, code);
	case SIGBUS:	return CODE(bus_codes, code);
	case SIGILL:	return CODE(ill_codes, code);
	case SIGFPE:	return CODE(fpe_codes, code);
	case SIGTRAP:	return CODE(trap_codes, code);
	}
	return NULL;
}

/*
 * A signal on its way to the program: strace's
 * "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, ...} ---".
 */
void trace_signal(struct vmm *vmm, const struct ksiginfo *info)
{
	const char *code = si_code_name(info->signo, info->code);
	FILE *out = vmm->trace_out;

	if (info->signo == SIGKILL)	/* no signal-delivery-stop: strace never sees it */
		return;
	print_prefix(vmm, out);
	fputs("--- ", out);
	print_signum(out, info->signo);
	fputs(" {si_signo=", out);
	print_signum(out, info->signo);
	fputs(", si_code=", out);
	if (code)
		fputs(code, out);
	else if (!XLAT(out, info->code, si_codes))
		fprintf(out, "%d", info->code);
	if (info->signo == SIGCHLD && info->code > 0) {
		fprintf(out, ", si_pid=%d, si_uid=%u, si_status=", info->pid, info->uid);
		if (info->code == CLD_EXITED)
			fprintf(out, "%d", info->status);
		else
			print_signum(out, info->status);
		fputs(", si_utime=0, si_stime=0", out);
	} else if (info->code <= 0) {
		fprintf(out, ", si_pid=%d, si_uid=%u", info->pid, info->uid);
	} else {
		fputs(", si_addr=", out);
		print_ptr(out, info->addr);
		if (info->signo == SIGSEGV && info->code == 4)
			fprintf(out, ", si_pkey=%d", info->pkey);
	}
	fputs("} ---\n", out);
}

/* a call the monitor has no handler for: strace's line, and a note once */
void trace_nosys(struct vmm *vmm, unsigned long nr, const uint64_t *a)
{
	const char *name = syscall_name(nr);
	struct trace_state st;

	if (nr >= NR_SYSCALLS || !vmm->trace_named[nr]) {
		fprintf(vmm->trace_out, "[vmm] system call %lu (%s) has no handler here: ENOSYS\n",
			nr, name ? name : "unknown");
		if (nr < NR_SYSCALLS)
			vmm->trace_named[nr] = true;
	}
	if (trace_enter(vmm, &st, nr, "pppppp", a) == 0)
		trace_exit(vmm, &st, "pppppp", a, -ENOSYS);
}
