#!/bin/sh
# A killed import leaves nothing behind: kill -9, SIGINT and SIGTERM in the middle of a
# large file; the working set passes integrity_check, holds none of that file's rows, and
# an earlier file's rows are intact. Twice: into a table that has rows (the load runs in
# the WAL) and into an empty table (a bulk load with a rollback journal, which must
# leave the working set in WAL mode again).
. "$ROOT/tests/lib/tap.sh"
F="$ROOT/tests/fixtures/import"
DB="$T/ws.db"
BIG="$T/big.csv"

"$PAYMATCH" --db "$DB" import invoices "$F/invoices.csv" >/dev/null 2>&1
base=$(sql "$DB" "SELECT count(*) || '/' || ifnull(sum(amount), 0) FROM invoices")

# 1M rows (about 100 MB): large enough that the import spills pages to the WAL long
# before it commits, which is how the test knows it is in the middle of the file.
awk 'BEGIN { print "invoice_id,customer_id,customer_name,invoice_date,due_date,amount,currency,reference_number";
	for (i = 1; i <= 1000000; i++)
		printf "BIG-%07d,C%05d,Customer %05d Trading Company,2026-%02d-%02d,2026-12-31,%d.%02d,EUR,RF%09d\n",
			i, i % 50000, i % 50000, 1 + i % 12, 1 + i % 28, i % 100000, i % 100, i }' >"$BIG"

file_size() {   # 0 when missing (a WAL comes and goes as the journal mode changes)
	n=$({ wc -c <"$1"; } 2>/dev/null | tr -d ' ')
	echo "${n:-0}"
}
written() {   # bytes in the working set and its WAL
	echo $(($(file_size "$DB") + $(file_size "$DB-wal")))
}

# Starts the import of $BIG in the background and waits until it is really mid-file:
# the database or its WAL has grown by 16 MB (pages spilled from the import's
# transaction). Sets $pid.
start_and_wait() {
	start=$(written)
	"$PAYMATCH" --db "$DB" --progress import invoices "$BIG" >"$T/out" 2>"$T/err" &
	pid=$!
	i=0
	while [ $i -lt 1200 ]; do   # 60 s at most
		if ! kill -0 "$pid" 2>/dev/null; then
			return 1
		fi
		if [ "$(written)" -gt $((start + 16000000)) ]; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

after_kill() {   # $1 = what was sent
	check_eq "$1: integrity_check" ok "$(sql "$DB" "PRAGMA integrity_check")"
	check_eq "$1: none of the killed file's rows" 0 \
		"$(sql "$DB" "SELECT count(*) FROM invoices WHERE invoice_id LIKE 'BIG-%'")"
	check_eq "$1: the killed file is not recorded" 0 \
		"$(sql "$DB" "SELECT count(*) FROM imported_files WHERE path = '$BIG'")"
	check_eq "$1: the earlier file's rows are intact" "$base" \
		"$(sql "$DB" "SELECT count(*) || '/' || ifnull(sum(amount), 0) FROM invoices")"
}

wal_at_kill=0
kill_all() {   # $1 = what the working set is (for the test names); sets $wal_at_kill
	if start_and_wait; then
		wal_at_kill=$(file_size "$DB-wal")
		kill -9 "$pid"
		wait "$pid" 2>/dev/null
		ok "$1: kill -9 reached the import mid-file"
	else
		wait "$pid" 2>/dev/null
		not_ok "$1: kill -9 reached the import mid-file" "$(cat "$T/err")"
	fi
	after_kill "$1: kill -9"

	for sig in INT TERM; do
		if start_and_wait; then
			kill -s "$sig" "$pid"
			wait "$pid"
			rc=$?
			check_eq "$1: SIG$sig: exit status 130" 130 "$rc"
			check_contains "$1: SIG$sig: the message says the file was rolled back" \
				"interrupted: $BIG rolled back, the working set is unchanged" "$(cat "$T/err")"
		else
			wait "$pid" 2>/dev/null
			not_ok "$1: SIG$sig reached the import mid-file" "$(cat "$T/err")"
		fi
		after_kill "$1: SIG$sig"
		check_eq "$1: SIG$sig: back in WAL mode" wal "$(sql "$DB" "PRAGMA journal_mode")"
	done
}

kill_all "invoices present"

# An empty invoices table: the bulk path. Payments are there to show the rest survives.
DB="$T/fresh.db"
"$PAYMATCH" --db "$DB" import payments "$F/payments.csv" >/dev/null 2>&1
base=$(sql "$DB" "SELECT count(*) || '/' || ifnull(sum(amount), 0) FROM invoices")
pays=$(sql "$DB" "SELECT count(*) || '/' || sum(amount) FROM payments")
kill_all "empty table"
# Pages went to the database file with a rollback journal, not to the WAL.
check "empty table: the bulk load did not write the WAL ($wal_at_kill bytes)" \
	test "$wal_at_kill" -lt 4000000
check_eq "empty table: the payments are intact" "$pays" \
	"$(sql "$DB" "SELECT count(*) || '/' || sum(amount) FROM payments")"
"$PAYMATCH" --db "$DB" import payments "$F/payments.csv" >/dev/null 2>&1
check_eq "empty table: WAL mode again after kill -9 and the next open" wal \
	"$(sql "$DB" "PRAGMA journal_mode")"
echo "1..$TAP_N"
