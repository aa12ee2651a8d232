/* Headless progress on stderr: redrawn in place on a terminal at most 10 times a second,
 * plain lines every 5 s with --progress when stderr is not a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paymatch/cli.h"

#define TTY_PERIOD_NS   100000000LL
#define PLAIN_PERIOD_NS 5000000000LL

void progress_bar_init(struct progress_bar *bar, const struct app *app)
{
	const char *term = getenv("TERM");

	memset(bar, 0, sizeof *bar);
	bar->tty = isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
	bar->enabled = !app->quiet && (bar->tty || app->progress);
	bar->started_ns = pm_now_ns();
}

static void format_eta(double eta, char *buf, size_t n)
{
	if (eta < 0)
		snprintf(buf, n, "--");
	else if (eta < 60)
		snprintf(buf, n, "%.0fs", eta);
	else
		snprintf(buf, n, "%.0fm%02.0fs", eta / 60, eta - 60 * (int)(eta / 60));
}

static void draw_line(struct progress_bar *bar, const char *line)
{
	int len = (int)strlen(line);

	if (bar->tty) {
		/* \r then erase-to-end: no leftovers when the line gets shorter. */
		fprintf(stderr, "\r%s\033[K", line);
	} else {
		fprintf(stderr, "%s\n", line);
	}
	fflush(stderr);
	bar->last_len = len;
}

void progress_bar_draw(struct progress_bar *bar, const char *label, int64_t done, int64_t total,
                       bool force)
{
	int64_t now = pm_now_ns();
	char line[256], eta[32], cells[31];
	double rate, eta_s;

	if (!bar->enabled)
		return;
	if (!force && now - bar->last_draw_ns < (bar->tty ? TTY_PERIOD_NS : PLAIN_PERIOD_NS))
		return;
	bar->last_draw_ns = now;
	progress_rate(done, total, now - bar->started_ns, &rate, &eta_s);
	format_eta(eta_s, eta, sizeof eta);
	if (total > 0) {
		int filled = (int)(done * 30 / (total ? total : 1));

		if (filled > 30)
			filled = 30;
		memset(cells, '#', (size_t)filled);
		memset(cells + filled, '.', (size_t)(30 - filled));
		cells[30] = '\0';
		snprintf(line, sizeof line, "%s [%s] %3d%% %lld/%lld rows %.0f/s ETA %s", label, cells,
		         (int)(done * 100 / total), (long long)done, (long long)total, rate, eta);
	} else {
		snprintf(line, sizeof line, "%s %lld rows %.0f/s", label, (long long)done, rate);
	}
	draw_line(bar, line);
}

void progress_bar_draw_progress(struct progress_bar *bar, const struct pm_progress *p, bool force)
{
	const char *stage = atomic_load(&p->stage);
	char label[96];
	int nw = atomic_load(&p->nworkers);
	size_t n;

	snprintf(label, sizeof label, "%s", stage && *stage ? stage : "working");
	n = strlen(label);
	for (int w = 0; w < nw && w < 8 && n + 16 < sizeof label; w++)
		n += (size_t)snprintf(label + n, sizeof label - n, " w%d:%lld", w + 1,
		                      (long long)atomic_load(&p->worker_done[w]));
	progress_bar_draw(bar, label, atomic_load(&p->done), atomic_load(&p->total), force);
}

void progress_bar_finish(struct progress_bar *bar)
{
	if (bar->enabled && bar->tty && bar->last_len) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	bar->last_len = 0;
}
