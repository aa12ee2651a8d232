#!/bin/sh
# Starting the UI: `paymatch FILE...` imports and matches on the progress screen and lands on
# the dashboard; no terminal, --no-tui, an unknown TERM and a small terminal get clear words.
. "$ROOT/tests/lib/tap.sh"
. "$ROOT/tests/tui/lib/tmux.sh"
tmux_missing && exit 0
DB=$T/start.db
DATA=$ROOT/tests/tui/data

out=$("$PAYMATCH" --db "$DB" </dev/null 2>&1); rc=$?
check_eq "without a terminal: exit 2" 2 "$rc"
check_contains "without a terminal: names the headless commands" "paymatch report summary" "$out"
out=$("$PAYMATCH" --db "$DB" --no-tui 2>&1 </dev/null); rc=$?
check_contains "--no-tui: says the UI needs a terminal" "needs a terminal" "$out"

PM_TERM=xterm-nonexistent pm_start 80 24 --db "$DB"
check_screen "unknown TERM: clear message" "install ncurses-term or set TERM=xterm-256color"

pm_start 80 24 --db "$DB" "$DATA/invoices.csv" "$DATA/payments.csv"
check_screen "paymatch FILE... lands on the dashboard" "Match rate"
check_eq "invoices imported" 10 "$(sql "$DB" "SELECT count(*) FROM invoices")"
check_eq "payments imported" 7 "$(sql "$DB" "SELECT count(*) FROM payments")"
check_eq "a match run recorded" 1 "$(sql "$DB" "SELECT count(*) FROM runs WHERE kind='match'")"
keys Q
check_eq "Q quits with status 0" 0 "$(pm_exit_status)"

# The same with the kinds named: `paymatch --invoices F --payments F` (no word "ui").
pm_start 80 24 --db "$T/flags.db" --invoices "$DATA/invoices.csv" --payments "$DATA/payments.csv"
check_screen "paymatch --invoices F --payments F lands on the dashboard" "Match rate"
check_eq "--invoices imported" 10 "$(sql "$T/flags.db" "SELECT count(*) FROM invoices")"
check_eq "--payments imported" 7 "$(sql "$T/flags.db" "SELECT count(*) FROM payments")"
check_eq "--invoices/--payments: a match run recorded" 1 \
	"$(sql "$T/flags.db" "SELECT count(*) FROM runs WHERE kind='match'")"
keys Q
check_eq "Q quits with status 0 (--invoices/--payments)" 0 "$(pm_exit_status)"
out=$("$PAYMATCH" --db "$T/flags.db" --invoices "$DATA/invoices.csv" report summary 2>&1); rc=$?
check_eq "--invoices with a command: usage error" 2 "$rc"
check_contains "--invoices with a command: names the import command" "paymatch import" "$out"

# A bigger file keeps the progress screen up long enough to see it and cancel it.
awk 'BEGIN {
	print "invoice_id,customer_id,customer_name,invoice_date,due_date,amount,currency," \
	      "reference_number"
	for (i = 0; i < 300000; i++)
		printf "B-%07d,C%05d,Customer %d,2026-09-01,2026-10-01,%d.%02d,EUR,B-%07d\n", i, i % 5000,
		       i % 5000, 10 + i % 9000, i % 100, i }' > "$T/big-invoices.csv"
pm_start 80 24 --db "$T/big.db" "$T/big-invoices.csv"
check_screen "progress screen: overall bar with rows/s and ETA" "overall .*/s  ETA"
keys Escape
check_screen "Esc cancels, the dashboard opens and says so" "cancelled: the working set stays"
check_eq "cancelled import left nothing behind" 0 \
	"$(sql "$T/big.db" "SELECT count(*) FROM invoices")"
keys Q
check_eq "Q after a cancel quits with status 0" 0 "$(pm_exit_status)"

pm_start 80 24 --db "$DB"
wait_for "Match rate" 2>/dev/null
if $TM capture-pane -p -e -t t | grep -q '38;5;'; then ok "256 colours: theme colours drawn"
else not_ok "256 colours: theme colours drawn"; fi
keys q
PM_ENV="NO_COLOR=1" pm_start 80 24 --db "$DB"
wait_for "Match rate" 2>/dev/null
if $TM capture-pane -p -e -t t | grep -Eq '38;5;|48;5;|\[3[0-7]m|\[4[0-7]m'; then
	not_ok "NO_COLOR: no colours, only attributes" "$($TM capture-pane -p -e -t t | head -3)"
else ok "NO_COLOR: no colours, only attributes"; fi
keys q

pm_start 60 20 --db "$DB"
check_screen "smaller than 80x24: terminal too small" "terminal too small"
keys q
check_eq "q quits from the too-small screen" 0 "$(pm_exit_status)"
echo "1..$TAP_N"
