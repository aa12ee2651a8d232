/* The UI session: starting and stopping curses, colours from the theme, the screen list,
 * the view stack and the main loop. Redraws compose with erase() + one doupdate(), so only
 * changed cells go to the terminal (clear() only on Ctrl-L). */
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paymatch/review.h"
#include "paymatch/ui.h"
#include "paymatch/view.h"

#define MIN_COLS 80
#define MIN_LINES 24
#define POLL_NS 1000000000LL

/* The screens, in the order of keys 1..6 and Tab. Adding a screen: one line here. */
static const struct view_ops *const SCREENS[UI_NSCREENS] = {
	&VIEW_DASHBOARD, &VIEW_MATCHES, &VIEW_EXCEPTIONS, &VIEW_AGING, &VIEW_INVOICES,
	&VIEW_PAYMENTS,
};

static bool codeset_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* main() already ran setlocale(LC_ALL, ""); without UTF-8 try C.UTF-8, else ASCII. */
static bool choose_locale(void)
{
	if (codeset_is_utf8())
		return true;
	if (setlocale(LC_CTYPE, "C.UTF-8") && codeset_is_utf8())
		return true;
	setlocale(LC_CTYPE, "");
	return false;
}

static attr_t to_curses(unsigned bits)
{
	attr_t a = A_NORMAL;

	if (bits & THEME_BOLD)
		a |= A_BOLD;
	if (bits & THEME_REVERSE)
		a |= A_REVERSE;
	if (bits & THEME_UNDERLINE)
		a |= A_UNDERLINE;
	if (bits & THEME_DIM)
		a |= A_DIM;
	if (bits & THEME_STANDOUT)
		a |= A_STANDOUT;
	return a;
}

/* 256 colours: the theme; 8: each element's fallback; none or NO_COLOR: mono attributes.
 * Never init_color(): the user's palette is theirs. */
static void colors_init(struct ui *ui)
{
	const char *no_color = getenv("NO_COLOR");

	ui->colors = 0;
	if (!(no_color && *no_color) && has_colors() && start_color() == OK && COLORS >= 8) {
		use_default_colors();
		ui->colors = COLORS;
	}
	for (int e = 0; e < TH_COUNT; e++) {
		const struct theme_style *s = &ui->theme.el[e];

		if (!ui->colors || COLOR_PAIRS <= TH_COUNT) {
			ui->attr[e] = to_curses(s->mono);
			continue;
		}
		init_pair((short)(e + 1), theme_pick(s->fg, s->nfg, ui->colors),
		          theme_pick(s->bg, s->nbg, ui->colors));
		ui->attr[e] = COLOR_PAIR(e + 1) | to_curses(s->attrs);
	}
}

static int curses_start(struct ui *ui, struct pm_error *err)
{
	const char *term = getenv("TERM");

	ui->utf8 = choose_locale();
	if (!newterm(NULL, stdout, stdin))
		return pm_error_set(err, PM_EUSAGE,
		                    "terminal '%s' unknown: install ncurses-term or set "
		                    "TERM=xterm-256color", term ? term : "");
	if (!getenv("ESCDELAY"))
		set_escdelay(50);
	raw();              /* Ctrl-C arrives as a key (cancel/quit), Ctrl-S does not freeze */
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout(200);
	if (ui->app->cfg->ui.mouse)
		mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	colors_init(ui);
	return 0;
}

struct view *ui_top(struct ui *ui)
{
	return ui->depth > 0 ? &ui->stack[ui->depth - 1] : &ui->screens[ui->current];
}

static void view_close(struct view *v)
{
	if (v->ops && v->ops->free)
		v->ops->free(v);
	memset(v, 0, sizeof *v);
}

int ui_push(struct ui *ui, const struct view_ops *ops, void *state, struct pm_error *err)
{
	struct view *v;

	if (ui->depth == UI_STACK_MAX)
		return pm_error_set(err, PM_ESOFTWARE, "too many open views");
	v = &ui->stack[ui->depth];
	memset(v, 0, sizeof *v);
	v->ops = ops;
	v->state = state;
	if (ops->open && ops->open(v, ui, err)) {
		memset(v, 0, sizeof *v);
		return err->code;
	}
	ui->depth++;
	return 0;
}

