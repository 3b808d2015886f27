// SPDX-License-Identifier: GPL-2.0
/*
 * A system-call fuzz campaign: guest/fuzz_syscalls under the monitor for a
 * range of seeds, each run
 *
 *   vmm --check [--inject SPEC... --seed SEED] fuzz_syscalls SEED CALLS
 *
 * in parallel on the machine's cores, in a scratch directory of its own
 * (the fuzzer's files; the monitor's --root is the current directory), and
 * classified:
 *
 *   ok               the fuzzer got to the end (exit 0)
 *   guest-killed     the calls killed it: 128 + a signal, as the README
 *                    documents (an OOM kill is 137), or the fuzzer's own
 *                    status 3 (a fault it could not recover from)
 *   monitor-failure  anything else: the monitor crashed, a sanitizer
 *                    reported, the invariant checker found the MMU broken
 *                    (status 70), "monitor bug" (leaked frames), a hang
 *                    past the time limit, or a status the README does not
 *                    document
 *
 * For each failure it prints the command that reproduces it and, unless
 * --no-minimise, a minimised list of call indices (delta debugging over
 * the calls the fuzzer makes: it performs only those given with -k, and
 * each call draws its choices from (seed, index) alone) with which the run
 * still fails the same way.  One CSV row per run, one summary line.
 *
 *   fuzz-campaign [--vmm PATH] [--fuzzer PATH] [--seeds A-B] [--calls N]
 *                 [--jobs N] [--timeout S] [--mem SIZE] [--inject SPEC]...
 *                 [--no-check] [--no-minimise] [--budget N] [--csv FILE]
 *                 [-- VMM-OPTIONS]
 *
 * --mem (default 64M) is the monitor's: the checker walks every frame of
 * the zone after every exit, so a small zone makes a run 30 times cheaper.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "campaign.h"

enum outcome { OK, GUEST_KILLED, MONITOR_FAILURE, NR_OUTCOMES };

static const char *const outcome_names[NR_OUTCOMES] = { "ok", "guest-killed", "monitor-failure" };

/* one run of the monitor */
struct job {
	unsigned long seed;
	const char *keep;	/* the fuzzer's -k list, or NULL: every call */
	bool verbose;
	/* filled in by run_jobs() */
	pid_t pid;
	time_t started;
	int wstatus;
	double seconds;
	char *out, *err;
	enum outcome outcome;
	char failure[160];	/* what failed: the classification's key */
};

static const char *vmm_path = "build/bin/vmm";
static const char *fuzzer_path = "build/guest/fuzz_syscalls";
/* the checker walks every frame after every exit: a small zone keeps it cheap */
static const char *mem = "64M";
static unsigned long calls = 500;
static int timeout_s = 120, jobs = 1, budget = 300;
static bool use_check = true, minimise = true;
static char *injects[16];
static int nr_injects;
static char inject_all[1024];
static char **vmm_extra;	/* after "--" */
static char tmpdir[] = "/tmp/fuzz-campaign-XXXXXX";

static char *abs_path(const char *p)
{
	char *r = realpath(p, NULL);

	if (!r) {
		fprintf(stderr, "fuzz-campaign: %s: %s\n", p, strerror(errno));
		exit(2);
	}
	return r;
}

static int build_argv(const struct job *j, char **argv, char *seedbuf, char *callsbuf)
{
	int argc = 0;

	snprintf(seedbuf, 32, "%lu", j->seed);
	snprintf(callsbuf, 32, "%lu", calls);
	argv[argc++] = (char *)vmm_path;
	/* confined to its scratch directory (the default root is the host's /) */
	argv[argc++] = "--root";
	argv[argc++] = ".";
	argv[argc++] = "--mem";
	argv[argc++] = (char *)mem;
	if (use_check)
		argv[argc++] = "--check";
	for (int i = 0; i < nr_injects; i++) {
		argv[argc++] = "--inject";
		argv[argc++] = injects[i];
	}
	if (nr_injects) {
		argv[argc++] = "--seed";
		argv[argc++] = seedbuf;
	}
	for (int i = 0; vmm_extra && vmm_extra[i]; i++)
		argv[argc++] = vmm_extra[i];
	argv[argc++] = (char *)fuzzer_path;
	if (j->verbose)
		argv[argc++] = "-v";
	if (j->keep) {
		argv[argc++] = "-k";
		argv[argc++] = (char *)j->keep;
	}
	argv[argc++] = seedbuf;
	argv[argc++] = callsbuf;
	argv[argc] = NULL;
	return argc;
}

