/* The connection settings of a bulk load: a rollback journal instead of the WAL while a
 * large file goes into an empty table, and a helper thread for the index builds when a
 * CPU is idle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_bulk.h"

bool store_bulk_table_empty(struct store *st, const char *table)
{
	char sql[64];
	sqlite3_stmt *stmt;
	bool empty = false;

	/* table is "invoices" or "payments", never data. */
	snprintf(sql, sizeof sql, "SELECT NOT EXISTS(SELECT 1 FROM %s)", table);
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		empty = sqlite3_column_int(stmt, 0) != 0;
	sqlite3_finalize(stmt);
	return empty;
}

/* Runs a journal_mode pragma; returns true when the mode is now want. */
static bool set_journal_mode(struct store *st, const char *sql, const char *want)
{
	sqlite3_stmt *stmt;
	bool ok = false;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *mode = (const char *)sqlite3_column_text(stmt, 0);

		ok = mode && strcmp(mode, want) == 0;
	}
	sqlite3_finalize(stmt);
	return ok;
}

/* In WAL mode every page of a bulk load is written twice, to the WAL and then by the
 * checkpoint to the database (measured 0.7 s of 5.6 s for 1M invoices, 0.5 s of 3.8 s for
 * their payments). With a rollback journal, pages appended past the old end of the file
 * are not journaled at all: they are written once, and a crash or kill -9 still rolls
 * back to the old file (the hot journal restores the first pages and truncates).
 * synchronous=FULL for the load, as the SQLite documentation asks of DELETE mode; it
 * costs a few fsyncs of a tiny journal.
 * Leaving WAL needs every other connection closed: when the UI or a report has the
 * working set open, the switch fails at once (busy timeout 0) and the load stays in WAL,
 * so open readers are never blocked. A connection opened during the load waits for it
 * (busy timeout). */
bool store_bulk_journal_enter(struct store *st)
{
	sqlite3_stmt *stmt;
	int timeout = 5000;
	bool ok;

	if (sqlite3_prepare_v2(st->db, "PRAGMA busy_timeout", -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		timeout = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_busy_timeout(st->db, 0);
	ok = set_journal_mode(st, "PRAGMA journal_mode = DELETE", "delete");
	sqlite3_busy_timeout(st->db, timeout);
	if (ok)
		sqlite3_exec(st->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	return ok;
}

void store_bulk_leave(struct store *st, bool rollback_journal)
{
	sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (!rollback_journal)
		return;
	set_journal_mode(st, "PRAGMA journal_mode = WAL", "wal");
	sqlite3_exec(st->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
}

void store_bulk_cpu_mark(struct store_bulk_cpu *m)
{
	long long v[8] = { 0 };
	struct timespec ts;
	FILE *fp = fopen("/proc/stat", "r");

	memset(m, 0, sizeof *m);
	/* cpu  user nice system idle iowait irq softirq steal */
	if (fp && fscanf(fp, "cpu %lld %lld %lld %lld %lld %lld %lld %lld", &v[0], &v[1], &v[2],
	                 &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
		m->busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
		m->total = m->busy + v[3] + v[4];
		m->ok = true;
	}
	if (fp)
		fclose(fp);
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0)
		m->own_ns = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* What other processes did while this import loaded its rows is the best guess for the
 * next seconds. The load average is the fallback: it lags a minute behind, so right after
 * a build it would still see the compiler. */
bool store_bulk_spare_cpu(const struct store_bulk_cpu *since)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), hz = sysconf(_SC_CLK_TCK);
	struct store_bulk_cpu now;
	double load, others;

	if (ncpu < 2)
		return false;
	store_bulk_cpu_mark(&now);
	if (since->ok && now.ok && hz > 0 && now.total - since->total >= 50 * ncpu) {
		/* CPUs kept busy by others = their busy ticks / elapsed ticks of one CPU. */
		others = ((double)(now.busy - since->busy) -
		          (double)(now.own_ns - since->own_ns) * (double)hz / 1e9) /
		         ((double)(now.total - since->total) / (double)ncpu);
		return others < 0.5;
	}
	return getloadavg(&load, 1) == 1 && load < (double)ncpu - 0.5;
}
