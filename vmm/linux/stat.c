// SPDX-License-Identifier: GPL-2.0
/* stat and its family, readlink (Linux: fs/stat.c) */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fs.h"
#include "syscalls.h"

/* what every generated file has; its kind's stat fills in the rest */
void stat_synth(struct vfile *vf, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_nlink = 1;
	st->st_blksize = PAGE_SIZE;
	st->st_uid = getuid();
	st->st_gid = getgid();
}

static long stat_vfile(struct vmm *vmm, struct vfile *vf, uint64_t ubuf)
{
	struct stat st;
	int ret;

	if (!vf->ops->stat)
		return -EINVAL;
	ret = vf->ops->stat(vmm, vf, &st);
	if (ret)
		return ret;
	return copy_to_user(vmm, ubuf, &st, sizeof(st));
}

long sys_fstat(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);

	return vf ? stat_vfile(vmm, vf, a[1]) : -EBADF;
}

/* a path the monitor makes (/dev/null, /proc/...): stat an open of it */
static long stat_special(struct vmm *vmm, const struct special_path *sp, uint64_t ubuf)
{
	struct vfile *vf;
	struct stat st;
	long ret;

	if (sp->ops == &stdio_ops) {	/* /dev/tty: the host's node */
		if (stat("/dev/tty", &st))
			return -errno;
		return copy_to_user(vmm, ubuf, &st, sizeof(st));
	}
	vf = vfile_new(sp->ops, -1, O_RDONLY);
	if (!vf)
		return -ENOMEM;
	vf->proc_id = sp->proc_id;
	ret = stat_vfile(vmm, vf, ubuf);
	vfile_put(vf);
	return ret;
}

static long stat_path(struct vmm *vmm, int dirfd, uint64_t upath, uint64_t ubuf, int flags)
{
	const struct special_path *sp;
	struct vfile *dir;
	struct stat st;
	char path[PATH_MAX_GUEST], abs[PATH_MAX_GUEST];
	long n;
	int hfd, ret;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	n = strncpy_from_user(vmm, path, upath, sizeof(path));
	if (n < 0)
		return n;
	if (!n && (flags & AT_EMPTY_PATH)) {
		if (dirfd != AT_FDCWD) {
			dir = fd_get(vmm, dirfd);
			return dir ? stat_vfile(vmm, dir, ubuf) : -EBADF;
		}
		strcpy(path, ".");	/* the working directory */
	} else if (!n) {
		return -ENOENT;
	}
	if (!guest_lexical(vmm, dirfd, path, abs, sizeof(abs))) {
		if (guest_proc_path(vmm, dirfd, path, abs, sizeof(abs),
				    !(flags & AT_SYMLINK_NOFOLLOW))) {
			if (procfs_stat(vmm, abs, sizeof(abs), !(flags & AT_SYMLINK_NOFOLLOW), &st, &n))
				return n ? n : copy_to_user(vmm, ubuf, &st, sizeof(st));
			strcpy(path, abs);	/* a magic link's target, out of /proc */
			dirfd = AT_FDCWD;
		}
		sp = find_special(abs);
		if (sp)
			return stat_special(vmm, sp, ubuf);
	}
	hfd = dirfd_host(vmm, dirfd, path);
	if (hfd < 0 && hfd != AT_FDCWD)
		return hfd;
	hfd = host_open_confined(vmm, hfd, path,
				 O_PATH | O_CLOEXEC |
				 ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0), 0);
	if (hfd < 0)
		return hfd;
	ret = fstat(hfd, &st) ? -errno : 0;
	close(hfd);
	if (ret)
		return ret;
	return copy_to_user(vmm, ubuf, &st, sizeof(st));
}

long sys_stat(struct vmm *vmm, const uint64_t *a)
{
	if (!a[0])
		return -EFAULT;
	return stat_path(vmm, AT_FDCWD, a[0], a[1], 0);
}

