/* Unit tests for the streaming CSV reader: line ends, quoting, encodings, size caps and
 * line numbers. Each record is dumped as "LINE:field|field;" to compare with one string. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "paymatch/csv_reader.h"
#include "paymatch/sha256.h"
#include "paymatch/strbuf.h"

static int open_bytes(const char *data, size_t len, const struct csv_reader_options *opt,
                      struct csv_reader **r, struct pm_error *err)
{
	struct csv_reader_options def;
	FILE *fp = tmpfile();

	assert_non_null(fp);
	if (len)
		assert_int_equal(fwrite(data, 1, len, fp), len);
	rewind(fp);
	if (!opt) {
		csv_reader_options_init(&def);
		opt = &def;
	}
	pm_error_clear(err);
	return csv_reader_open_stream(fp, "t.csv", opt, r, err);
}

/* Reads every record; returns the dump, or "ERROR: message" when reading failed. */
static char *dump_with(const char *data, size_t len, const struct csv_reader_options *opt)
{
	struct strbuf sb = STRBUF_INIT;
	struct csv_reader *r;
	struct pm_error err;
	const struct csv_record *rec;
	int rc;

	if (open_bytes(data, len, opt, &r, &err)) {
		strbuf_addf(&sb, "ERROR: %s", err.msg);
		return strbuf_detach(&sb);
	}
	while ((rc = csv_reader_next(r, &rec, &err)) == 1) {
		strbuf_addf(&sb, "%ld:", rec->line);
		for (size_t i = 0; i < rec->nfields; i++) {
			if (i)
				strbuf_addch(&sb, '|');
			for (size_t k = 0; k < rec->len[i]; k++) {
				if (rec->field[i][k])
					strbuf_addch(&sb, rec->field[i][k]);
				else
					strbuf_addstr(&sb, "\\0");
			}
		}
		strbuf_addch(&sb, ';');
	}
	if (rc != 0) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "ERROR: %s", err.msg);
	}
	csv_reader_free(r);
	return strbuf_detach(&sb);
}

static char *dump(const char *data)
{
	return dump_with(data, strlen(data), NULL);
}

#define assert_dump(data, expected) do { \
		char *got_ = dump(data); \
		assert_string_equal(got_, expected); \
		free(got_); \
	} while (0)

static void test_csv_reader_reads_simple_lf_file(void **state)
{
	(void)state;
	assert_dump("a,b\n1,2\n", "1:a|b;2:1|2;");
}

static void test_csv_reader_strips_utf8_bom(void **state)
{
	(void)state;
	assert_dump("\xef\xbb\xbfid,name\n1,x\n", "1:id|name;2:1|x;");
}

static void test_csv_reader_counts_crlf_lines(void **state)
{
	(void)state;
	assert_dump("a,b\r\n1,2\r\n3,4\r\n", "1:a|b;2:1|2;3:3|4;");
}

static void test_csv_reader_counts_cr_only_lines(void **state)
{
	(void)state;
	assert_dump("a,b\r1,2\r3,4\r", "1:a|b;2:1|2;3:3|4;");
}

static void test_csv_reader_keeps_quoted_comma(void **state)
{
	(void)state;
	assert_dump("a,b\n\"x, y\",2\n", "1:a|b;2:x, y|2;");
}

static void test_csv_reader_quoted_newline_keeps_start_line(void **state)
{
	(void)state;
	assert_dump("a,b\n\"line one\nline two\",2\n3,4\n",
	            "1:a|b;2:line one\nline two|2;4:3|4;");
}

static void test_csv_reader_quoted_crlf_newline(void **state)
{
	(void)state;
	assert_dump("a,b\r\n\"x\r\ny\",2\r\n3,4\r\n", "1:a|b;2:x\r\ny|2;4:3|4;");
}

static void test_csv_reader_unescapes_doubled_quotes(void **state)
{
	(void)state;
	assert_dump("a\n\"he said \"\"hi\"\"\"\n", "1:a;2:he said \"hi\";");
}

static void test_csv_reader_skips_blank_lines_keeping_numbers(void **state)
{
	(void)state;
	assert_dump("a,b\n\n1,2\n\r\n\n3,4\n", "1:a|b;3:1|2;6:3|4;");
}

