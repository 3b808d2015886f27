/* SPDX-License-Identifier: GPL-2.0 */
/* Guest memory as the kernel reaches it (uaccess.c) */
#ifndef VMM_UACCESS_H
#define VMM_UACCESS_H

#include <stddef.h>
#include <stdint.h>

struct vmm;

int copy_from_user(struct vmm *vmm, void *dst, uint64_t src, size_t n);
int copy_to_user(struct vmm *vmm, uint64_t dst, const void *src, size_t n);
long strncpy_from_user(struct vmm *vmm, char *dst, uint64_t src, size_t n);

#endif
