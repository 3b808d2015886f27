// SPDX-License-Identifier: GPL-2.0
/*
 * System-call dispatch: the table (syscall_table.c) maps a number to a
 * handler; anything without one returns -ENOSYS, and --trace names it
 * once.  --trace prints each call and its result as strace does.
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
#include "syscall_names.h"

const char *syscall_name(unsigned long nr)
{
	if (nr < sizeof(syscall_names) / sizeof(syscall_names[0]) && syscall_names[nr])
		return syscall_names[nr];
	return NULL;
}

static void trace_arg(struct vmm *vmm, FILE *out, char kind, uint64_t v)
{
	char s[64];
	long n;

	switch (kind) {
	case 'd':
	case 'f':
		fprintf(out, "%d", (int)v);
		break;
	case 'u':
		fprintf(out, "%llu", (unsigned long long)v);
		break;
	case 'o':
		fprintf(out, "%#llo", (unsigned long long)v);
		break;
	case 's':
		n = strncpy_from_user(vmm, s, v, sizeof(s));
		if (n >= 0)
			fprintf(out, "\"%s\"", s);
		else if (n == -ENAMETOOLONG)
			fprintf(out, "\"%.*s\"...", (int)sizeof(s) - 1, s);
		else
			fprintf(out, "%#llx", (unsigned long long)v);
		break;
	case 'p':
		if (!v) {
			fputs("NULL", out);
			break;
		}
		/* fall through */
	default:
		fprintf(out, "%#llx", (unsigned long long)v);
	}
}

static void trace_call(struct vmm *vmm, FILE *out, unsigned long nr, const char *args,
		       const uint64_t *a)
{
	const char *name = syscall_name(nr);
	int i;

	if (name)
		fprintf(out, "%s(", name);
	else
		fprintf(out, "syscall_%lu(", nr);
	for (i = 0; args[i]; i++) {
		if (i)
			fputs(", ", out);
		trace_arg(vmm, out, args[i], a[i]);
	}
	fputs(")", out);
}

static void trace_result(long ret)
{
	if (ret < 0 && ret >= -4095) {
		const char *e = strerrorname_np((int)-ret);

		fprintf(stderr, " = -1 %s (%s)\n", e ? e : "?", strerror((int)-ret));
	} else if (ret > 0xffff || ret < -0xffff) {
		fprintf(stderr, " = %#lx\n", ret);
	} else {
		fprintf(stderr, " = %ld\n", ret);
	}
}

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
	char line[512] = "";
	FILE *trace = NULL;
	const struct syscall_desc *d = nr < NR_SYSCALLS ? &syscall_table[nr] : NULL;
	long ret;

	if (!d || !d->fn) {
		if (vmm->trace && (nr >= NR_SYSCALLS || !vmm->trace_named[nr])) {
			const char *name = syscall_name(nr);

			fprintf(stderr, "[vmm] system call %lu (%s) has no handler here: ENOSYS\n",
				nr, name ? name : "unknown");
			if (nr < NR_SYSCALLS)
				vmm->trace_named[nr] = true;
		}
		r->rax = -ENOSYS;
		vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
		return;
	}
	/* the call is formatted first (its strings may change), printed after */
	if (vmm->trace) {
		trace = fmemopen(line, sizeof(line), "w");
		if (trace) {
			trace_call(vmm, trace, nr, d->args, a);
			fclose(trace);
		}
	}
	ret = pkru_call(vmm, d, a);
	if (vmm->trace && trace) {
		fputs(line, stderr);
		if (vmm->cur->exited && (nr == SYS_exit || nr == SYS_exit_group))
			fputs(" = ?\n", stderr);
		else
			trace_result(ret);
	}
	r->rax = (uint64_t)ret;
	vmm->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}
