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
#include <linux/bottom_half.h>
#include <linux/cpumask.h>
#include <linux/nospec.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/smp.h>
#include <linux/srcu.h>
#include <linux/wait.h>
#include <asm/current.h>
#include <asm/irq_vectors.h>
#include <asm/segment.h>
#include <asm/stacktrace.h>
#include <asm/trapnr.h>
#include <lvd/domain.h>
#include "hypervisor.h"
#include "domain/cross.h"
#include "domain/domain_percpu.h"
#include "domain/domain_priv.h"
#include "domain/domain_stack.h"
#include "domain/domain_values.h"
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

/**
 * struct lvd_domain_run - a call into a domain in progress
 * @d: the domain
 * @st: the stack it runs on
 * @flags: the caller's interrupt state
 * @task: on a task's stack: the task may be preempted when an interrupt
 *	comes in the domain, sleep in kernel calls that may sleep, and move
 *	to another CPU there
 * @timer: the hypervisor's timer watches each entry
 * @irq_off: the task holds, for the domain, a lock that keeps interrupts
 *	off (spin_lock_irqsave()): the domain and its kernel calls run with
 *	them off until it gives the lock back
 * @fresh: the stack's charged time (lvd_domain_charged()) when the call
 *	began or its last kernel call returned
 * @atomic_from: the stack's charged time when the call last began to run
 *	as one that may not sleep: 0, or when a task's call took a lock that
 *	keeps interrupts off (@irq_off); the second counts from there
 */
struct lvd_domain_run {
	struct lvd_domain *d;
	struct lvd_domain_stack *st;
	unsigned long flags;
	bool task;
	bool timer;
	bool irq_off;
	u64 fresh;
	u64 atomic_from;
};

/**
 * struct lvd_domain_kcall_at - a kernel call in progress on a CPU
 * @d: the domain that made it
 * @sp: the domain's stack pointer there: its return address, then any
 *	arguments beyond the sixth
 */
struct lvd_domain_kcall_at {
	struct lvd_domain *d;
	unsigned long sp;
};

/* Each CPU's kernel call that does not sleep, while it runs */
static DEFINE_PER_CPU(struct lvd_domain_kcall_at, lvd_domain_kcall_now);

/*
 * The domain's preempt count on this CPU, as preempt_disable() and
 * local_bh_disable() in its code leave it in its own copy of pcpu_hot
 * (which keeps the need-resched bit set); 0 for none, or for one that
 * underflowed, which says nothing. The domain may write it at will: what
 * it says is only ever a reason to hold preemption (and softirqs) back
 * while the domain runs, which a lock it takes through glue can do too.
 * Preemption off.
 */
static unsigned int lvd_domain_count(struct lvd_domain *d)
{
	struct pcpu_hot *hot = lvd_domain_percpu_hot(d);
	unsigned int count = hot ? READ_ONCE(hot->preempt_count) : 0;

	return count & PREEMPT_NEED_RESCHED ? count & ~PREEMPT_NEED_RESCHED : 0;
}

/* Does the domain's code on this CPU run with BHs disabled? */
static bool lvd_domain_bh_off(struct lvd_domain *d)
{
	return lvd_domain_count(d) & SOFTIRQ_MASK;
}

/* The interrupt state the domain and its kernel calls run with */
static unsigned long lvd_domain_run_flags(const struct lvd_domain_run *r)
{
	return r->irq_off ? r->flags & ~X86_EFLAGS_IF : r->flags;
}

/*
 * The domain broke a rule: it stays stopped, the first fault is kept, and
 * the other CPUs inside it are interrupted, which brings them out.
 */
