#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check that the series in $OUT/patches applies with git am to a fresh copy
# of the pristine base tree, and that the result is exactly the tree that
# was built (so the series builds, since that tree did).
source "$(dirname "$0")/common.sh"

wt=$OUT/am-check
ls "$OUT"/patches/0*.patch >/dev/null 2>&1 || die "no series in $OUT/patches (make patches)"
git -C "$KTREE" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$KTREE" worktree prune
git -C "$KTREE" worktree add -q --detach "$wt" base

status=0
if ! git -C "$wt" -c user.name="LVD harness" -c user.email=lvd-harness@localhost \
	am -q $(ls "$OUT"/patches/0*.patch | grep -v 0000-cover-letter); then
	echo "git am failed on a fresh copy of the base tree" >&2
	git -C "$wt" am --abort 2>/dev/null || true
	status=1
else
	n=$(git -C "$wt" rev-list --count base..HEAD)
	git -C "$wt" diff --name-only base HEAD | sort > "$OUT/am-check.files"
	if ! cmp -s "$OUT/am-check.files" "$OUT/overlay.manifest"; then
		echo "the series changes other files than the built tree:" >&2
		diff "$OUT/overlay.manifest" "$OUT/am-check.files" >&2 || true
		status=1
	fi
	while read -r p; do
		cmp -s "$wt/$p" "$KTREE/$p" || { echo "differs from the built tree: $p" >&2; status=1; }
	done < "$OUT/am-check.files"
	[ $status = 0 ] && echo "$n patches apply with git am to pristine $(git -C "$KTREE" log -1 --format=%s base | sed 's/ (.*//') and give the built tree"
fi
git -C "$KTREE" worktree remove --force "$wt"
exit $status
