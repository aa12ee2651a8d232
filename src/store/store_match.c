/* Writing match results (see store_match.h): one transaction of reused prepared multi-row
 * INSERTs. A large write appends to index-free tables and builds the indexes at the end,
 * builds the exceptions on a helper thread meanwhile and, on a first run, uses a rollback
 * journal instead of the WAL. Loading is in store_match_load.c. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paymatch/progress.h"
#include "paymatch/store_match.h"
#include "paymatch/strbuf.h"
#include "paymatch/thread.h"
#include "store_bulk.h"
#include "store_internal.h"

static const char *col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

static int step_done(struct store *st, sqlite3_stmt *s, struct pm_error *err, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, err, 0, what);
	return 0;
}

/* The first value of a one-row query, or -1 with err filled. */
static int64_t query_i64(struct store *st, const char *sql, struct pm_error *err)
{
	sqlite3_stmt *s;
	int64_t v = -1;

	if (store_prepare(st, sql, &s, err))
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	else
		store_sql_error(st, err, 0, "reading result ids");
	sqlite3_finalize(s);
	return v;
}

static void bind_row(sqlite3_stmt *s, int i, int64_t row)
{
	if (row > 0)
		sqlite3_bind_int64(s, i, row);
	else
		sqlite3_bind_null(s, i);
}

/* Rows per multi-row INSERT: one statement step per 64 rows instead of per row. The
 * inserts say OR ROLLBACK: a failing row then ends the whole transaction (which the write
 * rolls back anyway) instead of undoing its own statement's earlier rows, so SQLite keeps
 * no statement journal. With one, every statement copied the pages it was about to change
 * (the table's and the live index's last leaves and their parents) to a temporary file
 * first: ~1 GB of copies for the 921k allocations of 1M payments, 0.3-0.5 s. */
#define ROWS_PER_INSERT 64
#define ALLOC_COLS 11
#define EXC_COLS 9

/* Builds "INSERT ... VALUES (?3,...,?1,?2),(...)" for nrows rows of ncols parameters each
 * after the shared ones (?1 = run id, ?2 = timestamp when tail names it). Placeholders
 * only: no data ever enters the SQL text. */
