// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's files: its stdin/stdout/stderr are the monitor's; host files
 * are opened read-only and only under --root; /proc/self/maps and a few
 * /proc/sys/vm files come from the MMU; /dev/zero and /dev/null are
 * emulated; memfd_create makes a shared-memory object of the MMU.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "vmm.h"

#define IO_CHUNK	65536
#define MFD_NAME_MAX	249
#define MAX_RW_COUNT	(INT32_MAX & PAGE_MASK)

enum { PROC_MAPS, PROC_SMAPS, PROC_STATUS, PROC_MEMINFO, PROC_MMAP_MIN_ADDR,
       PROC_MAX_MAP_COUNT, PROC_OVERCOMMIT, PROC_VMM_STATS };

struct special_path {
	const char *path;
	enum vfile_kind kind;
	int proc_id;
};

static const struct special_path special_paths[] = {
	{ "/proc/self/maps", VF_PROC, PROC_MAPS },
	{ "/proc/self/smaps", VF_PROC, PROC_SMAPS },
	{ "/proc/self/status", VF_PROC, PROC_STATUS },
	{ "/proc/meminfo", VF_PROC, PROC_MEMINFO },
	{ "/proc/sys/vm/mmap_min_addr", VF_PROC, PROC_MMAP_MIN_ADDR },
	{ "/proc/sys/vm/max_map_count", VF_PROC, PROC_MAX_MAP_COUNT },
	{ "/proc/sys/vm/overcommit_memory", VF_PROC, PROC_OVERCOMMIT },
	{ "/proc/vmm/stats", VF_PROC, PROC_VMM_STATS },
	{ "/dev/zero", VF_ZERO, 0 },
	{ "/dev/null", VF_NULL, 0 },
};

static struct vfile *vfile_new(enum vfile_kind kind, int host_fd, int flags)
{
	struct vfile *vf = calloc(1, sizeof(*vf));

	if (!vf)
		return NULL;
	vf->kind = kind;
	vf->refcount = 1;
	vf->host_fd = host_fd;
	vf->flags = flags;
	return vf;
}

static void vfile_put(struct vfile *vf)
{
	if (--vf->refcount)
		return;
	if (vf->kind == VF_HOST && vf->host_fd >= 0)
		close(vf->host_fd);
	if (vf->file)
		fput(vf->file);
	free(vf->path);
	free(vf->text);
	free(vf);
}

static int fd_install(struct vmm *vmm, struct vfile *vf, int from)
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

static struct vfile *fd_get(struct vmm *vmm, uint64_t fd)
{
	return fd < MAX_FDS ? vmm->cur->fds[fd] : NULL;
}

void fs_init(struct vmm *vmm)
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) < 0)
			continue;
		vmm->cur->fds[fd] = vfile_new(VF_STDIO, fd, fd ? O_WRONLY : O_RDONLY);
		if (!vmm->cur->fds[fd])
			die("out of memory");
	}
}

void fs_close_all(struct process *p)
{
	int fd;

	for (fd = 0; fd < MAX_FDS; fd++) {
		if (p->fds[fd])
			vfile_put(p->fds[fd]);
		p->fds[fd] = NULL;
	}
}

/* dup_fd(): the child shares every open file description, and its offset */
void fs_fork(struct process *child, struct process *parent)
{
	int fd;

	for (fd = 0; fd < MAX_FDS; fd++) {
		child->fds[fd] = parent->fds[fd];
		child->cloexec[fd] = parent->cloexec[fd];
		if (child->fds[fd])
			child->fds[fd]->refcount++;
	}
}

/* do_close_on_exec() */
void fs_exec(struct process *p)
{
	int fd;

	for (fd = 0; fd < MAX_FDS; fd++) {
		if (p->fds[fd] && p->cloexec[fd]) {
			vfile_put(p->fds[fd]);
			p->fds[fd] = NULL;
		}
		p->cloexec[fd] = false;
	}
}

static bool readable(const struct vfile *vf)
{
	return (vf->flags & O_ACCMODE) != O_WRONLY;
}

static bool writable(const struct vfile *vf)
{
	return (vf->flags & O_ACCMODE) != O_RDONLY;
}

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

