// SPDX-License-Identifier: GPL-2.0
/*
 * Files made from the MMU's and the monitor's state, at Linux's /proc
 * paths (fs/proc/): generated when opened, and again by a read from 0.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fs.h"

/* the lines of /proc/PID/status before and after the memory ones (fs/proc/array.c) */
static char *proc_status(struct vmm *vmm)
{
	struct process *p = vmm->cur;
	char *mem = mm_show_status(p->mm), *text = NULL;
	mode_t um = umask(0);
	uint64_t ign = 0, cgt = 0;
	int i;

	umask(um);
	for (i = 1; i < NR_SIGNALS; i++) {
		if (p->sig.action[i].handler == (uint64_t)SIG_IGN)
			ign |= 1ULL << (i - 1);
		else if (p->sig.action[i].handler != (uint64_t)SIG_DFL)
			cgt |= 1ULL << (i - 1);
	}
	if (!mem)
		return NULL;
	if (asprintf(&text,
		     "Name:\t%s\nUmask:\t%04o\nState:\tR (running)\nTgid:\t%d\nNgid:\t0\n"
		     "Pid:\t%d\nPPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\n"
		     "Gid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\n%sThreads:\t1\n"
		     "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n"
		     "SigIgn:\t%016llx\nSigCgt:\t%016llx\n",
		     p->comm, um, p->pid, p->pid, p->ppid, getuid(), geteuid(), geteuid(),
		     geteuid(), getgid(), getegid(), getegid(), getegid(), 64, mem,
		     (unsigned long long)p->sig.pending,
		     (unsigned long long)p->sig.shared_pending,
		     (unsigned long long)p->sig.blocked, (unsigned long long)ign,
		     (unsigned long long)cgt) < 0)
		text = NULL;
	free(mem);
	return text;
}

/*
 * /proc/vmm/stats is the monitor's own file, not Linux's: its counters, one
 * "name value" per line, for programs that count the exits they cause
 * (guest/bench.c reads it before and after each measurement).  Natively
 * the file does not exist.
 */
static char *proc_vmm_stats(struct vmm *vmm)
{
	const struct zone_stats *zs = &vmm->zone->stats;
	uint64_t exits = 0;
	char *text;
	int i;

	for (i = 0; i < NR_EXIT_REASONS; i++)
		exits += vmm->stats.exits[i];
	if (asprintf(&text,
		     "exits %" PRIu64 "\nsyscalls %" PRIu64 "\nfaults %" PRIu64 "\n"
		     "hypercalls %" PRIu64 "\ncommit_chunks %" PRIu64 "\n"
		     "allocs %" PRIu64 "\npgprefault %" PRIu64 "\nthp_fault_alloc %" PRIu64 "\n"
		     "thp_fault_fallback %" PRIu64 "\nthp_split_pmd %" PRIu64 "\n"
		     "prezero_hits %" PRIu64 "\nprezero_misses %" PRIu64 "\n",
		     exits, vmm->stats.syscalls, vmm->stats.exceptions[14],
		     vmm->stats.hypercalls, vmm->stats.commit_chunks, zs->allocs,
		     zs->pgprefault, zs->thp_fault_alloc, zs->thp_fault_fallback,
		     zs->thp_split_pmd, zs->prezero_hits, zs->prezero_misses) < 0)
		return NULL;
	return text;
}

int proc_generate(struct vmm *vmm, struct vfile *vf)
{
	char *text = NULL;

	switch (vf->proc_id) {
	case PROC_MAPS:
		text = mm_show_maps(vmm->cur->mm);
		break;
	case PROC_SMAPS:
		text = mm_show_smaps(vmm->cur->mm);
		break;
	case PROC_STATUS:
		text = proc_status(vmm);
		break;
	case PROC_MEMINFO:
		/* the guest's memory, not the host's: MemTotal is --mem */
		text = zone_show_meminfo(vmm->zone);
		break;
	case PROC_MMAP_MIN_ADDR:
		if (asprintf(&text, "%" PRIu64 "\n", vmm->zone->dac_mmap_min_addr) < 0)
			text = NULL;
		break;
	case PROC_MAX_MAP_COUNT:
		if (asprintf(&text, "%" PRIu64 "\n", vmm->zone->max_map_count) < 0)
			text = NULL;
		break;
	case PROC_OVERCOMMIT:
		if (asprintf(&text, "%d\n", vmm->zone->overcommit_memory) < 0)
			text = NULL;
		break;
	case PROC_VMM_STATS:
		text = proc_vmm_stats(vmm);
		break;
	}
	if (!text)
		return -ENOMEM;
	free(vf->text);
	vf->text = text;
	vf->text_len = strlen(text);
	return 0;
}

/*
 * The target of a /proc symlink at @path (absolute, as the program sees
 * it), copied to @buf (not terminated); its length, or -ENOENT.
 */
long procfs_readlink(struct vmm *vmm, const char *path, char *buf, size_t len)
{
	size_t n;

	if (strcmp(path, "/proc/self/exe"))
		return -ENOENT;
	n = strlen(vmm->cur->exe_path);
	if (n > len)
		n = len;
	memcpy(buf, vmm->cur->exe_path, n);
	return n;
}

/* like seq_file: a read from the start sees the current state */
static ssize_t proc_read(struct vmm *vmm, struct vfile *vf, void *buf, size_t n, off_t pos)
{
	uint64_t p = pos < 0 ? vf->pos : (uint64_t)pos;
	size_t got;

	if (p == 0 && proc_generate(vmm, vf))
		return -ENOMEM;
	if (!vf->text || p >= vf->text_len)
		return 0;
	got = vf->text_len - p < n ? vf->text_len - p : n;
	memcpy(buf, vf->text + p, got);
	if (pos < 0)
		vf->pos += got;
	return got;
}

static int proc_stat(struct vmm *vmm, struct vfile *vf, struct stat *st)
{
	stat_synth(vf, st);
	st->st_mode = S_IFREG | 0444;
	st->st_blksize = 1024;
	st->st_dev = makedev(0, 22);
	return 0;
}

const struct vfile_ops proc_ops = {
	.kind	= VF_PROC,
	.read	= proc_read,
	.stat	= proc_stat,
};
