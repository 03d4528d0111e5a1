// SPDX-License-Identifier: GPL-2.0
/*
 * Disks of isolated block drivers, and their block majors.
 *
 * blk_mq_alloc_disk() glue makes the kernel's disk and queue with the
 * kernel's copy of the driver's tag set, and gives the driver shadows: a
 * struct gendisk whose queue is a shadow struct request_queue, with the
 * queuedata the driver passed. The driver fills the shadow gendisk as it
 * would the kernel's; device_add_disk() glue takes from it, checked, the
 * major (one the domain registered), minors, name and flags, and adds the
 * kernel's disk. The kernel's disk has block_device_operations of the
 * glue's, empty and without an owner (lvd_blk_fops): the glue carries none
 * of a driver's own yet, and refuses a disk that has any. Block majors are
 * dynamic only.
 */

#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/major.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "lvd_blk.h"

/* The most minors a disk of an isolated driver may have */
#define LVD_BLK_MAX_MINORS	256
/* The queue features it may ask for: no zoned devices, say, yet */
#define LVD_BLK_FEATURES	(BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA | \
				 BLK_FEAT_ROTATIONAL)

/* lvd_proj_limits_in() and lvd_proj_disk_in(), from lvd_blk_disk.lvd */
#include "lvd_blk_disk_idl.c"

/**
 * struct lvd_blk_major - a block major a domain registered
 * @major: the major
 * @name: its name, as registered
 * @node: on the domain's list
 */
struct lvd_blk_major {
	unsigned int major;
	char name[16];
	struct list_head node;
};

static struct lock_class_key lvd_blk_lkclass;

/* The domain's registration of @major, or NULL; under bd->lock */
static struct lvd_blk_major *lvd_blk_major_find(struct lvd_blk_domain *bd,
						unsigned int major)
{
	struct lvd_blk_major *m;

	list_for_each_entry(m, &bd->majors, node)
		if (m->major == major)
			return m;
	return NULL;
}

/**
 * lvd_blk_register_blkdev() - __register_blkdev() of an isolated driver
 * @d: its domain
 * @major: 0: a dynamic major is all it may have
 * @name: the name, copied
 * @probe: NULL: it may have no probe
 *
 * Context: its call, which may sleep.
 * Return: the major, or why it has none.
 */
int lvd_blk_register_blkdev(struct lvd_domain *d, unsigned int major,
			    const char *name, unsigned long probe)
{
	struct lvd_blk_domain *bd = lvd_blk_domain_get(d);
	struct lvd_blk_major *m;
	int got;

	if (!bd)
		return -ENOMEM;
	if (major || probe) {
		pr_err("%s: register_blkdev() with a fixed major or a probe refused\n",
		       lvd_domain_name(d));
		return -EINVAL;
	}
	if (!name[0])
		return -EINVAL;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	strscpy(m->name, name, sizeof(m->name));
	got = __register_blkdev(0, m->name, NULL);
	if (got < 0) {
		kfree(m);
		return got;
	}
	m->major = got;
	mutex_lock(&bd->lock);
	list_add(&m->node, &bd->majors);
	mutex_unlock(&bd->lock);
	return got;
}

/**
 * lvd_blk_unregister_blkdev() - unregister_blkdev() of an isolated driver
 * @d: its domain
 * @major: a major of its own, or the call is refused
 * @name: its name for it, which the kernel's record has already
 *
 * Context: its call, which may sleep.
 */
void lvd_blk_unregister_blkdev(struct lvd_domain *d, unsigned int major,
			       unsigned long name)
{
	struct lvd_blk_domain *bd = lvd_blk_domain_find(d);
	struct lvd_blk_major *m = NULL;

	if (bd) {
		mutex_lock(&bd->lock);
		m = lvd_blk_major_find(bd, major);
		if (m)
			list_del(&m->node);
		mutex_unlock(&bd->lock);
	}
	if (!m) {
		pr_err("%s: unregister_blkdev() of a major not its own refused\n",
		       lvd_domain_name(d));
		return;
	}
	unregister_blkdev(m->major, m->name);
	kfree(m);
}

