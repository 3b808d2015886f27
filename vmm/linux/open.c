// SPDX-License-Identifier: GPL-2.0
/*
 * Opening files, and the calls on an open file's inode (Linux: fs/open.c,
 * fs/sync.c): open, openat, access, ftruncate, fsync; execve's open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs.h"
#include "syscalls.h"

static long do_openat(struct vmm *vmm, int dirfd, uint64_t upath, int flags, int mode)
{
	const struct special_path *sp;
	struct vfile *vf;
	char path[PATH_MAX_GUEST], abs[PATH_MAX_GUEST];
	struct stat st;
	long n;
	int hfd;

	if (vmm->cur->retrying && vmm->cur->fifo_wait)
		return fifo_open_retry(vmm);
	n = strncpy_from_user(vmm, path, upath, sizeof(path));
	if (n < 0)
		return n;
	if (!n)
		return -ENOENT;
	n = guest_lexical(vmm, dirfd, path, abs, sizeof(abs));
	if (n < 0)
		return n;
	if (guest_proc_path(vmm, dirfd, path, abs, sizeof(abs), !(flags & O_NOFOLLOW))) {
		if (procfs_open(vmm, abs, sizeof(abs), flags, &n))
			return n;
		strcpy(path, abs);	/* a magic link's target, out of /proc */
		dirfd = AT_FDCWD;
	}
	sp = find_special(abs);
	if (sp)
		return open_special(vmm, sp, flags);
	hfd = dirfd_host(vmm, dirfd, path);
	if (hfd < 0 && hfd != AT_FDCWD)
		return hfd;
	/* a FIFO: a guest pipe, never the host's (pipe.c) */
	if (!(flags & O_PATH)) {
		n = fifo_open_at(vmm, hfd, path, flags);
		if (n != FIFO_NOT)
			return n;
	}
	hfd = host_open_confined(vmm, hfd, path,
				 (flags & (O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_DIRECTORY |
					   O_NOFOLLOW | O_PATH | O_TMPFILE)) | O_CLOEXEC | O_NOCTTY,
				 mode);
	if (hfd < 0)
		return hfd;
	vf = vfile_new(&hostfs_nocache_ops, hfd,
		       flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | (O_TMPFILE & ~O_DIRECTORY)));
	if (!vf) {
		close(hfd);
		return -ENOMEM;
	}
	vf->path = guest_path_dup(vmm, hfd);
	if (!(flags & O_PATH))
		vf->file = ftab_open(vmm, hfd, vf->path ? vf->path : abs, open_fmode(flags));
	if (vf->file)
		vf->ops = &hostfs_ops;	/* seeks and SEEK_END through the page cache */
	else if (!(flags & O_PATH) && !fstat(hfd, &st) && S_ISDIR(st.st_mode))
		vf->ops = &hostdir_ops;	/* getdents64 */
	if (vf->file && (flags & O_TRUNC) && vfile_writable(vf))
		host_resized(vf->file, hfd);
	return fd_install_new(vmm, vf);
}

long sys_open(struct vmm *vmm, const uint64_t *a)
{
	return do_openat(vmm, AT_FDCWD, a[0], (int)a[1], (int)a[2]);
}

long sys_openat(struct vmm *vmm, const uint64_t *a)
{
	return do_openat(vmm, (int)a[0], a[1], (int)a[2], (int)a[3]);
}

long sys_creat(struct vmm *vmm, const uint64_t *a)
{
	return do_openat(vmm, AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, (int)a[1]);
}

/*
 * faccessat2 (Linux: do_faccessat): the host checks the file the guest's
 * path resolves to, with the monitor's ids, which are the guest's.
 */
static long do_faccessat(struct vmm *vmm, int dirfd, uint64_t upath, int mode, int flags)
{
	char path[PATH_MAX_GUEST], abs[PATH_MAX_GUEST];
	struct stat st;
	long ret;
	int hfd;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	ret = strncpy_from_user(vmm, path, upath, sizeof(path));
	if (ret < 0)
		return ret;
	if (ret > 0 && !guest_lexical(vmm, dirfd, path, abs, sizeof(abs)) &&
	    guest_proc_path(vmm, dirfd, path, abs, sizeof(abs), !(flags & AT_SYMLINK_NOFOLLOW)) &&
	    procfs_stat(vmm, abs, sizeof(abs), !(flags & AT_SYMLINK_NOFOLLOW), &st, &ret))
		return ret ? ret : (mode & X_OK) && !S_ISDIR(st.st_mode) && !(st.st_mode & 0111) ?
				   -EACCES : 0;
	if (ret > 0 && !guest_lexical(vmm, dirfd, path, abs, sizeof(abs)) && find_special(abs))
		return mode & X_OK ? -EACCES : 0;	/* the monitor's files: no one executes them */
	hfd = path_lookup(vmm, dirfd, upath, flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH));
	if (hfd < 0)
		return hfd;
	ret = syscall(SYS_faccessat2, hfd, "", mode,
		      AT_EMPTY_PATH | (flags & AT_EACCESS)) ? -errno : 0;
	close(hfd);
	return ret;
}

