/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Code for test domains (hooks_cross.c, hooks_bench.c), on a page of its
 * own that each test domain maps for CPL 3 and the kernel never runs: it
 * lies in read-only data, which the kernel's page tables map
 * non-executable. Assembly because each piece must be exactly these
 * instructions: each either returns with RET (the domain's return to the
 * kernel) or breaks one rule of what a domain may do, which must stop it.
 *
 * The kernel calls them with up to six arguments in RDI, RSI, RDX, RCX,
 * R8 and R9, and takes RAX as the result. A domain calls the kernel with
 * INT LVD_VECTOR_CALL, the kernel call's number in EAX (hooks.h).
 */
#include <linux/linkage.h>
#include <asm/msr-index.h>
#include <asm/page_types.h>
#include <asm/processor-flags.h>
#include "domain/cross.h"
#include "tests/hooks.h"

	.section .rodata.lvd_test_domain, "a"
	.balign PAGE_SIZE
SYM_DATA_START(lvd_test_dom_code)

/* RDI * 3 + RSI + RDX + RCX + R8 + R9: every argument arrives */
SYM_INNER_LABEL(lvd_test_dom_sum, SYM_L_GLOBAL)
	lea (%rdi, %rdi, 2), %rax
	add %rsi, %rax
	add %rdx, %rax
	add %rcx, %rax
	add %r8, %rax
	add %r9, %rax
	ret

/* The registers the domain sees at entry: the OR of all but the arguments */
SYM_INNER_LABEL(lvd_test_dom_leak, SYM_L_GLOBAL)
	mov %rbx, %rax
	or %rbp, %rax
	or %r10, %rax
	or %r11, %rax
	or %r12, %rax
	or %r13, %rax
	or %r14, %rax
	or %r15, %rax
	ret

/* The word at RDI */
SYM_INNER_LABEL(lvd_test_dom_load, SYM_L_GLOBAL)
	mov (%rdi), %rax
	ret

/* RSI to the word at RDI */
SYM_INNER_LABEL(lvd_test_dom_store, SYM_L_GLOBAL)
	mov %rsi, (%rdi)
	xor %eax, %eax
	ret

/* Executes at RDI */
SYM_INNER_LABEL(lvd_test_dom_jump, SYM_L_GLOBAL)
	jmp *%rdi

/* Instructions a domain must not execute, one each */
SYM_INNER_LABEL(lvd_test_dom_ud2, SYM_L_GLOBAL)
	ud2

SYM_INNER_LABEL(lvd_test_dom_hlt, SYM_L_GLOBAL)
	hlt
	ret

SYM_INNER_LABEL(lvd_test_dom_cli, SYM_L_GLOBAL)
	cli
	ret

/* A VMCALL from CPL 3: a VM exit, which must stop the domain */
SYM_INNER_LABEL(lvd_test_dom_vmcall, SYM_L_GLOBAL)
	vmcall
	ret

/* SYSCALL would enter the kernel at LSTAR on the domain's stack */
SYM_INNER_LABEL(lvd_test_dom_syscall, SYM_L_GLOBAL)
	syscall
	ret

/* Page tables of the domain's choice: RDI */
SYM_INNER_LABEL(lvd_test_dom_write_cr3, SYM_L_GLOBAL)
	mov %rdi, %cr3
	ret

/* VMFUNC 0 (EAX) to EPTP list index RSI (ECX), then a load from RDI */
SYM_INNER_LABEL(lvd_test_dom_vmfunc_load, SYM_L_GLOBAL)
	xor %eax, %eax
	mov %esi, %ecx
	vmfunc
	mov (%rdi), %rax
	ret

/*
 * DF and AC set (POPF may set both at CPL 3), then the kernel call that
 * returns the kernel's flags as it runs: the kernel must run with both
 * clear
 */
SYM_INNER_LABEL(lvd_test_dom_flags, SYM_L_GLOBAL)
	pushfq
	orq $(X86_EFLAGS_DF | X86_EFLAGS_AC), (%rsp)
	popfq
	mov $LVD_TEST_KCALL_FLAGS, %eax
	int $LVD_VECTOR_CALL
	ret

