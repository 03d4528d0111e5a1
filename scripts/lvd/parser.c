// SPDX-License-Identifier: GPL-2.0
/*
 * lvd-idlc's parser: a description, statement by statement, into the tree
 * of idl.h. It stops at the first syntax error; names are the checker's.
 */

#include <stdlib.h>
#include <string.h>

#include "idl.h"

static const struct scalar scalars[] = {
	{ "bool", 8, false, true, false },
	{ "char", 8, true, false, false },
	{ "signed char", 8, true, false, false },
	{ "unsigned char", 8, false, false, false },
	{ "short", 16, true, false, false },
	{ "unsigned short", 16, false, false, false },
	{ "int", 32, true, false, false },
	{ "unsigned int", 32, false, false, false },
	{ "long", 64, true, false, false },
	{ "unsigned long", 64, false, false, false },
	{ "long long", 64, true, false, false },
	{ "unsigned long long", 64, false, false, false },
	{ "u8", 8, false, false, false },
	{ "u16", 16, false, false, false },
	{ "u32", 32, false, false, false },
	{ "u64", 64, false, false, false },
	{ "s8", 8, true, false, false },
	{ "s16", 16, true, false, false },
	{ "s32", 32, true, false, false },
	{ "s64", 64, true, false, false },
	{ "size_t", 64, false, false, false },
	{ "ssize_t", 64, true, false, false },
	{ "loff_t", 64, true, false, false },
	{ "gfp_t", 32, false, false, true },
};

/* C's spellings of the same types */
static const struct {
	const char *spelling, *name;
} synonyms[] = {
	{ "unsigned", "unsigned int" },
	{ "signed", "int" },
	{ "signed int", "int" },
	{ "short int", "short" },
	{ "unsigned short int", "unsigned short" },
	{ "long int", "long" },
	{ "unsigned long int", "unsigned long" },
	{ "signed long", "long" },
	{ "long long int", "long long" },
	{ "unsigned long long int", "unsigned long long" },
};

/**
 * scalar_lookup() - the integer type of a spelling
 * @spelling: words separated by one space ("unsigned long")
 *
 * Return: the type, or NULL when it is none.
 */
const struct scalar *scalar_lookup(const char *spelling)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(synonyms); i++)
		if (!strcmp(spelling, synonyms[i].spelling))
			spelling = synonyms[i].name;
	for (i = 0; i < ARRAY_SIZE(scalars); i++)
		if (!strcmp(spelling, scalars[i].name))
			return &scalars[i];
	return NULL;
}

/* The words C builds integer types of */
static bool c_type_word(const char *s)
{
	return !strcmp(s, "unsigned") || !strcmp(s, "signed") ||
	       !strcmp(s, "int") || !strcmp(s, "long") ||
	       !strcmp(s, "short") || !strcmp(s, "char");
}

struct parser {
	struct lexer lx;
	struct token tok;	/* the next token */
	struct idl *idl;
};

static int next(struct parser *ps)
{
	return lexer_next(&ps->lx, &ps->tok);
}

static const char *describe(const struct token *t)
{
	static char buf[64];

	switch (t->kind) {
	case TOK_EOF:
		return "end of file";
	case TOK_IDENT:
		snprintf(buf, sizeof(buf), "'%.40s'", t->text);
		return buf;
	case TOK_INT:
		return "a number";
	case TOK_HEADER:
		return "a header name";
	default:
		snprintf(buf, sizeof(buf), "'%c'", t->punct);
		return buf;
	}
}

static int syntax(struct parser *ps, const char *want)
{
	error_at(ps->idl->file, ps->tok.loc, "expected %s, found %s", want,
		 describe(&ps->tok));
	return -1;
}

static bool is_punct(struct parser *ps, int c)
{
	return ps->tok.kind == TOK_PUNCT && ps->tok.punct == c;
}

static bool is_word(struct parser *ps, const char *w)
{
	return ps->tok.kind == TOK_IDENT && !strcmp(ps->tok.text, w);
}

static int expect_punct(struct parser *ps, int c)
{
	char want[4] = { '\'', (char)c, '\'', 0 };

	if (!is_punct(ps, c))
		return syntax(ps, want);
	return next(ps);
}

