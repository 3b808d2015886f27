// SPDX-License-Identifier: GPL-2.0
/*
 * Host files written through MAP_SHARED mappings, write(2) and a forked
 * child: one page cache, so read(2) sees the mapping and the mapping sees
 * write(2); msync(MS_SYNC) and munmap reach the file.  Also mlock basics
 * and the deterministic lines of /proc/self/smaps and status.  Files live
 * in a scratch directory under the current directory (the monitor's
 * --root), removed at the end.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testlib.h"

#define DIR	"test_shared_file.tmp"
#define FILE1	DIR "/data"

static void show_file(const char *what, const char *path, size_t n)
{
	char buf[64] = { 0 };
	int fd = open(path, O_RDONLY);
	ssize_t got = read(fd, buf, n < sizeof(buf) - 1 ? n : sizeof(buf) - 1);

	close(fd);
	printf("%s: %zd bytes \"%s\"\n", what, got, buf);
}

static void test_shared_mapping(void)
{
	int fd = open(FILE1, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *m, buf[16] = { 0 };
	struct stat st;
	pid_t pid;
	int status;

	if (fd < 0) {
		printf("open: %s\n", strerror(errno));
		return;
	}
	if (ftruncate(fd, 2 * PAGE))
		printf("ftruncate: %s\n", strerror(errno));
	m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		printf("mmap: %s\n", strerror(errno));
		return;
	}
	memcpy(m, "mapped", 6);
	/* read(2) of the same file sees the mapping's bytes at once */
	pread(fd, buf, 6, 0);
	printf("pread after store: \"%s\"\n", buf);
	/* and write(2) shows through the mapping */
	pwrite(fd, "WRITE", 5, PAGE);
	printf("mapping after pwrite: \"%.5s\"\n", m + PAGE);
	printf("msync: %d\n", msync(m, 2 * PAGE, MS_SYNC));
	show_file("another open after msync", FILE1, 6);

	/* a child writes through its copy of the shared mapping */
	pid = fork();
	if (pid == 0) {
		memcpy(m + 10, "child", 5);
		msync(m, PAGE, MS_SYNC);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("parent sees child's write: \"%.5s\"\n", m + 10);
	memcpy(m + 20, "unmap", 5);
	munmap(m, 2 * PAGE);
	fstat(fd, &st);
	printf("size %lld\n", (long long)st.st_size);
	close(fd);
	fd = open(FILE1, O_RDONLY);
	pread(fd, buf, 5, 20);
	printf("after munmap: \"%.5s\"\n", buf);
	close(fd);

	/* O_APPEND and a read-only descriptor's shared writable mapping */
	fd = open(FILE1, O_WRONLY | O_APPEND);
	printf("append: %zd\n", write(fd, "tail", 4));
	close(fd);
	fd = open(FILE1, O_RDONLY);
	fstat(fd, &st);
	printf("size after append %lld\n", (long long)st.st_size);
	m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("shared writable map of O_RDONLY fd: %s\n",
	       m == MAP_FAILED ? strerror(errno) : "mapped");
	m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	m[0] = 'P';	/* a private copy: the file keeps its byte */
	pread(fd, buf, 1, 0);
	printf("private write leaves the file: '%c'\n", buf[0]);
	munmap(m, PAGE);
	close(fd);
}

/*
 * Each open has its own access mode over the one page cache: a read-only
 * open's shared mapping can never become writable, while a read-write
 * open of the same file maps it writable.  Truncation through one
 * descriptor takes away what every mapping saw past the end; fsync
 * pushes shared-mapping stores to the file.
 */
static void test_open_modes(void)
{
	int rw = open(FILE1, O_RDWR), ro = open(FILE1, O_RDONLY);
	char *r, *w, buf[8] = { 0 };
	struct stat st;

	ftruncate(rw, 2 * PAGE);
	r = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, ro, 0);
	w = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
	if (r == MAP_FAILED || w == MAP_FAILED) {
		printf("mmap: %s\n", strerror(errno));
		return;
	}
	printf("mprotect RW of O_RDONLY shared map: %s\n",
	       mprotect(r, PAGE, PROT_READ | PROT_WRITE) ? strerror(errno) : "ok");
	printf("mprotect RW of O_RDWR shared map: %s\n",
	       mprotect(w, PAGE, PROT_READ | PROT_WRITE) ? strerror(errno) : "ok");
	memcpy(w + PAGE, "second", 6);
	printf("read-only view sees the store: \"%.6s\"\n", r + PAGE);
	printf("fsync: %d\n", fsync(rw));
	pread(ro, buf, 6, PAGE);
	printf("file after fsync: \"%.6s\"\n", buf);
	printf("ftruncate to 100: %d\n", ftruncate(rw, 100));
	fstat(ro, &st);
	printf("size %lld, tail of page 0 reads '%d'\n", (long long)st.st_size, r[200]);
	printf("ftruncate to 2 pages: %d\n", ftruncate(rw, 2 * PAGE));
	printf("second page after regrow: '%d'\n", r[PAGE]);
	printf("fdatasync of O_RDONLY: %d\n", fdatasync(ro));
	munmap(r, 2 * PAGE);
	munmap(w, 2 * PAGE);
	close(ro);
	close(rw);
}

static void test_mlock(void)
{
	char *m = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	unsigned char vec[4];
	int i;

	printf("mlock: %d\n", mlock(m, 2 * PAGE));
	mincore(m, 4 * PAGE, vec);
	printf("resident after mlock: %d %d %d %d\n", vec[0] & 1, vec[1] & 1, vec[2] & 1,
	       vec[3] & 1);
	printf("munlock: %d\n", munlock(m, 2 * PAGE));
	i = mlock((void *)PAGE, PAGE);
	printf("mlock unmapped: %d %s\n", i, errno == ENOMEM ? "ENOMEM" : "?");
	munmap(m, 4 * PAGE);
}

/* the smaps entry of @addr: its Size, Rss and Anonymous lines */
static void show_smaps(void *addr)
{
	static char buf[1 << 20];
	char *line, *save, want[32];
	ssize_t n, got = 0;
	int fd = open("/proc/self/smaps", O_RDONLY), in = 0;

	while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, want, strlen(want)))
			in = 1;
		if (in && (!strncmp(line, "Size:", 5) || !strncmp(line, "Rss:", 4) ||
			   !strncmp(line, "Anonymous:", 10) || !strncmp(line, "Locked:", 7)))
			printf("  %s\n", line);
		if (in && !strncmp(line, "Locked:", 7))
			break;
	}
}

static void test_proc(void)
{
	char *m = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	char buf[8192], *line, *save;
	ssize_t got;
	int fd, i;

	for (i = 0; i < 3; i++)
		m[i * PAGE] = 1;
	printf("smaps of 8 pages, 3 touched:\n");
	show_smaps(m);
	munmap(m, 8 * PAGE);
	fd = open("/proc/self/status", O_RDONLY);
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[got > 0 ? got : 0] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, "Name:", 5) || !strncmp(line, "State:", 6) ||
		    !strncmp(line, "VmLck:", 6) || !strncmp(line, "Threads:", 8))
			printf("status %s\n", line);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	mkdir(DIR, 0755);
	test_shared_mapping();
	test_open_modes();
	test_mlock();
	test_proc();
	printf("unlink: %d\n", unlink(FILE1));
	printf("rmdir: %d\n", rmdir(DIR));
	return 0;
}
