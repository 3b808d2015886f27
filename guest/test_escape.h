/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the "no way out of the guest" tests (test_escape_*.c): run one
 * instruction with every general register forged, catch the signal it
 * raises, and tally the outcomes so that a scan of thousands of addresses
 * or ports prints a few deterministic lines.
 *
 * esc_run() loads all sixteen general registers (RSP too) from a struct and
 * jumps to the target.  The handler runs on an alternate stack (the forged
 * RSP may be anything), records what Linux's signal frame says (si_code,
 * si_addr, trap number, error code, RIP and the registers at the fault) and
 * siglongjmp()s back, which restores the C registers.  A target that
 * returns like SYSCALL (to RCX) lands in esc_landing, which does the same
 * through esc_env.
 */
#ifndef GUEST_TEST_ESCAPE_H
#define GUEST_TEST_ESCAPE_H

#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

/* the monitor's layout (guest/trampoline.h), where a program could look */
#define KTEXT_BASE	0xffffffff80000000UL
#define DIRECT_MAP	0xffff888000000000UL
#define LSTAR		0xfffffe0000000000UL
#define PROBE_VA	0xfffffd0000000000UL
#define KERN_GDT	0x1000
#define KERN_IDT	0x2000
#define KERN_TSS	0x3000
#define KERN_TRAMP	0xa000
#define KERN_COMMIT	0xc000
#define PAGE		4096UL

/* the order esc_run() loads them in */
struct esc_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/* what the last esc_run() ended with */
struct esc_result {
	int signo, code, landed;	/* landed: returned to RCX, as SYSRET would */
	uint64_t addr, trapno, err, rip;
	struct esc_regs regs;		/* at the fault, from the signal frame */
};

static sigjmp_buf esc_env;
static struct esc_result esc_res;
/* read by esc_jump and esc_landing */
__attribute__((used)) uint64_t esc_target, esc_landed_rax;
__attribute__((used)) struct esc_regs esc_in;

void esc_jump(void);
void esc_landing(void);
asm(".pushsection .text\n"
    ".globl esc_jump\n"
    "esc_jump:\n"
    "	leaq	esc_in(%rip), %rax\n"
    "	movq	8(%rax), %rbx\n"
    "	movq	16(%rax), %rcx\n"
    "	movq	24(%rax), %rdx\n"
    "	movq	32(%rax), %rsi\n"
    "	movq	40(%rax), %rdi\n"
    "	movq	48(%rax), %rbp\n"
    "	movq	56(%rax), %rsp\n"
    "	movq	64(%rax), %r8\n"
    "	movq	72(%rax), %r9\n"
    "	movq	80(%rax), %r10\n"
    "	movq	88(%rax), %r11\n"
    "	movq	96(%rax), %r12\n"
    "	movq	104(%rax), %r13\n"
    "	movq	112(%rax), %r14\n"
    "	movq	120(%rax), %r15\n"
    "	movq	(%rax), %rax\n"
    "	jmp	*esc_target(%rip)\n"
    /* a SYSCALL-like return to RCX: keep RAX, back to C through esc_env */
    ".globl esc_landing\n"
    "esc_landing:\n"
    "	leaq	esc_stack+16384(%rip), %rsp\n"
    "	movq	%rax, esc_landed_rax(%rip)\n"
    "	call	esc_landed\n"
    "	ud2\n"
    ".popsection\n");

__attribute__((used)) char esc_stack[16384] __attribute__((aligned(16)));
static char esc_altstack[65536] __attribute__((aligned(16)));

__attribute__((used, noreturn)) void esc_landed(void)
{
	esc_res.landed = 1;
	esc_res.regs.rax = esc_landed_rax;
	siglongjmp(esc_env, 1);
}

static void esc_handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	greg_t *g = uc->uc_mcontext.gregs;

	esc_res.signo = sig;
	esc_res.code = si->si_code;
	esc_res.addr = (uint64_t)si->si_addr;
	esc_res.trapno = g[REG_TRAPNO];
	esc_res.err = g[REG_ERR];
	esc_res.rip = g[REG_RIP];
	esc_res.regs = (struct esc_regs){
		g[REG_RAX], g[REG_RBX], g[REG_RCX], g[REG_RDX], g[REG_RSI], g[REG_RDI],
		g[REG_RBP], g[REG_RSP], g[REG_R8], g[REG_R9], g[REG_R10], g[REG_R11],
		g[REG_R12], g[REG_R13], g[REG_R14], g[REG_R15],
	};
	siglongjmp(esc_env, 1);
}

