/* The page of a browse: fetching it (keyset queries built in store_browse.c), moving it
 * (first, last, next, previous, scroll, reload) and, when a scan filter ran out of time,
 * filling it in further steps. A filter term tested row by row (a word, a prefix, an open
 * balance) can need the whole table for one page when it is rare (0.5-3 s at 1M rows); the
 * page query then stops at its deadline (pm_deadline(), store_browse.c) and returns the rows
 * found so far plus the row where the scan stopped (fill_key), and browse_fill continues
 * from there while the keyboard is idle. */
#include <stdlib.h>
#include <string.h>

#include "browse_internal.h"
#include "paymatch/money.h"

/* Time a key press may spend scanning for a page before showing what it found. */
#define FETCH_BUDGET_MS 25
#define KEY_BUDGET(b) ((b)->scan_budget_ms ? (b)->scan_budget_ms : FETCH_BUDGET_MS)

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

static void page_flip(struct page *pg, size_t nk)
{
	for (size_t i = 0; i < pg->nrows / 2; i++) {
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
}

/* Runs a page statement into pg (rows in display order when reverse is set). A row whose
 * hit column is 0 passed only because the deadline expired: the scan stops there and
 * *marker gets its keys. */
static int run_fetch(struct browse *b, sqlite3_stmt *stmt, bool reverse, struct page *pg,
                     sqlite3_value ***marker, struct pm_error *err)
{
	size_t nk = browse_nkeys(b), alloc = 0, kalloc = 0;
	int hit_col = BROWSE_FIXED + (int)(b->ncols + nk);
	int rc;

	memset(pg, 0, sizeof *pg);
	*marker = NULL;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (!sqlite3_column_int(stmt, hit_col)) {
			if (!(*marker = browse_keys_dup(stmt, BROWSE_FIXED + (int)b->ncols, nk)))
				goto oom;
			break;
		}
		if (PM_GROW(pg->rows, pg->nrows + 1, alloc) ||
		    PM_GROW(pg->keys, (pg->nrows + 1) * nk, kalloc))
			goto oom;
		memset(pg->keys + pg->nrows * nk, 0, nk * sizeof *pg->keys);
		pg->nrows++;
		if (read_row(b, stmt, &pg->rows[pg->nrows - 1], pg->keys + (pg->nrows - 1) * nk))
			goto oom;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_sql_error(b->st, err, 0, "reading a page");
		sqlite3_finalize(stmt);
		browse_page_free(pg, b->ncols, nk);
		return err->code;
	}
	sqlite3_finalize(stmt);
	if (reverse)
		page_flip(pg, nk);
	return 0;
oom:
	sqlite3_finalize(stmt);
	browse_page_free(pg, b->ncols, nk);
	browse_keys_free(*marker, nk);
	*marker = NULL;
	return pm_error_set(err, PM_ESOFTWARE, "out of memory");
}

/* Fetches up to limit rows in mode from keys into pg, scanning for at most budget_ms;
 * *marker is set (caller frees) when the scan stopped there before the end. */
static int fetch(struct browse *b, enum fetch_mode mode, sqlite3_value **keys, int64_t limit,
                 int budget_ms, struct page *pg, sqlite3_value ***marker,
                 struct pm_error *err)
{
	sqlite3_stmt *stmt;

	*marker = NULL;
	if (b->table == BROWSE_AGING)
		return aging_fetch(b, mode, keys, limit, pg, err);
	browse_deadline_arm(b, b->scan_budget_ms < 0 ? -1 : budget_ms, err);
	if (browse_prepare_fetch(b, mode, keys, limit, false, &stmt, err))
		return err->code;
	return run_fetch(b, stmt, mode == F_LAST || mode == F_BEFORE, pg, marker, err);
}

/* Forgets a fill in progress (before the page or the sort changes). */
void browse_fill_reset(struct browse *b)
{
	browse_keys_free(b->fill_key, browse_nkeys(b));
	b->fill_key = NULL;
	b->fill_want = 0;
}

/* The page is incomplete: the scan continues from marker (towards the start when back)
 * until want more rows are found. */
static void set_fill(struct browse *b, sqlite3_value **marker, bool back, size_t want)
{
	browse_fill_reset(b);
	b->fill_key = marker;
	b->fill_back = back;
	b->fill_want = want;
}

/* Frees row r of pg (cells and keys). */
static void row_free(struct page *pg, size_t r, size_t ncols, size_t nk)
{
	for (size_t c = 0; c < ncols; c++)
		free(pg->rows[r].cells[c]);
	free(pg->rows[r].cells);
	for (size_t k = 0; k < nk; k++)
		sqlite3_value_free(pg->keys[r * nk + k]);
}

