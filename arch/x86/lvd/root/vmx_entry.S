/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The assembly the hardware demands: the late launch, the VM-exit entry
 * point, the return to the kernel in native mode when a CPU leaves VMX, the
 * root-mode IDT stubs, and the accesses forwarded to an outer hypervisor,
 * which may fault.
 */
#include <linux/errno.h>
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>
#include <asm/unwind_hints.h>

#include "macros.S"
#include "root/root.h"
#include "root/world.h"
#include "root-asm-offsets.h"

/*
 * The guest's GPRs as a struct lvd_guest_regs (vcpu.h): RAX at the lowest
 * address. Its RSP lives in the VMCS; the slot keeps the layout.
 */
.macro LVD_PUSH_GUEST_REGS
	push %r15
	push %r14
	push %r13
	push %r12
	push %r11
	push %r10
	push %r9
	push %r8
	push %rdi
	push %rsi
	push %rbp
	push $0			/* RSP slot: the guest's RSP is in the VMCS */
	push %rbx
	push %rdx
	push %rcx
	push %rax
.endm

.macro LVD_POP_GUEST_REGS
	pop %rax
	pop %rcx
	pop %rdx
	pop %rbx
	add $8, %rsp		/* RSP slot */
	pop %rbp
	pop %rsi
	pop %rdi
	pop %r8
	pop %r9
	pop %r10
	pop %r11
	pop %r12
	pop %r13
	pop %r14
	pop %r15
.endm

/*
 * Once they are saved: no guest value stays in a register while root mode
 * runs, where a mispredicted branch could use it (as KVM clears them after
 * an exit, vmenter.S). 32-bit XORs clear the whole register.
 */
.macro LVD_CLEAR_GUEST_REGS
	xor %eax, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	xor %ebx, %ebx
	xor %ebp, %ebp
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
.endm

/* The registers a C call may change, saved around it by the stubs */
#define LVD_CALLER_SAVED_SIZE	(9 * 8)

.macro LVD_PUSH_CALLER_SAVED
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
.endm

.macro LVD_POP_CALLER_SAVED
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
.endm

.section .noinstr.text, "ax"

/*
 * int lvd_vmx_launch(unsigned long rsp_field, unsigned long rip_field)
 *
 * Launch the current VMCS so that the kernel continues at lvd_vmx_guest_entry, on this
 * stack, in VMX non-root mode: the caller "returns" into the guest.
 * %rdi and %rsi are the encodings of GUEST_RSP and GUEST_RIP (they live in
 * a C enum, so the caller passes them).
 *
 * Returns 0 in non-root mode; 1 if a VMWRITE or VMLAUNCH failed (VMfail,
 * still in root mode with the kernel's state); 2 if the launch ended in a
 * failed-entry VM exit (root mode, with the hypervisor's host state loaded:
 * the caller must restore the kernel's).
 */
SYM_FUNC_START(lvd_vmx_launch)
	/* VM entry does not touch GPRs: these survive into the guest. */
	LVD_PUSH_CALLEE_SAVED

	mov %rsp, %rax
	vmwrite %rax, %rdi
	jbe .Lvmfail		/* CF or ZF: VMfail */
	lea lvd_vmx_guest_entry(%rip), %rax
	vmwrite %rax, %rsi
	jbe .Lvmfail
	/* Where a failed-entry exit comes back to (lvd_vmexit_entry). */
	mov %rsp, PER_CPU_VAR(lvd_launch_rsp)
	UNWIND_HINT_SAVE
	vmlaunch
.Lvmfail:
	mov $1, %eax
	jmp .Lout

SYM_INNER_LABEL(lvd_vmx_launch_aborted, SYM_L_GLOBAL)
	/* Same stack as at VMLAUNCH: lvd_vmexit_entry restored RSP. */
	UNWIND_HINT_RESTORE
	ANNOTATE_NOENDBR
	mov $2, %eax
	jmp .Lout

SYM_INNER_LABEL(lvd_vmx_guest_entry, SYM_L_GLOBAL)
	/* First instruction in VMX non-root mode, reached by VM entry. */
	UNWIND_HINT_RESTORE
	ANNOTATE_NOENDBR
	xor %eax, %eax
.Lout:
	LVD_POP_CALLEE_SAVED
	RET
SYM_FUNC_END(lvd_vmx_launch)

/*
 * VM-exit entry point (HOST_RIP). The guest's GPRs are live; RSP is
 * HOST_RSP, 16-byte aligned with room above it for an IRET frame. Push the
 * GPRs as a struct lvd_guest_regs, clear them, and let lvd_handle_exit()
 * decide; the way back pops them.
 */
SYM_CODE_START(lvd_vmexit_entry)
	UNWIND_HINT_END_OF_STACK
	ANNOTATE_NOENDBR	/* reached by VM exit, not by a branch */
	LVD_PUSH_GUEST_REGS
	LVD_CLEAR_GUEST_REGS
	/*
	 * As KVM does after a VM exit (vmenter.S), where the kernel chose
	 * to: refill the RSB before the first RET, so that no return address
	 * the guest's code left there, a domain's say, steers root mode's.
	 */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE

	mov %rsp, %rdi
	call lvd_handle_exit
	cmp $LVD_EXIT_ABORT_LAUNCH, %eax
	je .Labort_launch
	cmp $LVD_EXIT_NATIVE, %eax
	je .Lnative

	LVD_POP_GUEST_REGS
	vmresume
	/* VMRESUME failed: nothing sane to return to. */
	call lvd_vmresume_failed	/* noreturn */

.Labort_launch:
	/* The first VMLAUNCH failed late: back to lvd_vmx_launch's frame. */
	mov PER_CPU_VAR(lvd_launch_rsp), %rsp
	jmp lvd_vmx_launch_aborted

