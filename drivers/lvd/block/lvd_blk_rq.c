// SPDX-License-Identifier: GPL-2.0
/*
 * Requests of isolated block drivers: queue_rq, complete and timeout
 * called in the domain on a request's shadow, and the glue through which
 * the driver starts, completes and ends requests.
 *
 * Each request's state (enum lvd_blk_rq_state) is the kernel's, in its
 * payload, and moves only by compare-and-exchange: the driver may start
 * only a request handed to it, ask for completion of a started one, and
 * end one it was handed, once. Anything else is refused, named in the
 * log, and changes nothing. A request the driver can no longer finish
 * (its call into the domain failed, the domain stopped, its timeout
 * found the domain stopped) is ended by the glue with BLK_STS_IOERR:
 * none is left for ever.
 */

#include <linux/blk-mq.h>
#include <linux/rcupdate.h>
#include "lvd_blk.h"

/* The highest blk_status_t the kernel knows */
#define LVD_BLK_STS_MAX		((__force u8)BLK_STS_INVAL)

/* What queue_rq reads of a request: its fields up to biotail */
#define LVD_BLK_RQ_IMAGE	offsetofend(struct request, biotail)

/* lvd_proj_request_out(), from lvd_blk_rq.lvd */
#include "lvd_blk_rq_idl.c"

/*
 * A request's state word: its state in the low bits, below the number of
 * times it was handed to the driver. The number tells a request that
 * queue_rq still holds from the same request ended and handed over again
 * meanwhile, by another task.
 */
#define LVD_BLK_RQ_STATE	0x3

/* Move @r from @from to @to, whichever handover it is in */
static bool lvd_blk_rq_move(struct lvd_blk_rq *r, int from, int to)
{
	int old = atomic_read(&r->state);

	do {
		if ((old & LVD_BLK_RQ_STATE) != from)
			return false;
	} while (!atomic_try_cmpxchg(&r->state, &old,
				     (old & ~LVD_BLK_RQ_STATE) | to));
	return true;
}

/* Move @r from @from to @to, if it is still in handover @ticket */
static bool lvd_blk_rq_move_in(struct lvd_blk_rq *r, int ticket, int from,
			       int to)
{
	ticket &= ~LVD_BLK_RQ_STATE;
	return atomic_cmpxchg(&r->state, ticket | from, ticket | to) ==
	       (ticket | from);
}

/* Hand @r to the driver: its handover's ticket, or -1 when it is not idle */
static int lvd_blk_rq_hand_over(struct lvd_blk_rq *r)
{
	int old = atomic_read(&r->state), new;

	do {
		if ((old & LVD_BLK_RQ_STATE) != LVD_BLK_RQ_IDLE)
			return -1;
		new = ((old + LVD_BLK_RQ_STATE + 1) & ~LVD_BLK_RQ_STATE &
		       INT_MAX) | LVD_BLK_RQ_DRIVER;
	} while (!atomic_try_cmpxchg(&r->state, &old, new));
	return new;
}

/* End a request in @from that the driver cannot finish, if still there */
static void lvd_blk_rq_fail(struct request *rq, int from)
{
	if (lvd_blk_rq_move(blk_mq_rq_to_pdu(rq), from, LVD_BLK_RQ_IDLE))
		blk_mq_end_request(rq, BLK_STS_IOERR);
}

/* The request's shadow, as queue_rq gets it */
static int lvd_blk_rq_project(struct lvd_domain *d, struct lvd_blk_set *s,
			      struct lvd_blk_hctx *h, struct request *rq,
			      const struct blk_mq_queue_data *bd)
{
	struct lvd_blk_rq *r = blk_mq_rq_to_pdu(rq);
	struct blk_mq_queue_data qd = {
		.rq = (struct request *)r->shadow,
		.last = bd->last,
	};
	unsigned long bio = 0;
	struct request img = {
		.q = (struct request_queue *)h->shadow_q,
		.mq_hctx = (struct blk_mq_hw_ctx *)h->shadow,
	};

	lvd_proj_request_out(&img, rq);
	if (s->slot_bio && lvd_blk_data_in(s, rq, &bio))
		return -EIO;
	img.bio = (struct bio *)bio;
	img.biotail = img.bio;
	return lvd_domain_copy_to(d, r->shadow, &img, LVD_BLK_RQ_IMAGE) ?:
	       lvd_domain_copy_to(d, r->shadow + s->slot_qd, &qd, sizeof(qd));
}

