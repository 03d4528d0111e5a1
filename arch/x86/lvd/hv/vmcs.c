// SPDX-License-Identifier: GPL-2.0
/*
 * The VMCS of a late launch: controls chosen so that almost nothing exits,
 * host state that is the hypervisor's own world, and guest state that is
 * this CPU's current state, so that the kernel carries on where it was.
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/kernel.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/vmx.h>

#include "hv/hv.h"
#include "root/root.h"
#include "root/world.h"
#include "root/vcpu.h"
#include "root/vmx_ops.h"

/* Guest segment fields: ES, CS, SS, DS, FS, GS, LDTR, TR, 2 apart. */
enum lvd_seg { LVD_ES, LVD_CS, LVD_SS, LVD_DS, LVD_FS, LVD_GS, LVD_LDTR, LVD_TR };

/*
 * Collects the first VMWRITE that fails, so setup reads straight through;
 * lvd_vmcs_setup() returns its field, which the launch reports.
 */
struct lvd_vmcs_writer {
	unsigned long failed_field;
	bool failed;
};

static void lvd_w(struct lvd_vmcs_writer *w, unsigned long field,
		  unsigned long value)
{
	if (!__lvd_vmwrite(field, value) && !w->failed) {
		w->failed = true;
		w->failed_field = field;
	}
}

/*
 * A control value: what we want, plus what the CPU forces on, minus what
 * it cannot do. -EIO when a wanted bit is unavailable or a refused bit is
 * forced on.
 */
static int lvd_adjust_controls(u32 want, u32 refuse, u64 cap_msr, u32 *out)
{
	u32 must = lower_32_bits(cap_msr), may = upper_32_bits(cap_msr);

	if ((want & ~may) || (refuse & must))
		return -EIO;
	*out = want | must;
	return 0;
}

/**
 * lvd_vmcs_controls() - compute the VMX controls of the kernel's VMCS
 * @caps: decoded capabilities
 * @msrs: the capability MSRs (TRUE MSRs where offered)
 * @ctl: where to store the controls
 *
 * No exits for external interrupts, exceptions, HLT, I/O or CR3 accesses;
 * MSR bitmaps; EPT, VPID, VM functions; RDTSCP, INVPCID and XSAVES allowed.
 * NMIs exit (virtual NMIs) so that one that arrives while a CPU is in root
 * mode can be re-injected exactly when the guest can take it.
 *
 * Return: 0, or -EIO naming nothing: the caller reports which control.
 */
int lvd_vmcs_controls(const struct lvd_caps *caps,
		      const struct lvd_vmx_msrs *msrs,
		      struct lvd_vmcs_ctl *ctl)
{
	u32 sec = SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID |
		  SECONDARY_EXEC_ENABLE_VMFUNC | SECONDARY_EXEC_ENABLE_RDTSCP |
		  SECONDARY_EXEC_ENABLE_INVPCID;
	u32 entry = VM_ENTRY_IA32E_MODE, exit = VM_EXIT_HOST_ADDR_SPACE_SIZE;

	if (lvd_caps_has(caps, LVD_CAP_XSAVES))
		sec |= SECONDARY_EXEC_ENABLE_XSAVES;
	if (lvd_caps_has(caps, LVD_CAP_LOAD_EFER)) {
		entry |= VM_ENTRY_LOAD_IA32_EFER;
		exit |= VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_IA32_EFER;
	}
	if (lvd_caps_has(caps, LVD_CAP_LOAD_PAT)) {
		entry |= VM_ENTRY_LOAD_IA32_PAT;
		exit |= VM_EXIT_LOAD_IA32_PAT | VM_EXIT_SAVE_IA32_PAT;
	}

