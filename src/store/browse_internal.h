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

/* An invoice's open balance as of ?10, by the rules of `paymatch report aging`
 * (src/report/report_aging.c): an applied allocation counts once its payment is dated by
 * as-of, a write-off once it was decided by then; invoices dated after as-of are left out
 * (AGING_DATED). With nothing dated after as-of this is the plain open balance. */
#define AGING_OPEN_EXPR "(i.amount - coalesce((SELECT sum(x.amount_applied + x.deduction) " \
	"FROM allocations x LEFT JOIN payments xp ON xp.id = x.payment_row " \
	"WHERE x.invoice_row = i.id AND x.status IN " APPLIED_STATUSES " AND " \
	"CASE WHEN x.payment_row IS NULL THEN substr(coalesce(x.decided_at, x.created_at), 1, 10) " \
	"ELSE xp.payment_date END <= ?10), 0))"
#define AGING_DATED "i.invoice_date <= ?10"

/* Bound-parameter numbers every page query uses; filter values start at P_FILTER. */
enum {
	P_KEY = 1,        /* ?1..?4: keyset values */
	P_LIMIT = 5,
	P_CUSTOMER = 6,
	P_CURRENCY = 7,
	P_LO = 8,         /* ?8, ?9: the id range of a count slice (store_browse_count.c) */
	P_HI = 9,
	P_ASOF = 10,      /* ?10: Aging's as-of date (store_browse_aging.c) */
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
	bool selective;                   /* key:VALUE is an index lookup finding few rows */
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
	const char *max_id_sql;           /* the base table's largest id (count slices), or
	                                     NULL for grouped tables */
	const char *word_fmt;             /* the words' one term ('#' the browse's key), whose
	                                     set browse_words_apply fills; NULL = each word a
	                                     LIKE on the text columns, tested row by row */
};

/* One parsed filter condition: SQL fragment with ?NNN placeholders and its value. */
struct filter_term {
	char *sql;
	char *text;                       /* bound text, or NULL */
	int64_t number;                   /* bound integer when text is NULL */
	bool scan;                        /* tested row by row (words, prefixes, amounts...) */
};

struct browse_filter {
	struct filter_term *terms;
	size_t nterms, alloc;
	char **words;                     /* word_fmt tables: the LIKE patterns of the words */
	size_t nwords, awords;
	size_t words_term;                /* the term that reads their result */
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

/* As browse_filter_sql, but the scan terms are "((s1) AND ... OR pm_deadline())": past the
 * armed deadline every row passes, and the first row that passes without matching (its hit
 * column, browse_filter_hit, is 0) marks how far the scan got (docs/REVIEW.md). */
int browse_filter_sql_bounded(const struct browse_filter *f, struct strbuf *sb);

/* Appends ", (scan terms) AS hit" (", 1 AS hit" without scan terms) to a SELECT list. */
int browse_filter_hit(const struct browse_filter *f, struct strbuf *sb);

/* Returns true when f has terms tested row by row. */
bool browse_filter_scans(const struct browse_filter *f);

/* The deadline pm_deadline() reads (one per connection use; store_browse.c). */
struct scan_deadline {
	int64_t at_ns;
	int64_t evals;
	bool expired;
};

/* Registers pm_deadline() on b's connection, due budget_ms from now. Returns 0 or PM_EIO. */
int browse_deadline_arm(struct browse *b, int budget_ms, struct pm_error *err);

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
	/* count in progress (store_browse_count.c): rows counted up to id count_pos */
	int64_t count_acc, count_pos, count_max, count_chunk;
	sqlite3_value *count_key[2];      /* aging: the last group counted */
	bool counting;
	/* a page still filling (a scan filter hit its deadline): where the scan stopped */
	sqlite3_value **fill_key;
	bool fill_back;                   /* the scan runs towards the first row */
	size_t fill_want;                 /* rows the page still needs */
	bool bounded;                     /* page queries use the deadline (while fetching) */
	struct scan_deadline deadline;
	int scan_budget_ms;               /* 0 = the default (browse_set_scan_budget) */
	/* search in progress */
	char *search_text;
	sqlite3_value **search_key;
	bool search_wrapped;
	bool search_back;                 /* N: towards the first row */
};

/* Returns the number of sort keys of b's current order (the last one is the tie-break). */
size_t browse_nkeys(const struct browse *b);

/* Frees n key values and the array k. NULL is allowed. */
void browse_keys_free(sqlite3_value **k, size_t n);
/* Returns copies of the nk key columns of stmt's row from column first (free them with
 * browse_keys_free), NULL when out of memory. */
sqlite3_value **browse_keys_dup(sqlite3_stmt *stmt, int first, size_t nk);

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

/* Appends FROM, WHERE (base, scope, filter, cond if not NULL), GROUP BY and HAVING. */
int browse_add_body(const struct browse *b, struct strbuf *sb, const char *cond);

/* As browse_add_body over the first fromlen bytes of from (the base table alone). */
int browse_add_body_from(const struct browse *b, struct strbuf *sb, const char *from,
                         size_t fromlen, const char *cond);

/* Binds the scope (customer, currency) and filter values onto stmt. */
void browse_bind_scope(const struct browse *b, sqlite3_stmt *stmt);

/* Forgets the count in progress (store_browse_count.c); the count becomes unknown. */
void browse_count_reset(struct browse *b);

/* Re-reads the page from its first row without touching the count. */
int browse_reload_page(struct browse *b, struct pm_error *err);

/* Forgets a page fill in progress (store_browse_page.c). */
void browse_fill_reset(struct browse *b);

/* Forgets the search in progress (store_browse_search.c). */
void browse_search_reset(struct browse *b);

/* Aging (store_browse_aging.c): fills the set the words' term reads (the customers whose id
 * or name has every word, from the customers table) for b and keys f's term to it. Returns
 * 0 or PM_EIO. */
int aging_words_apply(struct browse *b, struct browse_filter *f, struct pm_error *err);

/* Drops b's rows of that set (browse_free). */
void aging_words_forget(struct browse *b);

/* Aging (store_browse_aging.c): fetches up to limit (customer, currency) rows in mode from
 * keys into pg, rows in display order. Returns 0 or PM_EIO / PM_ESOFTWARE. */
int aging_fetch(struct browse *b, enum fetch_mode mode, sqlite3_value **keys, int64_t limit,
                struct page *pg, struct pm_error *err);

/* Aging search step: scans invoices from b->search_key until deadline_ms (CLOCK_MONOTONIC, in
 * ms) for a row of the view whose customer id or name contains b->search_text; *hit gets
 * its keys (caller frees).
 * Returns 0 (*ended set at the end of the view) or -1 with err filled. */
int aging_search_step(struct browse *b, int64_t deadline_ms, sqlite3_value ***hit,
                      bool *ended, struct pm_error *err);

#endif
