#!/bin/sh
# The UI in a real terminal (tmux) at 80x24 and 132x43: dashboard, screens, accept, undo,
# manual match, help, resize, quit; the working set is checked with SQL afterwards.
. "$ROOT/tests/lib/tap.sh"
. "$ROOT/tests/tui/lib/tmux.sh"
tmux_missing && exit 0
DB=$T/ws.db
cp "$ROOT"/tests/tui/data/*.csv "$T"/ 2>/dev/null
if ! make_working_set "$DB" >"$T/setup.log" 2>&1; then
	not_ok "working set built (import + match)" "$(cat "$T/setup.log")"
	exit 0
fi
ok "working set built (import + match)"

pm_start 80 24 --db "$DB"
check_screen "80x24: dashboard shows the match rate" "Match rate"
check_screen "80x24: dashboard shows open exceptions" "Open exceptions: [0-9]"
check_screen "80x24: dashboard shows the aging chart" "Aging of open receivables"
keys 2
check_screen "digit 2 opens Matches" "row 1 of [1-9]"
keys Tab
check_screen "Tab goes to Exceptions" "a accept r reject"
keys BTab
check_screen "Shift-Tab goes back to Matches" "Enter/d detail"
keys 3
check_screen "digit 3 opens Exceptions" "a accept r reject"

# Accept the first suggestion.
suggested=$(sql "$DB" "SELECT count(*) FROM allocations WHERE status='suggested'")
keys f; type_text "kind:suggested"; keys Enter
check_screen "filter line applied" "filter: kind:suggested"
keys a
check_screen "a accepts the suggestion" "accepted"
check_eq "allocation confirmed in the working set" 1 \
	"$(sql "$DB" "SELECT count(*) FROM allocations WHERE status='confirmed'")"
check_eq "audit_log has the accept" 1 \
	"$(sql "$DB" "SELECT count(*) FROM audit_log WHERE action='accept'")"

keys u
check_screen "u undoes" "undone"
check_eq "undo: nothing confirmed any more" 0 \
	"$(sql "$DB" "SELECT count(*) FROM allocations WHERE status='confirmed'")"
check_eq "undo: the suggestion is back" "$suggested" \
	"$(sql "$DB" "SELECT count(*) FROM allocations WHERE status='suggested'")"

# Manual match of an unmatched payment through the picker (with the fixture: PAY-4, 777.77,
# to INV-1008, 610.00 open, leaving 167.77).
keys f C-u; type_text "kind:unmatched_payment"; keys Enter
check_screen "unmatched payments listed" "filter: kind:unmatched_payment"
keys m
check_screen "m opens the picker" "Manual match: payment"
keys c
check_screen "c widens the picker to all customers" "Invoices of: all customers"
if [ "$PM_DATA" = fixture ]; then
	keys /; type_text "INV-1008"; keys Enter
	keys Space
	check_screen "Space allocates and shows the remainder" "Remainder 167.77"
else
	keys Space
	check_screen "Space allocates and shows the remainder" "Allocated [0-9,.]*[1-9]"
fi
keys Enter
check_screen "Enter saves the manual match" "matched payment"
check_eq "manual allocation written" 1 \
	"$(sql "$DB" "SELECT count(*) FROM allocations WHERE status = 'manual'")"
check_eq "audit_log has the manual match" 1 \
	"$(sql "$DB" "SELECT count(*) FROM audit_log WHERE action = 'manual'")"

keys '?'
check_screen "? lists the bindings" "accept-marked"
keys q
check_screen "q leaves help" "a accept r reject"

# Search on Invoices: / finds a row, N searches backwards (wrapping), a missing text says so.
inv=$(sql "$DB" "SELECT invoice_id FROM invoices ORDER BY due_date, id LIMIT 1 OFFSET 5")
keys 5
check_screen "digit 5 opens Invoices" "row 1 of [1-9]"
keys /; type_text "$inv"; keys Enter
check_screen "/ finds the row (position unknown until g)" "row ~ of"
keys g
check_screen "g goes back to the first row" "row 1 of"
keys N
check_screen "N finds it backwards, wrapping past the first row" "row ~ of"
keys / C-u; type_text "zzzz-none"; keys Enter
check_screen "/ says when nothing is found" "not found: zzzz-none"
keys g N
check_screen "N says when nothing is found" "not found: zzzz-none"

$TM resize-window -t t -x 132 -y 43
check_screen "resize to 132x43 re-lays out (db name in the title)" "ws.db"
keys 1
check_screen "132x43: dashboard" "Match rate"
keys q
check_eq "q quits with status 0" 0 "$(pm_exit_status)"
echo "1..$TAP_N"
