// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's PCI glue: DMA for an isolated driver, through the kernel's DMA
 * API on the kernel's device, so that every bus address the driver gets
 * comes from it (an IOMMU could restrict them).
 *
 * Coherent buffers are allocated by the kernel and given to the domain
 * at their kernel address, read-write; like all RAM a domain is given,
 * they go back to the kernel only once the domain is destroyed, and a
 * buffer the driver frees is kept for its next allocation of that size.
 * Streaming mappings are made of memory the domain may use as the
 * direction asks (read for the device to read it, write for the device
 * to write it), checked through the domain's page tables at the map, the
 * unmap and each sync; the driver names the device by &pdev->dev of its
 * shadow. Anything else is refused: a NULL buffer, DMA_MAPPING_ERROR, or
 * nothing done, and a line in the log.
 */

#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <lvd/glue.h>
#include "lvd_pci.h"

/* The largest coherent buffer a driver may ask for */
#define LVD_PCI_COHERENT_MAX	SZ_4M

/* The DMA attributes the glue passes on; others are refused */
#define LVD_PCI_DMA_ATTRS	(DMA_ATTR_NO_WARN | DMA_ATTR_SKIP_CPU_SYNC | \
				 DMA_ATTR_WEAK_ORDERING)

/**
 * struct lvd_pci_coherent - a coherent buffer of a device's, in a domain
 * @va: its kernel address, where the domain has it
 * @handle: its bus address
 * @size: its size, in whole pages
 * @free: the driver freed it: for its next allocation of @size
 * @node: on the device's set
 */
struct lvd_pci_coherent {
	void *va;
	dma_addr_t handle;
	size_t size;
	bool free;
	struct list_head node;
};

/**
 * struct lvd_pci_coherent_set - a device's coherent buffers, freed after
 *	its driver's domain
 * @after: on the domain's list of what to free after it
 * @pdev: the device, referenced until then
 * @bufs: the buffers (struct lvd_pci_coherent), under the device's lock
 */
struct lvd_pci_coherent_set {
	struct lvd_domain_afterlife after;
	struct pci_dev *pdev;
	struct list_head bufs;
};

/**
 * lvd_pci_dev_of_device() - a device a domain's driver drives, by the
 *	address of the struct device in its shadow (&pdev->dev)
 * @d: the domain
 * @addr: the address, as the driver passes it
 *
 * Return: the device, referenced (lvd_pci_dev_put()), or an ERR_PTR.
 */
struct lvd_pci_dev *lvd_pci_dev_of_device(struct lvd_domain *d, unsigned long addr)
{
	return lvd_pci_dev_lookup(d, addr - offsetof(struct pci_dev, dev));
}

/**
 * lvd_pci_glue_device() - the kernel's struct device of a PCI device a
 *	domain's driver drives, for other glue (a network device's parent)
 * @d: the domain
 * @addr: the address of the struct device in the device's shadow
 *
 * Return: the device, referenced (put_device()), or NULL.
 */
struct device *lvd_pci_glue_device(struct lvd_domain *d, unsigned long addr)
{
	struct lvd_pci_dev *dev = lvd_pci_dev_of_device(d, addr);
	struct device *found;

	if (IS_ERR(dev))
		return NULL;
	found = get_device(&dev->pdev->dev);
	lvd_pci_dev_put(d, dev);
	return found;
}

static void lvd_pci_coherent_free(struct lvd_domain_afterlife *a)
{
	struct lvd_pci_coherent_set *set = container_of(a, struct lvd_pci_coherent_set,
							after);
	struct lvd_pci_coherent *c, *next;

	list_for_each_entry_safe(c, next, &set->bufs, node) {
		dma_free_attrs(&set->pdev->dev, c->size, c->va, c->handle, 0);
		kfree(c);
	}
	pci_dev_put(set->pdev);
	kfree(set);
}

/* A coherent buffer of @size for @dev, given to @d; under @dev's lock */
static struct lvd_pci_coherent *
lvd_pci_coherent_get(struct lvd_domain *d, struct lvd_pci_dev *dev, size_t size)
{
	struct lvd_pci_coherent *c;

	if (!dev->coherent) {
		dev->coherent = kzalloc(sizeof(*dev->coherent), GFP_KERNEL);
		if (!dev->coherent)
			return NULL;
		INIT_LIST_HEAD(&dev->coherent->bufs);
		dev->coherent->pdev = pci_dev_get(dev->pdev);
		dev->coherent->after.free = lvd_pci_coherent_free;
		lvd_domain_free_after(d, &dev->coherent->after);
	}
	list_for_each_entry(c, &dev->coherent->bufs, node) {
		if (c->free && c->size == size) {
			memset(c->va, 0, size);
			c->free = false;
			return c;
		}
	}
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	c->size = size;
	c->va = dma_alloc_attrs(&dev->pdev->dev, size, &c->handle, GFP_KERNEL, 0);
	if (!c->va) {
		kfree(c);
		return NULL;
	}
	/* Freed after the domain from here, whatever the give did */
	list_add(&c->node, &dev->coherent->bufs);
	if (!virt_addr_valid(c->va) || !PAGE_ALIGNED(c->va) ||
	    lvd_domain_give(d, (unsigned long)c->va, size,
			    LVD_DOMAIN_READ | LVD_DOMAIN_WRITE)) {
		c->size = 0;	/* never reused */
		return NULL;
	}
	return c;
}

