// SPDX-License-Identifier: GPL-2.0
/*
 * Host files under --root, read and written through the MMU's page cache
 * (one per host inode, so that read(2), write(2) and every mapping agree),
 * and the monitor's own stdin, stdout and stderr.
 */
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs.h"

/* ---- the host files' page caches ---- */

/*
 * One MMU view (struct file, one page cache) per host inode, shared by
 * every open and mapping in every process, as Linux shares the inode's
 * address_space.  The table holds a reference; an entry nobody else holds
 * (no open file, no mapping) is dropped when the table is next used.
 */
struct ftab_entry {
	dev_t dev;
	ino_t ino;
	struct file *file;
	struct ftab_entry *next;
};

struct file_table {
	struct ftab_entry *head;
};

static void ftab_sweep(struct vmm *vmm)
{
	struct ftab_entry **pe, *e;

	if (!vmm->ftab)
		return;
	for (pe = &vmm->ftab->head; (e = *pe);) {
		/* each open's view holds the mapping, not the table's file */
		if (e->file->f_count > 1 || e->file->f_mapping->refcount > 1) {
			pe = &e->next;
			continue;
		}
		*pe = e->next;
		fput(e->file);
		free(e);
	}
}

static struct ftab_entry *ftab_find(struct vmm *vmm, const struct stat *st)
{
	struct ftab_entry *e;

	for (e = vmm->ftab ? vmm->ftab->head : NULL; e; e = e->next)
		if (e->dev == st->st_dev && e->ino == st->st_ino)
			return e;
	return NULL;
}

/*
 * A writer opened a file the page cache reads through a read-only
 * descriptor: the cache's descriptor becomes the writer's, in place (dup3
 * onto the same number), so that write-back works for every view.  The
 * cache never opens a file for writing on its own: a host execve of a
 * program the guest only reads would fail with ETXTBSY.
 */
static int ftab_upgrade(struct ftab_entry *e, int hfd)
{
	int own = (int)(intptr_t)e->file->f_mapping->host;	/* host_file.c's fd */

	if (e->file->f_mode & FMODE_WRITE)
		return 0;
	if (dup3(hfd, own, O_CLOEXEC) < 0)
		return -errno;
	e->file->f_mode |= FMODE_WRITE;
	return 0;
}

/*
 * The view of the regular file open at @hfd, with a reference for the
 * caller; @write: @hfd is open for writing.  One view per inode, shared by
 * every open (file_reopen() gives each its own mode).
 */
static struct file *ftab_get(struct vmm *vmm, int hfd, const char *path, bool write)
{
	struct ftab_entry *e;
	struct stat st;

	if (fstat(hfd, &st) || !S_ISREG(st.st_mode))
		return NULL;
	ftab_sweep(vmm);
	e = ftab_find(vmm, &st);
	if (e) {
		if (write && ftab_upgrade(e, hfd))
			return NULL;
		get_file(e->file);
		return e->file;
	}
	if (!vmm->ftab) {
		vmm->ftab = calloc(1, sizeof(*vmm->ftab));
		if (!vmm->ftab)
			return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->file = host_file_open(vmm->zone, hfd, path,
				 write ? FMODE_READ | FMODE_WRITE : FMODE_READ);
	if (!e->file) {
		free(e);
		return NULL;
	}
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->next = vmm->ftab->head;
	vmm->ftab->head = e;
	get_file(e->file);
	return e->file;
}

/*
 * One open of @hfd: its own view (Linux's struct file) with @f_mode over
 * the inode's shared page cache, so that mmap sees this descriptor's
 * access mode (a MAP_SHARED mapping of a read-only open has no
 * VM_MAYWRITE).
 */
struct file *ftab_open(struct vmm *vmm, int hfd, const char *path, unsigned int f_mode)
{
	struct file *shared = ftab_get(vmm, hfd, path, f_mode & FMODE_WRITE), *file;

	if (!shared)
		return NULL;
	file = file_reopen(shared, f_mode & shared->f_mode);
	fput(shared);
	return file;
}

unsigned int open_fmode(int flags)
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		return FMODE_READ;
	case O_WRONLY:
		return FMODE_WRITE;
	default:
		return FMODE_READ | FMODE_WRITE;
	}
}

void ftab_exit(struct vmm *vmm)
{
	struct ftab_entry *e, *next;

	if (!vmm->ftab)
		return;
	for (e = vmm->ftab->head; e; e = next) {
		next = e->next;
		fput(e->file);
		free(e);
	}
	free(vmm->ftab);
	vmm->ftab = NULL;
}

/*
 * The host file changed size (O_TRUNC, ftruncate): mappings and cached
 * pages past the new end go, as truncate_setsize() does.
 */
int host_resized(struct file *file, int hfd)
{
	struct stat st;

	if (!file)
		return 0;
	if (fstat(hfd, &st))
		return -errno;
	return file_truncate(file, (uint64_t)st.st_size);
}

