/* The dashboard's figures, per currency (amounts of different currencies are never added).
 * Computed from the working set in one read; see docs/REVIEW.md for the cost at 1M rows. */
#ifndef PAYMATCH_DASHBOARD_H
#define PAYMATCH_DASHBOARD_H

#include <stddef.h>
#include <stdint.h>

#include "paymatch/config.h"
#include "paymatch/error.h"
#include "paymatch/store.h"

/* Aging buckets: [0] not yet due, [1..nb] up to cfg->aging.buckets[i-1] days past due,
 * [nb+1] older than the last bound. */
#define DASH_MAX_BUCKETS 10

struct dash_currency {
	char currency[4];
	int64_t invoices;             /* count */
	int64_t invoices_amount;
	int64_t payments;             /* count */
	int64_t payments_amount;
	int64_t payments_matched;     /* payments with at least one applied allocation */
	int64_t applied_amount;       /* SUM(amount_applied) of applied allocations */
	int64_t open_receivables;     /* SUM of invoice open balances */
	int64_t unapplied_cash;       /* SUM of payment unapplied cash */
	int64_t aging[DASH_MAX_BUCKETS]; /* open balance per bucket */
};

/* Allocations per status (auto, suggested, confirmed, manual, rejected) and currency. */
struct dash_status {
	char status[12];
	char currency[4];
	int64_t count;
	int64_t amount;               /* SUM(amount_applied + deduction) */
};

struct dash_kind {
	char kind[20];                /* exception kind */
	int64_t count;                /* open exceptions of that kind */
};

struct dash_run {
	int64_t id;                   /* 0 when there was no such run */
	char started_at[24];
	char finished_at[24];         /* "" while running or when it failed */
	int64_t duration_ms;
	int workers;
};

struct dashboard {
	struct dash_currency *currencies; /* sorted by invoices_amount + payments_amount, desc */
	size_t ncurrencies;
	struct dash_status *statuses;
	size_t nstatuses;
	struct dash_kind *kinds;
	size_t nkinds;
	int64_t open_exceptions;      /* all kinds */
	size_t nbuckets;              /* aging entries used: cfg->aging.nbuckets + 2 */
	int64_t bucket_bounds[DASH_MAX_BUCKETS]; /* days; bounds[i] closes bucket i+1 */
	struct dash_run last_import;
	struct dash_run last_match;
	char as_of[11];               /* aging date */
	int64_t elapsed_ms;           /* time the computation took */
};

/* Computes the figures into a new *out (aging as of as_of "YYYY-MM-DD", NULL = today UTC;
 * buckets from cfg, NULL = 30,60,90,120). The caller frees it with dashboard_free.
 * Returns 0 or PM_EIO / PM_EINTR. */
int dashboard_load(struct store *st, const struct pm_config *cfg, const char *as_of,
                   struct dashboard **out, struct pm_error *err);

/* Frees d. NULL is allowed. */
void dashboard_free(struct dashboard *d);

/* Returns the match rate by count in [0,1] for c (matched payments / payments; 0 if none). */
double dashboard_rate_count(const struct dash_currency *c);

/* Returns the match rate by amount in [0,1] for c (applied / payments amount; 0 if none). */
double dashboard_rate_amount(const struct dash_currency *c);

/* Returns the label of aging bucket i of d ("current", "1-30", ..., ">120") into buf. */
char *dashboard_bucket_label(const struct dashboard *d, size_t i, char *buf, size_t n);

#endif
