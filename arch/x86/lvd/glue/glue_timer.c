// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for an isolated module's timers and work items: hrtimers,
 * timer_lists, work items and delayed work in its memory. Each works on
 * the kernel's shadow of the timer (domain/domain_timer.c), never on the
 * domain's struct, which the kernel does not trust: an hrtimer_init() or
 * timer_setup() there writes nothing the kernel reads back. The callback
 * is read from the domain when the timer is armed (an hrtimer's
 * ->function) or set up (a timer_list's), bound (it must be the domain's
 * code), and called in the domain, with the domain's timer address, when
 * the shadow expires: an hrtimer's in hard interrupt context (soft with
 * HRTIMER_MODE_SOFT), a timer_list's in softirq context, each on the
 * CPU's stack in the domain. A work item's ->func is read when it is
 * queued (INIT_WORK() is inline: the glue never sees it), and runs from a
 * kworker, in process context, on the kworker's own stack in the domain:
 * it may sleep. Work goes on the system workqueues only, which the domain
 * names by its copies of system_wq and the like (domain/domain_values.c).
 *
 * A cancel that waits for a timer (hrtimer_cancel(), timer_delete_sync())
 * spins, bounded: waiting for its own callback, or for longer than
 * LVD_GLUE_TIMER_WAIT_MS, stops the domain, where the kernel would hang.
 * One that waits for work (cancel_work_sync(), flush_work()) sleeps on the
 * domain's stop queue, which a stop or an unload wakes; waiting for its
 * own callback stops the domain. A stopped domain's timers and work are
 * cancelled, and a callback that starts anyway calls nothing; an unloaded
 * one's are cancelled and waited for before its memory goes.
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/init.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <lvd/glue.h>
#include "domain/domain_priv.h"
#include "domain/domain_values.h"

/* The longest a cancel waits for a callback: more than the watchdog allows */
#define LVD_GLUE_TIMER_WAIT_MS	500
/* What the domain's timer_pending() sees of an armed timer_list */
#define LVD_GLUE_TIMER_ARMED	((struct hlist_node **)0x122)

static enum hrtimer_restart lvd_glue_hrtimer_fire(struct hrtimer *t);
static void lvd_glue_timer_fire(struct timer_list *t);
static void lvd_glue_work_fire(struct work_struct *w);

