// SPDX-License-Identifier: GPL-2.0
/*
 * The demo guest (./guest.bin, `make run`): maps memory, touches it,
 * protects part of it, moves part with mremap, grows the program break,
 * maps a file, and prints what it did and its own /proc/self/maps.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096UL

static void show_maps(const char *when)
{
	char buf[8192];
	ssize_t n;
	int fd = open("/proc/self/maps", O_RDONLY);

	printf("--- /proc/self/maps %s ---\n", when);
	fflush(stdout);
	if (fd < 0) {
		printf("open /proc/self/maps: %s\n", strerror(errno));
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	close(fd);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	char *p, *q, *brk0, *brk1;
	unsigned int sum = 0, i;
	int fd;

	printf("demo: a static program running with page tables owned by the host MMU\n");

	p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	printf("mmap 16 pages anonymous            -> %p\n", (void *)p);
	for (i = 0; i < 16; i++)
		p[i * PAGE] = (char)i;
	for (i = 0; i < 16; i++)
		sum += (unsigned char)p[i * PAGE];
	printf("touched 16 pages, sum of first bytes = %u\n", sum);

	if (mprotect(p + 4 * PAGE, 4 * PAGE, PROT_READ))
		perror("mprotect");
	printf("mprotect pages 4..7 read-only      -> the VMA is split in three\n");
	if (munmap(p + 12 * PAGE, 4 * PAGE))
		perror("munmap");
	printf("munmap pages 12..15\n");
	/* pages 0..3 to a bigger place: the page tables move, the data does not */
	q = mremap(p, 4 * PAGE, 32 * PAGE, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		perror("mremap");
	else
		printf("mremap pages 0..3 to 32 pages      -> %p, first bytes %d %d %d %d\n",
		       (void *)q, q[0], q[PAGE], q[2 * PAGE], q[3 * PAGE]);

	/* musl's sbrk() only reports the break; move it with the system call */
	brk0 = (char *)syscall(SYS_brk, 0);
	brk1 = (char *)syscall(SYS_brk, brk0 + 64 * 1024);
	memset(brk0, 0xab, brk1 - brk0);
	/* brk(2) answers a failure with the old break: ENOMEM for the reader */
	if (brk1 == brk0)
		fprintf(stderr, "brk: %s\n", strerror(ENOMEM));
	printf("brk grown by 64 KiB                -> [%p, %p)\n", (void *)brk0, (void *)brk1);

	fd = open(argv[0], O_RDONLY);
	if (fd >= 0) {
		char *f = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);

		if (f == MAP_FAILED)
			perror("mmap own executable");
		else
			printf("mapped own executable read-only   -> %p, starts with \\x%02x%c%c%c\n",
			       (void *)f, (unsigned char)f[0], f[1], f[2], f[3]);
		close(fd);
	}
	show_maps("now");
	return 0;
}
