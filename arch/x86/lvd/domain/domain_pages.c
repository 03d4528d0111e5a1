// SPDX-License-Identifier: GPL-2.0
/*
 * Pages of a domain's own: kernel pages given to the domain, read-write,
 * at their direct-map address, for driver code that keeps data in pages
 * (null_blk's memory_backed storage) and for glue that projects data
 * into the domain (a block request's bounce pages).
 *
 * The domain names a page by its struct page pointer, as kernel code
 * does: page_address() in the domain computes the direct-map address
 * from the kernel's page_offset_base and vmemmap_base (domain_values.c),
 * and finds it mapped. Driver code reads and writes the struct page too
 * (compound_order() for page_size(); null_blk sets page->index): at the
 * address of the struct pages of its pages the domain has a page of its
 * own, zeroed (a plain order-0 page), which the kernel never reads; the
 * kernel's struct pages are neither read nor written by it.
 *
 * A page the domain frees stays given to it, for its next allocation
 * (zeroed then): memory is taken back from a domain only when it is
 * destroyed, after its EPT is gone.
 */

#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/xarray.h>
#include <lvd/domain.h>
#include "domain/domain_priv.h"
#include "domain/domain_pt.h"

/*
 * What the domain's xarray of pages holds for a page: in use, free, or a
 * page of the domain's struct pages
 */
#define LVD_PAGE_IN_USE	xa_mk_value(1)
#define LVD_PAGE_FREE	xa_mk_value(0)
#define LVD_PAGE_META	xa_mk_value(2)

/* The most pages a domain may have, in all */
#define LVD_DOMAIN_PAGES_MAX	(64 * 1024)

/*
 * The domain's own copy of the page of struct pages that holds @page's,
 * at its address, made zeroed when it is first needed.
 */
static int lvd_domain_page_meta(struct lvd_domain *d, struct page *page)
{
	unsigned long va = (unsigned long)page & PAGE_MASK;
	struct page *meta;
	int err;

	/* Its copy is there already (of a page next to it in the kernel) */
	if (lvd_pt_lookup(&d->pt, va, NULL) != (phys_addr_t)-1)
		return 0;
	meta = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!meta)
		return -ENOMEM;
	err = xa_err(xa_store(&d->pages, page_to_pfn(meta), LVD_PAGE_META,
			      GFP_KERNEL));
	if (err) {
		__free_page(meta);
		return err;
	}
	/* Recorded: freed with the domain, whatever the give did */
	return lvd_domain_give_page_at(d, va, page_to_phys(meta));
}

/**
 * lvd_domain_page_alloc() - a zeroed page of a domain's own
 * @d: the domain
 *
 * Context: may sleep.
 * Return: the page, given to @d at its direct-map address; NULL when
 * there is no memory or @d has as many as it may.
 */
struct page *lvd_domain_page_alloc(struct lvd_domain *d)
{
	struct page *page = NULL;
	unsigned long pfn;
	void *entry;

	xa_lock(&d->pages);
	xa_for_each_marked(&d->pages, pfn, entry, XA_MARK_1) {
		__xa_clear_mark(&d->pages, pfn, XA_MARK_1);
		__xa_store(&d->pages, pfn, LVD_PAGE_IN_USE, GFP_ATOMIC);
		page = pfn_to_page(pfn);
		break;
	}
	xa_unlock(&d->pages);
	if (page) {
		clear_highpage(page);
		return page;
	}
	if (atomic_inc_return(&d->nr_pages) > LVD_DOMAIN_PAGES_MAX)
		goto fail;
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		goto fail;
	if (xa_err(xa_store(&d->pages, page_to_pfn(page), LVD_PAGE_IN_USE,
			    GFP_KERNEL))) {
		__free_page(page);
		goto fail;
	}
	/*
	 * From here the page is the domain's until it is destroyed: a give
	 * that fails halfway may have mapped it. It then stays in use.
	 */
	if (lvd_domain_give(d, (unsigned long)page_address(page), PAGE_SIZE,
			    LVD_DOMAIN_READ | LVD_DOMAIN_WRITE) ||
	    lvd_domain_page_meta(d, page))
		return NULL;
	return page;
fail:
	atomic_dec(&d->nr_pages);
	return NULL;
}
EXPORT_SYMBOL_GPL(lvd_domain_page_alloc);

/**
 * lvd_domain_page_free() - a domain's page back, for its next allocation
 * @d: the domain
 * @page: the page, as the domain names it (any value)
 *
 * Return: true when @page was a page of @d's in use; anything else is
 * ignored.
 */
bool lvd_domain_page_free(struct lvd_domain *d, struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	bool ok = false;

	xa_lock(&d->pages);
	if (xa_load(&d->pages, pfn) == LVD_PAGE_IN_USE) {
		__xa_store(&d->pages, pfn, LVD_PAGE_FREE, GFP_ATOMIC);
		__xa_set_mark(&d->pages, pfn, XA_MARK_1);
		ok = true;
	}
	xa_unlock(&d->pages);
	return ok;
}
EXPORT_SYMBOL_GPL(lvd_domain_page_free);

/**
 * lvd_domain_pages_destroy() - free a dead domain's pages
 * @d: the domain, whose EPT is gone
 */
void lvd_domain_pages_destroy(struct lvd_domain *d)
{
	unsigned long pfn;
	void *entry;

	xa_for_each(&d->pages, pfn, entry)
		__free_page(pfn_to_page(pfn));
	xa_destroy(&d->pages);
}
