// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's shadows of a domain's own locks: a spinlock, mutex or
 * completion in the domain's memory (static, or in its structures) is
 * named by its address there, and the lock glue (glue/glue_lock.c) works
 * on a shadow in kernel memory instead, found by that address. The kernel
 * never runs lock code on memory the domain can write: a queued
 * spinlock's slow path decodes a CPU number from the lock word, and a
 * mutex's wait list is pointers.
 *
 * A shadow is made on first use (static initializers call nothing) or by
 * an init function, for an address the domain's own code may write, and
 * lives as long as the domain: at most LVD_DOMAIN_LOCKS_MAX of them. A
 * shadow that no task holds or waits for takes whatever kind the domain
 * next uses it as, as memory freed and reused would.
 */

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include "domain/domain_priv.h"

/* The most shadows a domain may have */
#define LVD_DOMAIN_LOCKS_MAX	4096

/**
 * lvd_domain_lock_get() - the shadow of a lock in a domain
 * @d: the domain
 * @addr: the lock's address there, as its code gave it: hostile
 * @kind: what the domain uses it as (enum lvd_domain_lock_kind)
 * @size: the size of the domain's object there, all of which its code
 *	must be able to write
 *
 * An idle shadow of another kind (nobody holds it or waits for it)
 * becomes one of @kind, as new.
 *
 * Context: any; does not sleep.
 * Return: the shadow, alive until the domain is destroyed; ERR_PTR
 * -EFAULT when the domain may not write there, -EBUSY when it is a busy
 * shadow of another kind, -ENOSPC when the domain has too many, -ENOMEM.
 */
struct lvd_domain_lock *lvd_domain_lock_get(struct lvd_domain *d,
					    unsigned long addr,
					    unsigned int kind, size_t size)
{
	struct lvd_domain_lock *s, *fresh;
	unsigned long flags;

	if (!lvd_domain_may_access(d, addr, size, true))
		return ERR_PTR(-EFAULT);
	s = xa_load(&d->locks, addr);
	if (!s) {
		if (atomic_inc_return(&d->nr_locks) > LVD_DOMAIN_LOCKS_MAX) {
			atomic_dec(&d->nr_locks);
			return ERR_PTR(-ENOSPC);
		}
		fresh = kzalloc(sizeof(*fresh), GFP_ATOMIC);
		if (!fresh) {
			atomic_dec(&d->nr_locks);
			return ERR_PTR(-ENOMEM);
		}
		spin_lock_init(&fresh->lock);
		fresh->d = d;
		fresh->addr = addr;
		fresh->kind = kind;
		s = xa_cmpxchg(&d->locks, addr, NULL, fresh, GFP_ATOMIC);
		if (s) {
			/* Made meanwhile on another CPU, or no memory */
			kfree(fresh);
			atomic_dec(&d->nr_locks);
			if (xa_is_err(s))
				return ERR_PTR(xa_err(s));
		} else {
			s = fresh;
		}
	}
	if (READ_ONCE(s->kind) == kind)
		return s;
	spin_lock_irqsave(&s->lock, flags);
	if (s->kind != kind && !s->held && !s->waiters) {
		s->kind = kind;
		s->done = 0;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return s->kind == kind ? s : ERR_PTR(-EBUSY);
}

/**
 * lvd_domain_locks_destroy() - free a domain's shadow locks
 * @d: the domain, with no call in flight
 */
void lvd_domain_locks_destroy(struct lvd_domain *d)
{
	struct lvd_domain_lock *s;
	unsigned long addr;

	xa_for_each(&d->locks, addr, s)
		kfree(s);
	xa_destroy(&d->locks);
}
