/* The shipped themes, compiled in so a missing themes directory still works.
 * Byte-identical copies of the files in themes/ (tests/unit/test_theme.c checks they agree). */
#include <stddef.h>
#include <string.h>

#include "paymatch/theme.h"

static const char THEME_DEFAULT[] =
	"# paymatch theme \"default\": works on dark and light terminals.\n"
	"# Each UI element: fg / bg as a fallback list (the first colour the terminal has wins:\n"
	"# 0-255 on 256-colour terminals, names on 8-colour ones), attrs for every colour tier,\n"
	"# mono for monochrome terminals and NO_COLOR. \"default\" keeps the terminal's own colour.\n"
	"name: default\n"
	"title:            { fg: [231, white], bg: [24, blue], attrs: [bold], mono: [reverse, bold] }\n"
	"status:           { fg: [252, white], bg: [238, black], mono: [reverse] }\n"
	"hint:             { fg: [244, default], bg: default, mono: [dim] }\n"
	"header:           { fg: [39, cyan], bg: default, attrs: [bold, underline], mono: [bold, underline] }\n"
	"row:              { fg: default, bg: default }\n"
	"row_alt:          { fg: default, bg: [235, default] }\n"
	"selected:         { fg: [231, black], bg: [25, cyan], attrs: [bold], mono: [reverse] }\n"
	"marked:           { fg: [220, yellow], bg: default, attrs: [bold], mono: [bold, underline] }\n"
	"amount_negative:  { fg: [203, red], bg: default }\n"
	"status_auto:      { fg: [71, green], bg: default }\n"
	"status_suggested: { fg: [214, yellow], bg: default, mono: [bold] }\n"
	"status_confirmed: { fg: [42, green], bg: default, attrs: [bold] }\n"
	"status_manual:    { fg: [75, cyan], bg: default }\n"
	"status_rejected:  { fg: [244, red], bg: default, mono: [dim] }\n"
	"bar:              { fg: [39, blue], bg: default, mono: [bold] }\n"
	"bar_empty:        { fg: [238, default], bg: default, mono: [dim] }\n"
	"figure:           { fg: [231, white], bg: default, attrs: [bold], mono: [bold] }\n"
	"label:            { fg: [249, default], bg: default }\n"
	"detail:           { fg: default, bg: [236, default], mono: [] }\n"
	"message:          { fg: [118, green], bg: [238, black], attrs: [bold], mono: [reverse, bold] }\n"
	"error:            { fg: [231, white], bg: [160, red], attrs: [bold], mono: [reverse, bold] }\n"
	"key:              { fg: [214, yellow], bg: default, attrs: [bold], mono: [bold] }\n";

static const char THEME_DARK[] =
	"# paymatch theme \"dark\": for dark terminal backgrounds, softer contrast.\n"
	"name: dark\n"
	"title:            { fg: [254, white], bg: [237, black], attrs: [bold], mono: [reverse, bold] }\n"
	"status:           { fg: [250, white], bg: [235, black], mono: [reverse] }\n"
	"hint:             { fg: [242, white], bg: default, mono: [dim] }\n"
	"header:           { fg: [110, cyan], bg: default, attrs: [bold], mono: [bold, underline] }\n"
	"row:              { fg: [252, white], bg: default }\n"
	"row_alt:          { fg: [252, white], bg: [234, default] }\n"
	"selected:         { fg: [232, black], bg: [110, cyan], mono: [reverse] }\n"
	"marked:           { fg: [221, yellow], bg: default, attrs: [bold], mono: [bold, underline] }\n"
	"amount_negative:  { fg: [174, red], bg: default }\n"
	"status_auto:      { fg: [108, green], bg: default }\n"
	"status_suggested: { fg: [179, yellow], bg: default, mono: [bold] }\n"
	"status_confirmed: { fg: [114, green], bg: default, attrs: [bold] }\n"
	"status_manual:    { fg: [117, cyan], bg: default }\n"
	"status_rejected:  { fg: [243, red], bg: default, mono: [dim] }\n"
	"bar:              { fg: [110, cyan], bg: default, mono: [bold] }\n"
	"bar_empty:        { fg: [237, black], bg: default, mono: [dim] }\n"
	"figure:           { fg: [255, white], bg: default, attrs: [bold], mono: [bold] }\n"
	"label:            { fg: [245, white], bg: default }\n"
	"detail:           { fg: [252, white], bg: [235, default], mono: [] }\n"
	"message:          { fg: [150, green], bg: [235, black], mono: [reverse, bold] }\n"
	"error:            { fg: [224, white], bg: [88, red], attrs: [bold], mono: [reverse, bold] }\n"
	"key:              { fg: [179, yellow], bg: default, attrs: [bold], mono: [bold] }\n";

