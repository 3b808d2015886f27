// SPDX-License-Identifier: GPL-2.0
/*
 * Protection keys, both CPU models whatever this machine has.
 *
 * Without keys (zone->cpu_pkeys false, the default) PROT_EXEC implies
 * read and the pkey calls fail as Linux 6.18 fails them on such a CPU
 * (measured): the first valid pkey_alloc is -EINVAL and leaves key 0
 * taken for good, so the next ones are -ENOSPC; pkey_free is -EINVAL;
 * pkey_mprotect accepts only -1.
 *
 * With keys PROT_EXEC alone is execute-only: the VMA gets the mm's
 * execute-only key (1, the first free one), which PKRU access-disables; a
 * read or a write is SIGSEGV/SEGV_PKUERR with si_pkey 1, an instruction
 * fetch works.  Layouts are drawn one character per page as in
 * test_vma_layout.c: '.' a hole, letters the VMAs.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"

#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE	1
#define MREMAP_FIXED	2
#endif

#define BASE	0x10000000UL
#define RW	(PROT_READ | PROT_WRITE)
#define AD(k)	(PKRU_AD_BIT << (2 * (k)))
#define WD(k)	(PKRU_WD_BIT << (2 * (k)))

/* an env whose CPU has protection keys: a fresh mm made after the switch */
static struct env *keyed_env(uint64_t size)
{
	struct env *env = env_new(size);

	mm_destroy(env->mm);
	env->zone->cpu_pkeys = true;
	env->mm = mm_create(env->zone, NULL);
	assert_non_null(env->mm);
	env_snapshot(env);
	env_check(env);
	return env;
}

static int keyed_setup(void **state)
{
	*state = keyed_env(0);
	return 0;
}

static void expect_segv(struct env *env, uint64_t addr, bool write, int code, int pkey)
{
	struct fault_result res;

	assert_int_equal(guest_touch(env, addr, write, &res), -1);
	assert_int_equal(res.signo, SIGSEGV);
	assert_int_equal(res.si_code, code);
	assert_int_equal(res.pkey, pkey);
	env_check(env);
}

/* an instruction fetch, as the CPU does it: PKRU is not consulted */
static int guest_fetch(struct env *env, uint64_t addr, struct fault_result *res)
{
	pteval_t pte = mm_walk(env->mm, addr);
	int ret;

	memset(res, 0, sizeof(*res));
	if (pte_exec(pte))
		return 0;
	ret = mm_fault(env->mm, addr, FAULT_FLAG_INSTRUCTION | FAULT_FLAG_USER, res);
	env_check(env);
	if (!ret && !pte_exec(mm_walk(env->mm, addr)))
		fail_msg("fetch at %#lx resolved but the entry is not executable",
			 (unsigned long)addr);
	return ret;
}

static void expect_pkey(struct env *env, uint64_t addr, int pkey)
{
	assert_int_equal(mm_vma_pkey(env->mm, addr), pkey);
}

/* the smaps lines of the VMA starting at @addr */
static char *smaps_of(struct env *env, uint64_t addr)
{
	char *all = mm_show_smaps(env->mm), head[32], *p, *end, *out;

	assert_non_null(all);
	snprintf(head, sizeof(head), "%08lx-", (unsigned long)addr);
	p = strstr(all, head);
	assert_non_null(p);
	end = strstr(p, "VmFlags:");
	assert_non_null(end);
	end = strchr(end, '\n') + 1;
	out = strndup(p, (size_t)(end - p));
	free(all);
	return out;
}

/* ---- without keys: what the library always did ---- */

/*
 *   a      PROT_EXEC anonymous: readable, writes SEGV_ACCERR
 */
static void keyless_exec_implies_read(void **state)
{
	struct env *env = *state;
	struct fault_result res;
	char *smaps;

	assert_false(env->zone->cpu_pkeys);
	assert_int_equal(map_anon(env->mm, BASE, 1, PROT_EXEC), BASE);
	env_check(env);
	expect_pkey(env, BASE, 0);
	assert_int_equal(guest_read8(env, BASE), 0);
	expect_segv(env, BASE, true, SEGV_ACCERR, 0);
	assert_int_equal(guest_fetch(env, BASE, &res), 0);
	assert_int_equal(pte_pkey(mm_walk(env->mm, BASE)), 0);
	assert_int_equal(env->mm->pkru, 0);
	smaps = smaps_of(env, BASE);
	assert_null(strstr(smaps, "ProtectionKey"));
	free(smaps);
}

