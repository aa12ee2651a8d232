/* Unit tests for importing files into a working set: values, bad rows, profiles,
 * strictness, re-imports, conflicts, cancellation and kind detection. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "paymatch/config.h"
#include "paymatch/csv_import.h"

#define INV_HEADER "invoice_id,customer_id,customer_name,invoice_date,due_date,amount," \
	"currency,reference_number\n"
#define PAY_HEADER "payment_id,payment_date,amount,currency,payer_name,customer_id," \
	"reference_number,memo\n"

static const char PROFILES[] =
	"import:\n"
	"  profiles:\n"
	"    de:\n"
	"      kind: payments\n"
	"      delimiter: semicolon\n"
	"      decimal: \",\"\n"
	"      thousands: \".\"\n"
	"      date_format: dd.mm.yyyy\n"
	"      currency: EUR\n"
	"      skip_lines: 2\n"
	"      debit_column: Soll\n"
	"      columns:\n"
	"        payment_id: Referenz\n"
	"        amount: Haben\n"
	"        payment_date: Valuta\n"
	"    latin:\n"
	"      encoding: latin-1\n"
	"    us:\n"
	"      date_format: mm/dd/yyyy\n"
	"    uk:\n"
	"      date_format: dd/mm/yyyy\n";

struct fixture {
	char dir[64];
	char db[128];
	char path[160];
	struct store *st;
	struct pm_config *cfg;
	struct import_result res;
	struct pm_error err;
	struct pm_progress prog;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct pm_error err;

	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/pm-import-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof f->db, "%s/ws.db", f->dir);
	if (store_open(f->db, STORE_READWRITE, 1000, &f->st, &err))
		return -1;
	f->cfg = config_new();
	if (!f->cfg || config_load_string(f->cfg, PROFILES, strlen(PROFILES), "test.yaml", &err)) {
		fprintf(stderr, "config: %s\n", err.msg);
		return -1;
	}
	import_result_init(&f->res);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	import_result_release(&f->res);
	store_close(f->st);
	config_free(f->cfg);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static const char *write_file(struct fixture *f, const char *name, const char *data, size_t len)
{
	FILE *fp;

	snprintf(f->path, sizeof f->path, "%s/%s", f->dir, name);
	fp = fopen(f->path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
	return f->path;
}

static int import_opts(struct fixture *f, int kind, const char *name, const char *data,
                       const char *profile, bool strict, bool dry_run)
{
	struct import_options o = { .kind = kind, .profile = profile, .strict = strict,
	                            .dry_run = dry_run, .progress = &f->prog };

	o.path = write_file(f, name, data, strlen(data));
	progress_init(&f->prog);
	return csv_import_file(f->st, f->cfg, &o, &f->res, &f->err);
}

static int import(struct fixture *f, int kind, const char *name, const char *data)
{
	return import_opts(f, kind, name, data, NULL, false, false);
}

static int64_t q(struct fixture *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

/* Returns the first column of the first row as text (static buffer), "" when none. */
static const char *qs(struct fixture *f, const char *sql)
{
	static char out[1024];
	sqlite3 *db;
	sqlite3_stmt *stmt;

	out[0] = '\0';
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return out;
}

/* The first reported problem, for asserting on its text. */
static const char *first_problem(struct fixture *f)
{
	return f->res.nmessages ? f->res.messages[0] : "(none)";
}

#define assert_contains(hay, needle) do { \
		if (!strstr((hay), (needle))) \
			fail_msg("\"%s\" not in \"%s\"", (needle), (hay)); \
	} while (0)

