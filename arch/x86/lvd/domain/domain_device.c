// SPDX-License-Identifier: GPL-2.0
/*
 * Device memory of a domain's: a range of a device's registers (a PCI
 * BAR, say) that the glue driving the device hands to the domain, mapped
 * uncacheable at an address the kernel chose (its own ioremap() address
 * of the range), read-write, never executable. Unlike RAM, device
 * memory is taken back while the domain lives: the glue unmaps it when
 * the driver lets the device go, and every CPU drops what it cached of
 * it before the kernel does anything else with the range.
 *
 * The hypervisor maps only what the kernel's EPT types uncacheable and
 * never the local APIC (root/domain_hv.c); which device's memory a domain
 * may have is the glue's decision.
 */

#include <linux/export.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <lvd/domain.h>
#include "hypervisor.h"
#include "domain/domain_priv.h"

#define LVD_DEVICE_PT	(LVD_PT_USER | LVD_PT_WRITE | LVD_PT_UNCACHED)

static bool lvd_device_range_ok(unsigned long va, phys_addr_t pa, size_t size)
{
	return size && PAGE_ALIGNED(va) && PAGE_ALIGNED(pa) &&
	       PAGE_ALIGNED(size) && va >= TASK_SIZE_MAX && va + size > va &&
	       pa + size > pa && size >> PAGE_SHIFT <= LVD_HC_MAP_MAX_PAGES;
}

/* Take out of the page tables the pages of [va, va + size) mapped to @pa on. */
static void lvd_device_pt_clear(struct lvd_domain *d, unsigned long va,
				phys_addr_t pa, size_t size)
{
	size_t off;
	u64 e;

	for (off = 0; off < size; off += PAGE_SIZE)
		if (lvd_pt_lookup(&d->pt, va + off, &e) == pa + off &&
		    (e & _PAGE_PCD))
			lvd_pt_unmap(&d->pt, va + off);
}

/**
 * lvd_domain_map_device() - give a domain device memory, uncacheable
 * @d: the domain
 * @va: where the domain finds it: a page-aligned kernel address at which
 *	the domain has nothing (the kernel's own ioremap() address of it)
 * @pa: the physical address of its first page
 * @size: bytes, a multiple of the page size
 *
 * The caller has decided that @d may drive the device the range belongs
 * to, and takes it back with lvd_domain_unmap_device() before it lets the
 * device go.
 *
 * Context: may sleep.
 * Return: 0; -EINVAL for a bad range; -EEXIST when the domain has
 * something at @va; -EFAULT when some page is RAM, hypervisor memory, the
 * local APIC or memory the kernel's EPT does not type uncacheable;
 * -ENOMEM. On an error nothing is mapped.
 */
int lvd_domain_map_device(struct lvd_domain *d, unsigned long va,
			  phys_addr_t pa, size_t size)
{
	size_t off;
	long ret;
	u64 e;

	if (!lvd_device_range_ok(va, pa, size))
		return -EINVAL;
	if (region_intersects(pa, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT)
		return -EFAULT;
	mutex_lock(&d->lock);
	for (off = 0; off < size; off += PAGE_SIZE) {
		if (lvd_pt_lookup(&d->pt, va + off, &e) != (phys_addr_t)-1) {
			mutex_unlock(&d->lock);
			return -EEXIST;
		}
	}
	ret = lvd_domain_hypercall(LVD_HC_DOMAIN_MAP_DEVICE, d->index, pa,
				   LVD_HC_MAP_ARG(size >> PAGE_SHIFT,
						  LVD_DOMAIN_READ | LVD_DOMAIN_WRITE));
	for (off = 0; !ret && off < size; off += PAGE_SIZE)
		ret = lvd_pt_map(&d->pt, va + off, pa + off, LVD_DEVICE_PT);
	if (!ret)
		ret = lvd_domain_map_new_tables(d);
	if (ret) {
		lvd_device_pt_clear(d, va, pa, size);
		lvd_domain_hypercall(LVD_HC_DOMAIN_UNMAP_DEVICE, d->index, pa,
				     size >> PAGE_SHIFT);
	}
	mutex_unlock(&d->lock);
	if (ret)
		lvd_domain_flush_all(d);
	return ret;
}
EXPORT_SYMBOL_GPL(lvd_domain_map_device);

/**
 * lvd_domain_unmap_device() - take device memory back from a domain
 * @d: the domain
 * @va: where lvd_domain_map_device() put it
 * @pa: its physical address
 * @size: its size
 *
 * When it returns, no CPU reaches the range through @d any more: a CPU
 * in the domain that touches it next faults, which stops the domain.
 *
 * Context: may sleep; interrupts on (every CPU flushes).
 * Return: 0; -EINVAL when the range is not device memory @d has there.
 */
int lvd_domain_unmap_device(struct lvd_domain *d, unsigned long va,
			    phys_addr_t pa, size_t size)
{
	size_t off;
	long ret;
	u64 e;

	if (!lvd_device_range_ok(va, pa, size))
		return -EINVAL;
	mutex_lock(&d->lock);
	for (off = 0; off < size; off += PAGE_SIZE) {
		if (lvd_pt_lookup(&d->pt, va + off, &e) != pa + off ||
		    !(e & _PAGE_PCD)) {
			mutex_unlock(&d->lock);
			return -EINVAL;
		}
	}
	lvd_device_pt_clear(d, va, pa, size);
	ret = lvd_domain_hypercall(LVD_HC_DOMAIN_UNMAP_DEVICE, d->index, pa,
				   size >> PAGE_SHIFT);
	mutex_unlock(&d->lock);
	lvd_domain_flush_all(d);
	return ret;
}
EXPORT_SYMBOL_GPL(lvd_domain_unmap_device);
