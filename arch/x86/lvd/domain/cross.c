// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's side of crossings (cross.h): each CPU's IST page and
 * crossing state, the domains' IDT, the pages every domain must map for
 * the CPU to leave it, and the call itself.
 */

#include <linux/build_bug.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/processor.h>
#include <linux/stddef.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/idtentry.h>
#include <asm/irq_vectors.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include "hypervisor.h"
#include "domain/cross.h"
#include "domain/domain_pt.h"

/**
 * struct lvd_cross_page - a CPU's IST 7 stack, its crossing state on top
 * @stack: the stack, growing down to the state
 * @st: the state
 */
struct lvd_cross_page {
	u8 stack[PAGE_SIZE - sizeof(struct lvd_cross_state)];
	struct lvd_cross_state st;
};

static_assert(sizeof(struct lvd_cross_page) == PAGE_SIZE);

#ifdef CONFIG_LVD_TEST_HOOKS
/* The stubs: mapped for CPL 0 in every domain (tests jump there from CPL 3) */
EXPORT_SYMBOL_NS_GPL(lvd_cross_stubs, LVD_TEST);
#endif

static DEFINE_PER_CPU(struct lvd_cross_page *, lvd_cross_pages);
static gate_desc *lvd_cross_idt;
static struct desc_ptr lvd_cross_idtr;
static DEFINE_MUTEX(lvd_cross_init_lock);

/*
 * The domains' IDT: every vector to its stub on IST 7; only the return and
 * call vectors may be raised from CPL 3 (INT n to any other is a #GP).
 */
static int lvd_cross_build_idt(void)
{
	unsigned int v;

	lvd_cross_idt = (gate_desc *)get_zeroed_page(GFP_KERNEL);
	if (!lvd_cross_idt)
		return -ENOMEM;
	for (v = 0; v < IDT_ENTRIES; v++)
		pack_gate(&lvd_cross_idt[v], GATE_INTERRUPT,
			  (unsigned long)lvd_cross_stubs + v * LVD_CROSS_STUB_SIZE,
			  v == LVD_VECTOR_RETURN || v == LVD_VECTOR_CALL ? 3 : 0,
			  LVD_CROSS_IST,
			  __KERNEL_CS);
	lvd_cross_idtr.size = IDT_ENTRIES * sizeof(gate_desc) - 1;
	lvd_cross_idtr.address = (unsigned long)lvd_cross_idt;
	return 0;
}

/* Each CPU's IST page, and IST 7 of its TSS pointing at it (unused so far). */
static int lvd_cross_alloc_pages(void)
{
	struct lvd_cross_page *p;
	struct page *page;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		page = alloc_pages_node(cpu_to_node(cpu),
					GFP_KERNEL | __GFP_ZERO, 0);
		if (!page)
			return -ENOMEM;
		p = page_address(page);
		per_cpu(lvd_cross_pages, cpu) = p;
		per_cpu(cpu_tss_rw, cpu).x86_tss.ist[LVD_CROSS_IST - 1] =
			(unsigned long)&p->st;
	}
	return 0;
}

/**
 * lvd_cross_init() - prepare crossings, once
 *
 * Return: 0 or -ENOMEM.
 */
int lvd_cross_init(void)
{
	int ret = 0;

	mutex_lock(&lvd_cross_init_lock);
	if (!lvd_domain_idt_base) {
		ret = lvd_cross_build_idt();
		if (!ret)
			ret = lvd_cross_alloc_pages();
		/* An IST page of a possible CPU that failed stays: no leak worth a path. */
		if (!ret)
			WRITE_ONCE(lvd_domain_idt_base, lvd_cross_idtr.address);
	}
	mutex_unlock(&lvd_cross_init_lock);
	return ret;
}

/* For lvd_test_hv's benchmark only */
#ifdef CONFIG_LVD_TEST_HOOKS
/**
 * lvd_cross_vmfuncs() - VMFUNCs the trampoline executed on this CPU
 *
 * Counted next to each VMFUNC, both ways. Preemption must be off.
 *
 * Return: the count since the first domain, 0 before it.
 */
