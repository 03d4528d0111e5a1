// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's netdev glue: the packets an isolated driver transmits.
 *
 * A packet the kernel hands the driver stays in kernel memory. The driver
 * gets a projection of it in a slot of its domain: a struct sk_buff and
 * the struct skb_shared_info after it, with the fields a driver reads
 * (length, protocol, priority, queue, the shared info's timestamp and GSO
 * fields); the payload is not projected. The slot is the driver's name
 * for the packet until it frees it: glue that gets a slot's address takes
 * the kernel's packet from the kernel's table of slots, never from the
 * slot; an address that is not a slot the driver holds is refused. A
 * packet the driver still holds when its domain goes away is freed.
 */

#define pr_fmt(fmt) "lvd: net: " fmt

#include <linux/bitmap.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <lvd/domain.h>
#include "lvd_net.h"

/* How many packets a domain may hold at once */
#define LVD_SKB_SLOTS	64

/* What a slot holds, in the domain */
struct lvd_skb_image {
	struct sk_buff skb;
	struct skb_shared_info shinfo;
};

/**
 * struct lvd_skb_slots - a domain's packet slots
 * @lock: protects the rest
 * @base: the slots' images, in the domain
 * @skb: the kernel's packet in each slot, NULL when the slot is free
 * @seq: how often each slot was filled
 */
struct lvd_skb_slots {
	spinlock_t lock;	/* protects @skb and @seq */
	unsigned long base;
	struct sk_buff *skb[LVD_SKB_SLOTS];
	unsigned long seq[LVD_SKB_SLOTS];
};

/**
 * lvd_skb_slots_get() - give a domain packet slots, if it has none
 * @nd: the domain's record
 *
 * Context: may sleep; under rtnl_lock() (as devices register).
 * Return: 0, or -ENOMEM.
 */
int lvd_skb_slots_get(struct lvd_net_domain *nd)
{
	struct lvd_skb_slots *s;

	ASSERT_RTNL();
	if (nd->skbs)
		return 0;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->base = lvd_domain_alloc(nd->d, LVD_SKB_SLOTS *
					  sizeof(struct lvd_skb_image));
	if (!s->base) {
		kfree(s);
		return -ENOMEM;
	}
	spin_lock_init(&s->lock);
	nd->skbs = s;
	return 0;
}

static struct lvd_skb_image *lvd_skb_image(struct lvd_skb_slots *s,
					   unsigned int i)
{
	return (struct lvd_skb_image *)s->base + i;
}

/* The slot the domain names by @addr, or -1 */
static int lvd_skb_slot_at(struct lvd_skb_slots *s, unsigned long addr)
{
	unsigned long off = addr - s->base;

	if (addr < s->base || off % sizeof(struct lvd_skb_image) ||
	    off / sizeof(struct lvd_skb_image) >= LVD_SKB_SLOTS)
		return -1;
	return off / sizeof(struct lvd_skb_image);
}

