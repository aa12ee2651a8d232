/* Dashboard figures in one pass over invoices and one over allocations. SQL aggregates with
 * a join (open balance per invoice, then bucket) measured 3.6 s at 1M+1M; reading the rows
 * once and summing in C arrays indexed by rowid measured well under 1 s (docs/REVIEW.md). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "paymatch/dashboard.h"
#include "paymatch/strbuf.h"
#include "paymatch/thread.h"
#include "store_internal.h"

#define DASH_MAX_CUR 64

struct dash_work {
	struct dashboard *d;
	size_t alloc_cur, alloc_status;
	int64_t *open;              /* per invoice rowid: open balance */
	unsigned char *inv_cur;     /* per invoice rowid: currency index + 1 (0 = no row) */
	unsigned char *inv_bucket;
	unsigned char *paid;        /* per payment rowid: has an applied allocation */
	int64_t max_inv, max_pay;
	int64_t as_of_days;
	size_t last_status;         /* add_status's last hit */
};

/* Days since 1970-01-01 of an ISO date (civil-from-days inverse, H. Hinnant). */
static int64_t iso_days(const char *s)
{
	int64_t y, m, dd, era, yoe, doy, doe;

	if (!s || strlen(s) < 10)
		return 0;
	/* digits by hand: atoi (strtol) was 4 % of the dashboard's time at 1M invoices */
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	dd = (s[8] - '0') * 10 + (s[9] - '0');
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int cur_index(struct dash_work *w, const char *cur)
{
	struct dashboard *d = w->d;

	for (size_t i = 0; i < d->ncurrencies; i++)
		if (strcmp(d->currencies[i].currency, cur) == 0)
			return (int)i;
	if (d->ncurrencies >= DASH_MAX_CUR || PM_GROW(d->currencies, d->ncurrencies + 1,
	                                              w->alloc_cur))
		return -1;
	memset(&d->currencies[d->ncurrencies], 0, sizeof d->currencies[0]);
	snprintf(d->currencies[d->ncurrencies].currency, 4, "%s", cur);
	return (int)d->ncurrencies++;
}

static int64_t query_max(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt;
	int64_t v = 0;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static int bucket_of(const struct dashboard *d, int64_t days_past)
{
	size_t nb = d->nbuckets - 2;

	if (days_past <= 0)
		return 0;
	for (size_t i = 0; i < nb; i++)
		if (days_past <= d->bucket_bounds[i])
			return (int)i + 1;
	return (int)nb + 1;
}

static int scan_invoices(struct store *st, struct dash_work *w, bool basis_invoice,
                         struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, basis_invoice ?
	                  "SELECT id, currency, invoice_date, amount FROM invoices" :
	                  "SELECT id, currency, due_date, amount FROM invoices", &stmt, err))
		return err->code;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(stmt, 0);
		int c = cur_index(w, (const char *)sqlite3_column_text(stmt, 1));
		int64_t amount = sqlite3_column_int64(stmt, 3);

		if (c < 0 || id < 1 || id > w->max_inv)
			continue;
		w->d->currencies[c].invoices++;
		w->d->currencies[c].invoices_amount += amount;
		w->open[id] = amount;
		w->inv_cur[id] = (unsigned char)(c + 1);
		w->inv_bucket[id] = (unsigned char)bucket_of(w->d, w->as_of_days -
		                    iso_days((const char *)sqlite3_column_text(stmt, 2)));
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_sql_error(st, err, 0, "reading invoices");
}

static int add_status(struct dash_work *w, const char *status, const char *cur, int64_t amount)
{
	struct dashboard *d = w->d;
	size_t i = w->last_status;

	/* rows come mostly with the same status and currency as the one before */
	if (i < d->nstatuses && strcmp(d->statuses[i].status, status) == 0 &&
	    strcmp(d->statuses[i].currency, cur) == 0) {
		d->statuses[i].count++;
		d->statuses[i].amount += amount;
		return 0;
	}
	for (i = 0; i < d->nstatuses; i++)
		if (strcmp(d->statuses[i].status, status) == 0 &&
		    strcmp(d->statuses[i].currency, cur) == 0)
			break;
	if (i == d->nstatuses) {
		if (PM_GROW(d->statuses, d->nstatuses + 1, w->alloc_status))
			return -1;
		memset(&d->statuses[i], 0, sizeof d->statuses[i]);
		snprintf(d->statuses[i].status, sizeof d->statuses[i].status, "%s", status);
		snprintf(d->statuses[i].currency, sizeof d->statuses[i].currency, "%s", cur);
		d->nstatuses++;
	}
	d->statuses[i].count++;
	d->statuses[i].amount += amount;
	w->last_status = i;
	return 0;
}