/*
 * What queue_rq's return means for the request it was handed (@ticket),
 * whatever the driver did with it meanwhile: the kernel ends a request
 * for which queue_rq returns an error, so an error is passed on only for
 * a request the driver never started. A request the driver ended may be
 * handed over again, by another task, before this call returns: only the
 * same handover is touched.
 */
static blk_status_t lvd_blk_queue_rq_done(struct lvd_blk_set *s,
					  struct request *rq, int ticket,
					  int err, unsigned long ret)
{
	struct lvd_blk_rq *r = blk_mq_rq_to_pdu(rq);
	blk_status_t sts = (__force blk_status_t)(u8)ret;

	if (err || ret > LVD_BLK_STS_MAX)
		sts = BLK_STS_IOERR;
	if (lvd_blk_rq_move_in(r, ticket, LVD_BLK_RQ_DRIVER, LVD_BLK_RQ_IDLE)) {
		if (sts != BLK_STS_OK)
			return sts;
		/* Accepted but never started: nothing would ever end it */
		lvd_blk_refused(s->bd->d, s->bd,
				"queue_rq accepted a request it did not start");
		blk_mq_start_request(rq);
		blk_mq_end_request(rq, BLK_STS_IOERR);
		return BLK_STS_OK;
	}
	/* Started and failed, or the domain stopped under it: it ends here */
	if (sts != BLK_STS_OK &&
	    lvd_blk_rq_move_in(r, ticket, LVD_BLK_RQ_STARTED, LVD_BLK_RQ_IDLE))
		blk_mq_end_request(rq, sts);
	return BLK_STS_OK;
}

/**
 * lvd_blk_queue_rq() - blk_mq_ops.queue_rq of a driver's tag set
 * @hctx: the kernel's hardware context
 * @bd: the request
 *
 * Return: what the driver's queue_rq returned, as lvd_blk_queue_rq_done()
 * passes it on; BLK_STS_IOERR when its domain is stopped.
 */
blk_status_t lvd_blk_queue_rq(struct blk_mq_hw_ctx *hctx,
			      const struct blk_mq_queue_data *bd)
{
	struct lvd_blk_set *s = hctx->queue->tag_set->driver_data;
	struct lvd_blk_hctx *h = hctx->driver_data;
	struct request *rq = bd->rq;
	struct lvd_blk_rq *r = blk_mq_rq_to_pdu(rq);
	unsigned long args[LVD_DOMAIN_ARGS] = { h->shadow }, ret = 0;
	int ticket, err;

	if (!r->shadow || lvd_blk_rq_project(s->bd->d, s, h, rq, bd))
		return BLK_STS_IOERR;
	args[1] = r->shadow + s->slot_qd;
	ticket = lvd_blk_rq_hand_over(r);
	if (ticket < 0)
		return BLK_STS_IOERR;
	err = lvd_domain_fn_call(&s->fn[LVD_BLK_QUEUE_RQ], args, &ret);
	return lvd_blk_queue_rq_done(s, rq, ticket, err, ret);
}

/**
 * lvd_blk_complete() - blk_mq_ops.complete of a driver's tag set
 * @rq: a request whose completion the driver asked for
 *
 * The driver's complete, which ends it; or, when there is none or the
 * call fails, the glue ends it with an error.
 */
void lvd_blk_complete(struct request *rq)
{
	struct lvd_blk_set *s = rq->q->tag_set->driver_data;
	struct lvd_blk_rq *r = blk_mq_rq_to_pdu(rq);
	unsigned long args[LVD_DOMAIN_ARGS] = { r->shadow }, ret;

	if (lvd_domain_fn_call(&s->fn[LVD_BLK_COMPLETE], args, &ret))
		lvd_blk_rq_fail(rq, LVD_BLK_RQ_COMPLETING);
}

/**
 * lvd_blk_timeout() - blk_mq_ops.timeout of a driver's tag set
 * @rq: a started request that timed out
 *
 * Return: what the driver's timeout returned (BLK_EH_DONE or
 * BLK_EH_RESET_TIMER); BLK_EH_DONE when the glue ended the request
 * because the driver cannot (its domain stopped); BLK_EH_RESET_TIMER
 * when its completion is on its way, which ends it.
 */
