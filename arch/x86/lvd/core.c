// SPDX-License-Identifier: GPL-2.0
/*
 * LVD core: find out at boot whether LVD can run here, and say so.
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/init.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include "lvd.h"

static struct lvd_state lvd_state;

static void __init lvd_report(const struct lvd_state *st)
{
	char *req, *opt;

	if (!st->available) {
		pr_info("unavailable: %s; the kernel runs without LVD\n",
			st->reason);
		return;
	}

	req = kzalloc(PAGE_SIZE, GFP_KERNEL);
	opt = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (req && opt) {
		lvd_caps_list(&st->caps, true, req, PAGE_SIZE);
		lvd_caps_list(&st->caps, false, opt, PAGE_SIZE);
	}
	pr_info("available on %u CPUs: %s; optional: %s; %u CR3-target values\n",
		st->cpus_checked, req ?: "", opt ?: "", st->caps.cr3_targets);
	kfree(req);
	kfree(opt);
}

static int __init lvd_init(void)
{
	lvd_state.available = !lvd_probe(&lvd_state);
	lvd_report(&lvd_state);
	lvd_debugfs_init(&lvd_state);
	return 0;
}
late_initcall(lvd_init);
