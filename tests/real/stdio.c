// SPDX-License-Identifier: GPL-2.0
/*
 * stdio on files: formatted writes and reads, appends, seeks, updates in
 * place, unbuffered / line / large buffers, binary blocks, ungetc,
 * getline, tmpfile, rename and remove.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F	"/tmp/stdio.txt"
#define B	"/tmp/stdio.bin"

static unsigned long hash_file(const char *path, long *size)
{
	unsigned long h = 5381;
	FILE *f = fopen(path, "rb");
	int c;

	*size = 0;
	if (!f)
		return 0;
	while ((c = getc(f)) != EOF) {
		h = h * 33 + (unsigned)c;
		(*size)++;
	}
	fclose(f);
	return h;
}

static int text_file(void)
{
	char line[128], word[32];
	long sum = 0, n = 0, size;
	int i, v;
	FILE *f = fopen(F, "w");

	if (!f) {
		perror("fopen w");
		return 1;
	}
	for (i = 0; i < 5000; i++)
		fprintf(f, "%d %s %.3f\n", i, i % 3 ? "odd" : "three", i / 7.0);
	printf("written, ftell %ld\n", ftell(f));
	fclose(f);

	f = fopen(F, "r");
	while (fgets(line, sizeof(line), f)) {
		n++;
		sum += atol(line);
	}
	printf("lines %ld sum %ld eof %d\n", n, sum, feof(f));
	rewind(f);
	if (fscanf(f, "%d %31s", &v, word) == 2)
		printf("fscanf: %d %s\n", v, word);
	fseek(f, -20, SEEK_END);
	printf("at %ld: %s", ftell(f), fgets(line, sizeof(line), f));
	fclose(f);

	f = fopen(F, "a");
	fputs("appended line\n", f);
	printf("append at %ld\n", ftell(f));
	fclose(f);

	f = fopen(F, "r+");
	fseek(f, 2, SEEK_SET);
	fputs("XYZ", f);
	fflush(f);
	fseek(f, 0, SEEK_SET);
	printf("updated: %s", fgets(line, sizeof(line), f));
	ungetc('!', f);
	printf("ungetc: %c\n", getc(f));
	fclose(f);
	printf("hash %lx", hash_file(F, &size));
	printf(" size %ld\n", size);

	f = fopen(F, "r");
	{
		char *l = NULL;
		size_t cap = 0;
		ssize_t len, longest = 0;

		while ((len = getline(&l, &cap, f)) > 0)
			if (len > longest)
				longest = len;
		printf("getline longest %zd\n", longest);
		free(l);
	}
	fclose(f);
	return 0;
}

static int binary_file(void)
{
	static char big[1 << 20], back[1 << 20];
	static char vbuf[1 << 16];
	long size;
	size_t i, got, total = 0;
	FILE *f;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 4093);
	f = fopen(B, "wb");
	setvbuf(f, vbuf, _IOFBF, sizeof(vbuf));
	for (i = 0; i < sizeof(big); i += 4093)
		fwrite(big + i, 1, i + 4093 > sizeof(big) ? sizeof(big) - i : 4093, f);
	fclose(f);

	f = fopen(B, "rb");
	setvbuf(f, NULL, _IONBF, 0);
	while ((got = fread(back + total, 1, 1000, f)) > 0)
		total += got;
	fclose(f);
	printf("binary: %zu bytes, %s\n", total, memcmp(big, back, sizeof(big)) ? "DIFFERS" : "same");
	printf("binary hash %lx", hash_file(B, &size));
	printf(" size %ld\n", size);

	f = fopen(B, "r+b");
	fseek(f, 512 * 1024, SEEK_SET);
	fwrite("middle", 1, 6, f);
	fseek(f, 0, SEEK_END);
	fwrite("end", 1, 3, f);
	printf("after update: ftell %ld\n", ftell(f));
	fclose(f);
	printf("binary hash %lx", hash_file(B, &size));
	printf(" size %ld\n", size);
	return 0;
}

static void misc(void)
{
	char line[64];
	FILE *t = tmpfile();
	int ret;

	if (t) {
		fprintf(t, "in a temporary file %d\n", 42);
		rewind(t);
		printf("tmpfile: %s", fgets(line, sizeof(line), t));
		fclose(t);
	} else {
		printf("tmpfile: error %d (%s)\n", errno, strerror(errno));
	}
	printf("rename: %d\n", rename(F, F ".new"));
	errno = 0;
	t = fopen(F, "r");
	printf("fopen old name: %s, errno %d\n", t ? "opened" : "failed", errno);
	if (t)
		fclose(t);
	printf("remove: %d", remove(F ".new"));
	printf(" %d\n", remove(B));
	errno = 0;
	ret = remove(B);
	printf("remove again: %d errno %d\n", ret, errno);
}

int main(void)
{
	if (text_file() || binary_file())
		return 1;
	misc();
	return 0;
}
