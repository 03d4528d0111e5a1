// SPDX-License-Identifier: GPL-2.0
/*
 * Root mode is its own world: each CPU gets, in hypervisor memory, a GDT
 * (a copy of the kernel's with its own TSS), an IDT whose every gate leads
 * to LVD's own stubs (an exception in root mode never runs a Linux
 * handler), a TSS with IST stacks for NMI, #DF and #MC, an exit-handler
 * stack, and one page table shared by all CPUs that maps the kernel half of
 * the address space (so that host CR3 never points at a task's tables).
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/hex.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/processor.h>
#include <linux/serial_reg.h>
#include <linux/string.h>
#include <asm/desc.h>
#include <asm/traps.h>

#include "hv/hv.h"
#include "hv/pool.h"
#include "root/world.h"
#include "root/vcpu.h"
#include "root/vmx_ops.h"

#define LVD_ROOT_STACK_ORDER	2	/* exit-handler stack: 16 KiB */
#define LVD_ROOT_IST_ORDER	2	/* NMI, #DF, #MC stacks: 4 KiB each */
#define LVD_ROOT_TSS_OFFSET	2048	/* TSS in the GDT's page */

enum { LVD_IST_NMI = 1, LVD_IST_DF, LVD_IST_MC };

/* The hypervisor's state: set up by hv/launch.c, read in root mode */
struct lvd_hv lvd_hv;
DEFINE_PER_CPU(struct lvd_vcpu *, lvd_vcpu);
/* Stack pointer of lvd_vmx_launch(), for a failed-entry exit (vmx_entry.S). */
DEFINE_PER_CPU(unsigned long, lvd_launch_rsp);

static pgd_t *lvd_root_pgd;
static phys_addr_t lvd_root_pgd_pa;

/**
 * lvd_root_cr3() - the page table root mode runs on
 *
 * Return: its physical address (0 before lvd_root_init_pgd()).
 */
phys_addr_t lvd_root_cr3(void)
{
	return lvd_root_pgd_pa;
}

/**
 * lvd_root_init_pgd() - build the root-mode page table
 *
 * A top-level table of its own whose kernel half points to the kernel's
 * lower-level tables: x86-64 preallocates those for the whole kernel
 * half at boot, so the copy never goes stale.
 *
 * Return: 0 or -ENOMEM.
 */
int lvd_root_init_pgd(void)
{
	if (lvd_root_pgd)
		return 0;
	lvd_root_pgd = lvd_pool_alloc(0, &lvd_root_pgd_pa);
	if (!lvd_root_pgd)
		return -ENOMEM;
	memcpy(lvd_root_pgd + KERNEL_PGD_BOUNDARY,
	       swapper_pg_dir + KERNEL_PGD_BOUNDARY,
	       KERNEL_PGD_PTRS * sizeof(pgd_t));
	return 0;
}

static void lvd_root_init_idt(gate_desc *idt)
{
	unsigned int v, ist;

	for (v = 0; v < LVD_ROOT_VECTORS; v++) {
		switch (v) {
		case X86_TRAP_NMI:
			ist = LVD_IST_NMI;
			break;
		case X86_TRAP_DF:
			ist = LVD_IST_DF;
			break;
		case X86_TRAP_MC:
			ist = LVD_IST_MC;
			break;
		default:
			ist = 0;
		}
		pack_gate(&idt[v], GATE_INTERRUPT,
			  v == X86_TRAP_NMI ? (unsigned long)lvd_root_nmi :
			  (unsigned long)lvd_root_exc_stubs + v * LVD_ROOT_STUB_SIZE,
			  0, ist, __KERNEL_CS);
	}
	/* Vectors above 31 never fire: interrupts stay masked in root mode. */
}

/**
 * lvd_root_init() - build one CPU's root-mode world
 * @root: where to record it
 * @cpu: the CPU
 *
 * Return: 0 or -ENOMEM (what was allocated stays in the pool).
 */
