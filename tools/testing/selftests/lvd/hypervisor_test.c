// SPDX-License-Identifier: GPL-2.0
/*
 * LVD hypervisor: the kernel runs in VMX non-root mode on every CPU, with
 * VMX hidden from it and from user space, hypervisor memory out of its
 * reach, and hypercalls that refuse what they must.
 *
 * Needs the lvd_test_hv module (CONFIG_LVD_TEST_HV) for what only the
 * kernel can do. LVD_EXPECT=available says the machine offers VMX: then
 * the hypervisor must be active, unless LVD_EXPECT_HV=off says the kernel
 * was booted with lvd=off; otherwise these tests skip.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cpuid.h>

#include "../kselftest_harness.h"
#include "lvd_files.h"

#define LVD_TEST	"/sys/kernel/debug/lvd_test/"
#define EOPNOTSUPP_RET	(-95)
#define EINVAL_RET	(-22)
#define EFAULT_RET	(-14)

static int vmx_expected(void)
{
	const char *e = getenv("LVD_EXPECT");

	return e && !strcmp(e, "available");
}

static int hv_off_expected(void)
{
	const char *e = getenv("LVD_EXPECT_HV");

	return e && !strcmp(e, "off");
}

static int hv_expected(void)
{
	return vmx_expected() && !hv_off_expected();
}

static long hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
		      unsigned long a2, unsigned long *rbx)
{
	char buf[128];
	long ret;
	int n;

	snprintf(buf, sizeof(buf), "%lu %#lx %#lx %#lx", nr, a0, a1, a2);
	if (write_text(LVD_TEST "hypercall", buf))
		return 1;
	if (read_text(LVD_TEST "hypercall", buf, sizeof(buf)) <= 0)
		return 1;
	n = sscanf(buf, "%ld %lu", &ret, rbx);
	return n == 2 ? ret : 1;
}

FIXTURE(hv) {
	int active;
};

FIXTURE_SETUP(hv)
{
	char buf[256];

	if (!hv_expected())
		SKIP(return, "no VMX, or lvd=off: no hypervisor to test");
	ASSERT_GT(read_text(LVD_DEBUGFS "hv", buf, sizeof(buf)), 0);
	ASSERT_EQ(0, strncmp(buf, "active on ", 10)) TH_LOG("lvd/hv: %s", buf);
	if (access(LVD_TEST "ping", R_OK))
		ASSERT_EQ(0, system("modprobe lvd_test_hv"));
	self->active = 1;
}

FIXTURE_TEARDOWN(hv)
{
	/* A test that failed half-way leaves no domain to the next ones. */
	if (self->active)
		write_text(LVD_TEST "domain", "destroy");
}

TEST_F(hv, every_cpu_runs_in_non_root_mode)
{
	char buf[4096], want[64], *p;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN), cpu;
	int n;

	ASSERT_GT(read_text(LVD_DEBUGFS "hv", buf, sizeof(buf)), 0);
	snprintf(want, sizeof(want), "active on %ld of %ld CPUs", cpus, cpus);
	ASSERT_EQ(0, strncmp(buf, want, strlen(want))) TH_LOG("lvd/hv: %s", buf);
	for (cpu = 0; cpu < cpus; cpu++) {
		snprintf(want, sizeof(want), "cpu%ld non-root", cpu);
		p = strstr(buf, want);
		n = !!p;
		ASSERT_EQ(1, n) TH_LOG("no '%s' in lvd/hv", want);
	}
}

/*
 * Every CPU answers a hypercall, and the way back from it gives the kernel
 * every register but the results (RAX, RBX) unchanged (RSP and RBP aside).
 */
TEST_F(hv, every_cpu_answers_a_hypercall)
{
	char buf[4096], want[64];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN), cpu;

	ASSERT_GT(read_text(LVD_TEST "ping", buf, sizeof(buf)), 0);
	for (cpu = 0; cpu < cpus; cpu++) {
		snprintf(want, sizeof(want), "cpu%ld ok\n", cpu);
		ASSERT_NE(NULL, strstr(buf, want)) TH_LOG("ping: %s", buf);
	}
}

TEST_F(hv, cpuid_hides_vmx_on_every_cpu)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN), cpu;
	long long before = exits_of("CPUID", 1), after;
	unsigned int a, b, c, d;
	cpu_set_t set;

	for (cpu = 0; cpu < cpus; cpu++) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
		__cpuid(1, a, b, c, d);
		ASSERT_EQ(0, c & (1u << 5)) TH_LOG("CPU %ld shows VMX", cpu);
	}
	/* ... and it was the hypervisor that answered. */
	after = exits_of("CPUID", 1);
	ASSERT_GE(after - before, cpus);
	(void)a; (void)b; (void)d;
}

TEST_F(hv, vmxon_in_the_kernel_raises_ud)
{
	long long before = exits_of("VMON", 0);
	char buf[64];

	ASSERT_GT(read_text(LVD_TEST "vmxon", buf, sizeof(buf)), 0);
	ASSERT_STREQ("trap 6\n", buf);
	ASSERT_EQ(before + 1, exits_of("VMON", 0));
}

/*
 * The kernel's XSETBV of each value KVM refuses (XCR1; x87 off; AVX without
 * SSE; part of AVX-512, or AVX-512 without AVX; half of MPX or of AMX; a
 * supervisor or reserved bit; what the CPU has but the kernel did not
 * enable) gets #GP, each after an exit to the hypervisor, which lives: the
 * kernel's own XCR0 is still accepted, and every CPU answers a hypercall.
 */
