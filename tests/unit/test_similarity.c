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

/* The textbook Jaro with flag arrays: what sim_jaro must equal bit for bit. */
static double jaro_reference(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned char ma[SIM_MAX_LEN] = { 0 }, mb[SIM_MAX_LEN] = { 0 };
	size_t win, m = 0, t = 0, k = 0;

	la = la < SIM_MAX_LEN ? la : SIM_MAX_LEN;
	lb = lb < SIM_MAX_LEN ? lb : SIM_MAX_LEN;
	if (la == 0 && lb == 0)
		return 1.0;
	if (la == 0 || lb == 0)
		return 0.0;
	win = (la > lb ? la : lb) / 2;
	win = win > 0 ? win - 1 : 0;
	for (size_t i = 0; i < la; i++) {
		size_t lo = i > win ? i - win : 0, hi = i + win + 1 < lb ? i + win + 1 : lb;

		for (size_t j = lo; j < hi; j++)
			if (!mb[j] && a[i] == b[j]) {
				ma[i] = mb[j] = 1;
				m++;
				break;
			}
	}
	if (m == 0)
		return 0.0;
	for (size_t i = 0; i < la; i++) {
		if (!ma[i])
			continue;
		while (!mb[k])
			k++;
		t += a[i] != b[k];
		k++;
	}
	return ((double)m / (double)la + (double)m / (double)lb +
	        ((double)m - (double)t / 2.0) / (double)m) / 3.0;
}

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/* A random name over a small alphabet (so that characters repeat and match) with spaces. */
static size_t rnd_name(char *s, size_t max)
{
	static const char ALPHA[] = "ABCDEAEIN RST ";
	size_t n = rnd() % max;

	for (size_t i = 0; i < n; i++)
		s[i] = ALPHA[rnd() % (sizeof ALPHA - 1)];
	return n;
}

static void test_jaro_equals_reference_on_random_strings(void **state)
{
	char a[200], b[200];

	(void)state;
	for (int r = 0; r < 200000; r++) {
		size_t la = rnd_name(a, r % 10 == 0 ? 160 : 70), lb = rnd_name(b, r % 7 == 0 ? 160 : 70);

		/* exact equality: the results must be the same double, not merely close */
		assert_true(sim_jaro(a, la, b, lb) == jaro_reference(a, la, b, lb));
	}
}

static void test_jaro_sixty_four_byte_boundary(void **state)
{
	char a[130], b[130];

	(void)state;
	memset(a, 'A', sizeof a);
	memset(b, 'A', sizeof b);
	b[63] = 'B';
	for (size_t la = 60; la <= 66; la++)
		for (size_t lb = 60; lb <= 66; lb++)
			assert_true(sim_jaro(a, la, b, lb) == jaro_reference(a, la, b, lb));
}

/* The token-set score scoring every pair (what sim_token_set must equal). */
static double token_set_reference(const char *a, size_t la, const char *b, size_t lb)
{
	size_t as[16], al[16], bs[16], bl[16];
	int na = 0, nb = 0;
	unsigned char used[16] = { 0 };
	double sum = 0;

	for (size_t i = 0; i < la && na < 16;) {
		while (i < la && a[i] == ' ')
			i++;
		if (i >= la)
			break;
		as[na] = i;
		while (i < la && a[i] != ' ')
			i++;
		al[na] = i - as[na];
		na++;
	}
	for (size_t i = 0; i < lb && nb < 16;) {
		while (i < lb && b[i] == ' ')
			i++;
		if (i >= lb)
			break;
		bs[nb] = i;
		while (i < lb && b[i] != ' ')
			i++;
		bl[nb] = i - bs[nb];
		nb++;
	}
	if (na == 0 || nb == 0)
		return na == nb ? 1.0 : 0.0;
	for (int i = 0; i < na; i++) {
		double best = 0;
		int bj = -1;

		for (int j = 0; j < nb; j++) {
			double x = 0;

			if (used[j])
				continue;
			if (al[i] == bl[j] && memcmp(a + as[i], b + bs[j], al[i]) == 0)
				x = 1.0;
			else if (al[i] >= 4 && bl[j] >= 4)
				x = sim_jaro_winkler(a + as[i], al[i], b + bs[j], bl[j]);
			if (x > best) {
				best = x;
				bj = j;
			}
		}
		if (bj >= 0 && best >= 0.9) {
			used[bj] = 1;
			sum += best;
		}
	}
	return 2.0 * sum / (double)(na + nb);
}

static void test_token_set_equals_reference_on_random_names(void **state)
{
	char a[200], b[200];

	(void)state;
	for (int r = 0; r < 100000; r++) {
		size_t la = rnd_name(a, 60), lb = rnd_name(b, 60);

		if (r % 2 == 0 && la > 4) {   /* near-duplicates reach the 0.9 pairs */
			memcpy(b, a, la);
			lb = la;
			b[rnd() % la] = 'Z';
		}
		assert_true(sim_token_set(a, la, b, lb) == token_set_reference(a, la, b, lb));
	}
}

static double name_bound(const char *a, size_t la, const char *b, size_t lb)
{
	struct sim_sig sa, sb;
	struct sim_tok ta[SIM_MAX_TOKENS], tb[SIM_MAX_TOKENS];

	sim_sig_make(a, la, &sa, ta);
	sim_sig_make(b, lb, &sb, tb);
	return sim_name_bound(a, la, &sa, ta, b, lb, &sb, tb);
}

static void test_name_bound_never_below_the_similarity(void **state)
{
	char a[200], b[200];

	(void)state;
	for (int r = 0; r < 100000; r++) {
		size_t la = rnd_name(a, r % 10 == 0 ? 150 : 40), lb = rnd_name(b, 40);
		double s = sim_jaro_winkler(a, la, b, lb), t = sim_token_set(a, la, b, lb);

		if (r % 3 == 0 && la > 4) {   /* near-duplicates: the bound must hold near 1 too */
			memcpy(b, a, la);
			lb = la;
			b[rnd() % la] = 'Z';
			s = sim_jaro_winkler(a, la, b, lb);
			t = sim_token_set(a, la, b, lb);
		}
		assert_true(name_bound(a, la, b, lb) >= (s > t ? s : t));
	}
}

static void test_name_bound_separates_unlike_names(void **state)
{
	(void)state;
	assert_true(name_bound("ACME SUPPLY", 11, "ZENITH LOGISTICS", 16) < 0.75);
	assert_true(name_bound("MUELLER", 7, "MUELLER", 7) >= 1.0);
	assert_true(name_bound("PETER MURDOCH", 13, "MURDOCH PETER", 13) >= 1.0);
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
		cmocka_unit_test(test_jaro_equals_reference_on_random_strings),
		cmocka_unit_test(test_jaro_sixty_four_byte_boundary),
		cmocka_unit_test(test_token_set_equals_reference_on_random_names),
		cmocka_unit_test(test_name_bound_never_below_the_similarity),
		cmocka_unit_test(test_name_bound_separates_unlike_names),
	};
	return cmocka_run_group_tests_name("similarity", tests, NULL, NULL);
}
