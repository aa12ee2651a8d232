/* Header aliases and mapping a file's header onto the native columns. */
#include <stdlib.h>
#include <string.h>

#include "paymatch/header_alias.h"
#include "paymatch/strbuf.h"
#include "paymatch/utf8.h"

#define HEADER_KEY_MAX 128

static const char *const INVOICE_COLUMNS[INV_NCOLS] = {
	[INV_INVOICE_ID] = "invoice_id", [INV_CUSTOMER_ID] = "customer_id",
	[INV_CUSTOMER_NAME] = "customer_name", [INV_INVOICE_DATE] = "invoice_date",
	[INV_DUE_DATE] = "due_date", [INV_AMOUNT] = "amount", [INV_CURRENCY] = "currency",
	[INV_REFERENCE] = "reference_number",
};

static const char *const PAYMENT_COLUMNS[PAY_NCOLS] = {
	[PAY_PAYMENT_ID] = "payment_id", [PAY_PAYMENT_DATE] = "payment_date",
	[PAY_AMOUNT] = "amount", [PAY_CURRENCY] = "currency", [PAY_PAYER_NAME] = "payer_name",
	[PAY_CUSTOMER_ID] = "customer_id", [PAY_REFERENCE] = "reference_number",
	[PAY_MEMO] = "memo",
};

#define INV(col, name) { IMPORT_INVOICES, INV_##col, name }
#define PAY(col, name) { IMPORT_PAYMENTS, PAY_##col, name }

/* The native names come first: they are aliases of themselves. Within a column, earlier
 * means preferred. "Bank Ref" is left out on purpose: banks use it both for their own
 * transaction id and for the payer's reference, so a profile must say which. */
