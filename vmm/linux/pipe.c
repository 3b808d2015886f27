// SPDX-License-Identifier: GPL-2.0
/*
 * Pipes and FIFOs (Linux: fs/pipe.c, fs/fifo.c).  A pipe is a ring of
 * page-sized buffers, 16 by default (64 KiB, F_SETPIPE_SZ changes it); a
 * write of at most a page either merges whole into the last buffer or
 * takes a new one, which makes writes up to PIPE_BUF atomic, as Linux's.
 *
 * The ops never block: they return -EAGAIN, and read_write.c puts a
 * process whose file is not O_NONBLOCK to sleep on the pipe (process.c:
 * sleep_on) until wake_up() says the pipe changed.  A FIFO on the host
 * (mknod under --root) is never opened on the host, which would block
 * the monitor: every guest open of its (dev, ino) shares one pipe here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fs.h"
#include "syscalls.h"

#define PIPE_DEF_BUFFERS	16
#define PIPE_MAX_SIZE		1048576		/* /proc/sys/fs/pipe-max-size */
#define K_F_SETPIPE_SZ		1031
#define K_F_GETPIPE_SZ		1032
#define K_O_NOTIFICATION_PIPE	O_EXCL

struct pipe_buffer {
	char *page;
	unsigned int offset, len;
	bool packet;		/* PIPE_BUF_FLAG_PACKET: an O_DIRECT write, read whole */
};

struct pipe_inode {
	struct pipe_buffer *bufs;
	unsigned int head, tail;	/* free-running: head - tail buffers in use */
	unsigned int max_usage;		/* the ring's size, in buffers */
	unsigned int readers, writers, files;
	unsigned int r_counter, w_counter;	/* opens so far, for FIFO partners */
	/* a FIFO: its host inode; an anonymous pipe: pipefs's */
	bool fifo;
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
	struct pipe_inode *next;	/* the FIFOs open now */
};

static struct vmm *pipe_vmm;		/* for release(), which has no vmm */
static struct pipe_inode *fifos;
static ino_t pipefs_next_ino = 1000;

/* struct file's f_pipe: where a FIFO read end opened without writers was */
#define f_pipe	pos

static struct pipe_inode *pipe_of(struct vfile *vf)
{
	return vf->priv;
}

static bool pipe_empty(const struct pipe_inode *pipe)
{
	return pipe->head == pipe->tail;
}

static bool pipe_full(const struct pipe_inode *pipe)
{
	return pipe->head - pipe->tail >= pipe->max_usage;
}

static struct pipe_buffer *pipe_buf(struct pipe_inode *pipe, unsigned int slot)
{
	return &pipe->bufs[slot % pipe->max_usage];
}

/* alloc_pipe_info() */
static struct pipe_inode *pipe_alloc(void)
{
	struct pipe_inode *pipe = calloc(1, sizeof(*pipe));

	if (!pipe)
		return NULL;
	pipe->bufs = calloc(PIPE_DEF_BUFFERS, sizeof(*pipe->bufs));
	if (!pipe->bufs) {
		free(pipe);
		return NULL;
	}
	pipe->max_usage = PIPE_DEF_BUFFERS;
	pipe->r_counter = pipe->w_counter = 1;
	clock_gettime(CLOCK_REALTIME, &pipe->ctime);
	return pipe;
}

static void pipe_free(struct pipe_inode *pipe)
{
	struct pipe_inode **pp;

	for (pp = &fifos; *pp; pp = &(*pp)->next) {
		if (*pp == pipe) {
			*pp = pipe->next;
			break;
		}
	}
	for (; pipe->tail != pipe->head; pipe->tail++)
		free(pipe_buf(pipe, pipe->tail)->page);
	free(pipe->bufs);
	free(pipe);
}

static size_t pipe_bytes(struct pipe_inode *pipe)
{
	size_t n = 0;
	unsigned int i;

	for (i = pipe->tail; i != pipe->head; i++)
		n += pipe_buf(pipe, i)->len;
	return n;
}

