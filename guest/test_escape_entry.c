// SPDX-License-Identifier: GPL-2.0
/*
 * No way out of the guest, entry points: jumps into every byte of the
 * trampoline and of the SYSCALL entry page with registers forged to look
 * like the monitor's own reports, and the returns to user mode a program
 * can make the monitor do with a non-canonical RIP.
 *
 * The trampoline is supervisor-only: every jump is a fetch fault, SIGSEGV
 * SEGV_MAPERR at the address, as natively (test_escape_mem has the rest).
 *
 * The entry page at LSTAR is user-executable under the monitor (it must
 * be: on shadow-paging KVM SYSCALL stays at CPL 3), natively nothing is
 * mapped there.  So the exact outcomes differ, and what is printed is the
 * fact both sides share: each jump ends in a signal the program can catch
 * and nothing else, except the entry itself, whose OUT is a system call
 * exactly as SYSCALL makes it (RAX the number, back to RCX with RFLAGS
 * from R11, IOPL, NT, RF and VM never taken from it; Linux's SYSRET is the
 * same).  A jump to the ring-3 commit helper inside the page runs its
 * stores with the program's own rights, in the program's own address space,
 * and its OUT is refused: the report counts only in the commit context and
 * only when the monitor itself started the helper.  Under the monitor the
 * exact outcomes go to stderr, for run.sh to check.
 *
 * Then returns to a non-canonical RIP: rt_sigreturn to one, and SYSCALL in
 * the last two bytes of the user half, whose RCX is 0x800000000000 (the
 * "SYSRET bug": Linux returns with IRET there).  Linux delivers SIGSEGV
 * for the fault of the return, SI_KERNEL; the monitor must do the same and
 * never take the IRET's #GP in ring 0 for a bug of its own.
 */
#include <errno.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test_escape.h"

#define CCTX_DIRECT_BASE 0x0000100000000000UL
#define SYSCALL_OFF_COMMIT3 0x40
#define SYSCALL_COMMIT3_OUT 0x50

static bool under_monitor;
static uint64_t victim[8];

/* forged registers: the commit buffer, a run writing the victim, IOPL 3 asked for */
static struct esc_regs forged(unsigned int kind)
{
	static uint64_t runs[4];
	struct esc_regs r = esc_plain();

	runs[0] = (uint64_t)&victim[1];	/* a run: address, count, values */
	runs[1] = 1;
	runs[2] = 0xbad;
	r.rcx = (uint64_t)esc_landing;
	r.r11 = 0x3202;
	switch (kind % 4) {
	case 0:		/* a system call: getpid */
		r.rax = SYS_getpid;
		break;
	case 1:		/* the helper's report: runs in user memory */
		r.rsi = (uint64_t)runs;
		r.rdx = 1;
		r.rax = 0;
		break;
	case 2:		/* the ring-0 stubs': the commit buffer */
		r.rsi = KTEXT_BASE + KERN_COMMIT;
		r.rdx = 1;
		r.rdi = DIRECT_MAP + 0x1000;
		r.rax = 0;
		break;
	case 3:		/* the helper's through the commit context's alias */
		r.rsi = CCTX_DIRECT_BASE + 0x1000;
		r.rdx = 1;
		r.rax = 0;
		break;
	}
	return r;
}

static void trampoline(void)
{
	struct tally t = { .what = "jumps into the trampoline's code, every byte, forged registers" };
	uint64_t off;

	for (off = 0; off < PAGE; off++) {
		struct esc_regs r = forged(off);
		uint64_t a = KTEXT_BASE + KERN_TRAMP + off;

		esc_run(a, &r);
		tally_add(&t, esc_describe(a, a));
	}
	tally_print(&t);
}

/*
 * Every byte of the entry page.  The same fact on both sides: a signal
 * (or, under the monitor, the system call at the entry); the victim
 * written only by the program's own store inside the helper's code.
 */
static void entry_page(void)
{
	struct tally t = { .what = "jumps into the SYSCALL entry page, every byte, forged registers" };
	struct tally mon = { .what = "under the monitor" };
	uint64_t off;
	bool ok;

	for (off = 0; off < PAGE; off++) {
		/*
		 * A valid run only at the helper's entry: entered mid-instruction,
		 * its words read misaligned make a count of billions, and the
		 * program would overwrite its own memory with its own rights.
		 */
		struct esc_regs r = forged(off % 4 == 1 && off != SYSCALL_OFF_COMMIT3 ? 3 :
					   off == SYSCALL_OFF_COMMIT3 ? 1 : off);
		uint64_t a = LSTAR + off;

		memset(victim, 0, sizeof(victim));
		esc_run(a, &r);
		if (esc_res.landed)
			ok = off == 0 && r.rax == SYS_getpid &&
			     esc_res.regs.rax == (uint64_t)getpid();
		else
			ok = esc_res.signo == SIGSEGV || esc_res.signo == SIGILL;
		/* the one write a forged helper run can make: the program's own */
		ok &= !victim[1] || (off == SYSCALL_OFF_COMMIT3 &&
				     esc_res.rip == LSTAR + SYSCALL_COMMIT3_OUT);
		tally_add(&t, ok ? "a signal, or the system call SYSCALL makes" : "SOMETHING ELSE");
		if (under_monitor && (off == 0 || off == 2 || off == SYSCALL_OFF_COMMIT3 ||
				      off == SYSCALL_COMMIT3_OUT || off == 0x60)) {
			char line[400];

			snprintf(line, sizeof(line), "offset %#lx: %s%s", (unsigned long)off,
				 esc_describe(0, a), victim[1] ? ", the run written" : "");
			tally_add(&mon, line);
		}
	}
	tally_print(&t);
	for (off = 0; off < mon.n; off++)
		fprintf(stderr, "%s: %s\n", mon.what, mon.text[off]);
}

