// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's block glue: the kernel symbols an isolated block driver may use,
 * and what the glue keeps of each domain that uses them.
 *
 * A domain's record is found by the domain's index, without a lock, on
 * the paths of every request; it is made by the domain's first call that
 * needs it and freed when its module goes, after everything the domain
 * left behind (disks, tag sets, block majors, configfs subsystems) has
 * been taken down by the kernel, whether or not its exit function ran.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <lvd/glue.h>
#include "lvd_blk.h"

static DEFINE_XARRAY(lvd_blk_domains);

/**
 * lvd_blk_domain_find() - what the glue keeps of a domain
 * @d: the domain
 *
 * Return: the record, or NULL when the domain has used no block glue.
 */
struct lvd_blk_domain *lvd_blk_domain_find(struct lvd_domain *d)
{
	struct lvd_blk_domain *bd = xa_load(&lvd_blk_domains,
					    lvd_domain_index(d));

	return bd && bd->d == d ? bd : NULL;
}

/**
 * lvd_blk_domain_get() - what the glue keeps of a domain, made if need be
 * @d: the domain
 *
 * Context: a call of the domain's that may sleep.
 * Return: the record, or NULL when there is no memory.
 */
struct lvd_blk_domain *lvd_blk_domain_get(struct lvd_domain *d)
{
	struct lvd_blk_domain *bd = lvd_blk_domain_find(d), *old;

	if (bd)
		return bd;
	bd = kzalloc(sizeof(*bd), GFP_KERNEL);
	if (!bd)
		return NULL;
	bd->d = d;
	INIT_LIST_HEAD(&bd->sets);
	INIT_LIST_HEAD(&bd->disks);
	INIT_LIST_HEAD(&bd->majors);
	INIT_LIST_HEAD(&bd->subsys);
	INIT_LIST_HEAD(&bd->cfs_types);
	INIT_LIST_HEAD(&bd->cfs_items);
	spin_lock_init(&bd->cfs_lock);
	ratelimit_state_init(&bd->refusals, DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST);
	mutex_init(&bd->lock);
	old = xa_cmpxchg(&lvd_blk_domains, lvd_domain_index(d), NULL, bd,
			 GFP_KERNEL);
	if (old) {
		/* Another of the domain's tasks made it first */
		kfree(bd);
		return xa_is_err(old) ? NULL : old;
	}
	return bd;
}

/**
 * lvd_blk_refused() - say that the glue refused what a domain asked
 * @d: the domain
 * @bd: its record, or NULL when it has none
 * @fmt: what was refused, after the domain's name
 *
 * At the usual rate of the kernel's messages, counted for each domain on
 * its own, so that one driver's flood of misuse hides no other's.
 */
void lvd_blk_refused(struct lvd_domain *d, struct lvd_blk_domain *bd,
		     const char *fmt, ...)
{
	static DEFINE_RATELIMIT_STATE(others, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);
	struct va_format vaf;
	va_list args;

	if (!__ratelimit(bd ? &bd->refusals : &others))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("%s: %pV\n", lvd_domain_name(d), &vaf);
	va_end(args);
}

/* Take down what the domain left, then forget it */
static void lvd_blk_release(struct lvd_domain *d)
{
	struct lvd_blk_domain *bd = lvd_blk_domain_find(d);

	if (!bd)
		return;
	lvd_blk_configfs_release(bd);
	lvd_blk_disk_release(bd);
	lvd_blk_set_release(bd);
	xa_erase(&lvd_blk_domains, lvd_domain_index(d));
	synchronize_rcu();
	mutex_destroy(&bd->lock);
	kfree(bd);
}

/* What a driver may call but the glue does not offer yet: a clear stop */
static unsigned long lvd_blk_not_yet(struct lvd_domain *d, const char *what)
{
	pr_err("%s: %s is not supported for isolated block drivers yet\n",
	       lvd_domain_name(d), what);
	lvd_domain_stop_for(d, LVD_DOMAIN_FAULT_BAD_CALL);
	return 0;
}

