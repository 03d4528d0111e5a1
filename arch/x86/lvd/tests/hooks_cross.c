// SPDX-License-Identifier: GPL-2.0
/*
 * lvd_test_hv's cross file: a scenario written to it runs in a fresh
 * domain, which gets the code of hooks_domain_code.S, the kernel calls
 * below and a page of data, and is destroyed after it; reading the file
 * gives the scenario's result. lvd_test_scenarios[] names the scenarios,
 * lvd_test_acts[] the acts the threat model names, each of which must stop
 * the domain and leave the kernel as it was.
 */

#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <lvd/domain.h>
#include "hypervisor.h"
#include "domain/cross.h"
#include "domain/domain_watchdog.h"
#include "root/vcpu.h"
#include "tests/hooks.h"

static struct {
	struct hrtimer timer;
	unsigned long *word;
} lvd_test_wake;

/* In the interrupt that came while the domain waited */
static enum hrtimer_restart lvd_test_wake_up(struct hrtimer *t)
{
	WRITE_ONCE(*lvd_test_wake.word, 0x11);
	return HRTIMER_NORESTART;
}

/* LVD_TEST_KCALL_ADD */
static unsigned long lvd_test_kcall_add(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS])
{
	return args[0] + 2 * args[1];
}

/* LVD_TEST_KCALL_NEST: back into the domain, which returns 23 */
static unsigned long lvd_test_kcall_nest(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long in[LVD_DOMAIN_ARGS] = { 1, 2, 3, 4, 5, 6 }, ret;

	if (lvd_domain_call(d, (unsigned long)lvd_test_dom_sum, in, &ret))
		return -1UL;
	return ret;
}

/* LVD_TEST_KCALL_NULL: nothing, for the benchmark */
static unsigned long lvd_test_kcall_null(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	return 0;
}

/*
 * LVD_TEST_KCALL_SUM_BUF: the sum of the bytes of a buffer the domain names, as
 * glue would read it: through lvd_domain_copy_from(), a piece at a time.
 * -EFAULT when the buffer is not all the domain's.
 */
static unsigned long lvd_test_kcall_sum_buf(struct lvd_domain *d,
					    const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long src = args[0], len = args[1], sum = 0, n, i;
	u8 piece[64];

	while (len) {
		n = min(len, sizeof(piece));
		if (lvd_domain_copy_from(d, piece, src, n))
			return -EFAULT;
		for (i = 0; i < n; i++)
			sum += piece[i];
		src += n;
		len -= n;
	}
	return sum;
}

/* LVD_TEST_KCALL_FLAGS: the kernel's DF and AC flags, as the call runs */
static unsigned long lvd_test_kcall_flags(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	return native_save_fl() & (X86_EFLAGS_DF | X86_EFLAGS_AC);
}

static const struct lvd_kcall lvd_test_kcalls[LVD_TEST_NR_KCALLS] = {
	[LVD_TEST_KCALL_ADD] = { lvd_test_kcall_add },
	[LVD_TEST_KCALL_NEST] = { lvd_test_kcall_nest },
	[LVD_TEST_KCALL_NULL] = { lvd_test_kcall_null },
	[LVD_TEST_KCALL_SUM_BUF] = { lvd_test_kcall_sum_buf },
	[LVD_TEST_KCALL_FLAGS] = { lvd_test_kcall_flags },
	[LVD_TEST_KCALL_SLEEP] = { lvd_test_kcall_sleep, LVD_KCALL_MAY_SLEEP },
	[LVD_TEST_KCALL_NEST_SLEEP] = {
		lvd_test_kcall_nest_sleep, LVD_KCALL_MAY_SLEEP
	},
	[LVD_TEST_KCALL_NULL_MAY_SLEEP] = {
		lvd_test_kcall_null, LVD_KCALL_MAY_SLEEP
	},
	[LVD_TEST_KCALL_HOLD] = { lvd_test_kcall_hold, LVD_KCALL_MAY_SLEEP },
};

static char lvd_test_cross_result[256];

/**
 * lvd_test_result() - set the scenario's result, which reading the cross
 * file gives
 * @fmt: printf() format
 */
__printf(1, 2) void lvd_test_result(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result), fmt, args);
	va_end(args);
}

/**
 * lvd_test_exits_here() - VM exits of this CPU so far
 * @s: room for the hypervisor's counters
 *
 * Kernel and user, all reasons. Reading them is one more exit.
 *
 * Return: the count, 0 when the hypervisor did not give it.
 */
