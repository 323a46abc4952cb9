#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# bench.sh FLOWPOL BENCH_GEN BENCH_TIME - the performance benchmark of issue 7.
#
# Run it with 'meson test -C build --benchmark --verbose' (a release build:
# meson setup build --buildtype=release).  It generates Hubble data with
# tests/bench-gen.c and prints, measured in the same run on the same files:
#   - ingest throughput (MB/s, lines/s) of plain and gzip input, against the
#     jq pipeline a user would write instead (and the ratio), and against
#     'zcat FILE > /dev/null';
#   - peak RSS and database size on a small and a large input;
#   - aggregate + generate time for 1k, 10k and 100k edges over 5,000
#     workloads in 200 namespaces.
# Sizes come from the environment (suffixes K, M, G):
#   BENCH_DIR        where data and databases go (default: ./bench-data under
#                    the build directory); generated files are kept and reused
#   BENCH_SMALL      small input (default 200M); throughput, jq and gzip
#   BENCH_LARGE      large input (default 2G; 0 skips it); RSS and size
#   BENCH_EDGES      edge counts of the scaling table (default "1000 10000 100000")
#   BENCH_WORKLOADS  workloads of the scaling table (default 5000)
#   BENCH_NAMESPACES namespaces of the scaling table (default 200)
#   BENCH_THREADS    flowpol ingest --threads (default: flowpol's own choice)
#   BENCH_JQ=0       skip the jq pipeline (it is the slowest part)
set -eu

abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
flowpol=$(abs "$1")
gen=$(abs "$2")
btime=$(abs "$3")
dir=${BENCH_DIR:-$(pwd)/bench-data}
small=${BENCH_SMALL:-200M}
large=${BENCH_LARGE:-2G}
edges=${BENCH_EDGES:-1000 10000 100000}
workloads=${BENCH_WORKLOADS:-5000}
namespaces=${BENCH_NAMESPACES:-200}
threads=${BENCH_THREADS:+--threads $BENCH_THREADS}
mkdir -p "$dir"
cd "$dir"
# Generated inputs are reused while their parameters stay the same.
sfile="small-$small.jsonl"
lfile="large-$large.jsonl"

