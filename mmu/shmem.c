// SPDX-License-Identifier: GPL-2.0
/*
 * Shared memory objects (Linux's mm/shmem.c): MAP_SHARED|MAP_ANONYMOUS
 * mappings and memfd.  A page-cache-only file whose pages start zeroed.
 */
#include <string.h>

#include "internal.h"

static uint64_t shmem_next_ino = 1;

static int shmem_read_folio(struct address_space *mapping, uint64_t index, void *dst)
{
	memset(dst, 0, PAGE_SIZE);
	return 0;
}

static const struct address_space_operations shmem_aops = {
	.read_folio = shmem_read_folio,
};

struct file *shmem_file_setup(struct zone *zone, const char *name, uint64_t size)
{
	struct address_space *mapping = mapping_alloc(zone, &shmem_aops);
	struct file *file;

	if (!mapping)
		return NULL;
	mapping->i_size = size;
	mapping->shmem = true;
	file = file_alloc(zone, mapping, name);
	if (!file) {
		mapping->refcount = 1;
		mapping_put(mapping);
		return NULL;
	}
	file->shmem = true;
	file->f_mode = FMODE_READ | FMODE_WRITE;
	file->ino = shmem_next_ino++;
	file->dev_minor = 1;	/* the internal shm mount, 00:01 */
	return file;
}
