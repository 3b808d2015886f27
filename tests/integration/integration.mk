# SPDX-License-Identifier: GPL-2.0
#
# Integration tests: guest programs run natively and under the monitor.
# The monitor runs here where /dev/kvm is usable, otherwise (or with EMU=1)
# in the emulated machine, tools/emu/emu; with neither the tests fail.

TEST_TARGETS	+= integration-test
# tools/syscall-diff's native side, checked by run.sh
DEPS		+= strace

# MONITOR_SIDE: sets $$run to the prefix that runs a command where the
# monitor can run (empty here, tools/emu/emu in the emulated machine) and
# $$where_note; never skips: with neither, the target fails with the reason.
# EMU_CMD_TIMEOUT: seconds one such command may take in the emulated
# machine (a long fuzz campaign there needs more: about 25 s a seed).
EMU_CMD_TIMEOUT	?= 1500
EMU_RUN		= tools/emu/emu --cmd-timeout $(EMU_CMD_TIMEOUT) \
		  --timeout $$(($(EMU_CMD_TIMEOUT) + 100)) $(EMU_OPTS) --
MONITOR_SIDE	= where=$$(sh tools/emu/mode ./$(VMM) $(BUILD)/guest/test_args) || exit 1; \
		  run=; where_note=; \
		  if [ $$where = emu ]; then \
			run="$(EMU_RUN)"; \
			where_note=", in the emulated machine"; \
		  fi

.PHONY: integration-test
integration-test: $(VMM) $(GUEST_PROGS)
	$(Q)sh tests/integration/run.sh ./$(VMM) $(BUILD)/guest

# Both commit protocols on every machine.  Where the monitor ran here on
# shadow-paging KVM (the probe picked "shadow"), the checks whose outcome
# depends on the protocol (INTEGRATION_SET=protocol: every compared
# program, the fast-path variants, protection keys, the platform checks)
# run again in the emulated machine, whose nested paging picks "npt".
# Where the suite ran under nested paging (in the machine, or on EPT/NPT
# hardware) its --platform shadow checks cover the other protocol.
TEST_TARGETS	+= integration-test-nested

.PHONY: integration-test-nested
integration-test-nested: $(VMM) $(GUEST_PROGS)
	$(Q)where=$$(sh tools/emu/mode ./$(VMM) $(BUILD)/guest/test_args 2>/dev/null); \
	if [ "$$where" = host ] && ./$(VMM) --stats $(BUILD)/guest/test_args 2>&1 >/dev/null | \
			grep -q '^platform: shadow (auto)'; then \
		if [ "$(EMU)" = 0 ]; then \
			echo "integration tests, nested-paging protocol: not run (EMU=0)"; \
		else \
			echo "integration tests, nested-paging protocol (the emulated machine):"; \
			EMU=1 INTEGRATION_SET=protocol sh tests/integration/run.sh ./$(VMM) $(BUILD)/guest; \
		fi; \
	else \
		echo "integration tests, the other protocol: the --platform shadow checks above"; \
	fi

# Fault injection: every point x 50 seeds with the demo, under an ASan+UBSan
# monitor; any monitor failure (crash, hang, sanitizer report, leak) fails.
# In the emulated machine a run takes seconds on one vCPU: seeds 1-2 there
# (INJECT_SEEDS_EMU), 32 runs.
TEST_TARGETS	+= inject-campaign-test
INJECT_SEEDS	?= 1-50
INJECT_SEEDS_EMU ?= 1-2
INJECT_CAMPAIGN	= ./$(BUILD)/tools/inject-campaign --points all \
		  --vmm ./$(SAN_BUILD)/bin/vmm --csv $(BUILD)/inject-campaign.csv

.PHONY: inject-campaign-test
inject-campaign-test: $(BUILD)/tools/inject-campaign guest.bin $(VMM) $(BUILD)/guest/test_args
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(SAN_BUILD) $(SAN_BUILD)/bin/vmm
	$(Q)where=$$(sh tools/emu/mode ./$(VMM) $(BUILD)/guest/test_args) || exit 1; \
	if [ $$where = host ]; then \
		echo "fault-injection campaign (all points, seeds $(INJECT_SEEDS), ASan+UBSan monitor):"; \
		$(INJECT_CAMPAIGN) --seeds $(INJECT_SEEDS) guest.bin; \
	else \
		echo "fault-injection campaign in the emulated machine (all points, seeds $(INJECT_SEEDS_EMU) only, ASan+UBSan monitor):"; \
		tools/emu/emu --cmd-timeout 1500 --timeout 1600 $(EMU_OPTS) -- \
			$(INJECT_CAMPAIGN) --seeds $(INJECT_SEEDS_EMU) guest.bin; \
	fi

# Hostile executables: the mutation fuzzer (tools/elf-mutate.c) over the demo
# and busybox (Debian's busybox-static), ELF_MUTATE_CASES cases under the
# ASan+UBSan monitor, 5 s each at most; any monitor failure (crash, sanitizer
# report, hang, "monitor bug", die()) fails.  ELF_MUTATE_CASES=1000 for more.
DEPS		+= busybox-static
TEST_TARGETS	+= elf-mutate-test
ELF_MUTATE_CASES ?= 200
ELF_MUTATE_SEED	?= 1
ELF_MUTATE_CASES_EMU ?= 20

