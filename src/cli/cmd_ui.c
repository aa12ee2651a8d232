/* paymatch [ui] [--invoices F] [--payments F] [FILE...]: the full-screen UI (main.c routes
 * `paymatch FILE...` and `paymatch --invoices F --payments F` here too). Without a
 * terminal (or with --no-tui) it says so and names the headless commands. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paymatch/cli.h"
#include "paymatch/ui.h"

enum { OPT_INVOICES = 256, OPT_PAYMENTS, OPT_PRINT_KEYS, OPT_BENCH_KEYS };

static const struct option UI_OPTIONS[] = {
	{ "invoices", required_argument, NULL, OPT_INVOICES },
	{ "payments", required_argument, NULL, OPT_PAYMENTS },
	{ "print-keys", no_argument, NULL, OPT_PRINT_KEYS },   /* hidden: docs/UI.md keys */
	{ "bench-keys", required_argument, NULL, OPT_BENCH_KEYS }, /* hidden: benchmark */
	{ NULL, 0, NULL, 0 }
};

static int no_terminal(const struct app *app)
{
	fprintf(stderr, "paymatch: the full-screen UI needs a terminal%s.\n"
	        "Headless commands: 'paymatch import invoices|payments FILE...', "
	        "'paymatch match', 'paymatch report summary' (see 'paymatch --help').\n",
	        app->no_tui ? " (--no-tui was given)" : " (stdin and stdout must be a tty)");
	return PM_EUSAGE;
}

/* argv[0] is "ui" when run as a command (main.c also hands --invoices/--payments given
 * before any command this way); else argv holds the files (`paymatch FILE...`), which may
 * be mixed with the options. */
static int parse(int argc, char **argv, char **buf, struct ui_start *start, bool *print_keys,
                 const char **bench)
{
	int c;

	if (argc == 0 || strcmp(argv[0], "ui") != 0) {
		/* getopt needs a program name in argv[0]: prepend one. */
		buf[0] = (char *)"ui";
		memcpy(buf + 1, argv, (size_t)argc * sizeof *argv);
		argv = buf;
		argc++;
	}
	optind = 0;   /* glibc: 0 re-initialises, dropping main's "+" (stop at a file) mode */
	while ((c = getopt_long(argc, argv, "", UI_OPTIONS, NULL)) != -1) {
		switch (c) {
		case OPT_INVOICES: start->invoices = optarg; break;
		case OPT_PAYMENTS: start->payments = optarg; break;
		case OPT_PRINT_KEYS: *print_keys = true; break;
		case OPT_BENCH_KEYS: *bench = optarg; break;
		default: return cli_usage_error("ui: unknown option (see 'paymatch --help')");
		}
	}
	start->files = argv + optind;
	start->nfiles = (size_t)(argc - optind);
	return 0;
}

/* After parsing: the keys list, the benchmark, or the UI itself. */
static int cmd_ui_start(struct app *app, const struct ui_start *startp, bool print_keys,
                        const char *bench)
{
	struct ui_start start = *startp;
	struct pm_error err;
	int rc;

	if (print_keys)
		return ui_print_keys(stdout);
	pm_error_clear(&err);
	if (bench) {
		rc = ui_bench(app, bench, stdout, &err);
		if (rc)
			cli_print_error(&err);
		return rc;
	}
	if (app->no_tui || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return no_terminal(app);
	rc = ui_run(app, &start, &err);
	if (rc && rc != PM_EINTR)
		cli_print_error(&err);
	return rc;
}

int cmd_ui(struct app *app, int argc, char **argv)
{
	struct ui_start start = { 0 };
	bool print_keys = false;
	const char *bench = NULL;
	char **buf = calloc((size_t)argc + 2, sizeof *buf);
	int rc;

	if (!buf) {
		fputs("paymatch: out of memory\n", stderr);
		return PM_ESOFTWARE;
	}
	rc = parse(argc, argv, buf, &start, &print_keys, &bench);
	if (rc == 0)
		rc = cmd_ui_start(app, &start, print_keys, bench);
	free(buf);
	return rc;
}
