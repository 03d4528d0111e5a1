// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's PCI glue: what an isolated driver may do with a device it drives.
 *
 * Each call names the device by its shadow and is refused for any other
 * address. The driver gets only its own device's memory BARs, whole and
 * page-aligned, mapped uncacheable into its domain at the kernel's
 * ioremap() address of each (lvd_domain_map_device()); its configuration
 * space beyond the standard header, which holds the BARs and the command
 * register the kernel manages (enable, bus mastering); and enable,
 * bus mastering and regions, which the glue counts so that it can undo
 * them when the driver lets the device go.
 */

#include <linux/io.h>
#include <linux/pci.h>
#include <lvd/glue.h>
#include "lvd_pci.h"

/**
 * lvd_pci_dev_begin() - lock a device for a change its driver asks for
 * @dev: the device
 *
 * Return: 0, locked; -ENODEV, not locked, once the driver let it go.
 */
int lvd_pci_dev_begin(struct lvd_pci_dev *dev)
{
	mutex_lock(&dev->lock);
	if (!dev->gone)
		return 0;
	mutex_unlock(&dev->lock);
	return -ENODEV;
}

static void lvd_pci_bar_unmap(struct lvd_pci_dev *dev, int bar)
{
	struct lvd_pci_bar *b = &dev->bars[bar];

	if (!b->size)
		return;
	WARN_ON(lvd_domain_unmap_device(dev->drv->pd->d, (unsigned long)b->va,
					b->pa, b->size));
	iounmap(b->va);
	b->size = 0;
}

/*
 * The I/O port BARs among @bars of @dev: granted to its driver's domain
 * (@allow), or taken back
 */
static void lvd_pci_ports(struct lvd_pci_dev *dev, int bars, bool allow)
{
	struct lvd_domain *d = dev->drv->pd->d;
	int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!(bars & BIT(bar)) ||
		    !(pci_resource_flags(dev->pdev, bar) & IORESOURCE_IO) ||
		    !pci_resource_len(dev->pdev, bar))
			continue;
		if (!allow)
			lvd_domain_ports_deny(d, pci_resource_start(dev->pdev, bar));
		else if (lvd_domain_ports_allow(d, pci_resource_start(dev->pdev, bar),
						pci_resource_len(dev->pdev, bar)))
			pci_warn(dev->pdev, "its I/O ports in BAR %d not granted to its driver\n",
				 bar);
	}
}

/**
 * lvd_pci_dev_let_go() - take back from a driver what it left of a device
 * @dev: the device, whose driver's remove has returned (or probe failed,
 *	or its domain is going away)
 *
 * Its interrupt handlers freed first, then bus mastering off (no more
 * DMA into the domain's memory), then its BARs unmapped from the domain
 * on every CPU, its regions released, the device disabled. Calls naming
 * it are refused from then on.
 *
 * Context: may sleep.
 */
void lvd_pci_dev_let_go(struct lvd_pci_dev *dev)
{
	int bar;

	mutex_lock(&dev->lock);
	dev->gone = true;
	mutex_unlock(&dev->lock);
	lvd_pci_irqs_free(dev);
	mutex_lock(&dev->lock);
	pci_clear_master(dev->pdev);
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++)
		lvd_pci_bar_unmap(dev, bar);
	lvd_pci_ports(dev, dev->regions, false);
	if (dev->regions)
		pci_release_selected_regions(dev->pdev, dev->regions);
	dev->regions = 0;
	if (dev->enabled)
		pci_disable_device(dev->pdev);
	dev->enabled = false;
	mutex_unlock(&dev->lock);
}

/*
 * Enable the device; its interrupt line, which enabling may route anew,
 * then shown in its shadow
 */
static int lvd_pci_enable(struct lvd_domain *d, struct lvd_pci_dev *dev,
			  int (*enable)(struct pci_dev *pdev))
{
	int err = lvd_pci_dev_begin(dev);

	if (err)
		return err;
	if (!dev->enabled) {
		err = enable(dev->pdev);
		dev->enabled = !err;
	}
	if (!err)
		err = lvd_domain_copy_to(d, dev->shadow + offsetof(struct pci_dev, irq),
					 &dev->pdev->irq, sizeof(dev->pdev->irq));
	mutex_unlock(&dev->lock);
	return err;
}

/**
 * lvd_pci_enable_device() - pci_enable_device() of a driver's device
 * @d: the driver's domain
 * @dev: the device
 *
 * Enabling an enabled device does nothing: the glue disables it once.
 *
 * Return: 0 or a negative errno.
 */
