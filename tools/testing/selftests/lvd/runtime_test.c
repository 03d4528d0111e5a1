// SPDX-License-Identifier: GPL-2.0
/*
 * Domains as kernel threads of their own, for real: calls into an LVD
 * domain (lvd_test_hv's cross file) that sleep in kernel calls, are
 * preempted and move between CPUs, each task on a stack of its own in the
 * domain; calls from interrupts into a domain that is running; and what
 * may not be done (a sleeping kernel call from atomic context, a kernel
 * call on another task's stack) stops the domain.
 *
 * Needs the hypervisor: run with LVD_EXPECT=available (the harness sets
 * it when the CPU offers VMX).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "lvd_domain_faults.h"
#include "lvd_files.h"

FIXTURE(rt) {
	char result[256];
};

FIXTURE_SETUP(rt)
{
	if (!hv_expected())
		SKIP(return, "no VMX, or lvd=off: no domains");
	if (access(LVD_CROSS, W_OK))
		ASSERT_EQ(0, system("modprobe lvd_test_hv"));
}

FIXTURE_TEARDOWN(rt)
{
}

/*
 * A call waits in the domain with a canary on its stack; a timer's
 * interrupt calls into the same domain, which pushes its own pattern: the
 * waiting call's canary is intact (1), and both calls return.
 */
TEST_F(rt, interrupt_calls_into_the_running_domain)
{
	ASSERT_EQ(0, cross("irq-nest", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 1 inner 0 ret 1\n", self->result);
}

/* The same with preemption off, where both calls share the CPU's stack */
TEST_F(rt, interrupt_calls_into_the_running_domain_atomic)
{
	ASSERT_EQ(0, cross("irq-nest-atomic", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 1 inner 0 ret 1\n", self->result);
}

/* Two tasks sleep in kernel calls of one domain on one CPU, at once. */
TEST_F(rt, two_tasks_sleep_in_a_domain_on_one_cpu)
{
	ASSERT_EQ(0, cross("sleepers-one-cpu", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 0 intact 1 1 overlap 1 stacks differ\n", self->result);
}

/*
 * A task waits in the domain; a SCHED_FIFO task woken on its CPU gets the
 * CPU within a few ticks, not when the domain lets go.
 */
TEST_F(rt, fifo_task_preempts_a_domain)
{
	unsigned long long ms;
	int err, n;

	ASSERT_EQ(0, cross("fifo", self->result, sizeof(self->result)));
	n = sscanf(self->result, "err %d ms %llu", &err, &ms);
	ASSERT_EQ(2, n) TH_LOG("%s", self->result);
	ASSERT_EQ(0, err);
	/* The watchdog would stop the domain at 100 ms. */
	ASSERT_GT(20, ms) TH_LOG("%s", self->result);
}

/* A task sleeping in a kernel call moves to another CPU and goes on. */
TEST_F(rt, task_migrates_during_a_sleeping_kernel_call)
{
	unsigned int from, to;
	int err, call, intact, n;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "one CPU");
	ASSERT_EQ(0, cross("migrate", self->result, sizeof(self->result)));
	n = sscanf(self->result, "err %d %d intact %d from %u to %u", &err,
		   &call, &intact, &from, &to);
	ASSERT_EQ(5, n) TH_LOG("%s", self->result);
	ASSERT_EQ(0, err);
	ASSERT_EQ(0, call);
	ASSERT_EQ(1, intact);
	ASSERT_NE(from, to);
}

/* Stopped while three tasks sleep in it: each call fails as it wakes. */
TEST_F(rt, stop_while_tasks_sleep)
{
	char want[96];

	ASSERT_EQ(0, cross("stop-sleepers", self->result, sizeof(self->result)));
	snprintf(want, sizeof(want), "fault %d sleepers %d %d %d\n", EFAULT_RET,
		 ESHUTDOWN_RET, ESHUTDOWN_RET, ESHUTDOWN_RET);
	ASSERT_STREQ(want, self->result);
}

/* A sleeping kernel call from a call made with preemption off */
TEST_F(rt, sleeping_in_atomic_stops_the_domain)
{
	char want[64];

	ASSERT_EQ(0, cross("sleep-atomic", self->result, sizeof(self->result)));
	snprintf(want, sizeof(want), "err %d vector %u\n", EFAULT_RET,
		 FAULT_SLEEP_IN_ATOMIC);
	ASSERT_STREQ(want, self->result);
}

/* A kernel call with RSP in another task's domain stack */
TEST_F(rt, kernel_call_on_another_tasks_stack_stops_the_domain)
{
	char want[64];

	ASSERT_EQ(0, cross("foreign-stack", self->result, sizeof(self->result)));
	snprintf(want, sizeof(want), "err %d vector %u sleeper %d\n", EFAULT_RET,
		 FAULT_BAD_STACK, ESHUTDOWN_RET);
	ASSERT_STREQ(want, self->result);
}

/* kernel -> domain -> kernel (sleeps) -> domain, on the task's one stack */
TEST_F(rt, calls_nest_on_the_tasks_stack)
{
	long below;
	int err, n;

	ASSERT_EQ(0, cross("nest-sleep", self->result, sizeof(self->result)));
	n = sscanf(self->result, "err %d below %ld", &err, &below);
	ASSERT_EQ(2, n) TH_LOG("%s", self->result);
	ASSERT_EQ(0, err);
	/* below the caller's red zone, within the 16 KiB stack */
	ASSERT_LT(128, below);
	ASSERT_GT(16384, below);
}

/* Time asleep in kernel calls does not count against the watchdog. */
TEST_F(rt, watchdog_counts_only_time_in_the_domain)
{
	ASSERT_EQ(0, cross("sleep-long", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 intact 1\n", self->result);
}

/*
 * A kernel lock the domain took through a kernel call (a hold) is never
 * left held: the domain returns with it (stopped, reason 261), faults
 * with it (stopped, #UD), or gives it back, and a second give is refused.
 */
TEST_F(rt, kernel_locks_a_domain_holds_are_released)
{
	char want[80];

	ASSERT_EQ(0, cross("hold-return", self->result, sizeof(self->result)));
	snprintf(want, sizeof(want), "err %d vector %u ret 0 locked 0\n",
		 EFAULT_RET, FAULT_LOCK_HELD);
	ASSERT_STREQ(want, self->result);
	ASSERT_EQ(0, cross("hold-fault", self->result, sizeof(self->result)));
	snprintf(want, sizeof(want), "err %d vector 6 ret 0 locked 0\n",
		 EFAULT_RET);
	ASSERT_STREQ(want, self->result);
	ASSERT_EQ(0, cross("hold-give", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 vector -1 ret -1 locked 0\n", self->result);
}

TEST_HARNESS_MAIN
