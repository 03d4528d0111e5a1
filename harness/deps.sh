#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian 12 packages the LVD harness needs, if any is missing.
# Usage: harness/deps.sh build|boot|all
source "$(dirname "$0")/common.sh"

build_pkgs="linux-source-6.12 build-essential flex bison bc libelf-dev libssl-dev
	cpio patch rsync git ccache busybox-static e2fsck-static kmod perl xz-utils
	python3 sparse"
boot_pkgs="xorriso isolinux syslinux-common bochs bochsbios vgabios
	qemu-system-x86 coreutils"

case ${1:-all} in
build) want=$build_pkgs ;;
boot) want=$boot_pkgs ;;
all) want="$build_pkgs $boot_pkgs" ;;
*) die "deps.sh: unknown set '$1' (build, boot or all)" ;;
esac

missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

[ "$(id -u)" = 0 ] || die "packages missing:$missing; run as root, or install them"
note "installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || die "apt-get update failed"
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null ||
	die "apt-get install$missing failed"
