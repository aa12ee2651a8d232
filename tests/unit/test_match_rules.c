/* The matching rules on in-memory sets (no SQLite): one behaviour per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "paymatch/config.h"
#include "paymatch/match.h"

static struct pm_config *cfg;
static struct match_set *set;
static struct match_result *res;

static pm_date day(int m, int d)
{
	pm_date x;

	date_from_ymd(2026, m, d, &x);
	return x;
}

static void inv(int64_t row, const char *ref, const char *cust, const char *name, int m, int d,
                int64_t amount, const char *cur)
{
	char id[32];
	struct match_invoice_in in = { .row = row, .invoice_id = id, .customer_id = cust,
		.customer_name = name, .reference = ref, .currency = cur ? cur : "USD",
		.invoice_date = day(m, d), .due_date = day(m, d) + 30, .amount = amount,
		.open = amount };

	snprintf(id, sizeof id, "I%lld", (long long)row);
	assert_int_equal(match_set_add_invoice(set, &in), 0);
}

static void pay(int64_t row, const char *ref, const char *memo, const char *cust,
                const char *payer, int m, int d, int64_t amount, const char *cur)
{
	char id[32];
	struct match_payment_in in = { .row = row, .payment_id = id, .currency = cur ? cur : "USD",
		.payer_name = payer, .customer_id = cust, .reference = ref, .memo = memo,
		.date = day(m, d), .amount = amount, .unapplied = amount };

	snprintf(id, sizeof id, "P%lld", (long long)row);
	assert_int_equal(match_set_add_payment(set, &in), 0);
}

static void run(int workers)
{
	struct pm_error err;

	assert_int_equal(match_compute(set, cfg, workers, NULL, &res, &err), 0);
}

static int setup(void **state)
{
	(void)state;
	cfg = config_new();
	set = match_set_new();
	res = NULL;
	return cfg && set ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	match_result_free(res);
	match_set_free(set);
	config_free(cfg);
	return 0;
}

/* Returns the allocation of payment prow to invoice irow, or NULL. */
static const struct match_alloc *alloc_of(int64_t prow, int64_t irow)
{
	for (int64_t i = 0; i < res->nallocs; i++)
		if (res->allocs[i].payment_row == prow && res->allocs[i].invoice_row == irow)
			return &res->allocs[i];
	return NULL;
}

static int64_t allocs_of_payment(int64_t prow)
{
	int64_t n = 0;

	for (int64_t i = 0; i < res->nallocs; i++)
		n += res->allocs[i].payment_row == prow;
	return n;
}

static const struct match_exception *exc_of(int kind, int64_t prow)
{
	for (int64_t i = 0; i < res->nexcs; i++)
		if (res->excs[i].kind == kind && res->excs[i].payment_row == prow)
			return &res->excs[i];
	return NULL;
}

static void test_exact_reference_is_auto(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "INV-2026-000123", "C1", "Acme", 1, 5, 120000, NULL);
	inv(2, "INV-2026-000124", "C1", "Acme", 1, 6, 120000, NULL);
	pay(1, "INV-2026-000123", "", "", "", 1, 17, 120000, NULL);
	run(1);
	a = alloc_of(1, 1);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_EXACT_REF);
	assert_int_equal(a->status, MSTATUS_AUTO);
	assert_int_equal(a->amount_applied, 120000);
	assert_string_equal(a->explanation, "ref exact, amount exact, +12d");
}

static void test_mangled_reference_without_prefix_matches(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "INV-2026-000123", "C1", "Acme", 1, 5, 120000, NULL);
	inv(2, "INV-2026-000456", "C1", "Acme", 1, 5, 50000, NULL);
	pay(1, "2026000123", "", "", "", 1, 10, 120000, NULL);
	pay(2, "inv 2026/000456", "", "", "", 1, 10, 1000, NULL);
	run(1);
	a = alloc_of(1, 1);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_MANGLED_REF);
	assert_int_equal(a->status, MSTATUS_AUTO);
	assert_non_null(alloc_of(2, 2));   /* a partial payment with a mangled reference */
	assert_int_equal(alloc_of(2, 2)->rule, RULE_PARTIAL);
}

static void test_reference_in_memo_text(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "INV-000123", "C1", "Acme", 1, 5, 5000, NULL);
	pay(1, "", "PAYMENT INV 123 THANK YOU", "", "", 1, 8, 5000, NULL);
	run(1);
	a = alloc_of(1, 1);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_MEMO_REF);
}

