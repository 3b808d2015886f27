// SPDX-License-Identifier: GPL-2.0
/*
 * Trap signals with handlers: SIGFPE from an integer division by zero
 * (FPE_INTDIV, si_addr at the instruction), SIGILL from ud2 (ILL_ILLOPN),
 * SIGTRAP from int3 (returns after it).  SSE state survives a handler that
 * computes with floating point, and a handler's change to the saved XMM
 * state in the frame takes effect on return.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static sigjmp_buf env;
static volatile int code, addr_ok, hits;
static volatile double sink;

static void jump_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	hits++;
	code = si->si_code;
	addr_ok = si->si_addr == (void *)uc->uc_mcontext.gregs[REG_RIP];
	siglongjmp(env, 1);
}

static void trap_handler(int sig, siginfo_t *si, void *ucv)
{
	hits++;
	code = si->si_code;
}

/* floating point in the handler, and XMM2 rewritten in the saved state */
static void fpu_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	volatile double x = 1.0;
	int i;

	hits++;
	for (i = 0; i < 50; i++)
		x = x * 1.5 + 0.25;
	sink = x;
	asm volatile("pxor %%xmm0, %%xmm0\n\tpcmpeqd %%xmm1, %%xmm1\n\t"
		     "pcmpeqd %%xmm15, %%xmm15" ::: "xmm0", "xmm1", "xmm15");
	if (uc->uc_mcontext.fpregs)
		uc->uc_mcontext.fpregs->_xmm[2].element[0] = 0xabcdef01;
	uc->uc_mcontext.gregs[REG_RIP] += 2;	/* past the ud2 */
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO;
	sigaction(sig, &sa, NULL);
}

static void test_sse(void)
{
	unsigned int in[16][4], out[16][4];
	int i, j, same = 0;

	for (i = 0; i < 16; i++)
		for (j = 0; j < 4; j++)
			in[i][j] = 0x1000 * i + j + 1;
	install(SIGILL, fpu_handler);
	hits = 0;
	asm volatile(
		"movdqu 0x00(%0), %%xmm0\n\tmovdqu 0x10(%0), %%xmm1\n\t"
		"movdqu 0x20(%0), %%xmm2\n\tmovdqu 0x30(%0), %%xmm3\n\t"
		"movdqu 0x40(%0), %%xmm4\n\tmovdqu 0x50(%0), %%xmm5\n\t"
		"movdqu 0x60(%0), %%xmm6\n\tmovdqu 0x70(%0), %%xmm7\n\t"
		"movdqu 0x80(%0), %%xmm8\n\tmovdqu 0x90(%0), %%xmm9\n\t"
		"movdqu 0xa0(%0), %%xmm10\n\tmovdqu 0xb0(%0), %%xmm11\n\t"
		"movdqu 0xc0(%0), %%xmm12\n\tmovdqu 0xd0(%0), %%xmm13\n\t"
		"movdqu 0xe0(%0), %%xmm14\n\tmovdqu 0xf0(%0), %%xmm15\n\t"
		"ud2\n\t"
		"movdqu %%xmm0, 0x00(%1)\n\tmovdqu %%xmm1, 0x10(%1)\n\t"
		"movdqu %%xmm2, 0x20(%1)\n\tmovdqu %%xmm3, 0x30(%1)\n\t"
		"movdqu %%xmm4, 0x40(%1)\n\tmovdqu %%xmm5, 0x50(%1)\n\t"
		"movdqu %%xmm6, 0x60(%1)\n\tmovdqu %%xmm7, 0x70(%1)\n\t"
		"movdqu %%xmm8, 0x80(%1)\n\tmovdqu %%xmm9, 0x90(%1)\n\t"
		"movdqu %%xmm10, 0xa0(%1)\n\tmovdqu %%xmm11, 0xb0(%1)\n\t"
		"movdqu %%xmm12, 0xc0(%1)\n\tmovdqu %%xmm13, 0xd0(%1)\n\t"
		"movdqu %%xmm14, 0xe0(%1)\n\tmovdqu %%xmm15, 0xf0(%1)\n\t"
		:: "r"(in), "r"(out)
		: "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
		  "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
		  "xmm14", "xmm15");
	for (i = 0; i < 16; i++)
		same += !memcmp(in[i], out[i], 16);
	printf("SSE across a handler: hits %d, %d of 16 registers kept, "
	       "xmm2 lane 0 %#x (set by the handler), other lanes kept %d\n",
	       hits, same, out[2][0], !memcmp(&in[2][1], &out[2][1], 12));
}

int main(int argc, char **argv)
{
	volatile int zero = 0, r = 0;
	volatile double d = 3.0;

	install(SIGFPE, jump_handler);
	if (!sigsetjmp(env, 1))
		r = 7 / zero;
	printf("div by zero: %s, si_addr at the instruction %d\n",
	       code == FPE_INTDIV ? "FPE_INTDIV" : "other", addr_ok);
	install(SIGILL, jump_handler);
	if (!sigsetjmp(env, 1))
		asm volatile("ud2");
	printf("ud2: %s, si_addr at the instruction %d\n",
	       code == ILL_ILLOPN ? "ILL_ILLOPN" : "other", addr_ok);
	install(SIGTRAP, trap_handler);
	hits = 0;
	asm volatile("int3");
	printf("int3: hits %d, %s, continued\n", hits, code == SI_KERNEL ? "SI_KERNEL" : "other");
	test_sse();
	d = d / 7.0;
	printf("double after all that: %.6f %d\n", d, r);
	return 0;
}
