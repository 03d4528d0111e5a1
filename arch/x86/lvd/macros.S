/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What LVD's assembly shares, included (as arch/x86/virt/vmx/tdx/tdxcall.S
 * is), not built on its own: root mode's (root/vmx_entry.S), the
 * crossings' (domain/cross_64.S) and the glue page's (glue/glue_64.S).
 * They build stub tables, and the first two leave the kernel's stack for a
 * while (a VM entry, a domain) from a C call.
 */

#include <linux/bits.h>
#include <asm/trapnr.h>

/*
 * The exceptions for which the CPU pushes an error code (SDM Vol. 3A,
 * Table 6-1): #DF, #TS, #NP, #SS, #GP, #PF, #AC and #CP. Not 29 or 30:
 * #VC and #SX, which push one, are AMD's, and LVD needs VMX, so it runs on
 * Intel-architecture CPUs only, where those vectors are reserved: no
 * exception uses them, and INT 29 or INT 30 pushes no error code. The
 * kernel's EXCEPTION_ERRCODE_MASK (asm/segment.h) is its early IDT's, which
 * must take #VC and never sees #CP: it does not fit here.
 */
#define LVD_ERRCODE_VECTORS	(BIT(X86_TRAP_DF) | BIT(X86_TRAP_TS) |	\
				 BIT(X86_TRAP_NP) | BIT(X86_TRAP_SS) |	\
				 BIT(X86_TRAP_GP) | BIT(X86_TRAP_PF) |	\
				 BIT(X86_TRAP_AC) | BIT(X86_TRAP_CP))

/* LVD_PUSH_CALLEE_SAVED's bytes, RBP included */
#define LVD_CALLEE_SAVED_SIZE	(6 * 8)

/* In an IDT stub: push a zero where the CPU pushes no error code. */
.macro LVD_PUSH_ZERO_ERROR_CODE vector
	.if \vector < 32
	.if !((LVD_ERRCODE_VECTORS >> \vector) & 1)
	pushq $0
	.endif
	.else
	pushq $0
	.endif
.endm

/*
 * End stub \index of a table at \table whose stubs are \size bytes each:
 * pad it to the next one, or stop the build if it is larger (.org does
 * not move backwards), so that no stub shifts the ones after it.
 */
.macro LVD_STUB_END table, index, size
	.org \table + ((\index) + 1) * (\size), 0xcc
.endm

/*
 * The callee-saved registers, RBP first as the frame pointer, for a
 * function that leaves the kernel's stack and comes back to this frame.
 * The kernel has no such macro outside arch/x86/entry/calling.h, whose
 * PUSH_REGS builds a whole struct pt_regs (and is private to the entry
 * code); KVM's vmenter.S spells the pushes out too.
 */
.macro LVD_PUSH_CALLEE_SAVED
	push %rbp
	mov %rsp, %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
.endm

.macro LVD_POP_CALLEE_SAVED
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
.endm
