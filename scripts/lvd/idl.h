/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lvd-idlc: the compiler of LVD interface descriptions. The description
 * (Documentation/virt/lvd/idl.rst) goes through the lexer (lexer.c), the
 * parser, which builds the tree below (parser.c), the checker, which
 * resolves names and refuses what the glue could not do safely (check.c),
 * and the generator, which writes the kernel side's glue (gen.c).
 */
#ifndef LVD_IDL_H
#define LVD_IDL_H

#include <stdbool.h>
#include <stdio.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Arguments a call passes in registers: RDI, RSI, RDX, RCX, R8, R9 */
#define IDL_MAX_ARGS	6
/* The longest string<N> and the largest buffer copied on the stack */
#define IDL_MAX_STRING	256
#define IDL_STACK_BUFFER	128
/* The largest [max] of a buffer: the kernel copies it whole */
#define IDL_MAX_BUFFER	1048576

struct loc {
	int line;
	int col;
};

/* A C integer type an argument or a result may have */
struct scalar {
	const char *name;	/* as C spells it */
	int bits;
	bool is_signed;
	bool is_bool;
	bool restricted;	/* a sparse __bitwise type: cast with __force */
};

enum arg_kind {
	ARG_SCALAR,		/* an integer, maybe with a range */
	ARG_HANDLE,		/* an integer the kernel checks */
	ARG_STRING,		/* string<N>: copied, at most N - 1 characters */
	ARG_BUFFER,		/* bytes, [len ARG, max N], in/out/inout */
	ARG_STRUCT,		/* struct X *: copied whole, in/out/inout */
	ARG_OPS,		/* struct X * of a declared ops table */
	ARG_CALLBACK,		/* a function pointer of a declared type */
	ARG_OBJECT,		/* a kernel object found from the domain's name */
	ARG_NAMED,		/* a type name the checker resolves */
};

enum dir {
	DIR_NONE,
	DIR_IN = 1,
	DIR_OUT = 2,
	DIR_INOUT = DIR_IN | DIR_OUT,
};

struct func;
struct handle;
struct object;
struct ops;

struct arg {
	struct loc loc;
	char *name;
	enum arg_kind kind;
	const struct scalar *type;	/* scalar; a handle's, once resolved */
	char *type_name;		/* struct tag, or a declared name */
	struct loc type_loc;
	long long size;			/* string<N> */
	enum dir dir;
	bool nullable;
	bool has_min, has_max;
	long long min, max;		/* a scalar's range; a buffer's max */
	struct loc range_loc;
	char *len_name;			/* a buffer's length argument */
	struct loc len_loc;
	int len;			/* its index, once resolved */
	struct func *callback;		/* resolved */
	struct handle *handle;
	struct object *object;
	struct ops *ops;
};

/* An rpc (the driver calls the kernel) or a callback (the other way) */
struct func {
	struct loc loc;
	char *name;
	bool is_callback;
	const struct scalar *ret;	/* NULL: void */
	struct arg args[IDL_MAX_ARGS];
	int nargs;
	bool may_sleep;
	char *impl;			/* NULL: the kernel function @name */
	struct loc impl_loc;
	char *handler;			/* a handler written by hand */
	char *defer;			/* the glue page's deferral, if any */
	struct func *next;
};

struct handle {
	struct loc loc;
	char *name;
	const struct scalar *type;
	char *check;
	struct handle *next;
};

/*
 * A kernel object the domain names by an address of its own (the shadow
 * of a device, say): found by a lookup, given back by a put
 */
struct object {
	struct loc loc;
	char *name;
	char *type;		/* the kernel's struct tag */
	char *lookup;
	char *put;		/* NULL: nothing to give back */
	struct object *next;
};

struct member {
	struct loc loc;
	char *type_name;
	char *name;
	bool nullable;
	struct func *callback;		/* resolved */
	struct member *next;
};

struct ops {
	struct loc loc;
	char *name;			/* the C struct's tag */
	struct member *members;
	struct ops *next;
};

/*
 * A field of a projection: copied out (kernel to domain), taken in (domain
 * to kernel, checked) or both. Bounds and masks are C expressions: a
 * number or a constant's name, as written.
 */
struct field {
	struct loc loc;
	char *name;
	enum dir dir;
	bool array;		/* copied with memcpy() */
	bool clamp;		/* [min]/[max] clamp instead of refusing */
	char *min, *max;	/* in: refused (or clamped) outside */
	char *mask;		/* in: only these bits are taken */
	char *bits;		/* in: refused with any other bit set */
	struct loc attr_loc;
	struct field *next;
};

struct projection {
	struct loc loc;
	char *tag;		/* the C struct's tag */
	char *name;
	struct field *fields;
	struct projection *next;
};

struct include {
	char *header;			/* <x.h> or "x.h", as written */
	struct include *next;
};

/* A kernel variable the driver may name but not reach: its address */
struct address {
	struct loc loc;
	char *name;
	struct address *next;
};

struct idl {
	const char *file;
	char *interface;
	struct loc interface_loc;
	char *release;
	struct include *includes;
	bool external;		/* the includes declare what it calls */
	struct handle *handles;
	struct object *objects;
	struct ops *ops;
	struct func *callbacks;
	struct func *rpcs;
	struct address *addresses;
	struct projection *projections;
};

/* Lexer */
enum tok {
	TOK_EOF,
	TOK_IDENT,
	TOK_INT,
	TOK_HEADER,
	TOK_PUNCT,
};

struct token {
	enum tok kind;
	struct loc loc;
	char *text;		/* identifier, header */
	long long value;	/* integer */
	int punct;		/* one of ( ) { } [ ] < > , ; * */
};

struct lexer {
	const char *file;
	const char *src;
	const char *p;
	struct loc loc;
	bool after_include;	/* a header name may follow */
};

void lexer_init(struct lexer *lx, const char *file, const char *src);
int lexer_next(struct lexer *lx, struct token *t);

/* Diagnostics: FILE:LINE:COL: error: ... */
void error_at(const char *file, struct loc loc, const char *fmt, ...);
extern int idl_errors;

void *xmalloc(size_t size);
char *xstrdup(const char *s);

const struct scalar *scalar_lookup(const char *spelling);

/* Parser, checker, generator: each returns 0, or -1 after saying why */
int idl_parse(struct idl *idl, const char *file, const char *src);
int idl_check(struct idl *idl);
int idl_generate(const struct idl *idl, FILE *out, const char *source);

#endif /* LVD_IDL_H */
