/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Root mode's functions: what runs in VMX root mode, on the hypervisor's
 * own stack, GDT, IDT and page table, with interrupts off, and the set-up
 * the kernel's side does for it before the launch (lvd_msr_bitmap_init(),
 * lvd_domains_init()). All of root/ is built without instrumentation
 * (root/Makefile). What runs in root mode is noinstr and calls only
 * noinstr code, which objtool checks on vmlinux.o where
 * CONFIG_NOINSTR_VALIDATION is on (CONFIG_DEBUG_ENTRY); of the set-up,
 * only what root mode calls too is noinstr.
 */
#ifndef _ARCH_X86_LVD_ROOT_ROOT_H
#define _ARCH_X86_LVD_ROOT_ROOT_H

/* lvd_handle_exit() results, shared with vmx_entry.S */
#define LVD_EXIT_RESUME		0
#define LVD_EXIT_ABORT_LAUNCH	1
#define LVD_EXIT_NATIVE		2

/* Bytes above HOST_RSP kept free for the IRET frame of a native return. */
#define LVD_HOST_RSP_RESERVE	48

#ifndef __ASSEMBLY__

#include <linux/types.h>

struct desc_ptr;
struct lvd_guest_regs;
struct lvd_hv;
struct lvd_vcpu;

/* vmx_entry.S */
int lvd_vmx_launch(unsigned long rsp_field, unsigned long rip_field);
void lvd_vmexit_entry(void);

/* exit.c */
int lvd_handle_exit(struct lvd_guest_regs *regs);
void lvd_xsetbv_init(struct lvd_hv *hv);
bool lvd_xcr0_valid(u32 index, u64 xcr0, u64 allowed);
void lvd_skip_instruction(void);
void lvd_inject_exception(unsigned int vector, bool has_error, u32 error);
void lvd_redeliver_event(void);
bool lvd_hold_event(struct lvd_vcpu *vcpu, u32 vectoring);
void lvd_preemption_timer_off(void);
unsigned int lvd_guest_cpl(void);
void lvd_root_on_nmi(void);
void __noreturn lvd_vmresume_failed(void);

/* ept_exit.c */
void lvd_exit_ept_violation(struct lvd_vcpu *vcpu);
void __noreturn lvd_exit_ept_misconfig(void);

/* msr.c */
void lvd_msr_bitmap_init(void *bitmap);
void lvd_msr_outer_init(struct lvd_hv *hv);
void lvd_msr_before_launch(void);
int lvd_exit_msr(struct lvd_vcpu *vcpu, struct lvd_guest_regs *regs,
		 bool write);

/* hypercall.c */
int lvd_exit_vmcall(struct lvd_vcpu *vcpu, struct lvd_guest_regs *regs);

/* native.c */
int lvd_leave_vmx(struct lvd_vcpu *vcpu, struct lvd_guest_regs *regs);
void lvd_restore_kernel_tables(const struct desc_ptr *gdt,
			       const struct desc_ptr *idt);

/* domain_hv.c */
int lvd_domains_init(void);
long lvd_hc_domain(unsigned long nr, unsigned long a0, unsigned long a1,
		   unsigned long a2);

#endif /* !__ASSEMBLY__ */

#endif /* _ARCH_X86_LVD_ROOT_ROOT_H */
