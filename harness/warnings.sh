#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Rebuild LVD's own kernel directories, and the module loader's files LVD
# adds or edits, with W=1 and, where sparse is installed, check them with
# sparse (C=2: every file, rebuilt or not).
# Exit status 1 when the compiler or sparse says anything about them.
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
