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
 */

#include <linux/export.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <lvd/domain.h>
#include "domain/domain_priv.h"

/**
 * lvd_domain_hold() - record that the current task holds something for a
 * domain
 * @d: the domain, which the task is calling (from its kernel call)
 * @h: the hold, which the caller has just taken (its @release set)
 *
 * Context: a kernel call of @d's that may sleep (the task's call).
 */
void lvd_domain_hold(struct lvd_domain *d, struct lvd_domain_hold *h)
{
	spin_lock(&d->holds_lock);
	WRITE_ONCE(h->task, current);
	list_add(&h->node, &d->holds);
	spin_unlock(&d->holds_lock);
}
EXPORT_SYMBOL_GPL(lvd_domain_hold);

/**
 * lvd_domain_unhold() - the domain gives back what the current task holds
 * @d: the domain
 * @h: the hold
 *
 * Return: true when the current task held @h for @d, which it no longer
 * does: the caller then releases it. False for anything else (held by
 * another task, not held, never taken): release nothing.
 */
bool lvd_domain_unhold(struct lvd_domain *d, struct lvd_domain_hold *h)
{
	struct lvd_domain_hold *it;
	bool found = false;

	spin_lock(&d->holds_lock);
	list_for_each_entry(it, &d->holds, node) {
		if (it == h && it->task == current) {
			list_del(&it->node);
			WRITE_ONCE(it->task, NULL);
			found = true;
			break;
		}
	}
	spin_unlock(&d->holds_lock);
	return found;
}
EXPORT_SYMBOL_GPL(lvd_domain_unhold);

/**
 * lvd_domain_holds_release() - release what the current task still holds
 * for a domain, as its outermost call into the domain ends
 * @d: the domain
 *
 * Most recent first. May sleep.
 *
 * Return: how many holds were released.
 */
unsigned int lvd_domain_holds_release(struct lvd_domain *d)
{
	struct lvd_domain_hold *h;
	unsigned int n = 0;

	for (;;) {
		spin_lock(&d->holds_lock);
		h = NULL;
		list_for_each_entry(h, &d->holds, node)
			if (h->task == current)
				break;
		if (list_entry_is_head(h, &d->holds, node)) {
			spin_unlock(&d->holds_lock);
			return n;
		}
		list_del(&h->node);
		WRITE_ONCE(h->task, NULL);
		spin_unlock(&d->holds_lock);
		h->release(h);
		n++;
	}
}
