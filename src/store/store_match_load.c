/* Loading the open items for matching (see store_match.h): plain SELECTs in rowid order
 * merged with pre-aggregated applied sums. A reader thread steps SQLite and copies rows
 * into batches while the caller's thread hands them to the sink (interning, normalising):
 * the two halves of loading overlap. One thread uses the connection at a time. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "paymatch/store_match.h"
#include "paymatch/strbuf.h"
#include "paymatch/thread.h"
#include "store_internal.h"

/* (row, sum) pairs in ascending row order. */
struct applied {
	int64_t *row, *sum;
	size_t n, alloc_row, alloc_sum;
};

static void applied_free(struct applied *a)
{
	free(a->row);
	free(a->sum);
}

static int load_applied(struct store *st, const char *sql, struct applied *a,
                        struct pm_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, sql, &stmt, err))
		return err->code;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (PM_GROW(a->row, a->n + 1, a->alloc_row) || PM_GROW(a->sum, a->n + 1, a->alloc_sum)) {
			sqlite3_finalize(stmt);
			return pm_error_set(err, PM_EIO, "out of memory loading allocations");
		}
		a->row[a->n] = sqlite3_column_int64(stmt, 0);
		a->sum[a->n++] = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_sql_error(st, err, 0, "loading kept allocations");
	return 0;
}

/* Returns the applied sum of row, advancing *pos (rows are visited in ascending order). */
static int64_t applied_at(const struct applied *a, size_t *pos, int64_t row)
{
	while (*pos < a->n && a->row[*pos] < row)
		(*pos)++;
	return *pos < a->n && a->row[*pos] == row ? a->sum[*pos] : 0;
}

#define BATCH_ROWS 2048
#define NCOLS 9                /* id, amount, then 7 text columns (see SQL below) */
#define NTEXT 7
#define NBATCH 4

/* Rows of one table: row, amount, open (or unapplied) and 7 texts at offsets in text. */
struct batch {
	int kind, n;               /* kind: 0 invoices, 1 payments, 2 end */
	int64_t num[BATCH_ROWS][3];
	uint32_t off[BATCH_ROWS][NTEXT];
	struct strbuf text;
};

/* Column order: id, amount, then the texts in the order the sink's struct lists them. */
static const char *const LOAD_SQL[2] = {
	"SELECT id, amount, invoice_id, customer_id, customer_name, invoice_date, due_date, "
	"currency, reference_number FROM invoices ORDER BY id",
	"SELECT id, amount, payment_id, payment_date, currency, payer_name, customer_id, "
	"reference_number, memo FROM payments ORDER BY id"
};

struct loader {
	struct store *st;
	const struct applied *ap[2];
	sqlite3_stmt *stmt;
	int kind;                  /* table being read; end_kind = done */
	int end_kind;              /* 1: invoices only, 2: to the end of payments */
	size_t pos;
	struct pm_error err;
	int rc;
	/* the queue between the reader thread and the sink */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *b[NBATCH];
	int full[NBATCH];
	int stop;
	int invoices_noted;
	int sink_stop;             /* the payments' thread: the sink's stop status */
};

/* Fills b with the next rows of the current table (moving on to the next table when one
 * ends); b->kind == 2 when everything was read. Returns 0 or an error status. */
