/* The Dashboard: per-currency figures, match rates, exceptions by kind, an aging bar
 * chart and the last runs' timings. One dashboard_load per open/refresh (a refresh in the
 * background). */
#include <curses.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paymatch/dashboard.h"
#include "paymatch/money.h"
#include "paymatch/thread.h"
#include "paymatch/view.h"

/* The figures are a scan of the whole working set (~0.5 s at 1M rows): the first ones are
 * read at start (the 1 s floor), later ones (after a decision, R, another session's commit)
 * in a worker thread with its own read-only connection, while the old figures stay on
 * screen marked "updating". The worker touches no curses: it only fills a struct dashboard,
 * which the UI thread swaps in when idle (src/ui only draws). */
struct dash_state {
	struct dashboard *d;             /* shown */
	const struct pm_config *cfg;
	char *path;
	pthread_t thread;
	bool running, again;             /* again: asked for while one was running */
	atomic_bool done;
	struct dashboard *next;          /* the worker's result */
	struct pm_error err;
	int rc;
};

static void *dash_worker(void *arg)
{
	struct dash_state *s = arg;
	struct store *st = NULL;

	pm_error_clear(&s->err);
	s->rc = store_open(s->path, STORE_READONLY, 5000, &st, &s->err);
	if (s->rc == 0)
		s->rc = dashboard_load(st, s->cfg, NULL, &s->next, &s->err);
	store_close(st);
	atomic_store(&s->done, true);
	return NULL;
}

static int dash_open(struct view *v, struct ui *ui, struct pm_error *err)
{
	struct dash_state *s = calloc(1, sizeof *s);

	if (!s || !(s->path = strdup(store_path(ui->st)))) {
		free(s);
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	}
	s->cfg = ui->app->cfg;
	if (dashboard_load(ui->st, ui->app->cfg, NULL, &s->d, err)) {
		free(s->path);
		free(s);
		return err->code;
	}
	v->state = s;
	return 0;
}

/* Starts the worker (or, while one runs, asks for one more run after it). */
static int dash_reload(struct view *v, struct ui *ui, struct pm_error *err)
{
	struct dash_state *s = v->state;
	struct dashboard *d = NULL;

	if (!s)
		return 0;
	if (s->running) {
		s->again = true;
		return 0;
	}
	atomic_store(&s->done, false);
	s->next = NULL;
	/* signals are the UI thread's (cli/signals.c) */
	if (pm_thread_start(&s->thread, dash_worker, s) == 0) {
		s->running = true;
		return 0;
	}
	if (dashboard_load(ui->st, ui->app->cfg, NULL, &d, err))   /* no thread: at once */
		return err->code;
	dashboard_free(s->d);
	s->d = d;
	return 0;
}

/* Swaps in the worker's figures once it is done. */
static bool dash_idle(struct view *v, struct ui *ui, bool *more)
{
	struct dash_state *s = v->state;
	struct pm_error err;

	*more = false;
	if (!s || !s->running || !atomic_load(&s->done))
		return false;
	pthread_join(s->thread, NULL);
	s->running = false;
	if (s->rc == 0) {
		dashboard_free(s->d);
		s->d = s->next;
	} else {
		ui_error(ui, &s->err);
	}
	s->next = NULL;
	if (s->again) {
		s->again = false;
		pm_error_clear(&err);
		if (dash_reload(v, ui, &err))
			ui_error(ui, &err);
	}
	return true;
}

static void dash_free(struct view *v)
{
	struct dash_state *s = v->state;

	if (!s)
		return;
	if (s->running) {
		pthread_join(s->thread, NULL);
		dashboard_free(s->next);
	}
	dashboard_free(s->d);
	free(s->path);
	free(s);
	v->state = NULL;
}

static void label(struct ui *ui, int y, int x, int w, const char *text)
{
	ui_put(ui, y, x, w, text, false, ui->attr[TH_LABEL]);
}

static void figure(struct ui *ui, int y, int x, int w, const char *text)
{
	ui_put(ui, y, x, w, text, true, ui->attr[TH_FIGURE]);
}

