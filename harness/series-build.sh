#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build every prefix of the series: apply the patches in $OUT/patches one
# at a time with git am to a copy of the pristine base tree and build the
# kernel and modules after each, with the test kernel's configuration
# (olddefconfig drops the options a prefix does not have yet). Prints one
# line per patch and "series builds: N of N prefixes"; exits non-zero when
# a prefix does not build, after showing the end of its log.
source "$(dirname "$0")/common.sh"

wt=$OUT/series-build-tree
obj=$OUT/series-build
logs=$OUT/series-build-logs
patches=$(ls "$OUT"/patches/0*.patch 2>/dev/null | grep -v 0000-cover-letter) ||
	die "no series in $OUT/patches (make patches)"
[ -f "$KBUILD/.config" ] || die "no test configuration in $KBUILD (make kernel)"

git -C "$KTREE" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$KTREE" worktree prune
git -C "$KTREE" worktree add -q --detach "$wt" base
rm -rf "$logs"
mkdir -p "$obj" "$logs"

pmake() {
	make -s -C "$wt" O="$obj" CC="ccache gcc" HOSTCC="ccache gcc" \
		-j"$JOBS" "$@"
}

n=$(echo "$patches" | wc -l)
k=0 ok=0 status=0
start=$(date +%s)
for p in $patches; do
	k=$((k + 1))
	subject=$(sed -n 's/^Subject: \[PATCH[^]]*\] //p' "$p" | head -n 1)
	log=$logs/$(basename "$p" .patch).log
	if ! git -C "$wt" -c user.name="LVD harness" -c user.email=lvd-harness@localhost \
		am -q "$p" > "$log" 2>&1; then
		echo "  $k/$n does not apply: $subject"
		status=1
		break
	fi
	t0=$(date +%s)
	cp "$KBUILD/.config" "$obj/.config"
	if pmake olddefconfig >> "$log" 2>&1 && pmake bzImage modules >> "$log" 2>&1; then
		ok=$((ok + 1))
		echo "  $k/$n builds ($(($(date +%s) - t0))s): $subject"
	else
		echo "  $k/$n does NOT build: $subject"
		grep -E 'error|Error' "$log" | head -n 20 | sed 's/^/  | /'
		status=1
	fi
done
git -C "$KTREE" worktree remove --force "$wt"
echo "series builds: $ok of $n prefixes ($(($(date +%s) - start))s)"
exit $status