static void test_import_native_invoices(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_INVOICES, "inv.csv", INV_HEADER
	                        "INV-1,C1,Acme Ltd,2026-01-05,2026-02-04,100.00,EUR,RF1\n"
	                        "INV-2,C2,\"Beta, Inc\",2026-01-06,,\"1,234.50\",usd,\n"), 0);
	assert_int_equal(f->res.rows_read, 2);
	assert_int_equal(f->res.inserted, 2);
	assert_int_equal(f->res.rejected, 0);
	assert_int_equal(q(f, "SELECT amount FROM invoices WHERE invoice_id = 'INV-2'"), 123450);
	assert_string_equal(qs(f, "SELECT currency FROM invoices WHERE invoice_id = 'INV-2'"),
	                    "USD");
	assert_string_equal(qs(f, "SELECT due_date FROM invoices WHERE invoice_id = 'INV-2'"),
	                    "2026-01-06");
	assert_string_equal(qs(f, "SELECT customer_name FROM invoices WHERE invoice_id = 'INV-2'"),
	                    "Beta, Inc");
	assert_int_equal(q(f, "SELECT line FROM invoices WHERE invoice_id = 'INV-2'"), 3);
	assert_string_equal(qs(f, "SELECT name FROM customers WHERE customer_id = 'C2'"),
	                    "Beta, Inc");
	assert_int_equal(q(f, "SELECT rows_inserted FROM imported_files"), 2);
	assert_int_equal(q(f, "SELECT length(sha256) FROM imported_files"), 64);
	/* the indexes dropped for the bulk load are back */
	assert_int_equal(q(f, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
	                   "name = 'invoices_customer_amount'"), 1);
}

static void test_import_native_payments(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_PAYMENTS, "pay.csv", PAY_HEADER
	                        "P1,2026-02-01,100.00,EUR,ACME LTD,,RF1 RF2,paid INV-1\n"), 0);
	assert_int_equal(f->res.inserted, 1);
	assert_string_equal(qs(f, "SELECT reference_number || '/' || memo FROM payments"),
	                    "RF1 RF2/paid INV-1");
}

static void test_import_semicolon_decimal_comma_profile(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import_opts(f, IMPORT_PAYMENTS, "de.csv",
	                             "Kontoauszug\nKonto 123;EUR\n"
	                             "Referenz;Valuta;Name;Soll;Haben\n"
	                             "R1;31.03.2026;ACME;;1.234,56\n"
	                             "R2;01.04.2026;Miete;500,00;\n"
	                             "R3;02.04.2026;Beta;0,00;12,00\n", "de", false, false), 0);
	assert_int_equal(f->res.rows_read, 3);
	assert_int_equal(f->res.inserted, 2);
	assert_int_equal(f->res.skipped_rows, 1);
	assert_int_equal(f->res.rejected, 0);
	assert_int_equal(q(f, "SELECT amount FROM payments WHERE payment_id = 'R1'"), 123456);
	assert_string_equal(qs(f, "SELECT payment_date || currency || payer_name FROM payments "
	                       "WHERE payment_id = 'R1'"), "2026-03-31EURACME");
	assert_int_equal(q(f, "SELECT line FROM payments WHERE payment_id = 'R3'"), 6);
}

static void test_import_currency_symbols_and_parentheses(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_INVOICES, "sym.csv", INV_HEADER
	                        "I1,C1,A,2026-01-05,,\"\xe2\x82\xac" "1,234.50\",EUR,\n"
	                        "I2,C1,A,2026-01-05,,(12.50),EUR,\n"
	                        "I3,C1,A,2026-01-05,,$5.00,EUR,\n"), 0);
	assert_int_equal(f->res.inserted, 2);
	assert_int_equal(q(f, "SELECT amount FROM invoices WHERE invoice_id = 'I1'"), 123450);
	assert_int_equal(q(f, "SELECT amount FROM invoices WHERE invoice_id = 'I2'"), -1250);
	assert_int_equal(f->res.rejected, 1);
	assert_contains(first_problem(f), "sym.csv:4: column amount: the amount is written in USD "
	                "but the row's currency is EUR");
}

static void test_import_rejects_negative_payment(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_PAYMENTS, "neg.csv", PAY_HEADER
	                        "P1,2026-02-01,-12.00,EUR,X,,,\n"), 0);
	assert_int_equal(f->res.rejected, 1);
	assert_contains(first_problem(f), "neg.csv:2: column amount: a payment must be positive "
	                "(got -12.00)");
}

