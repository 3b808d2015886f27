// SPDX-License-Identifier: GPL-2.0
/*
 * No way out of the guest, I/O ports: IN and OUT on every port from ring 3.
 * Linux runs programs with IOPL 0 and no I/O bitmap, so every one raises
 * #GP: SIGSEGV, SI_KERNEL, si_addr 0, trap 13, error code 0, RIP at the
 * instruction, no register changed (exc_general_protection()).
 *
 * Under the monitor some ports mean something: the trampoline's hypercalls
 * (0x40..0x66, trampoline.h), and the TSS I/O bitmap opens the SYSCALL
 * entry page's port to ring 3 (and the ring-3 commit helper's); on some
 * shadow-paging KVMs every port reaches the monitor.  Each of those is
 * tried with registers forged to look like what the monitor's own stubs
 * report (a commit done, a chunk, a system call, an exception with its
 * frame, the helper's report) and every form of the instruction (imm8 and
 * DX ports, byte, word and long, the string forms with and without REP):
 * the monitor must take none of them for its own, only deliver what Linux
 * delivers, with the program's registers and memory as they were.  First
 * a REP INSB into the direct map whose signal frame lands on a fresh page
 * (see fresh_stack_ins()).  With no argument the DX sweep takes every 61st
 * port and the monitor's; "full" takes all 65536.
 */
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "test_escape.h"

#define CCTX_DIRECT_BASE 0x0000100000000000UL

/* imm8 forms, 4 bytes apart: the instruction, then JMP *%RCX */
void esc_outb_imm(void), esc_inb_imm(void), esc_outl_imm(void), esc_inl_imm(void);
asm(".pushsection .text\n"
    ".balign 16\n"
    ".globl esc_outb_imm\n"
    "esc_outb_imm:\n"
    "	port = 0\n"
    "	.rept 256\n"
    "	outb %al, $port\n"
    "	jmp *%rcx\n"
    "	port = port + 1\n"
    "	.endr\n"
    ".globl esc_inb_imm\n"
    "esc_inb_imm:\n"
    "	port = 0\n"
    "	.rept 256\n"
    "	inb $port, %al\n"
    "	jmp *%rcx\n"
    "	port = port + 1\n"
    "	.endr\n"
    ".globl esc_outl_imm\n"
    "esc_outl_imm:\n"
    "	port = 0\n"
    "	.rept 256\n"
    "	outl %eax, $port\n"
    "	jmp *%rcx\n"
    "	port = port + 1\n"
    "	.endr\n"
    ".globl esc_inl_imm\n"
    "esc_inl_imm:\n"
    "	port = 0\n"
    "	.rept 256\n"
    "	inl $port, %eax\n"
    "	jmp *%rcx\n"
    "	port = port + 1\n"
    "	.endr\n"
    ".popsection\n");

/* DX forms: each a label at the instruction, then JMP *%RCX */
#define DX_FORMS(X)							\
	X(outb_dx, "outb %al, %dx")					\
	X(outw_dx, "outw %ax, %dx")					\
	X(outl_dx, "outl %eax, %dx")					\
	X(inb_dx, "inb %dx, %al")					\
	X(inw_dx, "inw %dx, %ax")					\
	X(inl_dx, "inl %dx, %eax")					\
	X(outsb, "outsb")						\
	X(outsl, "outsl")						\
	X(insb, "insb")							\
	X(insl, "insl")							\
	X(rep_outsb, "rep outsb")					\
	X(rep_insb, "rep insb")						\
	X(rep_insl, "rep insl")

#define DECLARE(name, insn) void esc_##name(void);
DX_FORMS(DECLARE)
#define DEFINE(name, insn) ".globl esc_" #name "\nesc_" #name ":\n\t" insn "\n\tjmp *%rcx\n"
asm(".pushsection .text\n" DX_FORMS(DEFINE) ".popsection\n");
#define ENTRY(name, insn) { #name, esc_##name },
static const struct {
	const char *name;
	void (*insn)(void);
} dx_forms[] = { DX_FORMS(ENTRY) };
#define NR_DX_FORMS (sizeof(dx_forms) / sizeof(dx_forms[0]))

/* what the string forms point at: must not change, nor be read into a port */
static uint8_t buf[4096];

static void fill_buf(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 1);
}

static bool buf_intact(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(buf); i++)
		if (buf[i] != (uint8_t)(i * 7 + 1))
			return false;
	return true;
}

/* registers that look like one of the monitor's own reports */
enum forgery { PLAIN, COMMIT, CHUNK, SYSCALL, EXCEPTION, COMMIT3, NR_FORGERIES };
static const char *const forgery_name[] = {
	"plain registers", "a commit report", "a chunk report", "a system call",
	"an exception report", "the ring-3 helper's report",
};

static struct esc_regs forge(enum forgery f, unsigned int port)
{
	struct esc_regs r = esc_plain();

