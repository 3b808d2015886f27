// SPDX-License-Identifier: GPL-2.0
/*
 * ./vmm [options] program [args...]: run a static x86-64 Linux program in a
 * KVM guest whose page tables belong to the MMU library.  The exit status
 * is the program's, or 128 + the signal that killed it; the monitor's own
 * are below (EXIT_*), each with one line on stderr saying why.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"
#include "elf_load.h"
#include "platform.h"

#define FALLBACK_MEM	(1ULL << 30)	/* the default when /proc/meminfo says nothing */
#define DEFAULT_MEM_MAX	(64ULL << 30)
#define MIN_MEM		(4ULL << 20)
#define MAX_MEM		(512ULL << 30)	/* what one PUD table of the direct map covers */

/* the monitor's own exit statuses, as a shell's and timeout(1)'s */
#define EXIT_USAGE	2	/* a bad option or option value */
#define EXIT_BUG	70	/* a monitor bug found at exit (EX_SOFTWARE) */
#define EXIT_TIMEOUT	124	/* --timeout ran out */
#define EXIT_NOEXEC	126	/* the program cannot be executed: refused */
#define EXIT_NOTFOUND	127	/* the program does not exist */
#define EXIT_SIGNAL	128	/* + the signal (SIGINT, SIGTERM, SIGHUP) that ended the monitor */

extern char **environ;

/* --fault-around: the zone's two knobs, set once the zone exists */
static bool fault_around_set;
static uint64_t fault_around;
/* --thp: the zone's thp_mode, or -1 for the zone's default (madvise) */
static int thp_mode = -1;
/* --timeout: seconds of wall-clock time, 0 for none */
static double timeout_s;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmm [options] program [args...]\n"
		"  --mem SIZE       guest memory, a hard limit, e.g. 256M, 2G (default: the\n"
		"                   host's MemTotal, at most 64G; reserved as the guest uses it)\n"
		"  --root DIR       the directory the program sees as /, as under chroot\n"
		"                   (default /: the host's file system, as the invoking user)\n"
		"  --trace          print system calls and page faults on stderr\n"
		"  --maps           print the program's maps when it exits\n"
		"  --stats          print exit, fault and commit counters when it exits\n"
		"                   (also when --timeout or a signal ends it)\n"
		"  --timeout SECS   end the program after SECS seconds (status 124)\n"
		"  --trace-file FILE  --trace into FILE, every line with its pid\n"
		"                   (as strace -f -o FILE)\n"
		"  --check          run the MMU's invariant checker after every exit\n"
		"  --vcpus N        at most N vCPUs, each on a host thread, started as\n"
		"                   runnable threads and processes need them (default 8\n"
		"                   with at least 256M of --mem, else 1; at most 64)\n"
		"  --swap SIZE      a swap area of SIZE for reclaim, e.g. 256M (default none)\n"
		"  --pku on|off     protection keys for the guest where KVM offers them\n"
		"                   (default on); off: a CPU without them\n"
		"  --inject SPEC    fail an injection point, POINT[:knob=value,...]; repeatable;\n"
		"                   --inject list names the points and the knobs\n"
		"  --seed N         the seed of the injections' random choices (default 1)\n"
		"  --platform auto|npt|shadow  the commit protocol: probe this KVM at start\n"
		"                   (auto, the default), or nested paging (EPT/NPT: the\n"
		"                   host writes page-table entries, the guest only\n"
		"                   invalidates; refused where the probe finds shadow\n"
		"                   paging), or shadow paging (the guest re-writes them)\n"
		"  --exit-floor N   time N hypercall round trips first, from ring 0 and\n"
		"                   (with --fast-exit) from ring 3; the results are passed\n"
		"                   to the program as VMM_EXIT_FLOOR and VMM_USER_EXIT_FLOOR\n"
		"fast paths (--fast-paths off turns every one off, whatever the other\n"
		"options say; the defaults keep what a program sees as under Linux):\n"
		"  --fast-exit on|off  SYSCALL reports straight from an entry page at LSTAR,\n"
		"                   and traps return to ring 3 without IRET when they can\n"
		"  --batch on|off   hand a whole commit to the guest per exit (off: one\n"
		"                   page-table entry per exit)\n"
		"  --prezero on|off a host thread zeroes free frames while the guest runs\n"
		"  --host-thp on|off  guest memory on the host's transparent huge pages\n"
		"  --shared-faults on|off  first touches of anonymous memory served\n"
		"                   without the monitor lock, several vCPUs at once\n"
		"  --ring3-commit on|off  large commits written at CPL 3 by a helper in\n"
		"                   an address space of the monitor's (needs --fast-exit)\n"
		"  --fault-around SIZE  map up to SIZE around each fault: 0, or a power of\n"
		"                   two from 4K to 2M (default 64K for file read faults,\n"
		"                   as Linux; anonymous and copy-on-write faults too only\n"
		"                   when given)\n"
		"  --thp always|madvise|never  2 MiB pages for anonymous memory: always, only\n"
		"                   where madvise(MADV_HUGEPAGE) asked (default, as Linux's\n"
		"                   transparent_hugepage/enabled here), or never\n"
		"  --fast-paths on|off\n"
		"  --help           this text\n"
		"exit status: the program's, or 128 + the signal that killed it; the\n"
		"monitor's own: 2 a bad option, 124 --timeout ran out, 126 the program\n"
		"cannot be executed (not an executable it can load), 127 no such program,\n"
		"128 + N the monitor got signal N (SIGINT, SIGTERM, SIGHUP), 70 a monitor\n"
		"bug found at exit; each with one line on stderr\n");
}

