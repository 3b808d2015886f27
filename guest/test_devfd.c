// SPDX-License-Identifier: GPL-2.0
/*
 * Symlinks into /proc: /dev/fd -> /proc/self/fd and /dev/stdin ->
 * /proc/self/fd/0 must reach the program's own /proc (its descriptors),
 * never the monitor's; opening /dev/fd/N of a pipe opens the same pipe
 * again (bash's process substitution).  Compared with a native run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char path[64], buf[64];
	struct stat st;
	int p[2], fd;
	ssize_t n;

	if (pipe(p))
		return 1;
	snprintf(path, sizeof(path), "/dev/fd/%d", p[0]);
	n = stat(path, &st);
	printf("stat /dev/fd/N of a pipe: %s, a FIFO: %d\n", n ? strerror(errno) : "ok",
	       !n && S_ISFIFO(st.st_mode));
	write(p[1], "through /dev/fd\n", 16);
	fd = open(path, O_RDONLY);
	printf("open /dev/fd/N of a pipe: %s\n", fd < 0 ? strerror(errno) : "ok");
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		printf("read: %s", buf);
		close(fd);
	}
	snprintf(path, sizeof(path), "/dev/fd/%d", 77);
	printf("/dev/fd/77 (not open): %s\n", open(path, O_RDONLY) < 0 ? strerror(errno) : "ok");
	n = readlink("/dev/stdin", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("readlink /dev/stdin: %s\n", n < 0 ? strerror(errno) : buf);
	printf("stat /dev/stdin is /dev/null: %d\n",
	       !stat("/dev/stdin", &st) && S_ISCHR(st.st_mode));
	fflush(stdout);
	fd = open("/dev/fd/1", O_WRONLY | O_APPEND);
	if (fd >= 0) {
		write(fd, "to /dev/fd/1\n", 13);
		close(fd);
	}
	return 0;
}
