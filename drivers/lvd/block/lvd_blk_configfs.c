// SPDX-License-Identifier: GPL-2.0
/*
 * configfs and badblocks for isolated block drivers.
 *
 * The kernel owns the configfs tree of an isolated driver: its subsystem,
 * and each directory made in it, is a config_group of the kernel's (a
 * shadow), with an item type of the kernel's built once, checked, from
 * the driver's (struct lvd_blk_cfs_type): the item and group operations
 * carried (release, make_group, drop_item) are bound to the driver's
 * code, and its attributes are copied, names and modes, into kernel
 * attributes whose show and store are the glue's. configfs passes show
 * and store no attribute, so each kernel attribute takes one of
 * LVD_BLK_CFS_SLOTS slots, each with a show and a store trampoline that
 * knows its slot.
 *
 * The driver's make_group returns its own config_group: the glue checks
 * it (the domain's memory, the name it was asked for, no group it already
 * shadows) and shadows it. The driver names its groups by their
 * addresses in its memory, and gets those in every call (show, store,
 * drop_item, release), with its text in a bounce page of its own.
 *
 * Every kernel type and attribute is owned by the driver's module, so
 * configfs pins it while a directory of the driver's exists or one of its
 * files is open, as for a driver in the kernel: rmmod with a device still
 * configured fails (EBUSY), and no call into the domain outlives it. A
 * stopped domain's calls fail with its error; rmdir still takes the
 * directory down.
 *
 * Bad-block lists are supported only disabled (badblocks_init() with
 * enable 0), which is how a driver starts them.
 */

#include <linux/badblocks.h>
#include <linux/configfs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include "lvd_blk.h"

/* Attribute slots (show and store trampolines), for all domains */
#define LVD_BLK_CFS_SLOTS	64
/* The most attributes of one item type */
#define LVD_BLK_CFS_ATTRS	48
/* The longest attribute name, with its NUL */
#define LVD_BLK_CFS_NAME_LEN	32
/* What an attribute's mode may keep */
#define LVD_BLK_CFS_MODE	(0444 | 0200)

/**
 * struct lvd_blk_cfs_type - the kernel's item type of a driver's
 * @kt: the kernel's item type
 * @item_ops: its item operations: the glue's release, for items
 * @group_ops: its group operations: the glue's make_group and drop_item
 * @bd: the domain
 * @dom: the driver's item type, in the domain
 * @release: the driver's release, bound, if any
 * @make_group: the driver's make_group, bound, if any
 * @drop_item: the driver's drop_item, bound, if any
 * @attrs: the kernel's attributes (struct lvd_blk_cfs_attr), NULL-ended
 * @nr_attrs: how many
 * @node: on the domain's list of item types
 */
struct lvd_blk_cfs_type {
	struct config_item_type kt;
	struct configfs_item_operations item_ops;
	struct configfs_group_operations group_ops;
	struct lvd_blk_domain *bd;
	unsigned long dom;
	struct lvd_domain_fn release;
	struct lvd_domain_fn make_group;
	struct lvd_domain_fn drop_item;
	struct configfs_attribute *attrs[LVD_BLK_CFS_ATTRS + 1];
	unsigned int nr_attrs;
	struct list_head node;
};

/**
 * struct lvd_blk_cfs_attr - the kernel's attribute of a driver's
 * @attr: the kernel's attribute, whose show and store are its slot's
 * @name: its name, copied
 * @bd: the domain
 * @show: the driver's show, bound, if any
 * @store: the driver's store, bound, if any
 * @slot: its slot
 */
struct lvd_blk_cfs_attr {
	struct configfs_attribute attr;
	char name[LVD_BLK_CFS_NAME_LEN];
	struct lvd_blk_domain *bd;
	struct lvd_domain_fn show;
	struct lvd_domain_fn store;
	unsigned int slot;
};

/**
 * struct lvd_blk_cfs_item - the kernel's shadow of a driver's group
 * @group: the kernel's group, in the kernel's configfs tree
 * @bd: the domain
 * @dom: the driver's group, in the domain
 * @driver_ref: the driver still holds the reference make_group gave it
 * @node: on the domain's list of groups
 */
struct lvd_blk_cfs_item {
	struct config_group group;
	struct lvd_blk_domain *bd;
	unsigned long dom;
	bool driver_ref;
	struct list_head node;
};

/**
 * struct lvd_blk_subsys - the kernel's configfs subsystem of a driver's
 * @sub: the kernel's subsystem
 * @type: its item type, built from the driver's
 * @dom: the driver's, in the domain
 * @node: on the domain's list
 */
