#!/bin/sh
# pmgen (test data generator) and pmquality (matching-quality scorer): determinism, formats,
# every situation in the truth, truth arithmetic, aging buckets, the samples, and precision /
# recall worked out by hand on a tiny working set.
. "$ROOT/tests/lib/tap.sh"
PMGEN=${PMGEN:-$ROOT/build/tools/pmgen}
PMQUALITY=${PMQUALITY:-$ROOT/build/tools/pmquality}
export PAYMATCH_CONFIG=/dev/null   # built-in defaults, whatever the user's config says
SITUATIONS="exact_ref mangled_ref memo_ref typo_ref customer_amount name_only multi_refs
multi_sum partial short_pay short_pay_big over_pay currency_mismatch duplicate unrelated"
INV_HEADER="invoice_id,customer_id,customer_name,invoice_date,due_date,amount,currency,reference_number"
PAY_HEADER="payment_id,payment_date,amount,currency,payer_name,customer_id,reference_number,memo"
TRUTH_HEADER="payment_id,invoice_id,amount_applied,situation"

# ---- determinism ----
"$PMGEN" --seed 11 --invoices 2000 --bank-rows 30 --out "$T/a" -q
"$PMGEN" --seed 11 --invoices 2000 --bank-rows 30 --out "$T/b" -q
"$PMGEN" --seed 12 --invoices 2000 --bank-rows 30 --out "$T/c" -q
same=yes
for f in invoices.csv payments.csv truth.csv bank-statement.csv bank-truth.csv; do
	cmp -s "$T/a/$f" "$T/b/$f" || same="no: $f differs"
done
check_eq "same seed writes identical bytes" yes "$same"
check "a different seed writes different invoices" sh -c "! cmp -s '$T/a/invoices.csv' '$T/c/invoices.csv'"
check "a different seed writes different payments" sh -c "! cmp -s '$T/a/payments.csv' '$T/c/payments.csv'"
names_a=$(awk -F, 'NR > 1 {print $3}' "$T/a/invoices.csv" | sort -u)
names_c=$(awk -F, 'NR > 1 {print $3}' "$T/c/invoices.csv" | sort -u)
common=$(printf '%s\n' "$names_a" | grep -cxF "$names_c")
total=$(printf '%s\n' "$names_a" | wc -l)
check "different seeds give mostly different customer names ($common of $total shared)" \
	test "$((common * 5))" -lt "$total"
refs_common=$(awk -F, 'NR > 1 {print $NF}' "$T/a/invoices.csv" | sort -u |
	grep -cxF "$(awk -F, 'NR > 1 {print $NF}' "$T/c/invoices.csv" | sort -u)")
check "different seeds give different references ($refs_common shared)" test "$refs_common" -lt 200

# ---- 5k invoices: formats and every situation ----
G="$T/g"
"$PMGEN" --seed 5 --invoices 5000 --out "$G" >"$T/summary.txt"
check_eq "invoices.csv header" "$INV_HEADER" "$(head -1 "$G/invoices.csv")"
check_eq "payments.csv header" "$PAY_HEADER" "$(head -1 "$G/payments.csv")"
check_eq "truth.csv header" "$TRUTH_HEADER" "$(head -1 "$G/truth.csv")"
check_eq "5000 invoices" 5001 "$(wc -l <"$G/invoices.csv" | tr -d ' ')"
check_contains "summary names the files" "payments.csv:" "$(cat "$T/summary.txt")"
missing=""
for s in $SITUATIONS; do
	grep -q ",$s\$" "$G/truth.csv" || missing="$missing $s"
done
check_eq "every situation occurs in the truth at 5k invoices" "" "$missing"
check_eq "no other labels in the truth" "" \
	"$(awk -F, 'NR > 1 {print $4}' "$G/truth.csv" | sort -u | grep -vxF "$(echo $SITUATIONS | tr ' ' '\n')")"
