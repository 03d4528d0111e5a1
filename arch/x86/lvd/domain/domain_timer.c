// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's shadows of a domain's timers and work items: an hrtimer,
 * timer_list or work item in the domain's memory is named by its address
 * there, and the timer glue (glue/glue_timer.c) arms, cancels and queues
 * a shadow in kernel memory instead, found by that address. The kernel
 * never runs timer or workqueue code on memory the domain can write: an
 * hrtimer's rbtree node and base pointer, a timer's list entry and a work
 * item's list and data word are all pointers the kernel would follow.
 *
 * A shadow is made by the glue's first init or arm of an address the
 * domain's own code may write, and lives as long as the domain: at most
 * LVD_DOMAIN_TIMERS_MAX of them. When the domain is stopped, every shadow
 * is cancelled (and a callback that starts anyway calls nothing: the call
 * fails); when it is destroyed, each is cancelled and waited for before
 * it is freed, so nothing of the domain's stays armed in the kernel.
 */

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include "domain/domain_priv.h"

/* The most shadows a domain may have: a block driver's requests, each */
#define LVD_DOMAIN_TIMERS_MAX	16384

/**
 * lvd_domain_timer_get() - the shadow of a timer or work item in a domain
 * @d: the domain
 * @addr: the object's address there, as its code gave it: hostile
 * @size: the size of the domain's object there, all of which its code
 *	must be able to write
 * @setup: sets up a new shadow's kernel objects (its timer functions);
 *	NULL to find one only, never to make one
 *
 * Context: any; does not sleep.
 * Return: the shadow, alive until the domain is destroyed; ERR_PTR
 * -EFAULT when the domain may not write there, -ENOENT when there is none
 * and @setup is NULL, -ENOSPC when the domain has too many, -ENOMEM.
 */
struct lvd_domain_timer *
lvd_domain_timer_get(struct lvd_domain *d, unsigned long addr, size_t size,
		     void (*setup)(struct lvd_domain_timer *s))
{
	struct lvd_domain_timer *s, *fresh;

	if (!lvd_domain_may_access(d, addr, size, true))
		return ERR_PTR(-EFAULT);
	s = xa_load(&d->timers, addr);
	if (s)
		return s;
	if (!setup)
		return ERR_PTR(-ENOENT);
	if (atomic_inc_return(&d->nr_timers) > LVD_DOMAIN_TIMERS_MAX) {
		atomic_dec(&d->nr_timers);
		return ERR_PTR(-ENOSPC);
	}
	fresh = kzalloc(sizeof(*fresh), GFP_ATOMIC);
	if (!fresh) {
		atomic_dec(&d->nr_timers);
		return ERR_PTR(-ENOMEM);
	}
	spin_lock_init(&fresh->lock);
	fresh->d = d;
	fresh->addr = addr;
	setup(fresh);
	s = xa_cmpxchg(&d->timers, addr, NULL, fresh, GFP_ATOMIC);
	if (!s)
		return fresh;
	/* Made meanwhile on another CPU, or no memory */
	kfree(fresh);
	atomic_dec(&d->nr_timers);
	return xa_is_err(s) ? ERR_PTR(xa_err(s)) : s;
}

/**
 * lvd_domain_timers_stop() - cancel a stopped domain's timers and work
 * @d: the domain, stopped: its calls fail from now on
 *
 * What is armed or queued is taken off; a callback running now, or one
 * that starts before its cancel, fails to call into the domain and does
 * not rearm.
 *
 * Context: any, but holding a shadow's lock (it may run inside a timer's
 * callback).
 */
void lvd_domain_timers_stop(struct lvd_domain *d)
{
	struct lvd_domain_timer *s;
	unsigned long addr, flags;

	xa_for_each(&d->timers, addr, s) {
		spin_lock_irqsave(&s->lock, flags);
		hrtimer_try_to_cancel(&s->hr);
		timer_delete(&s->tl);
		cancel_delayed_work(&s->dw);
		spin_unlock_irqrestore(&s->lock, flags);
	}
}

/**
 * lvd_domain_timers_destroy() - cancel and free a domain's shadow timers
 * @d: the domain, with no call in flight and none able to start
 *
 * Each callback still running (its call into the domain fails) is waited
 * for before its shadow is freed.
 *
 * Context: process; may sleep.
 */
void lvd_domain_timers_destroy(struct lvd_domain *d)
{
	struct lvd_domain_timer *s;
	unsigned long addr;

	xa_for_each(&d->timers, addr, s) {
		hrtimer_cancel(&s->hr);
		timer_delete_sync(&s->tl);
		cancel_delayed_work_sync(&s->dw);
		kfree(s);
	}
	xa_destroy(&d->timers);
}
