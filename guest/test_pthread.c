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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	fprintf(stderr, "usage: test_pthread create|cond|barrier|exitgroup|mainexit|exec|fork|tgkill|futex|robust\n");
	return 2;
}
