// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "helpers.h"
#include "internal.h"

struct snap_entry {
	uint64_t gpa;
	pteval_t val;
	uint64_t va;	/* first address the entry translates */
	int level;
};

struct env *env_new(uint64_t mem_size)
{
	struct env *env = calloc(1, sizeof(*env));

	assert_non_null(env);
	env->size = mem_size ? mem_size : ENV_MEM_DEFAULT;
	env->mem = aligned_alloc(PAGE_SIZE, env->size);
	assert_non_null(env->mem);
	env->zone = zone_create(env->mem, env->size);
	assert_non_null(env->zone);
	env->mm = mm_create(env->zone, NULL);
	assert_non_null(env->mm);
	env_check(env);
	return env;
}

int env_setup(void **state)
{
	*state = env_new(0);
	return 0;
}

int env_teardown(void **state)
{
	env_free(*state);
	return 0;
}

void env_free(struct env *env)
{
	char err[256];

	env_check(env);
	mm_destroy(env->mm);
	if (validate_zone_empty(env->zone, err, sizeof(err)))
		fail_msg("after teardown: %s", err);
	zone_destroy(env->zone);
	free(env->mem);
	free(env->snap);
	free(env);
}

static void snap_walk(struct env *env, uint64_t pfn, int level, uint64_t base,
		      struct snap_entry **out, size_t *n, size_t *cap)
{
	pteval_t *table = pfn_to_virt(env->zone, pfn);
	unsigned int i, limit = level == 4 ? PTRS_PER_TABLE / 2 : PTRS_PER_TABLE;

	for (i = 0; i < limit; i++) {
		uint64_t va = base + ((uint64_t)i << (PAGE_SHIFT + 9 * (level - 1)));

		if (!table[i])
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			*out = realloc(*out, *cap * sizeof(**out));
			assert_non_null(*out);
		}
		(*out)[(*n)++] = (struct snap_entry){
			.gpa = (uint64_t)((uint8_t *)&table[i] - env->zone->base),
			.val = table[i], .va = va, .level = level,
		};
		/* a huge PMD (PS set) is a leaf */
		if (level > 1 && pte_present(table[i]) && !(level == 2 && (table[i] & _PAGE_PSE)))
			snap_walk(env, pte_pfn(table[i]), level - 1, va, out, n, cap);
	}
}

static const struct snap_entry *snap_find(const struct snap_entry *s, size_t n,
					  uint64_t gpa, uint64_t va, int level)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i].gpa == gpa && s[i].va == va && s[i].level == level)
			return &s[i];
	return NULL;
}

static bool log_rewrites(struct mm_struct *mm, uint64_t gpa, pteval_t val)
{
	size_t i;
	bool found = false;
	pteval_t last = 0;

	for (i = 0; i < mm->log.nr; i++) {
		if (mm->log.ent[i].pte_gpa == gpa) {
			found = true;
			last = mm->log.ent[i].val;
		}
	}
	return found && last == val;
}

static bool log_invalidates(struct mm_struct *mm, uint64_t va, int level)
{
	uint64_t span = 1ULL << (PAGE_SHIFT + 9 * (level - 1));
	size_t i;

	if (mm->log.flush_all)
		return true;
	/* INVLPG drops paging-structure caches for every address (SDM 4.10.4.1) */
	for (i = 0; i < mm->log.nr_inval; i++)
		if (level > 1 || (mm->log.inval[i] >= va && mm->log.inval[i] < va + span))
			return true;
	return false;
}

/* is the table holding @e still linked where it was when @e was seen? */
static bool table_still_linked(const struct snap_entry *now, size_t n, const struct snap_entry *e)
{
	uint64_t tspan = 1ULL << (PAGE_SHIFT + 9 * e->level);
	uint64_t tbase = e->va & ~(tspan - 1);
	size_t i;

	if (e->level == 4)
		return true;
	for (i = 0; i < n; i++)
		if (now[i].level == e->level + 1 && now[i].va == tbase &&
		    pte_present(now[i].val) && pte_pfn(now[i].val) == e->gpa >> PAGE_SHIFT)
			return true;
	return false;
}

