#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the built kernel with the test initramfs once and keep its serial log.
#
# Usage: harness/boot.sh NAME
#   BOOT=bochs|qemu|kvm|nested  emulator (bochs: Intel VMX emulated, Haswell
#                        model; qemu: TCG, no VMX; kvm: QEMU with -cpu host;
#                        nested: QEMU with KVM inside Bochs, see start_nested)
#   CPUS=1..4            number of CPUs (nested: of L1 and of L2 alike)
#   MODE=test|run        run the test suite, or show LVD at work
#   TIMEOUT=seconds      wall-time limit of the boot
#   CMDLINE_EXTRA=...    more kernel command-line words (nested: for L2)
#   L1_CMDLINE_EXTRA=... nested: more words for L1's command line
#   BOCHS_MODEL=...      Bochs's CPU model (corei7_haswell_4770; the newer
#                        models need tsc_early_khz, which is added)
#   BOCHS_NICS=1|2       Bochs's e1000 cards, each on a vnet of its own
#   FOLLOW=1             copy the console to stdout while it runs
# The serial log is $OUT/boot/NAME/serial.log (and bochs.log for Bochs).
# The nested boot needs harness/nested.sh's outer initramfs.
# Exit status: 0 when the guest reached the end of its /init, 1 otherwise.
source "$(dirname "$0")/common.sh"

name=${1:?usage: boot.sh NAME}
if [ -z "${BOOT:-}" ]; then
	# Where the host has VMX and KVM, use it (nested KVM); else emulate.
	if [ -w /dev/kvm ] && grep -qw vmx /proc/cpuinfo; then BOOT=kvm; else BOOT=bochs; fi
fi
CPUS=${CPUS:-1}
MODE=${MODE:-test}
TIMEOUT=${TIMEOUT:-600}
dir=$OUT/boot/$name
kernel=$KBUILD/arch/x86/boot/bzImage
initrd=$OUT/initramfs.cpio

[ -f "$kernel" ] || die "no kernel at $kernel (run make kernel)"
[ -f "$initrd" ] || die "no initramfs at $initrd"
[[ $CPUS =~ ^[1-4]$ ]] || die "CPUS=$CPUS: 1 to 4"

case $BOOT in
bochs|kvm|nested) expect=available ;;
qemu) expect=unavailable ;;
*) die "BOOT=$BOOT: bochs, qemu, kvm or nested" ;;
esac
# Instructions per emulated second in Bochs; its TSC ticks once for each.
ips=10000000
model=${BOCHS_MODEL:-corei7_haswell_4770}
# Newer models than Haswell leave the kernel's TSC calibration to fail.
[ "$model" = corei7_haswell_4770 ] || CMDLINE_EXTRA="tsc_early_khz=$((ips / 1000)) ${CMDLINE_EXTRA:-}"
# Under nested KVM in Bochs a console line takes ~160 ms: a glue call that
# logs a few would run into the domain watchdog's 100 ms and 1 s budgets.
[ "$BOOT" != nested ] || CMDLINE_EXTRA="lvd_watchdog_scale=4 ${CMDLINE_EXTRA:-}"

# kernel_cmdline [WORDS]: the command line of the kernel under test; WORDS
# come before CMDLINE_EXTRA, which can override them.
kernel_cmdline() {
	echo "console=ttyS0,115200 panic=-1 lvd_mode=$MODE lvd_expect=$expect $* ${CMDLINE_EXTRA:-}"
}
rm -rf "$dir"
mkdir -p "$dir"
: > "$dir/serial.log"