static void pop(struct ui *ui)
{
	if (ui->depth > 0)
		view_close(&ui->stack[--ui->depth]);
}

void ui_error(struct ui *ui, const struct pm_error *err)
{
	ui_message(ui, true, "%s", err->msg[0] ? err->msg : "error");
	if (err->code == REVIEW_CONFLICT)
		ui->stale = true;
}

static void show_screen(struct ui *ui, enum ui_screen s)
{
	struct view *v = &ui->screens[s];
	struct pm_error err;

	while (ui->depth > 0)
		pop(ui);
	pm_error_clear(&err);
	if (!v->ops) {
		v->ops = SCREENS[s];
		if (v->ops->open && v->ops->open(v, ui, &err)) {
			ui_error(ui, &err);
			memset(v, 0, sizeof *v);
			return;
		}
	} else if (s == UI_DASHBOARD && ui->dashboard_dirty && v->ops->reload) {
		if (v->ops->reload(v, ui, &err))
			ui_error(ui, &err);
	}
	if (s == UI_DASHBOARD)
		ui->dashboard_dirty = false;
	ui->current = s;
}

static void draw_title(struct ui *ui)
{
	int x = 0;

	ui_fill(0, 0, COLS, ui->attr[TH_TITLE]);
	if (COLS >= 100) {         /* at 80 columns the six tabs need every cell */
		ui_put(ui, 0, 0, 10, " paymatch", false, ui->attr[TH_TITLE]);
		x = 10;
	}
	for (int s = 0; s < UI_NSCREENS; s++) {
		char tab[40];
		int w;

		snprintf(tab, sizeof tab, " %d %s ", s + 1, SCREENS[s]->title);
		w = (int)strlen(tab);
		if (x + w > COLS)
			break;
		ui_put(ui, 0, x, w, tab, false,
		       s == (int)ui->current ? ui->attr[TH_SELECTED] : ui->attr[TH_TITLE]);
		x += w;
	}
	if (COLS - x > 12)
		ui_put(ui, 0, x, COLS - x - 1, store_path(ui->st), true, ui->attr[TH_TITLE]);
}

static void draw_status(struct ui *ui, struct view *v)
{
	char left[256] = "";
	const char *hints = v->ops->hints ? v->ops->hints : "";
	char hint[512];

	if (v->ops->status)
		v->ops->status(v, ui, left, sizeof left);
	if (ui->stale && !ui->message[0])
		ui_message(ui, false, "changed by another session - R to refresh");
	ui_put(ui, LINES - 2, 0, COLS, left, false, ui->attr[TH_STATUS]);
	if (ui->message[0]) {
		int w = (int)strlen(ui->message) + 2;

		if (w > COLS - (int)strlen(left) - 2 || w > COLS)
			w = COLS;
		ui_put(ui, LINES - 2, COLS - w, w, ui->message, true,
		       ui->message_error ? ui->attr[TH_ERROR] : ui->attr[TH_MESSAGE]);
	}
	snprintf(hint, sizeof hint, " ? help  q %s  %s", ui->depth ? "back" : "quit", hints);
	ui_put(ui, LINES - 1, 0, COLS, hint, false, ui->attr[TH_HINT]);
}

