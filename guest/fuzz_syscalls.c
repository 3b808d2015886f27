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
#include <sys/mman.h>
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
	case 1: return (int)below(300);
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
#undef N
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
	if (kind < 40) {
		gen_memory_call(&c, (int)below(13));
	} else if (kind < 58) {
		gen_file_call(&c, (int)below(12));
	} else if (kind < 75) {
		gen_misc_call(&c, (int)below(15));
	} else if (kind < 85) {
		probe_memory();
		return;
	} else if (kind < 92) {
		touch_region();
		return;
	} else if (kind < 95) {
		fork_op(idx);
		if (in_child)
			logf_("fork (not in a child)\n");
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
	printf("fuzz: seed %lu: %lu calls made, %lu skipped, %lu faults caught, %lu signals\n",
	       (unsigned long)seed, done, skipped, faults, signals_seen);
	return 0;
usage:
	fprintf(stderr, "usage: fuzz_syscalls [-v] [-k LIST] SEED NCALLS (NCALLS <= %lu)\n",
		MAX_CALLS);
	return 2;
}
