/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LVD's PCI glue: what its files share.
 *
 * An isolated PCI driver registers its struct pci_driver; the kernel
 * registers a copy of its own (the name, the ID table, and the glue's
 * probe, remove and shutdown), and calls the driver's functions in its
 * domain. The driver sees each device it drives as a projection: a
 * struct pci_dev of its own, in its domain's memory (the shadow), which
 * the kernel fills before probe (IDs, class, revision, IRQ, resources,
 * name) and never reads back. The shadow's address is the driver's name
 * for the device: the glue finds the kernel's device from it among the
 * domain's own, never from what it points at.
 */
#ifndef _DRIVERS_LVD_PCI_LVD_PCI_H
#define _DRIVERS_LVD_PCI_LVD_PCI_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/ratelimit.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <lvd/domain.h>

/* The most entries of a driver's ID table, its terminator included */
#define LVD_PCI_MAX_IDS		64

/**
 * struct lvd_pci_domain - what the glue keeps of a domain that uses it
 * @d: the domain
 * @drivers: its registered drivers (struct lvd_pci_driver)
 * @devs: the devices its drivers drive (struct lvd_pci_dev)
 * @refusals: the rate of its refusals' messages, its own
 * @lock: protects the lists
 */
struct lvd_pci_domain {
	struct lvd_domain *d;
	struct list_head drivers;
	struct list_head devs;
	struct ratelimit_state refusals;
	spinlock_t lock;	/* protects the lists */
};

/**
 * struct lvd_pci_driver - the kernel's copy of an isolated PCI driver
 * @drv: what the kernel registers
 * @pd: its domain's record
 * @addr: the driver's struct pci_driver, in the domain
 * @dom_ids: its ID table, in the domain
 * @dom_name: a copy of its name, in the domain (dev_driver_string())
 * @probe: its probe
 * @remove: its remove, or unset
 * @shutdown: its shutdown, or unset
 * @node: on @pd's list
 * @ids: the kernel's copy of its ID table
 * @name: its name
 */
struct lvd_pci_driver {
	struct pci_driver drv;
	struct lvd_pci_domain *pd;
	unsigned long addr;
	unsigned long dom_ids;
	unsigned long dom_name;
	struct lvd_domain_fn probe;
	struct lvd_domain_fn remove;
	struct lvd_domain_fn shutdown;
	struct list_head node;
	struct pci_device_id ids[LVD_PCI_MAX_IDS];
	char name[32];
};

/**
 * struct lvd_pci_bar - a BAR mapped into the domain
 * @va: where the domain has it (the kernel's ioremap() address)
 * @pa: its physical address
 * @size: its size
 */
struct lvd_pci_bar {
	void __iomem *va;
	phys_addr_t pa;
	size_t size;
};

/**
 * struct lvd_pci_dev - a device an isolated driver drives
 * @pdev: the kernel's device
 * @drv: the driver
 * @shadow: the driver's struct pci_dev, in the domain
 * @dom_name: the device's name, in the domain
 * @bars: its BARs mapped into the domain, by number (@size 0: not)
 * @regions: the BARs whose regions the driver requested (a mask)
 * @enabled: the driver enabled the device
 * @coherent: its coherent DMA buffers, freed after the domain
 *	(struct lvd_pci_coherent_set), or NULL before the first
 * @irqs: the interrupt handlers its driver registered (struct lvd_pci_irq)
 * @gone: the driver let it go (removed, or its probe failed)
 * @ref: references: the domain's list, and each call naming it
 * @lock: serialises what the driver changes of it
 * @node: on the domain's list
 */
struct lvd_pci_dev {
	struct pci_dev *pdev;
	struct lvd_pci_driver *drv;
	unsigned long shadow;
	unsigned long dom_name;
	struct lvd_pci_bar bars[PCI_STD_NUM_BARS];
	int regions;
	struct lvd_pci_coherent_set *coherent;
	struct list_head irqs;
	bool enabled;
	bool gone;
	refcount_t ref;
	struct mutex lock;	/* serialises changes by the driver */
	struct list_head node;
};

struct lvd_pci_coherent_set;

