/* Specification of dates: day numbers, parsing the formats of exports, names of formats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "paymatch/date.h"

static pm_date ymd(int y, int m, int d)
{
	pm_date day = 0;

	if (date_from_ymd(y, m, d, &day) != 0)
		fail_msg("%04d-%02d-%02d refused", y, m, d);
	return day;
}

static void assert_parses(const char *s, enum date_format fmt, const char *want_iso)
{
	pm_date day = 0;
	const char *why = NULL;
	char buf[16];

	if (date_parse(s, strlen(s), fmt, &day, &why) != 0)
		fail_msg("\"%s\" (%s) refused: %s", s, date_format_name(fmt), why);
	assert_string_equal(date_to_iso(day, buf, sizeof buf), want_iso);
}

static void assert_refuses(const char *s, enum date_format fmt, const char *want_why)
{
	pm_date day = 4242;
	const char *why = NULL;
	char buf[16];

	if (date_parse(s, strlen(s), fmt, &day, &why) == 0)
		fail_msg("\"%s\" accepted as %s", s, date_to_iso(day, buf, sizeof buf));
	assert_non_null(why);
	if (want_why)
		assert_string_equal(why, want_why);
	assert_int_equal(day, 4242);
}

/* ---- day numbers ---- */

static void test_date_day_zero_is_1970_01_01(void **state)
{
	(void)state;
	assert_int_equal(ymd(1970, 1, 1), 0);
	assert_int_equal(ymd(1970, 1, 2), 1);
}

static void test_date_days_before_1970_are_negative(void **state)
{
	(void)state;
	assert_int_equal(ymd(1969, 12, 31), -1);
	assert_int_equal(ymd(1900, 1, 1), -25567);
}

static void test_date_known_day_numbers(void **state)
{
	(void)state;
	assert_int_equal(ymd(2000, 3, 1), 11017);
	assert_int_equal(ymd(2026, 3, 1), 20513);
	assert_int_equal(ymd(2199, 12, 31), 84005);
}

static void test_date_to_ymd_splits_day_numbers(void **state)
{
	int y, m, d;

	(void)state;
	date_to_ymd(-1, &y, &m, &d);
	assert_int_equal(y, 1969);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
	date_to_ymd(11016, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20000229);
}

static void test_date_round_trip_every_day_1900_to_2199(void **state)
{
	pm_date expect = ymd(1900, 1, 1);
	int y, m, d, yy, mm, dd;

	(void)state;
	for (y = 1900; y <= 2199; y++)
		for (m = 1; m <= 12; m++)
			for (d = 1; d <= 31; d++) {
				pm_date day;

				if (date_from_ymd(y, m, d, &day) != 0)
					continue;
				if (day != expect)
					fail_msg("%04d-%02d-%02d is %d, want %d", y, m, d, day, expect);
				date_to_ymd(day, &yy, &mm, &dd);
				if (yy != y || mm != m || dd != d)
					fail_msg("day %d splits to %d-%d-%d", day, yy, mm, dd);
				expect++;
			}
	assert_int_equal(expect, ymd(2199, 12, 31) + 1);
}

static void test_date_to_ymd_is_defined_far_outside_valid_years(void **state)
{
	int y, m, d;
	char buf[32];

	(void)state;
	date_to_ymd(INT32_MIN, &y, &m, &d);
	assert_true(m >= 1 && m <= 12 && d >= 1 && d <= 31);
	date_to_ymd(INT32_MAX, &y, &m, &d);
	assert_true(m >= 1 && m <= 12 && d >= 1 && d <= 31);
	assert_string_equal(date_to_iso(ymd(1900, 1, 1) - 1, buf, sizeof buf), "1899-12-31");
}

/* ---- leap years and validity ---- */

static void test_date_2000_is_leap(void **state)
{
	pm_date day;

	(void)state;
	assert_int_equal(date_from_ymd(2000, 2, 29, &day), 0);
}

static void test_date_1900_is_not_leap(void **state)
{
	pm_date day;

	(void)state;
	assert_int_equal(date_from_ymd(1900, 2, 29, &day), -1);
	assert_int_equal(date_from_ymd(2100, 2, 29, &day), -1);
}

static void test_date_2024_is_leap(void **state)
{
	pm_date day;

	(void)state;
	assert_int_equal(date_from_ymd(2024, 2, 29, &day), 0);
	assert_int_equal(ymd(2024, 3, 1) - ymd(2024, 2, 28), 2);
}

