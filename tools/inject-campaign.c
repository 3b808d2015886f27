// SPDX-License-Identifier: GPL-2.0
/*
 * A fault-injection campaign: one guest program, a set of injection points
 * and a range of seeds.  Each (point, seed) runs under the monitor with
 *   --inject POINT:KNOBS --seed SEED
 * in parallel on the machine's cores, and is classified against a
 * reference run without injection:
 *
 *   correct        same output and exit status as the reference
 *   clean-error    the guest saw what Linux would give it: an errno it
 *                  reported, SIGBUS, or an OOM kill
 *   crash-report   the guest died of a signal and the monitor reported it
 *   detected       the monitor's checker caught the corruption (--check)
 *   wrong-output   the guest finished normally with different output:
 *                  silent corruption
 *   monitor-failure the monitor crashed, hung, leaked or misbehaved:
 *                  must never happen
 *
 * It writes one CSV row per run and prints a table per point.
 *
 *   inject-campaign [--vmm PATH] [--jobs N] [--seeds A-B] [--knobs K]
 *                   [--points p1,p2|all] [--check] [--csv FILE] guest [args]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "campaign.h"
#include "fault_inject.h"

#define TIMEOUT_S	60

enum outcome {
	CORRECT, CLEAN_ERROR, CRASH_REPORT, DETECTED, WRONG_OUTPUT, MONITOR_FAILURE, NR_OUTCOMES
};

static const char *const outcome_names[NR_OUTCOMES] = {
	"correct", "clean-error", "crash-report", "detected", "wrong-output", "monitor-failure",
};

struct run {
	int point;
	unsigned long seed;
	pid_t pid;
	char out[64], err[64];
	time_t started;
};

struct result {
	int wstatus;		/* the monitor's wait status */
	char *out, *err;	/* what it printed */
	size_t out_len;
};

static const char *vmm_path = "build/bin/vmm";
static const char *knobs = "probability=10";
static bool use_check;
static char **guest_argv;
static char tmpdir[] = "/tmp/inject-campaign-XXXXXX";

/* the monitor, its output to files, in its own process group for the timeout */
static pid_t spawn(int point, unsigned long seed, const char *out, const char *err)
{
	char spec[256], seedbuf[32];
	char *argv[64];
	int argc = 0, i;

	snprintf(spec, sizeof(spec), "%s:%s", inject_point_name(point), knobs);
	snprintf(seedbuf, sizeof(seedbuf), "%lu", seed);
	argv[argc++] = (char *)vmm_path;
	if (point >= 0) {
		argv[argc++] = "--inject";
		argv[argc++] = spec;
		argv[argc++] = "--seed";
		argv[argc++] = seedbuf;
	}
	if (use_check)
		argv[argc++] = "--check";
	for (i = 0; guest_argv[i] && argc < 62; i++)
		argv[argc++] = guest_argv[i];
	argv[argc] = NULL;
	return campaign_spawn(argv, NULL, out, err);
}

static bool contains(const char *s, const char *what)
{
	return strstr(s, what) != NULL;
}

static bool reports_errno(const char *s)
{
	return contains(s, "Cannot allocate memory") || contains(s, "Input/output error") ||
	       contains(s, ": Out of memory") || contains(s, ": I/O error");
}

static enum outcome classify(const struct result *ref, const struct result *r)
{
	int status;

	if (campaign_monitor_failure(r->wstatus, r->err))
		return MONITOR_FAILURE;
	status = WEXITSTATUS(r->wstatus);
	if (status == 70 && contains(r->err, "MMU invariant broken"))
		return DETECTED;
	if (status == 126 || status == 127)
		return MONITOR_FAILURE;
	if (status == WEXITSTATUS(ref->wstatus) && r->out_len == ref->out_len &&
	    !memcmp(r->out, ref->out, r->out_len))
		return CORRECT;
	if (status == 128 + SIGBUS || status == 128 + SIGKILL)
		return CLEAN_ERROR;
	if (status > 128)
		return CRASH_REPORT;
	/* an errno the program reported (perror and friends), in glibc's and musl's words */
	if (reports_errno(r->err) || reports_errno(r->out) || status != WEXITSTATUS(ref->wstatus))
		return CLEAN_ERROR;
	return WRONG_OUTPUT;
}

static void collect(struct run *run, int wstatus, struct result *r)
{
	r->wstatus = wstatus;
	r->out = campaign_slurp(run->out, &r->out_len);
	r->err = campaign_slurp(run->err, NULL);
	unlink(run->out);
	unlink(run->err);
}

static void free_result(struct result *r)
{
	free(r->out);
	free(r->err);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: inject-campaign [--vmm PATH] [--jobs N] [--seeds A-B] [--knobs K]\n"
		"                       [--points p1,p2|all] [--check] [--csv FILE] guest [args]\n"
		"points:");
	for (int i = 0; i < NR_INJECT_POINTS; i++)
		fprintf(stderr, " %s", inject_point_name(i));
	fprintf(stderr, "\n");
	exit(2);
}

static int parse_points(const char *list, int *points)
{
	char *copy = strdup(list), *tok, *save;
	int n = 0;

	if (!strcmp(list, "all")) {
		for (n = 0; n < NR_INJECT_POINTS; n++)
			points[n] = n;
		free(copy);
		return n;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int p = inject_point_lookup(tok);

		if (p < 0) {
			fprintf(stderr, "inject-campaign: unknown point '%s' (try --points all)\n", tok);
			exit(2);
		}
		points[n++] = p;
	}
	free(copy);
	return n;
}

