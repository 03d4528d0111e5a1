// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's netdev glue: an isolated driver's net_device_ops and ethtool_ops.
 *
 * The driver's tables are its memory. The kernel copies each once, when a
 * device is set up with it, into a kernel table of its own: each function
 * of the driver's is bound (lvd_domain_fn_bind()) and the kernel table
 * points at a trampoline here that calls it in the domain with the
 * device's shadow; a kernel function the driver put in its table (its
 * import's stub, eth_validate_addr say) becomes the kernel's own. A table
 * with anything else (an operation the glue does not carry yet, a
 * function of neither kind) is refused, and so is the device: it will not
 * register.
 */

#define pr_fmt(fmt) "lvd: net: " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <lvd/domain.h>
#include <lvd/glue.h>
#include "lvd_net.h"

/* The driver functions the kernel table may call */
enum lvd_ndo {
	LVD_NDO_INIT,
	LVD_NDO_UNINIT,
	LVD_NDO_OPEN,
	LVD_NDO_STOP,
	LVD_NDO_START_XMIT,
	LVD_NDO_SET_RX_MODE,
	LVD_NDO_GET_STATS64,
	LVD_NDO_CHANGE_CARRIER,
	LVD_NDO_CHANGE_MTU,
	LVD_NDO_COUNT
};

/* Room for the kernel's tables, in words */
#define LVD_NDO_WORDS \
	DIV_ROUND_UP(sizeof(const struct net_device_ops), sizeof(long))
#define LVD_ETHTOOL_WORDS \
	DIV_ROUND_UP(sizeof(const struct ethtool_ops), sizeof(long))

/**
 * struct lvd_net_ops - the kernel copy of a driver's ops tables
 * @node: on its domain's list
 * @dom_netdev_ops: the driver's net_device_ops
 * @dom_ethtool_ops: the driver's ethtool_ops, or 0
 * @kops: the kernel's net_device_ops for its devices, in @kops_mem
 * @keth: the kernel's ethtool_ops for them, in @keth_mem
 * @kops_mem: room for @kops, filled once, through lvd_ndo_slot()
 * @keth_mem: room for @keth, the same
 * @fn: the driver's functions, bound (unset: the driver has none)
 */
struct lvd_net_ops {
	struct list_head node;
	unsigned long dom_netdev_ops;
	unsigned long dom_ethtool_ops;
	const struct net_device_ops *kops;
	const struct ethtool_ops *keth;
	unsigned long kops_mem[LVD_NDO_WORDS];
	unsigned long keth_mem[LVD_ETHTOOL_WORDS];
	struct lvd_domain_fn fn[LVD_NDO_COUNT];
};

/*
 * Tasks in a driver's callback that the kernel may make under its locks
 * (rtnl_lock(), pernet_ops_rwsem): the lock glue refuses them the same
 * locks, which they would wait for forever.
 */
struct lvd_net_callback {
	struct list_head node;
	struct task_struct *task;
};

static LIST_HEAD(lvd_net_callbacks);
static DEFINE_SPINLOCK(lvd_net_callbacks_lock);

static void lvd_net_callback_enter(struct lvd_net_callback *cb)
{
	cb->task = current;
	spin_lock(&lvd_net_callbacks_lock);
	list_add(&cb->node, &lvd_net_callbacks);
	spin_unlock(&lvd_net_callbacks_lock);
}

static void lvd_net_callback_leave(struct lvd_net_callback *cb)
{
	spin_lock(&lvd_net_callbacks_lock);
	list_del(&cb->node);
	spin_unlock(&lvd_net_callbacks_lock);
}

/**
 * lvd_net_in_callback() - is the current task in a driver callback the
 * kernel may make holding rtnl_lock()?
 *
 * Return: true when it is.
 */
bool lvd_net_in_callback(void)
{
	struct lvd_net_callback *cb;
	bool in = false;

	spin_lock(&lvd_net_callbacks_lock);
	list_for_each_entry(cb, &lvd_net_callbacks, node)
		if (cb->task == current) {
			in = true;
			break;
		}
	spin_unlock(&lvd_net_callbacks_lock);
	return in;
}

