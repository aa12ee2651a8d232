/* paymatch config show|keys|check FILE: the effective configuration, the reference of
 * every key, and the validation of a file without running anything else. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "paymatch/cli.h"

/* Ends output to stdout: a closed pipe (`| head`) is a quiet normal end. */
static int finish_stdout(int rc)
{
	if (rc == PM_OK && fflush(stdout) != 0)
		rc = PM_EIO;
	if (rc == PM_EIO && errno == EPIPE)
		return PM_OK;
	if (rc == PM_EIO)
		fprintf(stderr, "paymatch: config: cannot write to standard output: %s\n",
		        strerror(errno));
	return rc;
}

static int config_show(struct app *app)
{
	int rc = config_print(app->cfg, stdout);

	if (rc == PM_ESOFTWARE) {
		fputs("paymatch: config: out of memory\n", stderr);
		return rc;
	}
	return finish_stdout(rc);
}

static int config_check(const char *path)
{
	struct pm_config *cfg = config_new();
	struct pm_error err;
	int rc;

	if (!cfg) {
		fputs("paymatch: out of memory\n", stderr);
		return PM_ESOFTWARE;
	}
	pm_error_clear(&err);
	rc = config_load_file(cfg, path, &err);
	if (rc)
		cli_print_error(&err);
	else
		printf("%s: ok\n", path);
	config_free(cfg);
	return rc ? rc : finish_stdout(PM_OK);
}

int cmd_config(struct app *app, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub)
		return cli_usage_error("config: missing subcommand (show, keys or check FILE)");
	if (strcmp(sub, "show") == 0 && argc == 2)
		return config_show(app);
	if (strcmp(sub, "keys") == 0 && argc == 2) {
		config_print_reference(stdout);
		return finish_stdout(ferror(stdout) ? PM_EIO : PM_OK);
	}
	if (strcmp(sub, "check") == 0 && argc == 3)
		return config_check(argv[2]);
	if (strcmp(sub, "check") == 0)
		return cli_usage_error("config check: expected one FILE");
	if (strcmp(sub, "show") == 0 || strcmp(sub, "keys") == 0)
		return cli_usage_error("config %s: unexpected argument '%s'", sub, argv[2]);
	return cli_usage_error("config: unknown subcommand '%s' (show, keys or check FILE)", sub);
}
