/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What LVD's benchmarks (make bench) share: the TSC, and the counters the
 * kernel keeps of what isolation costs, read before and after a run of
 * operations: VMFUNCs (the crossing trampoline's), VM exits (the
 * hypervisor's) and the bytes the kernel copied into domains and out of
 * them (lvd_domain_count_copy()), every CPU's; lvd_test_hv shows them.
 */
#ifndef _LVD_BENCH_H
#define _LVD_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>

#include "lvd_files.h"

#define LVD_TEST_DIR	"/sys/kernel/debug/lvd_test/"

/* What a run of operations cost */
struct figures {
	unsigned long long ticks, vmfuncs, copied_to, copied_from;
	long long exits;
};

static inline unsigned long long ticks(void)
{
	unsigned int aux;

	return __rdtscp(&aux);
}

/* The number in lvd_test_hv's file @name, 0 when it cannot be read */
static inline unsigned long long lvd_test_count(const char *name)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), LVD_TEST_DIR "%s", name);
	return read_text(path, buf, sizeof(buf)) > 0 ?
	       strtoull(buf, NULL, 10) : 0;
}

static inline unsigned long long vmfuncs(void)
{
	return lvd_test_count("vmfuncs");
}

static inline long long exits(void)
{
	return exits_of(NULL, 0) + exits_of(NULL, 1);
}

/*
 * Start a run: every counter as it is now, the TSC last and the exit
 * counters just before it (only the run falls between their reads)
 */
static inline void figures_start(struct figures *f)
{
	f->copied_to = lvd_test_count("copied_to_domains");
	f->copied_from = lvd_test_count("copied_from_domains");
	f->vmfuncs = vmfuncs();
	f->exits = exits();
	f->ticks = ticks();
}

/* End it: what each counter counted since figures_start(), in reverse */
static inline void figures_stop(struct figures *f)
{
	f->ticks = ticks() - f->ticks;
	f->exits = exits() - f->exits;
	f->vmfuncs = vmfuncs() - f->vmfuncs;
	f->copied_from = lvd_test_count("copied_from_domains") - f->copied_from;
	f->copied_to = lvd_test_count("copied_to_domains") - f->copied_to;
}

/* "lvd-bench @prefix_@name VALUE @unit", VALUE @total / @ops to 1/100 */
static inline void print_per_op(const char *prefix, const char *name,
				unsigned long long total, unsigned int ops,
				const char *unit)
{
	printf("lvd-bench %s_%s %llu.%02llu %s\n", prefix, name, total / ops,
	       total * 100 / ops % 100, unit);
}

/* The bytes copied per operation each way, as print_per_op() prints them */
static inline void print_copied(const char *prefix, const char *driver,
				const char *op, const struct figures *f,
				unsigned int ops)
{
	char name[96];

	snprintf(name, sizeof(name), "%s_copied_to_domain_per_%s", driver, op);
	print_per_op(prefix, name, f->copied_to, ops, "bytes");
	snprintf(name, sizeof(name), "%s_copied_from_domain_per_%s", driver, op);
	print_per_op(prefix, name, f->copied_from, ops, "bytes");
}

#endif /* _LVD_BENCH_H */
