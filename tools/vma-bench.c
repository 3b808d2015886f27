// SPDX-License-Identifier: GPL-2.0
/*
 * vma-bench: one seeded random VMA workload (mmap with MAP_FIXED, munmap,
 * mprotect) run through the MMU library and through the real system calls,
 * with ops/s for both and their ratio.
 *
 * Everything happens inside a 4 GiB arena far from anything the C library
 * uses.  Nothing is ever touched, so neither side allocates memory for the
 * data: the benchmark measures VMA bookkeeping (lookup, split, merge,
 * accounting), which is what the library reimplements.
 *
 * The sequence is generated up front against a page-granular model of the
 * arena.  The model only steers the mix (more mmaps below the target VMA
 * count, more munmaps above it); the two sides never see it.  Mixing
 * PROT_NONE, PROT_READ and PROT_READ|PROT_WRITE keeps neighbours from
 * merging, which is what holds the count near the target.
 *
 * A warm-up prefix of mmaps builds the VMA population before the clock
 * starts.  Each side is run --runs times on a fresh address space; the
 * median is reported.  Afterwards the per-call results and the final
 * layouts (/proc/self/maps vs mm_show_maps()) of the two sides are
 * compared: the numbers only mean something if both did the same work.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "mm.h"

#define ARENA_START	0x200000000000UL
#define ARENA_SIZE	(4UL << 30)
#define ARENA_PAGES	(ARENA_SIZE >> PAGE_SHIFT)
#define MAX_OP_PAGES	16
#define TARGET_VMAS	10000
#define ZONE_SIZE	(64UL << 20)
#define MAX_RUNS	16

enum op_kind { OP_MMAP, OP_MUNMAP, OP_MPROTECT };

struct op {
	uint64_t addr;
	uint32_t len;		/* bytes */
	uint8_t kind;
	uint8_t prot;
};

struct workload {
	struct op *ops;		/* warm-up prefix, then the measured ops */
	size_t nr_warmup, nr_ops;
	size_t nr_kind[3];	/* measured ops by enum op_kind */
};

struct side_result {
	double secs[MAX_RUNS];	/* one per run */
	double median;
	uint64_t vmas;
	uint64_t errors;	/* calls that failed, last run (mprotect over holes) */
	int16_t *ret;		/* per measured op: 0 or -errno, last run */
	char *maps;		/* arena lines of the final layout, last run */
};

static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };

/* ---- random numbers: splitmix64, so a seed means the same on any libc ---- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t n)
{
	return (rng_next() >> 11) % n;
}

/* ---- the generator's model: one byte per arena page, 0 = unmapped ---- */

static uint8_t *model;
static long model_vmas;		/* runs of equal non-zero bytes */

static int run_starts_at(uint64_t i)
{
	return model[i] && (i == 0 || model[i - 1] != model[i]);
}

/* The only starts that can change are inside [first, last + 1]. */
static long count_starts(uint64_t first, uint64_t last)
{
	long n = 0;
	uint64_t i;

	if (last + 1 < ARENA_PAGES)
		last++;
	for (i = first; i <= last; i++)
		n += run_starts_at(i);
	return n;
}

static void model_set(uint64_t pg, uint64_t npages, uint8_t val)
{
	long before = count_starts(pg, pg + npages - 1);

	memset(model + pg, val, npages);
	model_vmas += count_starts(pg, pg + npages - 1) - before;
}

/* how many of the @npages pages from @pg are mapped without a hole (at least 1) */
static uint64_t mapped_run(uint64_t pg, uint64_t npages)
{
	uint64_t n = 1;

	while (n < npages && model[pg + n])
		n++;
	return n;
}

/* mprotect stops at the first hole and does nothing if @pg is unmapped */
static void model_protect(uint64_t pg, uint64_t npages, uint8_t val)
{
	if (model[pg])
		model_set(pg, mapped_run(pg, npages), val);
}

