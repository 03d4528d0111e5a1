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

#include <linux/ethtool.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <lvd/domain.h>

struct lvd_frag_pool;
struct lvd_net_ops;
struct lvd_skb_slots;

/* A packet buffer in a domain (lvd_frag.c): half a page */
#define LVD_FRAG_SIZE	2048UL

/* The longest frame a device of an isolated driver carries, and its MTU */
#define LVD_SKB_MAX_FRAME \
	(LVD_FRAG_SIZE - NET_SKB_PAD - \
	 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))
#define LVD_NET_MAX_MTU	ETH_DATA_LEN

/*
 * What the glue takes from a device's features: packets of more than one
 * buffer, and the offloads that need them
 */
#define LVD_NET_NOT_CARRIED	(NETIF_F_SG | NETIF_F_FRAGLIST | \
				 NETIF_F_GSO_MASK)

/**
 * struct lvd_net_domain - what the glue keeps of a domain that uses it
 * @d: the domain
 * @node: on the list of such domains
 * @devs: its devices (struct lvd_netdev), attached
 * @ops: kernel copies of its ops tables (struct lvd_net_ops)
 * @skbs: its sk_buff projections, once it has a device
 * @frags: its packet buffers, the same
 * @napi_lock: protects @napis
 * @napis: its NAPI contexts (struct lvd_napi)
 * @starved: its devices' queues are stopped for want of slots or frags
 */
struct lvd_net_domain {
	struct lvd_domain *d;
	struct list_head node;
	struct list_head devs;
	struct list_head ops;
	struct lvd_skb_slots *skbs;
	struct lvd_frag_pool *frags;
	spinlock_t napi_lock;	/* protects @napis */
	struct list_head napis;
	bool starved;
};

/**
 * struct lvd_netdev - the glue's record of a device, in the kernel
 *	device's private area
 * @dev: the kernel's device
 * @nd: its driver's domain
 * @shadow: the driver's struct net_device, in the domain
 * @addr: the shadow's copy of the device address, in the domain
 * @stats: the domain's per-CPU statistics for the device, or 0
 * @txqs: the shadow's transmit queues, in the domain
 * @parent: the device's parent, referenced, or NULL
 * @ssets: the sizes of its ethtool string sets, as the kernel was told
 * @ops: the kernel copy of its net_device_ops, or NULL
 * @dom_netdev_ops: the driver's net_device_ops, as the shadow has it
 * @dom_ethtool_ops: the driver's ethtool_ops, as the shadow has it
 * @dom_link_ops: the driver's rtnl_link_ops, as the shadow has it
 * @setup_done: the driver may no longer set what only setup sets
 * @refused: set up wrongly, the device calls none of the driver's ops
 * @from_link: rtnetlink made it with the driver's link ops
 * @stopped: a call into its driver failed: the domain is stopped
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
	unsigned long txqs;
	struct device *parent;
	unsigned int ssets[ETH_SS_PRIV_FLAGS + 1];
	struct lvd_net_ops *ops;
	unsigned long dom_netdev_ops;
	unsigned long dom_ethtool_ops;
	unsigned long dom_link_ops;
	bool setup_done;
	bool refused;
	bool from_link;
	bool stopped;
	bool attached;
	struct list_head node;
	struct net_device *img;
	struct mutex lock;	/* protects @img */
};

/**
 * struct lvd_napi - a NAPI context of a driver's, the kernel's
 * @napi: the kernel's context, on the kernel's device
 * @nd: the device's record
 * @dom: the driver's struct napi_struct, its name for the context
 * @poll: the driver's poll function
 * @node: on the domain's list
 * @lock: serialises enabling and disabling
 * @enabled: the kernel's context is enabled
 * @prepped: a napi_schedule_prep() owned it, for one __napi_schedule()
 * @completed: the driver completed it in the poll that runs
 */
struct lvd_napi {
	struct napi_struct napi;
	struct lvd_netdev *nd;
	unsigned long dom;
	struct lvd_domain_fn poll;
	struct list_head node;
	struct mutex lock;	/* protects @enabled */
	bool enabled;
	bool prepped;
	bool completed;
};

/* What setup gets: a driver's function to call on a new device, or none */
struct lvd_netdev_setup {
	struct lvd_domain *d;
	struct lvd_domain_fn fn;
	size_t priv_size;
	bool from_link;
	bool ether;
};

/* lvd_netdev.c */
struct lvd_net_domain *lvd_net_domain_get(struct lvd_domain *d);
struct lvd_net_domain *lvd_net_domain_find(struct lvd_domain *d);
struct lvd_netdev *lvd_netdev_find(struct lvd_domain *d, unsigned long shadow);
struct lvd_netdev *lvd_netdev_find_txq(struct lvd_domain *d, unsigned long addr);
void lvd_net_starve(struct lvd_net_domain *nd, struct lvd_netdev *dev);
void lvd_net_unstarve(struct lvd_net_domain *nd);
void lvd_netdev_stopped(struct lvd_netdev *nd);
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