/*
 * FS, GS and DS loaded with RDI's selector (which clears FS's and GS's
 * bases): the kernel must get its own back. Returns 1.
 */
SYM_INNER_LABEL(lvd_test_dom_segs, SYM_L_GLOBAL)
	mov %di, %fs
	mov %di, %gs
	mov %di, %ds
	mov $1, %eax
	ret

/* Uses SSE: the task's registers must stay out of reach */
SYM_INNER_LABEL(lvd_test_dom_sse, SYM_L_GLOBAL)
	movq %xmm0, %rax
	ret

/* Pushes until its stack overflows */
SYM_INNER_LABEL(lvd_test_dom_recurse, SYM_L_GLOBAL)
	push %rax
	jmp lvd_test_dom_recurse

/* Nothing: a round trip, for the benchmark */
SYM_INNER_LABEL(lvd_test_dom_null, SYM_L_GLOBAL)
	ret

/* RDI kernel calls numbered RSI that do nothing, for the benchmark */
SYM_INNER_LABEL(lvd_test_dom_kcalls, SYM_L_GLOBAL)
	mov %esi, %eax
	int $LVD_VECTOR_CALL
	dec %rdi
	jnz lvd_test_dom_kcalls
	ret

/*
 * The kernel call that sums the bytes at RDI, RSI long: RDI and RSI reach
 * the kernel as they are
 */
SYM_INNER_LABEL(lvd_test_dom_sum_buf, SYM_L_GLOBAL)
	mov $LVD_TEST_KCALL_SUM_BUF, %eax
	int $LVD_VECTOR_CALL
	ret

/* Never returns */
SYM_INNER_LABEL(lvd_test_dom_spin, SYM_L_GLOBAL)
	jmp lvd_test_dom_spin

/* Waits until the kernel writes the word at RDI, which only a timer does */
SYM_INNER_LABEL(lvd_test_dom_wait, SYM_L_GLOBAL)
	mov (%rdi), %rax
	test %rax, %rax
	jz lvd_test_dom_wait
	ret

/* The kernel call RDI + 2 * RSI, plus one */
SYM_INNER_LABEL(lvd_test_dom_kcall, SYM_L_GLOBAL)
	xor %eax, %eax				/* LVD_TEST_KCALL_ADD */
	int $LVD_VECTOR_CALL
	inc %rax
	ret

/* The kernel call that calls lvd_test_dom_sum, plus one */
SYM_INNER_LABEL(lvd_test_dom_nest, SYM_L_GLOBAL)
	mov $LVD_TEST_KCALL_NEST, %eax
	int $LVD_VECTOR_CALL
	inc %rax
	ret

/* A kernel call beyond the domain's table */
SYM_INNER_LABEL(lvd_test_dom_bad_kcall, SYM_L_GLOBAL)
	mov $99, %eax
	int $LVD_VECTOR_CALL
	ret

/* A kernel call with RSP at RDI */
SYM_INNER_LABEL(lvd_test_dom_bad_stack, SYM_L_GLOBAL)
	mov %rdi, %rsp
	mov $LVD_TEST_KCALL_NEST, %eax
	int $LVD_VECTOR_CALL
	ret

/* Privileged instructions the threat model names, one each */

/* WRMSR of 0 to LSTAR, the kernel's system call entry */
SYM_INNER_LABEL(lvd_test_dom_wrmsr, SYM_L_GLOBAL)
	mov $MSR_LSTAR, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	ret

SYM_INNER_LABEL(lvd_test_dom_lidt, SYM_L_GLOBAL)
	lidt (%rdi)
	ret

SYM_INNER_LABEL(lvd_test_dom_mov_dr7, SYM_L_GLOBAL)
	mov %rdi, %dr7
	ret

/* XCR0 (ECX 0) = 1: x87 state only */
SYM_INNER_LABEL(lvd_test_dom_xsetbv, SYM_L_GLOBAL)
	xor %ecx, %ecx
	mov $1, %eax
	xor %edx, %edx
	xsetbv
	ret

