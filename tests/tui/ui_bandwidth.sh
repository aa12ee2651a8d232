#!/bin/sh
# Off-screen UI benchmark as a regression test (no tmux needed): `paymatch ui --bench-keys`
# draws into a file at 80x24; moving one row must send only the changed cells (erase(), not
# clear(), per frame) and answer well inside the 50 ms key budget.
. "$ROOT/tests/lib/tap.sh"
DB=$T/bw.db
"$PAYMATCH" --db "$DB" -q import invoices "$ROOT/tests/tui/data/invoices.csv" >/dev/null 2>&1
"$PAYMATCH" --db "$DB" -q import payments "$ROOT/tests/tui/data/payments.csv" >/dev/null 2>&1
out=$("$PAYMATCH" --db "$DB" ui --bench-keys '5jjjjjjkkk' 2>&1); rc=$?
check_eq "bench run exits 0" 0 "$rc"
check_contains "dashboard reached" "start to dashboard" "$out"
# Lines: "key 106     0.05 ms    259 bytes"
worst=$(printf '%s\n' "$out" | awk '$1 == "key" && ($2 == 106 || $2 == 107) { if ($5 > w) w = $5 }
	END { print w + 0 }')
if [ "$worst" -gt 0 ] && [ "$worst" -lt 600 ]; then ok "one-row move sends < 600 bytes ($worst)"
else not_ok "one-row move sends < 600 bytes" "$out"; fi
slow=$(printf '%s\n' "$out" | awk '$1 == "key" && $3 > 50 { n++ } END { print n + 0 }')
check_eq "every key answered within 50 ms" 0 "$slow"
echo "1..$TAP_N"
