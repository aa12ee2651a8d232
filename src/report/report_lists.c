/* matches, exceptions, import-errors: rows streamed from the store into the writer. The
 * SQL runs on this thread and the formatting and writing on a second one (report_pipe.h),
 * so that the two overlap; a batch of rows is in memory at a time, never the report. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "report_pipe.h"

typedef int (*list_query_fn)(struct store *st, const struct store_report_filter *f,
                             store_row_fn fn, void *ctx, struct pm_error *err);

struct piped {
	struct report_pipe *pipe;
	int ntext, nnum;
	store_row_fn fn;
	struct report_ctx consumer;   /* the writer's side: its own error, merged at the end */
	struct pm_error consumer_err;
};

static int pack_row(void *p, const struct store_row *r)
{
	struct piped *pp = p;

	return pipe_put_row(pp->pipe, r, pp->ntext, pp->nnum) ? PM_EIO : 0;
}

static int unpack_row(void *p, const unsigned char *rec, size_t len)
{
	struct piped *pp = p;
	const char *text[16];
	int64_t num[8];
	bool is_null[8];
	struct store_row r;

	(void)len;
	if (!rec)
		return 0;
	pipe_unpack_row(rec, &r, text, num, is_null);
	return pp->fn(&pp->consumer, &r);
}

/* Runs query with fn on the writer's thread; without a thread, on this one. */
static int run_piped(struct report_ctx *ctx, list_query_fn query, store_row_fn fn, int ntext,
                     int nnum)
{
	struct piped pp = { .ntext = ntext, .nnum = nnum, .fn = fn, .consumer = *ctx };
	int rc, consumed;

	pm_error_clear(&pp.consumer_err);
	pp.consumer.err = &pp.consumer_err;
	if (!(pp.pipe = pipe_start(unpack_row, &pp)))
		return query(ctx->st, &ctx->filter, fn, ctx, ctx->err);
	rc = query(ctx->st, &ctx->filter, pack_row, &pp, ctx->err);
	consumed = pipe_finish(pp.pipe);
	if (pp.consumer_err.code)   /* the writer failed first: its error is the one */
		*ctx->err = pp.consumer_err;
	else if (consumed || (rc && !ctx->err->code))
		pm_error_set(ctx->err, PM_ESOFTWARE, "out of memory");
	return ctx->err->code ? ctx->err->code : rc;
}

static int list_begin(struct report_ctx *ctx, const char *report, const char *what)
{
	char title[160];
	const char *meta[] = { "as_of", ctx->as_of, "customer", ctx->opt->customer,
	                       "currency", ctx->opt->currency, NULL };

	snprintf(title, sizeof title, "%s as of %s%s%s%s%s", what, ctx->as_of,
	         ctx->opt->customer ? ", customer " : "", ctx->opt->customer ? ctx->opt->customer : "",
	         ctx->opt->currency ? ", currency " : "", ctx->opt->currency ? ctx->opt->currency : "");
	return tw_begin(ctx->w, report, title, meta) ? report_write_failed(ctx) : 0;
}

static int list_run(struct report_ctx *ctx, const struct tw_table *t, int rc)
{
	if (!rc && tw_table_end(ctx->w))
		rc = report_write_failed(ctx);
	(void)t;
	return rc;
}

static const struct tw_column MATCH_COLS[] = {
	{ "allocation_id", "Id", TW_INT, 7, false, false },
	{ "payment_id", "Payment", TW_SOURCE, 12, true, false },
	{ "invoice_id", "Invoice", TW_SOURCE, 12, true, false },
	{ "currency", "Cur", TW_TEXT, 3, false, false },
	{ "amount_applied", "Applied", TW_MONEY, 13, false, false },
	{ "deduction", "Deduction", TW_MONEY, 10, false, false },
	{ "confidence", "Conf", TW_NUMBER, 5, false, false },
	{ "rule", "Rule", TW_TEXT, 12, false, false },
	{ "status", "Status", TW_TEXT, 9, false, false },
	{ "decided_by", "By", TW_SOURCE, 10, false, false },
	{ "decided_at", "Decided at", TW_TEXT, 20, false, false },
	{ "reason_code", "Reason", TW_SOURCE, 10, false, false },
	{ "created_at", "Created at", TW_TEXT, 20, false, true },
	{ "explanation", "Explanation", TW_SOURCE, 30, true, false },
};

