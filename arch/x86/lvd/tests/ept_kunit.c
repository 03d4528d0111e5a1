// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the EPT builder.
 *
 * Table pages come from the page allocator through an allocator that
 * counts them and can be told to fail; memory types come from a fake
 * physical address layout with the features of a real one.
 */

#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <asm/apicdef.h>
#include <asm/e820/api.h>
#include <asm/msr-index.h>
#include <asm/page.h>
#include <asm/sections.h>
#include <asm/vmx.h>

#include "root/ept.h"
#include "hv/memtype.h"

#define EPT_R		VMX_EPT_READABLE_MASK
#define EPT_RW		(VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK)
#define EPT_RWX		VMX_EPT_RWX_MASK
#define EPT_LARGE	BIT_ULL(7)	/* bit 7 of a PDPTE or PDE: 1G or 2M page */

/**
 * struct ept_test - an EPT under test and its allocator
 * @ept:	the EPT
 * @allocs:	pages the allocator handed out
 * @frees:	pages it took back
 * @bad_frees:	pages it took back with a wrong physical address
 * @fail_after:	allocations that still succeed, the rest fail; < 0: none fail
 */
struct ept_test {
	struct lvd_ept ept;
	unsigned long allocs;
	unsigned long frees;
	unsigned long bad_frees;
	long fail_after;
};

static void *ept_test_alloc_page(void *ctx, phys_addr_t *pa)
{
	struct ept_test *t = ctx;
	unsigned long va;

	if (!t->fail_after)
		return NULL;
	va = __get_free_page(GFP_KERNEL | __GFP_ZERO);
	if (!va)
		return NULL;
	if (t->fail_after > 0)
		t->fail_after--;
	t->allocs++;
	*pa = __pa(va);
	return (void *)va;
}

static void ept_test_free_page(void *ctx, void *va, phys_addr_t pa)
{
	struct ept_test *t = ctx;

	t->frees++;
	if (pa != __pa(va))
		t->bad_frees++;
	free_page((unsigned long)va);
}

static void ept_test_cleanup(void *ctx)
{
	struct ept_test *t = ctx;

	lvd_ept_destroy(&t->ept);
}

/* A new empty EPT, destroyed when the test ends. */
static struct ept_test *ept_test_new(struct kunit *test, bool large_2m,
				     bool large_1g)
{
	struct lvd_ept_alloc alloc = {
		.alloc_page = ept_test_alloc_page,
		.free_page = ept_test_free_page,
	};
	struct ept_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->fail_after = -1;
	alloc.ctx = t;
	KUNIT_ASSERT_EQ(test, lvd_ept_init(&t->ept, &alloc, large_2m, large_1g),
			0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ept_test_cleanup,
							t), 0);
	return t;
}

/* Destroy the EPT and check that every table page went back. */
static void ept_test_destroy(struct kunit *test, struct ept_test *t)
{
	KUNIT_EXPECT_EQ(test, t->allocs - t->frees, t->ept.nr_tables);
	lvd_ept_destroy(&t->ept);
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, 0);
	KUNIT_EXPECT_NULL(test, t->ept.pml4);
	KUNIT_EXPECT_GT(test, t->allocs, 0);
	KUNIT_EXPECT_EQ(test, t->frees, t->allocs);
	KUNIT_EXPECT_EQ(test, t->bad_frees, 0);
}

/*
 * The fake layout: low RAM, the legacy hole, RAM up to the I/O APIC, the
 * MMIO below 4 GiB, and RAM above 4 GiB that ends off a 2M boundary.
 */
struct ept_test_range {
	u64 start;
	u64 end;
	u8 type;
};

#define RAM_HIGH_END	(5ULL * SZ_1G + SZ_2M + SZ_4K)
#define LAYOUT_END	(6ULL * SZ_1G)

static const struct ept_test_range ept_test_layout[] = {
	{ 0,		0xa0000,	X86_MEMTYPE_WB },
	{ 0xa0000,	0x100000,	X86_MEMTYPE_UC },
	{ 0x100000,	0xfec00000,	X86_MEMTYPE_WB },
	{ 0xfec00000,	SZ_4G,		X86_MEMTYPE_UC },
	{ SZ_4G,	RAM_HIGH_END,	X86_MEMTYPE_WB },
	{ RAM_HIGH_END, LVD_EPT_GPA_LIMIT, X86_MEMTYPE_UC },
};

static u8 ept_test_type_at(u64 addr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ept_test_layout); i++) {
		if (addr >= ept_test_layout[i].start &&
		    addr < ept_test_layout[i].end)
			return ept_test_layout[i].type;
	}
	return X86_MEMTYPE_UC;
}

/* Memory type callback over the fake layout; UC where types mix. */
static u8 ept_test_memtype(void *ctx, u64 start, u64 end, bool *uniform)
{
	const struct ept_test_range *r;
	u8 type = ept_test_type_at(start);
	unsigned int i;

	*uniform = true;
	for (i = 0; i < ARRAY_SIZE(ept_test_layout); i++) {
		r = &ept_test_layout[i];
		if (r->start < end && r->end > start && r->type != type)
			*uniform = false;
	}
	return *uniform ? type : X86_MEMTYPE_UC;
}

/* A memory type callback that answers a reserved type above 1 GiB. */
static u8 ept_test_bad_memtype(void *ctx, u64 start, u64 end, bool *uniform)
{
	*uniform = true;
	return start >= SZ_1G ? 2 : X86_MEMTYPE_WB;
}