int lvd_pci_enable_device(struct lvd_domain *d, struct lvd_pci_dev *dev)
{
	return lvd_pci_enable(d, dev, pci_enable_device);
}

/**
 * lvd_pci_enable_device_mem() - pci_enable_device_mem() of a driver's device
 * @d: the driver's domain
 * @dev: the device
 *
 * Return: 0 or a negative errno.
 */
int lvd_pci_enable_device_mem(struct lvd_domain *d, struct lvd_pci_dev *dev)
{
	return lvd_pci_enable(d, dev, pci_enable_device_mem);
}

/**
 * lvd_pci_disable_device() - pci_disable_device() of a driver's device
 * @d: the driver's domain
 * @dev: the device
 */
void lvd_pci_disable_device(struct lvd_domain *d, struct lvd_pci_dev *dev)
{
	if (lvd_pci_dev_begin(dev))
		return;
	if (dev->enabled)
		pci_disable_device(dev->pdev);
	dev->enabled = false;
	mutex_unlock(&dev->lock);
}

/**
 * lvd_pci_set_master() - pci_set_master() of a driver's enabled device
 * @d: the driver's domain
 * @dev: the device
 */
void lvd_pci_set_master(struct lvd_domain *d, struct lvd_pci_dev *dev)
{
	if (lvd_pci_dev_begin(dev))
		return;
	if (dev->enabled)
		pci_set_master(dev->pdev);
	else
		lvd_pci_refused(d, "bus mastering for %s, which it has not enabled",
				pci_name(dev->pdev));
	mutex_unlock(&dev->lock);
}

/**
 * lvd_pci_clear_master() - pci_clear_master() of a driver's device
 * @d: the driver's domain
 * @dev: the device
 */
void lvd_pci_clear_master(struct lvd_domain *d, struct lvd_pci_dev *dev)
{
	if (lvd_pci_dev_begin(dev))
		return;
	pci_clear_master(dev->pdev);
	mutex_unlock(&dev->lock);
}

/**
 * lvd_pci_select_bars() - pci_select_bars() of a driver's device
 * @d: the driver's domain
 * @dev: the device
 * @flags: IORESOURCE_* flags the BARs must have
 *
 * Return: the mask of the BARs with @flags.
 */
int lvd_pci_select_bars(struct lvd_domain *d, struct lvd_pci_dev *dev,
			unsigned long flags)
{
	return pci_select_bars(dev->pdev, flags);
}

/**
 * lvd_pci_request_selected_regions() - claim BARs of a driver's device
 * @d: the driver's domain
 * @dev: the device
 * @bars: a mask of its BARs
 * @name: the driver's name for them (the kernel names them after the
 *	driver: the string must outlive the regions)
 *
 * Return: 0, -EINVAL for a mask beyond its BARs, or -EBUSY.
 */
int lvd_pci_request_selected_regions(struct lvd_domain *d,
				     struct lvd_pci_dev *dev, int bars,
				     const char *name)
{
	int err;

	if (bars & ~(BIT(PCI_STD_NUM_BARS) - 1) || bars & dev->regions)
		return -EINVAL;
	err = lvd_pci_dev_begin(dev);
	if (err)
		return err;
	err = pci_request_selected_regions(dev->pdev, bars, dev->drv->name);
	if (!err) {
		dev->regions |= bars;
		lvd_pci_ports(dev, bars, true);
	}
	mutex_unlock(&dev->lock);
	return err;
}

/**
 * lvd_pci_release_selected_regions() - release claimed BARs
 * @d: the driver's domain
 * @dev: the device
 * @bars: a mask of its BARs; only those it claimed are released
 */
void lvd_pci_release_selected_regions(struct lvd_domain *d,
				      struct lvd_pci_dev *dev, int bars)
{
	if (lvd_pci_dev_begin(dev))
		return;
	bars &= dev->regions;
	lvd_pci_ports(dev, bars, false);
	if (bars)
		pci_release_selected_regions(dev->pdev, bars);
	dev->regions &= ~bars;
	mutex_unlock(&dev->lock);
}

/* Map BAR @bar of @dev into its driver's domain; its address, or NULL. */
static void __iomem *lvd_pci_bar_map(struct lvd_domain *d,
				     struct lvd_pci_dev *dev, int bar)
{
	struct lvd_pci_bar *b = &dev->bars[bar];
	struct pci_dev *pdev = dev->pdev;
	resource_size_t pa = pci_resource_start(pdev, bar);
	resource_size_t size = pci_resource_len(pdev, bar);
	void __iomem *va;

