/* The table widget every table screen shares: a store_browse page driven by the curses-free
 * table model, column layout by display width, sort/search/filter keys. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paymatch/utf8.h"
#include "paymatch/view.h"

#define COUNT_SLICE_MS 10    /* a count slice while idle: a key waits at most this long */
#define FILL_SLICE_MS 10     /* an incomplete page (rare filter) goes on filling */
#define COUNT_REDRAW_NS 100000000LL   /* the partial count is redrawn at most 10 times/s */

/* The pager interface over a browse (see table.h). */
static size_t pg_nrows(void *ctx)
{
	size_t n = 0;

	browse_rows(((struct ui_table *)ctx)->b, &n);
	return n;
}

static bool pg_at_end(void *ctx)
{
	return browse_at_end(((struct ui_table *)ctx)->b);
}

static int pg_first(void *ctx, struct pm_error *err)
{
	return browse_first(((struct ui_table *)ctx)->b, err);
}

static int pg_last(void *ctx, struct pm_error *err)
{
	return browse_last(((struct ui_table *)ctx)->b, err);
}

static int pg_scroll(void *ctx, int64_t delta, struct pm_error *err)
{
	return browse_scroll(((struct ui_table *)ctx)->b, delta, err);
}

static int pg_reload(void *ctx, struct pm_error *err)
{
	return browse_reload(((struct ui_table *)ctx)->b, err);
}

static int pg_set_rows(void *ctx, size_t n, struct pm_error *err)
{
	return browse_set_page_rows(((struct ui_table *)ctx)->b, n, err);
}

static int pg_count(void *ctx, int64_t *out, struct pm_error *err)
{
	return browse_count(((struct ui_table *)ctx)->b, out, err);
}

static int pg_count_step(void *ctx, int budget_ms, int64_t *out, bool *done,
                         struct pm_error *err)
{
	return browse_count_step(((struct ui_table *)ctx)->b, budget_ms, out, done, err);
}

int ui_table_open(struct ui_table *t, struct ui *ui, const struct browse_params *p,
                  struct pm_error *err)
{
	struct table_pager pg = { t, pg_nrows, pg_at_end, pg_first, pg_last, pg_scroll,
	                          pg_reload, pg_set_rows, pg_count, pg_count_step };
	int height = LINES - 5 > 1 ? LINES - 5 : 1;

	t->params = *p;
	t->params.page_rows = (size_t)height;
	t->params.cfg = ui->app->cfg;
	t->params.filter = NULL;
	if (browse_new(ui->st, &t->params, &t->b, err))
		return err->code;
	t->col = p->sort_column;
	table_model_init(&t->m, &pg, height);
	return table_model_restart(&t->m, err);     /* browse_new read the first page */
}

void ui_table_close(struct ui_table *t)
{
	browse_free(t->b);
	t->b = NULL;
}

const struct browse_row *ui_table_selected(const struct ui_table *t)
{
	size_t n;
	const struct browse_row *rows = browse_rows(t->b, &n);
	int i = table_model_selected(&t->m);

	return i >= 0 && (size_t)i < n ? &rows[i] : NULL;
}

int ui_table_reload(struct ui_table *t, struct pm_error *err)
{
	return table_model_reload(&t->m, err);
}

int ui_table_reload_page(struct ui_table *t, struct pm_error *err)
{
	return table_model_reload_page(&t->m, err);
}

/* Column widths: the hints, the last shown column takes what is left. */
static size_t layout(const struct ui_table *t, int w, int *widths, size_t max)
{
	size_t ncols = browse_table_ncols(t->params.table), n = 0;
	int used = 0;

	for (size_t c = t->hscroll; c < ncols && n < max; c++) {
		int cw = browse_table_column(t->params.table, c)->width;

		if (used + cw > w)
			cw = w - used;
		if (cw < 3)
			break;
		widths[n++] = cw;
		used += cw + 1;
	}
	/* A trailing text column (explanation, memo) gets the spare width; numbers stay put. */
	if (n > 0 && used - 1 < w &&
	    !browse_table_column(t->params.table, t->hscroll + n - 1)->numeric)
		widths[n - 1] += w - (used - 1);
	return n;
}

