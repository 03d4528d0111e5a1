/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU state of the hypervisor: one "vCPU" per physical CPU, since the
 * kernel itself is the only guest and each CPU runs it.
 */
#ifndef _ARCH_X86_LVD_VCPU_H
#define _ARCH_X86_LVD_VCPU_H

#include <linux/percpu.h>
#include <linux/processor.h>
#include <linux/types.h>
#include <asm/desc_defs.h>
#include <uapi/asm/vmx.h>

/* Exit reasons we count; every basic exit reason fits below this. */
#define LVD_EXIT_REASONS	80

/**
 * struct lvd_guest_regs - the guest's general-purpose registers at an exit
 *
 * Pushed by lvd_vmexit_entry in this order (the layout is shared with
 * vmx_entry.S); indexed by the register numbers of exit qualifications.
 * RSP lives in the VMCS, its slot only keeps the stack aligned.
 */
struct lvd_guest_regs {
	unsigned long rax, rcx, rdx, rbx, rsp_unused, rbp, rsi, rdi;
	unsigned long r8, r9, r10, r11, r12, r13, r14, r15;
};

/**
 * struct lvd_exit_stats - what exited, and from where
 * @kernel: exits per basic reason while the guest ran at CPL0
 * @user: exits per basic reason while the guest ran at CPL3
 * @nmi: NMIs that exited (counted apart from exceptions)
 * @root_nmi: NMIs that arrived while the CPU was in root mode
 * @ept_kernel: EPT violations caused by the kernel's view (CPL 0 or 3)
 * @ept_domain: EPT violations in a domain's view
 * @ept_last_gpa: guest-physical address of the last EPT violation
 * @ept_last_gva: its guest-linear address, or 0 when the CPU gave none
 * @ept_last_qual: its exit qualification
 */
struct lvd_exit_stats {
	u64 kernel[LVD_EXIT_REASONS];
	u64 user[LVD_EXIT_REASONS];
	u64 nmi;
	u64 root_nmi;
	u64 ept_kernel;
	u64 ept_domain;
	u64 ept_last_gpa;
	u64 ept_last_gva;
	u64 ept_last_qual;
};

/**
 * struct lvd_root - the CPU's root-mode world, all in hypervisor memory
 * @gdt: its own GDT (a copy of the kernel's, with its own TSS)
 * @idt: its own IDT: no Linux handler ever runs in root mode
 * @tss: its own TSS, whose IST stacks take NMIs, #DF and #MC
 * @stack_top: top of the exit-handler stack
 */
struct lvd_root {
	struct desc_struct *gdt;
	gate_desc *idt;
	struct x86_hw_tss *tss;
	unsigned long stack_top;
};

/**
 * struct lvd_vcpu - one CPU under the hypervisor
 * @cpu: the CPU's number
 * @vmxon: VMXON region
 * @vmxon_pa: its physical address
 * @vmcs: VMCS region
 * @vmcs_pa: its physical address
 * @root: root-mode GDT, IDT, TSS and stacks
 * @launched: VMLAUNCH succeeded: the CPU runs the kernel in non-root mode
 * @launch_failed_entry: the launch ended in a failed-entry VM exit
 * @nmi_pending: an NMI arrived in root mode or exited; inject it
 * @held_intr: an external interrupt whose delivery the hypervisor put off
 *	(its IDT-vectoring information), injected at the next interrupt window
 * @entry_error: VM-instruction error of a failed VMLAUNCH/VMRESUME
 * @exit_reason: the last exit's full reason field
 * @exit_qual: the last failed entry's exit qualification
 * @stats: exit counters
 */
struct lvd_vcpu {
	unsigned int cpu;
	void *vmxon;
	phys_addr_t vmxon_pa;
	void *vmcs;
	phys_addr_t vmcs_pa;
	struct lvd_root root;
	bool launched;
	bool launch_failed_entry;
	bool nmi_pending;
	u32 held_intr;
	u32 entry_error;
	u32 exit_reason;
	unsigned long exit_qual;
	struct lvd_exit_stats stats;
};

DECLARE_PER_CPU(struct lvd_vcpu *, lvd_vcpu);

#endif /* _ARCH_X86_LVD_VCPU_H */
