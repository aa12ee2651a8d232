/* Drawing and line-input helpers shared by every view: width-correct text, bars, the
 * bottom-line prompt, a yes/no question and a small chooser box. */
#include <curses.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "paymatch/utf8.h"
#include "paymatch/view.h"

#define CTRL(c) ((c) & 0x1f)

void ui_message(struct ui *ui, bool is_error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof ui->message, fmt, ap);
	va_end(ap);
	ui->message_error = is_error;
}

char *ui_count(int64_t v, char *buf, size_t n)
{
	char digits[32];
	size_t len, out = 0;
	bool neg = v < 0;
	uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	snprintf(digits, sizeof digits, "%llu", (unsigned long long)u);
	len = strlen(digits);
	if (neg && out + 1 < n)
		buf[out++] = '-';
	for (size_t i = 0; i < len && out + 1 < n; i++) {
		if (i && (len - i) % 3 == 0 && out + 1 < n)
			buf[out++] = ',';
		if (out + 1 < n)
			buf[out++] = digits[i];
	}
	buf[out] = 0;
	return buf;
}

/* Without a UTF-8 locale every non-ASCII character is shown as one '?'. */
static void ascii_only(char *s)
{
	char *w = s;

	for (const unsigned char *r = (const unsigned char *)s; *r; r++) {
		if (*r < 0x80)
			*w++ = (char)*r;
		else if ((*r & 0xC0) != 0x80)
			*w++ = '?';
	}
	*w = 0;
}

void ui_fill(int y, int x, int w, ui_attr attr)
{
	if (w <= 0)
		return;
	attrset(attr);
	mvhline(y, x, ' ', w);
}

void ui_put(struct ui *ui, int y, int x, int w, const char *text, bool right, ui_attr attr)
{
	char clean[1024];
	size_t cols, fit, len;

	if (w <= 0)
		return;
	len = strlen(text);
	utf8_sanitize(text, len < 1000 ? len : 1000, clean, sizeof clean);
	if (!ui->utf8)
		ascii_only(clean);
	fit = utf8_fit(clean, strlen(clean), (size_t)w, &cols);
	ui_fill(y, x, w, attr);
	attrset(attr);
	mvaddnstr(y, right ? x + w - (int)cols : x, clean, (int)fit);
}

void ui_bar(struct ui *ui, int y, int x, int w, double frac, ui_attr fill, ui_attr empty)
{
	static const char *const EIGHTHS[8] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	int eighths, full;

	if (w <= 0)
		return;
	if (frac < 0 || frac != frac)
		frac = 0;
	if (frac > 1)
		frac = 1;
	eighths = (int)(frac * w * 8 + 0.5);
	full = eighths / 8;
	ui_fill(y, x, w, empty);
	attrset(empty);
	for (int i = full; i < w; i++)
		mvaddstr(y, x + i, ui->utf8 ? "·" : ".");
	attrset(fill);
	for (int i = 0; i < full; i++)
		mvaddstr(y, x + i, ui->utf8 ? "█" : "#");
	if (full < w && eighths % 8 && ui->utf8)
		mvaddstr(y, x + full, EIGHTHS[eighths % 8]);
}

static void prompt_draw(struct ui *ui, const char *label, const char *buf)
{
	char line[512];

	snprintf(line, sizeof line, "%s%s", label, buf);
	ui_put(ui, LINES - 1, 0, COLS, line, false, ui->attr[TH_STATUS]);
	move(LINES - 1, (int)utf8_width(line, strlen(line)) < COLS ?
	     (int)utf8_width(line, strlen(line)) : COLS - 1);
	refresh();
}

/* Removes the last UTF-8 character of buf. */
static void backspace(char *buf)
{
	size_t len = strlen(buf);

	while (len > 0 && ((unsigned char)buf[len - 1] & 0xC0) == 0x80)
		len--;
	if (len > 0)
		len--;
	buf[len] = 0;
}

