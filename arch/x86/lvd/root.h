/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Root mode's own world: descriptor tables, stacks, page table, and the
 * entry stubs of its IDT.
 */
#ifndef _ARCH_X86_LVD_ROOT_H
#define _ARCH_X86_LVD_ROOT_H

#include <linux/compiler.h>
#include <linux/types.h>

struct lvd_root;

#define LVD_ROOT_VECTORS	32	/* exceptions; interrupts stay masked */
#define LVD_ROOT_STUB_SIZE	16	/* bytes per stub in lvd_root_exc_stubs */

/**
 * struct lvd_root_frame - what a root-mode exception stub leaves on the stack
 * @vector: the exception vector
 * @error_code: its error code, or 0
 * @rip: hardware frame: faulting instruction
 * @cs: hardware frame
 * @rflags: hardware frame
 * @rsp: hardware frame
 * @ss: hardware frame
 */
struct lvd_root_frame {
	unsigned long vector, error_code;
	unsigned long rip, cs, rflags, rsp, ss;
};

/* vmx_entry.S */
extern const u8 lvd_root_exc_stubs[];
void lvd_root_nmi(void);

phys_addr_t lvd_root_cr3(void);
int lvd_root_init_pgd(void);
int lvd_root_init(struct lvd_root *root, unsigned int cpu);
void __noreturn lvd_root_fatal(const char *msg);
void __noreturn lvd_root_exception(struct lvd_root_frame *frame);

#endif /* _ARCH_X86_LVD_ROOT_H */
