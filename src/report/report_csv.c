/* CSV output (RFC 4180): one header row of stable column names, LF line ends, a field is
 * quoted only when it holds a comma, quote, CR or LF. Only the table marked csv is written.
 * Text from bank/ERP files that a spreadsheet would run as a formula (leading = + - @ TAB
 * CR) gets a leading apostrophe (OWASP CSV injection; CWE-1236). Amounts stay numeric. */
#include <errno.h>
#include <string.h>

#include "report_internal.h"

static bool csv_active(const struct tw_writer *w)
{
	return w->table && w->table->csv;
}

static int add_field(struct strbuf *sb, const char *s, size_t len, bool guard)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	bool apostrophe = guard && len && strchr("=+-@\t\r", s[0]);
	const char *q;
	int rc = 0;

	if (!quote && !apostrophe)
		return tw_add(sb, s, len);
	if (quote)
		rc |= tw_addch(sb, '"');
	if (apostrophe)
		rc |= tw_addch(sb, '\'');
	/* Copy the spans between quotes, doubling each quote. */
	while ((q = memchr(s, '"', len)) != NULL) {
		rc |= strbuf_add(sb, s, (size_t)(q - s) + 1);
		rc |= strbuf_addch(sb, '"');
		len -= (size_t)(q - s) + 1;
		s = q + 1;
	}
	rc |= strbuf_add(sb, s, len);
	if (quote)
		rc |= strbuf_addch(sb, '"');
	return rc;
}

static int csv_begin(struct tw_writer *w, const char *report, const char *title,
                     const char *const *meta)
{
	(void)w; (void)report; (void)title; (void)meta;
	return 0;
}

static int csv_table_begin(struct tw_writer *w)
{
	const struct tw_table *t = w->table;

	if (!csv_active(w))
		return 0;
	for (size_t i = 0; i < t->ncols; i++) {
		if (i)
			strbuf_addch(&w->line, ',');
		add_field(&w->line, t->cols[i].name, strlen(t->cols[i].name), false);
	}
	strbuf_addch(&w->line, '\n');
	return tw_flush_buf(w, &w->line);
}

static int csv_row(struct tw_writer *w, const struct tw_value *vals)
{
	const struct tw_table *t = w->table;
	int rc = 0;

	if (!csv_active(w))
		return 0;
	for (size_t i = 0; i < t->ncols; i++) {
		enum tw_type type = t->cols[i].type;
		const struct tw_value *v = &vals[i];

		if (i)
			rc |= tw_addch(&w->line, ',');
		/* Numbers never need quotes or the guard: straight into the line. */
		if (type == TW_INT || type == TW_MONEY || type == TW_NUMBER)
			rc |= tw_plain(&w->line, type, v);
		else if (!v->null && v->s)
			rc |= add_field(&w->line, v->s, strlen(v->s), type == TW_SOURCE);
	}
	rc |= tw_addch(&w->line, '\n');
	if (rc) {
		w->err = ENOMEM;
		return -1;
	}
	/* Batch rows into larger writes; stdio buffers anyway, this saves calls. */
	return w->line.len >= 32768 ? tw_flush_buf(w, &w->line) : 0;
}

static int csv_table_end(struct tw_writer *w)
{
	return tw_flush_buf(w, &w->line);
}

static int csv_end(struct tw_writer *w)
{
	return tw_flush_buf(w, &w->line);
}

const struct tw_ops TW_CSV_OPS = { csv_begin, csv_table_begin, csv_row, csv_table_end, csv_end };
