#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Rebuild LVD's own kernel directories, and the module loader's files LVD
# adds or edits, with W=1 and, where sparse is installed, check them with
# sparse (C=2: every file, rebuilt or not); then run objtool's noinstr
# check over vmlinux.o, where the kernel configuration enables it.
# Exit status 1 when the compiler, sparse or objtool says anything about them.
source "$(dirname "$0")/common.sh"

dirs=$(cd "$KTREE" && for d in arch/x86/lvd drivers/lvd; do [ ! -d "$d" ] || echo "$d/"; done)
# Not all of kernel/module: sparse has things to say about upstream files there.
dirs="$dirs kernel/module/lvd.o kernel/module/main.o"
# kernel-doc's check runs only when an object is compiled: compile them all
# (ccache makes it cheap), or a second run would say nothing.
for d in $dirs; do
	case $d in
	*.o) rm -f "$KBUILD/$d" ;;
	*) [ ! -d "$KBUILD/$d" ] || find "$KBUILD/$d" -name '*.o' -delete ;;
	esac
done
sparse_flag=
command -v sparse >/dev/null && sparse_flag=C=2
log=$OUT/warnings.log
# shellcheck disable=SC2086
kmake W=1 $sparse_flag $dirs > "$log" 2>&1 || { cat "$log"; die "W=1 build of $dirs failed"; }
# kbuild itself prints nothing with -s; anything left is a diagnostic.
if [ -s "$log" ]; then
	cat "$log"
	die "W=1${sparse_flag:+ and sparse} found the above in $dirs"
fi
echo "W=1${sparse_flag:+ and sparse (C=2)}: nothing to say about $(echo $dirs)"

# objtool's noinstr check of vmlinux.o (CONFIG_NOINSTR_VALIDATION, which
# CONFIG_DEBUG_ENTRY selects): the build runs it at the link and only
# warns. Run it again on the linked vmlinux.o, changing nothing, and count
# every warning that names a function of LVD's objects: root mode must call
# nothing that is not noinstr.
grep -qx 'CONFIG_NOINSTR_VALIDATION=y' "$KBUILD/.config" || {
	echo "objtool --noinstr: not configured (CONFIG_DEBUG_ENTRY)"
	exit 0
}
[ -f "$KBUILD/vmlinux.o" ] || die "no $KBUILD/vmlinux.o to check: make kernel first"
objtool_log=$OUT/objtool.log
"$KBUILD/tools/objtool/objtool" --noinstr --link --dry-run "$KBUILD/vmlinux.o" \
	> "$objtool_log" 2>&1 || true
# LVD's functions: what its objects define (static ones included), without
# the compiler's suffixes (.constprop.0, .isra.0, .cold).
# shellcheck disable=SC2086
lvd_funcs=$(cd "$KBUILD" && find $dirs -name '*.o' ! -name '*.mod.o' -print0 |
	xargs -0 nm --defined-only 2>/dev/null |
	awk '$2 ~ /^[tTwW]$/ { sub(/\..*/, "", $3); print $3 }' | sort -u)
lvd_warnings=$(awk 'NR == FNR { lvd[$0] = 1; next }
	{ n = split($0, w, /[^A-Za-z0-9_]+/)
	  for (i = 1; i <= n; i++) if (w[i] in lvd) { print; next } }' \
	<(echo "$lvd_funcs") "$objtool_log")
if [ -n "$lvd_warnings" ]; then
	echo "$lvd_warnings"
	die "objtool --noinstr found the above in LVD's functions (all of it: $objtool_log)"
fi
echo "objtool --noinstr: nothing to say about LVD's functions in vmlinux.o" \
	"($(grep -c warning "$objtool_log") warnings elsewhere)"
