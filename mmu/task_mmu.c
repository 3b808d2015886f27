// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/self/maps (Linux's fs/proc/task_mmu.c show_map_vma()): the same
 * columns, padding and names, so the text can be compared byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* seq_setwidth(m, 25 + sizeof(void *) * 6 - 1) */
#define MAPS_NAME_COLUMN	73

static const char *vma_name(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (vma->vm_file)
		return vma->vm_file->f_path;
	if (vma->vm_ops && vma->vm_ops->name)
		return vma->vm_ops->name(vma);
	/* vma_is_initial_heap(): strictly overlapping [start_brk, brk) */
	if (vma->vm_start < mm->brk && vma->vm_end > mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

static int show_map_vma(char *buf, size_t size, struct mm_struct *mm, struct vm_area_struct *vma)
{
	uint64_t flags = vma->vm_flags;
	struct file *file = vma->vm_file;
	const char *name = vma_name(mm, vma);
	int n;

	n = snprintf(buf, size, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ",
		     (unsigned long)vma->vm_start, (unsigned long)vma->vm_end,
		     flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		     flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p',
		     file ? (unsigned long long)vma->vm_pgoff << PAGE_SHIFT : 0ULL,
		     file ? file->dev_major : 0, file ? file->dev_minor : 0,
		     file ? (unsigned long)file->ino : 0UL);
	if (name)
		n += snprintf(buf + n, size > (size_t)n ? size - n : 0, "%*s%s",
			      n < MAPS_NAME_COLUMN ? MAPS_NAME_COLUMN - n : 0, "", name);
	n += snprintf(buf + n, size > (size_t)n ? size - n : 0, "\n");
	return n;
}

char *mm_show_maps(struct mm_struct *mm)
{
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);
	struct vm_area_struct *vma;

	if (!out)
		return NULL;
	out[0] = '\0';
	for (vma = mm->mmap; vma; vma = vma->vm_next) {
		int n = show_map_vma(out + len, cap - len, mm, vma);

		if (len + (size_t)n + 1 > cap) {
			char *bigger;

			while (len + (size_t)n + 1 > cap)
				cap *= 2;
			bigger = realloc(out, cap);
			if (!bigger) {
				free(out);
				return NULL;
			}
			out = bigger;
			show_map_vma(out + len, cap - len, mm, vma);
		}
		len += (size_t)n;
	}
	return out;
}
