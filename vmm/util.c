// SPDX-License-Identifier: GPL-2.0
/* Messages in kvmtool's style: one line on stderr, prefixed with the tool. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm.h"

static void vprint(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "vmm: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("error: ", fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
}

/* status 127 keeps clear of the guest's own statuses and of 128+signal */
void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
	exit(127);
}

void die_perror(const char *what)
{
	die("%s: %s", what, strerror(errno));
}
