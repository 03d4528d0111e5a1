// SPDX-License-Identifier: GPL-2.0
/*
 * Test hooks for the LVD hypervisor's selftests: things only the kernel
 * can do, made available in /sys/kernel/debug/lvd_test/.
 *
 *   ping       read: every online CPU issues a ping hypercall, with a
 *              pattern in every other register; one line per CPU,
 *              "cpuN ok" or "cpuN FAIL <why>"
 *   hypercall  write "NR A0 A1 A2" (numbers): issue that hypercall on the
 *              writing CPU; read: "RET RBX" of the last one
 *   vmxon      read: execute VMXON in the kernel; "trap 6" when it raised
 *              #UD as it must under LVD, "ok" when it did not fault
 *   xsetbv     read: on the reading CPU, XSETBV of each value in
 *              lvd_test_xcr0s[], which KVM refuses but the last (the
 *              kernel's XCR0); a line each, "NAME trap N", "NAME ok" or
 *              "NAME skip", then "xsetbvs N", how many were executed; "no
 *              xsave" when the kernel runs without
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
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>
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

/* What register N holds across the ping hypercall */
#define LVD_TEST_REG(n)		(0x4c56440000000000UL | ((n) * 0x0101010101UL))

/*
 * The ping hypercall with a pattern in every register the kernel may name
 * here, all but RSP and RBP: the return path gives back each but RAX and
 * RBX, the results, unchanged. Returns the registers that changed, bit N
 * for register N (RCX 1, RDX 2, RSI 6, ..., R15 15).
 */
static unsigned long lvd_test_ping_regs(u64 cookie, struct lvd_hc_result *r)
{
	register unsigned long r8 asm("r8") = LVD_TEST_REG(8);
	register unsigned long r9 asm("r9") = LVD_TEST_REG(9);
	register unsigned long r10 asm("r10") = LVD_TEST_REG(10);
	register unsigned long r11 asm("r11") = LVD_TEST_REG(11);
	register unsigned long r12 asm("r12") = LVD_TEST_REG(12);
	register unsigned long r13 asm("r13") = LVD_TEST_REG(13);
	register unsigned long r14 asm("r14") = LVD_TEST_REG(14);
	register unsigned long r15 asm("r15") = LVD_TEST_REG(15);
	unsigned long rax = LVD_HC_PING, rbx = cookie;
	unsigned long rcx = LVD_TEST_REG(1), rdx = LVD_TEST_REG(2);
	unsigned long rsi = LVD_TEST_REG(6), rdi = LVD_TEST_REG(7);
	unsigned long changed = 0;
	unsigned int n;

	asm volatile("vmcall"
		     : "+a" (rax), "+b" (rbx), "+c" (rcx), "+d" (rdx),
		       "+S" (rsi), "+D" (rdi), "+r" (r8), "+r" (r9),
		       "+r" (r10), "+r" (r11), "+r" (r12), "+r" (r13),
		       "+r" (r14), "+r" (r15)
		     : : "memory");
	{
		const unsigned long after[16] = {
			[1] = rcx, [2] = rdx, [6] = rsi, [7] = rdi,
			[8] = r8, [9] = r9, [10] = r10, [11] = r11,
			[12] = r12, [13] = r13, [14] = r14, [15] = r15,
		};

		for (n = 1; n < 16; n++)
			if ((n < 3 || n > 5) && after[n] != LVD_TEST_REG(n))
				changed |= BIT(n);
	}
	r->ret = rax;
	r->rbx = rbx;
	return changed;
}

