// SPDX-License-Identifier: GPL-2.0
/*
 * Job control: process groups and sessions (setpgid, getpgid, setsid and
 * their errors), kill() to a group, stopping and continuing a child with
 * the wait statuses and SIGCHLD codes its parent sees, wait4/waitid flags,
 * exit codes and signal deaths.  Pids differ from a native run, so only
 * their relations are printed.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "testlib.h"

static volatile int *shared;	/* MAP_SHARED: the children's progress */

static void show_status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else if (WIFSTOPPED(st))
		printf("%s: stopped by signal %d\n", what, WSTOPSIG(st));
	else if (WIFCONTINUED(st))
		printf("%s: continued\n", what);
	else
		printf("%s: status %#x\n", what, st);
}

static const char *err(long r)
{
	return r < 0 ? strerror(errno) : "ok";
}

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

static void groups(void)
{
	pid_t me = getpid(), c;
	int st;

	printf("getpgrp == getpgid(0): %s\n", yes(getpgrp() == getpgid(0)));
	printf("getsid(0) == getsid(getpid()): %s\n", yes(getsid(0) == getsid(me)));
	printf("getpgid(no such pid): %s\n", err(getpgid(0x3ffffff0)));
	printf("getsid(no such pid): %s\n", err(getsid(0x3ffffff0)));
	printf("setpgid(0, -1): %s\n", err(setpgid(0, -1)));
	printf("setpgid(no such pid, 0): %s\n", err(setpgid(0x3ffffff0, 0)));
	printf("setpgid(parent, 0): %s\n", err(setpgid(getppid(), 0)));
	printf("setpgid(0, no such group): %s\n", err(setpgid(0, 0x3ffffff0)));

	/* a child in a group of its own, then setsid() as its leader */
	shared[0] = 0;
	c = fork();
	if (!c) {
		setpgid(0, 0);
		printf("child: getpgrp == getpid: %s\n", yes(getpgrp() == getpid()));
		printf("child: setsid as group leader: %s\n", err(setsid()));
		shared[0] = 1;
		while (shared[0] != 2)
			sched_yield();
		_exit(0);
	}
	while (shared[0] != 1)
		sched_yield();
	printf("setpgid(child, child): %s\n", err(setpgid(c, c)));
	printf("getpgid(child) == child: %s\n", yes(getpgid(c) == c));
	printf("getsid(child) == getsid(0): %s\n", yes(getsid(c) == getsid(0)));
	shared[0] = 2;
	waitpid(c, &st, 0);
	show_status("group child", st);

	/* a child in a session of its own */
	shared[0] = 0;
	c = fork();
	if (!c) {
		pid_t s = setsid();

		printf("child: setsid == getpid: %s\n", yes(s == getpid()));
		printf("child: getsid(0) == getpid: %s\n", yes(getsid(0) == getpid()));
		printf("child: getpgrp == getpid: %s\n", yes(getpgrp() == getpid()));
		printf("child: setsid again: %s\n", err(setsid()));
		printf("child: setpgid into the parent's group: %s\n",
		       err(setpgid(0, getpgid(getppid()))));
		shared[0] = 1;
		while (shared[0] != 2)
			sched_yield();
		_exit(3);
	}
	while (shared[0] != 1)
		sched_yield();
	printf("getsid(child) == child: %s\n", yes(getsid(c) == c));
	printf("setpgid(child in another session): %s\n", err(setpgid(c, c)));
	/* waitpid(0) is our group's children: that one left it */
	printf("waitpid(0, WNOHANG) with the child elsewhere: %s\n",
	       err(waitpid(0, &st, WNOHANG)));
	shared[0] = 2;
	printf("waitpid(-child) reaps it: %s\n", yes(waitpid(-c, &st, 0) == c));
	show_status("session child", st);
}

/* the child exec'ed itself: setpgid() on it is EACCES */
static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	got_usr1 = 1;
}

static void exec_child(const char *self)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t block, old;
	pid_t c;
	int st;

	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	c = fork();
	if (!c) {
		char *argv[] = { (char *)self, "exec-child", NULL };

		execv(self, argv);
		_exit(127);
	}
	while (!got_usr1)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("setpgid(child after execve): %s\n", err(setpgid(c, c)));
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	show_status("exec'ed child", st);
}

