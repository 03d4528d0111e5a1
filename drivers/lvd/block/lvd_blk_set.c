// SPDX-License-Identifier: GPL-2.0
/*
 * Tag sets of isolated block drivers, and the shadows of the kernel's
 * hardware contexts and requests.
 *
 * The driver's tag set is its own memory: blk_mq_alloc_tag_set() glue
 * takes a copy of the fields the kernel needs, checked, and makes a tag
 * set of the kernel's whose ops are the glue's (lvd_blk_mq_ops) and whose
 * requests carry the glue's struct lvd_blk_rq. The driver's blk_mq_ops
 * are bound once; the ones carried are queue_rq, complete, timeout,
 * init_hctx, exit_hctx, init_request and exit_request. queue_rqs, poll
 * and map_queues are left out: the kernel sends requests one at a time,
 * completes them through the driver's interrupt-driven path and maps
 * queues its default way, so a driver's poll queues stay idle. Any other
 * op, and a shared-tag set, is refused.
 *
 * A blocking set (BLK_MQ_F_BLOCKING) is one whose driver may sleep in
 * queue_rq: its requests' data are projected too (lvd_blk_data.c), which
 * a driver that moves data (memory_backed null_blk, which sets it) needs.
 *
 * Each kernel request gets a shadow in the domain when blk-mq sets it up
 * (init_request): a struct request followed by the driver's cmd_size
 * bytes and a struct blk_mq_queue_data, one slot of a region allocated
 * with the tag set. The driver names a request by its shadow; the glue
 * finds the kernel's request from the slot, never from the shadow's
 * content. Each hardware context gets a shadow struct blk_mq_hw_ctx in
 * the same way (init_hctx).
 */

#include <linux/blk-mq.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include "lvd_blk.h"

/* Bounds on what a driver's tag set may ask the kernel for */
#define LVD_BLK_MAX_QUEUES	64
#define LVD_BLK_MAX_DEPTH	1024
#define LVD_BLK_MAX_CMD_SIZE	1024
#define LVD_BLK_MAX_TIMEOUT	(30 * HZ)
/* Disks a tag set may serve: each hardware context has a flush request */
#define LVD_BLK_DISKS_PER_SET	4
#define LVD_BLK_SET_FLAGS	(BLK_MQ_F_SHOULD_MERGE | BLK_MQ_F_NO_SCHED | \
				 BLK_MQ_F_NO_SCHED_BY_DEFAULT | BLK_MQ_F_BLOCKING)

/* lvd_proj_tag_set_in(), from lvd_blk_set.lvd */
#include "lvd_blk_set_idl.c"

/* The ops the glue calls, at their offsets in struct blk_mq_ops */
static const size_t lvd_blk_op_offsets[LVD_BLK_NR_OPS] = {
	[LVD_BLK_QUEUE_RQ] = offsetof(struct blk_mq_ops, queue_rq),
	[LVD_BLK_COMPLETE] = offsetof(struct blk_mq_ops, complete),
	[LVD_BLK_TIMEOUT] = offsetof(struct blk_mq_ops, timeout),
	[LVD_BLK_INIT_HCTX] = offsetof(struct blk_mq_ops, init_hctx),
	[LVD_BLK_EXIT_HCTX] = offsetof(struct blk_mq_ops, exit_hctx),
	[LVD_BLK_INIT_REQUEST] = offsetof(struct blk_mq_ops, init_request),
	[LVD_BLK_EXIT_REQUEST] = offsetof(struct blk_mq_ops, exit_request),
};

/* The ops left out, whose absence the kernel copes with */
static const size_t lvd_blk_op_ignored[] = {
	offsetof(struct blk_mq_ops, queue_rqs),
	offsetof(struct blk_mq_ops, poll),
	offsetof(struct blk_mq_ops, map_queues),
};

static bool lvd_blk_op_known(size_t off)
{
	unsigned int i;

	for (i = 0; i < LVD_BLK_NR_OPS; i++)
		if (lvd_blk_op_offsets[i] == off)
			return true;
	for (i = 0; i < ARRAY_SIZE(lvd_blk_op_ignored); i++)
		if (lvd_blk_op_ignored[i] == off)
			return true;
	return false;
}