/* A page inside some mapping, so munmap and mprotect mostly do real work. */
static uint64_t pick_mapped_page(void)
{
	uint64_t pg = 0;
	int tries;

	for (tries = 0; tries < 256; tries++) {
		pg = rng_below(ARENA_PAGES);
		if (model[pg])
			break;
	}
	return pg;
}

static void gen_op(struct op *op, enum op_kind kind)
{
	uint64_t npages = 1 + rng_below(MAX_OP_PAGES);
	uint64_t pg;
	int p = rng_below(3);

	if (kind == OP_MMAP) {
		pg = rng_below(ARENA_PAGES - npages + 1);
	} else if (kind == OP_MUNMAP) {
		/* start a few pages early at times, to cut across VMA edges */
		pg = pick_mapped_page();
		pg -= pg < 4 ? pg : rng_below(4);
		if (pg + npages > ARENA_PAGES)
			npages = ARENA_PAGES - pg;
	} else {
		/*
		 * mprotect fails with ENOMEM at the first hole; keep most calls
		 * inside mapped memory so that they do work, and let one in
		 * eight run into a hole to exercise the error path.
		 */
		pg = pick_mapped_page();
		if (pg + npages > ARENA_PAGES)
			npages = ARENA_PAGES - pg;
		if (rng_below(8))
			npages = mapped_run(pg, npages);
	}

	op->kind = kind;
	op->addr = ARENA_START + (pg << PAGE_SHIFT);
	op->len = npages << PAGE_SHIFT;
	op->prot = prots[p];

	if (kind == OP_MMAP)
		model_set(pg, npages, p + 1);
	else if (kind == OP_MUNMAP)
		model_set(pg, npages, 0);
	else
		model_protect(pg, npages, p + 1);
}

/*
 * Steer the VMA count towards the target: mostly mmaps below it, mostly
 * munmaps above it, mprotects throughout.  mprotect splits VMAs and a
 * partial munmap can too, so the shrinking mix has to lean hard on munmap.
 */
static enum op_kind pick_kind(void)
{
	unsigned int r = rng_below(100), mmaps, munmaps;

	if (model_vmas < TARGET_VMAS) {
		mmaps = 55;
		munmaps = 15;
	} else {
		mmaps = 5;
		munmaps = 75;
	}
	if (r < mmaps)
		return OP_MMAP;
	if (r < mmaps + munmaps)
		return OP_MUNMAP;
	return OP_MPROTECT;
}

static int gen_workload(struct workload *w, uint64_t seed, size_t nr_ops)
{
	size_t cap = nr_ops + 4 * TARGET_VMAS, n = 0, i;
	struct op *op;
	int ret = -1;

	rng_state = seed;
	model_vmas = 0;
	model = calloc(ARENA_PAGES, 1);
	w->ops = calloc(cap, sizeof(*w->ops));
	if (!model || !w->ops)
		goto out;

	while (model_vmas < TARGET_VMAS && n < cap - nr_ops)
		gen_op(&w->ops[n++], OP_MMAP);
	w->nr_warmup = n;
	for (i = 0; i < nr_ops; i++) {
		op = &w->ops[n++];
		gen_op(op, pick_kind());
		w->nr_kind[op->kind]++;
	}
	w->nr_ops = nr_ops;
	ret = 0;
out:
	free(model);
	model = NULL;
	return ret;
}

/* ---- timing ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double s[MAX_RUNS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static uint64_t count_errors(const int16_t *ret, size_t n)
{
	uint64_t errors = 0;
	size_t i;

	for (i = 0; i < n; i++)
		errors += ret[i] != 0;
	return errors;
}

/* ---- maps text: keep the lines whose start lies in the arena ---- */

