// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's netdev glue: net_device projections (lvd_net.h), and the kernel
 * functions on a net_device an isolated network driver may call.
 *
 * A device an isolated driver allocates, or that rtnetlink creates with
 * the driver's link ops, is the kernel's: the kernel allocates it with
 * the glue's record as its private area. Its shadow, the driver's struct
 * net_device followed by the driver's private area, is memory of the
 * driver's domain, which the kernel reads only as a snapshot and trusts
 * in no field: the fields the driver may set are taken from the snapshot
 * one by one, checked, and only while the device is being set up
 * (until its ndo_init has returned); after that the kernel's fields are
 * the device's, and the shadow gets them before each call into the
 * driver. Kernel pointers never reach the shadow.
 */

#define pr_fmt(fmt) "lvd: net: " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/init.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/rtnetlink.h>
#include <lvd/domain.h>
#include <lvd/glue.h>
#include "lvd_net.h"

/* The flags and private flags a driver may set up its device with */
#define LVD_NETDEV_SETUP_FLAGS	(IFF_BROADCAST | IFF_POINTOPOINT | IFF_NOARP | \
				 IFF_MULTICAST | IFF_DEBUG | IFF_DYNAMIC)
#define LVD_NETDEV_SETUP_PRIV	(IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE | \
				 IFF_TX_SKB_SHARING | IFF_UNICAST_FLT | \
				 IFF_SUPP_NOFCS | IFF_DONT_BRIDGE)
/* The largest private area, MTU and queue count a driver may ask for */
#define LVD_NETDEV_MAX_PRIV	(64 * 1024)
#define LVD_NETDEV_MAX_MTU	(64 * 1024)
#define LVD_NETDEV_MAX_QUEUES	64
#define LVD_NETDEV_MAX_TX_QUEUE_LEN	BIT(16)

/* lvd_proj_netdev_setup_out() and _in(), from lvd_netdev.lvd */
#include "lvd_netdev_idl.c"

static LIST_HEAD(lvd_net_domains);
/* Protects the lists of domains and devices; taken in any context */
static DEFINE_SPINLOCK(lvd_net_lock);

/**
 * lvd_net_domain_find() - what the glue keeps of a domain
 * @d: the domain
 *
 * Return: it, or NULL when the domain has used no netdev glue yet.
 */
struct lvd_net_domain *lvd_net_domain_find(struct lvd_domain *d)
{
	struct lvd_net_domain *nd, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&lvd_net_lock, flags);
	list_for_each_entry(nd, &lvd_net_domains, node)
		if (nd->d == d) {
			found = nd;
			break;
		}
	spin_unlock_irqrestore(&lvd_net_lock, flags);
	return found;
}

/**
 * lvd_net_domain_get() - what the glue keeps of a domain, made if need be
 * @d: the domain
 *
 * Return: it, or NULL when there is no memory.
 */
struct lvd_net_domain *lvd_net_domain_get(struct lvd_domain *d)
{
	struct lvd_net_domain *nd = lvd_net_domain_find(d);
	unsigned long flags;

	if (nd)
		return nd;
	nd = kzalloc(sizeof(*nd), GFP_KERNEL);
	if (!nd)
		return NULL;
	nd->d = d;
	INIT_LIST_HEAD(&nd->devs);
	INIT_LIST_HEAD(&nd->ops);
	INIT_LIST_HEAD(&nd->napis);
	spin_lock_init(&nd->napi_lock);
	/* Only the domain's own (sleeping) calls add it: no race to add */
	spin_lock_irqsave(&lvd_net_lock, flags);
	list_add(&nd->node, &lvd_net_domains);
	spin_unlock_irqrestore(&lvd_net_lock, flags);
	return nd;
}

/* Does @addr name @dev: its shadow, or (@txq) inside its shadow's queues? */
static bool lvd_netdev_named(const struct lvd_netdev *dev, unsigned long addr,
			     bool txq)
{
	if (!txq)
		return dev->shadow == addr;
	return dev->txqs && addr >= dev->txqs &&
	       addr - dev->txqs < dev->dev->num_tx_queues *
				  sizeof(struct netdev_queue);
}