/* A new shadow's kernel objects */
static void lvd_glue_timer_setup(struct lvd_domain_timer *s)
{
	hrtimer_init(&s->hr, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	s->hr.function = lvd_glue_hrtimer_fire;
	timer_setup(&s->tl, lvd_glue_timer_fire, 0);
	INIT_DELAYED_WORK(&s->dw, lvd_glue_work_fire);
}

/*
 * The shadow of the domain's timer or work item at @addr (of @size bytes),
 * made if @make, or NULL: refused, and said so
 */
static struct lvd_domain_timer *lvd_glue_timer_shadow(struct lvd_domain *d,
						      unsigned long addr,
						      size_t size, bool make,
						      const char *what)
{
	struct lvd_domain_timer *s;

	s = lvd_domain_timer_get(d, addr, size,
				 make ? lvd_glue_timer_setup : NULL);
	if (!IS_ERR(s))
		return s;
	pr_warn_ratelimited("%s: %s(%#lx) refused (%pe)\n", lvd_domain_name(d),
			    what, addr, s);
	return NULL;
}

/* The shadow of an initialised timer of @kind at @addr, or NULL: refused */
static struct lvd_domain_timer *lvd_glue_timer_of(struct lvd_domain *d,
						  unsigned long addr,
						  unsigned int kind, size_t size,
						  const char *what)
{
	struct lvd_domain_timer *s = lvd_glue_timer_shadow(d, addr, size,
							   false, what);

	if (!s || READ_ONCE(s->kind) == kind)
		return s;
	pr_warn_ratelimited("%s: %s(%#lx) of a timer not set up as one\n",
			    lvd_domain_name(d), what, addr);
	return NULL;
}

/* Bind the domain's callback @fn; false when it is not the domain's code */
static bool lvd_glue_timer_bind(struct lvd_domain *d, unsigned long addr,
				unsigned long fn, unsigned long *bound,
				const char *what)
{
	struct lvd_domain_fn f;

	if (!lvd_domain_fn_bind(&f, d, fn)) {
		*bound = f.fn;
		return true;
	}
	pr_warn_ratelimited("%s: %s(%#lx): callback %#lx is not its code\n",
			    lvd_domain_name(d), what, addr, fn);
	return false;
}

/* Call @s's callback in its domain, with the domain's timer address */
static int lvd_glue_timer_call(struct lvd_domain_timer *s)
{
	const struct lvd_domain_fn f = { .d = s->d, .fn = READ_ONCE(s->fn) };
	unsigned long args[LVD_DOMAIN_ARGS] = { s->addr };
	unsigned long ret;
	int err;

	if (!f.fn)
		return -ENOENT;
	err = lvd_domain_fn_call(&f, args, &ret);
	return err ? err : (int)ret;
}

/* Is @s's callback running on this CPU, below the caller? */
static bool lvd_glue_timer_own(struct lvd_domain_timer *s, const char *what)
{
	if (READ_ONCE(s->firing) != raw_smp_processor_id() + 1)
		return false;
	pr_warn("%s: %s(%#lx) from its own callback\n", lvd_domain_name(s->d),
		what, s->addr);
	lvd_domain_stop_for(s->d, LVD_DOMAIN_FAULT_DEADLOCK);
	return true;
}

/*
 * Cancel @s with @try (-1 while its callback runs) until its callback is
 * not running, bounded: waiting for its own callback, or too long, stops
 * the domain. Returns what @try last did (0 when the domain was stopped).
 */
static int lvd_glue_timer_cancel_sync(struct lvd_domain_timer *s,
				      int (*try)(struct lvd_domain_timer *s),
				      const char *what)
{
	u64 start = ktime_get_mono_fast_ns();
	int r;

	if (lvd_glue_timer_own(s, what))
		return 0;
	while ((r = try(s)) < 0) {
		if (ktime_get_mono_fast_ns() - start >
		    LVD_GLUE_TIMER_WAIT_MS * NSEC_PER_MSEC) {
			pr_warn("%s: %s(%#lx): waited %u ms\n",
				lvd_domain_name(s->d), what, s->addr,
				LVD_GLUE_TIMER_WAIT_MS);
			lvd_domain_stop_for(s->d, LVD_DOMAIN_FAULT_DEADLOCK);
			return 0;
		}
		cpu_relax();
	}
	return r;
}

/*
 * The shadow hrtimer expired: its callback in the domain, with interrupts
 * off (or in softirq context, for HRTIMER_MODE_SOFT). It rearms only when
 * the callback returned HRTIMER_RESTART having moved the expiry on with
 * hrtimer_forward(): a restart at the same expiry would fire at once, for
 * ever.
 */
static enum hrtimer_restart lvd_glue_hrtimer_fire(struct hrtimer *t)
{
	struct lvd_domain_timer *s = container_of(t, struct lvd_domain_timer,
						  hr);
	int ret;

	s->expires = hrtimer_get_expires(t);
	WRITE_ONCE(s->firing, raw_smp_processor_id() + 1);
	ret = lvd_glue_timer_call(s);
	WRITE_ONCE(s->firing, 0);
	if (ret != HRTIMER_RESTART || lvd_domain_stopped(s->d, NULL))
		return HRTIMER_NORESTART;
	if (hrtimer_get_expires(t) == s->expires) {
		pr_warn_ratelimited("%s: hrtimer %#lx restarted, not forwarded: stops\n",
				    lvd_domain_name(s->d), s->addr);
		return HRTIMER_NORESTART;
	}
	return HRTIMER_RESTART;
}

/* The hrtimer modes the glue takes: those of hrtimer_init(), _start() */
#define LVD_GLUE_HRTIMER_MODES	(HRTIMER_MODE_REL | HRTIMER_MODE_PINNED | \
				 HRTIMER_MODE_SOFT | HRTIMER_MODE_HARD)

