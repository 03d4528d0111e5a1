// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for IDAs (ida_alloc_range(), ida_free()) of isolated modules.
 *
 * An IDA is a tree of kernel allocations: it cannot live in a domain's
 * memory. A domain's IDA, a static DEFINE_IDA() or one in its structures,
 * is named by its address and has a shadow in the kernel, an allocating
 * xarray made at its first use and freed with the domain; the domain's
 * own struct ida is never read. Freeing an id that is not allocated does
 * nothing (the kernel's IDA would warn).
 */

#include <linux/idr.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <lvd/glue.h>
#include "domain/domain_priv.h"

/**
 * struct lvd_ida - the kernel's shadow of a domain's IDA
 * @d: the domain
 * @va: the domain's address of its IDA
 * @ids: the shadow: the ids allocated
 * @node: on lvd_idas
 */
struct lvd_ida {
	struct lvd_domain *d;
	unsigned long va;
	struct xarray ids;
	struct list_head node;
};

static LIST_HEAD(lvd_idas);
static DEFINE_MUTEX(lvd_idas_lock);	/* protects lvd_idas */

/* The shadow of @d's IDA at @va, made if @make; under lvd_idas_lock */
static struct lvd_ida *lvd_ida_find(struct lvd_domain *d, unsigned long va,
				    bool make)
{
	struct lvd_ida *s;

	list_for_each_entry(s, &lvd_idas, node)
		if (s->d == d && s->va == va)
			return s;
	/* Only memory the domain may write names an IDA of its own */
	if (!make || !lvd_domain_may_access(d, va, sizeof(struct ida), true))
		return NULL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	s->d = d;
	s->va = va;
	xa_init_flags(&s->ids, XA_FLAGS_ALLOC);
	list_add(&s->node, &lvd_idas);
	return s;
}

/* ida_alloc_range(ida, min, max, gfp) */
static unsigned long lvd_glue_ida_alloc_range(struct lvd_domain *d,
					      const unsigned long args[LVD_DOMAIN_ARGS])
{
	u32 min = args[1], max = min_t(u32, args[2], INT_MAX), id;
	struct lvd_ida *s;
	int err = -ENOMEM;

	/* As the kernel's: max is unsigned (ida_alloc() passes ~0) */
	if ((int)min < 0 || max < min)
		return -EINVAL;
	mutex_lock(&lvd_idas_lock);
	s = lvd_ida_find(d, args[0], true);
	if (s)
		err = xa_alloc(&s->ids, &id, xa_mk_value(0),
			       XA_LIMIT(min, max), GFP_KERNEL);
	mutex_unlock(&lvd_idas_lock);
	if (err == -EBUSY)
		err = -ENOSPC;
	return err ?: id;
}

/* ida_free(ida, id) */
static unsigned long lvd_glue_ida_free(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_ida *s;

	mutex_lock(&lvd_idas_lock);
	s = lvd_ida_find(d, args[0], false);
	if (s && (int)args[1] >= 0)
		xa_erase(&s->ids, args[1]);
	mutex_unlock(&lvd_idas_lock);
	return 0;
}

static void lvd_ida_release(struct lvd_domain *d)
{
	struct lvd_ida *s, *n;

	mutex_lock(&lvd_idas_lock);
	list_for_each_entry_safe(s, n, &lvd_idas, node)
		if (s->d == d) {
			xa_destroy(&s->ids);
			list_del(&s->node);
			kfree(s);
		}
	mutex_unlock(&lvd_idas_lock);
}

static const struct lvd_glue lvd_glue_ida_syms[] = {
	{ "ida_alloc_range", lvd_glue_ida_alloc_range, LVD_KCALL_MAY_SLEEP },
	{ "ida_free", lvd_glue_ida_free, LVD_KCALL_MAY_SLEEP },
};

static struct lvd_glue_set lvd_glue_ida_set = {
	.owner = THIS_MODULE,
	.glue = lvd_glue_ida_syms,
	.n = ARRAY_SIZE(lvd_glue_ida_syms),
	.release = lvd_ida_release,
};

static int __init lvd_glue_ida_init(void)
{
	return lvd_glue_register(&lvd_glue_ida_set);
}
late_initcall(lvd_glue_ida_init);
