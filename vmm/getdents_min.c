// SPDX-License-Identifier: GPL-2.0
/*
 * getdents64 over vfile_ops.iterate (Linux: fs/readdir.c), only as much
 * as the /proc directories need: a stand-in written with procfs.c, for
 * readdir.c's complete one (host directories too) to replace.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "syscalls.h"

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct getdents_ctx {
	struct dir_context ctx;
	struct vfile *vf;
	char *buf;
	size_t size, used;
	struct linux_dirent64 *prev;	/* its d_off is the position after it */
	bool full;
};

static bool filldir64(struct dir_context *ctx, const char *name, size_t len, uint64_t ino,
		      unsigned int d_type)
{
	struct getdents_ctx *g = (struct getdents_ctx *)ctx;
	size_t reclen = (offsetof(struct linux_dirent64, d_name) + len + 1 + 7) & ~7UL;
	struct linux_dirent64 *d;

	if (g->used + reclen > g->size) {
		g->full = true;
		return false;
	}
	if (g->prev)
		g->prev->d_off = (int64_t)g->vf->pos;
	d = (struct linux_dirent64 *)(g->buf + g->used);
	memset(d, 0, reclen);
	d->d_ino = ino;
	d->d_reclen = (unsigned short)reclen;
	d->d_type = (unsigned char)d_type;
	memcpy(d->d_name, name, len);
	g->prev = d;
	g->used += reclen;
	return true;
}

long sys_getdents64(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);
	struct getdents_ctx g = { .ctx.emit = filldir64 };
	size_t count = a[2] < 65536 ? a[2] : 65536;
	int err;

	if (!vf)
		return -EBADF;
	if (!vf->ops->iterate)
		return -ENOTDIR;
	g.vf = vf;
	g.size = count;
	g.buf = malloc(count ? count : 1);
	if (!g.buf)
		return -ENOMEM;
	err = vf->ops->iterate(vmm, vf, &g.ctx);
	if (g.prev)
		g.prev->d_off = (int64_t)vf->pos;
	if (err)
		g.used = 0;
	else if (!g.used && g.full)
		err = -EINVAL;	/* the next entry does not fit */
	if (!err && g.used && copy_to_user(vmm, a[1], g.buf, g.used))
		err = -EFAULT;
	free(g.buf);
	return err ? err : (long)g.used;
}
