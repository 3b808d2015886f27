// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU in 64-bit mode: GDT, IDT, TSS with IST stacks, the kernel half of
 * the page tables (a direct map of guest memory and the trampoline), control
 * registers and the SYSCALL MSRs.  Linux's selector layout throughout; the
 * shadow-paging platform maps guest user selectors onto the host's
 * (platform note, fact 2).
 */
#include <cpuid.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm.h"
#include "../guest/trampoline.h"

#define GDT_KERNEL_CS	0x10
#define GDT_KERNEL_DS	0x18
#define GDT_USER32_CS	0x23
#define GDT_USER_DS	0x2b
#define GDT_USER_CS	0x33
#define GDT_TSS		0x40
#define GDT_ENTRIES	10
/* the 104-byte TSS, an I/O bitmap up to PORT_PROBE_DENIED and its 0xff end byte */
#define IOMAP_BASE	104
#define IOBITMAP_BYTES	(PORT_PROBE_DENIED / 8 + 1)
#define TSS_LIMIT	(IOMAP_BASE + IOBITMAP_BYTES)

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_US		(1ULL << 2)
#define PTE_A		(1ULL << 5)
#define PTE_D		(1ULL << 6)
#define PTE_PS		(1ULL << 7)
#define PTE_NX		(1ULL << 63)
/* supervisor-only tables: U/S clear at every level (SDM Vol. 3A, 4.6.1) */
#define PTE_TABLE	(PTE_P | PTE_RW | PTE_A)

#define CR0_PE		(1ULL << 0)
#define CR0_MP		(1ULL << 1)
#define CR0_ET		(1ULL << 4)
#define CR0_NE		(1ULL << 5)
#define CR0_WP		(1ULL << 16)
#define CR0_AM		(1ULL << 18)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define CR4_OSFXSR	(1ULL << 9)
#define CR4_OSXMMEXCPT	(1ULL << 10)
#define CR4_OSXSAVE	(1ULL << 18)
#define CR4_PKE		(1ULL << 22)
#define XCR0_PKRU	(1ULL << 9)
#define EFER_SCE	(1ULL << 0)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define EFER_NXE	(1ULL << 11)

#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_CSTAR	0xc0000083
#define MSR_FMASK	0xc0000084
#define MSR_FS_BASE	0xc0000100
#define MSR_GS_BASE	0xc0000101
#define MSR_KERNEL_GS	0xc0000102

/* RFLAGS cleared on SYSCALL, as Linux does: TF, IF, DF, IOPL, NT, AC */
#define SYSCALL_FMASK	0x47700

/*
 * The monitor's region: an offset below KERN_PERCPU_SIZE is in the current
 * vCPU's copy (trampoline.h), one above it in the shared tables after the
 * last copy.
 */
static uint64_t kern_off(const struct vmm *vmm, int cpu, uint64_t off)
{
	if (off < KERN_PERCPU_SIZE)
		return (uint64_t)cpu * KERN_PERCPU_SIZE + off;
	return (uint64_t)(vmm->max_vcpus - 1) * KERN_PERCPU_SIZE + off;
}

/* ... of vCPU @cpu, for code that runs without the monitor lock */
uint64_t kern_va_cpu(const struct vmm *vmm, int cpu, uint64_t off)
{
	return KTEXT_BASE + kern_off(vmm, cpu, off);
}

void *kern_ptr_cpu(const struct vmm *vmm, int cpu, uint64_t off)
{
	return vmm->mem + vmm->kern_gpa + kern_off(vmm, cpu, off);
}

uint64_t kern_va(const struct vmm *vmm, uint64_t off)
{
	return kern_va_cpu(vmm, vmm->cpu_index, off);
}

void *kern_ptr(const struct vmm *vmm, uint64_t off)
{
	return kern_ptr_cpu(vmm, vmm->cpu_index, off);
}

