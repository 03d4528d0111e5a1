// SPDX-License-Identifier: GPL-2.0
/*
 * The watchdog of CPUs in domains. A domain that runs 100 ms without
 * returning or calling the kernel, or whose calls on one stack (the
 * outermost and those nested in its kernel calls) run a second on a CPU,
 * is stopped at the next interrupt that reaches the kernel or the next
 * kernel call it makes (domain_call.c). A call made with interrupts off
 * gets none: a timer on another CPU sends such a CPU an NMI, which a
 * domain cannot block, and which reaches the kernel through the domains'
 * IDT.
 * The hypervisor's VMX-preemption timer sends the NMI too (LVD_HC_WATCHDOG),
 * which does not depend on another CPU: armed on entry into a domain with
 * interrupts off unless it is armed already, it costs a VM exit to arm
 * and one to fire, at most every 110 ms, whatever the number of calls.
 * Before the first domain, the
 * timer is tried once: one that never fires (seen under nested KVM) is
 * not relied on, and the kernel says so.
 */

#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/nmi.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <linux/timer.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/tsc.h>
#include "hypervisor.h"
#include "domain/domain_watchdog.h"

/*
 * lvd_watchdog_scale=N on the command line multiplies the budgets below
 * by N (1 to 10): for CPUs far slower than hardware, such as a nested
 * guest inside an emulator, where one console line takes 100 ms.
 */
static unsigned int lvd_watchdog_scale = 1;
core_param(lvd_watchdog_scale, lvd_watchdog_scale, uint, 0444);

/* How long a domain may run without returning or calling the kernel */
static u64 lvd_watchdog_ns __ro_after_init = 100 * NSEC_PER_MSEC;
/* How long the calls on one domain stack may run in all */
static u64 lvd_watchdog_call_ns __ro_after_init = 1000 * NSEC_PER_MSEC;
/* The preemption timer, a little longer: the domain has expired by then */
static unsigned int lvd_watchdog_timer_ms __ro_after_init = 110;

/* The budgets, scaled once: the crossings read them on every entry */
static int __init lvd_watchdog_scale_budgets(void)
{
	unsigned int n = clamp(lvd_watchdog_scale, 1U, 10U);

	lvd_watchdog_ns *= n;
	lvd_watchdog_call_ns *= n;
	lvd_watchdog_timer_ms *= n;
	return 0;
}
early_initcall(lvd_watchdog_scale_budgets);

#define LVD_WATCHDOG_NS		lvd_watchdog_ns
#define LVD_WATCHDOG_CALL_NS	lvd_watchdog_call_ns
#define LVD_WATCHDOG_TIMER_MS	lvd_watchdog_timer_ms
/* How much longer a task's call that may sleep may run */
#define LVD_WATCHDOG_TASK_FACTOR	10
/* How often the timer looks at the other CPUs */
#define LVD_WATCHDOG_PERIOD	(HZ / 20)

/* Since when this CPU runs in a domain (ns, odd), or 0 */
static DEFINE_PER_CPU(u64, lvd_watchdog_since);
/* The timer sent this CPU an NMI that is the watchdog's */
static DEFINE_PER_CPU(bool, lvd_watchdog_nmi);
/* When this CPU armed the hypervisor's timer (ns), or 0 */
static DEFINE_PER_CPU(u64, lvd_watchdog_timer_at);
static struct timer_list lvd_watchdog_timer;
/* The hypervisor has no VMX-preemption timer, or none that fires */
static bool lvd_watchdog_no_timer;
/* How long the timer gets to fire when it is tried */
#define LVD_WATCHDOG_TRY_MS	50
static DEFINE_MUTEX(lvd_watchdog_lock);
static bool lvd_watchdog_started;

/**
 * lvd_watchdog_now() - the watchdog's clock
 *
 * Return: nanoseconds, from a clock that any CPU may read in any context.
 */
u64 lvd_watchdog_now(void)
{
	return ktime_get_mono_fast_ns();
}

/* Has a domain that counts from @since run too long? */
static bool lvd_watchdog_expired(u64 since)
{
	return (s64)(lvd_watchdog_now() - since) > LVD_WATCHDOG_NS;
}