	if (lvd_adjust_controls(PIN_BASED_NMI_EXITING | PIN_BASED_VIRTUAL_NMIS,
				PIN_BASED_EXT_INTR_MASK, msrs->pinbased,
				&ctl->pin)) {
		ctl->what = "pin-based (NMI exiting, virtual NMIs, no interrupt exiting)";
		return -EIO;
	}
	if (lvd_adjust_controls(CPU_BASED_USE_MSR_BITMAPS |
				CPU_BASED_ACTIVATE_SECONDARY_CONTROLS,
				CPU_BASED_HLT_EXITING | CPU_BASED_CR3_LOAD_EXITING |
				CPU_BASED_CR3_STORE_EXITING |
				CPU_BASED_UNCOND_IO_EXITING |
				CPU_BASED_USE_IO_BITMAPS |
				CPU_BASED_MOV_DR_EXITING,
				msrs->procbased, &ctl->proc)) {
		ctl->what = "processor-based (MSR bitmaps, no CR3/HLT/I/O exiting)";
		return -EIO;
	}
	if (lvd_adjust_controls(sec, 0, msrs->procbased2, &ctl->proc2)) {
		ctl->what = "secondary (EPT, VPID, VM functions, RDTSCP, INVPCID)";
		return -EIO;
	}
	if (lvd_adjust_controls(exit, VM_EXIT_ACK_INTR_ON_EXIT, msrs->exit,
				&ctl->exit)) {
		ctl->what = "VM-exit (64-bit host)";
		return -EIO;
	}
	if (lvd_adjust_controls(entry, 0, msrs->entry, &ctl->entry)) {
		ctl->what = "VM-entry (IA-32e guest)";
		return -EIO;
	}
	return 0;
}

static void lvd_vmcs_write_controls(struct lvd_vmcs_writer *w,
				    const struct lvd_hv *hv)
{
	const struct lvd_vmcs_ctl *ctl = &hv->ctl;
	u64 cr0_fixed = hv->msrs.cr0_fixed0 & hv->msrs.cr0_fixed1;

	lvd_w(w, PIN_BASED_VM_EXEC_CONTROL, ctl->pin);
	lvd_w(w, CPU_BASED_VM_EXEC_CONTROL, ctl->proc);
	lvd_w(w, SECONDARY_VM_EXEC_CONTROL, ctl->proc2);
	lvd_w(w, VM_EXIT_CONTROLS, ctl->exit);
	lvd_w(w, VM_ENTRY_CONTROLS, ctl->entry);
	lvd_w(w, EXCEPTION_BITMAP, 0);
	lvd_w(w, PAGE_FAULT_ERROR_CODE_MASK, 0);
	lvd_w(w, PAGE_FAULT_ERROR_CODE_MATCH, 0);
	lvd_w(w, CR3_TARGET_COUNT, 0);
	lvd_w(w, VM_EXIT_MSR_STORE_COUNT, 0);
	lvd_w(w, VM_EXIT_MSR_LOAD_COUNT, 0);
	lvd_w(w, VM_ENTRY_MSR_LOAD_COUNT, 0);
	lvd_w(w, VM_ENTRY_INTR_INFO_FIELD, 0);
	lvd_w(w, MSR_BITMAP, hv->msr_bitmap_pa);
	lvd_w(w, VIRTUAL_PROCESSOR_ID, LVD_KERNEL_VPID);
	lvd_w(w, EPT_POINTER, hv->kernel_eptp);
	/* VMFUNC 0 switches among the EPTs of the list, without an exit. */
	lvd_w(w, VM_FUNCTION_CONTROL, VMX_VMFUNC_EPTP_SWITCHING);
	lvd_w(w, EPTP_LIST_ADDRESS, hv->eptp_list_pa);

	/*
	 * CR0/CR4 bits that VMX needs fixed are owned by the hypervisor: the
	 * guest reads its shadow (CR4.VMXE reads as 0, VMX stays hidden) and
	 * a write that changes one exits.
	 */
	lvd_w(w, CR0_GUEST_HOST_MASK, cr0_fixed);
	lvd_w(w, CR0_READ_SHADOW, native_read_cr0());
	lvd_w(w, CR4_GUEST_HOST_MASK, hv->msrs.cr4_fixed0);
	lvd_w(w, CR4_READ_SHADOW, __read_cr4() & ~hv->msrs.cr4_fixed0);
}

/* A VMCS field that takes the current value of an MSR. */
struct lvd_msr_field {
	u32 msr;
	unsigned long field;
};

