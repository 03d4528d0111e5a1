/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The watchdog of CPUs in domains (domain_watchdog.c).
 */
#ifndef _ARCH_X86_LVD_DOMAIN_WATCHDOG_H
#define _ARCH_X86_LVD_DOMAIN_WATCHDOG_H

#include <linux/types.h>

u64 lvd_watchdog_now(void);
u64 lvd_watchdog_count_from(u64 mark, u64 ran, u64 fresh);
u64 lvd_watchdog_kcall_excess(u64 took);
bool lvd_watchdog_over(u64 slice, u64 ran, bool task);
void lvd_watchdog_watch(u64 since);
int lvd_watchdog_start(void);
bool lvd_watchdog_timer_wanted(void);
void lvd_watchdog_tick_elsewhere(void);
bool lvd_watchdog_timer_works(void);	/* CONFIG_LVD_TEST_HOOKS only */
void lvd_watchdog_timer_arm(u64 now);

#endif /* _ARCH_X86_LVD_DOMAIN_WATCHDOG_H */
