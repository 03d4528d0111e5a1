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
	bool rtnl;
};

static LIST_HEAD(lvd_net_callbacks);
static DEFINE_SPINLOCK(lvd_net_callbacks_lock);

static void lvd_net_callback_enter(struct lvd_net_callback *cb, bool rtnl)
{
	cb->task = current;
	cb->rtnl = rtnl;
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

/* Is the current task in a callback (under rtnl_lock(), if @rtnl)? */
static bool lvd_net_callback_of_current(bool rtnl)
{
	struct lvd_net_callback *cb;
	bool in = false;

	if (!preemptible())
		return false;
	spin_lock(&lvd_net_callbacks_lock);
	list_for_each_entry(cb, &lvd_net_callbacks, node)
		if (cb->task == current && (cb->rtnl || !rtnl)) {
			in = true;
			break;
		}
	spin_unlock(&lvd_net_callbacks_lock);
	return in;
}

/**
 * lvd_net_in_callback() - is the current task in a driver callback the
 * kernel may make holding rtnl_lock()?
 *
 * Return: true when it is.
 */
bool lvd_net_in_callback(void)
{
	return lvd_net_callback_of_current(false);
}

/**
 * lvd_net_in_rtnl_callback() - is the current task in a driver callback
 * the kernel makes holding rtnl_lock()?
 *
 * Return: true when it is.
 */
bool lvd_net_in_rtnl_callback(void)
{
	return lvd_net_callback_of_current(true);
}

static int lvd_net_call(const struct lvd_domain_fn *fn,
			const unsigned long args[LVD_DOMAIN_ARGS],
			unsigned long *ret, bool rtnl);

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
	return lvd_net_call(fn, args, ret, false);
}

/* A callback, which the kernel makes under rtnl_lock() if @rtnl */
static int lvd_net_call(const struct lvd_domain_fn *fn,
			const unsigned long args[LVD_DOMAIN_ARGS],
			unsigned long *ret, bool rtnl)
{
	struct lvd_net_callback cb;
	bool task = preemptible();
	int err;

	if (task)
		lvd_net_callback_enter(&cb, rtnl);
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
	unsigned long args[LVD_DOMAIN_ARGS] = { 0, arg };

	return lvd_ndo_callv(dev, which, args, ret);
}

/* The operations the kernel calls without rtnl_lock() */
#define LVD_NDO_NO_RTNL	(BIT_ULL(LVD_NDO_START_XMIT) | \
			 BIT_ULL(LVD_NDO_SET_RX_MODE) | \
			 BIT_ULL(LVD_NDO_GET_STATS64) | \
			 BIT_ULL(LVD_NDO_TX_TIMEOUT))

/**
 * lvd_ndo_callv() - call a driver's operation on a device
 * @dev: the device
 * @which: the operation
 * @args: its arguments, the first of which becomes the device's shadow
 * @ret: where its result goes
 *
 * Return: 0, -ENOENT when the driver has no such operation, or the error
 * of the call (the domain stopped).
 */