static unsigned int open_fmode(int flags)
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
static int host_resized(struct file *file, int hfd)
{
	struct stat st;

	if (!file)
		return 0;
	if (fstat(hfd, &st))
		return -errno;
	return file_truncate(file, (uint64_t)st.st_size);
}

/* ---- generated files ---- */

/* the lines of /proc/PID/status before and after the memory ones (fs/proc/array.c) */
static char *proc_status(struct vmm *vmm)
{
	struct process *p = vmm->cur;
	char *mem = mm_show_status(p->mm), *text = NULL;
	mode_t um = umask(0);
	uint64_t ign = 0, cgt = 0;
	int i;

	umask(um);
	for (i = 1; i < NR_SIGNALS; i++) {
		if (p->sig.action[i].handler == (uint64_t)SIG_IGN)
			ign |= 1ULL << (i - 1);
		else if (p->sig.action[i].handler != (uint64_t)SIG_DFL)
			cgt |= 1ULL << (i - 1);
	}
	if (!mem)
		return NULL;
	if (asprintf(&text,
		     "Name:\t%s\nUmask:\t%04o\nState:\tR (running)\nTgid:\t%d\nNgid:\t0\n"
		     "Pid:\t%d\nPPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\n"
		     "Gid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\n%sThreads:\t1\n"
		     "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n"
		     "SigIgn:\t%016llx\nSigCgt:\t%016llx\n",
		     p->comm, um, p->pid, p->pid, p->ppid, getuid(), geteuid(), geteuid(),
		     geteuid(), getgid(), getegid(), getegid(), getegid(), 64, mem,
		     (unsigned long long)p->sig.pending,
		     (unsigned long long)p->sig.shared_pending,
		     (unsigned long long)p->sig.blocked, (unsigned long long)ign,
		     (unsigned long long)cgt) < 0)
		text = NULL;
	free(mem);
	return text;
}

/*
 * /proc/vmm/stats is the monitor's own file, not Linux's: its counters, one
 * "name value" per line, for programs that count the exits they cause
 * (guest/bench.c reads it before and after each measurement).  Natively
 * the file does not exist.
 */
static char *proc_vmm_stats(struct vmm *vmm)
{
	const struct zone_stats *zs = &vmm->zone->stats;
	uint64_t exits = 0;
	char *text;
	int i;

	for (i = 0; i < NR_EXIT_REASONS; i++)
		exits += vmm->stats.exits[i];
	if (asprintf(&text,
		     "exits %" PRIu64 "\nsyscalls %" PRIu64 "\nfaults %" PRIu64 "\n"
		     "hypercalls %" PRIu64 "\ncommit_chunks %" PRIu64 "\n"
		     "allocs %" PRIu64 "\npgprefault %" PRIu64 "\nthp_fault_alloc %" PRIu64 "\n"
		     "thp_fault_fallback %" PRIu64 "\nthp_split_pmd %" PRIu64 "\n"
		     "prezero_hits %" PRIu64 "\nprezero_misses %" PRIu64 "\n",
		     exits, vmm->stats.syscalls, vmm->stats.exceptions[14],
		     vmm->stats.hypercalls, vmm->stats.commit_chunks, zs->allocs,
		     zs->pgprefault, zs->thp_fault_alloc, zs->thp_fault_fallback,
		     zs->thp_split_pmd, zs->prezero_hits, zs->prezero_misses) < 0)
		return NULL;
	return text;
}

static int proc_generate(struct vmm *vmm, struct vfile *vf)
{
	char *text = NULL;

	switch (vf->proc_id) {
	case PROC_MAPS:
		text = mm_show_maps(vmm->cur->mm);
		break;
	case PROC_SMAPS:
		text = mm_show_smaps(vmm->cur->mm);
		break;
	case PROC_STATUS:
		text = proc_status(vmm);
		break;
	case PROC_MEMINFO:
		/* the guest's memory, not the host's: MemTotal is --mem */
		text = zone_show_meminfo(vmm->zone);
		break;
	case PROC_MMAP_MIN_ADDR:
		if (asprintf(&text, "%" PRIu64 "\n", vmm->zone->dac_mmap_min_addr) < 0)
			text = NULL;
		break;
	case PROC_MAX_MAP_COUNT:
		if (asprintf(&text, "%" PRIu64 "\n", vmm->zone->max_map_count) < 0)
			text = NULL;
		break;
	case PROC_OVERCOMMIT:
		if (asprintf(&text, "%d\n", vmm->zone->overcommit_memory) < 0)
			text = NULL;
		break;
	case PROC_VMM_STATS:
		text = proc_vmm_stats(vmm);
		break;
	}
	if (!text)
		return -ENOMEM;
	free(vf->text);
	vf->text = text;
	vf->text_len = strlen(text);
	return 0;
}

