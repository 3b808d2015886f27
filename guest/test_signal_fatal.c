// SPDX-License-Identifier: GPL-2.0
/*
 * Deaths by signal, one per argv[1]; stdout and the exit status (128 + the
 * signal) must match a native run.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile int hits;
static volatile int *volatile bad = (int *)16;

static void jump_handler(int sig)
{
	hits++;
	siglongjmp(env, 1);
}

static void return_handler(int sig)
{
	hits++;
}

/* a SIGSEGV handler that faults itself: the nested SIGSEGV is blocked */
static void faulting_handler(int sig)
{
	hits++;
	*bad = 1;
}

static void install(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

__attribute__((noinline)) static int recurse(volatile char *prev, int n)
{
	volatile char buf[1024];

	buf[0] = (char)n;
	buf[1023] = prev ? prev[0] : 0;
	if (n > 100000000)
		return 0;
	return recurse(buf, n + 1) + buf[5];
}

/* rt_sigreturn with a frame nowhere: SIGSEGV */
static void bad_sigreturn(void)
{
	asm volatile("movq $16, %%rsp\n\tmovl %0, %%eax\n\tsyscall"
		     :: "i"(SYS_rt_sigreturn) : "memory");
}

/* a handler without SA_RESTORER cannot be entered on x86-64: SIGSEGV */
static void no_restorer(void)
{
	struct { void *handler; unsigned long flags; void *restorer; unsigned long mask; }
		ka = { (void *)return_handler, 0, NULL, 0 };

	syscall(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 8);
	raise(SIGUSR1);
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	struct rlimit rl = { 256 * 1024, 256 * 1024 };
	sigset_t set;
	volatile int i;

	printf("fatal %s\n", what);
	fflush(stdout);
	if (!strcmp(what, "resethand")) {
		install(SIGSEGV, jump_handler, SA_RESETHAND);
		for (i = 0; i < 2; i++) {
			if (!sigsetjmp(env, 1))
				*bad = 1;
			printf("fault %d handled, hits %d\n", i, hits);
			fflush(stdout);
		}
	} else if (!strcmp(what, "blocked")) {
		install(SIGSEGV, jump_handler, 0);
		sigemptyset(&set);
		sigaddset(&set, SIGSEGV);
		sigprocmask(SIG_BLOCK, &set, NULL);
		*bad = 1;
	} else if (!strcmp(what, "ignored")) {
		signal(SIGSEGV, SIG_IGN);
		*bad = 1;
	} else if (!strcmp(what, "fpe-blocked")) {
		volatile int zero = 0;

		install(SIGFPE, jump_handler, 0);
		sigemptyset(&set);
		sigaddset(&set, SIGFPE);
		sigprocmask(SIG_BLOCK, &set, NULL);
		printf("%d\n", 7 / zero);
	} else if (!strcmp(what, "nested")) {
		install(SIGSEGV, faulting_handler, 0);
		*bad = 1;
	} else if (!strcmp(what, "overflow")) {
		/* no alternate stack: the handler's frame cannot be written */
		setrlimit(RLIMIT_STACK, &rl);
		install(SIGSEGV, jump_handler, 0);
		recurse(NULL, 0);
	} else if (!strcmp(what, "sigreturn")) {
		bad_sigreturn();
	} else if (!strcmp(what, "restorer")) {
		no_restorer();
	} else if (!strcmp(what, "abort")) {
		install(SIGABRT, return_handler, 0);
		abort();
	} else if (!strcmp(what, "term")) {
		raise(SIGTERM);
	} else if (!strcmp(what, "usr1")) {
		kill(getpid(), SIGUSR1);
	} else if (!strcmp(what, "kill")) {
		install(SIGTERM, return_handler, 0);
		kill(getpid(), SIGKILL);
	} else if (!strcmp(what, "unblock")) {
		sigemptyset(&set);
		sigaddset(&set, SIGQUIT);
		sigprocmask(SIG_BLOCK, &set, NULL);
		raise(SIGQUIT);
		printf("still alive while blocked\n");
		fflush(stdout);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
	} else if (!strcmp(what, "ignore")) {
		raise(SIGCHLD);
		raise(SIGURG);
		raise(SIGWINCH);
		raise(SIGCONT);
	}
	printf("survived, hits %d\n", hits);
	return 0;
}
