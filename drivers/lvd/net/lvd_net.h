/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LVD's netdev glue: what its files share.
 *
 * An isolated network driver sees each net_device it uses as a
 * projection: a struct net_device of its own, in its domain's memory
 * (the shadow), followed by the driver's private area. The kernel's
 * net_device is the authority: the fields the kernel decides are copied
 * into the shadow before the driver is called (lvd_netdev_sync_in()), and
 * the fields the driver may set are read back from it, checked, after it
 * returns (lvd_netdev_sync_out()). The kernel's private area of the
 * device holds the glue's record of it, struct lvd_netdev.
 */
#ifndef _DRIVERS_LVD_NET_LVD_NET_H
#define _DRIVERS_LVD_NET_LVD_NET_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <lvd/domain.h>

struct lvd_net_ops;
struct lvd_skb_slots;

/**
 * struct lvd_net_domain - what the glue keeps of a domain that uses it
 * @d: the domain
 * @node: on the list of such domains
 * @devs: its devices (struct lvd_netdev), attached
 * @ops: kernel copies of its ops tables (struct lvd_net_ops)
 * @skbs: its sk_buff projections, once it has a device
 */
struct lvd_net_domain {
	struct lvd_domain *d;
	struct list_head node;
	struct list_head devs;
	struct list_head ops;
	struct lvd_skb_slots *skbs;
};

/**
 * struct lvd_netdev - the glue's record of a device, in the kernel
 *	device's private area
 * @dev: the kernel's device
 * @nd: its driver's domain
 * @shadow: the driver's struct net_device, in the domain
 * @addr: the shadow's copy of the device address, in the domain
 * @stats: the domain's per-CPU statistics for the device, or 0
 * @ops: the kernel copy of its net_device_ops, or NULL
 * @dom_netdev_ops: the driver's net_device_ops, as the shadow has it
 * @dom_ethtool_ops: the driver's ethtool_ops, as the shadow has it
 * @dom_link_ops: the driver's rtnl_link_ops, as the shadow has it
 * @setup_done: the driver may no longer set what only setup sets
 * @refused: set up wrongly, the device calls none of the driver's ops
 * @from_link: rtnetlink made it with the driver's link ops
 * @attached: on @nd's list: the domain may name it
 * @node: there
 * @img: room for the shadow, as sync-out reads it
 * @lock: serialises uses of @img
 */
struct lvd_netdev {
	struct net_device *dev;
	struct lvd_net_domain *nd;
	unsigned long shadow;
	unsigned long addr;
	unsigned long stats;
	struct lvd_net_ops *ops;
	unsigned long dom_netdev_ops;
	unsigned long dom_ethtool_ops;
	unsigned long dom_link_ops;
	bool setup_done;
	bool refused;
	bool from_link;
	bool attached;
	struct list_head node;
	struct net_device *img;
	struct mutex lock;	/* protects @img */
};

/* What setup gets: a driver's function to call on a new device */
struct lvd_netdev_setup {
	struct lvd_domain *d;
	struct lvd_domain_fn fn;
	size_t priv_size;
	bool from_link;
};

/* lvd_netdev.c */
struct lvd_net_domain *lvd_net_domain_get(struct lvd_domain *d);
struct lvd_net_domain *lvd_net_domain_find(struct lvd_domain *d);
struct lvd_netdev *lvd_netdev_find(struct lvd_domain *d, unsigned long shadow);
void lvd_netdev_setup(struct net_device *dev, const struct lvd_netdev_setup *s);
int lvd_netdev_sync_in(struct lvd_netdev *nd);
void lvd_netdev_sync_out(struct lvd_netdev *nd);
void lvd_netdev_attach(struct lvd_netdev *nd);
void lvd_netdev_detach(struct lvd_netdev *nd);

unsigned long lvd_glue_eth_validate_addr(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_eth_mac_addr(struct lvd_domain *d,
				    const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_ethtool_op_get_ts_info(struct lvd_domain *d,
					      const unsigned long args[LVD_DOMAIN_ARGS]);

/* lvd_netdev_ops.c */
int lvd_net_ops_bind(struct lvd_netdev *nd, unsigned long dom_netdev_ops,
		     unsigned long dom_ethtool_ops);
void lvd_net_ops_release(struct lvd_net_domain *nd);
extern const struct net_device_ops lvd_net_refused_ops;
bool lvd_net_in_callback(void);
int lvd_net_fn_call(const struct lvd_domain_fn *fn,
		    const unsigned long args[LVD_DOMAIN_ARGS], unsigned long *ret);

/* lvd_skb.c */
int lvd_skb_slots_get(struct lvd_net_domain *nd);
netdev_tx_t lvd_skb_xmit(struct lvd_netdev *nd, const struct lvd_domain_fn *fn,
			 struct sk_buff *skb);
void lvd_skb_release(struct lvd_net_domain *nd);
unsigned long lvd_glue_consume_skb(struct lvd_domain *d,
				   const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_skb_tstamp_tx(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS]);

/* lvd_rtnl.c */
unsigned long lvd_glue_rtnl_lock(struct lvd_domain *d,
				 const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_rtnl_unlock(struct lvd_domain *d,
				   const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_down_write(struct lvd_domain *d,
				  const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_up_write(struct lvd_domain *d,
				const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_rtnl_link_register(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_rtnl_link_unregister_locked(struct lvd_domain *d,
						   const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_rtnl_link_unregister(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS]);
bool lvd_rtnl_held_by(struct lvd_domain *d);
struct rtnl_link_ops *lvd_rtnl_link_ops(struct lvd_domain *d,
					unsigned long dom_ops);
void lvd_rtnl_release(struct lvd_domain *d);

#endif /* _DRIVERS_LVD_NET_LVD_NET_H */