u64 lvd_test_exits_here(struct lvd_exit_stats *s)
{
	u64 n = 0;
	int i;

	if (lvd_hypercall(LVD_HC_READ_STATS, __pa(s), sizeof(*s), 0).ret)
		return 0;
	for (i = 0; i < LVD_EXIT_REASONS; i++)
		n += s->kernel[i] + s->user[i];
	return n;
}

/**
 * lvd_test_exits_start() - start counting this CPU's VM exits
 * @s: room for the hypervisor's counters
 *
 * Preemption must be off.
 *
 * Return: the count now plus what one more read of the counters costs, so
 * that lvd_test_exits_here() less this is the exits of the work in between.
 */
u64 lvd_test_exits_start(struct lvd_exit_stats *s)
{
	u64 a = lvd_test_exits_here(s), b = lvd_test_exits_here(s);

	return b + (b - a);
}

#define LVD_TEST_CALLS	1000

/*
 * VM exits of @n calls of @fn on this CPU, interrupts off.
 */
static long lvd_test_exits_of_calls(struct lvd_domain *d, unsigned long fn,
				    unsigned int n, struct lvd_exit_stats *s)
{
	unsigned long ret;
	unsigned int i;
	long err = 0;
	u64 start, exits;

	/*
	 * Interrupts on: they reach the kernel without exits too; with them
	 * off and one CPU, the watchdog's timer would cost exits.
	 */
	preempt_disable();
	start = lvd_test_exits_start(s);
	for (i = 0; i < n && !err; i++)
		err = lvd_domain_call(d, fn, NULL, &ret);
	exits = lvd_test_exits_here(s) - start;
	preempt_enable();
	return err ?: (long)exits;
}

struct lvd_test_all {
	struct lvd_domain *d;
	atomic_t ok;
};

static void lvd_test_call_here(void *arg)
{
	struct lvd_test_all *all = arg;
	unsigned long args[LVD_DOMAIN_ARGS] = { smp_processor_id(), 1, 2, 3, 4, 5 };
	unsigned long ret;

	if (!lvd_domain_call(all->d, (unsigned long)lvd_test_dom_sum, args, &ret) &&
	    ret == args[0] * 3 + 15)
		atomic_inc(&all->ok);
}

/* Canary data, which no domain is given (with lvd_kernel_data_intact()) */
static u64 lvd_test_canary[PAGE_SIZE / sizeof(u64)] __aligned(PAGE_SIZE);

static void lvd_test_canary_fill(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_test_canary); i++)
		lvd_test_canary[i] = 0x4c56444341524159ULL ^ i;
}

static bool lvd_test_canary_intact(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_test_canary); i++)
		if (lvd_test_canary[i] != (0x4c56444341524159ULL ^ i))
			return false;
	/* and the canary page in the kernel's own .data */
	return lvd_kernel_data_intact();
}

/* A new domain runs a call: the reload works. Its result, or -errno. */
static long lvd_test_reload(void)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { 1, 2, 3, 4, 5, 6 }, data, ret;
	struct lvd_domain *d;
	int err;

	err = lvd_test_cross_domain(&d, &data);
	if (err)
		return err;
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_sum, args, &ret);
	lvd_domain_destroy(d);
	free_page(data);
	return err ?: ret;
}

/*
 * A call that must stop the domain, and what must hold after it:
 * "err E vector V cpl C then E2 kernel same|changed canary intact|changed
 * reload R" (E2: a second call; R: a new domain's call, 23)
 */
static void lvd_test_cross_fault(struct lvd_domain *d, void (*fn)(void),
				 unsigned long a0, unsigned long a1)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { a0, a1 }, ret = 0;
	struct lvd_domain_fault f = { .vector = ~0U };
	u64 sum = lvd_kernel_image_sum();
	int err, again;

	lvd_test_canary_fill();
	err = lvd_domain_call(d, (unsigned long)fn, args, &ret);
	lvd_domain_stopped(d, &f);
	again = lvd_domain_call(d, (unsigned long)lvd_test_dom_sum, args, &ret);
	lvd_test_result("err %d vector %u cpl %u then %d kernel %s canary %s reload %ld",
			err, f.vector, f.cpl, again,
			sum == lvd_kernel_image_sum() ? "same" : "changed",
			lvd_test_canary_intact() ? "intact" : "changed",
			lvd_test_reload());
}

struct lvd_test_spinner {
	struct lvd_domain *d;
	struct completion started, done;
	int err;
};

static int lvd_test_spin_thread(void *arg)
{
	struct lvd_test_spinner *sp = arg;
	unsigned long ret;

	complete(&sp->started);
	sp->err = lvd_domain_call(sp->d, (unsigned long)lvd_test_dom_spin, NULL, &ret);
	complete(&sp->done);
	return 0;
}