static void test_csv_reader_skips_rows_of_empty_fields(void **state)
{
	(void)state;
	assert_dump("a,b\n1,2\n,\n,,\n3,4\n", "1:a|b;2:1|2;5:3|4;");
}

static void test_csv_reader_reads_last_line_without_newline(void **state)
{
	(void)state;
	assert_dump("a,b\n1,2", "1:a|b;2:1|2;");
}

static void test_csv_reader_detects_semicolon(void **state)
{
	(void)state;
	assert_dump("a;b;c\n1,5;2;3\n", "1:a|b|c;2:1,5|2|3;");
}

static void test_csv_reader_detects_tab(void **state)
{
	(void)state;
	assert_dump("a\tb\n1\t\t\n", "1:a|b;2:1||;");
}

static void test_csv_reader_detects_pipe(void **state)
{
	(void)state;
	assert_dump("a|b\n1|2\n", "1:a|b;2:1|2;");
}

static void test_csv_reader_detection_ignores_quoted_delimiters(void **state)
{
	(void)state;
	assert_dump("\"a;b;c\",d\n1,2\n", "1:a;b;c|d;2:1|2;");
}

static void test_csv_reader_profile_delimiter_wins(void **state)
{
	struct csv_reader_options o;
	char *got;

	(void)state;
	csv_reader_options_init(&o);
	o.delimiter = ';';
	got = dump_with("a,b;c\n", 6, &o);
	assert_string_equal(got, "1:a,b|c;");
	free(got);
}

static void test_csv_reader_trims_unquoted_spaces_by_default(void **state)
{
	(void)state;
	assert_dump("a, b ,\" c \"\n", "1:a|b| c ;");
}

static void test_csv_reader_keeps_spaces_when_asked(void **state)
{
	struct csv_reader_options o;
	char *got;

	(void)state;
	csv_reader_options_init(&o);
	o.trim_spaces = false;
	got = dump_with("a, b \n", 6, &o);
	assert_string_equal(got, "1:a| b ;");
	free(got);
}

static void test_csv_reader_skips_preamble_lines(void **state)
{
	struct csv_reader_options o;
	const char *data = "Bank statement\r\nAccount 123, EUR\r\nid,x\r\n1,2\r\n";
	char *got;

	(void)state;
	csv_reader_options_init(&o);
	o.skip_lines = 2;
	got = dump_with(data, strlen(data), &o);
	assert_string_equal(got, "3:id|x;4:1|2;");
	free(got);
}

static void test_csv_reader_passes_nul_bytes_through(void **state)
{
	char *got;

	(void)state;
	got = dump_with("a,b\n1,x\0y\n2,3\n", 14, NULL);
	assert_string_equal(got, "1:a|b;2:1|x\\0y;3:2|3;");
	free(got);
}

static void test_csv_reader_refuses_mostly_nul_file_as_binary(void **state)
{
	char data[64] = "a,b\n";
	char *got;

	(void)state;
	got = dump_with(data, sizeof data, NULL);
	assert_non_null(strstr(got, "not a CSV file: it holds binary data"));
	free(got);
}

static void test_csv_reader_refuses_zip_spreadsheet(void **state)
{
	char *got;

	(void)state;
	got = dump_with("PK\x03\x04\x14\x00rest", 10, NULL);
	assert_non_null(strstr(got, "ZIP archive"));
	free(got);
}

static void test_csv_reader_refuses_utf16le_with_bom(void **state)
{
	char *got;

	(void)state;
	got = dump_with("\xff\xfe" "a\0,\0b\0\n\0", 10, NULL);
	assert_non_null(strstr(got, "encoded as UTF-16LE"));
	assert_non_null(strstr(got, "iconv"));
	free(got);
}

static void test_csv_reader_refuses_utf16be_without_bom(void **state)
{
	char *got;

	(void)state;
	got = dump_with("\0a\0,\0b\0\n\0" "1\0,\0" "2\0\n", 16, NULL);
	assert_non_null(strstr(got, "encoded as UTF-16BE"));
	free(got);
}

