/* See thread.h. The new thread inherits the creating thread's signal mask, so the mask is
 * set around pthread_create and put back at once. */
#include <signal.h>

#include "paymatch/thread.h"

int pm_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg)
{
	sigset_t block, old;
	int rc;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	rc = pthread_create(tid, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
