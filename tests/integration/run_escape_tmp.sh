#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration tests: each guest test program runs natively and under the
# monitor, and stdout plus exit status must be identical.  Then the
# monitor's own behaviour: crash reports, bad input, --trace/--stats.
#
# In three steps, so that the monitor's runs can go to another machine:
#   1. each check runs its native side here and queues its monitor command
#      (one shell command line) in $TMP/batch, and its assertion in
#      $TMP/checks;
#   2. the batch runs, here when /dev/kvm is usable, otherwise in one boot
#      of the emulated machine (tools/emu/mode chooses; EMU=1 forces it,
#      EMU_OPTS passes options to tools/emu/emu); command N leaves
#      $RES/N.out, N.err and N.status;
#   3. the assertions run here, on those files.
# The native side always runs here: this kernel is the specification.
#
# usage: run.sh VMM GUEST_DIR
# INTEGRATION_SET=protocol runs only the checks whose outcome depends on
# the commit protocol (integration.mk's second pass); the default is all.
top=$(cd "$(dirname "$0")/../.." && pwd)
VMM=$1
GUEST=$2
# the programs open their own argv[0], which the monitor resolves under its
# --root (the current directory): relative paths, and absolute ones for
# the runs in another directory
absvmm=$(cd "$(dirname "$VMM")" && pwd)/$(basename "$VMM")
absguest=$(cd "$GUEST" && pwd)
pass=0
fail=0
SET=${INTEGRATION_SET:-all}

ok() { pass=$((pass + 1)); printf '  ok    %s\n' "$1"; }
bad() { fail=$((fail + 1)); printf '  FAIL  %s\n' "$1"; [ -f "$2" ] && sed 's/^/        /' "$2" | head -40; }

where=$(sh "$top/tools/emu/mode" "$VMM" "$GUEST/test_args") || {
	echo "integration tests: FAILED: the monitor has nowhere to run"
	exit 1
}
# beside the build: the machine shares it (and the files are large)
TMP=$(cd "$(mktemp -d "$(dirname "$GUEST")/integration.XXXXXX")" && pwd)
trap 'rm -rf "$TMP"' EXIT INT TERM
RES=$TMP/res
mkdir -p "$RES"
: >"$TMP/batch"
: >"$TMP/checks"
n=0

# q WORD...: the words quoted for sh -c
q() {
	for w; do
		printf "'%s' " "$(printf '%s' "$w" | sed "s/'/'\\\\''/g")"
	done
}

# mon LINE: queue a shell command line that runs the monitor; it is
# number $n, its results $RES/$n.out, .err and .status
mon() {
	n=$((n + 1))
	printf '%s\n' "$1" >>"$TMP/batch"
}

# later FUNC ARGS...: an assertion, for step 3
later() {
	printf '%s\n' "$(q "$@")" >>"$TMP/checks"
}

# st N: the status of monitor command N
st() {
	cat "$RES/$1.status"
}

# run NAME STDIN ARGS...: native vs monitor, stdout and status
compare() {
	name=$1 input=$2
	shift 2
	prog=$GUEST/$name
	TEST_A="one two" TEST_B= "$prog" "$@" <"$input" >"$TMP/native.$((n + 1))" 2>/dev/null
	echo "status $?" >>"$TMP/native.$((n + 1))"
	# --check after every exit of test_bigcommit takes three minutes under
	# TCG: in the emulated machine only its default run is checked
	check=--check
	[ "$where" != host ] && [ -n "$VMM_OPTS" ] && [ "$name" = test_bigcommit ] && check=
	mon "TEST_A='one two' TEST_B= $(q "$VMM") $check $VMM_OPTS $(q "$prog" "$@") <$(q "$input")"
	later compare_check $n "$name $*${VMM_OPTS:+ ($VMM_OPTS)}"
}

compare_check() {
	{ cat "$RES/$1.out"; echo "status $(st $1)"; } >"$TMP/vmm.out"
	if cmp -s "$TMP/native.$1" "$TMP/vmm.out"; then
		ok "$2"
	else
		diff -u "$TMP/native.$1" "$TMP/vmm.out" >"$TMP/diff"
		cat "$RES/$1.err" >>"$TMP/diff"
		bad "$2: output differs from a native run" "$TMP/diff"
	fi
}

