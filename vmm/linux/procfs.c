// SPDX-License-Identifier: GPL-2.0
/*
 * /proc (Linux: fs/proc/): the directories of every guest process and the
 * files made from the MMU's and the monitor's state, at Linux's paths.
 * A path is walked here the way proc_root_lookup() and proc_pid_lookup()
 * would: /proc/self and /proc/thread-self are symlinks to the caller's
 * pid, /proc/<pid> exists while the process does (zombies too), and the
 * magic links (exe, cwd, root, fd/N) lead out of /proc to the file they
 * name.  A file's text is generated when it is opened, and again by a
 * read from offset 0 (seq_file's behaviour for a reader that starts over).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <cpuid.h>
#include <linux/capability.h>

#include "fs.h"
#include "syscalls.h"

#define PROC_DEV	makedev(0, 22)
#define PROC_LINK_MAX	40	/* MAXSYMLINKS */
#define USER_HZ		100
#define NS_PER_TICK	(1000000000ULL / USER_HZ)

/* one name in a directory whose entries do not change */
struct proc_entry {
	const char *name;
	int id;
	mode_t mode;
	const struct proc_entry *sub;	/* a directory's entries, ending at a NULL name */
};

#define REG(n, i)	{ n, i, S_IFREG | 0444, NULL }
#define RW(n, i)	{ n, i, S_IFREG | 0644, NULL }
#define LNK(n, i)	{ n, i, S_IFLNK | 0777, NULL }
#define DIR(n, i, s)	{ n, i, S_IFDIR | 0555, s }

static const struct proc_entry sys_vm_entries[] = {
	RW("max_map_count", PROC_MAX_MAP_COUNT),
	RW("mmap_min_addr", PROC_MMAP_MIN_ADDR),
	RW("overcommit_memory", PROC_OVERCOMMIT),
	{ NULL }
};

static const struct proc_entry sys_kernel_entries[] = {
	RW("hostname", PROC_HOSTNAME),
	REG("osrelease", PROC_OSRELEASE),
	REG("ostype", PROC_OSTYPE),
	RW("pid_max", PROC_PID_MAX),
	{ NULL }
};

static const struct proc_entry sys_entries[] = {
	DIR("kernel", PROC_STATIC_DIR, sys_kernel_entries),
	DIR("vm", PROC_STATIC_DIR, sys_vm_entries),
	{ NULL }
};

static const struct proc_entry vmm_entries[] = {
	REG("stats", PROC_VMM_STATS),
	{ NULL }
};

/* /proc's own names, before "self", "thread-self" and the pids (proc_root_readdir) */
static const struct proc_entry root_entries[] = {
	REG("cpuinfo", PROC_CPUINFO),
	REG("filesystems", PROC_FILESYSTEMS),
	REG("loadavg", PROC_LOADAVG),
	REG("meminfo", PROC_MEMINFO),
	LNK("mounts", PROC_MOUNTS_LINK),
	REG("stat", PROC_SYS_STAT),
	DIR("sys", PROC_STATIC_DIR, sys_entries),
	REG("uptime", PROC_UPTIME),
	REG("version", PROC_VERSION),
	/* the monitor's own directory: not Linux's, absent natively */
	DIR("vmm", PROC_STATIC_DIR, vmm_entries),
	{ NULL }
};

static const struct proc_entry self_entries[] = {
	LNK("self", PROC_SELF),
	LNK("thread-self", PROC_THREAD_SELF),
	{ NULL }
};

/* tgid_base_stuff[], the part this monitor has */
static const struct proc_entry pid_entries[] = {
	DIR("task", PROC_TASK_DIR, NULL),
	DIR("fd", PROC_FD_DIR, NULL),
	REG("environ", PROC_ENVIRON),
	REG("status", PROC_STATUS),
	RW("comm", PROC_COMM),
	REG("cmdline", PROC_CMDLINE),
	REG("stat", PROC_STAT),
	REG("statm", PROC_STATM),
	REG("maps", PROC_MAPS),
	REG("mounts", PROC_MOUNTS),
	REG("smaps", PROC_SMAPS),
	REG("smaps_rollup", PROC_SMAPS_ROLLUP),
	{ "pagemap", PROC_PAGEMAP, S_IFREG | 0400, NULL },
	LNK("cwd", PROC_CWD),
	LNK("root", PROC_ROOT),
	LNK("exe", PROC_EXE),
	RW("oom_score_adj", PROC_OOM_SCORE_ADJ),
	{ NULL }
};

static const struct proc_entry root_entry = DIR("", PROC_ROOT_DIR, root_entries);
static const struct proc_entry pid_dir_entry = DIR("", PROC_PID_DIR, pid_entries);
static const struct proc_entry fd_link_entry = { "", PROC_FD_LINK, S_IFLNK | 0700, NULL };

static char *printf_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* what a walk found: an entry, for a pid (0: none) and an fd */
struct proc_node {
	const struct proc_entry *entry;
	int pid, fd;
	char path[PATH_MAX_GUEST];	/* canonical: "/proc/123/maps" */
};

/* the pid's process, while it is not reaped */
static struct process *node_task(struct vmm *vmm, const struct proc_node *nd)
{
	return nd->pid ? find_process(vmm, nd->pid) : NULL;
}

/* ---- names ---- */

/*
 * The path the program knows for a host path: under --root, the part
 * after it.  The monitor keeps some names (the executable's, a file's
 * for maps) as host paths; the program must never see those.
 */
static const char *guest_path(struct vmm *vmm, const char *host)
{
	size_t n = strlen(vmm->root);

	if (!strcmp(vmm->root, "/") || strncmp(host, vmm->root, n))
		return host;
	if (host[n] == '/')
		return host + n;
	return host[n] ? host : "/";
}

/* d_path() of an open file, as /proc/PID/fd/N shows it */
static int vfile_d_path(struct vmm *vmm, struct vfile *vf, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	switch (vf->kind) {
	case VF_NULL:
		return snprintf(buf, len, "/dev/null");
	case VF_ZERO:
		return snprintf(buf, len, "/dev/zero");
	case VF_STDIO:
	case VF_HOST:
		/*
		 * what the host file is now (renamed, deleted: Linux's d_path),
		 * under --root as the program sees it; the monitor's own stdio
		 * as it is on the host (a tty, a pipe)
		 */
		snprintf(link, sizeof(link), "/proc/self/fd/%d", vf->host_fd);
		n = readlink(link, buf, len - 1);
		if (n < 0)
			return -errno;
		buf[n] = 0;
		memmove(buf, guest_path(vmm, buf), strlen(guest_path(vmm, buf)) + 1);
		return (int)strlen(buf);
	default:
		if (vf->path)
			return snprintf(buf, len, "%s", vf->path);
		break;
	}
	return snprintf(buf, len, "anon_inode:[%d]", (int)vf->kind);
}

/*
 * A symlink's target: *@inside says it is relative to /proc (self,
 * thread-self, mounts) rather than a path outside it.  -ENOENT for a link
 * whose object is gone (exe of a zombie), as proc_exe_link() answers.
 */
