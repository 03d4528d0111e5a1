/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A domain's per-CPU area (domain_percpu.c), as the crossings and the
 * module loader use it.
 */
#ifndef _ARCH_X86_LVD_DOMAIN_PERCPU_H
#define _ARCH_X86_LVD_DOMAIN_PERCPU_H

/* Each CPU's part of the area, and its header */
#define LVD_DOMAIN_PCPU_UNIT		(8 * 1024)
#define LVD_DOMAIN_PCPU_HEADER		128
/* Where, from the domain's GS base, its this_cpu_off is */
#define LVD_DOMAIN_PCPU_THIS_CPU_OFF	8
/* Where its struct lvd_domain_watch is: its obj, mark, ran and fn */
#define LVD_DOMAIN_PCPU_WATCH		16
#define LVD_DOMAIN_PCPU_WATCH_MARK	(LVD_DOMAIN_PCPU_WATCH + 8)
#define LVD_DOMAIN_PCPU_WATCH_RAN	(LVD_DOMAIN_PCPU_WATCH + 12)
#define LVD_DOMAIN_PCPU_WATCH_FN	(LVD_DOMAIN_PCPU_WATCH + 16)
/*
 * Where its struct netdev_xmit is, zeroes at first: netdev_xmit_more() in
 * a network driver reads that of the domain's softnet_data (glue.c)
 */
#define LVD_DOMAIN_PCPU_XMIT		48
/*
 * Where its struct pcpu_hot is: the preempt count and CPU number that
 * inline helpers (preempt_enable(), raw_smp_processor_id()) read and write
 * through %gs are the domain's own, never the kernel's.
 */
#define LVD_DOMAIN_PCPU_HOT		64

#ifndef __ASSEMBLY__
#include <linux/types.h>

struct lvd_domain;
struct pcpu_hot;

unsigned long lvd_domain_percpu_gs(struct lvd_domain *d, unsigned int cpu);
struct pcpu_hot *lvd_domain_percpu_hot(struct lvd_domain *d);
void lvd_domain_percpu_destroy(struct lvd_domain *d);
#endif /* __ASSEMBLY__ */

#endif /* _ARCH_X86_LVD_DOMAIN_PERCPU_H */
