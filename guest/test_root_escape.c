// SPDX-License-Identifier: GPL-2.0
/*
 * Tries to leave the root it runs in: "..", absolute and relative
 * symlinks, a directory fd and "..", rename, link and symlink across the
 * boundary, getcwd after chdir("..") at "/".  The root holds /secret,
 * /etc/passwd and /data/file with "inside" texts; the directory above it
 * holds a "secret" that says "outside".  Run natively under chroot(8) of a
 * copy of the root, and under the monitor with --root: same output.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/stat.h>

#include "testlib.h"

static void show_at(int dirfd, const char *path)
{
	char buf[128];
	int fd = openat(dirfd, path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		printf("%-40s: %s\n", path, strerror(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	printf("%-40s: \"%s\"\n", path, buf);
	close(fd);
}

static void show(const char *path)
{
	show_at(AT_FDCWD, path);
}

static void cwd(const char *after)
{
	char buf[4096];

	printf("getcwd after %-27s: %s\n", after, getcwd(buf, sizeof(buf)) ? buf : strerror(errno));
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *path)
{
	DIR *dp = opendir(path);
	struct dirent *de;
	char *names[64];
	int n = 0, i;

	if (!dp) {
		printf("ls %s: %s\n", path, strerror(errno));
		return;
	}
	while ((de = readdir(dp)) && n < 64)
		names[n++] = strdup(de->d_name);
	closedir(dp);
	qsort(names, n, sizeof(names[0]), cmp);
	printf("ls %s:", path);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

int main(void)
{
	char buf[256];
	ssize_t n;
	int dfd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	show("/secret");
	show("../../../secret");
	show("/../../../../secret");
	show("/data/../../../secret");
	show("/etc/passwd");
	/* symlinks: absolute ones from the root, relative ".." chains stop at it */
	symlink("/etc/passwd", "/data/abs");
	symlink("../../../../../../secret", "/data/rel");
	symlink("../../../../../../etc/passwd", "/data/rel2");
	symlink("/../../../..", "/data/up");
	show("/data/abs");
	show("/data/rel");
	show("/data/rel2");
	show("/data/up/secret");
	n = readlink("/data/abs", buf, sizeof(buf));
	printf("readlink /data/abs: %.*s\n", (int)(n > 0 ? n : 0), buf);
	/* the working directory */
	chdir("/data");
	cwd("chdir /data");
	show("../../../../secret");
	show("up/data/file");
	chdir("/");
	chdir("..");
	cwd("chdir .. at /");
	chdir("../../..");
	cwd("chdir ../../..");
	chdir("/data/up");
	cwd("chdir /data/up");
	chdir("/data/rel2/..");
	cwd("chdir through a file link");
	list(".");
	list("/..");
	/* a directory fd and "..", absolute paths from it */
	dfd = open("/data", O_RDONLY | O_DIRECTORY);
	show_at(dfd, "../../../secret");
	show_at(dfd, "/secret");
	show_at(dfd, "file");
	show_at(dfd, "abs");
	close(dfd);
	/* rename, link, symlink, mkdir across the boundary land inside */
	printf("rename: %d\n", rename("/data/file", "../../../moved"));
	show("/moved");
	printf("link: %d\n", link("/moved", "/data/../../../linked"));
	show("/linked");
	printf("symlink: %d\n", symlink("../../secret", "/../../sym"));
	show("/sym");
	printf("mkdir: %d\n", mkdir("/../../../made", 0755));
	list("/");
	return 0;
}
