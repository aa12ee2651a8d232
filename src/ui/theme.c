/* Theme files: a libyaml event walker (marks give file:line:column), the search path and
 * the colour fallback rule. No curses here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "paymatch/strbuf.h"
#include "paymatch/theme.h"

#ifndef PM_DATADIR
#define PM_DATADIR "/usr/local/share/paymatch"
#endif

static const char *const ELEMENT_NAMES[TH_COUNT] = {
	[TH_TITLE] = "title", [TH_STATUS] = "status", [TH_HINT] = "hint",
	[TH_HEADER] = "header", [TH_ROW] = "row", [TH_ROW_ALT] = "row_alt",
	[TH_SELECTED] = "selected", [TH_MARKED] = "marked",
	[TH_AMOUNT_NEGATIVE] = "amount_negative", [TH_STATUS_AUTO] = "status_auto",
	[TH_STATUS_SUGGESTED] = "status_suggested", [TH_STATUS_CONFIRMED] = "status_confirmed",
	[TH_STATUS_MANUAL] = "status_manual", [TH_STATUS_REJECTED] = "status_rejected",
	[TH_BAR] = "bar", [TH_BAR_EMPTY] = "bar_empty", [TH_FIGURE] = "figure",
	[TH_LABEL] = "label", [TH_DETAIL] = "detail", [TH_MESSAGE] = "message",
	[TH_ERROR] = "error", [TH_KEY] = "key",
};

static const char *const COLOR_NAMES[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

static const struct {
	const char *name;
	unsigned bit;
} ATTR_NAMES[] = {
	{ "bold", THEME_BOLD }, { "reverse", THEME_REVERSE }, { "underline", THEME_UNDERLINE },
	{ "dim", THEME_DIM }, { "standout", THEME_STANDOUT },
};

const char *theme_element_name(enum theme_element e)
{
	return e < TH_COUNT ? ELEMENT_NAMES[e] : "?";
}

short theme_pick(const short *list, int n, int colors)
{
	for (int i = 0; i < n; i++) {
		if (list[i] == THEME_DEFAULT_COLOR)
			return THEME_DEFAULT_COLOR;
		if (list[i] < colors)
			return list[i];
	}
	return THEME_DEFAULT_COLOR;
}

/* The walker's state: one parser, the file name for messages, the event in hand. */
struct walk {
	yaml_parser_t parser;
	yaml_event_t ev;
	bool have_ev;
	const char *file;
	struct pm_error *err;
};

static int walk_error(struct walk *w, const yaml_mark_t *mark, const char *fmt, const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof msg, fmt, arg);
	pm_error_set(w->err, PM_ECONFIG, "%s:%lu:%lu: %s", w->file, (unsigned long)mark->line + 1,
	             (unsigned long)mark->column + 1, msg);
	w->err->line = (long)mark->line + 1;
	w->err->column = (long)mark->column + 1;
	return PM_ECONFIG;
}

/* Takes the next event (freeing the previous one); refuses aliases and anchors. */
static int next(struct walk *w)
{
	if (w->have_ev)
		yaml_event_delete(&w->ev);
	w->have_ev = false;
	if (!yaml_parser_parse(&w->parser, &w->ev)) {
		const char *problem = w->parser.problem ? w->parser.problem : "syntax error";

		return walk_error(w, &w->parser.problem_mark, "%s", problem);
	}
	w->have_ev = true;
	if (w->ev.type == YAML_ALIAS_EVENT)
		return walk_error(w, &w->ev.start_mark, "%s", "aliases are not allowed in themes");
	return 0;
}

static const char *scalar(const struct walk *w)
{
	return (const char *)w->ev.data.scalar.value;
}

static int parse_color(struct walk *w, short *out)
{
	const char *s = scalar(w);
	char *end;
	long v;

	if (strcmp(s, "default") == 0) {
		*out = THEME_DEFAULT_COLOR;
		return 0;
	}
	for (short i = 0; i < 8; i++)
		if (strcmp(s, COLOR_NAMES[i]) == 0) {
			*out = i;
			return 0;
		}
	v = strtol(s, &end, 10);
	if (*s && !*end && v >= 0 && v <= 255) {
		*out = (short)v;
		return 0;
	}
	return walk_error(w, &w->ev.start_mark,
	                  "unknown colour '%s' (0-255, black..white or default)", s);
}