/*
 * A thread spins in the domain on another CPU; this CPU makes the domain
 * fault: the spinner comes out stopped, long before the watchdog would
 * have stopped it. "fault E other E2 ms M"
 */
static void lvd_test_bring_out(struct lvd_domain *d, unsigned long data)
{
	struct lvd_test_spinner sp = { .d = d };
	unsigned int cpu = get_cpu(), other = cpumask_any_but(cpu_online_mask, cpu);
	struct task_struct *t;
	unsigned long ret, t0;
	int err;

	put_cpu();
	if (other >= nr_cpu_ids) {
		lvd_test_result("one CPU");
		return;
	}
	init_completion(&sp.started);
	init_completion(&sp.done);
	t = kthread_create_on_cpu(lvd_test_spin_thread, &sp, other, "lvd_spin/%u");
	if (IS_ERR(t)) {
		lvd_test_result("err %ld", PTR_ERR(t));
		return;
	}
	wake_up_process(t);
	wait_for_completion(&sp.started);
	msleep(20);
	t0 = jiffies;
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_ud2, NULL, &ret);
	wait_for_completion(&sp.done);
	lvd_test_result("fault %d other %d ms %u", err, sp.err,
			jiffies_to_msecs(jiffies - t0));
}

/*
 * A domain that never returns, called with interrupts off: only an NMI can
 * stop it, from the hypervisor's timer or the watchdog's timer on another
 * CPU. "err E vector V ms M"
 */
static void lvd_test_spin_irqs_off(struct lvd_domain *d, unsigned long data)
{
	struct lvd_domain_fault f = { .vector = ~0U };
	unsigned long flags, ret;
	u64 t0;
	int err;

	/* Alone, the CPU needs the hypervisor's timer, one that fires. */
	if (num_online_cpus() < 2 && !lvd_watchdog_timer_works()) {
		lvd_test_result("one CPU, no timer");
		return;
	}
	t0 = ktime_get_ns();
	local_irq_save(flags);
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_spin, NULL, &ret);
	local_irq_restore(flags);
	lvd_domain_stopped(d, &f);
	lvd_test_result("err %d vector %u ms %llu", err, f.vector,
			div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
}

/*
 * Hostile values through a kernel call (kernel call 3): its own page
 * (ok), a kernel pointer, a length past its memory, a range that wraps.
 * The call is refused, the domain goes on, the kernel's data is not read.
 * "err E ret R canary intact|changed"
 */
static void lvd_test_glue(struct lvd_domain *d, const char *how,
			  unsigned long data)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { data, PAGE_SIZE }, ret = 0;
	int err;

	memset((void *)data, 1, PAGE_SIZE);
	lvd_test_canary_fill();
	if (!strcmp(how, "kernel-pointer"))
		args[0] = (unsigned long)lvd_test_canary;
	else if (!strcmp(how, "huge-length"))
		args[1] = 1UL << 40;
	else if (!strcmp(how, "wrapping"))
		args[1] = -data;
	else if (strcmp(how, "ok"))
		args[1] = 0;
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_sum_buf, args, &ret);
	lvd_test_result("err %d ret %ld canary %s", err, (long)ret,
			lvd_test_canary_intact() ? "intact" : "changed");
}

/*
 * A page of @d's that nobody has touched, freed once @d is gone: under
 * nested KVM, fetches after a VMFUNC may still use translations cached
 * before it, so the load that must fault goes to a page never cached.
 */
static struct page *lvd_test_untouched;

/*
 * VMFUNC to another live domain's index, then a load: the domain's own
 * page tables and code are not in the other's EPT.
 */
static void lvd_test_other_domain(struct lvd_domain *d, unsigned long data)
{
	struct lvd_domain *other = lvd_domain_create();
	unsigned long va;

	if (lvd_test_untouched)
		__free_page(lvd_test_untouched);
	lvd_test_untouched = alloc_page(GFP_KERNEL);
	if (IS_ERR(other) || !lvd_test_untouched) {
		lvd_test_result("err %ld", IS_ERR(other) ? PTR_ERR(other) : -ENOMEM);
		if (!IS_ERR(other))
			lvd_domain_destroy(other);
		return;
	}
	va = (unsigned long)page_address(lvd_test_untouched);
	if (!lvd_domain_give(d, va, PAGE_SIZE, LVD_DOMAIN_READ | LVD_DOMAIN_WRITE))
		data = va;
	lvd_test_cross_fault(d, lvd_test_dom_vmfunc_load, data,
			     lvd_domain_index(other));
	lvd_domain_destroy(other);
}

/*
 * The domain sets FS and GS bases of its own choice (kernel-looking ones):
 * the kernel's are back after the call. "err E ret R same S"
 */