.PHONY: elf-mutate-test
elf-mutate-test: $(BUILD)/tools/elf-mutate guest.bin $(VMM) $(BUILD)/guest/test_args
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(SAN_BUILD) $(SAN_BUILD)/bin/vmm
	$(Q)$(MONITOR_SIDE); cases=$(ELF_MUTATE_CASES) limit=5; \
	[ -z "$$run" ] || { cases=$(ELF_MUTATE_CASES_EMU); limit=60; }; \
	set -- guest.bin; \
	if [ -x /usr/bin/busybox ]; then set -- "$$@" "/usr/bin/busybox echo hello"; fi; \
	echo "ELF mutation fuzzer ($$cases cases, seed $(ELF_MUTATE_SEED), ASan+UBSan monitor$$where_note):"; \
	$$run ./$(BUILD)/tools/elf-mutate --vmm ./$(SAN_BUILD)/bin/vmm --cases $$cases \
		--seed $(ELF_MUTATE_SEED) --timeout $$limit --csv $(BUILD)/elf-mutate.csv "$$@"

# System-call fuzzing: guest/fuzz_syscalls for FUZZ_SEEDS x FUZZ_CALLS under
# an ASan+UBSan monitor with --check; any monitor failure (crash, sanitizer
# report, broken invariant, leak, hang, undocumented status) fails, and the
# campaign prints the command and a minimised call list for each.
# FUZZ_INJECT='--inject POINT:KNOBS' adds fault injection.
TEST_TARGETS	+= fuzz-campaign-test
FUZZ_SEEDS	?= 1-4
FUZZ_CALLS	?= 300
FUZZ_SEEDS_EMU	?= 1-1
# the campaign runs again with the fuzzer's processes on several vCPUs
FUZZ_VCPUS	?= 4
# ... and with failures the program survives injected into the MMU
FUZZ_MMU_INJECT	?= vma_alloc:probability=5 spurious_fault:probability=5 commit_delay:probability=5
FUZZ_INJECT	?=
# The three campaigns (tools/fuzz-campaigns) where the monitor runs, then on
# the other commit protocol: in the emulated machine (seeds FUZZ_SEEDS_EMU)
# where they ran here on shadow-paging KVM, otherwise with --platform shadow.
FUZZ_CAMPAIGNS	= sh tools/fuzz-campaigns $(BUILD) $(SAN_BUILD) $$seeds $(FUZZ_CALLS) $(FUZZ_VCPUS)

.PHONY: fuzz-campaign-test
fuzz-campaign-test: $(BUILD)/tools/fuzz-campaign $(BUILD)/guest/fuzz_syscalls $(VMM) $(BUILD)/guest/test_args
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(SAN_BUILD) $(SAN_BUILD)/bin/vmm
	$(Q)$(MONITOR_SIDE); seeds=$(FUZZ_SEEDS); [ -z "$$run" ] || seeds=$(FUZZ_SEEDS_EMU); \
	echo "system-call fuzz campaign (seeds $$seeds x $(FUZZ_CALLS) calls, ASan+UBSan monitor, --check$$where_note):"; \
	$$run $(FUZZ_CAMPAIGNS) $(BUILD)/fuzz-campaign "$(FUZZ_MMU_INJECT)" $(FUZZ_INJECT) || exit 1; \
	if [ -z "$$run" ] && ./$(VMM) --stats $(BUILD)/guest/test_args 2>&1 >/dev/null | \
			grep -q '^platform: shadow (auto)'; then \
		if [ "$(EMU)" = 0 ]; then \
			echo "system-call fuzz campaign, nested-paging protocol: not run (EMU=0)"; exit 0; \
		fi; \
		seeds=$(FUZZ_SEEDS_EMU); \
		echo "system-call fuzz campaign, nested-paging protocol (seeds $$seeds, the emulated machine):"; \
		$(EMU_RUN) $(FUZZ_CAMPAIGNS) $(BUILD)/fuzz-campaign-npt "$(FUZZ_MMU_INJECT)" $(FUZZ_INJECT); \
	else \
		echo "system-call fuzz campaign, shadow protocol (seeds $$seeds, --platform shadow$$where_note):"; \
		$$run $(FUZZ_CAMPAIGNS) $(BUILD)/fuzz-campaign-shadow "$(FUZZ_MMU_INJECT)" $(FUZZ_INJECT) \
			-- --platform shadow; \
	fi

# What the fuzz campaigns found, each a program that exits 0 when the
# monitor answers as Linux does; run natively and under the ASan+UBSan monitor.
TEST_TARGETS	+= fuzz-regress-test
FUZZ_REGRESS	= regress_lseek regress_vfork_wake regress_sendfile_pos regress_dir_lseek \
		  regress_unlinked_dirfd regress_clone_vfork

