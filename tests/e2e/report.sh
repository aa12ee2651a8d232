#!/bin/sh
# paymatch report: every kind in every format on a hand-checked working set
# (tests/e2e/report_data.sql), outputs parsed back, exit codes, pipes, read-only.
. "$ROOT/tests/lib/tap.sh"
. "$ROOT/tests/e2e/report_ws.inc"
export LC_ALL=C.UTF-8 PAYMATCH_CONFIG=/dev/null
DB="$T/ws.db"
make_ws "$DB"
pm() { "$PAYMATCH" --db "$DB" "$@"; }
A="--as-of 2026-03-31"

# --- aging, worked out by hand (see report_data.sql)
out=$(pm report aging $A --format csv)
check_eq "aging csv by hand" "row_type,customer_id,customer_name,currency,current,days_1_30,days_31_60,days_61_90,days_91_120,days_over_120,open_total,unapplied_cash
customer,C1,Ann Müller,EUR,100.00,350.00,0.00,0.00,0.00,0.00,450.00,0.00
customer,C2,'=Evil Corp,EUR,0.00,0.00,400.00,0.00,480.00,0.00,880.00,260.00
total,,(total),EUR,100.00,350.00,400.00,0.00,480.00,0.00,1330.00,260.00" "$out"

printf '%s\n' "$out" >"$T/aging.csv"
got=$(python3 - "$T/aging.csv" <<'PY'
import csv, sys
from decimal import Decimal
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
cust = [r for r in rows if r['row_type'] == 'customer']
tot = [r for r in rows if r['row_type'] == 'total'][0]
cols = ['current', 'days_1_30', 'days_31_60', 'days_61_90', 'days_91_120', 'days_over_120']
ok = all(sum(Decimal(r[c]) for r in cust) == Decimal(tot[c]) for c in cols + ['open_total'])
ok = ok and all(sum(Decimal(r[c]) for c in cols) == Decimal(r['open_total']) for r in rows)
print('ok' if ok else 'bad', tot['open_total'])
PY
)
check_eq "aging csv parsed: buckets add up to totals" "ok 1330.00" "$got"

pm report aging $A --format json >"$T/aging.json"
got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = [r for r in d["tables"]["aging"] if r["row_type"] == "total"][0]
c = d["tables"]["check"][0]
print(d["report"], d["as_of"], d["basis"], t["days_91_120"], c["invoiced"], c["applied"], c["open_ledger"], c["status"])
' "$T/aging.json")
check_eq "aging json parsed: totals and check line" "aging 2026-03-31 due_date 480.00 2100.00 770.00 1330.00 ok" "$got"

out=$(pm report aging $A)
check_contains "aging text title has the as-of date" "Aging as of 2026-03-31" "$out"
check_contains "aging text check line" "ok" "$(printf '%s\n' "$out" | grep '^EUR ')"
check_contains "aging text thousands separators" "1,330.00" "$out"
wide=$(printf '%s\n' "$out" | python3 -c '
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
print(max(w(l.rstrip("\n")) for l in sys.stdin))')
check "aging text fits 80 columns ($wide)" test "$wide" -le 80

out=$(pm report aging --as-of 2026-04-30 --format csv | grep '^customer,C1')
check_eq "back-dated vs later: P3 counts at 04-30" "customer,C1,Ann Müller,EUR,700.00,100.00,50.00,0.00,0.00,0.00,850.00,0.00" "$out"
out=$(pm report aging $A --basis invoice --format csv | grep '^total')
check_eq "invoice-date basis" "total,,(total),EUR,0.00,100.00,350.00,400.00,0.00,480.00,1330.00,260.00" "$out"
out=$(pm report aging $A --customer C2 --format csv | grep -c '^customer')
check_eq "--customer filters" "1" "$out"

# --- every kind, every format, parsed back
for kind in summary aging exceptions matches customers import-errors; do
	pm report "$kind" $A --format csv >"$T/$kind.csv" 2>"$T/err"
	check_eq "$kind csv exit 0" "0" "$?"
	n=$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1],newline=""))); print(len(set(map(len,r))))' "$T/$kind.csv" 2>&1)
	check_eq "$kind csv parses with one width" "1" "$n"
	pm report "$kind" $A --format json >"$T/$kind.json"
	check "$kind json parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/$kind.json"
	pm report "$kind" $A >"$T/$kind.txt"
	check_eq "$kind text exit 0" "0" "$?"
	pm report "$kind" $A --format csv >"$T/$kind.2.csv"
	check "$kind: two runs diff cleanly" cmp "$T/$kind.csv" "$T/$kind.2.csv"
done

hdr=$(head -1 "$T/matches.csv")
for c in payment_id invoice_id amount_applied confidence rule status explanation decided_by decided_at currency deduction; do
	check_contains "matches has column $c" "$c" "$hdr"