struct lvd_blk_subsys {
	struct configfs_subsystem sub;
	struct lvd_blk_cfs_type *type;
	unsigned long dom;
	struct list_head node;
};

static struct lvd_blk_cfs_attr *lvd_blk_cfs_slots[LVD_BLK_CFS_SLOTS];
static DEFINE_SPINLOCK(lvd_blk_cfs_slot_lock);

/* The domain's address of a kernel group of the glue's */
static unsigned long lvd_blk_cfs_dom(struct config_item *item)
{
	struct config_group *group = to_config_group(item);
	struct configfs_subsystem *sub = group->cg_subsys;

	if (sub && item == &sub->su_group.cg_item)
		return container_of(sub, struct lvd_blk_subsys, sub)->dom;
	return container_of(group, struct lvd_blk_cfs_item, group)->dom;
}

/* An error the driver returned, as the kernel may pass it on */
static long lvd_blk_cfs_err(unsigned long ret)
{
	return IS_ERR_VALUE(ret) ? (long)ret : -EIO;
}

/* show() of slot @slot: the driver's, on a bounce page of its domain's */
static ssize_t lvd_blk_cfs_show(unsigned int slot, struct config_item *item,
				char *page)
{
	struct lvd_blk_cfs_attr *a = READ_ONCE(lvd_blk_cfs_slots[slot]);
	unsigned long args[LVD_DOMAIN_ARGS] = { lvd_blk_cfs_dom(item) }, ret;
	struct lvd_domain *d = a->bd->d;
	ssize_t err;

	args[1] = lvd_domain_alloc(d, PAGE_SIZE);
	if (!args[1])
		return -ENOMEM;
	err = lvd_domain_fn_call(&a->show, args, &ret);
	if (!err && (long)ret < 0) {
		err = lvd_blk_cfs_err(ret);
	} else if (!err && ret > PAGE_SIZE) {
		lvd_blk_refused(d, a->bd, "configfs %s: show of more than a page refused",
				a->name);
		err = -EIO;
	} else if (!err && lvd_domain_copy_from(d, page, args[1], ret)) {
		err = -EFAULT;
	}
	lvd_domain_free(d, args[1]);
	return err ?: (ssize_t)ret;
}

/* store() of slot @slot: the driver's, on a bounce page of its domain's */
static ssize_t lvd_blk_cfs_store(unsigned int slot, struct config_item *item,
				 const char *page, size_t count)
{
	struct lvd_blk_cfs_attr *a = READ_ONCE(lvd_blk_cfs_slots[slot]);
	unsigned long args[LVD_DOMAIN_ARGS] = { lvd_blk_cfs_dom(item) }, ret;
	struct lvd_domain *d = a->bd->d;
	ssize_t err;

	if (count >= PAGE_SIZE)
		return -EINVAL;
	args[1] = lvd_domain_alloc(d, PAGE_SIZE);
	if (!args[1])
		return -ENOMEM;
	args[2] = count;
	err = lvd_domain_copy_to(d, args[1], page, count) ?:
	      lvd_domain_copy_to(d, args[1] + count, "", 1) ?:
	      lvd_domain_fn_call(&a->store, args, &ret);
	lvd_domain_free(d, args[1]);
	if (err)
		return err;
	if ((long)ret < 0)
		return lvd_blk_cfs_err(ret);
	if (ret > count) {
		lvd_blk_refused(d, a->bd, "configfs %s: store of more than it was given refused",
				a->name);
		return -EIO;
	}
	return ret;
}

