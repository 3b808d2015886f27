// SPDX-License-Identifier: GPL-2.0
/*
 * Open file descriptions and the guest's descriptor table (Linux:
 * fs/file.c, fs/fcntl.c): install, dup, close, close-on-exec, fork.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fs.h"
#include "syscalls.h"

struct vfile *vfile_new(const struct vfile_ops *ops, int host_fd, int flags)
{
	struct vfile *vf = calloc(1, sizeof(*vf));

	if (!vf)
		return NULL;
	vf->kind = ops->kind;
	vf->ops = ops;
	vf->refcount = 1;
	vf->host_fd = host_fd;
	vf->flags = flags;
	return vf;
}

void vfile_put(struct vfile *vf)
{
	if (--vf->refcount)
		return;
	if (vf->ops->release)
		vf->ops->release(vf);
	if (vf->file)
		fput(vf->file);
	free(vf->path);
	free(vf->text);
	free(vf);
}

int fd_install(struct vmm *vmm, struct vfile *vf, int from)
{
	uint64_t nofile = vmm->cur->rlim[RLIMIT_NOFILE][0];
	int fd, max = nofile < MAX_FDS ? (int)nofile : MAX_FDS;

	for (fd = from; fd < max; fd++) {
		if (!vmm->cur->fds[fd]) {
			vmm->cur->fds[fd] = vf;
			vmm->cur->cloexec[fd] = vf->flags & O_CLOEXEC;
			vf->flags &= ~O_CLOEXEC;
			return fd;
		}
	}
	return -EMFILE;
}

/* install a new open file description, or drop it when the table is full */
long fd_install_new(struct vmm *vmm, struct vfile *vf)
{
	int fd = fd_install(vmm, vf, 0);

	if (fd < 0)
		vfile_put(vf);
	return fd;
}

struct vfile *fd_get(struct vmm *vmm, uint64_t fd)
{
	return fd < MAX_FDS ? vmm->cur->fds[fd] : NULL;
}

bool vfile_readable(const struct vfile *vf)
{
	return (vf->flags & O_ACCMODE) != O_WRONLY;
}

bool vfile_writable(const struct vfile *vf)
{
	return (vf->flags & O_ACCMODE) != O_RDONLY;
}

void fs_init(struct vmm *vmm)
{
	int fd;

	/* a write to a host pipe without a reader is EPIPE, and SIGPIPE is the guest's */
	signal(SIGPIPE, SIG_IGN);

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) < 0)
			continue;
		vmm->cur->fds[fd] = vfile_new(&stdio_ops, fd, fd ? O_WRONLY : O_RDONLY);
		if (!vmm->cur->fds[fd])
			die("out of memory");
	}
}

/* what an exited task's fds point at: an empty table nobody writes */
static struct files_struct no_files;

static void files_attach(struct process *p, struct files_struct *files)
{
	p->files = files;
	p->fds = files->fds;
	p->cloexec = files->cloexec;
}

/* the first task's empty table */
int files_init(struct process *p)
{
	struct files_struct *files = calloc(1, sizeof(*files));

	if (!files)
		return -ENOMEM;
	files->count = 1;
	files_attach(p, files);
	return 0;
}

/* put_files_struct(): the last task sharing the table closes what is open */
static void files_put(struct files_struct *files)
{
	int fd;

	if (!files || files == &no_files || --files->count)
		return;
	for (fd = 0; fd < MAX_FDS; fd++)
		if (files->fds[fd])
			vfile_put(files->fds[fd]);
	free(files);
}

void fs_close_all(struct process *p)
{
	/* a FIFO open still waiting for its partner (pipe.c) */
	if (p->fifo_wait)
		vfile_put(p->fifo_wait);
	p->fifo_wait = NULL;

	files_put(p->files);
	files_attach(p, &no_files);
	cwd_exit(p);	/* exit_fs() */
}

/* dup_fd(): the child shares every open file description, and its offset */
static struct files_struct *dup_fd(struct files_struct *old)
{
	struct files_struct *files = calloc(1, sizeof(*files));
	int fd;

