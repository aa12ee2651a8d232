/* Paged, sorted, filtered views of the working set for the table screens. A browse never
 * loads a whole table: it holds one page of rows, fetched with keyset queries
 * ((sortkey, id) > (?, ?) ORDER BY sortkey, id LIMIT n) over indexes, and resets every
 * statement after the page is read, so no read transaction stays open between key presses.
 * Curses-free: the UI draws the display strings it gets here. */
#ifndef PAYMATCH_STORE_BROWSE_H
#define PAYMATCH_STORE_BROWSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paymatch/config.h"
#include "paymatch/error.h"
#include "paymatch/store.h"

enum browse_table {
	BROWSE_MATCHES,           /* allocations with their payment and invoice */
	BROWSE_EXCEPTIONS,        /* open exceptions with payment, invoice and best candidate */
	BROWSE_INVOICES,          /* invoices with their open balance */
	BROWSE_PAYMENTS,          /* payments with their unapplied cash */
	BROWSE_AGING,             /* one row per (customer, currency): open amounts per bucket */
	BROWSE_CUSTOMER_INVOICES, /* open invoices of params.customer_id (aging drill-down) */
	BROWSE_PICKER,            /* open invoices for a manual match (optionally one customer) */
	BROWSE_NTABLES
};

/* Column metadata (static data per table; the UI lays out and labels from it). */
struct browse_column {
	const char *name;         /* filter/sort key, e.g. "amount" */
	const char *title;        /* header text, e.g. "Amount" */
	int width;                /* width hint in terminal cells */
	bool numeric;             /* right-align */
	bool sortable;            /* has an index: sorting by it stays fast */
};

/* One displayed row: a display string per column plus the ids the UI acts on (0 = none). */
struct browse_row {
	char **cells;             /* ncols NUL-terminated UTF-8 strings, owned by the browse */
	int64_t id;               /* the row's own key (allocation/exception/invoice/payment id) */
	int64_t allocation_id;
	int64_t allocation_version;
	int64_t exception_id;
	int64_t exception_version;
	int64_t payment_row;
	int64_t invoice_row;
	char customer_id[64];     /* BROWSE_AGING: the drill-down key (truncated if longer) */
	char currency[4];
};

struct browse_params {
	enum browse_table table;
	size_t sort_column;       /* index into the table's columns; must be sortable */
	bool descending;
	const char *filter;       /* filter line (see browse_set_filter), NULL = none */
	size_t page_rows;         /* rows per page (the UI's visible lines); 0 = 50 */
	const char *customer_id;  /* CUSTOMER_INVOICES (required) / PICKER (optional) scope */
	const char *currency;     /* PICKER/CUSTOMER_INVOICES: only this currency, NULL = any */
	const char *as_of;        /* aging date "YYYY-MM-DD", NULL = today (UTC) */
	const struct pm_config *cfg; /* aging buckets; NULL = 30,60,90,120 */
};

/* Result of one browse_search step. */
enum browse_search_result {
	BROWSE_FOUND = 0,         /* the page now shows the match */
	BROWSE_NOT_FOUND = 1,     /* no row contains the text anywhere */
	BROWSE_SEARCHING = 2      /* budget spent without a match: call again to continue */
};

struct browse;

/* Returns the number of columns of table. */
size_t browse_table_ncols(enum browse_table table);

/* Returns column i of table (i < browse_table_ncols). */
const struct browse_column *browse_table_column(enum browse_table table, size_t i);

/* Returns the column index of name in table, or -1. */
int browse_table_find_column(enum browse_table table, const char *name);

/* Returns the number of columns of b (BROWSE_AGING's bucket columns follow cfg, so prefer
 * these two over the table-level ones for drawing). */
size_t browse_ncols(const struct browse *b);

/* Returns column i of b (i < browse_ncols); titles of aging buckets are "1-30", ... */
const struct browse_column *browse_column(const struct browse *b, size_t i);

/* Creates a browse over p (copied) and fetches the first page into *out. Returns 0, or
 * PM_EUSAGE (bad filter / unsortable column, err says why) / PM_EIO. Free with browse_free. */
int browse_new(struct store *st, const struct browse_params *p, struct browse **out,
               struct pm_error *err);

/* Frees b and its page. NULL is allowed. */
void browse_free(struct browse *b);

/* Returns the current page's rows (valid until the next call that changes the page). */
const struct browse_row *browse_rows(const struct browse *b, size_t *nrows);

/* Returns true when the page holds the first (resp. last) row of the view. */
bool browse_at_start(const struct browse *b);
bool browse_at_end(const struct browse *b);

/* Fetches the first page (g). Returns 0 or PM_EIO. */
int browse_first(struct browse *b, struct pm_error *err);

/* Fetches the last page (G): the page_rows last rows. Returns 0 or PM_EIO. */
int browse_last(struct browse *b, struct pm_error *err);

/* Fetches the page after the current one (PgDn); at the end the page stays. 0 or PM_EIO. */
int browse_next(struct browse *b, struct pm_error *err);

/* Fetches the page before the current one (PgUp); at the start the first page. */
int browse_prev(struct browse *b, struct pm_error *err);

/* Moves the window by delta rows (negative = up), clamped at both ends (line scrolling). */
int browse_scroll(struct browse *b, int64_t delta, struct pm_error *err);

/* Sets the time a key press's page fetch may scan for a row-by-row filter before it shows
 * what it found (0 = the default, 25 ms; negative = stop as early as possible: tests). */