uint64_t kern_phys(const struct vmm *vmm, uint64_t off)
{
	return vmm->kern_gpa + kern_off(vmm, vmm->cpu_index, off);
}

/* Intel SDM Vol. 3A, 6.3.1: the vectors that push an error code */
bool vector_has_error_code(unsigned int vec)
{
	return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 ||
	       vec == 21 || vec == 29 || vec == 30;
}

/* page tables of the kernel half, taken in order after KERN_PGTABLES */
struct pt_alloc {
	struct vmm *vmm;
	uint64_t next;		/* offset in the monitor's region */
};

static uint64_t *pt_new(struct pt_alloc *pa, uint64_t *gpa)
{
	uint64_t off = pa->next;

	pa->next += PAGE_SIZE;
	*gpa = kern_phys(pa->vmm, off);
	return kern_ptr(pa->vmm, off);
}

static uint64_t nr_kernel_tables(uint64_t mem_size, unsigned int cpus)
{
	uint64_t gib = (mem_size + PUD_SIZE - 1) / PUD_SIZE;
	uint64_t fixed = 1 + gib + 2 + 3 + 1 + 1 + gib + 6;
	uint64_t span = (uint64_t)cpus * KERN_PERCPU_SIZE + (fixed + 8) * PAGE_SIZE;

	/*
	 * direct map: one PUD and a PMD per GiB; KTEXT: PUD, PMD and a PT per
	 * 2 MiB of the region; LSTAR: PUD, PMD, PT; the commit context: its
	 * PGD, then as the direct map; the probe space: PGD, PUD, PMD, PT and
	 * two data frames
	 */
	return fixed + (span + PMD_SIZE - 1) / PMD_SIZE + 1;
}

/* all of guest memory at DIRECT_MAP_BASE, 2 MiB pages, writable, not executable */
static void map_direct(struct vmm *vmm, struct pt_alloc *pa)
{
	uint64_t pud_gpa, pmd_gpa, gpa, *pud, *pmd = NULL;
	unsigned int pgd_idx = (DIRECT_MAP_BASE >> PGDIR_SHIFT) & 511;

	pud = pt_new(pa, &pud_gpa);
	for (gpa = 0; gpa < vmm->mem_size; gpa += PMD_SIZE) {
		if (!(gpa & (PUD_SIZE - 1))) {
			pmd = pt_new(pa, &pmd_gpa);
			pud[gpa >> PUD_SHIFT] = pmd_gpa | PTE_TABLE;
		}
		pmd[(gpa >> PMD_SHIFT) & 511] = gpa | PTE_P | PTE_RW | PTE_A |
						PTE_D | PTE_PS | PTE_NX;
	}
	vmm->zone->kernel_pgd[pgd_idx - 256] = pud_gpa | PTE_TABLE;
}

/* the monitor's region at KTEXT_BASE: trampoline code read-only executable */
static void map_ktext(struct vmm *vmm, struct pt_alloc *pa)
{
	uint64_t pud_gpa, pmd_gpa, pt_gpa, off, cpu_off, prot, *pud, *pmd, *pt = NULL;
	unsigned int pgd_idx = (KTEXT_BASE >> PGDIR_SHIFT) & 511;
	uint64_t percpu_end = (uint64_t)vmm->max_vcpus * KERN_PERCPU_SIZE;

	pud = pt_new(pa, &pud_gpa);
	pmd = pt_new(pa, &pmd_gpa);
	pud[(KTEXT_BASE >> PUD_SHIFT) & 511] = pmd_gpa | PTE_TABLE;
	for (off = 0; off < vmm->kern_size; off += PAGE_SIZE) {
		cpu_off = off % KERN_PERCPU_SIZE;
		if (!(off & (PMD_SIZE - 1))) {
			pt = pt_new(pa, &pt_gpa);
			pmd[((KTEXT_BASE + off) >> PMD_SHIFT) & 511] = pt_gpa | PTE_TABLE;
		}
		if (off < percpu_end && cpu_off >= KERN_TRAMP &&
		    cpu_off < KERN_TRAMP + TRAMP_OFF_DATA)
			prot = PTE_P | PTE_A;
		else if (off < percpu_end && cpu_off >= KERN_TRAMP &&
			 cpu_off < KERN_TRAMP + TRAMP_SIZE)
			prot = PTE_P | PTE_A | PTE_NX;
		else
			prot = PTE_P | PTE_RW | PTE_A | PTE_D | PTE_NX;
		pt[(off >> PAGE_SHIFT) & 511] = (vmm->kern_gpa + off) | prot;
	}
	vmm->zone->kernel_pgd[pgd_idx - 256] = pud_gpa | PTE_TABLE;
}