SYM_INNER_LABEL(lvd_test_dom_wbinvd, SYM_L_GLOBAL)
	wbinvd
	ret

/* OUT to port 0x80 (the POST port): port I/O, which a domain may not do */
SYM_INNER_LABEL(lvd_test_dom_outb, SYM_L_GLOBAL)
	mov $0x80, %dx
	out %al, %dx
	ret

SYM_INNER_LABEL(lvd_test_dom_int3, SYM_L_GLOBAL)
	int3
	ret

/* WRMSR of 0 to the MSR in EDI */
SYM_INNER_LABEL(lvd_test_dom_wrmsr_any, SYM_L_GLOBAL)
	mov %edi, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	ret

SYM_INNER_LABEL(lvd_test_dom_write_cr0, SYM_L_GLOBAL)
	mov %rdi, %cr0
	ret

SYM_INNER_LABEL(lvd_test_dom_write_cr4, SYM_L_GLOBAL)
	mov %rdi, %cr4
	ret

SYM_INNER_LABEL(lvd_test_dom_lgdt, SYM_L_GLOBAL)
	lgdt (%rdi)
	ret

SYM_INNER_LABEL(lvd_test_dom_lldt, SYM_L_GLOBAL)
	lldt %di
	ret

SYM_INNER_LABEL(lvd_test_dom_ltr, SYM_L_GLOBAL)
	ltr %di
	ret

SYM_INNER_LABEL(lvd_test_dom_mov_dr0, SYM_L_GLOBAL)
	mov %rdi, %dr0
	ret

SYM_INNER_LABEL(lvd_test_dom_invd, SYM_L_GLOBAL)
	invd
	ret

/* VMCALL with RAX = RDI: a hypercall number of the domain's choice */
SYM_INNER_LABEL(lvd_test_dom_vmcall_nr, SYM_L_GLOBAL)
	mov %rdi, %rax
	vmcall
	ret

/* Alignment checking (CR0.AM is on): AC set, then a misaligned load */
SYM_INNER_LABEL(lvd_test_dom_align, SYM_L_GLOBAL)
	pushfq
	orq $X86_EFLAGS_AC, (%rsp)
	popfq
	mov 1(%rdi), %rax
	ret

/* TF set: #DB after the next instruction */
SYM_INNER_LABEL(lvd_test_dom_single_step, SYM_L_GLOBAL)
	pushfq
	orq $X86_EFLAGS_TF, (%rsp)
	popfq
	nop
	ret

/*
 * To its return address (the exit page) as RET would go, but with RSP at
 * RDI, kernel data
 */
SYM_INNER_LABEL(lvd_test_dom_forged_return, SYM_L_GLOBAL)
	mov (%rsp), %rax
	mov %rdi, %rsp
	jmp *%rax

/* A divide by 0 */
SYM_INNER_LABEL(lvd_test_dom_div0, SYM_L_GLOBAL)
	xor %ecx, %ecx
	mov $1, %eax
	xor %edx, %edx
	div %ecx
	ret

/*
 * VMFUNC 0 to the kernel's view (index 0) from inside another
 * instruction's bytes, so that no scan of the domain's instructions sees
 * it: the jump lands on the second byte of a CMP whose immediate holds
 * VMFUNC (0f 01 d4) and a NOP. Then a load from RDI.
 */
SYM_INNER_LABEL(lvd_test_dom_vmfunc_inside, SYM_L_GLOBAL)
	xor %eax, %eax
	xor %ecx, %ecx
	jmp 1f + 1
1:	.byte 0x3d, 0x0f, 0x01, 0xd4, 0x90	/* cmp $0x90d4010f, %eax */
	mov (%rdi), %rax
	ret

/* FS and GS bases of the domain's choice (WRFSBASE/WRGSBASE); returns 1 */
SYM_INNER_LABEL(lvd_test_dom_bases, SYM_L_GLOBAL)
	wrfsbase %rdi
	wrgsbase %rdi
	mov $1, %eax
	ret