/* Slot @n's show and store trampolines, which know their slot */
#define LVD_BLK_CFS_SLOT(n)						\
static const unsigned int lvd_blk_cfs_slot_##n = n;			\
static ssize_t lvd_blk_cfs_show_##n(struct config_item *item, char *page) \
{									\
	return lvd_blk_cfs_show(lvd_blk_cfs_slot_##n, item, page);	\
}									\
static ssize_t lvd_blk_cfs_store_##n(struct config_item *item,		\
				     const char *page, size_t count)	\
{									\
	return lvd_blk_cfs_store(lvd_blk_cfs_slot_##n, item, page, count); \
}

LVD_BLK_CFS_SLOT(0)
LVD_BLK_CFS_SLOT(1)
LVD_BLK_CFS_SLOT(2)
LVD_BLK_CFS_SLOT(3)
LVD_BLK_CFS_SLOT(4)
LVD_BLK_CFS_SLOT(5)
LVD_BLK_CFS_SLOT(6)
LVD_BLK_CFS_SLOT(7)
LVD_BLK_CFS_SLOT(8)
LVD_BLK_CFS_SLOT(9)
LVD_BLK_CFS_SLOT(10)
LVD_BLK_CFS_SLOT(11)
LVD_BLK_CFS_SLOT(12)
LVD_BLK_CFS_SLOT(13)
LVD_BLK_CFS_SLOT(14)
LVD_BLK_CFS_SLOT(15)
LVD_BLK_CFS_SLOT(16)
LVD_BLK_CFS_SLOT(17)
LVD_BLK_CFS_SLOT(18)
LVD_BLK_CFS_SLOT(19)
LVD_BLK_CFS_SLOT(20)
LVD_BLK_CFS_SLOT(21)
LVD_BLK_CFS_SLOT(22)
LVD_BLK_CFS_SLOT(23)
LVD_BLK_CFS_SLOT(24)
LVD_BLK_CFS_SLOT(25)
LVD_BLK_CFS_SLOT(26)
LVD_BLK_CFS_SLOT(27)
LVD_BLK_CFS_SLOT(28)
LVD_BLK_CFS_SLOT(29)
LVD_BLK_CFS_SLOT(30)
LVD_BLK_CFS_SLOT(31)
LVD_BLK_CFS_SLOT(32)
LVD_BLK_CFS_SLOT(33)
LVD_BLK_CFS_SLOT(34)
LVD_BLK_CFS_SLOT(35)
LVD_BLK_CFS_SLOT(36)
LVD_BLK_CFS_SLOT(37)
LVD_BLK_CFS_SLOT(38)
LVD_BLK_CFS_SLOT(39)
LVD_BLK_CFS_SLOT(40)
LVD_BLK_CFS_SLOT(41)
LVD_BLK_CFS_SLOT(42)
LVD_BLK_CFS_SLOT(43)
LVD_BLK_CFS_SLOT(44)
LVD_BLK_CFS_SLOT(45)
LVD_BLK_CFS_SLOT(46)
LVD_BLK_CFS_SLOT(47)
LVD_BLK_CFS_SLOT(48)
LVD_BLK_CFS_SLOT(49)
LVD_BLK_CFS_SLOT(50)
LVD_BLK_CFS_SLOT(51)
LVD_BLK_CFS_SLOT(52)
LVD_BLK_CFS_SLOT(53)
LVD_BLK_CFS_SLOT(54)
LVD_BLK_CFS_SLOT(55)
LVD_BLK_CFS_SLOT(56)
LVD_BLK_CFS_SLOT(57)
LVD_BLK_CFS_SLOT(58)
LVD_BLK_CFS_SLOT(59)
LVD_BLK_CFS_SLOT(60)
LVD_BLK_CFS_SLOT(61)
LVD_BLK_CFS_SLOT(62)
LVD_BLK_CFS_SLOT(63)

/**
 * struct lvd_blk_cfs_tramp - a slot's trampolines
 * @show: its show
 * @store: its store
 */
struct lvd_blk_cfs_tramp {
	ssize_t (*show)(struct config_item *item, char *page);
	ssize_t (*store)(struct config_item *item, const char *page,
			 size_t count);
};

#define LVD_BLK_CFS_TRAMP(n)	{ lvd_blk_cfs_show_##n, lvd_blk_cfs_store_##n }

static const struct lvd_blk_cfs_tramp lvd_blk_cfs_tramps[LVD_BLK_CFS_SLOTS] = {
	LVD_BLK_CFS_TRAMP(0), LVD_BLK_CFS_TRAMP(1), LVD_BLK_CFS_TRAMP(2),
	LVD_BLK_CFS_TRAMP(3), LVD_BLK_CFS_TRAMP(4), LVD_BLK_CFS_TRAMP(5),
	LVD_BLK_CFS_TRAMP(6), LVD_BLK_CFS_TRAMP(7), LVD_BLK_CFS_TRAMP(8),
	LVD_BLK_CFS_TRAMP(9), LVD_BLK_CFS_TRAMP(10), LVD_BLK_CFS_TRAMP(11),
	LVD_BLK_CFS_TRAMP(12), LVD_BLK_CFS_TRAMP(13), LVD_BLK_CFS_TRAMP(14),
	LVD_BLK_CFS_TRAMP(15), LVD_BLK_CFS_TRAMP(16), LVD_BLK_CFS_TRAMP(17),
	LVD_BLK_CFS_TRAMP(18), LVD_BLK_CFS_TRAMP(19), LVD_BLK_CFS_TRAMP(20),
	LVD_BLK_CFS_TRAMP(21), LVD_BLK_CFS_TRAMP(22), LVD_BLK_CFS_TRAMP(23),
	LVD_BLK_CFS_TRAMP(24), LVD_BLK_CFS_TRAMP(25), LVD_BLK_CFS_TRAMP(26),
	LVD_BLK_CFS_TRAMP(27), LVD_BLK_CFS_TRAMP(28), LVD_BLK_CFS_TRAMP(29),
	LVD_BLK_CFS_TRAMP(30), LVD_BLK_CFS_TRAMP(31), LVD_BLK_CFS_TRAMP(32),
	LVD_BLK_CFS_TRAMP(33), LVD_BLK_CFS_TRAMP(34), LVD_BLK_CFS_TRAMP(35),
	LVD_BLK_CFS_TRAMP(36), LVD_BLK_CFS_TRAMP(37), LVD_BLK_CFS_TRAMP(38),
	LVD_BLK_CFS_TRAMP(39), LVD_BLK_CFS_TRAMP(40), LVD_BLK_CFS_TRAMP(41),
	LVD_BLK_CFS_TRAMP(42), LVD_BLK_CFS_TRAMP(43), LVD_BLK_CFS_TRAMP(44),
	LVD_BLK_CFS_TRAMP(45), LVD_BLK_CFS_TRAMP(46), LVD_BLK_CFS_TRAMP(47),
	LVD_BLK_CFS_TRAMP(48), LVD_BLK_CFS_TRAMP(49), LVD_BLK_CFS_TRAMP(50),
	LVD_BLK_CFS_TRAMP(51), LVD_BLK_CFS_TRAMP(52), LVD_BLK_CFS_TRAMP(53),
	LVD_BLK_CFS_TRAMP(54), LVD_BLK_CFS_TRAMP(55), LVD_BLK_CFS_TRAMP(56),
	LVD_BLK_CFS_TRAMP(57), LVD_BLK_CFS_TRAMP(58), LVD_BLK_CFS_TRAMP(59),
	LVD_BLK_CFS_TRAMP(60), LVD_BLK_CFS_TRAMP(61), LVD_BLK_CFS_TRAMP(62),
	LVD_BLK_CFS_TRAMP(63),
};

/* A free slot for @a, or -ENOSPC */
static int lvd_blk_cfs_slot_get(struct lvd_blk_cfs_attr *a)
{
	unsigned int i;

	spin_lock(&lvd_blk_cfs_slot_lock);
	for (i = 0; i < LVD_BLK_CFS_SLOTS; i++)
		if (!lvd_blk_cfs_slots[i]) {
			WRITE_ONCE(lvd_blk_cfs_slots[i], a);
			break;
		}
	spin_unlock(&lvd_blk_cfs_slot_lock);
	if (i == LVD_BLK_CFS_SLOTS)
		return -ENOSPC;
	a->slot = i;
	a->attr.show = a->show.d ? lvd_blk_cfs_tramps[i].show : NULL;
	a->attr.store = a->store.d ? lvd_blk_cfs_tramps[i].store : NULL;
	return 0;
}

static void lvd_blk_cfs_type_free(struct lvd_blk_cfs_type *t)
{
	struct lvd_blk_cfs_attr *a;
	unsigned int i;

	for (i = 0; i < t->nr_attrs; i++) {
		a = container_of(t->attrs[i], struct lvd_blk_cfs_attr, attr);
		spin_lock(&lvd_blk_cfs_slot_lock);
		if (lvd_blk_cfs_slots[a->slot] == a)
			WRITE_ONCE(lvd_blk_cfs_slots[a->slot], NULL);
		spin_unlock(&lvd_blk_cfs_slot_lock);
		kfree(a);
	}
	kfree(t);
}

/* Bind @fn, the driver's, if set: 0, or -EINVAL when it is not its code */
static int lvd_blk_cfs_bind(struct lvd_domain *d, struct lvd_domain_fn *f,
			    const void *fn)
{
	return fn ? lvd_domain_fn_bind(f, d, (unsigned long)fn) : 0;
}

/* The kernel's copy of the driver's attribute at @dom, in a slot */
static int lvd_blk_cfs_attr_take(struct lvd_blk_cfs_type *t, unsigned long dom)
{
	struct lvd_domain *d = t->bd->d;
	struct configfs_attribute img;
	struct lvd_blk_cfs_attr *a;
	ssize_t len;
	int err;

	if (lvd_domain_copy_from(d, &img, dom, sizeof(img)))
		return -EFAULT;
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	a->bd = t->bd;
	len = lvd_domain_copy_string(d, a->name, (unsigned long)img.ca_name,
				     sizeof(a->name));
	err = len <= 0 || strchr(a->name, '/') ? -EINVAL : 0;
	if (!err)
		err = lvd_blk_cfs_bind(d, &a->show, img.show) ?:
		      lvd_blk_cfs_bind(d, &a->store, img.store);
	if (!err)
		err = lvd_blk_cfs_slot_get(a);
	if (err) {
		kfree(a);
		return err;
	}
	a->attr.ca_name = a->name;
	a->attr.ca_owner = t->kt.ct_owner;
	a->attr.ca_mode = img.ca_mode & LVD_BLK_CFS_MODE;
	t->attrs[t->nr_attrs++] = &a->attr;
	return 0;
}

/* The driver's NULL-ended array of attributes at @dom */
static int lvd_blk_cfs_attrs_take(struct lvd_blk_cfs_type *t, unsigned long dom)
{
	struct lvd_domain *d = t->bd->d;
	unsigned long attr;
	unsigned int i;
	int err;

	for (i = 0; dom; i++) {
		if (lvd_domain_copy_from(d, &attr, dom + i * sizeof(attr),
					 sizeof(attr)))
			return -EFAULT;
		if (!attr)
			return 0;
		if (i == LVD_BLK_CFS_ATTRS) {
			pr_err("%s: a configfs item type with more than %u attributes refused\n",
			       lvd_domain_name(d), LVD_BLK_CFS_ATTRS);
			return -E2BIG;
		}
		err = lvd_blk_cfs_attr_take(t, attr);
		if (err == -ENOSPC)
			pr_err("%s: no configfs attribute slot left (%u in all)\n",
			       lvd_domain_name(d), LVD_BLK_CFS_SLOTS);
		if (err)
			return err;
	}
	return 0;
}

static void lvd_blk_cfs_release(struct config_item *item);
static struct config_group *lvd_blk_cfs_make_group(struct config_group *group,
						   const char *name);
static void lvd_blk_cfs_drop_item(struct config_group *group,
				  struct config_item *item);

/* The driver's operations, checked and bound: those the glue carries */
static int lvd_blk_cfs_ops_take(struct lvd_blk_cfs_type *t,
				const struct config_item_type *img)
{
	struct lvd_domain *d = t->bd->d;
	struct configfs_group_operations go = { };
	struct configfs_item_operations io = { };

	if ((img->ct_item_ops &&
	     lvd_domain_copy_from(d, &io, (unsigned long)img->ct_item_ops,
				  sizeof(io))) ||
	    (img->ct_group_ops &&
	     lvd_domain_copy_from(d, &go, (unsigned long)img->ct_group_ops,
				  sizeof(go))))
		return -EFAULT;
	if (io.allow_link || io.drop_link || go.make_item ||
	    go.disconnect_notify || go.is_visible || go.is_bin_visible ||
	    img->ct_bin_attrs) {
		pr_err("%s: its configfs item type has operations the glue does not carry (links, make_item, visibility, binary attributes)\n",
		       lvd_domain_name(d));
		return -EOPNOTSUPP;
	}
	if (lvd_blk_cfs_bind(d, &t->release, io.release) ||
	    lvd_blk_cfs_bind(d, &t->make_group, go.make_group) ||
	    lvd_blk_cfs_bind(d, &t->drop_item, go.drop_item))
		return -EINVAL;
	if (t->make_group.d) {
		t->group_ops.make_group = lvd_blk_cfs_make_group;
		t->group_ops.drop_item = lvd_blk_cfs_drop_item;
		t->kt.ct_group_ops = &t->group_ops;
	}
	return 0;
}

/*
 * The module whose code @fn is, owner of what the kernel makes for it:
 * a domain executes only its module's text (and the glue page, which is
 * no module's).
 */
static struct module *lvd_blk_cfs_owner(const struct lvd_domain_fn *fn)
{
	struct module *mod;

	preempt_disable();
	mod = __module_address(fn->fn);
	preempt_enable();
	return mod;
}

/*
 * The kernel's item type for the driver's at @dom, checked; for a
 * subsystem (@item false) without release. Its owner is the driver's
 * module.
 */
static struct lvd_blk_cfs_type *lvd_blk_cfs_type_make(struct lvd_blk_domain *bd,
						      unsigned long dom,
						      bool item)
{
	struct config_item_type img;
	struct lvd_blk_cfs_type *t;
	int err;

	if (lvd_domain_copy_from(bd->d, &img, dom, sizeof(img)))
		return ERR_PTR(-EFAULT);
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->bd = bd;
	t->dom = dom;
	err = lvd_blk_cfs_ops_take(t, &img);
	if (!err && t->make_group.d && !bd->cfs_owner)
		bd->cfs_owner = lvd_blk_cfs_owner(&t->make_group);
	if (!err && t->make_group.d && !bd->cfs_owner)
		err = -EINVAL;
	t->kt.ct_owner = bd->cfs_owner;
	if (!err)
		err = lvd_blk_cfs_attrs_take(t, (unsigned long)img.ct_attrs);
	if (err) {
		lvd_blk_cfs_type_free(t);
		return ERR_PTR(err);
	}
	if (item) {
		t->item_ops.release = lvd_blk_cfs_release;
		t->kt.ct_item_ops = &t->item_ops;
	}
	t->kt.ct_attrs = t->attrs;
	return t;
}

/* The kernel's item type for items of the driver's type @dom; bd->lock */
static struct lvd_blk_cfs_type *lvd_blk_cfs_item_type(struct lvd_blk_domain *bd,
						      unsigned long dom)
{
	struct lvd_blk_cfs_type *t;

	list_for_each_entry(t, &bd->cfs_types, node)
		if (t->dom == dom)
			return t;
	t = lvd_blk_cfs_type_make(bd, dom, true);
	if (!IS_ERR(t))
		list_add(&t->node, &bd->cfs_types);
	return t;
}

/* Is @dom a group the glue shadows already, or a subsystem? bd->lock */
static bool lvd_blk_cfs_known(struct lvd_blk_domain *bd, unsigned long dom)
{
	struct lvd_blk_cfs_item *it;
	struct lvd_blk_subsys *s;
	bool known = false;

	list_for_each_entry(s, &bd->subsys, node)
		known |= s->dom == dom;
	spin_lock(&bd->cfs_lock);
	list_for_each_entry(it, &bd->cfs_items, node)
		known |= it->dom == dom;
	spin_unlock(&bd->cfs_lock);
	return known;
}

/*
 * The shadow of the group at @dom that the driver's make_group returned
 * for @name: its memory, named @name, no group already shadowed, of an
 * item type the glue takes.
 */
static struct config_group *lvd_blk_cfs_shadow(struct lvd_blk_domain *bd,
					       unsigned long dom,
					       const char *name)
{
	char got[CONFIGFS_ITEM_NAME_LEN];
	struct lvd_blk_cfs_item *it;
	struct lvd_blk_cfs_type *t;
	struct config_group img;

	if (lvd_domain_copy_from(bd->d, &img, dom, sizeof(img)) ||
	    lvd_domain_copy_string(bd->d, got, (unsigned long)img.cg_item.ci_name,
				   sizeof(got)) <= 0 ||
	    strcmp(got, name) || lvd_blk_cfs_known(bd, dom)) {
		lvd_blk_refused(bd->d, bd,
				"configfs make_group() returned a group that is not the one asked for: refused");
		return ERR_PTR(-EINVAL);
	}
	it = kzalloc(sizeof(*it), GFP_KERNEL);
	if (!it)
		return ERR_PTR(-ENOMEM);
	t = lvd_blk_cfs_item_type(bd, (unsigned long)img.cg_item.ci_type);
	if (IS_ERR(t)) {
		kfree(it);
		return ERR_CAST(t);
	}
	it->bd = bd;
	it->dom = dom;
	it->driver_ref = true;
	config_group_init_type_name(&it->group, name, &t->kt);
	spin_lock(&bd->cfs_lock);
	list_add(&it->node, &bd->cfs_items);
	spin_unlock(&bd->cfs_lock);
	return &it->group;
}

/* make_group: the driver's, on its group, with the name in its memory */
static struct config_group *lvd_blk_cfs_make_group(struct config_group *group,
						   const char *name)
{
	struct lvd_blk_cfs_type *t = container_of(group->cg_item.ci_type,
						  struct lvd_blk_cfs_type, kt);
	unsigned long args[LVD_DOMAIN_ARGS] = { lvd_blk_cfs_dom(&group->cg_item) };
	struct lvd_blk_domain *bd = t->bd;
	size_t len = strlen(name) + 1;
	struct config_group *made;
	unsigned long ret;
	int err;

	if (len > CONFIGFS_ITEM_NAME_LEN)
		return ERR_PTR(-ENAMETOOLONG);
	args[1] = lvd_domain_alloc(bd->d, len);
	if (!args[1])
		return ERR_PTR(-ENOMEM);
	err = lvd_domain_copy_to(bd->d, args[1], name, len) ?:
	      lvd_domain_fn_call(&t->make_group, args, &ret);
	lvd_domain_free(bd->d, args[1]);
	if (err)
		return ERR_PTR(err);
	if (IS_ERR_VALUE(ret))
		return ERR_PTR((long)ret);
	if (!ret)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&bd->lock);
	made = lvd_blk_cfs_shadow(bd, ret, name);
	mutex_unlock(&bd->lock);
	return made;
}