static int parse_on_off(const char *opt, const char *arg, bool *out)
{
	if (!strcmp(arg, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(arg, "off")) {
		*out = false;
		return 0;
	}
	pr_err("%s %s: say on or off", opt, arg);
	return -1;
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 0: break;
	default: return -1;
	}
	if ((*end == 'b' || *end == 'B') && shift)
		end++;
	if (*end || v > (~0ULL >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* the on|off switches of the fast paths, by option character */
static bool *fast_path_switch(struct vmm *vmm, int c, const char **name)
{
	switch (c) {
	case 'X': *name = "--fast-exit"; return &vmm->fast_exit;
	case 'B': *name = "--batch"; return &vmm->batch;
	case 'Z': *name = "--prezero"; return &vmm->prezero;
	case 'R': *name = "--ring3-commit"; return &vmm->ring3_commit;
	case 'H': *name = "--host-thp"; return &vmm->host_thp;
	case 'Q': *name = "--shared-faults"; return &vmm->shared_faults;
	case 'P': *name = "--fast-paths"; return &vmm->fast_paths;
	}
	return NULL;
}

/*
 * The default --mem: the host's MemTotal, so that a program may map and
 * touch what it could natively under Linux's heuristic overcommit, which
 * refuses only a single mapping larger than RAM and swap.  Guest memory
 * is reserved lazily (kvm.c) and frames are described as they are used
 * (mm/page_alloc.c), so a large default costs only KVM's per-frame
 * metadata; DEFAULT_MEM_MAX bounds that on a large host.
 */
static uint64_t default_mem_size(void)
{
	unsigned long long kb;
	char line[128];
	uint64_t size = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return FALLBACK_MEM;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1) {
			size = (uint64_t)kb << 10;
			break;
		}
	fclose(f);
	if (size < FALLBACK_MEM)
		return FALLBACK_MEM;
	return size < DEFAULT_MEM_MAX ? size : DEFAULT_MEM_MAX;
}

static int parse_args(struct vmm *vmm, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "root", required_argument, NULL, 'r' },
		{ "trace", no_argument, NULL, 't' },
		{ "trace-file", required_argument, NULL, 'o' },
		{ "maps", no_argument, NULL, 'M' },
		{ "stats", no_argument, NULL, 's' },
		{ "check", no_argument, NULL, 'c' },
		{ "vcpus", required_argument, NULL, 'v' },
		{ "exit-floor", required_argument, NULL, 'F' },
		{ "swap", required_argument, NULL, 'S' },
		{ "inject", required_argument, NULL, 'i' },
		{ "seed", required_argument, NULL, 'e' },
		{ "fast-exit", required_argument, NULL, 'X' },
		{ "batch", required_argument, NULL, 'B' },
		{ "prezero", required_argument, NULL, 'Z' },
		{ "fast-paths", required_argument, NULL, 'P' },
		{ "host-thp", required_argument, NULL, 'H' },
		{ "shared-faults", required_argument, NULL, 'Q' },
		{ "ring3-commit", required_argument, NULL, 'R' },
		{ "fault-around", required_argument, NULL, 'A' },
		{ "thp", required_argument, NULL, 'T' },
		{ "pku", required_argument, NULL, 'K' },
		{ "timeout", required_argument, NULL, 'O' },
		{ "platform", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name;
	bool *flag;
	int c;

	vmm->mem_size = default_mem_size();
	vmm->fast_exit = vmm->batch = vmm->prezero = vmm->host_thp = true;
	vmm->ring3_commit = vmm->fast_paths = vmm->shared_faults = true;
	vmm->pku_allowed = true;
	vmm->root = "/";
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		flag = fast_path_switch(vmm, c, &name);
		if (flag) {
			if (parse_on_off(name, optarg, flag))
				return -1;
			continue;
		}
		switch (c) {
		case 'm':
			if (parse_size(optarg, &vmm->mem_size)) {
				pr_err("--mem %s: not a size (try 256M or 2G)", optarg);
				return -1;
			}
			break;
		case 'p':
			if (platform_parse(vmm, optarg))
				return -1;
			break;
		case 'r':
			vmm->root = optarg;
			break;
		case 't':
			vmm->trace = true;
			if (!vmm->trace_out)
				vmm->trace_out = stderr;
			break;
		case 'o':
			if (vmm->trace_file)
				fclose(vmm->trace_out);
			vmm->trace_out = fopen(optarg, "we");
			if (!vmm->trace_out) {
				pr_err("--trace-file %s: %s", optarg, strerror(errno));
				return -1;
			}
			setvbuf(vmm->trace_out, NULL, _IOLBF, 0);
			vmm->trace = vmm->trace_file = true;
			break;
		case 'M':
			vmm->show_maps = true;
			break;
		case 's':
			vmm->show_stats = true;
			break;
		case 'c':
			vmm->check = true;
			break;
		case 'v': {
			char *end;
			long n;

			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 1 || n > MAX_VCPUS) {
				pr_err("--vcpus %s: a number of vCPUs from 1 to %d", optarg,
				       MAX_VCPUS);
				return -1;
			}
			vmm->max_vcpus = (int)n;
			break;
		}
		case 'F':
			if (parse_size(optarg, &vmm->bench_floor)) {
				pr_err("--exit-floor %s: not a count", optarg);
				return -1;
			}
			break;
		case 'A':
			if (parse_size(optarg, &fault_around) || (fault_around &&
			    (fault_around & (fault_around - 1) || fault_around < 4096 ||
			     fault_around > PMD_SIZE))) {
				pr_err("--fault-around %s: 0, or a power of two from 4K to 2M", optarg);
				return -1;
			}
			fault_around_set = true;
			break;
		case 'T':
			thp_mode = !strcmp(optarg, "always") ? THP_ALWAYS :
				   !strcmp(optarg, "madvise") ? THP_MADVISE :
				   !strcmp(optarg, "never") ? THP_NEVER : -1;
			if (thp_mode < 0) {
				pr_err("--thp %s: always, madvise or never", optarg);
				return -1;
			}
			break;
		case 'K':
			if (parse_on_off("--pku", optarg, &vmm->pku_allowed))
				return -1;
			break;
		case 'S':
			if (reclaim_parse_swap(optarg, parse_size))
				return -1;
			break;
		case 'i':
			if (inject_parse(optarg))
				return -1;
			break;
		case 'e':
			if (inject_parse_seed(optarg))
				return -1;
			break;
		case 'O': {
			char *end;

			errno = 0;
			timeout_s = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(timeout_s) ||
			    timeout_s <= 0 || timeout_s > 1e8) {
				pr_err("--timeout %s: not a number of seconds (try 10 or 0.5)", optarg);
				return -1;
			}
			break;
		}
		case 'h':
			usage(stdout);
			exit(0);
		case ':':
			pr_err("%s: needs a value (see --help)", argv[optind - 1]);
			return -1;
		default:
			pr_err("%s: unknown option (see --help)", argv[optind - 1]);
			return -1;
		}
	}
	if (optind >= argc) {
		pr_err("no program to run (usage: vmm [options] program [args...]; see --help)");
		return -1;
	}
	vmm->mem_size &= ~(PMD_SIZE - 1);
	if (vmm->mem_size < MIN_MEM) {
		pr_err("--mem is too small: the guest needs at least %lluM",
		       MIN_MEM >> 20);
		return -1;
	}
	if (vmm->mem_size > MAX_MEM) {
		pr_err("--mem is too large: at most %lluG", MAX_MEM >> 30);
		return -1;
	}
	/* each vCPU's copy of the monitor's frames costs KERN_PERCPU_SIZE */
	if (!vmm->max_vcpus)
		vmm->max_vcpus = vmm->mem_size >= SMP_MIN_MEM ? DEFAULT_VCPUS : 1;
	return optind;
}