static void test_import_date_formats(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_INVOICES, "d.csv", INV_HEADER
	                        "I1,C,N,2026-03-31,,1,EUR,\n"
	                        "I2,C,N,31.03.2026,,1,EUR,\n"
	                        "I3,C,N,20260331,,1,EUR,\n"
	                        "I4,C,N,2026-03-31T10:00:00Z,,1,EUR,\n"), 0);
	assert_int_equal(f->res.inserted, 4);
	assert_int_equal(q(f, "SELECT count(*) FROM invoices WHERE invoice_date = '2026-03-31'"), 4);
}

static void test_import_profile_month_first(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import_opts(f, IMPORT_INVOICES, "us.csv", INV_HEADER
	                             "I1,C,N,03/04/2026,04/05/2026,1,EUR,\n", "us", false, false), 0);
	assert_string_equal(qs(f, "SELECT invoice_date || ' ' || due_date FROM invoices"),
	                    "2026-03-04 2026-04-05");
}

static void test_import_profile_day_first(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import_opts(f, IMPORT_INVOICES, "uk.csv", INV_HEADER
	                             "I1,C,N,03/04/2026,,1,EUR,\n", "uk", false, false), 0);
	assert_string_equal(qs(f, "SELECT invoice_date FROM invoices"), "2026-04-03");
}

/* auto: the first unambiguous slash date (a day above 12) decides the order for the file,
 * even for the rows before it. */
static void test_import_auto_learns_day_month_order(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_INVOICES, "auto.csv", INV_HEADER
	                        "I1,C,N,03/04/2026,,1,EUR,\n"
	                        "I2,C,N,25/04/2026,,1,EUR,\n"
	                        "I3,C,N,04/25/2026,,1,EUR,\n"), 0);
	assert_int_equal(f->res.inserted, 2);
	assert_string_equal(qs(f, "SELECT invoice_date FROM invoices WHERE invoice_id = 'I1'"),
	                    "2026-04-03");
	assert_int_equal(f->res.rejected, 1);
	assert_contains(first_problem(f), "auto.csv:4: column invoice_date: \"04/25/2026\" does "
	                "not fit this file's dd/mm/yyyy dates (seen on line 3)");
}

static void test_import_auto_reports_ambiguous_dates(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_INVOICES, "amb.csv", INV_HEADER
	                        "I1,C,N,03/04/2026,,1,EUR,\n"), 0);
	assert_int_equal(f->res.rejected, 1);
	assert_contains(first_problem(f), "column invoice_date: ambiguous date \"03/04/2026\"");
	assert_contains(first_problem(f), "date_format: dd/mm/yyyy or mm/dd/yyyy");
}

static void test_import_bad_rows_are_reported_and_stored(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_INVOICES, "bad.csv", INV_HEADER
	                        "I1,C,N,2026-01-01,,abc,EUR,\n"
	                        "I2,,N,2026-01-01,,1,EUR,\n"
	                        "I3,C,N,2026-02-30,,1,EUR,\n"
	                        "I4,C,N,2026-01-01,,1,XXX,\n"
	                        "I5,C,N,2026-01-01,,1,EUR\n"
	                        "I6,C,N,2026-01-01,,1.234,EUR,\n"
	                        "I7,C,N,2026-01-01,,1,EUR,\n"), 0);
	assert_int_equal(f->res.rows_read, 7);
	assert_int_equal(f->res.inserted, 1);
	assert_int_equal(f->res.rejected, 6);
	assert_int_equal(f->res.nmessages, 6);
	assert_contains(f->res.messages[0], "/bad.csv:2: column amount: not a number: \"abc\"");
	assert_contains(f->res.messages[1], "bad.csv:3: column customer_id: required value is empty");
	assert_contains(f->res.messages[2], "bad.csv:4: column invoice_date: 2026-02-30 does not "
	                "exist");
	assert_contains(f->res.messages[3], "bad.csv:5: column currency: unknown currency \"XXX\"");
	assert_contains(f->res.messages[4], "bad.csv:6: ragged row: 7 fields, the header has 8");
	assert_contains(f->res.messages[5], "bad.csv:7: column amount: too many decimals");
	assert_int_equal(q(f, "SELECT count(*) FROM rejected_rows"), 6);
	assert_string_equal(qs(f, "SELECT line || '|' || column_name || '|' || raw FROM "
	                       "rejected_rows ORDER BY line LIMIT 1"),
	                    "2|amount|I1,C,N,2026-01-01,,abc,EUR,");
	assert_int_equal(q(f, "SELECT rows_rejected FROM imported_files"), 6);
}