/*
 * --fast-exit: the SYSCALL entry page at LSTAR, user-executable and
 * read-only, alone in its PGD slot so that nothing else of the monitor is
 * reachable from ring 3 (SDM Vol. 3A, 4.6.1: U/S must be set at every
 * level).  SMEP stays off, so ring 0 may run it on hardware-assisted KVM.
 */
static void map_syscall_page(struct vmm *vmm, struct pt_alloc *pa)
{
	extern const uint8_t trampoline_image[];
	uint64_t pud_gpa, pmd_gpa, pt_gpa, *pud, *pmd, *pt;
	unsigned int pgd_idx = (SYSCALL_LSTAR >> PGDIR_SHIFT) & 511;
	const uint64_t table = PTE_TABLE | PTE_US;

	memcpy(kern_ptr(vmm, KERN_SYSCALL), trampoline_image + TRAMP_OFF_SYSCALL,
	       SYSCALL_PAGE_BYTES);
	if (!vmm->fast_exit)
		return;
	pud = pt_new(pa, &pud_gpa);
	pmd = pt_new(pa, &pmd_gpa);
	pt = pt_new(pa, &pt_gpa);
	pud[(SYSCALL_LSTAR >> PUD_SHIFT) & 511] = pmd_gpa | table;
	pmd[(SYSCALL_LSTAR >> PMD_SHIFT) & 511] = pt_gpa | table;
	pt[(SYSCALL_LSTAR >> PAGE_SHIFT) & 511] = (vmm->kern_gpa + KERN_SYSCALL) |
						   PTE_P | PTE_US | PTE_A;
	vmm->zone->kernel_pgd[pgd_idx - 256] = pud_gpa | table;
}

/*
 * --ring3-commit: the commit context, a PGD of the monitor's own.  Its
 * kernel half is every mm's; its user half maps all of guest memory at
 * CCTX_DIRECT_BASE, user-writable, 2 MiB pages.  Only the helper in the
 * SYSCALL entry page runs with it loaded.  Called after every kernel-half
 * mapping exists.
 */
static void map_commit_context(struct vmm *vmm, struct pt_alloc *pa)
{
	uint64_t pgd_gpa, pud_gpa, pmd_gpa = 0, gpa, *pgd, *pud, *pmd = NULL;
	unsigned int i;

	if (!vmm->ring3_commit || !vmm->fast_exit)
		return;
	pgd = pt_new(pa, &pgd_gpa);
	pud = pt_new(pa, &pud_gpa);
	for (gpa = 0; gpa < vmm->mem_size; gpa += PMD_SIZE) {
		if (!(gpa & (PUD_SIZE - 1))) {
			pmd = pt_new(pa, &pmd_gpa);
			pud[gpa >> PUD_SHIFT] = pmd_gpa | PTE_TABLE | PTE_US;
		}
		pmd[(gpa >> PMD_SHIFT) & 511] = gpa | PTE_P | PTE_RW | PTE_US | PTE_A |
						PTE_D | PTE_PS | PTE_NX;
	}
	pgd[(CCTX_DIRECT_BASE >> PGDIR_SHIFT) & 511] = pud_gpa | PTE_TABLE | PTE_US;
	for (i = 0; i < 256; i++)
		pgd[256 + i] = vmm->zone->kernel_pgd[i];
	vmm->cctx_cr3 = pgd_gpa;
}

