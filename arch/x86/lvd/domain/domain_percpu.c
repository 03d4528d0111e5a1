// SPDX-License-Identifier: GPL-2.0
/*
 * A domain's per-CPU area: the this_cpu_*() operations of code in a domain
 * work on per-CPU data of the domain's own, as the kernel's work on the
 * kernel's.
 *
 * The kernel reaches CPU N's copy of a per-CPU variable at the variable's
 * address plus this_cpu_off, which it reads through %gs. A domain gets the
 * same: memory of its own, read-write, made of one unit per possible CPU;
 * on CPU N the domain runs with its GS base at unit N, whose header holds
 * N units' worth of bytes as this_cpu_off. Per-CPU pointers in the domain
 * are addresses in unit 0, handed out by a heap (domain_heap.c) whose
 * bookkeeping stays in the kernel; the header is never handed out.
 *
 * The header also holds the domain's struct pcpu_hot: inline helpers in
 * its code that count preemption or read the CPU number through %gs use
 * the domain's copy. Its preempt count starts at PREEMPT_ENABLED with the
 * need-resched bit set, so preempt_enable() in the domain never calls
 * for a reschedule; its current_task is NULL.
 *
 * The domain may write all of its area, headers included: that breaks
 * only its own per-CPU data. The kernel reads a copy only through
 * lvd_domain_percpu_ptr(), which checks the domain's pointer.
 */

#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/netdevice.h>
#include <linux/preempt.h>
#include <linux/string.h>
#include <asm/current.h>
#include <lvd/domain.h>
#include "domain/domain_heap.h"
#include "domain/domain_percpu.h"
#include "domain/domain_priv.h"

static_assert(LVD_DOMAIN_PCPU_THIS_CPU_OFF + sizeof(unsigned long) <=
	      LVD_DOMAIN_PCPU_HOT);
static_assert(LVD_DOMAIN_PCPU_THIS_CPU_OFF + sizeof(unsigned long) <=
	      LVD_DOMAIN_PCPU_WATCH);
static_assert(offsetof(struct lvd_domain_watch, mark) ==
	      LVD_DOMAIN_PCPU_WATCH_MARK - LVD_DOMAIN_PCPU_WATCH);
static_assert(offsetof(struct lvd_domain_watch, ran) ==
	      LVD_DOMAIN_PCPU_WATCH_RAN - LVD_DOMAIN_PCPU_WATCH);
static_assert(offsetof(struct lvd_domain_watch, fn) ==
	      LVD_DOMAIN_PCPU_WATCH_FN - LVD_DOMAIN_PCPU_WATCH);
static_assert(LVD_DOMAIN_PCPU_WATCH + sizeof(struct lvd_domain_watch) <=
	      LVD_DOMAIN_PCPU_HOT);
static_assert(LVD_DOMAIN_PCPU_WATCH + sizeof(struct lvd_domain_watch) <=
	      LVD_DOMAIN_PCPU_XMIT);
static_assert(LVD_DOMAIN_PCPU_XMIT + sizeof(struct netdev_xmit) <=
	      LVD_DOMAIN_PCPU_HOT);
static_assert(LVD_DOMAIN_PCPU_HOT + sizeof(struct pcpu_hot) <=
	      LVD_DOMAIN_PCPU_HEADER);

/* CPU @cpu's unit, in the kernel and the domain */
static unsigned long lvd_percpu_unit(struct lvd_domain *d, unsigned int cpu)
{
	return lvd_domain_heap_base(d->percpu) + cpu * LVD_DOMAIN_PCPU_UNIT;
}

/**
 * lvd_domain_add_percpu() - give a domain a per-CPU area
 * @d: the domain
 *
 * LVD_DOMAIN_PCPU_UNIT bytes for each possible CPU, read-write, less a
 * header; it goes with the domain.
 *
 * Return: 0; -EEXIST when it has one; -ENOMEM, or an error of
 * lvd_domain_give().
 */