# start_bochs KERNEL INITRD CMDLINE MEGS [BOCHSRC-LINE]: boot KERNEL in Bochs.
start_bochs() {
	local iso=$dir/lvd.iso

	mkdir -p "$dir/iso/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 \
		"$dir/iso/isolinux/"
	cp "$1" "$dir/iso/linux"
	cp "$2" "$dir/iso/initrd"
	cat > "$dir/iso/isolinux/isolinux.cfg" <<-EOF
	default lvd
	prompt 0
	timeout 0
	label lvd
	  kernel /linux
	  append initrd=/initrd $3
	EOF
	xorriso -as mkisofs -quiet -R -J -o "$iso" -b isolinux/isolinux.bin \
		-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 \
		-boot-info-table "$dir/iso" 2>"$dir/xorriso.log" ||
		die "xorriso failed: $(cat "$dir/xorriso.log")"
	rm -rf "$dir/iso"

	# One e1000 (82540EM) on vnet: a host inside Bochs that answers ARP,
	# ICMP echo, DHCP and TFTP from net/; nothing leaves the machine. A
	# second card, if asked for, is on Bochs's slirp, restricted: its
	# host (10.0.2.2) answers ARP, ICMP echo and DHCP, and routes nothing
	# out. A card after the first is off until "enabled=1", which must
	# come before its other options: else they are not taken.
	nic_file "$dir/net"
	local second=
	if [ "${BOCHS_NICS:-1}" != 1 ]; then
		echo "restricted = 1" > "$dir/slirp.conf"
		second="e1000: card=1, enabled=1, mac=52:54:00:12:34:57, ethmod=slirp, script=slirp.conf"
	fi

	# clock sync=none: emulated time follows instructions, so runs repeat.
	# Paths are relative (Bochs runs in $dir): long ones overflow its buffers.
	cat > "$dir/bochsrc" <<-EOF
	megs: $4
	romimage: file=/usr/share/bochs/BIOS-bochs-latest, options=fastboot
	vgaromimage: file=/usr/share/vgabios/vgabios.bin
	cpu: model=$model, count=$CPUS, ips=$ips, reset_on_triple_fault=0
	clock: sync=none, time0=1
	ata0-master: type=cdrom, path=lvd.iso, status=inserted
	boot: cdrom
	com1: enabled=1, mode=file, dev=serial.log
	display_library: rfb, options="timeout=0"
	mouse: enabled=0
	log: bochs.log
	sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
	panic: action=fatal
	plugin_ctrl: e1000=1
	e1000: card=0, mac=52:54:00:12:34:56, ethmod=vnet, ethdev=net
	$second
	${5:-}
	EOF
	echo c > "$dir/bochs.rc"
	(cd "$dir" && exec bochs -q -f bochsrc -rc bochs.rc </dev/null >bochs.out 2>&1) &
	guest=$!
}

# qemu_args ACCEL CPU KERNEL INITRD CMDLINE SERIAL TFTP: QEMU's command line
# for a boot, one word a line. A write to port 0xf4 ends QEMU (LVD's fatal
# path). One e1000 (82540EM) on QEMU's user network, restricted: QEMU
# answers ARP, ICMP echo to its host (10.0.2.2), DHCP and TFTP from the
# directory TFTP; nothing leaves the machine. Its link comes up as soon as
# the driver sets it up, as Bochs's does: with auto-negotiation emulated,
# the driver's watchdog saw it 2 s later. No option ROM: the kernel is
# booted directly, and the nested boot's L1 has no QEMU firmware files.
qemu_args() {
	printf '%s\n' -machine pc -accel "$1" -cpu "$2" -smp "$CPUS" -m 512 \
		-kernel "$3" -initrd "$4" -append "$5" \
		-display none -nodefaults -no-reboot -serial "$6" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-netdev "user,id=n0,restrict=on,tftp=$7" \
		-device e1000,netdev=n0,autonegotiation=off,romfile=
}

start_qemu() {
	local accel=tcg cpu=max args

	if [ "$BOOT" = kvm ]; then
		[ -w /dev/kvm ] || die "BOOT=kvm needs a usable /dev/kvm"
		accel=kvm
		cpu=host
	fi
	nic_file "$dir/net"
	mapfile -t args < <(qemu_args $accel $cpu "$kernel" "$initrd" \
		"$(kernel_cmdline)" "file:$dir/serial.log" "$dir/net")
	qemu-system-x86_64 "${args[@]}" </dev/null >"$dir/qemu.out" 2>&1 &
	guest=$!
}

