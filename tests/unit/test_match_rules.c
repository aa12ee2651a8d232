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
#include "../../src/match/match_internal.h"

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

/* Starts a new set within a test (its result goes too). */
static void reset_set(void)
{
	match_result_free(res);
	res = NULL;
	match_set_free(set);
	set = match_set_new();
	assert_non_null(set);
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

/* Three customers whose names read VORDIS AND SONS once legal forms are dropped, each with
 * open invoices; the payer wrote no legal form, so the name names none of them. */
static void vordis_customers(int64_t c3_second)
{
	inv(1, "R1", "C1", "Vordis & Sons Inc.", 1, 5, 31814, NULL);
	inv(2, "R2", "C1", "Vordis & Sons Inc.", 1, 6, 10000, NULL);
	inv(3, "R3", "C2", "Vordis & Sons LLP", 1, 5, 20000, NULL);
	inv(4, "R4", "C2", "Vordis & Sons LLP", 1, 7, 55555, NULL);
	inv(5, "R5", "C3", "Vordis & Sons Corporation", 1, 6, 34056, NULL);
	inv(6, "R6", "C3", "Vordis & Sons Corporation", 1, 8, c3_second, NULL);
}

/* Of the customers a payer name ties, the only one whose open invoices reach the amount
 * with a unique set is the payer: suggested, as any match resting on a name. */
static void test_sum_of_one_of_the_customers_a_name_ties(void **state)
{
	const struct match_alloc *a;

	(void)state;
	vordis_customers(77777);
	pay(1, "", "", "", "VORDIS AND SONS", 1, 20, 31814 + 34056, NULL);
	run(1);
	assert_int_equal(allocs_of_payment(1), 0);   /* C1 and C3 each have half of it */
	reset_set();
	vordis_customers(31814);
	pay(1, "", "", "", "VORDIS AND SONS", 1, 20, 31814 + 34056, NULL);
	run(1);
	a = alloc_of(1, 5);
	assert_non_null(a);
	assert_non_null(alloc_of(1, 6));
	assert_int_equal(allocs_of_payment(1), 2);
	assert_int_equal(a->rule, RULE_MULTI_SUM);
	assert_int_equal(a->status, MSTATUS_SUGGESTED);
	assert_non_null(strstr(a->explanation, "no other of the 3 customers of that name"));
}

/* Sets of two tied customers reach the amount: ambiguous, nothing applied. */
static void test_sums_of_two_customers_a_name_ties_are_ambiguous(void **state)
{
	(void)state;
	vordis_customers(31814);
	inv(7, "R7", "C2", "Vordis & Sons LLP", 1, 9, 31814 + 34056 - 20000, NULL);
	pay(1, "", "", "", "VORDIS AND SONS", 1, 20, 31814 + 34056, NULL);
	run(1);
	assert_int_equal(allocs_of_payment(1), 0);
	assert_non_null(exc_of(EXC_AMBIGUOUS, 1));
	assert_non_null(strstr(exc_of(EXC_AMBIGUOUS, 1)->detail, "fits 3 customers"));
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

/* "2026/002125" names invoice 2026/002125 verbatim; that it is also the core of another
 * customer's INV-2026-002125 must not make it a combined payment of both. */
static void test_verbatim_reference_does_not_also_name_another_by_core(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "2026/002125", "C1", "Lange Bau", 3, 1, 3362298, NULL);
	inv(2, "INV-2026-002125", "C2", "Falcon Steel", 3, 2, 485295, NULL);
	pay(1, "2026/002125", "", "C1", "LANGE BAU", 3, 20, 3362298, NULL);
	run(1);
	a = alloc_of(1, 1);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_EXACT_REF);
	assert_int_equal(a->status, MSTATUS_AUTO);
	assert_null(alloc_of(1, 2));
}

/* "2026002982" is written like neither reference: both invoices stay candidates and the
 * payer name decides (it must not be taken as 2026/002982 for its key alone). */
