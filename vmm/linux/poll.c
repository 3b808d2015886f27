// SPDX-License-Identifier: GPL-2.0
/*
 * Waiting for files (Linux: fs/select.c): poll, ppoll, select, pselect6.
 * Each kind of file says what it is ready for (vfile_ops.poll); a call
 * with nothing ready sleeps (process.c: sleep_on) until any pipe changes,
 * the host fd of a stdio file is ready, its deadline, or a signal, and is
 * then retried: the deadline is kept in the process across the retries.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <time.h>

#include "fs.h"
#include "syscalls.h"

#define DEFAULT_POLLMASK	(POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
#define POLLIN_SET	(POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET	(POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET	(POLLPRI)
#define NO_DEADLINE	INT64_MAX
#define NSEC_PER_SEC	1000000000LL

/* a host fd's readiness now, without waiting (the monitor's stdio) */
unsigned int host_poll(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT | POLLPRI };

	if (poll(&pfd, 1, 0) < 0)
		return DEFAULT_POLLMASK;
	if (pfd.revents & POLLIN)
		pfd.revents |= POLLRDNORM;
	if (pfd.revents & POLLOUT)
		pfd.revents |= POLLWRNORM;
	return pfd.revents & ~POLLNVAL;
}

/* vfs_poll(): a file without a poll op is always ready */
unsigned int vfile_poll(struct vmm *vmm, struct vfile *vf)
{
	return vf->ops->poll ? vf->ops->poll(vmm, vf) : DEFAULT_POLLMASK;
}

/* a read or write on @vf would block: sleep until it may not */
void vfile_wait(struct vmm *vmm, struct vfile *vf, short events)
{
	if (vf->kind == VF_PIPE) {
		sleep_on(vmm, vf->priv, 0, -ERESTARTSYS);
		return;
	}
	sleep_on(vmm, NULL, 0, -ERESTARTSYS);
	if (vf->host_fd >= 0)
		sleep_on_host(vmm, vf->host_fd, events);
}

static int64_t ts_ns(const struct timespec *ts)
{
	if (ts->tv_sec >= (NO_DEADLINE - ts->tv_nsec) / NSEC_PER_SEC - 1)
		return NO_DEADLINE / 2;
	return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

/* the call's deadline: set on entry, kept while it sleeps and is retried */
static int64_t call_deadline(struct vmm *vmm, int64_t rel_ns)
{
	struct process *p = vmm->cur;

	if (!p->retrying)
		p->timeout_ns = rel_ns < 0 ? NO_DEADLINE : now_ns() + rel_ns;
	return p->timeout_ns;
}

/* the time left, for select's and ppoll's write-back */
static struct timespec time_left(int64_t deadline)
{
	int64_t left = deadline - now_ns();
	struct timespec ts = { 0, 0 };

	if (left > 0) {
		ts.tv_sec = left / NSEC_PER_SEC;
		ts.tv_nsec = left % NSEC_PER_SEC;
	}
	return ts;
}

/*
 * Nothing is ready: sleep on every pipe (WAIT_ANY_CHAN) and on the first host
 * fd that is not ready, until @deadline.  @intr is what a signal makes of
 * the call.
 */
static long poll_sleep(struct vmm *vmm, int64_t deadline, int host_fd, short host_events,
		       long intr)
{
	if (signal_pending(vmm->cur))
		return intr;
	if (deadline <= now_ns())
		return 0;
	sleep_on(vmm, WAIT_ANY_CHAN, deadline == NO_DEADLINE ? 0 : deadline, intr);
	if (host_events)
		sleep_on_host(vmm, host_fd, host_events);
	return intr;
}

/* ---- poll, ppoll ---- */

/* do_pollfd() on each: the count of entries with something to report */
static int poll_scan(struct vmm *vmm, struct pollfd *fds, unsigned int n, int *host_fd,
		     short *host_events)
{
	unsigned int i;
	int count = 0;

	*host_events = 0;
	for (i = 0; i < n; i++) {
		struct vfile *vf;
		unsigned int mask;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		vf = fd_get(vmm, (uint64_t)fds[i].fd);
		if (!vf) {
			fds[i].revents = POLLNVAL;
			count++;
			continue;
		}
		mask = vfile_poll(vmm, vf) & ((unsigned short)fds[i].events | POLLERR | POLLHUP);
		fds[i].revents = (short)mask;
		if (mask)
			count++;
		else if (vf->kind != VF_PIPE && vf->host_fd >= 0 && !*host_events) {
			*host_fd = vf->host_fd;
			*host_events = fds[i].events;
		}
	}
	return count;
}

/* do_sys_poll(): the revents go back whatever the outcome */
static long do_poll(struct vmm *vmm, uint64_t ufds, uint64_t nfds, int64_t deadline,
		    long intr)
{
	struct pollfd *fds = NULL;
	short host_events;
	int host_fd = -1;
	long ret;
	size_t i;

	if (nfds > vmm->cur->rlim[RLIMIT_NOFILE][0])
		return -EINVAL;
	if (nfds) {
		fds = calloc(nfds, sizeof(*fds));
		if (!fds)
			return -ENOMEM;
		if (copy_from_user(vmm, fds, ufds, nfds * sizeof(*fds))) {
			free(fds);
			return -EFAULT;
		}
	}
	ret = poll_scan(vmm, fds, nfds, &host_fd, &host_events);
	if (!ret)
		ret = poll_sleep(vmm, deadline, host_fd, host_events, intr);
	for (i = 0; i < nfds; i++) {
		if (copy_to_user(vmm, ufds + i * sizeof(*fds) + offsetof(struct pollfd, revents),
				 &fds[i].revents, sizeof(fds[i].revents))) {
			ret = -EFAULT;
			break;
		}
	}
	free(fds);
	return ret;
}

long sys_poll(struct vmm *vmm, const uint64_t *a)
{
	int ms = (int)a[2];
	int64_t deadline = call_deadline(vmm, ms < 0 ? -1 : (int64_t)ms * 1000000);

	/* restart_block: a handler or not, the caller sees EINTR */
	return do_poll(vmm, a[0], a[1], deadline, -ERESTART_RESTARTBLOCK);
}

/*
 * set_user_sigmask() for the wait, and restore_saved_sigmask_unless():
 * when a signal interrupts, the mask comes back after its handler.
 */
static long set_wait_mask(struct vmm *vmm, uint64_t umask, uint64_t size)
{
	struct sigstate *s = &vmm->cur->sig;
	uint64_t set;

	if (!umask || vmm->cur->retrying)
		return 0;
	if (size != 8)
		return -EINVAL;
	if (copy_from_user(vmm, &set, umask, 8))
		return -EFAULT;
	s->saved_mask = s->blocked;
	s->restore_mask = true;
	s->blocked = set & ~((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)));
	return 0;
}