/* ---- the file operations ---- */

static unsigned int stdio_poll(struct vmm *vmm, struct vfile *vf)
{
	return host_poll(vf->host_fd);
}

static ssize_t stdio_read(struct vmm *vmm, struct vfile *vf, void *buf, size_t n, off_t pos)
{
	ssize_t got;

	/*
	 * A terminal or a pipe with nothing to read would block the whole
	 * monitor: -EAGAIN, and read_write.c puts only this process to sleep
	 * (the host fd's flags stay as they are: others share it).
	 */
	if (pos < 0 && !(host_poll(vf->host_fd) & (POLLIN | POLLHUP | POLLERR)))
		return -EAGAIN;
	got = pos < 0 ? read(vf->host_fd, buf, n) : pread(vf->host_fd, buf, n, pos);

	return got < 0 ? -errno : got;
}

static ssize_t hostfs_read(struct vmm *vmm, struct vfile *vf, void *buf, size_t n, off_t pos)
{
	ssize_t got;

	if (!vf->file)
		return stdio_read(vmm, vf, buf, n, pos);
	/* through the page cache: mappings and read(2) agree */
	got = kernel_read(vf->file, pos < 0 ? vf->pos : (uint64_t)pos, buf, n);
	if (got > 0 && pos < 0)
		vf->pos += got;
	return got;
}

static ssize_t stdio_write(struct vmm *vmm, struct vfile *vf, const void *buf, size_t n,
			   off_t pos)
{
	ssize_t done;

	/* a full host pipe: only this process waits (read_write.c) */
	if (!(host_poll(vf->host_fd) & (POLLOUT | POLLHUP | POLLERR)))
		return -EAGAIN;
	done = write(vf->host_fd, buf, n);
	if (done >= 0)
		return done;
	done = -errno;
	/* the host pipe's reader is gone: the guest's SIGPIPE, not the monitor's */
	if (done == -EPIPE)
		send_sigpipe(vmm);
	return done;
}

static ssize_t hostfs_write(struct vmm *vmm, struct vfile *vf, const void *buf, size_t n,
			    off_t pos)
{
	uint64_t p = pos < 0 ? vf->pos : (uint64_t)pos;
	ssize_t done;

	if (!vf->file)
		return -EINVAL;
	/* O_APPEND: at the end, whatever the position (generic_write_checks) */
	if ((vf->flags & O_APPEND) && pos < 0)
		p = vf->file->f_mapping->i_size;
	done = kernel_write(vf->file, p, buf, n);
	if (done > 0 && pos < 0)
		vf->pos = p + done;
	return done;
}

/* a host file the MMU has no view of (a directory, a device): the host's lseek */
static int64_t stdio_llseek(struct vmm *vmm, struct vfile *vf, int64_t off, int whence)
{
	off_t r = lseek(vf->host_fd, off, whence);

	return r < 0 ? -errno : r;
}

static int64_t hostfs_size(struct vfile *vf)
{
	return vf->file->f_mapping->i_size;
}

static int64_t hostfs_llseek(struct vmm *vmm, struct vfile *vf, int64_t off, int whence)
{
	return stdio_llseek(vmm, vf, off, whence);
}

static int hostfs_stat(struct vmm *vmm, struct vfile *vf, struct stat *st)
{
	return fstat(vf->host_fd, st) ? -errno : 0;
}

static struct file *hostfs_mmap_file(struct vmm *vmm, struct vfile *vf, long *err)
{
	struct stat st;

	if (vf->file)
		return vf->file;	/* the view has the descriptor's mode: do_mmap() checks it */
	if (fstat(vf->host_fd, &st) || !S_ISREG(st.st_mode))
		*err = S_ISDIR(st.st_mode) ? -ENODEV : -EACCES;
	else
		*err = -ENOMEM;
	return NULL;
}

static int stdio_fsync(struct vmm *vmm, struct vfile *vf)
{
	return fsync(vf->host_fd) ? -errno : 0;
}

static int hostfs_fsync(struct vmm *vmm, struct vfile *vf)
{
	/* dirty shared pages reach the host file first, then the disk */
	if (vf->file && file_fsync(vf->file))
		return -EIO;
	return stdio_fsync(vmm, vf);
}

static int hostfs_truncate(struct vmm *vmm, struct vfile *vf, uint64_t len)
{
	if (!vf->file)
		return -EINVAL;
	if (ftruncate(vf->host_fd, (off_t)len))
		return -errno;
	return host_resized(vf->file, vf->host_fd);
}

static void hostfs_release(struct vfile *vf)
{
	if (vf->host_fd >= 0)
		close(vf->host_fd);
}

