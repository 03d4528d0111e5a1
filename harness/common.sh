# SPDX-License-Identifier: GPL-2.0
# Shared settings and helpers for the LVD harness scripts. Sourced, not run.

set -euo pipefail
trap 'echo "lvd: error: ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND failed" >&2' ERR

LVD_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-$LVD_TOP/out}
case $OUT in /*) ;; *) OUT=$LVD_TOP/$OUT ;; esac
KTREE=$OUT/linux		# base tree (a git repo, commit "base") with our files laid over
KBUILD=$OUT/build		# kbuild output (O=)
JOBS=${JOBS:-$(nproc)}
# ccache: one cache for every checkout; paths below $OUT count as relative,
# so a clone in another folder (CI's) hits what this one compiled.
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/lvd-ccache}
export CCACHE_BASEDIR=$OUT CCACHE_NOHASHDIR=1
# The initramfs of the nested boot's outer kernel (L1 in Bochs, the test
# kernel with lvd=off, runs L2 with KVM), which boot.sh completes with the
# kernel under test.
NESTED_CPIO=$OUT/nested-initramfs.cpio

# The file the boots' emulators serve by TFTP to nic_test (in its
# initramfs: the file's sha256, /lvd/nic/$NIC_FILE.sha256): NIC_FILE_SIZE
# bytes of SHAKE-256 of a fixed seed, the same on every run.
NIC_FILE=lvd-nic.bin
NIC_FILE_SIZE=2097152

# nic_file DIR: DIR holds the NIC test's file.
nic_file() {
	mkdir -p "$1"
	python3 -c 'import hashlib, sys
sys.stdout.buffer.write(hashlib.shake_256(b"lvd nic_test").digest(int(sys.argv[1])))' \
		"$NIC_FILE_SIZE" > "$1/$NIC_FILE"
}

# Directories of this repository that are laid over the kernel tree.
OVERLAY_DIRS="arch drivers include kernel scripts tools Documentation"

die() { echo "lvd: error: $*" >&2; exit 1; }
note() { echo "lvd: $*" >&2; }

# kmake ARGS...: run kbuild on the overlaid tree, output in $KBUILD, through ccache.
kmake() {
	make -s -C "$KTREE" O="$KBUILD" CC="ccache gcc" HOSTCC="ccache gcc" \
		-j"$JOBS" "$@"
}

# install_busybox ROOT: a static busybox as ROOT/bin/busybox.
install_busybox() {
	local busybox

	busybox=$(command -v busybox) || die "no busybox (install busybox-static)"
	file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
		ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
		die "$busybox is not static (install busybox-static)"
	mkdir -p "$1/bin"
	cp "$busybox" "$1/bin/busybox"
}

# pack_cpio ROOT FILE: the tree ROOT as an uncompressed newc cpio archive
# (Bochs unpacks gzip slowly). Archives concatenated unpack as one.
pack_cpio() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$2"
}

# series_entries: the patch series, in order (one directory per patch).
series_entries() {
	find "$LVD_TOP/harness/series" -mindepth 1 -maxdepth 1 -type d | LC_ALL=C sort
}

# series_files ENTRY: the new files (paths in the tree) that patch ENTRY adds.
series_files() {
	local f
	[ -f "$1/files" ] || return 0
	while read -r f; do
		case $f in ''|'#'*) continue ;; esac
		(cd "$LVD_TOP" && ls -d $f) || die "$1/files: no file matches '$f'"
	done < "$1/files"
}

# series_edits ENTRY: the diffs of existing kernel files that patch ENTRY applies.
series_edits() {
	find "$1" -maxdepth 1 -name '*.diff' | sort
}

# diff_paths DIFF: the tree paths a unified diff edits.
diff_paths() {
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$1"
}

# diff_edits_base DIFF: true when DIFF edits existing kernel files (rather
# than a file an earlier patch of the series adds). A diff does one or the
# other, never both.
diff_edits_base() {
	git -C "$KTREE" cat-file -e "base:$(diff_paths "$1" | head -n 1)" 2>/dev/null
}