static void pause_forever(void)
{
	for (;;)
		pause();
}

static void kill_group(void)
{
	pid_t a, b;
	int st, n = 0;

	a = fork();
	if (!a) {
		setpgid(0, 0);
		pause_forever();
	}
	setpgid(a, a);
	b = fork();
	if (!b) {
		setpgid(0, a);
		pause_forever();
	}
	setpgid(b, a);
	printf("getpgid(second) == first: %s\n", yes(getpgid(b) == a));
	printf("kill(-group, 0): %s\n", err(kill(-a, 0)));
	printf("kill(0, 0): %s\n", err(kill(0, 0)));
	printf("kill(-group, SIGTERM): %s\n", err(kill(-a, SIGTERM)));
	while (waitpid(-a, &st, 0) > 0) {
		show_status(n ? "second of the group" : "first of the group", st);
		n++;
	}
	printf("kill(-group) once it is gone: %s\n", err(kill(-a, SIGTERM)));
	printf("kill(INT_MIN, 0): %s\n", err(kill(-2147483647 - 1, 0)));
}

/*
 * SIGCHLD is blocked: its siginfo is taken with sigtimedwait, waiting up
 * to a second where one is due (the child itself sends CLD_CONTINUED
 * when it runs again), not at all where none is.
 */
static void sigchld(const char *what, int due)
{
	struct timespec ts = { due, 0 };
	siginfo_t si;
	sigset_t set;
	const char *code;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	r = sigtimedwait(&set, &si, &ts);
	if (r < 0) {
		printf("%s: no SIGCHLD (%s)\n", what, strerror(errno));
		return;
	}
	switch (si.si_code) {
	case CLD_EXITED: code = "CLD_EXITED"; break;
	case CLD_KILLED: code = "CLD_KILLED"; break;
	case CLD_DUMPED: code = "CLD_DUMPED"; break;
	case CLD_STOPPED: code = "CLD_STOPPED"; break;
	case CLD_CONTINUED: code = "CLD_CONTINUED"; break;
	default: code = "?"; break;
	}
	printf("%s: SIGCHLD %s status %d\n", what, code, si.si_status);
}

/*
 * The child counts while it runs: a stopped one does not.  It leads a
 * group of its own, whose parent is in another group of the session: not
 * an orphaned group, so SIGTSTP and SIGTTIN stop it wherever the test runs.
 */
static void spin_child(void)
{
	setpgid(0, 0);
	for (;;) {
		shared[1]++;
		sched_yield();
	}
}