/* The device of @d's that @addr names, as lvd_netdev_named() says */
static struct lvd_netdev *lvd_netdev_lookup_addr(struct lvd_domain *d,
						 unsigned long addr, bool txq)
{
	struct lvd_net_domain *nd = lvd_net_domain_find(d);
	struct lvd_netdev *dev, *found = NULL;
	unsigned long flags;

	if (!nd)
		return NULL;
	spin_lock_irqsave(&lvd_net_lock, flags);
	list_for_each_entry(dev, &nd->devs, node)
		if (lvd_netdev_named(dev, addr, txq)) {
			found = dev;
			break;
		}
	spin_unlock_irqrestore(&lvd_net_lock, flags);
	return found;
}

/**
 * lvd_netdev_find() - the device a domain names by its shadow
 * @d: the domain
 * @shadow: the address the domain passed
 *
 * Return: the glue's record of the device, or NULL when @shadow is not
 * the shadow of a device of @d's that the domain may name.
 */
struct lvd_netdev *lvd_netdev_find(struct lvd_domain *d, unsigned long shadow)
{
	return lvd_netdev_lookup_addr(d, shadow, false);
}

/**
 * lvd_netdev_find_txq() - the device with a shadow queue at an address
 * @d: the domain
 * @addr: the address the domain passed, in the queue
 *
 * Return: the device's record, or NULL.
 */
struct lvd_netdev *lvd_netdev_find_txq(struct lvd_domain *d, unsigned long addr)
{
	struct lvd_netdev *found = lvd_netdev_lookup_addr(d, addr, true);

	if (!found)
		pr_warn_ratelimited("%s: %#lx is not a queue of its devices\n",
				    lvd_domain_name(d), addr);
	return found;
}

/**
 * lvd_net_starve() - a domain has no room for a packet: a device's queues
 *	stop until it has
 * @nd: the domain's record
 * @dev: the device that found no room
 */
void lvd_net_starve(struct lvd_net_domain *nd, struct lvd_netdev *dev)
{
	WRITE_ONCE(nd->starved, true);
	lvd_txq_sync(dev);
}

/**
 * lvd_net_unstarve() - a domain has room for packets again
 * @nd: the domain's record
 *
 * Context: any.
 */
void lvd_net_unstarve(struct lvd_net_domain *nd)
{
	struct lvd_netdev *dev;
	unsigned long flags;

	if (!READ_ONCE(nd->starved))
		return;
	WRITE_ONCE(nd->starved, false);
	spin_lock_irqsave(&lvd_net_lock, flags);
	list_for_each_entry(dev, &nd->devs, node)
		lvd_txq_sync(dev);
	spin_unlock_irqrestore(&lvd_net_lock, flags);
}

/**
 * lvd_netdev_stopped() - a call into a device's driver failed: its domain
 *	is stopped, and the device goes down until the driver is unloaded
 * @nd: the device's record
 *
 * Context: any.
 */
void lvd_netdev_stopped(struct lvd_netdev *nd)
{
	if (xchg(&nd->stopped, true) ||
	    nd->dev->reg_state != NETREG_REGISTERED)
		return;
	/*
	 * Without a carrier the kernel drops what is sent to the device
	 * (its qdisc is deactivated): no sender waits for queues to run
	 */
	netif_carrier_off(nd->dev);
	pr_err("%s: %s is down: its driver is stopped\n",
	       lvd_domain_name(nd->nd->d), netdev_name(nd->dev));
}

/**
 * lvd_netdev_attach() - let the domain name a device
 * @nd: the device's record
 */
void lvd_netdev_attach(struct lvd_netdev *nd)
{
	unsigned long flags;

	spin_lock_irqsave(&lvd_net_lock, flags);
	if (!nd->attached)
		list_add(&nd->node, &nd->nd->devs);
	nd->attached = true;
	spin_unlock_irqrestore(&lvd_net_lock, flags);
}

/**
 * lvd_netdev_detach() - the domain may no longer name a device
 * @nd: the device's record
 */
