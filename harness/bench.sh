#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boot the built kernel once in Bochs with 1 CPU and print LVD's
# figures, one "lvd-bench NAME VALUE UNIT" line each. With clock sync=none,
# Bochs's TSC counts emulated instructions: the figures are instruction
# counts, not cycles. A benchmark, not a test: it fails only when the
# figures are missing.
source "$(dirname "$0")/common.sh"

name=bench
BOOT=bochs CPUS=1 MODE=bench \
	CMDLINE_EXTRA="kunit.enable=0 lvd_bench_unit=instructions ${CMDLINE_EXTRA:-}" \
	"$LVD_TOP/harness/boot.sh" "$name" || true
log=$OUT/boot/$name/serial.log
grep -q '^lvd-harness: bench end rc=0' "$log" ||
	{ tail -n 40 "$log" >&2; die "no figures: see $log"; }
grep '^lvd-bench ' "$log"