/* lvd_pci_driver.c */
struct lvd_pci_domain *lvd_pci_domain_find(struct lvd_domain *d);
struct lvd_pci_dev *lvd_pci_dev_find(struct lvd_domain *d, unsigned long addr);
struct lvd_pci_dev *lvd_pci_dev_lookup(struct lvd_domain *d, unsigned long addr);
void lvd_pci_dev_put(struct lvd_domain *d, struct lvd_pci_dev *dev);
__printf(2, 3)
void lvd_pci_refused(struct lvd_domain *d, const char *fmt, ...);
int lvd_pci_register_driver(struct lvd_domain *d, unsigned long drv,
			    unsigned long owner, unsigned long mod_name);
void lvd_pci_unregister_driver(struct lvd_domain *d, unsigned long drv);
void lvd_pci_release(struct lvd_domain *d);

/* lvd_pci_dev.c */
int lvd_pci_dev_begin(struct lvd_pci_dev *dev);
struct lvd_pci_dev *lvd_pci_bar_lock(struct lvd_domain *d, unsigned long va,
				     size_t len);
void lvd_pci_dev_let_go(struct lvd_pci_dev *dev);
int lvd_pci_enable_device(struct lvd_domain *d, struct lvd_pci_dev *dev);
int lvd_pci_enable_device_mem(struct lvd_domain *d, struct lvd_pci_dev *dev);
void lvd_pci_disable_device(struct lvd_domain *d, struct lvd_pci_dev *dev);
void lvd_pci_set_master(struct lvd_domain *d, struct lvd_pci_dev *dev);
void lvd_pci_clear_master(struct lvd_domain *d, struct lvd_pci_dev *dev);
int lvd_pci_select_bars(struct lvd_domain *d, struct lvd_pci_dev *dev,
			unsigned long flags);
int lvd_pci_request_selected_regions(struct lvd_domain *d,
				     struct lvd_pci_dev *dev, int bars,
				     const char *name);
void lvd_pci_release_selected_regions(struct lvd_domain *d,
				      struct lvd_pci_dev *dev, int bars);
unsigned long lvd_glue_pci_ioremap_bar(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_ioremap(struct lvd_domain *d,
			       const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_iounmap(struct lvd_domain *d,
			       const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_pci_read_config_byte(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_pci_read_config_word(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_pci_read_config_dword(struct lvd_domain *d,
					     const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_pci_write_config_byte(struct lvd_domain *d,
					     const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_pci_write_config_word(struct lvd_domain *d,
					     const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_pci_write_config_dword(struct lvd_domain *d,
					      const unsigned long args[LVD_DOMAIN_ARGS]);

/* lvd_pci_dma.c */
struct lvd_pci_dev *lvd_pci_dev_of_device(struct lvd_domain *d, unsigned long addr);
unsigned long lvd_glue_dma_alloc_attrs(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_dma_free_attrs(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_dma_map_page_attrs(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_dma_unmap_page_attrs(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_dma_sync_single_for_cpu(struct lvd_domain *d,
					       const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_glue_dma_sync_single_for_device(struct lvd_domain *d,
						  const unsigned long args[LVD_DOMAIN_ARGS]);
unsigned long lvd_pci_dev_driver_string(struct lvd_domain *d,
					struct lvd_pci_dev *dev);
unsigned long lvd_glue_is_vmalloc_addr(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS]);
int lvd_pci_dma_set_mask(struct lvd_domain *d, struct lvd_pci_dev *dev, u64 mask);
int lvd_pci_dma_set_coherent_mask(struct lvd_domain *d, struct lvd_pci_dev *dev,
				  u64 mask);

/* lvd_pci_irq.c */
int lvd_pci_request_threaded_irq(struct lvd_domain *d, unsigned int irq,
				 const struct lvd_domain_fn *handler,
				 const struct lvd_domain_fn *thread_fn,
				 unsigned long flags, const char *name,
				 unsigned long dev_id);
unsigned long lvd_glue_free_irq(struct lvd_domain *d,
				const unsigned long args[LVD_DOMAIN_ARGS]);
void lvd_pci_irqs_free(struct lvd_pci_dev *dev);
void lvd_pci_synchronize_irq(struct lvd_domain *d, unsigned int irq);
void lvd_pci_enable_irq(struct lvd_domain *d, unsigned int irq);
void lvd_pci_disable_irq(struct lvd_domain *d, unsigned int irq);
void lvd_pci_disable_irq_nosync(struct lvd_domain *d, unsigned int irq);
bool lvd_pci_disable_hardirq(struct lvd_domain *d, unsigned int irq);

#endif /* _DRIVERS_LVD_PCI_LVD_PCI_H */