# The jq a user writes instead: the fields of an edge, replies left out.
JQ_FILTER='select(.flow != null and .flow.is_reply != true) | .flow
  | [.source.namespace, (.source.workloads[0].name // .source.pod_name),
     .destination.namespace, (.destination.workloads[0].name // .destination.pod_name),
     (.l4 // {} | keys[0]), (.l4 // {} | .[] | .destination_port), .verdict] | @tsv'

# run NAME COMMAND...: time a command, keep "wall user sys maxrss" in $NAME.t
run() {
	rname=$1
	shift
	"$btime" "$@" 2>"$rname.time" >"$rname.out" || {
		echo "bench: $rname failed:" >&2
		cat "$rname.time" "$rname.out" >&2
		exit 1
	}
	tail -n 1 "$rname.time" | sed 's/[a-z_]*=//g' >"$rname.t"
}
field() { cut -d' ' -f"$2" "$1.t"; }
mb() { echo "$1" | awk '{ printf "%.1f", $1 / 1048576 }'; }
rate() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? b / 1048576 / s : 0) }'; }
lrate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
size_of() { wc -c <"$1" | tr -d ' '; }

gen_file() { # gen_file NAME ARGS...: generate once, reuse afterwards
	gname=$1
	shift
	if [ ! -s "$gname" ]; then
		"$gen" "$@" >"$gname.tmp"
		mv "$gname.tmp" "$gname"
	fi
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "flowpol: $flowpol ${threads:-}"
echo

ingest_row() { # ingest_row LABEL FILE RAW_BYTES LINES
	rm -f "$1.db" "$1.db-wal" "$1.db-shm"
	# shellcheck disable=SC2086
	run "$1" "$flowpol" ingest -q $threads -d "$1.db" "$2"
	wall=$(field "$1" 1)
	row=$(printf '%-22s %8s MB  %7.2f s  %8s MB/s  %9s lines/s  %7s MB RSS  db %7s MB (1/%s)' \
		"$1" "$(mb "$3")" "$wall" "$(rate "$3" "$wall")" "$(lrate "$4" "$wall")" \
		"$(awk -v k="$(field "$1" 4)" 'BEGIN { printf "%.1f", k / 1024 }')" \
		"$(mb "$(size_of "$1.db")")" "$(awk -v a="$3" -v b="$(size_of "$1.db")" 'BEGIN { printf "%.0f", a / b }')")
	echo "$row"
}

# ---- ingest: small input, plain and gzip, against jq and zcat ----
gen_file "$sfile" --bytes "$small"
[ -s "$sfile.gz" ] || gzip -c "$sfile" >"$sfile.gz"
bytes=$(size_of "$sfile")
lines=$(wc -l <"$sfile" | tr -d ' ')
echo "ingest (input: $(mb "$bytes") MB, $lines lines of $((bytes / lines)) bytes on average)"
ingest_row "plain-small" "$sfile" "$bytes" "$lines"
plain_wall=$wall
small_row=$row
ingest_row "gzip-small" "$sfile.gz" "$bytes" "$lines"
gz_wall=$wall
run zcat sh -c "zcat '$sfile.gz' >/dev/null"
zcat_wall=$(field zcat 1)
printf '%-22s %8s MB  %7.2f s  %8s MB/s\n' "zcat >/dev/null" "$(mb "$bytes")" "$zcat_wall" \
	"$(rate "$bytes" "$zcat_wall")"
if [ "${BENCH_JQ:-1}" != 0 ]; then
	run jq sh -c "jq -r '$JQ_FILTER' '$sfile' | sort | uniq -c >jq.edges"
	jq_wall=$(field jq 1)
	printf '%-22s %8s MB  %7.2f s  %8s MB/s  %9s lines/s\n' "jq | sort | uniq -c" \
		"$(mb "$bytes")" "$jq_wall" "$(rate "$bytes" "$jq_wall")" "$(lrate "$lines" "$jq_wall")"
	echo "ingest vs jq pipeline:  $(ratio "$jq_wall" "$plain_wall")x faster (target: at least 20x)"
fi
echo "gzip ingest vs zcat:    $(ratio "$gz_wall" "$zcat_wall")x the time of zcat (target: at most 1.3x)"
echo

# ---- memory and database size: the large input ----
if [ "$large" != 0 ]; then
	gen_file "$lfile" --bytes "$large"
	lbytes=$(size_of "$lfile")
	llines=$(wc -l <"$lfile" | tr -d ' ')
	echo "large input ($(mb "$lbytes") MB, $llines lines): memory must not grow with the input"
	echo "$small_row"
	ingest_row "plain-large" "$lfile" "$lbytes" "$llines"
	echo "(targets: RSS at most 256 MB on both; database at most 1/20 of the input)"
	echo
fi

# ---- aggregate + generate: linear in edges ----
echo "aggregate + generate, $workloads workloads in $namespaces namespaces"
printf '%10s %10s %12s %12s %10s %14s\n' "edges" "identities" "aggregate s" "generate s" "total s" "us per edge"
for e in $edges; do
	name="edges-$e"
	gen_file "$name-w$workloads-n$namespaces.jsonl" --cover --lines "$e" --edges "$e" --workloads "$workloads" \
		--namespaces "$namespaces"
	rm -f "$name.db" "$name.db-wal" "$name.db-shm"
	rm -rf "$name.out"
	run "$name-ingest" "$flowpol" ingest -q -d "$name.db" "$name-w$workloads-n$namespaces.jsonl"
	run "$name-agg" "$flowpol" aggregate -d "$name.db"
	run "$name-gen" "$flowpol" generate -d "$name.db" -o "$name.policies"
	n_edges=$(wc -l <"$name-agg.out" | tr -d ' ')
	n_ids=$(cut -f1,2 "$name-agg.out" | tr '\t' '\n' | sort -u | wc -l | tr -d ' ')
	a=$(field "$name-agg" 1)
	g=$(field "$name-gen" 1)
	t=$(awk -v a="$a" -v g="$g" 'BEGIN { printf "%.2f", a + g }')
	printf '%10s %10s %12s %12s %10s %14s\n' "$n_edges" "$n_ids" "$a" "$g" "$t" \
		"$(awk -v t="$t" -v e="$n_edges" 'BEGIN { printf "%.1f", (e > 0 ? t * 1e6 / e : 0) }')"
done
echo "(target: under 10 s at 100,000 edges, and linear: the time per edge stays flat)"
