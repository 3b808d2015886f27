// SPDX-License-Identifier: GPL-2.0
/*
 * The calls that move bytes between guest memory and open files (Linux:
 * fs/read_write.c): read, write, their p- and v- forms, lseek.  Guest
 * memory goes through a bounce buffer, a chunk at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fs.h"
#include "syscalls.h"

#define IO_CHUNK	65536
#define MAX_RW_COUNT	(INT32_MAX & PAGE_MASK)

static ssize_t vfile_read(struct vmm *vmm, struct vfile *vf, void *buf, size_t n, off_t pos)
{
	return vf->ops->read ? vf->ops->read(vmm, vf, buf, n, pos) : -EINVAL;
}

static ssize_t vfile_write(struct vmm *vmm, struct vfile *vf, const void *buf, size_t n,
			   off_t pos)
{
	return vf->ops->write ? vf->ops->write(vmm, vf, buf, n, pos) : -EINVAL;
}

/* read into guest memory through a bounce buffer */
static long do_read(struct vmm *vmm, struct vfile *vf, uint64_t ubuf, uint64_t count,
		    off_t pos)
{
	char *buf;
	uint64_t done = 0;
	ssize_t got;

	if (!count)
		return 0;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	buf = malloc(IO_CHUNK);
	if (!buf)
		return -ENOMEM;
	while (done < count) {
		size_t n = count - done < IO_CHUNK ? count - done : IO_CHUNK;

		got = vfile_read(vmm, vf, buf, n, pos < 0 ? -1 : pos + (off_t)done);
		if (got <= 0) {
			if (!done)
				done = got;
			break;
		}
		if (copy_to_user(vmm, ubuf + done, buf, got)) {
			if (!done)
				done = -EFAULT;
			break;
		}
		done += got;
		/* a short read (a pipe, a terminal, end of file) ends the call */
		if ((size_t)got < n)
			break;
	}
	free(buf);
	return (long)done;
}

static long do_write(struct vmm *vmm, struct vfile *vf, uint64_t ubuf, uint64_t count,
		     off_t pos)
{
	char *buf;
	uint64_t done = 0;
	ssize_t put;

	if (!count)
		return 0;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	buf = malloc(IO_CHUNK);
	if (!buf)
		return -ENOMEM;
	while (done < count) {
		size_t n = count - done < IO_CHUNK ? count - done : IO_CHUNK;

		if (copy_from_user(vmm, buf, ubuf + done, n)) {
			if (!done)
				done = -EFAULT;
			break;
		}
		put = vfile_write(vmm, vf, buf, n, pos < 0 ? -1 : pos + (off_t)done);
		if (put <= 0) {
			if (!done)
				done = put;
			break;
		}
		done += put;
		if ((size_t)put < n)
			break;
	}
	free(buf);
	return (long)done;
}
/* may this file's read or write sleep when its kind says -EAGAIN? */
static bool may_block(const struct vfile *vf)
{
	return vf->ops->poll && !(vf->flags & O_NONBLOCK);
}

/*
 * A read into @iov: a short read ends it.  Nothing to read yet from a
 * file that would block (an empty pipe with a writer, stdin not ready)
 * and no O_NONBLOCK: the process sleeps and the call is retried, or a
 * signal makes it -ERESTARTSYS (EINTR, or restarted with SA_RESTART).
 */
static long rw_read(struct vmm *vmm, struct vfile *vf, const struct iovec *iov, int cnt)
{
	long ret = 0, done = 0;
	int i;

	for (i = 0; i < cnt; i++) {
		if (!iov[i].iov_len)
			continue;
		ret = do_read(vmm, vf, (uint64_t)iov[i].iov_base, iov[i].iov_len, -1);
		if (ret < 0)
			break;
		done += ret;
		if ((size_t)ret < iov[i].iov_len)
			break;
	}
	if (done || ret != -EAGAIN || !may_block(vf))
		return done ? done : ret;
	if (signal_pending(vmm->cur))
		return -ERESTARTSYS;
	vfile_wait(vmm, vf, POLLIN);
	return -ERESTARTSYS;
}

/*
 * A write from @iov.  A file that would block takes what fits and the
 * process sleeps until it takes more: the bytes already written are kept
 * in the process (io_done), so the retried call goes on where it stopped,
 * as pipe_write() loops until all is written.  A signal then ends it with
 * the count so far, or -ERESTARTSYS when there is none.
 */