/* One line per currency: counts, amounts, open receivables, unapplied cash. */
static int draw_currencies(struct ui *ui, const struct dashboard *d, int y, int w, int max)
{
	char a[40], b[40], c[40], e[40], line[64];

	ui_put(ui, y, 1, w - 2, "Cur   Invoices   Payments  Matched%  Open receivables  "
	       "Unapplied cash", false, ui->attr[TH_HEADER]);
	if (d->ncurrencies == 0)
		label(ui, y + 1, 1, w - 2, "The working set is empty: paymatch FILE... imports files");
	for (size_t i = 0; i < d->ncurrencies && (int)i < max; i++) {
		const struct dash_currency *k = &d->currencies[i];

		label(ui, y + 1 + (int)i, 1, 4, k->currency);
		figure(ui, y + 1 + (int)i, 5, 11, ui_count(k->invoices, a, sizeof a));
		figure(ui, y + 1 + (int)i, 16, 11, ui_count(k->payments, b, sizeof b));
		snprintf(line, sizeof line, "%.1f%%", 100.0 * dashboard_rate_count(k));
		figure(ui, y + 1 + (int)i, 27, 10, line);
		figure(ui, y + 1 + (int)i, 37, 18,
		       browse_format_amount(k->open_receivables, k->currency, c, sizeof c));
		figure(ui, y + 1 + (int)i, 55, 16,
		       browse_format_amount(k->unapplied_cash, k->currency, e, sizeof e));
	}
	return 1 + (int)(d->ncurrencies < (size_t)max ? (d->ncurrencies ? d->ncurrencies : 1) :
	                 (size_t)max);
}

static void draw_rates(struct ui *ui, const struct dash_currency *k, int y, int w)
{
	char text[64];
	int bw = (w - 53) / 2;

	snprintf(text, sizeof text, "Match rate %s  by count", k->currency);
	label(ui, y, 1, 25, text);
	ui_bar(ui, y, 26, bw, dashboard_rate_count(k), ui->attr[TH_BAR], ui->attr[TH_BAR_EMPTY]);
	snprintf(text, sizeof text, "%5.1f%%", 100.0 * dashboard_rate_count(k));
	figure(ui, y, 26 + bw, 7, text);
	label(ui, y, 35 + bw, 10, "by amount");
	ui_bar(ui, y, 45 + bw, bw, dashboard_rate_amount(k), ui->attr[TH_BAR],
	       ui->attr[TH_BAR_EMPTY]);
	snprintf(text, sizeof text, "%5.1f%%", 100.0 * dashboard_rate_amount(k));
	figure(ui, y, 45 + 2 * bw, 7, text);
}

static void draw_kinds(struct ui *ui, const struct dashboard *d, int y, int w, int h)
{
	char n[32], title[64];

	snprintf(title, sizeof title, "Open exceptions: %s", ui_count(d->open_exceptions, n,
	                                                               sizeof n));
	ui_put(ui, y, 1, w - 1, title, false, ui->attr[TH_HEADER]);
	for (size_t i = 0; i < d->nkinds && (int)i < h - 1; i++) {
		label(ui, y + 1 + (int)i, 3, w - 11, d->kinds[i].kind);
		figure(ui, y + 1 + (int)i, w - 8, 8, ui_count(d->kinds[i].count, n, sizeof n));
	}
	if (d->nkinds == 0)
		label(ui, y + 1, 3, w - 4, "none: the queue is clear");
}

/* A column chart: heights in eighths of a cell, ▁..█ for the partial top cell, '#' in
 * ASCII. */
static void draw_column(struct ui *ui, int bottom, int x, int cw, int rows, double frac)
{
	static const char *const PARTIAL[8] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇" };
	int eighths = (int)(frac * rows * 8 + 0.5);

	attrset(ui->attr[TH_BAR]);
	for (int r = 0; r < rows && eighths > 0; r++, eighths -= 8) {
		const char *glyph = eighths >= 8 ? (ui->utf8 ? "█" : "#") :
		                    (ui->utf8 ? PARTIAL[eighths] : "#");

		for (int i = 0; i < cw; i++)
			mvaddstr(bottom - r, x + i, glyph);
	}
}

