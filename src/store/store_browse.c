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
		return rc | strbuf_addf(sb, ", %s", b->def->text);
	}
	rc = strbuf_addf(sb, "SELECT %s", b->def->fixed);
	for (size_t i = 0; i < b->ncols; i++)
		rc |= strbuf_addf(sb, ", %s", b->cols[i].expr);
	for (size_t i = 0; i < nk; i++)
		rc |= strbuf_addf(sb, ", %s AS k%zu", key_expr(b, i), i + 1);
	return rc;
}

/* FROM, WHERE (base, scope, filter, keyset branch condition), GROUP BY, HAVING. */
static int add_body(const struct browse *b, struct strbuf *sb, const char *cond)
{
	int rc = strbuf_addf(sb, " FROM %s WHERE 1", b->def->from);

	if (*b->def->where)
		rc |= strbuf_addf(sb, " AND %s", b->def->where);
	if (b->customer)
		rc |= strbuf_addf(sb, " AND i.customer_id = ?%d", P_CUSTOMER);
	if (b->currency)
		rc |= strbuf_addf(sb, " AND i.currency = ?%d", P_CURRENCY);
	rc |= browse_filter_sql(&b->filter, sb);
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
		rc |= add_body(b, sb, NULL);
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
		rc |= add_body(b, sb, strbuf_str(&cond));
		rc |= add_order(b, sb, reverse, false, j);
		rc |= strbuf_addch(sb, ')');
		strbuf_release(&cond);
	}
	return rc | add_order(b, sb, reverse, true, 0);
}

static void bind_scope(const struct browse *b, sqlite3_stmt *stmt)
{
	if (b->customer)
		sqlite3_bind_text(stmt, P_CUSTOMER, b->customer, -1, SQLITE_STATIC);
	if (b->currency)
		sqlite3_bind_text(stmt, P_CURRENCY, b->currency, -1, SQLITE_STATIC);
	browse_filter_bind(&b->filter, stmt);
}

int browse_prepare_fetch(struct browse *b, enum fetch_mode mode, sqlite3_value **keys,
                         int64_t limit, bool with_text, sqlite3_stmt **out,
                         struct pm_error *err)
{
	struct strbuf sb = STRBUF_INIT;

	if (build_sql(b, mode, with_text, &sb)) {
		strbuf_release(&sb);
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	}
	if (store_prepare(b->st, strbuf_str(&sb), out, err)) {
		strbuf_release(&sb);
		return err->code;
	}
	strbuf_release(&sb);
	bind_scope(b, *out);
	sqlite3_bind_int64(*out, P_LIMIT, limit);
	for (size_t i = 0; keys && i < browse_nkeys(b); i++)
		sqlite3_bind_value(*out, P_KEY + (int)i, keys[i]);
	return 0;
}

char *browse_format_amount(int64_t minor, const char *currency, char *buf, size_t n)
{
	int d = currency ? money_currency_decimals(currency) : 2;

	return money_to_display(minor, d < 0 ? 2 : d, buf, n);
}

static char *cell_text(sqlite3_stmt *stmt, int col, enum col_fmt fmt, const char *cur)
{
	char buf[64];
	const unsigned char *t;

	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return strdup("");
	switch (fmt) {
	case FMT_MONEY:
		return strdup(browse_format_amount(sqlite3_column_int64(stmt, col), cur, buf,
		                                   sizeof buf));
	case FMT_CONF:
		snprintf(buf, sizeof buf, "%.2f", sqlite3_column_double(stmt, col));
		return strdup(buf);
	case FMT_INT:
		snprintf(buf, sizeof buf, "%lld", (long long)sqlite3_column_int64(stmt, col));
		return strdup(buf);
	case FMT_TEXT:
		break;
	}
	t = sqlite3_column_text(stmt, col);
	return strdup(t ? (const char *)t : "");
}

static void copy_text(char *dst, size_t n, sqlite3_stmt *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);

	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

/* Reads the statement's current row into row and its keys; returns 0 or -1 (memory). */
static int read_row(const struct browse *b, sqlite3_stmt *stmt, struct browse_row *row,
                    sqlite3_value **keys)
{
	size_t nk = browse_nkeys(b);

	memset(row, 0, sizeof *row);
	row->id = sqlite3_column_int64(stmt, 0);
	row->allocation_id = sqlite3_column_int64(stmt, 1);
	row->allocation_version = sqlite3_column_int64(stmt, 2);
	row->exception_id = sqlite3_column_int64(stmt, 3);
	row->exception_version = sqlite3_column_int64(stmt, 4);
	row->payment_row = sqlite3_column_int64(stmt, 5);
	row->invoice_row = sqlite3_column_int64(stmt, 6);
	copy_text(row->currency, sizeof row->currency, stmt, 7);
	copy_text(row->customer_id, sizeof row->customer_id, stmt, 8);
	row->cells = calloc(b->ncols, sizeof *row->cells);
	if (!row->cells)
		return -1;
	for (size_t c = 0; c < b->ncols; c++)
		if (!(row->cells[c] = cell_text(stmt, BROWSE_FIXED + (int)c, b->cols[c].fmt,
		                                row->currency)))
			return -1;
	for (size_t k = 0; k < nk; k++)
		if (!(keys[k] = sqlite3_value_dup(sqlite3_column_value(stmt,
		                                   BROWSE_FIXED + (int)(b->ncols + k)))))
			return -1;
	return 0;
}