/* The kernel's limits from the driver's, the fields a driver may set */
static int lvd_blk_limits(struct lvd_domain *d, unsigned long dom,
			  struct queue_limits *lim)
{
	struct queue_limits t;
	const char *field;

	memset(lim, 0, sizeof(*lim));
	if (!dom)
		return 0;
	if (lvd_domain_copy_from(d, &t, dom, sizeof(t)))
		return -EFAULT;
	if (lvd_proj_limits_in(lim, &t, &field)) {
		pr_err("%s: queue limits not supported for isolated drivers yet: %s %#x\n",
		       lvd_domain_name(d), field, (__force u32)t.features);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* The shadows: a gendisk whose queue is a request_queue with @queuedata */
static int lvd_blk_disk_shadows(struct lvd_domain *d, struct lvd_blk_disk *bdisk,
				unsigned long queuedata)
{
	bdisk->shadow = lvd_domain_alloc(d, sizeof(struct gendisk));
	bdisk->shadow_q = lvd_domain_alloc(d, sizeof(struct request_queue));
	if (!bdisk->shadow || !bdisk->shadow_q)
		return -ENOMEM;
	return lvd_domain_copy_to(d, bdisk->shadow + offsetof(struct gendisk, queue),
				  &bdisk->shadow_q, sizeof(long)) ?:
	       lvd_domain_copy_to(d, bdisk->shadow_q +
				  offsetof(struct request_queue, queuedata),
				  &queuedata, sizeof(long));
}

static void lvd_blk_disk_free(struct lvd_domain *d, struct lvd_blk_disk *bdisk)
{
	if (bdisk->shadow)
		lvd_domain_free(d, bdisk->shadow);
	if (bdisk->shadow_q)
		lvd_domain_free(d, bdisk->shadow_q);
	kfree(bdisk);
}

/**
 * lvd_blk_alloc_disk() - __blk_mq_alloc_disk() of an isolated driver
 * @d: its domain
 * @set: its tag set
 * @lim: its queue limits, or 0
 * @queuedata: what its queue's queuedata is to be
 * @lkclass: its lock class, not used: the glue's is the kernel's
 *
 * Context: its call, which may sleep.
 * Return: the shadow gendisk, in the domain, or an ERR_PTR().
 */
unsigned long lvd_blk_alloc_disk(struct lvd_domain *d, unsigned long set,
				 unsigned long lim, unsigned long queuedata,
				 unsigned long lkclass)
{
	struct lvd_blk_domain *bd = lvd_blk_domain_find(d);
	struct lvd_blk_set *s = bd ? lvd_blk_set_find(bd, set) : NULL;
	struct lvd_blk_disk *bdisk;
	struct queue_limits limits;
	struct gendisk *disk;
	int err;

	if (!s)
		return (unsigned long)ERR_PTR(-EINVAL);
	err = lvd_blk_limits(d, lim, &limits);
	if (err)
		return (unsigned long)ERR_PTR(err);
	/* A request's data fits its bounce pages */
	if (s->slot_bio)
		limits.max_hw_sectors = min_not_zero(limits.max_hw_sectors,
						     LVD_BLK_DATA_SECTORS);
	bdisk = kzalloc(sizeof(*bdisk), GFP_KERNEL);
	if (!bdisk)
		return (unsigned long)ERR_PTR(-ENOMEM);
	bdisk->set = s;
	err = lvd_blk_disk_shadows(d, bdisk, queuedata);
	if (err) {
		lvd_blk_disk_free(d, bdisk);
		return (unsigned long)ERR_PTR(err);
	}
	disk = __blk_mq_alloc_disk(&s->set, &limits, bdisk, &lvd_blk_lkclass);
	if (IS_ERR(disk)) {
		lvd_blk_disk_free(d, bdisk);
		return (unsigned long)disk;
	}
	bdisk->disk = disk;
	mutex_lock(&bd->lock);
	s->disks++;
	list_add(&bdisk->node, &bd->disks);
	mutex_unlock(&bd->lock);
	return bdisk->shadow;
}

/* The domain's disk named by its shadow @shadow; under bd->lock */
static struct lvd_blk_disk *lvd_blk_disk_find(struct lvd_blk_domain *bd,
					      unsigned long shadow)
{
	struct lvd_blk_disk *bdisk;

	list_for_each_entry(bdisk, &bd->disks, node)
		if (bdisk->shadow == shadow)
			return bdisk;
	return NULL;
}

/* Where the owner is, in a struct block_device_operations */
#define LVD_BLK_FOPS_OWNER \
	offsetof(const struct block_device_operations, owner)

/*
 * The block_device_operations of every disk of an isolated driver: none,
 * and no owner. An open disk holds no reference to the driver's module,
 * whose struct module goes when its load fails, whatever holds the disk
 * (a partition scan's last close runs after the failed init returns);
 * a disk whose driver goes is deleted under its openers, as a removed
 * device is.
 */
static const struct block_device_operations lvd_blk_fops;

/* The driver's block_device_operations: none of their ops, an owner */
static int lvd_blk_fops_check(struct lvd_domain *d, unsigned long dom_fops)
{
	unsigned long fops[LVD_BLK_FOPS_LONGS];
	unsigned int i;

	if (lvd_domain_copy_from(d, fops, dom_fops, sizeof(fops)))
		return -EFAULT;
	for (i = 0; i < LVD_BLK_FOPS_LONGS; i++) {
		if (fops[i] && i != LVD_BLK_FOPS_OWNER / sizeof(long)) {
			pr_err("%s: its block_device_operations have ops the glue does not carry yet\n",
			       lvd_domain_name(d));
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/* The kernel's disk takes from the driver's shadow what it may set */
static int lvd_blk_disk_take(struct lvd_blk_domain *bd,
			     struct lvd_blk_disk *bdisk)
{
	struct lvd_domain *d = bd->d;
	struct gendisk *img, *disk = bdisk->disk;
	const char *field;
	int err = -EINVAL;

	img = kmalloc(sizeof(*img), GFP_KERNEL);
	if (!img)
		return -ENOMEM;
	if (lvd_domain_copy_from(d, img, bdisk->shadow, sizeof(*img))) {
		err = -EFAULT;
		goto out;
	}
	if (!lvd_blk_major_find(bd, img->major) ||
	    (long)img->first_minor + img->minors > MINORMASK ||
	    strnlen(img->disk_name, DISK_NAME_LEN) == DISK_NAME_LEN ||
	    !img->disk_name[0] || strchr(img->disk_name, '/')) {
		pr_err("%s: a disk with a major not its own, bad minors or a bad name refused\n",
		       lvd_domain_name(d));
		goto out;
	}
	err = lvd_blk_fops_check(d, (unsigned long)img->fops);
	if (err)
		goto out;
	err = lvd_proj_disk_in(disk, img, &field);
	if (err) {
		pr_err("%s: a disk with bad %s refused\n", lvd_domain_name(d),
		       field);
		goto out;
	}
	disk->major = img->major;
	disk->fops = &lvd_blk_fops;
	disk->private_data = bdisk;
out:
	kfree(img);
	return err;
}

/**
 * lvd_blk_add_disk() - device_add_disk() of an isolated driver
 * @d: its domain
 * @parent: 0: no parent (the glue has checked)
 * @bdisk: its disk, found, under its domain's lock
 * @groups: 0: no attribute groups (the glue has checked)
 *
 * Takes what the driver set up in its gendisk, checked, and adds the
 * kernel's disk, once.
 *
 * Context: its call, which may sleep.
 * Return: 0, or why the disk was not added.
 */
int lvd_blk_add_disk(struct lvd_domain *d, unsigned long parent,
		     struct lvd_blk_disk *bdisk, unsigned long groups)
{
	int err;

	if (bdisk->added)
		return -EINVAL;
	err = lvd_blk_disk_take(lvd_blk_domain_find(d), bdisk);
	if (!err)
		err = device_add_disk(NULL, bdisk->disk, NULL);
	bdisk->added = !err;
	return err;
}

/* Take down a disk: the kernel's del_gendisk() once, if it was added */
static void lvd_blk_disk_del(struct lvd_blk_disk *bdisk)
{
	if (bdisk->added)
		del_gendisk(bdisk->disk);
	bdisk->added = false;
}

/* The kernel's put_disk(), then the glue forgets the disk; under bd->lock */
static void lvd_blk_disk_put(struct lvd_blk_domain *bd,
			     struct lvd_blk_disk *bdisk)
{
	lvd_blk_disk_del(bdisk);
	put_disk(bdisk->disk);
	bdisk->set->disks--;
	list_del(&bdisk->node);
	lvd_blk_disk_free(bd->d, bdisk);
}

/**
 * lvd_blk_disk_lookup() - a disk of a domain's, named by its shadow
 * @d: the domain
 * @shadow: its shadow gendisk, as the driver names it
 *
 * Takes the domain's lock, which lvd_blk_disk_unlock() gives back.
 *
 * Return: the glue's record, or ERR_PTR(-EINVAL) (nothing held) if the
 * domain has no such disk.
 */
struct lvd_blk_disk *lvd_blk_disk_lookup(struct lvd_domain *d,
					 unsigned long shadow)
{
	struct lvd_blk_domain *bd = lvd_blk_domain_find(d);
	struct lvd_blk_disk *bdisk;

	if (!bd)
		return ERR_PTR(-EINVAL);
	mutex_lock(&bd->lock);
	bdisk = lvd_blk_disk_find(bd, shadow);
	if (!bdisk) {
		mutex_unlock(&bd->lock);
		return ERR_PTR(-EINVAL);
	}
	return bdisk;
}

/**
 * lvd_blk_disk_unlock() - give back what lvd_blk_disk_lookup() took
 * @d: the domain
 * @bdisk: the disk found, which put_disk() may have freed: not used
 */
void lvd_blk_disk_unlock(struct lvd_domain *d, struct lvd_blk_disk *bdisk)
{
	mutex_unlock(&lvd_blk_domain_find(d)->lock);
}

/**
 * lvd_blk_del_gendisk() - del_gendisk() of an isolated driver
 * @d: its domain
 * @bdisk: its disk, found, under its domain's lock
 */
void lvd_blk_del_gendisk(struct lvd_domain *d, struct lvd_blk_disk *bdisk)
{
	lvd_blk_disk_del(bdisk);
}

/**
 * lvd_blk_put_disk() - put_disk() of an isolated driver
 * @d: its domain
 * @bdisk: its disk, found, under its domain's lock: deleted first if it
 *	is still added, then freed
 */
void lvd_blk_put_disk(struct lvd_domain *d, struct lvd_blk_disk *bdisk)
{
	lvd_blk_disk_put(lvd_blk_domain_find(d), bdisk);
}

/**
 * lvd_blk_set_capacity() - set_capacity() of an isolated driver
 * @d: its domain
 * @bdisk: its disk, found, under its domain's lock
 * @sectors: the capacity
 */
void lvd_blk_set_capacity(struct lvd_domain *d, struct lvd_blk_disk *bdisk,
			  u64 sectors)
{
	set_capacity(bdisk->disk, sectors);
}

/**
 * lvd_blk_disk_release() - take down the disks and majors a domain left
 * @bd: the domain, whose module is going
 */
void lvd_blk_disk_release(struct lvd_blk_domain *bd)
{
	struct lvd_blk_disk *bdisk, *nd;
	struct lvd_blk_major *m, *nm;

	mutex_lock(&bd->lock);
	list_for_each_entry_safe(bdisk, nd, &bd->disks, node)
		lvd_blk_disk_put(bd, bdisk);
	list_for_each_entry_safe(m, nm, &bd->majors, node) {
		unregister_blkdev(m->major, m->name);
		list_del(&m->node);
		kfree(m);
	}
	mutex_unlock(&bd->lock);
}
