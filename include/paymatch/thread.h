/* Starting the helper threads of the engine, the loaders and the writer. */
#ifndef PAYMATCH_THREAD_H
#define PAYMATCH_THREAD_H

#include <pthread.h>

/* Starts fn(arg) on a new thread in *tid that takes no asynchronous signal (SIGINT,
 * SIGTERM, SIGWINCH, the terminal's SIGTSTP...): they reach the caller's thread, whose
 * handler sets the cancel flag the helpers poll or, in the UI, ncurses'. Faults (SIGSEGV,
 * SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP) stay with the thread that raised them, for the
 * sanitizers' reports. Returns 0, or pthread_create's error (no thread then). */
int pm_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg);

#endif
