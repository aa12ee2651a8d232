/* The SQL behind reports and `paymatch check`: every query streams its rows to a callback
 * (nothing is collected here). Queries are single table scans or rowid joins: at 1M rows a
 * GROUP BY sorts and costs over a second, a scan costs about 0.1 s (docs/PERFORMANCE.md),
 * so the small per-group sums are made by the caller in one pass. */
#ifndef PAYMATCH_STORE_REPORT_H
#define PAYMATCH_STORE_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "paymatch/error.h"
#include "paymatch/store.h"
#include "paymatch/strbuf.h"

struct store_report_filter {
	const char *customer;     /* customer_id, or NULL for all */
	const char *currency;     /* currency code, or NULL for all */
	char as_of[11];           /* "YYYY-MM-DD": later invoices, payments, write-offs ignored */
	bool basis_invoice_date;  /* tuples carry the invoice date instead of the due date */
	bool every_row;           /* aging scan: every row comes, the filter only in the flags */
};

/* Starts a read snapshot for a report (every query then sees the same data) and tunes the
 * read-only connection. Returns 0, PM_ENOINPUT when st is not a paymatch working set, PM_EIO. */
int store_report_begin(struct store *st, struct pm_error *err);
/* Ends the snapshot started by store_report_begin. */
void store_report_end(struct store *st);

/* Upper bounds of the invoice and payment rowids (0 when empty), for flat per-row arrays. */
int store_report_max_rows(struct store *st, int64_t *invoices, int64_t *payments,
                          struct pm_error *err);

/* An invoice or a payment as the aging scan streams it. */
struct store_aging_row {
	int64_t row;              /* rowid */
	const char *customer_id;  /* of the invoice, or of the payment ("" when unknown) */
	const char *currency;
	const char *date;         /* invoices: the basis date; payments: "" */
	const char *name;         /* customer_name of an invoice, payer_name of a payment */
	int64_t amount;
	bool dated;               /* on or before f->as_of (always true when nothing is later) */
	bool selected;            /* dated and within the customer/currency filter */
	bool in_ledger;           /* invoices: dated and of the customer filter (any currency) */
};

/* An APPLIED allocation (rows are 0 when absent). */
struct store_aging_alloc {
	int64_t payment_row, invoice_row;
	int64_t applied, deduction;
	const char *currency;     /* the allocation's own */
	bool writeoff_dated;      /* a write-off decided on or before as_of */
	bool check_dates;         /* false when nothing is dated after as_of */
};

struct store_aging_fns {
	int (*invoice)(void *ctx, const struct store_aging_row *r);
	int (*payment)(void *ctx, const struct store_aging_row *r);
	int (*allocation)(void *ctx, const struct store_aging_alloc *a);
};

/* Streams every invoice, then every payment, then every APPLIED allocation, each in rowid
 * order, with the flags the caller needs to apply f (three table scans, no joins). When
 * nothing is dated after f->as_of and f->every_row is false, only the invoices of
 * f->customer and the selected payments come. A callback returning non-zero stops the scan
 * and is returned. */
int store_report_aging_scan(struct store *st, const struct store_report_filter *f,
                            const struct store_aging_fns *fns, void *ctx, struct pm_error *err);

/* The closing check's invoiced side: streams (currency, amount) of the invoices dated by
 * as_of within the filter, summed per currency where an index allows, by a query
 * independent of the aging scan. */
typedef int (*store_ledger_fn)(void *ctx, const char *currency, int64_t amount);
int store_report_invoiced(struct store *st, const struct store_report_filter *f,
                          store_ledger_fn fn, void *ctx, struct pm_error *err);

/* Streams (payment_row, invoice_row, currency) of every open exception (rows 0 when
 * absent), for the caller to attribute through the rows of its aging scan: joins and a
 * GROUP BY here cost 0.7 s at 300k exceptions. */
typedef int (*store_exception_fn)(void *ctx, int64_t payment_row, int64_t invoice_row,
                                  const char *currency);
int store_report_exception_rows(struct store *st, store_exception_fn fn, void *ctx,
                                struct pm_error *err);
/* With f->customer set: streams (customer_id of the payment, else of the invoice; currency
 * of the exception, else of its payment or invoice) of each open exception counting for
 * that customer (and f->currency), found through the customer's payments and invoices. */
typedef int (*store_customer_fn)(void *ctx, const char *customer_id, const char *currency);
int store_report_exception_customers(struct store *st, const struct store_report_filter *f,
                                     store_customer_fn fn, void *ctx, struct pm_error *err);