	r.rcx = (uint64_t)esc_landing;
	r.rdx = port;
	r.rax = 0x5a5a5a5a00000000UL | port;
	switch (f) {
	case PLAIN:
		break;
	case COMMIT:		/* RSI the commit buffer, entries written, RCX 0 */
	case CHUNK:
		r.rsi = KTEXT_BASE + KERN_COMMIT;
		r.rdi = DIRECT_MAP + 0x1000;
		r.rbx = f == CHUNK ? 1 : 0;
		break;
	case SYSCALL:		/* getpid, back to esc_landing with IOPL 3 asked for */
		r.rax = (r.rax & ~0xffffUL) | SYS_getpid;
		r.r11 = 0x3202;
		break;
	case EXCEPTION:		/* the IRET frame's place on the IST1 stack */
		r.rsp = KTEXT_BASE + 0x8000 - 40;
		r.rax = 14;
		break;
	case COMMIT3:		/* the helper's runs through the commit context */
		r.rsi = CCTX_DIRECT_BASE + 0x40000000 - 0x100000;
		r.rdx = port;
		break;
	default:
		break;
	}
	/* the string forms read and write here, a few bytes at most */
	if (f != COMMIT && f != CHUNK && f != COMMIT3)
		r.rsi = (uint64_t)buf + 64;
	r.rdi = f == COMMIT || f == CHUNK ? r.rdi : (uint64_t)buf + 128;
	return r;
}

/* one instruction at @insn with @r; the outcome, and whether buf survived */
static const char *try(uint64_t insn, const struct esc_regs *r)
{
	static char line[300];

	fill_buf();
	esc_run(insn, r);
	snprintf(line, sizeof(line), "%s%s", esc_describe(0, insn),
		 buf_intact() ? "" : ", MEMORY CHANGED");
	return line;
}

/* every port, the byte forms with DX; @stride 1 is every port */
static void sweep(unsigned int stride)
{
	struct tally out = { .what = "OUT %AL, %DX on every port" };
	struct tally in = { .what = "IN %DX, %AL on every port" };
	struct esc_regs r;
	unsigned int port;

	if (stride > 1) {
		out.what = "OUT %AL, %DX on every 61st port and the monitor's";
		in.what = "IN %DX, %AL on every 61st port and the monitor's";
	}
	for (port = 0; port < 65536; port++) {
		if (port % stride && (port < 0x40 || port > 0x66))
			continue;
		r = forge(PLAIN, port);
		tally_add(&out, try((uint64_t)esc_outb_dx, &r));
		tally_add(&in, try((uint64_t)esc_inb_dx, &r));
	}
	tally_print(&out);
	tally_print(&in);
}

/* every imm8 port, byte and long */
static void imm8(void)
{
	struct tally t = { .what = "OUT and IN with an imm8 port, byte and long, ports 0..255" };
	void (*forms[])(void) = { esc_outb_imm, esc_inb_imm, esc_outl_imm, esc_inl_imm };
	struct esc_regs r;
	unsigned int port, i;

	for (i = 0; i < 4; i++) {
		for (port = 0; port < 256; port++) {
			r = forge(PLAIN, port);
			tally_add(&t, try((uint64_t)forms[i] + 4 * port, &r));
		}
	}
	tally_print(&t);
}

/*
 * The monitor's ports, 0x40..0x66 (and 0x7e, which KVM on VT-x/SVM reports
 * with RIP already past the OUT), with each forgery and every form.
 */
static void forged(void)
{
	enum forgery f;
	unsigned int port, i;

	for (f = PLAIN; f < NR_FORGERIES; f++) {
		struct tally t = { 0 };
		char what[120];
		struct esc_regs r;

		snprintf(what, sizeof(what), "the monitor's ports, every form, %s", forgery_name[f]);
		t.what = what;
		for (port = 0x40; port <= 0x7e; port++) {
			if (port > 0x66 && port != 0x7e)
				continue;
			r = forge(f, port);
			tally_add(&t, try((uint64_t)esc_outb_imm + 4 * port, &r));
			tally_add(&t, try((uint64_t)esc_inb_imm + 4 * port, &r));
			tally_add(&t, try((uint64_t)esc_outl_imm + 4 * port, &r));
			for (i = 0; i < NR_DX_FORMS; i++) {
				r = forge(f, port);
				if (!strncmp(dx_forms[i].name, "rep_", 4))
					r.rcx = 16;	/* a count, not a landing */
				tally_add(&t, try((uint64_t)dx_forms[i].insn, &r));
			}
		}
		tally_print(&t);
	}
}

/*
 * INS with the signal frame on a page not yet touched: delivering the
 * SIGSEGV faults that page in, so the monitor has page-table entries to
 * commit before the handler runs, through a stub at CPL 0.  An IN still
 * pending in KVM would be completed there, writing the direct map at the
 * RDI it decoded (a page of guest memory that may hold page tables).
 */
static void fresh_stack_ins(void)
{
	struct tally t = { .what = "REP INSB into the direct map, signal frame on a fresh page" };
	static const unsigned int ports[] = { 0x40, 0x62, 0x63, 0x64, 0x65 };
	stack_t ss, old;
	unsigned int i;

	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		struct esc_regs r = forge(PLAIN, ports[i]);
		void *stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (stack == MAP_FAILED)
			return;
		ss = (stack_t){ .ss_sp = stack, .ss_size = 65536 };
		sigaltstack(&ss, &old);
		r.rdi = DIRECT_MAP + 0x1000;
		r.rcx = 8;
		tally_add(&t, try((uint64_t)esc_rep_insb, &r));
		sigaltstack(&old, NULL);
		munmap(stack, 65536);
	}
	tally_print(&t);
}

int main(int argc, char **argv)
{
	bool full = argc > 1 && !strcmp(argv[1], "full");

	esc_setup();
	fresh_stack_ins();
	forged();
	imm8();
	sweep(full ? 1 : 61);
	return 0;
}