	if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) || !size) {
		lvd_pci_refused(d, "BAR %d of %s, which is not memory", bar,
				pci_name(pdev));
		return NULL;
	}
	if (!PAGE_ALIGNED(pa) || !PAGE_ALIGNED(size)) {
		lvd_pci_refused(d, "BAR %d of %s, which shares a page with other memory",
				bar, pci_name(pdev));
		return NULL;
	}
	if (b->size)
		return b->va;
	va = pci_ioremap_bar(pdev, bar);
	if (!va)
		return NULL;
	if (lvd_domain_map_device(d, (unsigned long)va, pa, size)) {
		iounmap(va);
		return NULL;
	}
	b->va = va;
	b->pa = pa;
	b->size = size;
	return va;
}

/* pci_ioremap_bar(dev, bar): mapping a BAR twice gives the same address */
unsigned long lvd_glue_pci_ioremap_bar(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_pci_dev *dev = lvd_pci_dev_lookup(d, args[0]);
	void __iomem *va = NULL;
	int bar = args[1];

	if (IS_ERR(dev))
		return 0;
	if (bar < 0 || bar >= PCI_STD_NUM_BARS)
		lvd_pci_refused(d, "BAR %d of %s, which no device has", bar,
				pci_name(dev->pdev));
	else if (!lvd_pci_dev_begin(dev)) {
		va = lvd_pci_bar_map(d, dev, bar);
		mutex_unlock(&dev->lock);
	}
	lvd_pci_dev_put(d, dev);
	return (unsigned long)va;
}

/*
 * The device of the domain's and the BAR of it for which @match(b, addr,
 * size) holds, with a reference, and its number in *@bar; NULL if none.
 */
static struct lvd_pci_dev *
lvd_pci_bar_find(struct lvd_domain *d, int *bar, unsigned long addr, size_t size,
		 bool (*match)(struct pci_dev *pdev, const struct lvd_pci_bar *b,
			       int bar, unsigned long addr, size_t size))
{
	struct lvd_pci_domain *pd = lvd_pci_domain_find(d);
	struct lvd_pci_dev *dev;
	int i;

	if (!pd)
		return NULL;
	spin_lock(&pd->lock);
	list_for_each_entry(dev, &pd->devs, node) {
		for (i = 0; i < PCI_STD_NUM_BARS; i++) {
			if (match(dev->pdev, &dev->bars[i], i, addr, size)) {
				refcount_inc(&dev->ref);
				spin_unlock(&pd->lock);
				*bar = i;
				return dev;
			}
		}
	}
	spin_unlock(&pd->lock);
	return NULL;
}

/* Does memory BAR @bar hold [pa, pa + size)? */
static bool lvd_pci_bar_holds(struct pci_dev *pdev, const struct lvd_pci_bar *b,
			      int bar, unsigned long pa, size_t size)
{
	resource_size_t start = pci_resource_start(pdev, bar);

	return pci_resource_flags(pdev, bar) & IORESOURCE_MEM && size &&
	       pa >= start && pa + size > pa &&
	       pa + size <= start + pci_resource_len(pdev, bar);
}

/* Is the domain's @va in BAR @b, mapped? */
static bool lvd_pci_bar_at(struct pci_dev *pdev, const struct lvd_pci_bar *b,
			   int bar, unsigned long va, size_t size)
{
	unsigned long start = (unsigned long)b->va;

	return b->size && va >= start && va < start + b->size;
}

/**
 * lvd_pci_bar_lock() - the device whose mapped BAR holds a range, locked
 * @d: the domain
 * @va: where the range starts, as the domain has it
 * @len: its length
 *
 * For glue that reaches the range itself: the BAR stays mapped until
 * the caller unlocks the device (mutex_unlock(&dev->lock)) and drops its
 * reference (lvd_pci_dev_put()).
 *
 * Context: may sleep.
 * Return: the device, or NULL when [@va, @va + @len) is not in one BAR
 * the domain has mapped.
 */
struct lvd_pci_dev *lvd_pci_bar_lock(struct lvd_domain *d, unsigned long va,
				     size_t len)
{
	struct lvd_pci_dev *dev;
	struct lvd_pci_bar *b;
	int bar;

	dev = lvd_pci_bar_find(d, &bar, va, 1, lvd_pci_bar_at);
	if (!dev)
		return NULL;
	if (!lvd_pci_dev_begin(dev)) {
		b = &dev->bars[bar];
		if (b->size && va + len >= va &&
		    va + len <= (unsigned long)b->va + b->size)
			return dev;
		mutex_unlock(&dev->lock);
	}
	lvd_pci_dev_put(d, dev);
	return NULL;
}

