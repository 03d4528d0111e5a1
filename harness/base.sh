#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Obtain the Linux 6.12 base tree in $OUT/linux as a git repository whose
# commit tagged "base" is the pristine tree. Source: KSRC=/path (a git
# checkout or an unpacked tree) or, by default, Debian's linux-source-6.12.
source "$(dirname "$0")/common.sh"

DEB_TARBALL=/usr/src/linux-source-6.12.tar.xz
if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] && [ -d "$KSRC/arch/x86" ] ||
		die "KSRC=$KSRC is not a Linux source tree"
	src=$(cd "$KSRC" && pwd)
else
	src=$DEB_TARBALL
fi

# kernel_version TREE: the tree's version from its top-level Makefile.
kernel_version() {
	make -s -C "$1" kernelversion 2>/dev/null | tail -n 1
}

stamp=$KTREE/.git/lvd-base-source
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$src" ] &&
   git -C "$KTREE" rev-parse -q --verify base >/dev/null; then
	exit 0
fi

if [ -n "${KSRC:-}" ]; then
	ver=$(kernel_version "$src")
	[[ $ver == 6.12 || $ver == 6.12.* ]] ||
		die "KSRC=$KSRC is Linux '${ver:-unknown}'; LVD applies to 6.12.y only"
	[ ! -e "$src/arch/x86/lvd" ] ||
		die "KSRC=$KSRC already contains arch/x86/lvd; give a tree without LVD"
fi

note "preparing base tree from $src in $KTREE"
rm -rf "$KTREE" "$OUT/build" "$OUT/am-check"
mkdir -p "$KTREE"
if [ -n "${KSRC:-}" ]; then
	rsync -a --exclude=.git "$src/" "$KTREE/"
	make -s -C "$KTREE" mrproper
else
	[ -f "$DEB_TARBALL" ] || "$LVD_TOP/harness/deps.sh" build
	tar -xJf "$DEB_TARBALL" -C "$KTREE" --strip-components=1
fi

ver=$(kernel_version "$KTREE")
[[ $ver == 6.12 || $ver == 6.12.* ]] ||
	die "$src is Linux '${ver:-unknown}'; LVD applies to 6.12.y only"

git -C "$KTREE" init -q
git -C "$KTREE" config core.compression 0
git -C "$KTREE" config core.looseCompression 0
git -C "$KTREE" config user.name "LVD harness"
git -C "$KTREE" config user.email "lvd-harness@localhost"
# Debian's tarball ignores everything at its top level: add by force.
git -C "$KTREE" add -f -A
git -C "$KTREE" commit -q -m "Linux $ver (pristine base for LVD)"
git -C "$KTREE" tag base
echo "$src" > "$stamp"
note "base tree: Linux $ver"