/* Runs a page statement into pg (rows in display order when reverse is set). */
static int run_fetch(struct browse *b, sqlite3_stmt *stmt, bool reverse, struct page *pg,
                     struct pm_error *err)
{
	size_t nk = browse_nkeys(b), alloc = 0, kalloc = 0;
	int rc;

	memset(pg, 0, sizeof *pg);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (PM_GROW(pg->rows, pg->nrows + 1, alloc) ||
		    PM_GROW(pg->keys, (pg->nrows + 1) * nk, kalloc))
			goto oom;
		memset(pg->keys + pg->nrows * nk, 0, nk * sizeof *pg->keys);
		pg->nrows++;
		if (read_row(b, stmt, &pg->rows[pg->nrows - 1], pg->keys + (pg->nrows - 1) * nk))
			goto oom;
	}
	if (rc != SQLITE_DONE) {
		store_sql_error(b->st, err, 0, "reading a page");
		sqlite3_finalize(stmt);
		browse_page_free(pg, b->ncols, nk);
		return err->code;
	}
	sqlite3_finalize(stmt);
	for (size_t i = 0; reverse && i < pg->nrows / 2; i++) {
		size_t j = pg->nrows - 1 - i;
		struct browse_row t = pg->rows[i];

		pg->rows[i] = pg->rows[j];
		pg->rows[j] = t;
		for (size_t k = 0; k < nk; k++) {
			sqlite3_value *v = pg->keys[i * nk + k];

			pg->keys[i * nk + k] = pg->keys[j * nk + k];
			pg->keys[j * nk + k] = v;
		}
	}
	return 0;
oom:
	sqlite3_finalize(stmt);
	browse_page_free(pg, b->ncols, nk);
	return pm_error_set(err, PM_ESOFTWARE, "out of memory");
}

/* Fetches up to limit rows in mode from keys into pg. */
static int fetch(struct browse *b, enum fetch_mode mode, sqlite3_value **keys, int64_t limit,
                 struct page *pg, struct pm_error *err)
{
	sqlite3_stmt *stmt;

	if (b->table == BROWSE_AGING)
		return aging_fetch(b, mode, keys, limit, pg, err);
	if (browse_prepare_fetch(b, mode, keys, limit, false, &stmt, err))
		return err->code;
	return run_fetch(b, stmt, mode == F_LAST || mode == F_BEFORE, pg, err);
}

/* Replaces the page with pg's first page_rows rows; extra rows tell that more exist. */
static void set_page(struct browse *b, struct page *pg, bool from_end)
{
	size_t nk = browse_nkeys(b);

	browse_page_free(&b->page, b->ncols, nk);
	if (pg->nrows > b->page_rows) {
		size_t extra = pg->nrows - b->page_rows;
		size_t drop = from_end ? 0 : b->page_rows;   /* index of the first dropped row */

		for (size_t r = drop; r < drop + extra; r++) {
			for (size_t c = 0; c < b->ncols; c++)
				free(pg->rows[r].cells[c]);
			free(pg->rows[r].cells);
			for (size_t k = 0; k < nk; k++)
				sqlite3_value_free(pg->keys[r * nk + k]);
		}
		if (from_end) {
			memmove(pg->rows, pg->rows + extra, b->page_rows * sizeof *pg->rows);
			memmove(pg->keys, pg->keys + extra * nk, b->page_rows * nk * sizeof *pg->keys);
		}
		pg->nrows = b->page_rows;
	}
	b->page = *pg;
}

int browse_first(struct browse *b, struct pm_error *err)
{
	struct page pg;

	if (fetch(b, F_FIRST, NULL, (int64_t)b->page_rows + 1, &pg, err))
		return err->code;
	b->at_end = pg.nrows <= b->page_rows;
	b->at_start = true;
	set_page(b, &pg, false);
	return 0;
}

int browse_last(struct browse *b, struct pm_error *err)
{
	struct page pg;

	if (fetch(b, F_LAST, NULL, (int64_t)b->page_rows + 1, &pg, err))
		return err->code;
	b->at_start = pg.nrows <= b->page_rows;
	b->at_end = true;
	set_page(b, &pg, true);
	return 0;
}

int browse_show_from(struct browse *b, enum fetch_mode mode, sqlite3_value **keys,
                     struct pm_error *err)
{
	struct page pg;

	if (fetch(b, mode, keys, (int64_t)b->page_rows + 1, &pg, err))
		return err->code;
	if (pg.nrows < b->page_rows) {
		browse_page_free(&pg, b->ncols, browse_nkeys(b));
		return browse_last(b, err);
	}
	b->at_end = pg.nrows <= b->page_rows;
	b->at_start = false;
	set_page(b, &pg, false);
	return 0;
}