static void test_import_prints_at_most_twenty_messages(void **state)
{
	struct fixture *f = *state;
	char data[4096] = INV_HEADER;

	for (int i = 0; i < 25; i++)
		snprintf(data + strlen(data), sizeof data - strlen(data), "I%d,C,N,x,,1,EUR,\n", i);
	assert_int_equal(import(f, IMPORT_INVOICES, "many.csv", data), 0);
	assert_int_equal(f->res.rejected, 25);
	assert_int_equal(f->res.nmessages, IMPORT_MAX_MESSAGES);
	assert_int_equal(f->res.nproblems, 25);
}

static void test_import_duplicate_id_in_file_is_rejected(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_INVOICES, "dup.csv", INV_HEADER
	                        "I1,C,N,2026-01-01,,1,EUR,\n"
	                        "I2,C,N,2026-01-01,,1,EUR,\n"
	                        "I1,C,N,2026-01-01,,2,EUR,\n"), 0);
	assert_int_equal(f->res.inserted, 2);
	assert_int_equal(f->res.rejected, 1);
	assert_contains(first_problem(f), "dup.csv:4: column invoice_id: duplicate invoice_id in "
	                "this file (first on line 2)");
	assert_int_equal(q(f, "SELECT amount FROM invoices WHERE invoice_id = 'I1'"), 100);
}

static void test_import_customer_first_seen_on_a_duplicate_row_is_kept(void **state)
{
	struct fixture *f = *state;

	/* (C2, Beta) first appears on a rejected row: its next stored row records it. */
	assert_int_equal(import(f, IMPORT_INVOICES, "cust.csv", INV_HEADER
	                        "I1,C1,Alpha,2026-01-01,,1,EUR,\n"
	                        "I1,C2,Beta,2026-01-01,,1,EUR,\n"
	                        "I2,C2,Beta,2026-01-01,,1,EUR,\n"
	                        "I3,C1,Alpha Two,2026-01-01,,1,EUR,\n"
	                        "I4,C3,Gamma,2026-01-01,,1,EUR,\n"
	                        "I4,C3,Gamma,2026-01-01,,1,EUR,\n"), 0);
	assert_int_equal(f->res.inserted, 4);
	assert_int_equal(f->res.rejected, 2);
	assert_int_equal(q(f, "SELECT count(*) FROM customers"), 3);
	assert_string_equal(qs(f, "SELECT name FROM customers WHERE customer_id = 'C2'"), "Beta");
	assert_string_equal(qs(f, "SELECT name FROM customers WHERE customer_id = 'C1'"),
	                    "Alpha Two");
	assert_string_equal(qs(f, "SELECT name FROM customers WHERE customer_id = 'C3'"), "Gamma");
}

static void test_import_invalid_utf8_suggests_latin1(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_INVOICES, "l1.csv", INV_HEADER
	                        "I1,C,M\xfcller GmbH,2026-01-01,,1,EUR,\n"), 0);
	assert_int_equal(f->res.rejected, 1);
	assert_contains(first_problem(f), "column customer_name: invalid UTF-8 (byte 0xFC");
	assert_contains(first_problem(f), "looks like Latin-1; set encoding: latin-1");
}

static void test_import_latin1_profile_transcodes(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import_opts(f, IMPORT_INVOICES, "l1.csv", INV_HEADER
	                             "I1,C,M\xfcller GmbH,2026-01-01,,1,EUR,\n", "latin", false,
	                             false), 0);
	assert_int_equal(f->res.inserted, 1);
	assert_string_equal(qs(f, "SELECT customer_name FROM invoices"), "M\xc3\xbcller GmbH");
}

