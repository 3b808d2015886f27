// SPDX-License-Identifier: GPL-2.0
/*
 * Page tables and the commit log: entries and rights after each kind of
 * change, A/D bits, page-table pages freed when empty, and the log that the
 * guest replays (re-writes of changed present entries, invalidations, the
 * full flush past the ceiling, nothing written into freed tables).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "helpers.h"
#include "internal.h"

#define BASE	0x10000000UL
#define RW	(PROT_READ | PROT_WRITE)

static pteval_t *ptep_of(struct env *env, uint64_t addr)
{
	pteval_t *ptep = pte_lookup(env->mm, addr, NULL);

	assert_non_null(ptep);
	return ptep;
}

/* read fault: zero page, read-only, user, NX; write: own frame, RW, dirty */
static void anon_read_then_write(void **state)
{
	struct env *env = *state;
	pteval_t pte;

	map_anon(env->mm, BASE, 4, RW);
	env_check(env);
	assert_int_equal(guest_read8(env, BASE), 0);
	pte = mm_walk(env->mm, BASE);
	assert_true(pte_present(pte));
	assert_false(pte & _PAGE_RW);
	assert_true(pte & _PAGE_USER);
	assert_true(pte & _PAGE_NX);
	assert_int_equal(pte_pfn(pte), env->zone->zero_pfn);
	/* a not-present -> present change needs no re-write */
	assert_int_equal(env->mm->log.stats.rewrites, 0);
	assert_int_equal(env->mm->log.stats.installs, 4);	/* 3 table levels + the leaf */

	guest_write8(env, BASE, 5);
	pte = mm_walk(env->mm, BASE);
	assert_true(pte & _PAGE_RW);
	assert_true(pte & _PAGE_DIRTY);
	assert_int_not_equal(pte_pfn(pte), env->zone->zero_pfn);
	/* present -> present: one re-write, one invalidation of that page */
	assert_int_equal(env->mm->log.stats.rewrites, 1);
	assert_int_equal(env->mm->log.stats.invlpgs, 1);
	assert_int_equal(env->mm->stats.faults[FAULT_WP_COPY], 1);
}

static void exec_rights_clear_nx(void **state)
{
	struct env *env = *state;

	map_anon(env->mm, BASE, 1, PROT_READ | PROT_EXEC);
	guest_read8(env, BASE);
	assert_false(mm_walk(env->mm, BASE) & _PAGE_NX);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(1), PROT_READ), 0);
	env_check(env);
	assert_true(mm_walk(env->mm, BASE) & _PAGE_NX);
}

/* PROT_NONE keeps the frame in a not-present entry; the data survives */
static void prot_none_keeps_frame(void **state)
{
	struct env *env = *state;
	uint64_t pfn;
	pteval_t pte;

	map_anon(env->mm, BASE, 2, RW);
	guest_write8(env, BASE, 42);
	pfn = pte_pfn(mm_walk(env->mm, BASE));
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(2), PROT_NONE), 0);
	env_check(env);
	pte = *ptep_of(env, BASE);
	assert_false(pte_present(pte));
	assert_true(pte & _PAGE_PROTNONE);
	assert_int_equal(pte_pfn(pte), pfn);
	assert_true(pte & _PAGE_DIRTY);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(2), RW), 0);
	env_check(env);
	pte = mm_walk(env->mm, BASE);
	/* an exclusive anonymous page is writable again without a fault */
	assert_true(pte_write(pte));
	assert_int_equal(pte_pfn(pte), pfn);
	assert_int_equal(guest_read8(env, BASE), 42);
}

/* write-protect goes through the log; the zero page never becomes writable */
static void mprotect_readonly_logs_rewrites(void **state)
{
	struct env *env = *state;
	uint64_t before;

	map_anon(env->mm, BASE, 3, RW);
	guest_write8(env, BASE, 1);
	guest_write8(env, BASE + PG(1), 1);
	guest_read8(env, BASE + PG(2));
	before = env->mm->log.stats.rewrites;
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(3), PROT_READ), 0);
	assert_int_equal(env->mm->log.nr, 2);	/* the zero-page entry did not change */
	assert_int_equal(env->mm->log.stats.rewrites - before, 2);
	env_check(env);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(3), RW), 0);
	env_check(env);
	assert_false(pte_write(mm_walk(env->mm, BASE + PG(2))));
}

/* unmapping everything frees every table but the PGD, through the log */
static void empty_tables_are_freed(void **state)
{
	struct env *env = *state;
	uint64_t free_before = zone_nr_free(env->zone);
	int i;

	map_anon(env->mm, BASE, 1024, RW);	/* spans two page tables */
	for (i = 0; i < 1024; i += 256)
		guest_write8(env, BASE + PG(i), 1);
	assert_int_equal(env->mm->stats.pgtable_pages, 1 + 1 + 1 + 2);
	assert_int_equal(mm_munmap(env->mm, BASE, PG(1024)), 0);
	env_check(env);
	assert_int_equal(env->mm->stats.pgtable_pages, 1);
	assert_int_equal(zone_nr_free(env->zone), free_before);
}

/* more than the ceiling of single-page invalidations becomes a full flush */
static void flush_ceiling(void **state)
{
	struct env *env = *state;
	int i;

	map_anon(env->mm, BASE, 64, RW);
	for (i = 0; i < 64; i++)
		guest_write8(env, BASE + PG(i), 1);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(8), PROT_READ), 0);
	assert_false(env->mm->log.flush_all);
	assert_int_equal(env->mm->log.nr_inval, 8);
	env_check(env);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(64), PROT_READ), 0);
	assert_true(env->mm->log.flush_all);
	env_check(env);
	assert_int_equal(env->mm->log.stats.full_flushes, 1);
}

