/* aging and customers: open balances bucketed by days past due at the as-of date.
 * Three scans: invoices (each adds into a hash of (customer, currency) groups, thousands of
 * groups, and leaves its group and bucket in a flat array indexed by rowid), payments (the
 * same for unapplied cash), then applied allocations, which subtract through those arrays
 * instead of joining. The groups are then sorted and written. The closing check recomputes
 * invoices - applied per currency from independent queries (store_report_ledger_scan). */
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

/* A hash slot keeps 32 bits of the hash next to the index, so that a probe compares
 * strings only when the hashes agree (the strings live elsewhere: cache misses). */
struct slot {
	uint32_t hash;
	uint32_t group;           /* group index + 1, 0 = empty */
};

struct aging {
	struct group *g;
	size_t n, alloc;
	struct slot *slot;        /* open addressing */
	size_t nslot;
	char bound[REPORT_MAX_BUCKETS + 1][11];
	size_t nb;
	bool oom;
	/* by rowid: group index + 1 (0 = not selected), bucket, dated on or before as-of */
	uint32_t *inv_group, *pay_group;
	unsigned char *inv_bucket, *inv_dated, *pay_dated;
	int64_t ninv, npay;       /* array sizes: max rowid + 1 */
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
	/* FNV's low bits mix poorly and the table is indexed by them: fold the high bits in
	 * (a murmur3 finalizer step); without it probes ran long on ids like C000123. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	return h ^ (h >> 33);
}

static int rehash(struct aging *a)
{
	size_t n = a->nslot ? a->nslot * 2 : 1024;
	struct slot *s = calloc(n, sizeof *s);

	if (!s)
		return -1;
	for (size_t i = 0; i < a->nslot; i++) {
		size_t j;

		if (!a->slot[i].group)
			continue;
		for (j = a->slot[i].hash & (n - 1); s[j].group; j = (j + 1) & (n - 1))
			;
		s[j] = a->slot[i];
	}
	free(a->slot);
	a->slot = s;
	a->nslot = n;
	return 0;
}

static struct group *group_get(struct aging *a, const char *customer, const char *currency)
{
	uint32_t h;
	size_t j;
	struct group *g;

	if ((a->n + 1) * 2 > a->nslot && rehash(a))
		return NULL;
	h = (uint32_t)hash_key(customer, currency);
	for (j = h & (a->nslot - 1); a->slot[j].group; j = (j + 1) & (a->nslot - 1)) {
		if (a->slot[j].hash != h)
			continue;
		g = &a->g[a->slot[j].group - 1];
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
	a->slot[j] = (struct slot){ h, (uint32_t)++a->n };
	return g;
}

/* The invoice's customer name wins over a payer name; invoices are streamed first, so
 * the first non-empty name a group sees is the right one. */
static int set_name(struct aging *a, struct group *g, const char *name)
{
	if (g->name || !name[0])
		return 0;
	if (!(g->name = strdup(name)))
		return a->oom = true, PM_ESOFTWARE;
	return 0;
}

static int add_invoice(void *ctx, const struct store_aging_row *r)
{
	struct aging *a = ctx;
	struct group *g;
	size_t b;

	if (r->row < 0 || r->row >= a->ninv)
		return 0;
	a->inv_dated[r->row] = r->dated;
	if (!r->selected)
		return 0;
	if (!(g = group_get(a, r->customer_id, r->currency)))
		return a->oom = true, PM_ESOFTWARE;
	b = bucket_of(a, r->date);
	g->bucket[b] += r->amount;
	a->inv_group[r->row] = (uint32_t)(g - a->g) + 1;
	a->inv_bucket[r->row] = (unsigned char)b;
	return set_name(a, g, r->name);
}

static int add_payment(void *ctx, const struct store_aging_row *r)
{
	struct aging *a = ctx;
	struct group *g;

	if (r->row < 0 || r->row >= a->npay)
		return 0;
	a->pay_dated[r->row] = r->dated;
	if (!r->selected)
		return 0;
	if (!(g = group_get(a, r->customer_id, r->currency)))
		return a->oom = true, PM_ESOFTWARE;
	g->unapplied += r->amount;
	a->pay_group[r->row] = (uint32_t)(g - a->g) + 1;
	return set_name(a, g, r->name);
}

/* An applied allocation lowers its invoice's bucket when the invoice is selected and the
 * money arrived by as-of, and its payment's unapplied cash when the payment is selected
 * and the invoice existed by as-of (the rules the former SQL joins expressed). */
static int add_allocation(void *ctx, const struct store_aging_alloc *al)
{
	struct aging *a = ctx;
	int64_t inv = al->invoice_row < a->ninv ? al->invoice_row : 0;
	int64_t pay = al->payment_row < a->npay ? al->payment_row : 0;
	uint32_t gi;

	if (inv > 0 && (gi = a->inv_group[inv]) != 0) {
		bool arrived = !al->check_dates ||
		               (al->payment_row ? pay > 0 && a->pay_dated[pay] : al->writeoff_dated);

		if (arrived)
			a->g[gi - 1].bucket[a->inv_bucket[inv]] -= al->applied + al->deduction;
	}
	if (pay > 0 && (gi = a->pay_group[pay]) != 0) {
		if (!al->check_dates || al->invoice_row == 0 || (inv > 0 && a->inv_dated[inv]))
			a->g[gi - 1].unapplied -= al->applied;
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
	free(a->inv_group);
	free(a->pay_group);
	free(a->inv_bucket);
	free(a->inv_dated);
	free(a->pay_dated);
}

static int aging_arrays(struct report_ctx *ctx, struct aging *a)
{
	int64_t ni, np;

	if (store_report_max_rows(ctx->st, &ni, &np, ctx->err))
		return ctx->err->code;
	a->ninv = ni + 1;
	a->npay = np + 1;
	a->inv_group = calloc((size_t)a->ninv, sizeof *a->inv_group);
	a->pay_group = calloc((size_t)a->npay, sizeof *a->pay_group);
	a->inv_bucket = calloc((size_t)a->ninv, 1);
	a->inv_dated = calloc((size_t)a->ninv, 1);
	a->pay_dated = calloc((size_t)a->npay, 1);
	if (!a->inv_group || !a->pay_group || !a->inv_bucket || !a->inv_dated || !a->pay_dated)
		return pm_error_set(ctx->err, PM_ESOFTWARE, "out of memory");
	return 0;
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
	static const struct store_aging_fns FNS = { add_invoice, add_payment, add_allocation };
	const struct report_options *o = ctx->opt;
	int rc;

	a->nb = o->nbuckets;
	date_to_iso(o->as_of, a->bound[0], sizeof a->bound[0]);
	for (size_t k = 0; k < a->nb; k++)
		date_to_iso(o->as_of - (pm_date)o->buckets[k], a->bound[k + 1], sizeof a->bound[0]);
	if ((rc = aging_arrays(ctx, a)) != 0)
		return rc;
	rc = store_report_aging_scan(ctx->st, &ctx->filter, &FNS, a, ctx->err);
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