/* ---- read and write ---- */

/* read up to @n bytes at @pos (or the file position when @pos < 0) into @buf */
static ssize_t vfile_read(struct vmm *vmm, struct vfile *vf, void *buf, size_t n, off_t pos)
{
	ssize_t got;
	uint64_t p = pos < 0 ? vf->pos : (uint64_t)pos;

	switch (vf->kind) {
	case VF_HOST:
		if (vf->file) {
			/* through the page cache: mappings and read(2) agree */
			got = kernel_read(vf->file, p, buf, n);
			if (got < 0)
				return got;
			break;
		}
		/* fall through */
	case VF_STDIO:
		got = pos < 0 ? read(vf->host_fd, buf, n) : pread(vf->host_fd, buf, n, pos);
		return got < 0 ? -errno : got;
	case VF_PROC:
		/* like seq_file: a read from the start sees the current state */
		if (p == 0 && proc_generate(vmm, vf))
			return -ENOMEM;
		if (!vf->text || p >= vf->text_len)
			return 0;
		got = vf->text_len - p < n ? vf->text_len - p : n;
		memcpy(buf, vf->text + p, got);
		break;
	case VF_ZERO:
		memset(buf, 0, n);
		got = n;
		break;
	case VF_NULL:
		return 0;
	case VF_MEMFD:
		got = kernel_read(vf->file, p, buf, n);
		if (got < 0)
			return got;
		break;
	default:
		return -EBADF;
	}
	if (pos < 0)
		vf->pos += got;
	return got;
}

static ssize_t vfile_write(struct vmm *vmm, struct vfile *vf, const void *buf, size_t n,
			   off_t pos)
{
	ssize_t done;
	uint64_t p = pos < 0 ? vf->pos : (uint64_t)pos;

	switch (vf->kind) {
	case VF_HOST:
		if (!vf->file)
			return -EINVAL;
		/* O_APPEND: at the end, whatever the position (generic_write_checks) */
		if ((vf->flags & O_APPEND) && pos < 0)
			p = vf->file->f_mapping->i_size;
		done = kernel_write(vf->file, p, buf, n);
		if (done > 0 && pos < 0)
			vf->pos = p + done;
		return done;
	case VF_STDIO:
		done = write(vf->host_fd, buf, n);
		return done < 0 ? -errno : done;
	case VF_ZERO:
	case VF_NULL:
		return n;
	case VF_MEMFD:
		/* through the page cache: every mapping of the memfd sees it */
		done = kernel_write(vf->file, vf->pos, buf, n);
		if (done > 0)
			vf->pos += done;
		return done;
	default:
		return -EBADF;
	}
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

long sys_read(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);

	if (!vf || !readable(vf))
		return -EBADF;
	return do_read(vmm, vf, a[1], a[2], -1);
}

long sys_pread64(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);

	if (!vf || !readable(vf))
		return -EBADF;
	if ((int64_t)a[3] < 0)
		return -EINVAL;
	if (vf->kind == VF_STDIO)
		return -ESPIPE;
	return do_read(vmm, vf, a[1], a[2], (off_t)a[3]);
}

long sys_write(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);

	if (!vf || !writable(vf))
		return -EBADF;
	return do_write(vmm, vf, a[1], a[2], -1);
}

long sys_pwrite64(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);

	if (!vf || !writable(vf))
		return -EBADF;
	if ((int64_t)a[3] < 0)
		return -EINVAL;
	if (vf->kind == VF_STDIO)
		return -ESPIPE;
	return do_write(vmm, vf, a[1], a[2], (off_t)a[3]);
}