/*
 * Ending the monitor from outside: --timeout, SIGINT, SIGTERM, SIGHUP.
 * The handler only records why and makes KVM_RUN return (immediate_exit,
 * and the vCPU's signal mask lets these through); the run loop then stops
 * at the next exit with every process torn down as at a normal end, and a
 * periodic kick interrupts a host call the monitor may be blocked in
 * (a guest's read or nanosleep, a deadlock's pause) until it has.
 */
static volatile sig_atomic_t stop_signal;	/* the signal, or SIGALRM for --timeout */
static struct vmm *stop_vmm;
static timer_t stop_timer;
static bool stop_timer_made;

static void stop_handler(int sig, siginfo_t *si, void *uc)
{
	static const struct itimerspec kick = { { 0, 50000000 }, { 0, 50000000 } };
	struct vmm *vmm = stop_vmm;

	(void)uc;
	if (!stop_signal) {
		stop_signal = si->si_code == SI_TIMER ? SIGALRM : sig;
		if (stop_timer_made)
			timer_settime(stop_timer, 0, &kick, NULL);
	}
	if (vmm) {
		int i;

		vmm->done = true;
		if (vmm->run)
			vmm->run->immediate_exit = 1;
		for (i = 0; i < vmm->nr_vcpus; i++)
			if (vmm->cpus[i]->run)
				vmm->cpus[i]->run->immediate_exit = 1;
	}
}