static attr_t row_attr(const struct ui_table *t, struct ui *ui, const struct browse_row *r,
                       int i, bool selected)
{
	if (selected)
		return ui->attr[TH_SELECTED];
	if (t->is_marked && t->is_marked(t->mark_ctx, r))
		return ui->attr[TH_MARKED];
	return ui->attr[i % 2 ? TH_ROW_ALT : TH_ROW];
}

/* A status/amount cell may carry its own colour (unless the row is selected or marked). */
static attr_t cell_attr(struct ui *ui, const struct browse_column *col, const char *text,
                        attr_t base, bool plain)
{
	static const struct {
		const char *status;
		enum theme_element el;
	} STATUS[] = {
		{ "auto", TH_STATUS_AUTO }, { "suggested", TH_STATUS_SUGGESTED },
		{ "confirmed", TH_STATUS_CONFIRMED }, { "manual", TH_STATUS_MANUAL },
		{ "rejected", TH_STATUS_REJECTED },
	};

	if (!plain)
		return base;
	if (col->numeric && text[0] == '-')
		return ui->attr[TH_AMOUNT_NEGATIVE];
	if (strcmp(col->name, "status") == 0)
		for (size_t i = 0; i < sizeof STATUS / sizeof STATUS[0]; i++)
			if (strcmp(text, STATUS[i].status) == 0)
				return ui->attr[STATUS[i].el];
	return base;
}

static void draw_header(struct ui_table *t, struct ui *ui, int y, int x, const int *widths,
                        size_t n)
{
	bool desc;
	size_t sort = browse_sort_column(t->b, &desc);

	for (size_t i = 0; i < n; i++) {
		size_t c = t->hscroll + i;
		const struct browse_column *col = browse_table_column(t->params.table, c);
		char title[96];
		attr_t a = ui->attr[TH_HEADER];

		snprintf(title, sizeof title, "%s%s", col->title,
		         c == sort ? (desc ? (ui->utf8 ? "▼" : "v") : (ui->utf8 ? "▲" : "^")) : "");
		if (c == t->col)
			a |= A_REVERSE;
		ui_put(ui, y, x, widths[i], title, col->numeric, a);
		x += widths[i] + 1;
	}
}

void ui_table_draw(struct ui_table *t, struct ui *ui, int y, int x, int h, int w)
{
	int widths[32];
	size_t n, nrows;
	const struct browse_row *rows;
	struct pm_error err;

	if (h - 1 != t->m.height && h > 1) {
		pm_error_clear(&err);
		if (table_model_resize(&t->m, h - 1, &err))
			ui_error(ui, &err);
	}
	while (t->col < t->hscroll && t->hscroll > 0)
		t->hscroll--;
	for (;;) {
		n = layout(t, w, widths, 32);
		if (t->col < t->hscroll + n || t->hscroll >= t->col)
			break;
		t->hscroll++;
	}
	draw_header(t, ui, y, x, widths, n);
	rows = browse_rows(t->b, &nrows);
	for (size_t r = 0; r < nrows && (int)r < h - 1; r++) {
		bool sel = (int)r == table_model_selected(&t->m);
		attr_t base = row_attr(t, ui, &rows[r], (int)r, sel);
		bool plain = base == ui->attr[TH_ROW] || base == ui->attr[TH_ROW_ALT];
		int cx = x;

		ui_fill(y + 1 + (int)r, x, w, base);
		for (size_t i = 0; i < n; i++) {
			const struct browse_column *col = browse_table_column(t->params.table,
			                                                      t->hscroll + i);
			const char *text = rows[r].cells[t->hscroll + i];

			ui_put(ui, y + 1 + (int)r, cx, widths[i], text, col->numeric,
			       cell_attr(ui, col, text, base, plain));
			cx += widths[i] + 1;
		}
	}
	if (nrows == 0)
		ui_put(ui, y + 2, x + 2, w - 4, t->filter[0] ? "no rows match the filter" :
		       "no rows", false, ui->attr[TH_HINT]);
}

