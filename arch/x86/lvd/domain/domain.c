// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's side of domains (include/lvd/domain.h): the domain's EPT is
 * changed by hypercalls, which the hypervisor checks (domain_hv.c); its
 * page tables and stacks are built here, and calls go through the
 * trampoline (cross.c).
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/sched/task_stack.h>
#include <linux/smp.h>
#include <linux/srcu.h>
#include <asm/irq_vectors.h>
#include <asm/segment.h>
#include <asm/set_memory.h>
#include <asm/stacktrace.h>
#include <lvd/domain.h>
#include "hypervisor.h"
#include "domain/cross.h"
#include "domain/domain_heap.h"
#include "domain/domain_pt.h"
#include "domain/domain_watchdog.h"

#define LVD_DOMAIN_STACK_ORDER	2
/* A call back into a domain leaves its caller's red zone alone ... */
#define LVD_DOMAIN_RED_ZONE	128
/* ... and needs this much of its stack left */
#define LVD_DOMAIN_NEST_MIN	1024
/* A kernel call that ran: neither a vector nor a reason to stop */
#define LVD_DOMAIN_KCALL_DONE	(-1)
/*
 * The kernel stack a call into a domain leaves for what runs below it:
 * the kernel calls it makes, and interrupts. Each level of nesting
 * (kernel, domain, kernel, ...) costs some 400 bytes of it.
 */
#define LVD_DOMAIN_KSTACK_MIN	(THREAD_SIZE / 4)

/*
 * Calls in flight: lvd_domain_destroy() waits for every call into any
 * domain that began before it, and callers may hold a section across the
 * lookup of a domain and the call (lvd_domain_calls_begin()).
 */
DEFINE_STATIC_SRCU(lvd_domain_srcu);

/**
 * struct lvd_domain - a domain, as the kernel knows it
 * @index: its slot in the EPTP list, the index VMFUNC switches to
 * @lock: serialises changes to @pt
 * @pt: its page tables
 * @pt_in_ept: how many of @pt's tables its EPT maps (read-only)
 * @stacks: one domain stack per possible CPU
 * @tops: per CPU, where the stack of the next call into it starts
 * @call_starts: per CPU, when the outermost call into it there began
 * @kcalls: the kernel functions it may call
 * @nr_kcalls: how many
 * @inside: the CPUs running in it
 * @stopping: set once, by the first CPU to stop it
 * @stopped: set once @fault is complete
 * @dying: lvd_domain_destroy() has begun: no call may start
 * @fault: why it was stopped
 * @name: what it runs, for messages
 * @heap: its heap, if it has one
 */
struct lvd_domain {
	unsigned int index;
	struct mutex lock;	/* serialises changes to @pt */
	struct lvd_pt pt;
	unsigned int pt_in_ept;
	struct page **stacks;
	unsigned long *tops;
	u64 *call_starts;
	const lvd_kcall_fn *kcalls;
	unsigned int nr_kcalls;
	struct cpumask inside;
	atomic_t stopping;
	atomic_t stopped;
	bool dying;
	struct lvd_domain_fault fault;
	char name[LVD_DOMAIN_NAME_LEN];
	struct lvd_domain_heap *heap;
};

/* A hypercall on this CPU, or -ENODEV when it does not run under LVD. */
static long lvd_domain_hypercall(unsigned long nr, unsigned long a0,
				 unsigned long a1, unsigned long a2)
{
	long ret = -ENODEV;

	preempt_disable();
	if (lvd_cpu_virtualized())
		ret = lvd_hypercall(nr, a0, a1, a2).ret;
	preempt_enable();
	return ret;
}

/* Give the domain's EPT the tables its page tables gained, read-only. */
static int lvd_domain_map_new_tables(struct lvd_domain *d)
{
	unsigned int fresh = d->pt.nr_tables - d->pt_in_ept;
	struct page *page;
	int ret;

	list_for_each_entry(page, &d->pt.tables, lru) {
		if (!fresh)
			break;
		ret = lvd_domain_map(d, page_to_phys(page), PAGE_SIZE,
				     LVD_DOMAIN_READ);
		if (ret)
			return ret;
		fresh--;
		d->pt_in_ept++;
	}
	return 0;
}

