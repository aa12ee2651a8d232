/* Shared by src/report/ only: the writer's format callbacks and the report context. */
#ifndef PAYMATCH_REPORT_INTERNAL_H
#define PAYMATCH_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "paymatch/report.h"
#include "paymatch/store_report.h"
#include "paymatch/strbuf.h"

/* One output format: the writer calls these in document order. Each returns 0 or -1. */
struct tw_ops {
	int (*begin)(struct tw_writer *w, const char *report, const char *title,
	             const char *const *meta);
	int (*table_begin)(struct tw_writer *w);
	int (*row)(struct tw_writer *w, const struct tw_value *vals);
	int (*table_end)(struct tw_writer *w);
	int (*end)(struct tw_writer *w);
};

#define TW_MAX_LINES 8
#define TW_MAX_COLS 32   /* widest table a report declares */

struct tw_writer {
	const struct tw_ops *ops;
	FILE *out;
	int err;                      /* errno of the first failed write, 0 if none */
	const struct tw_table *table; /* current table */
	size_t ntables;               /* tables begun so far */
	int64_t nrows;                /* rows of the current table */
	struct strbuf line;           /* scratch: one output line or row */
	struct strbuf cell;           /* scratch: one formatted cell */
	struct strbuf scratch;        /* scratch: a row's formatted cells */
	struct strbuf keys;           /* JSON: the table's ,"name": prefixes, made once */
	size_t key_off[TW_MAX_COLS + 1];
	/* text layout of the current table: widths and the first column of each line */
	unsigned *widths;
	size_t line_start[TW_MAX_LINES + 1];
	size_t nlines;
};

extern const struct tw_ops TW_TEXT_OPS;
extern const struct tw_ops TW_CSV_OPS;
extern const struct tw_ops TW_JSON_OPS;

/* The writers' hot path: a million-row report makes tens of millions of appends, and a
 * function call plus a capacity check per byte cost a second (perf). These inline
 * appends check capacity once; sb stays NUL-terminated. Each returns 0 or -1 (no memory). */
static inline int tw_add(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->alloc && strbuf_grow(sb, n))
		return -1;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

static inline int tw_addch(struct strbuf *sb, char c)
{
	if (sb->len + 2 > sb->alloc && strbuf_grow(sb, 1))
		return -1;
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
	return 0;
}

/* Appends n copies of c. */
static inline int tw_fill(struct strbuf *sb, char c, size_t n)
{
	if (sb->len + n + 1 > sb->alloc && strbuf_grow(sb, n))
		return -1;
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

/* True when s (n bytes) is printable ASCII only: no sanitising, one column a byte. */
static inline bool tw_plain_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
			return false;
	return true;
}

/* Appends minor units as a decimal with decimals digits (clamped to 0..18) and, when group
 * is not 0, that thousands separator: the same text as money_to_plain/money_to_display,
 * without their snprintf (a tenth of a million-row report). Returns 0 or -1. */
static inline int tw_money(struct strbuf *sb, int64_t minor, int decimals, char group)
{
	char tmp[48], *p = tmp + sizeof tmp;
	uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	int pos = 0;

	decimals = decimals < 0 ? 0 : decimals > 18 ? 18 : decimals;
	do {
		if (pos == decimals && decimals > 0)
			*--p = '.';
		else if (group && pos > decimals && (pos - decimals) % 3 == 0)
			*--p = group;
		*--p = (char)('0' + mag % 10);
		mag /= 10;
		pos++;
	} while (mag != 0 || pos <= decimals);
	if (minor < 0)
		*--p = '-';
	return tw_add(sb, p, (size_t)(tmp + sizeof tmp - p));
}

/* Writes sb to w->out; returns 0 or -1 (w->err set). */
int tw_flush_buf(struct tw_writer *w, struct strbuf *sb);

/* Appends v of column type t as plain text (money as a plain decimal) to sb. */
int tw_plain(struct strbuf *sb, enum tw_type t, const struct tw_value *v);

/* A running report: what the kind functions get. */
struct report_ctx {
	struct store *st;
	const struct report_options *opt;
	struct tw_writer *w;
	struct pm_error *err;
	struct store_report_filter filter;
	char as_of[11];
	/* matches without joins: payment_id / invoice_id by rowid (report_lists.c) */
	const struct id_table *pay_ids, *inv_ids;
};

/* Returns the minor-unit digits of currency (2 when unknown). */
int report_decimals(const char *currency);

/* Writes v with places decimals ("0.953") into buf, independent of the C locale (a
 * German LC_NUMERIC would print "0,953" and break CSV and JSON); returns buf. */
const char *report_fixed(double v, int places, char *buf, size_t n);

/* Reports a failed tw_* call as PM_EIO in ctx->err; returns PM_EIO. */
int report_write_failed(struct report_ctx *ctx);

int report_summary(struct report_ctx *ctx);
int report_aging(struct report_ctx *ctx);
int report_customers(struct report_ctx *ctx);
int report_exceptions(struct report_ctx *ctx);
int report_matches(struct report_ctx *ctx);
int report_import_errors(struct report_ctx *ctx);

#endif
