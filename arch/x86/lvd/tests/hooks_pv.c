// SPDX-License-Identifier: GPL-2.0
/*
 * lvd_test_hv's pv file: the paravirtual interfaces of the hypervisor below
 * LVD (KVM), which the kernel keeps using under LVD. Scenarios written to
 * the file:
 *
 *   vmcall NR    the kernel executes VMCALL with RAX = NR (RBX..RSI 0):
 *                "ret R" (what came back in RAX) or "trap V" (it faulted)
 *   cpuid-junk   CPUID leaf 1 with junk in RAX[63:32] on every CPU:
 *                "vmx N" CPUs that showed VMX
 *   msr          KVM's PV EOI MSR: "read R rewrite W reserved E hidden H",
 *                R 1 when it reads as enabled, W, E and H the results
 *                (0 or -EIO) of writing it back, with a reserved bit, and
 *                naming hypervisor memory; "none" without KVM's PV EOI
 *   clock N      N rounds of ktime_get() on one CPU, on another through an
 *                IPI, and again here, from every CPU: "clock R backwards B"
 *   ipis N       N times an IPI function call to every other CPU: "ipis
 *                sent S received R" (R must be S times the other CPUs)
 *   spinlock N   every CPU takes one spinlock N times and holds it for 100
 *                ms, longer than a paravirtual waiter spins before it
 *                halts for a kick: "spinlock cpus C total T" (T = C * N),
 *                or "stuck" when it did not finish in 60 s
 */

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/kvm_para.h>
#include <linux/module.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <asm/asm.h>
#include <asm/cpuid.h>
#include <asm/msr.h>
#include "hypervisor.h"
#include "tests/hooks.h"

static char lvd_test_pv_result[128];

/* VMCALL with RAX = @nr: 0 and RAX in *@ret, or the trap number. */
static int lvd_test_pv_vmcall(unsigned long nr, unsigned long *ret)
{
	unsigned long rax = nr, rbx = 0, rcx = 0, rsi = 0, faulted = 1;

	asm volatile("1: vmcall\n\t"
		     "xor %k[faulted], %k[faulted]\n"
		     "2:\n\t"
		     _ASM_EXTABLE_FAULT(1b, 2b)
		     : "+a" (rax), "+b" (rbx), "+c" (rcx), "+S" (rsi),
		       [faulted] "+d" (faulted)
		     : : "memory");
	*ret = rax;
	return faulted ? rax : 0;	/* the fixup put the trap number in RAX */
}

/* CPUID leaf 1 with junk in RAX[63:32]: CPUID reads EAX only. */
static void lvd_test_cpuid_junk(void *vmx)
{
	u64 rax = 0xdeadbeef00000001ULL, rbx, rcx = 0, rdx;

	asm volatile("cpuid"
		     : "+a" (rax), "=b" (rbx), "+c" (rcx), "=d" (rdx));
	if (rcx & BIT(5))
		atomic_inc(vmx);
}

static void lvd_test_pv_msr(char *out, size_t size)
{
	int rd, rewrite, reserved, hidden;
	unsigned long flags;
	u32 kvm = 0;
	u64 val;

	if (boot_cpu_has(X86_FEATURE_HYPERVISOR))
		kvm = hypervisor_cpuid_base(KVM_SIGNATURE, 0);
	if (!kvm || !(cpuid_eax(kvm | KVM_CPUID_FEATURES) & BIT(KVM_FEATURE_PV_EOI))) {
		snprintf(out, size, "none");
		return;
	}
	local_irq_save(flags);
	rd = rdmsrl_safe(MSR_KVM_PV_EOI_EN, &val);
	rewrite = wrmsrl_safe(MSR_KVM_PV_EOI_EN, val);
	/* Not 4-byte aligned: KVM refuses it with #GP */
	reserved = wrmsrl_safe(MSR_KVM_PV_EOI_EN, val | 2);
	hidden = wrmsrl_safe(MSR_KVM_PV_EOI_EN,
			     __pa(lvd_hv_hidden_page()) | KVM_PV_EOI_ENABLED);
	/* Whatever happened, the kernel's own setting again */
	wrmsrl_safe(MSR_KVM_PV_EOI_EN, val);
	local_irq_restore(flags);
	snprintf(out, size, "read %d rewrite %d reserved %d hidden %d",
		 !rd && (val & KVM_PV_EOI_ENABLED), rewrite, reserved, hidden);
}

static void lvd_test_clock_here(void *t)
{
	*(u64 *)t = ktime_get_ns();
}

struct lvd_test_clock {
	unsigned int rounds, backwards;
};

