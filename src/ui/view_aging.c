/* The Aging screen: open receivables per customer and bucket; Enter drills into that
 * customer's open invoices (a pushed table screen; q comes back). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paymatch/view.h"

static int aging_open(struct view *v, struct ui *ui, struct pm_error *err)
{
	return table_view_open_table(v, ui, BROWSE_AGING, "customer", false, err);
}

static void drill_down(struct view *v, struct ui *ui)
{
	struct table_view *tv = v->state;
	const struct browse_row *r = ui_table_selected(&tv->t);
	struct table_view *child;
	struct pm_error err;

	if (!r || !r->customer_id[0]) {
		ui_message(ui, false, "no customer on this row");
		return;
	}
	child = calloc(1, sizeof *child);
	if (!child) {
		ui_message(ui, true, "out of memory");
		return;
	}
	snprintf(child->customer, sizeof child->customer, "%s", r->customer_id);
	snprintf(child->currency, sizeof child->currency, "%s", r->currency);
	pm_error_clear(&err);
	if (ui_push(ui, &VIEW_CUSTOMER_INVOICES, child, &err))
		ui_error(ui, &err);
}

static enum view_result aging_request(struct view *v, struct ui *ui, enum ui_request req)
{
	if (req == REQ_ENTER && v->state) {
		drill_down(v, ui);
		return VIEW_HANDLED;
	}
	return table_view_request(v, ui, req);
}

const struct view_ops VIEW_AGING = {
	.title = "Aging",
	.keys = &KM_CHAIN_TABLE,
	.open = aging_open,
	.draw = table_view_draw,
	.on_request = aging_request,
	.reload = table_view_reload,
	.status = table_view_status,
	.idle = table_view_idle,
	.hints = "Enter customer's open invoices  </> sort  I invert  / search  f filter",
	.free = table_view_free,
};

/* The drill-down: v->state arrives holding the customer and currency. */
static int customer_open(struct view *v, struct ui *ui, struct pm_error *err)
{
	struct table_view *tv = v->state;
	struct browse_params p = { .table = BROWSE_CUSTOMER_INVOICES };
	int c = browse_table_find_column(BROWSE_CUSTOMER_INVOICES, "due");

	p.sort_column = c >= 0 && browse_table_column(p.table, (size_t)c)->sortable ? (size_t)c : 0;
	p.customer_id = tv->customer;
	p.currency = tv->currency[0] ? tv->currency : NULL;
	return table_view_open(v, ui, &p, err);
}

static void customer_status(struct view *v, struct ui *ui, char *buf, size_t n)
{
	struct table_view *tv = v->state;
	char rest[200];

	table_view_status(v, ui, rest, sizeof rest);
	snprintf(buf, n, " customer %s %s |%s", tv->customer, tv->currency, rest);
}

const struct view_ops VIEW_CUSTOMER_INVOICES = {
	.title = "Customer",
	.keys = &KM_CHAIN_TABLE,
	.open = customer_open,
	.draw = table_view_draw,
	.on_request = table_view_request,
	.reload = table_view_reload,
	.status = customer_status,
	.idle = table_view_idle,
	.hints = "(back to Aging)  Enter/d detail  </> sort  / search",
	.free = table_view_free,
};
