/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LVD's block glue: what its files share.
 *
 * An isolated block driver sees the kernel's block objects as
 * projections in its domain's memory: a tag set of its own, from which
 * the kernel takes a checked copy; a struct gendisk and request_queue
 * (the shadows) that it fills and the kernel reads back, checked, when
 * the disk is added; and for each kernel request a shadow struct request
 * followed by its per-request data, written by the kernel before each
 * call into the driver. The kernel's tag set, disks and requests stay in
 * kernel memory: no kernel pointer is written into a projection.
 */
#ifndef _DRIVERS_LVD_BLOCK_LVD_BLK_H
#define _DRIVERS_LVD_BLOCK_LVD_BLK_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/spinlock.h>
#include <lvd/domain.h>

/* The size of a struct block_device_operations, in longs */
#define LVD_BLK_FOPS_LONGS \
	DIV_ROUND_UP(sizeof(const struct block_device_operations), sizeof(long))

/*
 * The most data a request of a blocking tag set carries into the domain,
 * in pages: its bounce pages, and the disk's largest request.
 */
#define LVD_BLK_DATA_PAGES	16
#define LVD_BLK_DATA_SECTORS	(LVD_BLK_DATA_PAGES << (PAGE_SHIFT - SECTOR_SHIFT))

/* The driver's blk_mq_ops the glue calls, as indices of lvd_blk_set.fn */
enum lvd_blk_op {
	LVD_BLK_QUEUE_RQ,
	LVD_BLK_COMPLETE,
	LVD_BLK_TIMEOUT,
	LVD_BLK_INIT_HCTX,
	LVD_BLK_EXIT_HCTX,
	LVD_BLK_INIT_REQUEST,
	LVD_BLK_EXIT_REQUEST,
	LVD_BLK_NR_OPS
};

/* Where a request is, between the kernel and the driver */
enum lvd_blk_rq_state {
	LVD_BLK_RQ_IDLE,	/* the kernel's */
	LVD_BLK_RQ_DRIVER,	/* handed to the driver, not started */
	LVD_BLK_RQ_STARTED,	/* started by the driver */
	LVD_BLK_RQ_COMPLETING,	/* completion asked for, not yet ended */
};

/**
 * struct lvd_blk_domain - what the glue keeps of a domain that uses it
 * @d: the domain
 * @node: on the list of such domains
 * @sets: its tag sets (struct lvd_blk_set), RCU
 * @disks: its disks (struct lvd_blk_disk)
 * @majors: the block majors it registered (struct lvd_blk_major)
 * @subsys: its configfs subsystems (struct lvd_blk_subsys)
 * @cfs_types: the kernel's item types of its configfs items
 *	(struct lvd_blk_cfs_type)
 * @cfs_items: the shadows of its configfs groups (struct lvd_blk_cfs_item),
 *	under @cfs_lock
 * @cfs_owner: its module, owner of its configfs types and attributes
 * @refusals: the rate of its refusals' messages, its own
 * @cfs_lock: protects @cfs_items and their references
 * @lock: protects the lists' changes
 */
struct lvd_blk_domain {
	struct lvd_domain *d;
	struct list_head node;
	struct list_head sets;
	struct list_head disks;
	struct list_head majors;
	struct list_head subsys;
	struct list_head cfs_types;
	struct list_head cfs_items;
	struct module *cfs_owner;
	struct ratelimit_state refusals;
	spinlock_t cfs_lock;	/* protects cfs_items and their references */
	struct mutex lock;	/* protects the lists' changes */
};

/**
 * struct lvd_blk_set - the kernel's tag set of a driver's tag set
 * @set: the kernel's tag set, whose driver_data is this record
 * @bd: its domain
 * @dom: the driver's tag set, in the domain
 * @dom_data: its driver_data, for its init_hctx
 * @dom_cmd_size: its cmd_size: the driver's bytes after each request
 * @fn: the driver's blk_mq_ops, bound
 * @slots: the shadow requests, in the domain, @slot_size bytes apart
 * @slot_size: bytes of each shadow: request, driver data, queue data
 * @slot_qd: where in a slot its struct blk_mq_queue_data is
 * @slot_bio: where in a slot its shadow bio is, followed by its
 *	LVD_BLK_DATA_PAGES bio_vecs; 0 when the set carries no data
 * @bounce: for a set that carries data, each slot's LVD_BLK_DATA_PAGES
 *	bounce pages, the domain's, allocated when first needed
 * @nr_slots: how many
 * @rqs: the kernel request each slot stands for, or NULL
 * @disks: disks made with it, not yet put
 * @node: on @bd's list
 * @rcu: for freeing after lookups that did not lock
 */
struct lvd_blk_set {
	struct blk_mq_tag_set set;
	struct lvd_blk_domain *bd;
	unsigned long dom;
	unsigned long dom_data;
	unsigned int dom_cmd_size;
	struct lvd_domain_fn fn[LVD_BLK_NR_OPS];
	unsigned long slots;
	size_t slot_size;
	size_t slot_qd;
	size_t slot_bio;
	struct page **bounce;
	unsigned int nr_slots;
	struct request **rqs;
	unsigned int disks;
	struct list_head node;
	struct rcu_head rcu;
};

