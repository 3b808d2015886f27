// SPDX-License-Identifier: GPL-2.0
/*
 * The page cache (Linux's mm/filemap.c): one per backing object, shared by
 * every mapping of it.  The cache holds one reference on each of its
 * frames; a mapping's PTE holds another.  Lookup is an open-addressed hash
 * from page index to frame.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct page_cache_slot {
	uint64_t index;
	uint64_t pfn;		/* 0: empty (frame 0 is never allocated); or a swap entry */
};

/*
 * A shared-memory page that reclaim wrote to swap leaves its swap slot in
 * the cache, tagged, as shmem keeps swap entries in its mapping.
 */
#define CACHE_SWAPPED	(1ULL << 63)

static bool slot_swapped(const struct page_cache_slot *slot)
{
	return slot->pfn & CACHE_SWAPPED;
}

static uint64_t slot_hash(uint64_t index, uint64_t nslots)
{
	return (index * 0x9e3779b97f4a7c15ULL) & (nslots - 1);
}

static struct page_cache_slot *slot_find(struct address_space *mapping, uint64_t index)
{
	uint64_t i;

	if (!mapping->nslots)
		return NULL;
	for (i = slot_hash(index, mapping->nslots);; i = (i + 1) & (mapping->nslots - 1)) {
		struct page_cache_slot *slot = &mapping->slots[i];

		if (!slot->pfn)
			return NULL;
		if (slot->index == index)
			return slot;
	}
}

static void slot_put(struct page_cache_slot *slots, uint64_t nslots, uint64_t index, uint64_t pfn)
{
	uint64_t i = slot_hash(index, nslots);

	while (slots[i].pfn)
		i = (i + 1) & (nslots - 1);
	slots[i].index = index;
	slots[i].pfn = pfn;
}

static int cache_grow(struct address_space *mapping)
{
	uint64_t n = mapping->nslots ? mapping->nslots * 2 : 16, i;
	struct page_cache_slot *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < mapping->nslots; i++)
		if (mapping->slots[i].pfn)
			slot_put(slots, n, mapping->slots[i].index, mapping->slots[i].pfn);
	free(mapping->slots);
	mapping->slots = slots;
	mapping->nslots = n;
	return 0;
}

/* the cached frame for @index with a reference for the caller, or NULL */
struct page *find_get_page(struct address_space *mapping, uint64_t index)
{
	struct page_cache_slot *slot = slot_find(mapping, index);
	struct page *page;

	if (!slot || slot_swapped(slot))
		return NULL;
	page = pfn_to_page(mapping->zone, slot->pfn);
	get_page(page);
	return page;
}

bool filemap_is_cached(struct address_space *mapping, uint64_t index)
{
	struct page_cache_slot *slot = slot_find(mapping, index);

	return slot && !slot_swapped(slot);
}

/* the page now stands in the cache at @index: the owner fields and the clock */
static void page_cache_adopt(struct address_space *mapping, struct page *page, uint64_t index)
{
	page->flags |= PG_cache | PG_uptodate;
	page->mapping = mapping;
	page->index = index;
	mapping->zone->stats.nr_cache++;
	lru_add(mapping->zone, page);
}

int add_to_page_cache(struct address_space *mapping, struct page *page, uint64_t index)
{
	if ((mapping->nrpages + 1) * 2 > mapping->nslots && cache_grow(mapping))
		return -ENOMEM;
	slot_put(mapping->slots, mapping->nslots, index, page_to_pfn(mapping->zone, page));
	page->flags |= PG_cache | PG_uptodate;
	page->mapping = mapping;
	page->index = index;
	mapping->nrpages++;
	mapping->zone->stats.nr_cache++;
	lru_add(mapping->zone, page);
	return 0;
}

/*
 * shmem_writepage()'s end: the page, now in swap slot @swap, leaves the
 * cache and its entry names the slot instead.
 */
void shmem_swapped_out(struct page *page, uint64_t swap)
{
	struct address_space *mapping = page->mapping;

	slot_find(mapping, page->index)->pfn = CACHE_SWAPPED | swap;
	page->flags &= ~(PG_cache | PG_uptodate | PG_dirty);
	page->mapping = NULL;
	mapping->zone->stats.nr_cache--;
	put_page(mapping->zone, page);
}