static void test_import_nul_byte_rejects_the_row(void **state)
{
	struct fixture *f = *state;
	static const char data[] = INV_HEADER "I1,C,N\0x,2026-01-01,,1,EUR,\nI2,C,N,2026-01-01,,1,EUR,\n";
	struct import_options o = { .kind = IMPORT_INVOICES };

	o.path = write_file(f, "nul.csv", data, sizeof data - 1);
	assert_int_equal(csv_import_file(f->st, f->cfg, &o, &f->res, &f->err), 0);
	assert_int_equal(f->res.inserted, 1);
	assert_int_equal(f->res.rejected, 1);
	assert_contains(first_problem(f), "nul.csv:2: NUL byte in field 3 (\"customer_name\")");
	assert_string_equal(qs(f, "SELECT raw FROM rejected_rows"),
	                    "I1,C,N\\0x,2026-01-01,,1,EUR,");
}

static void test_import_missing_column_refuses_file(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_INVOICES, "cols.csv",
	                        "Invoice No,Date,Amount\nI1,2026-01-01,1\n"), PM_EDATA);
	assert_contains(f->err.msg, "missing required columns customer_id, customer_name, currency");
	assert_contains(f->err.msg, "found columns: \"Invoice No\", \"Date\", \"Amount\"");
	assert_int_equal(q(f, "SELECT count(*) FROM imported_files"), 0);
}

static void test_import_utf16_refused_with_encoding_name(void **state)
{
	struct fixture *f = *state;
	static const char data[] = "\xff\xfei\0d\0\n\0";
	struct import_options o = { .kind = IMPORT_INVOICES };

	o.path = write_file(f, "u16.csv", data, sizeof data - 1);
	assert_int_equal(csv_import_file(f->st, f->cfg, &o, &f->res, &f->err), PM_EDATA);
	assert_contains(f->err.msg, "UTF-16LE");
}

static void test_import_strict_refuses_whole_file(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import_opts(f, IMPORT_INVOICES, "s.csv", INV_HEADER
	                             "I1,C,N,2026-01-01,,1,EUR,\n"
	                             "I2,C,N,2026-01-01,,zz,EUR,\n", NULL, true, false), PM_EDATA);
	assert_contains(f->err.msg, "s.csv:3: column amount: not a number");
	assert_contains(f->err.msg, "--strict");
	assert_int_equal(q(f, "SELECT count(*) FROM invoices"), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM rejected_rows"), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM imported_files"), 0);
}

static void test_import_dry_run_keeps_nothing(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import_opts(f, IMPORT_INVOICES, "dry.csv", INV_HEADER
	                             "I1,C,N,2026-01-01,,1,EUR,\n", NULL, false, true), 0);
	assert_int_equal(f->res.inserted, 1);
	assert_int_equal(q(f, "SELECT count(*) FROM invoices"), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM imported_files"), 0);
}

static void test_import_same_content_again_is_skipped(void **state)
{
	struct fixture *f = *state;
	const char *data = INV_HEADER "I1,C,N,2026-01-01,,1,EUR,\n";

	assert_int_equal(import(f, IMPORT_INVOICES, "a.csv", data), 0);
	assert_false(f->res.skipped_unchanged_file);
	/* rewritten (new mtime) and under another name: the content decides */
	assert_int_equal(import(f, IMPORT_INVOICES, "copy.csv", data), 0);
	assert_true(f->res.skipped_unchanged_file);
	assert_int_equal(q(f, "SELECT count(*) FROM imported_files"), 1);
	/* the same content as payments is another matter */
	assert_int_equal(q(f, "SELECT count(*) FROM invoices"), 1);
}

static void test_import_changed_file_updates_by_id(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_INVOICES, "v.csv", INV_HEADER
	                        "I1,C,N,2026-01-01,,1,EUR,\nI2,C,N,2026-01-01,,2,EUR,\n"), 0);
	assert_int_equal(import(f, IMPORT_INVOICES, "v.csv", INV_HEADER
	                        "I1,C,N,2026-01-01,,1.00,EUR,\nI2,C,N,2026-01-01,,3,EUR,\n"
	                        "I3,C,N,2026-01-01,,4,EUR,\n"), 0);
	assert_int_equal(f->res.unchanged, 1);
	assert_int_equal(f->res.updated, 1);
	assert_int_equal(f->res.inserted, 1);
	assert_int_equal(q(f, "SELECT amount FROM invoices WHERE invoice_id = 'I2'"), 300);
	assert_int_equal(q(f, "SELECT count(*) FROM invoices"), 3);
}

