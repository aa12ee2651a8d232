#!/bin/sh
# paymatch import: native files, bad rows and rejected_rows, profiles, encodings, refusals.
. "$ROOT/tests/lib/tap.sh"
F="$ROOT/tests/fixtures/import"
DB="$T/ws.db"

# The fixtures must stay byte-exact (CRLF, BOM, Latin-1): .gitattributes says *.csv -text.
check_eq "BOM+CRLF fixture is byte-exact" "357 273 277   I" \
	"$(od -c "$F/invoices_bom_crlf_semicolon.csv" | sed -n '1s/^0000000 *\(.\{15\}\).*/\1/p')"
check_eq "BOM+CRLF fixture keeps its CR bytes" "5" \
	"$(tr -cd '\r' <"$F/invoices_bom_crlf_semicolon.csv" | wc -c | tr -d ' ')"

out=$("$PAYMATCH" --db "$DB" import invoices "$F/invoices.csv" 2>"$T/err")
rc=$?
err=$(cat "$T/err")
check_eq "import with bad rows exits 0" 0 "$rc"
check_contains "summary line counts rows" \
	"invoices.csv: 7 rows: 4 inserted, 0 updated, 0 unchanged, 3 rejected, 0 conflicted" "$out"
check_contains "bad amount reported as FILE:LINE: column: reason" \
	"invoices.csv:5: column amount: not a number: \"12.3x\"" "$err"
check_contains "impossible date reported" \
	"invoices.csv:6: column invoice_date: 2026-02-30 does not exist" "$err"
check_contains "duplicate id reported with the first line" \
	"invoices.csv:8: column invoice_id: duplicate invoice_id in this file (first on line 3)" "$err"
check_eq "good rows are in invoices" 4 "$(sql "$DB" "SELECT count(*) FROM invoices")"
check_eq "amounts are minor units" "123450|USD" \
	"$(sql "$DB" "SELECT amount || '|' || currency FROM invoices WHERE invoice_id = 'INV-002'")"
check_eq "empty due date is the invoice date" "2026-01-07" \
	"$(sql "$DB" "SELECT due_date FROM invoices WHERE invoice_id = 'INV-003'")"
check_eq "credit note kept negative" "-4000" \
	"$(sql "$DB" "SELECT amount FROM invoices WHERE invoice_id = 'INV-006'")"
check_eq "customers filled from invoices (not from rejected rows)" "3" "$(sql "$DB" "SELECT count(*) FROM customers")"
check_eq "rejected_rows holds file, line, column, reason, raw" \
	"5|amount|not a number: \"12.3x\"|INV-004,C003,Gamma Ltd,2026-01-08,2026-02-07,12.3x,EUR," \
	"$(sql "$DB" "SELECT line || '|' || column_name || '|' || reason || '|' || raw FROM rejected_rows ORDER BY line LIMIT 1")"
check_eq "rejected_rows names the file" "$F/invoices.csv" \
	"$(sql "$DB" "SELECT DISTINCT file FROM rejected_rows")"
check_eq "imported_files counts" "7|4|3|64" \
	"$(sql "$DB" "SELECT rows_read || '|' || rows_inserted || '|' || rows_rejected || '|' || length(sha256) FROM imported_files")"
check_eq "secondary indexes rebuilt after the bulk load" 2 \
	"$(sql "$DB" "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('invoices_customer_amount', 'invoices_due_date')")"

out=$("$PAYMATCH" --db "$DB" import payments "$F/payments.csv" 2>"$T/err")
check_contains "negative payment rejected" \
	"payments.csv:4: column amount: a payment must be positive (got -5.00)" "$(cat "$T/err")"
check_eq "payments with quoted comma in memo" "paid INV-002, thanks" \
	"$(sql "$DB" "SELECT memo FROM payments WHERE payment_id = 'PAY-002'")"

out=$("$PAYMATCH" --db "$DB" --config "$F/profiles.yaml" import invoices --profile semicolon_comma \
	"$F/invoices_bom_crlf_semicolon.csv" 2>&1)
