/* One CSV record -> one typed row: encoding and NUL checks, required values, currency,
 * amount, dates (learning the day/month order of slash dates per file), and a hash of the
 * result so that a re-import can tell changed rows from unchanged ones. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "paymatch/row_parse.h"
#include "paymatch/utf8.h"

#define VALUE_SHOWN 40   /* bytes of a bad value quoted in a reason */

static int date_col(int kind, int which)
{
	if (kind == IMPORT_PAYMENTS)
		return which == 0 ? PAY_PAYMENT_DATE : -1;
	return which == 0 ? INV_INVOICE_DATE : INV_DUE_DATE;
}

void row_parser_init(struct row_parser *rp, int kind, const struct header_map *map,
                     const struct import_profile *prof)
{
	memset(rp, 0, sizeof *rp);
	rp->kind = kind;
	rp->map = map;
	rp->prof = prof;
	rp->money.decimal_sep = prof->decimal_sep ? prof->decimal_sep : '.';
	/* "No thousands separator" still accepts the usual one for the decimal separator:
	 * digit groups are checked, so "1,234.50" or "1.234,50" cannot be misread. */
	rp->money.thousands_sep = prof->thousands_sep ? prof->thousands_sep :
	                          rp->money.decimal_sep == ',' ? '.' : ',';
	rp->money.allow_parens = true;
	rp->money.allow_symbols = true;
	for (int k = 0; k < 2; k++) {
		int c = date_col(kind, k);

		rp->dates[k].order = DATE_AUTO;
		rp->dates[k].settled = prof->date_format != DATE_AUTO || c < 0 || map->source[c] < 0;
	}
}

/* Recognises D/M/YYYY or M/D/YYYY (1-2 digit parts, 4-digit year, optional time after). */
static bool slash_shape(const char *s, size_t len, int *a, int *b)
{
	const char *p = s, *end = s + len;
	int part[3] = { 0, 0, 0 }, width[3] = { 0, 0, 0 };

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (int i = 0; i < 3; i++) {
		while (p < end && *p >= '0' && *p <= '9' && width[i] < 5) {
			part[i] = part[i] * 10 + (*p++ - '0');
			width[i]++;
		}
		if (i < 2) {
			if (p == end || *p != '/')
				return false;
			p++;
		}
	}
	if (width[0] < 1 || width[0] > 2 || width[1] < 1 || width[1] > 2 || width[2] != 4)
		return false;
	if (p < end && *p != ' ' && *p != 'T')
		return false;
	*a = part[0];
	*b = part[1];
	return true;
}

static void decide(struct date_order *o, int a, int b, long line)
{
	if (o->order != DATE_AUTO || a == b || (a <= 12 && b <= 12))
		return;
	o->order = a > 12 ? DATE_DMY_SLASH : DATE_MDY_SLASH;
	o->line = line;
	o->settled = true;
}

void row_parser_learn(struct row_parser *rp, const struct csv_record *rec)
{
	for (int k = 0; k < 2; k++) {
		struct date_order *o = &rp->dates[k];
		int c = date_col(rp->kind, k), src, a, b;

		if (o->settled)
			continue;
		src = rp->map->source[c];
		if ((size_t)src >= rec->nfields || rec->len[src] == 0)
			continue;
		if (slash_shape(rec->field[src], rec->len[src], &a, &b))
			decide(o, a, b, rec->line);
		else
			o->settled = true;   /* not a slash-dated column: nothing to learn */
	}
}

bool row_parser_learning(const struct row_parser *rp)
{
	return !rp->dates[0].settled || !rp->dates[1].settled;
}

/* Copies a value, made safe to print and shortened, for a reason text. */
static const char *shown(const char *s, size_t len, char *buf, size_t n)
{
	size_t cut = len > VALUE_SHOWN ? VALUE_SHOWN : len;

	utf8_sanitize(s, cut, buf, n);
	if (cut < len && strlen(buf) + 4 < n)
		strcat(buf, "...");
	return buf;
}