void lvd_netdev_detach(struct lvd_netdev *nd)
{
	unsigned long flags;

	spin_lock_irqsave(&lvd_net_lock, flags);
	if (nd->attached)
		list_del(&nd->node);
	nd->attached = false;
	spin_unlock_irqrestore(&lvd_net_lock, flags);
}

static void lvd_netdev_write_shadow(struct lvd_netdev *nd);

/**
 * lvd_netdev_sync_in() - give the shadow the kernel's view of the device
 * @nd: the device's record
 *
 * The shadow is memory the glue allocated in the domain: the kernel writes
 * it in place, field by field, and leaves the driver's own fields alone.
 * While the device is set up, what the driver set since it was last read
 * must have been taken (lvd_netdev_sync_out()) before the kernel changed
 * the device: it is overwritten here.
 *
 * Return: 0, or -ENODEV when the device has no shadow.
 */
int lvd_netdev_sync_in(struct lvd_netdev *nd)
{
	if (!nd->shadow)
		return -ENODEV;
	lvd_netdev_write_shadow(nd);
	return 0;
}

/* An address list of the shadow's, empty */
static void lvd_netdev_empty_list(struct netdev_hw_addr_list *l)
{
	INIT_LIST_HEAD(&l->list);
	l->count = 0;
	l->tree = RB_ROOT;
}

/* The kernel's view of the device, into its shadow */
static void lvd_netdev_write_shadow(struct lvd_netdev *nd)
{
	struct net_device *sh = (struct net_device *)nd->shadow;
	const struct net_device *dev = nd->dev;

	lvd_proj_netdev_setup_out(sh, dev);
	if (dev->dev_addr)
		memcpy((void *)nd->addr, dev->dev_addr, MAX_ADDR_LEN);
	sh->dev_addr = (const unsigned char *)nd->addr;
	sh->lstats = (struct pcpu_lstats __percpu *)nd->stats;
	/* The driver's own pointers, as it set them; no kernel pointer */
	sh->netdev_ops = (const struct net_device_ops *)nd->dom_netdev_ops;
	sh->ethtool_ops = (const struct ethtool_ops *)nd->dom_ethtool_ops;
	sh->rtnl_link_ops = (const struct rtnl_link_ops *)nd->dom_link_ops;
	sh->header_ops = NULL;
	sh->priv_destructor = NULL;
	sh->_tx = (struct netdev_queue *)nd->txqs;
	sh->num_tx_queues = nd->txqs ? dev->num_tx_queues : 0;
	sh->real_num_tx_queues = nd->txqs ? dev->real_num_tx_queues : 0;
	/* Address lists: empty (the driver filters nothing it is not told) */
	lvd_netdev_empty_list(&sh->uc);
	lvd_netdev_empty_list(&sh->mc);
}

/* A device set up wrongly: the kernel calls none of the driver's ops */
static void lvd_netdev_refuse(struct lvd_netdev *nd)
{
	nd->refused = true;
	nd->dev->netdev_ops = &lvd_net_refused_ops;
}

/* What the glue carries: linear frames, of up to LVD_NET_MAX_MTU */
static void lvd_netdev_take_limits(struct net_device *dev)
{
	dev->features &= ~LVD_NET_NOT_CARRIED;
	dev->hw_features &= ~LVD_NET_NOT_CARRIED;
	dev->vlan_features &= ~LVD_NET_NOT_CARRIED;
	dev->hw_enc_features &= ~LVD_NET_NOT_CARRIED;
	if (!dev->max_mtu || dev->max_mtu > LVD_NET_MAX_MTU)
		dev->max_mtu = LVD_NET_MAX_MTU;
	dev->min_mtu = min(dev->min_mtu, dev->max_mtu);
	dev->mtu = clamp(dev->mtu, dev->min_mtu, dev->max_mtu);
}

