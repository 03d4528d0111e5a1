// SPDX-License-Identifier: GPL-2.0
/*
 * LVD capability probe: what the booted kernel found, as debugfs and dmesg
 * report it.
 *
 * LVD_EXPECT=available|unavailable in the environment says what the machine
 * the kernel booted on should give (the harness sets it per boot: Bochs
 * emulates everything LVD needs, QEMU TCG has no VMX at all).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "lvd_files.h"

#define MAX_CAPS 64

struct cap_row {
	char name[32];
	int present;
	int required;
	char what[160];
};

/* Parse debugfs lvd/caps; returns the number of rows, -1 on a bad line. */
static int read_caps(struct cap_row *rows, int max, unsigned int *cpus)
{
	char buf[8192], *line, *save;
	char yes[8], need[16];
	int n = 0, off;

	if (read_text(LVD_DEBUGFS "caps", buf, sizeof(buf)) <= 0)
		return -1;
	*cpus = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#') {
			if (sscanf(line, "# %u CPUs checked", cpus) != 1)
				return -1;
			continue;
		}
		if (n == max)
			return -1;
		if (sscanf(line, "%31s %7s %15s %n", rows[n].name, yes, need,
			   &off) != 3)
			return -1;
		if (strcmp(yes, "yes") && strcmp(yes, "no"))
			return -1;
		if (strcmp(need, "required") && strcmp(need, "optional"))
			return -1;
		rows[n].present = !strcmp(yes, "yes");
		rows[n].required = !strcmp(need, "required");
		snprintf(rows[n].what, sizeof(rows[n].what), "%s", line + off);
		n++;
	}
	return n;
}

static const char *expectation(void)
{
	const char *e = getenv("LVD_EXPECT");

	return e && *e ? e : NULL;
}

TEST(status_says_available_or_why_not)
{
	char status[512];

	ASSERT_GT(read_text(LVD_DEBUGFS "status", status, sizeof(status)), 0)
		TH_LOG("no " LVD_DEBUGFS "status: is CONFIG_LVD=y and debugfs mounted?");
	if (strcmp(status, "available\n")) {
		ASSERT_EQ(0, strncmp(status, "unavailable: ", 13))
			TH_LOG("status is '%s'", status);
		ASSERT_GT(strlen(status), 14UL) TH_LOG("no reason given");
	}
}

TEST(status_matches_the_machine)
{
	const char *want = expectation();
	char status[512];

	if (!want)
		SKIP(return, "LVD_EXPECT not set: no expectation for this machine");
	ASSERT_GT(read_text(LVD_DEBUGFS "status", status, sizeof(status)), 0);
	if (!strcmp(want, "available")) {
		ASSERT_STREQ("available\n", status);
	} else if (!strcmp(want, "unavailable")) {
		ASSERT_EQ(0, strncmp(status, "unavailable: ", 13))
			TH_LOG("status is '%s'", status);
	} else {
		ASSERT_TRUE(0) TH_LOG("bad LVD_EXPECT '%s'", want);
	}
}

TEST(caps_rows_are_well_formed)
{
	struct cap_row rows[MAX_CAPS];
	unsigned int cpus;
	int n, i, required = 0;

	n = read_caps(rows, MAX_CAPS, &cpus);
	ASSERT_GT(n, 0) TH_LOG("cannot parse " LVD_DEBUGFS "caps");
	for (i = 0; i < n; i++)
		required += rows[i].required;
	/* VMX, EPT (4-level, WB, INVEPT), VPID, VMFUNC+EPTP switching, ... */
	ASSERT_GE(required, 16);
	ASSERT_EQ((long)cpus, sysconf(_SC_NPROCESSORS_ONLN))
		TH_LOG("probe checked %u CPUs, %ld are online", cpus,
		       sysconf(_SC_NPROCESSORS_ONLN));
}

TEST(caps_agree_with_status)
{
	struct cap_row rows[MAX_CAPS];
	char status[512];
	unsigned int cpus;
	int n, i, first_missing = -1;

	n = read_caps(rows, MAX_CAPS, &cpus);
	ASSERT_GT(n, 0);
	ASSERT_GT(read_text(LVD_DEBUGFS "status", status, sizeof(status)), 0);
	for (i = 0; i < n; i++)
		if (rows[i].required && !rows[i].present && first_missing < 0)
			first_missing = i;

	if (!strcmp(status, "available\n")) {
		ASSERT_EQ(-1, first_missing)
			TH_LOG("available, yet '%s' is missing",
			       rows[first_missing].name);
	} else {
		ASSERT_LE(0, first_missing)
			TH_LOG("unavailable, yet every required feature is there");
		/* The reason names the first missing feature. */
		ASSERT_NE(NULL, strstr(status, rows[first_missing].what))
			TH_LOG("status '%s' does not name '%s'", status,
			       rows[first_missing].what);
	}
}

TEST(every_required_feature_on_a_vmx_machine)
{
	struct cap_row rows[MAX_CAPS];
	const char *want = expectation();
	unsigned int cpus;
	int n, i;

	if (!want || strcmp(want, "available"))
		SKIP(return, "not a machine that offers VMX");
	n = read_caps(rows, MAX_CAPS, &cpus);
	ASSERT_GT(n, 0);
	for (i = 0; i < n; i++)
		EXPECT_TRUE(!rows[i].required || rows[i].present)
			TH_LOG("required feature %s (%s) not found",
			       rows[i].name, rows[i].what);
}

TEST(dmesg_has_one_line_that_agrees)
{
	char status[512], rec[1024], *msg;
	char want[64];
	int fd, lines = 0, agree = 0;
	ssize_t len;

	ASSERT_GT(read_text(LVD_DEBUGFS "status", status, sizeof(status)), 0);
	if (!strcmp(status, "available\n"))
		snprintf(want, sizeof(want), "lvd: available on %ld CPUs: ",
			 sysconf(_SC_NPROCESSORS_ONLN));
	else
		snprintf(want, sizeof(want), "lvd: unavailable: ");

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	for (;;) {
		len = read(fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (len <= 0)
			break;
		rec[len] = '\0';
		msg = strchr(rec, ';');
		if (!msg || strncmp(msg + 1, "lvd: ", 5))
			continue;
		msg++;
		if (!strncmp(msg, "lvd: available", 14) ||
		    !strncmp(msg, "lvd: unavailable", 16)) {
			lines++;
			agree += !strncmp(msg, want, strlen(want));
		}
	}
	close(fd);
	ASSERT_EQ(1, lines) TH_LOG("%d 'lvd: (un)available' lines in dmesg", lines);
	ASSERT_EQ(1, agree) TH_LOG("dmesg does not say '%s'", want);
}

TEST(vmx_msrs_match_cpuid)
{
	char buf[4096], *p;
	unsigned long long ecx, basic;
	int n;

	ASSERT_GT(read_text(LVD_DEBUGFS "vmx_msrs", buf, sizeof(buf)), 0);
	p = strstr(buf, "CPUID.1:ECX");
	ASSERT_NE(NULL, p);
	n = sscanf(p, "CPUID.1:ECX %llx", &ecx);
	ASSERT_EQ(1, n);
	p = strstr(buf, "IA32_VMX_BASIC");
	ASSERT_NE(NULL, p);
	n = sscanf(p, "IA32_VMX_BASIC %llx", &basic);
	ASSERT_EQ(1, n);
	/* VMX MSRs are read only where CPUID offers VMX. */
	ASSERT_EQ(!!(ecx & (1u << 5)), basic != 0);
}

TEST_HARNESS_MAIN
