// SPDX-License-Identifier: GPL-2.0
/*
 * getdents64 and getdents (Linux: fs/readdir.c): each kind of directory
 * emits its entries through its vfile_ops.iterate; filldir64 here packs
 * them into the guest's buffer.  An entry's d_off is the directory
 * position after it, known once the next entry comes (as Linux does it,
 * with the previous record's d_off filled in late).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "syscalls.h"

/* at most this much is gathered per call; a larger buffer just gets fewer entries */
#define GETDENTS_MAX	(256 << 10)

struct getdents_ctx {
	struct dir_context ctx;
	struct vfile *vf;
	char *buf;
	size_t count, used;
	int64_t *prev_off;	/* the previous record's d_off */
	bool old;		/* getdents: struct linux_dirent */
	int error;
};

static bool filldir(struct dir_context *ctx, const char *name, size_t len, uint64_t ino,
		    unsigned int d_type)
{
	struct getdents_ctx *g = (struct getdents_ctx *)ctx;
	/* d_name at 18 (linux_dirent, d_type in the last byte) or 19 (linux_dirent64) */
	size_t reclen = g->old ? (18 + len + 2 + 7) & ~7UL : (19 + len + 1 + 7) & ~7UL;
	char *rec = g->buf + g->used;
	uint16_t r16 = (uint16_t)reclen;
	int64_t off = 0;

	if (reclen > g->count - g->used) {
		g->error = -EINVAL;	/* only an error if nothing fitted */
		return false;
	}
	if (g->prev_off)
		*g->prev_off = (int64_t)g->vf->pos;
	memset(rec, 0, reclen);
	memcpy(rec, &ino, 8);
	memcpy(rec + 8, &off, 8);
	memcpy(rec + 16, &r16, 2);
	if (g->old) {
		memcpy(rec + 18, name, len);
		rec[reclen - 1] = (char)d_type;
	} else {
		rec[18] = (char)d_type;
		memcpy(rec + 19, name, len);
	}
	g->prev_off = (int64_t *)(rec + 8);
	g->used += reclen;
	return true;
}

static long do_getdents(struct vmm *vmm, uint64_t fd, uint64_t ubuf, unsigned int count,
			bool old)
{
	struct vfile *vf = fd_get(vmm, fd);
	struct getdents_ctx g = { .ctx.emit = filldir, .old = old };
	uint64_t start;
	int64_t off;
	long ret;

	if (!vf || (vf->flags & O_PATH))
		return -EBADF;
	if (!vf->ops->iterate)
		return -ENOTDIR;
	g.vf = vf;
	g.count = count < GETDENTS_MAX ? count : GETDENTS_MAX;
	g.buf = malloc(g.count ? g.count : 1);
	if (!g.buf)
		return -ENOMEM;
	start = vf->pos;
	ret = vf->ops->iterate(vmm, vf, &g.ctx);
	if (g.used) {
		off = (int64_t)vf->pos;
		memcpy(g.prev_off, &off, 8);
		ret = (long)g.used;
		if (copy_to_user(vmm, ubuf, g.buf, g.used)) {
			vf->pos = start;	/* nothing was read: the entries stay */
			ret = -EFAULT;
		}
	} else if (!ret) {
		ret = g.error;	/* 0 at the end; EINVAL: not even one entry fits */
	}
	free(g.buf);
	return ret;
}

long sys_getdents64(struct vmm *vmm, const uint64_t *a)
{
	return do_getdents(vmm, a[0], a[1], (unsigned int)a[2], false);
}

long sys_getdents(struct vmm *vmm, const uint64_t *a)
{
	return do_getdents(vmm, a[0], a[1], (unsigned int)a[2], true);
}
