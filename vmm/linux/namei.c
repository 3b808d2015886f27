// SPDX-License-Identifier: GPL-2.0
/*
 * Paths (Linux: fs/namei.c).  Every path resolves under --root as under a
 * chroot; a few are the monitor's own (/dev/null, /proc/self/maps, ...).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs.h"
#include "syscalls.h"

/* /proc is procfs.c's: procfs_open() and procfs_stat() come first */
static const struct special_path special_paths[] = {
	{ "/dev/zero", &zero_ops, 0 },
	{ "/dev/null", &null_ops, 0 },
	{ "/dev/urandom", &urandom_ops, 0 },
	{ "/dev/random", &random_ops, 0 },
	{ "/dev/tty", &stdio_ops, 0 },	/* the monitor's controlling terminal */
};

const struct special_path *find_special(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(special_paths) / sizeof(special_paths[0]); i++)
		if (!strcmp(path, special_paths[i].path))
			return &special_paths[i];
	return NULL;
}

/*
 * The guest's path of the host file open at @hfd: the host's name for it
 * (/proc/self/fd) with the root's real path taken off.  What is outside
 * the root is never named: -ENOENT.  A deleted file keeps Linux's
 * " (deleted)" suffix, as maps shows it.
 */
int guest_fd_path(struct vmm *vmm, int hfd, char *buf, size_t len)
{
	char link[64], real[PATH_MAX_GUEST];
	size_t rn = strlen(vmm->root);
	const char *rest = real;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", hfd);
	n = readlink(link, real, sizeof(real) - 1);
	if (n < 0)
		return -errno;
	real[n] = 0;
	if (real[0] != '/')
		return -ENOENT;		/* "anon_inode:...", "pipe:[...]" */
	if (strcmp(vmm->root, "/")) {
		if (strncmp(real, vmm->root, rn) || (real[rn] && real[rn] != '/'))
			return -ENOENT;
		rest = real[rn] ? real + rn : "/";
	}
	if (strlen(rest) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, rest);
	return 0;
}

/* guest_fd_path(), malloc'ed; NULL when it has none */
char *guest_path_dup(struct vmm *vmm, int hfd)
{
	char buf[PATH_MAX_GUEST];

	return guest_fd_path(vmm, hfd, buf, sizeof(buf)) ? NULL : strdup(buf);
}

/*
 * The guest path of the working directory: its host directory's name
 * now (a renamed directory keeps being the cwd, as on Linux), "/" for
 * the root.
 */
int guest_cwd(struct vmm *vmm, char *buf, size_t len)
{
	struct process *p = vmm->cur;

	if (p && p->fs->cwd_fd < 0 && p->fs->cwd) {	/* a /proc directory: no host one */
		snprintf(buf, len, "%s", p->fs->cwd);
		return 0;
	}
	if (!p || p->fs->cwd_fd < 0) {	/* before the first process: the root */
		strcpy(buf, "/");
		return 0;
	}
	return guest_fd_path(vmm, p->fs->cwd_fd, buf, len);
}

/* the directory (its guest path @dir) was removed: it has no name to join to */
static bool dir_unlinked(struct vmm *vmm, int hdirfd, const char *dir)
{
	size_t n = strlen(dir), sn = strlen(" (deleted)");
	struct stat st;

	if (n < sn || strcmp(dir + n - sn, " (deleted)"))
		return false;
	if (hdirfd == AT_FDCWD)
		hdirfd = vmm->cur->fs->cwd_fd;
	return !fstat(hdirfd, &st) && st.st_nlink == 0;
}

/*
 * @path made absolute: from the directory @hdirfd (a host descriptor, or
 * AT_FDCWD for the working directory) when it is relative.  The
 * directory's guest path is its physical one (no symlinks), so that ".."
 * in @path then goes where Linux's would, and stops at the root.
 */