/* ioremap(pa, size): within a memory BAR of one of the domain's devices */
unsigned long lvd_glue_ioremap(struct lvd_domain *d,
			       const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long pa = args[0], va = 0;
	size_t size = args[1];
	struct lvd_pci_dev *dev;
	void __iomem *bar_va;
	int bar;

	dev = lvd_pci_bar_find(d, &bar, pa, size, lvd_pci_bar_holds);
	if (!dev) {
		lvd_pci_refused(d, "ioremap() of %#lx, %zu bytes, outside its devices' BARs",
				pa, size);
		return 0;
	}
	if (!lvd_pci_dev_begin(dev)) {
		bar_va = lvd_pci_bar_map(d, dev, bar);
		if (bar_va)
			va = (unsigned long)bar_va + pa - dev->bars[bar].pa;
		mutex_unlock(&dev->lock);
	}
	lvd_pci_dev_put(d, dev);
	return va;
}

/* iounmap(addr): a BAR the domain has mapped, unmapped whole */
unsigned long lvd_glue_iounmap(struct lvd_domain *d,
			       const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_pci_dev *dev;
	int bar;

	dev = lvd_pci_bar_find(d, &bar, args[0], 1, lvd_pci_bar_at);
	if (!dev) {
		lvd_pci_refused(d, "iounmap() of %#lx, which it has not mapped",
				args[0]);
		return 0;
	}
	if (!lvd_pci_dev_begin(dev)) {
		lvd_pci_bar_unmap(dev, bar);
		mutex_unlock(&dev->lock);
	}
	lvd_pci_dev_put(d, dev);
	return 0;
}

/*
 * pci_{read,write}_config_*(dev, where, val) of @size bytes: its own
 * device's, in its configuration space, aligned; writes only beyond the
 * standard header. A PCIBIOS_* code, as the kernel's.
 */
static unsigned long lvd_pci_config(struct lvd_domain *d,
				    const unsigned long args[LVD_DOMAIN_ARGS],
				    int size, bool write)
{
	struct lvd_pci_dev *dev = lvd_pci_dev_lookup(d, args[0]);
	int where = args[1], err;
	u32 val = write ? args[2] : 0;

	if (IS_ERR(dev))
		return PCIBIOS_DEVICE_NOT_FOUND;
	if (where < 0 || where > dev->pdev->cfg_size - size || where & (size - 1))
		err = PCIBIOS_BAD_REGISTER_NUMBER;
	else if (write && where < PCI_STD_HEADER_SIZEOF)
		err = PCIBIOS_SET_FAILED;
	else if (write)
		err = size == 1 ? pci_write_config_byte(dev->pdev, where, val) :
		      size == 2 ? pci_write_config_word(dev->pdev, where, val) :
		      pci_write_config_dword(dev->pdev, where, val);
	else
		err = size == 1 ? pci_read_config_byte(dev->pdev, where, (u8 *)&val) :
		      size == 2 ? pci_read_config_word(dev->pdev, where, (u16 *)&val) :
		      pci_read_config_dword(dev->pdev, where, &val);
	if (err)
		lvd_pci_refused(d, "configuration %s of %d bytes at %#x of %s",
				write ? "write" : "read", size, where,
				pci_name(dev->pdev));
	else if (!write && lvd_domain_copy_to(d, args[2], &val, size))
		err = PCIBIOS_BAD_REGISTER_NUMBER;
	lvd_pci_dev_put(d, dev);
	return err;
}

#define LVD_PCI_CONFIG(op, type, size, write)				\
unsigned long lvd_glue_pci_##op##_config_##type(struct lvd_domain *d,	\
				const unsigned long args[LVD_DOMAIN_ARGS]) \
{									\
	return lvd_pci_config(d, args, size, write);			\
}

LVD_PCI_CONFIG(read, byte, 1, false)
LVD_PCI_CONFIG(read, word, 2, false)
LVD_PCI_CONFIG(read, dword, 4, false)
LVD_PCI_CONFIG(write, byte, 1, true)
LVD_PCI_CONFIG(write, word, 2, true)
LVD_PCI_CONFIG(write, dword, 4, true)