static int expect_ident(struct parser *ps, const char *what, char **name,
			struct loc *loc)
{
	if (ps->tok.kind != TOK_IDENT)
		return syntax(ps, what);
	*name = ps->tok.text;
	if (loc)
		*loc = ps->tok.loc;
	return next(ps);
}

static int parse_int(struct parser *ps, long long *v)
{
	bool neg = is_punct(ps, '-');

	if (neg && next(ps))
		return -1;
	if (ps->tok.kind != TOK_INT)
		return syntax(ps, "a number");
	*v = neg ? -ps->tok.value : ps->tok.value;
	return next(ps);
}

/* An integer type, C's words or a kernel name (u32, size_t, ...) */
static int parse_scalar(struct parser *ps, const struct scalar **type)
{
	char spelling[64] = "";
	struct loc loc = ps->tok.loc;

	if (ps->tok.kind == TOK_IDENT && !c_type_word(ps->tok.text)) {
		*type = scalar_lookup(ps->tok.text);
		if (!*type)
			return syntax(ps, "an integer type");
		return next(ps);
	}
	while (ps->tok.kind == TOK_IDENT && c_type_word(ps->tok.text) &&
	       strlen(spelling) + strlen(ps->tok.text) + 2 < sizeof(spelling)) {
		if (*spelling)
			strcat(spelling, " ");
		strcat(spelling, ps->tok.text);
		if (next(ps))
			return -1;
	}
	*type = scalar_lookup(spelling);
	if (!*type) {
		error_at(ps->idl->file, loc, "'%s' is not an integer type",
			 spelling);
		return -1;
	}
	return 0;
}

static bool at_scalar(struct parser *ps)
{
	return ps->tok.kind == TOK_IDENT &&
	       (c_type_word(ps->tok.text) || scalar_lookup(ps->tok.text));
}

/* A result: void or an integer type */
static int parse_ret(struct parser *ps, const struct scalar **ret)
{
	if (is_word(ps, "void")) {
		*ret = NULL;
		return next(ps);
	}
	if (!at_scalar(ps))
		return syntax(ps, "a result type (void or an integer type)");
	return parse_scalar(ps, ret);
}

/* [in, out, inout, nullable, min N, max N, len NAME], in any order */
static int parse_attrs(struct parser *ps, struct arg *a)
{
	const char *w;

	if (!is_punct(ps, '['))
		return 0;
	do {
		if (next(ps))
			return -1;
		if (ps->tok.kind != TOK_IDENT)
			return syntax(ps, "an attribute");
		w = ps->tok.text;
		if (!strcmp(w, "in") || !strcmp(w, "out") ||
		    !strcmp(w, "inout")) {
			if (a->dir) {
				error_at(ps->idl->file, ps->tok.loc,
					 "'%s': a direction was given already",
					 a->name);
				return -1;
			}
			a->dir = !strcmp(w, "in") ? DIR_IN :
				 !strcmp(w, "out") ? DIR_OUT : DIR_INOUT;
			if (next(ps))
				return -1;
		} else if (!strcmp(w, "nullable")) {
			a->nullable = true;
			if (next(ps))
				return -1;
		} else if (!strcmp(w, "min") || !strcmp(w, "max")) {
			bool is_min = !strcmp(w, "min");

			a->range_loc = ps->tok.loc;
			if (next(ps) ||
			    parse_int(ps, is_min ? &a->min : &a->max))
				return -1;
			if (is_min)
				a->has_min = true;
			else
				a->has_max = true;
		} else if (!strcmp(w, "len")) {
			if (next(ps) || expect_ident(ps, "an argument's name",
						     &a->len_name, &a->len_loc))
				return -1;
		} else {
			return syntax(ps, "in, out, inout, nullable, min, max or len");
		}
	} while (is_punct(ps, ','));
	return expect_punct(ps, ']');
}

