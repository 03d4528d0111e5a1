// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's netdev glue: rtnl_lock(), pernet_ops_rwsem, and an isolated
 * driver's rtnl link ops.
 *
 * The locks are the kernel's: the driver names them (pernet_ops_rwsem
 * resolves to an address its domain does not map) and the glue takes them
 * in the calling task, as a hold (lvd_domain_hold()): one the driver does
 * not release is released when the task's call into the driver ends, and
 * a driver that returns holding one is stopped. Glue that needs rtnl_lock()
 * held checks that the driver's own task holds it. The driver may not take
 * either lock in a callback the kernel may make holding it.
 *
 * A driver's link ops (ip link add type dummy) are copied into a kernel
 * table in one of a few slots; the slot's setup and validate trampolines
 * know which driver to call. Only what a link kind needs to be created
 * and validated is carried: ops with anything more are refused.
 */

#define pr_fmt(fmt) "lvd: net: " fmt

#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/rwsem.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>
#include <lvd/domain.h>
#include "lvd_net.h"

/* How many link kinds isolated drivers may register at once */
#define LVD_RTNL_LINKS		4
/* The most attribute bytes a driver's validate is given */
#define LVD_RTNL_ATTR_BYTES	4096

/* rtnl_lock() and pernet_ops_rwsem, held for a domain: one task at a time */
static struct lvd_domain_hold lvd_rtnl_hold;
static struct lvd_domain *lvd_rtnl_holder;
static struct lvd_domain_hold lvd_pernet_hold;

static void lvd_rtnl_hold_release(struct lvd_domain_hold *h)
{
	WRITE_ONCE(lvd_rtnl_holder, NULL);
	rtnl_unlock();
}

static void lvd_pernet_hold_release(struct lvd_domain_hold *h)
{
	up_write(&pernet_ops_rwsem);
}

/* Does the current task hold @h (for some domain)? */
static bool lvd_rtnl_mine(const struct lvd_domain_hold *h)
{
	return READ_ONCE(h->task) == current;
}

/* May the driver's task take a lock of the kernel's now? */
static bool lvd_rtnl_may_lock(struct lvd_domain *d, const char *lock,
			      const struct lvd_domain_hold *h)
{
	if (lvd_net_in_callback() || lvd_rtnl_mine(h)) {
		pr_warn_ratelimited("%s: %s refused: the kernel or the driver holds it already\n",
				    lvd_domain_name(d), lock);
		return false;
	}
	return true;
}

/**
 * lvd_rtnl_may_take() - may glue take rtnl_lock() for a domain's task?
 * @d: the domain
 * @what: the call, for the refusal's message
 *
 * Return: false when the task holds it already, through the domain's
 * glue or in a callback the kernel made under it.
 */
bool lvd_rtnl_may_take(struct lvd_domain *d, const char *what)
{
	return lvd_rtnl_may_lock(d, what, &lvd_rtnl_hold);
}

/**
 * lvd_rtnl_held_by() - does the current task hold rtnl_lock() for a domain?
 * @d: the domain
 *
 * Return: true when the task took it through the domain's glue, or is in
 * a callback the kernel made under it.
 */
bool lvd_rtnl_held_by(struct lvd_domain *d)
{
	if (lvd_net_in_rtnl_callback())
		return true;
	return rtnl_is_locked() && READ_ONCE(lvd_rtnl_holder) == d &&
	       lvd_rtnl_mine(&lvd_rtnl_hold);
}

/* rtnl_lock() */
unsigned long lvd_glue_rtnl_lock(struct lvd_domain *d,
				 const unsigned long args[LVD_DOMAIN_ARGS])
{
	if (!lvd_rtnl_may_lock(d, "rtnl_lock()", &lvd_rtnl_hold))
		return 0;
	rtnl_lock();
	lvd_rtnl_hold.release = lvd_rtnl_hold_release;
	lvd_domain_hold(d, &lvd_rtnl_hold);
	WRITE_ONCE(lvd_rtnl_holder, d);
	return 0;
}

