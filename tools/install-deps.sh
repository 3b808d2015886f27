#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Check that the Debian packages named on the command line are installed.
# As root, install the missing ones; otherwise print the command to run
# and fail.  Called by the Makefile once per build tree (build/.deps-ok)
# and by `make deps`.
set -eu

missing=
for pkg in "$@"; do
	# several architectures print one status each: any installed one will do
	status=$(dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null || true)
	case $status in
	*"install ok installed"*) ;;
	*) missing="$missing $pkg" ;;
	esac
done
missing=${missing# }
[ -z "$missing" ] && exit 0

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "warning: not a Debian system, cannot check packages: $missing" >&2
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "missing Debian packages: $missing; install them with:" >&2
	echo "sudo apt-get install -y $missing" >&2
	exit 1
fi

echo "installing missing Debian packages: $missing"
export DEBIAN_FRONTEND=noninteractive
apt_install() {
	apt-get -o DPkg::Lock::Timeout=120 install -y --no-install-recommends "$@"
}
# The package lists may be missing or stale (fresh containers): update only
# when the first attempt fails.
# shellcheck disable=SC2086
if ! apt_install $missing; then
	apt-get -o DPkg::Lock::Timeout=120 update
	# shellcheck disable=SC2086
	if ! apt_install $missing; then
		echo "error: could not install: $missing" >&2
		exit 1
	fi
fi