/* What a guest-physical address translates to. */
struct ept_test_xlate {
	u64 hpa;
	u64 prot;
	u8 memtype;
	int level;	/* 0: not mapped */
};

static struct ept_test_xlate ept_test_translate(struct ept_test *t, u64 gpa)
{
	struct ept_test_xlate x = {};
	u64 entry = lvd_ept_lookup(&t->ept, gpa, &x.level);

	if (entry) {
		x.hpa = lvd_ept_entry_hpa(entry) +
			(gpa & (lvd_ept_level_size(x.level) - 1));
		x.prot = lvd_ept_entry_prot(entry);
		x.memtype = lvd_ept_entry_memtype(entry);
	}
	return x;
}

/* Check that @gpa is mapped at @level to @hpa with @prot and @memtype. */
static void ept_test_expect(struct kunit *test, struct ept_test *t, u64 gpa,
			    int level, u64 hpa, u64 prot, u8 memtype)
{
	int got_level = -1;
	u64 entry = lvd_ept_lookup(&t->ept, gpa, &got_level);
	struct ept_test_xlate x = ept_test_translate(t, gpa);

	KUNIT_EXPECT_EQ_MSG(test, got_level, level, "gpa %#llx", gpa);
	if (!level) {
		KUNIT_EXPECT_EQ_MSG(test, entry, 0, "gpa %#llx", gpa);
		return;
	}
	KUNIT_EXPECT_EQ_MSG(test, x.hpa, hpa, "gpa %#llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, x.prot, prot, "gpa %#llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, x.memtype, memtype, "gpa %#llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, !!(entry & EPT_LARGE), level > 1,
			    "gpa %#llx", gpa);
	KUNIT_EXPECT_TRUE_MSG(test, entry & LVD_EPT_MAPPED, "gpa %#llx", gpa);
	KUNIT_EXPECT_FALSE_MSG(test, entry & VMX_EPT_IPAT_BIT, "gpa %#llx",
			       gpa);
}

/* Identity maps of the fake layout, with each choice of page sizes. */
struct ept_test_identity_case {
	const char *desc;
	bool large_2m;
	bool large_1g;
	u64 end;
	unsigned long tables;
	unsigned int column;	/* of ept_test_probe.level */
};

static const struct ept_test_identity_case ept_test_identity_cases[] = {
	/* PML4, PDPT, PDs of GiB 0, 3 and 5, PTs of 0 and 5G + 2M */
	{ "2M and 1G pages", true, true, LAYOUT_END, 7, 0 },
	/* PML4, PDPT, a PD per GiB, the same two PTs */
	{ "2M pages, no 1G", true, false, LAYOUT_END, 10, 1 },
	/* PML4, PDPT, PD, 4 PTs */
	{ "4K pages only", false, false, 4 * SZ_2M, 7, 2 },
};

KUNIT_ARRAY_PARAM_DESC(ept_test_identity, ept_test_identity_cases, desc);

/* An address, its memory type, and the level that maps it in each case. */
struct ept_test_probe {
	u64 gpa;
	u8 type;
	int level[ARRAY_SIZE(ept_test_identity_cases)];
};

#define PROBE(_gpa, _type, _l0, _l1, _l2) \
	{ .gpa = _gpa, .type = X86_MEMTYPE_##_type, .level = { _l0, _l1, _l2 } }

static const struct ept_test_probe ept_test_probes[] = {
	PROBE(0,				WB, 1, 1, 1),
	PROBE(0x9f000,				WB, 1, 1, 1),
	PROBE(0xa0000,				UC, 1, 1, 1),
	PROBE(0xff000,				UC, 1, 1, 1),
	PROBE(0x100000,				WB, 1, 1, 1),
	PROBE(0x1ff000,				WB, 1, 1, 1),
	PROBE(0x200000,				WB, 2, 2, 1),
	PROBE(0x7ff000,				WB, 2, 2, 1),
	PROBE(0x800000,				WB, 2, 2, 0),
	PROBE(SZ_1G - SZ_4K,			WB, 2, 2, 0),
	PROBE(SZ_1G,				WB, 3, 2, 0),
	PROBE(2ULL * SZ_1G + 0x123000,		WB, 3, 2, 0),
	PROBE(3ULL * SZ_1G,			WB, 2, 2, 0),
	PROBE(0xfebff000,			WB, 2, 2, 0),
	PROBE(0xfec00000,			UC, 2, 2, 0),
	PROBE(0xfee00000,			UC, 2, 2, 0),
	PROBE(SZ_4G - SZ_4K,			UC, 2, 2, 0),
	PROBE(SZ_4G,				WB, 3, 2, 0),
	PROBE(5ULL * SZ_1G,			WB, 2, 2, 0),
	PROBE(5ULL * SZ_1G + SZ_2M,		WB, 1, 1, 0),
	PROBE(RAM_HIGH_END,			UC, 1, 1, 0),
	PROBE(5ULL * SZ_1G + SZ_4M - SZ_4K,	UC, 1, 1, 0),
	PROBE(5ULL * SZ_1G + SZ_4M,		UC, 2, 2, 0),
	PROBE(LAYOUT_END - SZ_4K,		UC, 2, 2, 0),
	PROBE(LAYOUT_END,			UC, 0, 0, 0),
};

static void lvd_ept_identity_map_of_mixed_layout(struct kunit *test)
{
	const struct ept_test_identity_case *c = test->param_value;
	struct ept_test *t = ept_test_new(test, c->large_2m, c->large_1g);
	const struct ept_test_probe *p;
	struct ept_test_xlate x;
	unsigned int i;
	u64 gpa, last;

	KUNIT_ASSERT_EQ(test, lvd_ept_map_identity(&t->ept, c->end,
						   ept_test_memtype, NULL,
						   EPT_RWX), 0);
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, c->tables);
	KUNIT_EXPECT_EQ(test, t->allocs, c->tables);

	for (i = 0; i < ARRAY_SIZE(ept_test_probes); i++) {
		p = &ept_test_probes[i];
		ept_test_expect(test, t, p->gpa, p->level[c->column], p->gpa,
				EPT_RWX, p->type);
	}

	/* The first and last 4K of every 2M map to themselves. */
	for (gpa = 0; gpa < c->end; gpa += SZ_2M) {
		last = gpa + SZ_2M - SZ_4K;
		x = ept_test_translate(t, gpa);
		KUNIT_EXPECT_EQ_MSG(test, x.hpa, gpa, "gpa %#llx", gpa);
		KUNIT_EXPECT_EQ_MSG(test, x.memtype, ept_test_type_at(gpa),
				    "gpa %#llx", gpa);
		x = ept_test_translate(t, last);
		KUNIT_EXPECT_EQ_MSG(test, x.hpa, last, "gpa %#llx", last);
		KUNIT_EXPECT_EQ_MSG(test, x.memtype, ept_test_type_at(last),
				    "gpa %#llx", last);
	}
	ept_test_destroy(test, t);
}

