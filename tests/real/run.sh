#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The "real programs" tests: Debian's busybox-static and bash-static,
# unmodified, running shell scripts, and static glibc and musl C programs
# (tests/real/cases).  Each case runs
#   natively:  in a chroot of ROOT, in a mount namespace of its own with a
#              proc mounted on ROOT/proc (gone when the case ends);
#   under the monitor: VMM --root ROOT --mem MEM, then again with --check
#              (and three times the time);
# all from the root's /, with the environment PATH=/bin HOME=/ alone and
# stdin from /dev/null, and /tmp emptied before each run.  Stdout and the exit status must be identical;
# stderr is shown on a failure, never compared.
#
# usage: run.sh VMM [ROOT]      ROOT defaults to build/real/root, which
#                               tests/real/mkroot.sh must have built
# REAL_SET='sh-* qsort.musl'    only the cases matching these patterns
# REAL_NATIVE_ONLY=1            run each case natively twice and compare the
#                               runs: the corpus is deterministic (no monitor)
# REAL_KEEP=DIR                 keep every run's stdout, stderr and status in DIR
# REAL_TRACE=0                  do not rerun a failing case with --trace to
#                               name the system calls the monitor lacked
#
# Prints "ok NAME" or "FAIL NAME" per run (NAME, NAME --check), with a diff
# and the monitor's stderr for each failure, and the summary line
# "real programs: P passed, F failed"; exits 1 when any run failed.
# no pathname expansion: REAL_SET's patterns and the cases' words are words
set -f
src=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$src/../.." && pwd)
VMM=${1:?usage: run.sh VMM [ROOT]}
ROOT=${2:-$top/build/real/root}
pass=0
fail=0
known=0

[ -x "$VMM" ] || [ -n "$REAL_NATIVE_ONLY" ] || { echo "run.sh: no monitor $VMM" >&2; exit 1; }
VMM=$(cd "$(dirname "$VMM")" && pwd)/$(basename "$VMM")
[ -x "$ROOT/bin/busybox" ] || { echo "run.sh: no root at $ROOT (tests/real/mkroot.sh)" >&2; exit 1; }
ROOT=$(cd "$ROOT" && pwd)
CHROOT=$(command -v chroot || echo /usr/sbin/chroot)
if [ "$(id -u)" != 0 ]; then
	echo "real programs: FAILED: the native side needs root (chroot, mount)"
	exit 1
fi

if [ -n "$REAL_KEEP" ]; then
	mkdir -p "$REAL_KEEP" && TMP=$(cd "$REAL_KEEP" && pwd)
else
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/real.XXXXXX")
	trap 'rm -rf "$TMP"' EXIT
	trap 'exit 130' INT TERM
fi
: >"$TMP/all.missing"

# every run starts with an empty /tmp: no case sees another's files, nor a
# run those of the run before it
clean_tmp() {
	find "$ROOT/tmp" -mindepth 1 -delete
}

# native OUT TIME CMD...: the case in the chroot; OUT.out, OUT.err, and the
# status appended to OUT.out.  The proc mount lives in the namespace only.
native() {
	out=$1 t=$2
	shift 2
	clean_tmp
	(cd "$ROOT" && timeout -k 5 "$t" unshare -m --propagation private sh -c \
		'mount -t proc proc proc && exec env -i PATH=/bin HOME=/ "$0" . "$@"' \
		"$CHROOT" "$@") </dev/null >"$out.out" 2>"$out.err"
	echo "status $?" >>"$out.out"
}

# monitor OUT TIME OPTIONS... CMD...: the case under the monitor; the
# host's timeout is a backstop for a monitor that hangs past --timeout.
monitor() {
	out=$1 t=$2
	shift 2
	set -- --root . --timeout "$t" "$@"
	clean_tmp
	start=$(date +%s)
	(cd "$ROOT" && timeout -k 5 $((t + 30)) env -i PATH=/bin HOME=/ "$VMM" "$@") \
		</dev/null >"$out.out" 2>"$out.err"
	echo "status $?" >>"$out.out"
	echo $(($(date +%s) - start)) >"$out.time"
}

