/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LVD domains: an EPT of its own for an isolated driver, in a slot of the
 * EPTP list that VMFUNC switches through.
 */
#ifndef _LVD_DOMAIN_H
#define _LVD_DOMAIN_H

#include <linux/types.h>

/* Access a domain gets to memory it is given (EPT permissions) */
#define LVD_DOMAIN_READ		0x1
#define LVD_DOMAIN_WRITE	0x2
#define LVD_DOMAIN_EXEC		0x4

struct lvd_domain;

struct lvd_domain *lvd_domain_create(void);
int lvd_domain_map(struct lvd_domain *d, phys_addr_t pa, size_t size,
		   unsigned int access);
void lvd_domain_destroy(struct lvd_domain *d);
unsigned int lvd_domain_index(const struct lvd_domain *d);

#endif /* _LVD_DOMAIN_H */
