// SPDX-License-Identifier: GPL-2.0
/*
 * execve() of each file named on the command line from a child: what
 * execve returned (an errno), or how the child ended when the kernel (or
 * the monitor) got past the point of no return.  The files are hostile
 * executables (tools/elf-mutate --corpus); the output must be Linux's.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *errname(int e)
{
	switch (e) {
	case ENOEXEC: return "ENOEXEC";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case ELOOP: return "ELOOP";
	case EIO: return "EIO";
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case EPERM: return "EPERM";
	case EISDIR: return "EISDIR";
	case E2BIG: return "E2BIG";
	case EFAULT: return "EFAULT";
	case ENOTDIR: return "ENOTDIR";
	}
	return "other";
}

int main(int argc, char **argv)
{
	/* the child's errno comes back through shared memory (no pipes needed) */
	int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int i, st;

	if (shared == MAP_FAILED)
		return 1;

	for (i = 1; i < argc; i++) {
		char *args[] = { argv[i], "from-exec", NULL };
		char *env[] = { "X=1", NULL };
		int e = 0;
		pid_t pid;

		*shared = 0;
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			return 1;
		if (!pid) {
			/* the program's own output would differ: keep only ours */
			close(1);
			execve(argv[i], args, env);
			*shared = errno;
			_exit(99);
		}
		if (waitpid(pid, &st, 0) != pid)
			return 1;
		e = *shared;
		if (e)
			printf("%s: execve: %s\n", argv[i], errname(e));
		else if (WIFSIGNALED(st))
			printf("%s: executed, killed by %s\n", argv[i], strsignal(WTERMSIG(st)));
		else
			printf("%s: executed, status %d\n", argv[i], WEXITSTATUS(st));
	}
	return 0;
}
