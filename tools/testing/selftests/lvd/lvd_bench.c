// SPDX-License-Identifier: GPL-2.0
/*
 * LVD's benchmark (make bench), not a test: it asserts nothing and prints
 * one "lvd-bench NAME VALUE UNIT" line per figure. A null system call is
 * timed here, from user space; the crossings are timed in the kernel by the
 * lvd_test_hv module's bench file, whose lines are copied out.
 *
 * Usage: lvd_bench [UNIT]. Figures are TSC ticks per operation: cycles on
 * hardware; under Bochs with clock sync=none the TSC counts emulated
 * instructions, and the harness passes "instructions".
 */

#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lvd_bench.h"

#define LVD_BENCH	LVD_TEST_DIR "bench"
#define CALLS		10000

int main(int argc, char **argv)
{
	const char *unit = argc > 1 ? argv[1] : "cycles";
	static char figures[4096];
	unsigned long long t;
	int i;

	syscall(SYS_getppid);
	t = ticks();
	for (i = 0; i < CALLS; i++)
		syscall(SYS_getppid);
	t = ticks() - t;
	printf("lvd-bench null_syscall %llu %s\n", t / CALLS, unit);
	fflush(stdout);

	if (write_text(LVD_BENCH, unit) || read_text(LVD_BENCH, figures, sizeof(figures)) <= 0) {
		fprintf(stderr, "lvd-bench: no figures from %s\n", LVD_BENCH);
		fprintf(stderr, "lvd-bench: is lvd_test_hv loaded and the hypervisor active?\n");
		return 1;
	}
	fputs(figures, stdout);
	return 0;
}
