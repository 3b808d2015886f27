// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test against the running kernel.
 *
 * A seeded random sequence of mmap / munmap / mprotect / madvise / mincore
 * calls and one-byte touches is applied twice: with real system calls inside
 * a reserved arena of this process, and to the library at the same
 * addresses.  After every step the return values (and errno), the arena's
 * lines of /proc/self/maps and mm_show_maps(), and for touches the signal,
 * si_code and the byte read must agree.  brk is compared in a child (a fresh
 * exec of this binary), with RLIMIT_DATA.
 *
 *   DIFF_SEED=n   run only seed n
 *   DIFF_STEPS=n  steps per seed
 *   DIFF_TRACE=1  print every step
 *
 * The library models this machine's CPU: protection keys when CPUID says
 * PKU and OSPKE, with the process's own PKRU (rdpkru) as the modelled
 * thread's.  Then PROT_EXEC alone is execute-only and a touch may be
 * SEGV_PKUERR, whose si_pkey is compared too.  pkey_alloc, pkey_free,
 * pkey_mprotect and PKRU writes come from a second random stream, so that
 * the main sequence of each seed stays what it was before them; on a CPU
 * without keys they compare Linux's refusals.
 *
 * Linux is the specification.  Cases where this test process differs from a
 * guest (it is root, the host page cache is warm, reclaim runs) are left out.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <cpuid.h>

#include "mm.h"

#define ARENA		0x300000000000UL
#define ARENA_PAGES	8192UL			/* 32 MiB */
#define ARENA_SIZE	(ARENA_PAGES * PAGE_SIZE)
#define ARENA_END	(ARENA + ARENA_SIZE)
#define ARENA_MARGIN	(16UL << 20)
#define ZONE_SIZE	(128UL << 20)
#define FILE_PAGES	32
#define FILE_SIZE	(FILE_PAGES * PAGE_SIZE + 1000)	/* a partial last page */
#define MAPS_MAX	(1UL << 20)
#define DEFAULT_STEPS	2500
#define DEFAULT_SEEDS	4

#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE	0x08
#endif
#ifndef PROT_SEM
#define PROT_SEM	0x8
#endif

#ifndef MADV_COLD
#define MADV_COLD		20
#define MADV_PAGEOUT		21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#define MADV_POPULATE_WRITE	23
#endif
#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED	24
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE		25
#endif

struct diff {
	uint64_t seed, rng;
	uint64_t pk_rng;		/* the pkey operations' own stream */
	bool pkeys;			/* the CPU has protection keys (PKU, OSPKE) */
	uint16_t nat_keys;		/* keys this seed's pkey_alloc returned, not freed */
	unsigned long step;
	struct zone *zone;
	void *zone_mem;
	struct mm_struct *mm;
	struct file *file;		/* the library's view of the temp file */
	int fd;				/* O_RDONLY, the native view */
	char path[256];
	char desc[512];			/* the current operation */
	long nat, lib;			/* its results, -errno on error */
	bool failed;
	bool trace;
	bool maps_fresh;		/* nat_lines/lib_lines are of this step */
};

/* ---- helpers ---- */

static uint64_t rnd(struct diff *d)
{
	uint64_t x = d->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return d->rng = x;
}

static uint64_t rnd_below(struct diff *d, uint64_t n)
{
	return n ? rnd(d) % n : 0;
}

static bool chance(struct diff *d, unsigned int percent)
{
	return rnd_below(d, 100) < percent;
}

/* mostly short, sometimes long: lengths in pages */
static uint64_t rnd_pages(struct diff *d)
{
	if (chance(d, 70))
		return 1 + rnd_below(d, 8);
	if (chance(d, 80))
		return 1 + rnd_below(d, 64);
	return 1 + rnd_below(d, 1024);
}

/* a page-aligned range [*addr, *addr + *len) inside the arena */
static void rnd_range(struct diff *d, uint64_t *addr, uint64_t *len)
{
	uint64_t pages = rnd_pages(d), first;

	if (pages > ARENA_PAGES)
		pages = ARENA_PAGES;
	first = rnd_below(d, ARENA_PAGES - pages + 1);
	*addr = ARENA + first * PAGE_SIZE;
	*len = pages * PAGE_SIZE;
}

static long sysret(long r)
{
	return r == -1 ? -errno : r;
}

/* ---- protection keys: the CPU and the thread's PKRU ---- */

/* CPUID.(EAX=7,ECX=0):ECX bit 3 PKU, bit 4 OSPKE (the kernel enabled them) */
static bool host_has_pkeys(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return (c & (1u << 3)) && (c & (1u << 4));
}

/* only with OSPKE: RDPKRU and WRPKRU are #UD without CR4.PKE */
static __attribute__((noinline)) uint32_t rdpkru(void)
{
	uint32_t eax, edx;

	asm volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static void wrpkru(uint32_t pkru)
{
	asm volatile("wrpkru" : : "a"(pkru), "c"(0), "d"(0) : "memory");
}

/*
 * The key state a seed leaves behind natively (its keys are freed at its
 * end, the execute-only key cannot be): the next seed's library mm starts
 * from it, as the process's mm does.
 */
static struct {
	uint16_t map;
	int execute_only_pkey;
	bool valid;
} pkey_carry;

static long nat_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off)
{
	return sysret(syscall(SYS_mmap, addr, len, prot, flags, fd, off));
}

static bool in_arena(uint64_t addr, uint64_t len)
{
	return addr >= ARENA && len <= ARENA_SIZE && addr - ARENA <= ARENA_SIZE - len;
}

static void describe(struct diff *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->desc, sizeof(d->desc), fmt, ap);
	va_end(ap);
}

/* ---- maps ---- */

static char nat_maps_buf[MAPS_MAX];

static const char *read_native_maps(void)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	size_t len = 0;
	ssize_t n;

	assert_true(fd >= 0);
	while ((n = read(fd, nat_maps_buf + len, MAPS_MAX - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	nat_maps_buf[len] = '\0';
	return nat_maps_buf;
}

/* shared anonymous memory: the inode number is the host's, blank it out */
static void append_line(char *out, size_t cap, const char *line, size_t n)
{
	size_t len = strlen(out);
	char tmp[512];

	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, line, n);
	tmp[n] = '\0';
	if (strstr(tmp, "/dev/zero (deleted)")) {
		char range[64], perms[8], off[32], dev[16];

		if (sscanf(tmp, "%63s %7s %31s %15s", range, perms, off, dev) == 4)
			snprintf(tmp, sizeof(tmp), "%s %s %s %s INO /dev/zero (deleted)",
				 range, perms, off, dev);
	}
	snprintf(out + len, cap - len, "%s\n", tmp);
}

/* the lines of @maps that intersect [lo, hi), normalised */
static void filter_maps(const char *maps, uint64_t lo, uint64_t hi, char *out, size_t cap)
{
	const char *p = maps;

	out[0] = '\0';
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		unsigned long long start, end;

		if (sscanf(p, "%llx-%llx", &start, &end) == 2 && start < hi && end > lo)
			append_line(out, cap, p, n);
		p += n + (eol ? 1 : 0);
	}
}