/* Bind the driver's ops at @dom_ops; refuse a table with others */
static int lvd_blk_set_bind_ops(struct lvd_blk_set *s, unsigned long dom_ops)
{
	struct lvd_domain *d = s->bd->d;
	struct blk_mq_ops ops;
	unsigned long fn;
	size_t off;
	int i;

	if (lvd_domain_copy_from(d, &ops, dom_ops, sizeof(ops)))
		return -EFAULT;
	for (off = 0; off < sizeof(ops); off += sizeof(fn)) {
		memcpy(&fn, (char *)&ops + off, sizeof(fn));
		if (fn && !lvd_blk_op_known(off)) {
			pr_err("%s: its blk_mq_ops has an op the glue does not carry (at %zu)\n",
			       lvd_domain_name(d), off);
			return -EOPNOTSUPP;
		}
	}
	for (i = 0; i < LVD_BLK_NR_OPS; i++) {
		memcpy(&fn, (char *)&ops + lvd_blk_op_offsets[i], sizeof(fn));
		if (fn && lvd_domain_fn_bind(&s->fn[i], d, fn))
			return -EINVAL;
	}
	return s->fn[LVD_BLK_QUEUE_RQ].d ? 0 : -EINVAL;
}

/* The kernel's copy of the driver's tag set @dom, checked */
static int lvd_blk_set_take(struct lvd_blk_set *s, unsigned long dom)
{
	struct lvd_domain *d = s->bd->d;
	struct blk_mq_tag_set t;
	const char *field;
	int err;

	if (lvd_domain_copy_from(d, &t, dom, sizeof(t)))
		return -EFAULT;
	if (lvd_proj_tag_set_in(&s->set, &t, &field)) {
		pr_err("%s: a tag set the glue does not take: its %s (queues %u depth %u reserved %u cmd %u flags %#x)\n",
		       lvd_domain_name(d), field, t.nr_hw_queues, t.queue_depth,
		       t.reserved_tags, t.cmd_size, t.flags);
		return -EINVAL;
	}
	err = lvd_blk_set_bind_ops(s, (unsigned long)t.ops);
	if (err)
		return err;
	s->dom = dom;
	s->dom_data = (unsigned long)t.driver_data;
	s->dom_cmd_size = s->set.cmd_size;
	s->set.ops = &lvd_blk_mq_ops;
	s->set.cmd_size = sizeof(struct lvd_blk_rq);
	s->set.numa_node = NUMA_NO_NODE;
	s->set.flags |= BLK_MQ_F_NO_SCHED;
	s->set.nr_maps = 1;
	s->set.driver_data = s;
	return 0;
}

/* The region of shadow requests */
static int lvd_blk_set_slots(struct lvd_blk_set *s)
{
	struct lvd_domain *d = s->bd->d;

	s->slot_qd = ALIGN(sizeof(struct request) + s->dom_cmd_size,
			   sizeof(long));
	s->slot_size = s->slot_qd + sizeof(struct blk_mq_queue_data);
	if (s->set.flags & BLK_MQ_F_BLOCKING) {
		s->slot_bio = ALIGN(s->slot_size, sizeof(long));
		s->slot_size = s->slot_bio + sizeof(struct bio) +
			       LVD_BLK_DATA_PAGES * sizeof(struct bio_vec);
	}
	s->slot_size = ALIGN(s->slot_size, L1_CACHE_BYTES);
	s->nr_slots = s->set.nr_hw_queues *
		      (s->set.queue_depth + LVD_BLK_DISKS_PER_SET);
	s->rqs = kcalloc(s->nr_slots, sizeof(*s->rqs), GFP_KERNEL);
	s->slots = lvd_domain_alloc(d, s->nr_slots * s->slot_size);
	if (s->slot_bio)
		s->bounce = kcalloc(s->nr_slots * LVD_BLK_DATA_PAGES,
				    sizeof(*s->bounce), GFP_KERNEL);
	if (!s->rqs || !s->slots || (s->slot_bio && !s->bounce)) {
		pr_err("%s: no room for %u shadow requests\n",
		       lvd_domain_name(d), s->nr_slots);
		return -ENOMEM;
	}
	return 0;
}

static void lvd_blk_set_free(struct lvd_blk_set *s)
{
	lvd_blk_data_release(s);
	if (s->slots)
		lvd_domain_free(s->bd->d, s->slots);
	kfree(s->rqs);
	kfree(s);
}

/**
 * lvd_blk_alloc_tag_set() - blk_mq_alloc_tag_set() of an isolated driver
 * @d: its domain
 * @set: its struct blk_mq_tag_set
 *
 * Context: its call, which may sleep.
 * Return: 0, or what blk_mq_alloc_tag_set() returns, or why it was refused.
 */
