// SPDX-License-Identifier: GPL-2.0
/*
 * Protection keys and execute-only memory, as a program sees them.
 *
 * On a CPU with protection keys (CPUID.7.ECX.OSPKE) Linux makes
 * PROT_EXEC-only memory execute-only: the VMA gets the mm's execute-only
 * key, whose PKRU bits deny data access, so a read or a write is SIGSEGV
 * with SEGV_PKUERR while a call into it works (arch/x86/mm/pkeys.c).
 * Without keys PROT_EXEC implies read and pkey_alloc() fails.  The output
 * depends on which CPU the program runs on, never on addresses: it is
 * compared with the host kernel's on a CPU of the same kind.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "testlib.h"

#ifndef SEGV_PKUERR
#define SEGV_PKUERR	4
#endif
#define PKEY_DISABLE_ACCESS	1
#define PKEY_DISABLE_WRITE	2

static bool has_ospke;
static sigjmp_buf jb;
static volatile int got_code, got_pkey;

static long pkey_alloc(unsigned long flags, unsigned long rights)
{
	return syscall(SYS_pkey_alloc, flags, rights);
}

static long pkey_free(long key)
{
	return syscall(SYS_pkey_free, key);
}

static long pkey_mprotect(void *addr, size_t len, int prot, long key)
{
	return syscall(SYS_pkey_mprotect, addr, len, prot, key);
}

static uint32_t rdpkru(void)
{
	uint32_t eax, edx, ecx = 0;

	asm volatile(".byte 0x0f,0x01,0xee" : "=a"(eax), "=d"(edx) : "c"(ecx));
	return eax;
}

static void wrpkru(uint32_t pkru)
{
	asm volatile(".byte 0x0f,0x01,0xef" : : "a"(pkru), "c"(0), "d"(0) : "memory");
}

/* si_pkey: after si_addr and the 8-byte pad of the bound/pkey union */
static int pkey_of(const siginfo_t *si)
{
	uint32_t key;

	memcpy(&key, (const char *)si + 32, sizeof(key));
	return (int)key;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	got_code = si->si_code;
	got_pkey = si->si_code == SEGV_PKUERR ? pkey_of(si) : -1;
	siglongjmp(jb, 1);
}

static const char *code_name(int code)
{
	switch (code) {
	case SEGV_MAPERR:	return "SEGV_MAPERR";
	case SEGV_ACCERR:	return "SEGV_ACCERR";
	case SEGV_PKUERR:	return "SEGV_PKUERR";
	default:		return "?";
	}
}

/* one access; prints what happened */
static void access_byte(const char *what, volatile uint8_t *p, bool write)
{
	if (sigsetjmp(jb, 1) == 0) {
		if (write)
			*p = 0x90;
		else
			(void)*p;
		printf("%-44s ok\n", what);
		return;
	}
	if (got_code == SEGV_PKUERR)
		printf("%-44s SIGSEGV %s pkey %d\n", what, code_name(got_code), got_pkey);
	else
		printf("%-44s SIGSEGV %s\n", what, code_name(got_code));
}

static void call_code(const char *what, void *code)
{
	int (*fn)(void) = (int (*)(void))code;

	if (sigsetjmp(jb, 1) == 0) {
		printf("%-44s returns %d\n", what, fn());
		return;
	}
	printf("%-44s SIGSEGV %s\n", what, code_name(got_code));
}

/* the ProtectionKey: line of the VMA at @addr in smaps, if any */
static void show_smaps_key(const char *what, void *addr)
{
	char want[32], line[256];
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want))) {
			in = true;
			continue;
		}
		if (in && !strncmp(line, "ProtectionKey:", 14)) {
			printf("%-44s %s", what, line);
			fclose(f);
			return;
		}
		if (in && strchr(line, '-') && !strchr(line, ':'))
			break;
	}
	if (f)
		fclose(f);
	printf("%-44s no ProtectionKey line\n", what);
}

static void report(const char *what, long r)
{
	if (r < 0)
		printf("%-44s -1 %s\n", what, strerror(errno));
	else
		printf("%-44s %ld\n", what, r);
}

/* mov $42, %eax; ret */
static const uint8_t ret42[] = { 0xb8, 42, 0, 0, 0, 0xc3 };

