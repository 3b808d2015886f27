# SPDX-License-Identifier: GPL-2.0
#
# The "real programs" tests (tests/real/run.sh): Debian's busybox-static and
# bash-static, unmodified, and static glibc and musl C programs, run in a
# chroot of $(REAL_ROOT) and under the monitor with --root $(REAL_ROOT)
# (then again with --check); stdout and exit status must be identical.
# Needs root (chroot, mount, mknod).  The monitor's runs go to the emulated
# machine where /dev/kvm is not usable (tools/emu/mode), with fewer cases
# (REAL_SET_EMU, see tests/real/run.sh).
#   make real-test                       every case of tests/real/cases
#   make real-test REAL_SET='sh-* qsort.*'   some of them

DEPS		+= busybox-static bash-static libc6-dev
REAL_ROOT	= $(BUILD)/real/root

.PHONY: real-root real-test
real-root: | $(DEPS_STAMP)
	$(Q)sh tests/real/mkroot.sh $(REAL_ROOT)

TEST_TARGETS	+= real-test

real-test: $(VMM) real-root $(BUILD)/guest/test_args
	$(Q)REAL_SET='$(REAL_SET)' sh tests/real/run.sh ./$(VMM) $(REAL_ROOT)

# Both commit protocols: where real-test ran here on shadow-paging KVM,
# the cases of REAL_SET_EMU run again in the emulated machine ("npt"), as
# integration-test-nested does for the integration checks.
TEST_TARGETS	+= real-test-nested

.PHONY: real-test-nested
real-test-nested: $(VMM) real-root $(BUILD)/guest/test_args
	$(Q)where=$$(sh tools/emu/mode ./$(VMM) $(BUILD)/guest/test_args 2>/dev/null); \
	if [ "$$where" = host ] && ./$(VMM) --stats $(BUILD)/guest/test_args 2>&1 >/dev/null | \
			grep -q '^platform: shadow (auto)'; then \
		if [ "$(EMU)" = 0 ]; then \
			echo "real programs, nested-paging protocol: not run (EMU=0)"; \
		else \
			echo "real programs, nested-paging protocol (the emulated machine):"; \
			EMU=1 sh tests/real/run.sh ./$(VMM) $(REAL_ROOT); \
		fi; \
	else \
		echo "real programs, the other protocol: not run (the runs above were not on shadow paging)"; \
	fi
