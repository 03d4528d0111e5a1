/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LVD's hypervisor: state shared by all CPUs, and the interfaces between
 * launch, VMCS setup, exit handling and hypercalls.
 */
#ifndef _ARCH_X86_LVD_HV_H
#define _ARCH_X86_LVD_HV_H

#include <linux/percpu.h>
#include <linux/types.h>

#include "caps.h"
#include "ept.h"

struct lvd_vcpu;
struct lvd_guest_regs;

/* The kernel's VPID: 0 is root mode's. */
#define LVD_KERNEL_VPID		1

/* Bytes above HOST_RSP kept free for the IRET frame of a native return. */
#define LVD_HOST_RSP_RESERVE	48

/* lvd_handle_exit() results, shared with vmx_entry.S */
#define LVD_EXIT_RESUME		0
#define LVD_EXIT_ABORT_LAUNCH	1
#define LVD_EXIT_NATIVE		2

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
 *	tests that the kernel cannot reach hypervisor memory
 * @outer_hv: LVD itself runs under another hypervisor (CPUID's bit):
 *	the kernel's VMCALLs that are not LVD's are forwarded there
 * @kvm_features: that hypervisor is KVM: its CPUID 0x40000001 EAX (the
 *	paravirtual MSRs LVD forwards), else 0
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
	void *hidden_page;
	bool outer_hv;
	u32 kvm_features;
};

extern struct lvd_hv lvd_hv;
/* Stack pointer of lvd_vmx_launch() for a failed-entry exit */
DECLARE_PER_CPU(unsigned long, lvd_launch_rsp);

/* vmx_entry.S */
int lvd_vmx_launch(unsigned long rsp_field, unsigned long rip_field);
void lvd_vmexit_entry(void);

/* vmcs.c */
int lvd_vmcs_controls(const struct lvd_caps *caps,
		      const struct lvd_vmx_msrs *msrs,
		      struct lvd_vmcs_ctl *ctl);
unsigned long lvd_vmcs_setup(const struct lvd_hv *hv,
			     const struct lvd_vcpu *vcpu);

/* msr.c */
void lvd_msr_bitmap_init(void *bitmap);
void lvd_msr_outer_init(struct lvd_hv *hv);
void lvd_msr_before_launch(void);
int lvd_exit_msr(struct lvd_vcpu *vcpu, struct lvd_guest_regs *regs,
		 bool write);

/* exit.c */
int lvd_handle_exit(struct lvd_guest_regs *regs);
void lvd_skip_instruction(void);
void lvd_inject_exception(unsigned int vector, bool has_error, u32 error);
void lvd_redeliver_event(void);
bool lvd_hold_event(struct lvd_vcpu *vcpu, u32 vectoring);
void lvd_preemption_timer_off(void);
unsigned int lvd_guest_cpl(void);
void lvd_root_on_nmi(void);
void __noreturn lvd_vmresume_failed(void);

/* kernel_ept.c */
int lvd_kernel_ept_init(struct lvd_hv *hv);

/* ept_exit.c */
void lvd_exit_ept_violation(struct lvd_vcpu *vcpu);
void __noreturn lvd_exit_ept_misconfig(void);

/* domain_hv.c */
int lvd_domains_init(void);
long lvd_hc_domain(unsigned long nr, unsigned long a0, unsigned long a1,
		   unsigned long a2);

/* hypercall.c */
int lvd_exit_vmcall(struct lvd_vcpu *vcpu, struct lvd_guest_regs *regs);

/* native.c */
struct desc_ptr;
int lvd_leave_vmx(struct lvd_vcpu *vcpu, struct lvd_guest_regs *regs);
void lvd_restore_kernel_tables(const struct desc_ptr *gdt,
			       const struct desc_ptr *idt);

/* launch.c */
int lvd_hv_start(const struct lvd_vmx_msrs *msrs, const struct lvd_caps *caps);
unsigned int lvd_hv_nr_active(void);
bool lvd_cpu_virtualized_on(unsigned int cpu);
const char *lvd_hv_error(void);

#endif /* _ARCH_X86_LVD_HV_H */
