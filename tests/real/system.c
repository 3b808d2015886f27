// SPDX-License-Identifier: GPL-2.0
/* system(): a shell is there, exit codes, signals, pipelines, output order. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

static void run(const char *cmd)
{
	int st;

	fflush(stdout);
	st = system(cmd);
	if (st == -1)
		printf("[%s]: system failed\n", cmd);
	else if (WIFEXITED(st))
		printf("[%s]: exit %d\n", cmd, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("[%s]: signal %d\n", cmd, WTERMSIG(st));
	else
		printf("[%s]: status %#x\n", cmd, st);
}

int main(void)
{
	printf("shell available: %s\n", system(NULL) ? "yes" : "no");
	run("echo from system");
	run("exit 42");
	run("true");
	run("false");
	run("kill -TERM $$");
	run("kill -KILL $$");
	run("ls /data/tree | sort | head -3");
	run("sort -n /data/numbers | uniq -c | sort -rn | head -2");
	run("cd /data/tree && find . -name '*.txt' | sort");
	run("echo to stderr >&2");
	run("/bin/nonexistent 2>/dev/null");
	run("x=$(echo sub); echo \"$x\"; exit ${#x}");
	run("tar cf - -C /data tree | tar tf - | wc -l");
	run("gzip -c /data/text | gunzip | md5sum");
	return 0;
}