/**
 * lvd_watchdog_count_from() - the watchdog's start for an entry into a domain
 * @mark: lvd_watchdog_now() when the calls on the domain stack last went on
 *	running (began, or their task was switched back in)
 * @ran: their time until then (ns)
 * @fresh: their time (ns) when the call being entered began or its last
 *	kernel call returned
 *
 * A call may run 100 ms without returning or calling the kernel, and the
 * calls on one stack (the outermost and those nested in its kernel calls)
 * a second in all. Only time on a CPU counts: in the domain and in its
 * kernel calls, not asleep or waiting for a CPU.
 *
 * Return: the time to pass to lvd_watchdog_watch(): the entry has run too
 * long 100 ms after it.
 */
u64 lvd_watchdog_count_from(u64 mark, u64 ran, u64 fresh)
{
	return mark - ran + min(fresh, LVD_WATCHDOG_CALL_NS - LVD_WATCHDOG_NS);
}

/**
 * lvd_watchdog_kcall_excess() - what of a kernel call's time is not the
 *	domain's
 * @took: the time the kernel call ran on a CPU (ns)
 *
 * A kernel call counts at most 10 ms towards the second the calls on a
 * stack may run: the kernel's own slow work on the domain's behalf (an
 * ACPI method run to route a device's interrupt, a long mdelay()) does
 * not stop it, while a domain that loops through kernel calls is stopped
 * all the same.
 *
 * Return: the time (ns) to take off the stack's charge.
 */
u64 lvd_watchdog_kcall_excess(u64 took)
{
	u64 cap = LVD_WATCHDOG_NS / 10;

	return took > cap ? took - cap : 0;
}

/**
 * lvd_watchdog_over() - has a call run too long?
 * @slice: its time since it began or its last kernel call returned (ns)
 * @total: the time of the calls on its stack (ns)
 * @task: the calls are a task's that may sleep, on the task's own stack
 *
 * A task's call is preempted as any task is, so it holds up only its
 * caller: it gets ten times as long, a second without a kernel call and
 * ten in all, time enough for a driver's probe that waits on its device.
 *
 * Return: true after 100 ms without a kernel call, or a second in all
 * (ten times that for a task's call).
 */
bool lvd_watchdog_over(u64 slice, u64 total, bool task)
{
	u64 n = task ? LVD_WATCHDOG_TASK_FACTOR : 1;

	return slice > n * LVD_WATCHDOG_NS || total > n * LVD_WATCHDOG_CALL_NS;
}

/**
 * lvd_watchdog_watch() - this CPU enters a domain, or leaves it
 * @since: lvd_watchdog_now() when the domain was last entered, 0 on leaving
 */
void lvd_watchdog_watch(u64 since)
{
	this_cpu_write(lvd_watchdog_since, since ? since | 1 : 0);
}

static void lvd_watchdog_tick(struct timer_list *t)
{
	unsigned int cpu, self = smp_processor_id();
	u64 since;

	for_each_online_cpu(cpu) {
		since = READ_ONCE(per_cpu(lvd_watchdog_since, cpu));
		if (cpu == self || !since || !lvd_watchdog_expired(since))
			continue;
		/* One NMI at a time: the CPU takes it in the domain's stead. */
		if (!xchg(&per_cpu(lvd_watchdog_nmi, cpu), true))
			__apic_send_IPI(cpu, NMI_VECTOR);
	}
	mod_timer(t, jiffies + LVD_WATCHDOG_PERIOD);
}

static int lvd_watchdog_on_nmi(unsigned int type, struct pt_regs *regs)
{
	bool timer = this_cpu_xchg(lvd_watchdog_timer_at, 0);

	return this_cpu_xchg(lvd_watchdog_nmi, false) || timer ?
	       NMI_HANDLED : NMI_DONE;
}

/*
 * Arm the hypervisor's timer for 1 ms and wait up to 50 ms, interrupts off,
 * for its NMI. Under nested KVM inside Bochs it never came.
 */
static void lvd_watchdog_try_timer(void)
{
	unsigned long flags;
	u64 start;
	long ret;

	local_irq_save(flags);
	if (!lvd_cpu_virtualized()) {
		local_irq_restore(flags);
		return;
	}
	this_cpu_write(lvd_watchdog_timer_at, 1);
	ret = lvd_hypercall(LVD_HC_WATCHDOG, tsc_khz, 0, 0).ret;
	start = lvd_watchdog_now();
	while (!ret && this_cpu_read(lvd_watchdog_timer_at) &&
	       lvd_watchdog_now() - start < LVD_WATCHDOG_TRY_MS * NSEC_PER_MSEC)
		cpu_relax();
	if (ret || this_cpu_read(lvd_watchdog_timer_at)) {
		lvd_hypercall(LVD_HC_WATCHDOG, 0, 0, 0);
		this_cpu_write(lvd_watchdog_timer_at, 0);
		WRITE_ONCE(lvd_watchdog_no_timer, true);
	}
	local_irq_restore(flags);
	if (READ_ONCE(lvd_watchdog_no_timer))
		pr_warn("lvd: the VMX-preemption timer %s: with one CPU online, a domain called with interrupts off cannot be stopped\n",
			ret ? "is missing" : "did not fire");
}

