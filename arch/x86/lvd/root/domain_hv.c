// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor's side of domains: each domain is an EPT, built in root
 * mode from root mode's reserve of pool pages, and a slot of the EPTP
 * list. The kernel asks through hypercalls; everything here runs in root
 * mode, and checks what it is asked:
 *
 * - only RAM the kernel's EPT maps (so never hypervisor memory) can be
 *   given to a domain, with the kernel EPT's memory type;
 * - device memory (LVD_HC_DOMAIN_MAP_DEVICE) is only what the kernel's
 *   EPT maps uncacheable, never the local APIC's page, never executable,
 *   mapped uncacheable; only it can be taken back while the domain lives
 *   (LVD_HC_DOMAIN_UNMAP_DEVICE), and each CPU then flushes the domain's
 *   EPT (LVD_HC_FLUSH_EPT) before the kernel reuses what was mapped;
 * - a domain leaves the EPTP list first (LVD_HC_DOMAIN_UNLIST), every CPU
 *   then drops its cached translations of it (LVD_HC_FLUSH_EPT), and only
 *   then are its tables freed (LVD_HC_DOMAIN_FREE) and its slot reused.
 */

#include <linux/errno.h>
#include <linux/mm.h>
#include <asm/apicdef.h>
#include <asm/msr.h>
#include <asm/vmx.h>
#include "hypervisor.h"

#include "root/ept.h"
#include "hv/hv.h"
#include "root/root.h"
#include "hv/pool.h"
#include "root/vmx_ops.h"

/* LVD_SLOT_USED is no slot's state: it asks for listed or unlisted. */
enum lvd_slot_state { LVD_SLOT_FREE, LVD_SLOT_LISTED, LVD_SLOT_UNLISTED,
		      LVD_SLOT_USED };

/**
 * struct lvd_hv_domain - one domain as the hypervisor keeps it
 * @ept: the domain's EPT
 * @state: free, in the EPTP list, or out of it and waiting to be freed
 */
struct lvd_hv_domain {
	struct lvd_ept ept;
	enum lvd_slot_state state;
};

/* Index 0 of the EPTP list is the kernel's; domains take 1 and up. */
#define LVD_MAX_DOMAINS	(PAGE_SIZE / sizeof(struct lvd_hv_domain))

static struct lvd_hv_domain *lvd_domains;	/* hypervisor memory */
static arch_spinlock_t lvd_domains_lock = __ARCH_SPIN_LOCK_UNLOCKED;

/* The EPT builder calls these through pointers: noinstr, as it is. */
static noinstr void *lvd_domain_ept_alloc(void *ctx, phys_addr_t *pa)
{
	return lvd_root_page_alloc(pa);
}

/* Only before the EPT is in use, or after every CPU flushed it. */
static noinstr void lvd_domain_ept_free(void *ctx, void *va, phys_addr_t pa)
{
	lvd_root_page_free(va);
}

static const struct lvd_ept_alloc lvd_domain_ept_pages = {
	.alloc_page = lvd_domain_ept_alloc,
	.free_page = lvd_domain_ept_free,
};

/**
 * lvd_domains_init() - take the page that holds the domains' table
 *
 * Kernel side, before the pool is sealed.
 *
 * Return: 0 or -ENOMEM.
 */
int lvd_domains_init(void)
{
	BUILD_BUG_ON(LVD_MAX_DOMAINS >= VMFUNC_EPTP_ENTRIES);
	lvd_domains = lvd_pool_alloc(0, NULL);
	return lvd_domains ? 0 : -ENOMEM;
}

static __always_inline struct lvd_hv_domain *lvd_domain_at(unsigned long index,
							   enum lvd_slot_state state)
{
	if (index < 1 || index >= LVD_MAX_DOMAINS)
		return NULL;
	if (state == LVD_SLOT_USED ? lvd_domains[index].state == LVD_SLOT_FREE :
				     lvd_domains[index].state != state)
		return NULL;
	return &lvd_domains[index];
}