static void apply_alloc(struct dash_work *w, const char *cur, int64_t prow, int64_t irow,
                        int64_t applied, int64_t deduction)
{
	int c = cur_index(w, cur);

	if (c < 0)
		return;
	if (irow >= 1 && irow <= w->max_inv)
		w->open[irow] -= applied + deduction;
	if (prow >= 1 && prow <= w->max_pay) {
		w->d->currencies[c].applied_amount += applied;
		if (!w->paid[prow]) {
			w->paid[prow] = 1;
			w->d->currencies[c].payments_matched++;
		}
	}
}

static int scan_allocations(struct store *st, struct dash_work *w, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, "SELECT status, currency, ifnull(payment_row, 0), "
	                  "ifnull(invoice_row, 0), amount_applied, deduction FROM allocations",
	                  &stmt, err))
		return err->code;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *status = (const char *)sqlite3_column_text(stmt, 0);
		const char *cur = (const char *)sqlite3_column_text(stmt, 1);
		int64_t applied = sqlite3_column_int64(stmt, 4);
		int64_t deduction = sqlite3_column_int64(stmt, 5);

		if (add_status(w, status, cur, applied + deduction)) {
			sqlite3_finalize(stmt);
			return pm_error_set(err, PM_ESOFTWARE, "out of memory");
		}
		/* auto, confirmed, manual (the schema's CHECK leaves suggested and rejected) */
		if (status[0] == 'a' || status[0] == 'c' || status[0] == 'm')
			apply_alloc(w, cur, sqlite3_column_int64(stmt, 2), sqlite3_column_int64(stmt, 3),
			            applied, deduction);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_sql_error(st, err, 0, "reading allocations");
}

static int scan_payments(struct store *st, struct dash_work *w, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	/* Covered by payments_currency_amount: no table rows are read. */
	if (store_prepare(st, "SELECT currency, count(*), sum(amount) FROM payments "
	                  "GROUP BY currency", &stmt, err))
		return err->code;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int c = cur_index(w, (const char *)sqlite3_column_text(stmt, 0));

		if (c < 0)
			continue;
		w->d->currencies[c].payments = sqlite3_column_int64(stmt, 1);
		w->d->currencies[c].payments_amount = sqlite3_column_int64(stmt, 2);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_sql_error(st, err, 0, "reading payments");
}

static int scan_exceptions(struct store *st, struct dashboard *d, struct pm_error *err)
{
	sqlite3_stmt *stmt;
	size_t alloc = 0;
	int rc;

	if (store_prepare(st, "SELECT kind, count(*) FROM exceptions WHERE status = 'open' "
	                  "GROUP BY kind ORDER BY count(*) DESC", &stmt, err))
		return err->code;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (PM_GROW(d->kinds, d->nkinds + 1, alloc)) {
			sqlite3_finalize(stmt);
			return pm_error_set(err, PM_ESOFTWARE, "out of memory");
		}
		snprintf(d->kinds[d->nkinds].kind, sizeof d->kinds[0].kind, "%s",
		         sqlite3_column_text(stmt, 0));
		d->kinds[d->nkinds].count = sqlite3_column_int64(stmt, 1);
		d->open_exceptions += d->kinds[d->nkinds++].count;
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_sql_error(st, err, 0, "reading exceptions");
}

/* The allocations are read in a second thread, on its own read-only connection, while this
 * one reads invoices, payments and exceptions: they are the larger half of the work and the
 * machine has two cores (docs/PERFORMANCE.md). The thread fills its own dash_work: open[]
 * holds minus what was applied per invoice, currencies and statuses its own; dash_merge adds
 * it in. Below PARALLEL_MIN invoices a thread costs more than it saves. The two connections
 * read two snapshots: another session's commit between their first reads shows in one half
 * only, until the next refresh (the UI then says "changed by another session"). */
#define PARALLEL_MIN 100000

struct alloc_scan {
	const char *path;
	struct dash_work w;
	struct pm_error err;
	int rc;
};

static void *alloc_scan_run(void *arg)
{
	struct alloc_scan *a = arg;
	struct store *st = NULL;

	pm_error_clear(&a->err);
	a->rc = store_open(a->path, STORE_READONLY, 5000, &st, &a->err);
	if (a->rc == 0 && (a->rc = store_exec(st, "BEGIN", &a->err)) == 0) {
		a->rc = scan_allocations(st, &a->w, &a->err);
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	}
	store_close(st);
	return NULL;
}

