// SPDX-License-Identifier: GPL-2.0
/*
 * configfs and badblocks for isolated block drivers, as far as the glue
 * carries them yet.
 *
 * A driver's configfs subsystem is registered in the kernel under the
 * driver's name for it, as a directory of the kernel's: its items, groups
 * and attributes are not carried yet, so making a directory in it fails
 * with EOPNOTSUPP and says why in the log. config_group_init() and
 * config_group_init_type_name() set the driver's own structures up as the
 * kernel's would, in its memory, which the kernel never reads again.
 * Bad-block lists are supported only disabled (badblocks_init() with
 * enable 0), which is how a driver starts them.
 */

#include <linux/badblocks.h>
#include <linux/configfs.h>
#include <linux/slab.h>
#include "lvd_blk.h"

/**
 * struct lvd_blk_subsys - the kernel's configfs subsystem of a driver's
 * @sub: the kernel's subsystem
 * @dom: the driver's, in the domain
 * @node: on the domain's list
 */
struct lvd_blk_subsys {
	struct configfs_subsystem sub;
	unsigned long dom;
	struct list_head node;
};

static struct config_group *lvd_blk_make_group(struct config_group *group,
					       const char *name)
{
	pr_err("lvd: %s: configfs devices of isolated drivers are not supported yet\n",
	       config_item_name(&group->cg_item));
	return ERR_PTR(-EOPNOTSUPP);
}

static struct configfs_group_operations lvd_blk_group_ops = {
	.make_group = lvd_blk_make_group,
};

static const struct config_item_type lvd_blk_subsys_type = {
	.ct_group_ops = &lvd_blk_group_ops,
};

/* configfs_register_subsystem(subsys) */
unsigned long lvd_glue_configfs_register_subsystem(struct lvd_domain *d,
						   const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_blk_domain *bd = lvd_blk_domain_get(d);
	struct config_item *item;
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
				   CONFIGFS_ITEM_NAME_LEN) <= 0) {
		kfree(s);
		return -EINVAL;
	}
	s->dom = args[0];
	config_group_init_type_name(&s->sub.su_group, item->ci_namebuf,
				    &lvd_blk_subsys_type);
	mutex_init(&s->sub.su_mutex);
	err = configfs_register_subsystem(&s->sub);
	if (err) {
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
 */
void lvd_blk_configfs_release(struct lvd_blk_domain *bd)
{
	struct lvd_blk_subsys *s, *n;

	mutex_lock(&bd->lock);
	list_for_each_entry_safe(s, n, &bd->subsys, node)
		lvd_blk_subsys_put(s);
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

/* config_item_put(item): the driver's items are never the kernel's */
unsigned long lvd_glue_config_item_put(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS])
{
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
