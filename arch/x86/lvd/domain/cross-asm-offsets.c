// SPDX-License-Identifier: GPL-2.0
/*
 * Offsets of the crossing's structures for the trampoline (cross_64.S),
 * generated at build time as cross-asm-offsets.h (domain/Makefile), the way
 * arch/x86/kernel/asm-offsets.c generates the kernel's.
 */
#define COMPILE_OFFSETS

#include <linux/kbuild.h>
#include <linux/stddef.h>

#include "domain/cross.h"

static void __used common(void)
{
	OFFSET(LVD_CS_KERNEL_RSP, lvd_cross_state, kernel_rsp);
	OFFSET(LVD_CS_KERNEL_CR3, lvd_cross_state, kernel_cr3);
	OFFSET(LVD_CS_DOMAIN_CR3, lvd_cross_state, domain_cr3);
	OFFSET(LVD_CS_DOMAIN_GS_BASE, lvd_cross_state, domain_gs_base);
	OFFSET(LVD_CS_GS_BASE, lvd_cross_state, gs_base);
	OFFSET(LVD_CS_FS_BASE, lvd_cross_state, fs_base);
	OFFSET(LVD_CS_INDEX, lvd_cross_state, index);
	OFFSET(LVD_CS_KERNEL_CR0, lvd_cross_state, kernel_cr0);
	OFFSET(LVD_CS_FAULT_CR2, lvd_cross_state, fault_cr2);
	OFFSET(LVD_CS_KERNEL_IDTR, lvd_cross_state, kernel_idtr);
	OFFSET(LVD_CS_DOMAIN_IDTR, lvd_cross_state, domain_idtr);
	/* DS, ES, FS and GS, 2 bytes each */
	OFFSET(LVD_CS_SELECTORS, lvd_cross_state, selectors);
	OFFSET(LVD_CS_VMFUNCS, lvd_cross_state, vmfuncs);
	BLANK();
	/* The frame a domain leaves right below the state */
	DEFINE(LVD_XF_SIZE, sizeof(struct lvd_cross_frame));
}
