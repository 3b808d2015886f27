// SPDX-License-Identifier: GPL-2.0
/* memfd_create(): a shared-memory object of the MMU (mm/shmem.c's) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fs.h"
#include "syscalls.h"

#define MFD_NAME_MAX	249

static ssize_t memfd_read(struct vmm *vmm, struct vfile *vf, void *buf, size_t n, off_t pos)
{
	ssize_t got = kernel_read(vf->file, pos < 0 ? vf->pos : (uint64_t)pos, buf, n);

	if (got > 0 && pos < 0)
		vf->pos += got;
	return got;
}

/* through the page cache: every mapping of the memfd sees it */
static ssize_t memfd_write(struct vmm *vmm, struct vfile *vf, const void *buf, size_t n,
			   off_t pos)
{
	ssize_t done = kernel_write(vf->file, pos < 0 ? vf->pos : (uint64_t)pos, buf, n);

	if (done > 0 && pos < 0)
		vf->pos += done;
	return done;
}

static int64_t memfd_size(struct vfile *vf)
{
	return vf->file->f_mapping->i_size;
}

static int memfd_stat(struct vmm *vmm, struct vfile *vf, struct stat *st)
{
	stat_synth(vf, st);
	st->st_mode = S_IFREG | 0777;
	st->st_size = vf->file->f_mapping->i_size;
	st->st_blocks = vf->file->f_mapping->nrpages * (PAGE_SIZE / 512);
	st->st_ino = vf->file->ino;
	return 0;
}

static struct file *memfd_mmap_file(struct vmm *vmm, struct vfile *vf, long *err)
{
	return vf->file;
}

/* shmem: noop_fsync() */
static int memfd_fsync(struct vmm *vmm, struct vfile *vf)
{
	return 0;
}

static int memfd_truncate(struct vmm *vmm, struct vfile *vf, uint64_t len)
{
	return file_truncate(vf->file, len);
}

const struct vfile_ops memfd_ops = {
	.kind		= VF_MEMFD,
	.read		= memfd_read,
	.write		= memfd_write,
	.size		= memfd_size,
	.stat		= memfd_stat,
	.mmap_file	= memfd_mmap_file,
	.fsync		= memfd_fsync,
	.truncate	= memfd_truncate,
};

long sys_memfd_create(struct vmm *vmm, const uint64_t *a)
{
	char name[MFD_NAME_MAX + 1], full[MFD_NAME_MAX + 32];
	struct vfile *vf;
	long n;

	/* MFD_CLOEXEC, MFD_ALLOW_SEALING; no hugetlb, no exec sealing */
	if (a[1] & ~(uint64_t)3)
		return -EINVAL;
	n = strncpy_from_user(vmm, name, a[0], sizeof(name));
	if (n == -ENAMETOOLONG)
		return -EINVAL;
	if (n < 0)
		return n;
	vf = vfile_new(&memfd_ops, -1, O_RDWR | ((a[1] & 1) ? O_CLOEXEC : 0));
	if (!vf)
		return -ENOMEM;
	snprintf(full, sizeof(full), "/memfd:%s (deleted)", name);
	vf->file = shmem_file_setup(vmm->zone, full, 0);
	if (!vf->file) {
		vfile_put(vf);
		return -ENOMEM;
	}
	return fd_install_new(vmm, vf);
}
