// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit dispatch. Runs in VMX root mode on the hypervisor's own stack,
 * GDT, IDT and page table, with interrupts off: no printk, no locks the
 * guest may hold, no sleeping. What is left exiting:
 *
 *   CPUID          always exits; emulated, with VMX hidden
 *   XSETBV, INVD   always exit; checked (as KVM does) and executed
 *   CR0/CR4 write  only when it changes a bit VMX owns (CR4.VMXE, CR0.PE/NE/PG)
 *   MSR access     only the MSRs the bitmap traps (msr.c)
 *   VMX insns      always exit; #UD, so the kernel sees no VMX
 *   VMCALL         hypercalls (hypercall.c); the kernel's others go to the
 *                  outer hypervisor
 *   NMI            re-injected when the guest can take it
 *   EPT violation  the kernel touched hypervisor memory (ept_exit.c)
 *   triple fault   the machine resets
 *   INIT, SIPI     counted and ignored: a CPU leaves VMX before it goes
 *                  offline, so none is expected
 */

#include <linux/bitfield.h>
#include <linux/cpufeature.h>
#include <linux/hardirq.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>
#include <asm/special_insns.h>
#include <asm/traps.h>
#include <asm/vmx.h>
#include <trace/events/lvd.h>

#include "hypervisor.h"
#include "hv/hv.h"
#include "root/root.h"
#include "root/world.h"
#include "root/vcpu.h"
#include "root/vmx_ops.h"

/* Set by domain/cross.c (hypervisor.h) */
unsigned long lvd_domain_idt_base;

/**
 * lvd_guest_cpl() - privilege level the guest ran at when it exited
 *
 * Return: 0 to 3 (SS.DPL is the CPL in VMX).
 */
noinstr unsigned int lvd_guest_cpl(void)
{
	return VMX_AR_DPL(lvd_vmread(GUEST_SS_AR_BYTES));
}

/**
 * lvd_skip_instruction() - step the guest past the instruction that exited
 *
 * Also ends STI and MOV-SS blocking, as executing the instruction would.
 */