static void draw(struct ui *ui)
{
	struct view *v = ui_top(ui);

	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		char msg[96];

		snprintf(msg, sizeof msg, "terminal too small: %dx%d, need %dx%d (q quits)", COLS,
		         LINES, MIN_COLS, MIN_LINES);
		ui_put(ui, LINES / 2, 0, COLS, msg, false, ui->attr[TH_ERROR]);
	} else {
		draw_title(ui);
		if (v->ops && v->ops->draw)
			v->ops->draw(v, ui, 1, 0, LINES - 3, COLS);
		if (v->ops)
			draw_status(ui, v);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

static void refresh_view(struct ui *ui, struct view *v)
{
	struct pm_error err;

	pm_error_clear(&err);
	if (v->ops && v->ops->reload && v->ops->reload(v, ui, &err))
		ui_error(ui, &err);
	ui->stale = false;
	ui->dashboard_dirty = true;
}

static void open_help(struct ui *ui)
{
	struct pm_error err;
	const struct view *v = ui_top(ui);

	if (v->ops == &VIEW_HELP)
		return;
	pm_error_clear(&err);
	if (ui_push(ui, &VIEW_HELP, (void *)v->ops->keys, &err))
		ui_error(ui, &err);
}

/* Requests no view handled: leaving, help, switching screens, refresh. */
static void global_request(struct ui *ui, enum ui_request req)
{
	switch (req) {
	case REQ_QUIT_VIEW:
		if (ui->depth > 0)
			pop(ui);
		else
			ui->quit = true;
		break;
	case REQ_QUIT: ui->quit = true; break;
	case REQ_BACK: pop(ui); break;
	case REQ_HELP: open_help(ui); break;
	case REQ_NEXT_VIEW: show_screen(ui, (ui->current + 1) % UI_NSCREENS); break;
	case REQ_PREV_VIEW:
		show_screen(ui, (ui->current + UI_NSCREENS - 1) % UI_NSCREENS);
		break;
	case REQ_VIEW_DASHBOARD: case REQ_VIEW_MATCHES: case REQ_VIEW_EXCEPTIONS:
	case REQ_VIEW_AGING: case REQ_VIEW_INVOICES: case REQ_VIEW_PAYMENTS:
		show_screen(ui, (enum ui_screen)(req - REQ_VIEW_DASHBOARD));
		break;
	case REQ_REFRESH:
		refresh_view(ui, ui_top(ui));
		ui_message(ui, false, "refreshed");
		break;
	case REQ_REDRAW: clearok(curscr, TRUE); break;
	default: break;
	}
}

static int mouse_key(void)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return ERR;
	if (ev.bstate & BUTTON4_PRESSED)
		return KEY_UP;
	if (ev.bstate & BUTTON5_PRESSED)
		return KEY_DOWN;
	return ERR;
}

static void handle_key(struct ui *ui, int ch)
{
	struct view *v = ui_top(ui);
	enum ui_request req;
	enum view_result res = VIEW_UNHANDLED;
	char name[32];

	if (ch == KEY_MOUSE && (ch = mouse_key()) == ERR)
		return;
	ui->message[0] = 0;
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		if (ch == 'q' || ch == 'Q' || ch == 3)
			ui->quit = true;
		return;
	}
	req = keymap_lookup(v->ops->keys, ch);
	if (req == REQ_NONE && ch == 3)     /* Ctrl-C outside a prompt: quit */
		req = REQ_QUIT;
	if (req == REQ_NONE) {
		ui_message(ui, false, "%s: not bound here (? lists the keys)",
		           keymap_key_name(ch, name, sizeof name));
		return;
	}
	if (v->ops->on_request)
		res = v->ops->on_request(v, ui, req);
	if (res == VIEW_CLOSE)
		pop(ui);
	else if (res == VIEW_UNHANDLED)
		global_request(ui, req);
	if (ui->stale && ui->message_error && req != REQ_REFRESH) {
		/* A conflict: the decision was refused; reload what the user sees. */
		refresh_view(ui, ui_top(ui));
	}
}

static void poll_others(struct ui *ui, int64_t *last_poll)
{
	int64_t now = pm_now_ns();

	if (now - *last_poll < POLL_NS)
		return;
	*last_poll = now;
	if (review_data_changed(ui->st, &ui->data_seen))
		ui->stale = true;
}

/* While a view has idle work (a count or a search in slices) getch only polls, so each
 * slice runs as soon as the keyboard is quiet and a key waits at most one slice. */
