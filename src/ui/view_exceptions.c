/* The Exceptions screen: the review queue. Every decision goes through review.h (one short
 * transaction each); afterwards the queue is reloaded from the same first row, so the cursor
 * lands on the next open exception, and the dashboard is marked for a refresh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paymatch/money.h"
#include "paymatch/review.h"
#include "paymatch/view.h"

struct mark {
	int64_t exception_id;
	struct review_ref alloc;
	int64_t amount;
	char currency[4];
};

static struct mark *marks_of(struct table_view *tv)
{
	return (struct mark *)tv->marks;
}

static bool is_marked(void *ctx, const struct browse_row *r)
{
	struct table_view *tv = ctx;

	for (size_t i = 0; i < tv->nmarks; i++)
		if (marks_of(tv)[i].exception_id == r->exception_id)
			return true;
	return false;
}

static int exc_open(struct view *v, struct ui *ui, struct pm_error *err)
{
	struct table_view *tv;

	if (table_view_open_table(v, ui, BROWSE_EXCEPTIONS, "id", false, err))
		return err->code;
	tv = v->state;
	tv->t.is_marked = is_marked;
	tv->t.mark_ctx = tv;
	return 0;
}

/* The decision changed the queue: reload in place and refresh the dashboard later. */
static void after_decision(struct view *v, struct ui *ui)
{
	struct table_view *tv = v->state;
	struct pm_error err;

	pm_error_clear(&err);
	ui->dashboard_dirty = true;
	ui_detail_clear(&tv->d);
	if (ui_table_reload_page(&tv->t, &err))
		ui_error(ui, &err);
	review_data_changed(ui->st, &ui->data_seen);   /* our own commit is not "another" */
}

static int64_t row_amount(const struct browse_row *r, const char *currency)
{
	int c = browse_table_find_column(BROWSE_EXCEPTIONS, "amount");
	const char *why;
	int64_t v = 0;
	int dec = money_currency_decimals(currency);

	if (c < 0 || money_parse(r->cells[c], strlen(r->cells[c]), dec < 0 ? 2 : dec,
	                         &MONEY_FORMAT_DEFAULT, &v, NULL, &why))
		return 0;
	return v;
}

static void decide(struct view *v, struct ui *ui, bool accept)
{
	struct table_view *tv = v->state;
	const struct browse_row *r = ui_table_selected(&tv->t);
	struct review_ref ref;
	struct review_result res;
	struct pm_error err;
	char amount[40];
	int rc;

	if (!r || !r->allocation_id) {
		ui_message(ui, false, "no suggestion on this row: m matches by hand, w writes off");
		return;
	}
	ref.id = r->allocation_id;
	ref.version = r->allocation_version;
	memset(&res, 0, sizeof res);
	pm_error_clear(&err);
	rc = accept ? review_accept(ui->st, ref, NULL, &res, &err)
	            : review_reject(ui->st, ref, NULL, &res, &err);
	if (rc) {
		ui_error(ui, &err);
		return;
	}
	ui_message(ui, false, "%s %lld allocation(s), %s %s (u undoes)",
	           accept ? "accepted" : "rejected", (long long)res.count,
	           browse_format_amount(res.amount, res.currency, amount, sizeof amount),
	           res.currency);
	after_decision(v, ui);
}

static void toggle_mark(struct view *v, struct ui *ui)
{
	struct table_view *tv = v->state;
	const struct browse_row *r = ui_table_selected(&tv->t);
	struct pm_error err;
	struct mark *m;

	if (!r || !r->allocation_id) {
		ui_message(ui, false, "only rows with a suggestion can be marked");
		return;
	}
	for (size_t i = 0; i < tv->nmarks; i++)
		if (marks_of(tv)[i].exception_id == r->exception_id) {
			marks_of(tv)[i] = marks_of(tv)[--tv->nmarks];
			goto next;
		}
	if (tv->nmarks == tv->amarks) {
		size_t na = tv->amarks ? 2 * tv->amarks : 16;
		void *p = realloc(tv->marks, na * sizeof(struct mark));

		if (!p) {
			ui_message(ui, true, "out of memory");
			return;
		}
		tv->marks = p;
		tv->amarks = na;
	}
	m = &marks_of(tv)[tv->nmarks++];
	m->exception_id = r->exception_id;
	m->alloc.id = r->allocation_id;
	m->alloc.version = r->allocation_version;
	snprintf(m->currency, sizeof m->currency, "%s", r->currency);
	m->amount = row_amount(r, r->currency);
next:
	pm_error_clear(&err);
	if (table_model_move(&tv->t.m, 1, &err))
		ui_error(ui, &err);
}

