/* The Invoices screen: a table over store_browse's INVOICES view. */
#include "paymatch/view.h"

static int invoices_open(struct view *v, struct ui *ui, struct pm_error *err)
{
	return table_view_open_table(v, ui, BROWSE_INVOICES, "due", false, err);
}

const struct view_ops VIEW_INVOICES = {
	.title = "Invoices",
	.keys = &KM_CHAIN_TABLE,
	.open = invoices_open,
	.draw = table_view_draw,
	.on_request = table_view_request,
	.reload = table_view_reload,
	.status = table_view_status,
	.idle = table_view_idle,
	.hints = "Enter/d detail  </> sort  I invert  / search  f filter",
	.free = table_view_free,
};
