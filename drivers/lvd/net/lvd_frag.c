// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's netdev glue: packet buffers in an isolated driver's domain.
 *
 * Every byte of a packet the driver touches or hands its device lies in a
 * buffer of its domain: half a page of the domain's own (a frag), at its
 * direct-map address, so that the driver may map it for DMA. A domain's
 * frags come from a pool of such pages that the kernel fills in process
 * context and draws from in any context: netdev_alloc_frag() and
 * napi_alloc_frag() give the driver one (netdev_alloc_frag_align), a
 * packet projected into the domain (lvd_skb.c) owns one, and
 * skb_free_frag() gives one back. The pool's bookkeeping is the
 * kernel's: the domain names a frag by any address in it, and freeing
 * what it does not hold is refused.
 */

#define pr_fmt(fmt) "lvd: net: " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <lvd/domain.h>
#include "lvd_net.h"

/* How many frags a domain has at first, at least free, and at most */
#define LVD_FRAGS_FIRST	512
#define LVD_FRAGS_LOW	128
#define LVD_FRAGS_MAX	4096

/*
 * What a frag is, in the pool's index: free, or LVD_FRAG_DRIVER (the
 * driver holds it) or LVD_FRAG_PACKET (a packet projected into the
 * domain owns it)
 */
#define LVD_FRAG_FREE	1

/**
 * struct lvd_frag_pool - a domain's frags
 * @d: the domain
 * @lock: protects the rest
 * @state: each frag's enum lvd_frag_state, by its address / LVD_FRAG_SIZE
 * @free: the free frags' addresses, a stack
 * @nr_free: how many are on it
 * @nr: how many frags the pool has
 * @refill: adds pages when few frags are free
 */
struct lvd_frag_pool {
	struct lvd_domain *d;
	spinlock_t lock;	/* protects @state, @free, @nr_free and @nr */
	struct xarray state;
	unsigned long *free;
	unsigned int nr_free;
	unsigned int nr;
	struct work_struct refill;
};

/* Add @pages pages' worth of frags to @p; in process context */
static void lvd_frag_fill(struct lvd_frag_pool *p, unsigned int pages)
{
	unsigned long va, flags;
	struct page *page;
	unsigned int i;

	while (pages--) {
		if (READ_ONCE(p->nr) + PAGE_SIZE / LVD_FRAG_SIZE > LVD_FRAGS_MAX)
			return;
		page = lvd_domain_page_alloc(p->d);
		if (!page)
			return;
		va = (unsigned long)page_address(page);
		for (i = 0; i < PAGE_SIZE / LVD_FRAG_SIZE; i++)
			if (xa_err(xa_store_irq(&p->state,
						va / LVD_FRAG_SIZE + i,
						xa_mk_value(LVD_FRAG_DRIVER),
						GFP_KERNEL)))
				return;	/* the page stays the domain's */
		spin_lock_irqsave(&p->lock, flags);
		for (i = 0; i < PAGE_SIZE / LVD_FRAG_SIZE; i++) {
			xa_store(&p->state, va / LVD_FRAG_SIZE + i,
				 xa_mk_value(LVD_FRAG_FREE), GFP_ATOMIC);
			p->free[p->nr_free++] = va + i * LVD_FRAG_SIZE;
		}
		p->nr += PAGE_SIZE / LVD_FRAG_SIZE;
		spin_unlock_irqrestore(&p->lock, flags);
	}
}

static void lvd_frag_refill(struct work_struct *work)
{
	struct lvd_frag_pool *p = container_of(work, struct lvd_frag_pool,
					       refill);

	lvd_frag_fill(p, LVD_FRAGS_LOW * LVD_FRAG_SIZE / PAGE_SIZE);
}

/**
 * lvd_frag_pool_get() - give a domain its frags, if it has none
 * @nd: the domain's record
 *
 * Context: may sleep.
 * Return: 0, or -ENOMEM.
 */
int lvd_frag_pool_get(struct lvd_net_domain *nd)
{
	struct lvd_frag_pool *p;

	if (nd->frags)
		return 0;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->free = kvmalloc_array(LVD_FRAGS_MAX, sizeof(*p->free), GFP_KERNEL);
	if (!p->free) {
		kfree(p);
		return -ENOMEM;
	}
	p->d = nd->d;
	spin_lock_init(&p->lock);
	/* Stored to in interrupts too (under @lock) */
	xa_init_flags(&p->state, XA_FLAGS_LOCK_IRQ);
	INIT_WORK(&p->refill, lvd_frag_refill);
	lvd_frag_fill(p, LVD_FRAGS_FIRST * LVD_FRAG_SIZE / PAGE_SIZE);
	if (p->nr_free < LVD_FRAGS_LOW) {
		lvd_frag_pool_put(p);
		return -ENOMEM;
	}
	nd->frags = p;
	return 0;
}