static int link_target(struct vmm *vmm, const struct proc_node *nd, char *buf, size_t len,
		       bool *inside)
{
	struct process *p = node_task(vmm, nd);

	*inside = true;
	switch (nd->entry->id) {
	case PROC_SELF:
		return snprintf(buf, len, "%d", vmm->cur->tgid);
	case PROC_THREAD_SELF:
		return snprintf(buf, len, "%d/task/%d", vmm->cur->tgid, vmm->cur->pid);
	case PROC_MOUNTS_LINK:
		return snprintf(buf, len, "self/mounts");
	}
	*inside = false;
	if (!p || p->state == P_ZOMBIE)
		return -ENOENT;
	switch (nd->entry->id) {
	case PROC_EXE:
		if (!p->exe_path || !p->mm)
			return -ENOENT;
		return snprintf(buf, len, "%s", guest_path(vmm, p->exe_path));
	case PROC_CWD:
		return snprintf(buf, len, "%s", p->fs->cwd ? p->fs->cwd : "/");
	case PROC_ROOT:
		return snprintf(buf, len, "/");
	case PROC_FD_LINK:
		if (nd->fd < 0 || nd->fd >= MAX_FDS || !p->fds[nd->fd])
			return -ENOENT;
		return vfile_d_path(vmm, p->fds[nd->fd], buf, len);
	}
	return -EINVAL;
}

/* ---- the walk ---- */

/* "/proc" and "/proc/...": the paths this file answers */
static bool is_proc_path(const char *path)
{
	return !strncmp(path, "/proc", 5) && (path[5] == '/' || !path[5]);
}

static bool parse_num(const char *s, int *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9' || (*s == '0' && s[1]))
		return false;
	v = strtol(s, &end, 10);
	if (*end || v > INT32_MAX)
		return false;
	*out = (int)v;
	return true;
}

static const struct proc_entry *find_entry(const struct proc_entry *e, const char *name)
{
	for (; e && e->name; e++)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

/* @name in the directory @nd, which becomes the child */
static int lookup_child(struct vmm *vmm, struct proc_node *nd, const char *name)
{
	const struct proc_entry *e = NULL;
	struct process *p;
	int num;

	if (!S_ISDIR(nd->entry->mode))
		return -ENOTDIR;
	switch (nd->entry->id) {
	case PROC_ROOT_DIR:
		e = find_entry(root_entries, name);
		if (!e)
			e = find_entry(self_entries, name);
		if (!e && parse_num(name, &num) && find_process(vmm, num)) {
			nd->pid = num;
			goto pid_dir;
		}
		break;
	case PROC_PID_DIR:
		e = find_entry(pid_entries, name);
		break;
	case PROC_TASK_DIR:
		/* the process's threads, by tid */
		p = node_task(vmm, nd);
		if (p && parse_num(name, &num) && find_process(vmm, num) &&
		    find_process(vmm, num)->tgid == p->tgid && !find_process(vmm, num)->exited) {
			nd->pid = num;
			goto pid_dir;
		}
		if (p && parse_num(name, &num) && num == nd->pid)
			goto pid_dir;
		return -ENOENT;
	case PROC_FD_DIR:
		p = node_task(vmm, nd);
		if (!p || !parse_num(name, &num) || num >= MAX_FDS || !p->fds[num])
			return -ENOENT;
		nd->fd = num;
		nd->entry = &fd_link_entry;
		return 0;
	case PROC_STATIC_DIR:
		e = find_entry(nd->entry->sub, name);
		break;
	}
	if (!e)
		return -ENOENT;
	nd->entry = e;
	return 0;
pid_dir:
	nd->entry = &pid_dir_entry;
	return 0;
}

static bool fd_is_dir(struct vmm *vmm, const struct proc_node *nd)
{
	struct process *p = node_task(vmm, nd);
	struct vfile *vf = p ? p->fds[nd->fd] : NULL;
	struct stat st;

	return vf && vf->ops->stat && !vf->ops->stat(vmm, vf, &st) && S_ISDIR(st.st_mode);
}

static int append(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf), m = strlen(s);

	if (n + m + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf + n, s, m + 1);
	return 0;
}

/*
 * Walk @path from "/proc".  0: @nd is what it names; 1: @path now holds a
 * path outside /proc to resolve as usual (a magic link's target and the
 * rest); a negative errno.  The final symlink is followed if @follow.
 */
static int proc_walk(struct vmm *vmm, char *path, size_t size, bool follow,
		     struct proc_node *nd)
{
	char *work = malloc(size), *target = malloc(PATH_MAX_GUEST);
	int links = 0, ret;

	if (!work || !target) {
		ret = -ENOMEM;
		goto out;
	}
restart:
	{
		char *save = NULL, *name, *rest;
		bool slash = path[strlen(path) - 1] == '/';

		snprintf(work, size, "%s", path + 5);	/* after "/proc" */
		nd->entry = &root_entry;
		nd->pid = 0;
		nd->fd = -1;
		strcpy(nd->path, "/proc");
		for (name = strtok_r(work, "/", &save); name; name = strtok_r(NULL, "/", &save)) {
			bool last, inside;
			int n;

			while (save && *save == '/')
				save++;
			rest = save && *save ? save : NULL;
			last = !rest;
			if ((!strcmp(name, ".") || !strcmp(name, "..")) &&
			    !S_ISDIR(nd->entry->mode)) {
				ret = -ENOTDIR;
				goto out;
			}
			if (!strcmp(name, "."))
				continue;
			if (!strcmp(name, "..")) {
				/* textually: no symlink leads to a place ".." could tell apart */
				char *up = strrchr(nd->path, '/');

				if (up == nd->path) {	/* /proc/.. is / */
					snprintf(target, PATH_MAX_GUEST, "/%s", rest ? rest : "");
					goto redirect;
				}
				*up = 0;
				snprintf(target, PATH_MAX_GUEST, "%s%s%s%s", nd->path,
					 rest ? "/" : "", rest ? rest : "", slash ? "/" : "");
				if (strlen(target) + 1 > size) {
					ret = -ENAMETOOLONG;
					goto out;
				}
				strcpy(path, target);
				goto restart;
			}
			ret = lookup_child(vmm, nd, name);
			if (ret)
				goto out;
			if (append(nd->path, sizeof(nd->path), "/") ||
			    append(nd->path, sizeof(nd->path), name)) {
				ret = -ENAMETOOLONG;
				goto out;
			}
			if (!S_ISLNK(nd->entry->mode) || (last && !follow && !slash))
				continue;
			if (++links > PROC_LINK_MAX) {
				ret = -ELOOP;
				goto out;
			}
			n = link_target(vmm, nd, target, PATH_MAX_GUEST, &inside);
			if (n < 0) {
				ret = n;
				goto out;
			}
			if (nd->entry->id == PROC_FD_LINK && last && slash && !fd_is_dir(vmm, nd)) {
				ret = -ENOTDIR;	/* "fd/0/": the file is no directory */
				goto out;
			}
			if (!inside && nd->entry->id == PROC_FD_LINK && target[0] != '/') {
				/* a pipe, a socket, a memfd: the open file itself */
				if (!last) {
					ret = -ENOTDIR;
					goto out;
				}
				ret = 0;
				goto out;
			}
			if (inside) {
				memmove(target + 6, target, strlen(target) + 1);
				memcpy(target, "/proc/", 6);
			}
			if (rest && ((target[strlen(target) - 1] != '/' &&
				      append(target, PATH_MAX_GUEST, "/")) ||
				     append(target, PATH_MAX_GUEST, rest))) {
				ret = -ENAMETOOLONG;
				goto out;
			}
			if (slash && target[strlen(target) - 1] != '/' &&
			    append(target, PATH_MAX_GUEST, "/")) {
				ret = -ENAMETOOLONG;
				goto out;
			}
			if (strlen(target) + 1 > size) {
				ret = -ENAMETOOLONG;
				goto out;
			}
			strcpy(path, target);
			/* self, or a magic link back into /proc (/proc/self/root/proc) */
			if (inside || is_proc_path(path))
				goto restart;
			ret = 1;
			goto out;
redirect:
			if (strlen(target) + 1 > size) {
				ret = -ENAMETOOLONG;
				goto out;
			}
			strcpy(path, target);
			ret = 1;
			goto out;
		}
		ret = slash && !S_ISDIR(nd->entry->mode) ? -ENOTDIR : 0;
	}
out:
	free(work);
	free(target);
	return ret;
}