enum blk_eh_timer_return lvd_blk_timeout(struct request *rq)
{
	struct lvd_blk_set *s = rq->q->tag_set->driver_data;
	struct lvd_blk_rq *r = blk_mq_rq_to_pdu(rq);
	unsigned long args[LVD_DOMAIN_ARGS] = { r->shadow }, ret;

	if (!lvd_domain_stopped(s->bd->d, NULL)) {
		if (!s->fn[LVD_BLK_TIMEOUT].d)
			return BLK_EH_RESET_TIMER;
		if (!lvd_domain_fn_call(&s->fn[LVD_BLK_TIMEOUT], args, &ret))
			return ret == BLK_EH_RESET_TIMER ? BLK_EH_RESET_TIMER :
							   BLK_EH_DONE;
	}
	/* A completion asked for is on its way: it ends the request */
	if (!lvd_blk_rq_move(r, LVD_BLK_RQ_STARTED, LVD_BLK_RQ_IDLE))
		return BLK_EH_RESET_TIMER;
	blk_mq_end_request(rq, BLK_STS_IOERR);
	return BLK_EH_DONE;
}

/* The driver's request at @shadow, moved from @from to @to; or NULL */
static struct request *lvd_blk_rq_take(struct lvd_domain *d,
				       unsigned long shadow, int from, int to,
				       const char *what)
{
	struct lvd_blk_domain *bd = lvd_blk_domain_find(d);
	struct lvd_blk_set *s;
	struct request *rq = NULL;

	rcu_read_lock();
	if (bd)
		rq = lvd_blk_rq_find(bd, shadow, &s);
	if (rq && !lvd_blk_rq_move(blk_mq_rq_to_pdu(rq), from, to))
		rq = NULL;
	rcu_read_unlock();
	if (!rq)
		lvd_blk_refused(d, bd, "%s of a request it does not hold refused",
				what);
	return rq;
}

/* blk_mq_start_request(rq) */
unsigned long lvd_glue_blk_mq_start_request(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct request *rq = lvd_blk_rq_take(d, args[0], LVD_BLK_RQ_DRIVER,
					     LVD_BLK_RQ_STARTED,
					     "blk_mq_start_request()");

	if (rq)
		blk_mq_start_request(rq);
	return 0;
}

/* blk_mq_complete_request(rq): the kernel calls complete, now or later */
unsigned long lvd_glue_blk_mq_complete_request(struct lvd_domain *d,
					       const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct request *rq = lvd_blk_rq_take(d, args[0], LVD_BLK_RQ_STARTED,
					     LVD_BLK_RQ_COMPLETING,
					     "blk_mq_complete_request()");

	if (rq)
		blk_mq_complete_request(rq);
	return 0;
}

/* blk_mq_end_request(rq, status): a request handed to it, ended once */
unsigned long lvd_glue_blk_mq_end_request(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_blk_domain *bd = lvd_blk_domain_find(d);
	blk_status_t sts = (__force blk_status_t)(u8)args[1];
	struct request *rq = NULL;
	struct lvd_blk_set *s;
	struct lvd_blk_rq *r;

	if (args[1] > LVD_BLK_STS_MAX)
		sts = BLK_STS_IOERR;
	rcu_read_lock();
	if (bd)
		rq = lvd_blk_rq_find(bd, args[0], &s);
	if (rq) {
		r = blk_mq_rq_to_pdu(rq);
		if (!lvd_blk_rq_move(r, LVD_BLK_RQ_STARTED, LVD_BLK_RQ_IDLE) &&
		    !lvd_blk_rq_move(r, LVD_BLK_RQ_COMPLETING, LVD_BLK_RQ_IDLE) &&
		    !lvd_blk_rq_move(r, LVD_BLK_RQ_DRIVER, LVD_BLK_RQ_IDLE))
			rq = NULL;
	}
	rcu_read_unlock();
	if (!rq) {
		lvd_blk_refused(d, bd,
				"blk_mq_end_request() of a request it does not hold refused");
		return 0;
	}
	if (s->slot_bio && sts == BLK_STS_OK)
		lvd_blk_data_out(s, rq);
	blk_mq_end_request(rq, sts);
	return 0;
}

/* errno_to_blk_status(errno) */
unsigned long lvd_glue_errno_to_blk_status(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	return (__force u8)errno_to_blk_status((int)args[0]);
}
