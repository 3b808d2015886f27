// SPDX-License-Identifier: GPL-2.0
/*
 * posix_spawn and posix_spawnp: arguments and environment, file actions
 * (open, dup2, close), a pipe to the child, process groups and signal
 * masks through the attributes, a program that is not there.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void reap(const char *what, pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		printf("%s: waitpid: %s\n", what, strerror(errno));
	else if (WIFEXITED(st))
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: signal %d\n", what, WTERMSIG(st));
}

static void spawn(const char *what, int use_path, const char *prog, char *const argv[],
		  const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
		  char *const envp[])
{
	pid_t pid;
	int err;

	fflush(stdout);
	err = use_path ? posix_spawnp(&pid, prog, fa, attr, argv, envp) :
			 posix_spawn(&pid, prog, fa, attr, argv, envp);
	if (err) {
		printf("%s: posix_spawn: error %d (%s)\n", what, err, strerror(err));
		return;
	}
	reap(what, pid);
}

int main(void)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char buf[4096];
	int p[2], lines = 0;
	unsigned long sum = 0;
	ssize_t n, i;
	pid_t pid;

	{
		char *argv[] = { "echo", "spawned", "with", "args", NULL };

		spawn("echo", 0, "/bin/echo", argv, NULL, NULL, environ);
	}
	{
		char *argv[] = { "sh", "-c", "echo FOO=$FOO; env | sort", NULL };
		char *envp[] = { "FOO=bar", "PATH=/bin", NULL };

		spawn("env", 1, "sh", argv, NULL, NULL, envp);
	}
	{
		char *argv[] = { "sh", "-c", "exit 3", NULL };

		spawn("exit 3", 1, "sh", argv, NULL, NULL, environ);
	}
	{
		char *argv[] = { "nope", NULL };

		spawn("absent", 0, "/bin/nope", argv, NULL, NULL, environ);
		spawn("absent in PATH", 1, "nope", argv, NULL, NULL, environ);
	}
	{
		char *argv[] = { "sh", "-c", "kill -USR1 $$", NULL };

		spawn("signalled", 0, "/bin/sh", argv, NULL, NULL, environ);
	}

	/* sort /data/numbers: stdin opened by the child, stdout into our pipe */
	if (pipe(p)) {
		perror("pipe");
		return 1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/data/numbers", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	{
		char *argv[] = { "sort", "-n", NULL };
		int err = posix_spawnp(&pid, "sort", &fa, NULL, argv, environ);

		close(p[1]);
		if (err) {
			printf("sort: posix_spawnp: error %d (%s)\n", err, strerror(err));
		} else {
			while ((n = read(p[0], buf, sizeof(buf))) > 0)
				for (i = 0; i < n; i++) {
					lines += buf[i] == '\n';
					sum = sum * 31 + (unsigned char)buf[i];
				}
			printf("sort via pipe: %d lines, hash %lx\n", lines, sum);
			reap("sort", pid);
		}
		close(p[0]);
	}
	posix_spawn_file_actions_destroy(&fa);

	/* a file action that fails: the error is posix_spawn's */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/data/nonexistent", O_RDONLY, 0);
	{
		char *argv[] = { "cat", NULL };

		spawn("bad open", 1, "cat", argv, &fa, NULL, environ);
	}
	posix_spawn_file_actions_destroy(&fa);

	/* attributes: a new process group; a blocked, then default signal */
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
	posix_spawnattr_setpgroup(&attr, 0);
	{
		sigset_t set;
		char *argv[] = { "sh", "-c",
				 "[ $(ps -o pid,pgid | awk -v p=$$ '$1 == p { print $2 }') = $$ ] "
				 "&& echo own group; kill -USR2 $$; echo USR2 blocked", NULL };

		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		posix_spawnattr_setsigmask(&attr, &set);
		spawn("attrs", 0, "/bin/sh", argv, NULL, &attr, environ);
	}
	posix_spawnattr_destroy(&attr);
	return 0;
}
