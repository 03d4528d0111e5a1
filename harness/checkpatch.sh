#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run scripts/checkpatch.pl --strict over the series in $OUT/patches and
# count what it finds. Exit status 1 when it finds anything.
source "$(dirname "$0")/common.sh"

ls "$OUT"/patches/0*.patch >/dev/null 2>&1 || die "no series in $OUT/patches (make patches)"
errors=0 warnings=0 checks=0
for p in $(ls "$OUT"/patches/0*.patch | grep -v 0000-cover-letter); do
	out=$(cd "$KTREE" && ./scripts/checkpatch.pl --strict --color=never \
		--show-types "$p" 2>&1) || true
	total=$(echo "$out" | sed -n 's/^total: \([0-9]*\) errors, \([0-9]*\) warnings, \([0-9]*\) checks.*/\1 \2 \3/p')
	[ -n "$total" ] || { echo "$out"; die "checkpatch gave no total for $p"; }
	read -r e w c <<< "$total"
	errors=$((errors + e)) warnings=$((warnings + w)) checks=$((checks + c))
	if [ $((e + w + c)) -gt 0 ]; then
		echo "$out" | grep -E '^(ERROR|WARNING|CHECK)|^#[0-9]+:' | sed 's/^/  /'
	fi
	printf '%-60s %d errors, %d warnings, %d checks\n' "${p##*/}" "$e" "$w" "$c"
done
echo "checkpatch --strict: $errors errors, $warnings warnings, $checks checks"
[ $((errors + warnings + checks)) = 0 ]
