// SPDX-License-Identifier: GPL-2.0
/*
 * Names: the working directory, directory listings, rename, link, symlink,
 * readlink, chmod, chown, utimes, truncate, access, statx, statfs, umask,
 * sendfile and copy_file_range, each with its errnos.  Works in a scratch
 * directory "names.tmp" under the current one; prints only what Linux
 * defines (no inode numbers, no times it did not set).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <utime.h>

#include "testlib.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	1
#define RENAME_EXCHANGE		2
#endif
#ifndef STATX_TYPE
/* musl's headers predate statx: the kernel's struct statx */
#define STATX_TYPE		0x1U
#define STATX_SIZE		0x200U
#define STATX_BASIC_STATS	0x7ffU
struct statx_timestamp { int64_t tv_sec; uint32_t tv_nsec; int32_t pad; };
struct statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
#define statx(d, p, f, m, b) syscall(SYS_statx, d, p, f, m, b)
#endif

#define BAD ((void *)8)		/* an unmapped address: EFAULT */

/* the result, or the errno's name */
#define R(expr) do {							\
	errno = 0;							\
	long _r = (long)(expr);						\
	if (_r == -1 && errno)						\
		printf("%-64s -> %s\n", #expr, strerror(errno));	\
	else								\
		printf("%-64s -> %ld\n", #expr, _r);			\
} while (0)

static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		printf("put %s: %s\n", path, strerror(errno));
	close(fd);
}

