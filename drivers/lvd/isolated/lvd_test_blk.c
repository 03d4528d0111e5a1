// SPDX-License-Identifier: GPL-2.0
/*
 * Built isolated with LVD's test driver, this module is a small blk-mq
 * driver (disk lvdtb0, completed inline in queue_rq) that misuses the
 * block glue as its parameter "attack" says, for the selftests
 * (blk_test.c) to check each misuse is refused or contained:
 *
 *  0  none: start and end each request
 *  1  end each request twice
 *  2  ask twice for each request's completion
 *  3  start each request twice
 *  4  end forged requests first: a kernel address, an address inside its
 *     own request's shadow, NULL, its tag set; then its own
 *  5  end its previous request again, after its own (stale: ended, or
 *     this very request, handed over again)
 *  6  accept each request without starting or ending it
 *  7  end each request, then return an error for it
 *  8  at load: free a forged tag set, register a fixed major, add a disk
 *     whose block_device_operations are a kernel address
 *  9  at load: add a disk with a major that is not its own
 * 10  at load: a tag set whose ops are a kernel address
 * 11  a configfs subsystem "lvdtb" whose make_group returns, for a
 *     directory named "kernel", a kernel address; for "sub", its
 *     subsystem's group; for any other name, its one group, named so
 *     (the second time, a group the kernel shadows already). Its items'
 *     attribute "big" shows more than a page; "over" stores more than
 *     it is given.
 * 12  at load: a tag set with 65 hardware queues
 * 13  at load: a tag set with a flag the glue does not take (shared tags)
 * 14  at load: add a disk with 1000 minors
 * 15  at load: a disk whose queue limits ask for a zoned device
 * 16  start each request, then forge the completion function of its
 *     watch (its own per-CPU memory) to a kernel address and ask for the
 *     request's completion
 */

#define pr_fmt(fmt) "lvd_test_blk: " fmt

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/configfs.h>
#include <linux/module.h>
#include <lvd/domain.h>

/* A kernel address the module does not map */
#define LVD_TB_KERNEL	((void *)0xffffffff81000000UL)
/*
 * Where its per-CPU area (%gs) has its watch's fn: struct lvd_domain_watch
 * at 16 (arch/x86/lvd/domain/domain_percpu.h)
 */
#define LVD_TB_WATCH_FN	(16 + offsetof(struct lvd_domain_watch, fn))

static int lvd_tb_attack;
module_param_named(attack, lvd_tb_attack, int, 0);

static struct blk_mq_tag_set lvd_tb_set;
static struct gendisk *lvd_tb_disk;
static int lvd_tb_major;
static struct request *lvd_tb_last;

static const struct block_device_operations lvd_tb_fops = {
	.owner = THIS_MODULE,
};

static void lvd_tb_forged_ends(struct request *rq)
{
	blk_mq_end_request(LVD_TB_KERNEL, BLK_STS_OK);
	blk_mq_end_request((void *)rq + 8, BLK_STS_OK);
	blk_mq_end_request(NULL, BLK_STS_OK);
	blk_mq_end_request((void *)&lvd_tb_set, BLK_STS_OK);
}

static blk_status_t lvd_tb_queue_rq(struct blk_mq_hw_ctx *hctx,
				    const struct blk_mq_queue_data *bd)
{
	struct request *rq = bd->rq, *last = lvd_tb_last;

	lvd_tb_last = rq;
	if (lvd_tb_attack == 6)
		return BLK_STS_OK;
	blk_mq_start_request(rq);
	if (lvd_tb_attack == 16) {
		asm volatile("movq %0, %%gs:%c1"
			     : : "r" (LVD_TB_KERNEL), "i" (LVD_TB_WATCH_FN)
			     : "memory");
		blk_mq_complete_request(rq);
		return BLK_STS_OK;
	}
	if (lvd_tb_attack == 3)
		blk_mq_start_request(rq);
	if (lvd_tb_attack == 4)
		lvd_tb_forged_ends(rq);
	if (lvd_tb_attack == 2) {
		blk_mq_complete_request(rq);
		blk_mq_complete_request(rq);
		return BLK_STS_OK;
	}
	blk_mq_end_request(rq, BLK_STS_OK);
	if (lvd_tb_attack == 1)
		blk_mq_end_request(rq, BLK_STS_OK);
	/* The previous request: ended, and maybe this one again */
	if (lvd_tb_attack == 5 && last)
		blk_mq_end_request(last, BLK_STS_OK);
	return lvd_tb_attack == 7 ? BLK_STS_IOERR : BLK_STS_OK;
}

static void lvd_tb_complete(struct request *rq)
{
	blk_mq_end_request(rq, BLK_STS_OK);
}

static const struct blk_mq_ops lvd_tb_ops = {
	.queue_rq = lvd_tb_queue_rq,
	.complete = lvd_tb_complete,
};

