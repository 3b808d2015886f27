// SPDX-License-Identifier: GPL-2.0
/*
 * Starting a program the libc way, built with musl and (guest.mk) with
 * glibc, both static: posix_spawn() (glibc: clone3 with CLONE_VM |
 * CLONE_VFORK | CLONE_CLEAR_SIGHAND on a stack of its own, clone on ENOSYS;
 * musl: clone with CLONE_VM | CLONE_VFORK and a pipe for the child's
 * error), the error it reports from the child, and system() through
 * /bin/sh ("system" argument: needs a static /bin/sh, as the monitor's
 * --root gives it).
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void show_status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: status %#x\n", what, st);
}

static int child(int argc, char **argv)
{
	struct sigaction sa;
	int i;

	for (i = 1; i < argc; i++)
		printf("child argv[%d] = \"%s\"\n", i, argv[i]);
	/* posix_spawn's child starts with the parent's handlers reset */
	sigaction(SIGUSR1, NULL, &sa);
	printf("child: SIGUSR1 handler is SIG_DFL: %s\n",
	       sa.sa_handler == SIG_DFL ? "yes" : "no");
	return 7;
}

static void on_usr1(int sig)
{
}

static void spawn(const char *self)
{
	char *argv[] = { (char *)self, "child", "two words", "", NULL };
	char *none[] = { "/nonexistent/program", NULL };
	pid_t pid;
	int r, st;

	signal(SIGUSR1, on_usr1);
	/* the child prints first: the parent waits before it says anything */
	r = posix_spawn(&pid, self, NULL, NULL, argv, environ);
	if (!r)
		waitpid(pid, &st, 0);
	printf("posix_spawn: %s\n", r ? strerror(r) : "ok");
	if (!r)
		show_status("spawned child", st);
	r = posix_spawn(&pid, none[0], NULL, NULL, none, environ);
	printf("posix_spawn of nothing: %s\n", r ? strerror(r) : "ok");
	if (!r) {
		waitpid(pid, &st, 0);
		show_status("spawned nothing", st);
	}
}

static void run_system(void)
{
	int st = system("echo from the shell; exit 3");

	show_status("system", st);
	st = system(NULL);
	printf("system(NULL): %d\n", st);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "child"))
		return child(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "system")) {
		run_system();
		return 0;
	}
	spawn(argv[0]);
	return 0;
}
