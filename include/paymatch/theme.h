/* UI themes: themes/NAME.yaml names the colours of each UI element with fallback lists
 * (`fg: [246, blue]`: the first colour the terminal has wins). Curses-free: the UI maps the
 * resolved styles to colour pairs. Built-in copies of the shipped themes are compiled in. */
#ifndef PAYMATCH_THEME_H
#define PAYMATCH_THEME_H

#include <stdbool.h>
#include <stddef.h>

#include "paymatch/error.h"

enum theme_element {
	TH_TITLE, TH_STATUS, TH_HINT, TH_HEADER, TH_ROW, TH_ROW_ALT, TH_SELECTED, TH_MARKED,
	TH_AMOUNT_NEGATIVE, TH_STATUS_AUTO, TH_STATUS_SUGGESTED, TH_STATUS_CONFIRMED,
	TH_STATUS_MANUAL, TH_STATUS_REJECTED, TH_BAR, TH_BAR_EMPTY, TH_FIGURE, TH_LABEL,
	TH_DETAIL, TH_MESSAGE, TH_ERROR, TH_KEY,
	TH_COUNT
};

enum theme_attr {
	THEME_BOLD = 1, THEME_REVERSE = 2, THEME_UNDERLINE = 4, THEME_DIM = 8, THEME_STANDOUT = 16
};

#define THEME_MAX_FALLBACKS 4
#define THEME_DEFAULT_COLOR (-1)

struct theme_style {
	short fg[THEME_MAX_FALLBACKS];   /* 0..255 or THEME_DEFAULT_COLOR */
	int nfg;
	short bg[THEME_MAX_FALLBACKS];
	int nbg;
	unsigned attrs;                  /* enum theme_attr bits, any colour tier */
	unsigned mono;                   /* attributes on a monochrome terminal */
};

struct theme {
	char name[64];
	char source[512];                /* file it came from, or "built-in NAME" */
	struct theme_style el[TH_COUNT];
};

/* Returns the YAML key of element e ("row_alt"). */
const char *theme_element_name(enum theme_element e);

/* Returns the compiled-in text of shipped theme name, or NULL. */
const char *theme_builtin(const char *name);

/* Returns the names of the shipped themes, NULL-terminated. */
const char *const *theme_builtin_names(void);

/* Parses theme YAML text over *th (elements it does not name keep their style). file names
 * the text in errors ("dark.yaml:3:9: unknown colour 'blu'"). Returns 0 or PM_ECONFIG. */
int theme_parse(const char *text, size_t len, const char *file, struct theme *th,
                struct pm_error *err);

/* Loads theme name_or_path: a path (contains '/' or ends in .yaml), else
 * $XDG_CONFIG_HOME/paymatch/themes/NAME.yaml, ./themes/NAME.yaml, PM_DATADIR/themes/NAME.yaml,
 * then the built-in copy. NULL means "default". On error *th holds the built-in default and
 * the error (file:line:column) is returned: PM_ECONFIG or PM_ENOINPUT. */
int theme_load(const char *name_or_path, struct theme *th, struct pm_error *err);

/* Returns the first colour of list (n entries) a terminal with colors colours shows
 * (named colours 0-7 need 8, numbers need colors > n), else THEME_DEFAULT_COLOR. */
short theme_pick(const short *list, int n, int colors);

#endif
