/* The table model: a cursor inside one page and the page's absolute position (no curses).
 * The pager holds exactly the visible rows, so drawing never reads the database; every
 * operation here calls the pager at most once to move (plus a cached count). */
#include <string.h>

#include "paymatch/table.h"

void table_model_init(struct table_model *m, const struct table_pager *pg, int height)
{
	memset(m, 0, sizeof *m);
	m->pg = *pg;
	m->height = height < 1 ? 1 : height;
}

static int nrows(const struct table_model *m)
{
	return (int)m->pg.nrows(m->pg.ctx);
}

static void clamp_cursor(struct table_model *m)
{
	if (m->cursor >= nrows(m))
		m->cursor = nrows(m) - 1;
	if (m->cursor < 0)
		m->cursor = 0;
}

/* The page's absolute position can only be inferred from the count near the end. */
static void clamp_top(struct table_model *m)
{
	int64_t max_top = m->total - nrows(m);

	if (m->top < 0 && !m->pg.at_end(m->pg.ctx))
		return;
	if (m->counting) {
		/* Near the end only the exact count tells the position; it follows when idle. */
		if (m->pg.at_end(m->pg.ctx))
			m->top = -1;
		return;
	}
	if (m->pg.at_end(m->pg.ctx) || m->top > max_top)
		m->top = max_top;
	if (m->top < 0)
		m->top = 0;
}

/* One count slice; budget 0 only picks up a count the pager has cached. */
static int count_slice(struct table_model *m, int budget_ms, struct pm_error *err)
{
	int64_t n;
	bool done;

	if (m->pg.count_step(m->pg.ctx, budget_ms, &n, &done, err)) {
		m->count_stale = m->counting = false;
		return err->code ? err->code : PM_EIO;
	}
	if (done) {
		m->total = n;
		m->total_known = true;
		m->count_stale = m->counting = false;
		clamp_top(m);
	} else if (!m->total_known || n > m->total) {
		m->total = n;
	}
	return 0;
}

static int recount(struct table_model *m, struct pm_error *err)
{
	int64_t total;

	if (m->pg.count_step) {
		m->counting = m->count_stale = true;
		return count_slice(m, 0, err);
	}
	if (m->pg.count(m->pg.ctx, &total, err))
		return err->code ? err->code : PM_EIO;
	m->total = total;
	m->count_stale = false;
	return 0;
}

int table_model_restart(struct table_model *m, struct pm_error *err)
{
	m->top = 0;
	m->cursor = 0;
	m->total = 0;
	m->total_known = false;
	return recount(m, err);
}

int table_model_reset(struct table_model *m, struct pm_error *err)
{
	m->fetches++;
	if (m->pg.set_page_rows(m->pg.ctx, (size_t)m->height, err) ||
	    m->pg.first(m->pg.ctx, err))
		return err->code ? err->code : PM_EIO;
	return table_model_restart(m, err);
}

int table_model_reload_page(struct table_model *m, struct pm_error *err)
{
	m->fetches++;
	if (m->pg.reload(m->pg.ctx, err))
		return err->code ? err->code : PM_EIO;
	m->count_stale = true;
	m->counting = m->pg.count_step != NULL;
	if (nrows(m) == 0 && m->total > 0)
		return table_model_reload(m, err);   /* rare: needs the count to find the end */
	clamp_cursor(m);
	return 0;
}

int table_model_recount_step(struct table_model *m, int budget_ms, struct pm_error *err)
{
	if (!m->count_stale)
		return 0;
	if (m->pg.count_step)
		return count_slice(m, budget_ms, err);
	return table_model_recount(m, err);
}

int table_model_recount(struct table_model *m, struct pm_error *err)
{
	if (!m->count_stale)
		return 0;
	if (m->pg.count_step) {
		while (m->count_stale)
			if (count_slice(m, 1000, err))
				return err->code ? err->code : PM_EIO;
		return 0;
	}
	m->count_stale = false;
	if (recount(m, err))
		return err->code;
	clamp_top(m);
	return 0;
}

