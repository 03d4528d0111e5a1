// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for radix trees of isolated modules (radix_tree_insert(),
 * radix_tree_lookup(), radix_tree_delete_item(), radix_tree_gang_lookup(),
 * radix_tree_preload()).
 *
 * A radix tree's nodes are kernel allocations: none can live in a
 * domain's memory. A domain's tree is named by the address of its root
 * and has a shadow in the kernel, an xarray made at the first insert and
 * freed with the domain; the domain's own root is never read. The entries
 * are the domain's pointers, which the kernel only stores and returns.
 * Preloading has nothing to preload: the shadow allocates atomically when
 * an entry is inserted.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include <asm/current.h>
#include <lvd/glue.h>
#include "domain/domain_percpu.h"
#include "domain/domain_priv.h"

/* The most entries one radix_tree_gang_lookup() returns */
#define LVD_RADIX_GANG_MAX	64

/**
 * struct lvd_radix - the kernel's shadow of a domain's radix tree
 * @d: the domain
 * @va: the domain's address of its root
 * @xa: the shadow
 * @node: on lvd_radixes
 */
struct lvd_radix {
	struct lvd_domain *d;
	unsigned long va;
	struct xarray xa;
	struct list_head node;
};

static LIST_HEAD(lvd_radixes);
static DEFINE_SPINLOCK(lvd_radixes_lock);	/* protects lvd_radixes */

/* The shadow of @d's tree at @va, made if @make */
static struct lvd_radix *lvd_radix_find(struct lvd_domain *d, unsigned long va,
					bool make)
{
	struct lvd_radix *s, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&lvd_radixes_lock, flags);
	list_for_each_entry(s, &lvd_radixes, node)
		if (s->d == d && s->va == va) {
			found = s;
			break;
		}
	spin_unlock_irqrestore(&lvd_radixes_lock, flags);
	/* Only memory the domain may write names a tree of its own */
	if (found || !make ||
	    !lvd_domain_may_access(d, va, sizeof(struct radix_tree_root), true))
		return found;
	s = kzalloc(sizeof(*s), GFP_ATOMIC);
	if (!s)
		return NULL;
	s->d = d;
	s->va = va;
	xa_init_flags(&s->xa, XA_FLAGS_LOCK_IRQ);
	spin_lock_irqsave(&lvd_radixes_lock, flags);
	list_add(&s->node, &lvd_radixes);
	spin_unlock_irqrestore(&lvd_radixes_lock, flags);
	return s;
}

/* radix_tree_insert(root, index, item) */
static unsigned long lvd_glue_radix_insert(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	void *item = (void *)args[2];
	struct lvd_radix *s;

	if (!item || xa_is_internal(item))
		return -EINVAL;
	s = lvd_radix_find(d, args[0], true);
	if (!s)
		return -ENOMEM;
	return xa_insert_irq(&s->xa, args[1], item, GFP_ATOMIC);
}

/* radix_tree_lookup(root, index) */
static unsigned long lvd_glue_radix_lookup(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_radix *s = lvd_radix_find(d, args[0], false);

	return s ? (unsigned long)xa_load(&s->xa, args[1]) : 0;
}

/* radix_tree_delete_item(root, index, item): item NULL deletes any */
static unsigned long lvd_glue_radix_delete_item(struct lvd_domain *d,
						const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_radix *s = lvd_radix_find(d, args[0], false);
	void *old;

	if (!s)
		return 0;
	xa_lock_irq(&s->xa);
	old = xa_load(&s->xa, args[1]);
	if (old && (!args[2] || old == (void *)args[2]))
		__xa_erase(&s->xa, args[1]);
	else
		old = NULL;
	xa_unlock_irq(&s->xa);
	return (unsigned long)old;
}

/* radix_tree_gang_lookup(root, results, first, max): into the domain */
static unsigned long lvd_glue_radix_gang_lookup(struct lvd_domain *d,
						const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_radix *s = lvd_radix_find(d, args[0], false);
	unsigned long max = min_t(unsigned long, args[3], LVD_RADIX_GANG_MAX);
	void *found[LVD_RADIX_GANG_MAX], *entry;
	unsigned long index, n = 0;

	if (!s || !max)
		return 0;
	xa_for_each_start(&s->xa, index, entry, args[2]) {
		found[n++] = entry;
		if (n == max)
			break;
	}
	if (lvd_domain_copy_to(d, args[1], found, n * sizeof(found[0])))
		return 0;
	return n;
}

/*
 * radix_tree_preload(gfp): nothing to preload; but, as the kernel's, it
 * returns with preemption disabled, which the inline radix_tree_preload_end()
 * in the domain's code undoes in the domain's own preempt count on the CPU
 * it runs on: counted there.
 */
static unsigned long lvd_glue_radix_preload(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct pcpu_hot *hot = lvd_domain_percpu_hot(d);

	if (hot)
		WRITE_ONCE(hot->preempt_count, READ_ONCE(hot->preempt_count) + 1);
	return 0;
}

static void lvd_radix_release(struct lvd_domain *d)
{
	struct lvd_radix *s, *n;
	LIST_HEAD(gone);

	spin_lock_irq(&lvd_radixes_lock);
	list_for_each_entry_safe(s, n, &lvd_radixes, node)
		if (s->d == d)
			list_move(&s->node, &gone);
	spin_unlock_irq(&lvd_radixes_lock);
	list_for_each_entry_safe(s, n, &gone, node) {
		xa_destroy(&s->xa);
		kfree(s);
	}
}

static const struct lvd_glue lvd_glue_radix_syms[] = {
	{ "radix_tree_insert", lvd_glue_radix_insert },
	{ "radix_tree_lookup", lvd_glue_radix_lookup },
	{ "radix_tree_delete_item", lvd_glue_radix_delete_item },
	{ "radix_tree_gang_lookup", lvd_glue_radix_gang_lookup },
	{ "radix_tree_preload", lvd_glue_radix_preload },
};

static struct lvd_glue_set lvd_glue_radix_set = {
	.owner = THIS_MODULE,
	.glue = lvd_glue_radix_syms,
	.n = ARRAY_SIZE(lvd_glue_radix_syms),
	.release = lvd_radix_release,
};

static int __init lvd_glue_radix_init(void)
{
	return lvd_glue_register(&lvd_glue_radix_set);
}
late_initcall(lvd_glue_radix_init);
