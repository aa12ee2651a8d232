/* Printing errors once, usage errors, opening the working set. */
#include <stdarg.h>
#include <stdio.h>

#include "paymatch/cli.h"

void cli_print_error(const struct pm_error *err)
{
	fprintf(stderr, "paymatch: %s\n", err->msg[0] ? err->msg : "unknown error");
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("paymatch: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'paymatch --help'.\n", stderr);
	return PM_EUSAGE;
}

int cli_open_store(struct app *app, int flags, struct store **out, struct pm_error *err)
{
	return store_open(app->db_path, flags, app->cfg->performance.busy_timeout_ms, out, err);
}
