/* Specification of money: currencies, parsing amounts, formatting minor units. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "paymatch/money.h"

static const struct money_format EURO_FMT = {
	.decimal_sep = ',', .thousands_sep = '.', .allow_parens = true, .allow_symbols = true,
};
static const struct money_format PLAIN_FMT = {
	.decimal_sep = '.', .thousands_sep = 0, .allow_parens = false, .allow_symbols = false,
};

static int parse(const char *s, int decimals, const struct money_format *fmt, int64_t *out,
                 const char **why)
{
	return money_parse(s, strlen(s), decimals, fmt, out, NULL, why);
}

static void assert_parses(const char *s, int decimals, const struct money_format *fmt,
                          int64_t want)
{
	int64_t v = 0;
	const char *why = NULL;

	if (parse(s, decimals, fmt, &v, &why) != 0)
		fail_msg("\"%s\" refused: %s", s, why);
	assert_int_equal(v, want);
}

static void assert_refuses(const char *s, int decimals, const struct money_format *fmt,
                           const char *want_why)
{
	int64_t v = 4242;
	const char *why = NULL;

	if (parse(s, decimals, fmt, &v, &why) == 0)
		fail_msg("\"%s\" accepted as %lld", s, (long long)v);
	assert_non_null(why);
	if (want_why)
		assert_string_equal(why, want_why);
	assert_int_equal(v, 4242);   /* *out untouched on error */
}

/* ---- currencies ---- */

static void test_money_currency_decimals_eur_is_2(void **state)
{
	(void)state;
	assert_int_equal(money_currency_decimals("EUR"), 2);
	assert_int_equal(money_currency_decimals("USD"), 2);
}

static void test_money_currency_decimals_zero_digit_currencies(void **state)
{
	static const char *const zero[] = {"JPY", "KRW", "CLP", "ISK", "VND", "XAF", "XOF",
	                                   "XPF", "UGX", "PYG", "BIF", "GNF", "RWF"};
	(void)state;
	for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
		assert_int_equal(money_currency_decimals(zero[i]), 0);
}

