#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the root directory of the "real programs" tests: what the programs
# see as / both natively (in a chroot) and under the monitor (--root).
#
#   /bin/busybox     Debian's busybox-static, unmodified, with one symlink
#                    per applet of tests/real/applets (never --install on
#                    the host)
#   /bin/bash        Debian's bash-static, unmodified
#   /bin/NAME.glibc, /bin/NAME.musl
#                    tests/real/NAME.c, static, with gcc and musl-gcc
#   /etc             passwd, group, hostname
#   /dev             null, zero, random, urandom as device nodes; fd, stdin,
#                    stdout, stderr as the usual symlinks into /proc
#   /proc            empty: the native side mounts a proc there in a mount
#                    namespace of its own, the monitor provides its own
#   /tmp             1777, emptied on every build
#   /data            tests/real/data/* and generated inputs
#   /scripts         tests/real/scripts/*
#
# usage: mkroot.sh ROOT
# Rebuilds what is out of date; running it twice is cheap.
set -eu

src=$(cd "$(dirname "$0")" && pwd)
ROOT=${1:?usage: mkroot.sh ROOT}
mkdir -p "$ROOT"
ROOT=$(cd "$ROOT" && pwd)

die() {
	echo "mkroot: $*" >&2
	exit 1
}

# the first of the paths that exists: merged-/usr or not
find_bin() {
	for p; do
		[ -x "$p" ] && { echo "$p"; return 0; }
	done
	return 1
}

busybox=$(find_bin /bin/busybox /usr/bin/busybox) ||
	die "no /bin/busybox: install busybox-static (make deps)"
bash_static=$(find_bin /bin/bash-static /usr/bin/bash-static) ||
	die "no /bin/bash-static: install bash-static (make deps)"
# a dynamic one (Debian's busybox) would not run in the root: no ld.so there
! readelf -l "$busybox" 2>/dev/null | grep -q INTERP ||
	die "$busybox is not static: install busybox-static, not busybox"

mkdir -p "$ROOT/bin" "$ROOT/etc" "$ROOT/dev" "$ROOT/proc" "$ROOT/data" \
	"$ROOT/scripts" "$ROOT/tmp"
chmod 1777 "$ROOT/tmp"
# leftovers of an earlier run (killed scripts) must not change this one
find "$ROOT/tmp" -mindepth 1 -delete

# --- programs ---------------------------------------------------------------

install_copy() {
	cmp -s "$1" "$2" 2>/dev/null || cp "$1" "$2"
	chmod 755 "$2"
}
install_copy "$busybox" "$ROOT/bin/busybox"
install_copy "$bash_static" "$ROOT/bin/bash"

# applet symlinks: exactly the listed ones, relative (bin/x -> busybox)
grep -v '^#' "$src/applets" | tr ' \t' '\n\n' | sed '/^$/d' >"$ROOT/.applets"
"$ROOT/bin/busybox" --list >"$ROOT/.have"
while read -r a; do
	grep -qxF "$a" "$ROOT/.have" || die "busybox has no applet $a (tests/real/applets)"
	[ "$(readlink "$ROOT/bin/$a" 2>/dev/null)" = busybox ] ||
		{ rm -f "$ROOT/bin/$a"; ln -s busybox "$ROOT/bin/$a"; }
done <"$ROOT/.applets"
rm -f "$ROOT/.have"

CFLAGS="-static -O2 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE"
for c in "$src"/*.c; do
	[ -e "$c" ] || continue
	name=$(basename "$c" .c)
	for libc in glibc musl; do
		out=$ROOT/bin/$name.$libc
		# shellcheck disable=SC3013 # dash's and busybox's test have -nt
		[ "$out" -nt "$c" ] && continue
		case $libc in
		glibc) cc=gcc; libs=-lpthread ;;
		musl) cc=musl-gcc; libs= ;;
		esac
		echo "  CC       $out"
		# shellcheck disable=SC2086
		$cc $CFLAGS -o "$out" "$c" $libs || die "cannot build $out"
	done
done

# --- /etc, /dev -------------------------------------------------------------

cat >"$ROOT/etc/passwd" <<'EOF'
root:x:0:0:root:/:/bin/sh
daemon:x:1:1:daemon:/:/bin/false
nobody:x:65534:65534:nobody:/:/bin/false
EOF
cat >"$ROOT/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
nogroup:x:65534:
EOF
echo real >"$ROOT/etc/hostname"

# Device nodes, as root (the tests run as root).  They stay in the build
# tree: `make clean` removes them with the rest.
mknode() {
	if [ ! -c "$ROOT/dev/$1" ]; then
		rm -f "$ROOT/dev/$1"
		mknod -m 666 "$ROOT/dev/$1" c "$2" "$3" ||
			die "cannot create /dev/$1 (mknod needs root)"
	fi
}
mknode null 1 3
mknode zero 1 5
mknode random 1 8
mknode urandom 1 9
for l in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 \
	stderr:/proc/self/fd/2; do
	[ -L "$ROOT/dev/${l%%:*}" ] || ln -s "${l#*:}" "$ROOT/dev/${l%%:*}"
done

# --- /data, /scripts --------------------------------------------------------

rm -rf "$ROOT/data" "$ROOT/scripts"
mkdir -p "$ROOT/data" "$ROOT/scripts"
cp -R "$src/data/." "$ROOT/data/"
cp "$src"/scripts/*.sh "$src"/scripts/*.bash "$ROOT/scripts/"

# generated inputs: deterministic, and the same on every host
awk 'BEGIN {
	x = 12345
	for (i = 1; i <= 5000; i++) {
		x = (x * 1103515245 + 12345) % 2147483648
		print int(x / 65536) % 1000
	}
}' >"$ROOT/data/numbers"
awk 'BEGIN {
	split("alpha beta gamma delta epsilon zeta eta theta iota kappa", w, " ")
	x = 7
	for (i = 1; i <= 2000; i++) {
		x = (x * 1103515245 + 12345) % 2147483648
		a = w[int(x / 65536) % 10 + 1]
		x = (x * 1103515245 + 12345) % 2147483648
		printf "%d,%s,%d\n", i, a, int(x / 65536) % 500
	}
}' >"$ROOT/data/table.csv"
# a tree for find, du, tar: directories with files of known sizes
t=$ROOT/data/tree
for d in a a/b a/b/c d e/f; do
	mkdir -p "$t/$d"
done
i=0
for f in a/one.txt a/two.log a/b/three.txt a/b/c/four.dat d/five.txt d/six.log \
	e/f/seven.txt e/f/eight.dat top.txt; do
	i=$((i + 1))
	awk -v n="$i" 'BEGIN { for (j = 0; j < n * 300; j++) printf "%s line %d\n", n, j }' >"$t/$f"
done
ln -s ../top.txt "$t/a/link-to-top"
: >"$t/d/empty"
# fixed times: ls -l, tar and find -newer must not see the build's clock
find "$ROOT/data" -exec touch -h -d '2020-01-02 03:04:05' {} +
rm -f "$ROOT/.applets"