long sys_lstat(struct vmm *vmm, const uint64_t *a)
{
	if (!a[0])
		return -EFAULT;
	return stat_path(vmm, AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW);
}

long sys_newfstatat(struct vmm *vmm, const uint64_t *a)
{
	if (!a[1])
		return -EFAULT;
	return stat_path(vmm, (int)a[0], a[1], a[2], (int)a[3]);
}


/* ---- readlink (Linux: do_readlinkat) ---- */

static long do_readlinkat(struct vmm *vmm, int dirfd, uint64_t upath, uint64_t ubuf,
			  int64_t size)
{
	char *path, *buf;
	struct stat st;
	long n;
	int hfd;

	if (size <= 0)
		return -EINVAL;
	path = malloc(PATH_MAX_GUEST);
	buf = malloc(2 * PATH_MAX_GUEST);
	if (!path || !buf) {
		n = -ENOMEM;
		goto out;
	}
	n = strncpy_from_user(vmm, path, upath, PATH_MAX_GUEST);
	if (n < 0)
		goto out;
	/* the monitor's own links: /proc/self/exe, /proc/self/fd/N, ... */
	if (n > 0 && !guest_lexical(vmm, dirfd, path, buf, 2 * PATH_MAX_GUEST) &&
	    guest_proc_path(vmm, dirfd, path, buf, PATH_MAX_GUEST, false)) {
		strcpy(path, buf);
		if (procfs_readlinkat(vmm, path, PATH_MAX_GUEST, buf, PATH_MAX_GUEST, &n))
			goto copy;
		/*
		 * Out of /proc through a magic link (/proc/self/root/...):
		 * not followed here, and never to the host's own /proc
		 */
		n = -ENOENT;
		goto out;
	}
	hfd = path_lookup(vmm, dirfd, upath, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
	if (hfd < 0) {
		n = hfd;
		goto out;
	}
	if (fstat(hfd, &st))
		n = -errno;
	else if (!S_ISLNK(st.st_mode))
		n = path[0] ? -EINVAL : -ENOENT;	/* "": the fd's own file is no link */
	else if ((n = readlinkat(hfd, "", buf, PATH_MAX_GUEST)) < 0)
		n = -errno;
	close(hfd);
copy:
	if (n >= 0) {
		if (n > size)
			n = size;
		if (copy_to_user(vmm, ubuf, buf, n))
			n = -EFAULT;
	}
out:
	free(path);
	free(buf);
	return n;
}

long sys_readlink(struct vmm *vmm, const uint64_t *a)
{
	return do_readlinkat(vmm, AT_FDCWD, a[0], a[1], (int64_t)(int)a[2]);
}

long sys_readlinkat(struct vmm *vmm, const uint64_t *a)
{
	return do_readlinkat(vmm, (int)a[0], a[1], a[2], (int64_t)(int)a[3]);
}

/* ---- statx ---- */

static void statx_from_stat(const struct stat *st, struct statx *stx)
{
	memset(stx, 0, sizeof(*stx));
	stx->stx_mask = STATX_BASIC_STATS;
	stx->stx_blksize = st->st_blksize;
	stx->stx_nlink = st->st_nlink;
	stx->stx_uid = st->st_uid;
	stx->stx_gid = st->st_gid;
	stx->stx_mode = st->st_mode;
	stx->stx_ino = st->st_ino;
	stx->stx_size = st->st_size;
	stx->stx_blocks = st->st_blocks;
	stx->stx_atime.tv_sec = st->st_atim.tv_sec;
	stx->stx_atime.tv_nsec = st->st_atim.tv_nsec;
	stx->stx_mtime.tv_sec = st->st_mtim.tv_sec;
	stx->stx_mtime.tv_nsec = st->st_mtim.tv_nsec;
	stx->stx_ctime.tv_sec = st->st_ctim.tv_sec;
	stx->stx_ctime.tv_nsec = st->st_ctim.tv_nsec;
	stx->stx_rdev_major = major(st->st_rdev);
	stx->stx_rdev_minor = minor(st->st_rdev);
	stx->stx_dev_major = major(st->st_dev);
	stx->stx_dev_minor = minor(st->st_dev);
}

/* a file the monitor makes (or opened without a host file): its kind's stat */
static long statx_vfile(struct vmm *vmm, struct vfile *vf, unsigned int mask, struct statx *stx)
{
	struct stat st;
	int ret;

	if (vf->host_fd >= 0 && (vf->kind == VF_HOST || vf->kind == VF_STDIO))
		return statx(vf->host_fd, "", AT_EMPTY_PATH, mask, stx) ? -errno : 0;
	if (!vf->ops->stat)
		return -EINVAL;
	ret = vf->ops->stat(vmm, vf, &st);
	if (!ret)
		statx_from_stat(&st, stx);
	return ret;
}

long sys_statx(struct vmm *vmm, const uint64_t *a)
{
	int dirfd = (int)a[0], flags = (int)a[2];
	unsigned int mask = (unsigned int)a[3];
	const struct special_path *sp;
	char path[PATH_MAX_GUEST], abs[PATH_MAX_GUEST];
	struct statx stx;
	struct vfile *vf;
	long n = 0, ret;
	int hfd;

	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if (mask & STATX__RESERVED)
		return -EINVAL;
	if (a[1]) {
		n = strncpy_from_user(vmm, path, a[1], sizeof(path));
		if (n < 0)
			return n;
	}
	if (!n && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
		vf = fd_get(vmm, dirfd);
		if (!vf)
			return -EBADF;
		ret = statx_vfile(vmm, vf, mask, &stx);
		goto copy;
	}
	if (!a[1] && !(flags & AT_EMPTY_PATH))
		return -EFAULT;
	if (n && !guest_lexical(vmm, dirfd, path, abs, sizeof(abs)) && (sp = find_special(abs))) {
		if (sp->ops == &stdio_ops) {	/* /dev/tty: the host's node */
			ret = statx(AT_FDCWD, "/dev/tty", 0, mask, &stx) ? -errno : 0;
			goto copy;
		}
		vf = vfile_new(sp->ops, -1, O_RDONLY);
		if (!vf)
			return -ENOMEM;
		vf->proc_id = sp->proc_id;
		ret = statx_vfile(vmm, vf, mask, &stx);
		vfile_put(vf);
		goto copy;
	}
	if (!a[1])	/* NULL with AT_EMPTY_PATH: the working directory */
		hfd = host_open_confined(vmm, AT_FDCWD, ".", O_PATH | O_CLOEXEC, 0);
	else
		hfd = path_lookup(vmm, dirfd, a[1], flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH));
	if (hfd < 0)
		return hfd;
	ret = statx(hfd, "", AT_EMPTY_PATH | (flags & AT_STATX_SYNC_TYPE), mask, &stx) ?
	      -errno : 0;
	close(hfd);
copy:
	if (ret)
		return ret;
	return copy_to_user(vmm, a[4], &stx, sizeof(stx));
}

