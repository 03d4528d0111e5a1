// SPDX-License-Identifier: GPL-2.0
/*
 * lvd_test_hv's bench file, the benchmark (make bench): TSC ticks per
 * operation, which Bochs with clock sync=none turns into emulated
 * instructions; the unit is written to the bench file first. One
 * "lvd-bench NAME VALUE UNIT" line per figure.
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/irq_work.h>
#include <linux/irqflags.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/tsc.h>
#include <lvd/domain.h>
#include "hypervisor.h"
#include "domain/cross.h"
#include "root/vcpu.h"
#include "tests/hooks.h"

#define LVD_BENCH_CALLS		10000
#define LVD_BENCH_EXIT_CALLS	100000

static char lvd_bench_unit[16] = "cycles";
static char lvd_bench_out[1024];

static noinline void lvd_bench_nop(void)
{
	barrier();
}

typedef void (*lvd_bench_fn)(void);
static lvd_bench_fn lvd_bench_target = lvd_bench_nop;

/* TSC ticks of @n null calls into the domain, interrupts off */
static u64 lvd_bench_round_trips(struct lvd_domain *d, unsigned int n)
{
	unsigned long flags, ret;
	unsigned int i;
	u64 t;

	local_irq_save(flags);
	t = rdtsc_ordered();
	for (i = 0; i < n; i++)
		lvd_domain_call(d, (unsigned long)lvd_test_dom_null, NULL, &ret);
	t = rdtsc_ordered() - t;
	local_irq_restore(flags);
	return t;
}

/* Ticks of one call in which the domain makes @n kernel calls */
static u64 lvd_bench_kcalls(struct lvd_domain *d, unsigned int n)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { n, LVD_TEST_KCALL_NULL };
	unsigned long flags, ret;
	u64 t;

	local_irq_save(flags);
	t = rdtsc_ordered();
	lvd_domain_call(d, (unsigned long)lvd_test_dom_kcalls, args, &ret);
	t = rdtsc_ordered() - t;
	local_irq_restore(flags);
	return t;
}

static u64 lvd_bench_indirect(unsigned int n)
{
	lvd_bench_fn fn = READ_ONCE(lvd_bench_target);
	unsigned long flags;
	unsigned int i;
	u64 t;

	local_irq_save(flags);
	t = rdtsc_ordered();
	for (i = 0; i < n; i++)
		fn();
	t = rdtsc_ordered() - t;
	local_irq_restore(flags);
	return t;
}

/* VM exits per million round trips, interrupts on; -1 when unreadable */
static long long lvd_bench_exits(struct lvd_domain *d, unsigned int n)
{
	struct lvd_exit_stats *s = kzalloc(sizeof(*s), GFP_KERNEL);
	unsigned long ret;
	unsigned int i;
	u64 start, exits;

	if (!s)
		return -1;
	/* The watchdog's timer, which the calls above may have armed, fires. */
	msleep(150);
	preempt_disable();
	start = lvd_test_exits_start(s);
	for (i = 0; i < n; i++)
		lvd_domain_call(d, (unsigned long)lvd_test_dom_null, NULL, &ret);
	exits = lvd_test_exits_here(s) - start;
	preempt_enable();
	kfree(s);
	return div64_u64(exits * 1000000, n);
}

/*
 * Calls made where they may sleep (on the task's stack in the domain),
 * interrupts on: the fastest of LVD_BENCH_BATCHES batches, which leaves
 * out the batches an interrupt came in. With @kcalls, one call that makes
 * @n kernel calls that may sleep; else @n round trips.
 */
#define LVD_BENCH_BATCHES	10
#define LVD_BENCH_BATCH		1000

static u64 lvd_bench_task(struct lvd_domain *d, bool kcalls)
{
	unsigned long args[LVD_DOMAIN_ARGS] = {
		LVD_BENCH_BATCH, LVD_TEST_KCALL_NULL_MAY_SLEEP,
	}, ret;
	u64 t, best = U64_MAX;
	unsigned int b, i;

	for (b = 0; b < LVD_BENCH_BATCHES; b++) {
		t = rdtsc_ordered();
		if (kcalls)
			lvd_domain_call(d, (unsigned long)lvd_test_dom_kcalls,
					args, &ret);
		for (i = 0; !kcalls && i < LVD_BENCH_BATCH; i++)
			lvd_domain_call(d, (unsigned long)lvd_test_dom_null,
					NULL, &ret);
		best = min(best, rdtsc_ordered() - t);
	}
	return div64_u64(best, LVD_BENCH_BATCH);
}

static struct {
	struct irq_work work;
	struct lvd_domain *d;
	u64 ticks;
} lvd_bench_irq;

/* In a hard interrupt: LVD_BENCH_BATCH round trips */
static void lvd_bench_irq_fn(struct irq_work *work)
{
	unsigned long ret;
	unsigned int i;
	u64 t = rdtsc_ordered();

	for (i = 0; i < LVD_BENCH_BATCH; i++)
		lvd_domain_call(lvd_bench_irq.d, (unsigned long)lvd_test_dom_null,
				NULL, &ret);
	lvd_bench_irq.ticks = rdtsc_ordered() - t;
}

static u64 lvd_bench_from_irq(struct lvd_domain *d)
{
	lvd_bench_irq.d = d;
	lvd_bench_irq.work = IRQ_WORK_INIT_HARD(lvd_bench_irq_fn);
	preempt_disable();
	irq_work_queue(&lvd_bench_irq.work);
	preempt_enable();
	irq_work_sync(&lvd_bench_irq.work);
	return div64_u64(lvd_bench_irq.ticks, LVD_BENCH_BATCH);
}