/* Check that @gpa maps to itself with the type the kernel EPT gives it. */
static void ept_test_expect_kernel_identity(struct kunit *test,
					    struct ept_test *t, u64 gpa)
{
	struct ept_test_xlate x = ept_test_translate(t, gpa);
	bool uniform;

	KUNIT_EXPECT_NE_MSG(test, x.level, 0, "gpa %#llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, x.hpa, gpa, "gpa %#llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, x.memtype,
			    lvd_kernel_memtype(NULL, gpa, gpa + SZ_4K, &uniform),
			    "gpa %#llx", gpa);
}

/* The kernel EPT of the machine the tests run on, as the hypervisor makes it. */
static void lvd_ept_identity_map_of_this_machine(struct kunit *test)
{
	struct ept_test *t = ept_test_new(test, true, true);
	u64 text = __pa_symbol(_text) & PAGE_MASK;
	u64 end = lvd_kernel_phys_end();
	const struct e820_entry *e;
	u32 i;

	KUNIT_ASSERT_EQ(test, lvd_ept_map_identity(&t->ept, end,
						   lvd_kernel_memtype, NULL,
						   EPT_RWX), 0);
	kunit_info(test, "[0, %#llx) in %lu table pages, types from %s\n", end,
		   t->ept.nr_tables, lvd_memtype_from_mtrrs() ? "MTRRs" : "e820");
	ept_test_expect(test, t, end, 0, 0, 0, 0);
	ept_test_expect_kernel_identity(test, t, end - SZ_4K);
	ept_test_expect_kernel_identity(test, t, text);
	KUNIT_EXPECT_EQ(test, ept_test_translate(t, text).memtype,
			X86_MEMTYPE_WB);
	KUNIT_EXPECT_EQ(test,
			ept_test_translate(t, APIC_DEFAULT_PHYS_BASE).memtype,
			X86_MEMTYPE_UC);
	for (i = 0; i < e820_table_firmware->nr_entries; i++) {
		e = &e820_table_firmware->entries[i];
		ept_test_expect_kernel_identity(test, t,
						ALIGN_DOWN(e->addr, SZ_4K));
		ept_test_expect_kernel_identity(test, t,
						ALIGN_DOWN(e->addr + e->size - 1,
							   SZ_4K));
	}
	ept_test_destroy(test, t);
}

static void lvd_ept_map_uses_largest_pages(struct kunit *test)
{
	struct ept_test *t = ept_test_new(test, true, true);
	u64 hpa = 8ULL * SZ_1G;

	KUNIT_ASSERT_EQ(test, lvd_ept_map(&t->ept, SZ_1G, hpa,
					  SZ_1G + SZ_2M + SZ_4K, EPT_RW,
					  X86_MEMTYPE_WB), 0);
	ept_test_expect(test, t, SZ_1G, 3, hpa, EPT_RW, X86_MEMTYPE_WB);
	ept_test_expect(test, t, 2ULL * SZ_1G - SZ_4K, 3, hpa + SZ_1G - SZ_4K,
			EPT_RW, X86_MEMTYPE_WB);
	ept_test_expect(test, t, 2ULL * SZ_1G, 2, hpa + SZ_1G, EPT_RW,
			X86_MEMTYPE_WB);
	ept_test_expect(test, t, 2ULL * SZ_1G + SZ_2M, 1, hpa + SZ_1G + SZ_2M,
			EPT_RW, X86_MEMTYPE_WB);
	ept_test_expect(test, t, 2ULL * SZ_1G + SZ_2M + SZ_4K, 0, 0, 0, 0);
	ept_test_expect(test, t, SZ_1G - SZ_4K, 0, 0, 0, 0);
	/* PML4, PDPT, PD, PT */
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, 4);

	/* 2M-aligned guest, 4K-aligned host: 4K pages only. */
	KUNIT_ASSERT_EQ(test, lvd_ept_map(&t->ept, 64ULL * SZ_1G, hpa + SZ_4K,
					  SZ_4M, EPT_R, X86_MEMTYPE_WT), 0);
	ept_test_expect(test, t, 64ULL * SZ_1G, 1, hpa + SZ_4K, EPT_R,
			X86_MEMTYPE_WT);
	ept_test_expect(test, t, 64ULL * SZ_1G + SZ_2M, 1, hpa + SZ_2M + SZ_4K,
			EPT_R, X86_MEMTYPE_WT);
	ept_test_expect(test, t, 64ULL * SZ_1G + SZ_4M - SZ_4K, 1, hpa + SZ_4M,
			EPT_R, X86_MEMTYPE_WT);
	ept_test_expect(test, t, 64ULL * SZ_1G + SZ_4M, 0, 0, 0, 0);
	/* and a PD with two PTs */
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, 7);
	ept_test_destroy(test, t);
}