int lvd_ndo_callv(struct net_device *dev, enum lvd_ndo which,
		  unsigned long args[LVD_DOMAIN_ARGS], unsigned long *ret)
{
	struct lvd_netdev *nd = netdev_priv(dev);

	if (!nd->ops || !nd->ops->fn[which].d)
		return -ENOENT;
	args[0] = nd->shadow;
	return lvd_net_call(&nd->ops->fn[which], args, ret,
			    !(BIT_ULL(which) & LVD_NDO_NO_RTNL));
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
	else if (nd->setup_done)
		lvd_netdev_stopped(nd);
	lvd_txq_sync(nd);
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
	if (!err && !nd->txqs)
		err = lvd_txq_alloc(nd);
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

static void lvd_ndo_tx_timeout(struct net_device *dev, unsigned int txqueue)
{
	lvd_ndo_control(dev, LVD_NDO_TX_TIMEOUT, txqueue);
}

/*
 * Room in the domain for a copy of @size bytes at @buf: its address, or 0.
 * lvd_ndo_room_put() copies it back (if @buf) and frees it.
 */
unsigned long lvd_ndo_room(struct net_device *dev, const void *buf, size_t size)
{
	struct lvd_netdev *nd = netdev_priv(dev);
	unsigned long room = lvd_domain_alloc(nd->nd->d, size);

	if (room && buf)
		memcpy((void *)room, buf, size);
	return room;
}

void lvd_ndo_room_put(struct net_device *dev, unsigned long room, void *buf,
		      size_t size)
{
	struct lvd_netdev *nd = netdev_priv(dev);

	if (buf)
		memcpy(buf, (void *)room, size);
	lvd_domain_free(nd->nd->d, room);
}

/* The driver's own: it sets the address with eth_hw_addr_set() */
static int lvd_ndo_set_mac_address(struct net_device *dev, void *addr)
{
	unsigned long room = lvd_ndo_room(dev, addr, sizeof(struct sockaddr));
	int err;

	if (!room)
		return -ENOMEM;
	err = lvd_ndo_control(dev, LVD_NDO_SET_MAC_ADDRESS, room);
	lvd_ndo_room_put(dev, room, NULL, 0);
	return err;
}

/* MII registers: the request is copied in and its answer out */
static int lvd_ndo_eth_ioctl(struct net_device *dev, struct ifreq *ifr, int cmd)
{
	unsigned long args[LVD_DOMAIN_ARGS] = {}, room, ret;
	struct lvd_netdev *nd = netdev_priv(dev);
	struct ifreq copy;
	int err;

	if (cmd != SIOCGMIIPHY && cmd != SIOCGMIIREG && cmd != SIOCSMIIREG)
		return -EOPNOTSUPP;
	room = lvd_ndo_room(dev, ifr, sizeof(*ifr));
	if (!room)
		return -ENOMEM;
	args[1] = room;
	args[2] = cmd;
	lvd_netdev_sync_in(nd);
	err = lvd_ndo_callv(dev, LVD_NDO_ETH_IOCTL, args, &ret);
	lvd_ndo_room_put(dev, room, &copy, sizeof(copy));
	if (err)
		return err == -ENOENT ? -EOPNOTSUPP : err;
	memcpy(&ifr->ifr_ifru, &copy.ifr_ifru, sizeof(ifr->ifr_ifru));
	return (int)ret;
}

static int lvd_ndo_vlan_rx_vid(struct net_device *dev, enum lvd_ndo which,
			       __be16 proto, u16 vid)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { 0, (__force u16)proto, vid };
	unsigned long ret;
	int err;

	lvd_netdev_sync_in(netdev_priv(dev));
	err = lvd_ndo_callv(dev, which, args, &ret);
	return err ?: (int)ret;
}

static int lvd_ndo_vlan_rx_add_vid(struct net_device *dev, __be16 proto, u16 vid)
{
	return lvd_ndo_vlan_rx_vid(dev, LVD_NDO_VLAN_RX_ADD_VID, proto, vid);
}

static int lvd_ndo_vlan_rx_kill_vid(struct net_device *dev, __be16 proto, u16 vid)
{
	return lvd_ndo_vlan_rx_vid(dev, LVD_NDO_VLAN_RX_KILL_VID, proto, vid);
}

/* The driver may take features away, never add them */
static netdev_features_t lvd_ndo_fix_features(struct net_device *dev,
					      netdev_features_t features)
{
	unsigned long ret;

	lvd_netdev_sync_in(netdev_priv(dev));
	if (lvd_ndo_call(dev, LVD_NDO_FIX_FEATURES, features, &ret))
		return features;
	return features & ret;
}

/* A driver that says it set them (1) had the kernel's set for it */
static int lvd_ndo_set_features(struct net_device *dev,
				netdev_features_t features)
{
	unsigned long ret;
	int err;

	lvd_netdev_sync_in(netdev_priv(dev));
	err = lvd_ndo_call(dev, LVD_NDO_SET_FEATURES, features, &ret);
	if (err)
		return err;
	if ((int)ret > 0)
		dev->features = features;
	return (int)ret;
}

/* A driver without get_stats: what it counts in its shadow's stats */
static void lvd_ndo_shadow_stats64(struct net_device *dev,
				   struct rtnl_link_stats64 *stats)
{
	struct lvd_netdev *nd = netdev_priv(dev);
	struct net_device_stats copy;

