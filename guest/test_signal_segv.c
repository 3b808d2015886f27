// SPDX-License-Identifier: GPL-2.0
/*
 * SIGSEGV handlers: si_code and si_addr for a PROT_NONE page, a read-only
 * page and an unmapped one; a handler that fixes the fault with mprotect
 * and returns; one that moves RIP past the faulting instruction and
 * changes registers through uc_mcontext; siglongjmp out of a handler many
 * times with the signal mask restored each time.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile char *expect_addr;
static volatile int got_code, addr_ok, hits;

static const char *code_name(int code)
{
	switch (code) {
	case SEGV_MAPERR: return "SEGV_MAPERR";
	case SEGV_ACCERR: return "SEGV_ACCERR";
	case SI_KERNEL: return "SI_KERNEL";
	default: return "?";
	}
}

static void jump_handler(int sig, siginfo_t *si, void *uc)
{
	hits++;
	got_code = si->si_code;
	addr_ok = si->si_addr == (void *)expect_addr;
	siglongjmp(env, 1);
}

static void install(void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
}

static void probe(const char *what, volatile char *p, int write)
{
	expect_addr = p;
	got_code = 0;
	addr_ok = 0;
	if (!sigsetjmp(env, 1)) {
		if (write)
			*p = 1;
		else
			(void)*p;
		printf("%-24s no fault\n", what);
		return;
	}
	printf("%-24s SIGSEGV %s si_addr %s\n", what, code_name(got_code),
	       addr_ok ? "matches" : "WRONG");
}

/* ---- fix with mprotect and return ---- */
static volatile char *fix_page;

static void fix_handler(int sig, siginfo_t *si, void *uc)
{
	hits++;
	mprotect((char *)fix_page, 4096, PROT_READ | PROT_WRITE);
}

/* ---- skip the instruction, change registers ---- */
extern char skip_insn[], skip_insn_end[];

__attribute__((noinline)) static long skip_load(volatile long *p, long *rbx_out)
{
	long v, b = 7;

	asm volatile(".globl skip_insn, skip_insn_end\n"
		     "skip_insn: movq (%2), %0\n"
		     "skip_insn_end:\n"
		     : "=a"(v), "+b"(b) : "c"(p) : "memory");
	*rbx_out = b;
	return v;
}

static void skip_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	hits++;
	addr_ok = uc->uc_mcontext.gregs[REG_RIP] == (long)skip_insn;
	uc->uc_mcontext.gregs[REG_RIP] = (long)skip_insn_end;
	uc->uc_mcontext.gregs[REG_RAX] = 0x1234;
	uc->uc_mcontext.gregs[REG_RBX] += 100;
}

static int segv_blocked(void)
{
	sigset_t cur;

	sigprocmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, SIGSEGV);
}

int main(void)
{
	char *none, *ro, *gone;
	long v, b;
	volatile int bad = 0;
	int i;

	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gone = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gone, 4096);

	install(jump_handler, 0);
	probe("read PROT_NONE", none + 100, 0);
	probe("write PROT_NONE", none + 200, 1);
	probe("read read-only", ro + 300, 0);
	probe("write read-only", ro + 400, 1);
	probe("read unmapped", gone + 500, 0);
	probe("write NULL", (char *)0, 1);
	probe("read kernel address", (char *)0xffffffff81000000UL, 0);
	printf("SIGSEGV blocked after siglongjmp: %d\n", segv_blocked());

	/* many round trips through the handler and siglongjmp */
	hits = 0;
	for (i = 0; i < 500; i++) {
		expect_addr = none + i;
		if (!sigsetjmp(env, 1))
			(void)*expect_addr;
		if (!addr_ok || got_code != SEGV_ACCERR || segv_blocked())
			bad++;
	}
	printf("500 faults with siglongjmp: hits %d, bad %d\n", hits, bad);

	/* the handler makes the page writable and returns: the store retries */
	hits = 0;
	fix_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	install(fix_handler, 0);
	fix_page[10] = 42;
	printf("mprotect fix: hits %d, value %d\n", hits, fix_page[10]);

	/* the handler moves RIP and changes RAX, RBX */
	hits = 0;
	install(skip_handler, 0);
	v = skip_load((volatile long *)none, &b);
	printf("skip: hits %d, rip was at the load: %d, rax %#lx, rbx %ld\n",
	       hits, addr_ok, v, b);
	return 0;
}
