// SPDX-License-Identifier: GPL-2.0
/* /dev/null, /dev/zero, /dev/random and /dev/urandom, as drivers/char/mem.c and random.c have them */
#include <string.h>
#include <sys/random.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "fs.h"

static ssize_t null_read(struct vmm *vmm, struct vfile *vf, void *buf, size_t n, off_t pos)
{
	return 0;
}

static ssize_t null_write(struct vmm *vmm, struct vfile *vf, const void *buf, size_t n,
			  off_t pos)
{
	return n;
}

static ssize_t zero_read(struct vmm *vmm, struct vfile *vf, void *buf, size_t n, off_t pos)
{
	memset(buf, 0, n);
	return n;
}

/* null_lseek(): every seek succeeds and lands at 0 */
static int64_t null_llseek(struct vmm *vmm, struct vfile *vf, int64_t off, int whence)
{
	return 0;
}

static int chardev_stat(struct vfile *vf, struct stat *st, unsigned int minor)
{
	stat_synth(vf, st);
	st->st_mode = S_IFCHR | 0666;
	st->st_rdev = makedev(1, minor);
	return 0;
}

static int null_stat(struct vmm *vmm, struct vfile *vf, struct stat *st)
{
	return chardev_stat(vf, st, 3);
}

static int zero_stat(struct vmm *vmm, struct vfile *vf, struct stat *st)
{
	return chardev_stat(vf, st, 5);
}

/* a private mapping of /dev/zero is anonymous memory */
static struct file *zero_mmap_file(struct vmm *vmm, struct vfile *vf, long *err)
{
	*err = 0;
	return NULL;
}

const struct vfile_ops null_ops = {
	.kind	= VF_NULL,
	.read	= null_read,
	.write	= null_write,
	.llseek	= null_llseek,
	.stat	= null_stat,
};

const struct vfile_ops zero_ops = {
	.kind		= VF_ZERO,
	.read		= zero_read,
	.write		= null_write,
	.llseek		= null_llseek,
	.stat		= zero_stat,
	.mmap_file	= zero_mmap_file,
};

/* the host's random bytes (getrandom, which blocks only before the pool is ready) */
static ssize_t random_read(struct vmm *vmm, struct vfile *vf, void *buf, size_t n, off_t pos)
{
	ssize_t got = getrandom(buf, n, 0);

	return got < 0 ? -errno : got;
}

static int random_stat(struct vmm *vmm, struct vfile *vf, struct stat *st)
{
	return chardev_stat(vf, st, vf->ops == &urandom_ops ? 9 : 8);
}

/* writes are entropy the kernel mixes in: accepted, as Linux accepts them */
const struct vfile_ops urandom_ops = {
	.kind	= VF_NULL,
	.read	= random_read,
	.write	= null_write,
	.llseek	= null_llseek,
	.stat	= random_stat,
};

const struct vfile_ops random_ops = {
	.kind	= VF_NULL,
	.read	= random_read,
	.write	= null_write,
	.llseek	= null_llseek,
	.stat	= random_stat,
};