static void lvd_ept_map_1g_pages_without_2m(struct kunit *test)
{
	struct ept_test *t = ept_test_new(test, false, true);

	KUNIT_ASSERT_EQ(test, lvd_ept_map(&t->ept, SZ_1G, SZ_1G, SZ_1G + SZ_2M,
					  EPT_RWX, X86_MEMTYPE_WB), 0);
	ept_test_expect(test, t, SZ_1G, 3, SZ_1G, EPT_RWX, X86_MEMTYPE_WB);
	ept_test_expect(test, t, 2ULL * SZ_1G, 1, 2ULL * SZ_1G, EPT_RWX,
			X86_MEMTYPE_WB);
	ept_test_expect(test, t, 2ULL * SZ_1G + SZ_2M - SZ_4K, 1,
			2ULL * SZ_1G + SZ_2M - SZ_4K, EPT_RWX, X86_MEMTYPE_WB);
	ept_test_expect(test, t, 2ULL * SZ_1G + SZ_2M, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, 4);
	ept_test_destroy(test, t);
}

static void lvd_ept_map_replaces_and_frees(struct kunit *test)
{
	struct ept_test *t = ept_test_new(test, true, true);
	u64 gpa = SZ_1G + 5 * SZ_4K;

	KUNIT_ASSERT_EQ(test, lvd_ept_map(&t->ept, SZ_1G, SZ_1G, SZ_1G,
					  EPT_RWX, X86_MEMTYPE_WB), 0);
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, 2);

	/* One 4K page elsewhere: the 1G page splits down to 4K around it. */
	KUNIT_ASSERT_EQ(test, lvd_ept_map(&t->ept, gpa, 32ULL * SZ_1G, SZ_4K,
					  EPT_R, X86_MEMTYPE_UC), 0);
	ept_test_expect(test, t, gpa, 1, 32ULL * SZ_1G, EPT_R, X86_MEMTYPE_UC);
	ept_test_expect(test, t, gpa - SZ_4K, 1, gpa - SZ_4K, EPT_RWX,
			X86_MEMTYPE_WB);
	ept_test_expect(test, t, gpa + SZ_4K, 1, gpa + SZ_4K, EPT_RWX,
			X86_MEMTYPE_WB);
	ept_test_expect(test, t, SZ_1G + SZ_2M, 2, SZ_1G + SZ_2M, EPT_RWX,
			X86_MEMTYPE_WB);
	ept_test_expect(test, t, 2ULL * SZ_1G - SZ_4K, 2, 2ULL * SZ_1G - SZ_4K,
			EPT_RWX, X86_MEMTYPE_WB);
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, 4);

	/* The 1G page again: the PD and PT under it are freed. */
	KUNIT_ASSERT_EQ(test, lvd_ept_map(&t->ept, SZ_1G, SZ_1G, SZ_1G,
					  EPT_RWX, X86_MEMTYPE_WB), 0);
	ept_test_expect(test, t, gpa, 3, gpa, EPT_RWX, X86_MEMTYPE_WB);
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, 2);
	KUNIT_EXPECT_EQ(test, t->frees, 2);
	ept_test_destroy(test, t);
}

static void lvd_ept_protect_splits_1g_down_to_4k(struct kunit *test)
{
	struct ept_test *t = ept_test_new(test, true, true);
	u64 gpa = SZ_1G + 0x123000;

	KUNIT_ASSERT_EQ(test, lvd_ept_map(&t->ept, SZ_1G, SZ_1G, SZ_1G,
					  EPT_RWX, X86_MEMTYPE_WT), 0);
	KUNIT_ASSERT_EQ(test, lvd_ept_protect(&t->ept, gpa, SZ_4K, EPT_R), 0);
	ept_test_expect(test, t, gpa, 1, gpa, EPT_R, X86_MEMTYPE_WT);
	ept_test_expect(test, t, gpa - SZ_4K, 1, gpa - SZ_4K, EPT_RWX,
			X86_MEMTYPE_WT);
	ept_test_expect(test, t, gpa + SZ_4K, 1, gpa + SZ_4K, EPT_RWX,
			X86_MEMTYPE_WT);
	ept_test_expect(test, t, SZ_1G, 1, SZ_1G, EPT_RWX, X86_MEMTYPE_WT);
	ept_test_expect(test, t, SZ_1G + SZ_2M - SZ_4K, 1,
			SZ_1G + SZ_2M - SZ_4K, EPT_RWX, X86_MEMTYPE_WT);
	ept_test_expect(test, t, SZ_1G + SZ_2M, 2, SZ_1G + SZ_2M, EPT_RWX,
			X86_MEMTYPE_WT);
	ept_test_expect(test, t, 2ULL * SZ_1G - SZ_4K, 2, 2ULL * SZ_1G - SZ_4K,
			EPT_RWX, X86_MEMTYPE_WT);
	ept_test_expect(test, t, 2ULL * SZ_1G, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, 4);

	/* A whole 2M page changes in place. */
	KUNIT_ASSERT_EQ(test, lvd_ept_protect(&t->ept, SZ_1G + SZ_4M, SZ_2M,
					      EPT_R), 0);
	ept_test_expect(test, t, SZ_1G + SZ_4M, 2, SZ_1G + SZ_4M, EPT_R,
			X86_MEMTYPE_WT);
	ept_test_expect(test, t, SZ_1G + SZ_4M + SZ_2M, 2,
			SZ_1G + SZ_4M + SZ_2M, EPT_RWX, X86_MEMTYPE_WT);
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, 4);
	ept_test_destroy(test, t);
}

