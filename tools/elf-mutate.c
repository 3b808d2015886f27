// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile executables for the monitor's ELF loader.
 *
 *   elf-mutate --corpus DIR BASE
 *	writes named hostile cases made from BASE (a static x86-64 ELF) into
 *	DIR: empty and truncated files, bad headers and program headers,
 *	segments where they cannot go, a directory, a file without execute
 *	permission, #! scripts and a #! loop.  The integration test runs each
 *	under the monitor and through execve() natively and in the guest.
 *
 *   elf-mutate [--vmm PATH] [--cases N] [--seed S] [--jobs J]
 *		[--timeout SECS] [--keep DIR] [--csv FILE] BASE...
 *	the mutation fuzzer: N cases, each one BASE (round robin; "PATH ARGS"
 *	gives the program arguments, e.g. "/usr/bin/busybox sh -c ls") with one
 *	to four seeded mutations (bit flips, byte runs, truncation, an ELF
 *	header field, a program header field), run under the monitor with
 *	--timeout SECS and classified:
 *
 *	  refused	status 126 (127 for a missing file) with a "vmm:" line
 *			saying why: the loader said no, cleanly
 *	  ran		anything the guest did: its exit status (whatever it
 *			is, without a "vmm:" line of the monitor's), a signal
 *			the monitor reported, --timeout's 124
 *	  monitor-failure  the monitor died of a signal, a sanitizer spoke,
 *			"monitor bug", an invariant broke, it gave up (die(),
 *			127 or 70 with its line), or it outlived its own
 *			--timeout by 10 s (a hang)
 *
 *	Each case is reproducible from (seed, case number); --keep DIR keeps
 *	the files of the monitor failures.  Exit status 1 if any.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HANG_GRACE_S	10

enum outcome { REFUSED, RAN, MONITOR_FAILURE, NR_OUTCOMES };

static const char *const outcome_names[NR_OUTCOMES] = {
	"refused", "ran", "monitor-failure",
};

struct image {
	const char *name;	/* the path */
	const char *args;	/* what follows the path in its BASE argument */
	uint8_t *data;
	size_t size;
};

struct slot {
	pid_t pid;
	unsigned long n;
	time_t started;
	char file[160], out[96], err[96];
	const char *args;
};

static const char *vmm_path = "build/bin/vmm";
static unsigned int timeout_s = 5;
static char tmpdir[] = "/tmp/elf-mutate-XXXXXX";

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "elf-mutate: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(2);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 65536 + 1 > cap) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got);
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

static void spit(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) || close(fd))
		die("cannot write %s", path);
}

/* xorshift64*: the mutations of case n depend on (seed, n) only */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static Elf64_Ehdr *ehdr(uint8_t *d, size_t size)
{
	return size >= sizeof(Elf64_Ehdr) ? (Elf64_Ehdr *)d : NULL;
}

static Elf64_Phdr *phdr(uint8_t *d, size_t size, int i)
{
	Elf64_Ehdr *eh = ehdr(d, size);
	uint64_t off;

	if (!eh || eh->e_phentsize != sizeof(Elf64_Phdr))
		return NULL;
	off = eh->e_phoff + (uint64_t)i * sizeof(Elf64_Phdr);
	if (off < eh->e_phoff || off + sizeof(Elf64_Phdr) > size)
		return NULL;
	return (Elf64_Phdr *)(d + off);
}

static int find_phdr(uint8_t *d, size_t size, uint32_t type, int nth)
{
	Elf64_Ehdr *eh = ehdr(d, size);
	int i;

	for (i = 0; eh && i < eh->e_phnum; i++) {
		Elf64_Phdr *ph = phdr(d, size, i);

		if (ph && ph->p_type == type && nth-- == 0)
			return i;
	}
	return -1;
}

/* values a loader must think about: edges of the address space and of sizes */
static uint64_t interesting(uint64_t old)
{
	static const uint64_t v[] = {
		0, 1, 0xfff, 0x1000, 0x10000, 0x400000, 0x7ffffffff000ULL, 0x7ffffffff001ULL,
		0x800000000000ULL, 0xffff800000000000ULL, 0xfffffffffffff000ULL, ~0ULL,
		0x7fffffffffffffffULL, 1ULL << 40, 1ULL << 46, 1ULL << 47, 0x100000000ULL,
	};

	switch (below(4)) {
	case 0:
		return v[below(sizeof(v) / sizeof(v[0]))];
	case 1:
		return old + (int64_t)(below(0x4000) - 0x2000);
	case 2:
		return old ^ (1ULL << below(64));
	default:
		return rnd();
	}
}

