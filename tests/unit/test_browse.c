/* Unit tests for the keyset-paged table views: paging both ways with ties on the sort key,
 * search with wrap-around, and the filter line (junk refused, text never becomes SQL). */
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

#include "paymatch/store_browse.h"
#include "ws_test.h"

#define NINV 25

struct fx {
	char path[64];
	struct store *st;
	sqlite3 *db;
};

static void sql(sqlite3 *db, const char *s)
{
	char *msg = NULL;

	if (sqlite3_exec(db, s, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", s, msg);
}

/* 25 invoices; amounts repeat every 5 rows so that sorting by amount has ties. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct pm_error err;
	char q[512];
	int fd;

	snprintf(f->path, sizeof f->path, "/tmp/pm_browse_XXXXXX");
	fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	if (store_open(f->path, STORE_READWRITE, 1000, &f->st, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(sqlite3_open(f->path, &f->db), SQLITE_OK);
	sql(f->db, "BEGIN");
	for (int i = 1; i <= NINV; i++) {
		snprintf(q, sizeof q, "INSERT INTO invoices(id, invoice_id, customer_id, customer_name,"
		         " invoice_date, due_date, amount, currency, reference_number) VALUES(%d, "
		         "'INV-%04d', 'C%d', 'Customer %d', '2025-01-01', '2025-02-%02d', %d, '%s', "
		         "'R%d')", i, i, i % 3, i % 3, 1 + i % 28, (i % 5) * 100 + 100,
		         i % 7 == 0 ? "USD" : "EUR", i);
		sql(f->db, q);
	}
	sql(f->db, "COMMIT");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sqlite3_close(f->db);
	store_close(f->st);
	ws_test_remove(f->path);
	free(f);
	return 0;
}

/* The ids in the order the reference query gives. */
static size_t expected(sqlite3 *db, const char *order, int64_t *ids)
{
	sqlite3_stmt *stmt;
	char q[256];
	size_t n = 0;

	snprintf(q, sizeof q, "SELECT id FROM invoices ORDER BY %s", order);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &stmt, NULL), SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static struct browse *open_invoices(struct fx *f, const char *col, bool desc, size_t rows)
{
	struct browse_params p = { .table = BROWSE_INVOICES, .page_rows = rows,
	                           .descending = desc };
	struct browse *b;
	struct pm_error err;

	p.sort_column = (size_t)browse_table_find_column(BROWSE_INVOICES, col);
	if (browse_new(f->st, &p, &b, &err))
		fail_msg("%s", err.msg);
	return b;
}

/* Index of id in want, or -1. */
static long find_id(const int64_t *want, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (want[i] == id)
			return (long)i;
	return -1;
}

/* Checks that the page is a contiguous run of want and returns where it starts. */
static long check_page(const struct browse *b, const int64_t *want, size_t n)
{
	size_t nrows;
	const struct browse_row *rows = browse_rows(b, &nrows);
	long at;

	assert_true(nrows > 0);
	at = find_id(want, n, rows[0].invoice_row);
	assert_true(at >= 0 && (size_t)at + nrows <= n);
	for (size_t i = 0; i < nrows; i++)
		assert_int_equal(rows[i].invoice_row, want[(size_t)at + i]);
	return at;
}

/* Pages forward from the first page and backward from the last: every page is the next
 * (previous) run of rows of the reference order; the last page is kept full, so it may
 * overlap the one before. */
static void check_paging(struct fx *f, const char *col, bool desc, const char *order)
{
	int64_t want[NINV];
	size_t n = expected(f->db, order, want);
	struct browse *b = open_invoices(f, col, desc, 4);
	struct pm_error err;
	long at = 0, prev;

	assert_true(browse_at_start(b));
	assert_int_equal(check_page(b, want, n), 0);
	while (!browse_at_end(b)) {
		prev = at;
		assert_int_equal(browse_next(b, &err), 0);
		at = check_page(b, want, n);
		assert_true(at > prev && at <= prev + 4);
	}
	assert_int_equal(at, (long)n - 4);
	assert_int_equal(browse_last(b, &err), 0);
	assert_int_equal(check_page(b, want, n), (long)n - 4);
	while (!browse_at_start(b)) {
		prev = at;
		assert_int_equal(browse_prev(b, &err), 0);
		at = check_page(b, want, n);
		assert_true(at < prev && at >= prev - 4);
	}
	assert_int_equal(at, 0);
	assert_int_equal(browse_last(b, &err), 0);
	assert_int_equal(browse_first(b, &err), 0);
	assert_int_equal(check_page(b, want, n), 0);
	browse_free(b);
}

static void test_browse_pages_by_amount_with_ties_both_ways(void **state)
{
	check_paging(*state, "amount", false, "currency, amount, id");
	check_paging(*state, "amount", true, "currency DESC, amount DESC, id DESC");
}

static void test_browse_pages_by_due_date_and_id(void **state)
{
	check_paging(*state, "due", false, "due_date, id");
	check_paging(*state, "due", true, "due_date DESC, id DESC");
	check_paging(*state, "id", false, "invoice_id");
}

static void test_browse_scroll_moves_by_lines(void **state)
{
	int64_t want[NINV];
	struct browse *b = open_invoices(*state, "id", false, 5);
	const struct browse_row *rows;
	struct pm_error err;
	size_t nrows;

	expected(((struct fx *)*state)->db, "invoice_id", want);
	assert_int_equal(browse_scroll(b, 3, &err), 0);
	rows = browse_rows(b, &nrows);
	assert_int_equal(rows[0].invoice_row, want[3]);
	assert_int_equal(browse_scroll(b, -2, &err), 0);
	rows = browse_rows(b, &nrows);
	assert_int_equal(rows[0].invoice_row, want[1]);
	assert_int_equal(browse_scroll(b, -10, &err), 0);
	rows = browse_rows(b, &nrows);
	assert_int_equal(rows[0].invoice_row, want[0]);
	assert_true(browse_at_start(b));
	browse_free(b);
}

static void test_browse_search_finds_next_and_wraps(void **state)
{
	struct browse *b = open_invoices(*state, "id", false, 4);
	const struct browse_row *rows;
	struct pm_error err;
	size_t nrows, row;

	assert_int_equal(browse_search(b, "inv-0017", 0, &row, &err), BROWSE_FOUND);
	rows = browse_rows(b, &nrows);
	assert_string_equal(rows[row].cells[0], "INV-0017");
	/* From the last row, "INV-0002" is only found by wrapping to the top. */
	assert_int_equal(browse_last(b, &err), 0);
	assert_int_equal(browse_search(b, "INV-0002", 3, &row, &err), BROWSE_FOUND);
	rows = browse_rows(b, &nrows);
	assert_string_equal(rows[row].cells[0], "INV-0002");
	assert_int_equal(browse_search(b, "no such text", 0, &row, &err), BROWSE_NOT_FOUND);
	browse_free(b);
}

static void test_browse_filter_rejects_junk(void **state)
{
	struct browse *b = open_invoices(*state, "id", false, 4);
	struct pm_error err;
	int64_t n;

	pm_error_clear(&err);
	assert_int_equal(browse_set_filter(b, "colour:red", &err), PM_EUSAGE);
	assert_non_null(strstr(err.msg, "colour"));
	pm_error_clear(&err);
	assert_int_equal(browse_set_filter(b, "amount>12x", &err), PM_EUSAGE);
	pm_error_clear(&err);
	assert_int_equal(browse_set_filter(b, "currency:", &err), PM_EUSAGE);
	pm_error_clear(&err);
	assert_int_equal(browse_set_filter(b, "status:bogus", &err), PM_EUSAGE);
	assert_int_equal(browse_count(b, &n, &err), 0);
	assert_int_equal(n, NINV);
	browse_free(b);
}

static void test_browse_filter_binds_values(void **state)
{
	struct fx *f = *state;
	struct browse *b = open_invoices(f, "id", false, 50);
	const struct browse_row *rows;
	struct pm_error err;
	size_t nrows;
	int64_t n;

	assert_int_equal(browse_set_filter(b, "'; DROP TABLE invoices; --", &err), 0);
	rows = browse_rows(b, &nrows);
	assert_int_equal(nrows, 0);
	assert_int_equal(browse_set_filter(b, "x' OR '1'='1", &err), 0);
	browse_rows(b, &nrows);
	assert_int_equal(nrows, 0);
	assert_int_equal(browse_set_filter(b, "currency:USD", &err), 0);
	assert_int_equal(browse_count(b, &n, &err), 0);
	assert_int_equal(n, 3);                    /* 7, 14, 21 */
	assert_int_equal(browse_set_filter(b, "currency:EUR amount>=4", &err), 0);
	assert_int_equal(browse_count(b, &n, &err), 0);
	assert_int_equal(n, 9);                    /* i%5 in {3,4}: 10 rows, minus USD 14 */
	assert_int_equal(browse_set_filter(b, "id:INV-001*", &err), 0);
	assert_int_equal(browse_count(b, &n, &err), 0);
	assert_int_equal(n, 10);
	assert_int_equal(browse_set_filter(b, "c2", &err), 0);
	rows = browse_rows(b, &nrows);
	assert_true(nrows > 0);
	for (size_t i = 0; i < nrows; i++)
		assert_string_equal(rows[i].customer_id, "C2");
	browse_free(b);
	sql(f->db, "SELECT count(*) FROM invoices");
}

static void test_browse_unsortable_column_refused(void **state)
{
	struct fx *f = *state;
	struct browse_params p = { .table = BROWSE_INVOICES };
	struct browse *b;
	struct pm_error err;

	p.sort_column = (size_t)browse_table_find_column(BROWSE_INVOICES, "open");
	assert_int_equal(browse_new(f->st, &p, &b, &err), PM_EUSAGE);
	assert_null(b);
}

static void test_browse_aging_and_drill_down(void **state)
{
	struct fx *f = *state;
	struct browse_params p = { .table = BROWSE_AGING, .as_of = "2025-03-01" };
	const struct browse_row *rows;
	struct browse *b;
	struct pm_error err;
	size_t nrows;

	if (browse_new(f->st, &p, &b, &err))
		fail_msg("%s", err.msg);
	rows = browse_rows(b, &nrows);
	assert_int_equal(nrows, 6);                /* C0..C2 x EUR/USD */
	assert_int_equal(browse_ncols(b), 4 + 6);
	assert_string_equal(browse_column(b, 5)->title, "1-30");
	assert_string_equal(rows[0].customer_id, "C0");
	browse_free(b);
	p = (struct browse_params){ .table = BROWSE_CUSTOMER_INVOICES, .customer_id = "C1",
	                            .sort_column = 4 };
	if (browse_new(f->st, &p, &b, &err))
		fail_msg("%s", err.msg);
	rows = browse_rows(b, &nrows);
	assert_true(nrows > 0);
	for (size_t i = 0; i < nrows; i++)
		assert_string_equal(rows[i].customer_id, "C1");
	browse_free(b);
}

/* Search on Aging: a customer named only in its invoices' names is found (it used to return
 * NOT_FOUND), the page moves to its row, and a text nobody has is NOT_FOUND. */
static void test_browse_aging_search_finds_customer(void **state)
{
	struct fx *f = *state;
	struct browse_params p = { .table = BROWSE_AGING, .as_of = "2025-03-01", .page_rows = 2 };
	const struct browse_row *rows;
	struct browse *b;
	struct pm_error err;
	size_t nrows, row;
	int rc;

	if (browse_new(f->st, &p, &b, &err))
		fail_msg("%s", err.msg);
	do
		rc = browse_search(b, "customer 2", 0, &row, &err);
	while (rc == BROWSE_SEARCHING);
	assert_int_equal(rc, BROWSE_FOUND);
	rows = browse_rows(b, &nrows);
	assert_true(row < nrows);
	assert_string_equal(rows[row].customer_id, "C2");
	do
		rc = browse_search(b, "c1", 0, &row, &err);
	while (rc == BROWSE_SEARCHING);
	assert_int_equal(rc, BROWSE_FOUND);
	rows = browse_rows(b, &nrows);
	assert_string_equal(rows[row].customer_id, "C1");
	do
		rc = browse_search(b, "nobody", 0, &row, &err);
	while (rc == BROWSE_SEARCHING);
	assert_int_equal(rc, BROWSE_NOT_FOUND);
	browse_free(b);
}

/* Aging rows are the (customer, currency) pairs with a positive open balance: a fully paid
 * customer is neither shown nor found by search, and the buckets add up to the open total. */
static void test_browse_aging_hides_paid_customers(void **state)
{
	struct fx *f = *state;
	struct browse_params p = { .table = BROWSE_AGING, .as_of = "2025-03-01" };
	const struct browse_row *rows;
	struct browse *b;
	struct pm_error err;
	size_t nrows, row;
	int rc;

	sql(f->db, "INSERT INTO allocations(invoice_row, amount_applied, currency, confidence, rule,"
	    " explanation, status, created_at) SELECT id, amount, currency, 1, 'exact', '', 'auto',"
	    " '2025-01-01' FROM invoices WHERE customer_id = 'C0'");
	if (browse_new(f->st, &p, &b, &err))
		fail_msg("%s", err.msg);
	rows = browse_rows(b, &nrows);
	assert_int_equal(nrows, 4);                /* C1, C2 x EUR/USD */
	assert_string_equal(rows[0].customer_id, "C1");
	assert_string_equal(rows[0].currency, "EUR");
	/* C1 EUR: ids 1 4 10 13 16 19 22 25 (7 is USD), amounts (i%5)*100+100 cents */
	assert_string_equal(rows[0].cells[3], "23.00");
	assert_string_equal(rows[0].cells[5], "23.00"); /* due in February: 1-30 days */
	do
		rc = browse_search(b, "customer 0", 0, &row, &err);
	while (rc == BROWSE_SEARCHING);
	assert_int_equal(rc, BROWSE_NOT_FOUND);
	browse_free(b);
}

/* N: backwards from the cursor, the nearest previous hit; past the first row it wraps to
 * the end. */
static void test_browse_search_backward_finds_previous_and_wraps(void **state)
{
	struct browse *b = open_invoices(*state, "id", false, 4);
	const struct browse_row *rows;
	struct pm_error err;
	size_t nrows, row;
	int rc;

	assert_int_equal(browse_last(b, &err), 0);         /* INV-0022 .. INV-0025 */
	rc = browse_search_dir(b, "inv-001", 3, true, &row, &err);
	assert_int_equal(rc, BROWSE_FOUND);
	rows = browse_rows(b, &nrows);
	assert_string_equal(rows[row].cells[0], "INV-0019");
	assert_int_equal(browse_first(b, &err), 0);
	rc = browse_search_dir(b, "INV-0024", 0, true, &row, &err);   /* only by wrapping */
	assert_int_equal(rc, BROWSE_FOUND);
	rows = browse_rows(b, &nrows);
	assert_string_equal(rows[row].cells[0], "INV-0024");
	assert_int_equal(browse_search_dir(b, "nowhere", 0, true, &row, &err), BROWSE_NOT_FOUND);
	browse_free(b);
}

/* The count in slices: lower bounds that only grow, then the exact count, cached. */
static void test_browse_count_step_reaches_the_exact_count(void **state)
{
	struct browse *b = open_invoices(*state, "due", false, 5);
	struct pm_error err;
	int64_t n = 0, last = 0, exact;
	bool done = false;

	assert_int_equal(browse_count_step(b, 0, &n, &done, &err), 0);   /* nothing cached */
	assert_false(done);
	while (!done) {
		assert_int_equal(browse_count_step(b, 1, &n, &done, &err), 0);
		assert_true(n >= last && n <= NINV);
		last = n;
	}
	assert_int_equal(n, NINV);
	assert_int_equal(browse_set_filter(b, "currency:USD", &err), 0);
	assert_int_equal(browse_count(b, &exact, &err), 0);
	assert_int_equal(exact, 3);
	assert_int_equal(browse_count_step(b, 0, &n, &done, &err), 0);
	assert_true(done);
	assert_int_equal(n, 3);
	browse_free(b);
}

/* A rare word with no time to scan: each fetch stops early with what it found and the page
 * fills in further steps to exactly the rows the unbounded query gives, both from the top and
 * from the bottom; search through such a filter finds its rows too. */
static void test_browse_scan_filter_fills_the_page_in_steps(void **state)
{
	struct fx *f = *state;
	struct browse *b = open_invoices(f, "id", false, 3);
	const struct browse_row *rows;
	struct pm_error err;
	size_t nrows, above, row, steps = 0;
	int rc;

	sql(f->db, "WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 5099)"
	    " INSERT INTO invoices(id, invoice_id, customer_id, customer_name, invoice_date,"
	    " due_date, amount, currency) SELECT i, printf('X-%05d', i), 'F', CASE WHEN i % 1000 ="
	    " 0 THEN 'Needle Co' ELSE 'Filler' END, '2025-01-01', '2025-02-01', 100, 'EUR' FROM n");
	browse_set_scan_budget(b, -1);
	assert_int_equal(browse_set_filter(b, "needle", &err), 0);
	assert_true(browse_filling(b));
	while (browse_filling(b) && ++steps < 1000)
		assert_int_equal(browse_fill(b, 1, &above, &err), 0);
	rows = browse_rows(b, &nrows);
	assert_int_equal(nrows, 3);
	assert_string_equal(rows[0].cells[0], "X-01000");
	assert_string_equal(rows[2].cells[0], "X-03000");
	assert_false(browse_at_end(b));
	assert_int_equal(browse_last(b, &err), 0);
	while (browse_filling(b) && ++steps < 2000)
		assert_int_equal(browse_fill(b, 1, &above, &err), 0);
	rows = browse_rows(b, &nrows);
	assert_int_equal(nrows, 3);
	assert_string_equal(rows[0].cells[0], "X-03000");
	assert_string_equal(rows[2].cells[0], "X-05000");
	assert_true(browse_at_end(b));
	assert_false(browse_at_start(b));
	do
		rc = browse_search_dir(b, "x-01", 2, true, &row, &err);
	while (rc == BROWSE_SEARCHING);
	assert_int_equal(rc, BROWSE_FOUND);
	while (browse_filling(b))
		assert_int_equal(browse_fill(b, 1, &above, &err), 0);
	rows = browse_rows(b, &nrows);
	assert_true(nrows > 0);
	assert_string_equal(rows[0].cells[0], "X-01000");
	browse_free(b);
}

/* A word on Aging picks customers by id or name in the customers table. */
static void test_browse_aging_word_filter_uses_customers(void **state)
{
	struct fx *f = *state;
	struct browse_params p = { .table = BROWSE_AGING, .as_of = "2025-03-01" };
	const struct browse_row *rows;
	struct browse *b;
	struct pm_error err;
	size_t nrows;
	int64_t n;

	sql(f->db, "INSERT INTO customers VALUES('C0', 'Alpha'), ('C1', 'Beta Smith'), "
	    "('C2', 'Gamma')");
	if (browse_new(f->st, &p, &b, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(browse_set_filter(b, "smith", &err), 0);
	rows = browse_rows(b, &nrows);
	assert_int_equal(nrows, 2);                /* C1 EUR and USD */
	assert_string_equal(rows[0].customer_id, "C1");
	assert_string_equal(rows[1].customer_id, "C1");
	assert_int_equal(browse_count(b, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(browse_set_filter(b, "gam", &err), 0);
	rows = browse_rows(b, &nrows);
	assert_true(nrows > 0);
	assert_string_equal(rows[0].customer_id, "C2");
	browse_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_browse_pages_by_amount_with_ties_both_ways,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_browse_pages_by_due_date_and_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_browse_scroll_moves_by_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_browse_search_finds_next_and_wraps, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_browse_filter_rejects_junk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_browse_filter_binds_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_browse_unsortable_column_refused, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_browse_aging_and_drill_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_browse_aging_search_finds_customer, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_browse_aging_hides_paid_customers, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_browse_search_backward_finds_previous_and_wraps,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_browse_count_step_reaches_the_exact_count, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_browse_scan_filter_fills_the_page_in_steps, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_browse_aging_word_filter_uses_customers, setup,
		                                teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