/**
 * struct lvd_blk_rq - the glue's part of a kernel request (its payload)
 * @shadow: the request's shadow in the domain, or 0
 * @state: enum lvd_blk_rq_state
 */
struct lvd_blk_rq {
	unsigned long shadow;
	atomic_t state;
};

/**
 * struct lvd_blk_hctx - the glue's record of a kernel hardware context
 * @shadow: its shadow in the domain
 * @shadow_q: the shadow of its queue
 */
struct lvd_blk_hctx {
	unsigned long shadow;
	unsigned long shadow_q;
};

/**
 * struct lvd_blk_disk - the glue's record of a disk, its queue's queuedata
 * @disk: the kernel's disk
 * @set: the tag set it was made with
 * @shadow: the driver's struct gendisk, in the domain
 * @shadow_q: the driver's struct request_queue, in the domain
 * @added: device_add_disk() made it live
 * @node: on the domain's list
 */
struct lvd_blk_disk {
	struct gendisk *disk;
	struct lvd_blk_set *set;
	unsigned long shadow;
	unsigned long shadow_q;
	bool added;
	struct list_head node;
};

/* lvd_blk_glue.c */
struct lvd_blk_domain *lvd_blk_domain_get(struct lvd_domain *d);
struct lvd_blk_domain *lvd_blk_domain_find(struct lvd_domain *d);
__printf(3, 4)
void lvd_blk_refused(struct lvd_domain *d, struct lvd_blk_domain *bd,
		     const char *fmt, ...);

/* lvd_blk_set.c */
extern const struct blk_mq_ops lvd_blk_mq_ops;
struct lvd_blk_set *lvd_blk_set_find(struct lvd_blk_domain *bd,
				     unsigned long dom);
void lvd_blk_set_release(struct lvd_blk_domain *bd);
struct request *lvd_blk_rq_find(struct lvd_blk_domain *bd,
				unsigned long shadow, struct lvd_blk_set **set);
int lvd_blk_alloc_tag_set(struct lvd_domain *d, unsigned long set);
void lvd_blk_free_tag_set(struct lvd_domain *d, unsigned long set);

/* lvd_blk_data.c */
int lvd_blk_data_in(struct lvd_blk_set *s, struct request *rq,
		    unsigned long *bio);
void lvd_blk_data_out(struct lvd_blk_set *s, struct request *rq);
void lvd_blk_data_release(struct lvd_blk_set *s);

/* lvd_blk_rq.c */
blk_status_t lvd_blk_queue_rq(struct blk_mq_hw_ctx *hctx,
			      const struct blk_mq_queue_data *bd);
void lvd_blk_complete(struct request *rq);
enum blk_eh_timer_return lvd_blk_timeout(struct request *rq);
unsigned long lvd_glue_blk_mq_start_request(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_blk_mq_end_request(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_blk_mq_complete_request(struct lvd_domain *d,
					       const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_errno_to_blk_status(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS]);

/* lvd_blk_disk.c */
void lvd_blk_disk_release(struct lvd_blk_domain *bd);
int lvd_blk_register_blkdev(struct lvd_domain *d, unsigned int major,
			    const char *name, unsigned long probe);
void lvd_blk_unregister_blkdev(struct lvd_domain *d, unsigned int major,
			       unsigned long name);
unsigned long lvd_blk_alloc_disk(struct lvd_domain *d, unsigned long set,
				 unsigned long lim, unsigned long queuedata,
				 unsigned long lkclass);
struct lvd_blk_disk *lvd_blk_disk_lookup(struct lvd_domain *d,
					 unsigned long shadow);
void lvd_blk_disk_unlock(struct lvd_domain *d, struct lvd_blk_disk *bdisk);
int lvd_blk_add_disk(struct lvd_domain *d, unsigned long parent,
		     struct lvd_blk_disk *bdisk, unsigned long groups);
void lvd_blk_del_gendisk(struct lvd_domain *d, struct lvd_blk_disk *bdisk);
void lvd_blk_put_disk(struct lvd_domain *d, struct lvd_blk_disk *bdisk);
void lvd_blk_set_capacity(struct lvd_domain *d, struct lvd_blk_disk *bdisk,
			  u64 sectors);

/* lvd_blk_configfs.c */
void lvd_blk_configfs_release(struct lvd_blk_domain *bd);
unsigned long lvd_glue_configfs_register_subsystem(struct lvd_domain *d,
						   const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_configfs_unregister_subsystem(struct lvd_domain *d,
						     const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_config_group_init(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_config_group_init_type_name(struct lvd_domain *d,
						   const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_config_item_put(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_badblocks_init(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_badblocks_exit(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS]);

#endif /* _DRIVERS_LVD_BLOCK_LVD_BLK_H */
