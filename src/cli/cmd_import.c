/* paymatch import invoices|payments [--strict] [--profile P] [--dry-run] [--force] FILE...
 * One transaction per file; bad rows on stderr (the first 20, then a count); one summary
 * line per file on stdout; a progress bar on stderr while a file loads. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "paymatch/cli.h"
#include "paymatch/csv_import.h"
#include "paymatch/thread.h"

enum { OPT_STRICT = 256, OPT_PROFILE, OPT_DRY_RUN, OPT_FORCE };

static const struct option IMPORT_OPTIONS[] = {
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Redraws the bar from another thread while the main thread imports. */
struct drawer {
	struct progress_bar bar;
	struct pm_progress *prog;
	const char *label;
};

static void *draw_loop(void *arg)
{
	struct drawer *d = arg;
	struct timespec tick = { 0, 100000000L };

	while (!atomic_load(&d->prog->finished)) {
		progress_bar_draw(&d->bar, d->label, atomic_load(&d->prog->done),
		                  atomic_load(&d->prog->total), false);
		nanosleep(&tick, NULL);
	}
	return NULL;
}

static void print_usage(FILE *out)
{
	fputs("Usage: paymatch import invoices|payments [--strict] [--profile NAME] [--dry-run] "
	      "[--force] FILE...\n"
	      "  --strict        refuse a whole file when any row is bad\n"
	      "  --profile NAME  read the files with import profile NAME (see docs/FORMATS.md)\n"
	      "  --dry-run       check the files and report, keep nothing\n"
	      "  --force         read a file even when it was imported unchanged before\n", out);
}

static void print_problems(const struct import_result *res, const char *path)
{
	for (size_t i = 0; i < res->nmessages; i++)
		fprintf(stderr, "%s\n", res->messages[i]);
	if (res->nproblems > (int64_t)res->nmessages)
		fprintf(stderr, "%s: ... and %lld more problem rows (paymatch report import-errors "
		        "lists them all)\n", path, (long long)(res->nproblems - (int64_t)res->nmessages));
}

static void print_summary(const struct import_result *res, const struct import_options *o)
{
	if (res->skipped_unchanged_file) {
		printf("%s: unchanged, skipped\n", o->path);
		return;
	}
	printf("%s%s: %lld rows: %lld inserted, %lld updated, %lld unchanged, %lld rejected, "
	       "%lld conflicted", o->path, o->dry_run ? " (dry run, nothing kept)" : "",
	       (long long)res->rows_read, (long long)res->inserted, (long long)res->updated,
	       (long long)res->unchanged, (long long)res->rejected, (long long)res->conflicted);
	if (res->skipped_rows)
		printf(", %lld debits skipped", (long long)res->skipped_rows);
	printf(" (%.2f s)\n", (double)res->duration_ms / 1000.0);
}

/* Imports one file with a progress bar when wanted; returns its status. */
static int import_one(struct app *app, struct store *st, const struct import_options *o,
                      struct import_result *res, struct pm_error *err)
{
	struct drawer d = { .prog = o->progress, .label = o->path };
	pthread_t tid;
	bool drawing;
	int rc;

	progress_init(o->progress);
	if (cli_signal_received())
		progress_request_cancel(o->progress);
	progress_bar_init(&d.bar, app);
	drawing = d.bar.enabled;
	if (drawing) {
		/* Signals must reach this thread, which owns the store, not the drawer. */
		drawing = pm_thread_start(&tid, draw_loop, &d) == 0;
	}
	rc = csv_import_file(st, app->cfg, o, res, err);
	atomic_store(&o->progress->finished, 1);
	if (drawing) {
		pthread_join(tid, NULL);
		progress_bar_finish(&d.bar);
	}
	return rc;
}

static int parse_args(int argc, char **argv, struct import_options *o, int *first)
{
	int c;

	optind = 0;   /* glibc: start over on the command's own arguments */
	while ((c = getopt_long(argc, argv, "h", IMPORT_OPTIONS, NULL)) != -1) {
		switch (c) {
		case OPT_STRICT: o->strict = true; break;
		case OPT_PROFILE: o->profile = optarg; break;
		case OPT_DRY_RUN: o->dry_run = true; break;
		case OPT_FORCE: o->force = true; break;
		case 'h': print_usage(stdout); return -1;
		default: return cli_usage_error("import: unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("import: say invoices or payments, then the files");
	o->kind = import_kind_from_name(argv[optind]);
	if (o->kind < 0)
		return cli_usage_error("import: '%s' is not invoices or payments", argv[optind]);
	if (optind + 1 >= argc)
		return cli_usage_error("import: no files given");
	*first = optind + 1;
	return 0;
}

int cmd_import(struct app *app, int argc, char **argv)
{
	struct import_options o = { 0 };
	struct import_result res;
	struct pm_progress prog;
	struct pm_error err;
	struct store *st;
	int first = 0, rc, worst = 0;

	rc = parse_args(argc, argv, &o, &first);
	if (rc)
		return rc < 0 ? 0 : rc;
	pm_error_clear(&err);
	if (cli_open_store(app, STORE_READWRITE, &st, &err)) {
		cli_print_error(&err);
		return err.code;
	}
	o.progress = &prog;
	progress_init(&prog);
	cli_signals_watch(st, &prog);
	import_result_init(&res);
	for (int i = first; i < argc && worst != PM_EINTR; i++) {
		o.path = argv[i];
		rc = cli_signal_received() ? pm_error_set(&err, PM_EINTR, "interrupted: %s not "
		                                          "imported", o.path) :
		     import_one(app, st, &o, &res, &err);
		if (!rc)
			print_problems(&res, o.path);
		if (!rc && !app->quiet)
			print_summary(&res, &o);
		if (rc) {
			cli_print_error(&err);
			if (!worst || rc == PM_EINTR)
				worst = rc;
		}
		fflush(stdout);
	}
	import_result_release(&res);
	cli_signals_watch(NULL, NULL);
	store_close(st);
	return worst;
}