/**
 * lvd_net_fn_call() - call a driver's callback, which the kernel may make
 * holding rtnl_lock()
 * @fn: the driver's function, bound
 * @args: its arguments
 * @ret: where its result goes
 *
 * Return: 0, or the error of lvd_domain_fn_call().
 */
int lvd_net_fn_call(const struct lvd_domain_fn *fn,
		    const unsigned long args[LVD_DOMAIN_ARGS], unsigned long *ret)
{
	struct lvd_net_callback cb;
	bool task = preemptible();
	int err;

	if (task)
		lvd_net_callback_enter(&cb);
	err = lvd_domain_fn_call(fn, args, ret);
	if (task)
		lvd_net_callback_leave(&cb);
	return err;
}

/*
 * Call the driver's @which for @dev with the shadow and @arg; its result
 * in @ret. Returns 0, -ENOENT when the driver has none, or the error of
 * the call (the domain stopped).
 */
static int lvd_ndo_call(struct net_device *dev, enum lvd_ndo which,
			unsigned long arg, unsigned long *ret)
{
	struct lvd_netdev *nd = netdev_priv(dev);
	unsigned long args[LVD_DOMAIN_ARGS] = { nd->shadow, arg };

	if (!nd->ops || !nd->ops->fn[which].d)
		return -ENOENT;
	return lvd_net_fn_call(&nd->ops->fn[which], args, ret);
}

/*
 * A control operation: the shadow brought up to date, the driver called,
 * and what it may set (while the device is set up) taken from the shadow.
 */
static int lvd_ndo_control(struct net_device *dev, enum lvd_ndo which,
			   unsigned long arg)
{
	struct lvd_netdev *nd = netdev_priv(dev);
	unsigned long ret;
	int err;

	lvd_netdev_sync_in(nd);
	err = lvd_ndo_call(dev, which, arg, &ret);
	if (err == -ENOENT)
		return 0;
	if (!err)
		lvd_netdev_sync_out(nd);
	return err ?: (int)ret;
}

/* Per-CPU statistics of the kind the driver chose, in its domain */
static int lvd_ndo_alloc_stats(struct lvd_netdev *nd)
{
	static const size_t size[] = {
		[NETDEV_PCPU_STAT_LSTATS] = sizeof(struct pcpu_lstats),
		[NETDEV_PCPU_STAT_TSTATS] = sizeof(struct pcpu_sw_netstats),
		[NETDEV_PCPU_STAT_DSTATS] = sizeof(struct pcpu_dstats),
	};
	unsigned int type = nd->dev->pcpu_stat_type;

	if (type == NETDEV_PCPU_STAT_NONE || nd->stats)
		return 0;
	nd->stats = lvd_domain_percpu_alloc(nd->nd->d, size[type]);
	return nd->stats ? 0 : -ENOMEM;
}

/*
 * ndo_init, for every device of the glue's: a device that rtnetlink made
 * becomes the domain's to name again; the driver's ndo_init is its last
 * chance to set the device up.
 */
static int lvd_ndo_init(struct net_device *dev)
{
	struct lvd_netdev *nd = netdev_priv(dev);
	int err;

	if (!nd->shadow)
		return -ENODEV;
	lvd_netdev_attach(nd);
	err = lvd_ndo_control(dev, LVD_NDO_INIT, 0);
	if (err)
		return err;
	if (dev->netdev_ops == &lvd_net_refused_ops)
		return -EOPNOTSUPP;
	nd->setup_done = true;
	err = lvd_ndo_alloc_stats(nd) ?: lvd_skb_slots_get(nd->nd);
	lvd_netdev_sync_in(nd);
	return err;
}

static void lvd_ndo_uninit(struct net_device *dev)
{
	lvd_ndo_control(dev, LVD_NDO_UNINIT, 0);
}