static noinstr long lvd_hc_domain_create(void)
{
	struct lvd_hv_domain *d = NULL;
	unsigned long i;
	long ret = -ENOSPC;

	/* An NMI for a CPU in a domain waits for an interrupt window. */
	if (!(lvd_hv.msrs.procbased & LVD_VMX_ALLOWED1(CPU_BASED_INTR_WINDOW_EXITING)))
		return -EOPNOTSUPP;
	lvd_root_spin_lock(&lvd_domains_lock);
	for (i = 1; i < LVD_MAX_DOMAINS && !d; i++)
		if (lvd_domains[i].state == LVD_SLOT_FREE)
			d = &lvd_domains[i];
	if (d) {
		ret = lvd_ept_init(&d->ept, &lvd_domain_ept_pages,
				   lvd_hv.kernel_ept.large_2m,
				   lvd_hv.kernel_ept.large_1g);
		if (!ret) {
			d->state = LVD_SLOT_LISTED;
			lvd_hv.eptp_list[d - lvd_domains] = lvd_ept_eptp(&d->ept);
			ret = d - lvd_domains;
		}
	}
	lvd_root_spin_unlock(&lvd_domains_lock);
	return ret;
}

/* Does @ept map every page of [pa, pa + size), with memory type @type? */
static noinstr bool lvd_ept_maps_all(const struct lvd_ept *ept, u64 pa, u64 size,
				     u8 type)
{
	u64 entry, end = pa + size;
	int level;

	while (pa < end) {
		entry = lvd_ept_lookup(ept, pa, &level);
		if (!level || !lvd_ept_entry_prot(entry) ||
		    lvd_ept_entry_memtype(entry) != type)
			return false;
		pa = ALIGN_DOWN(pa, lvd_ept_level_size(level)) +
		     lvd_ept_level_size(level);
	}
	return true;
}

/* Is every page of [pa, pa + size) RAM that the kernel's EPT maps? */
static noinstr bool lvd_kernel_ram(u64 pa, u64 size)
{
	return lvd_ept_maps_all(&lvd_hv.kernel_ept, pa, size, X86_MEMTYPE_WB);
}

/*
 * Is every page of [pa, pa + size) device memory: mapped by the kernel's
 * EPT uncacheable (so neither RAM nor hypervisor memory), and not the
 * local APIC's page, whose accesses the CPU treats specially?
 */
static noinstr bool lvd_kernel_device_memory(u64 pa, u64 size)
{
	u64 apic = __rdmsr(MSR_IA32_APICBASE) & MSR_IA32_APICBASE_BASE;

	if (apic >= pa && apic < pa + size)
		return false;
	return lvd_ept_maps_all(&lvd_hv.kernel_ept, pa, size, X86_MEMTYPE_UC);
}

/*
 * Run @op on the domain at @index if it is in @state; -EINVAL if not.
 * Inlined, so that each call of @op is a direct one.
 */
static __always_inline long
lvd_domain_do(unsigned long index, enum lvd_slot_state state,
	      long (*op)(struct lvd_hv_domain *d, unsigned long index,
			 const void *arg),
	      const void *arg)
{
	struct lvd_hv_domain *d;
	long ret = -EINVAL;

	lvd_root_spin_lock(&lvd_domains_lock);
	d = lvd_domain_at(index, state);
	if (d)
		ret = op(d, index, arg);
	lvd_root_spin_unlock(&lvd_domains_lock);
	return ret;
}

struct lvd_map_req {
	u64 pa, size, prot;
	u8 memtype;
};

static noinstr long lvd_domain_map_op(struct lvd_hv_domain *d, unsigned long index,
				      const void *arg)
{
	const struct lvd_map_req *r = arg;

	return lvd_ept_map(&d->ept, r->pa, r->pa, r->size, r->prot,
			   r->memtype);
}

/* LVD_HC_DOMAIN_MAP (@device false) and LVD_HC_DOMAIN_MAP_DEVICE */
static noinstr long lvd_hc_domain_map(unsigned long index, u64 pa, u64 arg,
				      bool device)
{
	struct lvd_map_req r = {
		.pa = pa, .size = (arg >> 3) << PAGE_SHIFT, .prot = arg & 7,
		.memtype = device ? X86_MEMTYPE_UC : X86_MEMTYPE_WB,
	};

	if (!PAGE_ALIGNED(pa) || !r.size || (arg >> 3) > LVD_HC_MAP_MAX_PAGES ||
	    !r.prot || (device && r.prot & VMX_EPT_EXECUTABLE_MASK))
		return -EINVAL;
	if (device ? !lvd_kernel_device_memory(pa, r.size) :
		     !lvd_kernel_ram(pa, r.size))
		return -EFAULT;
	return lvd_domain_do(index, LVD_SLOT_LISTED, lvd_domain_map_op, &r);
}

