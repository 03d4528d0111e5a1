/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between LVD's test driver (drivers/lvd/lvd_test_driver.c),
 * built to run isolated in a domain, and its kernel side
 * (drivers/lvd/lvd_test_host.c), which offers it glue and calls it.
 */
#ifndef _LVD_TEST_DRIVER_H
#define _LVD_TEST_DRIVER_H

/*
 * What the kernel side asks the driver to do (lvd_test_driver_ops.act).
 * The first ones are legal, including the driver's attempts to misuse its
 * glue, which the glue must refuse; from LVD_TEST_ACT_FIRST_STOP on, each
 * breaks a rule of isolation, and the domain must be stopped.
 */
enum lvd_test_act {
	LVD_TEST_ACT_PING,		/* arg + its calls so far */
	LVD_TEST_ACT_SUM,		/* its own buffer, summed by the kernel */
	LVD_TEST_ACT_PRINT,		/* printk() with conversions */
	LVD_TEST_ACT_ALLOC,		/* kzalloc() and kmalloc(arg), kfree() */
	LVD_TEST_ACT_HEAP_FULL,		/* 4 KiB pieces until the heap is full */
	LVD_TEST_ACT_BAD_FREE,		/* kfree() of what it was not given */
	LVD_TEST_ACT_REENTER,		/* registers again from inside a call */
	LVD_TEST_ACT_STALE_HANDLE,	/* a handle it gave up */
	LVD_TEST_ACT_FORGED_HANDLE,	/* arg as a handle */
	LVD_TEST_ACT_FORGED_OPS,	/* ops that point at arg (kernel text) */
	LVD_TEST_ACT_SUM_KERNEL,	/* the kernel asked to sum arg, its memory */
	LVD_TEST_ACT_SLOW_PING,		/* ping; the kernel waits 1 s before */
	LVD_TEST_ACT_PRINT_WIDE,	/* printk() with widths of millions */
	LVD_TEST_ACT_RDTSC,		/* the TSC is not 0 */
	LVD_TEST_ACT_SUM_LARGE,		/* a 1000-byte buffer, summed by the kernel */
	LVD_TEST_ACT_OUT_PORT,		/* OUT to port arg: stops it, called without checksums */
	LVD_TEST_ACT_SLEEP,		/* msleep(arg): how far jiffies went */
	LVD_TEST_ACT_DELAY,		/* udelay(arg), ndelay(), mdelay(1) */
	LVD_TEST_ACT_CPUS,		/* nr_cpu_ids * 1000 + CPUs online */
	LVD_TEST_ACT_FIRST_STOP,
	LVD_TEST_ACT_READ_KERNEL = LVD_TEST_ACT_FIRST_STOP,
	LVD_TEST_ACT_WRITE_KERNEL,	/* arg: kernel data */
	LVD_TEST_ACT_WRITE_TEXT,	/* its own code */
	LVD_TEST_ACT_WRITE_RODATA,	/* its own read-only data */
	LVD_TEST_ACT_WRITE_GLUE,	/* the glue page */
	LVD_TEST_ACT_WRITE_MODULE,	/* its struct module (THIS_MODULE) */
	LVD_TEST_ACT_EXEC_DATA,		/* its own data */
	LVD_TEST_ACT_EXEC_KERNEL,	/* arg: kernel text */
	LVD_TEST_ACT_UD2,
	LVD_TEST_ACT_HLT,
	LVD_TEST_ACT_CLI,
	LVD_TEST_ACT_WRITE_CR3,		/* arg: page tables of its own */
	LVD_TEST_ACT_WRMSR,
	LVD_TEST_ACT_LIDT,
	LVD_TEST_ACT_MOV_DR7,
	LVD_TEST_ACT_XSETBV,
	LVD_TEST_ACT_WBINVD,
	LVD_TEST_ACT_OUTB,
	LVD_TEST_ACT_VMCALL,
	LVD_TEST_ACT_SYSCALL,
	LVD_TEST_ACT_INT3,
	LVD_TEST_ACT_SSE,
	LVD_TEST_ACT_STACK_OVERFLOW,
	LVD_TEST_ACT_VMFUNC_KERNEL,	/* to the kernel's view, then read arg */
	LVD_TEST_ACT_VMFUNC_OTHER,	/* arg: another domain's index */
	LVD_TEST_ACT_BAD_KCALL,		/* a kernel call it was not given */
	LVD_TEST_ACT_BAD_STACK,		/* a kernel call with RSP at arg */
	LVD_TEST_ACT_HEAP_OVERFLOW,	/* a write 1 MiB past a heap piece */
	LVD_TEST_ACT_DIV0,		/* a divide by arg, 0 */
	LVD_TEST_ACT_SPIN,		/* never returns */
	LVD_TEST_ACT_KCALL_LOOP,	/* calls kfree(NULL) for ever */
	LVD_TEST_ACT_RECURSE,		/* the kernel calls it back, and so on */
	LVD_TEST_ACT_SGDT,		/* instructions UMIP keeps from CPL 3 */
	LVD_TEST_ACT_SIDT,
	LVD_TEST_ACT_STR,
	LVD_TEST_ACT_SMSW,
	LVD_TEST_ACT_NET_MISUSE,	/* netdev glue naming what it lacks: 0-8 */
	LVD_TEST_ACT_NET_RTNL_HOLD,	/* returns holding rtnl_lock() */
	LVD_TEST_ACT_NET_RTNL_TWICE,	/* rtnl_lock() twice, then unlocks */
	LVD_TEST_ACT_NET_NAPI,		/* NAPI misuse, and a poll over budget */
	LVD_TEST_ACT_SLOW_KCALL,	/* arg kernel calls busy 300 ms each */
	LVD_TEST_ACT_BUSY,		/* busy arg TSC ticks (300 ms) in it */
	/* Its own locks (lvd_test_host's lock acts run these in threads) */
	LVD_TEST_ACT_LOCK_COUNT,	/* arg times: counters ++ under its locks */
	LVD_TEST_ACT_LOCK_READ,		/* mutex counter * 100000 + spin counter */
	LVD_TEST_ACT_COMPLETION_WAIT,	/* at most arg jiffies: 1 if it came */
	LVD_TEST_ACT_COMPLETE,		/* complete() what the above waits for */
	LVD_TEST_ACT_MUTEX_HOLD_SLEEP,	/* holds a mutex, asleep for arg ms */
	LVD_TEST_ACT_MUTEX_STEAL,	/* unlocks it (another's): trylock's result */
	LVD_TEST_ACT_MUTEX_WAIT,	/* waits for it */
	LVD_TEST_ACT_LOCK_MISUSE,	/* arg 0-2: a part; 0 if all refused */
	LVD_TEST_ACT_IRQ_OFF,		/* jiffies move for arg TSC ticks: held 0, else 1 */
	LVD_TEST_ACT_SPIN_HELD,		/* returns holding a spinlock */
	LVD_TEST_ACT_MUTEX_HELD,	/* returns holding a mutex */
	LVD_TEST_ACT_SPIN_TWICE,	/* spin_lock() of a lock it holds */
	LVD_TEST_ACT_SPIN_SLEEP,	/* msleep() under spin_lock_irqsave() */
	/* Its timers and work items, in its heap (glue/glue_timer.c) */
	LVD_TEST_ACT_HRTIMER_START,	/* fires arg times, 1 ms apart */
	LVD_TEST_ACT_TIMERS_READ,	/* fired: hrtimer + timer * 1000 + work * 10^6 */
	LVD_TEST_ACT_HRTIMER_CANCEL,	/* armed for 10 s, cancelled: 2 + active */
	LVD_TEST_ACT_TIMER_START,	/* timer_list in arg ms: timer_pending() */
	LVD_TEST_ACT_TIMER_CANCEL,	/* armed for 10 s, deleted: 2 + pending */
	LVD_TEST_ACT_WORK_QUEUE,	/* work that sleeps arg ms: queued */
	LVD_TEST_ACT_WORK_CANCEL,	/* cancel_work_sync() of it asleep: 10 */
	LVD_TEST_ACT_DWORK_QUEUE,	/* delayed work in arg ms: queued */
	LVD_TEST_ACT_DWORK_CANCEL,	/* in 10 s, cancelled: 1 */
	LVD_TEST_ACT_TIMERS_ARM,	/* each in arg ms: its struct lvd_test_timer_counts */
	LVD_TEST_ACT_TIMER_MISUSE,	/* arg 0-3: a part; 0 if all refused */
	LVD_TEST_ACT_HRTIMER_SELF_CANCEL, /* its callback cancels itself */
	LVD_TEST_ACT_HRTIMER_FORWARD_NOW, /* its callback: hrtimer_forward_now() */
	LVD_TEST_ACT_HRTIMER_RACE,	/* arg rounds of start and cancel; 0: the end */
	/* Glue a NIC driver uses (e1000) */
	LVD_TEST_ACT_VMALLOC,		/* vzalloc(), vmalloc(), vfree(); vfree(arg) */
	LVD_TEST_ACT_FIND_BIT,		/* the bitmap searches: count * 10^5 + sum */
	LVD_TEST_ACT_MSLEEP_INTR,	/* msleep_interruptible(arg): ret * 10^5 + jiffies */
	LVD_TEST_ACT_SYSTEM_STATE,	/* system_state */
	LVD_TEST_ACT_BH,		/* BHs off for arg TSC ticks, a timer due */
	LVD_TEST_ACT_HEX_DUMP,		/* print_hex_dump() of its buffer, and of arg */
	LVD_TEST_ACT_PUT_PAGE,		/* get_page(), put_page(); __folio_put(arg) */
	LVD_TEST_ACT_STRUCT_PAGE,	/* glue copies to and from its pages' struct pages */
	LVD_TEST_NR_ACTS
};

/**
 * struct lvd_test_timer_counts - how often the driver's callbacks ran
 * @hrtimer: its hrtimer's
 * @timer: its timer_list's
 * @work: its work items' (a sleeping one counts once it woke)
 * @asleep: its sleeping work item began, since it was last queued
 */
struct lvd_test_timer_counts {
	unsigned long hrtimer;
	unsigned long timer;
	unsigned long work;
	unsigned long asleep;
};

/**
 * struct lvd_test_driver_ops - what the driver registers with the kernel
 * @act: do @act (enum lvd_test_act) with @arg
 */
struct lvd_test_driver_ops {
	long (*act)(unsigned long act, unsigned long arg);
};

/* Glue (the kernel side's): a handle, or a negative errno */
long lvd_test_driver_register(const struct lvd_test_driver_ops *ops);
long lvd_test_driver_unregister(long handle);
long lvd_test_driver_sum(long handle, const void *buf, unsigned long len);
long lvd_test_driver_call_back(long handle, unsigned long depth);
long lvd_test_driver_busy(long handle, unsigned long ms);

#endif /* _LVD_TEST_DRIVER_H */
