#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Test lvd-idlc, the compiler of LVD interface descriptions.
#
# Each good/NAME.lvd must compile to exactly good/NAME.c; each
# bad/NAME.lvd must fail with exit status 1, print exactly bad/NAME.err
# and write no output. The compiler is built here from scripts/lvd/ with
# warnings as errors, unless IDLC names one already built. With KBUILD (a
# kernel build directory in which drivers/lvd/lvd_test_host.o was built),
# each good output is also compiled with the flags kbuild used for that
# object, warnings as errors.
#
# With -u, it rewrites the expected files instead (after a deliberate
# change to the compiler: review the difference). Prints a line per
# failing case and ends with "lvd-idlc: N of N cases pass"; exit status 1
# on any failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
update=
[ "${1:-}" = -u ] && update=1

idlc=${IDLC:-}
if [ -z "$idlc" ]; then
	idlc=$tmp/lvd-idlc
	${HOSTCC:-cc} -std=gnu11 -O2 -Wall -Wextra -Wmissing-prototypes \
		-Wstrict-prototypes -Werror -o "$idlc" "$here"/../*.c || {
		echo "lvd-idlc does not build"
		exit 1
	}
fi

# The command kbuild compiled the test host's glue with, made a syntax check
cflags=
if [ -n "${KBUILD:-}" ]; then
	cmd=$KBUILD/drivers/lvd/.lvd_test_host.o.cmd
	[ -f "$cmd" ] || { echo "no $cmd: build the kernel first"; exit 1; }
	cflags=$(sed -n 's/^savedcmd_[^ ]* := //p' "$cmd" |
		sed -e 's/ -Wp,-MMD,[^ ]*//' -e 's/ -c -o .*//')
fi

pass=0 total=0
fail() {
	echo "FAIL $1: $2"
}

for lvd in "$here"/good/*.lvd; do
	name=$(basename "$lvd" .lvd)
	total=$((total + 1))
	if ! (cd "$here/good" && "$idlc" -o "$tmp/$name.c" "$name.lvd") \
		2> "$tmp/$name.stderr"; then
		fail "good/$name" "refused: $(head -n 1 "$tmp/$name.stderr")"
		continue
	fi
	if [ -s "$tmp/$name.stderr" ]; then
		fail "good/$name" "said: $(head -n 1 "$tmp/$name.stderr")"
		continue
	fi
	[ -z "$update" ] || cp "$tmp/$name.c" "$here/good/$name.c"
	if ! diff -u "$here/good/$name.c" "$tmp/$name.c" > "$tmp/$name.diff"; then
		fail "good/$name" "output differs from good/$name.c:"
		sed 's/^/  | /' "$tmp/$name.diff" | head -n 20
		continue
	fi
	if [ -n "$cflags" ]; then
		set=$(sed -n 's/^static struct lvd_glue_set \([a-z0-9_]*\) = {$/\1/p' \
			"$tmp/$name.c")
		# The output, then what its includer defines: the functions
		# it declares, as stubs, and a use of the set
		{
			echo "#include \"$tmp/$name.c\""
			awk '/^\/\* Defined by the file that includes/ { on = 1; next }
			     on && /^$/ { exit }
			     on { decl = decl $0 "\n" }
			     on && /;$/ {
				body = decl ~ /^static void / ? "{\n}" : "{\n\treturn 0;\n}"
				sub(/;\n$/, "\n", decl)
				printf "%s%s\n", decl, body
				decl = ""
			     }' "$tmp/$name.c"
			if [ -n "$set" ]; then
				echo "void *idl_test_set(void);"
				echo "void *idl_test_set(void) { return &$set; }"
			fi
		} > "$tmp/${name}_use.c"
		# shellcheck disable=SC2086
		if ! (cd "$KBUILD" && eval "$cflags" -I"$here/good" -Werror \
			-fsyntax-only "$tmp/${name}_use.c") > "$tmp/$name.cc" 2>&1; then
			fail "good/$name" "its output does not compile:"
			sed 's/^/  | /' "$tmp/$name.cc" | head -n 20
			continue
		fi
	fi
	pass=$((pass + 1))
done

for lvd in "$here"/bad/*.lvd; do
	name=$(basename "$lvd" .lvd)
	total=$((total + 1))
	(cd "$here/bad" && "$idlc" -o "$tmp/$name.c" "$name.lvd") \
		> "$tmp/$name.stdout" 2> "$tmp/$name.stderr"
	status=$?
	[ -z "$update" ] || cp "$tmp/$name.stderr" "$here/bad/$name.err"
	if [ $status != 1 ]; then
		fail "bad/$name" "exit status $status, not 1"
	elif [ -e "$tmp/$name.c" ] || [ -s "$tmp/$name.stdout" ]; then
		fail "bad/$name" "wrote output"
	elif ! diff -u "$here/bad/$name.err" "$tmp/$name.stderr" > "$tmp/$name.diff"; then
		fail "bad/$name" "messages differ from bad/$name.err:"
		sed 's/^/  | /' "$tmp/$name.diff" | head -n 20
	else
		pass=$((pass + 1))
	fi
done

echo "lvd-idlc: $pass of $total cases pass${cflags:+, good outputs compile}"
[ $pass = $total ]
