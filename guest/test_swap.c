// SPDX-License-Identifier: GPL-2.0
/*
 * Memory pressure: anonymous memory several times the guest's, filled with
 * a pattern, verified, then verified again by a forked child (which also
 * writes its copy) and by the parent afterwards.  A memfd, a shared
 * anonymous mapping and a host file mapped MAP_SHARED hold data through
 * the pressure; the file's pages are written while the anonymous memory
 * grows, and its contents are read back with read(2) at the end.
 *
 *   test_swap [MiB [keep|oom|threads]]
 *
 * MiB (default 64) is the anonymous size; "keep" leaves the host file
 * test_swap.tmp/data behind for the caller to compare with a native run;
 * "oom" only touches MiB of anonymous memory, in 4 MiB mappings;
 * "threads" has THREADS threads each rewrite and verify its share of MiB
 * for ROUNDS rounds, so that reclaim runs while the other vCPUs write
 * (a write through a translation reclaim has removed would be lost).
 * Run natively it passes wherever memory is plentiful; under the monitor
 * it needs swap (--mem 16M --swap 128M), and without swap it is
 * OOM-killed, as Linux would kill it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testlib.h"

#define DIR		"test_swap.tmp"
#define FILE1		DIR "/data"
#define SMALL_PAGES	64	/* memfd, shared anonymous and file: 256 KiB each */

static uint64_t pattern(uint64_t salt, uint64_t page, uint64_t word)
{
	return (page * 0x9e3779b97f4a7c15ULL) ^ (word * 0xbf58476d1ce4e5b9ULL) ^ salt;
}

static void fill_page(char *base, uint64_t page, uint64_t salt)
{
	uint64_t *w = (uint64_t *)(base + page * PAGE);

	for (uint64_t i = 0; i < PAGE / 8; i++)
		w[i] = pattern(salt, page, i);
}

/* pages of [base, base + pages) that do not hold their pattern */
static uint64_t count_bad(const char *base, uint64_t pages, uint64_t salt)
{
	uint64_t bad = 0;

	for (uint64_t p = 0; p < pages; p++) {
		const uint64_t *w = (const uint64_t *)(base + p * PAGE);

		for (uint64_t i = 0; i < PAGE / 8; i++) {
			if (w[i] != pattern(salt, p, i)) {
				bad++;
				break;
			}
		}
	}
	return bad;
}

static void report(const char *who, const char *what, uint64_t bad)
{
	if (bad)
		printf("%s: %s: %llu pages wrong\n", who, what, (unsigned long long)bad);
	else
		printf("%s: %s: ok\n", who, what);
}

static char *map_or_die(size_t len, int prot, int flags, int fd, const char *what)
{
	char *m = mmap(NULL, len, prot, flags, fd, 0);

	if (m == MAP_FAILED) {
		printf("mmap %s: %s\n", what, strerror(errno));
		exit(1);
	}
	return m;
}

/* the file read back with read(2), page by page */
static uint64_t file_bad(uint64_t salt)
{
	static char buf[PAGE];
	uint64_t bad = 0;
	int fd = open(FILE1, O_RDONLY);

	for (uint64_t p = 0; p < SMALL_PAGES; p++) {
		if (pread(fd, buf, PAGE, p * PAGE) != PAGE) {
			bad++;
			continue;
		}
		/* count_bad() of one page at index p */
		for (uint64_t i = 0; i < PAGE / 8; i++) {
			if (((uint64_t *)buf)[i] != pattern(salt, p, i)) {
				bad++;
				break;
			}
		}
	}
	close(fd);
	return bad;
}

/*
 * MiB of anonymous memory in 4 MiB mappings, each small enough for the
 * overcommit heuristic: without swap the frames run out and the OOM
 * killer, not mmap, answers.
 */
static int touch_only(uint64_t mib)
{
	for (uint64_t done = 0; done < mib; done += 4) {
		char *m = map_or_die(4 << 20, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, "chunk");

		for (uint64_t p = 0; p < (4 << 20) / PAGE; p++)
			m[p * PAGE] = 1;
	}
	printf("touched %llu MiB\n", (unsigned long long)mib);
	return 0;
}

#define THREADS	4
#define ROUNDS	3

