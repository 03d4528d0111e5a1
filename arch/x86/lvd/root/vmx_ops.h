/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One small wrapper per VMX instruction LVD executes in root mode.
 *
 * Every VMX instruction reports failure in RFLAGS: CF=1 (VMfailInvalid, no
 * current VMCS) or ZF=1 (VMfailValid, reason in VM_INSTRUCTION_ERROR).
 * "setna" captures both. The wrappers return true on success.
 */
#ifndef _ARCH_X86_LVD_VMX_OPS_H
#define _ARCH_X86_LVD_VMX_OPS_H

#include <linux/types.h>
#include <asm/vmx.h>

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

static __always_inline bool lvd_vmclear(u64 pa)
{
	bool fail;

	asm volatile("vmclear %[pa]; setna %[fail]"
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return !fail;
}

static __always_inline bool lvd_vmptrld(u64 pa)
{
	bool fail;

	asm volatile("vmptrld %[pa]; setna %[fail]"
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return !fail;
}

/* VMREAD of a field that exists: a failure reads as 0. */
static __always_inline unsigned long lvd_vmread(unsigned long field)
{
	unsigned long value = 0;

	asm volatile("vmread %[field], %[value]"
		     : [value] "+rm" (value) : [field] "r" (field) : "cc");
	return value;
}

static __always_inline bool lvd_vmwrite(unsigned long field, unsigned long value)
{
	bool fail;

	asm volatile("vmwrite %[value], %[field]; setna %[fail]"
		     : [fail] "=qm" (fail)
		     : [field] "r" (field), [value] "rm" (value) : "cc");
	return !fail;
}

/* INVEPT/INVVPID descriptors: SDM Vol. 3C, 31.3 */
static __always_inline bool lvd_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, gpa; } desc = { eptp, 0 };
	bool fail;

	asm volatile("invept %[desc], %[type]; setna %[fail]"
		     : [fail] "=qm" (fail)
		     : [desc] "m" (desc), [type] "r" (type) : "cc", "memory");
	return !fail;
}

static __always_inline bool lvd_invvpid(unsigned long type, u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };
	bool fail;

	asm volatile("invvpid %[desc], %[type]; setna %[fail]"
		     : [fail] "=qm" (fail)
		     : [desc] "m" (desc), [type] "r" (type) : "cc", "memory");
	return !fail;
}

#endif /* _ARCH_X86_LVD_VMX_OPS_H */