static void test_typo_reference_needs_exact_amount(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "INV-2026-000123", "C1", "Acme", 1, 5, 120000, NULL);
	inv(2, "INV-2026-000777", "C2", "Beta", 1, 5, 90000, NULL);
	pay(1, "INV-2026-000132", "", "", "", 1, 17, 120000, NULL);
	pay(2, "INV-2026-000787", "", "", "", 1, 17, 85000, NULL);
	run(1);
	a = alloc_of(1, 1);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_TYPO_REF);
	assert_string_equal(a->explanation, "ref~1 typo, amount exact, +12d");
	assert_int_equal(allocs_of_payment(2), 0);
	assert_non_null(exc_of(EXC_UNMATCHED_PAYMENT, 2));
}

static void test_short_digit_reference_does_not_match_loosely(void **state)
{
	(void)state;
	inv(1, "INV-0042", "C1", "Acme", 1, 5, 10000, NULL);
	pay(1, "", "order 42 thanks", "", "", 1, 9, 7777, NULL);
	run(1);
	assert_int_equal(allocs_of_payment(1), 0);
}

static void test_customer_id_and_unique_amount_is_auto(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "R1", "C9", "Zeta", 1, 5, 31415, NULL);
	inv(2, "R2", "C9", "Zeta", 1, 6, 27182, NULL);
	pay(1, "", "", "C9", "", 1, 20, 31415, NULL);
	run(1);
	a = alloc_of(1, 1);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_CUSTOMER_AMOUNT);
	assert_int_equal(a->status, MSTATUS_AUTO);
	assert_string_equal(a->explanation,
	                    "amount exact, customer id, customer has 1 open invoice of that amount, +15d");
}

static void test_customer_outside_date_window_is_not_matched(void **state)
{
	(void)state;
	inv(1, "R1", "C9", "Zeta", 1, 5, 31415, NULL);
	pay(1, "", "", "C9", "", 12, 20, 31415, NULL);
	run(1);
	assert_int_equal(allocs_of_payment(1), 0);
}

static void test_repeated_round_amount_is_ambiguous(void **state)
{
	(void)state;
	inv(1, "R1", "C4", "Delta", 1, 14, 100000, NULL);
	inv(2, "R2", "C4", "Delta", 1, 15, 100000, NULL);
	pay(1, "", "", "C4", "", 1, 25, 100000, NULL);
	run(1);
	assert_int_equal(allocs_of_payment(1), 0);
	assert_non_null(exc_of(EXC_AMBIGUOUS, 1));
}

static void test_name_alone_suggests_but_never_decides(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "R1", "C1", "Acme Industrial Supply LLC", 1, 5, 123456, NULL);
	pay(1, "", "", "", "ACME INDUSTRIAL SU", 1, 8, 123456, NULL);
	run(1);
	a = alloc_of(1, 1);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_NAME_AMOUNT);
	assert_int_equal(a->status, MSTATUS_SUGGESTED);
	assert_true(a->confidence <= cfg->matching.name_only_cap);
	assert_non_null(exc_of(EXC_SUGGESTED, 1));
}

static void test_similar_names_with_same_amount_are_ambiguous(void **state)
{
	(void)state;
	inv(1, "R1", "C1", "Acme Industrial Supply", 1, 5, 100000, NULL);
	inv(2, "R2", "C2", "Acme Industrial Supplies", 1, 5, 100000, NULL);
	pay(1, "", "", "", "ACME INDUSTRIAL SU", 1, 8, 100000, NULL);
	run(1);
	assert_int_equal(allocs_of_payment(1), 0);
	assert_non_null(exc_of(EXC_AMBIGUOUS, 1));
}

static void test_memo_listing_all_invoices_pays_them_all(void **state)
{
	const struct match_alloc *a, *b;

	(void)state;
	inv(1, "INV-5001", "C1", "Acme", 1, 5, 10000, NULL);
	inv(2, "INV-5002", "C1", "Acme", 1, 6, 25000, NULL);
	inv(3, "INV-5003", "C1", "Acme", 1, 7, 40000, NULL);
	pay(1, "", "INV-5001, INV-5002", "", "", 1, 20, 35000, NULL);
	run(1);
	a = alloc_of(1, 1);
	b = alloc_of(1, 2);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->rule, RULE_MULTI_REF);
	assert_int_equal(a->group, b->group);
	assert_true(a->group > 0);
	assert_null(alloc_of(1, 3));
}

