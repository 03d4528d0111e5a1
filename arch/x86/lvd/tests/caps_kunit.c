// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the decoding of VMX capability MSRs.
 *
 * The MSR values are those of real (emulated) CPUs: Bochs's Haswell model
 * and KVM's nested VMX; variants take single features away from them.
 */

#include <kunit/test.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>

#include "hv/caps.h"

/* Bochs 2.7, cpu model corei7_haswell_4770, as read inside the guest. */
static const struct lvd_vmx_msrs bochs_haswell = {
	.cpuid1_ecx	= 0x7ffaf3bf,
	.feat_ctl	= 0x0000000000000005,
	.basic		= 0x00d810000000002b,
	.pinbased	= 0x0000007f00000016,
	.procbased	= 0xf7f9fffe04006172,
	.exit		= 0x007fffff00036dfb,
	.entry		= 0x0000ffff000011fb,
	.misc		= 0x00000000200401e0,
	.procbased2	= 0x00047fff00000000,
	.ept_vpid	= 0x00000f0106334141,
	.vmfunc		= 0x0000000000000001,
	.cr0_fixed0	= 0x0000000080000021,
	.cr0_fixed1	= 0x00000000ffffffff,
	.cr4_fixed0	= 0x0000000000002000,
	.cr4_fixed1	= 0x00000000001727ff,
};

static void lvd_caps_bochs_haswell_is_usable(struct kunit *test)
{
	struct lvd_caps caps;
	char buf[256];

	lvd_caps_parse(&caps, &bochs_haswell);
	KUNIT_EXPECT_EQ(test, lvd_caps_first_missing(&caps), LVD_CAP_NR);
	KUNIT_EXPECT_EQ(test, lvd_caps_describe_missing(&caps, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, caps.cr3_targets, 4);
	KUNIT_EXPECT_EQ(test, caps.vmcs_revision, 0x2b);
	KUNIT_EXPECT_TRUE(test, lvd_caps_has(&caps, LVD_CAP_TRUE_CTLS));
	KUNIT_EXPECT_TRUE(test, lvd_caps_has(&caps, LVD_CAP_EPT_2M));
	KUNIT_EXPECT_TRUE(test, lvd_caps_has(&caps, LVD_CAP_EPT_1G));
	KUNIT_EXPECT_TRUE(test, lvd_caps_has(&caps, LVD_CAP_EPT_VE));
	KUNIT_EXPECT_TRUE(test, lvd_caps_has(&caps, LVD_CAP_PREEMPTION_TIMER));
	/* Haswell's model rejects XSAVES. */
	KUNIT_EXPECT_FALSE(test, lvd_caps_has(&caps, LVD_CAP_XSAVES));
}

static void lvd_caps_lists_split_required_and_optional(struct kunit *test)
{
	struct lvd_caps caps;
	char buf[512];

	lvd_caps_parse(&caps, &bochs_haswell);
	lvd_caps_list(&caps, true, buf, sizeof(buf));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "eptp-switching"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "invpcid"));
	KUNIT_EXPECT_NULL(test, strstr(buf, "ept-2m"));
	lvd_caps_list(&caps, false, buf, sizeof(buf));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "ept-2m"));
	KUNIT_EXPECT_NULL(test, strstr(buf, "xsaves"));
	KUNIT_EXPECT_NULL(test, strstr(buf, "eptp-switching"));

	/* A short buffer is cut, never overrun. */
	memset(buf, 'x', sizeof(buf));
	lvd_caps_list(&caps, true, buf, 8);
	KUNIT_EXPECT_EQ(test, strlen(buf), 7);
	KUNIT_EXPECT_EQ(test, buf[8], 'x');
}

/* Take one feature away and expect it to be named as the missing one. */
struct lvd_caps_missing_case {
	const char *desc;
	size_t msr;
	u64 clear;
	enum lvd_cap missing;
};

