# SPDX-License-Identifier: GPL-2.0
#
# tools/syscall-diff's normaliser: a strace -f -o FILE (or vmm --trace-file
# FILE) log in, one record per system call out:
#
#	SEQ <TAB> PROC <TAB> KEY <TAB> LINE
#
# SEQ the call's place in the log (where it started), PROC P1, P2, ... (the
# first process, then children in the order their parents' fork/clone
# calls returned them, process by process), KEY the call's name and its
# normalised result, LINE the call as logged with the pid replaced by PROC.
#
# -v skip_execs=N: drop the first process's calls up to and including its
# Nth successful execve (strace's own exec of the program, and chroot's).
#
# Normalised: pids (results of the calls that return one) to P1, P2, ...
# (PX for one outside the run); mmap/mremap/brk/shmat results to ADDR;
# time/times results to TIME; the lengths read from /proc files and
# returned by getcwd and readlink (the paths and addresses differ by
# nature) to LEN; errors to "-1 ENAME".  Dropped: signal and exit lines
# (---, +++), calls interrupted by a signal (? ERESTART...) or that never
# returned (the process was killed in them), their
# restart_syscall and the handlers' rt_sigreturn, whose place depends on
# when a signal arrived; the calls the vDSO answers natively without a
# system call (clock_gettime, gettimeofday, time, clock_getres, getcpu),
# which the monitor, without a vDSO, sees.

BEGIN {
	FS = "\n"
	n = 0
	pidcall["fork"] = pidcall["vfork"] = pidcall["clone"] = pidcall["clone3"] = 1
	pidcall["getpid"] = pidcall["getppid"] = pidcall["gettid"] = 1
	pidcall["set_tid_address"] = pidcall["wait4"] = pidcall["getpgid"] = 1
	pidcall["getpgrp"] = pidcall["getsid"] = pidcall["setsid"] = 1
	forks["fork"] = forks["vfork"] = forks["clone"] = forks["clone3"] = 1
	addrcall["mmap"] = addrcall["mremap"] = addrcall["brk"] = addrcall["shmat"] = 1
	timecall["time"] = timecall["times"] = 1
	lencall["getcwd"] = lencall["readlink"] = lencall["readlinkat"] = 1
	readcall["read"] = readcall["pread64"] = readcall["readv"] = readcall["preadv"] = 1
	# natively in the vDSO, without a system call; the monitor has no vDSO
	vdso["clock_gettime"] = vdso["gettimeofday"] = vdso["time"] = 1
	vdso["clock_getres"] = vdso["getcpu"] = 1
}

# a line of a process: "PID rest" (strace -f -o pads the pid to 5)
/^[0-9]+ / {
	pid = $0
	sub(/ .*/, "", pid)
	rest = $0
	sub(/^[0-9]+ +/, "", rest)
	if (rest ~ /^(---|\+\+\+) /)
		next
	if (rest ~ /^<\.\.\. [a-z_0-9]+ resumed>/) {
		sub(/^<\.\.\. [a-z_0-9]+ resumed>/, "", rest)
		if (!(pid in pending))
			next
		i = pending[pid]
		delete pending[pid]
		text[i] = text[i] rest
		if (rest ~ /<unfinished \.\.\.>$/) {
			sub(/ <unfinished \.\.\.>$/, "", text[i])
			pending[pid] = i
		}
		next
	}
	n++
	owner[n] = pid
	text[n] = rest
	if (!(pid in seen)) {
		seen[pid] = 1
		order[++nprocs] = pid
	}
	if (rest ~ /<unfinished \.\.\.>$/) {
		sub(/ <unfinished \.\.\.>$/, "", text[n])
		pending[pid] = n
	}
	next
}

