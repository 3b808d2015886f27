# SPDX-License-Identifier: GPL-2.0
#
# Integration tests: guest programs run natively and under the monitor.
# They skip with a message where /dev/kvm is absent.

TEST_TARGETS	+= integration-test

.PHONY: integration-test
integration-test: $(VMM) $(GUEST_PROGS)
	$(Q)sh tests/integration/run.sh ./$(VMM) $(BUILD)/guest

# Fault injection: every point x 50 seeds with the demo, under an ASan+UBSan
# monitor; any monitor failure (crash, hang, sanitizer report, leak) fails.
TEST_TARGETS	+= inject-campaign-test
INJECT_SEEDS	?= 1-50

.PHONY: inject-campaign-test
inject-campaign-test: $(BUILD)/tools/inject-campaign guest.bin
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(SAN_BUILD) $(SAN_BUILD)/bin/vmm
	$(Q)if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then \
		echo "fault-injection campaign (all points, seeds $(INJECT_SEEDS), ASan+UBSan monitor):"; \
		./$(BUILD)/tools/inject-campaign --points all --seeds $(INJECT_SEEDS) \
			--vmm ./$(SAN_BUILD)/bin/vmm --csv $(BUILD)/inject-campaign.csv guest.bin; \
	else \
		echo "fault-injection campaign: SKIPPED: no usable /dev/kvm"; \
	fi

# System-call fuzzing: guest/fuzz_syscalls for FUZZ_SEEDS x FUZZ_CALLS under
# an ASan+UBSan monitor with --check; any monitor failure (crash, sanitizer
# report, broken invariant, leak, hang, undocumented status) fails, and the
# campaign prints the command and a minimised call list for each.
# FUZZ_INJECT='--inject POINT:KNOBS' adds fault injection.
TEST_TARGETS	+= fuzz-campaign-test
FUZZ_SEEDS	?= 1-4
FUZZ_CALLS	?= 300
FUZZ_INJECT	?=

.PHONY: fuzz-campaign-test
fuzz-campaign-test: $(BUILD)/tools/fuzz-campaign $(BUILD)/guest/fuzz_syscalls
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(SAN_BUILD) $(SAN_BUILD)/bin/vmm
	$(Q)if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then \
		echo "system-call fuzz campaign (seeds $(FUZZ_SEEDS) x $(FUZZ_CALLS) calls, ASan+UBSan monitor, --check):"; \
		./$(BUILD)/tools/fuzz-campaign --seeds $(FUZZ_SEEDS) --calls $(FUZZ_CALLS) \
			$(FUZZ_INJECT) --vmm ./$(SAN_BUILD)/bin/vmm \
			--fuzzer ./$(BUILD)/guest/fuzz_syscalls --csv $(BUILD)/fuzz-campaign.csv; \
	else \
		echo "system-call fuzz campaign: SKIPPED: no usable /dev/kvm"; \
	fi

# What the fuzz campaigns found, each a program that exits 0 when the
# monitor answers as Linux does; run natively and under the ASan+UBSan monitor.
TEST_TARGETS	+= fuzz-regress-test
FUZZ_REGRESS	= regress_lseek

.PHONY: fuzz-regress-test
fuzz-regress-test: $(patsubst %,$(BUILD)/guest/%,$(FUZZ_REGRESS))
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(SAN_BUILD) $(SAN_BUILD)/bin/vmm
	$(Q)set -e; for t in $(FUZZ_REGRESS); do \
		./$(BUILD)/guest/$$t >/dev/null || { echo "fuzz regression $$t: FAIL natively"; exit 1; }; \
		if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then \
			./$(SAN_BUILD)/bin/vmm --check ./$(BUILD)/guest/$$t >/dev/null || \
				{ echo "fuzz regression $$t: FAIL under the monitor"; exit 1; }; \
		fi; \
		echo "fuzz regression $$t: ok"; \
	done