/* ---- statfs ---- */

/* the file systems the monitor makes: proc, and tmpfs for /dev's and memfds */
static void statfs_synth(struct vfile *vf, struct statfs *sf)
{
	memset(sf, 0, sizeof(*sf));
	sf->f_type = vf->kind == VF_PROC ? 0x9fa0 /* PROC_SUPER_MAGIC */ :
					   0x01021994 /* TMPFS_MAGIC */;
	sf->f_bsize = PAGE_SIZE;
	sf->f_frsize = PAGE_SIZE;
	sf->f_namelen = 255;
}

long sys_fstatfs(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);
	struct statfs sf;

	if (!vf)
		return -EBADF;
	if (vf->host_fd >= 0 && (vf->kind == VF_HOST || vf->kind == VF_STDIO)) {
		if (fstatfs(vf->host_fd, &sf))
			return -errno;
	} else {
		statfs_synth(vf, &sf);
	}
	return copy_to_user(vmm, a[1], &sf, sizeof(sf));
}

long sys_statfs(struct vmm *vmm, const uint64_t *a)
{
	char path[PATH_MAX_GUEST], abs[PATH_MAX_GUEST];
	const struct special_path *sp;
	struct vfile vf = { 0 };
	struct statfs sf;
	long n;
	int hfd;

	n = strncpy_from_user(vmm, path, a[0], sizeof(path));
	if (n < 0)
		return n;
	if (n && !guest_lexical(vmm, AT_FDCWD, path, abs, sizeof(abs)) && (sp = find_special(abs))) {
		vf.kind = sp->ops->kind;
		statfs_synth(&vf, &sf);
		return copy_to_user(vmm, a[1], &sf, sizeof(sf));
	}
	hfd = path_lookup(vmm, AT_FDCWD, a[0], 0);
	if (hfd < 0)
		return hfd;
	n = fstatfs(hfd, &sf) ? -errno : 0;
	close(hfd);
	if (n)
		return n;
	return copy_to_user(vmm, a[1], &sf, sizeof(sf));
}