static int lvd_ndo_open(struct net_device *dev)
{
	return lvd_ndo_control(dev, LVD_NDO_OPEN, 0);
}

static int lvd_ndo_stop(struct net_device *dev)
{
	return lvd_ndo_control(dev, LVD_NDO_STOP, 0);
}

static netdev_tx_t lvd_ndo_start_xmit(struct sk_buff *skb,
				      struct net_device *dev)
{
	struct lvd_netdev *nd = netdev_priv(dev);

	return lvd_skb_xmit(nd, &nd->ops->fn[LVD_NDO_START_XMIT], skb);
}

static void lvd_ndo_set_rx_mode(struct net_device *dev)
{
	lvd_ndo_control(dev, LVD_NDO_SET_RX_MODE, 0);
}

/* The driver fills statistics of its own, which the kernel then copies */
static void lvd_ndo_get_stats64(struct net_device *dev,
				struct rtnl_link_stats64 *stats)
{
	struct lvd_netdev *nd = netdev_priv(dev);
	unsigned long room, ret;

	room = lvd_domain_alloc(nd->nd->d, sizeof(*stats));
	if (!room)
		return;
	if (!lvd_ndo_call(dev, LVD_NDO_GET_STATS64, room, &ret))
		memcpy(stats, (void *)room, sizeof(*stats));
	lvd_domain_free(nd->nd->d, room);
}

static int lvd_ndo_change_carrier(struct net_device *dev, bool new_carrier)
{
	return lvd_ndo_control(dev, LVD_NDO_CHANGE_CARRIER, new_carrier);
}

/* The driver may take the new MTU, and nothing else */
static int lvd_ndo_change_mtu(struct net_device *dev, int new_mtu)
{
	struct lvd_netdev *nd = netdev_priv(dev);
	int err = lvd_ndo_control(dev, LVD_NDO_CHANGE_MTU, new_mtu);

	if (!err && READ_ONCE(((struct net_device *)nd->shadow)->mtu) == new_mtu)
		WRITE_ONCE(dev->mtu, new_mtu);
	return err;
}

static int lvd_ndo_refused_init(struct net_device *dev)
{
	pr_err("%s: not registered: its driver set it up without net_device_ops LVD can carry\n",
	       dev->name);
	return -EOPNOTSUPP;
}

/* A device whose driver's setup failed or was refused: it never registers */
const struct net_device_ops lvd_net_refused_ops = {
	.ndo_init = lvd_ndo_refused_init,
};

/* A driver without ethtool_ops: the kernel's defaults */
static const struct ethtool_ops lvd_net_no_ethtool_ops;

/* A driver function the kernel table may call, through a trampoline */
struct lvd_ndo_fn {
	size_t off;
	enum lvd_ndo which;
	const void *trampoline;
};

/* A kernel function the driver may put in a table: its import's glue */
struct lvd_ndo_kfn {
	size_t off;
	lvd_kcall_fn glue;
	const void *kfn;
};

#define LVD_NDO(member, which, tramp) \
	{ offsetof(const struct net_device_ops, member), which, tramp }

static const struct lvd_ndo_fn lvd_ndo_fns[] = {
	LVD_NDO(ndo_init, LVD_NDO_INIT, lvd_ndo_init),
	LVD_NDO(ndo_uninit, LVD_NDO_UNINIT, lvd_ndo_uninit),
	LVD_NDO(ndo_open, LVD_NDO_OPEN, lvd_ndo_open),
	LVD_NDO(ndo_stop, LVD_NDO_STOP, lvd_ndo_stop),
	LVD_NDO(ndo_start_xmit, LVD_NDO_START_XMIT, lvd_ndo_start_xmit),
	LVD_NDO(ndo_set_rx_mode, LVD_NDO_SET_RX_MODE, lvd_ndo_set_rx_mode),
	LVD_NDO(ndo_get_stats64, LVD_NDO_GET_STATS64, lvd_ndo_get_stats64),
	LVD_NDO(ndo_change_carrier, LVD_NDO_CHANGE_CARRIER,
		lvd_ndo_change_carrier),
	LVD_NDO(ndo_change_mtu, LVD_NDO_CHANGE_MTU, lvd_ndo_change_mtu),
};

