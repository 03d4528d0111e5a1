// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's netdev glue: the transmit queues of an isolated driver's devices.
 *
 * A driver stops and starts its queues with inline helpers that write the
 * queue's state, and accounts its bytes in flight (BQL) in the queue's
 * struct dql: it does both on the queues of its shadow, an array of
 * struct netdev_queue in its domain. The kernel's queues are the kernel's:
 * after each call into the driver that may have changed a queue's state
 * (a transmit, a control operation, a wake), the glue stops or wakes the
 * kernel's queue to match the shadow's (lvd_txq_sync()). A kernel queue
 * is also stopped while the driver's domain has no room for another
 * packet (lvd_skb.c), and woken when it has again.
 *
 * The BQL functions the driver imports run on a kernel copy of its
 * struct dql, written back: the kernel trusts nothing in it.
 */

#define pr_fmt(fmt) "lvd: net: " fmt

#include <linux/netdevice.h>
#include <lvd/domain.h>
#include "lvd_net.h"

/* The state bits of a shadow queue that stop the kernel's */
#define LVD_TXQ_STOPPED	(BIT(__QUEUE_STATE_DRV_XOFF) | \
			 BIT(__QUEUE_STATE_STACK_XOFF))

/**
 * lvd_txq_alloc() - give a device's shadow its transmit queues
 * @nd: the device's record, its shadow just allocated
 *
 * Context: may sleep.
 * Return: 0, or -ENOMEM.
 */
int lvd_txq_alloc(struct lvd_netdev *nd)
{
	struct net_device *dev = nd->dev;
	struct netdev_queue *q;
	unsigned int i;

	nd->txqs = lvd_domain_alloc(nd->nd->d, dev->num_tx_queues * sizeof(*q));
	if (!nd->txqs)
		return -ENOMEM;
	for (i = 0; i < dev->num_tx_queues; i++) {
		q = lvd_txq_shadow(nd, i);
		q->dev = (struct net_device *)nd->shadow;
		q->xmit_lock_owner = -1;
#ifdef CONFIG_BQL
		dql_init(&q->dql, HZ);
#endif
	}
	return 0;
}

/**
 * lvd_txq_shadow() - a shadow queue of a device's
 * @nd: the device's record
 * @i: the queue's index, below the device's number of queues
 *
 * Return: the queue, in the domain.
 */
struct netdev_queue *lvd_txq_shadow(struct lvd_netdev *nd, unsigned int i)
{
	return (struct netdev_queue *)nd->txqs + i;
}

/* Stop or wake kernel queue @i as its shadow and the domain's room say */
static void lvd_txq_sync_one(struct lvd_netdev *nd, unsigned int i)
{
	struct netdev_queue *kq = netdev_get_tx_queue(nd->dev, i);
	unsigned long state = READ_ONCE(lvd_txq_shadow(nd, i)->state);
	bool stop = (state & LVD_TXQ_STOPPED) || READ_ONCE(nd->nd->starved);

	if (stop && !netif_tx_queue_stopped(kq))
		netif_tx_stop_queue(kq);
	else if (!stop && netif_tx_queue_stopped(kq) &&
		 netif_running(nd->dev) && netif_device_present(nd->dev))
		netif_tx_wake_queue(kq);
}

/**
 * lvd_txq_sync() - stop or wake a device's kernel queues as the driver's
 * @nd: the device's record
 *
 * Context: any; a queue woken schedules its qdisc.
 */
void lvd_txq_sync(struct lvd_netdev *nd)
{
	unsigned int i;

	if (!nd->txqs || nd->dev->reg_state != NETREG_REGISTERED)
		return;
	for (i = 0; i < nd->dev->real_num_tx_queues; i++)
		lvd_txq_sync_one(nd, i);
}

/*
 * The device and queue index of a shadow queue the domain names, or
 * NULL: @addr must be a queue of a device of its own.
 */
static struct lvd_netdev *lvd_txq_find(struct lvd_domain *d, unsigned long addr,
				       unsigned int *i)
{
	struct lvd_netdev *nd = lvd_netdev_find_txq(d, addr);
	unsigned long off;

	if (!nd)
		return NULL;
	off = addr - nd->txqs;
	if (off % sizeof(struct netdev_queue)) {
		pr_warn_ratelimited("%s: %#lx is not one of its queues\n",
				    lvd_domain_name(d), addr);
		return NULL;
	}
	*i = off / sizeof(struct netdev_queue);
	return nd;
}

/* netif_tx_wake_queue(txq): the driver's queue runs again */
unsigned long lvd_glue_netif_tx_wake_queue(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev *nd;
	unsigned int i;

	nd = lvd_txq_find(d, args[0], &i);
	if (!nd)
		return 0;
	clear_bit(__QUEUE_STATE_DRV_XOFF, &lvd_txq_shadow(nd, i)->state);
	lvd_txq_sync(nd);
	return 0;
}

/* netif_schedule_queue(txq): BQL let bytes go; the queue may run again */
unsigned long lvd_glue_netif_schedule_queue(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_netdev *nd;
	unsigned int i;

	nd = lvd_txq_find(d, args[0], &i);
	if (nd)
		lvd_txq_sync(nd);
	return 0;
}

/*
 * Run @fn on a kernel copy of the domain's struct dql at @addr, which must
 * be memory it may write, and write the copy back.
 */
static void lvd_dql_run(struct lvd_domain *d, unsigned long addr,
			void (*fn)(struct dql *dql, unsigned int count),
			unsigned int count)
{
	struct dql dql;

	if (lvd_domain_copy_from(d, &dql, addr, sizeof(dql)))
		return;
	/*
	 * Its numbers are the driver's: bound what the kernel's code trusts
	 * (it BUG()s on completing more than is queued), and leave out stall
	 * detection, which reads back history of its own
	 */
	if (count > dql.num_queued - dql.num_completed) {
		pr_warn_ratelimited("%s: dql_completed() of more than it queued refused\n",
				    lvd_domain_name(d));
		return;
	}
	dql.max_limit = min_t(unsigned int, dql.max_limit, DQL_MAX_LIMIT);
	dql.min_limit = min(dql.min_limit, dql.max_limit);
	dql.stall_thrs = 0;
	fn(&dql, count);
	lvd_domain_copy_to(d, addr, &dql, sizeof(dql));
}

static void lvd_dql_reset(struct dql *dql, unsigned int count)
{
	dql_reset(dql);
}

/* dql_completed(dql, count) */
unsigned long lvd_glue_dql_completed(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_dql_run(d, args[0], dql_completed, args[1]);
	return 0;
}

/* dql_reset(dql) */
unsigned long lvd_glue_dql_reset(struct lvd_domain *d,
				 const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_dql_run(d, args[0], lvd_dql_reset, 0);
	return 0;
}
