/* aging and customers: open balances bucketed by days past due at the as-of date.
 * One pass over the streamed invoices, allocations and payments adds each amount into a
 * hash of (customer, currency) groups (thousands of groups, never the million rows); the
 * groups are then sorted and written. The closing check recomputes invoices - applied per
 * currency from independent queries (store_report_ledger_scan). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#define NB_MAX (REPORT_MAX_BUCKETS + 2)

struct group {
	char *customer;
	char *name;
	char currency[8];
	int64_t bucket[NB_MAX];   /* 0 current, 1..nb, nb+1 over the last bound */
	int64_t unapplied;
	int64_t exceptions;
	bool name_from_invoice;
};

struct aging {
	struct group *g;
	size_t n, alloc;
	uint32_t *slot;           /* open addressing: group index + 1, 0 = empty */
	size_t nslot;
	char bound[REPORT_MAX_BUCKETS + 1][11];
	size_t nb;
	bool oom;
};

size_t report_aging_bucket(const char *date, pm_date as_of, const int64_t *bounds, size_t n)
{
	char b[11];

	if (strcmp(date, date_to_iso(as_of, b, sizeof b)) >= 0)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (strcmp(date, date_to_iso(as_of - (pm_date)bounds[k], b, sizeof b)) >= 0)
			return k + 1;
	return n + 1;
}

/* The same rule on precomputed bound strings: ISO dates compare as strings, which keeps
 * a million comparisons cheap. bound[0] is the as-of date, bound[k] as-of - bounds[k-1]. */
static size_t bucket_of(const struct aging *a, const char *date)
{
	for (size_t k = 0; k <= a->nb; k++)
		if (strcmp(date, a->bound[k]) >= 0)
			return k;
	return a->nb + 1;
}

static uint64_t hash_key(const char *customer, const char *currency)
{
	uint64_t h = 1469598103934665603u;   /* FNV-1a */

	for (const char *p = customer; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	h = (h ^ 0xff) * 1099511628211u;
	for (const char *p = currency; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	return h;
}

static int rehash(struct aging *a)
{
	size_t n = a->nslot ? a->nslot * 2 : 1024;
	uint32_t *s = calloc(n, sizeof *s);

	if (!s)
		return -1;
	for (size_t i = 0; i < a->n; i++) {
		size_t j = hash_key(a->g[i].customer, a->g[i].currency) & (n - 1);

		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = (uint32_t)(i + 1);
	}
	free(a->slot);
	a->slot = s;
	a->nslot = n;
	return 0;
}

static struct group *group_get(struct aging *a, const char *customer, const char *currency)
{
	size_t j;
	struct group *g;

	if ((a->n + 1) * 2 > a->nslot && rehash(a))
		return NULL;
	j = hash_key(customer, currency) & (a->nslot - 1);
	for (; a->slot[j]; j = (j + 1) & (a->nslot - 1)) {
		g = &a->g[a->slot[j] - 1];
		if (strcmp(g->customer, customer) == 0 && strcmp(g->currency, currency) == 0)
			return g;
	}
	if (PM_GROW(a->g, a->n + 1, a->alloc))
		return NULL;
	g = &a->g[a->n];
	memset(g, 0, sizeof *g);
	if (!(g->customer = strdup(customer)))
		return NULL;
	snprintf(g->currency, sizeof g->currency, "%s", currency);
	a->slot[j] = (uint32_t)++a->n;
	return g;
}

static int add_tuple(void *ctx, const struct store_aging_tuple *t)
{
	struct aging *a = ctx;
	struct group *g = group_get(a, t->customer_id, t->currency);

	if (!g)
		return a->oom = true, PM_ESOFTWARE;
	switch (t->what) {
	case AGING_INVOICED: g->bucket[bucket_of(a, t->date)] += t->amount; break;
	case AGING_APPLIED: g->bucket[bucket_of(a, t->date)] -= t->amount; break;
	case AGING_RECEIVED: g->unapplied += t->amount; break;
	case AGING_PAID_APPLIED: g->unapplied -= t->amount; break;
	}
	/* The invoice's customer name wins over a payer name. */
	if (t->name[0] && (!g->name || (t->what == AGING_INVOICED && !g->name_from_invoice))) {
		char *n = strdup(t->name);

		if (!n)
			return a->oom = true, PM_ESOFTWARE;
		free(g->name);
		g->name = n;
		g->name_from_invoice = t->what == AGING_INVOICED;
	}
	return 0;
}

static int add_exceptions(void *ctx, const char *customer, const char *currency, int64_t count)
{
	struct aging *a = ctx;
	struct group *g = group_get(a, customer, currency);

	if (!g)
		return a->oom = true, PM_ESOFTWARE;
	g->exceptions += count;
	return 0;
}

static int group_cmp(const void *x, const void *y)
{
	const struct group *a = x, *b = y;
	int c = strcmp(a->customer, b->customer);

	return c ? c : strcmp(a->currency, b->currency);
}

static void aging_free(struct aging *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->g[i].customer);
		free(a->g[i].name);
	}
	free(a->g);
	free(a->slot);
}

