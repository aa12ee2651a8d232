/* All SQL of matching: load the open items, the kept decisions and the rejected pairs;
 * write one run's allocations and exceptions in one transaction. */
#ifndef PAYMATCH_STORE_MATCH_H
#define PAYMATCH_STORE_MATCH_H

#include <stdint.h>

#include "paymatch/error.h"
#include "paymatch/store.h"

/* One open invoice as loaded; strings are valid only during the callback. */
struct store_match_invoice {
	int64_t row;
	const char *invoice_id, *customer_id, *customer_name, *invoice_date, *due_date;
	const char *currency, *reference;
	int64_t amount;
	int64_t open;       /* amount - applied (confirmed/manual) amounts and deductions, > 0 */
};

/* One payment with unapplied cash, as loaded; strings valid only during the callback. */
struct store_match_payment {
	int64_t row;
	const char *payment_id, *payment_date, *currency, *payer_name, *customer_id;
	const char *reference, *memo;
	int64_t amount;
	int64_t unapplied;  /* amount - applied (confirmed/manual) amounts, > 0 */
};

/* Receives loaded rows; a nonzero return stops the load with that status. */
struct store_match_sink {
	void *ctx;
	int (*invoice)(void *ctx, const struct store_match_invoice *inv);
	int (*payment)(void *ctx, const struct store_match_payment *pay);
	int (*rejected)(void *ctx, int64_t payment_row, int64_t invoice_row);
	/* Optional: shown the rows STORE_MATCH_AHEAD_FAR (stage 0) and STORE_MATCH_AHEAD_NEAR
	 * (stage 1) places ahead of the one being handed over, one of inv and pay non-NULL, so
	 * that the sink can prefetch what it will look up for them. */
	void (*ahead)(void *ctx, const struct store_match_invoice *inv,
	              const struct store_match_payment *pay, int stage);
	/* Optional: called once every invoice was handed over, before any payment when the
	 * tables are read one after the other (concurrent = 0), or on the invoices' thread while
	 * payments may still arrive on the other (concurrent = 1). */
	void (*invoices_done)(void *ctx, int concurrent);
	/* Optional: called once every payment was handed over, on the thread that handed them
	 * (concurrent: as for invoices_done), before store_match_load returns. */
	void (*payments_done)(void *ctx, int concurrent);
	/* Nonzero: invoice and payment (and ahead) may be called at the same time from two
	 * threads, each table in order on one thread; the load then reads the payments on a
	 * second connection. */
	int parallel;
};
#define STORE_MATCH_AHEAD_FAR 16
#define STORE_MATCH_AHEAD_NEAR 8

/* Streams the open invoices and payments in rowid order and the rejected pairs to sink.
 * Kept decisions (status confirmed/manual) reduce the open amounts; auto and suggested
 * allocations are ignored because the run replaces them. Returns 0 or an error. */
int store_match_load(struct store *st, const struct store_match_sink *sink,
                     struct pm_error *err);

/* One allocation to write. index links exceptions to it. */
struct store_match_alloc {
	int64_t payment_row, invoice_row;
	int64_t amount_applied, deduction;
	const char *currency, *rule, *explanation, *status;
	double confidence;
	int64_t group;            /* > 0: index+1 of the group's first allocation; 0 = none */
};

struct store_match_exception {
	const char *kind, *currency, *detail;
	int64_t payment_row, invoice_row;   /* 0 = NULL */
	int64_t alloc_index;                /* index into the allocations, -1 = none */
	int64_t amount;
	double confidence;                  /* < 0 = NULL */
};

/* One run's results, fetched row by row so that the engine's result is never copied. */
struct store_match_results {
	int64_t nallocs, nexcs;
	/* Fill *out with allocation / exception i (strings stay valid during the write). */
	void (*alloc_at)(void *ctx, int64_t i, struct store_match_alloc *out);
	void (*exc_at)(void *ctx, int64_t i, struct store_match_exception *out);
	void *rows_ctx;
	int workers;
	/* Called inside the transaction once the run id is known; returns the summary JSON
	 * (owned by the caller of store_match_write) or NULL. */
	const char *(*summary)(void *ctx, int64_t run_id);
	void *summary_ctx;
	int64_t started_ns;       /* for the run's duration */
};

/* In one transaction: records a match run, deletes auto/suggested allocations and every
 * exception except import_conflict, inserts res's allocations (ids in order) and
 * exceptions, finishes the run. On any error (or an interrupt) everything is rolled back
 * and the previous results stay. *run_id receives the run id. */
int store_match_write(struct store *st, const struct store_match_results *res,
                      int64_t *run_id, struct pm_error *err);

#endif
