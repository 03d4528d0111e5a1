// SPDX-License-Identifier: GPL-2.0
/*
 * MSR policy: the bitmap lets the kernel's hot MSRs through (TSC deadline,
 * FS/GS bases, x2APIC registers, SPEC_CTRL, TSC_AUX, ...) and traps only
 * the sensitive ones, which are checked and emulated here.
 *
 * Reads of the VMX capability MSRs and every access to an MSR outside the
 * bitmap's ranges get #GP: VMX stays hidden, and nothing unknown executes
 * in root mode. The exception: under KVM, the paravirtual MSRs its CPUID
 * leaves advertise (kvmclock, steal time, PV EOI, async PF, poll control,
 * migration control) are KVM's, not the CPU's: the kernel's accesses are
 * executed in root mode, where KVM sees them as this guest's, with a fixup
 * (lvd_root_rdmsr(), lvd_root_wrmsr()) should KVM refuse one.
 */

#include <linux/bitops.h>
#include <linux/cpufeature.h>
#include <asm/apicdef.h>
#include <asm/cpuid.h>
#include <asm/kvm_para.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/traps.h>
#include <asm/vmx.h>

#include "hv/hv.h"
#include "root/root.h"
#include "hv/pool.h"
#include "root/world.h"
#include "root/vcpu.h"
#include "root/vmx_ops.h"

/* Bitmap layout: SDM Vol. 3C, 25.6.9 */
#define LVD_MSR_LOW_END		0x2000
#define LVD_MSR_HIGH_BASE	0xc0000000
#define LVD_MSR_READ_LOW	0
#define LVD_MSR_READ_HIGH	1024
#define LVD_MSR_WRITE_LOW	2048
#define LVD_MSR_WRITE_HIGH	3072

/* Writes exit: VMX switches some, the rest steer every entry into the kernel. */
static const u32 lvd_msr_write_trapped[] = {
	MSR_EFER, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_IA32_CR_PAT, MSR_IA32_DEBUGCTLMSR, MSR_IA32_APICBASE,
	MSR_IA32_FEAT_CTL,
};

/*
 * KVM's paravirtual MSRs, the feature bit (CPUID 0x40000001 EAX) that
 * advertises each, and the guest memory a write names: KVM writes there,
 * so it must not be hypervisor memory.
 */
static const struct {
	u32 msr;
	u8 feature;
	u8 size;	/* bytes KVM writes at the address, or 0 */
	u64 addr;	/* the address bits of the value */
} lvd_kvm_msrs[] = {
	{ MSR_KVM_WALL_CLOCK, KVM_FEATURE_CLOCKSOURCE, 12, ~0ULL },
	{ MSR_KVM_SYSTEM_TIME, KVM_FEATURE_CLOCKSOURCE, 32, ~1ULL },
	{ MSR_KVM_WALL_CLOCK_NEW, KVM_FEATURE_CLOCKSOURCE2, 12, ~0ULL },
	{ MSR_KVM_SYSTEM_TIME_NEW, KVM_FEATURE_CLOCKSOURCE2, 32, ~1ULL },
	{ MSR_KVM_ASYNC_PF_EN, KVM_FEATURE_ASYNC_PF, 64, ~0x3fULL },
	{ MSR_KVM_STEAL_TIME, KVM_FEATURE_STEAL_TIME, 64, KVM_STEAL_VALID_BITS },
	{ MSR_KVM_PV_EOI_EN, KVM_FEATURE_PV_EOI, 4, ~3ULL },
	{ MSR_KVM_POLL_CONTROL, KVM_FEATURE_POLL_CONTROL, 0, 0 },
	{ MSR_KVM_ASYNC_PF_INT, KVM_FEATURE_ASYNC_PF_INT, 0, 0 },
	{ MSR_KVM_ASYNC_PF_ACK, KVM_FEATURE_ASYNC_PF_INT, 0, 0 },
	{ MSR_KVM_MIGRATION_CONTROL, KVM_FEATURE_MIGRATION_CONTROL, 0, 0 },
};

/**
 * lvd_msr_outer_init() - learn which hypervisor LVD runs under, if any
 * @hv: where to record it
 *
 * Before the launch, so CPUID is the outer hypervisor's own: its bit in
 * CPUID.1:ECX, and KVM's signature and feature bits.
 */