static char nat_lines[MAPS_MAX / 4], lib_lines[MAPS_MAX / 4];

static void maps_pair(struct mm_struct *mm, uint64_t lo, uint64_t hi)
{
	char *lib = mm_show_maps(mm);

	assert_non_null(lib);
	filter_maps(read_native_maps(), lo, hi, nat_lines, sizeof(nat_lines));
	filter_maps(lib, lo, hi, lib_lines, sizeof(lib_lines));
	free(lib);
}

/* ---- reporting ---- */

static void diverge(struct diff *d, const char *what, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, what);
	vsnprintf(msg, sizeof(msg), what, ap);
	va_end(ap);
	if (!d->maps_fresh)
		maps_pair(d->mm, ARENA, ARENA_END);
	printf("DIVERGENCE (DIFF_SEED=%llu, step %lu): %s\n"
	       "  op:      %s\n"
	       "  native:  %ld (%s)\n"
	       "  library: %ld (%s)\n"
	       "  native maps:\n%s"
	       "  library maps:\n%s",
	       (unsigned long long)d->seed, d->step, msg, d->desc,
	       d->nat, d->nat < 0 && d->nat > -4096 ? strerror((int)-d->nat) : "-",
	       d->lib, d->lib < 0 && d->lib > -4096 ? strerror((int)-d->lib) : "-",
	       nat_lines, lib_lines);
	fflush(stdout);
	d->failed = true;
}

static void check_step(struct diff *d)
{
	char err[512];

	if (d->failed)
		return;
	if (d->nat != d->lib) {
		diverge(d, "return values differ");
		return;
	}
	maps_pair(d->mm, ARENA, ARENA_END);
	d->maps_fresh = true;
	if (strcmp(nat_lines, lib_lines)) {
		diverge(d, "maps differ");
		return;
	}
	if (getenv("DUMP") && d->step == strtoul(getenv("DUMP"),0,0)) printf("STEP %lu\n%s---\n%s", d->step, nat_lines, lib_lines);
	d->maps_fresh = false;
	if (d->pkeys && rdpkru() != d->mm->pkru) {
		diverge(d, "PKRU: native %#x, library %#x", rdpkru(), d->mm->pkru);
		return;
	}
	if (validate_mm(d->mm, err, sizeof(err))) {
		diverge(d, "validate_mm: %s", err);
		return;
	}
	commit_log_apply(d->mm);
}

/* ---- native touches ---- */

static sigjmp_buf touch_jmp;
static volatile sig_atomic_t touch_signo, touch_code, touch_pkey;

static void touch_handler(int sig, siginfo_t *si, void *uc)
{
	touch_signo = sig;
	touch_code = si->si_code;
	touch_pkey = si->si_code == SEGV_PKUERR ? (int)si->si_pkey : 0;
	siglongjmp(touch_jmp, 1);
}

/*
 * one byte at @addr; returns the signal (0 if none), its si_code and
 * si_pkey.  A signal's handler runs with the initial PKRU and siglongjmp
 * does not restore it (sigreturn would): put the thread's back.
 */
static int nat_touch(struct diff *d, uint64_t addr, bool write, uint8_t val, uint8_t *out,
		     int *code, int *pkey)
{
	struct sigaction sa = { .sa_sigaction = touch_handler, .sa_flags = SA_SIGINFO };
	struct sigaction old_segv, old_bus;
	volatile uint32_t pkru = d->pkeys ? rdpkru() : 0;
	volatile int sig = 0;
	volatile uint8_t v = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	touch_signo = 0;
	if (sigsetjmp(touch_jmp, 1) == 0) {
		uint8_t r = 0;

		if (write)
			asm volatile("movb %0, (%1)" : : "q"(val), "r"(addr) : "memory");
		else
			asm volatile("movb (%1), %0" : "=q"(r) : "r"(addr) : "memory");
		v = r;
	} else {
		if (d->pkeys)
			wrpkru(pkru);
		sig = touch_signo;
		*code = touch_code;
		*pkey = touch_pkey;
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	*out = v;
	return sig;
}

/* ---- operations ---- */

static const int prot_choices[] = {
	PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_WRITE,
	PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC, PROT_EXEC,
};

static int rnd_prot_from(struct diff *d, uint64_t (*below)(struct diff *, uint64_t))
{
	return prot_choices[below(d, sizeof(prot_choices) / sizeof(prot_choices[0]))];
}

static int rnd_prot(struct diff *d)
{
	return rnd_prot_from(d, rnd_below);
}

/* extra mmap flags that keep the call valid */
static int rnd_extra_flags(struct diff *d, bool anon_private)
{
	int flags = 0;

	if (chance(d, 10))
		flags |= MAP_NORESERVE;
	if (chance(d, 10))
		flags |= MAP_STACK;
	if (chance(d, 8))
		flags |= MAP_POPULATE;
	if (anon_private && chance(d, 8))
		flags |= MAP_GROWSDOWN;
	return flags;
}

/*
 * A mapping at a hint without MAP_FIXED: if the hint is taken the kernel
 * places it elsewhere, outside the arena; both sides must agree on "at
 * the hint" or "elsewhere", and a mapping elsewhere is removed again.
 */
static void settle_hint(struct diff *d, uint64_t hint, uint64_t len)
{
	bool nat_out = d->nat >= 0 && !in_arena((uint64_t)d->nat, len);
	bool lib_out = d->lib >= 0 && !in_arena((uint64_t)d->lib, len);

	if (nat_out)
		syscall(SYS_munmap, (uint64_t)d->nat, len);
	if (lib_out)
		mm_munmap(d->mm, (uint64_t)d->lib, len);
	if (nat_out && lib_out)
		d->nat = d->lib = 1;	/* "elsewhere" on both sides */
}

static void do_map(struct diff *d, uint64_t addr, uint64_t len, int prot, int flags,
		   bool file, uint64_t off)
{
	describe(d, "mmap(%#llx, %#llx, prot %#x, flags %#x, %s, off %#llx)",
		 (unsigned long long)addr, (unsigned long long)len, prot, flags,
		 file ? "file" : "anon", (unsigned long long)off);
	d->nat = nat_mmap(addr, len, prot, flags, file ? d->fd : -1, off);
	d->lib = mm_mmap(d->mm, addr, len, prot, flags, file ? d->file : NULL, off);
	if (!(flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)))
		settle_hint(d, addr, PAGE_ALIGN(len));
}