static const char *group_name(const struct group *g)
{
	if (!g->customer[0])
		return "(no customer id)";
	return g->name ? g->name : "";
}

/* Streams the data into a->groups and sorts them. */
static int aging_collect(struct report_ctx *ctx, struct aging *a, bool exceptions)
{
	const struct report_options *o = ctx->opt;
	int rc;

	a->nb = o->nbuckets;
	date_to_iso(o->as_of, a->bound[0], sizeof a->bound[0]);
	for (size_t k = 0; k < a->nb; k++)
		date_to_iso(o->as_of - (pm_date)o->buckets[k], a->bound[k + 1], sizeof a->bound[0]);
	rc = store_report_aging_scan(ctx->st, &ctx->filter, add_tuple, a, ctx->err);
	if (!rc && exceptions)
		rc = store_report_exception_customers(ctx->st, &ctx->filter, add_exceptions, a,
		                                      ctx->err);
	if (a->oom)
		return pm_error_set(ctx->err, PM_ESOFTWARE, "out of memory");
	if (rc)
		return rc;
	/* Slots point into the unsorted array; they are not needed any more. */
	if (a->n)
		qsort(a->g, a->n, sizeof *a->g, group_cmp);
	return 0;
}

struct names {
	char name[NB_MAX][48];
	char title[NB_MAX][48];
};

/* Fills bucket column names and titles from the bounds: current, days_1_30, ... */
static void bucket_names(const struct report_options *o, struct names *nm)
{
	int64_t lo = 1;

	snprintf(nm->name[0], sizeof nm->name[0], "current");
	snprintf(nm->title[0], sizeof nm->title[0], "Current");
	for (size_t k = 0; k < o->nbuckets; k++) {
		snprintf(nm->name[k + 1], sizeof nm->name[0], "days_%" PRId64 "_%" PRId64, lo,
		         o->buckets[k]);
		snprintf(nm->title[k + 1], sizeof nm->title[0], "%" PRId64 "-%" PRId64, lo,
		         o->buckets[k]);
		lo = o->buckets[k] + 1;
	}
	snprintf(nm->name[o->nbuckets + 1], sizeof nm->name[0], "days_over_%" PRId64, lo - 1);
	snprintf(nm->title[o->nbuckets + 1], sizeof nm->title[0], "Over %" PRId64, lo - 1);
}

struct currency_total {
	char currency[8];
	int64_t bucket[NB_MAX];
	int64_t unapplied;
	int64_t invoiced, applied;   /* from the ledger queries */
	bool in_ledger;
};

struct totals {
	struct currency_total *t;
	size_t n, alloc;
};

static struct currency_total *total_get(struct totals *ts, const char *currency)
{
	for (size_t i = 0; i < ts->n; i++)
		if (strcmp(ts->t[i].currency, currency) == 0)
			return &ts->t[i];
	if (PM_GROW(ts->t, ts->n + 1, ts->alloc))
		return NULL;
	memset(&ts->t[ts->n], 0, sizeof ts->t[0]);
	snprintf(ts->t[ts->n].currency, sizeof ts->t[0].currency, "%s", currency);
	return &ts->t[ts->n++];
}

static int total_cmp(const void *x, const void *y)
{
	return strcmp(((const struct currency_total *)x)->currency,
	              ((const struct currency_total *)y)->currency);
}

static int add_ledger(void *ctx, bool is_invoice, const char *currency, int64_t amount)
{
	struct currency_total *t = total_get(ctx, currency);

	if (!t)
		return PM_ESOFTWARE;
	t->in_ledger = true;
	if (is_invoice)
		t->invoiced += amount;
	else
		t->applied += amount;
	return 0;
}

static const char *basis_name(const struct report_options *o)
{
	return o->basis_invoice_date ? "invoice_date" : "due_date";
}