static char *arena_lines(const char *maps, uint64_t *nr_lines)
{
	char *out = malloc(strlen(maps) + 1), *o = out;
	const char *line, *eol;

	if (!out)
		return NULL;
	*nr_lines = 0;
	for (line = maps; *line; line = eol) {
		uint64_t start = strtoull(line, NULL, 16);

		eol = strchrnul(line, '\n');
		if (*eol)
			eol++;
		if (start < ARENA_START || start >= ARENA_START + ARENA_SIZE)
			continue;
		memcpy(o, line, eol - line);
		o += eol - line;
		(*nr_lines)++;
	}
	*o = '\0';
	return out;
}

static char *read_self_maps(void)
{
	size_t cap = 1 << 20, len = 0, n;
	char *buf = malloc(cap), *nbuf;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f || !buf)
		goto fail;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len > 1)
			continue;
		nbuf = realloc(buf, cap *= 2);
		if (!nbuf)
			goto fail;
		buf = nbuf;
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
fail:
	if (f)
		fclose(f);
	free(buf);
	return NULL;
}

/* ---- the native side ---- */

static int native_op(const struct op *op)
{
	void *p;

	switch (op->kind) {
	case OP_MMAP:
		p = mmap((void *)op->addr, op->len, op->prot,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		return p == MAP_FAILED ? -errno : 0;
	case OP_MUNMAP:
		return munmap((void *)op->addr, op->len) ? -errno : 0;
	default:
		return mprotect((void *)op->addr, op->len, op->prot) ? -errno : 0;
	}
}

/* Fail rather than clobber something: the arena must be free at start. */
static int native_check_arena(void)
{
	void *p = mmap((void *)ARENA_START, ARENA_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
		       MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED || p != (void *)ARENA_START) {
		fprintf(stderr, "vma-bench: arena %#lx+%#lx is not free: %s\n",
			ARENA_START, ARENA_SIZE,
			p == MAP_FAILED ? strerror(errno) : "kernel ignored the hint");
		if (p != MAP_FAILED)
			munmap(p, ARENA_SIZE);
		return -1;
	}
	munmap(p, ARENA_SIZE);
	return 0;
}

static int native_run(const struct workload *w, struct side_result *r, int run)
{
	const struct op *ops = w->ops + w->nr_warmup;
	char *maps;
	size_t i;
	double t0;

	munmap((void *)ARENA_START, ARENA_SIZE);
	for (i = 0; i < w->nr_warmup; i++)
		native_op(&w->ops[i]);

	t0 = now();
	for (i = 0; i < w->nr_ops; i++)
		r->ret[i] = native_op(&ops[i]);
	r->secs[run] = now() - t0;
	r->errors = count_errors(r->ret, w->nr_ops);

	free(r->maps);
	maps = read_self_maps();
	r->maps = maps ? arena_lines(maps, &r->vmas) : NULL;
	free(maps);
	munmap((void *)ARENA_START, ARENA_SIZE);
	return r->maps ? 0 : -1;
}

/* ---- the library side ---- */

static long lib_op(struct mm_struct *mm, const struct op *op)
{
	long ret;

	switch (op->kind) {
	case OP_MMAP:
		ret = mm_mmap(mm, op->addr, op->len, op->prot,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
		break;
	case OP_MUNMAP:
		ret = mm_munmap(mm, op->addr, op->len);
		break;
	default:
		ret = mm_mprotect(mm, op->addr, op->len, op->prot);
		break;
	}
	/* nothing faults, so the log stays empty; a monitor would still do this */
	commit_log_done(mm);
	return ret < 0 ? ret : 0;
}

static int lib_run(const struct workload *w, struct side_result *r, int run,
		   void *zone_mem)
{
	const struct op *ops = w->ops + w->nr_warmup;
	struct mm_layout layout = { 0 };	/* Linux's defaults */
	struct zone *zone;
	struct mm_struct *mm = NULL;
	char *maps = NULL;
	int ret = -1;
	size_t i;
	double t0;

	zone = zone_create(zone_mem, ZONE_SIZE);
	if (!zone)
		goto out;
	mm = mm_create(zone, &layout);
	if (!mm)
		goto out;

	for (i = 0; i < w->nr_warmup; i++)
		lib_op(mm, &w->ops[i]);

	t0 = now();
	for (i = 0; i < w->nr_ops; i++)
		r->ret[i] = lib_op(mm, &ops[i]);
	r->secs[run] = now() - t0;
	r->errors = count_errors(r->ret, w->nr_ops);

	free(r->maps);
	maps = mm_show_maps(mm);
	r->maps = maps ? arena_lines(maps, &r->vmas) : NULL;
	if (r->maps && r->vmas != mm->map_count)
		fprintf(stderr, "vma-bench: library: %" PRIu64 " arena VMAs in maps, map_count %" PRIu64 "\n",
			r->vmas, mm->map_count);
	r->vmas = mm->map_count;
	ret = r->maps ? 0 : -1;
out:
	if (ret)
		fprintf(stderr, "vma-bench: library setup failed\n");
	free(maps);
	if (mm)
		mm_destroy(mm);
	if (zone)
		zone_destroy(zone);
	return ret;
}

/* ---- checks and output ---- */

static const char *op_name(enum op_kind kind)
{
	return kind == OP_MMAP ? "mmap" : kind == OP_MUNMAP ? "munmap" : "mprotect";
}

static int compare_results(FILE *out, const struct workload *w,
			   const struct side_result *nat, const struct side_result *lib)
{
	const struct op *ops = w->ops + w->nr_warmup;
	size_t i;

	for (i = 0; i < w->nr_ops; i++) {
		if (nat->ret[i] == lib->ret[i])
			continue;
		fprintf(out, "results differ at op %zu: %s(%#" PRIx64 ", %#x, prot %d): native %s, library %s\n",
			i, op_name(ops[i].kind), ops[i].addr, ops[i].len, ops[i].prot,
			nat->ret[i] ? strerror(-nat->ret[i]) : "ok",
			lib->ret[i] ? strerror(-lib->ret[i]) : "ok");
		return -1;
	}
	return 0;
}

static int compare_layouts(FILE *out, const char *nat, const char *lib)
{
	size_t line = 1, n_len, l_len;

	for (;;) {
		n_len = strchrnul(nat, '\n') - nat;
		l_len = strchrnul(lib, '\n') - lib;
		if (!*nat && !*lib)
			return 0;
		if (n_len != l_len || memcmp(nat, lib, n_len))
			break;
		nat += n_len + !!nat[n_len];
		lib += l_len + !!lib[l_len];
		line++;
	}
	fprintf(out, "layouts differ at arena line %zu:\n  native:  %.*s\n  library: %.*s\n",
		line, *nat ? (int)n_len : 5, *nat ? nat : "(end)",
		*lib ? (int)l_len : 5, *lib ? lib : "(end)");
	return -1;
}

static void print_table(const struct workload *w, const struct side_result *nat,
			const struct side_result *lib, int runs, uint64_t seed)
{
	double n_ops = w->nr_ops / nat->median, l_ops = w->nr_ops / lib->median;

	printf("vma-bench: seed %" PRIu64 ", %zu ops (%zu mmap, %zu munmap, %zu mprotect)\n"
	       "after %zu warm-up mmaps, median of %d runs\n", seed, w->nr_ops,
	       w->nr_kind[OP_MMAP], w->nr_kind[OP_MUNMAP], w->nr_kind[OP_MPROTECT],
	       w->nr_warmup, runs);
	printf("%-8s %8s %8s %11s %12s %9s\n", "side", "ops", "failed",
	       "final VMAs", "ops/s", "ns/op");
	printf("%-8s %8zu %8" PRIu64 " %11" PRIu64 " %12.0f %9.1f\n", "native",
	       w->nr_ops, nat->errors, nat->vmas, n_ops, 1e9 / n_ops);
	printf("%-8s %8zu %8" PRIu64 " %11" PRIu64 " %12.0f %9.1f\n", "library",
	       w->nr_ops, lib->errors, lib->vmas, l_ops, 1e9 / l_ops);
	printf("ratio library/native: %.2f\n", l_ops / n_ops);
}

static void print_csv(const struct workload *w, const struct side_result *nat,
		      const struct side_result *lib, uint64_t seed)
{
	double n_ops = w->nr_ops / nat->median, l_ops = w->nr_ops / lib->median;

	printf("side,seed,ops,warmup,failed,final_vmas,ops_per_s,ratio_library_native\n");
	printf("native,%" PRIu64 ",%zu,%zu,%" PRIu64 ",%" PRIu64 ",%.0f,%.4f\n", seed,
	       w->nr_ops, w->nr_warmup, nat->errors, nat->vmas, n_ops, l_ops / n_ops);
	printf("library,%" PRIu64 ",%zu,%zu,%" PRIu64 ",%" PRIu64 ",%.0f,%.4f\n", seed,
	       w->nr_ops, w->nr_warmup, lib->errors, lib->vmas, l_ops, l_ops / n_ops);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vma-bench [--ops N] [--seed S] [--runs R] [--csv]\n"
		   "  --ops N    measured operations (default 200000)\n"
		   "  --seed S   workload seed (default 1)\n"
		   "  --runs R   runs per side, median reported (default 3, max 16)\n"
		   "  --csv      one CSV line per side, after a header line\n"
		   "exit status: 0, or 1 if the two sides disagree or fail\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ops",  required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "runs", required_argument, NULL, 'r' },
		{ "csv",  no_argument,       NULL, 'c' },
		{ "help", no_argument,       NULL, 'h' },
		{ 0 }
	};
	struct workload w = { 0 };
	struct side_result nat = { 0 }, lib = { 0 };
	uint64_t seed = 1;
	size_t nr_ops = 200000;
	int runs = 3, csv = 0, run, c, ret = 1;
	void *zone_mem = NULL;
	FILE *verdict;

	while ((c = getopt_long(argc, argv, "n:s:r:ch", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': nr_ops = strtoull(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'r': runs = atoi(optarg); break;
		case 'c': csv = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !nr_ops || runs < 1 || runs > MAX_RUNS) {
		usage(stderr);
		return 2;
	}

	if (native_check_arena())
		return 1;
	if (gen_workload(&w, seed, nr_ops))
		goto oom;
	nat.ret = calloc(nr_ops, sizeof(*nat.ret));
	lib.ret = calloc(nr_ops, sizeof(*lib.ret));
	/* the zone stands for guest-physical memory; page alignment as a guest's would be */
	if (!nat.ret || !lib.ret || posix_memalign(&zone_mem, PAGE_SIZE, ZONE_SIZE))
		goto oom;

	for (run = 0; run < runs; run++) {
		if (native_run(&w, &nat, run) || lib_run(&w, &lib, run, zone_mem))
			goto out;
	}
	nat.median = median(nat.secs, runs);
	lib.median = median(lib.secs, runs);

	if (csv)
		print_csv(&w, &nat, &lib, seed);
	else
		print_table(&w, &nat, &lib, runs, seed);

	/* in CSV mode the verdict goes to stderr so stdout stays parseable */
	verdict = csv ? stderr : stdout;
	ret = 0;
	if (compare_results(verdict, &w, &nat, &lib))
		ret = 1;
	else
		fprintf(verdict, "per-call results identical\n");
	if (compare_layouts(verdict, nat.maps, lib.maps))
		ret = 1;
	else
		fprintf(verdict, "layouts identical (%" PRIu64 " VMAs)\n", nat.vmas);
	goto out;
oom:
	fprintf(stderr, "vma-bench: out of memory\n");
out:
	free(zone_mem);
	free(nat.ret);
	free(lib.ret);
	free(nat.maps);
	free(lib.maps);
	free(w.ops);
	return ret;
}
