/* summary: one table of metrics (metric, currency, count, amount, value), in a fixed order:
 * invoices, payments, allocations by status, match rates, open receivables, unapplied cash,
 * open exceptions by kind, last runs. Sums are made in one pass over each table. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

static const char *const STATUSES[] = { "auto", "suggested", "confirmed", "manual", "rejected" };
#define NSTATUS (sizeof STATUSES / sizeof STATUSES[0])

struct cur_sums {
	char currency[8];
	int64_t inv_n, inv_amount, pay_n, pay_amount;
	int64_t st_n[NSTATUS], st_amount[NSTATUS];
	int64_t settled;      /* applied + deduction of APPLIED allocations on invoices */
	int64_t paid;         /* amount_applied of APPLIED allocations of payments */
};

struct summary {
	struct cur_sums *c;
	size_t n, alloc;
	unsigned char *seen;  /* bitmap of payment rows with an applied allocation */
	size_t seen_bytes;
	int64_t paid_payments;
	struct report_ctx *ctx;
};

static struct cur_sums *sums_get(struct summary *s, const char *currency)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->c[i].currency, currency) == 0)
			return &s->c[i];
	if (PM_GROW(s->c, s->n + 1, s->alloc))
		return NULL;
	memset(&s->c[s->n], 0, sizeof s->c[0]);
	snprintf(s->c[s->n].currency, sizeof s->c[0].currency, "%s", currency);
	return &s->c[s->n++];
}

static int add_total(void *p, const char *key, const char *currency, int64_t count,
                     int64_t amount)
{
	struct cur_sums *c = sums_get(p, currency);

	if (!c)
		return PM_ESOFTWARE;
	if (strcmp(key, "invoices") == 0)
		c->inv_n += count, c->inv_amount += amount;
	else
		c->pay_n += count, c->pay_amount += amount;
	return 0;
}

static int mark_paid(struct summary *s, int64_t row)
{
	size_t byte = (size_t)row / 8;

	if (byte >= s->seen_bytes) {
		size_t n = s->seen_bytes ? s->seen_bytes : 4096;
		unsigned char *b;

		while (n <= byte)
			n *= 2;
		if (!(b = realloc(s->seen, n)))
			return PM_ESOFTWARE;
		memset(b + s->seen_bytes, 0, n - s->seen_bytes);
		s->seen = b;
		s->seen_bytes = n;
	}
	if (!(s->seen[byte] & (1u << (row % 8)))) {
		s->seen[byte] |= (unsigned char)(1u << (row % 8));
		s->paid_payments++;
	}
	return 0;
}

static int add_alloc(void *p, const struct store_alloc_row *a)
{
	struct summary *s = p;
	struct cur_sums *c = sums_get(s, a->currency);
	bool applied = false;

	if (!c)
		return PM_ESOFTWARE;
	for (size_t k = 0; k < NSTATUS; k++) {
		if (strcmp(a->status, STATUSES[k]) != 0)
			continue;
		c->st_n[k]++;
		c->st_amount[k] += a->applied + a->deduction;
		applied = k == 0 || k == 2 || k == 3;
	}
	if (!applied)
		return 0;
	if (a->invoice_row)
		c->settled += a->applied + a->deduction;
	if (a->payment_row) {
		c->paid += a->applied;
		return mark_paid(s, a->payment_row);
	}
	return 0;
}

static int metric(struct report_ctx *ctx, const char *name, const char *currency,
                  struct tw_value count, struct tw_value amount, const char *value)
{
	const struct tw_value v[] = { TW_STR(name), TW_STR(currency), count, amount, TW_STR(value) };

	return tw_row(ctx->w, v) ? report_write_failed(ctx) : 0;
}

/* Writes a percentage num/den with two decimals into buf; "" when den is 0. */
static const char *percent(int64_t num, int64_t den, char *buf, size_t n)
{
	if (den <= 0)
		return NULL;
	report_fixed(100.0 * (double)num / (double)den, 2, buf, n);
	return buf;
}

