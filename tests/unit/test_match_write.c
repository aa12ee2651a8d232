/* store_match_write on its large-write path (>= 50k rows: indexes rebuilt at the end, the
 * exceptions built on a helper thread, a rollback journal on a first run): the rows it
 * writes, the rows it keeps, and the journal it uses with and without another connection
 * open. Synthetic results, so that the write alone is tested. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include <cmocka.h>

#include "paymatch/store.h"
#include "paymatch/store_match.h"
#include "ws_test.h"

#define NROWS 2000      /* invoices and payments */
#define NALLOCS 60000
#define NEXCS 20000

static char path[64];

static const char *const EXPL[] = { "ref exact, amount exact", "name 0.93 \"ACME\", +3d",
	"customer has 2 open invoices of that amount" };
static const char *const KINDS[] = { "unmatched_payment", "suggested", "short_pay", "over_pay",
	"duplicate", "currency_mismatch", "ambiguous" };

static void alloc_at(void *ctx, int64_t i, struct store_match_alloc *a)
{
	(void)ctx;
	*a = (struct store_match_alloc){ .payment_row = 1 + i / 30,
		.invoice_row = 1 + (i * 7) % NROWS, .amount_applied = 100 + i,
		.deduction = i % 9 ? 0 : 5, .currency = i % 5 ? "EUR" : "USD",
		.rule = i % 3 ? "exact_ref" : "name_amount", .explanation = EXPL[i % 3],
		.status = i % 4 ? "auto" : "suggested", .confidence = (double)(i % 1000) / 1000,
		.group = i % 10 < 2 ? i - i % 10 + 1 : 0 };
}

static void exc_at(void *ctx, int64_t i, struct store_match_exception *e)
{
	(void)ctx;
	*e = (struct store_match_exception){ .kind = KINDS[i % 7], .currency = "EUR",
		.detail = EXPL[i % 3], .payment_row = 1 + i % NROWS,
		.invoice_row = i % 3 ? 1 + (i * 11) % NROWS : 0, .alloc_index = i % 2 ? i : -1,
		.amount = i * 3, .confidence = i % 5 ? (double)(i % 100) / 100 : -1 };
}

