// SPDX-License-Identifier: GPL-2.0
/*
 * Test hooks for the LVD hypervisor's selftests: things only the kernel
 * can do, made available in /sys/kernel/debug/lvd_test/.
 *
 *   ping       read: every online CPU issues a ping hypercall; one line per
 *              CPU, "cpuN ok" or "cpuN FAIL <why>"
 *   hypercall  write "NR A0 A1 A2" (numbers): issue that hypercall on the
 *              writing CPU; read: "RET RBX" of the last one
 *   vmxon      read: execute VMXON in the kernel; "trap 6" when it raised
 *              #UD as it must under LVD, "ok" when it did not fault
 *   hidden     read: read and write a page of hypervisor memory with the
 *              kernel's fault-tolerant accessors; "read R write W at ADDR",
 *              R and W their results (-14, -EFAULT, when refused)
 *   oops       read: a kernel thread reads hypervisor memory with a plain
 *              load; "oopsed" when the thread died at that load, "survived"
 *              when the load completed
 *   domain     write "create": a domain with one page of RAM (read and
 *              write); "destroy": destroy it; read: "index N page PA" or
 *              "none"
 *   cross      write a scenario: a fresh domain gets the code of
 *              hooks_domain_code.S and a data page, runs the scenario, and
 *              is destroyed; read: its result (see lvd_test_scenarios[])
 *   bench      write the unit of TSC ticks ("instructions" under Bochs);
 *              read: the benchmark's figures, "lvd-bench NAME VALUE UNIT"
 *   pv         what belongs to the hypervisor below LVD (KVM): write a
 *              scenario, read its result (see lvd_test_pv_run())
 *
 * The files' code: the hypervisor's hooks here, the rest in hooks_cross.c,
 * hooks_bench.c and hooks_pv.c; hooks.h says what they share.
 */

#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched/task.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/asm.h>
#include <lvd/domain.h>
#include "hypervisor.h"
#include "tests/hooks.h"

static struct dentry *lvd_test_dir;
/* Serialises every file's reads and writes, and the state they share */
DEFINE_MUTEX(lvd_test_lock);
static struct lvd_hc_result lvd_test_last;

struct lvd_ping {
	u64 cookie;
	char result[80];
};

static void lvd_test_ping_here(void *data)
{
	struct lvd_ping *p = data;
	struct lvd_hc_result r;
	unsigned int cpu = smp_processor_id();

	if (!lvd_cpu_virtualized()) {
		snprintf(p->result, sizeof(p->result), "FAIL not in VMX non-root mode");
		return;
	}
	r = lvd_hypercall(LVD_HC_PING, p->cookie, 0, 0);
	if ((u64)r.ret != (p->cookie ^ LVD_HC_PING_MAGIC))
		snprintf(p->result, sizeof(p->result), "FAIL answer %#lx", r.ret);
	else if (r.rbx != cpu)
		snprintf(p->result, sizeof(p->result),
			 "FAIL the hypervisor says CPU %lu", r.rbx);
	else
		snprintf(p->result, sizeof(p->result), "ok");
}

static int lvd_test_ping_show(struct seq_file *m, void *unused)
{
	struct lvd_ping p;
	unsigned int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		p.cookie = get_random_u64();
		smp_call_function_single(cpu, lvd_test_ping_here, &p, 1);
		seq_printf(m, "cpu%u %s\n", cpu, p.result);
	}
	cpus_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lvd_test_ping);

static ssize_t lvd_test_hypercall_write(struct file *file, const char __user *ubuf,
					size_t len, loff_t *ppos)
{
	unsigned long nr, a0, a1, a2;
	char buf[96];

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%lu %li %li %li", &nr, &a0, &a1, &a2) != 4)
		return -EINVAL;

	mutex_lock(&lvd_test_lock);
	preempt_disable();
	if (lvd_cpu_virtualized())
		lvd_test_last = lvd_hypercall(nr, a0, a1, a2);
	else
		lvd_test_last = (struct lvd_hc_result){ .ret = -ENODEV };
	preempt_enable();
	mutex_unlock(&lvd_test_lock);
	return len;
}

static int lvd_test_hypercall_show(struct seq_file *m, void *unused)
{
	mutex_lock(&lvd_test_lock);
	seq_printf(m, "%ld %lu\n", lvd_test_last.ret, lvd_test_last.rbx);
	mutex_unlock(&lvd_test_lock);
	return 0;
}

LVD_TEST_RW_FILE(hypercall);

/* VMXON on a page of zeroes: under LVD it must exit and come back as #UD. */
static int lvd_test_vmxon_show(struct seq_file *m, void *unused)
{
	unsigned long page = get_zeroed_page(GFP_KERNEL);
	u64 pa;
	int trap;

	if (!page)
		return -ENOMEM;
	pa = __pa(page);
	asm volatile("1: vmxon %[pa]\n\t"
		     "xor %%eax, %%eax\n"
		     "2:\n\t"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : "=a" (trap) : [pa] "m" (pa) : "cc", "memory");
	free_page(page);
	if (trap)
		seq_printf(m, "trap %d\n", trap);
	else
		seq_puts(m, "ok\n");	/* LVD would have lost VMX: never expected */
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lvd_test_vmxon);

/* copy_to_kernel_nofault() is not exported: its core, for one u64. */
static long lvd_test_write_nofault(void *dst, u64 val)
{
	__put_kernel_nofault(dst, &val, u64, fault);
	return 0;
fault:
	return -EFAULT;
}