static void test_reference_key_equal_to_two_invoices_is_decided_by_the_payer(void **state)
{
	(void)state;
	inv(1, "2026/002982", "C1", "Stahlhandel Ruhr", 3, 1, 4715581, NULL);
	inv(2, "INV-2026-002982", "C2", "Laurent GmbH", 3, 2, 900000, NULL);
	pay(1, "2026002982", "", "", "LAURENT GMBH", 3, 4, 35071, NULL);
	run(1);
	assert_non_null(alloc_of(1, 2));
	assert_null(alloc_of(1, 1));
	assert_int_equal(alloc_of(1, 2)->rule, RULE_PARTIAL);
}

/* A late payment quoting INV-2026-001636 as written: the digit run 2026001636 of that
 * reference is the key of another customer's 2026/001636, which must not take it. */
static void test_digit_run_of_a_verbatim_reference_names_no_other_invoice(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "INV-2026-001636", "C5", "Margege & Nielsen Oyj", 2, 8, 27639, "GBP");
	inv(2, "2026/001636", "C6", "Jura SAS", 3, 1, 122762, "GBP");
	pay(1, "INV-2026-001636", "", "", "Margege OCH Nielsen OYJ", 6, 22, 27639, "GBP");
	run(1);
	a = alloc_of(1, 1);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_EXACT_REF);
	assert_int_equal(a->status, MSTATUS_SUGGESTED);   /* 134 days: outside the window */
	assert_null(alloc_of(1, 2));
}

/* A typo that hits another invoice's reference: INV-2026-001903 quoted, the amount is
 * exactly INV-2026-001930's. The typo reading competes (and wins, not automatically). */
static void test_typo_hitting_another_reference_competes_by_amount(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "INV-2026-001903", "C1", "Stater SARL", 4, 1, 157472, NULL);
	inv(2, "INV-2026-001930", "C1", "Stater SARL", 4, 20, 40000, NULL);
	pay(1, "", "Paiement facture INV-2026-001903", "C1", "STATER SARL", 5, 29, 40000, NULL);
	run(1);
	a = alloc_of(1, 2);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_TYPO_REF);
	assert_int_equal(a->status, MSTATUS_SUGGESTED);
	assert_null(alloc_of(1, 1));
}

/* Invoices 1..300 of 300 other customers, all of the round amount 1,000.00: the amount
 * index lists the first 256 only. */
static void round_amount_fillers(void)
{
	for (int i = 0; i < 300; i++) {
		char cust[16], name[32];

		snprintf(cust, sizeof cust, "F%d", i);
		snprintf(name, sizeof name, "Filler %d Trading", i);
		inv(i + 1, "", cust, name, 3, 1, 100000, NULL);
	}
}

/* A round amount that 300 other customers' invoices also have: the amount index lists the
 * first 256 only, so the payer's customer's own invoices are searched too. */
static void test_name_only_payment_of_a_common_round_amount_is_found(void **state)
{
	const struct match_alloc *a;

	(void)state;
	round_amount_fillers();
	inv(301, "INV-301", "C1", "Vortekul Precision Ltd", 3, 2, 100000, NULL);
	pay(1, "", "", "", "VORTEKUL PRECISION", 3, 20, 100000, NULL);
	run(1);
	a = alloc_of(1, 301);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_NAME_AMOUNT);
	assert_int_equal(a->status, MSTATUS_SUGGESTED);
}

/* 300 other customers' invoices of a round amount, then the payer's customer's two. */
static void round_amount_fillers_and_vortekul(int own)
{
	round_amount_fillers();
	for (int i = 0; i < own; i++) {
		char ref[16];

		snprintf(ref, sizeof ref, "INV-%d", 301 + i);
		inv(301 + i, ref, "C1", "Vortekul Precision Ltd", 3, 2 + i, 100000, NULL);
	}
}

/* A quoted reference with the exact amount settles a payment without a customer id (the
 * amount's list is not searched by name), yet the customer's own invoices of the amount
 * are all counted: the list gives the first 256 only, and a customer with two open
 * invoices of the amount must not be said to have one. */
