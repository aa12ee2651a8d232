/* Keyset paging over the browsable tables. A page query is a UNION ALL of index range
 * scans, one per keyset prefix ((k1 = ? AND id > ?) then (k1 > ?)), because SQLite uses a
 * row-value comparison (k1, id) > (?, ?) only on its first column: with a low-cardinality
 * sort key (status, currency) that would scan every tie. Each branch is ORDER BY + LIMIT,
 * so the whole query reads at most a few pages of index entries. Statements are prepared,
 * stepped and finalized per fetch: nothing stays open between key presses. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "browse_internal.h"
#include "paymatch/money.h"

size_t browse_nkeys(const struct browse *b)
{
	size_t n = 0;

	while (n < BROWSE_MAX_KEYS - 1 && b->cols[b->sort_col].sort[n])
		n++;
	return n + (b->def->id_expr ? 1 : 0);
}

static const char *key_expr(const struct browse *b, size_t i)
{
	const char *k = i < BROWSE_MAX_KEYS - 1 ? b->cols[b->sort_col].sort[i] : NULL;

	return k ? k : b->def->id_expr;
}

void browse_keys_free(sqlite3_value **k, size_t n)
{
	if (!k)
		return;
	for (size_t i = 0; i < n; i++)
		sqlite3_value_free(k[i]);
	free(k);
}

sqlite3_value **browse_keys_dup(sqlite3_stmt *stmt, int first, size_t nk)
{
	sqlite3_value **k = calloc(nk, sizeof *k);

	for (size_t i = 0; k && i < nk; i++)
		if (!(k[i] = sqlite3_value_dup(sqlite3_column_value(stmt, first + (int)i)))) {
			browse_keys_free(k, nk);
			return NULL;
		}
	return k;
}

void browse_page_free(struct page *pg, size_t ncols, size_t nk)
{
	for (size_t r = 0; r < pg->nrows; r++) {
		for (size_t c = 0; c < ncols; c++)
			free(pg->rows[r].cells[c]);
		free(pg->rows[r].cells);
	}
	free(pg->rows);
	browse_keys_free(pg->keys, pg->nrows * nk);
	memset(pg, 0, sizeof *pg);
}

/* SELECT list: fixed ids, display columns and keys k1..; for a search scan only the keys and
 * the text columns (the display columns of Invoices/Payments cost a subquery per row). */
static int add_select(const struct browse *b, struct strbuf *sb, bool with_text)
{
	size_t nk = browse_nkeys(b);
	int rc = 0;

	if (with_text) {
		for (size_t i = 0; i < nk; i++)
			rc |= strbuf_addf(sb, "%s%s AS k%zu", i ? ", " : "SELECT ", key_expr(b, i), i + 1);
		rc |= strbuf_addf(sb, ", %s", b->def->text);
		return rc | browse_filter_hit(&b->filter, sb);
	}
	rc = strbuf_addf(sb, "SELECT %s", b->def->fixed);
	for (size_t i = 0; i < b->ncols; i++)
		rc |= strbuf_addf(sb, ", %s", b->cols[i].expr);
	for (size_t i = 0; i < nk; i++)
		rc |= strbuf_addf(sb, ", %s AS k%zu", key_expr(b, i), i + 1);
	return rc | browse_filter_hit(&b->filter, sb);
}

int browse_add_body(const struct browse *b, struct strbuf *sb, const char *cond)
{
	return browse_add_body_from(b, sb, b->def->from, strlen(b->def->from), cond);
}