/* Rows an import leaves as they were still point at the file that gave them their values,
 * and an id repeated in the new file is still a duplicate. */
static void test_import_reimport_keeps_origin_and_finds_duplicates(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_INVOICES, "o1.csv", INV_HEADER
	                        "I1,C,N,2026-01-01,,1,EUR,\n"), 0);
	assert_int_equal(import(f, IMPORT_INVOICES, "o2.csv", INV_HEADER
	                        "I2,C,N,2026-01-01,,2,EUR,\nI1,C,N,2026-01-01,,1,EUR,\n"
	                        "I1,C,N,2026-01-01,,9,EUR,\n"), 0);
	assert_int_equal(f->res.inserted, 1);
	assert_int_equal(f->res.unchanged, 1);
	assert_int_equal(f->res.rejected, 1);
	assert_contains(first_problem(f), "o2.csv:4: column invoice_id: duplicate invoice_id in "
	                "this file (first on line 3)");
	assert_int_equal(q(f, "SELECT file_id FROM invoices WHERE invoice_id = 'I1'"), 1);
	assert_int_equal(q(f, "SELECT amount FROM invoices WHERE invoice_id = 'I1'"), 100);
}

static void test_import_decided_row_is_a_conflict(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db;

	assert_int_equal(import(f, IMPORT_INVOICES, "c.csv", INV_HEADER
	                        "INV-1,C,N,2026-01-01,,100.00,EUR,\n"), 0);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO allocations(invoice_row, amount_applied, "
	                              "currency, confidence, rule, explanation, status, created_at)"
	                              " VALUES(1, 10000, 'EUR', 1, 'manual', 'x', 'confirmed', 'now')",
	                              NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(import(f, IMPORT_INVOICES, "c.csv", INV_HEADER
	                        "INV-1,C,N,2026-01-01,,120.00,EUR,\n"), 0);
	assert_int_equal(f->res.conflicted, 1);
	assert_int_equal(f->res.updated, 0);
	assert_contains(first_problem(f), "c.csv:2: invoice INV-1 changed (amount 100.00 -> 120.00) "
	                "but a reviewer decided on it; not updated");
	assert_int_equal(q(f, "SELECT amount FROM invoices"), 10000);
	assert_int_equal(q(f, "SELECT count(*) FROM exceptions WHERE kind = 'import_conflict' AND "
	                   "status = 'open' AND invoice_row = 1 AND detail LIKE '%INV-1 changed%'"), 1);
}

static void test_import_cancel_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct import_options o = { .kind = IMPORT_INVOICES, .progress = &f->prog };

	o.path = write_file(f, "x.csv", INV_HEADER "I1,C,N,2026-01-01,,1,EUR,\n",
	                    strlen(INV_HEADER "I1,C,N,2026-01-01,,1,EUR,\n"));
	progress_init(&f->prog);
	progress_request_cancel(&f->prog);
	assert_int_equal(csv_import_file(f->st, f->cfg, &o, &f->res, &f->err), PM_EINTR);
	assert_contains(f->err.msg, "interrupted: ");
	assert_contains(f->err.msg, "x.csv rolled back, the working set is unchanged");
	assert_int_equal(q(f, "SELECT count(*) FROM imported_files"), 0);
	assert_false(store_in_transaction(f->st));
}

/* A file of n invoice rows, large enough (about 75 bytes a row) for the bulk path from
 * 60,000 rows on. Row 7 repeats row 3's id and row 11 has a bad amount. Free it. */
static char *big_invoices(int n)
{
	size_t cap = strlen(INV_HEADER) + (size_t)n * 96 + 1, len;
	char *buf = malloc(cap);

	assert_non_null(buf);
	len = (size_t)snprintf(buf, cap, "%s", INV_HEADER);
	for (int i = 1; i <= n; i++)
		len += (size_t)snprintf(buf + len, cap - len,
		                        "BULK-%07d,C%05d,Customer %05d Trading Company,2026-%02d-%02d,"
		                        "2026-12-31,%s,EUR,RF%09d\n", i == 7 ? 3 : i, i % 5000,
		                        i % 5000, 1 + i % 12, 1 + i % 28, i == 11 ? "1.2.3" : "12.50",
		                        i);
	return buf;
}

