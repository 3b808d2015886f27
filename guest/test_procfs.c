// SPDX-License-Identifier: GPL-2.0
/*
 * /proc, compared with Linux's: which files and links exist and what kind
 * they are, the field names of status, stat, statm, smaps and
 * smaps_rollup in order and the arithmetic between them, pagemap's bits
 * for a page before and after a touch, across fork and after munmap,
 * cmdline and environ against argv and environ, exe and fd/N against the
 * files, another process's files (a sleeping child, a zombie, a reaped
 * one).  Facts are printed, not numbers that differ between runs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE	4096UL
#define BUFSZ	(1 << 20)

extern char **environ;

static char buf[BUFSZ], buf2[BUFSZ], buf3[BUFSZ];

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

/* the whole file into @b (NUL-terminated); its length or -errno */
static long slurp(const char *path, char *b)
{
	long got = 0, n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, b + got, BUFSZ - 1 - got)) > 0)
		got += n;
	close(fd);
	if (n < 0)
		return -errno;
	b[got] = 0;
	return got;
}

/* "Key:\t  123 kB" in @text */
static long field(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, n) && p[n] == ':')
			return strtol(p + n + 1, NULL, 0);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* the keys of "Key: value" lines, one line */
static void print_keys(const char *what, const char *text)
{
	const char *p = text;

	printf("%s keys:", what);
	while (*p) {
		const char *colon = strchr(p, ':'), *nl = strchr(p, '\n');

		if (!nl)
			break;
		if (colon && colon < nl)
			printf(" %.*s", (int)(colon - p), p);
		p = nl + 1;
	}
	printf("\n");
}

static void kinds(void)
{
	struct stat st;
	char link[64], want[32];
	ssize_t n;
	int fd;

	stat("/proc", &st);
	printf("stat /proc: dir %s mode %o\n", yes(S_ISDIR(st.st_mode)), st.st_mode & 07777);
	printf("lstat /proc/self: link %s\n", yes(!lstat("/proc/self", &st) && S_ISLNK(st.st_mode)));
	printf("stat /proc/self: dir %s\n", yes(!stat("/proc/self", &st) && S_ISDIR(st.st_mode)));
	stat("/proc/self/maps", &st);
	printf("stat maps: reg %s mode %o\n", yes(S_ISREG(st.st_mode)), st.st_mode & 07777);
	printf("stat pagemap: mode %o\n", stat("/proc/self/pagemap", &st) ? 0 : st.st_mode & 07777);
	printf("lstat exe: link %s\n", yes(!lstat("/proc/self/exe", &st) && S_ISLNK(st.st_mode)));
	n = readlink("/proc/self", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof(want), "%d", getpid());
	printf("readlink /proc/self is the pid: %s\n", yes(!strcmp(link, want)));
	n = readlink("/proc/thread-self", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof(want), "%d/task/%d", getpid(), getpid());
	printf("readlink /proc/thread-self: %s\n", yes(!strcmp(link, want)));
	printf("readlink maps: %s\n", readlink("/proc/self/maps", link, sizeof(link)) < 0 ?
	       strerror(errno) : "ok");
	printf("open /proc/self/nothing: %s\n", open("/proc/self/nothing", O_RDONLY) < 0 ?
	       strerror(errno) : "ok");
	printf("open /proc/self/maps/x: %s\n", open("/proc/self/maps/x", O_RDONLY) < 0 ?
	       strerror(errno) : "ok");
	fd = open("/proc/self/maps", O_WRONLY);
	printf("open maps for writing (as root: allowed): %s\n", fd < 0 ? strerror(errno) : "ok");
	printf("write to maps: %s\n", write(fd, "x", 1) < 0 ? strerror(errno) : "ok");
	close(fd);
	printf("open /proc/999999999/status: %s\n", open("/proc/999999999/status", O_RDONLY) < 0 ?
	       strerror(errno) : "ok");
	printf("O_CREAT|O_EXCL comm: %s\n", open("/proc/self/comm", O_CREAT | O_EXCL | O_RDONLY,
	       0644) < 0 ? strerror(errno) : "ok");
	printf("O_CREAT a new file: %s\n", open("/proc/self/newfile", O_CREAT | O_WRONLY, 0644) < 0 ?
	       strerror(errno) : "ok");
	printf("access /proc/self/status R_OK: %s\n",
	       access("/proc/self/status", R_OK) ? strerror(errno) : "ok");
}