static int rnd_placement(struct diff *d)
{
	switch (rnd_below(d, 4)) {
	case 0:
	case 1:
		return MAP_FIXED;
	case 2:
		return MAP_FIXED_NOREPLACE;
	default:
		return 0;
	}
}

static void op_mmap_anon(struct diff *d)
{
	bool shared = chance(d, 25);
	int flags = MAP_ANONYMOUS | (shared ? MAP_SHARED : MAP_PRIVATE) | rnd_placement(d);
	uint64_t addr, len;

	if (!shared && chance(d, 5))
		flags = (flags & ~MAP_TYPE) | MAP_DROPPABLE;

	rnd_range(d, &addr, &len);
	if (flags & MAP_POPULATE && len > 64 * PAGE_SIZE)
		len = 64 * PAGE_SIZE;
	flags |= rnd_extra_flags(d, !shared);
	if (!(flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && chance(d, 20))
		addr += rnd_below(d, PAGE_SIZE);	/* the hint is rounded down */
	do_map(d, addr, len, rnd_prot(d), flags, false, 0);
}

static void op_mmap_file(struct diff *d)
{
	bool shared = chance(d, 30);
	int flags = (shared ? MAP_SHARED : MAP_PRIVATE) | rnd_placement(d) | rnd_extra_flags(d, false);
	int prot = rnd_prot(d);
	uint64_t addr, len, off = rnd_below(d, FILE_PAGES + 8) * PAGE_SIZE;

	rnd_range(d, &addr, &len);
	if (len > 64 * PAGE_SIZE)
		len = 64 * PAGE_SIZE;
	if (shared && chance(d, 30))
		flags = (flags & ~MAP_TYPE) | MAP_SHARED_VALIDATE;
	/* read-only file: a shared writable mapping must fail, now and then */
	if (shared && (prot & PROT_WRITE) && chance(d, 70))
		prot &= ~PROT_WRITE;
	do_map(d, addr, len, prot, flags, true, off);
}

static void op_munmap(struct diff *d)
{
	uint64_t addr, len;

	rnd_range(d, &addr, &len);
	describe(d, "munmap(%#llx, %#llx)", (unsigned long long)addr, (unsigned long long)len);
	d->nat = sysret(syscall(SYS_munmap, addr, len));
	d->lib = mm_munmap(d->mm, addr, len);
}

static void op_mprotect(struct diff *d)
{
	int prot = rnd_prot(d);
	uint64_t addr, len;

	rnd_range(d, &addr, &len);
	if (chance(d, 5))
		prot |= PROT_GROWSDOWN;
	if (chance(d, 3))
		prot |= chance(d, 50) ? PROT_SEM : 0x10 << rnd_below(d, 8);
	describe(d, "mprotect(%#llx, %#llx, %#x)", (unsigned long long)addr,
		 (unsigned long long)len, prot);
	d->nat = sysret(syscall(SYS_mprotect, addr, len, prot));
	d->lib = mm_mprotect(d->mm, addr, len, prot);
}

/*
 * MADV_FREE keeps the data on both sides until reclaim.
 * Left out: MADV_PAGEOUT (host reclaim decides
 * what goes, e.g. clean shmem pages vanish from mincore natively),
 * MADV_HWPOISON and MADV_SOFT_OFFLINE (this process is root).
 */
static const int advice_choices[] = {
	MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED,
	MADV_DONTNEED, MADV_DONTFORK, MADV_DOFORK, MADV_DONTDUMP, MADV_DODUMP,
	MADV_WIPEONFORK, MADV_KEEPONFORK, MADV_HUGEPAGE, MADV_NOHUGEPAGE,
	MADV_MERGEABLE, MADV_UNMERGEABLE, MADV_REMOVE, MADV_COLD,
	MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_DONTNEED_LOCKED, MADV_COLLAPSE,
	MADV_FREE, MADV_FREE,
	5, 6, 7, 26, 99, 1000, -1,	/* invalid */
};

static void op_madvise(struct diff *d)
{
	int advice = advice_choices[rnd_below(d, sizeof(advice_choices) / sizeof(advice_choices[0]))];
	uint64_t addr, len;

	rnd_range(d, &addr, &len);
	describe(d, "madvise(%#llx, %#llx, %d)", (unsigned long long)addr,
		 (unsigned long long)len, advice);
	d->nat = sysret(syscall(SYS_madvise, addr, len, advice));
	d->lib = mm_madvise(d->mm, addr, len, advice);
}

/* pages of host files: their residency is the host page cache's business */
static bool host_file_page(struct diff *d, uint64_t addr)
{
	struct vm_area_struct *vma = vma_lookup(d->mm, addr);

	return vma && vma->vm_file && !vma->vm_file->shmem;
}

static void op_mincore(struct diff *d)
{
	static unsigned char nat_vec[ARENA_PAGES], lib_vec[ARENA_PAGES];
	uint64_t addr, len, i;

	rnd_range(d, &addr, &len);
	if (chance(d, 20))
		len -= rnd_below(d, PAGE_SIZE);		/* partial last page counts */
	describe(d, "mincore(%#llx, %#llx)", (unsigned long long)addr, (unsigned long long)len);
	memset(nat_vec, 0xee, sizeof(nat_vec));
	memset(lib_vec, 0xee, sizeof(lib_vec));
	d->nat = sysret(syscall(SYS_mincore, addr, len, nat_vec));
	d->lib = mm_mincore(d->mm, addr, len, lib_vec);
	if (d->nat || d->lib)
		return;
	for (i = 0; i < PAGE_ALIGN(len) / PAGE_SIZE; i++) {
		uint64_t a = addr + i * PAGE_SIZE;

		if (host_file_page(d, a))
			continue;
		if ((nat_vec[i] & 1) != lib_vec[i]) {
			diverge(d, "mincore vector at %#llx: native %d, library %d",
				(unsigned long long)a, nat_vec[i], lib_vec[i]);
			return;
		}
	}
}

/* an address near a mapping more often than not */
static uint64_t rnd_touch_addr(struct diff *d)
{
	struct vm_area_struct *vma;
	uint64_t n = 0, pick;

	for (vma = d->mm->mmap; vma; vma = vma->vm_next)
		n++;
	if (!n || chance(d, 20))
		return ARENA + rnd_below(d, ARENA_SIZE);
	pick = rnd_below(d, n);
	for (vma = d->mm->mmap; pick--; vma = vma->vm_next)
		;
	if (chance(d, 10) && vma->vm_start - ARENA >= 4 * PAGE_SIZE)
		return vma->vm_start - 1 - rnd_below(d, 4 * PAGE_SIZE);	/* just below */
	return vma->vm_start + rnd_below(d, vma->vm_end - vma->vm_start);
}

static void touch_one(struct diff *d, uint64_t addr, bool write)
{
	uint8_t val = (uint8_t)rnd(d), nat_val, lib_val = 0;
	struct fault_result res;
	int lib, nat, code = 0, pkey = 0;

	describe(d, "%s %#llx", write ? "write" : "read", (unsigned long long)addr);
	if (!in_arena(addr, 1))
		return;
	lib = mm_fault(d->mm, addr, (write ? FAULT_FLAG_WRITE : 0) | FAULT_FLAG_USER, &res);
	nat = nat_touch(d, addr, write, val, &nat_val, &code, &pkey);
	d->nat = nat ? -nat : 0;
	d->lib = lib ? -res.signo : 0;
	if (nat != (lib ? res.signo : 0) || (nat && code != res.si_code) ||
	    (nat && code == SEGV_PKUERR && pkey != res.pkey)) {
		diverge(d, "touch: native signal %d code %d pkey %d, library %d code %d pkey %d (%s)",
			nat, code, pkey, lib ? res.signo : 0, res.si_code, res.pkey,
			fault_kind_name(res.kind));
		return;
	}
	if (nat)
		return;
	if (write) {
		if (mm_copy_to_user(d->mm, addr, &val, 1))
			diverge(d, "mm_copy_to_user failed after a successful write fault");
		return;
	}
	if (mm_copy_from_user(d->mm, &lib_val, addr, 1))
		diverge(d, "mm_copy_from_user failed after a successful read fault");
	else if (lib_val != nat_val)
		diverge(d, "data at %#llx: native %#x, library %#x",
			(unsigned long long)addr, nat_val, lib_val);
}

static void op_touch(struct diff *d)
{
	uint64_t addr = rnd_touch_addr(d);
	bool write = chance(d, 40);
	int n = chance(d, 20) ? 1 + (int)rnd_below(d, 8) : 1;

	while (n-- && !d->failed) {
		touch_one(d, addr, write);
		if (!d->failed)
			check_step(d);
		addr += PAGE_SIZE;
	}
}

/* ---- error paths ---- */

static void op_bad_mmap(struct diff *d)
{
	uint64_t addr, len;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, prot = PROT_READ;
	bool file = false;
	uint64_t off = 0;

	rnd_range(d, &addr, &len);
	switch (rnd_below(d, 12)) {
	case 0:		/* unaligned fixed address */
		addr += 1 + rnd_below(d, PAGE_SIZE - 1);
		break;
	case 1:
		len = 0;
		break;
	case 2:		/* beyond TASK_SIZE, or overflowing PAGE_ALIGN */
		len = chance(d, 50) ? (1UL << 47) + rnd_below(d, 1UL << 40) : -rnd_below(d, PAGE_SIZE - 1) - 1;
		if (chance(d, 50))
			flags &= ~MAP_FIXED;
		break;
	case 3:		/* neither shared nor private, or an unknown type */
		flags = (flags & ~MAP_TYPE) | (int)(chance(d, 50) ? 0 : 4 + rnd_below(d, 4));
		break;
	case 4:		/* MAP_SHARED_VALIDATE with an unknown flag */
		flags = (flags & ~MAP_TYPE) | MAP_SHARED_VALIDATE | (0x200000 << rnd_below(d, 5));
		file = chance(d, 50);
		if (file)
			flags &= ~MAP_ANONYMOUS;
		break;
	case 5:		/* file: unaligned offset */
		flags &= ~MAP_ANONYMOUS;
		file = true;
		off = 1 + rnd_below(d, PAGE_SIZE - 1);
		break;
	case 6:		/* file: shared writable on a read-only descriptor */
		flags = (flags & ~(MAP_TYPE | MAP_ANONYMOUS)) | MAP_SHARED;
		file = true;
		prot = PROT_READ | PROT_WRITE;
		break;
	case 7:		/* file: MAP_GROWSDOWN */
		flags = (flags & ~MAP_ANONYMOUS) | MAP_GROWSDOWN;
		file = true;
		break;
	case 8:		/* shared anonymous MAP_GROWSDOWN */
		flags = (flags & ~MAP_TYPE) | MAP_SHARED | MAP_GROWSDOWN;
		break;
	case 10:	/* MAP_SYNC needs DAX */
		flags = (flags & ~(MAP_TYPE | MAP_ANONYMOUS)) | MAP_SHARED_VALIDATE | MAP_SYNC;
		file = true;
		break;
	case 9:		/* MAP_SHARED ignores unknown flags */
		flags = (flags & ~MAP_TYPE) | MAP_SHARED | (0x200000 << rnd_below(d, 5));
		break;
	default:	/* MAP_FIXED_NOREPLACE over whatever is there */
		flags = (flags & ~MAP_FIXED) | MAP_FIXED_NOREPLACE;
		break;
	}
	do_map(d, addr, len, prot, flags, file, off);
}

static void op_bad_other(struct diff *d)
{
	uint64_t addr, len, huge = (1UL << 47) + rnd_below(d, 1UL << 46);
	const char *what;

	rnd_range(d, &addr, &len);
	switch (rnd_below(d, 5)) {
	case 0:
		addr += 1 + rnd_below(d, PAGE_SIZE - 1);
		break;
	case 1:
		len = 0;
		break;
	case 2:		/* end past TASK_SIZE: refused before anything is done */
		len = huge;
		break;
	case 3:		/* end wraps around */
		len = -addr + rnd_below(d, 4) * PAGE_SIZE;
		break;
	default:	/* unaligned length: rounded up */
		len += 1 + rnd_below(d, PAGE_SIZE - 1);
		if (!in_arena(addr, PAGE_ALIGN(len)))
			len = PAGE_SIZE - 1;
		break;
	}
	switch (rnd_below(d, 4)) {
	case 0:
		what = "munmap";
		d->nat = sysret(syscall(SYS_munmap, addr, len));
		d->lib = mm_munmap(d->mm, addr, len);
		break;
	case 1: {
		int prot = rnd_prot(d) | (chance(d, 30) ? PROT_GROWSUP : 0);

		what = "mprotect";
		d->nat = sysret(syscall(SYS_mprotect, addr, len, prot));
		d->lib = mm_mprotect(d->mm, addr, len, prot);
		break;
	}
	case 2:
		what = "madvise(MADV_NORMAL)";
		/* a huge madvise walks every mapping it meets: only the refused ones */
		if (addr + len > addr && addr + len > ARENA_END)
			len = ARENA_END - addr + 1;
		d->nat = sysret(syscall(SYS_madvise, addr, len, MADV_NORMAL));
		d->lib = mm_madvise(d->mm, addr, len, MADV_NORMAL);
		break;
	default: {
		static unsigned char vec[ARENA_PAGES + 1];

		what = "mincore";
		if (len > ARENA_SIZE && addr + len > addr && addr + len <= 0x7fffffffffffUL)
			len = ARENA_END - addr;
		d->nat = sysret(syscall(SYS_mincore, addr, len, vec));
		d->lib = mm_mincore(d->mm, addr, len, vec);
		break;
	}
	}
	describe(d, "%s(%#llx, %#llx)", what, (unsigned long long)addr, (unsigned long long)len);
}

/* ---- protection keys, from their own random stream ---- */

static uint64_t pk_rnd_below(struct diff *d, uint64_t n)
{
	uint64_t x = d->pk_rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	d->pk_rng = x;
	return n ? x % n : 0;
}

static bool pk_chance(struct diff *d, unsigned int percent)
{
	return pk_rnd_below(d, 100) < percent;
}

/* mostly a key this seed holds, sometimes any number at all */
static int pk_rnd_key(struct diff *d)
{
	int held[16], n = 0, k;

	for (k = 1; k < 16; k++)
		if (d->nat_keys & (1u << k))
			held[n++] = k;
	if (n && pk_chance(d, 60))
		return held[pk_rnd_below(d, (uint64_t)n)];
	if (pk_chance(d, 30))
		return pk_chance(d, 50) ? -1 : 0;
	return (int)pk_rnd_below(d, 20) - 2;
}

static void op_pkey_alloc(struct diff *d)
{
	unsigned long flags = pk_chance(d, 95) ? 0 : 1UL << pk_rnd_below(d, 40);
	unsigned long rights = pk_chance(d, 90) ? pk_rnd_below(d, 4) : pk_rnd_below(d, 64);

	describe(d, "pkey_alloc(%#lx, %#lx)", flags, rights);
	d->nat = sysret(syscall(SYS_pkey_alloc, flags, rights));
	d->lib = mm_pkey_alloc(d->mm, flags, rights);
	if (d->nat > 0 && d->nat < 16)
		d->nat_keys |= (uint16_t)(1u << d->nat);
}

static void op_pkey_free(struct diff *d)
{
	int pkey = pk_rnd_key(d);

	/* key 0 holds this process's own memory: freed, it could come back denied */
	if (d->pkeys && pkey == 0)
		pkey = 16;
	describe(d, "pkey_free(%d)", pkey);
	d->nat = sysret(syscall(SYS_pkey_free, pkey));
	d->lib = mm_pkey_free(d->mm, pkey);
	if (!d->nat && pkey > 0 && pkey < 16)
		d->nat_keys &= (uint16_t)~(1u << pkey);
}

static void op_pkey_mprotect(struct diff *d)
{
	int prot = rnd_prot_from(d, pk_rnd_below), pkey = pk_rnd_key(d);
	uint64_t pages = 1 + pk_rnd_below(d, pk_chance(d, 80) ? 8 : 256);
	uint64_t addr = ARENA + pk_rnd_below(d, ARENA_PAGES - pages + 1) * PAGE_SIZE;
	uint64_t len = pages * PAGE_SIZE;

	if (pk_chance(d, 5))
		addr += 1 + pk_rnd_below(d, PAGE_SIZE - 1);	/* unaligned: -EINVAL first */
	if (pk_chance(d, 5))
		len = 0;
	describe(d, "pkey_mprotect(%#llx, %#llx, %#x, %d)", (unsigned long long)addr,
		 (unsigned long long)len, prot, pkey);
	d->nat = sysret(syscall(SYS_pkey_mprotect, addr, len, prot, pkey));
	d->lib = mm_pkey_mprotect(d->mm, addr, len, (unsigned long)prot, pkey);
}

/* the program's own WRPKRU on a key other than 0 (the process needs key 0) */
static void op_wrpkru(struct diff *d)
{
	int pkey = 1 + (int)pk_rnd_below(d, 15);
	uint32_t shift = (uint32_t)pkey * 2, pkru;

	if (!d->pkeys) {
		describe(d, "no WRPKRU without keys");
		d->nat = d->lib = 0;
		return;
	}
	pkru = (rdpkru() & ~(3u << shift)) | ((uint32_t)pk_rnd_below(d, 4) << shift);
	describe(d, "wrpkru(%#x)", pkru);
	wrpkru(pkru);
	d->mm->pkru = pkru;
	d->nat = d->lib = 0;
}

/*
 * "range key" for each arena VMA of an smaps text, the key from its
 * ProtectionKey line or "-" without one
 */
static void smaps_keys(const char *smaps, char *out, size_t cap)
{
	const char *p = smaps;
	size_t len = 0;
	bool open = false;

	out[0] = '\0';
	for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		unsigned long long start, end;
		char key[16];

		/* a VMA's first line; no field name parses as "hex-hex" */
		if (sscanf(p, "%llx-%llx ", &start, &end) == 2) {
			if (open)
				len += (size_t)snprintf(out + len, cap - len, " -\n");
			open = start < ARENA_END && end > ARENA;
			if (open)
				len += (size_t)snprintf(out + len, cap - len, "%llx-%llx", start, end);
		} else if (open && sscanf(p, "ProtectionKey: %15s", key) == 1) {
			len += (size_t)snprintf(out + len, cap - len, " %s\n", key);
			open = false;
		}
		if (len >= cap)
			return;
	}
	if (open)
		snprintf(out + len, cap - len, " -\n");
}

