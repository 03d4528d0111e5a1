// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's netdev glue: the packets an isolated driver transmits and
 * receives.
 *
 * The driver sees each packet as a projection in a slot of its domain: a
 * struct sk_buff whose buffer is a frag of its own (lvd_frag.c), with the
 * struct skb_shared_info at the buffer's end, as the kernel lays packets
 * out. The slot is the driver's name for the packet until it frees it or
 * hands it to the kernel; glue that gets a slot's address works from the
 * kernel's record of the slot (its frag, its kernel packet), never from
 * the slot's pointers, and reads its offsets and lengths only to check
 * them against that frag. An address that is not a slot the driver holds
 * is refused.
 *
 * A packet the kernel transmits is copied, linear, into a frag and
 * projected with the fields a driver reads (lengths, protocol, priority,
 * queue, checksum start and offset, VLAN tag, header offsets, the shared
 * info's timestamp flags); the kernel's packet waits in the slot until
 * the driver frees it, which frees it. A packet the driver receives is
 * built in its domain (napi_alloc_skb(), napi_build_skb() around a frag
 * its device wrote, skb_put(), eth_type_trans()) and copied into a
 * kernel packet when it hands it over (napi_gro_receive()).
 *
 * Frames are linear and at most LVD_SKB_MAX_FRAME bytes: the glue takes
 * scatter-gather and segmentation offload from the devices (lvd_net.h).
 * Packets the driver still holds when its domain goes away are freed.
 */

#define pr_fmt(fmt) "lvd: net: " fmt

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/ip6_checksum.h>
#include <lvd/domain.h>
#include "lvd_net.h"

/* How many packets a domain may hold at once */
#define LVD_SKB_SLOTS	256

/* Where a slot's shared info starts, from its buffer's start */
#define LVD_SKB_END \
	(LVD_FRAG_SIZE - SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))

/* The room a transmitted packet gets before its data */
#define LVD_SKB_TX_HEADROOM	NET_SKB_PAD

/* No MAC header recorded */
#define LVD_SKB_NO_MAC	0xffff

enum lvd_skb_kind {
	LVD_SKB_FREE,
	LVD_SKB_TX,	/* the kernel's packet, projected */
	LVD_SKB_RX,	/* built by the driver */
};

/**
 * struct lvd_skb_slot - the kernel's record of a slot
 * @kind: enum lvd_skb_kind
 * @mac: the MAC header's offset in @frag, once eth_type_trans() ran
 * @seq: how often the slot was filled
 * @frag: the packet's buffer, in the domain
 * @skb: the kernel's packet, for LVD_SKB_TX
 */
struct lvd_skb_slot {
	u8 kind;
	u16 mac;
	unsigned long seq;
	unsigned long frag;
	struct sk_buff *skb;
};

/**
 * struct lvd_skb_slots - a domain's packet slots
 * @lock: protects @slot
 * @base: the slots' struct sk_buff, in the domain
 * @slot: the kernel's record of each
 */
struct lvd_skb_slots {
	spinlock_t lock;	/* protects @slot */
	unsigned long base;
	struct lvd_skb_slot slot[LVD_SKB_SLOTS];
};

/**
 * lvd_skb_slots_get() - give a domain packet slots and frags, if it has
 *	none
 * @nd: the domain's record
 *
 * Context: may sleep; under rtnl_lock() (as devices register).
 * Return: 0, or -ENOMEM.
 */
int lvd_skb_slots_get(struct lvd_net_domain *nd)
{
	struct lvd_skb_slots *s;
	int err;

	ASSERT_RTNL();
	err = lvd_frag_pool_get(nd);
	if (err || nd->skbs)
		return err;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->base = lvd_domain_alloc(nd->d, LVD_SKB_SLOTS * sizeof(struct sk_buff));
	if (!s->base) {
		kfree(s);
		return -ENOMEM;
	}
	spin_lock_init(&s->lock);
	nd->skbs = s;
	return 0;
}

static struct sk_buff *lvd_skb_image(struct lvd_skb_slots *s, unsigned int i)
{
	return (struct sk_buff *)s->base + i;
}

