/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A domain as the kernel knows it, shared by its life cycle and memory
 * (domain.c) and the calls into it (domain_call.c).
 */
#ifndef _ARCH_X86_LVD_DOMAIN_PRIV_H
#define _ARCH_X86_LVD_DOMAIN_PRIV_H

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/mutex.h>
#include <linux/srcu.h>
#include <lvd/domain.h>
#include "domain/domain_pt.h"

/* Each CPU's stack in a domain: 16 KiB */
#define LVD_DOMAIN_STACK_ORDER	2

/**
 * struct lvd_domain - a domain, as the kernel knows it
 * @index: its slot in the EPTP list, the index VMFUNC switches to
 * @lock: serialises changes to @pt
 * @pt: its page tables
 * @pt_in_ept: how many of @pt's tables its EPT maps (read-only)
 * @stacks: one domain stack per possible CPU
 * @tops: per CPU, where the stack of the next call into it starts
 * @call_starts: per CPU, when the outermost call into it there began
 * @kcalls: the kernel functions it may call
 * @nr_kcalls: how many
 * @inside: the CPUs running in it
 * @stopping: set once, by the first CPU to stop it
 * @stopped: set once @fault is complete
 * @dying: lvd_domain_destroy() has begun: no call may start
 * @fault: why it was stopped
 * @name: what it runs, for messages
 * @heap: its heap, if it has one
 */
struct lvd_domain {
	unsigned int index;
	struct mutex lock;	/* serialises changes to @pt */
	struct lvd_pt pt;
	unsigned int pt_in_ept;
	struct page **stacks;
	unsigned long *tops;
	u64 *call_starts;
	const lvd_kcall_fn *kcalls;
	unsigned int nr_kcalls;
	struct cpumask inside;
	atomic_t stopping;
	atomic_t stopped;
	bool dying;
	struct lvd_domain_fault fault;
	char name[LVD_DOMAIN_NAME_LEN];
	struct lvd_domain_heap *heap;
};

/*
 * Calls in flight (domain_call.c) are read sections of it, which
 * lvd_domain_destroy() (domain.c) waits for.
 */
extern struct srcu_struct lvd_domain_srcu;

bool lvd_domain_may_access(struct lvd_domain *d, unsigned long va,
			   size_t len, bool write);

#endif /* _ARCH_X86_LVD_DOMAIN_PRIV_H */