static void lvd_domain_stop(struct lvd_domain *d, unsigned int why,
			    const struct lvd_cross_frame *f, unsigned long cr2)
{
	unsigned int cpu = raw_smp_processor_id(), other;

	if (atomic_cmpxchg(&d->stopping, 0, 1))
		return;
	d->fault = (struct lvd_domain_fault) {
		.vector = why, .error_code = f->error_code, .rip = f->rip,
		.rsp = f->rsp, .cr2 = cr2, .cpl = f->cs & 3, .cpu = cpu,
	};
	/* Whoever sees the domain stopped sees the whole record. */
	atomic_set_release(&d->stopped, 1);
	/* Pairs with lvd_domain_enter(): @inside is read after the store */
	smp_mb();
	pr_warn("domain %u (%s) stopped: vector %u error %#lx at %#lx (CPL %u) rsp %#lx cr2 %#lx on CPU %u\n",
		d->index, d->name, why, d->fault.error_code, d->fault.rip, d->fault.cpl,
		d->fault.rsp, cr2, cpu);
	for_each_cpu(other, &d->inside)
		if (other != cpu)
			arch_smp_send_reschedule(other);
	lvd_domain_timers_stop(d);
	wake_up_all(&d->stop_wq);
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
 * May a call into a domain made here sleep, be preempted and migrate? The
 * kernel's own rule (might_sleep()): preemptible, outside RCU readers.
 */
static bool lvd_domain_may_sleep(void)
{
	return preemptible() && !rcu_preempt_depth();
}

/*
 * Where a call on @st from an interrupt that came with the domain's RSP
 * at @rsp starts: below that, so that the interrupted code's stack stays
 * as it was. An RSP elsewhere leaves nothing of the domain's to keep; one
 * too near the bottom leaves no room (the call then fails).
 */
static unsigned long lvd_domain_stack_below(const struct lvd_domain_stack *st,
					    unsigned long rsp)
{
	if (rsp < st->base || rsp > st->top)
		return st->top;
	if (rsp < st->base + LVD_DOMAIN_NEST_MIN)
		return st->base;
	return ALIGN_DOWN(rsp - LVD_DOMAIN_RED_ZONE, 16);
}

/*
 * The time the calls on @st have run on a CPU (ns): in the domain and in
 * the kernel calls it makes, not asleep or waiting for a CPU. Preemption
 * off, so that a task's stack is not switched out meanwhile.
 */
static u64 lvd_domain_charged(const struct lvd_domain_stack *st, u64 now)
{
	return st->ran + (st->mark ? now - st->mark : 0);
}

/*
 * Does the call run as a task now: one that may sleep, not holding a lock
 * that keeps interrupts off? The kernel preempts it as any task.
 */
static bool lvd_domain_run_as_task(const struct lvd_domain_run *r)
{
	return r->task && !r->irq_off;
}

/*
 * Of the stack's charged time @c, what counts towards the call's second
 * (or ten): all of it as a task's, the time since it may not sleep else
 */
static u64 lvd_domain_run_total(const struct lvd_domain_run *r, u64 c)
{
	return lvd_domain_run_as_task(r) ? c : c - r->atomic_from;
}

/*
 * Has the call run too long: 100 ms since @r->fresh, or a second for the
 * calls on its stack (ten times that for a task's)? Then the domain is
 * stopped.
 */
static bool lvd_domain_overran(struct lvd_domain_run *r)
{
	u64 c = lvd_domain_charged(r->st, lvd_watchdog_now());

	return lvd_watchdog_over(c - r->fresh, lvd_domain_run_total(r, c),
				 lvd_domain_run_as_task(r));
}

/*
 * A call from the domain to the kernel: RAX numbers one of its kernel
 * calls, RDI to R9 are the arguments, and RAX gets the result. A call
 * back into the domain from there uses its stack below the caller's, so
 * that stack pointer must be inside the call's stack. The kernel call
 * runs with the interrupt state of the call into the domain, and with
 * preemption off unless it may sleep: then the call into the domain must
 * be a task's, and the task must hold no spinlock for the domain. Returns
 * LVD_DOMAIN_KCALL_DONE, or why the domain must be stopped.
 */
static int lvd_domain_kcall(struct lvd_domain_run *r, struct lvd_cross_frame *f)
{
	unsigned long args[LVD_DOMAIN_ARGS] = {
		f->rdi, f->rsi, f->rdx, f->rcx, f->r8, f->r9,
	};
	struct lvd_domain_kcall_at *now = this_cpu_ptr(&lvd_domain_kcall_now);
	struct lvd_domain_kcall_at outer = *now;
	struct lvd_domain_stack *st = r->st;
	unsigned long old_top = st->top;
	const struct lvd_kcall *kc;
	bool sleeps, bh;

	if (f->rax >= r->d->nr_kcalls)
		return LVD_DOMAIN_FAULT_BAD_CALL;
	if (f->rsp < st->base + LVD_DOMAIN_NEST_MIN || f->rsp > old_top)
		return LVD_DOMAIN_FAULT_BAD_STACK;
	/* As entry_64.S does with a system call's number */
	kc = &r->d->kcalls[array_index_nospec(f->rax, r->d->nr_kcalls)];
	sleeps = kc->flags & LVD_KCALL_MAY_SLEEP;
	/* With its BHs disabled, so are the kernel's for its kernel calls */
	bh = !in_interrupt() && lvd_domain_bh_off(r->d);
	if (sleeps && (!r->task || bh ||
		       lvd_domain_holds_any(r->d, LVD_DOMAIN_HOLD_ATOMIC)))
		return LVD_DOMAIN_FAULT_SLEEP_IN_ATOMIC;
	st->top = ALIGN_DOWN(f->rsp - LVD_DOMAIN_RED_ZONE, 16);
	if (bh)
		local_bh_disable();
	if (!sleeps)
		*now = (struct lvd_domain_kcall_at) { .d = r->d, .sp = f->rsp };
	local_irq_restore(lvd_domain_run_flags(r));
	if (sleeps)
		preempt_enable();
	f->rax = kc->fn(r->d, args);
	if (sleeps)
		preempt_disable();
	/* It enabled BHs (local_bh_enable()): the softirqs held back run */
	if (bh && !irqs_disabled() && !lvd_domain_bh_off(r->d)) {
		local_bh_enable();
		bh = false;
	}
	local_irq_disable();
	if (!sleeps)
		*now = outer;
	if (bh)
		_local_bh_enable();
	st->top = old_top;
	return LVD_DOMAIN_KCALL_DONE;
}

/*
 * An interrupt or NMI the domain got: the kernel takes it, then the
 * domain goes on. A call into the domain from the handler runs on this
 * CPU's stack: when the interrupted call runs there too, below it. While
 * the domain's code has BHs disabled, the softirqs the interrupt raises
 * wait (for its local_bh_enable(), or the next interrupt after), as they
 * would in the kernel. A task's call is preempted here if the interrupt
 * asked for it, unless the task holds a spinlock for the domain or its
 * code has preemption or BHs disabled (so that its count stays on the CPU
 * it counts on).
 */
static void lvd_domain_deliver(struct lvd_domain_run *r, unsigned int vector,
			       const struct lvd_cross_frame *f)
{
	struct lvd_domain_stack *st = r->st;
	unsigned long top = st->top;
	unsigned int count = lvd_domain_count(r->d);
	bool bh = !in_interrupt() && (count & SOFTIRQ_MASK);

	if (!r->task)
		st->top = lvd_domain_stack_below(st, f->rsp);
	if (bh)
		local_bh_disable();
	lvd_cross_deliver(vector, f);
	if (bh)
		_local_bh_enable();
	st->top = top;
	if (r->task && !count &&
	    !lvd_domain_holds_any(r->d, LVD_DOMAIN_HOLD_ATOMIC)) {
		local_irq_restore(lvd_domain_run_flags(r));
		preempt_enable();
		cond_resched();
		preempt_disable();
		local_irq_disable();
	}
}

/*
 * After a kernel call: does the task now hold, or no longer hold, a lock
 * that keeps interrupts off? The domain goes on with them so, and a call
 * made with them on is now watched as one made with them off.
 */
static void lvd_domain_irq_holds(struct lvd_domain_run *r,
				 struct lvd_cross_frame *f)
{
	bool off = lvd_domain_holds_any(r->d, LVD_DOMAIN_HOLD_IRQ_OFF);

	if (off == r->irq_off)
		return;
	r->irq_off = off;
	/* A task's call that may not sleep now: its second starts now */
	if (off)
		r->atomic_from = r->fresh;
	if (!(r->flags & X86_EFLAGS_IF))
		return;
	if (off) {
		f->rflags &= ~X86_EFLAGS_IF;
		if (!r->timer) {
			r->timer = lvd_watchdog_timer_wanted();
			lvd_watchdog_tick_elsewhere();
		}
	} else {
		f->rflags |= X86_EFLAGS_IF;
	}
}

/*
 * Enter the domain once, until it leaves: returns the vector it left
 * with, -ENODEV when this CPU does not run under LVD (a task may have
 * moved), or -ESHUTDOWN when the domain is stopped.
 */
static int lvd_domain_enter(struct lvd_domain_run *r, struct lvd_cross_frame *f,
			    unsigned long *cr2)
{
	struct lvd_domain *d = r->d;
	unsigned int cpu = smp_processor_id();
	u64 since;

	if (!lvd_cpu_virtualized())
		return -ENODEV;
	since = lvd_watchdog_count_from(r->st->mark,
					r->st->ran - r->atomic_from,
					r->fresh - r->atomic_from);
	if (r->timer)
		lvd_watchdog_timer_arm(since);
	cpumask_set_cpu(cpu, &d->inside);
	/* Pairs with lvd_domain_stop(): it sees this CPU, or this the stop */
	smp_mb__after_atomic();
	if (atomic_read(&d->stopped)) {
		cpumask_clear_cpu(cpu, &d->inside);
		return -ESHUTDOWN;
	}
	lvd_domain_values_refresh();
	/* A task's call takes interrupts: no NMI is needed to bring it out */
	lvd_watchdog_watch(lvd_domain_run_as_task(r) ? 0 : since);
	lvd_cross_run(__pa(d->pt.root), d->index,
		      lvd_domain_percpu_gs(d, cpu), f, f, cr2);
	lvd_watchdog_watch(0);
	cpumask_clear_cpu(cpu, &d->inside);
	return f->vector;
}

/*
 * After a kernel call that began when the stack's time was @from and its
 * count of calls begun @entered: 100 ms again, unless the second has run
 * out, to which the call counted at most 10 ms (lvd_watchdog_kcall_excess())
 * if it made no call into the domain, in full if it did. The
 * stack's time is a sum of u64 terms: what is taken off its past time
 * (even below 0) leaves that sum exact.
 */
static void lvd_domain_kcall_charge(struct lvd_domain_run *r, u64 from,
				    unsigned int entered)
{
	u64 now = lvd_domain_charged(r->st, lvd_watchdog_now());

	if (r->st->entered == entered)
		r->st->ran -= lvd_watchdog_kcall_excess(now - from);
	r->fresh = lvd_domain_charged(r->st, lvd_watchdog_now());
}

/*
 * Enter the domain with @f until its function returns or it breaks a rule.
 * Preemption and interrupts are off, but where a task's call is preempted
 * (lvd_domain_deliver()) or sleeps (lvd_domain_kcall()).
 */
static int lvd_domain_run(struct lvd_domain_run *r, struct lvd_cross_frame *f)
{
	struct lvd_domain *d = r->d;
	unsigned long cr2 = 0;
	int why, v;

	for (;;) {
		v = lvd_domain_enter(r, f, &cr2);
		if (v < 0)
			return v;
		why = LVD_DOMAIN_KCALL_DONE;
		if (v >= FIRST_EXTERNAL_VECTOR || v == NMI_VECTOR) {
			/* Exitless: the kernel takes it, then the domain goes on. */
			lvd_domain_deliver(r, v, f);
		} else if ((f->cs & 3) == 3 && v == LVD_VECTOR_RETURN) {
			return 0;
		} else if ((f->cs & 3) == 3 && v == LVD_VECTOR_CALL) {
			u64 from = lvd_domain_charged(r->st, lvd_watchdog_now());
			unsigned int entered = r->st->entered;

			why = lvd_domain_kcall(r, f);
			lvd_domain_kcall_charge(r, from, entered);
			if (why == LVD_DOMAIN_KCALL_DONE)
				lvd_domain_irq_holds(r, f);
		} else if (lvd_domain_port_io(d, f)) {
			/* Port I/O it was granted, done: it goes on */
		} else {
			/* An exception: its vector (0, #DE, too) is why it stops. */
			why = v;
		}
		/* Stopped, or going: a call asleep in it was woken for that */
		if (atomic_read(&d->stopped) || READ_ONCE(d->dying))
			return -ESHUTDOWN;
		if (why != LVD_DOMAIN_KCALL_DONE) {
			lvd_domain_stop(d, why, f, cr2);
			return -EFAULT;
		}
		/* After a kernel call, only the second can have run out */
		if (v == LVD_VECTOR_CALL ?
		    lvd_watchdog_over(0, lvd_domain_run_total(r, r->fresh),
				      lvd_domain_run_as_task(r)) :
		    lvd_domain_overran(r)) {
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

/*
 * A call of @fn on @r->st, below the calls on it in progress. The
 * outermost call on the stack starts counting its time.
 */
static int lvd_domain_call_on(struct lvd_domain_run *r,
			      struct lvd_cross_frame *f, unsigned long fn,
			      const unsigned long *args)
{
	struct lvd_domain_stack *st = r->st;
	unsigned long *top = (unsigned long *)st->top;
	u64 now;
	int err;

	lvd_domain_call_frame(f, fn, args, (unsigned long)&top[-1], r->flags);
	if (st->top < st->base + LVD_DOMAIN_NEST_MIN - LVD_DOMAIN_RED_ZONE ||
	    !lvd_domain_kstack_left()) {
		lvd_domain_stop(r->d, LVD_DOMAIN_FAULT_TOO_DEEP, f, 0);
		return -EFAULT;
	}
	/* The return address: the domains' exit page raises the return vector. */
	top[-1] = (unsigned long)lvd_cross_domain_exit;
	now = lvd_watchdog_now();
	st->entered++;
	if (!st->depth++) {
		st->ran = 0;
		st->mark = now;
	}
	r->fresh = lvd_domain_charged(st, now);
	err = lvd_domain_run(r, f);
	if (!--st->depth)
		st->mark = 0;
	return err;
}

/*
 * The task's outermost call into the domain (in this context) is over:
 * nothing the task took for the domain there stays held. A domain that returned holding a kernel
 * lock is stopped for it, and the call fails.
 */
static int lvd_domain_call_release(struct lvd_domain *d,
				   const struct lvd_cross_frame *f, int err)
{
	if (!lvd_domain_holds_release(d) || err)
		return err;
	lvd_domain_stop(d, LVD_DOMAIN_FAULT_LOCK_HELD, f, 0);
	return -EFAULT;
}

/*
 * With preemption and interrupts off (but where a task's call may sleep):
 * on the task's stack in the domain, or on this CPU's
 */
static int lvd_domain_call_here(struct lvd_domain_run *r,
				struct lvd_cross_frame *f, unsigned long fn,
				const unsigned long *args)
{
	unsigned int level = 0;
	struct lvd_domain_task t;
	bool outer = false;
	int err;

	preempt_disable();
	if (r->task) {
		/* A task that may sleep: on its own stack, made if need be */
		while (!(r->st = lvd_domain_task_enter(r->d, &t))) {
			preempt_enable();
			err = lvd_domain_stack_add(r->d);
			if (err)
				return err;
			preempt_disable();
		}
	} else {
		/* Holds end with the outermost call in this context */
		r->st = this_cpu_ptr(r->d->cpu_stacks);
		level = interrupt_context_level();
		outer = !r->st->levels[level]++ &&
			(level || !lvd_domain_task_inside(r->d));
	}
	local_irq_save(r->flags);
	/* With interrupts off, only an NMI brings the CPU out. */
	if (!(r->flags & X86_EFLAGS_IF)) {
		r->timer = lvd_watchdog_timer_wanted();
		lvd_watchdog_tick_elsewhere();
	}
	err = lvd_domain_call_on(r, f, fn, args);
	if (!r->task)
		r->st->levels[level]--;
	local_irq_restore(r->flags);
	if (r->task && t.d) {
		lvd_domain_task_leave(&t);
		outer = true;
	}
	preempt_enable();
	if (outer && !list_empty(&r->d->holds))
		err = lvd_domain_call_release(r->d, f, err);
	return err;
}

/**
 * lvd_domain_call() - call a function of a domain
 * @d: the domain
 * @fn: the function's address in the domain (mapped executable)
 * @args: its six arguments (RDI, RSI, RDX, RCX, R8, R9), or NULL for zeros
 * @ret: where to store its return value (RAX)
 *
 * The function runs at CPL 3, on a stack of the domain's, and returns with
 * RET; interrupts reach the kernel while it runs if they are on here. The
 * CPU switches EPTs with VMFUNC both ways, without a VM exit. Its calls to
 * the kernel (lvd_domain_set_kcalls()) may call into it again, as deep as
 * the kernel's stack and the domain's allow.
 *
 * Called where it may sleep, the call is the task's: it runs on a stack
 * the task has in the domain, and the task may be preempted while it runs
 * there, sleep in the kernel calls it makes, and move to another CPU.
 * Called anywhere else (interrupt context, preemption or interrupts off),
 * it runs on this CPU's stack in the domain, and the kernel calls it makes
 * must not sleep.
 *
 * If the domain raises an exception, runs longer than the watchdog allows
 * (100 ms without a kernel call, a second for the calls on one stack; only
 * time in the domain counts), nests too deep, makes a sleeping kernel call
 * where it may not, or breaks out in any other way, it is stopped, for
 * good, and the calls in it fail.
 *
 * @d must stay valid until the call returns: lvd_domain_destroy() waits
 * for calls in flight, and a caller that may race with it looks @d up
 * inside lvd_domain_calls_begin() and lvd_domain_calls_end().
 *
 * Context: any.
 * Return: 0; -EFAULT when the domain broke a rule during this call (or
 * nested too deep); -ETIMEDOUT when the watchdog stopped it; -ESHUTDOWN
 * when it is stopped (before the call or, by another CPU, during it) or
 * being destroyed (before the call, or while it was in a kernel call);
 * -ENODEV when this CPU does not run under LVD; -ENOMEM when the task
 * needed a stack in the domain and none could be made.
 */
int lvd_domain_call(struct lvd_domain *d, unsigned long fn,
		    const unsigned long args[LVD_DOMAIN_ARGS], unsigned long *ret)
{
	struct lvd_domain_run r = { .d = d };
	struct lvd_cross_frame f;
	int err = -ESHUTDOWN, idx;

	idx = srcu_read_lock(&lvd_domain_srcu);
	if (atomic_read(&d->stopped) || READ_ONCE(d->dying))
		goto out;
	r.task = lvd_domain_may_sleep();
	err = lvd_domain_call_here(&r, &f, fn, args);
	if (!err)
		*ret = f.rax;
out:
	srcu_read_unlock(&lvd_domain_srcu, idx);
	return err;
}
EXPORT_SYMBOL_GPL(lvd_domain_call);

/**
 * lvd_domain_stop_for() - stop a domain from the kernel, for a reason
 * @d: the domain
 * @why: the reason its record gets (%LVD_DOMAIN_FAULT_DEADLOCK, say)
 *
 * For glue that finds the domain broke a rule its code cannot be caught
 * at: a lock it waits for that it can never get. The CPUs running in it
 * come out at once, and the call that made the kernel call ends with
 * -ESHUTDOWN.
 */
void lvd_domain_stop_for(struct lvd_domain *d, unsigned int why)
{
	const struct lvd_cross_frame f = { .cs = __USER_CS };

	lvd_domain_stop(d, why, &f, 0);
}
EXPORT_SYMBOL_GPL(lvd_domain_stop_for);

#ifdef CONFIG_LVD_TEST_HOOKS
/**
 * lvd_domain_stop_now() - stop a domain as an invalid opcode in it would
 * @d: the domain
 *
 * For the selftests: a fault injected into a driver that does not fault
 * on request. The CPUs running in it come out at once.
 */
void lvd_domain_stop_now(struct lvd_domain *d)
{
	lvd_domain_stop_for(d, X86_TRAP_UD);
}
EXPORT_SYMBOL_NS_GPL(lvd_domain_stop_now, LVD_TEST);
#endif

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
 * beyond the table stops it. The functions run in the context of the call
 * into the domain (lvd_domain_call()): those marked %LVD_KCALL_MAY_SLEEP
 * may sleep if it may, and stop the domain if it may not. They must treat
 * every argument as hostile. Set before the first call.
 */
void lvd_domain_set_kcalls(struct lvd_domain *d, const struct lvd_kcall *kcalls,
			   unsigned int n)
{
	d->kcalls = kcalls;
	d->nr_kcalls = n;
}
EXPORT_SYMBOL_GPL(lvd_domain_set_kcalls);

/**
 * lvd_domain_wait() - sleep on a domain's behalf
 * @d: the domain
 * @ns: how long
 *
 * For glue that sleeps (msleep() and the like): the task sleeps @ns, but
 * wakes at once when the domain is stopped or destroyed, so that no task
 * stays asleep for a domain that is gone.
 *
 * Context: process, may sleep (a kernel call marked %LVD_KCALL_MAY_SLEEP).
 * Return: 0 once @ns has passed; -ESHUTDOWN when the domain was stopped or
 * is being destroyed.
 */
int lvd_domain_wait(struct lvd_domain *d, u64 ns)
{
	wait_event_hrtimeout(d->stop_wq, atomic_read(&d->stopped) ||
			     READ_ONCE(d->dying), ns_to_ktime(ns));
	return atomic_read(&d->stopped) || READ_ONCE(d->dying) ? -ESHUTDOWN : 0;
}
EXPORT_SYMBOL_GPL(lvd_domain_wait);

/**
 * lvd_domain_kcall_sp() - the stack pointer of the kernel call a domain
 *	makes
 * @d: the domain
 *
 * For glue of a function that takes more than six arguments: the
 * domain's call pushed its return address at the stack pointer, and the
 * seventh argument and those after it above it. The stack is the
 * domain's: read it with lvd_domain_copy_from().
 *
 * Context: a kernel call of @d's that does not sleep, on this CPU.
 * Return: the domain's RSP when it made the call; 0 in a kernel call that
 * may sleep, or outside a kernel call of @d's.
 */
unsigned long lvd_domain_kcall_sp(struct lvd_domain *d)
{
	const struct lvd_domain_kcall_at *now = this_cpu_ptr(&lvd_domain_kcall_now);

	return now->d == d ? now->sp : 0;
}
EXPORT_SYMBOL_GPL(lvd_domain_kcall_sp);

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