#define MISSING(_desc, _msr, _clear, _missing) {			\
	.desc = _desc, .msr = offsetof(struct lvd_vmx_msrs, _msr),	\
	.clear = _clear, .missing = _missing,				\
}

static const struct lvd_caps_missing_case lvd_caps_missing_cases[] = {
	MISSING("no VMX in CPUID", cpuid1_ecx, BIT(5), LVD_CAP_VMX),
	MISSING("VMX off in IA32_FEATURE_CONTROL", feat_ctl,
		FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX, LVD_CAP_VMX_ENABLED),
	MISSING("IA32_FEATURE_CONTROL unlocked", feat_ctl, FEAT_CTL_LOCKED,
		LVD_CAP_VMX_ENABLED),
	MISSING("uncacheable VMCS", basic, BIT_ULL(51), LVD_CAP_VMCS_WB),
	MISSING("no secondary controls", procbased, BIT_ULL(63),
		LVD_CAP_SECONDARY),
	MISSING("no MSR bitmaps", procbased, BIT_ULL(60), LVD_CAP_MSR_BITMAPS),
	MISSING("no EPT", procbased2, BIT_ULL(33), LVD_CAP_EPT),
	MISSING("no 4-level EPT walk", ept_vpid, VMX_EPT_PAGE_WALK_4_BIT,
		LVD_CAP_EPT_4LEVEL),
	MISSING("no write-back EPT", ept_vpid, VMX_EPTP_WB_BIT, LVD_CAP_EPT_WB),
	MISSING("no single-context INVEPT", ept_vpid,
		VMX_EPT_EXTENT_CONTEXT_BIT, LVD_CAP_INVEPT),
	MISSING("no VPID", procbased2, BIT_ULL(37), LVD_CAP_VPID),
	MISSING("no INVVPID", ept_vpid, BIT_ULL(32), LVD_CAP_INVVPID),
	MISSING("no VM functions", procbased2, BIT_ULL(45), LVD_CAP_VMFUNC),
	MISSING("no EPTP switching", vmfunc, BIT_ULL(0),
		LVD_CAP_EPTP_SWITCHING),
	MISSING("no RDTSCP", procbased2, BIT_ULL(35), LVD_CAP_RDTSCP),
	MISSING("no INVPCID", procbased2, BIT_ULL(44), LVD_CAP_INVPCID),
	MISSING("no 64-bit host", exit, BIT_ULL(41), LVD_CAP_HOST_64),
	MISSING("no 64-bit guest", entry, BIT_ULL(41), LVD_CAP_GUEST_64),
};

static void lvd_caps_missing_desc(const struct lvd_caps_missing_case *c,
				  char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lvd_caps_missing, lvd_caps_missing_cases,
		  lvd_caps_missing_desc);

static void lvd_caps_names_the_missing_feature(struct kunit *test)
{
	const struct lvd_caps_missing_case *c = test->param_value;
	const struct lvd_cap_desc *desc = lvd_cap_desc(c->missing);
	struct lvd_vmx_msrs msrs = bochs_haswell;
	struct lvd_caps caps;
	char reason[256];
	u64 *msr = (u64 *)((char *)&msrs + c->msr);
	int missing;

	*msr &= ~c->clear;
	lvd_caps_parse(&caps, &msrs);
	KUNIT_EXPECT_EQ(test, lvd_caps_first_missing(&caps), c->missing);
	missing = lvd_caps_describe_missing(&caps, reason, sizeof(reason));
	KUNIT_EXPECT_GT(test, missing, 0);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(reason, desc->what),
				  "reason '%s' does not name '%s'", reason,
				  desc->what);
}

static void lvd_caps_no_vmx_means_nothing(struct kunit *test)
{
	struct lvd_vmx_msrs msrs = bochs_haswell;
	struct lvd_caps caps;
	enum lvd_cap cap;

	/* Stale VMX MSR values must not count on a CPU without VMX. */
	msrs.cpuid1_ecx &= ~BIT(5);
	lvd_caps_parse(&caps, &msrs);
	for (cap = 0; cap < LVD_CAP_NR; cap++)
		KUNIT_EXPECT_FALSE_MSG(test, lvd_caps_has(&caps, cap),
				       "%s", lvd_cap_desc(cap)->name);
}