static void test_csv_reader_refuses_utf32(void **state)
{
	char *got;

	(void)state;
	got = dump_with("\xff\xfe\0\0" "a\0\0\0", 8, NULL);
	assert_non_null(strstr(got, "UTF-32LE"));
	free(got);
}

static void test_csv_reader_transcodes_latin1(void **state)
{
	struct csv_reader_options o;
	char *got;

	(void)state;
	csv_reader_options_init(&o);
	o.latin1 = true;
	got = dump_with("name\nM\xfcller\n", 12, &o);
	assert_string_equal(got, "1:name;2:M\xc3\xbcller;");
	free(got);
}

static void test_csv_reader_leaves_latin1_bytes_alone_by_default(void **state)
{
	char *got;

	(void)state;
	got = dump_with("name\nM\xfcller\n", 12, NULL);
	assert_string_equal(got, "1:name;2:M\xfcller;");
	free(got);
}

/* A quote that is never closed must stop at the field cap, naming where it opened. */
static void test_csv_reader_runaway_quote_names_opening_line(void **state)
{
	struct csv_reader_options o;
	struct strbuf sb = STRBUF_INIT;
	char *got;

	(void)state;
	strbuf_addstr(&sb, "a,b\n1,2\n3,\"oops\n");
	for (int i = 0; i < 2000; i++)
		strbuf_addf(&sb, "%d,filler line\n", i);
	csv_reader_options_init(&o);
	o.max_field = 4096;
	got = dump_with(sb.buf, sb.len, &o);
	assert_non_null(strstr(got, "ERROR: t.csv:"));
	assert_non_null(strstr(got, "starts on line 3"));
	assert_non_null(strstr(got, "never closed"));
	free(got);
	strbuf_release(&sb);
}

static void test_csv_reader_unterminated_quote_at_end(void **state)
{
	(void)state;
	assert_dump("a,b\n1,\"open\n2,3\n",
	            "ERROR: t.csv:2: unterminated quoted field: the quote opened on line 2 is "
	            "never closed");
}

static void test_csv_reader_caps_fields_per_record(void **state)
{
	struct csv_reader_options o;
	char *got;

	(void)state;
	csv_reader_options_init(&o);
	o.max_fields = 3;
	got = dump_with("a,b,c,d\n", 8, &o);
	assert_non_null(strstr(got, "t.csv:1: more than 3 fields"));
	free(got);
}

static void test_csv_reader_keeps_raw_record_text(void **state)
{
	const char *data = "a,b\r\n\"x\ny\",  2 \r\n";
	struct csv_reader *r;
	struct pm_error err;
	const struct csv_record *rec;

	(void)state;
	assert_int_equal(open_bytes(data, strlen(data), NULL, &r, &err), 0);
	assert_int_equal(csv_reader_next(r, &rec, &err), 1);
	assert_int_equal(csv_reader_next(r, &rec, &err), 1);
	assert_int_equal(rec->raw_len, strlen("\"x\ny\",  2 "));
	assert_memory_equal(rec->raw, "\"x\ny\",  2 ", rec->raw_len);
	assert_int_equal(csv_reader_next(r, &rec, &err), 0);
	csv_reader_free(r);
}

static void test_csv_reader_hashes_every_byte(void **state)
{
	const char *data = "\xef\xbb\xbf" "a,b\r\n1,2\r\n";
	struct csv_reader *r;
	struct pm_error err;
	const struct csv_record *rec;
	uint8_t digest[SHA256_DIGEST_LEN];
	char want[65], got[65];

	(void)state;
	sha256_buf(data, strlen(data), digest);
	sha256_hex(digest, want);
	assert_int_equal(open_bytes(data, strlen(data), NULL, &r, &err), 0);
	while (csv_reader_next(r, &rec, &err) == 1)
		;
	csv_reader_sha256(r, got);
	assert_string_equal(got, want);
	assert_int_equal(csv_reader_bytes(r), (int64_t)strlen(data));
	csv_reader_free(r);
}