/* the errno table measured on 6.18 on a CPU without pku */
static void keyless_errnos(void **state)
{
	struct env *env = *state;
	int k;

	assert_int_equal(map_anon(env->mm, BASE, 1, PROT_READ), BASE);
	/* refused before any key is taken */
	assert_int_equal(mm_pkey_alloc(env->mm, 1, 0), -EINVAL);
	assert_int_equal(mm_pkey_alloc(env->mm, 0, 4), -EINVAL);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), PROT_READ, 0), -EINVAL);
	/* the first real one takes key 0, cannot set PKRU, cannot free it */
	assert_int_equal(mm_pkey_alloc(env->mm, 0, 1), -EINVAL);
	assert_int_equal(env->mm->pkey_allocation_map, 1);
	env_check(env);
	assert_int_equal(mm_pkey_alloc(env->mm, 0, 0), -ENOSPC);
	assert_int_equal(mm_pkey_alloc(env->mm, 0, 4), -EINVAL);
	for (k = -2; k < 18; k++) {
		assert_int_equal(mm_pkey_free(env->mm, k), -EINVAL);
		assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), PROT_READ, k),
				 k == -1 ? 0 : -EINVAL);
	}
	/* the order of do_mprotect_pkey()'s checks */
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, 0, PROT_READ, 5), 0);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE + 1, 0, PROT_READ, 5), -EINVAL);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, -PG(1), PROT_READ, 5), -ENOMEM);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), 0x100, 5), -EINVAL);
	assert_int_equal(mm_pkey_mprotect(env->mm, 0x10000, PG(1), PROT_READ, 0), -EINVAL);
	assert_int_equal(mm_pkey_mprotect(env->mm, 0x10000, PG(1), PROT_READ, -1), -ENOMEM);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), PROT_EXEC, -1), 0);
	expect_pkey(env, BASE, 0);
	env_check(env);
}

/* ---- with keys ---- */

/*
 * DIFF_SEED=2..5 on a CPU with keys: PROT_EXEC-only anonymous memory.
 *
 *   a      PROT_EXEC, key 1: read and write SEGV_PKUERR si_pkey 1, fetch works
 */
static void keyed_exec_only_anon(void **state)
{
	struct env *env = *state;
	struct fault_result res;

	env->mm->pkru = 0;	/* a creator's PKRU that allows everything */
	assert_int_equal(env->mm->execute_only_pkey, -1);
	assert_int_equal(map_anon(env->mm, BASE, 2, PROT_EXEC), BASE);
	env_check(env);
	assert_int_equal(env->mm->execute_only_pkey, 1);
	assert_int_equal(env->mm->pkru, AD(1));
	assert_int_equal(env->mm->pkey_allocation_map, 0x3);
	expect_pkey(env, BASE, 1);
	expect_segv(env, BASE, false, SEGV_PKUERR, 1);
	expect_segv(env, BASE, true, SEGV_PKUERR, 1);
	assert_int_equal(env->mm->stats.faults[FAULT_SEGV_PKUERR], 2);
	/* the fetch maps the page, with the key in bits 59..62 */
	assert_int_equal(guest_fetch(env, BASE, &res), 0);
	assert_int_equal(pte_pkey(mm_walk(env->mm, BASE)), 1);
	/* present now: the hardware's key check refuses (X86_PF_PK) */
	expect_segv(env, BASE, false, SEGV_PKUERR, 1);
	expect_segv(env, BASE, true, SEGV_PKUERR, 1);
	/* the next key for the program is 2 */
	assert_int_equal(mm_pkey_alloc(env->mm, 0, 0), 2);
	env_check(env);
}

/*
 * DIFF_SEED=2..5: PROT_EXEC-only private file memory.
 *
 *   a      file, PROT_EXEC, key 1
 */
static void keyed_exec_only_file(void **state)
{
	struct env *env = *state;
	struct file *f = host_file_filled(env, 2, 0x40);
	struct fault_result res;
	uint8_t byte = 0;

	assert_int_equal(mm_mmap(env->mm, BASE, PG(2), PROT_EXEC, MAP_PRIVATE | MAP_FIXED, f, 0),
			 BASE);
	fput(f);
	env_check(env);
	expect_pkey(env, BASE, 1);
	expect_segv(env, BASE + PG(1), false, SEGV_PKUERR, 1);
	expect_segv(env, BASE + PG(1), true, SEGV_PKUERR, 1);
	assert_int_equal(guest_fetch(env, BASE, &res), 0);
	assert_int_equal(res.kind, FAULT_FILE);
	expect_segv(env, BASE, false, SEGV_PKUERR, 1);
	/* the kernel's own copy from user memory obeys PKRU as well */
	assert_int_equal(mm_copy_from_user(env->mm, &byte, BASE, 1), 1);
	/* back to PROT_READ: key 0, readable, the file's bytes */
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(2), PROT_READ), 0);
	env_check(env);
	expect_pkey(env, BASE, 0);
	assert_int_equal(pte_pkey(mm_walk(env->mm, BASE)), 0);
	assert_int_equal(guest_read8(env, BASE), 0x40);
	assert_int_equal(guest_read8(env, BASE + PG(1)), 0x41);
}