static long do_iov(struct vmm *vmm, const uint64_t *a, bool is_write)
{
	struct vfile *vf = fd_get(vmm, a[0]);
	struct iovec *iov;
	uint64_t total = 0;
	long ret = 0, done = 0;
	int i, cnt = (int)a[2];

	if (!vf || !(is_write ? writable(vf) : readable(vf)))
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
	for (i = 0; i < cnt; i++) {
		if (!iov[i].iov_len)
			continue;
		ret = is_write ? do_write(vmm, vf, (uint64_t)iov[i].iov_base, iov[i].iov_len, -1) :
				 do_read(vmm, vf, (uint64_t)iov[i].iov_base, iov[i].iov_len, -1);
		if (ret < 0)
			break;
		done += ret;
		if ((size_t)ret < iov[i].iov_len)
			break;
	}
	free(iov);
	return done ? done : ret;
}

long sys_readv(struct vmm *vmm, const uint64_t *a)
{
	return do_iov(vmm, a, false);
}

long sys_writev(struct vmm *vmm, const uint64_t *a)
{
	return do_iov(vmm, a, true);
}

long sys_lseek(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);
	int64_t off = (int64_t)a[1], base;
	off_t r;

	if (!vf)
		return -EBADF;
	switch (vf->kind) {
	case VF_HOST:
		if (vf->file)
			break;
		/* fall through */
	case VF_STDIO:
		r = lseek(vf->host_fd, off, (int)a[2]);
		return r < 0 ? -errno : r;
	case VF_ZERO:
	case VF_NULL:
		return 0;
	case VF_PROC:
	case VF_MEMFD:
		break;
	}
	switch (a[2]) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = vf->pos;
		break;
	case SEEK_END:
		if (vf->kind == VF_PROC)
			return -EINVAL;
		base = vf->file->f_mapping->i_size;
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

/* ---- opening files ---- */

static const struct special_path *find_special(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(special_paths) / sizeof(special_paths[0]); i++)
		if (!strcmp(path, special_paths[i].path))
			return &special_paths[i];
	return NULL;
}

/*
 * Resolve @path under --root as if it were the guest's "/": openat2 with
 * RESOLVE_IN_ROOT keeps "..", absolute symlinks and absolute paths inside,
 * and magic links (/proc/self/fd/...) are refused.
 */
static int host_open_confined(struct vmm *vmm, int dirfd, const char *path, int flags,
			      int mode)
{
	struct open_how how = { 0 };
	long fd;

	how.flags = flags;
	if (flags & O_CREAT)
		how.mode = mode & 07777;
	how.resolve = RESOLVE_NO_MAGICLINKS;
	if (dirfd == AT_FDCWD || path[0] == '/') {
		dirfd = vmm->root_fd;
		how.resolve |= RESOLVE_IN_ROOT;
	} else {
		how.resolve |= RESOLVE_BENEATH;
	}
	fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd < 0)
		return errno == EXDEV ? -EACCES : -errno;
	return (int)fd;
}

