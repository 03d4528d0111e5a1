// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for an isolated module's own locks: spinlocks (spin_lock() and its
 * _irq, _irqsave and _bh forms), mutexes and completions in its memory.
 * Each works on the kernel's shadow of the lock (domain/domain_lock.c),
 * never on the domain's copy, which the glue does not read.
 *
 * A spinlock or mutex the module takes is a hold of the calling task's
 * (lvd_domain_hold()): given back only by that task, in that context, and
 * released when its outermost call into the module ends; a call that
 * returns holding one stops the domain. While a task holds a spinlock
 * there, it is not preempted in the domain and may not make a kernel call
 * that sleeps (that stops the domain); while it holds one taken with
 * _irq, _irqsave or _bh, interrupts stay off in the domain and its kernel
 * calls (so softirqs cannot run on the CPU either). Spinning is bounded:
 * waiting for a lock that the task itself, or the task it interrupted,
 * holds, or for longer than LVD_GLUE_SPIN_MS, stops the domain.
 *
 * local_bh_disable() in the module's code counts in its own preempt count
 * (its copy of pcpu_hot on the CPU); local_bh_enable() takes it off again
 * here. While the count says BHs are off, the kernel runs no softirq on
 * that CPU (domain/domain_call.c).
 *
 * Mutexes and completions are waited for on the domain's stop queue, which
 * a stop or an unload wakes: a waiter then gives up, its call ends with
 * -ESHUTDOWN, and it holds nothing.
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/completion.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/wait.h>
#include <asm/current.h>
#include <lvd/glue.h>
#include "domain/domain_percpu.h"
#include "domain/domain_priv.h"

/* The longest a spinlock is waited for: more than the watchdog allows */
#define LVD_GLUE_SPIN_MS	500

/* Is the domain stopped or going? Its waiters give up. */
static bool lvd_glue_lock_dead(struct lvd_domain *d)
{
	return lvd_domain_stopped(d, NULL) || READ_ONCE(d->dying);
}

/* The shadow of the domain's lock at @addr, or NULL: refused, and said so */
static struct lvd_domain_lock *lvd_glue_shadow(struct lvd_domain *d,
					       unsigned long addr,
					       unsigned int kind, size_t size,
					       const char *what)
{
	struct lvd_domain_lock *s = lvd_domain_lock_get(d, addr, kind, size);

	if (!IS_ERR(s))
		return s;
	pr_warn_ratelimited("%s: %s(%#lx) refused (%pe)\n", lvd_domain_name(d),
			    what, addr, s);
	return NULL;
}

/* Wake the domain's waiters when anyone waits for @s */
static void lvd_glue_lock_wake(struct lvd_domain_lock *s, unsigned int waiters)
{
	if (waiters)
		wake_up_all(&s->d->stop_wq);
}

/* The hold's release: the lock is free again */
static void lvd_glue_lock_release(struct lvd_domain_hold *h)
{
	struct lvd_domain_lock *s = container_of(h, struct lvd_domain_lock,
						 hold);
	unsigned int waiters;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	s->held = false;
	waiters = s->waiters;
	spin_unlock_irqrestore(&s->lock, flags);
	lvd_glue_lock_wake(s, waiters);
}

/* Take @s if it is free, as a hold of the task's with @hold_flags */
static bool lvd_glue_lock_try(struct lvd_domain_lock *s,
			      unsigned int hold_flags)
{
	unsigned long flags;
	bool got;

	spin_lock_irqsave(&s->lock, flags);
	got = !s->held;
	s->held = true;
	spin_unlock_irqrestore(&s->lock, flags);
	if (got) {
		s->hold.flags = hold_flags;
		s->hold.release = lvd_glue_lock_release;
		lvd_domain_hold(s->d, &s->hold);
	}
	return got;
}

/* Count the task among @s's waiters (@n = 1), or no longer (-1) */
static void lvd_glue_lock_waiting(struct lvd_domain_lock *s, int n)
{
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	s->waiters += n;
	spin_unlock_irqrestore(&s->lock, flags);
}

