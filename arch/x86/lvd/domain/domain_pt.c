// SPDX-License-Identifier: GPL-2.0
/*
 * A domain's page tables (domain_pt.h). 4-KiB leaves only, with the
 * accessed bit and, where writable, the dirty bit already set: the domain's
 * EPT maps these tables read-only, so the CPU must never need to set them.
 *
 * Not the kernel's pgd/p4d/pud/pmd helpers: these tables belong to no mm,
 * have 4-KiB leaves only, and are walked the same way at every level, one
 * loop over the levels the CPU uses (4 or 5); the entry bits are the
 * kernel's (_PAGE_*).
 */

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include "domain/domain_pt.h"

#define LVD_PT_ENTRIES		PTRS_PER_PTE
#define LVD_PT_TABLE_FLAGS	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | \
				 _PAGE_ACCESSED)

static u64 *lvd_pt_new_table(struct lvd_pt *pt)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	if (!page)
		return NULL;
	list_add(&page->lru, &pt->tables);
	pt->nr_tables++;
	return page_address(page);
}

/**
 * lvd_pt_init() - empty page tables
 * @pt: to initialise
 *
 * Return: 0 or -ENOMEM.
 */
int lvd_pt_init(struct lvd_pt *pt)
{
	INIT_LIST_HEAD(&pt->tables);
	pt->nr_tables = 0;
	pt->levels = pgtable_l5_enabled() ? 5 : 4;
	pt->root = lvd_pt_new_table(pt);
	return pt->root ? 0 : -ENOMEM;
}

static unsigned int lvd_pt_index(unsigned long va, unsigned int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (LVD_PT_ENTRIES - 1);
}

static u64 lvd_pt_leaf(phys_addr_t pa, unsigned int access)
{
	u64 e = pa | _PAGE_PRESENT | _PAGE_ACCESSED;

	if (access & LVD_PT_USER)
		e |= _PAGE_USER;
	if (access & LVD_PT_WRITE)
		e |= _PAGE_RW | _PAGE_DIRTY;
	if (!(access & LVD_PT_EXEC))
		e |= _PAGE_NX & __supported_pte_mask;
	if (access & LVD_PT_UNCACHED)
		e |= _PAGE_NOCACHE;
	return e;
}

/**
 * lvd_pt_map() - map one page
 * @pt: the page tables
 * @va: virtual address, page-aligned and canonical
 * @pa: physical address, page-aligned
 * @access: LVD_PT_*; read is implied
 *
 * Return: 0; -EINVAL for a bad address; -EEXIST when @va is mapped to
 * something else already; -ENOMEM.
 */
int lvd_pt_map(struct lvd_pt *pt, unsigned long va, phys_addr_t pa,
	       unsigned int access)
{
	unsigned int level;
	u64 *table = pt->root, leaf;

	if (!PAGE_ALIGNED(va) || !PAGE_ALIGNED(pa) ||
	    pa & ~PTE_PFN_MASK || !__is_canonical_address(va, pt->levels == 5 ? 57 : 48))
		return -EINVAL;
	for (level = pt->levels; level > 1; level--) {
		u64 *e = &table[lvd_pt_index(va, level)];

		if (!(*e & _PAGE_PRESENT)) {
			u64 *next = lvd_pt_new_table(pt);

			if (!next)
				return -ENOMEM;
			*e = __pa(next) | LVD_PT_TABLE_FLAGS;
		}
		table = __va(*e & PTE_PFN_MASK);
	}
	leaf = lvd_pt_leaf(pa, access);
	table += lvd_pt_index(va, 1);
	if (*table && *table != leaf)
		return -EEXIST;
	*table = leaf;
	return 0;
}

/**
 * lvd_pt_unmap() - clear the page-table entry of a page
 * @pt: the page tables
 * @va: the page's address
 *
 * Only the leaf goes; its tables stay. The caller flushes what the CPUs
 * cache of it.
 *
 * Return: 0, or -ENOENT when nothing is mapped at @va.
 */
int lvd_pt_unmap(struct lvd_pt *pt, unsigned long va)
{
	unsigned int level;
	u64 *table = pt->root, *e = NULL;

	for (level = pt->levels; level >= 1; level--) {
		e = &table[lvd_pt_index(va, level)];
		if (!(*e & _PAGE_PRESENT))
			return -ENOENT;
		table = __va(*e & PTE_PFN_MASK);
	}
	WRITE_ONCE(*e, 0);
	return 0;
}

/**
 * lvd_pt_lookup() - what a virtual address maps to
 * @pt: the page tables
 * @va: virtual address
 * @entry: where to store the leaf entry (0 when unmapped), or NULL
 *
 * Return: the physical address, or -1 when @va is not mapped.
 */
phys_addr_t lvd_pt_lookup(const struct lvd_pt *pt, unsigned long va,
			  u64 *entry)
{
	unsigned int level;
	const u64 *table = pt->root;
	u64 e = 0;

	for (level = pt->levels; level >= 1; level--) {
		e = table[lvd_pt_index(va, level)];
		if (!(e & _PAGE_PRESENT)) {
			e = 0;
			break;
		}
		table = __va(e & PTE_PFN_MASK);
	}
	if (entry)
		*entry = e;
	return e ? (e & PTE_PFN_MASK) | offset_in_page(va) : (phys_addr_t)-1;
}

/**
 * lvd_pt_destroy() - free every table
 * @pt: the page tables, or ones whose lvd_pt_init() failed
 */
void lvd_pt_destroy(struct lvd_pt *pt)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &pt->tables, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	pt->nr_tables = 0;
	pt->root = NULL;
}