/*
 * The start-up probe's address space (platform.c): the kernel half of every
 * mm, and at PROBE_VA the trampoline's code page user-executable (U/S at
 * every level, SDM Vol. 3A, 4.6.1) with, a page above, the first of two
 * data frames that the probe swaps under the guest.  Called last, once the
 * kernel half is complete.
 */
static void map_probe_space(struct vmm *vmm, struct pt_alloc *pa)
{
	uint64_t pgd_gpa, pud_gpa, pmd_gpa, pt_gpa, *pgd, *pud, *pmd, *pt, *d;
	const uint64_t table = PTE_TABLE | PTE_US;
	unsigned int i, j;

	pgd = pt_new(pa, &pgd_gpa);
	pud = pt_new(pa, &pud_gpa);
	pmd = pt_new(pa, &pmd_gpa);
	pt = pt_new(pa, &pt_gpa);
	for (i = 0; i < 2; i++) {
		d = pt_new(pa, &vmm->probe.data_gpa[i]);
		for (j = 0; j < PAGE_SIZE / 8; j++)
			d[j] = PROBE_MARK(i);
	}
	for (i = 0; i < 256; i++)
		pgd[256 + i] = vmm->zone->kernel_pgd[i];
	pgd[(PROBE_VA >> PGDIR_SHIFT) & 511] = pud_gpa | table;
	pud[(PROBE_VA >> PUD_SHIFT) & 511] = pmd_gpa | table;
	pmd[(PROBE_VA >> PMD_SHIFT) & 511] = pt_gpa | table;
	pt[(PROBE_VA >> PAGE_SHIFT) & 511] = (vmm->kern_gpa + KERN_TRAMP) | PTE_P | PTE_US | PTE_A;
	vmm->probe.data_pte = &pt[(PROBE_DATA_VA >> PAGE_SHIFT) & 511];
	*vmm->probe.data_pte = vmm->probe.data_gpa[0] | PTE_P | PTE_US | PTE_A | PTE_NX;
	vmm->probe.cr3 = pgd_gpa;
}

static void io_bitmap_one(struct vmm *vmm, bool probing);

static void setup_gdt_tss(struct vmm *vmm)
{
	uint64_t *gdt = kern_ptr(vmm, KERN_GDT);
	uint8_t *tss = kern_ptr(vmm, KERN_TSS);
	uint64_t tss_va = kern_va(vmm, KERN_TSS), ist1, ist2;
	uint16_t iomap = IOMAP_BASE;

	/* SDM Vol. 3A, 3.4.5 descriptor format; L=1 for 64-bit code */
	gdt[GDT_KERNEL_CS >> 3] = 0x00af9b000000ffffULL;
	gdt[GDT_KERNEL_DS >> 3] = 0x00cf93000000ffffULL;
	gdt[GDT_USER32_CS >> 3] = 0x00cffb000000ffffULL;
	gdt[GDT_USER_DS >> 3] = 0x00cff3000000ffffULL;
	gdt[GDT_USER_CS >> 3] = 0x00affb000000ffffULL;
	/* SDM Vol. 3A, 8.2.3: 16-byte available 64-bit TSS descriptor */
	gdt[GDT_TSS >> 3] = TSS_LIMIT | ((tss_va & 0xffffff) << 16) | (0x89ULL << 40) |
			    (((tss_va >> 24) & 0xff) << 56);
	gdt[(GDT_TSS >> 3) + 1] = tss_va >> 32;

	/* SDM Vol. 3A, 8.7: RSP0 at 4, IST1 at 36, IST2 at 44, I/O map base at 102 */
	ist1 = kern_va(vmm, KERN_IST1_TOP);
	ist2 = kern_va(vmm, KERN_IST2_TOP);
	memcpy(tss + 4, &ist1, 8);
	memcpy(tss + 36, &ist1, 8);
	memcpy(tss + 44, &ist2, 8);
	memcpy(tss + 102, &iomap, 2);
	io_bitmap_one(vmm, true);
}

