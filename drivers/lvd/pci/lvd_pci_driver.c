// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's PCI glue: isolated PCI drivers, registered by the kernel on their
 * behalf, and the devices they drive, each projected into the driver's
 * domain as a struct pci_dev of its own (lvd_pci.h).
 *
 * The kernel matches devices with its copy of the driver's ID table and
 * calls the glue's probe, which makes the device's shadow and calls the
 * driver's probe in its domain with it. When the driver lets the device
 * go (its probe failed, remove returned, or the domain is going away),
 * the glue takes back whatever the driver left: its BARs are unmapped
 * from the domain, bus mastering is turned off, its regions are released
 * and the device is disabled, so that a stopped or careless driver leaves
 * no device running on memory the kernel is about to free.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>
#include <lvd/glue.h>
#include "lvd_pci.h"

static DEFINE_XARRAY(lvd_pci_domains);

/**
 * lvd_pci_domain_find() - what the glue keeps of a domain
 * @d: the domain
 *
 * Return: the record, or NULL when the domain has registered no driver.
 */
struct lvd_pci_domain *lvd_pci_domain_find(struct lvd_domain *d)
{
	struct lvd_pci_domain *pd = xa_load(&lvd_pci_domains,
					    lvd_domain_index(d));

	return pd && pd->d == d ? pd : NULL;
}

/* The domain's record, made if need be; NULL when there is no memory. */
static struct lvd_pci_domain *lvd_pci_domain_get(struct lvd_domain *d)
{
	struct lvd_pci_domain *pd = lvd_pci_domain_find(d), *old;

	if (pd)
		return pd;
	pd = kzalloc(sizeof(*pd), GFP_KERNEL);
	if (!pd)
		return NULL;
	pd->d = d;
	INIT_LIST_HEAD(&pd->drivers);
	INIT_LIST_HEAD(&pd->devs);
	spin_lock_init(&pd->lock);
	ratelimit_state_init(&pd->refusals, DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST);
	old = xa_cmpxchg(&lvd_pci_domains, lvd_domain_index(d), NULL, pd,
			 GFP_KERNEL);
	if (old) {
		kfree(pd);
		return xa_is_err(old) ? NULL : old;
	}
	return pd;
}

/**
 * lvd_pci_refused() - say that the glue refused what a domain asked
 * @d: the domain
 * @fmt: what was refused, after the domain's name
 *
 * At the usual rate of the kernel's messages, counted for each domain on
 * its own.
 */
void lvd_pci_refused(struct lvd_domain *d, const char *fmt, ...)
{
	static DEFINE_RATELIMIT_STATE(others, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);
	struct lvd_pci_domain *pd = lvd_pci_domain_find(d);
	struct va_format vaf;
	va_list args;

	if (!__ratelimit(pd ? &pd->refusals : &others))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("%s: %pV\n", lvd_domain_name(d), &vaf);
	va_end(args);
}

/*
 * The device's shadow: what a driver reads of a struct pci_dev, written
 * into a struct of its own on its domain's heap. No kernel pointer goes
 * there: the name is a copy on the heap, dma_mask points into the shadow,
 * and bus, slot and driver stay NULL.
 */
static int lvd_pci_shadow_make(struct lvd_domain *d, struct lvd_pci_dev *dev)
{
	struct pci_dev *pdev = dev->pdev;
	struct pci_dev *img;
	int i, err = -ENOMEM;

	dev->dom_name = lvd_glue_strdup(d, pci_name(pdev));
	dev->shadow = lvd_domain_alloc(d, sizeof(*img));
	img = kzalloc(sizeof(*img), GFP_KERNEL);
	if (!dev->dom_name || !dev->shadow || !img)
		goto out;
	img->devfn = pdev->devfn;
	img->vendor = pdev->vendor;
	img->device = pdev->device;
	img->subsystem_vendor = pdev->subsystem_vendor;
	img->subsystem_device = pdev->subsystem_device;
	img->class = pdev->class;
	img->revision = pdev->revision;
	img->hdr_type = pdev->hdr_type;
	img->pin = pdev->pin;
	img->irq = pdev->irq;
	img->cfg_size = pdev->cfg_size;
	img->current_state = pdev->current_state;
	/* Online: drivers skip their work on a device that is not */
	img->error_state = pci_channel_io_normal;
	img->dma_mask = pdev->dma_mask;
	img->dev.coherent_dma_mask = pdev->dev.coherent_dma_mask;
	img->dev.dma_mask = (u64 *)(dev->shadow + offsetof(struct pci_dev,
							   dma_mask));
	img->dev.kobj.name = (const char *)dev->dom_name;
	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		img->resource[i].start = pci_resource_start(pdev, i);
		img->resource[i].end = pci_resource_end(pdev, i);
		img->resource[i].flags = pci_resource_flags(pdev, i);
	}
	err = lvd_domain_copy_to(d, dev->shadow, img, sizeof(*img));