int lvd_root_init(struct lvd_root *root, unsigned int cpu)
{
	unsigned long ist;
	tss_desc tss;
	void *page;

	root->gdt = lvd_pool_alloc(0, NULL);
	root->idt = lvd_pool_alloc(0, NULL);
	page = lvd_pool_alloc(LVD_ROOT_STACK_ORDER, NULL);
	ist = (unsigned long)lvd_pool_alloc(LVD_ROOT_IST_ORDER, NULL);
	if (!root->gdt || !root->idt || !page || !ist)
		return -ENOMEM;

	/* Same selectors as the kernel's GDT, so HOST_CS is __KERNEL_CS. */
	memcpy(root->gdt, get_cpu_gdt_rw(cpu), GDT_SIZE);
	root->tss = (void *)root->gdt + LVD_ROOT_TSS_OFFSET;
	root->tss->ist[LVD_IST_NMI - 1] = ist + 1 * PAGE_SIZE;
	root->tss->ist[LVD_IST_DF - 1] = ist + 2 * PAGE_SIZE;
	root->tss->ist[LVD_IST_MC - 1] = ist + 3 * PAGE_SIZE;
	root->tss->io_bitmap_base = sizeof(*root->tss);	/* no I/O bitmap */
	set_tssldt_descriptor(&tss, (unsigned long)root->tss, DESC_TSS,
			      sizeof(*root->tss) - 1);
	write_gdt_entry(root->gdt, GDT_ENTRY_TSS, &tss, DESC_TSS);

	lvd_root_init_idt(root->idt);
	root->stack_top = (unsigned long)page + (PAGE_SIZE << LVD_ROOT_STACK_ORDER);
	return 0;
}

/*
 * Polled output on COM1: the only safe way to speak from root mode (the
 * guest may hold printk's locks, and the serial driver is instrumented).
 */
static noinstr void lvd_root_puts(const char *s)
{
	const unsigned int com1 = 0x3f8;
	int spin;

	for (; *s; s++) {
		for (spin = 0; spin < 100000 &&
		     !(inb(com1 + UART_LSR) & UART_LSR_THRE); spin++)
			cpu_relax();
		outb(*s, com1);
	}
}

/* Room for an unsigned long in decimal, or in hexadecimal with "0x" */
#define LVD_ROOT_NUM_LEN	(2 + 20 + 1)

/*
 * @val in decimal, or in hexadecimal as "%#lx" prints it, at the end of
 * @buf: root mode's messages cannot use vsnprintf(), which is instrumented
 * kernel code. Returns where the digits start.
 */
static noinstr char *lvd_root_num(char buf[LVD_ROOT_NUM_LEN],
				  unsigned long val, unsigned int base)
{
	char *p = buf + LVD_ROOT_NUM_LEN - 1;

	*p = '\0';
	do {
		*--p = "0123456789abcdef"[val % base];
		val /= base;
	} while (val);
	if (base == 16) {
		*--p = 'x';
		*--p = '0';
	}
	return p;
}

static noinstr void lvd_root_put_num(unsigned long val, unsigned int base)
{
	char num[LVD_ROOT_NUM_LEN];

	lvd_root_puts(lvd_root_num(num, val, base));
}

static noinstr void lvd_root_fatal_begin(void)
{
	lvd_root_puts("\nlvd: FATAL in VMX root mode: ");
}

static noinstr void __noreturn lvd_root_fatal_end(void)
{
	lvd_root_puts("\n");
	for (;;)
		native_halt();
}

/**
 * lvd_root_fatal() - stop this CPU after a hypervisor failure
 * @msg: what went wrong
 *
 * Root mode cannot call printk (the guest may hold its locks): the message
 * goes straight to COM1, and the CPU halts with interrupts off.
 */
noinstr void __noreturn lvd_root_fatal(const char *msg)
{
	lvd_root_fatal_begin();
	lvd_root_puts(msg);
	lvd_root_fatal_end();
}

/**
 * lvd_root_fatal_hex() - lvd_root_fatal() with a number
 * @msg: what went wrong
 * @val: printed after @msg, in hexadecimal
 */
