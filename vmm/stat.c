// SPDX-License-Identifier: GPL-2.0
/* stat and its family, readlink (Linux: fs/stat.c) */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	struct vfile *vf = vfile_new(sp->ops, -1, O_RDONLY);
	long ret;

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
	char path[4096];
	long n;
	int hfd, ret;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	n = strncpy_from_user(vmm, path, upath, sizeof(path));
	if (n < 0)
		return n;
	if (!n && (flags & AT_EMPTY_PATH)) {
		if (dirfd == AT_FDCWD)
			return stat_path(vmm, AT_FDCWD, 0, ubuf, flags);
		dir = fd_get(vmm, dirfd);
		return dir ? stat_vfile(vmm, dir, ubuf) : -EBADF;
	}
	if (!n)
		return -ENOENT;
	if (procfs_stat(vmm, path, sizeof(path), !(flags & AT_SYMLINK_NOFOLLOW), &st, &n))
		return n ? n : copy_to_user(vmm, ubuf, &st, sizeof(st));
	sp = find_special(path);
	if (sp)
		return stat_special(vmm, sp, ubuf);
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

long sys_readlink(struct vmm *vmm, const uint64_t *a)
{
	char path[4096], *buf;
	long n;

	n = strncpy_from_user(vmm, path, a[0], sizeof(path));
	if (n < 0)
		return n;
	if ((int64_t)a[2] <= 0)
		return -EINVAL;
	buf = malloc(PATH_MAX_GUEST);
	if (!buf)
		return -ENOMEM;
	if (!procfs_readlinkat(vmm, path, sizeof(path), buf, PATH_MAX_GUEST, &n))
		n = -ENOENT;	/* host symlinks: not yet */
	if (n >= 0) {
		if ((uint64_t)n > a[2])
			n = a[2];
		if (copy_to_user(vmm, a[1], buf, n))
			n = -EFAULT;
	}
	free(buf);
	return n;
}