/*
 * DIFF_SEED=1, step 8: a read in a --xs mapping of /dev/zero, natively
 * SEGV_PKUERR.
 *
 *   a      MAP_SHARED|MAP_ANONYMOUS, PROT_EXEC, key 1
 */
static void keyed_exec_only_shared_zero(void **state)
{
	struct env *env = *state;
	struct fault_result res;
	char *maps;

	assert_int_equal(mm_mmap(env->mm, BASE, PG(3), PROT_EXEC,
				 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, NULL, 0), BASE);
	env_check(env);
	maps = mm_show_maps(env->mm);
	assert_non_null(strstr(maps, "--xs"));
	free(maps);
	expect_pkey(env, BASE, 1);
	expect_segv(env, BASE + PG(2), false, SEGV_PKUERR, 1);
	expect_segv(env, BASE + PG(2), true, SEGV_PKUERR, 1);
	assert_int_equal(guest_fetch(env, BASE + PG(2), &res), 0);
	assert_int_equal(pte_pkey(mm_walk(env->mm, BASE + PG(2))), 1);
	expect_segv(env, BASE + PG(2), false, SEGV_PKUERR, 1);
}

/*
 * mprotect and the execute-only key (arch_override_mprotect_pkey()):
 *
 *   aaaa   PROT_READ|PROT_WRITE, key 0, written
 *   abbb   mprotect(1..3, PROT_EXEC): b gets key 1, its entries too
 *   abcd   mprotect(2, PROT_READ): c leaves the execute-only key for 0
 *   abbb   mprotect(2..3, PROT_EXEC): key 1 again, one VMA with b and d
 *   aaaa   mprotect(1..3, PROT_READ|PROT_WRITE): key 0, one VMA again
 */
static void keyed_mprotect_exec_only_and_back(void **state)
{
	struct env *env = *state;
	int k;

	assert_int_equal(map_anon(env->mm, BASE, 4, RW), BASE);
	for (k = 0; k < 4; k++)
		guest_write8(env, BASE + PG(k), (uint8_t)(k + 1));
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(1), PG(3), PROT_EXEC), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "abbb");
	expect_pkey(env, BASE + PG(1), 1);
	assert_int_equal(pte_pkey(mm_walk(env->mm, BASE + PG(3))), 1);
	expect_segv(env, BASE + PG(3), false, SEGV_PKUERR, 1);
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(2), PG(1), PROT_READ), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "abcd");
	expect_pkey(env, BASE + PG(2), 0);
	assert_int_equal(guest_read8(env, BASE + PG(2)), 3);
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(2), PG(2), PROT_EXEC), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "abbb");
	assert_int_equal(mm_mprotect(env->mm, BASE + PG(1), PG(3), RW), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "aaaa");
	expect_pkey(env, BASE + PG(3), 0);
	for (k = 0; k < 4; k++)
		assert_int_equal(guest_read8(env, BASE + PG(k)), k + 1);
	/* PROT_READ|PROT_EXEC is not execute-only: key 0, readable */
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(1), PROT_READ | PROT_EXEC), 0);
	env_check(env);
	expect_pkey(env, BASE, 0);
	assert_int_equal(guest_read8(env, BASE), 1);
}

/*
 * A key given by pkey_mprotect stays through a plain mprotect, except
 * that PROT_EXEC alone always takes the execute-only key; VMAs with
 * different keys never merge (their vm_flags differ).
 *
 *   ab     a: PROT_EXEC (key 1), b: pkey_mprotect(PROT_EXEC, 2)
 *   ab     mprotect(both, PROT_READ): a key 0, b keeps key 2
 *   a      pkey_mprotect(b, PROT_READ, 0): one VMA
 */
