// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of LVD's test driver (include/lvd/test_driver.h): the glue
 * it may call, and /sys/kernel/debug/lvd_test_driver/act, through which the
 * selftests ask it to act, then see what became of the kernel.
 *
 * The glue is written as glue for a real driver must be: every pointer is
 * the domain's, copied out through the domain's own page tables; the
 * function pointer it registers is bound (checked to be its code) and only
 * ever called in its domain; it gets an unguessable handle, not a kernel
 * pointer; a call from inside a call into it never waits for a lock the
 * kernel holds; and the domain is looked up and called inside one section
 * of lvd_domain_calls_begin(), so that unloading the driver waits for the
 * call instead of freeing the domain under it.
 */

#define pr_fmt(fmt) "lvd_test_host: " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/processor.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <lvd/domain.h>
#include <lvd/glue.h>
#include <lvd/test_driver.h>

/**
 * struct lvd_th_driver - the registered driver
 * @d: its domain, or NULL when none is registered
 * @act: its act function, bound in @d
 * @handle: what it was given to name itself
 * @calling: the kernel is calling it now
 */
static struct lvd_th_driver {
	struct lvd_domain *d;
	struct lvd_domain_fn act;
	long handle;
	bool calling;
} lvd_th;
static DEFINE_SPINLOCK(lvd_th_lock);	/* protects lvd_th */
static DEFINE_MUTEX(lvd_th_act_lock);	/* one act at a time */

static char lvd_th_result[160];
static u64 lvd_th_canary[PAGE_SIZE / sizeof(u64)] __aligned(PAGE_SIZE);
static u8 lvd_th_tables[PAGE_SIZE] __aligned(PAGE_SIZE);

/* Glue: register ops; only one driver at a time, never from inside a call */
static unsigned long lvd_th_register(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS])
{
	struct lvd_test_driver_ops ops;
	struct lvd_domain_fn act;
	long ret;

	if (lvd_domain_copy_from(d, &ops, args[0], sizeof(ops)))
		return -EFAULT;
	if (lvd_domain_fn_bind(&act, d, (unsigned long)ops.act))
		return -EINVAL;
	spin_lock(&lvd_th_lock);
	if (lvd_th.calling) {
		ret = -EBUSY;
	} else if (lvd_th.d) {
		ret = -EEXIST;
	} else {
		lvd_th.d = d;
		lvd_th.act = act;
		lvd_th.handle = (get_random_u32() >> 1) | 1;
		ret = lvd_th.handle;
	}
	spin_unlock(&lvd_th_lock);
	return ret;
}

/* Is @handle the registered driver's, and @d its domain? */
static bool lvd_th_valid(struct lvd_domain *d, long handle)
{
	bool ok;

	spin_lock(&lvd_th_lock);
	ok = lvd_th.d == d && lvd_th.handle == handle;
	spin_unlock(&lvd_th_lock);
	return ok;
}

/* Glue: unregister, by handle */
static unsigned long lvd_th_unregister(struct lvd_domain *d,
				       const unsigned long args[LVD_DOMAIN_ARGS])
{
	long ret = -EINVAL;

	spin_lock(&lvd_th_lock);
	if (lvd_th.d == d && lvd_th.handle == (long)args[0]) {
		lvd_th.d = NULL;
		lvd_th.handle = 0;
		ret = 0;
	}
	spin_unlock(&lvd_th_lock);
	return ret;
}

/* Glue: the sum of the bytes of the driver's buffer, up to 4 KiB */
static unsigned long lvd_th_sum(struct lvd_domain *d,
				const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long sum = 0, len = args[2], src = args[1], n, i;
	u8 piece[64];

	if (!lvd_th_valid(d, args[0]))
		return -EINVAL;
	if (len > PAGE_SIZE)
		return -E2BIG;
	for (; len; len -= n, src += n) {
		n = min(len, sizeof(piece));
		if (lvd_domain_copy_from(d, piece, src, n))
			return -EFAULT;
		for (i = 0; i < n; i++)
			sum += piece[i];
	}
	return sum;
}

/* The registered driver's act function, if @d is its domain */
static int lvd_th_bound_act(struct lvd_domain *d, long handle,
			    struct lvd_domain_fn *act)
{
	int ret = -EINVAL;

