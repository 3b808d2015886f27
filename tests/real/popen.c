// SPDX-License-Identifier: GPL-2.0
/*
 * popen and pclose: read a command's output, write to a command's input,
 * and the status pclose returns (exit codes, a signal, a pipeline).
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static void show_status(const char *what, int st)
{
	if (st == -1)
		printf("%s: pclose failed\n", what);
	else if (WIFEXITED(st))
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: status %#x\n", what, st);
}

/* read the output of @cmd, print each line numbered, then pclose's status */
static void read_from(const char *cmd)
{
	char line[256];
	int n = 0;
	FILE *f = popen(cmd, "r");

	if (!f) {
		perror("popen r");
		return;
	}
	while (fgets(line, sizeof(line), f))
		printf("  %d: %s", ++n, line);
	show_status(cmd, pclose(f));
}

int main(void)
{
	FILE *f;
	int i;

	read_from("echo hello; echo world");
	read_from("sort -n /data/numbers | uniq | tail -3");
	read_from("ls /data/tree | sort -r");
	read_from("exit 7");
	read_from("kill -TERM $$");
	read_from("cat /nonexistent 2>/dev/null");

	/* writing: the command's output is our stdout, flushed first */
	fflush(stdout);
	f = popen("sort -r | head -3", "w");
	if (!f) {
		perror("popen w");
		return 1;
	}
	for (i = 0; i < 1000; i++)
		fprintf(f, "line %04d\n", i);
	show_status("sort -r | head -3", pclose(f));

	/* a large transfer through the pipe, counted on the other side */
	fflush(stdout);
	f = popen("wc -c", "w");
	for (i = 0; f && i < 20000; i++)
		fputs("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\n", f);
	if (f)
		show_status("wc -c", pclose(f));

	/* two at once: both pipes open, read alternately */
	{
		FILE *a = popen("seq 1 5", "r"), *b = popen("seq 101 105", "r");
		char la[32], lb[32];

		while (a && b && fgets(la, sizeof(la), a) && fgets(lb, sizeof(lb), b)) {
			la[strcspn(la, "\n")] = 0;
			printf("  %s %s", la, lb);
		}
		if (a)
			show_status("seq a", pclose(a));
		if (b)
			show_status("seq b", pclose(b));
	}
	return 0;
}
