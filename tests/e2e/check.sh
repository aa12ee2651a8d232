#!/bin/sh
# paymatch check: clean working set -> 0; each broken invariant -> 65 with a finding.
. "$ROOT/tests/lib/tap.sh"
. "$ROOT/tests/e2e/report_ws.inc"
export LC_ALL=C.UTF-8 PAYMATCH_CONFIG=/dev/null
DB="$T/ws.db"
make_ws "$DB"
pm() { "$PAYMATCH" --db "$DB" "$@"; }

pm check >"$T/out" 2>"$T/err"
check_eq "clean working set: exit 0" "0" "$?"
check_eq "clean working set: no findings" "" "$(cat "$T/out")"
"$PAYMATCH" --db "$T/none.db" check 2>/dev/null
check_eq "missing working set: exit 66" "66" "$?"
pm check extra 2>/dev/null
check_eq "stray argument: exit 2" "2" "$?"

broken() {   # broken NAME SQL EXPECTED-FINDING
	cp "$DB" "$T/b.db"
	sqlite3 "$T/b.db" "$2"
	"$PAYMATCH" --db "$T/b.db" check >"$T/out" 2>"$T/err"
	check_eq "$1: exit 65" "65" "$?"
	check_contains "$1: finding" "$3" "$(cat "$T/out")"
}
broken "invoice over-applied" \
	"INSERT INTO allocations(payment_row,invoice_row,amount_applied,currency,confidence,rule,explanation,status,created_at) VALUES(4,1,25000,'EUR',1,'manual','x','manual','2026-03-30')" \
	"invoice over-applied: I1"
broken "payment over-applied" \
	"UPDATE allocations SET amount_applied = 70000 WHERE id = 2" \
	"payment over-applied: P2"
broken "currency mismatch" \
	"UPDATE allocations SET currency = 'USD' WHERE id = 1" \
	"allocation currency differs from its invoice: allocation 1 (USD) on invoice I2 (EUR)"
broken "applied allocation for a rejected pair" \
	"UPDATE allocations SET status = 'confirmed' WHERE id = 1; INSERT INTO allocations(payment_row,invoice_row,amount_applied,currency,confidence,rule,explanation,status,created_at) VALUES(1,2,0,'EUR',0,'name','x','rejected','2026-03-30')" \
	"applied allocation for a rejected pair"
