// SPDX-License-Identifier: GPL-2.0
/*
 * clone3(CLONE_VFORK) without CLONE_VM on several vCPUs: the parent sleeps
 * until its child exits, and the child must run although the parent never
 * returned to apply fork's write-protects (found by the fuzz campaign with
 * --vcpus 4, seed 2: the child waited for a batch nobody would apply, and
 * the program hung).  Once alone, then with a second thread of the parent
 * asleep in a futex (its mm loaded on another vCPU, not in the guest), and
 * with one spinning (in the guest: the child must not see its later
 * writes).  Exits 0 when the monitor answers as Linux does.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* include/uapi/linux/sched.h (CLONE_ARGS_SIZE_VER0: the first 64 bytes) */
struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls;
};

#ifndef SYS_clone3
#define SYS_clone3	435
#endif

static atomic_long counter;
static atomic_int stop;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

/* clone3 with CLONE_VFORK: the child sees the counter twice, a moment apart */
static int vfork_copy(const char *what)
{
	struct clone_args args;
	long seen, later;
	pid_t pid;
	int st;

	memset(&args, 0, sizeof(args));
	args.flags = CLONE_VFORK;
	args.exit_signal = SIGCHLD;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		seen = atomic_load(&counter);
		for (volatile int i = 0; i < 2000000; i++)
			;
		later = atomic_load(&counter);
		/* its own copy: the parent's spinning thread does not reach it */
		_exit(seen == later ? 0 : 1);
	}
	if (pid < 0) {
		perror("clone3");
		return 1;
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("%s: the child saw the parent's writes after the fork\n", what);
		return 1;
	}
	printf("%s: ok\n", what);
	return 0;
}

static void *sleeper(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	while (!atomic_load(&stop))
		pthread_cond_wait(&cv, &m);
	pthread_mutex_unlock(&m);
	return NULL;
}

static void *spinner(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop))
		atomic_fetch_add(&counter, 1);
	return NULL;
}

int main(void)
{
	pthread_t t;
	int bad = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	bad |= vfork_copy("alone");

	pthread_create(&t, NULL, sleeper, NULL);
	usleep(20000);
	bad |= vfork_copy("a thread asleep");
	pthread_mutex_lock(&m);
	atomic_store(&stop, 1);
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&m);
	pthread_join(t, NULL);

	atomic_store(&stop, 0);
	pthread_create(&t, NULL, spinner, NULL);
	while (atomic_load(&counter) < 1000)
		;
	bad |= vfork_copy("a thread spinning");
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	return bad;
}