/*
 * Device memory out of a domain's EPT: every page of the range must be
 * mapped there uncacheable (device memory, never RAM, which a domain
 * keeps until it is destroyed). Flushed on this CPU; the kernel flushes
 * the others.
 */
static noinstr long lvd_domain_unmap_op(struct lvd_hv_domain *d, unsigned long index,
					const void *arg)
{
	const struct lvd_map_req *r = arg;
	long ret;

	if (!lvd_ept_maps_all(&d->ept, r->pa, r->size, X86_MEMTYPE_UC))
		return -EINVAL;
	ret = lvd_ept_unmap(&d->ept, r->pa, r->size);
	if (!lvd_invept(VMX_EPT_EXTENT_CONTEXT, lvd_ept_eptp(&d->ept)))
		ret = ret ?: -EIO;
	return ret;
}

static noinstr long lvd_hc_domain_unmap_device(unsigned long index, u64 pa,
					       u64 nr_pages)
{
	struct lvd_map_req r = { .pa = pa, .size = nr_pages << PAGE_SHIFT };

	if (!PAGE_ALIGNED(pa) || !nr_pages || nr_pages > LVD_HC_MAP_MAX_PAGES)
		return -EINVAL;
	return lvd_domain_do(index, LVD_SLOT_LISTED, lvd_domain_unmap_op, &r);
}

static noinstr long lvd_domain_unlist_op(struct lvd_hv_domain *d, unsigned long index,
					 const void *arg)
{
	lvd_hv.eptp_list[index] = 0;
	d->state = LVD_SLOT_UNLISTED;
	return 0;
}

static noinstr long lvd_domain_flush_op(struct lvd_hv_domain *d, unsigned long index,
					const void *arg)
{
	return lvd_invept(VMX_EPT_EXTENT_CONTEXT, lvd_ept_eptp(&d->ept)) ?
	       0 : -EIO;
}

static noinstr long lvd_domain_free_op(struct lvd_hv_domain *d, unsigned long index,
				       const void *arg)
{
	lvd_ept_destroy(&d->ept);
	d->state = LVD_SLOT_FREE;
	return 0;
}

/**
 * lvd_hc_domain() - the domain hypercalls
 * @nr: LVD_HC_DOMAIN_* or LVD_HC_FLUSH_EPT
 * @a0: first argument (RBX)
 * @a1: second argument (RCX)
 * @a2: third argument (RDX)
 *
 * Return: the hypercall's result.
 */
noinstr long lvd_hc_domain(unsigned long nr, unsigned long a0, unsigned long a1,
			   unsigned long a2)
{
	switch (nr) {
	case LVD_HC_DOMAIN_CREATE:
		return lvd_hc_domain_create();
	case LVD_HC_DOMAIN_MAP:
		return lvd_hc_domain_map(a0, a1, a2, false);
	case LVD_HC_DOMAIN_MAP_DEVICE:
		return lvd_hc_domain_map(a0, a1, a2, true);
	case LVD_HC_DOMAIN_UNMAP_DEVICE:
		return lvd_hc_domain_unmap_device(a0, a1, a2);
	case LVD_HC_DOMAIN_UNLIST:
		return lvd_domain_do(a0, LVD_SLOT_LISTED, lvd_domain_unlist_op, NULL);
	case LVD_HC_FLUSH_EPT:
		return lvd_domain_do(a0, LVD_SLOT_USED, lvd_domain_flush_op, NULL);
	case LVD_HC_DOMAIN_FREE:
		return lvd_domain_do(a0, LVD_SLOT_UNLISTED, lvd_domain_free_op, NULL);
	}
	return -EOPNOTSUPP;
}
