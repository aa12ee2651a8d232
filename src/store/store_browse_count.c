/* Row counts of the browsable tables, in slices bounded by time. A count over 1M rows costs
 * 10-80 ms unfiltered and 0.5-3 s with a word filter (every row's text is tested): done at
 * once it would hold a key press past the 50 ms floor. So the count advances over id ranges
 * (rowid ranges are b-tree range scans) or, for Aging, over the (customer_id, currency)
 * index, a few milliseconds a slice, and the UI calls browse_count_step while the keyboard is
 * idle, showing the partial count (a lower bound) until it is exact. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "browse_internal.h"

#define CHUNK_MIN 1024
#define CHUNK_MAX 65536
#define CHUNK_TARGET_US 5000     /* one id-range query; a slice runs several */

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void browse_count_reset(struct browse *b)
{
	b->count = -1;
	b->counting = false;
	b->count_acc = b->count_pos = b->count_max = b->count_chunk = 0;
	sqlite3_value_free(b->count_key[0]);
	sqlite3_value_free(b->count_key[1]);
	b->count_key[0] = b->count_key[1] = NULL;
}

static int count_start(struct browse *b, struct pm_error *err)
{
	sqlite3_stmt *stmt;

	browse_count_reset(b);
	b->counting = true;
	b->count_chunk = CHUNK_MIN;
	if (!b->def->max_id_sql)
		return 0;
	if (store_prepare(b->st, b->def->max_id_sql, &stmt, err))
		return err->code;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		b->count_max = sqlite3_column_int64(stmt, 0);   /* NULL (empty table): 0 */
	sqlite3_finalize(stmt);
	return 0;
}

/* Rows of the view whose id is in (lo, hi]. */
static int count_ids(struct browse *b, int64_t lo, int64_t hi, int64_t *n, struct pm_error *err)
{
	struct strbuf sb = STRBUF_INIT, cond = STRBUF_INIT;
	sqlite3_stmt *stmt;
	int rc = strbuf_addf(&cond, "%s > ?%d AND %s <= ?%d", b->def->id_expr, P_LO,
	                     b->def->id_expr, P_HI);

	const char *join = strstr(b->def->from, " LEFT JOIN ");
	size_t fromlen = strlen(b->def->from);

	/* Without filter terms the joined tables change nothing; SQLite 3.40 still reads them
	 * (measured: 40x the base table's range scan), so count the base table alone. */
	if (b->filter.nterms == 0 && join)
		fromlen = (size_t)(join - b->def->from);
	rc |= strbuf_addstr(&sb, "SELECT count(*)");
	rc |= browse_add_body_from(b, &sb, b->def->from, fromlen, strbuf_str(&cond));
	strbuf_release(&cond);
	if (rc || store_prepare(b->st, strbuf_str(&sb), &stmt, err)) {
		strbuf_release(&sb);
		return rc ? pm_error_set(err, PM_ESOFTWARE, "out of memory") : err->code;
	}
	strbuf_release(&sb);
	browse_bind_scope(b, stmt);
	sqlite3_bind_int64(stmt, P_LO, lo);
	sqlite3_bind_int64(stmt, P_HI, hi);
	rc = sqlite3_step(stmt);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	if (rc != SQLITE_ROW)
		store_sql_error(b->st, err, 0, "counting rows");
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : err->code;
}

/* Id ranges until the deadline; each range sized from the last one's speed. */
static int count_id_slices(struct browse *b, int64_t deadline, bool *finished,
                           struct pm_error *err)
{
	while (b->count_pos < b->count_max && now_us() < deadline) {
		int64_t t0 = now_us(), n, dt;

		if (count_ids(b, b->count_pos, b->count_pos + b->count_chunk, &n, err))
			return err->code;
		b->count_acc += n;
		b->count_pos += b->count_chunk;
		dt = now_us() - t0;
		/* at most twice as many ids as the last range, which met the page cache warm */
		b->count_chunk = dt * 2 < CHUNK_TARGET_US ? b->count_chunk * 2
		                 : b->count_chunk * CHUNK_TARGET_US / (dt ? dt : 1);
		if (b->count_chunk < CHUNK_MIN)
			b->count_chunk = CHUNK_MIN;
		if (b->count_chunk > CHUNK_MAX)
			b->count_chunk = CHUNK_MAX;
	}
	*finished = b->count_pos >= b->count_max;
	return 0;
}

