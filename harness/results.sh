#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Read the results of one test boot from its console log.
#
# Usage: harness/results.sh NAME
# Prints one line per test (PASS/FAIL/SKIP), problems with the boot itself
# as FAIL lines, and last "RESULT passed failed skipped". KUnit results come
# from /sys/kernel/debug/kunit/*/results (KTAP, one level per test case),
# kselftests print TAP; a plan ("1..N") with fewer results is a failure.
# A boot that reboots names the run it expects after the reset and the
# kernel messages it expects before it ("lvd-harness: expect ...").
source "$(dirname "$0")/common.sh"

name=${1:?usage: results.sh NAME}
dir=$OUT/boot/$name
[ -f "$dir/console.log" ] || die "no console log for boot $name"

awk -v verdict="$(cat "$dir/verdict" 2>/dev/null)" '
function result(kind, name, ok, directive) {
	if (directive ~ /^# *SKIP/) { print "SKIP " kind " " name; skip++ }
	else if (ok) { print "PASS " kind " " name; pass++ }
	else { print "FAIL " kind " " name; fail++ }
	seen++
}
function problem(what) { print "FAIL " what; fail++ }
# A TAP/KTAP result line: "ok 3 name # SKIP why" -> ok, name, directive.
function parse(line) {
	r_ok = (line ~ /^ok /)
	sub(/^(not )?ok [0-9]+ ?(- )?/, "", line)
	r_dir = ""
	if (match(line, / # /)) { r_dir = substr(line, RSTART + 1); line = substr(line, 1, RSTART - 1) }
	r_name = line
}
# A boot that reboots says what its second run and the kernel must show.
/^lvd-harness: expect selftest / { want_section[$4] = 1; next }
/^lvd-harness: expect line / {
	l = $0; sub(/^lvd-harness: expect line /, "", l); want_line[l] = 1; next
}
{ for (l in want_line) if (want_line[l] == 1 && index($0, l)) want_line[l] = 2 }
/^lvd-harness: kunit begin/ { sect = "kunit"; kunit_seen = 1; next }
/^lvd-harness: kunit end/ { sect = ""; next }
/^lvd-harness: selftest .* begin/ {
	sect = "selftest"; prog = $3; plan = -1; seen = 0; section_seen[prog] = 1; next
}
/^lvd-harness: selftest .* end rc=/ {
	rc = $5; sub(/rc=/, "", rc)
	if (plan < 0) problem("selftest " prog ": no TAP plan (exit status " rc ")")
	else if (seen < plan) problem("selftest " prog ": " plan - seen " of " plan " results missing (exit status " rc ")")
	else if (rc != 0 && fails_before == fail) problem("selftest " prog ": exit status " rc)
	selftests++; sect = ""; next
}
/^lvd-harness: done/ { done = 1; next }
/Kernel panic - not syncing/ { panic = $0 }
/lvd: FATAL in VMX root mode/ { fatal = $0 }
sect == "kunit" && /^    # Subtest: / { suite = $3; next }
sect == "kunit" && /^    1\.\.[0-9]+$/ { kunit_plan += substr($1, 4); next }
sect == "kunit" && /^    (not )?ok [0-9]+/ {
	line = $0; sub(/^    /, "", line); parse(line)
	result("kunit", suite "." r_name, r_ok, r_dir); kunit_seen_results++; next
}
sect == "selftest" && /^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; fails_before = fail; next }
sect == "selftest" && /^(not )?ok [0-9]+/ {
	parse($0); result("selftest", prog "." r_name, r_ok, r_dir); next
}
END {
	if (panic != "") problem("boot: " panic)
	if (fatal != "") problem("boot: " fatal)
	for (w in want_section) if (!(w in section_seen)) problem("boot: no " w " run (the reboot did not happen or did not come back)")
	for (l in want_line) {
		if (want_line[l] == 2) { print "PASS log: " l; pass++ }
		else problem("log: never printed: " l)
	}
	if (verdict != "finished") problem("boot: " verdict)
	if (!kunit_seen && done) problem("kunit: no results section")
	else if (kunit_seen_results < kunit_plan) problem("kunit: " kunit_plan - kunit_seen_results " of " kunit_plan " results missing")
	else if (kunit_seen && kunit_plan == 0) problem("kunit: no suites ran")
	if (done && selftests == 0) problem("selftests: none ran")
	printf "RESULT %d %d %d\n", pass, fail, skip
}' "$dir/console.log"
