// SPDX-License-Identifier: GPL-2.0
/*
 * A system-call fuzzer: from a seed, a deterministic series of calls drawn
 * from every call the monitor handles and some it does not, with arguments
 * from generators that know the address space (its own mappings and their
 * edges, the break, the stack guard, the kernel half and the monitor's own
 * pages there, non-canonical and unaligned addresses, huge lengths, every
 * flag bit), mixed with reads and writes of random addresses, forks whose
 * children do the same for a while, and signals.
 *
 *   fuzz_syscalls [-v] [-k LIST] SEED NCALLS
 *
 * -v (or FUZZ_VERBOSE=1) logs every call on stderr before it is made and
 * its result after.  -k LIST performs only the calls whose index is in
 * LIST ("0-9,17,40-"): each call draws its choices from (SEED, index)
 * alone, so a sub-list replays the same calls, which is what the campaign's
 * minimisation needs.  The program exits 0 when it gets to the end; a
 * signal that kills it is a possible outcome of the calls, not an error.
 *
 * The fuzzer keeps itself alive: calls that would unmap, protect, discard
 * or overwrite its own image, stack or buffers are skipped (logged as
 * such), and the signals it sends itself have handlers.  Files it creates
 * are in the current directory, with fixed names, unlinked at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE		4096UL
#define MAX_CALLS	(1UL << 20)
#define MAX_REGIONS	48
#define MAX_FDS		12
#define CHILD_CALLS	24

/* the monitor's own pages (guest/trampoline.h) and x86-64 boundaries */
#define SYSCALL_LSTAR	0xfffffe0000000000UL
#define DIRECT_MAP_BASE	0xffff888000000000UL
#define KTEXT_BASE	0xffffffff80000000UL
#define CCTX_DIRECT	0x0000100000000000UL
#define TASK_SIZE	0x0000800000000000UL

/* not in every libc's headers */
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#define MADV_POPULATE_WRITE	23
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD		0x1000
#endif
#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND	0x100000000ULL
#define CLONE_INTO_CGROUP	0x200000000ULL
#endif
#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#endif
#ifndef PR_SET_IO_FLUSHER
#define PR_SET_IO_FLUSHER	57
#endif
#ifndef PR_SET_SPECULATION_CTRL
#define PR_SET_SPECULATION_CTRL	53
#endif
#ifndef PR_SET_FP_MODE
#define PR_SET_FP_MODE		45
#endif
#define GRND_NONBLOCK_		0x1
#define GRND_INSECURE_		0x4

struct range {
	uint64_t start, end;
};

static struct range regions[MAX_REGIONS];	/* mappings it made or found */
static int nr_regions;
static struct range protect[32];	/* its image, stack and vdso at start */
static int nr_protect;
static uint64_t stack_start;
static int fds[MAX_FDS];
static int nr_fds;
static unsigned char mask[MAX_CALLS / 8];
static int verbose, in_child, child_idx;
static uint64_t seed;
static uint64_t rng;
static sigjmp_buf jb;
static volatile int jb_armed;
static volatile unsigned long faults, signals_seen;
static uint64_t restorer;	/* musl's sa_restorer, read back from the kernel */
static char big_buf[3 * PAGE] __attribute__((aligned(4096)));
static char long_name[5000];
static const char *const own_names[] = { "fz.a", "fz.b", "fz.dir" };
static unsigned long done, skipped;

/* ---- raw system calls: no errno, no libc wrapper checks ---- */

static long rsys(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall" : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/* ---- the generators ---- */

static uint64_t next(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return n ? next() % n : 0;
}

static int chance(int one_in)
{
	return below(one_in) == 0;
}

static void seed_call(uint64_t idx, uint64_t sub)
{
	rng = seed * 0x2545f4914f6cdd1dULL ^ (idx << 20) ^ sub;
	next();
}

static struct range *pick_region(void)
{
	return nr_regions ? &regions[below(nr_regions)] : NULL;
}

static uint64_t cur_brk(void)
{
	return rsys(SYS_brk, 0, 0, 0, 0, 0, 0);
}

static uint64_t gen_addr(void)
{
	struct range *r = pick_region();
	uint64_t a;

	switch (below(24)) {
	case 0: return 0;
	case 1: a = cur_brk(); break;
	case 2: a = cur_brk() - PAGE * below(4); break;
	case 3: a = stack_start - PAGE * (1 + below(260)); break;	/* the guard gap */
	case 4: a = SYSCALL_LSTAR + PAGE * below(2); break;
	case 5: a = DIRECT_MAP_BASE + (below(1 << 18) << 12); break;
	case 6: a = KTEXT_BASE + (below(16) << 12); break;
	case 7: a = CCTX_DIRECT + (below(1 << 18) << 12); break;
	case 8: a = TASK_SIZE - PAGE * below(3); break;
	case 9: a = (next() | TASK_SIZE) & ~0xffff000000000000UL; break;	/* non-canonical */
	case 10: a = next() & ~(PAGE - 1); break;
	case 11: a = (next() & (TASK_SIZE - 1)) & ~(PAGE - 1); break;
	case 12: a = protect[below(nr_protect)].start; break;
	default:
		if (!r)
			return 0x10000000UL;
		switch (below(6)) {
		case 0: a = r->start; break;
		case 1: a = r->end - PAGE; break;
		case 2: a = r->end; break;
		case 3: a = r->start - PAGE; break;
		default: a = r->start + (below((r->end - r->start) / PAGE) << 12); break;
		}
	}
	if (chance(10))
		a += 1 + below(PAGE - 1);	/* unaligned */
	return a;
}

static uint64_t gen_len(uint64_t addr)
{
	struct range *r = pick_region();

	switch (below(16)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return PAGE;
	case 3: return (1UL << 21) + PAGE * below(3);
	case 4: return 1UL << 30;
	case 5: return 1UL << 47;
	case 6: return ~0UL;
	case 7: return -PAGE;
	case 8: return next();
	case 9: return r ? r->end - r->start : PAGE;
	case 10: return r && r->end > addr && addr >= r->start ? r->end - addr : PAGE;
	case 11: return PAGE * below(16) + below(2);
	default: return PAGE * (1 + below(64));
	}
}

static uint64_t gen_bits(uint64_t usual)
{
	if (chance(12))
		return next();
	if (chance(6))
		return usual | (1UL << below(32));
	return usual & next();
}

static int gen_fd(void)
{
	switch (below(8)) {
	case 0: return -1;
	case 1: return (int)below(240);
	case 2: return (int)next();
	default: return nr_fds ? fds[below(nr_fds)] : -1;
	}
}

/* ---- keeping itself alive ---- */

static int overlaps(uint64_t start, uint64_t len, const struct range *r, int n)
{
	uint64_t end = start + len < start ? ~0UL : start + len;

	if (len == 0)
		end = start + 1;
	for (int i = 0; i < n; i++)
		if (start < r[i].end && end > r[i].start)
			return 1;
	return 0;
}

/* the call may change or unmap [start, start + len): not its own memory */
static int hits_self(uint64_t start, uint64_t len)
{
	return overlaps(start & ~(PAGE - 1), len + (start & (PAGE - 1)), protect, nr_protect);
}

static void add_region(uint64_t start, uint64_t len)
{
	int i = nr_regions < MAX_REGIONS ? nr_regions++ : (int)below(MAX_REGIONS);

	if (!len || start >= TASK_SIZE || (start & (PAGE - 1)))
		return;
	regions[i].start = start;
	regions[i].end = start + ((len + PAGE - 1) & ~(PAGE - 1));
}

static void add_fd(int fd)
{
	if (fd < 0)
		return;
	if (nr_fds == MAX_FDS) {
		int i = (int)below(MAX_FDS);

		rsys(SYS_close, fds[i], 0, 0, 0, 0, 0);
		fds[i] = fd;
		return;
	}
	fds[nr_fds++] = fd;
}

static size_t read_maps(char *buf, size_t size)
{
	long fd = rsys(SYS_open, (long)"/proc/self/maps", O_RDONLY, 0, 0, 0, 0);
	size_t got = 0;
	long n;

	if (fd < 0)
		return 0;
	while (got < size - 1 && (n = rsys(SYS_read, fd, (long)buf + got, size - 1 - got, 0, 0, 0)) > 0)
		got += n;
	rsys(SYS_close, fd, 0, 0, 0, 0, 0);
	buf[got] = 0;
	return got;
}

/* what is mapped now, minus its own memory, becomes the regions to aim at */
static void refresh_regions(void)
{
	static char buf[65536];
	char *line, *save;

	read_maps(buf, sizeof(buf));
	nr_regions = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx", &s, &e) != 2 || overlaps(s, e - s, protect, nr_protect))
			continue;
		if (nr_regions < MAX_REGIONS)
			add_region(s, e - s);
	}
}

static void find_self(void)
{
	static char buf[65536];
	char *line, *save;

	read_maps(buf, sizeof(buf));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx", &s, &e) != 2 || nr_protect == 32)
			continue;
		if (strstr(line, "[stack]")) {
			stack_start = s;
			s -= 64 * PAGE;	/* room to grow */
		}
		protect[nr_protect].start = s;
		protect[nr_protect++].end = e;
	}
}

/* ---- logging ---- */

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	if (!verbose)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1;
	rsys(SYS_write, 2, (long)line, n, 0, 0, 0);
}

/* ---- signals ---- */

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	faults++;
	if (jb_armed) {
		jb_armed = 0;
		siglongjmp(jb, sig);
	}
	/* a fault outside a probe: its own memory is gone, nothing to go on with */
	rsys(SYS_exit_group, 3, 0, 0, 0, 0, 0);
}

static void on_signal(int sig)
{
	signals_seen++;
}

static void install_handlers(void)
{
	struct sigaction sa;
	uint64_t k[4];

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	if (rsys(SYS_rt_sigaction, SIGUSR1, 0, (long)k, 8, 0, 0) == 0)
		restorer = k[2];
}

/* the signals it may send itself: handled or ignored by default */
static int safe_signal(void)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2, SIGALRM, SIGCHLD, SIGWINCH, SIGURG, 0 };

	return sigs[below(sizeof(sigs) / sizeof(sigs[0]))];
}

/* ---- the operations ---- */

typedef void (*op_fn)(long *ret, const char **what);

/* a buffer the kernel writes: a good one, or a generated address if harmless */
static long out_buf(uint64_t len, int *skip)
{
	uint64_t a;

	if (chance(2))
		return (long)big_buf;
	a = gen_addr();
	if (a < TASK_SIZE && hits_self(a, len ? len : 1))
		*skip = 1;
	return (long)a;
}

/* an input buffer or string: anything at all */
static long in_buf(void)
{
	static const char *const paths[] = {
		"/proc/self/maps", "/dev/zero", "/dev/null",
		"/proc/self/status", "/proc/meminfo", "/nonexistent/x", "", ".", "/",
	};

	if (chance(3))
		return (long)gen_addr();
	if (chance(8))
		return (long)long_name;
	if (chance(2))
		return (long)own_names[below(3)];
	return (long)paths[below(sizeof(paths) / sizeof(paths[0]))];
}

struct call {
	long nr;
	long a[6];
	int skip;
	int track;	/* 1: an mmap-like result to remember; 2: an fd */
	uint64_t track_len;
};

/*
 * A path a call may create or remove: its own names, or an address that
 * cannot be read (EFAULT).  Random memory as a path could name anything
 * when the fuzzer runs natively.
 */
