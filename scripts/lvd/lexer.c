// SPDX-License-Identifier: GPL-2.0
/*
 * lvd-idlc's lexer: identifiers, integers (decimal or hex, a sign is the
 * parser's), header names after "include", and punctuation. Comments are
 * C's, both kinds.
 */

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "idl.h"

void lexer_init(struct lexer *lx, const char *file, const char *src)
{
	lx->file = file;
	lx->src = src;
	lx->p = src;
	lx->loc.line = 1;
	lx->loc.col = 1;
	lx->after_include = false;
}

static void advance(struct lexer *lx)
{
	if (*lx->p == '\n') {
		lx->loc.line++;
		lx->loc.col = 1;
	} else {
		lx->loc.col++;
	}
	lx->p++;
}

/* Skip blanks and comments; -1 on a comment that never ends */
static int skip_space(struct lexer *lx)
{
	struct loc start;

	for (;;) {
		if (isspace((unsigned char)*lx->p)) {
			advance(lx);
		} else if (lx->p[0] == '/' && lx->p[1] == '/') {
			while (*lx->p && *lx->p != '\n')
				advance(lx);
		} else if (lx->p[0] == '/' && lx->p[1] == '*') {
			start = lx->loc;
			advance(lx);
			advance(lx);
			while (*lx->p && !(lx->p[0] == '*' && lx->p[1] == '/'))
				advance(lx);
			if (!*lx->p) {
				error_at(lx->file, start, "comment never ends");
				return -1;
			}
			advance(lx);
			advance(lx);
		} else {
			return 0;
		}
	}
}

static int lex_header(struct lexer *lx, struct token *t)
{
	char close = *lx->p == '<' ? '>' : '"';
	const char *start = lx->p;
	size_t n;

	advance(lx);
	while (*lx->p && *lx->p != close && *lx->p != '\n')
		advance(lx);
	if (*lx->p != close) {
		error_at(lx->file, t->loc, "header name never ends");
		return -1;
	}
	advance(lx);
	n = lx->p - start;
	t->kind = TOK_HEADER;
	t->text = xmalloc(n + 1);
	memcpy(t->text, start, n);
	t->text[n] = 0;
	return 0;
}

static int lex_int(struct lexer *lx, struct token *t)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(lx->p, &end, 0);
	if (isalnum((unsigned char)*end) || *end == '_') {
		error_at(lx->file, t->loc, "bad number");
		return -1;
	}
	if (errno || v > (1ULL << 63) - 1) {
		error_at(lx->file, t->loc, "number too large");
		return -1;
	}
	while (lx->p < end)
		advance(lx);
	t->kind = TOK_INT;
	t->value = (long long)v;
	return 0;
}

/**
 * lexer_next() - the next token
 * @lx: the lexer
 * @t: where to put it
 *
 * Return: 0, or -1 after an error message.
 */
int lexer_next(struct lexer *lx, struct token *t)
{
	const char *start;
	bool header;

	memset(t, 0, sizeof(*t));
	if (skip_space(lx))
		return -1;
	t->loc = lx->loc;
	header = lx->after_include;
	lx->after_include = false;
	if (!*lx->p) {
		t->kind = TOK_EOF;
		return 0;
	}
	if (header && (*lx->p == '<' || *lx->p == '"'))
		return lex_header(lx, t);
	if (isalpha((unsigned char)*lx->p) || *lx->p == '_') {
		start = lx->p;
		while (isalnum((unsigned char)*lx->p) || *lx->p == '_')
			advance(lx);
		t->kind = TOK_IDENT;
		t->text = xmalloc(lx->p - start + 1);
		memcpy(t->text, start, lx->p - start);
		t->text[lx->p - start] = 0;
		lx->after_include = !strcmp(t->text, "include");
		return 0;
	}
	if (isdigit((unsigned char)*lx->p))
		return lex_int(lx, t);
	if (strchr("(){}[]<>,;*-", *lx->p)) {
		t->kind = TOK_PUNCT;
		t->punct = *lx->p;
		advance(lx);
		return 0;
	}
	if (isprint((unsigned char)*lx->p))
		error_at(lx->file, t->loc, "unexpected character '%c'", *lx->p);
	else
		error_at(lx->file, t->loc, "unexpected byte 0x%02x",
			 (unsigned char)*lx->p);
	return -1;
}