TEST_F(hv, xsetbv_values_kvm_refuses_get_gp)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN), cpu;
	char buf[1024], name[32], result[32], *line, *save;
	unsigned int xsetbvs, values;
	long long before, after;
	cpu_set_t set;

	for (cpu = 0; cpu < cpus; cpu++) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
		before = exits_of("XSETBV", 0);
		ASSERT_GT(read_text(LVD_TEST "xsetbv", buf, sizeof(buf)), 0);
		after = exits_of("XSETBV", 0);
		if (!strcmp(buf, "no xsave\n"))
			SKIP(return, "the kernel runs without XSAVE: XSETBV is #UD");
		xsetbvs = 0;
		values = 0;
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (sscanf(line, "xsetbvs %u", &xsetbvs) == 1)
				continue;
			if (!strncmp(line, "cpu ", 4)) {
				ksft_print_msg("%s\n", line);
				continue;
			}
			ASSERT_EQ(2, sscanf(line, "%31s %31[^\n]", name, result))
				TH_LOG("%s", line);
			values++;
			if (!strcmp(name, "kernel")) {
				EXPECT_STREQ("ok", result);
			} else if (!strcmp(result, "skip")) {
				EXPECT_STREQ("beyond-kernel", name);
			} else {
				EXPECT_STREQ("trap 13", result)
					TH_LOG("CPU %ld: XSETBV %s", cpu, name);
			}
		}
		ASSERT_EQ(14, values);
		/* Each XSETBV exited once, and no other did. */
		EXPECT_EQ(before + xsetbvs, after);
	}
	ASSERT_GT(read_text(LVD_TEST "ping", buf, sizeof(buf)), 0);
	ASSERT_EQ(NULL, strstr(buf, "FAIL")) TH_LOG("ping: %s", buf);
}

TEST_F(hv, kvm_intel_refuses_to_load)
{
	char buf[4096];
	int ret;

	if (system("modinfo kvm_intel >/dev/null 2>&1"))
		SKIP(return, "kvm_intel is not built as a module");
	ret = system("modprobe kvm_intel 2>/dev/null");
	ASSERT_NE(0, ret) TH_LOG("kvm_intel loaded under LVD");
	/* The kernel is fine, and LVD still runs everywhere. */
	ASSERT_GT(read_text(LVD_TEST "ping", buf, sizeof(buf)), 0);
	ASSERT_EQ(NULL, strstr(buf, "FAIL")) TH_LOG("ping: %s", buf);
}

/*
 * A user process's VMCALL, whatever its number (LVD's, the next, all
 * ones), exits and gets #UD.
 */
TEST_F(hv, vmcall_from_user_space_is_ud)
{
	long long before = exits_of("VMCALL", 1);
	unsigned long nr;
	int status;
	pid_t pid;

	for (nr = 0; nr <= HC_NR + 1; nr++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			asm volatile("vmcall"
				     : : "a" (nr <= HC_NR ? HC(nr) : ~0UL), "b" (0)
				     : "memory");
			_exit(0);	/* the hypercall went through: wrong */
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFSIGNALED(status))
			TH_LOG("hypercall %lu: child exited %d", nr, WEXITSTATUS(status));
		ASSERT_EQ(SIGILL, WTERMSIG(status));
	}
	ASSERT_EQ(before + HC_NR + 2, exits_of("VMCALL", 1));
}

/* What a child does right after its VMFUNC */
enum vmfunc_then {
	THEN_EXIT,	/* nothing more */
	THEN_WRITE,	/* write to a page it has never touched */
	THEN_INT3,	/* raise #BP */
	/*
	 * SYSCALL (read(-1): -EBADF). If it runs at all (under nested KVM it
	 * may, from a translation cached before the switch), the kernel's
	 * entry comes in the domain's view: the kernel must go on in its own.
	 */
	THEN_SYSCALL,
};

/*
 * VMFUNC 0 to @index in a child, which then does @then (THEN_WRITE writes
 * to @fresh) and exits with 7. Returns its wait status.
 */