/* The driver functions the kernel's tables may call */
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
	LVD_NDO_TX_TIMEOUT,
	LVD_NDO_SET_MAC_ADDRESS,
	LVD_NDO_ETH_IOCTL,
	LVD_NDO_VLAN_RX_ADD_VID,
	LVD_NDO_VLAN_RX_KILL_VID,
	LVD_NDO_FIX_FEATURES,
	LVD_NDO_SET_FEATURES,
	LVD_ETH_GET_DRVINFO,
	LVD_ETH_GET_REGS_LEN,
	LVD_ETH_GET_MSGLEVEL,
	LVD_ETH_SET_MSGLEVEL,
	LVD_ETH_NWAY_RESET,
	LVD_ETH_GET_LINK,
	LVD_ETH_GET_RINGPARAM,
	LVD_ETH_SET_RINGPARAM,
	LVD_ETH_GET_STRINGS,
	LVD_ETH_GET_ETHTOOL_STATS,
	LVD_ETH_GET_SSET_COUNT,
	LVD_ETH_GET_LINK_KSETTINGS,
	LVD_ETH_SET_LINK_KSETTINGS,
	LVD_NDO_COUNT
};

/* A driver function a kernel table may call, through a trampoline */
struct lvd_ndo_fn {
	size_t off;
	enum lvd_ndo which;
	const void *trampoline;
};

/* lvd_netdev_ops.c */
int lvd_ndo_callv(struct net_device *dev, enum lvd_ndo which,
		  unsigned long args[LVD_DOMAIN_ARGS], unsigned long *ret);
unsigned long lvd_ndo_room(struct net_device *dev, const void *buf, size_t size);
void lvd_ndo_room_put(struct net_device *dev, unsigned long room, void *buf,
		      size_t size);

/* lvd_ethtool.c */
const struct lvd_ndo_fn *lvd_ethtool_fns(unsigned int *n);
unsigned long
lvd_glue_ethtool_convert_legacy_u32_to_link_mode(struct lvd_domain *d,
						 const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long
lvd_glue_ethtool_convert_link_mode_to_legacy_u32(struct lvd_domain *d,
						 const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_csum_ipv6_magic(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS]);

int lvd_net_ops_bind(struct lvd_netdev *nd, unsigned long dom_netdev_ops,
		     unsigned long dom_ethtool_ops);
void lvd_net_ops_release(struct lvd_net_domain *nd);
extern const struct net_device_ops lvd_net_refused_ops;
bool lvd_net_in_callback(void);
bool lvd_net_in_rtnl_callback(void);
int lvd_net_fn_call(const struct lvd_domain_fn *fn,
		    const unsigned long args[LVD_DOMAIN_ARGS], unsigned long *ret);

/* lvd_txq.c */
int lvd_txq_alloc(struct lvd_netdev *nd);
struct netdev_queue *lvd_txq_shadow(struct lvd_netdev *nd, unsigned int i);
void lvd_txq_sync(struct lvd_netdev *nd);
unsigned long lvd_glue_netif_tx_wake_queue(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_netif_schedule_queue(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_dql_completed(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_dql_reset(struct lvd_domain *d,
				 const unsigned long args[LVD_DOMAIN_ARGS]);

/* lvd_napi.c */
struct lvd_napi *lvd_napi_polling(struct lvd_domain *d, unsigned long addr);
void lvd_napi_release(struct lvd_netdev *dev);
unsigned long lvd_glue_netif_napi_add_weight(struct lvd_domain *d,
					     const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_napi_enable(struct lvd_domain *d,
				   const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_napi_disable(struct lvd_domain *d,
				    const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_napi_schedule_prep(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue___napi_schedule(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_napi_complete_done(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS]);

/* lvd_frag.c */
enum { LVD_FRAG_DRIVER = 2, LVD_FRAG_PACKET = 3 };
int lvd_frag_pool_get(struct lvd_net_domain *nd);
void lvd_frag_pool_put(struct lvd_frag_pool *p);
unsigned long lvd_frag_alloc(struct lvd_frag_pool *p, int owner);
bool lvd_frag_free(struct lvd_frag_pool *p, unsigned long addr, int owner);
bool lvd_frag_take(struct lvd_frag_pool *p, unsigned long addr);
unsigned long lvd_glue_netdev_alloc_frag(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_page_frag_free(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS]);

/* lvd_skb.c */
int lvd_skb_slots_get(struct lvd_net_domain *nd);
netdev_tx_t lvd_skb_xmit(struct lvd_netdev *nd, const struct lvd_domain_fn *fn,
			 struct sk_buff *skb);
void lvd_skb_release(struct lvd_net_domain *nd);
unsigned long lvd_glue_consume_skb(struct lvd_domain *d,
				   const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_skb_tstamp_tx(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_napi_consume_skb(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_dev_kfree_skb_any_reason(struct lvd_domain *d,
						const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_sk_skb_reason_drop(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_skb_clone_tx_timestamp(struct lvd_domain *d,
					      const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_napi_alloc_skb(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue___alloc_skb(struct lvd_domain *d,
				   const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_napi_build_skb(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_skb_put(struct lvd_domain *d,
			       const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_skb_trim(struct lvd_domain *d,
				const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue___skb_pad(struct lvd_domain *d,
				 const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_pskb_refused(struct lvd_domain *d,
				    const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue___pskb_pull_tail(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_skb_copy_bits(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_eth_type_trans(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_napi_gro_receive(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_napi_get_frags(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_napi_gro_frags(struct lvd_domain *d,
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
bool lvd_rtnl_may_take(struct lvd_domain *d, const char *what);
struct rtnl_link_ops *lvd_rtnl_link_ops(struct lvd_domain *d,
					unsigned long dom_ops);
void lvd_rtnl_release(struct lvd_domain *d);

#endif /* _DRIVERS_LVD_NET_LVD_NET_H */
