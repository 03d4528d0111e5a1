// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for a domain's page tables (domain_pt.c): what a leaf says,
 * which tables a mapping needs, and what is refused.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/pgtable.h>

#include "domain/domain_pt.h"

#define LVD_PT_TEST_VA	0xffff888012345000UL
#define LVD_PT_TEST_PA	0x12345000ULL

static void lvd_pt_test_init(struct kunit *test, struct lvd_pt *pt)
{
	KUNIT_ASSERT_EQ(test, 0, lvd_pt_init(pt));
	KUNIT_EXPECT_EQ(test, 1U, pt->nr_tables);
}

/* A user read-write page: present, user, writable, A and D set, no execute. */
static void lvd_pt_user_data_leaf(struct kunit *test)
{
	struct lvd_pt pt;
	u64 e;

	lvd_pt_test_init(test, &pt);
	KUNIT_ASSERT_EQ(test, 0, lvd_pt_map(&pt, LVD_PT_TEST_VA, LVD_PT_TEST_PA,
					    LVD_PT_USER | LVD_PT_WRITE));
	KUNIT_EXPECT_EQ(test, LVD_PT_TEST_PA + 0x10,
			lvd_pt_lookup(&pt, LVD_PT_TEST_VA + 0x10, &e));
	KUNIT_EXPECT_TRUE(test, e & _PAGE_PRESENT);
	KUNIT_EXPECT_TRUE(test, e & _PAGE_USER);
	KUNIT_EXPECT_TRUE(test, e & _PAGE_RW);
	KUNIT_EXPECT_TRUE(test, e & _PAGE_ACCESSED);
	KUNIT_EXPECT_TRUE(test, e & _PAGE_DIRTY);
	KUNIT_EXPECT_EQ(test, e & _PAGE_NX, _PAGE_NX & __supported_pte_mask);
	KUNIT_EXPECT_FALSE(test, e & _PAGE_GLOBAL);
	/* One table per level below the root */
	KUNIT_EXPECT_EQ(test, pt.levels, pt.nr_tables);
	lvd_pt_destroy(&pt);
	KUNIT_EXPECT_EQ(test, 0U, pt.nr_tables);
}

/* Supervisor code: no user bit, read-only, executable, not dirty. */
static void lvd_pt_supervisor_code_leaf(struct kunit *test)
{
	struct lvd_pt pt;
	u64 e;

	lvd_pt_test_init(test, &pt);
	KUNIT_ASSERT_EQ(test, 0, lvd_pt_map(&pt, LVD_PT_TEST_VA, LVD_PT_TEST_PA,
					    LVD_PT_EXEC));
	lvd_pt_lookup(&pt, LVD_PT_TEST_VA, &e);
	KUNIT_EXPECT_FALSE(test, e & (_PAGE_USER | _PAGE_RW | _PAGE_NX | _PAGE_DIRTY));
	KUNIT_EXPECT_TRUE(test, e & _PAGE_ACCESSED);
	lvd_pt_destroy(&pt);
}

/* The next page shares every table; one 512 GiB away needs new ones. */
static void lvd_pt_tables_are_shared(struct kunit *test)
{
	struct lvd_pt pt;

	lvd_pt_test_init(test, &pt);
	KUNIT_ASSERT_EQ(test, 0, lvd_pt_map(&pt, LVD_PT_TEST_VA, LVD_PT_TEST_PA, 0));
	KUNIT_ASSERT_EQ(test, 0, lvd_pt_map(&pt, LVD_PT_TEST_VA + PAGE_SIZE,
					    LVD_PT_TEST_PA + PAGE_SIZE, 0));
	KUNIT_EXPECT_EQ(test, pt.levels, pt.nr_tables);
	KUNIT_ASSERT_EQ(test, 0, lvd_pt_map(&pt, LVD_PT_TEST_VA + (1UL << 39),
					    LVD_PT_TEST_PA, 0));
	KUNIT_EXPECT_EQ(test, pt.levels + 3, pt.nr_tables);
	lvd_pt_destroy(&pt);
}

/*
 * Mapping a page again the same way changes nothing; mapping it to another
 * page or with other access is refused; bad addresses too. Unmapped
 * addresses look up as -1.
 */
static void lvd_pt_refusals(struct kunit *test)
{
	struct lvd_pt pt;
	u64 e;

	lvd_pt_test_init(test, &pt);
	KUNIT_ASSERT_EQ(test, 0, lvd_pt_map(&pt, LVD_PT_TEST_VA, LVD_PT_TEST_PA,
					    LVD_PT_USER));
	KUNIT_EXPECT_EQ(test, 0, lvd_pt_map(&pt, LVD_PT_TEST_VA, LVD_PT_TEST_PA,
					    LVD_PT_USER));
	KUNIT_EXPECT_EQ(test, -EEXIST, lvd_pt_map(&pt, LVD_PT_TEST_VA,
						  LVD_PT_TEST_PA + PAGE_SIZE,
						  LVD_PT_USER));
	KUNIT_EXPECT_EQ(test, -EEXIST, lvd_pt_map(&pt, LVD_PT_TEST_VA,
						  LVD_PT_TEST_PA,
						  LVD_PT_USER | LVD_PT_WRITE));
	KUNIT_EXPECT_EQ(test, -EINVAL, lvd_pt_map(&pt, LVD_PT_TEST_VA + 8,
						  LVD_PT_TEST_PA, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, lvd_pt_map(&pt, LVD_PT_TEST_VA + PAGE_SIZE,
						  LVD_PT_TEST_PA + 8, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, lvd_pt_map(&pt, 0x8000000000000000UL,
						  LVD_PT_TEST_PA, 0));
	KUNIT_EXPECT_EQ(test, (phys_addr_t)-1,
			lvd_pt_lookup(&pt, LVD_PT_TEST_VA + PAGE_SIZE, &e));
	KUNIT_EXPECT_EQ(test, 0ULL, e);
	lvd_pt_destroy(&pt);
}

static struct kunit_case lvd_pt_test_cases[] = {
	KUNIT_CASE(lvd_pt_user_data_leaf),
	KUNIT_CASE(lvd_pt_supervisor_code_leaf),
	KUNIT_CASE(lvd_pt_tables_are_shared),
	KUNIT_CASE(lvd_pt_refusals),
	{}
};

static struct kunit_suite lvd_pt_test_suite = {
	.name = "lvd_domain_pt",
	.test_cases = lvd_pt_test_cases,
};

kunit_test_suite(lvd_pt_test_suite);

MODULE_DESCRIPTION("KUnit tests for the page tables of LVD's domains");
MODULE_LICENSE("GPL");
