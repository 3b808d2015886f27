// SPDX-License-Identifier: GPL-2.0
/*
 * mseal(2), as Linux 6.10 and later have it: its own errnos, and what a
 * sealed mapping refuses with EPERM (munmap, MAP_FIXED over it, mremap,
 * mprotect, pkey_mprotect, discarding advice on read-only anonymous
 * memory) and still allows; smaps shows "sl"; a fork keeps the seal.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "testlib.h"

#define SYS_MSEAL	462

static long mseal(void *addr, size_t len, unsigned long flags)
{
	return syscall(SYS_MSEAL, addr, len, flags);
}

static const char *err(long r)
{
	return r < 0 ? strerror(errno) : "ok";
}

static const char *map_err(void *p)
{
	return p == MAP_FAILED ? strerror(errno) : "ok";
}

/* does smaps show the VMA at @addr as sealed ("sl" in VmFlags)? */
static const char *smaps_sealed(void *addr)
{
	static char buf[1 << 18];
	char *line, *save;
	unsigned long s, e, want = (unsigned long)addr;
	ssize_t n, got = 0;
	int fd = open("/proc/self/smaps", O_RDONLY), in = 0;

	if (fd < 0)
		return strerror(errno);
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = s <= want && want < e;
		else if (in && !strncmp(line, "VmFlags:", 8))
			return strstr(line, " sl") ? "sealed" : "not sealed";
	}
	return "no VmFlags";
}

static void errnos(void)
{
	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	printf("mseal(unaligned): %s\n", err(mseal(p + 1, PAGE, 0)));
	printf("mseal(flags 1): %s\n", err(mseal(p, PAGE, 1)));
	printf("mseal(len 0): %s\n", err(mseal(p, 0, 0)));
	printf("mseal(len -1): %s\n", err(mseal(p, (size_t)-1, 0)));
	printf("mseal(wrapping): %s\n", err(mseal((void *)-PAGE, 2 * PAGE, 0)));
	munmap(p + 2 * PAGE, PAGE);
	printf("mseal(across a hole): %s\n", err(mseal(p, 4 * PAGE, 0)));
	printf("  the first page stayed unsealed: %s\n", smaps_sealed(p));
	printf("mseal(ending in a hole): %s\n", err(mseal(p, 3 * PAGE, 0)));
	printf("mseal(unmapped): %s\n", err(mseal(p + 2 * PAGE, PAGE, 0)));
	printf("mseal(a partial last page): %s\n", err(mseal(p + 3 * PAGE, 100, 0)));
	printf("  sealed: %s\n", smaps_sealed(p + 3 * PAGE));
	munmap(p, 2 * PAGE);
}

static void refused(void)
{
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0), *mid = p + PAGE, *q;

	memset(p, 7, 3 * PAGE);
	printf("mseal(the middle page): %s\n", err(mseal(mid, PAGE, 0)));
	show_region("three pages, the middle one sealed", p, 3 * PAGE);
	printf("  smaps: first %s, middle %s\n", smaps_sealed(p), smaps_sealed(mid));
	printf("  mseal again: %s\n", err(mseal(mid, PAGE, 0)));
	printf("munmap(middle): %s\n", err(munmap(mid, PAGE)));
	printf("munmap(all three): %s\n", err(munmap(p, 3 * PAGE)));
	show_region("  after both", p, 3 * PAGE);
	printf("mprotect(middle, PROT_READ): %s\n", err(mprotect(mid, PAGE, PROT_READ)));
	printf("mprotect(middle, the same): %s\n",
	       err(mprotect(mid, PAGE, PROT_READ | PROT_WRITE)));
	printf("pkey_mprotect(middle, key 0): %s\n",
	       err(syscall(SYS_pkey_mprotect, mid, PAGE, PROT_READ, 0)));
	q = mremap(mid, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
	printf("mremap(middle, grow): %s\n", map_err(q));
	q = mremap(mid, PAGE, PAGE, 0);
	printf("mremap(middle, same size): %s\n", map_err(q));
	q = mremap(p, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, mid);
	printf("mremap(first onto middle): %s\n", map_err(q));
	q = mmap(mid, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("mmap(MAP_FIXED over middle): %s\n", map_err(q));
	printf("madvise(middle, MADV_DONTNEED), writable: %s\n",
	       err(madvise(mid, PAGE, MADV_DONTNEED)));
	printf("  the data is gone: %s\n", mid[0] == 0 ? "yes" : "no");
	printf("the middle still holds its page: %s\n", smaps_sealed(mid));
	printf("munmap(first): %s\n", err(munmap(p, PAGE)));
	printf("mprotect(last, PROT_READ): %s\n", err(mprotect(p + 2 * PAGE, PAGE, PROT_READ)));
	show_region("  after", p, 3 * PAGE);
	munmap(p + 2 * PAGE, PAGE);
}

/* read-only anonymous memory: the advice that discards is refused */
static void advice(const char *self)
{
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open(self, O_RDONLY);
	char *f = fd >= 0 ? mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	static const struct { const char *name; int advice; } adv[] = {
		{ "MADV_DONTNEED", MADV_DONTNEED }, { "MADV_FREE", MADV_FREE },
		{ "MADV_DONTFORK", MADV_DONTFORK }, { "MADV_WIPEONFORK", MADV_WIPEONFORK },
		{ "MADV_REMOVE", MADV_REMOVE }, { "MADV_WILLNEED", MADV_WILLNEED },
		{ "MADV_NORMAL", MADV_NORMAL }, { "MADV_RANDOM", MADV_RANDOM },
		{ "MADV_NOHUGEPAGE", MADV_NOHUGEPAGE },
	};
	unsigned int i;

	p[0] = 1;
	mprotect(p, PAGE, PROT_READ);
	printf("mseal(read-only anonymous): %s\n", err(mseal(p, PAGE, 0)));
	for (i = 0; i < sizeof(adv) / sizeof(adv[0]); i++)
		printf("  madvise(%s): %s\n", adv[i].name, err(madvise(p, PAGE, adv[i].advice)));
	printf("  the data is still there: %s\n", p[0] == 1 ? "yes" : "no");
	printf("mseal(read-only file mapping): %s\n", err(f == MAP_FAILED ? -1 : mseal(f, PAGE, 0)));
	printf("  madvise(MADV_DONTNEED): %s\n", err(madvise(f, PAGE, MADV_DONTNEED)));
	if (fd >= 0)
		close(fd);
}

/* the child's copy of a sealed mapping is sealed */
static void forked(void)
{
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t c;
	int st;

	mseal(p, PAGE, 0);
	c = fork();
	if (!c) {
		printf("child: munmap(sealed): %s\n", err(munmap(p, PAGE)));
		printf("child: smaps: %s\n", smaps_sealed(p));
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("the child exited %d\n", WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	errnos();
	refused();
	advice(argv[0]);
	forked();
	return 0;
}