/* The driver's reference to @it, if it holds it still: dropped */
static void lvd_blk_cfs_driver_put(struct lvd_blk_cfs_item *it)
{
	struct lvd_blk_domain *bd = it->bd;
	bool held;

	spin_lock(&bd->cfs_lock);
	held = it->driver_ref;
	it->driver_ref = false;
	spin_unlock(&bd->cfs_lock);
	if (held)
		config_item_put(&it->group.cg_item);
}

/*
 * drop_item: the driver's, which puts the reference make_group gave it;
 * if it does not (it has no drop_item, or it failed), the kernel does.
 */
static void lvd_blk_cfs_drop_item(struct config_group *group,
				  struct config_item *item)
{
	struct lvd_blk_cfs_type *t = container_of(group->cg_item.ci_type,
						  struct lvd_blk_cfs_type, kt);
	struct lvd_blk_cfs_item *it = container_of(to_config_group(item),
						   struct lvd_blk_cfs_item,
						   group);
	unsigned long args[LVD_DOMAIN_ARGS] = {
		lvd_blk_cfs_dom(&group->cg_item), it->dom,
	}, ret;

	if (t->drop_item.d)
		lvd_domain_fn_call(&t->drop_item, args, &ret);
	lvd_blk_cfs_driver_put(it);
}