/* TYPE NAME [ATTRS] */
static int parse_arg(struct parser *ps, struct arg *a)
{
	a->type_loc = ps->tok.loc;
	if (is_word(ps, "string")) {
		a->kind = ARG_STRING;
		if (next(ps) || expect_punct(ps, '<') ||
		    parse_int(ps, &a->size) || expect_punct(ps, '>'))
			return -1;
	} else if (is_word(ps, "buffer")) {
		a->kind = ARG_BUFFER;
		if (next(ps))
			return -1;
	} else if (is_word(ps, "struct")) {
		a->kind = ARG_STRUCT;
		if (next(ps) ||
		    expect_ident(ps, "a struct's tag", &a->type_name, NULL) ||
		    expect_punct(ps, '*'))
			return -1;
	} else if (at_scalar(ps)) {
		a->kind = ARG_SCALAR;
		if (parse_scalar(ps, &a->type))
			return -1;
	} else if (ps->tok.kind == TOK_IDENT) {
		a->kind = ARG_NAMED;
		a->type_name = ps->tok.text;
		if (next(ps))
			return -1;
	} else {
		return syntax(ps, "an argument's type");
	}
	a->loc = ps->tok.loc;
	if (expect_ident(ps, "an argument's name", &a->name, NULL))
		return -1;
	return parse_attrs(ps, a);
}

/* RET NAME(ARGS): an rpc's or a callback's signature */
static int parse_signature(struct parser *ps, struct func *f)
{
	if (parse_ret(ps, &f->ret) ||
	    expect_ident(ps, "a function's name", &f->name, &f->loc) ||
	    expect_punct(ps, '('))
		return -1;
	if (is_word(ps, "void")) {
		if (next(ps))
			return -1;
		return expect_punct(ps, ')');
	}
	while (!is_punct(ps, ')')) {
		if (f->nargs == IDL_MAX_ARGS) {
			error_at(ps->idl->file, ps->tok.loc,
				 "'%s': more than %d arguments (only registers pass them)",
				 f->name, IDL_MAX_ARGS);
			return -1;
		}
		if (parse_arg(ps, &f->args[f->nargs++]))
			return -1;
		if (!is_punct(ps, ')') && expect_punct(ps, ','))
			return -1;
	}
	return next(ps);
}

/* Add @item at the end of the list at @head */
#define APPEND(head, item)					\
	do {							\
		__typeof__(item) *p_ = &(head);			\
								\
		while (*p_)					\
			p_ = &(*p_)->next;			\
		*p_ = (item);					\
	} while (0)

static int parse_rpc(struct parser *ps)
{
	struct func *f = xmalloc(sizeof(*f));

	if (next(ps) || parse_signature(ps, f))
		return -1;
	for (;;) {
		if (is_word(ps, "may_sleep")) {
			f->may_sleep = true;
			if (next(ps))
				return -1;
		} else if (is_word(ps, "impl")) {
			if (next(ps) ||
			    expect_ident(ps, "a kernel function's name",
					 &f->impl, &f->impl_loc))
				return -1;
		} else if (is_word(ps, "handler")) {
			if (next(ps) ||
			    expect_ident(ps, "a handler's name", &f->handler,
					 &f->impl_loc))
				return -1;
		} else if (is_word(ps, "defer")) {
			if (next(ps) ||
			    expect_ident(ps, "an LVD_GLUE_DEFER_ constant",
					 &f->defer, NULL))
				return -1;
		} else {
			break;
		}
	}
	if (!is_punct(ps, ';'))
		return syntax(ps, "may_sleep, impl, handler, defer or ';'");
	if (next(ps))
		return -1;
	APPEND(ps->idl->rpcs, f);
	return 0;
}

static int parse_callback(struct parser *ps)
{
	struct func *f = xmalloc(sizeof(*f));

	f->is_callback = true;
	if (next(ps) || parse_signature(ps, f) || expect_punct(ps, ';'))
		return -1;
	APPEND(ps->idl->callbacks, f);
	return 0;
}

static int parse_handle(struct parser *ps)
{
	struct handle *h = xmalloc(sizeof(*h));

	if (next(ps))
		return -1;
	if (!at_scalar(ps))
		return syntax(ps, "the handle's integer type");
	if (parse_scalar(ps, &h->type) ||
	    expect_ident(ps, "the handle type's name", &h->name, &h->loc))
		return -1;
	if (!is_word(ps, "check"))
		return syntax(ps, "'check'");
	if (next(ps) ||
	    expect_ident(ps, "the check function's name", &h->check, NULL) ||
	    expect_punct(ps, ';'))
		return -1;
	APPEND(ps->idl->handles, h);
	return 0;
}