/*
 * pipe_read() without its wait: what the pipe holds, up to @n; 0 at end
 * of file (no writer); -EAGAIN when a writer may still come.
 */
static ssize_t pipe_read(struct vmm *vmm, struct vfile *vf, void *buf, size_t n, off_t pos)
{
	struct pipe_inode *pipe = pipe_of(vf);
	size_t ret = 0;

	while (ret < n && !pipe_empty(pipe)) {
		struct pipe_buffer *b = pipe_buf(pipe, pipe->tail);
		size_t chars = b->len < n - ret ? b->len : n - ret;
		bool packet = b->packet;

		memcpy((char *)buf + ret, b->page + b->offset, chars);
		ret += chars;
		b->offset += chars;
		b->len -= chars;
		if (packet)
			b->len = 0;	/* the rest of a packet is dropped */
		if (!b->len) {
			free(b->page);
			memset(b, 0, sizeof(*b));
			pipe->tail++;
		}
		if (packet)
			break;
	}
	if (ret) {
		wake_up(vmm, pipe);
		return ret;
	}
	return pipe->writers ? -EAGAIN : 0;
}

/* send_sig(SIGPIPE, current, 0): SI_USER from the writer itself */
void send_sigpipe(struct vmm *vmm)
{
	struct ksiginfo info = {
		.signo = SIGPIPE, .code = SI_USER, .pid = vmm->cur->pid, .uid = getuid(),
		.trapno = -1,
	};

	send_signal_to(vmm, vmm->cur, &info);
}

/* the tail of a write that fits in the last buffer goes there */
static size_t pipe_merge(struct pipe_inode *pipe, struct vfile *vf, const void *buf,
			 size_t n)
{
	size_t chars = n & (PAGE_SIZE - 1);
	struct pipe_buffer *b;

	if (!chars || pipe_empty(pipe) || (vf->flags & O_DIRECT))
		return 0;
	b = pipe_buf(pipe, pipe->head - 1);
	if (b->packet || b->offset + b->len + chars > PAGE_SIZE)
		return 0;
	memcpy(b->page + b->offset + b->len, buf, chars);
	b->len += chars;
	return chars;
}

/*
 * pipe_write() without its wait: as much as fits, a page per buffer;
 * -EAGAIN when nothing does; -EPIPE and SIGPIPE without a reader.
 */
static ssize_t pipe_write(struct vmm *vmm, struct vfile *vf, const void *buf, size_t n,
			  off_t pos)
{
	struct pipe_inode *pipe = pipe_of(vf);
	size_t ret;

	if (!pipe->readers) {
		send_sigpipe(vmm);
		return -EPIPE;
	}
	ret = pipe_merge(pipe, vf, buf, n);
	while (ret < n && !pipe_full(pipe)) {
		struct pipe_buffer *b = pipe_buf(pipe, pipe->head);
		size_t copy = n - ret < PAGE_SIZE ? n - ret : PAGE_SIZE;

		b->page = malloc(PAGE_SIZE);
		if (!b->page)
			break;
		memcpy(b->page, (const char *)buf + ret, copy);
		b->offset = 0;
		b->len = copy;
		b->packet = vf->flags & O_DIRECT;
		pipe->head++;
		ret += copy;
	}
	if (!ret)
		return pipe_full(pipe) ? -EAGAIN : -ENOMEM;
	wake_up(vmm, pipe);
	return ret;
}

/* pipe_poll() */
static unsigned int pipe_poll(struct vmm *vmm, struct vfile *vf)
{
	struct pipe_inode *pipe = pipe_of(vf);
	unsigned int mask = 0;

	if (vfile_readable(vf)) {
		if (!pipe_empty(pipe))
			mask |= POLLIN | POLLRDNORM;
		if (!pipe->writers && vf->f_pipe != pipe->w_counter)
			mask |= POLLHUP;
	}
	if (vfile_writable(vf)) {
		if (!pipe_full(pipe))
			mask |= POLLOUT | POLLWRNORM;
		if (!pipe->readers)
			mask |= POLLERR;
	}
	return mask;
}