static char *multi_insert_sql(const char *head, int ncols, const char *tail, int nrows)
{
	struct strbuf sb = STRBUF_INIT;
	int p = 3;

	strbuf_init(&sb);
	strbuf_addstr(&sb, head);
	for (int r = 0; r < nrows; r++) {
		strbuf_addstr(&sb, r ? ",(" : " VALUES(");
		for (int c = 0; c < ncols; c++)
			strbuf_addf(&sb, "%s?%d", c ? "," : "", p++);
		strbuf_addstr(&sb, tail);
	}
	if (sb.len == 0 || strbuf_addch(&sb, '\0')) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

/* A multi-row statement and a single-row one for the remainder. */
struct inserter {
	sqlite3_stmt *many, *one;
};

static int inserter_prepare(struct store *st, struct inserter *in, const char *head, int ncols,
                            const char *tail, struct pm_error *err)
{
	char *many = multi_insert_sql(head, ncols, tail, ROWS_PER_INSERT);
	char *one = multi_insert_sql(head, ncols, tail, 1);
	int rc = 0;

	in->many = in->one = NULL;
	if (!many || !one)
		rc = pm_error_set(err, PM_EIO, "out of memory preparing the result inserts");
	else if (store_prepare(st, many, &in->many, err) || store_prepare(st, one, &in->one, err))
		rc = err->code;
	free(many);
	free(one);
	return rc;
}

static void inserter_finalize(struct inserter *in)
{
	sqlite3_finalize(in->many);
	sqlite3_finalize(in->one);
}

static void bind_alloc(sqlite3_stmt *s, int p, const struct store_match_alloc *a, int64_t id,
                       int64_t base)
{
	sqlite3_bind_int64(s, p, id);
	bind_row(s, p + 1, a->payment_row);
	bind_row(s, p + 2, a->invoice_row);
	sqlite3_bind_int64(s, p + 3, a->amount_applied);
	sqlite3_bind_int64(s, p + 4, a->deduction);
	sqlite3_bind_text(s, p + 5, a->currency, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, p + 6, a->confidence);
	sqlite3_bind_text(s, p + 7, a->rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, p + 8, a->explanation, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, p + 9, a->status, -1, SQLITE_STATIC);
	bind_row(s, p + 10, a->group > 0 ? base + a->group : 0);
}

static int insert_allocs(struct store *st, const struct store_match_results *res, int64_t base,
                         int64_t run_id, const char *now, struct pm_error *err)
{
	struct inserter in;
	int64_t i = 0;
	int rc;

	rc = inserter_prepare(st, &in, "INSERT OR ROLLBACK INTO allocations(id, payment_row, "
	                      "invoice_row, amount_applied, deduction, currency, confidence, rule, "
	                      "explanation, status, match_group, run_id, created_at)", ALLOC_COLS,
	                      ",?1,?2)", err);
	for (int k = 0; !rc && k < 2; k++) {
		sqlite3_stmt *s = k ? in.one : in.many;
		int rows = k ? 1 : ROWS_PER_INSERT;

		sqlite3_bind_int64(s, 1, run_id);
		sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
		while (!rc && res->nallocs - i >= rows) {
			for (int r = 0; r < rows; r++, i++) {
				struct store_match_alloc a;

				res->alloc_at(res->rows_ctx, i, &a);
				bind_alloc(s, 3 + r * ALLOC_COLS, &a, base + i + 1, base);
			}
			rc = step_done(st, s, err, "writing allocations");
		}
	}
	inserter_finalize(&in);
	return rc;
}

static void bind_exc(sqlite3_stmt *s, int p, const struct store_match_exception *e, int64_t id,
                     int64_t base)
{
	sqlite3_bind_int64(s, p, id);
	sqlite3_bind_text(s, p + 1, e->kind, -1, SQLITE_STATIC);
	bind_row(s, p + 2, e->payment_row);
	bind_row(s, p + 3, e->invoice_row);
	bind_row(s, p + 4, e->alloc_index >= 0 ? base + e->alloc_index + 1 : 0);
	sqlite3_bind_int64(s, p + 5, e->amount);
	sqlite3_bind_text(s, p + 6, e->currency ? e->currency : "", -1, SQLITE_STATIC);
	if (e->confidence >= 0)
		sqlite3_bind_double(s, p + 7, e->confidence);
	else
		sqlite3_bind_null(s, p + 7);
	sqlite3_bind_text(s, p + 8, e->detail ? e->detail : "", -1, SQLITE_STATIC);
}

/* Where the rows of one write go: the allocations' ids follow alloc_base, the exceptions'
 * exc_base (ids are explicit so that exceptions built elsewhere keep them). */
struct write_ids {
	int64_t alloc_base, exc_base, run_id;
};

static int insert_excs(struct store *st, const struct store_match_results *res,
                       const struct write_ids *ids, struct pm_error *err)
{
	struct inserter in;
	int64_t i = 0;
	int rc;

	/* ?2 is not used here: the shared run id is ?1 and each row's columns start at ?3 */
	rc = inserter_prepare(st, &in, "INSERT OR ROLLBACK INTO exceptions(id, kind, payment_row, "
	                      "invoice_row, allocation_id, amount, currency, confidence, detail, "
	                      "run_id)", EXC_COLS, ",?1)", err);
	for (int k = 0; !rc && k < 2; k++) {
		sqlite3_stmt *s = k ? in.one : in.many;
		int rows = k ? 1 : ROWS_PER_INSERT;

		sqlite3_bind_int64(s, 1, ids->run_id);
		while (!rc && res->nexcs - i >= rows) {
			for (int r = 0; r < rows; r++, i++) {
				struct store_match_exception e;

				res->exc_at(res->rows_ctx, i, &e);
				bind_exc(s, 3 + r * EXC_COLS, &e, ids->exc_base + i + 1, ids->alloc_base);
			}
			rc = step_done(st, s, err, "writing exceptions");
		}
	}
	inserter_finalize(&in);
	return rc;
}

/* The secondary indexes of allocations and exceptions, as saved from the schema. */
struct saved_indexes {
	char *sql[16];
	bool exc[16];              /* an index of exceptions (else of allocations) */
	int n;
};

static void saved_free(struct saved_indexes *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->sql[i]);
	s->n = 0;
}

/* True when the allocations come in payment order, as the engine writes them: then
 * allocations_payment stays during the write, every new entry landing at the end of the
 * index (measured 0.1 s less than building it afterwards at 1M rows). In any other order
 * it is rebuilt like the others, since entries scattered over the index cost more. */
static bool in_payment_order(const struct store_match_results *res)
{
	int64_t prev = 0;

	for (int64_t i = 0; i < res->nallocs; i++) {
		struct store_match_alloc a;
		int64_t row;

		res->alloc_at(res->rows_ctx, i, &a);
		row = a.payment_row > 0 ? a.payment_row : 0;   /* NULL sorts first */
		if (row < prev)
			return false;
		prev = row;
	}
	return true;
}