void ui_table_status(const struct ui_table *t, struct ui *ui, char *buf, size_t n)
{
	char pos[32], total[32];
	bool desc;
	size_t sort = browse_sort_column(t->b, &desc);
	int64_t p = table_model_position(&t->m);

	if (p >= 0)
		ui_count(p + 1, pos, sizeof pos);
	else
		snprintf(pos, sizeof pos, "%s", t->m.total ? "~" : "0");
	if (t->m.counting && !t->m.total_known) {
		/* the count is still running: what is counted so far is a lower bound */
		total[0] = '>';
		ui_count(t->m.total, total + 1, sizeof total - 1);
	} else {
		ui_count(t->m.total, total, sizeof total);
	}
	snprintf(buf, n, " row %s of %s  sort %s%s%s%s%s", pos, total,
	         desc ? (ui->utf8 ? "↓" : "-") : (ui->utf8 ? "↑" : "+"),
	         browse_table_column(t->params.table, sort)->name,
	         t->filter[0] ? "  filter: " : "", t->filter,
	         browse_filling(t->b) ? (ui->utf8 ? "  filtering…" : "  filtering...") : "");
}

/* The next sortable column after (dir > 0) or before the current sort column. */
static int sort_step(struct ui_table *t, struct ui *ui, int dir)
{
	size_t ncols = browse_table_ncols(t->params.table);
	bool desc;
	size_t cur = browse_sort_column(t->b, &desc);
	struct pm_error err;

	pm_error_clear(&err);
	for (size_t k = 1; k < ncols; k++) {
		size_t c = (cur + ncols + (size_t)dir * k) % ncols;

		if (!browse_table_column(t->params.table, c)->sortable)
			continue;
		if (browse_set_sort(t->b, c, desc, &err) || table_model_restart(&t->m, &err)) {
			ui_error(ui, &err);
			return -1;
		}
		t->col = c;
		return 0;
	}
	ui_message(ui, false, "no other sortable column");
	return 0;
}

static void sort_invert(struct ui_table *t, struct ui *ui)
{
	bool desc;
	size_t cur = browse_sort_column(t->b, &desc);
	struct pm_error err;

	pm_error_clear(&err);
	if (browse_set_sort(t->b, cur, !desc, &err) || table_model_restart(&t->m, &err))
		ui_error(ui, &err);
}

/* One time-bounded search step (≤ ~15 ms); a search that needs more continues in
 * ui_table_idle between key presses, so the keyboard is never blocked. */
static void search_step(struct ui_table *t, struct ui *ui, int dir)
{
	struct pm_error err;
	int sel = table_model_selected(&t->m);
	size_t row = 0;
	int rc;

	pm_error_clear(&err);
	rc = browse_search_dir(t->b, t->search, (size_t)(sel < 0 ? 0 : sel), dir < 0, &row, &err);
	t->search_dir = rc == BROWSE_SEARCHING ? dir : 0;
	if (rc < 0) {
		ui_error(ui, &err);
	} else if (rc == BROWSE_FOUND) {
		table_model_found(&t->m, (int)row);
		ui->message[0] = '\0';          /* no longer "searching" */
	} else if (rc == BROWSE_NOT_FOUND) {
		ui_message(ui, true, "not found: %s", t->search);
	} else {
		ui_message(ui, false, "searching %s for \"%s\"... (Esc stops)",
		           dir < 0 ? "back" : "on", t->search);
	}
}

static void search_run(struct ui_table *t, struct ui *ui, int dir)
{
	if (!t->search[0]) {
		ui_message(ui, false, "no search yet: / to search");
		return;
	}
	if (t->search_dir && t->search_dir != dir)
		browse_search_stop(t->b);        /* the other direction starts at the cursor */
	search_step(t, ui, dir);
}

static void search_stop(struct ui_table *t, struct ui *ui)
{
	browse_search_stop(t->b);
	t->search_dir = 0;
	ui_message(ui, false, "search stopped");
}