/* The slot the domain names by @addr, or -1 */
static int lvd_skb_slot_at(struct lvd_skb_slots *s, unsigned long addr)
{
	unsigned long off = addr - s->base;

	if (addr < s->base || off % sizeof(struct sk_buff) ||
	    off / sizeof(struct sk_buff) >= LVD_SKB_SLOTS)
		return -1;
	return off / sizeof(struct sk_buff);
}

/* A free slot filled with @kind, @frag and @skb: its index, or -1 */
static int lvd_skb_slot_fill(struct lvd_skb_slots *s, int kind,
			     unsigned long frag, struct sk_buff *skb,
			     unsigned long *seq)
{
	unsigned long flags;
	int i;

	spin_lock_irqsave(&s->lock, flags);
	for (i = 0; i < LVD_SKB_SLOTS; i++)
		if (s->slot[i].kind == LVD_SKB_FREE)
			break;
	if (i < LVD_SKB_SLOTS) {
		s->slot[i] = (struct lvd_skb_slot){
			.kind = kind, .mac = LVD_SKB_NO_MAC,
			.seq = s->slot[i].seq + 1, .frag = frag, .skb = skb,
		};
		if (seq)
			*seq = s->slot[i].seq;
	} else {
		i = -1;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return i;
}

/*
 * Empty slot @i (filled as @seq, unless @seq is 0) into @out: true when it
 * was filled so. Its frag goes back to the pool.
 */
static bool lvd_skb_slot_take(struct lvd_net_domain *nd, int i,
			      unsigned long seq, struct lvd_skb_slot *out)
{
	struct lvd_skb_slots *s = nd->skbs;
	struct lvd_skb_slot *sl = &s->slot[i];
	unsigned long flags;
	bool taken = false;

	spin_lock_irqsave(&s->lock, flags);
	if (sl->kind != LVD_SKB_FREE && (!seq || sl->seq == seq)) {
		*out = *sl;
		sl->kind = LVD_SKB_FREE;
		sl->skb = NULL;
		taken = true;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	if (taken) {
		lvd_frag_free(nd->frags, out->frag, LVD_FRAG_PACKET);
		lvd_net_unstarve(nd);
	}
	return taken;
}

/* A slot's shared info, at the end of its buffer */
static void lvd_skb_init_shinfo(unsigned long frag, u8 tx_flags)
{
	struct skb_shared_info *sh = (void *)(frag + LVD_SKB_END);

	memset(sh, 0, offsetof(struct skb_shared_info, dataref));
	atomic_set(&sh->dataref, 1);
	sh->tx_flags = tx_flags;
}

/* A header offset of @skb's, for the projection's buffer: or ~0, unset */
static u16 lvd_skb_header(const struct sk_buff *skb, u16 header)
{
	int off = (int)header - (int)skb_headroom(skb) + LVD_SKB_TX_HEADROOM;

	return header == (u16)~0U || off < 0 || off >= LVD_SKB_END ? ~0 : off;
}

/* The projection of a packet the kernel transmits, its data copied */
static int lvd_skb_project(struct sk_buff *img, unsigned long frag,
			   struct sk_buff *skb, unsigned long shadow)
{
	void *data = (void *)frag + LVD_SKB_TX_HEADROOM;

	if (skb->len > LVD_SKB_MAX_FRAME || skb_is_gso(skb))
		return -EMSGSIZE;
	if (skb->ip_summed == CHECKSUM_PARTIAL &&
	    lvd_skb_header(skb, skb->csum_start) == (u16)~0U &&
	    skb_checksum_help(skb))
		return -EINVAL;
	if (skb_copy_bits(skb, 0, data, skb->len))
		return -EINVAL;
	lvd_domain_count_copy(true, skb->len);
	memset(img, 0, offsetof(struct sk_buff, tail));
	img->dev = (struct net_device *)shadow;
	img->len = skb->len;
	img->protocol = skb->protocol;
	img->priority = skb->priority;
	img->queue_mapping = skb->queue_mapping;
	img->ip_summed = skb->ip_summed;
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		img->csum_start = lvd_skb_header(skb, skb->csum_start);
		img->csum_offset = skb->csum_offset;
	}
	img->vlan_all = skb->vlan_all;
	img->vlan_proto = skb->vlan_proto;
	img->mac_header = lvd_skb_header(skb, skb->mac_header);
	img->network_header = lvd_skb_header(skb, skb->network_header);
	img->transport_header = lvd_skb_header(skb, skb->transport_header);
	img->head = (unsigned char *)frag;
	img->data = data;
	img->tail = LVD_SKB_TX_HEADROOM + skb->len;
	img->end = LVD_SKB_END;
	img->truesize = LVD_FRAG_SIZE;
	refcount_set(&img->users, 1);
	lvd_skb_init_shinfo(frag, skb_shinfo(skb)->tx_flags);
	return 0;
}

/**
 * lvd_skb_xmit() - the driver's ndo_start_xmit, with a packet's projection
 * @nd: the device's record
 * @fn: the driver's function
 * @skb: the packet
 *
 * A packet the glue cannot project (too long, a driver that cannot be
 * called) is dropped. When its domain has no slot or frag free, the
 * device's queues stop until it has (lvd_net_unstarve()) and the packet
 * goes back to the kernel. A driver that asks to be called again later
 * (NETDEV_TX_BUSY) must not have freed the packet: if it has, it is done
 * with it.
 *
 * Return: NETDEV_TX_OK or NETDEV_TX_BUSY.
 */
netdev_tx_t lvd_skb_xmit(struct lvd_netdev *nd, const struct lvd_domain_fn *fn,
			 struct sk_buff *skb)
{
	struct lvd_net_domain *net = nd->nd;
	struct lvd_skb_slots *s = net->skbs;
	unsigned long args[LVD_DOMAIN_ARGS] = {}, ret, seq, frag = 0;
	struct lvd_skb_slot gone;
	int i = -1;

	if (s)
		frag = lvd_frag_alloc(net->frags, LVD_FRAG_PACKET);
	if (frag)
		i = lvd_skb_slot_fill(s, LVD_SKB_TX, frag, skb, &seq);
	if (i < 0) {
		if (frag)
			lvd_frag_free(net->frags, frag, LVD_FRAG_PACKET);
		if (!s)
			goto drop;
		lvd_net_starve(net, nd);
		return NETDEV_TX_BUSY;
	}
	if (lvd_skb_project(lvd_skb_image(s, i), frag, skb, nd->shadow)) {
		lvd_skb_slot_take(net, i, seq, &gone);
		goto drop;
	}
	args[0] = (unsigned long)lvd_skb_image(s, i);
	args[1] = nd->shadow;
	if (lvd_domain_fn_call(fn, args, &ret)) {
		/* Stopped: a packet it did not free never will be */
		if (lvd_skb_slot_take(net, i, seq, &gone))
			kfree_skb(skb);
		lvd_netdev_stopped(nd);
		return NETDEV_TX_OK;
	}
	lvd_txq_sync(nd);
	if ((netdev_tx_t)ret == NETDEV_TX_BUSY &&
	    lvd_skb_slot_take(net, i, seq, &gone))
		return NETDEV_TX_BUSY;
	return NETDEV_TX_OK;
drop:
	dev_core_stats_tx_dropped_inc(nd->dev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/* The domain's record and slot at @addr, or NULL: warns */
static struct lvd_net_domain *lvd_skb_find(struct lvd_domain *d,
					   unsigned long addr, int *i)
{
	struct lvd_net_domain *nd = lvd_net_domain_find(d);

	*i = nd && nd->skbs ? lvd_skb_slot_at(nd->skbs, addr) : -1;
	if (*i >= 0 && READ_ONCE(nd->skbs->slot[*i].kind) != LVD_SKB_FREE)
		return nd;
	pr_warn_ratelimited("%s: %#lx is not a packet it holds\n",
			    lvd_domain_name(d), addr);
	return NULL;
}

/*
 * The packet the domain names by @addr freed: the kernel's packet
 * consumed (@reason SKB_CONSUMED) or dropped for @reason.
 */
static void lvd_skb_free(struct lvd_domain *d, unsigned long addr,
			 enum skb_drop_reason reason)
{
	struct lvd_net_domain *nd;
	struct lvd_skb_slot gone;
	int i;

	if (!addr)
		return;
	nd = lvd_skb_find(d, addr, &i);
	if (!nd || !lvd_skb_slot_take(nd, i, 0, &gone) || !gone.skb)
		return;
	if (reason == SKB_CONSUMED)
		dev_consume_skb_any(gone.skb);
	else
		dev_kfree_skb_any_reason(gone.skb, reason);
}

/* A drop reason from the domain: one the kernel knows */
static enum skb_drop_reason lvd_skb_reason(unsigned long reason)
{
	if (reason == SKB_CONSUMED || reason >= SKB_DROP_REASON_MAX ||
	    reason < SKB_DROP_REASON_NOT_SPECIFIED)
		return reason == SKB_CONSUMED ? SKB_CONSUMED :
		       SKB_DROP_REASON_NOT_SPECIFIED;
	return reason;
}

/* consume_skb(skb), behind dev_kfree_skb(): the driver is done with it */
unsigned long lvd_glue_consume_skb(struct lvd_domain *d,
				   const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_skb_free(d, args[0], SKB_CONSUMED);
	return 0;
}

/* napi_consume_skb(skb, budget) */
unsigned long lvd_glue_napi_consume_skb(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_skb_free(d, args[0], SKB_CONSUMED);
	return 0;
}

/* dev_kfree_skb_any_reason(skb, reason) */
unsigned long lvd_glue_dev_kfree_skb_any_reason(struct lvd_domain *d,
						const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_skb_free(d, args[0], lvd_skb_reason(args[1]));
	return 0;
}

/* sk_skb_reason_drop(sk, skb, reason), behind kfree_skb(): no socket */
unsigned long lvd_glue_sk_skb_reason_drop(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	enum skb_drop_reason reason = lvd_skb_reason(args[2]);

	lvd_skb_free(d, args[1], reason == SKB_CONSUMED ?
				 SKB_DROP_REASON_NOT_SPECIFIED : reason);
	return 0;
}

/* The kernel's packet of a transmit slot, referenced, or NULL */
static struct sk_buff *lvd_skb_tx_get(struct lvd_domain *d, unsigned long addr)
{
	struct sk_buff *skb = NULL;
	struct lvd_net_domain *nd;
	unsigned long flags;
	int i;

	nd = lvd_skb_find(d, addr, &i);
	if (!nd)
		return NULL;
	spin_lock_irqsave(&nd->skbs->lock, flags);
	skb = nd->skbs->slot[i].skb;
	if (skb)
		skb_get(skb);
	spin_unlock_irqrestore(&nd->skbs->lock, flags);
	return skb;
}

/* skb_tstamp_tx(skb, hwtstamps): a software or hardware timestamp */
unsigned long lvd_glue_skb_tstamp_tx(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct skb_shared_hwtstamps hw;
	struct sk_buff *skb;

	if (args[1] && lvd_domain_copy_from(d, &hw, args[1], sizeof(hw)))
		return 0;
	skb = lvd_skb_tx_get(d, args[0]);
	if (!skb)
		return 0;
	skb_tstamp_tx(skb, args[1] ? &hw : NULL);
	consume_skb(skb);
	return 0;
}

/* skb_clone_tx_timestamp(skb), behind skb_tx_timestamp() */
unsigned long lvd_glue_skb_clone_tx_timestamp(struct lvd_domain *d,
					      const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct sk_buff *skb = lvd_skb_tx_get(d, args[0]);

	if (skb) {
		skb_clone_tx_timestamp(skb);
		consume_skb(skb);
	}
	return 0;
}

/*
 * A received packet's slot, its buffer @frag (which it owns) laid out
 * with @headroom before its data, for device @shadow (or 0): its address
 * in the domain, or 0.
 */
static unsigned long lvd_skb_rx_slot(struct lvd_net_domain *nd,
				     unsigned long frag, unsigned int headroom,
				     unsigned int end, unsigned long shadow)
{
	struct sk_buff *img;
	int i;

	i = lvd_skb_slot_fill(nd->skbs, LVD_SKB_RX, frag, NULL, NULL);
	if (i < 0) {
		lvd_frag_free(nd->frags, frag, LVD_FRAG_PACKET);
		return 0;
	}
	img = lvd_skb_image(nd->skbs, i);
	memset(img, 0, offsetof(struct sk_buff, tail));
	img->dev = (struct net_device *)shadow;
	img->mac_header = (u16)~0U;
	img->head = (unsigned char *)frag;
	img->data = img->head + headroom;
	img->tail = headroom;
	img->end = end;
	img->truesize = LVD_FRAG_SIZE;
	refcount_set(&img->users, 1);
	lvd_skb_init_shinfo(frag, 0);
	return (unsigned long)img;
}

/* A packet of @size bytes of data the driver fills, after @headroom */
static unsigned long lvd_skb_rx_alloc(struct lvd_domain *d, unsigned long size,
				      unsigned int headroom, unsigned long shadow)
{
	struct lvd_net_domain *nd = lvd_net_domain_find(d);
	unsigned long frag;

	if (!nd || !nd->skbs || size > LVD_SKB_END - headroom) {
		pr_warn_ratelimited("%s: a packet of %lu bytes refused: at most %lu, once it has a device\n",
				    lvd_domain_name(d), size,
				    LVD_SKB_END - headroom);
		return 0;
	}
	frag = lvd_frag_alloc(nd->frags, LVD_FRAG_PACKET);
	return frag ? lvd_skb_rx_slot(nd, frag, headroom, LVD_SKB_END, shadow) : 0;
}

/* napi_alloc_skb(napi, length): in its NAPI poll */
unsigned long lvd_glue_napi_alloc_skb(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_napi *ln = lvd_napi_polling(d, args[0]);

	if (!ln)
		return 0;
	return lvd_skb_rx_alloc(d, args[1], NET_SKB_PAD + NET_IP_ALIGN,
				ln->nd->shadow);
}

/* __alloc_skb(size, gfp, flags, node) */
unsigned long lvd_glue___alloc_skb(struct lvd_domain *d,
				   const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_skb_rx_alloc(d, args[0], 0, 0);
}

/* napi_build_skb(data, frag_size): a packet around a frag it holds */
unsigned long lvd_glue_napi_build_skb(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_net_domain *nd = lvd_net_domain_find(d);
	unsigned long frag = args[0], size = args[1];

	if (!nd || !nd->skbs || size > LVD_FRAG_SIZE ||
	    size < SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) ||
	    !lvd_frag_take(nd->frags, frag)) {
		pr_warn_ratelimited("%s: napi_build_skb(%#lx, %lu) of no frag it holds\n",
				    lvd_domain_name(d), frag, size);
		return 0;
	}
	return lvd_skb_rx_slot(nd, frag, 0, LVD_SKB_END, 0);
}

/*
 * What a slot's projection says of its data, checked against the slot's
 * buffer: the data's offset in it, its length and the tail's offset.
 */
struct lvd_skb_span {
	unsigned int off;
	unsigned int len;
	unsigned int tail;
	unsigned int end;
};

static int lvd_skb_span(const struct lvd_skb_slot *sl, const struct sk_buff *img,
			struct lvd_skb_span *sp)
{
	unsigned long data = (unsigned long)READ_ONCE(img->data);

	sp->len = READ_ONCE(img->len);
	sp->tail = READ_ONCE(img->tail);
	sp->end = min_t(unsigned int, READ_ONCE(img->end), LVD_SKB_END);
	sp->off = data - sl->frag;
	if (data < sl->frag || sp->off > sp->end || sp->tail > sp->end ||
	    READ_ONCE(img->data_len) || sp->len > sp->end - sp->off)
		return -EINVAL;
	return 0;
}

/**
 * struct lvd_skb_view - a slot the domain holds, as glue checked it
 * @nd: the domain's record
 * @i: the slot's index
 * @sl: the kernel's record of it, copied
 * @sp: its data's span in its buffer
 * @img: its projection, in the domain
 */
struct lvd_skb_view {
	struct lvd_net_domain *nd;
	int i;
	struct lvd_skb_slot sl;
	struct lvd_skb_span sp;
	struct sk_buff *img;
};

/* The slot at @addr into @v: true when the domain holds it, checked */
static bool lvd_skb_view(struct lvd_domain *d, unsigned long addr,
			 struct lvd_skb_view *v)
{
	v->nd = lvd_skb_find(d, addr, &v->i);
	if (!v->nd)
		return false;
	v->sl = v->nd->skbs->slot[v->i];
	v->img = lvd_skb_image(v->nd->skbs, v->i);
	if (v->sl.kind != LVD_SKB_FREE && !lvd_skb_span(&v->sl, v->img, &v->sp))
		return true;
	pr_warn_ratelimited("%s: a packet with its data out of its buffer\n",
			    lvd_domain_name(d));
	return false;
}

/* skb_put(skb, len): the room for @len more bytes, or NULL */
unsigned long lvd_glue_skb_put(struct lvd_domain *d,
			       const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_skb_view v;

	if (!lvd_skb_view(d, args[0], &v))
		return 0;
	if (v.sp.off + v.sp.len != v.sp.tail || args[1] > v.sp.end - v.sp.tail) {
		pr_warn_ratelimited("%s: skb_put() of %lu bytes refused: past its packet's buffer\n",
				    lvd_domain_name(d), args[1]);
		return 0;
	}
	WRITE_ONCE(v.img->tail, v.sp.tail + args[1]);
	WRITE_ONCE(v.img->len, v.sp.len + args[1]);
	return v.sl.frag + v.sp.tail;
}

/* skb_trim(skb, len) */
unsigned long lvd_glue_skb_trim(struct lvd_domain *d,
				const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_skb_view v;

	if (lvd_skb_view(d, args[0], &v) && v.sp.len > args[1]) {
		WRITE_ONCE(v.img->len, args[1]);
		WRITE_ONCE(v.img->tail, v.sp.off + args[1]);
	}
	return 0;
}

/* __skb_pad(skb, pad, free_on_error): zeroes after its data */
unsigned long lvd_glue___skb_pad(struct lvd_domain *d,
				 const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_skb_view v;
	bool held = lvd_skb_view(d, args[0], &v);

	if (held && args[1] <= v.sp.end - v.sp.off - v.sp.len) {
		memset((void *)v.sl.frag + v.sp.off + v.sp.len, 0, args[1]);
		return 0;
	}
	if (held && args[2])
		lvd_skb_free(d, args[0], SKB_DROP_REASON_NOMEM);
	return -ENOMEM;
}

/*
 * ___pskb_trim(), __pskb_pull_tail(), pskb_expand_head(): only for
 * packets of more than one buffer, or cloned, which the glue never makes
 */
unsigned long lvd_glue_pskb_refused(struct lvd_domain *d,
				    const unsigned long args[LVD_DOMAIN_ARGS])
{
	pr_warn_ratelimited("%s: packets of more than one buffer are not carried\n",
			    lvd_domain_name(d));
	return -ENOMEM;
}

unsigned long lvd_glue___pskb_pull_tail(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_glue_pskb_refused(d, args);
	return 0;
}

/* skb_copy_bits(skb, offset, to, len): from its data, into the domain */
unsigned long lvd_glue_skb_copy_bits(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long off = args[1], len = args[3];
	struct lvd_skb_view v;

	if (!lvd_skb_view(d, args[0], &v) || off > v.sp.len ||
	    len > v.sp.len - off)
		return -EFAULT;
	return lvd_domain_copy_to(d, args[2], (void *)v.sl.frag + v.sp.off + off,
				  len) ? -EFAULT : 0;
}

/* eth_type_trans(skb, dev): the MAC header taken off, the protocol */
unsigned long lvd_glue_eth_type_trans(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	const struct ethhdr *eth;
	struct lvd_skb_view v;
	__be16 proto;

	if (!lvd_skb_view(d, args[0], &v) || v.sl.kind != LVD_SKB_RX ||
	    v.sp.len < ETH_HLEN || !lvd_netdev_find(d, args[1]))
		return 0;
	eth = (void *)v.sl.frag + v.sp.off;
	proto = READ_ONCE(eth->h_proto);
	if (!eth_proto_is_802_3(proto))
		proto = htons(ETH_P_802_2);
	WRITE_ONCE(v.nd->skbs->slot[v.i].mac, v.sp.off);
	v.img->dev = (struct net_device *)args[1];
	v.img->mac_header = v.sp.off;
	v.img->data = (unsigned char *)v.sl.frag + v.sp.off + ETH_HLEN;
	v.img->len = v.sp.len - ETH_HLEN;
	v.img->protocol = proto;
	return (__force u16)proto;
}

/* The kernel's copy of a received packet the driver hands over, or NULL */
static struct sk_buff *lvd_skb_rx_copy(struct lvd_napi *ln,
				       const struct lvd_skb_slot *sl,
				       const struct lvd_skb_span *sp,
				       const struct sk_buff *img)
{
	unsigned int start = sl->mac <= sp->off ? sl->mac : sp->off;
	unsigned int len = sp->off + sp->len - start;
	__be16 vlan_proto = READ_ONCE(img->vlan_proto);
	u16 vlan_tci = READ_ONCE(img->vlan_tci);
	struct sk_buff *skb;

	if (len < ETH_HLEN)
		return NULL;
	skb = napi_alloc_skb(&ln->napi, len);
	if (!skb)
		return NULL;
	skb_put_data(skb, (void *)sl->frag + start, len);
	lvd_domain_count_copy(false, len);
	skb->protocol = eth_type_trans(skb, ln->nd->dev);
	if (img->ip_summed == CHECKSUM_UNNECESSARY)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	if (READ_ONCE(img->vlan_all) &&
	    (vlan_proto == htons(ETH_P_8021Q) || vlan_proto == htons(ETH_P_8021AD)))
		__vlan_hwaccel_put_tag(skb, vlan_proto, vlan_tci);
	return skb;
}

/* napi_gro_receive(napi, skb): in its NAPI poll */
unsigned long lvd_glue_napi_gro_receive(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_napi *ln = lvd_napi_polling(d, args[0]);
	struct sk_buff *skb = NULL;
	struct lvd_skb_slot gone;
	struct lvd_skb_view v;

	if (!lvd_skb_view(d, args[1], &v))
		return GRO_MERGED_FREE;
	if (ln && v.sl.kind == LVD_SKB_RX)
		skb = lvd_skb_rx_copy(ln, &v.sl, &v.sp, v.img);
	if (!lvd_skb_slot_take(v.nd, v.i, v.sl.seq, &gone)) {
		kfree_skb(skb);
		return GRO_MERGED_FREE;
	}
	if (!skb) {
		dev_kfree_skb_any(gone.skb);
		if (ln)
			dev_core_stats_rx_dropped_inc(ln->nd->dev);
		return GRO_MERGED_FREE;
	}
	return napi_gro_receive(&ln->napi, skb);
}

/* napi_get_frags(napi): packets in page fragments are not carried */
unsigned long lvd_glue_napi_get_frags(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	pr_warn_ratelimited("%s: napi_get_frags(): packets in page fragments are not carried\n",
			    lvd_domain_name(d));
	return 0;
}

/* napi_gro_frags(napi): never with a packet of napi_get_frags()'s */
unsigned long lvd_glue_napi_gro_frags(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	return GRO_MERGED_FREE;
}

/**
 * lvd_skb_release() - free the packets a domain held, and its slots
 * @nd: the domain's record, which has no device left
 */
void lvd_skb_release(struct lvd_net_domain *nd)
{
	struct lvd_skb_slots *s = nd->skbs;
	unsigned int i;

	if (s) {
		for (i = 0; i < LVD_SKB_SLOTS; i++)
			kfree_skb(s->slot[i].skb);
		lvd_domain_free(nd->d, s->base);
		kfree(s);
		nd->skbs = NULL;
	}
	lvd_frag_pool_put(nd->frags);
	nd->frags = NULL;
}

/* csum_ipv6_magic(saddr, daddr, len, proto, sum): of the domain's addresses */
unsigned long lvd_glue_csum_ipv6_magic(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct in6_addr saddr, daddr;

	if (lvd_domain_copy_from(d, &saddr, args[0], sizeof(saddr)) ||
	    lvd_domain_copy_from(d, &daddr, args[1], sizeof(daddr)))
		return 0;
	return (__force u16)csum_ipv6_magic(&saddr, &daddr, args[2], args[3],
					    (__force __wsum)(u32)args[4]);
}
