/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LVD's core state, shared by the files of arch/x86/lvd/.
 */
#ifndef _ARCH_X86_LVD_LVD_H
#define _ARCH_X86_LVD_LVD_H

#include "hv/caps.h"

/**
 * struct lvd_state - what LVD found at boot
 * @available:	every CPU offers what LVD needs
 * @reason:	why LVD is unavailable (empty when available)
 * @cpus_checked: how many CPUs were probed
 * @msrs:	the VMX capability MSRs (identical on all CPUs when available)
 * @caps:	@msrs decoded
 * @hv_active:	the hypervisor was started
 * @hv_off:	why the hypervisor is not running (when !@hv_active)
 */
struct lvd_state {
	bool available;
	char reason[192];
	unsigned int cpus_checked;
	struct lvd_vmx_msrs msrs;
	struct lvd_caps caps;
	bool hv_active;
	char hv_off[192];
};

int lvd_probe(struct lvd_state *st);
void lvd_debugfs_init(const struct lvd_state *st);

#endif /* _ARCH_X86_LVD_LVD_H */