static ssize_t lvd_tb_big_show(struct config_item *item, char *page)
{
	return PAGE_SIZE + 100;
}

static ssize_t lvd_tb_over_store(struct config_item *item, const char *page,
				 size_t count)
{
	return count + 5;
}

CONFIGFS_ATTR_RO(lvd_tb_, big);
CONFIGFS_ATTR_WO(lvd_tb_, over);

static struct configfs_attribute *lvd_tb_attrs[] = {
	&lvd_tb_attr_big,
	&lvd_tb_attr_over,
	NULL,
};

static const struct config_item_type lvd_tb_item_type = {
	.ct_attrs = lvd_tb_attrs,
	.ct_owner = THIS_MODULE,
};

static struct config_group lvd_tb_group;
static struct configfs_subsystem lvd_tb_subsys;

static struct config_group *lvd_tb_make_group(struct config_group *group,
					      const char *name)
{
	if (!strcmp(name, "kernel"))
		return LVD_TB_KERNEL;
	if (!strcmp(name, "sub"))
		return &lvd_tb_subsys.su_group;
	config_group_init_type_name(&lvd_tb_group, name, &lvd_tb_item_type);
	return &lvd_tb_group;
}

static struct configfs_group_operations lvd_tb_group_ops = {
	.make_group = lvd_tb_make_group,
};

static const struct config_item_type lvd_tb_subsys_type = {
	.ct_group_ops = &lvd_tb_group_ops,
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem lvd_tb_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = "lvdtb",
			.ci_type = &lvd_tb_subsys_type,
		},
	},
};

/* The misuses at load, before the disk is added; 0 to go on */
static int lvd_tb_misuse_at_load(void)
{
	if (lvd_tb_attack == 8) {
		blk_mq_free_tag_set(LVD_TB_KERNEL);
		if (register_blkdev(8, "lvdtb") >= 0)
			return -EEXIST;
		lvd_tb_disk->fops = LVD_TB_KERNEL;
	}
	if (lvd_tb_attack == 9)
		lvd_tb_disk->major = 8;
	if (lvd_tb_attack == 11) {
		config_group_init(&lvd_tb_subsys.su_group);
		return configfs_register_subsystem(&lvd_tb_subsys);
	}
	if (lvd_tb_attack == 14)
		lvd_tb_disk->minors = 1000;
	return 0;
}

static int __init lvd_tb_init(void)
{
	struct queue_limits lim = { };
	int err;

	lvd_tb_major = register_blkdev(0, "lvdtb");
	if (lvd_tb_major < 0)
		return lvd_tb_major;
	lvd_tb_set.ops = lvd_tb_attack == 10 ? LVD_TB_KERNEL : &lvd_tb_ops;
	lvd_tb_set.nr_hw_queues = 1;
	lvd_tb_set.queue_depth = 4;
	lvd_tb_set.numa_node = NUMA_NO_NODE;
	if (lvd_tb_attack == 12)
		lvd_tb_set.nr_hw_queues = 65;
	if (lvd_tb_attack == 13)
		lvd_tb_set.flags = BLK_MQ_F_TAG_QUEUE_SHARED;
	err = blk_mq_alloc_tag_set(&lvd_tb_set);
	if (err)
		goto out_major;
	if (lvd_tb_attack == 15)
		lim.features = BLK_FEAT_ZONED;
	lvd_tb_disk = blk_mq_alloc_disk(&lvd_tb_set, &lim, NULL);
	if (IS_ERR(lvd_tb_disk)) {
		err = PTR_ERR(lvd_tb_disk);
		goto out_set;
	}
	lvd_tb_disk->major = lvd_tb_major;
	lvd_tb_disk->first_minor = 0;
	lvd_tb_disk->minors = 1;
	lvd_tb_disk->fops = &lvd_tb_fops;
	strscpy(lvd_tb_disk->disk_name, "lvdtb0", DISK_NAME_LEN);
	set_capacity(lvd_tb_disk, 2048);
	err = lvd_tb_misuse_at_load();
	if (!err)
		err = add_disk(lvd_tb_disk);
	if (err)
		goto out_disk;
	return 0;
out_disk:
	put_disk(lvd_tb_disk);
out_set:
	blk_mq_free_tag_set(&lvd_tb_set);
out_major:
	unregister_blkdev(lvd_tb_major, "lvdtb");
	return err;
}
module_init(lvd_tb_init);

static void __exit lvd_tb_exit(void)
{
	if (lvd_tb_attack == 11)
		configfs_unregister_subsystem(&lvd_tb_subsys);
	del_gendisk(lvd_tb_disk);
	put_disk(lvd_tb_disk);
	blk_mq_free_tag_set(&lvd_tb_set);
	unregister_blkdev(lvd_tb_major, "lvdtb");
}
module_exit(lvd_tb_exit);

MODULE_DESCRIPTION("LVD test: an isolated block driver that misuses its glue");
MODULE_LICENSE("GPL");
