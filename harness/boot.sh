#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the built kernel with the test initramfs once and keep its serial log.
#
# Usage: harness/boot.sh NAME
#   BOOT=bochs|qemu|kvm  emulator (bochs: Intel VMX emulated, Haswell model;
#                        qemu: TCG, no VMX; kvm: QEMU with -cpu host)
#   CPUS=1..4            number of CPUs
#   MODE=test|run        run the test suite, or show LVD at work
#   TIMEOUT=seconds      wall-time limit of the boot
#   CMDLINE_EXTRA=...    more kernel command-line words
#   FOLLOW=1             copy the console to stdout while it runs
# The serial log is $OUT/boot/NAME/serial.log (and bochs.log for Bochs).
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
bochs|kvm) expect=available ;;
qemu) expect=unavailable ;;
*) die "BOOT=$BOOT: bochs, qemu or kvm" ;;
esac

cmdline="console=ttyS0,115200 panic=-1 lvd_mode=$MODE lvd_expect=$expect ${CMDLINE_EXTRA:-}"
rm -rf "$dir"
mkdir -p "$dir"
: > "$dir/serial.log"

start_bochs() {
	local iso=$dir/lvd.iso

	mkdir -p "$dir/iso/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 \
		"$dir/iso/isolinux/"
	cp "$kernel" "$dir/iso/linux"
	cp "$initrd" "$dir/iso/initrd"
	cat > "$dir/iso/isolinux/isolinux.cfg" <<-EOF
	default lvd
	prompt 0
	timeout 0
	label lvd
	  kernel /linux
	  append initrd=/initrd $cmdline
	EOF
	xorriso -as mkisofs -quiet -R -J -o "$iso" -b isolinux/isolinux.bin \
		-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 \
		-boot-info-table "$dir/iso" 2>"$dir/xorriso.log" ||
		die "xorriso failed: $(cat "$dir/xorriso.log")"
	rm -rf "$dir/iso"

	# clock sync=none: emulated time follows instructions, so runs repeat.
	# Paths are relative (Bochs runs in $dir): long ones overflow its buffers.
	cat > "$dir/bochsrc" <<-EOF
	megs: 512
	romimage: file=/usr/share/bochs/BIOS-bochs-latest, options=fastboot
	vgaromimage: file=/usr/share/vgabios/vgabios.bin
	cpu: model=corei7_haswell_4770, count=$CPUS, ips=10000000, reset_on_triple_fault=0
	clock: sync=none, time0=1
	ata0-master: type=cdrom, path=lvd.iso, status=inserted
	boot: cdrom
	com1: enabled=1, mode=file, dev=serial.log
	display_library: rfb, options="timeout=0"
	mouse: enabled=0
	log: bochs.log
	sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
	panic: action=fatal
	EOF
	echo c > "$dir/bochs.rc"
	(cd "$dir" && exec bochs -q -f bochsrc -rc bochs.rc </dev/null >bochs.out 2>&1) &
	guest=$!
}

start_qemu() {
	local accel=tcg cpu=max

	if [ "$BOOT" = kvm ]; then
		[ -w /dev/kvm ] || die "BOOT=kvm needs a usable /dev/kvm"
		accel=kvm
		cpu=host
	fi
	qemu-system-x86_64 -machine pc -accel $accel -cpu $cpu -smp "$CPUS" -m 512 \
		-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
		-display none -nodefaults -no-reboot \
		-serial "file:$dir/serial.log" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		</dev/null >"$dir/qemu.out" 2>&1 &
	guest=$!
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
bochs) start_bochs ;;
*) start_qemu ;;
esac
watch_guest