/* What setup (and ndo_init) may set: checked, field by field */
static void lvd_netdev_take_setup(struct lvd_netdev *nd,
				  const struct net_device *img)
{
	struct net_device *dev = nd->dev;
	struct rtnl_link_ops *link;
	const char *field;

	if (nd->refused)
		return;
	if (lvd_proj_netdev_setup_in(dev, img, &field)) {
		pr_err("%s: a device set up with its %s out of bounds is refused\n",
		       lvd_domain_name(nd->nd->d), field);
		lvd_netdev_refuse(nd);
		return;
	}
	lvd_netdev_take_limits(dev);
	if (img->dev.parent && !nd->parent) {
		nd->parent = lvd_pci_glue_device(nd->nd->d,
						 (unsigned long)img->dev.parent);
		if (nd->parent)
			SET_NETDEV_DEV(dev, nd->parent);
	}
	if ((unsigned long)img->rtnl_link_ops != nd->dom_link_ops) {
		link = lvd_rtnl_link_ops(nd->nd->d,
					 (unsigned long)img->rtnl_link_ops);
		dev->rtnl_link_ops = link;
		nd->dom_link_ops = link ? (unsigned long)img->rtnl_link_ops : 0;
	}
	if ((unsigned long)img->netdev_ops != nd->dom_netdev_ops ||
	    (unsigned long)img->ethtool_ops != nd->dom_ethtool_ops)
		lvd_net_ops_bind(nd, (unsigned long)img->netdev_ops,
				 (unsigned long)img->ethtool_ops);
	if (img->priv_destructor) {
		pr_err("%s: %s: a priv_destructor of the driver's is not supported\n",
		       lvd_domain_name(nd->nd->d), dev->name);
		lvd_netdev_refuse(nd);
	}
}

/**
 * lvd_netdev_sync_out() - take what the driver may set from its shadow
 * @nd: the device's record
 *
 * Reads the whole shadow once, into the kernel's room for it, and takes
 * from that snapshot what the driver may set, checked. Until the device's
 * ndo_init has returned, that is how it is set up; after, nothing: the
 * kernel sets the device, and glue calls are the driver's way to ask.
 *
 * Context: may sleep.
 */
void lvd_netdev_sync_out(struct lvd_netdev *nd)
{
	if (!nd->shadow || nd->setup_done)
		return;
	mutex_lock(&nd->lock);
	memcpy(nd->img, (void *)nd->shadow, sizeof(*nd->img));
	lvd_netdev_take_setup(nd, nd->img);
	mutex_unlock(&nd->lock);
}

/* A device's shadow, address copy and statistics go back to the domain */
static void lvd_netdev_forget(struct lvd_netdev *nd)
{
	struct lvd_domain *d = nd->nd->d;

	lvd_napi_release(nd);
	lvd_netdev_detach(nd);
	lvd_domain_free(d, nd->shadow);
	lvd_domain_free(d, nd->addr);
	if (nd->txqs)
		lvd_domain_free(d, nd->txqs);
	nd->txqs = 0;
	put_device(nd->parent);
	nd->parent = NULL;
	if (nd->stats)
		lvd_domain_percpu_free(d, nd->stats);
	nd->shadow = 0;
	nd->addr = 0;
	nd->stats = 0;
	kfree(nd->img);
	nd->img = NULL;
}

/*
 * The kernel's priv_destructor of every device of the glue's: called as
 * the device is unregistered (or its registration fails). A device the
 * kernel then frees (needs_free_netdev, or made by rtnetlink) is
 * forgotten here; another stays for the driver's free_netdev().
 */
static void lvd_netdev_destructor(struct net_device *dev)
{
	struct lvd_netdev *nd = netdev_priv(dev);

	if ((dev->needs_free_netdev || nd->from_link) && nd->nd)
		lvd_netdev_forget(nd);
}

/**
 * lvd_netdev_setup() - set up a new device with its driver's setup
 * @dev: the device, just allocated, with a struct lvd_netdev as its
 *	private area
 * @s: the driver's setup function, in its domain
 *
 * Gives the device a shadow in the domain and calls the driver's setup on
 * it. Whatever fails, the device is left with ops that refuse to register
 * it, and its allocator frees it.
 */