/* release of a shadow: the driver's, then the shadow goes */
static void lvd_blk_cfs_release(struct config_item *item)
{
	struct lvd_blk_cfs_type *t = container_of(item->ci_type,
						  struct lvd_blk_cfs_type, kt);
	struct lvd_blk_cfs_item *it = container_of(to_config_group(item),
						   struct lvd_blk_cfs_item,
						   group);
	unsigned long args[LVD_DOMAIN_ARGS] = { it->dom }, ret;

	if (t->release.d)
		lvd_domain_fn_call(&t->release, args, &ret);
	spin_lock(&it->bd->cfs_lock);
	list_del(&it->node);
	spin_unlock(&it->bd->cfs_lock);
	kfree(it);
}

/* configfs_register_subsystem(subsys) */
unsigned long lvd_glue_configfs_register_subsystem(struct lvd_domain *d,
						   const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_blk_domain *bd = lvd_blk_domain_get(d);
	struct config_item *item;
	struct config_item_type *type;
	struct lvd_blk_subsys *s;
	int err;

	if (!bd)
		return -ENOMEM;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	item = &s->sub.su_group.cg_item;
	if (lvd_domain_copy_string(d, item->ci_namebuf,
				   args[0] + offsetof(struct config_item, ci_namebuf),
				   CONFIGFS_ITEM_NAME_LEN) <= 0 ||
	    lvd_domain_copy_from(d, &type, args[0] + offsetof(struct config_item,
							      ci_type),
				 sizeof(type))) {
		kfree(s);
		return -EINVAL;
	}
	s->dom = args[0];
	mutex_lock(&bd->lock);
	s->type = lvd_blk_cfs_type_make(bd, (unsigned long)type, false);
	mutex_unlock(&bd->lock);
	if (IS_ERR(s->type)) {
		err = PTR_ERR(s->type);
		kfree(s);
		return err;
	}
	config_group_init_type_name(&s->sub.su_group, item->ci_namebuf,
				    &s->type->kt);
	mutex_init(&s->sub.su_mutex);
	err = configfs_register_subsystem(&s->sub);
	if (err) {
		lvd_blk_cfs_type_free(s->type);
		kfree(s);
		return err;
	}
	mutex_lock(&bd->lock);
	list_add(&s->node, &bd->subsys);
	mutex_unlock(&bd->lock);
	return 0;
}

