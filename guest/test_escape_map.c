// SPDX-License-Identifier: GPL-2.0
/*
 * No way out of the guest, through system calls: mappings, remappings and
 * file offsets that would reach past the user half (where the monitor's
 * pages are) or past the guest's memory, and pointers into the kernel half
 * handed to the kernel.  Each line is Linux's answer, compared with a
 * native run: ENOMEM/EINVAL for addresses past TASK_SIZE (mm/mmap.c,
 * mm/mremap.c), EOVERFLOW for file offsets whose end wraps or passes
 * MAX_LFS_FILESIZE (file_mmap_ok()), SIGBUS past the end of the file,
 * EFAULT for a buffer the user may not access (access_ok()), and a sparse
 * memfd written and mapped at 2^62 reads zeros, not some other memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "test_escape.h"

#define TASK_SIZE	0x7ffffffff000UL

/* the program's own file (argv[0]: the monitor resolves it under --root) */
static const char *self;

static const char *res(long r)
{
	static char buf[64];

	if (r == -1)
		return strerror(errno);
	snprintf(buf, sizeof(buf), "ok");
	return buf;
}

#define SHOW(what, expr) do {						\
	errno = 0;							\
	long _r = (long)(expr);						\
	printf("%-58s -> %s\n", what, res(_r));				\
} while (0)

static long map_at(uint64_t addr, size_t len, int flags)
{
	void *p = mmap((void *)addr, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	munmap(p, len);
	return 0;
}

/* MAP_FIXED and MAP_FIXED_NOREPLACE at and across the end of the user half */
static void mappings(void)
{
	/*
	 * @all: mprotect and madvise too.  Not on ranges that start in the
	 * user half: the stack may be there (the monitor's is at the top),
	 * and whether those two touch it before they fail is no business of
	 * this test.  mmap and munmap check the range before anything.
	 */
	static const struct { const char *what; uint64_t addr; size_t len; bool all; } at[] = {
		{ "TASK_SIZE, the page below 2^47", TASK_SIZE, PAGE, true },
		{ "across TASK_SIZE", TASK_SIZE - PAGE, 2 * PAGE, false },
		{ "2^47, non-canonical", 0x800000000000UL, PAGE, true },
		{ "the direct map", DIRECT_MAP, PAGE, true },
		{ "the entry page (LSTAR)", LSTAR, PAGE, true },
		{ "the probe's address", PROBE_VA, PAGE, true },
		{ "the monitor's region", KTEXT_BASE, 2UL << 20, true },
		{ "the top page", 0xfffffffffffff000UL, PAGE, true },
		{ "2 TiB up to past 2^47", 0x7f0000000000UL, 0x20000000000UL, false },
		{ "a length that wraps", 0x10000, (size_t)-PAGE, false },
	};
	unsigned int i;
	char what[100];
	void *p;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		snprintf(what, sizeof(what), "mmap MAP_FIXED at %s", at[i].what);
		SHOW(what, map_at(at[i].addr, at[i].len, MAP_FIXED));
		snprintf(what, sizeof(what), "mmap MAP_FIXED_NOREPLACE at %s", at[i].what);
		SHOW(what, map_at(at[i].addr, at[i].len, MAP_FIXED_NOREPLACE));
		snprintf(what, sizeof(what), "munmap %s", at[i].what);
		SHOW(what, munmap((void *)at[i].addr, at[i].len));
		if (!at[i].all)
			continue;
		snprintf(what, sizeof(what), "mprotect %s", at[i].what);
		SHOW(what, mprotect((void *)at[i].addr, at[i].len, PROT_READ | PROT_WRITE | PROT_EXEC));
		snprintf(what, sizeof(what), "madvise DONTNEED %s", at[i].what);
		SHOW(what, madvise((void *)at[i].addr, at[i].len, MADV_DONTNEED));
	}
	/* a hint in the kernel half is a hint: the mapping lands below TASK_SIZE */
	p = mmap((void *)KTEXT_BASE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap with a hint at the monitor's region -> %s\n",
	       p == MAP_FAILED ? strerror(errno) : (uint64_t)p < TASK_SIZE ? "below TASK_SIZE" : "ABOVE");
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	SHOW("mmap of 2^47 bytes anywhere",
	     mmap(NULL, 1UL << 47, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) ==
	     MAP_FAILED ? -1 : 0);
	printf("brk to the monitor's region -> %s\n",
	       (uint64_t)syscall(SYS_brk, KTEXT_BASE) < TASK_SIZE ? "the break stays below TASK_SIZE" :
	       "MOVED");
}

