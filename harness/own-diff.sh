#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write the diff that a later patch of the series applies to a file an
# earlier patch adds: from the file as committed at REV to the file as it
# is now.
#
# Usage: harness/own-diff.sh REV PATH... > harness/series/NN-name/what.diff
source "$(dirname "$0")/common.sh"

rev=${1:?usage: own-diff.sh REV PATH...}
shift
cd "$LVD_TOP"
for p in "$@"; do
	git show "$rev:$p" > "$OUT/own-diff.old" || die "$p is not in $rev"
	diff -u --label "a/$p" --label "b/$p" "$OUT/own-diff.old" "$p" || true
done
rm -f "$OUT/own-diff.old"
