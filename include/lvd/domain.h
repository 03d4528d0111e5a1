/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LVD domains: an isolated driver's code runs at CPL 3 on page tables of
 * its own, in an EPT of its own, in a slot of the EPTP list that VMFUNC
 * switches through.
 */
#ifndef _LVD_DOMAIN_H
#define _LVD_DOMAIN_H

#include <linux/list.h>
#include <linux/types.h>

struct page;
struct task_struct;

/* Access a domain gets to memory it is given (EPT permissions) */
#define LVD_DOMAIN_READ		0x1
#define LVD_DOMAIN_WRITE	0x2
#define LVD_DOMAIN_EXEC		0x4

/* Arguments of a call into a domain: RDI, RSI, RDX, RCX, R8, R9 */
#define LVD_DOMAIN_ARGS		6

/* Why a domain was stopped, beyond the CPU's exception vectors */
#define LVD_DOMAIN_FAULT_WATCHDOG	256	/* a call ran too long */
#define LVD_DOMAIN_FAULT_BAD_CALL	257	/* called no kernel function */
#define LVD_DOMAIN_FAULT_BAD_STACK	258	/* called with a stack not its own */
#define LVD_DOMAIN_FAULT_TOO_DEEP	259	/* nested beyond the kernel's stack */
#define LVD_DOMAIN_FAULT_SLEEP_IN_ATOMIC 260	/* a sleeping kernel call, atomic */
#define LVD_DOMAIN_FAULT_LOCK_HELD	261	/* returned holding a kernel lock */
#define LVD_DOMAIN_FAULT_DEADLOCK	262	/* waits for a lock it cannot get */

/* The longest name of a domain, with its NUL */
#define LVD_DOMAIN_NAME_LEN	56

/* How many ranges of I/O ports a domain may be granted (domain_ports.c) */
#define LVD_DOMAIN_PORT_RANGES	8

struct lvd_domain;

/**
 * typedef lvd_kcall_fn - a kernel function a domain may call
 * @d: the domain that called it
 * @args: the call's six argument registers (RDI, RSI, RDX, RCX, R8, R9),
 *	as the domain left them: hostile
 *
 * Listed with lvd_domain_set_kcalls(); glue (&struct lvd_glue) is one.
 * It runs with the interrupt state of the call into the domain that led
 * to it, and with preemption off unless it is marked %LVD_KCALL_MAY_SLEEP:
 * then it runs in the context of a call that may sleep, or not at all.
 *
 * Return: what the domain gets in RAX.
 */
typedef unsigned long (*lvd_kcall_fn)(struct lvd_domain *d,
				      const unsigned long args[6]);

/* The kernel call may sleep: made from atomic context, it stops the domain */
#define LVD_KCALL_MAY_SLEEP	0x1

/**
 * struct lvd_kcall - an entry of a domain's table of kernel calls
 * @fn: the function
 * @flags: %LVD_KCALL_MAY_SLEEP, or 0 for a call that never sleeps
 */
struct lvd_kcall {
	lvd_kcall_fn fn;
	unsigned int flags;
};

/**
 * struct lvd_domain_fault - why a domain was stopped
 * @vector: the exception vector it raised, or why else it was stopped:
 *	%LVD_DOMAIN_FAULT_WATCHDOG (a call ran too long),
 *	%LVD_DOMAIN_FAULT_BAD_CALL (it called no kernel function),
 *	%LVD_DOMAIN_FAULT_BAD_STACK (it called the kernel with a stack not its
 *	own), %LVD_DOMAIN_FAULT_TOO_DEEP (calls nested beyond the kernel's
 *	stack or its own), %LVD_DOMAIN_FAULT_SLEEP_IN_ATOMIC (it made a kernel
 *	call that may sleep from a call into it that may not, or holding a
 *	spinlock), %LVD_DOMAIN_FAULT_LOCK_HELD (a call returned holding a
 *	lock), %LVD_DOMAIN_FAULT_DEADLOCK (it waited for a lock that its own
 *	task, or the task it interrupted, holds, or for too long)
 * @error_code: the exception's error code
 * @rip: where the CPU was
 * @rsp: the stack pointer there
 * @cr2: the faulting address of a page fault
 * @cpl: the privilege level there (3: the domain's own code)
 * @cpu: the CPU it ran on
 */
struct lvd_domain_fault {
	unsigned int vector;
	unsigned long error_code;
	unsigned long rip;
	unsigned long rsp;
	unsigned long cr2;
	unsigned int cpl;
	unsigned int cpu;
};

/**
 * struct lvd_domain_fn - a function pointer a domain handed the kernel
 * @d: the domain it runs in
 * @fn: its address there
 */
struct lvd_domain_fn {
	struct lvd_domain *d;
	unsigned long fn;
};

/**
 * struct lvd_domain_watch - what the glue page's deferring routines see of
 *	the object a call into the domain is about (include/lvd/glue.h)
 * @obj: the object, as the domain names it
 * @mark: LVD_GLUE_MARK_*: where it is, as the routines record it
 * @ran: set by the completing routine when it ran @fn
 * @fn: a function of the domain's that the completing routine runs on the
 *	object, in the domain, in place of recording its completion: the
 *	object's completion, where the kernel would run it at once; or 0
 *
 * One in each CPU's unit of the domain's per-CPU area, which the domain
 * may write: the kernel reads @mark only as the calls the domain could
 * have made itself, for the object the kernel knows it watches.
 */
struct lvd_domain_watch {
	unsigned long obj;
	unsigned int mark;
	unsigned int ran;
	unsigned long fn;
};

/* A hold keeps the task from sleeping and from being preempted (a spinlock) */
#define LVD_DOMAIN_HOLD_ATOMIC	0x1
/* ... and keeps interrupts off in the domain and its kernel calls */
#define LVD_DOMAIN_HOLD_IRQ_OFF	0x2