static void reap_timeouts(struct run *slots, int jobs)
{
	time_t now = time(NULL);

	for (int i = 0; i < jobs; i++)
		if (slots[i].pid > 0 && now - slots[i].started > TIMEOUT_S)
			campaign_kill_timeout(slots[i].pid, slots[i].err, TIMEOUT_S);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vmm", required_argument, NULL, 'v' }, { "jobs", required_argument, NULL, 'j' },
		{ "seeds", required_argument, NULL, 's' }, { "knobs", required_argument, NULL, 'k' },
		{ "points", required_argument, NULL, 'p' }, { "check", no_argument, NULL, 'c' },
		{ "csv", required_argument, NULL, 'o' }, { NULL, 0, NULL, 0 },
	};
	unsigned long seed_lo = 1, seed_hi = 50;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int points[NR_INJECT_POINTS], npoints = 0, c, i;
	const char *csv_path = "inject-campaign.csv";
	unsigned long counts[NR_INJECT_POINTS][NR_OUTCOMES] = { { 0 } };
	unsigned long total, next = 0, done = 0, failures = 0;
	struct result ref;
	struct run *slots, probe = { .point = -1 };
	FILE *csv;
	int wstatus;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'v': vmm_path = optarg; break;
		case 'j': jobs = atol(optarg); break;
		case 's':
			if (sscanf(optarg, "%lu-%lu", &seed_lo, &seed_hi) != 2 || seed_hi < seed_lo)
				usage();
			break;
		case 'k': knobs = optarg; break;
		case 'p': npoints = parse_points(optarg, points); break;
		case 'c': use_check = true; break;
		case 'o': csv_path = optarg; break;
		default: usage();
		}
	}
	if (optind >= argc || jobs < 1)
		usage();
	guest_argv = argv + optind;
	if (!npoints)
		npoints = parse_points("all", points);
	if (!mkdtemp(tmpdir)) {
		perror("inject-campaign: mkdtemp");
		return 1;
	}
	/* the reference: the same command without injection */
	snprintf(probe.out, sizeof(probe.out), "%s/ref.out", tmpdir);
	snprintf(probe.err, sizeof(probe.err), "%s/ref.err", tmpdir);
	probe.pid = spawn(-1, 0, probe.out, probe.err);
	waitpid(probe.pid, &wstatus, 0);
	collect(&probe, wstatus, &ref);
	if (WIFSIGNALED(wstatus) || WEXITSTATUS(wstatus) >= 126) {
		fprintf(stderr, "inject-campaign: the reference run failed (status %#x): %s\n",
			wstatus, ref.err);
		return 1;
	}
	csv = fopen(csv_path, "w");
	if (!csv) {
		perror(csv_path);
		return 1;
	}
	fprintf(csv, "point,seed,knobs,outcome,exit_status,signal,stderr_first_line\n");
	total = (unsigned long)npoints * (seed_hi - seed_lo + 1);
	slots = calloc((size_t)jobs, sizeof(*slots));
	while (done < total) {
		pid_t pid;

		for (i = 0; i < jobs && next < total; i++) {
			struct run *s = &slots[i];

			if (s->pid > 0)
				continue;
			s->point = points[next % (unsigned long)npoints];
			s->seed = seed_lo + next / (unsigned long)npoints;
			snprintf(s->out, sizeof(s->out), "%s/%d.out", tmpdir, i);
			snprintf(s->err, sizeof(s->err), "%s/%d.err", tmpdir, i);
			s->started = time(NULL);
			s->pid = spawn(s->point, s->seed, s->out, s->err);
			next++;
		}
		pid = waitpid(-1, &wstatus, WNOHANG);
		if (pid <= 0) {
			reap_timeouts(slots, (int)jobs);
			usleep(20000);
			continue;
		}
		for (i = 0; i < jobs; i++) {
			struct run *s = &slots[i];
			struct result r;
			enum outcome o;
			char line[160];

			if (s->pid != pid)
				continue;
			collect(s, wstatus, &r);
			o = classify(&ref, &r);
			counts[s->point][o]++;
			failures += o == MONITOR_FAILURE;
			campaign_first_line(r.err, line, sizeof(line));
			fprintf(csv, "%s,%lu,\"%s\",%s,%d,%d,\"%s\"\n", inject_point_name(s->point),
				s->seed, knobs, outcome_names[o],
				WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1,
				WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0, line);
			free_result(&r);
			s->pid = 0;
			done++;
		}
	}
	fclose(csv);
	rmdir(tmpdir);
	printf("%-16s", "point");
	for (i = 0; i < NR_OUTCOMES; i++)
		printf(" %15s", outcome_names[i]);
	printf("\n");
	for (int p = 0; p < npoints; p++) {
		printf("%-16s", inject_point_name(points[p]));
		for (i = 0; i < NR_OUTCOMES; i++)
			printf(" %15lu", counts[points[p]][i]);
		printf("\n");
	}
	printf("%lu runs (%lu seeds x %d points, knobs '%s'), %lu monitor failures; rows in %s\n",
	       total, seed_hi - seed_lo + 1, npoints, knobs, failures, csv_path);
	free_result(&ref);
	free(slots);
	return failures ? 1 : 0;
}
