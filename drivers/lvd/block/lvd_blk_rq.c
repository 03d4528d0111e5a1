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
 *
 * Where the call into the driver cannot sleep, the kernel watches the
 * request it is about (struct lvd_domain_watch): the driver's
 * blk_mq_start_request(), blk_mq_complete_request() and
 * blk_mq_end_request() of it are then recorded in the watch by the glue
 * page's deferring routines, without a kernel call, and applied when the
 * call returns, as the same calls would be, with the same checks. What a
 * failed call recorded is dropped: the request is failed as before. A
 * kernel call for the request while it is watched applies what was
 * recorded first. Where the kernel would run the driver's complete at
 * once, the driver's blk_mq_complete_request() runs it in the domain.
 */

#include <linux/blk-mq.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <lvd/glue.h>
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

/* Move @r from @from to @to in handover @ticket, or in any when it is -1 */
static bool lvd_blk_rq_move_tk(struct lvd_blk_rq *r, int ticket, int from,
			       int to)
{
	return ticket < 0 ? lvd_blk_rq_move(r, from, to) :
			    lvd_blk_rq_move_in(r, ticket, from, to);
}

/* Move @r to idle from wherever the driver may end it */
static bool lvd_blk_rq_end_take(struct lvd_blk_rq *r, int ticket)
{
	return lvd_blk_rq_move_tk(r, ticket, LVD_BLK_RQ_STARTED, LVD_BLK_RQ_IDLE) ||
	       lvd_blk_rq_move_tk(r, ticket, LVD_BLK_RQ_COMPLETING, LVD_BLK_RQ_IDLE) ||
	       lvd_blk_rq_move_tk(r, ticket, LVD_BLK_RQ_DRIVER, LVD_BLK_RQ_IDLE);
}

/* End @rq, taken from the driver, with the status it gave (@status) */
static void lvd_blk_rq_ended(struct lvd_blk_set *s, struct request *rq,
			     unsigned long status)
{
	blk_status_t sts = (__force blk_status_t)(u8)status;

	if (status > LVD_BLK_STS_MAX)
		sts = BLK_STS_IOERR;
	if (s->slot_bio && sts == BLK_STS_OK)
		lvd_blk_data_out(s, rq);
	blk_mq_end_request(rq, sts);
}

static void lvd_blk_not_held(struct lvd_domain *d, struct lvd_blk_domain *bd,
			     const char *what)
{
	lvd_blk_refused(d, bd, "%s of a request it does not hold refused", what);
}

/*
 * In a mark the kernel read: the driver's completion ran in the domain,
 * from its blk_mq_complete_request() (the watch's ran)
 */
#define LVD_BLK_MARK_RAN	BIT(16)

/* A watch's mark, with its ran */
static unsigned int lvd_blk_watch_read(const struct lvd_domain_watch *w)
{
	return READ_ONCE(w->mark) | (READ_ONCE(w->ran) ? LVD_BLK_MARK_RAN : 0);
}

/* Does a watch's @mark, in queue_rq, record a start? */
static bool lvd_blk_mark_started(unsigned int mark)
{
	if (mark & LVD_BLK_MARK_RAN)
		return true;
	mark &= 0xff;
	return mark == LVD_GLUE_MARK_STARTED ||
	       mark == LVD_GLUE_MARK_COMPLETE || mark == LVD_GLUE_MARK_ENDED;
}

/*
 * Apply what the driver recorded of @rq in a watch (@mark), as the calls
 * it stands for, in handover @ticket (or any when it is -1): with @start,
 * in queue_rq, a start before any other.
 */