/* Give back @s, which the task must hold in this context */
static void lvd_glue_unlock(struct lvd_domain *d, unsigned long addr,
			    unsigned int kind, size_t size, const char *what)
{
	struct lvd_domain_lock *s = lvd_glue_shadow(d, addr, kind, size, what);

	if (!s)
		return;
	if (!lvd_domain_unhold(d, &s->hold)) {
		pr_warn_ratelimited("%s: %s(%#lx) of a lock it does not hold\n",
				    lvd_domain_name(d), what, addr);
		return;
	}
	lvd_glue_lock_release(&s->hold);
}

/* A lock the task can never get: it holds it, or the task it interrupted */
static bool lvd_glue_deadlock(struct lvd_domain_lock *s, const char *what)
{
	if (!lvd_domain_holds_mine(&s->hold, true))
		return false;
	pr_warn("%s: %s(%#lx): a lock it holds already\n",
		lvd_domain_name(s->d), what, s->addr);
	lvd_domain_stop_for(s->d, LVD_DOMAIN_FAULT_DEADLOCK);
	return true;
}

/*
 * Spin for the spinlock at @addr, bounded, and hold it with @hold_flags.
 * The kernel's own lock word is never involved: the domain cannot make
 * the kernel spin on memory it can write.
 */
static void lvd_glue_spin(struct lvd_domain *d, unsigned long addr,
			  unsigned int hold_flags, const char *what)
{
	struct lvd_domain_lock *s;
	u64 start;

	s = lvd_glue_shadow(d, addr, LVD_DOMAIN_LOCK_SPIN,
			    sizeof(raw_spinlock_t), what);
	if (!s || lvd_glue_lock_try(s, hold_flags | LVD_DOMAIN_HOLD_ATOMIC))
		return;
	start = ktime_get_mono_fast_ns();
	while (!lvd_glue_lock_try(s, hold_flags | LVD_DOMAIN_HOLD_ATOMIC)) {
		if (lvd_glue_deadlock(s, what) || lvd_glue_lock_dead(d))
			return;
		if (ktime_get_mono_fast_ns() - start >
		    LVD_GLUE_SPIN_MS * NSEC_PER_MSEC) {
			pr_warn("%s: %s(%#lx): waited %u ms\n", lvd_domain_name(d),
				what, addr, LVD_GLUE_SPIN_MS);
			lvd_domain_stop_for(d, LVD_DOMAIN_FAULT_DEADLOCK);
			return;
		}
		cpu_relax();
	}
}

/* _raw_spin_lock(lock) */
static unsigned long lvd_glue_spin_lock(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_glue_spin(d, args[0], 0, "spin_lock");
	return 0;
}

/*
 * _raw_spin_lock_irq(lock), _raw_spin_lock_bh(lock),
 * _raw_spin_lock_irqsave(lock): interrupts stay off in the domain until it
 * gives the lock back. The flags it gets are only what it had; the
 * restore does not use them.
 */
static unsigned long lvd_glue_spin_lock_irq(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long flags = arch_local_save_flags() & X86_EFLAGS_IF;

	lvd_glue_spin(d, args[0], LVD_DOMAIN_HOLD_IRQ_OFF, "spin_lock_irq");
	return flags;
}

/* _raw_spin_trylock(lock) */
static unsigned long lvd_glue_spin_trylock(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_lock *s;

	s = lvd_glue_shadow(d, args[0], LVD_DOMAIN_LOCK_SPIN,
			    sizeof(raw_spinlock_t), "spin_trylock");
	return s && lvd_glue_lock_try(s, LVD_DOMAIN_HOLD_ATOMIC);
}

/* _raw_spin_unlock(lock), and its _irq, _irqrestore and _bh forms */
static unsigned long lvd_glue_spin_unlock(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_glue_unlock(d, args[0], LVD_DOMAIN_LOCK_SPIN,
			sizeof(raw_spinlock_t), "spin_unlock");
	return 0;
}