static int vmfunc_child_then(unsigned int index, enum vmfunc_then then, char *fresh)
{
	unsigned long rax = 0, rcx = index;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* VMFUNC: binutils may lack the mnemonic */
		switch (then) {
		case THEN_EXIT:
		case THEN_WRITE:
			asm volatile(".byte 0x0f, 0x01, 0xd4" : : "a" (0), "c" (index) : "memory");
			if (then == THEN_WRITE)
				asm volatile("movb $1, (%0)" : : "r" (fresh) : "memory");
			break;
		case THEN_INT3:
			asm volatile(".byte 0x0f, 0x01, 0xd4\n\tint3"
				     : : "a" (0), "c" (index) : "memory");
			break;
		case THEN_SYSCALL:
			asm volatile(".byte 0x0f, 0x01, 0xd4\n\tsyscall"
				     : "+a" (rax), "+c" (rcx)
				     : "D" (-1L), "S" (0L), "d" (0L) : "r11", "memory");
			break;
		}
		_exit(7);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static int vmfunc_child(unsigned int index)
{
	return vmfunc_child_then(index, THEN_EXIT, NULL);
}

/* VMFUNC 0 (EPTP switching) from user space: no exit for a valid index. */
TEST_F(hv, vmfunc_from_user_space)
{
	long long before = exits_of("VMFUNC", 1);
	int status;

	/* Index 0 is the kernel's own EPT: a switch to where it is, no exit. */
	status = vmfunc_child(0);
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	ASSERT_EQ(7, WEXITSTATUS(status));
	ASSERT_EQ(before, exits_of("VMFUNC", 1));
	/* An empty slot of the EPTP list: the VMFUNC exits and becomes #UD. */
	status = vmfunc_child(1);
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x", status);
	ASSERT_EQ(SIGILL, WTERMSIG(status));
	status = vmfunc_child(511);
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x", status);
	ASSERT_EQ(SIGILL, WTERMSIG(status));
	ASSERT_EQ(before + 2, exits_of("VMFUNC", 1));
}

/* Is there an "ept-violation last" line for @addr, a write when @write? */
static int ept_violation_logged(unsigned long addr, int write)
{
	char buf[16384], *line, *save;
	unsigned long long gpa, gva, qual;
	unsigned int cpu;

	if (read_text(LVD_DEBUGFS "exits", buf, sizeof(buf)) <= 0)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "cpu%u ept-violation last: gpa %llx gva %llx qualification %llx",
			   &cpu, &gpa, &gva, &qual) != 4)
			continue;
		/* Qualification bit 1: a write; bit 7: the linear address is valid */
		if (gva == addr && !!(qual & 2) == write && (qual & 0x80) &&
		    (gpa & ~0xfffULL) && !(gpa & 0xfff))
			return 1;
	}
	return 0;
}

/* The kernel reads and writes the hidden page with fault-tolerant accessors. */
static int touch_hidden_page(long *rd, long *wr, unsigned long *addr,
			     unsigned long *pa)
{
	char buf[128];
	int n;

	if (read_text(LVD_TEST "hidden", buf, sizeof(buf)) <= 0)
		return -1;
	n = sscanf(buf, "read %ld write %ld at %lx pa %lx", rd, wr, addr, pa);
	return n == 4 ? 0 : -1;
}

TEST_F(hv, kernel_cannot_touch_hypervisor_memory)
{
	long long before = exits_of("EPT_VIOLATION", 0);
	unsigned long addr, pa;
	char buf[128];
	long rd, wr;

	ASSERT_EQ(0, touch_hidden_page(&rd, &wr, &addr, &pa));
	/* Both refused with -EFAULT, both seen by the hypervisor */
	ASSERT_EQ(EFAULT_RET, rd);
	ASSERT_EQ(EFAULT_RET, wr);
	ASSERT_EQ(before + 2, exits_of("EPT_VIOLATION", 0));
	ASSERT_TRUE(ept_violation_logged(addr, 1));
	/* The kernel is fine. */
	ASSERT_GT(read_text(LVD_TEST "ping", buf, sizeof(buf)), 0);
	ASSERT_EQ(NULL, strstr(buf, "FAIL")) TH_LOG("ping: %s", buf);
}

TEST_F(hv, plain_access_to_hypervisor_memory_oopses)
{
	long long before = exits_of("EPT_VIOLATION", 0);
	char buf[256], cmd[160];
	unsigned long addr, pa;
	long rd, wr;

	ASSERT_EQ(0, touch_hidden_page(&rd, &wr, &addr, &pa));
	before += 2;
	ASSERT_GT(read_text(LVD_TEST "oops", buf, sizeof(buf)), 0);
	ASSERT_STREQ("oopsed\n", buf);
	ASSERT_EQ(before + 1, exits_of("EPT_VIOLATION", 0));
	ASSERT_TRUE(ept_violation_logged(addr, 0));
	/* The oops names the address; the kernel carries on. */
	snprintf(cmd, sizeof(cmd),
		 "dmesg | grep -q 'unable to handle page fault for address: %016lx'", addr);
	ASSERT_EQ(0, system(cmd));
	ASSERT_GT(read_text(LVD_TEST "ping", buf, sizeof(buf)), 0);
	ASSERT_EQ(NULL, strstr(buf, "FAIL")) TH_LOG("ping: %s", buf);
}

#define CPU1_ONLINE "/sys/devices/system/cpu/cpu1/online"

/* Does lvd/hv begin with "active on N of N CPUs"? */
static int hv_active_on(const char *hv, long n)
{
	char want[64];

	snprintf(want, sizeof(want), "active on %ld of %ld CPUs\n", n, n);
	return !strncmp(hv, want, strlen(want));
}

/* CPUID's hypervisor bit: another hypervisor runs below LVD's (nested). */
static bool under_other_hypervisor(void)
{
	unsigned int eax, ebx, ecx, edx;

	return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 31));
}

/*
 * CPU 1 leaves VMX when it goes offline and launches again when it is back.
 * Under another hypervisor, offlining is refused and CPU 1 stays in.
 */
