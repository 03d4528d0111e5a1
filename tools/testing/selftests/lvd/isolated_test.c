// SPDX-License-Identifier: GPL-2.0
/*
 * A driver isolated through Kconfig, for real: lvd_test_driver is built to
 * run in an LVD domain (CONFIG_LVD_TEST_DRIVER_LVD_ISOLATED), loaded with
 * modprobe, called by its kernel side (lvd_test_host) and calling it back
 * through glue. Asked to, it misuses its glue, which refuses, and attacks
 * the kernel, which stops it; after each attack the kernel is alive, the
 * domain stopped, the kernel's text, rodata and a canary unchanged, and a
 * reloaded driver works.
 *
 * Needs the hypervisor: run with LVD_EXPECT=available.
 */

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/io.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/elf.h>

#include "../kselftest_harness.h"
#include "lvd_domain_faults.h"
#include "lvd_files.h"

#define LVD_ACT		"/sys/kernel/debug/lvd_test_driver/act"

/* Ask the driver to do @act (with @arg); its result line goes to @buf. */
static int act(const char *what, unsigned long arg, char *buf, size_t size)
{
	char cmd[64];
	int ret;

	snprintf(cmd, sizeof(cmd), "%s %lu", what, arg);
	ret = write_text(LVD_ACT, cmd);
	if (ret)
		return ret;
	return read_text(LVD_ACT, buf, size) > 0 ? 0 : -1;
}

FIXTURE(iso) {
	char result[256];
};

FIXTURE_SETUP(iso)
{
	if (!hv_expected())
		SKIP(return, "no VMX, or lvd=off: no domains");
	ASSERT_EQ(0, system("dmesg -c > /dev/null"));
	ASSERT_EQ(0, system("modprobe lvd_test_driver"));
}

FIXTURE_TEARDOWN(iso)
{
	if (loaded("lvd_test_driver"))
		system("rmmod lvd_test_driver");
}