static void lvd_ept_protect_none_keeps_address_and_type(struct kunit *test)
{
	struct ept_test *t = ept_test_new(test, true, true);
	u64 hpa = 6ULL * SZ_1G;
	int level = -1;

	KUNIT_ASSERT_EQ(test, lvd_ept_map(&t->ept, SZ_2M, hpa, SZ_2M, EPT_RWX,
					  X86_MEMTYPE_WC), 0);
	KUNIT_ASSERT_EQ(test, lvd_ept_protect(&t->ept, SZ_2M, SZ_2M, 0), 0);
	ept_test_expect(test, t, SZ_2M + SZ_4K, 2, hpa + SZ_4K, 0,
			X86_MEMTYPE_WC);

	/* Access back to one 4K page: a split of a not-present 2M page. */
	KUNIT_ASSERT_EQ(test, lvd_ept_protect(&t->ept, SZ_2M + SZ_4K, SZ_4K,
					      EPT_R), 0);
	ept_test_expect(test, t, SZ_2M + SZ_4K, 1, hpa + SZ_4K, EPT_R,
			X86_MEMTYPE_WC);
	ept_test_expect(test, t, SZ_2M, 1, hpa, 0, X86_MEMTYPE_WC);
	KUNIT_ASSERT_EQ(test, lvd_ept_protect(&t->ept, SZ_2M, SZ_2M, EPT_RWX),
			0);
	ept_test_expect(test, t, SZ_2M, 1, hpa, EPT_RWX, X86_MEMTYPE_WC);
	ept_test_expect(test, t, SZ_4M - SZ_4K, 1, hpa + SZ_2M - SZ_4K,
			EPT_RWX, X86_MEMTYPE_WC);

	/* Page 0, uncacheable, with no access, is still told from unmapped. */
	KUNIT_ASSERT_EQ(test, lvd_ept_map(&t->ept, 0, 0, SZ_4K, EPT_RWX,
					  X86_MEMTYPE_UC), 0);
	KUNIT_ASSERT_EQ(test, lvd_ept_protect(&t->ept, 0, SZ_4K, 0), 0);
	KUNIT_EXPECT_EQ(test, lvd_ept_lookup(&t->ept, 0, &level),
			LVD_EPT_MAPPED);
	KUNIT_EXPECT_EQ(test, level, 1);
	ept_test_destroy(test, t);
}

static void lvd_ept_protect_leaves_unmapped_alone(struct kunit *test)
{
	struct ept_test *t = ept_test_new(test, true, true);

	KUNIT_ASSERT_EQ(test, lvd_ept_map(&t->ept, SZ_1G, SZ_1G, SZ_2M,
					  EPT_RWX, X86_MEMTYPE_WB), 0);
	KUNIT_ASSERT_EQ(test, t->allocs, 3);
	KUNIT_ASSERT_EQ(test, lvd_ept_protect(&t->ept, 0, SZ_4G, EPT_R), 0);
	ept_test_expect(test, t, SZ_1G, 2, SZ_1G, EPT_R, X86_MEMTYPE_WB);
	ept_test_expect(test, t, 0, 0, 0, 0, 0);
	ept_test_expect(test, t, SZ_1G - SZ_4K, 0, 0, 0, 0);
	ept_test_expect(test, t, SZ_1G + SZ_2M, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, t->allocs, 3);
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, 3);
	ept_test_destroy(test, t);
}

static void lvd_ept_unmap_splits_and_frees(struct kunit *test)
{
	struct ept_test *t = ept_test_new(test, true, true);
	u64 gpa = SZ_1G + SZ_2M + SZ_4K;

	KUNIT_ASSERT_EQ(test, lvd_ept_map(&t->ept, SZ_1G, SZ_1G, SZ_1G,
					  EPT_RWX, X86_MEMTYPE_WB), 0);
	KUNIT_ASSERT_EQ(test, lvd_ept_unmap(&t->ept, gpa, SZ_4K), 0);
	ept_test_expect(test, t, gpa, 0, 0, 0, 0);
	ept_test_expect(test, t, gpa - SZ_4K, 1, gpa - SZ_4K, EPT_RWX,
			X86_MEMTYPE_WB);
	ept_test_expect(test, t, gpa + SZ_4K, 1, gpa + SZ_4K, EPT_RWX,
			X86_MEMTYPE_WB);
	ept_test_expect(test, t, SZ_1G, 2, SZ_1G, EPT_RWX, X86_MEMTYPE_WB);
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, 4);

	/* Across two 2M pages: both split. */
	KUNIT_ASSERT_EQ(test, lvd_ept_unmap(&t->ept, SZ_1G + SZ_8M - SZ_4K,
					    2 * SZ_4K), 0);
	ept_test_expect(test, t, SZ_1G + SZ_8M - 2 * SZ_4K, 1,
			SZ_1G + SZ_8M - 2 * SZ_4K, EPT_RWX, X86_MEMTYPE_WB);
	ept_test_expect(test, t, SZ_1G + SZ_8M - SZ_4K, 0, 0, 0, 0);
	ept_test_expect(test, t, SZ_1G + SZ_8M, 0, 0, 0, 0);
	ept_test_expect(test, t, SZ_1G + SZ_8M + SZ_4K, 1,
			SZ_1G + SZ_8M + SZ_4K, EPT_RWX, X86_MEMTYPE_WB);
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, 6);

	/* Nothing mapped there: nothing to do, nothing allocated. */
	KUNIT_ASSERT_EQ(test, lvd_ept_unmap(&t->ept, 100ULL * SZ_1G, SZ_1G), 0);
	KUNIT_EXPECT_EQ(test, t->allocs, 6);

	/* All of it: every table but the PML4 is freed. */
	KUNIT_ASSERT_EQ(test, lvd_ept_unmap(&t->ept, SZ_1G, SZ_1G), 0);
	ept_test_expect(test, t, SZ_1G, 0, 0, 0, 0);
	ept_test_expect(test, t, SZ_1G + SZ_8M + SZ_4K, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, 1);
	KUNIT_EXPECT_EQ(test, t->frees, t->allocs - 1);
	ept_test_destroy(test, t);
}