static void test_settled_reference_counts_every_invoice_of_its_customer(void **state)
{
	const struct match_alloc *a;

	(void)state;
	round_amount_fillers_and_vortekul(2);
	pay(1, "INV-301", "", "", "VORTEKUL PRECISION", 3, 20, 100000, NULL);
	run(1);
	a = alloc_of(1, 301);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_EXACT_REF);
	assert_int_equal(a->status, MSTATUS_AUTO);
	assert_null(strstr(a->explanation, "1 open invoice"));
	reset_set();
	round_amount_fillers_and_vortekul(1);
	pay(1, "INV-301", "", "", "VORTEKUL PRECISION", 3, 20, 100000, NULL);
	run(1);
	a = alloc_of(1, 301);
	assert_non_null(a);
	assert_non_null(strstr(a->explanation, "customer has 1 open invoice of that amount"));
}

/* When the name cap does not leave the quoted invoice auto_margin ahead, invoices found by
 * name alone are searched again and may take the automatic status away. */
static void test_settled_reference_faces_names_when_the_margin_needs_it(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "R-7001", "C1", "Acme Industrial Supply", 1, 5, 100000, NULL);
	inv(2, "R-7002", "C2", "Acme Industrial Supplies", 1, 5, 100000, NULL);
	pay(1, "R-7001", "", "", "ACME INDUSTRIAL SUPPLY", 1, 8, 100000, NULL);
	run(1);
	a = alloc_of(1, 1);
	assert_non_null(a);
	assert_int_equal(a->status, MSTATUS_AUTO);
	match_result_free(res);
	res = NULL;
	cfg->matching.auto_margin = 0.1;
	cfg->matching.name_only_cap = 0.94;
	run(1);
	a = alloc_of(1, 1);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_EXACT_REF);
	assert_int_equal(a->status, MSTATUS_SUGGESTED);
}

/* A customer id whose invoices carry two names: a payer using the second one is the same
 * customer's (names are compared with both). */
static void test_second_name_of_a_customer_id_is_its_name_too(void **state)
{
	const struct match_alloc *a;

	(void)state;
	round_amount_fillers();
	inv(301, "", "CLI-MOR770", "Groupe Moreau Menuiserie Sàrl", 3, 2, 50000, NULL);
	inv(302, "", "CLI-MOR770", "Moreau Informatique SAS", 3, 3, 100000, NULL);
	pay(1, "", "", "", "MOREAU INFORMATIQUE SAS", 3, 20, 100000, NULL);
	run(1);
	a = alloc_of(1, 302);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_NAME_AMOUNT);
	assert_non_null(strstr(a->explanation, "name 1.00"));
}

/* A round amount 300 other customers' invoices also have (the amount's list gives the
 * first 256), and two customers a payer name without legal form ties. */
static void round_amount_fillers_and_tied_rochat(int64_t gmbh_amount)
{
	round_amount_fillers();
	inv(301, "", "C1", "Rochat Horlogerie SA", 3, 2, 100000, NULL);
	inv(302, "", "C2", "Rochat Horlogerie GmbH", 3, 2, gmbh_amount, NULL);
}

/* When the payer name ties customers, each one's own invoices of the amount are looked up
 * (the amount's list misses them): one of them has it, a suggestion; both, ambiguous. */
static void test_name_tying_customers_finds_the_one_with_the_amount(void **state)
{
	const struct match_alloc *a;

	(void)state;
	round_amount_fillers_and_tied_rochat(77777);
	pay(1, "", "", "", "ROCHAT HORLOGERIE", 3, 20, 100000, NULL);
	run(1);
	a = alloc_of(1, 301);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_NAME_AMOUNT);
	assert_int_equal(a->status, MSTATUS_SUGGESTED);
	reset_set();
	round_amount_fillers_and_tied_rochat(100000);
	pay(1, "", "", "", "ROCHAT HORLOGERIE", 3, 20, 100000, NULL);
	run(1);
	assert_int_equal(allocs_of_payment(1), 0);
	assert_non_null(exc_of(EXC_AMBIGUOUS, 1));
}

