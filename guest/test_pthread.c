// SPDX-License-Identifier: GPL-2.0
/*
 * Threads as Linux has them: built with musl and with glibc (guest.mk),
 * run natively and under the monitor, output and status compared
 * (tests/integration/run.sh).  Nothing printed depends on the order the
 * threads run in.
 *
 *   create	64 threads created and joined: a mutex counter, TLS, tids
 *   cond	a condition variable: producer and consumer
 *   barrier	pthread_barrier_wait, 8 threads, 3 rounds
 *   exitgroup	a thread calls exit(3) while main waits: status 3
 *   mainexit	main calls pthread_exit while the others run: status 0
 *   exec	a thread execs: the new image has the process's pid
 *   fork	fork in a threaded process: the child has one thread
 *   tgkill	tgkill to one thread, kill to a thread that does not block it
 *   futex	WAIT, WAKE, CMP_REQUEUE, REQUEUE, WAKE_OP, timeouts, errnos
 *   robust	the owner of a robust mutex dies: EOWNERDEAD
 *   fatal	a thread's SIGSEGV kills the whole process
 *   stop	SIGSTOP stops every thread of a child, SIGCONT resumes them
 *   altstack	sigaltstack is per thread; a new thread has none
 *   clone	clone()'s flag checks and errnos
 *   waitchild	a thread waits for a child main forked
 *   mmstress	8 threads mmap, touch, mprotect, mremap and munmap at once
 *   procfs	/proc/self, /proc/thread-self, task/, status: Tgid, Pid, Threads
 *   rusage	RUSAGE_SELF counts every thread's CPU time, RUSAGE_THREAD one's
 *   membarrier	the commands glibc and musl use, registrations, errnos
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* include/uapi/linux/futex.h (musl has no kernel headers) */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_WAIT_BITSET	9
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_WAIT_PRIVATE	(FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE	(FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE	(FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_OP_PRIVATE	(FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG)
#define FUTEX_OP_SET		0
#define FUTEX_OP_ADD		1
#define FUTEX_OP_OPARG_SHIFT	8
#define FUTEX_OP_CMP_EQ		0
#define FUTEX_OP_CMP_GT		4
#define FUTEX_OP(op, oparg, cmp, cmparg) \
	((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))

static long sys_futex(void *uaddr, int op, int val, const void *t, void *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, t, uaddr2, val3);
}

static int gettid_(void)
{
	return (int)syscall(SYS_gettid);
}

/* ---- create ---- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long tls_value = 7;
static int tids[64];

static void *counting(void *arg)
{
	long i, id = (long)arg;

	tls_value += id;
	for (i = 0; i < 1000; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (i % 100 == 0)
			sched_yield();
	}
	tids[id] = gettid_();
	return (void *)(tls_value - 7);
}

static int test_create(void)
{
	pthread_t t[64];
	long i, sum = 0, tls_ok = 1;
	int distinct = 1, j;

	for (i = 0; i < 64; i++)
		if (pthread_create(&t[i], NULL, counting, (void *)i)) {
			printf("pthread_create failed\n");
			return 1;
		}
	for (i = 0; i < 64; i++) {
		void *r;

		pthread_join(t[i], &r);
		sum += (long)r;
		tls_ok &= (long)r == i;
	}
	for (i = 0; i < 64; i++)
		for (j = 0; j < i; j++)
			if (tids[i] == tids[j] || tids[i] == getpid())
				distinct = 0;
	printf("threads 64, counter %ld, results %ld, tls %s, main tls %ld\n",
	       counter, sum, tls_ok ? "per thread" : "SHARED", tls_value);
	printf("tids distinct and not the pid: %s; main's tid is the pid: %s\n",
	       distinct ? "yes" : "no", gettid_() == getpid() ? "yes" : "no");
	return 0;
}

/* ---- cond ---- */

static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int queue_len, produced;

static void *consumer(void *arg)
{
	int got = 0;

	for (;;) {
		pthread_mutex_lock(&lock);
		while (!queue_len && produced < 1000)
			pthread_cond_wait(&cv, &lock);
		if (!queue_len && produced >= 1000) {
			pthread_mutex_unlock(&lock);
			break;
		}
		queue_len--;
		got++;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&lock);
	}
	return (void *)(long)got;
}

static int test_cond(void)
{
	pthread_t t[4];
	long total = 0;
	int i;

	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, consumer, NULL);
	for (i = 0; i < 1000; i++) {
		pthread_mutex_lock(&lock);
		while (queue_len >= 8)
			pthread_cond_wait(&cv, &lock);
		queue_len++;
		produced++;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&lock);
	}
	for (i = 0; i < 4; i++) {
		void *r;

		pthread_join(t[i], &r);
		total += (long)r;
	}
	printf("cond: produced %d, consumed %ld\n", produced, total);
	return 0;
}