static enum row_status bad_at(struct row_problem *bad, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum row_status bad_at(struct row_problem *bad, const char *column, const char *fmt, ...)
{
	va_list ap;

	bad->column = column;
	va_start(ap, fmt);
	vsnprintf(bad->reason, sizeof bad->reason, fmt, ap);
	va_end(ap);
	return ROW_BAD;
}

static const char *colname(const struct row_parser *rp, int c)
{
	return header_column_name(rp->kind, c);
}

/* Checks every field for NUL bytes and the mapped ones for valid UTF-8. */
static enum row_status check_bytes(struct row_parser *rp, const struct csv_record *rec,
                                   struct row_problem *bad)
{
	for (size_t i = 0; i < rec->nfields; i++) {
		if (memchr(rec->field[i], '\0', rec->len[i]))
			return bad_at(bad, NULL, "NUL byte in field %zu (\"%s\"): the file is damaged "
			              "or not text", i + 1, rp->map->names[i]);
	}
	if (strcmp(rp->prof->encoding, "latin-1") == 0)
		return ROW_OK;   /* transcoded by the reader: always valid */
	for (int c = 0; c < header_ncolumns(rp->kind); c++) {
		int src = rp->map->source[c];
		size_t at;

		if (src < 0 || utf8_valid(rec->field[src], rec->len[src], &at))
			continue;
		if (utf8_looks_latin1(rec->field[src], rec->len[src]))
			return bad_at(bad, colname(rp, c), "invalid UTF-8 (byte 0x%02X at offset %zu): "
			              "the file looks like Latin-1; set encoding: latin-1 in an import "
			              "profile and use --profile", (unsigned char)rec->field[src][at], at);
		return bad_at(bad, colname(rp, c), "invalid UTF-8 (byte 0x%02X at offset %zu); if "
		              "the file is Latin-1, set encoding: latin-1 in an import profile",
		              (unsigned char)rec->field[src][at], at);
	}
	return ROW_OK;
}

/* Resolves the row's currency: the currency column, else the profile's default. */
static enum row_status parse_currency(struct row_parser *rp, struct import_row *out,
                                      struct row_problem *bad)
{
	int c = rp->kind == IMPORT_INVOICES ? INV_CURRENCY : PAY_CURRENCY;
	const char *s = out->text[c];
	size_t n = out->len[c];
	char buf[64];

	if (!s || n == 0) {
		if (!rp->prof->default_currency[0])
			return bad_at(bad, "currency", "empty, and no default currency is set (set "
			              "currency: in an import profile)");
		memcpy(out->currency, rp->prof->default_currency, 4);
		return ROW_OK;
	}
	if (n == 3) {
		for (int i = 0; i < 3; i++)
			out->currency[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
		out->currency[3] = '\0';
		if (money_currency_valid(out->currency))
			return ROW_OK;
	}
	return bad_at(bad, "currency", "unknown currency \"%s\" (an ISO 4217 code such as EUR "
	              "is expected)", shown(s, n, buf, sizeof buf));
}

/* Parses the amount in the row's currency; a symbol in the text must agree with it. */
static enum row_status parse_amount(struct row_parser *rp, const char *s, size_t n,
                                    struct import_row *out, struct row_problem *bad)
{
	int decimals = money_currency_decimals(out->currency);
	const char *why = "not a number";
	char sym[4], buf[64];

	if (money_parse(s, n, decimals, &rp->money, &out->amount, sym, &why) < 0)
		return bad_at(bad, "amount", "%s: \"%s\"", why, shown(s, n, buf, sizeof buf));
	if (sym[0] && strcmp(sym, out->currency) != 0)
		return bad_at(bad, "amount", "the amount is written in %s but the row's currency is "
		              "%s", sym, out->currency);
	return ROW_OK;
}

/* Returns true when s holds an amount that is not zero (empty and 0.00 both mean none). */
static bool nonzero_amount(const struct row_parser *rp, const char *s, size_t n)
{
	int64_t v;

	if (!s || n == 0)
		return false;
	return money_parse(s, n, 4, &rp->money, &v, NULL, NULL) < 0 || v != 0;
}

/* Bank files with separate debit and credit columns: only credits are payments. */
static enum row_status check_debit(struct row_parser *rp, const struct csv_record *rec,
                                   const struct import_row *out, struct row_problem *bad)
{
	int src = rp->map->debit;
	bool debit, credit;

	if (rp->kind != IMPORT_PAYMENTS || src < 0)
		return ROW_OK;
	debit = nonzero_amount(rp, rec->field[src], rec->len[src]);
	credit = nonzero_amount(rp, out->text[PAY_AMOUNT], out->len[PAY_AMOUNT]);
	if (debit && !credit)
		return ROW_SKIP;
	if (debit && credit)
		return bad_at(bad, "amount", "both a debit and a credit in one row");
	return ROW_OK;
}

/* Writes day as YYYY-MM-DD (date_to_iso without printf: this runs twice per row). */
static void iso_date(pm_date day, char iso[11])
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	iso[0] = (char)('0' + y / 1000);
	iso[1] = (char)('0' + y / 100 % 10);
	iso[2] = (char)('0' + y / 10 % 10);
	iso[3] = (char)('0' + y % 10);
	iso[4] = '-';
	iso[5] = (char)('0' + m / 10);
	iso[6] = (char)('0' + m % 10);
	iso[7] = '-';
	iso[8] = (char)('0' + d / 10);
	iso[9] = (char)('0' + d % 10);
	iso[10] = '\0';
}

static enum row_status parse_date(struct row_parser *rp, int k, const char *s, size_t n,
                                  long line, char iso[11], struct row_problem *bad)
{
	struct date_order *o = &rp->dates[k], *other = &rp->dates[1 - k];
	const char *col = colname(rp, date_col(rp->kind, k));
	enum date_format fmt = rp->prof->date_format;
	const char *why = "not a date";
	char buf[64];
	pm_date d;
	int a, b;

	if (fmt == DATE_AUTO && slash_shape(s, n, &a, &b)) {
		const struct date_order *known = o->order != DATE_AUTO ? o : other;

		if (known->order == DATE_AUTO && a != b && a <= 12 && b <= 12)
			return bad_at(bad, col, "ambiguous date \"%s\": no earlier date in this file "
			              "tells whether it is day/month or month/day; set date_format: "
			              "dd/mm/yyyy or mm/dd/yyyy in an import profile",
			              shown(s, n, buf, sizeof buf));
		if (known->order == DATE_AUTO) {
			decide(o, a, b, line);
			known = o;
		}
		fmt = known->order == DATE_AUTO ? DATE_DMY_SLASH : known->order;
		if (date_parse(s, n, fmt, &d, &why) < 0)
			return bad_at(bad, col, "\"%s\" does not fit this file's %s dates (seen on line "
			              "%ld): %s", shown(s, n, buf, sizeof buf), date_format_name(fmt),
			              known->line, why);
	} else if (date_parse(s, n, fmt, &d, &why) < 0) {
		return bad_at(bad, col, "%s: \"%s\"", why, shown(s, n, buf, sizeof buf));
	}
	iso_date(d, iso);
	return ROW_OK;
}

/* Required values must not be empty; currency is resolved separately. */
static enum row_status check_required(struct row_parser *rp, const struct import_row *out,
                                      struct row_problem *bad)
{
	for (int c = 0; c < header_ncolumns(rp->kind); c++) {
		if (c == (rp->kind == IMPORT_INVOICES ? INV_CURRENCY : PAY_CURRENCY))
			continue;
		if (header_column_required(rp->kind, c, rp->prof) && out->len[c] == 0)
			return bad_at(bad, colname(rp, c), "required value is empty");
	}
	return ROW_OK;
}

static enum row_status parse_values(struct row_parser *rp, struct import_row *out,
                                    struct row_problem *bad)
{
	int amount = rp->kind == IMPORT_INVOICES ? INV_AMOUNT : PAY_AMOUNT;
	int date = date_col(rp->kind, 0), due = date_col(rp->kind, 1);
	enum row_status st;
	char buf[32];

	if ((st = parse_currency(rp, out, bad)) != ROW_OK ||
	    (st = parse_amount(rp, out->text[amount], out->len[amount], out, bad)) != ROW_OK ||
	    (st = parse_date(rp, 0, out->text[date], out->len[date], out->line, out->date,
	                     bad)) != ROW_OK)
		return st;
	if (rp->kind == IMPORT_PAYMENTS && out->amount <= 0) {
		int d = money_currency_decimals(out->currency);

		return bad_at(bad, "amount", "a payment must be positive (got %s); money paid out "
		              "does not belong in a payments file",
		              money_to_plain(out->amount, d < 0 ? 2 : d, buf, sizeof buf));
	}
	if (due >= 0) {
		if (out->len[due] == 0)
			memcpy(out->due_date, out->date, sizeof out->due_date);
		else if ((st = parse_date(rp, 1, out->text[due], out->len[due], out->line,
		                          out->due_date, bad)) != ROW_OK)
			return st;
	}
	return ROW_OK;
}

static uint64_t customer_hash(const struct import_row *row);

enum row_status row_parse(struct row_parser *rp, const struct csv_record *rec,
                          struct import_row *out, struct row_problem *bad)
{
	enum row_status st;

	memset(out, 0, sizeof *out);
	out->line = rec->line;
	bad->column = NULL;
	bad->reason[0] = '\0';
	if (rec->nfields != rp->map->nsource)
		return bad_at(bad, NULL, "ragged row: %zu field%s, the header has %zu", rec->nfields,
		              rec->nfields == 1 ? "" : "s", rp->map->nsource);
	if ((st = check_bytes(rp, rec, bad)) != ROW_OK)
		return st;
	for (int c = 0; c < header_ncolumns(rp->kind); c++) {
		int src = rp->map->source[c];

		if (src >= 0) {
			out->text[c] = rec->field[src];
			out->len[c] = rec->len[src];
		}
	}
	if ((st = check_debit(rp, rec, out, bad)) != ROW_OK ||
	    (st = check_required(rp, out, bad)) != ROW_OK ||
	    (st = parse_values(rp, out, bad)) != ROW_OK)
		return st;
	out->row_hash = row_hash(rp->kind, out);
	if (rp->kind == IMPORT_INVOICES)
		out->customer_hash = customer_hash(out);
	return ROW_OK;
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* FNV-1a over the values as stored (ISO dates, minor units, upper-case currency), with a
 * unit separator between them. Changing this makes every row of the next re-import
 * compare field by field once (store_import still finds them unchanged). */
int64_t row_hash(int kind, const struct import_row *row)
{
	int amount = kind == IMPORT_INVOICES ? INV_AMOUNT : PAY_AMOUNT;
	int currency = kind == IMPORT_INVOICES ? INV_CURRENCY : PAY_CURRENCY;
	int date = date_col(kind, 0), due = date_col(kind, 1);
	uint64_t h = 14695981039346656037ULL;
	unsigned char a[8];

	for (int c = 0; c < header_ncolumns(kind); c++) {
		if (c == amount) {
			for (int i = 0; i < 8; i++)
				a[i] = (unsigned char)((uint64_t)row->amount >> (8 * i));
			h = fnv1a(h, a, 8);
		} else if (c == currency) {
			h = fnv1a(h, row->currency, strlen(row->currency));
		} else if (c == date) {
			h = fnv1a(h, row->date, strlen(row->date));
		} else if (c == due) {
			h = fnv1a(h, row->due_date, strlen(row->due_date));
		} else if (row->text[c]) {
			h = fnv1a(h, row->text[c], row->len[c]);
		}
		h = fnv1a(h, "\x1f", 1);
	}
	h &= (uint64_t)INT64_MAX;
	return h ? (int64_t)h : 1;
}

/* FNV-1a over customer_id and customer_name, its bits mixed down (MurmurHash3's fmix64)
 * because the probes of a hash table start from the low bits; 0 when there is no
 * customer_id or no customer_name. */
static uint64_t customer_hash(const struct import_row *row)
{
	uint64_t h;

	if (!row->text[INV_CUSTOMER_ID] || !row->len[INV_CUSTOMER_ID] ||
	    !row->text[INV_CUSTOMER_NAME])
		return 0;
	h = fnv1a(14695981039346656037ULL, row->text[INV_CUSTOMER_ID], row->len[INV_CUSTOMER_ID]);
	h = fnv1a(h, "\x1f", 1);
	h = fnv1a(h, row->text[INV_CUSTOMER_NAME], row->len[INV_CUSTOMER_NAME]);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h ? h : 1;
}
