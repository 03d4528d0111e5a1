// SPDX-License-Identifier: GPL-2.0
/*
 * Memory types and extent of the kernel EPT.
 *
 * With EPT on, the CPU ignores the MTRRs: the memory type of an access is
 * the EPT memory type of its page, combined with the guest's PAT type as
 * the MTRR type would be. For the kernel to see in VMX non-root mode the
 * memory types it saw before, the kernel EPT takes the types the MTRRs
 * give. Where the kernel has no MTRR state, e820 stands in: memory is
 * write-back, everything else uncacheable.
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/ioport.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#include <linux/processor.h>
#include <linux/sizes.h>
#include <asm/e820/api.h>
#include <asm/msr-index.h>
#include <asm/mtrr.h>
#include <asm/page.h>

#include "root/ept.h"
#include "hv/memtype.h"

/* MTRR types are EPT memory types, with the same encoding. */
static_assert(MTRR_TYPE_UNCACHABLE == X86_MEMTYPE_UC);
static_assert(MTRR_TYPE_WRCOMB == X86_MEMTYPE_WC);
static_assert(MTRR_TYPE_WRTHROUGH == X86_MEMTYPE_WT);
static_assert(MTRR_TYPE_WRPROT == X86_MEMTYPE_WP);
static_assert(MTRR_TYPE_WRBACK == X86_MEMTYPE_WB);

/**
 * lvd_memtype_from_mtrrs() - does the kernel know the MTRRs?
 *
 * mtrr_type_lookup() in 6.12 answers "uncacheable, uniform" for every range
 * when the kernel is built without CONFIG_MTRR, "uncacheable, not uniform"
 * when it never read the MTRRs (the CPU has none), and "uncacheable,
 * uniform" when firmware left them disabled, which is what the CPU then
 * does. Only the middle case shows: MTRRs have 4K granularity, so a single
 * page is always of one type when they are known.
 *
 * Return: true when mtrr_type_lookup() gives the memory types the CPU
 * uses, disabled MTRRs included.
 */
bool lvd_memtype_from_mtrrs(void)
{
	u8 uniform;

	if (!IS_ENABLED(CONFIG_MTRR))
		return false;
	mtrr_type_lookup(0, PAGE_SIZE, &uniform);
	return uniform;
}

static u8 lvd_mtrr_memtype(u64 start, u64 end, bool *uniform)
{
	u8 u, type = mtrr_type_lookup(start, end, &u);

	*uniform = u;
	if (type == MTRR_TYPE_INVALID) {
		*uniform = false;
		return X86_MEMTYPE_UC;
	}
	return type;
}

/* Memory of any kind, as opposed to reserved ranges and holes. */
static bool lvd_e820_is_memory(enum e820_type type)
{
	switch (type) {
	case E820_TYPE_RAM:
	case E820_TYPE_RESERVED_KERN:
	case E820_TYPE_ACPI:
	case E820_TYPE_NVS:
	case E820_TYPE_UNUSABLE:
	case E820_TYPE_PMEM:
	case E820_TYPE_PRAM:
	case E820_TYPE_SOFT_RESERVED:
		return true;
	default:
		return false;
	}
}

/**
 * lvd_e820_memtype() - memory type of a range, from an e820 table
 * @entries: the table's entries, sorted and not overlapping (sanitized)
 * @nr: how many
 * @start: first physical address of the range
 * @end: the address after it
 * @uniform: set when the type holds over the whole range
 *
 * Return: X86_MEMTYPE_WB when e820 memory (RAM, ACPI tables and NVS,
 * persistent and soft-reserved memory) covers the whole range, else
 * X86_MEMTYPE_UC: for reserved ranges and holes, and for a range that
 * mixes them with memory (*@uniform false).
 */
u8 lvd_e820_memtype(const struct e820_entry *entries, u32 nr, u64 start,
		    u64 end, bool *uniform)
{
	u64 memory = 0, lo, hi;
	u32 i;

	for (i = 0; i < nr; i++) {
		if (!lvd_e820_is_memory(entries[i].type))
			continue;
		lo = max(start, entries[i].addr);
		hi = min(end, entries[i].addr + entries[i].size);
		if (lo < hi)
			memory += hi - lo;
	}
	*uniform = !memory || memory == end - start;
	return memory == end - start ? X86_MEMTYPE_WB : X86_MEMTYPE_UC;
}

/**
 * lvd_kernel_memtype() - memory type of a range for the kernel EPT
 * @ctx: unused; for lvd_ept_map_identity()
 * @start: first physical address of the range
 * @end: the address after it
 * @uniform: set when the type holds over the whole range
 *
 * The type the MTRRs give where the kernel knows them (see
 * lvd_memtype_from_mtrrs()), else the type e820 (as firmware reported it)
 * implies: see lvd_e820_memtype().
 *
 * Return: the EPT memory type, X86_MEMTYPE_*.
 */
u8 lvd_kernel_memtype(void *ctx, u64 start, u64 end, bool *uniform)
{
	if (lvd_memtype_from_mtrrs())
		return lvd_mtrr_memtype(start, end, uniform);
	return lvd_e820_memtype(e820_table_firmware->entries,
				e820_table_firmware->nr_entries, start, end,
				uniform);
}

static u64 lvd_e820_end(const struct e820_table *table)
{
	const struct e820_entry *entry;
	u64 end = 0;
	u32 i;

	for (i = 0; i < table->nr_entries; i++) {
		entry = &table->entries[i];
		end = max(end, entry->addr + entry->size);
	}
	return end;
}

static int lvd_iomem_end(struct resource *res, void *arg)
{
	u64 *end = arg;

	*end = max_t(u64, *end, res->end + 1);
	/* Nothing beyond what an EPT maps counts; stops before a wrap. */
	return res->end >= LVD_EPT_GPA_LIMIT - 1;
}

/**
 * lvd_kernel_phys_end() - where the kernel EPT's identity map ends
 *
 * The highest of the ends of e820 (as firmware reported it and as the
 * kernel uses it), of the memory resources (PCI windows and BARs
 * included), and 4 GiB, rounded up to 1 GiB. It is limited to the CPU's
 * physical address width and to the 48 bits a 4-level EPT maps, with a
 * warning when that cuts something off.
 *
 * Return: the address after the last one to map.
 */
u64 lvd_kernel_phys_end(void)
{
	u64 limit = min(BIT_ULL(boot_cpu_data.x86_phys_bits),
			LVD_EPT_GPA_LIMIT);
	u64 end = SZ_4G;

	end = max(end, lvd_e820_end(e820_table_firmware));
	end = max(end, lvd_e820_end(e820_table));
	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_MEM, 0, U64_MAX, &end,
			    lvd_iomem_end);
	end = round_up(end, SZ_1G);
	if (end > limit) {
		pr_warn("physical addresses from %#llx up to %#llx are beyond what the EPT maps; they stay unmapped\n",
			limit, end);
		end = limit;
	}
	return end;
}