/* Root mode runs with the kernel's values of these. */
static const struct lvd_msr_field lvd_host_msrs[] = {
	{ MSR_IA32_SYSENTER_CS, HOST_IA32_SYSENTER_CS },
	{ MSR_IA32_SYSENTER_ESP, HOST_IA32_SYSENTER_ESP },
	{ MSR_IA32_SYSENTER_EIP, HOST_IA32_SYSENTER_EIP },
	{ MSR_IA32_CR_PAT, HOST_IA32_PAT },
	{ MSR_EFER, HOST_IA32_EFER },
};

/* The kernel carries on with its own. */
static const struct lvd_msr_field lvd_guest_msrs[] = {
	{ MSR_IA32_DEBUGCTLMSR, GUEST_IA32_DEBUGCTL },
	{ MSR_IA32_SYSENTER_CS, GUEST_SYSENTER_CS },
	{ MSR_IA32_SYSENTER_ESP, GUEST_SYSENTER_ESP },
	{ MSR_IA32_SYSENTER_EIP, GUEST_SYSENTER_EIP },
	{ MSR_IA32_CR_PAT, GUEST_IA32_PAT },
	{ MSR_EFER, GUEST_IA32_EFER },
};

static void lvd_vmcs_write_msrs(struct lvd_vmcs_writer *w,
				const struct lvd_msr_field *t, size_t n)
{
	u64 msr;
	size_t i;

	for (i = 0; i < n; i++) {
		rdmsrl(t[i].msr, msr);
		lvd_w(w, t[i].field, msr);
	}
}