static void test_memo_listing_some_invoices_adds_unique_rest(void **state)
{
	(void)state;
	inv(1, "INV-5001", "C1", "Acme", 1, 5, 10000, NULL);
	inv(2, "INV-5002", "C1", "Acme", 1, 6, 25000, NULL);
	inv(3, "INV-5003", "C1", "Acme", 1, 7, 40000, NULL);
	pay(1, "", "INV-5001", "", "", 1, 20, 50000, NULL);
	run(1);
	assert_non_null(alloc_of(1, 1));
	assert_non_null(alloc_of(1, 3));
	assert_null(alloc_of(1, 2));
	assert_int_equal(alloc_of(1, 3)->status, MSTATUS_SUGGESTED);
}

static void test_sum_of_open_invoices_without_reference(void **state)
{
	(void)state;
	inv(1, "R1", "C1", "Acme", 1, 5, 12345, NULL);
	inv(2, "R2", "C1", "Acme", 1, 6, 23456, NULL);
	inv(3, "R3", "C1", "Acme", 1, 7, 34567, NULL);
	pay(1, "", "", "C1", "", 1, 20, 12345 + 34567, NULL);
	run(1);
	assert_non_null(alloc_of(1, 1));
	assert_non_null(alloc_of(1, 3));
	assert_int_equal(alloc_of(1, 1)->rule, RULE_MULTI_SUM);
	assert_null(alloc_of(1, 2));
}

static void test_two_sets_reaching_the_sum_are_ambiguous(void **state)
{
	(void)state;
	inv(1, "R1", "C1", "Acme", 1, 5, 100, NULL);
	inv(2, "R2", "C1", "Acme", 1, 6, 200, NULL);
	inv(3, "R3", "C1", "Acme", 1, 7, 150, NULL);
	inv(4, "R4", "C1", "Acme", 1, 8, 150, NULL);
	pay(1, "", "", "C1", "", 1, 20, 300, NULL);
	run(1);
	assert_int_equal(allocs_of_payment(1), 0);
	assert_non_null(exc_of(EXC_AMBIGUOUS, 1));
}

static void test_installments_each_apply_and_leave_residual(void **state)
{
	(void)state;
	inv(1, "INV-9001", "C1", "Acme", 1, 5, 90000, NULL);
	pay(1, "INV-9001", "", "", "", 1, 10, 30000, NULL);
	pay(2, "INV-9001", "", "", "", 2, 10, 30000, NULL);
	run(1);
	assert_int_equal(alloc_of(1, 1)->amount_applied, 30000);
	assert_int_equal(alloc_of(2, 1)->amount_applied, 30000);
	assert_int_equal(alloc_of(1, 1)->rule, RULE_PARTIAL);
	for (int64_t i = 0; i < res->nexcs; i++)
		if (res->excs[i].kind == EXC_SHORT_PAY)
			assert_int_equal(res->excs[i].amount, 30000);
}

static void test_short_pay_exactly_at_tolerance_is_deducted(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "INV-7001", "C1", "Acme", 1, 5, 10000, NULL);   /* 2% = 200 < 500 absolute */
	pay(1, "INV-7001", "", "", "", 1, 10, 9500, NULL);
	run(1);
	a = alloc_of(1, 1);
	assert_int_equal(a->rule, RULE_SHORT_PAY);
	assert_int_equal(a->amount_applied, 9500);
	assert_int_equal(a->deduction, 500);
}

static void test_short_pay_one_unit_over_tolerance_is_partial(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "INV-7001", "C1", "Acme", 1, 5, 10000, NULL);
	pay(1, "INV-7001", "", "", "", 1, 10, 9499, NULL);
	run(1);
	a = alloc_of(1, 1);
	assert_int_equal(a->rule, RULE_PARTIAL);
	assert_int_equal(a->deduction, 0);
	assert_non_null(exc_of(EXC_SHORT_PAY, 1));
}

static void test_percent_tolerance_applies_to_large_invoices(void **state)
{
	(void)state;
	inv(1, "INV-7002", "C1", "Acme", 1, 5, 1000000, NULL);   /* 2% = 20000 */
	pay(1, "INV-7002", "", "", "", 1, 10, 980000, NULL);
	run(1);
	assert_int_equal(alloc_of(1, 1)->deduction, 20000);
}

