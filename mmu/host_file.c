// SPDX-License-Identifier: GPL-2.0
/*
 * Backing objects for host files: the page cache reads them with pread().
 * The maps line shows the host file's device, inode and path, so that a
 * mapping made here reads exactly like the same mapping made natively.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <errno.h>
#include <unistd.h>

#include "internal.h"

static int host_read_folio(struct address_space *mapping, uint64_t index, void *dst)
{
	int fd = (int)(intptr_t)mapping->host;
	uint64_t off = index << PAGE_SHIFT;
	size_t done = 0;

	while (done < PAGE_SIZE) {
		ssize_t n = pread(fd, (uint8_t *)dst + done, PAGE_SIZE - done, (off_t)(off + done));

		if (n < 0)
			return -EIO;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	memset((uint8_t *)dst + done, 0, PAGE_SIZE - done);
	return 0;
}

/*
 * Consecutive pages into frames that are not consecutive: one preadv() for
 * the lot (fault-around's readahead), zeroes past the end of file.
 */
static int host_readahead(struct address_space *mapping, uint64_t index, void **dst,
			  unsigned int nr)
{
	int fd = (int)(intptr_t)mapping->host;
	uint64_t off = index << PAGE_SHIFT, total = (uint64_t)nr << PAGE_SHIFT, done = 0;
	struct iovec iov[PTRS_PER_TABLE];
	unsigned int i, n;

	if (nr > PTRS_PER_TABLE)
		return -EINVAL;
	while (done < total) {
		ssize_t got;

		for (i = (unsigned int)(done >> PAGE_SHIFT), n = 0; i < nr; i++, n++) {
			uint64_t skip = n ? 0 : done & ~PAGE_MASK;

			iov[n].iov_base = (uint8_t *)dst[i] + skip;
			iov[n].iov_len = PAGE_SIZE - skip;
		}
		got = preadv(fd, iov, (int)n, (off_t)(off + done));
		if (got < 0)
			return -EIO;
		if (got == 0)
			break;
		done += (uint64_t)got;
	}
	for (i = (unsigned int)(done >> PAGE_SHIFT); i < nr; i++) {
		uint64_t skip = i == done >> PAGE_SHIFT ? done & ~PAGE_MASK : 0;

		memset((uint8_t *)dst[i] + skip, 0, PAGE_SIZE - skip);
	}
	return 0;
}

/* write back within the file's size: a mapping never extends a file */
static int host_writepage(struct address_space *mapping, uint64_t index, const void *src)
{
	int fd = (int)(intptr_t)mapping->host;
	uint64_t off = index << PAGE_SHIFT;
	size_t len, done = 0;

	if (off >= mapping->i_size)
		return 0;
	len = min(PAGE_SIZE, mapping->i_size - off);
	while (done < len) {
		ssize_t n = pwrite(fd, (const uint8_t *)src + done, len - done, (off_t)(off + done));

		if (n <= 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

static long host_write(struct address_space *mapping, uint64_t pos, const void *buf, size_t n)
{
	ssize_t done = pwrite((int)(intptr_t)mapping->host, buf, n, (off_t)pos);

	return done < 0 ? -errno : done;
}

static void host_release(struct address_space *mapping)
{
	close((int)(intptr_t)mapping->host);
}

static const struct address_space_operations host_aops = {
	.read_folio = host_read_folio,
	.readahead = host_readahead,
	.writepage = host_writepage,
	.write = host_write,
	.release = host_release,
};

struct file *host_file_open(struct zone *zone, int fd, const char *path, unsigned int f_mode)
{
	struct address_space *mapping;
	struct file *file;
	struct stat st;
	int own;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return NULL;
	own = dup(fd);
	if (own < 0)
		return NULL;
	mapping = mapping_alloc(zone, &host_aops);
	if (!mapping) {
		close(own);
		return NULL;
	}
	mapping->host = (void *)(intptr_t)own;
	mapping->i_size = (uint64_t)st.st_size;
	file = file_alloc(zone, mapping, path);
	if (!file) {
		mapping->refcount = 1;
		mapping_put(mapping);
		return NULL;
	}
	file->f_mode = f_mode;
	file->dev_major = major(st.st_dev);
	file->dev_minor = minor(st.st_dev);
	file->ino = st.st_ino;
	return file;
}