out:
	kfree(img);
	return err;
}

static void lvd_pci_shadow_free(struct lvd_domain *d, struct lvd_pci_dev *dev)
{
	if (dev->shadow)
		lvd_domain_free(d, dev->shadow);
	if (dev->dom_name)
		lvd_domain_free(d, dev->dom_name);
}

/**
 * lvd_pci_dev_find() - a device a domain's driver drives, by its shadow
 * @d: the domain
 * @addr: the device's shadow, as the driver names it
 *
 * Found among the domain's own devices; the caller holds a reference
 * until lvd_pci_dev_put().
 *
 * Return: the device, or NULL.
 */
struct lvd_pci_dev *lvd_pci_dev_find(struct lvd_domain *d, unsigned long addr)
{
	struct lvd_pci_domain *pd = lvd_pci_domain_find(d);
	struct lvd_pci_dev *dev;

	if (!pd)
		return NULL;
	spin_lock(&pd->lock);
	list_for_each_entry(dev, &pd->devs, node) {
		if (dev->shadow == addr) {
			refcount_inc(&dev->ref);
			spin_unlock(&pd->lock);
			return dev;
		}
	}
	spin_unlock(&pd->lock);
	return NULL;
}

/**
 * lvd_pci_dev_lookup() - lvd_pci_dev_find(), refusing any other address
 * @d: the domain
 * @addr: the device's shadow, as the driver names it
 *
 * Any other address is refused, with a message.
 *
 * Return: the device, referenced, or ERR_PTR(-ENODEV).
 */
struct lvd_pci_dev *lvd_pci_dev_lookup(struct lvd_domain *d, unsigned long addr)
{
	struct lvd_pci_dev *dev = lvd_pci_dev_find(d, addr);

	if (dev)
		return dev;
	lvd_pci_refused(d, "a PCI device it does not drive (%#lx)", addr);
	return ERR_PTR(-ENODEV);
}

/**
 * lvd_pci_dev_put() - drop a reference to a device
 * @d: its driver's domain
 * @dev: the device
 *
 * The last frees the glue's record and the device's shadow.
 */
void lvd_pci_dev_put(struct lvd_domain *d, struct lvd_pci_dev *dev)
{
	if (!refcount_dec_and_test(&dev->ref))
		return;
	lvd_pci_shadow_free(d, dev);
	pci_dev_put(dev->pdev);
	mutex_destroy(&dev->lock);
	kfree(dev);
}

/* Drop a device from the domain's list; the list's reference goes. */
static void lvd_pci_dev_unlist(struct lvd_pci_domain *pd, struct lvd_pci_dev *dev)
{
	spin_lock(&pd->lock);
	list_del_init(&dev->node);
	spin_unlock(&pd->lock);
	lvd_pci_dev_let_go(dev);
	lvd_pci_dev_put(pd->d, dev);
}

static struct lvd_pci_driver *lvd_pci_driver_of(struct pci_dev *pdev)
{
	return container_of(to_pci_driver(pdev->dev.driver),
			    struct lvd_pci_driver, drv);
}

static int lvd_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct lvd_pci_driver *drv = lvd_pci_driver_of(pdev);
	struct lvd_pci_domain *pd = drv->pd;
	unsigned long args[LVD_DOMAIN_ARGS] = { 0 }, ret;
	struct lvd_pci_dev *dev;
	int err;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->pdev = pci_dev_get(pdev);
	dev->drv = drv;
	refcount_set(&dev->ref, 1);
	mutex_init(&dev->lock);
	INIT_LIST_HEAD(&dev->node);
	INIT_LIST_HEAD(&dev->irqs);
	err = lvd_pci_shadow_make(pd->d, dev);
	if (err) {
		lvd_pci_dev_put(pd->d, dev);
		return err;
	}
	pci_set_drvdata(pdev, dev);
	spin_lock(&pd->lock);
	list_add(&dev->node, &pd->devs);
	spin_unlock(&pd->lock);

	args[0] = dev->shadow;
	args[1] = drv->dom_ids + (id - drv->ids) * sizeof(*id);
	err = lvd_domain_fn_call(&drv->probe, args, &ret);
	if (!err)
		err = (int)ret;
	if (err) {
		lvd_pci_dev_unlist(pd, dev);
		pci_set_drvdata(pdev, NULL);
	}
	return err;
}

