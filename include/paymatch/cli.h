/* The command-line edge: global options, the command table, signals, stderr progress.
 * Errors are printed here, once. */
#ifndef PAYMATCH_CLI_H
#define PAYMATCH_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "paymatch/config.h"
#include "paymatch/progress.h"
#include "paymatch/store.h"

/* One invocation's state, passed to every command (no globals for session state). */
struct app {
	struct pm_config *cfg;
	const char *db_path;      /* resolved working-set path */
	const char *config_path;  /* --config, or NULL */
	const char *theme;        /* --theme, or NULL */
	bool quiet;               /* --quiet: only errors on stderr */
	bool progress;            /* --progress: progress even when stderr is not a terminal */
	bool no_tui;              /* --no-tui */
	const char *argv0;
};

typedef int (*command_fn)(struct app *app, int argc, char **argv);

struct command {
	const char *name;
	command_fn run;
	const char *synopsis;     /* "import invoices|payments [--strict] [--profile P] FILE..." */
	const char *summary;      /* one line for --help */
};

/* The command table (data: --help and the man page's command list come from it). */
extern const struct command COMMANDS[];
extern const size_t NCOMMANDS;

int cmd_import(struct app *app, int argc, char **argv);
int cmd_match(struct app *app, int argc, char **argv);
int cmd_report(struct app *app, int argc, char **argv);
int cmd_config(struct app *app, int argc, char **argv);
int cmd_check(struct app *app, int argc, char **argv);
/* Opens the full-screen UI; files (nfiles may be 0) are imported and matched first. */
int cmd_ui(struct app *app, int argc, char **argv);

/* Prints "paymatch: MESSAGE" on stderr (the one place errors are printed). */
void cli_print_error(const struct pm_error *err);

/* Prints a usage error naming the problem and the --help hint; returns PM_EUSAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Installs SIGINT/SIGTERM/SIGHUP handlers that only set a flag (and interrupt the store
 * registered with cli_signals_watch), and ignores SIGPIPE. */
void cli_signals_install(void);

/* Registers the store and progress that a signal should interrupt (NULLs to clear). */
void cli_signals_watch(struct store *st, struct pm_progress *prog);

/* Returns the signal number received since install, or 0. */
int cli_signal_received(void);

/* Opens the working set for app (read-only or read-write); prints nothing. */
int cli_open_store(struct app *app, int flags, struct store **out, struct pm_error *err);

/* A stderr progress bar: "label [#####.....] 45% 123,456 rows 89,012/s ETA 3s". */
struct progress_bar {
	bool enabled;             /* terminal, or --progress */
	bool tty;                 /* redraw in place (\r) vs plain lines every ~5 s */
	int64_t last_draw_ns;
	int64_t started_ns;
	int last_len;
};

/* Sets bar up for app's settings and stderr. */
void progress_bar_init(struct progress_bar *bar, const struct app *app);

/* Redraws bar with label, done of total (0 = unknown) if enough time has passed, or
 * always when force. */
void progress_bar_draw(struct progress_bar *bar, const char *label, int64_t done, int64_t total,
                       bool force);

/* Draws the current state of p (stage, overall and per-worker counts). */
void progress_bar_draw_progress(struct progress_bar *bar, const struct pm_progress *p, bool force);

/* Clears the bar's line (before printing a summary). */
void progress_bar_finish(struct progress_bar *bar);

#endif
