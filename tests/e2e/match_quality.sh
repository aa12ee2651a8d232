#!/bin/sh
# Matching quality on generated data: 20k invoices from pmgen (two seeds of the default mix,
# and a third seed in one ERP style with three times the noise), imported and matched, must
# reach F1 >= 0.995 and auto precision >= 0.995 (pmquality checks them). Issue 5's floor is
# F1 0.98; the engine measures 0.999 on these three (docs/PERFORMANCE.md), so the test
# asserts 0.995 to catch a regression long before the floor.
. "$ROOT/tests/lib/tap.sh"
MIN_F1=${MIN_F1:-0.995}

if [ ! -x "${PMGEN:-}" ] || [ ! -x "${PMQUALITY:-}" ]; then
	echo "ok 1 - # SKIP pmgen/pmquality not built"
	echo "1..1"
	exit 0
fi
for run in "11" "2027" "313 --style erp-e --noise 3"; do
	set -- $run
	seed=$1
	shift
	dir=$T/gen$seed
	db=$T/q$seed.db
	if ! "$PMGEN" --seed "$seed" --invoices 20000 "$@" --out "$dir" >"$T/gen.log" 2>&1; then
		not_ok "pmgen seed $seed" "$(cat "$T/gen.log")"
		continue
	fi
	"$PAYMATCH" --db "$db" import invoices "$dir/invoices.csv" >/dev/null 2>&1 &&
		"$PAYMATCH" --db "$db" import payments "$dir/payments.csv" >/dev/null 2>&1
	check_eq "import seed $seed" 0 $?
	out=$("$PAYMATCH" --db "$db" match --workers 2 2>&1)
	check_eq "match seed $seed exits 0" 0 $?
	if q=$("$PMQUALITY" --db "$db" --truth "$dir/truth.csv" --min-f1 "$MIN_F1" \
	       --min-auto-precision 0.995 2>&1); then
		ok "quality floors hold for seed $seed"
	else
		not_ok "quality floors hold for seed $seed" "$q
$out"
	fi
	printf '%s\n' "$q" | sed 's/^/# /'
done
echo "1..$TAP_N"