static void lvd_blk_subsys_put(struct lvd_blk_subsys *s)
{
	configfs_unregister_subsystem(&s->sub);
	list_del(&s->node);
	lvd_blk_cfs_type_free(s->type);
	kfree(s);
}

/* configfs_unregister_subsystem(subsys) */
unsigned long lvd_glue_configfs_unregister_subsystem(struct lvd_domain *d,
						     const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_blk_domain *bd = lvd_blk_domain_find(d);
	struct lvd_blk_subsys *s;

	if (!bd)
		return 0;
	mutex_lock(&bd->lock);
	list_for_each_entry(s, &bd->subsys, node)
		if (s->dom == args[0]) {
			lvd_blk_subsys_put(s);
			break;
		}
	mutex_unlock(&bd->lock);
	return 0;
}

/**
 * lvd_blk_configfs_release() - unregister what a domain left registered
 * @bd: the domain, whose module is going
 *
 * configfs pinned the module while a group of the driver's existed, so
 * none is left: the subsystems are empty, and the item types unused.
 */
void lvd_blk_configfs_release(struct lvd_blk_domain *bd)
{
	struct lvd_blk_subsys *s, *n;
	struct lvd_blk_cfs_type *t, *nt;

	mutex_lock(&bd->lock);
	list_for_each_entry_safe(s, n, &bd->subsys, node)
		lvd_blk_subsys_put(s);
	list_for_each_entry_safe(t, nt, &bd->cfs_types, node) {
		list_del(&t->node);
		lvd_blk_cfs_type_free(t);
	}
	mutex_unlock(&bd->lock);
}

