// SPDX-License-Identifier: GPL-2.0
/*
 * lvd-idlc's checker: resolves the names a description uses and refuses
 * what the generated glue could not do safely: an unbounded buffer, a
 * range the type cannot hold, a function pointer the kernel would have to
 * call without binding it. Every error is reported, not only the first.
 */

#include <stdlib.h>
#include <string.h>

#include "idl.h"

#define ERR(loc, ...)	error_at(idl->file, (loc), __VA_ARGS__)

static struct func *find_callback(struct idl *idl, const char *name)
{
	struct func *f;

	for (f = idl->callbacks; f; f = f->next)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

static struct handle *find_handle(struct idl *idl, const char *name)
{
	struct handle *h;

	for (h = idl->handles; h; h = h->next)
		if (!strcmp(h->name, name))
			return h;
	return NULL;
}

static struct object *find_object(struct idl *idl, const char *name)
{
	struct object *o;

	for (o = idl->objects; o; o = o->next)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

static struct ops *find_ops(struct idl *idl, const char *name)
{
	struct ops *o;

	for (o = idl->ops; o; o = o->next)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

/* The values of an integer type */
static void type_range(const struct scalar *t, long long *lo, long long *hi,
		       bool *unsigned64)
{
	*unsigned64 = !t->is_signed && t->bits == 64;
	if (t->bits == 64) {
		*lo = t->is_signed ? -(1LL << 62) * 2 : 0;
		*hi = (long long)((1ULL << 63) - 1);
	} else if (t->is_signed) {
		*lo = -(1LL << (t->bits - 1));
		*hi = (1LL << (t->bits - 1)) - 1;
	} else {
		*lo = 0;
		*hi = (1LL << t->bits) - 1;
	}
}

static void check_range(struct idl *idl, const struct arg *a)
{
	long long lo, hi;
	bool u64;

	if (!a->has_min && !a->has_max)
		return;
	if (a->type->is_bool || a->type->restricted) {
		ERR(a->range_loc, "'%s': a %s has no range", a->name,
		    a->type->name);
		return;
	}
	type_range(a->type, &lo, &hi, &u64);
	if (a->has_min && (a->min <= lo || a->min > hi))
		ERR(a->range_loc,
		    "'%s': [min %lld] must lie above the lowest %s (%lld)",
		    a->name, a->min, a->type->name, lo);
	if (a->has_max && (a->max < lo || (a->max >= hi && !u64)))
		ERR(a->range_loc,
		    "'%s': [max %lld] must lie below the highest %s (%lld)",
		    a->name, a->max, a->type->name, hi);
	if (a->has_min && a->has_max && a->min > a->max)
		ERR(a->range_loc, "'%s': [min %lld] is above [max %lld]",
		    a->name, a->min, a->max);
}

/* Attributes the argument's kind does not take */
static void check_attrs(struct idl *idl, const struct arg *a, bool dir,
			bool range, bool nullable, bool len)
{
	if (!dir && a->dir)
		ERR(a->loc, "'%s': only buffers and structs have a direction",
		    a->name);
	if (!range && (a->has_min || a->has_max) && a->kind != ARG_BUFFER)
		ERR(a->range_loc, "'%s': only integers have a range", a->name);
	if (!nullable && a->nullable)
		ERR(a->loc, "'%s': only function pointers may be [nullable]",
		    a->name);
	if (!len && a->len_name)
		ERR(a->len_loc, "'%s': only buffers have a length", a->name);
}

static void check_buffer(struct idl *idl, struct func *f, struct arg *a)
{
	const struct arg *l;
	int i;

	if (!a->dir)
		ERR(a->loc, "'%s': a buffer needs [in], [out] or [inout]",
		    a->name);
	if (a->has_min)
		ERR(a->range_loc, "'%s': a buffer has no [min]", a->name);
	if (!a->has_max)
		ERR(a->loc, "'%s': a buffer needs a bound ([max N])", a->name);
	else if (a->max < 1 || a->max > IDL_MAX_BUFFER)
		ERR(a->range_loc, "'%s': [max %lld] is not in 1..%d", a->name,
		    a->max, IDL_MAX_BUFFER);
	if (!a->len_name) {
		ERR(a->loc, "'%s': a buffer needs its length ([len ARG])",
		    a->name);
		return;
	}
	for (i = 0; i < f->nargs; i++)
		if (!strcmp(f->args[i].name, a->len_name))
			break;
	if (i == f->nargs) {
		ERR(a->len_loc, "'%s': no argument '%s' for its length",
		    a->name, a->len_name);
		return;
	}
	l = &f->args[i];
	a->len = i;
	if (l->kind != ARG_SCALAR || l->type->is_signed || l->type->is_bool ||
	    l->type->restricted)
		ERR(a->len_loc,
		    "'%s': its length '%s' must be an unsigned integer",
		    a->name, a->len_name);
}

/* What an argument of a named type is: a callback, handle or object */
static void resolve_named(struct idl *idl, struct arg *a)
{
	a->callback = find_callback(idl, a->type_name);
	a->handle = find_handle(idl, a->type_name);
	a->object = find_object(idl, a->type_name);
	if (a->callback) {
		a->kind = ARG_CALLBACK;
	} else if (a->handle) {
		a->kind = ARG_HANDLE;
		a->type = a->handle->type;
	} else if (a->object) {
		a->kind = ARG_OBJECT;
	} else {
		ERR(a->type_loc,
		    "'%s' is no integer, callback, handle or object type",
		    a->type_name);
	}
}

static void check_arg(struct idl *idl, struct func *f, struct arg *a)
{
	static const char * const reserved[] = { "d", "args", "ret", "err" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reserved); i++)
		if (!strcmp(a->name, reserved[i]))
			break;
	if (i < ARRAY_SIZE(reserved) ||
	    !strncmp(a->name, "lvd_", 4))
		ERR(a->loc, "'%s': the glue uses this name itself", a->name);
	if (a->kind == ARG_NAMED)
		resolve_named(idl, a);
	if (a->kind == ARG_STRUCT) {
		a->ops = find_ops(idl, a->type_name);
		if (a->ops)
			a->kind = ARG_OPS;
	}
	switch (a->kind) {
	case ARG_SCALAR:
		check_attrs(idl, a, false, true, false, false);
		check_range(idl, a);
		break;
	case ARG_HANDLE:
		check_attrs(idl, a, false, false, false, false);
		break;
	case ARG_STRING:
		check_attrs(idl, a, false, false, false, false);
		if (a->size < 2 || a->size > IDL_MAX_STRING)
			ERR(a->type_loc, "'%s': string<%lld> is not in 2..%d",
			    a->name, a->size, IDL_MAX_STRING);
		break;
	case ARG_BUFFER:
		check_attrs(idl, a, true, true, false, true);
		check_buffer(idl, f, a);
		break;
	case ARG_STRUCT:
		check_attrs(idl, a, true, false, false, false);
		if (!a->dir)
			ERR(a->loc,
			    "'%s': a struct needs [in], [out] or [inout]",
			    a->name);
		break;
	case ARG_OPS:
		check_attrs(idl, a, true, false, false, false);
		if (a->dir & DIR_OUT)
			ERR(a->loc, "'%s': an ops table is copied in only",
			    a->name);
		break;
	case ARG_CALLBACK:
		check_attrs(idl, a, false, false, true, false);
		break;
	case ARG_OBJECT:
		check_attrs(idl, a, false, false, false, false);
		break;
	case ARG_NAMED:
		break;
	}
	if (!f->impl && (a->kind == ARG_OPS || a->kind == ARG_CALLBACK))
		ERR(a->loc,
		    "'%s': %s cannot take a bound function pointer: name an implementation with 'impl'",
		    a->name, f->name);
}

static void check_arg_names(struct idl *idl, struct func *f)
{
	int i, j;

	for (i = 0; i < f->nargs; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(f->args[i].name, f->args[j].name))
				ERR(f->args[i].loc, "'%s': a second argument '%s'",
				    f->name, f->args[i].name);
	/* The glue's copy of an ops table is NAME_copy */
	for (i = 0; i < f->nargs; i++) {
		size_t n = strlen(f->args[i].name);

		if (n <= 5 || strcmp(f->args[i].name + n - 5, "_copy"))
			continue;
		for (j = 0; j < f->nargs; j++)
			if (f->args[j].kind == ARG_OPS &&
			    strlen(f->args[j].name) == n - 5 &&
			    !strncmp(f->args[j].name, f->args[i].name, n - 5))
				ERR(f->args[i].loc,
				    "'%s': the glue names its copy of '%s' so",
				    f->args[i].name, f->args[j].name);
	}
}

static void check_callback(struct idl *idl, struct func *f)
{
	struct arg *a;
	int i;

	for (i = 0; i < f->nargs; i++) {
		a = &f->args[i];
		if (a->kind == ARG_NAMED) {
			resolve_named(idl, a);
			if (a->kind == ARG_CALLBACK || a->kind == ARG_OBJECT)
				ERR(a->type_loc,
				    "'%s': a callback takes integers and handles only",
				    a->name);
		} else if (a->kind != ARG_SCALAR) {
			ERR(a->type_loc,
			    "'%s': a callback takes integers and handles only",
			    a->name);
		}
		if (a->dir || a->has_min || a->has_max || a->nullable ||
		    a->len_name)
			ERR(a->loc, "'%s': a callback's arguments take no attributes",
			    a->name);
		if (!strcmp(a->name, "f") || !strcmp(a->name, "ret") ||
		    !strcmp(a->name, "args") || !strcmp(a->name, "r") ||
		    !strcmp(a->name, "err"))
			ERR(a->loc, "'%s': the glue uses this name itself",
			    a->name);
	}
	check_arg_names(idl, f);
}

static void check_ops(struct idl *idl, struct ops *o)
{
	struct member *m, *n;

	if (!o->members)
		ERR(o->loc, "ops '%s' has no members", o->name);
	for (m = o->members; m; m = m->next) {
		m->callback = find_callback(idl, m->type_name);
		if (!m->callback)
			ERR(m->loc, "'%s': '%s' is no callback type", m->name,
			    m->type_name);
		for (n = o->members; n != m; n = n->next)
			if (!strcmp(n->name, m->name))
				ERR(m->loc, "ops '%s': a second member '%s'",
				    o->name, m->name);
	}
}

/* A bound written as a number: its value */
static bool numeric(const char *text, long long *v)
{
	char *end;

	*v = strtoll(text, &end, 10);
	return !*end;
}

static void check_field(struct idl *idl, const struct projection *pr,
			const struct field *fl)
{
	bool range = fl->min || fl->max, checked = range || fl->mask ||
		     fl->bits || fl->clamp;
	const struct field *other;
	long long lo, hi;

	for (other = pr->fields; other != fl; other = other->next)
		if (!strcmp(other->name, fl->name))
			ERR(fl->loc,
			    "projection '%s': a second field '%s' (inout is both ways)",
			    pr->name, fl->name);
	if (!checked)
		return;
	if (!(fl->dir & DIR_IN))
		ERR(fl->attr_loc,
		    "'%s': only fields taken in are checked", fl->name);
	else if (fl->array)
		ERR(fl->attr_loc, "'%s': an array is taken whole, unchecked",
		    fl->name);
	if (fl->mask && fl->bits)
		ERR(fl->attr_loc, "'%s': [mask] and [bits] do not mix",
		    fl->name);
	if ((fl->mask || fl->bits) && range)
		ERR(fl->attr_loc, "'%s': bits and a range do not mix",
		    fl->name);
	if (fl->clamp && !range)
		ERR(fl->attr_loc, "'%s': [clamp] needs [min] or [max]",
		    fl->name);
	if (fl->min && fl->max && numeric(fl->min, &lo) &&
	    numeric(fl->max, &hi) && lo > hi)
		ERR(fl->attr_loc, "'%s': [min %lld] is above [max %lld]",
		    fl->name, lo, hi);
}

static void check_projection(struct idl *idl, const struct projection *pr)
{
	const struct projection *other;
	const struct field *fl;

	for (other = idl->projections; other != pr; other = other->next)
		if (!strcmp(other->name, pr->name))
			ERR(pr->loc, "a second projection '%s'", pr->name);
	if (!pr->fields)
		ERR(pr->loc, "projection '%s' has no fields", pr->name);
	for (fl = pr->fields; fl; fl = fl->next)
		check_field(idl, pr, fl);
}

/* Declared names: one meaning each */
static void check_unique(struct idl *idl)
{
	struct address *a, *a2;
	struct object *ob, *ob2;
	struct handle *h, *h2;
	struct func *f, *g;
	struct ops *o, *o2;

	for (f = idl->callbacks; f; f = f->next) {
		for (g = idl->callbacks; g != f; g = g->next)
			if (!strcmp(f->name, g->name))
				ERR(f->loc, "a second callback '%s'", f->name);
		if (find_handle(idl, f->name))
			ERR(f->loc, "'%s' is a handle type too", f->name);
	}
	for (h = idl->handles; h; h = h->next)
		for (h2 = idl->handles; h2 != h; h2 = h2->next)
			if (!strcmp(h->name, h2->name))
				ERR(h->loc, "a second handle '%s'", h->name);
	for (o = idl->ops; o; o = o->next)
		for (o2 = idl->ops; o2 != o; o2 = o2->next)
			if (!strcmp(o->name, o2->name))
				ERR(o->loc, "a second ops '%s'", o->name);
	for (ob = idl->objects; ob; ob = ob->next) {
		for (ob2 = idl->objects; ob2 != ob; ob2 = ob2->next)
			if (!strcmp(ob->name, ob2->name))
				ERR(ob->loc, "a second object '%s'", ob->name);
		if (find_handle(idl, ob->name) || find_callback(idl, ob->name))
			ERR(ob->loc, "'%s' is a handle or callback type too",
			    ob->name);
	}
	for (f = idl->rpcs; f; f = f->next)
		for (g = idl->rpcs; g != f; g = g->next)
			if (!strcmp(f->name, g->name))
				ERR(f->loc, "a second rpc '%s'", f->name);
	for (a = idl->addresses; a; a = a->next) {
		for (a2 = idl->addresses; a2 != a; a2 = a2->next)
			if (!strcmp(a->name, a2->name))
				ERR(a->loc, "a second address '%s'", a->name);
		for (f = idl->rpcs; f; f = f->next)
			if (!strcmp(a->name, f->name))
				ERR(a->loc, "'%s' is an rpc too", a->name);
	}
}

/* An rpc whose handler is written by hand: its arguments are a record */
static void check_handler(struct idl *idl, struct func *f)
{
	struct arg *a;
	int i;

	if (f->impl)
		ERR(f->impl_loc, "'%s': impl or handler, not both", f->name);
	for (i = 0; i < f->nargs; i++) {
		a = &f->args[i];
		if (a->kind == ARG_NAMED)
			resolve_named(idl, a);
		if ((a->kind != ARG_SCALAR && a->kind != ARG_HANDLE &&
		     a->kind != ARG_OBJECT && a->kind != ARG_NAMED) ||
		    a->dir || a->has_min || a->has_max || a->nullable ||
		    a->len_name)
			ERR(a->loc,
			    "'%s': %s's handler is written by hand: its arguments are integers, handles or objects, without attributes",
			    a->name, f->name);
	}
	check_arg_names(idl, f);
}

static void check_ret(struct idl *idl, const struct func *f)
{
	if (f->ret && f->ret->restricted)
		ERR(f->loc, "'%s': a %s result is not supported", f->name,
		    f->ret->name);
}

/**
 * idl_check() - check a parsed description, resolving its names
 * @idl: the description
 *
 * Return: 0, or -1 after one message per error.
 */
int idl_check(struct idl *idl)
{
	int before = idl_errors, i;
	struct handle *h;
	struct func *f;
	struct projection *pr;
	struct ops *o;

	check_unique(idl);
	for (h = idl->handles; h; h = h->next)
		if (h->type->is_bool || h->type->restricted)
			ERR(h->loc, "handle '%s': a %s cannot name anything",
			    h->name, h->type->name);
	for (f = idl->callbacks; f; f = f->next) {
		check_callback(idl, f);
		check_ret(idl, f);
	}
	for (o = idl->ops; o; o = o->next)
		check_ops(idl, o);
	for (pr = idl->projections; pr; pr = pr->next)
		check_projection(idl, pr);
	if (!idl->rpcs && idl->addresses)
		ERR(idl->addresses->loc, "addresses without an rpc: no table");
	if (!idl->rpcs && !idl->projections)
		ERR(idl->interface_loc, "interface '%s' has no rpc or projection",
		    idl->interface);
	for (f = idl->rpcs; f; f = f->next) {
		check_ret(idl, f);
		if (f->handler) {
			check_handler(idl, f);
			continue;
		}
		for (i = 0; i < f->nargs; i++)
			check_arg(idl, f, &f->args[i]);
		check_arg_names(idl, f);
	}
	return idl_errors == before ? 0 : -1;
}