# The nested boot: Bochs runs the outer kernel (L1), whose /init
# (harness/nested/init) runs QEMU with KVM on the kernel under test (L2);
# L2's serial console is QEMU's stdio, which is L1's console, which is
# Bochs's serial port. The kernel under test, its initramfs and QEMU's
# command line are added to the outer initramfs as a second cpio archive.
# L1 is the kernel under test too, booted with lvd=off: kvm_intel needs
# VMX for itself, and the test config builds kvm and kvm_intel.
start_nested() {
	local l2=$dir/l2

	[ -f "$NESTED_CPIO" ] ||
		die "no outer initramfs for BOOT=nested (run harness/nested.sh)"
	mkdir -p "$l2/nested"
	cp "$kernel" "$l2/nested/bzImage"
	cp "$initrd" "$l2/nested/initramfs.cpio"
	# L2's card: QEMU in L1 serves TFTP from L1's initramfs.
	nic_file "$l2/nested/tftp"
	# quiet: every console line of L2 costs exits to KVM and QEMU.
	# tsc_early_khz: L2's PIT calibration fails under KVM inside Bochs.
	# umip=off: Bochs's Haswell has no UMIP, which KVM would emulate by
	# making LIDT exit, and each crossing has two (Documentation/virt/lvd).
	qemu_args kvm host,umip=off /nested/bzImage /nested/initramfs.cpio \
		"$(kernel_cmdline quiet tsc_early_khz=$((ips / 1000)))" stdio \
		/nested/tftp > "$l2/nested/qemu.args"
	pack_cpio "$l2" "$dir/l2.cpio"
	cat "$NESTED_CPIO" "$dir/l2.cpio" > "$dir/outer-initrd"
	rm -rf "$l2" "$dir/l2.cpio"
	# L1 stays quiet so that L2's lines come through whole, and skips the
	# built-in KUnit suites (L2 runs them; L1's results would not be read).
	# Bochs lacks MSRs that L1's kernel probes (APERF/MPERF: clearcpuid
	# keeps it off them) and that KVM reads before every entry (DEBUGCTL):
	# Bochs is told not to log each miss. TIMEOUT also bounds QEMU in L1's emulated
	# seconds, which run ahead while L1 idles: an L2 that hangs idle ends
	# with a line saying so before the host's wall-clock limit.
	start_bochs "$kernel" "$dir/outer-initrd" \
		"console=ttyS0,115200 quiet panic=-1 lvd=off kunit.enable=0 clearcpuid=aperfmperf lvd_nested_timeout=$TIMEOUT ${L1_CMDLINE_EXTRA:-}" \
		1024 "error: action=ignore"
	rm -f "$dir/outer-initrd"
}

# Wait for the guest to power off; stop it at a panic, a hang or the limit.
watch_guest() {
	local start=$SECONDS printed=0 lines verdict=""

	while kill -0 "$guest" 2>/dev/null; do
		if [ -n "${FOLLOW:-}" ]; then
			lines=$(wc -l < "$dir/serial.log")
			tail -n +$((printed + 1)) "$dir/serial.log" | head -n $((lines - printed))
			printed=$lines
		fi
		if grep -q 'Kernel panic - not syncing' "$dir/serial.log"; then
			verdict="kernel panic"
			sleep 3	# let the rest of the panic message out
			break
		fi
		if [ $((SECONDS - start)) -ge "$TIMEOUT" ]; then
			verdict="timeout after ${TIMEOUT}s"
			break
		fi
		sleep 1
	done
	if kill -0 "$guest" 2>/dev/null; then
		# Powered off, but still going: give it a moment, then stop it.
		grep -q '^lvd-harness: done' "$dir/serial.log" && sleep 5
		kill "$guest" 2>/dev/null || true
	fi
	wait "$guest" 2>/dev/null || true
	[ -z "${FOLLOW:-}" ] || tail -n +$((printed + 1)) "$dir/serial.log"
	tr -d '\r' < "$dir/serial.log" > "$dir/console.log"
	echo "$((SECONDS - start))" > "$dir/seconds"
	if [ -z "$verdict" ] && ! grep -q '^lvd-harness: done' "$dir/console.log"; then
		verdict="the guest stopped before the end of its /init"
	fi
	echo "${verdict:-finished}" > "$dir/verdict"
	[ -z "$verdict" ]
}

note "boot $name: $BOOT, $CPUS CPU(s), log $dir/serial.log"
case $BOOT in
bochs) start_bochs "$kernel" "$initrd" "$(kernel_cmdline)" 512 ;;
nested) start_nested ;;
*) start_qemu ;;
esac
watch_guest