TEST_F(hv, cpu_hotplug_relaunches)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char buf[1024];

	if (cpus < 2 || access(CPU1_ONLINE, W_OK))
		SKIP(return, "needs a second CPU that can go offline");
	if (under_other_hypervisor()) {
		ASSERT_EQ(-EBUSY, write_text(CPU1_ONLINE, "0"));
		ASSERT_GT(read_text(LVD_DEBUGFS "hv", buf, sizeof(buf)), 0);
		ASSERT_NE(NULL, strstr(buf, "cpu1 non-root")) TH_LOG("lvd/hv: %s", buf);
		ASSERT_TRUE(hv_active_on(buf, cpus)) TH_LOG("lvd/hv: %s", buf);
		return;
	}
	ASSERT_EQ(0, write_text(CPU1_ONLINE, "0"));
	ASSERT_GT(read_text(LVD_DEBUGFS "hv", buf, sizeof(buf)), 0);
	EXPECT_EQ(NULL, strstr(buf, "cpu1 ")) TH_LOG("lvd/hv: %s", buf);
	EXPECT_TRUE(hv_active_on(buf, cpus - 1)) TH_LOG("lvd/hv: %s", buf);

	ASSERT_EQ(0, write_text(CPU1_ONLINE, "1"));
	ASSERT_GT(read_text(LVD_DEBUGFS "hv", buf, sizeof(buf)), 0);
	ASSERT_NE(NULL, strstr(buf, "cpu1 non-root")) TH_LOG("lvd/hv: %s", buf);
	ASSERT_TRUE(hv_active_on(buf, cpus)) TH_LOG("lvd/hv: %s", buf);
	/* The relaunched CPU answers hypercalls as itself. */
	ASSERT_GT(read_text(LVD_TEST "ping", buf, sizeof(buf)), 0);
	ASSERT_NE(NULL, strstr(buf, "cpu1 ok")) TH_LOG("ping: %s", buf);
	ASSERT_EQ(NULL, strstr(buf, "FAIL")) TH_LOG("ping: %s", buf);
}

#define LVD_EXIT_EVENT "/sys/kernel/tracing/events/lvd/lvd_exit/enable"

/* Count the lvd_exit events in the trace that contain @what. */
static int trace_count(const char *what)
{
	static char buf[1 << 18];
	char *p = buf;
	int n = 0;

	if (read_text("/sys/kernel/tracing/trace", buf, sizeof(buf)) < 0)
		return -1;
	while ((p = strstr(p, "lvd_exit: "))) {
		char *eol = strchr(p, '\n');

		if (eol)
			*eol = '\0';
		n += !!strstr(p, what);
		p += strlen(p) + (eol ? 1 : 0);
	}
	return n;
}

/* One event per exit, off by default: user-space CPUIDs show up when on. */
TEST_F(hv, exit_tracepoint)
{
	unsigned int a, b, c, d, i;
	char buf[16];

	if (access(LVD_EXIT_EVENT, W_OK))
		SKIP(return, "no tracefs or no lvd_exit event (CONFIG_FTRACE)");
	ASSERT_GT(read_text(LVD_EXIT_EVENT, buf, sizeof(buf)), 0);
	ASSERT_STREQ("0\n", buf);
	/* An oops (the test above makes one) turns tracing off. */
	ASSERT_EQ(0, write_text("/sys/kernel/tracing/tracing_on", "1"));
	ASSERT_EQ(0, system("echo > /sys/kernel/tracing/trace"));
	for (i = 0; i < 5; i++)
		__cpuid(0, a, b, c, d);
	ASSERT_EQ(0, trace_count("reason CPUID"));

	ASSERT_EQ(0, write_text(LVD_EXIT_EVENT, "1"));
	for (i = 0; i < 10; i++)
		__cpuid(0, a, b, c, d);
	ASSERT_EQ(0, write_text(LVD_EXIT_EVENT, "0"));
	if (trace_count("reason CPUID") < 10) {
		static char trace[2048];

		read_text("/sys/kernel/tracing/trace", trace, sizeof(trace));
		TH_LOG("too few CPUID events in the trace:\n%s", trace);
	}
	ASSERT_LE(10, trace_count("reason CPUID"));
	ASSERT_LE(10, trace_count("cpl 3"));
	ASSERT_EQ(0, system("echo > /sys/kernel/tracing/trace"));
}

#define HC_DOMAIN_MAP	HC(5)
#define HC_FLUSH_EPT	HC(7)
#define HC_MAP_DEVICE	HC(10)
#define HC_UNMAP_DEVICE	HC(11)
#define VMFUNC_CHILDREN	16
#define MAP_ARG(pages, prot)	(((unsigned long)(pages) << 3) | (prot))

/*
 * The first memory BAR of the emulators' e1000 (8086:100e), if the boot
 * has one: device memory that no driver uses in this test.
 */
static int nic_bar0(unsigned long *pa)
{
	FILE *f = popen("grep -l 0x100e /sys/bus/pci/devices/*/device", "r");
	char path[128], res[160], *slash;
	unsigned long end, flags;
	int found = 0;

	if (!f)
		return 0;
	if (fgets(path, sizeof(path), f)) {
		path[strcspn(path, "\n")] = 0;
		slash = strrchr(path, '/');
		snprintf(slash, sizeof(path) - (slash - path), "/resource");
		if (read_text(path, res, sizeof(res)) > 0 &&
		    sscanf(res, "%lx %lx %lx", pa, &end, &flags) == 3 &&
		    (flags & 0x200) && *pa)
			found = 1;
	}
	pclose(f);
	return found;
}

/* The test module's domain: its EPTP-list index, or 0 when there is none. */
static int test_domain(unsigned long *page)
{
	char buf[64];
	unsigned int index;

	if (read_text(LVD_TEST "domain", buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "index %u page %lx", &index, page) != 2)
		return 0;
	return index;
}

/*
 * A domain: an EPT in a slot of the EPTP list that only RAM can be given
 * to, that user space cannot enter with VMFUNC, and whose slot empties
 * when it is destroyed.
 */
