// SPDX-License-Identifier: GPL-2.0
/*
 * Built isolated with LVD's test driver, this module has a parameter of
 * each type the loader parses for an isolated module, and its init
 * function, in its domain, prints the values it sees. The selftests load
 * it with good values and bad ones, and copies of it whose parameters
 * point outside its data or at ops of its own (isolated_test.c).
 */

#define pr_fmt(fmt) "lvd_test_params: " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

static int lvd_tp_int = -7;
module_param_named(i, lvd_tp_int, int, 0444);
static bool lvd_tp_bool;
module_param_named(b, lvd_tp_bool, bool, 0644);
static bool lvd_tp_invbool = true;
module_param_named(nb, lvd_tp_invbool, invbool, 0);
static unsigned char lvd_tp_byte;
module_param_named(y, lvd_tp_byte, byte, 0);
static short lvd_tp_short;
module_param_named(h, lvd_tp_short, short, 0);
static unsigned short lvd_tp_ushort;
module_param_named(us, lvd_tp_ushort, ushort, 0);
static unsigned int lvd_tp_uint;
module_param_named(u, lvd_tp_uint, uint, 0);
static long lvd_tp_long;
module_param_named(l, lvd_tp_long, long, 0);
static unsigned long lvd_tp_ulong;
module_param_named(ul, lvd_tp_ulong, ulong, 0);
static unsigned long long lvd_tp_ullong;
module_param_named(ull, lvd_tp_ullong, ullong, 0);
static unsigned int lvd_tp_hexint = 0x1d;
module_param_named(x, lvd_tp_hexint, hexint, 0);
static char *lvd_tp_charp = "default";
module_param_named(c, lvd_tp_charp, charp, 0);
static char lvd_tp_string[16] = "default";
module_param_string(s, lvd_tp_string, sizeof(lvd_tp_string), 0);
static int lvd_tp_array[4] = { 9, 9, 9, 9 };
static unsigned int lvd_tp_count;
module_param_array_named(a, lvd_tp_array, int, &lvd_tp_count, 0);
static char *lvd_tp_names[2];
module_param_array_named(names, lvd_tp_names, charp, NULL, 0);

static int __init lvd_test_params_init(void)
{
	pr_info("int %d bool %d invbool %d byte %u short %d\n", lvd_tp_int,
		lvd_tp_bool, lvd_tp_invbool, lvd_tp_byte, lvd_tp_short);
	pr_info("ushort %u uint %u long %ld ulong %lu ullong %llu\n",
		lvd_tp_ushort, lvd_tp_uint, lvd_tp_long, lvd_tp_ulong,
		lvd_tp_ullong);
	pr_info("hexint %#x charp %s string %s\n", lvd_tp_hexint,
		lvd_tp_charp, lvd_tp_string);
	pr_info("array %u: %d %d %d %d\n", lvd_tp_count, lvd_tp_array[0],
		lvd_tp_array[1], lvd_tp_array[2], lvd_tp_array[3]);
	pr_info("names %s %s\n", lvd_tp_names[0] ?: "(none)",
		lvd_tp_names[1] ?: "(none)");
	return 0;
}
module_init(lvd_test_params_init);

static void __exit lvd_test_params_exit(void)
{
}
module_exit(lvd_test_params_exit);

MODULE_DESCRIPTION("LVD test: an isolated module with parameters");
MODULE_LICENSE("GPL");
