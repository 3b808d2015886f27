// SPDX-License-Identifier: GPL-2.0
/* /dev/kvm: the VM, its one memslot and its one vCPU. */
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <x86intrin.h>

#include "vmm.h"

#define KVM_DEV "/dev/kvm"

static int open_kvm(void)
{
	int fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	switch (errno) {
	case ENOENT:
		pr_err("%s does not exist: is KVM enabled (kvm_intel or kvm_amd loaded, "
		       "virtualization on in the firmware)?", KVM_DEV);
		break;
	case EACCES:
	case EPERM:
		pr_err("no permission to open %s: add yourself to its group "
		       "(usually 'kvm') or check its mode", KVM_DEV);
		break;
	default:
		pr_err("cannot open %s: %s", KVM_DEV, strerror(errno));
	}
	return -1;
}

static int check_caps(struct vmm *vmm)
{
	int ver = ioctl(vmm->kvm_fd, KVM_GET_API_VERSION, 0);

	if (ver < 0) {
		pr_err("%s does not answer KVM_GET_API_VERSION (%s): is it the KVM device?",
		       KVM_DEV, strerror(errno));
		return -1;
	}
	if (ver != KVM_API_VERSION) {
		pr_err("KVM API version %d, expected %d", ver, KVM_API_VERSION);
		return -1;
	}
	if (ioctl(vmm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) <= 0) {
		pr_err("KVM lacks KVM_CAP_SYNC_REGS");
		return -1;
	}
	if (ioctl(vmm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) <= 0) {
		pr_err("KVM lacks KVM_CAP_USER_MEMORY");
		return -1;
	}
	return 0;
}

static int setup_memory(struct vmm *vmm)
{
	struct kvm_userspace_memory_region region = { 0 };

	/* reserved lazily: only the frames the guest touches cost host memory */
	vmm->mem = mmap(NULL, vmm->mem_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vmm->mem == MAP_FAILED) {
		vmm->mem = NULL;
		/* MAP_NORESERVE is ignored under vm.overcommit_memory=2 */
		pr_err("cannot reserve %llu MiB of guest memory: %s (under strict "
		       "overcommit, give a smaller --mem)",
		       (unsigned long long)(vmm->mem_size >> 20), strerror(errno));
		return -1;
	}
	/*
	 * --host-thp: back guest memory with the host's 2 MiB pages, so that
	 * one host fault covers 512 guest frames and KVM may map them with
	 * large entries of its own.  Advice only: the host may say no.
	 */
	if (vmm->host_thp)
		madvise(vmm->mem, vmm->mem_size, MADV_HUGEPAGE);
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = vmm->mem_size;
	region.userspace_addr = (uint64_t)vmm->mem;
	if (ioctl(vmm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		pr_err("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
		return -1;
	}
	return 0;
}

#define CPUID7_ECX_PKU	(1u << 3)
#define XFEATURE_PKRU	9

/*
 * Protection keys for the guest where KVM offers them: CPUID leaf 7 ECX
 * bit 3 (PKU) and the PKRU state component in XCR0 (leaf 0xD, EAX bit 9).
 * The PVM /dev/kvm offers neither; hardware-assisted KVM on a CPU with PKU
 * does.  --pku off hides them, so one machine can show both CPUs.  OSPKE
 * is not set here: KVM derives it from the guest's CR4.PKE.
 */
static void setup_cpuid_pku(struct vmm *vmm, struct kvm_cpuid2 *cpuid)
{
	struct kvm_cpuid_entry2 *leaf7 = NULL;
	bool xcr0_pkru = false, pku;
	unsigned int i;

	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function == 7 && e->index == 0)
			leaf7 = e;
		if (e->function == 0xd && e->index == 0)
			xcr0_pkru = e->eax & (1u << XFEATURE_PKRU);
	}
	pku = leaf7 && (leaf7->ecx & CPUID7_ECX_PKU) && xcr0_pkru && vmm->pku_allowed;
	/* the same for every vCPU: written once, read by vCPUs without the lock */
	if (vmm->has_pku != pku)
		vmm->has_pku = pku;
	if (leaf7 && !vmm->has_pku)
		leaf7->ecx &= ~CPUID7_ECX_PKU;
}

