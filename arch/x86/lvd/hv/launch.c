// SPDX-License-Identifier: GPL-2.0
/*
 * Late launch: put the running kernel into VMX non-root mode on every CPU,
 * and take it out again when a CPU goes offline or the machine reboots.
 *
 * Each CPU launches itself from a CPU-hotplug callback (so CPUs brought
 * online later are virtualized too): enable VMX, VMXON, fill a VMCS whose
 * guest state is the CPU's own, VMLAUNCH, and continue in non-root mode
 * right after. If any CPU fails, the hotplug core calls the teardown on
 * the CPUs that succeeded, and the kernel runs unvirtualized.
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/cpu.h>
#include <linux/cpufeature.h>
#include <linux/cpuhotplug.h>
#include <linux/hardirq.h>
#include <linux/init.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/reboot.h>
#include <asm/tlbflush.h>
#include <asm/vmx.h>
#include "hypervisor.h"

#include "hv/hv.h"
#include "root/root.h"
#include "hv/pool.h"
#include "root/world.h"
#include "root/vcpu.h"
#include "root/vmx_ops.h"

/* Kernel-side truth: this CPU runs in VMX non-root mode under LVD. */
static DEFINE_PER_CPU(bool, lvd_cpu_on);

/* Pool pages set aside for root mode (domain EPTs): 1 MiB */
#define LVD_ROOT_RESERVE	256

static enum cpuhp_state lvd_cpuhp_state;
static char lvd_launch_error[160];

/**
 * lvd_cpu_virtualized() - does this CPU run under the LVD hypervisor?
 *
 * Call with preemption disabled. Hypercalls are valid only when it is true.
 *
 * Return: true when this CPU runs the kernel in VMX non-root mode.
 */
bool lvd_cpu_virtualized(void)
{
	return this_cpu_read(lvd_cpu_on);
}
EXPORT_SYMBOL_GPL(lvd_cpu_virtualized);

/**
 * lvd_cpu_virtualized_on() - does a CPU run under the LVD hypervisor?
 * @cpu: the CPU
 *
 * Return: what lvd_cpu_virtualized() would say on @cpu.
 */
bool lvd_cpu_virtualized_on(unsigned int cpu)
{
	return per_cpu(lvd_cpu_on, cpu);
}

static void lvd_set_error(const char *fmt, unsigned int cpu, unsigned long a,
			  unsigned long b)
{
	char msg[120];

	snprintf(msg, sizeof(msg), fmt, a, b);
	snprintf(lvd_launch_error, sizeof(lvd_launch_error), "CPU %u: %s",
		 cpu, msg);
}

/*
 * Every possible CPU's state is made at start, before the pool is sealed:
 * a CPU brought online later finds it ready.
 */
static struct lvd_vcpu *lvd_vcpu_create(unsigned int cpu)
{
	struct lvd_vcpu *vcpu = per_cpu(lvd_vcpu, cpu);

	if (vcpu)
		return vcpu;
	BUILD_BUG_ON(sizeof(*vcpu) > PAGE_SIZE);
	vcpu = lvd_pool_alloc(0, NULL);
	if (!vcpu)
		return NULL;
	vcpu->cpu = cpu;
	vcpu->vmxon = lvd_pool_alloc(0, &vcpu->vmxon_pa);
	vcpu->vmcs = lvd_pool_alloc(0, &vcpu->vmcs_pa);
	if (!vcpu->vmxon || !vcpu->vmcs || lvd_root_init(&vcpu->root, cpu))
		return NULL;	/* what was taken stays in the pool */
	per_cpu(lvd_vcpu, cpu) = vcpu;
	return vcpu;
}

/* CR0 and CR4 must hold the values VMX fixes. */
static bool lvd_cr_fits(unsigned long cr, u64 fixed0, u64 fixed1)
{
	return (cr & fixed0) == fixed0 && !(cr & ~fixed1);
}

struct lvd_saved_kernel {
	unsigned long cr3, fs_base, dr7;
	u64 debugctl;
	struct desc_ptr gdt, idt;
};

static void lvd_save_kernel(struct lvd_saved_kernel *k)
{
	k->cr3 = __native_read_cr3();
	rdmsrl(MSR_FS_BASE, k->fs_base);
	rdmsrl(MSR_IA32_DEBUGCTLMSR, k->debugctl);
	get_debugreg(k->dr7, 7);
	native_store_gdt(&k->gdt);
	store_idt(&k->idt);
}

/* After a failed-entry exit, root mode's state is loaded: undo that. */
static void lvd_restore_kernel(const struct lvd_saved_kernel *k)
{
	write_cr3(k->cr3);
	lvd_restore_kernel_tables(&k->gdt, &k->idt);
	wrmsrl(MSR_FS_BASE, k->fs_base);
	wrmsrl(MSR_IA32_DEBUGCTLMSR, k->debugctl);
	set_debugreg(k->dr7, 7);
}

static void lvd_vmx_off(struct lvd_vcpu *vcpu)
{
	lvd_vmclear(vcpu->vmcs_pa);
	lvd_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
}