/*
 * Map the page at @pa at @va in the domain's page tables (LVD_PT_*
 * access) and in its EPT (the matching LVD_DOMAIN_* access).
 */
static int lvd_domain_map_page_at(void *arg, unsigned long va, phys_addr_t pa,
				  unsigned int access)
{
	struct lvd_domain *d = arg;
	unsigned int ept = LVD_DOMAIN_READ;
	int ret;

	if (access & LVD_PT_WRITE)
		ept |= LVD_DOMAIN_WRITE;
	if (access & LVD_PT_EXEC)
		ept |= LVD_DOMAIN_EXEC;
	ret = lvd_domain_map(d, pa, PAGE_SIZE, ept);
	if (!ret)
		ret = lvd_pt_map(&d->pt, va, pa, access);
	if (!ret)
		ret = lvd_domain_map_new_tables(d);
	return ret;
}

/* One stack per possible CPU, mapped for CPL 3, read and write. */
static int lvd_domain_alloc_stacks(struct lvd_domain *d)
{
	unsigned int cpu, i;
	unsigned long va;
	int ret;

	d->stacks = kcalloc(nr_cpu_ids, sizeof(*d->stacks), GFP_KERNEL);
	d->tops = kcalloc(nr_cpu_ids, sizeof(*d->tops), GFP_KERNEL);
	d->call_starts = kcalloc(nr_cpu_ids, sizeof(*d->call_starts),
				 GFP_KERNEL);
	if (!d->stacks || !d->tops || !d->call_starts)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct page *page = alloc_pages_node(cpu_to_node(cpu),
						     GFP_KERNEL | __GFP_ZERO,
						     LVD_DOMAIN_STACK_ORDER);

		if (!page)
			return -ENOMEM;
		d->stacks[cpu] = page;
		d->tops[cpu] = (unsigned long)page_address(page) +
			       (PAGE_SIZE << LVD_DOMAIN_STACK_ORDER);
		for (i = 0; i < 1U << LVD_DOMAIN_STACK_ORDER; i++) {
			va = (unsigned long)page_address(page + i);
			ret = lvd_domain_map_page_at(d, va, page_to_phys(page + i),
						     LVD_PT_USER | LVD_PT_WRITE);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void lvd_domain_free_stacks(struct lvd_domain *d)
{
	unsigned int cpu;

	kfree(d->tops);
	kfree(d->call_starts);
	if (!d->stacks)
		return;
	for_each_possible_cpu(cpu)
		if (d->stacks[cpu])
			__free_pages(d->stacks[cpu], LVD_DOMAIN_STACK_ORDER);
	kfree(d->stacks);
}

/* Page tables, the trampoline's pages and the stacks: what every call needs. */
static int lvd_domain_prepare(struct lvd_domain *d)
{
	int ret;

	ret = lvd_cross_init();
	if (!ret)
		ret = lvd_watchdog_start();
	if (!ret)
		ret = lvd_pt_init(&d->pt);
	if (!ret)
		ret = lvd_cross_walk_pages(lvd_domain_map_page_at, d);
	if (!ret)
		ret = lvd_domain_alloc_stacks(d);
	return ret;
}

static void lvd_domain_flush_here(void *index)
{
	lvd_domain_hypercall(LVD_HC_FLUSH_EPT, (unsigned long)index, 0, 0);
}

/* Out of the EPTP list, out of every CPU's TLB, then freed. */
static void lvd_domain_free_ept(unsigned int index)
{
	void *arg = (void *)(unsigned long)index;

	if (!lvd_domain_hypercall(LVD_HC_DOMAIN_UNLIST, index, 0, 0)) {
		on_each_cpu(lvd_domain_flush_here, arg, 1);
		WARN_ON(lvd_domain_hypercall(LVD_HC_DOMAIN_FREE, index, 0, 0));
	}
}

/**
 * lvd_domain_create() - a new domain, with nothing of its own yet
 *
 * Its page tables and EPT map only what the CPU needs to enter and leave
 * it (the trampoline, the domains' IDT, each CPU's IST page, GDT and TSS,
 * all for CPL 0 only) and a stack per CPU; lvd_domain_give() adds memory.
 *
 * Return: the domain, or an ERR_PTR: -ENODEV without the hypervisor,
 * -ENOSPC when every slot of the EPTP list is taken, -EOPNOTSUPP when the
 * hypervisor cannot run domains on this CPU model, -ENOMEM.
 */
struct lvd_domain *lvd_domain_create(void)
{
	struct lvd_domain *d = kzalloc(sizeof(*d), GFP_KERNEL);
	long index;
	int ret;

	if (!d)
		return ERR_PTR(-ENOMEM);
	mutex_init(&d->lock);
	INIT_LIST_HEAD(&d->pt.tables);
	index = lvd_domain_hypercall(LVD_HC_DOMAIN_CREATE, 0, 0, 0);
	if (index < 0) {
		kfree(d);
		return ERR_PTR(index);
	}
	d->index = index;
	ret = lvd_domain_prepare(d);
	if (ret) {
		lvd_domain_destroy(d);
		return ERR_PTR(ret);
	}
	return d;
}
EXPORT_SYMBOL_GPL(lvd_domain_create);

/**
 * lvd_domain_map() - give a domain access to RAM, at the same address
 * @d: the domain
 * @pa: physical address of the first page
 * @size: bytes, a multiple of the page size
 * @access: LVD_DOMAIN_{READ,WRITE,EXEC}; write needs read
 *
 * Return: 0; -EINVAL for a bad range or access; -EFAULT when some page is
 * not RAM the kernel may give (hypervisor memory, MMIO, a hole); -ENOMEM.
 */
int lvd_domain_map(struct lvd_domain *d, phys_addr_t pa, size_t size,
		   unsigned int access)
{
	if (!size || !PAGE_ALIGNED(size) ||
	    size >> PAGE_SHIFT > LVD_HC_MAP_MAX_PAGES)
		return -EINVAL;
	return lvd_domain_hypercall(LVD_HC_DOMAIN_MAP, d->index, pa,
				    LVD_HC_MAP_ARG(size >> PAGE_SHIFT, access));
}
EXPORT_SYMBOL_GPL(lvd_domain_map);

/**
 * lvd_domain_give() - map kernel memory into a domain, at the same address
 * @d: the domain
 * @va: kernel virtual address of the first page (direct map, vmalloc,
 *	module or kernel image)
 * @size: bytes, a multiple of the page size
 * @access: LVD_DOMAIN_{READ,WRITE,EXEC}: read is needed, and write and
 *	execute exclude each other
 *
 * The domain's code at CPL 3 can then use these pages as the kernel does,
 * through the same addresses: the kernel must not use them for anything
 * else while the domain lives. Physically contiguous pages go to the EPT
 * in one hypercall.
 *
 * Return: 0; -EINVAL for a bad range or access; -EEXIST when a page is
 * mapped already; -EFAULT when some page is not RAM the kernel may give;
 * -ENOMEM. A failure may leave the pages before it given.
 */
int lvd_domain_give(struct lvd_domain *d, unsigned long va, size_t size,
		    unsigned int access)
{
	unsigned int pt = LVD_PT_USER;
	unsigned long end = va + size;
	phys_addr_t pa, run = 0;
	size_t run_len = 0;
	int ret = 0;

	if (!size || !PAGE_ALIGNED(va) || !PAGE_ALIGNED(size) || end < va ||
	    !(access & LVD_DOMAIN_READ) || access & ~7U ||
	    (access & LVD_DOMAIN_WRITE && access & LVD_DOMAIN_EXEC))
		return -EINVAL;
	if (access & LVD_DOMAIN_WRITE)
		pt |= LVD_PT_WRITE;
	if (access & LVD_DOMAIN_EXEC)
		pt |= LVD_PT_EXEC;
	mutex_lock(&d->lock);
	for (; !ret && va < end; va += PAGE_SIZE) {
		pa = slow_virt_to_phys((void *)va);
		ret = lvd_pt_map(&d->pt, va, pa, pt);
		if (!ret)
			ret = lvd_domain_map_new_tables(d);
		if (ret)
			break;
		if (run_len && pa == run + run_len &&
		    run_len < LVD_HC_MAP_MAX_PAGES * PAGE_SIZE) {
			run_len += PAGE_SIZE;
			continue;
		}
		/* A new run of contiguous pages: the last one goes to the EPT */
		if (run_len)
			ret = lvd_domain_map(d, run, run_len, access);
		run = pa;
		run_len = PAGE_SIZE;
	}
	if (!ret && run_len)
		ret = lvd_domain_map(d, run, run_len, access);
	mutex_unlock(&d->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(lvd_domain_give);

/*
 * Can the domain's code at CPL 3 read (or, with @write, write) every byte
 * of [va, va + len)? Its page tables say so, and nothing else does.
 */
static bool lvd_domain_may_access(struct lvd_domain *d, unsigned long va,
				  size_t len, bool write)
{
	unsigned long end = va + len, page;
	u64 need = _PAGE_PRESENT | _PAGE_USER | (write ? _PAGE_RW : 0), e;

	if (!len)
		return true;

	if (end < va)
		return false;
	for (page = va & PAGE_MASK; page < end; page += PAGE_SIZE) {
		if (lvd_pt_lookup(&d->pt, page, &e) == (phys_addr_t)-1 ||
		    (e & need) != need)
			return false;
		if (page + PAGE_SIZE < page)
			break;
	}
	return true;
}

/**
 * lvd_domain_copy_from() - copy from a domain's memory, for a kernel call
 * @d: the domain
 * @dst: kernel buffer
 * @src: address in the domain, as its code gave it
 * @len: bytes
 *
 * A kernel call gets its arguments from the domain, which may lie: a
 * kernel address, a length that runs past its memory or wraps around.
 * Only memory the domain's code can read itself is copied. Copy once and
 * use the copy: the domain may change its memory meanwhile, on another CPU.
 *
 * Return: 0, or -EFAULT when some byte is not the domain's to read.
 */
int lvd_domain_copy_from(struct lvd_domain *d, void *dst, unsigned long src,
			 size_t len)
{
	if (!lvd_domain_may_access(d, src, len, false))
		return -EFAULT;
	memcpy(dst, (const void *)src, len);
	return 0;
}
EXPORT_SYMBOL_GPL(lvd_domain_copy_from);

/**
 * lvd_domain_copy_string() - copy a NUL-terminated string from a domain
 * @d: the domain
 * @dst: kernel buffer
 * @src: address in the domain, as its code gave it
 * @size: size of @dst; a longer string is cut to @size - 1 bytes
 *
 * Return: the length copied (without the NUL, which @dst always gets), or
 * -EFAULT when the string runs into memory that is not the domain's.
 */
ssize_t lvd_domain_copy_string(struct lvd_domain *d, char *dst,
			       unsigned long src, size_t size)
{
	size_t n = 0;
	char c;

	if (!size)
		return -EINVAL;
	for (; n < size - 1; n++, src++) {
		if ((n == 0 || !(src & ~PAGE_MASK)) &&
		    !lvd_domain_may_access(d, src, 1, false))
			return -EFAULT;
		c = READ_ONCE(*(const char *)src);
		if (!c)
			break;
		dst[n] = c;
	}
	dst[n] = 0;
	return n;
}
EXPORT_SYMBOL_GPL(lvd_domain_copy_string);

/**
 * lvd_domain_copy_to() - copy into a domain's memory, for a kernel call
 * @d: the domain
 * @dst: address in the domain, as its code gave it
 * @src: kernel buffer
 * @len: bytes
 *
 * Only memory the domain's code can write itself is written.
 *
 * Return: 0, or -EFAULT when some byte is not the domain's to write.
 */
int lvd_domain_copy_to(struct lvd_domain *d, unsigned long dst, const void *src,
		       size_t len)
{
	if (!lvd_domain_may_access(d, dst, len, true))
		return -EFAULT;
	memcpy((void *)dst, src, len);
	return 0;
}
EXPORT_SYMBOL_GPL(lvd_domain_copy_to);

/*
 * The domain broke a rule: it stays stopped, the first fault is kept, and
 * the other CPUs inside it are interrupted, which brings them out.
 */
static void lvd_domain_stop(struct lvd_domain *d, unsigned int why,
			    const struct lvd_cross_frame *f, unsigned long cr2)
{
	unsigned int cpu = smp_processor_id(), other;

	if (atomic_cmpxchg(&d->stopping, 0, 1))
		return;
	d->fault = (struct lvd_domain_fault) {
		.vector = why, .error_code = f->error_code, .rip = f->rip,
		.rsp = f->rsp, .cr2 = cr2, .cpl = f->cs & 3, .cpu = cpu,
	};
	/* Whoever sees the domain stopped sees the whole record. */
	atomic_set_release(&d->stopped, 1);
	pr_warn("domain %u (%s) stopped: vector %u error %#lx at %#lx (CPL %u) rsp %#lx cr2 %#lx on CPU %u\n",
		d->index, d->name, why, d->fault.error_code, d->fault.rip, d->fault.cpl,
		d->fault.rsp, cr2, cpu);
	for_each_cpu(other, &d->inside)
		if (other != cpu)
			arch_smp_send_reschedule(other);
}

/* The frame of a call: the arguments, nothing else of the kernel's. */
static void lvd_domain_call_frame(struct lvd_cross_frame *f, unsigned long fn,
				  const unsigned long *args, unsigned long sp,
				  unsigned long flags)
{
	*f = (struct lvd_cross_frame) {
		.rip = fn, .cs = __USER_CS, .rsp = sp, .ss = __USER_DS,
		/* Interrupts in the domain only if the caller takes them */
		.rflags = X86_EFLAGS_FIXED | (flags & X86_EFLAGS_IF),
	};
	if (args) {
		f->rdi = args[0];
		f->rsi = args[1];
		f->rdx = args[2];
		f->rcx = args[3];
		f->r8 = args[4];
		f->r9 = args[5];
	}
}

/*
 * A call from the domain to the kernel: RAX numbers one of its kernel
 * calls, RDI to R9 are the arguments, and RAX gets the result. A call
 * back into the domain from there uses its stack below the caller's, so
 * that stack pointer must be inside this CPU's domain stack. Returns
 * LVD_DOMAIN_KCALL_DONE, or why the domain must be stopped.
 */
static int lvd_domain_kcall(struct lvd_domain *d, struct lvd_cross_frame *f,
			    unsigned long *flags)
{
	unsigned long args[LVD_DOMAIN_ARGS] = {
		f->rdi, f->rsi, f->rdx, f->rcx, f->r8, f->r9,
	};
	unsigned int cpu = smp_processor_id();
	unsigned long base = (unsigned long)page_address(d->stacks[cpu]);
	unsigned long old_top = d->tops[cpu];

	if (f->rax >= d->nr_kcalls)
		return LVD_DOMAIN_FAULT_BAD_CALL;
	if (f->rsp < base + LVD_DOMAIN_NEST_MIN || f->rsp > old_top)
		return LVD_DOMAIN_FAULT_BAD_STACK;
	d->tops[cpu] = ALIGN_DOWN(f->rsp - LVD_DOMAIN_RED_ZONE, 16);
	local_irq_restore(*flags);
	f->rax = d->kcalls[f->rax](d, args);
	local_irq_save(*flags);
	d->tops[cpu] = old_top;
	return LVD_DOMAIN_KCALL_DONE;
}

/*
 * Enter the domain with @f until its function returns or it breaks a rule;
 * with @timer, the hypervisor's timer watches each entry. The watchdog
 * counts from @start, as lvd_watchdog_resume() gave it for @call_start,
 * when the outermost call into the domain on this CPU began: the kernel
 * calls the domain makes count too.
 */
static int lvd_domain_run(struct lvd_domain *d, struct lvd_cross_frame *f,
			  unsigned long *flags, bool timer, u64 call_start,
			  u64 start)
{
	unsigned long cr2;
	bool fresh;
	unsigned int v;
	u64 now;
	int why;

	for (;;) {
		if (timer)
			lvd_watchdog_timer_arm(start);
		lvd_watchdog_watch(start);
		lvd_cross_run(__pa(d->pt.root), d->index, f, f, &cr2);
		lvd_watchdog_watch(0);
		v = f->vector;
		why = LVD_DOMAIN_KCALL_DONE;
		fresh = false;
		if (v >= FIRST_EXTERNAL_VECTOR || v == NMI_VECTOR) {
			/* Exitless: the kernel takes it, then the domain goes on. */
			lvd_cross_deliver(v, f);
		} else if ((f->cs & 3) == 3 && v == LVD_VECTOR_RETURN) {
			return 0;
		} else if ((f->cs & 3) == 3 && v == LVD_VECTOR_CALL) {
			why = lvd_domain_kcall(d, f, flags);
			now = lvd_watchdog_now();
			start = lvd_watchdog_resume(call_start, now);
			/* A new start has time left, unless the call's second ran out */
			fresh = start == now;
		} else {
			/* An exception: its vector (0, #DE, too) is why it stops. */
			why = v;
		}
		if (atomic_read(&d->stopped))
			return -ESHUTDOWN;
		if (why != LVD_DOMAIN_KCALL_DONE) {
			lvd_domain_stop(d, why, f, cr2);
			return -EFAULT;
		}
		if (!fresh && lvd_watchdog_expired(start)) {
			lvd_domain_stop(d, LVD_DOMAIN_FAULT_WATCHDOG, f, cr2);
			return -ETIMEDOUT;
		}
	}
}

/*
 * Is there kernel stack enough below here for a call into a domain and
 * what it may call in turn? Its kernel calls may call into it again, and
 * so on: what bounds that nesting is the kernel's stack, which the
 * domain's cannot measure.
 */
static bool lvd_domain_kstack_left(void)
{
	unsigned long sp = current_stack_pointer;
	unsigned long task = (unsigned long)task_stack_page(current);
	struct stack_info info;

	/* The task's stack, most often; else an IRQ or exception stack */
	if (sp - task < THREAD_SIZE)
		return sp - task >= LVD_DOMAIN_KSTACK_MIN;
	if (!get_stack_info_noinstr((unsigned long *)sp, current, &info))
		return false;
	return sp - (unsigned long)info.begin >= LVD_DOMAIN_KSTACK_MIN;
}

/* On this CPU, preemption and interrupts off: see lvd_domain_call(). */
static int lvd_domain_call_here(struct lvd_domain *d, unsigned int cpu,
				struct lvd_cross_frame *f, unsigned long *flags)
{
	bool outer = !cpumask_test_cpu(cpu, &d->inside), timer;
	unsigned long *top = (unsigned long *)d->tops[cpu];
	u64 now;
	int err;

	/* The return address: the domains' exit page raises the return vector. */
	top[-1] = (unsigned long)lvd_cross_domain_exit;
	f->rsp = (unsigned long)&top[-1];
	if (!lvd_domain_kstack_left()) {
		lvd_domain_stop(d, LVD_DOMAIN_FAULT_TOO_DEEP, f, 0);
		return -EFAULT;
	}
	now = lvd_watchdog_now();
	if (outer) {
		d->call_starts[cpu] = now;
		cpumask_set_cpu(cpu, &d->inside);
	}
	/* With interrupts off and no other CPU to send an NMI: the timer's */
	timer = !(*flags & X86_EFLAGS_IF) && lvd_watchdog_timer_wanted();
	err = lvd_domain_run(d, f, flags, timer, d->call_starts[cpu],
			     lvd_watchdog_resume(d->call_starts[cpu], now));
	if (outer)
		cpumask_clear_cpu(cpu, &d->inside);
	return err;
}

/**
 * lvd_domain_call() - call a function of a domain on this CPU
 * @d: the domain
 * @fn: the function's address in the domain (mapped executable)
 * @args: its six arguments (RDI, RSI, RDX, RCX, R8, R9), or NULL for zeros
 * @ret: where to store its return value (RAX)
 *
 * The function runs at CPL 3, on the domain's stack for this CPU, and
 * returns with RET; interrupts reach the kernel while it runs if they are
 * on here. The CPU switches EPTs with VMFUNC both ways, without a VM exit.
 * Its calls to the kernel (lvd_domain_set_kcalls()) may call into it
 * again, as deep as the kernel's stack allows. If the domain raises an
 * exception, runs longer than the watchdog allows (counted from the start
 * of the outermost call into it on this CPU, its kernel calls included),
 * nests too deep, or breaks out in any other way, it is stopped, for good,
 * and the calls in it fail.
 *
 * @d must stay valid until the call returns: lvd_domain_destroy() waits
 * for calls in flight, and a caller that may race with it looks @d up
 * inside lvd_domain_calls_begin() and lvd_domain_calls_end().
 *
 * Context: any; preemption is off while the domain runs.
 * Return: 0; -EFAULT when the domain broke a rule during this call (or
 * nested too deep); -ETIMEDOUT when the watchdog stopped it; -ESHUTDOWN
 * when it is stopped (before the call or, by another CPU, during it) or
 * being destroyed; -ENODEV when this CPU does not run under LVD.
 */
int lvd_domain_call(struct lvd_domain *d, unsigned long fn,
		    const unsigned long args[LVD_DOMAIN_ARGS], unsigned long *ret)
{
	struct lvd_cross_frame f;
	unsigned long flags;
	int err = -ESHUTDOWN, idx;

	idx = srcu_read_lock(&lvd_domain_srcu);
	if (atomic_read(&d->stopped) || READ_ONCE(d->dying))
		goto out;
	err = -ENODEV;
	preempt_disable();
	if (lvd_cpu_virtualized()) {
		local_irq_save(flags);
		lvd_domain_call_frame(&f, fn, args, 0, flags);
		err = lvd_domain_call_here(d, smp_processor_id(), &f, &flags);
		local_irq_restore(flags);
	}
	preempt_enable();
	if (!err)
		*ret = f.rax;
out:
	srcu_read_unlock(&lvd_domain_srcu, idx);
	return err;
}
EXPORT_SYMBOL_GPL(lvd_domain_call);

/**
 * lvd_domain_calls_begin() - start a section in which domains stay alive
 * Return: what lvd_domain_calls_end() takes.
 *
 * A domain found inside the section (in a table of registered drivers,
 * say) is not destroyed before the section ends: lvd_domain_destroy()
 * waits for it. Glue that calls a domain it looks up, while the domain's
 * module may be unloaded, looks it up and calls it inside one section.
 * The section may sleep; it must not contain lvd_domain_destroy().
 */
int lvd_domain_calls_begin(void)
	__acquires(lvd_domain_srcu)
{
	return srcu_read_lock(&lvd_domain_srcu);
}
EXPORT_SYMBOL_GPL(lvd_domain_calls_begin);

/**
 * lvd_domain_calls_end() - end a section of lvd_domain_calls_begin()
 * @idx: what it returned
 */
void lvd_domain_calls_end(int idx)
	__releases(lvd_domain_srcu)
{
	srcu_read_unlock(&lvd_domain_srcu, idx);
}
EXPORT_SYMBOL_GPL(lvd_domain_calls_end);

/**
 * lvd_domain_set_kcalls() - the kernel functions a domain may call
 * @d: the domain
 * @kcalls: the table; the domain calls entry N with RAX = N
 * @n: its size
 *
 * A domain calls the kernel with INT 0x1b (LVD_VECTOR_CALL); a number
 * beyond the table stops it. The functions run with preemption off, with
 * the caller's interrupt state, and must treat every argument as hostile.
 * Set before the first call.
 */
void lvd_domain_set_kcalls(struct lvd_domain *d, const lvd_kcall_fn *kcalls,
			   unsigned int n)
{
	d->kcalls = kcalls;
	d->nr_kcalls = n;
}
EXPORT_SYMBOL_GPL(lvd_domain_set_kcalls);

/**
 * lvd_domain_stopped() - was the domain stopped, and why?
 * @d: the domain
 * @fault: where to copy why (the first fault), or NULL
 *
 * Return: true when it was stopped.
 */
bool lvd_domain_stopped(struct lvd_domain *d, struct lvd_domain_fault *fault)
{
	if (!atomic_read_acquire(&d->stopped))
		return false;
	if (fault)
		*fault = d->fault;
	return true;
}
EXPORT_SYMBOL_GPL(lvd_domain_stopped);

/**
 * lvd_domain_destroy() - take a domain out of the EPTP list and free it
 * @d: the domain, or NULL
 *
 * Calls into the domain fail from here on with -ESHUTDOWN, and those in
 * flight, on any CPU, are waited for. Then every CPU forgets the domain's
 * translations before its EPT is freed, and its page tables and stacks are
 * freed. May sleep; not from inside a call into any domain, nor inside
 * lvd_domain_calls_begin() and lvd_domain_calls_end().
 */
void lvd_domain_destroy(struct lvd_domain *d)
{
	if (!d)
		return;
	WRITE_ONCE(d->dying, true);
	synchronize_srcu(&lvd_domain_srcu);
	lvd_domain_free_ept(d->index);
	lvd_domain_heap_destroy(d->heap);
	lvd_pt_destroy(&d->pt);
	lvd_domain_free_stacks(d);
	kfree(d);
}
EXPORT_SYMBOL_GPL(lvd_domain_destroy);

/**
 * lvd_domain_index() - the domain's slot in the EPTP list
 * @d: the domain
 *
 * Return: the index VMFUNC 0 switches to for this domain.
 */
unsigned int lvd_domain_index(const struct lvd_domain *d)
{
	return d->index;
}
EXPORT_SYMBOL_GPL(lvd_domain_index);

/**
 * lvd_domain_set_name() - name a domain after what it runs, for messages
 * @d: the domain
 * @name: a module's name, say; cut to LVD_DOMAIN_NAME_LEN - 1 bytes
 */
void lvd_domain_set_name(struct lvd_domain *d, const char *name)
{
	strscpy(d->name, name, sizeof(d->name));
}
EXPORT_SYMBOL_GPL(lvd_domain_set_name);

/**
 * lvd_domain_name() - the name of a domain
 * @d: the domain
 *
 * Return: what lvd_domain_set_name() gave it, or "".
 */
const char *lvd_domain_name(const struct lvd_domain *d)
{
	return d->name;
}
EXPORT_SYMBOL_GPL(lvd_domain_name);

/**
 * lvd_domain_fn_bind() - check a function pointer a domain hands the kernel
 * @f: the wrapped pointer to fill
 * @d: the domain
 * @fn: the pointer, as the domain gave it (in an ops table, say)
 *
 * The kernel never jumps to a domain's pointer: it calls it in the domain
 * with lvd_domain_fn_call(). The pointer must be code the domain's own
 * code may execute; anything else is refused here rather than found out
 * at the call.
 *
 * Return: 0, or -EINVAL when @fn is not executable by the domain at CPL 3.
 */
int lvd_domain_fn_bind(struct lvd_domain_fn *f, struct lvd_domain *d,
		       unsigned long fn)
{
	u64 e;

	if (lvd_pt_lookup(&d->pt, fn & PAGE_MASK, &e) == (phys_addr_t)-1 ||
	    !(e & _PAGE_USER) || (e & _PAGE_NX))
		return -EINVAL;
	f->d = d;
	f->fn = fn;
	return 0;
}
EXPORT_SYMBOL_GPL(lvd_domain_fn_bind);

/**
 * lvd_domain_fn_call() - call a wrapped function pointer in its domain
 * @f: as lvd_domain_fn_bind() filled it
 * @args: the six arguments, or NULL for zeros
 * @ret: where to store the return value
 *
 * Context: as lvd_domain_call().
 * Return: as lvd_domain_call(); -ENOENT when @f was never bound.
 */
int lvd_domain_fn_call(const struct lvd_domain_fn *f,
		       const unsigned long args[LVD_DOMAIN_ARGS],
		       unsigned long *ret)
{
	if (!f->d)
		return -ENOENT;
	return lvd_domain_call(f->d, f->fn, args, ret);
}
EXPORT_SYMBOL_GPL(lvd_domain_fn_call);

/**
 * lvd_domain_add_heap() - give a domain a heap, for its allocation glue
 * @d: the domain
 * @size: bytes, a multiple of the page size
 *
 * The heap is memory of the domain's, read-write; glue hands out pieces of
 * it (kmalloc() and kfree() for isolated modules) with bookkeeping that
 * stays in the kernel. It goes with the domain.
 *
 * Return: 0; -EEXIST when it has one; -EINVAL for a bad size; -ENOMEM, or
 * an error of lvd_domain_give().
 */
int lvd_domain_add_heap(struct lvd_domain *d, size_t size)
{
	struct lvd_domain_heap *h;

	if (d->heap)
		return -EEXIST;
	if (!size || !PAGE_ALIGNED(size))
		return -EINVAL;
	h = lvd_domain_heap_create(d, size);
	if (IS_ERR(h))
		return PTR_ERR(h);
	d->heap = h;
	return 0;
}
EXPORT_SYMBOL_GPL(lvd_domain_add_heap);

/* For the allocation glue: the domain's heap, or NULL */
struct lvd_domain_heap *lvd_domain_heap(struct lvd_domain *d)
{
	return d->heap;
}
