// SPDX-License-Identifier: GPL-2.0
/*
 * What a task holds on a domain's behalf: a kernel lock that the domain's
 * code took through glue (rtnl_lock(), say) and has not released yet.
 *
 * The kernel's locks are kernel memory: the domain names them, and glue
 * takes them in the calling task. A hold belongs to that task and to the
 * task's outermost call into the domain; when that call ends, whether the
 * domain returned or was stopped, whatever the task still holds for the
 * domain is released (domain_call.c), so no kernel lock stays held by a
 * domain that is gone or that forgot it.
 *
 * A call made from an interrupt handler runs in the task it interrupted,
 * but holds apart from it: a hold belongs to the task and to the context
 * (interrupt_context_level()) it was taken in, and ends with the
 * outermost call in that context. The kernel's shadows of the domain's
 * own locks (domain_lock.c) are holds too.
 */

#include <linux/export.h>
#include <linux/list.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <lvd/domain.h>
#include "domain/domain_priv.h"

/* Does the current task, in this context, hold @h? */
static bool lvd_domain_hold_here(const struct lvd_domain_hold *h)
{
	return h->task == current && h->level == interrupt_context_level();
}

/**
 * lvd_domain_holds_mine() - does the current task hold something?
 * @h: the hold, which may be another task's or nobody's
 * @below: also when the task holds it in a context that this one
 *	interrupted, and so cannot give it back before this one ends
 *
 * Return: true when it does.
 */
bool lvd_domain_holds_mine(const struct lvd_domain_hold *h, bool below)
{
	return READ_ONCE(h->task) == current &&
	       (below ? READ_ONCE(h->level) <= interrupt_context_level() :
		READ_ONCE(h->level) == interrupt_context_level());
}
EXPORT_SYMBOL_GPL(lvd_domain_holds_mine);

/**
 * lvd_domain_hold() - record that the current task holds something for a
 * domain
 * @d: the domain, which the task is calling (from its kernel call)
 * @h: the hold, which the caller has just taken (its @release and @flags
 *	set)
 *
 * Context: a kernel call of @d's; one that may sleep, unless @h's release
 * does not.
 */
void lvd_domain_hold(struct lvd_domain *d, struct lvd_domain_hold *h)
{
	unsigned long flags;

	spin_lock_irqsave(&d->holds_lock, flags);
	WRITE_ONCE(h->level, interrupt_context_level());
	WRITE_ONCE(h->task, current);
	list_add(&h->node, &d->holds);
	spin_unlock_irqrestore(&d->holds_lock, flags);
}
EXPORT_SYMBOL_GPL(lvd_domain_hold);

/**
 * lvd_domain_unhold() - the domain gives back what the current task holds
 * @d: the domain
 * @h: the hold
 *
 * Return: true when the current task held @h for @d, in this context,
 * which it no longer does: the caller then releases it. False for
 * anything else (held by another task or context, not held, never taken):
 * release nothing.
 */
bool lvd_domain_unhold(struct lvd_domain *d, struct lvd_domain_hold *h)
{
	struct lvd_domain_hold *it;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&d->holds_lock, flags);
	list_for_each_entry(it, &d->holds, node) {
		if (it == h && lvd_domain_hold_here(it)) {
			list_del(&it->node);
			WRITE_ONCE(it->task, NULL);
			found = true;
			break;
		}
	}
	spin_unlock_irqrestore(&d->holds_lock, flags);
	return found;
}
EXPORT_SYMBOL_GPL(lvd_domain_unhold);

/**
 * lvd_domain_holds_any() - does the current task hold, in this context,
 * something for a domain that keeps it atomic, or interrupts off?
 * @d: the domain
 * @flag: %LVD_DOMAIN_HOLD_ATOMIC or %LVD_DOMAIN_HOLD_IRQ_OFF
 *
 * Return: true when it holds such a thing.
 */
bool lvd_domain_holds_any(struct lvd_domain *d, unsigned int flag)
{
	struct lvd_domain_hold *h;
	unsigned long flags;
	bool found = false;

	if (list_empty(&d->holds))
		return false;
	spin_lock_irqsave(&d->holds_lock, flags);
	list_for_each_entry(h, &d->holds, node) {
		if (h->flags & flag && lvd_domain_hold_here(h)) {
			found = true;
			break;
		}
	}
	spin_unlock_irqrestore(&d->holds_lock, flags);
	return found;
}

/**
 * lvd_domain_holds_release() - release what the current task still holds
 * for a domain, in this context, as its outermost call into the domain
 * there ends
 * @d: the domain
 *
 * Most recent first. May sleep, unless called from atomic context, where
 * only atomic holds can have been taken.
 *
 * Return: how many holds were released.
 */
unsigned int lvd_domain_holds_release(struct lvd_domain *d)
{
	struct lvd_domain_hold *h;
	unsigned long flags;
	unsigned int n = 0;

	for (;;) {
		spin_lock_irqsave(&d->holds_lock, flags);
		h = NULL;
		list_for_each_entry(h, &d->holds, node)
			if (lvd_domain_hold_here(h))
				break;
		if (list_entry_is_head(h, &d->holds, node)) {
			spin_unlock_irqrestore(&d->holds_lock, flags);
			return n;
		}
		list_del(&h->node);
		WRITE_ONCE(h->task, NULL);
		spin_unlock_irqrestore(&d->holds_lock, flags);
		h->release(h);
		n++;
	}
}
