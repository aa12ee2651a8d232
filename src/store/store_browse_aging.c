/* The Aging table: one row per (customer, currency) with its open balance per bucket.
 * SQL with one bucket column per CASE evaluated the open-balance subquery once per bucket and
 * per invoice (55-180 ms a page at 1M); here the invoices of the page's groups are read once
 * in (customer_id, currency) order over invoices_customer_amount, each invoice's open
 * balance computed once, and the groups summed in C. A page reads only the invoices of its
 * groups (plus those of fully paid groups it skips), so its cost follows the page, not the
 * table. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "browse_internal.h"
#include "paymatch/date.h"

/* Invoice rows an Aging search chunk reads at most (~8 ms at 1M); the step's time ends it
 * sooner (at a group boundary). */
#define AGING_SEARCH_ROWS 4000

struct agroup {
	sqlite3_value *key[2];            /* customer_id, currency */
	char *name;                       /* max(customer_name), as the SQL version showed */
	int64_t open;
	int64_t bucket[BROWSE_MAX_COLS];
	bool active;
};

static void group_clear(struct agroup *g)
{
	sqlite3_value_free(g->key[0]);
	sqlite3_value_free(g->key[1]);
	free(g->name);
	memset(g, 0, sizeof *g);
}

static bool same_group(const struct agroup *g, sqlite3_stmt *stmt)
{
	const unsigned char *c = sqlite3_column_text(stmt, 0), *u = sqlite3_column_text(stmt, 1);
	const unsigned char *gc = sqlite3_value_text(g->key[0]), *gu = sqlite3_value_text(g->key[1]);

	return g->active && c && u && gc && gu && strcmp((const char *)c, (const char *)gc) == 0 &&
	       strcmp((const char *)u, (const char *)gu) == 0;
}

static int group_start(struct agroup *g, sqlite3_stmt *stmt)
{
	group_clear(g);
	g->active = true;
	g->key[0] = sqlite3_value_dup(sqlite3_column_value(stmt, 0));
	g->key[1] = sqlite3_value_dup(sqlite3_column_value(stmt, 1));
	return g->key[0] && g->key[1] ? 0 : -1;
}

/* Days from an ISO date to the as-of date; an unreadable date counts as not yet due. */
static int64_t days_past(const struct browse *b, const char *iso)
{
	pm_date day, asof;

	if (!iso || strlen(iso) < 10 ||
	    date_from_ymd(atoi(iso), atoi(iso + 5), atoi(iso + 8), &day) ||
	    date_from_ymd(atoi(b->as_of), atoi(b->as_of + 5), atoi(b->as_of + 8), &asof))
		return 0;
	return (int64_t)asof - day;
}

/* Bucket index as the columns are laid out: 0 not due, 1..nb up to bounds[i-1], nb+1 older. */
static size_t bucket_of(const struct browse *b, int64_t days)
{
	if (days <= 0)
		return 0;
	for (size_t i = 0; i < b->nbounds; i++)
		if (days <= b->bounds[i])
			return i + 1;
	return b->nbounds + 1;
}

static int group_add(const struct browse *b, struct agroup *g, sqlite3_stmt *stmt)
{
	const char *name = (const char *)sqlite3_column_text(stmt, 2);
	int64_t open = sqlite3_column_int64(stmt, 4);

	if (name && (!g->name || strcmp(name, g->name) > 0)) {
		free(g->name);
		if (!(g->name = strdup(name)))
			return -1;
	}
	g->open += open;
	g->bucket[bucket_of(b, days_past(b, (const char *)sqlite3_column_text(stmt, 3)))] += open;
	return 0;
}

static char *money_cell(int64_t minor, const char *cur)
{
	char buf[64];

	return strdup(browse_format_amount(minor, cur, buf, sizeof buf));
}