/* Drops n rows of pg at its start (top) or end. */
static void page_drop(struct page *pg, size_t n, bool top, size_t ncols, size_t nk)
{
	if (n > pg->nrows)
		n = pg->nrows;
	for (size_t i = 0; i < n; i++)
		row_free(pg, top ? i : pg->nrows - 1 - i, ncols, nk);
	if (top) {
		memmove(pg->rows, pg->rows + n, (pg->nrows - n) * sizeof *pg->rows);
		memmove(pg->keys, pg->keys + n * nk, (pg->nrows - n) * nk * sizeof *pg->keys);
	}
	pg->nrows -= n;
}

/* Replaces the page with pg's first page_rows rows; extra rows tell that more exist. */
static void set_page(struct browse *b, struct page *pg, bool from_end)
{
	size_t nk = browse_nkeys(b);

	browse_fill_reset(b);
	browse_page_free(&b->page, b->ncols, nk);
	if (pg->nrows > b->page_rows)
		page_drop(pg, pg->nrows - b->page_rows, from_end, b->ncols, nk);
	b->page = *pg;
}

/* Shows the first page (last = false) or the last page of the view. */
static int show_end(struct browse *b, bool last, struct pm_error *err)
{
	struct page pg;
	sqlite3_value **marker;
	size_t n;
	bool *at_this = last ? &b->at_end : &b->at_start;
	bool *at_other = last ? &b->at_start : &b->at_end;

	if (fetch(b, last ? F_LAST : F_FIRST, NULL, (int64_t)b->page_rows + 1, KEY_BUDGET(b), &pg,
	          &marker, err))
		return err->code;
	n = pg.nrows;
	set_page(b, &pg, last);
	*at_other = !marker && n <= b->page_rows;
	*at_this = true;
	if (marker)
		set_fill(b, marker, last, b->page_rows - n);
	return 0;
}

int browse_first(struct browse *b, struct pm_error *err)
{
	return show_end(b, false, err);
}

int browse_last(struct browse *b, struct pm_error *err)
{
	return show_end(b, true, err);
}

int browse_show_from(struct browse *b, enum fetch_mode mode, sqlite3_value **keys,
                     struct pm_error *err)
{
	struct page pg;
	sqlite3_value **marker;
	size_t n;

	if (fetch(b, mode, keys, (int64_t)b->page_rows + 1, KEY_BUDGET(b), &pg, &marker, err))
		return err->code;
	if (!marker && pg.nrows < b->page_rows) {
		browse_page_free(&pg, b->ncols, browse_nkeys(b));
		return browse_last(b, err);
	}
	n = pg.nrows;
	set_page(b, &pg, false);
	b->at_end = !marker && n <= b->page_rows;
	b->at_start = false;
	if (marker)
		set_fill(b, marker, false, b->page_rows - n);
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
	sqlite3_value **marker;
	size_t n;

	if (b->at_start || b->page.nrows == 0)
		return browse_first(b, err);
	if (fetch(b, F_BEFORE, b->page.keys, (int64_t)b->page_rows + 1, KEY_BUDGET(b), &pg,
	          &marker, err))
		return err->code;
	if (!marker && pg.nrows <= b->page_rows) {
		browse_page_free(&pg, b->ncols, browse_nkeys(b));
		return browse_first(b, err);
	}
	n = pg.nrows;
	set_page(b, &pg, true);
	b->at_start = false;
	b->at_end = false;
	if (marker)
		set_fill(b, marker, true, b->page_rows - n);
	return 0;
}

/* Puts pg's rows (display order) above the page, dropping as many at the bottom when the
 * page would grow past page_rows. */
static int page_prepend(struct browse *b, struct page *pg)
{
	size_t nk = browse_nkeys(b), n = b->page.nrows + pg->nrows;
	struct browse_row *rows = malloc((n ? n : 1) * sizeof *rows);
	sqlite3_value **keys = malloc((n ? n : 1) * nk * sizeof *keys);

	if (!rows || !keys) {
		free(rows);
		free(keys);
		browse_page_free(pg, b->ncols, nk);
		return -1;
	}
	if (pg->nrows) {
		memcpy(rows, pg->rows, pg->nrows * sizeof *rows);
		memcpy(keys, pg->keys, pg->nrows * nk * sizeof *keys);
	}
	if (b->page.nrows) {
		memcpy(rows + pg->nrows, b->page.rows, b->page.nrows * sizeof *rows);
		memcpy(keys + pg->nrows * nk, b->page.keys, b->page.nrows * nk * sizeof *keys);
	}
	free(pg->rows);
	free(pg->keys);
	free(b->page.rows);
	free(b->page.keys);
	b->page.rows = rows;
	b->page.keys = keys;
	b->page.nrows = n;
	if (n > b->page_rows) {
		page_drop(&b->page, n - b->page_rows, false, b->ncols, nk);
		b->at_end = false;
	}
	return 0;
}

