// SPDX-License-Identifier: GPL-2.0
/*
 * lseek() on a memfd with offsets whose sum with the position overflows:
 * Linux says EINVAL (vfs_setpos()); the monitor once added them as signed
 * longs (undefined behaviour, UBSan stopped it).  Found by fuzz_syscalls,
 * seed 17.  Exits 0 when every answer is Linux's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static int expect(const char *what, off_t got, off_t want, int want_errno)
{
	int ok = got == want && (want != -1 || errno == want_errno);

	printf("%-40s %s\n", what, ok ? "ok" : "WRONG");
	return !ok;
}

int main(void)
{
	int fd = memfd_create("lseek", 0), bad = 0;

	if (fd < 0 || ftruncate(fd, 4096))
		return 2;
	bad |= expect("SEEK_SET 0x3d10...", lseek(fd, 0x3d10a0a0b59fac63LL, SEEK_SET),
		      0x3d10a0a0b59fac63LL, 0);
	bad |= expect("SEEK_CUR past LLONG_MAX", lseek(fd, 0x4986a0a0b59fac6bLL, SEEK_CUR), -1,
		      EINVAL);
	bad |= expect("SEEK_CUR INT64_MIN", lseek(fd, INT64_MIN, SEEK_CUR), -1, EINVAL);
	bad |= expect("SEEK_END LLONG_MAX", lseek(fd, INT64_MAX, SEEK_END), -1, EINVAL);
	bad |= expect("SEEK_END -4096", lseek(fd, -4096, SEEK_END), 0, 0);
	bad |= expect("SEEK_END -4097", lseek(fd, -4097, SEEK_END), -1, EINVAL);
	return bad;
}