/* the command line a person runs to see the failure again */
static void print_command(FILE *f, const struct job *j)
{
	char seedbuf[32], callsbuf[32], *argv[64];

	build_argv(j, argv, seedbuf, callsbuf);
	for (int i = 0; argv[i]; i++)
		fprintf(f, i ? " %s" : "%s", argv[i]);
	fprintf(f, "\n");
}

static void classify(struct job *j)
{
	const char *why = campaign_monitor_failure(j->wstatus, j->err);
	const char *inv = strstr(j->err, "MMU invariant broken");
	int status = WIFEXITED(j->wstatus) ? WEXITSTATUS(j->wstatus) : -1;

	j->failure[0] = '\0';
	if (why) {
		/* the sanitizer's or the monitor's own line says what it was */
		const char *line = strstr(j->err, why);

		campaign_first_line(line ? line : why, j->failure, sizeof(j->failure));
		j->outcome = MONITOR_FAILURE;
	} else if (inv) {
		campaign_first_line(inv, j->failure, sizeof(j->failure));
		j->outcome = MONITOR_FAILURE;
	} else if (status == 70) {
		snprintf(j->failure, sizeof(j->failure), "status 70 without a checker's line");
		j->outcome = MONITOR_FAILURE;
	} else if (status == 0) {
		j->outcome = OK;
	} else if (status == 3 || (status > 128 && status < 128 + 65)) {
		j->outcome = GUEST_KILLED;
	} else {
		snprintf(j->failure, sizeof(j->failure), "undocumented exit status %d", status);
		j->outcome = MONITOR_FAILURE;
	}
}

/* the kind of failure, without the numbers that change as calls are removed */
static void failure_key(const struct job *j, char *key, size_t n)
{
	size_t i;

	campaign_first_line(j->failure, key, n);
	for (i = 0; key[i]; i++) {
		if (key[i] == ':') {	/* "MMU invariant broken after the exit at rip ...: rss" */
			key[i] = '\0';
			break;
		}
	}
	if (strstr(j->err, "MMU invariant broken")) {
		const char *what = strstr(j->err, "MMU invariant broken");
		const char *colon = strchr(what, ':');

		/* the invariant, first two words: "rss counter", "frame refcount" */
		if (colon) {
			char words[64];

			if (sscanf(colon + 1, " %30s %30s", words, words + 32) == 2)
				snprintf(key, n, "invariant: %s %s", words, words + 32);
		}
	}
}

/*
 * Run @n jobs, @jobs at a time; each job's outcome, output and time filled
 * in.  @report: a line on stderr per failure as it happens (a long campaign
 * shows its findings before the end).
 */