/* rtnl_unlock(), of the lock the driver's task holds */
unsigned long lvd_glue_rtnl_unlock(struct lvd_domain *d,
				   const unsigned long args[LVD_DOMAIN_ARGS])
{
	if (READ_ONCE(lvd_rtnl_holder) != d ||
	    !lvd_domain_unhold(d, &lvd_rtnl_hold)) {
		pr_warn_ratelimited("%s: rtnl_unlock() of a lock it does not hold\n",
				    lvd_domain_name(d));
		return 0;
	}
	lvd_rtnl_hold_release(&lvd_rtnl_hold);
	return 0;
}

/* down_write(sem): of pernet_ops_rwsem, the one it may name */
unsigned long lvd_glue_down_write(struct lvd_domain *d,
				  const unsigned long args[LVD_DOMAIN_ARGS])
{
	if (args[0] != (unsigned long)&pernet_ops_rwsem) {
		pr_warn_ratelimited("%s: down_write(%#lx) of no lock it may take\n",
				    lvd_domain_name(d), args[0]);
		return 0;
	}
	if (!lvd_rtnl_may_lock(d, "down_write(&pernet_ops_rwsem)",
			       &lvd_pernet_hold))
		return 0;
	down_write(&pernet_ops_rwsem);
	lvd_pernet_hold.release = lvd_pernet_hold_release;
	lvd_domain_hold(d, &lvd_pernet_hold);
	return 0;
}

/* up_write(sem), of the lock the driver's task holds */
unsigned long lvd_glue_up_write(struct lvd_domain *d,
				const unsigned long args[LVD_DOMAIN_ARGS])
{
	if (args[0] != (unsigned long)&pernet_ops_rwsem ||
	    !lvd_domain_unhold(d, &lvd_pernet_hold)) {
		pr_warn_ratelimited("%s: up_write(%#lx) of a lock it does not hold\n",
				    lvd_domain_name(d), args[0]);
		return 0;
	}
	up_write(&pernet_ops_rwsem);
	return 0;
}

/**
 * struct lvd_rtnl_link - a link kind an isolated driver registered
 * @d: its domain; NULL for a free slot
 * @dom_ops: the driver's struct rtnl_link_ops
 * @kops: the kernel's copy, registered
 * @kind: its kind, as the kernel's copy has it
 * @setup: the driver's setup, for devices of the kind
 * @validate: the driver's validate, if it has one
 */
struct lvd_rtnl_link {
	struct lvd_domain *d;
	unsigned long dom_ops;
	struct rtnl_link_ops kops;
	char kind[32];
	struct lvd_netdev_setup setup;
	struct lvd_domain_fn validate;
};

/* Changed under rtnl_lock() */
static struct lvd_rtnl_link lvd_rtnl_links[LVD_RTNL_LINKS];

/* A device rtnetlink makes of slot @n's kind */
static void lvd_rtnl_setup(unsigned int n, struct net_device *dev)
{
	struct lvd_netdev *nd = netdev_priv(dev);

	lvd_netdev_setup(dev, &lvd_rtnl_links[n].setup);
	/*
	 * rtnetlink may free the device before it registers it: until its
	 * ndo_init, the domain cannot name it.
	 */
	if (nd->nd)
		lvd_netdev_detach(nd);
}

/*
 * The attributes of a request to make a device of slot @n's kind, for the
 * driver to check: copied to its domain, with the table that points at
 * them. Kind-specific attributes are not carried (maxtype is 0).
 */
static int lvd_rtnl_validate(unsigned int n, struct nlattr *tb[])
{
	struct lvd_rtnl_link *link = &lvd_rtnl_links[n];
	unsigned long args[LVD_DOMAIN_ARGS] = {}, room, ret;
	size_t bytes = 0, off = (IFLA_MAX + 1) * sizeof(unsigned long);
	unsigned long *table;
	unsigned int i;
	int err;

	for (i = 0; i <= IFLA_MAX; i++)
		if (tb[i])
			bytes += nla_total_size(nla_len(tb[i]));
	if (bytes > LVD_RTNL_ATTR_BYTES)
		return -E2BIG;
	room = lvd_domain_alloc(link->d, off + bytes);
	if (!room)
		return -ENOMEM;
	table = (unsigned long *)room;
	for (i = 0; i <= IFLA_MAX; i++) {
		if (!tb[i])
			continue;
		memcpy((void *)(room + off), tb[i], nla_total_size(nla_len(tb[i])));
		table[i] = room + off;
		off += nla_total_size(nla_len(tb[i]));
	}
	args[0] = room;
	err = lvd_net_fn_call(&link->validate, args, &ret);
	lvd_domain_free(link->d, room);
	return err ?: (int)ret;
}

