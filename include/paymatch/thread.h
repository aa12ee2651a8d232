/* Starting the helper threads of the engine, the loaders and the writer. */
#ifndef PAYMATCH_THREAD_H
#define PAYMATCH_THREAD_H

#include <pthread.h>

/* Starts fn(arg) on a new thread in *tid that takes none of the terminal signals (SIGINT,
 * SIGTERM, SIGHUP, SIGWINCH): they reach the caller's thread, whose handler sets the
 * cancel flag the helpers poll. Returns 0, or pthread_create's error (no thread then). */
int pm_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg);

#endif