static int aging_begin(struct report_ctx *ctx, const char *report, const char *what)
{
	struct strbuf title = STRBUF_INIT;
	char buckets[128] = "";
	size_t len = 0;
	int rc;

	for (size_t k = 0; k < ctx->opt->nbuckets; k++)
		len += (size_t)snprintf(buckets + len, sizeof buckets - len, "%s%" PRId64,
		                        k ? "," : "", ctx->opt->buckets[k]);
	const char *meta[] = { "as_of", ctx->as_of, "basis", basis_name(ctx->opt),
	                       "buckets", buckets, "customer", ctx->opt->customer,
	                       "currency", ctx->opt->currency, NULL };
	strbuf_init(&title);
	strbuf_addf(&title, "%s as of %s (days past the %s)%s%s%s%s", what, ctx->as_of,
	            ctx->opt->basis_invoice_date ? "invoice date" : "due date",
	            ctx->opt->customer ? ", customer " : "",
	            ctx->opt->customer ? ctx->opt->customer : "",
	            ctx->opt->currency ? ", currency " : "",
	            ctx->opt->currency ? ctx->opt->currency : "");
	rc = tw_begin(ctx->w, report, title.buf, meta);
	strbuf_release(&title);
	return rc ? report_write_failed(ctx) : 0;
}


static bool group_empty(const struct group *g, size_t nb)
{
	for (size_t k = 0; k < nb + 2; k++)
		if (g->bucket[k])
			return false;
	return g->unapplied == 0 && g->exceptions == 0;
}

static int64_t group_open(const struct group *g, size_t nb)
{
	int64_t sum = 0;

	for (size_t k = 0; k < nb + 2; k++)
		sum += g->bucket[k];
	return sum;
}

/* Columns of the aging table: row_type, customer, name, currency, buckets, total, unapplied. */
static size_t aging_columns(const struct report_options *o, const struct names *nm,
                            struct tw_column *c)
{
	size_t n = 0;

	c[n++] = (struct tw_column){ "row_type", "Row", TW_TEXT, 8, false, true };
	c[n++] = (struct tw_column){ "customer_id", "Customer", TW_SOURCE, 10, false, false };
	c[n++] = (struct tw_column){ "customer_name", "Name", TW_SOURCE, 12, true, false };
	c[n++] = (struct tw_column){ "currency", "Cur", TW_TEXT, 3, false, false };
	for (size_t k = 0; k < o->nbuckets + 2; k++)
		c[n++] = (struct tw_column){ nm->name[k], nm->title[k], TW_MONEY, 13, false, false };
	c[n++] = (struct tw_column){ "open_total", "Total", TW_MONEY, 13, false, false };
	c[n++] = (struct tw_column){ "unapplied_cash", "Unapplied", TW_MONEY, 13, false, false };
	return n;
}

static int aging_row(struct report_ctx *ctx, const char *type, const char *customer,
                     const char *name, const char *currency, const int64_t *bucket,
                     int64_t unapplied)
{
	struct tw_value v[TW_MAX_COLS];
	size_t n = 0, nb = ctx->opt->nbuckets;
	int dec = report_decimals(currency);
	int64_t open = 0;

	v[n++] = TW_STR(type);
	v[n++] = TW_STR(customer);
	v[n++] = TW_STR(name);
	v[n++] = TW_STR(currency);
	for (size_t k = 0; k < nb + 2; k++) {
		v[n++] = TW_MONEYV(bucket[k], dec);
		open += bucket[k];
	}
	v[n++] = TW_MONEYV(open, dec);
	v[n++] = TW_MONEYV(unapplied, dec);
	return tw_row(ctx->w, v) ? report_write_failed(ctx) : 0;
}

static int aging_check(struct report_ctx *ctx, struct totals *ts)
{
	static const struct tw_column COLS[] = {
		{ "currency", "Cur", TW_TEXT, 3, false, false },
		{ "invoiced", "Invoiced", TW_MONEY, 14, false, false },
		{ "applied", "Applied", TW_MONEY, 14, false, false },
		{ "open_ledger", "Inv - applied", TW_MONEY, 14, false, false },
		{ "open_aged", "Aged open", TW_MONEY, 14, false, false },
		{ "status", "Check", TW_TEXT, 8, false, false },
	};
	static const struct tw_table T = { "check", "Check: open balances = invoices - applied "
	                                   "(independent queries)", COLS, 6, false };
	int rc = store_report_ledger_scan(ctx->st, &ctx->filter, add_ledger, ts, ctx->err);

	if (rc)
		return rc == PM_ESOFTWARE && !ctx->err->code ?
		       pm_error_set(ctx->err, rc, "out of memory") : rc;
	if (ts->n)
		qsort(ts->t, ts->n, sizeof *ts->t, total_cmp);
	if (tw_table_begin(ctx->w, &T))
		return report_write_failed(ctx);
	for (size_t i = 0; i < ts->n; i++) {
		const struct currency_total *t = &ts->t[i];
		int dec = report_decimals(t->currency);
		int64_t aged = 0;

		for (size_t k = 0; k < ctx->opt->nbuckets + 2; k++)
			aged += t->bucket[k];
		const struct tw_value v[] = {
			TW_STR(t->currency), TW_MONEYV(t->invoiced, dec), TW_MONEYV(t->applied, dec),
			TW_MONEYV(t->invoiced - t->applied, dec), TW_MONEYV(aged, dec),
			TW_STR(aged == t->invoiced - t->applied ? "ok" : "MISMATCH"),
		};
		if (tw_row(ctx->w, v))
			return report_write_failed(ctx);
	}
	return tw_table_end(ctx->w) ? report_write_failed(ctx) : 0;
}