static int parse_attr(struct walk *w, unsigned *out)
{
	for (size_t i = 0; i < sizeof ATTR_NAMES / sizeof ATTR_NAMES[0]; i++)
		if (strcmp(scalar(w), ATTR_NAMES[i].name) == 0) {
			*out |= ATTR_NAMES[i].bit;
			return 0;
		}
	return walk_error(w, &w->ev.start_mark,
	                  "unknown attribute '%s' (bold, reverse, underline, dim, standout)",
	                  scalar(w));
}

/* A colour list value: one scalar or a sequence of up to THEME_MAX_FALLBACKS scalars. */
static int parse_colors(struct walk *w, short *list, int *n)
{
	bool seq;

	if (next(w))
		return PM_ECONFIG;
	seq = w->ev.type == YAML_SEQUENCE_START_EVENT;
	*n = 0;
	if (seq && next(w))
		return PM_ECONFIG;
	while (w->ev.type == YAML_SCALAR_EVENT) {
		if (*n == THEME_MAX_FALLBACKS)
			return walk_error(w, &w->ev.start_mark, "more than %s fallback colours", "4");
		if (parse_color(w, &list[*n]))
			return PM_ECONFIG;
		(*n)++;
		if (!seq || next(w))
			return seq ? PM_ECONFIG : 0;
	}
	if (!seq || w->ev.type != YAML_SEQUENCE_END_EVENT)
		return walk_error(w, &w->ev.start_mark, "%s", "expected a colour or a list of colours");
	return 0;
}

static int parse_attrs(struct walk *w, unsigned *bits)
{
	bool seq;

	if (next(w))
		return PM_ECONFIG;
	seq = w->ev.type == YAML_SEQUENCE_START_EVENT;
	*bits = 0;
	if (seq && next(w))
		return PM_ECONFIG;
	while (w->ev.type == YAML_SCALAR_EVENT) {
		if (parse_attr(w, bits))
			return PM_ECONFIG;
		if (!seq || next(w))
			return seq ? PM_ECONFIG : 0;
	}
	if (!seq || w->ev.type != YAML_SEQUENCE_END_EVENT)
		return walk_error(w, &w->ev.start_mark, "%s", "expected a list of attributes");
	return 0;
}

