#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run scripts/checkpatch.pl --strict over the series in $OUT/patches and
# count what it finds. Exit status 1 when it finds anything.
source "$(dirname "$0")/common.sh"

ls "$OUT"/patches/0*.patch >/dev/null 2>&1 || die "no series in $OUT/patches (make patches)"

# lvd_covers PATCH: every file PATCH adds falls under LVD's MAINTAINERS
# entry, which answers checkpatch's "added, moved or deleted file(s), does
# MAINTAINERS need updating?" (it asks of any patch that adds a file and
# leaves MAINTAINERS alone).
lvd_covers() {
	local f files m

	files=$(awk '/^diff --git /{f = $4; sub(/^b\//, "", f)} /^new file mode/{print f}' "$1")
	[ -n "$files" ] || return 1
	for f in $files; do
		m=$(cd "$KTREE" && ./scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-rolestats --no-l --no-r -f "$f" 2>/dev/null) || return 1
		grep -q '^LVD Developers <' <<< "$m" || return 1
	done
}

errors=0 warnings=0 checks=0
for p in $(ls "$OUT"/patches/0*.patch | grep -v 0000-cover-letter); do
	ignore=
	if ! grep -q '^ MAINTAINERS *|' "$p" && lvd_covers "$p"; then
		ignore="--ignore FILE_PATH_CHANGES"
	fi
	# shellcheck disable=SC2086
	out=$(cd "$KTREE" && ./scripts/checkpatch.pl --strict --color=never \
		--show-types $ignore "$p" 2>&1) || true
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
