/* The table widget's model, free of curses: a cursor over a pager that holds exactly one
 * screenful of rows and moves it with keyset queries (store_browse), never loading a whole
 * table. A key press costs at most one page fetch; moving inside the page costs none. */
#ifndef PAYMATCH_TABLE_H
#define PAYMATCH_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paymatch/error.h"

/* A paged row source (store_browse in the UI, a fake in tests). Each moving call fetches at
 * most one page; scroll clamps at both ends. */
struct table_pager {
	void *ctx;
	size_t (*nrows)(void *ctx);                 /* rows in the current page */
	bool (*at_end)(void *ctx);                  /* page holds the last row */
	int (*first)(void *ctx, struct pm_error *err);
	int (*last)(void *ctx, struct pm_error *err);
	int (*scroll)(void *ctx, int64_t delta, struct pm_error *err);
	int (*reload)(void *ctx, struct pm_error *err);
	int (*set_page_rows)(void *ctx, size_t n, struct pm_error *err);
	int (*count)(void *ctx, int64_t *out, struct pm_error *err);
	/* Optional: advances the count by ~budget_ms of work; *out = rows so far (a lower bound),
	 * *done when exact. When set, the model never counts at once: see table_model_recount. */
	int (*count_step)(void *ctx, int budget_ms, int64_t *out, bool *done,
	                  struct pm_error *err);
};

struct table_model {
	struct table_pager pg;
	int64_t total;         /* rows in the result (counted once per reset/reload); while
	                          counting, the previous count or the partial one */
	int64_t top;           /* absolute index of the page's first row; -1 after a search */
	int cursor;            /* selected row within the page */
	int height;            /* visible rows = page size (>= 1) */
	int fetches;           /* pager calls that read rows (tests and benchmarks count them) */
	bool count_stale;      /* total predates the last reload: recount when idle */
	bool counting;         /* total is not exact yet (pager with count_step) */
	bool total_known;      /* total was exact once since the last reset */
};

/* Sets m up over pg with height visible rows; reads nothing. */
void table_model_init(struct table_model *m, const struct table_pager *pg, int height);

/* Shows the first page (new sort or filter) and counts the rows. Returns 0 or error. */
int table_model_reset(struct table_model *m, struct pm_error *err);

/* As table_model_reset when the pager already shows its first page at the model's height
 * (it was just created, sorted or filtered): no page is read again. */
int table_model_restart(struct table_model *m, struct pm_error *err);

/* Re-reads the page from its first row and recounts, keeping the cursor's screen row:
 * when the selected row vanished (a decision), the next one is selected. */
int table_model_reload(struct table_model *m, struct pm_error *err);

/* As table_model_reload without the recount, so a decision answers at once; total is
 * marked stale until table_model_recount (the UI calls it when the keyboard is idle). */
int table_model_reload_page(struct table_model *m, struct pm_error *err);

/* Counts the rows again if the count is stale: at once, or with a count_step pager one
 * slice of about budget_ms (call again while count_stale). Returns 0 or error. */
int table_model_recount(struct table_model *m, struct pm_error *err);
int table_model_recount_step(struct table_model *m, int budget_ms, struct pm_error *err);

/* Moves the cursor by delta rows, clamped; scrolls when it leaves the page. */
int table_model_move(struct table_model *m, int64_t delta, struct pm_error *err);

/* Scrolls a page down (dir > 0) or up, keeping the cursor's screen row. */
int table_model_page(struct table_model *m, int dir, struct pm_error *err);

/* Moves to the first / last row. */
int table_model_first(struct table_model *m, struct pm_error *err);
int table_model_last(struct table_model *m, struct pm_error *err);

/* Changes the page size (resize), keeping the page's first row. */
int table_model_resize(struct table_model *m, int height, struct pm_error *err);

/* Records that the pager jumped to a search hit now at page row `row` (the page's absolute
 * position becomes unknown until first/last). */
void table_model_found(struct table_model *m, int row);

/* Records that the pager's page grew while idle (an incomplete page filling), with above
 * rows added before its former first row; at the end the cursor stays on its row. */
void table_model_grew(struct table_model *m, size_t above);

/* Returns the selected row's index in the page, or -1 when the table is empty. */
int table_model_selected(const struct table_model *m);

/* Returns the selected row's absolute index (0-based), or -1 when not known. */
int64_t table_model_position(const struct table_model *m);

#endif