.Lnative:
	/*
	 * This CPU left VMX. lvd_handle_exit() restored the kernel's control
	 * registers and tables and wrote an IRET frame just above the
	 * registers: pop them and return into the kernel where it exited.
	 */
	LVD_POP_GUEST_REGS
	iretq
SYM_CODE_END(lvd_vmexit_entry)

/*
 * NMI in root mode (IST stack): note it for injection into the guest and
 * return. Only caller-saved registers need saving around the C call.
 */
SYM_CODE_START(lvd_root_nmi)
	UNWIND_HINT_IRET_REGS
	ANNOTATE_NOENDBR
	LVD_PUSH_CALLER_SAVED
	call lvd_root_on_nmi
	LVD_POP_CALLER_SAVED
	iretq
SYM_CODE_END(lvd_root_nmi)

/*
 * Root-mode exception stubs, one per vector, LVD_ROOT_STUB_SIZE bytes each:
 * push a zero error code where the CPU pushes none, push the vector, and
 * report. An exception in root mode is a hypervisor bug and never returns,
 * except at a forwarded access listed in lvd_root_fixups.
 */
SYM_CODE_START(lvd_root_exc_stubs)
	vector = 0
	.rept LVD_ROOT_VECTORS
	UNWIND_HINT_IRET_REGS
	ANNOTATE_NOENDBR
	LVD_PUSH_ZERO_ERROR_CODE vector
	pushq $vector
	jmp lvd_root_exc_common
	LVD_STUB_END lvd_root_exc_stubs, vector, LVD_ROOT_STUB_SIZE
	vector = vector + 1
	.endr
SYM_CODE_END(lvd_root_exc_stubs)

/*
 * The CPU aligned RSP to 16 bytes before it pushed its frame: with the
 * error code, the vector and nine registers the calls are aligned too.
 * lvd_root_fixup() moves the frame's RIP to a fixup's resume address, or
 * it is lvd_root_exception(), which never returns.
 */
SYM_CODE_START_LOCAL(lvd_root_exc_common)
	UNWIND_HINT_IRET_REGS offset=LVD_ROOT_FRAME_RIP
	LVD_PUSH_CALLER_SAVED
	lea LVD_CALLER_SAVED_SIZE(%rsp), %rdi
	call lvd_root_fixup
	test %al, %al
	jnz 1f
	lea LVD_CALLER_SAVED_SIZE(%rsp), %rdi
	call lvd_root_exception		/* noreturn */
1:
	LVD_POP_CALLER_SAVED
	add $LVD_ROOT_FRAME_RIP, %rsp	/* vector, error code */
	iretq
SYM_CODE_END(lvd_root_exc_common)

/*
 * int lvd_root_rdmsr(u32 msr, u64 *val)
 * int lvd_root_wrmsr(u32 msr, u64 val)
 * int lvd_root_vmcall(unsigned long *rax, unsigned long rbx,
 *		       unsigned long rcx, unsigned long rdx, unsigned long rsi)
 *
 * The kernel's accesses to what belongs to the outer hypervisor (KVM's
 * paravirtual MSRs, its hypercalls), executed in root mode, where the outer
 * hypervisor takes them as its guest's. Each returns 0, or -EIO when its
 * instruction faulted (#GP, #UD): lvd_root_fixup() finds it in
 * lvd_root_fixups and resumes just past the instruction that clears the
 * error, which was set beforehand. lvd_root_vmcall() passes RAX, RBX, RCX,
 * RDX and RSI as KVM's hypercall ABI has them and returns RAX in *rax.
 */
SYM_FUNC_START(lvd_root_rdmsr)
	mov %edi, %ecx
	mov $-EIO, %r8d
.Lrdmsr:
	ANNOTATE_NOENDBR	/* in lvd_root_fixups */
	rdmsr
	xor %r8d, %r8d
.Lrdmsr_resume:
	ANNOTATE_NOENDBR
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, (%rsi)
	mov %r8d, %eax
	RET
SYM_FUNC_END(lvd_root_rdmsr)

SYM_FUNC_START(lvd_root_wrmsr)
	mov %edi, %ecx
	mov %esi, %eax
	mov %rsi, %rdx
	shr $32, %rdx
	mov $-EIO, %r8d
.Lwrmsr:
	ANNOTATE_NOENDBR	/* in lvd_root_fixups */
	wrmsr
	xor %r8d, %r8d
.Lwrmsr_resume:
	ANNOTATE_NOENDBR
	mov %r8d, %eax
	RET
SYM_FUNC_END(lvd_root_wrmsr)

SYM_FUNC_START(lvd_root_vmcall)
	push %rbx
	push %rdi
	pushq $-EIO		/* the result, on the stack: VMCALL keeps RSP */
	mov (%rdi), %rax
	mov %rsi, %rbx
	xchg %rdx, %rcx
	mov %r8, %rsi
.Lvmcall:
	ANNOTATE_NOENDBR	/* in lvd_root_fixups */
	vmcall
	movq $0, (%rsp)
.Lvmcall_resume:
	ANNOTATE_NOENDBR
	pop %rcx
	pop %rdi
	mov %rax, (%rdi)
	mov %ecx, %eax
	pop %rbx
	RET
SYM_FUNC_END(lvd_root_vmcall)

	.pushsection .rodata, "a"
	.balign 8
SYM_DATA_START(lvd_root_fixups)
	.quad .Lrdmsr, .Lrdmsr_resume
	.quad .Lwrmsr, .Lwrmsr_resume
	.quad .Lvmcall, .Lvmcall_resume
SYM_DATA_END(lvd_root_fixups)
SYM_DATA(lvd_root_nr_fixups, .quad 3)
	.popsection