static void lvd_blk_rq_apply(struct lvd_blk_set *s, struct request *rq,
			     int ticket, bool start, unsigned int mark)
{
	struct lvd_blk_rq *r = blk_mq_rq_to_pdu(rq);
	struct lvd_blk_domain *bd = s->bd;
	unsigned int what = mark & 0xff;

	if (!lvd_blk_mark_started(mark))
		return;
	if (start) {
		if (lvd_blk_rq_move_tk(r, ticket, LVD_BLK_RQ_DRIVER,
				       LVD_BLK_RQ_STARTED))
			blk_mq_start_request(rq);
		else
			lvd_blk_not_held(bd->d, bd, "blk_mq_start_request()");
	}
	/*
	 * Its completion ran in the domain, as the kernel's would have at
	 * once: completing, and ended if it ended it
	 */
	if (mark & LVD_BLK_MARK_RAN) {
		if (!lvd_blk_rq_move_tk(r, ticket, LVD_BLK_RQ_STARTED,
					LVD_BLK_RQ_COMPLETING)) {
			lvd_blk_not_held(bd->d, bd, "blk_mq_complete_request()");
			return;
		}
		if (what != LVD_GLUE_MARK_ENDED)
			return;
	}
	if (what == LVD_GLUE_MARK_COMPLETE) {
		if (lvd_blk_rq_move_tk(r, ticket, LVD_BLK_RQ_STARTED,
				       LVD_BLK_RQ_COMPLETING))
			blk_mq_complete_request(rq);
		else
			lvd_blk_not_held(bd->d, bd, "blk_mq_complete_request()");
	} else if (what == LVD_GLUE_MARK_ENDED) {
		if (lvd_blk_rq_end_take(r, ticket))
			lvd_blk_rq_ended(s, rq, (mark >> 8) & 0xff);
		else
			lvd_blk_not_held(bd->d, bd, "blk_mq_end_request()");
	}
}

/**
 * struct lvd_blk_watching - a request watched in a call into its driver
 * @s: its tag set
 * @rq: the request
 * @ticket: its handover when the call began
 * @in_queue_rq: the call is queue_rq, else complete
 * @w: the domain's watch on this CPU, or NULL when the call is not watched
 * @saved: what @w held before: the watch of a call this one is inside
 * @prev: the watching of a call this one is inside, on this CPU, or NULL
 */
struct lvd_blk_watching {
	struct lvd_blk_set *s;
	struct request *rq;
	int ticket;
	bool in_queue_rq;
	struct lvd_domain_watch *w;
	struct lvd_domain_watch saved;
	struct lvd_blk_watching *prev;
};

/* The innermost watching on each CPU */
static DEFINE_PER_CPU(struct lvd_blk_watching *, lvd_blk_watching);

/*
 * Watch @rq in the call into its driver about to be made, if that call
 * cannot sleep: one that may can move to another CPU, and its watch with
 * it. The watch stays on this CPU, preemption off, until
 * lvd_blk_unwatch(); a call made inside it (an interrupt's) saves and
 * restores it. In queue_rq, where blk_mq_complete_request() would run the
 * driver's complete at once (the request's hardware context has one
 * software queue, this CPU's: blk_mq_complete_request_remote()'s first
 * test), the watch names that function: the driver's
 * blk_mq_complete_request() runs it in the domain.
 */
static void lvd_blk_watch(struct lvd_blk_watching *wg, struct lvd_blk_set *s,
			  struct request *rq, int ticket, bool in_queue_rq)
{
	struct lvd_blk_rq *r = blk_mq_rq_to_pdu(rq);
	unsigned long flags, fn = 0;

	wg->w = NULL;
	if (preemptible() && !rcu_preempt_depth())
		return;
	preempt_disable();
	wg->w = lvd_domain_watch(s->bd->d);
	if (!wg->w) {
		preempt_enable();
		return;
	}
	wg->s = s;
	wg->rq = rq;
	wg->ticket = ticket;
	wg->in_queue_rq = in_queue_rq;
	if (in_queue_rq && s->fn[LVD_BLK_COMPLETE].d &&
	    rq->mq_hctx->nr_ctx == 1 &&
	    cpumask_test_cpu(smp_processor_id(), rq->mq_hctx->cpumask))
		fn = s->fn[LVD_BLK_COMPLETE].fn;
	local_irq_save(flags);
	wg->saved.obj = READ_ONCE(wg->w->obj);
	wg->saved.mark = READ_ONCE(wg->w->mark);
	wg->saved.ran = READ_ONCE(wg->w->ran);
	wg->saved.fn = READ_ONCE(wg->w->fn);
	WRITE_ONCE(wg->w->obj, r->shadow);
	WRITE_ONCE(wg->w->mark, in_queue_rq ? LVD_GLUE_MARK_HANDED :
					      LVD_GLUE_MARK_COMPLETING);
	WRITE_ONCE(wg->w->ran, 0);
	WRITE_ONCE(wg->w->fn, fn);
	wg->prev = this_cpu_read(lvd_blk_watching);
	this_cpu_write(lvd_blk_watching, wg);
	local_irq_restore(flags);
}

