#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# concurrency.sh FLOWPOL TESTDATA
#
# Two writers and a reader on one database at once: the writers take turns
# (the second waits for the first's transaction), the reader works while
# they write (WAL), and the result is what the writers give one after the
# other.
set -u
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
flowpol=$(abs "$1") testdata=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/flowpol-concurrency.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 99

a=("$testdata"/demo/hubble-ip-10-0-1-17.jsonl "$testdata"/demo/hubble-ip-10-0-3-41.jsonl.gz)
b=("$testdata"/demo/hubble-ip-10-0-2-29.jsonl "$testdata"/churn/vpc.log)
"$flowpol" ingest -q -d seq.db --memory 64K "${a[@]}" || exit 1
"$flowpol" ingest -q -d seq.db --memory 64K "${b[@]}" || exit 1
# Row ids depend on how the writers' transactions interleaved; compare what
# the database says instead: its counts and its edges.
logical() {
	"$flowpol" stats -d "$1" --json | grep -v '"database"'
	"$flowpol" aggregate -d "$1"
}
logical seq.db > seq.dump

failures=0
for round in 1 2 3 4 5; do
	rm -f par.db*
	"$flowpol" ingest -q -d par.db --memory 64K "${a[@]}" 2>a.err &
	pa=$!
	"$flowpol" ingest -q -d par.db --memory 64K "${b[@]}" 2>b.err &
	pb=$!
	reads=0 read_failures=0
	while kill -0 $pa 2>/dev/null || kill -0 $pb 2>/dev/null; do
		if [ -e par.db ]; then
			reads=$((reads + 1))
			"$flowpol" stats -d par.db >/dev/null 2>r.err || {
				# a database that does not exist yet, or is being created, is fine
				grep -q "no schema\|needs an upgrade\|No such file" r.err || read_failures=$((read_failures + 1))
			}
		fi
	done
	wait $pa; sa=$?
	wait $pb; sb=$?
	if [ $sa -ne 0 ] || [ $sb -ne 0 ]; then
		echo "concurrency: round $round: a writer failed ($sa, $sb):"
		cat a.err b.err
		failures=$((failures + 1))
		continue
	fi
	if [ $read_failures -gt 0 ]; then
		echo "concurrency: round $round: $read_failures of $reads reads failed:"
		cat r.err
		failures=$((failures + 1))
	fi
	# the same content, whatever order the sources were recorded in
	logical par.db > par.dump
	if ! diff seq.dump par.dump >/dev/null; then
		echo "concurrency: round $round: the database differs from sequential ingests"
		diff seq.dump par.dump | head
		failures=$((failures + 1))
	fi
	echo "concurrency: round $round: both writers done, $reads reads during them"
done
[ $failures -eq 0 ]
