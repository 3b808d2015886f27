// SPDX-License-Identifier: GPL-2.0
/*
 * sendfile(), copy_file_range(), pread64() and pwrite64() at offsets whose
 * sum with the count is past LLONG_MAX: Linux refuses them (rw_verify_area(),
 * EINVAL; EFBIG for a copy's output), or copies nothing past the end of
 * the input; the monitor once added the
 * count to the offset as a signed 64-bit number (undefined behaviour, UBSan
 * stopped it).  Found by fuzz_syscalls, seed 32.  Exits 0 when every
 * answer is Linux's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <unistd.h>

static int expect(const char *what, long got, long want, int want_errno)
{
	int ok = got == want && (want != -1 || errno == want_errno);

	printf("%-44s %ld errno %d %s\n", what, got, got == -1 ? errno : 0, ok ? "ok" : "WRONG");
	return !ok;
}

int main(void)
{
	static char buf[20480];
	int bad = 0, zero = open("/dev/zero", O_RDONLY), null = open("/dev/null", O_WRONLY);
	int f = open("regress_sendfile_pos.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
	int g = open("regress_sendfile_pos.tmp2", O_RDWR | O_CREAT | O_TRUNC, 0600);
	off_t pos;
	loff_t in, out;

	if (zero < 0 || null < 0 || f < 0 || g < 0)
		return 2;
	unlink("regress_sendfile_pos.tmp");
	unlink("regress_sendfile_pos.tmp2");
	if (write(f, buf, sizeof(buf)) != sizeof(buf))
		return 2;
	pos = INT64_MAX;
	bad |= expect("sendfile /dev/zero at LLONG_MAX", sendfile(null, zero, &pos, 20480), -1, EINVAL);
	pos = INT64_MAX - 100;
	bad |= expect("sendfile /dev/zero at LLONG_MAX-100", sendfile(null, zero, &pos, 20480), -1,
		      EINVAL);
	pos = INT64_MAX;
	bad |= expect("sendfile file at LLONG_MAX", sendfile(null, f, &pos, 20480), -1, EINVAL);
	pos = 0;
	bad |= expect("sendfile count ~0", sendfile(null, f, &pos, ~(size_t)0), -1, EINVAL);
	pos = 0;
	bad |= expect("sendfile count 2^62", sendfile(null, f, &pos, 1UL << 62), 20480, 0);
	in = INT64_MAX;
	bad |= expect("copy_file_range in at LLONG_MAX",
		      syscall(SYS_copy_file_range, f, &in, g, NULL, 20480, 0), 0, 0);
	out = INT64_MAX;
	in = 0;
	bad |= expect("copy_file_range out at LLONG_MAX",
		      syscall(SYS_copy_file_range, f, &in, g, &out, 20480, 0), -1, EFBIG);
	bad |= expect("pread /dev/zero at LLONG_MAX", pread(zero, buf, 1, INT64_MAX), -1, EINVAL);
	bad |= expect("pread file at LLONG_MAX-5", pread(f, buf, 10, INT64_MAX - 5), -1, EINVAL);
	bad |= expect("pwrite /dev/null at LLONG_MAX", pwrite(null, buf, 20480, INT64_MAX), -1, EINVAL);
	bad |= expect("pread /dev/zero at LLONG_MAX, 0 bytes", pread(zero, buf, 0, INT64_MAX), 0, 0);
	return bad;
}