/* Natural ids by rowid, loaded in one scan each: a lookup in memory instead of two B-tree
 * searches per allocation. off[row] is the id's offset + 1 in arena, 0 for no row. */
struct id_table {
	struct strbuf arena;
	uint32_t *off;
	size_t n;
	bool oom;
};

static int id_add(void *p, int64_t row, const char *id, size_t len)
{
	struct id_table *t = p;

	if (row <= 0 || row > INT32_MAX || t->arena.len + len + 2 > UINT32_MAX)
		return 0;   /* not a rowid this table can hold: looked up as missing */
	if ((size_t)row >= t->n) {
		size_t n = t->n ? t->n : 1024;
		uint32_t *o;

		while (n <= (size_t)row)
			n *= 2;
		if (!(o = realloc(t->off, n * sizeof *o)))
			return t->oom = true, PM_ESOFTWARE;
		memset(o + t->n, 0, (n - t->n) * sizeof *o);
		t->off = o;
		t->n = n;
	}
	t->off[row] = (uint32_t)t->arena.len + 1;
	if (tw_add(&t->arena, id, len) || tw_addch(&t->arena, '\0'))
		return t->oom = true, PM_ESOFTWARE;
	return 0;
}

static const char *id_get(const struct id_table *t, int64_t row)
{
	if (row <= 0 || (uint64_t)row >= t->n || !t->off[row])
		return NULL;
	return t->arena.buf + t->off[row] - 1;
}

static int id_load(struct report_ctx *ctx, int what, struct id_table *t)
{
	int rc;

	strbuf_init(&t->arena);
	rc = store_report_natural_ids(ctx->st, what, id_add, t, ctx->err);
	if (t->oom)
		return pm_error_set(ctx->err, PM_ESOFTWARE, "out of memory");
	return rc;
}

static void id_free(struct id_table *t)
{
	strbuf_release(&t->arena);
	free(t->off);
}

static int match_row(void *p, const struct store_row *r)
{
	struct report_ctx *ctx = p;
	int dec = report_decimals(r->text[2] ? r->text[2] : "");
	const char *payment = r->text[0], *invoice = r->text[1];
	char conf[32];

	if (ctx->pay_ids && !payment)
		payment = id_get(ctx->pay_ids, r->num[3]);
	if (ctx->inv_ids && !invoice)
		invoice = id_get(ctx->inv_ids, r->num[4]);
	report_fixed(r->real, 3, conf, sizeof conf);
	const struct tw_value v[] = {
		TW_INTV(r->num[0]), TW_STR(payment), TW_STR(invoice), TW_STR(r->text[2]),
		TW_MONEYV(r->num[1], dec), TW_MONEYV(r->num[2], dec), TW_STR(conf),
		TW_STR(r->text[3]), TW_STR(r->text[4]), TW_STR(r->text[6]), TW_STR(r->text[7]),
		TW_STR(r->text[5]), TW_STR(r->text[9]), TW_STR(r->text[8]),
	};
	return tw_row(ctx->w, v) ? report_write_failed(ctx) : 0;
}

int report_matches(struct report_ctx *ctx)
{
	static const struct tw_table T = { "matches", NULL, MATCH_COLS,
	                                   sizeof MATCH_COLS / sizeof MATCH_COLS[0], true };
	int rc = list_begin(ctx, "matches", "Matches");
	struct id_table pay = { 0 }, inv = { 0 };

	if (!rc && tw_table_begin(ctx->w, &T))
		rc = report_write_failed(ctx);
	if (!rc && ctx->opt->customer)   /* a few rows: joins by index are cheaper */
		rc = run_piped(ctx, store_report_matches, match_row, 10, 5);
	else if (!rc && !(rc = id_load(ctx, 1, &pay)) && !(rc = id_load(ctx, 0, &inv))) {
		ctx->pay_ids = &pay;
		ctx->inv_ids = &inv;
		rc = run_piped(ctx, store_report_match_rows, match_row, 10, 5);
		ctx->pay_ids = ctx->inv_ids = NULL;
	}
	id_free(&pay);
	id_free(&inv);
	return list_run(ctx, &T, rc);
}

