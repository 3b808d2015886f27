// SPDX-License-Identifier: GPL-2.0
/* Dies writing to an unmapped address: the monitor's crash report must
 * name the address and the faulting instruction. */
#include <stdio.h>

int main(void)
{
	volatile int *bad = (int *)0xdead000;

	printf("about to write to %p\n", (void *)bad);
	fflush(stdout);
	*bad = 42;
	return 0;
}