/* __mutex_init(lock, name, key): makes the shadow */
static unsigned long lvd_glue_mutex_init(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_glue_shadow(d, args[0], LVD_DOMAIN_LOCK_MUTEX, sizeof(struct mutex),
			"mutex_init");
	return 0;
}

/*
 * Sleep in @state until the task gets the mutex at @addr, or the domain
 * is stopped or going (-ESHUTDOWN), or a signal comes (-EINTR).
 */
static long lvd_glue_mutex_wait(struct lvd_domain *d, unsigned long addr,
				unsigned int state)
{
	struct lvd_domain_lock *s;
	long ret = 0;

	s = lvd_glue_shadow(d, addr, LVD_DOMAIN_LOCK_MUTEX, sizeof(struct mutex),
			    "mutex_lock");
	if (!s)
		return -EINVAL;
	if (lvd_glue_lock_try(s, 0))
		return 0;
	if (lvd_glue_deadlock(s, "mutex_lock"))
		return -EDEADLK;
	lvd_glue_lock_waiting(s, 1);
	if (state == TASK_UNINTERRUPTIBLE)
		wait_event(d->stop_wq, lvd_glue_lock_try(s, 0) ||
			   lvd_glue_lock_dead(d));
	else if (state == TASK_KILLABLE)
		ret = wait_event_killable(d->stop_wq, lvd_glue_lock_try(s, 0) ||
					  lvd_glue_lock_dead(d));
	else
		ret = wait_event_interruptible(d->stop_wq,
					       lvd_glue_lock_try(s, 0) ||
					       lvd_glue_lock_dead(d));
	lvd_glue_lock_waiting(s, -1);
	if (ret)
		return -EINTR;
	return lvd_domain_holds_mine(&s->hold, false) ? 0 : -ESHUTDOWN;
}

/* mutex_lock(lock) */
static unsigned long lvd_glue_mutex_lock(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_glue_mutex_wait(d, args[0], TASK_UNINTERRUPTIBLE);
	return 0;
}

/* mutex_lock_interruptible(lock): 0, or -EINTR */
static unsigned long lvd_glue_mutex_lock_interruptible(struct lvd_domain *d,
						       const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_mutex_wait(d, args[0], TASK_INTERRUPTIBLE);
}

/* mutex_lock_killable(lock): 0, or -EINTR */
static unsigned long lvd_glue_mutex_lock_killable(struct lvd_domain *d,
						  const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_mutex_wait(d, args[0], TASK_KILLABLE);
}

/* mutex_trylock(lock): 1 when it got it */
static unsigned long lvd_glue_mutex_trylock(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_lock *s;

	s = lvd_glue_shadow(d, args[0], LVD_DOMAIN_LOCK_MUTEX,
			    sizeof(struct mutex), "mutex_trylock");
	return s && lvd_glue_lock_try(s, 0);
}

/* mutex_unlock(lock) */
static unsigned long lvd_glue_mutex_unlock(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_glue_unlock(d, args[0], LVD_DOMAIN_LOCK_MUTEX, sizeof(struct mutex),
			"mutex_unlock");
	return 0;
}

/* The shadow of the completion at @addr */
static struct lvd_domain_lock *lvd_glue_completion(struct lvd_domain *d,
						   unsigned long addr,
						   const char *what)
{
	return lvd_glue_shadow(d, addr, LVD_DOMAIN_LOCK_COMPLETION,
			       sizeof(struct completion), what);
}

/*
 * __init_swait_queue_head(q, name, key): init_completion() of the
 * completion whose wait queue @q is; none is waited for, so it starts again
 */
static unsigned long lvd_glue_init_completion(struct lvd_domain *d,
					      const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long addr = args[0] - offsetof(struct completion, wait);
	struct lvd_domain_lock *s = lvd_glue_completion(d, addr,
							"init_completion");
	unsigned long flags;

	if (!s)
		return 0;
	spin_lock_irqsave(&s->lock, flags);
	if (!s->waiters)
		s->done = 0;
	spin_unlock_irqrestore(&s->lock, flags);
	return 0;
}