/*
 * The watch's end: the one before it back, and what the driver recorded,
 * unless its call @failed. A start recorded in queue_rq is applied here,
 * before an interrupt (the driver's timer) can end the request: what else
 * was recorded is left to the caller. The start of a request that moved
 * on meanwhile (ended from another CPU) is dropped without a word: an end
 * of it was taken already.
 */
static unsigned int lvd_blk_unwatch(struct lvd_blk_watching *wg, bool failed)
{
	unsigned long flags;
	unsigned int mark;

	if (!wg->w)
		return LVD_GLUE_MARK_NONE;
	local_irq_save(flags);
	mark = lvd_blk_watch_read(wg->w);
	WRITE_ONCE(wg->w->obj, wg->saved.obj);
	WRITE_ONCE(wg->w->mark, wg->saved.mark);
	WRITE_ONCE(wg->w->ran, wg->saved.ran);
	WRITE_ONCE(wg->w->fn, wg->saved.fn);
	this_cpu_write(lvd_blk_watching, wg->prev);
	if (failed)
		mark = LVD_GLUE_MARK_NONE;
	if (wg->in_queue_rq && lvd_blk_mark_started(mark) &&
	    lvd_blk_rq_move_in(blk_mq_rq_to_pdu(wg->rq), wg->ticket,
			       LVD_BLK_RQ_DRIVER, LVD_BLK_RQ_STARTED))
		blk_mq_start_request(wg->rq);
	local_irq_restore(flags);
	preempt_enable();
	return mark;
}

/*
 * A kernel call of @d's for @rq: if a call into the driver on this CPU
 * watches @rq, what the driver recorded there was done first, so it is
 * applied first, and the watch records no more. Only a call that cannot
 * sleep can be inside a watched one.
 */
static void lvd_blk_rq_pending(struct lvd_domain *d, struct request *rq)
{
	struct lvd_domain_watch *live = NULL, *w;
	struct lvd_blk_watching *wg;
	unsigned int mark;

	if (preemptible())
		return;
	for (wg = this_cpu_read(lvd_blk_watching); wg; wg = wg->prev) {
		if (wg->s->bd->d != d)
			continue;
		/* Its words are the domain's, or in the next watch's saved */
		w = live ?: wg->w;
		if (wg->rq == rq) {
			mark = lvd_blk_watch_read(w);
			WRITE_ONCE(w->mark, LVD_GLUE_MARK_NONE);
			WRITE_ONCE(w->ran, 0);
			lvd_blk_rq_apply(wg->s, rq, wg->ticket,
					 wg->in_queue_rq, mark);
			return;
		}
		live = &wg->saved;
	}
}

/*
 * The request's shadow, as queue_rq gets it: written straight into its
 * slot, which is the glue's, on the domain's heap for as long as the set
 */
