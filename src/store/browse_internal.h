/* Shared by store_browse*.c: the static description of each browsable table (its SQL
 * fragments are whitelisted identifiers, never data) and the parsed filter. */
#ifndef PAYMATCH_BROWSE_INTERNAL_H
#define PAYMATCH_BROWSE_INTERNAL_H

#include "paymatch/store_browse.h"
#include "paymatch/strbuf.h"
#include "store_internal.h"

/* Applied allocations, and the open amounts of an invoice i / payment p (docs/REVIEW.md). */
#define APPLIED_STATUSES "('auto','confirmed','manual')"
#define INV_OPEN_EXPR "(i.amount - coalesce((SELECT sum(x.amount_applied + x.deduction) " \
	"FROM allocations x WHERE x.invoice_row = i.id AND x.status IN " APPLIED_STATUSES "), 0))"
#define PAY_OPEN_EXPR "(p.amount - coalesce((SELECT sum(x.amount_applied) FROM allocations x " \
	"WHERE x.payment_row = p.id AND x.status IN " APPLIED_STATUSES "), 0))"

/* Bound-parameter numbers every page query uses; filter values start at P_FILTER. */
enum {
	P_KEY = 1,        /* ?1..?4: keyset values */
	P_LIMIT = 5,
	P_CUSTOMER = 6,
	P_CURRENCY = 7,
	P_FILTER = 20
};

#define BROWSE_MAX_KEYS 4
#define BROWSE_MAX_COLS 16
#define BROWSE_FIXED 9   /* rid, aid, aver, eid, ever, prow, irow, cur, cust */

enum col_fmt { FMT_TEXT, FMT_MONEY, FMT_CONF, FMT_INT };

struct col_def {
	struct browse_column meta;
	const char *expr;                 /* display value */
	enum col_fmt fmt;
	const char *sort[BROWSE_MAX_KEYS - 1]; /* sort key expressions, NULL-terminated */
};

enum filter_type { FK_TEXT, FK_AMOUNT, FK_STATUS };

struct filter_key {
	const char *name;                 /* "currency" */
	const char *expr;                 /* "i.currency" */
	enum filter_type type;
};

struct table_def {
	const char *fixed;                /* the BROWSE_FIXED leading columns */
	const char *from;
	const char *where;                /* always applied, "" = none */
	const char *group_by;             /* aging: "i.customer_id, i.currency", else NULL */
	const char *having;               /* aging: HAVING clause body, else NULL */
	const char *id_expr;              /* keyset tie-break; NULL when sort keys are unique */
	const char *text;                 /* concatenated text columns for words and search */
	const struct col_def *cols;
	size_t ncols;
	size_t default_sort;
	const struct filter_key *keys;
	size_t nkeys;
	/* status:VALUE filters that are conditions rather than column values */
	const char *const *status_names;
	const char *const *status_conds;
	const char *count_sql;            /* cheap unfiltered count, or NULL */
};

/* One parsed filter condition: SQL fragment with ?NNN placeholders and its value. */
struct filter_term {
	char *sql;
	char *text;                       /* bound text, or NULL */
	int64_t number;                   /* bound integer when text is NULL */
};

struct browse_filter {
	struct filter_term *terms;
	size_t nterms, alloc;
};

/* Returns the definition of table t. */
const struct table_def *browse_def(enum browse_table t);

/* Parses line for table def into f (emptied first). Returns 0 or PM_EUSAGE naming the
 * bad token. currency_hint gives the decimals of amount values (NULL = 2). */
int browse_filter_parse(const struct table_def *def, const char *line,
                        struct browse_filter *f, struct pm_error *err);

/* Frees f's terms and leaves it empty. */
void browse_filter_clear(struct browse_filter *f);

/* Appends " AND (term)" for every term of f to sb. */
int browse_filter_sql(const struct browse_filter *f, struct strbuf *sb);

/* Binds f's values onto stmt. */
int browse_filter_bind(const struct browse_filter *f, sqlite3_stmt *stmt);

/* How a page is anchored: first/last page, after/before a key, from a key (inclusive). */
enum fetch_mode { F_FIRST, F_LAST, F_AFTER, F_FROM, F_BEFORE };

struct page {
	struct browse_row *rows;
	sqlite3_value **keys;             /* nrows * nkeys */
	size_t nrows;
};

struct browse {
	struct store *st;
	enum browse_table table;
	const struct table_def *def;
	struct col_def cols[BROWSE_MAX_COLS];
	char titles[BROWSE_MAX_COLS][48];
	size_t ncols;
	size_t sort_col;
	bool desc;
	size_t page_rows;
	char *customer, *currency;
	char as_of[11];
	int64_t bounds[8];
	size_t nbounds;
	bool aging_by_invoice_date;       /* aging basis: invoice_date, else due_date */
	struct browse_filter filter;
	struct page page;
	bool at_start, at_end;
	int64_t count;                    /* -1 = unknown */
	/* search in progress */
	char *search_text;
	sqlite3_value **search_key;
	bool search_wrapped;
};

/* Returns the number of sort keys of b's current order (the last one is the tie-break). */
size_t browse_nkeys(const struct browse *b);

/* Frees n key values and the array k. NULL is allowed. */
void browse_keys_free(sqlite3_value **k, size_t n);

/* Frees pg's rows and keys and leaves it empty. */
void browse_page_free(struct page *pg, size_t ncols, size_t nk);

/* Prepares the page statement of mode anchored at keys (NULL for FIRST/LAST), limit rows;
 * with_text selects only the keys and the search text. Returns 0 or an error code. */
int browse_prepare_fetch(struct browse *b, enum fetch_mode mode, sqlite3_value **keys,
                         int64_t limit, bool with_text, sqlite3_stmt **out,
                         struct pm_error *err);

/* Shows the page starting at keys (F_FROM inclusive, F_AFTER not); falls back to the last
 * page when fewer than a page of rows remain, so the screen stays full. */
int browse_show_from(struct browse *b, enum fetch_mode mode, sqlite3_value **keys,
                     struct pm_error *err);

/* Forgets the search in progress (store_browse_search.c). */
void browse_search_reset(struct browse *b);

/* Aging (store_browse_aging.c): fetches up to limit (customer, currency) rows in mode from
 * keys into pg, rows in display order. Returns 0 or PM_EIO / PM_ESOFTWARE. */
int aging_fetch(struct browse *b, enum fetch_mode mode, sqlite3_value **keys, int64_t limit,
                struct page *pg, struct pm_error *err);

/* Aging search step: scans a bounded number of invoices from b->search_key for a row of the
 * view whose customer id or name contains b->search_text; *hit gets its keys (caller frees).
 * Returns 0 (*ended set at the end of the view) or -1 with err filled. */
int aging_search_step(struct browse *b, sqlite3_value ***hit, bool *ended,
                      struct pm_error *err);

#endif
