// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's side of domains (include/lvd/domain.h): each call is a
 * hypercall, and the hypervisor checks it (domain_hv.c).
 */

#include <linux/err.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <lvd/domain.h>
#include <lvd/hypercall.h>

/**
 * struct lvd_domain - a domain, as the kernel knows it
 * @index: its slot in the EPTP list, the index VMFUNC switches to
 */
struct lvd_domain {
	unsigned int index;
};

/* A hypercall on this CPU, or -ENODEV when it does not run under LVD. */
static long lvd_domain_hypercall(unsigned long nr, unsigned long a0,
				 unsigned long a1, unsigned long a2)
{
	long ret = -ENODEV;

	preempt_disable();
	if (lvd_cpu_virtualized())
		ret = lvd_hypercall(nr, a0, a1, a2).ret;
	preempt_enable();
	return ret;
}

/**
 * lvd_domain_create() - a new, empty domain
 *
 * Its EPT maps nothing until lvd_domain_map() gives it memory.
 *
 * Return: the domain, or an ERR_PTR: -ENODEV without the hypervisor,
 * -ENOSPC when every slot of the EPTP list is taken, -ENOMEM.
 */
struct lvd_domain *lvd_domain_create(void)
{
	struct lvd_domain *d = kzalloc(sizeof(*d), GFP_KERNEL);
	long index;

	if (!d)
		return ERR_PTR(-ENOMEM);
	index = lvd_domain_hypercall(LVD_HC_DOMAIN_CREATE, 0, 0, 0);
	if (index < 0) {
		kfree(d);
		return ERR_PTR(index);
	}
	d->index = index;
	return d;
}
EXPORT_SYMBOL_GPL(lvd_domain_create);

/**
 * lvd_domain_map() - give a domain access to RAM, at the same address
 * @d: the domain
 * @pa: physical address of the first page
 * @size: bytes, a multiple of the page size
 * @access: LVD_DOMAIN_{READ,WRITE,EXEC}; write needs read
 *
 * Return: 0; -EINVAL for a bad range or access; -EFAULT when some page is
 * not RAM the kernel may give (hypervisor memory, MMIO, a hole); -ENOMEM.
 */
int lvd_domain_map(struct lvd_domain *d, phys_addr_t pa, size_t size,
		   unsigned int access)
{
	if (!size || !PAGE_ALIGNED(size) ||
	    size >> PAGE_SHIFT > LVD_HC_MAP_MAX_PAGES)
		return -EINVAL;
	return lvd_domain_hypercall(LVD_HC_DOMAIN_MAP, d->index, pa,
				    LVD_HC_MAP_ARG(size >> PAGE_SHIFT, access));
}
EXPORT_SYMBOL_GPL(lvd_domain_map);

static void lvd_domain_flush_here(void *index)
{
	lvd_domain_hypercall(LVD_HC_FLUSH_EPT, (unsigned long)index, 0, 0);
}

/**
 * lvd_domain_destroy() - take a domain out of the EPTP list and free it
 * @d: the domain, or NULL
 *
 * Every CPU forgets the domain's translations before its EPT is freed.
 * May sleep (it waits for the other CPUs).
 */
void lvd_domain_destroy(struct lvd_domain *d)
{
	void *index;

	if (!d)
		return;
	index = (void *)(unsigned long)d->index;
	if (!lvd_domain_hypercall(LVD_HC_DOMAIN_UNLIST, d->index, 0, 0)) {
		on_each_cpu(lvd_domain_flush_here, index, 1);
		WARN_ON(lvd_domain_hypercall(LVD_HC_DOMAIN_FREE, d->index, 0, 0));
	}
	kfree(d);
}
EXPORT_SYMBOL_GPL(lvd_domain_destroy);

/**
 * lvd_domain_index() - the domain's slot in the EPTP list
 * @d: the domain
 *
 * Return: the index VMFUNC 0 switches to for this domain.
 */
unsigned int lvd_domain_index(const struct lvd_domain *d)
{
	return d->index;
}
EXPORT_SYMBOL_GPL(lvd_domain_index);
