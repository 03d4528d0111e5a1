// SPDX-License-Identifier: GPL-2.0
/*
 * lvd-idlc: compile an LVD interface description (*.lvd) into the kernel
 * side of its glue. See Documentation/virt/lvd/idl.rst.
 *
 * Usage: lvd-idlc [-o OUTPUT] DESCRIPTION
 *
 * Errors go to stderr as FILE:LINE:COL: error: ..., and the exit status
 * is 1; OUTPUT is then left alone.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "idl.h"

int idl_errors;

/**
 * error_at() - report an error in the description
 * @file: the description
 * @loc: where
 * @fmt: what, printf-style
 */
void error_at(const char *file, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d:%d: error: ", file, loc.line, loc.col);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	idl_errors++;
}

/**
 * xmalloc() - zeroed memory, or the end of the program
 * @size: bytes
 *
 * Return: the memory.
 */
void *xmalloc(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (!p) {
		fputs("lvd-idlc: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/**
 * xstrdup() - a copy of a string, or the end of the program
 * @s: the string
 *
 * Return: the copy.
 */
char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

static char *read_file(const char *path)
{
	size_t n = 0, size = 4096;
	char *buf = xmalloc(size);
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "lvd-idlc: %s: cannot open: ", path);
		perror(NULL);
		exit(1);
	}
	while (!feof(f)) {
		if (n + 1 >= size) {
			size *= 2;
			buf = realloc(buf, size);
			if (!buf) {
				fputs("lvd-idlc: out of memory\n", stderr);
				exit(1);
			}
		}
		n += fread(buf + n, 1, size - n - 1, f);
		if (ferror(f)) {
			fprintf(stderr, "lvd-idlc: %s: cannot read\n", path);
			exit(1);
		}
	}
	fclose(f);
	buf[n] = 0;
	if (strlen(buf) != n) {
		fprintf(stderr, "lvd-idlc: %s: has a NUL byte\n", path);
		exit(1);
	}
	return buf;
}

static void bad_usage(void)
{
	fputs("usage: lvd-idlc [-o OUTPUT] DESCRIPTION\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *input = NULL, *output = NULL, *base;
	struct idl idl = { };
	char *text, *gen;
	size_t gen_len;
	FILE *out;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			output = argv[++i];
		else if (argv[i][0] == '-' || input)
			bad_usage();
		else
			input = argv[i];
	}
	if (!input)
		bad_usage();
	text = read_file(input);
	if (idl_parse(&idl, input, text) || idl_check(&idl))
		return 1;

	/* Generated whole before OUTPUT is touched */
	out = open_memstream(&gen, &gen_len);
	base = strrchr(input, '/');
	if (!out || idl_generate(&idl, out, base ? base + 1 : input) ||
	    fclose(out)) {
		fputs("lvd-idlc: cannot generate\n", stderr);
		return 1;
	}
	out = output ? fopen(output, "w") : stdout;
	if (!out || fwrite(gen, 1, gen_len, out) != gen_len ||
	    (output && fclose(out)) || (!output && fflush(out))) {
		fprintf(stderr, "lvd-idlc: %s: cannot write\n",
			output ? output : "standard output");
		if (output)
			remove(output);
		return 1;
	}
	return 0;
}
