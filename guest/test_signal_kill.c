// SPDX-License-Identifier: GPL-2.0
/*
 * Signals the program sends itself: raise() and kill() with handlers,
 * si_code and si_pid, blocked signals pending until unblocked, the mask a
 * handler runs with (sa_mask, the signal itself, SA_NODEFER nesting),
 * SA_RESETHAND, SIG_IGN, real-time signals queueing, sigwaitinfo(),
 * sigsuspend() and the sigaltstack() rules.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile int hits, depth, max_depth, last_code, pid_ok, usr2_blocked, self_blocked;
static volatile int order[8], norder;

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	sigset_t cur;

	hits++;
	last_code = si->si_code;
	pid_ok = si->si_pid == getpid() && si->si_uid == getuid();
	sigprocmask(SIG_BLOCK, NULL, &cur);
	usr2_blocked = sigismember(&cur, SIGUSR2);
	self_blocked = sigismember(&cur, sig);
	if (norder < 8)
		order[norder++] = sig;
}

static volatile int calls;

/* raises its own signal: nests with SA_NODEFER, else runs again after */
static void nest_handler(int sig)
{
	calls++;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (calls < 5)
		raise(sig);
	depth--;
}

static void plain_handler(int sig)
{
	hits++;
	if (norder < 8)
		order[norder++] = sig;
}

static void install(int sig, void *fn, int flags, int masked)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (masked)
		sigaddset(&sa.sa_mask, masked);
	sigaction(sig, &sa, NULL);
}

static const char *code_name(int c)
{
	return c == SI_USER ? "SI_USER" : c == SI_TKILL ? "SI_TKILL" :
	       c == SI_QUEUE ? "SI_QUEUE" : "?";
}

static void show_order(const char *what)
{
	int i;

	printf("%s:", what);
	for (i = 0; i < norder; i++)
		printf(" %d", order[i]);
	printf("\n");
	norder = 0;
}

static void test_basic(void)
{
	install(SIGUSR1, info_handler, SA_SIGINFO, SIGUSR2);
	hits = 0;
	raise(SIGUSR1);
	printf("raise: hits %d, %s, pid/uid ok %d, USR2 masked in handler %d, "
	       "USR1 masked %d\n", hits, code_name(last_code), pid_ok,
	       usr2_blocked, self_blocked);
	kill(getpid(), SIGUSR1);
	printf("kill: hits %d, %s, pid/uid ok %d\n", hits, code_name(last_code), pid_ok);
	install(SIGUSR1, info_handler, SA_SIGINFO | SA_NODEFER, 0);
	raise(SIGUSR1);
	printf("SA_NODEFER: USR1 masked in handler %d\n", self_blocked);
}

