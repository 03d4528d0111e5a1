// SPDX-License-Identifier: GPL-2.0
/*
 * Offsets of root mode's structures for vmx_entry.S, generated at build
 * time as root-asm-offsets.h (root/Makefile), the way
 * arch/x86/kernel/asm-offsets.c generates the kernel's.
 */
#define COMPILE_OFFSETS

#include <linux/kbuild.h>
#include <linux/stddef.h>

#include "root/world.h"

static void __used common(void)
{
	/* What a root-mode exception stub pushes below the CPU's frame */
	OFFSET(LVD_ROOT_FRAME_RIP, lvd_root_frame, rip);
}
