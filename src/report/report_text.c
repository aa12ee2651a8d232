/* Text output for people: a title line, then aligned tables that fit TW_TEXT_WIDTH columns.
 * Columns are packed into as many physical lines per row as needed (continuation lines are
 * indented), so a wide table never overflows the terminal while rows still stream. Text is
 * sanitised (bank data may hold escapes or bidi overrides) and truncated with an ellipsis
 * by display width, so accented and CJK names line up. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "paymatch/utf8.h"
#include "report_internal.h"

#define GAP 2
#define INDENT 4
#define ELLIPSIS "\xe2\x80\xa6"   /* U+2026, one column wide */

static bool is_numeric(enum tw_type t)
{
	return t == TW_INT || t == TW_MONEY || t == TW_NUMBER;
}

static int pad(struct strbuf *sb, size_t n)
{
	return tw_fill(sb, ' ', n);
}

/* Appends s (len bytes) sanitised, cut to width columns with an ellipsis, aligned. */
static int add_cell(struct tw_writer *w, const char *s, size_t len, size_t width, bool right)
{
	struct strbuf *c = &w->cell;
	size_t cols, fit;
	int rc = 0;

	/* Printable ASCII needs no sanitising and is one column a byte: most cells. */
	if (tw_plain_ascii(s, len)) {
		if (len > width && !right) {
			/* What the general path does, without measuring the whole string. */
			rc |= tw_add(&w->line, s, width ? width - 1 : 0);
			return rc | tw_add(&w->line, ELLIPSIS, sizeof ELLIPSIS - 1);
		}
		if (right && len < width)
			rc |= pad(&w->line, width - len);
		rc |= tw_add(&w->line, s, len);
		if (!right && len < width)
			rc |= pad(&w->line, width - len);
		return rc;
	}
	strbuf_reset(c);
	if (strbuf_grow(c, len + 1))
		return -1;
	utf8_sanitize(s, len, c->buf, len + 1);
	c->len = strlen(c->buf);
	cols = utf8_width(c->buf, c->len);
	/* Numbers are never cut: a too-wide amount shifts its line instead of lying. */
	if (cols > width && !right) {
		fit = utf8_fit(c->buf, c->len, width ? width - 1 : 0, &cols);
		c->len = fit;
		c->buf[fit] = '\0';
		rc |= strbuf_addstr(c, ELLIPSIS);
		cols++;
	}
	if (right && cols < width)
		rc |= pad(&w->line, width - cols);
	rc |= tw_add(&w->line, c->buf, c->len);
	if (!right && cols < width)
		rc |= pad(&w->line, width - cols);
	return rc;
}

static size_t line_width(const struct tw_writer *w, size_t line)
{
	size_t width = line ? INDENT : 0, shown = 0;

	for (size_t i = w->line_start[line]; i < w->line_start[line + 1]; i++)
		if (!w->table->cols[i].text_hidden)
			width += w->widths[i] + (shown++ ? GAP : 0);
	return width;
}

/* Packs the columns into lines of at most TW_TEXT_WIDTH, then gives each line's spare
 * width to its flexible columns. */
static int layout(struct tw_writer *w)
{
	const struct tw_table *t = w->table;
	size_t used = 0, shown = 0;

	free(w->widths);
	if (!(w->widths = calloc(t->ncols ? t->ncols : 1, sizeof *w->widths)))
		return -1;
	w->nlines = 0;
	w->line_start[0] = 0;
	for (size_t i = 0; i < t->ncols; i++) {
		size_t title = utf8_width(t->cols[i].title, strlen(t->cols[i].title));
		size_t need;

		if (t->cols[i].text_hidden)
			continue;
		w->widths[i] = t->cols[i].width > title ? t->cols[i].width : (unsigned)title;
		need = (shown ? GAP : (w->nlines ? INDENT : 0)) + w->widths[i];
		if (shown && used + need > TW_TEXT_WIDTH && w->nlines + 1 < TW_MAX_LINES) {
			w->line_start[++w->nlines] = i;
			need = INDENT + w->widths[i];
			used = 0;
			shown = 0;
		}
		used += need;
		shown++;
	}
	w->line_start[++w->nlines] = t->ncols;
	for (size_t l = 0; l < w->nlines; l++) {
		size_t lw = line_width(w, l);
		size_t spare = lw < TW_TEXT_WIDTH ? TW_TEXT_WIDTH - lw : 0;
		size_t nflex = 0;

		for (size_t i = w->line_start[l]; i < w->line_start[l + 1]; i++)
			nflex += t->cols[i].flex && !t->cols[i].text_hidden;
		for (size_t i = w->line_start[l]; i < w->line_start[l + 1] && nflex; i++)
			if (t->cols[i].flex && !t->cols[i].text_hidden)
				w->widths[i] += (unsigned)(spare / nflex);
	}
	return 0;
}

