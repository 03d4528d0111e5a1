// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of the VMX capability MSRs into the features LVD needs.
 *
 * Pure functions of a &struct lvd_vmx_msrs, so that KUnit can check them
 * with the MSR values of CPUs we do not have.
 */

#include <linux/bitfield.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <asm/cpufeatures.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>

#include "hv/caps.h"

#define CAP_FIELD(_name, _what, _use, _msr)				\
	.name = _name, .what = _what, .use = _use,			\
	.msr = offsetof(struct lvd_vmx_msrs, _msr)

/* A feature present when all of @_bits are set in the MSR. */
#define CAP_BIT(_name, _what, _use, _msr, _bits, _required) {		\
	CAP_FIELD(_name, _what, _use, _msr),				\
	.mask = _bits, .required = _required,				\
}

/* A feature present when the bits in @_mask hold exactly @_value. */
#define CAP_EQ(_name, _what, _use, _msr, _mask, _value, _required) {	\
	CAP_FIELD(_name, _what, _use, _msr),				\
	.mask = _mask, .value = _value, .exact = true,			\
	.required = _required,						\
}

#define VMX_BASIC_MEM_TYPE	GENMASK_ULL(53, 50)

static const struct lvd_cap_desc lvd_cap_descs[LVD_CAP_NR] = {
	[LVD_CAP_VMX] = CAP_BIT("vmx",
		"VMX (CPUID.1:ECX[5])",
		"the hypervisor", cpuid1_ecx,
		BIT_ULL(X86_FEATURE_VMX & 31), true),
	[LVD_CAP_VMX_ENABLED] = CAP_BIT("vmx-enabled",
		"VMX enabled outside SMX in IA32_FEATURE_CONTROL",
		"VMXON", feat_ctl,
		FEAT_CTL_LOCKED | FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX, true),
	[LVD_CAP_VMCS_WB] = CAP_EQ("vmcs-wb",
		"write-back VMCS memory (IA32_VMX_BASIC[53:50] = 6)",
		"VMCS and VMXON regions in ordinary RAM", basic,
		VMX_BASIC_MEM_TYPE,
		FIELD_PREP_CONST(VMX_BASIC_MEM_TYPE, X86_MEMTYPE_WB), true),
	[LVD_CAP_PHYS_64] = CAP_EQ("phys-64",
		"VMX structures above 4 GiB (IA32_VMX_BASIC[48] = 0)",
		"VMCS, EPT and bitmaps anywhere in RAM", basic,
		VMX_BASIC_32BIT_PHYS_ADDR_ONLY, 0, true),
	[LVD_CAP_HOST_64] = CAP_BIT("host-64",
		"64-bit host address space (VM-exit control 9)",
		"running the hypervisor in 64-bit mode", exit,
		LVD_VMX_ALLOWED1(VM_EXIT_HOST_ADDR_SPACE_SIZE), true),
	[LVD_CAP_GUEST_64] = CAP_BIT("guest-64",
		"IA-32e mode guest (VM-entry control 9)",
		"running the 64-bit kernel in non-root mode", entry,
		LVD_VMX_ALLOWED1(VM_ENTRY_IA32E_MODE), true),
	[LVD_CAP_SECONDARY] = CAP_BIT("secondary-controls",
		"secondary processor-based controls",
		"EPT, VPID and VM functions", procbased,
		LVD_VMX_ALLOWED1(CPU_BASED_ACTIVATE_SECONDARY_CONTROLS), true),
	[LVD_CAP_MSR_BITMAPS] = CAP_BIT("msr-bitmaps",
		"MSR bitmaps (processor-based control 28)",
		"no VM exit on the kernel's hot MSRs", procbased,
		LVD_VMX_ALLOWED1(CPU_BASED_USE_MSR_BITMAPS), true),
	[LVD_CAP_EPT] = CAP_BIT("ept",
		"EPT (secondary control 1)",
		"one address space per domain", procbased2,
		LVD_VMX_ALLOWED1(SECONDARY_EXEC_ENABLE_EPT), true),
	[LVD_CAP_EPT_4LEVEL] = CAP_BIT("ept-4level",
		"4-level EPT walk (IA32_VMX_EPT_VPID_CAP[6])",
		"EPT tables", ept_vpid,
		VMX_EPT_PAGE_WALK_4_BIT, true),
	[LVD_CAP_EPT_WB] = CAP_BIT("ept-wb",
		"write-back EPT paging structures (IA32_VMX_EPT_VPID_CAP[14])",
		"EPT tables in ordinary RAM", ept_vpid,
		VMX_EPTP_WB_BIT, true),
	[LVD_CAP_INVEPT] = CAP_BIT("invept",
		"INVEPT, single-context (IA32_VMX_EPT_VPID_CAP[20,25])",
		"flushing a domain's EPT after a change", ept_vpid,
		VMX_EPT_INVEPT_BIT | VMX_EPT_EXTENT_CONTEXT_BIT, true),
	[LVD_CAP_VPID] = CAP_BIT("vpid",
		"VPID (secondary control 5)",
		"no TLB flush on VM entry and exit", procbased2,
		LVD_VMX_ALLOWED1(SECONDARY_EXEC_ENABLE_VPID), true),
	[LVD_CAP_INVVPID] = CAP_BIT("invvpid",
		"INVVPID, single-context (IA32_VMX_EPT_VPID_CAP[32,41])",
		"flushing the kernel's tagged TLB entries", ept_vpid,
		LVD_VMX_ALLOWED1(VMX_VPID_INVVPID_BIT |
			 VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT), true),
	[LVD_CAP_VMFUNC] = CAP_BIT("vmfunc",
		"VM functions (secondary control 13)",
		"switching EPTs without a VM exit", procbased2,
		LVD_VMX_ALLOWED1(SECONDARY_EXEC_ENABLE_VMFUNC), true),
	[LVD_CAP_EPTP_SWITCHING] = CAP_BIT("eptp-switching",
		"EPTP switching (IA32_VMX_VMFUNC[0])",
		"kernel<->driver calls", vmfunc,
		VMX_VMFUNC_EPTP_SWITCHING, true),
	[LVD_CAP_RDTSCP] = CAP_BIT("rdtscp",
		"RDTSCP in non-root mode (secondary control 3)",
		"the kernel's own RDTSCP", procbased2,
		LVD_VMX_ALLOWED1(SECONDARY_EXEC_ENABLE_RDTSCP), true),
	[LVD_CAP_INVPCID] = CAP_BIT("invpcid",
		"INVPCID in non-root mode (secondary control 12)",
		"the kernel's own TLB flushes", procbased2,
		LVD_VMX_ALLOWED1(SECONDARY_EXEC_ENABLE_INVPCID), true),
	[LVD_CAP_TRUE_CTLS] = CAP_BIT("true-controls",
		"TRUE control MSRs (IA32_VMX_BASIC[55])",
		"turning off CR3-load and CR3-store exiting", basic,
		VMX_BASIC_TRUE_CTLS, false),
	[LVD_CAP_XSAVES] = CAP_BIT("xsaves",
		"XSAVES/XRSTORS in non-root mode (secondary control 20)",
		"the kernel's own XSAVES", procbased2,
		LVD_VMX_ALLOWED1(SECONDARY_EXEC_ENABLE_XSAVES), false),
	[LVD_CAP_EPT_2M] = CAP_BIT("ept-2m",
		"2-MiB EPT pages (IA32_VMX_EPT_VPID_CAP[16])",
		"a smaller kernel EPT", ept_vpid,
		VMX_EPT_2MB_PAGE_BIT, false),
	[LVD_CAP_EPT_1G] = CAP_BIT("ept-1g",
		"1-GiB EPT pages (IA32_VMX_EPT_VPID_CAP[17])",
		"a smaller kernel EPT", ept_vpid,
		VMX_EPT_1GB_PAGE_BIT, false),
	[LVD_CAP_EPT_EXEC_ONLY] = CAP_BIT("ept-exec-only",
		"execute-only EPT pages (IA32_VMX_EPT_VPID_CAP[0])",
		"unreadable trampoline text", ept_vpid,
		VMX_EPT_EXECUTE_ONLY_BIT, false),
	[LVD_CAP_EPT_AD] = CAP_BIT("ept-ad",
		"EPT accessed and dirty flags (IA32_VMX_EPT_VPID_CAP[21])",
		"nothing yet", ept_vpid,
		VMX_EPT_AD_BIT, false),
	[LVD_CAP_EPT_VE] = CAP_BIT("ept-ve",
		"EPT-violation #VE (secondary control 18)",
		"nothing yet", procbased2,
		LVD_VMX_ALLOWED1(SECONDARY_EXEC_EPT_VIOLATION_VE), false),
	[LVD_CAP_PREEMPTION_TIMER] = CAP_BIT("preemption-timer",
		"VMX-preemption timer (pin-based control 6)",
		"a watchdog on domains that never return", pinbased,
		LVD_VMX_ALLOWED1(PIN_BASED_VMX_PREEMPTION_TIMER), false),
	[LVD_CAP_LOAD_EFER] = CAP_BIT("load-efer",
		"IA32_EFER loaded on VM entry and exit",
		"switching EFER on entry and exit", entry,
		LVD_VMX_ALLOWED1(VM_ENTRY_LOAD_IA32_EFER), false),
	[LVD_CAP_LOAD_PAT] = CAP_BIT("load-pat",
		"IA32_PAT loaded on VM entry and exit",
		"switching PAT on entry and exit", entry,
		LVD_VMX_ALLOWED1(VM_ENTRY_LOAD_IA32_PAT), false),
};

