/* Opening the working set, transactions and the small helpers every store_*.c uses. */
#include <pwd.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_internal.h"

const char *store_default_path(const char *explicit_path)
{
	const char *env;

	if (explicit_path && *explicit_path)
		return explicit_path;
	env = getenv("PAYMATCH_DB");
	if (env && *env)
		return env;
	return "paymatch.db";
}

int store_status_from_sqlite(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return PM_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return PM_EBUSY;
	case SQLITE_INTERRUPT:
		return PM_EINTR;
	case SQLITE_CANTOPEN:
		return PM_ENOINPUT;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_TOOBIG:
		return PM_EDATA;
	default:
		return PM_EIO;
	}
}

int store_sql_error(struct store *st, struct pm_error *err, int code, const char *context)
{
	int rc = sqlite3_extended_errcode(st->db);

	if (code == 0)
		code = store_status_from_sqlite(rc);
	if (code == PM_EBUSY)
		return pm_error_set(err, code, "%s: %s: the working set is busy (another paymatch "
		                    "is writing it); try again", st->path, context);
	if (code == PM_EINTR)
		return pm_error_set(err, code, "%s: %s: interrupted", st->path, context);
	return pm_error_set(err, code, "%s: %s: %s", st->path, context, sqlite3_errmsg(st->db));
}

int store_prepare(struct store *st, const char *sql, sqlite3_stmt **out, struct pm_error *err)
{
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK) {
		*out = NULL;
		return store_sql_error(st, err, PM_EIO, "preparing a statement");
	}
	return 0;
}

int store_exec(struct store *st, const char *sql, struct pm_error *err)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_sql_error(st, err, 0, "executing SQL");
	return 0;
}

int store_bind_text(sqlite3_stmt *stmt, int idx, const char *s, int len)
{
	if (!s)
		return sqlite3_bind_null(stmt, idx);
	/* Field text from libcsv lives in a reused buffer: SQLite must copy it. */
	return sqlite3_bind_text(stmt, idx, s, len, SQLITE_TRANSIENT);
}

static int apply_pragmas(struct store *st, int64_t busy_timeout_ms, struct pm_error *err)
{
	sqlite3_busy_timeout(st->db, busy_timeout_ms > 0 ? (int)busy_timeout_ms : 5000);
	if (store_exec(st, "PRAGMA foreign_keys = ON", err))
		return err->code;
	if (st->readonly)
		return 0;
	/* WAL lets reports and a second reviewer read while one writer works; NORMAL sync is
	 * safe against process crashes in WAL mode and cuts fsyncs. */
	/* 16 KB pages (set before WAL, so only a new working set takes them): index builds over
	 * 1M rows measured ~5% less CPU than with 4 KB pages (docs/PERFORMANCE.md). */
	if (store_exec(st, "PRAGMA page_size = 16384", err) ||
	    store_exec(st, "PRAGMA journal_mode = WAL", err) ||
	    store_exec(st, "PRAGMA synchronous = NORMAL", err) ||
	    store_exec(st, "PRAGMA journal_size_limit = 67108864", err))
		return err->code;
	return 0;
}

/* SQLite's memory statistics take a global lock on every allocation, which a bulk load
 * and the matcher's two loading threads pay for and nobody reads. */
static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* A bulk import or a large match write killed mid-way leaves a hot rollback journal
 * (store_bulk.c) that only a connection allowed to write can roll back: a read-only
 * connection fails with "attempt to write a readonly database". So a read-only open first
 * lets a read-write connection read the schema, which rolls a hot journal back (a journal
 * of a write still running is not hot: its writer holds the lock, and this just reads).
 * stat() only: opening the journal here would drop SQLite's POSIX locks. */
static void recover_hot_journal(const char *path, int64_t busy_timeout_ms)
{
	char *journal = sqlite3_mprintf("%s-journal", path);
	struct stat sb;
	sqlite3 *db = NULL;
	bool exists = journal && stat(journal, &sb) == 0;

	sqlite3_free(journal);
	if (!exists)
		return;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) ==
	    SQLITE_OK) {
		sqlite3_busy_timeout(db, busy_timeout_ms > 0 ? (int)busy_timeout_ms : 5000);
		sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	}
	sqlite3_close(db);
}