static void show(const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		printf("  %s: %s\n", path, strerror(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("  %s: \"%s\"\n", path, buf);
	close(fd);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct d64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* the entries of @path, sorted, with their d_type; through a small buffer */
static void list(const char *path, size_t bufsize)
{
	char buf[4096], *names[64];
	int fd = open(path, O_RDONLY | O_DIRECTORY), n = 0, i;
	long got, calls = 0;

	if (fd < 0) {
		printf("list %s: %s\n", path, strerror(errno));
		return;
	}
	while ((got = syscall(SYS_getdents64, fd, buf, bufsize)) > 0) {
		calls++;
		for (long o = 0; o < got;) {
			struct d64 *d = (struct d64 *)(buf + o);

			if (n < 64 && asprintf(&names[n], "%s(%d)", d->name, d->type) > 0)
				n++;
			o += d->reclen;
		}
	}
	if (got < 0)
		printf("getdents64: %s\n", strerror(errno));
	qsort(names, n, sizeof(names[0]), cmp);
	printf("list %s:", path);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("%s\n", bufsize < 200 && calls < 2 ? " (one call?)" : "");
	close(fd);
}

static void cwd(void)
{
	char buf[4096];
	const char *base;

	if (!getcwd(buf, sizeof(buf))) {
		printf("getcwd: %s\n", strerror(errno));
		return;
	}
	/* the part under the scratch directory: the rest depends on where it runs */
	base = strstr(buf, "/names.tmp");
	printf("getcwd: %s\n", base ? base : buf[1] ? "(elsewhere)" : "/");
}

static void dirs(void)
{
	char buf[4096], small[8];
	int fd;

	printf("-- directories\n");
	R(mkdir("d", 0755));
	R(mkdir("d", 0755));
	R(mkdir("d/e/f", 0755));
	R(mkdir("d/sub", 0700));
	put("d/one", "1");
	put("d/two", "22");
	R(symlink("one", "d/link"));
	list("d", sizeof(buf));
	list("d", 40);		/* one entry per call */
	{
		/* the old getdents: struct linux_dirent, d_type in its last byte */
		long got, o, entries = 0, dirs = 0;

		fd = open("d", O_RDONLY | O_DIRECTORY);
		while ((got = syscall(SYS_getdents, fd, buf, sizeof(buf))) > 0) {
			for (o = 0; o < got;) {
				unsigned short reclen;

				memcpy(&reclen, buf + o + 16, 2);
				entries++;
				dirs += buf[o + reclen - 1] == DT_DIR;
				o += reclen;
			}
		}
		printf("getdents: %ld entries, %ld directories, last %ld\n", entries, dirs, got);
		close(fd);
	}
	fd = open("d", O_RDONLY | O_DIRECTORY);
	R(syscall(SYS_getdents64, fd, small, sizeof(small)));
	R(syscall(SYS_getdents64, fd, BAD, 4096));
	R(syscall(SYS_getdents64, 12345, buf, sizeof(buf)));
	R(syscall(SYS_getdents64, 0 + open("d/one", O_RDONLY), buf, sizeof(buf)));
	/* rewinddir: the same entries again */
	R(syscall(SYS_getdents64, fd, buf, sizeof(buf)) > 0);
	R(syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	R(lseek(fd, 0, SEEK_SET));
	R(syscall(SYS_getdents64, fd, buf, sizeof(buf)) > 0);
	R(read(fd, buf, 1));
	close(fd);
	{
		DIR *dp = opendir("d");
		struct dirent *de;
		long n = 0, pos;

		while ((de = readdir(dp)))
			n++;
		printf("readdir: %ld entries\n", n);
		rewinddir(dp);
		readdir(dp);
		pos = telldir(dp);
		de = readdir(dp);
		snprintf(buf, sizeof(buf), "%s", de ? de->d_name : "(none)");
		seekdir(dp, pos);
		de = readdir(dp);
		printf("seekdir: %s\n", de && !strcmp(de->d_name, buf) ? "same entry" : "differs");
		closedir(dp);
	}
	R(rmdir("d"));
	R(rmdir("d/sub/"));
	R(rmdir("d/one"));
	R(rmdir("."));
	R(rmdir("d/.."));
	R(unlink("d"));
	R(rmdir("/"));
	R(unlink("/"));
	R(mkdir("/", 0755));
	R(mkdir("d/..", 0755));
	R(unlink("d/."));
	R(rmdir(""));
	R(rmdir(BAD));
	R(syscall(SYS_unlinkat, AT_FDCWD, "d", 0x1));
	R(syscall(SYS_mkdirat, 12345, "x", 0700));
	R(syscall(SYS_mkdirat, AT_FDCWD, "d/m", 0700));
	R(rmdir("d/m"));
}

static void workdir(void)
{
	int fd;

	printf("-- working directory\n");
	cwd();
	R(chdir("d"));
	cwd();
	show("one");
	show("../d/two");
	R(chdir("nonexistent"));
	R(chdir("one"));
	R(chdir(BAD));
	R(chdir(""));
	R(chdir(".."));
	cwd();
	fd = open("d", O_RDONLY | O_DIRECTORY);
	R(fchdir(fd));
	cwd();
	show("two");
	R(fchdir(12345));
	R(fchdir(0 + open("one", O_RDONLY)));
	R(fchdir(1 + fd - 1));
	close(fd);
	/* relative *at() from a directory fd, and ".." from it */
	R(chdir(".."));
	fd = open("d", O_PATH | O_DIRECTORY);
	R(faccessat(fd, "one", R_OK, 0));
	R(faccessat(fd, "../d/two", W_OK, 0));
	R(faccessat(fd, "three", F_OK, 0));
	R(faccessat(fd, "one", 0x10, 0));
	R(syscall(SYS_faccessat2, fd, "link", F_OK, AT_SYMLINK_NOFOLLOW));
	R(syscall(SYS_faccessat2, fd, "one", F_OK, 0x4000));
	R(openat(fd, "one/x", O_RDONLY));
	R(openat(0 + open("d/one", O_RDONLY), "x", O_RDONLY));
	close(fd);
	{
		char buf[16];

		R(getcwd(buf, 2) ? 0 : -1);
		R(syscall(SYS_getcwd, BAD, 4096));
	}
}

/* a working directory that was removed: ".", "..", and nothing else */
static void removed_cwd(void)
{
	struct stat st;
	char buf[256];

	printf("-- a removed working directory\n");
	R(mkdir("gone", 0755));
	R(chdir("gone"));
	R(rmdir("../gone"));
	R(stat(".", &st));
	printf("nlink %ld\n", (long)st.st_nlink);
	R(open("x", O_RDONLY));
	R(open("x", O_RDWR | O_CREAT, 0600));
	R(mkdir("y", 0700));
	R(getcwd(buf, sizeof(buf)) ? 0 : -1);
	R(open("..", O_RDONLY | O_DIRECTORY) >= 0);
	R(chdir(".."));
	cwd();
}

static void renames(void)
{
	struct stat st;

	printf("-- rename, link, symlink\n");
	put("r1", "first");
	put("r2", "second");
	R(rename("r1", "r3"));
	show("r3");
	R(rename("r1", "r4"));
	R(syscall(SYS_renameat2, AT_FDCWD, "r3", AT_FDCWD, "r2", RENAME_NOREPLACE));
	R(syscall(SYS_renameat2, AT_FDCWD, "r3", AT_FDCWD, "r2", RENAME_EXCHANGE));
	show("r2");
	show("r3");
	R(syscall(SYS_renameat2, AT_FDCWD, "r3", AT_FDCWD, "r2", RENAME_EXCHANGE | RENAME_NOREPLACE));
	R(syscall(SYS_renameat2, AT_FDCWD, "r3", AT_FDCWD, "r2", 0x100));
	R(syscall(SYS_renameat2, AT_FDCWD, "r3", AT_FDCWD, "nope", RENAME_EXCHANGE));
	R(rename("r2", "d"));
	R(rename("d", "r2"));
	R(rename("d", "d/sub/x"));
	R(rename(".", "x"));
	R(rename("r2", "r2/"));
	R(rename("r2", BAD));
	R(renameat(AT_FDCWD, "r2", 12345, "x"));
	R(rename("r2", "r2"));
	R(link("r2", "r5"));
	stat("r2", &st);
	printf("nlink after link: %ld\n", (long)st.st_nlink);
	R(link("r2", "r5"));
	R(link("d", "d2"));
	R(link("nope", "r6"));
	R(symlink("r2", "s1"));
	R(symlink("r2", "s1"));
	R(symlink("", "s2"));
	R(linkat(AT_FDCWD, "s1", AT_FDCWD, "h1", 0));
	R(linkat(AT_FDCWD, "s1", AT_FDCWD, "h2", AT_SYMLINK_FOLLOW));
	R(linkat(AT_FDCWD, "s1", AT_FDCWD, "h3", 0x1));
	lstat("h1", &st);
	printf("h1 is a %s\n", S_ISLNK(st.st_mode) ? "symlink" : "file");
	lstat("h2", &st);
	printf("h2 is a %s, nlink %ld\n", S_ISLNK(st.st_mode) ? "symlink" : "file",
	       (long)st.st_nlink);
	R(unlink("r5"));
	stat("r2", &st);
	printf("nlink after unlink: %ld\n", (long)st.st_nlink);
	/* loops and long names */
	R(symlink("loop2", "loop1"));
	R(symlink("loop1", "loop2"));
	R(open("loop1", O_RDONLY));
	R(open("s1", O_RDONLY | O_NOFOLLOW));
	R(stat("loop1/x", &st));
	{
		char name[300], path[5000];

		memset(name, 'n', 299);
		name[299] = 0;
		R(open(name, O_RDONLY | O_CREAT, 0600));
		name[255] = 0;
		R(close(open(name, O_RDONLY | O_CREAT, 0600)));
		R(unlink(name));
		memset(path, 'p', sizeof(path) - 1);
		path[sizeof(path) - 1] = 0;
		R(open(path, O_RDONLY));
		R(mkdir(path, 0700));
	}
}

static void readlinks(void)
{
	char buf[64];
	int fd;
	ssize_t n;

	printf("-- readlink\n");
	R(symlink("target/with/../parts", "rl"));
	n = readlink("rl", buf, sizeof(buf));
	printf("readlink: %.*s\n", (int)(n > 0 ? n : 0), buf);
	n = readlink("rl", buf, 4);
	printf("readlink 4: %.*s (%zd)\n", (int)(n > 0 ? n : 0), buf, n);
	R(readlink("rl", buf, 0));
	R(readlink("r2", buf, sizeof(buf)));
	R(readlink("nope", buf, sizeof(buf)));
	R(readlink("rl", BAD, sizeof(buf)));
	R(readlink(BAD, buf, sizeof(buf)));
	R(readlink("", buf, sizeof(buf)));
	fd = open(".", O_PATH | O_DIRECTORY);
	n = readlinkat(fd, "rl", buf, sizeof(buf));
	printf("readlinkat: %.*s\n", (int)(n > 0 ? n : 0), buf);
	close(fd);
	fd = open("rl", O_PATH | O_NOFOLLOW);
	n = readlinkat(fd, "", buf, sizeof(buf));
	printf("readlinkat \"\": %.*s\n", (int)(n > 0 ? n : 0), buf);
	close(fd);
	fd = open("r2", O_PATH);
	R(readlinkat(fd, "", buf, sizeof(buf)));
	close(fd);
}

static void modes(void)
{
	struct timespec ts[2] = { { 1000000000, 123456789 }, { 1200000000, 5 } };
	struct timeval tv[2] = { { 1300000000, 7 }, { 1400000000, 8 } };
	struct utimbuf ub = { 1500000000, 1600000000 };
	struct stat st;
	int fd;

	printf("-- chmod, chown, utimes, umask, truncate\n");
	R(chmod("r2", 0640));
	stat("r2", &st);
	printf("mode %o\n", st.st_mode & 07777);
	R(chmod("r2", 07777 | 010000));
	stat("r2", &st);
	printf("mode %o\n", st.st_mode & 07777);
	R(chmod("nope", 0600));
	R(chmod(BAD, 0600));
	R(fchmodat(AT_FDCWD, "s1", 0600, 0));
	stat("r2", &st);
	printf("through the link: mode %o\n", st.st_mode & 07777);
	R(syscall(452, AT_FDCWD, "s1", 0600, AT_SYMLINK_NOFOLLOW));
	R(syscall(452, AT_FDCWD, "r2", 0600, 0x8000));
	fd = open("r2", O_RDONLY);
	R(fchmod(fd, 0604));
	R(fchown(fd, getuid(), getgid()));
	R(fchmod(12345, 0600));
	close(fd);
	fd = open("r2", O_PATH);
	R(fchmod(fd, 0600));
	close(fd);
	stat("r2", &st);
	printf("mode %o\n", st.st_mode & 07777);
	R(chown("r2", getuid(), getgid()));
	R(lchown("s1", getuid(), getgid()));
	R(fchownat(AT_FDCWD, "s1", -1, -1, AT_SYMLINK_NOFOLLOW));
	R(fchownat(AT_FDCWD, "s1", -1, -1, 0x8000));
	R(chown("nope", 0, 0));
	R(utimensat(AT_FDCWD, "r2", ts, 0));
	stat("r2", &st);
	printf("utimensat: atime %ld.%09ld mtime %ld.%09ld\n", (long)st.st_atim.tv_sec,
	       st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 1234567890;
	ts[1].tv_nsec = 0;
	R(utimensat(AT_FDCWD, "r2", ts, 0));
	stat("r2", &st);
	printf("UTIME_OMIT: atime %ld mtime %ld\n", (long)st.st_atim.tv_sec,
	       (long)st.st_mtim.tv_sec);
	ts[1].tv_nsec = UTIME_NOW;
	R(utimensat(AT_FDCWD, "r2", ts, 0));
	stat("r2", &st);
	printf("UTIME_NOW: atime %ld mtime recent %d\n", (long)st.st_atim.tv_sec,
	       st.st_mtim.tv_sec > 1700000000);
	ts[1].tv_nsec = 1000000000;
	R(utimensat(AT_FDCWD, "r2", ts, 0));
	R(syscall(SYS_utimensat, AT_FDCWD, "r2", BAD, 0));
	R(utimensat(AT_FDCWD, "r2", NULL, 0x1));
	fd = open("r2", O_RDONLY);
	ts[1].tv_nsec = 0;
	R(utimensat(fd, NULL, ts, 0));
	R(futimens(fd, ts));
	close(fd);
	R(utimes("r2", tv));
	stat("r2", &st);
	printf("utimes: atime %ld.%09ld mtime %ld\n", (long)st.st_atim.tv_sec,
	       st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec);
	tv[0].tv_usec = 1000000;
	R(utimes("r2", tv));
	R(utime("r2", &ub));
	stat("r2", &st);
	printf("utime: atime %ld mtime %ld\n", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
	R(syscall(SYS_futimesat, AT_FDCWD, "r2", NULL));
	R(syscall(SYS_utime, "r2", &ub));
	R(syscall(SYS_utime, "r2", BAD));
	R(syscall(SYS_utime, "nope", NULL));
	tv[0].tv_usec = 5;
	R(syscall(SYS_utimes, "r2", tv));
	R(syscall(SYS_utimes, NULL, tv));
	stat("r2", &st);
	printf("SYS_utimes: atime %ld.%09ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
	R(lutimes("s1", NULL));
	/* umask */
	R(umask(027));
	R(umask(0777 | 01000));
	R(umask(022));
	umask(077);
	put("u1", "x");
	R(mkdir("u2", 0777));
	stat("u1", &st);
	printf("umask 077: file %o", st.st_mode & 07777);
	stat("u2", &st);
	printf(" dir %o\n", st.st_mode & 07777);
	umask(022);
	/* truncate */
	put("t1", "0123456789");
	R(truncate("t1", 4));
	show("t1");
	R(truncate("t1", -1));
	R(truncate("d", 0));
	R(truncate("nope", 0));
	R(truncate("t1", 12));
	stat("t1", &st);
	printf("truncate up: size %ld\n", (long)st.st_size);
	{
		/* O_TMPFILE: no name until linkat gives it one */
		int tfd = open(".", O_TMPFILE | O_RDWR, 0640);
		char path[64];

		R(tfd >= 0);
		R(write(tfd, "tmpfile", 7));
		fstat(tfd, &st);
		printf("O_TMPFILE: nlink %ld mode %o\n", (long)st.st_nlink, st.st_mode & 07777);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", tfd);
		R(linkat(AT_FDCWD, path, AT_FDCWD, "named", AT_SYMLINK_FOLLOW));
		show("named");
		close(tfd);
		R(open("t1", O_TMPFILE | O_RDWR, 0600));
		R(open(".", O_TMPFILE | O_RDONLY, 0600));
	}
	R(creat("t2", 0600));
	R(syscall(SYS_creat, "t3", 0600) >= 0);
	R(syscall(SYS_creat, "d", 0600));
	R(access("t2", W_OK));
	R(access("t2", X_OK));
	R(access("t2", 8));
}

static void stats(void)
{
	struct statx stx;
	struct statfs sf;
	struct stat st;
	int fd;

	printf("-- statx, statfs\n");
	R(statx(AT_FDCWD, "t1", 0, STATX_BASIC_STATS, &stx));
	stat("t1", &st);
	printf("statx: size %llu mode %o nlink %u ino-matches %d blksize-matches %d\n",
	       (unsigned long long)stx.stx_size, stx.stx_mode, stx.stx_nlink,
	       stx.stx_ino == st.st_ino, stx.stx_blksize == (unsigned)st.st_blksize);
	R(statx(AT_FDCWD, "s1", AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx));
	printf("statx nofollow: link %d\n", S_ISLNK(stx.stx_mode));
	fd = open("t1", O_RDONLY);
	R(statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &stx));
	printf("statx fd: size %llu\n", (unsigned long long)stx.stx_size);
	R(statx(fd, "", 0, STATX_SIZE, &stx));
	R(statx(AT_FDCWD, "t1", 0x6000, STATX_SIZE, &stx));
	R(statx(AT_FDCWD, "t1", 0, 0x80000000U, &stx));
	R(statx(AT_FDCWD, "t1", 0, STATX_SIZE, BAD));
	R(statx(AT_FDCWD, "nope", 0, STATX_SIZE, &stx));
	R(statfs(".", &sf));
	printf("statfs: namelen %ld\n", (long)sf.f_namelen);
	{
		struct statfs sf2;

		R(fstatfs(fd, &sf2));
		printf("fstatfs: same type %d\n", sf.f_type == sf2.f_type);
	}
	R(statfs("nope", &sf));
	R(fstatfs(12345, &sf));
	R(fstatat(AT_FDCWD, "", &st, AT_EMPTY_PATH));
	printf("fstatat \"\": dir %d\n", S_ISDIR(st.st_mode));
	R(fstatat(fd, "", &st, AT_EMPTY_PATH));
	printf("fstatat fd: size %ld\n", (long)st.st_size);
	close(fd);
	fd = open("/dev/null", O_RDONLY);
	R(fstatfs(fd, &sf));
	close(fd);
}

static void copies(void)
{
	int in, out;
	off_t off;
	char buf[64];

	printf("-- sendfile, copy_file_range, fadvise\n");
	put("c1", "abcdefghijklmnopqrstuvwxyz");
	in = open("c1", O_RDONLY);
	out = open("c2", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	R(sendfile(out, in, NULL, 5));
	R(lseek(in, 0, SEEK_CUR));
	off = 10;
	R(sendfile(out, in, &off, 3));
	printf("offset now %ld, file position %ld\n", (long)off, (long)lseek(in, 0, SEEK_CUR));
	R(sendfile(out, in, NULL, 1000));
	R(sendfile(in, out, NULL, 10));
	R(sendfile(out, 12345, NULL, 10));
	off = -1;
	R(sendfile(out, in, &off, 10));
	R(sendfile(out, in, BAD, 10));
	close(out);
	show("c2");
	out = open("c3", O_RDWR | O_CREAT | O_TRUNC, 0644);
	{
		loff_t oi = 2, oo = 0;

		R(copy_file_range(in, &oi, out, &oo, 6, 0));
		printf("offsets %ld %ld\n", (long)oi, (long)oo);
		R(copy_file_range(in, NULL, out, NULL, 100, 0));
		R(copy_file_range(in, NULL, out, NULL, 1, 1));
		R(copy_file_range(out, NULL, in, NULL, 1, 0));
		oi = 0;
		oo = 2;
		R(copy_file_range(out, &oi, out, &oo, 4, 0));
		R(copy_file_range(in, NULL, 0 + open("d", O_RDONLY), NULL, 1, 0));
		R(copy_file_range(in, BAD, out, NULL, 1, 0));
	}
	R(pread(out, buf, sizeof(buf), 0));
	show("c3");
	R(posix_fadvise(in, 0, 0, POSIX_FADV_SEQUENTIAL) ? -1 : 0);
	R(syscall(SYS_fadvise64, in, 0, 0, 99));
	R(syscall(SYS_fadvise64, 12345, 0, 0, 0));
	close(in);
	close(out);
}

/* an empty scratch directory: what a previous run left goes first */
static void clean(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;

	if (!dp)
		return;
	while ((de = readdir(dp))) {
		char path[512];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!unlink(path))
			continue;
		clean(path);
		rmdir(path);
	}
	closedir(dp);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	clean("names.tmp");
	rmdir("names.tmp");
	umask(022);
	if (mkdir("names.tmp", 0755) || chdir("names.tmp")) {
		printf("scratch: %s\n", strerror(errno));
		return 1;
	}
	dirs();
	workdir();
	removed_cwd();
	renames();
	readlinks();
	modes();
	stats();
	copies();
	R(chdir(".."));
	clean("names.tmp");
	R(rmdir("names.tmp"));
	return 0;
}