static void run_jobs(struct job *js, int n, bool report)
{
	struct { pid_t pid; int job; char out[64], err[64]; } *slots;
	int next = 0, done = 0, i, wstatus;
	struct timespec t0[4096];

	slots = calloc((size_t)jobs, sizeof(*slots));
	while (done < n) {
		pid_t pid;

		for (i = 0; i < jobs && next < n; i++) {
			char seedbuf[32], callsbuf[32], *argv[64], cwd[96];

			if (slots[i].pid > 0)
				continue;
			snprintf(slots[i].out, sizeof(slots[i].out), "%s/%d.out", tmpdir, i);
			snprintf(slots[i].err, sizeof(slots[i].err), "%s/%d.err", tmpdir, i);
			snprintf(cwd, sizeof(cwd), "%s/%d", tmpdir, i);
			mkdir(cwd, 0700);
			build_argv(&js[next], argv, seedbuf, callsbuf);
			js[next].started = time(NULL);
			clock_gettime(CLOCK_MONOTONIC, &t0[i]);
			slots[i].pid = campaign_spawn(argv, cwd, slots[i].out, slots[i].err);
			slots[i].job = next++;
		}
		pid = waitpid(-1, &wstatus, WNOHANG);
		if (pid <= 0) {
			time_t now = time(NULL);

			for (i = 0; i < jobs; i++)
				if (slots[i].pid > 0 && now - js[slots[i].job].started > timeout_s)
					campaign_kill_timeout(slots[i].pid, slots[i].err, timeout_s);
			usleep(10000);
			continue;
		}
		for (i = 0; i < jobs; i++) {
			struct job *j;
			struct timespec t1;

			if (slots[i].pid != pid)
				continue;
			j = &js[slots[i].job];
			clock_gettime(CLOCK_MONOTONIC, &t1);
			j->seconds = (double)(t1.tv_sec - t0[i].tv_sec) +
				     (double)(t1.tv_nsec - t0[i].tv_nsec) / 1e9;
			j->wstatus = wstatus;
			j->out = campaign_slurp(slots[i].out, NULL);
			j->err = campaign_slurp(slots[i].err, NULL);
			unlink(slots[i].out);
			unlink(slots[i].err);
			classify(j);
			if (report && j->outcome == MONITOR_FAILURE)
				fprintf(stderr, "fuzz-campaign: seed %lu failed: %s\n", j->seed,
					j->failure);
			slots[i].pid = 0;
			done++;
		}
	}
	free(slots);
}

static void free_job(struct job *j)
{
	free(j->out);
	free(j->err);
	j->out = j->err = NULL;
}

/* ---- minimisation ---- */

/* "3,17-20,99" from a sorted list of indices */
static char *format_list(const unsigned long *idx, size_t n)
{
	size_t cap = 32 + n * 24, len = 0, i = 0;
	char *s = malloc(cap);

	s[0] = '\0';
	while (i < n) {
		size_t k = i;

		while (k + 1 < n && idx[k + 1] == idx[k] + 1)
			k++;
		len += (size_t)snprintf(s + len, cap - len, k > i ? "%s%lu-%lu" : "%s%lu",
					len ? "," : "", idx[i], idx[k]);
		i = k + 1;
	}
	if (!n)
		s[0] = '\0';	/* the empty list: no call at all */
	return s;
}

struct minimiser {
	unsigned long seed;
	char key[160];
	int runs;
};

/*
 * Which of the candidate lists still fail the same way: run them all in
 * parallel, return the index of the first that does, or -1.
 */
static int first_failing(struct minimiser *m, unsigned long **cand, size_t *ncand, int n)
{
	struct job *js = calloc((size_t)n, sizeof(*js));
	char **lists = calloc((size_t)n, sizeof(*lists));
	int found = -1;

	for (int i = 0; i < n; i++) {
		lists[i] = format_list(cand[i], ncand[i]);
		js[i].seed = m->seed;
		js[i].keep = lists[i];
	}
	run_jobs(js, n, false);
	m->runs += n;
	for (int i = 0; i < n; i++) {
		char key[160];

		if (found < 0 && js[i].outcome == MONITOR_FAILURE) {
			failure_key(&js[i], key, sizeof(key));
			if (!strcmp(key, m->key))
				found = i;
		}
		free_job(&js[i]);
		free(lists[i]);
	}
	free(js);
	free(lists);
	return found;
}

