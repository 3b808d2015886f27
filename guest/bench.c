// SPDX-License-Identifier: GPL-2.0
/*
 * Memory-management microbenchmarks, one per run:
 *
 *   bench NAME [SIZE [ITERS [TAG]]]     (SIZE takes K, M, G suffixes)
 *   bench list                          the names and their default sizes
 *
 * The same static binary runs natively and under the monitor; the runner
 * (tools/bench/bench-run.c) runs it both ways.  Each measurement prints one
 * line:
 *
 *   bench NAME[_TAG] size=BYTES ops=N cycles=C exits=E [counter=V ...]
 *
 * where C is TSC cycles spent in the measured region only (setup excluded)
 * and E the VM exits in that region, from the monitor's /proc/vmm/stats,
 * or "-" natively, where that file does not exist.  A measurement that
 * needs threads the process cannot have prints instead
 *
 *   bench NAME[_TAG] n/a WHY
 *
 * and the program goes on, exit status 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <x86intrin.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif
/* musl-gcc has no kernel headers: <linux/futex.h>'s values */
#define FUTEX_WAIT_PRIVATE	128
#define FUTEX_WAKE_PRIVATE	129
#ifndef MREMAP_FIXED
#define MREMAP_FIXED		2
#endif

#define PAGE		4096UL
#define PMD_SIZE	(2UL << 20)
#define PUD_SIZE	(1UL << 30)

/* ---- counters: the monitor's /proc/vmm/stats ---- */

/*
 * The counters reported per measurement; "exits" must stay first.  Those
 * the monitor's file does not have are left out of the report: the TLB
 * shootdown counters come with several vCPUs.
 */
static const char *const ctr_names[] = {
	"exits", "syscalls", "faults", "allocs", "pgprefault",
	"thp_fault_alloc", "thp_split_pmd", "prezero_hits",
	"shootdowns", "shootdown_kicks", "lock_hold_cycles", "lock_wait_cycles",
};
#define NR_CTR	(sizeof(ctr_names) / sizeof(ctr_names[0]))
static int ctr_seen[NR_CTR];

static int stats_fd = -1;
static int64_t ctr_overhead[NR_CTR];	/* what one snapshot pair itself costs */

static void snapshot(int64_t *v)
{
	char buf[4096], *line, *save, *sp;
	ssize_t n;
	size_t i;

	memset(v, 0, NR_CTR * sizeof(*v));
	if (stats_fd < 0)
		return;
	/* from offset 0: the monitor regenerates the text, like a seq_file */
	n = pread(stats_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0) {
		fprintf(stderr, "bench: pread /proc/vmm/stats: %s\n",
			n ? strerror(errno) : "empty");
		exit(1);
	}
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = 0;
		for (i = 0; i < NR_CTR; i++)
			if (!strcmp(line, ctr_names[i])) {
				v[i] = strtoll(sp + 1, NULL, 10);
				ctr_seen[i] = 1;
			}
	}
}

/*
 * The reads of the stats file are system calls, hence exits: the smallest
 * delta of back-to-back snapshots is what a snapshot pair adds by itself.
 */
static void stats_open(void)
{
	int64_t a[NR_CTR], b[NR_CTR];
	size_t i;
	int r;

	stats_fd = open("/proc/vmm/stats", O_RDONLY | O_CLOEXEC);
	if (stats_fd < 0)
		return;		/* native: no such file */
	for (r = 0; r < 8; r++) {
		snapshot(a);
		snapshot(b);
		for (i = 0; i < NR_CTR; i++)
			if (!r || b[i] - a[i] < ctr_overhead[i])
				ctr_overhead[i] = b[i] - a[i];
	}
}

struct meter {
	uint64_t cycles, t0;
	int64_t ctr[NR_CTR], start[NR_CTR];
};

static inline uint64_t tsc(void)
{
	_mm_lfence();
	return __rdtsc();
}

static inline void meter_start(struct meter *m)
{
	snapshot(m->start);
	m->t0 = tsc();
}

static inline void meter_stop(struct meter *m)
{
	uint64_t t = tsc();
	int64_t now[NR_CTR];
	size_t i;

	m->cycles += t - m->t0;
	snapshot(now);
	for (i = 0; i < NR_CTR; i++)
		m->ctr[i] += now[i] - m->start[i] - ctr_overhead[i];
}

