#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run scripts/checkpatch.pl --strict over the series in $OUT/patches and
# count what it finds. Exit status 1 when it finds anything.
#
# checkpatch asks of every patch that adds a file whether MAINTAINERS needs
# updating (FILE_PATH_CHANGES). We answer that question for it instead:
# every file the series adds must be covered by an F: line of the LVD entry.
source "$(dirname "$0")/common.sh"

# maintainers_cover: every added file matches an F: pattern of our entry.
maintainers_cover() {
	local patterns added f p ok missing=""

	patterns=$(awk '/^LVD \(LIGHTWEIGHT VIRTUALIZED DOMAINS\)$/ { on = 1; next }
			on && /^$/ { exit }
			on && /^F:/ { print $2 }' "$KTREE/MAINTAINERS")
	[ -n "$patterns" ] || { echo "MAINTAINERS has no LVD entry"; return 1; }
	added=$(cat "$OUT"/patches/0*.patch | sed -n 's|^+++ b/||p' | sort -u)
	for f in $added; do
		git -C "$KTREE" cat-file -e "base:$f" 2>/dev/null && continue
		ok=
		for p in $patterns; do
			case $f in "$p"*) ok=1 ;; esac
		done
		[ -n "$ok" ] || missing="$missing $f"
	done
	[ -z "$missing" ] || { echo "not covered by MAINTAINERS (LVD):$missing"; return 1; }
}

ls "$OUT"/patches/0*.patch >/dev/null 2>&1 || die "no series in $OUT/patches (make patches)"
errors=0 warnings=0 checks=0
for p in $(ls "$OUT"/patches/0*.patch | grep -v 0000-cover-letter); do
	out=$(cd "$KTREE" && ./scripts/checkpatch.pl --strict --color=never \
		--show-types --ignore FILE_PATH_CHANGES "$p" 2>&1) || true
	total=$(echo "$out" | sed -n 's/^total: \([0-9]*\) errors, \([0-9]*\) warnings, \([0-9]*\) checks.*/\1 \2 \3/p')
	[ -n "$total" ] || { echo "$out"; die "checkpatch gave no total for $p"; }
	read -r e w c <<< "$total"
	errors=$((errors + e)) warnings=$((warnings + w)) checks=$((checks + c))
	if [ $((e + w + c)) -gt 0 ]; then
		echo "$out" | grep -E '^(ERROR|WARNING|CHECK)|^#[0-9]+:' | sed 's/^/  /'
	fi
	printf '%-60s %d errors, %d warnings, %d checks\n' "${p##*/}" "$e" "$w" "$c"
done
cover=0
maintainers_cover || cover=1
echo "checkpatch --strict: $errors errors, $warnings warnings, $checks checks; MAINTAINERS covers every new file: $([ $cover = 0 ] && echo yes || echo no)"
[ $((errors + warnings + checks + cover)) = 0 ]