static int fill_batch(struct loader *ld, struct batch *b)
{
	b->n = 0;
	b->text.len = 0;
	while (ld->kind < ld->end_kind) {
		int rc = SQLITE_DONE;

		if (!ld->stmt && store_prepare(ld->st, LOAD_SQL[ld->kind], &ld->stmt, &ld->err))
			return ld->err.code;
		b->kind = ld->kind;
		while (b->n < BATCH_ROWS && (rc = sqlite3_step(ld->stmt)) == SQLITE_ROW) {
			int64_t row = sqlite3_column_int64(ld->stmt, 0);
			int64_t amount = sqlite3_column_int64(ld->stmt, 1);
			int64_t open = amount - applied_at(ld->ap[ld->kind], &ld->pos, row);

			if (open <= 0)
				continue;
			b->num[b->n][0] = row;
			b->num[b->n][1] = amount;
			b->num[b->n][2] = open;
			for (int c = 0; c < NTEXT; c++) {
				const unsigned char *t = sqlite3_column_text(ld->stmt, 2 + c);
				int len = t ? sqlite3_column_bytes(ld->stmt, 2 + c) : 0;

				b->off[b->n][c] = (uint32_t)b->text.len;
				if (strbuf_add(&b->text, t ? (const char *)t : "", (size_t)len) ||
				    strbuf_addch(&b->text, '\0'))
					return pm_error_set(&ld->err, PM_EIO, "out of memory loading rows");
			}
			b->n++;
		}
		if (b->n == BATCH_ROWS)
			return 0;
		if (rc != SQLITE_DONE)
			return store_sql_error(ld->st, &ld->err, 0, ld->kind ? "loading payments" :
			                       "loading invoices");
		sqlite3_finalize(ld->stmt);
		ld->stmt = NULL;
		ld->pos = 0;
		ld->kind++;
		if (b->n)
			return 0;
	}
	b->kind = 2;
	return 0;
}

static void invoice_at(const struct batch *b, int i, struct store_match_invoice *v)
{
	const char *t = b->text.buf;
	const uint32_t *o = b->off[i];

	*v = (struct store_match_invoice){ .row = b->num[i][0], .amount = b->num[i][1],
		.open = b->num[i][2], .invoice_id = t + o[0], .customer_id = t + o[1],
		.customer_name = t + o[2], .invoice_date = t + o[3], .due_date = t + o[4],
		.currency = t + o[5], .reference = t + o[6] };
}

static void payment_at(const struct batch *b, int i, struct store_match_payment *p)
{
	const char *t = b->text.buf;
	const uint32_t *o = b->off[i];

	*p = (struct store_match_payment){ .row = b->num[i][0], .amount = b->num[i][1],
		.unapplied = b->num[i][2], .payment_id = t + o[0], .payment_date = t + o[1],
		.currency = t + o[2], .payer_name = t + o[3], .customer_id = t + o[4],
		.reference = t + o[5], .memo = t + o[6] };
}

/* Shows the sink row i of b ahead of time (stage: see store_match_sink.ahead). */
static void show_ahead(const struct store_match_sink *sink, const struct batch *b, int i,
                       int stage)
{
	struct store_match_invoice v;
	struct store_match_payment p;

	if (i >= b->n)
		return;
	if (b->kind == 0) {
		invoice_at(b, i, &v);
		sink->ahead(sink->ctx, &v, NULL, stage);
	} else {
		payment_at(b, i, &p);
		sink->ahead(sink->ctx, NULL, &p, stage);
	}
}

/* Hands the rows of b to the sink; returns its nonzero status, if any. */
static int drain_batch(const struct store_match_sink *sink, const struct batch *b)
{
	for (int i = 0; sink->ahead && i < STORE_MATCH_AHEAD_FAR; i++)
		show_ahead(sink, b, i, 0);
	for (int i = 0; sink->ahead && i < STORE_MATCH_AHEAD_NEAR; i++)
		show_ahead(sink, b, i, 1);
	for (int i = 0; i < b->n; i++) {
		int stop;

		if (sink->ahead) {
			show_ahead(sink, b, i + STORE_MATCH_AHEAD_FAR, 0);
			show_ahead(sink, b, i + STORE_MATCH_AHEAD_NEAR, 1);
		}
		if (b->kind == 0) {
			struct store_match_invoice v;

			invoice_at(b, i, &v);
			stop = sink->invoice(sink->ctx, &v);
		} else {
			struct store_match_payment p;

			payment_at(b, i, &p);
			stop = sink->payment(sink->ctx, &p);
		}
		if (stop)
			return stop;
	}
	return 0;
}

