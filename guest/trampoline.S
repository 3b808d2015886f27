/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's ring-0 trampoline.  Everything a trap needs is done by the
 * monitor; ring 0 only reports the trap and, on the way back, re-writes the
 * page-table entries the monitor changed and invalidates the TLB.  Guest
 * ring-0 code is emulated instruction by instruction on shadow-paging KVM
 * (platform note, fact 6), so every path here is a handful of instructions.
 *
 * The image is position-independent: the data page is reached RIP-relative.
 * The monitor sets RIP, RSP (the IRET frame on the IST stack) and RFLAGS
 * (IF=0, DF=0) before entering any stub but the vector entries.
 */
#include "trampoline.h"

	.code64
	.text
	.globl	trampoline_start, trampoline_end
trampoline_start:

/*
 * Exception entries, one per vector, all on an IST stack (IDT gates set by
 * the monitor).  OUT tells the monitor the vector through the port number
 * and clobbers nothing; the monitor reads the frame the CPU pushed
 * (Intel SDM Vol. 3A, 6.14.2 "64-Bit Mode Stack Frame") and never resumes
 * after the OUT.
 */
	vec = 0
	.rept	32
	.org	TRAMP_OFF_VEC + vec * TRAMP_VEC_STRIDE
	outb	%al, $(PORT_TRAP_BASE + vec)
	ud2
	vec = vec + 1
	.endr

/*
 * A commit too large for one buffer: RSI = entries (pairs of direct-map
 * address and value), RCX = count > 0.  Reports back for the next chunk.
 */
	.org	TRAMP_OFF_CHUNK
1:	lodsq
	xchgq	%rax, %rdi
	movsq
	loop	1b
	.org	TRAMP_OFF_CHUNK_OUT	/* no padding: the loop ends here */
	outb	%al, $PORT_CHUNK
	ud2

/*
 * RSI = entries, RCX = count (may be 0); the addresses to invlpg follow the
 * entries.  A guest store to a page-table entry is what makes shadow paging
 * see it (platform note, fact 5); INVLPG or a CR3 reload then drops stale
 * translations (Intel SDM Vol. 3A, 4.10.4.1).  The stub then reports back
 * rather than reload the program's registers and IRET: on shadow-paging
 * KVM each of those instructions costs about as much as the exit, and the
 * monitor, which saved the registers, returns to the program itself.
 */
	.org	TRAMP_OFF_COMMIT
	jrcxz	commit_inval
1:	lodsq
	xchgq	%rax, %rdi
	movsq
	loop	1b
commit_inval:
	movq	data + TD_NR_INVAL(%rip), %rcx
	jrcxz	4f
3:	lodsq
	invlpg	(%rax)
	loop	3b
4:	cmpq	$0, data + TD_FLUSH(%rip)
	je	5f
	movq	%cr3, %rax
	movq	%rax, %cr3
5:	outb	%al, $PORT_COMMIT_DONE
	ud2

/* the common commit of one entry (a COW break): RDI = address, RAX = value,
 * RSI = the page to invalidate */
	.org	TRAMP_OFF_COMMIT_ONE
	movq	%rax, (%rdi)
	invlpg	(%rsi)
	outb	%al, $PORT_COMMIT_DONE
	ud2

	.org	TRAMP_OFF_IRET
	iretq

/*
 * The same two stubs for a log that comes in runs of consecutive entries
 * (fork, munmap, mprotect, mremap write whole tables): RSI = runs, each
 * (direct-map address, count, values...), RDX = number of runs > 0.  One
 * REP MOVSQ per run instead of four instructions per entry: ring-0
 * instructions are what costs on shadow-paging KVM (platform note, fact 6).
 */
	.macro	write_runs
