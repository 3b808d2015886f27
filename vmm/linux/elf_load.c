// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF loader for static x86-64 executables, ET_EXEC and static-PIE,
 * after Linux's fs/binfmt_elf.c: PT_LOAD segments become private file
 * mappings demand-faulted from the file, bss is anonymous, the break starts
 * after the image, and the stack holds argv, envp and the auxiliary vector.
 */
#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm.h"
#include "elf_load.h"

/* Linux's ELF_ET_DYN_BASE on x86-64, without randomization */
#define ELF_ET_DYN_BASE		0x555555554000UL
#define STACK_INIT_SIZE		(128UL << 10)
#define MAX_PHDRS_SIZE		65536
#define AUXV_MAX		24
#define MMAP_MIN_ADDR		65536UL	/* Linux's default vm.mmap_min_addr */

static uint64_t page_down(uint64_t x)
{
	return x & PAGE_MASK;
}

static int read_at(int fd, void *buf, size_t n, off_t off)
{
	ssize_t got = pread(fd, buf, n, off);

	return got == (ssize_t)n ? 0 : -1;
}

/* say why, on the monitor's own program only: a guest's execve just fails */
#define refuse(img, err, fmt, ...) ({						\
	if ((img)->report)							\
		pr_err("%s: " fmt, (img)->path, ##__VA_ARGS__);			\
	(err);									\
})

/*
 * Linux's elf_check_arch() on x86-64 looks at e_machine only: a 64-bit
 * program with EI_CLASS or EI_DATA damaged still runs there, and here.
 */
static int check_ehdr(struct elf_image *img)
{
	const Elf64_Ehdr *eh = &img->eh;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return refuse(img, -ENOEXEC, "not an ELF executable");
	if (eh->e_machine != EM_X86_64)
		return refuse(img, -ENOEXEC, "not an x86-64 executable (ELF machine %u): "
			      "this monitor runs x86-64 Linux programs only", eh->e_machine);
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return refuse(img, -ENOEXEC, "not an executable (ELF type %u%s)", eh->e_type,
			      eh->e_type == ET_REL ? ", an object file" :
			      eh->e_type == ET_CORE ? ", a core dump" : "");
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || !eh->e_phnum ||
	    (size_t)eh->e_phnum * sizeof(Elf64_Phdr) > MAX_PHDRS_SIZE)
		return refuse(img, -ENOEXEC, "bad ELF program headers (%u of %u bytes)",
			      eh->e_phnum, eh->e_phentsize);
	return 0;
}

/* PT_INTERP: its path, which must be a C string of sane length (Linux's ENOEXEC) */
static int read_interp(struct elf_image *img, const Elf64_Phdr *ph)
{
	if (img->interp)
		return 0;
	if (ph->p_filesz > PATH_MAX || ph->p_filesz < 2)
		return refuse(img, -ENOEXEC, "bad PT_INTERP (%llu bytes)",
			      (unsigned long long)ph->p_filesz);
	img->interp = calloc(1, ph->p_filesz + 1);
	if (!img->interp)
		return refuse(img, -ENOMEM, "out of memory");
	if (read_at(img->fd, img->interp, ph->p_filesz, ph->p_offset) ||
	    img->interp[ph->p_filesz - 1])
		return refuse(img, -ENOEXEC, "bad PT_INTERP");
	return 0;
}

/*
 * What Linux finds wrong only after its point of no return (the program
 * is then killed with SIGSEGV): segments that cannot be mapped where and
 * as they say.  Here they are found before anything is mapped.
 */
static int bad_segment(struct elf_image *img, int i, const char *why)
{
	img->fatal = true;
	return refuse(img, -ENOEXEC, "PT_LOAD segment %d %s", i, why);
}