static void keyed_no_merge_across_keys(void **state)
{
	struct env *env = *state;

	assert_int_equal(map_anon(env->mm, BASE, 1, PROT_EXEC), BASE);
	assert_int_equal(map_anon(env->mm, BASE + PG(1), 1, RW), BASE + PG(1));
	assert_int_equal(mm_pkey_alloc(env->mm, 0, 0), 2);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE + PG(1), PG(1), PROT_EXEC, 2), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "ab");
	expect_pkey(env, BASE, 1);
	expect_pkey(env, BASE + PG(1), 2);
	/* key 2 allows everything (init rights 0): readable although PROT_EXEC */
	assert_int_equal(guest_read8(env, BASE + PG(1)), 0);
	expect_segv(env, BASE + PG(1), true, SEGV_ACCERR, 0);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(2), PROT_READ), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "ab");
	expect_pkey(env, BASE, 0);
	expect_pkey(env, BASE + PG(1), 2);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE + PG(1), PG(1), PROT_READ, 0), 0);
	env_check(env);
	expect_layout(env->mm, BASE, "a");
	/* a plain PROT_EXEC mprotect overrides even a key the program chose */
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), PROT_READ, 2), 0);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(1), PROT_EXEC), 0);
	env_check(env);
	expect_pkey(env, BASE, 1);
}

/* the keyed errno table: Linux's checks, in Linux's order */
static void keyed_errnos(void **state)
{
	struct env *env = *state;
	int k;

	assert_int_equal(map_anon(env->mm, BASE, 1, PROT_READ), BASE);
	assert_int_equal(mm_pkey_alloc(env->mm, 1, 0), -EINVAL);
	assert_int_equal(mm_pkey_alloc(env->mm, 0, 4), -EINVAL);
	assert_int_equal(mm_pkey_alloc(env->mm, 1UL << 32, 0), -EINVAL);
	/* nothing allocated yet: only key 0 (and -1) */
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), PROT_READ, 0), 0);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), PROT_READ, 1), -EINVAL);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), PROT_READ, 16), -EINVAL);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), PROT_READ, -2), -EINVAL);
	/* the key is checked after the arguments, before the VMAs */
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, 0, PROT_READ, 5), 0);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE + 1, PG(1), PROT_READ, 5), -EINVAL);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, -PG(1), PROT_READ, 5), -ENOMEM);
	assert_int_equal(mm_pkey_mprotect(env->mm, 0x10000, PG(1), PROT_READ, 5), -EINVAL);
	assert_int_equal(mm_pkey_mprotect(env->mm, 0x10000, PG(1), PROT_READ, 0), -ENOMEM);
	/* the execute-only key is allocated but not the program's */
	assert_int_equal(map_anon(env->mm, BASE + PG(4), 1, PROT_EXEC), BASE + PG(4));
	assert_int_equal(mm_pkey_free(env->mm, 1), -EINVAL);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), PROT_READ, 1), -EINVAL);
	/* keys 2..15, then none left */
	for (k = 2; k < 16; k++)
		assert_int_equal(mm_pkey_alloc(env->mm, 0, 0), k);
	assert_int_equal(mm_pkey_alloc(env->mm, 0, 0), -ENOSPC);
	assert_int_equal(mm_pkey_free(env->mm, 7), 0);
	assert_int_equal(mm_pkey_free(env->mm, 7), -EINVAL);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), PROT_READ, 7), -EINVAL);
	assert_int_equal(mm_pkey_alloc(env->mm, 0, 0), 7);
	assert_int_equal(mm_pkey_free(env->mm, 16), -EINVAL);
	assert_int_equal(mm_pkey_free(env->mm, -1), -EINVAL);
	/* x86 lets key 0 go, and hands it out again */
	assert_int_equal(mm_pkey_free(env->mm, 0), 0);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), PROT_READ, 0), -EINVAL);
	assert_int_equal(mm_pkey_alloc(env->mm, 0, 0), 0);
	env_check(env);
}

/*
 * pkey_alloc's rights go into PKRU; the hardware enforces them on present
 * entries, the fault path on the others.
 *
 *   a      RW, pkey_mprotect to a write-disabled key 2
 */
