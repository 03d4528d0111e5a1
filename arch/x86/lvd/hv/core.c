// SPDX-License-Identifier: GPL-2.0
/*
 * LVD core: find out at boot whether LVD can run here, and say so.
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/init.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "hypervisor.h"
#include "hv/hv.h"
#include "hv/lvd.h"

static struct lvd_state lvd_state;
static bool lvd_off __initdata;

static int __init lvd_param(char *arg)
{
	if (arg && !strcmp(arg, "off"))
		lvd_off = true;
	return 0;
}
early_param("lvd", lvd_param);

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

static void __init lvd_start_hypervisor(struct lvd_state *st)
{
	if (!st->available) {
		scnprintf(st->hv_off, sizeof(st->hv_off), "LVD is unavailable");
		return;
	}
	if (lvd_off) {
		scnprintf(st->hv_off, sizeof(st->hv_off), "lvd=off on the command line");
		pr_info("hypervisor not started: %s\n", st->hv_off);
		return;
	}
	if (lvd_hv_start(&st->msrs, &st->caps)) {
		scnprintf(st->hv_off, sizeof(st->hv_off), "%s", lvd_hv_error());
		pr_err("hypervisor not started: %s; the kernel runs unvirtualized\n",
		       st->hv_off);
		return;
	}
	st->hv_active = true;
	pr_info("hypervisor active: the kernel runs in VMX non-root mode on %u of %u CPUs\n",
		lvd_hv_nr_active(), num_online_cpus());
}

static int __init lvd_init(void)
{
	lvd_state.available = !lvd_probe(&lvd_state);
	lvd_report(&lvd_state);
	lvd_start_hypervisor(&lvd_state);
	lvd_debugfs_init(&lvd_state);
	return 0;
}
late_initcall(lvd_init);