/* Write an empty list head at @va, in the domain */
static int lvd_blk_list_init(struct lvd_domain *d, unsigned long va)
{
	unsigned long head[2] = { va, va };

	return lvd_domain_copy_to(d, va, head, sizeof(head));
}

/*
 * The driver's config_group at @va set up as config_group_init() would:
 * one reference, empty lists, in its memory.
 */
static int lvd_blk_group_init(struct lvd_domain *d, unsigned long va)
{
	unsigned int one = 1;

	return lvd_domain_copy_to(d, va + offsetof(struct config_group,
						   cg_item.ci_kref),
				  &one, sizeof(one)) ?:
	       lvd_blk_list_init(d, va + offsetof(struct config_group,
						  cg_item.ci_entry)) ?:
	       lvd_blk_list_init(d, va + offsetof(struct config_group,
						  cg_children)) ?:
	       lvd_blk_list_init(d, va + offsetof(struct config_group,
						  default_groups));
}

/* config_group_init(group) */
unsigned long lvd_glue_config_group_init(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_blk_group_init(d, args[0]);
	return 0;
}

/* config_group_init_type_name(group, name, type) */
unsigned long lvd_glue_config_group_init_type_name(struct lvd_domain *d,
						   const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long item = args[0], name = item +
		offsetof(struct config_item, ci_namebuf);
	char buf[CONFIGFS_ITEM_NAME_LEN];

	if (lvd_domain_copy_string(d, buf, args[1], sizeof(buf)) < 0 ||
	    lvd_blk_group_init(d, item))
		return 0;
	lvd_domain_copy_to(d, name, buf, sizeof(buf));
	lvd_domain_copy_to(d, item + offsetof(struct config_item, ci_name),
			   &name, sizeof(name));
	lvd_domain_copy_to(d, item + offsetof(struct config_item, ci_type),
			   &args[2], sizeof(args[2]));
	return 0;
}

