// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's block benchmark (make bench), not a test: null_blk's request
 * path, native (lvd_null_blk_native, the same source in the kernel) and
 * isolated (null_blk, in its domain), loaded in turn in one boot with the
 * same parameters. 4 KiB direct reads of /dev/nullb0 at queue depth 1
 * (one task) and 16 (sixteen tasks at once); for each driver it prints
 * the TSC ticks per read (the whole read, from user space: only the
 * difference is isolation's), and for the isolated one the ratio, the
 * VMFUNCs per read (two per call into the domain or the kernel and back)
 * and the VM exits per 1,000 reads; for each, the bytes the kernel copied
 * into domains and out of them per read. One "lvd-bench NAME VALUE UNIT"
 * line per figure.
 *
 * Usage: lvd_blk_bench [UNIT], as lvd_bench.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "lvd_bench.h"

#define READS		2000
#define IO_SIZE		4096
#define PARAMS		"irqmode=1 submit_queues=2 hw_queue_depth=64"

/* @n direct reads from /dev/nullb0: 0 when all were whole */
static int reads(int n, unsigned int seed)
{
	void *buf;
	int fd, i;

	fd = open("/dev/nullb0", O_RDONLY | O_DIRECT);
	if (fd < 0 || posix_memalign(&buf, IO_SIZE, IO_SIZE))
		return -1;
	for (i = 0; i < n; i++)
		if (pread(fd, buf, IO_SIZE,
			  (off_t)((seed + i * 7) % 4096) * IO_SIZE) != IO_SIZE)
			break;
	close(fd);
	free(buf);
	return i == n ? 0 : -1;
}

/* READS reads in all from @depth tasks at once: 0 when all were whole */
static int reads_at_depth(int depth)
{
	int i, status, bad = 0;

	if (depth == 1)
		return reads(READS, 0);
	for (i = 0; i < depth; i++)
		if (!fork())
			_exit(reads(READS / depth, i * 131) ? 1 : 0);
	for (i = 0; i < depth; i++)
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			bad = 1;
	return bad ? -1 : 0;
}

/* Load @module, read at @depth, unload it: 0 or -1 */
static int measure(const char *module, int depth, struct figures *f)
{
	char cmd[128];
	int ret;

	snprintf(cmd, sizeof(cmd), "modprobe %s " PARAMS, module);
	if (system(cmd))
		return -1;
	ret = reads(100, 1);		/* warm the caches and TLB */
	figures_start(f);
	ret = ret ?: reads_at_depth(depth);
	figures_stop(f);
	snprintf(cmd, sizeof(cmd), "rmmod %s", module);
	system(cmd);
	return ret;
}

static int report(int depth, const char *unit)
{
	struct figures native, isolated;
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "null_blk_read_4k_qd%d", depth);
	if (measure("lvd_null_blk_native", depth, &native) ||
	    measure("null_blk", depth, &isolated)) {
		fprintf(stderr, "lvd-bench: null_blk could not read %d times at depth %d\n",
			READS, depth);
		return 1;
	}
	printf("lvd-bench null_blk_read_4k_qd%d_native %llu %s\n", depth,
	       native.ticks / READS, unit);
	printf("lvd-bench null_blk_read_4k_qd%d_isolated %llu %s\n", depth,
	       isolated.ticks / READS, unit);
	printf("lvd-bench null_blk_read_4k_qd%d_isolated_vs_native %llu %%\n",
	       depth, native.ticks * 100 / isolated.ticks);
	print_per_op(prefix, "vmfuncs_per_read", isolated.vmfuncs, READS,
		     "vmfuncs");
	printf("lvd-bench %s_vm_exits_per_1000_reads %lld exits\n", prefix,
	       isolated.exits * 1000 / READS);
	print_copied(prefix, "native", "read", &native, READS);
	print_copied(prefix, "isolated", "read", &isolated, READS);
	return 0;
}

int main(int argc, char **argv)
{
	const char *unit = argc > 1 ? argv[1] : "cycles";

	if (loaded("null_blk"))
		system("rmmod null_blk");
	return report(1, unit) || report(16, unit);
}