function call_name(s) {
	sub(/\(.*/, "", s)
	return s
}

# where the last " = " is, 0 when the call never returned
function result_at(s,    p, q) {
	p = 0
	while ((q = index(substr(s, p + 1), " = ")) > 0)
		p += q + 2
	return p
}

function call_result(s,    p) {
	p = result_at(s)
	return p ? substr(s, p + 1) : ""
}

# strace's column padding before " = " goes: it depends on the pid's width
function unpadded(s,    p, call) {
	p = result_at(s)
	if (!p)
		return s
	call = substr(s, 1, p - 3)
	sub(/ +$/, "", call)
	return call " = " substr(s, p + 1)
}

function first_word(s) {
	sub(/ .*/, "", s)
	return s
}

# the first quoted string of the arguments: the path of open and friends
function first_path(s) {
	if (!match(s, /"[^"]*"/))
		return ""
	return substr(s, RSTART + 1, RLENGTH - 2)
}

# the first argument, an fd
function first_arg(s) {
	sub(/^[a-z_0-9]+\(/, "", s)
	sub(/[,)].*/, "", s)
	return s
}

function pidname(p) {
	if (p in num)
		return "P" num[p]
	return "PX"
}

# the children of each process, in the order its calls returned them
function number_processes(    q, head, i, p, name, r) {
	nextnum = 0
	head = 1
	q = 0
	if (nprocs == 0)
		return
	num[order[1]] = ++nextnum
	queue[++q] = order[1]
	while (head <= q) {
		p = queue[head++]
		for (i = 1; i <= n; i++) {
			if (owner[i] != p || dropped[i])
				continue
			name = call_name(text[i])
			if (!(name in forks))
				continue
			r = first_word(call_result(text[i]))
			if (r ~ /^[0-9]+$/ && r + 0 > 0 && !(r in num)) {
				num[r] = ++nextnum
				queue[++q] = r
			}
		}
	}
	# processes nobody's fork returned (a log cut short): after the rest
	for (i = 1; i <= nprocs; i++)
		if (!(order[i] in num))
			num[order[i]] = ++nextnum
}

function normal_result(name, r, pid, line,    w, fd, key) {
	if (r == "")
		return "(no result)"
	if (r ~ /^-1 E/) {
		w = r
		sub(/^-1 /, "", w)
		return "-1 " first_word(w)
	}
	if (r ~ /^\?/)
		return "?"
	w = first_word(r)
	if (name in addrcall)
		return "ADDR"
	if (name in timecall)
		return "TIME"
	if (name in lencall)
		return "LEN"
	if (name in pidcall && w ~ /^[0-9]+$/ && w + 0 > 0)
		return pidname(w)
	if (name in readcall) {
		fd = first_arg(line)
		if ((pid SUBSEP fd) in procfd)
			return "LEN"
	}
	return w
}

# /proc files opened: their reads' lengths differ by nature
function track_fds(pid, name, line, r,    path, fd) {
	if (name == "open" || name == "openat") {
		path = first_path(line)
		if (path ~ /^\/proc\// && r ~ /^[0-9]+$/)
			procfd[pid SUBSEP r] = 1
	} else if (name == "close") {
		fd = first_arg(line)
		delete procfd[pid SUBSEP fd]
	}
}

END {
	# the exec(s) that start the program natively
	if (skip_execs > 0 && nprocs > 0) {
		execs = 0
		for (i = 1; i <= n && execs < skip_execs; i++) {
			if (owner[i] != order[1])
				continue
			dropped[i] = 1
			if (call_name(text[i]) == "execve" && first_word(call_result(text[i])) == "0")
				execs++
		}
	}
	number_processes()
	for (i = 1; i <= n; i++) {
		if (dropped[i])
			continue
		name = call_name(text[i])
		r = call_result(text[i])
		if (r == "" || r ~ /^\? ERESTART/ || name == "restart_syscall" ||
		    name == "rt_sigreturn" || name in vdso)
			continue
		track_fds(owner[i], name, text[i], first_word(r))
		key = name " = " normal_result(name, r, owner[i], text[i])
		printf "%d\t%s\t%s\t%s\n", i, pidname(owner[i]), key, unpadded(text[i])
	}
}
