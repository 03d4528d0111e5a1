// SPDX-License-Identifier: GPL-2.0
/*
 * EPT exits. The kernel's EPT maps everything but hypervisor memory, so a
 * violation by the kernel's view is an access to the hypervisor's pages:
 * it is recorded, and the kernel gets a fault it cannot retry, so that a
 * fixup (copy_from_kernel_nofault() and the like) handles it or the
 * offending context oopses. A misconfiguration is a bug of ours.
 */

#include <linux/kernel.h>
#include <asm/special_insns.h>
#include <asm/trap_pf.h>
#include <asm/traps.h>
#include <asm/vmx.h>

#include "hv/hv.h"
#include "root/root.h"
#include "root/world.h"
#include "root/vcpu.h"
#include "root/vmx_ops.h"

/*
 * The page-fault error code for an access the EPT refused. The page tables
 * allow it, so "protection" alone would look like a stale TLB entry to the
 * kernel's fault handler (spurious_kernel_fault()), which would retry it
 * forever: the reserved-bit flag says the translation itself is refused.
 */
static __always_inline u32 lvd_ept_pf_error(unsigned long qual)
{
	u32 error = X86_PF_PROT | X86_PF_RSVD;

	if (qual & EPT_VIOLATION_ACC_WRITE)
		error |= X86_PF_WRITE;
	if (qual & EPT_VIOLATION_ACC_INSTR)
		error |= X86_PF_INSTR;
	return error;
}

/*
 * A violation in a domain's view at CPL 3 comes from a VMFUNC of the code
 * running there: user space, or a domain that left its own view (whose
 * page tables, IDT stubs and stacks its own view always maps). The CPU
 * goes back to the kernel's view, and the culprit gets #GP: SIGSEGV in
 * user space, a stopped domain in a crossing. An event that came right
 * after the VMFUNC does not spare it: its delivery faulted in the view,
 * and the event waits until the #GP is delivered (lvd_hold_event()).
 * Were it delivered again instead, a domain would come back from it in
 * its own view, its VMFUNC undone and unpunished. Only when the event
 * cannot wait is it delivered again (lvd_handle_exit() does it).
 *
 * At CPL 0 the kernel did nothing wrong: it got there from user space
 * that switched views (by SYSCALL, say), or it was delivering an event
 * in the trampoline. It goes on in its own view, where a #GP would have
 * hit its entry code on the user's stack and GS. The domain whose view it
 * was is not touched.
 */
static noinstr void lvd_ept_violation_in_domain(struct lvd_vcpu *vcpu, u32 vectoring)
{
	vcpu->stats.ept_domain++;
	lvd_vmwrite(EPT_POINTER, lvd_hv.kernel_eptp);
	if (!lvd_guest_cpl())
		return;
	if ((vectoring & VECTORING_INFO_VALID_MASK) &&
	    !lvd_hold_event(vcpu, vectoring))
		return;
	lvd_inject_exception(X86_TRAP_GP, true, 0);
}

/**
 * lvd_exit_ept_violation() - the guest touched what its EPT does not map
 * @vcpu: this CPU
 *
 * The kernel at CPL 0 gets a #PF for the linear address (CR2), user space
 * a #GP (a signal), and so does an access without a linear address (a
 * page-table walk into hypervisor memory).
 */
noinstr void lvd_exit_ept_violation(struct lvd_vcpu *vcpu)
{
	unsigned long qual = lvd_vmread(EXIT_QUALIFICATION);
	u32 vectoring = lvd_vmread(IDT_VECTORING_INFO_FIELD);
	bool has_gva = (qual & EPT_VIOLATION_GVA_IS_VALID) &&
		       (qual & EPT_VIOLATION_GVA_TRANSLATED);
	unsigned long gva = has_gva ? lvd_vmread(GUEST_LINEAR_ADDRESS) : 0;

	vcpu->stats.ept_last_gpa = lvd_vmread(GUEST_PHYSICAL_ADDRESS);
	vcpu->stats.ept_last_gva = gva;
	vcpu->stats.ept_last_qual = qual;

	/* An IRET that unblocked NMIs faulted: blocking is back (SDM 28.3). */
	if ((qual & INTR_INFO_UNBLOCK_NMI) &&
	    !(vectoring & VECTORING_INFO_VALID_MASK))
		lvd_vmcs_set_bits(GUEST_INTERRUPTIBILITY_INFO,
				  GUEST_INTR_STATE_NMI);
	if (lvd_vmread(EPT_POINTER) != lvd_hv.kernel_eptp) {
		lvd_ept_violation_in_domain(vcpu, vectoring);
		return;
	}

	vcpu->stats.ept_kernel++;
	/* The IDT, a stack or a TSS in hypervisor memory: no way to go on. */
	if (vectoring & VECTORING_INFO_VALID_MASK)
		lvd_root_fatal("EPT violation while the guest delivered an event");

	if (!has_gva || lvd_guest_cpl()) {
		lvd_inject_exception(X86_TRAP_GP, true, 0);
		return;
	}
	/* No exception can hit root mode between here and VM entry. */
	native_write_cr2(gva);
	lvd_inject_exception(X86_TRAP_PF, true, lvd_ept_pf_error(qual));
}

/**
 * lvd_exit_ept_misconfig() - an EPT entry is invalid
 *
 * The EPT builder never writes one: stop, saying where.
 */
noinstr void __noreturn lvd_exit_ept_misconfig(void)
{
	lvd_root_fatal_hex("EPT misconfiguration at guest-physical ",
			   lvd_vmread(GUEST_PHYSICAL_ADDRESS));
}