/* For lvd_test_hv only */
#ifdef CONFIG_LVD_TEST_HOOKS
/**
 * lvd_watchdog_timer_works() - can a domain called with interrupts off on
 * the only online CPU be stopped?
 *
 * Return: true when the hypervisor's timer fired when it was tried (on the
 * first domain's creation).
 */
bool lvd_watchdog_timer_works(void)
{
	return !READ_ONCE(lvd_watchdog_no_timer);
}
EXPORT_SYMBOL_NS_GPL(lvd_watchdog_timer_works, LVD_TEST);
#endif

/**
 * lvd_watchdog_start() - start the timer, once
 *
 * Return: 0, or the error of registering its NMI handler.
 */
int lvd_watchdog_start(void)
{
	int ret = 0;

	mutex_lock(&lvd_watchdog_lock);
	if (!lvd_watchdog_started) {
		ret = register_nmi_handler(NMI_LOCAL, lvd_watchdog_on_nmi, 0,
					   "lvd_watchdog");
		if (!ret) {
			timer_setup(&lvd_watchdog_timer, lvd_watchdog_tick, 0);
			mod_timer(&lvd_watchdog_timer, jiffies + LVD_WATCHDOG_PERIOD);
			lvd_watchdog_started = true;
			lvd_watchdog_try_timer();
		}
	}
	mutex_unlock(&lvd_watchdog_lock);
	return ret;
}

/**
 * lvd_watchdog_timer_wanted() - does a call with interrupts off get the
 * hypervisor's timer?
 *
 * It does wherever the hypervisor has a VMX-preemption timer that fires:
 * another CPU's NMI may not come (the CPUs may all be in domains with
 * interrupts off, or the timer's CPU busy).
 *
 * Return: true when the hypervisor has the VMX-preemption timer.
 */
bool lvd_watchdog_timer_wanted(void)
{
	return !READ_ONCE(lvd_watchdog_no_timer);
}

/**
 * lvd_watchdog_tick_elsewhere() - keep the watchdog's timer off this CPU
 *
 * A CPU that enters a domain with interrupts off cannot run the timer that
 * sends it the NMI: when the timer is this CPU's, it moves to another
 * online CPU. Interrupts off.
 */
void lvd_watchdog_tick_elsewhere(void)
{
	unsigned int cpu = smp_processor_id(), other;

	if (num_online_cpus() < 2 || !READ_ONCE(lvd_watchdog_started) ||
	    (READ_ONCE(lvd_watchdog_timer.flags) & TIMER_CPUMASK) != cpu)
		return;
	other = cpumask_any_but(cpu_online_mask, cpu);
	/* Not pending: its function runs elsewhere, and re-arms it there. */
	if (other < nr_cpu_ids && timer_delete(&lvd_watchdog_timer))
		add_timer_on(&lvd_watchdog_timer, other);
}

/**
 * lvd_watchdog_timer_arm() - the hypervisor sends this CPU an NMI in 110 ms
 * @now: lvd_watchdog_now(), as the caller read it
 *
 * Before each entry into a domain, when lvd_watchdog_timer_wanted(): a
 * domain entered at T gets an NMI by T + 110 ms, when it has run long
 * enough to be stopped, or by T + 220 ms. A VM exit, unless the timer is
 * armed already.
 */
void lvd_watchdog_timer_arm(u64 now)
{
	u64 at = this_cpu_read(lvd_watchdog_timer_at);

	if (at && now - at < LVD_WATCHDOG_TIMER_MS * NSEC_PER_MSEC)
		return;
	if (lvd_hypercall(LVD_HC_WATCHDOG, (u64)tsc_khz * LVD_WATCHDOG_TIMER_MS,
			  0, 0).ret) {
		WRITE_ONCE(lvd_watchdog_no_timer, true);
		return;
	}
	this_cpu_write(lvd_watchdog_timer_at, now | 1);
}