/* ---- the files of a pid ---- */

static const char *task_state(const struct process *p)
{
	switch (p->state) {
	case P_SLEEPING:
		return "S (sleeping)";
	case P_VFORK:
		return "D (disk sleep)";	/* vfork's parent: TASK_UNINTERRUPTIBLE */
	case P_ZOMBIE:
		return "Z (zombie)";
	case P_STOPPED:
		return "T (stopped)";
	default:
		return "R (running)";
	}
}

static void sig_masks(const struct process *p, uint64_t *ign, uint64_t *cgt)
{
	int i;

	*ign = *cgt = 0;
	for (i = 1; i < NR_SIGNALS; i++) {
		if (p->sig.action[i].handler == (uint64_t)SIG_IGN)
			*ign |= 1ULL << (i - 1);
		else if (p->sig.action[i].handler != (uint64_t)SIG_DFL)
			*cgt |= 1ULL << (i - 1);
	}
}

/*
 * A line of the monitor's own status, for what is the host's to say (the
 * CPU's speculation state, the memory nodes): read once, it does not change.
 */
static char *host_status_line(const char *key)
{
	static struct { const char *key; char *line; } cache[8];
	char line[1024], *out = NULL;
	size_t n = strlen(key), i;
	FILE *f;

	for (i = 0; i < 8 && cache[i].key; i++)
		if (!strcmp(cache[i].key, key))
			return cache[i].line ? strdup(cache[i].line) : NULL;
	f = fopen("/proc/thread-self/status", "re");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			out = strdup(line);
			break;
		}
	fclose(f);
	if (i < 8) {
		cache[i].key = key;
		cache[i].line = out ? strdup(out) : NULL;
	}
	return out;
}

/* task_cap(): the monitor's capabilities are the program's */
static void caps(uint64_t c[3])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	syscall(SYS_capget, &h, d);
	c[0] = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	c[1] = d[0].permitted | (uint64_t)d[1].permitted << 32;
	c[2] = d[0].effective | (uint64_t)d[1].effective << 32;
}

static uint64_t cap_bounding(void)
{
	static uint64_t b;
	static bool known;
	int i;

	if (known)
		return b;
	known = true;
	for (i = 0; i < 64; i++)
		if (prctl(PR_CAPBSET_READ, i, 0, 0, 0) > 0)
			b |= 1ULL << i;
	return b;
}

/* fdt->max_fds: 64 entries, doubled as descriptors above them are used */
static int fd_table_size(const struct process *p)
{
	int fd, size = 64;

	for (fd = MAX_FDS - 1; fd >= 64; fd--)
		if (p->fds[fd])
			break;
	while (size <= fd && fd >= 64)
		size *= 2;
	return size;
}

/* proc_pid_status(): Linux's lines, in Linux's order */
static char *proc_status(struct vmm *vmm, struct process *p)
{
	char *mem = p->mm ? mm_show_status(p->mm) : strdup(""), *text = NULL;
	char *ssb = host_status_line("Speculation_Store_Bypass");
	char *sib = host_status_line("SpeculationIndirectBranch");
	char *mems = host_status_line("Mems_allowed");
	char *mems_list = host_status_line("Mems_allowed_list");
	char groups[512] = "", umask_text[8];
	gid_t gl[64];
	mode_t um = umask(0);
	uint64_t ign, cgt, c[3];
	int i, ng = getgroups(64, gl), pgrp = p->pgid, sid = p->sid;

	umask(um);
	snprintf(umask_text, sizeof(umask_text), "%04o\n", um);
	sig_masks(p, &ign, &cgt);
	caps(c);
	for (i = 0; i < ng; i++)
		snprintf(groups + strlen(groups), sizeof(groups) - strlen(groups), "%u ", gl[i]);
	if (mem && asprintf(&text,
		     "Name:\t%s\n%s%sState:\t%s\nTgid:\t%d\nNgid:\t0\n"
		     "Pid:\t%d\nPPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\n"
		     "Gid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\nGroups:\t%s\nNStgid:\t%d\nNSpid:\t%d\n"
		     "NSpgid:\t%d\nNSsid:\t%d\nKthread:\t0\n%s%s"
		     "Threads:\t%d\nSigQ:\t%d/%" PRIu64 "\n"
		     "SigPnd:\t%016" PRIx64 "\nShdPnd:\t%016" PRIx64 "\nSigBlk:\t%016" PRIx64 "\n"
		     "SigIgn:\t%016" PRIx64 "\nSigCgt:\t%016" PRIx64 "\n"
		     "CapInh:\t%016" PRIx64 "\nCapPrm:\t%016" PRIx64 "\nCapEff:\t%016" PRIx64 "\n"
		     "CapBnd:\t%016" PRIx64 "\nCapAmb:\t%016" PRIx64 "\n"
		     "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n%s%s"
		     "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n%s%s"
		     "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n",
		     /* the Umask line is the fs_struct's: a zombie has none */
		     p->comm, p->mm ? "Umask:\t" : "", p->mm ? umask_text : "", task_state(p),
		     p->tgid, p->pid, p->group_leader->ppid, getuid(), geteuid(), geteuid(), geteuid(), getgid(), getegid(), getegid(), getegid(), fd_table_size(p),
		     groups, p->tgid, p->pid, pgrp, sid, mem,
		     /* a zombie has no mm: none of the mm's lines */
		     p->mm ? "CoreDumping:\t0\nTHP_enabled:\t1\nuntag_mask:\t0xffffffffffffffff\n" : "",
		     p->group_leader->nr_threads, p->sig.nr_queued,
		     p->rlim[RLIMIT_SIGPENDING][0], p->sig.pending,
		     p->group_leader->sig.shared_pending,
		     p->sig.blocked, ign, cgt, c[0], c[1], c[2], cap_bounding(), (uint64_t)0,
		     ssb ? ssb : "", sib ? sib : "", mems ? mems : "",
		     mems_list ? mems_list : "") < 0)
		text = NULL;
	free(mem);
	free(ssb);
	free(sib);
	free(mems);
	free(mems_list);
	return text;
}