static int lvd_blk_rq_project(struct lvd_blk_set *s,
			      struct lvd_blk_hctx *h, struct request *rq,
			      const struct blk_mq_queue_data *bd)
{
	struct lvd_blk_rq *r = blk_mq_rq_to_pdu(rq);
	struct request *img = (struct request *)r->shadow;
	struct blk_mq_queue_data *qd = (void *)(r->shadow + s->slot_qd);
	unsigned long bio = 0;

	if (s->slot_bio && lvd_blk_data_in(s, rq, &bio))
		return -EIO;
	memset(img, 0, LVD_BLK_RQ_IMAGE);
	img->q = (struct request_queue *)h->shadow_q;
	img->mq_hctx = (struct blk_mq_hw_ctx *)h->shadow;
	lvd_proj_request_out(img, rq);
	img->bio = (struct bio *)bio;
	img->biotail = img->bio;
	qd->rq = img;
	qd->last = bd->last;
	lvd_domain_count_copy(true, LVD_BLK_RQ_IMAGE + sizeof(*qd));
	return 0;
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
	struct lvd_blk_watching wg;
	unsigned int mark;
	int ticket, err;

	if (!r->shadow || lvd_blk_rq_project(s, h, rq, bd))
		return BLK_STS_IOERR;
	args[1] = r->shadow + s->slot_qd;
	ticket = lvd_blk_rq_hand_over(r);
	if (ticket < 0)
		return BLK_STS_IOERR;
	lvd_blk_watch(&wg, s, rq, ticket, true);
	err = lvd_domain_fn_call(&s->fn[LVD_BLK_QUEUE_RQ], args, &ret);
	mark = lvd_blk_unwatch(&wg, err);
	lvd_blk_rq_apply(s, rq, ticket, false, mark);
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
	int ticket = atomic_read(&r->state);
	struct lvd_blk_watching wg;
	unsigned int mark;
	int err;

	lvd_blk_watch(&wg, s, rq, ticket, false);
	err = lvd_domain_fn_call(&s->fn[LVD_BLK_COMPLETE], args, &ret);
	mark = lvd_blk_unwatch(&wg, err);
	if (err)
		lvd_blk_rq_fail(rq, LVD_BLK_RQ_COMPLETING);
	else
		lvd_blk_rq_apply(s, rq, ticket, false, mark);
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

/*
 * The driver's request at @shadow, with what it recorded of it in a watch
 * applied, moved from @from to @to (from wherever it may end it, when
 * @from is -1); or NULL, said in the log
 */
static struct request *lvd_blk_rq_take(struct lvd_domain *d,
				       unsigned long shadow, int from, int to,
				       struct lvd_blk_set **set,
				       const char *what)
{
	struct lvd_blk_domain *bd = lvd_blk_domain_find(d);
	struct request *rq = NULL;
	struct lvd_blk_rq *r;

	rcu_read_lock();
	if (bd)
		rq = lvd_blk_rq_find(bd, shadow, set);
	if (rq) {
		lvd_blk_rq_pending(d, rq);
		r = blk_mq_rq_to_pdu(rq);
		if (from < 0 ? !lvd_blk_rq_end_take(r, -1) :
			       !lvd_blk_rq_move(r, from, to))
			rq = NULL;
	}
	rcu_read_unlock();
	if (!rq)
		lvd_blk_not_held(d, bd, what);
	return rq;
}

/* blk_mq_start_request(rq) */
unsigned long lvd_glue_blk_mq_start_request(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_blk_set *s;
	struct request *rq = lvd_blk_rq_take(d, args[0], LVD_BLK_RQ_DRIVER,
					     LVD_BLK_RQ_STARTED, &s,
					     "blk_mq_start_request()");

	if (rq)
		blk_mq_start_request(rq);
	return 0;
}

/* blk_mq_complete_request(rq): the kernel calls complete, now or later */
unsigned long lvd_glue_blk_mq_complete_request(struct lvd_domain *d,
					       const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_blk_set *s;
	struct request *rq = lvd_blk_rq_take(d, args[0], LVD_BLK_RQ_STARTED,
					     LVD_BLK_RQ_COMPLETING, &s,
					     "blk_mq_complete_request()");

	if (rq)
		blk_mq_complete_request(rq);
	return 0;
}

/* blk_mq_end_request(rq, status): a request handed to it, ended once */
unsigned long lvd_glue_blk_mq_end_request(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_blk_set *s;
	struct request *rq = lvd_blk_rq_take(d, args[0], -1, LVD_BLK_RQ_IDLE,
					     &s, "blk_mq_end_request()");

	if (rq)
		lvd_blk_rq_ended(s, rq, args[1]);
	return 0;
}

/* errno_to_blk_status(errno) */
unsigned long lvd_glue_errno_to_blk_status(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	return (__force u8)errno_to_blk_status((int)args[0]);
}