/*
 * Every entry the guest saw present and that has changed since must be in
 * the log with its current value, and its translation invalidated.  An
 * entry whose table was unlinked is covered by the link above it.
 */
static int check_commit_log(struct env *env, char *err, size_t errlen)
{
	struct snap_entry *now = NULL;
	size_t n = 0, cap = 0, i;
	int ret = 0;

	snap_walk(env, env->mm->pgd_pfn, 4, 0, &now, &n, &cap);
	for (i = 0; i < env->nsnap; i++) {
		const struct snap_entry *old = &env->snap[i];
		const struct snap_entry *cur;
		pteval_t val;

		if (!pte_present(old->val) || !table_still_linked(now, n, old))
			continue;
		cur = snap_find(now, n, old->gpa, old->va, old->level);
		val = cur ? cur->val : 0;
		if (val == old->val)
			continue;
		if (!log_rewrites(env->mm, old->gpa, val)) {
			snprintf(err, errlen, "entry for %#lx (level %d) changed %#lx -> %#lx without "
				 "a commit-log re-write of that value", (unsigned long)old->va,
				 old->level, (unsigned long)old->val, (unsigned long)val);
			ret = -1;
			break;
		}
		if (!log_invalidates(env->mm, old->va, old->level)) {
			snprintf(err, errlen, "entry for %#lx changed without an invalidation",
				 (unsigned long)old->va);
			ret = -1;
			break;
		}
	}
	if (ret) {
		free(now);
		return ret;
	}
	free(env->snap);
	env->snap = now;
	env->nsnap = n;
	return 0;
}

int env_check_log(struct env *env, char *err, size_t errlen)
{
	return check_commit_log(env, err, errlen);
}

void env_snapshot(struct env *env)
{
	size_t cap = 0;

	free(env->snap);
	env->snap = NULL;
	env->nsnap = 0;
	snap_walk(env, env->mm->pgd_pfn, 4, 0, &env->snap, &env->nsnap, &cap);
}

/* the CPU sets accessed and dirty bits itself: not the host's change to log */
static void guest_sets_ad(struct env *env, uint64_t addr, pteval_t bits)
{
	pteval_t *ptep = pte_lookup(env->mm, addr, NULL);
	uint64_t va = addr & PAGE_MASK;
	int level = 1;
	size_t i;

	if (!ptep) {	/* a huge PMD: the bits are set in the PDE */
		ptep = pmd_walk(env->mm, addr, false);
		va = addr & ~(PMD_SIZE - 1);
		level = 2;
	}
	*ptep |= bits;
	for (i = 0; i < env->nsnap; i++)
		if (env->snap[i].level == level && env->snap[i].va == va)
			env->snap[i].val = *ptep;
}

void env_check_at(struct env *env, const char *file, int line)
{
	char err[256];

	if (validate_mm(env->mm, err, sizeof(err)))
		fail_msg("%s:%d: validate_mm: %s", file, line, err);
	if (check_commit_log(env, err, sizeof(err)))
		fail_msg("%s:%d: commit log: %s", file, line, err);
	commit_log_apply(env->mm);
}

char *layout_draw(struct mm_struct *mm, uint64_t base, size_t npages)
{
	char *s = calloc(npages + 1, 1);
	struct vm_area_struct *vma, *last = NULL;
	char letter = 'a' - 1;
	size_t i;

	assert_non_null(s);
	for (i = 0; i < npages; i++) {
		vma = vma_lookup(mm, base + PG(i));
		if (!vma) {
			s[i] = '.';
			continue;
		}
		if (vma != last)
			letter = letter == 'z' ? 'a' : letter + 1;
		last = vma;
		s[i] = letter;
	}
	return s;
}