static int setup_cpuid(struct vmm *vmm)
{
	struct kvm_cpuid2 *cpuid;
	int nent = 256, ret = -1;

	cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
	if (!cpuid)
		return -1;
	cpuid->nent = nent;
	if (ioctl(vmm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
		pr_err("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		goto out;
	}
	setup_cpuid_pku(vmm, cpuid);
	if (ioctl(vmm->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0) {
		pr_err("KVM_SET_CPUID2: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(cpuid);
	return ret;
}

/*
 * vCPU @index for the holder of the monitor lock: its fd and kvm_run go
 * to vmm->vcpu_fd and vmm->run (the vCPU's own, see struct vcpu).
 */
int kvm_create_vcpu(struct vmm *vmm, int index)
{
	int sz;

	vmm->vcpu_fd = ioctl(vmm->vm_fd, KVM_CREATE_VCPU, index);
	if (vmm->vcpu_fd < 0) {
		pr_err("KVM_CREATE_VCPU: %s", strerror(errno));
		return -1;
	}
	sz = ioctl(vmm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz < (int)sizeof(struct kvm_run)) {
		pr_err("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		return -1;
	}
	vmm->run_size = sz;
	vmm->run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, vmm->vcpu_fd, 0);
	if (vmm->run == MAP_FAILED) {
		vmm->run = NULL;
		pr_err("mmap of kvm_run: %s", strerror(errno));
		return -1;
	}
	return setup_cpuid(vmm);
}

int kvm_init(struct vmm *vmm)
{
	vmm->kvm_fd = vmm->vm_fd = vmm->vcpu_fd = -1;
	vmm->kvm_fd = open_kvm();
	if (vmm->kvm_fd < 0 || check_caps(vmm))
		return -1;
	vmm->vm_fd = ioctl(vmm->kvm_fd, KVM_CREATE_VM, 0);
	if (vmm->vm_fd < 0) {
		pr_err("KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	if (setup_memory(vmm))
		return -1;
	return kvm_create_vcpu(vmm, 0);
}

/* the vCPUs are gone (smp.c): the VM and guest memory */
void kvm_exit_vm(struct vmm *vmm)
{
	if (vmm->vm_fd >= 0)
		close(vmm->vm_fd);
	if (vmm->kvm_fd >= 0)
		close(vmm->kvm_fd);
	if (vmm->mem)
		munmap(vmm->mem, vmm->mem_size);
	vmm->mem = NULL;
	vmm->kvm_fd = vmm->vm_fd = -1;
}

/*
 * One KVM_RUN on the holder's vCPU, without the monitor lock: other vCPUs'
 * exits are handled meanwhile (smp.c).  Registers come back in
 * run->s.regs (KVM_CAP_SYNC_REGS).  A signal (the timeslice, a kick from
 * another vCPU, a stop) makes it return EINTR, reported as KVM_EXIT_INTR.
 */
int kvm_run_once(struct vmm *vmm)
{
	struct kvm_run *run = vmm->run;
	int fd = vmm->vcpu_fd, ret, err;
	uint64_t t0, t1;

	run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	if (vmm->pz)
		prezero_kick(vmm);
	vcpu_leave(vmm);
	/* faults served without the monitor lock go straight back (fault_shared.c) */
	do {
		t0 = __rdtsc();
		do {
			ret = ioctl(fd, KVM_RUN, 0);
		} while (ret < 0 && errno == EAGAIN);
		err = errno;
		t1 = __rdtsc();
	} while (!ret && vcpu_fault_shared(vmm, t1 - t0));
	vcpu_enter(vmm);
	vmm->stats.run_cycles += t1 - t0;
	run->kvm_dirty_regs = 0;
	if (ret < 0 && err == EINTR) {
		vmm->tick = vcpu_consume_signals(vmm);
		run->exit_reason = KVM_EXIT_INTR;
		ret = 0;
	}
	if (ret < 0)
		return -err;
	if (run->exit_reason < NR_EXIT_REASONS)
		vmm->stats.exits[run->exit_reason]++;
	return 0;
}

static const char *const exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "unknown",
	[KVM_EXIT_EXCEPTION] = "exception",
	[KVM_EXIT_IO] = "io",
	[KVM_EXIT_HYPERCALL] = "hypercall",
	[KVM_EXIT_DEBUG] = "debug",
	[KVM_EXIT_HLT] = "hlt",
	[KVM_EXIT_MMIO] = "mmio",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "irq_window_open",
	[KVM_EXIT_SHUTDOWN] = "shutdown",
	[KVM_EXIT_FAIL_ENTRY] = "fail_entry",
	[KVM_EXIT_INTR] = "intr",
	[KVM_EXIT_SET_TPR] = "set_tpr",
	[KVM_EXIT_TPR_ACCESS] = "tpr_access",
	[KVM_EXIT_INTERNAL_ERROR] = "internal_error",
	[KVM_EXIT_SYSTEM_EVENT] = "system_event",
};

const char *kvm_exit_reason_name(unsigned int reason)
{
	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) && exit_names[reason])
		return exit_names[reason];
	return "other";
}