static const char THEME_LIGHT[] =
	"# paymatch theme \"light\": for light (white) terminal backgrounds.\n"
	"name: light\n"
	"title:            { fg: [255, white], bg: [25, blue], attrs: [bold], mono: [reverse, bold] }\n"
	"status:           { fg: [235, black], bg: [252, white], mono: [reverse] }\n"
	"hint:             { fg: [241, black], bg: default, mono: [dim] }\n"
	"header:           { fg: [18, blue], bg: default, attrs: [bold, underline], mono: [bold, underline] }\n"
	"row:              { fg: [235, black], bg: default }\n"
	"row_alt:          { fg: [235, black], bg: [255, default] }\n"
	"selected:         { fg: [255, white], bg: [31, blue], attrs: [bold], mono: [reverse] }\n"
	"marked:           { fg: [130, magenta], bg: default, attrs: [bold], mono: [bold, underline] }\n"
	"amount_negative:  { fg: [124, red], bg: default }\n"
	"status_auto:      { fg: [28, green], bg: default }\n"
	"status_suggested: { fg: [166, yellow], bg: default, mono: [bold] }\n"
	"status_confirmed: { fg: [22, green], bg: default, attrs: [bold] }\n"
	"status_manual:    { fg: [25, blue], bg: default }\n"
	"status_rejected:  { fg: [245, red], bg: default, mono: [dim] }\n"
	"bar:              { fg: [25, blue], bg: default, mono: [bold] }\n"
	"bar_empty:        { fg: [252, white], bg: default, mono: [dim] }\n"
	"figure:           { fg: [16, black], bg: default, attrs: [bold], mono: [bold] }\n"
	"label:            { fg: [240, black], bg: default }\n"
	"detail:           { fg: [235, black], bg: [254, white], mono: [] }\n"
	"message:          { fg: [22, green], bg: [252, white], attrs: [bold], mono: [reverse, bold] }\n"
	"error:            { fg: [255, white], bg: [124, red], attrs: [bold], mono: [reverse, bold] }\n"
	"key:              { fg: [130, magenta], bg: default, attrs: [bold], mono: [bold] }\n";

