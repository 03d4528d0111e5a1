// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/lvd/: what LVD found at boot.
 *
 *   status    "available" or "unavailable: <reason>"
 *   caps      one line per feature: name, yes/no, required/optional, what
 *   vmx_msrs  the raw capability MSRs of the CPUs
 *   hv        whether the hypervisor runs, and on which CPUs
 *   exits     VM exits per CPU and reason, from the kernel and from user space
 */

#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>
#include "hypervisor.h"

#include "hv/hv.h"
#include "hv/lvd.h"
#include "root/vcpu.h"

static int lvd_status_show(struct seq_file *m, void *unused)
{
	const struct lvd_state *st = m->private;

	if (st->available)
		seq_puts(m, "available\n");
	else
		seq_printf(m, "unavailable: %s\n", st->reason);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lvd_status);

static int lvd_caps_show(struct seq_file *m, void *unused)
{
	const struct lvd_state *st = m->private;
	const struct lvd_cap_desc *desc;
	enum lvd_cap cap;

	seq_printf(m, "# %u CPUs checked; %u CR3-target values; VMCS revision %#x\n",
		   st->cpus_checked, st->caps.cr3_targets,
		   st->caps.vmcs_revision);
	for (cap = 0; cap < LVD_CAP_NR; cap++) {
		desc = lvd_cap_desc(cap);
		seq_printf(m, "%-18s %-3s %-8s %s\n", desc->name,
			   lvd_caps_has(&st->caps, cap) ? "yes" : "no",
			   desc->required ? "required" : "optional",
			   desc->what);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lvd_caps);

static int lvd_vmx_msrs_show(struct seq_file *m, void *unused)
{
	const struct lvd_vmx_msrs *msrs = &((const struct lvd_state *)m->private)->msrs;

	seq_printf(m, "CPUID.1:ECX                 %#018llx\n", msrs->cpuid1_ecx);
	seq_printf(m, "IA32_FEATURE_CONTROL        %#018llx\n", msrs->feat_ctl);
	seq_printf(m, "IA32_VMX_BASIC              %#018llx\n", msrs->basic);
	seq_printf(m, "IA32_VMX_(TRUE_)PINBASED    %#018llx\n", msrs->pinbased);
	seq_printf(m, "IA32_VMX_(TRUE_)PROCBASED   %#018llx\n", msrs->procbased);
	seq_printf(m, "IA32_VMX_(TRUE_)EXIT        %#018llx\n", msrs->exit);
	seq_printf(m, "IA32_VMX_(TRUE_)ENTRY       %#018llx\n", msrs->entry);
	seq_printf(m, "IA32_VMX_MISC               %#018llx\n", msrs->misc);
	seq_printf(m, "IA32_VMX_PROCBASED_CTLS2    %#018llx\n", msrs->procbased2);
	seq_printf(m, "IA32_VMX_EPT_VPID_CAP       %#018llx\n", msrs->ept_vpid);
	seq_printf(m, "IA32_VMX_VMFUNC             %#018llx\n", msrs->vmfunc);
	seq_printf(m, "IA32_VMX_CR0_FIXED0         %#018llx\n", msrs->cr0_fixed0);
	seq_printf(m, "IA32_VMX_CR0_FIXED1         %#018llx\n", msrs->cr0_fixed1);
	seq_printf(m, "IA32_VMX_CR4_FIXED0         %#018llx\n", msrs->cr4_fixed0);
	seq_printf(m, "IA32_VMX_CR4_FIXED1         %#018llx\n", msrs->cr4_fixed1);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lvd_vmx_msrs);

static int lvd_hv_show(struct seq_file *m, void *unused)
{
	const struct lvd_state *st = m->private;
	unsigned int cpu;

	if (!st->hv_active) {
		seq_printf(m, "off: %s\n", st->hv_off);
		return 0;
	}
	seq_printf(m, "active on %u of %u CPUs\n", lvd_hv_nr_active(),
		   num_online_cpus());
	for_each_online_cpu(cpu)
		seq_printf(m, "cpu%u %s\n", cpu,
			   lvd_cpu_virtualized_on(cpu) ? "non-root" : "native");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lvd_hv);

struct lvd_stats_req {
	struct lvd_exit_stats *stats;
	long ret;
};

static void lvd_read_stats_here(void *data)
{
	struct lvd_stats_req *req = data;

	req->ret = -ENODEV;
	if (lvd_cpu_virtualized())
		req->ret = lvd_hypercall(LVD_HC_READ_STATS, __pa(req->stats),
					 sizeof(*req->stats), 0).ret;
}

static const char *lvd_exit_reason_name(unsigned int reason)
{
	static const struct { unsigned int reason; const char *name; } names[] = {
		VMX_EXIT_REASONS
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].reason == reason)
			return names[i].name;
	return "OTHER";
}

static void lvd_exits_show_cpu(struct seq_file *m, unsigned int cpu,
			       const struct lvd_exit_stats *s)
{
	unsigned int r;

	for (r = 0; r < LVD_EXIT_REASONS; r++)
		if (s->kernel[r] || s->user[r])
			seq_printf(m, "cpu%u %-20s %llu %llu\n", cpu,
				   lvd_exit_reason_name(r), s->kernel[r],
				   s->user[r]);
	seq_printf(m, "cpu%u %-20s %llu %llu\n", cpu, "NMI", s->nmi, 0ULL);
	seq_printf(m, "cpu%u %-20s %llu %llu\n", cpu, "ROOT_NMI", s->root_nmi,
		   0ULL);
	seq_printf(m, "cpu%u %-20s %llu %llu\n", cpu, "EPT_IN_DOMAIN_VIEW",
		   s->ept_domain, 0ULL);
	if (s->ept_kernel || s->ept_domain)
		seq_printf(m, "cpu%u ept-violation last: gpa %#llx gva %#llx qualification %#llx\n",
			   cpu, s->ept_last_gpa, s->ept_last_gva,
			   s->ept_last_qual);
}

static int lvd_exits_show(struct seq_file *m, void *unused)
{
	struct lvd_stats_req req;
	unsigned int cpu;

	/* One page of ordinary RAM: the hypervisor copies into it. */
	req.stats = (void *)get_zeroed_page(GFP_KERNEL);
	if (!req.stats)
		return -ENOMEM;
	seq_puts(m, "# cpu reason kernel user\n");
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		smp_call_function_single(cpu, lvd_read_stats_here, &req, 1);
		if (req.ret)
			seq_printf(m, "cpu%u unavailable %ld\n", cpu, req.ret);
		else
			lvd_exits_show_cpu(m, cpu, req.stats);
	}
	cpus_read_unlock();
	free_page((unsigned long)req.stats);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lvd_exits);

/**
 * lvd_debugfs_init() - create /sys/kernel/debug/lvd/
 * @st: LVD's state, which must outlive the files
 *
 * Without debugfs this does nothing; LVD does not depend on it.
 */
void __init lvd_debugfs_init(const struct lvd_state *st)
{
	struct dentry *dir = debugfs_create_dir("lvd", NULL);
	void *data = (void *)st;

	debugfs_create_file("status", 0444, dir, data, &lvd_status_fops);
	debugfs_create_file("caps", 0444, dir, data, &lvd_caps_fops);
	debugfs_create_file("vmx_msrs", 0444, dir, data, &lvd_vmx_msrs_fops);
	debugfs_create_file("hv", 0444, dir, data, &lvd_hv_fops);
	debugfs_create_file("exits", 0444, dir, data, &lvd_exits_fops);
}
