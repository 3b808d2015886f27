# SPDX-License-Identifier: GPL-2.0
#
# The monitor: ./vmm, built from vmm/*.c, the guest trampoline (assembled,
# flattened to a binary and embedded) and the MMU library.

VMM		= $(BUILD)/bin/vmm
VMM_SRCS	= $(wildcard vmm/*.c vmm/kvm/*.c vmm/linux/*.c)
VMM_OBJS	= $(patsubst %.c,$(BUILD)/%.o,$(VMM_SRCS)) $(BUILD)/guest/trampoline_blob.o
UNISTD_H	= /usr/include/x86_64-linux-gnu/asm/unistd_64.h

ALL_TARGETS	+= $(VMM)
DEPS		+= binutils

$(BUILD)/vmm/%.o: CPPFLAGS += -I$(BUILD)/vmm -Ivmm -Ivmm/kvm -Ivmm/linux -Iguest

# system call names for --trace, from the kernel headers
$(BUILD)/vmm/syscall_names.h: $(UNISTD_H) vmm/vmm.mk | $(DEPS_STAMP)
	$(say) GEN $@
	$(Q)mkdir -p $(@D)
	$(Q)awk 'BEGIN { print "static const char *const syscall_names[] = {" } \
		/^#define __NR_/ { printf "\t[%s] = \"%s\",\n", $$3, substr($$2, 6) } \
		END { print "};" }' $< > $@.tmp && mv $@.tmp $@

$(BUILD)/vmm/linux/syscall_trace.o: $(BUILD)/vmm/syscall_names.h

# the ring-0 trampoline: position-independent, embedded as a byte image
$(BUILD)/guest/trampoline.o: guest/trampoline.S guest/trampoline.h | $(DEPS_STAMP)
	$(say) AS $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -Iguest -c -o $@ $<

$(BUILD)/guest/trampoline.bin: $(BUILD)/guest/trampoline.o
	$(say) OBJCOPY $@
	$(Q)objcopy -O binary -j .text $< $@

$(BUILD)/guest/trampoline_blob.o: $(BUILD)/guest/trampoline.bin
	$(say) AS $@
	$(Q)printf '.section .rodata\n.balign 4096\n.globl trampoline_image, trampoline_image_end\ntrampoline_image:\n.incbin "%s"\ntrampoline_image_end:\n' $< | \
		$(CC) -c -x assembler -Wa,--noexecstack -o $@ -

$(VMM): $(VMM_OBJS) $(LIBMMU)
	$(say) LD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(VMM_OBJS) $(LIBMMU) -lcapstone

# here, or in the emulated machine where /dev/kvm is not usable (EMU=1
# forces it); test_args is the wrapper's probe of /dev/kvm
RUN_DEPS	= $(VMM) guest.bin $(BUILD)/guest/test_args
RUN_CMD		= $(Q)VMM=./$(VMM) tools/emu/vmm guest.bin

# exit costs: the floor timed by the monitor, the rest by a guest program
.PHONY: exit-bench
exit-bench: $(VMM) $(BUILD)/guest/exit_bench
	$(Q)./$(VMM) --exit-floor 2000 $(BUILD)/guest/exit_bench

# README.md's table of system calls is tools/syscall-table's output, between
# its markers: a handler added or removed without the README fails here.
TEST_TARGETS	+= syscall-table-check

.PHONY: syscall-table-check
syscall-table-check:
	$(Q)mkdir -p $(BUILD)
	$(Q)sh tools/syscall-table > $(BUILD)/syscall-table.md
	$(Q)sed -n '/^<!-- syscall-table: tools\/syscall-table writes this -->$$/,/^<!-- end of syscall-table -->$$/p' \
		README.md | sed '1d;$$d' > $(BUILD)/syscall-table.readme
	$(Q)if cmp -s $(BUILD)/syscall-table.md $(BUILD)/syscall-table.readme; then \
		echo "system-call table: README.md matches vmm/linux/syscall_table.c"; \
	else \
		echo "system-call table: README.md differs from tools/syscall-table's output:"; \
		diff $(BUILD)/syscall-table.readme $(BUILD)/syscall-table.md | head -20; \
		echo "(run: make syscall-table-update)"; exit 1; \
	fi

# rewrite README.md's table from the sources
.PHONY: syscall-table-update
syscall-table-update:
	$(Q)sh tools/syscall-table > $(BUILD)/syscall-table.md
	$(Q)awk -v tab=$(BUILD)/syscall-table.md ' \
		/^<!-- syscall-table: tools\/syscall-table writes this -->$$/ { print; while ((getline l < tab) > 0) print l; skip = 1; next } \
		/^<!-- end of syscall-table -->$$/ { skip = 0 } \
		!skip { print }' README.md > README.md.tmp && mv README.md.tmp README.md