int store_open(const char *path, int flags, int64_t busy_timeout_ms, struct store **out,
               struct pm_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	struct store *st;
	struct stat sb;
	int oflags = SQLITE_OPEN_NOMUTEX;

	pthread_once(&once, configure_sqlite);
	*out = NULL;
	st = calloc(1, sizeof *st);
	if (!st || !(st->path = strdup(path))) {
		free(st);
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	}
	st->readonly = (flags & STORE_READONLY) != 0;
	if (st->readonly) {
		if (stat(path, &sb) != 0) {
			pm_error_set(err, PM_ENOINPUT, "%s: no working set here (import files first, "
			             "or name one with --db)", path);
			goto fail;
		}
		oflags |= SQLITE_OPEN_READONLY;
		recover_hot_journal(path, busy_timeout_ms);
	} else {
		oflags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	}
	if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK) {
		pm_error_set(err, PM_EIO, "%s: cannot open the working set: %s", path,
		             st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	if (apply_pragmas(st, busy_timeout_ms, err))
		goto fail;
	if (!st->readonly && store_migrate(st, err))
		goto fail;
	*out = st;
	return 0;
fail:
	store_close(st);
	return err->code ? err->code : PM_EIO;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->db) {
		if (st->tx_depth)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		if (!st->readonly)
			sqlite3_exec(st->db, "PRAGMA optimize", NULL, NULL, NULL);
		sqlite3_close_v2(st->db);
	}
	free(st->path);
	free(st);
}

const char *store_path(const struct store *st)
{
	return st->path;
}

int store_begin(struct store *st, struct pm_error *err)
{
	if (st->tx_depth)
		return pm_error_set(err, PM_ESOFTWARE, "nested transaction on %s", st->path);
	if (store_exec(st, "BEGIN IMMEDIATE", err))
		return err->code;
	st->tx_depth = 1;
	return 0;
}

int store_commit(struct store *st, struct pm_error *err)
{
	if (!st->tx_depth)
		return pm_error_set(err, PM_ESOFTWARE, "commit without a transaction on %s", st->path);
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		store_sql_error(st, err, 0, "committing");
		store_rollback(st);
		return err->code;
	}
	st->tx_depth = 0;
	return 0;
}

void store_rollback(struct store *st)
{
	if (!st->tx_depth)
		return;
	/* An interrupt left pending would fail the ROLLBACK itself. */
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->tx_depth = 0;
}

bool store_in_transaction(const struct store *st)
{
	return st->tx_depth != 0;
}

void store_interrupt(struct store *st)
{
	if (st && st->db)
		sqlite3_interrupt(st->db);
}

int64_t store_data_version(struct store *st)
{
	sqlite3_stmt *stmt;
	int64_t v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA data_version", -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

int store_check_integrity(struct store *st, bool full, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int rc = 0;

	if (store_prepare(st, full ? "PRAGMA integrity_check" : "PRAGMA quick_check", &stmt, err))
		return err->code;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(stmt, 0);

		if (!r || strcmp(r, "ok") != 0)
			rc = pm_error_set(err, PM_EIO, "%s: integrity check failed: %s", st->path,
			                  r ? r : "(no answer)");
	}
	sqlite3_finalize(stmt);
	return rc;
}

const char *store_user(void)
{
	const char *u = getenv("USER");
	struct passwd *pw;

	if (u && *u)
		return u;
	pw = getpwuid(getuid());
	return pw && pw->pw_name ? pw->pw_name : "unknown";
}

char *store_timestamp(char *buf, unsigned long n)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

int64_t store_run_start(struct store *st, const char *kind, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	char ts[32];
	int64_t id = -1;

	if (store_prepare(st, "INSERT INTO runs(kind, started_at, user) VALUES(?, ?, ?)", &stmt,
	                  err))
		return -1;
	sqlite3_bind_text(stmt, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, store_timestamp(ts, sizeof ts), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, store_user(), -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(st->db);
	else
		store_sql_error(st, err, 0, "recording a run");
	sqlite3_finalize(stmt);
	return id;
}

int store_run_finish(struct store *st, int64_t run_id, int64_t duration_ms, int workers,
                     const char *summary_json, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	char ts[32];
	int rc = 0;

	if (store_prepare(st, "UPDATE runs SET finished_at = ?, duration_ms = ?, workers = ?, "
	                  "summary = ? WHERE id = ?", &stmt, err))
		return err->code;
	sqlite3_bind_text(stmt, 1, store_timestamp(ts, sizeof ts), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, duration_ms);
	sqlite3_bind_int(stmt, 3, workers);
	store_bind_text(stmt, 4, summary_json, -1);
	sqlite3_bind_int64(stmt, 5, run_id);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = store_sql_error(st, err, 0, "recording a run");
	sqlite3_finalize(stmt);
	return rc;
}
