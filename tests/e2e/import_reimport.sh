#!/bin/sh
# paymatch import again: --strict refusal, unchanged files skipped, changed files updated by
# id, rows a reviewer decided on reported as conflicts and left alone.
. "$ROOT/tests/lib/tap.sh"
F="$ROOT/tests/fixtures/import"
DB="$T/ws.db"
TABLES="invoices payments customers imported_files rejected_rows exceptions"

snapshot() {   # the data of every table the import touches
	for t in $TABLES; do sqlite3 -batch "$DB" ".dump $t"; done | sha256sum
}

cp "$F/payments.csv" "$T/pay.csv"
"$PAYMATCH" --db "$DB" import payments "$T/pay.csv" >/dev/null 2>&1
before=$(snapshot)
out=$("$PAYMATCH" --db "$DB" import invoices --strict "$F/invoices.csv" 2>&1)
check_eq "--strict with a bad row exits 65" 65 "$?"
check_contains "--strict names the first bad row" \
	"invoices.csv:5: column amount: not a number: \"12.3x\" (--strict:" "$out"
check_eq "--strict refusal leaves the working set unchanged" "$before" "$(snapshot)"
check_eq "--strict stored no rows" 0 "$(sql "$DB" "SELECT count(*) FROM invoices")"

cp "$F/invoices.csv" "$T/inv.csv"
touch -d '2026-01-01 00:00:00' "$T/inv.csv"
out=$("$PAYMATCH" --db "$DB" import invoices "$T/inv.csv" 2>/dev/null)
check_contains "first import" "7 rows: 4 inserted" "$out"
counts=$(sql "$DB" "SELECT count(*) FROM invoices; SELECT count(*) FROM rejected_rows; SELECT count(*) FROM imported_files")
before=$(snapshot)
out=$("$PAYMATCH" --db "$DB" import invoices "$T/inv.csv" 2>&1)
check_eq "unchanged file: exit 0" 0 "$?"
check_eq "unchanged file is skipped" "$T/inv.csv: unchanged, skipped" "$out"
check_eq "skipped import changes nothing" "$before" "$(snapshot)"
touch "$T/inv.csv"
cp "$T/inv.csv" "$T/copy-of-inv.csv"
out=$("$PAYMATCH" --db "$DB" import invoices "$T/inv.csv" "$T/copy-of-inv.csv" 2>&1)
check_contains "touched file with the same content is skipped" "$T/inv.csv: unchanged, skipped" "$out"
check_contains "a copy with the same content is skipped" "copy-of-inv.csv: unchanged, skipped" "$out"
check_eq "counts unchanged after re-imports" "$counts" \
	"$(sql "$DB" "SELECT count(*) FROM invoices; SELECT count(*) FROM rejected_rows; SELECT count(*) FROM imported_files")"
out=$("$PAYMATCH" --db "$DB" import invoices --force "$T/inv.csv" 2>/dev/null)
check_contains "--force reads it again: all unchanged" "0 inserted, 0 updated, 4 unchanged, 3 rejected" "$out"

# A reviewer confirms INV-002; the next export changes INV-002 and adds INV-007.
sqlite3 "$DB" "INSERT INTO allocations(payment_row, invoice_row, amount_applied, currency,
	confidence, rule, explanation, status, created_at)
	SELECT p.id, i.id, 123450, 'USD', 1.0, 'manual', 'test', 'confirmed', '2026-02-03T00:00:00Z'
	FROM payments p, invoices i WHERE p.payment_id = 'PAY-002' AND i.invoice_id = 'INV-002'"
cp "$F/invoices_v2.csv" "$T/inv.csv"
out=$("$PAYMATCH" --db "$DB" import invoices "$T/inv.csv" 2>"$T/err")
check_eq "changed file: exit 0" 0 "$?"
check_contains "changed file counts" "5 rows: 1 inserted, 0 updated, 3 unchanged, 0 rejected, 1 conflicted" "$out"
check_contains "the conflict is reported with the change" \
	"inv.csv:3: invoice INV-002 changed (amount 1234.50 -> 1300.00) but a reviewer decided on it; not updated" \
	"$(cat "$T/err")"
check_eq "the decided invoice keeps its amount" 123450 \
	"$(sql "$DB" "SELECT amount FROM invoices WHERE invoice_id = 'INV-002'")"
check_eq "an open import_conflict exception is recorded" 1 \
	"$(sql "$DB" "SELECT count(*) FROM exceptions e JOIN invoices i ON i.id = e.invoice_row WHERE e.kind = 'import_conflict' AND e.status = 'open' AND i.invoice_id = 'INV-002' AND e.detail LIKE '%1234.50 -> 1300.00%'")"
check_eq "the new invoice is added" 1 "$(sql "$DB" "SELECT count(*) FROM invoices WHERE invoice_id = 'INV-007'")"

# An undecided invoice that changes is updated.
sed 's/2026-01-07,,99.90/2026-01-07,2026-03-09,99.90/' "$F/invoices_v2.csv" >"$T/inv.csv"
out=$("$PAYMATCH" --db "$DB" import invoices "$T/inv.csv" 2>/dev/null)
check_contains "an undecided change is updated" "0 inserted, 1 updated, 3 unchanged, 0 rejected, 1 conflicted" "$out"
check_eq "the updated due date" "2026-03-09" \
	"$(sql "$DB" "SELECT due_date FROM invoices WHERE invoice_id = 'INV-003'")"
check_eq "the working set is sound" ok "$(sql "$DB" "PRAGMA integrity_check")"
echo "1..$TAP_N"