	spin_lock(&lvd_th_lock);
	if (lvd_th.d == d && lvd_th.handle == handle) {
		*act = lvd_th.act;
		ret = 0;
	}
	spin_unlock(&lvd_th_lock);
	return ret;
}

/*
 * Glue: the kernel calls the driver back with LVD_TEST_ACT_RECURSE and
 * @depth, which may call here again: a recursion through the kernel that
 * only the domain decides to end. We are inside the call that brought us
 * here, so the domain stays alive.
 */
static unsigned long lvd_th_call_back(struct lvd_domain *d,
				      const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long call[LVD_DOMAIN_ARGS] = { LVD_TEST_ACT_RECURSE, args[1] };
	struct lvd_domain_fn act;
	unsigned long ret;
	int err;

	if (lvd_th_bound_act(d, args[0], &act))
		return -EINVAL;
	err = lvd_domain_fn_call(&act, call, &ret);
	return err ?: ret;
}

/*
 * The same symbols for the driver built without isolation, which calls
 * them directly: it works only isolated. They also give modpost the
 * symbols an isolated build imports, and modprobe the dependency.
 */

/**
 * lvd_test_driver_register() - the test driver's registration, unisolated
 * @ops: its ops
 *
 * Return: -EOPNOTSUPP: the test driver runs only isolated.
 */