static long open_special(struct vmm *vmm, const struct special_path *sp, int flags)
{
	struct vfile *vf;
	int fd;

	if (sp->kind == VF_PROC && (flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	vf = vfile_new(sp->kind, -1, flags);
	if (!vf)
		return -ENOMEM;
	vf->proc_id = sp->proc_id;
	if (sp->kind == VF_PROC && proc_generate(vmm, vf)) {
		vfile_put(vf);
		return -ENOMEM;
	}
	fd = fd_install(vmm, vf, 0);
	if (fd < 0)
		vfile_put(vf);
	return fd;
}

/*
 * The host's absolute path of a file, for maps: a mapping made here reads
 * like the same mapping made natively from the same directory.
 */
static char *host_path(int host_fd)
{
	char link[64], real[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", host_fd);
	n = readlink(link, real, sizeof(real) - 1);
	if (n < 0)
		return NULL;
	real[n] = 0;
	return strdup(real);
}

static long do_openat(struct vmm *vmm, int dirfd, uint64_t upath, int flags, int mode)
{
	const struct special_path *sp;
	struct vfile *vf, *dir = NULL;
	char path[4096];
	long n;
	int hfd, fd;

	n = strncpy_from_user(vmm, path, upath, sizeof(path));
	if (n < 0)
		return n;
	if (!n)
		return -ENOENT;
	sp = find_special(path);
	if (sp)
		return open_special(vmm, sp, flags);
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	if (dirfd != AT_FDCWD && path[0] != '/') {
		dir = fd_get(vmm, dirfd);
		if (!dir)
			return -EBADF;
		if (dir->kind != VF_HOST)
			return -ENOTDIR;
	}
	hfd = host_open_confined(vmm, dir ? dir->host_fd : AT_FDCWD, path,
				 (flags & (O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_DIRECTORY |
					   O_NOFOLLOW | O_PATH)) | O_CLOEXEC | O_NOCTTY, mode);
	if (hfd < 0)
		return hfd;
	vf = vfile_new(VF_HOST, hfd, flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC));
	if (!vf) {
		close(hfd);
		return -ENOMEM;
	}
	vf->path = host_path(hfd);
	if (!(flags & O_PATH))
		vf->file = ftab_open(vmm, hfd, vf->path ? vf->path : path, open_fmode(flags));
	if (vf->file && (flags & O_TRUNC) && writable(vf))
		host_resized(vf->file, hfd);
	fd = fd_install(vmm, vf, 0);
	if (fd < 0)
		vfile_put(vf);
	return fd;
}

long sys_open(struct vmm *vmm, const uint64_t *a)
{
	return do_openat(vmm, AT_FDCWD, a[0], (int)a[1], (int)a[2]);
}

long sys_openat(struct vmm *vmm, const uint64_t *a)
{
	return do_openat(vmm, (int)a[0], a[1], (int)a[2], (int)a[3]);
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
	default:
		return -EINVAL;
	}
}

long sys_ioctl(struct vmm *vmm, const uint64_t *a)
{
	return fd_get(vmm, a[0]) ? -ENOTTY : -EBADF;
}

/* ---- stat ---- */

static void stat_synth(struct vmm *vmm, struct vfile *vf, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_nlink = 1;
	st->st_blksize = PAGE_SIZE;
	st->st_uid = getuid();
	st->st_gid = getgid();
	switch (vf->kind) {
	case VF_PROC:
		st->st_mode = S_IFREG | 0444;
		st->st_blksize = 1024;
		st->st_dev = makedev(0, 22);
		break;
	case VF_ZERO:
		st->st_mode = S_IFCHR | 0666;
		st->st_rdev = makedev(1, 5);
		break;
	case VF_NULL:
		st->st_mode = S_IFCHR | 0666;
		st->st_rdev = makedev(1, 3);
		break;
	case VF_MEMFD:
		st->st_mode = S_IFREG | 0777;
		st->st_size = vf->file->f_mapping->i_size;
		st->st_blocks = vf->file->f_mapping->nrpages * (PAGE_SIZE / 512);
		st->st_ino = vf->file->ino;
		break;
	default:
		break;
	}
}

static long stat_vfile(struct vmm *vmm, struct vfile *vf, uint64_t ubuf)
{
	struct stat st;

	if (vf->kind == VF_HOST || vf->kind == VF_STDIO) {
		if (fstat(vf->host_fd, &st))
			return -errno;
	} else {
		stat_synth(vmm, vf, &st);
	}
	return copy_to_user(vmm, ubuf, &st, sizeof(st));
}

long sys_fstat(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);

	return vf ? stat_vfile(vmm, vf, a[1]) : -EBADF;
}

static long stat_path(struct vmm *vmm, int dirfd, uint64_t upath, uint64_t ubuf, int flags)
{
	const struct special_path *sp;
	struct vfile *dir = NULL, tmp = { 0 };
	struct stat st;
	char path[4096];
	long n;
	int hfd, ret;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	n = strncpy_from_user(vmm, path, upath, sizeof(path));
	if (n < 0)
		return n;
	if (!n && (flags & AT_EMPTY_PATH)) {
		if (dirfd == AT_FDCWD)
			return stat_path(vmm, AT_FDCWD, 0, ubuf, flags);
		dir = fd_get(vmm, dirfd);
		return dir ? stat_vfile(vmm, dir, ubuf) : -EBADF;
	}
	if (!n)
		return -ENOENT;
	sp = find_special(path);
	if (sp) {
		tmp.kind = sp->kind;
		stat_synth(vmm, &tmp, &st);
		return copy_to_user(vmm, ubuf, &st, sizeof(st));
	}
	if (dirfd != AT_FDCWD && path[0] != '/') {
		dir = fd_get(vmm, dirfd);
		if (!dir)
			return -EBADF;
		if (dir->kind != VF_HOST)
			return -ENOTDIR;
	}
	hfd = host_open_confined(vmm, dir ? dir->host_fd : AT_FDCWD, path,
				 O_PATH | O_CLOEXEC |
				 ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0), 0);
	if (hfd < 0)
		return hfd;
	ret = fstat(hfd, &st) ? -errno : 0;
	close(hfd);
	if (ret)
		return ret;
	return copy_to_user(vmm, ubuf, &st, sizeof(st));
}