/* the names of a directory, checked against a list */
static void dir_has(const char *dir, const char *const *names)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int i, found[64] = { 0 }, dots = 0;

	if (!d) {
		printf("opendir %s: %s\n", dir, strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		dots += !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
		for (i = 0; names[i]; i++)
			if (!strcmp(e->d_name, names[i]))
				found[i] = e->d_type ? e->d_type : -1;
	}
	closedir(d);
	printf("%s: . and .. %s;", dir, yes(dots == 2));
	for (i = 0; names[i]; i++)
		printf(" %s:%s", atoi(names[i]) == getpid() ? "<my pid>" : names[i], !found[i] ? "missing" : found[i] == DT_DIR ? "dir" :
		       found[i] == DT_LNK ? "link" : found[i] == DT_REG ? "reg" : "?");
	printf("\n");
}

static void directories(void)
{
	static const char *const root[] = { "self", "thread-self", "meminfo", "stat", "uptime",
		"loadavg", "version", "cpuinfo", "mounts", "sys", NULL };
	static const char *const pid[] = { "maps", "smaps", "smaps_rollup", "status", "stat",
		"statm", "pagemap", "cmdline", "environ", "comm", "exe", "cwd", "root", "fd",
		"task", "mounts", NULL };
	static const char *fds[] = { "0", "1", "2", NULL, NULL };
	char me[16], name[16];
	const char *mine[] = { me, NULL };
	int fd = open("/proc/self/status", O_RDONLY);

	snprintf(me, sizeof(me), "%d", getpid());
	dir_has("/proc", root);
	dir_has("/proc", mine);
	dir_has("/proc/self", pid);
	snprintf(name, sizeof(name), "%d", fd);
	fds[3] = name;
	dir_has("/proc/self/fd", fds);
	dir_has("/proc/self/task", mine);
	close(fd);
}