/*
 * The signal state the monitor was started with, before it changes any:
 * execve() keeps ignored signals ignored and the mask (signal(7)), so the
 * first process starts with them, as the program run directly would
 * (`nohup`, a background job's SIGINT and SIGQUIT, a blocking parent).
 */
static void start_signals(struct vmm *vmm)
{
	/* the kernel's struct sigaction: glibc's refuses its own signals 32 and 33 */
	struct { uint64_t handler, flags, restorer, mask; } old;
	uint64_t mask;
	int sig;

	for (sig = 1; sig < NR_SIGNALS; sig++)
		if (!syscall(SYS_rt_sigaction, sig, NULL, &old, sizeof(old.mask)) &&
		    old.handler == (uint64_t)SIG_IGN)
			vmm->start_ignored |= SIG_BIT(sig);
	if (!syscall(SYS_rt_sigprocmask, SIG_SETMASK, NULL, &mask, sizeof(mask)))
		vmm->start_blocked = mask;
}

/*
 * SIGINT, SIGTERM and SIGHUP stop the program and the monitor (the README
 * lists the statuses), even where the shell ignored SIGINT for a
 * background job; a SIGHUP ignored at start stays ignored, so that
 * `nohup vmm` outlives its terminal as `nohup prog` does.
 */
static int stop_setup(struct vmm *vmm)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_sigaction = stop_handler, .sa_flags = SA_SIGINFO };
	/* to this thread, the vCPU's, whichever thread a signal from outside hits */
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGRTMIN };
	struct itimerspec its = { { 0, 50000000 }, { 0, 0 } };
	unsigned int i;

	stop_vmm = vmm;
	sev._sigev_un._tid = gettid();
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	sigaddset(&sa.sa_mask, SIGRTMIN);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigs[i] == SIGHUP && (vmm->start_ignored & SIG_BIT(SIGHUP)))
			continue;
		if (sigaction(sigs[i], &sa, NULL))
			return -1;
	}
	if (sigaction(SIGRTMIN, &sa, NULL) ||
	    timer_create(CLOCK_MONOTONIC, &sev, &stop_timer)) {
		pr_err("cannot set up --timeout: %s", strerror(errno));
		return -1;
	}
	stop_timer_made = true;
	if (timeout_s > 0) {
		its.it_value.tv_sec = (time_t)timeout_s;
		its.it_value.tv_nsec = (long)((timeout_s - (double)its.it_value.tv_sec) * 1e9);
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
		if (timer_settime(stop_timer, 0, &its, NULL)) {
			pr_err("cannot set up --timeout: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* before the VM goes: no handler may touch it any more */
static void stop_quiesce(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGRTMIN);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (stop_timer_made)
		timer_delete(stop_timer);
	stop_timer_made = false;
	stop_vmm = NULL;
}

/* what ended the run from outside, in one line, and its status */
static int stop_status(void)
{
	int sig = stop_signal;

	if (sig == SIGALRM) {
		pr_info("timeout: the program ran for more than %g s; stopped (status %d)",
			timeout_s, EXIT_TIMEOUT);
		return EXIT_TIMEOUT;
	}
	pr_info("got %s: the program was stopped (status %d)",
		sigabbrev_np(sig) ? sigabbrev_np(sig) : "a signal", EXIT_SIGNAL + sig);
	return EXIT_SIGNAL + sig;
}

static int open_root(struct vmm *vmm)
{
	char *real = realpath(vmm->root, NULL);

	vmm->root_fd = real ? open(real, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	if (vmm->root_fd < 0) {
		pr_err("--root %s: %s (the directory the program sees as /)", vmm->root,
		       strerror(errno));
		free(real);
		return -1;
	}
	vmm->root = real;
	/*
	 * /tmp works under any root: a root without one gets an empty one
	 * (mode 1777) for the run, removed at the end if the program left it
	 * empty.  A read-only root stays without.
	 */
	if (strcmp(real, "/") && faccessat(vmm->root_fd, "tmp", F_OK, AT_SYMLINK_NOFOLLOW) &&
	    errno == ENOENT && !mkdirat(vmm->root_fd, "tmp", 01777)) {
		fchmodat(vmm->root_fd, "tmp", 01777, 0);	/* whatever the umask */
		vmm->made_tmp = true;
	}
	return 0;
}

static void init_rlimits(struct vmm *vmm)
{
	struct rlimit rl;
	int i;

	for (i = 0; i < RLIM_NLIMITS && i < 16; i++) {
		if (getrlimit(i, &rl))
			rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
		vmm->cur->rlim[i][0] = rl.rlim_cur;
		vmm->cur->rlim[i][1] = rl.rlim_max;
	}
	/* the descriptor table holds MAX_FDS: the guest's RLIMIT_NOFILE says so */
	for (i = 0; i < 2; i++)
		if (vmm->cur->rlim[RLIMIT_NOFILE][i] > MAX_FDS)
			vmm->cur->rlim[RLIMIT_NOFILE][i] = MAX_FDS;
	/* the memory limits the MMU enforces start as the monitor's own */
	getrlimit(RLIMIT_STACK, &rl);
	mm_set_rlimit(vmm->cur->mm, MM_RLIMIT_STACK, rl.rlim_cur, rl.rlim_max);
	getrlimit(RLIMIT_AS, &rl);
	mm_set_rlimit(vmm->cur->mm, MM_RLIMIT_AS, rl.rlim_cur, rl.rlim_max);
	getrlimit(RLIMIT_DATA, &rl);
	mm_set_rlimit(vmm->cur->mm, MM_RLIMIT_DATA, rl.rlim_cur, rl.rlim_max);
	getrlimit(RLIMIT_MEMLOCK, &rl);
	mm_set_rlimit(vmm->cur->mm, MM_RLIMIT_MEMLOCK, rl.rlim_cur, rl.rlim_max);
}

/* the environment, plus VMM_EXIT_FLOOR when --exit-floor measured it */
static char **guest_env(struct vmm *vmm, char *floor_var, char *user_floor_var)
{
	int n = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 3, sizeof(*env));
	if (!env)
		die("out of memory");
	memcpy(env, environ, n * sizeof(*env));
	if (vmm->bench_floor) {
		env[n] = floor_var;
		if (user_floor_var[0])
			env[n + 1] = user_floor_var;
	}
	return env;
}

static int start_vm(struct vmm *vmm)
{
	struct mm_layout layout = { 0 };

	if (!vmm->fast_paths) {
		vmm->fast_exit = vmm->batch = vmm->prezero = vmm->host_thp = false;
		vmm->ring3_commit = vmm->shared_faults = false;
	}
	if (smp_init(vmm) || kvm_init(vmm) || cpu_setup(vmm) || smp_setup_vcpu0(vmm) ||
	    platform_setup(vmm) || reclaim_setup(vmm))
		return -1;
	if (fault_around_set) {
		vmm->zone->fault_around_bytes = fault_around;
		vmm->zone->fault_around_anon_bytes = fault_around;
	}
	if (thp_mode >= 0)
		vmm->zone->thp_mode = (enum thp_mode)thp_mode;
	/* the MMU models the CPU the guest gets: Linux on it (CPUID.7.ECX.PKU) */
	vmm->zone->cpu_pkeys = vmm->has_pku;
	if (!vmm->fast_paths) {
		vmm->zone->fault_around_bytes = 0;
		vmm->zone->fault_around_anon_bytes = 0;
		vmm->zone->thp_mode = THP_NEVER;
	}
	if (!process_first(vmm))
		return -1;
	vmm->cur->mm = mm_create(vmm->zone, &layout);
	if (!vmm->cur->mm) {
		pr_err("cannot create the address space: raise --mem");
		return -1;
	}
	if (cpu_load_mm(vmm))
		return -1;
	vmm->cur->on_cpu = this_vcpu();
	vmm->loaded_mm = vmm->cur->mm;
	memset(&vmm->run->s.regs.regs, 0, sizeof(vmm->run->s.regs.regs));
	vmm->run->s.regs.regs.rflags = 0x2;
	vmm->run->kvm_dirty_regs = KVM_SYNC_X86_REGS;
	init_rlimits(vmm);
	fs_init(vmm);
	/* the guest's umask is the process's own; the monitor creates with exactly it */
	vmm->cur->fs->umask = umask(0);
	cwd_init(vmm, vmm->cur);
	signal_init(vmm);
	/* the first program starts as after execve: init FPU state, init PKRU */
	fpu_reset(vmm);
	return 0;
}

/*
 * Tear everything down; once every address space and file is gone the
 * zone must hold nothing but the monitor's frames.  A frame still in use
 * is the monitor's or the MMU's leak: -1.
 */
static int stop_vm(struct vmm *vmm)
{
	char err[256];
	int ret = 0;

	if (vmm->procs)
		vmm_exit_all(vmm);
	ftab_exit(vmm);
	if (vmm->zone && validate_zone_empty(vmm->zone, err, sizeof(err))) {
		pr_err("monitor bug: frames leaked at exit: %s", err);
		ret = -1;
	}
	if (vmm->zone)
		zone_destroy(vmm->zone);
	kvm_exit_vm(vmm);
	if (vmm->made_tmp)
		unlinkat(vmm->root_fd, "tmp", AT_REMOVEDIR);
	if (vmm->root_fd >= 0) {
		close(vmm->root_fd);
		free((char *)vmm->root);	/* realpath()'s, see open_root() */
	}
	return ret;
}

/* the program's argv, each string the monitor's own (a script's grows) */
static char **copy_argv(char **argv)
{
	int n = 0, i;
	char **v;

	while (argv[n])
		n++;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		die("out of memory");
	for (i = 0; i < n; i++)
		if (!(v[i] = strdup(argv[i])))
			die("out of memory");
	return v;
}

static void free_argv(char **v)
{
	int i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/*
 * A script's interpreter runs in the guest and opens the script by the
 * name it is given: the script's path under --root, which it must be in.
 */
static int guest_path(struct vmm *vmm, int hfd, char *path, size_t len)
{
	char proc[64], *real;
	size_t n = strlen(vmm->root);
	int ret = -1;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", hfd);
	real = realpath(proc, NULL);
	if (real && !strncmp(real, vmm->root, n) && (real[n] == '/' || !strcmp(vmm->root, "/")) &&
	    strlen(real + n) < len) {
		strcpy(path, strcmp(vmm->root, "/") ? real + n : real);
		ret = 0;
	} else {
		pr_err("%s: a #! script outside --root %s: its interpreter could not open it",
		       path, vmm->root);
	}
	free(real);
	return ret;
}

/*
 * The program: a host path, as given; a #! script's interpreter is looked
 * up under --root, as the guest's execve would.  Refusals say why in one
 * line: EXIT_NOTFOUND when the program is not there, EXIT_NOEXEC otherwise.
 */
static int open_program(struct vmm *vmm, const char *argv0, char *path, size_t len,
			char ***gargv, struct elf_image *img)
{
	char interp[BINPRM_BUF_SIZE], arg[BINPRM_BUF_SIZE];
	int hfd;

	if (strlen(argv0) >= len) {
		pr_err("%s: %s", argv0, strerror(ENAMETOOLONG));
		return EXIT_NOEXEC;
	}
	strcpy(path, argv0);
	hfd = open(path, O_RDONLY | O_CLOEXEC);
	if (hfd < 0) {
		int err = errno;

		pr_err("%s: %s", path, strerror(err));
		return err == ENOENT || err == ENOTDIR ? EXIT_NOTFOUND : EXIT_NOEXEC;
	}
	if (elf_script(hfd, interp, sizeof(interp), arg, sizeof(arg)) > 0 &&
	    guest_path(vmm, hfd, path, len)) {
		close(hfd);
		return EXIT_NOEXEC;
	}
	if (exec_resolve(vmm, hfd, path, len, gargv, img, true))
		return EXIT_NOEXEC;
	return 0;
}

int main(int argc, char **argv)
{
	static struct vmm vmm = { .root_fd = -1 };
	static char path[4096];
	struct elf_image img = { .fd = -1 };
	char floor_var[64] = "", user_floor_var[64] = "";
	char **env, **gargv = NULL;
	int first, status = EXIT_NOEXEC;

	start_signals(&vmm);
	first = parse_args(&vmm, argc, argv);
	if (first < 0)
		return EXIT_USAGE;
	if (stop_setup(&vmm))
		return EXIT_USAGE;
	if (open_root(&vmm)) {
		status = EXIT_USAGE;
		goto out;
	}
	gargv = copy_argv(argv + first);
	status = open_program(&vmm, argv[first], path, sizeof(path), &gargv, &img);
	if (status)
		goto out;
	status = EXIT_NOEXEC;
	if (start_vm(&vmm))
		goto out;
	vmm.cur->exe_path = strdup(img.realpath ? img.realpath : img.path);
	snprintf(vmm.cur->comm, sizeof(vmm.cur->comm), "%s",
		 strrchr(img.path, '/') ? strrchr(img.path, '/') + 1 : img.path);
	if (vmm.bench_floor) {
		uint64_t floor = bench_exit_floor(&vmm, vmm.bench_floor);

		snprintf(floor_var, sizeof(floor_var), "VMM_EXIT_FLOOR=%llu",
			 (unsigned long long)floor);
		floor = bench_user_exit_floor(&vmm, vmm.bench_floor);
		snprintf(user_floor_var, sizeof(user_floor_var),
			 "VMM_USER_EXIT_FLOOR=%llu", (unsigned long long)floor);
	}
	env = guest_env(&vmm, floor_var, user_floor_var);
	if (elf_load(&vmm, &img, gargv, env)) {
		free(env);
		goto out;
	}
	free(env);
	/*
	 * Injection starts with the program, not before its image is loaded:
	 * loading the first program is the monitor's setup, which a guest
	 * never observes (its own execve is injected like any call), and the
	 * knobs' counts then mean the same from one program to another.
	 */
	if (inject_setup(&vmm)) {
		status = EXIT_USAGE;
		goto out;
	}
	fflush(stdout);
	prezero_start(&vmm);
	status = stop_signal ? 0 : vmm_run(&vmm);
	prezero_stop(&vmm);
	vmm.cur = vmm.init;
	if (stop_signal)
		status = stop_status();
	if (vmm.show_maps && vmm.cur)
		diag_print_maps(&vmm, stderr);
	if (vmm.show_stats)
		diag_print_stats(&vmm, stderr);
	inject_report_hazards();
out:
	if (stop_signal && status < EXIT_TIMEOUT)
		status = stop_status();
	stop_quiesce();
	elf_close(&img);
	free_argv(gargv);
	if (stop_vm(&vmm) && status < 128)
		status = EXIT_BUG;
	return status;
}
