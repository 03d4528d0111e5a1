// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel values that driver code reads directly, not through a function:
 * jiffies, the CPU masks and counts, and the bases of the kernel's direct
 * map, vmemmap and image that __va(), virt_to_page() and friends use. A
 * domain cannot read the kernel's data, so every domain maps a page of
 * copies, read-only, at the same address; an isolated module's references
 * to these symbols resolve there (glue.c). The kernel keeps the copies
 * current: jiffies at each entry into a domain (each interrupt that
 * reaches the kernel from a domain is followed by one) and system_state
 * there too (it moves on at shutdown and reboot, while drivers still
 * run), the online mask whenever a CPU comes or goes, the rest once. The system workqueues a
 * domain may name are there too, as names only (glue/glue_timer.c).
 */

#include <linux/atomic.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <asm/page.h>
#include "domain/domain_values.h"

/**
 * struct lvd_domain_values - the page of copies
 * @jiffies: jiffies_64 (jiffies is its low half)
 * @system_state: as the kernel's
 * @nr_cpu_ids: as the kernel's
 * @num_online_cpus: __num_online_cpus, which num_online_cpus() reads
 * @page_offset_base: "
 * @vmemmap_base: "
 * @phys_base: "
 * @online: cpu_online_mask
 * @possible: cpu_possible_mask
 * @present: cpu_present_mask
 * @wq: for system_wq and the other workqueues a domain may queue work on
 *	(glue/glue_timer.c): not the kernel's pointers but names, each
 *	slot's own address, which the glue knows them by
 */
struct lvd_domain_values {
	u64 jiffies;
	enum system_states system_state;
	unsigned int nr_cpu_ids;
	atomic_t num_online_cpus;
	unsigned long page_offset_base;
	unsigned long vmemmap_base;
	unsigned long phys_base;
	struct cpumask online;
	struct cpumask possible;
	struct cpumask present;
	unsigned long wq[8];
};

static union {
	struct lvd_domain_values v;
	u8 page[PAGE_SIZE];
} lvd_values __aligned(PAGE_SIZE);

static_assert(sizeof(struct lvd_domain_values) <= PAGE_SIZE);

static DEFINE_MUTEX(lvd_values_lock);
static bool lvd_values_ready;

/* The symbols, and where their copies are */
static const struct {
	const char *name;
	void *copy;
} lvd_values_symbols[] = {
	{ "jiffies", &lvd_values.v.jiffies },
	{ "jiffies_64", &lvd_values.v.jiffies },
	{ "system_state", &lvd_values.v.system_state },
	{ "nr_cpu_ids", &lvd_values.v.nr_cpu_ids },
	{ "__num_online_cpus", &lvd_values.v.num_online_cpus },
	{ "page_offset_base", &lvd_values.v.page_offset_base },
	{ "vmemmap_base", &lvd_values.v.vmemmap_base },
	{ "phys_base", &lvd_values.v.phys_base },
	{ "__cpu_online_mask", &lvd_values.v.online },
	{ "__cpu_possible_mask", &lvd_values.v.possible },
	{ "__cpu_present_mask", &lvd_values.v.present },
	{ "system_wq", &lvd_values.v.wq[0] },
	{ "system_long_wq", &lvd_values.v.wq[1] },
	{ "system_unbound_wq", &lvd_values.v.wq[2] },
	{ "system_highpri_wq", &lvd_values.v.wq[3] },
	{ "system_freezable_wq", &lvd_values.v.wq[4] },
	{ "system_power_efficient_wq", &lvd_values.v.wq[5] },
	{ "system_percpu_wq", &lvd_values.v.wq[6] },
	{ "system_dfl_wq", &lvd_values.v.wq[7] },
};

/* A CPU came (online already) or goes (@cpu still online) */
static void lvd_values_cpus(unsigned int going)
{
	struct lvd_domain_values *v = &lvd_values.v;

	cpumask_copy(&v->online, cpu_online_mask);
	cpumask_copy(&v->present, cpu_present_mask);
	if (going < nr_cpu_ids)
		cpumask_clear_cpu(going, &v->online);
	atomic_set(&v->num_online_cpus, cpumask_weight(&v->online));
}

static int lvd_values_cpu_up(unsigned int cpu)
{
	lvd_values_cpus(nr_cpu_ids);
	return 0;
}

static int lvd_values_cpu_down(unsigned int cpu)
{
	lvd_values_cpus(cpu);
	return 0;
}

/**
 * lvd_domain_values_init() - fill the page, once
 *
 * Return: 0, or the error of registering for CPU hotplug.
 */
int lvd_domain_values_init(void)
{
	struct lvd_domain_values *v = &lvd_values.v;
	unsigned int i;
	int ret = 0;

	mutex_lock(&lvd_values_lock);
	if (!lvd_values_ready) {
		for (i = 0; i < ARRAY_SIZE(v->wq); i++)
			v->wq[i] = (unsigned long)&v->wq[i];
		v->nr_cpu_ids = nr_cpu_ids;
		v->page_offset_base = page_offset_base;
		v->vmemmap_base = vmemmap_base;
		v->phys_base = phys_base;
		cpumask_copy(&v->possible, cpu_possible_mask);
		lvd_domain_values_refresh();
		/* Also copies the masks of the CPUs online now */
		ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "lvd/values:online",
					lvd_values_cpu_up, lvd_values_cpu_down);
		lvd_values_ready = ret >= 0;
	}
	mutex_unlock(&lvd_values_lock);
	return ret < 0 ? ret : 0;
}

/**
 * lvd_domain_values_refresh() - bring jiffies and system_state up to date
 *	in the copies
 *
 * Before each entry into a domain: a store only when one changed, so that
 * CPUs entering domains do not fight over the page.
 */
void lvd_domain_values_refresh(void)
{
	enum system_states state = READ_ONCE(system_state);
	u64 now = get_jiffies_64();

	if (READ_ONCE(lvd_values.v.jiffies) != now)
		WRITE_ONCE(lvd_values.v.jiffies, now);
	if (unlikely(READ_ONCE(lvd_values.v.system_state) != state))
		WRITE_ONCE(lvd_values.v.system_state, state);
}

/**
 * lvd_domain_values_page() - the page, for every domain to map read-only
 *
 * Return: its address.
 */
unsigned long lvd_domain_values_page(void)
{
	return (unsigned long)&lvd_values;
}

/**
 * lvd_domain_value() - where a domain reads its copy of a kernel variable
 * @name: the variable's symbol
 *
 * Return: the copy's address, or 0 when @name is none of the copies.
 */
unsigned long lvd_domain_value(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lvd_values_symbols); i++)
		if (!strcmp(lvd_values_symbols[i].name, name))
			return (unsigned long)lvd_values_symbols[i].copy;
	return 0;
}
