# SPDX-License-Identifier: GPL-2.0
#
# tools/syscall-diff's comparison: two normalised logs (syscall-diff-norm.awk),
# the native one first.  Each process's calls are compared in order, by
# name and normalised result; the first difference (the one that comes
# first in the monitor's log) is printed with -v context=N calls around it
# from both sides, and the exit status is 1.  No difference: a summary
# line, status 0.

BEGIN { FS = "\t" }

FNR == 1 { side++ }

{
	p = $2
	if (side == 1) {
		k = ++nn[p]
		nkey[p, k] = $3
		nline[p, k] = $4
		nseq[p, k] = $1 + 0
		ncalls++
	} else {
		k = ++mn[p]
		mkey[p, k] = $3
		mline[p, k] = $4
		mseq[p, k] = $1 + 0
		mcalls++
	}
	if (!(p in procs))
		nprocs++
	procs[p] = 1
}

function show(label, p, k, count, line,    i, from, to) {
	from = k - context
	if (from < 1)
		from = 1
	to = k + 2
	if (to > count)
		to = count
	printf "%s:\n", label
	if (from > to)
		printf "    (no calls)\n"
	for (i = from; i <= to; i++)
		printf "  %s %s %s\n", i == k ? ">" : " ", p, line[p, i]
	if (k > count)
		printf "  > %s (no more calls: the process ended here)\n", p
}

END {
	if (!ncalls) {
		print "syscall-diff: the native log has no system calls" > "/dev/stderr"
		exit 2
	}
	best = ""
	for (p in procs) {
		for (k = 1; k <= nn[p] || k <= mn[p]; k++)
			if (k > nn[p] || k > mn[p] || nkey[p, k] != mkey[p, k])
				break
		if (k > nn[p] && k > mn[p])
			continue
		# the order: where the monitor's log has it, else the native one's
		order = k <= mn[p] ? mseq[p, k] : 1e9 + nseq[p, k]
		if (best == "" || order < best_order) {
			best = p
			best_k = k
			best_order = order
		}
	}
	if (best == "") {
		printf "syscall-diff: no difference: %d system calls in %d process(es) agree\n", \
			ncalls, nprocs
		exit 0
	}
	p = best
	k = best_k
	if (k > mn[p])
		what = "the monitor's process ends before it"
	else if (k > nn[p])
		what = "the native process ended before it"
	else if (substr(nkey[p, k], 1, index(nkey[p, k], " = ")) != \
		 substr(mkey[p, k], 1, index(mkey[p, k], " = ")))
		what = "a different call"
	else
		what = "a different result"
	printf "syscall-diff: first difference: %s, call %d: %s\n", p, k, what
	if (k <= nn[p])
		printf "  native:  %s\n", nline[p, k]
	if (k <= mn[p])
		printf "  monitor: %s\n", mline[p, k]
	if (k <= nn[p] && k <= mn[p] && mkey[p, k] ~ / = -1 ENOSYS$/ && nkey[p, k] !~ / = -1 ENOSYS$/) {
		name = mkey[p, k]
		sub(/ = .*/, "", name)
		printf "  (ENOSYS from the monitor: %s is not implemented there)\n", name
	}
	show("native (strace -f)", p, k, nn[p], nline)
	show("monitor (--trace)", p, k, mn[p], mline)
	exit 1
}
