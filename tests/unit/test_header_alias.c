/* Unit tests for header aliases and mapping a header onto the native columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "paymatch/header_alias.h"
#include "paymatch/strbuf.h"

/* A header record built from a comma-separated list (no quoting needed in these tests). */
struct header {
	char buf[512];
	const char *field[32];
	size_t len[32];
	struct csv_record rec;
};

static void make_header(struct header *h, const char *names)
{
	char *p;
	size_t n = 0;

	snprintf(h->buf, sizeof h->buf, "%s", names);
	for (p = h->buf; p && n < 32; n++) {
		char *comma = strchr(p, ',');

		h->field[n] = p;
		h->len[n] = comma ? (size_t)(comma - p) : strlen(p);
		if (comma)
			*comma = '\0';
		p = comma ? comma + 1 : NULL;
	}
	memset(&h->rec, 0, sizeof h->rec);
	h->rec.nfields = n;
	h->rec.field = h->field;
	h->rec.len = h->len;
	h->rec.line = 1;
}

static int map(struct header_map *m, int kind, const struct import_profile *prof,
               const char *names, struct pm_error *err)
{
	struct header h;

	make_header(&h, names);
	pm_error_clear(err);
	return header_map_build(m, kind, prof, &h.rec, "f.csv", err);
}

static void test_header_key_ignores_case_spaces_and_punctuation(void **state)
{
	char k1[64], k2[64];

	(void)state;
	assert_string_equal(header_key("Invoice No.", 11, k1, sizeof k1), "invoiceno");
	assert_string_equal(header_key("INVOICE_NO", 10, k2, sizeof k2), "invoiceno");
	assert_string_equal(header_key(" Inv. # ", 8, k1, sizeof k1), "invno");
	assert_string_equal(header_key("W\xc3\xa4hrung", 8, k1, sizeof k1), "w\xc3\xa4hrung");
}

static void test_header_alias_every_entry_maps_to_its_column(void **state)
{
	(void)state;
	for (size_t i = 0; i < header_alias_count(); i++) {
		const struct header_alias *a = header_alias_at(i);
		int rank;

		assert_int_equal(header_alias_lookup(a->kind, a->name, strlen(a->name), &rank),
		                 a->column);
	}
}

/* Two entries of one kind with the same key would make the table's order lie. */
static void test_header_alias_no_duplicates_within_a_kind(void **state)
{
	char k1[128], k2[128];

	(void)state;
	for (size_t i = 0; i < header_alias_count(); i++) {
		const struct header_alias *a = header_alias_at(i);

		header_key(a->name, strlen(a->name), k1, sizeof k1);
		for (size_t j = i + 1; j < header_alias_count(); j++) {
			const struct header_alias *b = header_alias_at(j);

			if (a->kind != b->kind)
				continue;
			if (strcmp(k1, header_key(b->name, strlen(b->name), k2, sizeof k2)) == 0)
				fail_msg("alias '%s' and '%s' collide", a->name, b->name);
		}
	}
}

static void test_header_alias_native_names_are_recognised(void **state)
{
	(void)state;
	for (int kind = IMPORT_INVOICES; kind <= IMPORT_PAYMENTS; kind++) {
		for (int c = 0; c < header_ncolumns(kind); c++) {
			const char *name = header_column_name(kind, c);

			assert_int_equal(header_alias_lookup(kind, name, strlen(name), NULL), c);
		}
	}
}

static char *read_formats_doc(void)
{
	const char *root = getenv("ROOT");
	struct strbuf sb = STRBUF_INIT;
	char path[4096], buf[4096];
	size_t n;
	FILE *fp;

	snprintf(path, sizeof path, "%s/docs/FORMATS.md", root && *root ? root : ".");
	fp = fopen(path, "r");
	if (!fp)
		return NULL;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	return strbuf_detach(&sb);
}

/* docs/FORMATS.md lists every alias, written as `Name`, so the two cannot drift apart. */
static void test_header_alias_table_is_documented(void **state)
{
	char *doc = read_formats_doc();
	char want[128];

	(void)state;
	if (!doc)
		fail_msg("docs/FORMATS.md not found (run from the source tree or set ROOT)");
	for (size_t i = 0; i < header_alias_count(); i++) {
		const struct header_alias *a = header_alias_at(i);

		if (strchr(a->name, '_'))
			snprintf(want, sizeof want, "%s", a->name);   /* native names, in tables */
		else
			snprintf(want, sizeof want, "`%s`", a->name);
		if (!strstr(doc, want))
			fail_msg("docs/FORMATS.md does not mention the alias %s", want);
	}
	free(doc);
}

