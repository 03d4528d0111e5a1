/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A domain's stacks (domain_stack.c), as calls into it (domain_call.c)
 * find them.
 */
#ifndef _ARCH_X86_LVD_DOMAIN_STACK_H
#define _ARCH_X86_LVD_DOMAIN_STACK_H

#include <linux/preempt.h>
#include "domain/domain_priv.h"

/**
 * struct lvd_domain_task - a task inside a domain, on a stack of its own
 * @pn: on the task's list of preempt notifiers, where the task finds it
 * @d: the domain
 * @st: the task's stack there
 */
struct lvd_domain_task {
	struct preempt_notifier pn;
	struct lvd_domain *d;
	struct lvd_domain_stack *st;
};

int lvd_domain_stacks_init(struct lvd_domain *d);
void lvd_domain_stacks_free(struct lvd_domain *d);
int lvd_domain_stack_add(struct lvd_domain *d);
struct lvd_domain_stack *lvd_domain_task_enter(struct lvd_domain *d,
					       struct lvd_domain_task *t);
void lvd_domain_task_leave(struct lvd_domain_task *t);
bool lvd_domain_task_inside(struct lvd_domain *d);

#endif /* _ARCH_X86_LVD_DOMAIN_STACK_H */
