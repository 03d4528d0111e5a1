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
 *   cross      write a scenario: a fresh domain gets the test code below
 *              and a data page, runs the scenario, and is destroyed; read:
 *              its result (see lvd_test_cross_scenario())
 *   bench      write the unit of TSC ticks ("instructions" under Bochs);
 *              read: the benchmark's figures, "lvd-bench NAME VALUE UNIT"
 *   pv         what belongs to the hypervisor below LVD (KVM): write a
 *              scenario, read its result (see lvd_test_pv_run())
 */

#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/hrtimer.h>
#include <linux/delay.h>
#include <linux/kvm_para.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/sched/task.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/asm.h>
#include <asm/cpuid.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <lvd/domain.h>
#include "hypervisor.h"
#include "domain/cross.h"
#include "domain/domain_watchdog.h"
#include "root/vcpu.h"

static struct dentry *lvd_test_dir;
static DEFINE_MUTEX(lvd_test_lock);
static struct lvd_hc_result lvd_test_last;

/* A debugfs file: lvd_test_NAME_show() to read, lvd_test_NAME_write() to write */
#define LVD_TEST_RW_FILE(name)						\
static int lvd_test_##name##_open(struct inode *inode, struct file *file) \
{									\
	return single_open(file, lvd_test_##name##_show, NULL);		\
}									\
static const struct file_operations lvd_test_##name##_fops = {		\
	.owner = THIS_MODULE,						\
	.open = lvd_test_##name##_open,					\
	.read = seq_read,						\
	.write = lvd_test_##name##_write,				\
	.llseek = seq_lseek,						\
	.release = single_release,					\
}

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

/*
 * Code for a test domain, on a page of its own: each function runs at
 * CPL 3 in the domain and returns with RET, or breaks a rule.
 */