static void lvd_pci_remove(struct pci_dev *pdev)
{
	struct lvd_pci_driver *drv = lvd_pci_driver_of(pdev);
	struct lvd_pci_dev *dev = pci_get_drvdata(pdev);
	unsigned long args[LVD_DOMAIN_ARGS] = { dev->shadow }, ret;

	if (drv->remove.d)
		lvd_domain_fn_call(&drv->remove, args, &ret);
	lvd_pci_dev_unlist(drv->pd, dev);
	pci_set_drvdata(pdev, NULL);
}

static void lvd_pci_shutdown(struct pci_dev *pdev)
{
	struct lvd_pci_driver *drv = lvd_pci_driver_of(pdev);
	struct lvd_pci_dev *dev = pci_get_drvdata(pdev);
	unsigned long args[LVD_DOMAIN_ARGS] = { dev->shadow }, ret;

	if (drv->shutdown.d)
		lvd_domain_fn_call(&drv->shutdown, args, &ret);
}

/* Is @id the all-zero entry that ends an ID table (as the PCI core sees it)? */
static bool lvd_pci_id_end(const struct pci_device_id *id)
{
	return !id->vendor && !id->subvendor && !id->class_mask;
}

/* The kernel's copy of the driver's ID table; -EINVAL without its end. */
static int lvd_pci_ids_take(struct lvd_domain *d, struct lvd_pci_driver *drv)
{
	unsigned int i;

	for (i = 0; i < LVD_PCI_MAX_IDS; i++) {
		if (lvd_domain_copy_from(d, &drv->ids[i],
					 drv->dom_ids + i * sizeof(drv->ids[0]),
					 sizeof(drv->ids[0])))
			return -EFAULT;
		if (lvd_pci_id_end(&drv->ids[i]))
			return i ? 0 : -EINVAL;
	}
	return -EINVAL;
}

/* Bind one of the driver's functions; -EINVAL unless it is its code. */
static int lvd_pci_fn_take(struct lvd_domain *d, struct lvd_domain_fn *f,
			   const void *fn, bool needed)
{
	if (!fn)
		return needed ? -EINVAL : 0;
	return lvd_domain_fn_bind(f, d, (unsigned long)fn);
}

/* The driver's struct pci_driver, checked, into the kernel's copy */
static int lvd_pci_driver_take(struct lvd_domain *d, struct lvd_pci_driver *drv,
			       const struct pci_driver *img)
{
	int err;

	if (img->sriov_configure || img->sriov_set_msix_vec_count ||
	    img->sriov_get_vf_total_msix || img->groups || img->dev_groups ||
	    img->driver.groups || img->driver.dev_groups) {
		lvd_pci_refused(d, "SR-IOV or sysfs attribute groups: not supported yet");
		return -EOPNOTSUPP;
	}
	if (lvd_domain_copy_string(d, drv->name, (unsigned long)img->name,
				   sizeof(drv->name)) <= 0) {
		lvd_pci_refused(d, "a PCI driver without a name of at most %zu bytes",
				sizeof(drv->name) - 1);
		return -EINVAL;
	}
	drv->dom_ids = (unsigned long)img->id_table;
	err = lvd_pci_ids_take(d, drv);
	if (err == -EFAULT)
		lvd_pci_refused(d, "PCI driver %s: its ID table is not its memory", drv->name);
	else if (err)
		lvd_pci_refused(d, "PCI driver %s: an ID table without an end in %d entries",
				drv->name, LVD_PCI_MAX_IDS);
	if (err)
		return err;
	err = lvd_pci_fn_take(d, &drv->probe, img->probe, true) ?:
	      lvd_pci_fn_take(d, &drv->remove, img->remove, false) ?:
	      lvd_pci_fn_take(d, &drv->shutdown, img->shutdown, false);
	if (err) {
		lvd_pci_refused(d, "PCI driver %s: probe, remove or shutdown is not its code",
				drv->name);
		return err;
	}
	if (img->suspend || img->resume || img->err_handler || img->driver.pm)
		pr_notice("%s: PCI driver %s: its power management and error recovery are not called (not supported yet)\n",
			  lvd_domain_name(d), drv->name);
	return 0;
}