void lvd_netdev_setup(struct net_device *dev, const struct lvd_netdev_setup *s)
{
	struct lvd_netdev *nd = netdev_priv(dev);
	unsigned long args[LVD_DOMAIN_ARGS] = {}, ret;
	int err;

	nd->dev = dev;
	nd->from_link = s->from_link;
	mutex_init(&nd->lock);
	INIT_LIST_HEAD(&nd->node);
	dev->netdev_ops = &lvd_net_refused_ops;
	dev->priv_destructor = lvd_netdev_destructor;
	nd->nd = lvd_net_domain_get(s->d);
	if (!nd->nd)
		return;
	nd->img = kmalloc(sizeof(*nd->img), GFP_KERNEL);
	nd->shadow = lvd_domain_alloc(s->d, sizeof(struct net_device) +
					    s->priv_size);
	nd->addr = lvd_domain_alloc(s->d, MAX_ADDR_LEN);
	if (!nd->img || !nd->shadow || !nd->addr) {
		pr_err("%s: no room for a device's projection\n",
		       lvd_domain_name(s->d));
		lvd_netdev_forget(nd);
		return;
	}
	lvd_netdev_attach(nd);
	if (s->ether) {
		ether_setup(dev);
		lvd_netdev_sync_in(nd);
		return;
	}
	lvd_netdev_sync_in(nd);
	args[0] = nd->shadow;
	err = lvd_net_fn_call(&s->fn, args, &ret);
	if (err) {
		pr_err("%s: its setup of a device failed (%d)\n",
		       lvd_domain_name(s->d), err);
		dev->netdev_ops = &lvd_net_refused_ops;
		return;
	}
	lvd_netdev_sync_out(nd);
}

/*
 * Setup for a device the driver allocates itself: alloc_netdev_mqs()
 * calls it in the task that asked, which left the driver's setup here.
 */
struct lvd_netdev_pending {
	struct list_head node;
	struct task_struct *task;
	const struct lvd_netdev_setup *s;
};

static LIST_HEAD(lvd_netdev_pending);
static DEFINE_SPINLOCK(lvd_netdev_pending_lock);

static void lvd_netdev_setup_pending(struct net_device *dev)
{
	struct lvd_netdev_pending *p, *found = NULL;

	spin_lock(&lvd_netdev_pending_lock);
	list_for_each_entry(p, &lvd_netdev_pending, node)
		if (p->task == current)
			found = p;
	spin_unlock(&lvd_netdev_pending_lock);
	if (WARN_ON_ONCE(!found))
		dev->netdev_ops = &lvd_net_refused_ops;
	else
		lvd_netdev_setup(dev, found->s);
}

/*
 * A device set up by @s, of @txqs and @rxqs queues (checked): its shadow,
 * or 0
 */
static unsigned long lvd_netdev_alloc(const struct lvd_netdev_setup *s,
				      const char *name, unsigned char assign,
				      unsigned long txqs, unsigned long rxqs)
{
	struct lvd_netdev_pending p = { .task = current, .s = s };
	struct net_device *dev;
	struct lvd_netdev *nd;

	if (s->priv_size > LVD_NETDEV_MAX_PRIV ||
	    txqs < 1 || txqs > LVD_NETDEV_MAX_QUEUES ||
	    rxqs < 1 || rxqs > LVD_NETDEV_MAX_QUEUES) {
		pr_warn("%s: a device with a private area of %zu bytes, %lu and %lu queues refused\n",
			lvd_domain_name(s->d), s->priv_size, txqs, rxqs);
		return 0;
	}
	spin_lock(&lvd_netdev_pending_lock);
	list_add(&p.node, &lvd_netdev_pending);
	spin_unlock(&lvd_netdev_pending_lock);
	dev = alloc_netdev_mqs(sizeof(*nd), name, assign,
			       lvd_netdev_setup_pending, txqs, rxqs);
	spin_lock(&lvd_netdev_pending_lock);
	list_del(&p.node);
	spin_unlock(&lvd_netdev_pending_lock);
	if (!dev)
		return 0;
	nd = netdev_priv(dev);
	if (!nd->shadow || lvd_txq_alloc(nd)) {
		if (nd->shadow)
			lvd_netdev_forget(nd);
		free_netdev(dev);
		return 0;
	}
	lvd_netdev_sync_in(nd);
	return nd->shadow;
}

