// SPDX-License-Identifier: GPL-2.0
/*
 * What programs ask at start-up, and what libcs build on: getrusage and
 * times, sysinfo, the affinity calls, getcpu, the robust list, prctl
 * names and flags, futex for one thread and across processes, clone with
 * CLONE_VM|CLONE_VFORK (posix_spawn's way) and clone3.  Only facts that
 * hold on any machine are printed: relations, errnos, return values.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>

#include "testlib.h"

/* linux/futex.h, which musl-gcc does not see */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_WAIT_BITSET	9
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_WAIT_PRIVATE	(FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE	(FUTEX_WAKE | FUTEX_PRIVATE_FLAG)

static const char *err(long r)
{
	return r < 0 ? strerror(errno) : "ok";
}

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

/* touch @pages fresh small pages: that many minor faults */
static void touch(size_t pages)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	if (p == MAP_FAILED)
		return;
	madvise(p, pages * PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i++)
		p[i * PAGE] = 1;
}

static void rusage(void)
{
	struct rusage before, after, kids, child;
	struct tms t;
	clock_t now;
	pid_t c;
	int st;

	printf("getrusage(SELF): %s\n", err(getrusage(RUSAGE_SELF, &before)));
	touch(1024);
	getrusage(RUSAGE_SELF, &after);
	printf("  1024 pages touched: minflt grew by 1000 or more: %s\n",
	       yes(after.ru_minflt - before.ru_minflt >= 1000));
	printf("  maxrss at least 4 MiB: %s\n", yes(after.ru_maxrss >= 4096));
	printf("  times not negative: %s\n", yes(after.ru_utime.tv_sec >= 0 &&
						  after.ru_stime.tv_sec >= 0 &&
						  after.ru_utime.tv_usec < 1000000));
	printf("getrusage(THREAD): %s\n", err(getrusage(RUSAGE_THREAD, &after)));
	printf("getrusage(7): %s\n", err(getrusage(7, &after)));
	printf("getrusage(SELF, bad pointer): %s\n", err(getrusage(RUSAGE_SELF, (void *)8)));
	getrusage(RUSAGE_CHILDREN, &kids);
	printf("getrusage(CHILDREN) before any child: minflt 0: %s, maxrss 0: %s\n",
	       yes(kids.ru_minflt == 0), yes(kids.ru_maxrss == 0));

	c = fork();
	if (!c) {
		touch(512);
		_exit(0);
	}
	memset(&child, 0, sizeof(child));
	printf("wait4 with rusage: %s\n", yes(wait4(c, &st, 0, &child) == c));
	printf("  the child's minflt 500 or more: %s, maxrss at least 2 MiB: %s\n",
	       yes(child.ru_minflt >= 500), yes(child.ru_maxrss >= 2048));
	getrusage(RUSAGE_CHILDREN, &kids);
	printf("getrusage(CHILDREN): minflt 500 or more: %s, maxrss at least 2 MiB: %s\n",
	       yes(kids.ru_minflt >= 500), yes(kids.ru_maxrss >= 2048));

	now = times(&t);
	printf("times: positive: %s, fields not negative: %s\n", yes(now > 0),
	       yes(t.tms_utime >= 0 && t.tms_stime >= 0 && t.tms_cutime >= 0 &&
		   t.tms_cstime >= 0));
	printf("times(NULL): %s\n", err(times(NULL)));
}

static void memory(void)
{
	struct sysinfo si;

	printf("sysinfo: %s\n", err(sysinfo(&si)));
	printf("  mem_unit %u, totalram > 0: %s, freeram <= totalram: %s, procs > 0: %s\n",
	       si.mem_unit, yes(si.totalram > 0), yes(si.freeram <= si.totalram),
	       yes(si.procs > 0));
	printf("  freeswap <= totalswap: %s\n", yes(si.freeswap <= si.totalswap));
	printf("sysinfo(bad pointer): %s\n", err(sysinfo((void *)8)));
}

