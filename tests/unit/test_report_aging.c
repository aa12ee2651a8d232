/* Aging: bucket edges, as-of filtering of later receipts, the closing check. The working
 * set is 7 invoices and 4 payments written by SQL; expected totals are worked out by hand
 * in the comments. */
#include <locale.h>
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

#include "paymatch/report.h"
#include "paymatch/store.h"
#include "ws_test.h"

static const int64_t BOUNDS[] = { 30, 60, 90, 120 };

static pm_date day(int y, int m, int d)
{
	pm_date x;

	assert_int_equal(date_from_ymd(y, m, d, &x), 0);
	return x;
}

static void test_due_today_is_current(void **state)
{
	(void)state;
	assert_int_equal(report_aging_bucket("2026-03-31", day(2026, 3, 31), BOUNDS, 4), 0);
	assert_int_equal(report_aging_bucket("2026-04-15", day(2026, 3, 31), BOUNDS, 4), 0);
}

static void test_one_day_past_due_is_1_30(void **state)
{
	(void)state;
	assert_int_equal(report_aging_bucket("2026-03-30", day(2026, 3, 31), BOUNDS, 4), 1);
}

static void test_30_days_is_1_30_and_31_is_31_60(void **state)
{
	(void)state;
	assert_int_equal(report_aging_bucket("2026-03-01", day(2026, 3, 31), BOUNDS, 4), 1);
	assert_int_equal(report_aging_bucket("2026-02-28", day(2026, 3, 31), BOUNDS, 4), 2);
}

static void test_120_days_is_91_120_and_121_is_over_120(void **state)
{
	(void)state;
	assert_int_equal(report_aging_bucket("2025-12-01", day(2026, 3, 31), BOUNDS, 4), 4);
	assert_int_equal(report_aging_bucket("2025-11-30", day(2026, 3, 31), BOUNDS, 4), 5);
}

/* Invoices (EUR, due dates against as-of 2026-03-31):
 *   I1 C1 due 03-31 100.00 current | I2 C1 due 03-30 200.00 1-30 | I3 C1 due 03-01 300.00 1-30
 *   I4 C2 due 02-28 400.00 31-60   | I5 C2 due 12-01 500.00 91-120 | I6 C2 due 11-30 600.00 >120
 *   I7 C1 dated 2026-04-05 (after as-of) 700.00
 * Allocations: P1 (03-15) 150.00 -> I2 auto; P2 (03-20) 590.00 + 10.00 deduction -> I6
 *   confirmed; P3 (04-10, after as-of) 300.00 -> I3 auto; P4 (03-25) 250.00 -> I4 suggested;
 *   write-off 20.00 on I5 decided 03-10; a rejected P1 -> I1 pair.
 * At 2026-03-31: C1 current 100, 1-30 50+300=350, total 450, unapplied 0;
 *   C2 31-60 400, 91-120 480, >120 0, total 880, unapplied 10+250=260;
 *   check: invoiced 2100 - applied 770 = 1330 = 450 + 880. */
static const char DATA[] =
	"INSERT INTO invoices(id,invoice_id,customer_id,customer_name,invoice_date,due_date,amount,"
	"currency) VALUES"
	"(1,'I1','C1','Ann Müller','2026-03-01','2026-03-31',10000,'EUR'),"
	"(2,'I2','C1','Ann Müller','2026-02-28','2026-03-30',20000,'EUR'),"
	"(3,'I3','C1','Ann Müller','2026-01-30','2026-03-01',30000,'EUR'),"
	"(4,'I4','C2','=Evil Corp','2026-01-29','2026-02-28',40000,'EUR'),"
	"(5,'I5','C2','=Evil Corp','2025-11-01','2025-12-01',50000,'EUR'),"
	"(6,'I6','C2','=Evil Corp','2025-10-31','2025-11-30',60000,'EUR'),"
	"(7,'I7','C1','Ann Müller','2026-04-05','2026-05-05',70000,'EUR');"
	"INSERT INTO payments(id,payment_id,payment_date,amount,currency,payer_name,customer_id)"
	" VALUES (1,'P1','2026-03-15',15000,'EUR','ANN','C1'),(2,'P2','2026-03-20',60000,'EUR',"
	"'EVIL','C2'),(3,'P3','2026-04-10',30000,'EUR','ANN','C1'),"
	"(4,'P4','2026-03-25',25000,'EUR','EVIL','C2');"
	"INSERT INTO allocations(payment_row,invoice_row,amount_applied,deduction,currency,"
	"confidence,rule,explanation,status,reason_code,decided_at,created_at) VALUES"
	"(1,2,15000,0,'EUR',0.97,'reference','ref','auto',NULL,NULL,'2026-03-16T00:00:00Z'),"
	"(2,6,59000,1000,'EUR',0.9,'amount','amt','confirmed',NULL,'2026-03-21T09:00:00Z',"
	"'2026-03-21T00:00:00Z'),"
	"(3,3,30000,0,'EUR',0.99,'reference','ref','auto',NULL,NULL,'2026-04-11T00:00:00Z'),"
	"(4,4,25000,0,'EUR',0.8,'name','name','suggested',NULL,NULL,'2026-03-26T00:00:00Z'),"
	"(NULL,5,0,2000,'EUR',1,'writeoff','bad debt','manual','bad_debt',"
	"'2026-03-10T12:00:00Z','2026-03-10T12:00:00Z'),"
	"(1,1,10000,0,'EUR',0.6,'name','no','rejected',NULL,NULL,'2026-03-16T00:00:00Z');";