check_contains "BOM, CRLF, quoted newline, blank line, decimal comma" "2 rows: 2 inserted" "$out"
check_eq "aliased header, quoted CRLF kept inside the field" "$(printf 'Multi\r\nLine Ltd|1000')" \
	"$(sql "$DB" "SELECT customer_name || '|' || amount FROM invoices WHERE invoice_id = 'INV-101'")"
check_eq "line numbers count the quoted line break and the blank line" 5 \
	"$(sql "$DB" "SELECT line FROM invoices WHERE invoice_id = 'INV-102'")"

out=$("$PAYMATCH" --db "$DB" --config "$F/profiles.yaml" import payments --profile bank_de \
	"$F/bank_de_latin1.csv" 2>&1)
check_contains "bank profile: debit row skipped, not rejected" \
	"3 rows: 2 inserted, 0 updated, 0 unchanged, 0 rejected, 0 conflicted, 1 debits skipped" "$out"
check_eq "Latin-1 transcoded, decimal comma, DD.MM.YYYY, default currency" \
	"$(printf 'M\303\274ller GmbH|120000|2026-03-02|EUR')" \
	"$(sql "$DB" "SELECT payer_name || '|' || amount || '|' || payment_date || '|' || currency FROM payments WHERE payment_id = 'B-1'")"

out=$("$PAYMATCH" --db "$DB" import payments "$F/bank_de_latin1.csv" 2>&1)
check_contains "without a profile the bank file is refused naming the found columns" \
	"found columns: \"Kontoauszug Girokonto\"" "$out"

before=$(sql "$DB" "SELECT count(*) FROM imported_files")
out=$("$PAYMATCH" --db "$DB" import invoices "$F/invoices_utf16le.csv" 2>&1)
check_eq "UTF-16 refused with exit 65" 65 "$?"
check_contains "UTF-16 message names the encoding" "encoded as UTF-16LE" "$out"
out=$("$PAYMATCH" --db "$DB" import payments "$F/letter.txt" 2>&1)
check_eq "a letter is refused with exit 65" 65 "$?"
check_contains "refusal lists missing and found columns" \
	"missing required columns payment_id, payment_date, amount, currency; found columns: \"This is a letter\"" "$out"
out=$("$PAYMATCH" --db "$DB" import invoices "$T/nope.csv" 2>&1)
check_eq "missing file exits 66" 66 "$?"
out=$("$PAYMATCH" --db "$DB" import invoices --profile nope "$F/invoices.csv" 2>&1)
check_eq "unknown profile exits 78" 78 "$?"
check_eq "refused files leave no trace" "$before" "$(sql "$DB" "SELECT count(*) FROM imported_files")"

out=$("$PAYMATCH" --db "$DB" import receipts "$F/invoices.csv" 2>&1)
check_eq "unknown kind is a usage error" 2 "$?"

cp "$F/invoices_v2.csv" "$T/dry.csv"
out=$("$PAYMATCH" --db "$DB" import --dry-run invoices "$T/dry.csv" 2>&1)
check_contains "dry run reports" "(dry run, nothing kept)" "$out"
check_eq "dry run keeps nothing" 0 "$(sql "$DB" "SELECT count(*) FROM invoices WHERE invoice_id = 'INV-007'")"

out=$("$PAYMATCH" --db "$DB" --quiet import invoices "$T/dry.csv" 2>&1)
check_eq "--quiet prints no summary" "" "$(printf '%s' "$out" | grep 'rows:')"
{ head -1 "$F/invoices.csv"; i=0; while [ $i -lt 25 ]; do echo "X-$i,C1,N,2026-01-01,,oops,EUR,"; i=$((i + 1)); done; } >"$T/many.csv"
"$PAYMATCH" --db "$DB" import invoices "$T/many.csv" >/dev/null 2>"$T/err"
check_eq "the first 20 bad rows are printed" 20 "$(grep -c 'column amount: not a number' "$T/err")"
check_contains "then a count of the rest" "... and 5 more problem rows" "$(cat "$T/err")"
check_eq "all 25 are stored" 25 \
	"$(sql "$DB" "SELECT count(*) FROM rejected_rows WHERE file = '$T/many.csv'")"
echo "1..$TAP_N"
