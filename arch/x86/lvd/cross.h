/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crossings between the kernel and a domain: what the C side
 * (cross.c) and the trampoline (cross_64.S) share.
 *
 * Each CPU has one page, mapped in the kernel's and every domain's page
 * tables and EPTs: its top holds the CPU's crossing state, and below it is
 * the stack (IST 7 of the CPU's TSS) on which every event that leaves a
 * domain arrives. A domain runs at CPL 3, so it can touch neither.
 */
#ifndef _ARCH_X86_LVD_CROSS_H
#define _ARCH_X86_LVD_CROSS_H

/* Offsets in struct lvd_cross_state, checked against it in cross.c */
#define LVD_CS_KERNEL_RSP	0
#define LVD_CS_KERNEL_CR3	8
#define LVD_CS_DOMAIN_CR3	16
#define LVD_CS_GS_BASE		24
#define LVD_CS_FS_BASE		32
#define LVD_CS_INDEX		40
#define LVD_CS_KERNEL_CR0	48
#define LVD_CS_VECTOR		56
#define LVD_CS_ERROR_CODE	64
#define LVD_CS_FAULT_RIP	72
#define LVD_CS_FAULT_CS		80
#define LVD_CS_FAULT_RSP	88
#define LVD_CS_FAULT_CR2	96
#define LVD_CS_RET		104
#define LVD_CS_KERNEL_IDTR	112	/* 2-byte limit, 8-byte base */
#define LVD_CS_DOMAIN_IDTR	128
#define LVD_CS_SELECTORS	144	/* DS, ES, FS, GS: 2 bytes each */
#define LVD_CS_SIZE		160

/*
 * What an exit stub leaves below the state: the vector, the error code
 * (0 when the vector has none) and the CPU's frame (RIP, CS, RFLAGS, RSP,
 * SS). The state starts right above.
 */
#define LVD_XF_VECTOR		0
#define LVD_XF_ERROR_CODE	8
#define LVD_XF_RIP		16
#define LVD_XF_CS		24
#define LVD_XF_RSP		40
#define LVD_XF_STATE		56

/* The domains' IDT: a stub of this size per vector, all on IST 7 */
#define LVD_CROSS_STUB_SIZE	16
#define LVD_CROSS_IST		7

/* The software interrupt a domain's code returns to the kernel with */
#define LVD_VECTOR_RETURN	0x80

/* Domain-entry RFLAGS: reserved bit 1 only (IF clear: no interrupts yet) */
#define LVD_DOMAIN_RFLAGS	0x2

#ifndef __ASSEMBLY__

#include <linux/types.h>
#include <asm/desc_defs.h>

/**
 * struct lvd_cross_state - one CPU's crossing, at the top of its IST page
 * @kernel_rsp: the kernel stack pointer at the call, trusted on the way back
 * @kernel_cr3: the kernel's CR3 to return to (NOFLUSH set with PCIDs)
 * @domain_cr3: the domain's page tables
 * @gs_base: the kernel's GS base, restored before anything uses %gs
 * @fs_base: the current task's FS base
 * @index: the domain's EPTP-list index
 * @kernel_cr0: CR0 to return to (the domain runs with CR0.TS set)
 * @vector: how the domain left: LVD_VECTOR_RETURN, or the exception
 * @error_code: the exception's error code
 * @fault_rip: RIP where the domain left
 * @fault_cs: CS there (3 in its low bits: CPL 3)
 * @fault_rsp: the domain's RSP then
 * @fault_cr2: CR2 when it left (for a page fault)
 * @ret: the domain's RAX when it left: its return value
 * @kernel_idtr: the kernel's IDT
 * @domain_idtr: the domains' IDT
 * @selectors: DS, ES, FS and GS at the call
 */
struct lvd_cross_state {
	u64 kernel_rsp;
	u64 kernel_cr3;
	u64 domain_cr3;
	u64 gs_base;
	u64 fs_base;
	u64 index;
	u64 kernel_cr0;
	u64 vector;
	u64 error_code;
	u64 fault_rip;
	u64 fault_cs;
	u64 fault_rsp;
	u64 fault_cr2;
	u64 ret;
	struct desc_ptr kernel_idtr;
	u8 pad0[16 - sizeof(struct desc_ptr)];
	struct desc_ptr domain_idtr;
	u8 pad1[16 - sizeof(struct desc_ptr)];
	u16 selectors[4];
	u8 pad2[8];
} __aligned(16);

/**
 * struct lvd_cross_call - where and how a call enters a domain
 * @rip: the domain function
 * @rsp: the domain stack pointer, a return address to the domain's exit
 *	 code already pushed
 * @args: RDI, RSI, RDX, RCX, R8 and R9 for the function
 */
struct lvd_cross_call {
	u64 rip;
	u64 rsp;
	u64 args[6];
};

void lvd_cross_enter(struct lvd_cross_state *st,
		     const struct lvd_cross_call *call);

extern const char __lvd_cross_text_start[];
extern const char lvd_cross_stubs[], lvd_cross_domain_exit[];

/* The domains' IDT (0 until the first domain): root mode reads it. */
extern unsigned long lvd_cross_idt_base;

/* A page that every domain maps, at the same address as the kernel */
typedef int (*lvd_cross_page_fn)(void *arg, unsigned long va, phys_addr_t pa,
				 unsigned int access);

int lvd_cross_init(void);
int lvd_cross_for_each_page(lvd_cross_page_fn fn, void *arg);
void lvd_cross_run(u64 domain_cr3, unsigned int index,
		   const struct lvd_cross_call *call,
		   struct lvd_cross_state *result);

#endif /* __ASSEMBLY__ */
#endif /* _ARCH_X86_LVD_CROSS_H */
