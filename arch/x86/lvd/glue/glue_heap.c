// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for kmalloc() and kfree(): an isolated module allocates from its
 * domain's heap (lvd_domain_add_heap()). The slab allocator's inline
 * helpers read kmalloc_caches to pick a cache; for an isolated module that
 * symbol is zeroed read-only memory (glue.c), and the cache they pass is
 * ignored. GFP flags other than __GFP_ZERO do not matter: the heap never
 * sleeps and holds no DMA memory. vmalloc() and vzalloc() are pieces of
 * the same heap, and vfree() is kfree(). alloc_percpu() and free_percpu()
 * work the same way on the domain's per-CPU area.
 */

#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <lvd/glue.h>
#include "domain/domain_heap.h"
#include "domain/domain_priv.h"
#include "domain/domain_pt.h"

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
 * The domain's own copy of @page's struct page, which it has at the
 * struct page's address (domain_pages.c), as the kernel reaches it: through
 * the domain's page tables, as the kernel's struct page is at that address
 * in the kernel's. NULL when the domain has none there.
 */
static struct page *lvd_glue_page_copy(struct lvd_domain *d, struct page *page)
{
	u64 e;
	phys_addr_t pa = lvd_pt_lookup(&d->pt, (unsigned long)page, &e);

	if (pa == (phys_addr_t)-1 || !(e & _PAGE_RW) ||
	    offset_in_page(pa) > PAGE_SIZE - sizeof(*page))
		return NULL;
	return __va(pa);
}

/*
 * __alloc_pages_noprof(gfp, order, nid, nodemask): a single page of the
 * domain's own (domain_pages.c), zeroed, named by its struct page pointer;
 * larger orders are not given. The domain's copy of its struct page is
 * made new: zeroed, with a reference count of 1, as alloc_pages() leaves
 * it, so that the domain's put_page() of it ends in __folio_put().
 */
static unsigned long lvd_glue_alloc_pages(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct page *page, *copy;

	if (args[1]) {
		pr_warn_ratelimited("lvd: %s: alloc_pages() of order %lu: only single pages are given\n",
				    lvd_domain_name(d), args[1]);
		return 0;
	}
	page = lvd_domain_page_alloc(d);
	if (!page)
		return 0;
	copy = lvd_glue_page_copy(d, page);
	if (!copy) {
		lvd_domain_page_free(d, page);
		return 0;
	}
	/* Not set_page_count(): no trace of a struct page the kernel has not */
	memset(copy, 0, sizeof(*copy));
	atomic_set(&copy->_refcount, 1);
	return (unsigned long)page;
}

/* A page of its own back, kept for its next one; else a warning */
static void lvd_glue_page_free(struct lvd_domain *d, unsigned long page,
			       unsigned long order, const char *what)
{
	if (order || !lvd_domain_page_free(d, (struct page *)page))
		pr_warn_ratelimited("lvd: %s: %s() of %#lx, which it was not given\n",
				    lvd_domain_name(d), what, page);
}

/* __free_pages(page, order) */
static unsigned long lvd_glue_free_pages(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_glue_page_free(d, args[0], args[1], "__free_pages");
	return 0;
}

/*
 * __folio_put(folio): the domain's put_page() dropped the last reference
 * its copy of the struct page counts. An order-0 folio is its page.
 */
static unsigned long lvd_glue_folio_put(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_glue_page_free(d, args[0], 0, "__folio_put");
	return 0;
}

/*
 * __put_devmap_managed_folio_refs(folio, refs): for device pages, which a
 * domain never has; put_page() calls it only where devmap_managed_key is
 * on, and in a domain that branch is never taken (kernel/module/lvd.c).
 * Refused: false, nothing done.
 */
static unsigned long lvd_glue_put_devmap(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	pr_warn_ratelimited("lvd: %s: __put_devmap_managed_folio_refs() of %#lx refused: not a device page\n",
			    lvd_domain_name(d), args[0]);
	return false;
}

/* vmalloc_noprof(size), vzalloc_noprof(size): a piece of the heap */
static unsigned long lvd_glue_vmalloc(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_alloc(d, args[0], 0);
}

static unsigned long lvd_glue_vzalloc(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_alloc(d, args[0], (__force unsigned long)__GFP_ZERO);
}

/* A piece of the heap back: what is not one is ignored, with a warning */
static void lvd_glue_heap_free(struct lvd_domain *d, unsigned long va,
			       const char *what)
{
	struct lvd_domain_heap *h = lvd_domain_heap(d);

	if (h && va && !lvd_domain_heap_free(h, va))
		pr_warn_ratelimited("lvd: %s: %s() of %#lx, which it was not given\n",
				    lvd_domain_name(d), what, va);
}

/* kfree(p) */
static unsigned long lvd_glue_kfree(struct lvd_domain *d,
				    const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_glue_heap_free(d, args[0], "kfree");
	return 0;
}

/* vfree(p) */
static unsigned long lvd_glue_vfree(struct lvd_domain *d,
				    const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_glue_heap_free(d, args[0], "vfree");
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
	{ "vmalloc_noprof", lvd_glue_vmalloc },
	{ "vzalloc_noprof", lvd_glue_vzalloc },
	{ "vfree", lvd_glue_vfree },
	{ "__alloc_pages_noprof", lvd_glue_alloc_pages, LVD_KCALL_MAY_SLEEP },
	{ "__free_pages", lvd_glue_free_pages },
	{ "__folio_put", lvd_glue_folio_put },
	{ "__put_devmap_managed_folio_refs", lvd_glue_put_devmap },
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
