# SPDX-License-Identifier: GPL-2.0
#
# Measurement: the guest microbenchmarks (guest/bench.c, built by
# guest/guest.mk) run natively and under the monitor by bench-run.
#
#   make bench                 the default run (a few minutes), into build/bench
#   make bench BENCH_ARGS=...  e.g. --quick, --full, --runs 3, --filter fork

BENCH_RUN	= $(BUILD)/tools/bench-run
BENCH_GUEST	= $(BUILD)/guest/bench
BENCH_ARGS	?=

ALL_TARGETS	+= $(BENCH_RUN)
# gnuplot draws the plots; jq checks the JSON in bench-test
DEPS		+= gnuplot-nox jq

$(BENCH_RUN): $(BUILD)/tools/bench/bench-run.o
	$(say) LD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: bench bench-test
bench: $(BENCH_RUN) $(VMM) $(BENCH_GUEST)
	$(Q)./$(BENCH_RUN) --vmm $(VMM) --guest $(BENCH_GUEST) --out $(BUILD)/bench $(BENCH_ARGS)

# a smoke run that fails when the runner, the guest or the stats file break;
# where /dev/kvm is not usable (or EMU=1) all of it, the native rows too,
# runs in the emulated machine: it checks the runner, not Linux's answers
TEST_TARGETS	+= bench-test
bench-test: $(BENCH_RUN) $(VMM) $(BENCH_GUEST) $(BUILD)/guest/test_args
	$(Q)where=$$(sh tools/emu/mode ./$(VMM) $(BUILD)/guest/test_args) || exit 1; \
	if [ $$where = host ]; then \
		sh tools/bench/bench-test.sh ./$(BENCH_RUN) ./$(VMM) ./$(BENCH_GUEST); \
	else \
		tools/emu/emu --cmd-timeout 1500 --timeout 1600 $(EMU_OPTS) -- \
			sh tools/bench/bench-test.sh ./$(BENCH_RUN) ./$(VMM) ./$(BENCH_GUEST); \
	fi
