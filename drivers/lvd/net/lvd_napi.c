// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's netdev glue: the NAPI contexts of an isolated driver's devices.
 *
 * The driver's struct napi_struct is its memory, which the kernel never
 * reads: it is only the driver's name for a NAPI context of the kernel's,
 * which the glue makes when the driver adds its own (netif_napi_add()),
 * on the kernel's device, with a poll function of the glue's. That poll
 * calls the driver's in the domain, in softirq context, with the
 * driver's address and the budget, and holds the kernel to NAPI's rules
 * whatever the driver does: work reported beyond the budget counts as
 * the budget, and a poll that did less than its budget is complete, by
 * the driver's napi_complete_done() or else the glue's. While it runs,
 * the driver may hand packets to that context (lvd_napi_polling()).
 * Enabling and disabling are counted, so that the kernel's napi_enable()
 * never sees a context already enabled; when the device goes, its
 * contexts are disabled and deleted before it is freed.
 */

#define pr_fmt(fmt) "lvd: net: " fmt

#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <lvd/domain.h>
#include "lvd_net.h"

/* The NAPI context each CPU polls, if it is an isolated driver's */
static DEFINE_PER_CPU(struct lvd_napi *, lvd_napi_current);

/* Serialises adding contexts, which the kernel's netif_napi_add() may sleep in */
static DEFINE_MUTEX(lvd_napi_add_lock);

/* The context @addr names of @d's devices, under its domain's lock */
static struct lvd_napi *lvd_napi_find_locked(struct lvd_net_domain *nd,
					     unsigned long addr)
{
	struct lvd_napi *ln;

	lockdep_assert_held(&nd->napi_lock);
	list_for_each_entry(ln, &nd->napis, node)
		if (ln->dom == addr)
			return ln;
	return NULL;
}

/**
 * lvd_napi_polling() - the context this CPU polls, if the domain names it
 * @d: the domain
 * @addr: the driver's struct napi_struct, as it names it
 *
 * Context: a call into the driver's NAPI poll; elsewhere refused.
 * Return: the context, or NULL.
 */
struct lvd_napi *lvd_napi_polling(struct lvd_domain *d, unsigned long addr)
{
	struct lvd_napi *ln = in_softirq() ? this_cpu_read(lvd_napi_current) :
					     NULL;

	if (ln && ln->dom == addr && ln->nd->nd->d == d)
		return ln;
	pr_warn_ratelimited("%s: %#lx is not a NAPI context it polls now\n",
			    lvd_domain_name(d), addr);
	return NULL;
}

static int lvd_napi_poll(struct napi_struct *napi, int budget)
{
	struct lvd_napi *ln = container_of(napi, struct lvd_napi, napi);
	unsigned long args[LVD_DOMAIN_ARGS] = { ln->dom, budget }, ret = 0;
	struct lvd_napi *outer = this_cpu_read(lvd_napi_current);
	long work = 0;

	ln->completed = false;
	this_cpu_write(lvd_napi_current, ln);
	if (!lvd_domain_fn_call(&ln->poll, args, &ret))
		work = clamp_t(long, (int)ret, 0, budget);
	else
		lvd_netdev_stopped(ln->nd);
	this_cpu_write(lvd_napi_current, outer);
	lvd_txq_sync(ln->nd);
	if ((int)ret > budget)
		pr_warn_ratelimited("%s: %s: its poll reported %d packets for a budget of %d\n",
				    lvd_domain_name(ln->nd->nd->d),
				    ln->nd->dev->name, (int)ret, budget);
	/* Complete, or the kernel's to poll again: never both */
	if (ln->completed && work == budget && budget)
		work = budget - 1;
	if (work < budget && !ln->completed)
		napi_complete_done(napi, work);
	return work;
}

/* netif_napi_add_weight(dev, napi, poll, weight) */
unsigned long lvd_glue_netif_napi_add_weight(struct lvd_domain *d,
					     const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev *dev = lvd_netdev_find(d, args[0]);
	struct lvd_net_domain *nd = dev ? dev->nd : NULL;
	struct lvd_napi *ln, *found;

	if (!dev || !lvd_domain_may_access(d, args[1], sizeof(struct napi_struct),
					   true))
		goto refused;
	ln = kzalloc(sizeof(*ln), GFP_KERNEL);
	if (!ln)
		return 0;
	if (lvd_domain_fn_bind(&ln->poll, d, args[2])) {
		kfree(ln);
		goto refused;
	}
	ln->dom = args[1];
	ln->nd = dev;
	mutex_init(&ln->lock);
	mutex_lock(&lvd_napi_add_lock);
	spin_lock_irq(&nd->napi_lock);
	found = lvd_napi_find_locked(nd, ln->dom);
	spin_unlock_irq(&nd->napi_lock);
	if (!found) {
		netif_napi_add_weight(dev->dev, &ln->napi, lvd_napi_poll,
				      clamp_t(int, args[3], 1, NAPI_POLL_WEIGHT));
		spin_lock_irq(&nd->napi_lock);
		list_add(&ln->node, &nd->napis);
		spin_unlock_irq(&nd->napi_lock);
	}
	mutex_unlock(&lvd_napi_add_lock);
	if (!found)
		return 0;
	kfree(ln);
refused:
	pr_warn("%s: netif_napi_add(%#lx, %#lx) refused: not its device, memory or function, or added already\n",
		lvd_domain_name(d), args[0], args[1]);
	return 0;
}

