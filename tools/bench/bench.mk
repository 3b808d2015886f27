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

# a smoke run that fails when the runner, the guest or the stats file break
TEST_TARGETS	+= bench-test
bench-test: $(BENCH_RUN) $(VMM) $(BENCH_GUEST)
	$(Q)sh tools/bench/bench-test.sh ./$(BENCH_RUN) ./$(VMM) ./$(BENCH_GUEST)
