/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A domain's page tables: built by the kernel, never changed by the
 * domain (its EPT maps them read-only and they map nothing of their own).
 */
#ifndef _ARCH_X86_LVD_DOMAIN_PT_H
#define _ARCH_X86_LVD_DOMAIN_PT_H

#include <linux/list.h>
#include <linux/types.h>

/**
 * struct lvd_pt - page tables of 4 or 5 levels, as the kernel's
 * @root: the top-level table (what CR3 points to)
 * @levels: 4 or 5
 * @tables: every table page (page->lru), the newest first
 * @nr_tables: how many
 */
struct lvd_pt {
	u64 *root;
	unsigned int levels;
	struct list_head tables;
	unsigned int nr_tables;
};

/* Leaf access in a domain's page tables */
#define LVD_PT_USER	0x1	/* CPL 3 may use it; else supervisor only */
#define LVD_PT_WRITE	0x2
#define LVD_PT_EXEC	0x4
#define LVD_PT_UNCACHED	0x8	/* device memory: PAT's uncacheable entry */

int lvd_pt_init(struct lvd_pt *pt);
int lvd_pt_map(struct lvd_pt *pt, unsigned long va, phys_addr_t pa,
	       unsigned int access);
int lvd_pt_unmap(struct lvd_pt *pt, unsigned long va);
phys_addr_t lvd_pt_lookup(const struct lvd_pt *pt, unsigned long va,
			  u64 *entry);
void lvd_pt_destroy(struct lvd_pt *pt);

#endif /* _ARCH_X86_LVD_DOMAIN_PT_H */