TEST_F(hv, domain_lifecycle)
{
	unsigned long rbx, page, hidden_pa, addr;
	long long before;
	int index, status, i;
	char *fresh;
	long rd, wr;

	ASSERT_EQ(0, write_text(LVD_TEST "domain", "create"));
	index = test_domain(&page);
	ASSERT_LE(1, index);

	/* Refused: hypervisor memory, MMIO, bad sizes, access and indices */
	ASSERT_EQ(0, touch_hidden_page(&rd, &wr, &addr, &hidden_pa));
	EXPECT_EQ(EFAULT_RET, hypercall(HC_DOMAIN_MAP, index, hidden_pa, MAP_ARG(1, 3), &rbx));
	EXPECT_EQ(EFAULT_RET, hypercall(HC_DOMAIN_MAP, index, 0xfee00000, MAP_ARG(1, 3), &rbx));
	EXPECT_EQ(EFAULT_RET, hypercall(HC_DOMAIN_MAP, index, 0xfffff00000UL, MAP_ARG(1, 1), &rbx));
	EXPECT_EQ(EINVAL_RET, hypercall(HC_DOMAIN_MAP, index, page, MAP_ARG(0, 3), &rbx));
	EXPECT_EQ(EINVAL_RET, hypercall(HC_DOMAIN_MAP, index, page, MAP_ARG(1, 0), &rbx));
	EXPECT_EQ(EINVAL_RET, hypercall(HC_DOMAIN_MAP, index, page, MAP_ARG(1, 2), &rbx));
	EXPECT_EQ(EINVAL_RET, hypercall(HC_DOMAIN_MAP, index, page + 8, MAP_ARG(1, 3), &rbx));
	EXPECT_EQ(EINVAL_RET, hypercall(HC_DOMAIN_MAP, index + 1, page, MAP_ARG(1, 3), &rbx));
	EXPECT_EQ(EINVAL_RET, hypercall(HC_DOMAIN_MAP, 0, page, MAP_ARG(1, 3), &rbx));
	EXPECT_EQ(EINVAL_RET, hypercall(HC_DOMAIN_MAP, 1000, page, MAP_ARG(1, 3), &rbx));
	/* Accepted: RAM, read-only */
	EXPECT_EQ(0, hypercall(HC_DOMAIN_MAP, index, page, MAP_ARG(1, 1), &rbx));

	/*
	 * Device memory: never RAM, hypervisor memory, the local APIC,
	 * executable; taken back only if it is device memory
	 */
	EXPECT_EQ(EFAULT_RET, hypercall(HC_MAP_DEVICE, index, page, MAP_ARG(1, 3), &rbx));
	EXPECT_EQ(EFAULT_RET, hypercall(HC_MAP_DEVICE, index, hidden_pa, MAP_ARG(1, 3), &rbx));
	EXPECT_EQ(EFAULT_RET, hypercall(HC_MAP_DEVICE, index, 0xfee00000, MAP_ARG(1, 3), &rbx));
	EXPECT_EQ(EFAULT_RET, hypercall(HC_MAP_DEVICE, index, 0xfffff00000UL, MAP_ARG(1, 1), &rbx));
	EXPECT_EQ(EINVAL_RET, hypercall(HC_UNMAP_DEVICE, index, page, 1, &rbx));
	EXPECT_EQ(EINVAL_RET, hypercall(HC_UNMAP_DEVICE, index, page, 0, &rbx));
	if (nic_bar0(&addr)) {
		EXPECT_EQ(EINVAL_RET, hypercall(HC_MAP_DEVICE, index, addr, MAP_ARG(1, 7), &rbx));
		EXPECT_EQ(EINVAL_RET, hypercall(HC_MAP_DEVICE, index, addr, MAP_ARG(1, 5), &rbx));
		EXPECT_EQ(EINVAL_RET, hypercall(HC_UNMAP_DEVICE, index, addr, 1, &rbx));
		EXPECT_EQ(0, hypercall(HC_MAP_DEVICE, index, addr, MAP_ARG(2, 3), &rbx));
		EXPECT_EQ(EINVAL_RET, hypercall(HC_UNMAP_DEVICE, index, addr, 3, &rbx));
		EXPECT_EQ(0, hypercall(HC_UNMAP_DEVICE, index, addr, 2, &rbx));
		EXPECT_EQ(EINVAL_RET, hypercall(HC_UNMAP_DEVICE, index, addr, 1, &rbx));
	}
	EXPECT_EQ(0, hypercall(HC_FLUSH_EPT, index, 0, 0, &rbx));

	/*
	 * A user process that VMFUNCs to the domain gets SIGSEGV, no further.
	 * Its first access that needs a page walk stops it: the CPU may still
	 * fetch through translations cached before the switch (KVM inside
	 * Bochs keeps them, where hardware tags them with the EPT they came
	 * from), so the child writes to a page it has never touched. An event
	 * that comes first must not save it: its delivery faults in the
	 * domain's view, an interrupt waits until the #GP is delivered, and
	 * an exception gives way to the #GP. Under nested KVM, which emulates
	 * VMFUNC with an exit, the timer interrupt comes right after it for
	 * about one child in five, and an INT3 after it often runs there: so
	 * several children try, every other one with INT3.
	 */
	fresh = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, fresh);
	before = exits_of("EPT_IN_DOMAIN_VIEW", 0);
	for (i = 0; i < VMFUNC_CHILDREN; i++) {
		status = vmfunc_child_then(index, i & 1 ? THEN_INT3 : THEN_WRITE,
					   fresh);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
			break;
	}
	munmap(fresh, 4096);
	ASSERT_TRUE(WIFSIGNALED(status))
		TH_LOG("child %d (%s): status %#x, EPT_IN_DOMAIN_VIEW %lld -> %lld",
		       i, i & 1 ? "INT3" : "write", status, before,
		       exits_of("EPT_IN_DOMAIN_VIEW", 0));
	ASSERT_EQ(SIGSEGV, WTERMSIG(status))
		TH_LOG("child %d (%s)", i, i & 1 ? "INT3" : "write");
	ASSERT_LE(before + VMFUNC_CHILDREN, exits_of("EPT_IN_DOMAIN_VIEW", 0));
	/*
	 * SYSCALL right after the VMFUNC: killed by SIGSEGV, or, where the
	 * SYSCALL ran, back in the kernel's view (exit 7); the kernel lives.
	 */
	for (i = 0; i < 4; i++) {
		status = vmfunc_child_then(index, THEN_SYSCALL, NULL);
		ASSERT_TRUE((WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) ||
			    (WIFEXITED(status) && WEXITSTATUS(status) == 7))
			TH_LOG("SYSCALL child %d: status %#x", i, status);
	}
	/* and the domain is still there */
	EXPECT_EQ(0, hypercall(HC_DOMAIN_MAP, index, page, MAP_ARG(1, 3), &rbx));

	/* Destroyed: its slot is empty again (VMFUNC exits: SIGILL) */
	ASSERT_EQ(0, write_text(LVD_TEST "domain", "destroy"));
	ASSERT_EQ(0, test_domain(&page));
	EXPECT_EQ(EINVAL_RET, hypercall(HC_DOMAIN_MAP, index, page, MAP_ARG(1, 3), &rbx));
	before = exits_of("VMFUNC", 1);
	status = vmfunc_child(index);
	ASSERT_TRUE(WIFSIGNALED(status))
		TH_LOG("status %#x, user VMFUNC exits %lld -> %lld", status,
		       before, exits_of("VMFUNC", 1));
	ASSERT_EQ(SIGILL, WTERMSIG(status));

	/* and the slot can be used again */
	ASSERT_EQ(0, write_text(LVD_TEST "domain", "create"));
	ASSERT_EQ(index, test_domain(&page));
	ASSERT_EQ(0, write_text(LVD_TEST "domain", "destroy"));
}