/* pipefs's inode for a pipe, the host's for a FIFO */
static int pipe_stat(struct vmm *vmm, struct vfile *vf, struct stat *st)
{
	struct pipe_inode *pipe = pipe_of(vf);

	if (pipe->fifo)
		return fstat(vf->host_fd, st) ? -errno : 0;
	stat_synth(vf, st);
	st->st_mode = S_IFIFO | S_IRUSR | S_IWUSR;
	st->st_dev = 0xe;	/* pipefs's anonymous device on this kernel */
	st->st_ino = pipe->ino;
	st->st_atim = st->st_mtim = st->st_ctim = pipe->ctime;
	return 0;
}

/* pipe_release() */
static void pipe_release(struct vfile *vf)
{
	struct pipe_inode *pipe = pipe_of(vf);

	if (!pipe)
		return;
	if (vfile_readable(vf))
		pipe->readers--;
	if (vfile_writable(vf))
		pipe->writers--;
	if (pipe_vmm)
		wake_up(pipe_vmm, pipe);
	if (vf->host_fd >= 0)
		close(vf->host_fd);
	if (!--pipe->files)
		pipe_free(pipe);
}

/* lseek on a pipe: ESPIPE (no_llseek) */
static int64_t pipe_llseek(struct vmm *vmm, struct vfile *vf, int64_t off, int whence)
{
	return -ESPIPE;
}

const struct vfile_ops pipe_ops = {
	.kind		= VF_PIPE,
	.read		= pipe_read,
	.write		= pipe_write,
	.llseek		= pipe_llseek,
	.stat		= pipe_stat,
	.release	= pipe_release,
	.no_pread	= true,
	.poll		= pipe_poll,
};

static struct vfile *pipe_file(struct pipe_inode *pipe, int host_fd, int flags)
{
	struct vfile *vf = vfile_new(&pipe_ops, host_fd, flags);

	if (!vf)
		return NULL;
	vf->priv = pipe;
	pipe->files++;
	return vf;
}

/*
 * An open of /proc/PID/fd/N of a pipe (bash's process substitution opens
 * /dev/fd/63): another open file description of the same pipe, with the
 * access mode asked for (Linux: fifo_open() on pipefs's inode).  It does
 * not wait for a partner: a partner of the descriptor it came from exists
 * or existed; a write-only non-blocking open without a reader is ENXIO.
 */
long pipe_reopen(struct vmm *vmm, struct vfile *old, int flags)
{
	struct pipe_inode *pipe = pipe_of(old);
	int acc = flags & O_ACCMODE;
	struct vfile *vf;

	if (!pipe)
		return -ENXIO;
	if (acc == O_WRONLY && !pipe->readers && (flags & O_NONBLOCK))
		return -ENXIO;
	vf = pipe_file(pipe, -1, flags & (O_ACCMODE | O_NONBLOCK | O_CLOEXEC));
	if (!vf)
		return -ENOMEM;
	if (acc != O_WRONLY) {
		pipe->readers++;
		pipe->r_counter++;
	}
	if (acc != O_RDONLY) {
		pipe->writers++;
		pipe->w_counter++;
	}
	if (old->path)
		vf->path = strdup(old->path);
	wake_up(vmm, pipe);
	return fd_install_new(vmm, vf);
}

/* ---- pipe(2) ---- */

