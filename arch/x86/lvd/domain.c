// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's side of domains (include/lvd/domain.h): the domain's EPT is
 * changed by hypercalls, which the hypervisor checks (domain_hv.c); its
 * page tables and stacks are built here, and calls go through the
 * trampoline (cross.c).
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/io.h>
#include <asm/set_memory.h>
#include <lvd/domain.h>
#include <lvd/hypercall.h>
#include "cross.h"
#include "domain_pt.h"

#define LVD_DOMAIN_STACK_ORDER	1

/**
 * struct lvd_domain - a domain, as the kernel knows it
 * @index: its slot in the EPTP list, the index VMFUNC switches to
 * @lock: serialises changes to @pt
 * @pt: its page tables
 * @pt_in_ept: how many of @pt's tables its EPT maps (read-only)
 * @stacks: one domain stack per possible CPU
 * @stopped: set once, when the domain broke a rule
 * @fault: why it was stopped
 */
struct lvd_domain {
	unsigned int index;
	struct mutex lock;
	struct lvd_pt pt;
	unsigned int pt_in_ept;
	struct page **stacks;
	atomic_t stopped;
	struct lvd_domain_fault fault;
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

/* Give the domain's EPT the tables its page tables gained, read-only. */
static int lvd_domain_map_new_tables(struct lvd_domain *d)
{
	unsigned int fresh = d->pt.nr_tables - d->pt_in_ept;
	struct page *page;
	int ret;

	list_for_each_entry(page, &d->pt.tables, lru) {
		if (!fresh)
			break;
		ret = lvd_domain_map(d, page_to_phys(page), PAGE_SIZE,
				     LVD_DOMAIN_READ);
		if (ret)
			return ret;
		fresh--;
		d->pt_in_ept++;
	}
	return 0;
}

/*
 * Map the page at @pa at @va in the domain's page tables (LVD_PT_*
 * access) and in its EPT (the matching LVD_DOMAIN_* access).
 */
static int lvd_domain_map_page_at(void *arg, unsigned long va, phys_addr_t pa,
				  unsigned int access)
{
	struct lvd_domain *d = arg;
	unsigned int ept = LVD_DOMAIN_READ;
	int ret;

	if (access & LVD_PT_WRITE)
		ept |= LVD_DOMAIN_WRITE;
	if (access & LVD_PT_EXEC)
		ept |= LVD_DOMAIN_EXEC;
	ret = lvd_domain_map(d, pa, PAGE_SIZE, ept);
	if (!ret)
		ret = lvd_pt_map(&d->pt, va, pa, access);
	if (!ret)
		ret = lvd_domain_map_new_tables(d);
	return ret;
}

/* One stack per possible CPU, mapped for CPL 3, read and write. */
static int lvd_domain_alloc_stacks(struct lvd_domain *d)
{
	unsigned int cpu, i;
	int ret;

	d->stacks = kcalloc(nr_cpu_ids, sizeof(*d->stacks), GFP_KERNEL);
	if (!d->stacks)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct page *page = alloc_pages_node(cpu_to_node(cpu),
						     GFP_KERNEL | __GFP_ZERO,
						     LVD_DOMAIN_STACK_ORDER);

		if (!page)
			return -ENOMEM;
		d->stacks[cpu] = page;
		for (i = 0; i < 1U << LVD_DOMAIN_STACK_ORDER; i++) {
			ret = lvd_domain_map_page_at(d,
					(unsigned long)page_address(page + i),
					page_to_phys(page + i),
					LVD_PT_USER | LVD_PT_WRITE);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void lvd_domain_free_stacks(struct lvd_domain *d)
{
	unsigned int cpu;

	if (!d->stacks)
		return;
	for_each_possible_cpu(cpu)
		if (d->stacks[cpu])
			__free_pages(d->stacks[cpu], LVD_DOMAIN_STACK_ORDER);
	kfree(d->stacks);
}

/* Page tables, the trampoline's pages and the stacks: what every call needs. */
static int lvd_domain_prepare(struct lvd_domain *d)
{
	int ret;

	ret = lvd_cross_init();
	if (!ret)
		ret = lvd_pt_init(&d->pt);
	if (!ret)
		ret = lvd_cross_for_each_page(lvd_domain_map_page_at, d);
	if (!ret)
		ret = lvd_domain_alloc_stacks(d);
	return ret;
}

static void lvd_domain_flush_here(void *index)
{
	lvd_domain_hypercall(LVD_HC_FLUSH_EPT, (unsigned long)index, 0, 0);
}

/* Out of the EPTP list, out of every CPU's TLB, then freed. */
static void lvd_domain_free_ept(unsigned int index)
{
	void *arg = (void *)(unsigned long)index;

	if (!lvd_domain_hypercall(LVD_HC_DOMAIN_UNLIST, index, 0, 0)) {
		on_each_cpu(lvd_domain_flush_here, arg, 1);
		WARN_ON(lvd_domain_hypercall(LVD_HC_DOMAIN_FREE, index, 0, 0));
	}
}

/**
 * lvd_domain_create() - a new domain, with nothing of its own yet
 *
 * Its page tables and EPT map only what the CPU needs to enter and leave
 * it (the trampoline, the domains' IDT, each CPU's IST page, GDT and TSS,
 * all for CPL 0 only) and a stack per CPU; lvd_domain_give() adds memory.
 *
 * Return: the domain, or an ERR_PTR: -ENODEV without the hypervisor,
 * -ENOSPC when every slot of the EPTP list is taken, -EOPNOTSUPP when the
 * hypervisor cannot run domains on this CPU model, -ENOMEM.
 */
struct lvd_domain *lvd_domain_create(void)
{
	struct lvd_domain *d = kzalloc(sizeof(*d), GFP_KERNEL);
	long index;
	int ret;

	if (!d)
		return ERR_PTR(-ENOMEM);
	mutex_init(&d->lock);
	INIT_LIST_HEAD(&d->pt.tables);
	index = lvd_domain_hypercall(LVD_HC_DOMAIN_CREATE, 0, 0, 0);
	if (index < 0) {
		kfree(d);
		return ERR_PTR(index);
	}
	d->index = index;
	ret = lvd_domain_prepare(d);
	if (ret) {
		lvd_domain_destroy(d);
		return ERR_PTR(ret);
	}
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

/**
 * lvd_domain_give() - map kernel memory into a domain, at the same address
 * @d: the domain
 * @va: kernel virtual address of the first page (direct map, vmalloc,
 *	module or kernel image)
 * @size: bytes, a multiple of the page size
 * @access: LVD_DOMAIN_{READ,WRITE,EXEC}: read is needed, and write and
 *	execute exclude each other
 *
 * The domain's code at CPL 3 can then use these pages as the kernel does,
 * through the same addresses: the kernel must not use them for anything
 * else while the domain lives.
 *
 * Return: 0; -EINVAL for a bad range or access; -EEXIST when a page is
 * mapped already; -EFAULT when some page is not RAM the kernel may give;
 * -ENOMEM. A failure may leave the pages before it given.
 */
int lvd_domain_give(struct lvd_domain *d, unsigned long va, size_t size,
		    unsigned int access)
{
	unsigned int pt = LVD_PT_USER;
	unsigned long end = va + size;
	int ret = 0;

	if (!size || !PAGE_ALIGNED(va) || !PAGE_ALIGNED(size) || end < va ||
	    !(access & LVD_DOMAIN_READ) || access & ~7U ||
	    (access & LVD_DOMAIN_WRITE && access & LVD_DOMAIN_EXEC))
		return -EINVAL;
	if (access & LVD_DOMAIN_WRITE)
		pt |= LVD_PT_WRITE;
	if (access & LVD_DOMAIN_EXEC)
		pt |= LVD_PT_EXEC;
	mutex_lock(&d->lock);
	for (; !ret && va < end; va += PAGE_SIZE)
		ret = lvd_domain_map_page_at(d, va, slow_virt_to_phys((void *)va), pt);
	mutex_unlock(&d->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(lvd_domain_give);

/* The domain broke a rule: it stays stopped; the first fault is kept. */
static void lvd_domain_stop(struct lvd_domain *d,
			    const struct lvd_cross_state *st, unsigned int cpu)
{
	if (atomic_cmpxchg(&d->stopped, 0, 1))
		return;
	d->fault = (struct lvd_domain_fault) {
		.vector = st->vector, .error_code = st->error_code,
		.rip = st->fault_rip, .rsp = st->fault_rsp,
		.cr2 = st->fault_cr2, .cpl = st->fault_cs & 3, .cpu = cpu,
	};
	pr_warn("domain %u stopped: vector %u error %#lx at %#lx (CPL %u) rsp %#lx cr2 %#lx on CPU %u\n",
		d->index, d->fault.vector, d->fault.error_code, d->fault.rip,
		d->fault.cpl, d->fault.rsp, d->fault.cr2, cpu);
}

/**
 * lvd_domain_call() - call a function of a domain on this CPU
 * @d: the domain
 * @fn: the function's address in the domain (mapped executable)
 * @args: its six arguments (RDI, RSI, RDX, RCX, R8, R9), or NULL for zeros
 * @ret: where to store its return value (RAX)
 *
 * The function runs at CPL 3, on the domain's stack for this CPU, with
 * interrupts off, and returns with RET. The CPU switches EPTs with VMFUNC
 * both ways, without a VM exit. If the domain raises an exception or
 * breaks out in any other way, it is stopped and the call fails.
 *
 * Return: 0; -EFAULT when the domain was stopped during this call;
 * -ESHUTDOWN when it had been stopped before; -ENODEV when this CPU does
 * not run under LVD.
 */
int lvd_domain_call(struct lvd_domain *d, unsigned long fn,
		    const unsigned long args[LVD_DOMAIN_ARGS], unsigned long *ret)
{
	struct lvd_cross_call call = { .rip = fn };
	struct lvd_cross_state st;
	unsigned long *top;
	unsigned int cpu;

	if (atomic_read(&d->stopped))
		return -ESHUTDOWN;
	if (args)
		memcpy(call.args, args, sizeof(call.args));
	cpu = get_cpu();
	if (!lvd_cpu_virtualized()) {
		put_cpu();
		return -ENODEV;
	}
	/* The return address: the domains' exit page, which raises the return vector. */
	top = page_address(d->stacks[cpu]) + (PAGE_SIZE << LVD_DOMAIN_STACK_ORDER);
	top[-1] = (unsigned long)lvd_cross_domain_exit;
	call.rsp = (unsigned long)&top[-1];
	lvd_cross_run(__pa(d->pt.root), d->index, &call, &st);
	put_cpu();

	if (st.vector == LVD_VECTOR_RETURN && (st.fault_cs & 3) == 3) {
		*ret = st.ret;
		return 0;
	}
	lvd_domain_stop(d, &st, cpu);
	return -EFAULT;
}
EXPORT_SYMBOL_GPL(lvd_domain_call);

/**
 * lvd_domain_stopped() - was the domain stopped, and why?
 * @d: the domain
 * @fault: where to copy why (the first fault), or NULL
 *
 * Return: true when it was stopped.
 */
bool lvd_domain_stopped(struct lvd_domain *d, struct lvd_domain_fault *fault)
{
	if (!atomic_read(&d->stopped))
		return false;
	if (fault)
		*fault = d->fault;
	return true;
}
EXPORT_SYMBOL_GPL(lvd_domain_stopped);

/**
 * lvd_domain_destroy() - take a domain out of the EPTP list and free it
 * @d: the domain, or NULL
 *
 * Every CPU forgets the domain's translations before its EPT is freed; then
 * its page tables and stacks are freed. No call may be running in it.
 * May sleep (it waits for the other CPUs).
 */
void lvd_domain_destroy(struct lvd_domain *d)
{
	if (!d)
		return;
	lvd_domain_free_ept(d->index);
	lvd_pt_destroy(&d->pt);
	lvd_domain_free_stacks(d);
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