/**
 * lvd_frag_pool_put() - forget a domain's frags
 * @p: the pool, or NULL
 *
 * Its pages stay the domain's, which frees them when it is destroyed.
 */
void lvd_frag_pool_put(struct lvd_frag_pool *p)
{
	if (!p)
		return;
	cancel_work_sync(&p->refill);
	xa_destroy(&p->state);
	kvfree(p->free);
	kfree(p);
}

/**
 * lvd_frag_alloc() - a free frag of a domain's
 * @p: its pool
 * @owner: LVD_FRAG_DRIVER or LVD_FRAG_PACKET
 *
 * Context: any.
 * Return: the frag's address, or 0 when none is free now.
 */
unsigned long lvd_frag_alloc(struct lvd_frag_pool *p, int owner)
{
	unsigned long va = 0, flags;

	spin_lock_irqsave(&p->lock, flags);
	if (p->nr_free) {
		va = p->free[--p->nr_free];
		xa_store(&p->state, va / LVD_FRAG_SIZE, xa_mk_value(owner),
			 GFP_ATOMIC);
	}
	if (p->nr_free < LVD_FRAGS_LOW && p->nr < LVD_FRAGS_MAX)
		schedule_work(&p->refill);
	spin_unlock_irqrestore(&p->lock, flags);
	return va;
}

/**
 * lvd_frag_free() - a frag back to its pool
 * @p: the pool
 * @addr: any address in the frag, as the domain names it
 * @owner: who must hold it: LVD_FRAG_DRIVER or LVD_FRAG_PACKET
 *
 * Context: any.
 * Return: true when @owner held it; anything else is left as it is.
 */
bool lvd_frag_free(struct lvd_frag_pool *p, unsigned long addr, int owner)
{
	unsigned long key = addr / LVD_FRAG_SIZE, flags;
	bool ok = false;
	void *e;

	spin_lock_irqsave(&p->lock, flags);
	e = xa_load(&p->state, key);
	if (xa_is_value(e) && xa_to_value(e) == owner) {
		xa_store(&p->state, key, xa_mk_value(LVD_FRAG_FREE), GFP_ATOMIC);
		p->free[p->nr_free++] = key * LVD_FRAG_SIZE;
		ok = true;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return ok;
}

/**
 * lvd_frag_take() - a frag the driver holds becomes a packet's
 * @p: the pool
 * @addr: the frag's address, as the domain names it
 *
 * Return: true when the driver held the frag at @addr (its start).
 */
bool lvd_frag_take(struct lvd_frag_pool *p, unsigned long addr)
{
	unsigned long flags;
	bool ok = false;
	void *e;

	if (addr % LVD_FRAG_SIZE)
		return false;
	spin_lock_irqsave(&p->lock, flags);
	e = xa_load(&p->state, addr / LVD_FRAG_SIZE);
	if (xa_is_value(e) && xa_to_value(e) == LVD_FRAG_DRIVER) {
		xa_store(&p->state, addr / LVD_FRAG_SIZE,
			 xa_mk_value(LVD_FRAG_PACKET), GFP_ATOMIC);
		ok = true;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return ok;
}

/* The pool of the domain, or NULL when it has no device yet */
static struct lvd_frag_pool *lvd_frag_pool_of(struct lvd_domain *d)
{
	struct lvd_net_domain *nd = lvd_net_domain_find(d);

	return nd ? nd->frags : NULL;
}

/* __netdev_alloc_frag_align(fragsz, align_mask) and napi_alloc_frag */
unsigned long lvd_glue_netdev_alloc_frag(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_frag_pool *p = lvd_frag_pool_of(d);

	if (!p || args[0] > LVD_FRAG_SIZE) {
		pr_warn_ratelimited("%s: a frag of %lu bytes refused: at most %lu, once it has a device\n",
				    lvd_domain_name(d), args[0], LVD_FRAG_SIZE);
		return 0;
	}
	/* Frags are aligned to their size, more than any align_mask asks */
	return lvd_frag_alloc(p, LVD_FRAG_DRIVER);
}

/* page_frag_free(addr), behind skb_free_frag() */
unsigned long lvd_glue_page_frag_free(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_frag_pool *p = lvd_frag_pool_of(d);

	if (!p || !lvd_frag_free(p, args[0], LVD_FRAG_DRIVER))
		pr_warn_ratelimited("%s: page_frag_free(%#lx) of no frag it holds\n",
				    lvd_domain_name(d), args[0]);
	return 0;
}