static char nat_smaps_buf[16UL << 20];

static void op_smaps_keys(struct diff *d)
{
	static char nat[MAPS_MAX / 4], lib[MAPS_MAX / 4];
	int fd = open("/proc/self/smaps", O_RDONLY);
	size_t n = 0;
	ssize_t r;
	char *text;

	assert_true(fd >= 0);
	while ((r = read(fd, nat_smaps_buf + n, sizeof(nat_smaps_buf) - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	nat_smaps_buf[n] = '\0';
	text = mm_show_smaps(d->mm);
	assert_non_null(text);
	smaps_keys(nat_smaps_buf, nat, sizeof(nat));
	smaps_keys(text, lib, sizeof(lib));
	free(text);
	describe(d, "smaps ProtectionKey lines");
	d->nat = d->lib = 0;
	if (getenv("DIFF_SMAPS_KEYS"))
		printf("smaps keys:\n%s", lib);
	if (strcmp(nat, lib))
		diverge(d, "smaps keys differ:\n  native:\n%s  library:\n%s", nat, lib);
}

static void pkey_step(struct diff *d)
{
	unsigned int pick = (unsigned int)pk_rnd_below(d, 100);

	if (pick < 25)
		op_pkey_alloc(d);
	else if (pick < 45)
		op_pkey_free(d);
	else if (pick < 80)
		op_pkey_mprotect(d);
	else if (pick < 92)
		op_wrpkru(d);
	else
		op_smaps_keys(d);
}

/* ---- the sequence ---- */

struct op {
	const char *name;
	void (*fn)(struct diff *d);
	unsigned int weight;
};

static const struct op ops[] = {
	{ "mmap-anon",	op_mmap_anon,	18 },
	{ "mmap-file",	op_mmap_file,	8 },
	{ "munmap",	op_munmap,	10 },
	{ "mprotect",	op_mprotect,	14 },
	{ "madvise",	op_madvise,	10 },
	{ "mincore",	op_mincore,	6 },
	{ "touch",	op_touch,	30 },
	{ "bad-mmap",	op_bad_mmap,	4 },
	{ "bad-other",	op_bad_other,	4 },
};

static void one_step(struct diff *d)
{
	unsigned int total = 0, pick;
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		total += ops[i].weight;
	pick = (unsigned int)rnd_below(d, total);
	for (i = 0; pick >= ops[i].weight; i++)
		pick -= ops[i].weight;
	d->desc[0] = '\0';
	ops[i].fn(d);
	check_step(d);
	if (d->trace)
		printf("%lu: %s = %ld / %ld\n", d->step, d->desc, d->nat, d->lib);
	if (d->failed || !pk_chance(d, 8))
		return;
	d->desc[0] = '\0';
	pkey_step(d);
	check_step(d);
	if (d->trace)
		printf("%lu+: %s = %ld / %ld\n", d->step, d->desc, d->nat, d->lib);
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

static void make_file(struct diff *d)
{
	char tmpl[] = "/tmp/test_diff_linux.XXXXXX";
	uint8_t page[PAGE_SIZE];
	int fd = mkstemp(tmpl), i;
	char *real;

	assert_true(fd >= 0);
	for (i = 0; i <= FILE_PAGES; i++) {
		size_t n = i < FILE_PAGES ? PAGE_SIZE : FILE_SIZE - FILE_PAGES * PAGE_SIZE;

		for (size_t j = 0; j < n; j++)
			page[j] = (uint8_t)(i * 7 + j * 13 + 1);
		assert_int_equal(write(fd, page, n), (ssize_t)n);
	}
	close(fd);
	real = realpath(tmpl, NULL);
	assert_non_null(real);
	snprintf(d->path, sizeof(d->path), "%s", real);
	free(real);
	d->fd = open(d->path, O_RDONLY);
	assert_true(d->fd >= 0);
}

static uint64_t read_sysctl(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_true(read(fd, buf, sizeof(buf) - 1) > 0);
	close(fd);
	return strtoull(buf, NULL, 10);
}

/*
 * Whether this kernel maps the shared zero page on a read fault of private
 * anonymous memory (x86 Linux does) or gives the page a frame of its own,
 * as mm_forbids_zeropage() kernels do, and as one 6.18 host was seen to:
 * there the read VMA gets an anon_vma, and a later mprotect does not merge
 * it with a neighbour that has another (DIFF_SEED=4, step 2345).  smaps
 * counts a page of its own as Anonymous, the zero page not.
 */
static bool host_forbids_zeropage(void)
{
	volatile uint8_t *p = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char line[256], want[32];
	bool in_vma = false, forbids = false;
	unsigned long kb;
	FILE *f;

	assert_true(p != MAP_FAILED);
	(void)p[0];
	snprintf(want, sizeof(want), "%lx-", (unsigned long)p);
	f = fopen("/proc/self/smaps", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want)))
			in_vma = true;
		else if (in_vma && sscanf(line, "Anonymous: %lu kB", &kb) == 1) {
			forbids = kb > 0;
			break;
		}
	}
	fclose(f);
	munmap((void *)p, PAGE_SIZE);
	assert_true(in_vma);
	return forbids;
}

/*
 * The execute-only key this process already has, if anything mapped
 * PROT_EXEC alone before the test began (an execute-only segment): its
 * VMAs are "--x" with a ProtectionKey other than 0.  -1 if none.
 */
static int native_execute_only_pkey(void)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512], perms[8] = "";
	int key = -1, k;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end;

		if (sscanf(line, "%llx-%llx %7s", &start, &end, perms) == 3)
			continue;
		if (sscanf(line, "ProtectionKey: %d", &k) == 1 && !strncmp(perms, "--x", 3) && k > 0)
			key = k;
	}
	fclose(f);
	return key;
}