static void test_date_2026_02_29_is_invalid(void **state)
{
	pm_date day;

	(void)state;
	assert_int_equal(date_from_ymd(2026, 2, 29, &day), -1);
	assert_refuses("2026-02-29", DATE_ISO, "2026-02-29 does not exist");
}

static void test_date_from_ymd_refuses_years_outside_1900_2199(void **state)
{
	pm_date day;

	(void)state;
	assert_int_equal(date_from_ymd(1899, 12, 31, &day), -1);
	assert_int_equal(date_from_ymd(2200, 1, 1, &day), -1);
	assert_int_equal(date_from_ymd(1900, 1, 1, &day), 0);
	assert_int_equal(date_from_ymd(2199, 12, 31, &day), 0);
}

static void test_date_from_ymd_refuses_bad_month_and_day(void **state)
{
	pm_date day;

	(void)state;
	assert_int_equal(date_from_ymd(2026, 0, 1, &day), -1);
	assert_int_equal(date_from_ymd(2026, 13, 1, &day), -1);
	assert_int_equal(date_from_ymd(2026, 4, 31, &day), -1);
	assert_int_equal(date_from_ymd(2026, 1, 0, &day), -1);
	assert_int_equal(date_from_ymd(2026, 1, 32, &day), -1);
}

/* ---- parsing ---- */

static void test_date_parse_iso(void **state)
{
	(void)state;
	assert_parses("2026-03-01", DATE_ISO, "2026-03-01");
	assert_parses("2026-03-01", DATE_AUTO, "2026-03-01");
}

static void test_date_parse_iso_with_slashes(void **state)
{
	(void)state;
	assert_parses("2026/03/01", DATE_ISO, "2026-03-01");
	assert_parses("2026/03/01", DATE_AUTO, "2026-03-01");
}

static void test_date_parse_compact_yyyymmdd(void **state)
{
	(void)state;
	assert_parses("20260301", DATE_AUTO, "2026-03-01");
	assert_parses("20260301", DATE_ISO, "2026-03-01");
}

static void test_date_parse_dmy_dot(void **state)
{
	(void)state;
	assert_parses("01.03.2026", DATE_DMY_DOT, "2026-03-01");
	assert_parses("01.03.2026", DATE_AUTO, "2026-03-01");
	assert_parses("1.3.2026", DATE_DMY_DOT, "2026-03-01");
}

static void test_date_parse_mdy_slash(void **state)
{
	(void)state;
	assert_parses("03/01/2026", DATE_MDY_SLASH, "2026-03-01");
}

static void test_date_parse_dmy_slash(void **state)
{
	(void)state;
	assert_parses("03/01/2026", DATE_DMY_SLASH, "2026-01-03");
}

static void test_date_parse_auto_slash_day_first_when_first_part_over_12(void **state)
{
	(void)state;
	assert_parses("25/03/2026", DATE_AUTO, "2026-03-25");
}

static void test_date_parse_auto_slash_month_first_when_second_part_over_12(void **state)
{
	(void)state;
	assert_parses("03/25/2026", DATE_AUTO, "2026-03-25");
}

static void test_date_parse_auto_slash_same_parts_is_not_ambiguous(void **state)
{
	(void)state;
	assert_parses("04/04/2026", DATE_AUTO, "2026-04-04");
}

static void test_date_parse_auto_refuses_ambiguous_slash_date(void **state)
{
	(void)state;
	assert_refuses("03/04/2026", DATE_AUTO,
	               "ambiguous date (could be D/M or M/D): set date_format in an import profile");
}

static void test_date_parse_accepts_iso_timestamp_with_t(void **state)
{
	(void)state;
	assert_parses("2026-03-01T10:00:00", DATE_AUTO, "2026-03-01");
	assert_parses("2026-03-01T10:00:00.123+01:00", DATE_ISO, "2026-03-01");
	assert_parses("2026-03-01T10:00Z", DATE_AUTO, "2026-03-01");
}

static void test_date_parse_accepts_timestamp_with_space(void **state)
{
	(void)state;
	assert_parses("2026-03-01 10:00:00", DATE_AUTO, "2026-03-01");
	assert_parses("01.03.2026 10:00", DATE_DMY_DOT, "2026-03-01");
}

