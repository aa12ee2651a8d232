/* The request and binding tables, and everything generated from them. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "paymatch/keymap.h"

#define CTRL(c) ((c) & 0x1f)
#define KEY_ESCAPE 27
#define KEY_TAB '\t'

const struct request_info REQUESTS[] = {
	{ REQ_QUIT_VIEW, "quit-view", "close the pane or screen; quit from the last one" },
	{ REQ_QUIT, "quit", "quit at once" },
	{ REQ_BACK, "back", "close the pane, prompt or screen (never quits)" },
	{ REQ_HELP, "help", "this help, generated from the key table" },
	{ REQ_NEXT_VIEW, "next-view", "next screen" },
	{ REQ_PREV_VIEW, "prev-view", "previous screen" },
	{ REQ_VIEW_DASHBOARD, "view-dashboard", "Dashboard" },
	{ REQ_VIEW_MATCHES, "view-matches", "Matches" },
	{ REQ_VIEW_EXCEPTIONS, "view-exceptions", "Exceptions (the review queue)" },
	{ REQ_VIEW_AGING, "view-aging", "Aging per customer" },
	{ REQ_VIEW_INVOICES, "view-invoices", "Invoices" },
	{ REQ_VIEW_PAYMENTS, "view-payments", "Payments" },
	{ REQ_REFRESH, "refresh", "reload from the working set (after another session's changes)" },
	{ REQ_REDRAW, "redraw", "repaint the whole terminal" },
	{ REQ_MOVE_UP, "move-up", "previous row" },
	{ REQ_MOVE_DOWN, "move-down", "next row" },
	{ REQ_COLUMN_LEFT, "column-left", "column cursor left (scrolls wide tables)" },
	{ REQ_COLUMN_RIGHT, "column-right", "column cursor right" },
	{ REQ_PAGE_UP, "page-up", "previous page" },
	{ REQ_PAGE_DOWN, "page-down", "next page" },
	{ REQ_FIRST_ROW, "first-row", "first row" },
	{ REQ_LAST_ROW, "last-row", "last row" },
	{ REQ_SORT_PREV, "sort-prev", "sort by the previous column" },
	{ REQ_SORT_NEXT, "sort-next", "sort by the next column" },
	{ REQ_SORT_INVERT, "sort-invert", "invert the sort order" },
	{ REQ_SEARCH, "search", "search rows for text" },
	{ REQ_SEARCH_NEXT, "search-next", "next search hit" },
	{ REQ_SEARCH_PREV, "search-prev", "previous search hit" },
	{ REQ_FILTER, "filter", "show only rows containing text (empty clears)" },
	{ REQ_ENTER, "enter", "drill down / open the detail pane" },
	{ REQ_DETAIL, "detail", "toggle the detail pane (explanation, candidates)" },
	{ REQ_ACCEPT, "accept", "accept the suggestion" },
	{ REQ_ACCEPT_MARKED, "accept-marked", "accept all marked rows (asks first)" },
	{ REQ_REJECT, "reject", "reject the suggestion (never proposed again)" },
	{ REQ_MANUAL_MATCH, "manual-match", "match by hand / split across invoices (picker)" },
	{ REQ_WRITE_OFF, "write-off", "write off the difference with a reason code" },
	{ REQ_NOTE, "note", "add a note to the audit log" },
	{ REQ_UNDO, "undo", "undo the last decision (repeatable)" },
	{ REQ_MARK, "mark", "mark or unmark the row" },
	{ REQ_UNMARK_ALL, "unmark-all", "clear all marks" },
	{ REQ_PICK_ALLOCATE, "pick-allocate", "allocate to the invoice (again: remove)" },
	{ REQ_PICK_AMOUNT, "pick-amount", "type the amount for the invoice" },
	{ REQ_PICK_SCOPE, "pick-scope", "this customer's invoices / all customers" },
	{ REQ_PICK_SAVE, "pick-save", "save the allocations" },
	{ REQ_PICK_CANCEL, "pick-cancel", "close the picker without saving" },
	{ REQ_CANCEL, "cancel", "cancel: the working set stays as it was" },
};

const size_t NREQUESTS = sizeof REQUESTS / sizeof REQUESTS[0];

const struct key_binding BINDINGS[] = {
	{ KM_GLOBAL, 'q', REQ_QUIT_VIEW },
	{ KM_GLOBAL, 'Q', REQ_QUIT },
	{ KM_GLOBAL, KEY_ESCAPE, REQ_BACK },
	{ KM_GLOBAL, '?', REQ_HELP },
	{ KM_GLOBAL, KEY_TAB, REQ_NEXT_VIEW },
	{ KM_GLOBAL, KEY_BTAB, REQ_PREV_VIEW },
	{ KM_GLOBAL, '1', REQ_VIEW_DASHBOARD },
	{ KM_GLOBAL, '2', REQ_VIEW_MATCHES },
	{ KM_GLOBAL, '3', REQ_VIEW_EXCEPTIONS },
	{ KM_GLOBAL, '4', REQ_VIEW_AGING },
	{ KM_GLOBAL, '5', REQ_VIEW_INVOICES },
	{ KM_GLOBAL, '6', REQ_VIEW_PAYMENTS },
	{ KM_GLOBAL, 'R', REQ_REFRESH },
	{ KM_GLOBAL, CTRL('l'), REQ_REDRAW },
	{ KM_NAV, 'k', REQ_MOVE_UP },
	{ KM_NAV, KEY_UP, REQ_MOVE_UP },
	{ KM_NAV, 'j', REQ_MOVE_DOWN },
	{ KM_NAV, KEY_DOWN, REQ_MOVE_DOWN },
	{ KM_NAV, 'h', REQ_COLUMN_LEFT },
	{ KM_NAV, KEY_LEFT, REQ_COLUMN_LEFT },
	{ KM_NAV, 'l', REQ_COLUMN_RIGHT },
	{ KM_NAV, KEY_RIGHT, REQ_COLUMN_RIGHT },
	{ KM_NAV, KEY_PPAGE, REQ_PAGE_UP },
	{ KM_NAV, CTRL('b'), REQ_PAGE_UP },
	{ KM_NAV, KEY_NPAGE, REQ_PAGE_DOWN },
	{ KM_NAV, CTRL('f'), REQ_PAGE_DOWN },
	{ KM_NAV, 'g', REQ_FIRST_ROW },
	{ KM_NAV, KEY_HOME, REQ_FIRST_ROW },
	{ KM_NAV, 'G', REQ_LAST_ROW },
	{ KM_NAV, KEY_END, REQ_LAST_ROW },
	{ KM_NAV, '<', REQ_SORT_PREV },
	{ KM_NAV, '>', REQ_SORT_NEXT },
	{ KM_NAV, 'I', REQ_SORT_INVERT },
	{ KM_NAV, '/', REQ_SEARCH },
	{ KM_NAV, 'n', REQ_SEARCH_NEXT },
	{ KM_NAV, 'N', REQ_SEARCH_PREV },
	{ KM_NAV, '\\', REQ_FILTER },
	{ KM_NAV, 'f', REQ_FILTER },
	{ KM_BROWSE, '\n', REQ_ENTER },
	{ KM_BROWSE, KEY_ENTER, REQ_ENTER },
	{ KM_BROWSE, 'd', REQ_DETAIL },
	{ KM_REVIEW, 'a', REQ_ACCEPT },
	{ KM_REVIEW, 'A', REQ_ACCEPT_MARKED },
	{ KM_REVIEW, 'r', REQ_REJECT },
	{ KM_REVIEW, 'm', REQ_MANUAL_MATCH },
	{ KM_REVIEW, 'w', REQ_WRITE_OFF },
	{ KM_REVIEW, 'c', REQ_NOTE },
	{ KM_REVIEW, 'u', REQ_UNDO },
	{ KM_REVIEW, ' ', REQ_MARK },
	{ KM_REVIEW, 'U', REQ_UNMARK_ALL },
	{ KM_PICKER, ' ', REQ_PICK_ALLOCATE },
	{ KM_PICKER, 'e', REQ_PICK_AMOUNT },
	{ KM_PICKER, 'c', REQ_PICK_SCOPE },
	{ KM_PICKER, '\n', REQ_PICK_SAVE },
	{ KM_PICKER, KEY_ENTER, REQ_PICK_SAVE },
	{ KM_PICKER, KEY_ESCAPE, REQ_PICK_CANCEL },
	{ KM_PICKER, 'q', REQ_PICK_CANCEL },
	{ KM_PROGRESS, KEY_ESCAPE, REQ_CANCEL },
	{ KM_PROGRESS, CTRL('c'), REQ_CANCEL },
	{ KM_PROGRESS, 'q', REQ_CANCEL },
};

const size_t NBINDINGS = sizeof BINDINGS / sizeof BINDINGS[0];

#define CHAIN_END KM_NCONTEXTS
const struct keymap_chain KM_CHAIN_DASHBOARD = { { KM_GLOBAL, CHAIN_END } };
const struct keymap_chain KM_CHAIN_TABLE = { { KM_BROWSE, KM_NAV, KM_GLOBAL, CHAIN_END } };
const struct keymap_chain KM_CHAIN_EXCEPTIONS = {
	{ KM_REVIEW, KM_BROWSE, KM_NAV, KM_GLOBAL, CHAIN_END } };
const struct keymap_chain KM_CHAIN_PICKER = { { KM_PICKER, KM_NAV, CHAIN_END } };
const struct keymap_chain KM_CHAIN_HELP = { { KM_NAV, KM_GLOBAL, CHAIN_END } };
const struct keymap_chain KM_CHAIN_PROGRESS = { { KM_PROGRESS, CHAIN_END } };

static const char *const CONTEXT_NAMES[KM_NCONTEXTS] = {
	[KM_GLOBAL] = "Everywhere",
	[KM_NAV] = "Moving, sorting, searching (tables)",
	[KM_BROWSE] = "Table screens",
	[KM_REVIEW] = "Reviewing (Exceptions screen)",
	[KM_PICKER] = "Manual match picker",
	[KM_PROGRESS] = "Import and match progress",
};

enum ui_request keymap_lookup(const struct keymap_chain *chain, int key)
{
	for (int c = 0; c < KM_CHAIN_MAX && chain->ctx[c] != CHAIN_END; c++)
		for (size_t i = 0; i < NBINDINGS; i++)
			if (BINDINGS[i].ctx == chain->ctx[c] && BINDINGS[i].key == key)
				return BINDINGS[i].req;
	return REQ_NONE;
}

const struct request_info *keymap_request(enum ui_request req)
{
	for (size_t i = 0; i < NREQUESTS; i++)
		if (REQUESTS[i].req == req)
			return &REQUESTS[i];
	return NULL;
}

enum ui_request keymap_request_by_name(const char *name)
{
	for (size_t i = 0; i < NREQUESTS; i++)
		if (strcmp(REQUESTS[i].name, name) == 0)
			return REQUESTS[i].req;
	return REQ_NONE;
}

static const struct {
	int key;
	const char *name;
} KEY_NAMES[] = {
	{ KEY_UP, "Up" }, { KEY_DOWN, "Down" }, { KEY_LEFT, "Left" }, { KEY_RIGHT, "Right" },
	{ KEY_PPAGE, "PgUp" }, { KEY_NPAGE, "PgDn" }, { KEY_HOME, "Home" }, { KEY_END, "End" },
	{ KEY_BTAB, "S-Tab" }, { KEY_ENTER, "KpEnter" }, { '\n', "Enter" }, { KEY_TAB, "Tab" },
	{ KEY_ESCAPE, "Esc" }, { ' ', "Space" },
};

const char *keymap_key_name(int key, char *buf, size_t n)
{
	for (size_t i = 0; i < sizeof KEY_NAMES / sizeof KEY_NAMES[0]; i++)
		if (KEY_NAMES[i].key == key) {
			snprintf(buf, n, "%s", KEY_NAMES[i].name);
			return buf;
		}
	if (key > 0 && key < 0x20)
		snprintf(buf, n, "C-%c", key + 'a' - 1);
	else if (key > 0x20 && key < 0x7f)
		snprintf(buf, n, "%c", key);
	else
		snprintf(buf, n, "key-%d", key);
	return buf;
}

const char *keymap_context_name(enum keymap_context ctx)
{
	return ctx < KM_NCONTEXTS ? CONTEXT_NAMES[ctx] : "?";
}

int keymap_keys_for(enum keymap_context ctx, enum ui_request req, struct strbuf *out)
{
	char name[32];
	int n = 0;

	for (size_t i = 0; i < NBINDINGS; i++) {
		if (BINDINGS[i].ctx != ctx || BINDINGS[i].req != req)
			continue;
		if ((n++ && strbuf_addstr(out, ", ")) ||
		    strbuf_addstr(out, keymap_key_name(BINDINGS[i].key, name, sizeof name)))
			return -1;
	}
	return 0;
}

/* Requests of ctx in table order, each once: the order of REQUESTS is the help's order. */
static int context_lines(enum keymap_context ctx, const char *fmt, struct strbuf *out)
{
	struct strbuf keys = STRBUF_INIT;
	int rc = 0;

	for (size_t r = 0; r < NREQUESTS && !rc; r++) {
		strbuf_reset(&keys);
		if (keymap_keys_for(ctx, REQUESTS[r].req, &keys)) {
			rc = -1;
			break;
		}
		if (keys.len == 0)
			continue;
		rc = strbuf_addf(out, fmt, strbuf_str(&keys), REQUESTS[r].name, REQUESTS[r].help);
	}
	strbuf_release(&keys);
	return rc;
}

int keymap_help_text(const struct keymap_chain *chain, struct strbuf *out)
{
	for (int c = 0; c < KM_CHAIN_MAX && chain->ctx[c] != CHAIN_END; c++) {
		if (c && strbuf_addch(out, '\n'))
			return -1;
		if (strbuf_addf(out, "%s\n", keymap_context_name(chain->ctx[c])) ||
		    context_lines(chain->ctx[c], "  %-16s %-17s %s\n", out))
			return -1;
	}
	return 0;
}

int keymap_markdown(struct strbuf *out)
{
	for (int c = 0; c < KM_NCONTEXTS; c++) {
		if (strbuf_addf(out, "\n### %s\n\n| keys | name | what it does |\n|---|---|---|\n",
		                keymap_context_name((enum keymap_context)c)) ||
		    context_lines((enum keymap_context)c, "| `%s` | %s | %s |\n", out))
			return -1;
	}
	return 0;
}