/* Appends g as a row of pg (its keys move into the page). Returns 0 or -1 (memory). */
static int group_emit(const struct browse *b, struct agroup *g, struct page *pg,
                      size_t *alloc, size_t *kalloc)
{
	struct browse_row *r;
	const char *cid = (const char *)sqlite3_value_text(g->key[0]);
	const char *cur = (const char *)sqlite3_value_text(g->key[1]);

	if (PM_GROW(pg->rows, pg->nrows + 1, *alloc) || PM_GROW(pg->keys, (pg->nrows + 1) * 2,
	                                                      *kalloc))
		return -1;
	r = &pg->rows[pg->nrows];
	memset(r, 0, sizeof *r);
	snprintf(r->customer_id, sizeof r->customer_id, "%s", cid ? cid : "");
	snprintf(r->currency, sizeof r->currency, "%s", cur ? cur : "");
	if (!(r->cells = calloc(b->ncols, sizeof *r->cells)))
		return -1;
	pg->keys[pg->nrows * 2] = g->key[0];
	pg->keys[pg->nrows * 2 + 1] = g->key[1];
	g->key[0] = g->key[1] = NULL;
	pg->nrows++;
	r->cells[0] = strdup(r->customer_id);
	r->cells[1] = strdup(g->name ? g->name : "");
	r->cells[2] = strdup(r->currency);
	r->cells[3] = money_cell(g->open, r->currency);
	for (size_t c = 4; c < b->ncols; c++)
		r->cells[c] = money_cell(g->bucket[c - 4], r->currency);
	for (size_t c = 0; c < b->ncols; c++)
		if (!r->cells[c])
			return -1;
	return 0;
}

/* The per-invoice statement of mode, anchored at keys, ordered as the groups are shown. */
static int prepare_rows(struct browse *b, enum fetch_mode mode, sqlite3_value **keys,
                        bool text_only, sqlite3_stmt **out, struct pm_error *err)
{
	bool reverse = mode == F_LAST || mode == F_BEFORE;
	bool up = (b->desc == reverse);
	const char *dir = up ? "" : " DESC";
	struct strbuf sb = STRBUF_INIT;
	int rc = strbuf_addf(&sb, "SELECT i.customer_id, i.currency, i.customer_name, %s, %s "
	                     "FROM invoices i WHERE " AGING_DATED,
	                     b->aging_by_invoice_date ? "i.invoice_date" : "i.due_date",
	                     text_only ? "0" : AGING_OPEN_EXPR);

	rc |= browse_filter_sql(&b->filter, &sb);
	if (keys && mode != F_FIRST && mode != F_LAST)
		rc |= strbuf_addf(&sb, " AND (i.customer_id, i.currency) %s (?%d, ?%d)",
		                  mode == F_FROM ? (up ? ">=" : "<=") : (up ? ">" : "<"),
		                  P_KEY, P_KEY + 1);
	rc |= strbuf_addf(&sb, " ORDER BY i.customer_id%s, i.currency%s", dir, dir);
	if (rc) {
		strbuf_release(&sb);
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	}
	rc = store_prepare(b->st, strbuf_str(&sb), out, err);
	strbuf_release(&sb);
	if (rc)
		return err->code;
	browse_filter_bind(&b->filter, *out);
	sqlite3_bind_text(*out, P_ASOF, b->as_of, -1, SQLITE_STATIC);
	if (keys && mode != F_FIRST && mode != F_LAST) {
		sqlite3_bind_value(*out, P_KEY, keys[0]);
		sqlite3_bind_value(*out, P_KEY + 1, keys[1]);
	}
	return 0;
}

static void flip(struct page *pg)
{
	for (size_t i = 0; i < pg->nrows / 2; i++) {
		size_t j = pg->nrows - 1 - i;
		struct browse_row t = pg->rows[i];
		sqlite3_value *k0 = pg->keys[i * 2], *k1 = pg->keys[i * 2 + 1];

		pg->rows[i] = pg->rows[j];
		pg->rows[j] = t;
		pg->keys[i * 2] = pg->keys[j * 2];
		pg->keys[i * 2 + 1] = pg->keys[j * 2 + 1];
		pg->keys[j * 2] = k0;
		pg->keys[j * 2 + 1] = k1;
	}
}

/* Only groups with a positive open balance are rows of the view (the SQL HAVING). */
static int finish_group(const struct browse *b, struct agroup *g, struct page *pg,
                        size_t *alloc, size_t *kalloc)
{
	int rc = 0;

	if (g->active && g->open > 0)
		rc = group_emit(b, g, pg, alloc, kalloc);
	group_clear(g);
	return rc;
}

