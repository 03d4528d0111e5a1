/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LVD's hypervisor: the state shared by all CPUs, which the kernel's side
 * sets up before the launch and root mode (root/) uses afterwards, and the
 * interfaces between the kernel-side files of hv/.
 */
#ifndef _ARCH_X86_LVD_HV_H
#define _ARCH_X86_LVD_HV_H

#include <linux/percpu.h>
#include <linux/types.h>

#include "hv/caps.h"
#include "root/ept.h"

struct lvd_vcpu;
struct lvd_guest_regs;

/* The kernel's VPID: 0 is root mode's. */
#define LVD_KERNEL_VPID		1

/**
 * struct lvd_vmcs_ctl - VMX controls used on every CPU
 * @pin: pin-based controls
 * @proc: primary processor-based controls
 * @proc2: secondary processor-based controls
 * @exit: VM-exit controls
 * @entry: VM-entry controls
 * @what: which control could not be set, when computing them failed
 */
struct lvd_vmcs_ctl {
	u32 pin, proc, proc2, exit, entry;
	const char *what;
};

/**
 * struct lvd_hv - the hypervisor's state shared by all CPUs
 * @msrs: VMX capability MSRs (the same on every CPU)
 * @caps: @msrs decoded
 * @ctl: the controls every VMCS uses
 * @msr_bitmap: the MSR bitmap page (hypervisor memory)
 * @msr_bitmap_pa: its physical address
 * @kernel_ept: the kernel's EPT: everything but hypervisor memory
 * @kernel_eptp: its EPT pointer
 * @eptp_list: the EPTP list of VMFUNC 0, the kernel's EPT at index 0
 * @eptp_list_pa: its physical address
 * @hidden_page: a page of hypervisor memory that holds nothing, for
 *	tests that the kernel cannot reach hypervisor memory (only in
 *	kernels built for them, CONFIG_LVD_TEST_HOOKS)
 * @outer_hv: LVD itself runs under another hypervisor (CPUID's bit):
 *	the kernel's VMCALLs that are not LVD's are forwarded there
 * @kvm_features: that hypervisor is KVM: its CPUID 0x40000001 EAX (the
 *	paravirtual MSRs LVD forwards), else 0
 * @xcr0: the XCR0 bits the kernel may set with XSETBV (lvd_xsetbv_init())
 */
struct lvd_hv {
	struct lvd_vmx_msrs msrs;
	struct lvd_caps caps;
	struct lvd_vmcs_ctl ctl;
	void *msr_bitmap;
	phys_addr_t msr_bitmap_pa;
	struct lvd_ept kernel_ept;
	u64 kernel_eptp;
	u64 *eptp_list;
	phys_addr_t eptp_list_pa;
#ifdef CONFIG_LVD_TEST_HOOKS
	void *hidden_page;
#endif
	bool outer_hv;
	u32 kvm_features;
	u64 xcr0;
};

extern struct lvd_hv lvd_hv;
/* Stack pointer of lvd_vmx_launch() for a failed-entry exit */
DECLARE_PER_CPU(unsigned long, lvd_launch_rsp);

/* vmcs.c */
int lvd_vmcs_controls(const struct lvd_caps *caps,
		      const struct lvd_vmx_msrs *msrs,
		      struct lvd_vmcs_ctl *ctl);
unsigned long lvd_vmcs_setup(const struct lvd_hv *hv,
			     const struct lvd_vcpu *vcpu);

/* kernel_ept.c */
int lvd_kernel_ept_init(struct lvd_hv *hv);

#endif /* _ARCH_X86_LVD_HV_H */