static void ept_test_expect_unmapped(struct kunit *test, struct ept_test *t)
{
	static const u64 gpas[] = {
		0, SZ_2M - SZ_4K, SZ_2M + SZ_4K, SZ_2M + SZ_1G,
		LVD_EPT_GPA_LIMIT - SZ_4K, LVD_EPT_GPA_LIMIT, U64_MAX,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gpas); i++)
		ept_test_expect(test, t, gpas[i], 0, 0, 0, 0);
}

static void lvd_ept_lookup_of_unmapped(struct kunit *test)
{
	struct ept_test *t = ept_test_new(test, true, true);

	ept_test_expect_unmapped(test, t);
	/* A 4K page in the middle: its neighbours stay unmapped. */
	KUNIT_ASSERT_EQ(test, lvd_ept_map(&t->ept, SZ_2M, SZ_2M, SZ_4K, EPT_R,
					  X86_MEMTYPE_WB), 0);
	ept_test_expect(test, t, SZ_2M, 1, SZ_2M, EPT_R, X86_MEMTYPE_WB);
	ept_test_expect_unmapped(test, t);
	ept_test_destroy(test, t);
}

static void lvd_ept_eptp_format(struct kunit *test)
{
	struct ept_test *t = ept_test_new(test, true, true);
	u64 eptp = lvd_ept_eptp(&t->ept);

	KUNIT_EXPECT_EQ(test, t->ept.pml4_pa, __pa(t->ept.pml4));
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(t->ept.pml4_pa));
	/* Bits 2:0 WB (6), bits 5:3 walk length - 1 (3), bit 6 A/D off. */
	KUNIT_EXPECT_EQ(test, eptp, t->ept.pml4_pa | 0x1e);
	KUNIT_EXPECT_EQ(test, eptp & VMX_EPTP_MT_MASK, VMX_EPTP_MT_WB);
	KUNIT_EXPECT_EQ(test, eptp & VMX_EPTP_PWL_MASK, VMX_EPTP_PWL_4);
	KUNIT_EXPECT_FALSE(test, eptp & VMX_EPTP_AD_ENABLE_BIT);
	ept_test_destroy(test, t);
}

/* Changes that need table pages, made with too few of them. */
struct ept_test_enomem_case {
	const char *desc;
	int (*change)(struct lvd_ept *ept);
	bool on_empty;		/* made on an empty EPT, not the identity map */
	unsigned int allocs;	/* table pages the change needs */
	bool splits;		/* a failed change may leave pages split */
	u64 gpa;		/* where a successful change maps ... */
	int level;		/* ... a page of this level (0: unmaps it) */
	u64 hpa;
	u64 prot;
	u8 memtype;
};

static int ept_test_map_in_1g(struct lvd_ept *ept)
{
	return lvd_ept_map(ept, SZ_1G + SZ_4K, 16ULL * SZ_1G + SZ_4K, SZ_4M,
			   EPT_RW, X86_MEMTYPE_UC);
}

static int ept_test_map_across_pml4e(struct lvd_ept *ept)
{
	return lvd_ept_map(ept, 512ULL * SZ_1G - SZ_2M, SZ_2M, SZ_4M, EPT_RW,
			   X86_MEMTYPE_WB);
}

static int ept_test_protect_in_1g(struct lvd_ept *ept)
{
	return lvd_ept_protect(ept, 2ULL * SZ_1G + SZ_4K, SZ_4K, EPT_R);
}

static int ept_test_unmap_in_1g(struct lvd_ept *ept)
{
	return lvd_ept_unmap(ept, SZ_4G + SZ_2M + SZ_4K, SZ_4K);
}

static int ept_test_map_identity(struct lvd_ept *ept)
{
	return lvd_ept_map_identity(ept, LAYOUT_END, ept_test_memtype, NULL,
				    EPT_RWX);
}

