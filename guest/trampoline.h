/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layout shared by the monitor (vmm/) and the ring-0 trampoline
 * (guest/trampoline.S).  Included from C and from assembly.
 *
 * The monitor's own frames sit at the top of guest-physical memory (the
 * MMU's allocator hands out low frames first), reserved in the MMU's zone
 * so that it never hands them out.  They are mapped in the kernel half at
 * KTEXT_BASE + their offset in that region; all of guest memory is also
 * mapped at DIRECT_MAP_BASE + gpa, which is what the commit stub writes
 * page-table entries through.
 */
#ifndef GUEST_TRAMPOLINE_H
#define GUEST_TRAMPOLINE_H

/* offsets of the monitor's frames in its region (and from KTEXT_BASE) */
#define KERN_SYSCALL		0x0000		/* the SYSCALL entry page, also at LSTAR */
#define KERN_GDT		0x1000
#define KERN_IDT		0x2000
#define KERN_TSS		0x3000
#define KERN_IST1_TOP		0x8000		/* every exception but the ones below */
#define KERN_IST2_TOP		0xa000		/* NMI, #DF, #MC */
#define KERN_TRAMP		0xa000		/* code page, then data page */
#define KERN_COMMIT		0xc000		/* the commit buffer */
#define COMMIT_BUF_SIZE		0x40000
/*
 * Everything above is per vCPU: each has its own copy of these frames (its
 * GDT, IDT, TSS, IST stacks, trampoline and commit buffer), the copies one
 * after the other, mapped at KTEXT_BASE + cpu * KERN_PERCPU_SIZE.  The
 * trampoline reaches its data page RIP-relative, so each copy reads its own.
 * The kernel half's page tables follow the last copy.
 */
#define KERN_PERCPU_SIZE	(KERN_COMMIT + COMMIT_BUF_SIZE)
#define KERN_PGTABLES		KERN_PERCPU_SIZE

/* kernel virtual addresses */
#define KTEXT_BASE		0xffffffff80000000
#define DIRECT_MAP_BASE		0xffff888000000000
/*
 * SYSCALL jumps here.  With --fast-exit the entry page (KERN_SYSCALL) is
 * mapped here, user-executable, and its OUT reports the call.  Without,
 * nothing is mapped here, so on every platform the instruction fetch
 * raises #PF with RIP == LSTAR (platform note, fact 3).
 */
#define SYSCALL_LSTAR		0xfffffe0000000000

/* offsets inside the trampoline image */
#define TRAMP_OFF_VEC		0x000	/* vector v enters at v * TRAMP_VEC_STRIDE */
#define TRAMP_VEC_STRIDE	4
#define TRAMP_OFF_CHUNK		0x100	/* apply part of a large commit, then report */
#define TRAMP_OFF_CHUNK_OUT	0x108	/* its OUT */
#define TRAMP_OFF_COMMIT	0x140	/* apply the commit, invalidate, report */
#define TRAMP_OFF_COMMIT_ONE	0x1a0	/* one entry, one page to invalidate */
#define TRAMP_OFF_IRET		0x1c0	/* return to user, nothing to commit */
#define TRAMP_OFF_CHUNK_RUNS	0x1c8	/* the chunk stub for runs of entries */
#define TRAMP_OFF_CHUNK_RUNS_OUT 0x1d8	/* its OUT */
#define TRAMP_OFF_BENCH		0x1e0	/* hypercall loop for the exit floor */
#define TRAMP_OFF_SYSCALL	0x200	/* copied to the SYSCALL entry page */
#define TRAMP_OFF_COMMIT_RUNS	0x280	/* the commit stub for runs of entries */
#define TRAMP_OFF_INVAL_IRET	0x300	/* nested paging: invalidate, then IRET */
#define TRAMP_OFF_PROBE_INVAL	0x380	/* the start-up probe, ring 0: INVLPG (RDI), IRET */
#define TRAMP_OFF_PROBE3_READ	0x390	/* ring 3: RAX = (RDI), then #UD */
#define TRAMP_OFF_PROBE3_SYSCALL 0x3a0	/* ring 3: SYSCALL */
#define TRAMP_OFF_PROBE3_DENIED	0x3a8	/* ring 3: OUT to a port the bitmap refuses */
#define TRAMP_OFF_PROBE3_OUT	0x3b0	/* ring 3: OUT to a port the bitmap allows */
#define SYSCALL_PAGE_BYTES	0x60	/* copied from TRAMP_OFF_SYSCALL */
#define SYSCALL_OFF_COMMIT3	0x40	/* in that page: the ring-3 commit helper */
#define SYSCALL_COMMIT3_OUT	0x50	/* its OUT */
#define SYSCALL_OUT_LEN		2	/* OUT imm8, AL */
#define TRAMP_OFF_DATA		0x1000	/* the data page: what the commit stubs read */
#define TRAMP_SIZE		0x2000

/* the data page, as the host fills it */
#define TD_NR_INVAL		0x20	/* addresses after the entries to invlpg */
#define TD_FLUSH		0x28	/* non-zero: reload CR3 instead */
#define TD_INVAL		0x40	/* TRAMP_OFF_INVAL_IRET: the addresses (at most 64) */
#define TD_INVAL_MAX		64

/* I/O ports of the hypercalls; only honoured from the trampoline's RIPs */
#define PORT_TRAP_BASE		0x40	/* + vector */
#define PORT_CHUNK		0x60
#define PORT_BENCH		0x61
#define PORT_SYSCALL		0x62	/* only from the SYSCALL entry page */
#define PORT_COMMIT_DONE	0x63	/* a commit stub is done */
#define PORT_COMMIT3		0x64	/* the ring-3 commit helper is done */
#define PORT_PROBE		0x65	/* the start-up probe; open to ring 3 */
#define PORT_PROBE_DENIED	0x66	/* the probe's port that ring 3 may not use */

/*
 * The commit context (--ring3-commit): an address space of the monitor's
 * own whose user half maps all of guest memory here, user-writable, so that
 * the helper writes page-table entries at CPL 3, where shadow-paging KVM
 * runs instructions natively instead of emulating them.
 */
#define CCTX_DIRECT_BASE	0x0000100000000000

/*
 * The start-up probe's address space (platform.c): a PGD of the monitor's
 * own whose slot at PROBE_VA maps the trampoline's code page user-executable
 * and, a page above, one of two data frames; no program's space has this slot.
 */
#define PROBE_VA		0xfffffd0000000000
#define PROBE_DATA_VA		(PROBE_VA + 0x1000)

#endif