/* 150 customers share the word NORDWIND with the payer; the one it names comes last. */
/* Invoices 1..n of n customers named by fmt (a %03d for their number), then invoices n+1..
 * n+3 of customer C1 named name, of 1,000.00, 2,500.00 and 4,000.00 (a payment of 6,500.00
 * is their only set of two). */
static void fillers_then_c1(const char *fmt, int n, const char *name)
{
	for (int i = 0; i < n; i++) {
		char cust[16], fname[48];

		snprintf(cust, sizeof cust, "N%d", i);
		snprintf(fname, sizeof fname, fmt, i);
		inv(i + 1, "", cust, fname, 3, 1, 77700 + i, NULL);
	}
	inv(n + 1, "", "C1", name, 3, 2, 100000, NULL);
	inv(n + 2, "", "C1", name, 3, 3, 250000, NULL);
	inv(n + 3, "", "C1", name, 3, 4, 400000, NULL);
}

/* Payment 1 was matched by subset sum to C1's invoices n+2 and n+3 (fillers_then_c1). */
static void assert_c1_set_paid(int64_t n)
{
	assert_non_null(alloc_of(1, n + 2));
	assert_non_null(alloc_of(1, n + 3));
	assert_int_equal(alloc_of(1, n + 2)->rule, RULE_MULTI_SUM);
}

static void nordwind_customers(void)
{
	fillers_then_c1("Nordwind Filler%03d Handel GmbH", 150, "Nordwind Logistik AG");
}

/* The payer name's customer is decided over its whole walk, however late it comes. */
static void test_name_customer_found_late_in_a_long_walk(void **state)
{
	(void)state;
	nordwind_customers();
	pay(1, "", "", "", "NORDWIND LOGISTIK", 3, 20, 650000, NULL);
	run(2);
	assert_c1_set_paid(150);
	assert_int_equal(allocs_of_payment(1), 2);
}

/* 250 customers share the payer name's first word SMITH before the one named exactly
 * SMITH LIGHTING: the walk stops at 200 of them; the customers of the exact name are added
 * to it. */
static void test_name_customer_found_beyond_a_cut_walk(void **state)
{
	(void)state;
	fillers_then_c1("Smith Filler%03d", 250, "Smith Lighting Inc.");
	pay(1, "", "", "", "SMITH LIGHTING", 3, 20, 650000, NULL);
	run(2);
	assert_c1_set_paid(250);
}

/* The same with a payer name the bank cut short (not the exact name): the walk takes the
 * rarest words first, so TRANVIK's one customer comes before GROUPE's 250. */
static void test_name_walk_takes_the_rarest_words_first(void **state)
{
	(void)state;
	fillers_then_c1("Groupe Filler%03d", 250, "Groupe Tranvik Logistique SA");
	pay(1, "", "", "", "GROUPE TRANVIK LOGIST", 3, 20, 650000, NULL);
	run(1);
	assert_c1_set_paid(250);
}

/* A second customer of the same name ties with the first: the name decides nothing, and
 * the sum is searched among the two tied customers (the late one's invoice reaches it,
 * like the first one's: ambiguous; without it, the first one's set alone). */
static void test_name_customer_tied_by_a_late_customer_is_none(void **state)
{
	const struct match_alloc *a;

	(void)state;
	nordwind_customers();
	inv(154, "", "C2", "Nordwind Logistik GmbH", 3, 5, 400000, NULL);
	inv(155, "", "C2", "Nordwind Logistik GmbH", 3, 6, 250000, NULL);
	pay(1, "", "", "", "NORDWIND LOGISTIK", 3, 20, 650000, NULL);
	run(2);
	assert_int_equal(allocs_of_payment(1), 0);
	assert_non_null(exc_of(EXC_AMBIGUOUS, 1));
	reset_set();
	nordwind_customers();
	inv(154, "", "C2", "Nordwind Logistik GmbH", 3, 5, 90000, NULL);
	pay(1, "", "", "", "NORDWIND LOGISTIK", 3, 20, 650000, NULL);
	run(2);
	a = alloc_of(1, 152);
	assert_non_null(a);
	assert_int_equal(a->status, MSTATUS_SUGGESTED);
	assert_non_null(strstr(a->explanation, "no other of the 2 customers of that name"));
}