check_eq "amounts: 2 decimals, none for JPY" "" \
	"$(awk -F, 'NR > 1 { a = $(NF - 2); c = $(NF - 1)
		if (!((c == "JPY" && a ~ /^[0-9]+$/) || (c != "JPY" && a ~ /^[0-9]+\.[0-9][0-9]$/))) { print NR": "$0; exit } }' "$G/invoices.csv")"

DB="$T/ws.db"
out=$("$PAYMATCH" -q --db "$DB" import invoices --strict "$G/invoices.csv" 2>&1)
check "every invoice row imports (--strict)" test "$(sql "$DB" "SELECT count(*) FROM invoices")" = 5000
out=$("$PAYMATCH" -q --db "$DB" import payments --strict "$G/payments.csv" 2>&1)
check_eq "every payment row imports (--strict)" "$(($(wc -l <"$G/payments.csv") - 1))" \
	"$(sql "$DB" "SELECT count(*) FROM payments")"
sqlite3 "$DB" ".mode csv" ".import $G/truth.csv truth" 2>/dev/null
check_eq "every truth payment is in payments.csv" 0 \
	"$(sql "$DB" "SELECT count(*) FROM truth t LEFT JOIN payments p USING(payment_id) WHERE p.id IS NULL")"
check_eq "every truth invoice is in invoices.csv" 0 \
	"$(sql "$DB" "SELECT count(*) FROM truth t LEFT JOIN invoices i USING(invoice_id) WHERE t.invoice_id <> '' AND i.id IS NULL")"
check_eq "every payment has a truth row" 0 \
	"$(sql "$DB" "SELECT count(*) FROM payments WHERE payment_id NOT IN (SELECT payment_id FROM truth)")"
check_eq "no payment is applied beyond its amount" 0 \
	"$(sql "$DB" "SELECT count(*) FROM (SELECT p.amount, sum(CAST(round(t.amount_applied * 100) AS INTEGER)) s FROM truth t JOIN payments p USING(payment_id) WHERE p.currency <> 'JPY' GROUP BY p.id) WHERE s > amount")"
check_eq "no invoice is applied beyond its amount" 0 \
	"$(sql "$DB" "SELECT count(*) FROM (SELECT i.amount, sum(CAST(round(t.amount_applied * 100) AS INTEGER)) s FROM truth t JOIN invoices i USING(invoice_id) WHERE i.currency <> 'JPY' GROUP BY i.id) WHERE s > amount")"
check_eq "pairs never cross currencies" 0 \
	"$(sql "$DB" "SELECT count(*) FROM truth t JOIN payments p USING(payment_id) JOIN invoices i USING(invoice_id) WHERE p.currency <> i.currency")"
check_eq "no-invoice situations have an empty invoice_id" 0 \
	"$(sql "$DB" "SELECT count(*) FROM truth WHERE situation IN ('duplicate','unrelated','currency_mismatch') AND invoice_id <> ''")"
check "currency mismatches name an invoice of another currency" test "$(sql "$DB" "SELECT count(*) FROM truth t JOIN payments p USING(payment_id) JOIN invoices i ON i.reference_number = p.reference_number WHERE t.situation = 'currency_mismatch' AND i.currency <> p.currency")" -gt 0
check_eq "... and never one of their own currency" 0 \
	"$(sql "$DB" "SELECT count(*) FROM truth t JOIN payments p USING(payment_id) JOIN invoices i ON i.reference_number = p.reference_number WHERE t.situation = 'currency_mismatch' AND i.currency = p.currency")"
check_eq "multi payments cover 2 to 6 invoices" "" \
	"$(sql "$DB" "SELECT payment_id FROM truth WHERE situation IN ('multi_refs','multi_sum') GROUP BY payment_id HAVING count(*) NOT BETWEEN 2 AND 6 LIMIT 1")"
check_eq "partial invoices get 2-3 installments" "" \
	"$(sql "$DB" "SELECT invoice_id FROM truth WHERE situation = 'partial' GROUP BY invoice_id HAVING count(*) > 3 LIMIT 1")"
