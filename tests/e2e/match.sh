#!/bin/sh
# paymatch match on a small hand-written working set: rules, exceptions, determinism across
# worker counts, dry run, re-run keeping decisions.
. "$ROOT/tests/lib/tap.sh"
DB=$T/m.db

"$PAYMATCH" --db "$DB" match --dry-run >/dev/null 2>&1
check_eq "match on an empty working set exits 0" 0 $?
sqlite3 "$DB" <<'SQL'
INSERT INTO invoices(id,invoice_id,customer_id,customer_name,invoice_date,due_date,amount,currency,reference_number) VALUES
(1,'INV-2026-000123','C1','Acme Industrial Supply LLC','2026-01-05','2026-02-04',120000,'USD','INV-2026-000123'),
(2,'INV-2026-000124','C1','Acme Industrial Supply LLC','2026-01-10','2026-02-09',50000,'USD','INV-2026-000124'),
(3,'INV-2026-000125','C2','Müller GmbH','2026-01-11','2026-02-10',77000,'EUR','INV-2026-000125'),
(4,'INV-2026-000126','C3','Bravo Co','2026-01-12','2026-02-11',33000,'USD','INV-2026-000126'),
(5,'INV-2026-000127','C3','Bravo Co','2026-01-13','2026-02-12',44000,'USD','INV-2026-000127'),
(6,'INV-2026-000128','C4','Delta Partners','2026-01-14','2026-02-13',100000,'USD','INV-2026-000128'),
(7,'INV-2026-000129','C4','Delta Partners','2026-01-15','2026-02-14',100000,'USD','INV-2026-000129'),
(8,'INV-2026-000130','C5','Echo Labs','2026-01-15','2026-02-14',250000,'USD','INV-2026-000130');
INSERT INTO payments(id,payment_id,payment_date,amount,currency,payer_name,customer_id,reference_number,memo) VALUES
(1,'P1','2026-01-20',120000,'USD','ACME INDUSTRIAL','','INV-2026-000123',''),
(2,'P2','2026-01-21',50000,'USD','ACME','','','PAYMENT INV 2026 000124 THANK YOU'),
(3,'P3','2026-01-22',76800,'EUR','MUELLER','','2026000125',''),
(4,'P4','2026-01-23',77000,'EUR','BRAVO','C3','',''),
(5,'P5','2026-01-24',100000,'USD','','C4','',''),
(6,'P6','2026-01-25',125000,'USD','ECHO LABS INC','','INV-2026-000130',''),
(7,'P7','2026-01-26',125000,'USD','ECHO LABS INC','','INV-2026-000130',''),
(8,'P8','2026-01-26',77000,'USD','','C3','','');
SQL

out=$("$PAYMATCH" --db "$DB" match --dry-run 2>&1)
check_eq "dry run writes nothing" 0 "$(sql "$DB" 'SELECT COUNT(*) FROM allocations')"
check_contains "summary names the match rate" "matched 5 of 8 payments" "$out"

dump() {
	sql "$DB" "SELECT payment_row, invoice_row, amount_applied, deduction, printf('%.6f', confidence),
	  rule, status, explanation, IFNULL(match_group,0) FROM allocations ORDER BY id;
	  SELECT kind, payment_row, invoice_row, amount, detail FROM exceptions ORDER BY id"
}
out=$("$PAYMATCH" --db "$DB" match --workers 1 2>&1)
check_eq "match exits 0" 0 $?
check_contains "summary lists rules" "exact_ref 1" "$out"
check_contains "summary lists exceptions" "duplicate 1" "$out"
check_contains "summary lists stage times" "writing" "$out"
one=$(dump)
"$PAYMATCH" --db "$DB" match --workers 4 >/dev/null 2>&1
four=$(dump)
check_eq "1 and 4 workers give identical results" "$one" "$four"

check_eq "exact reference is auto" "exact_ref|auto|ref exact, amount exact, name 0.97 \"ACME INDUSTRIAL\", customer has 1 open invoice of that amount, +15d" \
	"$(sql "$DB" "SELECT rule, status, explanation FROM allocations WHERE payment_row = 1" | tr '\n' ' ' | sed 's/ $//' | sed 's/|/|/g')"
check_eq "short pay within tolerance records the deduction" "short_pay|76800|200" \
	"$(sql "$DB" "SELECT rule, amount_applied, deduction FROM allocations WHERE payment_row = 3")"
check_eq "combined payment without reference is one group of two" "2|1" \
	"$(sql "$DB" "SELECT COUNT(*), COUNT(DISTINCT match_group) FROM allocations WHERE payment_row = 8 AND rule = 'multi_sum'")"
check_eq "repeated round amount is ambiguous, not matched" "ambiguous|0" \
	"$(sql "$DB" "SELECT kind, (SELECT COUNT(*) FROM allocations WHERE payment_row = 5) FROM exceptions WHERE payment_row = 5")"
check_eq "second identical payment is a duplicate" "duplicate" \
	"$(sql "$DB" "SELECT kind FROM exceptions WHERE payment_row = 7")"
check_eq "payment in another currency is not matched" "0" \
	"$(sql "$DB" "SELECT COUNT(*) FROM allocations WHERE payment_row = 4")"
check_eq "the run is recorded with a summary" "match|1" \
	"$(sql "$DB" "SELECT kind, summary LIKE '{\"payments\":8%' FROM runs ORDER BY id DESC LIMIT 1")"

# Re-run: a confirmed decision survives, a rejected pair is never proposed again.
sql "$DB" "UPDATE allocations SET status = 'confirmed' WHERE payment_row = 2;
           UPDATE allocations SET status = 'rejected' WHERE payment_row = 1"
"$PAYMATCH" --db "$DB" match >/dev/null 2>&1
check_eq "confirmed allocation survives a re-run" "confirmed" \
	"$(sql "$DB" "SELECT status FROM allocations WHERE payment_row = 2")"
check_eq "rejected pair is not proposed again" "rejected" \
	"$(sql "$DB" "SELECT group_concat(status) FROM allocations WHERE payment_row = 1 AND invoice_row = 1")"
check_eq "import_conflict exceptions are kept" 0 \
	"$(sql "$DB" "SELECT COUNT(*) FROM exceptions WHERE kind NOT IN ('unmatched_payment','suggested','short_pay','over_pay','duplicate','currency_mismatch','ambiguous')")"

"$PAYMATCH" --db "$DB" match --workers 0 >/dev/null 2>&1
check_eq "--workers 0 is a usage error" 2 $?
echo "1..$TAP_N"
