// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls (arch/x86/lvd/hypervisor.h). Every one checks who is calling:
 * only the kernel, at CPL 0 and under its own EPT, may call; user space
 * gets #UD, as it would without a hypervisor, and any other view -EPERM.
 * The kernel's VMCALLs without LVD's signature belong to the hypervisor
 * LVD runs under, if any (KVM's PV IPIs and spinlock kicks): forwarded.
 */

#include <linux/errno.h>
#include <linux/mm.h>
#include <asm/traps.h>
#include <asm/vmx.h>
#include "hypervisor.h"

#include "hv/hv.h"
#include "root/root.h"
#include "hv/pool.h"
#include "root/world.h"
#include "root/vcpu.h"
#include "root/vmx_ops.h"

/* Copy this CPU's exit counters into a kernel buffer the caller named. */
static noinstr long lvd_hc_read_stats(struct lvd_vcpu *vcpu, unsigned long pa,
				      unsigned long size)
{
	bool ram;

	/*
	 * pfn_valid() is kernel code: an inline function, but its RCU-sched
	 * read lock's preempt_enable() may call preempt_schedule(), which
	 * returns at once with interrupts off, as they are here.
	 */
	instrumentation_begin();
	ram = pfn_valid(PHYS_PFN(pa));
	instrumentation_end();
	/* Whole buffer in one page of ordinary kernel RAM, not ours. */
	if (offset_in_page(pa) + size > PAGE_SIZE || !ram ||
	    lvd_pool_contains(pa))
		return -EFAULT;
	if (size != sizeof(vcpu->stats))
		return -EINVAL;
	__memcpy(__va(pa), &vcpu->stats, size);
	return 0;
}

/*
 * Arm this CPU's VMX-preemption timer for @tsc TSC cycles, or disarm it (0).
 * When it expires, once, the guest gets an NMI (EXIT_REASON_PREEMPTION_TIMER
 * in exit.c): the domain watchdog's, for calls made with interrupts off
 * when no other CPU can send one. Where the CPU can save the timer at each
 * exit, it counts guest time across exits (a domain's CPUID loop does not
 * restart it); elsewhere from the last VM entry.
 */
static noinstr long lvd_hc_watchdog(unsigned long tsc)
{
	u64 ticks;

	if (!(lvd_hv.msrs.pinbased & LVD_VMX_ALLOWED1(PIN_BASED_VMX_PREEMPTION_TIMER)))
		return -EOPNOTSUPP;
	if (!tsc) {
		lvd_preemption_timer_off();
		return 0;
	}
	if (lvd_hv.msrs.exit & LVD_VMX_ALLOWED1(VM_EXIT_SAVE_VMX_PREEMPTION_TIMER))
		lvd_vmcs_set_bits(VM_EXIT_CONTROLS, VM_EXIT_SAVE_VMX_PREEMPTION_TIMER);
	ticks = tsc >> vmx_misc_preemption_timer_rate(lvd_hv.msrs.misc);
	lvd_vmwrite(VMX_PREEMPTION_TIMER_VALUE, clamp_t(u64, ticks, 1, U32_MAX));
	lvd_vmcs_set_bits(PIN_BASED_VM_EXEC_CONTROL, PIN_BASED_VMX_PREEMPTION_TIMER);
	return 0;
}

/*
 * The kernel's VMCALL is the outer hypervisor's: pass it on with RAX, RBX,
 * RCX, RDX and RSI, and give back RAX. Without an outer hypervisor (and
 * VMCALL in root mode would stop Bochs) or when it refused, #UD: what the
 * kernel would get without LVD.
 */
static noinstr void lvd_hc_forward(struct lvd_guest_regs *regs)
{
	unsigned long rax = regs->rax;

	if (!lvd_hv.outer_hv ||
	    lvd_root_vmcall(&rax, regs->rbx, regs->rcx, regs->rdx, regs->rsi)) {
		lvd_inject_exception(X86_TRAP_UD, false, 0);
		return;
	}
	regs->rax = rax;
	lvd_skip_instruction();
}

/**
 * lvd_exit_vmcall() - a VMCALL exited
 * @vcpu: this CPU
 * @regs: guest registers: RAX = number, RBX/RCX/RDX(/RSI) = arguments
 *
 * Return: %LVD_EXIT_NATIVE after %LVD_HC_LEAVE, else %LVD_EXIT_RESUME.
 */
noinstr int lvd_exit_vmcall(struct lvd_vcpu *vcpu, struct lvd_guest_regs *regs)
{
	long ret;

	if (lvd_guest_cpl() != 0) {
		lvd_inject_exception(X86_TRAP_UD, false, 0);
		return LVD_EXIT_RESUME;
	}
	/* Only the kernel's own view may call: VMFUNC can change the EPT. */
	if (lvd_vmread(EPT_POINTER) != lvd_hv.kernel_eptp) {
		lvd_skip_instruction();
		regs->rax = -EPERM;
		return LVD_EXIT_RESUME;
	}
	if (!LVD_HC_IS_LVD(regs->rax)) {
		lvd_hc_forward(regs);
		return LVD_EXIT_RESUME;
	}
	lvd_skip_instruction();

	switch (regs->rax) {
	case LVD_HC_VERSION:
		ret = LVD_HC_ABI_VERSION;
		break;
	case LVD_HC_PING:
		ret = regs->rbx ^ LVD_HC_PING_MAGIC;
		regs->rbx = vcpu->cpu;
		break;
	case LVD_HC_LEAVE:
		regs->rax = 0;
		return lvd_leave_vmx(vcpu, regs);
	case LVD_HC_READ_STATS:
		ret = lvd_hc_read_stats(vcpu, regs->rbx, regs->rcx);
		break;
	case LVD_HC_WATCHDOG:
		ret = lvd_hc_watchdog(regs->rbx);
		break;
	default:
		ret = lvd_hc_domain(regs->rax, regs->rbx, regs->rcx, regs->rdx);
	}
	regs->rax = ret;
	return LVD_EXIT_RESUME;
}
