// SPDX-License-Identifier: GPL-2.0
/* The errno of invalid calls must be Linux's. */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "testlib.h"

int main(void)
{
	char buf[16];
	struct stat st;
	struct iovec iov = { (void *)16, 4 };
	char *p = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	/* below mmap_min_addr depends on privileges (CAP_SYS_RAWIO): not tested */
	munmap(p + 4 * PAGE, 4 * PAGE);

	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	CHECK(mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0));
	CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 99, 0));
	CHECK(mmap(p + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	CHECK(mmap(NULL, -PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	CHECK(munmap(p + 1, PAGE));
	CHECK(munmap(p, 0));
	CHECK(munmap((void *)0x800000000000UL, PAGE));
	CHECK(mprotect(p + 1, PAGE, PROT_READ));
	CHECK(mprotect(p, PAGE, 0x100));
	CHECK(mprotect((void *)0x10000000UL, PAGE, PROT_READ));
	CHECK(mprotect(p, 8 * PAGE, PROT_READ));
	CHECK(madvise(p + 1, PAGE, MADV_DONTNEED));
	CHECK(madvise(p, PAGE, 12345));
	CHECK(mincore(p + 1, PAGE, (unsigned char *)buf));
	CHECK(mincore((void *)0x10000000UL, PAGE, (unsigned char *)buf));
	CHECK(mincore(p, PAGE, (unsigned char *)16));
	CHECK(read(99, buf, 1));
	CHECK(write(99, buf, 1));
	CHECK(write(1, (void *)16, 4));
	CHECK(writev(1, &iov, 1));
	CHECK(writev(1, &iov, -1));
	CHECK(open("/no/such/file", O_RDONLY));
	CHECK(open((char *)16, O_RDONLY));
	CHECK(close(99));
	CHECK(fstat(99, &st));
	CHECK(lseek(99, 0, SEEK_SET));
	CHECK(syscall(SYS_arch_prctl, 0x9999, 0));
	CHECK(syscall(SYS_rt_sigaction, 9, buf, 0, 8));
	CHECK(syscall(SYS_rt_sigprocmask, 7, buf, 0, 8));
	CHECK(syscall(SYS_clock_gettime, 12345, buf));
	CHECK(syscall(SYS_clock_gettime, 0, 16));
	CHECK(syscall(SYS_memfd_create, "x", 0x1000));
	CHECK(syscall(SYS_getrandom, buf, 4, 0x100));
	return 0;
}
