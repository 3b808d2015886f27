// SPDX-License-Identifier: GPL-2.0
/* argv, the environment (TEST_* only) and the auxiliary vector. */
#include <sys/auxv.h>

#include "testlib.h"

extern char **environ;

int main(int argc, char **argv)
{
	int i;

	printf("argc %d\n", argc);
	for (i = 0; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	printf("argv[argc] is %s\n", argv[argc] ? "not NULL" : "NULL");
	for (i = 0; environ[i]; i++)
		if (!strncmp(environ[i], "TEST_", 5))
			printf("env %s\n", environ[i]);
	printf("AT_PAGESZ %lu\n", getauxval(AT_PAGESZ));
	printf("AT_SECURE %lu\n", getauxval(AT_SECURE));
	printf("AT_UID matches getuid: %s\n", getauxval(AT_UID) == getuid() ? "yes" : "no");
	printf("AT_EGID matches getegid: %s\n", getauxval(AT_EGID) == getegid() ? "yes" : "no");
	printf("AT_EXECFN is argv[0]: %s\n",
	       !strcmp((char *)getauxval(AT_EXECFN), argv[0]) ? "yes" : "no");
	printf("AT_PHENT %lu\n", getauxval(AT_PHENT));
	printf("AT_RANDOM set: %s\n", getauxval(AT_RANDOM) ? "yes" : "no");
	printf("stack aligned: %s\n", ((uintptr_t)&argc & 3) == 0 ? "yes" : "no");
	return argc;
}
