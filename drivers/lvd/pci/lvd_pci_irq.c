// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's PCI glue: interrupt handlers of an isolated driver.
 *
 * A driver may register a handler for the interrupt line of a device it
 * drives, shared or not; the kernel registers a handler of its own with
 * a record of the driver's as its cookie, and calls the driver's handler
 * in its domain, in hardirq context, with the line and the driver's own
 * cookie. A handler whose call fails (the domain stopped) cannot quiet
 * its device: the glue masks the device's INTx in its command register
 * and says the interrupt was handled, so that a level-triggered line
 * does not storm; a device may not honour the mask (PCI 2.3 added it,
 * and the 82540EM is PCI 2.2), so a line that is the driver's alone is
 * disabled too, until the device is let go. Enabling, disabling and synchronising a line is for
 * lines the driver has a handler on; handlers left when the driver lets
 * the device go are freed first thing.
 */

#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/slab.h>
#include <lvd/glue.h>
#include "lvd_pci.h"

/* What a driver's handler may ask for */
#define LVD_PCI_IRQ_FLAGS	(IRQF_SHARED | IRQF_COND_ONESHOT)

/**
 * struct lvd_pci_irq - a handler an isolated driver registered
 * @dev: the device whose line it is on
 * @irq: the line
 * @handler: the driver's handler
 * @dev_id: the driver's cookie
 * @name: the name the kernel shows
 * @node: on the device's list, under its domain's lock
 * @quieted: its line was disabled, the driver stopped
 */
struct lvd_pci_irq {
	struct lvd_pci_dev *dev;
	unsigned int irq;
	struct lvd_domain_fn handler;
	unsigned long dev_id;
	char name[32];
	struct list_head node;
	bool quieted;
};

/* Is the glue's handler @h alone on its line? */
static bool lvd_pci_irq_alone(struct lvd_pci_irq *h)
{
	struct irq_desc *desc = irq_to_desc(h->irq);
	struct irqaction *action = desc ? READ_ONCE(desc->action) : NULL;

	return action && action->dev_id == h && !READ_ONCE(action->next);
}

/* The driver cannot quiet its device: the glue does what it can */
static void lvd_pci_irq_quiet(struct lvd_pci_irq *h)
{
	pci_intx(h->dev->pdev, 0);
	if (!h->quieted && lvd_pci_irq_alone(h)) {
		h->quieted = true;
		disable_irq_nosync(h->irq);
		pci_warn(h->dev->pdev, "interrupt %u disabled: its driver is stopped\n",
			 h->irq);
	}
}

static irqreturn_t lvd_pci_irq_handler(int irq, void *cookie)
{
	struct lvd_pci_irq *h = cookie;
	unsigned long args[LVD_DOMAIN_ARGS] = { irq, h->dev_id }, ret;

	if (lvd_domain_fn_call(&h->handler, args, &ret)) {
		lvd_pci_irq_quiet(h);
		return IRQ_HANDLED;
	}
	return (int)ret == IRQ_HANDLED ? IRQ_HANDLED : IRQ_NONE;
}

/*
 * The domain's device whose line @irq is; with @hp, the handler it
 * registered there with cookie @dev_id in *@hp, or NULL. Under the
 * domain's lock.
 */
static struct lvd_pci_dev *lvd_pci_irq_owner(struct lvd_pci_domain *pd,
					     unsigned int irq, unsigned long dev_id,
					     struct lvd_pci_irq **hp)
{
	struct lvd_pci_dev *dev;
	struct lvd_pci_irq *h;

	lockdep_assert_held(&pd->lock);
	list_for_each_entry(dev, &pd->devs, node) {
		if (dev->pdev->irq != irq || dev->gone)
			continue;
		if (!hp)
			return dev;
		*hp = NULL;
		list_for_each_entry(h, &dev->irqs, node) {
			if (h->dev_id == dev_id) {
				*hp = h;
				break;
			}
		}
		return dev;
	}
	return NULL;
}

/* Is @irq the line of a device the domain drives, with its handler on it? */
static bool lvd_pci_irq_of(struct lvd_domain *d, unsigned int irq,
			   bool handler)
{
	struct lvd_pci_domain *pd = lvd_pci_domain_find(d);
	struct lvd_pci_dev *dev;
	bool mine = false;

	if (pd) {
		spin_lock(&pd->lock);
		dev = lvd_pci_irq_owner(pd, irq, 0, NULL);
		mine = dev && (!handler || !list_empty(&dev->irqs));
		spin_unlock(&pd->lock);
	}
	if (!mine)
		lvd_pci_refused(d, "interrupt %u, %s", irq, handler ?
				"on which it has no handler" :
				"not of a device it drives");
	return mine;
}

static bool lvd_pci_irq_mine(struct lvd_domain *d, unsigned int irq)
{
	return lvd_pci_irq_of(d, irq, true);
}

/**
 * lvd_pci_request_threaded_irq() - request_threaded_irq() for an isolated
 *	driver
 * @d: its domain
 * @irq: the line: one of a device it drives
 * @handler: its handler, bound
 * @thread_fn: its threaded handler: none (not supported yet)
 * @flags: IRQF_SHARED, IRQF_COND_ONESHOT (request_irq() adds it), or 0
 * @name: its name for the handler
 * @dev_id: its cookie, passed back to @handler; unique on the line
 *
 * Context: may sleep.
 * Return: 0, -EINVAL for a line or flags it may not have, a cookie it
 * uses on the line already, or a threaded handler; the kernel's errors.
 */
