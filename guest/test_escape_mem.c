// SPDX-License-Identifier: GPL-2.0
/*
 * No way out of the guest, memory: ring 3 reads, writes and executes every
 * page of what the monitor maps into the guest (the GDT, IDT, TSS, IST
 * stacks, trampoline, commit area and kernel page tables at KTEXT_BASE,
 * all of guest memory at the direct map, where the page tables live), one
 * address in every PGD slot of the kernel half, the entry page's slot and
 * the start-up probe's address.  Linux gives SIGSEGV for each: a page
 * fault (SEGV_MAPERR at the address, the error code with X86_PF_PROT set by
 * set_signal_archinfo() since the address is past TASK_SIZE_MAX), or #GP
 * for a non-canonical address (SI_KERNEL, address 0).  Natively those
 * addresses are Linux's own kernel (or nothing); the outcome printed is the
 * same, which is the point: the monitor's pages are as unreachable.
 *
 * The SYSCALL entry page at LSTAR is the exception the monitor makes on
 * purpose: it is user-executable, so (without protection keys) readable.
 * What a read may show is checked: the entry code and zeros, nothing else;
 * writes fault as natively.  test_escape_entry jumps into it.
 *
 * With no argument the large scans take every eighth address (what run.sh
 * runs with --check); "full" takes every one.
 *
 * Then MAP_FIXED over the low address the monitor's commit context uses for
 * its own alias of guest memory (CCTX_DIRECT_BASE, trampoline.h): the
 * program's mapping there is its own, and large commits (which go to the
 * ring-3 helper in that context) leave it alone.
 */
#include <stdbool.h>
#include <sys/mman.h>

#include "test_escape.h"

#define CCTX_DIRECT_BASE 0x0000100000000000UL
#define MiB		(1UL << 20)
#define GiB		(1UL << 30)

void esc_rd(void), esc_wr(void);
asm(".pushsection .text\n"
    ".globl esc_rd, esc_wr\n"
    "esc_rd:	movb (%rdi), %al\n"
    "	jmp	*%rcx\n"
    "esc_wr:	movb %al, (%rdi)\n"
    "	jmp	*%rcx\n"
    ".popsection\n");

enum access { READ, WRITE, EXEC };
static const char *const access_name[] = { "read", "write", "execute" };

/* one access at @addr; the outcome as esc_describe() puts it */
static const char *access1(enum access a, uint64_t addr)
{
	struct esc_regs r = esc_plain();

	r.rdi = addr;
	r.rax = 0x5a;
	r.rcx = (uint64_t)esc_landing;
	if (a == EXEC) {
		esc_run(addr, &r);
		/*
		 * A jump to a non-canonical address: #GP reported at the jump
		 * here (and natively), at the target by QEMU's TCG (the
		 * emulated machine).  Either way nothing there was fetched:
		 * both count as "the instruction".
		 */
		if ((int64_t)(addr << 16) >> 16 != (int64_t)addr && esc_res.signo &&
		    esc_res.rip >= (uint64_t)esc_jump && esc_res.rip < (uint64_t)esc_landing)
			esc_res.rip = addr;
		return esc_describe(addr, addr);
	}
	esc_run(a == READ ? (uint64_t)esc_rd : (uint64_t)esc_wr, &r);
	if (esc_res.landed)
		return "no signal: the access went through";
	return esc_describe(addr, a == READ ? (uint64_t)esc_rd : (uint64_t)esc_wr);
}

/* 1: every address the scans name; 8 (the default): every eighth of the large scans */
static uint64_t sparse = 8;

/* @n addresses from @start, @step apart, each with every access in @mask */
static void scan(const char *what, uint64_t start, uint64_t n, uint64_t step, unsigned int mask)
{
	enum access a;
	uint64_t i;

	for (a = READ; a <= EXEC; a++) {
		struct tally t = { 0 };
		char name[200];

		if (!(mask & (1u << a)))
			continue;
		snprintf(name, sizeof(name), "%s, %s", what, access_name[a]);
		t.what = name;
		for (i = 0; i < n; i++)
			tally_add(&t, access1(a, start + i * step));
		tally_print(&t);
	}
}

#define R (1u << READ)
#define W (1u << WRITE)
#define X (1u << EXEC)

/*
 * The entry page: a read either faults (natively: nothing is mapped there)
 * or shows the entry code, OUT imm8 to its port then UD2, and zeros past
 * the code; a write faults either way.
 */
