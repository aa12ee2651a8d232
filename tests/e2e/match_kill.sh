#!/bin/sh
# A match killed while it writes its results leaves the previous results. kill -9 in the
# middle of the write of a large run, twice: on a first run (the write goes through a
# rollback journal, which the next open rolls back) and on a re-run (through the WAL). Each
# time the working set passes `paymatch check`, holds exactly the previous results and is
# in WAL mode again; complete runs afterwards write what an uninterrupted run wrote.
. "$ROOT/tests/lib/tap.sh"
DB="$T/ws.db"

"$PMGEN" --seed 11 --invoices 200000 --quiet --out "$T/gen" >/dev/null 2>&1
"$PAYMATCH" --db "$DB" import invoices "$T/gen/invoices.csv" >/dev/null 2>&1
"$PAYMATCH" --db "$DB" import payments "$T/gen/payments.csv" >/dev/null 2>&1
check_eq "200k invoices imported" 200000 "$(sql "$DB" "SELECT count(*) FROM invoices")"

results() {   # every written column of both tables, as one checksum
	sql "$DB" "SELECT id, payment_row, invoice_row, amount_applied, deduction, confidence, rule,
	  status, explanation, match_group FROM allocations ORDER BY id;
	  SELECT id, kind, payment_row, invoice_row, allocation_id, amount, detail, confidence
	  FROM exceptions ORDER BY id" | cksum
}
file_size() {   # 0 when missing
	n=$({ wc -c <"$1"; } 2>/dev/null | tr -d ' ')
	echo "${n:-0}"
}

# Starts a match and kills it with -9 once its write transaction has put 8 MB into the
# file that $1 names ("journal": the database, with a -journal present; "wal": the WAL).
kill_mid_write() {
	start=$(file_size "$DB")
	PAYMATCH_CONFIG=/dev/null "$PAYMATCH" --db "$DB" match --workers 2 >"$T/out" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 3000 ]; do   # 30 s at most
		kill -0 "$pid" 2>/dev/null || break
		if [ "$1" = journal ]; then
			[ -e "$DB-journal" ] && [ "$(file_size "$DB")" -gt $((start + 8000000)) ] && break
		elif [ "$(file_size "$DB-wal")" -gt 8000000 ]; then
			break
		fi
		sleep 0.01
		i=$((i + 1))
	done
	if kill -9 "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null
		ok "$1: kill -9 reached the match mid-write"
	else
		wait "$pid" 2>/dev/null
		not_ok "$1: kill -9 reached the match mid-write" "$(cat "$T/out")"
	fi
}

none=$(results)
kill_mid_write journal
check "journal: a hot journal was left behind" test -e "$DB-journal"
# check opens the working set read-only: it must still get past the hot journal
check "journal: paymatch check passes" "$PAYMATCH" --db "$DB" check
check "journal: the hot journal was rolled back" test ! -e "$DB-journal"
check_eq "journal: no results, as before the run" "$none" "$(results)"
check_eq "journal: no allocations" 0 "$(sql "$DB" "SELECT count(*) FROM allocations")"

PAYMATCH_CONFIG=/dev/null "$PAYMATCH" --db "$DB" match --workers 2 >/dev/null 2>&1
check_eq "a complete first run exits 0" 0 $?
first=$(results)
check "the first run wrote results" test "$(sql "$DB" "SELECT count(*) FROM allocations")" -gt 100000
check_eq "journal: WAL mode again after the next run" wal "$(sql "$DB" "PRAGMA journal_mode")"

kill_mid_write wal
check "wal: paymatch check passes" "$PAYMATCH" --db "$DB" check
check_eq "wal: the first run's results are intact" "$first" "$(results)"
check_eq "wal: integrity_check" ok "$(sql "$DB" "PRAGMA integrity_check")"

PAYMATCH_CONFIG=/dev/null "$PAYMATCH" --db "$DB" match --workers 1 >/dev/null 2>&1
check_eq "a complete re-run with one worker exits 0" 0 $?
check_eq "the re-run with one worker writes what the first run wrote" "$first" "$(results)"
echo "1..$TAP_N"