void lvd_msr_outer_init(struct lvd_hv *hv)
{
	u32 base;

	hv->outer_hv = boot_cpu_has(X86_FEATURE_HYPERVISOR);
	hv->kvm_features = 0;
	if (!hv->outer_hv)
		return;
	base = hypervisor_cpuid_base(KVM_SIGNATURE, 0);
	if (base)
		hv->kvm_features = cpuid_eax(base | KVM_CPUID_FEATURES);
}

/**
 * lvd_msr_before_launch() - fit this CPU's KVM settings to running under LVD
 *
 * Natively, just before this CPU launches: the kernel may have enabled
 * async page faults with delivery as a #PF VM exit (for a KVM of its own).
 * Under LVD, KVM would send such a fault to LVD, which does not take them:
 * without the flag KVM waits for the page itself.
 */
void lvd_msr_before_launch(void)
{
	u64 val;

	if (!(lvd_hv.kvm_features & BIT(KVM_FEATURE_ASYNC_PF)) ||
	    rdmsrl_safe(MSR_KVM_ASYNC_PF_EN, &val) ||
	    !(val & KVM_ASYNC_PF_DELIVERY_AS_PF_VMEXIT))
		return;
	wrmsrl_safe(MSR_KVM_ASYNC_PF_EN, val & ~(u64)KVM_ASYNC_PF_DELIVERY_AS_PF_VMEXIT);
}

/* Index into lvd_kvm_msrs[] of a paravirtual MSR KVM offers, or -1. */
static noinstr int lvd_msr_kvm(u32 msr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_kvm_msrs); i++)
		if (lvd_kvm_msrs[i].msr == msr)
			return lvd_hv.kvm_features & BIT(lvd_kvm_msrs[i].feature) ?
			       i : -1;
	return -1;
}

/*
 * Execute the kernel's access to KVM's MSR @i in root mode. Return false
 * for #GP: a write naming hypervisor memory, or KVM refused the access.
 */
static noinstr bool lvd_msr_forward(struct lvd_guest_regs *regs, int i, bool write)
{
	u32 msr = lvd_kvm_msrs[i].msr;
	u64 val, gpa;

	if (!write) {
		if (lvd_root_rdmsr(msr, &val))
			return false;
		regs->rax = (u32)val;
		regs->rdx = val >> 32;
		return true;
	}
	val = (regs->rdx << 32) | (u32)regs->rax;
	gpa = val & lvd_kvm_msrs[i].addr;
	if (lvd_kvm_msrs[i].size &&
	    (lvd_pool_contains(gpa) || lvd_pool_contains(gpa + lvd_kvm_msrs[i].size - 1)))
		return false;
	/*
	 * From KVM's side the kernel always runs as a nested guest: async
	 * page faults delivered as a #PF exit would come to LVD, which does
	 * not take them. Without the flag KVM waits for the page itself.
	 */
	if (msr == MSR_KVM_ASYNC_PF_EN)
		val &= ~(u64)KVM_ASYNC_PF_DELIVERY_AS_PF_VMEXIT;
	return !lvd_root_wrmsr(msr, val);
}

static bool lvd_msr_is_vmx_cap(u32 msr)
{
	return msr >= MSR_IA32_VMX_BASIC && msr <= MSR_IA32_VMX_PROCBASED_CTLS3;
}

static void lvd_msr_trap(u8 *bitmap, u32 msr, bool write)
{
	unsigned int base;

	if (msr < LVD_MSR_LOW_END) {
		base = write ? LVD_MSR_WRITE_LOW : LVD_MSR_READ_LOW;
	} else {
		base = write ? LVD_MSR_WRITE_HIGH : LVD_MSR_READ_HIGH;
		msr -= LVD_MSR_HIGH_BASE;
	}
	__set_bit(msr, (unsigned long *)(bitmap + base));
}

/**
 * lvd_msr_bitmap_init() - fill the MSR bitmap every CPU uses
 * @bitmap: a zeroed page of hypervisor memory
 */
void lvd_msr_bitmap_init(void *bitmap)
{
	unsigned int i;
	u32 msr;

	for (i = 0; i < ARRAY_SIZE(lvd_msr_write_trapped); i++)
		lvd_msr_trap(bitmap, lvd_msr_write_trapped[i], true);
	/* KVM's first clock MSRs name guest memory too: check their writes. */
	lvd_msr_trap(bitmap, MSR_KVM_WALL_CLOCK, true);
	lvd_msr_trap(bitmap, MSR_KVM_SYSTEM_TIME, true);
	for (msr = MSR_IA32_VMX_BASIC; lvd_msr_is_vmx_cap(msr); msr++) {
		lvd_msr_trap(bitmap, msr, false);
		lvd_msr_trap(bitmap, msr, true);
	}
}

