/* The matching engine: decides which payment pays which invoice, how much, how sure and why.
 * match_run loads the working set, scores payments in parallel on an immutable snapshot,
 * resolves conflicts best-first on one thread, and writes everything in one transaction.
 * match_compute is the same engine on an in-memory set, without SQLite (unit tests). */
#ifndef PAYMATCH_MATCH_H
#define PAYMATCH_MATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "paymatch/config.h"
#include "paymatch/date.h"
#include "paymatch/error.h"
#include "paymatch/progress.h"
#include "paymatch/store.h"

enum match_rule {
	RULE_EXACT_REF, RULE_MANGLED_REF, RULE_MEMO_REF, RULE_TYPO_REF, RULE_CUSTOMER_AMOUNT,
	RULE_NAME_AMOUNT, RULE_MULTI_REF, RULE_MULTI_SUM, RULE_PARTIAL, RULE_SHORT_PAY,
	RULE_OVER_PAY, RULE_COUNT
};

enum match_status { MSTATUS_AUTO, MSTATUS_SUGGESTED, MSTATUS_COUNT };

enum match_exc {
	EXC_UNMATCHED_PAYMENT, EXC_SUGGESTED, EXC_SHORT_PAY, EXC_OVER_PAY, EXC_DUPLICATE,
	EXC_CURRENCY_MISMATCH, EXC_AMBIGUOUS, EXC_COUNT
};

enum match_stage { MSTAGE_LOADING, MSTAGE_SCORING, MSTAGE_ALLOCATING, MSTAGE_WRITING,
	MSTAGE_COUNT };

/* Returns the stored name of rule ("exact_ref"), status ("auto"), exception kind
 * ("unmatched_payment") or stage ("loading"). */
const char *match_rule_name(int rule);
const char *match_status_name(int status);
const char *match_exc_name(int kind);
const char *match_stage_name(int stage);

struct match_options {
	int workers;          /* 0 = config_workers(cfg) */
	bool dry_run;         /* compute and summarise, write nothing */
};

struct match_summary {
	int64_t payments, invoices;          /* open items considered */
	int64_t payment_amount;              /* their unapplied cash (minor units, all currencies) */
	int64_t matched_payments;            /* payments with at least one proposed allocation */
	int64_t matched_amount;              /* cash proposed (auto + suggested) */
	int64_t allocations;
	int64_t status_count[MSTATUS_COUNT], status_amount[MSTATUS_COUNT];
	int64_t rule_count[RULE_COUNT], rule_amount[RULE_COUNT];
	int64_t exc_count[EXC_COUNT];
	int64_t stage_ns[MSTAGE_COUNT];
	int workers;
	int64_t run_id;                      /* 0 on a dry run */
};

/* An in-memory set of open invoices and payments (the snapshot workers read). */
struct match_set;

struct match_invoice_in {
	int64_t row;
	const char *invoice_id, *customer_id, *customer_name, *reference, *currency;
	pm_date invoice_date, due_date;
	int64_t amount, open;
};

struct match_payment_in {
	int64_t row;
	const char *payment_id, *currency, *payer_name, *customer_id, *reference, *memo;
	pm_date date;
	int64_t amount, unapplied;
};

/* Returns a new empty set, or NULL when out of memory; free with match_set_free. */
struct match_set *match_set_new(void);
void match_set_free(struct match_set *set);

/* Adds an open invoice / a payment with unapplied cash (strings are copied; NULL = "").
 * Returns 0 or -1 when out of memory. Items must be added in ascending row order. */
int match_set_add_invoice(struct match_set *set, const struct match_invoice_in *inv);
int match_set_add_payment(struct match_set *set, const struct match_payment_in *pay);
/* Records that (payment_row, invoice_row) was rejected by a reviewer: never proposed. */
int match_set_add_rejected(struct match_set *set, int64_t payment_row, int64_t invoice_row);

/* One proposed allocation (64 bytes: a result holds ~930k of them at 1M payments, at the
 * run's memory peak). */
struct match_alloc {
	int64_t payment_row, invoice_row;
	int64_t amount_applied, deduction;
	double confidence;
	int64_t group;                 /* > 0: index+1 of the first allocation of its group */
	const char *explanation;       /* "ref exact, amount exact, +12d" */
	char currency[4];              /* ISO 4217 code */
	int8_t rule, status;
};

/* One derived exception. */
struct match_exception {
	int kind;
	int64_t payment_row, invoice_row;   /* 0 = none */
	int64_t alloc_index;                /* -1 = none */
	int64_t amount;
	double confidence;                  /* < 0 = none */
	const char *currency;
	const char *detail;
};

struct match_result {
	struct match_alloc *allocs;
	int64_t nallocs;
	struct match_exception *excs;
	int64_t nexcs;
	struct match_summary summary;
	void *priv;                         /* text storage */
};

/* Matches the payments of set against its invoices with cfg's rules on workers threads
 * (0 = config_workers). set is indexed on first use and read-only afterwards. The result
 * is identical for any worker count. Returns 0 with *out (free with match_result_free),
 * PM_EINTR when progress was cancelled (nothing returned), or an error. progress may be
 * NULL. */
int match_compute(struct match_set *set, const struct pm_config *cfg, int workers,
                  struct pm_progress *progress, struct match_result **out,
                  struct pm_error *err);
void match_result_free(struct match_result *res);

/* Runs a whole match on the working set: load, score, allocate, write (one transaction),
 * and fills *out. Worker threads have SIGINT/SIGTERM/SIGHUP/SIGWINCH blocked, so signals
 * reach the caller's thread. On cancel (progress) returns PM_EINTR and the previous results
 * are untouched. */
int match_run(struct store *st, const struct pm_config *cfg, const struct match_options *opt,
              struct pm_progress *progress, struct match_summary *out, struct pm_error *err);

/* Appends the summary as one JSON object to *json (caller frees); returns 0 or -1. */
int match_summary_json(const struct match_summary *s, char **json);

#endif
