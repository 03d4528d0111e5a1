/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the LVD domain selftests expect: whether the hypervisor runs, the
 * errors a call into a domain returns (as the kernel prints them), and why
 * a domain is stopped (include/lvd/domain.h).
 */
#ifndef _LVD_DOMAIN_FAULTS_H
#define _LVD_DOMAIN_FAULTS_H

#include <stdlib.h>
#include <string.h>

#define EINVAL_RET	(-22)
#define EFAULT_RET	(-14)
#define EOPNOTSUPP_RET	(-95)
#define EBUSY_RET	(-16)
#define ESHUTDOWN_RET	(-108)
#define ETIMEDOUT_RET	(-110)

/* Why a domain was stopped, beyond exceptions */
#define FAULT_WATCHDOG	256
#define FAULT_BAD_CALL	257
#define FAULT_BAD_STACK	258
#define FAULT_TOO_DEEP	259
#define FAULT_SLEEP_IN_ATOMIC	260
#define FAULT_LOCK_HELD		261
#define FAULT_DEADLOCK		262

/* Exception vectors */
#define DE	0
#define DB	1
#define UD	6
#define NM	7
#define GP	13
#define PF	14
#define AC	17

/*
 * XSETBV at CPL 3 raises #GP, or #UD where the kernel runs without XSAVE
 * (CR4.OSXSAVE clear, as on Bochs's Ice Lake model, whose XSAVE layout
 * the kernel refuses): tables say XSETBV_FAULT, and expected_vector()
 * says which.
 */
#define XSETBV_FAULT	1000

static inline unsigned int expected_vector(unsigned int vector)
{
	if (vector != XSETBV_FAULT)
		return vector;
	return system("grep -qw xsave /proc/cpuinfo") ? UD : GP;
}

/* The harness says the CPU offers VMX and the hypervisor is on. */
static inline int hv_expected(void)
{
	const char *e = getenv("LVD_EXPECT"), *hv = getenv("LVD_EXPECT_HV");

	return e && !strcmp(e, "available") && !(hv && !strcmp(hv, "off"));
}

#endif /* _LVD_DOMAIN_FAULTS_H */