/* On one CPU: its clock, another CPU's, its own again, in that order. */
static long lvd_test_clock_from(void *arg)
{
	struct lvd_test_clock *c = arg;
	unsigned int i, other;
	u64 t0, t1, t2;

	for (i = 0; i < c->rounds; i++) {
		for_each_online_cpu(other) {
			if (other == raw_smp_processor_id())
				continue;
			t0 = ktime_get_ns();
			smp_call_function_single(other, lvd_test_clock_here, &t1, 1);
			t2 = ktime_get_ns();
			if (t1 < t0 || t2 < t1)
				c->backwards++;
		}
	}
	return 0;
}

static void lvd_test_ipi_here(void *count)
{
	atomic_inc(count);
}

struct lvd_test_spin {
	spinlock_t lock;	/* what every CPU's thread takes in turn */
	unsigned int rounds, total;
	atomic_t done;
	struct completion all_done;
};

static int lvd_test_spin_cpu(void *arg)
{
	struct lvd_test_spin *s = arg;
	unsigned int i;

	for (i = 0; i < s->rounds; i++) {
		spin_lock(&s->lock);
		s->total++;
		mdelay(100);
		spin_unlock(&s->lock);
	}
	if (atomic_dec_and_test(&s->done))
		complete(&s->all_done);
	return 0;
}

static void lvd_test_spinlock(unsigned int rounds, char *out, size_t size)
{
	/* Static: a thread that never finishes still has its lock. */
	static struct lvd_test_spin s;
	struct task_struct *t;
	unsigned int cpu, cpus = 0;

	spin_lock_init(&s.lock);
	s.rounds = rounds;
	s.total = 0;
	init_completion(&s.all_done);
	cpus_read_lock();
	atomic_set(&s.done, num_online_cpus());
	for_each_online_cpu(cpu) {
		t = kthread_create(lvd_test_spin_cpu, &s, "lvd-spin/%u", cpu);
		if (IS_ERR(t)) {
			atomic_dec(&s.done);
			continue;
		}
		kthread_bind(t, cpu);
		wake_up_process(t);
		cpus++;
	}
	cpus_read_unlock();
	if (!wait_for_completion_timeout(&s.all_done, 60 * HZ))
		snprintf(out, size, "stuck");
	else
		snprintf(out, size, "spinlock cpus %u total %u", cpus, s.total);
}

static int lvd_test_pv_run(const char *what)
{
	char *out = lvd_test_pv_result;
	size_t size = sizeof(lvd_test_pv_result);
	unsigned long nr, ret;
	unsigned int n, cpu;
	atomic_t count;
	int trap;

	if (sscanf(what, "vmcall %li", &nr) == 1) {
		preempt_disable();
		trap = lvd_test_pv_vmcall(nr, &ret);
		preempt_enable();
		if (trap)
			snprintf(out, size, "trap %d", trap);
		else
			snprintf(out, size, "ret %ld", (long)ret);
	} else if (!strcmp(what, "cpuid-junk")) {
		atomic_set(&count, 0);
		on_each_cpu(lvd_test_cpuid_junk, &count, 1);
		snprintf(out, size, "vmx %d", atomic_read(&count));
	} else if (!strcmp(what, "msr")) {
		lvd_test_pv_msr(out, size);
	} else if (sscanf(what, "clock %u", &n) == 1) {
		struct lvd_test_clock c = { .rounds = n };

		cpus_read_lock();
		for_each_online_cpu(cpu)
			work_on_cpu(cpu, lvd_test_clock_from, &c);
		cpus_read_unlock();
		snprintf(out, size, "clock %u backwards %u", c.rounds, c.backwards);
	} else if (sscanf(what, "ipis %u", &n) == 1) {
		unsigned int i;

		atomic_set(&count, 0);
		for (i = 0; i < n; i++)
			smp_call_function(lvd_test_ipi_here, &count, 1);
		snprintf(out, size, "ipis sent %u received %d", n, atomic_read(&count));
	} else if (sscanf(what, "spinlock %u", &n) == 1) {
		lvd_test_spinlock(n, out, size);
	} else {
		return -EINVAL;
	}
	return 0;
}

static ssize_t lvd_test_pv_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	char buf[48];
	int ret;

	ret = lvd_test_copy_word(buf, sizeof(buf), ubuf, len);
	if (ret)
		return ret;
	mutex_lock(&lvd_test_lock);
	lvd_test_pv_result[0] = '\0';
	ret = lvd_test_pv_run(buf);
	mutex_unlock(&lvd_test_lock);
	return ret ?: len;
}

static int lvd_test_pv_show(struct seq_file *m, void *unused)
{
	mutex_lock(&lvd_test_lock);
	seq_printf(m, "%s\n", lvd_test_pv_result);
	mutex_unlock(&lvd_test_lock);
	return 0;
}

LVD_TEST_RW_FILE(pv);

/**
 * lvd_test_pv_create() - the pv file
 * @dir: lvd_test_hv's debugfs directory
 */
void lvd_test_pv_create(struct dentry *dir)
{
	debugfs_create_file("pv", 0600, dir, NULL, &lvd_test_pv_fops);
}