/* The VM-instruction error of a VMfailValid, or ~0 when there is none. */
static unsigned long lvd_insn_error(void)
{
	unsigned long error;

	return __lvd_vmread(VM_INSTRUCTION_ERROR, &error) ? error : ~0ul;
}

/* The launch itself, on @vcpu's CPU with interrupts off. */
static int lvd_launch_this_cpu(struct lvd_vcpu *vcpu)
{
	const struct lvd_vmx_msrs *m = &lvd_hv.msrs;
	struct lvd_saved_kernel k;
	unsigned long field;
	u32 revision = vmx_basic_vmcs_revision_id(m->basic);
	int ret;

	if (!lvd_cr_fits(native_read_cr0(), m->cr0_fixed0, m->cr0_fixed1)) {
		lvd_set_error("CR0 %#lx does not fit VMX (fixed0 %#lx)", vcpu->cpu,
			      native_read_cr0(), m->cr0_fixed0);
		return -EIO;
	}
	cr4_set_bits(X86_CR4_VMXE);
	if (!lvd_cr_fits(__read_cr4(), m->cr4_fixed0, m->cr4_fixed1)) {
		lvd_set_error("CR4 %#lx does not fit VMX (fixed1 %#lx)", vcpu->cpu,
			      __read_cr4(), m->cr4_fixed1);
		cr4_clear_bits(X86_CR4_VMXE);
		return -EIO;
	}

	lvd_msr_before_launch();
	*(u32 *)vcpu->vmxon = revision;
	*(u32 *)vcpu->vmcs = revision;
	if (!lvd_vmxon(vcpu->vmxon_pa)) {
		cr4_clear_bits(X86_CR4_VMXE);
		lvd_set_error("VMXON failed", vcpu->cpu, 0, 0);
		return -EIO;
	}
	if (!lvd_vmclear(vcpu->vmcs_pa) || !lvd_vmptrld(vcpu->vmcs_pa)) {
		lvd_vmxoff();
		cr4_clear_bits(X86_CR4_VMXE);
		lvd_set_error("VMCLEAR/VMPTRLD failed", vcpu->cpu, 0, 0);
		return -EIO;
	}
	/* Nothing cached under the kernel's VPID or EPT survives from before. */
	lvd_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, LVD_KERNEL_VPID);
	lvd_invept(VMX_EPT_EXTENT_CONTEXT, lvd_hv.kernel_eptp);

	field = lvd_vmcs_setup(&lvd_hv, vcpu);
	if (field) {
		lvd_set_error("VMWRITE of field %#lx failed (error %lu)", vcpu->cpu,
			      field, lvd_insn_error());
		lvd_vmx_off(vcpu);
		return -EIO;
	}

	lvd_save_kernel(&k);
	vcpu->launched = false;
	/* An interrupt held back when the CPU last left VMX went down with it. */
	vcpu->held_intr = 0;
	ret = lvd_vmx_launch(GUEST_RSP, GUEST_RIP);
	if (!ret)
		return 0;	/* VMX non-root mode from here on */

	if (ret == 1) {
		lvd_set_error("VMLAUNCH failed: VM-instruction error %lu", vcpu->cpu,
			      lvd_insn_error(), 0);
	} else {
		lvd_restore_kernel(&k);
		lvd_set_error("VM entry failed: exit reason %#lx, qualification %lu",
			      vcpu->cpu, vcpu->exit_reason, vcpu->exit_qual);
	}
	lvd_vmx_off(vcpu);
	return -EIO;
}

/* CPU-hotplug startup: runs on @cpu itself. */
static int lvd_cpu_online(unsigned int cpu)
{
	struct lvd_vcpu *vcpu = per_cpu(lvd_vcpu, cpu);
	unsigned long flags;
	int ret;

	if (!vcpu) {
		lvd_set_error("no hypervisor state (not a possible CPU at start)",
			      cpu, 0, 0);
		return -ENODEV;
	}
	local_irq_save(flags);
	ret = lvd_launch_this_cpu(vcpu);
	if (!ret) {
		/* The kernel reads CR4.VMXE as 0 from now on: keep its cache in step. */
		cr4_clear_bits(X86_CR4_VMXE);
		this_cpu_write(lvd_cpu_on, true);
	}
	local_irq_restore(flags);
	return ret;
}

/* Leave VMX on this CPU; interrupts must be off. */
static void lvd_leave_this_cpu(void)
{
	struct lvd_hc_result r;

	if (!this_cpu_read(lvd_cpu_on))
		return;
	r = lvd_hypercall(LVD_HC_LEAVE, 0, 0, 0);
	if (!r.ret)
		this_cpu_write(lvd_cpu_on, false);
}

/*
 * Under another hypervisor (KVM's nested VMX), offlining a CPU hangs the
 * machine: the CPU leaves VMX, but the offline then never finishes while
 * the other CPUs run in non-root mode. Offlining is refused there.
 */