/* ---- barrier ---- */

static pthread_barrier_t barrier;
static int round_count[3];

static void *barrier_thread(void *arg)
{
	int r, serial = 0;

	for (r = 0; r < 3; r++) {
		__atomic_add_fetch(&round_count[r], 1, __ATOMIC_SEQ_CST);
		if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
			serial++;
		/* everyone arrived before anyone left */
		if (__atomic_load_n(&round_count[r], __ATOMIC_SEQ_CST) != 8)
			return (void *)-100L;
		pthread_barrier_wait(&barrier);
	}
	return (void *)(long)serial;
}

static int test_barrier(void)
{
	pthread_t t[8];
	long serial = 0;
	int i;

	pthread_barrier_init(&barrier, NULL, 8);
	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, barrier_thread, NULL);
	for (i = 0; i < 8; i++) {
		void *r;

		pthread_join(t[i], &r);
		serial += (long)r;
	}
	printf("barrier: 3 rounds of 8, serial threads %ld\n", serial);
	return 0;
}

/* ---- exitgroup, mainexit ---- */

static void *exiter(void *arg)
{
	usleep(20000);
	exit(3);
}

static void *sleeper(void *arg)
{
	pause();
	return NULL;
}

static int test_exitgroup(void)
{
	pthread_t t, s;

	printf("exit_group from a thread\n");
	fflush(stdout);
	pthread_create(&s, NULL, sleeper, NULL);
	pthread_create(&t, NULL, exiter, NULL);
	pthread_join(t, NULL);
	printf("not reached\n");
	return 0;
}

static void *outliver(void *arg)
{
	usleep(30000);
	printf("thread %ld outlives main\n", (long)arg);
	fflush(stdout);
	return NULL;
}

static int test_mainexit(void)
{
	pthread_t t;

	pthread_create(&t, NULL, outliver, (void *)1L);
	printf("main calls pthread_exit\n");
	fflush(stdout);
	pthread_exit(NULL);
	return 1;
}

/* ---- exec ---- */

static char *self;

static void *execer(void *arg)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", getpid());
	execl(self, self, "execd", pid, (char *)NULL);
	printf("execl: %s\n", strerror(errno));
	exit(1);
}

static int test_exec(void)
{
	pthread_t t, s;

	pthread_create(&s, NULL, sleeper, NULL);
	pthread_create(&t, NULL, execer, NULL);
	for (;;)
		pause();
	return 1;
}

static int threads_now(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Threads:", 8))
			n = atoi(line + 8);
	fclose(f);
	return n;
}

static int test_execd(const char *pid)
{
	printf("exec'd from a thread: same pid %s, tid is the pid %s, threads %d\n",
	       atoi(pid) == getpid() ? "yes" : "no", gettid_() == getpid() ? "yes" : "no",
	       threads_now());
	return 0;
}

/* ---- fork ---- */

