// SPDX-License-Identifier: GPL-2.0
/*
 * A checksum of the kernel's text and read-only data, and a canary page in
 * its data, for LVD's tests: an attack from a domain must leave all three
 * unchanged.
 *
 * Built only for those tests (CONFIG_LVD_TEST_HOOKS), and exported to
 * their modules only, in the LVD_TEST namespace.
 */

#include <linux/array_size.h>
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/export.h>
#include <linux/processor.h>
#include <linux/types.h>
#include <asm/page.h>
#include <asm/sections.h>
#include <lvd/domain.h>

/**
 * lvd_kernel_image_sum() - checksum the kernel's text and read-only data
 *
 * Reads every word from _stext to __end_rodata (text and read-only data
 * are contiguous on x86-64). Text that the kernel patches at run time
 * (static keys, alternatives) changes it too.
 *
 * Return: the checksum.
 */
u64 lvd_kernel_image_sum(void)
{
	const u64 *p = (const u64 *)_stext, *end = (const u64 *)__end_rodata;
	u64 sum = 0;

	for (; p < end; p++)
		sum = rol64(sum, 7) ^ *p;
	return sum;
}
EXPORT_SYMBOL_NS_GPL(lvd_kernel_image_sum, LVD_TEST);

#define LVD_DATA_CANARY		0x4c56445f44415441ULL	/* "LVD_DATA" */

/* A page of the kernel's .data that nothing writes */
static u64 lvd_data_canary[PAGE_SIZE / sizeof(u64)] __aligned(PAGE_SIZE) = {
	[0 ... PAGE_SIZE / sizeof(u64) - 1] = LVD_DATA_CANARY
};

/**
 * lvd_kernel_data_intact() - is the canary page in the kernel's data intact?
 *
 * The page lies in the kernel image's .data, among the variables an attack
 * on kernel data (through the loader or a subsystem acting on a domain's
 * memory, say) would aim at; only such an attack writes it.
 *
 * Return: true when every word is what the kernel was built with.
 */
bool lvd_kernel_data_intact(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_data_canary); i++)
		if (READ_ONCE(lvd_data_canary[i]) != LVD_DATA_CANARY)
			return false;
	return true;
}
EXPORT_SYMBOL_NS_GPL(lvd_kernel_data_intact, LVD_TEST);