/*
 * hrtimer_init(timer, clock_id, mode): the shadow, set up again unless it
 * is armed or its callback runs (then refused: it stays as it was). Of the
 * domain's struct only ->base is written, NULL, so that inline helpers
 * that follow it (hrtimer_forward_now(), hrtimer_cb_get_time()) fault in
 * the domain rather than read what it left there.
 */
static unsigned long lvd_glue_hrtimer_init(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long addr = args[0], flags;
	clockid_t clock = args[1];
	u32 mode = args[2];
	const void *none = NULL;
	struct lvd_domain_timer *s;
	bool busy;

	if ((clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME &&
	     clock != CLOCK_BOOTTIME && clock != CLOCK_TAI) ||
	    args[1] > INT_MAX || args[2] & ~(unsigned long)LVD_GLUE_HRTIMER_MODES) {
		pr_warn_ratelimited("%s: hrtimer_init(%#lx, %lu, %#lx) refused\n",
				    lvd_domain_name(d), addr, args[1], args[2]);
		return 0;
	}
	s = lvd_glue_timer_shadow(d, addr, sizeof(struct hrtimer), true,
				  "hrtimer_init");
	if (!s)
		return 0;
	spin_lock_irqsave(&s->lock, flags);
	busy = hrtimer_active(&s->hr) || READ_ONCE(s->firing);
	if (!busy) {
		hrtimer_init(&s->hr, clock, mode);
		s->hr.function = lvd_glue_hrtimer_fire;
		WRITE_ONCE(s->kind, LVD_DOMAIN_TIMER_HR);
		WRITE_ONCE(s->fn, 0);
	}
	spin_unlock_irqrestore(&s->lock, flags);
	if (busy)
		pr_warn_ratelimited("%s: hrtimer_init(%#lx) of an armed timer refused\n",
				    lvd_domain_name(d), addr);
	else
		lvd_domain_copy_to(d, addr + offsetof(struct hrtimer, base),
				   &none, sizeof(none));
	return 0;
}

/* The shadow hrtimer at @addr, set up by hrtimer_init() */
static struct lvd_domain_timer *lvd_glue_hrtimer(struct lvd_domain *d,
						 unsigned long addr,
						 const char *what)
{
	return lvd_glue_timer_of(d, addr, LVD_DOMAIN_TIMER_HR,
				 sizeof(struct hrtimer), what);
}

/*
 * hrtimer_start_range_ns(timer, tim, delta_ns, mode), which hrtimer_start()
 * calls: arms the shadow with the domain's ->function, read now
 */
static unsigned long lvd_glue_hrtimer_start(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long addr = args[0], fn, flags;
	struct lvd_domain_timer *s;
	u32 mode;

	s = lvd_glue_hrtimer(d, addr, "hrtimer_start");
	if (!s)
		return 0;
	if (lvd_domain_copy_from(d, &fn, addr + offsetof(struct hrtimer, function),
				 sizeof(fn)) ||
	    !lvd_glue_timer_bind(d, addr, fn, &fn, "hrtimer_start"))
		return 0;
	spin_lock_irqsave(&s->lock, flags);
	/* Soft or hard as it was set up: only that may not change */
	mode = (args[3] & (HRTIMER_MODE_REL | HRTIMER_MODE_PINNED)) |
	       (s->hr.is_soft ? HRTIMER_MODE_SOFT : 0) |
	       (s->hr.is_hard ? HRTIMER_MODE_HARD : 0);
	WRITE_ONCE(s->fn, fn);
	hrtimer_start_range_ns(&s->hr, (ktime_t)args[1], args[2], mode);
	spin_unlock_irqrestore(&s->lock, flags);
	return 0;
}