static void lvd_test_ping_here(void *data)
{
	struct lvd_ping *p = data;
	struct lvd_hc_result r;
	unsigned int cpu = smp_processor_id();
	unsigned long changed;

	if (!lvd_cpu_virtualized()) {
		snprintf(p->result, sizeof(p->result), "FAIL not in VMX non-root mode");
		return;
	}
	changed = lvd_test_ping_regs(p->cookie, &r);
	if ((u64)r.ret != (p->cookie ^ LVD_HC_PING_MAGIC))
		snprintf(p->result, sizeof(p->result), "FAIL answer %#lx", r.ret);
	else if (r.rbx != cpu)
		snprintf(p->result, sizeof(p->result),
			 "FAIL the hypervisor says CPU %lu", r.rbx);
	else if (changed)
		snprintf(p->result, sizeof(p->result),
			 "FAIL registers changed: %#lx", changed);
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

/*
 * XSETBV values, each the kernel's XCR0 with bits set and cleared, that KVM
 * refuses (see lvd_xcr0_valid()); then the kernel's own, which it accepts.
 * @beyond sets what the CPU has (CPUID leaf 0xd) and the kernel did not
 * enable: where there is nothing, the value is skipped.
 */
static const struct {
	const char *name;
	u32 index;
	u64 set, clear;
	bool beyond;
} lvd_test_xcr0s[] = {
	{ "xcr1", 1, 0, 0 },
	{ "no-x87", 0, 0, XFEATURE_MASK_FP },
	{ "avx-no-sse", 0, XFEATURE_MASK_YMM, XFEATURE_MASK_SSE },
	{ "opmask-only", 0, XFEATURE_MASK_YMM | XFEATURE_MASK_OPMASK,
	  XFEATURE_MASK_ZMM_Hi256 | XFEATURE_MASK_Hi16_ZMM },
	{ "zmm-no-opmask", 0, XFEATURE_MASK_YMM | XFEATURE_MASK_ZMM_Hi256 |
	  XFEATURE_MASK_Hi16_ZMM, XFEATURE_MASK_OPMASK },
	{ "avx512-no-avx", 0, XFEATURE_MASK_AVX512, XFEATURE_MASK_YMM },
	{ "bndregs-only", 0, XFEATURE_MASK_BNDREGS, XFEATURE_MASK_BNDCSR },
	{ "bndcsr-only", 0, XFEATURE_MASK_BNDCSR, XFEATURE_MASK_BNDREGS },
	{ "tilecfg-only", 0, XFEATURE_MASK_XTILE_CFG, XFEATURE_MASK_XTILE_DATA },
	{ "tiledata-only", 0, XFEATURE_MASK_XTILE_DATA, XFEATURE_MASK_XTILE_CFG },
	{ "supervisor-pt", 0, XFEATURE_MASK_PT, 0 },
	{ "reserved-63", 0, BIT_ULL(63), 0 },
	{ "beyond-kernel", 0, 0, 0, true },
	{ "kernel", 0, 0, 0 },
};

/* XSETBV at CPL 0: 0, or the trap it raised */
static int lvd_test_xsetbv_one(u32 index, u64 value)
{
	int trap;

	asm volatile("1: xsetbv\n\t"
		     "xor %%eax, %%eax\n"
		     "2:\n\t"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : "=a" (trap)
		     : "0" ((u32)value), "d" ((u32)(value >> 32)), "c" (index)
		     : "memory");
	return trap;
}

/*
 * Each value on this CPU, with its FPU state saved and interrupts off: a
 * value that got through is undone at once, so nothing runs with it.
 */
static int lvd_test_xsetbv_show(struct seq_file *m, void *unused)
{
	u64 kernel, cpu_has, beyond, value;
	unsigned int i, n = 0, cpu, eax, ebx, ecx, edx;
	unsigned long flags;
	int trap[ARRAY_SIZE(lvd_test_xcr0s)];

	if (!boot_cpu_has(X86_FEATURE_OSXSAVE)) {
		seq_puts(m, "no xsave\n");
		return 0;
	}
	cpuid_count(XSTATE_CPUID, 0, &eax, &ebx, &ecx, &edx);
	cpu_has = ((u64)edx << 32) | eax;
	kernel_fpu_begin();
	local_irq_save(flags);
	cpu = smp_processor_id();
	kernel = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	beyond = cpu_has & ~kernel;
	for (i = 0; i < ARRAY_SIZE(lvd_test_xcr0s); i++) {
		value = (kernel | lvd_test_xcr0s[i].set) & ~lvd_test_xcr0s[i].clear;
		trap[i] = -1;
		if (lvd_test_xcr0s[i].beyond) {
			if (!beyond)
				continue;
			value |= beyond;
		}
		trap[i] = lvd_test_xsetbv_one(lvd_test_xcr0s[i].index, value);
		n++;
		if (!trap[i] && value != kernel) {
			xsetbv(XCR_XFEATURE_ENABLED_MASK, kernel);
			n++;
		}
	}
	local_irq_restore(flags);
	kernel_fpu_end();

	seq_printf(m, "cpu %u kernel %#llx cpu-has %#llx\n", cpu, kernel, cpu_has);
	for (i = 0; i < ARRAY_SIZE(lvd_test_xcr0s); i++) {
		if (trap[i] < 0)
			seq_printf(m, "%s skip\n", lvd_test_xcr0s[i].name);
		else if (trap[i])
			seq_printf(m, "%s trap %d\n", lvd_test_xcr0s[i].name, trap[i]);
		else
			seq_printf(m, "%s ok\n", lvd_test_xcr0s[i].name);
	}
	seq_printf(m, "xsetbvs %u\n", n);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lvd_test_xsetbv);

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

/* A checksum of the kernel's text and read-only data: what faults leave */
static int lvd_test_image_sum_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%016llx\n", lvd_kernel_image_sum());
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(lvd_test_image_sum);

/* Write an isolated module's name: its domain is stopped, as by a fault */
static ssize_t lvd_test_stop_module_write(struct file *file,
					  const char __user *ubuf, size_t len,
					  loff_t *ppos)
{
	char name[MODULE_NAME_LEN];
	int ret;

	ret = lvd_test_copy_word(name, sizeof(name), ubuf, len);
	if (!ret)
		ret = lvd_module_stop(name);
	return ret ?: len;
}

static const struct file_operations lvd_test_stop_module_fops = {
	.owner = THIS_MODULE,
	.write = lvd_test_stop_module_write,
};

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
	debugfs_create_file("xsetbv", 0400, lvd_test_dir, NULL, &lvd_test_xsetbv_fops);
	debugfs_create_file("hidden", 0444, lvd_test_dir, NULL, &lvd_test_hidden_fops);
	debugfs_create_file("oops", 0400, lvd_test_dir, NULL, &lvd_test_oops_fops);
	debugfs_create_file("domain", 0600, lvd_test_dir, NULL, &lvd_test_domain_fops);
	debugfs_create_file("stop_module", 0200, lvd_test_dir, NULL,
			    &lvd_test_stop_module_fops);
	debugfs_create_file("image_sum", 0400, lvd_test_dir, NULL,
			    &lvd_test_image_sum_fops);
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
