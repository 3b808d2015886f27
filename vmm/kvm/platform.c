// SPDX-License-Identifier: GPL-2.0
/*
 * Which KVM is this?  A probe at start-up, before the first program, in an
 * address space of the monitor's own (cpu_x86_64.c, map_probe_space()),
 * measures the platform note's facts 3, 4 and 5 in five exits:
 *
 * 1. SYSCALL at CPL 3: does it enter ring 0 (SDM Vol. 3A, 5.8.8; AMD APM
 *    Vol. 2, 6.1.1), or stay at CPL 3 as on PVM?
 * 2. OUT at CPL 3 to a port the TSS I/O bitmap refuses: #GP, as SDM Vol. 1,
 *    19.5.2 has it, or an exit, as on PVM?
 * 3. OUT at CPL 3 to a port the bitmap allows: an exit, or #GP (QEMU's TCG
 *    emulating SVM, see cpu_set_sregs())?
 * 4, 5. Ring 3 reads a page, the host points the present entry at another
 *    frame, ring 0 runs INVLPG and ring 3 reads again: the new frame with
 *    nested paging, the old one under shadow paging (PVM).  Ring 3, since
 *    PVM emulates ring 0, and its emulator walks the tables in memory.
 *
 * The verdict picks the commit protocol (platform.h) unless --platform
 * forces one, and turns off the fast paths this KVM cannot run.
 */
#include <errno.h>
#include <string.h>

#include "vmm.h"
#include "platform.h"
#include "../guest/trampoline.h"

#define LSTAR_PGD_SLOT	((SYSCALL_LSTAR >> PGDIR_SHIFT) & 511)

int platform_parse(struct vmm *vmm, const char *arg)
{
	if (!strcmp(arg, "auto"))
		vmm->platform_mode = PLATFORM_AUTO;
	else if (!strcmp(arg, "npt"))
		vmm->platform_mode = PLATFORM_NPT;
	else if (!strcmp(arg, "shadow"))
		vmm->platform_mode = PLATFORM_SHADOW;
	else {
		pr_err("--platform %s: auto, npt or shadow", arg);
		return -1;
	}
	return 0;
}

/*
 * Run the probe from @rip at CPL 3 or 0 until the next exit, which must be
 * an OUT; its port, or -1.
 */
static int probe_run(struct vmm *vmm, uint64_t rip, bool user, uint64_t rdi)
{
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	struct kvm_sregs *s = &vmm->run->s.regs.sregs;

	memset(r, 0, sizeof(*r));
	r->rip = rip;
	r->rdi = rdi;
	r->rsp = trap_frame_va(vmm);
	r->rflags = 0x2;
	if (user) {
		cpu_user_segment(&s->cs, 0x33);
		cpu_user_segment(&s->ss, 0x2b);
	} else {
		s->cs = vmm->kern_cs;
		s->ss = vmm->kern_ss;
	}
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	vmm->facts.exits++;
	if (kvm_run_once(vmm) || vmm->run->exit_reason != KVM_EXIT_IO ||
	    vmm->run->io.direction != KVM_EXIT_IO_OUT) {
		pr_err("platform probe: unexpected exit %u (%s) at rip %#llx",
		       vmm->run->exit_reason, kvm_exit_reason_name(vmm->run->exit_reason),
		       (unsigned long long)r->rip);
		return -1;
	}
	return vmm->run->io.port;
}

static int probe(struct vmm *vmm)
{
	struct platform_facts *f = &vmm->facts;
	struct vmm_stats saved = vmm->stats;
	uint64_t code = PROBE_VA - KERN_TRAMP;	/* user alias of the code page */
	int port;

	if (cpu_set_sregs(vmm, vmm->probe.cr3))
		return -1;

	/* 1: the entry page's OUT, or the #PF at an unmapped LSTAR */
	port = probe_run(vmm, code + KERN_TRAMP + TRAMP_OFF_PROBE3_SYSCALL, true, 0);
	if (port == PORT_SYSCALL)
		f->syscall_ring0 = !(vmm->run->s.regs.sregs.cs.selector & 3);
	else if (port == PORT_TRAP_BASE + 14)
		f->syscall_ring0 = !(trap_frame(vmm)->cs & 3);
	else
		goto bad;

	/* 2 and 3: #GP arrives as the trampoline's vector 13 */
	port = probe_run(vmm, code + KERN_TRAMP + TRAMP_OFF_PROBE3_DENIED, true, 0);
	if (port != PORT_PROBE_DENIED && port != PORT_TRAP_BASE + 13)
		goto bad;
	f->io3_refused = port != PORT_PROBE_DENIED;
	port = probe_run(vmm, code + KERN_TRAMP + TRAMP_OFF_PROBE3_OUT, true, 0);
	if (port != PORT_PROBE && port != PORT_TRAP_BASE + 13)
		goto bad;
	f->io3_bitmap = port == PORT_PROBE;
	f->io3_rip_after = f->io3_bitmap && vmm->run->s.regs.regs.rip ==
			   code + KERN_TRAMP + TRAMP_OFF_PROBE3_OUT + SYSCALL_OUT_LEN;

	/* 4 and 5: the translation cached, then the entry changed under it */
	port = probe_run(vmm, code + KERN_TRAMP + TRAMP_OFF_PROBE3_READ, true, PROBE_DATA_VA);
	if (port != PORT_TRAP_BASE + 6 || vmm->run->s.regs.regs.rax != PROBE_MARK(0))
		goto bad;
	*vmm->probe.data_pte = vmm->probe.data_gpa[1] | (*vmm->probe.data_pte & ~PAGE_MASK);
	*trap_frame(vmm) = (struct iret_frame){
		.rip = code + KERN_TRAMP + TRAMP_OFF_PROBE3_READ, .cs = 0x33,
		.rflags = 0x2, .rsp = 0, .ss = 0x2b,
	};
	port = probe_run(vmm, kern_va(vmm, KERN_TRAMP + TRAMP_OFF_PROBE_INVAL), false,
			 PROBE_DATA_VA);
	if (port != PORT_TRAP_BASE + 6)
		goto bad;
	f->host_pte_seen = vmm->run->s.regs.regs.rax == PROBE_MARK(1);

	/* the program's counters start at zero: the probe is the monitor's */
	vmm->stats = saved;
	return 0;
bad:
	if (port >= 0)
		pr_err("platform probe: unexpected port %#x at rip %#llx", port,
		       (unsigned long long)vmm->run->s.regs.regs.rip);
	return -1;
}

