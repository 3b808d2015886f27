/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's files (Linux: struct file, file_operations, the fd table).
 * Each kind of open file is a struct vfile_ops in the file named after it:
 * hostfs.c (files under --root and the monitor's stdio), chardev.c
 * (/dev/null, /dev/zero), procfs.c, memfd.c.  file.c owns the descriptor
 * table, read_write.c the calls that move bytes, namei.c the paths.
 */
#ifndef VMM_FS_H
#define VMM_FS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "vmm.h"

#define PATH_MAX_GUEST	4096

/* a call's restart, as signal delivery reads it (Linux: include/linux/errno.h) */
#define ERESTARTSYS		512
#define ERESTARTNOINTR		513
#define ERESTARTNOHAND		514
#define ERESTART_RESTARTBLOCK	516

enum vfile_kind {
	VF_HOST,	/* a host file under --root */
	VF_STDIO,	/* the monitor's own fd 0, 1 or 2 */
	VF_PROC,	/* generated text: /proc/self/maps, /proc/sys/vm/... */
	VF_ZERO,
	VF_NULL,
	VF_MEMFD,
	VF_PIPE,	/* a pipe's or a FIFO's end (pipe.c) */
};

struct vfile;

/*
 * getdents64's sink (Linux: struct dir_context): emit() returns false
 * when the caller's buffer is full; the entry is then not consumed.
 */
struct dir_context {
	bool (*emit)(struct dir_context *ctx, const char *name, size_t len, uint64_t ino,
		     unsigned int d_type);
};

/*
 * What one kind of open file does.  @pos < 0: at the file position, which
 * the op advances; otherwise at @pos (pread/pwrite), leaving it alone.
 * A NULL op is what Linux answers when file_operations lacks it.
 */
struct vfile_ops {
	enum vfile_kind kind;
	ssize_t (*read)(struct vmm *vmm, struct vfile *vf, void *buf, size_t n, off_t pos);
	ssize_t (*write)(struct vmm *vmm, struct vfile *vf, const void *buf, size_t n,
			 off_t pos);
	/* NULL: lseek is generic_file_llseek on vf->pos with size() */
	int64_t (*llseek)(struct vmm *vmm, struct vfile *vf, int64_t off, int whence);
	/* SEEK_END's base; NULL: SEEK_END is EINVAL */
	int64_t (*size)(struct vfile *vf);
	int (*stat)(struct vmm *vmm, struct vfile *vf, struct stat *st);
	/* the MMU's file for mmap; NULL result with *err == 0: anonymous */
	struct file *(*mmap_file)(struct vmm *vmm, struct vfile *vf, long *err);
	int (*fsync)(struct vmm *vmm, struct vfile *vf);
	int (*truncate)(struct vmm *vmm, struct vfile *vf, uint64_t len);
	void (*release)(struct vfile *vf);
	/* directory entries from vf->pos on, advancing it (Linux: iterate_shared) */
	int (*iterate)(struct vmm *vmm, struct vfile *vf, struct dir_context *ctx);
	bool no_pread;		/* pread/pwrite: ESPIPE (a pipe, a terminal) */
	/* POLLIN, POLLOUT, POLLHUP, POLLERR now; NULL: always ready (DEFAULT_POLLMASK) */
	unsigned int (*poll)(struct vmm *vmm, struct vfile *vf);
	/* NULL: ENOTTY */
	long (*ioctl)(struct vmm *vmm, struct vfile *vf, unsigned int cmd, uint64_t arg);
};

struct vfile {
	enum vfile_kind kind;
	const struct vfile_ops *ops;
	int refcount;		/* fds sharing this open file description */
	int host_fd;		/* VF_HOST, VF_STDIO */
	int flags;		/* the guest's open flags */
	uint64_t pos;
	struct file *file;	/* this open's MMU view (its own f_mode, the inode's cache) */
	char *path;		/* as maps shows it */
	char *text;		/* VF_PROC: generated at offset 0 */
	size_t text_len;
	int proc_id;
	void *priv;		/* the kind's own state */
};

/* file.c: open file descriptions and the descriptor table */
struct vfile *vfile_new(const struct vfile_ops *ops, int host_fd, int flags);
void vfile_put(struct vfile *vf);
int fd_install(struct vmm *vmm, struct vfile *vf, int from);
struct vfile *fd_get(struct vmm *vmm, uint64_t fd);
long fd_install_new(struct vmm *vmm, struct vfile *vf);
bool vfile_readable(const struct vfile *vf);
bool vfile_writable(const struct vfile *vf);

/* hostfs.c: host files under --root, and the monitor's stdio */
extern const struct vfile_ops hostfs_ops, hostfs_nocache_ops, stdio_ops;
unsigned int open_fmode(int flags);
int host_resized(struct file *file, int hfd);

/* chardev.c: /dev/null, /dev/zero, /dev/random, /dev/urandom */
extern const struct vfile_ops null_ops, zero_ops, random_ops, urandom_ops;

/* procfs.c */
enum { PROC_MAPS, PROC_SMAPS, PROC_STATUS, PROC_MEMINFO, PROC_MMAP_MIN_ADDR,
       PROC_MAX_MAP_COUNT, PROC_OVERCOMMIT, PROC_VMM_STATS,
       /* files of a pid */
       PROC_SMAPS_ROLLUP, PROC_STAT, PROC_STATM, PROC_PAGEMAP, PROC_CMDLINE, PROC_ENVIRON,
       PROC_COMM, PROC_MOUNTS, PROC_OOM_SCORE_ADJ,
       /* files of /proc and /proc/sys */
       PROC_SYS_STAT, PROC_UPTIME, PROC_LOADAVG, PROC_VERSION, PROC_CPUINFO, PROC_FILESYSTEMS,
       PROC_PID_MAX, PROC_OSTYPE, PROC_OSRELEASE, PROC_HOSTNAME,
       /* symbolic links */
       PROC_SELF, PROC_THREAD_SELF, PROC_MOUNTS_LINK, PROC_EXE, PROC_CWD, PROC_ROOT, PROC_FD_LINK,
       /* directories */
       PROC_ROOT_DIR, PROC_PID_DIR, PROC_FD_DIR, PROC_TASK_DIR, PROC_STATIC_DIR };
extern const struct vfile_ops proc_ops;
int proc_generate(struct vmm *vmm, struct vfile *vf);
long procfs_readlink(struct vmm *vmm, const char *path, char *buf, size_t len);
/*
 * The hooks for paths: false when @path (absolute, as the program sees it)
 * is not in /proc, or names a magic link out of it (/proc/self/exe,
 * /proc/self/cwd/x), whose target then replaces @path: resolve it as usual.
 * True: *@ret is the call's result.
 */
bool procfs_open(struct vmm *vmm, char *path, size_t size, int flags, long *ret);
bool procfs_stat(struct vmm *vmm, char *path, size_t size, bool follow, struct stat *st,
		 long *ret);
int procfs_exec_target(struct vmm *vmm, const char *path, char *out, size_t size);
bool procfs_readlinkat(struct vmm *vmm, char *path, size_t size, char *buf, size_t len,
		       long *ret);

/* memfd.c */
extern const struct vfile_ops memfd_ops;

/* namei.c: paths, confined to --root */
struct special_path {
	const char *path;
	const struct vfile_ops *ops;
	int proc_id;
};
const struct special_path *find_special(const char *path);
long open_special(struct vmm *vmm, const struct special_path *sp, int flags);
int host_open_confined(struct vmm *vmm, int dirfd, const char *path, int flags, int mode);
int parent_confined(struct vmm *vmm, int dirfd, uint64_t upath, char *path, size_t len,
		    const char **base);
int dirfd_host(struct vmm *vmm, int dirfd, const char *path);

/* pipe.c: pipes and FIFOs */
#define FIFO_NOT	1	/* fifo_open_at(): not a FIFO, open it as a file */
extern const struct vfile_ops pipe_ops;
long fifo_open_at(struct vmm *vmm, int dirfd, const char *path, int flags);
long pipe_reopen(struct vmm *vmm, struct vfile *old, int flags);
long fifo_open_retry(struct vmm *vmm);
long pipe_fcntl(struct vfile *vf, unsigned int cmd, unsigned int arg);
long pipe_ioctl(struct vmm *vmm, struct vfile *vf, unsigned int cmd, uint64_t arg);
void send_sigpipe(struct vmm *vmm);

/* poll.c */
unsigned int vfile_poll(struct vmm *vmm, struct vfile *vf);
unsigned int host_poll(int fd);
void vfile_wait(struct vmm *vmm, struct vfile *vf, short events);

/* stat.c */
void stat_synth(struct vfile *vf, struct stat *st);

/* namei.c: guest paths (the host's with the root's real path taken off) */
int guest_fd_path(struct vmm *vmm, int hfd, char *buf, size_t len);
char *guest_path_dup(struct vmm *vmm, int hfd);
int guest_cwd(struct vmm *vmm, char *buf, size_t len);
bool path_in_proc(const char *abs);
bool proc_redirect(struct vmm *vmm, char *abs, size_t len, bool follow_last);
bool guest_proc_path(struct vmm *vmm, int dirfd, const char *path, char *abs, size_t len,
		     bool follow_last);
int guest_lexical(struct vmm *vmm, int dirfd, const char *path, char *out, size_t len);
int path_lookup(struct vmm *vmm, int dirfd, uint64_t upath, int atflags);

/* sys.c: the umask every create applies (open O_CREAT, mkdir, mknod) */
mode_t current_umask(struct vmm *vmm);

/* hostfs.c: a host directory (getdents64 through iterate) */
extern const struct vfile_ops hostdir_ops;

#endif