static const char *tag;

/* @name is the whole name: no tag added */
static void report_name(const char *name, uint64_t size, uint64_t ops, const struct meter *m)
{
	size_t i;

	printf("bench %s size=%llu ops=%llu cycles=%llu", name, (unsigned long long)size,
	       (unsigned long long)ops, (unsigned long long)m->cycles);
	if (stats_fd < 0) {
		printf(" exits=-\n");
		return;
	}
	for (i = 0; i < NR_CTR; i++)
		if (ctr_seen[i])
			printf(" %s=%lld", ctr_names[i], (long long)m->ctr[i]);
	printf("\n");
}

static void report(const char *name, uint64_t size, uint64_t ops, const struct meter *m)
{
	char full[64];

	snprintf(full, sizeof(full), "%s%s%s", name, tag ? "_" : "", tag ? tag : "");
	report_name(full, size, ops, m);
}

/* @name is the whole name: no tag added */
static void report_na(const char *name, const char *why)
{
	printf("bench %s n/a %s\n", name, why);
}

/* ---- helpers ---- */

static void die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static char *map_anon(size_t len, int prot)
{
	char *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* populated with 4 KiB pages whatever the THP mode, so all runs compare */
static void populate_4k(char *p, size_t len)
{
	if (madvise(p, len, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	if (madvise(p, len, MADV_POPULATE_WRITE))
		die("madvise(MADV_POPULATE_WRITE)");
}

static void touch_write(char *p, size_t len)
{
	size_t off;

	for (off = 0; off < len; off += PAGE)
		*(volatile char *)(p + off) = 1;
}

static long raw_getpid(void)
{
	long ret;

	asm volatile("syscall" : "=a"(ret) : "a"(SYS_getpid) : "rcx", "r11", "memory");
	return ret;
}

/* ---- the benchmarks ---- */

/* anonymous first touch by write: 4 KiB pages, or THP on an aligned region */
static void bench_touch(const char *name, size_t size, int iters, int advice, int write)
{
	struct meter m = { 0 };
	volatile char sink;
	size_t off;
	char *raw, *p;
	int i;

	for (i = 0; i < iters; i++) {
		raw = map_anon(size + PMD_SIZE, PROT_READ | PROT_WRITE);
		p = (char *)(((uintptr_t)raw + PMD_SIZE - 1) & ~(PMD_SIZE - 1));
		if (madvise(p, size, advice))
			die("madvise");
		meter_start(&m);
		for (off = 0; off < size; off += PAGE) {
			if (write)
				*(volatile char *)(p + off) = 1;
			else
				sink = *(volatile char *)(p + off);
		}
		meter_stop(&m);
		munmap(raw, size + PMD_SIZE);
	}
	(void)sink;
	report(name, size, iters * (size / PAGE), &m);
}

/*
 * COW break: the child writes every page the parent populated, and hands
 * its measurement back in a shared page.
 */
static void bench_cow(size_t size, int iters)
{
	struct meter child = { 0 }, total = { 0 }, *m;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	int i, status;
	size_t c;
	pid_t pid;

	m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		die("mmap(MAP_SHARED)");
	populate_4k(p, size);
	for (i = 0; i < iters; i++) {
		memset(m, 0, sizeof(*m));
		meter_start(&total);
		pid = fork();
		if (pid < 0)
			die("fork");
		if (!pid) {
			meter_start(m);
			touch_write(p, size);
			meter_stop(m);
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || status)
			die("cow child");
		meter_stop(&total);
		child.cycles += m->cycles;
		for (c = 0; c < NR_CTR; c++)
			child.ctr[c] += m->ctr[c];
	}
	munmap(m, PAGE);
	report("cow_child", size, iters * (size / PAGE), &child);
	report("cow_total", size, iters * (size / PAGE), &total);
	munmap(p, size);
}

/* fork with SIZE populated: until fork() returns in the parent, and the round trip */
static void bench_fork(size_t size, int iters)
{
	struct meter ret = { 0 }, rt = { 0 };
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	int i, status;
	pid_t pid;

	populate_4k(p, size);
	for (i = 0; i < 2 * iters; i++) {
		struct meter *m = i < iters ? &ret : &rt;

		meter_start(m);
		pid = fork();
		if (pid < 0)
			die("fork");
		if (!pid)
			_exit(0);
		if (i < iters)
			meter_stop(m);
		if (waitpid(pid, &status, 0) != pid || status)
			die("fork child");
		if (i >= iters)
			meter_stop(m);
	}
	report("fork", size, iters, &ret);
	report("fork_rt", size, iters, &rt);
	munmap(p, size);
}

static void bench_mmap_munmap(size_t size, int iters)
{
	struct meter m = { 0 };
	void *p;
	int i;

	meter_start(&m);
	for (i = 0; i < iters; i++) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED || munmap(p, size))
			die("mmap/munmap");
	}
	meter_stop(&m);
	report("mmap_munmap", size, iters, &m);
}

/* RW <-> R on a few populated pages: two calls per iteration */
static void bench_mprotect(size_t size, int iters)
{
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct meter m = { 0 };
	int i;

	populate_4k(p, size);
	meter_start(&m);
	for (i = 0; i < iters; i++) {
		if (mprotect(p, size, PROT_READ) || mprotect(p, size, PROT_READ | PROT_WRITE))
			die("mprotect");
	}
	meter_stop(&m);
	report("mprotect", size, 2 * iters, &m);
	munmap(p, size);
}

/*
 * mremap of a populated region back and forth between a 1 GiB-aligned
 * source and a destination at a distance from it of 4 KiB modulo 2 MiB
 * (PTEs move one by one), 2 MiB modulo 1 GiB (whole PTE tables can move) or
 * a multiple of 1 GiB (whole PMD tables can move): one line each.
 */
static void bench_mremap(size_t size, int iters)
{
	static const struct {
		const char *name;
		size_t delta;
	} aligns[] = { { "mremap_4k", PAGE }, { "mremap_2m", PMD_SIZE }, { "mremap_1g", 0 } };
	size_t span = (size + PUD_SIZE - 1) & ~(PUD_SIZE - 1);
	size_t rlen = 2 * span + 2 * PUD_SIZE, a;
	char *res = mmap(NULL, rlen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			 -1, 0);
	char *home, *src, *dst, *t;
	int i;

	if (res == MAP_FAILED)
		die("mmap (reserve)");
	home = (char *)(((uintptr_t)res + PUD_SIZE - 1) & ~(PUD_SIZE - 1));
	if (mmap(home, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) == MAP_FAILED)
		die("mmap (source)");
	populate_4k(home, size);
	for (a = 0; a < sizeof(aligns) / sizeof(aligns[0]); a++) {
		struct meter m = { 0 };

		src = home;
		dst = home + span + aligns[a].delta;
		for (i = 0; i < iters; i++) {
			meter_start(&m);
			t = mremap(src, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
			meter_stop(&m);
			if (t != dst)
				die("mremap");
			t = src;
			src = dst;
			dst = t;
		}
		if (src != home && mremap(src, size, size, MREMAP_MAYMOVE | MREMAP_FIXED,
					  home) != home)
			die("mremap (back)");
		if (home[0] != 0 || home[size - 1] != 0)
			die("mremap lost the contents");
		report(aligns[a].name, size, iters, &m);
	}
	munmap(res, rlen);
}

/* grow the break in 64 KiB steps, touching every new page */
static void bench_brk(size_t size, int iters)
{
	const size_t step = 64 * 1024;
	char *b0 = (char *)syscall(SYS_brk, 0), *cur;
	struct meter m = { 0 };
	int i;

	for (i = 0; i < iters; i++) {
		meter_start(&m);
		for (cur = b0; cur < b0 + size; cur += step) {
			if ((char *)syscall(SYS_brk, cur + step) != cur + step)
				die("brk");
			touch_write(cur, step);
		}
		meter_stop(&m);
		syscall(SYS_brk, b0);
	}
	report("brk", size, iters * (size / PAGE), &m);
}

/* MADV_DONTNEED of a populated region, then the refault by write */
static void bench_dontneed(size_t size, int iters)
{
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct meter zap = { 0 }, refault = { 0 };
	int i;

	populate_4k(p, size);
	for (i = 0; i < iters; i++) {
		meter_start(&zap);
		if (madvise(p, size, MADV_DONTNEED))
			die("madvise(MADV_DONTNEED)");
		meter_stop(&zap);
		meter_start(&refault);
		touch_write(p, size);
		meter_stop(&refault);
	}
	report("dontneed", size, iters * (size / PAGE), &zap);
	report("dontneed_refault", size, iters * (size / PAGE), &refault);
	munmap(p, size);
}

/* private file mappings: read faults (page cache) and write faults (COW) */
static void bench_file(size_t size, int iters)
{
	static const char *const paths[] = { "bench-file.tmp", "/tmp/bench-file.tmp" };
	struct meter rd = { 0 }, wr = { 0 };
	static char chunk[1 << 16];
	volatile char sink;
	const char *path = NULL;
	size_t off, k;
	int fd = -1, i;
	char *p;

	for (k = 0; k < 2 && fd < 0; k++) {
		path = paths[k];
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		die("create bench-file.tmp (here or in /tmp)");
	memset(chunk, 0x5a, sizeof(chunk));
	for (off = 0; off < size; off += sizeof(chunk))
		if (write(fd, chunk, sizeof(chunk)) != sizeof(chunk))
			die("write bench-file.tmp");
	for (i = 0; i < 2 * iters; i++) {
		int w = i >= iters;
		struct meter *m = w ? &wr : &rd;

		p = mmap(NULL, size, w ? PROT_READ | PROT_WRITE : PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			die("mmap bench-file.tmp");
		meter_start(m);
		for (off = 0; off < size; off += PAGE) {
			if (w)
				p[off] = 1;
			else
				sink = p[off];
		}
		meter_stop(m);
		munmap(p, size);
	}
	(void)sink;
	close(fd);
	unlink(path);
	report("file_read_fault", size, iters * (size / PAGE), &rd);
	report("file_write_fault", size, iters * (size / PAGE), &wr);
}

static void bench_getpid(int iters)
{
	struct meter m = { 0 };
	int i;

	meter_start(&m);
	for (i = 0; i < iters; i++)
		raw_getpid();
	meter_stop(&m);
	report("getpid", 0, iters, &m);
}

static char *segv_page;
static sigjmp_buf segv_env;

static void segv_mprotect(int sig, siginfo_t *si, void *uc)
{
	if (si->si_addr != segv_page || mprotect(segv_page, PAGE, PROT_READ | PROT_WRITE))
		_exit(3);
}

static void segv_longjmp(int sig, siginfo_t *si, void *uc)
{
	if (si->si_addr != segv_page)
		_exit(3);
	siglongjmp(segv_env, 1);
}

/*
 * SIGSEGV round trips: the handler fixes the page with mprotect and
 * returns (the program takes the page away again), or siglongjmps out.
 */
static void bench_sigsegv(int iters, int longjmp)
{
	struct sigaction sa = { 0 };
	struct meter m = { 0 };
	volatile int i;

	segv_page = map_anon(PAGE, PROT_NONE);
	sa.sa_sigaction = longjmp ? segv_longjmp : segv_mprotect;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSEGV, &sa, NULL))
		die("sigaction");
	meter_start(&m);
	for (i = 0; i < iters; i++) {
		if (longjmp) {
			if (!sigsetjmp(segv_env, 1))
				*(volatile char *)segv_page = 1;
		} else {
			*(volatile char *)segv_page = 1;
			if (mprotect(segv_page, PAGE, PROT_NONE))
				die("mprotect");
		}
	}
	meter_stop(&m);
	signal(SIGSEGV, SIG_DFL);
	report(longjmp ? "sigsegv_longjmp" : "sigsegv_mprotect", 0, iters, &m);
	munmap(segv_page, PAGE);
}


/* ---- threads (issue 17): shootdown, fault scaling, futex ---- */

/*
 * Threads are started before the measured region and stopped after it.
 * When pthread_create() fails (the monitor without CLONE_THREAD says
 * EAGAIN) the rows that need that many threads print n/a.
 */
static char thread_why[64];

static int start_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	int err = pthread_create(t, NULL, fn, arg);
	char *p;

	if (!err)
		return 0;
	snprintf(thread_why, sizeof(thread_why), "pthread_create:%s", strerror(err));
	for (p = thread_why; *p; p++)
		if (*p == ' ')
			*p = '_';	/* one token for the runner */
	return -1;
}

/* the CPUs to scale to: BENCH_CPUS (the runner's host), else ours */
static int nr_cpus(void)
{
	const char *env = getenv("BENCH_CPUS");
	cpu_set_t set;

	if (env && atoi(env) > 0)
		return atoi(env);
	if (!sched_getaffinity(0, sizeof(set), &set) && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	return 1;
}

#define MAX_SPIN	8

/* each spinner writes its own cache line: it runs in the mm, not lazily */
static struct {
	atomic_int stop, ready;
	struct { volatile uint64_t v; char pad[56]; } line[MAX_SPIN];
} spin;

static void *spinner(void *arg)
{
	volatile uint64_t *v = &spin.line[(long)arg].v;

	atomic_fetch_add(&spin.ready, 1);
	while (!atomic_load_explicit(&spin.stop, memory_order_relaxed))
		(*v)++;
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * munmap of SIZE populated bytes while 0, 1, 2, 4 and 8 other threads of
 * the process spin, writing memory of the mm: Linux must interrupt every
 * CPU that runs one of them before munmap returns.  Rows shootdown_TAG_tN.
 * With more threads than CPUs the munmapping thread is now and then
 * preempted in the call, and a preempted target vCPU of the host takes
 * its flush without an IPI: the cycles reported are the median munmap
 * times the count, not the sum, so that those do not decide the row.
 */
static void bench_shootdown(size_t size, int iters)
{
	static const int spinners[] = { 0, 1, 2, 4, 8 };
	uint64_t *cyc = malloc(iters * sizeof(*cyc)), before;
	pthread_t t[MAX_SPIN];
	char name[64];
	int s, i, n = 0, failed = 0;

	if (!cyc)
		die("malloc");

	for (s = 0; s < (int)(sizeof(spinners) / sizeof(spinners[0])); s++) {
		struct meter m = { 0 };

		snprintf(name, sizeof(name), "shootdown%s%s_t%d", tag ? "_" : "", tag ? tag : "",
			 spinners[s]);
		while (!failed && n < spinners[s]) {
			if (start_thread(&t[n], spinner, (void *)(long)n))
				failed = 1;
			else
				n++;
		}
		if (failed) {
			report_na(name, thread_why);
			continue;
		}
		while (atomic_load(&spin.ready) < n)
			sched_yield();
		for (i = 0; i < iters; i++) {
			char *p = map_anon(size, PROT_READ | PROT_WRITE);

			populate_4k(p, size);
			before = m.cycles;
			meter_start(&m);
			if (munmap(p, size))
				die("munmap");
			meter_stop(&m);
			cyc[i] = m.cycles - before;
		}
		qsort(cyc, iters, sizeof(*cyc), cmp_u64);
		m.cycles = cyc[iters / 2] * iters;
		report_name(name, size, iters, &m);
	}
	atomic_store(&spin.stop, 1);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	atomic_store(&spin.stop, 0);
	atomic_store(&spin.ready, 0);
	free(cyc);
}

/* first touch of disjoint regions by N threads, the caller one of them */
static struct {
	atomic_int go, ready;
	size_t size;
} ft;

struct toucher {
	char *p;
	pthread_t t;
	uint64_t end;
};

static void *toucher(void *arg)
{
	struct toucher *w = arg;

	atomic_fetch_add(&ft.ready, 1);
	while (!atomic_load_explicit(&ft.go, memory_order_acquire))
		;
	touch_write(w->p, ft.size);
	w->end = tsc();
	return NULL;
}

/* one run with @n threads: 0, or -1 when a thread cannot start */
static int fault_run(int n, struct meter *m)
{
	struct toucher *w = calloc(n, sizeof(*w));
	struct meter run = { 0 };
	uint64_t end;
	int i, started;

	if (!w)
		die("calloc");
	for (i = 0; i < n; i++) {
		w[i].p = map_anon(ft.size, PROT_READ | PROT_WRITE);
		if (madvise(w[i].p, ft.size, MADV_NOHUGEPAGE))
			die("madvise(MADV_NOHUGEPAGE)");
	}
	atomic_store(&ft.go, 0);
	atomic_store(&ft.ready, 0);
	for (started = 1; started < n; started++)
		if (start_thread(&w[started].t, toucher, &w[started]))
			break;
	if (started == n) {
		while (atomic_load(&ft.ready) < n - 1)
			sched_yield();
		meter_start(&run);
		atomic_store_explicit(&ft.go, 1, memory_order_release);
		touch_write(w[0].p, ft.size);
		end = tsc();
		for (i = 1; i < n; i++) {
			pthread_join(w[i].t, NULL);
			if (w[i].end > end)
				end = w[i].end;
		}
		meter_stop(&run);
		/* until the slowest thread's last touch, not the joins' end */
		m->cycles += end - run.t0;
		for (i = 0; i < (int)NR_CTR; i++)
			m->ctr[i] += run.ctr[i];
	} else {
		atomic_store(&ft.go, 1);
		for (i = 1; i < started; i++)
			pthread_join(w[i].t, NULL);
	}
	for (i = 0; i < n; i++)
		munmap(w[i].p, ft.size);
	free(w);
	return started == n ? 0 : -1;
}

/*
 * N threads (1, 2 and the host's CPUs) first-touch SIZE bytes each, in
 * regions of their own: rows fault_scale_tN, an op per page, the cycles from
 * the start to the slowest thread's last touch.
 */
static void bench_fault_scale(size_t size, int iters)
{
	int counts[3] = { 1, 2, nr_cpus() }, c, i, na = 0;
	char name[64];

	ft.size = size;
	for (c = 0; c < 3; c++) {
		struct meter m = { 0 };

		if (c == 2 && counts[2] <= 2)
			break;
		snprintf(name, sizeof(name), "fault_scale%s%s_t%d", tag ? "_" : "", tag ? tag : "",
			 counts[c]);
		for (i = 0; !na && i < iters; i++)
			na = fault_run(counts[c], &m);
		if (na)
			report_na(name, thread_why);
		else
			report_name(name, size * counts[c], iters * counts[c] * (size / PAGE), &m);
	}
}

/* futex ping-pong: the word goes 0 -> 1 (main) -> 0 (the other thread) */
static atomic_int pp_word, pp_stop;

static void futex_wait(atomic_int *w, int val)
{
	syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(atomic_int *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *ponger(void *arg)
{
	for (;;) {
		while (atomic_load(&pp_word) == 0)
			futex_wait(&pp_word, 0);
		if (atomic_load(&pp_stop))
			return NULL;
		atomic_store(&pp_word, 0);
		futex_wake(&pp_word);
	}
}

/* a round trip: wake the other thread, sleep until it wakes this one */
static void bench_futex(int iters)
{
	struct meter m = { 0 };
	pthread_t t;
	char name[64];
	int i;

	snprintf(name, sizeof(name), "futex_pingpong%s%s", tag ? "_" : "", tag ? tag : "");
	if (start_thread(&t, ponger, NULL)) {
		report_na(name, thread_why);
		return;
	}
	meter_start(&m);
	for (i = 0; i < iters; i++) {
		atomic_store(&pp_word, 1);
		futex_wake(&pp_word);
		while (atomic_load(&pp_word) == 1)
			futex_wait(&pp_word, 1);
	}
	meter_stop(&m);
	atomic_store(&pp_stop, 1);
	atomic_store(&pp_word, 1);
	futex_wake(&pp_word);
	pthread_join(t, NULL);
	report_name(name, 0, iters, &m);
}

/* ---- command line ---- */

enum { B_TOUCH_4K, B_TOUCH_THP, B_TOUCH_READ, B_COW, B_FORK, B_MMAP, B_MPROTECT,
       B_MREMAP, B_BRK, B_DONTNEED, B_FILE, B_GETPID,
       B_SEGV_MPROTECT, B_SEGV_LONGJMP, B_SHOOTDOWN, B_FAULT_SCALE, B_FUTEX };

static const struct {
	const char *name;
	const char *size;
	int iters;
} benches[] = {
	[B_TOUCH_4K]	  = { "touch_4k", "256M", 1 },
	[B_TOUCH_THP]	  = { "touch_thp", "256M", 1 },
	[B_TOUCH_READ]	  = { "touch_read", "256M", 1 },
	[B_COW]		  = { "cow", "64M", 1 },
	[B_FORK]	  = { "fork", "64M", 10 },
	[B_MMAP]	  = { "mmap_munmap", "4K", 10000 },
	[B_MPROTECT]	  = { "mprotect", "16K", 10000 },
	[B_MREMAP]	  = { "mremap", "1G", 2 },
	[B_BRK]		  = { "brk", "64M", 1 },
	[B_DONTNEED]	  = { "dontneed", "64M", 2 },
	[B_FILE]	  = { "file", "64M", 1 },
	[B_GETPID]	  = { "getpid", "0", 100000 },
	[B_SEGV_MPROTECT] = { "sigsegv_mprotect", "0", 10000 },
	[B_SEGV_LONGJMP]  = { "sigsegv_longjmp", "0", 10000 },
	[B_SHOOTDOWN]	  = { "shootdown", "4K", 1000 },
	[B_FAULT_SCALE]	  = { "fault_scale", "16M", 1 },
	[B_FUTEX]	  = { "futex", "0", 10000 },
};
#define NR_BENCH	(int)(sizeof(benches) / sizeof(benches[0]))

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	int shift = 0;

	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end || end == s)
		return -1;
	*out = (size_t)v << shift;
	return 0;
}

static void usage(void)
{
	int b;

	fprintf(stderr, "usage: bench NAME [SIZE [ITERS [TAG]]] | bench list | bench floor\n");
	for (b = 0; b < NR_BENCH; b++)
		fprintf(stderr, "  %-18s %5s x %d\n", benches[b].name, benches[b].size,
			benches[b].iters);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *floor;
	size_t size;
	int b, iters;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "list")) {
		for (b = 0; b < NR_BENCH; b++)
			printf("%s %s %d\n", benches[b].name, benches[b].size, benches[b].iters);
		return 0;
	}
	if (!strcmp(argv[1], "floor")) {
		/* vmm --exit-floor N passes its measurement in the environment */
		floor = getenv("VMM_EXIT_FLOOR");
		printf("floor cycles=%s user_cycles=%s\n", floor ? floor : "-",
		       getenv("VMM_USER_EXIT_FLOOR") ? getenv("VMM_USER_EXIT_FLOOR") : "-");
		return !floor;
	}
	for (b = 0; b < NR_BENCH && strcmp(argv[1], benches[b].name); b++)
		;
	if (b == NR_BENCH)
		usage();
	if (parse_size(argc > 2 ? argv[2] : benches[b].size, &size))
		usage();
	iters = argc > 3 ? atoi(argv[3]) : benches[b].iters;
	if (iters < 1)
		usage();
	tag = argc > 4 ? argv[4] : NULL;
	size = (size + PAGE - 1) & ~(PAGE - 1);
	if (!size && (b < B_GETPID || b == B_SHOOTDOWN || b == B_FAULT_SCALE))
		usage();
	stats_open();

	switch (b) {
	case B_TOUCH_4K:	bench_touch("touch_4k", size, iters, MADV_NOHUGEPAGE, 1); break;
	case B_TOUCH_THP:	bench_touch("touch_thp", size, iters, MADV_HUGEPAGE, 1); break;
	case B_TOUCH_READ:	bench_touch("touch_read", size, iters, MADV_NOHUGEPAGE, 0); break;
	case B_COW:		bench_cow(size, iters); break;
	case B_FORK:		bench_fork(size, iters); break;
	case B_MMAP:		bench_mmap_munmap(size, iters); break;
	case B_MPROTECT:	bench_mprotect(size, iters); break;
	case B_MREMAP:		bench_mremap(size, iters); break;
	case B_BRK:		bench_brk(size, iters); break;
	case B_DONTNEED:	bench_dontneed(size, iters); break;
	case B_FILE:		bench_file(size, iters); break;
	case B_GETPID:		bench_getpid(iters); break;
	case B_SEGV_MPROTECT:	bench_sigsegv(iters, 0); break;
	case B_SEGV_LONGJMP:	bench_sigsegv(iters, 1); break;
	case B_SHOOTDOWN:	bench_shootdown(size, iters); break;
	case B_FAULT_SCALE:	bench_fault_scale(size, iters); break;
	case B_FUTEX:		bench_futex(iters); break;
	}
	return 0;
}