static void lvd_test_bases(struct lvd_domain *d, unsigned long data)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { 0xffff888000001000UL }, ret = 0;
	u64 fsb, gsb, fsb2, gsb2;
	int err;

	if (!(cr4_read_shadow() & X86_CR4_FSGSBASE)) {
		lvd_test_result("no FSGSBASE");
		return;
	}
	preempt_disable();
	rdmsrl(MSR_FS_BASE, fsb);
	rdmsrl(MSR_GS_BASE, gsb);
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_bases, args, &ret);
	rdmsrl(MSR_FS_BASE, fsb2);
	rdmsrl(MSR_GS_BASE, gsb2);
	preempt_enable();
	lvd_test_result("err %d ret %lu same %d", err, ret, fsb == fsb2 && gsb == gsb2);
}

/*
 * The domain returns with RSP at kernel data: the exit uses IST 7, the
 * data is untouched, and the domain goes on working. "err E then E2 ret R
 * canary intact|changed"
 */
static void lvd_test_forged_return(struct lvd_domain *d, unsigned long data)
{
	unsigned long args[LVD_DOMAIN_ARGS] = {
		(unsigned long)lvd_test_canary + PAGE_SIZE / 2,
	}, ret;
	int err, again;

	lvd_test_canary_fill();
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_forged_return,
			      args, &ret);
	args[0] = 1;
	again = lvd_domain_call(d, (unsigned long)lvd_test_dom_sum, args, &ret);
	lvd_test_result("err %d then %d ret %lu canary %s", err, again, ret,
			lvd_test_canary_intact() ? "intact" : "changed");
}

/* What an act gets as its first argument */
enum lvd_test_act_arg {
	LVD_TEST_ARG_NONE,		/* 0 */
	LVD_TEST_ARG_DATA,		/* the domain's data page */
	LVD_TEST_ARG_DATA_PA,		/* its physical address */
	LVD_TEST_ARG_CODE,		/* the domain's code */
	LVD_TEST_ARG_KERNEL,		/* kernel data */
	LVD_TEST_ARG_KERNEL_STACK,	/* kernel data, with room below it */
	LVD_TEST_ARG_KERNEL_TEXT,	/* kernel text */
	LVD_TEST_ARG_STUBS,		/* the crossing's stubs, CPL 0 only */
	LVD_TEST_ARG_DR7,		/* every breakpoint enabled */
	LVD_TEST_ARG_CR0,		/* the kernel's CR0 without WP */
	LVD_TEST_ARG_CR4,		/* the kernel's CR4 without SMEP */
	LVD_TEST_ARG_TSS,		/* the kernel's TSS selector */
	LVD_TEST_ARG_HV,		/* a page of hypervisor memory */
};

/*
 * Acts each of which must stop the domain (lvd_test_cross_fault()): the
 * domain runs @fn with @arg and @a1
 */