/* The question names the count and the amount (per currency when mixed). */
static void accept_marked(struct view *v, struct ui *ui)
{
	struct table_view *tv = v->state;
	struct review_ref *refs;
	struct review_result res;
	struct pm_error err;
	char q[256], amount[40];
	int64_t total = 0;
	bool mixed = false;

	if (tv->nmarks == 0) {
		ui_message(ui, false, "nothing marked: Space marks a row");
		return;
	}
	for (size_t i = 0; i < tv->nmarks; i++) {
		total += marks_of(tv)[i].amount;
		mixed |= strcmp(marks_of(tv)[i].currency, marks_of(tv)[0].currency) != 0;
	}
	if (mixed)
		snprintf(q, sizeof q, "Accept %zu marked suggestions (several currencies)?",
		         tv->nmarks);
	else
		snprintf(q, sizeof q, "Accept %zu marked suggestions, %s %s?", tv->nmarks,
		         browse_format_amount(total, marks_of(tv)[0].currency, amount, sizeof amount),
		         marks_of(tv)[0].currency);
	if (!ui_confirm(ui, q))
		return;
	refs = calloc(tv->nmarks, sizeof *refs);
	if (!refs) {
		ui_message(ui, true, "out of memory");
		return;
	}
	for (size_t i = 0; i < tv->nmarks; i++)
		refs[i] = marks_of(tv)[i].alloc;
	pm_error_clear(&err);
	memset(&res, 0, sizeof res);
	if (review_accept_many(ui->st, refs, tv->nmarks, NULL, &res, &err)) {
		ui_error(ui, &err);
	} else {
		ui_message(ui, false, "accepted %lld allocation(s) (u undoes)", (long long)res.count);
		tv->nmarks = 0;
		after_decision(v, ui);
	}
	free(refs);
}

static int choose_reason(struct ui *ui)
{
	const struct pm_config *cfg = ui->app->cfg;
	const char *items[32];
	char lines[32][128];
	int n = 0;

	for (size_t i = 0; i < cfg->ui.nwriteoff_reasons && n < 32; i++, n++) {
		snprintf(lines[n], sizeof lines[n], "%-16s %s", cfg->ui.writeoff_reasons[i].code,
		         cfg->ui.writeoff_reasons[i].label ? cfg->ui.writeoff_reasons[i].label : "");
		items[n] = lines[n];
	}
	if (n == 0) {
		ui_message(ui, true, "no write-off reasons configured (ui.writeoff_reasons)");
		return -1;
	}
	return ui_choose(ui, " Write-off reason", items, n);
}

static void write_off(struct view *v, struct ui *ui)
{
	struct table_view *tv = v->state;
	const struct browse_row *r = ui_table_selected(&tv->t);
	struct browse_item inv;
	struct review_result res;
	struct pm_error err;
	char buf[64], q[256];
	const char *why, *code;
	int64_t amount;
	int reason, dec;

	pm_error_clear(&err);
	if (!r || !r->invoice_row || browse_invoice(ui->st, r->invoice_row, &inv, &err)) {
		ui_message(ui, false, "no invoice on this row to write off");
		return;
	}
	if ((reason = choose_reason(ui)) < 0)
		return;
	code = ui->app->cfg->ui.writeoff_reasons[reason].code;
	dec = money_currency_decimals(inv.currency);
	money_to_plain(inv.open, dec < 0 ? 2 : dec, buf, sizeof buf);
	if (!ui_prompt(ui, "amount to write off: ", buf, sizeof buf))
		return;
	if (money_parse(buf, strlen(buf), dec < 0 ? 2 : dec, &MONEY_FORMAT_DEFAULT, &amount, NULL,
	                &why)) {
		ui_message(ui, true, "amount '%s': %s", buf, why);
		return;
	}
	snprintf(q, sizeof q, "Write off %s %s of invoice %s (%s)?", buf, inv.currency, inv.id,
	         code);
	if (!ui_confirm(ui, q))
		return;
	memset(&res, 0, sizeof res);
	if (review_writeoff(ui->st, ui->app->cfg, r->invoice_row, amount, code,
	                    (struct review_ref){ r->exception_id, r->exception_version }, NULL,
	                    &res, &err)) {
		ui_error(ui, &err);
		return;
	}
	ui_message(ui, false, "wrote off %s %s of %s (u undoes)", buf, inv.currency, inv.id);
	after_decision(v, ui);
}