/* alloc_netdev_mqs(sizeof_priv, name, name_assign_type, setup, txqs, rxqs) */
static unsigned long lvd_glue_alloc_netdev(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev_setup s = { .d = d, .priv_size = args[0] };
	char name[IFNAMSIZ];

	if (args[2] > NET_NAME_RENAMED ||
	    lvd_domain_copy_string(d, name, args[1], sizeof(name)) < 0 ||
	    lvd_domain_fn_bind(&s.fn, d, args[3])) {
		pr_warn("%s: alloc_netdev_mqs() refused: a bad name or setup\n",
			lvd_domain_name(d));
		return 0;
	}
	return lvd_netdev_alloc(&s, name, args[2], args[4], args[5]);
}

/* alloc_etherdev_mqs(sizeof_priv, txqs, rxqs): ether_setup() sets it up */
static unsigned long lvd_glue_alloc_etherdev_mqs(struct lvd_domain *d,
						 const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev_setup s = {
		.d = d, .priv_size = args[0], .ether = true,
	};

	return lvd_netdev_alloc(&s, "eth%d", NET_NAME_ENUM, args[1], args[2]);
}

/* free_netdev(dev): of a device never registered, or unregistered */
static unsigned long lvd_glue_free_netdev(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev *nd = lvd_netdev_find(d, args[0]);
	struct net_device *dev;

	if (!nd || (nd->dev->reg_state != NETREG_UNINITIALIZED &&
		    nd->dev->reg_state != NETREG_UNREGISTERED)) {
		pr_warn_ratelimited("%s: free_netdev() of %#lx refused\n",
				    lvd_domain_name(d), args[0]);
		return 0;
	}
	dev = nd->dev;
	lvd_netdev_forget(nd);
	free_netdev(dev);
	return 0;
}

/* register_netdevice(dev), under rtnl_lock() the driver took */
static unsigned long lvd_glue_register_netdevice(struct lvd_domain *d,
						 const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev *nd = lvd_netdev_find(d, args[0]);
	int err;

	if (!nd || nd->setup_done)
		err = -EINVAL;
	else if (!lvd_rtnl_held_by(d))
		err = -EPERM;
	else
		err = 0;
	if (!err) {
		lvd_netdev_sync_out(nd);
		err = register_netdevice(nd->dev);
		lvd_netdev_sync_in(nd);
	}
	if (err)
		pr_warn("%s: register_netdevice(%#lx): %d%s\n", lvd_domain_name(d),
			args[0], err, err == -EPERM ? ", without rtnl_lock()" : "");
	return err;
}

/* register_netdev(dev): rtnl_lock() taken for the driver */
static unsigned long lvd_glue_register_netdev(struct lvd_domain *d,
					      const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev *nd = lvd_netdev_find(d, args[0]);
	int err;

	if (!nd || nd->setup_done)
		err = -EINVAL;
	else if (!lvd_rtnl_may_take(d, "register_netdev()"))
		err = -EDEADLK;
	else
		err = 0;
	if (!err) {
		rtnl_lock();
		lvd_netdev_sync_out(nd);
		err = register_netdevice(nd->dev);
		lvd_netdev_sync_in(nd);
		rtnl_unlock();
	}
	if (err)
		pr_warn("%s: register_netdev(%#lx): %d\n", lvd_domain_name(d),
			args[0], err);
	return err;
}

/* unregister_netdev(dev): of a device it registered */
static unsigned long lvd_glue_unregister_netdev(struct lvd_domain *d,
						const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev *nd = lvd_netdev_find(d, args[0]);

	if (!nd || nd->from_link || nd->dev->reg_state != NETREG_REGISTERED ||
	    !lvd_rtnl_may_take(d, "unregister_netdev()")) {
		pr_warn_ratelimited("%s: unregister_netdev(%#lx) refused\n",
				    lvd_domain_name(d), args[0]);
		return 0;
	}
	unregister_netdev(nd->dev);
	return 0;
}

/* netif_device_attach() and _detach(): the shadow and queues follow */
static void lvd_net_device_present(struct lvd_netdev *nd, bool present)
{
	if (present)
		netif_device_attach(nd->dev);
	else
		netif_device_detach(nd->dev);
	((struct net_device *)nd->shadow)->state = nd->dev->state;
	lvd_txq_sync(nd);
}

