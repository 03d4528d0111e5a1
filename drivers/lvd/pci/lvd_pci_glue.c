// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's PCI glue: the kernel symbols an isolated PCI driver may use
 * (lvd_pci.lvd), and the small ones that only pass a device the driver
 * drives on to the kernel: power states and wake-up, memory-write-
 * invalidate, PCI-X burst sizes, messages about the device, string I/O
 * in its BARs.
 */

#include <linux/io.h>
#include <linux/pci.h>
#include <linux/pm_wakeup.h>
#include <linux/slab.h>
#include <lvd/glue.h>
#include "lvd_pci.h"

/* The most 16-bit words ioread16_rep() and iowrite16_rep() move at once */
#define LVD_PCI_REP_MAX		2048

static int lvd_pci_set_power_state(struct lvd_domain *d, struct lvd_pci_dev *dev,
				   int state)
{
	return pci_set_power_state(dev->pdev, (__force pci_power_t)state);
}

static int lvd_pci_save_state(struct lvd_domain *d, struct lvd_pci_dev *dev)
{
	return pci_save_state(dev->pdev);
}

static int lvd_pci_enable_wake(struct lvd_domain *d, struct lvd_pci_dev *dev,
			       int state, bool enable)
{
	return pci_enable_wake(dev->pdev, (__force pci_power_t)state, enable);
}

static int lvd_pci_wake_from_d3(struct lvd_domain *d, struct lvd_pci_dev *dev,
				bool enable)
{
	return pci_wake_from_d3(dev->pdev, enable);
}

static int lvd_pci_set_wakeup(struct lvd_domain *d, struct lvd_pci_dev *dev,
			      bool enable)
{
	return device_set_wakeup_enable(&dev->pdev->dev, enable);
}

static int lvd_pci_set_mwi(struct lvd_domain *d, struct lvd_pci_dev *dev)
{
	return pci_set_mwi(dev->pdev);
}

static void lvd_pci_clear_mwi(struct lvd_domain *d, struct lvd_pci_dev *dev)
{
	pci_clear_mwi(dev->pdev);
}

static int lvd_pci_get_mmrbc(struct lvd_domain *d, struct lvd_pci_dev *dev)
{
	return pcix_get_mmrbc(dev->pdev);
}

static int lvd_pci_set_mmrbc(struct lvd_domain *d, struct lvd_pci_dev *dev,
			     int mmrbc)
{
	return pcix_set_mmrbc(dev->pdev, mmrbc);
}

/* _dev_err() and the like: the message, named as the kernel names it */
static unsigned long lvd_pci_dev_printk(struct lvd_domain *d, int level,
					const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_pci_dev *dev = lvd_pci_dev_find(d, args[0] -
						   offsetof(struct pci_dev, dev));
	char who[64] = "";
	long ret;

	if (dev)
		snprintf(who, sizeof(who), "%s %s", dev->drv->name,
			 pci_name(dev->pdev));
	ret = lvd_glue_dev_printk(d, level, dev ? who : NULL, args[1], args + 2,
				  LVD_DOMAIN_ARGS - 2);
	if (dev)
		lvd_pci_dev_put(d, dev);
	return ret;
}

#define LVD_PCI_DEV_PRINTK(sym, level)					\
static unsigned long lvd_glue_##sym(struct lvd_domain *d,		\
				    const unsigned long args[LVD_DOMAIN_ARGS]) \
{									\
	return lvd_pci_dev_printk(d, level, args);			\
}

LVD_PCI_DEV_PRINTK(_dev_err, '3')
LVD_PCI_DEV_PRINTK(_dev_warn, '4')
LVD_PCI_DEV_PRINTK(_dev_notice, '5')
LVD_PCI_DEV_PRINTK(_dev_info, '6')

/*
 * ioread16_rep(addr, buf, count) and iowrite16_rep(): @addr in a BAR the
 * domain has mapped, @buf its memory, at most LVD_PCI_REP_MAX words
 */
static unsigned long lvd_pci_rep16(struct lvd_domain *d,
				   const unsigned long args[LVD_DOMAIN_ARGS],
				   bool write)
{
	unsigned long count = args[2];
	size_t len = count * sizeof(u16);
	void __iomem *io = (void __iomem *)args[0];
	struct lvd_pci_dev *dev = NULL;
	u16 *buf;

	if (count <= LVD_PCI_REP_MAX)
		dev = lvd_pci_bar_lock(d, args[0], len);
	if (!dev) {
		lvd_pci_refused(d, "%s of %lu words at %#lx, outside the BARs it mapped",
				write ? "iowrite16_rep()" : "ioread16_rep()",
				count, args[0]);
		return 0;
	}
	buf = kmalloc(len, GFP_KERNEL);
	if (buf && write && !lvd_domain_copy_from(d, buf, args[1], len))
		iowrite16_rep(io, buf, count);
	if (buf && !write) {
		ioread16_rep(io, buf, count);
		lvd_domain_copy_to(d, args[1], buf, len);
	}
	mutex_unlock(&dev->lock);
	lvd_pci_dev_put(d, dev);
	kfree(buf);
	return 0;
}

static unsigned long lvd_glue_ioread16_rep(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_pci_rep16(d, args, false);
}

static unsigned long lvd_glue_iowrite16_rep(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS])
{
	return lvd_pci_rep16(d, args, true);
}

/* The glue table and set (lvd_pci_glue_set), generated from lvd_pci.lvd */
#include "lvd_pci_idl.c"

static int __init lvd_pci_glue_init(void)
{
	return lvd_glue_register(&lvd_pci_glue_set);
}
late_initcall(lvd_pci_glue_init);
