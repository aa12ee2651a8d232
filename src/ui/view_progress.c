/* The progress screen: each job (an import, a match) runs in a worker thread with signals
 * blocked; the UI thread alone draws, sampling the atomic counters at most ~10 times a
 * second (timeout(100)), and turns Esc / Ctrl-C / SIGHUP into a cancel request. */
#include <curses.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "paymatch/thread.h"
#include "paymatch/ui.h"
#include "paymatch/ui_jobs.h"
#include "paymatch/view.h"

struct worker {
	const struct ui_job *job;
	struct app *app;
	struct pm_progress *prog;
	struct pm_error err;
	int rc;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	pm_error_clear(&w->err);
	w->rc = w->job->run(w->app, w->job, w->prog, &w->err);
	atomic_store(&w->prog->finished, 1);
	return NULL;
}

static void format_eta(double eta, char *buf, size_t n)
{
	if (eta < 0)
		snprintf(buf, n, "ETA -");
	else if (eta < 120)
		snprintf(buf, n, "ETA %.0f s", eta);
	else
		snprintf(buf, n, "ETA %.0f min", eta / 60);
}

static void draw_bar_line(struct ui *ui, int y, const char *label, int64_t done, int64_t total,
                          int64_t elapsed_ns)
{
	char line[160], d[32], t[32], r[32], eta_s[32];
	double rate, eta;
	int bw = COLS - 62;

	progress_rate(done, total, elapsed_ns, &rate, &eta);
	format_eta(eta, eta_s, sizeof eta_s);
	ui_put(ui, y, 1, 10, label, false, ui->attr[TH_LABEL]);
	ui_bar(ui, y, 12, bw, total > 0 ? (double)done / (double)total : 0, ui->attr[TH_BAR],
	       ui->attr[TH_BAR_EMPTY]);
	snprintf(line, sizeof line, "%3.0f%% %s/%s  %s/s  %s",
	         total > 0 ? 100.0 * (double)done / (double)total : 0.0, ui_count(done, d, sizeof d),
	         total > 0 ? ui_count(total, t, sizeof t) : "?",
	         ui_count((int64_t)rate, r, sizeof r), eta_s);
	ui_put(ui, y, 13 + bw, COLS - 14 - bw, line, false, ui->attr[TH_FIGURE]);
}

static void draw_progress(struct ui *ui, const struct ui_job *job, int idx, int njobs,
                          struct pm_progress *p, bool cancelling)
{
	char title[512], label[24];
	int64_t elapsed = pm_now_ns() - p->stage_started_ns;
	int nw = atomic_load(&p->nworkers);
	const char *stage = atomic_load_explicit(&p->stage, memory_order_acquire);

	erase();
	snprintf(title, sizeof title, " paymatch: %s (%d of %d)", job->label, idx + 1, njobs);
	ui_put(ui, 0, 0, COLS, title, false, ui->attr[TH_TITLE]);
	snprintf(title, sizeof title, "stage: %s", stage && *stage ? stage : "starting");
	ui_put(ui, 2, 1, COLS - 2, title, false, ui->attr[TH_HEADER]);
	draw_bar_line(ui, 4, "overall", atomic_load(&p->done), atomic_load(&p->total), elapsed);
	for (int w = 0; w < nw && 6 + w < LINES - 3; w++) {
		snprintf(label, sizeof label, "worker %d", w + 1);
		draw_bar_line(ui, 6 + w, label, atomic_load(&p->worker_done[w]),
		              atomic_load(&p->worker_total[w]), elapsed);
	}
	ui_put(ui, LINES - 1, 0, COLS, cancelling ? " cancelling: rolling back..." :
	       " Esc or Ctrl-C cancels: the working set stays as it was", false,
	       cancelling ? ui->attr[TH_ERROR] : ui->attr[TH_HINT]);
	wnoutrefresh(stdscr);
	doupdate();
}

/* Runs one job on the screen; returns its status (PM_EINTR when cancelled). */
static int run_job(struct ui *ui, const struct ui_job *job, int idx, int njobs,
                   struct pm_error *err)
{
	struct pm_progress prog;
	struct worker w = { .job = job, .app = ui->app, .prog = &prog };
	pthread_t tid;
	bool cancelling = false;

	progress_init(&prog);
	cli_signals_watch(NULL, &prog);
	if (pm_thread_start(&tid, worker_main, &w) != 0)   /* signals stay with the UI */
		return pm_error_set(err, PM_ESOFTWARE, "cannot start a worker thread");
	/* Counters are sampled once per getch timeout: never more than ~10 times a second. */
	timeout(ui->app->cfg->ui.refresh_ms > 100 ? (int)ui->app->cfg->ui.refresh_ms : 100);
	while (!atomic_load(&prog.finished)) {
		int ch;

		draw_progress(ui, job, idx, njobs, &prog, cancelling);
		ch = getch();
		if (keymap_lookup(&KM_CHAIN_PROGRESS, ch) == REQ_CANCEL || cli_signal_received()) {
			progress_request_cancel(&prog);
			cancelling = true;
		}
	}
	pthread_join(tid, NULL);
	cli_signals_watch(NULL, NULL);
	timeout(200);
	if (w.rc == 0 && progress_cancelled(&prog))
		w.rc = PM_EINTR;
	if (w.rc && w.rc != PM_EINTR)
		*err = w.err;
	return w.rc;
}

int view_progress_run(struct ui *ui, const struct ui_start *start, struct pm_error *err)
{
	struct ui_job jobs[UI_MAX_JOBS];
	int n = ui_jobs_plan(start, jobs, UI_MAX_JOBS, err);

	if (n < 0)
		return err->code;
	for (int i = 0; i < n; i++) {
		int rc = run_job(ui, &jobs[i], i, n, err);

		if (rc)
			return rc;
	}
	return 0;
}