/* The reader thread: fills free slots in order until the end, an error or a stop. */
static void *reader_main(void *arg)
{
	struct loader *ld = arg;

	for (int k = 0;; k = (k + 1) % NBATCH) {
		int rc, end, stop;

		pthread_mutex_lock(&ld->mu);
		while (ld->full[k] && !ld->stop)
			pthread_cond_wait(&ld->cv, &ld->mu);
		stop = ld->stop;
		pthread_mutex_unlock(&ld->mu);
		if (stop)
			return NULL;
		rc = fill_batch(ld, ld->b[k]);
		if (rc)
			ld->b[k]->kind = 2;
		end = ld->b[k]->kind == 2;
		pthread_mutex_lock(&ld->mu);
		ld->rc = rc;
		ld->full[k] = 1;
		pthread_cond_broadcast(&ld->cv);
		pthread_mutex_unlock(&ld->mu);
		if (end)
			return NULL;
	}
}

/* Tells the sink the invoices are all in when batch b is the first of the payments. */
static void note_invoices_done(struct loader *ld, const struct store_match_sink *sink,
                               const struct batch *b)
{
	if (b->kind == 1 && !ld->invoices_noted) {
		ld->invoices_noted = 1;
		if (sink->invoices_done)
			sink->invoices_done(sink->ctx, 0);
	}
}

/* Consumes the reader's batches in order; returns the sink's stop status or 0. */
static int consume(struct loader *ld, const struct store_match_sink *sink)
{
	int stop = 0;

	for (int k = 0;; k = (k + 1) % NBATCH) {
		int end;

		pthread_mutex_lock(&ld->mu);
		while (!ld->full[k])
			pthread_cond_wait(&ld->cv, &ld->mu);
		pthread_mutex_unlock(&ld->mu);
		end = ld->b[k]->kind == 2;
		if (!end) {
			note_invoices_done(ld, sink, ld->b[k]);
			stop = drain_batch(sink, ld->b[k]);
		}
		pthread_mutex_lock(&ld->mu);
		ld->full[k] = 0;
		ld->stop = stop != 0;
		pthread_cond_broadcast(&ld->cv);
		pthread_mutex_unlock(&ld->mu);
		if (end || stop)
			return stop;
	}
}

/* Runs the reader on its own thread (signals blocked there: they reach the caller), or
 * inline when no thread can be started. Returns the sink's stop status or 0; ld->rc holds
 * a read error. */
static int load_rows(struct loader *ld, const struct store_match_sink *sink)
{
	pthread_t tid;
	int stop = 0;

	if (pm_thread_start(&tid, reader_main, ld) == 0) {
		stop = consume(ld, sink);
		pthread_join(tid, NULL);
		return stop;
	}
	do {
		ld->rc = fill_batch(ld, ld->b[0]);
		if (!ld->rc && ld->b[0]->kind != 2) {
			note_invoices_done(ld, sink, ld->b[0]);
			stop = drain_batch(sink, ld->b[0]);
		}
	} while (!ld->rc && !stop && ld->b[0]->kind != 2);
	return stop;
}

static int loader_init(struct loader *ld, struct pm_error *err)
{
	int rc = 0;

	pthread_mutex_init(&ld->mu, NULL);
	pthread_cond_init(&ld->cv, NULL);
	for (int k = 0; k < NBATCH; k++) {
		ld->b[k] = malloc(sizeof *ld->b[k]);
		if (ld->b[k])
			strbuf_init(&ld->b[k]->text);
		else
			rc = pm_error_set(err, PM_EIO, "out of memory loading rows");
	}
	return rc;
}

static void loader_free(struct loader *ld)
{
	sqlite3_finalize(ld->stmt);
	ld->stmt = NULL;
	for (int k = 0; k < NBATCH; k++)
		if (ld->b[k]) {
			strbuf_release(&ld->b[k]->text);
			free(ld->b[k]);
			ld->b[k] = NULL;
		}
	pthread_cond_destroy(&ld->cv);
	pthread_mutex_destroy(&ld->mu);
}

/* The status of a finished loader: the sink's stop, else its read error (into err). */
static int loader_status(struct loader *ld, int stop, struct pm_error *err)
{
	if (stop)
		return pm_error_set(err, stop, "loading stopped");
	if (ld->rc) {
		*err = ld->err;
		return ld->rc;
	}
	return 0;
}

struct pay_job {
	struct loader *ld;
	const struct store_match_sink *sink;
};