int browse_next(struct browse *b, struct pm_error *err)
{
	size_t nk = browse_nkeys(b);

	if (b->at_end || b->page.nrows == 0)
		return 0;
	return browse_show_from(b, F_AFTER, b->page.keys + (b->page.nrows - 1) * nk, err);
}

int browse_prev(struct browse *b, struct pm_error *err)
{
	struct page pg;

	if (b->at_start || b->page.nrows == 0)
		return browse_first(b, err);
	if (fetch(b, F_BEFORE, b->page.keys, (int64_t)b->page_rows + 1, &pg, err))
		return err->code;
	if (pg.nrows <= b->page_rows) {
		browse_page_free(&pg, b->ncols, browse_nkeys(b));
		return browse_first(b, err);
	}
	b->at_start = false;
	b->at_end = false;
	set_page(b, &pg, true);
	return 0;
}

int browse_scroll(struct browse *b, int64_t delta, struct pm_error *err)
{
	size_t nk = browse_nkeys(b);
	struct page pg;

	while (delta > 0 && !b->at_end && b->page.nrows) {
		if ((uint64_t)delta < b->page.nrows)
			return browse_show_from(b, F_FROM, b->page.keys + (size_t)delta * nk, err);
		delta -= (int64_t)b->page.nrows;
		if (browse_next(b, err))
			return err->code;
	}
	if (delta >= 0 || b->at_start || b->page.nrows == 0)
		return 0;
	if (fetch(b, F_BEFORE, b->page.keys, -delta, &pg, err))
		return err->code;
	if ((int64_t)pg.nrows < -delta) {
		browse_page_free(&pg, b->ncols, nk);
		return browse_first(b, err);
	}
	/* pg.rows[0] is the row delta lines above the current top. */
	{
		int rc = browse_show_from(b, F_FROM, pg.keys, err);

		browse_page_free(&pg, b->ncols, nk);
		return rc;
	}
}

int browse_reload(struct browse *b, struct pm_error *err)
{
	size_t nk = browse_nkeys(b);
	sqlite3_value **anchor;
	int rc;

	b->count = -1;
	if (b->at_start || b->page.nrows == 0)
		return browse_first(b, err);
	/* The anchor outlives the page it came from. */
	anchor = calloc(nk, sizeof *anchor);
	if (!anchor)
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	for (size_t k = 0; k < nk; k++)
		anchor[k] = sqlite3_value_dup(b->page.keys[k]);
	rc = browse_show_from(b, F_FROM, anchor, err);
	browse_keys_free(anchor, nk);
	return rc;
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
	return browse_reload(b, err);
}

int browse_set_sort(struct browse *b, size_t col, bool descending, struct pm_error *err)
{
	if (col >= b->ncols || !b->cols[col].meta.sortable)
		return pm_error_set(err, PM_EUSAGE, "cannot sort by %s (no index on it)",
		                    col < b->ncols ? b->cols[col].meta.title : "that column");
	browse_search_reset(b);
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
	browse_search_reset(b);
	browse_filter_clear(&b->filter);
	b->filter = f;
	b->count = -1;
	return browse_first(b, err);
}

int browse_count(struct browse *b, int64_t *out, struct pm_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *stmt;
	int rc;

	if (b->count >= 0) {
		*out = b->count;
		return 0;
	}
	/* Grouped (aging): the pairs that have invoices, without the HAVING open > 0 test,
	 * which would cost a full open-balance scan: an upper bound (docs/REVIEW.md). */
	if (b->def->count_sql && b->filter.nterms == 0)
		rc = strbuf_addstr(&sb, b->def->count_sql);
	else if (b->def->group_by)
		rc = strbuf_addf(&sb, "SELECT count(*) FROM (SELECT 1 FROM %s WHERE 1%s GROUP BY %s)",
		                 b->def->from, b->customer ? " AND i.customer_id = ?6" : "",
		                 b->def->group_by);
	else
		rc = strbuf_addstr(&sb, "SELECT count(*)") | add_body(b, &sb, NULL);
	if (rc || store_prepare(b->st, strbuf_str(&sb), &stmt, err)) {
		strbuf_release(&sb);
		return rc ? pm_error_set(err, PM_ESOFTWARE, "out of memory") : err->code;
	}
	strbuf_release(&sb);
	bind_scope(b, stmt);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		b->count = sqlite3_column_int64(stmt, 0);
	else
		store_sql_error(b->st, err, 0, "counting rows");
	sqlite3_finalize(stmt);
	if (b->count < 0)
		return err->code;
	*out = b->count;
	return 0;
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
	if (browse_filter_parse(b->def, p->filter, &b->filter, err) || browse_first(b, err))
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
	browse_page_free(&b->page, b->ncols, browse_nkeys(b));
	browse_filter_clear(&b->filter);
	free(b->customer);
	free(b->currency);
	free(b);
}