long lvd_test_driver_register(const struct lvd_test_driver_ops *ops)
{
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_GPL(lvd_test_driver_register);

/**
 * lvd_test_driver_unregister() - the test driver's unregistration, unisolated
 * @handle: what registration returned
 *
 * Return: -EOPNOTSUPP: the test driver runs only isolated.
 */
long lvd_test_driver_unregister(long handle)
{
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_GPL(lvd_test_driver_unregister);

/**
 * lvd_test_driver_call_back() - the test driver's recursion, unisolated
 * @handle: what registration returned
 * @depth: how deep it is
 *
 * Return: -EOPNOTSUPP: the test driver runs only isolated.
 */
long lvd_test_driver_call_back(long handle, unsigned long depth)
{
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_GPL(lvd_test_driver_call_back);

/**
 * lvd_test_driver_sum() - the test driver's buffer sum, unisolated
 * @handle: what registration returned
 * @buf: the buffer
 * @len: its length
 *
 * Return: -EOPNOTSUPP: the test driver runs only isolated.
 */
long lvd_test_driver_sum(long handle, const void *buf, unsigned long len)
{
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_GPL(lvd_test_driver_sum);

static const struct lvd_glue lvd_th_glue[] = {
	{ "lvd_test_driver_register", lvd_th_register },
	{ "lvd_test_driver_unregister", lvd_th_unregister },
	{ "lvd_test_driver_sum", lvd_th_sum },
	{ "lvd_test_driver_call_back", lvd_th_call_back },
};

/* The driver's domain goes away: forget it, registered or not */
static void lvd_th_release(struct lvd_domain *d)
{
	spin_lock(&lvd_th_lock);
	if (lvd_th.d == d) {
		lvd_th.d = NULL;
		lvd_th.handle = 0;
	}
	spin_unlock(&lvd_th_lock);
}

static struct lvd_glue_set lvd_th_glue_set = {
	.owner = THIS_MODULE,
	.glue = lvd_th_glue,
	.n = ARRAY_SIZE(lvd_th_glue),
	.release = lvd_th_release,
};

/*
 * The calling task's I/O ports are in this CPU's TSS only until the task
 * is switched out (and back on its way to user space): say when an OUT is
 * asked for while they are there, for the test to know it tried. The act
 * takes the short way (no checksum of the kernel first), which leaves the
 * task little time to be switched out.
 */
static void lvd_th_note_ports(unsigned long act)
{
	if (act == LVD_TEST_ACT_OUT_PORT &&
	    this_cpu_read(cpu_tss_rw.x86_tss.io_bitmap_base) !=
	    IO_BITMAP_OFFSET_INVALID)
		pr_info("out-port while the calling task has its I/O ports in the TSS\n");
}

/*
 * Call the registered driver's act function, in its domain, and say
 * whether the domain is stopped (@fault's vector, else -1). The lookup,
 * the call and the look at the domain are one section: an rmmod of the
 * driver waits for it.
 */
static int lvd_th_call(unsigned long act, unsigned long arg, long *ret,
		       struct lvd_domain_fault *fault)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { act, arg }, r = 0;
	struct lvd_domain_fn fn;
	struct lvd_domain *d;
	int err = -ENOENT, idx;

	fault->vector = -1;
	idx = lvd_domain_calls_begin();
	spin_lock(&lvd_th_lock);
	fn = lvd_th.act;
	d = lvd_th.d;
	lvd_th.calling = !!d;
	spin_unlock(&lvd_th_lock);
	if (d) {
		/* As a task preempted here would: the driver may go meanwhile */
		if (act == LVD_TEST_ACT_SLOW_PING)
			msleep(1000);
		/* The ports noted are those of the CPU the call runs on. */
		if (act == LVD_TEST_ACT_OUT_PORT)
			preempt_disable();
		lvd_th_note_ports(act);
		err = lvd_domain_fn_call(&fn, args, &r);
		if (act == LVD_TEST_ACT_OUT_PORT)
			preempt_enable();
		lvd_domain_stopped(d, fault);
		spin_lock(&lvd_th_lock);
		lvd_th.calling = false;
		spin_unlock(&lvd_th_lock);
	}
	lvd_domain_calls_end(idx);
	*ret = r;
	return err;
}

static const char * const lvd_th_acts[LVD_TEST_NR_ACTS] = {
	[LVD_TEST_ACT_PING] = "ping",
	[LVD_TEST_ACT_SUM] = "sum",
	[LVD_TEST_ACT_PRINT] = "print",
	[LVD_TEST_ACT_ALLOC] = "alloc",
	[LVD_TEST_ACT_HEAP_FULL] = "heap-full",
	[LVD_TEST_ACT_BAD_FREE] = "bad-free",
	[LVD_TEST_ACT_REENTER] = "reenter",
	[LVD_TEST_ACT_STALE_HANDLE] = "stale-handle",
	[LVD_TEST_ACT_FORGED_HANDLE] = "forged-handle",
	[LVD_TEST_ACT_FORGED_OPS] = "forged-ops",
	[LVD_TEST_ACT_SUM_KERNEL] = "sum-kernel",
	[LVD_TEST_ACT_SLOW_PING] = "slow-ping",
	[LVD_TEST_ACT_PRINT_WIDE] = "print-wide",
	[LVD_TEST_ACT_RDTSC] = "rdtsc",
	[LVD_TEST_ACT_SLEEP] = "sleep",
	[LVD_TEST_ACT_DELAY] = "delay",
	[LVD_TEST_ACT_CPUS] = "cpus",
	[LVD_TEST_ACT_SUM_LARGE] = "sum-large",
	[LVD_TEST_ACT_OUT_PORT] = "out-port",
	[LVD_TEST_ACT_READ_KERNEL] = "read-kernel",
	[LVD_TEST_ACT_WRITE_KERNEL] = "write-kernel",
	[LVD_TEST_ACT_WRITE_TEXT] = "write-text",
	[LVD_TEST_ACT_WRITE_RODATA] = "write-rodata",
	[LVD_TEST_ACT_WRITE_GLUE] = "write-glue",
	[LVD_TEST_ACT_WRITE_MODULE] = "write-module",
	[LVD_TEST_ACT_EXEC_DATA] = "exec-data",
	[LVD_TEST_ACT_EXEC_KERNEL] = "exec-kernel",
	[LVD_TEST_ACT_UD2] = "ud2",
	[LVD_TEST_ACT_HLT] = "hlt",
	[LVD_TEST_ACT_CLI] = "cli",
	[LVD_TEST_ACT_WRITE_CR3] = "write-cr3",
	[LVD_TEST_ACT_WRMSR] = "wrmsr",
	[LVD_TEST_ACT_LIDT] = "lidt",
	[LVD_TEST_ACT_MOV_DR7] = "mov-dr7",
	[LVD_TEST_ACT_XSETBV] = "xsetbv",
	[LVD_TEST_ACT_WBINVD] = "wbinvd",
	[LVD_TEST_ACT_OUTB] = "outb",
	[LVD_TEST_ACT_VMCALL] = "vmcall",
	[LVD_TEST_ACT_SYSCALL] = "syscall",
	[LVD_TEST_ACT_INT3] = "int3",
	[LVD_TEST_ACT_SSE] = "sse",
	[LVD_TEST_ACT_STACK_OVERFLOW] = "stack-overflow",
	[LVD_TEST_ACT_VMFUNC_KERNEL] = "vmfunc-kernel",
	[LVD_TEST_ACT_VMFUNC_OTHER] = "vmfunc-other",
	[LVD_TEST_ACT_BAD_KCALL] = "bad-kcall",
	[LVD_TEST_ACT_BAD_STACK] = "bad-stack",
	[LVD_TEST_ACT_HEAP_OVERFLOW] = "heap-overflow",
	[LVD_TEST_ACT_DIV0] = "div0",
	[LVD_TEST_ACT_SPIN] = "spin",
	[LVD_TEST_ACT_KCALL_LOOP] = "kcall-loop",
	[LVD_TEST_ACT_RECURSE] = "recurse",
	[LVD_TEST_ACT_SGDT] = "sgdt",
	[LVD_TEST_ACT_SIDT] = "sidt",
	[LVD_TEST_ACT_STR] = "str",
	[LVD_TEST_ACT_SMSW] = "smsw",
	[LVD_TEST_ACT_NET_MISUSE] = "net-misuse",
	[LVD_TEST_ACT_NET_RTNL_HOLD] = "net-rtnl-hold",
	[LVD_TEST_ACT_NET_RTNL_TWICE] = "net-rtnl-twice",
};

/* The argument of an act: kernel memory for the attacks that need some */
static unsigned long lvd_th_arg(unsigned int act, unsigned long given)
{
	switch (act) {
	case LVD_TEST_ACT_READ_KERNEL:
	case LVD_TEST_ACT_WRITE_KERNEL:
	case LVD_TEST_ACT_VMFUNC_KERNEL:
	case LVD_TEST_ACT_SUM_KERNEL:
	case LVD_TEST_ACT_BAD_FREE:
	case LVD_TEST_ACT_NET_MISUSE:
		return (unsigned long)lvd_th_canary;
	case LVD_TEST_ACT_EXEC_KERNEL:
	case LVD_TEST_ACT_FORGED_OPS:
		return (unsigned long)lvd_domain_call;
	case LVD_TEST_ACT_WRITE_CR3:
		return __pa(lvd_th_tables);
	case LVD_TEST_ACT_BAD_STACK:
		return (unsigned long)lvd_th_result + 128;
	default:
		return given;
	}
}

static void lvd_th_canary_fill(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_th_canary); i++)
		lvd_th_canary[i] = 0x1d0c0ffee0000000ULL + i;
}

static bool lvd_th_canary_intact(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_th_canary); i++)
		if (lvd_th_canary[i] != 0x1d0c0ffee0000000ULL + i)
			return false;
	return true;
}

