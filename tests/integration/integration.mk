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

# Hostile executables: the mutation fuzzer (tools/elf-mutate.c) over the demo
# and busybox (Debian's busybox-static), ELF_MUTATE_CASES cases under the
# ASan+UBSan monitor, 5 s each at most; any monitor failure (crash, sanitizer
# report, hang, "monitor bug", die()) fails.  ELF_MUTATE_CASES=1000 for more.
DEPS		+= busybox-static
TEST_TARGETS	+= elf-mutate-test
ELF_MUTATE_CASES ?= 200
ELF_MUTATE_SEED	?= 1

.PHONY: elf-mutate-test
elf-mutate-test: $(BUILD)/tools/elf-mutate guest.bin
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(SAN_BUILD) $(SAN_BUILD)/bin/vmm
	$(Q)if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then \
		set -- guest.bin; \
		if [ -x /usr/bin/busybox ]; then set -- "$$@" "/usr/bin/busybox echo hello"; fi; \
		echo "ELF mutation fuzzer ($(ELF_MUTATE_CASES) cases, seed $(ELF_MUTATE_SEED), ASan+UBSan monitor):"; \
		./$(BUILD)/tools/elf-mutate --vmm ./$(SAN_BUILD)/bin/vmm --cases $(ELF_MUTATE_CASES) \
			--seed $(ELF_MUTATE_SEED) --timeout 5 --csv $(BUILD)/elf-mutate.csv "$$@"; \
	else \
		echo "ELF mutation fuzzer: SKIPPED: no usable /dev/kvm"; \
	fi
