// SPDX-License-Identifier: GPL-2.0
/*
 * A domain's stacks. Every call into a domain runs on a stack of the
 * domain's, which calls back into it from its kernel calls share:
 *
 * - A call that may sleep (from a task, preemptible) runs on a stack of
 *   the task's own, which the outermost such call of the task takes from
 *   the domain's pool and gives back when it returns. In between, the task
 *   may sleep in a kernel call, be preempted and move to another CPU: what
 *   the domain left with is in the call's frame, on the task's kernel
 *   stack. The task finds its stack through a preempt notifier, whose
 *   callbacks stop and start the watchdog's count of the calls' time.
 *
 * - Any other call (from interrupt context, or with preemption or
 *   interrupts off) runs on the CPU's stack for the domain. Such calls
 *   cannot sleep or leave the CPU, so they nest strictly, each below the
 *   stack pointer of the call it interrupted or was called from.
 *
 * Stacks are vmalloc()ed: below each is the guard page that ends the
 * vmalloc area below it, mapped neither in the kernel nor in the domain,
 * so a domain that overflows a stack faults rather than writing another.
 */

#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/topology.h>
#include <linux/vmalloc.h>
#include <lvd/domain.h>
#include "domain/domain_stack.h"
#include "domain/domain_watchdog.h"

/*
 * The watchdog counts the time the calls on a stack run on a CPU
 * (domain_call.c): not while their task is switched out.
 */
static void lvd_domain_task_sched_in(struct preempt_notifier *pn, int cpu)
{
	struct lvd_domain_stack *st = container_of(pn, struct lvd_domain_task,
						   pn)->st;

	if (st->depth)
		st->mark = lvd_watchdog_now();
}

static void lvd_domain_task_sched_out(struct preempt_notifier *pn,
				      struct task_struct *next)
{
	struct lvd_domain_stack *st = container_of(pn, struct lvd_domain_task,
						   pn)->st;

	if (st->mark) {
		st->ran += lvd_watchdog_now() - st->mark;
		st->mark = 0;
	}
}

static struct preempt_ops lvd_domain_task_ops = {
	.sched_in = lvd_domain_task_sched_in,
	.sched_out = lvd_domain_task_sched_out,
};

/* Memory for a stack, on @node, given to the domain read-write. */
static int lvd_domain_stack_alloc(struct lvd_domain *d,
				  struct lvd_domain_stack *st, int node)
{
	void *mem = vzalloc_node(LVD_DOMAIN_STACK_SIZE, node);
	int ret;

	if (!mem)
		return -ENOMEM;
	ret = lvd_domain_give(d, (unsigned long)mem, LVD_DOMAIN_STACK_SIZE,
			      LVD_DOMAIN_READ | LVD_DOMAIN_WRITE);
	if (ret) {
		/* Never used: pages given before the failure go with the domain. */
		vfree(mem);
		return ret;
	}
	st->base = (unsigned long)mem;
	st->top = st->base + LVD_DOMAIN_STACK_SIZE;
	return 0;
}

/* A free task stack: this CPU's spare, or into the pool */
static void lvd_domain_stack_put(struct lvd_domain *d,
				 struct lvd_domain_stack *st)
{
	st = this_cpu_xchg(*d->spare, st);
	if (!st)
		return;
	spin_lock(&d->pool_lock);
	list_add(&st->pool, &d->pool);
	spin_unlock(&d->pool_lock);
}

/**
 * lvd_domain_stacks_init() - a stack for each possible CPU
 * @d: a new domain
 *
 * Return: 0, -ENOMEM, or an error of lvd_domain_give().
 */
