/* Unit tests for the dashboard figures: every figure equals the hand-computed value on a
 * small fixture, per currency. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "paymatch/dashboard.h"
#include "ws_test.h"

struct fx {
	char path[64];
	struct store *st;
	struct dashboard *d;
};

/* EUR: I1 100.00 due 01-01, I2 50.00 due 03-01; P1 100.00 applied 80.00 to I1 (auto) and
 * 20.00 to I2 (confirmed); I1 written off 5.00. JPY: I3 700 due 03-20; P2 1000 with a
 * suggestion only. Aging as of 2025-03-31. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct pm_error err;
	sqlite3 *db;
	int fd;

	snprintf(f->path, sizeof f->path, "/tmp/pm_dash_XXXXXX");
	fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	if (store_open(f->path, STORE_READWRITE, 1000, &f->st, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	    "INSERT INTO invoices(id, invoice_id, customer_id, customer_name, invoice_date, due_date,"
	    " amount, currency) VALUES(1, 'I1', 'C1', 'A', '2024-12-01', '2025-01-01', 10000, 'EUR'),"
	    " (2, 'I2', 'C1', 'A', '2025-02-01', '2025-03-01', 5000, 'EUR'),"
	    " (3, 'I3', 'C2', 'B', '2025-03-01', '2025-03-20', 700, 'JPY');"
	    "INSERT INTO payments(id, payment_id, payment_date, amount, currency) VALUES"
	    " (1, 'P1', '2025-03-02', 10000, 'EUR'), (2, 'P2', '2025-03-03', 1000, 'JPY');"
	    "INSERT INTO allocations(payment_row, invoice_row, amount_applied, deduction, currency,"
	    " confidence, rule, explanation, status, created_at) VALUES"
	    " (1, 1, 8000, 0, 'EUR', 1, 'r', '', 'auto', 't'),"
	    " (1, 2, 2000, 0, 'EUR', 1, 'r', '', 'confirmed', 't'),"
	    " (2, 3, 700, 0, 'JPY', 0.8, 'r', '', 'suggested', 't'),"
	    " (NULL, 1, 0, 500, 'EUR', 1, 'writeoff', '', 'manual', 't');"
	    "INSERT INTO exceptions(kind, payment_row, status) VALUES ('suggested', 2, 'open'),"
	    " ('unmatched_payment', 2, 'open'), ('duplicate', 1, 'resolved');"
	    "INSERT INTO runs(kind, started_at, finished_at, duration_ms, workers, user) VALUES"
	    " ('import', '2025-03-30T08:00:00Z', '2025-03-30T08:00:02Z', 2000, 1, 'x'),"
	    " ('match', '2025-03-30T09:00:00Z', '2025-03-30T09:00:05Z', 5000, 2, 'x');",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	if (dashboard_load(f->st, NULL, "2025-03-31", &f->d, &err))
		fail_msg("%s", err.msg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	dashboard_free(f->d);
	store_close(f->st);
	ws_test_remove(f->path);
	free(f);
	return 0;
}

static const struct dash_currency *cur(const struct dashboard *d, const char *code)
{
	for (size_t i = 0; i < d->ncurrencies; i++)
		if (strcmp(d->currencies[i].currency, code) == 0)
			return &d->currencies[i];
	fail_msg("no %s", code);
	return NULL;
}

static void test_dashboard_totals_per_currency(void **state)
{
	const struct dashboard *d = ((struct fx *)*state)->d;
	const struct dash_currency *eur = cur(d, "EUR"), *jpy = cur(d, "JPY");

	assert_int_equal(d->ncurrencies, 2);
	assert_string_equal(d->currencies[0].currency, "EUR");   /* the bigger one first */
	assert_int_equal(eur->invoices, 2);
	assert_int_equal(eur->invoices_amount, 15000);
	assert_int_equal(eur->payments, 1);
	assert_int_equal(eur->payments_amount, 10000);
	assert_int_equal(eur->payments_matched, 1);
	assert_int_equal(eur->applied_amount, 10000);
	assert_int_equal(eur->open_receivables, 1500 + 3000);
	assert_int_equal(eur->unapplied_cash, 0);
	assert_int_equal(jpy->invoices_amount, 700);
	assert_int_equal(jpy->payments_matched, 0);
	assert_int_equal(jpy->open_receivables, 700);
	assert_int_equal(jpy->unapplied_cash, 1000);
	assert_true(dashboard_rate_count(eur) == 1.0);
	assert_true(dashboard_rate_amount(jpy) == 0.0);
}

static void test_dashboard_aging_buckets(void **state)
{
	const struct dashboard *d = ((struct fx *)*state)->d;
	const struct dash_currency *eur = cur(d, "EUR"), *jpy = cur(d, "JPY");
	char label[16];

	assert_int_equal(d->nbuckets, 6);
	assert_string_equal(dashboard_bucket_label(d, 1, label, sizeof label), "1-30");
	assert_string_equal(dashboard_bucket_label(d, 5, label, sizeof label), ">120");
	assert_int_equal(eur->aging[1], 3000);     /* I2: 30 days past due */
	assert_int_equal(eur->aging[3], 1500);     /* I1: 89 days */
	assert_int_equal(eur->aging[0] + eur->aging[2] + eur->aging[4] + eur->aging[5], 0);
	assert_int_equal(jpy->aging[1], 700);      /* I3: 11 days */
}

static void test_dashboard_statuses_exceptions_runs(void **state)
{
	const struct dashboard *d = ((struct fx *)*state)->d;
	int64_t sum = 0;

	assert_int_equal(d->nstatuses, 4);
	for (size_t i = 0; i < d->nstatuses; i++) {
		if (strcmp(d->statuses[i].status, "manual") == 0)
			assert_int_equal(d->statuses[i].amount, 500);
		if (strcmp(d->statuses[i].status, "suggested") == 0)
			assert_string_equal(d->statuses[i].currency, "JPY");
		sum += d->statuses[i].count;
	}
	assert_int_equal(sum, 4);
	assert_int_equal(d->open_exceptions, 2);
	assert_int_equal(d->nkinds, 2);
	assert_int_equal(d->last_match.duration_ms, 5000);
	assert_int_equal(d->last_match.workers, 2);
	assert_string_equal(d->last_import.started_at, "2025-03-30T08:00:00Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dashboard_totals_per_currency, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dashboard_aging_buckets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dashboard_statuses_exceptions_runs, setup,
		                                teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
