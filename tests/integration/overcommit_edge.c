// SPDX-License-Identifier: GPL-2.0
/*
 * Linux's heuristic overcommit at its edge: one mapping of exactly
 * MemTotal + SwapTotal (as /proc/meminfo says, totalram_pages() plus
 * total_swap_pages) is allowed and one page more is ENOMEM, private or
 * shared (__vm_enough_memory(), mode 0).  Natively that is the host's
 * memory, under the monitor --mem: the output is the same.  "memtotal"
 * prints MemTotal, for run.sh to compare the monitor's default with.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static unsigned long long meminfo(const char *key)
{
	unsigned long long kb = 0, v;
	char line[128], name[64];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %llu", name, &v) == 2 && !strcmp(name, key))
			kb = v;
	fclose(f);
	return kb;
}

static void try_map(const char *what, size_t len, int flags)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);

	printf("%s: %s\n", what, p == MAP_FAILED ? (errno == ENOMEM ? "ENOMEM" : strerror(errno))
						 : "mapped");
	if (p != MAP_FAILED)
		munmap(p, len);
}

int main(int argc, char **argv)
{
	unsigned long long total = meminfo("MemTotal"), swap = meminfo("SwapTotal");
	size_t len = (size_t)(total + swap) << 10;
	FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
	int mode = -1;

	if (argc > 1 && !strcmp(argv[1], "memtotal")) {
		printf("%llu\n", total);
		return 0;
	}
	if (f) {
		if (fscanf(f, "%d", &mode) != 1)
			mode = -1;
		fclose(f);
	}
	printf("overcommit_memory %d, MemTotal %s\n", mode, total ? "read" : "missing");
	try_map("private, MemTotal + SwapTotal", len, MAP_PRIVATE);
	try_map("private, one page more", len + 4096, MAP_PRIVATE);
	try_map("shared, MemTotal + SwapTotal", len, MAP_SHARED);
	try_map("shared, one page more", len + 4096, MAP_SHARED);
	try_map("private MAP_NORESERVE, one page more", len + 4096, MAP_PRIVATE | MAP_NORESERVE);
	return 0;
}
