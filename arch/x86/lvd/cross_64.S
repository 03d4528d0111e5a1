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
 * hypervisor holds back NMIs: nothing here runs in NMI context.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/ibt.h>
#include <asm/msr-index.h>
#include <asm/page_types.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>
#include "cross.h"

/* VMFUNC: binutils may lack the mnemonic */
#define VMFUNC	.byte 0x0f, 0x01, 0xd4

/* Vectors for which the CPU pushes an error code: 8, 10-14, 17, 21, 29, 30 */
#define LVD_ERROR_CODE_VECTORS	0x60227d00

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
0:	ENDBR
	.if ((LVD_ERROR_CODE_VECTORS >> vector) & 1) == 0 || vector > 31
	pushq $0
	.endif
	pushq $vector
	/* JMP rel32, spelt out so that every stub has a known size */
	.byte 0xe9
	.long lvd_cross_exit - (. + 4)
	.if . - 0b > LVD_CROSS_STUB_SIZE
	.error "LVD IDT stub too long"
	.endif
	.balign LVD_CROSS_STUB_SIZE, 0xcc
	vector = vector + 1
	.endr
SYM_CODE_END(lvd_cross_stubs)

/*
 * Out of the domain, whichever way it left: a return, an exception, or a
 * VMFUNC of its own followed by either. RSP is this CPU's IST 7 stack,
 * which holds the vector, the error code and the CPU's frame, with the
 * CPU's crossing state right above. Only that state is trusted: GS,
 * every register and the view the CPU is in are the domain's.
 */
SYM_CODE_START_LOCAL(lvd_cross_exit)
	UNWIND_HINT_UNDEFINED
	mov %rax, LVD_XF_STATE + LVD_CS_RET(%rsp)
	/* To the kernel's EPT (index 0), from any view. */
	xor %eax, %eax
	xor %ecx, %ecx
	VMFUNC
	test %ecx, %ecx
	jnz .Lnot_kernel_index

	mov LVD_XF_STATE + LVD_CS_KERNEL_CR3(%rsp), %rax
	mov %rax, %cr3
	/* Clears CR0.TS: the task's FPU registers are usable again. */
	mov LVD_XF_STATE + LVD_CS_KERNEL_CR0(%rsp), %rax
	mov %rax, %cr0

	/*
	 * The selectors the domain may have loaded, then the FS and GS bases
	 * (loading FS or GS clears them).
	 */
	movw LVD_XF_STATE + LVD_CS_SELECTORS(%rsp), %ds
	movw LVD_XF_STATE + LVD_CS_SELECTORS + 2(%rsp), %es
	movw LVD_XF_STATE + LVD_CS_SELECTORS + 4(%rsp), %fs
	movw LVD_XF_STATE + LVD_CS_SELECTORS + 6(%rsp), %gs
	mov $MSR_FS_BASE, %ecx
	mov LVD_XF_STATE + LVD_CS_FS_BASE(%rsp), %eax
	mov LVD_XF_STATE + LVD_CS_FS_BASE + 4(%rsp), %edx
	wrmsr
	mov $MSR_GS_BASE, %ecx
	mov LVD_XF_STATE + LVD_CS_GS_BASE(%rsp), %eax
	mov LVD_XF_STATE + LVD_CS_GS_BASE + 4(%rsp), %edx
	wrmsr

	/* How the domain left */
	mov %cr2, %rax
	mov %rax, LVD_XF_STATE + LVD_CS_FAULT_CR2(%rsp)
	mov LVD_XF_VECTOR(%rsp), %rax
	mov %rax, LVD_XF_STATE + LVD_CS_VECTOR(%rsp)
	mov LVD_XF_ERROR_CODE(%rsp), %rax
	mov %rax, LVD_XF_STATE + LVD_CS_ERROR_CODE(%rsp)
	mov LVD_XF_RIP(%rsp), %rax
	mov %rax, LVD_XF_STATE + LVD_CS_FAULT_RIP(%rsp)
	mov LVD_XF_CS(%rsp), %rax
	mov %rax, LVD_XF_STATE + LVD_CS_FAULT_CS(%rsp)
	mov LVD_XF_RSP(%rsp), %rax
	mov %rax, LVD_XF_STATE + LVD_CS_FAULT_RSP(%rsp)

	/* The kernel's IDT last: from here on, NMIs are delivered again. */
	lidt LVD_XF_STATE + LVD_CS_KERNEL_IDTR(%rsp)

	/* The kernel's stack pointer comes from the state, never the domain. */
	mov LVD_XF_STATE + LVD_CS_KERNEL_RSP(%rsp), %rsp
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
 *			const struct lvd_cross_call *call)
 *
 * Call into a domain on this CPU, interrupts off. @st is this CPU's state,
 * which the caller has filled with the kernel's CR3, CR0 and IDT and the
 * domain's CR3, IDT and index. Returns (through lvd_cross_exit) when the
 * domain leaves, with the way it left in @st; RAX and the other
 * caller-saved registers are zero, the callee-saved ones are the caller's.
 */
SYM_FUNC_START(lvd_cross_enter)
	push %rbp
	mov %rsp, %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
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
	/* Nothing of the task's or the kernel's in FS and GS bases */
	xor %eax, %eax
	xor %edx, %edx
	mov $MSR_FS_BASE, %ecx
	wrmsr
	mov $MSR_GS_BASE, %ecx
	wrmsr
	/* The task's FPU, SSE and AVX registers are live: #NM in the domain */
	mov %cr0, %rax
	or $X86_CR0_TS, %rax
	mov %rax, %cr0

	/*
	 * The IRET frame, on this CPU's IST page (which the domain's page
	 * tables map, unlike the kernel stack), right below the state.
	 */
	lea -40(%r12), %rsp
	mov (%r13), %rax
	mov %rax, (%rsp)
	movq $__USER_CS, 8(%rsp)
	movq $LVD_DOMAIN_RFLAGS, 16(%rsp)
	mov 8(%r13), %rax
	mov %rax, 24(%rsp)
	movq $__USER_DS, 32(%rsp)

	/* The arguments; the fourth goes to RCX after the VMFUNC. */
	mov 16(%r13), %rdi
	mov 24(%r13), %rsi
	mov 32(%r13), %rdx
	mov 40(%r13), %r11
	mov 48(%r13), %r8
	mov 56(%r13), %r9

	/* The domain's page tables map this page: execution goes on. */
	mov LVD_CS_DOMAIN_CR3(%r12), %rax
	mov %rax, %cr3
	/* VMFUNC 0: to the domain's EPT */
	mov LVD_CS_INDEX(%r12), %ecx
	xor %eax, %eax
	VMFUNC
	cmp LVD_CS_INDEX(%r12), %ecx
	jne .Lnot_domain_index

	/* Nothing of the kernel's in the registers the domain sees */
	mov %r11, %rcx
	xor %eax, %eax
	xor %ebx, %ebx
	xor %ebp, %ebp
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	iretq

.Lnot_domain_index:
	ud2

SYM_INNER_LABEL(lvd_cross_returned, SYM_L_LOCAL)
	/* From lvd_cross_exit: the stack as the pushes above left it */
	UNWIND_HINT type=UNWIND_HINT_TYPE_CALL sp_reg=ORC_REG_SP sp_offset=56
	ANNOTATE_NOENDBR
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
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