noinstr void __noreturn lvd_root_fatal_hex(const char *msg, unsigned long val)
{
	lvd_root_fatal_begin();
	lvd_root_puts(msg);
	lvd_root_put_num(val, 16);
	lvd_root_fatal_end();
}

/*
 * Messages that root mode composes itself, one CPU at a time: snprintf()
 * is not built for root mode.
 */
#define LVD_ROOT_MSG_SIZE	96
static DEFINE_PER_CPU(char [LVD_ROOT_MSG_SIZE], lvd_root_msg);

/* Append @s at @p, before @end; return the new end of the string. */
static noinstr char *lvd_root_cat(char *p, const char *end, const char *s)
{
	while (*s && p < end - 1)
		*p++ = *s++;
	*p = '\0';
	return p;
}

/* Append @val in @base (10, or 16 with "0x" first). */
static noinstr char *lvd_root_cat_num(char *p, const char *end,
				      unsigned long val, unsigned int base)
{
	char num[LVD_ROOT_NUM_LEN];

	return lvd_root_cat(p, end, lvd_root_num(num, val, base));
}

/**
 * lvd_root_vmx_msg() - say why a VMREAD or VMWRITE failed in root mode
 * @insn: which instruction
 * @field: the VMCS field it named
 *
 * For lvd_root_fatal() (vmx_ops.h): the VMCS is not what the hypervisor
 * believes it is.
 *
 * Return: the instruction, the field and the VM-instruction error, in a
 * buffer of this CPU's.
 */
noinstr const char *lvd_root_vmx_msg(const char *insn, unsigned long field)
{
	char *msg = raw_cpu_ptr(lvd_root_msg), *end = msg + LVD_ROOT_MSG_SIZE;
	unsigned long error;
	char *p;

	p = lvd_root_cat(msg, end, insn);
	p = lvd_root_cat(p, end, " of VMCS field ");
	p = lvd_root_cat_num(p, end, field, 16);
	/* VMfailValid leaves the reason in the VMCS; VMfailInvalid has none. */
	if (__lvd_vmread(VM_INSTRUCTION_ERROR, &error)) {
		p = lvd_root_cat(p, end, " failed, VM-instruction error ");
		lvd_root_cat_num(p, end, error, 10);
	} else {
		lvd_root_cat(p, end, " failed, no current VMCS");
	}
	return msg;
}

/**
 * lvd_root_fixup() - is an exception in root mode a refused forwarded access?
 * @frame: vector, error code and the hardware frame, as the stubs push them
 *
 * A #GP or #UD at one of the accesses of lvd_root_fixups[] is the outer
 * hypervisor refusing it: the CPU resumes at its fixup, which reports the
 * error. Any other exception is a hypervisor bug (lvd_root_exception()).
 *
 * Return: true when @frame now resumes at a fixup.
 */
noinstr bool lvd_root_fixup(struct lvd_root_frame *frame)
{
	unsigned long i;

	if (frame->vector != X86_TRAP_GP && frame->vector != X86_TRAP_UD)
		return false;
	for (i = 0; i < lvd_root_nr_fixups; i++) {
		if (frame->rip == lvd_root_fixups[i].insn) {
			frame->rip = lvd_root_fixups[i].resume;
			return true;
		}
	}
	return false;
}

/**
 * lvd_root_exception() - an exception hit the hypervisor itself
 * @frame: vector, error code and the hardware frame, as the stubs push them
 *
 * The faulting RIP is printed as a number: resolving it to a symbol
 * (%pS) would take kallsyms, kernel code, into root mode.
 */
noinstr void __noreturn lvd_root_exception(struct lvd_root_frame *frame)
{
	lvd_root_fatal_begin();
	lvd_root_puts("exception ");
	lvd_root_put_num(frame->vector, 10);
	lvd_root_puts(" (error code ");
	lvd_root_put_num(frame->error_code, 16);
	lvd_root_puts(") at ");
	lvd_root_put_num(frame->rip, 16);
	lvd_root_puts(", RSP ");
	lvd_root_put_num(frame->rsp, 16);
	lvd_root_fatal_end();
}