static const struct {
	const char *name;
	void (*fn)(void);
	enum lvd_test_act_arg arg;
	unsigned long a1;
} lvd_test_acts[] = {
	{ "spin", lvd_test_dom_spin, LVD_TEST_ARG_NONE },
	{ "bad-kcall", lvd_test_dom_bad_kcall, LVD_TEST_ARG_NONE },
	{ "bad-stack", lvd_test_dom_bad_stack, LVD_TEST_ARG_KERNEL_STACK },
	{ "ud2", lvd_test_dom_ud2, LVD_TEST_ARG_NONE },
	{ "hlt", lvd_test_dom_hlt, LVD_TEST_ARG_NONE },
	{ "cli", lvd_test_dom_cli, LVD_TEST_ARG_NONE },
	{ "vmcall", lvd_test_dom_vmcall, LVD_TEST_ARG_NONE },
	{ "syscall", lvd_test_dom_syscall, LVD_TEST_ARG_NONE },
	{ "cr3", lvd_test_dom_write_cr3, LVD_TEST_ARG_DATA_PA },
	{ "sse", lvd_test_dom_sse, LVD_TEST_ARG_NONE },
	{ "stack", lvd_test_dom_recurse, LVD_TEST_ARG_NONE },
	{ "read-kernel", lvd_test_dom_load, LVD_TEST_ARG_KERNEL },
	{ "write-code", lvd_test_dom_store, LVD_TEST_ARG_CODE },
	{ "exec-data", lvd_test_dom_jump, LVD_TEST_ARG_DATA },
	{ "exec-kernel", lvd_test_dom_jump, LVD_TEST_ARG_KERNEL_TEXT },
	/* to the kernel's EPT, index 0 */
	{ "vmfunc-kernel", lvd_test_dom_vmfunc_load, LVD_TEST_ARG_KERNEL },
	/* to a slot no domain uses: the VMFUNC exits, #UD */
	{ "vmfunc-empty", lvd_test_dom_vmfunc_load, LVD_TEST_ARG_DATA, 511 },
	{ "exec-trampoline", lvd_test_dom_jump, LVD_TEST_ARG_STUBS },
	{ "wrmsr", lvd_test_dom_wrmsr, LVD_TEST_ARG_NONE },
	{ "lidt", lvd_test_dom_lidt, LVD_TEST_ARG_DATA },
	{ "mov-dr7", lvd_test_dom_mov_dr7, LVD_TEST_ARG_DR7 },
	{ "xsetbv", lvd_test_dom_xsetbv, LVD_TEST_ARG_NONE },
	{ "wbinvd", lvd_test_dom_wbinvd, LVD_TEST_ARG_NONE },
	{ "outb", lvd_test_dom_outb, LVD_TEST_ARG_NONE },
	{ "int3", lvd_test_dom_int3, LVD_TEST_ARG_NONE },
	{ "cr0", lvd_test_dom_write_cr0, LVD_TEST_ARG_CR0 },
	{ "cr4", lvd_test_dom_write_cr4, LVD_TEST_ARG_CR4 },
	{ "lgdt", lvd_test_dom_lgdt, LVD_TEST_ARG_DATA },
	{ "lldt", lvd_test_dom_lldt, LVD_TEST_ARG_NONE },
	{ "ltr", lvd_test_dom_ltr, LVD_TEST_ARG_TSS },
	{ "mov-dr0", lvd_test_dom_mov_dr0, LVD_TEST_ARG_KERNEL },
	{ "invd", lvd_test_dom_invd, LVD_TEST_ARG_NONE },
	{ "div0", lvd_test_dom_div0, LVD_TEST_ARG_NONE },
	{ "align", lvd_test_dom_align, LVD_TEST_ARG_DATA },
	{ "single-step", lvd_test_dom_single_step, LVD_TEST_ARG_NONE },
	{ "vmfunc-inside", lvd_test_dom_vmfunc_inside, LVD_TEST_ARG_KERNEL },
	{ "read-hv", lvd_test_dom_load, LVD_TEST_ARG_HV },
	{ "write-hv", lvd_test_dom_store, LVD_TEST_ARG_HV },
	{ "exec-hv", lvd_test_dom_jump, LVD_TEST_ARG_HV },
};

/* Acts whose argument is the number after the prefix: "wrmsr:0x10" */
static const struct {
	const char *prefix;
	void (*fn)(void);
} lvd_test_numbered_acts[] = {
	{ "wrmsr:", lvd_test_dom_wrmsr_any },	/* the MSR */
	{ "vmcall:", lvd_test_dom_vmcall_nr },	/* the hypercall number */
};

static unsigned long lvd_test_act_arg(enum lvd_test_act_arg arg,
				      unsigned long data)
{
	switch (arg) {
	case LVD_TEST_ARG_DATA:
		return data;
	case LVD_TEST_ARG_DATA_PA:
		return __pa(data);
	case LVD_TEST_ARG_CODE:
		return (unsigned long)lvd_test_dom_code;
	case LVD_TEST_ARG_KERNEL:
		return (unsigned long)&lvd_test_cross_result;
	case LVD_TEST_ARG_KERNEL_STACK:
		return (unsigned long)&lvd_test_cross_result[128];
	case LVD_TEST_ARG_KERNEL_TEXT:
		return (unsigned long)lvd_domain_call;
	case LVD_TEST_ARG_STUBS:
		return (unsigned long)lvd_cross_stubs;
	case LVD_TEST_ARG_DR7:
		return 0x3ff;
	case LVD_TEST_ARG_CR0:
		return read_cr0() & ~X86_CR0_WP;
	case LVD_TEST_ARG_CR4:
		return __read_cr4() & ~X86_CR4_SMEP;
	case LVD_TEST_ARG_TSS:
		return GDT_ENTRY_TSS * 8;
	case LVD_TEST_ARG_HV:
		return (unsigned long)lvd_hv_hidden_page();
	default:
		return 0;
	}
}

/* A load from a vmalloc page, or with @store a store to it */
static void lvd_test_wild_vmalloc(struct lvd_domain *d, bool store)
{
	void *page = vzalloc(PAGE_SIZE);

	if (!page) {
		lvd_test_result("err %d", -ENOMEM);
		return;
	}
	lvd_test_cross_fault(d, store ? lvd_test_dom_store : lvd_test_dom_load,
			     (unsigned long)page, 0);
	vfree(page);
}

