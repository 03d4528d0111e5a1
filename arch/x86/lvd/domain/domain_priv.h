/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A domain as the kernel knows it, shared by its life cycle and memory
 * (domain.c) and the calls into it (domain_call.c).
 */
#ifndef _ARCH_X86_LVD_DOMAIN_PRIV_H
#define _ARCH_X86_LVD_DOMAIN_PRIV_H

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <lvd/domain.h>
#include "domain/domain_pt.h"

/* A stack in a domain: 16 KiB */
#define LVD_DOMAIN_STACK_SIZE	(4 * PAGE_SIZE)

/**
 * struct lvd_domain_stack - a stack of a domain's, and the calls on it
 * @base: its lowest address (a guard page, never mapped, is below)
 * @top: where the next call on it starts: its end, or below the stack
 *	pointer of the call on it that made a kernel call or was interrupted
 * @ran: how long the calls on it had run on a CPU at @mark (ns), since
 *	the outermost began: in the domain and in its kernel calls
 * @mark: when they last went on running (began, or their task was
 *	switched in), 0 while they are not running (their task is not)
 * @depth: the calls on it in progress
 * @entered: how many calls began on it (wraps): one a kernel call made
 *	into the domain again says that call's time is partly the domain's
 * @levels: on a CPU's stack, the calls in progress from each context
 *	(interrupt_context_level()): whose holds end with the outermost
 * @pool: in the domain's pool of task stacks, while no task has it
 */
struct lvd_domain_stack {
	unsigned long base;
	unsigned long top;
	u64 ran;
	u64 mark;
	unsigned int depth;
	unsigned int entered;
	u8 levels[4];
	struct list_head pool;
};

/**
 * struct lvd_domain - a domain, as the kernel knows it
 * @index: its slot in the EPTP list, the index VMFUNC switches to
 * @lock: serialises changes to @pt
 * @pt: its page tables
 * @pt_in_ept: how many of @pt's tables its EPT maps (read-only)
 * @cpu_stacks: per CPU, the stack of calls that cannot leave the CPU
 * @spare: per CPU, a task stack no task has, or NULL
 * @pool_lock: protects @pool
 * @pool: the other task stacks no task has (domain_stack.c)
 * @kcalls: the kernel functions it may call
 * @nr_kcalls: how many
 * @inside: the CPUs running in it
 * @stopping: set once, by the first CPU to stop it
 * @stopped: set once @fault is complete
 * @dying: lvd_domain_destroy() has begun: no call may start
 * @stop_wq: lvd_domain_wait() sleeps on it, woken when @stopped or @dying
 * @fault: why it was stopped
 * @name: what it runs, for messages
 * @heap: its heap, if it has one
 * @percpu: its per-CPU area, if it has one (domain_percpu.c)
 * @holds_lock: protects @holds
 * @holds: what tasks hold for it (domain_hold.c)
 * @locks: the kernel's shadows of its locks, by their address in it
 *	(domain_lock.c)
 * @nr_locks: how many
 * @timers: the kernel's shadows of its timers and work items, by their
 *	address in it (domain_timer.c)
 * @nr_timers: how many
 * @pages: its pages (domain_pages.c), by frame number, free ones marked
 * @nr_pages: how many
 * @afterlife: kernel memory freed after it (lvd_domain_free_after()),
 *	under @lock
 */
struct lvd_domain {
	unsigned int index;
	struct mutex lock;	/* serialises changes to @pt */
	struct lvd_pt pt;
	unsigned int pt_in_ept;
	struct lvd_domain_stack __percpu *cpu_stacks;
	struct lvd_domain_stack * __percpu *spare;
	spinlock_t pool_lock;	/* protects @pool */
	struct list_head pool;
	const struct lvd_kcall *kcalls;
	unsigned int nr_kcalls;
	struct cpumask inside;
	atomic_t stopping;
	atomic_t stopped;
	bool dying;
	wait_queue_head_t stop_wq;
	struct lvd_domain_fault fault;
	char name[LVD_DOMAIN_NAME_LEN];
	struct lvd_domain_heap *heap;
	struct lvd_domain_heap *percpu;
	spinlock_t holds_lock;	/* protects @holds */
	struct list_head holds;
	struct xarray locks;
	atomic_t nr_locks;
	struct xarray timers;
	atomic_t nr_timers;
	struct xarray pages;
	atomic_t nr_pages;
	struct list_head afterlife;
	spinlock_t ports_lock;	/* protects @ports */
	struct {
		unsigned long base;
		unsigned long len;
	} ports[LVD_DOMAIN_PORT_RANGES];
};

