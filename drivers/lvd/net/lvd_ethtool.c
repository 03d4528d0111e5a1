// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's netdev glue: the ethtool operations of an isolated driver that
 * the glue carries (driver information, link, message level, ring sizes,
 * statistics and their names, link settings, autonegotiation restart).
 *
 * Each trampoline copies what the kernel passes into room of the domain's,
 * calls the driver with the device's shadow, and copies back only as many
 * bytes as the kernel's own buffer has: for strings, the count the kernel
 * was given by the driver's get_sset_count() through the glue, for
 * statistics the count the kernel passes. Pointers the kernel passes
 * that the driver has no use for (netlink's extended acks) reach it as
 * NULL. lvd_netdev_ops.c builds the kernel's table from these.
 */

#define pr_fmt(fmt) "lvd: net: " fmt

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <lvd/domain.h>
#include "lvd_net.h"

/* The most strings or statistics a driver may report in one set */
#define LVD_ETH_MAX_SSET	1024

/* Call @which with @a1 and @a2; 0 (or @dflt for none) on failure */
static unsigned long lvd_eth_call(struct net_device *dev, enum lvd_ndo which,
				  unsigned long a1, unsigned long a2,
				  unsigned long dflt)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { 0, a1, a2 }, ret;

	lvd_netdev_sync_in(netdev_priv(dev));
	return lvd_ndo_callv(dev, which, args, &ret) ? dflt : ret;
}

/* Call @which with a copy of @buf (@size bytes), and copy it back */
static int lvd_eth_buf(struct net_device *dev, enum lvd_ndo which, void *buf,
		       size_t size, bool back)
{
	unsigned long room = lvd_ndo_room(dev, buf, size), ret;

	if (!room)
		return -ENOMEM;
	ret = lvd_eth_call(dev, which, room, 0, -EIO);
	lvd_ndo_room_put(dev, room, back ? buf : NULL, size);
	return (int)ret;
}

static void lvd_eth_get_drvinfo(struct net_device *dev,
				struct ethtool_drvinfo *info)
{
	lvd_eth_buf(dev, LVD_ETH_GET_DRVINFO, info, sizeof(*info), true);
	/* Its strings end within their arrays, whatever it wrote */
	info->driver[sizeof(info->driver) - 1] = 0;
	info->version[sizeof(info->version) - 1] = 0;
	info->fw_version[sizeof(info->fw_version) - 1] = 0;
	info->erom_version[sizeof(info->erom_version) - 1] = 0;
	info->bus_info[sizeof(info->bus_info) - 1] = 0;
}

static int lvd_eth_get_regs_len(struct net_device *dev)
{
	/* Registers are not carried: no room for them */
	return 0;
}

static u32 lvd_eth_get_msglevel(struct net_device *dev)
{
	return lvd_eth_call(dev, LVD_ETH_GET_MSGLEVEL, 0, 0, 0);
}

static void lvd_eth_set_msglevel(struct net_device *dev, u32 level)
{
	lvd_eth_call(dev, LVD_ETH_SET_MSGLEVEL, level, 0, 0);
}

static int lvd_eth_nway_reset(struct net_device *dev)
{
	return lvd_eth_call(dev, LVD_ETH_NWAY_RESET, 0, 0, -EIO);
}

static u32 lvd_eth_get_link(struct net_device *dev)
{
	return !!lvd_eth_call(dev, LVD_ETH_GET_LINK, 0, 0, 0);
}

/* The ring sizes, and the kernel's extension of them, in one room */
struct lvd_eth_rings {
	struct ethtool_ringparam ring;
	struct kernel_ethtool_ringparam kring;
};

static int lvd_eth_rings(struct net_device *dev, enum lvd_ndo which,
			 struct ethtool_ringparam *ring,
			 struct kernel_ethtool_ringparam *kring, bool back)
{
	struct lvd_eth_rings r = { *ring, *kring };
	unsigned long room = lvd_ndo_room(dev, &r, sizeof(r)), ret;
	unsigned long args[LVD_DOMAIN_ARGS] = {};

	if (!room)
		return -ENOMEM;
	args[1] = room + offsetof(struct lvd_eth_rings, ring);
	args[2] = room + offsetof(struct lvd_eth_rings, kring);
	lvd_netdev_sync_in(netdev_priv(dev));
	if (lvd_ndo_callv(dev, which, args, &ret))
		ret = -EIO;
	lvd_ndo_room_put(dev, room, back ? &r : NULL, sizeof(r));
	if (back) {
		*ring = r.ring;
		*kring = r.kring;
	}
	return (int)ret;
}

static void lvd_eth_get_ringparam(struct net_device *dev,
				  struct ethtool_ringparam *ring,
				  struct kernel_ethtool_ringparam *kring,
				  struct netlink_ext_ack *extack)
{
	lvd_eth_rings(dev, LVD_ETH_GET_RINGPARAM, ring, kring, true);
}

static int lvd_eth_set_ringparam(struct net_device *dev,
				 struct ethtool_ringparam *ring,
				 struct kernel_ethtool_ringparam *kring,
				 struct netlink_ext_ack *extack)
{
	return lvd_eth_rings(dev, LVD_ETH_SET_RINGPARAM, ring, kring, false);
}

/* The sets the glue carries: tests, statistics, private flags */
static int lvd_eth_get_sset_count(struct net_device *dev, int sset)
{
	struct lvd_netdev *nd = netdev_priv(dev);
	long n;

	if (sset < 0 || sset > ETH_SS_PRIV_FLAGS)
		return -EOPNOTSUPP;
	n = (int)lvd_eth_call(dev, LVD_ETH_GET_SSET_COUNT, sset, 0, -EOPNOTSUPP);
	if (n > LVD_ETH_MAX_SSET)
		n = LVD_ETH_MAX_SSET;
	nd->ssets[sset] = max(n, 0L);
	return n;
}