void browse_set_scan_budget(struct browse *b, int ms);

/* Returns true while the page is incomplete: a filter tested row by row ran out of time
 * before it found a page of rows (the rows found so far are shown). */
bool browse_filling(const struct browse *b);

/* Continues filling an incomplete page for about budget_ms. *prepended gets the number of
 * rows added above the page's former first row (a fill towards the start). 0 or PM_EIO. */
int browse_fill(struct browse *b, int budget_ms, size_t *prepended, struct pm_error *err);

/* Re-reads the page from its current first row (after a decision or another session's
 * commit); rows that vanished are skipped. Returns 0 or PM_EIO. */
int browse_reload(struct browse *b, struct pm_error *err);

/* Changes the page size (terminal resize) and re-reads from the current first row. */
int browse_set_page_rows(struct browse *b, size_t page_rows, struct pm_error *err);

/* Sorts by column col (must be sortable, else PM_EUSAGE) and shows the first page. */
int browse_set_sort(struct browse *b, size_t col, bool descending, struct pm_error *err);

/* Returns the current sort column and direction. */
size_t browse_sort_column(const struct browse *b, bool *descending);

/* Parses and applies a filter line and shows the first page. Syntax: words (every word must
 * occur, case-insensitive, in the row's text columns), key:value (status, kind, currency,
 * customer, rule, id, ref — exact, id/ref/customer also prefix with a trailing '*'),
 * amount>N, amount<N, amount>=N, amount<=N, amount=N (major units, e.g. 1000.50).
 * Values are bound parameters, never SQL text. Returns 0, or PM_EUSAGE naming the bad token
 * (the previous filter stays). "" or NULL clears. */
int browse_set_filter(struct browse *b, const char *filter, struct pm_error *err);

/* Counts the rows of the view into *out, at once. Exact (BROWSE_AGING: an upper bound, the
 * customer/currency pairs with a matching invoice, whether or not anything is open); cached
 * until the filter changes or browse_reload. At 1M rows this costs 10-80 ms, and seconds
 * with a word filter: the UI uses browse_count_step instead. */
int browse_count(struct browse *b, int64_t *out, struct pm_error *err);

/* Advances the count by about budget_ms of work (id ranges / index order, resumable; 0 only
 * returns a cached count). *out gets the rows counted so far (a lower bound) and *done
 * tells when it is the exact count (as browse_count's, and cached the same way). Returns 0
 * or PM_EIO. */
int browse_count_step(struct browse *b, int budget_ms, int64_t *out, bool *done,
                      struct pm_error *err);

/* Searches forward from page row `from` (exclusive) for a row whose text columns contain
 * text (ASCII case-insensitive), wrapping once past the end. Each call works ~20 ms at most
 * (time-bounded chunks, whatever a row costs). Returns BROWSE_FOUND (the page moved; *row
 * is the match's index in it), BROWSE_NOT_FOUND, BROWSE_SEARCHING (nothing yet: call again
 * with the same text to continue where it stopped; `from` is then ignored), or -1 with err
 * filled on a database error. */
int browse_search(struct browse *b, const char *text, size_t from, size_t *row,
                  struct pm_error *err);

/* As browse_search, towards the first row when backward (wrapping once past the start):
 * the N key. A change of text or direction starts a new search from `from`. */
int browse_search_dir(struct browse *b, const char *text, size_t from, bool backward,
                      size_t *row, struct pm_error *err);

/* Forgets the search in progress (the next call starts again from its `from`). */
void browse_search_stop(struct browse *b);

/* A candidate invoice for a payment's detail pane. */
struct browse_candidate {
	int64_t allocation_id;    /* 0 when the candidate comes from an exception only */
	int64_t allocation_version;
	int64_t invoice_row;
	char invoice_id[64];
	char customer_name[96];
	int64_t invoice_amount;
	int64_t open_balance;     /* invoice open balance now (minor units) */
	int64_t amount_applied;
	char currency[4];
	double confidence;
	char status[12];          /* allocation status, or "exception" */
	char rule[24];
	char explanation[160];
};

/* Loads up to max candidates for payment_row (its allocations of every status, best
 * confidence first, then invoices named by its open exceptions) into a new array *out with
 * *n entries; the caller frees *out with free(). Returns 0 or PM_EIO. */
int browse_candidates(struct store *st, int64_t payment_row, size_t max,
                      struct browse_candidate **out, size_t *n, struct pm_error *err);

/* The figures of one payment or invoice for the detail pane / manual-match header. */
struct browse_item {
	int64_t row;
	char id[64];              /* payment_id / invoice_id */
	char name[96];            /* payer_name / customer_name */
	char customer_id[64];
	char date[11];            /* payment_date / due_date */
	char reference[64];
	int64_t amount;
	int64_t open;             /* unapplied cash / open balance */
	char currency[4];
};

/* Reads payment payment_row into *out. Returns 0, PM_EDATA (no such payment) or PM_EIO. */
int browse_payment(struct store *st, int64_t payment_row, struct browse_item *out,
                   struct pm_error *err);

/* Reads invoice invoice_row into *out. Returns 0, PM_EDATA or PM_EIO. */
int browse_invoice(struct store *st, int64_t invoice_row, struct browse_item *out,
                   struct pm_error *err);

/* Formats minor units of currency for display ("1,234.50"; JPY "1,234") into buf. */
char *browse_format_amount(int64_t minor, const char *currency, char *buf, size_t n);

#endif