static long rw_write(struct vmm *vmm, struct vfile *vf, const struct iovec *iov, int cnt)
{
	struct process *p = vmm->cur;
	uint64_t skip = p->retrying ? p->io_done : 0, done = skip;
	long ret = 0;
	int i;

	p->io_done = 0;
	for (i = 0; i < cnt; i++) {
		uint64_t off = 0, len = iov[i].iov_len;

		if (skip >= len) {
			skip -= len;
			continue;
		}
		off = skip;
		skip = 0;
		while (off < len) {
			ret = do_write(vmm, vf, (uint64_t)iov[i].iov_base + off, len - off, -1);
			if (ret <= 0)
				goto out;
			off += ret;
			done += ret;
		}
	}
out:
	if (ret != -EAGAIN || !may_block(vf))
		return done ? (long)done : ret;
	if (signal_pending(p))
		return done ? (long)done : -ERESTARTSYS;
	p->io_done = done;
	vfile_wait(vmm, vf, POLLOUT);
	return -ERESTARTSYS;
}

long sys_read(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);
	struct iovec iov = { (void *)a[1], a[2] };

	if (!vf || !vfile_readable(vf))
		return -EBADF;
	if (!a[2])
		return 0;
	return rw_read(vmm, vf, &iov, 1);
}

/*
 * vfs_read()/vfs_write() before a positional transfer: access_ok() (the
 * buffer's end past the user half is EFAULT, even for 0 bytes), then
 * rw_verify_area() (a position the count carries past LLONG_MAX is EINVAL).
 */
static long pos_verify(uint64_t ubuf, uint64_t count, int64_t pos)
{
	if (ubuf + count < ubuf || ubuf + count > TASK_SIZE)
		return -EFAULT;
	if (count > (uint64_t)(INT64_MAX - pos))
		return -EINVAL;
	return 0;
}

long sys_pread64(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);
	long ret;

	if (!vf || !vfile_readable(vf))
		return -EBADF;
	if ((int64_t)a[3] < 0)
		return -EINVAL;
	if (vf->ops->no_pread)
		return -ESPIPE;
	ret = pos_verify(a[1], a[2], (int64_t)a[3]);
	if (ret)
		return ret;
	return do_read(vmm, vf, a[1], a[2], (off_t)a[3]);
}

long sys_write(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);
	struct iovec iov = { (void *)a[1], a[2] > MAX_RW_COUNT ? MAX_RW_COUNT : a[2] };

	if (!vf || !vfile_writable(vf))
		return -EBADF;
	if (!a[2])
		return 0;
	return rw_write(vmm, vf, &iov, 1);
}

long sys_pwrite64(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);
	long ret;

	if (!vf || !vfile_writable(vf))
		return -EBADF;
	if ((int64_t)a[3] < 0)
		return -EINVAL;
	if (vf->ops->no_pread)
		return -ESPIPE;
	ret = pos_verify(a[1], a[2], (int64_t)a[3]);
	if (ret)
		return ret;
	return do_write(vmm, vf, a[1], a[2], (off_t)a[3]);
}

static long do_iov(struct vmm *vmm, const uint64_t *a, bool is_write)
{
	struct vfile *vf = fd_get(vmm, a[0]);
	struct iovec *iov;
	uint64_t total = 0;
	long ret;
	int i, cnt = (int)a[2];

	if (!vf || !(is_write ? vfile_writable(vf) : vfile_readable(vf)))
		return -EBADF;
	if (cnt < 0 || cnt > UIO_MAXIOV)
		return -EINVAL;
	if (!cnt)
		return 0;
	iov = calloc(cnt, sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	if (copy_from_user(vmm, iov, a[1], cnt * sizeof(*iov))) {
		free(iov);
		return -EFAULT;
	}
	for (i = 0; i < cnt; i++) {
		if ((ssize_t)iov[i].iov_len < 0 || total + iov[i].iov_len > SSIZE_MAX) {
			free(iov);
			return -EINVAL;
		}
		total += iov[i].iov_len;
	}
	ret = !total ? 0 : is_write ? rw_write(vmm, vf, iov, cnt) : rw_read(vmm, vf, iov, cnt);
	free(iov);
	return ret;
}

long sys_readv(struct vmm *vmm, const uint64_t *a)
{
	return do_iov(vmm, a, false);
}

long sys_writev(struct vmm *vmm, const uint64_t *a)
{
	return do_iov(vmm, a, true);
}

/* generic_file_llseek() on the file position, unless the kind seeks itself */
long sys_lseek(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);
	int64_t off = (int64_t)a[1], base;

	if (!vf)
		return -EBADF;
	if (vf->ops->llseek)
		return vf->ops->llseek(vmm, vf, off, (int)a[2]);
	switch (a[2]) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = vf->pos;
		break;
	case SEEK_END:
		if (!vf->ops->size)
			return -EINVAL;
		base = vf->ops->size(vf);
		break;
	default:
		return -EINVAL;
	}
	/* vfs_setpos(): a position past LLONG_MAX (the sum wraps) or below 0 is EINVAL */
	if (__builtin_add_overflow(base, off, &base) || base < 0)
		return -EINVAL;
	vf->pos = base;
	return vf->pos;
}
