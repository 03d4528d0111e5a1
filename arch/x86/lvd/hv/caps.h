/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the CPU offers LVD: the raw VMX capability MSRs and their decoding
 * into the features LVD requires or can use.
 */
#ifndef _ARCH_X86_LVD_CAPS_H
#define _ARCH_X86_LVD_CAPS_H

#include <linux/bitmap.h>
#include <linux/types.h>

/**
 * struct lvd_vmx_msrs - raw VMX capabilities of one CPU
 * @cpuid1_ecx:	CPUID.1:ECX (bit 5 is VMX)
 * @feat_ctl:	IA32_FEATURE_CONTROL
 * @basic:	IA32_VMX_BASIC
 * @pinbased:	pin-based controls (the TRUE MSR when IA32_VMX_BASIC offers it)
 * @procbased:	primary processor-based controls (TRUE MSR when offered)
 * @exit:	VM-exit controls (TRUE MSR when offered)
 * @entry:	VM-entry controls (TRUE MSR when offered)
 * @misc:	IA32_VMX_MISC
 * @procbased2:	secondary processor-based controls (0 when not offered)
 * @ept_vpid:	IA32_VMX_EPT_VPID_CAP (0 when neither EPT nor VPID is offered)
 * @vmfunc:	IA32_VMX_VMFUNC (0 when VM functions are not offered)
 * @cr0_fixed0:	IA32_VMX_CR0_FIXED0
 * @cr0_fixed1:	IA32_VMX_CR0_FIXED1
 * @cr4_fixed0:	IA32_VMX_CR4_FIXED0
 * @cr4_fixed1:	IA32_VMX_CR4_FIXED1
 *
 * Control MSRs hold the allowed-0 settings in bits 31:0 and the allowed-1
 * settings in bits 63:32.
 */
struct lvd_vmx_msrs {
	u64 cpuid1_ecx;
	u64 feat_ctl;
	u64 basic;
	u64 pinbased;
	u64 procbased;
	u64 exit;
	u64 entry;
	u64 misc;
	u64 procbased2;
	u64 ept_vpid;
	u64 vmfunc;
	u64 cr0_fixed0;
	u64 cr0_fixed1;
	u64 cr4_fixed0;
	u64 cr4_fixed1;
};

/*
 * @bits of a VMX control where its capability MSR holds them: in the
 * allowed-1 settings, the controls that may be 1.
 */
#define LVD_VMX_ALLOWED1(bits)	((u64)(bits) << 32)

/* The features LVD looks for, in the order they are reported. */
enum lvd_cap {
	LVD_CAP_VMX,
	LVD_CAP_VMX_ENABLED,
	LVD_CAP_VMCS_WB,
	LVD_CAP_PHYS_64,
	LVD_CAP_HOST_64,
	LVD_CAP_GUEST_64,
	LVD_CAP_SECONDARY,
	LVD_CAP_MSR_BITMAPS,
	LVD_CAP_EPT,
	LVD_CAP_EPT_4LEVEL,
	LVD_CAP_EPT_WB,
	LVD_CAP_INVEPT,
	LVD_CAP_VPID,
	LVD_CAP_INVVPID,
	LVD_CAP_VMFUNC,
	LVD_CAP_EPTP_SWITCHING,
	LVD_CAP_RDTSCP,
	LVD_CAP_INVPCID,
	LVD_CAP_TRUE_CTLS,
	LVD_CAP_XSAVES,
	LVD_CAP_EPT_2M,
	LVD_CAP_EPT_1G,
	LVD_CAP_EPT_EXEC_ONLY,
	LVD_CAP_EPT_AD,
	LVD_CAP_EPT_VE,
	LVD_CAP_PREEMPTION_TIMER,
	LVD_CAP_LOAD_EFER,
	LVD_CAP_LOAD_PAT,
	LVD_CAP_NR
};

/**
 * struct lvd_cap_desc - how to recognise one feature, and why LVD wants it
 * @name:	short name, as shown in debugfs and dmesg
 * @what:	what the feature is, for a reader of an error message
 * @use:	what LVD uses it for
 * @msr:	offset of the MSR value in &struct lvd_vmx_msrs
 * @mask:	bits of that value to look at
 * @value:	what those bits must hold, when @exact
 * @exact:	present when the bits in @mask equal @value; otherwise present
 *		when all bits in @mask are set
 * @required:	LVD cannot run without it
 */
struct lvd_cap_desc {
	const char *name;
	const char *what;
	const char *use;
	size_t msr;
	u64 mask;
	u64 value;
	bool exact;
	bool required;
};

/**
 * struct lvd_caps - decoded capabilities
 * @present:	bit N set when feature N (&enum lvd_cap) is offered
 * @cr3_targets: number of CR3-target values the VMCS offers
 * @vmcs_revision: VMCS revision identifier
 */
struct lvd_caps {
	DECLARE_BITMAP(present, LVD_CAP_NR);
	unsigned int cr3_targets;
	u32 vmcs_revision;
};

const struct lvd_cap_desc *lvd_cap_desc(enum lvd_cap cap);
void lvd_caps_parse(struct lvd_caps *caps, const struct lvd_vmx_msrs *msrs);
enum lvd_cap lvd_caps_first_missing(const struct lvd_caps *caps);
int lvd_caps_describe_missing(const struct lvd_caps *caps, char *buf,
			      size_t size);
int lvd_caps_list(const struct lvd_caps *caps, bool required, char *buf,
		  size_t size);

/**
 * lvd_caps_has() - is a feature offered?
 * @caps: decoded capabilities
 * @cap: the feature
 *
 * Return: true when @caps says the CPU offers @cap.
 */
static inline bool lvd_caps_has(const struct lvd_caps *caps, enum lvd_cap cap)
{
	return test_bit(cap, caps->present);
}

#endif /* _ARCH_X86_LVD_CAPS_H */