/*
 * Probe, pick the protocol, and turn off the fast paths that need what this
 * KVM cannot do.  After cpu_setup(), before the first address space.
 */
int platform_setup(struct vmm *vmm)
{
	const struct platform_facts *f = &vmm->facts;
	bool io3;	/* an OUT at CPL 3 exits */

	if (probe(vmm))
		return -1;
	io3 = !f->io3_refused || f->io3_bitmap;
	switch (vmm->platform_mode) {
	case PLATFORM_AUTO:
		vmm->platform = f->host_pte_seen ? &platform_nested : &platform_shadow;
		break;
	case PLATFORM_NPT:
		if (!f->host_pte_seen) {
			pr_err("--platform npt: this KVM does not show the guest the host's "
			       "writes to present page-table entries (shadow paging); "
			       "use --platform shadow or auto");
			return -1;
		}
		vmm->platform = &platform_nested;
		break;
	case PLATFORM_SHADOW:
		vmm->platform = &platform_shadow;
		break;
	}
	/*
	 * The ring-3 commit helper re-writes entries at CPL 3 and reports with
	 * an OUT there: only the shadow protocol re-writes, and only a KVM that
	 * lets that OUT exit can run it.
	 */
	if (vmm->cctx_cr3 && vmm->platform != &platform_shadow) {
		vmm->cctx_cr3 = 0;
		vmm->fast_path_note = "--ring3-commit off: the npt protocol re-writes nothing";
	} else if (vmm->cctx_cr3 && !io3) {
		vmm->cctx_cr3 = 0;
		vmm->fast_path_note = "--ring3-commit off: OUT at CPL 3 raises #GP here";
	}
	/*
	 * The SYSCALL entry page reports with an OUT at whatever CPL SYSCALL
	 * leaves: if that is 3 and OUT at CPL 3 faults, system calls arrive as
	 * the #PF at an unmapped LSTAR instead (--fast-exit off).
	 */
	if (vmm->fast_exit && !f->syscall_ring0 && !io3) {
		vmm->zone->kernel_pgd[LSTAR_PGD_SLOT - 256] = 0;
		vmm->fast_exit = false;
		vmm->cctx_cr3 = 0;
		vmm->fast_path_note = "--fast-exit off: SYSCALL stays at CPL 3 and OUT there raises #GP";
	}
	/* ring 3's ports from now on: the probe's closed, the fast paths' as chosen */
	cpu_io_bitmap(vmm, false);
	if (vmm->trace)
		platform_print(vmm, vmm->trace_out);
	return 0;
}

/* the verdict: the first line of --trace, a line of --stats */
void platform_print(const struct vmm *vmm, FILE *out)
{
	const struct platform_facts *f = &vmm->facts;

	fprintf(out, "platform: %s (%s): SYSCALL enters ring %d; host PTE writes %s "
		"after INVLPG; IN/OUT at CPL 3 %s%s; protection keys %s; probe exits=%u%s%s\n",
		vmm->platform->name,
		vmm->platform_mode == PLATFORM_AUTO ? "auto" : "forced",
		f->syscall_ring0 ? 0 : 3, f->host_pte_seen ? "seen" : "not seen",
		f->io3_refused ? "refused" : "not refused",
		f->io3_refused ? (f->io3_bitmap ? ", allowed by the I/O bitmap" :
				  ", even where the I/O bitmap allows") : "",
		vmm->has_pku ? "on" : vmm->pku_allowed ? "not offered" : "off (--pku off)",
		f->exits, vmm->fast_path_note ? "; " : "",
		vmm->fast_path_note ? vmm->fast_path_note : "");
}
