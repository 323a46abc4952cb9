#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# golden.sh FLOWPOL CASE_DIR - run one golden CLI case and compare exactly.
#
# A case is a folder under testdata/golden/ holding:
#   cmd              shell commands, run with sh in a scratch copy of the case
#                    folder; $FLOWPOL is the executable, $TESTDATA the
#                    testdata folder
#   expected.stdout  expected standard output
#   expected.stderr  expected standard error
#   expected.exit    expected exit status of the last command
#   expected/        (optional) expected files: compared with out/ recursively
# FP_UPDATE_GOLDEN=1 rewrites the expected files instead of comparing; read
# the diff before committing it.
set -u
flowpol=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
case_dir=$(cd "$2" && pwd)
testdata=$(cd "$case_dir/../.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/flowpol-golden.XXXXXX")
vg=$scratch.valgrind # beside the case, not in it: cases list their files
trap 'rm -rf "$scratch" "$vg"' EXIT

cp -R "$case_dir/." "$scratch/"
rm -rf "$scratch/expected" "$scratch/expected.stdout" "$scratch/expected.stderr" \
	"$scratch/expected.exit"
cd "$scratch" || exit 99
# meson test --setup valgrind sets FP_VALGRIND: every flowpol the case runs
# goes through it, its reports land in files beside the case, and any
# report fails the case (the exit status alone would hide a leak in a
# command that was expected to fail).
run=$flowpol
if [ -n "${FP_VALGRIND:-}" ]; then
	mkdir -p "$vg"
	chmod 1777 "$vg" # cases run some commands as another user
	printf '#!/bin/sh\nexec %s --log-file=%s/%%p.log "%s" "$@"\n' \
		"$FP_VALGRIND" "$vg" "$flowpol" >"$vg/flowpol"
	chmod 755 "$vg/flowpol"
	run=$vg/flowpol
fi
FLOWPOL=$run TESTDATA=$testdata LC_ALL=C sh ./cmd >actual.stdout 2>actual.stderr
echo $? >actual.exit
if [ -n "${FP_VALGRIND:-}" ]; then
	for log in "$vg"/*.log; do
		if [ -s "$log" ]; then
			echo "golden: $(basename "$case_dir"): valgrind reported:" >&2
			cat "$log" >&2
			exit 1
		fi
	done
fi

if [ "${FP_UPDATE_GOLDEN:-}" = 1 ]; then
	cp actual.stdout "$case_dir/expected.stdout"
	cp actual.stderr "$case_dir/expected.stderr"
	cp actual.exit "$case_dir/expected.exit"
	if [ -d out ]; then
		rm -rf "$case_dir/expected"
		cp -R out "$case_dir/expected"
	fi
	exit 0
fi

status=0
for f in stdout stderr exit; do
	if ! diff -u "$case_dir/expected.$f" "actual.$f"; then
		echo "golden: $(basename "$case_dir"): $f differs" >&2
		status=1
	fi
done
if [ -d "$case_dir/expected" ] && ! diff -ru "$case_dir/expected" out; then
	echo "golden: $(basename "$case_dir"): output files differ" >&2
	status=1
fi
exit $status