/* Appends pg's rows below the page (the page has room: want was sized for it). */
static int page_append(struct browse *b, struct page *pg)
{
	size_t nk = browse_nkeys(b), n = b->page.nrows + pg->nrows;
	struct browse_row *rows = realloc(b->page.rows, (n ? n : 1) * sizeof *rows);
	sqlite3_value **keys;

	if (rows)
		b->page.rows = rows;
	keys = rows ? realloc(b->page.keys, (n ? n : 1) * nk * sizeof *keys) : NULL;
	if (!keys) {
		browse_page_free(pg, b->ncols, nk);
		return -1;
	}
	b->page.keys = keys;
	if (pg->nrows) {                 /* memcpy from NULL is undefined even for 0 bytes */
		memcpy(b->page.rows + b->page.nrows, pg->rows, pg->nrows * sizeof *rows);
		memcpy(b->page.keys + b->page.nrows * nk, pg->keys, pg->nrows * nk * sizeof *keys);
	}
	b->page.nrows = n;
	free(pg->rows);
	free(pg->keys);
	return 0;
}

void browse_set_scan_budget(struct browse *b, int ms)
{
	b->scan_budget_ms = ms;
}

bool browse_filling(const struct browse *b)
{
	return b->fill_key != NULL;
}

int browse_fill(struct browse *b, int budget_ms, size_t *prepended, struct pm_error *err)
{
	size_t nk = browse_nkeys(b), want = b->fill_want, got;
	bool back = b->fill_back, more;
	sqlite3_value **from = b->fill_key, **marker;
	struct page pg;
	int rc;

	*prepended = 0;
	if (!from)
		return 0;
	b->fill_key = NULL;              /* owned here until the next marker replaces it */
	rc = fetch(b, back ? F_BEFORE : F_AFTER, from, (int64_t)want + 1, budget_ms, &pg, &marker,
	           err);
	browse_keys_free(from, nk);
	if (rc)
		return rc;
	more = pg.nrows > want;          /* one row past what the page needs */
	if (more)
		page_drop(&pg, 1, back, b->ncols, nk);
	got = pg.nrows;
	if (back)
		*prepended = got;
	if (back ? page_prepend(b, &pg) : page_append(b, &pg)) {
		browse_keys_free(marker, nk);
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	}
	if (more || !marker) {
		browse_keys_free(marker, nk);
		if (back)
			b->at_start = !more;
		else
			b->at_end = !more;
		b->fill_want = 0;
		return 0;
	}
	b->fill_key = marker;
	b->fill_want = want - got;
	return 0;
}

int browse_scroll(struct browse *b, int64_t delta, struct pm_error *err)
{
	size_t nk = browse_nkeys(b);
	sqlite3_value **marker;
	struct page pg;
	size_t found;

	while (delta > 0 && !b->at_end && b->page.nrows) {
		if ((uint64_t)delta < b->page.nrows)
			return browse_show_from(b, F_FROM, b->page.keys + (size_t)delta * nk, err);
		delta -= (int64_t)b->page.nrows;
		if (browse_next(b, err))
			return err->code;
	}
	if (delta >= 0 || b->at_start || b->page.nrows == 0)
		return 0;
	if (fetch(b, F_BEFORE, b->page.keys, -delta, KEY_BUDGET(b), &pg, &marker, err))
		return err->code;
	if (marker) {
		/* what was found moves in above; the rest of the scroll follows while idle */
		found = pg.nrows;
		browse_fill_reset(b);
		if (page_prepend(b, &pg)) {
			browse_keys_free(marker, nk);
			return pm_error_set(err, PM_ESOFTWARE, "out of memory");
		}
		set_fill(b, marker, true, (size_t)-delta - found);
		return 0;
	}
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

/* Re-reads the page from its first row; the count stays. */
int browse_reload_page(struct browse *b, struct pm_error *err)
{
	size_t nk = browse_nkeys(b);
	sqlite3_value **anchor;
	int rc;

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

int browse_reload(struct browse *b, struct pm_error *err)
{
	browse_count_reset(b);
	if (b->filter.nwords && aging_words_apply(b, &b->filter, err))   /* new customers */
		return err->code;
	return browse_reload_page(b, err);
}

