/* Writing match results (see store_match.h): one transaction of reused prepared multi-row
 * INSERTs. Loading is in store_match_load.c. */
#include <stdlib.h>
#include <string.h>

#include "paymatch/progress.h"
#include "paymatch/store_match.h"
#include "paymatch/strbuf.h"
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

static int64_t max_alloc_id(struct store *st, struct pm_error *err)
{
	sqlite3_stmt *s;
	int64_t id = -1;

	if (store_prepare(st, "SELECT IFNULL(MAX(id), 0) FROM allocations", &s, err))
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	else
		store_sql_error(st, err, 0, "reading allocation ids");
	sqlite3_finalize(s);
	return id;
}

static void bind_row(sqlite3_stmt *s, int i, int64_t row)
{
	if (row > 0)
		sqlite3_bind_int64(s, i, row);
	else
		sqlite3_bind_null(s, i);
}

/* Rows per multi-row INSERT: one statement step per 64 rows instead of per row. */
#define ROWS_PER_INSERT 64
#define ALLOC_COLS 11
#define EXC_COLS 8

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

	rc = inserter_prepare(st, &in, "INSERT INTO allocations(id, payment_row, invoice_row, "
	                      "amount_applied, deduction, currency, confidence, rule, explanation, "
	                      "status, match_group, run_id, created_at)", ALLOC_COLS, ",?1,?2)", err);
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

static void bind_exc(sqlite3_stmt *s, int p, const struct store_match_exception *e, int64_t base)
{
	sqlite3_bind_text(s, p, e->kind, -1, SQLITE_STATIC);
	bind_row(s, p + 1, e->payment_row);
	bind_row(s, p + 2, e->invoice_row);
	bind_row(s, p + 3, e->alloc_index >= 0 ? base + e->alloc_index + 1 : 0);
	sqlite3_bind_int64(s, p + 4, e->amount);
	sqlite3_bind_text(s, p + 5, e->currency ? e->currency : "", -1, SQLITE_STATIC);
	if (e->confidence >= 0)
		sqlite3_bind_double(s, p + 6, e->confidence);
	else
		sqlite3_bind_null(s, p + 6);
	sqlite3_bind_text(s, p + 7, e->detail ? e->detail : "", -1, SQLITE_STATIC);
}

static int insert_excs(struct store *st, const struct store_match_results *res, int64_t base,
                       int64_t run_id, struct pm_error *err)
{
	struct inserter in;
	int64_t i = 0;
	int rc;

	/* ?2 is not used here: the shared run id is ?1 and each row's columns start at ?3 */
	rc = inserter_prepare(st, &in, "INSERT INTO exceptions(kind, payment_row, invoice_row, "
	                      "allocation_id, amount, currency, confidence, detail, run_id)",
	                      EXC_COLS, ",?1)", err);
	for (int k = 0; !rc && k < 2; k++) {
		sqlite3_stmt *s = k ? in.one : in.many;
		int rows = k ? 1 : ROWS_PER_INSERT;

		sqlite3_bind_int64(s, 1, run_id);
		while (!rc && res->nexcs - i >= rows) {
			for (int r = 0; r < rows; r++, i++) {
				struct store_match_exception e;

				res->exc_at(res->rows_ctx, i, &e);
				bind_exc(s, 3 + r * EXC_COLS, &e, base);
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
	int n;
};

static void saved_free(struct saved_indexes *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->sql[i]);
	s->n = 0;
}

/* Drops the result tables' indexes (keeping their CREATE text) so that a big write appends
 * to plain tables and the indexes are built once at the end: the same trade-off as the
 * bulk import's secondary indexes. Names and SQL come from sqlite_master, never from data. */
static int drop_result_indexes(struct store *st, struct saved_indexes *sv, struct pm_error *err)
{
	sqlite3_stmt *s;
	char *names[16];
	int rc = 0, n = 0;

	if (store_prepare(st, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
	                  "tbl_name IN ('allocations','exceptions') AND sql IS NOT NULL ORDER BY name",
	                  &s, err))
		return err->code;
	while (n < 16 && sqlite3_step(s) == SQLITE_ROW) {
		names[n] = sqlite3_mprintf("DROP INDEX \"%w\"", col(s, 0));
		sv->sql[n] = strdup(col(s, 1));
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

static int restore_result_indexes(struct store *st, struct saved_indexes *sv,
                                  struct pm_error *err)
{
	for (int i = 0; i < sv->n; i++)
		if (store_exec(st, sv->sql[i], err))
			return err->code;
	return 0;
}

#define BULK_WRITE_ROWS 50000

/* Foreign-key checks are switched off for this one write (the pragma is per connection and
 * takes effect only outside a transaction). Safe because every row it inserts references
 * rows that exist and cannot vanish meanwhile: payment_row and invoice_row come from the
 * snapshot this run loaded from the same database, payments and invoices are never deleted
 * (no statement in src/ deletes them; imports only append), the write holds the write lock (BEGIN IMMEDIATE) from the
 * first insert to the commit, and run_id is the run row created inside the same
 * transaction. Checking them costs two B-tree probes per row (a third of the write at 1M
 * allocations). `paymatch check` still verifies that no reference dangles. */
static void foreign_keys(struct store *st, int on)
{
	struct pm_error ignored;

	store_exec(st, on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF", &ignored);
}

static int write_rows(struct store *st, const struct store_match_results *res, int64_t *run_id,
                      struct pm_error *err)
{
	struct saved_indexes sv = { .n = 0 };
	int bulk = res->nallocs + res->nexcs >= BULK_WRITE_ROWS;
	char now[32];
	int64_t base;
	const char *summary = NULL;

	if (store_begin(st, err))
		return err->code;
	*run_id = store_run_start(st, "match", err);
	if (*run_id < 0)
		goto fail;
	if (bulk && drop_result_indexes(st, &sv, err))
		goto fail;
	if (store_exec(st, "DELETE FROM allocations WHERE status IN ('auto','suggested')", err) ||
	    store_exec(st, "DELETE FROM exceptions WHERE kind <> 'import_conflict'", err))
		goto fail;
	base = max_alloc_id(st, err);
	if (base < 0)
		goto fail;
	store_timestamp(now, sizeof now);
	if (insert_allocs(st, res, base, *run_id, now, err) ||
	    insert_excs(st, res, base, *run_id, err) ||
	    restore_result_indexes(st, &sv, err))
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

int store_match_write(struct store *st, const struct store_match_results *res,
                      int64_t *run_id, struct pm_error *err)
{
	int rc;

	if (store_in_transaction(st))
		return pm_error_set(err, PM_ESOFTWARE, "match results written inside a transaction");
	foreign_keys(st, 0);
	rc = write_rows(st, res, run_id, err);
	foreign_keys(st, 1);
	return rc;
}