/* Drops the result tables' indexes but keep (when not NULL), keeping their CREATE text, so
 * that a big write appends to plain tables and the indexes are built once at the end: the
 * same trade-off as the bulk import's secondary indexes. Names and SQL come from
 * sqlite_master, never from data. */
static int drop_result_indexes(struct store *st, struct saved_indexes *sv, const char *keep,
                               struct pm_error *err)
{
	sqlite3_stmt *s;
	char *names[16];
	int rc = 0, n = 0;

	if (store_prepare(st, "SELECT name, sql, tbl_name = 'exceptions' FROM sqlite_master "
	                  "WHERE type = 'index' AND tbl_name IN ('allocations','exceptions') AND "
	                  "sql IS NOT NULL ORDER BY name", &s, err))
		return err->code;
	while (n < 16 && sqlite3_step(s) == SQLITE_ROW) {
		if (keep && strcmp(col(s, 0), keep) == 0)
			continue;
		names[n] = sqlite3_mprintf("DROP INDEX \"%w\"", col(s, 0));
		sv->sql[n] = strdup(col(s, 1));
		sv->exc[n] = sqlite3_column_int(s, 2) != 0;
		if (!names[n] || !sv->sql[n]) {
			sqlite3_free(names[n]);
			free(sv->sql[n]);
			rc = pm_error_set(err, PM_EIO, "out of memory saving indexes");
			break;
		}
		n++;
	}
	sqlite3_finalize(s);
	sv->n = n;
	/* dropped only after the schema query ended: a running SELECT locks the schema */
	for (int i = 0; i < n; i++) {
		if (!rc && store_exec(st, names[i], err))
			rc = err->code;
		sqlite3_free(names[i]);
	}
	return rc;
}

/* Re-creates the saved indexes of one table (exc: exceptions, else allocations). */
static int restore_result_indexes(struct store *st, const struct saved_indexes *sv, bool exc,
                                  struct pm_error *err)
{
	for (int i = 0; i < sv->n; i++)
		if (sv->exc[i] == exc && store_exec(st, sv->sql[i], err))
			return err->code;
	return 0;
}

/* The exceptions of a large write are built on a helper thread, in a private in-memory
 * database with the working set's own CREATE statements, while this connection writes the
 * allocations: their insert and five index builds are a quarter of the write (0.7 s of CPU
 * at 1M rows) and need no lock on the working set. That database lives in SQLite's memdb
 * VFS under a name private to this process, so that this connection can attach it: then
 * "INSERT INTO exceptions SELECT * FROM" its identical table is SQLite's transfer
 * optimisation, which copies records and index entries as they are, in order, without
 * re-sorting (0.2 s). */
struct side {
	const struct store_match_results *res;
	struct write_ids ids;
	char *table_sql;                  /* CREATE TABLE exceptions, from sqlite_master */
	const struct saved_indexes *indexes;
	char uri[96];                     /* the memdb database's name */
	sqlite3 *db;                      /* the helper's connection, kept open until attached */
	int rc;
	struct pm_error err;
	pthread_t tid;
	bool started;
};