/*
 * hrtimer_try_to_cancel() of @s: under @s->lock, as everything the glue
 * does with the shadow hrtimer, which hrtimer_init() may set up again
 */
static int lvd_glue_hrtimer_try(struct lvd_domain_timer *s)
{
	unsigned long flags;
	int r;

	spin_lock_irqsave(&s->lock, flags);
	r = hrtimer_try_to_cancel(&s->hr);
	spin_unlock_irqrestore(&s->lock, flags);
	return r;
}

/* hrtimer_cancel(timer): 1 when it was armed; waits for its callback */
static unsigned long lvd_glue_hrtimer_cancel(struct lvd_domain *d,
					     const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_timer *s = lvd_glue_hrtimer(d, args[0],
						      "hrtimer_cancel");

	return s ? lvd_glue_timer_cancel_sync(s, lvd_glue_hrtimer_try,
					      "hrtimer_cancel") : 0;
}

/* hrtimer_try_to_cancel(timer): 1 armed, 0 not, -1 its callback runs */
static unsigned long lvd_glue_hrtimer_try_to_cancel(struct lvd_domain *d,
						    const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_timer *s = lvd_glue_hrtimer(d, args[0],
						      "hrtimer_try_to_cancel");

	return s ? (long)lvd_glue_hrtimer_try(s) : 0;
}

/*
 * hrtimer_forward(timer, now, interval): the overruns. Only from the
 * timer's own callback (and not once it was started again meanwhile):
 * anywhere else it would race with the kernel's queueing of the shadow.
 */
static unsigned long lvd_glue_hrtimer_forward(struct lvd_domain *d,
					      const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_timer *s = lvd_glue_hrtimer(d, args[0],
						      "hrtimer_forward");
	unsigned long flags;
	u64 overruns = 0;
	bool queued;

	if (!s)
		return 0;
	if (READ_ONCE(s->firing) != raw_smp_processor_id() + 1) {
		pr_warn_ratelimited("%s: hrtimer_forward(%#lx) outside its callback refused\n",
				    lvd_domain_name(d), args[0]);
		return 0;
	}
	spin_lock_irqsave(&s->lock, flags);
	queued = hrtimer_is_queued(&s->hr);
	if (!queued)
		overruns = hrtimer_forward(&s->hr, (ktime_t)args[1],
					   (ktime_t)args[2]);
	spin_unlock_irqrestore(&s->lock, flags);
	return overruns;
}

/* hrtimer_active(timer): armed, or its callback runs */
static unsigned long lvd_glue_hrtimer_active(struct lvd_domain *d,
					     const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_timer *s = lvd_glue_hrtimer(d, args[0],
						      "hrtimer_active");
	unsigned long flags;
	bool active;

	if (!s)
		return 0;
	spin_lock_irqsave(&s->lock, flags);
	active = hrtimer_active(&s->hr);
	spin_unlock_irqrestore(&s->lock, flags);
	return active;
}

/* __hrtimer_get_remaining(timer, adjust), which hrtimer_get_remaining() calls */
static unsigned long lvd_glue_hrtimer_remaining(struct lvd_domain *d,
						const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_timer *s = lvd_glue_hrtimer(d, args[0],
						      "hrtimer_get_remaining");
	unsigned long flags;
	ktime_t left;

	if (!s)
		return 0;
	spin_lock_irqsave(&s->lock, flags);
	left = __hrtimer_get_remaining(&s->hr, args[1]);
	spin_unlock_irqrestore(&s->lock, flags);
	return left;
}

/*
 * What the domain's timer_pending() reads (its ->entry.pprev): non-NULL
 * while the glue armed the shadow and it has not fired or been deleted
 */
