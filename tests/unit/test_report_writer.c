/* The table writer: CSV quoting and the formula guard, JSON escaping, text truncation by
 * display width, number formatting. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "paymatch/money.h"
#include "paymatch/report.h"
#include "../../src/report/report_internal.h"

static const struct tw_column COLS[] = {
	{ "name", "Name", TW_SOURCE, 10, true, false },
	{ "kind", "Kind", TW_TEXT, 6, false, false },
	{ "n", "N", TW_INT, 5, false, false },
	{ "amount", "Amount", TW_MONEY, 14, false, false },
};
static const struct tw_table TABLE = { "rows", NULL, COLS, 4, true };

/* Renders rows (name, kind, n, amount minor) in fmt and returns the output (caller frees). */
static char *render(enum report_format fmt, const char *const *names, const int64_t *amounts,
                    size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct tw_writer *w = tw_new(fmt, f);
	const char *meta[] = { "as_of", "2026-03-31", "customer", NULL, NULL };

	assert_non_null(w);
	assert_int_equal(tw_begin(w, "test", "Test as of 2026-03-31", meta), 0);
	assert_int_equal(tw_table_begin(w, &TABLE), 0);
	for (size_t i = 0; i < n; i++) {
		const struct tw_value v[] = { TW_STR(names[i]), TW_STR("auto"), TW_INTV((int64_t)i),
		                              TW_MONEYV(amounts[i], 2) };
		assert_int_equal(tw_row(w, v), 0);
	}
	assert_int_equal(tw_table_end(w), 0);
	assert_int_equal(tw_end(w), 0);
	tw_free(w);
	fclose(f);
	return buf;
}

static void test_csv_quotes_commas_quotes_and_newlines(void **state)
{
	const char *names[] = { "Smith, John", "say \"hi\"", "two\nlines", "plain" };
	const int64_t amounts[] = { 1, 2, 3, 4 };
	char *out = render(REPORT_CSV, names, amounts, 4);

	(void)state;
	assert_string_equal(out, "name,kind,n,amount\n"
	                    "\"Smith, John\",auto,0,0.01\n"
	                    "\"say \"\"hi\"\"\",auto,1,0.02\n"
	                    "\"two\nlines\",auto,2,0.03\n"
	                    "plain,auto,3,0.04\n");
	free(out);
}

static void test_csv_guards_formula_text_but_not_amounts(void **state)
{
	const char *names[] = { "=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tTab", "ok=1" };
	const int64_t amounts[] = { -150, 0, 0, 0, 0, 123456789 };
	char *out = render(REPORT_CSV, names, amounts, 6);

	(void)state;
	assert_string_equal(out, "name,kind,n,amount\n"
	                    "\"'=HYPERLINK(\"\"x\"\")\",auto,0,-1.50\n"
	                    "'+1,auto,1,0.00\n"
	                    "'-2,auto,2,0.00\n"
	                    "'@SUM(A1),auto,3,0.00\n"
	                    "'\tTab,auto,4,0.00\n"
	                    "ok=1,auto,5,1234567.89\n");
	free(out);
}

static void test_csv_writes_only_the_csv_table(void **state)
{
	static const struct tw_table OTHER = { "other", "Other", COLS, 4, false };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct tw_writer *w = tw_new(REPORT_CSV, f);
	const struct tw_value v[] = { TW_STR("a"), TW_STR("b"), TW_INTV(1), TW_MONEYV(1, 2) };

	(void)state;
	tw_begin(w, "t", "T", NULL);
	tw_table_begin(w, &TABLE);
	tw_row(w, v);
	tw_table_end(w);
	tw_table_begin(w, &OTHER);
	tw_row(w, v);
	tw_table_end(w);
	tw_end(w);
	tw_free(w);
	fclose(f);
	assert_string_equal(buf, "name,kind,n,amount\na,b,1,0.01\n");
	free(buf);
}

static void test_json_escapes_controls_and_keeps_utf8(void **state)
{
	const char *names[] = { "a\"b\\c\x01\x1f\n", "Müller 株式会社", "bad\xff" "byte" };
	const int64_t amounts[] = { 123456, -5, 0 };
	char *out = render(REPORT_JSON, names, amounts, 3);

	(void)state;
	assert_string_equal(out,
	    "{\"report\":\"test\",\"title\":\"Test as of 2026-03-31\",\"as_of\":\"2026-03-31\","
	    "\"customer\":null,\"tables\":{\n\"rows\":[\n"
	    "{\"name\":\"a\\\"b\\\\c\\u0001\\u001f\\u000a\",\"kind\":\"auto\",\"n\":0,"
	    "\"amount\":\"1234.56\"},\n"
	    "{\"name\":\"Müller 株式会社\",\"kind\":\"auto\",\"n\":1,\"amount\":\"-0.05\"},\n"
	    "{\"name\":\"bad\\ufffdbyte\",\"kind\":\"auto\",\"n\":2,\"amount\":\"0.00\"}\n"
	    "]\n}}\n");
	free(out);
}