static const struct header_alias ALIASES[] = {
	INV(INVOICE_ID, "invoice_id"), INV(INVOICE_ID, "Invoice No"),
	INV(INVOICE_ID, "Invoice Number"), INV(INVOICE_ID, "Inv #"), INV(INVOICE_ID, "Invoice"),
	INV(INVOICE_ID, "Document No"), INV(INVOICE_ID, "Document Number"),
	INV(INVOICE_ID, "Doc No"),
	INV(CUSTOMER_ID, "customer_id"), INV(CUSTOMER_ID, "Customer No"),
	INV(CUSTOMER_ID, "Customer Number"), INV(CUSTOMER_ID, "Cust ID"),
	INV(CUSTOMER_ID, "Cust No"), INV(CUSTOMER_ID, "Client ID"), INV(CUSTOMER_ID, "Account"),
	INV(CUSTOMER_ID, "Account No"), INV(CUSTOMER_ID, "Debtor"), INV(CUSTOMER_ID, "Debtor No"),
	INV(CUSTOMER_NAME, "customer_name"), INV(CUSTOMER_NAME, "Customer"),
	INV(CUSTOMER_NAME, "Name"), INV(CUSTOMER_NAME, "Debtor Name"),
	INV(CUSTOMER_NAME, "Client"), INV(CUSTOMER_NAME, "Client Name"),
	INV(CUSTOMER_NAME, "Account Name"),
	INV(INVOICE_DATE, "invoice_date"), INV(INVOICE_DATE, "Date"),
	INV(INVOICE_DATE, "Doc Date"), INV(INVOICE_DATE, "Document Date"),
	INV(INVOICE_DATE, "Posting Date"),
	INV(DUE_DATE, "due_date"), INV(DUE_DATE, "Due"), INV(DUE_DATE, "Net Due Date"),
	INV(DUE_DATE, "Payment Due"),
	INV(AMOUNT, "amount"), INV(AMOUNT, "Invoice Amount"), INV(AMOUNT, "Total"),
	INV(AMOUNT, "Invoice Total"), INV(AMOUNT, "Total Amount"), INV(AMOUNT, "Gross Amount"),
	INV(CURRENCY, "currency"), INV(CURRENCY, "Currency Code"), INV(CURRENCY, "Curr"),
	INV(CURRENCY, "Cur"), INV(CURRENCY, "CCY"),
	INV(REFERENCE, "reference_number"), INV(REFERENCE, "Reference"), INV(REFERENCE, "Ref"),
	INV(REFERENCE, "Ref No"), INV(REFERENCE, "Reference No"),
	INV(REFERENCE, "Payment Reference"), INV(REFERENCE, "Customer Reference"),
	INV(REFERENCE, "Your Reference"),

	PAY(PAYMENT_ID, "payment_id"), PAY(PAYMENT_ID, "Transaction ID"),
	PAY(PAYMENT_ID, "Trans ID"), PAY(PAYMENT_ID, "Transaction No"),
	PAY(PAYMENT_ID, "Transaction Number"), PAY(PAYMENT_ID, "Payment No"),
	PAY(PAYMENT_ID, "Payment Number"), PAY(PAYMENT_ID, "Receipt No"),
	PAY(PAYMENT_DATE, "payment_date"), PAY(PAYMENT_DATE, "Value Date"),
	PAY(PAYMENT_DATE, "Date"), PAY(PAYMENT_DATE, "Booking Date"),
	PAY(PAYMENT_DATE, "Posting Date"), PAY(PAYMENT_DATE, "Transaction Date"),
	PAY(PAYMENT_DATE, "Received"), PAY(PAYMENT_DATE, "Date Received"),
	PAY(AMOUNT, "amount"), PAY(AMOUNT, "Payment Amount"), PAY(AMOUNT, "Amount Received"),
	PAY(AMOUNT, "Credit Amount"), PAY(AMOUNT, "Credit"),
	PAY(CURRENCY, "currency"), PAY(CURRENCY, "Currency Code"), PAY(CURRENCY, "Curr"),
	PAY(CURRENCY, "Cur"), PAY(CURRENCY, "CCY"),
	PAY(PAYER_NAME, "payer_name"), PAY(PAYER_NAME, "Payer"), PAY(PAYER_NAME, "Name"),
	PAY(PAYER_NAME, "Ordering Party"), PAY(PAYER_NAME, "Counterparty"),
	PAY(PAYER_NAME, "Counterparty Name"), PAY(PAYER_NAME, "Remitter"),
	PAY(PAYER_NAME, "Remitter Name"), PAY(PAYER_NAME, "Debtor Name"),
	PAY(PAYER_NAME, "Sender"),
	PAY(CUSTOMER_ID, "customer_id"), PAY(CUSTOMER_ID, "Customer No"),
	PAY(CUSTOMER_ID, "Customer Number"), PAY(CUSTOMER_ID, "Cust ID"),
	PAY(CUSTOMER_ID, "Cust No"), PAY(CUSTOMER_ID, "Client ID"),
	PAY(REFERENCE, "reference_number"), PAY(REFERENCE, "Reference"), PAY(REFERENCE, "Ref"),
	PAY(REFERENCE, "Ref No"), PAY(REFERENCE, "Reference No"),
	PAY(REFERENCE, "Payment Reference"), PAY(REFERENCE, "Customer Reference"),
	PAY(MEMO, "memo"), PAY(MEMO, "Remittance Info"), PAY(MEMO, "Remittance Information"),
	PAY(MEMO, "Description"), PAY(MEMO, "Narrative"), PAY(MEMO, "Details"),
	PAY(MEMO, "Payment Details"), PAY(MEMO, "Purpose"),
	{ IMPORT_PAYMENTS, HEADER_DEBIT, "Debit" }, { IMPORT_PAYMENTS, HEADER_DEBIT, "Debit Amount" },
	{ IMPORT_PAYMENTS, HEADER_DEBIT, "Withdrawal" },
};

#define NALIASES (sizeof ALIASES / sizeof ALIASES[0])

const char *header_column_name(int kind, int column)
{
	if (column == HEADER_DEBIT)
		return "debit";
	if (column < 0 || column >= header_ncolumns(kind))
		return NULL;
	return kind == IMPORT_INVOICES ? INVOICE_COLUMNS[column] : PAYMENT_COLUMNS[column];
}

int header_ncolumns(int kind)
{
	return kind == IMPORT_INVOICES ? INV_NCOLS : PAY_NCOLS;
}

