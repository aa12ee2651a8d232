/* Unit tests for reviewer decisions: each changes exactly its rows and writes its audit
 * row; versions catch a second session; undo restores decisions one by one. */
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

#include "paymatch/review.h"
#include "ws_test.h"

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

static int64_t num(sqlite3 *db, const char *q)
{
	sqlite3_stmt *stmt;
	int64_t v = -999;

	if (sqlite3_prepare_v2(db, q, -1, &stmt, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static const char *text(sqlite3 *db, const char *q, char *buf, size_t n)
{
	sqlite3_stmt *stmt;

	buf[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		snprintf(buf, n, "%s", sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return buf;
}

/* P1 EUR 1000.00 suggested to I1 (A1, exception E1); P2 EUR 500.00 suggested to I2
 * (A2, E2); P3 USD; I3 EUR 200.00; I4 USD; I5 EUR 400.00. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct pm_error err;
	int fd;

	setenv("USER", "alice", 1);
	snprintf(f->path, sizeof f->path, "/tmp/pm_review_XXXXXX");
	fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	if (store_open(f->path, STORE_READWRITE, 1000, &f->st, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(sqlite3_open(f->path, &f->db), SQLITE_OK);
	sql(f->db, "INSERT INTO payments(id, payment_id, payment_date, amount, currency, payer_name)"
	    " VALUES(1, 'P1', '2025-02-01', 100000, 'EUR', 'ACME'),"
	    " (2, 'P2', '2025-02-02', 50000, 'EUR', 'BOLT'), (3, 'P3', '2025-02-03', 30000, 'USD',"
	    " 'CRANE');"
	    "INSERT INTO invoices(id, invoice_id, customer_id, customer_name, invoice_date, due_date,"
	    " amount, currency) VALUES(1, 'I1', 'C1', 'Acme', '2025-01-01', '2025-01-31', 100000,"
	    " 'EUR'), (2, 'I2', 'C2', 'Bolt', '2025-01-01', '2025-01-31', 30000, 'EUR'),"
	    " (3, 'I3', 'C2', 'Bolt', '2025-01-01', '2025-01-31', 20000, 'EUR'),"
	    " (4, 'I4', 'C3', 'Crane', '2025-01-01', '2025-01-31', 30000, 'USD'),"
	    " (5, 'I5', 'C1', 'Acme', '2025-01-01', '2025-01-31', 40000, 'EUR');"
	    "INSERT INTO allocations(id, payment_row, invoice_row, amount_applied, currency,"
	    " confidence, rule, explanation, status, created_at) VALUES"
	    " (1, 1, 1, 100000, 'EUR', 0.9, 'reference', 'ref exact', 'suggested', 't'),"
	    " (2, 2, 2, 30000, 'EUR', 0.8, 'amount', 'amount exact', 'suggested', 't');"
	    "INSERT INTO exceptions(id, kind, payment_row, invoice_row, allocation_id, amount,"
	    " currency) VALUES (1, 'suggested', 1, 1, 1, 100000, 'EUR'),"
	    " (2, 'suggested', 2, 2, 2, 30000, 'EUR');");
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

static const struct review_ref A1 = { 1, 1 }, A2 = { 2, 1 }, NOEXC = { 0, 0 };

static void test_review_accept_confirms_and_resolves(void **state)
{
	struct fx *f = *state;
	struct review_result res;
	struct pm_error err;
	char buf[512];

	assert_int_equal(review_accept(f->st, A1, "looks right", &res, &err), 0);
	assert_int_equal(res.count, 1);
	assert_int_equal(res.amount, 100000);
	assert_string_equal(text(f->db, "SELECT status FROM allocations WHERE id = 1", buf, 512),
	                    "confirmed");
	assert_int_equal(num(f->db, "SELECT version FROM allocations WHERE id = 1"), 2);
	assert_string_equal(text(f->db, "SELECT status FROM exceptions WHERE id = 1", buf, 512),
	                    "resolved");
	assert_string_equal(text(f->db, "SELECT status FROM allocations WHERE id = 2", buf, 512),
	                    "suggested");
	assert_int_equal(num(f->db, "SELECT count(*) FROM audit_log WHERE action = 'accept' AND "
	                 "user = 'alice' AND allocation_id = 1 AND note = 'looks right'"), 1);
	text(f->db, "SELECT before FROM audit_log", buf, sizeof buf);
	assert_non_null(strstr(buf, "\"suggested\""));
	text(f->db, "SELECT after FROM audit_log", buf, sizeof buf);
	assert_non_null(strstr(buf, "\"confirmed\""));
}

static void test_review_stale_version_is_a_conflict(void **state)
{
	struct fx *f = *state;
	struct review_ref stale = { 1, 7 };
	struct review_result res;
	struct pm_error err;

	assert_int_equal(review_accept(f->st, stale, NULL, &res, &err), REVIEW_CONFLICT);
	assert_int_equal(num(f->db, "SELECT version FROM allocations WHERE id = 1"), 1);
	assert_int_equal(num(f->db, "SELECT count(*) FROM audit_log"), 0);
}

static void test_review_conflict_names_the_other_reviewer(void **state)
{
	struct fx *f = *state;
	struct store *other;
	struct review_result res;
	struct pm_error err;
	int64_t seen = -1;

	assert_false(review_data_changed(f->st, &seen));
	assert_int_equal(store_open(f->path, STORE_READWRITE, 1000, &other, &err), 0);
	setenv("USER", "bob", 1);
	assert_int_equal(review_reject(other, A1, NULL, &res, &err), 0);
	setenv("USER", "alice", 1);
	store_close(other);
	assert_true(review_data_changed(f->st, &seen));
	assert_false(review_data_changed(f->st, &seen));
	assert_int_equal(review_accept(f->st, A1, NULL, &res, &err), REVIEW_CONFLICT);
	assert_non_null(strstr(err.msg, "bob"));
	assert_non_null(strstr(err.msg, "reject"));
}

static void test_review_reject_reopens_the_payment(void **state)
{
	struct fx *f = *state;
	struct review_result res;
	struct pm_error err;
	char buf[64];

	assert_int_equal(review_reject(f->st, A2, NULL, &res, &err), 0);
	assert_string_equal(text(f->db, "SELECT status FROM allocations WHERE id = 2", buf, 64),
	                    "rejected");
	assert_string_equal(text(f->db, "SELECT status FROM exceptions WHERE id = 2", buf, 64),
	                    "resolved");
	assert_int_equal(num(f->db, "SELECT count(*) FROM exceptions WHERE payment_row = 2 AND "
	                 "kind = 'unmatched_payment' AND status = 'open' AND amount = 50000"), 1);
}

static void test_review_split_inserts_manual_allocations(void **state)
{
	struct fx *f = *state;
	struct review_line lines[] = { { 2, 20000 }, { 3, 10000 } };
	struct review_ref e2 = { 2, 1 };
	struct review_result res;
	struct pm_error err;

	assert_int_equal(review_manual(f->st, 2, lines, 2, e2, NULL, &res, &err), 0);
	assert_int_equal(res.remainder, 20000);
	assert_int_equal(res.count, 2);
	assert_int_equal(num(f->db, "SELECT count(*) FROM allocations WHERE payment_row = 2 AND "
	                 "status = 'manual' AND rule = 'manual' AND confidence = 1.0 AND "
	                 "explanation = 'matched by alice'"), 2);
	assert_int_equal(num(f->db, "SELECT count(*) FROM exceptions WHERE id = 2 AND "
	                 "status = 'resolved'"), 1);
	assert_int_equal(num(f->db, "SELECT count(*) FROM audit_log WHERE action = 'split'"), 1);
}

static void test_review_manual_refuses_over_application(void **state)
{
	struct fx *f = *state;
	struct review_line over_invoice[] = { { 3, 25000 } };
	struct review_line over_payment[] = { { 5, 40000 }, { 3, 20000 } };
	struct review_line zero[] = { { 3, 0 } };
	struct review_result res;
	struct pm_error err;

	assert_int_equal(review_manual(f->st, 2, over_invoice, 1, NOEXC, NULL, &res, &err),
	                 PM_EDATA);
	assert_non_null(strstr(err.msg, "open balance"));
	assert_int_equal(review_manual(f->st, 2, over_payment, 2, NOEXC, NULL, &res, &err),
	                 PM_EDATA);
	assert_non_null(strstr(err.msg, "unapplied"));
	assert_int_equal(review_manual(f->st, 2, zero, 1, NOEXC, NULL, &res, &err), PM_EDATA);
	assert_int_equal(num(f->db, "SELECT count(*) FROM allocations"), 2);
	assert_int_equal(num(f->db, "SELECT count(*) FROM audit_log"), 0);
}

static void test_review_manual_refuses_currency_mismatch(void **state)
{
	struct fx *f = *state;
	struct review_line usd[] = { { 4, 100 } };
	struct review_result res;
	struct pm_error err;

	assert_int_equal(review_manual(f->st, 2, usd, 1, NOEXC, NULL, &res, &err), PM_EDATA);
	assert_non_null(strstr(err.msg, "currencies"));
	assert_int_equal(num(f->db, "SELECT count(*) FROM allocations"), 2);
}

static void test_review_writeoff_needs_a_known_reason(void **state)
{
	struct fx *f = *state;
	struct writeoff_reason reasons[] = { { "bank_fee", "Bank fee" } };
	struct pm_config cfg;
	struct review_result res;
	struct pm_error err;

	memset(&cfg, 0, sizeof cfg);
	cfg.ui.writeoff_reasons = reasons;
	cfg.ui.nwriteoff_reasons = 1;
	assert_int_equal(review_writeoff(f->st, &cfg, 5, 500, "whim", NOEXC, NULL, &res, &err),
	                 PM_EDATA);
	assert_int_equal(review_writeoff(f->st, &cfg, 5, 50000, "bank_fee", NOEXC, NULL, &res,
	                                 &err), PM_EDATA);
	assert_int_equal(review_writeoff(f->st, &cfg, 5, 500, "bank_fee", NOEXC, NULL, &res, &err),
	                 0);
	assert_int_equal(res.remainder, 39500);
	assert_int_equal(num(f->db, "SELECT count(*) FROM allocations WHERE payment_row IS NULL "
	                 "AND invoice_row = 5 AND rule = 'writeoff' AND status = 'manual' AND "
	                 "amount_applied = 0 AND deduction = 500 AND reason_code = 'bank_fee'"), 1);
}

static void test_review_note_is_audited(void **state)
{
	struct fx *f = *state;
	struct review_result res;
	struct pm_error err;

	assert_int_equal(review_note(f->st, REVIEW_PAYMENT, 3, "called the bank", &res, &err), 0);
	assert_int_equal(review_note(f->st, REVIEW_PAYMENT, 3, "", &res, &err), PM_EDATA);
	assert_int_equal(review_note(f->st, REVIEW_INVOICE, 99, "x", &res, &err), PM_EDATA);
	assert_int_equal(num(f->db, "SELECT count(*) FROM audit_log WHERE action = 'note' AND "
	                 "payment_row = 3 AND note = 'called the bank'"), 1);
}

static void test_review_undo_twice_undoes_two_decisions(void **state)
{
	struct fx *f = *state;
	struct review_result res;
	struct pm_error err;
	char buf[64];

	assert_int_equal(review_accept(f->st, A1, NULL, &res, &err), 0);
	assert_int_equal(review_reject(f->st, A2, NULL, &res, &err), 0);
	assert_int_equal(review_undo_last(f->st, &res, &err), 0);
	assert_string_equal(res.action, "reject");
	assert_string_equal(text(f->db, "SELECT status FROM allocations WHERE id = 2", buf, 64),
	                    "suggested");
	assert_string_equal(text(f->db, "SELECT status FROM exceptions WHERE id = 2", buf, 64),
	                    "open");
	assert_int_equal(num(f->db, "SELECT count(*) FROM exceptions WHERE kind = "
	                 "'unmatched_payment'"), 0);
	assert_int_equal(num(f->db, "SELECT count(*) FROM allocations WHERE id = 2 AND "
	                 "decided_by IS NULL"), 1);
	assert_int_equal(review_undo_last(f->st, &res, &err), 0);
	assert_string_equal(res.action, "accept");
	assert_string_equal(text(f->db, "SELECT status FROM allocations WHERE id = 1", buf, 64),
	                    "suggested");
	assert_string_equal(text(f->db, "SELECT status FROM exceptions WHERE id = 1", buf, 64),
	                    "open");
	assert_int_equal(num(f->db, "SELECT count(*) FROM audit_log WHERE action = 'undo'"), 2);
	assert_int_equal(num(f->db, "SELECT count(*) FROM audit_log WHERE undone = 1"), 2);
	assert_int_equal(review_undo_last(f->st, &res, &err), PM_EDATA);
	/* Versions only grow: the UI's old copy (version 1) is stale now. */
	assert_int_equal(num(f->db, "SELECT version FROM allocations WHERE id = 1"), 3);
}

static void test_review_undo_of_manual_deletes_its_rows(void **state)
{
	struct fx *f = *state;
	struct review_line one[] = { { 3, 5000 } };
	struct review_result res;
	struct pm_error err;

	assert_int_equal(review_manual(f->st, 3, (struct review_line[]){ { 4, 30000 } }, 1, NOEXC,
	                               NULL, &res, &err), 0);
	assert_int_equal(review_manual(f->st, 2, one, 1, NOEXC, NULL, &res, &err), 0);
	assert_int_equal(num(f->db, "SELECT count(*) FROM allocations"), 4);
	assert_int_equal(review_undo_last(f->st, &res, &err), 0);
	assert_int_equal(num(f->db, "SELECT count(*) FROM allocations WHERE payment_row = 2 AND "
	                 "status = 'manual'"), 0);
	assert_int_equal(num(f->db, "SELECT count(*) FROM allocations"), 3);
}

static void test_review_undo_refuses_when_rows_changed(void **state)
{
	struct fx *f = *state;
	struct review_result res;
	struct pm_error err;

	assert_int_equal(review_accept(f->st, A1, NULL, &res, &err), 0);
	sql(f->db, "UPDATE allocations SET version = version + 1 WHERE id = 1");
	assert_int_equal(review_undo_last(f->st, &res, &err), REVIEW_CONFLICT);
	assert_int_equal(num(f->db, "SELECT count(*) FROM allocations WHERE id = 1 AND "
	                 "status = 'confirmed'"), 1);
	assert_int_equal(num(f->db, "SELECT count(*) FROM audit_log WHERE undone = 1"), 0);
}

static void test_review_accept_many_is_all_or_nothing(void **state)
{
	struct fx *f = *state;
	struct review_ref both[] = { { 1, 1 }, { 2, 1 } }, bad[] = { { 1, 1 }, { 2, 5 } };
	struct review_result res;
	struct pm_error err;

	assert_int_equal(review_accept_many(f->st, bad, 2, NULL, &res, &err), REVIEW_CONFLICT);
	assert_int_equal(num(f->db, "SELECT count(*) FROM allocations WHERE status = 'confirmed'"),
	                 0);
	assert_int_equal(review_accept_many(f->st, both, 2, NULL, &res, &err), 0);
	assert_int_equal(res.count, 2);
	assert_int_equal(res.amount, 130000);
	assert_int_equal(num(f->db, "SELECT count(*) FROM audit_log"), 1);
	assert_int_equal(review_undo_last(f->st, &res, &err), 0);
	assert_int_equal(num(f->db, "SELECT count(*) FROM allocations WHERE status = 'suggested'"),
	                 2);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_review_accept_confirms_and_resolves),
		T(test_review_stale_version_is_a_conflict),
		T(test_review_conflict_names_the_other_reviewer),
		T(test_review_reject_reopens_the_payment),
		T(test_review_split_inserts_manual_allocations),
		T(test_review_manual_refuses_over_application),
		T(test_review_manual_refuses_currency_mismatch),
		T(test_review_writeoff_needs_a_known_reason),
		T(test_review_note_is_audited),
		T(test_review_undo_twice_undoes_two_decisions),
		T(test_review_undo_of_manual_deletes_its_rows),
		T(test_review_undo_refuses_when_rows_changed),
		T(test_review_accept_many_is_all_or_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
