/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test environment for mmu/: a zone over plain memory, one mm, and
 * env_check() to run after every operation: validate_mm(), then a check
 * that the commit log tells the guest everything it must re-write and
 * invalidate, then the log applied as the guest would.
 */
#ifndef TESTS_HELPERS_H
#define TESTS_HELPERS_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "mm.h"
#include "pgtable.h"

struct snap_entry;

struct env {
	void *mem;
	uint64_t size;
	struct zone *zone;
	struct mm_struct *mm;
	/* what the guest saw after the last commit */
	struct snap_entry *snap;
	size_t nsnap;
};

#define ENV_MEM_DEFAULT	(32UL << 20)

struct env *env_new(uint64_t mem_size);
/* cmocka fixtures: a default env in *state, freed (and leak-checked) after */
int env_setup(void **state);
int env_teardown(void **state);
void env_free(struct env *env);	/* destroys the mm, checks nothing leaked */
/* checker + commit-log completeness + apply; fails the test with a message */
void env_check_at(struct env *env, const char *file, int line);
#define env_check(env) env_check_at(env, __FILE__, __LINE__)
/* only the commit-log completeness check: 0, or -1 with a reason */
int env_check_log(struct env *env, char *err, size_t errlen);
/* forget what the guest saw: the current tables become the reference */
void env_snapshot(struct env *env);

/*
 * The VMAs over [base, base + npages pages) drawn one character per page:
 * '.' for a hole, letters for VMAs in address order ('a', 'b', ...; a new
 * letter starts each VMA).  "aab.c" is a two-page VMA, a one-page VMA, a
 * hole and a one-page VMA.
 */
char *layout_draw(struct mm_struct *mm, uint64_t base, size_t npages);
void expect_layout_at(struct mm_struct *mm, uint64_t base, const char *expect,
		      const char *file, int line);
#define expect_layout(mm, base, expect) expect_layout_at(mm, base, expect, __FILE__, __LINE__)
/* "rw-p" style rights of the VMA at @addr */
void expect_prot_at(struct mm_struct *mm, uint64_t addr, const char *prot, const char *file, int line);
#define expect_prot(mm, addr, prot) expect_prot_at(mm, addr, prot, __FILE__, __LINE__)

/* a guest access, as the CPU would do it: fault until the entry allows it */
int guest_touch(struct env *env, uint64_t addr, bool write, struct fault_result *res);
uint8_t guest_read8(struct env *env, uint64_t addr);
void guest_write8(struct env *env, uint64_t addr, uint8_t v);

/* a read-only host file of @pages pages, page i filled with @first + i (unlinked) */
struct file *host_file_filled(struct env *env, size_t pages, int first);

/* anonymous private read-write mapping at @addr, MAP_FIXED */
long map_anon(struct mm_struct *mm, uint64_t addr, uint64_t pages, int prot);

#define PG(n)	((uint64_t)(n) * PAGE_SIZE)

#endif