	if (!files)
		return NULL;
	files->count = 1;
	for (fd = 0; fd < MAX_FDS; fd++) {
		files->fds[fd] = old->fds[fd];
		files->cloexec[fd] = old->cloexec[fd];
		if (files->fds[fd])
			files->fds[fd]->refcount++;
	}
	return files;
}

/* copy_files(): CLONE_FILES shares the table, else the child gets a copy */
int fs_fork(struct process *child, struct process *parent, bool share)
{
	struct files_struct *files = parent->files;

	if (share)
		files->count++;
	else if (!(files = dup_fd(parent->files)))
		return -ENOMEM;
	files_attach(child, files);
	return 0;
}

/* unshare_files() then do_close_on_exec(): exec keeps a table of its own */
void fs_exec(struct process *p)
{
	struct files_struct *files;
	int fd;

	if (p->files->count > 1 && (files = dup_fd(p->files))) {
		files_put(p->files);
		files_attach(p, files);
	}
	for (fd = 0; fd < MAX_FDS; fd++) {
		if (p->fds[fd] && p->cloexec[fd]) {
			vfile_put(p->fds[fd]);
			p->fds[fd] = NULL;
		}
		p->cloexec[fd] = false;
	}
}

long sys_close(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);

	if (!vf)
		return -EBADF;
	vmm->cur->fds[a[0]] = NULL;
	vfile_put(vf);
	return 0;
}

long sys_dup(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);
	int fd;

	if (!vf)
		return -EBADF;
	fd = fd_install(vmm, vf, 0);
	if (fd >= 0)
		vf->refcount++;
	return fd;
}

static long do_dup3(struct vmm *vmm, uint64_t oldfd, uint64_t newfd, bool cloexec)
{
	struct vfile *vf = fd_get(vmm, oldfd);

	if (!vf || newfd >= MAX_FDS)
		return -EBADF;
	vf->refcount++;
	if (vmm->cur->fds[newfd])
		vfile_put(vmm->cur->fds[newfd]);
	vmm->cur->fds[newfd] = vf;
	vmm->cur->cloexec[newfd] = cloexec;
	return (long)newfd;
}

long sys_dup2(struct vmm *vmm, const uint64_t *a)
{
	if (a[0] == a[1])
		return fd_get(vmm, a[0]) ? (long)a[0] : -EBADF;
	return do_dup3(vmm, a[0], a[1], false);
}

long sys_dup3(struct vmm *vmm, const uint64_t *a)
{
	if (a[2] & ~(uint64_t)O_CLOEXEC)
		return -EINVAL;
	if (a[0] == a[1])
		return -EINVAL;
	return do_dup3(vmm, a[0], a[1], a[2] & O_CLOEXEC);
}

long sys_fcntl(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);
	int fd;

	if (!vf)
		return -EBADF;
	switch (a[1]) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (a[2] >= MAX_FDS)
			return -EINVAL;
		fd = fd_install(vmm, vf, (int)a[2]);
		if (fd >= 0) {
			vf->refcount++;
			vmm->cur->cloexec[fd] = a[1] == F_DUPFD_CLOEXEC;
		}
		return fd;
	case F_GETFD:
		return vmm->cur->cloexec[a[0]] ? FD_CLOEXEC : 0;
	case F_SETFD:
		vmm->cur->cloexec[a[0]] = a[2] & FD_CLOEXEC;
		return 0;
	case F_GETFL:
		return vf->flags & ~O_CLOEXEC;
	case F_SETFL:
		vf->flags = (vf->flags & O_ACCMODE) | (a[2] & (O_APPEND | O_NONBLOCK));
		return 0;
	case F_SETPIPE_SZ:
	case F_GETPIPE_SZ:
		return pipe_fcntl(vf, (unsigned int)a[1], (unsigned int)a[2]);
	default:
		return -EINVAL;
	}
}

long sys_ioctl(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);

	if (!vf)
		return -EBADF;
	if (vf->kind == VF_PIPE)
		return pipe_ioctl(vmm, vf, (unsigned int)a[1], a[2]);
	if (vf->ops->ioctl)
		return vf->ops->ioctl(vmm, vf, (unsigned int)a[1], a[2]);
	return -ENOTTY;
}