/* complete(x), complete_all(x) */
static void lvd_glue_complete_as(struct lvd_domain *d, unsigned long addr,
				 bool all)
{
	struct lvd_domain_lock *s = lvd_glue_completion(d, addr, "complete");
	unsigned int waiters;
	unsigned long flags;

	if (!s)
		return;
	spin_lock_irqsave(&s->lock, flags);
	if (all)
		s->done = UINT_MAX;
	else if (s->done != UINT_MAX)
		s->done++;
	waiters = s->waiters;
	spin_unlock_irqrestore(&s->lock, flags);
	lvd_glue_lock_wake(s, waiters);
}

static unsigned long lvd_glue_complete(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_glue_complete_as(d, args[0], false);
	return 0;
}

static unsigned long lvd_glue_complete_all(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_glue_complete_as(d, args[0], true);
	return 0;
}

/* Take one completion of @s, if there is one */
static bool lvd_glue_completion_take(struct lvd_domain_lock *s)
{
	unsigned long flags;
	bool got;

	spin_lock_irqsave(&s->lock, flags);
	got = s->done;
	if (got && s->done != UINT_MAX)
		s->done--;
	spin_unlock_irqrestore(&s->lock, flags);
	return got;
}

/*
 * Wait, in @state, for the completion at @addr, at most @timeout jiffies:
 * the jiffies left (at least 1) once it came, 0 when the time ran out or
 * the domain is stopped or going, -ERESTARTSYS on a signal.
 */
static long lvd_glue_completion_wait(struct lvd_domain *d, unsigned long addr,
				     long timeout, unsigned int state)
{
	struct lvd_domain_lock *s = lvd_glue_completion(d, addr,
							"wait_for_completion");
	long ret;

	if (!s)
		return 0;
	if (lvd_glue_completion_take(s))
		return max(timeout, 1L);
	timeout = clamp(timeout, 1L, MAX_SCHEDULE_TIMEOUT);
	lvd_glue_lock_waiting(s, 1);
	if (state == TASK_UNINTERRUPTIBLE)
		ret = wait_event_timeout(d->stop_wq,
					 lvd_glue_completion_take(s) ||
					 lvd_glue_lock_dead(d), timeout);
	else
		ret = wait_event_interruptible_timeout(d->stop_wq,
						       lvd_glue_completion_take(s) ||
						       lvd_glue_lock_dead(d),
						       timeout);
	lvd_glue_lock_waiting(s, -1);
	return ret > 0 && lvd_glue_lock_dead(d) ? 0 : ret;
}

/* wait_for_completion(x) */
static unsigned long lvd_glue_wait_for_completion(struct lvd_domain *d,
						  const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_glue_completion_wait(d, args[0], MAX_SCHEDULE_TIMEOUT,
				 TASK_UNINTERRUPTIBLE);
	return 0;
}

/* wait_for_completion_timeout(x, timeout): jiffies left, or 0 */
static unsigned long lvd_glue_wait_for_completion_timeout(struct lvd_domain *d,
							  const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_glue_completion_wait(d, args[0], args[1],
					TASK_UNINTERRUPTIBLE);
}

/* wait_for_completion_interruptible(x): 0, or -ERESTARTSYS */
static unsigned long lvd_glue_wait_interruptible(struct lvd_domain *d,
						 const unsigned long args[LVD_DOMAIN_ARGS])
{
	long ret = lvd_glue_completion_wait(d, args[0], MAX_SCHEDULE_TIMEOUT,
					    TASK_INTERRUPTIBLE);

	return ret < 0 ? ret : 0;
}

/* try_wait_for_completion(x): 1 when it took one */
static unsigned long lvd_glue_try_wait_for_completion(struct lvd_domain *d,
						      const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_lock *s = lvd_glue_completion(d, args[0],
							"try_wait_for_completion");

	return s && lvd_glue_completion_take(s);
}