/* dma_alloc_attrs(dev, size, dma_handle, gfp, attrs) */
unsigned long lvd_glue_dma_alloc_attrs(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_pci_dev *dev = lvd_pci_dev_of_device(d, args[0]);
	size_t size = PAGE_ALIGN(args[1]);
	struct lvd_pci_coherent *c = NULL;

	if (IS_ERR(dev))
		return 0;
	if (!args[1] || args[1] > LVD_PCI_COHERENT_MAX ||
	    args[4] & ~LVD_PCI_DMA_ATTRS) {
		lvd_pci_refused(d, "a coherent buffer of %lu bytes, attributes %#lx",
				args[1], args[4]);
	} else if (!lvd_pci_dev_begin(dev)) {
		c = lvd_pci_coherent_get(d, dev, size);
		if (c && lvd_domain_copy_to(d, args[2], &c->handle,
					    sizeof(c->handle))) {
			c->free = true;
			c = NULL;
		}
		mutex_unlock(&dev->lock);
	}
	lvd_pci_dev_put(d, dev);
	return c ? (unsigned long)c->va : 0;
}

/* dma_free_attrs(dev, size, cpu_addr, dma_handle, attrs) */
unsigned long lvd_glue_dma_free_attrs(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_pci_dev *dev = lvd_pci_dev_of_device(d, args[0]);
	struct lvd_pci_coherent *c;
	bool found = false;

	if (IS_ERR(dev))
		return 0;
	mutex_lock(&dev->lock);
	if (dev->coherent) {
		list_for_each_entry(c, &dev->coherent->bufs, node) {
			if (!c->free && c->size && (unsigned long)c->va == args[2] &&
			    c->handle == args[3]) {
				c->free = true;
				found = true;
				break;
			}
		}
	}
	mutex_unlock(&dev->lock);
	if (!found)
		lvd_pci_refused(d, "dma_free_attrs() of %#lx, which is not a coherent buffer of %s",
				args[2], pci_name(dev->pdev));
	lvd_pci_dev_put(d, dev);
	return 0;
}

/*
 * May the domain's memory at @pa, @size bytes, be used by DMA in
 * direction @dir: RAM that the domain may read (the device reads it) or
 * write (the device writes it)?
 */
static bool lvd_pci_dma_memory_ok(struct lvd_domain *d, phys_addr_t pa,
				  size_t size, int dir)
{
	bool write = dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL;

	if (!size || pa + size < pa || !valid_dma_direction(dir) ||
	    !pfn_valid(PHYS_PFN(pa)) || !pfn_valid(PHYS_PFN(pa + size - 1)))
		return false;
	return lvd_domain_may_access(d, (unsigned long)phys_to_virt(pa), size,
				     write);
}

/* The page the domain names by @page (its struct page's address), or NULL */
static struct page *lvd_pci_dma_page(unsigned long page)
{
	unsigned long first = (unsigned long)vmemmap;
	unsigned long pfn;

	if (page < first || (page - first) % sizeof(struct page))
		return NULL;
	pfn = (page - first) / sizeof(struct page);
	return pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
}

/* dma_map_page_attrs(dev, page, offset, size, dir, attrs) */
unsigned long lvd_glue_dma_map_page_attrs(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_pci_dev *dev = lvd_pci_dev_of_device(d, args[0]);
	struct page *page = lvd_pci_dma_page(args[1]);
	dma_addr_t addr = DMA_MAPPING_ERROR;
	size_t size = args[3];
	int dir = args[4];

	if (IS_ERR(dev))
		return DMA_MAPPING_ERROR;
	if (!page || args[2] > LVD_PCI_COHERENT_MAX ||
	    args[5] & ~LVD_PCI_DMA_ATTRS ||
	    !lvd_pci_dma_memory_ok(d, page_to_phys(page) + args[2], size, dir))
		lvd_pci_refused(d, "a DMA mapping of %zu bytes at %#lx + %#lx, not its memory",
				size, args[1], args[2]);
	else
		addr = dma_map_page_attrs(&dev->pdev->dev, page, args[2], size,
					  dir, args[5]);
	lvd_pci_dev_put(d, dev);
	return addr;
}