static void lvd_net_device_attach(struct lvd_domain *d, struct lvd_netdev *nd)
{
	lvd_net_device_present(nd, true);
}

static void lvd_net_device_detach(struct lvd_domain *d, struct lvd_netdev *nd)
{
	lvd_net_device_present(nd, false);
}

/* netdev_err(dev, fmt, ...) and its kin: named as the kernel names it */
static long lvd_netdev_printk(struct lvd_domain *d, int level,
			      const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev *nd = lvd_netdev_find(d, args[0]);
	char who[80];

	if (nd && nd->parent)
		snprintf(who, sizeof(who), "%s %s %s", lvd_domain_name(d),
			 dev_name(nd->parent), netdev_name(nd->dev));
	else if (nd)
		snprintf(who, sizeof(who), "%s %s", lvd_domain_name(d),
			 netdev_name(nd->dev));
	return lvd_glue_dev_printk(d, level, nd ? who : NULL, args[1],
				   args + 2, LVD_DOMAIN_ARGS - 2);
}

static unsigned long lvd_glue_netdev_err(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_netdev_printk(d, '3', args);
}

static unsigned long lvd_glue_netdev_warn(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_netdev_printk(d, '4', args);
}

static unsigned long lvd_glue_netdev_info(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_netdev_printk(d, '6', args);
}

/* net_ratelimit() */
static unsigned long lvd_glue_net_ratelimit(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS])
{
	return net_ratelimit();
}

/* ether_setup(dev), while the device is set up */
static unsigned long lvd_glue_ether_setup(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev *nd = lvd_netdev_find(d, args[0]);

	if (nd && !nd->setup_done) {
		lvd_netdev_sync_out(nd);	/* what it set before, which may go */
		ether_setup(nd->dev);
		lvd_netdev_sync_in(nd);
	}
	return 0;
}

/* dev_addr_mod(dev, offset, addr, len): within the device's address */
static unsigned long lvd_glue_dev_addr_mod(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev *nd = lvd_netdev_find(d, args[0]);
	unsigned long offset = args[1], len = args[3];
	u8 addr[MAX_ADDR_LEN];

	if (!nd || offset > nd->dev->addr_len ||
	    len > nd->dev->addr_len - offset ||
	    lvd_domain_copy_from(d, addr, args[2], len))
		return 0;
	/* The address list changes under rtnl_lock(), once registered */
	if (nd->setup_done && !lvd_rtnl_held_by(d))
		return 0;
	lvd_netdev_sync_out(nd);
	dev_addr_mod(nd->dev, offset, addr, len);
	lvd_netdev_sync_in(nd);
	return 0;
}

/* A device of the domain's, named by its shadow: for lvd_net.lvd */
static struct lvd_netdev *lvd_netdev_lookup(struct lvd_domain *d,
					    unsigned long shadow)
{
	return lvd_netdev_find(d, shadow) ?: ERR_PTR(-ENODEV);
}

/* netif_carrier_on() or _off() of a registered device; the shadow sees it */
static void lvd_net_carrier(struct lvd_netdev *nd, bool on)
{
	if (nd->dev->reg_state != NETREG_REGISTERED)
		return;
	if (on)
		netif_carrier_on(nd->dev);
	else
		netif_carrier_off(nd->dev);
	((struct net_device *)nd->shadow)->state = nd->dev->state;
}

static void lvd_net_carrier_on(struct lvd_domain *d, struct lvd_netdev *nd)
{
	lvd_net_carrier(nd, true);
}

static void lvd_net_carrier_off(struct lvd_domain *d, struct lvd_netdev *nd)
{
	lvd_net_carrier(nd, false);
}

/*
 * dev_lstats_read(dev, &packets, &bytes): the sums of the domain's
 * per-CPU statistics for the device, which the glue allocated
 */