/*
 * delete_from_page_cache(): one page leaves its cache (the cache's
 * reference goes with it).  Linear probing deletion: later entries of the
 * probe run move back into the hole.
 */
void delete_from_page_cache(struct page *page)
{
	struct address_space *mapping = page->mapping;
	uint64_t n = mapping->nslots, i = slot_find(mapping, page->index) - mapping->slots, j;

	mapping->slots[i].pfn = 0;
	for (j = (i + 1) & (n - 1); mapping->slots[j].pfn; j = (j + 1) & (n - 1)) {
		uint64_t home = slot_hash(mapping->slots[j].index, n);

		/* j's entry may fill hole i if its home is not in (i, j] */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			mapping->slots[i] = mapping->slots[j];
			mapping->slots[j].pfn = 0;
			i = j;
		}
	}
	page->flags &= ~(PG_cache | PG_uptodate | PG_dirty);
	page->mapping = NULL;
	mapping->nrpages--;
	mapping->zone->stats.nr_cache--;
	put_page(mapping->zone, page);
}

/* remove every cached page in [start, end); rebuilds the table */
static void cache_drop_range(struct address_space *mapping, uint64_t start, uint64_t end)
{
	struct page_cache_slot *old = mapping->slots;
	uint64_t i, n = mapping->nslots;

	for (i = 0; i < n; i++) {
		struct page *page;

		if (!old[i].pfn || old[i].index < start || old[i].index >= end)
			continue;
		if (old[i].pfn & CACHE_SWAPPED) {
			swap_free(mapping->zone, old[i].pfn & ~CACHE_SWAPPED);
			old[i].pfn = 0;
			mapping->nrpages--;
			continue;
		}
		page = pfn_to_page(mapping->zone, old[i].pfn);
		page->flags &= ~(PG_cache | PG_uptodate | PG_dirty);
		page->mapping = NULL;
		mapping->zone->stats.nr_cache--;
		mapping->nrpages--;
		old[i].pfn = 0;
		put_page(mapping->zone, page);
	}
	/* re-insert the survivors so that probe chains have no holes */
	mapping->slots = calloc(n ? n : 1, sizeof(*old));
	if (!mapping->slots)
		abort();
	for (i = 0; i < n; i++)
		if (old[i].pfn)
			slot_put(mapping->slots, n, old[i].index, old[i].pfn);
	free(old);
}

