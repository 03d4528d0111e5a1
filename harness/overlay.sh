#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Lay this repository's files over the base tree and apply the edits to
# existing kernel files, as the patch series in harness/series/ lists them.
# Idempotent: a file is rewritten only when its content changes, so kbuild
# recompiles only what changed.
source "$(dirname "$0")/common.sh"

git -C "$KTREE" rev-parse -q --verify base >/dev/null ||
	die "no base tree in $KTREE (run harness/base.sh)"

manifest=$OUT/overlay.manifest
stage=$OUT/overlay-stage
rm -rf "$stage"
mkdir -p "$stage"

# install_if_changed SRC PATH: copy SRC to PATH in the tree unless identical.
install_if_changed() {
	if ! cmp -s "$1" "$KTREE/$2"; then
		mkdir -p "$(dirname "$KTREE/$2")"
		cp "$1" "$KTREE/$2"
	fi
}

: > "$stage/new-files"
: > "$stage/edited-files"
for entry in $(series_entries); do
	series_files "$entry" >> "$stage/new-files"
	for d in $(series_edits "$entry"); do
		# Files of ours are laid down whole, in their final version.
		diff_edits_base "$d" || continue
		for p in $(diff_paths "$d"); do
			[ -e "$stage/tree/$p" ] && continue
			mkdir -p "$(dirname "$stage/tree/$p")"
			git -C "$KTREE" show "base:$p" > "$stage/tree/$p" 2>/dev/null ||
				die "$d edits $p, which the base tree does not have"
			echo "$p" >> "$stage/edited-files"
		done
		(cd "$stage/tree" && GIT_CEILING_DIRECTORIES="$stage" git apply "$d") ||
			die "$d does not apply to the base tree"
	done
done

# Every file of ours must belong to a patch of the series.
(cd "$LVD_TOP" && for d in $OVERLAY_DIRS; do
	[ ! -d "$d" ] || find "$d" -type f ! -name '*~' ! -name '.*.sw?'
done | sort) > "$stage/repo-files"
sort -u "$stage/new-files" -o "$stage/new-files"
orphans=$(comm -23 "$stage/repo-files" "$stage/new-files")
[ -z "$orphans" ] || die "not in any patch of harness/series: $orphans"

while read -r p; do
	git -C "$KTREE" cat-file -e "base:$p" 2>/dev/null &&
		die "$p exists in the base tree: change it with a .diff, not a copy"
	install_if_changed "$LVD_TOP/$p" "$p"
done < "$stage/new-files"
while read -r p; do
	install_if_changed "$stage/tree/$p" "$p"
done < "$stage/edited-files"

# Undo what an earlier overlay laid down and this one no longer does.
sort -u "$stage/new-files" "$stage/edited-files" > "$stage/manifest"
if [ -f "$manifest" ]; then
	comm -23 "$manifest" "$stage/manifest" | while read -r p; do
		if git -C "$KTREE" cat-file -e "base:$p" 2>/dev/null; then
			git -C "$KTREE" checkout -q base -- "$p"
		else
			rm -f "$KTREE/$p"
		fi
	done
fi
mv "$stage/manifest" "$manifest"
