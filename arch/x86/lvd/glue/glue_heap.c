// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for kmalloc() and kfree(): an isolated module allocates from its
 * domain's heap (lvd_domain_add_heap()). The slab allocator's inline
 * helpers read kmalloc_caches to pick a cache; for an isolated module that
 * symbol is zeroed read-only memory (glue.c), and the cache they pass is
 * ignored. GFP flags other than __GFP_ZERO do not matter: the heap never
 * sleeps and holds no DMA memory. alloc_percpu() and free_percpu() work
 * the same way on the domain's per-CPU area.
 */

#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <lvd/glue.h>
#include "domain/domain_heap.h"

static unsigned long lvd_glue_alloc(struct lvd_domain *d, unsigned long size,
				    unsigned long flags)
{
	struct lvd_domain_heap *h = lvd_domain_heap(d);

	bool zero = !!((__force gfp_t)flags & __GFP_ZERO);

	return h ? lvd_domain_heap_alloc(h, size, zero) : 0;
}

/* __kmalloc_noprof(size, flags), __kmalloc_large_noprof(size, flags) */
static unsigned long lvd_glue_kmalloc(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_alloc(d, args[0], args[1]);
}

/* __kmalloc_cache_noprof(cache, flags, size) */
static unsigned long lvd_glue_kmalloc_cache(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_alloc(d, args[2], args[1]);
}

/* __kmalloc_cache_node_noprof(cache, flags, node, size): any node */
static unsigned long lvd_glue_kmalloc_cache_node(struct lvd_domain *d,
						 const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_alloc(d, args[3], args[1]);
}

/*
 * __alloc_pages_noprof(gfp, order, nid, nodemask): a single page of the
 * domain's own (domain_pages.c), zeroed, named by its struct page pointer;
 * larger orders are not given.
 */
static unsigned long lvd_glue_alloc_pages(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	if (args[1]) {
		pr_warn_ratelimited("lvd: %s: alloc_pages() of order %lu: only single pages are given\n",
				    lvd_domain_name(d), args[1]);
		return 0;
	}
	return (unsigned long)lvd_domain_page_alloc(d);
}

/* __free_pages(page, order): a page of its own, kept for its next one */
static unsigned long lvd_glue_free_pages(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	if (args[1] || !lvd_domain_page_free(d, (struct page *)args[0]))
		pr_warn_ratelimited("lvd: %s: __free_pages() of %#lx, which it was not given\n",
				    lvd_domain_name(d), args[0]);
	return 0;
}

/* kfree(p): what is not a piece of the heap is ignored */
static unsigned long lvd_glue_kfree(struct lvd_domain *d,
				    const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_heap *h = lvd_domain_heap(d);

	if (h && args[0] && !lvd_domain_heap_free(h, args[0]))
		pr_warn_ratelimited("lvd: %s: kfree() of %#lx, which it was not given\n",
				    lvd_domain_name(d), args[0]);
	return 0;
}

/*
 * pcpu_alloc_noprof(size, align, reserved, gfp), behind alloc_percpu():
 * from the domain's per-CPU area (domain_percpu.c), zeroed; alignment up
 * to the heap's own is what the area gives anyway.
 */
static unsigned long lvd_glue_alloc_percpu(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long size = args[0], align = args[1];

	if (!size || !align || !is_power_of_2(align) || align > PAGE_SIZE)
		return 0;
	return lvd_domain_percpu_alloc(d, max(size, align));
}

/* free_percpu(p): what is not a piece of the area is ignored */
static unsigned long lvd_glue_free_percpu(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	if (args[0] && !lvd_domain_percpu_free(d, args[0]))
		pr_warn_ratelimited("lvd: %s: free_percpu() of %#lx, which it was not given\n",
				    lvd_domain_name(d), args[0]);
	return 0;
}

/**
 * lvd_glue_strdup() - a copy of a kernel string on a domain's heap
 * @d: the domain
 * @s: the string
 *
 * What kstrdup() would have given the domain's code: a piece of its heap,
 * which it may kfree(). The module loader gives an isolated module its
 * char * parameters so.
 *
 * Return: the copy's address in the domain, or 0 when the heap is full.
 */
unsigned long lvd_glue_strdup(struct lvd_domain *d, const char *s)
{
	struct lvd_domain_heap *h = lvd_domain_heap(d);
	size_t len = strlen(s) + 1;
	unsigned long va = h ? lvd_domain_heap_alloc(h, len, false) : 0;

	if (va && lvd_domain_copy_to(d, va, s, len)) {
		lvd_domain_heap_free(h, va);
		va = 0;
	}
	return va;
}

static const struct lvd_glue lvd_glue_heap_syms[] = {
	{ "__kmalloc_noprof", lvd_glue_kmalloc },
	{ "__kmalloc_large_noprof", lvd_glue_kmalloc },
	{ "__kmalloc_cache_noprof", lvd_glue_kmalloc_cache },
	{ "__kmalloc_cache_node_noprof", lvd_glue_kmalloc_cache_node },
	{ "kfree", lvd_glue_kfree },
	{ "__alloc_pages_noprof", lvd_glue_alloc_pages, LVD_KCALL_MAY_SLEEP },
	{ "__free_pages", lvd_glue_free_pages },
	{ "pcpu_alloc_noprof", lvd_glue_alloc_percpu },
	{ "free_percpu", lvd_glue_free_percpu },
};

static struct lvd_glue_set lvd_glue_heap_set = {
	.owner = THIS_MODULE,
	.glue = lvd_glue_heap_syms,
	.n = ARRAY_SIZE(lvd_glue_heap_syms),
};

static int __init lvd_glue_heap_init(void)
{
	return lvd_glue_register(&lvd_glue_heap_set);
}
late_initcall(lvd_glue_heap_init);