static void keyed_alloc_rights(void **state)
{
	struct env *env = *state;

	env->mm->pkru = 0;
	assert_int_equal(map_anon(env->mm, BASE, 2, RW), BASE);
	guest_write8(env, BASE, 0x5a);
	assert_int_equal(mm_pkey_alloc(env->mm, 0, PKEY_DISABLE_WRITE_MM), 1);
	assert_int_equal(env->mm->pkru, WD(1));
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(2), RW, 1), 0);
	env_check(env);
	assert_int_equal(pte_pkey(mm_walk(env->mm, BASE)), 1);
	assert_int_equal(guest_read8(env, BASE), 0x5a);
	expect_segv(env, BASE, true, SEGV_PKUERR, 1);		/* present entry */
	expect_segv(env, BASE + PG(1), true, SEGV_PKUERR, 1);	/* not present */
	assert_int_equal(guest_read8(env, BASE + PG(1)), 0);
	/* another key with access disabled: PROT_NONE entries keep the key too */
	assert_int_equal(mm_pkey_alloc(env->mm, 0, PKEY_DISABLE_ACCESS_MM), 2);
	assert_int_equal(env->mm->pkru, WD(1) | AD(2));
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), PROT_NONE, 2), 0);
	env_check(env);
	assert_int_equal(pte_pkey(mm_walk(env->mm, BASE)), 2);
	expect_segv(env, BASE, false, SEGV_PKUERR, 2);
	/* a PROT_NONE VMA whose key allows: the VMA's rights refuse */
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), PROT_NONE, 0), 0);
	expect_segv(env, BASE, false, SEGV_ACCERR, 0);
	/* re-allocating a key resets its rights */
	assert_int_equal(mm_pkey_free(env->mm, 2), 0);
	assert_int_equal(mm_pkey_alloc(env->mm, 0, 0), 2);
	assert_int_equal(env->mm->pkru, WD(1));
}

/*
 * Every PROT_EXEC-only mapping re-asserts PKRU for the execute-only key
 * (the program may have opened it with WRPKRU); a failed mmap still takes
 * the key, as Linux takes it before looking for room.
 *
 *   a      PROT_READ; MAP_FIXED_NOREPLACE PROT_EXEC over it is -EEXIST
 *   a.b    a: mprotect PROT_EXEC, opened by WRPKRU; b: PROT_EXEC closes it
 */
static void keyed_pkru_reasserted(void **state)
{
	struct env *env = *state;

	assert_int_equal(map_anon(env->mm, BASE, 1, PROT_READ), BASE);
	assert_int_equal(mm_mmap(env->mm, BASE, PG(1), PROT_EXEC,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, NULL, 0), -EEXIST);
	assert_int_equal(env->mm->execute_only_pkey, 1);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(1), PROT_EXEC), 0);
	env_check(env);
	/* WRPKRU: the program opens key 1; reads of execute-only memory work */
	env->mm->pkru &= ~(AD(1) | WD(1));
	assert_int_equal(guest_read8(env, BASE), 0);
	/* the next PROT_EXEC-only mapping closes it again */
	assert_int_equal(map_anon(env->mm, BASE + PG(2), 1, PROT_EXEC), BASE + PG(2));
	env_check(env);
	assert_true(env->mm->pkru & AD(1));
	expect_segv(env, BASE, false, SEGV_PKUERR, 1);
}

/* with every key taken, PROT_EXEC falls back to key 0: readable again */
static void keyed_exec_only_without_free_key(void **state)
{
	struct env *env = *state;
	int k;

	for (k = 1; k < 16; k++)
		assert_int_equal(mm_pkey_alloc(env->mm, 0, 0), k);
	assert_int_equal(map_anon(env->mm, BASE, 1, PROT_EXEC), BASE);
	env_check(env);
	assert_int_equal(env->mm->execute_only_pkey, -1);
	expect_pkey(env, BASE, 0);
	assert_int_equal(guest_read8(env, BASE), 0);
	/* mprotect keeps the VMA's own key when none is left */
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE, PG(1), PROT_READ, 9), 0);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(1), PROT_EXEC), 0);
	expect_pkey(env, BASE, 9);
	env_check(env);
}