/* completion_done(x): 1 when one is there for the taking */
static unsigned long lvd_glue_completion_done(struct lvd_domain *d,
					      const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_domain_lock *s = lvd_glue_completion(d, args[0],
							"completion_done");

	return s && READ_ONCE(s->done);
}

/*
 * __local_bh_enable_ip(ip, cnt): what the module's local_bh_enable()
 * calls, with SOFTIRQ_DISABLE_OFFSET, after its local_bh_disable() added
 * that to its count on this CPU: taken off again. Anything else (another
 * count, BHs not disabled) is refused with a warning, the count left as it
 * is. When the count no longer disables BHs, the softirqs held back meanwhile
 * run as this call returns (domain/domain_call.c).
 */
static unsigned long lvd_glue_local_bh_enable(struct lvd_domain *d,
					      const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct pcpu_hot *hot = lvd_domain_percpu_hot(d);
	int count = hot ? READ_ONCE(hot->preempt_count) : 0;

	if (args[1] != SOFTIRQ_DISABLE_OFFSET ||
	    (count & SOFTIRQ_MASK) < SOFTIRQ_DISABLE_OFFSET) {
		pr_warn_ratelimited("%s: __local_bh_enable_ip(%#lx, %#lx) with BHs not disabled so: refused\n",
				    lvd_domain_name(d), args[0], args[1]);
		return 0;
	}
	WRITE_ONCE(hot->preempt_count, count - SOFTIRQ_DISABLE_OFFSET);
	return 0;
}

static const struct lvd_glue lvd_glue_lock_syms[] = {
	{ "_raw_spin_lock", lvd_glue_spin_lock },
	{ "__local_bh_enable_ip", lvd_glue_local_bh_enable },
	{ "_raw_spin_lock_irq", lvd_glue_spin_lock_irq },
	{ "_raw_spin_lock_irqsave", lvd_glue_spin_lock_irq },
	{ "_raw_spin_lock_bh", lvd_glue_spin_lock_irq },
	{ "_raw_spin_trylock", lvd_glue_spin_trylock },
	{ "_raw_spin_unlock", lvd_glue_spin_unlock },
	{ "_raw_spin_unlock_irq", lvd_glue_spin_unlock },
	{ "_raw_spin_unlock_irqrestore", lvd_glue_spin_unlock },
	{ "_raw_spin_unlock_bh", lvd_glue_spin_unlock },
	{ "__mutex_init", lvd_glue_mutex_init },
	{ "mutex_lock", lvd_glue_mutex_lock, LVD_KCALL_MAY_SLEEP },
	{ "mutex_lock_interruptible", lvd_glue_mutex_lock_interruptible,
	  LVD_KCALL_MAY_SLEEP },
	{ "mutex_lock_killable", lvd_glue_mutex_lock_killable,
	  LVD_KCALL_MAY_SLEEP },
	{ "mutex_trylock", lvd_glue_mutex_trylock },
	{ "mutex_unlock", lvd_glue_mutex_unlock },
	{ "__init_swait_queue_head", lvd_glue_init_completion },
	{ "complete", lvd_glue_complete },
	{ "complete_all", lvd_glue_complete_all },
	{ "wait_for_completion", lvd_glue_wait_for_completion,
	  LVD_KCALL_MAY_SLEEP },
	{ "wait_for_completion_timeout", lvd_glue_wait_for_completion_timeout,
	  LVD_KCALL_MAY_SLEEP },
	{ "wait_for_completion_interruptible", lvd_glue_wait_interruptible,
	  LVD_KCALL_MAY_SLEEP },
	{ "try_wait_for_completion", lvd_glue_try_wait_for_completion },
	{ "completion_done", lvd_glue_completion_done },
};

static struct lvd_glue_set lvd_glue_lock_set = {
	.owner = THIS_MODULE,
	.glue = lvd_glue_lock_syms,
	.n = ARRAY_SIZE(lvd_glue_lock_syms),
};

static int __init lvd_glue_lock_init(void)
{
	return lvd_glue_register(&lvd_glue_lock_set);
}
late_initcall(lvd_glue_lock_init);
