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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Did the kernel log a line containing @text? */
static int logged(const char *text)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "dmesg | grep -qF -- '%s'", text);
	return system(cmd) == 0;
}

static int loaded(const char *module)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", module);
	return access(path, F_OK) == 0;
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

/* It hands the kernel a buffer of its own: bytes 0 to 63 sum to 2016. */
TEST_F(iso, kernel_reads_its_buffer_through_glue)
{
	ASSERT_EQ(0, act("sum", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 2016 canary intact\n", self->result);
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
 * (256 KiB): 100 bytes set to 1, a zeroed piece, the space reused after
 * kfree(); 64 pieces of 4 KiB fill it, and all come back.
 */
TEST_F(iso, kmalloc_from_its_heap)
{
	ASSERT_EQ(0, act("alloc", 100, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 1100 canary intact\n", self->result);
	ASSERT_EQ(0, act("heap-full", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 64 canary intact\n", self->result);
	ASSERT_EQ(0, act("heap-full", 0, self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 64 canary intact\n", self->result);
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
	ASSERT_TRUE(logged("lvd_test_refused: jiffies is not available to an isolated module"));
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
	{ "xsetbv", EFAULT_RET, GP, 3 },
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
};

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
		snprintf(want, sizeof(want),
			 "err %d vector %u cpl %u then %d kernel same canary intact\n",
			 attacks[i].err, attacks[i].vector, attacks[i].cpl,
			 ESHUTDOWN_RET);
		EXPECT_STREQ(want, self->result)
			TH_LOG("attack %s", attacks[i].act);
		ASSERT_EQ(0, system("rmmod lvd_test_driver"));
		ASSERT_EQ(0, system("modprobe lvd_test_driver"));
		ASSERT_EQ(0, act("ping", 0, self->result, sizeof(self->result)));
		EXPECT_STREQ("err 0 ret 1 canary intact\n", self->result)
			TH_LOG("reload after %s", attacks[i].act);
	}
}

TEST_HARNESS_MAIN
