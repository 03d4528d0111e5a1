/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crossings between the kernel and a domain: what the C side
 * (cross.c) and the trampoline (cross_64.S) share.
 *
 * Each CPU has one page, mapped in the kernel's and every domain's page
 * tables and EPTs: its top holds the CPU's crossing state, and below it is
 * the stack (IST 7 of the CPU's TSS) on which every event that leaves a
 * domain arrives. A domain runs at CPL 3, so it can touch neither.
 *
 * Right below the state, the stub of the event and the trampoline leave a
 * struct lvd_cross_frame: the domain's registers, the vector, the error
 * code and the CPU's interrupt frame. Entering a domain is the reverse:
 * the trampoline copies a frame there and pops it.
 */
#ifndef _ARCH_X86_LVD_CROSS_H
#define _ARCH_X86_LVD_CROSS_H

/*
 * The offsets of struct lvd_cross_state and struct lvd_cross_frame that
 * cross_64.S uses are generated from them: cross-asm-offsets.c.
 */

/* The domains' IDT: a stub of this size per vector, all on IST 7 */
#define LVD_CROSS_STUB_SIZE	16
#define LVD_CROSS_IST		7

/*
 * Software interrupts a domain raises: returning to the kernel, and
 * calling it. Vectors Intel reserves: neither an exception nor a device
 * interrupt ever uses them.
 */
#define LVD_VECTOR_CALL		0x1b
#define LVD_VECTOR_RETURN	0x1f

#ifndef __ASSEMBLY__

#include <linux/types.h>
#include <asm/desc_defs.h>

/**
 * struct lvd_cross_state - one CPU's crossing, at the top of its IST page
 * @kernel_rsp: the kernel stack pointer at the call, trusted on the way back
 * @kernel_cr3: the kernel's CR3 to return to (NOFLUSH set with PCIDs)
 * @domain_cr3: the domain's page tables
 * @domain_gs_base: the domain's GS base (its per-CPU area, or 0)
 * @gs_base: the kernel's GS base, restored before anything uses %gs
 * @fs_base: the current task's FS base
 * @index: the domain's EPTP-list index
 * @kernel_cr0: CR0 to return to (the domain runs with CR0.TS set)
 * @fault_cr2: CR2 when the domain left (for a page fault)
 * @kernel_idtr: the kernel's IDT
 * @domain_idtr: the domains' IDT
 * @selectors: DS, ES, FS and GS at the call
 * @vmfuncs: how many VMFUNCs the trampoline executed on this CPU
 */
struct lvd_cross_state {
	u64 kernel_rsp;
	u64 kernel_cr3;
	u64 domain_cr3;
	u64 domain_gs_base;
	u64 gs_base;
	u64 fs_base;
	u64 index;
	u64 kernel_cr0;
	u64 fault_cr2;
	struct desc_ptr kernel_idtr;
	u8 pad0[16 - sizeof(struct desc_ptr)];
	struct desc_ptr domain_idtr;
	u8 pad1[16 - sizeof(struct desc_ptr)];
	u16 selectors[4];
	u64 vmfuncs;
} __aligned(16);

/**
 * struct lvd_cross_frame - a domain's CPU state, as it left or will enter
 * @r15: general-purpose registers, in the order the trampoline pushes them
 * @r14: "
 * @r13: "
 * @r12: "
 * @rbp: "
 * @rbx: "
 * @r11: "
 * @r10: "
 * @r9: "
 * @r8: "
 * @rax: "
 * @rcx: "
 * @rdx: "
 * @rsi: "
 * @rdi: "
 * @vector: how it left (an exception, an interrupt, LVD_VECTOR_*)
 * @error_code: the exception's error code, else 0
 * @rip: the CPU's interrupt frame
 * @cs: "
 * @rflags: "
 * @rsp: "
 * @ss: "
 */
struct lvd_cross_frame {
	u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	u64 rax, rcx, rdx, rsi, rdi;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;
};

void lvd_cross_enter(struct lvd_cross_state *st,
		     const struct lvd_cross_frame *frame);
void lvd_cross_call_handler(unsigned long handler);

extern const char __lvd_cross_text_start[];
extern const char lvd_cross_stubs[], lvd_cross_domain_exit[];

/* A page that every domain maps, at the same address as the kernel */
typedef int (*lvd_cross_page_fn)(void *arg, unsigned long va, phys_addr_t pa,
				 unsigned int access);

int lvd_cross_init(void);
u64 lvd_cross_vmfuncs(void);		/* CONFIG_LVD_TEST_HOOKS only */
u64 lvd_cross_vmfuncs_all(void);	/* CONFIG_LVD_TEST_HOOKS only */

int lvd_cross_walk_pages(lvd_cross_page_fn fn, void *arg);
void lvd_cross_run(u64 domain_cr3, unsigned int index, u64 gs_base,
		   const struct lvd_cross_frame *in, struct lvd_cross_frame *out,
		   unsigned long *cr2);
void lvd_cross_deliver(unsigned int vector, const struct lvd_cross_frame *f);

#endif /* __ASSEMBLY__ */
#endif /* _ARCH_X86_LVD_CROSS_H */
