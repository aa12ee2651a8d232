/* A fixed pool of pthreads pulling chunk numbers from an atomic counter. Which worker runs
 * which chunk varies; results go to per-chunk buffers, so the outcome does not. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "match_internal.h"
#include "paymatch/thread.h"

struct pool {
	atomic_size_t next;
	size_t nchunks;
	void (*fn)(void *ctx, size_t chunk, int w);
	void *ctx;
};

struct pool_arg {
	struct pool *pool;
	int w;
};

static void *pool_main(void *arg)
{
	struct pool_arg *a = arg;
	struct pool *p = a->pool;
	size_t c;

	while ((c = atomic_fetch_add(&p->next, 1)) < p->nchunks)
		p->fn(p->ctx, c, a->w);
	return NULL;
}

int match_pool_run(int nworkers, size_t nchunks, void (*fn)(void *ctx, size_t chunk, int w),
                   void *ctx)
{
	struct pool p = { .nchunks = nchunks, .fn = fn, .ctx = ctx };
	pthread_t tid[PM_MAX_WORKERS];
	struct pool_arg args[PM_MAX_WORKERS];
	int started = 0, rc = 0;

	atomic_init(&p.next, 0);
	if (nworkers > PM_MAX_WORKERS)
		nworkers = PM_MAX_WORKERS;
	if (nworkers <= 1) {
		args[0].pool = &p;
		args[0].w = 0;
		pool_main(&args[0]);
		return 0;
	}
	/* signals reach only the caller's thread, whose handler sets the cancel flag
	 * the workers poll */
	for (int w = 0; w < nworkers; w++) {
		args[w].pool = &p;
		args[w].w = w;
		if (pm_thread_start(&tid[w], pool_main, &args[w]) != 0) {
			rc = -1;
			break;
		}
		started++;
	}
	if (started == 0) {
		args[0].pool = &p;
		args[0].w = 0;
		pool_main(&args[0]);
	}
	for (int w = 0; w < started; w++)
		pthread_join(tid[w], NULL);
	return rc;
}