int browse_add_body_from(const struct browse *b, struct strbuf *sb, const char *from,
                         size_t fromlen, const char *cond)
{
	int rc = strbuf_addf(sb, " FROM %.*s WHERE 1", (int)fromlen, from);

	if (*b->def->where)
		rc |= strbuf_addf(sb, " AND %s", b->def->where);
	if (b->customer)
		rc |= strbuf_addf(sb, " AND i.customer_id = ?%d", P_CUSTOMER);
	if (b->currency)
		rc |= strbuf_addf(sb, " AND i.currency = ?%d", P_CURRENCY);
	rc |= b->bounded ? browse_filter_sql_bounded(&b->filter, sb)
	                 : browse_filter_sql(&b->filter, sb);
	if (cond)
		rc |= strbuf_addf(sb, " AND %s", cond);
	if (b->def->group_by)
		rc |= strbuf_addf(sb, " GROUP BY %s HAVING %s", b->def->group_by, b->def->having);
	return rc;
}

/* ORDER BY the keys from skip on (the keys before are equal in that branch: leaving them
 * out lets SQLite see that an expression index already gives the order). */
static int add_order(const struct browse *b, struct strbuf *sb, bool reverse, bool alias,
                     size_t skip)
{
	const char *dir = (b->desc != reverse) ? " DESC" : "";
	int rc = strbuf_addstr(sb, " ORDER BY ");

	for (size_t i = skip; i < browse_nkeys(b); i++) {
		if (alias)
			rc |= strbuf_addf(sb, "%sk%zu%s", i > skip ? ", " : "", i + 1, dir);
		else
			rc |= strbuf_addf(sb, "%s%s%s", i > skip ? ", " : "", key_expr(b, i), dir);
	}
	return rc | strbuf_addf(sb, " LIMIT ?%d", P_LIMIT);
}

/* One branch per keyset prefix: keys 1..j equal, key j+1 beyond (or, for the last key of
 * an inclusive fetch, at or beyond). */
static int build_sql(const struct browse *b, enum fetch_mode mode, bool with_text,
                     struct strbuf *sb)
{
	bool reverse = mode == F_LAST || mode == F_BEFORE;
	bool after = (b->desc == reverse);    /* scanning towards larger keys */
	size_t nk = browse_nkeys(b);
	int rc = 0;

	if (mode == F_FIRST || mode == F_LAST) {
		rc |= add_select(b, sb, with_text);
		rc |= browse_add_body(b, sb, NULL);
		return rc | add_order(b, sb, reverse, false, 0);
	}
	for (size_t j = nk; j-- > 0;) {
		struct strbuf cond = STRBUF_INIT;
		const char *op = after ? ">" : "<";

		for (size_t i = 0; i < j; i++)
			rc |= strbuf_addf(&cond, "%s = ?%zu AND ", key_expr(b, i), P_KEY + i);
		if (mode == F_FROM && j == nk - 1)
			op = after ? ">=" : "<=";
		rc |= strbuf_addf(&cond, "%s %s ?%zu", key_expr(b, j), op, P_KEY + j);
		rc |= strbuf_addstr(sb, j + 1 == nk ? "SELECT * FROM (" : " UNION ALL SELECT * FROM (");
		rc |= add_select(b, sb, with_text);
		rc |= browse_add_body(b, sb, strbuf_str(&cond));
		rc |= add_order(b, sb, reverse, false, j);
		rc |= strbuf_addch(sb, ')');
		strbuf_release(&cond);
	}
	return rc | add_order(b, sb, reverse, true, 0);
}