static void lvd_glue_timer_mark(struct lvd_domain_timer *s, bool armed)
{
	struct hlist_node **pprev = armed ? LVD_GLUE_TIMER_ARMED : NULL;

	lvd_domain_copy_to(s->d, s->addr +
			   offsetof(struct timer_list, entry.pprev),
			   &pprev, sizeof(pprev));
}

/* The shadow timer_list expired: its callback, in softirq context */
static void lvd_glue_timer_fire(struct timer_list *t)
{
	struct lvd_domain_timer *s = from_timer(s, t, tl);

	lvd_glue_timer_mark(s, false);
	WRITE_ONCE(s->firing, raw_smp_processor_id() + 1);
	lvd_glue_timer_call(s);
	WRITE_ONCE(s->firing, 0);
}

/*
 * init_timer_key(timer, func, flags, name, key), which timer_setup()
 * calls: the callback to call, unless the timer is armed (refused). The
 * flags are not the kernel's to follow: a deferrable timer fires on time,
 * a pinned one on any CPU.
 */
static unsigned long lvd_glue_init_timer(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long addr = args[0], fn, flags;
	struct lvd_domain_timer *s;
	bool busy;

	/* INIT_DELAYED_WORK()'s: the work glue arms a timer of its own */
	if (args[1] == (unsigned long)delayed_work_timer_fn)
		return 0;
	if (!lvd_glue_timer_bind(d, addr, args[1], &fn, "timer_setup"))
		return 0;
	s = lvd_glue_timer_shadow(d, addr, sizeof(struct timer_list), true,
				  "timer_setup");
	if (!s)
		return 0;
	spin_lock_irqsave(&s->lock, flags);
	busy = timer_pending(&s->tl);
	if (!busy) {
		WRITE_ONCE(s->kind, LVD_DOMAIN_TIMER_LIST);
		WRITE_ONCE(s->fn, fn);
	}
	spin_unlock_irqrestore(&s->lock, flags);
	if (busy)
		pr_warn_ratelimited("%s: timer_setup(%#lx) of an armed timer refused\n",
				    lvd_domain_name(d), addr);
	else
		lvd_glue_timer_mark(s, false);
	return 0;
}

/* The shadow timer_list at @addr, set up by timer_setup() */
static struct lvd_domain_timer *lvd_glue_timer(struct lvd_domain *d,
					       unsigned long addr,
					       const char *what)
{
	return lvd_glue_timer_of(d, addr, LVD_DOMAIN_TIMER_LIST,
				 sizeof(struct timer_list), what);
}

/* Arm @s to expire at @expires (jiffies): 1 when it was armed already */
static int lvd_glue_timer_arm(struct lvd_domain_timer *s,
			      unsigned long expires)
{
	unsigned long flags;
	int was;

	spin_lock_irqsave(&s->lock, flags);
	was = mod_timer(&s->tl, expires);
	spin_unlock_irqrestore(&s->lock, flags);
	lvd_glue_timer_mark(s, true);
	return was;
}

/* mod_timer(timer, expires) */
static unsigned long lvd_glue_mod_timer(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_timer *s = lvd_glue_timer(d, args[0], "mod_timer");

	return s ? lvd_glue_timer_arm(s, args[1]) : 0;
}

/* add_timer(timer): at the domain's ->expires; armed already is refused */
static unsigned long lvd_glue_add_timer(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_timer *s = lvd_glue_timer(d, args[0], "add_timer");
	unsigned long expires;

	if (!s || lvd_domain_copy_from(d, &expires, args[0] +
				       offsetof(struct timer_list, expires),
				       sizeof(expires)))
		return 0;
	if (timer_pending(&s->tl)) {
		pr_warn_ratelimited("%s: add_timer(%#lx) of an armed timer refused\n",
				    lvd_domain_name(d), args[0]);
		return 0;
	}
	lvd_glue_timer_arm(s, expires);
	return 0;
}