static uint64_t mm_rss(struct mm_struct *mm)
{
	uint64_t shared, text, data, resident;

	mm_task_statm(mm, &shared, &text, &data, &resident);
	return resident;
}

/*
 * do_task_stat(): the 52 fields.  utime and stime are 0: the monitor
 * does not account time per process (the vCPU's time is /proc/stat's);
 * minflt and majflt are the MMU's fault counts (swap-ins are major).
 */
static char *proc_stat(struct vmm *vmm, struct process *p)
{
	struct mm_struct *mm = p->mm;
	uint64_t ign, cgt, minflt = 0, majflt = 0, rlim_rss = p->rlim[RLIMIT_RSS][0];
	char state = task_state(p)[0], *text;
	int i;

	sig_masks(p, &ign, &cgt);
	if (mm) {
		for (i = 0; i < FAULT_SEGV_MAPERR; i++)
			minflt += mm->stats.faults[i];
		majflt = mm->stats.faults[FAULT_SWAP_IN];
		minflt -= majflt + mm->stats.faults[FAULT_SPURIOUS];
	}
	if (asprintf(&text,
		     "%d (%s) %c %d %d %d 0 -1 0 %" PRIu64 " 0 %" PRIu64 " 0 0 0 0 0 20 0 %d 0 %" PRIu64
		     " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		     " 0 0 %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %d 0 0 %d 0 0 0 0 0 0"
		     " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		     " %" PRIu64 " %d\n",
		     p->pid, p->comm, state, p->group_leader->ppid, p->pgid, p->sid, minflt, majflt,
		     /* num_threads: a zombie process has none left */
		     p->group_leader->nr_threads ? p->group_leader->nr_threads : 1,
		     (uint64_t)(p->start_time / NS_PER_TICK),
		     mm ? (uint64_t)(mm->total_vm << PAGE_SHIFT) : 0,
		     mm ? mm_rss(mm) : 0, rlim_rss, mm ? mm->start_code : 0, mm ? mm->end_code : 0,
		     mm ? mm->start_stack : 0,
		     p->sig.pending | p->group_leader->sig.shared_pending, p->sig.blocked, ign, cgt,
		     p->state == P_RUNNING ? 0 : 1, p->exit_signal,
		     mm ? mm->start_data : 0, mm ? mm->end_data : 0, mm ? mm->start_brk : 0,
		     mm ? p->arg_start : 0, mm ? p->arg_end : 0, mm ? p->env_start : 0,
		     mm ? p->env_end : 0, p->state == P_ZOMBIE ? p->wait_status : 0) < 0)
		return NULL;
	return text;
}

/* task_statm() */
static char *proc_statm(struct process *p)
{
	uint64_t size, shared, text, data, resident;

	if (!p->mm)
		return strdup("0 0 0 0 0 0 0\n");
	size = mm_task_statm(p->mm, &shared, &text, &data, &resident);
	return printf_text("%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " 0 %" PRIu64 " 0\n",
			   size, resident, shared, text, data);
}

/*
 * get_mm_cmdline() and environ_read(): the strings exec left on the stack,
 * read from the process's memory as they are now.  If the program wrote
 * over the NUL that ended its arguments (setproctitle), the text runs on
 * to the next NUL.
 */