static void alloc_scan_free(struct alloc_scan *a)
{
	dashboard_free(a->w.d);
	free(a->w.open);
	free(a->w.paid);
}

/* Sets a up for w's working set; returns 0, or -1 (memory: scan in this thread). */
static int alloc_scan_init(struct alloc_scan *a, struct store *st, const struct dash_work *w)
{
	memset(a, 0, sizeof *a);
	a->path = store_path(st);
	a->w.max_inv = w->max_inv;
	a->w.max_pay = w->max_pay;
	a->w.d = calloc(1, sizeof *a->w.d);
	a->w.open = calloc((size_t)w->max_inv + 1, sizeof *a->w.open);
	a->w.paid = calloc((size_t)w->max_pay + 1, 1);
	if (a->w.d && a->w.open && a->w.paid)
		return 0;
	alloc_scan_free(a);
	return -1;
}

/* Adds the thread's figures to w's. */
static int dash_merge(struct dash_work *w, struct alloc_scan *a)
{
	struct dashboard *p = a->w.d;

	for (int64_t id = 1; id <= w->max_inv; id++)
		w->open[id] += a->w.open[id];
	for (size_t i = 0; i < p->ncurrencies; i++) {
		int c = cur_index(w, p->currencies[i].currency);

		if (c < 0)
			return -1;
		w->d->currencies[c].applied_amount += p->currencies[i].applied_amount;
		w->d->currencies[c].payments_matched += p->currencies[i].payments_matched;
	}
	w->d->statuses = p->statuses;      /* this thread reads no statuses */
	w->d->nstatuses = p->nstatuses;
	p->statuses = NULL;
	p->nstatuses = 0;
	return 0;
}

/* Invoices, payments and exceptions here, allocations in a second thread when it pays. */
static int scan_all(struct store *st, struct dash_work *w, bool basis_invoice,
                    struct pm_error *err)
{
	struct alloc_scan a;
	pthread_t th;
	int rc;

	if (w->max_inv < PARALLEL_MIN || alloc_scan_init(&a, st, w))
		goto alone;
	if (pm_thread_start(&th, alloc_scan_run, &a) != 0) {   /* signals stay with the caller */
		alloc_scan_free(&a);
		goto alone;
	}
	rc = scan_invoices(st, w, basis_invoice, err);
	if (rc == 0 && !(rc = scan_payments(st, w, err)))
		rc = scan_exceptions(st, w->d, err);
	pthread_join(th, NULL);
	if (rc == 0 && a.rc)
		rc = pm_error_set(err, a.rc, "%s", a.err.msg);
	if (rc == 0 && dash_merge(w, &a))
		rc = pm_error_set(err, PM_ESOFTWARE, "out of memory");
	alloc_scan_free(&a);
	return rc;
alone:
	if ((rc = scan_invoices(st, w, basis_invoice, err)) || (rc = scan_payments(st, w, err)) ||
	    (rc = scan_allocations(st, w, err)))
		return rc;
	return scan_exceptions(st, w->d, err);
}