static void exec_only(void)
{
	uint8_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *s = mmap(NULL, PAGE, PROT_EXEC, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	memcpy(p, ret42, sizeof(ret42));
	report("mprotect(anon, PROT_EXEC)", mprotect(p, PAGE, PROT_EXEC));
	call_code("call into PROT_EXEC anon", p);
	access_byte("read PROT_EXEC anon", p, false);
	access_byte("write PROT_EXEC anon", p, true);
	show_smaps_key("smaps of PROT_EXEC anon", p);
	show_region("maps", p, PAGE);
	report("mprotect(anon, PROT_READ)", mprotect(p, PAGE, PROT_READ));
	access_byte("read PROT_READ anon", p, false);
	show_smaps_key("smaps of PROT_READ anon", p);
	report("mprotect(anon, PROT_READ|PROT_EXEC)", mprotect(p, PAGE, PROT_READ | PROT_EXEC));
	access_byte("read PROT_READ|PROT_EXEC anon", p, false);
	call_code("call into PROT_READ|PROT_EXEC anon", p);
	access_byte("read PROT_EXEC shared anon", s, false);
	access_byte("write PROT_EXEC shared anon", s, true);
	show_smaps_key("smaps of PROT_EXEC shared anon", s);
	munmap(p, PAGE);
	munmap(s, PAGE);
}

static void keys(void)
{
	uint8_t *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long k, k2, n = 0, keys[16];
	uint32_t pkru;
	int status;
	pid_t pid;

	report("pkey_alloc(1, 0)", pkey_alloc(1, 0));
	report("pkey_alloc(0, 4)", pkey_alloc(0, 4));
	k = pkey_alloc(0, 0);
	report("pkey_alloc(0, 0)", k);
	report("pkey_mprotect(p, key 99)", pkey_mprotect(p, PAGE, PROT_READ | PROT_WRITE, 99));
	report("pkey_mprotect(p, key -1)", pkey_mprotect(p, PAGE, PROT_READ | PROT_WRITE, -1));
	report("pkey_mprotect(p, key 0)", pkey_mprotect(p, PAGE, PROT_READ | PROT_WRITE, 0));
	report("pkey_free(15)", pkey_free(15));
	report("pkey_free(-1)", pkey_free(-1));
	if (k < 0 || !has_ospke) {
		munmap(p, 2 * PAGE);
		return;
	}
	report("pkey_mprotect(p, k)", pkey_mprotect(p, PAGE, PROT_READ | PROT_WRITE, k));
	show_region("maps after pkey_mprotect of one page", p, 2 * PAGE);
	show_smaps_key("smaps of the keyed page", p);
	access_byte("write with k allowed", p, true);
	pkru = rdpkru();
	wrpkru(pkru | (PKEY_DISABLE_WRITE << (2 * k)));
	access_byte("read with k write-disabled", p, false);
	access_byte("write with k write-disabled", p, true);
	access_byte("write the unkeyed page", p + PAGE, true);
	wrpkru(pkru | (PKEY_DISABLE_ACCESS << (2 * k)));
	access_byte("read with k access-disabled", p, false);
	pid = fork();
	if (pid == 0) {
		/* the child inherits PKRU and the allocation map */
		access_byte("child: read with k access-disabled", p, false);
		report("child: pkey_alloc(0, 0)", pkey_alloc(0, 0));
		report("child: pkey_free(k)", pkey_free(k));
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	wrpkru(pkru);
	access_byte("read with PKRU restored", p, false);
	k2 = pkey_alloc(0, PKEY_DISABLE_WRITE);
	report("pkey_alloc(0, PKEY_DISABLE_WRITE)", k2);
	printf("%-44s %s\n", "its PKRU bits",
	       ((rdpkru() >> (2 * k2)) & 3) == PKEY_DISABLE_WRITE ? "write-disabled" : "other");
	report("pkey_free(k2)", pkey_free(k2));
	report("pkey_free(k2) again", pkey_free(k2));
	report("pkey_free(k) while in use", pkey_free(k));
	while (n < 16 && (keys[n] = pkey_alloc(0, 0)) >= 0)
		n++;
	printf("%-44s %ld, then %s\n", "keys allocated until failure", n, strerror(errno));
	while (n > 0)
		pkey_free(keys[--n]);
	munmap(p, 2 * PAGE);
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_NODEFER };
	unsigned int a, b, c, d;

	setvbuf(stdout, NULL, _IONBF, 0);
	sigaction(SIGSEGV, &sa, NULL);
	has_ospke = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & (1u << 4));
	printf("%-44s %s\n", "CPU: protection keys (OSPKE)", has_ospke ? "yes" : "no");
	exec_only();
	keys();
	return 0;
}