static void loop(struct ui *ui)
{
	int64_t last_poll = 0;
	bool dirty = true, more = false;

	while (!ui->quit && !cli_signal_received()) {
		bool was_stale = ui->stale;
		int ch;

		if (dirty)
			draw(ui);
		dirty = false;
		timeout(more ? 0 : 200);
		ch = getch();
		poll_others(ui, &last_poll);
		if (ch == ERR) {
			struct view *v = ui_top(ui);

			dirty = ui->stale != was_stale;
			more = false;
			if (v->ops && v->ops->idle && v->ops->idle(v, ui, &more))
				dirty = true;
			continue;
		}
		more = true;           /* the key may have started idle work */
		if (ch != KEY_RESIZE)
			handle_key(ui, ch);
		dirty = true;
	}
}

static void ui_free(struct ui *ui)
{
	while (ui->depth > 0)
		pop(ui);
	for (int s = 0; s < UI_NSCREENS; s++)
		view_close(&ui->screens[s]);
}

static void report_theme_error(struct ui *ui, const struct pm_error *err)
{
	ui_message(ui, true, "%s (using the default theme)", err->msg);
}

int ui_run(struct app *app, const struct ui_start *start, struct pm_error *err)
{
	struct ui ui = { .app = app, .data_seen = -1 };
	struct pm_error theme_err;
	int rc;

	pm_error_clear(&theme_err);
	theme_load(app->theme ? app->theme : app->cfg->ui.theme, &ui.theme, &theme_err);
	if (curses_start(&ui, err))
		return err->code;
	rc = view_progress_run(&ui, start, err);
	if (rc == PM_EINTR) {
		ui_message(&ui, false, "cancelled: the working set stays as it was");
		rc = 0;
	}
	if (!rc)
		rc = cli_open_store(app, STORE_READWRITE, &ui.st, err);
	if (!rc) {
		if (theme_err.code)
			report_theme_error(&ui, &theme_err);
		review_data_changed(ui.st, &ui.data_seen);
		show_screen(&ui, UI_DASHBOARD);
		loop(&ui);
	}
	ui_free(&ui);
	endwin();
	store_close(ui.st);
	if (!rc && theme_err.code)
		fprintf(stderr, "paymatch: %s (the default theme was used)\n", theme_err.msg);
	if (!rc && cli_signal_received())
		rc = PM_EINTR;
	return rc;
}

int ui_print_keys(FILE *out)
{
	struct strbuf sb = STRBUF_INIT;

	if (keymap_markdown(&sb)) {
		strbuf_release(&sb);
		return PM_ESOFTWARE;
	}
	fputs(strbuf_str(&sb), out);
	strbuf_release(&sb);
	return 0;
}

/* "^f" is Ctrl-F, "\t" Tab; every other byte is itself. */
static int bench_next_key(const char **keys)
{
	int ch = (unsigned char)**keys;

	(*keys)++;
	if (ch == '^' && **keys) {
		ch = (**keys) & 0x1f;
		(*keys)++;
	}
	return ch;
}

/* Bytes curses has written to the off-screen terminal so far (it writes to the fd). */
static long long bench_bytes(FILE *out)
{
	struct stat sb;

	fflush(out);
	return fstat(fileno(out), &sb) == 0 ? (long long)sb.st_size : -1;
}

/* Requests that read more input: the prompts take the keys up to the next newline in the
 * bench's key string (fed with ungetch); the picker and write-off cannot run off-screen. */
static int bench_interactive(struct ui *ui, int ch)
{
	switch (keymap_lookup(ui_top(ui)->ops->keys, ch)) {
	case REQ_SEARCH: case REQ_FILTER: case REQ_NOTE:
		return 1;
	case REQ_ACCEPT_MARKED:
		return 2;                      /* a y/N question: no line to clear */
	case REQ_MANUAL_MATCH: case REQ_WRITE_OFF:
		return -1;
	default:
		return 0;
	}
}