/* Writes one physical line per layout line; cell(i) gives the text of column i. */
static int emit_lines(struct tw_writer *w, const char *const *text, const size_t *lens)
{
	const struct tw_table *t = w->table;
	int rc = 0;

	for (size_t l = 0; l < w->nlines; l++) {
		size_t end = w->line_start[l + 1], shown = 0;

		if (l)
			rc |= pad(&w->line, INDENT);
		for (size_t i = w->line_start[l]; i < end; i++) {
			if (t->cols[i].text_hidden)
				continue;
			if (shown++)
				rc |= pad(&w->line, GAP);
			rc |= add_cell(w, text[i], lens[i], w->widths[i],
			               is_numeric(t->cols[i].type));
		}
		/* Left-aligned cells were padded: lines end without trailing spaces. */
		while (w->line.len && w->line.buf[w->line.len - 1] == ' ')
			w->line.buf[--w->line.len] = '\0';
		rc |= tw_addch(&w->line, '\n');
	}
	return rc;
}

static int text_begin(struct tw_writer *w, const char *report, const char *title,
                      const char *const *meta)
{
	(void)report; (void)meta;
	strbuf_addstr(&w->line, title);
	strbuf_addch(&w->line, '\n');
	return tw_flush_buf(w, &w->line);
}

static int text_table_begin(struct tw_writer *w)
{
	const struct tw_table *t = w->table;
	const char **titles;
	size_t *lens, rule = 0;
	int rc = 0;

	if (layout(w))
		return w->err = ENOMEM, -1;
	titles = calloc(t->ncols + 1, sizeof *titles);
	lens = calloc(t->ncols + 1, sizeof *lens);
	if (!titles || !lens) {
		free(titles);
		free(lens);
		return w->err = ENOMEM, -1;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		titles[i] = t->cols[i].title;
		lens[i] = strlen(titles[i]);
	}
	rc |= strbuf_addch(&w->line, '\n');
	if (t->title)
		rc |= strbuf_addf(&w->line, "%s\n", t->title);
	rc |= emit_lines(w, titles, lens);
	for (size_t l = 0; l < w->nlines; l++)
		if (line_width(w, l) > rule)
			rule = line_width(w, l);
	while (rule--)
		rc |= strbuf_addch(&w->line, '-');
	rc |= strbuf_addch(&w->line, '\n');
	free(titles);
	free(lens);
	if (rc)
		return w->err = ENOMEM, -1;
	return tw_flush_buf(w, &w->line);
}

static int text_row(struct tw_writer *w, const struct tw_value *vals)
{
	const struct tw_table *t = w->table;
	/* Formatted cells live in one buffer; offsets are turned into pointers at the end,
	 * after the buffer stopped moving. */
	struct strbuf *all = &w->scratch;
	const char *text[TW_MAX_COLS];
	size_t lens[TW_MAX_COLS], offs[TW_MAX_COLS];
	int rc = 0;

	strbuf_reset(all);
	for (size_t i = 0; i < t->ncols; i++) {
		const struct tw_value *v = &vals[i];

		offs[i] = all->len;
		if (v->null)
			;
		else if (t->cols[i].type == TW_MONEY)
			rc |= tw_money(all, v->n, v->decimals, ',');
		else
			rc |= tw_plain(all, t->cols[i].type, v);
		lens[i] = all->len - offs[i];
	}
	for (size_t i = 0; i < t->ncols; i++)
		text[i] = all->buf + offs[i];
	rc |= emit_lines(w, text, lens);
	if (rc)
		return w->err = ENOMEM, -1;
	return w->line.len >= 32768 ? tw_flush_buf(w, &w->line) : 0;
}

static int text_table_end(struct tw_writer *w)
{
	if (w->nrows == 0)
		strbuf_addstr(&w->line, "(none)\n");
	return tw_flush_buf(w, &w->line);
}

static int text_end(struct tw_writer *w)
{
	return tw_flush_buf(w, &w->line);
}

const struct tw_ops TW_TEXT_OPS = { text_begin, text_table_begin, text_row, text_table_end,
	                            text_end };
