#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configure (tinyconfig + fragments) and build the overlaid kernel and its
# modules in $OUT/build, through ccache.
source "$(dirname "$0")/common.sh"

fragments="$LVD_TOP/harness/tiny-boot.config
	$KTREE/kernel/configs/lvd.config
	$KTREE/tools/testing/selftests/lvd/config
	${LVD_EXTRA_CONFIG:-}"

mkdir -p "$KBUILD"
ccache -M 5G >/dev/null 2>&1 || true

# A fresh .config whenever a fragment changes; kbuild handles the rest.
hash=$(cat $fragments | sha256sum | cut -d' ' -f1)
if [ ! -f "$KBUILD/.config" ] || [ "$(cat "$KBUILD/.lvd-config-hash" 2>/dev/null)" != "$hash" ]; then
	note "configuring: tinyconfig + $(echo $fragments | wc -w) fragments"
	kmake tinyconfig >/dev/null
	# shellcheck disable=SC2086
	"$KTREE/scripts/kconfig/merge_config.sh" -m -O "$KBUILD" "$KBUILD/.config" \
		$fragments >/dev/null
	kmake olddefconfig >/dev/null
	# Every option a fragment asks for must have survived olddefconfig.
	bad=$(cat $fragments | grep -E '^CONFIG_[A-Z0-9_]+=' | sort -u |
		while read -r want; do
			grep -qxF "$want" "$KBUILD/.config" || echo "$want"
		done)
	[ -z "$bad" ] || die "config fragments not satisfied (missing dependency?): $bad"
	echo "$hash" > "$KBUILD/.lvd-config-hash"
fi
# A Kconfig of ours may have changed (new options, new selects): take the
# defaults for anything new rather than let kbuild ask on the terminal.
kmake olddefconfig >/dev/null

note "building kernel and modules in $KBUILD"
kmake bzImage modules
rm -rf "$OUT/modules"
kmake modules_install INSTALL_MOD_PATH="$OUT/modules" >/dev/null
note "built $(kmake -s kernelrelease)"
