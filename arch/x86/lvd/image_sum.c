// SPDX-License-Identifier: GPL-2.0
/*
 * A checksum of the kernel's text and read-only data, for LVD's tests: an
 * attack from a domain must leave both unchanged.
 */

#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/processor.h>
#include <linux/types.h>
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
EXPORT_SYMBOL_GPL(lvd_kernel_image_sum);
