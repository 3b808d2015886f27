#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# usage: tools/run-tests.sh LABEL TEST_BINARY...
#
# Run each test binary, print one line per binary, keep its output in
# BINARY.log and show that log when it fails.  Exits 1 if any failed.
set -u

: "${CMOCKA_MESSAGE_OUTPUT:=stdout}"
: "${ASAN_OPTIONS:=detect_leaks=1:abort_on_error=1}"
: "${UBSAN_OPTIONS:=print_stacktrace=1:halt_on_error=1}"
: "${TEST_TIMEOUT:=600}"
export CMOCKA_MESSAGE_OUTPUT ASAN_OPTIONS UBSAN_OPTIONS

label=$1
shift
if [ $# -eq 0 ]; then
	echo "unit tests ($label): none found in tests/unit/"
	exit 0
fi

pass=0
fail=0
for t in "$@"; do
	log=$t.log
	timeout "$TEST_TIMEOUT" "$t" >"$log" 2>&1
	rc=$?
	# cmocka's summary line: "[  PASSED  ] 12 test(s)."
	n=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "  PASS    $t${n:+ ($n tests)}"
	else
		fail=$((fail + 1))
		case $rc in
		124) why="timed out after ${TEST_TIMEOUT}s" ;;
		12[5-9] | 1[3-9][0-9] | 2[0-9][0-9]) why="killed by signal $((rc - 128))" ;;
		*) why="exit $rc" ;;
		esac
		echo "  FAIL    $t ($why), output:"
		sed 's/^/    | /' "$log"
	fi
done

echo "unit tests ($label): $pass passed, $fail failed"
[ $fail -eq 0 ]