/* timer_delete(timer), which del_timer() calls: 1 when it was armed */
static unsigned long lvd_glue_timer_delete(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_timer *s = lvd_glue_timer(d, args[0], "timer_delete");
	int was;

	if (!s)
		return 0;
	was = timer_delete(&s->tl);
	lvd_glue_timer_mark(s, false);
	return was;
}

static int lvd_glue_timer_try(struct lvd_domain_timer *s)
{
	return try_to_del_timer_sync(&s->tl);
}

/*
 * timer_delete_sync(timer), which del_timer_sync() calls: 1 when it was
 * armed; waits for its callback
 */
static unsigned long lvd_glue_timer_delete_sync(struct lvd_domain *d,
						const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_timer *s = lvd_glue_timer(d, args[0],
						    "timer_delete_sync");
	int was;

	if (!s)
		return 0;
	was = lvd_glue_timer_cancel_sync(s, lvd_glue_timer_try,
					 "timer_delete_sync");
	lvd_glue_timer_mark(s, false);
	return was;
}

/* Is the domain stopped or going? Those waiting for its work give up. */
static bool lvd_glue_work_dead(struct lvd_domain *d)
{
	return lvd_domain_stopped(d, NULL) || READ_ONCE(d->dying);
}

/*
 * The shadow work item ran (or rather its turn came): its callback in the
 * domain, in process context, on the kworker's own stack there (it may
 * sleep). Then those waiting for it are woken.
 */
static void lvd_glue_work_fire(struct work_struct *w)
{
	struct lvd_domain_timer *s = container_of(w, struct lvd_domain_timer,
						  dw.work);
	unsigned long flags;

	WRITE_ONCE(s->worker, current);
	lvd_glue_timer_call(s);
	WRITE_ONCE(s->worker, NULL);
	spin_lock_irqsave(&s->lock, flags);
	s->finished++;
	spin_unlock_irqrestore(&s->lock, flags);
	wake_up_all(&s->d->stop_wq);
}

/*
 * The kernel's workqueue that the domain names @wq: what it read from its
 * copy of system_wq and the like, in the page of values (each holds its
 * own address there), or NULL
 */
static struct workqueue_struct *lvd_glue_wq(unsigned long wq)
{
	static const struct {
		const char *name;
		struct workqueue_struct **wq;
	} known[] = {
		{ "system_wq", &system_wq },
		{ "system_long_wq", &system_long_wq },
		{ "system_unbound_wq", &system_unbound_wq },
		{ "system_highpri_wq", &system_highpri_wq },
		{ "system_freezable_wq", &system_freezable_wq },
		{ "system_power_efficient_wq", &system_power_efficient_wq },
		{ "system_percpu_wq", &system_percpu_wq },
		{ "system_dfl_wq", &system_dfl_wq },
	};
	unsigned int i;

	for (i = 0; wq && i < ARRAY_SIZE(known); i++)
		if (lvd_domain_value(known[i].name) == wq)
			return *known[i].wq;
	return NULL;
}

/*
 * Queue the domain's work item at @addr (a delayed one after @delay
 * jiffies if @delayed) on @wq, with its ->func read now: true when it was
 * not queued already. Refused while a cancel of it waits.
 */