static void lvd_eth_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct lvd_netdev *nd = netdev_priv(dev);
	size_t size;
	unsigned long room;

	if (sset > ETH_SS_PRIV_FLAGS || !nd->ssets[sset])
		return;
	size = nd->ssets[sset] * ETH_GSTRING_LEN;
	room = lvd_ndo_room(dev, NULL, size);
	if (!room)
		return;
	lvd_eth_call(dev, LVD_ETH_GET_STRINGS, sset, room, 0);
	lvd_ndo_room_put(dev, room, data, size);
}

static void lvd_eth_get_ethtool_stats(struct net_device *dev,
				      struct ethtool_stats *stats, u64 *data)
{
	size_t size = array_size(min_t(u32, stats->n_stats, LVD_ETH_MAX_SSET),
				 sizeof(u64));
	unsigned long room = lvd_ndo_room(dev, NULL, size + sizeof(*stats));

	if (!room)
		return;
	memcpy((void *)room, stats, sizeof(*stats));
	lvd_eth_call(dev, LVD_ETH_GET_ETHTOOL_STATS, room, room + sizeof(*stats),
		     0);
	memcpy(data, (void *)room + sizeof(*stats), size);
	lvd_ndo_room_put(dev, room, NULL, 0);
}

static int lvd_eth_get_link_ksettings(struct net_device *dev,
				      struct ethtool_link_ksettings *ks)
{
	return lvd_eth_buf(dev, LVD_ETH_GET_LINK_KSETTINGS, ks, sizeof(*ks), true);
}

static int lvd_eth_set_link_ksettings(struct net_device *dev,
				      const struct ethtool_link_ksettings *ks)
{
	struct ethtool_link_ksettings copy = *ks;

	return lvd_eth_buf(dev, LVD_ETH_SET_LINK_KSETTINGS, &copy, sizeof(copy),
			   false);
}

#define LVD_ETH(member, which, tramp) \
	{ offsetof(const struct ethtool_ops, member), which, tramp }

static const struct lvd_ndo_fn lvd_eth_fns[] = {
	LVD_ETH(get_drvinfo, LVD_ETH_GET_DRVINFO, lvd_eth_get_drvinfo),
	LVD_ETH(get_regs_len, LVD_ETH_GET_REGS_LEN, lvd_eth_get_regs_len),
	LVD_ETH(get_msglevel, LVD_ETH_GET_MSGLEVEL, lvd_eth_get_msglevel),
	LVD_ETH(set_msglevel, LVD_ETH_SET_MSGLEVEL, lvd_eth_set_msglevel),
	LVD_ETH(nway_reset, LVD_ETH_NWAY_RESET, lvd_eth_nway_reset),
	LVD_ETH(get_link, LVD_ETH_GET_LINK, lvd_eth_get_link),
	LVD_ETH(get_ringparam, LVD_ETH_GET_RINGPARAM, lvd_eth_get_ringparam),
	LVD_ETH(set_ringparam, LVD_ETH_SET_RINGPARAM, lvd_eth_set_ringparam),
	LVD_ETH(get_strings, LVD_ETH_GET_STRINGS, lvd_eth_get_strings),
	LVD_ETH(get_ethtool_stats, LVD_ETH_GET_ETHTOOL_STATS,
		lvd_eth_get_ethtool_stats),
	LVD_ETH(get_sset_count, LVD_ETH_GET_SSET_COUNT, lvd_eth_get_sset_count),
	LVD_ETH(get_link_ksettings, LVD_ETH_GET_LINK_KSETTINGS,
		lvd_eth_get_link_ksettings),
	LVD_ETH(set_link_ksettings, LVD_ETH_SET_LINK_KSETTINGS,
		lvd_eth_set_link_ksettings),
};

/**
 * lvd_ethtool_fns() - the ethtool operations the glue carries
 * @n: where their count goes
 *
 * Return: their table.
 */
const struct lvd_ndo_fn *lvd_ethtool_fns(unsigned int *n)
{
	*n = ARRAY_SIZE(lvd_eth_fns);
	return lvd_eth_fns;
}

/* ethtool_convert_legacy_u32_to_link_mode(dst, legacy_u32) */
unsigned long
lvd_glue_ethtool_convert_legacy_u32_to_link_mode(struct lvd_domain *d,
						 const unsigned long args[LVD_DOMAIN_ARGS])
{
	__ETHTOOL_DECLARE_LINK_MODE_MASK(mask);

	ethtool_convert_legacy_u32_to_link_mode(mask, args[1]);
	lvd_domain_copy_to(d, args[0], mask, sizeof(mask));
	return 0;
}

/* ethtool_convert_link_mode_to_legacy_u32(legacy_u32, src) */
unsigned long
lvd_glue_ethtool_convert_link_mode_to_legacy_u32(struct lvd_domain *d,
						 const unsigned long args[LVD_DOMAIN_ARGS])
{
	__ETHTOOL_DECLARE_LINK_MODE_MASK(mask);
	bool ok;
	u32 legacy;

	if (lvd_domain_copy_from(d, mask, args[1], sizeof(mask)))
		return false;
	ok = ethtool_convert_link_mode_to_legacy_u32(&legacy, mask);
	lvd_domain_copy_to(d, args[0], &legacy, sizeof(legacy));
	return ok;
}
