/* aging and customers: open balances bucketed by days past due at the as-of date.
 * Three scans: invoices (each adds into its (customer, currency) group, report_groups.c,
 * and leaves its group and bucket in a flat array indexed by rowid), payments (the same for
 * unapplied cash), then applied allocations, which subtract through those arrays instead
 * of joining. The groups are then sorted and written. The closing check's ledger side sums
 * the invoices by its own query and the applied amounts by the allocations' own currency
 * in the allocation pass (a second pass with joins cost 0.3 s at 1M). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report_groups.h"
#include "report_internal.h"
#include "report_pipe.h"

#define NB_MAX GROUP_BUCKETS

enum { ROW_DATED = 1, ROW_LEDGER = 2 };

/* What the allocation pass needs of an invoice or payment, by rowid, in one cache line
 * (separate arrays cost a miss each per allocation). */
struct row_info {
	uint32_t group;              /* group id + 1 when selected, else 0 */
	uint32_t ref;                /* customers: group id + 1 of every row, selected or not */
	unsigned char bucket, flags; /* invoices: aging bucket; ROW_* flags */
};

struct currency_total {
	char currency[8];
	int64_t bucket[NB_MAX];
	int64_t unapplied;
	int64_t invoiced, applied;   /* the ledger side of the check */
	bool grouped;                /* some group has this currency: it gets a total row */
};

struct totals {
	struct currency_total *t;
	size_t n, alloc;
	size_t last;                 /* index of the last lookup: allocations come in runs */
};

