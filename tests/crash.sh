#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# crash.sh FLOWPOL DB_DUMP TESTDATA [KILLS]
#
# Kill flowpol with SIGKILL at random moments of ingest, inventory, aggregate
# and run, run the same command again, and check that the database and the
# output directory are exactly what one uninterrupted run produces: nothing
# lost, nothing counted twice, no half-written policy.
set -u
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
flowpol=$(abs "$1") dump=$(abs "$2") testdata=$(cd "$3" && pwd) kills=${4:-200}
work=$(mktemp -d "${TMPDIR:-/tmp}/flowpol-crash.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 99
RANDOM=4242

inv="$testdata/churn/inventory/inventory-2026111[0-2]T*.json"
# Small --memory makes ingest park tuples in several transactions: the kill
# points then fall between them too.
commands=(
	"ingest -q --memory 64K -d DB $testdata/demo/hubble-ip-10-0-1-17.jsonl $testdata/demo/hubble-ip-10-0-3-41.jsonl.gz"
	"inventory -q -d DB $inv"
	"aggregate -d DB --since 3d"
	"run -q --memory 64K -d DB -o OUT $testdata/churn/vpc.log $testdata/demo/hubble-ip-10-0-2-29.jsonl"
)
# The database each command starts from.
prepare() {
	rm -f "$1" "$1-wal" "$1-shm"
	case $2 in
	2) "$flowpol" ingest -q -d "$1" "$testdata"/churn/vpc.log &&
	   "$flowpol" inventory -q -d "$1" $inv ;;
	3) "$flowpol" inventory -q -d "$1" $inv ;;
	esac
}
cmdline() { # index db out
	local c=${commands[$1]}
	c=${c//DB/$2}
	echo "${c//OUT/$3}"
}
runcmd() {
	"$flowpol" $(cmdline "$@") >/dev/null 2>last.err
}

declare -a ref_ms
for i in 0 1 2 3; do
	prepare ref$i.db $i || exit 99
	start=$(date +%s%N)
	# into "out", as the runs under test: the run record names the directory
	rm -rf out
	runcmd $i ref$i.db out || { echo "crash: reference run of '${commands[$i]}' failed"; exit 1; }
	ref_ms[$i]=$(( ($(date +%s%N) - start) / 1000000 + 1 ))
	"$dump" ref$i.db > ref$i.dump || exit 99
	# what the command leaves when it finished before the kill and ran again
	runcmd $i ref$i.db out && "$dump" ref$i.db > ref$i.twice || exit 99
	if [ -d out ]; then mv out ref-out$i; fi
done

failures=0 landed=0 k=0
while ((landed < kills && k < kills * 8)); do
	i=$((k % 4))
	k=$((k + 1))
	prepare t.db $i
	rm -rf out
	# a moment within the command's run time
	delay=$((RANDOM % (ref_ms[$i] + 1)))
	# flowpol itself in the background, not a subshell: the kill must hit it
	"$flowpol" $(cmdline $i t.db out) >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '0.%03d' "$delay")" 2>/dev/null || sleep 0
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	# 137: killed; anything else: it had finished, so it runs twice
	if [ $? -eq 137 ]; then
		landed=$((landed + 1))
		ref=ref$i.dump
	else
		ref=ref$i.twice
	fi
	if ! runcmd $i t.db out; then
		echo "crash: kill $k ('${commands[$i]}' after ${delay} ms): the rerun failed:"
		cat last.err
		failures=$((failures + 1))
		continue
	fi
	"$dump" t.db > t.dump
	# killed after its commit, the command did its work: the rerun is a second
	if [ "$ref" = ref$i.dump ] && ! diff -q $ref t.dump >/dev/null &&
	   diff -q ref$i.twice t.dump >/dev/null; then
		ref=ref$i.twice
	fi
	if ! diff -q $ref t.dump >/dev/null; then
		echo "crash: kill $k ('${commands[$i]}' after ${delay} ms): database differs"
		diff $ref t.dump | head -20
		failures=$((failures + 1))
	fi
	if [ -d ref-out$i ] && ! diff -r ref-out$i out >/dev/null; then
		echo "crash: kill $k ('${commands[$i]}' after ${delay} ms): output differs"
		failures=$((failures + 1))
	fi
	# no temporary file may be left where a reader would look
	if [ -d out ] && ls -A out | grep -q '^\.'; then
		echo "crash: kill $k: a temporary file was left in the output directory"
		failures=$((failures + 1))
	fi
done
echo "crash: $k runs, $landed killed mid-way, $failures failures"
[ $failures -eq 0 ] && [ $landed -ge $kills ]