/**
 * lvd_pci_register_driver() - __pci_register_driver() for an isolated driver
 * @d: the driver's domain
 * @addr: its struct pci_driver, in the domain
 * @owner: its THIS_MODULE, as the domain passes it (ignored)
 * @mod_name: its KBUILD_MODNAME (ignored)
 *
 * Context: may sleep; probes the devices that match, calling the driver.
 * Return: 0 or a negative errno.
 */
int lvd_pci_register_driver(struct lvd_domain *d, unsigned long addr,
			    unsigned long owner, unsigned long mod_name)
{
	struct lvd_pci_domain *pd = lvd_pci_domain_get(d);
	struct lvd_pci_driver *drv;
	struct pci_driver *img;
	int err;

	if (!pd)
		return -ENOMEM;
	drv = kzalloc(sizeof(*drv), GFP_KERNEL);
	img = kmalloc(sizeof(*img), GFP_KERNEL);
	err = drv && img ? 0 : -ENOMEM;
	if (!err && lvd_domain_copy_from(d, img, addr, sizeof(*img)))
		err = -EFAULT;
	if (!err)
		err = lvd_pci_driver_take(d, drv, img);
	kfree(img);
	if (err)
		goto fail;
	drv->dom_name = lvd_glue_strdup(d, drv->name);
	if (!drv->dom_name) {
		err = -ENOMEM;
		goto fail;
	}
	drv->pd = pd;
	drv->addr = addr;
	drv->drv.name = drv->name;
	drv->drv.id_table = drv->ids;
	drv->drv.probe = lvd_pci_probe;
	drv->drv.remove = lvd_pci_remove;
	drv->drv.shutdown = lvd_pci_shutdown;
	spin_lock(&pd->lock);
	list_add(&drv->node, &pd->drivers);
	spin_unlock(&pd->lock);
	/*
	 * Without an owner: the glue, not the module's references, decides
	 * when the driver goes, which may be after the module's sysfs
	 * directory is gone (a failed init that left it registered).
	 */
	err = __pci_register_driver(&drv->drv, NULL, NULL);
	if (!err)
		return 0;
	spin_lock(&pd->lock);
	list_del(&drv->node);
	spin_unlock(&pd->lock);
fail:
	if (drv && drv->dom_name)
		lvd_domain_free(d, drv->dom_name);
	kfree(drv);
	return err;
}

/* The domain's driver registered from @addr, taken off its list */
static struct lvd_pci_driver *lvd_pci_driver_unlist(struct lvd_pci_domain *pd,
						    unsigned long addr)
{
	struct lvd_pci_driver *drv;

	spin_lock(&pd->lock);
	list_for_each_entry(drv, &pd->drivers, node) {
		if (drv->addr == addr) {
			list_del(&drv->node);
			spin_unlock(&pd->lock);
			return drv;
		}
	}
	spin_unlock(&pd->lock);
	return NULL;
}

/**
 * lvd_pci_unregister_driver() - pci_unregister_driver() for an isolated driver
 * @d: the driver's domain
 * @addr: its struct pci_driver, as it registered it
 *
 * Removes each device the driver drives, calling its remove. A driver
 * the domain did not register is refused.
 *
 * Context: may sleep.
 */
void lvd_pci_unregister_driver(struct lvd_domain *d, unsigned long addr)
{
	struct lvd_pci_domain *pd = lvd_pci_domain_find(d);
	struct lvd_pci_driver *drv = pd ? lvd_pci_driver_unlist(pd, addr) : NULL;

	if (!drv) {
		lvd_pci_refused(d, "pci_unregister_driver() of a driver it did not register");
		return;
	}
	pci_unregister_driver(&drv->drv);
	lvd_domain_free(d, drv->dom_name);
	kfree(drv);
}

/**
 * lvd_pci_release() - take down what a domain that goes away left
 * @d: the domain
 *
 * Its drivers are unregistered (their remove is called while the domain
 * can still run, and each device is let go whatever it did), then the
 * record is freed. Runs before the domain's memory is freed.
 */
void lvd_pci_release(struct lvd_domain *d)
{
	struct lvd_pci_domain *pd = lvd_pci_domain_find(d);
	struct lvd_pci_driver *drv;

	if (!pd)
		return;
	for (;;) {
		spin_lock(&pd->lock);
		drv = list_first_entry_or_null(&pd->drivers,
					       struct lvd_pci_driver, node);
		if (drv)
			list_del(&drv->node);
		spin_unlock(&pd->lock);
		if (!drv)
			break;
		pci_unregister_driver(&drv->drv);
		kfree(drv);
	}
	WARN_ON(!list_empty(&pd->devs));
	xa_erase(&lvd_pci_domains, lvd_domain_index(d));
	kfree(pd);
}