check_eq "short_pay stays within tolerance (5.00 or 2%)" 0 \
	"$(sql "$DB" "SELECT count(*) FROM truth t JOIN invoices i USING(invoice_id) WHERE situation = 'short_pay' AND i.amount - round(t.amount_applied * (CASE i.currency WHEN 'JPY' THEN 1 ELSE 100 END)) > max(500, i.amount * 2 / 100)")"
check_eq "short_pay_big is beyond tolerance" 0 \
	"$(sql "$DB" "SELECT count(*) FROM truth t JOIN invoices i USING(invoice_id) WHERE situation = 'short_pay_big' AND i.amount - round(t.amount_applied * (CASE i.currency WHEN 'JPY' THEN 1 ELSE 100 END)) <= max(500, i.amount * 2 / 100)")"
check "some invoices are paid before their due date" test "$(sql "$DB" "SELECT count(*) FROM truth t JOIN payments p USING(payment_id) JOIN invoices i USING(invoice_id) WHERE p.payment_date < i.due_date")" -gt 100
buckets=$(sql "$DB" "SELECT b || ':' || count(*) FROM (SELECT CASE WHEN d <= 0 THEN 'current' WHEN d <= 30 THEN '1-30' WHEN d <= 60 THEN '31-60' WHEN d <= 90 THEN '61-90' WHEN d <= 120 THEN '91-120' ELSE 'over' END AS b FROM (SELECT julianday('2026-11-30') - julianday(due_date) d FROM invoices WHERE invoice_id NOT IN (SELECT invoice_id FROM truth))) GROUP BY b ORDER BY b" | tr '\n' ' ')
for b in current 1-30 31-60 61-90 91-120 over; do
	check_contains "unpaid invoices in aging bucket $b" "$b:" "$buckets"
done

# ---- styles and knobs ----
"$PMGEN" --seed 3 --invoices 400 --style erp-b --out "$T/sb" -q
check_eq "erp-b references look like 2026/000123" "" \
	"$(awk -F, 'NR > 1 && $NF !~ /^20[0-9][0-9]\/[0-9][0-9][0-9][0-9][0-9][0-9]$/ {print $NF; exit}' "$T/sb/invoices.csv")"
"$PMGEN" --seed 3 --invoices 400 --style erp-c --out "$T/sc" -q
# ISO 11649: move "RFcc" to the end, letters as numbers (R=27, F=15), the number mod 97 is 1.
check_eq "erp-c references are valid RF creditor references" "" \
	"$(awk -F, 'NR > 1 { r = $NF; gsub(/ /, "", r); s = substr(r, 5) "2715" substr(r, 3, 2); m = 0
		for (i = 1; i <= length(s); i++) m = (m * 10 + substr(s, i, 1)) % 97
		if (r !~ /^RF[0-9]+$/ || m != 1) { print $NF; exit } }' "$T/sc/invoices.csv")"
"$PMGEN" --seed 3 --invoices 400 --style erp-e --out "$T/se" -q
check_eq "erp-e references look like SO-123456/1" "" \
	"$(awk -F, 'NR > 1 && $NF !~ /^SO-[0-9][0-9][0-9][0-9][0-9][0-9]\/[1-3]$/ {print $NF; exit}' "$T/se/invoices.csv")"
"$PMGEN" --seed 3 --invoices 400 --mix duplicate=0,unrelated=0,currency_mismatch=0 --out "$T/sm" -q
check_eq "--mix can switch situations off" 0 \
	"$(grep -c ',duplicate$\|,unrelated$\|,currency_mismatch$' "$T/sm/truth.csv")"
"$PMGEN" --seed 3 --invoices 400 --currencies JPY --out "$T/sj" -q
check_eq "one currency: no currency mismatch, JPY without decimals" "0|JPY" \
	"$(grep -c ',currency_mismatch$' "$T/sj/truth.csv")|$(awk -F, 'NR > 1 {print $(NF - 1)}' "$T/sj/invoices.csv" | sort -u | tr -d '\n')"
