/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The glue page: code that isolated modules' domains run at CPL 3 and the
 * kernel never runs. It lies in the kernel's read-only data, so the kernel's
 * page tables map it non-executable; each such domain maps it executable
 * for CPL 3 (lvd_glue_give()).
 *
 * First LVD_GLUE_STUBS stubs, one per kernel symbol a module may import:
 * stub N makes the domain's kernel call N. Then the deferring routines
 * (include/lvd/glue.h), and the string functions the compiler may call by
 * itself, which need no kernel at all.
 */
#include <linux/linkage.h>
#include <asm/page_types.h>
#include <lvd/glue.h>
#include "macros.S"
#include "domain/cross.h"
#include "domain/domain_percpu.h"

#define WATCH_OBJ	%gs:LVD_DOMAIN_PCPU_WATCH
#define WATCH_MARK	%gs:LVD_DOMAIN_PCPU_WATCH_MARK
#define WATCH_RAN	%gs:LVD_DOMAIN_PCPU_WATCH_RAN
#define WATCH_FN	%gs:LVD_DOMAIN_PCPU_WATCH_FN

	.section .rodata.lvd_glue, "a"
	.balign PAGE_SIZE
SYM_DATA_START(lvd_glue_page)
	stub = 0
	.rept LVD_GLUE_STUBS
	mov $stub, %eax			/* the kernel call's number */
	int $LVD_VECTOR_CALL
	ret
	LVD_STUB_END lvd_glue_page, stub, LVD_GLUE_STUB_SIZE
	stub = stub + 1
	.endr

/*
 * The deferring routines: each records its call in this CPU's watch, when
 * the watch names the object its first argument is and is at the mark the
 * routine moves from; else it makes its kernel call (number .defer - 1).
 * The kernel applies what is recorded when its call into the domain
 * returns. Nothing but the watch (through %gs) is read or written: an
 * address the domain forged is only compared.
 */

/* blk_mq_start_request(rq): HANDED to STARTED */
SYM_INNER_LABEL(lvd_glue_defer_start, SYM_L_GLOBAL)
	cmp %rdi, WATCH_OBJ
	jne 1f
	cmpl $LVD_GLUE_MARK_HANDED, WATCH_MARK
	jne 1f
	movl $LVD_GLUE_MARK_STARTED, WATCH_MARK
	ret
1:	mov $(LVD_GLUE_DEFER_START - 1), %eax
	int $LVD_VECTOR_CALL
	ret

/*
 * blk_mq_complete_request(rq): STARTED to COMPLETE; or, when the watch has
 * a function (the driver's completion, which the kernel would run at once),
 * STARTED to COMPLETING and the function, here in the domain (a tail call,
 * with rq), noted in the watch's ran
 */
SYM_INNER_LABEL(lvd_glue_defer_complete, SYM_L_GLOBAL)
	cmp %rdi, WATCH_OBJ
	jne 2f
	cmpl $LVD_GLUE_MARK_STARTED, WATCH_MARK
	jne 2f
	mov WATCH_FN, %rax
	test %rax, %rax
	jnz 1f
	movl $LVD_GLUE_MARK_COMPLETE, WATCH_MARK
	ret
1:	movl $LVD_GLUE_MARK_COMPLETING, WATCH_MARK
	movl $1, WATCH_RAN
	jmp *%rax
2:	mov $(LVD_GLUE_DEFER_COMPLETE - 1), %eax
	int $LVD_VECTOR_CALL
	ret

/* blk_mq_end_request(rq, status): STARTED or COMPLETING to ENDED */
SYM_INNER_LABEL(lvd_glue_defer_end, SYM_L_GLOBAL)
	cmp %rdi, WATCH_OBJ
	jne 2f
	cmp $0xff, %rsi			/* a status that is none: the kernel's */
	ja 2f
	cmpl $LVD_GLUE_MARK_STARTED, WATCH_MARK
	je 1f
	cmpl $LVD_GLUE_MARK_COMPLETING, WATCH_MARK
	jne 2f