#define LVD_BLK_NOT_YET(sym)						\
static unsigned long lvd_glue_##sym(struct lvd_domain *d,		\
				    const unsigned long args[LVD_DOMAIN_ARGS]) \
{									\
	return lvd_blk_not_yet(d, #sym "()");				\
}

LVD_BLK_NOT_YET(blk_mq_stop_hw_queues)
LVD_BLK_NOT_YET(blk_mq_start_stopped_hw_queues)
LVD_BLK_NOT_YET(blk_mq_update_nr_hw_queues)
LVD_BLK_NOT_YET(blk_mq_map_queues)
LVD_BLK_NOT_YET(blk_mq_end_request_batch)
LVD_BLK_NOT_YET(badblocks_check)
LVD_BLK_NOT_YET(badblocks_set)
LVD_BLK_NOT_YET(badblocks_clear)
LVD_BLK_NOT_YET(badblocks_show)

static const struct lvd_glue lvd_blk_glue[] = {
	{ "blk_mq_alloc_tag_set", lvd_glue_blk_mq_alloc_tag_set, LVD_KCALL_MAY_SLEEP },
	{ "blk_mq_free_tag_set", lvd_glue_blk_mq_free_tag_set, LVD_KCALL_MAY_SLEEP },
	{ "blk_mq_start_request", lvd_glue_blk_mq_start_request,
	  .defer = LVD_GLUE_DEFER_START },
	{ "blk_mq_end_request", lvd_glue_blk_mq_end_request,
	  .defer = LVD_GLUE_DEFER_END },
	{ "blk_mq_complete_request", lvd_glue_blk_mq_complete_request,
	  .defer = LVD_GLUE_DEFER_COMPLETE },
	{ "errno_to_blk_status", lvd_glue_errno_to_blk_status },
	{ "__register_blkdev", lvd_glue_register_blkdev, LVD_KCALL_MAY_SLEEP },
	{ "unregister_blkdev", lvd_glue_unregister_blkdev, LVD_KCALL_MAY_SLEEP },
	{ "__blk_mq_alloc_disk", lvd_glue_blk_mq_alloc_disk, LVD_KCALL_MAY_SLEEP },
	{ "device_add_disk", lvd_glue_device_add_disk, LVD_KCALL_MAY_SLEEP },
	{ "del_gendisk", lvd_glue_del_gendisk, LVD_KCALL_MAY_SLEEP },
	{ "put_disk", lvd_glue_put_disk, LVD_KCALL_MAY_SLEEP },
	{ "set_capacity", lvd_glue_set_capacity, LVD_KCALL_MAY_SLEEP },
	{ "configfs_register_subsystem", lvd_glue_configfs_register_subsystem,
	  LVD_KCALL_MAY_SLEEP },
	{ "configfs_unregister_subsystem", lvd_glue_configfs_unregister_subsystem,
	  LVD_KCALL_MAY_SLEEP },
	{ "config_group_init", lvd_glue_config_group_init },
	{ "config_group_init_type_name", lvd_glue_config_group_init_type_name },
	{ "config_item_put", lvd_glue_config_item_put },
	{ "badblocks_init", lvd_glue_badblocks_init },
	{ "badblocks_exit", lvd_glue_badblocks_exit },
	{ "blk_mq_stop_hw_queues", lvd_glue_blk_mq_stop_hw_queues },
	{ "blk_mq_start_stopped_hw_queues", lvd_glue_blk_mq_start_stopped_hw_queues },
	{ "blk_mq_update_nr_hw_queues", lvd_glue_blk_mq_update_nr_hw_queues },
	{ "blk_mq_map_queues", lvd_glue_blk_mq_map_queues },
	{ "blk_mq_end_request_batch", lvd_glue_blk_mq_end_request_batch },
	{ "badblocks_check", lvd_glue_badblocks_check },
	{ "badblocks_set", lvd_glue_badblocks_set },
	{ "badblocks_clear", lvd_glue_badblocks_clear },
	{ "badblocks_show", lvd_glue_badblocks_show },
};

static struct lvd_glue_set lvd_blk_glue_set = {
	.owner = THIS_MODULE,
	.glue = lvd_blk_glue,
	.n = ARRAY_SIZE(lvd_blk_glue),
	.release = lvd_blk_release,
};

static int __init lvd_blk_glue_init(void)
{
	return lvd_glue_register(&lvd_blk_glue_set);
}
late_initcall(lvd_blk_glue_init);
