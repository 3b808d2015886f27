// SPDX-License-Identifier: GPL-2.0
/* Prints the first line of the file named by argv[1], or why it cannot. */
#include "testlib.h"

int main(int argc, char **argv)
{
	char buf[256];
	ssize_t n;
	int fd;

	if (argc < 2)
		return 2;
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		printf("open: %s\n", strerror(errno));
		return 1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("%s", buf);
	return 0;
}
