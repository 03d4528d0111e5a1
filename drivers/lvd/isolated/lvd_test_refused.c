// SPDX-License-Identifier: GPL-2.0
/*
 * Built isolated with LVD's test driver, this module uses a kernel symbol
 * that has no LVD glue (oops_in_progress): the loader must refuse it,
 * naming the symbol, and leave nothing behind.
 */

#include <linux/module.h>
#include <linux/printk.h>

static int __init lvd_test_refused_init(void)
{
	return READ_ONCE(oops_in_progress) ? -EAGAIN : 0;
}
module_init(lvd_test_refused_init);

MODULE_DESCRIPTION("LVD test: an isolated module that uses a kernel variable");
MODULE_LICENSE("GPL");