long sys_access(struct vmm *vmm, const uint64_t *a)
{
	return do_faccessat(vmm, AT_FDCWD, a[0], (int)a[1], 0);
}

long sys_faccessat(struct vmm *vmm, const uint64_t *a)
{
	return do_faccessat(vmm, (int)a[0], a[1], (int)a[2], 0);
}

long sys_faccessat2(struct vmm *vmm, const uint64_t *a)
{
	return do_faccessat(vmm, (int)a[0], a[1], (int)a[2], (int)a[3]);
}

/* truncate(2): the page cache of the file learns the new size too */
long sys_truncate(struct vmm *vmm, const uint64_t *a)
{
	struct file *file;
	char link[64], *gpath;
	struct stat st;
	long ret;
	int hfd, wfd;

	if ((int64_t)a[1] < 0)
		return -EINVAL;
	hfd = path_lookup(vmm, AT_FDCWD, a[0], 0);
	if (hfd < 0)
		return hfd;
	ret = fstat(hfd, &st) ? -errno : 0;
	if (!ret && S_ISDIR(st.st_mode))
		ret = -EISDIR;
	else if (!ret && !S_ISREG(st.st_mode))
		ret = -EINVAL;
	if (ret)
		goto out;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", hfd);
	wfd = open(link, O_WRONLY | O_CLOEXEC);
	if (wfd < 0) {
		ret = -errno;
		goto out;
	}
	gpath = guest_path_dup(vmm, wfd);
	file = ftab_open(vmm, wfd, gpath ? gpath : "", FMODE_WRITE);
	free(gpath);
	ret = ftruncate(wfd, (off_t)a[1]) ? -errno : 0;
	if (!ret && file)
		ret = host_resized(file, wfd);
	if (file)
		fput(file);
	close(wfd);
out:
	close(hfd);
	return ret;
}

long sys_ftruncate(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);

	if (!vf)
		return -EBADF;
	if ((int64_t)a[1] < 0)
		return -EINVAL;
	if (!vfile_writable(vf) || !vf->ops->truncate)
		return -EINVAL;
	return vf->ops->truncate(vmm, vf, a[1]);
}

long sys_fsync(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);

	if (!vf)
		return -EBADF;
	return vf->ops->fsync ? vf->ops->fsync(vmm, vf) : -EINVAL;
}

/*
 * The MMU's file for mmap of @fd.  NULL with *err == 0 means anonymous
 * memory (/dev/zero); NULL with *err set is the errno.
 */
struct file *fs_mmap_file(struct vmm *vmm, int fd, int prot, int flags, long *err)
{
	struct vfile *vf = fd_get(vmm, (uint64_t)fd);

	*err = 0;
	if (!vf) {
		*err = -EBADF;
		return NULL;
	}
	if (!vf->ops->mmap_file) {
		*err = -ENODEV;
		return NULL;
	}
	return vf->ops->mmap_file(vmm, vf, err);
}

/* execve's file: a regular file under --root, opened read-only for the loader */
int fs_open_exec_path(struct vmm *vmm, const char *path)
{
	struct stat st;
	int hfd;

	if (!path[0])
		return -ENOENT;
	hfd = host_open_confined(vmm, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	if (hfd < 0)
		return hfd;
	if (fstat(hfd, &st) || !S_ISREG(st.st_mode)) {
		close(hfd);
		return -EACCES;
	}
	return hfd;
}

int fs_open_exec(struct vmm *vmm, uint64_t upath, char *path, size_t len)
{
	long n = strncpy_from_user(vmm, path, upath, len);
	char *target;

	if (n < 0)
		return n;
	target = malloc(len);
	if (!target)
		return -ENOMEM;
	/* /proc/self/exe and its kind: the program keeps @path as it gave it */
	n = procfs_exec_target(vmm, path, target, len);
	if (n >= 0)
		n = fs_open_exec_path(vmm, n ? target : path);
	free(target);
	return n;
}