/* fork copies the allocation map and PKRU; a new mm (execve) starts over */
static void keyed_fork_and_exec(void **state)
{
	struct env *env = *state;
	struct mm_struct *mms[2] = { env->mm };
	struct fault_result res;
	char err[256];
	int e;

	assert_int_equal(map_anon(env->mm, BASE, 1, PROT_EXEC), BASE);
	assert_int_equal(map_anon(env->mm, BASE + PG(1), 1, RW), BASE + PG(1));
	guest_write8(env, BASE + PG(1), 9);
	assert_int_equal(mm_pkey_alloc(env->mm, 0, PKEY_DISABLE_WRITE_MM), 2);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE + PG(1), PG(1), RW, 2), 0);
	env_check(env);
	mms[1] = dup_mm(env->mm, &e);
	assert_non_null(mms[1]);
	assert_int_equal(validate_mms(mms, 2, err, sizeof(err)), 0);
	assert_int_equal(mms[1]->pkey_allocation_map, env->mm->pkey_allocation_map);
	assert_int_equal(mms[1]->execute_only_pkey, 1);
	assert_int_equal(mms[1]->pkru, env->mm->pkru);
	assert_int_equal(mm_vma_pkey(mms[1], BASE + PG(1)), 2);
	assert_int_equal(mm_fault(mms[1], BASE, FAULT_FLAG_USER, &res), -1);
	assert_int_equal(res.si_code, SEGV_PKUERR);
	assert_int_equal(res.pkey, 1);
	assert_int_equal(mm_fault(mms[1], BASE + PG(1), FAULT_FLAG_USER | FAULT_FLAG_WRITE, &res), -1);
	assert_int_equal(res.si_code, SEGV_PKUERR);
	assert_int_equal(res.pkey, 2);
	assert_int_equal(mm_pkey_alloc(mms[1], 0, 0), 3);
	assert_int_equal(validate_mms(mms, 2, err, sizeof(err)), 0);
	mm_destroy(mms[1]);
	/* execve's new mm: key 0 only, no execute-only key, the initial PKRU */
	mms[1] = mm_create(env->zone, NULL);
	assert_non_null(mms[1]);
	assert_int_equal(mms[1]->pkey_allocation_map, 1);
	assert_int_equal(mms[1]->execute_only_pkey, -1);
	assert_int_equal(mms[1]->pkru, INIT_PKRU_VALUE);
	assert_int_equal(mm_pkey_alloc(mms[1], 0, 0), 1);
	mm_destroy(mms[1]);
	env_check(env);
}

/* smaps: ProtectionKey after THPeligible, only where the CPU has keys */
static void keyed_smaps(void **state)
{
	struct env *env = *state;
	char *smaps;

	assert_int_equal(map_anon(env->mm, BASE, 1, PROT_EXEC), BASE);
	assert_int_equal(map_anon(env->mm, BASE + PG(2), 1, RW), BASE + PG(2));
	env_check(env);
	smaps = smaps_of(env, BASE);
	assert_non_null(strstr(smaps, "THPeligible:           0\nProtectionKey:         1\n"
				      "VmFlags: ex mr mw me \n"));
	free(smaps);
	smaps = smaps_of(env, BASE + PG(2));
	assert_non_null(strstr(smaps, "ProtectionKey:         0\nVmFlags:"));
	free(smaps);
}

/*
 * GUP refuses what PKRU refuses: MAP_POPULATE of execute-only memory
 * populates nothing, MADV_POPULATE_READ of a key-disabled VMA is -EFAULT.
 */
static void keyed_populate_refused(void **state)
{
	struct env *env = *state;
	unsigned char vec[2];

	assert_int_equal(mm_mmap(env->mm, BASE, PG(2), PROT_EXEC,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, NULL, 0), BASE);
	env_check(env);
	assert_int_equal(mm_mincore(env->mm, BASE, PG(2), vec), 0);
	assert_int_equal(vec[0] | vec[1], 0);
	assert_int_equal(map_anon(env->mm, BASE + PG(4), 1, PROT_READ), BASE + PG(4));
	assert_int_equal(mm_pkey_alloc(env->mm, 0, PKEY_DISABLE_ACCESS_MM), 2);
	assert_int_equal(mm_pkey_mprotect(env->mm, BASE + PG(4), PG(1), PROT_READ, 2), 0);
	assert_int_equal(mm_madvise(env->mm, BASE + PG(4), PG(1), 22 /* MADV_POPULATE_READ */),
			 -EFAULT);
	env_check(env);
}

/* a huge PMD carries its VMA's key like a PTE, and keeps it when split */
static void keyed_huge_pmd(void **state)
{
	struct env *env = keyed_env(64UL << 20);
	const uint64_t base = 0x40000000UL;

	(void)state;
	env->zone->thp_mode = THP_ALWAYS;
	env->mm->pkru = 0;
	assert_int_equal(map_anon(env->mm, base, 1024, RW), base);
	assert_int_equal(mm_pkey_alloc(env->mm, 0, 0), 1);
	assert_int_equal(mm_pkey_mprotect(env->mm, base, PG(1024), RW, 1), 0);
	guest_write8(env, base, 1);
	assert_true(env->zone->stats.thp_fault_alloc > 0);
	assert_int_equal(pte_pkey(mm_walk(env->mm, base + PG(5))), 1);
	/* a split by a partial pkey_mprotect: both halves keep their keys */
	assert_int_equal(mm_pkey_mprotect(env->mm, base + PG(256), PG(256), RW, 0), 0);
	env_check(env);
	assert_int_equal(pte_pkey(mm_walk(env->mm, base + PG(5))), 1);
	env->mm->pkru = AD(1);
	expect_segv(env, base + PG(5), false, SEGV_PKUERR, 1);
	env_free(env);
}