struct aging {
	struct group_table groups;
	struct group **sorted;       /* after aging_collect */
	bool sorted_done;
	bool more_groups;            /* exceptions add groups after the scan */
	bool ledger;                 /* aging: the check's invoice query runs with the scan */
	bool emitted;                /* the consumer wrote the title and the aging table */
	struct totals invoiced;      /* its result, before it is merged into ts */
	char bound[REPORT_MAX_BUCKETS + 1][11];
	size_t nb;
	bool oom;
	bool check_filters;          /* a customer filter: the ledger needs the invoice flags */
	bool refs;                   /* customers: every row's group, for the exceptions */
	const char *customer;        /* filter, or NULL */
	const char *currency;        /* filter, or NULL */
	struct strbuf key;
	struct totals ts;
	/* by rowid: what the allocation pass needs of each invoice and payment */
	struct row_info *inv, *pay;
	int64_t ninv, npay;          /* array sizes: max rowid + 1 */
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

static struct currency_total *total_get(struct totals *ts, const char *currency)
{
	if (ts->last < ts->n && strcmp(ts->t[ts->last].currency, currency) == 0)
		return &ts->t[ts->last];
	for (size_t i = 0; i < ts->n; i++)
		if (strcmp(ts->t[i].currency, currency) == 0)
			return &ts->t[ts->last = i];
	if (PM_GROW(ts->t, ts->n + 1, ts->alloc))
		return NULL;
	memset(&ts->t[ts->n], 0, sizeof ts->t[0]);
	snprintf(ts->t[ts->n].currency, sizeof ts->t[0].currency, "%s", currency);
	ts->last = ts->n;
	return &ts->t[ts->n++];
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
	a->inv[r->row].flags = (unsigned char)((r->dated ? ROW_DATED : 0) |
	                                       (r->in_ledger ? ROW_LEDGER : 0));
	if (!r->selected && !a->refs)
		return 0;
	if (!(g = group_find(&a->groups, r->customer_id, r->currency)))
		return a->oom = true, PM_ESOFTWARE;
	if (a->refs)
		a->inv[r->row].ref = g->id + 1;
	if (!r->selected)
		return 0;
	b = bucket_of(a, r->date);
	g->bucket[b] += r->amount;
	a->inv[r->row].group = g->id + 1;
	a->inv[r->row].bucket = (unsigned char)b;
	return set_name(a, g, r->name);
}

static int add_payment(void *ctx, const struct store_aging_row *r)
{
	struct aging *a = ctx;
	struct group *g;

	if (r->row < 0 || r->row >= a->npay)
		return 0;
	a->pay[r->row].flags = r->dated ? ROW_DATED : 0;
	if (!r->selected && !a->refs)
		return 0;
	if (!(g = group_find(&a->groups, r->customer_id, r->currency)))
		return a->oom = true, PM_ESOFTWARE;
	if (a->refs)
		a->pay[r->row].ref = g->id + 1;
	if (!r->selected)
		return 0;
	g->unapplied += r->amount;
	a->pay[r->row].group = g->id + 1;
	return set_name(a, g, r->name);
}

/* The ledger side of the check: applied + deduction of an allocation on an invoice dated
 * by as-of and of the customer filter, whose money arrived by as-of, by the allocation's
 * own currency (the rules the former ledger query expressed with joins). */
static int add_ledger(struct aging *a, const struct store_aging_alloc *al, int64_t inv,
                      bool arrived)
{
	struct currency_total *t;

	if (!al->invoice_row || (al->check_dates && !arrived))
		return 0;
	if ((al->check_dates || a->check_filters) &&
	    (inv <= 0 || !(a->inv[inv].flags & ROW_LEDGER)))
		return 0;
	if (a->currency && strcmp(al->currency, a->currency) != 0)
		return 0;
	if (!(t = total_get(&a->ts, al->currency)))
		return a->oom = true, PM_ESOFTWARE;
	t->applied += al->applied + al->deduction;
	return 0;
}

/* An applied allocation lowers its invoice's bucket when the invoice is selected and the
 * money arrived by as-of, and its payment's unapplied cash when the payment is selected
 * and the invoice existed by as-of (the rules the former SQL joins expressed). */
static int add_allocation(void *ctx, const struct store_aging_alloc *al)
{
	struct aging *a = ctx;
	int64_t inv = al->invoice_row < a->ninv ? al->invoice_row : 0;
	int64_t pay = al->payment_row < a->npay ? al->payment_row : 0;
	bool arrived = al->payment_row ? pay > 0 && (a->pay[pay].flags & ROW_DATED)
	                                 : al->writeoff_dated;
	uint32_t gi;

	if (inv > 0 && (gi = a->inv[inv].group) != 0 && (!al->check_dates || arrived))
		group_by_id(&a->groups, gi - 1)->bucket[a->inv[inv].bucket] -=
			al->applied + al->deduction;
	if (pay > 0 && (gi = a->pay[pay].group) != 0) {
		if (!al->check_dates || al->invoice_row == 0 ||
		    (inv > 0 && (a->inv[inv].flags & ROW_DATED)))
			group_by_id(&a->groups, gi - 1)->unapplied -= al->applied;
	}
	return add_ledger(a, al, inv, arrived);
}

static int add_customer_exception(void *ctx, const char *customer, const char *currency)
{
	struct aging *a = ctx;
	struct group *g = group_find(&a->groups, customer, currency);

	if (!g)
		return a->oom = true, PM_ESOFTWARE;
	g->exceptions++;
	return 0;
}

/* The group of a row of an exception (NULL when the row is absent). */
static const struct group *row_ref(const struct aging *a, const struct row_info *info,
                                   int64_t n, int64_t row)
{
	return row > 0 && row < n && info[row].ref ? group_by_id(&a->groups, info[row].ref - 1)
	                                           : NULL;
}

/* An open exception counts for the customer of its payment (else of its invoice) in its
 * own currency (else its payment's, else its invoice's), as far as the filter allows. */
static int add_exception(void *ctx, int64_t payment_row, int64_t invoice_row,
                         const char *currency)
{
	struct aging *a = ctx;
	const struct group *pg = row_ref(a, a->pay, a->npay, payment_row);
	const struct group *ig = row_ref(a, a->inv, a->ninv, invoice_row);
	const char *customer = "";
	struct group *g;

	if (pg && group_customer(pg)[0])
		customer = group_customer(pg);
	else if (ig)
		customer = group_customer(ig);
	if (!currency[0])
		currency = pg ? pg->currency : ig ? ig->currency : "";
	if ((a->customer && strcmp(customer, a->customer) != 0) ||
	    (a->currency && strcmp(currency, a->currency) != 0))
		return 0;
	/* The key may live in the table, which moves when group_find grows it. */
	strbuf_reset(&a->key);
	if (strbuf_addstr(&a->key, customer) || strbuf_addch(&a->key, '\0') ||
	    strbuf_addstr(&a->key, currency))
		return a->oom = true, PM_ESOFTWARE;
	if (!(g = group_find(&a->groups, a->key.buf, a->key.buf + strlen(a->key.buf) + 1)))
		return a->oom = true, PM_ESOFTWARE;
	g->exceptions++;
	return 0;
}

static void aging_free(struct aging *a)
{
	group_table_free(&a->groups);
	free(a->sorted);
	free(a->ts.t);
	free(a->invoiced.t);
	free(a->inv);
	free(a->pay);
	strbuf_release(&a->key);
}

static int aging_arrays(struct report_ctx *ctx, struct aging *a)
{
	int64_t ni, np;

	if (store_report_max_rows(ctx->st, &ni, &np, ctx->err))
		return ctx->err->code;
	a->ninv = ni + 1;
	a->npay = np + 1;
	a->inv = calloc((size_t)a->ninv, sizeof *a->inv);
	a->pay = calloc((size_t)a->npay, sizeof *a->pay);
	if (!a->inv || !a->pay)
		return pm_error_set(ctx->err, PM_ESOFTWARE, "out of memory");
	return 0;
}

static const char *group_name(const struct group *g)
{
	if (!group_customer(g)[0])
		return "(no customer id)";
	return g->name ? g->name : "";
}

static int aging_sort(struct aging *a)
{
	a->sorted_done = true;
	if (a->groups.n && !(a->sorted = group_sorted(&a->groups)))
		return a->oom = true, PM_ESOFTWARE;
	return 0;
}

/* The scan through report_pipe.h: this thread steps SQLite and packs each row; the
 * consumer thread does the hashing and the arithmetic above (half of the work). A record
 * is a fixed head and up to four NUL-terminated strings. */
enum { REC_INVOICE, REC_PAYMENT, REC_ALLOC, REC_EXCEPTION };

struct rec_head {
	int64_t n[4];
	uint32_t len[4];
	unsigned char type, flag[3];
};

struct aging_pipe {
	struct report_pipe *pipe;
	struct aging *a;
	struct report_ctx consumer;   /* aging writes its table from the consumer: own error */
	struct pm_error consumer_err;
};

static int aging_begin(struct report_ctx *ctx, const char *report, const char *what);
static int aging_emit(struct report_ctx *ctx, struct aging *a, struct totals *ts);

/* The consumer's end: sort the groups and, for aging, write the title and the aging table
 * while the SQL thread runs the check's invoice query. */
static int consumer_end(struct aging_pipe *ap)
{
	struct aging *a = ap->a;
	int rc;

	if (a->more_groups)
		return 0;
	if ((rc = aging_sort(a)) || !a->ledger)
		return rc;
	a->emitted = true;
	if ((rc = aging_begin(&ap->consumer, "aging", "Aging")) == 0)
		rc = aging_emit(&ap->consumer, a, &a->ts);
	return rc;
}

static int put_rec(struct aging_pipe *ap, struct rec_head *h, const char *const *str, size_t n)
{
	size_t total = sizeof *h;
	char *d;

	for (size_t i = 0; i < n; i++) {
		h->len[i] = (uint32_t)strlen(str[i]);
		total += h->len[i] + 1;
	}
	if (!(d = pipe_alloc(ap->pipe, total)))
		return PM_ESOFTWARE;
	memcpy(d, h, sizeof *h);
	d += sizeof *h;
	for (size_t i = 0; i < n; i++) {
		memcpy(d, str[i], h->len[i] + 1);
		d += h->len[i] + 1;
	}
	return 0;
}

static int put_row(struct aging_pipe *ap, const struct store_aging_row *r, unsigned char type)
{
	struct rec_head h = { .n = { r->row, r->amount }, .type = type,
	                      .flag = { r->dated, r->selected, r->in_ledger } };
	const char *str[] = { r->customer_id, r->currency, r->date, r->name };

	/* A row outside the filter only leaves its flags: no strings to copy. */
	return put_rec(ap, &h, str, r->selected || ap->a->refs ? 4 : 0);
}

static int put_invoice(void *ctx, const struct store_aging_row *r)
{
	return put_row(ctx, r, REC_INVOICE);
}

static int put_payment(void *ctx, const struct store_aging_row *r)
{
	return put_row(ctx, r, REC_PAYMENT);
}

static int put_allocation(void *ctx, const struct store_aging_alloc *al)
{
	struct rec_head h = { .n = { al->payment_row, al->invoice_row, al->applied, al->deduction },
	                      .type = REC_ALLOC,
	                      .flag = { al->writeoff_dated, al->check_dates } };
	const char *str[] = { al->currency };

	return put_rec(ctx, &h, str, 1);
}

static int put_exception(void *ctx, int64_t payment_row, int64_t invoice_row,
                         const char *currency)
{
	struct rec_head h = { .n = { payment_row, invoice_row }, .type = REC_EXCEPTION };
	const char *str[] = { currency };

	return put_rec(ctx, &h, str, 1);
}

static int take_rec(void *ctx, const unsigned char *rec, size_t len)
{
	struct aging_pipe *ap = ctx;
	struct rec_head h;
	const char *str[4] = { "", "", "", "" };
	const char *p = (const char *)rec + sizeof h;

	(void)len;
	if (!rec)
		return consumer_end(ap);
	memcpy(&h, rec, sizeof h);
	bool one = h.type == REC_ALLOC || h.type == REC_EXCEPTION;

	for (size_t i = 0; i < 4 && (one ? i < 1 : h.flag[1] || ap->a->refs); i++) {
		str[i] = p;
		p += h.len[i] + 1;
	}
	if (h.type == REC_EXCEPTION)
		return add_exception(ap->a, h.n[0], h.n[1], str[0]);
	if (h.type == REC_ALLOC) {
		struct store_aging_alloc al = { h.n[0], h.n[1], h.n[2], h.n[3], str[0], h.flag[0],
		                                h.flag[1] };

		return add_allocation(ap->a, &al);
	}
	struct store_aging_row r = { .row = h.n[0], .amount = h.n[1], .customer_id = str[0],
	                             .currency = str[1], .date = str[2], .name = str[3],
	                             .dated = h.flag[0], .selected = h.flag[1],
	                             .in_ledger = h.flag[2] };

	return h.type == REC_INVOICE ? add_invoice(ap->a, &r) : add_payment(ap->a, &r);
}

static int add_invoiced(void *ctx, const char *currency, int64_t amount)
{
	struct currency_total *t = total_get(ctx, currency);

	if (!t)
		return PM_ESOFTWARE;
	t->invoiced += amount;
	return 0;
}

/* The check's invoiced side, on this thread while the consumer finishes: into a->invoiced,
 * which only this thread touches, merged into a->ts after the join. */
static int invoiced_query(struct report_ctx *ctx, struct aging *a)
{
	int rc = store_report_invoiced(ctx->st, &ctx->filter, add_invoiced, &a->invoiced, ctx->err);

	if (rc == PM_ESOFTWARE && !ctx->err->code)
		a->oom = true;
	return a->oom ? 0 : rc;
}

static void merge_invoiced(struct aging *a)
{
	for (size_t i = 0; i < a->invoiced.n && !a->oom; i++) {
		struct currency_total *t = total_get(&a->ts, a->invoiced.t[i].currency);

		if (!t)
			a->oom = true;
		else
			t->invoiced += a->invoiced.t[i].invoiced;
	}
}

/* Prefetches what a record ahead will touch: its group's slot, or for an allocation the
 * rowid arrays it reads. */
static void peek_rec(void *ctx, const unsigned char *rec)
{
	const struct aging *a = ((const struct aging_pipe *)ctx)->a;
	struct rec_head h;
	const char *p = (const char *)rec + sizeof h;

	memcpy(&h, rec, sizeof h);
	if (h.type == REC_ALLOC) {
		if (h.n[1] > 0 && h.n[1] < a->ninv)
			__builtin_prefetch(&a->inv[h.n[1]]);
		if (h.n[0] > 0 && h.n[0] < a->npay)
			__builtin_prefetch(&a->pay[h.n[0]]);
	} else if ((h.type == REC_INVOICE || h.type == REC_PAYMENT) && (h.flag[1] || a->refs)) {
		group_prefetch(&a->groups, p, p + h.len[0] + 1);
	}
}

/* Runs the aging scan (and the exception rows of customers, and the check's invoice query
 * of aging), on two threads when it can: the SQL here, the rest on the consumer. */
static int aging_scan(struct report_ctx *ctx, struct aging *a)
{
	static const struct store_aging_fns DIRECT = { add_invoice, add_payment, add_allocation };
	static const struct store_aging_fns PIPED = { put_invoice, put_payment, put_allocation };
	struct aging_pipe ap = { .a = a, .consumer = *ctx };
	int rc;

	pm_error_clear(&ap.consumer_err);
	ap.consumer.err = &ap.consumer_err;
	if ((ap.pipe = pipe_start(take_rec, &ap)))
		pipe_set_peek(ap.pipe, peek_rec);
	if (!ap.pipe) {
		rc = store_report_aging_scan(ctx->st, &ctx->filter, &DIRECT, a, ctx->err);
		if (!rc && a->refs)
			rc = store_report_exception_rows(ctx->st, add_exception, a, ctx->err);
	} else {
		rc = store_report_aging_scan(ctx->st, &ctx->filter, &PIPED, &ap, ctx->err);
		if (!rc && a->refs)
			rc = store_report_exception_rows(ctx->st, put_exception, &ap, ctx->err);
	}
	/* The consumer sorts and writes the aging table while the check's query runs here. */
	if (ap.pipe)
		pipe_close(ap.pipe);
	if (!rc && a->ledger)
		rc = invoiced_query(ctx, a);
	if (ap.pipe && pipe_finish(ap.pipe) && !ap.consumer_err.code)
		a->oom = true;   /* the consumer's other failure */
	if (ap.consumer_err.code) {   /* writing the table failed */
		*ctx->err = ap.consumer_err;
		return ctx->err->code;
	}
	merge_invoiced(a);
	return rc;
}

/* Streams the data into a->groups and sorts them into a->sorted. */
static int aging_collect(struct report_ctx *ctx, struct aging *a, bool exceptions)
{
	const struct report_options *o = ctx->opt;
	bool exceptions_by_rows;
	int rc;

	a->nb = o->nbuckets;
	a->check_filters = o->customer != NULL;
	/* One customer's exceptions come by index; all of them through the scanned rows. */
	exceptions_by_rows = exceptions && !o->customer;
	a->refs = exceptions_by_rows;
	a->more_groups = exceptions && !exceptions_by_rows;
	a->ledger = !exceptions;
	a->customer = o->customer;
	a->currency = o->currency;
	strbuf_init(&a->key);
	ctx->filter.every_row = exceptions_by_rows;
	date_to_iso(o->as_of, a->bound[0], sizeof a->bound[0]);
	for (size_t k = 0; k < a->nb; k++)
		date_to_iso(o->as_of - (pm_date)o->buckets[k], a->bound[k + 1], sizeof a->bound[0]);
	if ((rc = aging_arrays(ctx, a)) != 0)
		return rc;
	rc = aging_scan(ctx, a);
	if (!rc && exceptions && !exceptions_by_rows)
		rc = store_report_exception_customers(ctx->st, &ctx->filter, add_customer_exception,
		                                      a, ctx->err);
	if (a->oom)
		return pm_error_set(ctx->err, PM_ESOFTWARE, "out of memory");
	if (rc)
		return rc;
	if (!a->sorted_done)
		aging_sort(a);
	if (a->oom)
		return pm_error_set(ctx->err, PM_ESOFTWARE, "out of memory");
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

static int total_cmp(const void *x, const void *y)
{
	return strcmp(((const struct currency_total *)x)->currency,
	              ((const struct currency_total *)y)->currency);
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
	/* invoiced came with the scan (invoiced_query) */
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
	struct group *const *sorted = a->sorted;
	struct names nm;
	struct tw_column cols[TW_MAX_COLS];
	struct tw_table t = { "aging", NULL, cols, 0, true };
	size_t nb = a->nb;
	int rc = 0;

	bucket_names(ctx->opt, &nm);
	t.ncols = aging_columns(ctx->opt, &nm, cols);
	if (tw_table_begin(ctx->w, &t))
		return report_write_failed(ctx);
	for (size_t i = 0; i < a->groups.n && !rc; i++) {
		const struct group *g = sorted[i];
		struct currency_total *tot = total_get(ts, g->currency);

		if (!tot)
			return pm_error_set(ctx->err, PM_ESOFTWARE, "out of memory");
		for (size_t k = 0; k < nb + 2; k++)
			tot->bucket[k] += g->bucket[k];
		tot->unapplied += g->unapplied;
		tot->grouped = true;
		if (!group_empty(g, nb))
			rc = aging_row(ctx, "customer", group_customer(g), group_name(g), g->currency,
			               g->bucket, g->unapplied);
	}
	if (ts->n)
		qsort(ts->t, ts->n, sizeof *ts->t, total_cmp);
	ts->last = 0;
	/* Currencies only the allocations name have no total row (nothing is aged in them). */
	for (size_t i = 0; i < ts->n && !rc; i++)
		if (ts->t[i].grouped)
			rc = aging_row(ctx, "total", NULL, "(total)", ts->t[i].currency,
			               ts->t[i].bucket, ts->t[i].unapplied);
	if (!rc && tw_table_end(ctx->w))
		rc = report_write_failed(ctx);
	return rc;
}

int report_aging(struct report_ctx *ctx)
{
	struct aging a = { 0 };
	int rc = aging_collect(ctx, &a, false);

	if (!rc && !a.emitted)   /* else the consumer thread wrote them (consumer_end) */
		rc = aging_begin(ctx, "aging", "Aging");
	if (!rc && !a.emitted)
		rc = aging_emit(ctx, &a, &a.ts);
	if (!rc)
		rc = aging_check(ctx, &a.ts);
	aging_free(&a);
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
		TW_STR(group_customer(g)), TW_STR(group_name(g)), TW_STR(g->currency),
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
	for (size_t i = 0; i < a.groups.n && !rc; i++)
		if (!group_empty(a.sorted[i], a.nb))
			rc = customers_row(ctx, a.sorted[i]);
	if (!rc && tw_table_end(ctx->w))
		rc = report_write_failed(ctx);
	aging_free(&a);
	return rc;
}