/* Listed references of two customers: only the payment's customer's are combined. */
static void test_listed_references_of_another_customer_are_not_combined(void **state)
{
	(void)state;
	inv(1, "INV-7001", "C1", "Acme", 2, 1, 10000, NULL);
	inv(2, "INV-7002", "C1", "Acme", 2, 2, 20000, NULL);
	inv(3, "INV-7003", "C2", "Beta", 2, 2, 5000, NULL);
	pay(1, "", "INV-7001 INV-7002 INV-7003", "C1", "ACME", 2, 20, 30000, NULL);
	run(1);
	assert_non_null(alloc_of(1, 1));
	assert_non_null(alloc_of(1, 2));
	assert_null(alloc_of(1, 3));
	assert_int_equal(alloc_of(1, 1)->rule, RULE_MULTI_REF);
}

/* A partial payment quoting its invoice as "RE2025-1381" (prefix changed, zeros dropped:
 * no reference key hits) is found among the payer's customer's invoices, and suggested. */
static void test_partial_payment_quoting_the_invoice_number_is_suggested(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "2026/001381", "10394", "Anlagenbau Schoenfeld AG", 2, 1, 105246, "EUR");
	inv(2, "2026/001382", "10394", "Anlagenbau Schoenfeld AG", 2, 3, 50000, "EUR");
	inv(3, "2026/001381", "10777", "Baltic Timber AB", 2, 1, 105246, "EUR");
	pay(1, "RE2026-1381", "", "", "ANLAGENBAU SCHOENFELD AG", 3, 10, 30500, "EUR");
	pay(2, "", "Rechnung 2026/1382 abzgl. Skonto", "10394", "", 3, 10, 49900, "EUR");
	run(1);
	a = alloc_of(1, 1);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_PARTIAL);
	assert_int_equal(a->status, MSTATUS_SUGGESTED);
	assert_int_equal(a->amount_applied, 30500);
	assert_null(alloc_of(1, 3));
	a = alloc_of(2, 2);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_SHORT_PAY);
	assert_int_equal(a->deduction, 100);
	assert_true(a->confidence < cfg->matching.auto_accept);
}

/* A payer name that ties two customers (no legal form written): the invoice numbers its
 * payment quotes are looked for among each one's invoices. */
static void test_quoted_number_is_found_among_the_customers_a_name_ties(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "2025/076064", "78392", "Main-Druckerei Weser e.K.", 12, 18, 184800, "EUR");
	inv(2, "2025/076099", "C1", "Main-Druckerei Weser GmbH", 12, 18, 99000, "EUR");
	pay(1, "25/076064", "", "", "MAIN-DRUCKEREI WESER", 12, 30, 50000, "EUR");
	run(1);
	a = alloc_of(1, 1);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_PARTIAL);
	assert_int_equal(a->status, MSTATUS_SUGGESTED);
	assert_int_equal(a->amount_applied, 50000);
}

/* The quoted number must be the invoice's own: the customer number, or a number two of the
 * customer's invoices end with, decides nothing. */
static void test_customer_number_or_shared_number_is_not_an_invoice_number(void **state)
{
	(void)state;
	inv(1, "SO-108135/1", "CLI-7", "Rochat SA", 2, 1, 90000, NULL);
	inv(2, "SO-108135/2", "CLI-7", "Rochat SA", 2, 3, 80000, NULL);
	inv(3, "2026/010394", "10394", "Acme", 2, 3, 80000, NULL);
	pay(1, "SO108135", "", "CLI-7", "ROCHAT SA", 3, 1, 30000, NULL);
	pay(2, "", "Kd 10394", "10394", "ACME", 3, 1, 30000, NULL);
	run(1);
	assert_int_equal(allocs_of_payment(1), 0);
	assert_non_null(exc_of(EXC_AMBIGUOUS, 1));
	assert_int_equal(allocs_of_payment(2), 0);
}

