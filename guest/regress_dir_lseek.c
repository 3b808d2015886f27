// SPDX-License-Identifier: GPL-2.0
/*
 * lseek() SEEK_CUR on a directory whose position is already large (ext4
 * takes hash positions up to LLONG_MAX): a sum past LLONG_MAX is EINVAL, as
 * in generic_file_llseek_size(); the monitor once added the two as signed
 * longs (undefined behaviour, UBSan stopped it).  Found by fuzz_syscalls,
 * seed 57.  Exits 0 when every answer is Linux's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int fd = open(".", O_RDONLY | O_DIRECTORY), bad = 0;
	off_t r;

	if (fd < 0)
		return 2;
	/* what the file system accepts is its own business: tmpfs and ext4 differ */
	r = lseek(fd, 9039553110690060302LL, SEEK_SET);
	printf("SEEK_SET 9039553110690060302: %s\n", r < 0 ? "refused" : "taken");
	r = lseek(fd, 2858500140362272314LL, SEEK_CUR);
	bad |= !(r == -1 && errno == EINVAL);
	printf("SEEK_CUR past LLONG_MAX: %s\n", bad ? "WRONG" : "EINVAL ok");
	r = lseek(fd, INT64_MAX, SEEK_CUR);
	printf("SEEK_CUR LLONG_MAX: %s\n", r == -1 && errno == EINVAL ? "EINVAL ok" : "WRONG");
	bad |= !(r == -1 && errno == EINVAL);
	r = lseek(fd, 0, SEEK_SET);
	printf("SEEK_SET 0: %s\n", r == 0 ? "ok" : "WRONG");
	bad |= r != 0;
	return bad;
}