static void entry_page(void)
{
	struct tally t = { .what = "the SYSCALL entry page, byte reads" };
	uint64_t off;

	for (off = 0; off < PAGE; off++) {
		const char *o = access1(READ, LSTAR + off);
		uint8_t b = (uint8_t)esc_res.regs.rax;
		bool fault = esc_res.signo == SIGSEGV && esc_res.code == SEGV_MAPERR &&
			     esc_res.addr == LSTAR + off;
		/* the monitor's page: the entry code or zero, nothing of its state */
		bool code = esc_res.landed &&
			    (off < 4 ? b == (uint8_t[]){ 0xe6, 0x62, 0x0f, 0x0b }[off] :
			     off < 0x60 || !b);

		tally_add(&t, fault || code ? "SEGV_MAPERR, or the entry code and zeros" : o);
	}
	tally_print(&t);
	scan("the SYSCALL entry page, writes", LSTAR, PAGE / sparse, sparse, W);
}

/*
 * Mapped over CCTX_DIRECT_BASE: the program's own memory.  A commit of
 * hundreds of entries (munmap of a populated 2 MiB) goes to the ring-3
 * helper, whose alias of guest memory sits at the same address in its own
 * address space; the program's page keeps what it wrote.
 */
static void over_cctx(void)
{
	size_t big = 2 * MiB, i;
	uint64_t *p = mmap((void *)CCTX_DIRECT_BASE, 2 * MiB, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	char *q;
	int bad = 0;

	printf("MAP_FIXED at the commit context's alias: %s\n",
	       p == (void *)CCTX_DIRECT_BASE ? "mapped" : "failed");
	if (p != (void *)CCTX_DIRECT_BASE)
		return;
	for (i = 0; i < 2 * MiB / 8; i++)
		p[i] = 0xc0ffee00 + i;
	q = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q == MAP_FAILED)
		return;
	for (i = 0; i < big; i += PAGE)
		q[i] = 1;
	munmap(q, big);
	for (i = 0; i < 2 * MiB / 8; i++)
		bad |= p[i] != 0xc0ffee00 + i;
	printf("after a commit of 512 entries: the program's page %s\n",
	       bad ? "CHANGED" : "kept its data");
	scan("the program's page at the alias", CCTX_DIRECT_BASE, 2, PAGE, R | W);
	munmap(p, 2 * MiB);
}

int main(int argc, char **argv)
{
	unsigned int slot;
	struct tally t = { .what = "one address in each PGD slot of the kernel half, read" };
	struct tally tw = { .what = "one address in each PGD slot of the kernel half, write" };

	if (argc > 1 && !strcmp(argv[1], "full"))
		sparse = 1;
	esc_setup();
	printf("scans: %s\n", sparse == 1 ? "every address" : "every eighth address");
	scan("the monitor's region at KTEXT_BASE (2 MiB of pages)", KTEXT_BASE, 512 / sparse,
	     PAGE * sparse, R | W | X);
	scan("GDT, IDT, TSS", KTEXT_BASE + KERN_GDT, 3 * PAGE / 8 / sparse, 8 * sparse, R | W);
	/* every byte of the trampoline's code: test_escape_entry, registers forged */
	scan("the trampoline data page and commit area", KTEXT_BASE + KERN_TRAMP + PAGE,
	     0x41000 / 64 / sparse, 64 * sparse, R | W);
	scan("the direct map, pages of the first 16 MiB (page tables)", DIRECT_MAP,
	     16 * MiB / PAGE / sparse, PAGE * sparse, R | W | X);
	scan("the direct map, pages of the last 4 MiB of 1 GiB (the monitor's frames)",
	     DIRECT_MAP + GiB - 4 * MiB, 4 * MiB / PAGE / sparse, PAGE * sparse, R | W);
	scan("the direct map, 2 MiB pages of 8 GiB", DIRECT_MAP, 8 * GiB / (2 * MiB) / sparse,
	     2 * MiB * sparse, R | W);
	for (slot = 256; slot < 512; slot++) {
		uint64_t a = 0xffff000000000000UL | ((uint64_t)slot << 39) | PAGE;

		tally_add(&t, access1(READ, a));
		tally_add(&tw, access1(WRITE, a));
	}
	tally_print(&t);
	tally_print(&tw);
	entry_page();
	scan("the entry page's PGD slot, every page after it", LSTAR + PAGE, 511, PAGE, R | W | X);
	scan("the entry page's PGD slot, every 2 MiB", LSTAR + 2 * MiB, 511, 2 * MiB, R | W | X);
	scan("the entry page's PGD slot, every GiB", LSTAR + GiB, 511, GiB, R | W | X);
	scan("the start-up probe's pages", PROBE_VA, 2, PAGE, R | W | X);
	scan("the vsyscall page", 0xffffffffff600000UL, 1, PAGE, R | W);
	scan("non-canonical, above the user half", 0x0000800000000000UL, 4, 0x100000000000UL,
	     R | W | X);
	scan("non-canonical, below the kernel half", 0xffff7ffffffff000UL, 1, PAGE, R | W | X);
	over_cctx();
	return 0;
}