static void cpus(void)
{
	uint64_t mask[16] = { 0 }, one;
	unsigned int cpu = 99, node = 99;
	long r;

	/*
	 * The bytes written: cpumask_size(), a long per 64 possible CPUs (8
	 * for the monitor's one vCPU; this machine's kernel may have more).
	 */
	r = syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
	printf("sched_getaffinity(128 bytes): longs: %s, CPU 0 in it: %s\n",
	       yes(r >= 8 && r % 8 == 0), yes(mask[0] & 1));
	printf("sched_getaffinity(4 bytes): %s\n",
	       err(syscall(SYS_sched_getaffinity, 0, 4, mask)));
	printf("sched_getaffinity(0 bytes): %s\n",
	       err(syscall(SYS_sched_getaffinity, 0, 0, mask)));
	printf("sched_getaffinity(no such pid): %s\n",
	       err(syscall(SYS_sched_getaffinity, 0x3ffffff0, sizeof(mask), mask)));
	printf("sched_getaffinity(bad pointer): %s\n",
	       err(syscall(SYS_sched_getaffinity, 0, sizeof(mask), 8)));
	one = 1ULL << 63;
	printf("sched_setaffinity(CPU 63 only): %s\n",
	       err(syscall(SYS_sched_setaffinity, 0, 8, &one)));
	one = 0;
	printf("sched_setaffinity(no CPU): %s\n", err(syscall(SYS_sched_setaffinity, 0, 8, &one)));
	one = ~0ULL;
	printf("sched_setaffinity(every CPU): %s\n",
	       err(syscall(SYS_sched_setaffinity, 0, 8, &one)));
	printf("getcpu: %s", err(syscall(SYS_getcpu, &cpu, &node, NULL)));
	printf(", cpu < 64: %s, node 0: %s\n", yes(cpu < 64), yes(node == 0));
	printf("getcpu(NULL, NULL): %s\n", err(syscall(SYS_getcpu, NULL, NULL, NULL)));
	printf("getcpu(bad pointer): %s\n", err(syscall(SYS_getcpu, 8, NULL, NULL)));
}

static void robust(void)
{
	uint64_t head[3] = { 0 }, got = 0;
	size_t len = 0;

	printf("set_robust_list(len 23): %s\n", err(syscall(SYS_set_robust_list, head, 23)));
	printf("set_robust_list(len 24): %s\n", err(syscall(SYS_set_robust_list, head, 24)));
	printf("get_robust_list(0): %s", err(syscall(SYS_get_robust_list, 0, &got, &len)));
	printf(", the same head: %s, len %zu\n", yes(got == (uintptr_t)head), len);
	printf("get_robust_list(no such pid): %s\n",
	       err(syscall(SYS_get_robust_list, 0x3ffffff0, &got, &len)));
}

/* /proc/self/status's Name line */
static void status_name(void)
{
	char buf[4096], *line;
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		printf("  /proc/self/status: %s\n", strerror(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	line = strstr(buf, "Name:");
	if (line)
		*strchrnul(line, '\n') = 0;
	printf("  status: %s\n", line ? line : "(no Name line)");
}

static void names(void)
{
	char name[32];
	int sig = -1;

	printf("PR_SET_NAME: %s\n", err(prctl(PR_SET_NAME, "startup-name-longer-than-15")));
	memset(name, 'x', sizeof(name));
	printf("PR_GET_NAME: %s", err(prctl(PR_GET_NAME, name)));
	printf(" \"%s\", byte 15 is NUL: %s\n", name, yes(name[15] == 0));
	status_name();
	prctl(PR_SET_NAME, "short");
	prctl(PR_GET_NAME, name);
	printf("PR_SET_NAME short: \"%s\"\n", name);
	status_name();
	printf("PR_SET_NAME(bad pointer): %s\n", err(prctl(PR_SET_NAME, (void *)8)));
	printf("PR_GET_NAME(bad pointer): %s\n", err(prctl(PR_GET_NAME, (void *)8)));

	printf("PR_GET_DUMPABLE: %d\n", prctl(PR_GET_DUMPABLE));
	printf("PR_SET_DUMPABLE 0: %s", err(prctl(PR_SET_DUMPABLE, 0)));
	printf(", then %d\n", prctl(PR_GET_DUMPABLE));
	printf("PR_SET_DUMPABLE 2: %s\n", err(prctl(PR_SET_DUMPABLE, 2)));
	prctl(PR_SET_DUMPABLE, 1);
	printf("PR_SET_PDEATHSIG SIGUSR1: %s", err(prctl(PR_SET_PDEATHSIG, SIGUSR1)));
	prctl(PR_GET_PDEATHSIG, &sig);
	printf(", PR_GET_PDEATHSIG %d\n", sig);
	printf("PR_SET_PDEATHSIG 65: %s\n", err(prctl(PR_SET_PDEATHSIG, 65)));
	prctl(PR_SET_PDEATHSIG, 0);
	printf("PR_GET_NO_NEW_PRIVS: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	printf("PR_SET_NO_NEW_PRIVS 0: %s\n", err(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0)));
	printf("PR_SET_NO_NEW_PRIVS 1: %s", err(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)));
	printf(", then %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	printf("PR_GET_NO_NEW_PRIVS with an argument: %s\n",
	       err(prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0)));
	printf("prctl(12345): %s\n", err(prctl(12345, 0, 0, 0, 0)));
}

static long futex(volatile uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	got_usr1 = 1;
}

static void futexes(void)
{
	static uint32_t word = 5;
	volatile uint32_t *shared;
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct sigaction sa = { .sa_handler = on_usr1 };
	pid_t c, parent = getpid();
	long r;
	int st;

	printf("FUTEX_WAIT, another value: %s\n", err(futex(&word, FUTEX_WAIT, 4, NULL)));
	printf("FUTEX_WAIT_PRIVATE, another value: %s\n",
	       err(futex(&word, FUTEX_WAIT_PRIVATE, 4, NULL)));
	printf("FUTEX_WAIT, 20 ms: %s\n", err(futex(&word, FUTEX_WAIT, 5, &ts)));
	ts.tv_nsec = 1000000000;
	printf("FUTEX_WAIT, bad timeout: %s\n", err(futex(&word, FUTEX_WAIT, 5, &ts)));
	printf("FUTEX_WAKE: %ld\n", futex(&word, FUTEX_WAKE, 1, NULL));
	printf("FUTEX_WAKE_PRIVATE: %ld\n", futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL));
	printf("FUTEX_WAIT, unaligned: %s\n",
	       err(futex((uint32_t *)((char *)&word + 1), FUTEX_WAIT, 5, NULL)));
	printf("FUTEX_WAIT, bad pointer: %s\n", err(futex((uint32_t *)8, FUTEX_WAIT, 5, NULL)));
	printf("FUTEX_WAIT_BITSET, bitset 0: %s\n",
	       err(syscall(SYS_futex, &word, FUTEX_WAIT_BITSET, 5, NULL, NULL, 0)));
	printf("FUTEX_WAIT|FUTEX_CLOCK_REALTIME: %s\n",
	       err(futex(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 5, NULL)));

	/* a shared futex, woken by another process */
	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	c = fork();
	if (!c) {
		while (futex(shared, FUTEX_WAKE, 1, NULL) < 1)
			sched_yield();
		_exit(0);
	}
	r = futex(shared, FUTEX_WAIT, 0, NULL);
	printf("FUTEX_WAIT woken by another process: %s\n", err(r));
	waitpid(c, &st, 0);

	/* a private futex, interrupted by a signal with a handler */
	sigaction(SIGUSR1, &sa, NULL);
	shared[1] = 0;
	c = fork();
	if (!c) {
		while (!shared[1]) {
			kill(parent, SIGUSR1);
			sched_yield();
		}
		_exit(0);
	}
	do
		r = futex(&word, FUTEX_WAIT_PRIVATE, 5, NULL);
	while (r == 0);
	shared[1] = 1;
	printf("FUTEX_WAIT_PRIVATE interrupted: %s, handler ran: %s\n", err(r), yes(got_usr1));
	waitpid(c, &st, 0);
	signal(SIGUSR1, SIG_DFL);
}

