// SPDX-License-Identifier: GPL-2.0
/*
 * Diagnostics: the report printed when the program dies of a fault, and the
 * --maps and --stats summaries.  Guest memory is read through the MMU's page
 * walk without faulting, so a report never changes what it reports on.
 */
#include <capstone/capstone.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "vmm.h"
#include "platform.h"
#include "trampoline.h"

#define PTE_PRESENT	1ULL
#define PTE_PFN_MASK	0x000ffffffffff000ULL

static const char *const vector_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization",
	"#CP control protection",
};

/*
 * Copy the program's bytes at @addr that are mapped now, at most @n;
 * returns how many were.  @entry_page: the SYSCALL entry page, where ring 3
 * may run too, counts as mapped (trap.c's instruction checks).
 */
size_t peek_user(struct vmm *vmm, uint64_t addr, uint8_t *dst, size_t n, bool entry_page)
{
	size_t done = 0;

	while (done < n) {
		uint64_t a = addr + done, off = a & ~PAGE_MASK, gpa;
		size_t chunk = PAGE_SIZE - off;
		pteval_t pte = a < TASK_SIZE ? mm_walk(vmm->cur->mm, a) : 0;

		if (entry_page && vmm->fast_exit && (a & PAGE_MASK) == SYSCALL_LSTAR)
			pte = (vmm->kern_gpa + KERN_SYSCALL) | PTE_PRESENT;
		if (!(pte & PTE_PRESENT))
			break;
		gpa = (pte & PTE_PFN_MASK) + off;
		if (gpa >= vmm->mem_size)
			break;
		if (chunk > n - done)
			chunk = n - done;
		memcpy(dst + done, vmm->mem + gpa, chunk);
		done += chunk;
	}
	return done;
}

void diag_print_regs(struct vmm *vmm, FILE *out)
{
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	struct kvm_sregs *s = &vmm->run->s.regs.sregs;
	struct iret_frame *f = trap_frame(vmm);

	fprintf(out, "  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n"
		"  rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n"
		"  r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n"
		"  r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n",
		r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp,
		(unsigned long long)f->rsp, r->r8, r->r9, r->r10, r->r11,
		r->r12, r->r13, r->r14, r->r15);
	fprintf(out, "  rip %016llx rflags %08llx cs %04llx ss %04llx fs_base %016llx\n",
		(unsigned long long)f->rip, (unsigned long long)f->rflags,
		(unsigned long long)f->cs, (unsigned long long)f->ss, s->fs.base);
	fprintf(out, "  cr2 %016llx cr3 %016llx (vcpu rip %016llx rsp %016llx)\n",
		s->cr2, s->cr3, r->rip, r->rsp);
}

/* the maps lines around @addr: the one holding it, or its neighbours */
static void print_maps_around(struct vmm *vmm, uint64_t addr, FILE *out)
{
	char *maps = mm_show_maps(vmm->cur->mm), *line, *save = NULL;
	char *prev = NULL, *hit = NULL, *next = NULL;

	if (!maps)
		return;
	for (line = strtok_r(maps, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		uint64_t lo, hi;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &lo, &hi) != 2)
			continue;
		if (addr >= hi) {
			prev = line;
		} else if (addr >= lo) {
			hit = line;
		} else {
			next = line;
			break;
		}
	}
	fprintf(out, "  memory around %#" PRIx64 ":\n", addr);
	fprintf(out, "    %s\n", prev ? prev : "(nothing below)");
	if (hit)
		fprintf(out, "  > %s\n", hit);
	else
		fprintf(out, "  > (%#" PRIx64 " is not mapped)\n", addr);
	fprintf(out, "    %s\n", next ? next : "(nothing above)");
	free(maps);
}

/*
 * x86 cannot be decoded backwards: try start points before RIP until one
 * decodes into an instruction that begins exactly at RIP.
 */
static void print_code(struct vmm *vmm, uint64_t rip, FILE *out)
{
	uint8_t code[96];
	uint64_t base = rip > 40 ? rip - 40 : 0, start;
	size_t have, count = 0, i, at = 0;
	cs_insn *insn = NULL;
	csh cs;

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return;
	have = peek_user(vmm, base, code, sizeof(code), false);
	if (have <= rip - base) {
		/* the bytes before RIP may be unmapped; start at RIP itself */
		base = rip;
		have = peek_user(vmm, base, code, sizeof(code), false);
	}
	for (start = base; start <= rip && have > rip - base; start++) {
		count = cs_disasm(cs, code + (start - base), have - (start - base), start, 0, &insn);
		for (i = 0; i < count; i++)
			if (insn[i].address == rip)
				break;
		if (i < count) {
			at = i;
			break;
		}
		cs_free(insn, count);
		insn = NULL;
		count = 0;
	}
	if (!count) {
		fprintf(out, "  code at %#" PRIx64 ": %s\n", rip,
			have ? "cannot decode" : "not mapped");
		cs_close(&cs);
		return;
	}
	fprintf(out, "  code:\n");
	for (i = at > 4 ? at - 4 : 0; i < count && i <= at + 3; i++) {
		char bytes[48] = "";
		size_t j;

		for (j = 0; j < insn[i].size && j < 12; j++)
			snprintf(bytes + 3 * j, sizeof(bytes) - 3 * j, "%02x ", insn[i].bytes[j]);
		fprintf(out, "  %s %016" PRIx64 ": %-30s %s %s\n", i == at ? ">" : " ",
			insn[i].address, bytes, insn[i].mnemonic, insn[i].op_str);
	}
	cs_free(insn, count);
	cs_close(&cs);
}