/*
 * SDM Vol. 3A, 20.5.2: the I/O permission bitmap.  Ring 3 may use no port
 * but PORT_SYSCALL, and that one only with --fast-exit: the SYSCALL entry
 * page's OUT runs at CPL 3 on shadow-paging KVM; PORT_COMMIT3 only while
 * the ring-3 commit helper is on.  Ports past the bitmap (past the TSS
 * limit) are refused.  @probing: PORT_PROBE open and PORT_PROBE_DENIED
 * closed for the start-up probe, which finds out whether the bitmap is
 * honoured at all (platform.c); closed again after it, which platform.c
 * asks for once it has chosen the fast paths.  The monitor honours each
 * port only from its own RIPs, so an open port gives a program nothing but
 * the SIGSEGV it would get from the #GP (trap.c, user_io_fault()).
 */
static void io_bitmap_one(struct vmm *vmm, bool probing)
{
	uint8_t *map = (uint8_t *)kern_ptr(vmm, KERN_TSS) + IOMAP_BASE;

	memset(map, 0xff, IOBITMAP_BYTES + 1);
	if (vmm->fast_exit)
		map[PORT_SYSCALL / 8] &= ~(1 << (PORT_SYSCALL % 8));
	if (vmm->cctx_cr3)
		map[PORT_COMMIT3 / 8] &= ~(1 << (PORT_COMMIT3 % 8));
	if (probing)
		map[PORT_PROBE / 8] &= ~(1 << (PORT_PROBE % 8));
}

/* in every vCPU's TSS */
void cpu_io_bitmap(struct vmm *vmm, bool probing)
{
	int saved = vmm->cpu_index;

	for (vmm->cpu_index = 0; vmm->cpu_index < vmm->max_vcpus; vmm->cpu_index++)
		io_bitmap_one(vmm, probing);
	vmm->cpu_index = saved;
}

static void setup_idt(struct vmm *vmm)
{
	uint64_t *idt = kern_ptr(vmm, KERN_IDT);
	unsigned int v;

	for (v = 0; v < 32; v++) {
		uint64_t h = kern_va(vmm, KERN_TRAMP + TRAMP_OFF_VEC + v * TRAMP_VEC_STRIDE);
		/* NMI, #DF and #MC get their own stack: they may hit the trampoline */
		uint64_t ist = (v == 2 || v == 8 || v == 18) ? 2 : 1;
		/* #BP and #OF are raised by INT3/INTO in ring 3: DPL 3 (SDM 6.12.1.1) */
		uint64_t type = (v == 3 || v == 4) ? 0xee : 0x8e;

		idt[2 * v] = (h & 0xffff) | ((uint64_t)GDT_KERNEL_CS << 16) |
			     (ist << 32) | (type << 40) | (((h >> 16) & 0xffff) << 48);
		idt[2 * v + 1] = h >> 32;
	}
}

static void set_seg(struct kvm_segment *s, uint16_t sel, bool code, unsigned int dpl)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = code ? 11 : 3;
	s->present = 1;
	s->dpl = dpl;
	s->s = 1;
	s->l = code;
	s->db = !code;
	s->g = 1;
}

/* a ring-3 segment register as loading @sel from our GDT leaves it */
void cpu_user_segment(struct kvm_segment *s, uint16_t sel)
{
	bool code = sel == GDT_USER_CS || sel == GDT_USER32_CS;

	set_seg(s, sel, code, 3);
	if (sel == GDT_USER32_CS) {
		s->l = 0;
		s->db = 1;
	}
}