static const struct tw_column EXC_COLS[] = {
	{ "exception_id", "Id", TW_INT, 6, false, false },
	{ "kind", "Kind", TW_TEXT, 17, false, false },
	{ "currency", "Cur", TW_TEXT, 3, false, false },
	{ "amount", "Amount", TW_MONEY, 13, false, false },
	{ "confidence", "Conf", TW_NUMBER, 5, false, false },
	{ "customer_id", "Customer", TW_SOURCE, 10, true, false },
	{ "payment_id", "Payment", TW_SOURCE, 12, true, false },
	{ "payment_date", "Paid on", TW_TEXT, 10, false, false },
	{ "payment_amount", "Payment amt", TW_MONEY, 13, false, false },
	{ "payer_name", "Payer", TW_SOURCE, 14, true, false },
	{ "invoice_id", "Invoice", TW_SOURCE, 12, true, false },
	{ "invoice_amount", "Invoice amt", TW_MONEY, 13, false, false },
	{ "candidate_invoice_id", "Best candidate", TW_SOURCE, 14, true, false },
	{ "reason", "Why not accepted", TW_SOURCE, 30, true, false },
};

static int exception_row(void *p, const struct store_row *r)
{
	struct report_ctx *ctx = p;
	const char *cur = r->text[6] && r->text[6][0] ? r->text[6] : "";
	char conf[32];

	report_fixed(r->real, 3, conf, sizeof conf);
	const struct tw_value v[] = {
		TW_INTV(r->num[0]), TW_STR(r->text[0]), TW_STR(cur),
		TW_MONEYV(r->num[1], report_decimals(cur)),
		r->num[4] ? TW_STR(conf) : TW_NULL, TW_STR(r->text[5]), TW_STR(r->text[1]),
		TW_STR(r->text[2]),
		r->is_null[2] ? TW_NULL : TW_MONEYV(r->num[2], report_decimals(r->text[9])),
		TW_STR(r->text[3]), TW_STR(r->text[4]),
		r->is_null[3] ? TW_NULL : TW_MONEYV(r->num[3], report_decimals(r->text[10])),
		TW_STR(r->text[7]), TW_STR(r->text[8]),
	};
	return tw_row(ctx->w, v) ? report_write_failed(ctx) : 0;
}

int report_exceptions(struct report_ctx *ctx)
{
	static const struct tw_table T = { "exceptions", NULL, EXC_COLS,
	                                   sizeof EXC_COLS / sizeof EXC_COLS[0], true };
	int rc = list_begin(ctx, "exceptions", "Open exceptions");

	if (!rc && tw_table_begin(ctx->w, &T))
		rc = report_write_failed(ctx);
	if (!rc)
		rc = run_piped(ctx, store_report_exceptions, exception_row, 11, 5);
	return list_run(ctx, &T, rc);
}

static const struct tw_column IMPORT_COLS[] = {
	{ "file", "File", TW_SOURCE, 16, true, false },
	{ "line", "Line", TW_INT, 7, false, false },
	{ "column", "Column", TW_SOURCE, 12, false, false },
	{ "reason", "Reason", TW_SOURCE, 30, true, false },
	{ "raw", "Raw text", TW_SOURCE, 40, true, false },
};

static int import_error_row(void *p, const struct store_row *r)
{
	struct report_ctx *ctx = p;
	const struct tw_value v[] = {
		TW_STR(r->text[0]), TW_INTV(r->num[0]), TW_STR(r->text[1]), TW_STR(r->text[2]),
		TW_STR(r->text[3]),
	};

	return tw_row(ctx->w, v) ? report_write_failed(ctx) : 0;
}

static int import_errors_query(struct store *st, const struct store_report_filter *f,
                               store_row_fn fn, void *ctx, struct pm_error *err)
{
	(void)f;
	return store_report_import_errors(st, fn, ctx, err);
}

int report_import_errors(struct report_ctx *ctx)
{
	static const struct tw_table T = { "import_errors", NULL, IMPORT_COLS,
	                                   sizeof IMPORT_COLS / sizeof IMPORT_COLS[0], true };
	int rc = list_begin(ctx, "import-errors", "Rejected rows");

	if (!rc && tw_table_begin(ctx->w, &T))
		rc = report_write_failed(ctx);
	if (!rc)
		rc = run_piped(ctx, import_errors_query, import_error_row, 4, 2);
	return list_run(ctx, &T, rc);
}