	memcpy(&copy, &((struct net_device *)nd->shadow)->stats, sizeof(copy));
	netdev_stats_to_stats64(stats, &copy);
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
	LVD_NDO(ndo_tx_timeout, LVD_NDO_TX_TIMEOUT, lvd_ndo_tx_timeout),
	LVD_NDO(ndo_set_mac_address, LVD_NDO_SET_MAC_ADDRESS,
		lvd_ndo_set_mac_address),
	LVD_NDO(ndo_eth_ioctl, LVD_NDO_ETH_IOCTL, lvd_ndo_eth_ioctl),
	LVD_NDO(ndo_vlan_rx_add_vid, LVD_NDO_VLAN_RX_ADD_VID,
		lvd_ndo_vlan_rx_add_vid),
	LVD_NDO(ndo_vlan_rx_kill_vid, LVD_NDO_VLAN_RX_KILL_VID,
		lvd_ndo_vlan_rx_kill_vid),
	LVD_NDO(ndo_fix_features, LVD_NDO_FIX_FEATURES, lvd_ndo_fix_features),
	LVD_NDO(ndo_set_features, LVD_NDO_SET_FEATURES, lvd_ndo_set_features),
};

/* The function pointer at @off in a table */
static const void **lvd_ndo_slot(void *table, size_t off)
{
	return (const void **)(table + off);
}

/*
 * Empty from the driver's table @t the operations a device works without,
 * which the glue leaves out: netpoll (netconsole) is not carried
 */
static void lvd_ndo_leave_out(void *t)
{
#ifdef CONFIG_NET_POLL_CONTROLLER
	*lvd_ndo_slot(t, offsetof(const struct net_device_ops,
				  ndo_poll_controller)) = NULL;
#endif
}

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
 * Bind the driver's functions of @fns in its table @t, pointing the
 * kernel's @ktbl at their trampolines, and empty their places in @t. A
 * kernel function's stub is left for lvd_ndo_take_kfns().
 */
static int lvd_ndo_bind(struct lvd_net_ops *o, struct lvd_domain *d, void *t,
			void *ktbl, const struct lvd_ndo_fn *fns, unsigned int n)
{
	const void **slot;
	unsigned int i;

	for (i = 0; i < n; i++) {
		slot = lvd_ndo_slot(t, fns[i].off);
		if (!*slot || lvd_glue_kcall_at(d, (unsigned long)*slot))
			continue;
		if (lvd_domain_fn_bind(&o->fn[fns[i].which], d,
				       (unsigned long)*slot))
			return -EINVAL;
		*lvd_ndo_slot(ktbl, fns[i].off) = fns[i].trampoline;
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
	lvd_ndo_leave_out(t);
	if (lvd_ndo_bind(o, d, t, o->kops_mem, lvd_ndo_fns,
			 ARRAY_SIZE(lvd_ndo_fns)) ||
	    lvd_ndo_take_kfns(d, t, o->kops_mem, lvd_ndo_kfns,
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
	if (!o->fn[LVD_NDO_GET_STATS64].d &&
	    !*lvd_ndo_slot(t, offsetof(const struct net_device_ops,
				       ndo_get_stats)))
		*lvd_ndo_slot(o->kops_mem, offsetof(const struct net_device_ops,
						    ndo_get_stats64)) =
			lvd_ndo_shadow_stats64;
	return memchr_inv(t, 0, sizeof(o->kops_mem)) ? -EOPNOTSUPP : 0;
}

/*
 * @t: the driver's ethtool_ops, copied, emptied as above. Its fields that
 * are not functions describe operations the glue does not carry; the
 * operations it does not carry are left out, and said so.
 */
static int lvd_net_ethtool_ops(struct lvd_net_ops *o, struct lvd_domain *d,
			       void *t)
{
	const struct lvd_ndo_fn *fns;
	unsigned int i, n, left = 0;

	memset(t, 0, offsetof(const struct ethtool_ops, get_drvinfo));
	if (lvd_ndo_take_kfns(d, t, o->keth_mem, lvd_ethtool_kfns,
			      ARRAY_SIZE(lvd_ethtool_kfns)))
		return -EINVAL;
	fns = lvd_ethtool_fns(&n);
	if (lvd_ndo_bind(o, d, t, o->keth_mem, fns, n))
		return -EINVAL;
	for (i = 0; i < sizeof(o->keth_mem) / sizeof(void *); i++)
		left += !!((const void **)t)[i];
	if (left)
		pr_info("%s: %u of its ethtool operations are not carried: left out\n",
			lvd_domain_name(d), left);
	return 0;
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