static void set_field(void *p, int width, uint64_t val)
{
	switch (width) {
	case 2: *(uint16_t *)p = (uint16_t)val; break;
	case 4: *(uint32_t *)p = (uint32_t)val; break;
	default: *(uint64_t *)p = val; break;
	}
}

static uint64_t get_field(const void *p, int width)
{
	switch (width) {
	case 2: return *(const uint16_t *)p;
	case 4: return *(const uint32_t *)p;
	default: return *(const uint64_t *)p;
	}
}

static void mutate_ehdr(uint8_t *d, size_t size)
{
	static const struct { size_t off; int width; } f[] = {
		{ offsetof(Elf64_Ehdr, e_type), 2 }, { offsetof(Elf64_Ehdr, e_machine), 2 },
		{ offsetof(Elf64_Ehdr, e_entry), 8 }, { offsetof(Elf64_Ehdr, e_phoff), 8 },
		{ offsetof(Elf64_Ehdr, e_phentsize), 2 }, { offsetof(Elf64_Ehdr, e_phnum), 2 },
		{ EI_CLASS, 1 }, { EI_DATA, 1 }, { EI_VERSION, 1 }, { EI_OSABI, 1 },
	};
	Elf64_Ehdr *eh = ehdr(d, size);
	int i = (int)below(sizeof(f) / sizeof(f[0]));

	if (!eh)
		return;
	if (f[i].width == 1)
		d[f[i].off] = (uint8_t)rnd();
	else
		set_field(d + f[i].off, f[i].width,
			  f[i].width == 2 && below(2) ? below(8) : interesting(get_field(d + f[i].off, f[i].width)));
}

static void mutate_phdr(uint8_t *d, size_t size)
{
	static const struct { size_t off; int width; } f[] = {
		{ offsetof(Elf64_Phdr, p_type), 4 }, { offsetof(Elf64_Phdr, p_flags), 4 },
		{ offsetof(Elf64_Phdr, p_offset), 8 }, { offsetof(Elf64_Phdr, p_vaddr), 8 },
		{ offsetof(Elf64_Phdr, p_filesz), 8 }, { offsetof(Elf64_Phdr, p_memsz), 8 },
		{ offsetof(Elf64_Phdr, p_align), 8 },
	};
	static const uint32_t types[] = {
		PT_NULL, PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_PHDR, PT_TLS,
		PT_GNU_STACK, PT_GNU_RELRO, PT_GNU_PROPERTY, PT_LOPROC + 1,
	};
	Elf64_Ehdr *eh = ehdr(d, size);
	Elf64_Phdr *ph, *other, tmp;
	int i;

	if (!eh || !eh->e_phnum)
		return;
	ph = phdr(d, size, (int)below(eh->e_phnum));
	if (!ph)
		return;
	switch (below(4)) {
	case 0:		/* swap two program headers: unsorted PT_LOADs */
		other = phdr(d, size, (int)below(eh->e_phnum));
		if (other) {
			tmp = *ph;
			*ph = *other;
			*other = tmp;
		}
		return;
	case 1:
		ph->p_type = types[below(sizeof(types) / sizeof(types[0]))];
		return;
	default:
		i = (int)below(sizeof(f) / sizeof(f[0]));
		set_field((uint8_t *)ph + f[i].off, f[i].width,
			  interesting(get_field((uint8_t *)ph + f[i].off, f[i].width)));
	}
}

