/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the campaigns (inject-campaign.c, fuzz-campaign.c) share: running
 * the monitor with its output in files, in its own process group so that a
 * timeout kills all of it, reading the output back, and the words that
 * mean the monitor itself failed.  Header-only: each tool is one file.
 */
#ifndef TOOLS_CAMPAIGN_H
#define TOOLS_CAMPAIGN_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static inline char *campaign_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (len)
		*len = 0;
	if (!f)
		return strdup("");
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/*
 * @argv in a child of its own process group (the timeout kills the group),
 * in @cwd if not NULL, stdout and stderr to files, stdin from /dev/null.
 * The child exits 126 when it cannot redirect, 127 when it cannot exec.
 */
static inline pid_t campaign_spawn(char *const *argv, const char *cwd, const char *out,
				   const char *err)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	setpgid(0, 0);
	if (!freopen(out, "w", stdout) || !freopen(err, "w", stderr) ||
	    !freopen("/dev/null", "r", stdin) || (cwd && chdir(cwd)))
		_exit(126);
	execv(argv[0], argv);
	_exit(127);
}

/* a line the campaign appends to the run's stderr when it kills a run */
#define CAMPAIGN_TIMEOUT_LINE	"campaign: timeout"

/*
 * A hang is only worth reporting with the stacks of every thread of the
 * monitor: gdb, where there is one, writes them to @path before the run
 * is killed (bounded by timeout(1): a gdb that cannot attach must not hang
 * the campaign in turn).  @path is outside the campaign's temporary folder,
 * which is removed at the end.
 */
static inline void campaign_dump_stacks(pid_t pid, const char *path)
{
	char pidbuf[16];
	pid_t gdb;

	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	gdb = fork();
	if (gdb == 0) {
		if (!freopen(path, "w", stdout) || !freopen(path, "a", stderr) ||
		    !freopen("/dev/null", "r", stdin))
			_exit(126);
		execlp("timeout", "timeout", "60", "gdb", "-batch", "-nx", "-p", pidbuf,
		       "-ex", "thread apply all bt", (char *)NULL);
		_exit(127);
	}
	if (gdb > 0)
		waitpid(gdb, NULL, 0);
}

static inline void campaign_kill_timeout(pid_t pid, const char *err, int timeout_s)
{
	char stacks[64], *said = campaign_slurp(err, NULL);
	bool again = strstr(said, CAMPAIGN_TIMEOUT_LINE) != NULL;
	FILE *f;

	free(said);
	if (again) {	/* killed already, not reaped yet */
		kill(-pid, SIGKILL);
		return;
	}
	snprintf(stacks, sizeof(stacks), "/tmp/campaign-hang-%d.stacks", (int)pid);
	campaign_dump_stacks(pid, stacks);
	f = fopen(err, "a");
	if (f) {
		fprintf(f, CAMPAIGN_TIMEOUT_LINE " after %d s; the monitor's stacks: %s\n",
			timeout_s, stacks);
		fclose(f);
	}
	kill(-pid, SIGKILL);
}

/*
 * The monitor failed whatever the guest did: it died of a signal, a
 * sanitizer reported, it said "monitor bug" (leaked frames and the like),
 * or the campaign timed it out.  An invariant the checker found broken is
 * not in this list: the fault-injection campaign expects those.
 */
static inline const char *campaign_monitor_failure(int wstatus, const char *err)
{
	static const char *const words[] = {
		"AddressSanitizer", "LeakSanitizer", "runtime error:", "monitor bug",
		CAMPAIGN_TIMEOUT_LINE,
	};

	/* the words first: a timeout is also a death by SIGKILL */
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(err, words[i]))
			return words[i];
	if (WIFSIGNALED(wstatus))
		return "the monitor died of a signal";
	return NULL;
}

/* the line a CSV cell may hold: the first line of @s, commas and quotes replaced */
static inline void campaign_first_line(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && s[i] && s[i] != '\n'; i++)
		buf[i] = s[i] == ',' || s[i] == '"' ? ';' : s[i];
	buf[i] = '\0';
}

#endif
