// SPDX-License-Identifier: GPL-2.0
/*
 * qsort of 100 MiB of ints: 26,214,400 values from a fixed xorshift
 * sequence, sorted by the C library's qsort, then checked (sorted, same
 * sum, same xor) and summarised by a checksum of the sorted order.  glibc
 * merges through a temporary copy of the same size (malloc), musl sorts in
 * place (smoothsort): ~200 MiB and ~100 MiB touched.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NINTS	(100u << 20 >> 2)

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int main(void)
{
	uint64_t sum = 0, sum2 = 0, weighted = 0, state = 88172645463325252ull;
	uint32_t xor = 0, xor2 = 0;
	int *v = malloc(NINTS * sizeof(*v));
	size_t i, bad = 0;

	if (!v) {
		perror("malloc");
		return 1;
	}
	for (i = 0; i < NINTS; i++) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		v[i] = (int)(uint32_t)(state >> 32);
		sum += (uint64_t)(int64_t)v[i];
		xor ^= (uint32_t)v[i];
	}
	qsort(v, NINTS, sizeof(*v), cmp_int);
	for (i = 0; i < NINTS; i++) {
		if (i && v[i - 1] > v[i])
			bad++;
		sum2 += (uint64_t)(int64_t)v[i];
		xor2 ^= (uint32_t)v[i];
		weighted = weighted * 1000003u + (uint32_t)v[i];
	}
	printf("n=%u out-of-order=%zu sum %s xor %s\n", NINTS, bad,
	       sum == sum2 ? "same" : "DIFFERS", xor == xor2 ? "same" : "DIFFERS");
	printf("min=%d median=%d max=%d checksum=%016llx\n", v[0], v[NINTS / 2],
	       v[NINTS - 1], (unsigned long long)weighted);
	free(v);
	return bad || sum != sum2 || xor != xor2;
}