static void test_money_currency_decimals_three_digit_currencies(void **state)
{
	static const char *const three[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
	(void)state;
	for (size_t i = 0; i < sizeof three / sizeof three[0]; i++)
		assert_int_equal(money_currency_decimals(three[i]), 3);
}

static void test_money_currency_decimals_unknown_is_minus_one(void **state)
{
	(void)state;
	assert_int_equal(money_currency_decimals("XYZ"), -1);
	assert_int_equal(money_currency_decimals("eur"), -1);
	assert_int_equal(money_currency_decimals("EURO"), -1);
	assert_int_equal(money_currency_decimals("EU"), -1);
	assert_int_equal(money_currency_decimals(""), -1);
	assert_int_equal(money_currency_decimals(NULL), -1);
}

static void test_money_currency_valid_accepts_only_known_upper_codes(void **state)
{
	(void)state;
	assert_true(money_currency_valid("CHF"));
	assert_true(money_currency_valid("ZAR"));
	assert_true(money_currency_valid("AED"));
	assert_false(money_currency_valid("Chf"));
	assert_false(money_currency_valid("XAU"));   /* gold: no minor unit */
	assert_false(money_currency_valid("DEM"));   /* withdrawn */
}

static void test_money_currency_table_is_sorted_and_searchable(void **state)
{
	const char *prev = NULL, *code;
	size_t i;

	(void)state;
	for (i = 0; (code = money_currency_code(i)) != NULL; i++) {
		if (prev && strcmp(prev, code) >= 0)
			fail_msg("table not sorted at %s after %s", code, prev);
		assert_true(money_currency_valid(code));
		prev = code;
	}
	assert_true(i >= 150);
}

/* ---- parsing: plain numbers ---- */

static void test_money_parse_integer_scales_to_minor_units(void **state)
{
	(void)state;
	assert_parses("12", 2, &MONEY_FORMAT_DEFAULT, 1200);
}

static void test_money_parse_one_decimal_is_padded(void **state)
{
	(void)state;
	assert_parses("12.5", 2, &MONEY_FORMAT_DEFAULT, 1250);
}

static void test_money_parse_leading_point(void **state)
{
	(void)state;
	assert_parses(".5", 2, &MONEY_FORMAT_DEFAULT, 50);
}

static void test_money_parse_two_decimals(void **state)
{
	(void)state;
	assert_parses("1234.56", 2, &MONEY_FORMAT_DEFAULT, 123456);
	assert_parses("0.01", 2, &MONEY_FORMAT_DEFAULT, 1);
	assert_parses("0", 2, &MONEY_FORMAT_DEFAULT, 0);
}

static void test_money_parse_trailing_point_is_accepted(void **state)
{
	(void)state;
	assert_parses("12.", 2, &MONEY_FORMAT_DEFAULT, 1200);
}

static void test_money_parse_zero_decimal_currency(void **state)
{
	(void)state;
	assert_parses("1200", 0, &MONEY_FORMAT_DEFAULT, 1200);
	assert_parses("1200.00", 0, &MONEY_FORMAT_DEFAULT, 1200);
}

static void test_money_parse_three_decimal_currency(void **state)
{
	(void)state;
	assert_parses("1.234", 3, &MONEY_FORMAT_DEFAULT, 1234);
	assert_parses("1.5", 3, &MONEY_FORMAT_DEFAULT, 1500);
}

static void test_money_parse_ignores_surrounding_spaces(void **state)
{
	(void)state;
	assert_parses("  12.50 ", 2, &MONEY_FORMAT_DEFAULT, 1250);
	assert_parses("\t12.50", 2, &MONEY_FORMAT_DEFAULT, 1250);
}

static void test_money_parse_uses_len_not_nul(void **state)
{
	int64_t v = 0;
	const char *why = NULL;

	(void)state;
	assert_int_equal(money_parse("12.50,99", 5, 2, &MONEY_FORMAT_DEFAULT, &v, NULL, &why), 0);
	assert_int_equal(v, 1250);
}

/* ---- parsing: signs and parentheses ---- */

static void test_money_parse_leading_minus(void **state)
{
	(void)state;
	assert_parses("-12.50", 2, &MONEY_FORMAT_DEFAULT, -1250);
}

static void test_money_parse_leading_plus(void **state)
{
	(void)state;
	assert_parses("+12.50", 2, &MONEY_FORMAT_DEFAULT, 1250);
}

static void test_money_parse_trailing_minus_as_sap_exports(void **state)
{
	(void)state;
	assert_parses("12.50-", 2, &MONEY_FORMAT_DEFAULT, -1250);
	assert_parses("1.234,56-", 2, &EURO_FMT, -123456);
}

static void test_money_parse_parentheses_mean_negative(void **state)
{
	(void)state;
	assert_parses("(12.50)", 2, &MONEY_FORMAT_DEFAULT, -1250);
	assert_parses("( 1,234.00 )", 2, &MONEY_FORMAT_DEFAULT, -123400);
}

static void test_money_parse_rejects_parentheses_when_not_allowed(void **state)
{
	(void)state;
	assert_refuses("(12.50)", 2, &PLAIN_FMT, "parentheses not allowed for amounts");
}

static void test_money_parse_rejects_unbalanced_parentheses(void **state)
{
	(void)state;
	assert_refuses("(12.50", 2, &MONEY_FORMAT_DEFAULT, "unbalanced parentheses");
	assert_refuses("12.50)", 2, &MONEY_FORMAT_DEFAULT, "unbalanced parentheses");
}

static void test_money_parse_rejects_sign_with_parentheses(void **state)
{
	(void)state;
	assert_refuses("-(12.50)", 2, &MONEY_FORMAT_DEFAULT, NULL);
	assert_refuses("(12.50)-", 2, &MONEY_FORMAT_DEFAULT, NULL);
}

static void test_money_parse_rejects_two_signs(void **state)
{
	(void)state;
	assert_refuses("--12", 2, &MONEY_FORMAT_DEFAULT, "two signs");
	assert_refuses("-12-", 2, &MONEY_FORMAT_DEFAULT, "two signs");
}

/* ---- parsing: currency symbols and codes ---- */

static void parse_cur(const char *s, int64_t want, const char *want_cur)
{
	int64_t v = 0;
	char cur[4] = "zzz";
	const char *why = NULL;

	if (money_parse(s, strlen(s), 2, &MONEY_FORMAT_DEFAULT, &v, cur, &why) != 0)
		fail_msg("\"%s\" refused: %s", s, why);
	assert_int_equal(v, want);
	assert_string_equal(cur, want_cur);
}

static void test_money_parse_dollar_sign_is_usd(void **state)
{
	(void)state;
	parse_cur("$1,234.50", 123450, "USD");
	parse_cur("-$5", -500, "USD");
	parse_cur("$-5", -500, "USD");
	parse_cur("US$ 5", 500, "USD");
}

static void test_money_parse_euro_sign_before_or_after(void **state)
{
	(void)state;
	parse_cur("\xe2\x82\xac" "12.50", 1250, "EUR");
	parse_cur("12.50 \xe2\x82\xac", 1250, "EUR");
}

static void test_money_parse_pound_and_yen_signs(void **state)
{
	(void)state;
	parse_cur("\xc2\xa3" "3", 300, "GBP");
	parse_cur("\xc2\xa5" "3", 300, "JPY");
}

static void test_money_parse_iso_code_before_or_after(void **state)
{
	(void)state;
	parse_cur("EUR 12.50", 1250, "EUR");
	parse_cur("12.50 CHF", 1250, "CHF");
	parse_cur("12.50USD", 1250, "USD");
	parse_cur("(USD 7.00)", -700, "USD");
	parse_cur("12.50 SEK-", -1250, "SEK");
}

static void test_money_parse_without_currency_clears_cur_out(void **state)
{
	(void)state;
	parse_cur("12.50", 1250, "");
}

static void test_money_parse_rejects_unknown_code(void **state)
{
	(void)state;
	assert_refuses("12.50 XYZ", 2, &MONEY_FORMAT_DEFAULT, "not a number");
	assert_refuses("12.50 EURO", 2, &MONEY_FORMAT_DEFAULT, "not a number");
}

static void test_money_parse_rejects_two_currencies(void **state)
{
	(void)state;
	assert_refuses("$12.50 EUR", 2, &MONEY_FORMAT_DEFAULT, "two currencies in amount");
}

static void test_money_parse_rejects_symbols_when_not_allowed(void **state)
{
	(void)state;
	assert_refuses("$12.50", 2, &PLAIN_FMT, "currency symbol not allowed in amount");
	assert_refuses("12.50 EUR", 2, &PLAIN_FMT, "currency symbol not allowed in amount");
}

/* ---- parsing: separators ---- */

static void test_money_parse_thousands_groups(void **state)
{
	(void)state;
	assert_parses("1,234,567.89", 2, &MONEY_FORMAT_DEFAULT, 123456789);
	assert_parses("999,999", 2, &MONEY_FORMAT_DEFAULT, 99999900);
}

static void test_money_parse_ungrouped_digits_with_thousands_set(void **state)
{
	(void)state;
	assert_parses("1234567.89", 2, &MONEY_FORMAT_DEFAULT, 123456789);
}

static void test_money_parse_rejects_malformed_groups(void **state)
{
	(void)state;
	assert_refuses("12,34.5", 2, &MONEY_FORMAT_DEFAULT, "bad digit grouping");
	assert_refuses("1234,567.00", 2, &MONEY_FORMAT_DEFAULT, "bad digit grouping");
	assert_refuses("1,2345.00", 2, &MONEY_FORMAT_DEFAULT, "bad digit grouping");
	assert_refuses("1,5", 2, &MONEY_FORMAT_DEFAULT, "bad digit grouping");
}

static void test_money_parse_rejects_separator_without_digits(void **state)
{
	(void)state;
	assert_refuses(",123.00", 2, &MONEY_FORMAT_DEFAULT, NULL);
	assert_refuses("1,,234", 2, &MONEY_FORMAT_DEFAULT, NULL);
	assert_refuses("1,234,", 2, &MONEY_FORMAT_DEFAULT, NULL);
}

static void test_money_parse_decimal_comma_with_dot_thousands(void **state)
{
	(void)state;
	assert_parses("1.234,56", 2, &EURO_FMT, 123456);
	assert_parses("12,5", 2, &EURO_FMT, 1250);
	assert_parses("-1.000.000", 2, &EURO_FMT, -100000000);
}

static void test_money_parse_rejects_dot_as_decimal_in_comma_format(void **state)
{
	(void)state;
	assert_refuses("12.5", 2, &EURO_FMT, "bad digit grouping");
}

static void test_money_parse_space_thousands_accepts_no_break_spaces(void **state)
{
	static const struct money_format fr = {
		.decimal_sep = ',', .thousands_sep = ' ', .allow_symbols = true,
	};
	(void)state;
	assert_parses("1 234 567,89", 2, &fr, 123456789);
	assert_parses("1\xc2\xa0" "234,00", 2, &fr, 123400);
	assert_parses("1\xe2\x80\xaf" "234,00 EUR", 2, &fr, 123400);
}

static void test_money_parse_apostrophe_thousands(void **state)
{
	static const struct money_format ch = { .decimal_sep = '.', .thousands_sep = '\'' };
	(void)state;
	assert_parses("1'234'567.50", 2, &ch, 123456750);
}

static void test_money_parse_rejects_commas_without_thousands_separator(void **state)
{
	(void)state;
	assert_refuses("1,234.56", 2, &PLAIN_FMT,
	               "unexpected ',' in amount (check decimal and thousands separators)");
	assert_refuses("12,50", 2, &PLAIN_FMT, NULL);
}

static void test_money_parse_rejects_same_decimal_and_thousands_separator(void **state)
{
	static const struct money_format bad = { .decimal_sep = '.', .thousands_sep = '.' };
	(void)state;
	assert_refuses("12.50", 2, &bad, NULL);
}

/* ---- parsing: decimals and range ---- */

static void test_money_parse_rejects_three_decimals_for_eur(void **state)
{
	(void)state;
	assert_refuses("12.505", 2, &MONEY_FORMAT_DEFAULT,
	               "too many decimals for a 2-decimal currency");
}

static void test_money_parse_accepts_trailing_zero_decimals(void **state)
{
	(void)state;
	assert_parses("12.500", 2, &MONEY_FORMAT_DEFAULT, 1250);
	assert_parses("12.5000000", 2, &MONEY_FORMAT_DEFAULT, 1250);
}

static void test_money_parse_rejects_decimals_for_jpy(void **state)
{
	(void)state;
	assert_refuses("1200.5", 0, &MONEY_FORMAT_DEFAULT,
	               "too many decimals for a 0-decimal currency");
}

static void test_money_parse_rejects_four_decimals_for_kwd(void **state)
{
	(void)state;
	assert_refuses("1.2345", 3, &MONEY_FORMAT_DEFAULT,
	               "too many decimals for a 3-decimal currency");
}

static void test_money_parse_accepts_int64_max(void **state)
{
	(void)state;
	assert_parses("92233720368547758.07", 2, &MONEY_FORMAT_DEFAULT, INT64_MAX);
	assert_parses("-92233720368547758.07", 2, &MONEY_FORMAT_DEFAULT, -INT64_MAX);
	assert_parses("9223372036854775807", 0, &MONEY_FORMAT_DEFAULT, INT64_MAX);
}

static void test_money_parse_rejects_int64_max_plus_one(void **state)
{
	(void)state;
	assert_refuses("92233720368547758.08", 2, &MONEY_FORMAT_DEFAULT, "amount too large");
	assert_refuses("9223372036854775808", 0, &MONEY_FORMAT_DEFAULT, "amount too large");
}

static void test_money_parse_rejects_int64_min(void **state)
{
	(void)state;
	assert_refuses("-92233720368547758.08", 2, &MONEY_FORMAT_DEFAULT, "amount too large");
}

static void test_money_parse_rejects_overflow_while_scaling(void **state)
{
	(void)state;
	assert_refuses("92233720368547759", 2, &MONEY_FORMAT_DEFAULT, "amount too large");
	assert_refuses("99999999999999999999999", 2, &MONEY_FORMAT_DEFAULT, "amount too large");
}

static void test_money_parse_leading_zeros_do_not_overflow(void **state)
{
	(void)state;
	assert_parses("000000000000000000000000012.50", 2, &MONEY_FORMAT_DEFAULT, 1250);
}

/* ---- parsing: garbage ---- */

static void test_money_parse_rejects_empty(void **state)
{
	(void)state;
	assert_refuses("", 2, &MONEY_FORMAT_DEFAULT, "empty amount");
	assert_refuses("   ", 2, &MONEY_FORMAT_DEFAULT, "empty amount");
}

static void test_money_parse_rejects_garbage(void **state)
{
	static const char *const bad[] = {"abc", "12abc", "1e5", "0x10", "-", "+", ".", "$",
	                                  "EUR", "()", "12 34", "1.2.3", "NaN", "12..5", "--"};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_refuses(bad[i], 2, &MONEY_FORMAT_DEFAULT, NULL);
}

static void test_money_parse_rejects_embedded_nul(void **state)
{
	int64_t v;
	const char *why;

	(void)state;
	assert_int_equal(money_parse("12\0" "5", 4, 2, &MONEY_FORMAT_DEFAULT, &v, NULL, &why), -1);
}

/* ---- formatting ---- */

static void test_money_to_plain_two_decimals(void **state)
{
	char buf[64];
	(void)state;
	assert_string_equal(money_to_plain(123450, 2, buf, sizeof buf), "1234.50");
	assert_string_equal(money_to_plain(-123450, 2, buf, sizeof buf), "-1234.50");
}

static void test_money_to_plain_small_amounts_have_leading_zero(void **state)
{
	char buf[64];
	(void)state;
	assert_string_equal(money_to_plain(5, 2, buf, sizeof buf), "0.05");
	assert_string_equal(money_to_plain(-5, 2, buf, sizeof buf), "-0.05");
	assert_string_equal(money_to_plain(0, 2, buf, sizeof buf), "0.00");
	assert_string_equal(money_to_plain(7, 3, buf, sizeof buf), "0.007");
}

static void test_money_to_plain_zero_decimals_has_no_point(void **state)
{
	char buf[64];
	(void)state;
	assert_string_equal(money_to_plain(1200, 0, buf, sizeof buf), "1200");
	assert_string_equal(money_to_plain(0, 0, buf, sizeof buf), "0");
}

static void test_money_to_plain_int64_extremes(void **state)
{
	char buf[64];
	(void)state;
	assert_string_equal(money_to_plain(INT64_MAX, 2, buf, sizeof buf), "92233720368547758.07");
	assert_string_equal(money_to_plain(INT64_MIN, 2, buf, sizeof buf), "-92233720368547758.08");
	assert_string_equal(money_to_plain(INT64_MIN, 0, buf, sizeof buf), "-9223372036854775808");
}

static void test_money_to_plain_truncates_to_buffer(void **state)
{
	char buf[5];
	(void)state;
	assert_string_equal(money_to_plain(123450, 2, buf, sizeof buf), "1234");
}

static void test_money_to_display_groups_thousands(void **state)
{
	char buf[64];
	(void)state;
	assert_string_equal(money_to_display(123456789, 2, buf, sizeof buf), "1,234,567.89");
	assert_string_equal(money_to_display(-123450, 2, buf, sizeof buf), "-1,234.50");
	assert_string_equal(money_to_display(99999, 2, buf, sizeof buf), "999.99");
	assert_string_equal(money_to_display(100000, 2, buf, sizeof buf), "1,000.00");
	assert_string_equal(money_to_display(1234567, 0, buf, sizeof buf), "1,234,567");
}

static void test_money_to_display_int64_min(void **state)
{
	char buf[64];
	(void)state;
	assert_string_equal(money_to_display(INT64_MIN, 2, buf, sizeof buf),
	                    "-92,233,720,368,547,758.08");
}

static void test_money_plain_round_trips_through_parse(void **state)
{
	static const int64_t values[] = {0, 1, -1, 99, 100, 123456, -987654321, INT64_MAX,
	                                 -INT64_MAX};
	char buf[64];
	(void)state;
	for (int dec = 0; dec <= 3; dec++)
		for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
			money_to_plain(values[i], dec, buf, sizeof buf);
			assert_parses(buf, dec, &MONEY_FORMAT_DEFAULT, values[i]);
			money_to_display(values[i], dec, buf, sizeof buf);
			assert_parses(buf, dec, &MONEY_FORMAT_DEFAULT, values[i]);
		}
}