n_lo=$(($(wc -l <"$G/payments.csv") - 1))
"$PMGEN" --seed 5 --invoices 5000 --payments-ratio 1.2 --out "$T/sr" -q
n_hi=$(($(wc -l <"$T/sr/payments.csv") - 1))
check "--payments-ratio 1.2 writes about 6000 payments ($n_hi)" test "$n_hi" -gt 5400 -a "$n_hi" -lt 6600
check "--payments-ratio default 0.85 writes about 4250 payments ($n_lo)" test "$n_lo" -gt 3800 -a "$n_lo" -lt 4700
"$PMGEN" --seed 3 --invoices 400 --out "$T/sn" --noise 0 -q
check_eq "--noise 0: no bank tokens in memos" 0 "$(grep -c 'EREF+\|/ROC/\|TRN \|E2E-' "$T/sn/payments.csv")"
"$PMGEN" --invoices 10 --style nope --out "$T/x" 2>"$T/err"
check_eq "unknown style is a usage error (exit 2)" 2 "$?"
check_contains "the error lists the styles" "erp-d" "$(cat "$T/err")"
"$PMGEN" --invoices 10 --currencies EUR,XXX --out "$T/x" 2>/dev/null
check_eq "unknown currency is a usage error (exit 2)" 2 "$?"
"$PMGEN" --invoices 10 2>/dev/null
check_eq "--out is required (exit 2)" 2 "$?"

# ---- the checked-in samples ----
S="$ROOT/samples"
"$PMGEN" $(sed -n 's/^ *pmgen \(.*\) --out samples$/\1/p' "$S/README.md") --out "$T/s" -q
same=yes
for f in invoices.csv payments.csv truth.csv bank-statement.csv bank-truth.csv; do
	cmp -s "$S/$f" "$T/s/$f" || same="no: $f differs"
done
check_eq "samples are what the command in samples/README.md generates" yes "$same"
missing=""
for s in $SITUATIONS; do
	grep -q ",$s\$" "$S/truth.csv" || missing="$missing $s"
done
check_eq "samples/truth.csv has every situation" "" "$missing"
SD="$T/samples.db"
"$PAYMATCH" -q --db "$SD" import invoices --strict "$S/invoices.csv" >/dev/null 2>&1
"$PAYMATCH" -q --db "$SD" import payments --strict "$S/payments.csv" >/dev/null 2>&1
out=$("$PAYMATCH" --db "$SD" --config "$S/bank-profile.yaml" import payments --strict \
	--profile bank-de "$S/bank-statement.csv" 2>&1)
check_contains "the bank statement imports with its profile" "40 rows: 40 inserted" "$out"
check_eq "bank amounts in decimal comma are read as minor units" \
	"$(awk -F';' 'NR == 5 {gsub(/"/, "", $5); gsub(/\./, "", $5); sub(/,/, "", $5); print $5 + 0}' "$S/bank-statement.csv")" \
	"$(sql "$SD" "SELECT amount FROM payments WHERE payment_id = 'BK-000001'")"
sqlite3 "$SD" ".mode csv" ".import $S/truth.csv truth" ".import $S/bank-truth.csv btruth" 2>/dev/null
check_eq "bank truth pays invoices of samples/invoices.csv" 0 \
	"$(sql "$SD" "SELECT count(*) FROM btruth t LEFT JOIN invoices i USING(invoice_id) WHERE t.invoice_id <> '' AND i.id IS NULL")"
check_eq "no invoice is paid by both files" 0 \
	"$(sql "$SD" "SELECT count(*) FROM btruth b JOIN truth t USING(invoice_id) WHERE b.invoice_id <> ''")"