/* ---- a random walk with keys: invariants after every call, touches against a model ---- */

struct walk {
	struct env *env;
	struct file *file;
	uint64_t rng;
	int held[16], nheld;
};

static uint64_t walk_rnd(struct walk *w, uint64_t n)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return n ? w->rng % n : 0;
}

#define WALK_PAGES	64

/*
 * x86's order: no VMA is SEGV_MAPERR; a key PKRU refuses is SEGV_PKUERR
 * (never for a fetch); then the VMA's rights, where read is implied.
 */
static int walk_expect(struct walk *w, uint64_t addr, unsigned int flags, int *code, int *pkey)
{
	struct mm_struct *mm = w->env->mm;
	int key = mm_vma_pkey(mm, addr);
	uint32_t bits = key >= 0 ? mm->pkru >> (2 * key) : 0;
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	uint64_t f = vma ? vma->vm_flags : 0;

	*pkey = 0;
	if (!vma) {
		*code = SEGV_MAPERR;
		return -1;
	}
	if (!(flags & FAULT_FLAG_INSTRUCTION) &&
	    ((bits & PKRU_AD_BIT) || ((flags & FAULT_FLAG_WRITE) && (bits & PKRU_WD_BIT)))) {
		*code = SEGV_PKUERR;
		*pkey = key;
		return -1;
	}
	*code = SEGV_ACCERR;
	if (flags & FAULT_FLAG_WRITE)
		return f & VM_WRITE ? 0 : -1;
	if (flags & FAULT_FLAG_INSTRUCTION)
		return f & VM_EXEC ? 0 : -1;
	return f & VM_ACCESS_FLAGS ? 0 : -1;
}

static void walk_touch(struct walk *w, uint64_t addr)
{
	unsigned int how = (unsigned int)walk_rnd(w, 3);
	unsigned int flags = how == 1 ? FAULT_FLAG_WRITE : how == 2 ? FAULT_FLAG_INSTRUCTION : 0;
	struct fault_result res;
	int code, pkey, want = walk_expect(w, addr, flags, &code, &pkey), got;

	if (flags & FAULT_FLAG_INSTRUCTION)
		got = guest_fetch(w->env, addr, &res);
	else
		got = guest_touch(w->env, addr, flags & FAULT_FLAG_WRITE, &res);
	if (got != want || (got && (res.si_code != code || res.pkey != pkey))) {
		struct vm_area_struct *vma = vma_lookup(w->env->mm, addr);

		fail_msg("%s at %#lx: got %d code %d pkey %d (%s), expected %d code %d pkey %d; "
			 "vm_flags %#lx pkru %#x",
			 how == 1 ? "write" : how == 2 ? "fetch" : "read", (unsigned long)addr,
			 got, res.si_code, res.pkey, fault_kind_name(res.kind), want, code, pkey,
			 vma ? (unsigned long)vma->vm_flags : 0UL, w->env->mm->pkru);
	}
}

static int walk_key(struct walk *w)
{
	if (w->nheld && walk_rnd(w, 3))
		return w->held[walk_rnd(w, (uint64_t)w->nheld)];
	return (int)walk_rnd(w, 18) - 1;
}