static int harmless_path(long p)
{
	if (p == 0 || (uint64_t)p >= TASK_SIZE)
		return 1;
	for (int i = 0; i < 3; i++)
		if (p == (long)own_names[i])
			return 1;
	return 0;
}

static void gen_mmap(struct call *c)
{
	static const long flags[] = {
		MAP_PRIVATE | MAP_ANONYMOUS, MAP_SHARED | MAP_ANONYMOUS, MAP_PRIVATE,
		MAP_SHARED, MAP_SHARED_VALIDATE,
	};
	static const long extra[] = {
		0, 0, 0, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_POPULATE, MAP_NORESERVE,
		MAP_GROWSDOWN, MAP_LOCKED, MAP_STACK, MAP_HUGETLB, MAP_32BIT, MAP_SYNC,
		0x4000000 /* MAP_UNINITIALIZED */, MAP_DENYWRITE, MAP_EXECUTABLE,
	};
	long f = flags[below(5)] | extra[below(16)];

	if (chance(4))
		f |= extra[below(16)];
	if (chance(15))
		f = (long)gen_bits(f);
	c->a[0] = chance(3) ? 0 : (long)gen_addr();
	c->a[1] = (long)(chance(3) ? PAGE * (1 + below(32)) : gen_len(c->a[0]));
	c->a[2] = (long)gen_bits(7);
	if (chance(2))
		c->a[2] = PROT_READ | PROT_WRITE;
	c->a[3] = f;
	c->a[4] = gen_fd();
	c->a[5] = (long)(chance(2) ? 0 : chance(2) ? PAGE * below(16) : next());
	if ((f & (MAP_FIXED | 0x3)) && (f & MAP_FIXED) && hits_self(c->a[0], c->a[1]))
		c->skip = 1;
	c->track = 1;
	c->track_len = c->a[1];
}

static const long advices[] = {
	MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED, MADV_FREE,
	MADV_REMOVE, MADV_DONTFORK, MADV_DOFORK, MADV_MERGEABLE, MADV_UNMERGEABLE,
	MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP, MADV_WIPEONFORK,
	MADV_KEEPONFORK, MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ, MADV_POPULATE_WRITE,
	24 /* MADV_DONTNEED_LOCKED */, 25 /* MADV_COLLAPSE */, MADV_HWPOISON, 12, 100, -1,
};

static void gen_memory_call(struct call *c, int which)
{
	uint64_t a = gen_addr(), len = gen_len(a);

	c->a[0] = (long)a;
	c->a[1] = (long)len;
	switch (which) {
	case 0:
		gen_mmap(c);
		break;
	case 1:
		c->nr = SYS_munmap;
		c->skip = hits_self(a, len);
		break;
	case 2:
		c->nr = SYS_mprotect;
		c->a[2] = (long)gen_bits(7 | PROT_GROWSDOWN);
		c->skip = hits_self(a, len);
		break;
	case 3: {
		static const long mf[] = { 0, MREMAP_MAYMOVE, MREMAP_MAYMOVE | MREMAP_FIXED,
					   MREMAP_MAYMOVE | MREMAP_DONTUNMAP, MREMAP_FIXED, 8 };
		c->nr = SYS_mremap;
		c->a[2] = (long)(chance(2) ? gen_len(a) : len + PAGE * below(8));
		c->a[3] = chance(10) ? (long)gen_bits(3) : mf[below(6)];
		c->a[4] = (long)gen_addr();
		c->skip = hits_self(a, len) ||
			  ((c->a[3] & MREMAP_FIXED) && hits_self(c->a[4], c->a[2]));
		c->track = 1;
		c->track_len = c->a[2];
		break;
	}
	case 4:
		c->nr = SYS_madvise;
		c->a[2] = chance(10) ? (long)next() : advices[below(sizeof(advices) / sizeof(long))];
		/* advice that discards or poisons is destructive to its own memory */
		c->skip = hits_self(a, len) && c->a[2] != MADV_NORMAL && c->a[2] != MADV_WILLNEED &&
			  c->a[2] != MADV_HUGEPAGE && c->a[2] != MADV_POPULATE_READ;
		break;
	case 5:
		c->nr = SYS_mincore;
		c->a[2] = out_buf(len / PAGE + 1 > (1UL << 40) ? 1UL << 40 : len / PAGE + 1, &c->skip);
		break;
	case 6:
		c->nr = SYS_msync;
		c->a[2] = (long)gen_bits(MS_ASYNC | MS_SYNC | MS_INVALIDATE);
		break;
	case 7:
		c->nr = chance(2) ? SYS_mlock : SYS_munlock;
		break;
	case 8:
		c->nr = SYS_mlock2;
		c->a[2] = (long)gen_bits(1);
		break;
	case 9:
		c->nr = chance(2) ? SYS_mlockall : SYS_munlockall;
		c->a[0] = (long)gen_bits(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT);
		if (chance(2))
			c->a[0] &= ~MCL_CURRENT;	/* populating everything: rarely */
		break;
	case 10:
		c->nr = SYS_brk;
		c->a[0] = chance(2) ? (long)(cur_brk() + (long)(below(64) - 16) * (long)PAGE) : (long)a;
		c->skip = c->a[0] && hits_self(cur_brk(), 1);	/* never with its own heap */
		break;
	case 11:
		c->nr = SYS_pkey_mprotect;
		c->a[2] = (long)gen_bits(7);
		c->a[3] = (long)below(18) - 1;
		c->skip = hits_self(a, len);
		break;
	case 12:
		c->nr = chance(2) ? SYS_pkey_alloc : SYS_pkey_free;
		c->a[0] = chance(2) ? 0 : (long)(c->nr == SYS_pkey_free ? below(18) : gen_bits(0));
		c->a[1] = (long)gen_bits(3);
		break;
	}
}