static void lvd_caps_vmfunc_needs_secondary_controls(struct kunit *test)
{
	struct lvd_vmx_msrs msrs = bochs_haswell;
	struct lvd_caps caps;

	/* Secondary and VMFUNC MSRs with stale bits, but no way to enable them. */
	msrs.procbased &= ~BIT_ULL(63);
	lvd_caps_parse(&caps, &msrs);
	KUNIT_EXPECT_FALSE(test, lvd_caps_has(&caps, LVD_CAP_EPT));
	KUNIT_EXPECT_FALSE(test, lvd_caps_has(&caps, LVD_CAP_VMFUNC));
	KUNIT_EXPECT_FALSE(test, lvd_caps_has(&caps, LVD_CAP_EPTP_SWITCHING));
}

static void lvd_caps_nested_kvm_is_usable(struct kunit *test)
{
	struct lvd_vmx_msrs msrs = bochs_haswell;
	struct lvd_caps caps;

	/* KVM's nested VMX: no CR3-target values, no #VE, legacy controls. */
	msrs.misc &= ~GENMASK_ULL(24, 16);
	msrs.procbased2 &= ~((u64)SECONDARY_EXEC_EPT_VIOLATION_VE << 32);
	msrs.basic &= ~VMX_BASIC_TRUE_CTLS;
	lvd_caps_parse(&caps, &msrs);
	KUNIT_EXPECT_EQ(test, lvd_caps_first_missing(&caps), LVD_CAP_NR);
	KUNIT_EXPECT_EQ(test, caps.cr3_targets, 0);
	KUNIT_EXPECT_FALSE(test, lvd_caps_has(&caps, LVD_CAP_EPT_VE));
	KUNIT_EXPECT_FALSE(test, lvd_caps_has(&caps, LVD_CAP_TRUE_CTLS));
}

static void lvd_caps_every_feature_is_described(struct kunit *test)
{
	const struct lvd_cap_desc *desc;
	enum lvd_cap cap;

	for (cap = 0; cap < LVD_CAP_NR; cap++) {
		desc = lvd_cap_desc(cap);
		KUNIT_ASSERT_NOT_NULL(test, desc);
		KUNIT_EXPECT_NOT_NULL(test, desc->name);
		KUNIT_EXPECT_NOT_NULL(test, desc->what);
		KUNIT_EXPECT_NOT_NULL(test, desc->use);
		KUNIT_EXPECT_NE_MSG(test, desc->mask, 0, "%s", desc->name);
		KUNIT_EXPECT_LT(test, desc->msr, sizeof(struct lvd_vmx_msrs));
	}
	KUNIT_EXPECT_NULL(test, lvd_cap_desc(LVD_CAP_NR));
}

static struct kunit_case lvd_caps_test_cases[] = {
	KUNIT_CASE(lvd_caps_bochs_haswell_is_usable),
	KUNIT_CASE(lvd_caps_lists_split_required_and_optional),
	KUNIT_CASE_PARAM(lvd_caps_names_the_missing_feature,
			 lvd_caps_missing_gen_params),
	KUNIT_CASE(lvd_caps_no_vmx_means_nothing),
	KUNIT_CASE(lvd_caps_vmfunc_needs_secondary_controls),
	KUNIT_CASE(lvd_caps_nested_kvm_is_usable),
	KUNIT_CASE(lvd_caps_every_feature_is_described),
	{}
};

static struct kunit_suite lvd_caps_test_suite = {
	.name = "lvd_caps",
	.test_cases = lvd_caps_test_cases,
};

kunit_test_suite(lvd_caps_test_suite);

MODULE_DESCRIPTION("KUnit tests for LVD's VMX capability decoding");
MODULE_LICENSE("GPL");