static const struct lvd_ndo_kfn lvd_ndo_kfns[] = {
	{ offsetof(const struct net_device_ops, ndo_validate_addr),
	  lvd_glue_eth_validate_addr, eth_validate_addr },
	{ offsetof(const struct net_device_ops, ndo_set_mac_address),
	  lvd_glue_eth_mac_addr, eth_mac_addr },
};

static const struct lvd_ndo_kfn lvd_ethtool_kfns[] = {
	{ offsetof(const struct ethtool_ops, get_ts_info),
	  lvd_glue_ethtool_op_get_ts_info, ethtool_op_get_ts_info },
};

/* The function pointer at @off in a table */
static const void **lvd_ndo_slot(void *table, size_t off)
{
	return (const void **)(table + off);
}

/*
 * Move the kernel functions of @kfns the driver put in its table @dom into
 * the kernel's @ktbl, emptying their places in @dom.
 */
static int lvd_ndo_take_kfns(struct lvd_domain *d, void *dom, void *ktbl,
			     const struct lvd_ndo_kfn *kfns, unsigned int n)
{
	const void **slot;
	unsigned int i;

	for (i = 0; i < n; i++) {
		slot = lvd_ndo_slot(dom, kfns[i].off);
		if (!*slot)
			continue;
		if (lvd_glue_kcall_at(d, (unsigned long)*slot) != kfns[i].glue)
			return -EINVAL;
		*lvd_ndo_slot(ktbl, kfns[i].off) = kfns[i].kfn;
		*slot = NULL;
	}
	return 0;
}

/*
 * @t: the driver's net_device_ops, copied (not const: what is carried is
 * emptied from it, and anything left is refused)
 */
static int lvd_net_netdev_ops(struct lvd_net_ops *o, struct lvd_domain *d,
			      void *t)
{
	const void **slot;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_ndo_fns); i++) {
		slot = lvd_ndo_slot(t, lvd_ndo_fns[i].off);
		if (!*slot)
			continue;
		if (lvd_domain_fn_bind(&o->fn[lvd_ndo_fns[i].which], d,
				       (unsigned long)*slot))
			return -EINVAL;
		*lvd_ndo_slot(o->kops_mem, lvd_ndo_fns[i].off) =
			lvd_ndo_fns[i].trampoline;
		*slot = NULL;
	}
	if (lvd_ndo_take_kfns(d, t, o->kops_mem, lvd_ndo_kfns,
			      ARRAY_SIZE(lvd_ndo_kfns)))
		return -EINVAL;
	/* Every device of the glue's has these two */
	*lvd_ndo_slot(o->kops_mem, offsetof(const struct net_device_ops,
					    ndo_init)) = lvd_ndo_init;
	*lvd_ndo_slot(o->kops_mem, offsetof(const struct net_device_ops,
					    ndo_uninit)) = lvd_ndo_uninit;
	/* The driver's own start_xmit is the one operation a device needs */
	if (!o->fn[LVD_NDO_START_XMIT].d)
		return -EINVAL;
	return memchr_inv(t, 0, sizeof(o->kops_mem)) ? -EOPNOTSUPP : 0;
}

/* @t: the driver's ethtool_ops, copied, emptied as above */
static int lvd_net_ethtool_ops(struct lvd_net_ops *o, struct lvd_domain *d,
			       void *t)
{
	if (lvd_ndo_take_kfns(d, t, o->keth_mem, lvd_ethtool_kfns,
			      ARRAY_SIZE(lvd_ethtool_kfns)))
		return -EINVAL;
	return memchr_inv(t, 0, sizeof(o->keth_mem)) ? -EOPNOTSUPP : 0;
}

static DEFINE_MUTEX(lvd_net_ops_lock);	/* protects the domains' ops lists */