int lvd_blk_alloc_tag_set(struct lvd_domain *d, unsigned long set)
{
	struct lvd_blk_domain *bd = lvd_blk_domain_get(d);
	struct lvd_blk_set *s;
	int err;

	if (!bd)
		return -ENOMEM;
	if (lvd_blk_set_find(bd, set))
		return -EBUSY;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->bd = bd;
	err = lvd_blk_set_take(s, set);
	if (!err)
		err = lvd_blk_set_slots(s);
	if (err) {
		lvd_blk_set_free(s);
		return err;
	}
	/* Listed first: blk-mq sets its requests up through the slots */
	mutex_lock(&bd->lock);
	list_add_rcu(&s->node, &bd->sets);
	mutex_unlock(&bd->lock);
	err = blk_mq_alloc_tag_set(&s->set);
	if (err) {
		mutex_lock(&bd->lock);
		list_del_rcu(&s->node);
		mutex_unlock(&bd->lock);
		synchronize_rcu();
		lvd_blk_set_free(s);
	}
	return err;
}

/* Take a set down: the kernel's, then the glue's */
static void lvd_blk_set_destroy(struct lvd_blk_set *s)
{
	struct lvd_blk_domain *bd = s->bd;

	blk_mq_free_tag_set(&s->set);
	mutex_lock(&bd->lock);
	list_del_rcu(&s->node);
	mutex_unlock(&bd->lock);
	synchronize_rcu();
	lvd_blk_set_free(s);
}

/**
 * lvd_blk_free_tag_set() - blk_mq_free_tag_set() of an isolated driver
 * @d: its domain
 * @set: its struct blk_mq_tag_set
 *
 * Refused while a disk made with the set is not put.
 *
 * Context: its call, which may sleep.
 */
void lvd_blk_free_tag_set(struct lvd_domain *d, unsigned long set)
{
	struct lvd_blk_domain *bd = lvd_blk_domain_find(d);
	struct lvd_blk_set *s = bd ? lvd_blk_set_find(bd, set) : NULL;

	if (!s || READ_ONCE(s->disks)) {
		lvd_blk_refused(d, bd, "blk_mq_free_tag_set() of %s refused",
				s ? "a tag set still in use" : "no tag set of its");
		return;
	}
	lvd_blk_set_destroy(s);
}

/**
 * lvd_blk_set_find() - the kernel's tag set of a driver's
 * @bd: the driver's domain
 * @dom: the driver's tag set, as it names it
 *
 * Return: the glue's record, or NULL.
 */
struct lvd_blk_set *lvd_blk_set_find(struct lvd_blk_domain *bd,
				     unsigned long dom)
{
	struct lvd_blk_set *s, *found = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(s, &bd->sets, node)
		if (s->dom == dom) {
			found = s;
			break;
		}
	rcu_read_unlock();
	return found;
}

/**
 * lvd_blk_set_release() - take down the tag sets a domain left
 * @bd: the domain, whose disks are gone
 */
void lvd_blk_set_release(struct lvd_blk_domain *bd)
{
	struct lvd_blk_set *s, *n;

	list_for_each_entry_safe(s, n, &bd->sets, node)
		lvd_blk_set_destroy(s);
}

/**
 * lvd_blk_rq_find() - the kernel request a driver names by its shadow
 * @bd: the driver's domain
 * @shadow: the address it passed
 * @set: where to store the request's tag set
 *
 * Context: under rcu_read_lock(), which keeps the tag set.
 * Return: the request, or NULL when @shadow is no shadow of one.
 */
struct request *lvd_blk_rq_find(struct lvd_blk_domain *bd,
				unsigned long shadow, struct lvd_blk_set **set)
{
	struct lvd_blk_set *s;
	unsigned long off;

	list_for_each_entry_rcu(s, &bd->sets, node) {
		off = shadow - s->slots;
		if (off >= (unsigned long)s->nr_slots * s->slot_size)
			continue;
		if (off % s->slot_size)
			return NULL;
		*set = s;
		return READ_ONCE(s->rqs[off / s->slot_size]);
	}
	return NULL;
}

/* init_request: a free slot for the kernel's request, then the driver's */
static int lvd_blk_init_request(struct blk_mq_tag_set *set, struct request *rq,
				unsigned int hctx_idx, unsigned int numa_node)
{
	struct lvd_blk_set *s = set->driver_data;
	struct lvd_blk_rq *r = blk_mq_rq_to_pdu(rq);
	unsigned long args[LVD_DOMAIN_ARGS], ret;
	unsigned int i;

	for (i = 0; i < s->nr_slots; i++)
		if (!cmpxchg(&s->rqs[i], NULL, rq))
			break;
	if (i == s->nr_slots)
		return -ENOMEM;
	r->shadow = s->slots + (unsigned long)i * s->slot_size;
	atomic_set(&r->state, LVD_BLK_RQ_IDLE);
	if (!s->fn[LVD_BLK_INIT_REQUEST].d)
		return 0;
	args[0] = s->dom;
	args[1] = r->shadow;
	args[2] = hctx_idx;
	args[3] = NUMA_NO_NODE;
	if (lvd_domain_fn_call(&s->fn[LVD_BLK_INIT_REQUEST], args, &ret) ||
	    ret) {
		WRITE_ONCE(s->rqs[i], NULL);
		r->shadow = 0;
		return -EIO;
	}
	return 0;
}