/* whether the spinning child moves its counter within 200 ms */
static int runs(void)
{
	int before = shared[1];
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (shared[1] == before &&
		 (t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec - t0.tv_nsec < 200000000L);
	return shared[1] != before;
}

static void stop_continue(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	siginfo_t si;
	sigset_t set;
	pid_t c;
	int st;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	shared[1] = 0;
	c = fork();
	if (!c)
		spin_child();
	while (!shared[1])
		sched_yield();
	printf("waitpid(WNOHANG|WUNTRACED) while it runs: %d\n",
	       (int)waitpid(c, &st, WNOHANG | WUNTRACED));

	kill(c, SIGSTOP);
	printf("waitpid(WUNTRACED) after SIGSTOP: %s\n", yes(waitpid(c, &st, WUNTRACED) == c));
	show_status("  status", st);
	sigchld("  after SIGSTOP", 1);
	printf("  the stopped child runs: %s\n", yes(runs()));
	printf("  the stop is reported once: %d\n", (int)waitpid(c, &st, WNOHANG | WUNTRACED));
	printf("  waitpid without WUNTRACED does not see it: %d\n",
	       (int)waitpid(c, &st, WNOHANG));

	kill(c, SIGCONT);
	printf("waitpid(WCONTINUED) after SIGCONT: %s\n", yes(waitpid(c, &st, WCONTINUED) == c));
	show_status("  status", st);
	/* Linux sends CLD_CONTINUED when the child runs again */
	printf("  the continued child runs: %s\n", yes(runs()));
	sigchld("  after SIGCONT", 1);

	kill(c, SIGTSTP);
	memset(&si, 0, sizeof(si));
	printf("waitid(WSTOPPED|WNOWAIT) after SIGTSTP: %s\n",
	       err(waitid(P_PID, c, &si, WSTOPPED | WNOWAIT)));
	printf("  si_pid == child: %s, si_code CLD_STOPPED: %s, si_status %d\n",
	       yes(si.si_pid == c), yes(si.si_code == CLD_STOPPED), si.si_status);
	memset(&si, 0, sizeof(si));
	printf("  again without WNOWAIT: %s", err(waitid(P_PID, c, &si, WSTOPPED)));
	printf(", si_status %d\n", si.si_status);
	memset(&si, 0, sizeof(si));
	printf("  then with WNOHANG: %s", err(waitid(P_PID, c, &si, WSTOPPED | WNOHANG)));
	printf(", si_pid 0: %s\n", yes(si.si_pid == 0));
	sigchld("  after SIGTSTP", 1);
	kill(c, SIGCONT);
	waitpid(c, &st, WCONTINUED);
	runs();
	sigchld("  after SIGCONT", 1);

	/* SIGTTIN stops it too; SIGCONT continues it */
	kill(c, SIGTTIN);
	waitpid(c, &st, WUNTRACED);
	show_status("after SIGTTIN", st);
	sigchld("  after SIGTTIN", 1);
	kill(c, SIGCONT);
	memset(&si, 0, sizeof(si));
	printf("waitid(WCONTINUED): %s", err(waitid(P_PID, c, &si, WCONTINUED)));
	printf(", CLD_CONTINUED: %s, si_status %d\n", yes(si.si_code == CLD_CONTINUED),
	       si.si_status);
	runs();
	sigchld("  after SIGCONT", 1);

	/* SA_NOCLDSTOP: no SIGCHLD for a stop, the wait still sees it */
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	kill(c, SIGSTOP);
	waitpid(c, &st, WUNTRACED);
	show_status("with SA_NOCLDSTOP", st);
	sigchld("  SA_NOCLDSTOP", 0);
	sa.sa_flags = 0;
	sigaction(SIGCHLD, &sa, NULL);

	/* SIGKILL ends a stopped process */
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	show_status("SIGKILL while stopped", st);
	sigchld("  after SIGKILL", 1);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* exit codes and signal deaths, by wait4 and by waitid */
static void exits(void)
{
	static const struct { const char *what; int code, sig; } cases[] = {
		{ "exit(0)", 0, 0 }, { "exit(255)", 255, 0 }, { "exit(256)", 256, 0 },
		{ "exit(-1)", -1, 0 }, { "SIGTERM", 0, SIGTERM }, { "SIGKILL", 0, SIGKILL },
		{ "SIGUSR2", 0, SIGUSR2 }, { "SIGHUP", 0, SIGHUP },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		siginfo_t si;
		pid_t c;
		int st;

		c = fork();
		if (!c) {
			if (cases[i].sig)
				raise(cases[i].sig);
			_exit(cases[i].code);
		}
		if (i & 1) {
			waitpid(c, &st, 0);
			show_status(cases[i].what, st);
			continue;
		}
		memset(&si, 0, sizeof(si));
		waitid(P_ALL, 0, &si, WEXITED);
		printf("%s: waitid si_code %s si_status %d, si_pid == child: %s\n", cases[i].what,
		       si.si_code == CLD_EXITED ? "CLD_EXITED" :
		       si.si_code == CLD_KILLED ? "CLD_KILLED" : "other",
		       si.si_status, yes(si.si_pid == c));
	}
	printf("wait with no children: %s\n", err(wait(NULL)));
	printf("waitid(P_PID, 0): %s\n", err(waitid(P_PID, 0, NULL, WEXITED)));
	printf("waitid without WEXITED|WSTOPPED|WCONTINUED: %s\n",
	       err(waitid(P_ALL, 0, NULL, WNOHANG)));
	printf("wait4(INT_MIN): %s\n", err(waitpid(-2147483647 - 1, NULL, 0)));
	printf("wait4 with a bad option: %s\n", err(waitpid(-1, NULL, 0x100)));
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "exec-child")) {
		kill(getppid(), SIGUSR1);
		pause_forever();
	}
	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 1;
	groups();
	exec_child(argv[0]);
	kill_group();
	stop_continue();
	exits();
	return 0;
}
