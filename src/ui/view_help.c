/* The help screen: generated from the binding table for the view it was opened from, so it
 * can never disagree with the keys. */
#include <stdlib.h>
#include <string.h>

#include "paymatch/view.h"

struct help {
	struct strbuf text;
	const char **lines;
	int nlines;
	int top;
	int height;
};

static int split_lines(struct help *h)
{
	char *s = h->text.buf;
	int n = 0;

	for (size_t i = 0; i < h->text.len; i++)
		n += h->text.buf[i] == '\n';
	h->lines = calloc((size_t)n + 1, sizeof *h->lines);
	if (!h->lines)
		return -1;
	for (char *nl; (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
		*nl = 0;
		h->lines[h->nlines++] = s;
	}
	return 0;
}

/* v->state arrives holding the key chain of the view below. */
static int help_open(struct view *v, struct ui *ui, struct pm_error *err)
{
	const struct keymap_chain *chain = v->state;
	struct help *h = calloc(1, sizeof *h);

	(void)ui;
	if (!h)
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	strbuf_init(&h->text);
	if (strbuf_addstr(&h->text, "Keys on this screen (generated from the binding table; "
	                  "docs/UI.md has all of them)\n\n") ||
	    keymap_help_text(chain ? chain : &KM_CHAIN_DASHBOARD, &h->text) ||
	    split_lines(h)) {
		strbuf_release(&h->text);
		free(h);
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	}
	v->state = h;
	return 0;
}

static void help_free(struct view *v)
{
	struct help *h = v->state;

	if (!h)
		return;
	strbuf_release(&h->text);
	free(h->lines);
	free(h);
	v->state = NULL;
}

static void help_draw(struct view *v, struct ui *ui, int y, int x, int h, int w)
{
	struct help *hp = v->state;

	hp->height = h;
	if (hp->top > hp->nlines - h)
		hp->top = hp->nlines - h;
	if (hp->top < 0)
		hp->top = 0;
	for (int i = 0; i < h && hp->top + i < hp->nlines; i++) {
		const char *line = hp->lines[hp->top + i];

		ui_put(ui, y + i, x + 1, w - 2, line, false,
		       line[0] && line[0] != ' ' ? ui->attr[TH_HEADER] : ui->attr[TH_ROW]);
	}
}

static enum view_result help_request(struct view *v, struct ui *ui, enum ui_request req)
{
	struct help *h = v->state;

	(void)ui;
	switch (req) {
	case REQ_MOVE_UP: h->top--; break;
	case REQ_MOVE_DOWN: h->top++; break;
	case REQ_PAGE_UP: h->top -= h->height; break;
	case REQ_PAGE_DOWN: h->top += h->height; break;
	case REQ_FIRST_ROW: h->top = 0; break;
	case REQ_LAST_ROW: h->top = h->nlines; break;
	case REQ_HELP: return VIEW_CLOSE;
	default: return VIEW_UNHANDLED;
	}
	return VIEW_HANDLED;
}

static void help_status(struct view *v, struct ui *ui, char *buf, size_t n)
{
	struct help *h = v->state;

	(void)ui;
	snprintf(buf, n, " Help  line %d of %d", h->top + 1, h->nlines);
}

const struct view_ops VIEW_HELP = {
	.title = "Help",
	.keys = &KM_CHAIN_HELP,
	.open = help_open,
	.draw = help_draw,
	.on_request = help_request,
	.status = help_status,
	.hints = "j/k scroll  PgUp/PgDn page",
	.free = help_free,
};
