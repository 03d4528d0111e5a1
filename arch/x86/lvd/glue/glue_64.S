/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The glue page: code that isolated modules' domains run at CPL 3 and the
 * kernel never runs. It lies in the kernel's read-only data, so the kernel's
 * page tables map it non-executable; each such domain maps it executable
 * for CPL 3 (lvd_glue_give()).
 *
 * First LVD_GLUE_STUBS stubs, one per kernel symbol a module may import:
 * stub N makes the domain's kernel call N. Then the deferring routines
 * (include/lvd/glue.h), the string functions the compiler may call by
 * itself and the bitmap searches, which need no kernel at all.
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

/*
 * The bitmap searches behind find_next_bit() and its kin, on the domain's
 * own memory: the first bit at or after @start that is set (or clear),
 * or @nbits when there is none; a word is read only while it holds bits
 * below @nbits.
 */

/* unsigned long _find_first_bit(const unsigned long *addr, unsigned long nbits) */
SYM_INNER_LABEL(lvd_glue_find_first_bit, SYM_L_GLOBAL)
	xor %edx, %edx
/* unsigned long _find_next_bit(addr, nbits, start) */
SYM_INNER_LABEL(lvd_glue_find_next_bit, SYM_L_GLOBAL)
	xor %r8d, %r8d			/* the words as they are */
	jmp 1f
/* unsigned long _find_first_zero_bit(addr, nbits) */
SYM_INNER_LABEL(lvd_glue_find_first_zero_bit, SYM_L_GLOBAL)
	xor %edx, %edx
/* unsigned long _find_next_zero_bit(addr, nbits, start) */
SYM_INNER_LABEL(lvd_glue_find_next_zero_bit, SYM_L_GLOBAL)
	mov $-1, %r8			/* the words inverted */
1:	mov %rsi, %rax
	cmp %rsi, %rdx
	jae 4f				/* start at or past the end: nbits */
	mov %edx, %ecx
	shr $6, %rdx			/* the word start is in */
	mov $-1, %r9
	shl %cl, %r9			/* its bits from start on */
	mov (%rdi, %rdx, 8), %rax
	xor %r8, %rax
	and %r9, %rax
2:	jnz 3f
	inc %rdx
	mov %rdx, %rax
	shl $6, %rax
	cmp %rsi, %rax
	jae 5f				/* no word left: nbits */
	mov (%rdi, %rdx, 8), %rax
	xor %r8, %rax
	jmp 2b
3:	bsf %rax, %rax
	shl $6, %rdx
	add %rdx, %rax
	cmp %rsi, %rax
	cmova %rsi, %rax		/* a bit past the end: nbits */
4:	ret
5:	mov %rsi, %rax
	ret

/*
 * unsigned long _find_last_bit(const unsigned long *addr, unsigned long nbits):
 * the last bit set below nbits, or nbits
 */
SYM_INNER_LABEL(lvd_glue_find_last_bit, SYM_L_GLOBAL)
	mov %rsi, %rax
	test %rsi, %rsi
	jz 2f
	mov %esi, %ecx
	neg %ecx
	mov $-1, %r8
	shr %cl, %r8			/* the last word's bits below nbits */
	lea -1(%rsi), %rdx
	shr $6, %rdx			/* the last word */
1:	and (%rdi, %rdx, 8), %r8
	jnz 3f
	mov $-1, %r8
	sub $1, %rdx
	jae 1b
2:	ret
3:	bsr %r8, %rax
	shl $6, %rdx
	add %rdx, %rax
	ret

	/* All of it in the one page each domain maps: an error past it */
	.org lvd_glue_page + PAGE_SIZE, 0xcc
SYM_DATA_END(lvd_glue_page)