static unsigned long lvd_glue_dev_lstats_read(struct lvd_domain *d,
					      const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev *nd = lvd_netdev_find(d, args[0]);
	u64 packets = 0, bytes = 0;
	struct pcpu_lstats *st;
	unsigned int cpu;

	if (!nd || nd->dev->pcpu_stat_type != NETDEV_PCPU_STAT_LSTATS)
		return 0;
	for_each_possible_cpu(cpu) {
		st = lvd_domain_percpu_ptr(d, nd->stats, sizeof(*st), cpu);
		if (!st)
			return 0;
		packets += u64_stats_read(&st->packets);
		bytes += u64_stats_read(&st->bytes);
	}
	lvd_domain_copy_to(d, args[1], &packets, sizeof(packets));
	lvd_domain_copy_to(d, args[2], &bytes, sizeof(bytes));
	return 0;
}

/*
 * Kernel functions a driver may also put in its ops tables, where the
 * glue puts the kernel's own (lvd_netdev_ops.c): called directly by the
 * driver, they act on the kernel's device.
 */

/* eth_validate_addr(dev) */
unsigned long lvd_glue_eth_validate_addr(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev *nd = lvd_netdev_find(d, args[0]);

	return nd ? eth_validate_addr(nd->dev) : -ENODEV;
}

/* eth_mac_addr(dev, sockaddr), under rtnl_lock() the driver took */
unsigned long lvd_glue_eth_mac_addr(struct lvd_domain *d,
				    const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev *nd = lvd_netdev_find(d, args[0]);
	struct sockaddr sa;
	int err;

	if (!nd)
		return -ENODEV;
	if (!lvd_rtnl_held_by(d))
		return -EPERM;
	if (lvd_domain_copy_from(d, &sa, args[1], sizeof(sa)))
		return -EFAULT;
	lvd_netdev_sync_out(nd);
	err = eth_mac_addr(nd->dev, &sa);
	lvd_netdev_sync_in(nd);
	return err;
}

/* ethtool_op_get_ts_info(dev, info) */
unsigned long lvd_glue_ethtool_op_get_ts_info(struct lvd_domain *d,
					      const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev *nd = lvd_netdev_find(d, args[0]);
	struct kernel_ethtool_ts_info info = {};
	int err;

	if (!nd)
		return -ENODEV;
	err = ethtool_op_get_ts_info(nd->dev, &info);
	if (!err && lvd_domain_copy_to(d, args[1], &info, sizeof(info)))
		err = -EFAULT;
	return err;
}

/*
 * The driver's domain goes away (its exit function ran, or could not):
 * nothing of it stays in the kernel. Its link kinds go first, with the
 * devices made of them; then the devices it made itself; then the
 * packets it still holds, and the kernel copies of its ops.
 */
static void lvd_net_release(struct lvd_domain *d)
{
	struct lvd_net_domain *nd;
	struct lvd_netdev *dev;
	unsigned long flags;

	lvd_rtnl_release(d);
	nd = lvd_net_domain_find(d);
	if (!nd)
		return;
	for (;;) {
		spin_lock_irqsave(&lvd_net_lock, flags);
		dev = list_first_entry_or_null(&nd->devs, struct lvd_netdev,
					       node);
		spin_unlock_irqrestore(&lvd_net_lock, flags);
		if (!dev)
			break;
		pr_warn("%s: its device %s outlives it: removed\n",
			lvd_domain_name(d), dev->dev->name);
		if (dev->dev->reg_state == NETREG_REGISTERED) {
			/* A device the kernel frees itself is forgotten then */
			dev->dev->needs_free_netdev = true;
			unregister_netdev(dev->dev);
		} else {
			struct net_device *kdev = dev->dev;

			lvd_netdev_forget(dev);
			free_netdev(kdev);
		}
	}
	lvd_skb_release(nd);
	lvd_net_ops_release(nd);
	spin_lock_irqsave(&lvd_net_lock, flags);
	list_del(&nd->node);
	spin_unlock_irqrestore(&lvd_net_lock, flags);
	kfree(nd);
}

/*
 * The glue table and set (lvd_net_glue_set), and the handlers of the rpcs
 * with an implementation, generated from lvd_net.lvd
 */
#include "lvd_net_idl.c"

static int __init lvd_net_glue_init(void)
{
	return lvd_glue_register(&lvd_net_glue_set);
}
late_initcall(lvd_net_glue_init);