/* mremap out of, into and across the end of the user half */
static void remaps(void)
{
	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *r;

#define REMAP(what, ...) do {						\
	errno = 0;							\
	r = mremap(__VA_ARGS__);					\
	printf("%-58s -> %s\n", what, r == MAP_FAILED ? strerror(errno) :	\
	       (uint64_t)r < TASK_SIZE ? "ok, below TASK_SIZE" : "ABOVE");	\
} while (0)
	p[0] = 1;
	REMAP("mremap to the monitor's region", p, PAGE, PAGE,
	      MREMAP_MAYMOVE | MREMAP_FIXED, (void *)KTEXT_BASE);
	REMAP("mremap to TASK_SIZE", p, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)TASK_SIZE);
	REMAP("mremap to straddle TASK_SIZE", p, 2 * PAGE, 2 * PAGE,
	      MREMAP_MAYMOVE | MREMAP_FIXED, (void *)(TASK_SIZE - PAGE));
	REMAP("mremap of the monitor's region", (void *)KTEXT_BASE, PAGE, PAGE, MREMAP_MAYMOVE);
	REMAP("mremap of the entry page", (void *)LSTAR, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
	REMAP("mremap growing to 2^47", p, PAGE, 1UL << 47, 0);
	REMAP("mremap growing by a wrapping length", p, PAGE, (size_t)-PAGE, MREMAP_MAYMOVE);
	munmap(p, 4 * PAGE);
}

/* touch one byte; the signal's name or "read" */
static const char *touch(volatile char *p)
{
	memset(&esc_res, 0, sizeof(esc_res));
	if (!sigsetjmp(esc_env, 0)) {
		char c = *p;

		(void)c;
		return "read";
	}
	return esc_res.signo == SIGBUS && esc_res.code == BUS_ADRERR ? "SIGBUS BUS_ADRERR" :
	       esc_signame(esc_res.signo);
}

/* file mappings and file I/O at offsets near the top of off_t */
static void offsets(bool high)
{
	int fd = memfd_create("escape", 0), exe = open(self, O_RDONLY);
	static const struct { const char *what; uint64_t off; size_t len; } at[] = {
		{ "offset 2^40", 1UL << 40, PAGE },
		{ "offset 2^62", 1UL << 62, PAGE },
		{ "offset 2^63 - 2 pages, 1 page", 0x7fffffffffffe000UL, PAGE },
		{ "offset 2^63 - 1 page, 1 page", 0x7ffffffffffff000UL, PAGE },
		{ "offset 2^63 - 1 page, 2 pages", 0x7ffffffffffff000UL, 2 * PAGE },
		{ "offset -1 page", (uint64_t)-PAGE, PAGE },
		{ "offset 2^64 - 2 pages, 4 pages (wraps)", (uint64_t)-2 * PAGE, 4 * PAGE },
		{ "offset 1, unaligned", 1, PAGE },
	};
	const int fds[] = { fd, exe };
	const char *names[] = { "a memfd", "the program's file" };
	unsigned int i, j;
	char what[120], buf[16];

	if (fd < 0 || exe < 0 || ftruncate(fd, PAGE)) {
		printf("cannot open the files: %s\n", strerror(errno));
		return;
	}
	for (j = 0; j < 2; j++) {
		for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
			char *p = mmap(NULL, at[i].len, PROT_READ, MAP_SHARED, fds[j], at[i].off);

			snprintf(what, sizeof(what), "mmap %s at %s", names[j], at[i].what);
			printf("%-58s -> %s", what, p == MAP_FAILED ? strerror(errno) : "ok");
			if (p != MAP_FAILED) {
				printf(", access: %s", touch(p));
				munmap(p, at[i].len);
			}
			printf("\n");
		}
		snprintf(what, sizeof(what), "pread %s at 2^62", names[j]);
		printf("%-58s -> %ld\n", what, (long)pread(fds[j], buf, sizeof(buf), 1L << 62));
		snprintf(what, sizeof(what), "pread %s at -1", names[j]);
		SHOW(what, pread(fds[j], buf, sizeof(buf), -1));
		lseek(fds[j], 0, SEEK_SET);
	}
	if (!high)
		goto out;
	/*
	 * What fs.c does not do as Linux yet (see the README): "high" only.
	 * lseek past the file system's s_maxbytes, pwrite at an offset
	 * (a memfd's is taken from the file position), and a memfd made
	 * sparse at 2^62.
	 */
	for (j = 0; j < 2; j++) {
		snprintf(what, sizeof(what), "lseek %s to 2^62, read", names[j]);
		SHOW(what, lseek(fds[j], 1L << 62, SEEK_SET) < 0 ? -1 : read(fds[j], buf, sizeof(buf)));
		lseek(fds[j], 0, SEEK_SET);
	}
	/* a memfd written at 2^62: sparse, the page there and the one below read zeros */
	SHOW("pwrite a memfd at 2^62", pwrite(fd, "x", 1, 1L << 62));
	SHOW("pwrite a memfd at 2^63 - 1", pwrite(fd, "x", 1, 0x7fffffffffffffffL));
	{
		char *p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, (1UL << 62) - PAGE);

		printf("%-58s -> %s", "mmap the memfd's pages around 2^62",
		       p == MAP_FAILED ? strerror(errno) : "ok");
		if (p != MAP_FAILED) {
			const char *below = touch(p + 1), *at = touch(p + PAGE);

			printf(", below: %s %d, at: %s %d", below, esc_res.signo ? -1 : p[1], at,
			       esc_res.signo ? -1 : p[PAGE]);
			munmap(p, 2 * PAGE);
		}
		printf("\n");
	}