static int test_fork(void)
{
	pthread_t t[3];
	int i, st;
	pid_t pid;

	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, sleeper, NULL);
	printf("parent threads %d\n", threads_now());
	fflush(stdout);
	pid = fork();
	if (!pid) {
		printf("child threads %d, ppid is the parent's pid: %s\n", threads_now(),
		       getppid() > 0 ? "yes" : "no");
		exit(5);
	}
	waitpid(pid, &st, 0);
	printf("child exited %d\n", WEXITSTATUS(st));
	return 0;
}

/* ---- tgkill ---- */

static volatile int usr1_tid, usr2_tid;
static int b_tid;

static void on_usr1(int sig)
{
	usr1_tid = gettid_();
}

static void on_usr2(int sig)
{
	usr2_tid = gettid_();
}

static volatile int stop_b;

static void *thread_b(void *arg)
{
	sigset_t set;

	/* B blocks SIGUSR2: a process-directed one must go to main */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	b_tid = gettid_();
	while (!stop_b)
		sched_yield();
	return NULL;
}

static int test_tgkill(void)
{
	pthread_t b;
	sigset_t set;

	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	pthread_create(&b, NULL, thread_b, NULL);
	while (!__atomic_load_n(&b_tid, __ATOMIC_SEQ_CST))
		sched_yield();
	/* main blocks SIGUSR1: tgkill still reaches B, which does not */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	syscall(SYS_tgkill, getpid(), b_tid, SIGUSR1);
	while (!usr1_tid)
		sched_yield();
	kill(getpid(), SIGUSR2);
	while (!usr2_tid)
		sched_yield();
	printf("tgkill SIGUSR1 handled by B: %s\n", usr1_tid == b_tid ? "yes" : "no");
	printf("kill SIGUSR2 handled by main (B blocks it): %s\n",
	       usr2_tid == getpid() ? "yes" : "no");
	printf("tgkill with the wrong tgid: %s\n",
	       syscall(SYS_tgkill, getpid() + 100000, b_tid, 0) < 0 ? strerror(errno) : "ok");
	stop_b = 1;
	pthread_join(b, NULL);
	printf("tgkill to a joined thread: %s\n",
	       syscall(SYS_tgkill, getpid(), b_tid, 0) < 0 ? strerror(errno) : "ok");
	return 0;
}

/* ---- futex ---- */

static int f1, f2, ready;

static void *futex_waiter(void *arg)
{
	__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
	while (sys_futex(&f1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0) && errno == EINTR)
		;
	return NULL;
}

static const char *err(long r)
{
	static char buf[64];

	if (r >= 0) {
		snprintf(buf, sizeof(buf), "%ld", r);
		return buf;
	}
	return strerror(errno);
}

