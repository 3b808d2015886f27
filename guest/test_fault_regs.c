// SPDX-License-Identifier: GPL-2.0
/*
 * Every register but RAX, RCX and R11 survives a system call, and every
 * one survives a page fault, whichever way the monitor returns: straight
 * to ring 3 (a demand fault), through a stub that re-writes entries and
 * reports back (shadow paging), or through the stub that invalidates and
 * IRETs after popping the RAX, RCX and RSI it saved (nested paging; a COW
 * break after fork, a write after mprotect, a 64-page munmap).
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"

#define NREGS	14

/* what the assembly below reads and writes, by name */
volatile char *fr_page;
uint64_t fr_out[NREGS];

static const char *const names[NREGS] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9",
	"r10", "r11", "r12", "r13", "r14", "r15",
};

/*
 * Load every general register but RSP and RBP with a pattern, store a byte
 * at @p (the fault), then save them all to @out.
 */
static void touch(volatile char *p, uint64_t *out)
{
	fr_page = p;
	asm volatile(
		"push %%rbp\n\t"
		"mov fr_page(%%rip), %%rbp\n\t"
		"mov $0x1111111111111111, %%rax\n\t"
		"mov $0x2222222222222222, %%rbx\n\t"
		"mov $0x3333333333333333, %%rcx\n\t"
		"mov $0x4444444444444444, %%rdx\n\t"
		"mov $0x5555555555555555, %%rsi\n\t"
		"mov $0x6666666666666666, %%rdi\n\t"
		"mov $0x7777777777777777, %%r8\n\t"
		"mov $0x8888888888888888, %%r9\n\t"
		"mov $0x9999999999999999, %%r10\n\t"
		"mov $0xaaaaaaaaaaaaaaaa, %%r11\n\t"
		"mov $0xbbbbbbbbbbbbbbbb, %%r12\n\t"
		"mov $0xcccccccccccccccc, %%r13\n\t"
		"mov $0xdddddddddddddddd, %%r14\n\t"
		"mov $0xeeeeeeeeeeeeeeee, %%r15\n\t"
		"movb $1, (%%rbp)\n\t"
		"lea fr_out(%%rip), %%rbp\n\t"
		"mov %%rax, 0(%%rbp)\n\t"
		"mov %%rbx, 8(%%rbp)\n\t"
		"mov %%rcx, 16(%%rbp)\n\t"
		"mov %%rdx, 24(%%rbp)\n\t"
		"mov %%rsi, 32(%%rbp)\n\t"
		"mov %%rdi, 40(%%rbp)\n\t"
		"mov %%r8, 48(%%rbp)\n\t"
		"mov %%r9, 56(%%rbp)\n\t"
		"mov %%r10, 64(%%rbp)\n\t"
		"mov %%r11, 72(%%rbp)\n\t"
		"mov %%r12, 80(%%rbp)\n\t"
		"mov %%r13, 88(%%rbp)\n\t"
		"mov %%r14, 96(%%rbp)\n\t"
		"mov %%r15, 104(%%rbp)\n\t"
		"pop %%rbp\n\t"
		:
		:
		: "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
		  "r12", "r13", "r14", "r15", "memory");
	memcpy(out, fr_out, sizeof(fr_out));
}

/* the same around a system call: RAX, RCX and R11 are the call's */
static long call(long nr, long a0, long a1, long a2, uint64_t *out)
{
	long ret;

	asm volatile(
		"push %%rbp\n\t"
		"mov $0x2222222222222222, %%rbx\n\t"
		"mov $0x7777777777777777, %%r8\n\t"
		"mov $0x8888888888888888, %%r9\n\t"
		"mov $0x9999999999999999, %%r10\n\t"
		"mov $0xbbbbbbbbbbbbbbbb, %%r12\n\t"
		"mov $0xcccccccccccccccc, %%r13\n\t"
		"mov $0xdddddddddddddddd, %%r14\n\t"
		"mov $0xeeeeeeeeeeeeeeee, %%r15\n\t"
		"syscall\n\t"
		"lea fr_out(%%rip), %%rbp\n\t"
		"mov %%rbx, 8(%%rbp)\n\t"
		"mov %%rdx, 24(%%rbp)\n\t"
		"mov %%rsi, 32(%%rbp)\n\t"
		"mov %%rdi, 40(%%rbp)\n\t"
		"mov %%r8, 48(%%rbp)\n\t"
		"mov %%r9, 56(%%rbp)\n\t"
		"mov %%r10, 64(%%rbp)\n\t"
		"mov %%r12, 80(%%rbp)\n\t"
		"mov %%r13, 88(%%rbp)\n\t"
		"mov %%r14, 96(%%rbp)\n\t"
		"mov %%r15, 104(%%rbp)\n\t"
		"pop %%rbp\n\t"
		: "=a"(ret)
		: "a"(nr), "D"(a0), "S"(a1), "d"(a2)
		: "rbx", "rcx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
		  "memory");
	memcpy(out, fr_out, sizeof(fr_out));
	return ret;
}

static int check(const char *what, const uint64_t *got, bool syscall, long a0, long a1,
		 long a2)
{
	int i, bad = 0;

	for (i = 0; i < NREGS; i++) {
		uint64_t want = 0x1111111111111111ULL * (i + 1);

		if (syscall) {
			if (i == 0 || i == 2 || i == 9)
				continue;	/* rax, rcx, r11 */
			if (i == 3)
				want = a2;
			else if (i == 4)
				want = a1;
			else if (i == 5)
				want = a0;
		}
		if (got[i] != want) {
			printf("%s: %s = %#llx, want %#llx\n", what, names[i],
			       (unsigned long long)got[i], (unsigned long long)want);
			bad = 1;
		}
	}
	printf("%s: registers %s\n", what, bad ? "CHANGED" : "kept");
	return bad;
}

int main(void)
{
	size_t len = 64 * PAGE;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t regs[NREGS];
	int bad = 0, status;
	long r;
	pid_t pid;

	if (p == MAP_FAILED)
		return 1;
	touch(p, regs);
	bad |= check("demand fault", regs, false, 0, 0, 0);
	p[PAGE] = 1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		touch(p, regs);
		bad = check("child: COW break", regs, false, 0, 0, 0);
		fflush(stdout);
		_exit(bad);
	}
	waitpid(pid, &status, 0);
	bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	touch(p + PAGE, regs);
	bad |= check("parent: COW break", regs, false, 0, 0, 0);
	r = call(10, (long)p, 16 * PAGE, PROT_READ, regs);	/* mprotect */
	bad |= r != 0 || check("mprotect of 16 pages", regs, true, (long)p, 16 * PAGE, PROT_READ);
	r = call(10, (long)p, 16 * PAGE, PROT_READ | PROT_WRITE, regs);
	bad |= r != 0 || check("mprotect back", regs, true, (long)p, 16 * PAGE,
			       PROT_READ | PROT_WRITE);
	touch(p, regs);
	bad |= check("write after mprotect", regs, false, 0, 0, 0);
	r = call(11, (long)p, len, 0, regs);			/* munmap */
	bad |= r != 0 || check("munmap of 64 pages", regs, true, (long)p, len, 0);
	printf("%s\n", bad ? "FAILED" : "all kept");
	return bad;
}