static int check_phdrs(struct elf_image *img)
{
	int i, j, loads = 0, err;

	for (i = 0; i < img->eh.e_phnum; i++) {
		const Elf64_Phdr *ph = &img->ph[i];

		if (ph->p_type == PT_INTERP) {
			err = read_interp(img, ph);
			if (err)
				return err;
			continue;
		}
		if (ph->p_type != PT_LOAD)
			continue;
		loads++;
		if (ph->p_filesz > ph->p_memsz)
			return bad_segment(img, i, "has p_filesz > p_memsz");
		if ((ph->p_vaddr - ph->p_offset) & ~PAGE_MASK)
			return bad_segment(img, i, "is not page-aligned with its file offset");
		if (ph->p_vaddr + ph->p_memsz < ph->p_vaddr || ph->p_vaddr >= TASK_SIZE ||
		    ph->p_memsz > TASK_SIZE || ph->p_vaddr + ph->p_memsz > TASK_SIZE)
			return bad_segment(img, i, "reaches past the user half (the kernel's)");
		if (img->eh.e_type == ET_EXEC && page_down(ph->p_vaddr) < MMAP_MIN_ADDR)
			return bad_segment(img, i, "is below mmap_min_addr (65536)");
		if (ph->p_offset + ph->p_filesz < ph->p_offset ||
		    ph->p_offset + ph->p_filesz > (uint64_t)img->size)
			return bad_segment(img, i, "reaches past the end of the file (truncated?)");
		for (j = 0; j < i; j++) {
			const Elf64_Phdr *q = &img->ph[j];

			if (q->p_type == PT_LOAD && q->p_memsz && ph->p_memsz &&
			    ph->p_vaddr < q->p_vaddr + q->p_memsz &&
			    q->p_vaddr < ph->p_vaddr + ph->p_memsz)
				return bad_segment(img, i, "overlaps another");
		}
	}
	if (!loads) {
		img->fatal = true;
		return refuse(img, -ENOEXEC, "no loadable segments");
	}
	if (img->interp)
		return refuse(img, -ENOEXEC, "built dynamically (interpreter %s); "
			      "link it with -static", img->interp);
	return 0;
}

/*
 * bprm_execve()'s permission checks: a regular file (a directory is
 * EACCES, as Linux's) with an execute bit, which root needs too.
 */
static int check_file(struct elf_image *img, const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return refuse(img, -EACCES, "is a directory");
	if (!S_ISREG(st->st_mode))
		return refuse(img, -EACCES, "not a regular file");
	if (!(st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) ||
	    (geteuid() && faccessat(img->fd, "", X_OK, AT_EACCESS | AT_EMPTY_PATH)))
		return refuse(img, -EACCES, "no execute permission");
	return 0;
}

/*
 * Check the executable open at @fd (a duplicate is kept); nothing of the
 * VM is needed yet.  0, or Linux's execve() errno: ENOEXEC (not an
 * executable this monitor can load; img->fatal when Linux would have
 * killed the program instead), EACCES; img->interp names a PT_INTERP.
 */
int elf_open_fd(struct elf_image *img, int fd, const char *path, bool report)
{
	char proc[64];
	struct stat st;
	size_t phsize;
	int err;

	memset(img, 0, sizeof(*img));
	img->path = path;
	img->report = report;
	img->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (img->fd < 0)
		return refuse(img, -errno, "%s", strerror(errno));
	err = fstat(img->fd, &st) ? refuse(img, -EACCES, "%s", strerror(errno)) :
	      check_file(img, &st);
	if (err)
		return err;
	img->size = st.st_size;
	if (read_at(img->fd, &img->eh, sizeof(img->eh), 0))
		return refuse(img, -ENOEXEC, "not an ELF executable (%s)",
			      img->size ? "too short" : "empty");
	err = check_ehdr(img);
	if (err)
		return err;
	phsize = (size_t)img->eh.e_phnum * sizeof(Elf64_Phdr);
	img->ph = malloc(phsize);
	if (!img->ph)
		return refuse(img, -ENOMEM, "out of memory");
	if (img->eh.e_phoff > (uint64_t)img->size ||
	    read_at(img->fd, img->ph, phsize, img->eh.e_phoff))
		return refuse(img, -ENOEXEC, "cannot read the ELF program headers (truncated?)");
	err = check_phdrs(img);
	if (err)
		return err;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", img->fd);
	img->realpath = realpath(proc, NULL);
	return 0;
}