/*
 * RSP in kernel memory (RDI) while an interrupt comes: waits for the word
 * at RSI that a timer writes, then returns through that stack.
 */
SYM_INNER_LABEL(lvd_test_dom_irq_stack, SYM_L_GLOBAL)
	mov %rdi, %rsp
1:	mov (%rsi), %rax
	test %rax, %rax
	jz 1b
	ret

/*
 * Four words of RSI's pattern on the stack, a wait until the word at RDI
 * is set (by a timer), then the words checked: returns 1 when they are as
 * pushed, 0 when a call in between wrote over them.
 */
SYM_INNER_LABEL(lvd_test_dom_canary_wait, SYM_L_GLOBAL)
	push %rsi
	push %rsi
	push %rsi
	push %rsi
1:	mov (%rdi), %rax
	test %rax, %rax
	jz 1b
	xor %eax, %eax
	mov $4, %ecx
2:	pop %rdx
	cmp %rdx, %rsi
	jne 3f
	dec %ecx
	jnz 2b
	mov $1, %eax
	ret
3:	lea -8(%rsp, %rcx, 8), %rsp	/* the words not popped yet */
	ret

/*
 * RDX sleeping kernel calls of RDI ms each (slot RSI), with four words of
 * the stack pointer's value pushed around them: returns the stack pointer
 * at entry when the words are intact and every call returned 0, else 0.
 */
SYM_INNER_LABEL(lvd_test_dom_sleep, SYM_L_GLOBAL)
	mov %rsp, %r8
	push %r8
	push %r8
	push %r8
	push %r8
	mov %rdx, %r9
	xor %r10, %r10				/* the calls' results, ORed */
1:	mov %r8, %rdx				/* the stack, for the kernel to see */
	mov $LVD_TEST_KCALL_SLEEP, %eax
	int $LVD_VECTOR_CALL
	or %rax, %r10
	dec %r9
	jnz 1b
	xor %eax, %eax
	test %r10, %r10
	jnz 4f
	mov $4, %ecx
2:	pop %rdx
	cmp %rdx, %r8
	jne 3f
	dec %ecx
	jnz 2b
	mov %r8, %rax
	ret
3:	lea -8(%rsp, %rcx, 8), %rsp
	ret
4:	add $32, %rsp				/* a call failed: the four words */
	ret

/* The sleeping kernel call that calls lvd_test_dom_rsp, given RSP here */
SYM_INNER_LABEL(lvd_test_dom_nest_sleep, SYM_L_GLOBAL)
	mov %rsp, %rdi
	mov $LVD_TEST_KCALL_NEST_SLEEP, %eax
	int $LVD_VECTOR_CALL
	ret

/* The stack pointer */
SYM_INNER_LABEL(lvd_test_dom_rsp, SYM_L_GLOBAL)
	mov %rsp, %rax
	ret

/*
 * Takes the test lock (LVD_TEST_KCALL_HOLD 1); then, by RDI: 0 returns
 * holding it, 1 faults, 2 gives it back twice and returns the first
 * result that is not 0, else the second
 */
SYM_INNER_LABEL(lvd_test_dom_hold, SYM_L_GLOBAL)
	mov %rdi, %r9
	mov $1, %edi
	mov $LVD_TEST_KCALL_HOLD, %eax
	int $LVD_VECTOR_CALL
	cmp $1, %r9
	jne 1f
	ud2
1:	cmp $2, %r9
	jne 2f
	mov $2, %edi
	mov $LVD_TEST_KCALL_HOLD, %eax
	int $LVD_VECTOR_CALL
	mov %rax, %r10
	mov $2, %edi
	mov $LVD_TEST_KCALL_HOLD, %eax
	int $LVD_VECTOR_CALL
	test %r10, %r10
	jz 2f
	mov %r10, %rax
2:	ret

	/* The rest of the page: INT3, so a stray jump there stops the domain */
	.balign PAGE_SIZE, 0xcc
SYM_DATA_END(lvd_test_dom_code)
