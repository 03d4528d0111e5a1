// SPDX-License-Identifier: GPL-2.0
/*
 * The data of requests of isolated block drivers, for tag sets that
 * carry it (blocking sets: lvd_blk_set.c).
 *
 * A request's pages are the kernel's (a task's, the page cache's): none
 * is given to a domain. Each slot has bounce pages of the domain's own
 * (domain pages: lvd_domain_page_alloc()), allocated when a request first
 * needs them, and a shadow bio whose bio_vecs name them in order, one
 * page each, so that the driver walks the request's data with
 * rq_for_each_segment() as in the kernel. The data of a write is copied
 * into them before queue_rq; the data of a read is copied out of them
 * when the driver ends the request successfully, before the kernel ends
 * it. What the driver reads or writes outside a request's bounce pages
 * is its own memory.
 */

#include <linux/blk-mq.h>
#include <linux/bvec.h>
#include <linux/highmem.h>
#include <linux/minmax.h>
#include "lvd_blk.h"

/* The request's slot's bounce pages */
static struct page **lvd_blk_bounce(struct lvd_blk_set *s, struct request *rq)
{
	struct lvd_blk_rq *r = blk_mq_rq_to_pdu(rq);

	return s->bounce + (r->shadow - s->slots) / s->slot_size *
			   LVD_BLK_DATA_PAGES;
}

/*
 * Copy between the request's segments and its bounce pages, in order:
 * into the bounce pages when @in, out of them otherwise.
 */
static void lvd_blk_data_copy(struct request *rq, struct page **bounce,
			      bool in)
{
	struct req_iterator iter;
	struct bio_vec bv, left;
	size_t pos = 0, n;

	rq_for_each_segment(bv, rq, iter) {
		/* The iterator moves on by bv: what is left is a copy */
		for (left = bv; left.bv_len; pos += n) {
			char *b = kmap_local_page(bounce[pos / PAGE_SIZE]) +
				  pos % PAGE_SIZE;
			char *p = bvec_kmap_local(&left);

			n = min_t(size_t, left.bv_len,
				  PAGE_SIZE - pos % PAGE_SIZE);
			if (in)
				memcpy(b, p, n);
			else
				memcpy(p, b, n);
			kunmap_local(p);
			kunmap_local(b);
			left.bv_offset += n;
			left.bv_len -= n;
		}
	}
	lvd_domain_count_copy(in, pos);
}

/* The shadow bio and its bio_vecs for @bytes of data in @bounce */
static int lvd_blk_data_bio(struct lvd_blk_set *s, struct request *rq,
			    struct page **bounce, size_t bytes,
			    unsigned long bio)
{
	struct bio_vec vecs[LVD_BLK_DATA_PAGES] = {};
	unsigned long io_vec = bio + sizeof(struct bio);
	unsigned int i, n = DIV_ROUND_UP(bytes, PAGE_SIZE);
	struct bio img = {
		.bi_opf = rq->cmd_flags,
		.bi_iter.bi_sector = blk_rq_pos(rq),
		.bi_iter.bi_size = bytes,
		.bi_vcnt = n,
		.bi_max_vecs = LVD_BLK_DATA_PAGES,
		.bi_io_vec = (struct bio_vec *)io_vec,
	};

	for (i = 0; i < n; i++) {
		vecs[i].bv_page = bounce[i];
		vecs[i].bv_len = min_t(size_t, bytes - i * PAGE_SIZE,
				       PAGE_SIZE);
	}
	return lvd_domain_copy_to(s->bd->d, bio, &img, sizeof(img)) ?:
	       lvd_domain_copy_to(s->bd->d, io_vec, vecs,
				  n * sizeof(vecs[0]));
}

/**
 * lvd_blk_data_in() - project a request's data into its slot
 * @s: its tag set, which carries data
 * @rq: the request, about to be handed to the driver
 * @bio: where to store the shadow bio's address, or 0 when it has no data
 *
 * Context: where the driver's queue_rq may sleep (a blocking set).
 * Return: 0, or -EIO when its data do not fit or there is no memory.
 */
int lvd_blk_data_in(struct lvd_blk_set *s, struct request *rq,
		    unsigned long *bio)
{
	struct page **bounce = lvd_blk_bounce(s, rq);
	size_t bytes = blk_rq_bytes(rq);
	unsigned int i;

	*bio = 0;
	if (!bytes || !blk_rq_nr_phys_segments(rq) ||
	    (req_op(rq) != REQ_OP_READ && req_op(rq) != REQ_OP_WRITE))
		return 0;
	if (bytes > LVD_BLK_DATA_PAGES * PAGE_SIZE)
		return -EIO;
	for (i = 0; i < DIV_ROUND_UP(bytes, PAGE_SIZE); i++) {
		if (!bounce[i])
			bounce[i] = lvd_domain_page_alloc(s->bd->d);
		if (!bounce[i])
			return -EIO;
	}
	if (req_op(rq) == REQ_OP_WRITE)
		lvd_blk_data_copy(rq, bounce, true);
	*bio = ((struct lvd_blk_rq *)blk_mq_rq_to_pdu(rq))->shadow + s->slot_bio;
	return lvd_blk_data_bio(s, rq, bounce, bytes, *bio);
}

/**
 * lvd_blk_data_out() - a read's data, from its bounce pages
 * @s: its tag set, which carries data
 * @rq: a request the driver ended successfully, not yet ended by the kernel
 */
void lvd_blk_data_out(struct lvd_blk_set *s, struct request *rq)
{
	if (req_op(rq) == REQ_OP_READ && blk_rq_bytes(rq) &&
	    blk_rq_bytes(rq) <= LVD_BLK_DATA_PAGES * PAGE_SIZE &&
	    lvd_blk_bounce(s, rq)[0])
		lvd_blk_data_copy(rq, lvd_blk_bounce(s, rq), false);
}

/**
 * lvd_blk_data_release() - give a tag set's bounce pages back to its domain
 * @s: the tag set, going
 */
void lvd_blk_data_release(struct lvd_blk_set *s)
{
	unsigned int i;

	for (i = 0; s->bounce && i < s->nr_slots * LVD_BLK_DATA_PAGES; i++)
		if (s->bounce[i])
			lvd_domain_page_free(s->bd->d, s->bounce[i]);
	kfree(s->bounce);
}