static bool lvd_hotplug_refused(void)
{
	return boot_cpu_has(X86_FEATURE_HYPERVISOR);
}

/*
 * CPU-hotplug teardown: runs on @cpu itself, before it goes offline, or
 * when the launch is undone. Only a CPU that goes offline is inactive.
 */
static int lvd_cpu_offline(unsigned int cpu)
{
	unsigned long flags;

	if (!cpu_active(cpu) && lvd_hotplug_refused()) {
		pr_warn_ratelimited("CPU %u stays online: no CPU hotplug under another hypervisor\n",
				    cpu);
		return -EBUSY;
	}
	local_irq_save(flags);
	lvd_leave_this_cpu();
	local_irq_restore(flags);
	return 0;
}

static void lvd_leave_ipi(void *unused)
{
	lvd_leave_this_cpu();
}

/* Reboot, poweroff, kexec: every CPU leaves VMX first. */
static int lvd_reboot_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	on_each_cpu(lvd_leave_ipi, NULL, 1);
	pr_info("left VMX on every CPU for %s (%u still in)\n",
		action == SYS_RESTART ? "restart" :
		action == SYS_HALT ? "halt" : "power-off", lvd_hv_nr_active());
	return NOTIFY_OK;
}

/*
 * Panic, crash kexec, emergency restart: the CPU that goes down calls this
 * with interrupts off, the others from the NMI or IPI that stops them. INIT
 * would be lost on a CPU still in VMX operation.
 */
static void lvd_emergency_leave(void)
{
	bool was_on = this_cpu_read(lvd_cpu_on);

	lvd_leave_this_cpu();
	/* The stopping CPU can still print; the stopped ones are in NMI. */
	if (was_on && !in_nmi())
		pr_emerg("CPU %u left VMX for an emergency stop\n",
			 smp_processor_id());
}

static struct notifier_block lvd_reboot_nb = {
	.notifier_call = lvd_reboot_notify,
};

/**
 * lvd_hv_start() - put the kernel in VMX non-root mode on every CPU
 * @msrs: the VMX capability MSRs (the same on every CPU)
 * @caps: @msrs decoded; every required feature is present
 *
 * Return: 0, or a negative errno with lvd_hv_error() saying why; on error
 * no CPU is left in VMX operation.
 */
int lvd_hv_start(const struct lvd_vmx_msrs *msrs, const struct lvd_caps *caps)
{
	unsigned int cpu;
	int ret;

	lvd_hv.msrs = *msrs;
	lvd_hv.caps = *caps;
	if (!lvd_caps_has(caps, LVD_CAP_LOAD_EFER) ||
	    !lvd_caps_has(caps, LVD_CAP_LOAD_PAT)) {
		snprintf(lvd_launch_error, sizeof(lvd_launch_error),
			 "the CPU cannot load EFER and PAT on VM entry and exit");
		return -ENODEV;
	}
	if (lvd_vmcs_controls(caps, msrs, &lvd_hv.ctl)) {
		snprintf(lvd_launch_error, sizeof(lvd_launch_error),
			 "the CPU cannot set the %s controls", lvd_hv.ctl.what);
		return -ENODEV;
	}
	lvd_hv.msr_bitmap = lvd_pool_alloc(0, &lvd_hv.msr_bitmap_pa);
	if (!lvd_hv.msr_bitmap || lvd_root_init_pgd())
		goto nomem;
	lvd_msr_bitmap_init(lvd_hv.msr_bitmap);
	lvd_msr_outer_init(&lvd_hv);
	lvd_xsetbv_init(&lvd_hv);
	for_each_possible_cpu(cpu) {
		if (!lvd_vcpu_create(cpu))
			goto nomem;
	}
	/* Domains' table, and pages for their EPTs, which root mode builds */
	if (lvd_domains_init() || lvd_pool_reserve_for_root(LVD_ROOT_RESERVE))
		goto nomem;
	/* Last: it hides and seals the pool. */
	if (lvd_kernel_ept_init(&lvd_hv))
		goto nomem;

	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "x86/lvd:online",
				lvd_cpu_online, lvd_cpu_offline);
	if (ret < 0)
		return ret;
	lvd_cpuhp_state = ret;
	register_reboot_notifier(&lvd_reboot_nb);
	cpu_emergency_register_virt_callback(lvd_emergency_leave);
	return 0;

nomem:
	snprintf(lvd_launch_error, sizeof(lvd_launch_error), "out of memory");
	return -ENOMEM;
}

/**
 * lvd_hv_nr_active() - how many CPUs run under the hypervisor
 *
 * Return: the number of online CPUs in VMX non-root mode.
 */
unsigned int lvd_hv_nr_active(void)
{
	unsigned int cpu, n = 0;

	for_each_online_cpu(cpu)
		n += per_cpu(lvd_cpu_on, cpu);
	return n;
}

/**
 * lvd_hv_error() - why the last launch failed
 *
 * Return: a sentence, or "" when nothing failed.
 */
const char *lvd_hv_error(void)
{
	return lvd_launch_error;
}
