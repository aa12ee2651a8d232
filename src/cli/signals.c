/* Signals only set a flag (and ask SQLite and the workers to stop); the code that was
 * interrupted rolls back and reports. */
#include <signal.h>
#include <stddef.h>

#include "paymatch/cli.h"

static volatile sig_atomic_t received;
static struct store *volatile watched_store;
static struct pm_progress *volatile watched_progress;

static void on_signal(int sig)
{
	struct store *st = watched_store;
	struct pm_progress *p = watched_progress;

	received = sig;
	/* store_interrupt only sets a flag on the connection, as the SQLite shell's own
	 * SIGINT handler relies on. */
	if (st)
		store_interrupt(st);
	if (p)
		progress_request_cancel(p);
}

void cli_signals_install(void)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void cli_signals_watch(struct store *st, struct pm_progress *prog)
{
	watched_store = st;
	watched_progress = prog;
}

int cli_signal_received(void)
{
	return received;
}