const struct vfile_ops hostfs_ops = {
	.kind		= VF_HOST,
	.read		= hostfs_read,
	.write		= hostfs_write,
	.size		= hostfs_size,
	.stat		= hostfs_stat,
	.mmap_file	= hostfs_mmap_file,
	.fsync		= hostfs_fsync,
	.truncate	= hostfs_truncate,
	.release	= hostfs_release,
};

/* a host file without a page-cache view (directories, devices): the host seeks */
const struct vfile_ops hostfs_nocache_ops = {
	.kind		= VF_HOST,
	.read		= hostfs_read,
	.write		= hostfs_write,
	.llseek		= hostfs_llseek,
	.stat		= hostfs_stat,
	.mmap_file	= hostfs_mmap_file,
	.fsync		= hostfs_fsync,
	.truncate	= hostfs_truncate,
	.release	= hostfs_release,
};

/*
 * The terminal's ioctls a program asks at start-up (isatty() is TCGETS) and
 * the ones a full-screen program sets, on the monitor's own descriptor: a
 * file or pipe there answers ENOTTY as it would natively.  Job control's
 * TIOCSPGRP is not passed: the guest's process groups are not the host's.
 */
static long stdio_ioctl(struct vmm *vmm, struct vfile *vf, unsigned int cmd, uint64_t arg)
{
	unsigned char buf[64];
	size_t len;
	bool in;

	switch (cmd) {
	case TCGETS:
		len = 36, in = false;	/* the kernel's struct termios (asm/termbits.h) */
		break;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		len = 36, in = true;
		break;
	case TIOCGWINSZ:
		len = sizeof(struct winsize), in = false;
		break;
	case TIOCSWINSZ:
		len = sizeof(struct winsize), in = true;
		break;
	case FIONREAD:
	case TIOCGPGRP:
		len = sizeof(int), in = false;
		break;
	default:
		return -ENOTTY;
	}
	memset(buf, 0, sizeof(buf));
	if (in && copy_from_user(vmm, buf, arg, len))
		return -EFAULT;
	if (ioctl(vf->host_fd, cmd, buf) < 0)
		return -errno;
	if (!in && copy_to_user(vmm, arg, buf, len))
		return -EFAULT;
	return 0;
}

const struct vfile_ops stdio_ops = {
	.kind		= VF_STDIO,
	.read		= stdio_read,
	.write		= stdio_write,
	.llseek		= stdio_llseek,
	.stat		= hostfs_stat,
	.fsync		= stdio_fsync,
	.no_pread	= true,
	.poll		= stdio_poll,
	.ioctl		= stdio_ioctl,
};

/* ---- host directories ---- */

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/*
 * The host's entries from vf->pos on, with the host's inode numbers and
 * offsets (its d_off are positions lseek accepts, so rewinddir and
 * seekdir work as on the host).  The host descriptor's own position is
 * only a cursor: each call seeks it to vf->pos first.
 */
static int hostdir_iterate(struct vmm *vmm, struct vfile *vf, struct dir_context *ctx)
{
	char buf[16384] __attribute__((aligned(8)));
	struct linux_dirent64 *d;
	long n, i;

	if (lseek(vf->host_fd, (off_t)vf->pos, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		n = syscall(SYS_getdents64, vf->host_fd, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		if (!n)
			return 0;
		for (i = 0; i < n; i += d->d_reclen) {
			d = (struct linux_dirent64 *)(buf + i);
			if (!ctx->emit(ctx, d->d_name, strlen(d->d_name), d->d_ino, d->d_type))
				return 0;
			vf->pos = (uint64_t)d->d_off;
		}
	}
}

/* the host says what reading a directory gives (EISDIR) */
static ssize_t hostdir_read(struct vmm *vmm, struct vfile *vf, void *buf, size_t n, off_t pos)
{
	ssize_t got = pos < 0 ? read(vf->host_fd, buf, n) : pread(vf->host_fd, buf, n, pos);

	return got < 0 ? -errno : got;
}

/* the position is vf->pos; the host checks what it accepts (ext4's hash offsets) */
static int64_t hostdir_llseek(struct vmm *vmm, struct vfile *vf, int64_t off, int whence)
{
	off_t r;

	/* generic_file_llseek_size(): a sum that wraps is negative, EINVAL */
	if (whence == SEEK_CUR) {
		if (__builtin_add_overflow(off, (int64_t)vf->pos, &off) || off < 0)
			return -EINVAL;
		whence = SEEK_SET;
	}
	r = lseek(vf->host_fd, off, whence);
	if (r < 0)
		return -errno;
	vf->pos = (uint64_t)r;
	return r;
}

const struct vfile_ops hostdir_ops = {
	.kind		= VF_HOST,
	.read		= hostdir_read,
	.llseek		= hostdir_llseek,
	.stat		= hostfs_stat,
	.mmap_file	= hostfs_mmap_file,
	.fsync		= stdio_fsync,
	.release	= hostfs_release,
	.iterate	= hostdir_iterate,
};