/* ---- chmod, chown, utimes (Linux: fs/open.c, fs/utimes.c) ---- */

static long chmod_fd(int hfd, mode_t mode)
{
	struct stat st;

	if (fstat(hfd, &st))
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -EOPNOTSUPP;	/* a symlink's mode cannot change */
	return syscall(SYS_fchmodat2, hfd, "", mode & 07777, AT_EMPTY_PATH) ? -errno : 0;
}

static long do_fchmodat(struct vmm *vmm, int dirfd, uint64_t upath, mode_t mode, int flags)
{
	long ret;
	int hfd;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	hfd = path_lookup(vmm, dirfd, upath, flags);
	if (hfd < 0)
		return hfd;
	ret = chmod_fd(hfd, mode);
	close(hfd);
	return ret;
}

long sys_chmod(struct vmm *vmm, const uint64_t *a)
{
	return do_fchmodat(vmm, AT_FDCWD, a[0], (mode_t)a[1], 0);
}

long sys_fchmodat(struct vmm *vmm, const uint64_t *a)
{
	return do_fchmodat(vmm, (int)a[0], a[1], (mode_t)a[2], 0);
}

long sys_fchmodat2(struct vmm *vmm, const uint64_t *a)
{
	return do_fchmodat(vmm, (int)a[0], a[1], (mode_t)a[2], (int)a[3]);
}

/* an open file's host descriptor, for the calls on its inode; -EBADF for O_PATH as Linux */
static int inode_fd(struct vmm *vmm, uint64_t fd)
{
	struct vfile *vf = fd_get(vmm, fd);

	if (!vf || (vf->flags & O_PATH))
		return -EBADF;
	if (vf->host_fd < 0 || (vf->kind != VF_HOST && vf->kind != VF_STDIO))
		return -EPERM;	/* the monitor's own files: not the guest's to change */
	return vf->host_fd;
}

long sys_fchmod(struct vmm *vmm, const uint64_t *a)
{
	int hfd = inode_fd(vmm, a[0]);

	if (hfd < 0)
		return hfd;
	return fchmod(hfd, (mode_t)a[1] & 07777) ? -errno : 0;
}

static long do_fchownat(struct vmm *vmm, int dirfd, uint64_t upath, uid_t uid, gid_t gid,
			int flags)
{
	long ret;
	int hfd;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	hfd = path_lookup(vmm, dirfd, upath, flags);
	if (hfd < 0)
		return hfd;
	ret = fchownat(hfd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) ? -errno : 0;
	close(hfd);
	return ret;
}

long sys_chown(struct vmm *vmm, const uint64_t *a)
{
	return do_fchownat(vmm, AT_FDCWD, a[0], (uid_t)a[1], (gid_t)a[2], 0);
}