/* object NAME struct TAG lookup FN [put FN]; */
static int parse_object(struct parser *ps)
{
	struct object *o = xmalloc(sizeof(*o));

	if (next(ps) ||
	    expect_ident(ps, "the object type's name", &o->name, &o->loc))
		return -1;
	if (!is_word(ps, "struct"))
		return syntax(ps, "'struct'");
	if (next(ps) ||
	    expect_ident(ps, "the kernel struct's tag", &o->type, NULL))
		return -1;
	if (!is_word(ps, "lookup"))
		return syntax(ps, "'lookup'");
	if (next(ps) ||
	    expect_ident(ps, "the lookup function's name", &o->lookup, NULL))
		return -1;
	if (is_word(ps, "put") &&
	    (next(ps) ||
	     expect_ident(ps, "the put function's name", &o->put, NULL)))
		return -1;
	if (expect_punct(ps, ';'))
		return -1;
	APPEND(ps->idl->objects, o);
	return 0;
}

static int parse_ops(struct parser *ps)
{
	struct ops *o = xmalloc(sizeof(*o));
	struct member *m;
	struct arg attrs;

	if (next(ps) ||
	    expect_ident(ps, "the ops struct's tag", &o->name, &o->loc) ||
	    expect_punct(ps, '{'))
		return -1;
	while (!is_punct(ps, '}')) {
		m = xmalloc(sizeof(*m));
		m->loc = ps->tok.loc;
		memset(&attrs, 0, sizeof(attrs));
		if (expect_ident(ps, "a callback type or '}'", &m->type_name,
				 NULL) ||
		    expect_ident(ps, "the member's name", &m->name, &m->loc))
			return -1;
		attrs.name = m->name;
		if (parse_attrs(ps, &attrs))
			return -1;
		if (attrs.dir || attrs.has_min || attrs.has_max ||
		    attrs.len_name) {
			error_at(ps->idl->file, m->loc,
				 "'%s': a member takes only [nullable]",
				 m->name);
			return -1;
		}
		m->nullable = attrs.nullable;
		if (expect_punct(ps, ';'))
			return -1;
		APPEND(o->members, m);
	}
	if (next(ps) || expect_punct(ps, ';'))
		return -1;
	APPEND(ps->idl->ops, o);
	return 0;
}

/* A bound or a mask: a number or a constant's name, as C text */
static int parse_value(struct parser *ps, char **text)
{
	long long v;

	if (ps->tok.kind == TOK_IDENT)
		return expect_ident(ps, "a number or a constant's name", text,
				    NULL);
	if (!is_punct(ps, '-') && ps->tok.kind != TOK_INT)
		return syntax(ps, "a number or a constant's name");
	if (parse_int(ps, &v))
		return -1;
	*text = xmalloc(24);
	snprintf(*text, 24, "%lld", v);
	return 0;
}

/* A field's [array, clamp, min X, max X, mask X, bits X] */
static int parse_field_attrs(struct parser *ps, struct field *fl)
{
	char **value;
	const char *w;

	if (!is_punct(ps, '['))
		return 0;
	fl->attr_loc = ps->tok.loc;
	do {
		if (next(ps))
			return -1;
		if (ps->tok.kind != TOK_IDENT)
			return syntax(ps, "a field's attribute");
		w = ps->tok.text;
		value = !strcmp(w, "min") ? &fl->min :
			!strcmp(w, "max") ? &fl->max :
			!strcmp(w, "mask") ? &fl->mask :
			!strcmp(w, "bits") ? &fl->bits : NULL;
		if (value) {
			if (*value) {
				error_at(ps->idl->file, ps->tok.loc,
					 "'%s': a second [%s]", fl->name, w);
				return -1;
			}
			if (next(ps) || parse_value(ps, value))
				return -1;
		} else if (!strcmp(w, "array") || !strcmp(w, "clamp")) {
			if (!strcmp(w, "array"))
				fl->array = true;
			else
				fl->clamp = true;
			if (next(ps))
				return -1;
		} else {
			return syntax(ps, "array, clamp, min, max, mask or bits");
		}
	} while (is_punct(ps, ','));
	return expect_punct(ps, ']');
}