/* one to four mutations; returns the new size */
static size_t mutate(uint8_t *d, size_t size)
{
	int n = 1 + (int)below(4), k;
	size_t off, len;

	for (k = 0; k < n && size; k++) {
		switch (below(6)) {
		case 0:		/* bit flips, mostly in the headers */
			for (len = 1 + below(8); len--; ) {
				off = below(2) ? below(size < 4096 ? size : 4096) : below(size);
				d[off] ^= (uint8_t)(1 << below(8));
			}
			break;
		case 1:		/* a run of random or 0xff bytes */
			off = below(size);
			len = 1 + below(64);
			if (off + len > size)
				len = size - off;
			memset(d + off, below(2) ? 0xff : (int)rnd(), len);
			break;
		case 2:		/* truncation: anywhere, or in the headers */
			size = below(3) ? below(size) : below(size < 1024 ? size : 1024);
			break;
		case 3:
			mutate_ehdr(d, size);
			break;
		default:
			mutate_phdr(d, size);
			break;
		}
	}
	return size;
}

/* ---- the corpus of named cases ---- */

struct corpus {
	const char *dir;
	const struct image *base;
	uint8_t *d;
	size_t size;
};

static void start(struct corpus *c)
{
	c->size = c->base->size;
	c->d = malloc(c->size + 4096);
	if (!c->d)
		abort();
	memcpy(c->d, c->base->data, c->size);
	memset(c->d + c->size, 0, 4096);
}

static void emit(struct corpus *c, const char *name, mode_t mode)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", c->dir, name);
	spit(path, c->d, c->size, mode);
	free(c->d);
	c->d = NULL;
}

static Elf64_Phdr *load(struct corpus *c, int nth)
{
	int i = find_phdr(c->d, c->size, PT_LOAD, nth);

	if (i < 0)
		die("%s: too few PT_LOAD segments for the corpus", c->base->name);
	return phdr(c->d, c->size, i);
}

static Elf64_Phdr *last_load(struct corpus *c)
{
	int n = 0;

	while (find_phdr(c->d, c->size, PT_LOAD, n + 1) >= 0)
		n++;
	return load(c, n);
}