/* The same, to a page given to another live domain */
static void lvd_test_wild_other(struct lvd_domain *d, bool store)
{
	struct lvd_domain *other = lvd_domain_create();
	unsigned long page = get_zeroed_page(GFP_KERNEL);
	int err = IS_ERR(other) ? PTR_ERR(other) : page ? 0 : -ENOMEM;

	if (!err)
		err = lvd_domain_give(other, page, PAGE_SIZE,
				      LVD_DOMAIN_READ | LVD_DOMAIN_WRITE);
	if (err)
		lvd_test_result("err %d", err);
	else
		lvd_test_cross_fault(d, store ? lvd_test_dom_store :
				     lvd_test_dom_load, page, 0);
	if (!IS_ERR(other))
		lvd_domain_destroy(other);
	free_page(page);
}

/* Wild accesses to memory that is not the domain's */
static const struct {
	const char *name;
	void (*run)(struct lvd_domain *d, bool store);
	bool store;
} lvd_test_wild_acts[] = {
	{ "read-vmalloc", lvd_test_wild_vmalloc, false },
	{ "write-vmalloc", lvd_test_wild_vmalloc, true },
	{ "read-other", lvd_test_wild_other, false },
	{ "write-other", lvd_test_wild_other, true },
};

/*
 * The acts: lvd_test_acts[], "wrmsr:MSR", "vmcall:NR" and
 * lvd_test_wild_acts[]. Return: false for a name that is none of these.
 */
static bool lvd_test_act(struct lvd_domain *d, const char *what,
			 unsigned long data)
{
	unsigned long nr;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_test_acts); i++) {
		if (strcmp(what, lvd_test_acts[i].name))
			continue;
		lvd_test_cross_fault(d, lvd_test_acts[i].fn,
				     lvd_test_act_arg(lvd_test_acts[i].arg, data),
				     lvd_test_acts[i].a1);
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(lvd_test_numbered_acts); i++) {
		size_t len = str_has_prefix(what, lvd_test_numbered_acts[i].prefix);

		if (!len || kstrtoul(what + len, 0, &nr))
			continue;
		lvd_test_cross_fault(d, lvd_test_numbered_acts[i].fn, nr, 0);
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(lvd_test_wild_acts); i++) {
		if (strcmp(what, lvd_test_wild_acts[i].name))
			continue;
		lvd_test_wild_acts[i].run(d, lvd_test_wild_acts[i].store);
		return true;
	}
	return false;
}

/*
 * RSP at a kernel word while a timer interrupt comes: the interrupt's
 * frame goes to IST 7, not there; the domain's RET from that stack then
 * faults. "err E vector V word W"
 */
static void lvd_test_irq_stack(struct lvd_domain *d, unsigned long data)
{
	static unsigned long canary[4] = { 0x1111, 0x2222, 0x3333, 0x4444 };
	unsigned long args[LVD_DOMAIN_ARGS] = {
		(unsigned long)&canary[2], data,
	}, ret;
	struct lvd_domain_fault f = { .vector = ~0U };
	int err;

	lvd_test_wake.word = (unsigned long *)data;
	hrtimer_init(&lvd_test_wake.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	lvd_test_wake.timer.function = lvd_test_wake_up;
	hrtimer_start(&lvd_test_wake.timer, ms_to_ktime(10), HRTIMER_MODE_REL_HARD);
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_irq_stack, args, &ret);
	hrtimer_cancel(&lvd_test_wake.timer);
	lvd_domain_stopped(d, &f);
	lvd_test_result("err %d vector %u canary %s", err, f.vector,
			canary[0] == 0x1111 && canary[1] == 0x2222 &&
			canary[2] == 0x3333 && canary[3] == 0x4444 ? "intact" : "changed");
}

/* A call of @fn with @a0, @a1, 3, 4, 5 and 6: "err E ret R", R in hex with @hex */
static void lvd_test_call(struct lvd_domain *d, void (*fn)(void),
			  unsigned long a0, unsigned long a1, bool hex)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { a0, a1, 3, 4, 5, 6 }, ret = 0;
	int err;

	err = lvd_domain_call(d, (unsigned long)fn, args, &ret);
	lvd_test_result(hex ? "err %d ret %#lx" : "err %d ret %lu", err, ret);
}

/* Every argument arrives: 23 */
static void lvd_test_sum(struct lvd_domain *d, unsigned long data)
{
	lvd_test_call(d, lvd_test_dom_sum, 1, 2, false);
}

/* Registers other than the arguments hold nothing of the kernel's: 0 */
static void lvd_test_leak(struct lvd_domain *d, unsigned long data)
{
	lvd_test_call(d, lvd_test_dom_leak, 1, 2, true);
}