/* do_pipe2(): two ends, installed together or not at all */
static long do_pipe2(struct vmm *vmm, uint64_t ufds, int flags)
{
	struct pipe_inode *pipe;
	struct vfile *rd, *wr;
	int fds[2];

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT | K_O_NOTIFICATION_PIPE))
		return -EINVAL;
	if (flags & K_O_NOTIFICATION_PIPE)
		return -EINVAL;		/* watch queues: not here */
	pipe_vmm = vmm;
	pipe = pipe_alloc();
	if (!pipe)
		return -ENOMEM;
	pipe->ino = pipefs_next_ino++;
	pipe->readers = pipe->writers = 1;
	rd = pipe_file(pipe, -1, O_RDONLY | (flags & (O_NONBLOCK | O_DIRECT | O_CLOEXEC)));
	wr = rd ? pipe_file(pipe, -1, O_WRONLY | (flags & (O_NONBLOCK | O_DIRECT | O_CLOEXEC))) :
		  NULL;
	if (!wr) {
		if (rd)
			vfile_put(rd);
		else
			pipe_free(pipe);
		return -ENOMEM;
	}
	fds[0] = fd_install(vmm, rd, 0);
	fds[1] = fds[0] < 0 ? fds[0] : fd_install(vmm, wr, 0);
	if (fds[1] < 0) {
		if (fds[0] >= 0)
			vmm->cur->fds[fds[0]] = NULL;
		vfile_put(rd);
		vfile_put(wr);
		return fds[1];
	}
	if (copy_to_user(vmm, ufds, fds, sizeof(fds))) {
		vmm->cur->fds[fds[0]] = vmm->cur->fds[fds[1]] = NULL;
		vfile_put(rd);
		vfile_put(wr);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(struct vmm *vmm, const uint64_t *a)
{
	return do_pipe2(vmm, a[0], 0);
}

long sys_pipe2(struct vmm *vmm, const uint64_t *a)
{
	return do_pipe2(vmm, a[0], (int)a[1]);
}

/* ---- fcntl, ioctl ---- */

/* capable(): the monitor's own effective capabilities are the guest's */
static bool capable(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1U << (cap % 32));
}

/* round_pipe_size() */
static unsigned int round_pipe_size(unsigned long size)
{
	unsigned long r = PAGE_SIZE;

	if (size > (1UL << 31))
		return 0;
	while (r < size)
		r <<= 1;
	return r;
}

/* pipe_resize_ring(): the buffers in use move to a ring of @nr_slots */
static long pipe_resize(struct pipe_inode *pipe, unsigned int nr_slots)
{
	unsigned int n = pipe->head - pipe->tail, i;
	struct pipe_buffer *bufs;

	if (nr_slots < n)
		return -EBUSY;
	bufs = calloc(nr_slots, sizeof(*bufs));
	if (!bufs)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		bufs[i] = *pipe_buf(pipe, pipe->tail + i);
	free(pipe->bufs);
	pipe->bufs = bufs;
	pipe->tail = 0;
	pipe->head = n;
	pipe->max_usage = nr_slots;
	return 0;
}

/* pipe_fcntl(): F_SETPIPE_SZ as root (CAP_SYS_RESOURCE) may pass pipe-max-size */
long pipe_fcntl(struct vfile *vf, unsigned int cmd, unsigned int arg)
{
	struct pipe_inode *pipe = vf->ops->kind == VF_PIPE ? pipe_of(vf) : NULL;
	unsigned int size;
	long ret;

	if (!pipe)
		return -EBADF;
	if (cmd == K_F_GETPIPE_SZ)
		return (long)pipe->max_usage * PAGE_SIZE;
	size = round_pipe_size(arg);
	if (!size)
		return -EINVAL;
	if (size / PAGE_SIZE > pipe->max_usage && size > PIPE_MAX_SIZE &&
	    !capable(CAP_SYS_RESOURCE))
		return -EPERM;
	ret = pipe_resize(pipe, size / PAGE_SIZE);
	if (ret)
		return ret;
	if (pipe_vmm)
		wake_up(pipe_vmm, pipe);
	return (long)pipe->max_usage * PAGE_SIZE;
}

/* pipe_ioctl(): FIONREAD, the bytes a read would find */
long pipe_ioctl(struct vmm *vmm, struct vfile *vf, unsigned int cmd, uint64_t arg)
{
	int count;

	if (cmd != FIONREAD)
		return -ENOTTY;
	count = (int)pipe_bytes(pipe_of(vf));
	return copy_to_user(vmm, arg, &count, sizeof(count));
}

/* ---- FIFOs ---- */

static struct pipe_inode *fifo_get(const struct stat *st)
{
	struct pipe_inode *pipe;