noinstr void lvd_skip_instruction(void)
{
	unsigned long intr = lvd_vmread(GUEST_INTERRUPTIBILITY_INFO);

	lvd_vmwrite(GUEST_RIP, lvd_vmread(GUEST_RIP) +
		    lvd_vmread(VM_EXIT_INSTRUCTION_LEN));
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		lvd_vmwrite(GUEST_INTERRUPTIBILITY_INFO,
			    intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

/**
 * lvd_inject_exception() - deliver a hardware exception at the next entry
 * @vector: exception vector
 * @has_error: whether it pushes an error code
 * @error: the error code
 *
 * The guest's RIP stays on the faulting instruction.
 */
noinstr void lvd_inject_exception(unsigned int vector, bool has_error, u32 error)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	if (has_error) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		lvd_vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	lvd_vmwrite(VM_ENTRY_INTR_INFO_FIELD, info);
}

static noinstr void lvd_exit_cpuid(struct lvd_guest_regs *regs)
{
	u32 leaf = regs->rax, eax = leaf, ebx, ecx = regs->rcx, edx;

	/* CPUID reads EAX and ECX only: RAX's upper half is whatever it was. */
	native_cpuid(&eax, &ebx, &ecx, &edx);
	if (leaf == 1)
		ecx &= ~BIT(X86_FEATURE_VMX & 31);	/* VMX stays hidden */
	regs->rax = eax;
	regs->rbx = ebx;
	regs->rcx = ecx;
	regs->rdx = edx;
	lvd_skip_instruction();
}

/**
 * lvd_xsetbv_init() - which XCR0 bits the kernel may set under LVD
 * @hv: where to record them
 *
 * Before the launch: the state components the kernel's FPU code saves and
 * restores (the XCR0 it set at boot), of those the CPU offers in CPUID leaf
 * 0xd, as KVM lets its guest enable only what KVM and the guest's CPUID
 * support. A component beyond them would hold state that no task switch
 * saves.
 */
void lvd_xsetbv_init(struct lvd_hv *hv)
{
	u32 eax, ebx, ecx, edx;

	cpuid_count(XSTATE_CPUID, 0, &eax, &ebx, &ecx, &edx);
	hv->xcr0 = fpu_user_cfg.max_features & (((u64)edx << 32) | eax);
}

/**
 * lvd_xcr0_valid() - may XSETBV set XCR @index to @xcr0?
 * @index: the XCR (ECX)
 * @xcr0: the value (EDX:EAX)
 * @allowed: the state components that may be enabled (lvd_hv.xcr0)
 *
 * What KVM's __kvm_set_xcr() checks, which covers every value the CPU's
 * XSETBV refuses: XCR0 only; x87 always on; AVX only with SSE; AVX-512's
 * three components all or none, and only with AVX; MPX's two together;
 * AMX's two together; nothing beyond @allowed, reserved bits included.
 *
 * Return: true when it may.
 */
noinstr bool lvd_xcr0_valid(u32 index, u64 xcr0, u64 allowed)
{
	if (index != XCR_XFEATURE_ENABLED_MASK || !(xcr0 & XFEATURE_MASK_FP) ||
	    (xcr0 & ~allowed))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	if (!(xcr0 & XFEATURE_MASK_BNDREGS) != !(xcr0 & XFEATURE_MASK_BNDCSR))
		return false;
	if ((xcr0 & XFEATURE_MASK_AVX512) &&
	    ((xcr0 & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512 ||
	     !(xcr0 & XFEATURE_MASK_YMM)))
		return false;
	if ((xcr0 & XFEATURE_MASK_XTILE) &&
	    (xcr0 & XFEATURE_MASK_XTILE) != XFEATURE_MASK_XTILE)
		return false;
	return true;
}

/* A value the CPU would refuse never reaches it: #GP, in root mode, stops it. */
static noinstr void lvd_exit_xsetbv(struct lvd_guest_regs *regs)
{
	u64 value = (regs->rdx << 32) | (u32)regs->rax;

	if (lvd_guest_cpl() || !lvd_xcr0_valid(regs->rcx, value, lvd_hv.xcr0)) {
		lvd_inject_exception(X86_TRAP_GP, true, 0);
		return;
	}
	xsetbv(XCR_XFEATURE_ENABLED_MASK, value);
	lvd_skip_instruction();
}

/* MOV to CR0/CR4 that touched a bit VMX owns: emulate it whole. */
static noinstr void lvd_exit_cr_access(struct lvd_guest_regs *regs)
{
	unsigned long qual = lvd_vmread(EXIT_QUALIFICATION);
	unsigned int cr = FIELD_GET(LVD_CR_ACCESS_NUM, qual);
	unsigned int reg = FIELD_GET(CONTROL_REG_ACCESS_REG, qual);
	const struct lvd_vmx_msrs *m = &lvd_hv.msrs;
	unsigned long val, old;

	/* struct lvd_guest_regs is in the exit qualification's register order */
	val = (qual & CONTROL_REG_ACCESS_REG) == REG_ESP ? lvd_vmread(GUEST_RSP) :
	      ((unsigned long *)regs)[reg];
	if ((qual & CONTROL_REG_ACCESS_TYPE) != LVD_TYPE_MOV_TO_CR ||
	    (cr != 0 && cr != 4)) {
		lvd_inject_exception(X86_TRAP_UD, false, 0);
		return;
	}
	if (cr == 0) {
		u64 fixed = m->cr0_fixed0 & m->cr0_fixed1;

		/* The kernel cannot turn paging, protection or NE off under VMX. */
		if ((val & fixed) != fixed || (val & ~m->cr0_fixed1)) {
			lvd_inject_exception(X86_TRAP_GP, true, 0);
			return;
		}
		lvd_vmwrite(GUEST_CR0, val);
		lvd_vmwrite(CR0_READ_SHADOW, val);
	} else {
		if (val & ~m->cr4_fixed1) {
			lvd_inject_exception(X86_TRAP_GP, true, 0);
			return;
		}
		old = lvd_vmread(GUEST_CR4);
		/* VMXE stays on underneath; the guest sees what it wrote. */
		lvd_vmwrite(GUEST_CR4, val | m->cr4_fixed0);
		lvd_vmwrite(CR4_READ_SHADOW, val);
		if ((old ^ val) & (X86_CR4_PGE | X86_CR4_PCIDE))
			lvd_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, LVD_KERNEL_VPID);
	}
	lvd_skip_instruction();
}

static __always_inline void lvd_request_nmi_window(void)
{
	lvd_vmcs_set_bits(CPU_BASED_VM_EXEC_CONTROL, CPU_BASED_NMI_WINDOW_EXITING);
}

/**
 * lvd_root_on_nmi() - an NMI arrived while this CPU was in root mode
 *
 * Called from the root-mode IDT's NMI stub. The guest gets it as soon as it
 * can take an NMI: ask for an NMI-window exit.
 */
noinstr void lvd_root_on_nmi(void)
{
	struct lvd_vcpu *vcpu = this_cpu_read(lvd_vcpu);

	vcpu->stats.root_nmi++;
	WRITE_ONCE(vcpu->nmi_pending, true);
	lvd_request_nmi_window();
}

/**
 * lvd_redeliver_event() - deliver again what the exit interrupted
 *
 * An exit that came while the CPU delivered an event (an NMI during an
 * interrupt's delivery, for one) leaves that event in the IDT-vectoring
 * information; unless this exit injects something itself, inject the event
 * again, or it is lost.
 */
noinstr void lvd_redeliver_event(void)
{
	u32 vectoring = lvd_vmread(IDT_VECTORING_INFO_FIELD);

	if (!(vectoring & VECTORING_INFO_VALID_MASK) ||
	    (lvd_vmread(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK))
		return;
	/*
	 * Bit 12 of the vectoring information is undefined and bits 30:13
	 * are 0; VM entry wants all of them 0.
	 */
	lvd_vmwrite(VM_ENTRY_INTR_INFO_FIELD,
		    vectoring & ~INTR_INFO_RESVD_BITS_MASK);
	if (vectoring & VECTORING_INFO_DELIVER_CODE_MASK)
		lvd_vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE,
			    lvd_vmread(IDT_VECTORING_ERROR_CODE));
	lvd_vmwrite(VM_ENTRY_INSTRUCTION_LEN,
		    lvd_vmread(VM_EXIT_INSTRUCTION_LEN));
}

/**
 * lvd_hold_event() - deliver the event the CPU was delivering later
 * @vcpu: this CPU
 * @vectoring: its IDT-vectoring information
 *
 * For an exit that injects an exception of its own in place of the event
 * that the exit interrupted: an external interrupt waits for the next
 * interrupt window, an NMI for the NMI window; an exception is dropped, as
 * the injected one stops the instruction that raised it. A machine check
 * is not held (nor dropped), nor a second interrupt while one waits.
 *
 * Return: true when the caller may inject its exception, false when the
 * event must be delivered again now (lvd_redeliver_event()).
 */
noinstr bool lvd_hold_event(struct lvd_vcpu *vcpu, u32 vectoring)
{
	switch (vectoring & INTR_INFO_INTR_TYPE_MASK) {
	case INTR_TYPE_EXT_INTR:
		if (vcpu->held_intr)
			return false;
		vcpu->held_intr = vectoring & (VECTORING_INFO_VALID_MASK |
					       INTR_INFO_INTR_TYPE_MASK |
					       VECTORING_INFO_VECTOR_MASK);
		lvd_vmcs_set_bits(CPU_BASED_VM_EXEC_CONTROL,
				  CPU_BASED_INTR_WINDOW_EXITING);
		return true;
	case INTR_TYPE_NMI_INTR:
		vcpu->nmi_pending = true;	/* lvd_deliver_nmi() waits */
		return true;
	case INTR_TYPE_HARD_EXCEPTION:
		return (vectoring & VECTORING_INFO_VECTOR_MASK) != X86_TRAP_MC;
	}
	return true;
}

/* The interrupt lvd_hold_event() put off, now that the guest can take it. */
static noinstr void lvd_deliver_held_intr(struct lvd_vcpu *vcpu)
{
	if (!vcpu->held_intr ||
	    (lvd_vmread(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK))
		return;
	lvd_vmwrite(VM_ENTRY_INTR_INFO_FIELD, vcpu->held_intr);
	vcpu->held_intr = 0;
}

/*
 * With the domains' IDT loaded at CPL 0, the CPU is in the trampoline
 * (cross_64.S), which runs with interrupts off and takes no NMI: the NMI
 * waits for an interrupt window, in the domain (whose stub takes it to
 * the kernel) or in the kernel after the crossing.
 */
static noinstr bool lvd_hold_nmi_in_crossing(void)
{
	unsigned long idt = READ_ONCE(lvd_domain_idt_base);

	if (!idt || lvd_vmread(GUEST_IDTR_BASE) != idt || lvd_guest_cpl())
		return false;
	lvd_vmcs_set_bits(CPU_BASED_VM_EXEC_CONTROL, CPU_BASED_INTR_WINDOW_EXITING);
	return true;
}

static noinstr void lvd_deliver_nmi(struct lvd_vcpu *vcpu)
{
	u32 intr = lvd_vmread(GUEST_INTERRUPTIBILITY_INFO);

	if (!READ_ONCE(vcpu->nmi_pending))
		return;
	if (lvd_hold_nmi_in_crossing())
		return;
	/* Another event goes first: the NMI follows once the guest can take it. */
	if ((lvd_vmread(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK) ||
	    (intr & (GUEST_INTR_STATE_NMI | GUEST_INTR_STATE_STI |
		     GUEST_INTR_STATE_MOV_SS))) {
		lvd_request_nmi_window();
		return;
	}
	WRITE_ONCE(vcpu->nmi_pending, false);
	lvd_vmwrite(VM_ENTRY_INTR_INFO_FIELD,
		    NMI_VECTOR | INTR_TYPE_NMI_INTR | INTR_INFO_VALID_MASK);
	lvd_vmcs_clear_bits(CPU_BASED_VM_EXEC_CONTROL, CPU_BASED_NMI_WINDOW_EXITING);
	/*
	 * An NMI that hit root mode since nmi_pending was cleared may have
	 * asked for a window that the write above took away: ask again, or
	 * it would wait for the next exit.
	 */
	if (READ_ONCE(vcpu->nmi_pending))
		lvd_request_nmi_window();
}

/**
 * lvd_preemption_timer_off() - stop this CPU's VMX-preemption timer
 *
 * Saving the timer at exits is allowed only while it is active (SDM
 * 26.2.1.2): both controls go off together.
 */
noinstr void lvd_preemption_timer_off(void)
{
	lvd_vmcs_clear_bits(PIN_BASED_VM_EXEC_CONTROL,
			    PIN_BASED_VMX_PREEMPTION_TIMER);
	lvd_vmcs_clear_bits(VM_EXIT_CONTROLS, VM_EXIT_SAVE_VMX_PREEMPTION_TIMER);
}

static noinstr void lvd_exit_exception_nmi(struct lvd_vcpu *vcpu)
{
	u32 info = lvd_vmread(VM_EXIT_INTR_INFO);

	if ((info & INTR_INFO_INTR_TYPE_MASK) != INTR_TYPE_NMI_INTR)
		lvd_root_fatal("exception exit with an empty exception bitmap");
	vcpu->stats.nmi++;
	vcpu->nmi_pending = true;
}

/* The guest triple-faulted: that is how x86 kernels reboot, too. */
static noinstr void __noreturn lvd_exit_triple_fault(void)
{
	int i;

	for (i = 0; i < 10; i++) {
		outb(0xfe, 0x64);	/* keyboard controller: pulse reset */
		outb(0x06, 0xcf9);	/* PCI reset control: hard reset */
	}
	lvd_root_fatal("guest triple fault, and the machine did not reset");
}

static noinstr void lvd_count_exit(struct lvd_vcpu *vcpu, unsigned int reason)
{
	if (reason >= LVD_EXIT_REASONS)
		reason = LVD_EXIT_REASONS - 1;
	if (lvd_guest_cpl())
		vcpu->stats.user[reason]++;
	else
		vcpu->stats.kernel[reason]++;
}

/*
 * The lvd_exit event, when it is enabled. Root mode interrupts the kernel
 * anywhere, as an NMI does, so the probes run in NMI context: RCU watches,
 * the ring buffer nests as for an NMI, and nothing schedules on the way
 * out. Off, this is one patched jump.
 *
 * The one call from root mode into instrumented kernel code, and only
 * while the event is on: the tracing code runs as it would in an NMI, on
 * the kernel's mappings (root mode's page table maps the kernel half),
 * with interrupts off. What it must not do is trap: a breakpoint or fault
 * in it reaches root mode's IDT and stops the CPU (lvd_root_exception()).
 */
static noinstr void lvd_trace_exit(u32 reason)
{
	if (!trace_lvd_exit_enabled())
		return;
	nmi_enter();
	instrumentation_begin();
	trace_lvd_exit(reason, lvd_vmread(GUEST_RIP),
		       lvd_vmread(EXIT_QUALIFICATION), lvd_guest_cpl());
	instrumentation_end();
	nmi_exit();
}

static noinstr int lvd_dispatch_exit(struct lvd_vcpu *vcpu, struct lvd_guest_regs *regs,
				     unsigned int reason)
{
	switch (reason) {
	case EXIT_REASON_EXCEPTION_NMI:
		lvd_exit_exception_nmi(vcpu);
		break;
	case EXIT_REASON_NMI_WINDOW:
		break;	/* lvd_deliver_nmi() does it */
	case EXIT_REASON_PREEMPTION_TIMER:
		/* The domain watchdog's timer (LVD_HC_WATCHDOG): once, an NMI */
		lvd_preemption_timer_off();
		vcpu->nmi_pending = true;
		break;
	case EXIT_REASON_INTERRUPT_WINDOW:
		/*
		 * Out of a crossing that held an NMI (lvd_deliver_nmi()), or
		 * an interrupt put off by lvd_hold_event()
		 */
		lvd_vmcs_clear_bits(CPU_BASED_VM_EXEC_CONTROL,
				    CPU_BASED_INTR_WINDOW_EXITING);
		lvd_deliver_held_intr(vcpu);
		break;
	case EXIT_REASON_CPUID:
		lvd_exit_cpuid(regs);
		break;
	case EXIT_REASON_XSETBV:
		lvd_exit_xsetbv(regs);
		break;
	case EXIT_REASON_INVD:
		native_wbinvd();	/* never drop dirty lines: write them back */
		lvd_skip_instruction();
		break;
	case EXIT_REASON_CR_ACCESS:
		lvd_exit_cr_access(regs);
		break;
	case EXIT_REASON_MSR_READ:
	case EXIT_REASON_MSR_WRITE:
		return lvd_exit_msr(vcpu, regs, reason == EXIT_REASON_MSR_WRITE);
	case EXIT_REASON_VMCALL:
		return lvd_exit_vmcall(vcpu, regs);
	case EXIT_REASON_EPT_VIOLATION:
		lvd_exit_ept_violation(vcpu);
		break;
	case EXIT_REASON_EPT_MISCONFIG:
		lvd_exit_ept_misconfig();
	case EXIT_REASON_VMCLEAR: case EXIT_REASON_VMLAUNCH:
	case EXIT_REASON_VMPTRLD: case EXIT_REASON_VMPTRST:
	case EXIT_REASON_VMREAD: case EXIT_REASON_VMRESUME:
	case EXIT_REASON_VMWRITE: case EXIT_REASON_VMOFF:
	case EXIT_REASON_VMON: case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID: case EXIT_REASON_VMFUNC:
		lvd_inject_exception(X86_TRAP_UD, false, 0);
		break;
	case EXIT_REASON_TRIPLE_FAULT:
		lvd_exit_triple_fault();
	case EXIT_REASON_INIT_SIGNAL:
	case EXIT_REASON_SIPI_SIGNAL:
		break;
	default:
		lvd_root_fatal("unexpected VM exit");
	}
	return LVD_EXIT_RESUME;
}

/**
 * lvd_handle_exit() - handle one VM exit
 * @regs: the guest's general-purpose registers, saved by lvd_vmexit_entry
 *
 * Return: %LVD_EXIT_RESUME to VMRESUME, %LVD_EXIT_ABORT_LAUNCH when the
 * first VMLAUNCH failed on guest state, %LVD_EXIT_NATIVE when this CPU left
 * VMX and returns to the kernel natively.
 */
noinstr int lvd_handle_exit(struct lvd_guest_regs *regs)
{
	struct lvd_vcpu *vcpu = this_cpu_read(lvd_vcpu);
	u32 reason = lvd_vmread(VM_EXIT_REASON);
	int ret;

	vcpu->exit_reason = reason;
	if (reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		vcpu->exit_qual = lvd_vmread(EXIT_QUALIFICATION);
		if (!vcpu->launched)
			return LVD_EXIT_ABORT_LAUNCH;
		lvd_root_fatal("VM entry failed after launch");
	}
	vcpu->launched = true;

	reason = FIELD_GET(LVD_EXIT_REASON_BASIC, reason);
	lvd_count_exit(vcpu, reason);
	lvd_trace_exit(reason);
	ret = lvd_dispatch_exit(vcpu, regs, reason);
	if (ret == LVD_EXIT_RESUME) {
		lvd_redeliver_event();
		lvd_deliver_nmi(vcpu);
	}
	return ret;
}

/**
 * lvd_vmresume_failed() - VMRESUME itself failed (VMfail)
 *
 * The VMCS is broken: there is no guest to return to.
 */
noinstr void __noreturn lvd_vmresume_failed(void)
{
	lvd_root_fatal("VMRESUME failed");
}