/*
 * An entry cleared and made present again before the guest runs: the log
 * must end with the new value, or the guest's replay would clear it.
 */
static void clear_then_refault_in_one_batch(void **state)
{
	struct env *env = *state;
	struct fault_result res;
	pteval_t *ptep;
	size_t i;
	bool found = false;

	map_anon(env->mm, BASE, 2, RW);
	guest_write8(env, BASE, 3);
	guest_write8(env, BASE + PG(1), 4);	/* keeps the page table alive */
	assert_int_equal(mm_madvise(env->mm, BASE, PG(1), MADV_DONTNEED), 0);
	assert_int_equal(mm_fault(env->mm, BASE, FAULT_FLAG_WRITE, &res), 0);
	ptep = ptep_of(env, BASE);
	for (i = 0; i < env->mm->log.nr; i++)
		if (env->mm->log.ent[i].pte_gpa == ptep_to_gpa(env->mm, ptep))
			found = env->mm->log.ent[i].val == *ptep;
	assert_true(found);
	env_check(env);
	assert_int_equal(guest_read8(env, BASE), 0);
}

/* a table freed and reused in one batch gets no stale re-writes */
static void table_frame_reuse(void **state)
{
	struct env *env = *state;
	size_t i;

	map_anon(env->mm, BASE, 1, RW);
	guest_write8(env, BASE, 1);
	assert_int_equal(mm_munmap(env->mm, BASE, PG(1)), 0);
	/* the freed PT/PD/PDPT frames come back for the new range */
	map_anon(env->mm, BASE + (1UL << 39), 1, RW);
	assert_int_equal(mm_fault(env->mm, BASE + (1UL << 39), FAULT_FLAG_WRITE, NULL), 0);
	for (i = 0; i < env->mm->log.nr; i++) {
		struct page *t = pfn_to_page(env->zone, env->mm->log.ent[i].pte_gpa >> PAGE_SHIFT);

		assert_true(t->flags & PG_pgtable);
	}
	env_check(env);
}

/* A/D bits set by the CPU survive mprotect */
static void accessed_dirty_preserved(void **state)
{
	struct env *env = *state;
	pteval_t pte;

	map_anon(env->mm, BASE, 1, RW);
	guest_write8(env, BASE, 1);
	assert_int_equal(mm_mprotect(env->mm, BASE, PG(1), PROT_READ), 0);
	env_check(env);
	pte = mm_walk(env->mm, BASE);
	assert_true(pte_young(pte) && pte_dirty(pte));
}

/* the checker is not a rubber stamp: silent changes are caught */
static void checker_catches_silent_change(void **state)
{
	struct env *env = *state;
	struct page *table;
	char err[256];
	pteval_t *ptep;
	int i;

	map_anon(env->mm, BASE, 2, RW);
	guest_write8(env, BASE, 1);
	ptep = ptep_of(env, BASE);
	*ptep |= _PAGE_NX ^ _PAGE_NX;	/* no-op keeps the checker quiet */
	assert_int_equal(validate_mm(env->mm, err, sizeof(err)), 0);
	/* a writable entry in a read-only VMA */
	vma_lookup(env->mm, BASE)->vm_flags &= ~VM_WRITE;
	assert_int_equal(validate_mm(env->mm, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "writable in a read-only VMA"));
	vma_lookup(env->mm, BASE)->vm_flags |= VM_WRITE;
	/* a map count that does not match the entries */
	pfn_to_page(env->zone, pte_pfn(*ptep))->mapcount++;
	assert_int_equal(validate_mm(env->mm, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "mapcount"));
	pfn_to_page(env->zone, pte_pfn(*ptep))->mapcount--;
	assert_int_equal(validate_mm(env->mm, err, sizeof(err)), 0);
	/* its per-frame arrays live from one check to the next: passes leave no marks */
	for (i = 0; i < 3; i++)
		assert_int_equal(validate_mm(env->mm, err, sizeof(err)), 0);
	/* a table whose count of entries is off */
	table = pfn_to_page(env->zone, (uint64_t)((uint8_t *)ptep - env->zone->base) >> PAGE_SHIFT);
	table->pt_used++;
	assert_int_equal(validate_mm(env->mm, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "entries, counted"));
	table->pt_used--;
	assert_int_equal(validate_mm(env->mm, err, sizeof(err)), 0);
	pfn_to_page(env->zone, pte_pfn(*ptep))->mapcount++;
	assert_int_equal(validate_mm(env->mm, err, sizeof(err)), -1);
	pfn_to_page(env->zone, pte_pfn(*ptep))->mapcount--;
	assert_int_equal(validate_mm(env->mm, err, sizeof(err)), 0);
}

/* the commit-log check fails when the host changes an entry behind the log */
static void log_check_catches_unlogged_change(void **state)
{
	struct env *env = *state;
	char err[256];
	pteval_t *ptep;

	map_anon(env->mm, BASE, 1, RW);
	guest_write8(env, BASE, 1);
	env_check(env);
	ptep = ptep_of(env, BASE);
	*ptep &= ~_PAGE_RW;	/* behind the log's back */
	assert_int_equal(env_check_log(env, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "without a commit-log re-write"));
	*ptep |= _PAGE_RW;
	assert_int_equal(env_check_log(env, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(anon_read_then_write, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(exec_rights_clear_nx, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(prot_none_keeps_frame, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(mprotect_readonly_logs_rewrites, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(empty_tables_are_freed, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(flush_ceiling, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(clear_then_refault_in_one_batch, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(table_frame_reuse, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(accessed_dirty_preserved, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(checker_catches_silent_change, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(log_check_catches_unlogged_change, env_setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