	for (pipe = fifos; pipe; pipe = pipe->next)
		if (pipe->dev == st->st_dev && pipe->ino == st->st_ino)
			return pipe;
	pipe = pipe_alloc();
	if (!pipe)
		return NULL;
	pipe->fifo = true;
	pipe->dev = st->st_dev;
	pipe->ino = st->st_ino;
	pipe->next = fifos;
	fifos = pipe;
	return pipe;
}

/* wait_for_partner(): sleep until the other side's open counter moves */
static long fifo_wait_partner(struct vmm *vmm, struct vfile *vf, unsigned int counter)
{
	vmm->cur->fifo_wait = vf;
	vmm->cur->fifo_counter = counter;
	return sleep_on(vmm, pipe_of(vf), 0, -ERESTARTSYS);
}

/* fifo_open(): the counts, the partner wakeups, ENXIO, the waits */
static long fifo_open(struct vmm *vmm, int pathfd, const struct stat *st, int flags)
{
	struct pipe_inode *pipe;
	struct vfile *vf;

	pipe_vmm = vmm;
	pipe = fifo_get(st);
	if (!pipe) {
		close(pathfd);
		return -ENOMEM;
	}
	if ((flags & O_ACCMODE) == O_WRONLY && (flags & O_NONBLOCK) && !pipe->readers) {
		if (!pipe->files)
			pipe_free(pipe);
		close(pathfd);
		return -ENXIO;
	}
	vf = pipe_file(pipe, pathfd,
		       flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_DIRECTORY | O_NOFOLLOW));
	if (!vf) {
		if (!pipe->files)
			pipe_free(pipe);
		close(pathfd);
		return -ENOMEM;
	}
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		pipe->r_counter++;
		pipe->readers++;
		wake_up(vmm, pipe);
		if (pipe->writers)
			break;
		if (flags & O_NONBLOCK) {
			vf->f_pipe = pipe->w_counter;	/* no POLLHUP before a writer */
			break;
		}
		return fifo_wait_partner(vmm, vf, pipe->w_counter);
	case O_WRONLY:
		pipe->w_counter++;
		pipe->writers++;
		wake_up(vmm, pipe);
		if (!pipe->readers)
			return fifo_wait_partner(vmm, vf, pipe->r_counter);
		break;
	default:
		pipe->readers++;
		pipe->writers++;
		pipe->r_counter++;
		pipe->w_counter++;
		wake_up(vmm, pipe);
		break;
	}
	return fd_install_new(vmm, vf);
}

/* a FIFO open woken: its partner came, or a signal did */
long fifo_open_retry(struct vmm *vmm)
{
	struct process *p = vmm->cur;
	struct vfile *vf = p->fifo_wait;
	struct pipe_inode *pipe = pipe_of(vf);
	unsigned int now = vfile_writable(vf) ? pipe->r_counter : pipe->w_counter;

	if (now != p->fifo_counter) {
		p->fifo_wait = NULL;
		return fd_install_new(vmm, vf);
	}
	if (signal_pending(p)) {
		p->fifo_wait = NULL;
		vfile_put(vf);
		return -ERESTARTSYS;
	}
	return sleep_on(vmm, pipe, 0, -ERESTARTSYS);
}

/*
 * open(2)'s hook: @path under host directory @dirfd is a FIFO?  Then it is
 * opened here, without ever opening the host FIFO; FIFO_NOT otherwise
 * (also when the path cannot be looked up: the real open says why).
 */
long fifo_open_at(struct vmm *vmm, int dirfd, const char *path, int flags)
{
	struct stat st;
	int pfd;

	pfd = host_open_confined(vmm, dirfd, path, O_PATH | O_CLOEXEC | (flags & O_NOFOLLOW), 0);
	if (pfd < 0)
		return FIFO_NOT;
	if (fstat(pfd, &st) || !S_ISFIFO(st.st_mode)) {
		close(pfd);
		return FIFO_NOT;
	}
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		close(pfd);
		return -EEXIST;
	}
	if (flags & O_DIRECTORY) {
		close(pfd);
		return -ENOTDIR;
	}
	return fifo_open(vmm, pfd, &st, flags);
}
