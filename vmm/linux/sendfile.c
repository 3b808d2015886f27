// SPDX-License-Identifier: GPL-2.0
/*
 * Copying between open files without the guest's buffers (Linux:
 * fs/read_write.c do_sendfile, vfs_copy_file_range), and fadvise64
 * (mm/fadvise.c).  The bytes go through each file's read and write ops,
 * so page caches and mappings see them as they see write(2).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "syscalls.h"

#define COPY_CHUNK	65536
#define MAX_RW_COUNT	(INT32_MAX & PAGE_MASK)

/*
 * rw_verify_area(): a count that is negative as a ssize_t, or a position
 * that the count would carry past LLONG_MAX, is EINVAL (none of these files
 * has FMODE_UNSIGNED_OFFSET).  After it, position + count cannot overflow.
 */
static long rw_verify_area(int64_t pos, uint64_t count)
{
	if ((int64_t)count < 0 || pos < 0)
		return -EINVAL;
	if (count > (uint64_t)(INT64_MAX - pos))
		return -EINVAL;
	return 0;
}

/*
 * Copy up to @count bytes from @in at *@in_pos (-1: its file position)
 * to @out at @out_pos (-1: its file position); advances what it used.
 * The bytes copied, or the first error when none were.
 */
static long copy_range(struct vmm *vmm, struct vfile *in, int64_t *in_pos, struct vfile *out,
		       int64_t *out_pos, uint64_t count)
{
	uint64_t done = 0;
	char *buf = malloc(COPY_CHUNK);
	ssize_t got, put;
	off_t rpos;

	if (!buf)
		return -ENOMEM;
	while (done < count) {
		size_t n = count - done < COPY_CHUNK ? count - done : COPY_CHUNK;

		/* a pipe has no position to come back to: what is read is consumed */
		rpos = in_pos ? *in_pos : in->ops->no_pread ? -1 : (off_t)in->pos;
		got = in->ops->read ? in->ops->read(vmm, in, buf, n, rpos) : -EINVAL;
		if (got <= 0) {
			if (!done)
				done = got;
			break;
		}
		put = out->ops->write ? out->ops->write(vmm, out, buf, got,
							out_pos ? *out_pos : -1) : -EINVAL;
		if (put > 0) {
			done += put;
			if (in_pos)
				*in_pos += put;
			else if (rpos >= 0)
				in->pos += put;
			if (out_pos)
				*out_pos += put;
		}
		if (put != got) {
			if (!done)
				done = put < 0 ? put : 0;
			break;
		}
	}
	free(buf);
	return (long)done;
}

long sys_sendfile(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *out = fd_get(vmm, a[0]), *in = fd_get(vmm, a[1]);
	uint64_t count = a[3];
	int64_t pos;
	long ret;

	if (!in || !vfile_readable(in) || (in->flags & O_PATH))
		return -EBADF;
	if (!out || !vfile_writable(out) || (out->flags & O_PATH))
		return -EBADF;
	if (out->flags & O_APPEND)
		return -EINVAL;
	if (a[2] && copy_from_user(vmm, &pos, a[2], sizeof(pos)))
		return -EFAULT;
	if (a[2] && in->ops->no_pread)
		return -ESPIPE;
	/* do_sendfile(): both files' positions are checked against the count */
	ret = rw_verify_area(a[2] ? pos : (int64_t)in->pos, count);
	if (!ret)
		ret = rw_verify_area((int64_t)out->pos, count);
	if (ret)
		return ret;
	if (!a[2])
		return copy_range(vmm, in, NULL, out, NULL,
				  count > MAX_RW_COUNT ? MAX_RW_COUNT : count);
	ret = copy_range(vmm, in, &pos, out, NULL, count > MAX_RW_COUNT ? MAX_RW_COUNT : count);
	if (ret >= 0 && copy_to_user(vmm, a[2], &pos, sizeof(pos)))
		return -EFAULT;
	return ret;
}

static int file_mode(struct vmm *vmm, struct vfile *vf, mode_t *mode)
{
	struct stat st;
	int ret;

	if (!vf->ops->stat)
		return -EINVAL;
	ret = vf->ops->stat(vmm, vf, &st);
	*mode = st.st_mode;
	return ret;
}

