// SPDX-License-Identifier: GPL-2.0
/*
 * System-call dispatch: the table (syscall_table.c) maps a number to a
 * handler; anything without one returns -ENOSYS, and --trace names it
 * once.  --trace prints each call and its result as strace does
 * (syscall_trace.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "syscalls.h"

/*
 * Run @d with the MMU's model of PKRU up to date (the program changes the
 * register with WRPKRU, no exit), and hand back what the MMU changed in
 * it: a first PROT_EXEC-only mapping access-disables the execute-only key,
 * pkey_alloc() applies its rights, both to the calling thread's PKRU.
 */
static long pkru_call(struct vmm *vmm, const struct syscall_desc *d, const uint64_t *a)
{
	struct process *p = vmm->cur;
	struct mm_struct *mm = p->mm;
	uint32_t pkru;
	long ret;

	if (!vmm->has_pku)
		return d->fn(vmm, a);
	pkru = mm->pkru = pkru_get(vmm);
	ret = d->fn(vmm, a);
	if (vmm->cur == p && p->mm == mm && mm->pkru != pkru)
		pkru_set(vmm, mm->pkru);
	return ret;
}

void syscall_dispatch(struct vmm *vmm)
{
	struct kvm_regs *r = &vmm->run->s.regs.regs;
	uint64_t a[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 };
	unsigned long nr = r->rax;
	const struct syscall_desc *d = nr < NR_SYSCALLS ? &syscall_table[nr] : NULL;
	struct trace_state st;
	bool traced = false;
	long ret;

	if (!d || !d->fn) {
		if (vmm->trace)
			trace_nosys(vmm, nr, a);
		r->rax = -ENOSYS;
		vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
		return;
	}
	/* the call is formatted first (its strings may change), printed after */
	if (vmm->trace)
		traced = trace_enter(vmm, &st, nr, d->args, a) == 0;
	ret = pkru_call(vmm, d, a);
	if (traced)
		trace_exit(vmm, &st, d->args, a, ret);
	r->rax = (uint64_t)ret;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}