/* Queues the prompt's text (up to and with the newline) as input; false when none. */
static bool bench_feed(const char **keys, bool prompt)
{
	const char *nl = strchr(*keys, '\n');

	if (!nl)
		return false;
	for (const char *p = nl; p >= *keys; p--)
		ungetch((unsigned char)*p);    /* a stack: the last pushed is read first */
	if (prompt)
		ungetch(21);                   /* Ctrl-U first: the prompt may show the last text */
	*keys = nl + 1;
	return true;
}

/* Runs the view's idle work to its end as the main loop would between key presses; every
 * slice is a wait a key press could meet. */
static void bench_idle(struct ui *ui, FILE *out, FILE *report, int64_t *worst)
{
	int64_t slow = 0, total = 0;
	int n = 0;
	bool more = true;

	while (more && ui_top(ui)->ops->idle && n < 100000) {
		int64_t t0 = pm_now_ns(), dt;

		more = false;
		if (ui_top(ui)->ops->idle(ui_top(ui), ui, &more))
			draw(ui);
		dt = pm_now_ns() - t0;
		slow = dt > slow ? dt : slow;
		total += dt;
		n++;
	}
	(void)out;
	if (n > 1 || slow > 1000000)
		fprintf(report, "    idle %d slices, longest %.2f ms, %.0f ms in all  %s\n", n,
		        (double)slow / 1e6, (double)total / 1e6, ui->message);
	*worst = slow > *worst ? slow : *worst;
}

static void bench_keys(struct ui *ui, const char *keys, FILE *out, FILE *report)
{
	int64_t worst = 0, sum = 0, idle_worst = 0;
	int n = 0;

	while (*keys && !ui->quit) {
		int ch = bench_next_key(&keys);
		int64_t t0, dt;
		long long before = bench_bytes(out);
		int inter = bench_interactive(ui, ch);

		if (inter < 0 || (inter > 0 && !bench_feed(&keys, inter == 1))) {
			fprintf(report, "key %-3d skipped: it asks for input\n", ch);
			continue;
		}
		t0 = pm_now_ns();
		handle_key(ui, ch);
		draw(ui);
		dt = pm_now_ns() - t0;
		nodelay(stdscr, TRUE);         /* drop what a question left unread ("y\n") */
		while (inter > 0 && getch() != ERR)
			;
		nodelay(stdscr, FALSE);
		fprintf(report, "key %-3d %8.2f ms %6lld bytes  %s\n", ch, (double)dt / 1e6,
		        bench_bytes(out) - before, ui->message);
		bench_idle(ui, out, report, &idle_worst);
		worst = dt > worst ? dt : worst;
		sum += dt;
		n++;
	}
	fprintf(report, "keys %d  average %.2f ms  worst %.2f ms  longest idle slice %.2f ms\n", n,
	        n ? (double)sum / n / 1e6 : 0.0, (double)worst / 1e6, (double)idle_worst / 1e6);
}

int ui_bench(struct app *app, const char *keys, FILE *report, struct pm_error *err)
{
	struct ui ui = { .app = app, .data_seen = -1, .utf8 = true };
	struct pm_error theme_err;
	FILE *null_out = tmpfile(), *null_in = fopen("/dev/null", "r");
	int64_t t0 = pm_now_ns();
	int rc = 0;

	if (!null_out || !null_in || !newterm("xterm-256color", null_out, null_in)) {
		rc = pm_error_set(err, PM_ESOFTWARE, "cannot start curses off-screen");
		goto out;
	}
	resizeterm(24, 80);
	theme_load(app->theme ? app->theme : app->cfg->ui.theme, &ui.theme, &theme_err);
	colors_init(&ui);
	rc = cli_open_store(app, STORE_READWRITE, &ui.st, err);
	if (!rc) {
		show_screen(&ui, UI_DASHBOARD);
		draw(&ui);
		fprintf(report, "start to dashboard %.2f ms\n", (double)(pm_now_ns() - t0) / 1e6);
		bench_keys(&ui, keys, null_out, report);
	}
	ui_free(&ui);
	endwin();
	store_close(ui.st);
out:
	if (null_out)
		fclose(null_out);
	if (null_in)
		fclose(null_in);
	return rc;
}
