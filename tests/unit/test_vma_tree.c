// SPDX-License-Identifier: GPL-2.0
/*
 * The VMA tree under random churn: lookups and the top-down gap search
 * agree with a brute-force walk of the address-ordered list, and the
 * tree's balance and augmented gaps hold (validate_mm checks them).
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "helpers.h"
#include "internal.h"

/* just below mmap_base, so no-hint maps must find the holes the churn leaves */
#define WINDOW_BASE	(mm->mmap_base - PG(4096))

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

static struct vm_area_struct *find_vma_slow(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *vma;

	for (vma = mm->mmap; vma; vma = vma->vm_next)
		if (vma->vm_end > addr)
			return vma;
	return NULL;
}

/* the highest [a, a + len) below mmap_base that avoids every VMA and guard gap */
static uint64_t topdown_slow(struct mm_struct *mm, uint64_t len)
{
	struct vm_area_struct *vma = mm->mmap, *last = NULL;
	uint64_t high = mm->mmap_base, low = max(PAGE_SIZE, mm->zone->mmap_min_addr);

	while (vma) {
		last = vma;
		vma = vma->vm_next;
	}
	for (vma = last;; vma = vma->vm_prev) {
		uint64_t gap_end = vma ? vm_start_gap(vma) : 0;
		uint64_t gap_start = vma && vma->vm_prev ? vm_end_gap(vma->vm_prev) : 0;

		if (!vma)
			break;
		/* the gap above the last VMA below high */
		if (vma == last && vm_end_gap(vma) < high && high - max(vm_end_gap(vma), low) >= len)
			return high - len;
		gap_end = min(gap_end, high);
		gap_start = max(gap_start, low);
		if (gap_end > gap_start && gap_end - gap_start >= len)
			return gap_end - len;
	}
	return high - len;
}

static void random_churn(void **state)
{
	struct env *env = env_new(0);
	struct mm_struct *mm = env->mm;
	int step;

	int hits = 0;

	(void)state;
	for (step = 0; step < 4000; step++) {
		uint64_t addr = WINDOW_BASE + PG(rnd(4096)), len = PG(1 + rnd(16));
		uint64_t expect, probe;
		int prot = rnd(2) ? PROT_READ : PROT_READ | PROT_WRITE;
		long r;

		switch (rnd(4)) {
		case 0:
			map_anon(mm, addr, len >> PAGE_SHIFT, prot);
			break;
		case 1:
			mm_munmap(mm, addr, len);
			break;
		case 2:
			mm_mprotect(mm, addr, len, prot);
			break;
		case 3:
			expect = topdown_slow(mm, len);
			r = mm_mmap(mm, 0, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
			if ((uint64_t)r != expect)
				fail_msg("step %d: no-hint mmap of %#lx gave %#lx, brute force %#lx", step,
					 (unsigned long)len, (unsigned long)r, (unsigned long)expect);
			hits += r < (long)(mm->mmap_base - len);	/* found a hole, not the top */
			break;
		}
		probe = WINDOW_BASE + PG(rnd(4200));
		assert_ptr_equal(find_vma(mm, probe), find_vma_slow(mm, probe));
		if (step % 16 == 0)
			env_check(env);
	}
	env_check(env);
	assert_true(mm->map_count > 100);
	assert_true(hits > 100);
	env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
