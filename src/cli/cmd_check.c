/* paymatch check: SQLite's integrity check, then the accounting invariants. Findings go to
 * stdout (one line each), the verdict to stderr; exit 0 when clean, 65 when an invariant
 * fails, 74 when the file itself is damaged. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "paymatch/cli.h"
#include "paymatch/store_report.h"

static int print_finding(void *ctx, const char *rule, const char *detail)
{
	(void)ctx;
	printf("%s: %s\n", rule, detail);
	return 0;
}

int cmd_check(struct app *app, int argc, char **argv)
{
	struct pm_error err;
	struct store *st;
	bool full = false;
	int64_t n;
	int rc;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("Usage: paymatch [--db FILE] check [--full]\n"
		       "Verifies the working set: SQLite integrity, then accounting invariants.\n"
		       "--full also checks every index against its table (slow on large sets).\n"
		       "Exit 0 when clean, 65 when an invariant fails, 74 when the file is damaged.\n");
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--full") == 0) {
		full = true;
		argc--;
		argv++;
	}
	if (argc > 1)
		return cli_usage_error("check: unexpected argument '%s'", argv[1]);
	pm_error_clear(&err);
	if ((rc = cli_open_store(app, STORE_READONLY, &st, &err)) != 0) {
		cli_print_error(&err);
		return rc;
	}
	if ((rc = store_check_integrity(st, full, &err)) != 0) {
		cli_print_error(&err);
		store_close(st);
		return rc;
	}
	n = store_check_invariants(st, print_finding, NULL, &err);
	store_close(st);
	if (fflush(stdout) != 0)
		return PM_EIO;
	if (n < 0) {
		cli_print_error(&err);
		return err.code ? err.code : PM_EIO;
	}
	if (n > 0) {
		fprintf(stderr, "paymatch: check: %lld invariant violation%s in %s\n", (long long)n,
		        n == 1 ? "" : "s", app->db_path);
		return PM_EDATA;
	}
	if (!app->quiet)
		fprintf(stderr, "paymatch: check: %s is consistent (integrity and accounting "
		        "invariants)\n", app->db_path);
	return 0;
}
