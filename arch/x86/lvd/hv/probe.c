// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the VMX capability MSRs on every online CPU and deciding whether
 * LVD can run.
 */

#define pr_fmt(fmt) "lvd: " fmt

#include <linux/cpu.h>
#include <linux/processor.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/msr.h>
#include <asm/vmx.h>

#include "hv/lvd.h"

/* rdmsrl_safe() that leaves 0 behind when the MSR does not exist. */
static void lvd_rdmsr(u32 msr, u64 *val)
{
	if (rdmsrl_safe(msr, val))
		*val = 0;
}

/* Runs on the CPU being probed, with interrupts off. */
static void lvd_read_vmx_msrs(void *data)
{
	struct lvd_vmx_msrs *m = data;
	bool true_ctls;

	memset(m, 0, sizeof(*m));
	m->cpuid1_ecx = cpuid_ecx(1);
	lvd_rdmsr(MSR_IA32_FEAT_CTL, &m->feat_ctl);
	if (!(m->cpuid1_ecx & BIT(X86_FEATURE_VMX & 31)))
		return;

	lvd_rdmsr(MSR_IA32_VMX_BASIC, &m->basic);
	true_ctls = m->basic & VMX_BASIC_TRUE_CTLS;
	lvd_rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
		  MSR_IA32_VMX_PINBASED_CTLS, &m->pinbased);
	lvd_rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
		  MSR_IA32_VMX_PROCBASED_CTLS, &m->procbased);
	lvd_rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
		  MSR_IA32_VMX_EXIT_CTLS, &m->exit);
	lvd_rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
		  MSR_IA32_VMX_ENTRY_CTLS, &m->entry);
	lvd_rdmsr(MSR_IA32_VMX_MISC, &m->misc);
	lvd_rdmsr(MSR_IA32_VMX_CR0_FIXED0, &m->cr0_fixed0);
	lvd_rdmsr(MSR_IA32_VMX_CR0_FIXED1, &m->cr0_fixed1);
	lvd_rdmsr(MSR_IA32_VMX_CR4_FIXED0, &m->cr4_fixed0);
	lvd_rdmsr(MSR_IA32_VMX_CR4_FIXED1, &m->cr4_fixed1);

	/* The SDM defines these three MSRs only when the controls exist. */
	if (!(m->procbased & LVD_VMX_ALLOWED1(CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)))
		return;
	lvd_rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2, &m->procbased2);
	if (m->procbased2 & LVD_VMX_ALLOWED1(SECONDARY_EXEC_ENABLE_EPT |
					     SECONDARY_EXEC_ENABLE_VPID))
		lvd_rdmsr(MSR_IA32_VMX_EPT_VPID_CAP, &m->ept_vpid);
	if (m->procbased2 & LVD_VMX_ALLOWED1(SECONDARY_EXEC_ENABLE_VMFUNC))
		lvd_rdmsr(MSR_IA32_VMX_VMFUNC, &m->vmfunc);
}

/*
 * Read every online CPU's MSRs; LVD needs them to agree, since one VMCS
 * layout and one set of controls serve all CPUs.
 */
static int lvd_probe_cpus(struct lvd_state *st)
{
	struct lvd_vmx_msrs *other;
	unsigned int cpu, first;
	int ret = 0;

	other = kmalloc(sizeof(*other), GFP_KERNEL);
	if (!other)
		return -ENOMEM;

	cpus_read_lock();
	first = cpumask_first(cpu_online_mask);
	smp_call_function_single(first, lvd_read_vmx_msrs, &st->msrs, 1);
	st->cpus_checked = 1;
	for_each_online_cpu(cpu) {
		if (cpu == first)
			continue;
		smp_call_function_single(cpu, lvd_read_vmx_msrs, other, 1);
		st->cpus_checked++;
		if (memcmp(other, &st->msrs, sizeof(*other))) {
			scnprintf(st->reason, sizeof(st->reason),
				  "CPU %u's VMX capabilities differ from CPU %u's",
				  cpu, first);
			ret = -ENODEV;
			break;
		}
	}
	cpus_read_unlock();
	kfree(other);
	return ret;
}

/**
 * lvd_probe() - find out whether every CPU offers what LVD needs
 * @st: LVD's state; fills in the MSRs, the decoded features, the number
 *	of CPUs checked, and the reason when LVD cannot run
 *
 * Return: 0 when LVD can run, -ENODEV when a CPU lacks a required feature
 * (@st->reason says which), -ENOMEM.
 */
int lvd_probe(struct lvd_state *st)
{
	int ret;

	ret = lvd_probe_cpus(st);
	if (ret == -ENOMEM)
		scnprintf(st->reason, sizeof(st->reason),
			  "out of memory while probing");
	if (ret)
		return ret;

	lvd_caps_parse(&st->caps, &st->msrs);
	if (lvd_caps_describe_missing(&st->caps, st->reason,
				      sizeof(st->reason)))
		return -ENODEV;
	return 0;
}
