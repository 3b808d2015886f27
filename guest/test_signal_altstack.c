// SPDX-License-Identifier: GPL-2.0
/*
 * Stack overflow caught on an alternate stack: the stack limit is lowered
 * so the recursion is short, the SIGSEGV handler runs on the sigaltstack
 * and siglongjmps back.  A second overflow is caught the same way.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static char alt[64 * 1024];
static sigjmp_buf env;
static volatile int on_alt, code, flags;

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	char here;
	stack_t ss;

	on_alt = &here >= alt && &here < alt + sizeof(alt);
	code = si->si_code;
	sigaltstack(NULL, &ss);
	flags = ss.ss_flags;
	siglongjmp(env, 1);
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

int main(void)
{
	struct rlimit rl = { 256 * 1024, 256 * 1024 };
	struct sigaction sa;
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0 };
	int i;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (setrlimit(RLIMIT_STACK, &rl))
		perror("setrlimit");
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = segv_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	for (i = 0; i < 2; i++) {
		on_alt = 0;
		if (!sigsetjmp(env, 1))
			recurse(NULL, 0);
		printf("overflow %d: handler on the alternate stack %d, %s, ss_flags %s\n",
		       i, on_alt, code == SEGV_MAPERR ? "SEGV_MAPERR" :
		       code == SEGV_ACCERR ? "SEGV_ACCERR" : "other",
		       flags == SS_ONSTACK ? "SS_ONSTACK" : "other");
	}
	return 0;
}