static const char *si_code_name(int signo, int code)
{
	if (signo == SIGSEGV && code == SEGV_MAPERR)
		return "SEGV_MAPERR: address not mapped";
	if (signo == SIGSEGV && code == SEGV_ACCERR)
		return "SEGV_ACCERR: access not allowed by the mapping";
	if (signo == SIGBUS && code == BUS_ADRERR)
		return "BUS_ADRERR: no backing page (past the end of the object?)";
	return NULL;
}

void diag_fault_report(struct vmm *vmm, int signo, int si_code, uint64_t addr,
		       unsigned int vec, uint64_t ec)
{
	struct iret_frame *f = trap_frame(vmm);
	const char *code = si_code_name(signo, si_code);
	FILE *out = stderr;

	fprintf(out, "vmm: program killed by %s (%s)\n", sigabbrev_np(signo) ?
		sigabbrev_np(signo) : "?", strsignal(signo));
	fprintf(out, "  trap: %s", vec < 32 && vector_names[vec] ? vector_names[vec] : "?");
	if (vector_has_error_code(vec))
		fprintf(out, ", error code %#" PRIx64, ec);
	fputc('\n', out);
	if (vec == 14) {
		fprintf(out, "  fault address: %#" PRIx64 "%s%s%s\n", addr,
			code ? " (" : "", code ? code : "", code ? ")" : "");
		fprintf(out, "  access: %s, %s mode%s\n",
			(ec & 16) ? "instruction fetch" : (ec & 2) ? "write" : "read",
			(ec & 4) ? "user" : "kernel",
			(ec & 1) ? ", page present (protection)" : ", page not present");
	}
	fprintf(out, "  rip: %#llx\n", (unsigned long long)f->rip);
	print_maps_around(vmm, vec == 14 ? addr : f->rip, out);
	fprintf(out, "  registers:\n");
	diag_print_regs(vmm, out);
	print_code(vmm, f->rip, out);
}

/* death by a core-dumping signal that no trap raised: abort(), kill() */
void diag_signal_report(struct vmm *vmm, int signo, const char *why)
{
	struct iret_frame *f = trap_frame(vmm);
	FILE *out = stderr;

	fprintf(out, "vmm: program killed by %s (%s)\n", sigabbrev_np(signo) ?
		sigabbrev_np(signo) : "?", strsignal(signo));
	fprintf(out, "  signal: %s\n", why);
	fprintf(out, "  rip: %#llx\n", (unsigned long long)f->rip);
	print_maps_around(vmm, f->rip, out);
	fprintf(out, "  registers:\n");
	diag_print_regs(vmm, out);
	print_code(vmm, f->rip, out);
}

void diag_print_maps(struct vmm *vmm, FILE *out)
{
	char *maps = mm_show_maps(vmm->cur->mm);

	if (!maps)
		return;
	fprintf(out, "vmm: maps at exit:\n%s", maps);
	free(maps);
}

static void print_size(FILE *out, uint64_t v)
{
	static const char unit[] = " KMGT";
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	fprintf(out, "%4" PRIu64 "%c", v, unit[u]);
}

/*
 * Where the vCPUs' time went: inside KVM_RUN (the guest and KVM) or out of
 * it (the monitor, and waiting: for the lock, for work).  With several
 * vCPUs the total is their threads' lifetimes summed, so the shares add up.
 */