out:
	close(fd);
	close(exe);
}

/*
 * The kernel is handed pointers into the kernel half: EFAULT, as access_ok()
 * says.  (Not one across TASK_SIZE: the monitor's stack ends there, and
 * its cwd is "/" under --root, so the outcomes differ for other reasons.)
 */
static void pointers(void)
{
	static const struct { const char *what; uint64_t p; } at[] = {
		{ "the monitor's region", KTEXT_BASE },
		{ "the trampoline", KTEXT_BASE + KERN_TRAMP },
		{ "the direct map", DIRECT_MAP + 0x1000 },
		{ "the entry page", LSTAR },
		{ "non-canonical", 0x800000000000UL },
	};
	int mfd = memfd_create("pointers", 0), exe = open(self, O_RDONLY);
	unsigned int i;
	char what[120];

	if (mfd < 0 || exe < 0)
		return;
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		void *p = (void *)at[i].p;
		struct iovec iov = { p, 16 };

#define PTR(call, expr) do {						\
	snprintf(what, sizeof(what), "%s from/to %s", call, at[i].what);\
	SHOW(what, expr);						\
} while (0)
		PTR("write to a memfd", write(mfd, p, 16));
		PTR("read a file", read(exe, p, 16));
		PTR("pread a file", pread(exe, p, 16, 0));
		PTR("readv a file", readv(exe, &iov, 1));
		PTR("readv with the iovec", readv(exe, p, 1));
		PTR("clock_gettime", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p));
		PTR("uname", syscall(SYS_uname, p));
		PTR("getcwd", syscall(SYS_getcwd, p, 64));
		PTR("open", syscall(SYS_open, p, O_RDONLY));
		PTR("rt_sigaction", syscall(SYS_rt_sigaction, SIGUSR1, p, NULL, 8));
		PTR("rt_sigaction old", syscall(SYS_rt_sigaction, SIGUSR1, NULL, p, 8));
		PTR("sigaltstack", syscall(SYS_sigaltstack, p, NULL));
		PTR("rt_sigprocmask", syscall(SYS_rt_sigprocmask, SIG_BLOCK, p, NULL, 8));
		PTR("nanosleep", syscall(SYS_nanosleep, p, NULL));
	}
	close(mfd);
	close(exe);
}

int main(int argc, char **argv)
{
	self = argc > 0 ? argv[0] : "/proc/self/exe";
	esc_setup();
	mappings();
	remaps();
	offsets(argc > 1 && !strcmp(argv[1], "high"));
	pointers();
	return 0;
}
