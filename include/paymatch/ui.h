/* The full-screen UI: entry points for the CLI. Only the UI thread touches curses. */
#ifndef PAYMATCH_UI_H
#define PAYMATCH_UI_H

#include <stddef.h>
#include <stdio.h>

#include "paymatch/cli.h"
#include "paymatch/error.h"

/* What to do before the dashboard opens: files to import (kind recognised from their
 * headers), or explicit --invoices / --payments files; then a match run. */
struct ui_start {
	char **files;
	size_t nfiles;
	const char *invoices;     /* NULL when not given */
	const char *payments;
};

/* Runs the UI on app's working set until the user quits. Returns 0, or an error status
 * with err filled (printed by the caller after curses has ended). */
int ui_run(struct app *app, const struct ui_start *start, struct pm_error *err);

/* Benchmark: runs the UI off-screen (80x24, output to a temporary file) on app's working
 * set, presses keys ("^f" = Ctrl-F) and writes the time to the dashboard and, per key, the
 * time and the bytes sent to the terminal to report.
 * Returns 0 or an error. */
int ui_bench(struct app *app, const char *keys, FILE *report, struct pm_error *err);

/* Prints the Markdown key reference generated from the binding table (the keys section of
 * docs/UI.md). Returns 0 or PM_ESOFTWARE (out of memory). */
int ui_print_keys(FILE *out);

#endif