# unhandled OUT TIME OPTIONS... CMD...: the case again under the monitor with --trace;
# OUT.missing gets the system calls it had no handler for, one a line
unhandled() {
	out=$1 t=$2
	shift 2
	clean_tmp
	(cd "$ROOT" && timeout -k 5 $((t + 30)) env -i PATH=/bin HOME=/ "$VMM" \
		--root . --timeout "$t" --trace "$@") </dev/null 2>&1 >/dev/null |
		sed -n 's/^\[vmm\] system call [0-9]* (\([a-z0-9_]*\)) has no handler here.*/\1/p' |
		sort -u >"$out.missing"
}

# report NAME KIND NATIVE MON: compare and print the verdict of one run;
# MON.missing, when there, names the system calls the monitor lacked
report() {
	name=$1 kind=$2 n=$3 m=$4
	st=$(sed -n '$s/^status //p' "$m.out")
	secs=
	[ -f "$m.time" ] && secs=" ($(cat "$m.time") s)"
	if cmp -s "$n.out" "$m.out"; then
		pass=$((pass + 1))
		printf '  ok    %s%s\n' "$name" "$secs"
		return
	fi
	# a known difference still must not crash, hang or find a monitor bug
	if [ "$kind" = known ] && [ "$st" -lt 124 ] && [ "$st" != 70 ]; then
		known=$((known + 1))
		printf '  known %s (status %s; a known difference, not counted)\n' "$name" "$st"
		return
	fi
	fail=$((fail + 1))
	printf '  FAIL  %s (status %s, native %s)%s\n' "$name" "$st" \
		"$(sed -n '$s/^status //p' "$n.out")" "$secs"
	diff -u "$n.out" "$m.out" | sed -n '3,$p' | head -20 | sed 's/^/        /'
	if [ -s "$m.err" ]; then
		echo "        stderr:"
		head -10 "$m.err" | sed 's/^/        | /'
	fi
	if [ -s "$m.missing" ]; then
		echo "        no handler (--trace): $(tr '\n' ' ' <"$m.missing")"
		cat "$m.missing" >>"$TMP/all.missing"
	fi
}

# selected NAME: whether REAL_SET (patterns) selects the case
selected() {
	[ -z "$REAL_SET" ] && return 0
	for p in $REAL_SET; do
		# shellcheck disable=SC2254
		case $1 in $p) return 0 ;; esac
	done
	return 1
}

# Where the monitor runs: here on a usable /dev/kvm, else in one boot of
# the emulated machine (tools/emu/mode decides, EMU=1 forces it), where
# TCG is slow: REAL_SET_EMU (default below) picks the cases run there.
where=host
if [ -z "$REAL_NATIVE_ONLY" ]; then
	where=$(sh "$top/tools/emu/mode" "$VMM" "$top/build/guest/test_args") || {
		echo "real programs: FAILED: the monitor has nowhere to run"
		exit 1
	}
fi
if [ "$where" = emu ] && [ -z "$REAL_SET" ]; then
	REAL_SET=${REAL_SET_EMU:-'sh-text.* sh-shell.* sh-files.find sh-files.tar popen.* system.* spawn.* stdio.*'}
fi

# step 1: each case natively, here; its two monitor runs queued as batch
# lines (tools/emu/batch: N.out, N.err, N.status, N.time)
: >"$TMP/batch"
: >"$TMP/runs"
: >"$TMP/cases.run"
nrun=0
# queue OUT TIME OPTIONS... CMD...: a monitor run, from the root, with an
# empty /tmp; the host's timeout a backstop for a monitor past --timeout
queue() {
	out=$1 t=$2
	shift 2
	nrun=$((nrun + 1))
	line="cd '$ROOT' && find tmp -mindepth 1 -delete && timeout -k 5 $((t + 30)) env -i PATH=/bin HOME=/ '$VMM' --root . --timeout $t"
	for w; do
		line="$line '$w'"
	done
	printf '%s </dev/null\n' "$line" >>"$TMP/batch"
	printf '%s %s\n' "$nrun" "$out" >>"$TMP/runs"
}

