/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The trampoline: the kernel's call into a domain, and the domains' IDT
 * stubs, through which every way out of a domain goes.
 *
 * A domain runs at CPL 3 on its own page tables and in its own EPT view.
 * These pages are the only kernel code its page tables map (supervisor
 * only: the domain cannot execute them itself), so they are laid out on
 * pages of their own, the last one being the user-executable page with
 * the instruction a domain function returns to.
 *
 * Between the LIDT of the domains' IDT and the LIDT of the kernel's, the
 * hypervisor holds back NMIs while the CPU runs at CPL 0, that is, here:
 * an NMI reaches a stub only from a domain's code, like an interrupt.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/ibt.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/page_types.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>
#include "macros.S"
#include "domain/cross.h"
#include "cross-asm-offsets.h"

/* VMFUNC: binutils may lack the mnemonic */
#define VMFUNC	.byte 0x0f, 0x01, 0xd4

/* A field of this CPU's crossing state, once a whole frame is on IST 7 */
#define ST(field)	(LVD_XF_SIZE + (field))(%rsp)

/* The registers of struct lvd_cross_frame, R15 at the lowest address */
.macro LVD_PUSH_DOMAIN_REGS
	push %rdi
	push %rsi
	push %rdx
	push %rcx
	push %rax
	push %r8
	push %r9
	push %r10
	push %r11
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
.endm

.macro LVD_POP_DOMAIN_REGS
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rax
	pop %rcx
	pop %rdx
	pop %rsi
	pop %rdi
.endm

	.section .noinstr.text, "ax"
	.balign PAGE_SIZE
SYM_INNER_LABEL(__lvd_cross_text_start, SYM_L_GLOBAL)

/*
 * One 16-byte stub per vector, in the domains' IDT, all on IST 7: push a
 * zero where the CPU pushes no error code, then the vector.
 */
SYM_CODE_START(lvd_cross_stubs)
	vector = 0
	.rept 256
	UNWIND_HINT_UNDEFINED
	ENDBR
	LVD_PUSH_ZERO_ERROR_CODE vector
	pushq $vector
	/* JMP rel32, spelt out so that every stub has a known size */
	.byte 0xe9
	.long lvd_cross_exit - (. + 4)
	LVD_STUB_END lvd_cross_stubs, vector, LVD_CROSS_STUB_SIZE
	vector = vector + 1
	.endr
SYM_CODE_END(lvd_cross_stubs)

/*
 * Out of the domain, whichever way it left: a return, a call to the
 * kernel, an interrupt, an exception, or a VMFUNC of its own followed by
 * any of those. RSP is this CPU's IST 7 stack, which holds the vector,
 * the error code and the CPU's frame, with the CPU's crossing state right
 * above. Only that state is trusted: GS, every register and the view the
 * CPU is in are the domain's. The registers complete the frame, for the
 * kernel to read and, after an interrupt or a call, to enter again.
 */
SYM_CODE_START_LOCAL(lvd_cross_exit)
	UNWIND_HINT_UNDEFINED
	LVD_PUSH_DOMAIN_REGS
	/*
	 * Event delivery leaves DF and AC as the domain set them: the kernel
	 * needs DF clear (string instructions) and AC clear (SMAP).
	 */
	pushq $X86_EFLAGS_FIXED
	popfq
	/* To the kernel's EPT (index 0), from any view */
	xor %eax, %eax
	xor %ecx, %ecx
	VMFUNC
	test %ecx, %ecx
	jnz .Lnot_kernel_index
	incq ST(LVD_CS_VMFUNCS)

	mov ST(LVD_CS_KERNEL_CR3), %rax
	mov %rax, %cr3
	/* Clears CR0.TS: the task's FPU registers are usable again. */
	mov ST(LVD_CS_KERNEL_CR0), %rax
	mov %rax, %cr0

	/*
	 * The selectors the domain may have loaded, then the FS and GS bases
	 * (loading FS or GS clears them).
	 */
	movw ST(LVD_CS_SELECTORS), %ds
	movw ST(LVD_CS_SELECTORS + 2), %es
	movw ST(LVD_CS_SELECTORS + 4), %fs
	movw ST(LVD_CS_SELECTORS + 6), %gs
	mov $MSR_FS_BASE, %ecx
	mov ST(LVD_CS_FS_BASE), %eax
	mov ST(LVD_CS_FS_BASE + 4), %edx
	wrmsr
	mov $MSR_GS_BASE, %ecx
	mov ST(LVD_CS_GS_BASE), %eax
	mov ST(LVD_CS_GS_BASE + 4), %edx
	wrmsr
	mov %cr2, %rax
	mov %rax, ST(LVD_CS_FAULT_CR2)

	/* The kernel's IDT last: from here on, NMIs are delivered again. */
	lidt ST(LVD_CS_KERNEL_IDTR)

	/* The kernel's stack pointer comes from the state, never the domain. */
	mov ST(LVD_CS_KERNEL_RSP), %rsp
	xor %eax, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	jmp lvd_cross_returned

.Lnot_kernel_index:
	/* VMFUNC 0 with ECX 0 cannot land elsewhere: stop here. */
	ud2
SYM_CODE_END(lvd_cross_exit)

/*
 * void lvd_cross_enter(struct lvd_cross_state *st,
 *			const struct lvd_cross_frame *frame)
 *
 * Enter a domain on this CPU with the registers and interrupt frame of
 * @frame (its vector and error code are ignored), interrupts off. @st is
 * this CPU's state, which the caller has filled with the kernel's CR3, CR0
 * and IDT and the domain's CR3, IDT and index. Returns (through
 * lvd_cross_exit) when the domain leaves, with the frame it left with
 * right below @st; the caller-saved registers are zero, the callee-saved
 * ones the caller's.
 */