.PHONY: fuzz-regress-test
fuzz-regress-test: $(patsubst %,$(BUILD)/guest/%,$(FUZZ_REGRESS)) $(VMM) $(BUILD)/guest/test_args
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(SAN_BUILD) $(SAN_BUILD)/bin/vmm
	$(Q)$(MONITOR_SIDE); set -e; for t in $(FUZZ_REGRESS); do \
		./$(BUILD)/guest/$$t >/dev/null || { echo "fuzz regression $$t: FAIL natively"; exit 1; }; \
		$$run ./$(SAN_BUILD)/bin/vmm --check ./$(BUILD)/guest/$$t >/dev/null || \
			{ echo "fuzz regression $$t: FAIL under the monitor$$where_note"; exit 1; }; \
		echo "fuzz regression $$t: ok$$where_note"; \
	done

# The locking of threads on several vCPUs (smp.c, fault_shared.c, the MMU's
# page_table_lock and zone->lock) under ThreadSanitizer: the unit test that
# races mm_fault_shared() in two mms, then the thread tests on 8 vCPUs, faults served without the monitor lock racing the exits that
# hold it; any data race TSan sees, or an output or status not native's,
# fails.
TEST_TARGETS	+= tsan-test
TSAN_RUNS	= "test_thread_stress 8 1000 5" "test_thread_fork 8 10" \
		  "test_thread_stale 8 5" "test_pthread mmstress" "test_pthread fork"

.PHONY: tsan-test
tsan-test: $(VMM) $(GUEST_PROGS)
	$(Q)$(MAKE) --no-print-directory SANITIZE=thread BUILD=$(TSAN_BUILD) $(TSAN_BUILD)/bin/vmm \
		$(TSAN_BUILD)/tests/test_fault_shared
	$(Q)./$(TSAN_BUILD)/tests/test_fault_shared >$(BUILD)/tsan.err 2>&1 || \
		{ cat $(BUILD)/tsan.err; echo "ThreadSanitizer: unit test_fault_shared: FAIL"; exit 1; }; \
	echo "ThreadSanitizer: unit test_fault_shared (8 racing threads, two mms): ok"
	$(Q)$(MONITOR_SIDE); for t in $(TSAN_RUNS); do \
		./$(BUILD)/guest/$$t >$(BUILD)/tsan.native 2>/dev/null; echo "status $$?" >>$(BUILD)/tsan.native; \
		$$run ./$(TSAN_BUILD)/bin/vmm --vcpus 8 ./$(BUILD)/guest/$$t \
			>$(BUILD)/tsan.out 2>$(BUILD)/tsan.err; echo "status $$?" >>$(BUILD)/tsan.out; \
		if grep -q ThreadSanitizer $(BUILD)/tsan.err; then \
			grep -A20 "WARNING: ThreadSanitizer" $(BUILD)/tsan.err | head -40; \
			echo "ThreadSanitizer: $$t: FAIL, a data race$$where_note"; exit 1; \
		fi; \
		cmp -s $(BUILD)/tsan.native $(BUILD)/tsan.out || \
			{ diff $(BUILD)/tsan.native $(BUILD)/tsan.out | head; \
			  echo "ThreadSanitizer: $$t: FAIL, not native's output$$where_note"; exit 1; }; \
		echo "ThreadSanitizer: $$t on 8 vCPUs: ok$$where_note"; \
	done

# Linux's own selftests (tests/linux/README): the sources come from Debian's
# kernel source package, the tests run natively and under the monitor in
# run.sh.  Extracting two files reads the compressed tarball up to them.
DEPS		+= linux-source-6.12 xz-utils
LINUX_SRC_TAR	= /usr/src/linux-source-6.12.tar.xz
LINUX_SELFTESTS	= $(BUILD)/linux/src/linux-source-6.12/tools/testing/selftests
LINUX_TESTS	= $(BUILD)/linux/mremap_test

$(LINUX_SELFTESTS)/mm/mremap_test.c: | $(DEPS_STAMP)
	$(say) UNTAR $@
	$(Q)mkdir -p $(BUILD)/linux/src
	$(Q)tar -xJf $(LINUX_SRC_TAR) -C $(BUILD)/linux/src \
		linux-source-6.12/tools/testing/selftests/kselftest.h \
		linux-source-6.12/tools/testing/selftests/mm/mremap_test.c
	$(Q)touch $@

$(BUILD)/linux/mremap_test: $(LINUX_SELFTESTS)/mm/mremap_test.c
	$(say) MUSLCC $@
	$(Q)$(MUSL_CC) -static -O2 -o $@ $<

integration-test: $(LINUX_TESTS)

# Programs of the integration tests' own that are not guest test programs
# (run.sh finds them beside the guest directory).
ITEST_PROGS	= $(BUILD)/itest/overcommit_edge

$(BUILD)/itest/%: tests/integration/%.c | $(DEPS_STAMP)
	$(say) MUSLCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(MUSL_CC) $(GUEST_CFLAGS) -o $@ $<

integration-test: $(ITEST_PROGS)