static void *side_main(void *arg)
{
	struct side *sd = arg;
	char name[] = "(exceptions being built)";
	struct store aux = { .path = name };

	pm_error_clear(&sd->err);
	if (sqlite3_open_v2(sd->uri, &aux.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
		sd->rc = pm_error_set(&sd->err, PM_EIO, "out of memory building the exceptions");
	else if (store_exec(&aux, "PRAGMA journal_mode = OFF", &sd->err) ||
	         store_exec(&aux, "PRAGMA ignore_check_constraints = ON", &sd->err) ||
	         store_exec(&aux, sd->table_sql, &sd->err) || store_exec(&aux, "BEGIN", &sd->err) ||
	         insert_excs(&aux, sd->res, &sd->ids, &sd->err) ||
	         restore_result_indexes(&aux, sd->indexes, true, &sd->err) ||
	         store_exec(&aux, "COMMIT", &sd->err))
		sd->rc = sd->err.code;
	sd->db = aux.db;
	return NULL;
}

/* Starts the helper thread when there is a second CPU and the run was not asked to keep
 * to one worker; returns false (the exceptions are then written here) otherwise. */
static bool side_start(struct store *st, struct side *sd, struct pm_error *err)
{
	sqlite3_stmt *s;

	if (sd->res->workers == 1 || sysconf(_SC_NPROCESSORS_ONLN) < 2 ||
	    store_prepare(st, "SELECT sql FROM sqlite_master WHERE type = 'table' AND "
	                  "name = 'exceptions'", &s, err))
		return false;
	if (sqlite3_step(s) == SQLITE_ROW)
		sd->table_sql = strdup(col(s, 0));
	sqlite3_finalize(s);
	if (!sd->table_sql)
		return false;
	/* a leading '/' makes a memdb database visible to every connection of this process */
	snprintf(sd->uri, sizeof sd->uri, "file:/paymatch-exceptions-%ld-%p?vfs=memdb",
	         (long)getpid(), (void *)sd);
	sd->started = pm_thread_start(&sd->tid, side_main, sd) == 0;
	return sd->started;
}

/* Waits for the helper; returns true when it built the exceptions. */
static bool side_wait(struct side *sd)
{
	if (!sd->started)
		return false;
	pthread_join(sd->tid, NULL);
	sd->started = false;
	return sd->rc == 0;
}

/* Copies the helper's exceptions in. pm_side stays attached until the transaction ended
 * (a database read in a transaction cannot be detached); store_match_write detaches it,
 * which frees it. */
static int side_copy(struct store *st, struct side *sd, struct pm_error *err)
{
	sqlite3_stmt *s;
	int rc;

	if (store_prepare(st, "ATTACH ? AS pm_side", &s, err))
		return err->code;
	sqlite3_bind_text(s, 1, sd->uri, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, err, 0, "copying the exceptions");
	return store_exec(st, "INSERT INTO main.exceptions SELECT * FROM pm_side.exceptions", err);
}

static void side_free(struct side *sd)
{
	if (sd->started)
		pthread_join(sd->tid, NULL);
	sqlite3_close(sd->db);
	free(sd->table_sql);
}

/* The rows of a large write, into tables whose indexes were dropped: the allocations here
 * while the helper builds the exceptions, the allocations' indexes, then the exceptions
 * (their indexes first when the copy will fill them, after the insert when written here). */
static int write_bulk(struct store *st, const struct store_match_results *res,
                      const struct write_ids *ids, const char *now,
                      const struct saved_indexes *sv, struct pm_error *err)
{
	struct side sd = { .res = res, .ids = *ids, .indexes = sv };
	struct pm_error ignored;
	int rc;

	side_start(st, &sd, &ignored);
	rc = insert_allocs(st, res, ids->alloc_base, ids->run_id, now, err) ||
	     restore_result_indexes(st, sv, false, err);
	if (!rc && side_wait(&sd))
		rc = restore_result_indexes(st, sv, true, err) || side_copy(st, &sd, err);
	else if (!rc)
		rc = insert_excs(st, res, ids, err) || restore_result_indexes(st, sv, true, err);
	side_free(&sd);
	return rc ? err->code : 0;
}

#define BULK_WRITE_ROWS 50000

static int write_rows(struct store *st, const struct store_match_results *res, int64_t *run_id,
                      struct pm_error *err)
{
	struct saved_indexes sv = { .n = 0 };
	bool bulk = res->nallocs + res->nexcs >= BULK_WRITE_ROWS;
	struct write_ids ids;
	const char *summary = NULL;
	char now[32];

	if (store_begin(st, err))
		return err->code;
	ids.run_id = *run_id = store_run_start(st, "match", err);
	if (*run_id < 0 || (bulk && drop_result_indexes(st, &sv, in_payment_order(res) ?
	                                                "allocations_payment" : NULL, err)))
		goto fail;
	if (store_exec(st, "DELETE FROM allocations WHERE status IN ('auto','suggested')", err) ||
	    store_exec(st, "DELETE FROM exceptions WHERE kind <> 'import_conflict'", err))
		goto fail;
	ids.alloc_base = query_i64(st, "SELECT IFNULL(MAX(id), 0) FROM allocations", err);
	ids.exc_base = query_i64(st, "SELECT IFNULL(MAX(id), 0) FROM exceptions", err);
	if (ids.alloc_base < 0 || ids.exc_base < 0)
		goto fail;
	store_timestamp(now, sizeof now);
	if (bulk ? write_bulk(st, res, &ids, now, &sv, err) :
	    (insert_allocs(st, res, ids.alloc_base, *run_id, now, err) ||
	     insert_excs(st, res, &ids, err)))
		goto fail;
	saved_free(&sv);
	if (res->summary)
		summary = res->summary(res->summary_ctx, *run_id);
	if (store_run_finish(st, *run_id, (pm_now_ns() - res->started_ns) / 1000000,
	                     res->workers, summary, err))
		goto fail;
	return store_commit(st, err);
fail:
	saved_free(&sv);
	store_rollback(st);
	return pm_error_wrap(err, "writing match results (previous results kept)");
}

/* Foreign-key checks are switched off for this one write (the pragma is per connection and
 * takes effect only outside a transaction). Safe because every row it inserts references
 * rows that exist and cannot vanish meanwhile: payment_row and invoice_row come from the
 * snapshot this run loaded from the same database, payments and invoices are never deleted
 * (no statement in src/ deletes them; imports only append), the write holds the write lock
 * (BEGIN IMMEDIATE) from the first insert to the commit, and run_id is the run row created
 * inside the same transaction. Checking them costs two B-tree probes per row (a third of
 * the write at 1M allocations). `paymatch check` still verifies that no reference dangles.
 * The transfer optimisation that copies the exceptions in also needs them off.
 * store_bulk_leave switches them on again. */
static void foreign_keys_off(struct store *st)
{
	struct pm_error ignored;

	store_exec(st, "PRAGMA foreign_keys = OFF", &ignored);
}

/* The values the schema's CHECK constraints allow (schema.c), checked here once per
 * distinct string instead of by SQLite per row: its IN-list CHECK on allocations.status
 * cost 0.5 s of the 1.1 s insert of 831k allocations (sqlite3 3.40). */
static const char *const ALLOC_STATUSES[] = { "auto", "suggested", "confirmed", "manual",
	"rejected", NULL };
static const char *const EXC_KINDS[] = { "unmatched_payment", "suggested", "short_pay",
	"over_pay", "duplicate", "currency_mismatch", "ambiguous", "import_conflict", NULL };

static bool in_list(const char *v, const char *const *list)
{
	for (; v && *list; list++)
		if (strcmp(v, *list) == 0)
			return true;
	return false;
}

/* True when every row's status and kind are ones the schema allows. The engine hands the
 * same few static strings: a string already seen is not compared again. */
static bool rows_valid(const struct store_match_results *res)
{
	const char *ok_status = NULL, *ok_kind = NULL;

	for (int64_t i = 0; i < res->nallocs; i++) {
		struct store_match_alloc a;

		res->alloc_at(res->rows_ctx, i, &a);
		if (a.status != ok_status && !in_list(a.status, ALLOC_STATUSES))
			return false;
		ok_status = a.status;
	}
	for (int64_t i = 0; i < res->nexcs; i++) {
		struct store_match_exception e;

		res->exc_at(res->rows_ctx, i, &e);
		if (e.kind != ok_kind && !in_list(e.kind, EXC_KINDS))
			return false;
		ok_kind = e.kind;
	}
	return true;
}

/* True when the run replaces no earlier results: no auto/suggested allocation and no
 * exception but import conflicts (the status index answers the first part). */
static bool first_results(struct store *st)
{
	struct pm_error ignored;

	return query_i64(st, "SELECT NOT EXISTS(SELECT 1 FROM allocations WHERE status IN "
	                 "('auto','suggested')) AND NOT EXISTS(SELECT 1 FROM exceptions WHERE "
	                 "kind <> 'import_conflict')", &ignored) == 1;
}

/* A large first write goes through a rollback journal instead of the WAL
 * (store_bulk_journal_enter): its pages are appended past the end of the file, which a
 * rollback journal does not copy, so they are written once; in the WAL they were written
 * twice, the second time by the checkpoint at commit (about 1 s at 1M rows). A kill -9
 * mid-write leaves a hot journal that the next open (read-only ones too, see store_open)
 * rolls back to the previous results. A re-run stays in the WAL: its DELETE rewrites the old results' pages (secure
 * delete zeroes them), which a rollback journal would copy once more (measured slower).
 * When another connection has the working set open the switch fails at once and the write
 * stays in the WAL. */
int store_match_write(struct store *st, const struct store_match_results *res,
                      int64_t *run_id, struct pm_error *err)
{
	bool journal = false;
	int rc;

	if (store_in_transaction(st))
		return pm_error_set(err, PM_ESOFTWARE, "match results written inside a transaction");
	if (!rows_valid(res))
		return pm_error_set(err, PM_ESOFTWARE, "match results with an unknown status or kind");
	foreign_keys_off(st);
	sqlite3_exec(st->db, "PRAGMA ignore_check_constraints = ON", NULL, NULL, NULL);
	if (res->nallocs + res->nexcs >= BULK_WRITE_ROWS && first_results(st))
		journal = store_bulk_journal_enter(st);
	rc = write_rows(st, res, run_id, err);
	/* fails harmlessly when the exceptions were written here */
	sqlite3_exec(st->db, "DETACH pm_side", NULL, NULL, NULL);
	sqlite3_exec(st->db, "PRAGMA ignore_check_constraints = OFF", NULL, NULL, NULL);
	store_bulk_leave(st, journal);
	return rc;
}