/*
 * config_item_put(item): of a group the glue shadows, the reference its
 * make_group gave the driver, once; of any other, nothing (the driver's
 * own items are never the kernel's)
 */
unsigned long lvd_glue_config_item_put(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_blk_domain *bd = lvd_blk_domain_find(d);
	struct lvd_blk_cfs_item *it, *found = NULL;

	if (!bd)
		return 0;
	spin_lock(&bd->cfs_lock);
	list_for_each_entry(it, &bd->cfs_items, node)
		if (it->dom == args[0] && it->driver_ref) {
			it->driver_ref = false;
			found = it;
			break;
		}
	spin_unlock(&bd->cfs_lock);
	if (found)
		config_item_put(&found->group.cg_item);
	return 0;
}

/* badblocks_init(bb, enable): disabled lists only */
unsigned long lvd_glue_badblocks_init(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct badblocks bb = { .shift = -1 };

	if (args[1]) {
		pr_err("%s: bad-block lists are not supported for isolated drivers yet\n",
		       lvd_domain_name(d));
		return -EOPNOTSUPP;
	}
	return lvd_domain_copy_to(d, args[0], &bb, sizeof(bb));
}

/* badblocks_exit(bb): a disabled list has nothing to free */
unsigned long lvd_glue_badblocks_exit(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	return 0;
}
