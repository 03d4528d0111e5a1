// SPDX-License-Identifier: GPL-2.0
/*
 * Built isolated with LVD's test driver, this module has a __jump_table
 * entry for a static key on the loader's list (lvd_test_static_key): it
 * loads, the table left out, and its init function, in its domain, takes
 * the branch as compiled (the key off) and says so.
 */

#include <linux/module.h>
#include <linux/printk.h>
#include <lvd/glue.h>
#include "lvd_test_keys.h"

static int __init lvd_test_key_init(void)
{
	if (lvd_test_key_branch(&lvd_test_static_key))
		pr_info("lvd_test_key: the key is on\n");
	else
		pr_info("lvd_test_key: the key is off\n");
	return 0;
}
module_init(lvd_test_key_init);

static void __exit lvd_test_key_exit(void)
{
}
module_exit(lvd_test_key_exit);

MODULE_DESCRIPTION("LVD test: an isolated module with a static key it may name");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LVD_TEST);