static void status_statm_stat(char **argv)
{
	char *f[64], *save, state;
	long st_size, st_rss, sz, rss, shared, text, data;
	int n = 0, ppid, pid;
	sigset_t set;

	signal(SIGUSR2, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* both read before anything is printed: nothing maps in between */
	slurp("/proc/self/status", buf);
	slurp("/proc/self/statm", buf2);
	slurp("/proc/self/stat", buf3);
	print_keys("status", buf);
	printf("status Name %s\n", strstr(buf, "Name:\ttest_procfs\n") ? "test_procfs" : "?");
	printf("status State R: %s\n", yes(!!strstr(buf, "State:\tR (running)\n")));
	printf("status Pid %s PPid %s Tgid %s Threads %ld\n",
	       yes(field(buf, "Pid") == getpid()), yes(field(buf, "PPid") == getppid()),
	       yes(field(buf, "Tgid") == getpid()), field(buf, "Threads"));
	printf("status SigBlk has USR1 %s, SigIgn has USR2 %s\n",
	       yes(strtoull(strstr(buf, "SigBlk:") + 7, NULL, 16) & (1ULL << (SIGUSR1 - 1))),
	       yes(strtoull(strstr(buf, "SigIgn:") + 7, NULL, 16) & (1ULL << (SIGUSR2 - 1))));
	printf("status VmRSS = RssAnon + RssFile + RssShmem: %s\n",
	       yes(field(buf, "VmRSS") == field(buf, "RssAnon") + field(buf, "RssFile") +
				       field(buf, "RssShmem")));
	printf("status VmHWM >= VmRSS: %s, VmPeak >= VmSize: %s\n",
	       yes(field(buf, "VmHWM") >= field(buf, "VmRSS")),
	       yes(field(buf, "VmPeak") >= field(buf, "VmSize")));
	sscanf(buf2, "%ld %ld %ld %ld %*d %ld", &sz, &rss, &shared, &text, &data);
	printf("statm fields: %d\n", (int)(strchr(buf2, '\n') ? 7 : 0));
	printf("statm size = VmSize: %s, resident = VmRSS: %s, shared = RssFile + RssShmem: %s, "
	       "data = VmData + VmStk: %s\n", yes(sz * 4 == field(buf, "VmSize")),
	       yes(rss * 4 == field(buf, "VmRSS")),
	       yes(shared * 4 == field(buf, "RssFile") + field(buf, "RssShmem")),
	       yes(data * 4 == field(buf, "VmData") + field(buf, "VmStk")));
	st_size = field(buf, "VmSize");
	st_rss = field(buf, "VmRSS");

	memcpy(buf, buf3, BUFSZ);
	printf("stat comm: %s\n", yes(!!strstr(buf, " (test_procfs) ")));
	for (save = strchr(buf, ')') + 2, n = 2; n < 64; n++) {
		f[n] = strsep(&save, " \n");
		if (!f[n] || !*f[n])
			break;
	}
	sscanf(buf, "%d", &pid);
	state = f[2][0];
	ppid = atoi(f[3]);
	printf("stat fields: %d\n", n);
	printf("stat pid %s state %c ppid %s threads %s exit_code %s\n", yes(pid == getpid()),
	       state, yes(ppid == getppid()), f[19], f[51]);
	/* rss is get_mm_rss(), status's get_mm_counter_sum(): they may differ */
	printf("stat vsize = VmSize: %s, rss > 0: %s\n",
	       yes(strtoull(f[22], NULL, 10) / 1024 == (unsigned long long)st_size),
	       yes(atol(f[23]) > 0 && st_rss > 0));
	printf("stat arg_start = argv[0]: %s, env_start = environ[0]: %s, arg_end = env_start: %s\n",
	       yes(strtoull(f[47], NULL, 10) == (uintptr_t)argv[0]),
	       yes(strtoull(f[49], NULL, 10) == (uintptr_t)environ[0]),
	       yes(!strcmp(f[48], f[49])));
	slurp("/proc/uptime", buf2);
	printf("stat starttime <= uptime: %s\n",
	       yes(strtoull(f[21], NULL, 10) / 100 <= strtoull(buf2, NULL, 10)));
	signal(SIGUSR2, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* per VMA: the same keys in the same order, and Rss = the four kinds */
static void smaps(void)
{
	char first_keys[2048] = "", keys[2048], *line, *save;
	long rss = 0, pc = 0, pd = 0, sc = 0, sd = 0, anon = 0, pss = 0, size = 0;
	long sum_rss = 0;
	int vmas = 0, same = 1, rel = 1, sizes = 1, headers, maps_lines = 0;
	unsigned long lo, hi;

	/* all three read before anything is parsed or printed */
	slurp("/proc/self/maps", buf2);
	slurp("/proc/self/smaps", buf);
	slurp("/proc/self/smaps_rollup", buf3);
	for (line = buf2; (line = strchr(line, '\n')); line++)
		maps_lines++;
	headers = 1;
	keys[0] = 0;
	for (line = strtok_r(buf, "\n", &save); ; line = strtok_r(NULL, "\n", &save)) {
		char key[64];
		long v;

		if (!line || sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			if (vmas) {
				if (!first_keys[0])
					strcpy(first_keys, keys);
				same &= !strcmp(first_keys, keys);
				rel &= rss == pc + pd + sc + sd && anon <= rss && pss <= rss;
				sum_rss += rss;
			}
			if (!line)
				break;
			vmas++;
			keys[0] = 0;
			size = (long)((hi - lo) / 1024);
			/* the header is maps' line */
			headers &= !!strstr(buf2, line);
			continue;
		}
		if (sscanf(line, "%63[^:]: %ld", key, &v) < 1)
			continue;
		if (!strcmp(key, "ProtectionKey"))
			continue;	/* the CPU's, not the kernel's */
		strcat(keys, " ");
		strcat(keys, key);
		if (!strcmp(key, "Size"))
			sizes &= v == size;
		else if (!strcmp(key, "Rss"))
			rss = v;
		else if (!strcmp(key, "Pss"))
			pss = v;
		else if (!strcmp(key, "Private_Clean"))
			pc = v;
		else if (!strcmp(key, "Private_Dirty"))
			pd = v;
		else if (!strcmp(key, "Shared_Clean"))
			sc = v;
		else if (!strcmp(key, "Shared_Dirty"))
			sd = v;
		else if (!strcmp(key, "Anonymous"))
			anon = v;
	}
	printf("smaps keys:%s\n", first_keys);
	printf("smaps: every VMA the same keys %s, Rss = clean + dirty, Anonymous <= Rss, "
	       "Pss <= Rss %s, Size = end - start %s, headers are maps' lines %s, VMAs = maps "
	       "lines %s\n", yes(same), yes(rel), yes(sizes), yes(headers),
	       yes(maps_lines == vmas));
	memcpy(buf, buf3, BUFSZ);
	printf("smaps_rollup first line ends [rollup]: %s\n",
	       yes(!!strstr(buf, "[rollup]\n")));
	print_keys("smaps_rollup", strchr(buf, '\n') + 1);
	printf("smaps_rollup Rss = sum of smaps Rss: %s, Pss = Pss_Anon + Pss_File + Pss_Shmem "
	       "(within rounding): %s\n", yes(field(strchr(buf, '\n') + 1, "Rss") == sum_rss),
	       yes(labs(field(buf, "Pss") - field(buf, "Pss_Anon") - field(buf, "Pss_File") -
			field(buf, "Pss_Shmem")) <= 2));
}

/* /proc/self/pagemap's entry of @addr */
static uint64_t pagemap_of(int pid, void *addr)
{
	char path[64];
	uint64_t e = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return ~0ULL;
	if (pread(fd, &e, 8, (uintptr_t)addr / PAGE * 8) != 8)
		e = ~0ULL;
	close(fd);
	return e;
}

static void show_pm(const char *what, uint64_t e)
{
	if (e == ~0ULL) {
		printf("pagemap %s: cannot read\n", what);
		return;
	}
	printf("pagemap %s: present %d swap %d file %d exclusive %d soft-dirty %d pfn %s\n",
	       what, (int)(e >> 63 & 1), (int)(e >> 62 & 1), (int)(e >> 61 & 1),
	       (int)(e >> 56 & 1), (int)(e >> 55 & 1),
	       e & ((1ULL << 55) - 1) ? "nonzero" : "0");
}

static void pagemap(char **argv)
{
	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/proc/self/pagemap", O_RDONLY), efd, status;
	volatile char *v = p;
	char *file;
	uint64_t e[4];
	pid_t child;

	show_pm("untouched", pagemap_of(getpid(), p));
	p[0] = 1;
	show_pm("written", pagemap_of(getpid(), p));
	(void)v[PAGE];
	show_pm("read (zero page)", pagemap_of(getpid(), p + PAGE));
	printf("pagemap pread 4 entries: %zd\n", pread(fd, e, sizeof(e), (uintptr_t)p / PAGE * 8));
	printf("pagemap pread at offset 4: %s\n",
	       pread(fd, e, 8, (uintptr_t)p / PAGE * 8 + 4) < 0 ? strerror(errno) : "ok");
	printf("pagemap pread 5 bytes: %s\n",
	       pread(fd, e, 5, (uintptr_t)p / PAGE * 8) < 0 ? strerror(errno) : "ok");
	printf("pagemap pread past the user range: %zd\n",
	       pread(fd, e, 8, (0x800000000000ULL / PAGE) * 8));
	printf("pagemap lseek + read: %s\n",
	       lseek(fd, (uintptr_t)p / PAGE * 8, SEEK_SET) >= 0 && read(fd, e, 8) == 8 &&
	       e[0] == pagemap_of(getpid(), p) ? "same entry" : "differs");
	fflush(stdout);
	child = fork();
	if (!child) {
		show_pm("child, shared after fork", pagemap_of(getpid(), p));
		p[0] = 2;
		show_pm("child, after its copy", pagemap_of(getpid(), p));
		fflush(stdout);
		_exit(0);
	}
	waitpid(child, &status, 0);
	show_pm("parent, after the child", pagemap_of(getpid(), p));
	munmap(p, 4 * PAGE);
	show_pm("unmapped", pagemap_of(getpid(), p));
	efd = open(argv[0], O_RDONLY);
	file = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, efd, 0);
	(void)*(volatile char *)file;
	show_pm("file page", pagemap_of(getpid(), file));
	munmap(file, PAGE);
	close(efd);
	close(fd);
}

/* NUL-separated @v, as cmdline and environ hold it */
static size_t join(char **v, char *out)
{
	size_t n = 0;

	for (; *v; v++) {
		strcpy(out + n, *v);
		n += strlen(*v) + 1;
	}
	return n;
}

/*
 * @abs (a link's target) names @path: equal, or for a relative @path, its
 * ending (realpath() would need readlink of every directory on the way)
 */
static int same_path(const char *abs, const char *path)
{
	size_t a = strlen(abs), p;

	while (!strncmp(path, "./", 2))
		path += 2;
	p = strlen(path);
	if (path[0] == '/')
		return !strcmp(abs, path);
	return a > p && abs[a - p - 1] == '/' && !strcmp(abs + a - p, path);
}

static void strings_and_links(char **argv)
{
	char real[PATH_MAX], link[PATH_MAX];
	size_t n;
	long got;
	ssize_t l;
	struct stat a, b;
	int fd, nfd;

	n = join(argv, buf2);
	got = slurp("/proc/self/cmdline", buf);
	printf("cmdline = argv: %s\n", yes(got == (long)n && !memcmp(buf, buf2, n)));
	n = join(environ, buf2);
	got = slurp("/proc/self/environ", buf);
	printf("environ = environ: %s\n", yes(got == (long)n && !memcmp(buf, buf2, n)));
	slurp("/proc/self/comm", buf);
	printf("comm: %s", buf);

	l = readlink("/proc/self/exe", link, sizeof(link) - 1);
	link[l > 0 ? l : 0] = 0;
	printf("exe is argv[0]'s path: %s\n", yes(same_path(link, argv[0])));
	l = readlink("/proc/self/cwd", link, sizeof(link) - 1);
	link[l > 0 ? l : 0] = 0;
	printf("cwd = getcwd: %s\n", yes(getcwd(real, sizeof(real)) && !strcmp(real, link)));
	l = readlink("/proc/self/root", link, sizeof(link) - 1);
	link[l > 0 ? l : 0] = 0;
	printf("root: %s\n", link);
	printf("stat exe = stat argv[0]: %s\n",
	       yes(!stat("/proc/self/exe", &a) && !stat(argv[0], &b) && a.st_ino == b.st_ino &&
		   a.st_dev == b.st_dev));

	fd = open(argv[0], O_RDONLY);
	snprintf(buf2, 64, "/proc/self/fd/%d", fd);
	l = readlink(buf2, link, sizeof(link) - 1);
	link[l > 0 ? l : 0] = 0;
	printf("fd link is argv[0]'s path: %s\n", yes(same_path(link, argv[0])));
	printf("stat fd link = fstat: %s\n",
	       yes(!stat(buf2, &a) && !fstat(fd, &b) && a.st_ino == b.st_ino));
	nfd = open(buf2, O_RDONLY);
	printf("open fd link: %s\n", nfd >= 0 && read(nfd, link, 4) == 4 &&
	       !memcmp(link, "\177ELF", 4) && lseek(fd, 0, SEEK_CUR) == 0 ?
	       "a new description at offset 0" : strerror(errno));
	close(nfd);
	close(fd);
	fd = open("/dev/null", O_RDONLY);
	snprintf(buf2, 64, "/proc/self/fd/%d", fd);
	l = readlink(buf2, link, sizeof(link) - 1);
	link[l > 0 ? l : 0] = 0;
	printf("fd link of /dev/null: %s\n", link);
	lstat(buf2, &a);
	printf("fd link mode, read-only: %o\n", a.st_mode);
	close(fd);
	fd = open("/dev/null", O_WRONLY);
	lstat(buf2, &a);
	printf("fd link mode, write-only: %o\n", a.st_mode);
	close(fd);
	fd = open("/dev/null", O_RDWR);
	lstat(buf2, &a);
	printf("fd link mode, read-write: %o\n", a.st_mode);
	close(fd);
	printf("readlink of a closed fd: %s\n",
	       readlink(buf2, link, sizeof(link)) < 0 ? strerror(errno) : "ok");
}

/* the files a process writes: comm (newline and all), oom_score_adj */
static void writes(void)
{
	int fd = open("/proc/self/comm", O_WRONLY);
	char b[64];
	long n;

	printf("write comm: %s\n", write(fd, "renamed\n", 8) == 8 ? "ok" : strerror(errno));
	close(fd);
	n = slurp("/proc/self/comm", b);
	printf("comm now: %ld bytes, %s", n, b);
	fd = open("/proc/self/comm", O_WRONLY);
	n = write(fd, "0123456789abcdefghij", 20);
	close(fd);
	slurp("/proc/self/comm", b);
	printf("write a long comm: %ld, now %s", n, b);
	fd = open("/proc/self/comm", O_WRONLY);
	n = write(fd, "test_procfs", 11);
	close(fd);
	fd = open("/proc/self/oom_score_adj", O_WRONLY);
	printf("oom_score_adj 5: %s\n", write(fd, "5\n", 2) == 2 ? "ok" : strerror(errno));
	printf("oom_score_adj 5000: %s\n", write(fd, "5000", 4) < 0 ? strerror(errno) : "ok");
	printf("oom_score_adj x: %s\n", write(fd, "x", 1) < 0 ? strerror(errno) : "ok");
	close(fd);
	slurp("/proc/self/oom_score_adj", b);
	printf("oom_score_adj now: %s", b);
	fflush(stdout);
	if (!fork()) {
		slurp("/proc/self/oom_score_adj", b);
		printf("the child's: %s", b);
		fflush(stdout);
		_exit(0);
	}
	wait(NULL);
	fd = open("/proc/self/oom_score_adj", O_WRONLY);
	write(fd, "0", 1);
	close(fd);
}

static void system_files(void)
{
	struct sysinfo si;
	long total, freem, avail;
	char *p;
	int ok;

	slurp("/proc/meminfo", buf);
	total = field(buf, "MemTotal");
	freem = field(buf, "MemFree");
	avail = field(buf, "MemAvailable");
	printf("meminfo: MemFree <= MemTotal %s, MemAvailable <= MemTotal %s, "
	       "SwapFree <= SwapTotal %s\n", yes(freem <= total && freem >= 0),
	       yes(avail <= total && avail >= 0),
	       yes(field(buf, "SwapFree") <= field(buf, "SwapTotal")));
	/* the keys the monitor has, in the order they come */
	printf("meminfo order:");
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		static const char *const keys[] = { "MemTotal", "MemFree", "MemAvailable",
			"Buffers", "Cached", "SwapCached", "SwapTotal", "SwapFree", "AnonPages",
			"PageTables", "CommitLimit", "Committed_AS", "AnonHugePages", NULL };
		int i;

		for (i = 0; keys[i]; i++)
			if (!strncmp(p, keys[i], strlen(keys[i])) && p[strlen(keys[i])] == ':')
				printf(" %s", keys[i]);
	}
	printf("\n");
	sysinfo(&si);
	printf("sysinfo totalram = MemTotal: %s\n",
	       yes((unsigned long long)si.totalram * si.mem_unit / 1024 == (unsigned long long)total));

	slurp("/proc/stat", buf);
	printf("stat: starts with cpu %s, cpu0 %s, btime %s, processes %s\n",
	       yes(!strncmp(buf, "cpu  ", 5)), yes(!!strstr(buf, "\ncpu0 ")),
	       yes(!!strstr(buf, "\nbtime ")), yes(!!strstr(buf, "\nprocesses ")));
	slurp("/proc/uptime", buf);
	{
		double up, idle;

		ok = sscanf(buf, "%lf %lf", &up, &idle) == 2 && up > 0 && idle >= 0;
	}
	printf("uptime: two numbers %s\n", yes(ok));
	slurp("/proc/loadavg", buf);
	{
		double l1, l5, l15;
		int run, all, last;

		ok = sscanf(buf, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &run, &all, &last) == 6 &&
		     run >= 1 && run <= all && last >= getpid();
	}
	printf("loadavg: the format, running <= all, last pid >= mine %s\n", yes(ok));
	slurp("/proc/version", buf);
	printf("version starts with Linux version: %s\n", yes(!strncmp(buf, "Linux version ", 14)));
	slurp("/proc/cpuinfo", buf);
	printf("cpuinfo: processor 0 %s, flags %s\n", yes(!strncmp(buf, "processor\t: 0\n", 14)),
	       yes(!!strstr(buf, "\nflags\t\t: ")));
	slurp("/proc/self/mounts", buf);
	printf("mounts: a root entry %s\n", yes(!!strstr(buf, " / ")));
	printf("/proc/mounts = /proc/self/mounts: %s\n",
	       yes(slurp("/proc/mounts", buf2) > 0 && !strcmp(buf, buf2)));
}

/* wait until /proc/PID/stat says @state (the child got there) */
static int wait_state(pid_t pid, char state)
{
	char path[64];
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (i = 0; i < 100000; i++) {
		if (slurp(path, buf2) > 0 && strchr(buf2, ')')[2] == state)
			return 1;
		sched_yield();
	}
	return 0;
}

static void other_processes(void)
{
	char path[64], mine[8192];
	pid_t child;
	int status;
	long n;

	slurp("/proc/self/maps", mine);
	fflush(stdout);
	child = fork();
	if (!child) {
		pause();
		_exit(0);
	}
	printf("child sleeps: %s\n", yes(wait_state(child, 'S')));
	snprintf(path, sizeof(path), "/proc/%d/status", child);
	slurp(path, buf);
	printf("child status: Name %s, State S %s, PPid is me %s, Pid %s\n",
	       yes(!!strstr(buf, "Name:\ttest_procfs\n")),
	       yes(!!strstr(buf, "State:\tS (sleeping)\n")), yes(field(buf, "PPid") == getpid()),
	       yes(field(buf, "Pid") == child));
	snprintf(path, sizeof(path), "/proc/%d/maps", child);
	slurp(path, buf);
	printf("child maps = mine: %s\n", yes(!strcmp(buf, mine)));
	snprintf(path, sizeof(path), "/proc/%d/cmdline", child);
	n = slurp(path, buf);
	printf("child cmdline = mine: %s\n",
	       yes(n > 0 && slurp("/proc/self/cmdline", buf2) == n && !memcmp(buf, buf2, n)));
	kill(child, SIGKILL);
	waitpid(child, &status, 0);

	fflush(stdout);
	child = fork();
	if (!child)
		_exit(3);
	printf("child is a zombie: %s\n", yes(wait_state(child, 'Z')));
	snprintf(path, sizeof(path), "/proc/%d/status", child);
	slurp(path, buf);
	print_keys("zombie status", buf);
	printf("zombie State: %s\n", yes(!!strstr(buf, "State:\tZ (zombie)\n")));
	snprintf(path, sizeof(path), "/proc/%d/maps", child);
	printf("zombie maps: %ld bytes\n", slurp(path, buf));
	snprintf(path, sizeof(path), "/proc/%d/cmdline", child);
	printf("zombie cmdline: %ld bytes\n", slurp(path, buf));
	snprintf(path, sizeof(path), "/proc/%d/stat", child);
	slurp(path, buf);
	printf("zombie stat: exit_code %ld\n", atol(strrchr(buf, ' ') + 1));
	snprintf(path, sizeof(path), "/proc/%d/exe", child);
	printf("zombie exe: %s\n", readlink(path, buf, 64) < 0 ? strerror(errno) : "ok");
	waitpid(child, &status, 0);
	snprintf(path, sizeof(path), "/proc/%d/status", child);
	printf("reaped: %s\n", slurp(path, buf) < 0 ? strerror(errno) : "still there");
}

/* getdents64 of @dir from @pos with a @cnt-byte buffer */
static void getdents_at(const char *dir, off_t pos, size_t cnt)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	long n;

	if (pos && lseek(fd, pos, SEEK_SET) < 0)
		printf("lseek %s to %lld: %s\n", dir, (long long)pos, strerror(errno));
	n = syscall(SYS_getdents64, fd, buf, cnt);
	printf("getdents64 %s at %lld, %zu bytes: %s\n", dir, (long long)pos, cnt,
	       n < 0 ? strerror(errno) : n > 0 ? "entries" : "none");
	close(fd);
}