TEST_F(hv, hypercall_abi)
{
	unsigned long rbx = 0;
	long ret;

	ret = hypercall(HC(0), 0, 0, 0, &rbx);
	ASSERT_EQ(5, ret) TH_LOG("ABI version %ld", ret);
	ret = hypercall(HC(1), 0x1234, 0, 0, &rbx);
	ASSERT_EQ((long)(0x1234 ^ 0x4c56445f50494e47ULL), ret);
}

TEST_F(hv, bad_hypercalls_are_refused)
{
	unsigned long rbx;

	/* Unknown numbers */
	ASSERT_EQ(EOPNOTSUPP_RET, hypercall(HC(HC_NR), 0, 0, 0, &rbx));
	ASSERT_EQ(EOPNOTSUPP_RET, hypercall(HC(999), 0, 0, 0, &rbx));
	ASSERT_EQ(EOPNOTSUPP_RET, hypercall(HC(0xffffffffUL), 0, 0, 0, &rbx));
	/* READ_STATS: wrong size, a buffer across a page, no RAM there */
	ASSERT_EQ(EINVAL_RET, hypercall(HC(3), 0x100000, 1, 0, &rbx));
	ASSERT_EQ(EFAULT_RET, hypercall(HC(3), 0x100ff8, 16, 0, &rbx));
	ASSERT_EQ(EFAULT_RET, hypercall(HC(3), 0xfffffff000UL, 16, 0, &rbx));
}

/* Exits per reason, kernel and user apart, summed over CPUs. */
struct exit_counts {
	char name[64][32];
	unsigned long long k[64], u[64];
	int n;
};

static int read_exit_counts(struct exit_counts *c)
{
	char buf[16384], *line, *save, name[32];
	unsigned long long k, u;
	unsigned int cpu;
	int i;

	c->n = 0;
	if (read_text(LVD_DEBUGFS "exits", buf, sizeof(buf)) <= 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "cpu%u %31s %llu %llu", &cpu, name, &k, &u) != 4)
			continue;
		for (i = 0; i < c->n && strcmp(c->name[i], name); i++)
			;
		if (i == c->n) {
			if (c->n == 64)
				return -1;
			snprintf(c->name[c->n], sizeof(c->name[0]), "%s", name);
			c->k[i] = 0;
			c->u[i] = 0;
			c->n++;
		}
		c->k[i] += k;
		c->u[i] += u;
	}
	return 0;
}

static unsigned long long count_of(const struct exit_counts *c, const char *name,
				   int user)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return user ? c->u[i] : c->k[i];
	return 0;
}

/*
 * A standard workload: a shell loop, file I/O on tmpfs and timer ticks for
 * a few seconds. Nothing may exit for interrupts, exceptions or the MSRs
 * the bitmap passes; the exits that remain are printed per second.
 */
