// SPDX-License-Identifier: GPL-2.0
/*
 * Paths (Linux: fs/namei.c).  Every path resolves under --root as under a
 * chroot; a few are the monitor's own (/dev/null, /proc/self/maps, ...).
 */
#include <errno.h>
#include <fcntl.h>
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
 * Resolve @path under --root as if it were the guest's "/": openat2 with
 * RESOLVE_IN_ROOT keeps "..", absolute symlinks and absolute paths inside,
 * and magic links (/proc/self/fd/...) are refused.
 */
int host_open_confined(struct vmm *vmm, int dirfd, const char *path, int flags, int mode)
{
	struct open_how how = { 0 };
	long fd;

	how.flags = flags;
	if (flags & O_CREAT)
		how.mode = mode & 07777;
	how.resolve = RESOLVE_NO_MAGICLINKS;
	if (dirfd == AT_FDCWD || path[0] == '/') {
		dirfd = vmm->root_fd;
		how.resolve |= RESOLVE_IN_ROOT;
	} else {
		how.resolve |= RESOLVE_BENEATH;
	}
	fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd < 0)
		return errno == EXDEV ? -EACCES : -errno;
	return (int)fd;
}

long open_special(struct vmm *vmm, const struct special_path *sp, int flags)
{
	struct vfile *vf;

	if (sp->ops->kind == VF_PROC && (flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	vf = vfile_new(sp->ops, -1, flags);
	if (!vf)
		return -ENOMEM;
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

int parent_confined(struct vmm *vmm, int dirfd, uint64_t upath, char *path, size_t len,
		    const char **base)
{
	struct vfile *dir = NULL;
	char *slash;
	long n;
	int flags = O_PATH | O_DIRECTORY | O_CLOEXEC;

	n = strncpy_from_user(vmm, path, upath, len);
	if (n < 0)
		return n;
	if (!n)
		return -ENOENT;
	while (n > 1 && path[n - 1] == '/')
		path[--n] = 0;
	if (dirfd != AT_FDCWD && path[0] != '/') {
		dir = fd_get(vmm, dirfd);
		if (!dir)
			return -EBADF;
		if (dir->kind != VF_HOST)
			return -ENOTDIR;
	}
	slash = strrchr(path, '/');
	*base = slash ? slash + 1 : path;
	if (!strcmp(*base, ".") || !strcmp(*base, "..") || !**base)
		return -EINVAL;
	if (!slash)
		return dir ? fcntl(dir->host_fd, F_DUPFD_CLOEXEC, 0) :
			     host_open_confined(vmm, AT_FDCWD, "/", flags, 0);
	*slash = 0;
	return host_open_confined(vmm, dir ? dir->host_fd : AT_FDCWD,
				  slash == path ? "/" : path, flags, 0);
}

static long do_unlinkat(struct vmm *vmm, int dirfd, uint64_t upath, int flags)
{
	char path[4096];
	const char *base;
	int pfd = parent_confined(vmm, dirfd, upath, path, sizeof(path), &base);
	long ret;

	if (pfd < 0)
		return pfd == -EINVAL && !(flags & AT_REMOVEDIR) ? -EISDIR : pfd;
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

long sys_mkdir(struct vmm *vmm, const uint64_t *a)
{
	char path[4096];
	const char *base;
	int pfd = parent_confined(vmm, AT_FDCWD, a[0], path, sizeof(path), &base);
	long ret;

	if (pfd < 0)
		return pfd == -EINVAL ? -EEXIST : pfd;
	ret = mkdirat(pfd, base, (mode_t)a[1] & 07777) ? -errno : 0;
	close(pfd);
	return ret;
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
		ret = mknodat(pfd, base, mode & (S_IFMT | 07777), 0) ? -errno : 0;
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