u64 lvd_cross_vmfuncs(void)
{
	struct lvd_cross_page *p = this_cpu_read(lvd_cross_pages);

	return p ? p->st.vmfuncs : 0;
}
EXPORT_SYMBOL_NS_GPL(lvd_cross_vmfuncs, LVD_TEST);

/**
 * lvd_cross_vmfuncs_all() - VMFUNCs the trampoline executed on every CPU
 *
 * Return: the sum of lvd_cross_vmfuncs() over the CPUs, read unlocked.
 */
u64 lvd_cross_vmfuncs_all(void)
{
	struct lvd_cross_page *p;
	unsigned int cpu;
	u64 sum = 0;

	for_each_possible_cpu(cpu) {
		p = per_cpu(lvd_cross_pages, cpu);
		if (p)
			sum += READ_ONCE(p->st.vmfuncs);
	}
	return sum;
}
EXPORT_SYMBOL_NS_GPL(lvd_cross_vmfuncs_all, LVD_TEST);
#endif

static int lvd_cross_text_pages(lvd_cross_page_fn fn, void *arg)
{
	unsigned long va = (unsigned long)__lvd_cross_text_start;
	unsigned long user = (unsigned long)lvd_cross_domain_exit;
	int ret = 0;

	/* The domain-exit page is the last one. */
	for (; !ret && va <= user; va += PAGE_SIZE)
		ret = fn(arg, va, __pa_symbol(va),
			 LVD_PT_EXEC | (va == user ? LVD_PT_USER : 0));
	return ret;
}

static int lvd_cross_cpu_pages(lvd_cross_page_fn fn, void *arg,
			       unsigned int cpu)
{
	struct tss_struct *tss = &get_cpu_entry_area(cpu)->tss;
	unsigned long ist = (unsigned long)per_cpu(lvd_cross_pages, cpu);
	int ret;

	ret = fn(arg, ist, __pa(ist), LVD_PT_WRITE);
	if (!ret)
		ret = fn(arg, (unsigned long)get_cpu_gdt_ro(cpu),
			 get_cpu_gdt_paddr(cpu), 0);
	if (!ret)
		ret = fn(arg, (unsigned long)&tss->x86_tss,
			 per_cpu_ptr_to_phys(&per_cpu(cpu_tss_rw, cpu)), 0);
	return ret;
}

/**
 * lvd_cross_walk_pages() - the kernel pages a domain must map
 * @fn: called with each page's address, physical address and LVD_PT_*
 *	access (supervisor only unless LVD_PT_USER)
 * @arg: for @fn
 *
 * The trampoline's text, the domains' IDT, and each CPU's IST page, GDT
 * and TSS: what the CPU reads or runs to leave a domain. lvd_cross_init()
 * must have succeeded.
 *
 * Return: 0, or the first error @fn returned.
 */
int lvd_cross_walk_pages(lvd_cross_page_fn fn, void *arg)
{
	unsigned int cpu;
	int ret;

	ret = lvd_cross_text_pages(fn, arg);
	if (!ret)
		ret = fn(arg, lvd_cross_idtr.address, __pa(lvd_cross_idtr.address), 0);
	for_each_possible_cpu(cpu)
		if (!ret)
			ret = lvd_cross_cpu_pages(fn, arg, cpu);
	return ret;
}

/*
 * A domain runs on the TSS of the task that called it, whose I/O bitmap
 * (ioperm(), or iopl(3), which Linux emulates with a bitmap) would give
 * the domain the task's ports. While it runs, the TSS has none: every IN
 * and OUT at CPL 3 is a #GP. Returns what to put back afterwards.
 */
