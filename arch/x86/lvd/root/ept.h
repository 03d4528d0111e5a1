/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EPT builder: 4-level EPT paging structures for the kernel EPT (the
 * identity map of physical memory) and the EPTs of isolated drivers.
 */
#ifndef _ARCH_X86_LVD_EPT_H
#define _ARCH_X86_LVD_EPT_H

#include <linux/bits.h>
#include <linux/types.h>
#include <asm/page_types.h>
#include <asm/vmx.h>

/* Page levels, as lvd_ept_lookup() reports them; the PML4 is level 4. */
#define LVD_EPT_LEVEL_4K	1
#define LVD_EPT_LEVEL_2M	2
#define LVD_EPT_LEVEL_1G	3
#define LVD_EPT_LEVEL_PML4	4

/* Each level resolves 9 bits: 512 eight-byte entries fill a 4K table. */
#define LVD_EPT_LEVEL_BITS	(PAGE_SHIFT - 3)

/* A 4-level EPT translates 48-bit guest-physical addresses. */
#define LVD_EPT_GPA_BITS	48
#define LVD_EPT_GPA_LIMIT	BIT_ULL(LVD_EPT_GPA_BITS)

/* Bits 51:12 of every entry hold a host-physical address. */
#define LVD_EPT_ADDR_MASK	GENMASK_ULL(51, 12)

/*
 * Bit 11, ignored by the CPU, marks every leaf entry the builder wrote: an
 * entry stays mapped, with its address and memory type, when
 * lvd_ept_protect() takes all access away (bits 2:0 clear: not present).
 */
#define LVD_EPT_MAPPED		BIT_ULL(11)

/**
 * struct lvd_ept_alloc - where the table pages of an EPT come from
 * @alloc_page:	return a zeroed 4K page of the kernel's direct map and its
 *		physical address in @pa, or NULL when there is none
 * @free_page:	take back a page that @alloc_page returned
 * @ctx:	passed to both
 *
 * The hypervisor takes the pages from a private pool that it hides from
 * the kernel; the KUnit tests take them from the page allocator. Call the
 * functions through a pointer of their own: <linux/gfp.h> has macros of
 * the same names, which ``a->alloc_page(...)`` would expand. Root mode,
 * which builds the domains' EPTs, passes noinstr functions.
 */
struct lvd_ept_alloc {
	void *(*alloc_page)(void *ctx, phys_addr_t *pa);
	void (*free_page)(void *ctx, void *va, phys_addr_t pa);
	void *ctx;
};

/**
 * struct lvd_ept - one EPT: its PML4 and how to get more table pages
 * @pml4:	the PML4 table
 * @pml4_pa:	its physical address, for the EPTP
 * @alloc:	the allocator of table pages
 * @large_2m:	map with 2M pages where possible (the CPU offers them)
 * @large_1g:	map with 1G pages where possible (the CPU offers them)
 * @nr_tables:	table pages in use, the PML4 included
 */
struct lvd_ept {
	u64 *pml4;
	phys_addr_t pml4_pa;
	struct lvd_ept_alloc alloc;
	bool large_2m;
	bool large_1g;
	unsigned long nr_tables;
};

int lvd_ept_init(struct lvd_ept *ept, const struct lvd_ept_alloc *alloc,
		 bool large_2m, bool large_1g);
void lvd_ept_destroy(struct lvd_ept *ept);
int lvd_ept_map(struct lvd_ept *ept, u64 gpa, phys_addr_t hpa, u64 size,
		u64 prot, u8 memtype);
int lvd_ept_map_identity(struct lvd_ept *ept, u64 end,
			 u8 (*memtype)(void *ctx, u64 start, u64 end,
				       bool *uniform),
			 void *ctx, u64 prot);
int lvd_ept_protect(struct lvd_ept *ept, u64 gpa, u64 size, u64 prot);
int lvd_ept_unmap(struct lvd_ept *ept, u64 gpa, u64 size);
u64 lvd_ept_lookup(const struct lvd_ept *ept, u64 gpa, int *level);
u64 lvd_ept_eptp(const struct lvd_ept *ept);

/**
 * lvd_ept_level_size() - bytes that one entry of a level maps
 * @level: LVD_EPT_LEVEL_{4K,2M,1G,PML4}
 *
 * Return: 4K, 2M, 1G or 512G.
 */
static __always_inline u64 lvd_ept_level_size(int level)
{
	return BIT_ULL(PAGE_SHIFT + (level - 1) * LVD_EPT_LEVEL_BITS);
}

/**
 * lvd_ept_entry_hpa() - the host-physical address a leaf entry maps
 * @entry: a leaf entry, as lvd_ept_lookup() returns it
 *
 * Return: the address of the start of the page (4K, 2M or 1G).
 */
static __always_inline phys_addr_t lvd_ept_entry_hpa(u64 entry)
{
	return entry & LVD_EPT_ADDR_MASK;
}

/**
 * lvd_ept_entry_prot() - the access a leaf entry allows
 * @entry: a leaf entry, as lvd_ept_lookup() returns it
 *
 * Return: the entry's read, write and execute bits (VMX_EPT_*_MASK).
 */
static __always_inline u64 lvd_ept_entry_prot(u64 entry)
{
	return entry & VMX_EPT_RWX_MASK;
}

/**
 * lvd_ept_entry_memtype() - the memory type of a leaf entry
 * @entry: a leaf entry, as lvd_ept_lookup() returns it
 *
 * Return: the EPT memory type, one of X86_MEMTYPE_{UC,WC,WT,WP,WB}.
 */
static __always_inline u8 lvd_ept_entry_memtype(u64 entry)
{
	return (entry & VMX_EPT_MT_MASK) >> VMX_EPT_MT_EPTE_SHIFT;
}

#endif /* _ARCH_X86_LVD_EPT_H */