static void test_json_null_cells_are_null(void **state)
{
	const char *names[] = { NULL };
	const int64_t amounts[] = { 0 };
	char *out = render(REPORT_JSON, names, amounts, 1);

	(void)state;
	assert_non_null(strstr(out, "{\"name\":null,"));
	free(out);
}

/* Name gets 10 + the spare width: 80 - (10+2+6+2+5+2+14) = 39, so 49 columns; the CJK
 * name is cut after 24 double-width characters (48 columns) plus the ellipsis. */
static void test_text_truncates_by_display_width_and_aligns_amounts(void **state)
{
	const char *names[] = { "Ann Müller-Lüdenscheidt Großhandel GmbH & Co. KG — long long",
	                        "株式会社テストテストテストテストテストテストテストテストテスト",
	                        "Short" };
	const int64_t amounts[] = { 123456789, 100, -100 };
	char *out = render(REPORT_TEXT, names, amounts, 3);

	(void)state;
	assert_string_equal(out,
	    "Test as of 2026-03-31\n\n"
	    "Name                                               Kind        N          Amount\n"
	    "--------------------------------------------------------------------------------\n"
	    "Ann Müller-Lüdenscheidt Großhandel GmbH & Co. KG…  auto        0    1,234,567.89\n"
	    "株式会社テストテストテストテストテストテストテス…  auto        1            1.00\n"
	    "Short                                              auto        2           -1.00\n");
	free(out);
}

static void test_text_wraps_wide_tables_within_80_columns(void **state)
{
	static const struct tw_column WIDE[] = {
		{ "a", "A", TW_TEXT, 30, false, false }, { "b", "B", TW_MONEY, 30, false, false },
		{ "c", "C", TW_MONEY, 30, false, false },
	};
	static const struct tw_table T = { "wide", "Wide", WIDE, 3, true };
	const struct tw_value v[] = { TW_STR("x"), TW_MONEYV(1, 2), TW_MONEYV(2, 0) };
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct tw_writer *w = tw_new(REPORT_TEXT, f);

	(void)state;
	tw_begin(w, "t", "T", NULL);
	tw_table_begin(w, &T);
	tw_row(w, v);
	tw_table_end(w);
	tw_end(w);
	tw_free(w);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		assert_true(strlen(line) <= 80);
	free(buf);
}

static void test_text_sanitises_escape_sequences(void **state)
{
	const char *names[] = { "evil\x1b[2Jname\xe2\x80\xae" };
	const int64_t amounts[] = { 0 };
	char *out = render(REPORT_TEXT, names, amounts, 1);

	(void)state;
	assert_null(strchr(out, '\x1b'));
	assert_null(strstr(out, "\xe2\x80\xae"));
	free(out);
}

/* Plain ASCII longer than its column takes the fast path: the same cut as the general one. */
static void test_text_cuts_long_ascii_at_width_minus_one_with_ellipsis(void **state)
{
	const char *names[] = { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" };
	const int64_t amounts[] = { 5 };
	char *out = render(REPORT_TEXT, names, amounts, 1);

	(void)state;
	assert_non_null(strstr(out, "\nABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv\xe2\x80\xa6  auto"));
	free(out);
}

/* The writers format amounts themselves (no snprintf); they must agree with money.h. */
static void test_amounts_match_the_money_module(void **state)
{
	static const int64_t V[] = { 0, 5, -5, 99, 100, -100, 1000, 99999, 100000, 123456789,
	                             -123456789, INT64_MAX, INT64_MIN + 1, INT64_MIN };
	char want[64];
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_init(&sb);
	for (size_t i = 0; i < sizeof V / sizeof V[0]; i++) {
		for (int dec = -1; dec <= 4; dec++) {
			strbuf_reset(&sb);
			assert_int_equal(tw_money(&sb, V[i], dec, ','), 0);
			assert_string_equal(sb.buf, money_to_display(V[i], dec, want, sizeof want));
			strbuf_reset(&sb);
			assert_int_equal(tw_money(&sb, V[i], dec, 0), 0);
			assert_string_equal(sb.buf, money_to_plain(V[i], dec, want, sizeof want));
		}
	}
	strbuf_release(&sb);
}

int main(void)
{
	/* Display widths come from wcwidth(): a UTF-8 locale, as a user's terminal has. */
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_quotes_commas_quotes_and_newlines),
		cmocka_unit_test(test_csv_guards_formula_text_but_not_amounts),
		cmocka_unit_test(test_csv_writes_only_the_csv_table),
		cmocka_unit_test(test_json_escapes_controls_and_keeps_utf8),
		cmocka_unit_test(test_json_null_cells_are_null),
		cmocka_unit_test(test_text_truncates_by_display_width_and_aligns_amounts),
		cmocka_unit_test(test_text_wraps_wide_tables_within_80_columns),
		cmocka_unit_test(test_text_sanitises_escape_sequences),
		cmocka_unit_test(test_text_cuts_long_ascii_at_width_minus_one_with_ellipsis),
		cmocka_unit_test(test_amounts_match_the_money_module),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