/* "6804" is customer C006804 typed without prefix and zeros: with a payer name that shares
 * a word with the customer's, it counts as that customer's id (here for a combined
 * payment that sums two of its invoices). */
static void test_loosely_typed_customer_id_is_resolved(void **state)
{
	(void)state;
	inv(1, "R1", "C006804", "Hill Tools", 2, 1, 12000, NULL);
	inv(2, "R2", "C006804", "Hill Tools", 2, 5, 34000, NULL);
	inv(3, "R3", "C006804", "Hill Tools", 2, 9, 50000, NULL);
	inv(4, "R4", "C007777", "Hill Farms", 2, 9, 46000, NULL);
	pay(1, "", "", "6804", "HILL TOOLS", 3, 1, 46000, NULL);
	run(1);
	assert_non_null(alloc_of(1, 1));
	assert_non_null(alloc_of(1, 2));
	assert_int_equal(alloc_of(1, 1)->rule, RULE_MULTI_SUM);
	assert_null(alloc_of(1, 4));
}

/* A payment typed with id 27415 quoting customer C027415's invoice, paid by payer. */
static void campbell_payment(const char *payer)
{
	reset_set();
	inv(1, "INV-2025-008854", "C027415", "Campbell & Collins PLC", 6, 20, 1956606, NULL);
	inv(2, "INV-2025-000001", "27415", "Delra Shipping", 6, 1, 5000, NULL);
	pay(1, "INV-2025-008854", "", "27415", payer, 6, 29, 1956606, NULL);
	run(1);
}

/* "27415" is customer 27415's id exactly and C027415's typed loosely: a payment quoting a
 * C027415 invoice, with that customer's name, is not held against the id; with another
 * payer name it still is. */
static void test_typed_id_of_two_customers_lets_the_name_decide(void **state)
{
	const struct match_alloc *a;

	(void)state;
	campbell_payment("CAMPBELL AND COLLINS PLC");
	a = alloc_of(1, 1);
	assert_non_null(a);
	assert_int_equal(a->rule, RULE_EXACT_REF);
	assert_int_equal(a->status, MSTATUS_AUTO);
	assert_null(strstr(a->explanation, "differs"));
	campbell_payment("DELRA SHIPPING");
	assert_null(alloc_of(1, 1));
	assert_non_null(exc_of(EXC_UNMATCHED_PAYMENT, 1));
	assert_non_null(strstr(exc_of(EXC_UNMATCHED_PAYMENT, 1)->detail, "customer id differs"));
}

/* A payment whose customer id names another customer exactly (38321, Acme Fasteners) and
 * the payer's loosely (K-38321): the payer's invoices are gathered too, on the name's
 * evidence, so a suggestion. */
static void test_typed_id_of_another_customer_gathers_the_payers_invoices(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "R1", "38321", "Acme Fasteners", 9, 1, 5000, NULL);
	inv(2, "R2", "K-38321", "Lindqvist Transport Oy", 9, 3, 3099, NULL);
	pay(1, "", "", "38321", "LINDQVIST TRANSPORT OY", 10, 30, 3099, NULL);
	run(1);
	a = alloc_of(1, 2);
	assert_non_null(a);
	assert_int_equal(a->status, MSTATUS_SUGGESTED);
	assert_null(alloc_of(1, 1));
}

/* Two open invoices of the amount make a payment without reference ambiguous; when another
 * payment of the run pays one of them by reference, the second round gives it the other,
 * as a suggestion that says why. */