static void test_overpayment_leaves_unapplied_credit(void **state)
{
	const struct match_exception *x;

	(void)state;
	inv(1, "INV-8001", "C1", "Acme", 1, 5, 10000, NULL);
	pay(1, "INV-8001", "", "", "", 1, 10, 12500, NULL);
	run(1);
	assert_int_equal(alloc_of(1, 1)->amount_applied, 10000);
	assert_int_equal(alloc_of(1, 1)->rule, RULE_OVER_PAY);
	x = exc_of(EXC_OVER_PAY, 1);
	assert_non_null(x);
	assert_int_equal(x->amount, 2500);
}

static void test_duplicate_payment_is_an_exception(void **state)
{
	(void)state;
	inv(1, "INV-8001", "C1", "Acme", 1, 5, 10000, NULL);
	pay(1, "INV-8001", "", "C1", "Acme", 1, 10, 10000, NULL);
	pay(2, "INV-8001", "", "C1", "Acme", 1, 12, 10000, NULL);
	run(1);
	assert_non_null(alloc_of(1, 1));
	assert_int_equal(allocs_of_payment(2), 0);
	assert_non_null(exc_of(EXC_DUPLICATE, 2));
}

static void test_never_across_currencies(void **state)
{
	(void)state;
	inv(1, "INV-8001", "C1", "Acme", 1, 5, 10000, "EUR");
	pay(1, "INV-8001", "", "", "", 1, 10, 10000, "USD");
	run(1);
	assert_int_equal(allocs_of_payment(1), 0);
	assert_non_null(exc_of(EXC_CURRENCY_MISMATCH, 1));
}

static void test_rejected_pair_is_never_proposed(void **state)
{
	(void)state;
	inv(1, "INV-8001", "C1", "Acme", 1, 5, 10000, NULL);
	pay(1, "INV-8001", "", "", "", 1, 10, 10000, NULL);
	assert_int_equal(match_set_add_rejected(set, 1, 1), 0);
	run(1);
	assert_int_equal(allocs_of_payment(1), 0);
}

static void test_invoice_is_never_over_applied(void **state)
{
	(void)state;
	inv(1, "INV-8001", "C1", "Acme", 1, 5, 10000, NULL);
	pay(1, "INV-8001", "", "", "", 1, 10, 10000, NULL);
	pay(2, "", "INV 8001", "", "", 1, 11, 10000, NULL);
	run(1);
	assert_int_equal(alloc_of(1, 1)->status, MSTATUS_AUTO);
	assert_int_equal(allocs_of_payment(2), 0);
	assert_non_null(exc_of(EXC_UNMATCHED_PAYMENT, 2));
}

static void test_cancel_before_scoring_returns_eintr(void **state)
{
	struct pm_progress p;
	struct pm_error err;

	(void)state;
	inv(1, "INV-8001", "C1", "Acme", 1, 5, 10000, NULL);
	pay(1, "INV-8001", "", "", "", 1, 10, 10000, NULL);
	progress_init(&p);
	progress_request_cancel(&p);
	assert_int_equal(match_compute(set, cfg, 2, &p, &res, &err), PM_EINTR);
	assert_null(res);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_exact_reference_is_auto),
		T(test_mangled_reference_without_prefix_matches),
		T(test_reference_in_memo_text),
		T(test_typo_reference_needs_exact_amount),
		T(test_short_digit_reference_does_not_match_loosely),
		T(test_customer_id_and_unique_amount_is_auto),
		T(test_customer_outside_date_window_is_not_matched),
		T(test_repeated_round_amount_is_ambiguous),
		T(test_name_alone_suggests_but_never_decides),
		T(test_similar_names_with_same_amount_are_ambiguous),
		T(test_memo_listing_all_invoices_pays_them_all),
		T(test_memo_listing_some_invoices_adds_unique_rest),
		T(test_sum_of_open_invoices_without_reference),
		T(test_two_sets_reaching_the_sum_are_ambiguous),
		T(test_installments_each_apply_and_leave_residual),
		T(test_short_pay_exactly_at_tolerance_is_deducted),
		T(test_short_pay_one_unit_over_tolerance_is_partial),
		T(test_percent_tolerance_applies_to_large_invoices),
		T(test_overpayment_leaves_unapplied_credit),
		T(test_duplicate_payment_is_an_exception),
		T(test_never_across_currencies),
		T(test_rejected_pair_is_never_proposed),
		T(test_invoice_is_never_over_applied),
		T(test_cancel_before_scoring_returns_eintr),
	};
	return cmocka_run_group_tests_name("match_rules", tests, NULL, NULL);
}
