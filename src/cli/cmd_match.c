/* paymatch match [--workers N] [--dry-run]: runs the matching engine in a thread while
 * this (main) thread draws the progress bar and receives the signals; prints the summary. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "paymatch/cli.h"
#include "paymatch/match.h"
#include "paymatch/thread.h"

enum { OPT_WORKERS = 256, OPT_DRY_RUN };

static const struct option MATCH_OPTIONS[] = {
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

struct match_job {
	struct store *st;
	const struct pm_config *cfg;
	struct match_options opt;
	struct pm_progress *prog;
	struct match_summary sum;
	struct pm_error err;
	int rc;
};

static void *match_thread(void *arg)
{
	struct match_job *j = arg;

	j->rc = match_run(j->st, j->cfg, &j->opt, j->prog, &j->sum, &j->err);
	atomic_store(&j->prog->finished, 1);
	return NULL;
}

static void print_usage(FILE *out)
{
	fputs("Usage: paymatch match [--workers N] [--dry-run]\n"
	      "  --workers N  scoring threads (default: performance.parallel_workers, 0 = CPUs)\n"
	      "  --dry-run    match and print the summary, write nothing\n", out);
}

static int parse_args(int argc, char **argv, struct match_options *o)
{
	int c;
	char *end;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", MATCH_OPTIONS, NULL)) != -1) {
		switch (c) {
		case OPT_WORKERS:
			o->workers = (int)strtol(optarg, &end, 10);
			if (*end || o->workers < 1 || o->workers > PM_MAX_WORKERS)
				return cli_usage_error("match: --workers wants 1..%d, not '%s'",
				                       PM_MAX_WORKERS, optarg);
			break;
		case OPT_DRY_RUN: o->dry_run = true; break;
		case 'h': print_usage(stdout); return -1;
		default: return cli_usage_error("match: unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("match: unexpected argument '%s'", argv[optind]);
	return 0;
}

static double pct(int64_t part, int64_t whole)
{
	return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

static void print_summary(const struct match_summary *s, bool dry_run)
{
	printf("matched %lld of %lld payments (%.1f%% by count, %.1f%% by amount), "
	       "%lld allocations%s\n", (long long)s->matched_payments, (long long)s->payments,
	       pct(s->matched_payments, s->payments), pct(s->matched_amount, s->payment_amount),
	       (long long)s->allocations, dry_run ? " (dry run, nothing written)" : "");
	printf("open invoices: %lld, workers: %d\n", (long long)s->invoices, s->workers);
	printf("by status:");
	for (int i = 0; i < MSTATUS_COUNT; i++)
		printf(" %s %lld", match_status_name(i), (long long)s->status_count[i]);
	printf("\nby rule:");
	for (int i = 0; i < RULE_COUNT; i++)
		if (s->rule_count[i])
			printf(" %s %lld", match_rule_name(i), (long long)s->rule_count[i]);
	printf("\nexceptions:");
	for (int i = 0; i < EXC_COUNT; i++)
		printf(" %s %lld", match_exc_name(i), (long long)s->exc_count[i]);
	printf("\ntime:");
	for (int i = 0; i < MSTAGE_COUNT; i++)
		printf(" %s %.2fs", match_stage_name(i), (double)s->stage_ns[i] / 1e9);
	printf("\n");
}

/* Draws the bar (10 times a second) until the engine thread says it finished, which it
 * notices within 10 ms: a 100 ms sleep added up to 0.1 s to every run. */
static void draw_until_done(struct app *app, struct pm_progress *prog)
{
	struct progress_bar bar;
	struct timespec tick = { 0, 10000000L };

	progress_bar_init(&bar, app);
	for (unsigned n = 0; !atomic_load(&prog->finished); n++) {
		if (bar.enabled && n % 10 == 0)
			progress_bar_draw_progress(&bar, prog, false);
		nanosleep(&tick, NULL);
	}
	if (bar.enabled)
		progress_bar_finish(&bar);
}

int cmd_match(struct app *app, int argc, char **argv)
{
	struct match_job j = { .cfg = app->cfg };
	struct pm_progress prog;
	pthread_t tid;
	int rc;

	rc = parse_args(argc, argv, &j.opt);
	if (rc)
		return rc < 0 ? 0 : rc;
	pm_error_clear(&j.err);
	if (cli_open_store(app, STORE_READWRITE, &j.st, &j.err)) {
		cli_print_error(&j.err);
		return j.err.code;
	}
	progress_init(&prog);
	j.prog = &prog;
	cli_signals_watch(j.st, &prog);
	if (cli_signal_received())
		progress_request_cancel(&prog);
	/* The engine thread and its workers block signals; this thread takes them. */
	rc = pm_thread_start(&tid, match_thread, &j);
	if (rc != 0)
		match_thread(&j);
	else {
		draw_until_done(app, &prog);
		pthread_join(tid, NULL);
	}
	cli_signals_watch(NULL, NULL);
	store_close(j.st);
	if (j.rc == PM_EINTR || (j.rc && cli_signal_received())) {
		fputs("paymatch: interrupted: previous results kept\n", stderr);
		return PM_EINTR;
	}
	if (j.rc) {
		cli_print_error(&j.err);
		return j.rc;
	}
	if (!app->quiet)
		print_summary(&j.sum, j.opt.dry_run);
	return 0;
}