static char *proc_strings(struct process *p, bool env, size_t *len)
{
	uint64_t start = env ? p->env_start : p->arg_start;
	uint64_t end = env ? p->env_end : p->arg_end;
	char *buf;
	size_t n;

	*len = 0;
	if (!p->mm || end <= start || end - start > (32UL << 20))
		return strdup("");
	if (!env && end < p->env_end)
		end = p->env_end;	/* room for a setproctitle() string */
	buf = malloc(end - start + 1);
	if (!buf)
		return NULL;
	n = (end - start) - mm_copy_from_user(p->mm, buf, start, end - start);
	if (!env) {
		size_t args = p->arg_end - start;

		if (n > args)
			n = args && buf[args - 1] ? strnlen(buf, n) : args;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

/* /proc/PID/mounts: the guest's one file system, its root, as Linux lists it */
static char *proc_mounts(struct vmm *vmm)
{
	static const struct { long magic; const char *name; } fs[] = {
		{ 0xEF53, "ext4" }, { 0x01021994, "tmpfs" }, { 0x794c7630, "overlay" },
		{ 0x58465342, "xfs" }, { 0x9123683E, "btrfs" }, { 0x2fc12fc1, "zfs" },
		{ 0x65735546, "fuse" }, { 0x6969, "nfs" }, { 0x858458f6, "ramfs" },
	};
	const char *type = "rootfs";
	struct statfs sf;
	char *out;
	size_t i;

	if (!fstatfs(vmm->root_fd, &sf))
		for (i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
			if (sf.f_type == fs[i].magic)
				type = fs[i].name;
	if (asprintf(&out, "/dev/root / %s rw,relatime 0 0\n"
			   "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n", type) < 0)
		return NULL;
	return out;
}

/* ---- the files of /proc ---- */

static uint64_t boottime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t boottime_ns(void)
{
	return boottime();
}

/*
 * The one vCPU's time: user and system are the monitor's (getrusage), idle
 * the rest of the time since the first process started.  The clocks are
 * the host's, so the boot is the host's too (btime, uptime).
 */
static void cpu_ticks(struct vmm *vmm, uint64_t *user, uint64_t *sys, uint64_t *idle)
{
	struct rusage ru;
	uint64_t up = (boottime() - vmm->init->start_time) / NS_PER_TICK;

	getrusage(RUSAGE_SELF, &ru);
	*user = ((uint64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec) / 10000;
	*sys = ((uint64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec) / 10000;
	*idle = up > *user + *sys ? up - *user - *sys : 0;
}

static int nr_running(struct vmm *vmm, int *total)
{
	struct process *p;
	int n = 0;

	*total = 0;
	for (p = vmm->procs; p; p = p->next) {
		if (p->state == P_ZOMBIE)
			continue;
		++*total;
		n += p->state == P_RUNNING;
	}
	return n;
}

/* show_stat() */
static char *proc_sys_stat(struct vmm *vmm)
{
	uint64_t user, sys, idle, now = boottime();
	struct timespec rt;
	int total, running = nr_running(vmm, &total);
	char *out;

	cpu_ticks(vmm, &user, &sys, &idle);
	clock_gettime(CLOCK_REALTIME, &rt);
	if (asprintf(&out,
		     "cpu  %" PRIu64 " 0 %" PRIu64 " %" PRIu64 " 0 0 0 0 0 0\n"
		     "cpu0 %" PRIu64 " 0 %" PRIu64 " %" PRIu64 " 0 0 0 0 0 0\n"
		     "intr 0\nctxt 0\nbtime %" PRIu64 "\nprocesses %d\nprocs_running %d\n"
		     "procs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
		     user, sys, idle, user, sys, idle,
		     (uint64_t)(rt.tv_sec - (time_t)(now / 1000000000ULL)),
		     vmm->next_pid - vmm->init->pid, running) < 0)
		return NULL;
	(void)total;
	return out;
}

static char *proc_uptime(struct vmm *vmm)
{
	uint64_t user, sys, idle, up = boottime() / 10000000ULL;
	char *out;

	cpu_ticks(vmm, &user, &sys, &idle);
	if (asprintf(&out, "%" PRIu64 ".%02" PRIu64 " %" PRIu64 ".%02" PRIu64 "\n",
		     up / 100, up % 100, idle / 100, idle % 100) < 0)
		return NULL;
	return out;
}

/* the load averages are not sampled: 0.00; the counts are the guest's */
static char *proc_loadavg(struct vmm *vmm)
{
	int total, running = nr_running(vmm, &total);
	char *out;

	if (asprintf(&out, "0.00 0.00 0.00 %d/%d %d\n", running, total, vmm->next_pid - 1) < 0)
		return NULL;
	return out;
}

static char *proc_version(void)
{
	struct utsname u;
	char *out;

	if (uname(&u) || asprintf(&out, "%s version %s (vmm) %s\n", u.sysname, u.release,
				  u.version) < 0)
		return NULL;
	return out;
}

/* the vCPU: the host's CPUID, one processor */
static char *proc_cpuinfo(void)
{
	static const struct { int leaf, reg, bit; const char *name; } flags[] = {
		{ 1, 3, 0, "fpu" }, { 1, 3, 4, "tsc" }, { 1, 3, 5, "msr" }, { 1, 3, 6, "pae" },
		{ 1, 3, 8, "cx8" }, { 1, 3, 11, "sep" }, { 1, 3, 13, "pge" }, { 1, 3, 15, "cmov" },
		{ 1, 3, 16, "pat" }, { 1, 3, 19, "clflush" }, { 1, 3, 23, "mmx" },
		{ 1, 3, 24, "fxsr" }, { 1, 3, 25, "sse" }, { 1, 3, 26, "sse2" },
		{ 1, 2, 0, "pni" }, { 1, 2, 1, "pclmulqdq" }, { 1, 2, 9, "ssse3" },
		{ 1, 2, 12, "fma" }, { 1, 2, 13, "cx16" }, { 1, 2, 19, "sse4_1" },
		{ 1, 2, 20, "sse4_2" }, { 1, 2, 22, "movbe" }, { 1, 2, 23, "popcnt" },
		{ 1, 2, 25, "aes" }, { 1, 2, 26, "xsave" }, { 1, 2, 28, "avx" },
		{ 1, 2, 29, "f16c" }, { 1, 2, 30, "rdrand" }, { 7, 1, 0, "fsgsbase" },
		{ 7, 1, 3, "bmi1" }, { 7, 1, 5, "avx2" }, { 7, 1, 8, "bmi2" }, { 7, 1, 9, "erms" },
		{ 7, 1, 16, "avx512f" }, { 7, 1, 18, "rdseed" }, { 7, 1, 19, "adx" },
		{ 7, 1, 29, "sha_ni" }, { 7, 2, 3, "pku" },
	};
	unsigned int r[8][4] = { { 0 } }, a = 0, b = 0, c = 0, d = 0;
	char vendor[13], model[49] = "", fl[1024] = "", *out;
	size_t i;

	__get_cpuid(0, &a, &b, &c, &d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = 0;
	__get_cpuid(1, &r[1][0], &r[1][1], &r[1][2], &r[1][3]);
	__get_cpuid_count(7, 0, &r[7][0], &r[7][1], &r[7][2], &r[7][3]);
	for (i = 0; i < 3; i++)
		__get_cpuid(0x80000002 + i, (unsigned int *)(model + 16 * i),
			    (unsigned int *)(model + 16 * i + 4), (unsigned int *)(model + 16 * i + 8),
			    (unsigned int *)(model + 16 * i + 12));
	model[48] = 0;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (r[flags[i].leaf][flags[i].reg] & (1u << flags[i].bit))
			snprintf(fl + strlen(fl), sizeof(fl) - strlen(fl), "%s%s", *fl ? " " : "",
				 flags[i].name);
	a = r[1][0];
	if (asprintf(&out,
		     "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
		     "model name\t: %s\nstepping\t: %u\nphysical id\t: 0\nsiblings\t: 1\n"
		     "core id\t\t: 0\ncpu cores\t: 1\napicid\t\t: 0\nfpu\t\t: yes\n"
		     "fpu_exception\t: yes\nwp\t\t: yes\nflags\t\t: %s\nclflush size\t: 64\n"
		     "cache_alignment\t: 64\naddress sizes\t: 48 bits physical, 48 bits virtual\n\n",
		     vendor, ((a >> 8) & 0xf) + ((a >> 20) & 0xff),
		     ((a >> 4) & 0xf) | (((a >> 16) & 0xf) << 4), model + strspn(model, " "),
		     a & 0xf, fl) < 0)
		return NULL;
	return out;
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

	/* the faults other vCPUs served without the lock, which this one holds */
	shared_fault_stats_fold_all(vmm);
	for (i = 0; i < NR_EXIT_REASONS; i++)
		exits += vmm->stats.exits[i];
	if (asprintf(&text,
		     "exits %" PRIu64 "\nsyscalls %" PRIu64 "\nfaults %" PRIu64 "\n"
		     "hypercalls %" PRIu64 "\ncommit_chunks %" PRIu64 "\n"
		     "allocs %" PRIu64 "\npgprefault %" PRIu64 "\nthp_fault_alloc %" PRIu64 "\n"
		     "thp_fault_fallback %" PRIu64 "\nthp_split_pmd %" PRIu64 "\n"
		     "prezero_hits %" PRIu64 "\nprezero_misses %" PRIu64 "\n"
		     "shootdowns %" PRIu64 "\nshootdown_kicks %" PRIu64 "\n"
		     "kick_retries %" PRIu64 "\nreclaim_stops %" PRIu64 "\nvcpus %d\n"
		     "lock_takes %" PRIu64 "\nlock_contended %" PRIu64 "\n"
		     "lock_hold_cycles %" PRIu64 "\nlock_wait_cycles %" PRIu64 "\n"
		     "shared_faults %" PRIu64 "\n",
		     exits, vmm->stats.syscalls, vmm->stats.exceptions[14],
		     vmm->stats.hypercalls, vmm->stats.commit_chunks, zs->allocs,
		     zs->pgprefault, zs->thp_fault_alloc, zs->thp_fault_fallback,
		     zs->thp_split_pmd, zs->prezero_hits, zs->prezero_misses,
		     vmm->stats.shootdowns, vmm->stats.shootdown_kicks,
		     vmm->stats.kick_retries, vmm->stats.reclaim_stops,
		     vmm->nr_vcpus, vmm->stats.lock_takes, vmm->stats.lock_contended,
		     vmm->stats.lock_hold_cycles, vmm->stats.lock_wait_cycles,
		     vmm->stats.shared_faults) < 0)
		return NULL;
	return text;
}

static char *printf_text(const char *fmt, ...)
{
	va_list ap;
	char *out;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&out, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : out;
}

/* the text of a file of process @p */
static char *pid_text(struct vmm *vmm, int id, struct process *p, size_t *len)
{
	*len = (size_t)-1;
	switch (id) {
	case PROC_MAPS:
		return p->mm ? mm_show_maps(p->mm) : strdup("");
	case PROC_SMAPS:
		return p->mm ? mm_show_smaps(p->mm) : strdup("");
	case PROC_SMAPS_ROLLUP:
		return p->mm ? mm_show_smaps_rollup(p->mm) : strdup("");
	case PROC_STATUS:
		return proc_status(vmm, p);
	case PROC_STAT:
		return proc_stat(vmm, p);
	case PROC_STATM:
		return proc_statm(p);
	case PROC_CMDLINE:
		return proc_strings(p, false, len);
	case PROC_ENVIRON:
		return proc_strings(p, true, len);
	case PROC_COMM:
		return printf_text("%s\n", p->comm);
	case PROC_MOUNTS:
		return proc_mounts(vmm);
	case PROC_OOM_SCORE_ADJ:
		return printf_text("%d\n", p->oom_score_adj);
	}
	return NULL;
}

static char *sys_text(struct vmm *vmm, int id)
{
	struct utsname u;

	switch (id) {
	case PROC_MEMINFO:
		/* the guest's memory, not the host's: MemTotal is --mem */
		return zone_show_meminfo(vmm->zone);
	case PROC_MMAP_MIN_ADDR:
		return printf_text("%" PRIu64 "\n", vmm->zone->dac_mmap_min_addr);
	case PROC_MAX_MAP_COUNT:
		return printf_text("%" PRIu64 "\n", vmm->zone->max_map_count);
	case PROC_OVERCOMMIT:
		return printf_text("%d\n", vmm->zone->overcommit_memory);
	case PROC_VMM_STATS:
		return proc_vmm_stats(vmm);
	case PROC_SYS_STAT:
		return proc_sys_stat(vmm);
	case PROC_UPTIME:
		return proc_uptime(vmm);
	case PROC_LOADAVG:
		return proc_loadavg(vmm);
	case PROC_VERSION:
		return proc_version();
	case PROC_CPUINFO:
		return proc_cpuinfo();
	case PROC_FILESYSTEMS:
		return strdup("nodev\tproc\n\text4\n");
	case PROC_PID_MAX:
		/* the pids the monitor hands out are ints counting up from its own */
		return printf_text("%d\n", 4194304);
	case PROC_OSTYPE:
		return strdup("Linux\n");
	case PROC_OSRELEASE:
		return uname(&u) ? NULL : printf_text("%s\n", u.release);
	case PROC_HOSTNAME:
		return uname(&u) ? NULL : printf_text("%s\n", u.nodename);
	}
	return NULL;
}

int proc_generate(struct vmm *vmm, struct vfile *vf)
{
	struct proc_node *nd = vf->priv;
	struct process *p = NULL;
	size_t len = (size_t)-1;
	char *text;

	if (nd && nd->pid) {
		p = node_task(vmm, nd);
		if (!p)
			return -ESRCH;
		text = pid_text(vmm, vf->proc_id, p, &len);
	} else {
		text = sys_text(vmm, vf->proc_id);
	}
	if (!text)
		return -ENOMEM;
	free(vf->text);
	vf->text = text;
	vf->text_len = len == (size_t)-1 ? strlen(text) : len;
	return 0;
}

/* ---- open files ---- */

/* like seq_file: a read from the start sees the current state */
static ssize_t proc_read(struct vmm *vmm, struct vfile *vf, void *buf, size_t n, off_t pos)
{
	uint64_t p = pos < 0 ? vf->pos : (uint64_t)pos;
	size_t got;
	int err;

	if (p == 0) {
		err = proc_generate(vmm, vf);
		if (err)
			return err;
	}
	if (!vf->text || p >= vf->text_len)
		return 0;
	got = vf->text_len - p < n ? vf->text_len - p : n;
	memcpy(buf, vf->text + p, got);
	if (pos < 0)
		vf->pos += got;
	return got;
}

/* ino: a hash of the canonical path, stable between stat and getdents */
static uint64_t proc_ino(const char *path)
{
	uint64_t h = 5381;

	while (*path)
		h = h * 33 + (unsigned char)*path++;
	return (h & 0xffffffffULL) | 0x100000000ULL;
}

static void node_stat(struct vmm *vmm, const struct proc_node *nd, struct stat *st)
{
	struct timespec now;

	memset(st, 0, sizeof(*st));
	st->st_dev = PROC_DEV;
	st->st_ino = nd->entry->id == PROC_ROOT_DIR ? 1 : proc_ino(nd->path);
	st->st_mode = nd->entry->mode;
	st->st_nlink = S_ISDIR(st->st_mode) ? 2 : 1;
	st->st_uid = getuid();
	st->st_gid = getgid();
	st->st_blksize = 1024;
	clock_gettime(CLOCK_REALTIME, &now);
	st->st_atim = st->st_mtim = st->st_ctim = now;
	if (nd->entry->id == PROC_FD_LINK) {
		/* tid_fd_update_inode(): the link's rights are the open file's f_mode */
		struct process *p = node_task(vmm, nd);
		struct vfile *vf = p && nd->fd >= 0 ? p->fds[nd->fd] : NULL;

		st->st_mode = S_IFLNK;
		if (vf && vfile_readable(vf))
			st->st_mode |= S_IRUSR | S_IXUSR;
		if (vf && vfile_writable(vf))
			st->st_mode |= S_IWUSR | S_IXUSR;
		st->st_size = 64;
	}
}

static int proc_stat_op(struct vmm *vmm, struct vfile *vf, struct stat *st)
{
	struct proc_node *nd = vf->priv;

	if (nd) {
		node_stat(vmm, nd, st);
		return 0;
	}
	stat_synth(vf, st);
	st->st_mode = S_IFREG | 0444;
	st->st_blksize = 1024;
	st->st_dev = PROC_DEV;
	return 0;
}

static void proc_release(struct vfile *vf)
{
	free(vf->priv);
	vf->priv = NULL;
}

/* comm_write(), oom_score_adj_write(): the two files a process may write */
static ssize_t proc_write(struct vmm *vmm, struct vfile *vf, const void *buf, size_t n,
			  off_t pos)
{
	struct proc_node *nd = vf->priv;
	struct process *p = nd ? node_task(vmm, nd) : NULL;
	char text[16] = "", *end;
	long v;

	(void)pos;
	if (!nd || (vf->proc_id != PROC_COMM && vf->proc_id != PROC_OOM_SCORE_ADJ))
		return -EINVAL;	/* no write op */
	if (!p)
		return -ESRCH;
	memcpy(text, buf, n < sizeof(text) - 1 ? n : sizeof(text) - 1);
	if (vf->proc_id == PROC_COMM) {
		if (p != vmm->cur)
			return -EINVAL;	/* only the thread group's own */
		memset(p->comm, 0, sizeof(p->comm));
		memcpy(p->comm, text, sizeof(p->comm) - 1);
		return (ssize_t)n;
	}
	if (n > 12)
		text[12] = 0;	/* PROC_NUMBUF */
	v = strtol(text, &end, 10);
	while (*end == '\n' || *end == ' ' || *end == '\t')
		end++;
	if (end == text || *end || v < -1000 || v > 1000)
		return -EINVAL;
	p->oom_score_adj = (int)v;
	return (ssize_t)n;
}

const struct vfile_ops proc_ops = {
	.kind		= VF_PROC,
	.read		= proc_read,
	.write		= proc_write,
	.stat		= proc_stat_op,
	.release	= proc_release,
};

/*
 * pagemap_read(): 8 bytes per page at offset vpn * 8, whole entries only;
 * the frame numbers (guest frames) only for a reader with CAP_SYS_ADMIN,
 * which here is the monitor's (file_ns_capable() at open: vf->flags bit).
 */
#define PAGEMAP_SHOW_PFN	0x40000000	/* in vf->priv's node: nd->fd */

static ssize_t pagemap_read(struct vmm *vmm, struct vfile *vf, void *buf, size_t n,
			    off_t pos)
{
	struct proc_node *nd = vf->priv;
	uint64_t p = pos < 0 ? vf->pos : (uint64_t)pos, vpn = p / 8;
	uint64_t end = TASK_SIZE >> PAGE_SHIFT;
	struct process *task = node_task(vmm, nd);
	size_t count;

	if (!task)
		return -ESRCH;
	if (!task->mm)
		return 0;
	if ((p % 8) || (n % 8))
		return -EINVAL;
	if (vpn >= end)
		return 0;
	count = n / 8;
	if (count > end - vpn)
		count = end - vpn;
	mm_pagemap(task->mm, vpn << PAGE_SHIFT, buf, count, nd->fd == PAGEMAP_SHOW_PFN);
	if (pos < 0)
		vf->pos += count * 8;
	return (ssize_t)(count * 8);
}

static const struct vfile_ops pagemap_ops = {
	.kind		= VF_PROC,
	.read		= pagemap_read,
	.stat		= proc_stat_op,
	.release	= proc_release,
};

/* ---- directories ---- */

#define POS_PIDS	0x10000		/* /proc: pos - POS_PIDS is the next pid */

static unsigned int dtype(mode_t mode)
{
	return S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK : DT_REG;
}

static bool emit_entry(struct dir_context *ctx, const struct proc_node *dir, const char *name,
		       mode_t mode)
{
	char path[PATH_MAX_GUEST + 256];

	snprintf(path, sizeof(path), "%s/%s", dir->path, name);
	return ctx->emit(ctx, name, strlen(name), proc_ino(path), dtype(mode));
}

/* the static names from position 2 on: true when all are out */
static bool emit_static(struct dir_context *ctx, struct vfile *vf, const struct proc_entry *e,
			uint64_t base)
{
	const struct proc_node *nd = vf->priv;
	uint64_t i, n = 0;

	while (e && e[n].name)
		n++;
	if (vf->pos - base >= n)	/* an lseek past them */
		return true;
	for (i = vf->pos - base; e[i].name; i++, vf->pos++)
		if (!emit_entry(ctx, nd, e[i].name, e[i].mode))
			return false;
	return true;
}

static int proc_iterate(struct vmm *vmm, struct vfile *vf, struct dir_context *ctx)
{
	const struct proc_node *nd = vf->priv;
	struct process *p = node_task(vmm, nd);
	char name[16];
	int nroot = sizeof(root_entries) / sizeof(root_entries[0]) - 1;
	int fd;

	if (nd->pid && !p)
		return -ENOENT;
	if (vf->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, nd->entry->id == PROC_ROOT_DIR ? 1 : proc_ino(nd->path),
			       DT_DIR))
			return 0;
		vf->pos++;
	}
	if (vf->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, 1, DT_DIR))
			return 0;
		vf->pos++;
	}
	switch (nd->entry->id) {
	case PROC_ROOT_DIR:
		if (vf->pos < 2 + (uint64_t)nroot && !emit_static(ctx, vf, root_entries, 2))
			return 0;
		if (vf->pos < 2 + (uint64_t)nroot + 2 &&
		    !emit_static(ctx, vf, self_entries, 2 + nroot))
			return 0;
		if (vf->pos < POS_PIDS)
			vf->pos = POS_PIDS;
		for (p = vmm->procs; p; p = p->next) {
			/* processes: a thread's directory is under its leader's task/ */
			if (p != p->group_leader || (uint64_t)p->pid < vf->pos - POS_PIDS)
				continue;
			snprintf(name, sizeof(name), "%d", p->pid);
			vf->pos = POS_PIDS + p->pid;
			if (!emit_entry(ctx, nd, name, S_IFDIR))
				return 0;
		}
		vf->pos = UINT32_MAX;
		return 0;
	case PROC_PID_DIR:
		emit_static(ctx, vf, pid_entries, 2);
		return 0;
	case PROC_STATIC_DIR:
		emit_static(ctx, vf, nd->entry->sub, 2);
		return 0;
	case PROC_TASK_DIR: {
		struct process *t;
		uint64_t k = 2;

		/* the leader, then its live threads, in creation order */
		for (t = vmm->procs; t; t = t->next) {
			if (t->tgid != p->tgid || (t != p && t->exited))
				continue;
			if (k++ < vf->pos)
				continue;
			snprintf(name, sizeof(name), "%d", t->pid);
			if (!emit_entry(ctx, nd, name, S_IFDIR))
				return 0;
			vf->pos++;
		}
		return 0;
	}
	case PROC_FD_DIR:
		if (vf->pos - 2 >= MAX_FDS)
			return 0;
		for (fd = (int)vf->pos - 2; fd < MAX_FDS; fd++, vf->pos++) {
			if (!p->fds[fd])
				continue;
			snprintf(name, sizeof(name), "%d", fd);
			if (!emit_entry(ctx, nd, name, S_IFLNK))
				return 0;
		}
		return 0;
	}
	return -ENOTDIR;
}

static ssize_t proc_dir_read(struct vmm *vmm, struct vfile *vf, void *buf, size_t n, off_t pos)
{
	(void)vmm, (void)vf, (void)buf, (void)n, (void)pos;
	return -EISDIR;
}

/* generic_file_llseek() within proc's s_maxbytes (MAX_NON_LFS) */
static int64_t proc_dir_llseek(struct vmm *vmm, struct vfile *vf, int64_t off, int whence)
{
	int64_t base;

	(void)vmm;
	switch (whence) {
	case SEEK_SET:
	case SEEK_END:		/* i_size is 0 */
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)vf->pos;
		break;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, off, &base) || base < 0 || base > INT32_MAX)
		return -EINVAL;
	vf->pos = (uint64_t)base;
	return base;
}