/**
 * struct lvd_domain_hold - something a task holds for a domain
 * @node: on the domain's list
 * @task: the task
 * @level: the context it was taken in (interrupt_context_level(): 0 for
 *	the task, 1 softirq, 2 hardirq): a call from an interrupt handler
 *	holds apart from the task it interrupted
 * @flags: %LVD_DOMAIN_HOLD_ATOMIC, %LVD_DOMAIN_HOLD_IRQ_OFF, set by the
 *	caller of lvd_domain_hold()
 * @release: releases it, if the domain has not when the task's outermost
 *	call into it (in that context) ends; may sleep unless @flags has
 *	%LVD_DOMAIN_HOLD_ATOMIC
 */
struct lvd_domain_hold {
	struct list_head node;
	struct task_struct *task;
	unsigned int level;
	unsigned int flags;
	void (*release)(struct lvd_domain_hold *h);
};

/**
 * struct lvd_domain_afterlife - kernel memory that a domain was given and
 *	that goes back only once it is destroyed
 * @node: on the domain's list
 * @free: frees the memory (and the struct, if it should go); called after
 *	the domain's EPT is gone from every CPU, in process context
 */
struct lvd_domain_afterlife {
	struct list_head node;
	void (*free)(struct lvd_domain_afterlife *a);
};

struct lvd_domain *lvd_domain_create(void);
int lvd_domain_map(struct lvd_domain *d, phys_addr_t pa, size_t size,
		   unsigned int access);
int lvd_domain_give(struct lvd_domain *d, unsigned long va, size_t size,
		    unsigned int access);
int lvd_domain_call(struct lvd_domain *d, unsigned long fn,
		    const unsigned long args[LVD_DOMAIN_ARGS], unsigned long *ret);
int lvd_domain_calls_begin(void);
void lvd_domain_calls_end(int idx);
void lvd_domain_set_kcalls(struct lvd_domain *d, const struct lvd_kcall *kcalls,
			   unsigned int n);
int lvd_domain_copy_from(struct lvd_domain *d, void *dst, unsigned long src,
			 size_t len);
ssize_t lvd_domain_copy_string(struct lvd_domain *d, char *dst,
			       unsigned long src, size_t size);
int lvd_domain_copy_to(struct lvd_domain *d, unsigned long dst, const void *src,
		       size_t len);
void lvd_domain_count_copy(bool to_domain, size_t len);
bool lvd_domain_stopped(struct lvd_domain *d, struct lvd_domain_fault *fault);
int lvd_domain_wait(struct lvd_domain *d, u64 ns);
unsigned long lvd_domain_kcall_sp(struct lvd_domain *d);
void lvd_domain_destroy(struct lvd_domain *d);
unsigned int lvd_domain_index(const struct lvd_domain *d);
/*
 * For LVD's test modules only (CONFIG_LVD_TEST_HOOKS, namespace LVD_TEST):
 * a checksum of the kernel's text and read-only data, whether a canary
 * page in the kernel's .data is intact, a fault injected into a domain
 * (or an isolated module's) from the kernel, and the bytes copied between
 * the kernel and domains
 */
u64 lvd_kernel_image_sum(void);
bool lvd_kernel_data_intact(void);
void lvd_domain_stop_now(struct lvd_domain *d);
int lvd_module_stop(const char *name);
u64 lvd_domain_copied_all(bool to_domain);

void lvd_domain_hold(struct lvd_domain *d, struct lvd_domain_hold *h);
bool lvd_domain_unhold(struct lvd_domain *d, struct lvd_domain_hold *h);
bool lvd_domain_holds_mine(const struct lvd_domain_hold *h, bool below);
void lvd_domain_stop_for(struct lvd_domain *d, unsigned int why);
int lvd_domain_add_heap(struct lvd_domain *d, size_t size);
unsigned long lvd_domain_alloc(struct lvd_domain *d, size_t size);
struct page *lvd_domain_page_alloc(struct lvd_domain *d);
bool lvd_domain_page_free(struct lvd_domain *d, struct page *page);
bool lvd_domain_may_access(struct lvd_domain *d, unsigned long va,
			   size_t len, bool write);
void lvd_domain_free_after(struct lvd_domain *d, struct lvd_domain_afterlife *a);
int lvd_domain_map_device(struct lvd_domain *d, unsigned long va,
			  phys_addr_t pa, size_t size);
int lvd_domain_unmap_device(struct lvd_domain *d, unsigned long va,
			    phys_addr_t pa, size_t size);
int lvd_domain_ports_allow(struct lvd_domain *d, unsigned long base,
			   unsigned long len);
void lvd_domain_ports_deny(struct lvd_domain *d, unsigned long base);
void lvd_domain_free(struct lvd_domain *d, unsigned long va);
int lvd_domain_add_percpu(struct lvd_domain *d);
unsigned long lvd_domain_percpu_alloc(struct lvd_domain *d, size_t size);
bool lvd_domain_percpu_free(struct lvd_domain *d, unsigned long p);
struct lvd_domain_watch *lvd_domain_watch(struct lvd_domain *d);
void *lvd_domain_percpu_ptr(struct lvd_domain *d, unsigned long p,
			    size_t size, unsigned int cpu);
void lvd_domain_set_name(struct lvd_domain *d, const char *name);
const char *lvd_domain_name(const struct lvd_domain *d);
int lvd_domain_fn_bind(struct lvd_domain_fn *f, struct lvd_domain *d,
		       unsigned long fn);
int lvd_domain_fn_call(const struct lvd_domain_fn *f,
		       const unsigned long args[LVD_DOMAIN_ARGS],
		       unsigned long *ret);

#endif /* _LVD_DOMAIN_H */