/**
 * lvd_cap_desc() - describe a feature
 * @cap: the feature
 *
 * Return: its description, or NULL when @cap is out of range.
 */
const struct lvd_cap_desc *lvd_cap_desc(enum lvd_cap cap)
{
	if (cap >= LVD_CAP_NR)
		return NULL;
	return &lvd_cap_descs[cap];
}

static bool lvd_cap_present(const struct lvd_cap_desc *desc,
			    const struct lvd_vmx_msrs *msrs)
{
	const u64 *msr = (const u64 *)((const char *)msrs + desc->msr);

	return (*msr & desc->mask) == (desc->exact ? desc->value : desc->mask);
}

/**
 * lvd_caps_parse() - decode raw VMX capability MSRs
 * @caps: where to store the result
 * @msrs: the MSR values of one CPU
 *
 * A feature that depends on another (the secondary controls, say) is
 * present only when what it depends on is present too.
 */
void lvd_caps_parse(struct lvd_caps *caps, const struct lvd_vmx_msrs *msrs)
{
	enum lvd_cap cap;

	memset(caps, 0, sizeof(*caps));
	for (cap = 0; cap < LVD_CAP_NR; cap++)
		if (lvd_cap_present(&lvd_cap_descs[cap], msrs))
			__set_bit(cap, caps->present);

	/* VMX MSRs mean nothing on a CPU without VMX. */
	if (!lvd_caps_has(caps, LVD_CAP_VMX)) {
		bitmap_zero(caps->present, LVD_CAP_NR);
		return;
	}
	if (!lvd_caps_has(caps, LVD_CAP_VMX_ENABLED)) {
		bitmap_zero(caps->present, LVD_CAP_NR);
		__set_bit(LVD_CAP_VMX, caps->present);
		return;
	}
	if (!lvd_caps_has(caps, LVD_CAP_VMFUNC))
		__clear_bit(LVD_CAP_EPTP_SWITCHING, caps->present);
	if (!lvd_caps_has(caps, LVD_CAP_SECONDARY)) {
		__clear_bit(LVD_CAP_EPT, caps->present);
		__clear_bit(LVD_CAP_VPID, caps->present);
		__clear_bit(LVD_CAP_VMFUNC, caps->present);
		__clear_bit(LVD_CAP_EPTP_SWITCHING, caps->present);
		__clear_bit(LVD_CAP_RDTSCP, caps->present);
		__clear_bit(LVD_CAP_INVPCID, caps->present);
		__clear_bit(LVD_CAP_XSAVES, caps->present);
		__clear_bit(LVD_CAP_EPT_VE, caps->present);
	}
	caps->cr3_targets = vmx_misc_cr3_count(msrs->misc);
	caps->vmcs_revision = vmx_basic_vmcs_revision_id(msrs->basic);
}