const struct vfile_ops proc_dir_ops = {
	.kind		= VF_PROC,
	.llseek		= proc_dir_llseek,
	.read		= proc_dir_read,
	.stat		= proc_stat_op,
	.release	= proc_release,
	.iterate	= proc_iterate,
};

/* ---- the hooks ---- */

/* a new open file description of what /proc/PID/fd/N is (proc_fd_link then open) */
static long reopen_fd(struct vmm *vmm, const struct proc_node *nd, int flags)
{
	struct process *p = node_task(vmm, nd);
	struct vfile *vf, *old;
	char link[64];
	int hfd;

	if (!p || !p->fds[nd->fd])
		return -ENOENT;
	old = p->fds[nd->fd];
	if (old->kind == VF_PIPE)
		return pipe_reopen(vmm, old, flags);
	if (old->kind != VF_STDIO && old->kind != VF_HOST)
		return -ENXIO;	/* a memfd: no second open description yet */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", old->host_fd);
	hfd = open(link, (flags & (O_ACCMODE | O_TRUNC | O_APPEND)) | O_CLOEXEC | O_NOCTTY);
	if (hfd < 0)
		return -errno;
	vf = vfile_new(old->ops, hfd, flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC));
	if (!vf) {
		close(hfd);
		return -ENOMEM;
	}
	if (old->path)
		vf->path = strdup(old->path);
	if (old->file)
		vf->file = ftab_open(vmm, hfd, vf->path ? vf->path : link, open_fmode(flags));
	if (old->kind == VF_HOST && !vf->file)
		vf->ops = &hostfs_nocache_ops;
	return fd_install_new(vmm, vf);
}