asm(".pushsection .rodata.lvd_test_domain, \"a\"\n"
"	.balign 4096\n"
"lvd_test_dom_code:\n"
/* rdi * 3 + rsi + rdx + rcx + r8 + r9: every argument arrives */
"lvd_test_dom_sum:\n"
"	lea (%rdi, %rdi, 2), %rax\n"
"	add %rsi, %rax\n"
"	add %rdx, %rax\n"
"	add %rcx, %rax\n"
"	add %r8, %rax\n"
"	add %r9, %rax\n"
"	ret\n"
/* Registers the domain sees at entry: OR of all but the arguments */
"lvd_test_dom_leak:\n"
"	mov %rbx, %rax\n"
"	or %rbp, %rax\n"
"	or %r10, %rax\n"
"	or %r11, %rax\n"
"	or %r12, %rax\n"
"	or %r13, %rax\n"
"	or %r14, %rax\n"
"	or %r15, %rax\n"
"	ret\n"
"lvd_test_dom_load:\n"
"	mov (%rdi), %rax\n"
"	ret\n"
"lvd_test_dom_store:\n"
"	mov %rsi, (%rdi)\n"
"	xor %eax, %eax\n"
"	ret\n"
"lvd_test_dom_jump:\n"
"	jmp *%rdi\n"
"lvd_test_dom_ud2:\n"
"	ud2\n"
"lvd_test_dom_hlt:\n"
"	hlt\n"
"	ret\n"
"lvd_test_dom_cli:\n"
"	cli\n"
"	ret\n"
"lvd_test_dom_vmcall:\n"
"	vmcall\n"
"	ret\n"
"lvd_test_dom_syscall:\n"
"	.byte 0x0f, 0x05\n"	/* SYSCALL */
"	ret\n"
"lvd_test_dom_write_cr3:\n"
"	mov %rdi, %cr3\n"
"	ret\n"
/* VMFUNC 0 to index RSI, then load from RDI */
"lvd_test_dom_vmfunc_load:\n"
"	xor %eax, %eax\n"
"	mov %esi, %ecx\n"
"	.byte 0x0f, 0x01, 0xd4\n"
"	mov (%rdi), %rax\n"
"	ret\n"
/*
 * DF and AC set (POPF may set both at CPL 3), then kernel call 4, which
 * returns the kernel's flags there
 */
"lvd_test_dom_flags:\n"
"	pushfq\n"
"	orq $0x40400, (%rsp)\n"
"	popfq\n"
"	mov $4, %eax\n"
"	int $0x1b\n"
"	ret\n"
/* Load FS and GS with RDI's selector (clearing their bases), return 1 */
"lvd_test_dom_segs:\n"
"	mov %di, %fs\n"
"	mov %di, %gs\n"
"	mov %di, %ds\n"
"	mov $1, %eax\n"
"	ret\n"
/* Uses SSE: the task's registers must stay out of reach */
"lvd_test_dom_sse:\n"
"	movq %xmm0, %rax\n"
"	ret\n"
"lvd_test_dom_recurse:\n"
"	push %rax\n"
"	jmp lvd_test_dom_recurse\n"
"lvd_test_dom_null:\n"
"	ret\n"
/* RDI calls to kernel call 2, which does nothing */
"lvd_test_dom_kcalls:\n"
"	mov $2, %eax\n"
"	int $0x1b\n"
"	dec %rdi\n"
"	jnz lvd_test_dom_kcalls\n"
"	ret\n"
/* Kernel call 3 with RDI and RSI: the sum of the bytes at RDI, RSI long */
"lvd_test_dom_sum_buf:\n"
"	mov $3, %eax\n"
"	int $0x1b\n"
"	ret\n"
/* Never returns */
"lvd_test_dom_spin:\n"
"	jmp lvd_test_dom_spin\n"
/* Waits until the kernel writes the word at RDI, which only a timer does */
"lvd_test_dom_wait:\n"
"	mov (%rdi), %rax\n"
"	test %rax, %rax\n"
"	jz lvd_test_dom_wait\n"
"	ret\n"
/* Kernel call 0 with RDI and RSI, plus one */
"lvd_test_dom_kcall:\n"
"	xor %eax, %eax\n"
"	int $0x1b\n"
"	inc %rax\n"
"	ret\n"
/* Kernel call 1 (which calls lvd_test_dom_sum), plus one */
"lvd_test_dom_nest:\n"
"	mov $1, %eax\n"
"	int $0x1b\n"
"	inc %rax\n"
"	ret\n"
"lvd_test_dom_bad_kcall:\n"
"	mov $99, %eax\n"
"	int $0x1b\n"
"	ret\n"
/* A kernel call with RSP at RDI */
"lvd_test_dom_bad_stack:\n"
"	mov %rdi, %rsp\n"
"	mov $1, %eax\n"
"	int $0x1b\n"
"	ret\n"
/* Privileged instructions the threat model names, one each */
"lvd_test_dom_wrmsr:\n"
"	mov $0xc0000082, %ecx\n"	/* LSTAR */
"	xor %eax, %eax\n"
"	xor %edx, %edx\n"
"	wrmsr\n"
"	ret\n"
"lvd_test_dom_lidt:\n"
"	lidt (%rdi)\n"
"	ret\n"
"lvd_test_dom_mov_dr7:\n"
"	mov %rdi, %dr7\n"
"	ret\n"
"lvd_test_dom_xsetbv:\n"
"	xor %ecx, %ecx\n"
"	mov $1, %eax\n"
"	xor %edx, %edx\n"
"	xsetbv\n"
"	ret\n"
"lvd_test_dom_wbinvd:\n"
"	wbinvd\n"
"	ret\n"
"lvd_test_dom_outb:\n"
"	mov $0x80, %dx\n"
"	out %al, %dx\n"
"	ret\n"
"lvd_test_dom_int3:\n"
"	int3\n"
"	ret\n"
/* WRMSR of 0 to the MSR in EDI */
"lvd_test_dom_wrmsr_any:\n"
"	mov %edi, %ecx\n"
"	xor %eax, %eax\n"
"	xor %edx, %edx\n"
"	wrmsr\n"
"	ret\n"
"lvd_test_dom_write_cr0:\n"
"	mov %rdi, %cr0\n"
"	ret\n"
"lvd_test_dom_write_cr4:\n"
"	mov %rdi, %cr4\n"
"	ret\n"
"lvd_test_dom_lgdt:\n"
"	lgdt (%rdi)\n"
"	ret\n"
"lvd_test_dom_lldt:\n"
"	lldt %di\n"
"	ret\n"
"lvd_test_dom_ltr:\n"
"	ltr %di\n"
"	ret\n"
"lvd_test_dom_mov_dr0:\n"
"	mov %rdi, %dr0\n"
"	ret\n"
"lvd_test_dom_invd:\n"
"	invd\n"
"	ret\n"
/* VMCALL with RAX = RDI */
"lvd_test_dom_vmcall_nr:\n"
"	mov %rdi, %rax\n"
"	vmcall\n"
"	ret\n"
/* RFLAGS.AC set (CR0.AM is on), then a misaligned load from RDI + 1 */
"lvd_test_dom_align:\n"
"	pushfq\n"
"	orq $0x40000, (%rsp)\n"
"	popfq\n"
"	mov 1(%rdi), %rax\n"
"	ret\n"
/* RFLAGS.TF set: #DB after the next instruction */
"lvd_test_dom_single_step:\n"
"	pushfq\n"
"	orq $0x100, (%rsp)\n"
"	popfq\n"
"	nop\n"
"	ret\n"
/* To its return address (the exit page) with RSP at RDI, kernel data */
"lvd_test_dom_forged_return:\n"
"	mov (%rsp), %rax\n"
"	mov %rdi, %rsp\n"
"	jmp *%rax\n"
"lvd_test_dom_div0:\n"
"	xor %ecx, %ecx\n"
"	mov $1, %eax\n"
"	xor %edx, %edx\n"
"	div %ecx\n"
"	ret\n"
/*
 * VMFUNC 0 to the kernel's view (index 0) from inside another
 * instruction's bytes (the immediate of a CMP), then a load from RDI
 */
"lvd_test_dom_vmfunc_inside:\n"
"	xor %eax, %eax\n"
"	xor %ecx, %ecx\n"
"	jmp 1f + 1\n"
"1:	.byte 0x3d, 0x0f, 0x01, 0xd4, 0x90\n"	/* cmp $0x90d4010f, %eax */
"	mov (%rdi), %rax\n"
"	ret\n"
/* FS and GS bases of the domain's choice (WRFSBASE/WRGSBASE), return 1 */
"lvd_test_dom_bases:\n"
"	wrfsbase %rdi\n"
"	wrgsbase %rdi\n"
"	mov $1, %eax\n"
"	ret\n"
/*
 * RSP in kernel memory (RDI) while an interrupt comes: wait for the word
 * at RSI that a timer writes, then return through that stack.
 */
"lvd_test_dom_irq_stack:\n"
"	mov %rdi, %rsp\n"
"0:	mov (%rsi), %rax\n"
"	test %rax, %rax\n"
"	jz 0b\n"
"	ret\n"
"	.balign 4096, 0xcc\n"
"	.popsection\n");