static void write_corpus(const char *dir, const struct image *base)
{
	struct corpus c = { .dir = dir, .base = base };
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph, tmp;
	char path[4096];
	int i;

	if (mkdir(dir, 0755) && errno != EEXIST)
		die("cannot create %s", dir);
	if (!ehdr(base->data, base->size) ||
	    memcmp(base->data, ELFMAG, SELFMAG) || find_phdr(base->data, base->size, PT_LOAD, 1) < 0)
		die("%s: not an ELF executable with two PT_LOADs", base->name);

	start(&c); emit(&c, "ok", 0755);
	start(&c); c.size = 0; emit(&c, "empty", 0755);
	start(&c); c.size = 40; emit(&c, "short-ehdr", 0755);
	start(&c); eh = ehdr(c.d, c.size);
	c.size = eh->e_phoff + sizeof(Elf64_Phdr) + 20; emit(&c, "short-phdrs", 0755);
	start(&c); ph = load(&c, 1); c.size = ph->p_offset + 16; emit(&c, "short-segment", 0755);
	start(&c); ph = load(&c, 1); ph->p_filesz = ph->p_memsz + 0x2000;
	emit(&c, "filesz-gt-memsz", 0755);
	start(&c); ph = load(&c, 1); tmp = *load(&c, 0); ph->p_vaddr = tmp.p_vaddr +
		(ph->p_offset & 0xfff); emit(&c, "overlap", 0755);
	start(&c); ph = load(&c, 0); tmp = *ph; *ph = *load(&c, 1); *load(&c, 1) = tmp;
	emit(&c, "unsorted", 0755);
	start(&c); ph = load(&c, 1); ph->p_vaddr = 0xffff800000400000ULL + (ph->p_offset & 0xfff);
	emit(&c, "kernel-half", 0755);
	start(&c); ph = load(&c, 1); ph->p_vaddr = 0x7ffffffff000ULL + (ph->p_offset & 0xfff);
	ph->p_memsz = 0x10000; emit(&c, "past-task-size", 0755);
	start(&c); ph = load(&c, 0); ph->p_vaddr = 0; ph->p_offset = 0; emit(&c, "at-zero", 0755);
	start(&c); ph = last_load(&c); ph->p_memsz = 1ULL << 45; emit(&c, "huge-memsz", 0755);
	start(&c); ph = load(&c, 1); ph->p_memsz = ~0ULL - 0x100; emit(&c, "wrap-memsz", 0755);
	start(&c); ph = load(&c, 1); ph->p_offset = 1ULL << 40; ph->p_vaddr = 1ULL << 40;
	emit(&c, "offset-past-eof", 0755);
	start(&c); ph = load(&c, 1); ph->p_vaddr += 0x10; emit(&c, "misaligned", 0755);
	start(&c); c.d[EI_CLASS] = ELFCLASS32; emit(&c, "class32", 0755);
	start(&c); c.d[EI_DATA] = ELFDATA2MSB; emit(&c, "big-endian", 0755);
	start(&c); ehdr(c.d, c.size)->e_machine = EM_AARCH64; emit(&c, "aarch64", 0755);
	start(&c); ehdr(c.d, c.size)->e_machine = EM_386; emit(&c, "i386", 0755);
	start(&c); ehdr(c.d, c.size)->e_type = ET_REL; emit(&c, "et-rel", 0755);
	start(&c); ehdr(c.d, c.size)->e_type = ET_CORE; emit(&c, "et-core", 0755);
	start(&c); ehdr(c.d, c.size)->e_phentsize = 32; emit(&c, "bad-phentsize", 0755);
	start(&c); ehdr(c.d, c.size)->e_phnum = 0; emit(&c, "no-phdrs", 0755);
	start(&c); ehdr(c.d, c.size)->e_phnum = 2000; emit(&c, "many-phdrs", 0755);
	start(&c); ehdr(c.d, c.size)->e_phoff = 1ULL << 62; emit(&c, "phoff-past-eof", 0755);
	start(&c); eh = ehdr(c.d, c.size);
	for (i = 0; i < eh->e_phnum; i++)
		if (phdr(c.d, c.size, i)->p_type == PT_LOAD)
			phdr(c.d, c.size, i)->p_type = PT_NOTE;
	emit(&c, "no-load", 0755);
	start(&c); ehdr(c.d, c.size)->e_entry = 0x1000; emit(&c, "entry-unmapped", 0755);
	/* a PT_INTERP naming a loader the root does not have: the string is appended */
	start(&c); i = find_phdr(c.d, c.size, PT_GNU_STACK, 0);
	if (i < 0)
		die("%s: no PT_GNU_STACK to turn into a PT_INTERP", base->name);
	ph = phdr(c.d, c.size, i);
	ph->p_type = PT_INTERP;
	ph->p_offset = c.size;
	ph->p_filesz = ph->p_memsz = sizeof("/lib/ld-nonexistent.so.1");
	memcpy(c.d + c.size, "/lib/ld-nonexistent.so.1", ph->p_filesz);
	c.size += ph->p_filesz;
	emit(&c, "interp-missing", 0755);
	start(&c); emit(&c, "no-exec-perm", 0644);
	snprintf(path, sizeof(path), "%s/directory", dir);
	if (mkdir(path, 0755) && errno != EEXIST)
		die("cannot create %s", path);
	snprintf(path, sizeof(path), "%s/script-loop", dir);
	spit(path, "#!./script-loop\n", 16, 0755);
	snprintf(path, sizeof(path), "%s/script-missing", dir);
	spit(path, "#!/nonexistent/interpreter\n", 27, 0755);
	snprintf(path, sizeof(path), "%s/script-ok", dir);
	spit(path, "#!./ok\n", 7, 0755);
	snprintf(path, sizeof(path), "%s/text", dir);
	spit(path, "just text\n", 10, 0755);
}

/* ---- the fuzzer ---- */