SYM_FUNC_START(lvd_cross_enter)
	LVD_PUSH_CALLEE_SAVED
	mov %rsp, LVD_CS_KERNEL_RSP(%rdi)
	mov %rdi, %r12
	mov %rsi, %r13

	/* The kernel's FS and GS bases and selectors, for the way back */
	mov $MSR_FS_BASE, %ecx
	rdmsr
	mov %eax, LVD_CS_FS_BASE(%r12)
	mov %edx, LVD_CS_FS_BASE + 4(%r12)
	mov $MSR_GS_BASE, %ecx
	rdmsr
	mov %eax, LVD_CS_GS_BASE(%r12)
	mov %edx, LVD_CS_GS_BASE + 4(%r12)
	movw %ds, LVD_CS_SELECTORS(%r12)
	movw %es, LVD_CS_SELECTORS + 2(%r12)
	movw %fs, LVD_CS_SELECTORS + 4(%r12)
	movw %gs, LVD_CS_SELECTORS + 6(%r12)

	/* Every event from here on goes to a stub above. */
	lidt LVD_CS_DOMAIN_IDTR(%r12)
	/*
	 * Nothing of the task's or the kernel's in FS and GS bases: FS is 0,
	 * GS the domain's per-CPU area on this CPU (or 0)
	 */
	xor %eax, %eax
	xor %edx, %edx
	mov $MSR_FS_BASE, %ecx
	wrmsr
	mov $MSR_GS_BASE, %ecx
	mov LVD_CS_DOMAIN_GS_BASE(%r12), %eax
	mov LVD_CS_DOMAIN_GS_BASE + 4(%r12), %edx
	wrmsr
	/* The task's FPU, SSE and AVX registers are live: #NM in the domain */
	mov %cr0, %rax
	or $X86_CR0_TS, %rax
	mov %rax, %cr0

	/*
	 * The frame goes right below the state, on this CPU's IST page,
	 * which the domain's page tables map (unlike the kernel stack).
	 */
	lea -LVD_XF_SIZE(%r12), %rdi
	mov %r13, %rsi
	mov $(LVD_XF_SIZE / 8), %ecx
	rep movsq
	lea -LVD_XF_SIZE(%r12), %rsp

	/* The domain's page tables map this page: execution goes on. */
	mov LVD_CS_DOMAIN_CR3(%r12), %rax
	mov %rax, %cr3
	/* VMFUNC 0: to the domain's EPT */
	mov LVD_CS_INDEX(%r12), %ecx
	xor %eax, %eax
	VMFUNC
	cmp LVD_CS_INDEX(%r12), %ecx
	je .Lin_domain_view
	ud2
.Lin_domain_view:
	incq LVD_CS_VMFUNCS(%r12)
	/* The frame's registers replace every one of the kernel's. */
	LVD_POP_DOMAIN_REGS
	add $16, %rsp		/* vector and error code */
	iretq
	ud2			/* objtool: IRET does not fall through */

SYM_INNER_LABEL(lvd_cross_returned, SYM_L_LOCAL)
	/* From lvd_cross_exit: the stack as the pushes above left it */
	UNWIND_HINT type=UNWIND_HINT_TYPE_CALL sp_reg=ORC_REG_SP \
		    sp_offset=(LVD_CALLEE_SAVED_SIZE + 8)
	ANNOTATE_NOENDBR
	LVD_POP_CALLEE_SAVED
	RET
SYM_FUNC_END(lvd_cross_enter)

/*
 * The page a domain function returns to (its return address on the domain
 * stack): user-executable in every domain, it raises the return vector.
 */
	.balign PAGE_SIZE, 0xcc
SYM_CODE_START(lvd_cross_domain_exit)
	UNWIND_HINT_UNDEFINED
	ANNOTATE_NOENDBR
	int $LVD_VECTOR_RETURN
	ud2
SYM_CODE_END(lvd_cross_domain_exit)
	.balign PAGE_SIZE, 0xcc
SYM_INNER_LABEL(__lvd_cross_text_end, SYM_L_GLOBAL)

	.text
/*
 * void lvd_cross_call_handler(unsigned long handler)
 *
 * Run the kernel's IDT handler for an interrupt that came while the CPU
 * was in a domain, as if it had interrupted this function: a kernel-mode
 * interrupt frame (SS, RSP aligned as the CPU aligns it, RFLAGS with
 * interrupts off, CS), then a call, which pushes the RIP that the
 * handler's IRET comes back to. Interrupts off.
 *
 * This is what KVM's vmx_do_interrupt_irqoff() does (VMX_DO_EVENT_IRQOFF,
 * arch/x86/kvm/vmx/vmenter.S), for the same reason; but that one is KVM's
 * own, not built without KVM nor exported, and the core kernel has no
 * such helper outside FRED's: so it is spelt out here.
 */
SYM_FUNC_START(lvd_cross_call_handler)
	push %rbp
	mov %rsp, %rbp
	and $-16, %rsp
	push $__KERNEL_DS
	push %rbp
	pushf
	push $__KERNEL_CS
	CALL_NOSPEC rdi
	/* The IRET restored RSP already; LEAVE says so to objtool too. */
	leave
	RET
SYM_FUNC_END(lvd_cross_call_handler)
