// SPDX-License-Identifier: GPL-2.0
/* File mappings of the program's own executable: contents match read(),
 * private writes are copy-on-write, offsets and modes are checked; and
 * memfd_create + ftruncate + shared mappings. */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "testlib.h"

int main(int argc, char **argv)
{
	static char buf[3 * 4096];
	struct stat st;
	char *m, *a, *b;
	int fd = open(argv[0], O_RDONLY), mfd;
	ssize_t n;

	if (fd < 0)
		return 1;
	CHECK(fstat(fd, &st));
	printf("regular file: %s, size > 3 pages: %s\n", S_ISREG(st.st_mode) ? "yes" : "no",
	       st.st_size > 3 * 4096 ? "yes" : "no");
	n = pread(fd, buf, sizeof(buf), PAGE);
	printf("pread 3 pages at page 1: %ld\n", (long)n);
	m = mmap(NULL, 3 * PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
	printf("mmap at offset page 1 matches pread: %s\n", !memcmp(m, buf, sizeof(buf)) ? "yes" : "no");
	show_region("file mapping", m, 3 * PAGE);
	CHECK(mprotect(m, PAGE, PROT_READ | PROT_WRITE));
	m[0] ^= 0xff;
	printf("private write visible in mapping: %s\n", m[0] != buf[0] ? "yes" : "no");
	n = pread(fd, buf, 1, PAGE);
	printf("file unchanged after private write: %s\n", buf[0] != m[0] ? "yes" : "no");
	show_region("after mprotect of the first page", m, 3 * PAGE);
	CHECK(munmap(m, 3 * PAGE));
	CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 100));
	CHECK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	CHECK(lseek(fd, 1, SEEK_SET));
	n = read(fd, buf, 3);
	printf("read after lseek: %ld bytes \"%.3s\"\n", (long)n, buf);
	CHECK(lseek(fd, 0, SEEK_END) == st.st_size ? 0 : -1);
	CHECK(close(fd));

	mfd = syscall(SYS_memfd_create, "test", 0);
	printf("memfd_create: %s\n", mfd >= 0 ? "ok" : strerror(errno));
	CHECK(ftruncate(mfd, 2 * PAGE));
	CHECK(fstat(mfd, &st));
	printf("memfd size %ld\n", (long)st.st_size);
	a = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	b = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, mfd, 0);
	a[PAGE + 7] = 'x';
	printf("shared write seen by the other mapping: %c\n", b[PAGE + 7]);
	CHECK(ftruncate(mfd, PAGE));
	CHECK(ftruncate(mfd, 2 * PAGE));
	printf("after shrink and regrow the page reads %d\n", b[PAGE + 7]);
	/* read and write go through the same pages as the mappings */
	CHECK(lseek(mfd, PAGE - 2, SEEK_SET) == PAGE - 2 ? 0 : -1);
	printf("memfd write: %ld\n", (long)write(mfd, "memfd", 5));
	printf("seen by the mapping: %.5s\n", b + PAGE - 2);
	a[PAGE] = 'M';
	CHECK(lseek(mfd, PAGE - 2, SEEK_SET) == PAGE - 2 ? 0 : -1);
	n = read(mfd, buf, 5);
	printf("memfd read: %ld \"%.5s\"\n", (long)n, buf);
	CHECK(lseek(mfd, 3 * PAGE, SEEK_SET) == 3 * PAGE ? 0 : -1);
	printf("write past the end: %ld\n", (long)write(mfd, "z", 1));
	CHECK(fstat(mfd, &st));
	printf("memfd size now %ld\n", (long)st.st_size);
	printf("read at the end: %ld\n", (long)read(mfd, buf, 5));
	CHECK(close(mfd));
	printf("mapping outlives the fd: %d\n", a[0]);
	return 0;
}
