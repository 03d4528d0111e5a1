#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Emit the LVD patch series as git format-patch files in $OUT/patches,
# from harness/series/ (one directory per patch: "message", "files",
# "*.diff") and harness/cover-letter.
#
# The commits are made in a small scratch repository that holds only the
# base versions of the kernel files the series edits; the patches then
# apply with git am to any 6.12 tree whose versions of those files match.
source "$(dirname "$0")/common.sh"

git -C "$KTREE" rev-parse -q --verify base >/dev/null ||
	die "no base tree in $KTREE (run harness/base.sh)"

author_name=${LVD_AUTHOR_NAME:-$(git -C "$LVD_TOP" config user.name || echo "LVD Developers")}
author_email=${LVD_AUTHOR_EMAIL:-$(git -C "$LVD_TOP" config user.email || echo "lvd-dev@lvd.invalid")}
repo=$OUT/series-git
patches=$OUT/patches
rm -rf "$repo" "$patches"
mkdir -p "$repo"

g() { git -C "$repo" -c user.name="$author_name" -c user.email="$author_email" "$@"; }

g init -q
for entry in $(series_entries); do
	for d in $(series_edits "$entry"); do
		diff_edits_base "$d" || continue
		for p in $(diff_paths "$d"); do
			[ -e "$repo/$p" ] && continue
			mkdir -p "$(dirname "$repo/$p")"
			git -C "$KTREE" show "base:$p" > "$repo/$p"
		done
	done
done
g add -A
g commit -q --allow-empty -m "base: the kernel files LVD edits, as in $(git -C "$KTREE" log -1 --format=%s base)"
g tag base

# A file of ours that later patches edit is added in the version before
# those edits: undo them, newest first, on a copy of the final file.
initial=$OUT/series-initial
rm -rf "$initial"
mkdir -p "$initial"
for entry in $(series_entries | sort -r); do
	for d in $(series_edits "$entry" | sort -r); do
		diff_edits_base "$d" && continue
		for p in $(diff_paths "$d"); do
			[ -e "$initial/$p" ] && continue
			mkdir -p "$(dirname "$initial/$p")"
			cp "$LVD_TOP/$p" "$initial/$p"
		done
		(cd "$initial" && GIT_CEILING_DIRECTORIES="$OUT" git apply -R "$d") ||
			die "$d does not undo from the final files"
	done
done

count=0
for entry in $(series_entries); do
	[ -f "$entry/message" ] || die "$entry has no message"
	for p in $(series_files "$entry"); do
		mkdir -p "$(dirname "$repo/$p")"
		if [ -e "$initial/$p" ]; then
			cp "$initial/$p" "$repo/$p"
		else
			cp "$LVD_TOP/$p" "$repo/$p"
		fi
	done
	for d in $(series_edits "$entry"); do
		g apply "$d" || die "$d does not apply"
	done
	g add -A
	{ cat "$entry/message"; printf '\nSigned-off-by: %s <%s>\n' "$author_name" "$author_email"; } |
		g commit -q -F - || die "$entry: nothing to commit"
	count=$((count + 1))
done

g format-patch -q --cover-letter --thread -o "$patches" base..HEAD
cover=$(ls "$patches"/0000-cover-letter.patch)
subject=$(head -n 1 "$LVD_TOP/harness/cover-letter")
body=$(tail -n +3 "$LVD_TOP/harness/cover-letter")
python3 - "$cover" "$subject" "$body" <<'PY'
import sys
path, subject, body = sys.argv[1:4]
text = open(path).read()
text = text.replace("*** SUBJECT HERE ***", subject).replace("*** BLURB HERE ***", body)
open(path, "w").write(text)
PY
note "$count patches and a cover letter in $patches"