/*
 * An act that must stop the domain: what it was stopped for, the result
 * of the next call, and whether the kernel's text, read-only data and a
 * canary page are what they were.
 */
static void lvd_th_attack(unsigned int act, unsigned long arg)
{
	u64 sum = lvd_kernel_image_sum();
	struct lvd_domain_fault fault = { }, next_fault;
	long ret, next_ret;
	int err, next;

	lvd_th_canary_fill();
	err = lvd_th_call(act, arg, &ret, &fault);
	if (err == -ENOENT) {
		snprintf(lvd_th_result, sizeof(lvd_th_result), "no driver");
		return;
	}
	next = lvd_th_call(LVD_TEST_ACT_PING, 0, &next_ret, &next_fault);
	snprintf(lvd_th_result, sizeof(lvd_th_result),
		 "err %d vector %d cpl %u then %d kernel %s canary %s data %s ret %#lx",
		 err, (int)fault.vector, fault.cpl, next,
		 lvd_kernel_image_sum() == sum ? "same" : "changed",
		 lvd_th_canary_intact() ? "intact" : "changed",
		 lvd_kernel_data_intact() ? "intact" : "changed", ret);
}

/* Another domain, whose index the driver may try to VMFUNC to */
static void lvd_th_vmfunc_other(void)
{
	struct lvd_domain *other = lvd_domain_create();

	if (IS_ERR(other)) {
		snprintf(lvd_th_result, sizeof(lvd_th_result), "err %ld",
			 PTR_ERR(other));
		return;
	}
	lvd_th_attack(LVD_TEST_ACT_VMFUNC_OTHER, lvd_domain_index(other));
	lvd_domain_destroy(other);
}