/* Each slot's trampolines: the kernel's link ops carry no context */
static void lvd_rtnl_setup_0(struct net_device *dev)
{
	lvd_rtnl_setup(0, dev);
}

static void lvd_rtnl_setup_1(struct net_device *dev)
{
	lvd_rtnl_setup(1, dev);
}

static void lvd_rtnl_setup_2(struct net_device *dev)
{
	lvd_rtnl_setup(2, dev);
}

static void lvd_rtnl_setup_3(struct net_device *dev)
{
	lvd_rtnl_setup(3, dev);
}

static int lvd_rtnl_validate_0(struct nlattr *tb[], struct nlattr *data[],
			       struct netlink_ext_ack *extack)
{
	return lvd_rtnl_validate(0, tb);
}

static int lvd_rtnl_validate_1(struct nlattr *tb[], struct nlattr *data[],
			       struct netlink_ext_ack *extack)
{
	return lvd_rtnl_validate(1, tb);
}

static int lvd_rtnl_validate_2(struct nlattr *tb[], struct nlattr *data[],
			       struct netlink_ext_ack *extack)
{
	return lvd_rtnl_validate(2, tb);
}

static int lvd_rtnl_validate_3(struct nlattr *tb[], struct nlattr *data[],
			       struct netlink_ext_ack *extack)
{
	return lvd_rtnl_validate(3, tb);
}

static const struct {
	void (*setup)(struct net_device *dev);
	int (*validate)(struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack);
} lvd_rtnl_trampolines[LVD_RTNL_LINKS] = {
	{ lvd_rtnl_setup_0, lvd_rtnl_validate_0 },
	{ lvd_rtnl_setup_1, lvd_rtnl_validate_1 },
	{ lvd_rtnl_setup_2, lvd_rtnl_validate_2 },
	{ lvd_rtnl_setup_3, lvd_rtnl_validate_3 },
};

/* The slot of @d's link ops at @dom_ops, or -1 */
static int lvd_rtnl_link_slot(struct lvd_domain *d, unsigned long dom_ops)
{
	unsigned int n;

	for (n = 0; n < LVD_RTNL_LINKS; n++)
		if (READ_ONCE(lvd_rtnl_links[n].d) == d &&
		    lvd_rtnl_links[n].dom_ops == dom_ops)
			return n;
	return -1;
}

/**
 * lvd_rtnl_link_ops() - the kernel's copy of a driver's link ops
 * @d: the driver's domain
 * @dom_ops: the driver's struct rtnl_link_ops
 *
 * Return: the copy, registered; NULL when @dom_ops are not link ops @d
 * registered.
 */
struct rtnl_link_ops *lvd_rtnl_link_ops(struct lvd_domain *d,
					unsigned long dom_ops)
{
	int n = dom_ops ? lvd_rtnl_link_slot(d, dom_ops) : -1;

	return n < 0 ? NULL : &lvd_rtnl_links[n].kops;
}

/* Fill slot @n from the driver's @ops at @dom_ops: 0 or an error */
static int lvd_rtnl_link_fill(struct lvd_domain *d, unsigned int n,
			      unsigned long dom_ops, struct rtnl_link_ops *ops)
{
	struct lvd_rtnl_link *link = &lvd_rtnl_links[n];
	unsigned long kind = (unsigned long)ops->kind;

	memset(link, 0, sizeof(*link));
	if (!kind || ops->priv_size > 64 * 1024 ||
	    lvd_domain_copy_string(d, link->kind, kind, sizeof(link->kind)) <= 0 ||
	    lvd_domain_fn_bind(&link->setup.fn, d, (unsigned long)ops->setup) ||
	    (ops->validate &&
	     lvd_domain_fn_bind(&link->validate, d, (unsigned long)ops->validate)))
		return -EINVAL;
	link->setup.d = d;
	link->setup.priv_size = ops->priv_size;
	link->setup.from_link = true;
	link->kops.kind = link->kind;
	link->kops.priv_size = sizeof(struct lvd_netdev);
	link->kops.netns_refund = ops->netns_refund;
	link->kops.setup = lvd_rtnl_trampolines[n].setup;
	if (ops->validate)
		link->kops.validate = lvd_rtnl_trampolines[n].validate;
	/* Nothing else is carried: ops that need more are refused */
	memset(&ops->list, 0, sizeof(ops->list));
	ops->kind = NULL;
	ops->priv_size = 0;
	ops->setup = NULL;
	ops->validate = NULL;
	ops->netns_refund = false;
	if (memchr_inv(ops, 0, sizeof(*ops)))
		return -EOPNOTSUPP;
	link->dom_ops = dom_ops;
	return 0;
}

