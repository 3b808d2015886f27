// SPDX-License-Identifier: GPL-2.0
/*
 * *at() calls from a descriptor of a removed file or directory: a file
 * is ENOTDIR, a removed directory has no names but "." and ".." (ENOENT).
 * The monitor once walked the empty path it makes for a removed
 * directory looking for symlinks into /proc, reading past its buffer
 * (ASan).  Found by fuzz_syscalls, seed 1 (readlinkat).  Exits 0 when
 * every answer is Linux's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int expect(const char *what, long got, int want_errno)
{
	int ok = got == -1 && errno == want_errno;

	printf("%-44s %s\n", what, ok ? "ok" : "WRONG");
	return !ok;
}

int main(void)
{
	char buf[64];
	struct stat st;
	int f, d, bad = 0;

	f = open("regress_unlinked.f", O_CREAT | O_RDWR | O_TRUNC, 0600);
	if (f < 0 || mkdir("regress_unlinked.d", 0700))
		return 2;
	d = open("regress_unlinked.d", O_RDONLY | O_DIRECTORY);
	unlink("regress_unlinked.f");
	rmdir("regress_unlinked.d");
	if (d < 0)
		return 2;
	bad |= expect("readlinkat(removed file, \"x\")", readlinkat(f, "x", buf, sizeof(buf)),
		      ENOTDIR);
	bad |= expect("openat(removed file, \"x\")", openat(f, "x", O_RDONLY), ENOTDIR);
	bad |= expect("readlinkat(removed dir, \"x\")", readlinkat(d, "x", buf, sizeof(buf)),
		      ENOENT);
	bad |= expect("readlinkat(removed dir, \"proc\")",
		      readlinkat(d, "proc", buf, sizeof(buf)), ENOENT);
	bad |= expect("fstatat(removed dir, \"x\")", fstatat(d, "x", &st, 0), ENOENT);
	bad |= expect("openat(removed dir, \"x\")", openat(d, "x", O_RDONLY), ENOENT);
	return bad;
}
