/* See thread.h. The new thread inherits the creating thread's signal mask, so the mask is
 * set around pthread_create and put back at once. */
#include <signal.h>

#include "paymatch/thread.h"

int pm_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg)
{
	static const int faults[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP };
	sigset_t block, old;
	int rc;

	sigfillset(&block);
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
		sigdelset(&block, faults[i]);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	rc = pthread_create(tid, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
