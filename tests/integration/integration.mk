# SPDX-License-Identifier: GPL-2.0
#
# Integration tests: guest programs run natively and under the monitor.
# They skip with a message where /dev/kvm is absent.

TEST_TARGETS	+= integration-test

.PHONY: integration-test
integration-test: $(VMM) $(GUEST_PROGS)
	$(Q)sh tests/integration/run.sh ./$(VMM) $(BUILD)/guest
