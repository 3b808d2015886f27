#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration tests: each guest test program runs natively and under the
# monitor, and stdout plus exit status must be identical.  Then the
# monitor's own behaviour: crash reports, bad input, --trace/--stats.
#
# usage: run.sh VMM GUEST_DIR
VMM=$1
GUEST=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
pass=0
fail=0

ok() { pass=$((pass + 1)); printf '  ok    %s\n' "$1"; }
bad() { fail=$((fail + 1)); printf '  FAIL  %s\n' "$1"; [ -f "$2" ] && sed 's/^/        /' "$2" | head -40; }

if [ ! -e /dev/kvm ]; then
	echo "integration tests: SKIPPED: /dev/kvm does not exist (no KVM on this machine)"
	exit 0
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	echo "integration tests: SKIPPED: no read/write permission on /dev/kvm"
	exit 0
fi

if ! "$VMM" "$GUEST/test_args" >/dev/null 2>"$TMP/probe.err" && grep -q 'kvm\|KVM' "$TMP/probe.err"; then
	echo "integration tests: SKIPPED: KVM is not usable here: $(head -1 "$TMP/probe.err")"
	exit 0
fi

# run NAME STDIN ARGS...: native vs monitor, stdout and status
compare() {
	name=$1 input=$2
	shift 2
	prog=$GUEST/$name
	TEST_A="one two" TEST_B= "$prog" "$@" <"$input" >"$TMP/native.out" 2>/dev/null
	echo "status $?" >>"$TMP/native.out"
	TEST_A="one two" TEST_B= "$VMM" --check $VMM_OPTS "$prog" "$@" <"$input" >"$TMP/vmm.out" 2>"$TMP/vmm.err"
	echo "status $?" >>"$TMP/vmm.out"
	if cmp -s "$TMP/native.out" "$TMP/vmm.out"; then
		ok "$name $*${VMM_OPTS:+ ($VMM_OPTS)}"
	else
		diff -u "$TMP/native.out" "$TMP/vmm.out" >"$TMP/diff"
		cat "$TMP/vmm.err" >>"$TMP/diff"
		bad "$name $*: output differs from a native run" "$TMP/diff"
	fi
}

echo "integration tests (native vs $VMM):"
printf 'abcdefghij\nsecond line\n' >"$TMP/input"
compare test_mmap /dev/null
compare test_brk /dev/null
compare test_rlimit /dev/null
compare test_errno /dev/null
compare test_args /dev/null "a b" "" c
compare test_file /dev/null
compare test_stdio "$TMP/input"
compare test_platform /dev/null
compare test_stale_unmap /dev/null
compare test_stale_protect /dev/null
compare test_crash /dev/null
compare test_bigcommit /dev/null
compare test_mremap /dev/null
compare test_pt_reuse /dev/null
compare test_fork /dev/null
compare test_shared_file /dev/null
compare test_thp /dev/null
for t in ud2 int3 div out outsys in hlt cli kernel exec abort; do
	compare test_trap /dev/null $t
done
compare test_signal_segv /dev/null
compare test_signal_bus /dev/null
compare test_signal_kill /dev/null
compare test_signal_fpu /dev/null
compare test_signal_altstack /dev/null
for t in resethand blocked ignored fpe-blocked nested overflow sigreturn restorer \
	 abort term usr1 kill unblock ignore; do
	compare test_signal_fatal /dev/null $t
done

# The same programs with the fast paths switched: every one off (the
# #PF-at-LSTAR entry, IRET returns, one entry per exit, no fault-around,
# no THP), and every one on, anonymous fault-around and THP for all too.
# That last one is not Linux: it maps pages nobody touched, so the
# programs that print RSS or mincore (test_mmap, test_shared_file) are
# compared only with the first.
for VMM_OPTS in "--fast-paths off" "--fault-around 64K --thp always"; do
	for t in test_fork test_mremap test_pt_reuse test_bigcommit \
		 test_signal_segv test_signal_altstack test_thp; do
		compare $t /dev/null
	done
	if [ "$VMM_OPTS" = "--fast-paths off" ]; then
		compare test_mmap /dev/null
		compare test_shared_file /dev/null
	fi
	compare test_trap /dev/null int3
done
VMM_OPTS=

# expect NAME PATTERN FILE: a line of the monitor's stderr
expect() {
	if grep -q -- "$2" "$3"; then ok "$1"; else bad "$1 (no '$2')" "$3"; fi
}

echo "crash report:"
"$VMM" "$GUEST/test_crash" >/dev/null 2>"$TMP/crash.err"
st=$?
[ $st -eq 139 ] && ok "killed by SIGSEGV: status 139" || bad "status $st, want 139" "$TMP/crash.err"
expect "report names the signal" "killed by SEGV" "$TMP/crash.err"
expect "report names the address" "fault address: 0xdead000" "$TMP/crash.err"
expect "report names the access" "access: write, user mode" "$TMP/crash.err"
expect "report disassembles the instruction" "^  > [0-9a-f]*: .*mov" "$TMP/crash.err"
expect "report shows the neighbouring mappings" "is not mapped" "$TMP/crash.err"