int aging_fetch(struct browse *b, enum fetch_mode mode, sqlite3_value **keys, int64_t limit,
                struct page *pg, struct pm_error *err)
{
	struct agroup g = { 0 };
	size_t alloc = 0, kalloc = 0;
	sqlite3_stmt *stmt;
	int rc = SQLITE_DONE, bad = 0;

	memset(pg, 0, sizeof *pg);
	if (prepare_rows(b, mode, keys, false, &stmt, err))
		return err->code;
	while ((int64_t)pg->nrows < limit && !bad && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (!same_group(&g, stmt))
			bad = finish_group(b, &g, pg, &alloc, &kalloc) || group_start(&g, stmt);
		if (!bad && (int64_t)pg->nrows < limit)
			bad = group_add(b, &g, stmt);
	}
	if (!bad && rc == SQLITE_DONE)
		bad = finish_group(b, &g, pg, &alloc, &kalloc);
	group_clear(&g);
	if (!bad && rc != SQLITE_DONE && rc != SQLITE_ROW)
		store_sql_error(b->st, err, 0, "reading the aging page");
	sqlite3_finalize(stmt);
	if (bad || (rc != SQLITE_DONE && rc != SQLITE_ROW)) {
		browse_page_free(pg, b->ncols, 2);
		return bad ? pm_error_set(err, PM_ESOFTWARE, "out of memory") : err->code;
	}
	if (mode == F_LAST || mode == F_BEFORE)
		flip(pg);
	return 0;
}