static int test_futex(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 }, abs;
	pthread_t t[3];
	int i, word = 5;

	printf("WAIT, value differs: %s\n", err(sys_futex(&f1, FUTEX_WAIT, 1, NULL, NULL, 0)));
	printf("WAIT, 20 ms: %s\n", err(sys_futex(&f1, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0)));
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_nsec += 10 * 1000 * 1000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	printf("WAIT_BITSET|CLOCK_REALTIME, absolute: %s\n",
	       err(sys_futex(&f1, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &abs, NULL, -1)));
	printf("WAIT|CLOCK_REALTIME: %s\n",
	       err(sys_futex(&f1, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, &ts, NULL, 0)));
	printf("WAIT, bad timeout: %s\n", err(sys_futex(&f1, FUTEX_WAIT, 0,
		&(struct timespec){ 0, 1000000000 }, NULL, 0)));
	printf("WAIT_BITSET, bitset 0: %s\n", err(sys_futex(&f1, FUTEX_WAIT_BITSET, 0, NULL, NULL, 0)));
	printf("WAKE, unaligned: %s\n", err(sys_futex((char *)&f1 + 1, FUTEX_WAKE, 1, NULL, NULL, 0)));
	printf("WAKE, nobody: %s\n", err(sys_futex(&f1, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0)));
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, futex_waiter, NULL);
	while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < 3)
		sched_yield();
	usleep(100000);
	printf("CMP_REQUEUE, value differs: %s\n",
	       err(sys_futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &f2, 1)));
	printf("CMP_REQUEUE, nr_requeue < 0: %s\n",
	       err(sys_futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)-1L, &f2, 0)));
	printf("CMP_REQUEUE 1 woken, 1 moved: %s\n",
	       err(sys_futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &f2, 0)));
	printf("REQUEUE 0 woken, 1 moved: %s\n",
	       err(sys_futex(&f1, FUTEX_REQUEUE_PRIVATE, 0, (void *)1L, &f2, 0)));
	printf("WAKE on the first word: %s\n", err(sys_futex(&f1, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0)));
	printf("WAKE_OP, bad op: %s\n", err(sys_futex(&f1, FUTEX_WAKE_OP_PRIVATE, 0, (void *)1L,
		&word, FUTEX_OP(7, 0, FUTEX_OP_CMP_EQ, 0))));
	/* f2 0 becomes 7; 0 == 0, so f2's two waiters wake */
	printf("WAKE_OP SET 7 if old == 5: %s\n", err(sys_futex(&f1, FUTEX_WAKE_OP_PRIVATE, 1,
		(void *)2L, &f2, FUTEX_OP(FUTEX_OP_SET, 7, FUTEX_OP_CMP_EQ, 0))));
	printf("word f2 now %d\n", f2);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	word = 1;
	printf("WAKE_OP ADD 1<<4 if old > 5: %s\n", err(sys_futex(&f1,
		FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word,
		FUTEX_OP((FUTEX_OP_ADD | FUTEX_OP_OPARG_SHIFT), 4, FUTEX_OP_CMP_GT, 5))));
	printf("word now %d\n", word);
	return 0;
}

/* ---- robust ---- */

static pthread_mutex_t robust;

static void *robust_owner(void *arg)
{
	pthread_mutex_lock(&robust);
	return NULL;	/* dies holding it */
}

static int test_robust(void)
{
	pthread_mutexattr_t a;
	pthread_t t;
	int r;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &a);
	pthread_create(&t, NULL, robust_owner, NULL);
	pthread_join(t, NULL);
	r = pthread_mutex_lock(&robust);
	printf("lock after the owner died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
	if (r == EOWNERDEAD)
		printf("consistent: %d\n", pthread_mutex_consistent(&robust));
	printf("unlock: %d\n", pthread_mutex_unlock(&robust));
	printf("lock again: %d\n", pthread_mutex_lock(&robust));
	return 0;
}

/* ---- fatal ---- */

static void *segv(void *arg)
{
	usleep(10000);
	*(volatile int *)(long)arg = 1;
	return NULL;
}

static int test_fatal(void)
{
	pthread_t t, s;

	printf("a thread takes SIGSEGV\n");
	fflush(stdout);
	pthread_create(&s, NULL, sleeper, NULL);
	pthread_create(&t, NULL, segv, NULL);
	pthread_join(t, NULL);
	printf("not reached\n");
	return 0;
}

/* ---- stop ---- */

static volatile long spins[3];

static void *spinner(void *arg)
{
	for (;;) {
		spins[(long)arg]++;
		sched_yield();
	}
	return NULL;
}