TEST_F(hv, workload_exits)
{
	struct exit_counts before, after;
	struct timespec t0, t1;
	double secs;
	int i;

	ASSERT_EQ(0, read_exit_counts(&before));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, system("i=0; while [ $i -lt 200 ]; do i=$((i+1)); "
			    "echo $i > /tmp/lvd-w; cat /tmp/lvd-w > /dev/null; done; "
			    "dd if=/dev/zero of=/tmp/lvd-w bs=64k count=64 2>/dev/null; "
			    "rm /tmp/lvd-w; sleep 1"));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ASSERT_EQ(0, read_exit_counts(&after));
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	ksft_print_msg("exits during %.1f s of workload (kernel, user; per second):\n", secs);
	for (i = 0; i < after.n; i++) {
		unsigned long long dk = after.k[i] - count_of(&before, after.name[i], 0);
		unsigned long long du = after.u[i] - count_of(&before, after.name[i], 1);

		if (dk || du)
			ksft_print_msg("  %-20s %8llu %8llu   %8.1f/s\n", after.name[i],
				       dk, du, (dk + du) / secs);
	}
	/* Exitless: interrupts, exceptions, NMIs, passed-through MSRs */
	ASSERT_EQ(count_of(&before, "EXTERNAL_INTERRUPT", 0),
		  count_of(&after, "EXTERNAL_INTERRUPT", 0));
	ASSERT_EQ(count_of(&before, "EXCEPTION_NMI", 0) + count_of(&before, "EXCEPTION_NMI", 1),
		  count_of(&after, "EXCEPTION_NMI", 0) + count_of(&after, "EXCEPTION_NMI", 1));
	ASSERT_EQ(count_of(&before, "MSR_READ", 0), count_of(&after, "MSR_READ", 0));
	ASSERT_EQ(count_of(&before, "MSR_WRITE", 0), count_of(&after, "MSR_WRITE", 0));
	ASSERT_EQ(count_of(&before, "HLT", 0), count_of(&after, "HLT", 0));
	ASSERT_EQ(count_of(&before, "IO_INSTRUCTION", 0), count_of(&after, "IO_INSTRUCTION", 0));
	/* The kernel itself does not execute CPUID in steady state. */
	ASSERT_EQ(count_of(&before, "CPUID", 0), count_of(&after, "CPUID", 0));
	/* Nothing touched hypervisor memory. */
	ASSERT_EQ(count_of(&before, "EPT_VIOLATION", 0) + count_of(&before, "EPT_VIOLATION", 1),
		  count_of(&after, "EPT_VIOLATION", 0) + count_of(&after, "EPT_VIOLATION", 1));
}

/* A scenario of the test module's pv file: its result in @buf */
static int pv(const char *scenario, char *buf, size_t size)
{
	if (write_text(LVD_TEST "pv", scenario))
		return -1;
	if (read_text(LVD_TEST "pv", buf, size) <= 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* 1 with KVM below LVD (its CPUID signature), its features in *@features */
static int under_kvm(unsigned int *features)
{
	unsigned int a, b, c, d;
	char sig[13];

	*features = 0;
	if (!under_other_hypervisor())
		return 0;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	if (strcmp(sig, "KVMKVMKVM"))
		return 0;
	__cpuid(0x40000001, a, b, c, d);
	*features = a;
	(void)b; (void)c; (void)d;
	return 1;
}

#define KVM_ENOSYS_RET		"ret -1000"

/*
 * The kernel's VMCALLs without LVD's signature are not LVD's: KVM's
 * numbers, and LVD's with a wrong signature, go to KVM (-KVM_ENOSYS for
 * numbers it does not know, 0 for KVM_HC_VAPIC_POLL_IRQ) and, with no
 * hypervisor below LVD, raise #UD. Each one exits to LVD first.
 */
TEST_F(hv, other_vmcalls_are_not_lvds)
{
	static const struct {
		const char *nr, *kvm, *none;
	} calls[] = {
		{ "0", KVM_ENOSYS_RET, "trap 6" },	/* LVD's VERSION in ABI 3 */
		{ "1", "ret 0", "trap 6" },		/* KVM_HC_VAPIC_POLL_IRQ */
		{ "1000", KVM_ENOSYS_RET, "trap 6" },
		{ "0x4c56444900000000", KVM_ENOSYS_RET, "trap 6" },	/* "LVDI" */
		{ "0x0000444800000001", KVM_ENOSYS_RET, "trap 6" },
		{ "0x4c56444800000000", "ret 5", "ret 5" },	/* LVD's VERSION */
	};
	long long before = exits_of("VMCALL", 0);
	unsigned int features, i;
	char scenario[48], buf[64];
	int kvm = under_kvm(&features);

	if (under_other_hypervisor() && !kvm)
		SKIP(return, "another hypervisor than KVM below LVD");
	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		snprintf(scenario, sizeof(scenario), "vmcall %s", calls[i].nr);
		ASSERT_EQ(0, pv(scenario, buf, sizeof(buf)));
		EXPECT_STREQ(kvm ? calls[i].kvm : calls[i].none, buf)
			TH_LOG("VMCALL %s (%s)", calls[i].nr, kvm ? "KVM" : "no hypervisor");
	}
	EXPECT_LE(before + i, exits_of("VMCALL", 0));
}

/* CPUID reads EAX only: junk in RAX[63:32] does not show VMX. */
TEST_F(hv, cpuid_junk_in_rax_still_hides_vmx)
{
	char buf[64];

	ASSERT_EQ(0, pv("cpuid-junk", buf, sizeof(buf)));
	ASSERT_STREQ("vmx 0", buf);
}

/*
 * KVM's paravirtual MSRs reach KVM: the PV EOI MSR reads as the kernel
 * enabled it and takes the same value back; KVM's #GP for a misaligned
 * address, fixed up in root mode, comes back as #GP; an address in
 * hypervisor memory gets #GP from LVD.
 */
TEST_F(hv, kvm_msrs_reach_kvm)
{
	unsigned int features;
	char buf[96];

	if (!under_kvm(&features))
		SKIP(return, "no KVM below LVD: no paravirtual MSRs");
	ASSERT_EQ(0, pv("msr", buf, sizeof(buf)));
	if (!strcmp(buf, "none"))
		SKIP(return, "KVM offers no PV EOI");
	ASSERT_STREQ("read 1 rewrite 0 reserved -5 hidden -5", buf);
}

#define CLOCKSOURCE "/sys/devices/system/clocksource/clocksource0/"

/* Under KVM, kvm-clock keeps time, monotonic from CPU to CPU. */
TEST_F(hv, kvmclock_is_monotonic_across_cpus)
{
	char cur[64], avail[256], buf[64];
	unsigned int features;

	if (!under_kvm(&features))
		SKIP(return, "no KVM below LVD: no kvm-clock");
	ASSERT_GT(read_text(CLOCKSOURCE "available_clocksource", avail, sizeof(avail)), 0);
	ASSERT_NE(NULL, strstr(avail, "kvm-clock")) TH_LOG("available: %s", avail);
	ASSERT_GT(read_text(CLOCKSOURCE "current_clocksource", cur, sizeof(cur)), 0);
	ASSERT_STREQ("kvm-clock\n", cur);
	ASSERT_EQ(0, pv("clock 50", buf, sizeof(buf)));
	ASSERT_STREQ("clock 50 backwards 0", buf);
}

/* Does the kernel log say @what? */
static int dmesg_says(const char *what)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "dmesg | grep -q '%s'", what);
	return !system(cmd);
}