sbuckets=$(sql "$SD" "SELECT b || ':' || count(*) FROM (SELECT CASE WHEN d <= 0 THEN 'current' WHEN d <= 30 THEN '1-30' WHEN d <= 60 THEN '31-60' WHEN d <= 90 THEN '61-90' WHEN d <= 120 THEN '91-120' ELSE 'over' END AS b FROM (SELECT julianday('2026-11-30') - julianday(due_date) d FROM invoices WHERE invoice_id NOT IN (SELECT invoice_id FROM truth UNION SELECT invoice_id FROM btruth))) GROUP BY b ORDER BY b" | tr '\n' ' ')
for b in current 1-30 31-60 61-90 91-120 over; do
	check_contains "samples: unpaid invoices in aging bucket $b" "$b:" "$sbuckets"
done

# ---- pmquality on a hand-made working set ----
Q="$T/q"
mkdir -p "$Q"
cat >"$Q/inv.csv" <<'EOF'
invoice_id,customer_id,customer_name,invoice_date,due_date,amount,currency,reference_number
I1,C1,Acme Corp,2026-01-01,2026-01-31,100.00,EUR,I1
I2,C2,Beta GmbH,2026-01-02,2026-02-01,50.00,EUR,I2
I3,C2,Beta GmbH,2026-01-03,2026-02-02,70.00,EUR,I3
I4,C3,Gamma AB,2026-01-04,2026-02-03,30.00,EUR,I4
I5,C4,Delta SA,2026-01-05,2026-02-04,80.00,EUR,I5
I6,C5,Acme Corporation Ltd,2026-01-06,2026-02-05,30.00,EUR,I6
EOF
cat >"$Q/pay.csv" <<'EOF'
payment_id,payment_date,amount,currency,payer_name,customer_id,reference_number,memo
P1,2026-01-20,100.00,EUR,ACME CORP,,I1,
P2,2026-01-21,120.00,EUR,BETA GMBH,,I2 I3,
P3,2026-01-22,30.00,EUR,GAMMA,,,
P4,2026-01-23,100.00,EUR,ACME CORP,,I1,
P5,2026-01-24,7.50,EUR,SPARKASSE,,,INTEREST
P6,2026-01-25,40.00,EUR,DELTA SA,,I5,PARTIAL 1/2
P7,2026-01-26,30.00,EUR,ACME CORPORATION,,,
EOF
cat >"$Q/truth.csv" <<'EOF'
payment_id,invoice_id,amount_applied,situation
P1,I1,100.00,exact_ref
P2,I2,50.00,multi_refs
P2,I3,70.00,multi_refs
P3,I4,30.00,name_only
P4,,0.00,duplicate
P5,,0.00,unrelated
P6,I5,40.00,partial
EOF
QD="$Q/ws.db"
"$PAYMATCH" -q --db "$QD" import invoices "$Q/inv.csv" >/dev/null 2>&1
"$PAYMATCH" -q --db "$QD" import payments "$Q/pay.csv" >/dev/null 2>&1
# alloc P I STATUS: one allocation row (amounts do not matter to pmquality)
alloc() {
	sql "$QD" "INSERT INTO allocations(payment_row, invoice_row, amount_applied, currency,
	  confidence, rule, explanation, status, created_at)
	  VALUES((SELECT id FROM payments WHERE payment_id = '$1'),
	         (SELECT id FROM invoices WHERE invoice_id = '$2'), 0, 'EUR', 0.9, 'test', 'test',
	         '$3', '2026-02-01T00:00:00Z')"
}
alloc P1 I1 auto         # true positive (exact_ref)
alloc P1 I1 confirmed    # the same pair again: counted once
alloc P2 I2 auto         # true positive (multi_refs)
alloc P2 I3 suggested    # true positive (multi_refs)
alloc P3 I6 suggested    # the similar-named decoy: a false positive under name_only
alloc P4 I1 auto         # a duplicate matched: false positive under duplicate
alloc P5 I4 rejected     # rejected: not a prediction
alloc P6 I5 manual       # true positive (partial)
alloc P7 I6 auto         # a payment the truth does not know: false positive
sql "$QD" "INSERT INTO allocations(payment_row, invoice_row, amount_applied, deduction, currency,
  confidence, rule, explanation, status, reason_code, created_at)
  VALUES(NULL, (SELECT id FROM invoices WHERE invoice_id = 'I4'), 0, 3000, 'EUR', 1, 'writeoff',
  'written off', 'manual', 'BAD_DEBT', '2026-02-01T00:00:00Z')"   # a write-off: not a pair