/* exit_request: the driver's, then the slot is free again */
static void lvd_blk_exit_request(struct blk_mq_tag_set *set,
				 struct request *rq, unsigned int hctx_idx)
{
	struct lvd_blk_set *s = set->driver_data;
	struct lvd_blk_rq *r = blk_mq_rq_to_pdu(rq);
	unsigned long args[LVD_DOMAIN_ARGS] = { s->dom, r->shadow, hctx_idx };
	unsigned long ret;

	if (!r->shadow)
		return;
	if (s->fn[LVD_BLK_EXIT_REQUEST].d)
		lvd_domain_fn_call(&s->fn[LVD_BLK_EXIT_REQUEST], args, &ret);
	WRITE_ONCE(s->rqs[(r->shadow - s->slots) / s->slot_size], NULL);
	r->shadow = 0;
}

/*
 * init_hctx: the context's shadow, pointing at its queue's shadow, then
 * the driver's init_hctx on it. What the driver stores in the shadow
 * (driver_data) is its own.
 */
static int lvd_blk_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			     unsigned int hctx_idx)
{
	struct lvd_blk_set *s = hctx->queue->tag_set->driver_data;
	struct lvd_blk_disk *disk = hctx->queue->queuedata;
	struct lvd_domain *d = s->bd->d;
	unsigned long args[LVD_DOMAIN_ARGS], ret;
	struct blk_mq_hw_ctx *img;
	struct lvd_blk_hctx *h;
	int err = -ENOMEM;

	h = kzalloc(sizeof(*h), GFP_NOIO);
	img = kzalloc(sizeof(*img), GFP_NOIO);
	if (!h || !img)
		goto fail;
	h->shadow = lvd_domain_alloc(d, sizeof(*img));
	if (!h->shadow)
		goto fail;
	h->shadow_q = disk->shadow_q;
	img->queue = (struct request_queue *)h->shadow_q;
	img->queue_num = hctx_idx;
	img->numa_node = NUMA_NO_NODE;
	img->flags = hctx->flags;
	img->type = HCTX_TYPE_DEFAULT;
	err = lvd_domain_copy_to(d, h->shadow, img, sizeof(*img));
	if (err)
		goto fail;
	if (s->fn[LVD_BLK_INIT_HCTX].d) {
		args[0] = h->shadow;
		args[1] = s->dom_data;
		args[2] = hctx_idx;
		err = lvd_domain_fn_call(&s->fn[LVD_BLK_INIT_HCTX], args, &ret);
		if (!err)
			err = (int)ret;
		if (err)
			goto fail;
	}
	kfree(img);
	hctx->driver_data = h;
	return 0;
fail:
	if (h && h->shadow)
		lvd_domain_free(d, h->shadow);
	kfree(h);
	kfree(img);
	return err < 0 && err > -MAX_ERRNO ? err : -EIO;
}

static void lvd_blk_exit_hctx(struct blk_mq_hw_ctx *hctx,
			      unsigned int hctx_idx)
{
	struct lvd_blk_set *s = hctx->queue->tag_set->driver_data;
	struct lvd_blk_hctx *h = hctx->driver_data;
	unsigned long args[LVD_DOMAIN_ARGS] = { h->shadow, hctx_idx }, ret;

	if (s->fn[LVD_BLK_EXIT_HCTX].d)
		lvd_domain_fn_call(&s->fn[LVD_BLK_EXIT_HCTX], args, &ret);
	lvd_domain_free(s->bd->d, h->shadow);
	kfree(h);
	hctx->driver_data = NULL;
}

const struct blk_mq_ops lvd_blk_mq_ops = {
	.queue_rq = lvd_blk_queue_rq,
	.complete = lvd_blk_complete,
	.timeout = lvd_blk_timeout,
	.init_hctx = lvd_blk_init_hctx,
	.exit_hctx = lvd_blk_exit_hctx,
	.init_request = lvd_blk_init_request,
	.exit_request = lvd_blk_exit_request,
};