int lvd_domain_add_percpu(struct lvd_domain *d)
{
	struct lvd_domain_heap *h;
	unsigned int cpu;

	if (d->percpu)
		return -EEXIST;
	h = lvd_domain_heap_create_span(d, LVD_DOMAIN_PCPU_UNIT,
					nr_cpu_ids * LVD_DOMAIN_PCPU_UNIT);
	if (IS_ERR(h))
		return PTR_ERR(h);
	/* The first piece of an empty heap is its start: the header */
	if (lvd_domain_heap_alloc(h, LVD_DOMAIN_PCPU_HEADER, true) !=
	    lvd_domain_heap_base(h)) {
		lvd_domain_heap_destroy(h);
		return -ENOMEM;
	}
	d->percpu = h;
	for_each_possible_cpu(cpu) {
		void *unit = (void *)lvd_percpu_unit(d, cpu);
		unsigned long *off = unit + LVD_DOMAIN_PCPU_THIS_CPU_OFF;
		struct pcpu_hot *hot = unit + LVD_DOMAIN_PCPU_HOT;

		*off = cpu * LVD_DOMAIN_PCPU_UNIT;
		/* Preemptible, with no reschedule pending: never zero */
		hot->preempt_count = PREEMPT_ENABLED;
		hot->cpu_number = cpu;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(lvd_domain_add_percpu);

/**
 * lvd_domain_percpu_alloc() - per-CPU memory in a domain
 * @d: the domain, with a per-CPU area
 * @size: bytes
 *
 * What alloc_percpu() gives kernel code: a per-CPU pointer, for the
 * domain's this_cpu_*() operations; each CPU's copy is zeroed.
 *
 * Return: the pointer (an address in CPU 0's unit), or 0 when there is no
 * room (or no area).
 */
unsigned long lvd_domain_percpu_alloc(struct lvd_domain *d, size_t size)
{
	unsigned long p;
	unsigned int cpu;

	if (!d->percpu)
		return 0;
	p = lvd_domain_heap_alloc(d->percpu, size, false);
	if (!p)
		return 0;
	for_each_possible_cpu(cpu)
		memset((void *)(lvd_percpu_unit(d, cpu) +
				(p - lvd_percpu_unit(d, 0))), 0, size);
	return p;
}
EXPORT_SYMBOL_GPL(lvd_domain_percpu_alloc);

/**
 * lvd_domain_percpu_free() - give per-CPU memory back
 * @d: the domain
 * @p: what lvd_domain_percpu_alloc() returned, as the domain passes it
 *
 * Return: true when @p was a piece in use, now free; anything else is
 * ignored.
 */
bool lvd_domain_percpu_free(struct lvd_domain *d, unsigned long p)
{
	if (!d->percpu || p == lvd_domain_heap_base(d->percpu))
		return false;
	return lvd_domain_heap_free(d->percpu, p);
}
EXPORT_SYMBOL_GPL(lvd_domain_percpu_free);

/**
 * lvd_domain_percpu_ptr() - the kernel's way to one CPU's copy
 * @d: the domain
 * @p: a per-CPU pointer of the domain's, which the domain may have forged
 * @size: bytes the kernel will read or write there
 * @cpu: a possible CPU
 *
 * The copy is the domain's memory: it may change under the reader.
 *
 * Return: a kernel pointer to CPU @cpu's @size bytes at @p, or NULL when
 * they are not all inside the part of a unit that per-CPU pointers name.
 */
void *lvd_domain_percpu_ptr(struct lvd_domain *d, unsigned long p,
			    size_t size, unsigned int cpu)
{
	unsigned long base, off;

	if (!d->percpu || cpu >= nr_cpu_ids)
		return NULL;
	base = lvd_percpu_unit(d, 0);
	off = p - base;
	if (p < base + LVD_DOMAIN_PCPU_HEADER || off >= LVD_DOMAIN_PCPU_UNIT ||
	    size > LVD_DOMAIN_PCPU_UNIT - off)
		return NULL;
	return (void *)(lvd_percpu_unit(d, cpu) + off);
}
EXPORT_SYMBOL_GPL(lvd_domain_percpu_ptr);

/* The GS base the domain runs with on @cpu: 0 without a per-CPU area */
unsigned long lvd_domain_percpu_gs(struct lvd_domain *d, unsigned int cpu)
{
	return d->percpu ? lvd_percpu_unit(d, cpu) : 0;
}

/**
 * lvd_domain_watch() - this CPU's watch of a domain
 * @d: the domain
 *
 * What the glue page's deferring routines read and write through %gs when
 * the domain runs on this CPU (include/lvd/glue.h). The domain's memory:
 * it may change under the reader.
 *
 * Context: preemption disabled, through the call into the domain that the
 * watch is for.
 * Return: a kernel pointer to it, or NULL when the domain has no per-CPU
 * area.
 */
struct lvd_domain_watch *lvd_domain_watch(struct lvd_domain *d)
{
	if (!d->percpu)
		return NULL;
	return (void *)lvd_percpu_unit(d, smp_processor_id()) +
	       LVD_DOMAIN_PCPU_WATCH;
}
EXPORT_SYMBOL_GPL(lvd_domain_watch);

/**
 * lvd_domain_percpu_hot() - this CPU's copy of pcpu_hot in a domain
 * @d: the domain
 *
 * The preempt count that preempt_disable() and local_bh_disable() in its
 * code count on this CPU. The domain's memory: it may change under the
 * reader, and any value is possible.
 *
 * Context: preemption disabled.
 * Return: a kernel pointer to it, or NULL when the domain has no per-CPU
 * area.
 */
struct pcpu_hot *lvd_domain_percpu_hot(struct lvd_domain *d)
{
	if (!d->percpu)
		return NULL;
	return (void *)lvd_percpu_unit(d, smp_processor_id()) +
	       LVD_DOMAIN_PCPU_HOT;
}

/* Once the domain is gone */
void lvd_domain_percpu_destroy(struct lvd_domain *d)
{
	lvd_domain_heap_destroy(d->percpu);
	d->percpu = NULL;
}