static uint64_t size_in_pages(uint64_t bytes)
{
	return (bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

/* the cached page at @index, read in on a miss; a reference for the caller */
static struct page *filemap_get_page(struct address_space *mapping, uint64_t index,
				     vm_fault_t *err)
{
	struct page *page = find_get_page(mapping, index);
	struct page_cache_slot *slot;
	void *dst;

	if (page)
		return page;
	page = alloc_page_nozero(mapping->zone);
	if (!page) {
		*err = VM_FAULT_OOM;
		return NULL;
	}
	dst = pfn_to_virt(mapping->zone, page_to_pfn(mapping->zone, page));
	/* looked up after the allocation: reclaim inside it may have moved entries */
	slot = slot_find(mapping, index);
	if (slot && slot_swapped(slot)) {
		uint64_t swap = slot->pfn & ~CACHE_SWAPPED;

		if (swap_read_slot(mapping->zone, swap, page)) {
			put_page(mapping->zone, page);
			*err = VM_FAULT_SIGBUS;
			return NULL;
		}
		slot->pfn = page_to_pfn(mapping->zone, page);
		swap_free(mapping->zone, swap);
		goto cached;
	}
	if (should_fail(mapping->zone, INJECT_FILE_IO, index << PAGE_SHIFT) ||
	    mapping->a_ops->read_folio(mapping, index, dst)) {
		put_page(mapping->zone, page);
		*err = VM_FAULT_SIGBUS;
		return NULL;
	}
	if (add_to_page_cache(mapping, page, index)) {
		put_page(mapping->zone, page);
		*err = VM_FAULT_OOM;
		return NULL;
	}
	get_page(page);		/* the cache's reference stays, the caller gets one */
	return page;
cached:
	page_cache_adopt(mapping, page, index);
	get_page(page);
	return page;
}

/* Linux's filemap_fault(): SIGBUS for a page wholly past the end of file */
vm_fault_t filemap_fault(struct vm_fault *vmf)
{
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	vm_fault_t err = 0;

	if (vmf->pgoff >= size_in_pages(mapping->i_size))
		return VM_FAULT_SIGBUS;
	vmf->page = filemap_get_page(mapping, vmf->pgoff, &err);
	return err;
}

/*
 * read(2) and write(2) through the page cache, so that they and every
 * mapping of the object see the same bytes.  Writes are for shared memory
 * only (host files are read-only here) and extend it as write(2) extends
 * a file.  Return bytes done or -errno.
 */
static long filemap_rw(struct file *file, uint64_t pos, void *buf, size_t n, bool write)
{
	struct address_space *mapping = file->f_mapping;
	size_t done = 0;

	while (done < n) {
		uint64_t index = (pos + done) >> PAGE_SHIFT, off = (pos + done) & ~PAGE_MASK;
		size_t chunk = min(n - done, PAGE_SIZE - off);
		vm_fault_t err = 0;
		struct page *page = filemap_get_page(mapping, index, &err);
		uint8_t *kaddr;

		if (!page)
			return done ? (long)done : (err & VM_FAULT_OOM ? -ENOMEM : -EIO);
		kaddr = (uint8_t *)pfn_to_virt(mapping->zone, page_to_pfn(mapping->zone, page)) + off;
		if (write) {
			memcpy(kaddr, (uint8_t *)buf + done, chunk);
			page->flags |= PG_dirty;
		} else {
			memcpy((uint8_t *)buf + done, kaddr, chunk);
		}
		put_page(mapping->zone, page);
		done += chunk;
	}
	return (long)done;
}

long kernel_read(struct file *file, uint64_t pos, void *buf, size_t n)
{
	uint64_t size = file->f_mapping->i_size;

	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (pos >= size)
		return 0;
	return filemap_rw(file, pos, buf, min(n, size - pos), false);
}

/* cached pages of [pos, pos + n) take the bytes written around the cache */
static void cache_update(struct address_space *mapping, uint64_t pos, const uint8_t *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		uint64_t off = (pos + done) & ~PAGE_MASK;
		size_t chunk = min(n - done, PAGE_SIZE - off);
		struct page *page = find_get_page(mapping, (pos + done) >> PAGE_SHIFT);

		if (page) {
			memcpy((uint8_t *)pfn_to_virt(mapping->zone, page_to_pfn(mapping->zone, page)) +
			       off, buf + done, chunk);
			put_page(mapping->zone, page);
		}
		done += chunk;
	}
}

long kernel_write(struct file *file, uint64_t pos, const void *buf, size_t n)
{
	struct address_space *mapping = file->f_mapping;
	long ret;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!file->shmem) {
		/* a host file: through to the host, and into any cached page */
		if (!mapping->a_ops->write)
			return -EINVAL;
		ret = mapping->a_ops->write(mapping, pos, buf, n);
		if (ret > 0) {
			cache_update(mapping, pos, buf, (size_t)ret);
			if (pos + (uint64_t)ret > mapping->i_size)
				mapping->i_size = pos + (uint64_t)ret;
		}
		return ret;
	}
	if (pos + n < pos || pos + n > INT64_MAX)
		return -EFBIG;
	ret = filemap_rw(file, pos, (void *)buf, n, true);
	if (ret > 0 && pos + (uint64_t)ret > file->f_mapping->i_size)
		file->f_mapping->i_size = pos + (uint64_t)ret;
	return ret;
}

const struct vm_operations_struct generic_file_vm_ops = {
	.fault = filemap_fault,
};

struct address_space *mapping_alloc(struct zone *zone, const struct address_space_operations *a_ops)
{
	struct address_space *mapping = calloc(1, sizeof(*mapping));