int lvd_domain_stacks_init(struct lvd_domain *d)
{
	unsigned int cpu;
	int ret;

	spin_lock_init(&d->pool_lock);
	INIT_LIST_HEAD(&d->pool);
	d->spare = alloc_percpu(struct lvd_domain_stack *);
	if (!d->spare)
		return -ENOMEM;
	d->cpu_stacks = alloc_percpu(struct lvd_domain_stack);
	if (!d->cpu_stacks)
		return -ENOMEM;
	/* Task stacks are found through preempt notifiers (as KVM's vCPUs). */
	preempt_notifier_inc();
	for_each_possible_cpu(cpu) {
		ret = lvd_domain_stack_alloc(d, per_cpu_ptr(d->cpu_stacks, cpu),
					     cpu_to_node(cpu));
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * lvd_domain_stacks_free() - free a domain's stacks
 * @d: the domain, with no call in flight and out of every CPU's EPT
 *
 * Also after lvd_domain_stacks_init() failed.
 */
void lvd_domain_stacks_free(struct lvd_domain *d)
{
	struct lvd_domain_stack *st, *next;
	unsigned int cpu;

	if (d->spare) {
		for_each_possible_cpu(cpu) {
			st = *per_cpu_ptr(d->spare, cpu);
			if (st)
				list_add(&st->pool, &d->pool);
		}
		free_percpu(d->spare);
	}
	if (!d->cpu_stacks)
		return;
	list_for_each_entry_safe(st, next, &d->pool, pool) {
		vfree((void *)st->base);
		kfree(st);
	}
	for_each_possible_cpu(cpu)
		vfree((void *)per_cpu_ptr(d->cpu_stacks, cpu)->base);
	free_percpu(d->cpu_stacks);
	preempt_notifier_dec();
}

/**
 * lvd_domain_stack_add() - one more stack in a domain's pool of task stacks
 * @d: the domain
 *
 * May sleep.
 *
 * Return: 0, -ENOMEM, or an error of lvd_domain_give().
 */
int lvd_domain_stack_add(struct lvd_domain *d)
{
	struct lvd_domain_stack *st = kzalloc(sizeof(*st), GFP_KERNEL);
	int ret;

	if (!st)
		return -ENOMEM;
	ret = lvd_domain_stack_alloc(d, st, numa_node_id());
	if (ret) {
		kfree(st);
		return ret;
	}
	lvd_domain_stack_put(d, st);
	return 0;
}

/* A task stack: this CPU's spare, or one from the pool, or NULL */
static struct lvd_domain_stack *lvd_domain_stack_take(struct lvd_domain *d)
{
	struct lvd_domain_stack *st = this_cpu_xchg(*d->spare, NULL);

	if (st)
		return st;
	spin_lock(&d->pool_lock);
	st = list_first_entry_or_null(&d->pool, struct lvd_domain_stack, pool);
	if (st)
		list_del(&st->pool);
	spin_unlock(&d->pool_lock);
	return st;
}

/* The current task's entry in @d, if it is inside on a stack of its own */
static struct lvd_domain_task *lvd_domain_task_find(struct lvd_domain *d)
{
	struct preempt_notifier *pn;
	struct lvd_domain_task *in;

	hlist_for_each_entry(pn, &current->preempt_notifiers, link) {
		if (pn->ops != &lvd_domain_task_ops)
			continue;
		in = container_of(pn, struct lvd_domain_task, pn);
		if (in->d == d)
			return in;
	}
	return NULL;
}

/**
 * lvd_domain_task_inside() - is the current task in a call into a domain
 * on a stack of its own?
 * @d: the domain
 *
 * Preemption off.
 *
 * Return: true when it is.
 */
bool lvd_domain_task_inside(struct lvd_domain *d)
{
	return lvd_domain_task_find(d);
}

/**
 * lvd_domain_task_enter() - the current task's stack in a domain
 * @d: the domain
 * @t: room for the task's entry, if it is not inside @d yet
 *
 * The stack of the task's call into @d in progress (a call back into the
 * domain from one of its kernel calls), or a free stack of the domain's,
 * which @t then holds until lvd_domain_task_leave(). Preemption off.
 *
 * Return: the stack, or NULL when the domain has no free one
 * (lvd_domain_stack_add() makes one); @t->d is NULL unless @t holds it.
 */
struct lvd_domain_stack *lvd_domain_task_enter(struct lvd_domain *d,
					       struct lvd_domain_task *t)
{
	struct lvd_domain_task *in = lvd_domain_task_find(d);
	struct lvd_domain_stack *st;

	t->d = NULL;
	if (in)
		return in->st;
	st = lvd_domain_stack_take(d);
	if (!st)
		return NULL;
	st->depth = 0;
	st->mark = 0;
	st->top = st->base + LVD_DOMAIN_STACK_SIZE;
	t->d = d;
	t->st = st;
	preempt_notifier_init(&t->pn, &lvd_domain_task_ops);
	preempt_notifier_register(&t->pn);
	return st;
}

/**
 * lvd_domain_task_leave() - the task's outermost call into a domain is over
 * @t: as lvd_domain_task_enter() filled it, holding a stack
 *
 * The stack is free again. Preemption off.
 */
void lvd_domain_task_leave(struct lvd_domain_task *t)
{
	preempt_notifier_unregister(&t->pn);
	lvd_domain_stack_put(t->d, t->st);
}