/* SA_NODEFER: the handler leaves by siglongjmp(env, 0-mask) with nothing blocked */
static inline void esc_setup(void)
{
	stack_t ss = { .ss_sp = esc_altstack, .ss_size = sizeof(esc_altstack) };
	struct sigaction sa = { .sa_sigaction = esc_handler,
				.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER };
	int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE };
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sigaltstack(&ss, NULL))
		perror("sigaltstack");
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* registers that look like nothing in particular, distinct from each other */
static inline struct esc_regs esc_plain(void)
{
	struct esc_regs r;
	uint64_t *w = (uint64_t *)&r;
	unsigned int i;

	for (i = 0; i < 16; i++)
		w[i] = 0x5a5a000000000000UL + i;
	r.rsp = (uint64_t)(esc_stack + sizeof(esc_stack) / 2);
	return r;
}

/* jump to @target with @regs; the signal (0 for none) in esc_res */
static inline int esc_run(uint64_t target, const struct esc_regs *regs)
{
	memset(&esc_res, 0, sizeof(esc_res));
	esc_target = target;
	esc_in = *regs;
	if (!sigsetjmp(esc_env, 0))
		esc_jump();
	return esc_res.signo;
}

static inline const char *esc_signame(int sig)
{
	switch (sig) {
	case 0: return "no signal";
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGILL: return "SIGILL";
	case SIGTRAP: return "SIGTRAP";
	case SIGFPE: return "SIGFPE";
	}
	return "another signal";
}

static inline const char *esc_codename(int sig, int code)
{
	if (code == SI_KERNEL)
		return "SI_KERNEL";
	if (sig == SIGSEGV && code == SEGV_MAPERR)
		return "SEGV_MAPERR";
	if (sig == SIGSEGV && code == SEGV_ACCERR)
		return "SEGV_ACCERR";
	if (sig == SIGBUS && code == BUS_ADRERR)
		return "BUS_ADRERR";
	if (sig == SIGILL && code == ILL_ILLOPN)
		return "ILL_ILLOPN";
	return "another si_code";
}

/*
 * One line's worth of the outcome, with no address in it: si_addr and RIP
 * as "the address"/"the instruction" or not, registers as forged or not.
 */
static inline const char *esc_describe(uint64_t addr, uint64_t insn)
{
	static char buf[256];
	const struct esc_result *r = &esc_res;

	if (r->landed)
		return "returned to RCX (a system call)";
	if (!r->signo)
		return "no signal";
	snprintf(buf, sizeof(buf), "%s %s addr=%s trapno=%lu err=%#lx rip=%s regs=%s",
		 esc_signame(r->signo), esc_codename(r->signo, r->code),
		 !r->addr ? "0" : r->addr == addr ? "the address" : "other",
		 (unsigned long)r->trapno, (unsigned long)r->err,
		 r->rip == insn ? "the instruction" : "other",
		 memcmp(&r->regs, &esc_in, sizeof(esc_in)) ? "changed" : "as forged");
	return buf;
}

/* a tally of outcomes over a scan, printed in first-seen order */
#define TALLY_MAX 16
struct tally {
	const char *what;
	unsigned long total, count[TALLY_MAX];
	char text[TALLY_MAX][400];
	unsigned int n;
};

static inline void tally_add(struct tally *t, const char *outcome)
{
	unsigned int i;

	t->total++;
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->text[i], outcome))
			break;
	if (i == t->n) {
		if (t->n == TALLY_MAX)
			i = TALLY_MAX - 1;
		else
			snprintf(t->text[t->n++], sizeof(t->text[0]), "%s", outcome);
	}
	t->count[i]++;
}

static inline void tally_print(const struct tally *t)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		printf("%s: %lu of %lu: %s\n", t->what, t->count[i], t->total, t->text[i]);
}

#endif