static int test_stop(void)
{
	int p[2], st, i;
	pid_t pid;
	char c;

	if (pipe(p))
		return 1;
	pid = fork();
	if (!pid) {
		pthread_t t[3];

		for (i = 0; i < 3; i++)
			pthread_create(&t[i], NULL, spinner, (void *)(long)i);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (read(p[0], &c, 1) != 1)
		return 1;
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	printf("stopped: %s by %d\n", WIFSTOPPED(st) ? "yes" : "no", WSTOPSIG(st));
	kill(pid, SIGCONT);
	waitpid(pid, &st, WCONTINUED);
	printf("continued: %s\n", WIFCONTINUED(st) ? "yes" : "no");
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	printf("killed by %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	return 0;
}

/* ---- altstack ---- */

static void *altstack_thread(void *arg)
{
	stack_t ss;

	sigaltstack(NULL, &ss);
	printf("new thread's altstack: %s\n", ss.ss_flags & SS_DISABLE ? "disabled" : "set");
	return NULL;
}

static int test_altstack(void)
{
	static char stack[65536];
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack) }, old;
	pthread_t t;

	sigaltstack(&ss, NULL);
	pthread_create(&t, NULL, altstack_thread, NULL);
	pthread_join(t, NULL);
	sigaltstack(NULL, &old);
	printf("main's altstack: %s, size %zu\n", old.ss_flags & SS_DISABLE ? "disabled" : "set",
	       old.ss_size);
	return 0;
}

/* ---- clone ---- */

#define CLONE_VM_	0x00000100
#define CLONE_FS_	0x00000200
#define CLONE_FILES_	0x00000400
#define CLONE_SIGHAND_	0x00000800
#define CLONE_THREAD_	0x00010000
#define CLONE_NEWNS_	0x00020000
#define CLONE_SETTLS_	0x00080000

static const char *clone_errno(unsigned long flags, unsigned long tls)
{
	long r = syscall(SYS_clone, flags, 0, NULL, NULL, tls);

	if (r == 0)
		_exit(0);	/* not expected: a child that goes at once */
	if (r > 0) {
		waitpid(r, NULL, 0);
		return "created";
	}
	return strerror(errno);
}

static int shared_var;
static int shared_fd = -1;

/* a process on its parent's memory, files and working directory */
static int vm_child(void *arg)
{
	shared_var = 42;
	if (arg) {
		shared_fd = open("/dev/null", O_RDONLY);
		if (chdir("/"))
			return 1;
	}
	return 7;
}

static void clone_vm(int flags, const char *what)
{
	static char stack[65536] __attribute__((aligned(16)));
	char cwd[256];
	int st = 0;
	pid_t pid;

	shared_var = 0;
	shared_fd = -1;
	pid = clone(vm_child, stack + sizeof(stack), flags | SIGCHLD,
		    (void *)(long)(flags & CLONE_FILES_));
	if (pid < 0) {
		printf("%s: %s\n", what, strerror(errno));
		return;
	}
	waitpid(pid, &st, 0);
	printf("%s: exit %d, wrote %d", what, WEXITSTATUS(st), shared_var);
	if (flags & CLONE_FILES_)
		printf(", its fd open here: %s, cwd here %s", fcntl(shared_fd, F_GETFD) >= 0 ? "yes" : "no",
		       getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	printf("\n");
}

static int test_clone(void)
{
	printf("CLONE_THREAD without CLONE_SIGHAND: %s\n",
	       clone_errno(CLONE_THREAD_ | CLONE_VM_, 0));
	printf("CLONE_SIGHAND without CLONE_VM: %s\n", clone_errno(CLONE_SIGHAND_, 0));
	printf("CLONE_NEWNS with CLONE_FS: %s\n", clone_errno(CLONE_NEWNS_ | CLONE_FS_, 0));
	printf("CLONE_SETTLS past user space: %s\n",
	       clone_errno(CLONE_SETTLS_ | SIGCHLD, 0x800000000000UL));
	printf("CLONE_FILES process: %s\n", clone_errno(CLONE_FILES_ | SIGCHLD, 0));
	if (chdir("/tmp"))
		return 1;
	clone_vm(CLONE_VM_, "CLONE_VM process");
	clone_vm(CLONE_VM_ | CLONE_FILES_ | CLONE_FS_, "CLONE_VM|CLONE_FILES|CLONE_FS process");
	return 0;
}

/* ---- waitchild ---- */

static pid_t child;

static void *waiter(void *arg)
{
	int st = 0;
	pid_t r = waitpid(child, &st, 0);

	printf("thread reaped the child: %s, status %d\n", r == child ? "yes" : "no",
	       WEXITSTATUS(st));
	return NULL;
}

static int test_waitchild(void)
{
	pthread_t t;

	child = fork();
	if (!child) {
		usleep(30000);
		_exit(9);
	}
	pthread_create(&t, NULL, waiter, NULL);
	pthread_join(t, NULL);
	printf("main's wait after: %s\n", waitpid(-1, NULL, WNOHANG) < 0 ? strerror(errno) : "a child");
	return 0;
}

/* ---- mmstress ---- */

static void *mm_worker(void *arg)
{
	unsigned int seed = (unsigned int)(long)arg * 7919 + 1;
	long i, sum = 0;

	/* each commit costs a ring-0 stub, emulated under shadow paging: few rounds */
	for (i = 0; i < 40; i++) {
		size_t pages = 1 + rand_r(&seed) % 16, n, k;
		char *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return (void *)-1L;
		for (k = 0; k < pages; k++)
			p[k * 4096] = (char)(k + 1);
		n = pages;
		if (rand_r(&seed) % 4 == 0) {
			char *q = mremap(p, pages * 4096, (pages + 4) * 4096, MREMAP_MAYMOVE);

			if (q == MAP_FAILED)
				return (void *)-2L;
			p = q;
			n = pages + 4;
			q[(n - 1) * 4096] = 1;
			sum += 1;
		}
		if (rand_r(&seed) % 3 == 0)
			mprotect(p, 4096, PROT_READ);
		for (k = 0; k < pages; k++)
			sum += p[k * 4096];
		munmap(p, n * 4096);
		if (i % 3 == 0)
			sched_yield();	/* interleave the threads' changes */
	}
	return (void *)sum;
}

static int test_mmstress(void)
{
	pthread_t t[8];
	long i, total = 0;

	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, mm_worker, (void *)i);
	for (i = 0; i < 8; i++) {
		void *r;

		pthread_join(t[i], &r);
		total += (long)r;
	}
	printf("mmstress: 8 threads, checksum %ld\n", total);
	return 0;
}

