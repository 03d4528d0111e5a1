/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One small wrapper per VMX instruction LVD executes, and the few names of
 * VMX's architecture that asm/vmx.h lacks.
 *
 * Every VMX instruction reports failure in RFLAGS: CF=1 (VMfailInvalid, no
 * current VMCS) or ZF=1 (VMfailValid, reason in VM_INSTRUCTION_ERROR); "jna"
 * and "setna" catch both. As in KVM's vmx_ops.h, a failed VMREAD or VMWRITE
 * is never silent: lvd_vmread() and lvd_vmwrite() branch to a failure label
 * that stops the CPU with lvd_root_fatal(), naming the field.
 * Unlike KVM's, the wrappers have no exception-table entry: root mode has
 * no fixups for them, and none of these instructions faults in VMX
 * operation at CPL 0. __lvd_vmread() and __lvd_vmwrite() report failure to
 * their caller instead, for the kernel-side VMCS set-up (hv/), which can
 * still give up and return an error.
 */
#ifndef _ARCH_X86_LVD_VMX_OPS_H
#define _ARCH_X86_LVD_VMX_OPS_H

#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/vmx.h>

#include "root/world.h"

/*
 * MOV-to-CR exit qualification: the control register's number is bits 3:0
 * (asm/vmx.h's CONTROL_REG_ACCESS_NUM covers 2:0, which would read CR8 as
 * CR0), and access type 0 is a MOV to it.
 */
#define LVD_CR_ACCESS_NUM	GENMASK(3, 0)
#define LVD_TYPE_MOV_TO_CR	(0 << 4)

/* Exit reason: the basic reason is bits 15:0 (SDM 25.9.1). */
#define LVD_EXIT_REASON_BASIC	GENMASK(15, 0)

/* Segment access rights: bit 12 is the descriptor's AVL bit. */
#define LVD_VMX_AR_AVL_MASK	BIT(12)

static __always_inline bool lvd_vmxon(u64 pa)
{
	bool fail;

	asm volatile("vmxon %[pa]; setna %[fail]"
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return !fail;
}

static __always_inline void lvd_vmxoff(void)
{
	asm volatile("vmxoff" : : : "cc", "memory");
}

/* An instruction with one memory operand: true when it succeeded. */
#define lvd_vmx_asm1(insn, op1)						\
({									\
	bool __fail;							\
									\
	asm volatile(#insn " %[op]; setna %[fail]"			\
		     : [fail] "=qm" (__fail) : [op] "m" (op1)		\
		     : "cc", "memory");					\
	!__fail;							\
})

/* An instruction with a register and a memory operand (INVEPT, INVVPID) */
#define lvd_vmx_asm2(insn, reg, mem)					\
({									\
	bool __fail;							\
									\
	asm volatile(#insn " %[m], %[r]; setna %[fail]"			\
		     : [fail] "=qm" (__fail)				\
		     : [m] "m" (mem), [r] "r" (reg) : "cc", "memory");	\
	!__fail;							\
})

static __always_inline bool lvd_vmclear(u64 pa)
{
	return lvd_vmx_asm1(vmclear, pa);
}

static __always_inline bool lvd_vmptrld(u64 pa)
{
	return lvd_vmx_asm1(vmptrld, pa);
}

/* VMREAD into *@value; false when it failed. */
static __always_inline bool __lvd_vmread(unsigned long field,
					 unsigned long *value)
{
#ifdef CONFIG_CC_HAS_ASM_GOTO_OUTPUT
	unsigned long v;

	asm_goto_output("vmread %[field], %[v]\n\t"
			"jna %l[fail]"
			: [v] "=r" (v) : [field] "r" (field) : "cc" : fail);
	*value = v;
	return true;
fail:
	return false;
#else
	unsigned long v;
	bool fail;

	asm volatile("vmread %[field], %[v]\n\t"
		     "setna %[fail]"
		     : [v] "=r" (v), [fail] "=qm" (fail)
		     : [field] "r" (field) : "cc");
	*value = v;
	return !fail;
#endif
}

/* VMWRITE; false when it failed. */
static __always_inline bool __lvd_vmwrite(unsigned long field,
					  unsigned long value)
{
	asm goto("vmwrite %[value], %[field]\n\t"
		 "jna %l[fail]"
		 : : [field] "r" (field), [value] "rm" (value) : "cc" : fail);
	return true;
fail:
	return false;
}

/* VMREAD in root mode: a failure stops the CPU, naming @field. */
static __always_inline unsigned long lvd_vmread(unsigned long field)
{
	unsigned long value;

	if (likely(__lvd_vmread(field, &value)))
		return value;
	lvd_root_fatal(lvd_root_vmx_msg("VMREAD", field));
}

/* VMWRITE in root mode: a failure stops the CPU, naming @field. */
static __always_inline void lvd_vmwrite(unsigned long field,
					unsigned long value)
{
	if (unlikely(!__lvd_vmwrite(field, value)))
		lvd_root_fatal(lvd_root_vmx_msg("VMWRITE", field));
}

/* Set @mask in a 32-bit field (a control, say), in root mode. */
static __always_inline void lvd_vmcs_set_bits(unsigned long field, u32 mask)
{
	lvd_vmwrite(field, lvd_vmread(field) | mask);
}

/* Clear @mask in a 32-bit field, in root mode. */
static __always_inline void lvd_vmcs_clear_bits(unsigned long field, u32 mask)
{
	lvd_vmwrite(field, lvd_vmread(field) & ~(unsigned long)mask);
}

/* INVEPT/INVVPID descriptors: SDM Vol. 3C, 31.3 */
static __always_inline bool lvd_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, gpa; } desc = { eptp, 0 };

	return lvd_vmx_asm2(invept, type, desc);
}

static __always_inline bool lvd_invvpid(unsigned long type, u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };

	return lvd_vmx_asm2(invvpid, type, desc);
}

#endif /* _ARCH_X86_LVD_VMX_OPS_H */