/* Declared as functions: the kernel only takes their addresses. */
#define LVD_TEST_DOM(name)	void lvd_test_dom_##name(void)
LVD_TEST_DOM(code);
LVD_TEST_DOM(sum);
LVD_TEST_DOM(leak);
LVD_TEST_DOM(load);
LVD_TEST_DOM(store);
LVD_TEST_DOM(jump);
LVD_TEST_DOM(ud2);
LVD_TEST_DOM(hlt);
LVD_TEST_DOM(cli);
LVD_TEST_DOM(vmcall);
LVD_TEST_DOM(syscall);
LVD_TEST_DOM(write_cr3);
LVD_TEST_DOM(vmfunc_load);
LVD_TEST_DOM(segs);
LVD_TEST_DOM(flags);
LVD_TEST_DOM(sse);
LVD_TEST_DOM(recurse);
LVD_TEST_DOM(null);
LVD_TEST_DOM(kcalls);
LVD_TEST_DOM(sum_buf);
LVD_TEST_DOM(spin);
LVD_TEST_DOM(wrmsr);
LVD_TEST_DOM(lidt);
LVD_TEST_DOM(mov_dr7);
LVD_TEST_DOM(xsetbv);
LVD_TEST_DOM(wbinvd);
LVD_TEST_DOM(outb);
LVD_TEST_DOM(int3);
LVD_TEST_DOM(wrmsr_any);
LVD_TEST_DOM(write_cr0);
LVD_TEST_DOM(write_cr4);
LVD_TEST_DOM(lgdt);
LVD_TEST_DOM(lldt);
LVD_TEST_DOM(ltr);
LVD_TEST_DOM(mov_dr0);
LVD_TEST_DOM(invd);
LVD_TEST_DOM(vmcall_nr);
LVD_TEST_DOM(div0);
LVD_TEST_DOM(align);
LVD_TEST_DOM(single_step);
LVD_TEST_DOM(forged_return);
LVD_TEST_DOM(vmfunc_inside);
LVD_TEST_DOM(bases);
LVD_TEST_DOM(irq_stack);
LVD_TEST_DOM(wait);
LVD_TEST_DOM(kcall);
LVD_TEST_DOM(nest);
LVD_TEST_DOM(bad_kcall);
LVD_TEST_DOM(bad_stack);

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