long sys_stat(struct vmm *vmm, const uint64_t *a)
{
	if (!a[0])
		return -EFAULT;
	return stat_path(vmm, AT_FDCWD, a[0], a[1], 0);
}

long sys_lstat(struct vmm *vmm, const uint64_t *a)
{
	if (!a[0])
		return -EFAULT;
	return stat_path(vmm, AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW);
}

long sys_newfstatat(struct vmm *vmm, const uint64_t *a)
{
	if (!a[1])
		return -EFAULT;
	return stat_path(vmm, (int)a[0], a[1], a[2], (int)a[3]);
}

long sys_access(struct vmm *vmm, const uint64_t *a)
{
	char path[4096];
	long n;
	int hfd;

	if (a[1] & ~(uint64_t)(R_OK | W_OK | X_OK))
		return -EINVAL;
	n = strncpy_from_user(vmm, path, a[0], sizeof(path));
	if (n < 0)
		return n;
	if (!n)
		return -ENOENT;
	if (find_special(path))
		return 0;
	hfd = host_open_confined(vmm, AT_FDCWD, path, O_PATH | O_CLOEXEC, 0);
	if (hfd < 0)
		return hfd;
	n = syscall(SYS_faccessat2, hfd, "", (int)a[1], AT_EMPTY_PATH) ? -errno : 0;
	close(hfd);
	return n;
}

long sys_getcwd(struct vmm *vmm, const uint64_t *a)
{
	if (a[1] < 2)
		return -ERANGE;
	return copy_to_user(vmm, a[0], "/", 2) ? -EFAULT : 2;
}

long sys_readlink(struct vmm *vmm, const uint64_t *a)
{
	char path[4096];
	long n;

	n = strncpy_from_user(vmm, path, a[0], sizeof(path));
	if (n < 0)
		return n;
	if ((int64_t)a[2] <= 0)
		return -EINVAL;
	if (strcmp(path, "/proc/self/exe"))
		return -ENOENT;
	n = strlen(vmm->cur->exe_path);
	if ((uint64_t)n > a[2])
		n = a[2];
	return copy_to_user(vmm, a[1], vmm->cur->exe_path, n) ? -EFAULT : n;
}

/* ---- memfd ---- */

long sys_memfd_create(struct vmm *vmm, const uint64_t *a)
{
	char name[MFD_NAME_MAX + 1], full[MFD_NAME_MAX + 32];
	struct vfile *vf;
	long n;
	int fd;

	/* MFD_CLOEXEC, MFD_ALLOW_SEALING; no hugetlb, no exec sealing */
	if (a[1] & ~(uint64_t)3)
		return -EINVAL;
	n = strncpy_from_user(vmm, name, a[0], sizeof(name));
	if (n == -ENAMETOOLONG)
		return -EINVAL;
	if (n < 0)
		return n;
	vf = vfile_new(VF_MEMFD, -1, O_RDWR | ((a[1] & 1) ? O_CLOEXEC : 0));
	if (!vf)
		return -ENOMEM;
	snprintf(full, sizeof(full), "/memfd:%s (deleted)", name);
	vf->file = shmem_file_setup(vmm->zone, full, 0);
	if (!vf->file) {
		vfile_put(vf);
		return -ENOMEM;
	}
	fd = fd_install(vmm, vf, 0);
	if (fd < 0)
		vfile_put(vf);
	return fd;
}

long sys_ftruncate(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);

	if (!vf)
		return -EBADF;
	if ((int64_t)a[1] < 0)
		return -EINVAL;
	if (!writable(vf))
		return -EINVAL;
	if (vf->kind == VF_HOST && vf->file) {
		if (ftruncate(vf->host_fd, (off_t)a[1]))
			return -errno;
		return host_resized(vf->file, vf->host_fd);
	}
	if (vf->kind != VF_MEMFD)
		return -EINVAL;
	return file_truncate(vf->file, a[1]);
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
	switch (vf->kind) {
	case VF_ZERO:
		return NULL;
	case VF_MEMFD:
		return vf->file;
	case VF_HOST:
		if (!vf->file) {
			struct stat st;

			if (fstat(vf->host_fd, &st) || !S_ISREG(st.st_mode)) {
				*err = S_ISDIR(st.st_mode) ? -ENODEV : -EACCES;
				return NULL;
			}
			*err = -ENOMEM;
			return NULL;
		}
		/* the view has the descriptor's mode: do_mmap() checks it */
		return vf->file;
	default:
		*err = -ENODEV;
		return NULL;
	}
}