static bool lvd_glue_work_queue(struct lvd_domain *d, unsigned long cpu,
				unsigned long wq, unsigned long addr,
				unsigned long delay, bool delayed,
				const char *what)
{
	struct workqueue_struct *kwq = lvd_glue_wq(wq);
	struct lvd_domain_timer *s;
	unsigned long fn, flags;
	bool queued = false;

	if (!kwq) {
		pr_warn_ratelimited("%s: %s(%#lx) on %#lx, no workqueue it may use\n",
				    lvd_domain_name(d), what, addr, wq);
		return false;
	}
	if (lvd_domain_copy_from(d, &fn, addr + offsetof(struct work_struct, func),
				 sizeof(fn)) ||
	    !lvd_glue_timer_bind(d, addr, fn, &fn, what))
		return false;
	s = lvd_glue_timer_shadow(d, addr, delayed ? sizeof(struct delayed_work) :
				  sizeof(struct work_struct), true, what);
	if (!s)
		return false;
	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		cpu = WORK_CPU_UNBOUND;
	spin_lock_irqsave(&s->lock, flags);
	if (!s->canceling) {
		WRITE_ONCE(s->kind, delayed ? LVD_DOMAIN_TIMER_DWORK :
			   LVD_DOMAIN_TIMER_WORK);
		WRITE_ONCE(s->fn, fn);
		if (delayed)
			queued = queue_delayed_work_on(cpu, kwq, &s->dw, delay);
		else
			queued = queue_work_on(cpu, kwq, &s->dw.work);
		s->queued += queued;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return queued;
}

/* queue_work_on(cpu, wq, work), which schedule_work() calls */
static unsigned long lvd_glue_queue_work_on(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_work_queue(d, args[0], args[1], args[2], 0, false,
				   "queue_work_on");
}

/* queue_delayed_work_on(cpu, wq, dwork, delay): schedule_delayed_work() */
static unsigned long lvd_glue_queue_delayed_work_on(struct lvd_domain *d,
						    const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_work_queue(d, args[0], args[1], args[2], args[3], true,
				   "queue_delayed_work_on");
}

/*
 * The shadow of the domain's work item at @addr, or NULL: none (never
 * queued: nothing to cancel or wait for) or refused
 */
static struct lvd_domain_timer *lvd_glue_work(struct lvd_domain *d,
					      unsigned long addr,
					      const char *what)
{
	struct lvd_domain_timer *s;

	s = lvd_domain_timer_get(d, addr, sizeof(struct work_struct), NULL);
	if (IS_ERR(s)) {
		if (PTR_ERR(s) != -ENOENT)
			pr_warn_ratelimited("%s: %s(%#lx) refused (%pe)\n",
					    lvd_domain_name(d), what, addr, s);
		return NULL;
	}
	if (s->kind == LVD_DOMAIN_TIMER_WORK || s->kind == LVD_DOMAIN_TIMER_DWORK)
		return s;
	pr_warn_ratelimited("%s: %s(%#lx) of no work item\n", lvd_domain_name(d),
			    what, addr);
	return NULL;
}

/* Is the caller @s's own callback? Waiting for itself stops the domain. */
static bool lvd_glue_work_own(struct lvd_domain_timer *s, const char *what)
{
	if (READ_ONCE(s->worker) != current)
		return false;
	pr_warn("%s: %s(%#lx) from its own callback\n", lvd_domain_name(s->d),
		what, s->addr);
	lvd_domain_stop_for(s->d, LVD_DOMAIN_FAULT_DEADLOCK);
	return true;
}

/* Sleep until @s has run all it was queued for up to @target, or stops */
static void lvd_glue_work_wait(struct lvd_domain_timer *s,
			       unsigned long target)
{
	wait_event(s->d->stop_wq, (long)(READ_ONCE(s->finished) - target) >= 0 ||
		   lvd_glue_work_dead(s->d));
}

/*
 * cancel_work_sync(work), cancel_delayed_work_sync(dwork), and without
 * @sync cancel_delayed_work(dwork): true when it was queued (or armed).
 * With @sync, the callback running is waited for, and the domain may not
 * queue it again meanwhile; a stop or an unload ends the wait.
 */
static bool lvd_glue_work_cancel(struct lvd_domain *d, unsigned long addr,
				 bool sync, const char *what)
{
	struct lvd_domain_timer *s = lvd_glue_work(d, addr, what);
	unsigned long flags, target;
	bool was;

	if (!s || (sync && lvd_glue_work_own(s, what)))
		return false;
	spin_lock_irqsave(&s->lock, flags);
	s->canceling += sync;
	/* With the delayed work's timer, which a plain cancel_work() would spin on */
	was = cancel_delayed_work(&s->dw);
	s->finished += was;
	target = s->queued;
	spin_unlock_irqrestore(&s->lock, flags);
	if (!sync)
		return was;
	lvd_glue_work_wait(s, target);
	spin_lock_irqsave(&s->lock, flags);
	s->canceling--;
	spin_unlock_irqrestore(&s->lock, flags);
	return was;
}

static unsigned long lvd_glue_cancel_work_sync(struct lvd_domain *d,
					       const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_work_cancel(d, args[0], true, "cancel_work_sync");
}

static unsigned long lvd_glue_cancel_delayed_work_sync(struct lvd_domain *d,
						       const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_work_cancel(d, args[0], true, "cancel_delayed_work_sync");
}

static unsigned long lvd_glue_cancel_delayed_work(struct lvd_domain *d,
						  const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_work_cancel(d, args[0], false, "cancel_delayed_work");
}

/*
 * flush_work(work): waits for what was queued of it to have run; true
 * when there was something to wait for
 */
static unsigned long lvd_glue_flush_work(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_timer *s = lvd_glue_work(d, args[0], "flush_work");
	unsigned long flags, target;
	bool busy;

	if (!s || lvd_glue_work_own(s, "flush_work"))
		return false;
	spin_lock_irqsave(&s->lock, flags);
	target = s->queued;
	busy = target != s->finished;
	spin_unlock_irqrestore(&s->lock, flags);
	if (busy)
		lvd_glue_work_wait(s, target);
	return busy;
}

/* ktime_get(): what hrtimer_forward() is given as now */
static unsigned long lvd_glue_ktime_get(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS])
{
	return ktime_get();
}