static const char THEME_HIGH_CONTRAST[] =
	"# paymatch theme \"high-contrast\": pure black/white with saturated accents, bold text.\n"
	"name: high-contrast\n"
	"title:            { fg: [16, black], bg: [226, yellow], attrs: [bold], mono: [reverse, bold] }\n"
	"status:           { fg: [231, white], bg: [16, black], attrs: [bold], mono: [reverse] }\n"
	"hint:             { fg: [231, white], bg: default, mono: [bold] }\n"
	"header:           { fg: [226, yellow], bg: default, attrs: [bold, underline], mono: [bold, underline] }\n"
	"row:              { fg: [231, white], bg: default, attrs: [bold] }\n"
	"row_alt:          { fg: [231, white], bg: default, attrs: [bold] }\n"
	"selected:         { fg: [16, black], bg: [231, white], attrs: [bold], mono: [reverse, bold] }\n"
	"marked:           { fg: [51, cyan], bg: default, attrs: [bold, underline], mono: [bold, underline] }\n"
	"amount_negative:  { fg: [196, red], bg: default, attrs: [bold] }\n"
	"status_auto:      { fg: [46, green], bg: default, attrs: [bold] }\n"
	"status_suggested: { fg: [226, yellow], bg: default, attrs: [bold], mono: [bold] }\n"
	"status_confirmed: { fg: [46, green], bg: default, attrs: [bold, underline] }\n"
	"status_manual:    { fg: [51, cyan], bg: default, attrs: [bold] }\n"
	"status_rejected:  { fg: [196, red], bg: default, attrs: [bold], mono: [underline] }\n"
	"bar:              { fg: [226, yellow], bg: default, attrs: [bold], mono: [bold] }\n"
	"bar_empty:        { fg: [244, white], bg: default }\n"
	"figure:           { fg: [231, white], bg: default, attrs: [bold], mono: [bold] }\n"
	"label:            { fg: [231, white], bg: default }\n"
	"detail:           { fg: [231, white], bg: [16, black], mono: [] }\n"
	"message:          { fg: [16, black], bg: [46, green], attrs: [bold], mono: [reverse, bold] }\n"
	"error:            { fg: [231, white], bg: [196, red], attrs: [bold], mono: [reverse, bold] }\n"
	"key:              { fg: [226, yellow], bg: default, attrs: [bold], mono: [bold] }\n";

static const char THEME_MONO[] =
	"# paymatch theme \"mono\": no colours at all, only bold / reverse / underline (also what\n"
	"# NO_COLOR and terminals without colours get, whatever theme was asked for).\n"
	"name: mono\n"
	"title:            { fg: default, bg: default, attrs: [reverse, bold], mono: [reverse, bold] }\n"
	"status:           { fg: default, bg: default, attrs: [reverse], mono: [reverse] }\n"
	"hint:             { fg: default, bg: default, attrs: [dim], mono: [dim] }\n"
	"header:           { fg: default, bg: default, attrs: [bold, underline], mono: [bold, underline] }\n"
	"row:              { fg: default, bg: default }\n"
	"row_alt:          { fg: default, bg: default }\n"
	"selected:         { fg: default, bg: default, attrs: [reverse], mono: [reverse] }\n"
	"marked:           { fg: default, bg: default, attrs: [bold, underline], mono: [bold, underline] }\n"
	"amount_negative:  { fg: default, bg: default }\n"
	"status_auto:      { fg: default, bg: default }\n"
	"status_suggested: { fg: default, bg: default, attrs: [bold], mono: [bold] }\n"
	"status_confirmed: { fg: default, bg: default }\n"
	"status_manual:    { fg: default, bg: default }\n"
	"status_rejected:  { fg: default, bg: default, attrs: [dim], mono: [dim] }\n"
	"bar:              { fg: default, bg: default, attrs: [bold], mono: [bold] }\n"
	"bar_empty:        { fg: default, bg: default, attrs: [dim], mono: [dim] }\n"
	"figure:           { fg: default, bg: default, attrs: [bold], mono: [bold] }\n"
	"label:            { fg: default, bg: default }\n"
	"detail:           { fg: default, bg: default }\n"
	"message:          { fg: default, bg: default, attrs: [reverse, bold], mono: [reverse, bold] }\n"
	"error:            { fg: default, bg: default, attrs: [reverse, bold], mono: [reverse, bold] }\n"
	"key:              { fg: default, bg: default, attrs: [bold], mono: [bold] }\n";

static const char *const NAMES[] = { "default", "dark", "light", "high-contrast", "mono", NULL };
static const char *const TEXTS[] = { THEME_DEFAULT, THEME_DARK, THEME_LIGHT, THEME_HIGH_CONTRAST, THEME_MONO };

const char *const *theme_builtin_names(void)
{
	return NAMES;
}

const char *theme_builtin(const char *name)
{
	for (size_t i = 0; NAMES[i]; i++)
		if (strcmp(NAMES[i], name) == 0)
			return TEXTS[i];
	return NULL;
}