/* One element's mapping: { fg: ..., bg: ..., attrs: [...], mono: [...] }. */
static int parse_style(struct walk *w, struct theme_style *st)
{
	if (next(w))
		return PM_ECONFIG;
	if (w->ev.type != YAML_MAPPING_START_EVENT)
		return walk_error(w, &w->ev.start_mark, "%s", "expected { fg: ..., bg: ..., attrs: ... }");
	for (;;) {
		const char *key;
		int rc;

		if (next(w))
			return PM_ECONFIG;
		if (w->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (w->ev.type != YAML_SCALAR_EVENT)
			return walk_error(w, &w->ev.start_mark, "%s", "expected a key");
		key = scalar(w);
		if (strcmp(key, "fg") == 0)
			rc = parse_colors(w, st->fg, &st->nfg);
		else if (strcmp(key, "bg") == 0)
			rc = parse_colors(w, st->bg, &st->nbg);
		else if (strcmp(key, "attrs") == 0)
			rc = parse_attrs(w, &st->attrs);
		else if (strcmp(key, "mono") == 0)
			rc = parse_attrs(w, &st->mono);
		else
			rc = walk_error(w, &w->ev.start_mark, "unknown key '%s' (fg, bg, attrs, mono)", key);
		if (rc)
			return rc;
	}
}

static int find_element(const char *name)
{
	for (int e = 0; e < TH_COUNT; e++)
		if (strcmp(ELEMENT_NAMES[e], name) == 0)
			return e;
	return -1;
}

static int parse_top_key(struct walk *w, struct theme *th, unsigned *seen)
{
	const char *key = scalar(w);
	int e = find_element(key);

	if (strcmp(key, "name") == 0) {
		if (next(w))
			return PM_ECONFIG;
		if (w->ev.type != YAML_SCALAR_EVENT)
			return walk_error(w, &w->ev.start_mark, "%s", "name must be text");
		snprintf(th->name, sizeof th->name, "%s", scalar(w));
		return 0;
	}
	if (e < 0)
		return walk_error(w, &w->ev.start_mark, "unknown UI element '%s'", key);
	if (*seen & (1u << e))
		return walk_error(w, &w->ev.start_mark, "duplicate element '%s'", key);
	*seen |= 1u << e;
	return parse_style(w, &th->el[e]);
}

static int parse_document(struct walk *w, struct theme *th)
{
	unsigned seen = 0;

	while (!next(w) && (w->ev.type == YAML_STREAM_START_EVENT ||
	                    w->ev.type == YAML_DOCUMENT_START_EVENT))
		;
	if (w->err->code)
		return PM_ECONFIG;
	if (w->ev.type == YAML_STREAM_END_EVENT)
		return 0;             /* an empty file changes nothing */
	if (w->ev.type != YAML_MAPPING_START_EVENT)
		return walk_error(w, &w->ev.start_mark, "%s", "a theme is a mapping of UI elements");
	for (;;) {
		if (next(w))
			return PM_ECONFIG;
		if (w->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (w->ev.type != YAML_SCALAR_EVENT)
			return walk_error(w, &w->ev.start_mark, "%s", "expected an element name");
		if (parse_top_key(w, th, &seen))
			return PM_ECONFIG;
	}
}

int theme_parse(const char *text, size_t len, const char *file, struct theme *th,
                struct pm_error *err)
{
	struct walk w = { .file = file, .err = err };
	int rc;

	pm_error_clear(err);
	if (!yaml_parser_initialize(&w.parser))
		return pm_error_set(err, PM_ESOFTWARE, "out of memory");
	yaml_parser_set_input_string(&w.parser, (const unsigned char *)text, len);
	rc = parse_document(&w, th);
	if (w.have_ev)
		yaml_event_delete(&w.ev);
	yaml_parser_delete(&w.parser);
	return rc;
}

static void load_builtin(const char *name, struct theme *th)
{
	const char *text = theme_builtin(name);
	struct pm_error ignored;

	memset(th, 0, sizeof *th);
	theme_parse(text, strlen(text), name, th, &ignored);
	snprintf(th->source, sizeof th->source, "built-in %s", name);
}

static int read_file(const char *path, struct strbuf *out, struct pm_error *err)
{
	FILE *f = fopen(path, "rb");
	char buf[4096];
	size_t n;

	if (!f)
		return pm_error_set(err, PM_ENOINPUT, "theme %s: cannot open", path);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		if (strbuf_add(out, buf, n) || out->len > (1u << 20)) {
			fclose(f);
			return pm_error_set(err, PM_ECONFIG, "theme %s: too large", path);
		}
	fclose(f);
	return 0;
}

static bool exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The first file on the search path for name, written into path; false when none. */
static bool find_theme_file(const char *name, char *path, size_t n)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg && xdg[0] == '/')     /* relative XDG paths must be ignored */
		snprintf(path, n, "%s/paymatch/themes/%s.yaml", xdg, name);
	else if (home && home[0])
		snprintf(path, n, "%s/.config/paymatch/themes/%s.yaml", home, name);
	else
		path[0] = 0;
	if (path[0] && exists(path))
		return true;
	snprintf(path, n, "themes/%s.yaml", name);
	if (exists(path))
		return true;
	snprintf(path, n, "%s/themes/%s.yaml", PM_DATADIR, name);
	return exists(path);
}

static int load_path(const char *path, struct theme *th, struct pm_error *err)
{
	struct strbuf text = STRBUF_INIT;
	int rc = read_file(path, &text, err);

	if (!rc)
		rc = theme_parse(strbuf_str(&text), text.len, path, th, err);
	if (!rc)
		snprintf(th->source, sizeof th->source, "%s", path);
	strbuf_release(&text);
	return rc;
}

int theme_load(const char *name_or_path, struct theme *th, struct pm_error *err)
{
	const char *name = name_or_path && *name_or_path ? name_or_path : "default";
	size_t len = strlen(name);
	char path[1024];
	int rc;

	pm_error_clear(err);
	load_builtin("default", th);
	if (strchr(name, '/') || (len > 5 && strcmp(name + len - 5, ".yaml") == 0)) {
		rc = load_path(name, th, err);
	} else if (find_theme_file(name, path, sizeof path)) {
		rc = load_path(path, th, err);
	} else if (theme_builtin(name)) {
		load_builtin(name, th);
		return 0;
	} else {
		rc = pm_error_set(err, PM_ENOINPUT, "theme '%s' not found (shipped: default, dark, "
		                  "light, high-contrast, mono)", name);
	}
	if (rc)
		load_builtin("default", th);
	return rc;
}