/* __rtnl_link_register(ops), under rtnl_lock() the driver took */
unsigned long lvd_glue_rtnl_link_register(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct rtnl_link_ops ops;
	unsigned int n;
	int err;

	for (n = 0; n < LVD_RTNL_LINKS; n++)
		if (!lvd_rtnl_links[n].d)
			break;
	if (!lvd_rtnl_held_by(d))
		err = -EPERM;
	else if (lvd_domain_copy_from(d, &ops, args[0], sizeof(ops)))
		err = -EFAULT;
	else if (lvd_rtnl_link_slot(d, args[0]) >= 0)
		err = -EEXIST;
	else if (n == LVD_RTNL_LINKS)
		err = -ENOSPC;
	else
		err = lvd_rtnl_link_fill(d, n, args[0], &ops);
	if (!err)
		err = __rtnl_link_register(&lvd_rtnl_links[n].kops);
	if (err) {
		pr_err("%s: its link ops at %#lx are refused (%d)\n",
		       lvd_domain_name(d), args[0], err);
		return err;
	}
	WRITE_ONCE(lvd_rtnl_links[n].d, d);
	return 0;
}

/* Forget slot @n, under rtnl_lock() */
static void lvd_rtnl_link_free(unsigned int n)
{
	ASSERT_RTNL();
	WRITE_ONCE(lvd_rtnl_links[n].d, NULL);
	lvd_rtnl_links[n].dom_ops = 0;
}

/* __rtnl_link_unregister(ops), under rtnl_lock() the driver took */
unsigned long lvd_glue_rtnl_link_unregister_locked(struct lvd_domain *d,
						   const unsigned long args[LVD_DOMAIN_ARGS])
{
	int n = lvd_rtnl_link_slot(d, args[0]);

	if (n < 0 || !lvd_rtnl_held_by(d))
		return 0;
	__rtnl_link_unregister(&lvd_rtnl_links[n].kops);
	lvd_rtnl_link_free(n);
	return 0;
}

/* Unregister slot @n's kind, with the devices of it, and free the slot */
static void lvd_rtnl_link_remove(unsigned int n)
{
	rtnl_link_unregister(&lvd_rtnl_links[n].kops);
	rtnl_lock();
	lvd_rtnl_link_free(n);
	rtnl_unlock();
}

/* rtnl_link_unregister(ops): takes the locks itself */
unsigned long lvd_glue_rtnl_link_unregister(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS])
{
	int n = lvd_rtnl_link_slot(d, args[0]);

	if (n < 0 || !lvd_rtnl_may_lock(d, "rtnl_link_unregister()", &lvd_rtnl_hold) ||
	    !lvd_rtnl_may_lock(d, "rtnl_link_unregister()", &lvd_pernet_hold))
		return 0;
	lvd_rtnl_link_remove(n);
	return 0;
}

/**
 * lvd_rtnl_release() - unregister the link kinds of a domain that goes
 * @d: the domain
 *
 * With them go the devices of those kinds. Context: may sleep; no call
 * into @d is in progress.
 */
void lvd_rtnl_release(struct lvd_domain *d)
{
	unsigned int n;

	for (n = 0; n < LVD_RTNL_LINKS; n++)
		if (READ_ONCE(lvd_rtnl_links[n].d) == d)
			lvd_rtnl_link_remove(n);
}