static void gen_file_call(struct call *c, int which)
{
	uint64_t len = gen_len(0);

	switch (which) {
	case 0:
		c->nr = chance(2) ? SYS_open : SYS_openat;
		if (c->nr == SYS_open) {
			c->a[0] = in_buf();
			c->a[1] = (long)gen_bits(O_RDWR | O_CREAT);
			c->a[2] = 0600;
		} else {
			c->a[0] = chance(2) ? AT_FDCWD : gen_fd();
			c->a[1] = in_buf();
			c->a[2] = (long)gen_bits(O_RDWR | O_CREAT);
			c->a[3] = 0600;
		}
		/* creating is for its own names only */
		if (!harmless_path(c->a[c->nr == SYS_open ? 0 : 1]))
			c->a[c->nr == SYS_open ? 1 : 2] &= ~(long)(O_CREAT | O_TMPFILE | O_TRUNC);
		c->track = 2;
		break;
	case 1:
		c->nr = SYS_memfd_create;
		c->a[0] = chance(4) ? in_buf() : (long)"fuzz";
		c->a[1] = (long)gen_bits(MFD_CLOEXEC | MFD_ALLOW_SEALING);
		c->track = 2;
		break;
	case 2:
		c->nr = (long[]){ SYS_read, SYS_pread64, SYS_write, SYS_pwrite64 }[below(4)];
		c->a[0] = gen_fd();
		if (c->a[0] >= 0 && c->a[0] <= 2)
			c->a[0] = -1;
		if (c->nr == SYS_read || c->nr == SYS_pread64) {
			c->a[2] = (long)(chance(2) ? below(sizeof(big_buf)) : len);
			c->a[1] = out_buf(c->a[2], &c->skip);
			if (c->a[1] == (long)big_buf && (uint64_t)c->a[2] > sizeof(big_buf))
				c->a[2] = sizeof(big_buf);
		} else {
			c->a[1] = in_buf();
			c->a[2] = (long)len;
		}
		c->a[3] = (long)(chance(2) ? PAGE * below(8) : next());
		break;
	case 3: {
		static struct iovec iov[4];

		c->nr = chance(2) ? SYS_readv : SYS_writev;
		c->a[0] = gen_fd();
		for (int i = 0; i < 4; i++) {
			iov[i].iov_base = (void *)(chance(2) ? (long)big_buf : (long)gen_addr());
			iov[i].iov_len = chance(2) ? below(PAGE) : gen_len(0);
			if (c->nr == SYS_readv && iov[i].iov_base != big_buf &&
			    hits_self((uint64_t)iov[i].iov_base, iov[i].iov_len))
				c->skip = 1;
			if (iov[i].iov_base == big_buf && iov[i].iov_len > PAGE)
				iov[i].iov_len = PAGE;
		}
		if (c->a[0] >= 0 && c->a[0] <= 2)
			c->a[0] = -1;
		c->a[1] = chance(6) ? (long)gen_addr() : (long)iov;
		c->a[2] = (long)(chance(6) ? next() : below(5));
		break;
	}
	case 4:
		c->nr = (long[]){ SYS_close, SYS_fsync, SYS_fdatasync, SYS_dup }[below(4)];
		c->a[0] = gen_fd();
		if (c->nr == SYS_close && c->a[0] >= 0 && c->a[0] <= 2)
			c->a[0] = -1;
		c->track = c->nr == SYS_dup ? 2 : 0;
		break;
	case 5:
		c->nr = chance(2) ? SYS_dup2 : SYS_dup3;
		c->a[0] = gen_fd();
		c->a[1] = 10 + (long)below(30);
		c->a[2] = (long)gen_bits(O_CLOEXEC);
		c->track = 2;
		break;
	case 6:
		c->nr = SYS_ftruncate;
		c->a[0] = gen_fd();
		c->a[1] = (long)(chance(2) ? PAGE * below(64) + below(3) : gen_len(0));
		break;
	case 7:
		c->nr = SYS_lseek;
		c->a[0] = gen_fd();
		c->a[1] = (long)(chance(2) ? PAGE * below(8) : next());
		c->a[2] = (long)below(6);
		break;
	case 8:
		c->nr = (long[]){ SYS_fstat, SYS_stat, SYS_lstat, SYS_newfstatat }[below(4)];
		if (c->nr == SYS_fstat) {
			c->a[0] = gen_fd();
			c->a[1] = out_buf(256, &c->skip);
		} else if (c->nr == SYS_newfstatat) {
			c->a[0] = chance(2) ? AT_FDCWD : gen_fd();
			c->a[1] = in_buf();
			c->a[2] = out_buf(256, &c->skip);
			c->a[3] = (long)gen_bits(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
		} else {
			c->a[0] = in_buf();
			c->a[1] = out_buf(256, &c->skip);
		}
		break;
	case 9:
		c->nr = (long[]){ SYS_access, SYS_unlink, SYS_mkdir, SYS_rmdir, SYS_unlinkat }[below(5)];
		/* only its own names in the current directory, or bad pointers */
		c->a[0] = chance(3) ? (long)gen_addr() : (long)own_names[below(3)];
		c->a[1] = (long)gen_bits(0700);
		if (c->nr == SYS_unlinkat) {
			c->a[0] = chance(2) ? AT_FDCWD : gen_fd();
			c->a[1] = chance(3) ? (long)gen_addr() : (long)own_names[2];
			c->a[2] = (long)gen_bits(AT_REMOVEDIR);
		}
		if (c->nr != SYS_access && !harmless_path(c->a[c->nr == SYS_unlinkat]))
			c->skip = 1;
		break;
	case 10:
		c->nr = chance(2) ? SYS_getcwd : SYS_readlink;
		if (c->nr == SYS_getcwd) {
			c->a[1] = (long)(chance(2) ? below(300) : len);
			c->a[0] = out_buf(c->a[1], &c->skip);
		} else {
			c->a[0] = chance(2) ? (long)"/proc/self/exe" : in_buf();
			c->a[2] = (long)(chance(2) ? below(300) : len);
			c->a[1] = out_buf(c->a[2], &c->skip);
		}
		if (c->a[0] == (long)big_buf || c->a[1] == (long)big_buf)
			c->a[c->nr == SYS_getcwd ? 1 : 2] &= PAGE - 1;
		break;
	case 11:
		c->nr = chance(2) ? SYS_ioctl : SYS_fcntl;
		c->a[0] = gen_fd();
		c->a[1] = c->nr == SYS_ioctl ? (long)(chance(2) ? 0x5401 + below(0x30) : next())
					     : (long)(chance(2) ? below(12) : next());
		c->a[2] = chance(2) ? (long)gen_bits(0) : (long)big_buf;
		/* a pipe that blocks would wait for ever: F_SETFL keeps O_NONBLOCK */
		if (c->nr == SYS_fcntl && c->a[1] == F_SETFL)
			c->a[2] = (long)gen_bits(0) | O_NONBLOCK;
		if (c->nr == SYS_ioctl && c->a[1] == FIONBIO)
			c->a[2] = (long)big_buf, big_buf[0] = 1;
		if (c->nr == SYS_fcntl && (c->a[1] == F_DUPFD || c->a[1] == F_DUPFD_CLOEXEC)) {
			c->a[2] = 10 + (long)below(30);
			c->track = 2;
		}
		break;
	}
}

static void gen_misc_call(struct call *c, int which)
{
	static struct timespec ts;
	static uint64_t rl[2], set;
	static uint64_t act[4];

	switch (which) {
	case 0:
		c->nr = (long[]){ SYS_getpid, SYS_getppid, SYS_gettid, SYS_getuid, SYS_geteuid,
				  SYS_getgid, SYS_getegid, SYS_sched_yield }[below(8)];
		break;
	case 1:
		c->nr = chance(2) ? SYS_getresuid : SYS_getresgid;
		for (int i = 0; i < 3; i++)
			c->a[i] = out_buf(4, &c->skip);
		break;
	case 2:
		c->nr = (long[]){ SYS_uname, SYS_time, SYS_gettimeofday }[below(3)];
		c->a[0] = chance(3) ? 0 : out_buf(400, &c->skip);
		c->a[1] = chance(3) ? 0 : out_buf(8, &c->skip);
		break;
	case 3:
		c->nr = chance(2) ? SYS_clock_gettime : SYS_clock_getres;
		c->a[0] = chance(4) ? (long)next() : (long)below(12);
		c->a[1] = chance(4) ? 0 : out_buf(16, &c->skip);
		break;
	case 4:
		c->nr = chance(2) ? SYS_nanosleep : SYS_clock_nanosleep;
		ts.tv_sec = chance(8) ? -1 : 0;
		ts.tv_nsec = chance(8) ? 1000000000L + (long)below(3) : (long)below(100000);
		if (c->nr == SYS_nanosleep) {
			c->a[0] = chance(6) ? (long)gen_addr() : (long)&ts;
			c->a[1] = chance(2) ? 0 : out_buf(16, &c->skip);
		} else {
			/*
			 * TIMER_ABSTIME with these times is in the past: no sleep.
			 * Not CLOCK_PROCESS_CPUTIME_ID: a sleeping single-threaded
			 * process's CPU clock stands still, so it never wakes (Linux
			 * too); the monitor sleeps on its own host CPU clock.
			 */
			c->a[0] = (long)below(12);
			if (c->a[0] == CLOCK_PROCESS_CPUTIME_ID)
				c->a[0] = CLOCK_MONOTONIC;
			c->a[1] = (long)gen_bits(TIMER_ABSTIME);
			c->a[2] = chance(6) ? (long)gen_addr() : (long)&ts;
			c->a[3] = chance(2) ? 0 : out_buf(16, &c->skip);
		}
		/* a time read from random memory could be years: only ones that fault */
		if (c->nr == SYS_nanosleep && (uint64_t)c->a[0] < TASK_SIZE && c->a[0] != (long)&ts)
			c->a[0] = (long)(TASK_SIZE + (uint64_t)c->a[0]);
		if (c->nr == SYS_clock_nanosleep && (uint64_t)c->a[2] < TASK_SIZE &&
		    c->a[2] != (long)&ts)
			c->a[2] = (long)(TASK_SIZE + (uint64_t)c->a[2]);
		break;
	case 5:
		c->nr = SYS_getrandom;
		c->a[1] = (long)(chance(2) ? below(sizeof(big_buf)) : gen_len(0));
		c->a[0] = out_buf(c->a[1], &c->skip);
		if (c->a[0] == (long)big_buf && (uint64_t)c->a[1] > sizeof(big_buf))
			c->a[1] = sizeof(big_buf);
		c->a[2] = (long)gen_bits(GRND_NONBLOCK_ | GRND_INSECURE_);
		break;
	case 6:
		c->nr = (long[]){ SYS_getrlimit, SYS_setrlimit, SYS_prlimit64 }[below(3)];
		/* a soft limit below the hard one: a later call can raise it again */
		rsys(SYS_prlimit64, 0, (long)below(16), 0, (long)rl, 0, 0);
		rl[0] = (uint64_t[]){ 0, PAGE * below(1 << 16), rl[1], rl[1], next() }[below(5)];
		if (c->nr == SYS_getrlimit) {
			c->a[0] = chance(6) ? (long)next() : (long)below(17);
			c->a[1] = out_buf(16, &c->skip);
		} else if (c->nr == SYS_setrlimit) {
			c->a[0] = (long)below(17);
			c->a[1] = chance(6) ? (long)gen_addr() : (long)rl;
		} else {
			c->a[0] = chance(8) ? (long)below(100000) : 0;
			c->a[1] = (long)below(17);
			c->a[2] = chance(2) ? 0 : chance(6) ? (long)gen_addr() : (long)rl;
			c->a[3] = chance(2) ? 0 : out_buf(16, &c->skip);
		}
		/* RLIMIT_NOFILE, NPROC, CPU, FSIZE low would end the run, not test it */
		if ((c->nr == SYS_setrlimit && c->a[0] != RLIMIT_AS && c->a[0] != RLIMIT_DATA &&
		     c->a[0] != RLIMIT_STACK && c->a[0] != RLIMIT_MEMLOCK) ||
		    (c->nr == SYS_prlimit64 && c->a[2] && c->a[1] != RLIMIT_AS &&
		     c->a[1] != RLIMIT_DATA && c->a[1] != RLIMIT_STACK && c->a[1] != RLIMIT_MEMLOCK))
			c->skip = 1;
		break;
	case 7:
		c->nr = SYS_arch_prctl;
		c->a[0] = (long)(chance(4) ? next() : 0x1001 + below(4));
		c->a[1] = c->a[0] == 0x1003 || c->a[0] == 0x1004 ? out_buf(8, &c->skip)
								 : (long)gen_addr();
		/* a new FS base breaks its TLS: only values the call must refuse */
		if (c->a[0] == 0x1002 && (uint64_t)c->a[1] < TASK_SIZE)
			c->skip = 1;
		break;
	case 8:
		c->nr = (long[]){ SYS_kill, SYS_tkill, SYS_tgkill }[below(3)];
		c->a[0] = chance(8) ? 0x7ffffff0 : (long)rsys(SYS_getpid, 0, 0, 0, 0, 0, 0);
		c->a[1] = chance(10) ? (long)below(70) : safe_signal();
		if (c->nr == SYS_tgkill) {
			c->a[2] = c->a[1];
			c->a[1] = c->a[0];
		}
		if (c->a[c->nr == SYS_tgkill ? 2 : 1] != 0 &&
		    c->a[c->nr == SYS_tgkill ? 2 : 1] < 65) {
			/* signals whose default would kill it: only its handled ones */
			long s = c->a[c->nr == SYS_tgkill ? 2 : 1];

			if (s != SIGUSR1 && s != SIGUSR2 && s != SIGALRM && s != SIGCHLD &&
			    s != SIGWINCH && s != SIGURG && s != SIGCONT)
				c->skip = 1;
		}
		break;
	case 9:
		c->nr = SYS_rt_sigaction;
		c->a[0] = chance(10) ? (long)below(70) : (long[]){ SIGUSR1, SIGUSR2, SIGWINCH, SIGURG }[below(4)];
		act[0] = (uint64_t)(chance(2) ? (long)on_signal : (long)SIG_IGN);
		act[1] = (gen_bits(SA_RESTART | SA_NODEFER | SA_RESETHAND | SA_SIGINFO) |
			  0x04000000 /* SA_RESTORER */) & ~(uint64_t)SA_ONSTACK;
		act[2] = restorer;
		act[3] = gen_bits(0) & ~((1UL << (SIGSEGV - 1)) | (1UL << (SIGBUS - 1)));
		c->a[1] = chance(3) ? 0 : chance(6) ? (long)gen_addr() : (long)act;
		c->a[2] = chance(2) ? 0 : out_buf(32, &c->skip);
		c->a[3] = chance(8) ? (long)below(20) : 8;
		/* SIGSEGV and SIGBUS keep its handler; the rest stay survivable */
		if (c->a[1] && (c->a[0] == SIGSEGV || c->a[0] == SIGBUS ||
				(c->a[1] == (long)act && (act[1] & SA_RESETHAND) &&
				 c->a[0] != SIGWINCH && c->a[0] != SIGURG)))
			c->skip = 1;
		if (c->a[1] && c->a[1] != (long)act)
			c->skip = 1;	/* garbage handlers only where never raised */
		break;
	case 10:
		c->nr = SYS_rt_sigprocmask;
		set = gen_bits(0) & ~((1UL << (SIGSEGV - 1)) | (1UL << (SIGBUS - 1)));
		c->a[0] = chance(8) ? (long)below(5) : (long)below(3);
		c->a[1] = chance(3) ? 0 : chance(8) ? (long)gen_addr() : (long)&set;
		c->a[2] = chance(2) ? 0 : out_buf(8, &c->skip);
		c->a[3] = chance(8) ? (long)below(20) : 8;
		if (c->a[1] && c->a[1] != (long)&set)
			c->skip = 1;	/* could block SIGSEGV */
		break;
	case 11:
		c->nr = (long[]){ SYS_rt_sigpending, SYS_rt_sigtimedwait, SYS_sigaltstack }[below(3)];
		ts.tv_sec = 0;
		ts.tv_nsec = (long)below(1000);
		set = gen_bits(1UL << (SIGUSR1 - 1));
		if (c->nr == SYS_rt_sigpending) {
			c->a[0] = out_buf(8, &c->skip);
			c->a[1] = chance(6) ? (long)below(20) : 8;
		} else if (c->nr == SYS_rt_sigtimedwait) {
			c->a[0] = chance(6) ? (long)gen_addr() : (long)&set;
			c->a[1] = chance(2) ? 0 : out_buf(128, &c->skip);
			c->a[2] = (long)&ts;	/* never without a timeout */
			c->a[3] = chance(8) ? (long)below(20) : 8;
		} else {
			static uint64_t ss[3];

			ss[0] = gen_addr();
			ss[1] = gen_bits(SS_DISABLE);
			ss[2] = gen_len(0);
			c->a[0] = chance(3) ? 0 : chance(6) ? (long)gen_addr() : (long)ss;
			c->a[1] = chance(2) ? 0 : out_buf(24, &c->skip);
		}
		break;
	case 12:
		c->nr = (long[]){ SYS_wait4, SYS_waitid, SYS_set_tid_address }[below(3)];
		if (c->nr == SYS_wait4) {
			c->a[0] = (long)below(3) - 1;
			c->a[1] = chance(2) ? 0 : out_buf(4, &c->skip);
			c->a[2] = WNOHANG | ((long)gen_bits(0) & ~(long)__WALL);
			c->a[3] = chance(2) ? 0 : out_buf(144, &c->skip);
		} else if (c->nr == SYS_waitid) {
			c->a[0] = (long)below(4);
			c->a[1] = 0;
			c->a[2] = chance(2) ? 0 : out_buf(128, &c->skip);
			c->a[3] = WNOHANG | (chance(2) ? WEXITED : (long)gen_bits(0));
			c->a[4] = chance(2) ? 0 : out_buf(144, &c->skip);
		} else {
			c->a[0] = out_buf(4, &c->skip);
		}
		break;
	case 13:
		c->nr = SYS_execve;	/* never a program: it must fail */
		c->a[0] = chance(2) ? (long)gen_addr() : (long)(chance(2) ? "/nonexistent" : own_names[0]);
		c->a[1] = chance(2) ? 0 : (long)gen_addr();
		c->a[2] = chance(2) ? 0 : (long)gen_addr();
		if (c->a[0] < (long)TASK_SIZE && c->a[0] > 0 && hits_self(c->a[0], 1) &&
		    !harmless_path(c->a[0]))
			c->skip = 1;
		break;
	case 14: {
		/* not the monitor's: ENOSYS there; all harmless natively */
		static const long nrs[] = { SYS_sysinfo, SYS_times, SYS_getrusage, SYS_getpgid,
					    SYS_getsid, SYS_sched_getaffinity, SYS_personality,
					    SYS_umask, SYS_getpriority, SYS_rt_sigqueueinfo,
					    SYS_membarrier, SYS_capget, 0x3fff, 1000, -1 };

		c->nr = nrs[below(sizeof(nrs) / sizeof(nrs[0]))];
		if (c->nr == SYS_personality || c->nr == SYS_umask)
			c->a[0] = chance(2) ? 0xffffffff : 022;
		else if (c->nr == SYS_rt_sigqueueinfo)
			c->a[0] = 0x7ffffff0;
		else
			c->a[0] = (long)below(3);
		c->a[1] = out_buf(512, &c->skip);
		c->a[2] = c->nr == SYS_sched_getaffinity ? (long)big_buf : 0;
		if (c->nr == SYS_sched_getaffinity) {
			c->a[1] = 128;
			c->a[0] = 0;
		}
		break;
	}
	}
}

/* ---- the newer calls: pipes, poll, paths, /proc, job control, futex, prctl ---- */

/*
 * Reserved descriptors, above what open() hands out and what gen_fd() picks:
 * the scratch directory (fchdir back to it), a file of its own (fchmod,
 * fchown, futimens may change only that) and a pipe that never blocks.
 */
#define FD_SCRATCH	250
#define FD_OWN		251
#define FD_PIPE_R	252
#define FD_PIPE_W	253

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	1
#define RENAME_EXCHANGE		2
#define RENAME_WHITEOUT		4
#endif
#define AT_EACCESS_		0x200
#define FUTEX_WAIT_		0
#define FUTEX_WAKE_		1
#define FUTEX_REQUEUE_		3
#define FUTEX_CMP_REQUEUE_	4
#define FUTEX_WAKE_OP_		5
#define FUTEX_WAIT_BITSET_	9
#define FUTEX_WAKE_BITSET_	10
#define FUTEX_PRIVATE_		128
#define FUTEX_CLOCK_RT_		256
#define SYS_mseal_		462
#ifndef SYS_clone3
#define SYS_clone3		435
#endif
#ifndef SYS_faccessat2
#define SYS_faccessat2		439
#endif

static uint32_t futex_words[4];
static long last_child;		/* a pid the /proc paths and kill may name */

/*
 * Names a call may create, change or remove: its own, in whichever
 * directory it is in.  No FIFO among them, and no symlink of its own points
 * outside them: an open or a chmod through one stays in the scratch tree.
 */
static const char *const w_names[] = {
	"fz.a", "fz.b", "fz.dir", "fz.dir/fz.a", "fz.l1", "fz.l2", "fz.c", "fz.dir/fz.l1",
};

static long w_path(void)
{
	if (chance(8))
		return (long)(TASK_SIZE + (gen_addr() & 0xffff));	/* EFAULT */
	if (chance(12))
		return (long)long_name;		/* ENAMETOOLONG */
	if (chance(16))
		return (long)"fz.nodir/x";
	return (long)w_names[below(sizeof(w_names) / sizeof(w_names[0]))];
}

/* a pid of its own, its parent, its child, init, or none */
static long some_pid(void)
{
	switch (below(6)) {
	case 0: return rsys(SYS_getppid, 0, 0, 0, 0, 0, 0);
	case 1: return last_child ? last_child : 0x7ffffff0;
	case 2: return 0x7ffffff0;
	case 3: return 1;
	default: return rsys(SYS_getpid, 0, 0, 0, 0, 0, 0);
	}
}

/* paths a call only reads: its own names, /proc, "..", loops, long names */
static long r_path(void)
{
	static const char *const procs[] = {
		"maps", "smaps", "smaps_rollup", "status", "stat", "statm", "pagemap",
		"cmdline", "environ", "exe", "cwd", "fd", "fd/0", "fd/3", "fd/251", "fd/999",
		"", "task", "mem", "comm",
	};
	static char buf[8][96];
	static int n;
	char *p = buf[n++ % 8];

	switch (below(10)) {
	case 0:
	case 1:
		snprintf(p, 96, "/proc/self/%s", procs[below(sizeof(procs) / sizeof(procs[0]))]);
		return (long)p;
	case 2:
		snprintf(p, 96, "/proc/%ld/%s", some_pid(), procs[below(sizeof(procs) / sizeof(procs[0]))]);
		return (long)p;
	case 3:
		return (long)(const char *[]){ "..", ".", "/", "/proc", "/proc/self/", "/proc/self/.",
					       "/proc/self/..", "fz.dir/..", "fz.l1/x", "fz.fifo",
					       "/dev/null", "" }[below(12)];
	default:
		return w_path();
	}
}

/* a timespec of less than 20 ms, or a pointer that faults */
static long short_ts(struct timespec *ts)
{
	ts->tv_sec = 0;
	ts->tv_nsec = chance(8) ? 1000000000L : (long)below(20000000);
	if (chance(10))
		return (long)(TASK_SIZE + (gen_addr() & 0xffff));
	return (long)ts;
}

/* an fd that may be changed by fchmod and its kin: its own file, or a bad one */
static long own_fd(void)
{
	return (long[]){ FD_OWN, FD_OWN, FD_PIPE_R, -1, 300, FD_SCRATCH }[below(6)];
}

/* not its stdio: a read of a terminal would wait for a key */
static long any_fd(void)
{
	long fd;

	switch (below(6)) {
	case 0: return FD_PIPE_R + (long)below(2);
	case 1: return FD_OWN;
	case 2: return AT_FDCWD;
	default:
		fd = gen_fd();
		return fd >= 0 && fd <= 2 ? FD_PIPE_R : fd;
	}
}

static void gen_path_call(struct call *c, int which)
{
	static uint64_t tv[4];

	tv[0] = chance(4) ? next() : below(2000000000);
	tv[1] = chance(4) ? (uint64_t)(long[]){ (1L << 30) - 1, (1L << 30) - 2, -1, 1000000 }[below(4)]
			  : below(1000000);
	tv[2] = below(2000000000);
	tv[3] = below(1000000);
	switch (which) {
	case 0:
		c->nr = (long[]){ SYS_rename, SYS_renameat, SYS_renameat2, SYS_link, SYS_linkat }[below(5)];
		if (c->nr == SYS_rename || c->nr == SYS_link) {
			c->a[0] = chance(10) ? (long)".." : w_path();
			c->a[1] = chance(10) ? (long)".." : w_path();
		} else {
			c->a[0] = chance(4) ? FD_SCRATCH : AT_FDCWD;
			c->a[1] = chance(10) ? (long)".." : w_path();
			c->a[2] = chance(4) ? FD_SCRATCH : AT_FDCWD;
			c->a[3] = chance(10) ? (long)".." : w_path();
			c->a[4] = c->nr == SYS_renameat2 ? (long)gen_bits(RENAME_NOREPLACE | RENAME_EXCHANGE)
				: c->nr == SYS_linkat ? (long)gen_bits(AT_SYMLINK_FOLLOW) & ~(long)AT_EMPTY_PATH : 0;
			if (c->nr == SYS_renameat2 && (c->a[4] & RENAME_WHITEOUT))
				c->a[4] &= ~(long)RENAME_WHITEOUT;	/* a char device 0:0 */
		}
		break;
	case 1:
		c->nr = chance(2) ? SYS_symlink : SYS_symlinkat;
		/* targets: its own names, a loop, nothing, too long */
		c->a[0] = (long)(const char *[]){ "fz.l1", "fz.l2", "fz.a", "fz.dir", "fz.none", "",
						  long_name, "fz.l1/fz.a" }[below(8)];
		if (chance(10))
			c->a[0] = (long)(TASK_SIZE + (gen_addr() & 0xffff));
		if (c->nr == SYS_symlink) {
			c->a[1] = w_path();
		} else {
			c->a[1] = chance(4) ? FD_SCRATCH : chance(8) ? gen_fd() : AT_FDCWD;
			c->a[2] = w_path();
		}
		break;
	case 2:
		c->nr = (long[]){ SYS_chmod, SYS_fchmod, SYS_fchmodat, SYS_chown, SYS_fchown,
				  SYS_lchown, SYS_fchownat }[below(7)];
		switch (c->nr) {
		case SYS_chmod:
			c->a[0] = w_path();
			c->a[1] = (long)gen_bits(0777);
			break;
		case SYS_fchmod:
			c->a[0] = own_fd();
			c->a[1] = (long)gen_bits(0777);
			break;
		case SYS_fchmodat:
			c->a[0] = chance(4) ? own_fd() : AT_FDCWD;
			c->a[1] = w_path();
			c->a[2] = (long)gen_bits(0777);
			c->a[3] = (long)gen_bits(0) & AT_SYMLINK_NOFOLLOW;
			break;
		case SYS_fchownat:
			c->a[0] = chance(4) ? own_fd() : AT_FDCWD;
			c->a[1] = chance(4) ? (long)"" : w_path();
			c->a[2] = chance(2) ? -1 : (long)rsys(SYS_getuid, 0, 0, 0, 0, 0, 0);
			c->a[3] = chance(2) ? -1 : (long)below(3);
			c->a[4] = (long)gen_bits(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
			/* AT_EMPTY_PATH names the fd: only its own */
			if (c->a[0] == FD_SCRATCH && (c->a[4] & AT_EMPTY_PATH))
				c->a[0] = FD_OWN;
			break;
		default:
			c->a[0] = c->nr == SYS_fchown ? own_fd() : w_path();
			c->a[1] = chance(2) ? -1 : chance(2) ? (long)rsys(SYS_getuid, 0, 0, 0, 0, 0, 0)
						    : (long)below(70000);
			c->a[2] = chance(2) ? -1 : (long)below(3);
		}
		if (c->nr == SYS_fchmod || c->nr == SYS_fchown)
			if (c->a[0] == FD_SCRATCH)
				c->a[0] = FD_OWN;
		break;
	case 3:
		c->nr = (long[]){ SYS_utimensat, SYS_utimes, SYS_futimesat, SYS_utime }[below(4)];
		c->a[1] = w_path();
		if (c->nr == SYS_utimensat) {
			c->a[0] = chance(4) ? own_fd() : AT_FDCWD;
			if (chance(4))
				c->a[1] = 0;	/* the fd itself */
			if (c->a[0] == FD_SCRATCH)
				c->a[0] = FD_OWN;
			c->a[2] = chance(4) ? 0 : chance(8) ? (long)gen_addr() : (long)tv;
			c->a[3] = (long)gen_bits(AT_SYMLINK_NOFOLLOW);
			if (chance(3))
				tv[1] = (1L << 30) - 1 - below(2);	/* UTIME_NOW, UTIME_OMIT */
		} else if (c->nr == SYS_futimesat) {
			c->a[0] = chance(4) ? FD_SCRATCH : AT_FDCWD;
			c->a[2] = chance(4) ? 0 : chance(8) ? (long)gen_addr() : (long)tv;
		} else {
			c->a[0] = c->a[1];
			c->a[1] = chance(4) ? 0 : chance(8) ? (long)gen_addr() : (long)tv;
		}
		break;
	case 4:
		c->nr = (long[]){ SYS_truncate, SYS_creat, SYS_mkdirat, SYS_mknod, SYS_mknodat }[below(5)];
		if (c->nr == SYS_truncate) {
			c->a[0] = w_path();
			c->a[1] = chance(2) ? (long)(PAGE * below(8) + below(3)) : (long)gen_len(0);
			if ((uint64_t)c->a[1] > (1UL << 34) && (uint64_t)c->a[1] < (1UL << 63))
				c->a[1] = 1L << 34;	/* sparse, but a limit of the host's fs */
		} else if (c->nr == SYS_creat) {
			c->a[0] = w_path();
			c->a[1] = (long)gen_bits(0600);
			c->track = 2;
		} else if (c->nr == SYS_mkdirat) {
			c->a[0] = chance(4) ? FD_SCRATCH : chance(8) ? gen_fd() : AT_FDCWD;
			c->a[1] = w_path();
			c->a[2] = (long)gen_bits(0700);
		} else {
			/* no device but /dev/null's 1:3 and 0:0; a FIFO only as fz.fifo */
			long type = (long[]){ S_IFREG, S_IFIFO, S_IFSOCK, S_IFCHR, S_IFBLK, S_IFDIR,
					      0, 0170000, 0070000 }[below(9)];
			long path = type == S_IFIFO ? (long)"fz.fifo" : w_path();

			if (c->nr == SYS_mknod) {
				c->a[0] = path;
				c->a[1] = type | (long)gen_bits(0644);
				c->a[2] = chance(2) ? 0 : 0x103;
			} else {
				c->a[0] = chance(4) ? FD_SCRATCH : AT_FDCWD;
				c->a[1] = path;
				c->a[2] = type | (long)gen_bits(0644);
				c->a[3] = chance(2) ? 0 : 0x103;
			}
			if ((c->a[c->nr == SYS_mknodat ? 2 : 1] & S_IFMT) == S_IFIFO && path != (long)"fz.fifo")
				c->a[c->nr == SYS_mknodat ? 2 : 1] &= ~(long)S_IFMT;
		}
		break;
	case 5:
		/* cwd: the scratch dir, fz.dir below it, /proc; never ".." or "/" (natively writable) */
		c->nr = (long[]){ SYS_chdir, SYS_fchdir, SYS_fchdir, SYS_umask }[below(4)];
		if (c->nr == SYS_chdir)
			c->a[0] = (long)(const char *[]){ "fz.dir", ".", "fz.a", "fz.l1", "/proc/self",
							  "fz.none", "" }[below(7)];
		else if (c->nr == SYS_fchdir)
			c->a[0] = (long[]){ FD_SCRATCH, FD_SCRATCH, FD_OWN, FD_PIPE_R, -1, 300 }[below(6)];
		else
			c->a[0] = (long)gen_bits(022);
		if (c->nr == SYS_chdir && chance(8))
			c->a[0] = (long)(TASK_SIZE + (gen_addr() & 0xffff));
		break;
	}
}

static void gen_fs_query(struct call *c, int which)
{
	uint64_t len = chance(2) ? below(sizeof(big_buf)) : gen_len(0);

	switch (which) {
	case 0:
		c->nr = chance(3) ? SYS_open : SYS_openat;
		/* /proc and its own names, read-only or refused; a FIFO never blocks */
		if (c->nr == SYS_open) {
			c->a[0] = r_path();
			c->a[1] = (long)gen_bits(O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_PATH) & ~(long)(O_CREAT | O_TRUNC | O_TMPFILE);
			c->a[1] |= O_NONBLOCK;
		} else {
			c->a[0] = chance(2) ? AT_FDCWD : any_fd();
			c->a[1] = r_path();
			c->a[2] = ((long)gen_bits(O_RDONLY | O_DIRECTORY) & ~(long)(O_CREAT | O_TRUNC | O_TMPFILE)) |
				  O_NONBLOCK;
		}
		/* writing a /proc file or a device is not for the native run */
		for (int i = 1; i <= 2; i++)
			if ((c->nr == SYS_open) == (i == 1))
				c->a[i] &= ~(long)O_ACCMODE;
		c->track = 2;
		break;
	case 1:
		c->nr = chance(2) ? SYS_getdents64 : SYS_getdents;
		c->a[0] = any_fd();
		c->a[2] = (long)len;
		c->a[1] = out_buf(len, &c->skip);
		if (c->a[1] == (long)big_buf && len > sizeof(big_buf))
			c->a[2] = sizeof(big_buf);
		break;
	case 2:
		c->nr = (long[]){ SYS_statx, SYS_statfs, SYS_fstatfs, SYS_faccessat, SYS_faccessat2 }[below(5)];
		if (c->nr == SYS_statx) {
			c->a[0] = chance(2) ? AT_FDCWD : any_fd();
			c->a[1] = chance(6) ? (long)"" : r_path();
			c->a[2] = (long)gen_bits(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x6000);
			c->a[3] = (long)gen_bits(0xfff);
			c->a[4] = out_buf(256, &c->skip);
		} else if (c->nr == SYS_statfs) {
			c->a[0] = r_path();
			c->a[1] = out_buf(120, &c->skip);
		} else if (c->nr == SYS_fstatfs) {
			c->a[0] = any_fd();
			c->a[1] = out_buf(120, &c->skip);
		} else {
			c->a[0] = chance(2) ? AT_FDCWD : any_fd();
			c->a[1] = r_path();
			c->a[2] = (long)gen_bits(7);
			c->a[3] = (long)gen_bits(AT_EACCESS_ | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
		}
		break;
	case 3:
		c->nr = chance(2) ? SYS_readlinkat : SYS_readlink;
		if (c->nr == SYS_readlinkat) {
			c->a[0] = chance(2) ? AT_FDCWD : any_fd();
			c->a[1] = chance(4) ? (long)"" : r_path();
			c->a[3] = (long)(chance(2) ? below(300) : len);
			c->a[2] = out_buf(c->a[3], &c->skip);
			if (c->a[2] == (long)big_buf && (uint64_t)c->a[3] > sizeof(big_buf))
				c->a[3] = sizeof(big_buf);
		} else {
			c->a[0] = r_path();
			c->a[2] = (long)(chance(2) ? below(300) : len);
			c->a[1] = out_buf(c->a[2], &c->skip);
			if (c->a[1] == (long)big_buf && (uint64_t)c->a[2] > sizeof(big_buf))
				c->a[2] = sizeof(big_buf);
		}
		break;
	case 4: {
		static int64_t off[2];
		struct stat st;
		long in;

		c->nr = (long[]){ SYS_sendfile, SYS_copy_file_range, SYS_fadvise64, SYS_pread64 }[below(4)];
		off[0] = chance(2) ? (int64_t)(PAGE * below(8)) : (int64_t)next();
		off[1] = (int64_t)below(3 * PAGE);
		len = chance(4) ? gen_len(0) : below(64 * 1024);
		in = any_fd();
		/* /dev/zero gives without end: the length is bounded then */
		if (rsys(SYS_fstat, in, (long)&st, 0, 0, 0, 0) == 0 && !S_ISREG(st.st_mode) &&
		    len > (1UL << 20) && !S_ISFIFO(st.st_mode))
			len = 1UL << 20;
		if (c->nr == SYS_sendfile) {
			c->a[0] = any_fd();
			c->a[1] = in;
			c->a[2] = chance(2) ? 0 : chance(8) ? (long)gen_addr() : (long)&off[0];
			c->a[3] = (long)len;
		} else if (c->nr == SYS_copy_file_range) {
			c->a[0] = in;
			c->a[1] = chance(2) ? 0 : chance(8) ? (long)gen_addr() : (long)&off[0];
			c->a[2] = any_fd();
			c->a[3] = chance(2) ? 0 : (long)&off[1];
			c->a[4] = (long)len;
			c->a[5] = chance(8) ? (long)gen_bits(0) : 0;
		} else if (c->nr == SYS_fadvise64) {
			c->a[0] = in;
			c->a[1] = off[0];
			c->a[2] = (long)len;
			c->a[3] = chance(8) ? (long)next() : (long)below(7);
		} else {
			/* /proc/self/pagemap and the like at odd offsets */
			c->a[0] = in;
			c->a[2] = (long)(len > sizeof(big_buf) ? sizeof(big_buf) : len);
			c->a[1] = (long)big_buf;
			c->a[3] = chance(2) ? (long)(8 * (gen_addr() >> 12)) : off[0];
		}
		/* writes into its own image through an fd: not through a bad pointer */
		if ((c->nr == SYS_sendfile || c->nr == SYS_copy_file_range) && c->a[1] &&
		    c->a[c->nr == SYS_sendfile ? 2 : 1] != (long)&off[0] &&
		    (uint64_t)c->a[c->nr == SYS_sendfile ? 2 : 1] < TASK_SIZE &&
		    hits_self(c->a[c->nr == SYS_sendfile ? 2 : 1], 8))
			c->skip = 1;
		break;
	}
	}
}

static void gen_wait_call(struct call *c, int which)
{
	static struct timespec ts;
	static struct pollfd_ { int fd; short events, revents; } pfd[6];
	static uint64_t fdset[3][32], sigm, sig6[2];
	static struct timeval tv;

	switch (which) {
	case 0:
		c->nr = chance(2) ? SYS_pipe : SYS_pipe2;
		c->a[0] = chance(8) ? (long)gen_addr() : (long)big_buf;
		if (c->a[0] != (long)big_buf && (uint64_t)c->a[0] < TASK_SIZE && hits_self(c->a[0], 8))
			c->skip = 1;
		/* O_NONBLOCK always: a read of an empty pipe must not wait forever */
		c->a[1] = ((long)gen_bits(O_CLOEXEC | O_DIRECT) | O_NONBLOCK);
		c->track = 3;
		break;
	case 1:
		c->nr = chance(2) ? SYS_poll : SYS_ppoll;
		for (int i = 0; i < 6; i++) {
			pfd[i].fd = i == 0 ? FD_PIPE_R : i == 1 ? FD_PIPE_W : (int)any_fd();
			pfd[i].events = (short)gen_bits(POLLIN | POLLOUT);
			pfd[i].revents = (short)next();
		}
		c->a[0] = chance(8) ? (long)gen_addr() : (long)pfd;
		c->a[1] = chance(8) ? (long)next() : (long)below(7);
		if (c->nr == SYS_poll) {
			c->a[2] = (long)below(20);	/* ms: never -1 */
		} else {
			c->a[2] = short_ts(&ts);
			sigm = gen_bits(0) & ~((1UL << (SIGSEGV - 1)) | (1UL << (SIGBUS - 1)));
			c->a[3] = chance(2) ? 0 : (long)&sigm;
			c->a[4] = chance(8) ? (long)below(20) : 8;
		}
		if (c->a[0] != (long)pfd && (uint64_t)c->a[0] < TASK_SIZE && hits_self(c->a[0], 48))
			c->skip = 1;
		break;
	case 2:
		c->nr = chance(2) ? SYS_select : SYS_pselect6;
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 32; j++)
				fdset[i][j] = j == 3 ? (3UL << (FD_PIPE_R - 192)) : gen_bits(0);
		c->a[0] = chance(4) ? (long)next() % 2000 : (long)(FD_PIPE_W + 1);
		for (int i = 0; i < 3; i++) {
			c->a[1 + i] = chance(3) ? 0 : chance(8) ? (long)gen_addr() : (long)fdset[i];
			if (c->a[1 + i] != (long)fdset[i] && (uint64_t)c->a[1 + i] < TASK_SIZE &&
			    hits_self(c->a[1 + i], 128))
				c->skip = 1;
		}
		if (c->nr == SYS_select) {
			tv.tv_sec = chance(10) ? -1 : 0;
			tv.tv_usec = chance(8) ? 1000000 : (long)below(20000);
			c->a[4] = chance(10) ? (long)(TASK_SIZE + (gen_addr() & 0xffff)) : (long)&tv;
		} else {
			c->a[4] = short_ts(&ts);
			sigm = gen_bits(0) & ~((1UL << (SIGSEGV - 1)) | (1UL << (SIGBUS - 1)));
			sig6[0] = chance(2) ? 0 : (uint64_t)&sigm;
			sig6[1] = chance(8) ? below(20) : 8;
			c->a[5] = chance(3) ? 0 : chance(8) ? (long)gen_addr() : (long)sig6;
		}
		break;
	case 3: {
		static const long ops[] = { FUTEX_WAIT_, FUTEX_WAKE_, FUTEX_WAIT_BITSET_, FUTEX_WAKE_BITSET_,
					    FUTEX_REQUEUE_, FUTEX_CMP_REQUEUE_, FUTEX_WAKE_OP_ };
		long op = ops[below(7)];

		c->nr = SYS_futex;
		futex_words[below(4)] = (uint32_t)below(3);
		if (chance(2))
			op |= FUTEX_PRIVATE_;
		if (chance(4))
			op |= FUTEX_CLOCK_RT_;
		if (chance(12))
			op = (long)gen_bits(op) & 0x1ff;	/* PI ops too: they time out at once */
		c->a[0] = chance(4) ? (long)gen_addr() : (long)&futex_words[below(4)];
		c->a[1] = op;
		c->a[2] = chance(2) ? (long)below(3) : (long)next();
		/* a relative wait is short; an absolute one (bitset, PI) is in 1970 */
		c->a[3] = short_ts(&ts);
		if (chance(6) && ((op & 0x7f) == FUTEX_REQUEUE_ || (op & 0x7f) == FUTEX_CMP_REQUEUE_ ||
				  (op & 0x7f) == FUTEX_WAKE_OP_ || (op & 0x7f) == 12))
			c->a[3] = (long)below(5);	/* val2 of the requeues: no timeout */
		/* uaddr2 is written by FUTEX_WAKE_OP: its own words only */
		c->a[4] = chance(6) ? (long)(TASK_SIZE + (gen_addr() & 0xffff)) : (long)&futex_words[below(4)];
		c->a[5] = chance(2) ? (long)next() : -1L;
		if (c->a[0] != (long)&futex_words[0] && (uint64_t)c->a[0] < TASK_SIZE &&
		    ((c->a[0] < (long)futex_words || c->a[0] > (long)&futex_words[3])) &&
		    hits_self(c->a[0], 4))
			c->skip = 1;	/* PI ops write the word */
		/* FUTEX_WAIT_REQUEUE_PI (11), LOCK_PI (6), LOCK_PI2 (13): clocks differ */
		if ((op & 0x7f) == 6 || (op & 0x7f) == 13 || (op & 0x7f) == 11 || (op & 0x7f) == 8)
			if (c->a[3] == (long)&ts)
				ts.tv_nsec = (long)below(1000);	/* absolute: long past */
		break;
	}
	case 4: {
		static const long opts[] = { PR_SET_NAME, PR_GET_NAME, PR_SET_PDEATHSIG, PR_GET_PDEATHSIG,
					     PR_SET_DUMPABLE, PR_GET_DUMPABLE, PR_SET_NO_NEW_PRIVS,
					     PR_GET_NO_NEW_PRIVS, PR_GET_TID_ADDRESS, PR_SET_CHILD_SUBREAPER,
					     PR_GET_CHILD_SUBREAPER, PR_SET_TIMERSLACK, PR_GET_TIMERSLACK,
					     PR_GET_SECCOMP, PR_SET_THP_DISABLE, PR_GET_THP_DISABLE,
					     PR_SET_VMA, PR_GET_KEEPCAPS, PR_CAPBSET_READ };

		c->nr = SYS_prctl;
		c->a[0] = chance(8) ? (long)below(80) : opts[below(sizeof(opts) / sizeof(opts[0]))];
		c->a[1] = chance(2) ? (long)below(3) : (long)gen_addr();
		if (c->a[0] == PR_SET_PDEATHSIG)
			c->a[1] = chance(4) ? (long)below(70) : safe_signal();
		if (c->a[0] == PR_SET_TIMERSLACK)
			c->a[1] = (long)below(100000);	/* a huge slack delays every sleep */
		if (c->a[0] == PR_GET_NAME || c->a[0] == PR_GET_PDEATHSIG || c->a[0] == PR_GET_TID_ADDRESS ||
		    c->a[0] == PR_GET_CHILD_SUBREAPER)
			c->a[1] = out_buf(16, &c->skip);
		c->a[2] = (long)gen_bits(0);
		c->a[3] = chance(2) ? 0 : (long)gen_addr();
		c->a[4] = chance(2) ? 0 : (long)gen_bits(0);
		/* seccomp, mm fields, the TSC, syscall user dispatch: the end of the run */
		if (c->a[0] == PR_SET_SECCOMP || c->a[0] == PR_SET_MM || c->a[0] == PR_SET_TSC ||
		    c->a[0] == 59 || c->a[0] == 65 || c->a[0] == PR_SET_FP_MODE || c->a[0] == 74 ||
		    c->a[0] == 75 || c->a[0] == 76 || c->a[0] == PR_SET_SPECULATION_CTRL ||
		    c->a[0] == PR_SET_IO_FLUSHER || c->a[0] == PR_SET_PTRACER)
			c->skip = 1;
		/* a death signal that kills it when its parent (the shell) goes */
		if (c->a[0] == PR_SET_PDEATHSIG && c->a[1] > 0 && c->a[1] < 65 && c->a[1] != SIGUSR1 &&
		    c->a[1] != SIGUSR2 && c->a[1] != SIGWINCH && c->a[1] != SIGURG && c->a[1] != SIGCHLD)
			c->skip = 1;
		break;
	}
	case 5:
		c->nr = (long[]){ SYS_getcpu, SYS_sched_setaffinity, SYS_set_robust_list,
				  SYS_get_robust_list, SYS_mseal_ }[below(5)];
		if (c->nr == SYS_getcpu) {
			c->a[0] = chance(3) ? 0 : out_buf(4, &c->skip);
			c->a[1] = chance(3) ? 0 : out_buf(4, &c->skip);
			c->a[2] = chance(2) ? 0 : (long)gen_addr();
		} else if (c->nr == SYS_sched_setaffinity) {
			static uint64_t cpus[16];

			for (int i = 0; i < 16; i++)
				cpus[i] = i == 0 ? (chance(4) ? 0 : ~0UL) : gen_bits(0);
			/* never another process's: the native run may be root */
			c->a[0] = (long[]){ 0, 0x7ffffff0, -1 }[below(3)];
			if (c->a[0] == 0 && chance(2))
				c->a[0] = rsys(SYS_getpid, 0, 0, 0, 0, 0, 0);
			c->a[1] = (long[]){ 8, 128, 0, 1, 7, 4096, -1 }[below(7)];
			c->a[2] = chance(6) ? (long)gen_addr() : (long)cpus;
		} else if (c->nr == SYS_set_robust_list) {
			c->a[0] = (long)gen_addr();
			c->a[1] = chance(2) ? 24 : (long)gen_len(0);
		} else if (c->nr == SYS_get_robust_list) {
			c->a[0] = (long[]){ 0, 0x7ffffff0, -1 }[below(3)];
			c->a[1] = out_buf(8, &c->skip);
			c->a[2] = out_buf(8, &c->skip);
		} else {
			uint64_t a = gen_addr();

			c->a[0] = (long)a;
			c->a[1] = (long)gen_len(a);
			c->a[2] = chance(6) ? (long)gen_bits(0) : 0;
			/* sealed, its own memory would refuse musl's munmap */
			if (a < TASK_SIZE && hits_self(a, c->a[1]))
				c->skip = 1;
		}
		break;
	case 6: {
		/* terminal ioctls: queries on its stdio, changes only on fds that are not */
		static const long qs[] = { TCGETS, TIOCGWINSZ, TIOCGPGRP, FIONREAD, TIOCGSID,
					   TIOCOUTQ, TIOCGPTN, TIOCGLCKTRMIOS, FIONBIO };
		static const long sets[] = { TCSETS, TCSETSW, TCSETSF, TIOCSWINSZ, TIOCSPGRP, TCFLSH,
					     TCXONC, TIOCSPTLCK, TIOCEXCL, TIOCNXCL };
		int fd = chance(3) ? (int)below(3) : (int)any_fd();

		c->nr = SYS_ioctl;
		c->a[0] = fd;
		/* a terminal (a dup of its stdio) is not changed: the native run may have one */
		if (fd > 2 && chance(2) && rsys(SYS_ioctl, fd, TCGETS, (long)big_buf, 0, 0, 0) < 0)
			c->a[1] = sets[below(sizeof(sets) / sizeof(sets[0]))];
		else
			c->a[1] = qs[below(sizeof(qs) / sizeof(qs[0]) - 1)];
		c->a[2] = out_buf(64, &c->skip);
		if (c->a[2] == (long)big_buf && chance(2))
			memset(big_buf, (int)below(3), 64);
		break;
	}
	}
}

/*
 * After pipe/pipe2, wherever the kernel put the two fds (it wrote them: the
 * memory is there): both are remembered and made non-blocking, or a later
 * read of the empty pipe would wait for ever.
 */
static void track_pipe(long ret, long arr)
{
	int *p = (int *)arr;

	if (ret != 0)
		return;
	for (int i = 0; i < 2; i++) {
		long fl = rsys(SYS_fcntl, p[i], F_GETFL, 0, 0, 0, 0);

		rsys(SYS_fcntl, p[i], F_SETFL, fl | O_NONBLOCK, 0, 0, 0);
		add_fd(p[i]);
	}
}

/* a child stopped and continued, as a shell's job control does; it is killed at the end */
static void jobctl_op(uint64_t idx)
{
	struct timespec ts = { 0, 10000000 };
	long pid, w, sig;
	int status = 0;
	siginfo_t si;

	if (in_child)
		return;
	struct sigaction dfl, old;

	/* the child must stop on SIGTSTP from its first instruction */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGTSTP, &dfl, &old);
	logf_("jobctl");
	pid = rsys(SYS_fork, 0, 0, 0, 0, 0, 0);
	if (pid)
		sigaction(SIGTSTP, &old, NULL);
	if (pid == 0) {
		uint64_t none = 0;
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigaction(SIGTSTP, &sa, NULL);
		sigaction(SIGCONT, &sa, NULL);
		rsys(SYS_rt_sigprocmask, SIG_SETMASK, (long)&none, 0, 8, 0, 0);
		rsys(SYS_setpgid, 0, 0, 0, 0, 0, 0);
		/* two seconds at most, should the parent go away */
		for (int i = 0; i < 200; i++)
			rsys(SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
		rsys(SYS_exit_group, 0, 0, 0, 0, 0, 0);
	}
	logf_(" = %ld\n", pid);
	if (pid < 0)
		return;
	last_child = pid;
	logf_("  setpgid %ld getpgid %d getsid %d\n", rsys(SYS_setpgid, pid, pid, 0, 0, 0, 0),
	      rsys(SYS_getpgid, pid, 0, 0, 0, 0, 0) == pid,
	      rsys(SYS_getsid, pid, 0, 0, 0, 0, 0) == rsys(SYS_getsid, 0, 0, 0, 0, 0, 0));
	sig = chance(2) ? SIGSTOP : SIGTSTP;
	/* a negative pid: its process group, which is the child alone */
	logf_("  kill %ld %ld", chance(2) ? -pid : pid, sig);
	logf_(" = %ld\n", rsys(SYS_kill, chance(2) ? -pid : pid, sig, 0, 0, 0, 0));
	if (chance(2)) {
		w = rsys(SYS_wait4, pid, (long)&status, WUNTRACED, 0, 0, 0);
		logf_("  wait4 WUNTRACED %ld status %#x\n", (long)(w == pid), status);
	} else {
		memset(&si, 0, sizeof(si));
		w = rsys(SYS_waitid, P_PID, pid, (long)&si, WSTOPPED, 0, 0);
		logf_("  waitid WSTOPPED %ld code %d status %d\n", w, si.si_code, si.si_status);
	}
	logf_("  kill SIGCONT = %ld\n", rsys(SYS_kill, chance(2) ? -pid : pid, SIGCONT, 0, 0, 0, 0));
	if (chance(2)) {
		w = rsys(SYS_wait4, pid, (long)&status, WCONTINUED, 0, 0, 0);
		logf_("  wait4 WCONTINUED %ld status %#x\n", (long)(w == pid), status);
	} else {
		memset(&si, 0, sizeof(si));
		w = rsys(SYS_waitid, P_PGID, pid, (long)&si, WCONTINUED | WNOWAIT, 0, 0);
		logf_("  waitid WCONTINUED %ld code %d\n", w, si.si_code);
	}
	logf_("  kill -INT_MIN = %ld\n", rsys(SYS_kill, (long)(int)0x80000000, SIGUSR1, 0, 0, 0, 0));
	rsys(SYS_kill, pid, SIGKILL, 0, 0, 0, 0);
	w = rsys(SYS_wait4, pid, (long)&status, 0, 0, 0, 0);
	logf_("  reaped %ld status %#x\n", (long)(w == pid), status);
}

/* a read and a write that sleep on a pipe until a child writes or reads */
static void pipe_block_op(void)
{
	struct timespec ts = { 0, 2000000 };
	int p[2], status = 0;
	long pid, n, w, write_side = chance(2), len = write_side ? 200000 : 100;
	static char buf[200000];

	if (in_child || pipe(p))
		return;
	logf_("pipe-block %s", write_side ? "write" : "read");
	pid = rsys(SYS_fork, 0, 0, 0, 0, 0, 0);
	if (pid == 0) {
		rsys(SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
		close(p[write_side ? 1 : 0]);
		if (write_side) {
			for (long got = 0; got < len; got += n)
				if ((n = rsys(SYS_read, p[0], (long)buf, sizeof(buf), 0, 0, 0)) <= 0)
					break;
		} else {
			rsys(SYS_write, p[1], (long)buf, len, 0, 0, 0);
		}
		rsys(SYS_exit_group, 0, 0, 0, 0, 0, 0);
	}
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		logf_(" = %ld\n", pid);
		return;
	}
	/* the other end only in the child: should it die, the call ends (EOF, EPIPE) */
	close(p[write_side ? 0 : 1]);
	n = write_side ? rsys(SYS_write, p[1], (long)buf, len, 0, 0, 0)
		       : rsys(SYS_read, p[0], (long)buf, sizeof(buf), 0, 0, 0);
	close(p[write_side ? 1 : 0]);
	w = rsys(SYS_wait4, pid, (long)&status, 0, 0, 0, 0);
	logf_(" = %ld; child %ld status %#x\n", n, (long)(w == pid), status);
}

/* clone3 with odd sizes and flags; a child exits at once */
static void clone3_op(void)
{
	static uint64_t args[12], tids[2];
	static const uint64_t flags[] = { 0, CLONE_PARENT_SETTID, CLONE_CHILD_SETTID, CLONE_PIDFD,
					  CLONE_CLEAR_SIGHAND, CLONE_VFORK, CLONE_FILES, CLONE_FS,
					  CLONE_SIGHAND, CLONE_THREAD, CLONE_NEWNS, CLONE_INTO_CGROUP,
					  CLONE_SETTLS, CLONE_PARENT };
	long size, ret, w;
	int status = 0;

	if (in_child)
		return;
	memset(args, 0, sizeof(args));
	args[0] = flags[below(14)] | (chance(3) ? flags[below(14)] : 0);
	if (chance(10))
		args[0] = gen_bits(0);
	args[0] &= ~(uint64_t)(CLONE_VM | CLONE_PARENT | CLONE_SETTLS);	/* never its own memory */
	if (chance(10))
		args[0] |= CLONE_NEWUSER | CLONE_NEWNS;
	args[1] = (uint64_t)&tids[1];			/* pidfd */
	args[2] = chance(4) ? gen_addr() : (uint64_t)&tids[0];	/* child_tid */
	args[3] = chance(4) ? gen_addr() : (uint64_t)&tids[1];	/* parent_tid */
	args[4] = chance(6) ? below(70) : SIGCHLD;
	if (args[4] && args[4] < 65 && args[4] != SIGCHLD && args[4] != SIGUSR1 && args[4] != SIGURG &&
	    args[4] != SIGWINCH)
		args[4] = SIGCHLD;	/* sent to it when the child exits */
	/* a stack without a size or a size without a stack: EINVAL (a real one would crash) */
	args[5] = chance(8) ? gen_addr() | 1 : 0;
	args[6] = !args[5] && chance(8) ? PAGE : 0;
	args[8] = chance(8) ? gen_addr() : 0;		/* set_tid */
	args[9] = chance(8) ? below(40) : 0;
	args[10] = (uint64_t)(long)any_fd();		/* cgroup */
	if (chance(10))
		args[11] = 1;	/* a non-zero byte past the known size: E2BIG */
	size = (long[]){ 64, 80, 88, 96, 0, 63, 4096 + 8, 8 }[below(8)];
	/* the kernel writes the tids: not into its own image */
	if ((args[0] & (CLONE_PARENT_SETTID | CLONE_PIDFD)) && args[3] != (uint64_t)&tids[1] &&
	    args[3] < TASK_SIZE && hits_self(args[3], 8))
		args[3] = (uint64_t)&tids[1];
	logf_("clone3 %#lx size %ld sig %lu", (unsigned long)args[0], size, (unsigned long)args[4]);
	ret = rsys(SYS_clone3, chance(10) ? (long)gen_addr() : (long)args, size, 0, 0, 0, 0);
	if (ret == 0)
		rsys(SYS_exit_group, 0, 0, 0, 0, 0, 0);
	logf_(" = %ld\n", ret > 0 ? 1 : ret);
	if (ret > 0) {
		w = rsys(SYS_wait4, ret, (long)&status, __WALL, 0, 0, 0);
		logf_("  reaped %ld status %#x\n", (long)(w == ret), status);
		if (args[0] & CLONE_PIDFD)
			rsys(SYS_close, (long)(int)tids[1], 0, 0, 0, 0, 0);
	}
}

static void setup_new(void)
{
	int p[2];
	long fd;

	rsys(SYS_dup2, rsys(SYS_open, (long)".", O_RDONLY | O_DIRECTORY, 0, 0, 0, 0), FD_SCRATCH, 0, 0, 0, 0);
	fd = rsys(SYS_open, (long)"fz.own", O_RDWR | O_CREAT | O_TRUNC, 0600, 0, 0, 0);
	rsys(SYS_dup2, fd, FD_OWN, 0, 0, 0, 0);
	rsys(SYS_unlink, (long)"fz.own", 0, 0, 0, 0, 0);
	if (fd >= 0)
		rsys(SYS_close, fd, 0, 0, 0, 0, 0);
	if (rsys(SYS_pipe2, (long)p, O_NONBLOCK, 0, 0, 0, 0) == 0) {
		rsys(SYS_dup2, p[0], FD_PIPE_R, 0, 0, 0, 0);
		rsys(SYS_dup2, p[1], FD_PIPE_W, 0, 0, 0, 0);
		rsys(SYS_close, p[0], 0, 0, 0, 0, 0);
		rsys(SYS_close, p[1], 0, 0, 0, 0, 0);
	}
	/* a symlink loop and a FIFO of its own */
	rsys(SYS_symlink, (long)"fz.l2", (long)"fz.l1", 0, 0, 0, 0);
	rsys(SYS_symlink, (long)"fz.l1", (long)"fz.l2", 0, 0, 0, 0);
	rsys(SYS_mknod, (long)"fz.fifo", S_IFIFO | 0600, 0, 0, 0, 0);
	rsys(SYS_mkdir, (long)"fz.dir", 0700, 0, 0, 0, 0);
}

/* at the end: its names go, so that a native run leaves nothing behind */
static void cleanup_new(void)
{
	static const char *const names[] = {
		"fz.dir/fz.a", "fz.dir/fz.l1", "fz.dir/fz.b", "fz.dir/fz.c", "fz.dir/fz.fifo",
		"fz.dir/fz.l2", "fz.dir/fz.none", "fz.a", "fz.b", "fz.c", "fz.l1", "fz.l2", "fz.fifo",
		"fz.own", "fz.none",
	};

	if (rsys(SYS_fchdir, FD_SCRATCH, 0, 0, 0, 0, 0))
		return;
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (rsys(SYS_unlink, (long)names[i], 0, 0, 0, 0, 0))
			rsys(SYS_rmdir, (long)names[i], 0, 0, 0, 0, 0);
	rsys(SYS_rmdir, (long)"fz.dir/fz.dir", 0, 0, 0, 0, 0);
	rsys(SYS_rmdir, (long)"fz.dir", 0, 0, 0, 0, 0);
}

static const char *call_name(long nr)
{
	switch (nr) {
#define N(x) case SYS_##x: return #x;
	N(mmap) N(munmap) N(mprotect) N(mremap) N(madvise) N(mincore) N(msync) N(mlock)
	N(munlock) N(mlock2) N(mlockall) N(munlockall) N(brk) N(pkey_mprotect) N(pkey_alloc)
	N(pkey_free) N(open) N(openat) N(memfd_create) N(read) N(pread64) N(write) N(pwrite64)
	N(readv) N(writev) N(close) N(fsync) N(fdatasync) N(dup) N(dup2) N(dup3) N(ftruncate)
	N(lseek) N(fstat) N(stat) N(lstat) N(newfstatat) N(access) N(unlink) N(mkdir) N(rmdir)
	N(unlinkat) N(getcwd) N(readlink) N(ioctl) N(fcntl) N(getresuid) N(getresgid) N(uname)
	N(time) N(gettimeofday) N(clock_gettime) N(clock_getres) N(nanosleep) N(clock_nanosleep)
	N(getrandom) N(getrlimit) N(setrlimit) N(prlimit64) N(arch_prctl) N(kill) N(tkill)
	N(tgkill) N(rt_sigaction) N(rt_sigprocmask) N(rt_sigpending) N(rt_sigtimedwait)
	N(sigaltstack) N(wait4) N(waitid) N(set_tid_address) N(execve) N(getpid) N(getppid)
	N(gettid) N(getuid) N(geteuid) N(getgid) N(getegid) N(sched_yield)
	N(pipe) N(pipe2) N(poll) N(ppoll) N(select) N(pselect6) N(futex) N(prctl) N(getcpu)
	N(sched_setaffinity) N(set_robust_list) N(get_robust_list) N(rename) N(renameat)
	N(renameat2) N(link) N(linkat) N(symlink) N(symlinkat) N(chmod) N(fchmod) N(fchmodat)
	N(chown) N(fchown) N(lchown) N(fchownat) N(utimensat) N(utimes) N(futimesat) N(utime)
	N(truncate) N(creat) N(mkdirat) N(mknod) N(mknodat) N(chdir) N(fchdir) N(umask)
	N(getdents64) N(getdents) N(statx) N(statfs) N(fstatfs) N(faccessat) N(faccessat2)
	N(readlinkat) N(sendfile) N(copy_file_range) N(fadvise64) N(clone3)
#undef N
	case SYS_mseal_: return "mseal";
	default: return "syscall";
	}
}

static void do_call(struct call *c)
{
	long ret;

	logf_("%s(%ld) %#lx %#lx %#lx %#lx %#lx %#lx", call_name(c->nr), c->nr, c->a[0], c->a[1],
	      c->a[2], c->a[3], c->a[4], c->a[5]);
	if (c->skip) {
		skipped++;
		logf_(" skipped\n");
		return;
	}
	ret = rsys(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
	logf_(" = %ld\n", ret);
	if (ret < 0 && ret > -4096)
		return;
	if (c->track == 1)
		add_region((uint64_t)ret, c->track_len);
	else if (c->track == 2 && ret > 2)
		add_fd((int)ret);
	else if (c->track == 3)
		track_pipe(ret, c->a[0]);
}

/* a read or a write at a generated address; a fault is caught and ignored */
static void probe_memory(void)
{
	volatile char *p = (volatile char *)gen_addr();
	int write = chance(2) && !hits_self((uint64_t)p, 1);
	int sig;

	logf_("%s %p", write ? "write" : "read", (void *)p);
	sig = sigsetjmp(jb, 1);
	if (!sig) {
		jb_armed = 1;
		if (write)
			*p = (char)next();
		else
			(void)*p;
		jb_armed = 0;
	}
	logf_(sig ? " = signal %d\n" : " = ok\n", sig);
}

/* a run of writes over a region: faults, COW breaks, huge pages */
static void touch_region(void)
{
	struct range *r = pick_region();
	uint64_t a, start, n;
	volatile int write;
	int sig;

	if (!r)
		return;
	/* up to 64 pages from a random page: each fault is an exit, checked */
	start = r->start + (chance(2) ? 0 : below((r->end - r->start) / PAGE) * PAGE);
	n = 1 + below(64);
	write = !chance(4) && !hits_self(start, n * PAGE);
	logf_("touch %s %#lx +%lu pages", write ? "write" : "read", start, (unsigned long)n);
	sig = sigsetjmp(jb, 1);
	if (!sig) {
		jb_armed = 1;
		for (a = start; a < r->end && a < start + n * PAGE; a += PAGE) {
			if (write)
				*(volatile char *)a = 1;
			else
				(void)*(volatile char *)a;
		}
		jb_armed = 0;
	}
	logf_(sig ? " = signal %d\n" : " = ok\n", sig);
}

static void one_call(uint64_t idx, uint64_t sub);

/* a child that makes calls of its own for a while and exits; the parent waits */
static void fork_op(uint64_t idx)
{
	int status = 0;
	long pid, kind = (long)below(3), w;

	if (in_child)
		return;
	logf_(kind == 2 ? "vfork" : "fork");
	if (kind == 2) {
		pid = vfork();
		if (pid == 0) {
			/* a vfork child may only exec or exit: a failing exec, then exit */
			rsys(SYS_execve, (long)"/nonexistent", 0, 0, 0, 0, 0);
			rsys(SYS_exit_group, 0, 0, 0, 0, 0, 0);
		}
	} else {
		pid = kind ? rsys(SYS_fork, 0, 0, 0, 0, 0, 0)
			   : rsys(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
	}
	if (pid == 0) {
		in_child = 1;
		child_idx = (int)idx;
		for (uint64_t j = 0; j < CHILD_CALLS; j++)
			one_call(idx, j + 1);
		rsys(SYS_exit_group, 0, 0, 0, 0, 0, 0);
	}
	logf_(" = %ld\n", pid);
	if (pid < 0)
		return;
	/* the child makes no call that blocks: waiting for it ends */
	w = rsys(SYS_wait4, pid, (long)&status, 0, 0, 0, 0);
	logf_("child %ld: wait %ld status %#x\n", pid, w, status);
}

/* a signal to itself while it is blocked, taken by rt_sigsuspend */
static void suspend_op(void)
{
	struct sigaction sa;
	sigset_t block, old, wait;

	/* the fuzzed calls may have set SIGUSR2 to SIG_IGN: then it would wait forever */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &old);
	rsys(SYS_kill, rsys(SYS_getpid, 0, 0, 0, 0, 0, 0), SIGUSR2, 0, 0, 0, 0);
	wait = old;
	sigdelset(&wait, SIGUSR2);
	logf_("sigsuspend");
	logf_(" = %ld\n", rsys(SYS_rt_sigsuspend, (long)&wait, 8, 0, 0, 0, 0));
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void one_call(uint64_t idx, uint64_t sub)
{
	struct call c;
	uint64_t kind;

	seed_call(idx, sub);
	memset(&c, 0, sizeof(c));
	if (verbose) {
		if (in_child)
			logf_("  [%d.%lu] ", child_idx, (unsigned long)sub);
		else
			logf_("#%lu ", (unsigned long)idx);
	}
	kind = below(100);
	if (kind < 32) {
		gen_memory_call(&c, (int)below(13));
	} else if (kind < 46) {
		gen_file_call(&c, (int)below(12));
	} else if (kind < 58) {
		gen_misc_call(&c, (int)below(15));
	} else if (kind < 66) {
		gen_path_call(&c, (int)below(6));
	} else if (kind < 74) {
		gen_fs_query(&c, (int)below(5));
	} else if (kind < 82) {
		gen_wait_call(&c, (int)below(7));
	} else if (kind < 88) {
		probe_memory();
		return;
	} else if (kind < 92) {
		touch_region();
		return;
	} else if (kind < 94) {
		fork_op(idx);
		if (in_child)
			logf_("fork (not in a child)\n");
		return;
	} else if (kind < 95) {
		if (in_child) {
			logf_("job (not in a child)\n");
			return;
		}
		switch (below(3)) {
		case 0: jobctl_op(idx); break;
		case 1: pipe_block_op(); break;
		default: clone3_op(); break;
		}
		return;
	} else if (kind < 97) {
		suspend_op();
		return;
	} else {
		logf_("refresh\n");
		refresh_regions();
		return;
	}
	do_call(&c);
}

/* "0-9,17,40-": the calls to perform */
static int parse_mask(const char *s, uint64_t n)
{
	while (*s) {
		char *end;
		unsigned long lo = strtoul(s, &end, 10), hi = lo;

		if (end == s)
			return -1;
		if (*end == '-') {
			s = end + 1;
			hi = *s >= '0' && *s <= '9' ? strtoul(s, &end, 10) : n - 1;
			if (*s >= '0' && *s <= '9')
				s = end;
		} else {
			s = end;
		}
		for (unsigned long i = lo; i <= hi && i < n; i++)
			mask[i / 8] |= 1 << (i % 8);
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return 0;
}

static void setup(void)
{
	memset(long_name, 'a', sizeof(long_name) - 1);
	install_handlers();
	find_self();
	/* files to map: a memfd, two host files (unlinked at once) and /dev/zero */
	add_fd((int)rsys(SYS_memfd_create, (long)"fuzz", 0, 0, 0, 0, 0));
	rsys(SYS_ftruncate, fds[0], 16 * PAGE, 0, 0, 0, 0);
	for (int i = 0; i < 2; i++) {
		long fd = rsys(SYS_open, (long)own_names[i], O_RDWR | O_CREAT | O_TRUNC, 0600, 0, 0, 0);

		if (fd >= 0) {
			rsys(SYS_ftruncate, fd, (long)(8 + 8 * i) * (long)PAGE, 0, 0, 0, 0);
			rsys(SYS_unlink, (long)own_names[i], 0, 0, 0, 0, 0);
			add_fd((int)fd);
		}
	}
	add_fd((int)rsys(SYS_open, (long)"/dev/zero", O_RDWR, 0, 0, 0, 0));
	add_fd((int)rsys(SYS_open, (long)"/proc/self/maps", O_RDONLY, 0, 0, 0, 0));
	/* a pipe whose reader it closed: EPIPE, not the end of the run */
	signal(SIGPIPE, SIG_IGN);
	setup_new();
	refresh_regions();
}

int main(int argc, char **argv)
{
	const char *list = NULL, *env = getenv("FUZZ_VERBOSE");
	uint64_t n;
	int opt;

	verbose = env && *env && *env != '0';
	while ((opt = getopt(argc, argv, "vk:")) != -1) {
		if (opt == 'v')
			verbose = 1;
		else if (opt == 'k')
			list = optarg;
		else
			goto usage;
	}
	if (argc - optind != 2)
		goto usage;
	seed = strtoull(argv[optind], NULL, 0);
	n = strtoull(argv[optind + 1], NULL, 0);
	if (n > MAX_CALLS)
		goto usage;
	if (list ? parse_mask(list, n) : (memset(mask, 0xff, sizeof(mask)), 0))
		goto usage;
	setup();
	for (uint64_t i = 0; i < n; i++) {
		if (!(mask[i / 8] & (1 << (i % 8))))
			continue;
		if (!in_child && i % 64 == 63)
			refresh_regions();
		one_call(i, 0);
		done++;
	}
	cleanup_new();
	printf("fuzz: seed %lu: %lu calls made, %lu skipped, %lu faults caught, %lu signals\n",
	       (unsigned long)seed, done, skipped, faults, signals_seen);
	return 0;
usage:
	fprintf(stderr, "usage: fuzz_syscalls [-v] [-k LIST] SEED NCALLS (NCALLS <= %lu)\n",
		MAX_CALLS);
	return 2;
}