/* XSAVE state for AVX if the host offers it, so CPUID tells the truth */
static uint64_t setup_xcr0(struct vmm *vmm)
{
	unsigned int a, b, c, d;
	struct kvm_xcrs xcrs = { 0 };

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_XSAVE))
		return 0;
	xcrs.nr_xcrs = 1;
	xcrs.xcrs[0].xcr = 0;
	xcrs.xcrs[0].value = 3 | ((c & bit_AVX) ? 4 : 0);	/* x87, SSE, AVX */
	if (vmm->has_pku)	/* PKRU is XSAVE-managed (SDM Vol. 1, 13.1) */
		xcrs.xcrs[0].value |= XCR0_PKRU;
	if (ioctl(vmm->vcpu_fd, KVM_SET_XCRS, &xcrs) < 0)
		return 0;
	return CR4_OSXSAVE;
}

int cpu_set_sregs(struct vmm *vmm, uint64_t cr3)
{
	struct kvm_sregs s;

	if (ioctl(vmm->vcpu_fd, KVM_GET_SREGS, &s) < 0)
		goto fail;
	set_seg(&s.cs, GDT_KERNEL_CS, true, 0);
	set_seg(&s.ds, GDT_KERNEL_DS, false, 0);
	s.es = s.ss = s.fs = s.gs = s.ds;
	memset(&s.tr, 0, sizeof(s.tr));
	s.tr.base = kern_va(vmm, KERN_TSS);
	s.tr.limit = TSS_LIMIT;
	s.tr.selector = GDT_TSS;
	/*
	 * A busy 64-bit TSS, as LTR leaves it (SDM Vol. 3A, 8.2.4 "Task
	 * Register") and as VM entry requires of a 64-bit guest (SDM Vol. 3C,
	 * 28.3.1.2 "Checks on Guest Segment Registers": TR type 11); KVM on SVM
	 * reports TR busy whatever was set.  The I/O permission check looks at
	 * the I/O map base and the bitmap within the TSS limit, never at the
	 * busy bit (SDM Vol. 1, 19.5.2 "I/O Permission Bit Map"; AMD APM Vol. 2,
	 * "I/O-Permission Bitmap").  QEMU's TCG, emulating SVM, does look:
	 * it refuses every IN/OUT at CPL 3 unless the TR cache holds an
	 * available TSS (type 9).  The start-up probe finds out whether the
	 * bitmap is honoured and turns off what needs it (platform.c).
	 */
	s.tr.type = 11;
	s.tr.present = 1;
	s.gdt.base = kern_va(vmm, KERN_GDT);
	s.gdt.limit = GDT_ENTRIES * 8 - 1;
	s.idt.base = kern_va(vmm, KERN_IDT);
	s.idt.limit = 32 * 16 - 1;
	s.cr3 = cr3;
	s.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | setup_xcr0(vmm);
	/* SDM Vol. 3A, 4.6.2: PKRU checks user-mode data accesses */
	if (vmm->has_pku && (s.cr4 & CR4_OSXSAVE))
		s.cr4 |= CR4_PKE;
	s.cr0 = CR0_PG | CR0_AM | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE;
	s.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
	if (ioctl(vmm->vcpu_fd, KVM_SET_SREGS, &s) < 0)
		goto fail;
	vmm->kern_cs = s.cs;
	vmm->kern_ss = s.ss;
	/* what KVM_CAP_SYNC_REGS writes back whenever SREGS are marked dirty */
	vmm->run->s.regs.sregs = s;
	return 0;
fail:
	pr_err("setting the vCPU's system registers: %s", strerror(errno));
	return -1;
}