static void lvd_th_act(unsigned int act, unsigned long arg)
{
	struct lvd_domain_fault fault;
	long ret = 0;
	int err;

	arg = lvd_th_arg(act, arg);
	if (act == LVD_TEST_ACT_VMFUNC_OTHER) {
		lvd_th_vmfunc_other();
	} else if (act >= LVD_TEST_ACT_FIRST_STOP) {
		lvd_th_attack(act, arg);
	} else {
		lvd_th_canary_fill();
		err = lvd_th_call(act, arg, &ret, &fault);
		snprintf(lvd_th_result, sizeof(lvd_th_result),
			 "err %d ret %ld canary %s", err, ret,
			 lvd_th_canary_intact() ? "intact" : "changed");
	}
}

static ssize_t lvd_th_act_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char buf[64], name[32];
	unsigned long arg = 0;
	unsigned int act;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (sscanf(buf, "%31s %lu", name, &arg) < 1)
		return -EINVAL;
	for (act = 0; act < LVD_TEST_NR_ACTS; act++)
		if (!strcmp(name, lvd_th_acts[act]))
			break;
	if (act == LVD_TEST_NR_ACTS)
		return -EINVAL;
	mutex_lock(&lvd_th_act_lock);
	lvd_th_act(act, arg);
	mutex_unlock(&lvd_th_act_lock);
	return len;
}

static int lvd_th_act_show(struct seq_file *m, void *unused)
{
	mutex_lock(&lvd_th_act_lock);
	seq_printf(m, "%s\n", lvd_th_result);
	mutex_unlock(&lvd_th_act_lock);
	return 0;
}

static int lvd_th_act_open(struct inode *inode, struct file *file)
{
	return single_open(file, lvd_th_act_show, NULL);
}

static const struct file_operations lvd_th_act_fops = {
	.owner = THIS_MODULE,
	.open = lvd_th_act_open,
	.read = seq_read,
	.write = lvd_th_act_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/*
 * Where the canary page is, and whether it is intact, without refilling
 * it: for a test that forges a pointer to kernel data for the loader.
 */
static int lvd_th_canary_show(struct seq_file *m, void *unused)
{
	mutex_lock(&lvd_th_act_lock);
	seq_printf(m, "%#lx %s\n", (unsigned long)lvd_th_canary,
		   lvd_th_canary_intact() ? "intact" : "changed");
	mutex_unlock(&lvd_th_act_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lvd_th_canary);

static struct dentry *lvd_th_dir;

static int __init lvd_th_init(void)
{
	int err = lvd_glue_register(&lvd_th_glue_set);

	if (err)
		return err;
	lvd_th_dir = debugfs_create_dir("lvd_test_driver", NULL);
	debugfs_create_file("act", 0600, lvd_th_dir, NULL, &lvd_th_act_fops);
	debugfs_create_file("canary", 0400, lvd_th_dir, NULL,
			    &lvd_th_canary_fops);
	lvd_th_canary_fill();
	return 0;
}
module_init(lvd_th_init);

static void __exit lvd_th_exit(void)
{
	debugfs_remove_recursive(lvd_th_dir);
	lvd_glue_unregister(&lvd_th_glue_set);
}
module_exit(lvd_th_exit);

MODULE_DESCRIPTION("LVD test driver's kernel side: its glue, and acts on request");
MODULE_LICENSE("GPL");
/* lvd_kernel_image_sum(), lvd_kernel_data_intact() */
MODULE_IMPORT_NS(LVD_TEST);