/**
 * lvd_caps_first_missing() - the first required feature that is missing
 * @caps: decoded capabilities
 *
 * Return: the feature, or %LVD_CAP_NR when every required one is offered.
 */
enum lvd_cap lvd_caps_first_missing(const struct lvd_caps *caps)
{
	enum lvd_cap cap;

	for (cap = 0; cap < LVD_CAP_NR; cap++)
		if (lvd_cap_descs[cap].required && !lvd_caps_has(caps, cap))
			return cap;
	return LVD_CAP_NR;
}

/**
 * lvd_caps_describe_missing() - say which required features are missing
 * @caps: decoded capabilities
 * @buf: where to write the sentence
 * @size: size of @buf
 *
 * Writes e.g. "the CPU lacks VM functions (secondary control 13), needed
 * for switching EPTs without a VM exit", naming the first missing feature
 * and counting the others.
 *
 * Return: the number of missing required features (0 writes nothing).
 */
int lvd_caps_describe_missing(const struct lvd_caps *caps, char *buf,
			      size_t size)
{
	enum lvd_cap first = lvd_caps_first_missing(caps), cap;
	const struct lvd_cap_desc *desc;
	int missing = 0;

	if (first == LVD_CAP_NR)
		return 0;
	for (cap = first; cap < LVD_CAP_NR; cap++)
		if (lvd_cap_descs[cap].required && !lvd_caps_has(caps, cap))
			missing++;

	desc = &lvd_cap_descs[first];
	if (first == LVD_CAP_VMX)
		scnprintf(buf, size, "the CPU lacks %s, needed for %s",
			  desc->what, desc->use);
	else if (first == LVD_CAP_VMX_ENABLED)
		scnprintf(buf, size,
			  "firmware left VMX disabled (%s), needed for %s",
			  desc->what, desc->use);
	else
		scnprintf(buf, size, "the CPU lacks %s, needed for %s%s",
			  desc->what, desc->use,
			  missing > 1 ? " (and more: see debugfs lvd/caps)" : "");
	return missing;
}

/**
 * lvd_caps_list() - list the names of the features offered
 * @caps: decoded capabilities
 * @required: list the required features if true, the optional ones if false
 * @buf: where to write the space-separated names
 * @size: size of @buf
 *
 * Return: the number of characters written.
 */
int lvd_caps_list(const struct lvd_caps *caps, bool required, char *buf,
		  size_t size)
{
	enum lvd_cap cap;
	int len = 0;

	if (size)
		buf[0] = '\0';
	for (cap = 0; cap < LVD_CAP_NR; cap++) {
		if (lvd_cap_descs[cap].required != required ||
		    !lvd_caps_has(caps, cap))
			continue;
		len += scnprintf(buf + len, size - len, "%s%s",
				 len ? " " : "", lvd_cap_descs[cap].name);
	}
	return len;
}