static const struct ept_test_enomem_case ept_test_enomem_cases[] = {
	{ "map into a 1G page", ept_test_map_in_1g, false, 3, true,
	  SZ_1G + SZ_4K, 1, 16ULL * SZ_1G + SZ_4K, EPT_RW, X86_MEMTYPE_UC },
	{ "map across a PML4 entry", ept_test_map_across_pml4e, false, 3,
	  false, 512ULL * SZ_1G, 2, SZ_4M, EPT_RW, X86_MEMTYPE_WB },
	{ "protect in a 1G page", ept_test_protect_in_1g, false, 2, true,
	  2ULL * SZ_1G + SZ_4K, 1, 2ULL * SZ_1G + SZ_4K, EPT_R,
	  X86_MEMTYPE_WB },
	{ "unmap in a 1G page", ept_test_unmap_in_1g, false, 2, true,
	  SZ_4G + SZ_2M + SZ_4K, 0, 0, 0, 0 },
	{ "identity map", ept_test_map_identity, true, 6, false,
	  0xa0000, 1, 0xa0000, EPT_RWX, X86_MEMTYPE_UC },
};

KUNIT_ARRAY_PARAM_DESC(ept_test_enomem, ept_test_enomem_cases, desc);

/* Where to compare translations: around every change above. */
struct ept_test_window {
	u64 start;
	u64 end;
	u64 step;
};

static const struct ept_test_window ept_test_windows[] = {
	{ 0,			LAYOUT_END,		SZ_2M },
	{ 0,			SZ_2M,			SZ_4K },
	{ SZ_1G,		SZ_1G + SZ_8M,		SZ_4K },
	{ 2ULL * SZ_1G,		2ULL * SZ_1G + SZ_2M,	SZ_4K },
	{ SZ_4G,		SZ_4G + SZ_4M,		SZ_4K },
	{ 5ULL * SZ_1G + SZ_2M,	5ULL * SZ_1G + SZ_4M,	SZ_4K },
	{ 511ULL * SZ_1G,	513ULL * SZ_1G,		SZ_2M },
};

/* Count the probed addresses that @t translates unlike @ref. */
static unsigned long ept_test_differences(struct ept_test *t,
					  struct ept_test *ref, u64 *first)
{
	const struct ept_test_window *w;
	struct ept_test_xlate a, b;
	unsigned long n = 0;
	unsigned int i;
	u64 gpa;

	for (i = 0; i < ARRAY_SIZE(ept_test_windows); i++) {
		w = &ept_test_windows[i];
		for (gpa = w->start; gpa < w->end; gpa += w->step) {
			a = ept_test_translate(t, gpa);
			b = ept_test_translate(ref, gpa);
			if (!a.level != !b.level || a.hpa != b.hpa ||
			    a.prot != b.prot || a.memtype != b.memtype) {
				if (!n++)
					*first = gpa;
			}
		}
	}
	return n;
}

static struct ept_test *ept_test_start(struct kunit *test, bool on_empty)
{
	struct ept_test *t = ept_test_new(test, true, true);

	if (!on_empty)
		KUNIT_ASSERT_EQ(test, ept_test_map_identity(&t->ept), 0);
	return t;
}

/*
 * Make the change with an allocator that fails after 0, 1, ... pages:
 * each failure must leave every address translating as before; with
 * enough pages the change must succeed.
 */
static void lvd_ept_enomem_changes_nothing(struct kunit *test)
{
	const struct ept_test_enomem_case *c = test->param_value;
	struct ept_test *ref = ept_test_start(test, c->on_empty);
	struct ept_test *t;
	unsigned long diffs;
	u64 first = 0;
	long n;

	for (n = 0; n <= c->allocs; n++) {
		t = ept_test_start(test, c->on_empty);
		t->fail_after = n;
		if (n < c->allocs) {
			KUNIT_EXPECT_EQ_MSG(test, c->change(&t->ept), -ENOMEM,
					    "after %ld pages", n);
			diffs = ept_test_differences(t, ref, &first);
			KUNIT_EXPECT_EQ_MSG(test, diffs, 0,
					    "after %ld pages, first at %#llx",
					    n, first);
			if (!c->splits)
				KUNIT_EXPECT_EQ(test, t->ept.nr_tables,
						ref->ept.nr_tables);
		} else {
			KUNIT_EXPECT_EQ(test, c->change(&t->ept), 0);
			KUNIT_EXPECT_EQ(test, t->fail_after, 0);
			ept_test_expect(test, t, c->gpa, c->level, c->hpa,
					c->prot, c->memtype);
			KUNIT_EXPECT_GT(test, ept_test_differences(t, ref,
								   &first), 0);
		}
		ept_test_destroy(test, t);
	}
	ept_test_destroy(test, ref);
}

static void lvd_ept_init_without_memory(struct kunit *test)
{
	struct ept_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct lvd_ept_alloc alloc = {
		.alloc_page = ept_test_alloc_page,
		.free_page = ept_test_free_page,
		.ctx = t,
	};

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_EQ(test, lvd_ept_init(&t->ept, &alloc, true, true),
			-ENOMEM);
	KUNIT_EXPECT_NULL(test, t->ept.pml4);
	lvd_ept_destroy(&t->ept);
	KUNIT_EXPECT_EQ(test, t->allocs, 0);
	KUNIT_EXPECT_EQ(test, t->frees, 0);

	alloc.free_page = NULL;
	t->fail_after = -1;
	KUNIT_EXPECT_EQ(test, lvd_ept_init(&t->ept, &alloc, true, true),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, t->allocs, 0);
}

