/* The manual match picker: open invoices of the payment's customer (or of every customer),
 * amounts allocated line by line with the remainder always shown, saved as one decision
 * (review_manual; several lines = a split). A modal loop of its own over the table widget. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paymatch/money.h"
#include "paymatch/review.h"
#include "paymatch/view.h"

#define PICK_MAX 32

struct pick_line {
	struct review_line line;
	char invoice_id[64];
};

struct picker {
	struct browse_item pay;
	struct ui_table t;
	bool all_customers;
	struct pick_line lines[PICK_MAX];
	size_t n;
	int64_t exc_id, exc_version;
};

static int64_t allocated(const struct picker *p)
{
	int64_t sum = 0;

	for (size_t i = 0; i < p->n; i++)
		sum += p->lines[i].line.amount;
	return sum;
}

static int open_table(struct picker *p, struct ui *ui, struct pm_error *err)
{
	struct browse_params bp = { .table = BROWSE_PICKER };
	int c = browse_table_find_column(BROWSE_PICKER, "amount");

	bp.sort_column = c >= 0 && browse_table_column(BROWSE_PICKER, (size_t)c)->sortable ?
	                 (size_t)c : 0;
	bp.customer_id = p->all_customers || !p->pay.customer_id[0] ? NULL : p->pay.customer_id;
	bp.currency = p->pay.currency;
	ui_table_close(&p->t);
	memset(&p->t, 0, sizeof p->t);
	return ui_table_open(&p->t, ui, &bp, err);
}

static void draw_header(struct picker *p, struct ui *ui, int y)
{
	char line[512], a[40], b[40], c[40];

	snprintf(line, sizeof line, " Manual match: payment %s  %s  %s %s  unapplied %s",
	         p->pay.id, p->pay.name, browse_format_amount(p->pay.amount, p->pay.currency, a,
	                                                    sizeof a),
	         p->pay.currency, browse_format_amount(p->pay.open, p->pay.currency, b, sizeof b));
	ui_put(ui, y, 0, COLS, line, false, ui->attr[TH_TITLE]);
	snprintf(line, sizeof line, " Allocated %s   Remainder %s %s   Invoices of: %s",
	         browse_format_amount(allocated(p), p->pay.currency, a, sizeof a),
	         browse_format_amount(p->pay.open - allocated(p), p->pay.currency, c, sizeof c),
	         p->pay.currency, p->all_customers || !p->pay.customer_id[0] ? "all customers" :
	         p->pay.customer_id);
	ui_put(ui, y + 1, 0, COLS, line, false, ui->attr[TH_STATUS]);
}

static void draw_lines(struct picker *p, struct ui *ui, int y, int h)
{
	char line[256], a[40];

	ui_put(ui, y, 0, COLS, " Allocations (Space adds/removes, e sets the amount)", false,
	       ui->attr[TH_HEADER]);
	for (size_t i = 0; i < p->n && (int)i < h - 1; i++) {
		snprintf(line, sizeof line, "   %-20s %s %s", p->lines[i].invoice_id,
		         browse_format_amount(p->lines[i].line.amount, p->pay.currency, a, sizeof a),
		         p->pay.currency);
		ui_put(ui, y + 1 + (int)i, 0, COLS, line, false, ui->attr[TH_DETAIL]);
	}
}

static void draw(struct picker *p, struct ui *ui, const char *msg, bool is_error)
{
	char status[256];
	int lines_h = (int)p->n + 2 < 6 ? (int)p->n + 2 : 6;
	int table_h = LINES - 4 - lines_h;

	erase();
	draw_header(p, ui, 0);
	ui_table_draw(&p->t, ui, 2, 0, table_h, COLS);
	draw_lines(p, ui, 2 + table_h, lines_h);
	ui_table_status(&p->t, ui, status, sizeof status);
	ui_put(ui, LINES - 2, 0, COLS, msg && *msg ? msg : status, false,
	       is_error ? ui->attr[TH_ERROR] : ui->attr[TH_STATUS]);
	ui_put(ui, LINES - 1, 0, COLS, " Space allocate  e amount  c this customer/all  / search"
	       "  Enter save  Esc cancel", false, ui->attr[TH_HINT]);
	wnoutrefresh(stdscr);
	doupdate();
}

static int64_t invoice_row_of(const struct browse_row *r)
{
	return r->invoice_row ? r->invoice_row : r->id;
}

static int find_line(const struct picker *p, int64_t invoice_row)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->lines[i].line.invoice_row == invoice_row)
			return (int)i;
	return -1;
}

/* Adds (or replaces) a line for the selected invoice; amount < 0: as much as fits. */
static const char *allocate(struct picker *p, struct ui *ui, int64_t amount)
{
	const struct browse_row *r = ui_table_selected(&p->t);
	struct browse_item inv;
	struct pm_error err;
	int i;
	int64_t room;

	pm_error_clear(&err);
	if (!r || browse_invoice(ui->st, invoice_row_of(r), &inv, &err))
		return "no invoice selected";
	i = find_line(p, inv.row);
	room = p->pay.open - allocated(p) + (i >= 0 ? p->lines[i].line.amount : 0);
	if (amount < 0)
		amount = inv.open < room ? inv.open : room;
	if (amount <= 0)
		return "nothing left to allocate";
	if (i < 0) {
		if (p->n == PICK_MAX)
			return "too many lines";
		i = (int)p->n++;
	}
	p->lines[i].line.invoice_row = inv.row;
	p->lines[i].line.amount = amount;
	snprintf(p->lines[i].invoice_id, sizeof p->lines[i].invoice_id, "%s", inv.id);
	return NULL;
}

