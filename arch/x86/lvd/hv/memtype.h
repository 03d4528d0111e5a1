/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory types and the extent of the kernel EPT: what the identity map
 * of physical memory covers, and with which types.
 */
#ifndef _ARCH_X86_LVD_MEMTYPE_H
#define _ARCH_X86_LVD_MEMTYPE_H

#include <linux/types.h>

struct e820_entry;

u8 lvd_kernel_memtype(void *ctx, u64 start, u64 end, bool *uniform);
u64 lvd_kernel_phys_end(void);
bool lvd_memtype_from_mtrrs(void);
u8 lvd_e820_memtype(const struct e820_entry *entries, u32 nr, u64 start,
		    u64 end, bool *uniform);

#endif /* _ARCH_X86_LVD_MEMTYPE_H */
