/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A domain's heap (domain_heap.c): for the domain's memory-allocation glue.
 */
#ifndef _ARCH_X86_LVD_DOMAIN_HEAP_H
#define _ARCH_X86_LVD_DOMAIN_HEAP_H

#include <linux/types.h>

struct lvd_domain;
struct lvd_domain_heap;

struct lvd_domain_heap *lvd_domain_heap_create(struct lvd_domain *d,
					       size_t size);
struct lvd_domain_heap *lvd_domain_heap_create_span(struct lvd_domain *d,
						    size_t size, size_t span);
void lvd_domain_heap_destroy(struct lvd_domain_heap *h);
unsigned long lvd_domain_heap_alloc(struct lvd_domain_heap *h, size_t size,
				    bool zero);
bool lvd_domain_heap_free(struct lvd_domain_heap *h, unsigned long va);
struct lvd_domain_heap *lvd_domain_heap(struct lvd_domain *d);
unsigned long lvd_domain_heap_base(const struct lvd_domain_heap *h);

#endif /* _ARCH_X86_LVD_DOMAIN_HEAP_H */
