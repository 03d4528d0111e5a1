// SPDX-License-Identifier: GPL-2.0
/*
 * Built isolated with LVD's test driver, this module has one writable
 * section of its own, under a placeholder name that the selftests rewrite
 * in a copy of the module (a name the loader must refuse, or one it
 * allows) before loading it. Its init function writes the section: in a
 * section that is the domain's data the write succeeds; in one the kernel
 * keeps for itself it stops the domain.
 */

#include <linux/module.h>

/* The selftests look for this name (isolated_test.c) */
#define LVD_TEST_SECTION ".lvd_test_section_to_be_renamed_xxxxxxxxx"

static void lvd_ts_touch(void);

/* A word of data and a pointer to code, as the kernel's tables hold */
static unsigned long lvd_ts_word __section(LVD_TEST_SECTION) __used = 0x1d;
static void *lvd_ts_code __section(LVD_TEST_SECTION) __used = lvd_ts_touch;

static noinline void lvd_ts_touch(void)
{
	WRITE_ONCE(lvd_ts_word, READ_ONCE(lvd_ts_word) + 1);
}

static int __init lvd_test_sections_init(void)
{
	lvd_ts_touch();
	return 0;
}
module_init(lvd_test_sections_init);

static void __exit lvd_test_sections_exit(void)
{
}
module_exit(lvd_test_sections_exit);

MODULE_DESCRIPTION("LVD test: an isolated module with a section to rename");
MODULE_LICENSE("GPL");
