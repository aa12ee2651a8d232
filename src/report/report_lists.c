/* matches, exceptions, import-errors: rows streamed from the store straight into the
 * writer, one row in memory at a time. */
#include <stdio.h>

#include "report_internal.h"

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

static int match_row(void *p, const struct store_row *r)
{
	struct report_ctx *ctx = p;
	int dec = report_decimals(r->text[2] ? r->text[2] : "");
	char conf[32];

	report_fixed(r->real, 3, conf, sizeof conf);
	const struct tw_value v[] = {
		TW_INTV(r->num[0]), TW_STR(r->text[0]), TW_STR(r->text[1]), TW_STR(r->text[2]),
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

	if (!rc && tw_table_begin(ctx->w, &T))
		rc = report_write_failed(ctx);
	if (!rc)
		rc = store_report_matches(ctx->st, &ctx->filter, match_row, ctx, ctx->err);
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
		rc = store_report_exceptions(ctx->st, &ctx->filter, exception_row, ctx, ctx->err);
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

int report_import_errors(struct report_ctx *ctx)
{
	static const struct tw_table T = { "import_errors", NULL, IMPORT_COLS,
	                                   sizeof IMPORT_COLS / sizeof IMPORT_COLS[0], true };
	int rc = list_begin(ctx, "import-errors", "Rejected rows");

	if (!rc && tw_table_begin(ctx->w, &T))
		rc = report_write_failed(ctx);
	if (!rc)
		rc = store_report_import_errors(ctx->st, import_error_row, ctx, ctx->err);
	return list_run(ctx, &T, rc);
}