static void test_date_parse_refuses_garbage_after_date(void **state)
{
	(void)state;
	assert_refuses("2026-03-01X", DATE_AUTO, "not a date");
	assert_refuses("2026-03-01T", DATE_AUTO, "not a date");
	assert_refuses("2026-03-01 noon", DATE_AUTO, "not a date");
}

static void test_date_parse_ignores_surrounding_spaces(void **state)
{
	(void)state;
	assert_parses("  2026-03-01 ", DATE_AUTO, "2026-03-01");
}

static void test_date_parse_every_format_accepts_iso(void **state)
{
	(void)state;
	assert_parses("2026-03-01", DATE_DMY_DOT, "2026-03-01");
	assert_parses("2026-03-01", DATE_MDY_SLASH, "2026-03-01");
	assert_parses("2026-03-01", DATE_DMY_SLASH, "2026-03-01");
}

static void test_date_parse_refuses_two_digit_years(void **state)
{
	(void)state;
	assert_refuses("01/03/26", DATE_DMY_SLASH, "2-digit year: write the year in full");
	assert_refuses("01.03.26", DATE_AUTO, "2-digit year: write the year in full");
	assert_refuses("26-03-01", DATE_AUTO, "2-digit year: write the year in full");
}

static void test_date_parse_names_month_out_of_range(void **state)
{
	(void)state;
	assert_refuses("2026-13-01", DATE_ISO, "month 13 out of range");
	assert_refuses("13/01/2026", DATE_MDY_SLASH, "month 13 out of range");
}

static void test_date_parse_names_a_day_that_does_not_exist(void **state)
{
	(void)state;
	assert_refuses("2026-02-30", DATE_AUTO, "2026-02-30 does not exist");
	assert_refuses("31.04.2026", DATE_DMY_DOT, "2026-04-31 does not exist");
	assert_refuses("2026-01-00", DATE_ISO, "2026-01-00 does not exist");
}

static void test_date_parse_names_year_out_of_range(void **state)
{
	(void)state;
	assert_refuses("1899-12-31", DATE_ISO, "year 1899 out of range (1900..2199)");
	assert_refuses("22000101", DATE_AUTO, "year 2200 out of range (1900..2199)");
}

static void test_date_parse_refuses_format_mismatch(void **state)
{
	(void)state;
	assert_refuses("01.03.2026", DATE_MDY_SLASH, "not a date in format mm/dd/yyyy");
	assert_refuses("03/01/2026", DATE_DMY_DOT, "not a date in format dd.mm.yyyy");
	assert_refuses("03/01/2026", DATE_ISO, "not a date in format iso");
}

static void test_date_parse_refuses_empty_and_garbage(void **state)
{
	static const char *const bad[] = {"2026", "2026-03", "2026-03-01-02", "abc", "2026-3-1x",
	                                  "2026-03/01", "202603011", "2026.03.01", "-2026-03-01",
	                                  "1/1/2026/1", "２０２６-03-01"};
	(void)state;
	assert_refuses("", DATE_AUTO, "empty date");
	assert_refuses("   ", DATE_AUTO, "empty date");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_refuses(bad[i], DATE_AUTO, NULL);
}

static void test_date_parse_uses_len_not_nul(void **state)
{
	pm_date day = 0;
	const char *why;

	(void)state;
	assert_int_equal(date_parse("2026-03-01xyz", 10, DATE_ISO, &day, &why), 0);
	assert_int_equal(day, ymd(2026, 3, 1));
}

/* ---- formats, today, printing ---- */

static void test_date_format_names_round_trip(void **state)
{
	static const enum date_format all[] = {DATE_AUTO, DATE_ISO, DATE_DMY_DOT, DATE_MDY_SLASH,
	                                       DATE_DMY_SLASH};
	(void)state;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		assert_int_equal(date_format_from_name(date_format_name(all[i])), (int)all[i]);
	assert_string_equal(date_format_name(DATE_DMY_DOT), "dd.mm.yyyy");
}

static void test_date_format_from_name_is_case_insensitive(void **state)
{
	(void)state;
	assert_int_equal(date_format_from_name("DD/MM/YYYY"), DATE_DMY_SLASH);
	assert_int_equal(date_format_from_name("ISO"), DATE_ISO);
	assert_int_equal(date_format_from_name("yyyy-mm-dd"), DATE_ISO);
}

