/* Inside the UI: the session (struct ui), the view interface every screen fills, the table
 * widget shared by the table screens, and the drawing/prompt helpers. A screen is one file
 * with a `const struct view_ops` and one line in ui.c's SCREENS list. This header stays free
 * of curses (only the .c files of src/ui include it): attributes travel as ui_attr. */
#ifndef PAYMATCH_VIEW_H
#define PAYMATCH_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "paymatch/cli.h"
#include "paymatch/keymap.h"
#include "paymatch/store_browse.h"
#include "paymatch/table.h"
#include "paymatch/theme.h"

struct view;
struct ui;

typedef unsigned long ui_attr;                 /* holds any curses attr_t */

/* What a request handler did. */
enum view_result {
	VIEW_UNHANDLED = 0,   /* let the UI handle it (global keys) */
	VIEW_HANDLED = 1,     /* done, redraw */
	VIEW_CLOSE = 2        /* pop this view */
};

struct view_ops {
	const char *title;                         /* "Exceptions" */
	const struct keymap_chain *keys;
	/* Creates v->state and loads the first page; 0 or error (err filled). */
	int (*open)(struct view *v, struct ui *ui, struct pm_error *err);
	/* Draws into the body rectangle (y, x, h, w). Never reads more than one page. */
	void (*draw)(struct view *v, struct ui *ui, int y, int x, int h, int w);
	/* Handles a request; may set ui messages. */
	enum view_result (*on_request)(struct view *v, struct ui *ui, enum ui_request req);
	/* Reloads from the working set (R, other sessions' commits, after decisions). */
	int (*reload)(struct view *v, struct ui *ui, struct pm_error *err);
	/* Writes the status line's left part ("row 3 of 1,204 · sort ↓amount"). */
	void (*status)(struct view *v, struct ui *ui, char *buf, size_t n);
	/* Optional: deferred work while no key is pending (a count or search slice, ≤ ~20 ms);
	 * returns true when the screen must be redrawn, and sets *more while work remains. */
	bool (*idle)(struct view *v, struct ui *ui, bool *more);
	/* The hint bar: the keys that matter here ("a accept  r reject ..."). */
	const char *hints;
	void (*free)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	void *state;
	int body_h, body_w;                        /* last drawn body size */
};

enum ui_screen {
	UI_DASHBOARD, UI_MATCHES, UI_EXCEPTIONS, UI_AGING, UI_INVOICES, UI_PAYMENTS,
	UI_NSCREENS
};

#define UI_STACK_MAX 8

struct ui {
	struct app *app;
	struct store *st;
	struct theme theme;
	ui_attr attr[TH_COUNT];                     /* resolved curses attributes per element */
	bool utf8;                                 /* locale is UTF-8: block chars, arrows */
	int colors;                                /* 0 = monochrome */
	struct view screens[UI_NSCREENS];          /* opened lazily, kept while switching */
	enum ui_screen current;
	struct view stack[UI_STACK_MAX];           /* pushed views (help, drill-down) */
	int depth;
	char message[256];                         /* transient status message */
	bool message_error;
	bool stale;                                /* another session committed */
	bool dashboard_dirty;                      /* a decision changed the figures */
	bool quit;
	int64_t data_seen;                         /* review_data_changed bookkeeping */
};

/* The screen set (data): titles and ops in key order 1..6. */
extern const struct view_ops VIEW_DASHBOARD, VIEW_MATCHES, VIEW_EXCEPTIONS, VIEW_AGING,
	VIEW_INVOICES, VIEW_PAYMENTS, VIEW_HELP, VIEW_CUSTOMER_INVOICES;

