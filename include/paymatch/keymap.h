/* Key bindings are data: one table of requests (long name + help) and one table of
 * bindings (context, key, request). The keymap lookup, the `?` help screen, docs/UI.md and
 * `paymatch ui --print-keys` are all generated from these two tables (after tig's request.h). */
#ifndef PAYMATCH_KEYMAP_H
#define PAYMATCH_KEYMAP_H

#include <stddef.h>
#include <stdio.h>

#include "paymatch/strbuf.h"

/* Everything a key can ask the UI to do. */
enum ui_request {
	REQ_NONE = 0,
	/* global */
	REQ_QUIT_VIEW, REQ_QUIT, REQ_BACK, REQ_HELP, REQ_NEXT_VIEW, REQ_PREV_VIEW,
	REQ_VIEW_DASHBOARD, REQ_VIEW_MATCHES, REQ_VIEW_EXCEPTIONS, REQ_VIEW_AGING,
	REQ_VIEW_INVOICES, REQ_VIEW_PAYMENTS, REQ_REFRESH, REQ_REDRAW,
	/* navigation in a table */
	REQ_MOVE_UP, REQ_MOVE_DOWN, REQ_COLUMN_LEFT, REQ_COLUMN_RIGHT, REQ_PAGE_UP,
	REQ_PAGE_DOWN, REQ_FIRST_ROW, REQ_LAST_ROW, REQ_SORT_PREV, REQ_SORT_NEXT,
	REQ_SORT_INVERT, REQ_SEARCH, REQ_SEARCH_NEXT, REQ_SEARCH_PREV, REQ_FILTER,
	/* browsing */
	REQ_ENTER, REQ_DETAIL,
	/* reviewing exceptions */
	REQ_ACCEPT, REQ_ACCEPT_MARKED, REQ_REJECT, REQ_MANUAL_MATCH, REQ_WRITE_OFF, REQ_NOTE,
	REQ_UNDO, REQ_MARK, REQ_UNMARK_ALL,
	/* manual match picker */
	REQ_PICK_ALLOCATE, REQ_PICK_AMOUNT, REQ_PICK_SCOPE, REQ_PICK_SAVE, REQ_PICK_CANCEL,
	/* progress screen */
	REQ_CANCEL,
	REQ_COUNT
};

/* Binding contexts. A view looks keys up in a chain of contexts, first match wins. */
enum keymap_context {
	KM_GLOBAL,      /* every screen */
	KM_NAV,         /* moving, sorting, searching and filtering in a table */
	KM_BROWSE,      /* table screens: drill down, detail pane */
	KM_REVIEW,      /* the Exceptions screen's decisions */
	KM_PICKER,      /* the manual match picker */
	KM_PROGRESS,    /* the import/match progress screen */
	KM_NCONTEXTS
};

#define KM_CHAIN_MAX 5

/* A view's lookup order, ended by KM_NCONTEXTS. */
struct keymap_chain {
	enum keymap_context ctx[KM_CHAIN_MAX];
};

extern const struct keymap_chain KM_CHAIN_DASHBOARD, KM_CHAIN_TABLE, KM_CHAIN_EXCEPTIONS,
	KM_CHAIN_PICKER, KM_CHAIN_HELP, KM_CHAIN_PROGRESS;

struct request_info {
	enum ui_request req;
	const char *name;        /* long name, e.g. "accept-marked" */
	const char *help;        /* one line */
};

struct key_binding {
	enum keymap_context ctx;
	int key;                 /* curses key code or character */
	enum ui_request req;
};

extern const struct request_info REQUESTS[];
extern const size_t NREQUESTS;
extern const struct key_binding BINDINGS[];
extern const size_t NBINDINGS;

/* Returns the request bound to key in chain, or REQ_NONE. */
enum ui_request keymap_lookup(const struct keymap_chain *chain, int key);

/* Returns the description of req, or NULL when unknown. */
const struct request_info *keymap_request(enum ui_request req);

/* Returns the request with long name, or REQ_NONE. */
enum ui_request keymap_request_by_name(const char *name);

/* Writes the display name of key ("j", "Down", "C-f", "S-Tab", "Space") into buf; returns buf. */
const char *keymap_key_name(int key, char *buf, size_t n);

/* Returns the display name of a context ("Global", "Reviewing exceptions"). */
const char *keymap_context_name(enum keymap_context ctx);

/* Appends all keys bound to req in ctx, comma-separated ("j, Down"); returns 0 or -1 (memory). */
int keymap_keys_for(enum keymap_context ctx, enum ui_request req, struct strbuf *out);

/* Appends the help text of chain: one section per context, one line per request
 * ("  j, Down        move-down        next row"). Returns 0 or -1 (out of memory). */
int keymap_help_text(const struct keymap_chain *chain, struct strbuf *out);

/* Appends the Markdown key reference of every context (the section of docs/UI.md between
 * the "keys:begin" and "keys:end" markers). Returns 0 or -1. */
int keymap_markdown(struct strbuf *out);

#endif