/* ---- the rest of the file system calls ---- */

long sys_fsync(struct vmm *vmm, const uint64_t *a)
{
	struct vfile *vf = fd_get(vmm, a[0]);

	if (!vf)
		return -EBADF;
	switch (vf->kind) {
	case VF_MEMFD:
		return 0;	/* shmem: noop_fsync() */
	case VF_HOST:
		/* dirty shared pages reach the host file first, then the disk */
		if (vf->file && file_fsync(vf->file))
			return -EIO;
		break;
	case VF_STDIO:
		break;
	default:
		return -EINVAL;
	}
	if (fsync(vf->host_fd))
		return -errno;
	return 0;
}

/*
 * The directory holding @path's last component, confined to --root, and
 * that component; "." and ".." are refused as a last component, so the
 * call can never reach above the directory it was confined to.
 */
static int parent_confined(struct vmm *vmm, int dirfd, uint64_t upath, char *path,
			   size_t len, const char **base)
{
	struct vfile *dir = NULL;
	char *slash;
	long n;
	int flags = O_PATH | O_DIRECTORY | O_CLOEXEC;

	n = strncpy_from_user(vmm, path, upath, len);
	if (n < 0)
		return n;
	if (!n)
		return -ENOENT;
	while (n > 1 && path[n - 1] == '/')
		path[--n] = 0;
	if (dirfd != AT_FDCWD && path[0] != '/') {
		dir = fd_get(vmm, dirfd);
		if (!dir)
			return -EBADF;
		if (dir->kind != VF_HOST)
			return -ENOTDIR;
	}
	slash = strrchr(path, '/');
	*base = slash ? slash + 1 : path;
	if (!strcmp(*base, ".") || !strcmp(*base, "..") || !**base)
		return -EINVAL;
	if (!slash)
		return dir ? fcntl(dir->host_fd, F_DUPFD_CLOEXEC, 0) :
			     host_open_confined(vmm, AT_FDCWD, "/", flags, 0);
	*slash = 0;
	return host_open_confined(vmm, dir ? dir->host_fd : AT_FDCWD,
				  slash == path ? "/" : path, flags, 0);
}

static long do_unlinkat(struct vmm *vmm, int dirfd, uint64_t upath, int flags)
{
	char path[4096];
	const char *base;
	int pfd = parent_confined(vmm, dirfd, upath, path, sizeof(path), &base);
	long ret;

	if (pfd < 0)
		return pfd == -EINVAL && !(flags & AT_REMOVEDIR) ? -EISDIR : pfd;
	ret = unlinkat(pfd, base, flags) ? -errno : 0;
	close(pfd);
	return ret;
}

long sys_unlink(struct vmm *vmm, const uint64_t *a)
{
	return do_unlinkat(vmm, AT_FDCWD, a[0], 0);
}

long sys_rmdir(struct vmm *vmm, const uint64_t *a)
{
	return do_unlinkat(vmm, AT_FDCWD, a[0], AT_REMOVEDIR);
}

long sys_unlinkat(struct vmm *vmm, const uint64_t *a)
{
	if (a[2] & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	return do_unlinkat(vmm, (int)a[0], a[1], (int)a[2]);
}

long sys_mkdir(struct vmm *vmm, const uint64_t *a)
{
	char path[4096];
	const char *base;
	int pfd = parent_confined(vmm, AT_FDCWD, a[0], path, sizeof(path), &base);
	long ret;

	if (pfd < 0)
		return pfd == -EINVAL ? -EEXIST : pfd;
	ret = mkdirat(pfd, base, (mode_t)a[1] & 07777) ? -errno : 0;
	close(pfd);
	return ret;
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

	if (n < 0)
		return n;
	return fs_open_exec_path(vmm, path);
}