1:	mov %esi, %eax
	shl $8, %eax
	or $LVD_GLUE_MARK_ENDED, %eax
	mov %eax, WATCH_MARK
	ret
2:	mov $(LVD_GLUE_DEFER_END - 1), %eax
	int $LVD_VECTOR_CALL
	ret

/* void *memcpy(void *dst, const void *src, size_t n) */
SYM_INNER_LABEL(lvd_glue_memcpy, SYM_L_GLOBAL)
	mov %rdi, %rax
	mov %rdx, %rcx
	rep movsb
	ret

/* void *memset(void *s, int c, size_t n) */
SYM_INNER_LABEL(lvd_glue_memset, SYM_L_GLOBAL)
	mov %rdi, %r8
	mov %esi, %eax
	mov %rdx, %rcx
	rep stosb
	mov %r8, %rax
	ret

/* void *memmove(void *dst, const void *src, size_t n) */
SYM_INNER_LABEL(lvd_glue_memmove, SYM_L_GLOBAL)
	mov %rdi, %rax
	mov %rdx, %rcx
	cmp %rsi, %rdi
	jbe 1f
	/* dst above src: copy from the end, backwards */
	lea -1(%rsi, %rdx), %rsi
	lea -1(%rdi, %rdx), %rdi
	std
	rep movsb
	cld
	ret
1:	rep movsb
	ret

/* int memcmp(const void *a, const void *b, size_t n) */
SYM_INNER_LABEL(lvd_glue_memcmp, SYM_L_GLOBAL)
	xor %eax, %eax
	mov %rdx, %rcx
	repe cmpsb
	je 1f
	movzbl -1(%rdi), %eax
	movzbl -1(%rsi), %ecx
	sub %ecx, %eax
1:	ret

/* size_t strlen(const char *s) */
SYM_INNER_LABEL(lvd_glue_strlen, SYM_L_GLOBAL)
	mov %rdi, %rdx
	xor %eax, %eax
	mov $-1, %rcx
	repne scasb
	mov %rdi, %rax
	sub %rdx, %rax
	dec %rax
	ret

/*
 * preempt_schedule_thunk, which preempt_enable() calls when the preempt
 * count reaches zero with a reschedule pending: never, in a domain (its
 * count keeps the need-resched bit, domain_percpu.c), and a domain has
 * nothing to reschedule. Every register is kept, as the thunk's callers
 * expect.
 */
SYM_INNER_LABEL(lvd_glue_preempt_schedule, SYM_L_GLOBAL)
	ret

/* int strcmp(const char *a, const char *b) */
SYM_INNER_LABEL(lvd_glue_strcmp, SYM_L_GLOBAL)
1:	movzbl (%rdi), %eax
	movzbl (%rsi), %ecx
	sub %ecx, %eax
	jnz 2f
	test %ecx, %ecx			/* equal so far: both ended? */
	jz 2f
	inc %rdi
	inc %rsi
	jmp 1b
2:	ret

/* char *strchr(const char *s, int c): c's first place, its NUL included */
SYM_INNER_LABEL(lvd_glue_strchr, SYM_L_GLOBAL)
1:	movzbl (%rdi), %eax
	cmp %sil, %al
	je 2f
	test %al, %al
	jz 3f
	inc %rdi
	jmp 1b
2:	mov %rdi, %rax
	ret
3:	xor %eax, %eax
	ret

/* char *strcpy(char *dst, const char *src) */
SYM_INNER_LABEL(lvd_glue_strcpy, SYM_L_GLOBAL)
	mov %rdi, %rax
1:	movzbl (%rsi), %ecx
	mov %cl, (%rdi)
	inc %rsi
	inc %rdi
	test %cl, %cl
	jnz 1b
	ret

	.balign PAGE_SIZE, 0xcc
SYM_DATA_END(lvd_glue_page)