/* Kernel call 0 */
static unsigned long lvd_test_kcall_add(struct lvd_domain *d,
					const unsigned long args[LVD_DOMAIN_ARGS])
{
	return args[0] + 2 * args[1];
}

/* Kernel call 1: back into the domain, which returns 23 */
static unsigned long lvd_test_kcall_nest(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	unsigned long in[LVD_DOMAIN_ARGS] = { 1, 2, 3, 4, 5, 6 }, ret;

	if (lvd_domain_call(d, (unsigned long)lvd_test_dom_sum, in, &ret))
		return -1UL;
	return ret;
}

/* Kernel call 2: nothing, for the benchmark */
static unsigned long lvd_test_kcall_null(struct lvd_domain *d,
					 const unsigned long args[LVD_DOMAIN_ARGS])
{
	return 0;
}

/*
 * Kernel call 3: the sum of the bytes of a buffer the domain names, as
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

/* Kernel call 4: the kernel's DF and AC flags, as the call runs */
static unsigned long lvd_test_kcall_flags(struct lvd_domain *d,
					  const unsigned long args[LVD_DOMAIN_ARGS])
{
	return native_save_fl() & (X86_EFLAGS_DF | X86_EFLAGS_AC);
}

static const lvd_kcall_fn lvd_test_kcalls[] = {
	lvd_test_kcall_add, lvd_test_kcall_nest, lvd_test_kcall_null,
	lvd_test_kcall_sum_buf, lvd_test_kcall_flags,
};

static char lvd_test_cross_result[256];

/* Exits of this CPU so far, kernel and user, all reasons: one more exit. */
static u64 lvd_test_exits_here(struct lvd_exit_stats *s)
{
	u64 n = 0;
	int i;

	if (lvd_hypercall(LVD_HC_READ_STATS, __pa(s), sizeof(*s), 0).ret)
		return 0;
	for (i = 0; i < LVD_EXIT_REASONS; i++)
		n += s->kernel[i] + s->user[i];
	return n;
}

/*
 * Start counting this CPU's exits: the count now plus what one more read
 * of the counters costs, so that lvd_test_exits_here() less this is the
 * exits of the work in between. Preemption must be off.
 */
static u64 lvd_test_exits_start(struct lvd_exit_stats *s)
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

static int lvd_test_cross_domain(struct lvd_domain **dp, unsigned long *datap);

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
	snprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result),
		 "err %d vector %u cpl %u then %d kernel %s canary %s reload %ld",
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
static void lvd_test_bring_out(struct lvd_domain *d)
{
	struct lvd_test_spinner sp = { .d = d };
	unsigned int cpu = get_cpu(), other = cpumask_any_but(cpu_online_mask, cpu);
	struct task_struct *t;
	unsigned long ret, t0;
	int err;

	put_cpu();
	if (other >= nr_cpu_ids) {
		snprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result),
			 "one CPU");
		return;
	}
	init_completion(&sp.started);
	init_completion(&sp.done);
	t = kthread_create_on_cpu(lvd_test_spin_thread, &sp, other, "lvd_spin/%u");
	if (IS_ERR(t)) {
		snprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result),
			 "err %ld", PTR_ERR(t));
		return;
	}
	wake_up_process(t);
	wait_for_completion(&sp.started);
	msleep(20);
	t0 = jiffies;
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_ud2, NULL, &ret);
	wait_for_completion(&sp.done);
	snprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result),
		 "fault %d other %d ms %u", err, sp.err,
		 jiffies_to_msecs(jiffies - t0));
}

