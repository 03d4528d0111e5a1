// SPDX-License-Identifier: GPL-2.0
/*
 * Crossings into an LVD domain, for real: the lvd_test_hv module runs each
 * scenario in a fresh domain (code of its own at CPL 3, one page of data)
 * and says what happened. Calls come back with their results, with no VM
 * exit, from every CPU; a domain that breaks a rule is stopped with the
 * exception the CPU raised, and calls after that fail.
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

FIXTURE(dom) {
	char result[256];
};

FIXTURE_SETUP(dom)
{
	if (!hv_expected())
		SKIP(return, "no VMX, or lvd=off: no domains");
	if (access(LVD_CROSS, W_OK))
		ASSERT_EQ(0, system("modprobe lvd_test_hv"));
}

FIXTURE_TEARDOWN(dom)
{
}

/* Six arguments in, RAX out: 1 * 3 + 2 + 3 + 4 + 5 + 6 */
TEST_F(dom, call_returns_its_result)
{
	ASSERT_EQ(0, cross("sum", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 23\n", self->result);
}

/* The registers that carry no argument arrive as zeros. */
TEST_F(dom, kernel_registers_are_scrubbed)
{
	ASSERT_EQ(0, cross("leak", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 0x0\n", self->result);
}

/* 1000 calls, and not one VM exit between them. */
TEST_F(dom, no_vm_exit_on_a_crossing)
{
	ASSERT_EQ(0, cross("exits", self->result, sizeof(self->result)));
	ASSERT_STREQ("calls 1000 exits 0\n", self->result);
}

TEST_F(dom, every_cpu_calls_the_same_domain)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char want[64];

	ASSERT_EQ(0, cross("all", self->result, sizeof(self->result)));
	snprintf(want, sizeof(want), "ok %ld of %ld\n", cpus, cpus);
	ASSERT_STREQ(want, self->result);
}

/* A page given to the domain: each side sees what the other wrote. */
TEST_F(dom, shared_page)
{
	ASSERT_EQ(0, cross("data", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 kernel 0x1234 domain 0x5678\n", self->result);
}

/*
 * The domain loads null FS, GS and DS: the kernel gets its selectors and
 * FS and GS bases back (this process's TLS is in FS).
 */
TEST_F(dom, segments_are_restored)
{
	ASSERT_EQ(0, cross("segs", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 1 same 1\n", self->result);
}

/*
 * The domain sets DF and AC, which POPF allows at CPL 3, then calls the
 * kernel and returns: the kernel runs with both clear (string instructions
 * would copy backwards; SMAP would be off).
 */
TEST_F(dom, flags_are_the_kernels)
{
	ASSERT_EQ(0, cross("flags", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 in-call 0x0 after 0x0\n", self->result);
}

/*
 * The domain waits for a word that a timer's handler writes: the timer
 * interrupt reaches the kernel while the CPU is in the domain, the kernel
 * handles it in its own view, the domain goes on, and nothing exits.
 */
TEST_F(dom, interrupts_reach_the_kernel_without_exits)
{
	ASSERT_EQ(0, cross("irq", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 0x11 exits 0\n", self->result);
}

/* The domain calls the kernel (10 + 2 * 20), and adds one. */
TEST_F(dom, domain_calls_the_kernel)
{
	ASSERT_EQ(0, cross("kcall", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 51\n", self->result);
}

/* kernel -> domain -> kernel -> domain (23), and back, plus one */
TEST_F(dom, nested_calls)
{
	ASSERT_EQ(0, cross("nest", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 24\n", self->result);
}

/* One CPU stops the domain: another CPU spinning in it comes out too. */
TEST_F(dom, other_cpus_are_brought_out)
{
	unsigned int ms;
	int fault, other, n;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "one CPU");
	ASSERT_EQ(0, cross("bring-out", self->result, sizeof(self->result)));
	n = sscanf(self->result, "fault %d other %d ms %u", &fault, &other, &ms);
	ASSERT_EQ(3, n) TH_LOG("%s", self->result);
	ASSERT_EQ(EFAULT_RET, fault);
	ASSERT_EQ(ESHUTDOWN_RET, other);
	/* well before the watchdog's 100 ms */
	ASSERT_GT(100, ms);
}

/*
 * A domain that never returns, called with interrupts off: the watchdog's
 * NMI, sent by the hypervisor's VMX-preemption timer or by another CPU,
 * brings the CPU out, and the domain is stopped, within 100 ms and the
 * timer's period (110 ms) and some slack.
 */
TEST_F(dom, watchdog_stops_a_domain_called_with_interrupts_off)
{
	unsigned int vector;
	unsigned long long ms;
	int err, n;

	ASSERT_EQ(0, cross("spin-irqs-off", self->result, sizeof(self->result)));
	if (!strcmp(self->result, "one CPU, no timer\n"))
		SKIP(return, "one CPU, and no VMX-preemption timer that fires");
	n = sscanf(self->result, "err %d vector %u ms %llu", &err, &vector, &ms);
	ASSERT_EQ(3, n) TH_LOG("%s", self->result);
	ASSERT_EQ(ETIMEDOUT_RET, err);
	ASSERT_EQ(FAULT_WATCHDOG, vector);
	ASSERT_GT(1000, ms) TH_LOG("%s", self->result);
}

/*
 * A kernel call reads a buffer the domain names, the way glue must: its
 * own page is summed (4096 bytes of 1); a kernel pointer, a length past
 * its memory and a range that wraps around are refused with -EFAULT, the
 * domain goes on, and the kernel's data is untouched.
 */
TEST_F(dom, hostile_values_through_a_kernel_call)
{
	static const struct {
		const char *scenario, *want;
	} cases[] = {
		{ "glue-ok", "err 0 ret 4096 canary intact\n" },
		{ "glue-kernel-pointer", "err 0 ret -14 canary intact\n" },
		{ "glue-huge-length", "err 0 ret -14 canary intact\n" },
		{ "glue-wrapping", "err 0 ret -14 canary intact\n" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, cross(cases[i].scenario, self->result,
				   sizeof(self->result)));
		EXPECT_STREQ(cases[i].want, self->result)
			TH_LOG("scenario %s", cases[i].scenario);
	}
}

/*
 * With FSGSBASE, the domain writes FS and GS bases of its choice: the
 * kernel's are back after the call.
 */
TEST_F(dom, forged_fs_gs_bases_are_undone)
{
	ASSERT_EQ(0, cross("bases", self->result, sizeof(self->result)));
	if (!strcmp(self->result, "no FSGSBASE\n"))
		SKIP(return, "the CPU has no FSGSBASE");
	ASSERT_STREQ("err 0 ret 1 same 1\n", self->result);
}

/*
 * The domain points RSP at kernel data while a timer interrupt comes: the
 * interrupt's frame goes to the CPU's IST page, the kernel data is
 * untouched, and the domain's RET from there stops it.
 */
TEST_F(dom, interrupt_with_rsp_in_kernel_memory)
{
	char want[64];

	ASSERT_EQ(0, cross("irq-stack", self->result, sizeof(self->result)));
	snprintf(want, sizeof(want), "err %d vector %u canary intact\n",
		 EFAULT_RET, PF);
	ASSERT_STREQ(want, self->result);
}

/*
 * A return with RSP at kernel data: the exit does not use the domain's
 * stack, so the data is untouched, and nothing is wrong with the domain.
 */
TEST_F(dom, return_with_a_forged_stack_pointer)
{
	ASSERT_EQ(0, cross("forged-return", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 then 0 ret 3 canary intact\n", self->result);
}

/* What each forbidden act raises, and at which privilege level. */
static const struct {
	const char *scenario;
	unsigned int vector, cpl;
} faults[] = {
	{ "ud2", UD, 3 },		/* an invalid opcode */
	{ "hlt", GP, 3 },		/* privileged instructions */
	{ "cli", GP, 3 },
	{ "cr3", GP, 3 },		/* its own page tables */
	{ "vmcall", UD, 3 },		/* hypercalls are the kernel's */
	{ "syscall", PF, 0 },		/* the kernel's entry is not mapped */
	{ "sse", NM, 3 },		/* the task's FPU registers */
	{ "stack", PF, 3 },		/* overflowing its stack */
	{ "read-kernel", PF, 3 },	/* kernel data */
	{ "write-code", PF, 3 },	/* its own code */
	{ "exec-data", PF, 3 },		/* its own data */
	{ "exec-kernel", PF, 3 },	/* kernel text */
	{ "vmfunc-kernel", PF, 3 },	/* kernel data, in the kernel's view */
	{ "bad-kcall", FAULT_BAD_CALL, 3 },	/* a kernel call it was not given */
	{ "bad-stack", FAULT_BAD_STACK, 3 },	/* a call with a forged stack */
	{ "exec-trampoline", PF, 3 },	/* into the trampoline's stubs */
	{ "vmfunc-empty", UD, 3 },	/* VMFUNC to a slot no domain uses */
	{ "vmfunc-other", GP, 3 },	/* VMFUNC to another domain's view */
	{ "wrmsr", GP, 3 },		/* LSTAR */
	{ "lidt", GP, 3 },
	{ "mov-dr7", GP, 3 },
	{ "xsetbv", XSETBV_FAULT, 3 },
	{ "wbinvd", GP, 3 },
	{ "outb", GP, 3 },		/* I/O to a port it was not given */
	{ "int3", GP, 3 },		/* only two vectors may be raised */
	{ "div0", DE, 3 },		/* a divide error */
	{ "align", AC, 3 },		/* RFLAGS.AC and a misaligned load */
	{ "single-step", DB, 3 },	/* RFLAGS.TF */
	{ "cr0", GP, 3 },		/* control registers, WP and SMEP off */
	{ "cr4", GP, 3 },
	{ "lgdt", GP, 3 },		/* descriptor tables */
	{ "lldt", GP, 3 },
	{ "ltr", GP, 3 },
	{ "mov-dr0", GP, 3 },		/* a breakpoint on kernel data */
	{ "invd", GP, 3 },
	{ "vmfunc-inside", PF, 3 },	/* VMFUNC in another instruction's bytes */
	{ "read-vmalloc", PF, 3 },	/* wild accesses */
	{ "write-vmalloc", PF, 3 },
	{ "read-other", PF, 3 },	/* a page of another live domain */
	{ "write-other", PF, 3 },
	{ "read-hv", PF, 3 },		/* the hypervisor's memory */
	{ "write-hv", PF, 3 },
	{ "exec-hv", PF, 3 },
};

/* What a stopped domain's scenario reports, @vector and @cpl its cause */
static void stopped_result(char *want, size_t size, unsigned int vector,
			   unsigned int cpl)
{
	snprintf(want, size,
		 "err %d vector %u cpl %u then %d kernel same canary intact reload 23\n",
		 EFAULT_RET, vector, cpl, ESHUTDOWN_RET);
}

/*
 * Each is stopped with that exception (-EFAULT), and a call after it fails
 * at once (-ESHUTDOWN); the kernel is still here to say so, the checksum
 * of its text and read-only data and a canary page are unchanged, and a
 * new domain works (23).
 */
TEST_F(dom, forbidden_acts_stop_the_domain)
{
	char want[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(faults); i++) {
		ASSERT_EQ(0, cross(faults[i].scenario, self->result,
				   sizeof(self->result)));
		stopped_result(want, sizeof(want),
			       expected_vector(faults[i].vector), faults[i].cpl);
		EXPECT_STREQ(want, self->result)
			TH_LOG("scenario %s", faults[i].scenario);
	}
	/* A domain that never returns: the watchdog stops it. */
	ASSERT_EQ(0, cross("spin", self->result, sizeof(self->result)));
	snprintf(want, sizeof(want),
		 "err %d vector %u cpl 3 then %d kernel same canary intact reload 23\n",
		 ETIMEDOUT_RET, FAULT_WATCHDOG, ESHUTDOWN_RET);
	EXPECT_STREQ(want, self->result);
	/* and a new domain works */
	ASSERT_EQ(0, cross("sum", self->result, sizeof(self->result)));
	ASSERT_STREQ("err 0 ret 23\n", self->result);
}

/*
 * MSRs whose writes the threat model names, and more the kernel relies on:
 * EFER, STAR, LSTAR, CSTAR, SFMASK, FS/GS/KERNEL_GS base, TSC_AUX,
 * SYSENTER_CS/ESP/EIP, PAT, DEBUGCTL, APIC base, SPEC_CTRL, the TSC, the
 * x2APIC ICR, FEATURE_CONTROL.
 */
static const unsigned int msrs[] = {
	0xc0000080, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
	0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103,
	0x174, 0x175, 0x176, 0x277, 0x1d9, 0x1b, 0x48, 0x10, 0x830, 0x3a,
};

/* WRMSR to each stops the domain with #GP. */
TEST_F(dom, wrmsr_to_any_msr_stops_the_domain)
{
	char want[128], scenario[32];
	unsigned int i;

	stopped_result(want, sizeof(want), GP, 3);
	for (i = 0; i < ARRAY_SIZE(msrs); i++) {
		snprintf(scenario, sizeof(scenario), "wrmsr:%#x", msrs[i]);
		ASSERT_EQ(0, cross(scenario, self->result, sizeof(self->result)));
		EXPECT_STREQ(want, self->result)
			TH_LOG("MSR %#x", msrs[i]);
	}
}

/* VMCALL with any number stops the domain with #UD. */
TEST_F(dom, vmcall_with_any_number_stops_the_domain)
{
	char want[128], scenario[32];
	unsigned long nr;

	stopped_result(want, sizeof(want), UD, 3);
	for (nr = 0; nr <= HC_NR + 1; nr++) {
		snprintf(scenario, sizeof(scenario), "vmcall:%lu",
			 nr <= HC_NR ? HC(nr) : 0xffffffffffffffffUL);
		ASSERT_EQ(0, cross(scenario, self->result, sizeof(self->result)));
		EXPECT_STREQ(want, self->result)
			TH_LOG("%s", scenario);
	}
}

/*
 * VMFUNC to another domain's view, again and again: under nested KVM,
 * which emulates VMFUNC with an exit, a timer interrupt comes right after
 * it about once in six, and its delivery (which faults in that view) must
 * not bring the domain back into its own view unpunished.
 */
#define VMFUNC_OTHER_TRIES	12

TEST_F(dom, vmfunc_elsewhere_stops_the_domain_whatever_comes_next)
{
	long long windows = exits_of("INTERRUPT_WINDOW", 0);
	char want[128];
	unsigned int i;

	stopped_result(want, sizeof(want), GP, 3);
	for (i = 0; i < VMFUNC_OTHER_TRIES; i++) {
		ASSERT_EQ(0, cross("vmfunc-other", self->result,
				   sizeof(self->result)));
		EXPECT_STREQ(want, self->result)
			TH_LOG("try %u", i);
	}
	/* An interrupt that waited for a #GP is delivered at such an exit. */
	TH_LOG("interrupt-window exits during the tries: %lld",
	       exits_of("INTERRUPT_WINDOW", 0) - windows);
}

/*
 * One CPU makes a fresh domain fault, round after round, while another
 * reads its fault record in a loop (lvd_domain_stopped()): every time the
 * reader sees the domain stopped, the record is complete, the same as the
 * faulting CPU's (#UD, its RIP, CPL 3, that CPU).
 */
TEST_F(dom, fault_record_is_complete_when_the_stop_is_seen)
{
	unsigned int rounds, seen, complete;
	int n;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "one CPU");
	ASSERT_EQ(0, cross("stop-record", self->result, sizeof(self->result)));
	n = sscanf(self->result, "rounds %u seen %u complete %u", &rounds,
		   &seen, &complete);
	ASSERT_EQ(3, n) TH_LOG("%s", self->result);
	ASSERT_EQ(100, rounds) TH_LOG("%s", self->result);
	ASSERT_EQ(rounds, seen) TH_LOG("%s", self->result);
	ASSERT_EQ(rounds, complete) TH_LOG("%s", self->result);
}

TEST_HARNESS_MAIN