static int lvd_test_hidden_show(struct seq_file *m, void *unused)
{
	void *page = lvd_hv_hidden_page();
	u64 val = 0x4c56442d54455354ULL;	/* "LVD-TEST" */
	long rd, wr;

	if (!page)
		return -ENODEV;
	rd = copy_from_kernel_nofault(&val, page, sizeof(val));
	wr = lvd_test_write_nofault(page, val);
	seq_printf(m, "read %ld write %ld at %#lx pa %#llx\n", rd, wr,
		   (unsigned long)page, (u64)__pa(page));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lvd_test_hidden);

static bool lvd_test_oops_reached;
static u64 lvd_test_oops_value;

static int lvd_test_oops_thread(void *page)
{
	/* No fixup: under LVD this load oopses, and the thread dies here. */
	WRITE_ONCE(lvd_test_oops_value, READ_ONCE(*(u64 *)page));
	WRITE_ONCE(lvd_test_oops_reached, true);
	return 0;
}

static int lvd_test_oops_show(struct seq_file *m, void *unused)
{
	void *page = lvd_hv_hidden_page();
	struct task_struct *t;
	int i;

	if (!page)
		return -ENODEV;
	WRITE_ONCE(lvd_test_oops_reached, false);
	t = kthread_create(lvd_test_oops_thread, page, "lvd-test-oops");
	if (IS_ERR(t))
		return PTR_ERR(t);
	get_task_struct(t);
	wake_up_process(t);
	for (i = 0; i < 100 && !(READ_ONCE(t->flags) & PF_EXITING); i++)
		msleep(50);
	if (READ_ONCE(lvd_test_oops_reached))
		seq_puts(m, "survived\n");
	else if (READ_ONCE(t->flags) & PF_EXITING)
		seq_puts(m, "oopsed\n");
	else
		seq_puts(m, "stuck\n");
	put_task_struct(t);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lvd_test_oops);

static struct lvd_domain *lvd_test_domain;
static unsigned long lvd_test_domain_page;

static void lvd_test_domain_destroy(void)
{
	lvd_domain_destroy(lvd_test_domain);
	lvd_test_domain = NULL;
	free_page(lvd_test_domain_page);
	lvd_test_domain_page = 0;
}

static int lvd_test_domain_create(void)
{
	int ret;

	lvd_test_domain_page = get_zeroed_page(GFP_KERNEL);
	if (!lvd_test_domain_page)
		return -ENOMEM;
	lvd_test_domain = lvd_domain_create();
	if (IS_ERR(lvd_test_domain)) {
		ret = PTR_ERR(lvd_test_domain);
		lvd_test_domain = NULL;
		lvd_test_domain_destroy();
		return ret;
	}
	ret = lvd_domain_map(lvd_test_domain, __pa(lvd_test_domain_page),
			     PAGE_SIZE, LVD_DOMAIN_READ | LVD_DOMAIN_WRITE);
	if (ret)
		lvd_test_domain_destroy();
	return ret;
}

static ssize_t lvd_test_domain_write(struct file *file, const char __user *ubuf,
				     size_t len, loff_t *ppos)
{
	char buf[16];
	int ret = -EINVAL;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	mutex_lock(&lvd_test_lock);
	if (sysfs_streq(buf, "create") && !lvd_test_domain) {
		ret = lvd_test_domain_create();
	} else if (sysfs_streq(buf, "destroy") && lvd_test_domain) {
		lvd_test_domain_destroy();
		ret = 0;
	}
	mutex_unlock(&lvd_test_lock);
	return ret ?: len;
}

static int lvd_test_domain_show(struct seq_file *m, void *unused)
{
	mutex_lock(&lvd_test_lock);
	if (lvd_test_domain)
		seq_printf(m, "index %u page %#llx\n",
			   lvd_domain_index(lvd_test_domain),
			   (u64)__pa(lvd_test_domain_page));
	else
		seq_puts(m, "none\n");
	mutex_unlock(&lvd_test_lock);
	return 0;
}

LVD_TEST_RW_FILE(domain);

/**
 * lvd_test_copy_word() - a word written to a file, without surrounding spaces
 * @buf: where it goes
 * @size: @buf's size
 * @ubuf: what was written
 * @len: its length
 *
 * Return: 0, -EINVAL when it does not fit, or -EFAULT.
 */
int lvd_test_copy_word(char *buf, size_t size, const char __user *ubuf,
		       size_t len)
{
	char *word;

	if (len >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	word = strim(buf);
	memmove(buf, word, strlen(word) + 1);
	return 0;
}

static int __init lvd_test_init(void)
{
	lvd_test_dir = debugfs_create_dir("lvd_test", NULL);
	debugfs_create_file("ping", 0444, lvd_test_dir, NULL, &lvd_test_ping_fops);
	debugfs_create_file("hypercall", 0600, lvd_test_dir, NULL,
			    &lvd_test_hypercall_fops);
	debugfs_create_file("vmxon", 0444, lvd_test_dir, NULL, &lvd_test_vmxon_fops);
	debugfs_create_file("hidden", 0444, lvd_test_dir, NULL, &lvd_test_hidden_fops);
	debugfs_create_file("oops", 0400, lvd_test_dir, NULL, &lvd_test_oops_fops);
	debugfs_create_file("domain", 0600, lvd_test_dir, NULL, &lvd_test_domain_fops);
	lvd_test_cross_create(lvd_test_dir);
	lvd_test_bench_create(lvd_test_dir);
	lvd_test_pv_create(lvd_test_dir);
	return 0;
}
module_init(lvd_test_init);

static void __exit lvd_test_exit(void)
{
	debugfs_remove_recursive(lvd_test_dir);
	lvd_test_domain_destroy();
	lvd_test_cross_exit();
}
module_exit(lvd_test_exit);

MODULE_DESCRIPTION("Test hooks for LVD's hypervisor selftests");
MODULE_LICENSE("GPL");
/* lvd_hv_hidden_page(), lvd_kernel_image_sum() and the like */
MODULE_IMPORT_NS(LVD_TEST);