/* Zeller's ddmin over @idx (@n indices): the list shrinks in place */
static size_t ddmin(struct minimiser *m, unsigned long *idx, size_t n)
{
	size_t parts = 2;

	while (n >= 2 && m->runs < budget) {
		size_t chunk = (n + parts - 1) / parts, nparts = (n + chunk - 1) / chunk;
		unsigned long *cand[2 * 64] = { NULL };
		size_t ncand[2 * 64] = { 0 };
		int nc = 0, hit;

		if (nparts > 64)
			nparts = 64, chunk = (n + 63) / 64;
		/* the subsets first, then the complements */
		for (size_t p = 0; p < nparts; p++) {
			size_t lo = p * chunk, hi = lo + chunk > n ? n : lo + chunk;

			cand[nc] = malloc((hi - lo) * sizeof(long) + 1);
			memcpy(cand[nc], idx + lo, (hi - lo) * sizeof(long));
			ncand[nc++] = hi - lo;
		}
		for (size_t p = 0; nparts > 2 && p < nparts; p++) {
			size_t lo = p * chunk, hi = lo + chunk > n ? n : lo + chunk, k = 0;

			cand[nc] = malloc(n * sizeof(long));
			for (size_t i = 0; i < n; i++)
				if (i < lo || i >= hi)
					cand[nc][k++] = idx[i];
			ncand[nc++] = k;
		}
		hit = first_failing(m, cand, ncand, nc);
		if (hit >= 0) {
			memcpy(idx, cand[hit], ncand[hit] * sizeof(long));
			n = ncand[hit];
			parts = hit < (int)nparts ? 2 : (nparts - 1 > 2 ? nparts - 1 : 2);
		} else if (parts >= n) {
			hit = -2;
		} else {
			parts = parts * 2 > n ? n : parts * 2;
		}
		for (int i = 0; i < nc; i++)
			free(cand[i]);
		if (hit == -2)
			break;
	}
	return n;
}

/* the last call the fuzzer logged before the failure: the calls after it cannot matter */
static unsigned long last_logged_call(struct job *fail)
{
	struct job v = *fail;
	const char *p, *last = NULL;
	unsigned long idx;

	v.verbose = true;
	v.out = v.err = NULL;
	run_jobs(&v, 1, false);
	for (p = v.err; (p = strstr(p, "\n#")) != NULL; p++)
		last = p + 2;
	if (!last && !strncmp(v.err, "#", 1))
		last = v.err + 1;
	/* read before free_job(): last points into v.err */
	idx = last ? strtoul(last, NULL, 10) : calls - 1;
	free_job(&v);
	return idx;
}

static void minimise_failure(FILE *out, struct job *fail)
{
	struct minimiser m = { .seed = fail->seed };
	unsigned long *idx = NULL, last = last_logged_call(fail);
	size_t n;
	char *list;
	struct job shown = *fail;

	failure_key(fail, m.key, sizeof(m.key));
	if (last >= calls)
		last = calls - 1;
	idx = calloc(last + 1, sizeof(*idx));
	for (n = 0; n <= last; n++)
		idx[n] = n;
	{
		unsigned long *c[1] = { idx };
		size_t nc[1] = { n };

		/* the prefix up to the last logged call must fail, or all calls are kept */
		if (first_failing(&m, c, nc, 1) < 0) {
			free(idx);
			idx = calloc(calls, sizeof(*idx));
			for (n = 0; n < calls; n++)
				idx[n] = n;
		}
	}
	n = ddmin(&m, idx, n);
	list = format_list(idx, n);
	shown.keep = list;
	shown.verbose = true;
	fprintf(out, "  minimised to %zu call%s in %d runs (%s):\n    ", n, n == 1 ? "" : "s",
		m.runs, m.runs >= budget ? "budget spent" : "1-minimal");
	print_command(out, &shown);
	free(list);
	free(idx);
}

/* ---- main ---- */