static void lvd_ept_rejects_bad_arguments(struct kunit *test)
{
	struct ept_test *t = ept_test_new(test, true, true);
	struct lvd_ept *ept = &t->ept;
	u64 top = LVD_EPT_GPA_LIMIT, hpa_top = LVD_EPT_ADDR_MASK + SZ_4K;
	u8 wb = X86_MEMTYPE_WB;

	/* Unaligned, empty or out of reach. */
	KUNIT_EXPECT_EQ(test, lvd_ept_map(ept, 0x800, 0, SZ_4K, EPT_R, wb),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_map(ept, 0, 0x800, SZ_4K, EPT_R, wb),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_map(ept, 0, 0, 0, EPT_R, wb), -EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_map(ept, 0, 0, 0x800, EPT_R, wb),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_map(ept, top - SZ_4K, 0, 2 * SZ_4K,
					  EPT_R, wb), -EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_map(ept, 0, hpa_top - SZ_4K, 2 * SZ_4K,
					  EPT_R, wb), -EINVAL);
	/* Write without read, and bits that are not access bits. */
	KUNIT_EXPECT_EQ(test, lvd_ept_map(ept, 0, 0, SZ_4K,
					  VMX_EPT_WRITABLE_MASK, wb), -EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_map(ept, 0, 0, SZ_4K,
					  VMX_EPT_WRITABLE_MASK |
					  VMX_EPT_EXECUTABLE_MASK, wb),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_map(ept, 0, 0, SZ_4K,
					  EPT_R | VMX_EPT_IPAT_BIT, wb),
			-EINVAL);
	/* Memory types 2, 3 and 7 are reserved in EPT entries. */
	KUNIT_EXPECT_EQ(test, lvd_ept_map(ept, 0, 0, SZ_4K, EPT_R, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_map(ept, 0, 0, SZ_4K, EPT_R, 3), -EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_map(ept, 0, 0, SZ_4K, EPT_R,
					  X86_MEMTYPE_UC_MINUS), -EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_protect(ept, 0x800, SZ_4K, EPT_R),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_protect(ept, 0, SZ_4K,
					      VMX_EPT_WRITABLE_MASK), -EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_unmap(ept, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_unmap(ept, top, SZ_4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_map_identity(ept, 0x800, ept_test_memtype,
						   NULL, EPT_R), -EINVAL);
	KUNIT_EXPECT_EQ(test, lvd_ept_map_identity(ept, SZ_4G, NULL, NULL,
						   EPT_R), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->allocs, 1);

	/* A reserved type from the callback, after good ones: no change. */
	KUNIT_EXPECT_EQ(test, lvd_ept_map_identity(ept, SZ_4G,
						   ept_test_bad_memtype, NULL,
						   EPT_R), -EINVAL);
	ept_test_expect(test, t, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, t->ept.nr_tables, 1);
	ept_test_destroy(test, t);
}

static void lvd_ept_destroy_frees_every_page(struct kunit *test)
{
	struct ept_test *t = ept_test_new(test, true, true);
	struct lvd_ept *ept = &t->ept;

	KUNIT_ASSERT_EQ(test, ept_test_map_identity(ept), 0);
	KUNIT_ASSERT_EQ(test, lvd_ept_map(ept, 600ULL * SZ_1G, SZ_4K, SZ_8M,
					  EPT_RW, X86_MEMTYPE_WB), 0);
	KUNIT_ASSERT_EQ(test, lvd_ept_protect(ept, SZ_1G, SZ_8M, 0), 0);
	KUNIT_ASSERT_EQ(test, lvd_ept_protect(ept, SZ_1G + SZ_4K, SZ_4K,
					      EPT_R), 0);
	KUNIT_ASSERT_EQ(test, lvd_ept_unmap(ept, SZ_4G + SZ_4K, SZ_4K), 0);
	KUNIT_ASSERT_EQ(test, lvd_ept_map(ept, 0, 0, SZ_1G, EPT_RWX,
					  X86_MEMTYPE_WB), 0);
	KUNIT_EXPECT_GT(test, t->frees, 0);
	KUNIT_EXPECT_GT(test, t->ept.nr_tables, 7);
	ept_test_destroy(test, t);
	/* A second destroy does nothing. */
	lvd_ept_destroy(ept);
	KUNIT_EXPECT_EQ(test, t->frees, t->allocs);
}

static struct kunit_case lvd_ept_test_cases[] = {
	KUNIT_CASE_PARAM(lvd_ept_identity_map_of_mixed_layout,
			 ept_test_identity_gen_params),
	KUNIT_CASE(lvd_ept_identity_map_of_this_machine),
	KUNIT_CASE(lvd_ept_map_uses_largest_pages),
	KUNIT_CASE(lvd_ept_map_1g_pages_without_2m),
	KUNIT_CASE(lvd_ept_map_replaces_and_frees),
	KUNIT_CASE(lvd_ept_protect_splits_1g_down_to_4k),
	KUNIT_CASE(lvd_ept_protect_none_keeps_address_and_type),
	KUNIT_CASE(lvd_ept_protect_leaves_unmapped_alone),
	KUNIT_CASE(lvd_ept_unmap_splits_and_frees),
	KUNIT_CASE(lvd_ept_lookup_of_unmapped),
	KUNIT_CASE(lvd_ept_eptp_format),
	KUNIT_CASE_PARAM(lvd_ept_enomem_changes_nothing,
			 ept_test_enomem_gen_params),
	KUNIT_CASE(lvd_ept_init_without_memory),
	KUNIT_CASE(lvd_ept_rejects_bad_arguments),
	KUNIT_CASE(lvd_ept_destroy_frees_every_page),
	{}
};

static struct kunit_suite lvd_ept_test_suite = {
	.name = "lvd_ept",
	.test_cases = lvd_ept_test_cases,
};

kunit_test_suite(lvd_ept_test_suite);

MODULE_DESCRIPTION("KUnit tests for LVD's EPT builder");
MODULE_LICENSE("GPL");