1:	lodsq
	xchgq	%rax, %rdi
	lodsq
	xchgq	%rax, %rcx
	rep movsq
	decq	%rdx
	jnz	1b
	.endm

	.org	TRAMP_OFF_CHUNK_RUNS
	write_runs
	.org	TRAMP_OFF_CHUNK_RUNS_OUT	/* no padding: the loop ends here */
	outb	%al, $PORT_CHUNK
	ud2

	.org	TRAMP_OFF_BENCH
1:	outb	%al, $PORT_BENCH
	jmp	1b

/*
 * The SYSCALL entry page (--fast-exit, the default).  The monitor copies
 * these bytes to their own page, mapped user-executable at LSTAR in every
 * address space.  On hardware-assisted KVM, SYSCALL enters ring 0 here and
 * the OUT exits at once.  On shadow-paging KVM, SYSCALL stays at CPL 3
 * (platform note, facts 3 and 4) and the same OUT still exits at once: no
 * #PF delivered through the IDT, no ring-0 instruction on either side.
 */
	.org	TRAMP_OFF_SYSCALL
	outb	%al, $PORT_SYSCALL
	ud2

/*
 * The ring-3 commit helper, in the same page (SYSCALL_OFF_COMMIT3), run in
 * the commit context: RSI = runs through CCTX_DIRECT_BASE, RDX = count.
 * Invalidation needs ring 0; the monitor does it after (commit stub).
 */
	.org	TRAMP_OFF_SYSCALL + SYSCALL_OFF_COMMIT3
	write_runs
	.org	TRAMP_OFF_SYSCALL + SYSCALL_COMMIT3_OUT	/* no padding */
	outb	%al, $PORT_COMMIT3
	ud2

/* the commit stub's runs variant (see TRAMP_OFF_CHUNK_RUNS) */
	.org	TRAMP_OFF_COMMIT_RUNS
	write_runs
	jmp	commit_inval

/*
 * Nested paging (EPT/NPT, platform_nested.c): the host's writes to guest
 * page tables are plain memory stores the guest's page walks read, so the
 * guest only drops its stale translations (Intel SDM Vol. 3A, 4.10.4.1;
 * AMD APM Vol. 2, 5.5.2) and returns to the program: no re-write, no report
 * back.  The monitor leaves the program's registers loaded except RSI, RCX
 * and RAX, which it pushed under the IRET frame; IF=0, DF=0.
 */
	.org	TRAMP_OFF_INVAL_IRET
	movq	data + TD_NR_INVAL(%rip), %rcx
	leaq	data + TD_INVAL(%rip), %rsi
	jrcxz	2f
1:	lodsq
	invlpg	(%rax)
	loop	1b
2:	cmpq	$0, data + TD_FLUSH(%rip)
	je	3f
	movq	%cr3, %rax
	movq	%rax, %cr3
3:	popq	%rsi
	popq	%rcx
	popq	%rax
	iretq

/*
 * The start-up probe (platform.c), in ring 3 through the probe space's
 * user-executable alias of this page, since ring 0 is emulated on PVM and
 * its reads walk the tables in memory: read (RDI) and report with #UD
 * (the vector 6 entry's OUT); then the host points that present entry at
 * another frame, ring 0 runs INVLPG and IRETs to the same read.  Then
 * SYSCALL (does it enter ring 0?), an OUT the I/O bitmap refuses (is it
 * refused?) and one it allows (is the bitmap honoured?).
 */
	.org	TRAMP_OFF_PROBE_INVAL
	invlpg	(%rdi)
	iretq
	.org	TRAMP_OFF_PROBE3_READ
	movq	(%rdi), %rax
	ud2
	.org	TRAMP_OFF_PROBE3_SYSCALL
	syscall
	ud2
	.org	TRAMP_OFF_PROBE3_DENIED
	outb	%al, $PORT_PROBE_DENIED
	ud2
	.org	TRAMP_OFF_PROBE3_OUT
	outb	%al, $PORT_PROBE
	ud2

	.org	TRAMP_OFF_DATA
data:
	.skip	TRAMP_SIZE - TRAMP_OFF_DATA
trampoline_end:
