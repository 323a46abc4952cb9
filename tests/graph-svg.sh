#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# graph-svg.sh FLOWPOL TESTDATA - issue 6's acceptance: 'flowpol graph
# --format svg' on the demo week writes a valid SVG when Graphviz is
# installed.  Skipped (exit 77) when 'dot' is not on PATH; CI installs the
# graphviz package so that it runs there.
set -u
if ! command -v dot >/dev/null 2>&1; then
	echo "graph-svg: skipped: Graphviz's 'dot' is not installed (apt-get install graphviz)"
	exit 77
fi
flowpol=$1
testdata=$2
scratch=$(mktemp -d "${TMPDIR:-/tmp}/flowpol-svg.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

"$flowpol" ingest -d "$scratch/demo.db" "$testdata"/demo/*.jsonl* >/dev/null || exit 1
"$flowpol" graph -d "$scratch/demo.db" --format svg -o "$scratch/demo.svg" || exit 1
# An SVG document, complete, naming every prod workload of the demo.
head -c 5 "$scratch/demo.svg" | grep -q '^<?xml' || { echo "not XML"; exit 1; }
grep -q '<svg' "$scratch/demo.svg" || { echo "no <svg> element"; exit 1; }
tail -n 1 "$scratch/demo.svg" | grep -q '</svg>' || { echo "truncated SVG"; exit 1; }
# (dot writes '-' in text as the entity &#45;)
sed 's/&#45;/-/g' "$scratch/demo.svg" >"$scratch/text.svg"
for w in api-gateway auth-service orders payment-processor-v4 postgres redis-primary; do
	grep -q ">$w<" "$scratch/text.svg" || { echo "no node for $w"; exit 1; }
done
# Standard output carries the same document when there is no -o.
"$flowpol" graph -d "$scratch/demo.db" --format svg >"$scratch/stdout.svg" || exit 1
cmp -s "$scratch/demo.svg" "$scratch/stdout.svg" || { echo "-o and stdout differ"; exit 1; }
echo "graph-svg: ok ($(wc -c <"$scratch/demo.svg") bytes)"