/* the helper's OUT reached straight, with the helper's registers forged */
static void helper_out(void)
{
	struct tally t = { .what = "the helper's OUT, reached straight" };
	unsigned int kind;

	for (kind = 0; kind < 4; kind++) {
		struct esc_regs r = forged(kind);

		esc_run(LSTAR + SYSCALL_COMMIT3_OUT, &r);
		tally_add(&t, esc_res.signo == SIGSEGV ? "SIGSEGV" : "SOMETHING ELSE");
	}
	tally_print(&t);
}

/* a SIGSEGV handler that returns to a non-canonical RIP, once */
static volatile uint64_t bad_rip;
static char *volatile nowhere = (char *)8;
static volatile int segvs;

static void return_bad(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	if (segvs++ == 0) {
		uc->uc_mcontext.gregs[REG_RIP] = bad_rip;
		return;
	}
	esc_res.signo = sig;
	esc_res.code = si->si_code;
	esc_res.addr = (uint64_t)si->si_addr;
	esc_res.trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	esc_res.err = uc->uc_mcontext.gregs[REG_ERR];
	esc_res.rip = uc->uc_mcontext.gregs[REG_RIP];
	siglongjmp(esc_env, 1);
}

static void sigreturn_noncanonical(uint64_t rip)
{
	struct sigaction sa = { .sa_sigaction = return_bad,
				.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER };
	struct sigaction old;

	sigaction(SIGSEGV, &sa, &old);
	memset(&esc_res, 0, sizeof(esc_res));
	bad_rip = rip;
	segvs = 0;
	if (!sigsetjmp(esc_env, 1))
		*nowhere = 1;
	sigaction(SIGSEGV, &old, NULL);
	printf("rt_sigreturn to %#lx: %s %s addr=%s trapno=%lu err=%#lx rip=%s\n",
	       (unsigned long)rip, esc_signame(esc_res.signo),
	       esc_codename(esc_res.signo, esc_res.code),
	       !esc_res.addr ? "0" : esc_res.addr == rip ? "the address" : "other",
	       (unsigned long)esc_res.trapno, (unsigned long)esc_res.err,
	       esc_res.rip == rip ? "the address" : "other");
}

/*
 * SYSCALL in the last two bytes of the user half would leave RCX
 * non-canonical (the "SYSRET bug"); TASK_SIZE is 0x7ffffffff000, a page
 * short of 2^47, so that no program can put it there.  The monitor's
 * entry page can be reached with any RCX, though: a system call that
 * returns to a non-canonical address, or into the kernel half, must end
 * as such a return does on Linux, SIGSEGV, never in the monitor.
 */
static void syscall_at_top(void)
{
	uint8_t *page = mmap((void *)0x7ffffffff000UL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	/* not LSTAR: that is a loop of system calls, as a program may write */
	uint64_t rcx[] = { 0x800000000000UL, 0x8000000000000000UL, KTEXT_BASE + KERN_TRAMP };
	unsigned int i;

	printf("mmap of the page below 2^47: %s\n", page == MAP_FAILED ? strerror(errno) : "MAPPED");
	if (!under_monitor)
		return;
	for (i = 0; i < sizeof(rcx) / sizeof(rcx[0]); i++) {
		struct esc_regs r = esc_plain();

		r.rax = SYS_getpid;
		r.rcx = rcx[i];
		esc_run(LSTAR, &r);
		fprintf(stderr, "under the monitor: the entry with RCX %#lx: %s\n",
			(unsigned long)rcx[i], esc_describe(rcx[i], rcx[i]));
	}
}

int main(void)
{
	esc_setup();
	/* the monitor's entry page can be read (the OUT's opcode); natively LSTAR faults */
	if (!sigsetjmp(esc_env, 0))
		under_monitor = *(volatile uint8_t *)LSTAR == 0xe6;
	trampoline();
	entry_page();
	helper_out();
	sigreturn_noncanonical(0x0000800000000000UL);
	sigreturn_noncanonical(0x8000000000000000UL);
	syscall_at_top();
	printf("still here, victim %s\n", victim[1] && victim[1] != 0xbad ? "CHANGED" : "as expected");
	return 0;
}
