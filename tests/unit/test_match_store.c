/* The engine on a working set: determinism across worker counts, incremental re-runs that
 * keep decisions, cancellation that keeps the previous results. Fixtures are written with
 * SQLite directly (test code only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include <cmocka.h>

#include "paymatch/config.h"
#include "paymatch/match.h"
#include "paymatch/store.h"
#include "ws_test.h"

static char path[64];
static struct pm_config *cfg;

static const char *NAMES[] = { "Acme Industrial Supply LLC", "Acme Industries Ltd", "Bravo Foods GmbH",
	"Müller Maschinenbau AG", "Delta Partners", "Echo Labs Inc", "Fox & Sons", "Golf Media SA" };

/* A deterministic mixed data set: references (exact, mangled, in memo), customer ids,
 * names, partials, sums, duplicates. */
static void fill(sqlite3 *db, int n)
{
	sqlite3_stmt *si, *sp;
	uint64_t x = 42;

	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO invoices(id,invoice_id,customer_id,customer_name,"
	                   "invoice_date,due_date,amount,currency,reference_number) VALUES(?,?,?,?,"
	                   "?,?,?,'USD',?)", -1, &si, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO payments(id,payment_id,payment_date,amount,currency,"
	                   "payer_name,customer_id,reference_number,memo) VALUES(?,?,?,?,'USD',?,?,?,?)",
	                   -1, &sp, NULL);
	for (int i = 1; i <= n; i++) {
		char id[32], cust[16], d[16], pd[16], ref[32], memo[64];
		int c = (int)(x % 8), kind;
		int64_t amt;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		amt = (int64_t)((x >> 33) % 5 == 0 ? 100000 : 1000 + (x >> 20) % 500000);
		kind = (int)((x >> 40) % 6);
		snprintf(id, sizeof id, "INV-%06d", i);
		snprintf(cust, sizeof cust, "C%d", c);
		snprintf(d, sizeof d, "2026-%02d-%02d", 1 + i % 9, 1 + i % 27);
		snprintf(pd, sizeof pd, "2026-%02d-%02d", 2 + i % 9, 1 + (i * 7) % 27);
		sqlite3_bind_int(si, 1, i);
		sqlite3_bind_text(si, 2, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(si, 3, cust, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(si, 4, NAMES[c], -1, SQLITE_STATIC);
		sqlite3_bind_text(si, 5, d, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(si, 6, d, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(si, 7, amt);
		sqlite3_bind_text(si, 8, id, -1, SQLITE_TRANSIENT);
		sqlite3_step(si);
		sqlite3_reset(si);
		ref[0] = memo[0] = '\0';
		if (kind == 0)
			snprintf(ref, sizeof ref, "%s", id);
		else if (kind == 1)
			snprintf(memo, sizeof memo, "PAYMENT INV %d THANKS", i);
		else if (kind == 2)
			snprintf(ref, sizeof ref, "%06d", i);
		sqlite3_bind_int(sp, 1, i);
		snprintf(id, sizeof id, "P%06d", i);
		sqlite3_bind_text(sp, 2, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(sp, 3, pd, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(sp, 4, kind == 5 ? amt / 2 : amt);
		sqlite3_bind_text(sp, 5, kind == 4 ? NAMES[c] : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(sp, 6, kind == 3 ? cust : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(sp, 7, ref, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(sp, 8, memo, -1, SQLITE_TRANSIENT);
		sqlite3_step(sp);
		sqlite3_reset(sp);
	}
	sqlite3_finalize(si);
	sqlite3_finalize(sp);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

static int setup(void **state)
{
	struct store *st;
	struct pm_error err;
	sqlite3 *db;

	(void)state;
	snprintf(path, sizeof path, "/tmp/pm-test-match-%d.db", (int)getpid());
	ws_test_remove(path);
	cfg = config_new();
	cfg->performance.chunk_size = 97;   /* many chunks, so that workers interleave */
	if (store_open(path, STORE_READWRITE, 1000, &st, &err))
		return -1;
	store_close(st);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	fill(db, 3000);
	sqlite3_close(db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	config_free(cfg);
	ws_test_remove(path);
	return 0;
}

static int run(int workers, struct pm_progress *p)
{
	struct store *st;
	struct pm_error err;
	struct match_options o = { .workers = workers };
	struct match_summary s;
	int rc;

	assert_int_equal(store_open(path, STORE_READWRITE, 1000, &st, &err), 0);
	rc = match_run(st, cfg, &o, p, &s, &err);
	store_close(st);
	return rc;
}

/* Returns a malloc'd text dump of the allocations and exceptions (without run ids). */
static char *dump(void)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	size_t cap = 1 << 20, len = 0;
	char *out = malloc(cap);
	const char *q = "SELECT 'A', payment_row, invoice_row, amount_applied, deduction, "
	                "printf('%.6f', confidence), rule, status, explanation, "
	                "IFNULL(match_group, 0) FROM allocations UNION ALL SELECT 'E', "
	                "payment_row, invoice_row, amount, allocation_id, "
	                "printf('%.6f', IFNULL(confidence, -1)), kind, status, detail, 0 "
	                "FROM exceptions ORDER BY 1, 2, 3, 7";

	sqlite3_open(path, &db);
	sqlite3_prepare_v2(db, q, -1, &s, NULL);
	while (sqlite3_step(s) == SQLITE_ROW) {
		for (int c = 0; c < 10; c++) {
			const char *t = (const char *)sqlite3_column_text(s, c);
			size_t n = t ? strlen(t) : 0;

			if (len + n + 2 >= cap)
				out = realloc(out, cap *= 2);
			memcpy(out + len, t ? t : "", n);
			len += n;
			out[len++] = c == 9 ? '\n' : '|';
		}
	}
	out[len] = '\0';
	sqlite3_finalize(s);
	sqlite3_close(db);
	return out;
}

static int64_t count(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t n = -1;

	sqlite3_open(path, &db);
	sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static void exec(const char *sql)
{
	sqlite3 *db;

	sqlite3_open(path, &db);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_result_is_identical_with_1_and_4_workers(void **state)
{
	char *one, *four;

	(void)state;
	assert_int_equal(run(1, NULL), 0);
	one = dump();
	assert_int_equal(run(4, NULL), 0);
	four = dump();
	assert_true(strlen(one) > 1000);
	assert_string_equal(one, four);
	free(one);
	free(four);
}

static void test_no_invoice_or_payment_is_over_applied(void **state)
{
	(void)state;
	assert_int_equal(run(2, NULL), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM (SELECT i.id FROM invoices i JOIN allocations a "
	                       "ON a.invoice_row = i.id AND a.status IN ('auto','confirmed','manual') "
	                       "GROUP BY i.id HAVING SUM(a.amount_applied + a.deduction) > i.amount)"), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM (SELECT p.id FROM payments p JOIN allocations a "
	                       "ON a.payment_row = p.id GROUP BY p.id "
	                       "HAVING SUM(a.amount_applied) > p.amount)"), 0);
}

static void test_rerun_keeps_confirmed_and_never_repeats_rejected(void **state)
{
	int64_t confirmed_id, rej_p, rej_i;
	char sql[256];

	(void)state;
	assert_int_equal(run(2, NULL), 0);
	confirmed_id = count("SELECT MIN(id) FROM allocations WHERE status = 'auto'");
	rej_p = count("SELECT payment_row FROM allocations WHERE status = 'auto' "
	              "ORDER BY id DESC LIMIT 1");
	rej_i = count("SELECT invoice_row FROM allocations WHERE status = 'auto' "
	              "ORDER BY id DESC LIMIT 1");
	snprintf(sql, sizeof sql, "UPDATE allocations SET status = 'confirmed' WHERE id = %lld",
	         (long long)confirmed_id);
	exec(sql);
	snprintf(sql, sizeof sql, "UPDATE allocations SET status = 'rejected' WHERE payment_row = "
	         "%lld AND invoice_row = %lld", (long long)rej_p, (long long)rej_i);
	exec(sql);
	assert_int_equal(run(2, NULL), 0);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM allocations WHERE id = %lld AND status = "
	         "'confirmed'", (long long)confirmed_id);
	assert_int_equal(count(sql), 1);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM allocations WHERE payment_row = %lld AND "
	         "invoice_row = %lld", (long long)rej_p, (long long)rej_i);
	assert_int_equal(count(sql), 1);   /* only the rejected row itself */
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM allocations a, allocations c WHERE c.id = "
	         "%lld AND a.id <> c.id AND a.payment_row = c.payment_row", (long long)confirmed_id);
	assert_int_equal(count(sql), 0);   /* the confirmed payment is not matched again */
}

static void test_cancel_keeps_previous_results(void **state)
{
	struct pm_progress p;
	char *before, *after;

	(void)state;
	assert_int_equal(run(2, NULL), 0);
	before = dump();
	progress_init(&p);
	progress_request_cancel(&p);
	assert_int_equal(run(2, &p), PM_EINTR);
	after = dump();
	assert_string_equal(before, after);
	assert_int_equal(count("SELECT COUNT(*) FROM runs WHERE finished_at IS NULL"), 0);
	free(before);
	free(after);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_result_is_identical_with_1_and_4_workers),
		T(test_no_invoice_or_payment_is_over_applied),
		T(test_rerun_keeps_confirmed_and_never_repeats_rejected),
		T(test_cancel_keeps_previous_results),
	};
	return cmocka_run_group_tests_name("match_store", tests, NULL, NULL);
}