/*
 * A domain that never returns, called with interrupts off: only the NMI
 * that the watchdog's timer sends from another CPU can stop it.
 * "err E vector V"
 */
static void lvd_test_spin_irqs_off(struct lvd_domain *d)
{
	struct lvd_domain_fault f = { .vector = ~0U };
	unsigned long flags, ret;
	int err;

	/* Alone, the CPU needs the hypervisor's timer, one that fires. */
	if (num_online_cpus() < 2 && !lvd_watchdog_timer_works()) {
		snprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result),
			 "one CPU, no timer");
		return;
	}
	local_irq_save(flags);
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_spin, NULL, &ret);
	local_irq_restore(flags);
	lvd_domain_stopped(d, &f);
	snprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result),
		 "err %d vector %u", err, f.vector);
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
	snprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result),
		 "err %d ret %ld canary %s", err, (long)ret,
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
		snprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result),
			 "err %ld", IS_ERR(other) ? PTR_ERR(other) : -ENOMEM);
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
static void lvd_test_bases(struct lvd_domain *d)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { 0xffff888000001000UL }, ret = 0;
	u64 fsb, gsb, fsb2, gsb2;
	int err;

	if (!(cr4_read_shadow() & X86_CR4_FSGSBASE)) {
		snprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result),
			 "no FSGSBASE");
		return;
	}
	preempt_disable();
	rdmsrl(MSR_FS_BASE, fsb);
	rdmsrl(MSR_GS_BASE, gsb);
	err = lvd_domain_call(d, (unsigned long)lvd_test_dom_bases, args, &ret);
	rdmsrl(MSR_FS_BASE, fsb2);
	rdmsrl(MSR_GS_BASE, gsb2);
	preempt_enable();
	snprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result),
		 "err %d ret %lu same %d", err, ret, fsb == fsb2 && gsb == gsb2);
}

/*
 * The domain returns with RSP at kernel data: the exit uses IST 7, the
 * data is untouched, and the domain goes on working. "err E then E2 ret R
 * canary intact|changed"
 */
static void lvd_test_forged_return(struct lvd_domain *d)
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
	snprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result),
		 "err %d then %d ret %lu canary %s", err, again, ret,
		 lvd_test_canary_intact() ? "intact" : "changed");
}

/* What a threat-model act gets as its argument */
enum lvd_test_act_arg {
	LVD_TEST_ARG_NONE,
	LVD_TEST_ARG_DATA,		/* the domain's data page */
	LVD_TEST_ARG_KERNEL,		/* kernel data */
	LVD_TEST_ARG_CR0,		/* the kernel's CR0 without WP */
	LVD_TEST_ARG_CR4,		/* the kernel's CR4 without SMEP */
	LVD_TEST_ARG_TSS,		/* the kernel's TSS selector */
	LVD_TEST_ARG_HV,		/* a page of hypervisor memory */
};

/* Acts the threat model names, each to stop the domain */
static const struct {
	const char *name;
	void (*fn)(void);
	enum lvd_test_act_arg arg;
} lvd_test_acts[] = {
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
	case LVD_TEST_ARG_KERNEL:
		return (unsigned long)&lvd_test_cross_result;
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
		snprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result),
			 "err %d", -ENOMEM);
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
		snprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result),
			 "err %d", err);
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
 * The threat model's acts that are not scenarios of their own:
 * lvd_test_acts[], "wrmsr:MSR", "vmcall:NR" and lvd_test_wild_acts[].
 * Return: false for a name that is none of these.
 */