void elf_close(struct elf_image *img)
{
	if (img->fd >= 0)
		close(img->fd);
	free(img->ph);
	free(img->realpath);
	free(img->interp);
	img->fd = -1;
	img->ph = NULL;
	img->realpath = NULL;
	img->interp = NULL;
}

/*
 * binfmt_script: a file starting "#!" names its interpreter and at most
 * one argument on its first line, within Linux's BINPRM_BUF_SIZE.
 * 1 and the two strings for a script, 0 for anything else, -ENOEXEC for a
 * #! line Linux refuses (no interpreter, or one cut off by the buffer).
 */
int elf_script(int fd, char *interp, size_t ilen, char *arg, size_t alen)
{
	char buf[BINPRM_BUF_SIZE + 1], *p, *end, *name;
	ssize_t n = pread(fd, buf, BINPRM_BUF_SIZE, 0);

	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return 0;
	buf[n] = 0;
	end = memchr(buf, '\n', n);
	if (!end) {
		/* the whole buffer is the line: fine only if the name ends in it */
		end = buf + n;
		for (p = buf + 2; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		while (p < end && *p != ' ' && *p != '\t' && *p)
			p++;
		if (p == end && n == BINPRM_BUF_SIZE)
			return -ENOEXEC;
	}
	*end = 0;
	while (end > buf + 2 && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = 0;
	for (p = buf + 2; *p == ' ' || *p == '\t'; p++)
		;
	if (!*p)
		return -ENOEXEC;
	name = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strlen(name) >= ilen || strlen(p) >= alen)
		return -ENOEXEC;
	strcpy(interp, name);
	strcpy(arg, p);
	return 1;
}

static int prot_of(uint32_t p_flags)
{
	return ((p_flags & PF_R) ? PROT_READ : 0) | ((p_flags & PF_W) ? PROT_WRITE : 0) |
	       ((p_flags & PF_X) ? PROT_EXEC : 0);
}

static int map_error(struct elf_image *img, long err)
{
	if (err == -ENOMEM)
		pr_err("%s: not enough guest memory to load it: raise --mem", img->path);
	else
		pr_err("%s: cannot map a segment: %s", img->path, strerror((int)-err));
	return -1;
}

/* one PT_LOAD: the file part, the zeroed tail of its last page, then bss */
static int map_segment(struct vmm *vmm, struct elf_image *img, struct file *file,
		       const Elf64_Phdr *ph)
{
	uint64_t start = img->bias + ph->p_vaddr, fend = start + ph->p_filesz;
	uint64_t mend = start + ph->p_memsz, zero_len;
	int prot = prot_of(ph->p_flags);
	long ret;

	if (ph->p_filesz) {
		ret = mm_mmap(vmm->cur->mm, page_down(start), PAGE_ALIGN(fend) - page_down(start),
			      prot, MAP_PRIVATE | MAP_FIXED, file, page_down(ph->p_offset));
		if (ret < 0)
			return map_error(img, ret);
	}
	if (ph->p_memsz <= ph->p_filesz)
		return 0;
	/* padzero(): the file page past p_filesz belongs to bss */
	zero_len = PAGE_ALIGN(fend) - fend;
	if (ph->p_filesz && zero_len && (prot & PROT_WRITE)) {
		static const uint8_t zeroes[PAGE_SIZE];

		if (zero_len > mend - fend)
			zero_len = mend - fend;
		if (mm_copy_to_user(vmm->cur->mm, fend, zeroes, zero_len))
			return map_error(img, -ENOMEM);
	}
	if (PAGE_ALIGN(mend) > PAGE_ALIGN(fend)) {
		ret = mm_mmap(vmm->cur->mm, PAGE_ALIGN(fend), PAGE_ALIGN(mend) - PAGE_ALIGN(fend),
			      prot, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, NULL, 0);
		if (ret < 0)
			return map_error(img, ret);
	}
	return 0;
}

static void set_layout(struct vmm *vmm, struct elf_image *img)
{
	struct mm_struct *mm = vmm->cur->mm;
	uint64_t start_code = ~0UL, end_code = 0, start_data = 0, end_data = 0, brk = 0;
	int i;

	for (i = 0; i < img->eh.e_phnum; i++) {
		const Elf64_Phdr *ph = &img->ph[i];
		uint64_t v = img->bias + ph->p_vaddr;

		if (ph->p_type != PT_LOAD)
			continue;
		if (v < start_code)
			start_code = v;
		if (start_data < v)
			start_data = v;
		if ((ph->p_flags & PF_X) && end_code < v + ph->p_filesz)
			end_code = v + ph->p_filesz;
		if (end_data < v + ph->p_filesz)
			end_data = v + ph->p_filesz;
		if (brk < v + ph->p_memsz)
			brk = v + ph->p_memsz;
	}
	mm->start_code = start_code;
	mm->end_code = end_code;
	mm->start_data = start_data;
	mm->end_data = end_data;
	mm_set_brk_base(mm, brk);
}

/* where the program headers are in memory (AT_PHDR) */
static uint64_t phdr_addr(struct elf_image *img)
{
	int i;

	for (i = 0; i < img->eh.e_phnum; i++)
		if (img->ph[i].p_type == PT_PHDR)
			return img->bias + img->ph[i].p_vaddr;
	for (i = 0; i < img->eh.e_phnum; i++) {
		const Elf64_Phdr *ph = &img->ph[i];

		if (ph->p_type == PT_LOAD && ph->p_offset <= img->eh.e_phoff &&
		    img->eh.e_phoff < ph->p_offset + ph->p_filesz)
			return img->bias + ph->p_vaddr + (img->eh.e_phoff - ph->p_offset);
	}
	return 0;
}

static uint64_t first_vaddr(struct elf_image *img)
{
	uint64_t lo = ~0UL;
	int i;

	for (i = 0; i < img->eh.e_phnum; i++)
		if (img->ph[i].p_type == PT_LOAD && img->ph[i].p_vaddr < lo)
			lo = img->ph[i].p_vaddr;
	return page_down(lo);
}

/* push @s just below *sp; returns its guest address, 0 on fault */
static uint64_t push_string(struct vmm *vmm, uint64_t *sp, const char *s)
{
	size_t n = strlen(s) + 1;

	*sp -= n;
	if (mm_copy_to_user(vmm->cur->mm, *sp, s, n))
		return 0;
	return *sp;
}

static int count_strings(char **v)
{
	int n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* Linux's create_elf_tables(): strings at the top, then auxv, envp, argv, argc */
static int build_stack(struct vmm *vmm, struct elf_image *img, uint64_t stack_top,
		       char **argv, char **envp, uint64_t *sp_out)
{
	int argc = count_strings(argv), envc = count_strings(envp), i, n = 0;
	uint64_t sp = stack_top - 8, execfn, platform, random, *vec, *auxv;
	unsigned int a, b, c, d = 0;
	uint8_t rnd[16];
	size_t nvec;
	int ret = -1;

	nvec = 1 + argc + 1 + envc + 1 + 2 * AUXV_MAX;
	vec = calloc(nvec, 8);
	if (!vec)
		return -1;
	execfn = push_string(vmm, &sp, img->path);
	vmm->cur->env_end = sp;
	for (i = envc - 1; i >= 0; i--)
		if (!(vec[1 + argc + 1 + i] = push_string(vmm, &sp, envp[i])))
			goto out;
	vmm->cur->env_start = vmm->cur->arg_end = sp;
	for (i = argc - 1; i >= 0; i--)
		if (!(vec[1 + i] = push_string(vmm, &sp, argv[i])))
			goto out;
	vmm->cur->arg_start = sp;
	platform = push_string(vmm, &sp, "x86_64");
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		memset(rnd, 0x5a, sizeof(rnd));
	sp = (sp - sizeof(rnd)) & ~15UL;
	random = sp;
	if (!execfn || !platform || mm_copy_to_user(vmm->cur->mm, random, rnd, sizeof(rnd)))
		goto out;
	__get_cpuid(1, &a, &b, &c, &d);

	vec[0] = argc;
	auxv = &vec[1 + argc + 1 + envc + 1];
#define AUX(type, val) do { auxv[n++] = (type); auxv[n++] = (val); } while (0)
	AUX(AT_HWCAP, d);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PHDR, phdr_addr(img));
	AUX(AT_PHENT, sizeof(Elf64_Phdr));
	AUX(AT_PHNUM, img->eh.e_phnum);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, img->bias + img->eh.e_entry);
	AUX(AT_UID, getuid());
	AUX(AT_EUID, geteuid());
	AUX(AT_GID, getgid());
	AUX(AT_EGID, getegid());
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, random);
	AUX(AT_HWCAP2, 0);
	AUX(AT_EXECFN, execfn);
	AUX(AT_PLATFORM, platform);
	AUX(AT_NULL, 0);
