/* Progress counters: relaxed atomics, written by workers and sampled by one reader. */
#include <time.h>

#include "paymatch/progress.h"

int64_t pm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void progress_init(struct pm_progress *p)
{
	atomic_store(&p->stage, "");
	atomic_store(&p->total, 0);
	atomic_store(&p->done, 0);
	atomic_store(&p->nworkers, 0);
	for (int i = 0; i < PM_MAX_WORKERS; i++) {
		atomic_store(&p->worker_done[i], 0);
		atomic_store(&p->worker_total[i], 0);
	}
	atomic_store(&p->cancel, 0);
	atomic_store(&p->finished, 0);
	p->stage_started_ns = pm_now_ns();
}

void progress_stage(struct pm_progress *p, const char *stage, int64_t total, int nworkers)
{
	if (nworkers > PM_MAX_WORKERS)
		nworkers = PM_MAX_WORKERS;
	for (int i = 0; i < PM_MAX_WORKERS; i++) {
		atomic_store_explicit(&p->worker_done[i], 0, memory_order_relaxed);
		atomic_store_explicit(&p->worker_total[i], 0, memory_order_relaxed);
	}
	atomic_store_explicit(&p->done, 0, memory_order_relaxed);
	atomic_store_explicit(&p->total, total, memory_order_relaxed);
	atomic_store_explicit(&p->nworkers, nworkers, memory_order_relaxed);
	p->stage_started_ns = pm_now_ns();
	atomic_store_explicit(&p->stage, stage, memory_order_release);
}

void progress_add(struct pm_progress *p, int w, int64_t n)
{
	atomic_fetch_add_explicit(&p->done, n, memory_order_relaxed);
	if (w >= 0 && w < PM_MAX_WORKERS)
		atomic_fetch_add_explicit(&p->worker_done[w], n, memory_order_relaxed);
}

void progress_worker_total(struct pm_progress *p, int w, int64_t total)
{
	if (w >= 0 && w < PM_MAX_WORKERS)
		atomic_store_explicit(&p->worker_total[w], total, memory_order_relaxed);
}

void progress_request_cancel(struct pm_progress *p)
{
	atomic_store_explicit(&p->cancel, 1, memory_order_relaxed);
}

bool progress_cancelled(const struct pm_progress *p)
{
	return atomic_load_explicit(&p->cancel, memory_order_relaxed) != 0;
}

void progress_rate(int64_t done, int64_t total, int64_t elapsed_ns, double *rate, double *eta_s)
{
	double secs = (double)elapsed_ns / 1e9;

	*rate = secs > 0 ? (double)done / secs : 0;
	if (total > 0 && done > 0 && *rate > 0 && done <= total)
		*eta_s = (double)(total - done) / *rate;
	else
		*eta_s = -1;
}