/* A PAT value whose eight entries are all valid memory types. */
static __always_inline bool lvd_pat_valid(u64 pat)
{
	unsigned int i;

	for (i = 0; i < sizeof(pat); i++) {
		switch ((u8)(pat >> (i * BITS_PER_BYTE))) {
		case X86_MEMTYPE_UC:
		case X86_MEMTYPE_WC:
		case X86_MEMTYPE_WT:
		case X86_MEMTYPE_WP:
		case X86_MEMTYPE_WB:
		case X86_MEMTYPE_UC_MINUS:
			break;
		default:
			return false;
		}
	}
	return true;
}

/* Emulate a trapped WRMSR by the kernel. Return false for #GP. */
static noinstr bool lvd_msr_write(u32 msr, u64 val)
{
	u64 cur;

	switch (msr) {
	case MSR_EFER:
		/* Long mode cannot be left under VMX. */
		cur = lvd_vmread(GUEST_IA32_EFER);
		if ((cur ^ val) & (EFER_LME | EFER_LMA))
			return false;
		lvd_vmwrite(GUEST_IA32_EFER, val);
		return true;
	case MSR_IA32_CR_PAT:
		if (!lvd_pat_valid(val))
			return false;
		lvd_vmwrite(GUEST_IA32_PAT, val);
		return true;
	case MSR_IA32_DEBUGCTLMSR:
		lvd_vmwrite(GUEST_IA32_DEBUGCTL, val);
		return true;
	case MSR_IA32_SYSENTER_CS:
		lvd_vmwrite(GUEST_SYSENTER_CS, val);
		return true;
	case MSR_IA32_SYSENTER_ESP:
		lvd_vmwrite(GUEST_SYSENTER_ESP, val);
		return true;
	case MSR_IA32_SYSENTER_EIP:
		lvd_vmwrite(GUEST_SYSENTER_EIP, val);
		return true;
	case MSR_STAR: case MSR_LSTAR: case MSR_CSTAR: case MSR_SYSCALL_MASK:
		/* Not switched by VMX: the kernel's values are the CPU's. */
		if ((msr == MSR_LSTAR || msr == MSR_CSTAR) && !__is_canonical_address(val, 48))
			return false;
		native_wrmsrl(msr, val);
		return true;
	case MSR_IA32_APICBASE:
		/* Only the x2APIC enable bit may change, and only on. */
		cur = __rdmsr(msr);
		if ((cur ^ val) & ~X2APIC_ENABLE || (cur & X2APIC_ENABLE && !(val & X2APIC_ENABLE)))
			return false;
		native_wrmsrl(msr, val);
		return true;
	default:
		return false;	/* FEAT_CTL is locked; VMX MSRs are read-only */
	}
}

/**
 * lvd_exit_msr() - a RDMSR or WRMSR exited
 * @vcpu: this CPU
 * @regs: guest registers (ECX = MSR, EDX:EAX = value)
 * @write: WRMSR rather than RDMSR
 *
 * Return: %LVD_EXIT_RESUME.
 */
noinstr int lvd_exit_msr(struct lvd_vcpu *vcpu, struct lvd_guest_regs *regs, bool write)
{
	u32 msr = regs->rcx;
	u64 val = (regs->rdx << 32) | (u32)regs->rax;
	int kvm = lvd_msr_kvm(msr);

	/*
	 * KVM's paravirtual MSRs go to KVM, from the kernel's own view only.
	 * Other reads only exit for VMX capability MSRs (hidden) and for MSRs
	 * outside the bitmap, which we never execute in root mode.
	 */
	if (kvm >= 0) {
		if (lvd_vmread(EPT_POINTER) != lvd_hv.kernel_eptp ||
		    !lvd_msr_forward(regs, kvm, write)) {
			lvd_inject_exception(X86_TRAP_GP, true, 0);
			return LVD_EXIT_RESUME;
		}
	} else if (!write || !lvd_msr_write(msr, val)) {
		lvd_inject_exception(X86_TRAP_GP, true, 0);
		return LVD_EXIT_RESUME;
	}
	lvd_skip_instruction();
	return LVD_EXIT_RESUME;
}