expect() {
	if grep -q -- "$2" "$3"; then ok "$1"; else bad "$1 (no '$2')" "$3"; fi
}
nobug_check() {
	if grep -q "monitor bug" "$RES/$1.err"; then
		bad "$2: monitor bug" "$RES/$1.err"
	else
		ok "$2: no monitor bug"
	fi
}
# ---- no way out of the guest (README, "What the monitor promises") ----
# test_escape_io and test_escape_entry go where the program meets the
# platform's entry and I/O paths: in both sets.  The full scans run once
# without --check (tens of thousands of exits).
later echo "no way out of the guest:"
# escape_cmp PROG [ARG] [nocheck]: native vs monitor, with --check on this
# machine (in the emulated one, under TCG, tens of minutes: without)
escape_cmp() {
	"$GUEST/$1" ${2:+"$2"} >"$TMP/native.$((n + 1))" 2>/dev/null
	echo "status $?" >>"$TMP/native.$((n + 1))"
	check=--check
	[ "$where" = host ] && [ "$3" != nocheck ] || check=
	mon "$(q "$VMM") $check $ESC_OPTS $(q "$GUEST/$1") ${2:+$(q "$2")}"
	later compare_check $n "$1 ${2:+$2 }${check:-(without --check)} $ESC_OPTS"
}
escape_cmp test_escape_io
later nobug_check $n "test_escape_io"
# the IRET path: a refused IN used to be completed by KVM in its ring-0 stub
ESC_OPTS="--fast-paths off"
escape_cmp test_escape_io
later nobug_check $n "test_escape_io --fast-paths off"
ESC_OPTS=
escape_cmp test_escape_entry
later escape_entry_check $n
# what only the monitor has (the entry page), on stderr
escape_entry_check() {
	e=$RES/$1.err
	if ! grep -q "^under the monitor:" "$e"; then
		ok "test_escape_entry: no entry page mapped here (--fast-exit off)"
		return
	fi
	# where OUT at CPL 3 is refused (QEMU's TCG, see cpu_set_sregs()) a jump
	# there is #GP: SYSCALL enters ring 0 there and runs the OUT at CPL 0
	expect "the entry page's OUT from ring 3: the system call SYSCALL makes, or #GP" \
		"^under the monitor: offset 0: \(returned to RCX\|SIGSEGV SI_KERNEL addr=0 trapno=13\)" "$e"
	expect "the ring-3 helper's OUT from a program: #GP at the OUT, no report taken" \
		"^under the monitor: offset 0x50: SIGSEGV SI_KERNEL addr=0 trapno=13 err=0 rip=the instruction regs=as forged" "$e"
	expect "a system call back to a non-canonical RCX: SIGSEGV, as SYSRET's IRET on Linux" \
		"^under the monitor: the entry with RCX 0x800000000000: SIGSEGV SI_KERNEL" "$e"
	nobug_check "$1" "test_escape_entry"
}
if [ "$SET" = all ]; then
escape_cmp test_escape_mem
escape_cmp test_escape_map
# IN and OUT on every one of the 65536 ports (130,000 exits): no --check
escape_cmp test_escape_io full nocheck
fi	# SET=all

# step 2: the monitor's runs, in one go
if [ "$where" = host ]; then
	"$top/tools/emu/emu" --host --cmd-timeout 600 --batch "$TMP/batch" --out "$RES"
else
	echo "integration tests: $n monitor runs in the emulated machine (one boot)"
	# shellcheck disable=SC2086
	"$top/tools/emu/emu" --pku --cmd-timeout 600 --timeout 3000 $EMU_OPTS \
		--batch "$TMP/batch" --out "$RES" || {
		echo "integration tests: FAILED: the emulated machine did not run the batch"
		exit 1
	}
fi

# step 3: the assertions
. "$TMP/checks"

echo "integration tests: $pass passed, $fail failed"
[ $fail -eq 0 ]