static void end_wait_mask(struct vmm *vmm, long ret)
{
	struct sigstate *s = &vmm->cur->sig;

	if (vmm->cur->state == P_SLEEPING || ret == -ERESTARTNOHAND || !s->restore_mask)
		return;
	s->restore_mask = false;
	s->blocked = s->saved_mask;
}

/* read a timespec timeout: -1 for none */
static long get_timeout(struct vmm *vmm, uint64_t uts, int64_t *rel)
{
	struct timespec ts;

	*rel = -1;
	if (!uts || vmm->cur->retrying)
		return 0;
	if (copy_from_user(vmm, &ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	*rel = ts_ns(&ts);
	return 0;
}

/* poll_select_finish(): the time left goes back, unless the timeout was 0 */
static long put_timeout(struct vmm *vmm, uint64_t uts, int64_t deadline, bool timeval,
			long ret)
{
	struct timespec ts;

	if (!uts || deadline == NO_DEADLINE || vmm->cur->state == P_SLEEPING)
		return ret;
	ts = time_left(deadline);
	if (timeval) {
		struct timeval tv = { ts.tv_sec, ts.tv_nsec / 1000 };
		struct timeval old;

		if (!copy_from_user(vmm, &old, uts, sizeof(old)) && !old.tv_sec && !old.tv_usec)
			return ret;
		if (copy_to_user(vmm, uts, &tv, sizeof(tv)) && ret == -ERESTARTNOHAND)
			return -EINTR;
		return ret;
	}
	if (copy_to_user(vmm, uts, &ts, sizeof(ts)) && ret == -ERESTARTNOHAND)
		return -EINTR;
	return ret;
}

long sys_ppoll(struct vmm *vmm, const uint64_t *a)
{
	int64_t rel, deadline;
	long ret;

	ret = get_timeout(vmm, a[2], &rel);
	if (ret)
		return ret;
	ret = set_wait_mask(vmm, a[3], a[4]);
	if (ret)
		return ret;
	deadline = call_deadline(vmm, rel);
	ret = do_poll(vmm, a[0], a[1], deadline, -ERESTARTNOHAND);
	end_wait_mask(vmm, ret);
	return put_timeout(vmm, a[2], deadline, false, ret);
}

/* ---- select, pselect6 ---- */

/* the fd table's size as select sees it: 64 until a descriptor needs more */
static int select_max_fds(struct vmm *vmm)
{
	int fd;

	for (fd = MAX_FDS - 1; fd >= 64; fd--)
		if (vmm->cur->fds[fd])
			return MAX_FDS;
	return 64;
}

#define SET_WORDS(n)	(((n) + 63) / 64)

struct fd_sets {
	uint64_t in[SET_WORDS(MAX_FDS)], out[SET_WORDS(MAX_FDS)], ex[SET_WORDS(MAX_FDS)];
};

static bool bit(const uint64_t *set, int fd)
{
	return set[fd / 64] & (1ULL << (fd % 64));
}

/* do_select()'s pass over the descriptors: the ready count, or -EBADF */
static long select_scan(struct vmm *vmm, int n, const struct fd_sets *want,
			struct fd_sets *res, int *host_fd, short *host_events)
{
	long count = 0;
	int fd;

	memset(res, 0, sizeof(*res));
	*host_events = 0;
	for (fd = 0; fd < n; fd++) {
		bool i = bit(want->in, fd), o = bit(want->out, fd), e = bit(want->ex, fd);
		struct vfile *vf;
		unsigned int mask;

		if (!i && !o && !e)
			continue;
		vf = fd_get(vmm, fd);
		if (!vf)
			return -EBADF;
		mask = vfile_poll(vmm, vf);
		if (i && (mask & POLLIN_SET)) {
			res->in[fd / 64] |= 1ULL << (fd % 64);
			count++;
		}
		if (o && (mask & POLLOUT_SET)) {
			res->out[fd / 64] |= 1ULL << (fd % 64);
			count++;
		}
		if (e && (mask & POLLEX_SET)) {
			res->ex[fd / 64] |= 1ULL << (fd % 64);
			count++;
		}
		if (!(mask & ((i ? POLLIN_SET : 0) | (o ? POLLOUT_SET : 0) | (e ? POLLEX_SET : 0))) &&
		    vf->kind != VF_PIPE && vf->host_fd >= 0 && !*host_events) {
			*host_fd = vf->host_fd;
			*host_events = (i ? POLLIN : 0) | (o ? POLLOUT : 0) | (e ? POLLPRI : 0);
		}
	}
	return count;
}

static int get_set(struct vmm *vmm, uint64_t *set, uint64_t uset, int n)
{
	memset(set, 0, SET_WORDS(MAX_FDS) * 8);
	if (!uset || !n)
		return 0;
	return copy_from_user(vmm, set, uset, SET_WORDS(n) * 8) ? -EFAULT : 0;
}

static int put_set(struct vmm *vmm, const uint64_t *set, uint64_t uset, int n)
{
	if (!uset || !n)
		return 0;
	return copy_to_user(vmm, uset, set, SET_WORDS(n) * 8) ? -EFAULT : 0;
}

/* core_sys_select() */
static long do_select(struct vmm *vmm, const uint64_t *a, int64_t deadline)
{
	struct fd_sets want, res;
	int n = (int)a[0], max = select_max_fds(vmm), host_fd = -1;
	short host_events;
	long ret;

	if (n < 0)
		return -EINVAL;
	if (n > max)
		n = max;
	if (get_set(vmm, want.in, a[1], n) || get_set(vmm, want.out, a[2], n) ||
	    get_set(vmm, want.ex, a[3], n))
		return -EFAULT;
	/* bits past n in the last word are not asked for */
	if (n % 64) {
		uint64_t keep = (1ULL << (n % 64)) - 1;

		want.in[n / 64] &= keep;
		want.out[n / 64] &= keep;
		want.ex[n / 64] &= keep;
	}
	ret = select_scan(vmm, n, &want, &res, &host_fd, &host_events);
	if (ret < 0)
		return ret;
	if (!ret) {
		ret = poll_sleep(vmm, deadline, host_fd, host_events, -ERESTARTNOHAND);
		if (ret)
			return ret;
	}
	if (put_set(vmm, res.in, a[1], n) || put_set(vmm, res.out, a[2], n) ||
	    put_set(vmm, res.ex, a[3], n))
		return -EFAULT;
	return ret;
}

long sys_select(struct vmm *vmm, const uint64_t *a)
{
	int64_t rel = -1, deadline;
	struct timeval tv;
	long ret;

	if (a[4] && !vmm->cur->retrying) {
		if (copy_from_user(vmm, &tv, a[4], sizeof(tv)))
			return -EFAULT;
		/* poll_select_set_timeout(): microseconds past a second carry */
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		rel = tv.tv_sec + tv.tv_usec / 1000000 >= INT64_MAX / NSEC_PER_SEC / 2 ?
		      NO_DEADLINE / 2 :
		      (tv.tv_sec + tv.tv_usec / 1000000) * NSEC_PER_SEC +
		      (tv.tv_usec % 1000000) * 1000;
	}
	deadline = call_deadline(vmm, rel);
	ret = do_select(vmm, a, deadline);
	return put_timeout(vmm, a[4], deadline, true, ret);
}

long sys_pselect6(struct vmm *vmm, const uint64_t *a)
{
	uint64_t sig[2] = { 0, 0 };
	int64_t rel, deadline;
	long ret;

	ret = get_timeout(vmm, a[4], &rel);
	if (ret)
		return ret;
	if (a[5] && !vmm->cur->retrying && copy_from_user(vmm, sig, a[5], sizeof(sig)))
		return -EFAULT;
	ret = set_wait_mask(vmm, sig[0], sig[1]);
	if (ret)
		return ret;
	deadline = call_deadline(vmm, rel);
	ret = do_select(vmm, a, deadline);
	end_wait_mask(vmm, ret);
	return put_timeout(vmm, a[4], deadline, false, ret);
}