static void test_header_map_native_invoice_header(void **state)
{
	struct header_map m;
	struct pm_error err;

	(void)state;
	assert_int_equal(map(&m, IMPORT_INVOICES, NULL, "invoice_id,customer_id,customer_name,"
	                     "invoice_date,due_date,amount,currency,reference_number", &err), 0);
	for (int c = 0; c < INV_NCOLS; c++)
		assert_int_equal(m.source[c], c);
	assert_int_equal(m.debit, -1);
	header_map_release(&m);
}

static void test_header_map_bank_aliases(void **state)
{
	struct header_map m;
	struct pm_error err;

	(void)state;
	assert_int_equal(map(&m, IMPORT_PAYMENTS, NULL, "Transaction ID,Value Date,Credit Amount,"
	                     "CCY,Remitter,Remittance Info,Ref No", &err), 0);
	assert_int_equal(m.source[PAY_PAYMENT_ID], 0);
	assert_int_equal(m.source[PAY_PAYMENT_DATE], 1);
	assert_int_equal(m.source[PAY_AMOUNT], 2);
	assert_int_equal(m.source[PAY_CURRENCY], 3);
	assert_int_equal(m.source[PAY_PAYER_NAME], 4);
	assert_int_equal(m.source[PAY_MEMO], 5);
	assert_int_equal(m.source[PAY_REFERENCE], 6);
	assert_int_equal(m.source[PAY_CUSTOMER_ID], -1);
	header_map_release(&m);
}

static void test_header_map_erp_aliases_with_odd_spelling(void **state)
{
	struct header_map m;
	struct pm_error err;

	(void)state;
	assert_int_equal(map(&m, IMPORT_INVOICES, NULL, "INV #,Cust. ID,Debtor Name,Doc Date,"
	                     "Net Due Date,Gross Amount,Curr", &err), 0);
	assert_int_equal(m.source[INV_INVOICE_ID], 0);
	assert_int_equal(m.source[INV_CUSTOMER_ID], 1);
	assert_int_equal(m.source[INV_CUSTOMER_NAME], 2);
	assert_int_equal(m.source[INV_INVOICE_DATE], 3);
	assert_int_equal(m.source[INV_DUE_DATE], 4);
	assert_int_equal(m.source[INV_AMOUNT], 5);
	assert_int_equal(m.source[INV_CURRENCY], 6);
	header_map_release(&m);
}

static void test_header_map_prefers_earlier_alias_whatever_the_order(void **state)
{
	struct header_map m;
	struct pm_error err;

	(void)state;
	assert_int_equal(map(&m, IMPORT_PAYMENTS, NULL, "Booking Date,Trans ID,Amount,Currency,"
	                     "Value Date", &err), 0);
	assert_int_equal(m.source[PAY_PAYMENT_DATE], 4);
	header_map_release(&m);
}

static void test_header_map_missing_column_lists_found_columns(void **state)
{
	struct header_map m;
	struct pm_error err;

	(void)state;
	assert_int_equal(map(&m, IMPORT_INVOICES, NULL, "Invoice No,Date,Amount,Currency", &err),
	                 PM_EDATA);
	assert_non_null(strstr(err.msg, "missing required columns customer_id, customer_name"));
	assert_non_null(strstr(err.msg, "found columns: \"Invoice No\", \"Date\", \"Amount\", "
	                        "\"Currency\""));
	header_map_release(&m);
}

static void test_header_map_unrelated_header_is_not_csv_of_kind(void **state)
{
	struct header_map m;
	struct pm_error err;

	(void)state;
	assert_int_equal(map(&m, IMPORT_PAYMENTS, NULL, "Hello world this is a letter", &err),
	                 PM_EDATA);
	assert_non_null(strstr(err.msg, "not a CSV file of payments"));
	assert_non_null(strstr(err.msg, "\"Hello world this is a letter\""));
	header_map_release(&m);
}