static void walk_step(struct walk *w)
{
	static const int prots[] = { PROT_NONE, PROT_READ, RW, PROT_EXEC, PROT_EXEC,
				     PROT_READ | PROT_EXEC, RW | PROT_EXEC, PROT_WRITE };
	struct mm_struct *mm = w->env->mm;
	uint64_t pages = 1 + walk_rnd(w, 8), first = walk_rnd(w, WALK_PAGES - pages + 1);
	uint64_t addr = BASE + PG(first), len = PG(pages);
	int prot = prots[walk_rnd(w, sizeof(prots) / sizeof(prots[0]))];
	long r;

	switch (walk_rnd(w, 10)) {
	case 0:
		mm_mmap(mm, addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
		break;
	case 1:
		mm_mmap(mm, addr, len, prot, (walk_rnd(w, 2) ? MAP_SHARED : MAP_PRIVATE) |
			(walk_rnd(w, 2) ? MAP_ANONYMOUS : 0) | MAP_FIXED,
			w->file, PG(walk_rnd(w, 4)));
		break;
	case 2:
		mm_mprotect(mm, addr, len, prot);
		break;
	case 3:
		mm_pkey_mprotect(mm, addr, len, (unsigned long)prot, walk_key(w));
		break;
	case 4:
		r = mm_pkey_alloc(mm, 0, walk_rnd(w, 4));
		if (r > 0)
			w->held[w->nheld++] = (int)r;
		break;
	case 5:
		if (w->nheld) {
			uint64_t i = walk_rnd(w, (uint64_t)w->nheld);

			assert_int_equal(mm_pkey_free(mm, w->held[i]), 0);
			w->held[i] = w->held[--w->nheld];
		}
		break;
	case 6:
		mm_munmap(mm, addr, len);
		break;
	case 7:
		mm_mremap(mm, addr, len, PG(1 + walk_rnd(w, 8)), MREMAP_MAYMOVE | MREMAP_FIXED,
			  BASE + PG(WALK_PAGES) + PG(walk_rnd(w, WALK_PAGES)));
		mm_munmap(mm, BASE + PG(WALK_PAGES), PG(2 * WALK_PAGES));
		break;
	case 8:		/* the program's WRPKRU, on keys other than 0 */
		mm->pkru ^= 3u << (2 * (1 + walk_rnd(w, 15)));
		break;
	default:
		if (walk_rnd(w, 2))
			mm_madvise(mm, addr, len, MADV_DONTNEED);
		else
			shrink_zone(w->env->zone, 1 + walk_rnd(w, 16));	/* to swap */
		break;
	}
	env_check(w->env);
	for (int i = 0; i < 3; i++)
		walk_touch(w, BASE + PG(walk_rnd(w, WALK_PAGES)) + walk_rnd(w, PAGE_SIZE));
}

/* a few thousand random calls with keys, swap and fault-around on */
static void keyed_random_walk(void **state)
{
	struct env *env = keyed_env(PG(512));
	const char *seed = getenv("PKEYS_WALK_SEED");	/* another walk, reproducibly */
	struct walk w = { .env = env, .rng = 0x2545f4914f6cdd1dULL };
	char path[] = "/tmp/mmu-pkeys-swap-XXXXXX";
	int fd = mkstemp(path), step;

	(void)state;
	if (seed && *seed)
		w.rng = strtoull(seed, NULL, 0) * 0x9e3779b97f4a7c15ULL + 1;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(swap_on(env->zone, fd, PG(2048)), 0);
	close(fd);
	env->zone->fault_around_bytes = 64 << 10;
	w.file = shmem_file_setup(env->zone, "/memfd:walk (deleted)", PG(32));
	assert_non_null(w.file);
	for (step = 0; step < 4000; step++)
		walk_step(&w);
	/* the walk met what it is for */
	assert_true(env->mm->stats.faults[FAULT_SEGV_PKUERR] > 100);
	assert_true(env->mm->stats.faults[FAULT_SEGV_ACCERR] > 100);
	assert_true(env->zone->stats.pswpout > 0);
	fput(w.file);
	env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(keyless_exec_implies_read, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(keyless_errnos, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(keyed_exec_only_anon, keyed_setup, env_teardown),
		cmocka_unit_test_setup_teardown(keyed_exec_only_file, keyed_setup, env_teardown),
		cmocka_unit_test_setup_teardown(keyed_exec_only_shared_zero, keyed_setup, env_teardown),
		cmocka_unit_test_setup_teardown(keyed_mprotect_exec_only_and_back, keyed_setup,
						env_teardown),
		cmocka_unit_test_setup_teardown(keyed_no_merge_across_keys, keyed_setup, env_teardown),
		cmocka_unit_test_setup_teardown(keyed_errnos, keyed_setup, env_teardown),
		cmocka_unit_test_setup_teardown(keyed_alloc_rights, keyed_setup, env_teardown),
		cmocka_unit_test_setup_teardown(keyed_pkru_reasserted, keyed_setup, env_teardown),
		cmocka_unit_test_setup_teardown(keyed_exec_only_without_free_key, keyed_setup,
						env_teardown),
		cmocka_unit_test_setup_teardown(keyed_fork_and_exec, keyed_setup, env_teardown),
		cmocka_unit_test_setup_teardown(keyed_smaps, keyed_setup, env_teardown),
		cmocka_unit_test_setup_teardown(keyed_populate_refused, keyed_setup, env_teardown),
		cmocka_unit_test(keyed_huge_pmd),
		cmocka_unit_test(keyed_random_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