/* Sets the transient message (error colours when is_error). */
void ui_message(struct ui *ui, bool is_error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Shows err on the status line; a review conflict also marks the view for refresh. */
void ui_error(struct ui *ui, const struct pm_error *err);

/* Pushes view ops (e.g. help, drill-down) with state; returns 0 or error. */
int ui_push(struct ui *ui, const struct view_ops *ops, void *state, struct pm_error *err);

/* The view the user sees (top of the stack, else the current screen). */
struct view *ui_top(struct ui *ui);

/* Draws text at (y, x) in at most w cells, sanitised (controls, bidi) and cut by display
 * width; right-aligned when right; pads with spaces to w. */
void ui_put(struct ui *ui, int y, int x, int w, const char *text, bool right, ui_attr attr);

/* Fills w cells at (y, x) with spaces in attr. */
void ui_fill(int y, int x, int w, ui_attr attr);

/* Reads a line on the bottom line after label into buf (initial contents shown). Returns
 * true on Enter, false on Esc / Ctrl-C. */
bool ui_prompt(struct ui *ui, const char *label, char *buf, size_t n);

/* Asks a yes/no question on the bottom line; true only for y/Y. */
bool ui_confirm(struct ui *ui, const char *question);

/* Lets the user choose one of n items in a centred box; returns its index or -1. */
int ui_choose(struct ui *ui, const char *title, const char *const *items, int n);

/* Draws a horizontal bar of w cells filled to frac (0..1) with block characters (UTF-8)
 * or '#' (ASCII). */
void ui_bar(struct ui *ui, int y, int x, int w, double frac, ui_attr fill, ui_attr empty);

/* Formats an int64 with thousands separators. */
char *ui_count(int64_t v, char *buf, size_t n);

/* The table widget: a store_browse, the paging model, column layout, search and filter. */
struct ui_table {
	struct browse_params params;
	struct browse *b;
	struct table_model m;
	size_t col;                  /* column cursor (h/l) */
	size_t hscroll;              /* first column shown */
	char search[128];
	int search_dir;              /* a search continues when idle: 1 forward, -1 back, 0 none */
	int64_t idle_drawn_ns;       /* last redraw asked for by a count slice */
	char filter[128];
	bool (*is_marked)(void *ctx, const struct browse_row *r);
	void *mark_ctx;
};

/* Opens t over table with params (copied; filter/customer strings copied too). */
int ui_table_open(struct ui_table *t, struct ui *ui, const struct browse_params *p,
                  struct pm_error *err);

/* Frees t's browse. */
void ui_table_close(struct ui_table *t);

/* Draws header and rows into the rectangle; resizes the page to h-1 rows first. */
void ui_table_draw(struct ui_table *t, struct ui *ui, int y, int x, int h, int w);

/* Handles navigation, sorting, search and filter requests. */
enum view_result ui_table_request(struct ui_table *t, struct ui *ui, enum ui_request req);

/* Reloads keeping the position (the selected row vanished: the next one is selected). */
int ui_table_reload(struct ui_table *t, struct pm_error *err);

/* Re-reads the page only; the row count follows when the keyboard is idle. */
int ui_table_reload_page(struct ui_table *t, struct pm_error *err);

/* Returns the selected row, or NULL. */
const struct browse_row *ui_table_selected(const struct ui_table *t);

/* Idle work: the next slice of a search in progress or of the row count. Returns true when
 * the screen must be redrawn; *more tells that work remains (the UI then polls at once). */
bool ui_table_idle(struct ui_table *t, struct ui *ui, bool *more);

/* Writes "row N of M · sort ↓col · filter: x" into buf. */
void ui_table_status(const struct ui_table *t, struct ui *ui, char *buf, size_t n);

/* The detail pane's cache: what the selected row is about, loaded once per selection. */
struct ui_detail {
	int64_t payment_row, invoice_row;
	bool loaded;
	struct browse_item pay, inv;
	bool has_pay, has_inv;
	struct browse_candidate *cand;
	size_t ncand;
};

/* Draws the detail pane for row r (payment and invoice figures, candidates with their
 * explanations), loading it only when the selection changed. */
void ui_detail_draw(struct ui *ui, struct ui_detail *d, const struct browse_row *r, int y,
                    int x, int h, int w);

/* Forgets the loaded detail (after a reload) and frees it. */
void ui_detail_clear(struct ui_detail *d);

/* A table screen: the widget plus the detail pane and, on Exceptions, marks. */
struct table_view {
	struct ui_table t;
	bool detail;
	struct ui_detail d;
	void *marks;                 /* marked rows (Exceptions: struct mark) */
	size_t nmarks, amarks;
	char customer[64];           /* drill-down scope */
	char currency[4];
};

/* The shared table-screen callbacks; a screen file supplies params and its ops. */
int table_view_open(struct view *v, struct ui *ui, const struct browse_params *p,
                    struct pm_error *err);
void table_view_draw(struct view *v, struct ui *ui, int y, int x, int h, int w);
enum view_result table_view_request(struct view *v, struct ui *ui, enum ui_request req);
int table_view_reload(struct view *v, struct ui *ui, struct pm_error *err);
void table_view_status(struct view *v, struct ui *ui, char *buf, size_t n);
void table_view_free(struct view *v);
bool table_view_idle(struct view *v, struct ui *ui, bool *more);

/* Opens v as a table screen over table sorted by column name (else the first sortable). */
int table_view_open_table(struct view *v, struct ui *ui, enum browse_table table,
                          const char *sort, bool descending, struct pm_error *err);

/* The manual match picker for payment_row (resolving exception exc): returns 0 when saved
 * (res filled), PM_EINTR when cancelled, or an error. */
int picker_run(struct ui *ui, int64_t payment_row, int64_t exc_id, int64_t exc_version,
               char *summary, size_t n, struct pm_error *err);

/* Runs the import of start's files and a match on the progress screen. Returns 0,
 * PM_EINTR when cancelled (nothing changed), or an error. */
struct ui_start;
int view_progress_run(struct ui *ui, const struct ui_start *start, struct pm_error *err);

#endif
