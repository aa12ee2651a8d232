/* What every table screen shares: the widget, the detail pane under it, Enter/d. Screen
 * files (view_matches.c, ...) only choose the browse table and their keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paymatch/view.h"

int table_view_open(struct view *v, struct ui *ui, const struct browse_params *p,
                    struct pm_error *err)
{
	struct table_view *tv = v->state ? v->state : calloc(1, sizeof *tv);

	if (!tv)
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	v->state = tv;
	if (ui_table_open(&tv->t, ui, p, err)) {
		free(tv);
		v->state = NULL;
		return err->code;
	}
	return 0;
}

void table_view_free(struct view *v)
{
	struct table_view *tv = v->state;

	if (!tv)
		return;
	ui_table_close(&tv->t);
	ui_detail_clear(&tv->d);
	free(tv->marks);
	free(tv);
	v->state = NULL;
}

/* The pane takes the lower part: ~40% of the body, at least 7 lines. */
static int pane_height(int h)
{
	int ph = h * 2 / 5;

	return ph < 7 ? 7 : ph;
}

void table_view_draw(struct view *v, struct ui *ui, int y, int x, int h, int w)
{
	struct table_view *tv = v->state;
	int th = h;

	if (!tv)
		return;
	if (tv->detail && h > 14)
		th = h - pane_height(h);
	ui_table_draw(&tv->t, ui, y, x, th, w);
	if (th < h)
		ui_detail_draw(ui, &tv->d, ui_table_selected(&tv->t), y + th, x, h - th, w);
}

enum view_result table_view_request(struct view *v, struct ui *ui, enum ui_request req)
{
	struct table_view *tv = v->state;

	if (!tv)
		return VIEW_UNHANDLED;
	switch (req) {
	case REQ_ENTER:
	case REQ_DETAIL:
		tv->detail = !tv->detail;
		return VIEW_HANDLED;
	case REQ_QUIT_VIEW:
	case REQ_BACK:
		if (tv->detail) {
			tv->detail = false;
			return VIEW_HANDLED;
		}
		return VIEW_UNHANDLED;
	default:
		return ui_table_request(&tv->t, ui, req);
	}
}

int table_view_reload(struct view *v, struct ui *ui, struct pm_error *err)
{
	struct table_view *tv = v->state;

	(void)ui;
	if (!tv)
		return 0;
	ui_detail_clear(&tv->d);
	return ui_table_reload(&tv->t, err);
}

bool table_view_idle(struct view *v, struct ui *ui, bool *more)
{
	struct table_view *tv = v->state;

	*more = false;
	return tv ? ui_table_idle(&tv->t, ui, more) : false;
}

void table_view_status(struct view *v, struct ui *ui, char *buf, size_t n)
{
	struct table_view *tv = v->state;

	if (tv)
		ui_table_status(&tv->t, ui, buf, n);
}

void ui_detail_clear(struct ui_detail *d)
{
	free(d->cand);
	memset(d, 0, sizeof *d);
}

static void detail_load(struct ui *ui, struct ui_detail *d, const struct browse_row *r)
{
	struct pm_error err;

	ui_detail_clear(d);
	d->loaded = true;
	if (!r)
		return;
	d->payment_row = r->payment_row;
	d->invoice_row = r->invoice_row;
	pm_error_clear(&err);
	if (r->payment_row) {
		d->has_pay = browse_payment(ui->st, r->payment_row, &d->pay, &err) == 0;
		if (browse_candidates(ui->st, r->payment_row, 8, &d->cand, &d->ncand, &err))
			ui_error(ui, &err);
	}
	if (r->invoice_row)
		d->has_inv = browse_invoice(ui->st, r->invoice_row, &d->inv, &err) == 0;
}

static void item_line(struct ui *ui, int y, int x, int w, const char *what,
                      const struct browse_item *it, const char *open_label)
{
	char amount[40], open[40], line[512];

	snprintf(line, sizeof line, "%s %s  %s  %s  %s %s  %s %s  ref %s", what, it->id, it->name,
	         it->date, browse_format_amount(it->amount, it->currency, amount, sizeof amount),
	         it->currency, open_label,
	         browse_format_amount(it->open, it->currency, open, sizeof open),
	         it->reference[0] ? it->reference : "-");
	ui_put(ui, y, x, w, line, false, ui->attr[TH_DETAIL]);
}

/* A candidate takes two lines: the figures, then the matcher's explanation. */
static int candidate_lines(struct ui *ui, int y, int x, int w, int room,
                           const struct browse_candidate *c)
{
	char amount[40], open[40], line[512];

	snprintf(line, sizeof line, "%-9s %3.0f%%  %s  %s  applied %s  open %s %s", c->status,
	         100.0 * c->confidence, c->invoice_id, c->customer_name,
	         browse_format_amount(c->amount_applied, c->currency, amount, sizeof amount),
	         browse_format_amount(c->open_balance, c->currency, open, sizeof open),
	         c->currency);
	ui_put(ui, y, x, w, line, false, ui->attr[TH_DETAIL]);
	if (room < 2)
		return 1;
	snprintf(line, sizeof line, "%s: %s", c->rule, c->explanation);
	ui_put(ui, y + 1, x + 4, w - 4, line, false, ui->attr[TH_LABEL]);
	return 2;
}

void ui_detail_draw(struct ui *ui, struct ui_detail *d, const struct browse_row *r, int y,
                    int x, int h, int w)
{
	int line = y + 1;

	if (!d->loaded || !r || r->payment_row != d->payment_row ||
	    r->invoice_row != d->invoice_row)
		detail_load(ui, d, r);
	for (int i = 0; i < h; i++)
		ui_fill(y + i, x, w, ui->attr[TH_DETAIL]);
	ui_put(ui, y, x, w, " Detail (d or Enter closes)", false, ui->attr[TH_HEADER]);
	if (!r)
		return;
	if (d->has_pay && line < y + h)
		item_line(ui, line++, x + 1, w - 2, "Payment", &d->pay, "unapplied");
	if (d->has_inv && line < y + h)
		item_line(ui, line++, x + 1, w - 2, "Invoice", &d->inv, "open");
	if (d->ncand && line < y + h)
		ui_put(ui, line++, x + 1, w - 2, "Candidates", false, ui->attr[TH_LABEL]);
	for (size_t i = 0; i < d->ncand && line < y + h; i++)
		line += candidate_lines(ui, line, x + 3, w - 4, y + h - line, &d->cand[i]);
	if (!d->has_pay && !d->has_inv && line < y + h)
		ui_put(ui, line, x + 1, w - 2, "no payment or invoice on this row", false,
		       ui->attr[TH_DETAIL]);
}

int table_view_open_table(struct view *v, struct ui *ui, enum browse_table table,
                          const char *sort, bool descending, struct pm_error *err)
{
	struct browse_params p = { .table = table, .descending = descending };
	int c = browse_table_find_column(table, sort);

	if (c < 0 || !browse_table_column(table, (size_t)c)->sortable) {
		c = 0;
		while ((size_t)c < browse_table_ncols(table) &&
		       !browse_table_column(table, (size_t)c)->sortable)
			c++;
	}
	p.sort_column = (size_t)c;
	return table_view_open(v, ui, &p, err);
}