/* clone(CLONE_VM|CLONE_VFORK): the child runs on our memory, we wait */
static volatile int vfork_mark;

static int vfork_child(void *arg)
{
	vfork_mark = *(int *)arg;
	return 5;
}

struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static void clones(void)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	struct clone_args_v0 args;
	int arg = 42, st;
	pid_t c;

	c = clone(vfork_child, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, &arg);
	printf("clone(CLONE_VM|CLONE_VFORK): %s, the parent saw the child's write: %s\n",
	       err(c), yes(vfork_mark == 42));
	waitpid(c, &st, 0);
	printf("  the child exited %d\n", WEXITSTATUS(st));
	printf("clone(CLONE_SIGHAND without CLONE_VM): %s\n",
	       err(syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0)));
	printf("clone(CLONE_THREAD without CLONE_SIGHAND): %s\n",
	       err(syscall(SYS_clone, CLONE_THREAD | CLONE_VM | SIGCHLD, 0, 0, 0, 0)));

	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	c = syscall(SYS_clone3, &args, sizeof(args));
	if (!c)
		_exit(6);
	printf("clone3 as fork: %s", err(c));
	waitpid(c, &st, 0);
	printf(", the child exited %d\n", WEXITSTATUS(st));
	printf("clone3, size 8: %s\n", err(syscall(SYS_clone3, &args, 8)));
	printf("clone3, size 8192: %s\n", err(syscall(SYS_clone3, &args, 8192)));
	printf("clone3, bad pointer: %s\n", err(syscall(SYS_clone3, 8, sizeof(args))));
	args.exit_signal = 0x100;
	printf("clone3, exit_signal 0x100: %s\n", err(syscall(SYS_clone3, &args, sizeof(args))));
	args.exit_signal = SIGCHLD;
	args.flags = 1ULL << 40;
	printf("clone3, unknown flag: %s\n", err(syscall(SYS_clone3, &args, sizeof(args))));
	args.flags = SIGCHLD;
	printf("clone3, a signal in flags: %s\n", err(syscall(SYS_clone3, &args, sizeof(args))));
	args.flags = 0;
	args.stack = (uintptr_t)stack;
	printf("clone3, stack without a size: %s\n",
	       err(syscall(SYS_clone3, &args, sizeof(args))));
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	rusage();
	memory();
	cpus();
	robust();
	names();
	futexes();
	clones();
	return 0;
}