static void print_time_share(struct vmm *vmm, FILE *out)
{
	uint64_t wall = vmm->stats.end_tsc - vmm->stats.start_tsc;
	uint64_t total = vmm->stats.vcpu_cycles > wall ? vmm->stats.vcpu_cycles : wall;
	uint64_t run = vmm->stats.run_cycles, exits = 0;
	const char *out_of;
	unsigned int i;

	for (i = 0; i < NR_EXIT_REASONS; i++)
		exits += vmm->stats.exits[i];
	if (!vmm->stats.end_tsc || !total)
		return;
	if (run > total)
		run = total;
	/* one vCPU is in the monitor whenever it is out of KVM_RUN */
	out_of = vmm->stats.vcpus < 2 ? "in the monitor" : "out of it (monitor or idle)";
	fprintf(out, "time (TSC cycles): total %" PRIu64 "%s, in KVM_RUN %" PRIu64
		" (%.1f%%), %s %" PRIu64 " (%.1f%%); per exit %" PRIu64
		" in KVM_RUN, %" PRIu64 " out of it\n", total,
		total > wall ? " (all vCPUs)" : "", run, 100.0 * run / total, out_of,
		total - run, 100.0 * (total - run) / total, exits ? run / exits : 0,
		exits ? (total - run) / exits : 0);
	fprintf(out, "page faults served without the monitor lock: %" PRIu64 " of %" PRIu64 "\n",
		vmm->stats.shared_faults, vmm->stats.exceptions[14]);
	if (vmm->stats.vcpus < 2)
		return;
	fprintf(out, "monitor lock: held %" PRIu64 " (%.1f%% of the vCPUs' time, %.1f%% of "
		"the wall clock), taken %" PRIu64 " times, %" PRIu64 " of them waited, for %"
		PRIu64 " (%.1f%%)\n", vmm->stats.lock_hold_cycles,
		100.0 * vmm->stats.lock_hold_cycles / total,
		100.0 * vmm->stats.lock_hold_cycles / wall, vmm->stats.lock_takes,
		vmm->stats.lock_contended, vmm->stats.lock_wait_cycles,
		100.0 * vmm->stats.lock_wait_cycles / total);
}

/* host-side fault service time, mm_fault() alone, per kind */
static void print_fault_histograms(struct vmm *vmm, FILE *out)
{
	unsigned int k, b;

	fprintf(out, "fault service time on the host (TSC cycles, log2 buckets):\n");
	for (k = 0; k < NR_FAULT_KINDS; k++) {
		uint64_t n = 0, max = 0;

		for (b = 0; b < FAULT_HIST_BUCKETS; b++) {
			n += vmm->stats.fault_hist[k][b];
			if (vmm->stats.fault_hist[k][b] > max)
				max = vmm->stats.fault_hist[k][b];
		}
		if (!n)
			continue;
		fprintf(out, "  %s: %" PRIu64 " faults, mean %" PRIu64 "\n",
			fault_kind_name(k), n, vmm->stats.fault_cycles[k] / n);
		for (b = 0; b < FAULT_HIST_BUCKETS; b++) {
			uint64_t c = vmm->stats.fault_hist[k][b];
			int bar = (int)((c * 40 + max - 1) / max);

			if (!c)
				continue;
			fprintf(out, "    ");
			print_size(out, 1ULL << b);
			fprintf(out, " - ");
			print_size(out, 2ULL << b);
			fprintf(out, " %8" PRIu64 " %.*s\n", c, bar,
				"########################################");
		}
	}
}

void diag_print_stats(struct vmm *vmm, FILE *out)
{
	unsigned int i;

	fprintf(out, "vmm: stats\n");
	platform_print(vmm, out);
	fprintf(out, "exits:");
	for (i = 0; i < NR_EXIT_REASONS; i++)
		if (vmm->stats.exits[i])
			fprintf(out, " %s=%" PRIu64, kvm_exit_reason_name(i), vmm->stats.exits[i]);
	fprintf(out, "\ntraps:");
	for (i = 0; i < 32; i++)
		if (vmm->stats.exceptions[i])
			fprintf(out, " %.3s=%" PRIu64, vector_names[i], vmm->stats.exceptions[i]);
	fprintf(out, "\nsyscalls: %" PRIu64 "\ncommit buffer: extra chunks=%" PRIu64
		" written at CPL 3=%" PRIu64 "\nreturns to ring 3 without IRET: %" PRIu64 "\n",
		vmm->stats.syscalls, vmm->stats.commit_chunks, vmm->stats.commits3,
		vmm->stats.direct_returns);
	fprintf(out, "vcpus: %d of at most %d, tlb shootdowns=%" PRIu64 " (vcpus kicked=%"
		PRIu64 ", kicks sent again=%" PRIu64 "), reclaim stops=%" PRIu64 "\n",
		vmm->stats.vcpus, vmm->max_vcpus, vmm->stats.shootdowns,
		vmm->stats.shootdown_kicks, vmm->stats.kick_retries, vmm->stats.reclaim_stops);
	print_time_share(vmm, out);
	print_fault_histograms(vmm, out);
	mm_print_stats(vmm->cur->mm, out);
	reclaim_print_stats(vmm, out);
	inject_print_stats(vmm, out);
}