static void test_date_format_from_name_refuses_unknown(void **state)
{
	(void)state;
	assert_int_equal(date_format_from_name("yy/mm/dd"), -1);
	assert_int_equal(date_format_from_name(""), -1);
	assert_int_equal(date_format_from_name(NULL), -1);
}

static void test_date_today_matches_localtime(void **state)
{
	time_t now = time(NULL);
	struct tm *tm = localtime(&now);
	pm_date today = date_today();
	int y, m, d;

	(void)state;
	date_to_ymd(today, &y, &m, &d);
	/* Midnight may pass between the two calls. */
	if (!(y == tm->tm_year + 1900 && m == tm->tm_mon + 1 && d == tm->tm_mday))
		assert_int_equal(today, ymd(tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday) + 1);
}

static void test_date_to_iso_pads_with_zeros(void **state)
{
	char buf[11];

	(void)state;
	assert_string_equal(date_to_iso(ymd(1900, 1, 5), buf, sizeof buf), "1900-01-05");
}

static void test_date_to_iso_truncates_to_buffer(void **state)
{
	char buf[5];

	(void)state;
	assert_string_equal(date_to_iso(ymd(2026, 3, 1), buf, sizeof buf), "2026");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_day_zero_is_1970_01_01),
		cmocka_unit_test(test_date_days_before_1970_are_negative),
		cmocka_unit_test(test_date_known_day_numbers),
		cmocka_unit_test(test_date_to_ymd_splits_day_numbers),
		cmocka_unit_test(test_date_round_trip_every_day_1900_to_2199),
		cmocka_unit_test(test_date_to_ymd_is_defined_far_outside_valid_years),
		cmocka_unit_test(test_date_2000_is_leap),
		cmocka_unit_test(test_date_1900_is_not_leap),
		cmocka_unit_test(test_date_2024_is_leap),
		cmocka_unit_test(test_date_2026_02_29_is_invalid),
		cmocka_unit_test(test_date_from_ymd_refuses_years_outside_1900_2199),
		cmocka_unit_test(test_date_from_ymd_refuses_bad_month_and_day),
		cmocka_unit_test(test_date_parse_iso),
		cmocka_unit_test(test_date_parse_iso_with_slashes),
		cmocka_unit_test(test_date_parse_compact_yyyymmdd),
		cmocka_unit_test(test_date_parse_dmy_dot),
		cmocka_unit_test(test_date_parse_mdy_slash),
		cmocka_unit_test(test_date_parse_dmy_slash),
		cmocka_unit_test(test_date_parse_auto_slash_day_first_when_first_part_over_12),
		cmocka_unit_test(test_date_parse_auto_slash_month_first_when_second_part_over_12),
		cmocka_unit_test(test_date_parse_auto_slash_same_parts_is_not_ambiguous),
		cmocka_unit_test(test_date_parse_auto_refuses_ambiguous_slash_date),
		cmocka_unit_test(test_date_parse_accepts_iso_timestamp_with_t),
		cmocka_unit_test(test_date_parse_accepts_timestamp_with_space),
		cmocka_unit_test(test_date_parse_refuses_garbage_after_date),
		cmocka_unit_test(test_date_parse_ignores_surrounding_spaces),
		cmocka_unit_test(test_date_parse_every_format_accepts_iso),
		cmocka_unit_test(test_date_parse_refuses_two_digit_years),
		cmocka_unit_test(test_date_parse_names_month_out_of_range),
		cmocka_unit_test(test_date_parse_names_a_day_that_does_not_exist),
		cmocka_unit_test(test_date_parse_names_year_out_of_range),
		cmocka_unit_test(test_date_parse_refuses_format_mismatch),
		cmocka_unit_test(test_date_parse_refuses_empty_and_garbage),
		cmocka_unit_test(test_date_parse_uses_len_not_nul),
		cmocka_unit_test(test_date_format_names_round_trip),
		cmocka_unit_test(test_date_format_from_name_is_case_insensitive),
		cmocka_unit_test(test_date_format_from_name_refuses_unknown),
		cmocka_unit_test(test_date_today_matches_localtime),
		cmocka_unit_test(test_date_to_iso_pads_with_zeros),
		cmocka_unit_test(test_date_to_iso_truncates_to_buffer),
	};

	return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