/* A kernel call inside a call: 51 */
static void lvd_test_kcall(struct lvd_domain *d, unsigned long data)
{
	lvd_test_call(d, lvd_test_dom_kcall, 10, 20, false);
}

/* A kernel call that calls the domain again: 24 */
static void lvd_test_nest(struct lvd_domain *d, unsigned long data)
{
	lvd_test_call(d, lvd_test_dom_nest, 1, 2, false);
}

/* VM exits of LVD_TEST_CALLS calls: "calls N exits E" */
static void lvd_test_exits(struct lvd_domain *d, unsigned long data)
{
	struct lvd_exit_stats *s = kzalloc(sizeof(*s), GFP_KERNEL);

	lvd_test_result("calls %u exits %ld", LVD_TEST_CALLS,
			s ? lvd_test_exits_of_calls(d, (unsigned long)lvd_test_dom_sum,
						    LVD_TEST_CALLS, s) : -ENOMEM);
	kfree(s);
}

/* A call on every CPU at once: "ok N of CPUS" */
static void lvd_test_all_cpus(struct lvd_domain *d, unsigned long data)
{
	struct lvd_test_all all = { .d = d };

	on_each_cpu(lvd_test_call_here, &all, 1);
	lvd_test_result("ok %d of %u", atomic_read(&all.ok), num_online_cpus());
}

/* The domain writes its page, the kernel sees it, and back */
static void lvd_test_data(struct lvd_domain *d, unsigned long data)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { data, 0x1234, 3, 4, 5, 6 }, ret = 0;
	int err;

	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_store, args, &ret);
	WRITE_ONCE(*(unsigned long *)(data + 8), 0x5678);
	args[0] = data + 8;
	err = err ?: lvd_domain_call(d, (unsigned long)lvd_test_dom_load, args, &ret);
	lvd_test_result("err %d kernel %#lx domain %#lx", err,
			READ_ONCE(*(unsigned long *)data), ret);
}

/* The domain loads null selectors: the kernel gets its own back */
static void lvd_test_segs(struct lvd_domain *d, unsigned long data)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { 0, 2, 3, 4, 5, 6 }, ret = 0;
	u64 fsb, gsb, fsb2, gsb2;
	u16 fs, gs, fs2, gs2;
	int err;

	preempt_disable();
	savesegment(fs, fs);
	savesegment(gs, gs);
	rdmsrl(MSR_FS_BASE, fsb);
	rdmsrl(MSR_GS_BASE, gsb);
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_segs, args, &ret);
	savesegment(fs, fs2);
	savesegment(gs, gs2);
	rdmsrl(MSR_FS_BASE, fsb2);
	rdmsrl(MSR_GS_BASE, gsb2);
	preempt_enable();
	lvd_test_result("err %d ret %lu same %d", err, ret,
			fs == fs2 && gs == gs2 && fsb == fsb2 && gsb == gsb2);
}

/* The domain sets DF and AC: the kernel runs with both clear */
static void lvd_test_flags(struct lvd_domain *d, unsigned long data)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { 1, 2, 3, 4, 5, 6 }, ret = 0;
	int err;

	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_flags, args, &ret);
	lvd_test_result("err %d in-call %#lx after %#lx", err, ret,
			native_save_fl() & (X86_EFLAGS_DF | X86_EFLAGS_AC));
}

/*
 * The domain waits for a word of its page that a timer writes 10 ms
 * later: the interrupt reaches the kernel, its handler runs, the domain
 * goes on, and nothing exits. "err E ret R exits X"
 */
static void lvd_test_irq(struct lvd_domain *d, unsigned long data)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { data, 2, 3, 4, 5, 6 }, ret = 0;
	struct lvd_exit_stats *s = kzalloc(sizeof(*s), GFP_KERNEL);
	u64 start, exits;
	int err;

	if (!s) {
		lvd_test_result("err %d", -ENOMEM);
		return;
	}
	lvd_test_wake.word = (unsigned long *)data;
	hrtimer_init(&lvd_test_wake.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	lvd_test_wake.timer.function = lvd_test_wake_up;
	preempt_disable();
	start = lvd_test_exits_start(s);
	hrtimer_start(&lvd_test_wake.timer, ms_to_ktime(10), HRTIMER_MODE_REL_HARD);
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_wait, args, &ret);
	exits = lvd_test_exits_here(s) - start;
	preempt_enable();
	hrtimer_cancel(&lvd_test_wake.timer);
	kfree(s);
	lvd_test_result("err %d ret %#lx exits %lld", err, ret, (long long)exits);
}