/*
 * The kernel's VMCALL exits since @before, less the ones that reading the
 * counters costs (LVD_HC_READ_STATS on every CPU, counted in the reading)
 */
static long long kernel_vmcalls_since(long long before, long cpus)
{
	return exits_of("VMCALL", 0) - before - cpus;
}

/*
 * An IPI storm: every function call arrives. KVM's PV IPIs replace only
 * the IPIs to several CPUs at once: with 3 CPUs or more, each call is a
 * VMCALL; with 2, each goes through the x2APIC with no exit.
 */
TEST_F(hv, ipi_storm_arrives)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long long before = exits_of("VMCALL", 0), vmcalls;
	char buf[64], want[64];

	if (cpus < 2)
		SKIP(return, "needs a second CPU");
	ASSERT_EQ(0, pv("ipis 1000", buf, sizeof(buf)));
	vmcalls = kernel_vmcalls_since(before, cpus);
	snprintf(want, sizeof(want), "ipis sent 1000 received %ld", 1000 * (cpus - 1));
	ASSERT_STREQ(want, buf);
	ksft_print_msg("1000 IPI function calls to %ld CPUs: %lld kernel VMCALLs\n",
		       cpus - 1, vmcalls);
	if (cpus > 2 && dmesg_says("setup PV IPIs"))
		ASSERT_LE(1000, vmcalls) TH_LOG("PV IPIs: one VMCALL each");
}

/*
 * A spinlock that every CPU takes in turn and holds for 100 ms: with PV
 * spinlocks (under KVM), a waiter halts and the holder kicks it with
 * KVM_HC_KICK_CPU, a VMCALL that LVD forwards.
 */
TEST_F(hv, contended_spinlock_completes)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long long before = exits_of("VMCALL", 0), vmcalls;
	char buf[64], want[64];

	if (cpus < 2)
		SKIP(return, "needs a second CPU");
	ASSERT_EQ(0, pv("spinlock 5", buf, sizeof(buf)));
	vmcalls = kernel_vmcalls_since(before, cpus);
	snprintf(want, sizeof(want), "spinlock cpus %ld total %ld", cpus, 5 * cpus);
	ASSERT_STREQ(want, buf);
	ksft_print_msg("contended spinlock, %ld CPUs: %lld kernel VMCALLs\n", cpus, vmcalls);
	if (dmesg_says("PV spinlocks enabled"))
		ASSERT_LE(1, vmcalls) TH_LOG("PV spinlocks: no kick");
}

/* No MSR access of the kernel's faulted since boot (CPU hotplug included). */
TEST_F(hv, no_unchecked_msr_access)
{
	ASSERT_NE(0, system("dmesg | grep 'unchecked MSR access'"));
}

TEST(lvd_off_or_no_vmx_means_no_hypervisor)
{
	unsigned int a, b, c, d;
	char buf[256];

	if (hv_expected())
		SKIP(return, "the hypervisor is expected here");
	ASSERT_GT(read_text(LVD_DEBUGFS "hv", buf, sizeof(buf)), 0);
	ASSERT_EQ(0, strncmp(buf, "off: ", 5)) TH_LOG("lvd/hv: %s", buf);
	if (hv_off_expected()) {
		ASSERT_NE(NULL, strstr(buf, "lvd=off")) TH_LOG("lvd/hv: %s", buf);
		/* Unvirtualized: CPUID is the CPU's own, VMX included. */
		__cpuid(1, a, b, c, d);
		ASSERT_NE(0, c & (1u << 5));
	}
	(void)a; (void)b; (void)d;
}

TEST_HARNESS_MAIN
