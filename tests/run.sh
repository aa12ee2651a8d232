#!/bin/sh
# Runs every test: cmocka unit binaries, end-to-end CLI scripts, real-terminal (tmux) scripts.
# Every test speaks TAP ("ok N - name" / "not ok N - name"); this script counts the lines and
# ends with one summary line: "N passed, N failed". Exit status 1 when anything failed.
# Usage: BUILD=build PAYMATCH=/abs/path/paymatch sh tests/run.sh [FILTER]
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PAYMATCH=${PAYMATCH:-$ROOT/$BUILD/paymatch}
export PAYMATCH ROOT BUILD
export PMGEN="$ROOT/$BUILD/tools/pmgen"
export PMQUALITY="$ROOT/$BUILD/tools/pmquality"
filter=${1:-}
passed=0
failed=0
failures=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() {
	name=$1
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		# A crash or a bad exit without a "not ok" line is a failure too.
		failed=$((failed + 1))
		echo "not ok - $name exited with status $2"
	fi
	if [ "$f" -gt 0 ] || [ "$2" -ne 0 ]; then
		failures="$failures $name"
	fi
}

run_one() {
	name=$1
	shift
	case "$name" in *"$filter"*) ;; *) return ;; esac
	echo "# $name"
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	count "$name" "$rc"
}

for t in "$ROOT/$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	CMOCKA_MESSAGE_OUTPUT=tap run_one "unit/$(basename "$t")" "$t"
done
for t in "$ROOT"/tests/e2e/*.sh "$ROOT"/tests/tui/*.sh; do
	[ -f "$t" ] || continue
	run_one "$(basename "$(dirname "$t")")/$(basename "$t")" sh "$t"
done
[ -n "$failures" ] && echo "# failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