/* The packet in a free slot: -1 when there is none */
static int lvd_skb_slot_fill(struct lvd_skb_slots *s, struct sk_buff *skb,
			     unsigned long *seq)
{
	unsigned long flags;
	int i;

	spin_lock_irqsave(&s->lock, flags);
	for (i = 0; i < LVD_SKB_SLOTS; i++)
		if (!s->skb[i])
			break;
	if (i < LVD_SKB_SLOTS) {
		s->skb[i] = skb;
		*seq = ++s->seq[i];
	} else {
		i = -1;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return i;
}

/* Take the packet back from slot @i if it is still filled as @seq was */
static bool lvd_skb_slot_take(struct lvd_skb_slots *s, int i,
			      unsigned long seq)
{
	unsigned long flags;
	bool taken = false;

	spin_lock_irqsave(&s->lock, flags);
	if (s->skb[i] && s->seq[i] == seq) {
		s->skb[i] = NULL;
		taken = true;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return taken;
}

/* The projection: what a driver reads of a packet it transmits */
static void lvd_skb_project(struct lvd_skb_image *img, const struct sk_buff *skb)
{
	const struct skb_shared_info *sh = skb_shinfo(skb);

	img->skb.len = skb->len;
	img->skb.data_len = skb->data_len;
	img->skb.protocol = skb->protocol;
	img->skb.priority = skb->priority;
	img->skb.queue_mapping = skb->queue_mapping;
	img->skb.ip_summed = skb->ip_summed;
	img->skb.head = (unsigned char *)&img->shinfo;
	img->skb.data = img->skb.head;
	img->skb.end = 0;
	img->skb.tail = 0;
	img->shinfo.tx_flags = sh->tx_flags;
	img->shinfo.gso_size = sh->gso_size;
	img->shinfo.gso_segs = sh->gso_segs;
	img->shinfo.gso_type = sh->gso_type;
	img->shinfo.nr_frags = 0;
}

/**
 * lvd_skb_xmit() - the driver's ndo_start_xmit, with a packet's projection
 * @nd: the device's record
 * @fn: the driver's function
 * @skb: the packet
 *
 * A packet that finds no free slot, or a driver that cannot be called, is
 * dropped. A driver that asks to be called again later (NETDEV_TX_BUSY)
 * must not have freed the packet: if it has, it is done with it.
 *
 * Return: what the driver returned, NETDEV_TX_OK or NETDEV_TX_BUSY.
 */
netdev_tx_t lvd_skb_xmit(struct lvd_netdev *nd, const struct lvd_domain_fn *fn,
			 struct sk_buff *skb)
{
	struct lvd_skb_slots *s = nd->nd->skbs;
	unsigned long args[LVD_DOMAIN_ARGS] = {}, ret, seq;
	int i;

	i = s ? lvd_skb_slot_fill(s, skb, &seq) : -1;
	if (i < 0) {
		dev_core_stats_tx_dropped_inc(nd->dev);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	lvd_skb_project(lvd_skb_image(s, i), skb);
	args[0] = (unsigned long)lvd_skb_image(s, i);
	args[1] = nd->shadow;
	if (lvd_domain_fn_call(fn, args, &ret)) {
		/* Stopped: a packet it did not free never will be */
		if (lvd_skb_slot_take(s, i, seq))
			kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	if ((netdev_tx_t)ret == NETDEV_TX_BUSY && lvd_skb_slot_take(s, i, seq))
		return NETDEV_TX_BUSY;
	return NETDEV_TX_OK;
}

/* The packet the domain names by @addr, with a reference, or NULL */
static struct sk_buff *lvd_skb_get(struct lvd_domain *d, unsigned long addr,
				   bool take)
{
	struct lvd_net_domain *nd = lvd_net_domain_find(d);
	struct lvd_skb_slots *s = nd ? nd->skbs : NULL;
	struct sk_buff *skb = NULL;
	unsigned long flags;
	int i;

	i = s ? lvd_skb_slot_at(s, addr) : -1;
	if (i < 0)
		goto refused;
	spin_lock_irqsave(&s->lock, flags);
	skb = s->skb[i];
	if (skb && take)
		s->skb[i] = NULL;
	else if (skb)
		skb_get(skb);
	spin_unlock_irqrestore(&s->lock, flags);
	if (skb)
		return skb;
refused:
	pr_warn_ratelimited("%s: %#lx is not a packet it holds\n",
			    lvd_domain_name(d), addr);
	return NULL;
}

/* consume_skb(skb), behind dev_kfree_skb(): the driver is done with it */
unsigned long lvd_glue_consume_skb(struct lvd_domain *d,
				   const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct sk_buff *skb = lvd_skb_get(d, args[0], true);

	if (skb)
		consume_skb(skb);
	return 0;
}

/* skb_tstamp_tx(skb, hwtstamps): a software or hardware timestamp */
unsigned long lvd_glue_skb_tstamp_tx(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct skb_shared_hwtstamps hw;
	struct sk_buff *skb;

	if (args[1] && lvd_domain_copy_from(d, &hw, args[1], sizeof(hw)))
		return 0;
	skb = lvd_skb_get(d, args[0], false);
	if (!skb)
		return 0;
	skb_tstamp_tx(skb, args[1] ? &hw : NULL);
	consume_skb(skb);
	return 0;
}

/**
 * lvd_skb_release() - free the packets a domain held, and its slots
 * @nd: the domain's record, which has no device left
 */
void lvd_skb_release(struct lvd_net_domain *nd)
{
	struct lvd_skb_slots *s = nd->skbs;
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < LVD_SKB_SLOTS; i++)
		kfree_skb(s->skb[i]);
	lvd_domain_free(nd->d, s->base);
	kfree(s);
	nd->skbs = NULL;
}
