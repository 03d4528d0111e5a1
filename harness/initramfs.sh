#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the initramfs the test boots run: static busybox, the LVD
# kselftests built statically, the kernel's modules, and harness/initramfs/init.
source "$(dirname "$0")/common.sh"

root=$OUT/initramfs
rm -rf "$root" "$OUT/selftests"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lvd/selftests} "$OUT/selftests"

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

busybox=$(command -v busybox)
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
	die "$busybox is not static (install busybox-static)"
cp "$busybox" "$root/bin/busybox"
install -m 0755 "$LVD_TOP/harness/initramfs/init" "$root/init"
[ ! -d "$OUT/modules/lib" ] || cp -a "$OUT/modules/lib" "$root/lib"

# Uncompressed: Bochs unpacks gzip slowly, and the image is small.
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$OUT/initramfs.cpio"
note "initramfs: $(du -h "$OUT/initramfs.cpio" | cut -f1), tests: $(ls "$root/lvd/selftests" | xargs)"
