#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the initramfs that the nested boot (BOOT=nested) runs in Bochs on
# its outer kernel (L1), which is the test kernel itself booted with lvd=off
# (its config has kvm and kvm_intel as modules): $OUT/nested-initramfs.cpio,
# with static busybox, the test kernel's modules, QEMU with every shared
# library it links, the firmware a -kernel boot reads, and
# harness/nested/init. boot.sh adds the kernel under test, its initramfs and
# QEMU's command line for each boot.
source "$(dirname "$0")/common.sh"

# What QEMU reads to boot a kernel with -kernel on the pc machine (traced:
# SeaBIOS, the option ROM that loads the kernel, and the TPR patching ROM).
QEMU_FIRMWARE="bios-256k.bin linuxboot_dma.bin kvmvapic.bin"

[ -d "$OUT/modules/lib" ] || die "no modules in $OUT/modules (run make kernel)"
root=$OUT/nested-initramfs
rm -rf "$root"
mkdir -p "$root"/{dev,proc,sys,tmp,nested}
install_busybox "$root"
install -m 0755 "$LVD_TOP/harness/nested/init" "$root/init"
cp -a "$OUT/modules/lib" "$root/lib"

# install_at_path FILE: FILE at the same path under $root (symlinks followed).
install_at_path() {
	install -D -m 0755 "$1" "$root$1"
}

# QEMU, and what the loader loads for it: ldd lists the libraries as
# "name => /path (addr)" and the loader itself as "/path (addr)".
qemu=$(command -v qemu-system-x86_64) || die "no qemu-system-x86_64 (install qemu-system-x86)"
install_at_path "$qemu"
for lib in $(ldd "$qemu" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
	install_at_path "$lib"
done

# The firmware, where QEMU looks for it (its data directories, in order).
for fw in $QEMU_FIRMWARE; do
	for d in $("$qemu" -L help); do
		[ -f "$d/$fw" ] || continue
		install_at_path "$(realpath -s -m "$d/$fw")"
		continue 2
	done
	die "QEMU firmware $fw not found in $("$qemu" -L help | xargs)"
done

pack_cpio "$root" "$NESTED_CPIO"
note "nested initramfs: $(du -h "$NESTED_CPIO" | cut -f1)"