/*
 * The context @addr names, or NULL; a context is freed only in process
 * context with its device, after it left the list
 */
static struct lvd_napi *lvd_napi_find(struct lvd_domain *d, unsigned long addr)
{
	struct lvd_net_domain *nd = lvd_net_domain_find(d);
	struct lvd_napi *ln = NULL;
	unsigned long flags;

	if (nd) {
		spin_lock_irqsave(&nd->napi_lock, flags);
		ln = lvd_napi_find_locked(nd, addr);
		spin_unlock_irqrestore(&nd->napi_lock, flags);
	}
	if (!ln)
		pr_warn_ratelimited("%s: %#lx is not a NAPI context of its\n",
				    lvd_domain_name(d), addr);
	return ln;
}

/* napi_enable(napi): of a context disabled */
unsigned long lvd_glue_napi_enable(struct lvd_domain *d,
				   const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_napi *ln = lvd_napi_find(d, args[0]);

	if (!ln)
		return 0;
	mutex_lock(&ln->lock);
	if (!ln->enabled)
		napi_enable(&ln->napi);
	ln->enabled = true;
	mutex_unlock(&ln->lock);
	return 0;
}

static void lvd_napi_disable(struct lvd_napi *ln)
{
	mutex_lock(&ln->lock);
	if (ln->enabled)
		napi_disable(&ln->napi);
	ln->enabled = false;
	mutex_unlock(&ln->lock);
}

/* napi_disable(napi): waits for its poll to end */
unsigned long lvd_glue_napi_disable(struct lvd_domain *d,
				    const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_napi *ln = lvd_napi_find(d, args[0]);

	if (ln)
		lvd_napi_disable(ln);
	return 0;
}

/*
 * napi_schedule_prep(napi) and __napi_schedule(napi), from the driver's
 * interrupt handler: under the domain's lock, which the context leaves
 * before it is freed. The kernel's __napi_schedule() queues the context
 * for its poll: only after a napi_schedule_prep() that owned it.
 */
static bool lvd_napi_schedule(struct lvd_domain *d, unsigned long addr,
			      bool prep)
{
	struct lvd_net_domain *nd = lvd_net_domain_find(d);
	struct lvd_napi *ln = NULL;
	unsigned long flags;
	bool ok = false;

	if (!nd)
		return false;
	spin_lock_irqsave(&nd->napi_lock, flags);
	ln = lvd_napi_find_locked(nd, addr);
	if (ln && prep) {
		ok = napi_schedule_prep(&ln->napi);
		ln->prepped |= ok;
	} else if (ln && ln->prepped) {
		/* Only once for each napi_schedule_prep() that said yes */
		ln->prepped = false;
		__napi_schedule(&ln->napi);
		ok = true;
	}
	spin_unlock_irqrestore(&nd->napi_lock, flags);
	if (!ln)
		pr_warn_ratelimited("%s: %#lx is not a NAPI context of its\n",
				    lvd_domain_name(d), addr);
	else if (!prep && !ok)
		pr_warn_ratelimited("%s: __napi_schedule(%#lx) refused: no napi_schedule_prep() owned it\n",
				    lvd_domain_name(d), addr);
	return ok;
}

unsigned long lvd_glue_napi_schedule_prep(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_napi_schedule(d, args[0], true);
}

unsigned long lvd_glue___napi_schedule(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_napi_schedule(d, args[0], false);
	return 0;
}

/* napi_complete_done(napi, work_done): in its poll */
unsigned long lvd_glue_napi_complete_done(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_napi *ln = lvd_napi_polling(d, args[0]);

	if (!ln || ln->completed)
		return false;
	ln->completed = true;
	return napi_complete_done(&ln->napi, max_t(int, args[1], 0));
}

/**
 * lvd_napi_release() - a device's NAPI contexts disabled and deleted
 * @dev: the device's record, as the device goes
 *
 * Context: may sleep.
 */
void lvd_napi_release(struct lvd_netdev *dev)
{
	struct lvd_net_domain *nd = dev->nd;
	struct lvd_napi *ln, *next;
	LIST_HEAD(gone);

	spin_lock_irq(&nd->napi_lock);
	list_for_each_entry_safe(ln, next, &nd->napis, node)
		if (ln->nd == dev)
			list_move(&ln->node, &gone);
	spin_unlock_irq(&nd->napi_lock);
	list_for_each_entry_safe(ln, next, &gone, node) {
		lvd_napi_disable(ln);
		netif_napi_del(&ln->napi);
		kfree(ln);
	}
}