struct share {
	char *base;
	uint64_t pages;
	uint64_t bad[ROUNDS];
};

static void *rewrite_share(void *arg)
{
	struct share *sh = arg;

	for (int r = 0; r < ROUNDS; r++) {
		for (uint64_t p = 0; p < sh->pages; p++)
			fill_page(sh->base, p, 10 + r);
		sh->bad[r] = count_bad(sh->base, sh->pages, 10 + r);
	}
	return NULL;
}

static int threads_rewrite(uint64_t mib)
{
	uint64_t pages = (mib << 8) / THREADS;
	char *anon = map_or_die(pages * THREADS * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, "anon");
	struct share sh[THREADS];
	pthread_t t[THREADS];

	for (int i = 0; i < THREADS; i++) {
		sh[i] = (struct share){ .base = anon + i * pages * PAGE, .pages = pages };
		if (pthread_create(&t[i], NULL, rewrite_share, &sh[i])) {
			printf("pthread_create failed\n");
			return 1;
		}
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		for (int r = 0; r < ROUNDS; r++) {
			char who[16], what[16];

			snprintf(who, sizeof(who), "thread %d", i);
			snprintf(what, sizeof(what), "round %d", r);
			report(who, what, sh[i].bad[r]);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t mib = argc > 1 ? strtoull(argv[1], NULL, 0) : 64;
	uint64_t pages = mib << 8, half = pages / 2;
	size_t small = SMALL_PAGES * PAGE;
	char *anon, *mfd, *shared, *file;
	int memfd, fd, status;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && !strcmp(argv[2], "oom"))
		return touch_only(mib);
	if (argc > 2 && !strcmp(argv[2], "threads"))
		return threads_rewrite(mib);
	mkdir(DIR, 0755);
	memfd = memfd_create("swap-test", 0);
	fd = open(FILE1, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (memfd < 0 || fd < 0 || ftruncate(memfd, small) || ftruncate(fd, small)) {
		printf("setup: %s\n", strerror(errno));
		return 1;
	}
	mfd = map_or_die(small, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, "memfd");
	shared = map_or_die(small, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
			    "shared");
	file = map_or_die(small, PROT_READ | PROT_WRITE, MAP_SHARED, fd, "file");
	anon = map_or_die(pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, "anon");
	for (uint64_t p = 0; p < SMALL_PAGES; p++) {
		fill_page(mfd, p, 1);
		fill_page(shared, p, 2);
	}
	/* the file's pages are written while the anonymous memory grows */
	for (uint64_t p = 0; p < pages; p++) {
		fill_page(anon, p, 0);
		if (p % (pages / SMALL_PAGES) == 0 && p / (pages / SMALL_PAGES) < SMALL_PAGES)
			fill_page(file, p / (pages / SMALL_PAGES), 3);
	}
	printf("filled %llu MiB of anonymous memory\n", (unsigned long long)mib);

	pid = fork();
	if (pid == 0) {
		/* the child's copy: its first half rewritten, the parent's untouched */
		report("child", "anonymous", count_bad(anon, pages, 0));
		for (uint64_t p = 0; p < half; p++)
			fill_page(anon, p, 4);
		report("child", "anonymous rewritten half", count_bad(anon, half, 4));
		report("child", "memfd", count_bad(mfd, SMALL_PAGES, 1));
		for (uint64_t p = 0; p < SMALL_PAGES; p++)
			fill_page(shared, p, 5);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("fork: %s\n", strerror(errno));
		return 1;
	}
	printf("child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	report("parent", "anonymous after the child", count_bad(anon, pages, 0));
	report("parent", "memfd", count_bad(mfd, SMALL_PAGES, 1));
	report("parent", "shared anonymous written by the child", count_bad(shared, SMALL_PAGES, 5));
	report("parent", "file mapping", count_bad(file, SMALL_PAGES, 3));
	munmap(anon, pages * PAGE);
	munmap(file, small);
	close(fd);
	report("parent", "file read back", file_bad(3));
	munmap(mfd, small);
	munmap(shared, small);
	close(memfd);
	if (argc > 2 && !strcmp(argv[2], "keep"))
		return 0;
	unlink(FILE1);
	rmdir(DIR);
	return 0;
}