/* odd paths: each call's errno, as Linux's walk gives it */
static void odd_paths(void)
{
	static const char *const paths[] = { "/proc", "/proc/", "/proc//", "/proc/.",
		"/proc/self/.", "/proc/self/..", "/proc/self/fd/.", "/proc/self/fd/0/",
		"/proc/self/fd/-1", "/proc/self/fd/00", "/proc/self/fd/99999999999999", "/proc/0",
		"/proc/-1", "/proc/self/task/0", "/proc/self/task/self", "/proc/thread-self/",
		"/proc/self/root/proc/self/comm", "/proc/self/status/..", "/proc/self/status/.",
		"/proc/sys/", "/proc/sys/vm/", "/proc/sys/vm/x", "/proc/mounts/", NULL };
	char b[256];
	struct stat st;
	ssize_t n;
	int i, fd;

	for (i = 0; paths[i]; i++) {
		int e[5];

		fd = open(paths[i], O_RDONLY);
		e[0] = fd < 0 ? errno : 0;
		n = fd >= 0 ? read(fd, b, sizeof(b)) : 0;
		e[1] = n < 0 ? errno : 0;
		e[2] = stat(paths[i], &st) ? errno : 0;
		e[3] = lstat(paths[i], &st) ? errno : 0;
		e[4] = readlink(paths[i], b, sizeof(b)) < 0 ? errno : 0;
		printf("%s: open %s, read %s, stat %s, lstat %s, readlink %s\n", paths[i],
		       e[0] ? strerror(e[0]) : "ok", fd < 0 ? "-" : e[1] ? strerror(e[1]) : "data",
		       e[2] ? strerror(e[2]) : "ok", e[3] ? strerror(e[3]) : "ok",
		       e[4] ? strerror(e[4]) : "ok");
		if (fd >= 0)
			close(fd);
	}
	getdents_at("/proc/self/fd", 1LL << 30, 4096);
	getdents_at("/proc/self/fd", 1LL << 40, 4096);
	getdents_at("/proc/self", 1LL << 30, 4096);
	getdents_at("/proc", 1LL << 30, 4096);
	getdents_at("/proc/self", 0, 10);
	getdents_at("/proc/self", 0, 0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	memset(buf, 0, sizeof(buf));
	memset(buf2, 0, sizeof(buf2));
	memset(buf3, 0, sizeof(buf3));
	kinds();
	directories();
	status_statm_stat(argv);
	smaps();
	pagemap(argv);
	strings_and_links(argv);
	writes();
	system_files();
	other_processes();
	odd_paths();
	return 0;
}