void expect_layout_at(struct mm_struct *mm, uint64_t base, const char *expect,
		      const char *file, int line)
{
	char *got = layout_draw(mm, base, strlen(expect));

	if (strcmp(got, expect))
		fail_msg("%s:%d: layout\n  expected %s\n  got      %s", file, line, expect, got);
	free(got);
}

void expect_prot_at(struct mm_struct *mm, uint64_t addr, const char *prot, const char *file, int line)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	char got[5];

	if (!vma)
		fail_msg("%s:%d: no VMA at %#lx", file, line, (unsigned long)addr);
	got[0] = vma->vm_flags & VM_READ ? 'r' : '-';
	got[1] = vma->vm_flags & VM_WRITE ? 'w' : '-';
	got[2] = vma->vm_flags & VM_EXEC ? 'x' : '-';
	got[3] = vma->vm_flags & VM_MAYSHARE ? 's' : 'p';
	got[4] = '\0';
	if (strcmp(got, prot))
		fail_msg("%s:%d: VMA at %#lx is %s, expected %s", file, line, (unsigned long)addr,
			 got, prot);
}

/* the CPU's protection-key check of a present entry: PKRU against its key */
static bool pkru_denies(struct env *env, pteval_t pte, bool write)
{
	uint32_t bits = env->mm->pkru >> (2 * pte_pkey(pte));

	if (!env->zone->cpu_pkeys || !pte_present(pte))
		return false;
	return (bits & PKRU_AD_BIT) || (write && (bits & PKRU_WD_BIT));
}

int guest_touch(struct env *env, uint64_t addr, bool write, struct fault_result *res)
{
	pteval_t pte = mm_walk(env->mm, addr);
	bool pk = pkru_denies(env, pte, write);
	struct fault_result local;
	int ret;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	if (pte_present(pte) && (!write || pte_write(pte)) && !pk)
		return 0;
	ret = mm_fault(env->mm, addr, (write ? FAULT_FLAG_WRITE : 0) | FAULT_FLAG_USER |
		       (pk ? FAULT_FLAG_PKEY : 0), res);
	env_check(env);
	if (ret)
		return ret;
	pte = mm_walk(env->mm, addr);
	if (!pte_present(pte) || (write && !pte_write(pte)))
		fail_msg("fault at %#lx resolved (%s) but the entry %#lx still refuses the access",
			 (unsigned long)addr, fault_kind_name(res->kind), (unsigned long)pte);
	return 0;
}

static uint8_t *guest_byte(struct env *env, uint64_t addr, bool write)
{
	struct fault_result res;

	if (guest_touch(env, addr, write, &res))
		fail_msg("guest access to %#lx died with signal %d", (unsigned long)addr, res.signo);
	return (uint8_t *)pfn_to_virt(env->zone, pte_pfn(mm_walk(env->mm, addr))) +
	       (addr & ~PAGE_MASK);
}

uint8_t guest_read8(struct env *env, uint64_t addr)
{
	uint8_t v = *guest_byte(env, addr, false);

	guest_sets_ad(env, addr, _PAGE_ACCESSED);
	return v;
}

void guest_write8(struct env *env, uint64_t addr, uint8_t v)
{
	*guest_byte(env, addr, true) = v;
	guest_sets_ad(env, addr, _PAGE_ACCESSED | _PAGE_DIRTY);
}

long map_anon(struct mm_struct *mm, uint64_t addr, uint64_t pages, int prot)
{
	return mm_mmap(mm, addr, PG(pages), prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
}

struct file *host_file_filled(struct env *env, size_t pages, int first)
{
	char path[] = "/tmp/mmu-test-XXXXXX";
	uint8_t buf[PAGE_SIZE];
	struct file *f;
	size_t i;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	for (i = 0; i < pages; i++) {
		memset(buf, first + (int)i, sizeof(buf));
		assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
	}
	f = host_file_open(env->zone, fd, path, FMODE_READ);
	assert_non_null(f);
	close(fd);
	unlink(path);
	return f;
}