int aging_words_apply(struct browse *b, struct browse_filter *f, struct pm_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *stmt;
	int64_t owner = (int64_t)(intptr_t)b;
	int rc = strbuf_addstr(&sb, "INSERT INTO temp.pm_aging_words SELECT ?1, c.customer_id "
	                       "FROM customers c WHERE 1");

	for (size_t i = 0; i < f->nwords; i++)
		rc |= strbuf_addf(&sb, " AND (c.customer_id || ' ' || c.name) LIKE ?%zu ESCAPE '\\'",
		                  i + 2);
	if (rc) {
		strbuf_release(&sb);
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	}
	/* A temp table is the connection's own: writing it takes no lock on the working set. */
	if (store_exec(b->st, "CREATE TEMP TABLE IF NOT EXISTS pm_aging_words(owner INTEGER, "
	               "customer_id TEXT, PRIMARY KEY(owner, customer_id)) WITHOUT ROWID", err) ||
	    store_prepare(b->st, "DELETE FROM temp.pm_aging_words WHERE owner = ?1", &stmt, err)) {
		strbuf_release(&sb);
		return err->code;
	}
	sqlite3_bind_int64(stmt, 1, owner);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE && store_prepare(b->st, strbuf_str(&sb), &stmt, err) == 0) {
		sqlite3_bind_int64(stmt, 1, owner);
		for (size_t i = 0; i < f->nwords; i++)
			sqlite3_bind_text(stmt, (int)i + 2, f->words[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		sqlite3_finalize(stmt);
	} else if (rc == SQLITE_DONE) {
		strbuf_release(&sb);
		return err->code;
	}
	strbuf_release(&sb);
	if (rc != SQLITE_DONE)
		return store_sql_error(b->st, err, 0, "choosing the customers of the filter");
	f->terms[f->words_term].number = owner;
	return 0;
}

void aging_words_forget(struct browse *b)
{
	sqlite3_stmt *stmt;
	struct pm_error err;

	if (store_prepare(b->st, "DELETE FROM temp.pm_aging_words WHERE owner = ?1", &stmt, &err))
		return;
	sqlite3_bind_int64(stmt, 1, (int64_t)(intptr_t)b);
	sqlite3_step(stmt);
	sqlite3_finalize(stmt);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int lower_ascii(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* ASCII case-insensitive substring test, as LIKE and the other tables' search. */
static bool has_text(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; hay && *hay; hay++) {
		size_t i = 0;

		while (i < n && hay[i] && lower_ascii((unsigned char)hay[i]) ==
		                          lower_ascii((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

/* The row text of the SQL version: "customer_id customer_name". */
static bool row_matches(sqlite3_stmt *stmt, const char *text)
{
	const char *cid = (const char *)sqlite3_column_text(stmt, 0);
	const char *name = (const char *)sqlite3_column_text(stmt, 2);
	char buf[512];

	snprintf(buf, sizeof buf, "%s %s", cid ? cid : "", name ? name : "");
	return has_text(buf, text);
}

/* True when group key k is a row of the view (its open balance is positive). */
static int group_shown(struct browse *b, sqlite3_value **k, bool *shown, struct pm_error *err)
{
	struct page pg;
	bool desc = b->desc;

	b->desc = false;
	if (aging_fetch(b, F_FROM, k, 1, &pg, err)) {
		b->desc = desc;
		return -1;
	}
	b->desc = desc;
	*shown = pg.nrows == 1 && sqlite3_value_bytes(pg.keys[0]) == sqlite3_value_bytes(k[0]) &&
	         strcmp((const char *)sqlite3_value_text(pg.keys[0]),
	                (const char *)sqlite3_value_text(k[0])) == 0 &&
	         strcmp((const char *)sqlite3_value_text(pg.keys[1]),
	                (const char *)sqlite3_value_text(k[1])) == 0;
	browse_page_free(&pg, b->ncols, 2);
	return 0;
}

static sqlite3_value **keys_take(struct agroup *g)
{
	sqlite3_value **k = calloc(2, sizeof *k);

	if (k) {
		k[0] = g->key[0];
		k[1] = g->key[1];
		g->key[0] = g->key[1] = NULL;
	}
	return k;
}

/* Decides a finished group that matched the text: a hit when it is shown. */
static int judge(struct browse *b, struct agroup *g, bool matched, sqlite3_value ***hit,
                 struct pm_error *err)
{
	bool shown = false;

	if (!g->active || !matched)
		return 0;
	if (group_shown(b, g->key, &shown, err))
		return -1;
	if (shown && !(*hit = keys_take(g)))
		return pm_error_set(err, PM_ESOFTWARE, "out of memory"), -1;
	return 0;
}

int aging_search_step(struct browse *b, int64_t deadline_ms, sqlite3_value ***hit,
                      bool *ended, struct pm_error *err)
{
	struct agroup g = { 0 };
	sqlite3_stmt *stmt;
	int64_t rows = 0;
	bool matched = false;
	int rc = SQLITE_DONE, bad = 0;

	*ended = false;
	if (prepare_rows(b, b->search_back ? (b->search_key ? F_BEFORE : F_LAST)
	                                   : (b->search_key ? F_AFTER : F_FIRST),
	                 b->search_key, true, &stmt, err))
		return -1;
	while (!*hit && !bad && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (!same_group(&g, stmt)) {
			bad = judge(b, &g, matched, hit, err);
			if (bad || *hit || ++rows > AGING_SEARCH_ROWS ||
			    (rows > 64 && now_ms() >= deadline_ms))
				break;          /* stop on a group boundary: resume after g */
			if ((bad = group_start(&g, stmt)))
				break;
			matched = false;
		}
		rows++;
		if (!matched)
			matched = row_matches(stmt, b->search_text);
	}
	if (!bad && !*hit && rc == SQLITE_DONE) {
		bad = judge(b, &g, matched, hit, err);
		*ended = !*hit;
	}
	if (!bad && rc != SQLITE_DONE && rc != SQLITE_ROW)
		bad = store_sql_error(b->st, err, 0, "searching");
	sqlite3_finalize(stmt);
	if (!bad && !*hit && (*ended || g.active)) {
		/* resume after g; at the end NULL, so that the wrap starts from the top */
		browse_keys_free(b->search_key, 2);
		b->search_key = NULL;
		if (!*ended && !(b->search_key = keys_take(&g)))
			bad = pm_error_set(err, PM_ESOFTWARE, "out of memory");
	}
	group_clear(&g);
	return bad ? -1 : 0;
}