int lvd_pci_request_threaded_irq(struct lvd_domain *d, unsigned int irq,
				 const struct lvd_domain_fn *handler,
				 const struct lvd_domain_fn *thread_fn,
				 unsigned long flags, const char *name,
				 unsigned long dev_id)
{
	struct lvd_pci_domain *pd = lvd_pci_domain_find(d);
	struct lvd_pci_irq *h, *other = NULL;
	struct lvd_pci_dev *dev = NULL;
	int err;

	if (pd) {
		spin_lock(&pd->lock);
		dev = lvd_pci_irq_owner(pd, irq, dev_id, &other);
		if (dev && !other)
			refcount_inc(&dev->ref);
		spin_unlock(&pd->lock);
	}
	if (!dev || other || thread_fn || flags & ~LVD_PCI_IRQ_FLAGS || !irq) {
		lvd_pci_refused(d, "interrupt %u with flags %#lx%s%s", irq, flags,
				thread_fn ? ", threaded" : "",
				other ? ", a cookie it uses there" :
				!dev ? ": not the line of a device it drives" : "");
		return -EINVAL;
	}
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	err = h ? lvd_pci_dev_begin(dev) : -ENOMEM;
	if (!err) {
		h->dev = dev;
		h->irq = irq;
		h->handler = *handler;
		h->dev_id = dev_id;
		strscpy(h->name, name, sizeof(h->name));
		err = request_irq(irq, lvd_pci_irq_handler, flags, h->name, h);
		if (!err) {
			spin_lock(&pd->lock);
			list_add(&h->node, &dev->irqs);
			spin_unlock(&pd->lock);
		}
		/* Not gone meanwhile: lvd_pci_irqs_free() runs after it */
		mutex_unlock(&dev->lock);
	}
	if (err)
		kfree(h);
	lvd_pci_dev_put(d, dev);
	return err;
}

/* free_irq(irq, dev_id): a handler of its own; returns NULL */
unsigned long lvd_glue_free_irq(struct lvd_domain *d,
				const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_pci_domain *pd = lvd_pci_domain_find(d);
	struct lvd_pci_irq *h = NULL;

	if (pd) {
		spin_lock(&pd->lock);
		if (lvd_pci_irq_owner(pd, args[0], args[1], &h) && h)
			list_del(&h->node);
		spin_unlock(&pd->lock);
	}
	if (!h) {
		lvd_pci_refused(d, "free_irq() of interrupt %u, %#lx, which it has not requested",
				(unsigned int)args[0], args[1]);
		return 0;
	}
	free_irq(h->irq, h);
	kfree(h);
	return 0;
}

/**
 * lvd_pci_irqs_free() - free the handlers a driver left on a device
 * @dev: the device, which its driver lets go
 *
 * Context: may sleep; no handler of the device's runs when it returns.
 */
void lvd_pci_irqs_free(struct lvd_pci_dev *dev)
{
	struct lvd_pci_domain *pd = dev->drv->pd;
	struct lvd_pci_irq *h;

	for (;;) {
		spin_lock(&pd->lock);
		h = list_first_entry_or_null(&dev->irqs, struct lvd_pci_irq, node);
		if (h)
			list_del(&h->node);
		spin_unlock(&pd->lock);
		if (!h)
			return;
		free_irq(h->irq, h);
		kfree(h);
	}
}

/**
 * lvd_pci_synchronize_irq() - synchronize_irq() of the line of a device the
 *	driver drives
 * @d: its domain
 * @irq: the line
 */
void lvd_pci_synchronize_irq(struct lvd_domain *d, unsigned int irq)
{
	/* Of its device's line, with or without its handler there yet */
	if (lvd_pci_irq_of(d, irq, false))
		synchronize_irq(irq);
}

/**
 * lvd_pci_enable_irq() - enable_irq() of a line the driver has a handler on
 * @d: its domain
 * @irq: the line
 */
void lvd_pci_enable_irq(struct lvd_domain *d, unsigned int irq)
{
	if (lvd_pci_irq_mine(d, irq))
		enable_irq(irq);
}

/**
 * lvd_pci_disable_irq() - disable_irq() of a line the driver has a handler on
 * @d: its domain
 * @irq: the line
 */
void lvd_pci_disable_irq(struct lvd_domain *d, unsigned int irq)
{
	if (lvd_pci_irq_mine(d, irq))
		disable_irq(irq);
}

/**
 * lvd_pci_disable_irq_nosync() - disable_irq_nosync() of a line the driver
 *	has a handler on
 * @d: its domain
 * @irq: the line
 */
void lvd_pci_disable_irq_nosync(struct lvd_domain *d, unsigned int irq)
{
	if (lvd_pci_irq_mine(d, irq))
		disable_irq_nosync(irq);
}

/**
 * lvd_pci_disable_hardirq() - disable_hardirq() of a line the driver has a
 *	handler on
 * @d: its domain
 * @irq: the line
 *
 * Return: as disable_hardirq(); false for a line that is not its.
 */
bool lvd_pci_disable_hardirq(struct lvd_domain *d, unsigned int irq)
{
	return lvd_pci_irq_mine(d, irq) && disable_hardirq(irq);
}
