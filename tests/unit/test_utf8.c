/* Specification of utf8: validation, encoding sniffing, width, fitting, sanitizing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <locale.h>
#include <string.h>
#include <cmocka.h>

#include "paymatch/utf8.h"

#define E_ACUTE "\xc3\xa9"              /* é, 1 column */
#define COMBINING_ACUTE "\xcc\x81"      /* U+0301, 0 columns */
#define NICHI "\xe6\x97\xa5"            /* 日, 2 columns */
#define RLO "\xe2\x80\xae"              /* U+202E RIGHT-TO-LEFT OVERRIDE */

static int setup_locale(void **state)
{
	(void)state;
	/* wcwidth() needs a UTF-8 locale; choosing it is the caller's job, here the test's. */
	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "en_US.UTF-8"))
		return -1;
	return 0;
}

static bool valid(const char *s)
{
	return utf8_valid(s, strlen(s), NULL);
}

static size_t width(const char *s)
{
	return utf8_width(s, strlen(s));
}

static const char *sanitize(const char *s, size_t len)
{
	static char buf[256];

	return utf8_sanitize(s, len, buf, sizeof buf);
}

/* ---- decoding and validation ---- */

static void test_utf8_decode_each_length(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 0x41);
	assert_int_equal(utf8_decode(E_ACUTE, 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(utf8_decode(NICHI, 3, &cp), 3);
	assert_int_equal(cp, 0x65E5);
	assert_int_equal(utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
}

static void test_utf8_decode_refuses_truncated_sequence(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(utf8_decode(NICHI, 2, &cp), 0);
	assert_int_equal(utf8_decode("", 0, &cp), 0);
}

static void test_utf8_valid_accepts_ascii_and_multibyte(void **state)
{
	(void)state;
	assert_true(valid(""));
	assert_true(valid("plain ascii, 1234.50"));
	assert_true(valid("M" E_ACUTE "ller " NICHI " \xf0\x9f\x98\x80"));
	assert_true(valid("\xef\xbf\xbf"));          /* U+FFFF is a noncharacter, still valid */
	assert_true(valid("\xf4\x8f\xbf\xbf"));      /* U+10FFFF, the last code point */
}

static void test_utf8_valid_refuses_overlong_forms(void **state)
{
	(void)state;
	assert_false(valid("\xc0\xaf"));             /* '/' in 2 bytes */
	assert_false(valid("\xc1\xbf"));
	assert_false(valid("\xe0\x80\xaf"));         /* '/' in 3 bytes */
	assert_false(valid("\xf0\x80\x80\xaf"));     /* '/' in 4 bytes */
}

static void test_utf8_valid_refuses_surrogates(void **state)
{
	(void)state;
	assert_false(valid("\xed\xa0\x80"));         /* U+D800 */
	assert_false(valid("\xed\xbf\xbf"));         /* U+DFFF */
	assert_true(valid("\xed\x9f\xbf"));          /* U+D7FF is fine */
}

static void test_utf8_valid_refuses_above_10ffff(void **state)
{
	(void)state;
	assert_false(valid("\xf4\x90\x80\x80"));
	assert_false(valid("\xf5\x80\x80\x80"));
	assert_false(valid("\xff"));
}

static void test_utf8_valid_reports_offset_of_first_bad_sequence(void **state)
{
	size_t at = 99;

	(void)state;
	assert_false(utf8_valid("ab" E_ACUTE "\x80z", 6, &at));
	assert_int_equal(at, 4);
	assert_false(utf8_valid("ok" NICHI, 4, &at));   /* cut in the middle */
	assert_int_equal(at, 2);
}

static void test_utf8_valid_refuses_lone_continuation_and_bad_follower(void **state)
{
	(void)state;
	assert_false(valid("\x80"));
	assert_false(valid("\xc3" "A"));
	assert_false(valid("\xe6\x97" "A"));
}

/* ---- Latin-1 ---- */

static void test_utf8_looks_latin1_for_latin1_text(void **state)
{
	(void)state;
	assert_true(utf8_looks_latin1("M\xfcller GmbH", 11));
	assert_true(utf8_looks_latin1("caf\xe9", 4));
}

static void test_utf8_looks_latin1_false_for_valid_utf8(void **state)
{
	const char *s = "M\xc3\xbcller";

	(void)state;
	assert_false(utf8_looks_latin1(s, strlen(s)));
	assert_false(utf8_looks_latin1("plain", 5));
}

static void test_utf8_looks_latin1_false_for_nuls_or_c1_only(void **state)
{
	(void)state;
	assert_false(utf8_looks_latin1("a\0\xe9\0", 4));
	assert_false(utf8_looks_latin1("x\x80y", 3));
}

static void test_utf8_from_latin1_transcodes(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(utf8_from_latin1("M\xfcller \xa3", 8, out, sizeof out), 10);
	assert_string_equal(out, "M\xc3\xbcller \xc2\xa3");
	assert_true(valid(out));
}

static void test_utf8_from_latin1_never_splits_in_small_buffer(void **state)
{
	char out[3];

	(void)state;
	/* "a" fits, then "é" (2 bytes) would need 4 with the NUL. */
	assert_int_equal(utf8_from_latin1("a\xe9", 2, out, sizeof out), 1);
	assert_string_equal(out, "a");
	assert_int_equal(utf8_from_latin1("a", 1, out, 0), 0);
}

/* ---- sniffing ---- */

static const char *sniff(const char *s, size_t len)
{
	return utf8_sniff_encoding((const unsigned char *)s, len);
}

static void test_utf8_sniff_plain_is_utf8(void **state)
{
	(void)state;
	assert_string_equal(sniff("id,amount\n1,2.50\n", 17), "UTF-8");
	assert_string_equal(sniff("", 0), "UTF-8");
}

static void test_utf8_sniff_utf8_bom(void **state)
{
	(void)state;
	assert_string_equal(sniff("\xef\xbb\xbfid,amount", 12), "UTF-8 with BOM");
}

static void test_utf8_sniff_utf16_boms(void **state)
{
	(void)state;
	assert_string_equal(sniff("\xff\xfei\0d\0", 6), "UTF-16LE");
	assert_string_equal(sniff("\xfe\xff\0i\0d", 6), "UTF-16BE");
}

static void test_utf8_sniff_utf32_boms(void **state)
{
	(void)state;
	assert_string_equal(sniff("\xff\xfe\0\0i\0\0\0", 8), "UTF-32LE");
	assert_string_equal(sniff("\0\0\xfe\xff\0\0\0i", 8), "UTF-32BE");
}

static void test_utf8_sniff_utf16le_without_bom(void **state)
{
	(void)state;
	assert_string_equal(sniff("i\0d\0,\0a\0m\0\n\0", 12), "UTF-16LE");
}

static void test_utf8_sniff_utf16be_without_bom(void **state)
{
	(void)state;
	assert_string_equal(sniff("\0i\0d\0,\0a\0m\0\n", 12), "UTF-16BE");
}

static void test_utf8_sniff_scattered_nuls_are_binary(void **state)
{
	(void)state;
	assert_string_equal(sniff("id,\0\0mount\n1,\0.50\n", 18), "binary");
	assert_string_equal(sniff("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "binary");
}

/* ---- width and fitting ---- */

static void test_utf8_width_ascii(void **state)
{
	(void)state;
	assert_int_equal(width("Invoice 42"), 10);
	assert_int_equal(width(""), 0);
}

static void test_utf8_width_counts_characters_not_bytes(void **state)
{
	(void)state;
	assert_int_equal(width("M" E_ACUTE "ller"), 6);   /* 7 bytes */
}

static void test_utf8_width_wide_characters_take_two_columns(void **state)
{
	(void)state;
	assert_int_equal(width(NICHI NICHI), 4);
}

static void test_utf8_width_combining_marks_take_no_column(void **state)
{
	(void)state;
	assert_int_equal(width("e" COMBINING_ACUTE), 1);
}

static void test_utf8_width_invalid_bytes_and_controls_count_one(void **state)
{
	(void)state;
	assert_int_equal(width("a\xff" "b"), 3);
	assert_int_equal(width("a\tb\x1b"), 4);
	assert_int_equal(width(RLO), 1);
	assert_int_equal(width("\xc2\x85"), 1);      /* C1 NEL */
}

static void test_utf8_width_unassigned_code_point_counts_one(void **state)
{
	(void)state;
	assert_int_equal(width("\xcd\xb8"), 1);   /* U+0378, unassigned: wcwidth() says -1 */
}

static void test_utf8_fit_whole_string_when_room(void **state)
{
	size_t cols = 0;

	(void)state;
	assert_int_equal(utf8_fit("abc", 3, 10, &cols), 3);
	assert_int_equal(cols, 3);
}

static void test_utf8_fit_cuts_ascii_at_max_cols(void **state)
{
	size_t cols = 0;

	(void)state;
	assert_int_equal(utf8_fit("abcdef", 6, 4, &cols), 4);
	assert_int_equal(cols, 4);
}

static void test_utf8_fit_never_splits_a_character(void **state)
{
	const char *s = "M" E_ACUTE "ller";
	size_t cols = 0;

	(void)state;
	assert_int_equal(utf8_fit(s, strlen(s), 2, &cols), 3);
	assert_int_equal(cols, 2);
}

static void test_utf8_fit_leaves_out_wide_char_that_half_fits(void **state)
{
	const char *s = "a" NICHI "b";
	size_t cols = 0;

	(void)state;
	assert_int_equal(utf8_fit(s, strlen(s), 2, &cols), 1);
	assert_int_equal(cols, 1);
	assert_int_equal(utf8_fit(s, strlen(s), 3, &cols), 4);
	assert_int_equal(cols, 3);
}

static void test_utf8_fit_keeps_combining_marks_with_their_base(void **state)
{
	const char *s = "ae" COMBINING_ACUTE COMBINING_ACUTE "x";
	size_t cols = 0;

	(void)state;
	assert_int_equal(utf8_fit(s, strlen(s), 2, &cols), 6);
	assert_int_equal(cols, 2);
}

static void test_utf8_fit_drops_marks_of_a_base_that_does_not_fit(void **state)
{
	const char *s = "ae" COMBINING_ACUTE;
	size_t cols = 0;

	(void)state;
	assert_int_equal(utf8_fit(s, strlen(s), 1, &cols), 1);
	assert_int_equal(cols, 1);
}

static void test_utf8_fit_zero_columns_fits_nothing(void **state)
{
	size_t cols = 9;

	(void)state;
	assert_int_equal(utf8_fit("abc", 3, 0, &cols), 0);
	assert_int_equal(cols, 0);
	assert_int_equal(utf8_fit("abc", 3, 1, NULL), 1);
}

/* ---- sanitizing ---- */

static void test_utf8_sanitize_keeps_clean_text(void **state)
{
	const char *s = "M" E_ACUTE "ller " NICHI " e" COMBINING_ACUTE;

	(void)state;
	assert_string_equal(sanitize(s, strlen(s)), s);
}

static void test_utf8_sanitize_replaces_c0_controls_and_del(void **state)
{
	(void)state;
	assert_string_equal(sanitize("a\x1b[2Jb\tc\x7f" "d\n", 11), "a?[2Jb?c?d?");
}

static void test_utf8_sanitize_replaces_c1_controls(void **state)
{
	(void)state;
	assert_string_equal(sanitize("a\xc2\x9b" "31mb", 7), "a?31mb");
}

static void test_utf8_sanitize_replaces_bidi_overrides(void **state)
{
	const char *s = "pay " RLO "cba" "\xe2\x80\xac" " \xe2\x81\xa6x\xe2\x81\xa9";

	(void)state;
	assert_string_equal(sanitize(s, strlen(s)), "pay ?cba? ?x?");
}

static void test_utf8_sanitize_replaces_bidi_marks(void **state)
{
	(void)state;
	assert_string_equal(sanitize("a\xe2\x80\x8e" "b\xe2\x80\x8f", 8), "a?b?");
}

static void test_utf8_sanitize_replaces_each_invalid_byte(void **state)
{
	(void)state;
	assert_string_equal(sanitize("M\xfcller\xc0\xaf", 8), "M?ller??");
}

static void test_utf8_sanitize_replaces_embedded_nul(void **state)
{
	(void)state;
	assert_string_equal(sanitize("a\0b", 3), "a?b");
}

static void test_utf8_sanitize_never_splits_in_small_buffer(void **state)
{
	char out[4];

	(void)state;
	/* "ab" fits; "é" would need 2 more bytes plus the NUL. */
	assert_string_equal(utf8_sanitize("ab" E_ACUTE, 4, out, sizeof out), "ab");
	assert_string_equal(utf8_sanitize("abcdef", 6, out, sizeof out), "abc");
}

static void test_utf8_sanitize_output_never_longer_than_input(void **state)
{
	const char *s = "\x1b" RLO "\xff" E_ACUTE "\xed\xa0\x80";
	char out[32];

	(void)state;
	/* Callers size dst as len + 1. */
	utf8_sanitize(s, strlen(s), out, strlen(s) + 1);
	assert_true(strlen(out) <= strlen(s));
	assert_string_equal(out, "???" E_ACUTE "???");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_decode_each_length),
		cmocka_unit_test(test_utf8_decode_refuses_truncated_sequence),
		cmocka_unit_test(test_utf8_valid_accepts_ascii_and_multibyte),
		cmocka_unit_test(test_utf8_valid_refuses_overlong_forms),
		cmocka_unit_test(test_utf8_valid_refuses_surrogates),
		cmocka_unit_test(test_utf8_valid_refuses_above_10ffff),
		cmocka_unit_test(test_utf8_valid_reports_offset_of_first_bad_sequence),
		cmocka_unit_test(test_utf8_valid_refuses_lone_continuation_and_bad_follower),
		cmocka_unit_test(test_utf8_looks_latin1_for_latin1_text),
		cmocka_unit_test(test_utf8_looks_latin1_false_for_valid_utf8),
		cmocka_unit_test(test_utf8_looks_latin1_false_for_nuls_or_c1_only),
		cmocka_unit_test(test_utf8_from_latin1_transcodes),
		cmocka_unit_test(test_utf8_from_latin1_never_splits_in_small_buffer),
		cmocka_unit_test(test_utf8_sniff_plain_is_utf8),
		cmocka_unit_test(test_utf8_sniff_utf8_bom),
		cmocka_unit_test(test_utf8_sniff_utf16_boms),
		cmocka_unit_test(test_utf8_sniff_utf32_boms),
		cmocka_unit_test(test_utf8_sniff_utf16le_without_bom),
		cmocka_unit_test(test_utf8_sniff_utf16be_without_bom),
		cmocka_unit_test(test_utf8_sniff_scattered_nuls_are_binary),
		cmocka_unit_test(test_utf8_width_ascii),
		cmocka_unit_test(test_utf8_width_counts_characters_not_bytes),
		cmocka_unit_test(test_utf8_width_wide_characters_take_two_columns),
		cmocka_unit_test(test_utf8_width_combining_marks_take_no_column),
		cmocka_unit_test(test_utf8_width_invalid_bytes_and_controls_count_one),
		cmocka_unit_test(test_utf8_width_unassigned_code_point_counts_one),
		cmocka_unit_test(test_utf8_fit_whole_string_when_room),
		cmocka_unit_test(test_utf8_fit_cuts_ascii_at_max_cols),
		cmocka_unit_test(test_utf8_fit_never_splits_a_character),
		cmocka_unit_test(test_utf8_fit_leaves_out_wide_char_that_half_fits),
		cmocka_unit_test(test_utf8_fit_keeps_combining_marks_with_their_base),
		cmocka_unit_test(test_utf8_fit_drops_marks_of_a_base_that_does_not_fit),
		cmocka_unit_test(test_utf8_fit_zero_columns_fits_nothing),
		cmocka_unit_test(test_utf8_sanitize_keeps_clean_text),
		cmocka_unit_test(test_utf8_sanitize_replaces_c0_controls_and_del),
		cmocka_unit_test(test_utf8_sanitize_replaces_c1_controls),
		cmocka_unit_test(test_utf8_sanitize_replaces_bidi_overrides),
		cmocka_unit_test(test_utf8_sanitize_replaces_bidi_marks),
		cmocka_unit_test(test_utf8_sanitize_replaces_each_invalid_byte),
		cmocka_unit_test(test_utf8_sanitize_replaces_embedded_nul),
		cmocka_unit_test(test_utf8_sanitize_never_splits_in_small_buffer),
		cmocka_unit_test(test_utf8_sanitize_output_never_longer_than_input),
	};

	return cmocka_run_group_tests_name("utf8", tests, setup_locale, NULL);
}