/* Loaded into a domain of its own; the kernel's call comes back. */
TEST_F(iso, loads_into_its_domain_and_answers)
{
	ASSERT_TRUE(logged("lvd: lvd_test_driver: isolated in domain"));
	ASSERT_TRUE(logged("lvd_test_driver: registered, handle"));
	ASSERT_EQ(0, act("ping", 41, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 42 canary intact\n", self->result);
	ASSERT_EQ(0, act("ping", 41, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 43 canary intact\n", self->result);
}

/*
 * It hands the kernel a buffer of its own: bytes 0 to 63 sum to 2016; and
 * one of 1000 bytes, which the glue copies 64 bytes at a time.
 */
TEST_F(iso, kernel_reads_its_buffer_through_glue)
{
	unsigned long sum = 0, i;
	char want[64];

	ASSERT_EQ(0, act("sum", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 2016 canary intact\n", self->result);
	for (i = 0; i < 1000; i++)
		sum += (unsigned char)(i * 7);
	snprintf(want, sizeof(want), "err 0 ret %lu canary intact\n", sum);
	ASSERT_EQ(0, act("sum-large", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ(want, self->result);
}

/* printk() with conversions, formatted by the kernel from its registers */
TEST_F(iso, printk_through_glue)
{
	ASSERT_EQ(0, act("print", 255, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 0 canary intact\n", self->result);
	ASSERT_TRUE(logged("lvd_test_driver: isolated: act 2, arg 0xff, 1 calls, x%"));
}

/*
 * kzalloc(), kmalloc() and kfree() through glue, from the domain's heap
 * (1 MiB): 100 bytes set to 1, a zeroed piece, the space reused after
 * kfree(); 256 pieces of 4 KiB fill it, and all come back.
 */
TEST_F(iso, kmalloc_from_its_heap)
{
	ASSERT_EQ(0, act("alloc", 100, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 1100 canary intact\n", self->result);
	ASSERT_EQ(0, act("heap-full", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 256 canary intact\n", self->result);
	ASSERT_EQ(0, act("heap-full", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 256 canary intact\n", self->result);
	ASSERT_EQ(0, act("alloc", 5000, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 6000 canary intact\n", self->result);
}

/* Unloading runs its exit function in the domain, and frees it all. */
TEST_F(iso, unloads_and_loads_again)
{
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, system("rmmod lvd_test_driver"));
		ASSERT_FALSE(loaded("lvd_test_driver"));
		ASSERT_EQ(0, system("modprobe lvd_test_driver"));
		ASSERT_EQ(0, act("ping", 0, self->result, sizeof(self->result)));
		ASSERT_STREQ("err 0 ret 1 canary intact\n", self->result);
	}
	ASSERT_FALSE(logged("did not complete in its domain"));
}

/* A symbol without glue: refused at load, by name, nothing left behind */
TEST_F(iso, symbol_without_glue_is_refused)
{
	ASSERT_NE(0, system("modprobe lvd_test_refused 2>/dev/null"));
	ASSERT_TRUE(logged("oops_in_progress is not available to an isolated module"));
	ASSERT_FALSE(loaded("lvd_test_refused"));
}

/*
 * Misuse of glue: the glue refuses it, the domain goes on. Registering
 * again from inside the kernel's call (which holds the kernel side's
 * state) is refused rather than waited for; a handle it gave up, or one it
 * made up, names nothing; ops that point at kernel text are not its code;
 * the kernel will not read kernel memory for it; and kfree() of what it
 * was not given is ignored.
 */
TEST_F(iso, glue_refuses_misuse)
{
	static const struct {
		const char *act;
		int ret;
	} misuse[] = {
		{ "reenter", EBUSY_RET },
		{ "forged-handle", EINVAL_RET },
		{ "forged-ops", EINVAL_RET },
		{ "sum-kernel", EFAULT_RET },
		{ "bad-free", 0 },		/* kernel, inside, twice */
		{ "stale-handle", EINVAL_RET },	/* last: it unregisters */
	};
	char want[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(misuse); i++) {
		ASSERT_EQ(0, act(misuse[i].act, 12345, self->result,
				 sizeof(self->result)));
		snprintf(want, sizeof(want), "err 0 ret %d canary intact\n",
			 misuse[i].ret);
		EXPECT_STREQ(want, self->result)
			TH_LOG("misuse %s", misuse[i].act);
	}
	ASSERT_FALSE(logged("stopped"));
}

/* What each attack raises, and at which privilege level */
static const struct {
	const char *act;
	int err;
	unsigned int vector, cpl;
} attacks[] = {
	{ "read-kernel", EFAULT_RET, PF, 3 },	/* kernel data */
	{ "write-kernel", EFAULT_RET, PF, 3 },
	{ "write-text", EFAULT_RET, PF, 3 },	/* its own code */
	{ "write-rodata", EFAULT_RET, PF, 3 },	/* its own constants */
	{ "write-glue", EFAULT_RET, PF, 3 },	/* the glue page */
	{ "write-module", EFAULT_RET, PF, 3 },	/* its struct module */
	{ "exec-data", EFAULT_RET, PF, 3 },	/* its own data */
	{ "exec-kernel", EFAULT_RET, PF, 3 },	/* kernel text */
	{ "ud2", EFAULT_RET, UD, 3 },
	{ "hlt", EFAULT_RET, GP, 3 },		/* privileged instructions */
	{ "cli", EFAULT_RET, GP, 3 },
	{ "write-cr3", EFAULT_RET, GP, 3 },	/* page tables of its own */
	{ "wrmsr", EFAULT_RET, GP, 3 },		/* LSTAR */
	{ "lidt", EFAULT_RET, GP, 3 },
	{ "mov-dr7", EFAULT_RET, GP, 3 },
	{ "xsetbv", EFAULT_RET, XSETBV_FAULT, 3 },
	{ "wbinvd", EFAULT_RET, GP, 3 },
	{ "outb", EFAULT_RET, GP, 3 },		/* a port it was not given */
	{ "vmcall", EFAULT_RET, UD, 3 },	/* hypercalls are the kernel's */
	{ "syscall", EFAULT_RET, PF, 0 },	/* the entry is not mapped */
	{ "int3", EFAULT_RET, GP, 3 },		/* only two vectors may be raised */
	{ "sse", EFAULT_RET, NM, 3 },		/* the task's FPU registers */
	{ "stack-overflow", EFAULT_RET, PF, 3 },
	{ "vmfunc-kernel", EFAULT_RET, PF, 3 },	/* the kernel's view */
	{ "vmfunc-other", EFAULT_RET, GP, 3 },	/* another domain's view */
	{ "bad-kcall", EFAULT_RET, FAULT_BAD_CALL, 3 },
	{ "bad-stack", EFAULT_RET, FAULT_BAD_STACK, 3 },
	{ "heap-overflow", EFAULT_RET, PF, 3 },	/* past its heap */
	{ "div0", EFAULT_RET, DE, 3 },		/* a divide error */
	{ "spin", ETIMEDOUT_RET, FAULT_WATCHDOG, 3 },	/* never returns */
	/* calls the kernel for ever: the call's second runs out */
	{ "kcall-loop", ETIMEDOUT_RET, FAULT_WATCHDOG, 3 },
	/* recursion through glue: bounded by the kernel's stack */
	{ "recurse", ESHUTDOWN_RET, FAULT_TOO_DEEP, 3 },
};

/* What lvd_test_host says of the kernel after an attack: all as it was */
static const char intact[] = "kernel same canary intact data intact";

/* The result line of an act that stopped the domain, as lvd_test_host says it */
static void stopped_line(char *buf, size_t size, int err, unsigned int vector,
			 unsigned int cpl)
{
	snprintf(buf, size,
		 "err %d vector %u cpl %u then %d %s ret 0x0\n",
		 err, vector, cpl, ESHUTDOWN_RET, intact);
}

/*
 * The netdev glue (drivers/lvd/net/) asked to act on what the driver does
 * not hold: a device and packets named by kernel memory and by its own
 * data, locks it does not hold, a lock it may not take. Each is refused,
 * the domain goes on, and register_netdevice() of a forged device fails.
 * rtnl_lock() twice: the second is refused instead of waiting for ever.
 * Returning holding rtnl_lock() stops the domain, and the lock is free.
 */
TEST_F(iso, netdev_glue_refuses_misuse)
{
	char want[160];
	unsigned long i;

	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, act("net-misuse", i, self->result,
				 sizeof(self->result)));
		snprintf(want, sizeof(want),
			 "err 0 vector -1 cpl 0 then 0 %s ret 0x%lx\n", intact,
			 i == 7 ? (unsigned long)EINVAL_RET : 0UL);
		EXPECT_STREQ(want, self->result)
			TH_LOG("misuse %lu", i);
	}
	ASSERT_TRUE(logged("is not a packet it holds"));
	ASSERT_TRUE(logged("free_netdev() of"));
	ASSERT_TRUE(logged("rtnl_unlock() of a lock it does not hold"));
	ASSERT_TRUE(logged("of no lock it may take"));
	/* A device set up with a field out of bounds never registers */
	ASSERT_EQ(0, act("net-misuse", 8, self->result, sizeof(self->result)));
	snprintf(want, sizeof(want), "err 0 vector -1 cpl 0 then 0 %s ret 0x%lx\n",
		 intact, (unsigned long)EOPNOTSUPP_RET);
	EXPECT_STREQ(want, self->result);
	ASSERT_TRUE(logged("a device set up with its addr_assign_type out of bounds is refused"));
	ASSERT_EQ(0, act("net-rtnl-twice", 0, self->result, sizeof(self->result)));
	snprintf(want, sizeof(want), "err 0 vector -1 cpl 0 then 0 %s ret 0x0\n",
		 intact);
	ASSERT_STREQ(want, self->result);
	ASSERT_TRUE(logged("rtnl_lock() refused"));
	ASSERT_FALSE(logged("stopped"));
	/* rtnl_lock() is free: dummy takes it to load and to unload */
	ASSERT_EQ(0, system("modprobe dummy && rmmod dummy"));
	ASSERT_EQ(0, act("net-rtnl-hold", 0, self->result, sizeof(self->result)));
	stopped_line(want, sizeof(want), EFAULT_RET, FAULT_LOCK_HELD, 3);
	ASSERT_STREQ(want, self->result);
	ASSERT_EQ(0, system("modprobe dummy && rmmod dummy"));
}

/*
 * Kernel calls that keep the kernel busy (300 ms each, 1.5 s in all) on
 * the driver's behalf, as an ACPI method or a long mdelay() does in a
 * probe: each counts at most 10 ms towards the second a call may run, and
 * the driver is not stopped.
 */
TEST_F(iso, slow_kernel_calls_are_not_the_domains_time)
{
	char want[160];

	ASSERT_EQ(0, act("slow-kcall", 5, self->result, sizeof(self->result)));
	snprintf(want, sizeof(want), "err 0 vector -1 cpl 0 then 0 %s ret 0x5\n",
		 intact);
	ASSERT_STREQ(want, self->result);
	ASSERT_FALSE(logged("stopped"));
}

/*
 * A task's call, which the kernel preempts as any task, may run 300 ms in
 * the domain without a kernel call (a driver's probe waiting on its
 * device): it gets a second for that, where a call that may not sleep
 * gets 100 ms; one that never returns is still stopped (attacks above).
 */
TEST_F(iso, task_call_may_run_300_ms)
{
	char want[160];

	ASSERT_EQ(0, act("busy", 0, self->result, sizeof(self->result)));
	snprintf(want, sizeof(want), "err 0 vector -1 cpl 0 then 0 %s ret 0x1\n",
		 intact);
	ASSERT_STREQ(want, self->result);
	ASSERT_FALSE(logged("stopped"));
}

/*
 * NAPI glue misuse (drivers/lvd/net/lvd_napi.c), on a device the driver
 * registers: contexts added on a forged device, in kernel memory and
 * twice, completed outside their poll, scheduled without a prep; in a
 * poll the kernel runs, a packet of kernel memory handed up, one grown
 * past its buffer, another context completed, and 100 packets more than
 * the budget reported. Each is refused or clamped and named; the kernel
 * never sees a poll over its budget, and the driver goes on.
 */
TEST_F(iso, napi_glue_refuses_misuse)
{
	char want[160];

	ASSERT_EQ(0, system("dmesg -c > /dev/null"));
	ASSERT_EQ(0, act("net-napi", 0, self->result, sizeof(self->result)));
	snprintf(want, sizeof(want), "err 0 vector -1 cpl 0 then 0 %s ret 0x2\n",
		 intact);
	ASSERT_STREQ(want, self->result);
	ASSERT_TRUE(logged("refused: not its device, memory or function, or added already"));
	ASSERT_TRUE(logged("is not a NAPI context it polls now"));
	ASSERT_TRUE(logged("refused: no napi_schedule_prep() owned it"));
	ASSERT_TRUE(logged("is not a packet it holds"));
	ASSERT_TRUE(logged("skb_put() of 32768 bytes refused"));
	ASSERT_TRUE(logged("its poll reported 164 packets for a budget of 64"));
	ASSERT_FALSE(logged("exceeding its budget"));
	ASSERT_FALSE(logged("WARNING"));
	ASSERT_FALSE(logged("stopped"));
}

/*
 * The driver's own locks (glue/glue_lock.c): two tasks count under its
 * mutex and a spinlock in its heap, and the counts are exact; a task waits
 * for a completion another call completes; unlocking a mutex another task
 * holds, unlocking twice, and locks at kernel memory, its read-only data
 * or a forged address are refused, the kernel's canary intact; and while
 * it holds a spin_lock_irqsave() lock, no interrupt reaches it.
 */
TEST_F(iso, locks_work_and_refuse_misuse)
{
	char want[160];
	unsigned long i;

	/* 50 rounds each: nested KVM takes some 2 ms a kernel call */
	ASSERT_EQ(0, act("lock-race", 50, self->result, sizeof(self->result)));
	ASSERT_STREQ("errs 0 0 0 count 10000100\n", self->result);
	ASSERT_EQ(0, act("completion-pair", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("errs 0 0 came 1\n", self->result);
	ASSERT_EQ(0, act("lock-steal", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("errs 0 0 trylock 0\n", self->result);
	ASSERT_TRUE(logged("mutex_unlock"));
	snprintf(want, sizeof(want), "err 0 vector -1 cpl 0 then 0 %s ret 0x0\n",
		 intact);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, act("lock-misuse", i, self->result,
				 sizeof(self->result)));
		EXPECT_STREQ(want, self->result)
			TH_LOG("lock misuse, part %lu", i);
	}
	ASSERT_TRUE(logged("of a lock it does not hold"));
	ASSERT_TRUE(logged("refused"));
	ASSERT_EQ(0, act("irq-off", 0, self->result, sizeof(self->result)));
	snprintf(want, sizeof(want), "err 0 vector -1 cpl 0 then 0 %s ret 0x1\n",
		 intact);
	ASSERT_STREQ(want, self->result);
	ASSERT_FALSE(logged("stopped"));
}

/*
 * Locks misused so that the domain must stop: returning holding a
 * spinlock or a mutex (261), taking a spinlock it holds (262), sleeping
 * under a spinlock (260); each lock is free afterwards, the driver works
 * reloaded. A domain stopped while a task holds its mutex asleep, another
 * waits for it and a third for a completion: all three calls end at once
 * with -ESHUTDOWN.
 */
TEST_F(iso, lock_misuse_stops_the_domain)
{
	static const struct {
		const char *act;
		int err;
		unsigned int vector;
	} stops[] = {
		{ "spin-held", EFAULT_RET, FAULT_LOCK_HELD },
		{ "mutex-held", EFAULT_RET, FAULT_LOCK_HELD },
		{ "spin-twice", ESHUTDOWN_RET, FAULT_DEADLOCK },
		{ "spin-sleep", EFAULT_RET, FAULT_SLEEP_IN_ATOMIC },
	};
	char want[160];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(stops); i++) {
		ASSERT_EQ(0, act(stops[i].act, 0, self->result,
				 sizeof(self->result)));
		stopped_line(want, sizeof(want), stops[i].err, stops[i].vector, 3);
		EXPECT_STREQ(want, self->result) TH_LOG("act %s", stops[i].act);
		ASSERT_EQ(0, system("rmmod lvd_test_driver"));
		ASSERT_EQ(0, system("modprobe lvd_test_driver"));
	}
	ASSERT_EQ(0, act("lock-stop", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("errs -108 -108 -108 fast 1\n", self->result);
	ASSERT_EQ(0, system("rmmod lvd_test_driver"));
	ASSERT_EQ(0, system("modprobe lvd_test_driver"));
	ASSERT_EQ(0, act("lock-race", 20, self->result, sizeof(self->result)));
	ASSERT_STREQ("errs 0 0 0 count 4000040\n", self->result);
}

/* An act that went well and returned @ret, as lvd_test_host says it */
static void done_line(char *buf, size_t size, unsigned long ret)
{
	snprintf(buf, size, "err 0 vector -1 cpl 0 then 0 %s ret %#lx\n",
		 intact, ret);
	if (!ret)	/* "%#lx" of 0 is "0", lvd_test_host's too */
		snprintf(buf, size, "err 0 vector -1 cpl 0 then 0 %s ret 0x0\n",
			 intact);
}

/* Have the driver do @what (@arg), expect @ret from it, then wait @ms */
#define TIMER_ACT(what, arg, ret, ms) do {				\
	const char *_what = (what);					\
	unsigned long _arg = (arg);					\
	char _want[160];						\
									\
	ASSERT_EQ(0, act(_what, _arg, self->result, sizeof(self->result)));\
	done_line(_want, sizeof(_want), ret);				\
	ASSERT_STREQ(_want, self->result) TH_LOG("act %s %lu", _what, _arg);\
	usleep((ms) * 1000);						\
} while (0)

/* Have the driver do @what (@arg): what it returned, or -1 */
static long act_ret(const char *what, unsigned long arg, char *buf, size_t size)
{
	char fmt[160];
	unsigned long ret;

	snprintf(fmt, sizeof(fmt), "err 0 vector -1 cpl 0 then 0 %s ret %%lx",
		 intact);
	if (act(what, arg, buf, size) || sscanf(buf, fmt, &ret) != 1)
		return -1;
	return ret;
}

/*
 * Glue a NIC driver (e1000) uses, in the driver: vzalloc() of a ring's
 * entries (zeroed, page-aligned) and vmalloc() from its heap, vfree() of
 * kernel memory and twice refused; the bitmap searches on its bitmap, in
 * its domain; msleep_interruptible() sleeps (0 left, jiffies went on);
 * system_state is SYSTEM_RUNNING; local_bh_disable() counts in its own
 * preempt count and holds a due timer back while interrupts come, and
 * local_bh_enable() takes the count off and lets it fire; print_hex_dump()
 * with its last two arguments on the stack dumps its buffer, and refuses
 * kernel memory; put_page() after get_page() keeps a page, the last one
 * frees it, and __folio_put() of kernel memory or a page freed is refused.
 */
TEST_F(iso, nic_glue_works_and_refuses_misuse)
{
	static const char * const hex_lines[] = {
		"lvd_test_driver: lvd-hex: 00000000: 40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f  @ABCDEFGHIJKLMNO\n",
		"lvd_test_driver: lvd-hex: 00000010: 50 51 52 53 54 55 56 57 58 59 5a 5b 5c 5d 5e 5f  PQRSTUVWXYZ[\\]^_\n",
		"lvd_test_driver: lvd-hex: 00000020: 60 61 62 63 64 65 66 67                          `abcdefg\n",
		"lvd_test_driver: lvd-hex2: 43424140 47464544\n",
	};
	unsigned int i;
	long ret;

	EXPECT_EQ(16000, act_ret("vmalloc", 0, self->result,
				 sizeof(self->result))) TH_LOG("%s", self->result);
	EXPECT_TRUE(logged("vfree() of 0x"));
	EXPECT_EQ(405164, act_ret("find-bit", 0, self->result,
				  sizeof(self->result))) TH_LOG("%s", self->result);
	ret = act_ret("msleep-interruptible", 100, self->result,
		      sizeof(self->result));
	/* nothing left, and jiffies went on: 100 ms at HZ of 100 or more */
	EXPECT_LE(10, ret) TH_LOG("%s", self->result);
	EXPECT_GT(100000, ret) TH_LOG("%s", self->result);
	EXPECT_EQ(3, act_ret("system-state", 0, self->result,
			     sizeof(self->result))) TH_LOG("%s", self->result);
	EXPECT_EQ(0x1f, act_ret("bh", 0, self->result, sizeof(self->result)))
		TH_LOG("%s", self->result);
	EXPECT_EQ(0, act_ret("hex-dump", 0, self->result, sizeof(self->result)))
		TH_LOG("%s", self->result);
	for (i = 0; i < ARRAY_SIZE(hex_lines); i++)
		EXPECT_TRUE(logged(hex_lines[i])) TH_LOG("hex dump line %u", i);
	EXPECT_FALSE(logged("lvd-hex: 00000030"));
	EXPECT_TRUE(logged("print_hex_dump() of 0x"));
	EXPECT_FALSE(logged("lvd-hex3"));
	EXPECT_EQ(15, act_ret("put-page", 0, self->result, sizeof(self->result)))
		TH_LOG("%s", self->result);
	EXPECT_TRUE(logged("__folio_put() of 0x"));
	ASSERT_FALSE(logged("stopped"));
}

/*
 * The struct page of a page of the driver's is its own copy, at the
 * kernel's struct page's address: glue copying there (kstrtoint()'s
 * result) or from there (printk's %s) refuses, and touches neither.
 */
TEST_F(iso, glue_never_copies_at_an_alias_of_kernel_memory)
{
	EXPECT_EQ(7, act_ret("struct-page", 0, self->result, sizeof(self->result)))
		TH_LOG("%s", self->result);
	ASSERT_FALSE(logged("stopped"));
}

/*
 * A __jump_table whose entries name a static key on the loader's list
 * loads, left out (the branch as compiled: the key off); one that names a
 * key of the module's own is refused, the section and the key named.
 */
TEST_F(iso, static_keys_on_the_list_only)
{
	static const char * const refused[] = {
		"lvd_test_key_refused: an isolated module cannot have section __jump_table (a static key not on the loader's list: one of its own)",
	};

	ASSERT_EQ(0, system("modprobe lvd_test_key"));
	EXPECT_TRUE(logged("lvd_test_key: the key is off"));
	ASSERT_EQ(0, system("rmmod lvd_test_key"));
	ASSERT_NE(0, system("modprobe lvd_test_key_refused 2>/dev/null"));
	EXPECT_TRUE(logged(refused[0]));
	ASSERT_FALSE(loaded("lvd_test_key_refused"));
}

/*
 * The driver's hrtimer, timer_list, work item and delayed work, all in its
 * heap (glue/glue_timer.c): each fires into it (its counts, read by a
 * later call: hrtimer + timer * 1000 + work * 1000000); an hrtimer that
 * returns HRTIMER_RESTART after hrtimer_forward() fires 5 times, then
 * stops; a cancelled one never fires; cancel_work_sync() waits for the
 * work asleep in it (counted once). Misuse is refused, the domain goes on:
 * timers never set up, armed timers set up again, hrtimer_forward() outside
 * the callback, timers at kernel memory, its read-only data or a forged
 * address, callbacks that are not its code, work on a workqueue it may not
 * name; an hrtimer restarted without hrtimer_forward() fires once only.
 */
TEST_F(iso, timers_and_work_fire_cancel_and_refuse_misuse)
{
	unsigned long i;

	TIMER_ACT("hrtimer-start", 1, 0, 300);
	TIMER_ACT("timers-read", 0, 1, 0);
	TIMER_ACT("hrtimer-start", 5, 0, 1500);
	TIMER_ACT("timers-read", 0, 6, 0);
	TIMER_ACT("hrtimer-cancel", 0, 2, 100);
	TIMER_ACT("timers-read", 0, 6, 0);
	TIMER_ACT("timer-start", 10, 1, 300);
	TIMER_ACT("timers-read", 0, 1006, 0);
	TIMER_ACT("timer-cancel", 0, 2, 100);
	TIMER_ACT("timers-read", 0, 1006, 0);
	TIMER_ACT("work-queue", 10, 1, 300);
	TIMER_ACT("timers-read", 0, 1001006, 0);
	TIMER_ACT("work-cancel", 0, 10, 0);
	TIMER_ACT("timers-read", 0, 2001006, 0);
	TIMER_ACT("dwork-queue", 20, 1, 300);
	TIMER_ACT("timers-read", 0, 3001006, 0);
	TIMER_ACT("dwork-cancel", 0, 1, 100);
	TIMER_ACT("timers-read", 0, 3001006, 0);
	for (i = 0; i < 4; i++)
		TIMER_ACT("timer-misuse", i, 0, 0);
	TIMER_ACT("timers-read", 0, 3001007, 0);
	ASSERT_TRUE(logged("hrtimer_start(0x"));
	ASSERT_TRUE(logged("of an armed timer refused"));
	ASSERT_TRUE(logged("outside its callback refused"));
	ASSERT_TRUE(logged("is not its code"));
	ASSERT_TRUE(logged("no workqueue it may use"));
	ASSERT_TRUE(logged("restarted, not forwarded"));
	ASSERT_FALSE(logged("stopped"));
}

/*
 * Two tasks start, cancel and try to cancel one hrtimer of the driver's,
 * 100 times each (each round is three crossings and an interrupt into
 * the domain: under nested KVM, VM exits), while it fires and restarts
 * itself from its callback with hrtimer_forward(): nothing is refused or
 * stops, and once cancelled it is not active.
 */
TEST_F(iso, hrtimer_raced_by_two_tasks)
{
	ASSERT_EQ(0, act("hrtimer-race", 100, self->result,
			 sizeof(self->result)));
	ASSERT_STREQ("errs 0 0 0 ret 2\n", self->result);
	ASSERT_FALSE(logged("refused"));
	ASSERT_FALSE(logged("stopped"));
}

/* How long rmmod of the driver takes, in ms, or -1 */
static long timed_rmmod(void)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (system("rmmod lvd_test_driver"))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
}

/*
 * A callback that cancels its own hrtimer (262: the kernel would wait for
 * ever) or reads the kernel's pointers out of it, as hrtimer_forward_now()
 * does (a page fault in the domain): the domain stops, the call asleep in
 * it ends. Timers and work armed, a work item asleep in the driver, and
 * the domain stopped: nothing of it runs afterwards (its counts stay 0)
 * and the unload is quick. Armed and unloaded: the unload cancels them,
 * nothing fires into the memory it freed, the kernel is intact and the
 * driver works reloaded.
 */
TEST_F(iso, timers_and_work_end_with_the_domain)
{
	char want[160];
	long ms;

	ASSERT_EQ(0, act("hrtimer-self-cancel", 0, self->result,
			 sizeof(self->result)));
	stopped_line(want, sizeof(want), ESHUTDOWN_RET, FAULT_DEADLOCK, 3);
	ASSERT_STREQ(want, self->result);
	ASSERT_TRUE(logged("hrtimer_cancel(0x"));
	ASSERT_EQ(0, system("rmmod lvd_test_driver"));
	ASSERT_EQ(0, system("modprobe lvd_test_driver"));
	ASSERT_EQ(0, act("hrtimer-forward-now", 0, self->result,
			 sizeof(self->result)));
	stopped_line(want, sizeof(want), ESHUTDOWN_RET, PF, 3);
	ASSERT_STREQ(want, self->result);
	ASSERT_EQ(0, system("rmmod lvd_test_driver"));
	ASSERT_EQ(0, system("modprobe lvd_test_driver"));

	ASSERT_EQ(0, act("timers-stop", 1000, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 copied 0 fired 0 0 0 asleep 1\n", self->result);
	ms = timed_rmmod();
	ASSERT_LE(0, ms);
	EXPECT_GT(3000, ms) TH_LOG("rmmod took %ld ms", ms);
	ASSERT_EQ(0, system("modprobe lvd_test_driver"));

	ASSERT_EQ(0, act("timers-arm", 1000, self->result, sizeof(self->result)));
	snprintf(want, sizeof(want), "err 0 vector -1 cpl 0 then 0 %s ret 0x",
		 intact);
	ASSERT_EQ(0, strncmp(want, self->result, strlen(want)))
		TH_LOG("timers-arm: %s", self->result);
	ms = timed_rmmod();
	ASSERT_LE(0, ms);
	EXPECT_GT(3000, ms) TH_LOG("rmmod took %ld ms", ms);
	sleep(2);
	ASSERT_EQ(0, system("modprobe lvd_test_driver"));
	ASSERT_EQ(0, act("ping", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 1 canary intact\n", self->result);
	ASSERT_FALSE(logged("BUG"));
}

/* The driver, unloaded and loaded again, answers. */
static int reloaded(char *buf, size_t size)
{
	if (system("rmmod lvd_test_driver") || system("modprobe lvd_test_driver"))
		return 0;
	return !act("ping", 0, buf, size) &&
	       !strcmp(buf, "err 0 ret 1 canary intact\n");
}

/* The path of an installed module of this kernel's */
static void module_path(char *buf, size_t size, const char *name)
{
	struct utsname u;

	uname(&u);
	snprintf(buf, size, "/lib/modules/%s/kernel/drivers/lvd/isolated/%s.ko",
		 u.release, name);
}

/*
 * Each attack, really executed in the driver's domain: the kernel is
 * alive to report it, the domain is stopped for the right reason and the
 * next call fails at once, kernel text, rodata and a canary page are
 * unchanged, and the driver, unloaded and loaded again, works.
 */
TEST_F(iso, attacks_are_contained)
{
	char want[160];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(attacks); i++) {
		ASSERT_EQ(0, act(attacks[i].act, 0, self->result,
				 sizeof(self->result)));
		stopped_line(want, sizeof(want), attacks[i].err,
			     expected_vector(attacks[i].vector), attacks[i].cpl);
		EXPECT_STREQ(want, self->result)
			TH_LOG("attack %s", attacks[i].act);
		EXPECT_TRUE(reloaded(self->result, sizeof(self->result)))
			TH_LOG("reload after %s: %s", attacks[i].act, self->result);
	}
}

/*
 * The task that calls the driver has ports of its own (ioperm(), then
 * iopl(3), which Linux emulates with the same bitmap): the domain, running
 * on that task's TSS, gets none of them. The task's ports are in the TSS
 * only until it is switched out during the call, so it runs SCHED_FIFO and
 * tries until the kernel side says they were there at the call; each OUT
 * stops the domain, and the next call finds it stopped.
 */
TEST_F(iso, task_io_permissions_do_not_reach_the_domain)
{
	static const unsigned short ports[] = { 0x70, 0x71, 0x80 };
	struct sched_param fifo = { .sched_priority = 50 };
	unsigned int i, pass, try;

	ASSERT_EQ(0, sched_setscheduler(0, SCHED_FIFO, &fifo));
	ASSERT_EQ(0, ioperm(0x70, 2, 1));
	ASSERT_EQ(0, ioperm(0x80, 1, 1));
	outb(0, 0x80);		/* the task's ports are real: no SIGSEGV */
	for (pass = 0; pass < 2; pass++) {
		if (pass)
			ASSERT_EQ(0, iopl(3));
		for (i = 0; i < ARRAY_SIZE(ports); i++) {
			for (try = 0; try < 20; try++) {
				ASSERT_EQ(0, system("dmesg -c > /dev/null"));
				ASSERT_EQ(0, act("out-port", ports[i], self->result,
						 sizeof(self->result)));
				EXPECT_STREQ("err -14 ret 0 canary intact\n", self->result)
					TH_LOG("port %#x, %s", ports[i],
					       pass ? "iopl(3)" : "ioperm()");
				ASSERT_TRUE(logged("stopped: vector 13 "));
				ASSERT_TRUE(reloaded(self->result, sizeof(self->result)));
				if (logged("calling task has its I/O ports in the TSS"))
					break;
			}
			EXPECT_GT(20, try) TH_LOG("the ports were never in the TSS");
		}
	}
	outb(0, 0x80);		/* and still the task's */
	iopl(0);
	ioperm(0x70, 2, 0);
	ioperm(0x80, 1, 0);
	fifo.sched_priority = 0;
	sched_setscheduler(0, SCHED_OTHER, &fifo);
}

/*
 * A task that turned RDTSC off for itself (CR4.TSD while it runs) calls
 * the driver: the driver's RDTSC works, and the task's stays off.
 */
TEST_F(iso, task_rdtsc_setting_does_not_reach_the_domain)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, act("rdtsc", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 1 canary intact\n", self->result);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char buf[128] = "";
		unsigned int lo, hi;

		if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) ||
		    act("rdtsc", 0, buf, sizeof(buf)) ||
		    strcmp(buf, "err 0 ret 1 canary intact\n"))
			_exit(1);
		asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
		_exit(2);	/* the task's own RDTSC must have faulted */
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("child status %#x", status);
	ASSERT_EQ(SIGSEGV, WTERMSIG(status));
}

/*
 * SGDT, SIDT, STR and SMSW at CPL 3 tell the domain where the kernel's
 * tables are: where the CPU has UMIP, the kernel turns it on and each one
 * stops the domain. Without UMIP they work, as security.rst says.
 */
TEST_F(iso, umip_keeps_the_kernels_tables_from_the_domain)
{
	static const char * const acts[] = { "sgdt", "sidt", "str", "smsw" };
	int umip = !system("grep -qw umip /proc/cpuinfo");
	char want[160], works[96];
	unsigned int i;

	snprintf(works, sizeof(works), "err 0 vector -1 cpl 0 then 0 %s ret ", intact);
	for (i = 0; i < ARRAY_SIZE(acts); i++) {
		ASSERT_EQ(0, act(acts[i], 0, self->result, sizeof(self->result)));
		if (umip) {
			stopped_line(want, sizeof(want), EFAULT_RET, GP, 3);
			EXPECT_STREQ(want, self->result) TH_LOG("%s", acts[i]);
			ASSERT_TRUE(reloaded(self->result, sizeof(self->result)));
		} else {
			EXPECT_EQ(0, strncmp(works, self->result, strlen(works)))
				TH_LOG("%s: %s", acts[i], self->result);
		}
	}
	if (!umip)
		SKIP(return, "no UMIP on this CPU: the domain can read where the tables are");
}

/*
 * Widths and precisions of millions in printk(): vsnprintf() would pad
 * each one out whatever the buffer, with preemption off. The glue refuses
 * each beyond the line's size, and the call is quick.
 */
TEST_F(iso, printk_widths_are_bounded)
{
	ASSERT_EQ(0, act("print-wide", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 0 canary intact\n", self->result);
	ASSERT_TRUE(logged("lvd_test_driver: wide: %?|%?|%?|%?|   7"));
	ASSERT_FALSE(logged("stopped"));
}

/*
 * The driver sleeps (msleep()) in a call made where the kernel may sleep,
 * and reads jiffies, which have gone on meanwhile; it busy-waits
 * (udelay(), ndelay(), mdelay()); it reads the CPU count and the online
 * mask as the kernel has them.
 */
TEST_F(iso, driver_sleeps_waits_and_reads_kernel_values)
{
	struct timespec t0, t1;
	char want[64], possible[32] = "";
	unsigned int last = 0;
	long ret, ms;
	int n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, act("sleep", 100, self->result, sizeof(self->result)));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	n = sscanf(self->result, "err 0 ret %ld canary intact", &ret);
	ASSERT_EQ(1, n) TH_LOG("%s", self->result);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	EXPECT_LE(100, ms);
	/* jiffies went on in the domain's copy: 100 ms at HZ of 100 or more */
	EXPECT_LE(10, ret) TH_LOG("%s", self->result);
	ASSERT_EQ(0, act("delay", 200, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 0 canary intact\n", self->result);
	ASSERT_LT(0, read_text("/sys/devices/system/cpu/possible", possible,
			       sizeof(possible)));
	/* "0" with one CPU, else "0-N" */
	if (sscanf(possible, "0-%u", &last) != 1)
		last = 0;
	snprintf(want, sizeof(want), "err 0 ret %ld canary intact\n",
		 (last + 1) * 1000L + sysconf(_SC_NPROCESSORS_ONLN));
	ASSERT_EQ(0, act("cpus", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ(want, self->result);
	ASSERT_FALSE(logged("stopped"));
}

/*
 * rmmod while a child process has the driver do @what with @arg, @wait_us
 * after the child started: the child's result goes to @buf. Returns how
 * long rmmod took (and the child, with @with_child), in ms, or -1.
 */
static long rmmod_during(const char *what, unsigned long arg,
			 useconds_t wait_us, int with_child, char *buf,
			 size_t size)
{
	struct timespec t0, t1;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		char res[128] = "";

		act(what, arg, res, sizeof(res));
		_exit(write(fds[1], res, strlen(res)) > 0 ? 0 : 1);
	}
	close(fds[1]);
	usleep(wait_us);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (system("rmmod lvd_test_driver"))
		return -1;
	if (!with_child)
		clock_gettime(CLOCK_MONOTONIC, &t1);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (with_child)
		clock_gettime(CLOCK_MONOTONIC, &t1);
	n = read(fds[0], buf, size - 1);
	close(fds[0]);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
}

/*
 * rmmod while the driver sleeps in a call for 10 s: the sleep ends at
 * once, the call fails cleanly, and the unload does not wait it out.
 */
TEST_F(iso, unload_wakes_a_driver_asleep)
{
	long ms = rmmod_during("sleep", 10000, 500000, 1, self->result,
			       sizeof(self->result));

	ASSERT_LE(0, ms);
	EXPECT_GT(3000, ms) TH_LOG("rmmod and the call took %ld ms", ms);
	EXPECT_STREQ("err -108 ret 0 canary intact\n", self->result);
	ASSERT_EQ(0, system("modprobe lvd_test_driver"));
}

/*
 * rmmod while the kernel is in a call to the driver: the kernel side
 * looked the driver up and, like a task preempted there, waits 1 s before
 * it calls. The unload waits for that call, which fails cleanly because
 * the domain is going; nothing is freed under it.
 */
TEST_F(iso, unload_waits_for_a_call_in_flight)
{
	long ms = rmmod_during("slow-ping", 0, 200000, 0, self->result,
			       sizeof(self->result));

	ASSERT_LE(0, ms);
	EXPECT_LE(500, ms) TH_LOG("rmmod took %ld ms", ms);
	EXPECT_STREQ("err -108 ret 0 canary intact\n", self->result);
	ASSERT_EQ(0, system("modprobe lvd_test_driver"));
	ASSERT_EQ(0, act("ping", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 1 canary intact\n", self->result);
}

static long read_module(const char *name, void **img)
{
	char path[256];
	long size;
	FILE *f;

	module_path(path, sizeof(path), name);
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	*img = malloc(size);
	if (!*img || fread(*img, 1, size, f) != (size_t)size) {
		fclose(f);
		free(*img);
		return -EIO;
	}
	fclose(f);
	return size;
}

/* init_module() of a module's image: 0 or -errno; loaded, it is unloaded */
static int load_image(const char *name, void *img, long size, const char *args)
{
	char cmd[64];
	int ret = syscall(SYS_init_module, img, size, args) ? -errno : 0;

	snprintf(cmd, sizeof(cmd), "rmmod %s", name);
	if (!ret)
		system(cmd);
	return ret;
}

#define LVD_TEST_SECTION ".lvd_test_section_to_be_renamed_xxxxxxxxx"

/*
 * Load lvd_test_sections with its section renamed @name (in a copy of the
 * module): init_module()'s result, 0 or -errno; the module is unloaded.
 */
static int load_renamed(const char *name)
{
	struct elf64_hdr *eh;
	struct elf64_shdr *sh;
	int ret = -ENOENT;
	char *shstr;
	long size;
	void *img;
	int i;

	size = read_module("lvd_test_sections", &img);
	if (size < 0)
		return size;
	eh = img;
	sh = img + eh->e_shoff;
	shstr = img + sh[eh->e_shstrndx].sh_offset;
	for (i = 0; i < eh->e_shnum; i++) {
		char *n = shstr + sh[i].sh_name;

		if (strcmp(n, LVD_TEST_SECTION))
			continue;
		memset(n, 0, strlen(LVD_TEST_SECTION));
		memcpy(n, name, strlen(name));
		ret = load_image("lvd_test_sections", img, size, "");
		break;
	}
	free(img);
	return ret;
}

/* An isolated module's section name: may the kernel leave it there? */
static const struct {
	const char *name;
	int ret;
} sections[] = {
	{ LVD_TEST_SECTION, -ENOEXEC },		/* not on the list */
	{ ".data.lvd_test", 0 },		/* its data */
	{ ".bss.lvd_test", 0 },
	/* the kernel's: the domain's write stops it, the load fails */
	{ "__bug_table", -EFAULT },
	{ ".kunit_test_suites", -ENOEXEC },	/* the kernel would run them */
	{ "___srcu_struct_ptrs", -ENOEXEC },	/* ... initialise them */
	{ ".altinstructions", -ENOEXEC },	/* ... patch as they say */
	{ ".altinstr_replacement", -ENOEXEC },
	{ ".parainstructions", -ENOEXEC },
	{ ".retpoline_sites", -ENOEXEC },
	{ ".return_sites", -ENOEXEC },
	{ ".call_sites", -ENOEXEC },
	{ ".cfi_sites", -ENOEXEC },
	/* dropped, not loaded: the domain's use of it stops it */
	{ ".ibt_endbr_seal", -EFAULT },
	{ "__trace_printk_fmt", -ENOEXEC },	/* ... read pointers from */
	{ "_ftrace_eval_map", -ENOEXEC },
	{ "_ftrace_events", -ENOEXEC },
	{ "__tracepoints_ptrs", -ENOEXEC },
	{ "__bpf_raw_tp_map", -ENOEXEC },
	{ "_kprobe_blacklist", -ENOEXEC },
	{ "_error_injection_whitelist", -ENOEXEC },
	{ ".printk_index", -ENOEXEC },
	{ "__ex_table", -ENOEXEC },
	{ "__jump_table", -ENOEXEC },
	{ ".static_call_sites", -ENOEXEC },
	{ "__dyndbg", -ENOEXEC },
	/* parsed from the kernel's copies: the domain's write stops it */
	{ "__param", -EFAULT },
	{ "__ksymtab_gpl", -ENOEXEC },
	{ ".data..percpu", -ENOEXEC },
	{ ".init_array", -ENOEXEC },
	{ ".ctors", -ENOEXEC },
	{ "__mcount_loc", -ENOEXEC },
	{ "__patchable_function_entries", -ENOEXEC },
	{ ".noinstr.text", -ENOEXEC },
	{ ".kprobes.text", -ENOEXEC },
	{ "alloc_tags", -ENOEXEC },
};

/*
 * The loader allows an isolated module the sections it lists, by name, and
 * refuses every other: those through which the kernel would read pointers
 * from the module's memory, call them, or write into the kernel as the
 * module's tables say. The kernel's data and text are unchanged after all.
 */
TEST_F(iso, loader_allows_only_listed_sections)
{
	char want[160];
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(sections); i++) {
		ret = load_renamed(sections[i].name);
		EXPECT_EQ(sections[i].ret, ret) TH_LOG("section %s", sections[i].name);
		if (sections[i].ret != -ENOEXEC)
			continue;
		snprintf(want, sizeof(want),
			 "lvd_test_sections: an isolated module cannot have section %s (",
			 sections[i].name);
		EXPECT_TRUE(logged(want)) TH_LOG("no message: %s", want);
	}
	ASSERT_TRUE(logged("(lvd_test_sections) stopped: vector 14"));
	/* what an .altinstructions entry once made the loader overwrite */
	ASSERT_EQ(0, system("grep -qx /sbin/modprobe /proc/sys/kernel/modprobe"));
	ASSERT_EQ(0, act("ping", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 1 canary intact\n", self->result);
	/* An act that stops the domain reports on the kernel's data too. */
	ASSERT_EQ(0, act("ud2", 0, self->result, sizeof(self->result)));
	stopped_line(want, sizeof(want), EFAULT_RET, UD, 3);
	ASSERT_STREQ(want, self->result);
}

#define LVD_PARAMS	"lvd_test_params"
#define LVD_CANARY	"/sys/kernel/debug/lvd_test_driver/canary"

/*
 * Each type of parameter the loader parses for an isolated module, given
 * with modprobe: the domain's init function prints what it sees. A char *
 * is a copy on the domain's heap; an array's elements beyond those given
 * keep their values. There is no sysfs file, whatever the permissions.
 */
TEST_F(iso, params_reach_the_domain)
{
	static const char * const args[] = {
		"i=-42", "b=1", "nb=1", "y=255", "h=-32768", "us=65535",
		"u=4294967295", "l=-9000000000", "ul=18446744073709551615",
		"ull=18446744073709551615", "x=0xbeef", "c=one", "c=hello",
		"s=world", "a=1,-2,3", "names=x,yz",
	};
	char cmd[512] = "modprobe " LVD_PARAMS;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(args); i++)
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), " %s", args[i]);
	ASSERT_EQ(0, system(cmd));
	EXPECT_TRUE(logged(LVD_PARAMS ": int -42 bool 1 invbool 0 byte 255 short -32768"));
	EXPECT_TRUE(logged(LVD_PARAMS ": ushort 65535 uint 4294967295 long -9000000000 ulong "));
	EXPECT_TRUE(logged(" ulong 18446744073709551615 ullong 18446744073709551615"));
	EXPECT_TRUE(logged(LVD_PARAMS ": hexint 0xbeef charp hello string world"));
	EXPECT_TRUE(logged(LVD_PARAMS ": array 3: 1 -2 3 9"));
	EXPECT_TRUE(logged(LVD_PARAMS ": names x yz"));
	EXPECT_NE(0, access("/sys/module/" LVD_PARAMS "/parameters", F_OK));
	ASSERT_EQ(0, system("rmmod " LVD_PARAMS));

	/* Not given: as the module has them */
	ASSERT_EQ(0, system("dmesg -c > /dev/null"));
	ASSERT_EQ(0, system("modprobe " LVD_PARAMS));
	EXPECT_TRUE(logged(LVD_PARAMS ": int -7 bool 0 invbool 1 byte 0 short 0"));
	EXPECT_TRUE(logged(LVD_PARAMS ": hexint 0x1d charp default string default"));
	EXPECT_TRUE(logged(LVD_PARAMS ": array 0: 9 9 9 9"));
	EXPECT_TRUE(logged(LVD_PARAMS ": names (none) (none)"));
	ASSERT_EQ(0, system("rmmod " LVD_PARAMS));
	ASSERT_FALSE(logged("stopped"));
}

/* Values the kernel's parsers refuse fail the load, as for any module. */
TEST_F(iso, bad_param_values_fail_the_load)
{
	static const struct {
		const char *args;
		int ret;
	} bad[] = {
		{ "i=abc", -EINVAL },
		{ "b=maybe", -EINVAL },
		{ "x=zz", -EINVAL },
		{ "y=256", -ERANGE },
		{ "h=40000", -ERANGE },
		{ "a=1,2,3,4,5", -EINVAL },	/* four at most */
		{ "names=a,b,c", -EINVAL },	/* two at most */
		{ "s=0123456789abcdef", -ENOSPC },	/* 15 characters at most */
		{ "c=hello i=1x", -EINVAL },
	};
	unsigned int i;
	long size;
	void *img;

	size = read_module(LVD_PARAMS, &img);
	ASSERT_LT(0, size);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(bad[i].ret, load_image(LVD_PARAMS, img, size, bad[i].args))
			TH_LOG("%s", bad[i].args);
		EXPECT_FALSE(loaded(LVD_PARAMS)) TH_LOG("%s", bad[i].args);
	}
	free(img);
	ASSERT_TRUE(logged(LVD_PARAMS ": `abc' invalid for parameter `i'"));
	ASSERT_TRUE(logged(LVD_PARAMS ": `0123456789abcdef' too large for parameter `s'"));
	ASSERT_FALSE(logged("stopped"));
}

/* struct kernel_param, kparam_string and kparam_array, as x86-64 lays them out */
#define KP_SIZE		40
#define KP_NAME		0
#define KP_OPS		16
#define KP_ARG		32
#define KPS_MAXLEN	0
#define KPA_MAX		0
#define KPA_ELEMSIZE	4
#define KPA_NUM		8
#define KPA_OPS		16
#define KPA_ELEM	24

/* A relocation that writes nothing (the uapi header lacks these) */
#define R_X86_64_NONE		0
#define ELF64_R_INFO(sym, type)	(((unsigned long)(sym) << 32) | (type))

/* A module's image, to forge its parameters in */
struct ko {
	void *img;
	struct elf64_shdr *sh;
	unsigned int shnum;
	const char *shstr;
	struct elf64_sym *sym;
};

static void ko_init(struct ko *ko, void *img)
{
	struct elf64_hdr *eh = img;
	unsigned int i;

	ko->img = img;
	ko->sh = img + eh->e_shoff;
	ko->shnum = eh->e_shnum;
	ko->shstr = img + ko->sh[eh->e_shstrndx].sh_offset;
	for (i = 0; i < ko->shnum; i++)
		if (ko->sh[i].sh_type == SHT_SYMTAB)
			ko->sym = img + ko->sh[i].sh_offset;
}

static int ko_section(const struct ko *ko, const char *name)
{
	unsigned int i;

	for (i = 0; i < ko->shnum; i++)
		if (!strcmp(ko->shstr + ko->sh[i].sh_name, name))
			return i;
	return -1;
}

/* The bytes at @off in section @sec of the file */
static void *ko_at(const struct ko *ko, int sec, unsigned long off)
{
	return ko->img + ko->sh[sec].sh_offset + off;
}

/* The relocation that fills in @off of section @sec, or NULL */
static struct elf64_rela *ko_rela(const struct ko *ko, int sec, unsigned long off)
{
	struct elf64_rela *r;
	unsigned int i, j;

	for (i = 0; i < ko->shnum; i++) {
		if (ko->sh[i].sh_type != SHT_RELA || ko->sh[i].sh_info != (unsigned int)sec)
			continue;
		r = ko->img + ko->sh[i].sh_offset;
		for (j = 0; j < ko->sh[i].sh_size / sizeof(*r); j++)
			if (r[j].r_offset == off)
				return &r[j];
	}
	return NULL;
}

/* What @r points at: its section, and the offset there in *@off */
static int ko_target(const struct ko *ko, const struct elf64_rela *r, unsigned long *off)
{
	const struct elf64_sym *sym = &ko->sym[ELF64_R_SYM(r->r_info)];

	*off = sym->st_value + r->r_addend;
	return sym->st_shndx;
}

/* Make @r point @back bytes before the end of the section it points into */
static void ko_point_before_end(const struct ko *ko, struct elf64_rela *r, unsigned long back)
{
	const struct elf64_sym *sym = &ko->sym[ELF64_R_SYM(r->r_info)];

	r->r_addend = ko->sh[sym->st_shndx].sh_size - sym->st_value - back;
}

/* Make @r write nothing, and the pointer it filled in @value instead */
static void ko_forge(const struct ko *ko, int sec, struct elf64_rela *r, unsigned long value)
{
	r->r_info = ELF64_R_INFO(0, R_X86_64_NONE);
	memcpy(ko_at(ko, sec, r->r_offset), &value, sizeof(value));
}

/* The offset in __param of parameter @name's entry, or -1 */
static long ko_param(const struct ko *ko, const char *name)
{
	int sec = ko_section(ko, "__param");
	struct elf64_rela *r;
	unsigned long off, at;
	int at_sec;

	for (off = 0; sec > 0 && off + KP_SIZE <= ko->sh[sec].sh_size; off += KP_SIZE) {
		r = ko_rela(ko, sec, off + KP_NAME);
		if (!r)
			continue;
		at_sec = ko_target(ko, r, &at);
		if (!strcmp(ko_at(ko, at_sec, at), name))
			return off;
	}
	return -1;
}

/* A parameter's descriptor (a kparam_string or kparam_array): its section */
static int ko_desc(const struct ko *ko, long param, unsigned long *off)
{
	return ko_target(ko, ko_rela(ko, ko_section(ko, "__param"), param + KP_ARG), off);
}

/*
 * In @ko, lvd_test_params, forge what @what says, with @kaddr kernel data.
 * Return: 0, or -1 when the module is not as expected.
 */
static int forge_param(struct ko *ko, const char *what, unsigned long kaddr)
{
	int sec = ko_section(ko, "__param"), dsec;
	long i = ko_param(ko, "i"), s = ko_param(ko, "s"), a = ko_param(ko, "a");
	struct elf64_rela *arg, *r;
	unsigned long d;
	unsigned int v;

	if (sec < 0 || i < 0 || s < 0 || a < 0)
		return -1;
	arg = ko_rela(ko, sec, i + KP_ARG);
	if (!strcmp(what, "arg-past-end")) {		/* an int 2 bytes from the end */
		ko_point_before_end(ko, arg, 2);
	} else if (!strcmp(what, "arg-kernel")) {
		ko_forge(ko, sec, arg, kaddr);
	} else if (!strcmp(what, "arg-wraps")) {
		ko_forge(ko, sec, arg, -2UL);
	} else if (!strcmp(what, "arg-rodata")) {	/* its name: read-only */
		*arg = *ko_rela(ko, sec, i + KP_NAME);
		arg->r_offset = i + KP_ARG;
	} else if (!strcmp(what, "ops-own")) {		/* ops in its data */
		r = ko_rela(ko, sec, i + KP_OPS);
		r->r_info = arg->r_info;
		r->r_addend = arg->r_addend;
	} else if (!strcmp(what, "ops-null")) {
		ko_forge(ko, sec, ko_rela(ko, sec, i + KP_OPS), 0);
	} else if (!strcmp(what, "name-kernel")) {
		ko_forge(ko, sec, ko_rela(ko, sec, i + KP_NAME), kaddr);
	} else if (!strcmp(what, "string-maxlen")) {	/* 1 MiB of string */
		dsec = ko_desc(ko, s, &d);
		v = 1 << 20;
		memcpy(ko_at(ko, dsec, d + KPS_MAXLEN), &v, sizeof(v));
	} else {
		dsec = ko_desc(ko, a, &d);
		r = ko_rela(ko, dsec, d + KPA_ELEM);
		if (!r)
			return -1;
		if (!strcmp(what, "array-past-end")) {	/* 16 bytes 8 from the end */
			ko_point_before_end(ko, r, 8);
		} else if (!strcmp(what, "array-max")) {
			v = 1 << 30;
			memcpy(ko_at(ko, dsec, d + KPA_MAX), &v, sizeof(v));
		} else if (!strcmp(what, "array-elemsize")) {
			v = 1;
			memcpy(ko_at(ko, dsec, d + KPA_ELEMSIZE), &v, sizeof(v));
		} else if (!strcmp(what, "array-num-kernel")) {
			ko_forge(ko, dsec, ko_rela(ko, dsec, d + KPA_NUM), kaddr);
		} else if (!strcmp(what, "array-ops-own")) {
			struct elf64_rela *ops = ko_rela(ko, dsec, d + KPA_OPS);

			ops->r_info = r->r_info;
			ops->r_addend = r->r_addend;
		} else {
			return -1;
		}
	}
	return 0;
}

/*
 * The module's parameters are its own memory, and may say anything: a
 * copy of lvd_test_params whose entries and descriptors point at kernel
 * data (the kernel side's canary page), past the end of its data, around
 * the top of the address space or at its read-only data, or whose ops are
 * its own but not ops (a variable, NULL), is refused, the parameter named;
 * nothing is written.
 */
TEST_F(iso, forged_params_are_refused)
{
#define OUTSIDE	"what it sets is not in the module's writable data"
#define OPS	"its own ops: "
	static const struct {
		const char *what, *param, *why;
	} forged[] = {
		{ "arg-past-end", "i", OUTSIDE },
		{ "arg-kernel", "i", OUTSIDE },
		{ "arg-wraps", "i", OUTSIDE },
		{ "arg-rodata", "i", OUTSIDE },
		{ "ops-own", "i", OPS },
		{ "ops-null", "i", OPS },
		{ "name-kernel", NULL, "a parameter's name is not in its memory" },
		{ "string-maxlen", "s", OUTSIDE },
		{ "array-past-end", "a", OUTSIDE },
		{ "array-max", "a", OUTSIDE },
		{ "array-elemsize", "a", "its array's elements are not the size of their type" },
		{ "array-num-kernel", "a",
		  "its array's count is not in the module's writable data" },
		{ "array-ops-own", "a", "an array of a type the loader does not parse" },
	};
	char canary[64], want[160];
	unsigned long kaddr;
	struct ko ko;
	unsigned int i;
	long size;
	void *img;

	ASSERT_LT(0, read_text(LVD_CANARY, canary, sizeof(canary)));
	kaddr = strtoul(canary, NULL, 16);
	ASSERT_NE(0, kaddr);
	ASSERT_NE(NULL, strstr(canary, " intact"));
	for (i = 0; i < ARRAY_SIZE(forged); i++) {
		size = read_module(LVD_PARAMS, &img);
		ASSERT_LT(0, size);
		ko_init(&ko, img);
		ASSERT_EQ(0, forge_param(&ko, forged[i].what, kaddr)) TH_LOG("%s", forged[i].what);
		EXPECT_EQ(-ENOEXEC, load_image(LVD_PARAMS, img, size,
					       "i=1 s=x a=1,2 names=x,y c=z"))
			TH_LOG("%s", forged[i].what);
		free(img);
		if (forged[i].param)
			snprintf(want, sizeof(want), "lvd: " LVD_PARAMS ": parameter %s: %s",
				 forged[i].param, forged[i].why);
		else
			snprintf(want, sizeof(want), "lvd: " LVD_PARAMS ": %s", forged[i].why);
		EXPECT_TRUE(logged(want)) TH_LOG("%s: no message %s", forged[i].what, want);
		EXPECT_FALSE(loaded(LVD_PARAMS));
		ASSERT_LT(0, read_text(LVD_CANARY, canary, sizeof(canary)));
		EXPECT_NE(NULL, strstr(canary, " intact")) TH_LOG("after %s", forged[i].what);
	}
	ASSERT_FALSE(logged("stopped"));
	/* The module itself loads, and the driver works. */
	ASSERT_EQ(0, system("modprobe " LVD_PARAMS " i=5"));
	ASSERT_TRUE(logged(LVD_PARAMS ": int 5 "));
	ASSERT_EQ(0, system("rmmod " LVD_PARAMS));
	ASSERT_EQ(0, act("ping", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 1 canary intact\n", self->result);
}

TEST_HARNESS_MAIN
