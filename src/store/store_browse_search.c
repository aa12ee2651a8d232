/* Search (/) over the browsable tables: from the cursor forward in sort order, wrapping
 * once, in steps bounded by time so that each key press is answered within the 50 ms floor;
 * the UI calls again while BROWSE_SEARCHING (docs/REVIEW.md). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "browse_internal.h"

void browse_search_reset(struct browse *b)
{
	free(b->search_text);
	b->search_text = NULL;
	browse_keys_free(b->search_key, browse_nkeys(b));
	b->search_key = NULL;
	b->search_wrapped = false;
	b->search_back = false;
}

void browse_search_stop(struct browse *b)
{
	browse_search_reset(b);
}

/* A search step scans chunks of SEARCH_CHUNK rows until a match or SEARCH_BUDGET_MS: the
 * budget, not a row count, keeps each key press inside the 50 ms floor whatever a row costs. */
#define SEARCH_CHUNK 500
#define SEARCH_BUDGET_MS 15

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

/* ASCII case-insensitive substring test (bytes >= 0x80 compare exactly), like LIKE. */
static bool contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		size_t i = 0;

		while (i < n && hay[i] && lower_ascii((unsigned char)hay[i]) ==
		                          lower_ascii((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

/* Scans one chunk from b->search_key; *hit gets the keys of the first match. Returns the
 * rows scanned, or -1 on error; at the end of the view *ended is set. */
static int64_t search_chunk(struct browse *b, int budget_ms, sqlite3_value ***hit, bool *ended,
                            struct pm_error *err)
{
	size_t nk = browse_nkeys(b);
	int first = 0;
	sqlite3_value **last = NULL;
	sqlite3_stmt *stmt;
	int64_t scanned = 0;
	int rc = SQLITE_DONE;
	enum fetch_mode mode = b->search_back ? (b->search_key ? F_BEFORE : F_LAST)
	                                      : (b->search_key ? F_AFTER : F_FIRST);

	bool stopped = false;

	/* Backwards the statement yields the rows nearest the cursor first (reverse order).
	 * With a scan filter, a row with hit = 0 is where the filter's deadline stopped it. */
	browse_deadline_arm(b, b->scan_budget_ms < 0 ? -1 : budget_ms, err);
	if (browse_prepare_fetch(b, mode, b->search_key, SEARCH_CHUNK, true, &stmt, err))
		return -1;
	while (!*hit && !stopped && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(stmt, first + (int)nk);

		scanned++;
		if (!sqlite3_column_int(stmt, first + (int)nk + 1)) {
			stopped = true;
			last = browse_keys_dup(stmt, first, nk);
		} else if (t && contains_nocase(t, b->search_text))
			*hit = browse_keys_dup(stmt, first, nk);
		else if (scanned == SEARCH_CHUNK)
			last = browse_keys_dup(stmt, first, nk);
	}
	if (!*hit && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_sql_error(b->st, err, 0, "searching");
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	*ended = !*hit && !stopped && scanned < SEARCH_CHUNK;
	browse_keys_free(b->search_key, nk);
	b->search_key = last;
	return scanned;
}

static int search_start(struct browse *b, const char *text, size_t from, bool backward)
{
	size_t nk = browse_nkeys(b);

	browse_search_reset(b);
	b->search_back = backward;
	if (!(b->search_text = strdup(text)))
		return -1;
	if (b->page.nrows == 0)
		return 0;
	if (from >= b->page.nrows)
		from = b->page.nrows - 1;
	b->search_key = calloc(nk, sizeof *b->search_key);
	if (!b->search_key)
		return -1;
	for (size_t k = 0; k < nk; k++)
		if (!(b->search_key[k] = sqlite3_value_dup(b->page.keys[from * nk + k])))
			return -1;
	return 0;
}

/* Moves the page to show the row with keys hit and sets *row to its index. */
static int search_show(struct browse *b, sqlite3_value **hit, size_t *row,
                       struct pm_error *err)
{
	size_t nk = browse_nkeys(b);
	int rc = browse_show_from(b, F_FROM, hit, err);

	*row = 0;
	for (size_t r = 0; rc == 0 && r < b->page.nrows; r++) {
		bool same = true;

		for (size_t k = 0; k < nk && same; k++) {
			sqlite3_value *a = b->page.keys[r * nk + k], *h = hit[k];
			const unsigned char *ta = sqlite3_value_text(a), *th = sqlite3_value_text(h);

			same = ta && th && strcmp((const char *)ta, (const char *)th) == 0;
		}
		if (same) {
			*row = r;
			break;
		}
	}
	browse_keys_free(hit, nk);
	browse_search_reset(b);
	return rc ? -1 : BROWSE_FOUND;
}

/* One search chunk: the generic scan, or Aging's grouped one. */
static int search_step(struct browse *b, int budget_ms, sqlite3_value ***hit, bool *ended,
                       struct pm_error *err)
{
	if (b->table == BROWSE_AGING)
		return aging_search_step(b, now_ms() + budget_ms, hit, ended, err);
	return search_chunk(b, budget_ms, hit, ended, err) < 0 ? -1 : 0;
}

int browse_search(struct browse *b, const char *text, size_t from, size_t *row,
                  struct pm_error *err)
{
	return browse_search_dir(b, text, from, false, row, err);
}

int browse_search_dir(struct browse *b, const char *text, size_t from, bool backward,
                      size_t *row, struct pm_error *err)
{
	int64_t deadline = now_ms() + SEARCH_BUDGET_MS;

	*row = 0;
	if (!text || !*text)
		return BROWSE_NOT_FOUND;
	if ((!b->search_text || strcmp(b->search_text, text) != 0 || b->search_back != backward) &&
	    search_start(b, text, from, backward)) {
		pm_error_set(err, PM_ESOFTWARE, "out of memory");
		return -1;
	}
	do {
		sqlite3_value **hit = NULL;
		bool ended = false;

		int64_t left = deadline - now_ms();

		if (search_step(b, left > 1 ? (int)left : 1, &hit, &ended, err))
			return -1;
		if (hit)
			return search_show(b, hit, row, err);
		if (ended) {
			if (b->search_wrapped) {
				browse_search_reset(b);
				return BROWSE_NOT_FOUND;
			}
			b->search_wrapped = true;   /* search_key is NULL: from the top (bottom) */
		}
	} while (now_ms() < deadline);
	return BROWSE_SEARCHING;
}
