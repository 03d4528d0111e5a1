/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A branch on a static key, as static_branch_unlikely() compiles where the
 * kernel has jump labels: a NOP, and a __jump_table entry naming the key,
 * for LVD's test modules that need one (lvd_test_key*.c) whatever the
 * kernel's configuration.
 */
#ifndef _LVD_TEST_KEYS_H
#define _LVD_TEST_KEYS_H

#include <linux/compiler.h>
#include <linux/types.h>

/* Is @key on? As compiled, not patched: false. */
static __always_inline bool lvd_test_key_branch(void *key)
{
	asm goto("1: .byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n\t"
		 ".pushsection __jump_table, \"aw\"\n\t"
		 ".balign 8\n\t"
		 ".long 1b - ., %l[on] - .\n\t"
		 ".quad %c0 - .\n\t"
		 ".popsection"
		 : : "i" (key) : : on);
	return false;
on:
	return true;
}

#endif /* _LVD_TEST_KEYS_H */