static bool lvd_test_threat_act(struct lvd_domain *d, const char *what,
				unsigned long data)
{
	unsigned long nr;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_test_acts); i++) {
		if (strcmp(what, lvd_test_acts[i].name))
			continue;
		lvd_test_cross_fault(d, lvd_test_acts[i].fn,
				     lvd_test_act_arg(lvd_test_acts[i].arg, data), 0);
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
	snprintf(lvd_test_cross_result, sizeof(lvd_test_cross_result),
		 "err %d vector %u canary %s", err, f.vector,
		 canary[0] == 0x1111 && canary[1] == 0x2222 &&
		 canary[2] == 0x3333 && canary[3] == 0x4444 ? "intact" : "changed");
}

static void lvd_test_cross_scenario(struct lvd_domain *d, const char *what,
				    unsigned long data)
{
	unsigned long args[LVD_DOMAIN_ARGS] = { 1, 2, 3, 4, 5, 6 }, ret = 0;
	char *r = lvd_test_cross_result;
	size_t n = sizeof(lvd_test_cross_result);
	struct lvd_exit_stats *s;
	u64 start, exits;
	u16 fs, gs;
	int err;

	if (!strcmp(what, "sum")) {
		err = lvd_domain_call(d, (unsigned long)lvd_test_dom_sum, args, &ret);
		snprintf(r, n, "err %d ret %lu", err, ret);
	} else if (!strcmp(what, "leak")) {
		err = lvd_domain_call(d, (unsigned long)lvd_test_dom_leak, args, &ret);
		snprintf(r, n, "err %d ret %#lx", err, ret);
	} else if (!strcmp(what, "exits")) {
		s = kzalloc(sizeof(*s), GFP_KERNEL);
		snprintf(r, n, "calls %u exits %ld", LVD_TEST_CALLS,
			 s ? lvd_test_exits_of_calls(d, (unsigned long)lvd_test_dom_sum,
						     LVD_TEST_CALLS, s) : -ENOMEM);
		kfree(s);
	} else if (!strcmp(what, "all")) {
		struct lvd_test_all all = { .d = d };

		on_each_cpu(lvd_test_call_here, &all, 1);
		snprintf(r, n, "ok %d of %u", atomic_read(&all.ok), num_online_cpus());
	} else if (!strcmp(what, "data")) {
		/* The domain writes its page, the kernel sees it, and back */
		args[0] = data;
		args[1] = 0x1234;
		err = lvd_domain_call(d, (unsigned long)lvd_test_dom_store, args, &ret);
		WRITE_ONCE(*(unsigned long *)(data + 8), 0x5678);
		args[0] = data + 8;
		err = err ?: lvd_domain_call(d, (unsigned long)lvd_test_dom_load, args, &ret);
		snprintf(r, n, "err %d kernel %#lx domain %#lx", err,
			 READ_ONCE(*(unsigned long *)data), ret);
	} else if (!strcmp(what, "segs")) {
		/* The domain loads null selectors: the kernel gets its own back */
		u64 fsb, gsb, fsb2, gsb2;
		u16 fs2, gs2;

		preempt_disable();
		savesegment(fs, fs);
		savesegment(gs, gs);
		rdmsrl(MSR_FS_BASE, fsb);
		rdmsrl(MSR_GS_BASE, gsb);
		args[0] = 0;
		err = lvd_domain_call(d, (unsigned long)lvd_test_dom_segs, args, &ret);
		savesegment(fs, fs2);
		savesegment(gs, gs2);
		rdmsrl(MSR_FS_BASE, fsb2);
		rdmsrl(MSR_GS_BASE, gsb2);
		preempt_enable();
		snprintf(r, n, "err %d ret %lu same %d", err, ret,
			 fs == fs2 && gs == gs2 && fsb == fsb2 && gsb == gsb2);
	} else if (!strcmp(what, "flags")) {
		/* The domain sets DF and AC: the kernel runs with both clear */
		err = lvd_domain_call(d, (unsigned long)lvd_test_dom_flags, args, &ret);
		snprintf(r, n, "err %d in-call %#lx after %#lx", err, ret,
			 native_save_fl() & (X86_EFLAGS_DF | X86_EFLAGS_AC));
	} else if (!strcmp(what, "irq")) {
		/*
		 * The domain waits for a word of its page that a timer
		 * writes 10 ms later: the interrupt reaches the kernel, its
		 * handler runs, the domain goes on, and nothing exits.
		 */
		s = kzalloc(sizeof(*s), GFP_KERNEL);
		if (!s) {
			snprintf(r, n, "err %d", -ENOMEM);
			return;
		}
		lvd_test_wake.word = (unsigned long *)data;
		hrtimer_init(&lvd_test_wake.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
		lvd_test_wake.timer.function = lvd_test_wake_up;
		preempt_disable();
		start = lvd_test_exits_start(s);
		hrtimer_start(&lvd_test_wake.timer, ms_to_ktime(10), HRTIMER_MODE_REL_HARD);
		args[0] = data;
		err = lvd_domain_call(d, (unsigned long)lvd_test_dom_wait, args, &ret);
		exits = lvd_test_exits_here(s) - start;
		preempt_enable();
		hrtimer_cancel(&lvd_test_wake.timer);
		kfree(s);
		snprintf(r, n, "err %d ret %#lx exits %lld", err, ret, (long long)exits);
	} else if (!strcmp(what, "kcall")) {
		args[0] = 10;
		args[1] = 20;
		err = lvd_domain_call(d, (unsigned long)lvd_test_dom_kcall, args, &ret);
		snprintf(r, n, "err %d ret %lu", err, ret);
	} else if (!strcmp(what, "nest")) {
		err = lvd_domain_call(d, (unsigned long)lvd_test_dom_nest, args, &ret);
		snprintf(r, n, "err %d ret %lu", err, ret);
	} else if (!strcmp(what, "spin")) {
		lvd_test_cross_fault(d, lvd_test_dom_spin, 0, 0);
	} else if (!strcmp(what, "spin-irqs-off")) {
		lvd_test_spin_irqs_off(d);
	} else if (!strcmp(what, "bad-kcall")) {
		lvd_test_cross_fault(d, lvd_test_dom_bad_kcall, 0, 0);
	} else if (!strcmp(what, "bad-stack")) {
		lvd_test_cross_fault(d, lvd_test_dom_bad_stack,
				     (unsigned long)&lvd_test_cross_result[128], 0);
	} else if (!strcmp(what, "bring-out")) {
		lvd_test_bring_out(d);
	} else if (!strcmp(what, "ud2")) {
		lvd_test_cross_fault(d, lvd_test_dom_ud2, 0, 0);
	} else if (!strcmp(what, "hlt")) {
		lvd_test_cross_fault(d, lvd_test_dom_hlt, 0, 0);
	} else if (!strcmp(what, "cli")) {
		lvd_test_cross_fault(d, lvd_test_dom_cli, 0, 0);
	} else if (!strcmp(what, "vmcall")) {
		lvd_test_cross_fault(d, lvd_test_dom_vmcall, 0, 0);
	} else if (!strcmp(what, "syscall")) {
		lvd_test_cross_fault(d, lvd_test_dom_syscall, 0, 0);
	} else if (!strcmp(what, "cr3")) {
		lvd_test_cross_fault(d, lvd_test_dom_write_cr3, __pa(data), 0);
	} else if (!strcmp(what, "sse")) {
		lvd_test_cross_fault(d, lvd_test_dom_sse, 0, 0);
	} else if (!strcmp(what, "stack")) {
		lvd_test_cross_fault(d, lvd_test_dom_recurse, 0, 0);
	} else if (!strcmp(what, "read-kernel")) {
		lvd_test_cross_fault(d, lvd_test_dom_load,
				     (unsigned long)&lvd_test_cross_result, 0);
	} else if (!strcmp(what, "write-code")) {
		lvd_test_cross_fault(d, lvd_test_dom_store,
				     (unsigned long)lvd_test_dom_code, 0);
	} else if (!strcmp(what, "exec-data")) {
		lvd_test_cross_fault(d, lvd_test_dom_jump, data, 0);
	} else if (!strcmp(what, "exec-kernel")) {
		lvd_test_cross_fault(d, lvd_test_dom_jump, (unsigned long)lvd_domain_call, 0);
	} else if (!strcmp(what, "vmfunc-kernel")) {
		lvd_test_cross_fault(d, lvd_test_dom_vmfunc_load,
				     (unsigned long)&lvd_test_cross_result, 0);
	} else if (!strncmp(what, "glue-", 5)) {
		lvd_test_glue(d, what + 5, data);
	} else if (!strcmp(what, "vmfunc-empty")) {
		/* A slot no domain uses: the VMFUNC exits, #UD */
		lvd_test_cross_fault(d, lvd_test_dom_vmfunc_load, data, 511);
	} else if (!strcmp(what, "vmfunc-other")) {
		lvd_test_other_domain(d, data);
	} else if (!strcmp(what, "exec-trampoline")) {
		lvd_test_cross_fault(d, lvd_test_dom_jump,
				     (unsigned long)lvd_cross_stubs, 0);
	} else if (!strcmp(what, "wrmsr")) {
		lvd_test_cross_fault(d, lvd_test_dom_wrmsr, 0, 0);
	} else if (!strcmp(what, "lidt")) {
		lvd_test_cross_fault(d, lvd_test_dom_lidt, data, 0);
	} else if (!strcmp(what, "mov-dr7")) {
		lvd_test_cross_fault(d, lvd_test_dom_mov_dr7, 0x3ff, 0);
	} else if (!strcmp(what, "xsetbv")) {
		lvd_test_cross_fault(d, lvd_test_dom_xsetbv, 0, 0);
	} else if (!strcmp(what, "wbinvd")) {
		lvd_test_cross_fault(d, lvd_test_dom_wbinvd, 0, 0);
	} else if (!strcmp(what, "outb")) {
		lvd_test_cross_fault(d, lvd_test_dom_outb, 0, 0);
	} else if (!strcmp(what, "int3")) {
		lvd_test_cross_fault(d, lvd_test_dom_int3, 0, 0);
	} else if (!strcmp(what, "bases")) {
		lvd_test_bases(d);
	} else if (!strcmp(what, "irq-stack")) {
		lvd_test_irq_stack(d, data);
	} else if (!strcmp(what, "forged-return")) {
		lvd_test_forged_return(d);
	} else if (!lvd_test_threat_act(d, what, data)) {
		snprintf(r, n, "unknown scenario");
	}
}

/* A fresh domain with the test code, its kernel calls and a page of data */
static int lvd_test_cross_domain(struct lvd_domain **dp, unsigned long *datap)
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

/* A word written to a file, without surrounding spaces: 0 or -errno */
static int lvd_test_copy_word(char *buf, size_t size, const char __user *ubuf,
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

/*
 * The benchmark (make bench): TSC ticks per operation, which Bochs with
 * clock sync=none turns into emulated instructions; the unit is written to
 * the bench file first. One "lvd-bench NAME VALUE UNIT" line per figure.
 */
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
	unsigned long args[LVD_DOMAIN_ARGS] = { n }, flags, ret;
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

/*
 * The paravirtual interfaces of the hypervisor below LVD (KVM), which the
 * kernel keeps using under LVD. Scenarios written to the pv file:
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
	debugfs_create_file("cross", 0600, lvd_test_dir, NULL, &lvd_test_cross_fops);
	debugfs_create_file("bench", 0600, lvd_test_dir, NULL, &lvd_test_bench_fops);
	debugfs_create_file("pv", 0600, lvd_test_dir, NULL, &lvd_test_pv_fops);
	return 0;
}
module_init(lvd_test_init);

static void __exit lvd_test_exit(void)
{
	debugfs_remove_recursive(lvd_test_dir);
	lvd_test_domain_destroy();
	if (lvd_test_untouched)
		__free_page(lvd_test_untouched);
}
module_exit(lvd_test_exit);

MODULE_DESCRIPTION("Test hooks for LVD's hypervisor selftests");
MODULE_LICENSE("GPL");