	if (!mapping)
		return NULL;
	mapping->zone = zone;
	mapping->a_ops = a_ops;
	return mapping;
}

struct file *file_alloc(struct zone *zone, struct address_space *mapping, const char *path)
{
	struct file *file = calloc(1, sizeof(*file));

	if (!file)
		return NULL;
	file->f_path = strdup(path);
	if (!file->f_path) {
		free(file);
		return NULL;
	}
	file->f_count = 1;
	file->f_mapping = mapping;
	file->vm_ops = &generic_file_vm_ops;
	mapping->refcount++;
	return file;
}

void get_file(struct file *file)
{
	file->f_count++;
}

/*
 * Another open of the same object: its own access mode over the same page
 * cache, as each open(2) gets its own struct file in Linux.
 */
struct file *file_reopen(struct file *file, unsigned int f_mode)
{
	struct file *f = file_alloc(file->f_mapping->zone, file->f_mapping, file->f_path);

	if (!f)
		return NULL;
	f->f_mode = f_mode;
	f->vm_ops = file->vm_ops;
	f->dev_major = file->dev_major;
	f->dev_minor = file->dev_minor;
	f->ino = file->ino;
	f->shmem = file->shmem;
	f->noexec = file->noexec;
	return f;
}

/* fsync(2): every dirty page, mapped or cached, reaches the backing store */
int file_fsync(struct file *file)
{
	return filemap_write_and_wait_range(file->f_mapping, 0, UINT64_MAX >> PAGE_SHIFT);
}

void mapping_put(struct address_space *mapping)
{
	if (--mapping->refcount)
		return;
	cache_drop_range(mapping, 0, UINT64_MAX);
	mapping->zone->vm_committed_as -= mapping->acct_pages;
	free(mapping->slots);
	if (mapping->a_ops->release)
		mapping->a_ops->release(mapping);
	free(mapping);
}

void fput(struct file *file)
{
	if (!file || --file->f_count)
		return;
	mapping_put(file->f_mapping);
	free(file->f_path);
	free(file);
}

/* zap every mapping of pages in [start, end), COW copies included */
static void unmap_mapping_range(struct address_space *mapping, uint64_t start, uint64_t end)
{
	struct vm_area_struct *vma;
	uint64_t lo, hi;

	i_mmap_foreach(vma, mapping, start, end) {
		vma_pgoff_window(vma, start, end, &lo, &hi);
		zap_page_range(vma->vm_mm, vma, lo, hi);
	}
}

/* shmem_fallocate(FALLOC_FL_PUNCH_HOLE) over whole pages: they read back as zeroes */
int shmem_punch_hole(struct file *file, uint64_t start, uint64_t end)
{
	if (!file->shmem)
		return -EOPNOTSUPP;
	unmap_mapping_range(file->f_mapping, start, end);
	cache_drop_range(file->f_mapping, start, end);
	return 0;
}

/*
 * Linux's truncate_setsize(): mappings past the new end go, COW copies
 * included, cached pages past it are dropped and the partial last page
 * reads back zeroes past the end.  For a host file the caller truncates
 * the host file itself.
 */
int file_truncate(struct file *file, uint64_t size)
{
	struct address_space *mapping = file->f_mapping;
	uint64_t keep = size_in_pages(size);

	if (!(file->f_mode & FMODE_WRITE))
		return -EINVAL;
	if (size < mapping->i_size) {
		unmap_mapping_range(mapping, keep, UINT64_MAX);
		cache_drop_range(mapping, keep, UINT64_MAX);
		/* the partial page past the new end reads back as zeroes */
		if (size & ~PAGE_MASK) {
			struct page *page = find_get_page(mapping, size >> PAGE_SHIFT);

			if (page) {
				uint8_t *p = pfn_to_virt(mapping->zone, page_to_pfn(mapping->zone, page));

				memset(p + (size & ~PAGE_MASK), 0, PAGE_SIZE - (size & ~PAGE_MASK));
				put_page(mapping->zone, page);
			}
		}
	}
	mapping->i_size = size;
	return 0;
}