static int currency_metrics(struct report_ctx *ctx, const struct cur_sums *c)
{
	int dec = report_decimals(c->currency);
	char name[48], pct[32];
	int rc = 0;

	rc |= metric(ctx, "invoices", c->currency, TW_INTV(c->inv_n),
	             TW_MONEYV(c->inv_amount, dec), NULL);
	rc |= metric(ctx, "payments", c->currency, TW_INTV(c->pay_n),
	             TW_MONEYV(c->pay_amount, dec), NULL);
	for (size_t k = 0; k < NSTATUS && !rc; k++) {
		snprintf(name, sizeof name, "allocations.%s", STATUSES[k]);
		rc |= metric(ctx, name, c->currency, TW_INTV(c->st_n[k]),
		             TW_MONEYV(c->st_amount[k], dec), NULL);
	}
	rc |= metric(ctx, "match_rate_amount_percent", c->currency, TW_NULL, TW_NULL,
	             percent(c->paid, c->pay_amount, pct, sizeof pct));
	rc |= metric(ctx, "open_receivables", c->currency, TW_NULL,
	             TW_MONEYV(c->inv_amount - c->settled, dec), NULL);
	rc |= metric(ctx, "unapplied_cash", c->currency, TW_NULL,
	             TW_MONEYV(c->pay_amount - c->paid, dec), NULL);
	return rc ? PM_EIO : 0;
}

static int exception_metric(void *p, const char *kind, const char *currency, int64_t count,
                            int64_t amount)
{
	struct report_ctx *ctx = p;
	char name[64];

	snprintf(name, sizeof name, "exceptions.%s", kind);
	return metric(ctx, name, currency, TW_INTV(count),
	              TW_MONEYV(amount, report_decimals(currency)), NULL);
}

static int run_metric(void *p, const char *kind, const char *at, int64_t ms, int64_t unused)
{
	struct report_ctx *ctx = p;
	char name[64];
	int rc;

	(void)unused;
	snprintf(name, sizeof name, "last_%s.finished_at", kind);
	rc = metric(ctx, name, NULL, TW_NULL, TW_NULL, at);
	snprintf(name, sizeof name, "last_%s.duration_ms", kind);
	return rc ? rc : metric(ctx, name, NULL, TW_INTV(ms), TW_NULL, NULL);
}

static int cur_cmp(const void *x, const void *y)
{
	return strcmp(((const struct cur_sums *)x)->currency, ((const struct cur_sums *)y)->currency);
}

static int summary_collect(struct report_ctx *ctx, struct summary *s)
{
	const char *cur = ctx->opt->currency;
	int rc;

	if ((rc = store_report_totals(ctx->st, 0, cur, add_total, s, ctx->err)) ||
	    (rc = store_report_totals(ctx->st, 1, cur, add_total, s, ctx->err)) ||
	    (rc = store_report_allocation_stream(ctx->st, cur, add_alloc, s, ctx->err)))
		return rc == PM_ESOFTWARE && !ctx->err->code ?
		       pm_error_set(ctx->err, rc, "out of memory") : rc;
	if (s->n)
		qsort(s->c, s->n, sizeof *s->c, cur_cmp);
	return 0;
}

int report_summary(struct report_ctx *ctx)
{
	static const struct tw_column COLS[] = {
		{ "metric", "Metric", TW_TEXT, 26, true, false },
		{ "currency", "Cur", TW_TEXT, 3, false, false },
		{ "count", "Count", TW_INT, 10, false, false },
		{ "amount", "Amount", TW_MONEY, 16, false, false },
		{ "value", "Value", TW_TEXT, 15, false, false },
	};
	static const struct tw_table T = { "summary", NULL, COLS, 5, true };
	const char *meta[] = { "as_of", ctx->as_of, "currency", ctx->opt->currency, NULL };
	struct summary s = { .ctx = ctx };
	char title[96], pct[32];
	int64_t npay = 0;
	int rc = summary_collect(ctx, &s);

	snprintf(title, sizeof title, "Summary as of %s%s%s", ctx->as_of,
	         ctx->opt->currency ? ", currency " : "", ctx->opt->currency ? ctx->opt->currency : "");
	if (!rc && (tw_begin(ctx->w, "summary", title, meta) || tw_table_begin(ctx->w, &T)))
		rc = report_write_failed(ctx);
	for (size_t i = 0; i < s.n && !rc; i++) {
		rc = currency_metrics(ctx, &s.c[i]);
		npay += s.c[i].pay_n;
	}
	if (!rc)
		rc = metric(ctx, "match_rate_count_percent", NULL, TW_INTV(s.paid_payments), TW_NULL,
		            percent(s.paid_payments, npay, pct, sizeof pct));
	if (!rc)
		rc = store_report_exception_counts(ctx->st, ctx->opt->currency, exception_metric, ctx,
		                                   ctx->err);
	if (!rc)
		rc = store_report_last_runs(ctx->st, run_metric, ctx, ctx->err);
	if (!rc && tw_table_end(ctx->w))
		rc = report_write_failed(ctx);
	free(s.c);
	free(s.seen);
	return rc;
}
