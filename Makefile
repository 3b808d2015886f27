# SPDX-License-Identifier: GPL-2.0
#
# Top-level build.
#
#   make            library, unit tests, tools and whatever the fragments add
#   make test       unit tests (plain, then ASan+UBSan in build-san/), then
#                   the fragments' TEST_TARGETS in order
#   make run        $(RUN_CMD) after $(RUN_DEPS); the monitor sets both
#
# Where the monitor runs (make run, and the monitor's tests): on this
# machine when its /dev/kvm is usable, otherwise in the emulated machine
# (tools/emu/emu, QEMU with nested paging); tools/emu/mode decides.
#   EMU=1           always the emulated machine; EMU=0 never
#   EMU_OPTS=...    options for tools/emu/emu (--pku, --timeout SECS, ...)
#   UNIT_ONLY=1     make test runs the unit tests alone (a machine where
#                   the monitor cannot run; without it make test fails)
#   make deps       check (and as root install) the Debian packages
#   make clean      remove build/, build-san/ and build-tsan/
#   SANITIZE=1      build into build-san/ with ASan+UBSan; SANITIZE=thread:
#                   build-tsan/ with ThreadSanitizer
#   make V=1 ...    show the full commands
#
# Fragments: vmm/vmm.mk, guest/guest.mk, tests/integration/integration.mk,
# tools/bench/bench.mk and tests/real/real.mk
# are included when they exist.  Paths in them are relative to this
# directory.  A fragment may
#   - append to ALL_TARGETS   (files built by `make`),
#   - append to TEST_TARGETS  (phony targets `make test` runs, in order,
#                              after the unit tests),
#   - append to DEPS          (more Debian packages to check),
#   - set RUN_CMD and RUN_DEPS (what `make run` runs, and what it needs),
# and may use BUILD, CC, CFLAGS, CPPFLAGS, LDFLAGS, LDLIBS, LIBMMU, DEPS_STAMP, Q
# and say.  The generic rule $(BUILD)/%.o: %.c compiles any C file of the
# tree with CFLAGS; objects should depend order-only on $(DEPS_STAMP).

.DEFAULT_GOAL := all

# ---- build trees and flags -------------------------------------------------

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD	?= build-san
OPT	 = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all
SAN_LDFLAGS = -fsanitize=address,undefined
else ifeq ($(SANITIZE),thread)
BUILD	?= build-tsan
OPT	 = -O1 -g -fsanitize=thread
SAN_LDFLAGS = -fsanitize=thread
else
BUILD	?= build
OPT	 = -O2 -g
SAN_LDFLAGS =
endif
SAN_BUILD ?= build-san
TSAN_BUILD ?= build-tsan

CC	 = gcc
AR	 = ar
WARN	 = -Wall -Wextra -Wno-unused-parameter \
	   -Werror=implicit-function-declaration
CFLAGS	 = -std=gnu11 $(OPT) $(WARN) -MMD -MP -D_GNU_SOURCE $(EXTRA_CFLAGS)
CPPFLAGS = -Immu
LDFLAGS	 = $(SAN_LDFLAGS) $(EXTRA_LDFLAGS)
# per target, e.g. $(BUILD)/tools/foo: LDLIBS += -lcapstone
LDLIBS	 =

# Recursive (=) so pkg-config runs after the dependency check installed it.
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

ifeq ($(V),1)
Q	 =
say	 = @true
else
Q	 = @
say	 = @printf '  %-8s %s\n'
endif

# Seen by the test binaries and by TEST_TARGETS.
CMOCKA_MESSAGE_OUTPUT ?= stdout
ASAN_OPTIONS  ?= detect_leaks=1:abort_on_error=1
UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
export CMOCKA_MESSAGE_OUTPUT ASAN_OPTIONS UBSAN_OPTIONS

# ---- Debian packages -------------------------------------------------------

DEPS	 = libcmocka-dev libcapstone-dev musl-tools linux-libc-dev \
	   pkg-config gcc make $(DEPS_EXTRA)
DEPS_STAMP = $(BUILD)/.deps-ok

# ---- what gets built -------------------------------------------------------

LIBMMU		= $(BUILD)/libmmu.a
MMU_OBJS	= $(patsubst %.c,$(BUILD)/%.o,$(wildcard mmu/*.c))

UNIT_SRCS	= $(wildcard tests/unit/test_*.c)
HELPER_SRCS	= $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))
HELPER_OBJS	= $(patsubst %.c,$(BUILD)/%.o,$(HELPER_SRCS))
UNIT_TESTS	= $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

TOOLS		= $(patsubst tools/%.c,$(BUILD)/tools/%,$(wildcard tools/*.c))

# Defaults for the fragments to extend or override.
ALL_TARGETS	=
TEST_TARGETS	=
RUN_DEPS	= $(DEPS_STAMP)
RUN_CMD		= @echo "make run: the monitor is not built yet (no vmm/vmm.mk)" >&2; exit 1

-include vmm/vmm.mk guest/guest.mk tests/integration/integration.mk \
	tools/bench/bench.mk
-include tests/real/real.mk

# ---- rules -----------------------------------------------------------------

.PHONY: all test check-unit unit-tests run deps clean FORCE

all: $(LIBMMU) $(UNIT_TESTS) $(TOOLS) $(ALL_TARGETS)

# Re-check whenever the package list differs from the one last checked
# (e.g. a fragment added a package, or DEPS_EXTRA is set).
ifneq ($(strip $(file <$(DEPS_STAMP))),$(strip $(DEPS)))
$(DEPS_STAMP): FORCE
endif
$(DEPS_STAMP): tools/install-deps.sh
	$(Q)mkdir -p $(@D)
	$(Q)sh tools/install-deps.sh $(DEPS)
	$(Q)echo '$(strip $(DEPS))' > $@

deps:
	$(Q)sh tools/install-deps.sh $(DEPS)
	$(Q)mkdir -p $(BUILD)
	$(Q)echo '$(strip $(DEPS))' > $(DEPS_STAMP)

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	$(say) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: CPPFLAGS += -Itests/unit $(CMOCKA_CFLAGS)

# rm first so that objects of deleted sources do not linger in the archive
$(LIBMMU): $(MMU_OBJS)
	$(say) AR $@
	$(Q)mkdir -p $(@D)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(UNIT_TESTS): $(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(HELPER_OBJS) $(LIBMMU)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBMMU) $(CMOCKA_LIBS) $(LDLIBS)

$(TOOLS): $(BUILD)/tools/%: $(BUILD)/tools/%.o $(LIBMMU)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBMMU) $(LDLIBS)

unit-tests: $(UNIT_TESTS)

# Runs the unit tests of this build tree.
check-unit: $(UNIT_TESTS)
	$(Q)sh tools/run-tests.sh "$(if $(filter 1,$(SANITIZE)),ASan+UBSan,plain)" $(UNIT_TESTS)

# Sequential on purpose: plain, then sanitized, then each TEST_TARGET.
test: check-unit
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(SAN_BUILD) check-unit
ifeq ($(UNIT_ONLY),1)
	@echo "make test: UNIT_ONLY=1: unit tests only; not run: $(TEST_TARGETS)"
else
	$(Q)set -e; for t in $(TEST_TARGETS); do \
		$(MAKE) --no-print-directory $$t; \
	done
endif

run: $(RUN_DEPS)
	$(RUN_CMD)

clean:
	$(say) CLEAN "build/ build-san/ build-tsan/"
	$(Q)rm -rf build build-san build-tsan $(BUILD) $(SAN_BUILD) $(TSAN_BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
