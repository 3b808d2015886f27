// SPDX-License-Identifier: GPL-2.0
/*
 * Processes: fork trees writing private and shared pages, wait statuses,
 * a child killed by SIGSEGV, vfork and execve, orphans, zombies, kill and
 * SIGCHLD between processes, a spinning child that only the timeslice can
 * take the CPU from, MADV_DONTFORK and MADV_WIPEONFORK.  Pids differ from
 * a native run, so only their relations are printed.
 */
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "testlib.h"

static char *priv;		/* MAP_PRIVATE anonymous */
static volatile int *shared;	/* MAP_SHARED anonymous */

static void show_status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: status %#x\n", what, st);
}

/* each generation adds its depth to the shared counter and its own copy */
static int tree(int depth)
{
	pid_t kids[2];
	int i, sum = 0, st;

	priv[0] = 'a' + depth;
	__sync_fetch_and_add(&shared[0], depth);
	if (depth == 3)
		return depth;
	for (i = 0; i < 2; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			return -100;
		if (kids[i] == 0)
			_exit(tree(depth + 1));
	}
	for (i = 0; i < 2; i++) {
		if (waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st))
			return -100;
		sum += WEXITSTATUS(st);
	}
	/* the children's writes to their copies never reach ours */
	if (priv[0] != 'a' + depth)
		return -100;
	return sum + depth;
}

static void test_tree(void)
{
	int r;

	shared[0] = 0;
	r = tree(0);
	/* depths 0..3: 1, 2, 4, 8 processes */
	printf("tree: sum %d, shared counter %d, priv '%c'\n", r, shared[0], priv[0]);
}

static void test_statuses(void)
{
	int st, i;
	pid_t pid;

	for (i = 0; i < 3; i++) {
		pid = fork();
		if (pid == 0) {
			if (i == 0)
				exit(42);
			if (i == 1)
				*(volatile int *)(uintptr_t)atoi("16") = 1;	/* SIGSEGV */
			raise(SIGTERM);
			_exit(1);
		}
		if (waitpid(pid, &st, 0) != pid)
			printf("waitpid failed: %s\n", strerror(errno));
		show_status(i == 0 ? "exit(42)" : i == 1 ? "segv" : "sigterm", st);
	}
	pid = waitpid(-1, &st, WNOHANG);
	printf("no children: %d %s\n", pid, errno == ECHILD ? "ECHILD" : "?");
}

static void test_ids(void)
{
	pid_t parent = getpid(), pid;
	int st;

	pid = fork();
	if (pid == 0) {
		printf("child: ppid is parent %d, pid differs %d\n", getppid() == parent,
		       getpid() != parent);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	printf("parent: fork returned a new pid %d\n", pid > 0 && pid != parent);
}

static void test_zombie(void)
{
	siginfo_t si;
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(5);
	/* WNOWAIT leaves the zombie for the next wait */
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT))
		printf("waitid: %s\n", strerror(errno));
	printf("waitid: signo %d code %d status %d pid ok %d\n", si.si_signo, si.si_code,
	       si.si_status, si.si_pid == pid);
	printf("zombie still there: %d\n", kill(pid, 0) == 0);
	waitpid(pid, &st, 0);
	show_status("zombie reaped", st);
	printf("gone: %d\n", kill(pid, 0) == -1 && errno == ESRCH);
}

static volatile sig_atomic_t got_chld, chld_code, chld_status;
static volatile sig_atomic_t chld_pid_ok;
static pid_t chld_expect;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	got_chld++;
	chld_code = si->si_code;
	chld_status = si->si_status;
	chld_pid_ok = si->si_pid == chld_expect;
}

/* the parent kills a child that waits in pause(); SIGCHLD says how it died */
static void test_kill_sigchld(void)
{
	struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_RESTART };
	pid_t pid;
	int st;

	sigaction(SIGCHLD, &sa, NULL);
	shared[1] = 0;
	pid = fork();
	if (pid == 0) {
		shared[1] = 1;
		for (;;)
			pause();
	}
	chld_expect = pid;
	while (!shared[1])
		sched_yield();
	kill(pid, SIGUSR1);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	show_status("killed child", st);
	printf("SIGCHLD: %d, code %s, status %d, pid ok %d\n", got_chld,
	       chld_code == CLD_KILLED ? "CLD_KILLED" : "?", chld_status, chld_pid_ok);
	signal(SIGCHLD, SIG_DFL);
}

/* nothing but the timer takes the vCPU away from this child */
static void test_spin(void)
{
	pid_t pid;
	int st;

	shared[2] = 0;
	pid = fork();
	if (pid == 0) {
		while (!shared[2])
			;
		_exit(9);
	}
	shared[2] = 1;	/* the parent gets the CPU back while the child spins */
	waitpid(pid, &st, 0);
	show_status("spinner", st);

	pid = fork();
	if (pid == 0)
		for (;;)
			;
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	show_status("spinner killed", st);
}

/* a grandchild outlives its parent and is reparented */
static void test_orphan(void)
{
	pid_t pid = fork(), mid;
	int st;

	shared[3] = shared[4] = 0;
	if (pid == 0) {
		mid = getpid();
		if (fork() == 0) {
			while (!shared[3])
				sched_yield();
			/* our parent has exited: we belong to a reaper now */
			shared[4] = getppid() != mid ? 1 : 2;
			_exit(0);
		}
		_exit(3);
	}
	waitpid(pid, &st, 0);
	show_status("middle", st);
	shared[3] = 1;
	while (!shared[4])
		sched_yield();
	printf("orphan reparented: %d\n", shared[4] == 1);
}

static void test_fork_advice(void)
{
	char *dont = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *wipe = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	int st;

	dont[0] = 'd';
	wipe[0] = 'w';
	madvise(dont, PAGE, MADV_DONTFORK);
	madvise(wipe, PAGE, MADV_WIPEONFORK);
	pid = fork();
	if (pid == 0) {
		printf("child: wiped page reads %d\n", wipe[0]);
		fflush(stdout);
		dont[0] = 1;	/* not mapped in the child: SIGSEGV */
		_exit(0);
	}
	waitpid(pid, &st, 0);
	show_status("DONTFORK page touched", st);
	printf("parent keeps '%c' '%c'\n", dont[0], wipe[0]);
}

static void test_vfork_exec(const char *self)
{
	char *argv[] = { (char *)self, "exec-child", "one", NULL };
	char *envp[] = { "FROM_EXEC=yes", NULL };
	pid_t pid;
	int st;

	fflush(stdout);
	pid = vfork();
	if (pid == 0) {
		execve(self, argv, envp);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	show_status("vfork+execve", st);

	pid = vfork();
	if (pid == 0)
		_exit(11);
	waitpid(pid, &st, 0);
	show_status("vfork+_exit", st);

	pid = fork();
	if (pid == 0) {
		execve("/nonexistent/program", argv, envp);
		_exit(errno == ENOENT ? 12 : 13);
	}
	waitpid(pid, &st, 0);
	show_status("execve of nothing", st);
}

static int exec_child(int argc, char **argv)
{
	const char *v = getenv("FROM_EXEC");

	printf("exec-child: argc %d, argv[2] %s, FROM_EXEC %s\n", argc, argv[2], v ? v : "-");
	return 7;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec-child"))
		return exec_child(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	priv = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	test_ids();
	test_tree();
	test_statuses();
	test_zombie();
	test_kill_sigchld();
	test_spin();
	test_orphan();
	test_fork_advice();
	test_vfork_exec(argv[0]);
	return 0;
}