done
check_eq "matches: one row per allocation" "6" "$(($(python3 -c 'import csv,sys; print(len(list(csv.reader(open(sys.argv[1],newline="")))))' "$T/matches.csv") - 1))"
check_contains "matches: quoted explanation" '"amount within tolerance, ""short"" 10.00"' "$(cat "$T/matches.csv")"
check_contains "matches: write-off row" ",I5,EUR,0.00,20.00,1.000,writeoff,manual,anna,2026-03-10T12:00:00Z,bad_debt," "$(cat "$T/matches.csv")"
got=$(python3 -c '
import json,sys
d=json.load(open(sys.argv[1])); r=d["tables"]["matches"][1]
print(r["payment_id"], r["amount_applied"], r["deduction"], r["confidence"], type(r["amount_applied"]).__name__)' "$T/matches.json")
check_eq "matches json: decimal strings, numeric confidence" "P2 590.00 10.00 0.9 str" "$got"
check_eq "exceptions: two open" "3" "$(wc -l <"$T/exceptions.csv" | tr -d ' ')"
check_contains "exceptions: best candidate and why" "I4,payer name only; amount 250.00 vs 400.00" "$(cat "$T/exceptions.csv")"
check_contains "import-errors: file, line, column, reason, raw" "bank.csv,7,amount,not a number,\"P9,2026-03-01,=1+2,EUR\"" "$(cat "$T/import-errors.csv")"
# summary is the current state: 2800.00 invoiced - (150 + 600 + 300 + 20) settled = 1730.00
check_contains "summary: open receivables" "open_receivables,EUR,,1730.00" "$(pm report summary --format csv)"
check_contains "customers: overdue share" "C1,Ann Müller,EUR,450.00,350.00,77.8,0.00,0" "$(cat "$T/customers.csv")"

# --- -o picks the format from the extension, never overwrites the working set
pm report aging $A -o "$T/out.csv"
check_eq "-o file.csv writes csv" "row_type" "$(head -c 8 "$T/out.csv")"
pm report aging $A -o "$T/out.json"
check "-o file.json writes json" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out.json"
sum1=$(sha256sum "$DB" | cut -d' ' -f1)
pm report aging -o "$DB" 2>"$T/err"
check_eq "-o onto the working set: exit 2" "2" "$?"
check_eq "working set untouched by reports" "$sum1" "$(sha256sum "$DB" | cut -d' ' -f1)"

# --- exit codes and messages
pm report agin 2>"$T/err"; rc=$?
check_eq "unknown kind: exit 2" "2" "$rc"
check_contains "unknown kind: suggests aging" "did you mean 'aging'?" "$(cat "$T/err")"
pm report aging --format jsno 2>"$T/err"
check_eq "unknown format: exit 2" "2" "$?"
check_contains "unknown format: suggests json" "did you mean 'json'?" "$(cat "$T/err")"
pm report aging --colour 2>"$T/err"
check_eq "unknown option: exit 2" "2" "$?"
pm report aging --as-of 2026-02-30 2>"$T/err"
check_eq "bad --as-of: exit 65" "65" "$?"
check_contains "bad --as-of names the date" "2026-02-30" "$(cat "$T/err")"
pm report aging --customer c1 2>"$T/err"
check_eq "unknown customer: exit 65" "65" "$?"
check_contains "unknown customer: suggests C1" "did you mean 'C1'?" "$(cat "$T/err")"
pm report import-errors --customer C1 2>"$T/err"
check_eq "option a kind does not take: exit 2" "2" "$?"
"$PAYMATCH" --db "$T/nope.db" report summary 2>"$T/err"
check_eq "no working set: exit 66" "66" "$?"
# -o onto something that is not a regular file is written in place: renaming the temporary
# file over it replaced /dev/null with a plain file once (a FIFO stands in for the device).
mkfifo "$T/fifo"
timeout 10 cat "$T/fifo" >"$T/fifo.out" &
pm report summary --format csv -o "$T/fifo"
check_eq "-o onto a FIFO: exit 0" "0" "$?"
wait
check "-o onto a FIFO: still a FIFO" test -p "$T/fifo"
check_contains "-o onto a FIFO: the report went through it" "metric" "$(cat "$T/fifo.out")"
pm report aging -o "$T/no/such/dir/x.csv" 2>"$T/err"
check_eq "cannot write -o: exit 74" "74" "$?"

# --- a closed pipe ends quietly with 0 (enough rows to fill the pipe)
sqlite3 "$DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 30000)
INSERT INTO allocations(payment_row,invoice_row,amount_applied,currency,confidence,rule,explanation,status,created_at)
SELECT 1, 1, 100, 'EUR', 0.5, 'name', 'padding row for the pipe test', 'rejected', '2026-03-16T00:00:00Z' FROM n"
( pm report matches 2>"$T/pipe.err"; echo $? >"$T/pipe.rc" ) | head -1 >/dev/null
check_eq "| head -1: exit 0" "0" "$(cat "$T/pipe.rc")"
check_eq "| head -1: nothing on stderr" "" "$(cat "$T/pipe.err")"

# --- works while another connection holds a write transaction (WAL)
sqlite3 "$DB" 'PRAGMA journal_mode=WAL' >/dev/null
python3 - "$DB" "$PAYMATCH" >"$T/wal.out" 2>&1 <<'PY'
import sqlite3, subprocess, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO runs(kind,started_at,user) VALUES('match','2026-01-01T00:00:00Z','w')")
r = subprocess.run([sys.argv[2], "--db", sys.argv[1], "report", "aging", "--as-of", "2026-03-31",
                    "--format", "csv"], capture_output=True, timeout=20)
db.execute("ROLLBACK")
print(r.returncode)
PY
check_eq "report while another writer holds the lock" "0" "$(tail -1 "$T/wal.out")"