static bool same_text(sqlite3_value *v, sqlite3_stmt *stmt, int col)
{
	const unsigned char *a = v ? sqlite3_value_text(v) : NULL;
	const unsigned char *c = sqlite3_column_text(stmt, col);

	return a && c && strcmp((const char *)a, (const char *)c) == 0;
}

/* Aging: the (customer, currency) groups with a matching invoice, read in index order from
 * after the last group counted (an upper bound of the rows shown: see docs/REVIEW.md). */
static int count_group_slice(struct browse *b, int64_t deadline, bool *finished,
                             struct pm_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	sqlite3_stmt *stmt;
	int64_t rows = 0;
	int rc = strbuf_addstr(&sb, "SELECT i.customer_id, i.currency FROM invoices i WHERE 1");

	rc |= browse_filter_sql(&b->filter, &sb);
	if (b->count_key[0])
		rc |= strbuf_addf(&sb, " AND (i.customer_id, i.currency) > (?%d, ?%d)", P_KEY,
		                  P_KEY + 1);
	rc |= strbuf_addstr(&sb, " ORDER BY i.customer_id, i.currency");
	if (rc || store_prepare(b->st, strbuf_str(&sb), &stmt, err)) {
		strbuf_release(&sb);
		return rc ? pm_error_set(err, PM_ESOFTWARE, "out of memory") : err->code;
	}
	strbuf_release(&sb);
	browse_filter_bind(&b->filter, stmt);
	if (b->count_key[0]) {
		sqlite3_bind_value(stmt, P_KEY, b->count_key[0]);
		sqlite3_bind_value(stmt, P_KEY + 1, b->count_key[1]);
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (!same_text(b->count_key[0], stmt, 0) || !same_text(b->count_key[1], stmt, 1)) {
			for (int k = 0; k < 2; k++) {
				sqlite3_value_free(b->count_key[k]);
				b->count_key[k] = sqlite3_value_dup(sqlite3_column_value(stmt, k));
			}
			if (!b->count_key[0] || !b->count_key[1]) {
				sqlite3_finalize(stmt);
				return pm_error_set(err, PM_ESOFTWARE, "out of memory");
			}
			b->count_acc++;
		}
		if (++rows % 512 == 0 && now_us() >= deadline)
			break;       /* resumes after this group: it is counted already */
	}
	*finished = rc == SQLITE_DONE;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		store_sql_error(b->st, err, 0, "counting rows");
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : err->code;
}

int browse_count_step(struct browse *b, int budget_ms, int64_t *out, bool *done,
                      struct pm_error *err)
{
	int64_t deadline = now_us() + (int64_t)budget_ms * 1000;
	bool finished = false;
	int rc;

	*done = false;
	if (b->count < 0 && !b->counting && count_start(b, err))
		return err->code;
	if (b->count < 0 && budget_ms > 0) {
		rc = b->def->group_by ? count_group_slice(b, deadline, &finished, err)
		                      : count_id_slices(b, deadline, &finished, err);
		if (rc)
			return rc;
		if (finished) {
			int64_t total = b->count_acc;

			browse_count_reset(b);
			b->count = total;
		}
	}
	*done = b->count >= 0;
	*out = *done ? b->count : b->count_acc;
	return 0;
}

int browse_count(struct browse *b, int64_t *out, struct pm_error *err)
{
	bool done = false;

	while (!done)
		if (browse_count_step(b, 1000, out, &done, err))
			return err->code;
	return 0;
}