static void test_second_round_decides_without_the_invoices_the_first_took(void **state)
{
	const struct match_alloc *a;

	(void)state;
	inv(1, "R-1001", "C1", "Acme", 4, 1, 50000, NULL);
	inv(2, "R-1002", "C1", "Acme", 4, 1, 50000, NULL);
	pay(1, "", "", "C1", "", 4, 20, 50000, NULL);
	run(1);
	assert_int_equal(allocs_of_payment(1), 0);
	assert_non_null(exc_of(EXC_AMBIGUOUS, 1));
	reset_set();
	inv(1, "R-1001", "C1", "Acme", 4, 1, 50000, NULL);
	inv(2, "R-1002", "C1", "Acme", 4, 1, 50000, NULL);
	pay(1, "", "", "C1", "", 4, 20, 50000, NULL);
	pay(2, "R-1001", "", "C1", "", 4, 21, 50000, NULL);
	run(2);
	assert_non_null(alloc_of(2, 1));
	assert_int_equal(alloc_of(2, 1)->status, MSTATUS_AUTO);
	a = alloc_of(1, 2);
	assert_non_null(a);
	assert_int_equal(a->status, MSTATUS_SUGGESTED);
	assert_non_null(strstr(a->explanation, "once this run's other matches are applied"));
	assert_null(exc_of(EXC_AMBIGUOUS, 1));
	assert_non_null(exc_of(EXC_SUGGESTED, 1));
}

/* The second round proposes no rejected pair either: the invoice left is rejected for the
 * payment, which stays ambiguous. */
static void four_acme_invoices_and_two_payments(void)
{
	reset_set();
	inv(1, "R-1001", "C1", "Acme", 4, 1, 50000, NULL);
	inv(2, "R-1002", "C1", "Acme", 4, 1, 50000, NULL);
	inv(3, "R-1003", "C1", "Acme", 4, 1, 50000, NULL);
	inv(4, "R-1004", "C1", "Acme", 4, 1, 50000, NULL);
	pay(1, "", "", "C1", "", 4, 20, 50000, NULL);
	pay(2, "R-1001", "", "C1", "", 4, 21, 50000, NULL);
}

static void test_second_round_never_proposes_a_rejected_pair(void **state)
{
	(void)state;
	four_acme_invoices_and_two_payments();
	assert_int_equal(match_set_add_rejected(set, 1, 2), 0);
	run(1);
	assert_int_equal(allocs_of_payment(1), 0);   /* R-1003 and R-1004 are equally good */
	assert_non_null(exc_of(EXC_AMBIGUOUS, 1));
	four_acme_invoices_and_two_payments();
	assert_int_equal(match_set_add_rejected(set, 1, 2), 0);
	assert_int_equal(match_set_add_rejected(set, 1, 3), 0);
	run(1);
	assert_null(alloc_of(1, 2));
	assert_null(alloc_of(1, 3));
	assert_non_null(alloc_of(1, 4));   /* the one neither taken nor rejected */
	assert_int_equal(alloc_of(1, 4)->status, MSTATUS_SUGGESTED);
}

/* Two sets of the customer's invoices reach the amount; one of them uses an invoice another
 * payment pays by reference: the second round finds the other set alone. */
static void test_second_round_leaves_one_set(void **state)
{
	(void)state;
	inv(1, "R1", "C1", "Acme", 1, 5, 100, NULL);
	inv(2, "R2", "C1", "Acme", 1, 6, 200, NULL);
	inv(3, "R3", "C1", "Acme", 1, 7, 150, NULL);
	inv(4, "R4", "C1", "Acme", 1, 8, 150, NULL);
	pay(1, "", "", "C1", "", 1, 20, 300, NULL);
	pay(2, "R2", "", "C1", "", 1, 21, 200, NULL);
	run(1);
	assert_non_null(alloc_of(2, 2));
	assert_non_null(alloc_of(1, 3));
	assert_non_null(alloc_of(1, 4));
	assert_int_equal(alloc_of(1, 3)->rule, RULE_MULTI_SUM);
	assert_int_equal(alloc_of(1, 3)->status, MSTATUS_SUGGESTED);
	assert_null(alloc_of(1, 1));
}