static void lvd_vmcs_write_host(struct lvd_vmcs_writer *w,
				const struct lvd_vcpu *vcpu)
{
	const struct lvd_root *root = &vcpu->root;
	u64 msr;

	lvd_w(w, HOST_CR0, native_read_cr0());
	lvd_w(w, HOST_CR3, lvd_root_cr3());
	lvd_w(w, HOST_CR4, __read_cr4());
	lvd_w(w, HOST_CS_SELECTOR, __KERNEL_CS);
	lvd_w(w, HOST_SS_SELECTOR, __KERNEL_DS);
	lvd_w(w, HOST_DS_SELECTOR, 0);
	lvd_w(w, HOST_ES_SELECTOR, 0);
	lvd_w(w, HOST_FS_SELECTOR, 0);
	lvd_w(w, HOST_GS_SELECTOR, 0);
	lvd_w(w, HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	lvd_w(w, HOST_FS_BASE, 0);
	/* The kernel's per-CPU base: root-mode C code may use %gs. */
	rdmsrl(MSR_GS_BASE, msr);
	lvd_w(w, HOST_GS_BASE, msr);
	lvd_w(w, HOST_TR_BASE, (unsigned long)root->tss);
	lvd_w(w, HOST_GDTR_BASE, (unsigned long)root->gdt);
	lvd_w(w, HOST_IDTR_BASE, (unsigned long)root->idt);
	lvd_vmcs_write_msrs(w, lvd_host_msrs, ARRAY_SIZE(lvd_host_msrs));
	/* Room for an IRET frame above the saved registers (vmx_entry.S). */
	lvd_w(w, HOST_RSP, root->stack_top - LVD_HOST_RSP_RESERVE);
	lvd_w(w, HOST_RIP, (unsigned long)lvd_vmexit_entry);
}

/* Access rights of a GDT descriptor, as the VMCS wants them. */
static u32 lvd_desc_ar(const struct desc_struct *d)
{
	return d->type | (d->s ? VMX_AR_S_MASK : 0) |
	       d->dpl << VMX_AR_DPL_SHIFT | (d->p ? VMX_AR_P_MASK : 0) |
	       (d->avl ? LVD_VMX_AR_AVL_MASK : 0) | (d->l ? VMX_AR_L_MASK : 0) |
	       (d->d ? VMX_AR_DB_MASK : 0) | (d->g ? VMX_AR_G_MASK : 0);
}

static void lvd_vmcs_write_segment(struct lvd_vmcs_writer *w, enum lvd_seg seg,
				   u16 sel, const struct desc_ptr *gdt,
				   unsigned long base)
{
	const struct desc_struct *d = (void *)gdt->address +
		(sel & ~(SEGMENT_TI_MASK | SEGMENT_RPL_MASK));
	u32 ar = VMX_AR_UNUSABLE_MASK, limit = 0;

	/* A null selector is "unusable"; its DPL still says CPL for SS. */
	if (sel & ~SEGMENT_RPL_MASK) {
		ar = lvd_desc_ar(d);
		limit = get_desc_limit(d);
		if (d->g)
			limit = (limit << 12) | 0xfff;
		if (seg == LVD_TR || seg == LVD_LDTR)
			base = get_desc_base(d) |
			       ((unsigned long)((const struct ldttss_desc *)d)->base3 << 32);
	}
	lvd_w(w, GUEST_ES_SELECTOR + 2 * seg, sel);
	lvd_w(w, GUEST_ES_LIMIT + 2 * seg, limit);
	lvd_w(w, GUEST_ES_AR_BYTES + 2 * seg, ar);
	lvd_w(w, GUEST_ES_BASE + 2 * seg, base);
}

static void lvd_vmcs_write_guest(struct lvd_vmcs_writer *w)
{
	struct desc_ptr gdt, idt;
	unsigned long dr7;
	u16 sel;
	u64 msr;

	native_store_gdt(&gdt);
	store_idt(&idt);

	lvd_w(w, GUEST_CR0, native_read_cr0());
	lvd_w(w, GUEST_CR3, __native_read_cr3());
	lvd_w(w, GUEST_CR4, __read_cr4());
	get_debugreg(dr7, 7);
	lvd_w(w, GUEST_DR7, dr7);
	lvd_w(w, GUEST_RFLAGS, native_save_fl());
	lvd_w(w, GUEST_GDTR_BASE, gdt.address);
	lvd_w(w, GUEST_GDTR_LIMIT, gdt.size);
	lvd_w(w, GUEST_IDTR_BASE, idt.address);
	lvd_w(w, GUEST_IDTR_LIMIT, idt.size);

	savesegment(es, sel);
	lvd_vmcs_write_segment(w, LVD_ES, sel, &gdt, 0);
	savesegment(cs, sel);
	lvd_vmcs_write_segment(w, LVD_CS, sel, &gdt, 0);
	savesegment(ss, sel);
	lvd_vmcs_write_segment(w, LVD_SS, sel, &gdt, 0);
	savesegment(ds, sel);
	lvd_vmcs_write_segment(w, LVD_DS, sel, &gdt, 0);
	savesegment(fs, sel);
	rdmsrl(MSR_FS_BASE, msr);
	lvd_vmcs_write_segment(w, LVD_FS, sel, &gdt, msr);
	savesegment(gs, sel);
	rdmsrl(MSR_GS_BASE, msr);
	lvd_vmcs_write_segment(w, LVD_GS, sel, &gdt, msr);
	asm volatile("sldt %0" : "=r" (sel));
	lvd_vmcs_write_segment(w, LVD_LDTR, sel, &gdt, 0);
	asm volatile("str %0" : "=r" (sel));
	lvd_vmcs_write_segment(w, LVD_TR, sel, &gdt, 0);

	lvd_vmcs_write_msrs(w, lvd_guest_msrs, ARRAY_SIZE(lvd_guest_msrs));

	lvd_w(w, GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	lvd_w(w, GUEST_INTERRUPTIBILITY_INFO, 0);
	lvd_w(w, GUEST_PENDING_DBG_EXCEPTIONS, 0);
	lvd_w(w, VMCS_LINK_POINTER, -1ull);
}

/**
 * lvd_vmcs_setup() - fill the current VMCS for a late launch on this CPU
 * @hv: the hypervisor's shared state (controls, bitmaps)
 * @vcpu: this CPU's state
 *
 * Runs on the CPU being launched, with interrupts off, after VMPTRLD.
 * GUEST_RSP and GUEST_RIP are written by lvd_vmx_launch() itself.
 *
 * Return: 0, or the encoding of the first field whose VMWRITE failed.
 */
unsigned long lvd_vmcs_setup(const struct lvd_hv *hv,
			     const struct lvd_vcpu *vcpu)
{
	struct lvd_vmcs_writer w = { };

	lvd_vmcs_write_controls(&w, hv);
	lvd_vmcs_write_host(&w, vcpu);
	lvd_vmcs_write_guest(&w);
	return w.failed ? w.failed_field ?: ~0ul : 0;
}
