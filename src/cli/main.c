/* paymatch: global options, then one command from the table. */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paymatch/cli.h"
#include "paymatch/version.h"

enum { OPT_PROGRESS = 256, OPT_NO_TUI, OPT_VERSION, OPT_THEME, OPT_INVOICES, OPT_PAYMENTS };

static const struct option GLOBAL_OPTIONS[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "config", required_argument, NULL, 'c' },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "quiet", no_argument, NULL, 'q' },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-tui", no_argument, NULL, OPT_NO_TUI },
	{ "invoices", required_argument, NULL, OPT_INVOICES },   /* the UI's files (cmd_ui.c) */
	{ "payments", required_argument, NULL, OPT_PAYMENTS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static void print_help(FILE *out)
{
	fprintf(out,
	        "Usage: paymatch [OPTIONS] [COMMAND [ARGS]]\n"
	        "       paymatch [OPTIONS] [FILE...] [--invoices F] [--payments F]\n"
	        "                (full-screen UI; the files are imported and matched first)\n"
	        "\nMatch bank payments to ERP invoices in a local SQLite working set.\n"
	        "\nCommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-58s %s\n", COMMANDS[i].synopsis, COMMANDS[i].summary);
	fprintf(out,
	        "\nOptions:\n"
	        "  --db FILE        working set (default: $PAYMATCH_DB, else ./paymatch.db)\n"
	        "  --config FILE    configuration (default: $XDG_CONFIG_HOME/paymatch/config.yaml)\n"
	        "  --theme NAME     UI theme (default, dark, light, high-contrast, mono) or a path\n"
	        "  --progress       show progress even when stderr is not a terminal\n"
	        "  -q, --quiet      print only errors\n"
	        "  --no-tui         never open the full-screen UI\n"
	        "  -h, --help       show this help;  --version  show the version\n"
	        "\nExit status: 0 ok, 2 usage, 65 bad data, 66 missing input, 74 I/O error,\n"
	        "75 working set busy, 78 bad configuration, 130 interrupted. See paymatch(1).\n");
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(COMMANDS[i].name, name) == 0)
			return &COMMANDS[i];
	return NULL;
}

/* --invoices/--payments before any command: the UI's files, handed on to cmd_ui. */
struct ui_files {
	const char *invoices, *payments;
};

static int parse_globals(struct app *app, struct ui_files *files, int argc, char **argv)
{
	int c;

	/* '+': stop at the first non-option, so each command parses its own options. */
	while ((c = getopt_long(argc, argv, "+d:c:qh", GLOBAL_OPTIONS, NULL)) != -1) {
		switch (c) {
		case 'd': app->db_path = optarg; break;
		case 'c': app->config_path = optarg; break;
		case OPT_THEME: app->theme = optarg; break;
		case 'q': app->quiet = true; break;
		case OPT_PROGRESS: app->progress = true; break;
		case OPT_NO_TUI: app->no_tui = true; break;
		case OPT_INVOICES: files->invoices = optarg; break;
		case OPT_PAYMENTS: files->payments = optarg; break;
		case 'h': print_help(stdout); return -1;
		case OPT_VERSION: printf("paymatch %s\n", PAYMATCH_VERSION); return -1;
		default: return PM_EUSAGE;
		}
	}
	return 0;
}

/* Runs the UI with the files as `paymatch ui --invoices F --payments F ARGS...` would. */
static int run_ui_with_files(struct app *app, const struct ui_files *files, int argc,
                             char **argv)
{
	char **v = calloc((size_t)argc + 6, sizeof *v);
	int n = 0, rc;

	if (!v) {
		fputs("paymatch: out of memory\n", stderr);
		return PM_ESOFTWARE;
	}
	v[n++] = (char *)"ui";
	if (files->invoices) {
		v[n++] = (char *)"--invoices";
		v[n++] = (char *)files->invoices;
	}
	if (files->payments) {
		v[n++] = (char *)"--payments";
		v[n++] = (char *)files->payments;
	}
	for (int i = 0; i < argc; i++)
		v[n++] = argv[i];
	rc = cmd_ui(app, n, v);
	free(v);
	return rc;
}

int main(int argc, char **argv)
{
	struct app app = { .argv0 = argv[0] };
	struct ui_files files = { NULL, NULL };
	struct pm_error err;
	const struct command *cmd;
	int rc;

	setlocale(LC_ALL, "");
	pm_error_clear(&err);
	rc = parse_globals(&app, &files, argc, argv);
	if (rc)
		return rc < 0 ? 0 : cli_usage_error("unknown option");
	app.db_path = store_default_path(app.db_path);
	app.cfg = config_new();
	if (!app.cfg) {
		fputs("paymatch: out of memory\n", stderr);
		return PM_ESOFTWARE;
	}
	if (config_load_default(app.cfg, app.config_path, &err)) {
		cli_print_error(&err);
		config_free(app.cfg);
		return err.code;
	}
	cli_signals_install();
	argc -= optind;
	argv += optind;
	/* No command, or file arguments: the full-screen UI (it handles --no-tui itself). */
	cmd = argc > 0 ? find_command(argv[0]) : NULL;
	if ((files.invoices || files.payments) && cmd && strcmp(cmd->name, "ui") != 0)
		rc = cli_usage_error("--invoices/--payments open the UI; with '%s' use "
		                     "'paymatch import invoices|payments FILE'", cmd->name);
	else if (files.invoices || files.payments)
		rc = run_ui_with_files(&app, &files, cmd ? argc - 1 : argc, cmd ? argv + 1 : argv);
	else if (cmd)
		rc = cmd->run(&app, argc, argv);
	else if (argc > 0 && access(argv[0], F_OK) != 0 && !strchr(argv[0], '/') &&
	         !strchr(argv[0], '.'))
		rc = cli_usage_error("unknown command '%s'", argv[0]);
	else
		rc = cmd_ui(&app, argc, argv);
	config_free(app.cfg);
	return rc;
}