echo "bad input:"
# check NAME WANT-PATTERN CMD...: non-zero status, one clear line
check_bad() {
	name=$1 want=$2
	shift 2
	"$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
	st=$?
	if [ $st -ne 0 ] && [ $st -lt 128 ] && grep -q -- "$want" "$TMP/bad.err"; then
		ok "$name"
	else
		echo "status $st" >>"$TMP/bad.err"
		bad "$name" "$TMP/bad.err"
	fi
}
check_bad "missing file" "No such file" "$VMM" "$TMP/nonexistent"
printf 'hello\n' >"$TMP/text"
check_bad "not ELF" "not an ELF" "$VMM" "$TMP/text"
cp "$GUEST/test_args" "$TMP/arm"
printf '\267\000' | dd of="$TMP/arm" bs=1 seek=18 conv=notrunc 2>/dev/null
check_bad "foreign architecture" "not an x86-64" "$VMM" "$TMP/arm"
check_bad "dynamically linked" "link it with -static" "$VMM" /bin/true
check_bad "too little --mem" "too small" "$VMM" --mem 1M "$GUEST/test_args"
check_bad "bad --mem" "not a size" "$VMM" --mem lots "$GUEST/test_args"
check_bad "no program" "usage" "$VMM"
check_bad "bad --fast-exit" "say on or off" "$VMM" --fast-exit yes "$GUEST/test_args"
check_bad "bad --fault-around" "power of two" "$VMM" --fault-around 3K "$GUEST/test_args"
"$VMM" --mem 6M "$GUEST/test_platform" >/dev/null 2>"$TMP/small.err"
st=$?
[ $st -ne 0 ] && [ $st -lt 140 ] && ok "6M guest runs out of memory cleanly (status $st)" ||
	bad "6M guest: status $st" "$TMP/small.err"

echo "reclaim and swap:"
# test_swap touches 4x --mem in anonymous memory, forks and verifies every
# byte in both processes; a memfd, a shared anonymous mapping and a host
# file mapped MAP_SHARED keep their data.  The file it leaves must equal
# the native run's: the pages written under pressure reached the host file.
absvmm=$(cd "$(dirname "$VMM")" && pwd)/$(basename "$VMM")
absguest=$(cd "$GUEST" && pwd)
mkdir -p "$TMP/swap-native" "$TMP/swap-vmm" "$TMP/oom"
(cd "$TMP/swap-native" && "$absguest/test_swap" 64 keep) >"$TMP/swap-native.out" 2>&1
echo "status $?" >>"$TMP/swap-native.out"
(cd "$TMP/swap-vmm" && "$absvmm" --check --mem 16M --swap 128M --stats "$absguest/test_swap" 64 keep) \
	>"$TMP/swap-vmm.out" 2>"$TMP/swap.err"
echo "status $?" >>"$TMP/swap-vmm.out"
if cmp -s "$TMP/swap-native.out" "$TMP/swap-vmm.out"; then
	ok "test_swap 64 MiB under --mem 16M --swap 128M"
else
	diff -u "$TMP/swap-native.out" "$TMP/swap-vmm.out" >"$TMP/diff"
	cat "$TMP/swap.err" >>"$TMP/diff"
	bad "test_swap: output differs from a native run" "$TMP/diff"
fi
if cmp -s "$TMP/swap-native/test_swap.tmp/data" "$TMP/swap-vmm/test_swap.tmp/data"; then
	ok "shared file written under pressure reached the host file"
else
	bad "shared file differs from the native run's" "$TMP/swap.err"
fi
expect "--stats shows pages swapped out" "swapped_out=[1-9]" "$TMP/swap.err"
expect "--stats shows pages swapped in" "swapped_in=[1-9]" "$TMP/swap.err"
(cd "$TMP/oom" && "$absvmm" --mem 16M "$absguest/test_swap" 64 oom) >/dev/null 2>"$TMP/oom.err"
st=$?
[ $st -eq 137 ] && ok "no swap: OOM-killed, status 137" || bad "no swap: status $st, want 137" "$TMP/oom.err"
expect "OOM kill reported as Linux does" "Out of memory: Killed process [0-9]* (test_swap)" "$TMP/oom.err"