/* Bytes in the working set's WAL (0 when there is none). */
static long long wal_bytes(struct fixture *f)
{
	char path[160];
	struct stat sb;

	snprintf(path, sizeof path, "%s-wal", f->db);
	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

static void test_import_bulk_load_into_empty_table_returns_to_wal(void **state)
{
	struct fixture *f = *state;
	char *data = big_invoices(60000);

	assert_true(strlen(data) > (4u << 20));
	assert_int_equal(import(f, IMPORT_INVOICES, "big.csv", data), 0);
	free(data);
	assert_int_equal(f->res.inserted, 59998);
	assert_int_equal(f->res.rejected, 2);
	assert_int_equal(q(f, "SELECT count(*) FROM invoices"), 59998);
	assert_int_equal(q(f, "SELECT count(*) FROM rejected_rows"), 2);
	assert_int_equal(q(f, "SELECT count(*) FROM customers"), 5000);
	assert_int_equal(q(f, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
	                   " AND name LIKE 'invoices_%'"), 6);
	assert_string_equal(qs(f, "PRAGMA journal_mode"), "wal");
	assert_string_equal(qs(f, "PRAGMA integrity_check"), "ok");
	assert_false(store_in_transaction(f->st));
	/* The pages went to the database with a rollback journal, not through the WAL. */
	assert_true(wal_bytes(f) < (1 << 20));
}

static void test_import_bulk_load_with_a_reader_open_stays_in_wal(void **state)
{
	struct fixture *f = *state;
	char *data = big_invoices(60000);
	sqlite3 *reader;
	sqlite3_stmt *stmt;

	/* An open connection that has read: the load must not wait for it nor block it. */
	assert_int_equal(sqlite3_open(f->db, &reader), SQLITE_OK);
	assert_int_equal(sqlite3_exec(reader, "SELECT count(*) FROM invoices", NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(import(f, IMPORT_INVOICES, "big.csv", data), 0);
	free(data);
	assert_int_equal(f->res.inserted, 59998);
	assert_true(wal_bytes(f) > (1 << 20));   /* it went through the WAL */
	assert_int_equal(sqlite3_prepare_v2(reader, "SELECT count(*) FROM invoices", -1, &stmt,
	                                    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(stmt, 0), 59998);
	sqlite3_finalize(stmt);
	sqlite3_close(reader);
	assert_string_equal(qs(f, "PRAGMA journal_mode"), "wal");
}

static void test_import_bulk_load_cancelled_rolls_back_to_wal(void **state)
{
	struct fixture *f = *state;
	char *data = big_invoices(60000);
	struct import_options o = { .kind = IMPORT_INVOICES, .progress = &f->prog };

	o.path = write_file(f, "big.csv", data, strlen(data));
	free(data);
	progress_init(&f->prog);
	progress_request_cancel(&f->prog);
	assert_int_equal(csv_import_file(f->st, f->cfg, &o, &f->res, &f->err), PM_EINTR);
	assert_contains(f->err.msg, "big.csv rolled back, the working set is unchanged");
	assert_int_equal(q(f, "SELECT count(*) FROM invoices"), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM imported_files"), 0);
	assert_string_equal(qs(f, "PRAGMA journal_mode"), "wal");
	assert_false(store_in_transaction(f->st));
	/* The connection is usable again, foreign keys and all. */
	assert_int_equal(import(f, IMPORT_INVOICES, "small.csv",
	                        INV_HEADER "I1,C,N,2026-01-01,,1,EUR,\n"), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM invoices"), 1);
}

static void test_import_unknown_profile_is_config_error(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import_opts(f, IMPORT_INVOICES, "p.csv", INV_HEADER, "nope", false, false),
	                 PM_ECONFIG);
	assert_contains(f->err.msg, "no import profile named 'nope'");
	assert_int_equal(import_opts(f, IMPORT_INVOICES, "p.csv", INV_HEADER, "de", false, false),
	                 PM_ECONFIG);
	assert_contains(f->err.msg, "is for payments, not invoices");
}

static void test_import_empty_file_is_refused(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_INVOICES, "empty.csv", ""), PM_EDATA);
	assert_contains(f->err.msg, "empty.csv: empty file: no header line");
}

static void test_import_header_only_file_imports_nothing(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(import(f, IMPORT_INVOICES, "h.csv", INV_HEADER), 0);
	assert_int_equal(f->res.rows_read, 0);
	assert_int_equal(q(f, "SELECT count(*) FROM imported_files"), 1);
}

static void test_import_missing_file(void **state)
{
	struct fixture *f = *state;
	struct import_options o = { .kind = IMPORT_INVOICES, .path = "/nonexistent/inv.csv" };

	assert_int_equal(csv_import_file(f->st, f->cfg, &o, &f->res, &f->err), PM_ENOINPUT);
}

static void test_import_detect_kind(void **state)
{
	struct fixture *f = *state;
	int kind = -1;

	write_file(f, "k1.csv", INV_HEADER, strlen(INV_HEADER));
	assert_int_equal(csv_import_detect_kind(f->path, f->cfg, &kind, &f->err), 0);
	assert_int_equal(kind, IMPORT_INVOICES);
	write_file(f, "k2.csv", "Transaction ID;Value Date;Credit Amount;CCY\n", 44);
	assert_int_equal(csv_import_detect_kind(f->path, f->cfg, &kind, &f->err), 0);
	assert_int_equal(kind, IMPORT_PAYMENTS);
	write_file(f, "k3.csv", "Kontoauszug\nKonto\nReferenz;Valuta;Soll;Haben\n", 45);
	assert_int_equal(csv_import_detect_kind(f->path, f->cfg, &kind, &f->err), 0);
	assert_int_equal(kind, IMPORT_PAYMENTS);
	write_file(f, "k4.csv", "a,b\n", 4);
	assert_int_equal(csv_import_detect_kind(f->path, f->cfg, &kind, &f->err), PM_EDATA);
	assert_contains(f->err.msg, "cannot tell whether it holds invoices or payments");
	assert_contains(f->err.msg, "found columns: \"a\", \"b\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_import_native_invoices),
		T(test_import_native_payments),
		T(test_import_semicolon_decimal_comma_profile),
		T(test_import_currency_symbols_and_parentheses),
		T(test_import_rejects_negative_payment),
		T(test_import_date_formats),
		T(test_import_profile_month_first),
		T(test_import_profile_day_first),
		T(test_import_auto_learns_day_month_order),
		T(test_import_auto_reports_ambiguous_dates),
		T(test_import_bad_rows_are_reported_and_stored),
		T(test_import_prints_at_most_twenty_messages),
		T(test_import_duplicate_id_in_file_is_rejected),
		T(test_import_customer_first_seen_on_a_duplicate_row_is_kept),
		T(test_import_invalid_utf8_suggests_latin1),
		T(test_import_latin1_profile_transcodes),
		T(test_import_nul_byte_rejects_the_row),
		T(test_import_missing_column_refuses_file),
		T(test_import_utf16_refused_with_encoding_name),
		T(test_import_strict_refuses_whole_file),
		T(test_import_dry_run_keeps_nothing),
		T(test_import_same_content_again_is_skipped),
		T(test_import_changed_file_updates_by_id),
		T(test_import_reimport_keeps_origin_and_finds_duplicates),
		T(test_import_decided_row_is_a_conflict),
		T(test_import_cancel_rolls_back),
		T(test_import_bulk_load_into_empty_table_returns_to_wal),
		T(test_import_bulk_load_with_a_reader_open_stays_in_wal),
		T(test_import_bulk_load_cancelled_rolls_back_to_wal),
		T(test_import_unknown_profile_is_config_error),
		T(test_import_empty_file_is_refused),
		T(test_import_header_only_file_imports_nothing),
		T(test_import_missing_file),
		T(test_import_detect_kind),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
