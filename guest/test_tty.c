// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal as a program sees it at start-up: isatty() (TCGETS),
 * the window size, the foreground group, on the standard descriptors and
 * on a pipe and a file, which answer ENOTTY.  Run on a pseudo-terminal
 * (script(1)) and without one, natively and under the monitor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static const char *res(int r)
{
	return r < 0 ? strerror(errno) : "ok";
}

static void probe(const char *what, int fd)
{
	struct termios t;
	struct winsize w;
	int pgrp;

	printf("%s: isatty %d", what, isatty(fd));
	printf(", TCGETS %s", res(tcgetattr(fd, &t)));
	printf(", TIOCGWINSZ %s", res(ioctl(fd, TIOCGWINSZ, &w)));
	printf(", TIOCGPGRP %s", res(ioctl(fd, TIOCGPGRP, &pgrp)));
	printf(", bad pointer %s\n", res(ioctl(fd, TCGETS, (void *)8)));
}

int main(void)
{
	int p[2], f = open("/dev/null", O_RDONLY);

	probe("stdin", 0);
	probe("stdout", 1);
	if (pipe(p) == 0)
		probe("pipe", p[0]);
	probe("/dev/null", f);
	printf("bad fd: %s\n", res(ioctl(99, TCGETS, NULL)));
	return 0;
}