/* The kernel copy of a pair of the driver's tables, made if need be */
static struct lvd_net_ops *lvd_net_ops_get(struct lvd_net_domain *nd,
					   unsigned long dom_netdev_ops,
					   unsigned long dom_ethtool_ops)
{
	struct lvd_net_ops *o;
	void *ndo = NULL, *eth = NULL;
	int err = -EFAULT;

	lockdep_assert_held(&lvd_net_ops_lock);
	list_for_each_entry(o, &nd->ops, node)
		if (o->dom_netdev_ops == dom_netdev_ops &&
		    o->dom_ethtool_ops == dom_ethtool_ops)
			return o;
	o = kzalloc(sizeof(*o), GFP_KERNEL);
	ndo = kzalloc(sizeof(o->kops_mem), GFP_KERNEL);
	eth = kzalloc(sizeof(o->keth_mem), GFP_KERNEL);
	if (!o || !ndo || !eth) {
		err = -ENOMEM;
		goto fail;
	}
	o->kops = (const struct net_device_ops *)o->kops_mem;
	o->keth = (const struct ethtool_ops *)o->keth_mem;
	if (lvd_domain_copy_from(nd->d, ndo, dom_netdev_ops,
				 sizeof(const struct net_device_ops)) ||
	    (dom_ethtool_ops &&
	     lvd_domain_copy_from(nd->d, eth, dom_ethtool_ops,
				  sizeof(const struct ethtool_ops))))
		goto fail;
	err = lvd_net_netdev_ops(o, nd->d, ndo);
	if (!err)
		err = lvd_net_ethtool_ops(o, nd->d, eth);
	if (err)
		goto fail;
	kfree(ndo);
	kfree(eth);
	o->dom_netdev_ops = dom_netdev_ops;
	o->dom_ethtool_ops = dom_ethtool_ops;
	list_add(&o->node, &nd->ops);
	return o;
fail:
	pr_err("%s: its ops tables at %#lx and %#lx are refused (%d): an operation LVD does not carry, or not a function of its own\n",
	       lvd_domain_name(nd->d), dom_netdev_ops, dom_ethtool_ops, err);
	kfree(o);
	kfree(ndo);
	kfree(eth);
	return NULL;
}

/**
 * lvd_net_ops_bind() - give a device the kernel copy of its driver's ops
 * @nd: the device's record, while its driver sets it up
 * @dom_netdev_ops: the driver's net_device_ops
 * @dom_ethtool_ops: the driver's ethtool_ops, or 0
 *
 * Context: the driver's setup or ndo_init, or a glue call that may sleep.
 * Return: 0, or an error, when the device gets ops that refuse to
 * register it.
 */
int lvd_net_ops_bind(struct lvd_netdev *nd, unsigned long dom_netdev_ops,
		     unsigned long dom_ethtool_ops)
{
	struct net_device *dev = nd->dev;
	struct lvd_net_ops *o = NULL;

	if (dom_netdev_ops) {
		mutex_lock(&lvd_net_ops_lock);
		o = lvd_net_ops_get(nd->nd, dom_netdev_ops, dom_ethtool_ops);
		mutex_unlock(&lvd_net_ops_lock);
	}
	nd->ops = o;
	nd->dom_netdev_ops = o ? dom_netdev_ops : 0;
	nd->dom_ethtool_ops = o ? dom_ethtool_ops : 0;
	dev->netdev_ops = o ? o->kops : &lvd_net_refused_ops;
	dev->ethtool_ops = o && dom_ethtool_ops ? o->keth :
			   &lvd_net_no_ethtool_ops;
	return o ? 0 : -EINVAL;
}

/**
 * lvd_net_ops_release() - free a domain's kernel copies of its ops
 * @nd: the domain's record, which has no device left
 */
void lvd_net_ops_release(struct lvd_net_domain *nd)
{
	struct lvd_net_ops *o, *next;

	list_for_each_entry_safe(o, next, &nd->ops, node) {
		list_del(&o->node);
		kfree(o);
	}
}
