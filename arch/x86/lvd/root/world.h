/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Root mode's own world: descriptor tables, stacks, page table, and the
 * entry stubs of its IDT.
 */
#ifndef _ARCH_X86_LVD_ROOT_H
#define _ARCH_X86_LVD_ROOT_H

#define LVD_ROOT_VECTORS	32	/* exceptions; interrupts stay masked */
#define LVD_ROOT_STUB_SIZE	16	/* bytes per stub in lvd_root_exc_stubs */

#ifndef __ASSEMBLY__

#include <linux/compiler.h>
#include <linux/types.h>

struct lvd_root;

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

/*
 * Root mode's only instructions that may fault: the kernel's accesses
 * forwarded to the outer hypervisor. A #GP or #UD there resumes after the
 * instruction (lvd_root_fixup()), and these return -EIO.
 */
int lvd_root_rdmsr(u32 msr, u64 *val);
int lvd_root_wrmsr(u32 msr, u64 val);
int lvd_root_vmcall(unsigned long *rax, unsigned long rbx, unsigned long rcx,
		    unsigned long rdx, unsigned long rsi);

/**
 * struct lvd_root_fixup - where a faulting forwarded access resumes
 * @insn: the instruction that may fault
 * @resume: where execution goes on when it did
 */
struct lvd_root_fixup {
	unsigned long insn, resume;
};

extern const struct lvd_root_fixup lvd_root_fixups[];
extern const unsigned long lvd_root_nr_fixups;

phys_addr_t lvd_root_cr3(void);
int lvd_root_init_pgd(void);
int lvd_root_init(struct lvd_root *root, unsigned int cpu);
void __noreturn lvd_root_fatal(const char *msg);
void __noreturn lvd_root_fatal_hex(const char *msg, unsigned long val);
const char *lvd_root_vmx_msg(const char *insn, unsigned long field);
bool lvd_root_fixup(struct lvd_root_frame *frame);
void __noreturn lvd_root_exception(struct lvd_root_frame *frame);

#endif /* !__ASSEMBLY__ */

#endif /* _ARCH_X86_LVD_ROOT_H */