static long open_node(struct vmm *vmm, const struct proc_node *nd, int flags)
{
	const struct proc_entry *e = nd->entry;
	struct proc_node *copy;
	struct vfile *vf;
	long err;

	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;	/* nothing is created in /proc: what is there exists */
	if (e->id == PROC_FD_LINK)
		return reopen_fd(vmm, nd, flags);
	if (S_ISDIR(e->mode) && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if (!S_ISDIR(e->mode) && (flags & O_DIRECTORY))
		return -ENOTDIR;
	if (S_ISLNK(e->mode))
		return (flags & O_PATH) ? -EOPNOTSUPP : -ELOOP;	/* O_NOFOLLOW */
	/* 0444 keeps all but root out (CAP_DAC_OVERRIDE); its writes are EINVAL */
	if ((flags & O_ACCMODE) != O_RDONLY && geteuid() && !(e->mode & S_IWUSR))
		return -EACCES;
	copy = malloc(sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	*copy = *nd;
	if (e->id == PROC_PAGEMAP)
		copy->fd = geteuid() == 0 ? PAGEMAP_SHOW_PFN : 0;
	vf = vfile_new(S_ISDIR(e->mode) ? &proc_dir_ops :
		       e->id == PROC_PAGEMAP ? &pagemap_ops : &proc_ops, -1, flags);
	if (!vf) {
		free(copy);
		return -ENOMEM;
	}
	vf->priv = copy;
	vf->proc_id = e->id;
	vf->path = strdup(nd->path);
	if (S_ISREG(e->mode) && e->id != PROC_PAGEMAP) {
		err = proc_generate(vmm, vf);
		if (err) {
			vfile_put(vf);
			return err;
		}
	}
	return fd_install_new(vmm, vf);
}

bool procfs_open(struct vmm *vmm, char *path, size_t size, int flags, long *ret)
{
	struct proc_node *nd;
	int err;

	if (!is_proc_path(path))
		return false;
	nd = malloc(sizeof(*nd));
	if (!nd) {
		*ret = -ENOMEM;
		return true;
	}
	err = proc_walk(vmm, path, size, !(flags & O_NOFOLLOW), nd);
	if (err == 1) {
		free(nd);
		return false;
	}
	*ret = err ? err : open_node(vmm, nd, flags);
	free(nd);
	return true;
}

bool procfs_stat(struct vmm *vmm, char *path, size_t size, bool follow, struct stat *st,
		 long *ret)
{
	struct proc_node *nd;
	struct process *p;
	struct vfile *vf;
	int err;

	if (!is_proc_path(path))
		return false;
	nd = malloc(sizeof(*nd));
	if (!nd) {
		*ret = -ENOMEM;
		return true;
	}
	err = proc_walk(vmm, path, size, follow, nd);
	if (err == 1) {
		free(nd);
		return false;
	}
	*ret = err;
	if (!err && nd->entry->id == PROC_FD_LINK && follow) {
		/* the open file itself: a pipe, a memfd */
		p = node_task(vmm, nd);
		vf = p ? p->fds[nd->fd] : NULL;
		*ret = !vf ? -ENOENT : vf->ops->stat ? vf->ops->stat(vmm, vf, st) : -EINVAL;
	} else if (!err) {
		node_stat(vmm, nd, st);
	}
	free(nd);
	return true;
}

/*
 * readlink of a path in /proc: the link's target in @buf (not terminated,
 * at most @len bytes) and *@ret its length, -EINVAL for a file that is no
 * link, or the walk's errno.  False as the other hooks: @path is not in
 * /proc, or leads out of it through a magic link (/proc/self/root/x),
 * whose target now is @path.
 */
bool procfs_readlinkat(struct vmm *vmm, char *path, size_t size, char *buf, size_t len,
		       long *ret)
{
	struct proc_node *nd;
	char *target;
	bool inside;
	long n;

	if (!is_proc_path(path))
		return false;
	nd = malloc(sizeof(*nd));
	target = malloc(PATH_MAX_GUEST);
	if (!nd || !target) {
		n = -ENOMEM;
		goto out;
	}
	n = proc_walk(vmm, path, size, false, nd);
	if (n == 1) {
		free(nd);
		free(target);
		return false;
	}
	if (n)
		goto out;
	if (!S_ISLNK(nd->entry->mode)) {
		n = -EINVAL;
		goto out;
	}
	n = link_target(vmm, nd, target, PATH_MAX_GUEST, &inside);
	if (n < 0)
		goto out;
	if ((size_t)n > len)
		n = len;
	memcpy(buf, target, n);
out:
	free(nd);
	free(target);
	*ret = n;
	return true;
}

/* the same for a caller without a path to rewrite: -ENOENT if not /proc's */
long procfs_readlink(struct vmm *vmm, const char *path, char *buf, size_t len)
{
	char *work = malloc(PATH_MAX_GUEST);
	long n = -ENOENT;

	if (!work)
		return -ENOMEM;
	snprintf(work, PATH_MAX_GUEST, "%s", path);
	if (!procfs_readlinkat(vmm, work, PATH_MAX_GUEST, buf, len, &n))
		n = -ENOENT;
	free(work);
	return n;
}

/*
 * execve of a path in /proc: the file a magic link leads to
 * (/proc/self/exe) in @out, and 1; 0 for a path not in /proc; -EACCES for
 * /proc's own files (no file here is executable), or the walk's errno.
 */
int procfs_exec_target(struct vmm *vmm, const char *path, char *out, size_t size)
{
	struct proc_node *nd;
	int ret;

	if (!is_proc_path(path))
		return 0;
	nd = malloc(sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	snprintf(out, size, "%s", path);
	ret = proc_walk(vmm, out, size, true, nd);
	free(nd);
	if (ret == 1)
		return 1;
	return ret ? ret : -EACCES;
}
