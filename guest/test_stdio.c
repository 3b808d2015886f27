// SPDX-License-Identifier: GPL-2.0
/* stdin to stdout, byte counts, readv; /dev/null and /dev/zero; time. */
#include <sys/uio.h>
#include <time.h>

#include "testlib.h"

int main(void)
{
	char buf[256], a[4], b[8];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct timespec t0, t1;
	long total = 0;
	ssize_t n;
	int fd;

	n = readv(0, iov, 2);
	printf("readv got %ld: \"%.4s\" \"%.*s\"\n", (long)n, a, n > 4 ? (int)n - 4 : 0, b);
	while ((n = read(0, buf, sizeof(buf))) > 0) {
		total += n;
		fwrite(buf, 1, n, stdout);
	}
	printf("read %ld more bytes\n", total);
	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 1, 16);
	printf("/dev/zero: read %ld, first byte %d\n", (long)read(fd, buf, 16), buf[0]);
	close(fd);
	fd = open("/dev/null", O_WRONLY);
	printf("/dev/null: wrote %ld, read %ld\n", (long)write(fd, buf, 16), (long)read(fd, buf, 16));
	close(fd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("slept at least 1 ms: %s\n",
	       (t1.tv_sec - t0.tv_sec) * 1000000000L + t1.tv_nsec - t0.tv_nsec >= 1000000 ? "yes" : "no");
	fprintf(stderr, "to stderr\n");
	return 0;
}