static void *payments_main(void *arg)
{
	struct pay_job *j = arg;

	j->ld->sink_stop = load_rows(j->ld, j->sink);
	if (!j->ld->sink_stop && !j->ld->rc && j->sink->payments_done)
		j->sink->payments_done(j->sink->ctx, 1);
	return NULL;
}

/* Reads the payments on a second connection and a thread of their own while this one reads
 * the invoices (the sink said it can take both at once). Returns 1 when it could not start
 * (the caller then reads both tables in turn), else 0 or an error. */
static int load_both(struct store *st, const struct store_match_sink *sink,
                     struct loader *li, struct pm_error *err)
{
	struct loader lp = { .ap = { li->ap[0], li->ap[1] }, .kind = 1, .end_kind = 2,
	                     .invoices_noted = 1 };   /* invoices_done comes from this thread */
	struct pay_job j = { &lp, sink };
	pthread_t tid;
	int rc, started;

	if (store_open(store_path(st), STORE_READONLY, 5000, &lp.st, err)) {
		pm_error_clear(err);
		return 1;
	}
	rc = loader_init(&lp, err);
	started = !rc && pm_thread_start(&tid, payments_main, &j) == 0;
	if (!started) {
		loader_free(&lp);
		store_close(lp.st);
		return rc ? rc : 1;
	}
	li->end_kind = 1;
	rc = loader_status(li, load_rows(li, sink), err);
	if (!rc && sink->invoices_done)
		sink->invoices_done(sink->ctx, 1);
	pthread_join(tid, NULL);
	if (!rc)
		rc = loader_status(&lp, lp.sink_stop, err);
	loader_free(&lp);
	store_close(lp.st);
	return rc;
}

static int load_items(struct store *st, const struct store_match_sink *sink,
                      const struct applied *inv, const struct applied *pay,
                      struct pm_error *err)
{
	struct loader ld = { .st = st, .ap = { inv, pay }, .end_kind = 2 };
	int rc = loader_init(&ld, err);

	if (!rc && sink->parallel)
		rc = load_both(st, sink, &ld, err);
	else if (!rc)
		rc = 1;
	if (rc == 1) {   /* one table after the other on this connection */
		ld.end_kind = 2;
		rc = loader_status(&ld, load_rows(&ld, sink), err);
		if (!rc && sink->payments_done)
			sink->payments_done(sink->ctx, 0);
	}
	loader_free(&ld);
	return rc;
}

static int load_rejected(struct store *st, const struct store_match_sink *sink,
                         struct pm_error *err)
{
	sqlite3_stmt *s;
	int rc, stop = 0;

	if (store_prepare(st, "SELECT payment_row, invoice_row FROM allocations WHERE status = "
	                  "'rejected' AND payment_row IS NOT NULL AND invoice_row IS NOT NULL",
	                  &s, err))
		return err->code;
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW)
		stop = sink->rejected(sink->ctx, sqlite3_column_int64(s, 0),
		                      sqlite3_column_int64(s, 1));
	sqlite3_finalize(s);
	if (stop)
		return pm_error_set(err, stop, "loading rejected pairs stopped");
	if (rc != SQLITE_DONE)
		return store_sql_error(st, err, 0, "loading rejected pairs");
	return 0;
}

int store_match_load(struct store *st, const struct store_match_sink *sink,
                     struct pm_error *err)
{
	struct applied inv = { 0 }, pay = { 0 };
	int rc;

	/* Only kept decisions count: this run deletes and re-derives auto and suggested. */
	rc = load_applied(st, "SELECT invoice_row, SUM(amount_applied + deduction) FROM allocations "
	                  "WHERE status IN ('confirmed','manual') AND invoice_row IS NOT NULL "
	                  "GROUP BY invoice_row ORDER BY invoice_row", &inv, err);
	if (!rc)
		rc = load_applied(st, "SELECT payment_row, SUM(amount_applied) FROM allocations "
		                  "WHERE status IN ('confirmed','manual') AND payment_row IS NOT NULL "
		                  "GROUP BY payment_row ORDER BY payment_row", &pay, err);
	if (!rc)
		rc = load_items(st, sink, &inv, &pay, err);
	if (!rc)
		rc = load_rejected(st, sink, err);
	applied_free(&inv);
	applied_free(&pay);
	return rc;
}
