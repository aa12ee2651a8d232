/* Progress counters shared between workers (writers) and a UI or CLI thread (reader).
 * Writers use relaxed atomic adds; the reader samples at most ~10 times a second. */
#ifndef PAYMATCH_PROGRESS_H
#define PAYMATCH_PROGRESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define PM_MAX_WORKERS 64

struct pm_progress {
	_Atomic(const char *) stage;             /* static string naming the current stage */
	atomic_int_least64_t total;              /* units of work in the stage (0 = unknown) */
	atomic_int_least64_t done;
	atomic_int nworkers;                     /* workers active in the stage (0 = single) */
	atomic_int_least64_t worker_done[PM_MAX_WORKERS];
	atomic_int_least64_t worker_total[PM_MAX_WORKERS];
	atomic_int cancel;                       /* set by the reader (Esc, Ctrl-C) to stop */
	atomic_int finished;                     /* set by the writer when all work has ended */
	int64_t stage_started_ns;                /* monotonic clock at stage start */
};

/* Resets every counter and the cancel flag. */
void progress_init(struct pm_progress *p);

/* Starts a new stage of total units with nworkers workers (0 = one unnamed worker). */
void progress_stage(struct pm_progress *p, const char *stage, int64_t total, int nworkers);

/* Adds n units done by worker w (w < 0: not per worker). */
void progress_add(struct pm_progress *p, int w, int64_t n);

/* Sets the per-worker total for worker w. */
void progress_worker_total(struct pm_progress *p, int w, int64_t total);

/* Asks the work to stop at the next check. Async-signal-safe. */
void progress_request_cancel(struct pm_progress *p);

/* Returns true once cancel was requested. */
bool progress_cancelled(const struct pm_progress *p);

/* Returns a monotonic clock reading in nanoseconds. */
int64_t pm_now_ns(void);

/* Computes rate (units/s) and ETA (seconds, -1 when unknown) from done, total, elapsed_ns. */
void progress_rate(int64_t done, int64_t total, int64_t elapsed_ns, double *rate, double *eta_s);

#endif