long sys_lchown(struct vmm *vmm, const uint64_t *a)
{
	return do_fchownat(vmm, AT_FDCWD, a[0], (uid_t)a[1], (gid_t)a[2], AT_SYMLINK_NOFOLLOW);
}

long sys_fchownat(struct vmm *vmm, const uint64_t *a)
{
	return do_fchownat(vmm, (int)a[0], a[1], (uid_t)a[2], (gid_t)a[3], (int)a[4]);
}

long sys_fchown(struct vmm *vmm, const uint64_t *a)
{
	int hfd = inode_fd(vmm, a[0]);

	if (hfd < 0)
		return hfd;
	return fchown(hfd, (uid_t)a[1], (gid_t)a[2]) ? -errno : 0;
}

static bool nsec_valid(long nsec)
{
	return (nsec >= 0 && nsec <= 999999999) || nsec == UTIME_NOW || nsec == UTIME_OMIT;
}

/* do_utimes(): @upath 0 means @dirfd's own file; @times NULL means now */
static long do_utimes(struct vmm *vmm, int dirfd, uint64_t upath, struct timespec *times,
		      int flags)
{
	struct vfile *vf;
	long ret;
	int hfd;

	if (times && (!nsec_valid(times[0].tv_nsec) || !nsec_valid(times[1].tv_nsec)))
		return -EINVAL;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!upath) {
		if (flags & AT_SYMLINK_NOFOLLOW)
			return -EINVAL;
		if (dirfd == AT_FDCWD)
			return -EFAULT;
		vf = fd_get(vmm, dirfd);
		if (!vf)
			return -EBADF;
		if (vf->host_fd < 0 || (vf->kind != VF_HOST && vf->kind != VF_STDIO))
			return -EPERM;
		return syscall(SYS_utimensat, vf->host_fd, NULL, times, 0) ? -errno : 0;
	}
	hfd = path_lookup(vmm, dirfd, upath, flags);
	if (hfd < 0)
		return hfd;
	ret = utimensat(hfd, "", times, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) ? -errno : 0;
	close(hfd);
	return ret;
}

long sys_utimensat(struct vmm *vmm, const uint64_t *a)
{
	struct timespec ts[2];

	if (a[2] && copy_from_user(vmm, ts, a[2], sizeof(ts)))
		return -EFAULT;
	return do_utimes(vmm, (int)a[0], a[1], a[2] ? ts : NULL, (int)a[3]);
}

/* utimes and futimesat: timevals, microseconds checked as Linux does */
static long do_futimesat(struct vmm *vmm, int dirfd, uint64_t upath, uint64_t utv)
{
	struct timeval tv[2];
	struct timespec ts[2];
	int i;

	if (!utv)
		return do_utimes(vmm, dirfd, upath, NULL, 0);
	if (copy_from_user(vmm, tv, utv, sizeof(tv)))
		return -EFAULT;
	for (i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return do_utimes(vmm, dirfd, upath, ts, 0);
}

long sys_utimes(struct vmm *vmm, const uint64_t *a)
{
	return do_futimesat(vmm, AT_FDCWD, a[0], a[1]);
}

long sys_futimesat(struct vmm *vmm, const uint64_t *a)
{
	return do_futimesat(vmm, (int)a[0], a[1], a[2]);
}

long sys_utime(struct vmm *vmm, const uint64_t *a)
{
	struct timespec ts[2];
	struct { int64_t actime, modtime; } ub;

	if (!a[1])
		return do_utimes(vmm, AT_FDCWD, a[0], NULL, 0);
	if (copy_from_user(vmm, &ub, a[1], sizeof(ub)))
		return -EFAULT;
	ts[0].tv_sec = ub.actime;
	ts[1].tv_sec = ub.modtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	return do_utimes(vmm, AT_FDCWD, a[0], ts, 0);
}
