// SPDX-License-Identifier: GPL-2.0
/*
 * Exit costs in TSC cycles, run as `make exit-bench` (under the monitor
 * with --exit-floor, which times raw hypercall round trips first and passes
 * the result in VMM_EXIT_FLOOR) or natively for comparison:
 *   - a getpid round trip (SYSCALL -> #PF at LSTAR -> monitor -> IRET);
 *   - a demand fault round trip (write to untouched anonymous memory);
 * and their ratios to the floor.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <x86intrin.h>

#define CALLS	2000
#define PAGES	1024
#define RUNS	5

static long raw_getpid(void)
{
	long ret;

	asm volatile("syscall" : "=a"(ret) : "a"(SYS_getpid) : "rcx", "r11", "memory");
	return ret;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v)
{
	qsort(v, RUNS, sizeof(*v), cmp);
	return v[RUNS / 2];
}

static void report(const char *what, uint64_t v, uint64_t floor, uint64_t ufloor)
{
	printf("  %-42s %8llu", what, (unsigned long long)v);
	if (floor)
		printf("   %5.2fx ring-0 floor", (double)v / floor);
	if (ufloor)
		printf("   %5.2fx ring-3 floor", (double)v / ufloor);
	printf("\n");
}

int main(void)
{
	const char *f = getenv("VMM_EXIT_FLOOR");
	const char *uf = getenv("VMM_USER_EXIT_FLOOR");
	uint64_t floor = f ? strtoull(f, NULL, 0) : 0, sys[RUNS], flt[RUNS], t;
	uint64_t ufloor = uf ? strtoull(uf, NULL, 0) : 0;
	int r, i;

	for (r = 0; r < RUNS; r++) {
		t = __rdtsc();
		for (i = 0; i < CALLS; i++)
			raw_getpid();
		sys[r] = (__rdtsc() - t) / CALLS;
	}
	for (r = 0; r < RUNS; r++) {
		volatile char *p = mmap(NULL, PAGES * 4096UL, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return 1;
		t = __rdtsc();
		for (i = 0; i < PAGES; i++)
			p[i * 4096UL] = 1;
		flt[r] = (__rdtsc() - t) / PAGES;
		munmap((void *)p, PAGES * 4096UL);
	}
	printf("exit-bench (TSC cycles, median of %d runs)\n", RUNS);
	if (!floor)
		printf("  exit floor: not measured (run under vmm --exit-floor N)\n");
	else
		printf("  exit floor, ring 0 (hypercall round trip)  %8llu\n",
		       (unsigned long long)floor);
	if (ufloor)
		printf("  exit floor, ring 3 (same OUT at CPL 3)     %8llu\n",
		       (unsigned long long)ufloor);
	report("getpid round trip", median(sys), floor, ufloor);
	report("demand fault round trip (per page)", median(flt), floor, ufloor);
	return 0;
}
