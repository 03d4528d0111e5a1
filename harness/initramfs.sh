#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the initramfs the test boots run: static busybox and e2fsck, the
# LVD kselftests built statically, the kernel's modules, and
# harness/initramfs/init.
source "$(dirname "$0")/common.sh"

root=$OUT/initramfs
rm -rf "$root" "$OUT/selftests"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lvd/selftests,lvd/bin,lvd/nic} "$OUT/selftests"

note "building the lvd kselftests (static)"
make -s -C "$KTREE/tools/testing/selftests/lvd" OUTPUT="$OUT/selftests" \
	CC="ccache gcc" LDFLAGS=-static >/dev/null
for t in $(make -s -C "$KTREE/tools/testing/selftests/lvd" \
		OUTPUT="$OUT/selftests" -f Makefile -f - print-tests <<'MK'
print-tests:
	@echo $(TEST_GEN_PROGS) $(TEST_PROGS)
MK
); do
	cp "$t" "$root/lvd/selftests/"
done
# Built with them, run by make bench only
cp "$OUT/selftests/lvd_bench" "$OUT/selftests/lvd_net_bench" \
   "$OUT/selftests/lvd_blk_bench" "$OUT/selftests/lvd_nic_bench" "$root/lvd/bin/"

# nic_test's checksum of the file the emulator serves it by TFTP
nic_file "$root/lvd/nic"
(cd "$root/lvd/nic" && sha256sum "$NIC_FILE" > "$NIC_FILE.sha256" && rm "$NIC_FILE")

install_busybox "$root"
# blk_test's filesystem check: busybox has mke2fs but no e2fsck
e2fsck=$(PATH=$PATH:/usr/sbin:/sbin command -v e2fsck.static) ||
	die "no e2fsck.static (install e2fsck-static)"
install -m 0755 "$e2fsck" "$root/bin/e2fsck"
install -m 0755 "$LVD_TOP/harness/initramfs/init" "$root/init"
[ ! -d "$OUT/modules/lib" ] || cp -a "$OUT/modules/lib" "$root/lib"

pack_cpio "$root" "$OUT/initramfs.cpio"
note "initramfs: $(du -h "$OUT/initramfs.cpio" | cut -f1), tests: $(ls "$root/lvd/selftests" | xargs)"
