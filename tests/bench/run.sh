#!/bin/sh
# make bench: generate N invoices + N payments, import them, match them, run every report.
# Prints one Markdown table per phase (wall seconds, peak RSS) for docs/PERFORMANCE.md.
# Usage: sh tests/bench/run.sh [SIZES]   (default "10000 100000 1000000")
# Env: BENCH_DIR (default ./bench-data), BENCH_SEED (default 42).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PM="$ROOT/build/paymatch"
GEN="$ROOT/build/tools/pmgen"
QUAL="$ROOT/build/tools/pmquality"
DIR=${BENCH_DIR:-$ROOT/bench-data}
SEED=${BENCH_SEED:-42}
SIZES=${1:-"10000 100000 1000000"}
mkdir -p "$DIR"
export PAYMATCH_CONFIG=/dev/null   # built-in defaults, whatever the user's config says

# timed LABEL CMD...: runs CMD, records "wall_s peak_rss_mb" for LABEL.
timed() {
	label=$1; shift
	/usr/bin/time -f "%e %M" -o "$DIR/.time" "$@" >"$DIR/.out" 2>"$DIR/.err" || {
		echo "bench: '$label' failed:" >&2; cat "$DIR/.err" >&2; exit 1; }
	read -r wall rss <"$DIR/.time"
	echo "$label $wall $((rss / 1024))"
}

echo "# paymatch benchmark — $(date -u +%Y-%m-%dT%H:%MZ) — $(nproc) cores — $(uname -m)"
echo
echo "| phase | N invoices | N payments | wall s | peak RSS MB | rows/s |"
echo "|---|---|---|---|---|---|"
for n in $SIZES; do
	d="$DIR/n$n"
	mkdir -p "$d"
	[ -s "$d/invoices.csv" ] || "$GEN" --seed "$SEED" --invoices "$n" --out "$d" >/dev/null
	ni=$(($(wc -l <"$d/invoices.csv") - 1))
	np=$(($(wc -l <"$d/payments.csv") - 1))
	rm -f "$d/ws.db" "$d/ws.db-wal" "$d/ws.db-shm"
	set -- $(timed import sh -c "'$PM' -q --db '$d/ws.db' import invoices '$d/invoices.csv' && '$PM' -q --db '$d/ws.db' import payments '$d/payments.csv'")
	echo "| import both files + indexes | $ni | $np | $2 | $3 | $(awk "BEGIN{printf \"%.0f\", ($ni+$np)/$2}") |"
	cp "$d/ws.db" "$d/imported.db"
	for w in 1 2; do
		cp "$d/imported.db" "$d/ws.db"; rm -f "$d/ws.db-wal" "$d/ws.db-shm"
		sync   # else the match's first fsync also flushes the copy (0.2 s at 1M)
		set -- $(timed match "$PM" -q --db "$d/ws.db" match --workers "$w")
		echo "| match, $w worker(s) | $ni | $np | $2 | $3 | $(awk "BEGIN{printf \"%.0f\", ($ni+$np)/$2}") |"
	done
	if [ -x "$QUAL" ]; then
		"$QUAL" --db "$d/ws.db" --truth "$d/truth.csv" >"$d/quality.txt" 2>&1 || true
	fi
done
echo
last=$(echo $SIZES | awk '{print $NF}')
d="$DIR/n$last"
echo "| report (N=$last) | format | wall s | peak RSS MB |"
echo "|---|---|---|---|"
for kind in summary aging exceptions matches customers import-errors; do
	for fmt in text csv json; do
		set -- $(timed report "$PM" --db "$d/ws.db" report "$kind" --format "$fmt" -o "$d/report.$kind.$fmt")
		echo "| $kind | $fmt | $2 | $3 |"
	done
done
if [ -f "$d/quality.txt" ]; then
	echo
	echo "Matching quality at N=$last (pmquality):"
	echo
	echo '```'
	cat "$d/quality.txt"
	echo '```'
fi
