// SPDX-License-Identifier: GPL-2.0
/*
 * A vfork parent goes on only when its vfork child execs or exits, not
 * when another child exits (found by tests/real: glibc's popen() of two
 * commands at once; the parent unmapped the spawn stack its second child
 * still ran on).  Linux: wait_for_vfork_done() is a killable wait.
 * Exits 0 when the monitor answers as Linux does.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int child_done;

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void on_chld(int sig)
{
	(void)sig;
}

int main(void)
{
	pid_t other, v;
	int st;

	signal(SIGCHLD, on_chld);	/* the other child's exit is delivered */
	other = fork();
	if (other == 0) {
		nap(20);
		_exit(0);
	}
	v = vfork();
	if (v == 0) {
		nap(200);		/* the other child exits meanwhile */
		child_done = 1;
		_exit(0);
	}
	printf("vfork parent went on after its child: %s\n", child_done ? "yes" : "no");
	waitpid(v, &st, 0);
	waitpid(other, &st, 0);
	return child_done ? 0 : 1;
}
