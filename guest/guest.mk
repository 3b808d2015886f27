# SPDX-License-Identifier: GPL-2.0
#
# Guest programs: static x86-64 Linux programs built with musl-gcc.  They
# run natively as well as under the monitor, which is what the integration
# tests compare.  guest/demo.c becomes ./guest.bin, what `make run` runs.

MUSL_CC		= musl-gcc
GUEST_CFLAGS	= -static -O2 -g -Wall -Wextra -Wno-unused-parameter -fno-stack-protector
GUEST_SRCS	= $(filter-out guest/demo.c,$(wildcard guest/*.c))
GUEST_PROGS	= $(patsubst guest/%.c,$(BUILD)/guest/%,$(GUEST_SRCS))

ALL_TARGETS	+= guest.bin $(GUEST_PROGS)

$(BUILD)/guest/%: guest/%.c | $(DEPS_STAMP)
	$(say) MUSLCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(MUSL_CC) $(GUEST_CFLAGS) -o $@ $<

guest.bin: guest/demo.c | $(DEPS_STAMP)
	$(say) MUSLCC $@
	$(Q)$(MUSL_CC) $(GUEST_CFLAGS) -o $@ $<

# The same programs linked statically with glibc, for what glibc asks that
# musl does not (clone3 in posix_spawn, rseq and the robust list at
# start-up, pthread_create's clone): $(BUILD)/guest/glibc/NAME
GLIBC_GUESTS	= test_spawn test_thread test_startup test_pthread
GLIBC_PROGS	= $(patsubst %,$(BUILD)/guest/glibc/%,$(GLIBC_GUESTS))

# (in GUEST_PROGS: built by `make` and before the integration tests)
GUEST_PROGS	+= $(GLIBC_PROGS)

$(BUILD)/guest/glibc/%: guest/%.c | $(DEPS_STAMP)
	$(say) GLIBCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -static -O2 -g -Wall -Wextra -Wno-unused-parameter -pthread -o $@ $<

# the escape tests share their signal-frame helpers
$(filter $(BUILD)/guest/test_escape_%,$(GUEST_PROGS)): guest/test_escape.h

# glibc's threads (clone3, rseq and a robust list per thread) under the
# thread tests of issue 17
GLIBC_GUESTS	+= test_thread_stale test_thread_stress