static const struct lvd_glue lvd_glue_timer_syms[] = {
	{ "ktime_get", lvd_glue_ktime_get },
	{ "hrtimer_init", lvd_glue_hrtimer_init },
	{ "hrtimer_start_range_ns", lvd_glue_hrtimer_start },
	{ "hrtimer_cancel", lvd_glue_hrtimer_cancel },
	{ "hrtimer_try_to_cancel", lvd_glue_hrtimer_try_to_cancel },
	{ "hrtimer_forward", lvd_glue_hrtimer_forward },
	{ "hrtimer_active", lvd_glue_hrtimer_active },
	{ "__hrtimer_get_remaining", lvd_glue_hrtimer_remaining },
	{ "init_timer_key", lvd_glue_init_timer },
	{ "mod_timer", lvd_glue_mod_timer },
	{ "add_timer", lvd_glue_add_timer },
	{ "timer_delete", lvd_glue_timer_delete },
	{ "timer_delete_sync", lvd_glue_timer_delete_sync },
	{ "queue_work_on", lvd_glue_queue_work_on },
	{ "queue_delayed_work_on", lvd_glue_queue_delayed_work_on },
	{ "cancel_work_sync", lvd_glue_cancel_work_sync, LVD_KCALL_MAY_SLEEP },
	{ "cancel_delayed_work_sync", lvd_glue_cancel_delayed_work_sync,
	  LVD_KCALL_MAY_SLEEP },
	{ "cancel_delayed_work", lvd_glue_cancel_delayed_work },
	{ "flush_work", lvd_glue_flush_work, LVD_KCALL_MAY_SLEEP },
	/* INIT_DELAYED_WORK() names it; the domain never calls it */
	{ "delayed_work_timer_fn", .object = delayed_work_timer_fn },
};

static struct lvd_glue_set lvd_glue_timer_set = {
	.owner = THIS_MODULE,
	.glue = lvd_glue_timer_syms,
	.n = ARRAY_SIZE(lvd_glue_timer_syms),
};

static int __init lvd_glue_timer_init(void)
{
	return lvd_glue_register(&lvd_glue_timer_set);
}
late_initcall(lvd_glue_timer_init);