static void setup_lib(struct diff *d)
{
	struct sysinfo si;
	struct rlimit rl;

	d->zone_mem = aligned_alloc(PAGE_SIZE, ZONE_SIZE);
	assert_non_null(d->zone_mem);
	d->zone = zone_create(d->zone_mem, ZONE_SIZE);
	assert_non_null(d->zone);
	d->zone->mmap_min_addr = read_sysctl("/proc/sys/vm/mmap_min_addr");
	d->zone->overcommit_memory = (int)read_sysctl("/proc/sys/vm/overcommit_memory");
	d->zone->overcommit_ratio = (int)read_sysctl("/proc/sys/vm/overcommit_ratio");
	d->zone->max_map_count = read_sysctl("/proc/sys/vm/max_map_count");
	assert_int_equal(sysinfo(&si), 0);
	d->zone->totalram_pages = (uint64_t)si.totalram * si.mem_unit / PAGE_SIZE;
	d->zone->total_swap_pages = (uint64_t)si.totalswap * si.mem_unit / PAGE_SIZE;
	d->zone->forbids_zeropage = host_forbids_zeropage();
	d->pkeys = host_has_pkeys();
	d->zone->cpu_pkeys = d->pkeys;
	d->mm = mm_create(d->zone, NULL);
	assert_non_null(d->mm);
	/* the process's key state and this thread's PKRU, as the seeds before left them */
	if (pkey_carry.valid) {
		d->mm->pkey_allocation_map = pkey_carry.map;
		d->mm->execute_only_pkey = pkey_carry.execute_only_pkey;
	} else if (d->pkeys && native_execute_only_pkey() > 0) {
		d->mm->execute_only_pkey = native_execute_only_pkey();
		d->mm->pkey_allocation_map |= (uint16_t)(1u << d->mm->execute_only_pkey);
	}
	if (d->pkeys)
		d->mm->pkru = rdpkru();
	assert_int_equal(getrlimit(RLIMIT_STACK, &rl), 0);
	mm_set_rlimit(d->mm, MM_RLIMIT_STACK, rl.rlim_cur, rl.rlim_max);
	d->file = host_file_open(d->zone, d->fd, d->path, FMODE_READ);
	assert_non_null(d->file);
}