static void test_header_map_currency_optional_with_default(void **state)
{
	struct import_profile p;
	struct header_map m;
	struct pm_error err;

	(void)state;
	import_profile_defaults(&p);
	assert_int_equal(map(&m, IMPORT_PAYMENTS, &p, "payment_id,payment_date,amount", &err),
	                 PM_EDATA);
	assert_non_null(strstr(err.msg, "missing required column currency"));
	header_map_release(&m);
	memcpy(p.default_currency, "EUR", 4);
	assert_int_equal(map(&m, IMPORT_PAYMENTS, &p, "payment_id,payment_date,amount", &err), 0);
	header_map_release(&m);
}

static void test_header_map_profile_columns_override_aliases(void **state)
{
	struct import_profile p;
	struct header_map m;
	struct pm_error err;
	char ref[] = "Bank Ref", amount[] = "Betrag";

	(void)state;
	import_profile_defaults(&p);
	p.columns[PAY_PAYMENT_ID] = ref;
	p.columns[PAY_AMOUNT] = amount;
	assert_int_equal(map(&m, IMPORT_PAYMENTS, &p, "Amount,bank ref,Date,Currency,betrag",
	                     &err), 0);
	assert_int_equal(m.source[PAY_PAYMENT_ID], 1);
	assert_int_equal(m.source[PAY_AMOUNT], 4);
	assert_int_equal(m.source[PAY_PAYMENT_DATE], 2);
	header_map_release(&m);
}

static void test_header_map_profile_column_missing_is_named(void **state)
{
	struct import_profile p;
	struct header_map m;
	struct pm_error err;
	char name[] = "bank_de", amount[] = "Betrag";

	(void)state;
	import_profile_defaults(&p);
	p.name = name;
	p.columns[PAY_AMOUNT] = amount;
	assert_int_equal(map(&m, IMPORT_PAYMENTS, &p, "payment_id,payment_date,amount,currency",
	                     &err), PM_EDATA);
	assert_non_null(strstr(err.msg, "import profile 'bank_de' maps amount to the column "
	                        "\"Betrag\", which is not in the header"));
	header_map_release(&m);
}

static void test_header_map_finds_debit_column(void **state)
{
	struct header_map m;
	struct pm_error err;

	(void)state;
	assert_int_equal(map(&m, IMPORT_PAYMENTS, NULL, "Trans ID,Date,Debit,Credit,Currency",
	                     &err), 0);
	assert_int_equal(m.debit, 2);
	assert_int_equal(m.source[PAY_AMOUNT], 3);
	header_map_release(&m);
}

static void test_header_map_account_is_customer_only_for_invoices(void **state)
{
	(void)state;
	assert_int_equal(header_alias_lookup(IMPORT_INVOICES, "Account", 7, NULL),
	                 INV_CUSTOMER_ID);
	assert_int_equal(header_alias_lookup(IMPORT_PAYMENTS, "Account", 7, NULL), -1);
	assert_int_equal(header_alias_lookup(IMPORT_PAYMENTS, "Bank Ref", 8, NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_key_ignores_case_spaces_and_punctuation),
		cmocka_unit_test(test_header_alias_every_entry_maps_to_its_column),
		cmocka_unit_test(test_header_alias_no_duplicates_within_a_kind),
		cmocka_unit_test(test_header_alias_native_names_are_recognised),
		cmocka_unit_test(test_header_alias_table_is_documented),
		cmocka_unit_test(test_header_map_native_invoice_header),
		cmocka_unit_test(test_header_map_bank_aliases),
		cmocka_unit_test(test_header_map_erp_aliases_with_odd_spelling),
		cmocka_unit_test(test_header_map_prefers_earlier_alias_whatever_the_order),
		cmocka_unit_test(test_header_map_missing_column_lists_found_columns),
		cmocka_unit_test(test_header_map_unrelated_header_is_not_csv_of_kind),
		cmocka_unit_test(test_header_map_currency_optional_with_default),
		cmocka_unit_test(test_header_map_profile_columns_override_aliases),
		cmocka_unit_test(test_header_map_profile_column_missing_is_named),
		cmocka_unit_test(test_header_map_finds_debit_column),
		cmocka_unit_test(test_header_map_account_is_customer_only_for_invoices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