echo "diagnostics:"
"$VMM" --trace --stats --maps "$GUEST/test_args" x >/dev/null 2>"$TMP/diag.err"
expect "--trace shows system calls" "^exit_group(2) = ?" "$TMP/diag.err"
expect "--trace shows page faults" "^\[fault\] 0x[0-9a-f]* fetch" "$TMP/diag.err"
expect "--stats shows exits" "exits: io=" "$TMP/diag.err"
expect "--stats shows faults by kind" "faults: .*file" "$TMP/diag.err"
expect "--stats shows the commit log" "commit log:" "$TMP/diag.err"
expect "--maps shows the stack" "\[stack\]" "$TMP/diag.err"
expect "--stats shows the time in KVM_RUN" "in KVM_RUN [0-9]* ([0-9.]*%)" "$TMP/diag.err"
# the histograms count every fault once: their totals equal the counters
want=$(sed -n 's/^faults: .*file=\([0-9]*\).*/\1/p' "$TMP/diag.err")
got=$(sed -n 's/^  file: \([0-9]*\) faults.*/\1/p' "$TMP/diag.err")
[ -n "$want" ] && [ "$want" = "$got" ] && ok "--stats histogram: $got file faults" ||
	bad "--stats histogram: file faults $got, counter $want" "$TMP/diag.err"
# a large commit (test_bigcommit unmaps thousands of pages) goes to the
# ring-3 helper, and its output is still the native one (compared above)
"$VMM" --stats "$GUEST/test_bigcommit" >/dev/null 2>"$TMP/r3.err"
if grep -q "^platform: shadow.*IN/OUT at CPL 3 \(not refused\|refused, allowed\)" "$TMP/r3.err"; then
	expect "--ring3-commit writes large commits at CPL 3" "written at CPL 3=[1-9]" "$TMP/r3.err"
else
	expect "--ring3-commit off where the platform needs no re-writes or refuses OUT at CPL 3" \
		"ring3-commit off: " "$TMP/r3.err"
fi
# one exit per system call with the SYSCALL entry page, none of them a #PF
"$VMM" --stats "$GUEST/test_args" >/dev/null 2>"$TMP/exits.err"
sys=$(sed -n 's/^syscalls: \([0-9]*\)/\1/p' "$TMP/exits.err")
pf=$(sed -n 's/^traps:.*#PF=\([0-9]*\).*/\1/p' "$TMP/exits.err")
io=$(sed -n 's/^exits:.*io=\([0-9]*\).*/\1/p' "$TMP/exits.err")
[ -n "$sys" ] && [ "$io" -le $((sys + ${pf:-0} + 4)) ] &&
	ok "--fast-exit: $io exits for $sys system calls and ${pf:-0} faults" ||
	bad "--fast-exit: $io exits for $sys system calls and ${pf:-0} faults" "$TMP/exits.err"

echo "root confinement:"
mkdir -p "$TMP/root/sub"
echo inside >"$TMP/root/sub/file"
echo outside >"$TMP/secret"
ln -s ../../secret "$TMP/root/sub/escape"
for path in /sub/file sub/file /sub/../sub/file /sub/escape /../secret "$TMP/secret"; do
	"$VMM" --root "$TMP/root" "$GUEST/test_catfile" "$path" >"$TMP/cat.out" 2>&1
	if grep -q outside "$TMP/cat.out"; then
		bad "--root: $path escapes" "$TMP/cat.out"
	else
		ok "--root: $path -> $(head -1 "$TMP/cat.out")"
	fi
done

echo "platform (the start-up probe; fork, COW and large commits with the defaults):"
"$VMM" --stats "$GUEST/test_args" >/dev/null 2>"$TMP/plat.err"
expect "--stats names the platform the probe found" "^platform: \(npt\|shadow\) (auto)" "$TMP/plat.err"
for p in "" "--platform shadow"; do
	for t in test_bigcommit test_fork; do
		"$VMM" $p "$GUEST/$t" >/dev/null 2>"$TMP/nobug.err"
		if grep -q "monitor bug" "$TMP/nobug.err"; then
			bad "$t ${p:-(defaults)}: monitor bug" "$TMP/nobug.err"
		else
			ok "$t ${p:-(defaults)}: no monitor bug"
		fi
	done
done
compare test_fault_regs /dev/null
VMM_OPTS="--platform shadow"
compare test_fork /dev/null
compare test_bigcommit /dev/null
compare test_fault_regs /dev/null
VMM_OPTS=
if grep -q "^platform: shadow" "$TMP/plat.err"; then
	"$VMM" --platform npt "$GUEST/test_args" >/dev/null 2>"$TMP/npt.err"
	[ $? -ne 0 ] && [ "$(wc -l <"$TMP/npt.err")" -eq 1 ] &&
		ok "--platform npt refused under shadow paging, in one line" ||
		bad "--platform npt under shadow paging" "$TMP/npt.err"
else
	VMM_OPTS="--platform npt"
	compare test_fork /dev/null
	VMM_OPTS=
fi

echo "integration tests: $pass passed, $fail failed"
[ $fail -eq 0 ]
