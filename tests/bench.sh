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
#     workloads in 200 namespaces;
#   - which targets of the issue are met.
# Sizes come from the environment (suffixes K, M, G):
#   BENCH_DIR        where data and databases go (default: ./bench-data under
#                    the build directory); generated files are kept and reused
#   BENCH_SMALL      small input (default 200M): throughput, jq and gzip
#   BENCH_LARGE      large input (default 2G; 0 skips it): RSS and size
#   BENCH_EDGES      edge counts of the scaling table (default "1000 10000 100000")
#   BENCH_WORKLOADS  workloads of the scaling table (default 5000)
#   BENCH_NAMESPACES namespaces of the scaling table (default 200)
#   BENCH_THREADS    flowpol ingest --threads (default: flowpol's own choice)
#   BENCH_JQ=0       skip the jq pipeline (it is the slowest part)
#   BENCH_RUNS       runs of each timed command, the fastest kept (default 3)
# The default run takes about two minutes on two cores (more the first time:
# it generates the 2 GB file), most of it running jq three times.
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

# The jq a user writes instead: the fields of an edge (namespace and
# workload of both ends, protocol, port, verdict), replies left out.
JQ_FILTER='select(.flow != null and .flow.is_reply != true) | .flow
  | [.source.namespace, (.source.workloads[0].name // .source.pod_name),
     .destination.namespace, (.destination.workloads[0].name // .destination.pod_name),
     (.l4 // {} | keys[0]), (.l4 // {} | .[] | .destination_port), .verdict] | @tsv'

# run NAME COMMAND...: time a command; "wall user sys maxrss status" in
# NAME.t.  It runs BENCH_RUNS times (default 3) and keeps the fastest: other
# processes on the machine only ever make a run slower.  The peak RSS kept
# is the largest seen.
runs=${BENCH_RUNS:-3}
run() {
	rname=$1
	shift
	rm -f "$rname.t"
	i=0
	while [ "$i" -lt "$runs" ]; do
		i=$((i + 1))
		"$btime" "$@" 2>"$rname.time" >"$rname.out" || {
			echo "bench: $rname failed:" >&2
			cat "$rname.time" "$rname.out" >&2
			exit 1
		}
		t=$(tail -n 1 "$rname.time" | sed 's/[a-z_]*=//g')
		if [ ! -s "$rname.t" ]; then
			echo "$t" >"$rname.t"
		else
			awk -v new="$t" '{ split(new, n, " ");
				rss = $4 > n[4] ? $4 : n[4];
				if (n[1] < $1) { $0 = new }
				$4 = rss; print }' "$rname.t" >"$rname.t.tmp"
			mv "$rname.t.tmp" "$rname.t"
		fi
	done
}
field() { cut -d' ' -f"$2" "$1.t"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
rate() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? b / 1048576 / s : 0) }'; }
lrate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
size_of() { wc -c <"$1" | tr -d ' '; }
# verdict VALUE OP LIMIT: "met" or "NOT MET"
verdict() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
	ok = op == "<=" ? v <= l : v >= l; print ok ? "met" : "NOT MET" }'; }

gen_file() { # gen_file NAME ARGS...: generate once, reuse afterwards
	gname=$1
	shift
	if [ ! -s "$gname" ]; then
		"$gen" "$@" >"$gname.tmp"
		mv "$gname.tmp" "$gname"
	fi
}

# ingest_row LABEL FILE RAW_BYTES LINES [FLOWPOL OPTIONS...]: ingest into a
# fresh database named after LABEL and print one row; sets $wall, $rss_mb,
# $db_ratio and $row
ingest_row() {
	label=$1 file=$2 raw=$3 nlines=$4
	shift 4
	db=$(echo "$label" | tr -cs 'A-Za-z0-9\n' '-')
	# every run starts from an empty database
	# shellcheck disable=SC2016,SC2086
	run "$db" sh -c 'rm -f "$1" "$1-wal" "$1-shm" && shift && exec "$@"' _ "$db.db" \
		"$flowpol" ingest -q $threads "$@" -d "$db.db" "$file"
	wall=$(field "$db" 1)
	rss_mb=$(awk -v k="$(field "$db" 4)" 'BEGIN { printf "%.1f", k / 1024 }')
	db_ratio=$(awk -v a="$raw" -v b="$(size_of "$db.db")" 'BEGIN { printf "%.0f", a / b }')
	row=$(printf '%-24s %8s MB %7.2f s %8s MB/s %9s lines/s %7s MB RSS   db %6s MB = 1/%s' \
		"$label" "$(mb "$raw")" "$wall" "$(rate "$raw" "$wall")" "$(lrate "$nlines" "$wall")" \
		"$rss_mb" "$(mb "$(size_of "$db.db")")" "$db_ratio")
	echo "$row"
}

# What a database holds, without its name: equal for equal content.
content() { "$flowpol" stats -d "$1" --json | grep -v '"database"'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "flowpol: $flowpol ${threads:-}"
echo

# ---- ingest: small input, plain and gzip, against jq and zcat ----
gen_file "$sfile" --bytes "$small"
[ -s "$sfile.gz" ] || gzip -c "$sfile" >"$sfile.gz"
bytes=$(size_of "$sfile")
lines=$(wc -l <"$sfile" | tr -d ' ')
echo "ingest: $(mb "$bytes") MB, $lines lines of $((bytes / lines)) bytes on average" \
	"($(mb "$(size_of "$sfile.gz")") MB gzipped)"
ingest_row "plain" "$sfile" "$bytes" "$lines"
plain_wall=$wall
small_row=$row
small_rss=$rss_mb
small_ratio=$db_ratio
ingest_row "plain, 1 thread" "$sfile" "$bytes" "$lines" --threads 1
ingest_row "gzip" "$sfile.gz" "$bytes" "$lines"
gz_wall=$wall
run zcat sh -c "zcat '$sfile.gz' >/dev/null"
zcat_wall=$(field zcat 1)
printf '%-24s %8s MB %7.2f s %8s MB/s\n' "zcat >/dev/null" "$(mb "$bytes")" "$zcat_wall" \
	"$(rate "$bytes" "$zcat_wall")"
jq_ratio=
if [ "${BENCH_JQ:-1}" != 0 ]; then
	run jq sh -c "jq -r '$JQ_FILTER' '$sfile' | sort | uniq -c >jq.edges"
	jq_wall=$(field jq 1)
	printf '%-24s %8s MB %7.2f s %8s MB/s %9s lines/s\n' "jq | sort | uniq -c" \
		"$(mb "$bytes")" "$jq_wall" "$(rate "$bytes" "$jq_wall")" "$(lrate "$lines" "$jq_wall")"
	jq_ratio=$(ratio "$jq_wall" "$plain_wall")
fi
gz_ratio=$(ratio "$gz_wall" "$zcat_wall")
echo

# ---- memory and database size: the large input ----
large_rss=
if [ "$large" != 0 ]; then
	gen_file "$lfile" --bytes "$large"
	lbytes=$(size_of "$lfile")
	llines=$(wc -l <"$lfile" | tr -d ' ')
	echo "memory and database size ($(mb "$lbytes") MB, $llines lines; the memory" \
		"for folding flows is 128 MB by default, 16 MB in the last row)"
	echo "$small_row"
	ingest_row "large" "$lfile" "$lbytes" "$llines"
	large_rss=$rss_mb
	large_ratio=$db_ratio
	ingest_row "large, --memory 16M" "$lfile" "$lbytes" "$llines" --memory 16M
	if [ "$(content large.db)" = "$(content large-memory-16M.db)" ]; then
		echo "(the same database content with and without spilling)"
	else
		echo "bench: spilling changed the database content" >&2
		exit 1
	fi
	echo
fi

# ---- aggregate + generate: linear in edges ----
echo "aggregate + generate: $workloads workloads in $namespaces namespaces"
printf '%10s %11s %12s %12s %9s %12s\n' "edges" "identities" "aggregate s" "generate s" "total s" \
	"us per edge"
agg_total=
for e in $edges; do
	name="edges-$e"
	input="$name-w$workloads-n$namespaces.jsonl"
	gen_file "$input" --cover --lines "$e" --edges "$e" --workloads "$workloads" \
		--namespaces "$namespaces"
	rm -f "$name.db" "$name.db-wal" "$name.db-shm"
	rm -rf "$name.policies"
	"$flowpol" ingest -q -d "$name.db" "$input"
	run "$name-agg" "$flowpol" aggregate -d "$name.db"
	run "$name-gen" "$flowpol" generate -d "$name.db" -o "$name.policies"
	n_edges=$(wc -l <"$name-agg.out" | tr -d ' ')
	n_ids=$(cut -f1,2 "$name-agg.out" | tr '\t' '\n' | sort -u | wc -l | tr -d ' ')
	a=$(field "$name-agg" 1)
	g=$(field "$name-gen" 1)
	agg_total=$(awk -v a="$a" -v g="$g" 'BEGIN { printf "%.2f", a + g }')
	printf '%10s %11s %12s %12s %9s %12s\n' "$n_edges" "$n_ids" "$a" "$g" "$agg_total" \
		"$(awk -v t="$agg_total" -v e="$n_edges" 'BEGIN { printf "%.1f", (e > 0 ? t * 1e6 / e : 0) }')"
done
echo

echo "targets (issue 7):"
if [ -n "$jq_ratio" ]; then
	echo "  ingest at least 20x the jq pipeline:   ${jq_ratio}x  $(verdict "$jq_ratio" ">=" 20)"
fi
echo "  gzip at most 1.3x zcat's time:        ${gz_ratio}x  $(verdict "$gz_ratio" "<=" 1.3)"
echo "  peak RSS at most 256 MB (small):      ${small_rss} MB  $(verdict "$small_rss" "<=" 256)"
if [ -n "$large_rss" ]; then
	echo "  peak RSS at most 256 MB (large):      ${large_rss} MB  $(verdict "$large_rss" "<=" 256)"
	echo "  database at most 1/20 of the input:   1/${small_ratio}, 1/${large_ratio}  $(verdict "$large_ratio" ">=" 20)"
fi
echo "  aggregate + generate of the last row: ${agg_total} s  $(verdict "$agg_total" "<=" 10)"