#undef AUX
	nvec = 1 + argc + 1 + envc + 1 + n;
	/* the ABI wants RSP 16-byte aligned at the entry point, pointing at argc */
	sp = (sp - nvec * 8) & ~15UL;
	if (mm_copy_to_user(vmm->cur->mm, sp, vec, nvec * 8))
		goto out;
	*sp_out = sp;
	ret = 0;
out:
	if (ret)
		pr_err("%s: arguments and environment do not fit on the stack", img->path);
	free(vec);
	return ret;
}

/*
 * Linux's setup_arg_pages(): the stack VMA covers the pages holding the
 * strings, plus 128 KiB below them.
 */
static uint64_t initial_stack_size(struct elf_image *img, uint64_t stack_top,
				   char **argv, char **envp)
{
	uint64_t p = stack_top - 8 - strlen(img->path) - 1;
	int i;

	for (i = 0; argv && argv[i]; i++)
		p -= strlen(argv[i]) + 1;
	for (i = 0; envp && envp[i]; i++)
		p -= strlen(envp[i]) + 1;
	return stack_top - page_down(p) + STACK_INIT_SIZE;
}

int elf_load(struct vmm *vmm, struct elf_image *img, char **argv, char **envp)
{
	struct iret_frame *f = trap_frame(vmm);
	uint64_t stack_top = TASK_SIZE, sp;
	struct file *file;
	long ret;
	int i;

	if (img->eh.e_type == ET_DYN)
		img->bias = ELF_ET_DYN_BASE - first_vaddr(img);
	/* the executable's page cache is the one read(2) and other mappings use */
	file = ftab_open(vmm, img->fd, img->realpath ? img->realpath : img->path, FMODE_READ);
	if (!file) {
		pr_err("%s: cannot open it for mapping", img->path);
		return -1;
	}
	for (i = 0; i < img->eh.e_phnum; i++) {
		if (img->ph[i].p_type != PT_LOAD)
			continue;
		if (map_segment(vmm, img, file, &img->ph[i]))
			goto fail;
	}
	fput(file);
	file = NULL;
	set_layout(vmm, img);
	ret = mm_setup_stack(vmm->cur->mm, initial_stack_size(img, stack_top, argv, envp));
	if (ret < 0) {
		map_error(img, ret);
		return -1;
	}
	if (build_stack(vmm, img, stack_top, argv, envp, &sp))
		return -1;
	vmm->cur->mm->start_stack = sp;
	f->rip = img->bias + img->eh.e_entry;
	f->cs = 0x33;
	f->rflags = 0x202;
	f->rsp = sp;
	f->ss = 0x2b;
	return 0;
fail:
	fput(file);
	return -1;
}
