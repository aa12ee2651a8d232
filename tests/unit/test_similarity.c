/* Unit tests for the similarity functions, with published reference values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "paymatch/normalize.h"
#include "paymatch/similarity.h"

static double jw(const char *a, const char *b)
{
	return sim_jaro_winkler(a, strlen(a), b, strlen(b));
}

static int osa(const char *a, const char *b, int k)
{
	return sim_osa_bounded(a, strlen(a), b, strlen(b), k);
}

static double ts(const char *a, const char *b)
{
	return sim_token_set(a, strlen(a), b, strlen(b));
}

static void test_jaro_winkler_known_values(void **state)
{
	(void)state;
	assert_float_equal(jw("MARTHA", "MARHTA"), 0.9611, 0.0001);
	assert_float_equal(jw("DWAYNE", "DUANE"), 0.84, 0.0001);
	assert_float_equal(jw("DIXON", "DICKSONX"), 0.8133, 0.0001);
	assert_float_equal(sim_jaro("MARTHA", 6, "MARHTA", 6), 0.9444, 0.0001);
}

static void test_jaro_winkler_edges(void **state)
{
	(void)state;
	assert_float_equal(jw("", ""), 1.0, 1e-9);
	assert_float_equal(jw("ABC", ""), 0.0, 1e-9);
	assert_float_equal(jw("ABC", "XYZ"), 0.0, 1e-9);
	assert_float_equal(jw("SAME", "SAME"), 1.0, 1e-9);
}

static void test_osa_counts_transposition_as_one(void **state)
{
	(void)state;
	assert_int_equal(osa("INV2026000123", "INV2026000132", 1), 1);
	assert_int_equal(osa("INV2026000123", "INV2026000124", 1), 1);
	assert_int_equal(osa("INV2026000123", "INV202600013", 1), 1);
	assert_int_equal(osa("CA", "ABC", 3), 3);   /* OSA, not full Damerau: 3 */
}

static void test_osa_exits_beyond_k(void **state)
{
	(void)state;
	assert_int_equal(osa("ABCDEF", "ABDCFE", 1), 2);   /* two transpositions > 1 */
	assert_int_equal(osa("KITTEN", "SITTING", 2), 3);
	assert_int_equal(osa("KITTEN", "SITTING", 3), 3);
	assert_int_equal(osa("A", "ABCDE", 1), 2);
	assert_int_equal(osa("SAME", "SAME", 0), 0);
}

static void test_token_set_ignores_order(void **state)
{
	(void)state;
	assert_float_equal(ts("PETER MURDOCH", "MURDOCH PETER"), 1.0, 1e-9);
	assert_float_equal(ts("ACME SUPPLY", "ACME"), 2.0 / 3.0, 1e-9);
	assert_float_equal(ts("ALPHA", "OMEGA"), 0.0, 1e-9);
}

static void test_name_truncated_payer_scores_high(void **state)
{
	char a[64], b[64], af[64], bf[64];
	size_t la = norm_name("ACME INDUSTRIAL SU", 18, a, sizeof a, 0);
	size_t lb = norm_name("Acme Industrial Supply LLC", 26, b, sizeof b, 0);
	size_t laf = norm_name("ACME INDUSTRIAL SU", 18, af, sizeof af, NORM_NAME_KEEP_SUFFIX);
	size_t lbf = norm_name("Acme Industrial Supply LLC", 26, bf, sizeof bf,
	                       NORM_NAME_KEEP_SUFFIX);

	(void)state;
	assert_true(sim_name(a, la, b, lb, af, laf, bf, lbf) >= 0.97);
}

static void test_name_distinct_companies_score_lower(void **state)
{
	(void)state;
	assert_true(sim_name("ACME SUPPLY", 11, "ZENITH LOGISTICS", 16, NULL, 0, NULL, 0) < 0.6);
	assert_float_equal(sim_name("ACME", 4, "ACME", 4, NULL, 0, NULL, 0), 1.0, 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jaro_winkler_known_values),
		cmocka_unit_test(test_jaro_winkler_edges),
		cmocka_unit_test(test_osa_counts_transposition_as_one),
		cmocka_unit_test(test_osa_exits_beyond_k),
		cmocka_unit_test(test_token_set_ignores_order),
		cmocka_unit_test(test_name_truncated_payer_scores_high),
		cmocka_unit_test(test_name_distinct_companies_score_lower),
	};
	return cmocka_run_group_tests_name("similarity", tests, NULL, NULL);
}