static pid_t spawn(struct slot *s)
{
	char tbuf[32];
	pid_t pid = fork();

	if (pid)
		return pid;
	setpgid(0, 0);
	snprintf(tbuf, sizeof(tbuf), "%u", timeout_s);
	if (!freopen(s->out, "w", stdout) || !freopen(s->err, "w", stderr) ||
	    !freopen("/dev/null", "r", stdin))
		_exit(125);
	/* the case is its own root: a mutated program opens nothing of ours */
	{
		char *argv[64], *copy = strdup(s->args), *tok, *save;
		int argc = 0;

		argv[argc++] = (char *)vmm_path;
		argv[argc++] = "--mem";
		argv[argc++] = "64M";
		argv[argc++] = "--timeout";
		argv[argc++] = tbuf;
		argv[argc++] = "--root";
		argv[argc++] = tmpdir;
		argv[argc++] = s->file;
		for (tok = strtok_r(copy, " ", &save); tok && argc < 63; tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
		argv[argc] = NULL;
		execv(vmm_path, argv);
	}
	_exit(125);
}

static bool has(const char *s, const char *what)
{
	return strstr(s, what) != NULL;
}

static enum outcome classify(int wstatus, const char *err, const char **why)
{
	int st;

	*why = "";
	if (WIFSIGNALED(wstatus))
		return *why = "the monitor died of a signal", MONITOR_FAILURE;
	if (has(err, "AddressSanitizer") || has(err, "LeakSanitizer") || has(err, "runtime error:"))
		return *why = "sanitizer report", MONITOR_FAILURE;
	if (has(err, "monitor bug") || has(err, "MMU invariant broken"))
		return *why = "monitor bug", MONITOR_FAILURE;
	if (has(err, "elf-mutate: hang"))
		return *why = "hang past --timeout", MONITOR_FAILURE;
	st = WEXITSTATUS(wstatus);
	if (st == 126 && has(err, "vmm: error: "))
		return REFUSED;
	if (st == 125)
		return *why = "could not run the monitor", MONITOR_FAILURE;
	if (st == 124 && has(err, "vmm: timeout"))
		return RAN;
	if (st > 128 && st < 128 + 65 && has(err, "killed by"))
		return RAN;
	/* die(), or a leak found at exit; the guest's own lines never start so */
	if ((st == 127 || st == 70) && (!strncmp(err, "vmm: ", 5) || has(err, "\nvmm: ")))
		return *why = "the monitor gave up", MONITOR_FAILURE;
	/* any other status is the program's own, whatever it is */
	return RAN;
}

static void first_line(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && s[i] && s[i] != '\n'; i++)
		buf[i] = s[i] == ',' || s[i] == '"' ? ';' : s[i];
	buf[i] = 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: elf-mutate --corpus DIR BASE\n"
		"       elf-mutate [--vmm PATH] [--cases N] [--seed S] [--jobs J] [--timeout SECS]\n"
		"                  [--keep DIR] [--csv FILE] BASE...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vmm", required_argument, NULL, 'v' }, { "cases", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' }, { "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' }, { "keep", required_argument, NULL, 'k' },
		{ "csv", required_argument, NULL, 'o' }, { "corpus", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long cases = 100, seed = 1, next = 0, done = 0;
	unsigned long counts[NR_OUTCOMES] = { 0 }, failures = 0;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	const char *keep = NULL, *csv_path = NULL, *corpus = NULL;
	struct image *bases;
	struct slot *slots;
	int nbases, c, i;
	FILE *csv = NULL;
	time_t t0 = time(NULL);

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'v': vmm_path = optarg; break;
		case 'n': cases = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'j': jobs = atol(optarg); break;
		case 't': timeout_s = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'k': keep = optarg; break;
		case 'o': csv_path = optarg; break;
		case 'c': corpus = optarg; break;
		default: usage();
		}
	}
	if (optind >= argc || jobs < 1 || !timeout_s)
		usage();
	nbases = argc - optind;
	bases = calloc((size_t)nbases, sizeof(*bases));
	for (i = 0; i < nbases; i++) {
		char *sp = strchr(argv[optind + i], ' ');

		bases[i].args = sp ? sp + 1 : "arg";
		if (sp)
			*sp = 0;
		bases[i].name = argv[optind + i];
		bases[i].data = slurp(bases[i].name, &bases[i].size);
		if (!bases[i].data)
			die("cannot read %s", bases[i].name);
	}
	if (corpus) {
		write_corpus(corpus, &bases[0]);
		return 0;
	}
	if (access(vmm_path, X_OK))
		die("%s: not an executable monitor (--vmm)", vmm_path);
	if (!mkdtemp(tmpdir))
		die("mkdtemp: %s", strerror(errno));
	if (csv_path) {
		csv = fopen(csv_path, "w");
		if (!csv)
			die("cannot write %s", csv_path);
		fprintf(csv, "case,base,size,outcome,exit_status,signal,why,stderr_first_line\n");
	}
	if (keep && mkdir(keep, 0755) && errno != EEXIST)
		die("cannot create %s", keep);
	slots = calloc((size_t)jobs, sizeof(*slots));
	while (done < cases) {
		int wstatus;
		pid_t pid;

		for (i = 0; i < jobs && next < cases; i++) {
			struct slot *s = &slots[i];
			const struct image *b = &bases[next % (unsigned long)nbases];
			uint8_t *d;
			size_t size;

			if (s->pid > 0)
				continue;
			rng_state = (seed * 0x9e3779b97f4a7c15ULL) ^ (next + 1) * 0xbf58476d1ce4e5b9ULL;
			if (!rng_state)
				rng_state = 1;
			d = malloc(b->size + 1);
			memcpy(d, b->data, b->size);
			size = mutate(d, b->size);
			s->n = next;
			/* in a directory per slot, under the base's own name (busybox's applet) */
			snprintf(s->file, sizeof(s->file), "%s/%d", tmpdir, i);
			mkdir(s->file, 0755);
			snprintf(s->file, sizeof(s->file), "%s/%d/%s", tmpdir, i,
				 strrchr(b->name, '/') ? strrchr(b->name, '/') + 1 : b->name);
			s->args = b->args;
			snprintf(s->out, sizeof(s->out), "%s/%d.out", tmpdir, i);
			snprintf(s->err, sizeof(s->err), "%s/%d.err", tmpdir, i);
			spit(s->file, d, size, 0755);
			free(d);
			s->started = time(NULL);
			s->pid = spawn(s);
			next++;
		}
		pid = waitpid(-1, &wstatus, WNOHANG);
		if (pid <= 0) {
			time_t now = time(NULL);

			for (i = 0; i < jobs; i++) {
				struct slot *s = &slots[i];
				FILE *f;

				if (s->pid <= 0 || now - s->started <= timeout_s + HANG_GRACE_S)
					continue;
				f = fopen(s->err, "a");
				if (f) {
					fprintf(f, "elf-mutate: hang: still running %u s past --timeout\n",
						HANG_GRACE_S);
					fclose(f);
				}
				kill(-s->pid, SIGKILL);
			}
			usleep(10000);
			continue;
		}
		for (i = 0; i < jobs; i++) {
			struct slot *s = &slots[i];
			const char *why;
			enum outcome o;
			char line[200];
			size_t len;
			char *err;
			struct stat st;

			if (s->pid != pid)
				continue;
			err = (char *)slurp(s->err, &len);
			o = err ? classify(wstatus, err, &why) : MONITOR_FAILURE;
			if (!err)
				why = "no stderr file";
			counts[o]++;
			first_line(err ? err : "", line, sizeof(line));
			if (o == MONITOR_FAILURE) {
				failures++;
				fprintf(stderr, "elf-mutate: case %lu (seed %lu, %s): %s: %s\n", s->n,
					seed, bases[s->n % (unsigned long)nbases].name, why, line);
				if (keep) {
					char path[4096];

					snprintf(path, sizeof(path), "%s/case-%lu", keep, s->n);
					rename(s->file, path);
					snprintf(path, sizeof(path), "%s/case-%lu.err", keep, s->n);
					rename(s->err, path);
				}
			}
			if (csv)
				fprintf(csv, "%lu,%s,%lld,%s,%d,%d,\"%s\",\"%s\"\n", s->n,
					bases[s->n % (unsigned long)nbases].name,
					stat(s->file, &st) ? -1LL : (long long)st.st_size,
					outcome_names[o],
					WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1,
					WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0, why, line);
			free(err);
			unlink(s->file);
			unlink(s->out);
			unlink(s->err);
			s->pid = 0;
			done++;
		}
	}
	if (csv)
		fclose(csv);
	for (i = 0; i < jobs; i++) {
		char path[160];

		snprintf(path, sizeof(path), "%s/%d", tmpdir, i);
		rmdir(path);
	}
	rmdir(tmpdir);
	printf("%lu cases (seed %lu, %d base%s, %ld jobs, %lds):", cases, seed, nbases,
	       nbases == 1 ? "" : "s", jobs, (long)(time(NULL) - t0));
	for (i = 0; i < NR_OUTCOMES; i++)
		printf(" %s=%lu", outcome_names[i], counts[i]);
	printf("\n");
	return failures ? 1 : 0;
}
