// SPDX-License-Identifier: GPL-2.0
/*
 * Dies of the exception named by argv[1]; the exit status (128 + signal)
 * must match a native run.  "out" uses a port the monitor's trampoline
 * uses for hypercalls: from ring 3 it must be refused (#GP, SIGSEGV).
 * "outsys" uses the one port the I/O bitmap opens to ring 3, the SYSCALL
 * entry page's: anywhere but in that page it must be refused as well.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	volatile int zero = 0;
	const char *what = argc > 1 ? argv[1] : "";

	printf("trap %s\n", what);
	fflush(stdout);
	if (!strcmp(what, "ud2"))
		asm volatile("ud2");
	else if (!strcmp(what, "int3"))
		asm volatile("int3");
	else if (!strcmp(what, "div"))
		printf("%d\n", 7 / zero);
	else if (!strcmp(what, "out"))
		asm volatile("outb %%al, $0x4e" ::"a"(0));
	else if (!strcmp(what, "outsys"))
		asm volatile("outb %%al, $0x62" ::"a"(0));
	else if (!strcmp(what, "in"))
		asm volatile("inb $0x60, %%al" ::: "rax");
	else if (!strcmp(what, "hlt"))
		asm volatile("hlt");
	else if (!strcmp(what, "cli"))
		asm volatile("cli");
	else if (!strcmp(what, "kernel"))
		asm volatile("movq (%0), %%rax" ::"r"(0xffffffff80000000UL) : "rax");
	else if (!strcmp(what, "exec"))
		((void (*)(void))0x1000)();
	else if (!strcmp(what, "abort"))
		abort();
	printf("survived\n");
	return 0;
}
