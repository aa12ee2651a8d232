/* The command table: one row per command; --help and the man page list come from it. */
#include "paymatch/cli.h"

const struct command COMMANDS[] = {
	{ "import", cmd_import,
	  "import invoices|payments [--strict] [--profile P] [--dry-run] [--force] FILE...",
	  "load CSV files into the working set" },
	{ "match", cmd_match, "match [--workers N]",
	  "match payments to invoices and print a summary" },
	{ "report", cmd_report,
	  "report KIND [--format text|csv|json] [--as-of D] [-o F]",
	  "summary, aging, exceptions, matches, customers, import-errors" },
	{ "config", cmd_config, "config show|keys|check FILE",
	  "print the effective configuration or all keys, or validate a file" },
	{ "check", cmd_check, "check [--full]", "verify the working set's integrity and accounting invariants" },
	{ "ui", cmd_ui, "ui [FILE...]", "open the full-screen UI (the default)" },
};

const size_t NCOMMANDS = sizeof COMMANDS / sizeof COMMANDS[0];