static int guest_abs(struct vmm *vmm, int hdirfd, const char *path, char *out, size_t len)
{
	char dir[PATH_MAX_GUEST];
	int ret;

	if (path[0] == '/') {
		if (strlen(path) >= len)
			return -ENAMETOOLONG;
		strcpy(out, path);
		return 0;
	}
	ret = hdirfd == AT_FDCWD ? guest_cwd(vmm, dir, sizeof(dir)) :
				   guest_fd_path(vmm, hdirfd, dir, sizeof(dir));
	if (ret)
		return ret;
	if (dir_unlinked(vmm, hdirfd, dir))
		return -ESTALE;
	if ((size_t)snprintf(out, len, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", path) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* ".", ".." and repeated slashes of the absolute @path, taken lexically, in place */
static int lexical(char *path)
{
	char *src = strdup(path), *s, *d = path;

	if (!src)
		return -ENOMEM;
	for (s = strtok(src, "/"); s; s = strtok(NULL, "/")) {
		if (!strcmp(s, "."))
			continue;
		if (!strcmp(s, "..")) {
			while (d > path && *--d != '/')
				;
			continue;
		}
		*d++ = '/';
		strcpy(d, s);
		d += strlen(s);
	}
	if (d == path)
		*d++ = '/';
	*d = 0;
	free(src);
	return 0;
}

/*
 * The absolute guest path of @path from the guest's @dirfd (AT_FDCWD:
 * the working directory), for matching the monitor's own files: "." and
 * ".." and repeated slashes are taken lexically.
 */
int guest_lexical(struct vmm *vmm, int dirfd, const char *path, char *out, size_t len)
{
	int hfd = dirfd_host(vmm, dirfd, path), ret;

	if (hfd < 0 && hfd != AT_FDCWD)
		return hfd;
	ret = guest_abs(vmm, hfd, path, out, len);
	if (ret == -ESTALE) {	/* from a removed directory: none of the monitor's files */
		*out = 0;
		return 0;
	}
	return ret ? ret : lexical(out);
}

bool path_in_proc(const char *abs);
bool proc_redirect(struct vmm *vmm, char *abs, size_t len, bool follow_last);

/*
 * The path /proc's hooks walk: @abs, lexical, decides that a path is in
 * /proc; when @path made absolute without the lexical step already starts
 * there, that is the one walked (in place of @abs), so that a trailing
 * "." or "..", or a slash after a file, means what it means to Linux's
 * walk (proc_walk takes them one by one).
 */
bool guest_proc_path(struct vmm *vmm, int dirfd, const char *path, char *abs, size_t len,
		     bool follow_last)
{
	int hfd = dirfd_host(vmm, dirfd, path);
	char *raw;

	if (!path_in_proc(abs))
		return proc_redirect(vmm, abs, len, follow_last);
	if (hfd < 0 && hfd != AT_FDCWD)
		return true;
	raw = malloc(len);
	if (raw && !guest_abs(vmm, hfd, path, raw, len) && path_in_proc(raw))
		strcpy(abs, raw);
	free(raw);
	return true;
}

bool path_in_proc(const char *abs)
{
	return !strncmp(abs, "/proc", 5) && (!abs[5] || abs[5] == '/');
}

/*
 * A symlink on the way into /proc (/dev/fd -> /proc/self/fd, /etc/mtab ->
 * ../proc/self/mounts): the guest's /proc is procfs.c's, so such a path
 * must reach it, never the host's own /proc (which a host resolution
 * under the default root would).  Walks the absolute, lexical @abs from
 * the root one component at a time (the last one only when
 * @follow_last); at a symlink, its target replaces the prefix and the
 * walk starts again.  True with the /proc path in @abs; false, @abs
 * unchanged, when no link leads there (the host resolves it as before).
 */
bool proc_redirect(struct vmm *vmm, char *abs, size_t len, bool follow_last)
{
	char *cur = malloc(len), *link = malloc(len), *next = malloc(len), *end;
	int loops = 0, ok = false;
	ssize_t n;

	/* "" is a path from a removed directory (guest_lexical): nothing to walk */
	if (!cur || !link || !next || abs[0] != '/' || strlen(abs) >= len)
		goto out;
	strcpy(cur, abs);
restart:
	for (end = cur + 1; *end && loops < 40; ) {
		char save;

		end = strchrnul(end, '/');
		if (!*end && !follow_last)
			break;
		save = *end;
		*end = 0;
		n = readlinkat(vmm->root_fd, cur + 1, link, len - 1);
		*end = save;
		if (n < 0) {
			if (errno != EINVAL)
				break;		/* no such prefix: nothing to redirect */
			if (*end)
				end++;
			continue;
		}
		link[n] = 0;
		loops++;
		if (link[0] == '/')
			n = snprintf(next, len, "%s%s", link, end);
		else {
			char *slash;

			save = *end;
			*end = 0;
			slash = strrchr(cur, '/');
			*slash = 0;
			n = snprintf(next, len, "%s/%s%s%s", cur, link, save ? "/" : "", save ? end + 1 : "");
		}
		if (n < 0 || (size_t)n >= len || lexical(next))
			break;
		strcpy(cur, next);
		if (path_in_proc(cur)) {
			strcpy(abs, cur);
			ok = true;
			break;
		}
		goto restart;
	}
out:
	free(cur);
	free(link);
	free(next);
	return ok;
}

/*
 * The guest's own descriptors named by path, /proc/self/fd/N: a magic
 * link to the open file itself (Linux: proc_fd_link), whatever its name.
 * A host descriptor opened the same way on the guest's host file, or
 * -ENOENT when @abs is no such name.
 */
static int open_magic_fd(struct vmm *vmm, const char *abs, int flags)
{
	char link[64], *end;
	struct vfile *vf;
	long pid, fd;
	int hfd;

	if (strncmp(abs, "/proc/", 6))
		return -ENOENT;
	pid = strncmp(abs + 6, "self/", 5) ? strtol(abs + 6, &end, 10) : vmm->cur->pid;
	if (strncmp(abs + 6, "self/", 5))
		abs = end;
	else
		abs += 10;
	if (pid != vmm->cur->pid || strncmp(abs, "/fd/", 4))
		return -ENOENT;
	fd = strtol(abs + 4, &end, 10);
	if (*end || end == abs + 4)
		return -ENOENT;
	vf = fd_get(vmm, (uint64_t)fd);
	if (!vf)
		return -ENOENT;
	if (vf->host_fd < 0 || vf->kind != VF_HOST)
		return -ENXIO;	/* the monitor's own files cannot be reopened so */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", vf->host_fd);
	if ((flags & O_NOFOLLOW) && (flags & O_PATH))
		flags &= ~O_NOFOLLOW;	/* the file, not the link: as Linux's O_PATH */
	hfd = open(link, flags, 0);
	return hfd < 0 ? -errno : hfd;
}

/*
 * A relative lookup from a removed directory: "." still works there, as
 * on Linux, and ".." is its old parent (from which the rest of @path is
 * resolved as usual, inside the root); other names are ENOENT.
 */
static int open_in_removed(struct vmm *vmm, int hdirfd, const char *path, int flags, int mode)
{
	struct open_how how = { .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	long fd;
	int pfd, ret;

	if (hdirfd == AT_FDCWD)
		hdirfd = vmm->cur->fs->cwd_fd;
	if (!strncmp(path, "..", 2) && (!path[2] || path[2] == '/')) {
		pfd = openat(hdirfd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (pfd < 0)
			return -errno;
		path += 2;
		while (*path == '/')
			path++;
		ret = host_open_confined(vmm, pfd, *path ? path : ".", flags, mode);
		close(pfd);
		return ret;
	}
	if (flags & O_PATH)
		flags &= O_PATH | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW;
	how.flags = flags & ~O_CREAT;	/* nothing can be created in it */
	fd = syscall(SYS_openat2, hdirfd, path, &how, sizeof(how));
	if (fd < 0)
		return errno == EXDEV ? -ENOENT : -errno;
	return (int)fd;
}

/*
 * Resolve @path under --root as if it were the guest's "/", from the host
 * directory @dirfd, or the working directory for AT_FDCWD: a relative
 * path is joined to the directory's guest path and the whole resolved by
 * openat2 with RESOLVE_IN_ROOT from the root, which keeps "..", absolute
 * symlinks and absolute paths inside; magic links (/proc/self/fd/...) are
 * refused.
 */
int host_open_confined(struct vmm *vmm, int dirfd, const char *path, int flags, int mode)
{
	struct open_how how = { 0 };
	char *abs;
	long fd;
	int ret;

	abs = malloc(2 * PATH_MAX_GUEST);
	if (!abs)
		return -ENOMEM;
	ret = guest_abs(vmm, dirfd, path, abs, 2 * PATH_MAX_GUEST);
	if (ret == -ESTALE) {
		free(abs);
		return open_in_removed(vmm, dirfd, path, flags, mode);
	}
	if (ret) {
		free(abs);
		return ret;
	}
	/* openat2 refuses what open ignores: O_PATH takes only these */
	if (flags & O_PATH)
		flags &= O_PATH | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW;
	how.flags = flags;
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		how.mode = mode & 07777 & ~current_umask(vmm);
	if (!strncmp(abs, "/proc/", 6) && vmm->cur) {
		char *lex = strdup(abs);

		ret = lex && !lexical(lex) ? open_magic_fd(vmm, lex, flags) : -ENOENT;
		free(lex);
		if (ret != -ENOENT) {
			free(abs);
			return ret;
		}
	}
	how.resolve = RESOLVE_NO_MAGICLINKS | RESOLVE_IN_ROOT;
	do {
		fd = syscall(SYS_openat2, vmm->root_fd, abs, &how, sizeof(how));
	} while (fd < 0 && errno == EAGAIN);	/* a rename raced the lookup */
	ret = fd < 0 ? (errno == EXDEV ? -EACCES : -errno) : (int)fd;
	free(abs);
	return ret;
}

long open_special(struct vmm *vmm, const struct special_path *sp, int flags)
{
	struct vfile *vf;

	int hfd = -1;

	if (sp->ops->kind == VF_PROC && (flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	if (sp->ops == &stdio_ops) {
		/* /dev/tty: ENXIO without a controlling terminal, as Linux says */
		hfd = open("/dev/tty", (flags & (O_ACCMODE | O_NONBLOCK)) | O_NOCTTY | O_CLOEXEC);
		if (hfd < 0)
			return -errno;
	}
	vf = vfile_new(sp->ops, hfd, flags);
	if (!vf) {
		if (hfd >= 0)
			close(hfd);
		return -ENOMEM;
	}
	vf->proc_id = sp->proc_id;
	if (sp->ops->kind == VF_PROC && proc_generate(vmm, vf)) {
		vfile_put(vf);
		return -ENOMEM;
	}
	return fd_install_new(vmm, vf);
}

/*
 * The host directory a *at() call's relative @path starts from: AT_FDCWD
 * for the guest's root (and for an absolute @path), else @dirfd's host
 * descriptor; -EBADF or -ENOTDIR for a @dirfd that cannot be one.
 */
int dirfd_host(struct vmm *vmm, int dirfd, const char *path)
{
	struct vfile *dir;

	if (dirfd == AT_FDCWD || path[0] == '/')
		return AT_FDCWD;
	dir = fd_get(vmm, dirfd);
	if (!dir)
		return -EBADF;
	if (dir->kind != VF_HOST)
		return -ENOTDIR;
	return dir->host_fd;
}

/*
 * The host directory holding @upath's last component, and that component
 * in *@base (with any trailing slashes, which the host call then judges as
 * Linux does).  -EINVAL when the last component is ".", ".." or the root
 * (each call says what Linux says then).
 */
int parent_confined(struct vmm *vmm, int dirfd, uint64_t upath, char *path, size_t len,
		    const char **base)
{
	struct vfile *dir = NULL;
	char *slash, *end;
	size_t blen;
	long n;
	int flags = O_PATH | O_DIRECTORY | O_CLOEXEC;

	n = strncpy_from_user(vmm, path, upath, len);
	if (n < 0)
		return n;
	if (!n)
		return -ENOENT;
	if (dirfd != AT_FDCWD && path[0] != '/') {
		dir = fd_get(vmm, dirfd);
		if (!dir)
			return -EBADF;
		if (dir->kind != VF_HOST)
			return -ENOTDIR;
	}
	end = path + n;
	while (end > path + 1 && end[-1] == '/')
		end--;
	for (slash = end - 1; slash >= path && *slash != '/'; slash--)
		;
	*base = slash + 1;
	blen = end - *base;
	if (!blen || (blen == 1 && **base == '.') || (blen == 2 && !strncmp(*base, "..", 2)))
		return -EINVAL;
	if (slash < path)
		return dir ? host_open_confined(vmm, dir->host_fd, ".", flags, 0) :
			     host_open_confined(vmm, AT_FDCWD, ".", flags, 0);
	*slash = 0;
	return host_open_confined(vmm, dir ? dir->host_fd : AT_FDCWD,
				  slash == path ? "/" : path, flags, 0);
}

/*
 * The host file @upath names from the guest's @dirfd, as an O_PATH
 * descriptor the caller closes: the last symlink followed unless
 * AT_SYMLINK_NOFOLLOW; AT_EMPTY_PATH with "": @dirfd's own file.
 */
int path_lookup(struct vmm *vmm, int dirfd, uint64_t upath, int atflags)
{
	char *path;
	struct vfile *dir;
	long n;
	int hfd;

	path = malloc(PATH_MAX_GUEST);
	if (!path)
		return -ENOMEM;
	n = strncpy_from_user(vmm, path, upath, PATH_MAX_GUEST);
	if (n == 0 && (atflags & AT_EMPTY_PATH)) {
		free(path);
		if (dirfd == AT_FDCWD)
			return host_open_confined(vmm, AT_FDCWD, ".", O_PATH | O_CLOEXEC, 0);
		dir = fd_get(vmm, dirfd);
		if (!dir)
			return -EBADF;
		if (dir->host_fd < 0 || (dir->kind != VF_HOST && dir->kind != VF_STDIO))
			return -EOPNOTSUPP;	/* a file the monitor makes */
		hfd = fcntl(dir->host_fd, F_DUPFD_CLOEXEC, 0);
		return hfd < 0 ? -errno : hfd;
	}
	if (n == 0)
		n = -ENOENT;
	if (n < 0) {
		free(path);
		return n;
	}
	hfd = dirfd_host(vmm, dirfd, path);
	if (hfd >= 0 || hfd == AT_FDCWD)
		hfd = host_open_confined(vmm, hfd, path, O_PATH | O_CLOEXEC |
					 ((atflags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0), 0);
	free(path);
	return hfd;
}

/* Linux's last-component types parent_confined() refuses: LAST_ROOT, LAST_DOT, LAST_DOTDOT */
enum { LAST_ROOT, LAST_DOT, LAST_DOTDOT };

static int last_type(const char *base)
{
	if (!*base || *base == '/')
		return LAST_ROOT;
	return base[1] == '.' ? LAST_DOTDOT : LAST_DOT;
}

static long do_unlinkat(struct vmm *vmm, int dirfd, uint64_t upath, int flags)
{
	static const int rmdir_err[] = { -EBUSY, -EINVAL, -ENOTEMPTY };
	char path[PATH_MAX_GUEST];
	const char *base;
	int pfd = parent_confined(vmm, dirfd, upath, path, sizeof(path), &base);
	long ret;

	if (pfd == -EINVAL)
		return flags & AT_REMOVEDIR ? rmdir_err[last_type(base)] : -EISDIR;
	if (pfd < 0)
		return pfd;
	ret = unlinkat(pfd, base, flags) ? -errno : 0;
	close(pfd);
	return ret;
}

long sys_unlink(struct vmm *vmm, const uint64_t *a)
{
	return do_unlinkat(vmm, AT_FDCWD, a[0], 0);
}

long sys_rmdir(struct vmm *vmm, const uint64_t *a)
{
	return do_unlinkat(vmm, AT_FDCWD, a[0], AT_REMOVEDIR);
}

long sys_unlinkat(struct vmm *vmm, const uint64_t *a)
{
	if (a[2] & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	return do_unlinkat(vmm, (int)a[0], a[1], (int)a[2]);
}

static long do_mkdirat(struct vmm *vmm, int dirfd, uint64_t upath, mode_t mode)
{
	char path[PATH_MAX_GUEST];
	const char *base;
	int pfd = parent_confined(vmm, dirfd, upath, path, sizeof(path), &base);
	long ret;

	if (pfd < 0)
		return pfd == -EINVAL ? -EEXIST : pfd;
	/* the monitor's own umask is 0: the guest's applies here */
	ret = mkdirat(pfd, base, mode & 07777 & ~current_umask(vmm)) ? -errno : 0;
	close(pfd);
	return ret;
}

long sys_mkdir(struct vmm *vmm, const uint64_t *a)
{
	return do_mkdirat(vmm, AT_FDCWD, a[0], (mode_t)a[1]);
}

long sys_mkdirat(struct vmm *vmm, const uint64_t *a)
{
	return do_mkdirat(vmm, (int)a[0], a[1], (mode_t)a[2]);
}

/* ---- rename, link, symlink (Linux: do_renameat2, do_linkat, do_symlinkat) ---- */

static long do_renameat2(struct vmm *vmm, int olddfd, uint64_t uold, int newdfd, uint64_t unew,
			 unsigned int flags)
{
	char *oldp, *newp;
	const char *obase, *nbase;
	int opfd = -1, npfd = -1;
	long ret = -ENOMEM;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT)))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & RENAME_WHITEOUT))
		return -EINVAL;
	oldp = malloc(PATH_MAX_GUEST);
	newp = malloc(PATH_MAX_GUEST);
	if (!oldp || !newp)
		goto out;
	opfd = ret = parent_confined(vmm, olddfd, uold, oldp, PATH_MAX_GUEST, &obase);
	if (ret == -EINVAL)
		ret = -EBUSY;
	if (ret < 0)
		goto out;
	npfd = ret = parent_confined(vmm, newdfd, unew, newp, PATH_MAX_GUEST, &nbase);
	if (ret == -EINVAL)
		ret = (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
	if (ret < 0)
		goto out;
	ret = syscall(SYS_renameat2, opfd, obase, npfd, nbase, flags) ? -errno : 0;
out:
	if (opfd >= 0)
		close(opfd);
	if (npfd >= 0)
		close(npfd);
	free(oldp);
	free(newp);
	return ret;
}

long sys_rename(struct vmm *vmm, const uint64_t *a)
{
	return do_renameat2(vmm, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
}

long sys_renameat(struct vmm *vmm, const uint64_t *a)
{
	return do_renameat2(vmm, (int)a[0], a[1], (int)a[2], a[3], 0);
}

long sys_renameat2(struct vmm *vmm, const uint64_t *a)
{
	return do_renameat2(vmm, (int)a[0], a[1], (int)a[2], a[3], (unsigned int)a[4]);
}

/*
 * A hard link to the file @uold names: its parent and name, or with
 * AT_SYMLINK_FOLLOW (and AT_EMPTY_PATH) the file itself, linked through
 * its /proc/self/fd entry as linkat(2) documents for an O_PATH descriptor.
 */
static long do_linkat(struct vmm *vmm, int olddfd, uint64_t uold, int newdfd, uint64_t unew,
		      int flags)
{
	char *oldp, *newp, link[64];
	const char *obase, *nbase;
	int ofd = -1, npfd = -1;
	long ret = -ENOMEM;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	oldp = malloc(PATH_MAX_GUEST);
	newp = malloc(PATH_MAX_GUEST);
	if (!oldp || !newp)
		goto out;
	if (flags & (AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		ofd = ret = path_lookup(vmm, olddfd, uold,
					flags & AT_SYMLINK_FOLLOW ? flags & AT_EMPTY_PATH :
					AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
	else
		ofd = ret = parent_confined(vmm, olddfd, uold, oldp, PATH_MAX_GUEST, &obase);
	if (ret == -EINVAL)
		ret = -EPERM;	/* a link to "." or "..": a directory */
	if (ret < 0)
		goto out;
	npfd = ret = parent_confined(vmm, newdfd, unew, newp, PATH_MAX_GUEST, &nbase);
	if (ret == -EINVAL)
		ret = -EEXIST;
	if (ret < 0)
		goto out;
	if (flags & (AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", ofd);
		ret = linkat(AT_FDCWD, link, npfd, nbase, AT_SYMLINK_FOLLOW) ? -errno : 0;
	} else {
		ret = linkat(ofd, obase, npfd, nbase, 0) ? -errno : 0;
	}
out:
	if (ofd >= 0)
		close(ofd);
	if (npfd >= 0)
		close(npfd);
	free(oldp);
	free(newp);
	return ret;
}

long sys_link(struct vmm *vmm, const uint64_t *a)
{
	return do_linkat(vmm, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
}

long sys_linkat(struct vmm *vmm, const uint64_t *a)
{
	return do_linkat(vmm, (int)a[0], a[1], (int)a[2], a[3], (int)a[4]);
}

/* the link's text is stored as given: the guest's resolution reads it under the root */
static long do_symlinkat(struct vmm *vmm, uint64_t utarget, int newdfd, uint64_t unew)
{
	char *target, *newp;
	const char *nbase;
	int npfd;
	long ret = -ENOMEM;

	target = malloc(PATH_MAX_GUEST);
	newp = malloc(PATH_MAX_GUEST);
	if (!target || !newp)
		goto out;
	ret = strncpy_from_user(vmm, target, utarget, PATH_MAX_GUEST);
	if (ret == 0)
		ret = -ENOENT;
	if (ret < 0)
		goto out;
	npfd = ret = parent_confined(vmm, newdfd, unew, newp, PATH_MAX_GUEST, &nbase);
	if (ret == -EINVAL)
		ret = -EEXIST;
	if (ret < 0)
		goto out;
	ret = symlinkat(target, npfd, nbase) ? -errno : 0;
	close(npfd);
out:
	free(target);
	free(newp);
	return ret;
}

long sys_symlink(struct vmm *vmm, const uint64_t *a)
{
	return do_symlinkat(vmm, a[0], AT_FDCWD, a[1]);
}

long sys_symlinkat(struct vmm *vmm, const uint64_t *a)
{
	return do_symlinkat(vmm, a[0], (int)a[1], a[2]);
}

/* ---- the working directory (Linux: fs/open.c chdir, fchdir; fs/d_path.c getcwd) ---- */

static long set_cwd(struct vmm *vmm, int hfd)
{
	struct process *p = vmm->cur;
	struct stat st;
	char buf[PATH_MAX_GUEST];

	if (fstat(hfd, &st) || !S_ISDIR(st.st_mode)) {
		close(hfd);
		return -ENOTDIR;
	}
	/* search permission: may_lookup's MAY_EXEC | MAY_CHDIR */
	if (syscall(SYS_faccessat2, hfd, "", X_OK, AT_EMPTY_PATH)) {
		close(hfd);
		return -errno;
	}
	if (p->fs->cwd_fd >= 0)
		close(p->fs->cwd_fd);
	p->fs->cwd_fd = hfd;
	free(p->fs->cwd);
	p->fs->cwd = guest_fd_path(vmm, hfd, buf, sizeof(buf)) ? NULL : strdup(buf);
	return 0;
}

long sys_chdir(struct vmm *vmm, const uint64_t *a)
{
	char path[PATH_MAX_GUEST], abs[PATH_MAX_GUEST];
	struct process *p = vmm->cur;
	struct stat st;
	long ret;
	int hfd;

	ret = strncpy_from_user(vmm, path, a[0], sizeof(path));
	if (ret > 0 && !guest_lexical(vmm, AT_FDCWD, path, abs, sizeof(abs)) &&
	    guest_proc_path(vmm, AT_FDCWD, path, abs, sizeof(abs), true) &&
	    procfs_stat(vmm, abs, sizeof(abs), true, &st, &ret)) {
		if (ret)
			return ret;
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
		if (p->fs->cwd_fd >= 0)
			close(p->fs->cwd_fd);
		p->fs->cwd_fd = -1;
		free(p->fs->cwd);
		p->fs->cwd = strdup(abs);
		return 0;
	}
	hfd = path_lookup(vmm, AT_FDCWD, a[0], 0);

	if (hfd < 0)
		return hfd;
	return set_cwd(vmm, hfd);
}

long sys_fchdir(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);
	int hfd;

	if (!vf)
		return -EBADF;
	if (vf->kind != VF_HOST)
		return -ENOTDIR;
	hfd = fcntl(vf->host_fd, F_DUPFD_CLOEXEC, 0);
	return hfd < 0 ? -errno : set_cwd(vmm, hfd);
}

long sys_getcwd(struct vmm *vmm, const uint64_t *a)
{
	char buf[PATH_MAX_GUEST];
	size_t n;
	int ret = guest_cwd(vmm, buf, sizeof(buf));

	if (ret)
		return ret;
	if (strstr(buf, " (deleted)") && !strcmp(strstr(buf, " (deleted)"), " (deleted)"))
		return -ENOENT;	/* an unlinked cwd: Linux's getcwd says ENOENT */
	n = strlen(buf) + 1;
	if (a[1] < n)
		return -ERANGE;
	return copy_to_user(vmm, a[0], buf, n) ? -EFAULT : (long)n;
}

/* the first process's cwd: the monitor's own when it is under the root, else "/" */
void cwd_init(struct vmm *vmm, struct process *p)
{
	int hfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char buf[PATH_MAX_GUEST];

	p->fs->cwd = NULL;
	p->fs->cwd_fd = -1;
	if (hfd >= 0 && !guest_fd_path(vmm, hfd, buf, sizeof(buf))) {
		p->fs->cwd_fd = hfd;
		p->fs->cwd = strdup(buf);
	} else if (hfd >= 0) {
		close(hfd);
	}
}

/* fork: the child starts where the parent is (copy_fs_struct); CLONE_FS shares it */
int cwd_fork(struct process *child, struct process *parent, bool share)
{
	struct fs_struct *fs;

	if (share) {
		child->fs = parent->fs;
		child->fs->count++;
		return 0;
	}
	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->count = 1;
	fs->cwd_fd = -1;
	fs->umask = parent->fs->umask;
	child->fs = fs;
	if (parent->fs->cwd_fd >= 0) {
		fs->cwd_fd = fcntl(parent->fs->cwd_fd, F_DUPFD_CLOEXEC, 0);
		if (fs->cwd_fd < 0)
			return -errno;
	}
	if (parent->fs->cwd)
		fs->cwd = strdup(parent->fs->cwd);
	return 0;
}

/* exit_fs(): the last task sharing the fs_struct closes its directory */
void cwd_exit(struct process *p)
{
	struct fs_struct *fs = p->fs;

	p->fs = NULL;
	if (!fs || --fs->count)
		return;
	if (fs->cwd_fd >= 0)
		close(fs->cwd_fd);
	free(fs->cwd);
	free(fs);
}

/*
 * An executable's name for /proc/self/exe and maps: its guest path; one
 * outside the root (the first program, given on the command line) keeps
 * the name the user gave.
 */
void exe_guest_path(struct vmm *vmm, char **realpath, int hfd)
{
	char *p = guest_path_dup(vmm, hfd);

	free(*realpath);
	*realpath = p;
}

/*
 * mknodat(): a FIFO, a regular file or a socket inode on the host, under
 * --root (may_mknod(): 0 is S_IFREG, a directory EPERM, an unknown type
 * EINVAL).  Device nodes are refused with EPERM, as without CAP_MKNOD:
 * a guest-made device under --root would be the host's device.  Opening
 * the FIFO is pipe.c's: the host FIFO itself is never opened.
 */
static long do_mknodat(struct vmm *vmm, int dirfd, uint64_t upath, unsigned int mode,
		       unsigned int dev)
{
	char path[4096];
	const char *base;
	long ret;
	int pfd;

	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFCHR:
	case S_IFBLK:
		ret = -EPERM;
		goto check_path;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	ret = 0;
check_path:
	pfd = parent_confined(vmm, dirfd, upath, path, sizeof(path), &base);
	if (pfd < 0)
		return pfd == -EINVAL ? -EEXIST : pfd;
	if (!ret)
		ret = mknodat(pfd, base, (mode & S_IFMT) | (mode & 07777 & ~current_umask(vmm)), 0) ?
			-errno : 0;
	else if (!faccessat(pfd, base, F_OK, AT_SYMLINK_NOFOLLOW))
		ret = -EEXIST;
	close(pfd);
	return ret;
}

long sys_mknod(struct vmm *vmm, const uint64_t *a)
{
	return do_mknodat(vmm, AT_FDCWD, a[0], (unsigned int)a[1], (unsigned int)a[2]);
}

long sys_mknodat(struct vmm *vmm, const uint64_t *a)
{
	return do_mknodat(vmm, (int)a[0], a[1], (unsigned int)a[2], (unsigned int)a[3]);
}