/* projection struct TAG NAME { in|out|inout FIELD [ATTRS]; ... }; */
static int parse_projection(struct parser *ps)
{
	struct projection *pr = xmalloc(sizeof(*pr));
	struct field *fl;
	const char *w;

	if (next(ps))
		return -1;
	if (!is_word(ps, "struct"))
		return syntax(ps, "'struct'");
	if (next(ps) ||
	    expect_ident(ps, "the struct's tag", &pr->tag, NULL) ||
	    expect_ident(ps, "the projection's name", &pr->name, &pr->loc) ||
	    expect_punct(ps, '{'))
		return -1;
	while (!is_punct(ps, '}')) {
		fl = xmalloc(sizeof(*fl));
		w = ps->tok.kind == TOK_IDENT ? ps->tok.text : "";
		fl->dir = !strcmp(w, "in") ? DIR_IN : !strcmp(w, "out") ?
			  DIR_OUT : !strcmp(w, "inout") ? DIR_INOUT : DIR_NONE;
		if (!fl->dir)
			return syntax(ps, "in, out, inout or '}'");
		if (next(ps) ||
		    expect_ident(ps, "the field's name", &fl->name, &fl->loc) ||
		    parse_field_attrs(ps, fl) || expect_punct(ps, ';'))
			return -1;
		APPEND(pr->fields, fl);
	}
	if (next(ps) || expect_punct(ps, ';'))
		return -1;
	APPEND(ps->idl->projections, pr);
	return 0;
}

/* address NAME; */
static int parse_address(struct parser *ps)
{
	struct address *a = xmalloc(sizeof(*a));

	if (next(ps) ||
	    expect_ident(ps, "a kernel variable's name", &a->name, &a->loc) ||
	    expect_punct(ps, ';'))
		return -1;
	APPEND(ps->idl->addresses, a);
	return 0;
}

/* interface NAME; include HEADER; release NAME; */
static int parse_simple(struct parser *ps)
{
	struct idl *idl = ps->idl;
	struct include *inc;
	struct loc loc = ps->tok.loc;
	bool is_release = is_word(ps, "release");

	if (is_word(ps, "include")) {
		if (next(ps))
			return -1;
		if (ps->tok.kind != TOK_HEADER)
			return syntax(ps, "a header name (<x.h> or \"x.h\")");
		inc = xmalloc(sizeof(*inc));
		inc->header = ps->tok.text;
		APPEND(idl->includes, inc);
		if (next(ps))
			return -1;
		return expect_punct(ps, ';');
	}
	if ((is_release && idl->release) || (!is_release && idl->interface)) {
		error_at(idl->file, loc, "a second '%s'", ps->tok.text);
		return -1;
	}
	if (next(ps))
		return -1;
	if (is_release) {
		if (expect_ident(ps, "the release function's name",
				 &idl->release, NULL))
			return -1;
	} else {
		if (expect_ident(ps, "the interface's name", &idl->interface,
				 &idl->interface_loc))
			return -1;
		if (is_word(ps, "extern")) {
			idl->external = true;
			if (next(ps))
				return -1;
		}
	}
	return expect_punct(ps, ';');
}

/**
 * idl_parse() - parse a description
 * @idl: the tree to fill (zeroed)
 * @file: the description's name, for messages
 * @src: its text, NUL-terminated
 *
 * Return: 0, or -1 after an error message.
 */
int idl_parse(struct idl *idl, const char *file, const char *src)
{
	struct parser ps = { .idl = idl };
	int err;

	idl->file = file;
	lexer_init(&ps.lx, file, src);
	if (next(&ps))
		return -1;
	while (ps.tok.kind != TOK_EOF) {
		if (is_word(&ps, "rpc")) {
			err = parse_rpc(&ps);
		} else if (is_word(&ps, "callback") || is_word(&ps, "rpc_ptr")) {
			err = parse_callback(&ps);
		} else if (is_word(&ps, "handle")) {
			err = parse_handle(&ps);
		} else if (is_word(&ps, "ops")) {
			err = parse_ops(&ps);
		} else if (is_word(&ps, "object")) {
			err = parse_object(&ps);
		} else if (is_word(&ps, "address")) {
			err = parse_address(&ps);
		} else if (is_word(&ps, "interface") ||
			   is_word(&ps, "include") || is_word(&ps, "release")) {
			err = parse_simple(&ps);
		} else if (is_word(&ps, "projection")) {
			err = parse_projection(&ps);
		} else {
			err = syntax(&ps,
				     "interface, include, release, handle, object, callback, ops, projection, address or rpc");
		}
		if (err)
			return -1;
	}
	if (!idl->interface) {
		error_at(file, ps.tok.loc, "no 'interface NAME;'");
		return -1;
	}
	return 0;
}
