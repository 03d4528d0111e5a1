// SPDX-License-Identifier: GPL-2.0
/*
 * Glue for time: sleeping (msleep(), msleep_interruptible(),
 * usleep_range()) and busy-waiting (udelay(), ndelay(), mdelay()) in an
 * isolated module's code. A sleep is the task's, through lvd_domain_wait():
 * it ends early when the domain is stopped or unloaded, and only then. A
 * busy wait runs in the kernel, at most LVD_GLUE_DELAY_MAX_US per call; its
 * time counts against the call's watchdog like the domain's own.
 */

#include <linux/delay.h>
#include <linux/init.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/time64.h>
#include <lvd/glue.h>

/* The longest busy wait a call may ask for, as the kernel's udelay() takes */
#define LVD_GLUE_DELAY_MAX_US	20000
/* __const_udelay()'s argument per microsecond: 2^32 / 10^6, rounded up */
#define LVD_GLUE_UDELAY_MULT	0x10c7UL

/* msleep(ms) */
static unsigned long lvd_glue_msleep(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_domain_wait(d, (u64)(unsigned int)args[0] * NSEC_PER_MSEC);
	return 0;
}

/*
 * msleep_interruptible(ms): 0 once slept; cut short (the domain stopped or
 * going), what was left, in ms, as for a signal
 */
static unsigned long lvd_glue_msleep_interruptible(struct lvd_domain *d,
						   const unsigned long args[LVD_DOMAIN_ARGS])
{
	u64 ns = (u64)(unsigned int)args[0] * NSEC_PER_MSEC;
	u64 end = ktime_get_ns() + ns, now;

	if (!lvd_domain_wait(d, ns))
		return 0;
	now = ktime_get_ns();
	return now < end ? DIV_ROUND_UP_ULL(end - now, NSEC_PER_MSEC) : 0;
}

/* usleep_range_state(min, max, state): the task sleeps at least min µs */
static unsigned long lvd_glue_usleep(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS])
{
	lvd_domain_wait(d, (u64)min_t(unsigned long, args[0], U32_MAX) *
			NSEC_PER_USEC);
	return 0;
}

/* __udelay(us) */
static unsigned long lvd_glue_udelay(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS])
{
	udelay(min_t(unsigned long, args[0], LVD_GLUE_DELAY_MAX_US));
	return 0;
}

/* __const_udelay(xloops): what udelay() of a constant compiles to */
static unsigned long lvd_glue_const_udelay(struct lvd_domain *d,
					   const unsigned long args[LVD_DOMAIN_ARGS])
{
	__const_udelay(min(args[0], LVD_GLUE_DELAY_MAX_US * LVD_GLUE_UDELAY_MULT));
	return 0;
}

/* __ndelay(ns) */
static unsigned long lvd_glue_ndelay(struct lvd_domain *d,
				     const unsigned long args[LVD_DOMAIN_ARGS])
{
	ndelay(min_t(unsigned long, args[0], LVD_GLUE_DELAY_MAX_US * NSEC_PER_USEC));
	return 0;
}

static const struct lvd_glue lvd_glue_time_syms[] = {
	{ "msleep", lvd_glue_msleep, LVD_KCALL_MAY_SLEEP },
	{ "msleep_interruptible", lvd_glue_msleep_interruptible,
	  LVD_KCALL_MAY_SLEEP },
	{ "usleep_range_state", lvd_glue_usleep, LVD_KCALL_MAY_SLEEP },
	{ "__udelay", lvd_glue_udelay },
	{ "__const_udelay", lvd_glue_const_udelay },
	{ "__ndelay", lvd_glue_ndelay },
};

static struct lvd_glue_set lvd_glue_time_set = {
	.owner = THIS_MODULE,
	.glue = lvd_glue_time_syms,
	.n = ARRAY_SIZE(lvd_glue_time_syms),
};

static int __init lvd_glue_time_init(void)
{
	return lvd_glue_register(&lvd_glue_time_set);
}
late_initcall(lvd_glue_time_init);