/* A CRLF split across two read buffers still counts as one line end. */
static void test_csv_reader_crlf_across_read_buffers(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct csv_reader *r;
	struct pm_error err;
	const struct csv_record *rec;
	long last = 0;
	int n = 0;

	(void)state;
	strbuf_addstr(&sb, "a,b\r\n");
	/* Lines of 16 bytes put a '\r' at offset 262143, the last byte of the first buffer. */
	while (sb.len < 262144 - 15)
		strbuf_addstr(&sb, "1234567890,123\r\n");
	while (sb.len < 262143)
		strbuf_addch(&sb, 'x');
	strbuf_addstr(&sb, "\r\n9,9\r\n");
	assert_int_equal(open_bytes(sb.buf, sb.len, NULL, &r, &err), 0);
	while (csv_reader_next(r, &rec, &err) == 1) {
		last = rec->line;
		n++;
	}
	assert_int_equal(err.code, 0);
	assert_int_equal(last, n);   /* no line counted twice, none skipped */
	csv_reader_free(r);
	strbuf_release(&sb);
}

static void test_csv_reader_empty_file_has_no_records(void **state)
{
	char *got;

	(void)state;
	got = dump_with("", 0, NULL);
	assert_string_equal(got, "");
	free(got);
}

static void test_csv_reader_missing_file_is_no_input(void **state)
{
	struct csv_reader_options o;
	struct csv_reader *r;
	struct pm_error err;

	(void)state;
	csv_reader_options_init(&o);
	assert_int_equal(csv_reader_open("/nonexistent/x.csv", &o, &r, &err), PM_ENOINPUT);
	assert_non_null(strstr(err.msg, "no such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_reader_reads_simple_lf_file),
		cmocka_unit_test(test_csv_reader_strips_utf8_bom),
		cmocka_unit_test(test_csv_reader_counts_crlf_lines),
		cmocka_unit_test(test_csv_reader_counts_cr_only_lines),
		cmocka_unit_test(test_csv_reader_keeps_quoted_comma),
		cmocka_unit_test(test_csv_reader_quoted_newline_keeps_start_line),
		cmocka_unit_test(test_csv_reader_quoted_crlf_newline),
		cmocka_unit_test(test_csv_reader_unescapes_doubled_quotes),
		cmocka_unit_test(test_csv_reader_skips_blank_lines_keeping_numbers),
		cmocka_unit_test(test_csv_reader_skips_rows_of_empty_fields),
		cmocka_unit_test(test_csv_reader_reads_last_line_without_newline),
		cmocka_unit_test(test_csv_reader_detects_semicolon),
		cmocka_unit_test(test_csv_reader_detects_tab),
		cmocka_unit_test(test_csv_reader_detects_pipe),
		cmocka_unit_test(test_csv_reader_detection_ignores_quoted_delimiters),
		cmocka_unit_test(test_csv_reader_profile_delimiter_wins),
		cmocka_unit_test(test_csv_reader_trims_unquoted_spaces_by_default),
		cmocka_unit_test(test_csv_reader_keeps_spaces_when_asked),
		cmocka_unit_test(test_csv_reader_skips_preamble_lines),
		cmocka_unit_test(test_csv_reader_passes_nul_bytes_through),
		cmocka_unit_test(test_csv_reader_refuses_mostly_nul_file_as_binary),
		cmocka_unit_test(test_csv_reader_refuses_zip_spreadsheet),
		cmocka_unit_test(test_csv_reader_refuses_utf16le_with_bom),
		cmocka_unit_test(test_csv_reader_refuses_utf16be_without_bom),
		cmocka_unit_test(test_csv_reader_refuses_utf32),
		cmocka_unit_test(test_csv_reader_transcodes_latin1),
		cmocka_unit_test(test_csv_reader_leaves_latin1_bytes_alone_by_default),
		cmocka_unit_test(test_csv_reader_runaway_quote_names_opening_line),
		cmocka_unit_test(test_csv_reader_unterminated_quote_at_end),
		cmocka_unit_test(test_csv_reader_caps_fields_per_record),
		cmocka_unit_test(test_csv_reader_keeps_raw_record_text),
		cmocka_unit_test(test_csv_reader_hashes_every_byte),
		cmocka_unit_test(test_csv_reader_crlf_across_read_buffers),
		cmocka_unit_test(test_csv_reader_empty_file_has_no_records),
		cmocka_unit_test(test_csv_reader_missing_file_is_no_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