int table_model_reload(struct table_model *m, struct pm_error *err)
{
	m->count_stale = false;
	m->fetches++;
	if (m->pg.reload(m->pg.ctx, err) || recount(m, err))
		return err->code ? err->code : PM_EIO;
	if (nrows(m) == 0 && m->total > 0) {
		/* Every row from the page's first on is gone: show the end instead. */
		m->cursor = m->height;
		return table_model_last(m, err);
	}
	clamp_cursor(m);
	clamp_top(m);
	return 0;
}

static int scroll(struct table_model *m, int64_t delta, struct pm_error *err)
{
	m->fetches++;
	if (m->pg.scroll(m->pg.ctx, delta, err))
		return err->code ? err->code : PM_EIO;
	if (m->top >= 0) {
		m->top += delta;
		if (m->top < 0)
			m->top = 0;
	}
	clamp_top(m);
	return 0;
}

int table_model_move(struct table_model *m, int64_t delta, struct pm_error *err)
{
	int64_t target = m->cursor + delta;
	int64_t before = m->top;
	int rc = 0;

	if (target >= 0 && target < nrows(m)) {
		m->cursor = (int)target;
		return 0;
	}
	if (target < 0 && m->top != 0)
		rc = scroll(m, target, err);
	else if (target >= nrows(m) && !m->pg.at_end(m->pg.ctx))
		rc = scroll(m, target - (nrows(m) - 1), err);
	if (rc)
		return rc;
	/* Where the cursor lands depends on how far the pager could actually scroll. */
	if (before >= 0 && m->top >= 0)
		m->cursor = (int)(m->cursor + delta - (m->top - before));
	else
		m->cursor = target < 0 ? 0 : nrows(m) - 1;
	clamp_cursor(m);
	return 0;
}

int table_model_page(struct table_model *m, int dir, struct pm_error *err)
{
	int64_t delta = dir > 0 ? m->height : -m->height;
	int rc;

	if (dir > 0 && m->pg.at_end(m->pg.ctx)) {
		m->cursor = nrows(m) - 1;
		clamp_cursor(m);
		return 0;
	}
	if (dir < 0 && m->top == 0) {
		m->cursor = 0;
		return 0;
	}
	rc = scroll(m, delta, err);
	clamp_cursor(m);
	return rc;
}

int table_model_first(struct table_model *m, struct pm_error *err)
{
	m->fetches++;
	if (m->pg.first(m->pg.ctx, err))
		return err->code ? err->code : PM_EIO;
	m->top = 0;
	m->cursor = 0;
	return 0;
}

int table_model_last(struct table_model *m, struct pm_error *err)
{
	m->fetches++;
	if (m->pg.last(m->pg.ctx, err))
		return err->code ? err->code : PM_EIO;
	m->top = m->counting ? -1 : m->total - nrows(m);
	if (m->top < 0 && !m->counting)
		m->top = 0;
	m->cursor = nrows(m) - 1;
	clamp_cursor(m);
	return 0;
}

int table_model_resize(struct table_model *m, int height, struct pm_error *err)
{
	m->height = height < 1 ? 1 : height;
	m->fetches++;
	if (m->pg.set_page_rows(m->pg.ctx, (size_t)m->height, err))
		return err->code ? err->code : PM_EIO;
	clamp_cursor(m);
	clamp_top(m);
	return 0;
}

void table_model_found(struct table_model *m, int row)
{
	m->top = -1;
	m->cursor = row;
	clamp_cursor(m);
	clamp_top(m);
}

void table_model_grew(struct table_model *m, size_t above)
{
	if (m->pg.at_end(m->pg.ctx))
		m->cursor += (int)above;
	clamp_cursor(m);
	clamp_top(m);
}

int table_model_selected(const struct table_model *m)
{
	return nrows(m) > 0 ? m->cursor : -1;
}

int64_t table_model_position(const struct table_model *m)
{
	if (nrows(m) == 0 || m->top < 0)
		return -1;
	return m->top + m->cursor;
}