/*
 * The domain's DMA address @addr, @size bytes in direction @dir: checked
 * as its memory; its device in *@devp, referenced.
 */
static bool lvd_pci_dma_addr_ok(struct lvd_domain *d, const unsigned long *args,
				struct lvd_pci_dev **devp, const char *what)
{
	struct lvd_pci_dev *dev = lvd_pci_dev_of_device(d, args[0]);

	if (IS_ERR(dev))
		return false;
	if (!lvd_pci_dma_memory_ok(d, dma_to_phys(&dev->pdev->dev, args[1]),
				   args[2], args[3])) {
		lvd_pci_refused(d, "%s of %zu bytes at DMA address %#lx, which is not its memory",
				what, (size_t)args[2], args[1]);
		lvd_pci_dev_put(d, dev);
		return false;
	}
	*devp = dev;
	return true;
}

/* dma_unmap_page_attrs(dev, addr, size, dir, attrs) */
unsigned long lvd_glue_dma_unmap_page_attrs(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_pci_dev *dev;

	if (!lvd_pci_dma_addr_ok(d, args, &dev, "dma_unmap_page_attrs()"))
		return 0;
	dma_unmap_page_attrs(&dev->pdev->dev, args[1], args[2], args[3],
			     args[4] & LVD_PCI_DMA_ATTRS);
	lvd_pci_dev_put(d, dev);
	return 0;
}

/* __dma_sync_single_for_{cpu,device}(dev, addr, size, dir) */
static void lvd_pci_dma_sync(struct lvd_domain *d, const unsigned long *args,
			     bool for_cpu)
{
	struct lvd_pci_dev *dev;

	if (!lvd_pci_dma_addr_ok(d, args, &dev, for_cpu ?
				 "dma_sync_single_for_cpu()" :
				 "dma_sync_single_for_device()"))
		return;
	if (for_cpu)
		dma_sync_single_for_cpu(&dev->pdev->dev, args[1], args[2], args[3]);
	else
		dma_sync_single_for_device(&dev->pdev->dev, args[1], args[2], args[3]);
	lvd_pci_dev_put(d, dev);
}

/* __dma_sync_single_for_cpu(dev, addr, size, dir) */
unsigned long lvd_glue_dma_sync_single_for_cpu(struct lvd_domain *d,
					       const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_pci_dma_sync(d, args, true);
	return 0;
}

/* __dma_sync_single_for_device(dev, addr, size, dir) */
unsigned long lvd_glue_dma_sync_single_for_device(struct lvd_domain *d,
						  const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_pci_dma_sync(d, args, false);
	return 0;
}

/* The shadow's copy of a mask the kernel's device took */
static int lvd_pci_dma_mask_show(struct lvd_domain *d, struct lvd_pci_dev *dev,
				 size_t offset, u64 mask)
{
	return lvd_domain_copy_to(d, dev->shadow + offset, &mask, sizeof(mask));
}

/**
 * lvd_pci_dma_set_mask() - dma_set_mask() of a driver's device
 * @d: the driver's domain
 * @dev: the device
 * @mask: the addresses the device can reach
 *
 * The shadow's dma_mask shows what the kernel's device took.
 *
 * Return: 0, or -EIO when the mask cannot be used.
 */
int lvd_pci_dma_set_mask(struct lvd_domain *d, struct lvd_pci_dev *dev, u64 mask)
{
	int err = dma_set_mask(&dev->pdev->dev, mask);

	if (!err)
		lvd_pci_dma_mask_show(d, dev, offsetof(struct pci_dev, dma_mask), mask);
	return err;
}

/**
 * lvd_pci_dma_set_coherent_mask() - dma_set_coherent_mask() of a driver's
 *	device
 * @d: the driver's domain
 * @dev: the device
 * @mask: the addresses its coherent buffers may be at
 *
 * Return: 0, or -EIO when the mask cannot be used.
 */
int lvd_pci_dma_set_coherent_mask(struct lvd_domain *d, struct lvd_pci_dev *dev,
				  u64 mask)
{
	int err = dma_set_coherent_mask(&dev->pdev->dev, mask);

	if (!err)
		lvd_pci_dma_mask_show(d, dev, offsetof(struct pci_dev, dev) +
				      offsetof(struct device, coherent_dma_mask),
				      mask);
	return err;
}

/**
 * lvd_pci_dev_driver_string() - dev_driver_string() of a driver's device
 * @d: the driver's domain
 * @dev: the device
 *
 * Return: the driver's name, a copy in the domain.
 */
unsigned long lvd_pci_dev_driver_string(struct lvd_domain *d,
					struct lvd_pci_dev *dev)
{
	return dev->drv->dom_name;
}

/* is_vmalloc_addr(addr), which dma_map_single() asks */
unsigned long lvd_glue_is_vmalloc_addr(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS])
{
	return is_vmalloc_addr((void *)args[0]);
}