bool ui_table_idle(struct ui_table *t, struct ui *ui, bool *more)
{
	struct pm_error err;
	int64_t now;

	*more = false;
	if (t->search_dir) {
		search_step(t, ui, t->search_dir);
		*more = t->search_dir != 0;
		return true;
	}
	pm_error_clear(&err);
	if (browse_filling(t->b)) {
		size_t above = 0;

		if (browse_fill(t->b, FILL_SLICE_MS, &above, &err))
			ui_error(ui, &err);
		table_model_grew(&t->m, above);
		*more = browse_filling(t->b) || t->m.count_stale;
		return true;
	}
	if (!t->m.count_stale)
		return false;
	if (table_model_recount_step(&t->m, COUNT_SLICE_MS, &err)) {
		ui_error(ui, &err);
		return true;
	}
	*more = t->m.count_stale;
	now = pm_now_ns();
	if (*more && now - t->idle_drawn_ns < COUNT_REDRAW_NS)
		return false;
	t->idle_drawn_ns = now;
	return true;
}

static void filter_prompt(struct ui_table *t, struct ui *ui)
{
	char buf[sizeof t->filter];
	struct pm_error err;

	snprintf(buf, sizeof buf, "%s", t->filter);
	if (!ui_prompt(ui, "filter (words, status:x, kind:x, amount>N; empty clears): ", buf,
	               sizeof buf))
		return;
	pm_error_clear(&err);
	if (browse_set_filter(t->b, buf, &err) || table_model_restart(&t->m, &err)) {
		ui_error(ui, &err);
		return;
	}
	snprintf(t->filter, sizeof t->filter, "%s", buf);
}

static int nav(struct ui_table *t, enum ui_request req, struct pm_error *err)
{
	switch (req) {
	case REQ_MOVE_UP: return table_model_move(&t->m, -1, err);
	case REQ_MOVE_DOWN: return table_model_move(&t->m, 1, err);
	case REQ_PAGE_UP: return table_model_page(&t->m, -1, err);
	case REQ_PAGE_DOWN: return table_model_page(&t->m, 1, err);
	case REQ_FIRST_ROW: return table_model_first(&t->m, err);
	case REQ_LAST_ROW: return table_model_last(&t->m, err);
	default: return 0;
	}
}

enum view_result ui_table_request(struct ui_table *t, struct ui *ui, enum ui_request req)
{
	size_t ncols = browse_table_ncols(t->params.table);
	struct pm_error err;
	char buf[sizeof t->search];

	pm_error_clear(&err);
	if (t->search_dir && req != REQ_SEARCH_NEXT && req != REQ_SEARCH_PREV) {
		search_stop(t, ui);            /* any other key ends a search in progress */
		if (req == REQ_BACK || req == REQ_QUIT_VIEW)
			return VIEW_HANDLED;
	}
	switch (req) {
	case REQ_MOVE_UP: case REQ_MOVE_DOWN: case REQ_PAGE_UP: case REQ_PAGE_DOWN:
	case REQ_FIRST_ROW: case REQ_LAST_ROW:
		if (nav(t, req, &err))
			ui_error(ui, &err);
		return VIEW_HANDLED;
	case REQ_COLUMN_LEFT: if (t->col > 0) t->col--; return VIEW_HANDLED;
	case REQ_COLUMN_RIGHT: if (t->col + 1 < ncols) t->col++; return VIEW_HANDLED;
	case REQ_SORT_NEXT: sort_step(t, ui, 1); return VIEW_HANDLED;
	case REQ_SORT_PREV: sort_step(t, ui, -1); return VIEW_HANDLED;
	case REQ_SORT_INVERT: sort_invert(t, ui); return VIEW_HANDLED;
	case REQ_SEARCH:
		snprintf(buf, sizeof buf, "%s", t->search);
		if (ui_prompt(ui, "/", buf, sizeof buf) && buf[0]) {
			snprintf(t->search, sizeof t->search, "%s", buf);
			browse_search_stop(t->b);
			search_run(t, ui, 1);
		}
		return VIEW_HANDLED;
	case REQ_SEARCH_NEXT: search_run(t, ui, 1); return VIEW_HANDLED;
	case REQ_SEARCH_PREV: search_run(t, ui, -1); return VIEW_HANDLED;
	case REQ_FILTER: filter_prompt(t, ui); return VIEW_HANDLED;
	default: return VIEW_UNHANDLED;
	}
}
