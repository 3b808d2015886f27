/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMM_ELF_LOAD_H
#define VMM_ELF_LOAD_H

#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
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
	char *interp;		/* PT_INTERP's path: this monitor loads none */
	bool fatal;		/* Linux would kill the program (SIGSEGV), not fail */
	bool report;		/* print why it is refused (the monitor's own program) */
};

/* Linux's BINPRM_BUF_SIZE and the depth of #! scripts it follows */
#define BINPRM_BUF_SIZE		256
#define MAX_SCRIPT_DEPTH	4

int elf_open_fd(struct elf_image *img, int fd, const char *path, bool report);
int elf_script(int fd, char *interp, size_t ilen, char *arg, size_t alen);
long exec_resolve(struct vmm *vmm, int hfd, char *path, size_t len, char ***argv,
		  struct elf_image *img, bool report);
void elf_close(struct elf_image *img);
int elf_load(struct vmm *vmm, struct elf_image *img, char **argv, char **envp);

#endif
