#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Rewrite one file's hunk in a series diff that edits a file an earlier
# patch adds: the new hunk goes from the earlier version (the committed
# file with the committed hunk undone) to the file as it is now. Use it
# after editing such a file; the diff must be committed already.
#
# Usage: harness/regen-own-diff.sh harness/series/NN-name/what.diff PATH
set -euo pipefail
D=$1 F=$2 T=$(mktemp -d)
python3 - "$D" "$T" <<'PY'
import sys,re
d,t=sys.argv[1],sys.argv[2]
s=open(d).read()
parts=[p for p in re.split(r'(?m)^(?=--- a/)',s) if p.strip()]
open(t+'/order','w').write('\n'.join(re.match(r'--- a/(\S+)',p).group(1) for p in parts))
for i,p in enumerate(parts):
    open(t+'/part%d'%i,'w').write(p)
PY
i=0; : > $T/new
while read -r name; do
	if [ "$name" = "$F" ]; then
		git show HEAD:"$F" > $T/old
		git show HEAD:"$D" > $T/olddiff
		python3 - "$T/olddiff" "$F" "$T/oldhunk" <<'PY'
import sys,re
s=open(sys.argv[1]).read()
for p in re.split(r'(?m)^(?=--- a/)',s):
    if p.startswith('--- a/'+sys.argv[2]+'\n'): open(sys.argv[3],'w').write(p)
PY
		patch -R -s $T/old < $T/oldhunk
		diff -u --label "a/$F" --label "b/$F" $T/old "$F" >> $T/new || true
	else
		cat $T/part$i >> $T/new
	fi
	i=$((i+1))
done < <(cat $T/order; echo)
cp $T/new "$D"