static int setup_msrs(struct vmm *vmm)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[7];
	} msrs = { .hdr.nmsrs = 7, .e = {
		/* SDM Vol. 3A, 5.8.8: SYSRET CS/SS from 0x23, SYSCALL from 0x10 */
		{ .index = MSR_STAR, .data = ((uint64_t)GDT_USER32_CS << 48) |
					     ((uint64_t)GDT_KERNEL_CS << 32) },
		{ .index = MSR_LSTAR, .data = SYSCALL_LSTAR },
		{ .index = MSR_CSTAR, .data = SYSCALL_LSTAR },
		{ .index = MSR_FMASK, .data = SYSCALL_FMASK },
		{ .index = MSR_FS_BASE, .data = 0 },
		{ .index = MSR_GS_BASE, .data = 0 },
		{ .index = MSR_KERNEL_GS, .data = 0 },
	} };

	if (ioctl(vmm->vcpu_fd, KVM_SET_MSRS, &msrs) != 7) {
		pr_err("KVM_SET_MSRS failed");
		return -1;
	}
	return 0;
}

static int setup_zone(struct vmm *vmm)
{
	extern const uint8_t trampoline_image[], trampoline_image_end[];
	size_t tramp_len = trampoline_image_end - trampoline_image;

	vmm->kern_size = (uint64_t)vmm->max_vcpus * KERN_PERCPU_SIZE +
			 nr_kernel_tables(vmm->mem_size, vmm->max_vcpus) * PAGE_SIZE;
	if (vmm->mem_size < vmm->kern_size + (2UL << 20))
		return -1;
	vmm->kern_gpa = (vmm->mem_size - vmm->kern_size) & PAGE_MASK;
	vmm->zone = zone_create(vmm->mem, vmm->mem_size);
	if (!vmm->zone)
		return -1;
	if (zone_reserve(vmm->zone, vmm->kern_gpa >> PAGE_SHIFT,
			 vmm->kern_size >> PAGE_SHIFT)) {
		pr_err("cannot reserve the monitor's frames in the zone");
		return -1;
	}
	/* guest memory is a fresh anonymous mapping (kvm.c): all zero */
	zone_mark_free_zeroed(vmm->zone);
	if (tramp_len > TRAMP_SIZE)
		die("trampoline image too large (%zu bytes)", tramp_len);
	return 0;
}

/* vCPU @cpu's copy of the monitor's frames: trampoline, GDT, TSS, IDT */
static void setup_percpu(struct vmm *vmm, int cpu)
{
	extern const uint8_t trampoline_image[], trampoline_image_end[];
	int saved = vmm->cpu_index;

	vmm->cpu_index = cpu;
	memcpy(kern_ptr(vmm, KERN_TRAMP), trampoline_image,
	       trampoline_image_end - trampoline_image);
	setup_gdt_tss(vmm);
	setup_idt(vmm);
	vmm->cpu_index = saved;
}

/*
 * Everything the vCPU needs before the first mm exists: the zone, the
 * monitor's frames, the kernel half that mm_create copies, and the
 * registers.  CR3 is set by the caller once the mm exists.
 */
int cpu_setup(struct vmm *vmm)
{
	struct pt_alloc pa = { .vmm = vmm, .next = KERN_PGTABLES };
	int cpu;

	if (setup_zone(vmm))
		return -1;
	map_direct(vmm, &pa);
	map_ktext(vmm, &pa);
	map_syscall_page(vmm, &pa);
	map_commit_context(vmm, &pa);
	map_probe_space(vmm, &pa);
	for (cpu = 0; cpu < vmm->max_vcpus; cpu++)
		setup_percpu(vmm, cpu);
	return cpu_setup_vcpu(vmm);
}

/*
 * The registers of the holder's vCPU (vmm->vcpu_fd): what KVM_CREATE_VCPU
 * leaves is reset state; the program's CR3 comes with its first process.
 */
int cpu_setup_vcpu(struct vmm *vmm)
{
	return setup_msrs(vmm);
}

int cpu_load_mm(struct vmm *vmm)
{
	return cpu_set_sregs(vmm, vmm->cur->mm->pgd_pfn << PAGE_SHIFT);
}

int cpu_set_fs_base(struct vmm *vmm, uint64_t base)
{
	vmm->run->s.regs.sregs.fs.base = base;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
	vmm->cur->fs_base = base;
	return 0;
}