static void load_run(struct store *st, const char *kind, struct dash_run *r)
{
	sqlite3_stmt *stmt;

	memset(r, 0, sizeof *r);
	if (sqlite3_prepare_v2(st->db, "SELECT id, started_at, ifnull(finished_at, ''), "
	                       "ifnull(duration_ms, 0), ifnull(workers, 0) FROM runs "
	                       "WHERE kind = ? ORDER BY id DESC LIMIT 1", -1, &stmt,
	                       NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(stmt, 1, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		r->id = sqlite3_column_int64(stmt, 0);
		snprintf(r->started_at, sizeof r->started_at, "%s", sqlite3_column_text(stmt, 1));
		snprintf(r->finished_at, sizeof r->finished_at, "%s", sqlite3_column_text(stmt, 2));
		r->duration_ms = sqlite3_column_int64(stmt, 3);
		r->workers = sqlite3_column_int(stmt, 4);
	}
	sqlite3_finalize(stmt);
}

static void finish_figures(struct dash_work *w)
{
	struct dashboard *d = w->d;

	for (int64_t id = 1; id <= w->max_inv; id++) {
		struct dash_currency *c;

		if (!w->inv_cur[id] || w->open[id] <= 0)
			continue;
		c = &d->currencies[w->inv_cur[id] - 1];
		c->open_receivables += w->open[id];
		c->aging[w->inv_bucket[id]] += w->open[id];
	}
	for (size_t i = 0; i < d->ncurrencies; i++)
		d->currencies[i].unapplied_cash = d->currencies[i].payments_amount -
		                                  d->currencies[i].applied_amount;
}

static int cmp_currency(const void *a, const void *b)
{
	const struct dash_currency *x = a, *y = b;
	int64_t sx = x->invoices_amount + x->payments_amount;
	int64_t sy = y->invoices_amount + y->payments_amount;

	return sx < sy ? 1 : sx > sy ? -1 : strcmp(x->currency, y->currency);
}

static void set_buckets(struct dashboard *d, const struct pm_config *cfg, const char *as_of)
{
	static const int64_t dflt[] = { 30, 60, 90, 120 };
	size_t nb = cfg && cfg->aging.nbuckets ? cfg->aging.nbuckets : 4;
	time_t now = time(NULL);
	struct tm tm;

	if (nb > DASH_MAX_BUCKETS - 2)
		nb = DASH_MAX_BUCKETS - 2;
	for (size_t i = 0; i < nb; i++)
		d->bucket_bounds[i] = cfg && cfg->aging.nbuckets ? cfg->aging.buckets[i] : dflt[i];
	d->nbuckets = nb + 2;
	if (as_of && strlen(as_of) == 10) {
		memcpy(d->as_of, as_of, 11);
	} else {
		gmtime_r(&now, &tm);
		strftime(d->as_of, sizeof d->as_of, "%Y-%m-%d", &tm);
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int dashboard_load(struct store *st, const struct pm_config *cfg, const char *as_of,
                   struct dashboard **out, struct pm_error *err)
{
	struct dash_work w = { 0 };
	int64_t t0 = now_ms();
	int rc = 0;

	*out = NULL;
	if (!(w.d = calloc(1, sizeof *w.d)))
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	set_buckets(w.d, cfg, as_of);
	w.as_of_days = iso_days(w.d->as_of);
	/* One read transaction so that the figures agree with each other. */
	if (store_exec(st, "BEGIN", err)) {
		dashboard_free(w.d);
		return err->code;
	}
	w.max_inv = query_max(st, "SELECT ifnull(max(id), 0) FROM invoices");
	w.max_pay = query_max(st, "SELECT ifnull(max(id), 0) FROM payments");
	w.open = calloc((size_t)w.max_inv + 1, sizeof *w.open);
	w.inv_cur = calloc((size_t)w.max_inv + 1, 1);
	w.inv_bucket = calloc((size_t)w.max_inv + 1, 1);
	w.paid = calloc((size_t)w.max_pay + 1, 1);
	if (!w.open || !w.inv_cur || !w.inv_bucket || !w.paid)
		rc = pm_error_set(err, PM_ESOFTWARE, "out of memory");
	if (rc == 0)
		rc = scan_all(st, &w, cfg && cfg->aging.basis_invoice_date, err);
	load_run(st, "import", &w.d->last_import);
	load_run(st, "match", &w.d->last_match);
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	if (rc == 0) {
		finish_figures(&w);
		if (w.d->ncurrencies > 1)
			qsort(w.d->currencies, w.d->ncurrencies, sizeof *w.d->currencies, cmp_currency);
		w.d->elapsed_ms = now_ms() - t0;
		*out = w.d;
	} else {
		dashboard_free(w.d);
	}
	free(w.open);
	free(w.inv_cur);
	free(w.inv_bucket);
	free(w.paid);
	return rc;
}

void dashboard_free(struct dashboard *d)
{
	if (!d)
		return;
	free(d->currencies);
	free(d->statuses);
	free(d->kinds);
	free(d);
}

double dashboard_rate_count(const struct dash_currency *c)
{
	return c->payments ? (double)c->payments_matched / (double)c->payments : 0.0;
}

double dashboard_rate_amount(const struct dash_currency *c)
{
	return c->payments_amount ? (double)c->applied_amount / (double)c->payments_amount : 0.0;
}

char *dashboard_bucket_label(const struct dashboard *d, size_t i, char *buf, size_t n)
{
	size_t nb = d->nbuckets - 2;

	if (i == 0)
		snprintf(buf, n, "current");
	else if (i <= nb)
		snprintf(buf, n, "%lld-%lld", (long long)(i == 1 ? 1 : d->bucket_bounds[i - 2] + 1),
		         (long long)d->bucket_bounds[i - 1]);
	else
		snprintf(buf, n, ">%lld", (long long)d->bucket_bounds[nb - 1]);
	return buf;
}
