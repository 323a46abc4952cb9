#!/bin/sh
# readme-ci.sh SRCDIR - the README's test command is exactly what .ci/run runs.
set -eu
cmd=$(grep '^\$(command -v sudo)' "$1/.ci/run")
if ! grep -qxF -- "$cmd" "$1/README.md"; then
	echo "README.md does not contain the command .ci/run runs:" >&2
	echo "$cmd" >&2
	exit 1
fi
echo "README and .ci/run agree"
