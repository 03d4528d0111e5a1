#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test: build, boot every configuration in BOOTS, read the results the
# booted kernels report, check the patch series, and end with the line
# "N passed, N failed". Exit status 1 on any failure.
#
# BOOTS lists boots as EMULATOR:CPUS[:OPTION] (default: bochs:1:reboot
# bochs:2:restart bochs:4:restart nested:1 bochs:1:icelake bochs:2:nics2
# bochs:1:off qemu:1, and kvm:1 where the host has VMX and /dev/kvm). OPTION "off"
# boots with lvd=off, where the hypervisor must stay off; "reboot" ends the
# run with reboot(2) and "restart" with SysRq-B (an emergency restart), each
# followed by a second run that checks that LVD came back and powers off
# (Bochs only: QEMU here does not reboot); "icelake" boots Bochs's Ice Lake
# model (UMIP) instead of Haswell; "nics2" gives Bochs a second e1000 card
# and runs only nic_test, whose two-card test needs it. nested:N boots the
# kernel under QEMU+KVM inside Bochs.
source "$(dirname "$0")/common.sh"

start=$SECONDS
H=$LVD_TOP/harness
"$H/deps.sh" all
"$H/base.sh"
"$H/overlay.sh"
"$H/build.sh"
"$H/initramfs.sh"

if [ -z "${BOOTS:-}" ]; then
	# Two boots run at a time, started in this order: the long ones early.
	BOOTS="bochs:2:restart bochs:4:restart nested:1 bochs:1:reboot bochs:1:icelake bochs:2:nics2 bochs:1:off qemu:1"
	if [ -w /dev/kvm ] && grep -qw vmx /proc/cpuinfo; then BOOTS="$BOOTS kvm:1"; fi
fi
# Nested boots run in Bochs on the same kernel (lvd=off) with an initramfs
# of their own (QEMU).
nested=
case " $BOOTS " in *" nested:"*) nested=1; "$H/nested.sh" ;; esac
note "build done in $((SECONDS - start))s"

passed=0 failed=0 skipped=0
summary=()

# tally NAME: add one boot's results to the totals, show its failures.
tally() {
	local name=$1 res p f s dir=$OUT/boot/$1

	res=$("$H/results.sh" "$name")
	read -r _ p f s <<< "$(echo "$res" | tail -n 1)"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	summary+=("$(printf '%-20s %3d passed, %d failed, %d skipped  (%ss)' \
		"$name" "$p" "$f" "$s" "$(cat "$dir/seconds" 2>/dev/null)")")
	echo "$res" | grep -v '^RESULT' | sed "s/^/  $name: /"
	if [ "$f" -gt 0 ]; then
		echo "  $name: serial log $dir/serial.log; its last lines:"
		tail -n 40 "$dir/console.log" | sed 's/^/  | /'
		[ ! -f "$dir/bochs.log" ] || echo "  $name: Bochs log $dir/bochs.log"
	fi
}

# Boots run two at a time (one emulated CPU thread each on a 2-core host);
# Bochs instances start a few seconds apart so each finds a free RFB port.
names=()
for b in $BOOTS; do
	IFS=: read -r emu cpus opt <<< "$b"
	model= nics=1
	case $opt in
	'') name=$emu-${cpus}cpu extra= ;;
	off) name=$emu-${cpus}cpu-lvd-off extra="lvd=off lvd_expect_hv=off" ;;
	# Bochs takes the keyboard controller's reset for a soft reset that
	# keeps IA32_FEATURE_CONTROL locked, and its BIOS then triple-faults
	# writing it (with or without LVD): reset through port 0xcf9 instead.
	reboot|restart) name=$emu-${cpus}cpu-$opt extra="lvd_end=$opt reboot=pci" ;;
	# Bochs's Ice Lake model: UMIP meets LVD there.
	icelake) name=$emu-${cpus}cpu-$opt extra= model=corei7_icelake_u ;;
	nics2) name=$emu-${cpus}cpu-$opt extra=lvd_only=nic_test nics=2 ;;
	*) die "BOOTS: $b: the option is off, reboot, restart, icelake or nics2" ;;
	esac
	names+=("$name")
	# Every exit of the nested boot's L2 goes through two hypervisors,
	# and its e1000 is emulated by QEMU in L1 (a probe takes 50 s).
	timeout=${TIMEOUT:-600}
	[ "$emu" != nested ] || timeout=$((timeout * 4))
	# Four emulated CPUs run the suite (isolated e1000 loads included)
	# and, restarting, its second part in about ten minutes
	[ "$emu" != bochs ] || [ "$cpus" -lt 4 ] || timeout=$((timeout * 3 / 2))
	# A free slot as soon as any boot ends (the nested one is long)
	while [ "$(jobs -rp | wc -l)" -ge 2 ]; do
		wait -n || true
	done
	BOOT=$emu CPUS=$cpus MODE=test TIMEOUT=$timeout CMDLINE_EXTRA="$extra" \
		BOCHS_MODEL=$model BOCHS_NICS=$nics "$H/boot.sh" "$name" &
	sleep 3
done
wait || true

for name in "${names[@]}"; do
	tally "$name"
done

# Our code builds warning-free with W=1 and sparse; the series is emitted,
# applies with git am to a pristine tree, every prefix of it builds, and
# it is checkpatch-clean.
check() {
	local what=$1 out

	shift
	if out=$("$@" 2>&1); then
		echo "  PASS $what: $(echo "$out" | tail -n 1)"
		passed=$((passed + 1))
	else
		echo "  FAIL $what:"
		echo "$out" | tail -n 30 | sed 's/^/  | /'
		failed=$((failed + 1))
	fi
}
# The harness itself: a panicking kernel and a failing test must fail a boot.
harness_sees() {
	local name=$1 pattern=$2 out

	shift 2
	env BOOT=qemu CPUS=1 MODE=test "$@" "$H/boot.sh" "$name" >/dev/null 2>&1 || true
	# Read whole: grep -q stopping early would kill results.sh (pipefail).
	out=$("$H/results.sh" "$name" || true)
	if grep -q "$pattern" <<< "$out"; then
		echo "reported: $(grep -m1 "$pattern" <<< "$out" | cut -c1-90)"
	else
		echo "$out"
		return 1
	fi
}
check "harness sees a panic" harness_sees harness-panic '^FAIL boot: .*Kernel panic' \
	CMDLINE_EXTRA=rdinit=/nonexistent
check "harness sees a failed test" harness_sees harness-fail \
	'^FAIL selftest caps_test.global.status_matches_the_machine' \
	CMDLINE_EXTRA=lvd_expect=available
# The nested boot has its own way out (L1's /init): L2's panic must show.
[ -z "$nested" ] || check "harness sees a panic in nested L2" harness_sees \
	harness-nested-panic '^FAIL boot: .*Kernel panic' \
	BOOT=nested CMDLINE_EXTRA=rdinit=/nonexistent
check "W=1/sparse" "$H/warnings.sh"
# lvd-idlc against its test descriptions; what it generates compiles as
# the kernel build compiled the test host's glue.
check "idl compiler tests" env KBUILD="$KBUILD" "$LVD_TOP/scripts/lvd/tests/run.sh"
check "series" "$H/series.sh"
check "git am" "$H/am-check.sh"
check "every prefix builds" "$H/series-build.sh"
check "checkpatch" "$H/checkpatch.sh"

echo
printf '%s\n' "${summary[@]}"
echo "total time $((SECONDS - start))s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