"$PMQUALITY" --db "$QD" --truth "$Q/truth.csv" --format csv >"$Q/out.csv" 2>"$Q/err"
check_eq "pmquality exits 0 without floors" 0 "$?"
row() { grep "^$1," "$Q/out.csv"; }
check_eq "csv header" "situation,truth_pairs,predicted_pairs,true_positives,precision,recall,f1,no_invoice_payments,wrongly_matched" "$(head -1 "$Q/out.csv")"
check_eq "exact_ref: 1 truth, 1 predicted (two allocations, one pair), 1 tp" \
	"exact_ref,1,1,1,1.0000,1.0000,1.0000,0,0" "$(row exact_ref)"
check_eq "multi_refs: both invoices found, one only suggested" \
	"multi_refs,2,2,2,1.0000,1.0000,1.0000,0,0" "$(row multi_refs)"
check_eq "name_only: the decoy is a false positive and the true pair is missed" \
	"name_only,1,1,0,0.0000,0.0000,0.0000,0,0" "$(row name_only)"
check_eq "partial: a manual allocation counts" "partial,1,1,1,1.0000,1.0000,1.0000,0,0" "$(row partial)"
check_eq "duplicate: matched anyway, a false positive and a wrongly matched payment" \
	"duplicate,0,1,0,0.0000,,,1,1" "$(row duplicate)"
check_eq "unrelated: a rejected allocation is not a prediction" "unrelated,0,0,0,,,,1,0" "$(row unrelated)"
check_eq "situations without pairs are still listed" "customer_amount,0,0,0,,,,0,0" "$(row customer_amount)"
check_eq "pairs of payments outside the truth are false positives" \
	"(not in truth),0,1,0,0.0000,,,0,0" "$(row '(not in truth)')"
# overall: 5 truth pairs, 7 predicted, 4 true: P 4/7, R 4/5, F1 2*4/(7+5) = 0.6667
check_eq "overall precision 4/7, recall 4/5, F1 8/12" "overall,5,7,4,0.5714,0.8000,0.6667,2,1" "$(row overall)"
# auto pairs: P1-I1, P2-I2 (true), P4-I1, P7-I6 (false)
check_eq "auto precision 2/4" "auto,0,4,2,0.5000,,,0,0" "$(row auto)"
"$PMQUALITY" --db "$QD" --truth "$Q/truth.csv" --min-f1 0.6 --min-auto-precision 0.5 >/dev/null 2>&1
check_eq "floors met: exit 0" 0 "$?"
"$PMQUALITY" --db "$QD" --truth "$Q/truth.csv" --min-f1 0.7 >/dev/null 2>"$Q/err"
check_eq "F1 below --min-f1: exit 1" 1 "$?"
check_contains "the failing floor is named" "overall F1 0.6667 is below 0.7000" "$(cat "$Q/err")"
"$PMQUALITY" --db "$QD" --truth "$Q/truth.csv" --min-auto-precision 0.6 >/dev/null 2>&1
check_eq "auto precision below --min-auto-precision: exit 1" 1 "$?"
out=$("$PMQUALITY" --db "$QD" --truth "$Q/truth.csv")
check_contains "text format has the overall line" "overall                  5         7       4    0.5714  0.8000  0.6667" "$out"
printf 'payment_id,invoice_id,amount\nP1,I1,1\n' >"$Q/bad.csv"
"$PMQUALITY" --db "$QD" --truth "$Q/bad.csv" >/dev/null 2>"$Q/err"
check_eq "a truth file with the wrong columns is refused (exit 65)" 65 "$?"
"$PMQUALITY" --db "$QD" >/dev/null 2>&1
check_eq "--truth is required (exit 2)" 2 "$?"
echo "1..$TAP_N"
