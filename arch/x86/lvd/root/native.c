// SPDX-License-Identifier: GPL-2.0
/*
 * Leaving VMX: a CPU that goes offline, reboots or kexecs, or LVD shutting
 * down, turns VMX off in root mode and returns into the kernel natively,
 * exactly where it issued the hypercall, with the state it had in non-root
 * mode.
 */

#include <linux/kernel.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/vmx.h>

#include "hv/hv.h"
#include "root/root.h"
#include "root/vcpu.h"
#include "root/vmx_ops.h"

/* What the CPU needs back from the VMCS once VMX is off. */
struct lvd_native_state {
	unsigned long cr0, cr3, cr4, rip, rsp, rflags, dr7;
	unsigned long fs_base, gs_base;
	u64 debugctl, pat, efer, sysenter_cs, sysenter_esp, sysenter_eip;
	u16 cs, ss;
	struct desc_ptr gdt, idt;
};

static noinstr void lvd_native_read(struct lvd_native_state *s)
{
	s->cr0 = lvd_vmread(GUEST_CR0);
	s->cr3 = lvd_vmread(GUEST_CR3);
	/* The guest's view of CR4: VMXE goes away with VMX. */
	s->cr4 = lvd_vmread(GUEST_CR4) & ~X86_CR4_VMXE;
	s->rip = lvd_vmread(GUEST_RIP);
	s->rsp = lvd_vmread(GUEST_RSP);
	s->rflags = lvd_vmread(GUEST_RFLAGS);
	s->dr7 = lvd_vmread(GUEST_DR7);
	s->fs_base = lvd_vmread(GUEST_FS_BASE);
	s->gs_base = lvd_vmread(GUEST_GS_BASE);
	s->debugctl = lvd_vmread(GUEST_IA32_DEBUGCTL);
	s->pat = lvd_vmread(GUEST_IA32_PAT);
	s->efer = lvd_vmread(GUEST_IA32_EFER);
	s->sysenter_cs = lvd_vmread(GUEST_SYSENTER_CS);
	s->sysenter_esp = lvd_vmread(GUEST_SYSENTER_ESP);
	s->sysenter_eip = lvd_vmread(GUEST_SYSENTER_EIP);
	s->cs = lvd_vmread(GUEST_CS_SELECTOR);
	s->ss = lvd_vmread(GUEST_SS_SELECTOR);
	s->gdt.address = lvd_vmread(GUEST_GDTR_BASE);
	s->gdt.size = lvd_vmread(GUEST_GDTR_LIMIT);
	s->idt.address = lvd_vmread(GUEST_IDTR_BASE);
	s->idt.size = lvd_vmread(GUEST_IDTR_LIMIT);
}

/*
 * The kernel's CR0 and CR4 back, pinned bits and all, without
 * native_write_cr0() and native_write_cr4(), which are not noinstr.
 */
static __always_inline void lvd_native_write_cr0(unsigned long val)
{
	asm volatile("mov %0, %%cr0" : : "r" (val) : "memory");
}

static __always_inline void lvd_native_write_cr4(unsigned long val)
{
	asm volatile("mov %0, %%cr4" : : "r" (val) : "memory");
}

/**
 * lvd_restore_kernel_tables() - load the kernel's GDT, IDT and TR again
 * @gdt: the GDTR to end with
 * @idt: the IDTR to end with
 *
 * After a VM exit the CPU runs on the hypervisor's tables. LTR marks the
 * TSS descriptor busy, so it needs the writable GDT: load that, reload TR,
 * then the GDT the kernel had (usually the read-only fixmap alias). What
 * load_direct_gdt() and force_reload_TR() do, which are not noinstr.
 */
noinstr void lvd_restore_kernel_tables(const struct desc_ptr *gdt,
				       const struct desc_ptr *idt)
{
	struct desc_struct *gdt_rw = get_cpu_gdt_rw(raw_smp_processor_id());
	struct desc_ptr gdtr_rw = {
		.address = (unsigned long)gdt_rw,
		.size = GDT_SIZE - 1,
	};

	native_load_gdt(&gdtr_rw);
	/* LTR needs the TSS available, not busy. */
	((tss_desc *)&gdt_rw[GDT_ENTRY_TSS])->type = DESC_TSS;
	asm volatile("ltr %w0" : : "q" (GDT_ENTRY_TSS * 8));
	this_cpu_write(__tss_limit_invalid, false);
	native_load_gdt(gdt);
	native_load_idt(idt);
}

/**
 * lvd_leave_vmx() - turn VMX off on this CPU and return to the kernel natively
 * @vcpu: this CPU
 * @regs: the guest's registers, restored by the caller (vmx_entry.S)
 *
 * Called in root mode after the guest's RIP was moved past the VMCALL.
 *
 * Return: %LVD_EXIT_NATIVE; vmx_entry.S then pops @regs and IRETs through
 * the frame written above them.
 */
noinstr int lvd_leave_vmx(struct lvd_vcpu *vcpu, struct lvd_guest_regs *regs)
{
	struct lvd_native_state s;
	unsigned long *frame = (unsigned long *)(regs + 1);

	lvd_native_read(&s);
	lvd_vmclear(vcpu->vmcs_pa);
	lvd_vmxoff();
	vcpu->launched = false;

	lvd_native_write_cr0(s.cr0);
	lvd_native_write_cr4(s.cr4);
	write_cr3(s.cr3);
	lvd_restore_kernel_tables(&s.gdt, &s.idt);
	native_wrmsrl(MSR_FS_BASE, s.fs_base);
	native_wrmsrl(MSR_GS_BASE, s.gs_base);
	native_wrmsrl(MSR_IA32_DEBUGCTLMSR, s.debugctl);
	native_wrmsrl(MSR_IA32_CR_PAT, s.pat);
	native_wrmsrl(MSR_EFER, s.efer);
	native_wrmsrl(MSR_IA32_SYSENTER_CS, s.sysenter_cs);
	native_wrmsrl(MSR_IA32_SYSENTER_ESP, s.sysenter_esp);
	native_wrmsrl(MSR_IA32_SYSENTER_EIP, s.sysenter_eip);
	set_debugreg(s.dr7, 7);
	/* Entries the kernel made under its VPID are not VPID 0's: flush. */
	lvd_native_write_cr4(s.cr4 ^ X86_CR4_PGE);
	lvd_native_write_cr4(s.cr4);

	/* IRET frame for vmx_entry.S: RIP, CS, RFLAGS, RSP, SS */
	frame[0] = s.rip;
	frame[1] = s.cs;
	frame[2] = s.rflags;
	frame[3] = s.rsp;
	frame[4] = s.ss;
	return LVD_EXIT_NATIVE;
}