bool header_column_required(int kind, int column, const struct import_profile *prof)
{
	if (kind == IMPORT_INVOICES) {
		switch (column) {
		case INV_INVOICE_ID: case INV_CUSTOMER_ID: case INV_CUSTOMER_NAME:
		case INV_INVOICE_DATE: case INV_AMOUNT:
			return true;
		case INV_CURRENCY:
			return !prof || !prof->default_currency[0];
		default:
			return false;
		}
	}
	switch (column) {
	case PAY_PAYMENT_ID: case PAY_PAYMENT_DATE: case PAY_AMOUNT:
		return true;
	case PAY_CURRENCY:
		return !prof || !prof->default_currency[0];
	default:
		return false;
	}
}

size_t header_alias_count(void)
{
	return NALIASES;
}

const struct header_alias *header_alias_at(size_t i)
{
	return i < NALIASES ? &ALIASES[i] : NULL;
}

char *header_key(const char *name, size_t len, char *key, size_t keylen)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 3 < keylen; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c >= 'A' && c <= 'Z')
			key[n++] = (char)(c + 32);
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
			key[n++] = (char)c;
		else if (c == '#') {
			key[n++] = 'n';
			key[n++] = 'o';
		}
	}
	if (keylen)
		key[n < keylen ? n : keylen - 1] = '\0';
	return key;
}

int header_alias_lookup(int kind, const char *name, size_t len, int *rank)
{
	char key[HEADER_KEY_MAX], akey[HEADER_KEY_MAX];
	int r = 0, last_col = -1;

	header_key(name, len, key, sizeof key);
	if (!key[0])
		return -1;
	for (size_t i = 0; i < NALIASES; i++) {
		const struct header_alias *a = &ALIASES[i];

		if (a->kind != kind)
			continue;
		r = a->column == last_col ? r + 1 : 0;
		last_col = a->column;
		if (strcmp(key, header_key(a->name, strlen(a->name), akey, sizeof akey)) == 0) {
			if (rank)
				*rank = r;
			return a->column;
		}
	}
	return -1;
}

/* Returns the header field whose key equals name's, or -1. */
static int find_header(const struct csv_record *h, const char *name)
{
	char want[HEADER_KEY_MAX], key[HEADER_KEY_MAX];

	header_key(name, strlen(name), want, sizeof want);
	if (!want[0])
		return -1;
	for (size_t i = 0; i < h->nfields; i++)
		if (strcmp(want, header_key(h->field[i], h->len[i], key, sizeof key)) == 0)
			return (int)i;
	return -1;
}

/* Appends the header's names, quoted, for messages. */
static void add_found(struct strbuf *sb, const struct header_map *m)
{
	for (size_t i = 0; i < m->nsource; i++)
		strbuf_addf(sb, "%s\"%s\"", i ? ", " : "", m->names[i]);
	if (m->nsource == 0)
		strbuf_addstr(sb, "(none)");
}

static int copy_names(struct header_map *m, const struct csv_record *h)
{
	m->names = calloc(h->nfields ? h->nfields : 1, sizeof *m->names);
	if (!m->names)
		return -1;
	for (size_t i = 0; i < h->nfields; i++) {
		size_t n = h->len[i] < 80 ? h->len[i] : 80;

		if (!(m->names[i] = malloc(n + 1)))
			return -1;
		utf8_sanitize(h->field[i], n, m->names[i], n + 1);
		m->nsource = i + 1;
	}
	return 0;
}

/* Applies the profile's explicit columns and debit column. */
static int map_profile(struct header_map *m, const struct import_profile *prof,
                       const struct csv_record *h, bool *claimed, const char *file,
                       struct pm_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int ncols = header_ncolumns(m->kind);
	const char *missing = NULL, *what = NULL;

	for (int c = 0; c < ncols && !missing; c++) {
		if (!prof->columns[c] || !prof->columns[c][0])
			continue;
		m->source[c] = find_header(h, prof->columns[c]);
		if (m->source[c] < 0) {
			missing = prof->columns[c];
			what = header_column_name(m->kind, c);
		} else {
			claimed[m->source[c]] = true;
		}
	}
	if (!missing && prof->debit_column && prof->debit_column[0]) {
		m->debit = find_header(h, prof->debit_column);
		if (m->debit < 0) {
			missing = prof->debit_column;
			what = "debit_column";
		} else {
			claimed[m->debit] = true;
		}
	}
	if (!missing)
		return 0;
	add_found(&sb, m);
	pm_error_set(err, PM_EDATA, "%s: import profile '%s' maps %s to the column \"%s\", which "
	             "is not in the header; found columns: %s", file, prof->name ? prof->name : "",
	             what, missing, strbuf_str(&sb));
	strbuf_release(&sb);
	return err->code;
}

