#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of the measurement tools: bench-run --quick --runs 1 into a
# temporary directory, then check what it wrote, not how fast anything was:
#   - bench-run succeeded and wrote results.csv and results.json;
#   - the JSON parses, lists no failure, and has as many results as the
#     CSV has "ok" rows;
#   - every benchmark of the guest's list has rows, and every measurement a
#     native and a vmm row, "ok", with positive runs, operations and cycles;
#     a vmm row may be "n/a (pthread_create:...)" instead: a thread
#     benchmark where the monitor cannot start threads (counted, printed);
#   - the exit counts under the monitor are plausible: getpid makes at
#     least one exit per call, a first touch at least one per 64 KiB,
#     natively there are none.
#
#   bench-test.sh BENCH_RUN VMM GUEST
set -eu

run=$1 vmm=$2 guest=$3

# bench.mk runs this in the emulated machine where /dev/kvm is not usable
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	echo "bench smoke test: FAILED: no usable /dev/kvm" >&2
	exit 1
fi
for tool in jq awk; do
	command -v $tool >/dev/null || { echo "bench smoke test: $tool is missing" >&2; exit 1; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-test.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM

fail() {
	echo "bench smoke test: FAILED: $*" >&2
	echo "  (bench-run output: $dir/log, kept)" >&2
	trap - EXIT
	exit 1
}

if ! "$run" --quick --runs 1 --vmm "$vmm" --guest "$guest" --out "$dir" >"$dir/log" 2>&1; then
	cat "$dir/log" >&2
	fail "bench-run --quick --runs 1 exited non-zero"
fi
csv=$dir/results.csv json=$dir/results.json
[ -s "$csv" ] || fail "no results.csv"
jq -e . "$json" >/dev/null 2>&1 || fail "results.json does not parse"

jq -e '.failures | length == 0' "$json" >/dev/null ||
	fail "results.json lists failures: $(jq -c .failures "$json")"

# every benchmark of the guest's own list produced at least one measurement
names=$(awk -F, 'NR > 1 { print $1 }' "$csv" | sort -u)
for b in $("$guest" list | awk '{ print $1 }'); do
	echo "$names" | grep -q "^$b" || fail "benchmark $b has no row in results.csv"
done

# and every measurement has an ok native row and an ok vmm row
na_rows=0
for name in $names; do
	for cfg in native vmm; do
		awk -F, -v n="$name" -v c="$cfg" '
			$1 == n && $2 == c {
				found = 1
				if (c == "vmm" && $4 ~ /^n\/a \(pthread_create:/) { na = 1; next }
				if ($4 != "ok") { print "status " $4; exit 1 }
				if ($5 < 1 || $7 < 1 || $8 <= 0 || $9 <= 0 || $10 < $9 ||
				    $11 <= 0) { print "non-positive numbers: " $0; exit 1 }
				if (c == "native" && $15 != "") { print "native exits: " $0; exit 1 }
				if (c == "vmm" && $15 == "") { print "no exit count: " $0; exit 1 }
			}
			END { if (!found) { print "missing"; exit 1 }
			      if (na) print "n/a" }' "$csv" >"$dir/why" ||
			fail "$name/$cfg: $(cat "$dir/why")"
		grep -q "^n/a$" "$dir/why" && na_rows=$((na_rows + 1))
	done
done

exits() {
	awk -F, -v n="$1" '$1 == n && $2 == "vmm" { print $15 }' "$csv"
}
awk -v x="$(exits getpid)" 'BEGIN { exit !(x >= 1) }' ||
	fail "getpid under vmm: $(exits getpid) exits per call, expected at least 1"
awk -v x="$(exits touch_4k)" 'BEGIN { exit !(x >= 1.0 / 16) }' ||
	fail "touch_4k under vmm: $(exits touch_4k) exits per page, expected at least 1/16"

ok_rows=$(awk -F, 'NR > 1 && $4 == "ok"' "$csv" | wc -l)
json_rows=$(jq '.results | length' "$json")
[ "$ok_rows" -eq "$json_rows" ] ||
	fail "results.csv has $ok_rows ok rows, results.json $json_rows results"
jq -e '[.results[] | select(.median_cycles_per_op <= 0 or (.runs | length) < 1)] | length == 0' \
	"$json" >/dev/null || fail "results.json has a non-positive result"
jq -e '.tsc_khz > 0' "$json" >/dev/null || fail "results.json: no TSC frequency"

na_note=
[ "$na_rows" -eq 0 ] || na_note=", $na_rows vmm rows n/a: the monitor starts no threads"
echo "bench smoke test: ok ($(echo "$names" | wc -l) measurements, native and vmm, $ok_rows rows$na_note)"