static long in_size(struct vmm *vmm, struct vfile *vf, uint64_t *size)
{
	struct stat st;
	long ret = vf->ops->stat(vmm, vf, &st);

	*size = ret ? 0 : (uint64_t)st.st_size;
	return ret;
}

/* generic_copy_file_checks(): regular files, the right modes, no overlap in one file */
static long copy_checks(struct vmm *vmm, struct vfile *in, struct vfile *out, unsigned int flags)
{
	mode_t min, mout;
	int ret;

	if (!in || !out || (in->flags & O_PATH) || (out->flags & O_PATH))
		return -EBADF;
	if (flags)
		return -EINVAL;
	ret = file_mode(vmm, in, &min);
	if (!ret)
		ret = file_mode(vmm, out, &mout);
	if (ret)
		return ret;
	if (S_ISDIR(min) || S_ISDIR(mout))
		return -EISDIR;
	if (!S_ISREG(min) || !S_ISREG(mout))
		return -EINVAL;
	if (!vfile_readable(in) || !vfile_writable(out) || (out->flags & O_APPEND))
		return -EBADF;
	return 0;
}

long sys_copy_file_range(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *in = fd_get(vmm, a[0]), *out = fd_get(vmm, a[2]);
	int64_t pin, pout;
	uint64_t len = a[4], size;
	long ret;

	ret = copy_checks(vmm, in, out, (unsigned int)a[5]);
	if (ret)
		return ret;
	if (a[1] && copy_from_user(vmm, &pin, a[1], sizeof(pin)))
		return -EFAULT;
	if (a[3] && copy_from_user(vmm, &pout, a[3], sizeof(pout)))
		return -EFAULT;
	if (!a[1])
		pin = (int64_t)in->pos;
	if (!a[3])
		pout = (int64_t)out->pos;
	if (pin < 0 || pout < 0)
		return -EINVAL;
	/* generic_copy_file_checks(): offsets that wrap (compared unsigned, as there) */
	if ((uint64_t)pin + len < (uint64_t)pin || (uint64_t)pout + len < (uint64_t)pout)
		return -EOVERFLOW;
	ret = in_size(vmm, in, &size);
	if (ret)
		return ret;
	/* shortened to the end of the input; the output's limit is LLONG_MAX */
	len = (uint64_t)pin >= size ? 0 : len < size - (uint64_t)pin ? len : size - (uint64_t)pin;
	if (pout == INT64_MAX)
		return -EFBIG;
	if (len > (uint64_t)(INT64_MAX - pout))
		len = (uint64_t)(INT64_MAX - pout);
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	/* the same file: overlapping ranges are EINVAL */
	if (in->file && out->file && in->file->f_mapping == out->file->f_mapping &&
	    (uint64_t)pout < (uint64_t)pin + len && (uint64_t)pin < (uint64_t)pout + len)
		return -EINVAL;
	if (!len)
		return 0;
	ret = copy_range(vmm, in, &pin, out, &pout, len);
	if (ret <= 0)
		return ret;
	if (a[1] ? copy_to_user(vmm, a[1], &pin, sizeof(pin)) : (in->pos = pin, 0))
		return -EFAULT;
	if (a[3] ? copy_to_user(vmm, a[3], &pout, sizeof(pout)) : (out->pos = pout, 0))
		return -EFAULT;
	return ret;
}

long sys_fadvise64(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);
	int advice = (int)a[3];
	mode_t mode;

	if (!vf || (vf->flags & O_PATH))
		return -EBADF;
	if (!file_mode(vmm, vf, &mode) && S_ISFIFO(mode))
		return -ESPIPE;
	if (advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE || (int64_t)a[2] < 0)
		return -EINVAL;
	/* advice only: the host's page cache may use it, the MMU's does not need it */
	if (vf->kind == VF_HOST && vf->host_fd >= 0)
		posix_fadvise(vf->host_fd, (off_t)a[1], (off_t)a[2], advice);
	return 0;
}
