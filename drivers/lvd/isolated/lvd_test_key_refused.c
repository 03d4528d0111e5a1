// SPDX-License-Identifier: GPL-2.0
/*
 * Built isolated with LVD's test driver, this module has a __jump_table
 * entry for a static key of its own, which is not on the loader's list:
 * the loader must refuse it, naming the section and the key.
 */

#include <linux/jump_label.h>
#include <linux/module.h>
#include "lvd_test_keys.h"

static DEFINE_STATIC_KEY_FALSE(lvd_test_key_own);

static int __init lvd_test_key_refused_init(void)
{
	return lvd_test_key_branch(&lvd_test_key_own) ? -EINVAL : 0;
}
module_init(lvd_test_key_refused_init);

MODULE_DESCRIPTION("LVD test: an isolated module with a static key of its own");
MODULE_LICENSE("GPL");