static void test_pending(void)
{
	sigset_t set, old, pend;

	hits = 0;
	norder = 0;
	install(SIGUSR1, plain_handler, 0, 0);
	install(SIGUSR2, plain_handler, 0, 0);
	install(SIGHUP, plain_handler, 0, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR2);
	raise(SIGUSR1);
	raise(SIGUSR1);
	kill(getpid(), SIGHUP);
	sigpending(&pend);
	printf("pending while blocked: USR1 %d USR2 %d HUP %d TERM %d, hits %d\n",
	       sigismember(&pend, SIGUSR1), sigismember(&pend, SIGUSR2),
	       sigismember(&pend, SIGHUP), sigismember(&pend, SIGTERM), hits);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("after unblock: hits %d\n", hits);
	show_order("delivery order");
	sigpending(&pend);
	printf("pending after: USR1 %d\n", sigismember(&pend, SIGUSR1));

	/* SIG_IGN discards a pending signal */
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	signal(SIGUSR1, SIG_IGN);
	sigpending(&pend);
	printf("pending after SIG_IGN: %d\n", sigismember(&pend, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, NULL);
	raise(SIGUSR1);
	printf("ignored raise survived\n");
	/* SIGCHLD, SIGURG, SIGWINCH are ignored by default */
	raise(SIGCHLD);
	raise(SIGURG);
	raise(SIGWINCH);
	printf("default-ignored signals survived\n");
	/* SIGKILL and SIGSTOP cannot be blocked or caught */
	sigfillset(&set);
	sigprocmask(SIG_SETMASK, &set, &old);
	sigprocmask(SIG_SETMASK, NULL, &set);
	printf("KILL blockable %d, STOP blockable %d\n", sigismember(&set, SIGKILL),
	       sigismember(&set, SIGSTOP));
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = 0;
	if (signal(SIGKILL, plain_handler) == SIG_ERR)
		printf("sigaction(SIGKILL): %s\n", strerror(errno));
}

static void test_nodefer_resethand(void)
{
	struct sigaction sa;

	depth = max_depth = calls = 0;
	install(SIGUSR2, nest_handler, SA_NODEFER, 0);
	raise(SIGUSR2);
	printf("SA_NODEFER: calls %d, nesting depth %d\n", calls, max_depth);
	depth = max_depth = calls = 0;
	install(SIGUSR2, nest_handler, 0, 0);
	raise(SIGUSR2);
	printf("without SA_NODEFER: calls %d, depth %d\n", calls, max_depth);
	hits = 0;
	install(SIGUSR2, plain_handler, SA_RESETHAND, 0);
	raise(SIGUSR2);
	sigaction(SIGUSR2, NULL, &sa);
	printf("SA_RESETHAND: hits %d, handler now SIG_DFL %d\n", hits,
	       sa.sa_handler == SIG_DFL);
}

static void test_rt(void)
{
	sigset_t set, old;
	union sigval v = { .sival_int = 0 };

	hits = 0;
	norder = 0;
	install(SIGRTMIN, plain_handler, 0, 0);
	install(SIGRTMIN + 1, plain_handler, 0, 0);
	install(SIGINT, plain_handler, 0, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGRTMIN + 1);
	raise(SIGRTMIN);
	raise(SIGRTMIN);
	raise(SIGINT);
	raise(SIGINT);
	raise(SIGRTMIN);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("queued: hits %d\n", hits);
	show_order("rt delivery order");
	(void)v;
}

static void test_wait(void)
{
	sigset_t set, old;
	siginfo_t si;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	kill(getpid(), SIGUSR1);
	sig = sigwaitinfo(&set, &si);
	printf("sigwaitinfo: %d (USR1 %d), %s\n", sig, sig == SIGUSR1, code_name(si.si_code));
	sigprocmask(SIG_SETMASK, &old, NULL);

	/* sigsuspend: the pending signal is delivered, then EINTR */
	hits = 0;
	install(SIGUSR1, plain_handler, 0, 0);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	errno = 0;
	sig = sigsuspend(&old);
	printf("sigsuspend: %d %s, hits %d\n", sig, strerror(errno), hits);
	sigprocmask(SIG_SETMASK, NULL, &set);
	printf("USR1 blocked again after sigsuspend %d\n", sigismember(&set, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static char alt[65536];
static volatile int on_alt, alt_flags, eperm;

static void alt_handler(int sig)
{
	stack_t ss, cur;
	char here;

	on_alt = &here >= alt && &here < alt + sizeof(alt);
	sigaltstack(NULL, &cur);
	alt_flags = cur.ss_flags;
	ss.ss_sp = alt;
	ss.ss_size = sizeof(alt);
	ss.ss_flags = 0;
	errno = 0;
	eperm = sigaltstack(&ss, NULL) == -1 && errno == EPERM;
}

static void test_altstack_api(void)
{
	stack_t ss, old;

	sigaltstack(NULL, &old);
	printf("initial altstack flags %d (SS_DISABLE %d)\n", old.ss_flags,
	       old.ss_flags == SS_DISABLE);
	ss.ss_sp = alt;
	ss.ss_size = 1024;
	ss.ss_flags = 0;
	errno = 0;
	sigaltstack(&ss, NULL);
	printf("too small: %s\n", strerror(errno));
	ss.ss_flags = 12345;
	ss.ss_size = sizeof(alt);
	errno = 0;
	sigaltstack(&ss, NULL);
	printf("bad flags: %s\n", strerror(errno));
	ss.ss_flags = 0;
	printf("set: %d\n", sigaltstack(&ss, NULL));
	sigaltstack(NULL, &old);
	printf("now: flags %d, size %zu, sp ok %d\n", old.ss_flags, old.ss_size,
	       old.ss_sp == alt);
	install(SIGUSR1, alt_handler, SA_ONSTACK, 0);
	raise(SIGUSR1);
	printf("handler on altstack %d, flags there %d (SS_ONSTACK %d), change EPERM %d\n",
	       on_alt, alt_flags, alt_flags == SS_ONSTACK, eperm);
	install(SIGUSR1, alt_handler, 0, 0);
	raise(SIGUSR1);
	printf("without SA_ONSTACK: on altstack %d, flags %d\n", on_alt, alt_flags);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &old);
	printf("disabled: flags %d size %zu\n", old.ss_flags, old.ss_size);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	test_basic();
	test_pending();
	test_nodefer_resethand();
	test_rt();
	test_wait();
	test_altstack_api();
	return 0;
}
