/* The work the UI does before the dashboard when started with files: one import job per
 * file (kind recognised from its header), then one match job. Curses-free: the progress
 * screen runs each job in a worker thread and draws its counters. */
#ifndef PAYMATCH_UI_JOBS_H
#define PAYMATCH_UI_JOBS_H

#include "paymatch/cli.h"
#include "paymatch/progress.h"
#include "paymatch/ui.h"

#define UI_MAX_JOBS 34

enum ui_job_kind { UI_JOB_IMPORT, UI_JOB_MATCH };

struct ui_job {
	enum ui_job_kind kind;
	const char *path;            /* import: the file */
	const char *forced_kind;     /* import: "invoices"/"payments" from --invoices/--payments */
	char label[256];             /* "import invoices.csv" */
	/* Runs in the worker thread with its own working-set connection. Returns 0, PM_EINTR
	 * when cancelled (nothing of this job was kept), or an error with err filled. */
	int (*run)(struct app *app, const struct ui_job *job, struct pm_progress *p,
	           struct pm_error *err);
};

/* Fills jobs (at most max) for start: imports in order, then a match when anything is
 * imported. Returns the count (0 = nothing to do) or -1 with err (too many files). */
int ui_jobs_plan(const struct ui_start *start, struct ui_job *jobs, int max,
                 struct pm_error *err);

#endif
