/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMM_ELF_LOAD_H
#define VMM_ELF_LOAD_H

#include <elf.h>
#include <sys/types.h>

struct vmm;

struct elf_image {
	const char *path;	/* as given: argv[0] style, AT_EXECFN */
	char *realpath;		/* for maps */
	int fd;
	off_t size;
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;
	uint64_t bias;		/* static-PIE load offset */
};

int elf_open(struct elf_image *img, const char *path);
void elf_close(struct elf_image *img);
int elf_load(struct vmm *vmm, struct elf_image *img, char **argv, char **envp);

#endif
