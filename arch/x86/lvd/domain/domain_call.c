// SPDX-License-Identifier: GPL-2.0
/*
 * Calls into domains (include/lvd/domain.h): the kernel calls a domain's
 * function through the trampoline (cross.c), on a stack of the domain's,
 * and reads what brought the CPU back: a return, a kernel call, an
 * interrupt, or a broken rule, which stops the domain. Calls in flight
 * are an SRCU read section, which lvd_domain_destroy() waits for.
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/printk.h>
#include <linux/sched/task_stack.h>
#include <linux/smp.h>
#include <linux/srcu.h>
#include <asm/irq_vectors.h>
#include <asm/segment.h>
#include <asm/stacktrace.h>
#include <lvd/domain.h>
#include "hypervisor.h"
#include "domain/cross.h"
#include "domain/domain_priv.h"
#include "domain/domain_watchdog.h"

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