static void teardown(struct diff *d)
{
	char err[512];
	int k;

	/* the seed's keys go back on both sides; the next seed starts from the rest */
	for (k = 1; k < 16; k++) {
		if (!(d->nat_keys & (1u << k)))
			continue;
		syscall(SYS_pkey_free, k);
		mm_pkey_free(d->mm, k);
	}
	pkey_carry.map = d->mm->pkey_allocation_map;
	pkey_carry.execute_only_pkey = d->mm->execute_only_pkey;
	pkey_carry.valid = true;
	syscall(SYS_munmap, ARENA, ARENA_SIZE);
	mm_destroy(d->mm);
	fput(d->file);
	if (validate_zone_empty(d->zone, err, sizeof(err))) {
		printf("DIFF_SEED=%llu: validate_zone_empty: %s\n", (unsigned long long)d->seed, err);
		d->failed = true;
	}
	zone_destroy(d->zone);
	free(d->zone_mem);
	close(d->fd);
	unlink(d->path);
}

static void reserve_arena(void)
{
	/* with a margin: nothing of ours may sit next to it */
	uint64_t lo = ARENA - ARENA_MARGIN, size = ARENA_SIZE + 2 * ARENA_MARGIN;
	long r = nat_mmap(lo, size, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (r != (long)lo)
		fail_msg("the arena %#lx+%#lx is not free (%ld)", lo, size, r);
	syscall(SYS_munmap, lo, size);
}

static bool run_seed(uint64_t seed, unsigned long steps)
{
	struct diff d = { .seed = seed, .rng = seed * 0x9e3779b97f4a7c15ULL + 1,
			  .pk_rng = seed * 0xd1b54a32d192ed03ULL + 3 };
	bool ok;

	d.trace = env_u64("DIFF_TRACE", 0);
	reserve_arena();
	make_file(&d);
	setup_lib(&d);
	for (d.step = 0; d.step < steps && !d.failed; d.step++)
		one_step(&d);
	teardown(&d);
	ok = !d.failed;
	return ok;
}

/* DIFF_SEED alone, or seeds 1..DEFAULT_SEEDS; DIFF_STEPS steps each */
static void run_seeds(bool (*run)(uint64_t seed, unsigned long steps), const char *what)
{
	uint64_t steps = env_u64("DIFF_STEPS", DEFAULT_STEPS);
	const char *one = getenv("DIFF_SEED");
	uint64_t seed;

	if (one && *one) {
		if (!run(strtoull(one, NULL, 0), steps))
			fail_msg("%sdivergence, DIFF_SEED=%s", what, one);
		return;
	}
	for (seed = 1; seed <= DEFAULT_SEEDS; seed++)
		if (!run(seed, steps))
			fail_msg("%sdivergence, DIFF_SEED=%llu", what, (unsigned long long)seed);
}

static void test_diff_mmap(void **state)
{
	/* no transparent huge pages natively: residency must be per page */
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	print_message("host kernel: anonymous read faults map %s\n",
		      host_forbids_zeropage() ? "a page of their own (no zero page)" : "the zero page");
	run_seeds(run_seed, "");
}

/* ---- brk, in a child that leaves the heap alone ---- */

#define BRK_SPAN	(16UL << 20)	/* the heap and the obstacle live here */

struct brk_diff {
	struct diff d;
	uint64_t start_brk, min_brk, brk;
	uint64_t data_size;		/* end_data - start_data */
	uint64_t obstacle, obstacle_len;
	struct rlimit data_limit;	/* RLIMIT_DATA for the brk calls */
};

/* field @n (1-based) of /proc/self/stat */
static uint64_t stat_field(int n)
{
	static char buf[4096];
	int fd = open("/proc/self/stat", O_RDONLY), i;
	ssize_t len;
	char *p;

	assert_true(fd >= 0);
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(len > 0);
	buf[len] = '\0';
	p = strrchr(buf, ')') + 2;	/* field 3 */
	for (i = 3; i < n; i++)
		p = strchr(p, ' ') + 1;
	return strtoull(p, NULL, 10);
}

/* VmData of /proc/self/status, in pages */
static uint64_t native_data_vm(void)
{
	static char buf[8192];
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t len;
	char *p;

	assert_true(fd >= 0);
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(len > 0);
	buf[len] = '\0';
	p = strstr(buf, "VmData:");
	assert_non_null(p);
	return strtoull(p + 7, NULL, 10) >> (PAGE_SHIFT - 10);
}

static void brk_check(struct brk_diff *b)
{
	struct diff *d = &b->d;
	char err[512];

	if (d->nat != d->lib) {
		maps_pair(d->mm, b->start_brk, b->start_brk + BRK_SPAN);
		d->maps_fresh = true;
		diverge(d, "return values differ");
		return;
	}
	maps_pair(d->mm, b->start_brk, b->start_brk + BRK_SPAN);
	d->maps_fresh = true;
	if (strcmp(nat_lines, lib_lines)) {
		diverge(d, "maps differ");
		return;
	}
	if (validate_mm(d->mm, err, sizeof(err)))
		diverge(d, "validate_mm: %s", err);
}

static void brk_call(struct brk_diff *b, uint64_t val)
{
	struct diff *d = &b->d;

	describe(d, "brk(%#llx) [start_brk + %#llx]", (unsigned long long)val,
		 (unsigned long long)(val - b->start_brk));
	/* the library models only the heap: give it the process's data_vm */
	d->mm->data_vm = native_data_vm();
	/* the limit only around the call: malloc's mmap must not be refused */
	assert_int_equal(setrlimit(RLIMIT_DATA, &b->data_limit), 0);
	d->nat = syscall(SYS_brk, val);
	assert_int_equal(setrlimit(RLIMIT_DATA, &(struct rlimit){ RLIM_INFINITY, RLIM_INFINITY }), 0);
	d->lib = mm_brk(d->mm, val);
	b->brk = (uint64_t)d->nat;
}

static void brk_op_move(struct brk_diff *b)
{
	struct diff *d = &b->d;
	uint64_t val, off = chance(d, 30) ? rnd_below(d, PAGE_SIZE) : 0;

	switch (rnd_below(d, 6)) {
	case 0:		/* below the start: refused */
		val = b->start_brk - PAGE_SIZE * rnd_below(d, 16) - off - 1;
		break;
	case 1:		/* far away: refused */
		val = b->start_brk + (1UL << (40 + rnd_below(d, 8)));
		break;
	case 2:		/* within the current page */
		val = (b->brk & PAGE_MASK) + off;
		break;
	case 3:		/* shrink */
		val = b->brk - min(b->brk - b->min_brk, PAGE_SIZE * rnd_pages(d)) + off;
		break;
	default:	/* grow */
		val = b->brk + PAGE_SIZE * rnd_pages(d) + off;
		break;
	}
	if (val < b->min_brk && val >= b->start_brk)
		val = b->min_brk;	/* glibc's own heap stays */
	if (val >= b->start_brk + BRK_SPAN && val < b->start_brk + (1UL << 40))
		val = b->start_brk + BRK_SPAN - PAGE_SIZE;
	brk_call(b, val);
}

/* a mapping above the heap, for brk to run into */
static void brk_op_obstacle(struct brk_diff *b)
{
	struct diff *d = &b->d;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
	uint64_t span = b->start_brk + BRK_SPAN - PAGE_ALIGN(b->min_brk);
	uint64_t addr, len = PAGE_SIZE * (1 + rnd_below(d, 4));
	int prot = chance(d, 30) ? PROT_NONE : PROT_READ;

	if (b->obstacle) {
		syscall(SYS_munmap, b->obstacle, b->obstacle_len);
		mm_munmap(d->mm, b->obstacle, b->obstacle_len);
		b->obstacle = 0;
	}
	if (chance(d, 30))
		flags |= MAP_GROWSDOWN;
	addr = PAGE_ALIGN(b->min_brk) + PAGE_SIZE * rnd_below(d, span / PAGE_SIZE / 4);
	if (chance(d, 50))	/* close to the break */
		addr = PAGE_ALIGN(b->brk) + PAGE_SIZE * rnd_below(d, 300);
	describe(d, "obstacle mmap(%#llx, %#llx, prot %d, flags %#x)", (unsigned long long)addr,
		 (unsigned long long)len, prot, flags);
	d->nat = nat_mmap(addr, len, prot, flags, -1, 0);
	d->lib = mm_mmap(d->mm, addr, len, prot, flags, NULL, 0);
	if (d->nat == (long)addr && d->lib == (long)addr) {
		b->obstacle = addr;
		b->obstacle_len = len;
	} else if (d->nat == (long)addr) {
		syscall(SYS_munmap, addr, len);
	}
}

static void brk_op_rlimit(struct brk_diff *b)
{
	struct diff *d = &b->d;
	uint64_t heap = b->brk - b->start_brk + b->data_size;
	uint64_t vm = native_data_vm() << PAGE_SHIFT;
	struct rlimit rl = { .rlim_max = RLIM_INFINITY };

	switch (rnd_below(d, 5)) {
	case 0:
		rl.rlim_cur = RLIM_INFINITY;
		break;
	case 1:		/* around what brk checks: heap plus data */
		rl.rlim_cur = heap + rnd_below(d, 64 * PAGE_SIZE) - 16 * PAGE_SIZE;
		break;
	case 2:		/* around what may_expand_vm() checks: all private writable */
		rl.rlim_cur = vm + rnd_below(d, 64 * PAGE_SIZE);
		break;
	case 3:
		rl.rlim_cur = 0;
		break;
	default:
		rl.rlim_cur = max(heap, vm) + rnd_below(d, 64 * PAGE_SIZE);
		break;
	}
	describe(d, "setrlimit(RLIMIT_DATA, %#llx)", (unsigned long long)rl.rlim_cur);
	b->data_limit = rl;
	d->nat = 0;
	d->lib = mm_set_rlimit(d->mm, MM_RLIMIT_DATA, rl.rlim_cur, rl.rlim_max);
}

static int brk_child(uint64_t seed, unsigned long steps)
{
	struct brk_diff b = { .d = { .seed = seed, .rng = seed * 0x9e3779b97f4a7c15ULL + 7 } };
	struct diff *d = &b.d;
	struct rlimit rl;

	/* glibc's malloc must not move the break: mmap everything, never trim */
	mallopt(M_MMAP_THRESHOLD, 0);
	mallopt(M_TRIM_THRESHOLD, -1);
	mallopt(M_TOP_PAD, 0);
	d->trace = env_u64("DIFF_TRACE", 0);
	b.start_brk = stat_field(47);
	b.data_size = stat_field(46) - stat_field(45);
	b.brk = (uint64_t)syscall(SYS_brk, 0);
	b.min_brk = b.brk;
	assert_int_equal(getrlimit(RLIMIT_DATA, &rl), 0);
	b.data_limit = rl;

	d->zone_mem = aligned_alloc(PAGE_SIZE, 16UL << 20);
	d->zone = zone_create(d->zone_mem, 16UL << 20);
	assert_non_null(d->zone);
	d->zone->max_map_count = read_sysctl("/proc/sys/vm/max_map_count");
	d->zone->totalram_pages = get_phys_pages();
	d->zone->forbids_zeropage = host_forbids_zeropage();
	d->pkeys = host_has_pkeys();
	d->zone->cpu_pkeys = d->pkeys;
	d->mm = mm_create(d->zone, NULL);
	assert_non_null(d->mm);
	if (d->pkeys)
		d->mm->pkru = rdpkru();
	d->mm->start_data = stat_field(45);
	d->mm->end_data = stat_field(46);
	mm_set_rlimit(d->mm, MM_RLIMIT_DATA, rl.rlim_cur, rl.rlim_max);
	mm_set_brk_base(d->mm, b.start_brk);
	describe(d, "recreate the heap: brk(%#llx)", (unsigned long long)b.brk);
	d->nat = (long)b.brk;
	d->lib = mm_brk(d->mm, b.brk);
	brk_check(&b);
	for (d->step = 0; d->step < steps && !d->failed; d->step++) {
		unsigned int pick = (unsigned int)rnd_below(d, 100);

		if (pick < 8)
			brk_op_obstacle(&b);
		else if (pick < 14)
			brk_op_rlimit(&b);
		else
			brk_op_move(&b);
		if (!d->failed)
			brk_check(&b);
		if (d->trace)
			printf("%lu: %s = %ld / %ld\n", d->step, d->desc, d->nat, d->lib);
	}
	fflush(stdout);
	return d->failed ? 1 : 0;
}

/*
 * The child is a fresh exec of this binary: a heap inherited through fork
 * would not merge with new brk memory (its anon_vma chain is not singular),
 * and the library has no fork to copy that from.
 */
static bool run_brk_seed(uint64_t seed, unsigned long steps)
{
	char arg[32];
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		snprintf(arg, sizeof(arg), "%llu", (unsigned long long)seed);
		setenv("DIFF_BRK_CHILD", arg, 1);
		snprintf(arg, sizeof(arg), "%lu", steps);
		setenv("DIFF_STEPS", arg, 1);
		execl("/proc/self/exe", "test_diff_linux", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		print_error("brk child (seed %llu) died: status %#x\n", (unsigned long long)seed, status);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void test_diff_brk(void **state)
{
	run_seeds(run_brk_seed, "brk ");
}

int main(void)
{
	const char *brk_seed = getenv("DIFF_BRK_CHILD");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_mmap),
		cmocka_unit_test(test_diff_brk),
	};

	if (brk_seed)	/* run_brk_seed()'s child; exits without leak checks */
		_exit(brk_child(strtoull(brk_seed, NULL, 0), env_u64("DIFF_STEPS", DEFAULT_STEPS)));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