static int aging_emit(struct report_ctx *ctx, struct aging *a, struct totals *ts)
{
	struct names nm;
	struct tw_column cols[TW_MAX_COLS];
	struct tw_table t = { "aging", NULL, cols, 0, true };
	size_t nb = a->nb;
	int rc = 0;

	bucket_names(ctx->opt, &nm);
	t.ncols = aging_columns(ctx->opt, &nm, cols);
	if (tw_table_begin(ctx->w, &t))
		return report_write_failed(ctx);
	for (size_t i = 0; i < a->n && !rc; i++) {
		const struct group *g = &a->g[i];
		struct currency_total *tot = total_get(ts, g->currency);

		if (!tot)
			return pm_error_set(ctx->err, PM_ESOFTWARE, "out of memory");
		for (size_t k = 0; k < nb + 2; k++)
			tot->bucket[k] += g->bucket[k];
		tot->unapplied += g->unapplied;
		if (!group_empty(g, nb))
			rc = aging_row(ctx, "customer", g->customer, group_name(g), g->currency,
			               g->bucket, g->unapplied);
	}
	if (ts->n)
		qsort(ts->t, ts->n, sizeof *ts->t, total_cmp);
	for (size_t i = 0; i < ts->n && !rc; i++)
		rc = aging_row(ctx, "total", NULL, "(total)", ts->t[i].currency, ts->t[i].bucket,
		               ts->t[i].unapplied);
	if (!rc && tw_table_end(ctx->w))
		rc = report_write_failed(ctx);
	return rc;
}

int report_aging(struct report_ctx *ctx)
{
	struct aging a = { 0 };
	struct totals ts = { 0 };
	int rc = aging_collect(ctx, &a, false);

	if (!rc)
		rc = aging_begin(ctx, "aging", "Aging");
	if (!rc)
		rc = aging_emit(ctx, &a, &ts);
	if (!rc)
		rc = aging_check(ctx, &ts);
	aging_free(&a);
	free(ts.t);
	return rc;
}

static int customers_row(struct report_ctx *ctx, const struct group *g)
{
	size_t nb = ctx->opt->nbuckets;
	int dec = report_decimals(g->currency);
	int64_t open = group_open(g, nb), overdue = open - g->bucket[0];
	char pct[32];

	if (open > 0)
		report_fixed(100.0 * (double)overdue / (double)open, 1, pct, sizeof pct);
	const struct tw_value v[] = {
		TW_STR(g->customer), TW_STR(group_name(g)), TW_STR(g->currency),
		TW_MONEYV(open, dec), TW_MONEYV(overdue, dec), open > 0 ? TW_STR(pct) : TW_NULL,
		TW_MONEYV(g->unapplied, dec), TW_INTV(g->exceptions),
	};
	return tw_row(ctx->w, v) ? report_write_failed(ctx) : 0;
}

int report_customers(struct report_ctx *ctx)
{
	static const struct tw_column COLS[] = {
		{ "customer_id", "Customer", TW_SOURCE, 10, false, false },
		{ "customer_name", "Name", TW_SOURCE, 14, true, false },
		{ "currency", "Cur", TW_TEXT, 3, false, false },
		{ "open_balance", "Open", TW_MONEY, 13, false, false },
		{ "overdue", "Overdue", TW_MONEY, 13, false, false },
		{ "overdue_percent", "Overdue%", TW_NUMBER, 8, false, false },
		{ "unapplied_cash", "Unapplied", TW_MONEY, 13, false, false },
		{ "open_exceptions", "Exceptions", TW_INT, 10, false, false },
	};
	static const struct tw_table T = { "customers", NULL, COLS, 8, true };
	struct aging a = { 0 };
	int rc = aging_collect(ctx, &a, true);

	if (!rc)
		rc = aging_begin(ctx, "customers", "Customers");
	if (!rc && tw_table_begin(ctx->w, &T))
		rc = report_write_failed(ctx);
	for (size_t i = 0; i < a.n && !rc; i++)
		if (!group_empty(&a.g[i], a.nb))
			rc = customers_row(ctx, &a.g[i]);
	if (!rc && tw_table_end(ctx->w))
		rc = report_write_failed(ctx);
	aging_free(&a);
	return rc;
}