static u16 lvd_cross_hide_io_bitmap(void)
{
	u16 base = this_cpu_read(cpu_tss_rw.x86_tss.io_bitmap_base);

	if (base != IO_BITMAP_OFFSET_INVALID)
		this_cpu_write(cpu_tss_rw.x86_tss.io_bitmap_base,
			       IO_BITMAP_OFFSET_INVALID);
	return base;
}

static void lvd_cross_restore_io_bitmap(u16 base)
{
	if (base != IO_BITMAP_OFFSET_INVALID)
		this_cpu_write(cpu_tss_rw.x86_tss.io_bitmap_base, base);
}

/*
 * A task may have turned RDTSC off for itself (prctl(PR_SET_TSC)), which
 * sets CR4.TSD while it runs: a driver's RDTSC must not fail for the task
 * that happens to call it. Returns whether CR4.TSD goes back on afterwards.
 */
static bool lvd_cross_allow_rdtsc(void)
{
	if (likely(!(cr4_read_shadow() & X86_CR4_TSD)))
		return false;
	cr4_clear_bits_irqsoff(X86_CR4_TSD);
	return true;
}

/**
 * lvd_cross_run() - enter a domain on this CPU until it leaves
 * @domain_cr3: the domain's page tables
 * @index: its EPTP-list index
 * @gs_base: its GS base on this CPU
 * @in: its registers and interrupt frame to enter with
 * @out: where to store them as it left, with the vector (may be @in)
 * @cr2: where to store CR2 as it left
 *
 * Preemption and interrupts must be off: what the domain left with is only
 * on this CPU's IST page until it is copied to @out. Neither the task's I/O
 * permissions nor its RDTSC setting reach the domain.
 */
void lvd_cross_run(u64 domain_cr3, unsigned int index, u64 gs_base,
		   const struct lvd_cross_frame *in, struct lvd_cross_frame *out,
		   unsigned long *cr2)
{
	struct lvd_cross_page *p = this_cpu_read(lvd_cross_pages);
	struct lvd_cross_state *st = &p->st;
	bool tsd;
	u16 io_bitmap;

	lockdep_assert_irqs_disabled();
	st->kernel_cr3 = __native_read_cr3();
	if (cr4_read_shadow() & X86_CR4_PCIDE)
		st->kernel_cr3 |= X86_CR3_PCID_NOFLUSH;
	st->kernel_cr0 = native_read_cr0();
	store_idt(&st->kernel_idtr);
	st->domain_cr3 = domain_cr3;
	st->domain_gs_base = gs_base;
	st->domain_idtr = lvd_cross_idtr;
	st->index = index;
	io_bitmap = lvd_cross_hide_io_bitmap();
	tsd = lvd_cross_allow_rdtsc();
	lvd_cross_enter(st, in);
	if (tsd)
		cr4_set_bits_irqsoff(X86_CR4_TSD);
	lvd_cross_restore_io_bitmap(io_bitmap);
	*out = *(struct lvd_cross_frame *)((void *)st - sizeof(*out));
	*cr2 = st->fault_cr2;
}

/**
 * lvd_cross_deliver() - the kernel takes an interrupt or NMI a domain got
 * @vector: the vector, 32 or above, or NMI_VECTOR
 * @f: the domain's frame (not shown to the handlers)
 *
 * The handler runs as if it had interrupted the kernel here: an interrupt
 * through the kernel's IDT, an NMI through exc_nmi(). Interrupts off.
 */
void lvd_cross_deliver(unsigned int vector, const struct lvd_cross_frame *f)
{
	struct desc_ptr idt;
	struct pt_regs regs = {
		.ip = (unsigned long)lvd_cross_deliver, .cs = __KERNEL_CS,
		.flags = X86_EFLAGS_FIXED, .ss = __KERNEL_DS,
		.sp = current_stack_pointer,
	};

	lockdep_assert_irqs_disabled();
	if (vector == NMI_VECTOR) {
		exc_nmi(&regs);
		return;
	}
	store_idt(&idt);
	lvd_cross_call_handler(gate_offset((gate_desc *)idt.address + vector));
}