static void add_note(struct view *v, struct ui *ui)
{
	struct table_view *tv = v->state;
	const struct browse_row *r = ui_table_selected(&tv->t);
	struct review_result res;
	struct pm_error err;
	char text[256] = "";
	enum review_target target = REVIEW_EXCEPTION;
	int64_t row;

	if (!r) {
		ui_message(ui, false, "no row");
		return;
	}
	row = r->exception_id;
	if (!row) {
		target = r->payment_row ? REVIEW_PAYMENT : REVIEW_INVOICE;
		row = r->payment_row ? r->payment_row : r->invoice_row;
	}
	if (!ui_prompt(ui, "note: ", text, sizeof text) || !text[0])
		return;
	pm_error_clear(&err);
	if (review_note(ui->st, target, row, text, &res, &err))
		ui_error(ui, &err);
	else
		ui_message(ui, false, "note saved to the audit log");
}

static void undo(struct view *v, struct ui *ui)
{
	struct review_result res;
	struct pm_error err;

	memset(&res, 0, sizeof res);
	pm_error_clear(&err);
	if (review_undo_last(ui->st, &res, &err)) {
		ui_error(ui, &err);
		return;
	}
	ui_message(ui, false, "undone: %s (u again undoes the one before)", res.action);
	after_decision(v, ui);
}

static void manual_match(struct view *v, struct ui *ui)
{
	struct table_view *tv = v->state;
	const struct browse_row *r = ui_table_selected(&tv->t);
	struct pm_error err;
	char summary[200] = "";
	int rc;

	if (!r || !r->payment_row) {
		ui_message(ui, false, "no payment on this row to match");
		return;
	}
	pm_error_clear(&err);
	rc = picker_run(ui, r->payment_row, r->exception_id, r->exception_version, summary,
	                sizeof summary, &err);
	if (rc == PM_EINTR) {
		ui_message(ui, false, "manual match cancelled");
	} else if (rc) {
		ui_error(ui, &err);
	} else {
		ui_message(ui, false, "%s (u undoes)", summary);
		after_decision(v, ui);
	}
}

static enum view_result exc_request(struct view *v, struct ui *ui, enum ui_request req)
{
	struct table_view *tv = v->state;

	if (!tv)
		return VIEW_UNHANDLED;
	switch (req) {
	case REQ_ACCEPT: decide(v, ui, true); break;
	case REQ_REJECT: decide(v, ui, false); break;
	case REQ_ACCEPT_MARKED: accept_marked(v, ui); break;
	case REQ_MARK: toggle_mark(v, ui); break;
	case REQ_UNMARK_ALL: tv->nmarks = 0; break;
	case REQ_WRITE_OFF: write_off(v, ui); break;
	case REQ_NOTE: add_note(v, ui); break;
	case REQ_UNDO: undo(v, ui); break;
	case REQ_MANUAL_MATCH: manual_match(v, ui); break;
	default: return table_view_request(v, ui, req);
	}
	return VIEW_HANDLED;
}

static void exc_status(struct view *v, struct ui *ui, char *buf, size_t n)
{
	struct table_view *tv = v->state;
	char rest[200];

	table_view_status(v, ui, rest, sizeof rest);
	if (tv && tv->nmarks)
		snprintf(buf, n, "%s  %zu marked", rest, tv->nmarks);
	else
		snprintf(buf, n, "%s", rest);
}

const struct view_ops VIEW_EXCEPTIONS = {
	.title = "Exceptions",
	.keys = &KM_CHAIN_EXCEPTIONS,
	.open = exc_open,
	.draw = table_view_draw,
	.on_request = exc_request,
	.reload = table_view_reload,
	.status = exc_status,
	.idle = table_view_idle,
	.hints = "a accept r reject m match w write-off c note u undo Space mark A accept marked",
	.free = table_view_free,
};