static const char *toggle(struct picker *p, struct ui *ui)
{
	const struct browse_row *r = ui_table_selected(&p->t);
	int i = r ? find_line(p, invoice_row_of(r)) : -1;

	if (i < 0)
		return allocate(p, ui, -1);
	p->lines[i] = p->lines[--p->n];
	return NULL;
}

static const char *ask_amount(struct picker *p, struct ui *ui, char *msg, size_t n)
{
	char buf[64] = "";
	const char *why;
	int64_t amount;
	int dec = money_currency_decimals(p->pay.currency);

	if (!ui_prompt(ui, "amount for this invoice: ", buf, sizeof buf))
		return NULL;
	if (money_parse(buf, strlen(buf), dec < 0 ? 2 : dec, &MONEY_FORMAT_DEFAULT, &amount, NULL,
	                &why)) {
		snprintf(msg, n, "amount '%s': %s", buf, why);
		return msg;
	}
	return allocate(p, ui, amount);
}

static int save(struct picker *p, struct ui *ui, int64_t payment_row, char *summary, size_t n,
                struct pm_error *err)
{
	struct review_line lines[PICK_MAX];
	struct review_result res;
	char a[40];

	if (p->n == 0 && allocate(p, ui, -1))
		return pm_error_set(err, PM_EDATA, "choose an invoice first (Space)");
	for (size_t i = 0; i < p->n; i++)
		lines[i] = p->lines[i].line;
	memset(&res, 0, sizeof res);
	if (review_manual(ui->st, payment_row, lines, p->n,
	                  (struct review_ref){ p->exc_id, p->exc_version }, NULL, &res, err))
		return err->code;
	snprintf(summary, n, "matched payment %s to %zu invoice(s), remainder %s %s", p->pay.id,
	         p->n, browse_format_amount(res.remainder, p->pay.currency, a, sizeof a),
	         p->pay.currency);
	return 0;
}

/* One key: returns 1 to leave (rc set), 0 to go on. */
static int picker_key(struct picker *p, struct ui *ui, int ch, int64_t payment_row,
                      char *summary, size_t n, char *msg, size_t mn, int *rc,
                      struct pm_error *err)
{
	enum ui_request req = keymap_lookup(&KM_CHAIN_PICKER, ch);
	const char *problem = NULL;

	msg[0] = 0;
	switch (req) {
	case REQ_PICK_CANCEL: *rc = PM_EINTR; return 1;
	case REQ_PICK_ALLOCATE: problem = toggle(p, ui); break;
	case REQ_PICK_AMOUNT: problem = ask_amount(p, ui, msg, mn); break;
	case REQ_PICK_SCOPE:
		p->all_customers = !p->all_customers;
		if (open_table(p, ui, err)) {
			*rc = err->code;
			return 1;
		}
		break;
	case REQ_PICK_SAVE:
		*rc = save(p, ui, payment_row, summary, n, err);
		if (*rc == 0 || *rc != PM_EDATA)
			return 1;
		snprintf(msg, mn, "%.200s", err->msg);
		return 0;
	case REQ_NONE:
		if (ch == 3) {
			*rc = PM_EINTR;
			return 1;
		}
		break;
	default:
		ui_table_request(&p->t, ui, req);
		if (ui->message[0]) {
			snprintf(msg, mn, "%s", ui->message);
			ui->message[0] = 0;
		}
		break;
	}
	if (problem && problem != msg)
		snprintf(msg, mn, "%s", problem);
	return 0;
}

int picker_run(struct ui *ui, int64_t payment_row, int64_t exc_id, int64_t exc_version,
               char *summary, size_t n, struct pm_error *err)
{
	struct picker *p = calloc(1, sizeof *p);
	char msg[256] = "";
	int rc = 0;

	if (!p)
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	p->exc_id = exc_id;
	p->exc_version = exc_version;
	if (browse_payment(ui->st, payment_row, &p->pay, err) || open_table(p, ui, err)) {
		rc = err->code;
		goto out;
	}
	for (;;) {
		bool more = false;
		int ch;

		draw(p, ui, msg, msg[0] != 0);
		ch = getch();
		if (ch == ERR)               /* the count, a page fill or a search goes on */
			ui_table_idle(&p->t, ui, &more);
		timeout(more ? 0 : 200);     /* idle work left: poll, else wait for a key */
		if (ui->message[0]) {
			snprintf(msg, sizeof msg, "%s", ui->message);
			ui->message[0] = 0;
		}
		if (ch == ERR || ch == KEY_RESIZE)
			continue;
		if (cli_signal_received()) {
			rc = PM_EINTR;
			break;
		}
		if (picker_key(p, ui, ch, payment_row, summary, n, msg, sizeof msg, &rc, err))
			break;
	}
out:
	timeout(200);
	ui_table_close(&p->t);
	free(p);
	return rc;
}