/* Returns 1 when customer_id has a customer row, invoice or payment, 0 when not, or -1
 * (err filled). When not, appends up to three similar ids to hint ("'C1', 'C2'"). */
int store_report_customer_known(struct store *st, const char *customer_id, struct strbuf *hint,
                                struct pm_error *err);

/* A row is passed as an array of column texts (NULL for SQL NULL) and integers, in the
 * order documented for each query in docs/REPORTS.md. */
struct store_row {
	const char *const *text;  /* text columns */
	const int64_t *num;       /* integer columns */
	const bool *is_null;      /* per integer column */
	double real;              /* confidence, when the query has one */
	const size_t *len;        /* byte length of each text column (0 for NULL), or NULL */
};
typedef int (*store_row_fn)(void *ctx, const struct store_row *row);

/* matches: text payment_id, invoice_id, currency, rule, status, reason_code, decided_by,
 * decided_at, explanation, created_at; num allocation_id, amount_applied, deduction,
 * payment_row, invoice_row (0 when none); real confidence. In allocation id order.
 * With a customer filter the allocations come by index (the customer's invoices and
 * payments). */
int store_report_matches(struct store *st, const struct store_report_filter *f,
                         store_row_fn fn, void *ctx, struct pm_error *err);
/* As store_report_matches without the joins: payment_id and invoice_id are NULL, for the
 * caller to resolve from payment_row / invoice_row (store_report_natural_ids); the filter's
 * customer is ignored. Two rowid lookups per allocation cost 0.5 s at 1M rows. */
int store_report_match_rows(struct store *st, const struct store_report_filter *f,
                            store_row_fn fn, void *ctx, struct pm_error *err);
/* Streams (rowid, invoice_id) of every invoice (what 0), or (rowid, payment_id) of every
 * payment (1), in rowid order. */
typedef int (*store_id_fn)(void *ctx, int64_t row, const char *id, size_t len);
int store_report_natural_ids(struct store *st, int what, store_id_fn fn, void *ctx,
                             struct pm_error *err);

/* exceptions (open only): text kind, payment_id, payment_date, payer_name, invoice_id,
 * customer_id, currency, candidate_invoice_id, detail, payment_currency, invoice_currency;
 * num exception_id, amount, payment_amount, invoice_amount, has_confidence(0/1);
 * real confidence. Ordered by kind, then id. */
int store_report_exceptions(struct store *st, const struct store_report_filter *f,
                            store_row_fn fn, void *ctx, struct pm_error *err);

/* import-errors: text file, column_name, reason, raw; num line, id. In id order. */
int store_report_import_errors(struct store *st, store_row_fn fn, void *ctx,
                               struct pm_error *err);

/* summary helpers. Streams (currency, count, amount) of invoices (what 0) or payments (1). */
typedef int (*store_sum_fn)(void *ctx, const char *key, const char *currency, int64_t count,
                            int64_t amount);
int store_report_totals(struct store *st, int what, const char *currency, store_sum_fn fn,
                        void *ctx, struct pm_error *err);
/* One allocation for the summary (rows are 0 when absent). */
struct store_alloc_row {
	const char *status;
	const char *currency;
	int64_t payment_row, invoice_row;
	int64_t applied, deduction;
};
typedef int (*store_alloc_fn)(void *ctx, const struct store_alloc_row *a);
/* Streams every allocation (of currency, or all when NULL) in table order; the caller sums
 * and counts distinct payments itself (a bitmap beats COUNT(DISTINCT)'s sort). */
int store_report_allocation_stream(struct store *st, const char *currency, store_alloc_fn fn,
                                   void *ctx, struct pm_error *err);
/* Streams (kind, currency, count, amount) of open exceptions, by kind then currency. */
int store_report_exception_counts(struct store *st, const char *currency, store_sum_fn fn,
                                  void *ctx, struct pm_error *err);
/* Streams the last run of each kind as (kind, finished_at or started_at, duration_ms, 0). */
int store_report_last_runs(struct store *st, store_sum_fn fn, void *ctx, struct pm_error *err);

/* `paymatch check`: streams one finding per failed invariant (rule name, detail) and returns
 * the number of findings, or -1 with err filled. */
typedef int (*store_finding_fn)(void *ctx, const char *rule, const char *detail);
int64_t store_check_invariants(struct store *st, store_finding_fn fn, void *ctx,
                               struct pm_error *err);

#endif
