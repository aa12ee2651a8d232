/* Theme files: fallback lists, attributes, errors with file:line:column, the search path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "paymatch/strbuf.h"
#include "paymatch/theme.h"

static struct pm_error E;

/* The source tree: the part of __FILE__ before tests/unit/ (the build runs from the root). */
static const char *srcroot(void)
{
	static char root[512];
	const char *at = strstr(__FILE__, "tests/unit/");
	size_t n = at ? (size_t)(at - __FILE__) : 0;

	snprintf(root, sizeof root, "%.*s", (int)n, __FILE__);
	if (!root[0])
		snprintf(root, sizeof root, ".");
	return root;
}

static int parse(const char *text, struct theme *th)
{
	memset(th, 0, sizeof *th);
	return theme_parse(text, strlen(text), "t.yaml", th, &E);
}

static void test_theme_fallback_list_picks_first_colour_the_terminal_has(void **state)
{
	struct theme th;

	(void)state;
	assert_int_equal(parse("row: { fg: [246, blue], bg: default }\n", &th), 0);
	assert_int_equal(th.el[TH_ROW].nfg, 2);
	assert_int_equal(theme_pick(th.el[TH_ROW].fg, th.el[TH_ROW].nfg, 256), 246);
	assert_int_equal(theme_pick(th.el[TH_ROW].fg, th.el[TH_ROW].nfg, 8), 4);
	assert_int_equal(theme_pick(th.el[TH_ROW].fg, th.el[TH_ROW].nfg, 0), THEME_DEFAULT_COLOR);
	assert_int_equal(theme_pick(th.el[TH_ROW].bg, th.el[TH_ROW].nbg, 256), THEME_DEFAULT_COLOR);
}

static void test_theme_attrs_and_mono_are_parsed(void **state)
{
	struct theme th;

	(void)state;
	assert_int_equal(parse("title:\n  fg: white\n  attrs: [bold, underline]\n  mono: reverse\n",
	                       &th), 0);
	assert_int_equal(th.el[TH_TITLE].attrs, THEME_BOLD | THEME_UNDERLINE);
	assert_int_equal(th.el[TH_TITLE].mono, THEME_REVERSE);
	assert_int_equal(th.el[TH_TITLE].fg[0], 7);
}

static void test_theme_bad_colour_reports_line_and_column(void **state)
{
	struct theme th;

	(void)state;
	assert_int_equal(parse("name: x\nrow: { fg: [246, blu] }\n", &th), PM_ECONFIG);
	assert_int_equal(E.line, 2);
	assert_int_equal(E.column, 18);
	assert_non_null(strstr(E.msg, "t.yaml:2:18: unknown colour 'blu'"));
}

static void test_theme_unknown_element_is_an_error(void **state)
{
	struct theme th;

	(void)state;
	assert_int_equal(parse("name: x\n\nrows: { fg: red }\n", &th), PM_ECONFIG);
	assert_non_null(strstr(E.msg, "t.yaml:3:1: unknown UI element 'rows'"));
}

static void test_theme_syntax_error_reports_position(void **state)
{
	struct theme th;

	(void)state;
	assert_int_equal(parse("row: { fg: [1, 2 }\n", &th), PM_ECONFIG);
	assert_true(E.line == 1);
	assert_true(E.column > 0);
}

static void test_theme_aliases_and_duplicates_are_refused(void **state)
{
	struct theme th;

	(void)state;
	assert_int_equal(parse("row: &a { fg: red }\nrow_alt: *a\n", &th), PM_ECONFIG);
	assert_non_null(strstr(E.msg, "aliases"));
	assert_int_equal(parse("row: { fg: red }\nrow: { fg: blue }\n", &th), PM_ECONFIG);
	assert_non_null(strstr(E.msg, "t.yaml:2:1: duplicate"));
}

static void test_theme_every_builtin_parses_and_names_every_element(void **state)
{
	const char *const *names = theme_builtin_names();

	(void)state;
	for (size_t i = 0; names[i]; i++) {
		struct theme th;
		const char *text = theme_builtin(names[i]);

		memset(&th, 0, sizeof th);
		assert_int_equal(theme_parse(text, strlen(text), names[i], &th, &E), 0);
		assert_string_equal(th.name, names[i]);
		for (int e = 0; e < TH_COUNT; e++)
			assert_true(th.el[e].nfg > 0);
	}
}

/* The compiled-in copies must be the shipped files, byte for byte. */
static void test_theme_builtins_equal_the_shipped_files(void **state)
{
	const char *const *names = theme_builtin_names();

	(void)state;
	for (size_t i = 0; names[i]; i++) {
		char path[1100];
		struct strbuf sb = STRBUF_INIT;
		char buf[4096];
		size_t n;
		FILE *f;

		snprintf(path, sizeof path, "%s/themes/%s.yaml", srcroot(), names[i]);
		f = fopen(path, "rb");
		assert_non_null(f);
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			strbuf_add(&sb, buf, n);
		fclose(f);
		assert_string_equal(strbuf_str(&sb), theme_builtin(names[i]));
		strbuf_release(&sb);
	}
}

static void test_theme_load_bad_file_falls_back_to_default(void **state)
{
	struct theme th;
	char path[] = "/tmp/pm-theme-XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	FILE *f = fdopen(fd, "w");

	(void)state;
	fputs("name: broken\nselected: { fg: [300] }\n", f);
	fclose(f);
	assert_int_equal(theme_load(path, &th, &E), PM_ECONFIG);
	assert_non_null(strstr(E.msg, ":2:"));
	assert_string_equal(th.name, "default");
	remove(path);
}

static void test_theme_load_finds_builtin_when_no_file(void **state)
{
	struct theme th;

	(void)state;
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	assert_int_equal(theme_load("high-contrast", &th, &E), 0);
	assert_string_equal(th.name, "high-contrast");
	assert_int_equal(theme_load("no-such-theme", &th, &E), PM_ENOINPUT);
	assert_string_equal(th.name, "default");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_theme_fallback_list_picks_first_colour_the_terminal_has),
		cmocka_unit_test(test_theme_attrs_and_mono_are_parsed),
		cmocka_unit_test(test_theme_bad_colour_reports_line_and_column),
		cmocka_unit_test(test_theme_unknown_element_is_an_error),
		cmocka_unit_test(test_theme_syntax_error_reports_position),
		cmocka_unit_test(test_theme_aliases_and_duplicates_are_refused),
		cmocka_unit_test(test_theme_every_builtin_parses_and_names_every_element),
		cmocka_unit_test(test_theme_builtins_equal_the_shipped_files),
		cmocka_unit_test(test_theme_load_bad_file_falls_back_to_default),
		cmocka_unit_test(test_theme_load_finds_builtin_when_no_file),
	};

	return cmocka_run_group_tests_name("theme", tests, NULL, NULL);
}