struct lvd_cross_frame;
bool lvd_domain_port_io(struct lvd_domain *d, struct lvd_cross_frame *f);
long lvd_domain_hypercall(unsigned long nr, unsigned long a0,
			  unsigned long a1, unsigned long a2);
int lvd_domain_map_new_tables(struct lvd_domain *d);
void lvd_domain_flush_all(struct lvd_domain *d);
unsigned int lvd_domain_holds_release(struct lvd_domain *d);
void lvd_domain_pages_destroy(struct lvd_domain *d);
int lvd_domain_give_page_at(struct lvd_domain *d, unsigned long va,
			    phys_addr_t pa);
bool lvd_domain_holds_any(struct lvd_domain *d, unsigned int flag);

/* What a shadow lock stands for in the domain */
enum lvd_domain_lock_kind {
	LVD_DOMAIN_LOCK_SPIN = 1,	/* spinlock_t */
	LVD_DOMAIN_LOCK_MUTEX,		/* struct mutex */
	LVD_DOMAIN_LOCK_COMPLETION,	/* struct completion */
};

/**
 * struct lvd_domain_lock - the kernel's shadow of a lock in a domain
 * @hold: held by a task for the domain (spinlock, mutex)
 * @d: the domain
 * @lock: protects the fields below
 * @addr: the lock's address in the domain
 * @kind: what it is (enum lvd_domain_lock_kind)
 * @held: a task holds it
 * @waiters: tasks waiting for it, on the domain's @stop_wq
 * @done: a completion's count (UINT_MAX: completed for all)
 */
struct lvd_domain_lock {
	struct lvd_domain_hold hold;
	struct lvd_domain *d;
	spinlock_t lock;	/* protects the fields below */
	unsigned long addr;
	unsigned int kind;
	bool held;
	unsigned int waiters;
	unsigned int done;
};

struct lvd_domain_lock *lvd_domain_lock_get(struct lvd_domain *d,
					    unsigned long addr,
					    unsigned int kind, size_t size);
void lvd_domain_locks_destroy(struct lvd_domain *d);

/* What a shadow timer was last set up as in the domain */
enum lvd_domain_timer_kind {
	LVD_DOMAIN_TIMER_HR = 1,	/* struct hrtimer */
	LVD_DOMAIN_TIMER_LIST,		/* struct timer_list */
	LVD_DOMAIN_TIMER_WORK,		/* struct work_struct */
	LVD_DOMAIN_TIMER_DWORK,		/* struct delayed_work */
};

/**
 * struct lvd_domain_timer - the kernel's shadow of a timer or work item
 *	in a domain
 * @d: the domain
 * @addr: the domain's object's address there
 * @lock: serialises the glue's changes to the kernel objects below
 * @kind: what the domain last set it up as (enum lvd_domain_timer_kind)
 * @fn: the domain's callback, bound (lvd_domain_fn_bind()), or 0
 * @firing: the CPU (plus one) whose callback is in the domain now, or 0
 * @worker: the task whose work callback is in the domain now, or NULL
 * @canceling: cancels that wait: the domain may not queue it meanwhile
 * @queued: how often the glue queued the work item (or armed the delayed
 *	work) and the kernel took it
 * @finished: how many of those have run, or were cancelled before
 * @expires: the hrtimer's expiry when its callback began
 * @hr: the kernel's hrtimer
 * @tl: the kernel's timer_list
 * @dw: the kernel's work item (@dw.work) and delayed work
 *
 * The kernel objects run the glue's functions, which call @fn in the
 * domain with @addr; none of them is ever in the domain's memory.
 */
struct lvd_domain_timer {
	struct lvd_domain *d;
	unsigned long addr;
	spinlock_t lock;	/* serialises changes to the kernel objects */
	unsigned int kind;
	unsigned long fn;
	int firing;
	struct task_struct *worker;
	unsigned int canceling;
	unsigned long queued;
	unsigned long finished;
	ktime_t expires;
	struct hrtimer hr;
	struct timer_list tl;
	struct delayed_work dw;
};

struct lvd_domain_timer *
lvd_domain_timer_get(struct lvd_domain *d, unsigned long addr, size_t size,
		     void (*setup)(struct lvd_domain_timer *s));
void lvd_domain_timers_stop(struct lvd_domain *d);
void lvd_domain_timers_destroy(struct lvd_domain *d);

/*
 * Calls in flight (domain_call.c) are read sections of it, which
 * lvd_domain_destroy() (domain.c) waits for.
 */
extern struct srcu_struct lvd_domain_srcu;

#endif /* _ARCH_X86_LVD_DOMAIN_PRIV_H */