/* ---- arithmetic ---- */

static void test_money_add_sums(void **state)
{
	int64_t r = 0;
	(void)state;
	assert_true(money_add(1250, -250, &r));
	assert_int_equal(r, 1000);
	assert_true(money_add(INT64_MAX - 1, 1, &r));
	assert_int_equal(r, INT64_MAX);
	assert_true(money_add(INT64_MIN, INT64_MAX, &r));
	assert_int_equal(r, -1);
}

static void test_money_add_refuses_overflow_and_keeps_out(void **state)
{
	int64_t r = 77;
	(void)state;
	assert_false(money_add(INT64_MAX, 1, &r));
	assert_false(money_add(INT64_MIN, -1, &r));
	assert_false(money_add(INT64_MAX / 2 + 1, INT64_MAX / 2 + 1, &r));
	assert_int_equal(r, 77);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money_currency_decimals_eur_is_2),
		cmocka_unit_test(test_money_currency_decimals_zero_digit_currencies),
		cmocka_unit_test(test_money_currency_decimals_three_digit_currencies),
		cmocka_unit_test(test_money_currency_decimals_unknown_is_minus_one),
		cmocka_unit_test(test_money_currency_valid_accepts_only_known_upper_codes),
		cmocka_unit_test(test_money_currency_table_is_sorted_and_searchable),
		cmocka_unit_test(test_money_parse_integer_scales_to_minor_units),
		cmocka_unit_test(test_money_parse_one_decimal_is_padded),
		cmocka_unit_test(test_money_parse_leading_point),
		cmocka_unit_test(test_money_parse_two_decimals),
		cmocka_unit_test(test_money_parse_trailing_point_is_accepted),
		cmocka_unit_test(test_money_parse_zero_decimal_currency),
		cmocka_unit_test(test_money_parse_three_decimal_currency),
		cmocka_unit_test(test_money_parse_ignores_surrounding_spaces),
		cmocka_unit_test(test_money_parse_uses_len_not_nul),
		cmocka_unit_test(test_money_parse_leading_minus),
		cmocka_unit_test(test_money_parse_leading_plus),
		cmocka_unit_test(test_money_parse_trailing_minus_as_sap_exports),
		cmocka_unit_test(test_money_parse_parentheses_mean_negative),
		cmocka_unit_test(test_money_parse_rejects_parentheses_when_not_allowed),
		cmocka_unit_test(test_money_parse_rejects_unbalanced_parentheses),
		cmocka_unit_test(test_money_parse_rejects_sign_with_parentheses),
		cmocka_unit_test(test_money_parse_rejects_two_signs),
		cmocka_unit_test(test_money_parse_dollar_sign_is_usd),
		cmocka_unit_test(test_money_parse_euro_sign_before_or_after),
		cmocka_unit_test(test_money_parse_pound_and_yen_signs),
		cmocka_unit_test(test_money_parse_iso_code_before_or_after),
		cmocka_unit_test(test_money_parse_without_currency_clears_cur_out),
		cmocka_unit_test(test_money_parse_rejects_unknown_code),
		cmocka_unit_test(test_money_parse_rejects_two_currencies),
		cmocka_unit_test(test_money_parse_rejects_symbols_when_not_allowed),
		cmocka_unit_test(test_money_parse_thousands_groups),
		cmocka_unit_test(test_money_parse_ungrouped_digits_with_thousands_set),
		cmocka_unit_test(test_money_parse_rejects_malformed_groups),
		cmocka_unit_test(test_money_parse_rejects_separator_without_digits),
		cmocka_unit_test(test_money_parse_decimal_comma_with_dot_thousands),
		cmocka_unit_test(test_money_parse_rejects_dot_as_decimal_in_comma_format),
		cmocka_unit_test(test_money_parse_space_thousands_accepts_no_break_spaces),
		cmocka_unit_test(test_money_parse_apostrophe_thousands),
		cmocka_unit_test(test_money_parse_rejects_commas_without_thousands_separator),
		cmocka_unit_test(test_money_parse_rejects_same_decimal_and_thousands_separator),
		cmocka_unit_test(test_money_parse_rejects_three_decimals_for_eur),
		cmocka_unit_test(test_money_parse_accepts_trailing_zero_decimals),
		cmocka_unit_test(test_money_parse_rejects_decimals_for_jpy),
		cmocka_unit_test(test_money_parse_rejects_four_decimals_for_kwd),
		cmocka_unit_test(test_money_parse_accepts_int64_max),
		cmocka_unit_test(test_money_parse_rejects_int64_max_plus_one),
		cmocka_unit_test(test_money_parse_rejects_int64_min),
		cmocka_unit_test(test_money_parse_rejects_overflow_while_scaling),
		cmocka_unit_test(test_money_parse_leading_zeros_do_not_overflow),
		cmocka_unit_test(test_money_parse_rejects_empty),
		cmocka_unit_test(test_money_parse_rejects_garbage),
		cmocka_unit_test(test_money_parse_rejects_embedded_nul),
		cmocka_unit_test(test_money_to_plain_two_decimals),
		cmocka_unit_test(test_money_to_plain_small_amounts_have_leading_zero),
		cmocka_unit_test(test_money_to_plain_zero_decimals_has_no_point),
		cmocka_unit_test(test_money_to_plain_int64_extremes),
		cmocka_unit_test(test_money_to_plain_truncates_to_buffer),
		cmocka_unit_test(test_money_to_display_groups_thousands),
		cmocka_unit_test(test_money_to_display_int64_min),
		cmocka_unit_test(test_money_plain_round_trips_through_parse),
		cmocka_unit_test(test_money_add_sums),
		cmocka_unit_test(test_money_add_refuses_overflow_and_keeps_out),
	};

	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
