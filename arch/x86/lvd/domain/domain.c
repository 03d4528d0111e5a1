// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's side of domains (include/lvd/domain.h), their life cycle
 * and memory: the domain's EPT is changed by hypercalls, which the
 * hypervisor checks (root/domain_hv.c); its page tables and stacks are
 * built here, and what the kernel copies from and to it is checked
 * against them. Calls into a domain are in domain_call.c.
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/sched/task_stack.h>
#include <linux/smp.h>
#include <linux/srcu.h>
#include <asm/irq_vectors.h>
#include <asm/segment.h>
#include <asm/set_memory.h>
#include <asm/stacktrace.h>
#include <lvd/domain.h>
#include "hypervisor.h"
#include "domain/cross.h"
#include "domain/domain_heap.h"
#include "domain/domain_percpu.h"
#include "domain/domain_pt.h"
#include "domain/domain_priv.h"
#include "domain/domain_stack.h"
#include "domain/domain_values.h"
#include "domain/domain_watchdog.h"

/*
 * Calls in flight: lvd_domain_destroy() waits for every call into any
 * domain that began before it, and callers may hold a section across the
 * lookup of a domain and the call (lvd_domain_calls_begin()).
 */
DEFINE_SRCU(lvd_domain_srcu);

/* A hypercall on this CPU, or -ENODEV when it does not run under LVD. */
long lvd_domain_hypercall(unsigned long nr, unsigned long a0,
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
int lvd_domain_map_new_tables(struct lvd_domain *d)
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

/*
 * Page tables, the trampoline's pages, the kernel values and the stacks:
 * what every call needs.
 */
static int lvd_domain_prepare(struct lvd_domain *d)
{
	int ret;

	ret = lvd_cross_init();
	if (!ret)
		ret = lvd_watchdog_start();
	if (!ret)
		ret = lvd_pt_init(&d->pt);
	if (!ret)
		ret = lvd_cross_walk_pages(lvd_domain_map_page_at, d);
	if (!ret)
		ret = lvd_domain_values_init();
	if (!ret)
		ret = lvd_domain_map_page_at(d, lvd_domain_values_page(),
					     __pa_symbol(lvd_domain_values_page()),
					     LVD_PT_USER);
	if (!ret)
		ret = lvd_domain_stacks_init(d);
	return ret;
}

static void lvd_domain_flush_here(void *index)
{
	lvd_domain_hypercall(LVD_HC_FLUSH_EPT, (unsigned long)index, 0, 0);
}

/* What every CPU caches of the domain's EPT, and so of its pages, gone */
void lvd_domain_flush_all(struct lvd_domain *d)
{
	on_each_cpu(lvd_domain_flush_here, (void *)(unsigned long)d->index, 1);
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
	init_waitqueue_head(&d->stop_wq);
	spin_lock_init(&d->holds_lock);
	INIT_LIST_HEAD(&d->holds);
	xa_init(&d->locks);
	xa_init(&d->timers);
	xa_init(&d->pages);
	INIT_LIST_HEAD(&d->afterlife);
	spin_lock_init(&d->ports_lock);
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
 * else while the domain lives. Physically contiguous pages go to the EPT
 * in one hypercall.
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
	phys_addr_t pa, run = 0;
	size_t run_len = 0;
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
	for (; !ret && va < end; va += PAGE_SIZE) {
		pa = slow_virt_to_phys((void *)va);
		ret = lvd_pt_map(&d->pt, va, pa, pt);
		if (!ret)
			ret = lvd_domain_map_new_tables(d);
		if (ret)
			break;
		if (run_len && pa == run + run_len &&
		    run_len < LVD_HC_MAP_MAX_PAGES * PAGE_SIZE) {
			run_len += PAGE_SIZE;
			continue;
		}
		/* A new run of contiguous pages: the last one goes to the EPT */
		if (run_len)
			ret = lvd_domain_map(d, run, run_len, access);
		run = pa;
		run_len = PAGE_SIZE;
	}
	if (!ret && run_len)
		ret = lvd_domain_map(d, run, run_len, access);
	mutex_unlock(&d->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(lvd_domain_give);

/**
 * lvd_domain_give_page_at() - map a page into a domain at another address
 * @d: the domain
 * @va: a page-aligned address the domain has nothing at
 * @pa: the physical address of a kernel page the kernel gives up to it
 *
 * For memory the domain sees where the kernel keeps something else: a
 * page of its own at the address of kernel metadata that inline helpers
 * in driver code read and write (the struct pages of its pages).
 *
 * Return: 0; -EEXIST when @va is mapped; an error of the page tables or
 * the EPT.
 */
int lvd_domain_give_page_at(struct lvd_domain *d, unsigned long va,
			    phys_addr_t pa)
{
	int ret;
	u64 e;

	mutex_lock(&d->lock);
	ret = lvd_pt_lookup(&d->pt, va, &e) != (phys_addr_t)-1 ? -EEXIST :
	      lvd_pt_map(&d->pt, va, pa, LVD_PT_USER | LVD_PT_WRITE);
	if (!ret)
		ret = lvd_domain_map_new_tables(d);
	if (!ret)
		ret = lvd_domain_map(d, pa, PAGE_SIZE,
				     LVD_DOMAIN_READ | LVD_DOMAIN_WRITE);
	mutex_unlock(&d->lock);
	return ret;
}

/* The page the kernel's page tables map at @va, or -1 */
static phys_addr_t lvd_domain_kernel_pa(unsigned long va)
{
	unsigned int level;
	pte_t *pte = lookup_address(va, &level);

	if (!pte || !pte_present(*pte))
		return (phys_addr_t)-1;
	/* A large page's PFN is read as its level reads it (its PAT bit) */
	switch (level) {
	case PG_LEVEL_1G:
		return ((phys_addr_t)pud_pfn(*(pud_t *)pte) << PAGE_SHIFT) +
		       (va & ~PUD_MASK & PAGE_MASK);
	case PG_LEVEL_2M:
		return ((phys_addr_t)pmd_pfn(*(pmd_t *)pte) << PAGE_SHIFT) +
		       (va & ~PMD_MASK & PAGE_MASK);
	default:
		return (phys_addr_t)pte_pfn(*pte) << PAGE_SHIFT;
	}
}

/**
 * lvd_domain_may_access() - may a domain use memory
 * @d: the domain
 * @va: the first byte's address
 * @len: how many bytes
 * @write: whether it must be able to write them too
 *
 * Its page tables say so, and nothing else does; and at each of those
 * pages they map what the kernel's map there, so that the kernel, which
 * reads and writes at @va in its own view, touches the domain's memory.
 * (A domain has pages of its own where the kernel has others: the copies
 * of its pages' struct pages, at the kernel's struct pages' addresses.)
 *
 * Return: true when the domain's code at CPL 3 can read (or, with @write,
 * write) every byte of [@va, @va + @len), and the kernel's view of them
 * is the domain's.
 */
bool lvd_domain_may_access(struct lvd_domain *d, unsigned long va,
			   size_t len, bool write)
{
	unsigned long end = va + len, page;
	u64 need = _PAGE_PRESENT | _PAGE_USER | (write ? _PAGE_RW : 0), e;
	phys_addr_t pa;

	if (!len)
		return true;

	if (end < va)
		return false;
	for (page = va & PAGE_MASK; page < end; page += PAGE_SIZE) {
		pa = lvd_pt_lookup(&d->pt, page, &e);
		if (pa == (phys_addr_t)-1 || (e & need) != need ||
		    (pa & PAGE_MASK) != lvd_domain_kernel_pa(page))
			return false;
		if (page + PAGE_SIZE < page)
			break;
	}
	return true;
}

/* Bytes the kernel copied into domains ([true]) and out of them ([false]) */
static DEFINE_PER_CPU(u64, lvd_domain_copied[2]);

/* The count, inline where this file copies: one add to a per-CPU word */
static __always_inline void lvd_domain_copied_add(bool to_domain, size_t len)
{
	this_cpu_add(lvd_domain_copied[to_domain], len);
}

/**
 * lvd_domain_count_copy() - count bytes copied between the kernel and a domain
 * @to_domain: into a domain's memory, else out of it
 * @len: bytes
 *
 * lvd_domain_copy_to(), lvd_domain_copy_from() and lvd_domain_copy_string()
 * count what they copy; glue that copies data in bulk by other means (a
 * request's data into or out of its bounce pages) counts it here. One
 * per-CPU add, for make bench's bytes copied per operation.
 */
void lvd_domain_count_copy(bool to_domain, size_t len)
{
	lvd_domain_copied_add(to_domain, len);
}
EXPORT_SYMBOL_GPL(lvd_domain_count_copy);

/* For lvd_test_hv's benchmark only */
#ifdef CONFIG_LVD_TEST_HOOKS
/**
 * lvd_domain_copied_all() - bytes counted by lvd_domain_count_copy()
 * @to_domain: those copied into domains, else those copied out of them
 *
 * Return: the sum over every CPU since boot, read unlocked.
 */
u64 lvd_domain_copied_all(bool to_domain)
{
	unsigned int cpu;
	u64 sum = 0;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(lvd_domain_copied, cpu)[to_domain]);
	return sum;
}
EXPORT_SYMBOL_NS_GPL(lvd_domain_copied_all, LVD_TEST);
#endif

/**
 * lvd_domain_copy_from() - copy from a domain's memory, for a kernel call
 * @d: the domain
 * @dst: kernel buffer
 * @src: address in the domain, as its code gave it
 * @len: bytes
 *
 * A kernel call gets its arguments from the domain, which may lie: a
 * kernel address, a length that runs past its memory or wraps around.
 * Only memory the domain's code can read itself is copied. Copy once and
 * use the copy: the domain may change its memory meanwhile, on another CPU.
 *
 * Return: 0, or -EFAULT when some byte is not the domain's to read.
 */
int lvd_domain_copy_from(struct lvd_domain *d, void *dst, unsigned long src,
			 size_t len)
{
	if (!lvd_domain_may_access(d, src, len, false))
		return -EFAULT;
	memcpy(dst, (const void *)src, len);
	lvd_domain_copied_add(false, len);
	return 0;
}
EXPORT_SYMBOL_GPL(lvd_domain_copy_from);

/**
 * lvd_domain_copy_string() - copy a NUL-terminated string from a domain
 * @d: the domain
 * @dst: kernel buffer
 * @src: address in the domain, as its code gave it
 * @size: size of @dst; a longer string is cut to @size - 1 bytes
 *
 * Return: the length copied (without the NUL, which @dst always gets), or
 * -EFAULT when the string runs into memory that is not the domain's.
 */
ssize_t lvd_domain_copy_string(struct lvd_domain *d, char *dst,
			       unsigned long src, size_t size)
{
	size_t n = 0;
	char c;

	if (!size)
		return -EINVAL;
	for (; n < size - 1; n++, src++) {
		if ((n == 0 || !(src & ~PAGE_MASK)) &&
		    !lvd_domain_may_access(d, src, 1, false))
			return -EFAULT;
		c = READ_ONCE(*(const char *)src);
		if (!c)
			break;
		dst[n] = c;
	}
	dst[n] = 0;
	lvd_domain_copied_add(false, n);
	return n;
}
EXPORT_SYMBOL_GPL(lvd_domain_copy_string);

/**
 * lvd_domain_copy_to() - copy into a domain's memory, for a kernel call
 * @d: the domain
 * @dst: address in the domain, as its code gave it
 * @src: kernel buffer
 * @len: bytes
 *
 * Only memory the domain's code can write itself is written.
 *
 * Return: 0, or -EFAULT when some byte is not the domain's to write.
 */
int lvd_domain_copy_to(struct lvd_domain *d, unsigned long dst, const void *src,
		       size_t len)
{
	if (!lvd_domain_may_access(d, dst, len, true))
		return -EFAULT;
	memcpy((void *)dst, src, len);
	lvd_domain_copied_add(true, len);
	return 0;
}
EXPORT_SYMBOL_GPL(lvd_domain_copy_to);

/**
 * lvd_domain_free_after() - free kernel memory once a domain is destroyed
 * @d: the domain
 * @a: how to free it
 *
 * For memory given to the domain that its owner cannot take back while
 * the domain lives (RAM stays a domain's until then): @a->free runs in
 * lvd_domain_destroy() after the domain's EPT is gone from every CPU.
 *
 * Context: may sleep.
 */
void lvd_domain_free_after(struct lvd_domain *d, struct lvd_domain_afterlife *a)
{
	mutex_lock(&d->lock);
	list_add(&a->node, &d->afterlife);
	mutex_unlock(&d->lock);
}
EXPORT_SYMBOL_GPL(lvd_domain_free_after);

/* What was to be freed after the domain, freed */
static void lvd_domain_afterlife(struct lvd_domain *d)
{
	struct lvd_domain_afterlife *a, *next;

	list_for_each_entry_safe(a, next, &d->afterlife, node) {
		list_del(&a->node);
		a->free(a);
	}
}

/**
 * lvd_domain_destroy() - take a domain out of the EPTP list and free it
 * @d: the domain, or NULL
 *
 * Calls into the domain fail from here on with -ESHUTDOWN, and those in
 * flight, on any CPU, are waited for. Then every CPU forgets the domain's
 * translations before its EPT is freed, and its page tables and stacks are
 * freed. May sleep; not from inside a call into any domain, nor inside
 * lvd_domain_calls_begin() and lvd_domain_calls_end().
 */
void lvd_domain_destroy(struct lvd_domain *d)
{
	if (!d)
		return;
	WRITE_ONCE(d->dying, true);
	/* Tasks asleep in lvd_domain_wait() go back to their calls. */
	wake_up_all(&d->stop_wq);
	synchronize_srcu(&lvd_domain_srcu);
	/* Nothing of its stays armed: a callback running now calls nothing */
	lvd_domain_timers_destroy(d);
	lvd_domain_free_ept(d->index);
	lvd_domain_pages_destroy(d);
	lvd_domain_afterlife(d);
	lvd_domain_locks_destroy(d);
	lvd_domain_heap_destroy(d->heap);
	lvd_domain_percpu_destroy(d);
	lvd_pt_destroy(&d->pt);
	lvd_domain_stacks_free(d);
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

/**
 * lvd_domain_set_name() - name a domain after what it runs, for messages
 * @d: the domain
 * @name: a module's name, say; cut to LVD_DOMAIN_NAME_LEN - 1 bytes
 */
void lvd_domain_set_name(struct lvd_domain *d, const char *name)
{
	strscpy(d->name, name, sizeof(d->name));
}
EXPORT_SYMBOL_GPL(lvd_domain_set_name);

/**
 * lvd_domain_name() - the name of a domain
 * @d: the domain
 *
 * Return: what lvd_domain_set_name() gave it, or "".
 */
const char *lvd_domain_name(const struct lvd_domain *d)
{
	return d->name;
}
EXPORT_SYMBOL_GPL(lvd_domain_name);

/**
 * lvd_domain_add_heap() - give a domain a heap, for its allocation glue
 * @d: the domain
 * @size: bytes, a multiple of the page size
 *
 * The heap is memory of the domain's, read-write; glue hands out pieces of
 * it (kmalloc() and kfree() for isolated modules) with bookkeeping that
 * stays in the kernel. It goes with the domain.
 *
 * Return: 0; -EEXIST when it has one; -EINVAL for a bad size; -ENOMEM, or
 * an error of lvd_domain_give().
 */
int lvd_domain_add_heap(struct lvd_domain *d, size_t size)
{
	struct lvd_domain_heap *h;

	if (d->heap)
		return -EEXIST;
	if (!size || !PAGE_ALIGNED(size))
		return -EINVAL;
	h = lvd_domain_heap_create(d, size);
	if (IS_ERR(h))
		return PTR_ERR(h);
	d->heap = h;
	return 0;
}
EXPORT_SYMBOL_GPL(lvd_domain_add_heap);

/**
 * lvd_domain_alloc() - zeroed memory on a domain's heap, for glue
 * @d: the domain, with a heap
 * @size: bytes
 *
 * For what glue shares with the domain (a structure it projects into the
 * domain, room for a callback's arguments): the domain may read and write
 * it, and so may the kernel, at the same address. The domain can free it
 * too (kfree() glue): glue that keeps using it must not trust its content.
 *
 * Return: its address, or 0 when there is no room (or no heap).
 */
unsigned long lvd_domain_alloc(struct lvd_domain *d, size_t size)
{
	return d->heap ? lvd_domain_heap_alloc(d->heap, size, true) : 0;
}
EXPORT_SYMBOL_GPL(lvd_domain_alloc);

/**
 * lvd_domain_free() - give back what lvd_domain_alloc() returned
 * @d: the domain
 * @va: the address, or 0
 */
void lvd_domain_free(struct lvd_domain *d, unsigned long va)
{
	if (d->heap && va)
		lvd_domain_heap_free(d->heap, va);
}
EXPORT_SYMBOL_GPL(lvd_domain_free);

/* For the allocation glue: the domain's heap, or NULL */
struct lvd_domain_heap *lvd_domain_heap(struct lvd_domain *d)
{
	return d->heap;
}