struct fixture {
	char path[64];
	struct store *st;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	struct pm_error err;
	sqlite3 *db;
	int fd;

	snprintf(fx->path, sizeof fx->path, "/tmp/test_report_aging_XXXXXX");
	fd = mkstemp(fx->path);
	close(fd);
	unlink(fx->path);
	if (store_open(fx->path, STORE_READWRITE, 1000, &fx->st, &err))
		return -1;
	store_close(fx->st);
	if (sqlite3_open(fx->path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, DATA, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	sqlite3_close(db);
	if (store_open(fx->path, STORE_READONLY, 1000, &fx->st, &err))
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	store_close(fx->st);
	ws_test_remove(fx->path);
	free(fx);
	return 0;
}

static char *run(struct fixture *fx, const char *kind, enum report_format fmt, pm_date as_of)
{
	struct report_options o;
	struct pm_error err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int werr;

	report_options_init(&o);
	o.format = fmt;
	o.as_of = as_of;
	assert_int_equal(report_run(fx->st, report_kind_find(kind), &o, f, &werr, &err), 0);
	fclose(f);
	return buf;
}

static void test_aging_buckets_worked_by_hand(void **state)
{
	char *out = run(*state, "aging", REPORT_CSV, day(2026, 3, 31));

	assert_string_equal(out,
	    "row_type,customer_id,customer_name,currency,current,days_1_30,days_31_60,days_61_90,"
	    "days_91_120,days_over_120,open_total,unapplied_cash\n"
	    "customer,C1,Ann Müller,EUR,100.00,350.00,0.00,0.00,0.00,0.00,450.00,0.00\n"
	    "customer,C2,'=Evil Corp,EUR,0.00,0.00,400.00,0.00,480.00,0.00,880.00,260.00\n"
	    "total,,(total),EUR,100.00,350.00,400.00,0.00,480.00,0.00,1330.00,260.00\n");
	free(out);
}

/* At 04-30, P3 (04-10) settles I3 and I7 exists (due 05-05: current). C1: current 700,
 * 1-30 I1 100 (30 days), 31-60 I2 50 (31 days), total 850; C2: I4 61 days -> 61-90 400,
 * I5 150 days -> over 120 480. */
static void test_aging_back_dated_ignores_later_receipts_forward_counts_them(void **state)
{
	char *out = run(*state, "aging", REPORT_CSV, day(2026, 4, 30));

	assert_non_null(strstr(out, "customer,C1,Ann Müller,EUR,700.00,100.00,50.00,0.00,0.00,0.00,"
	                            "850.00,0.00\n"));
	assert_non_null(strstr(out, "customer,C2,'=Evil Corp,EUR,0.00,0.00,0.00,400.00,0.00,480.00,"
	                            "880.00,260.00\n"));
	free(out);
}

static void test_aging_check_line_matches_independent_ledger(void **state)
{
	char *out = run(*state, "aging", REPORT_JSON, day(2026, 3, 31));

	assert_non_null(strstr(out, "{\"currency\":\"EUR\",\"invoiced\":\"2100.00\","
	                            "\"applied\":\"770.00\",\"open_ledger\":\"1330.00\","
	                            "\"open_aged\":\"1330.00\",\"status\":\"ok\"}"));
	free(out);
}

static void test_customers_overdue_share(void **state)
{
	char *out = run(*state, "customers", REPORT_CSV, day(2026, 3, 31));

	/* C1: open 450, overdue 350 -> 77.8 %; C2: all 880 overdue. */
	assert_string_equal(out,
	    "customer_id,customer_name,currency,open_balance,overdue,overdue_percent,"
	    "unapplied_cash,open_exceptions\n"
	    "C1,Ann Müller,EUR,450.00,350.00,77.8,0.00,0\n"
	    "C2,'=Evil Corp,EUR,880.00,880.00,100.0,260.00,0\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_today_is_current),
		cmocka_unit_test(test_one_day_past_due_is_1_30),
		cmocka_unit_test(test_30_days_is_1_30_and_31_is_31_60),
		cmocka_unit_test(test_120_days_is_91_120_and_121_is_over_120),
		cmocka_unit_test_setup_teardown(test_aging_buckets_worked_by_hand, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_aging_back_dated_ignores_later_receipts_forward_counts_them, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aging_check_line_matches_independent_ledger,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_customers_overdue_share, setup, teardown),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