static void usage(void)
{
	fprintf(stderr,
		"usage: fuzz-campaign [--vmm PATH] [--fuzzer PATH] [--seeds A-B] [--calls N]\n"
		"                     [--jobs N] [--timeout S] [--mem SIZE] [--inject SPEC]...\n"
		"                     [--no-check] [--no-minimise] [--budget RUNS] [--csv FILE]\n"
		"                     [-- VMM-OPTIONS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vmm", required_argument, NULL, 'v' }, { "fuzzer", required_argument, NULL, 'f' },
		{ "seeds", required_argument, NULL, 's' }, { "calls", required_argument, NULL, 'n' },
		{ "jobs", required_argument, NULL, 'j' }, { "timeout", required_argument, NULL, 't' },
		{ "inject", required_argument, NULL, 'i' }, { "no-check", no_argument, NULL, 'C' },
		{ "no-minimise", no_argument, NULL, 'M' }, { "budget", required_argument, NULL, 'b' },
		{ "csv", required_argument, NULL, 'o' }, { "mem", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long seed_lo = 1, seed_hi = 4, total, counts[NR_OUTCOMES] = { 0 };
	const char *csv_path = "fuzz-campaign.csv";
	struct job *js;
	FILE *csv;
	int c;

	jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'v': vmm_path = optarg; break;
		case 'f': fuzzer_path = optarg; break;
		case 's':
			if (sscanf(optarg, "%lu-%lu", &seed_lo, &seed_hi) != 2 || seed_hi < seed_lo)
				usage();
			break;
		case 'n': calls = strtoul(optarg, NULL, 0); break;
		case 'j': jobs = atoi(optarg); break;
		case 't': timeout_s = atoi(optarg); break;
		case 'i':
			if (nr_injects == 16)
				usage();
			injects[nr_injects++] = optarg;
			break;
		case 'C': use_check = false; break;
		case 'M': minimise = false; break;
		case 'b': budget = atoi(optarg); break;
		case 'o': csv_path = optarg; break;
		case 'm': mem = optarg; break;
		default: usage();
		}
	}
	if (jobs < 1 || jobs > 4096 || !calls || timeout_s < 1)
		usage();
	vmm_extra = argv + optind;
	/* the runs have their own working directories */
	vmm_path = abs_path(vmm_path);
	fuzzer_path = abs_path(fuzzer_path);
	if (!mkdtemp(tmpdir)) {
		perror("fuzz-campaign: mkdtemp");
		return 2;
	}
	csv = fopen(csv_path, "w");
	if (!csv) {
		perror(csv_path);
		return 2;
	}
	total = seed_hi - seed_lo + 1;
	js = calloc(total, sizeof(*js));
	for (unsigned long i = 0; i < total; i++)
		js[i].seed = seed_lo + i;
	run_jobs(js, (int)total, true);
	/* every --inject, space-separated, in the CSV and the summary */
	for (int i = 0; i < nr_injects; i++)
		snprintf(inject_all + strlen(inject_all), sizeof(inject_all) - strlen(inject_all),
			 "%s%s", i ? " " : "", injects[i]);
	fprintf(csv, "seed,calls,inject,outcome,exit_status,signal,seconds,failure\n");
	for (unsigned long i = 0; i < total; i++) {
		struct job *j = &js[i];

		counts[j->outcome]++;
		fprintf(csv, "%lu,%lu,\"%s\",%s,%d,%d,%.2f,\"%s\"\n", j->seed, calls,
			inject_all, outcome_names[j->outcome],
			WIFEXITED(j->wstatus) ? WEXITSTATUS(j->wstatus) : -1,
			WIFSIGNALED(j->wstatus) ? WTERMSIG(j->wstatus) : 0, j->seconds, j->failure);
		if (j->outcome != MONITOR_FAILURE)
			continue;
		printf("FAIL seed %lu: %s\n  reproduce: ", j->seed, j->failure);
		print_command(stdout, j);
		fflush(stdout);
		if (minimise)
			minimise_failure(stdout, j);
		fflush(stdout);
	}
	fclose(csv);
	printf("%lu runs (seeds %lu-%lu x %lu calls%s%s, %s): ok %lu, guest-killed %lu, "
	       "monitor-failure %lu; rows in %s\n", total, seed_lo, seed_hi, calls,
	       nr_injects ? ", inject " : "", inject_all,
	       use_check ? "--check" : "no --check", counts[OK], counts[GUEST_KILLED],
	       counts[MONITOR_FAILURE], csv_path);
	for (unsigned long i = 0; i < total; i++)
		free_job(&js[i]);
	free(js);
	/* the scratch directories and whatever the fuzzer left in them */
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd))
			fprintf(stderr, "fuzz-campaign: could not remove %s\n", tmpdir);
	}
	return counts[MONITOR_FAILURE] ? 1 : 0;
}