/* The figures of calls that may sleep and of calls from interrupts */
static size_t lvd_bench_run_contexts(struct lvd_domain *d, size_t len)
{
	const char *u = lvd_bench_unit;
	u64 rt = lvd_bench_task(d, false), kc = lvd_bench_task(d, true);

	return len + scnprintf(lvd_bench_out + len, sizeof(lvd_bench_out) - len,
			       "lvd-bench task_kernel_domain_kernel_null %llu %s\n"
			       "lvd-bench task_domain_kernel_may_sleep_domain_null %llu %s\n"
			       "lvd-bench irq_kernel_domain_kernel_null %llu %s\n",
			       rt, u, kc > rt / LVD_BENCH_BATCH ?
			       kc - rt / LVD_BENCH_BATCH : 0, u,
			       lvd_bench_from_irq(d), u);
}

static void lvd_bench_run(struct lvd_domain *d)
{
	const char *u = lvd_bench_unit;
	u64 rt, kc, ind, v;
	size_t len = 0;

	lvd_bench_round_trips(d, 100);		/* warm the caches and TLB */
	preempt_disable();
	v = lvd_cross_vmfuncs();
	rt = lvd_bench_round_trips(d, LVD_BENCH_CALLS);
	v = lvd_cross_vmfuncs() - v;
	kc = lvd_bench_kcalls(d, LVD_BENCH_CALLS);
	ind = lvd_bench_indirect(LVD_BENCH_CALLS);
	preempt_enable();
	rt = div64_u64(rt, LVD_BENCH_CALLS);
	/* the domain's kernel calls, less the one call around them */
	kc = div64_u64(kc > rt ? kc - rt : 0, LVD_BENCH_CALLS);
	len += scnprintf(lvd_bench_out + len, sizeof(lvd_bench_out) - len,
			 "lvd-bench kernel_domain_kernel_null %llu %s\n"
			 "lvd-bench domain_kernel_domain_null %llu %s\n"
			 "lvd-bench indirect_call %llu %s\n"
			 "lvd-bench vmfuncs_per_round_trip %llu.%02llu vmfuncs\n",
			 rt, u, kc, u, div64_u64(ind, LVD_BENCH_CALLS), u,
			 div64_u64(v, LVD_BENCH_CALLS),
			 div64_u64(v * 100, LVD_BENCH_CALLS) % 100);
	len = lvd_bench_run_contexts(d, len);
	scnprintf(lvd_bench_out + len, sizeof(lvd_bench_out) - len,
		  "lvd-bench vm_exits_per_million_round_trips %lld exits\n",
		  lvd_bench_exits(d, LVD_BENCH_EXIT_CALLS));
}

/* Write the unit ("instructions" or "cycles"); read the figures. */
static ssize_t lvd_test_bench_write(struct file *file, const char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	unsigned long data;
	struct lvd_domain *d;
	char buf[16];
	int ret;

	ret = lvd_test_copy_word(buf, sizeof(buf), ubuf, len);
	if (ret)
		return ret;
	mutex_lock(&lvd_test_lock);
	strscpy(lvd_bench_unit, buf, sizeof(lvd_bench_unit));
	lvd_bench_out[0] = '\0';
	ret = lvd_test_cross_domain(&d, &data);
	if (!ret) {
		lvd_bench_run(d);
		lvd_domain_destroy(d);
		free_page(data);
	}
	mutex_unlock(&lvd_test_lock);
	return ret ?: len;
}

static int lvd_test_bench_show(struct seq_file *m, void *unused)
{
	mutex_lock(&lvd_test_lock);
	seq_puts(m, lvd_bench_out);
	mutex_unlock(&lvd_test_lock);
	return 0;
}

LVD_TEST_RW_FILE(bench);

/* The VMFUNCs of every CPU's crossings, for benchmarks in user space */
static int lvd_test_vmfuncs_get(void *data, u64 *val)
{
	*val = lvd_cross_vmfuncs_all();
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(lvd_test_vmfuncs_fops, lvd_test_vmfuncs_get, NULL,
			 "%llu\n");

/* The bytes the kernel copied into domains and out of them, every CPU's */
static int lvd_test_copied_to_get(void *data, u64 *val)
{
	*val = lvd_domain_copied_all(true);
	return 0;
}

static int lvd_test_copied_from_get(void *data, u64 *val)
{
	*val = lvd_domain_copied_all(false);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(lvd_test_copied_to_fops, lvd_test_copied_to_get,
			 NULL, "%llu\n");
DEFINE_DEBUGFS_ATTRIBUTE(lvd_test_copied_from_fops, lvd_test_copied_from_get,
			 NULL, "%llu\n");

/**
 * lvd_test_bench_create() - the bench, vmfuncs and bytes-copied files
 * @dir: lvd_test_hv's debugfs directory
 */
void lvd_test_bench_create(struct dentry *dir)
{
	debugfs_create_file("bench", 0600, dir, NULL, &lvd_test_bench_fops);
	debugfs_create_file_unsafe("vmfuncs", 0400, dir, NULL,
				   &lvd_test_vmfuncs_fops);
	debugfs_create_file_unsafe("copied_to_domains", 0400, dir, NULL,
				   &lvd_test_copied_to_fops);
	debugfs_create_file_unsafe("copied_from_domains", 0400, dir, NULL,
				   &lvd_test_copied_from_fops);
}