static void test_subset_sum_unique_ambiguous_and_budget(void **state)
{
	const int64_t a[] = { 500, 100, 300, 200 };
	int pick[SUBSET_MAX_ITEMS], np;

	(void)state;
	assert_int_equal(match_subset_sum(a, 4, 800, 2, 6, 200000, pick, &np), 2);
	assert_int_equal(match_subset_sum(a, 4, 400, 2, 6, 200000, pick, &np), 1);
	assert_int_equal(np, 2);
	assert_int_equal(pick[0], 1);   /* the caller's indexes, in its order */
	assert_int_equal(pick[1], 2);
	assert_int_equal(match_subset_sum(a, 4, 500, 2, 6, 200000, pick, &np), 1);   /* not {500} */
	assert_int_equal(pick[0], 2);
	assert_int_equal(pick[1], 3);
	assert_int_equal(match_subset_sum(a, 4, 600, 3, 3, 200000, pick, &np), 1);   /* k = 3 only */
	assert_int_equal(match_subset_sum(a, 4, 600, 2, 6, 1, pick, &np), -1);
	assert_int_equal(match_subset_sum(a, 4, 99, 2, 6, 200000, pick, &np), 0);
}

/* 48 open invoices of one customer, one set of 4 reaching the payment: the search must
 * prove it unique within the default budget (it ran out of budget in such cases). */
static void test_subset_sum_proves_uniqueness_among_48_invoices(void **state)
{
	int64_t a[48], target;
	int pick[SUBSET_MAX_ITEMS], np;

	(void)state;
	for (int i = 0; i < 48; i++)   /* every set of a given size has its own sum */
		a[i] = 100000000 + ((int64_t)1 << i);
	target = a[3] + a[17] + a[30] + a[44];
	assert_int_equal(match_subset_sum(a, 48, target, 2, 6, 200000, pick, &np), 1);
	assert_int_equal(np, 4);
	assert_int_equal(pick[0], 3);
	assert_int_equal(pick[3], 44);
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
		T(test_sum_of_one_of_the_customers_a_name_ties),
		T(test_sums_of_two_customers_a_name_ties_are_ambiguous),
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
		T(test_verbatim_reference_does_not_also_name_another_by_core),
		T(test_reference_key_equal_to_two_invoices_is_decided_by_the_payer),
		T(test_digit_run_of_a_verbatim_reference_names_no_other_invoice),
		T(test_typo_hitting_another_reference_competes_by_amount),
		T(test_name_only_payment_of_a_common_round_amount_is_found),
		T(test_settled_reference_counts_every_invoice_of_its_customer),
		T(test_name_tying_customers_finds_the_one_with_the_amount),
		T(test_second_name_of_a_customer_id_is_its_name_too),
		T(test_settled_reference_faces_names_when_the_margin_needs_it),
		T(test_name_customer_found_late_in_a_long_walk),
		T(test_name_customer_found_beyond_a_cut_walk),
		T(test_name_walk_takes_the_rarest_words_first),
		T(test_name_customer_tied_by_a_late_customer_is_none),
		T(test_listed_references_of_another_customer_are_not_combined),
		T(test_partial_payment_quoting_the_invoice_number_is_suggested),
		T(test_quoted_number_is_found_among_the_customers_a_name_ties),
		T(test_customer_number_or_shared_number_is_not_an_invoice_number),
		T(test_loosely_typed_customer_id_is_resolved),
		T(test_typed_id_of_two_customers_lets_the_name_decide),
		T(test_typed_id_of_another_customer_gathers_the_payers_invoices),
		T(test_second_round_decides_without_the_invoices_the_first_took),
		T(test_second_round_leaves_one_set),
		T(test_second_round_never_proposes_a_rejected_pair),
		T(test_subset_sum_unique_ambiguous_and_budget),
		T(test_subset_sum_proves_uniqueness_among_48_invoices),
	};
	return cmocka_run_group_tests_name("match_rules", tests, NULL, NULL);
}
