/* store_match_load: every open item reaches the sink in row order with its texts and open
 * amount, across several reader batches and both tables; a sink's stop ends the load with
 * its status. Fixtures are written with SQLite directly (test code only). */
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

#include "paymatch/store.h"
#include "paymatch/store_match.h"
#include "ws_test.h"

#define N 5000   /* more rows than one reader batch */

static char path[64];

/* Invoice i (1..N) has amount 1000 + i; every 7th is settled by a confirmed allocation,
 * every 5th partly (300); payment i has amount 2000 + i, every 11th fully applied. */
static void fill(sqlite3 *db)
{
	sqlite3_stmt *si, *sp, *sa;

	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO invoices(id,invoice_id,customer_id,customer_name,"
	                   "invoice_date,due_date,amount,currency,reference_number) VALUES(?,?,'C1',"
	                   "'Acme',?,?,?,'EUR',?)", -1, &si, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO payments(id,payment_id,payment_date,amount,currency,"
	                   "payer_name,customer_id,reference_number,memo) VALUES(?,?,'2026-02-01',?,"
	                   "'EUR','Payer',?,?,'memo')", -1, &sp, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO allocations(payment_row,invoice_row,amount_applied,"
	                   "deduction,currency,confidence,rule,explanation,status,created_at) "
	                   "VALUES(?,?,?,0,'EUR',1,'manual','','confirmed','2026-01-01T00:00:00Z')",
	                   -1, &sa, NULL);
	for (int i = 1; i <= N; i++) {
		char id[32], ref[32];

		snprintf(id, sizeof id, "INV-%05d", i);
		snprintf(ref, sizeof ref, "R%d", i);
		sqlite3_bind_int(si, 1, i);
		sqlite3_bind_text(si, 2, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(si, 3, "2026-01-05", -1, SQLITE_STATIC);
		sqlite3_bind_text(si, 4, "2026-02-05", -1, SQLITE_STATIC);
		sqlite3_bind_int64(si, 5, 1000 + i);
		sqlite3_bind_text(si, 6, ref, -1, SQLITE_TRANSIENT);
		sqlite3_step(si);
		sqlite3_reset(si);
		snprintf(id, sizeof id, "P%05d", i);
		sqlite3_bind_int(sp, 1, i);
		sqlite3_bind_text(sp, 2, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(sp, 3, 2000 + i);
		sqlite3_bind_text(sp, 4, i % 2 ? "C1" : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(sp, 5, ref, -1, SQLITE_TRANSIENT);
		sqlite3_step(sp);
		sqlite3_reset(sp);
		if (i % 7 == 0 || i % 5 == 0 || i % 11 == 0) {
			sqlite3_bind_int(sa, 1, i);
			sqlite3_bind_int(sa, 2, i);
			/* payment i: all of it when i % 11 == 0; invoice i: settled or 300 less */
			sqlite3_bind_int64(sa, 3, i % 11 == 0 ? 2000 + i : i % 7 == 0 ? 1000 + i : 300);
			sqlite3_step(sa);
			sqlite3_reset(sa);
		}
	}
	sqlite3_finalize(si);
	sqlite3_finalize(sp);
	sqlite3_finalize(sa);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

static int setup(void **state)
{
	struct store *st;
	struct pm_error err;
	sqlite3 *db;

	(void)state;
	snprintf(path, sizeof path, "/tmp/pm-test-load-%d.db", (int)getpid());
	ws_test_remove(path);
	if (store_open(path, STORE_READWRITE, 1000, &st, &err))
		return -1;
	store_close(st);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	fill(db);
	sqlite3_close(db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ws_test_remove(path);
	return 0;
}

/* What the sink saw. With a parallel load the invoices' fields are written by one thread
 * and the payments' (bad_pay, pay_next, npay) by the other. */
struct seen {
	int64_t inv_next, pay_next, ninv, npay, stop_after, nahead;
	int bad, bad_pay, parallel;
	int done_calls, done_concurrent, pay_done_calls;
	int64_t ninv_at_done, npay_at_done;
};

/* Returns the open amount of invoice i under the fixture's allocations. */
static int64_t invoice_open(int64_t i)
{
	int64_t amount = 1000 + i, applied = 0;

	/* the fixture's one allocation per row applies to its payment and its invoice alike */
	if (i % 7 == 0 || i % 5 == 0 || i % 11 == 0)
		applied = i % 11 == 0 ? 2000 + i : i % 7 == 0 ? 1000 + i : 300;
	return amount - applied;
}

static int on_invoice(void *ctx, const struct store_match_invoice *v)
{
	struct seen *s = ctx;
	char id[32];

	while (s->inv_next <= N && invoice_open(s->inv_next) <= 0)
		s->inv_next++;
	snprintf(id, sizeof id, "INV-%05lld", (long long)s->inv_next);
	s->bad |= v->row != s->inv_next || v->amount != 1000 + v->row ||
	          v->open != invoice_open(v->row) || strcmp(v->invoice_id, id) != 0 ||
	          strcmp(v->customer_name, "Acme") != 0 || strcmp(v->currency, "EUR") != 0 ||
	          strcmp(v->due_date, "2026-02-05") != 0;
	s->inv_next++;
	s->ninv++;
	return s->stop_after && s->ninv == s->stop_after ? 42 : 0;
}

static int on_payment(void *ctx, const struct store_match_payment *p)
{
	struct seen *s = ctx;
	int64_t i;
	char ref[32];

	while (s->pay_next <= N && s->pay_next % 11 == 0)
		s->pay_next++;
	i = s->pay_next++;
	snprintf(ref, sizeof ref, "R%lld", (long long)i);
	s->bad_pay |= p->row != i || p->amount != 2000 + i ||
	          p->unapplied != 2000 + i - (i % 7 == 0 ? 1000 + i : i % 5 == 0 ? 300 : 0) ||
	          strcmp(p->reference, ref) != 0 || strcmp(p->memo, "memo") != 0 ||
	          strcmp(p->customer_id, i % 2 ? "C1" : "") != 0;
	s->npay++;
	return 0;
}

static int on_rejected(void *ctx, int64_t prow, int64_t irow)
{
	(void)ctx;
	(void)prow;
	(void)irow;
	return 0;
}

/* A row shown ahead is one the sink has not been handed yet, of the table being read. */
static void on_ahead(void *ctx, const struct store_match_invoice *v,
                     const struct store_match_payment *p, int stage)
{
	struct seen *s = ctx;

	s->bad |= (v == NULL) == (p == NULL) || stage < 0 || stage > 1 ||
	          (v && v->row < s->inv_next) || (p && p->row < s->pay_next);
	s->nahead++;
}

static void on_invoices_done(void *ctx, int concurrent)
{
	struct seen *s = ctx;

	s->done_calls++;
	s->done_concurrent = concurrent;
	s->ninv_at_done = s->ninv;
	/* one after the other: no payment may have been handed over yet */
	s->bad |= !concurrent && s->npay != 0;
}

/* On the payments' thread, after the last payment (or after everything, one table after
 * the other). */
static void on_payments_done(void *ctx, int concurrent)
{
	struct seen *s = ctx;

	s->pay_done_calls++;
	s->bad_pay |= concurrent != s->parallel;
	s->npay_at_done = s->npay;
}

static int load(struct seen *s, struct pm_error *err)
{
	struct store *st;
	struct store_match_sink sink = { .ctx = s, .invoice = on_invoice, .payment = on_payment,
		.rejected = on_rejected, .ahead = s->parallel ? NULL : on_ahead,
		.invoices_done = on_invoices_done, .payments_done = on_payments_done,
		.parallel = s->parallel };
	int rc;

	assert_int_equal(store_open(path, STORE_READWRITE, 1000, &st, err), 0);
	s->inv_next = s->pay_next = 1;
	rc = store_match_load(st, &sink, err);
	store_close(st);
	return rc;
}

/* Loads with s and checks that every open item came, each table in order, and that each
 * table's done callback came once, after its last row (concurrent as s->parallel). */
static void load_all_and_check(struct seen *s)
{
	struct pm_error err;
	int64_t ninv = 0, npay = 0;

	for (int64_t i = 1; i <= N; i++) {
		ninv += invoice_open(i) > 0;
		npay += i % 11 != 0;
	}
	assert_int_equal(load(s, &err), 0);
	assert_false(s->bad);
	assert_false(s->bad_pay);
	assert_int_equal(s->ninv, ninv);
	assert_int_equal(s->npay, npay);
	assert_int_equal(s->done_calls, 1);
	assert_int_equal(s->done_concurrent, s->parallel);
	assert_int_equal(s->ninv_at_done, ninv);
	assert_int_equal(s->pay_done_calls, 1);
	assert_int_equal(s->npay_at_done, npay);
	/* one table after the other: every row is shown twice ahead, once far, once near */
	if (!s->parallel)
		assert_int_equal(s->nahead, 2 * (ninv + npay));
}

static void test_load_streams_every_open_item_in_row_order(void **state)
{
	struct seen s = { 0 };

	(void)state;
	load_all_and_check(&s);
}

/* Invoices and payments on two threads: each table still in row order, all of them, and
 * each done callback once, on its table's thread, after its last row. */
static void test_parallel_load_streams_both_tables_in_order(void **state)
{
	struct seen s = { .parallel = 1 };

	(void)state;
	load_all_and_check(&s);
}

static void test_load_stops_with_the_sinks_status(void **state)
{
	struct seen s = { .stop_after = 3000 };
	struct pm_error err;

	(void)state;
	assert_int_equal(load(&s, &err), 42);
	assert_int_equal(s.ninv, 3000);
	assert_int_equal(s.npay, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_load_streams_every_open_item_in_row_order),
		T(test_load_stops_with_the_sinks_status),
		T(test_parallel_load_streams_both_tables_in_order),
	};
	return cmocka_run_group_tests_name("store_match_load", tests, NULL, NULL);
}
