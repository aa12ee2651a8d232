/* The table writer: one interface, three formats (report_text.c, report_csv.c,
 * report_json.c). Reports emit each row once; the format decides how it looks. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

struct tw_writer *tw_new(enum report_format fmt, FILE *out)
{
	struct tw_writer *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	w->ops = fmt == REPORT_CSV ? &TW_CSV_OPS : fmt == REPORT_JSON ? &TW_JSON_OPS : &TW_TEXT_OPS;
	w->out = out;
	strbuf_init(&w->line);
	strbuf_init(&w->cell);
	strbuf_init(&w->scratch);
	strbuf_init(&w->keys);
	return w;
}

void tw_free(struct tw_writer *w)
{
	if (!w)
		return;
	strbuf_release(&w->line);
	strbuf_release(&w->cell);
	strbuf_release(&w->scratch);
	strbuf_release(&w->keys);
	free(w->widths);
	free(w);
}

int tw_errno(const struct tw_writer *w)
{
	return w->err;
}

int tw_flush_buf(struct tw_writer *w, struct strbuf *sb)
{
	if (w->err)
		return -1;
	if (sb->len && fwrite(sb->buf, 1, sb->len, w->out) != sb->len) {
		w->err = errno ? errno : EIO;
		return -1;
	}
	strbuf_reset(sb);
	return 0;
}

int tw_plain(struct strbuf *sb, enum tw_type t, const struct tw_value *v)
{
	char buf[64];

	if (v->null)
		return 0;
	switch (t) {
	case TW_INT: {
		/* By hand: vsnprintf per cell was a tenth of a million-row report. */
		char *p = buf + sizeof buf;
		uint64_t u = v->n < 0 ? (uint64_t)0 - (uint64_t)v->n : (uint64_t)v->n;

		do
			*--p = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		if (v->n < 0)
			*--p = '-';
		return tw_add(sb, p, (size_t)(buf + sizeof buf - p));
	}
	case TW_MONEY:
		return tw_money(sb, v->n, v->decimals, 0);
	default:
		return v->s ? tw_add(sb, v->s, strlen(v->s)) : 0;
	}
}

int tw_begin(struct tw_writer *w, const char *report, const char *title, const char *const *meta)
{
	if (w->err)
		return -1;
	return w->ops->begin(w, report, title, meta);
}

int tw_table_begin(struct tw_writer *w, const struct tw_table *t)
{
	if (w->err)
		return -1;
	if (t->ncols > TW_MAX_COLS) {
		w->err = EINVAL;
		return -1;
	}
	w->table = t;
	w->nrows = 0;
	return w->ops->table_begin(w);
}

int tw_row(struct tw_writer *w, const struct tw_value *vals)
{
	if (w->err)
		return -1;
	if (w->ops->row(w, vals))
		return -1;
	w->nrows++;
	return 0;
}

int tw_table_end(struct tw_writer *w)
{
	int rc;

	if (w->err)
		return -1;
	rc = w->ops->table_end(w);
	w->ntables++;
	w->table = NULL;
	return rc;
}

int tw_end(struct tw_writer *w)
{
	if (w->err)
		return -1;
	if (w->ops->end(w))
		return -1;
	if (fflush(w->out) != 0) {
		w->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}