/* Maps the remaining header fields by alias; a better-ranked alias wins a column. */
static void map_aliases(struct header_map *m, const struct csv_record *h, const bool *claimed,
                        const bool *explicit_col)
{
	int best[PM_MAX_NATIVE_COLS + 1];
	bool debit_explicit = m->debit >= 0;

	for (int c = 0; c <= PM_MAX_NATIVE_COLS; c++)
		best[c] = 1 << 30;
	for (size_t i = 0; i < h->nfields; i++) {
		int rank, col;

		if (claimed[i])
			continue;
		col = header_alias_lookup(m->kind, h->field[i], h->len[i], &rank);
		if (col < 0 || rank >= best[col])
			continue;
		if (col == HEADER_DEBIT) {
			if (debit_explicit)
				continue;
			m->debit = (int)i;
		} else {
			if (explicit_col[col])
				continue;
			m->source[col] = (int)i;
		}
		best[col] = rank;
	}
}

static int check_required(struct header_map *m, const struct import_profile *prof,
                          const char *file, struct pm_error *err)
{
	struct strbuf miss = STRBUF_INIT, found = STRBUF_INIT;
	int ncols = header_ncolumns(m->kind), nmapped = 0;
	const char *kind = m->kind == IMPORT_INVOICES ? "invoices" : "payments";

	for (int c = 0; c < ncols; c++) {
		nmapped += m->source[c] >= 0;
		if (m->source[c] < 0 && header_column_required(m->kind, c, prof))
			strbuf_addf(&miss, "%s%s", miss.len ? ", " : "", header_column_name(m->kind, c));
	}
	if (!miss.len)
		return 0;
	add_found(&found, m);
	pm_error_set(err, PM_EDATA, "%s: %s %s: missing required column%s %s; found columns: %s "
	             "(recognised header names are listed in docs/FORMATS.md; an import profile "
	             "can map any column)", file,
	             nmapped ? "cannot import as" : "not a CSV file of", kind,
	             strchr(strbuf_str(&miss), ',') ? "s" : "", strbuf_str(&miss),
	             strbuf_str(&found));
	strbuf_release(&miss);
	strbuf_release(&found);
	return err->code;
}

int header_map_build(struct header_map *m, int kind, const struct import_profile *prof,
                     const struct csv_record *header, const char *file, struct pm_error *err)
{
	bool explicit_col[PM_MAX_NATIVE_COLS] = { false };
	bool *claimed;
	int rc = 0;

	memset(m, 0, sizeof *m);
	m->kind = kind;
	m->debit = -1;
	for (int c = 0; c < PM_MAX_NATIVE_COLS; c++)
		m->source[c] = -1;
	claimed = calloc(header->nfields ? header->nfields : 1, sizeof *claimed);
	if (!claimed || copy_names(m, header) < 0) {
		free(claimed);
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	}
	if (prof) {
		rc = map_profile(m, prof, header, claimed, file, err);
		for (int c = 0; c < header_ncolumns(kind); c++)
			explicit_col[c] = m->source[c] >= 0;
	}
	if (!rc) {
		map_aliases(m, header, claimed, explicit_col);
		rc = check_required(m, prof, file, err);
	}
	free(claimed);
	return rc;
}

void header_map_release(struct header_map *m)
{
	if (m->names)
		for (size_t i = 0; i < m->nsource; i++)
			free(m->names[i]);
	free(m->names);
	m->names = NULL;
	m->nsource = 0;
}
