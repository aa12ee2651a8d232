/* JSON output: one document {"report": ..., meta..., "tables": {"NAME": [ {row}, ... ]}},
 * one row object per line so that diffs stay readable. Amounts are decimal strings, never
 * floats; counts are integers; text is valid UTF-8 with control characters as \u00XX and
 * invalid bytes as U+FFFD. */
#include <errno.h>
#include <string.h>

#include "report_internal.h"

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* overlongs, surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

static int json_escape(struct strbuf *sb, const unsigned char *s, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq(s + i, n - i);

		if (len == 0) {
			rc |= tw_add(sb, "\\ufffd", 6);
			i++;
			continue;
		}
		if (s[i] == '"' || s[i] == '\\') {
			rc |= tw_addch(sb, '\\');
			rc |= tw_addch(sb, (char)s[i]);
		} else if (s[i] < 0x20 || s[i] == 0x7F) {
			rc |= strbuf_addf(sb, "\\u%04x", s[i]);
		} else {
			rc |= tw_add(sb, (const char *)s + i, len);
		}
		i += len;
	}
	return rc;
}

/* Bytes a JSON string can hold as they are: printable ASCII but '"' and '\\'. */
static bool json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

static int json_string(struct strbuf *sb, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t plain = 0;
	int rc = tw_addch(sb, '"');

	/* Most text is printable ASCII without quotes or backslashes: copy it in one go. */
	while (plain < n && json_plain(s[plain]))
		plain++;
	rc |= tw_add(sb, str, plain);
	if (plain < n)
		rc |= json_escape(sb, s + plain, n - plain);
	return rc | tw_addch(sb, '"');
}

static int json_begin(struct tw_writer *w, const char *report, const char *title,
                      const char *const *meta)
{
	strbuf_addstr(&w->line, "{\"report\":");
	json_string(&w->line, report, strlen(report));
	strbuf_addstr(&w->line, ",\"title\":");
	json_string(&w->line, title, strlen(title));
	for (size_t i = 0; meta && meta[i]; i += 2) {
		strbuf_addch(&w->line, ',');
		json_string(&w->line, meta[i], strlen(meta[i]));
		strbuf_addch(&w->line, ':');
		if (meta[i + 1])
			json_string(&w->line, meta[i + 1], strlen(meta[i + 1]));
		else
			strbuf_addstr(&w->line, "null");
	}
	strbuf_addstr(&w->line, ",\"tables\":{");
	return tw_flush_buf(w, &w->line);
}

/* Makes the row prefixes "name": (with a leading comma but for the first column) once per
 * table, instead of escaping every column name on every row. */
static int json_keys(struct tw_writer *w)
{
	const struct tw_table *t = w->table;
	int rc = 0;

	strbuf_reset(&w->keys);
	for (size_t i = 0; i < t->ncols; i++) {
		w->key_off[i] = w->keys.len;
		if (i)
			rc |= tw_addch(&w->keys, ',');
		rc |= json_string(&w->keys, t->cols[i].name, strlen(t->cols[i].name));
		rc |= tw_addch(&w->keys, ':');
	}
	w->key_off[t->ncols] = w->keys.len;
	return rc;
}

static int json_table_begin(struct tw_writer *w)
{
	if (json_keys(w))
		return w->err = ENOMEM, -1;
	if (w->ntables)
		strbuf_addch(&w->line, ',');
	strbuf_addch(&w->line, '\n');
	json_string(&w->line, w->table->name, strlen(w->table->name));
	strbuf_addstr(&w->line, ":[");
	return tw_flush_buf(w, &w->line);
}

static int json_value(struct strbuf *sb, struct strbuf *cell, enum tw_type t,
                      const struct tw_value *v)
{
	if (v->null)
		return tw_add(sb, "null", 4);
	if (t == TW_INT || t == TW_NUMBER)
		return tw_plain(sb, t, v);
	if (t == TW_MONEY) {   /* digits, '-' and '.': nothing to escape */
		int rc = tw_addch(sb, '"');

		rc |= tw_money(sb, v->n, v->decimals, 0);
		return rc | tw_addch(sb, '"');
	}
	if (v->s)
		return json_string(sb, v->s, strlen(v->s));
	strbuf_reset(cell);
	if (tw_plain(cell, t, v))
		return -1;
	return json_string(sb, cell->buf, cell->len);
}

static int json_row(struct tw_writer *w, const struct tw_value *vals)
{
	const struct tw_table *t = w->table;
	int rc = w->nrows ? tw_add(&w->line, ",\n{", 3) : tw_add(&w->line, "\n{", 2);

	for (size_t i = 0; i < t->ncols; i++) {
		rc |= tw_add(&w->line, w->keys.buf + w->key_off[i], w->key_off[i + 1] - w->key_off[i]);
		rc |= json_value(&w->line, &w->cell, t->cols[i].type, &vals[i]);
	}
	rc |= tw_addch(&w->line, '}');
	if (rc) {
		w->err = ENOMEM;
		return -1;
	}
	return w->line.len >= 32768 ? tw_flush_buf(w, &w->line) : 0;
}

static int json_table_end(struct tw_writer *w)
{
	strbuf_addstr(&w->line, w->nrows ? "\n]" : "]");
	return tw_flush_buf(w, &w->line);
}

static int json_end(struct tw_writer *w)
{
	strbuf_addstr(&w->line, "\n}}\n");
	return tw_flush_buf(w, &w->line);
}

const struct tw_ops TW_JSON_OPS = { json_begin, json_table_begin, json_row, json_table_end,
	                            json_end };
