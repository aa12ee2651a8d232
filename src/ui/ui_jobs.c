/* Import and match jobs for the progress screen (run in a worker thread, no curses). */
#include <stdio.h>
#include <string.h>

#include "paymatch/csv_import.h"
#include "paymatch/match.h"
#include "paymatch/ui_jobs.h"

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The kind comes from --invoices/--payments, else from the file's header. */
static int run_import(struct app *app, const struct ui_job *job, struct pm_progress *p,
                      struct pm_error *err)
{
	struct import_options opt = { .path = job->path, .progress = p };
	struct import_result res;
	struct store *st = NULL;
	int rc;

	if (job->forced_kind)
		opt.kind = import_kind_from_name(job->forced_kind);
	else if (csv_import_detect_kind(job->path, app->cfg, &opt.kind, err))
		return err->code;
	if (cli_open_store(app, STORE_READWRITE, &st, err))
		return err->code;
	import_result_init(&res);
	rc = csv_import_file(st, app->cfg, &opt, &res, err);
	import_result_release(&res);
	store_close(st);
	return rc;
}

static int run_match(struct app *app, const struct ui_job *job, struct pm_progress *p,
                     struct pm_error *err)
{
	struct match_options opt = { .workers = 0 };
	struct match_summary sum;
	struct store *st = NULL;
	int rc;

	(void)job;
	if (cli_open_store(app, STORE_READWRITE, &st, err))
		return err->code;
	memset(&sum, 0, sizeof sum);
	rc = match_run(st, app->cfg, &opt, p, &sum, err);
	store_close(st);
	return rc;
}

static int add_import(struct ui_job *jobs, int n, int max, const char *path, const char *kind,
                      struct pm_error *err)
{
	if (n >= max - 1)
		return pm_error_set(err, PM_EUSAGE, "too many files (at most %d)", max - 1), -1;
	memset(&jobs[n], 0, sizeof jobs[n]);
	jobs[n].kind = UI_JOB_IMPORT;
	jobs[n].path = path;
	jobs[n].forced_kind = kind;
	jobs[n].run = run_import;
	snprintf(jobs[n].label, sizeof jobs[n].label, "import %s", base_name(path));
	return n + 1;
}

int ui_jobs_plan(const struct ui_start *start, struct ui_job *jobs, int max,
                 struct pm_error *err)
{
	int n = 0;

	if (!start)
		return 0;
	if (start->invoices && (n = add_import(jobs, n, max, start->invoices, "invoices", err)) < 0)
		return -1;
	if (start->payments && (n = add_import(jobs, n, max, start->payments, "payments", err)) < 0)
		return -1;
	for (size_t i = 0; i < start->nfiles; i++)
		if ((n = add_import(jobs, n, max, start->files[i], NULL, err)) < 0)
			return -1;
	if (n == 0)
		return 0;
	memset(&jobs[n], 0, sizeof jobs[n]);
	jobs[n].kind = UI_JOB_MATCH;
	jobs[n].run = run_match;
	snprintf(jobs[n].label, sizeof jobs[n].label, "match");
	return n + 1;
}