static void exec(const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int64_t query(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t n = -1;

	sqlite3_open(path, &db);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

/* A working set with invoices, payments, a confirmed allocation and an import conflict. */
static int setup(void **state)
{
	struct store *st;
	struct pm_error err;

	(void)state;
	snprintf(path, sizeof path, "/tmp/pm-test-match-write-%d.db", (int)getpid());
	ws_test_remove(path);
	if (store_open(path, STORE_READWRITE, 1000, &st, &err))
		return -1;
	store_close(st);
	exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
	     "INSERT INTO invoices(id, invoice_id, customer_id, customer_name, invoice_date, "
	     "due_date, amount, currency) SELECT i, 'INV-' || i, 'C1', 'Acme', '2026-01-01', "
	     "'2026-02-01', 100000, 'EUR' FROM n;"
	     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
	     "INSERT INTO payments(id, payment_id, payment_date, amount, currency) "
	     "SELECT i, 'P-' || i, '2026-01-10', 100000, 'EUR' FROM n;"
	     "INSERT INTO allocations(id, payment_row, invoice_row, amount_applied, currency, "
	     "confidence, rule, explanation, status, created_at) VALUES(7, 5, 5, 10, 'EUR', 1, "
	     "'manual', 'kept', 'confirmed', '2026-01-01T00:00:00Z');"
	     "INSERT INTO exceptions(id, kind, payment_row, detail) "
	     "VALUES(3, 'import_conflict', 9, 'kept');");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ws_test_remove(path);
	return 0;
}

/* Writes the synthetic results with workers (1 = no helper thread); returns the -wal
 * file's size right after the write, before the connection closes. */
static long long write_results(int workers)
{
	struct store_match_results res = { .nallocs = NALLOCS, .nexcs = NEXCS,
		.alloc_at = alloc_at, .exc_at = exc_at, .workers = workers };
	struct store *st;
	struct pm_error err;
	struct stat sb;
	char wal[96];
	int64_t run_id = 0;

	assert_int_equal(store_open(path, STORE_READWRITE, 1000, &st, &err), 0);
	assert_int_equal(store_match_write(st, &res, &run_id, &err), 0);
	assert_true(run_id > 0);
	snprintf(wal, sizeof wal, "%s-wal", path);
	if (stat(wal, &sb) != 0)
		sb.st_size = 0;
	store_close(st);
	return (long long)sb.st_size;
}

/* A checksum of every written column of the rows of one table, ids included. */
static int64_t allocations_sum(void)
{
	return query("SELECT sum(id * 7 + ifnull(payment_row, 0) * 3 + invoice_row * 5 + "
	             "amount_applied + deduction * 11 + length(currency || rule || explanation || "
	             "status) * 13 + ifnull(match_group, 0) * 17 + cast(confidence * 1000 AS int) * "
	             "19) FROM allocations");
}

static int64_t exceptions_sum(void)
{
	return query("SELECT sum(id * 7 + ifnull(payment_row, 0) * 3 + ifnull(invoice_row, 0) * 5 "
	             "+ ifnull(allocation_id, 0) * 11 + amount + length(kind || currency || detail) "
	             "* 13 + cast(ifnull(confidence, -1) * 100 AS int) * 17) FROM exceptions");
}

static void check_written(void)
{
	assert_int_equal(query("SELECT count(*) FROM pragma_integrity_check WHERE "
	                       "integrity_check <> 'ok'"), 0);
	assert_int_equal(query("SELECT count(*) FROM allocations"), NALLOCS + 1);
	assert_int_equal(query("SELECT count(*) FROM allocations WHERE id = 7 AND "
	                       "status = 'confirmed'"), 1);
	/* ids follow the largest kept one, in the engine's order */
	assert_int_equal(query("SELECT min(id) || max(id) FROM allocations WHERE status <> "
	                       "'confirmed'"), 860007);
	assert_int_equal(query("SELECT count(*) FROM exceptions"), NEXCS + 1);
	assert_int_equal(query("SELECT count(*) FROM exceptions WHERE id = 3 AND "
	                       "kind = 'import_conflict'"), 1);
	assert_int_equal(query("SELECT min(id) FROM exceptions WHERE id <> 3"), 4);
	/* an exception names its allocation by the allocation's id */
	assert_int_equal(query("SELECT count(*) FROM exceptions e JOIN allocations a ON "
	                       "a.id = e.allocation_id WHERE a.amount_applied <> 100 + e.id - 4"), 0);
	assert_int_equal(query("SELECT count(*) FROM exceptions WHERE allocation_id IS NOT NULL"),
	                 NEXCS / 2);
	assert_int_equal(query("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
	                       "tbl_name IN ('allocations', 'exceptions')"), 9);
	assert_int_equal(query("SELECT count(*) FROM sqlite_master WHERE name LIKE 'pm_%'"), 0);
}

static void test_large_first_write_keeps_kept_rows_and_skips_the_wal(void **state)
{
	long long wal;

	(void)state;
	wal = write_results(2);
	check_written();
	/* 80k rows (~8 MB) went to the database file, not to the WAL */
	assert_true(wal < 1000000);
	assert_int_equal(query("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = "
	                       "'wal'"), 1);
}

static void test_helper_thread_writes_what_one_thread_writes(void **state)
{
	int64_t a1, e1;

	(void)state;
	write_results(1);
	check_written();
	a1 = allocations_sum();
	e1 = exceptions_sum();
	exec("DELETE FROM allocations WHERE id <> 7; DELETE FROM exceptions WHERE id <> 3");
	write_results(2);
	check_written();
	assert_int_equal(allocations_sum(), a1);
	assert_int_equal(exceptions_sum(), e1);
}

static void test_large_rewrite_replaces_the_previous_results(void **state)
{
	int64_t a1, e1;

	(void)state;
	write_results(2);
	a1 = allocations_sum();
	e1 = exceptions_sum();
	/* through the WAL, deleting the previous auto/suggested rows and the exceptions but
	 * the import conflict: the new rows take the same ids again */
	write_results(2);
	check_written();
	assert_int_equal(allocations_sum(), a1);
	assert_int_equal(exceptions_sum(), e1);
	assert_int_equal(query("SELECT count(*) FROM runs WHERE kind = 'match'"), 2);
}

/* A row with a status or kind the schema does not allow (the write skips SQLite's CHECK
 * for speed and checks them itself) is refused, and the previous results stay. */
static int bad_row = -1;

static void bad_alloc_at(void *ctx, int64_t i, struct store_match_alloc *a)
{
	alloc_at(ctx, i, a);
	if (i == bad_row)
		a->status = "approved";
}

static void bad_exc_at(void *ctx, int64_t i, struct store_match_exception *e)
{
	exc_at(ctx, i, e);
	if (i == bad_row)
		e->kind = "mystery";
}

static void test_unknown_status_or_kind_is_refused_and_changes_nothing(void **state)
{
	struct store_match_results res = { .nallocs = NALLOCS, .nexcs = NEXCS,
		.alloc_at = bad_alloc_at, .exc_at = exc_at, .workers = 2 };
	struct store *st;
	struct pm_error err;
	int64_t run_id = 0, a1, e1;

	(void)state;
	write_results(2);
	a1 = allocations_sum();
	e1 = exceptions_sum();
	assert_int_equal(store_open(path, STORE_READWRITE, 1000, &st, &err), 0);
	bad_row = NALLOCS - 1;
	assert_int_equal(store_match_write(st, &res, &run_id, &err), PM_ESOFTWARE);
	res.alloc_at = alloc_at;
	res.exc_at = bad_exc_at;
	bad_row = 3;
	assert_int_equal(store_match_write(st, &res, &run_id, &err), PM_ESOFTWARE);
	bad_row = -1;
	store_close(st);
	assert_int_equal(allocations_sum(), a1);
	assert_int_equal(exceptions_sum(), e1);
	assert_int_equal(query("SELECT count(*) FROM runs WHERE kind = 'match'"), 1);
}

/* A row SQLite itself refuses (here a NULL currency: NOT NULL) in the middle of the
 * allocations ends the write: the inserts say OR ROLLBACK, so the whole transaction goes,
 * on a first write (rollback journal) as on a rewrite (WAL), and the connection takes the
 * next write. */
static void null_currency_alloc_at(void *ctx, int64_t i, struct store_match_alloc *a)
{
	alloc_at(ctx, i, a);
	if (i == bad_row)
		a->currency = NULL;
}

static void failed_write_keeps(struct store *st, int64_t a1, int64_t e1, int64_t runs)
{
	struct store_match_results res = { .nallocs = NALLOCS, .nexcs = NEXCS,
		.alloc_at = null_currency_alloc_at, .exc_at = exc_at, .workers = 2 };
	struct pm_error err;
	int64_t run_id = 0;

	bad_row = NALLOCS / 2 + 5;   /* inside a 64-row statement, thousands of rows in */
	assert_int_not_equal(store_match_write(st, &res, &run_id, &err), 0);
	bad_row = -1;
	assert_non_null(strstr(err.msg, "previous results kept"));
	assert_false(store_in_transaction(st));
	assert_int_equal(allocations_sum(), a1);
	assert_int_equal(exceptions_sum(), e1);
	assert_int_equal(query("SELECT count(*) FROM runs WHERE kind = 'match'"), runs);
	assert_int_equal(query("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
	                       "tbl_name IN ('allocations', 'exceptions')"), 9);
	assert_int_equal(query("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = "
	                       "'wal'"), 1);
}

static void test_row_refused_by_sqlite_rolls_the_whole_write_back(void **state)
{
	struct store_match_results res = { .nallocs = NALLOCS, .nexcs = NEXCS,
		.alloc_at = alloc_at, .exc_at = exc_at, .workers = 2 };
	struct store *st;
	struct pm_error err;
	int64_t run_id = 0, a0, e0, a1, e1;

	(void)state;
	a0 = allocations_sum();
	e0 = exceptions_sum();
	assert_int_equal(store_open(path, STORE_READWRITE, 1000, &st, &err), 0);
	failed_write_keeps(st, a0, e0, 0);           /* first write */
	assert_int_equal(store_match_write(st, &res, &run_id, &err), 0);
	store_close(st);
	check_written();
	a1 = allocations_sum();
	e1 = exceptions_sum();
	assert_int_equal(store_open(path, STORE_READWRITE, 1000, &st, &err), 0);
	failed_write_keeps(st, a1, e1, 1);           /* rewrite */
	store_close(st);
	check_written();
}

static void test_large_write_with_a_reader_open_stays_in_the_wal(void **state)
{
	sqlite3 *reader;
	long long wal;

	(void)state;
	assert_int_equal(sqlite3_open(path, &reader), SQLITE_OK);
	assert_int_equal(sqlite3_exec(reader, "SELECT count(*) FROM invoices", NULL, NULL, NULL),
	                 SQLITE_OK);
	wal = write_results(2);
	assert_true(wal > 1000000);   /* written through the WAL */
	check_written();
	assert_int_equal(sqlite3_exec(reader, "SELECT count(*) FROM allocations", NULL, NULL,
	                              NULL), SQLITE_OK);
	sqlite3_close(reader);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_large_first_write_keeps_kept_rows_and_skips_the_wal),
		T(test_helper_thread_writes_what_one_thread_writes),
		T(test_large_rewrite_replaces_the_previous_results),
		T(test_large_write_with_a_reader_open_stays_in_the_wal),
		T(test_unknown_status_or_kind_is_refused_and_changes_nothing),
		T(test_row_refused_by_sqlite_rolls_the_whole_write_back),
	};
	return cmocka_run_group_tests_name("match_write", tests, NULL, NULL);
}
