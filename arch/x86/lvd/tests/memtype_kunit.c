// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the memory types and extent of the kernel EPT: the e820
 * rules on a fake table, and the answers for the machine the tests run on.
 */

#include <kunit/test.h>
#include <linux/cpufeature.h>
#include <linux/processor.h>
#include <linux/sizes.h>
#include <asm/apicdef.h>
#include <asm/e820/api.h>
#include <asm/msr-index.h>
#include <asm/sections.h>

#include "root/ept.h"
#include "hv/memtype.h"

/* What QEMU's and Bochs's firmware report, with ACPI, NVS and PMEM. */
static const struct e820_entry lvd_memtype_e820[] = {
	{ 0,		0x9fc00,	E820_TYPE_RAM },
	{ 0x9fc00,	0x400,		E820_TYPE_RESERVED },
	{ 0xf0000,	0x10000,	E820_TYPE_RESERVED },
	{ 0x100000,	0x7fee0000,	E820_TYPE_RAM },
	{ 0x7ffe0000,	0x10000,	E820_TYPE_ACPI },
	{ 0x7fff0000,	0x10000,	E820_TYPE_NVS },
	{ 0xfffc0000,	0x40000,	E820_TYPE_RESERVED },
	{ SZ_4G,	SZ_1G,		E820_TYPE_RAM },
	{ 5ULL * SZ_1G,	SZ_1G,		E820_TYPE_PMEM },
};

struct lvd_memtype_case {
	u64 start;
	u64 end;
	u8 type;
	bool uniform;
};

static const struct lvd_memtype_case lvd_memtype_e820_cases[] = {
	{ 0,		SZ_4K,		X86_MEMTYPE_WB, true },
	{ 0x9f000,	0xa0000,	X86_MEMTYPE_UC, false },	/* RAM, reserved */
	{ 0xa0000,	0xf0000,	X86_MEMTYPE_UC, true },		/* hole */
	{ 0xf0000,	0x100000,	X86_MEMTYPE_UC, true },		/* reserved */
	{ 0,		SZ_2M,		X86_MEMTYPE_UC, false },
	{ SZ_2M,	SZ_1G,		X86_MEMTYPE_WB, true },
	{ 0x7fe00000,	SZ_2G,		X86_MEMTYPE_WB, true },	/* RAM, ACPI, NVS */
	{ SZ_1G,	SZ_2G + SZ_4K,	X86_MEMTYPE_UC, false },
	{ SZ_2G,	3ULL * SZ_1G,	X86_MEMTYPE_UC, true },
	{ 0xfffc0000,	SZ_4G,		X86_MEMTYPE_UC, true },
	{ SZ_4G,	6ULL * SZ_1G,	X86_MEMTYPE_WB, true },		/* RAM, PMEM */
	{ 6ULL * SZ_1G,	7ULL * SZ_1G,	X86_MEMTYPE_UC, true },
};

static void lvd_memtype_e820_rules(struct kunit *test)
{
	const struct lvd_memtype_case *c;
	unsigned int i;
	bool uniform;
	u8 type;

	for (i = 0; i < ARRAY_SIZE(lvd_memtype_e820_cases); i++) {
		c = &lvd_memtype_e820_cases[i];
		uniform = !c->uniform;
		type = lvd_e820_memtype(lvd_memtype_e820,
					ARRAY_SIZE(lvd_memtype_e820), c->start,
					c->end, &uniform);
		KUNIT_EXPECT_EQ_MSG(test, type, c->type, "[%#llx, %#llx)",
				    c->start, c->end);
		KUNIT_EXPECT_EQ_MSG(test, uniform, c->uniform,
				    "[%#llx, %#llx)", c->start, c->end);
	}
}

/* The kernel's own memory is write-back, the local APIC uncacheable. */
static void lvd_memtype_of_this_machine(struct kunit *test)
{
	u64 text = __pa_symbol(_text) & PAGE_MASK;
	u64 apic = APIC_DEFAULT_PHYS_BASE;
	bool uniform = false;

	KUNIT_EXPECT_EQ(test, lvd_kernel_memtype(NULL, text, text + SZ_4K,
						 &uniform), X86_MEMTYPE_WB);
	KUNIT_EXPECT_TRUE(test, uniform);
	uniform = false;
	KUNIT_EXPECT_EQ(test, lvd_e820_memtype(e820_table_firmware->entries,
					       e820_table_firmware->nr_entries,
					       text, text + SZ_4K, &uniform),
			X86_MEMTYPE_WB);
	KUNIT_EXPECT_TRUE(test, uniform);
	uniform = false;
	KUNIT_EXPECT_EQ(test, lvd_kernel_memtype(NULL, apic, apic + SZ_4K,
						 &uniform), X86_MEMTYPE_UC);
	KUNIT_EXPECT_TRUE(test, uniform);
}

/* The MTRRs are known exactly when the kernel has MTRR support and the CPU MTRRs. */
static void lvd_memtype_mtrrs_known(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lvd_memtype_from_mtrrs(),
			IS_ENABLED(CONFIG_MTRR) &&
			cpu_feature_enabled(X86_FEATURE_MTRR));
}

static void lvd_memtype_phys_end_covers_e820(struct kunit *test)
{
	u64 end = lvd_kernel_phys_end();
	const struct e820_entry *e;
	u32 i;

	KUNIT_EXPECT_GE(test, end, SZ_4G);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(end, SZ_1G));
	KUNIT_EXPECT_LE(test, end, LVD_EPT_GPA_LIMIT);
	KUNIT_EXPECT_LE(test, end, BIT_ULL(boot_cpu_data.x86_phys_bits));
	for (i = 0; i < e820_table_firmware->nr_entries; i++) {
		e = &e820_table_firmware->entries[i];
		KUNIT_EXPECT_LE_MSG(test, e->addr + e->size, end,
				    "e820 entry %u", i);
	}
}

static struct kunit_case lvd_memtype_test_cases[] = {
	KUNIT_CASE(lvd_memtype_e820_rules),
	KUNIT_CASE(lvd_memtype_of_this_machine),
	KUNIT_CASE(lvd_memtype_mtrrs_known),
	KUNIT_CASE(lvd_memtype_phys_end_covers_e820),
	{}
};

static struct kunit_suite lvd_memtype_test_suite = {
	.name = "lvd_memtype",
	.test_cases = lvd_memtype_test_cases,
};

kunit_test_suite(lvd_memtype_test_suite);

MODULE_DESCRIPTION("KUnit tests for the memory types of LVD's kernel EPT");
MODULE_LICENSE("GPL");