/* ---- procfs ---- */

static pthread_barrier_t proc_barrier;

/* a status line's value: the pid, the tid, or itself */
static void status_line(const char *path, const char *what, const char *key)
{
	char line[256];
	FILE *f = fopen(path, "r");
	int v;

	if (!f) {
		printf("%s: %s\n", what, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, strlen(key)))
			continue;
		v = atoi(line + strlen(key));
		printf("%s %s %s", what, key, v == getpid() ? "the pid\n" :
		       v == gettid_() ? "the tid\n" : line + strlen(key));
	}
	fclose(f);
}

static void *proc_thread(void *arg)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	pthread_barrier_wait(&proc_barrier);
	if (arg) {
		status_line("/proc/thread-self/status", "thread-self", "Pid:");
		status_line("/proc/self/status", "self", "Pid:");
		status_line("/proc/self/status", "self", "Tgid:");
		status_line("/proc/self/status", "self", "Threads:");
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", getpid(), gettid_());
		status_line(path, "PID/task/TID", "Pid:");
		d = opendir("/proc/self/task");
		while (d && (e = readdir(d)))
			n += e->d_name[0] != '.';
		if (d)
			closedir(d);
		printf("/proc/self/task entries: %d\n", n);
	}
	pthread_barrier_wait(&proc_barrier);
	return NULL;
}

static int test_procfs(void)
{
	pthread_t t[3];
	long i;

	pthread_barrier_init(&proc_barrier, NULL, 4);
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, proc_thread, (void *)(long)(i == 1));
	pthread_barrier_wait(&proc_barrier);
	pthread_barrier_wait(&proc_barrier);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	status_line("/proc/self/status", "after join", "Threads:");
	return 0;
}

/* ---- rusage ---- */

static long tv_us(const struct timeval *tv)
{
	return tv->tv_sec * 1000000L + tv->tv_usec;
}