/* Chart labels must fit a narrow column: 1.2k, 3.4M. */
static char *compact(int64_t minor, const char *currency, char *buf, size_t n)
{
	int dec = money_currency_decimals(currency);
	double major = (double)minor;

	for (int i = 0; i < (dec < 0 ? 2 : dec); i++)
		major /= 10;
	if (major >= 1e9 || major <= -1e9)
		snprintf(buf, n, "%.1fG", major / 1e9);
	else if (major >= 1e6 || major <= -1e6)
		snprintf(buf, n, "%.1fM", major / 1e6);
	else if (major >= 1e4 || major <= -1e4)
		snprintf(buf, n, "%.0fk", major / 1e3);
	else
		snprintf(buf, n, "%.0f", major);
	return buf;
}

static void draw_aging(struct ui *ui, const struct dashboard *d, int y, int x, int w, int h)
{
	const struct dash_currency *k = d->ncurrencies ? &d->currencies[0] : NULL;
	int64_t max = 1;
	int cw, rows = h - 3;
	char title[96], buf[40];

	snprintf(title, sizeof title, "Aging of open receivables %s (as of %s)",
	         k ? k->currency : "", d->as_of);
	ui_put(ui, y, x, w, title, false, ui->attr[TH_HEADER]);
	if (!k || d->nbuckets == 0 || rows < 1)
		return;
	cw = w / (int)d->nbuckets;
	for (size_t i = 0; i < d->nbuckets; i++)
		if (k->aging[i] > max)
			max = k->aging[i];
	for (size_t i = 0; i < d->nbuckets; i++) {
		int cx = x + (int)i * cw;

		draw_column(ui, y + rows, cx + 1, cw - 3 > 1 ? cw - 3 : 1, rows,
		            (double)k->aging[i] / (double)max);
		ui_put(ui, y + rows + 1, cx, cw - 1, dashboard_bucket_label(d, i, buf, sizeof buf),
		       false, ui->attr[TH_LABEL]);
		ui_put(ui, y + rows + 2, cx, cw - 1,
		       compact(k->aging[i], k->currency, buf, sizeof buf), false, ui->attr[TH_FIGURE]);
	}
}

static void draw_runs(struct ui *ui, const struct dashboard *d, int y, int w)
{
	char line[256], tail[64] = "";

	if (w >= 120)
		snprintf(tail, sizeof tail, "   (figures computed in %lld ms)",
		         (long long)d->elapsed_ms);
	snprintf(line, sizeof line, "Last import %s %.1f s | Last match %s %.1f s, %d workers%s",
	         d->last_import.id ? d->last_import.started_at : "never",
	         (double)d->last_import.duration_ms / 1000.0,
	         d->last_match.id ? d->last_match.started_at : "never",
	         (double)d->last_match.duration_ms / 1000.0, d->last_match.workers, tail);
	ui_put(ui, y, 1, w - 2, line, false, ui->attr[TH_HINT]);
}

static void dash_draw(struct view *v, struct ui *ui, int y, int x, int h, int w)
{
	const struct dash_state *s = v->state;
	const struct dashboard *d = s ? s->d : NULL;
	int used, half = w * 2 / 5;

	(void)x;
	if (!d)
		return;
	used = draw_currencies(ui, d, y + 1, w, h > 30 ? 6 : 3);
	if (d->ncurrencies)
		draw_rates(ui, &d->currencies[0], y + used + 2, w);
	used += 4;
	draw_kinds(ui, d, y + used, half - 2, h - used - 2);
	draw_aging(ui, d, y + used, half, w - half - 1, h - used - 2);
	draw_runs(ui, d, y + h - 1, w);
}

static void dash_status(struct view *v, struct ui *ui, char *buf, size_t n)
{
	const struct dash_state *s = v->state;

	snprintf(buf, n, " Dashboard  as of %s%s", s && s->d ? s->d->as_of : "-",
	         s && s->running ? (ui->utf8 ? "  updating…" : "  updating...") : "");
}

static enum view_result dash_request(struct view *v, struct ui *ui, enum ui_request req)
{
	(void)v; (void)ui; (void)req;
	return VIEW_UNHANDLED;
}

const struct view_ops VIEW_DASHBOARD = {
	.title = "Dashboard",
	.keys = &KM_CHAIN_DASHBOARD,
	.open = dash_open,
	.draw = dash_draw,
	.on_request = dash_request,
	.reload = dash_reload,
	.status = dash_status,
	.idle = dash_idle,
	.hints = "1-6/Tab screens  3 review exceptions  R refresh",
	.free = dash_free,
};