static void append_wide(char *buf, size_t n, wint_t wc)
{
	char mb[MB_LEN_MAX + 1];
	mbstate_t ps;
	size_t k, len = strlen(buf);

	memset(&ps, 0, sizeof ps);
	k = wcrtomb(mb, (wchar_t)wc, &ps);
	if (k == (size_t)-1 || len + k + 1 > n)
		return;
	memcpy(buf + len, mb, k);
	buf[len + k] = 0;
}

bool ui_prompt(struct ui *ui, const char *label, char *buf, size_t n)
{
	wint_t wc;
	int kind;
	bool done = false, ok = false;

	curs_set(1);
	timeout(-1);
	while (!done) {
		prompt_draw(ui, label, buf);
		kind = get_wch(&wc);
		if (kind == ERR)             /* end of input or a signal: give up */
			done = true;
		else if (kind == KEY_CODE_YES && (wc == KEY_BACKSPACE || wc == KEY_DC))
			backspace(buf);
		else if (kind == KEY_CODE_YES && wc == KEY_ENTER)
			done = ok = true;
		else if (kind == KEY_CODE_YES)
			continue;
		else if (wc == '\n' || wc == '\r')
			done = ok = true;
		else if (wc == 27 || wc == CTRL('c') || wc == CTRL('g'))
			done = true;
		else if (wc == 127 || wc == CTRL('h'))
			backspace(buf);
		else if (wc == CTRL('u'))
			buf[0] = 0;
		else if (wc >= 0x20)
			append_wide(buf, n, wc);
	}
	curs_set(0);
	timeout(200);
	return ok;
}

bool ui_confirm(struct ui *ui, const char *question)
{
	char line[512];
	int ch;

	snprintf(line, sizeof line, "%s [y/N] ", question);
	ui_put(ui, LINES - 1, 0, COLS, line, false, ui->attr[TH_MESSAGE]);
	refresh();
	timeout(-1);
	ch = getch();
	timeout(200);
	return ch == 'y' || ch == 'Y';
}

static void choose_draw(struct ui *ui, const char *title, const char *const *items, int n,
                        int sel, int bw)
{
	int bh = n + 2, by = (LINES - bh) / 2, bx = (COLS - bw) / 2;

	for (int i = 0; i < bh; i++)
		ui_fill(by + i, bx, bw, ui->attr[TH_DETAIL]);
	ui_put(ui, by, bx, bw, title, false, ui->attr[TH_TITLE]);
	for (int i = 0; i < n; i++)
		ui_put(ui, by + 1 + i, bx + 1, bw - 2, items[i], false,
		       i == sel ? ui->attr[TH_SELECTED] : ui->attr[TH_DETAIL]);
	ui_put(ui, by + bh - 1, bx, bw, " j/k move  Enter choose  Esc cancel", false,
	       ui->attr[TH_HINT]);
	refresh();
}

int ui_choose(struct ui *ui, const char *title, const char *const *items, int n)
{
	int sel = 0, ch, bw = 44;

	if (n <= 0)
		return -1;
	if (n > LINES - 4)
		n = LINES - 4;
	for (int i = 0; i < n; i++)
		if ((int)utf8_width(items[i], strlen(items[i])) + 4 > bw)
			bw = (int)utf8_width(items[i], strlen(items[i])) + 4;
	if (bw > COLS - 2)
		bw = COLS - 2;
	timeout(-1);
	for (;;) {
		choose_draw(ui, title, items, n, sel, bw);
		ch = getch();
		if (ch == ERR) {             /* end of input */
			sel = -1;
			break;
		}
		if (ch == 'j' || ch == KEY_DOWN)
			sel = (sel + 1) % n;
		else if (ch == 'k' || ch == KEY_UP)
			sel = (sel + n - 1) % n;
		else if (ch == '\n' || ch == KEY_ENTER)
			break;
		else if (ch == 27 || ch == 'q' || ch == CTRL('c')) {
			sel = -1;
			break;
		}
	}
	timeout(200);
	return sel;
}