/* 60 ms of this thread's own CPU time, whatever else runs */
static void *burner(void *arg)
{
	struct rusage ru;

	do
		getrusage(RUSAGE_THREAD, &ru);
	while (tv_us(&ru.ru_utime) + tv_us(&ru.ru_stime) < 60000);
	return NULL;
}

static int test_rusage(void)
{
	struct rusage self, thread;
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, burner, NULL);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_THREAD, &thread);
	printf("RUSAGE_SELF includes the joined threads' time: %s\n",
	       tv_us(&self.ru_utime) + tv_us(&self.ru_stime) >=
	       tv_us(&thread.ru_utime) + tv_us(&thread.ru_stime) + 120000 ? "yes" : "no");
	return 0;
}

/* ---- membarrier ---- */

static const char *mb(int cmd, unsigned int flags)
{
	return err(syscall(SYS_membarrier, cmd, flags, 0));
}

static void *mb_thread(void *arg)
{
	printf("PRIVATE_EXPEDITED from another thread: %s\n", mb(8, 0));
	return NULL;
}

static int test_membarrier(void)
{
	pthread_t t;
	pid_t pid;
	int st;

	/* the rseq commands (0x180) depend on CONFIG_RSEQ; rseq is ENOSYS under the monitor */
	printf("QUERY without the rseq commands: %#lx\n",
	       syscall(SYS_membarrier, 0, 0, 0) & ~0x180L);
	printf("PRIVATE_EXPEDITED unregistered: %s\n", mb(8, 0));
	printf("GET_REGISTRATIONS: %s\n", mb(512, 0));
	printf("REGISTER_PRIVATE_EXPEDITED: %s\n", mb(16, 0));
	printf("PRIVATE_EXPEDITED: %s\n", mb(8, 0));
	printf("PRIVATE_EXPEDITED with flags: %s\n", mb(8, 1));
	printf("GLOBAL: %s\n", mb(1, 0));
	printf("an unknown command: %s\n", mb(1 << 12, 0));
	printf("GET_REGISTRATIONS: %s\n", mb(512, 0));
	pthread_create(&t, NULL, mb_thread, NULL);
	pthread_join(t, NULL);
	pid = fork();
	if (!pid) {
		printf("forked child's GET_REGISTRATIONS: %s\n", mb(512, 0));
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "create";

	self = argv[0];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(m, "create"))
		return test_create();
	if (!strcmp(m, "cond"))
		return test_cond();
	if (!strcmp(m, "barrier"))
		return test_barrier();
	if (!strcmp(m, "exitgroup"))
		return test_exitgroup();
	if (!strcmp(m, "mainexit"))
		return test_mainexit();
	if (!strcmp(m, "exec"))
		return test_exec();
	if (!strcmp(m, "execd") && argc > 2)
		return test_execd(argv[2]);
	if (!strcmp(m, "fork"))
		return test_fork();
	if (!strcmp(m, "tgkill"))
		return test_tgkill();
	if (!strcmp(m, "futex"))
		return test_futex();
	if (!strcmp(m, "robust"))
		return test_robust();
	if (!strcmp(m, "fatal"))
		return test_fatal();
	if (!strcmp(m, "stop"))
		return test_stop();
	if (!strcmp(m, "altstack"))
		return test_altstack();
	if (!strcmp(m, "clone"))
		return test_clone();
	if (!strcmp(m, "waitchild"))
		return test_waitchild();
	if (!strcmp(m, "mmstress"))
		return test_mmstress();
	if (!strcmp(m, "procfs"))
		return test_procfs();
	if (!strcmp(m, "rusage"))
		return test_rusage();
	if (!strcmp(m, "membarrier"))
		return test_membarrier();
	fprintf(stderr, "usage: test_pthread create|cond|barrier|exitgroup|mainexit|exec|fork|"
		"tgkill|futex|robust|fatal|stop|altstack|clone|waitchild|mmstress|procfs|rusage|membarrier\n");
	return 2;
}