/* The scenarios that are more than one act: each writes its result */
static const struct {
	const char *name;
	void (*run)(struct lvd_domain *d, unsigned long data);
} lvd_test_scenarios[] = {
	{ "sum", lvd_test_sum },
	{ "leak", lvd_test_leak },
	{ "exits", lvd_test_exits },
	{ "all", lvd_test_all_cpus },
	{ "data", lvd_test_data },
	{ "segs", lvd_test_segs },
	{ "flags", lvd_test_flags },
	{ "irq", lvd_test_irq },
	{ "kcall", lvd_test_kcall },
	{ "nest", lvd_test_nest },
	{ "spin-irqs-off", lvd_test_spin_irqs_off },
	{ "bring-out", lvd_test_bring_out },
	{ "vmfunc-other", lvd_test_other_domain },
	{ "bases", lvd_test_bases },
	{ "irq-stack", lvd_test_irq_stack },
	{ "forged-return", lvd_test_forged_return },
};

/*
 * @what in domain @d, which has the page @data: lvd_test_scenarios[],
 * "glue-HOW" (lvd_test_glue()) or an act (lvd_test_act())
 */
static void lvd_test_cross_scenario(struct lvd_domain *d, const char *what,
				    unsigned long data)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_test_scenarios); i++) {
		if (!strcmp(what, lvd_test_scenarios[i].name)) {
			lvd_test_scenarios[i].run(d, data);
			return;
		}
	}
	if (str_has_prefix(what, "glue-"))
		lvd_test_glue(d, what + 5, data);
	else if (!lvd_test_act(d, what, data) &&
		 !lvd_test_runtime_scenario(d, what, data))
		lvd_test_result("unknown scenario");
}

/**
 * lvd_test_cross_domain() - a fresh domain for a test
 * @dp: the domain
 * @datap: its page of data, which the caller frees after the domain
 *
 * The domain has the code of hooks_domain_code.S, the test's kernel calls
 * and a page of data.
 *
 * Return: 0, or -errno.
 */
int lvd_test_cross_domain(struct lvd_domain **dp, unsigned long *datap)
{
	unsigned long data = get_zeroed_page(GFP_KERNEL);
	struct lvd_domain *d;
	int ret;

	if (!data)
		return -ENOMEM;
	d = lvd_domain_create();
	if (IS_ERR(d)) {
		free_page(data);
		return PTR_ERR(d);
	}
	lvd_domain_set_kcalls(d, lvd_test_kcalls, ARRAY_SIZE(lvd_test_kcalls));
	ret = lvd_domain_give(d, (unsigned long)lvd_test_dom_code, PAGE_SIZE,
			      LVD_DOMAIN_READ | LVD_DOMAIN_EXEC);
	if (!ret)
		ret = lvd_domain_give(d, data, PAGE_SIZE,
				      LVD_DOMAIN_READ | LVD_DOMAIN_WRITE);
	if (ret) {
		lvd_domain_destroy(d);
		free_page(data);
		return ret;
	}
	*dp = d;
	*datap = data;
	return 0;
}

/* A fresh domain runs the scenario, then goes. */
static int lvd_test_cross_run(const char *what)
{
	unsigned long data;
	struct lvd_domain *d;
	int ret;

	ret = lvd_test_cross_domain(&d, &data);
	if (ret)
		return ret;
	lvd_test_cross_scenario(d, what, data);
	lvd_domain_destroy(d);
	free_page(data);
	return 0;
}

static ssize_t lvd_test_cross_write(struct file *file, const char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	char buf[32];
	int ret;

	ret = lvd_test_copy_word(buf, sizeof(buf), ubuf, len);
	if (ret)
		return ret;
	mutex_lock(&lvd_test_lock);
	lvd_test_cross_result[0] = '\0';
	ret = lvd_test_cross_run(buf);
	mutex_unlock(&lvd_test_lock);
	return ret ?: len;
}

static int lvd_test_cross_show(struct seq_file *m, void *unused)
{
	mutex_lock(&lvd_test_lock);
	seq_printf(m, "%s\n", lvd_test_cross_result);
	mutex_unlock(&lvd_test_lock);
	return 0;
}

LVD_TEST_RW_FILE(cross);

/**
 * lvd_test_cross_create() - the cross file
 * @dir: lvd_test_hv's debugfs directory
 */
void lvd_test_cross_create(struct dentry *dir)
{
	debugfs_create_file("cross", 0600, dir, NULL, &lvd_test_cross_fops);
}

/**
 * lvd_test_cross_exit() - free what the scenarios kept
 */
void lvd_test_cross_exit(void)
{
	if (lvd_test_untouched)
		__free_page(lvd_test_untouched);
}