echo "real programs (root $ROOT, monitor runs: $where):"
# shellcheck disable=SC2086
while read -r name t mem want kind cmd; do
	case $name in ''|'#'*) continue ;; esac
	selected "$name" || continue
	f=$TMP/$name
	set +f
	rm -f "$f".*
	set -f
	# shellcheck disable=SC2086
	native "$f.native" "$t" $cmd
	got=$(sed -n '$s/^status //p' "$f.native.out")
	if [ "$got" != "$want" ]; then
		fail=$((fail + 1))
		printf '  FAIL  %s natively: status %s, expected %s\n' "$name" "$got" "$want"
		head -10 "$f.native.err" | sed 's/^/        | /'
		continue
	fi
	if [ -n "$REAL_NATIVE_ONLY" ]; then
		# shellcheck disable=SC2086
		native "$f.again" "$t" $cmd
		report "$name (native twice)" - "$f.native" "$f.again"
		continue
	fi
	# shellcheck disable=SC2086
	queue "$f.vmm" "$t" --mem "$mem" $cmd
	# shellcheck disable=SC2086
	queue "$f.check" $((t * 3)) --mem "$mem" --check $cmd
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$kind" "$t" "$mem" "$f" "$cmd" >>"$TMP/cases.run"
done <<EOF
$(cat "$src/cases")
EOF

# step 2: the monitor's runs, in one go, here or in the emulated machine
if [ -s "$TMP/batch" ]; then
	mkdir -p "$TMP/res"
	if [ "$where" = host ]; then
		"$top/tools/emu/emu" --host --cmd-timeout 2000 --batch "$TMP/batch" --out "$TMP/res"
	else
		echo "real programs: $nrun monitor runs in the emulated machine (one boot)"
		# shellcheck disable=SC2086
		"$top/tools/emu/emu" --cmd-timeout 2000 --timeout 5000 $EMU_OPTS \
			--batch "$TMP/batch" --out "$TMP/res" || {
			echo "real programs: FAILED: the emulated machine did not run the batch"
			exit 1
		}
	fi
	while read -r k out; do
		cp "$TMP/res/$k.out" "$out.out" 2>/dev/null || : >"$out.out"
		cp "$TMP/res/$k.err" "$out.err" 2>/dev/null || : >"$out.err"
		echo "status $(cat "$TMP/res/$k.status" 2>/dev/null || echo none)" >>"$out.out"
		[ -f "$TMP/res/$k.time" ] && cp "$TMP/res/$k.time" "$out.time"
	done <"$TMP/runs"
fi

# step 3: the verdicts (a failing run is traced here, on a usable /dev/kvm)
# shellcheck disable=SC2086
while IFS='	' read -r name kind t mem f cmd; do
	if ! cmp -s "$f.native.out" "$f.vmm.out" && [ "$REAL_TRACE" != 0 ] && [ "$where" = host ]; then
		unhandled "$f.vmm" "$t" --mem "$mem" $cmd
	fi
	report "$name" "$kind" "$f.native" "$f.vmm"
	report "$name --check" "$kind" "$f.native" "$f.check"
done <"$TMP/cases.run"

if [ -s "$TMP/all.missing" ]; then
	echo "system calls without a handler, by the number of failing cases that made them:"
	sort "$TMP/all.missing" | uniq -c | sort -k1,1nr -k2 |
		awk '{ printf "%s%s (%d)", (NR > 1 ? ", " : "  "), $2, $1 } END { print "" }'
fi
printf 'real programs: %d passed, %d failed' "$pass" "$fail"
[ "$known" = 0 ] || printf ', %d known differences' "$known"
echo
[ "$fail" = 0 ]