void browse_bind_scope(const struct browse *b, sqlite3_stmt *stmt)
{
	if (b->customer)
		sqlite3_bind_text(stmt, P_CUSTOMER, b->customer, -1, SQLITE_STATIC);
	if (b->currency)
		sqlite3_bind_text(stmt, P_CURRENCY, b->currency, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, P_ASOF, b->as_of, -1, SQLITE_STATIC);   /* SQLITE_RANGE if unused */
	browse_filter_bind(&b->filter, stmt);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* pm_deadline(): 0 until the armed time has passed (checked every 64 rows, after at least
 * DEADLINE_MIN_ROWS so that every call makes progress), then 1 for good. */
#define DEADLINE_MIN_ROWS 256

static void fn_deadline(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct scan_deadline *d = sqlite3_user_data(ctx);

	(void)argc;
	(void)argv;
	if (!d->expired && ++d->evals > DEADLINE_MIN_ROWS && d->evals % 64 == 0)
		d->expired = now_ns() >= d->at_ns;
	sqlite3_result_int(ctx, d->expired);
}

int browse_deadline_arm(struct browse *b, int budget_ms, struct pm_error *err)
{
	(void)err;
	b->deadline.at_ns = now_ns() + (int64_t)budget_ms * 1000000;
	b->deadline.evals = 0;
	b->deadline.expired = false;
	return 0;
}

int browse_prepare_fetch(struct browse *b, enum fetch_mode mode, sqlite3_value **keys,
                         int64_t limit, bool with_text, sqlite3_stmt **out,
                         struct pm_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	b->bounded = browse_filter_scans(&b->filter);
	if (b->bounded && sqlite3_create_function(b->st->db, "pm_deadline", 0, SQLITE_UTF8,
	                                          &b->deadline, fn_deadline, NULL,
	                                          NULL) != SQLITE_OK)
		return store_sql_error(b->st, err, 0, "registering pm_deadline");
	rc = build_sql(b, mode, with_text, &sb);
	b->bounded = false;
	if (rc) {
		strbuf_release(&sb);
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	}
	if (store_prepare(b->st, strbuf_str(&sb), out, err)) {
		strbuf_release(&sb);
		return err->code;
	}
	strbuf_release(&sb);
	browse_bind_scope(b, *out);
	sqlite3_bind_int64(*out, P_LIMIT, limit);
	for (size_t i = 0; keys && i < browse_nkeys(b); i++)
		sqlite3_bind_value(*out, P_KEY + (int)i, keys[i]);
	return 0;
}

const struct browse_row *browse_rows(const struct browse *b, size_t *nrows)
{
	*nrows = b->page.nrows;
	return b->page.rows;
}

bool browse_at_start(const struct browse *b)
{
	return b->at_start;
}

bool browse_at_end(const struct browse *b)
{
	return b->at_end;
}

size_t browse_ncols(const struct browse *b)
{
	return b->ncols;
}

const struct browse_column *browse_column(const struct browse *b, size_t i)
{
	return &b->cols[i].meta;
}

size_t browse_sort_column(const struct browse *b, bool *descending)
{
	if (descending)
		*descending = b->desc;
	return b->sort_col;
}

int browse_set_page_rows(struct browse *b, size_t page_rows, struct pm_error *err)
{
	b->page_rows = page_rows ? page_rows : 50;
	return browse_reload_page(b, err);   /* a resize changes the page, not the count */
}

int browse_set_sort(struct browse *b, size_t col, bool descending, struct pm_error *err)
{
	if (col >= b->ncols || !b->cols[col].meta.sortable)
		return pm_error_set(err, PM_EUSAGE, "cannot sort by %s (no index on it)",
		                    col < b->ncols ? b->cols[col].meta.title : "that column");
	browse_search_reset(b);
	browse_fill_reset(b);
	browse_page_free(&b->page, b->ncols, browse_nkeys(b));
	b->sort_col = col;
	b->desc = descending;
	return browse_first(b, err);
}

int browse_set_filter(struct browse *b, const char *filter, struct pm_error *err)
{
	struct browse_filter f = { 0 };

	if (browse_filter_parse(b->def, filter, &f, err))
		return err->code;
	if (f.nwords && aging_words_apply(b, &f, err)) {
		browse_filter_clear(&f);
		return err->code;
	}
	browse_search_reset(b);
	browse_filter_clear(&b->filter);
	b->filter = f;
	browse_count_reset(b);
	return browse_first(b, err);
}

/* Adds the aging bucket columns (not due, one per configured bound, older); their values are
 * summed in C (store_browse_aging.c), so they carry no SQL. */
static void add_aging_columns(struct browse *b, const struct pm_config *cfg)
{
	static const int64_t dflt[] = { 30, 60, 90, 120 };
	size_t nb = cfg && cfg->aging.nbuckets ? cfg->aging.nbuckets : 4;

	if (nb > 8)
		nb = 8;
	b->nbounds = nb;
	b->aging_by_invoice_date = cfg && cfg->aging.basis_invoice_date;
	for (size_t i = 0; i < nb; i++)
		b->bounds[i] = cfg && cfg->aging.nbuckets ? cfg->aging.buckets[i] : dflt[i];
	for (size_t k = 0; k <= nb + 1 && b->ncols < BROWSE_MAX_COLS; k++) {
		if (k == 0)
			snprintf(b->titles[k], sizeof b->titles[k], "current");
		else if (k <= nb)
			snprintf(b->titles[k], sizeof b->titles[k], "%lld-%lld",
			         (long long)(k == 1 ? 1 : b->bounds[k - 2] + 1),
			         (long long)b->bounds[k - 1]);
		else
			snprintf(b->titles[k], sizeof b->titles[k], ">%lld", (long long)b->bounds[nb - 1]);
		b->cols[b->ncols++] = (struct col_def){ { b->titles[k], b->titles[k], 12, true, false },
		                                        "0", FMT_MONEY, { NULL } };
	}
}

static int set_scope(struct browse *b, const struct browse_params *p, struct pm_error *err)
{
	time_t now = time(NULL);
	struct tm tm;

	if (p->table == BROWSE_CUSTOMER_INVOICES && (!p->customer_id || !*p->customer_id))
		return pm_error_set(err, PM_EUSAGE, "customer invoices need a customer");
	if ((p->table == BROWSE_CUSTOMER_INVOICES || p->table == BROWSE_PICKER) &&
	    ((p->customer_id && *p->customer_id && !(b->customer = strdup(p->customer_id))) ||
	     (p->currency && *p->currency && !(b->currency = strdup(p->currency)))))
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	if (p->as_of && strlen(p->as_of) == 10) {
		memcpy(b->as_of, p->as_of, 11);
	} else {
		gmtime_r(&now, &tm);
		strftime(b->as_of, sizeof b->as_of, "%Y-%m-%d", &tm);
	}
	if (p->table == BROWSE_AGING)
		add_aging_columns(b, p->cfg);
	return 0;
}

int browse_new(struct store *st, const struct browse_params *p, struct browse **out,
               struct pm_error *err)
{
	struct browse *b;

	*out = NULL;
	if ((unsigned)p->table >= BROWSE_NTABLES)
		return pm_error_set(err, PM_EUSAGE, "no such table");
	b = calloc(1, sizeof *b);
	if (!b)
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	b->st = st;
	b->table = p->table;
	b->def = browse_def(p->table);
	b->ncols = b->def->ncols;
	memcpy(b->cols, b->def->cols, b->ncols * sizeof *b->cols);
	b->page_rows = p->page_rows ? p->page_rows : 50;
	b->count = -1;
	b->desc = p->descending;
	b->sort_col = p->sort_column;
	if (set_scope(b, p, err))
		goto fail;
	if (b->sort_col >= b->ncols || !b->cols[b->sort_col].meta.sortable) {
		pm_error_set(err, PM_EUSAGE, "cannot sort by column %zu (no index on it)", b->sort_col);
		goto fail;
	}
	if (browse_filter_parse(b->def, p->filter, &b->filter, err) ||
	    (b->filter.nwords && aging_words_apply(b, &b->filter, err)) || browse_first(b, err))
		goto fail;
	*out = b;
	return 0;
fail:
	browse_free(b);
	return err->code;
}

void browse_free(struct browse *b)
{
	if (!b)
		return;
	browse_search_reset(b);
	browse_count_reset(b);
	browse_fill_reset(b);
	browse_page_free(&b->page, b->ncols, browse_nkeys(b));
	if (b->filter.nwords)
		aging_words_forget(b);
	browse_filter_clear(&b->filter);
	free(b->customer);
	free(b->currency);
	free(b);
}
