/* The binding table: unique keys per context and per lookup chain, a long name for every
 * binding, help and docs/UI.md generated from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <curses.h>

#include "paymatch/keymap.h"

static const struct keymap_chain *const CHAINS[] = {
	&KM_CHAIN_DASHBOARD, &KM_CHAIN_TABLE, &KM_CHAIN_EXCEPTIONS, &KM_CHAIN_PICKER,
	&KM_CHAIN_HELP, &KM_CHAIN_PROGRESS,
};

static void test_keymap_every_request_has_a_unique_long_name_and_help(void **state)
{
	(void)state;
	assert_int_equal(NREQUESTS, REQ_COUNT - 1);
	for (size_t i = 0; i < NREQUESTS; i++) {
		assert_true(strlen(REQUESTS[i].name) > 2);
		assert_true(strlen(REQUESTS[i].help) > 2);
		assert_ptr_equal(keymap_request(REQUESTS[i].req), &REQUESTS[i]);
		assert_int_equal(keymap_request_by_name(REQUESTS[i].name), REQUESTS[i].req);
		for (size_t j = i + 1; j < NREQUESTS; j++)
			assert_string_not_equal(REQUESTS[i].name, REQUESTS[j].name);
	}
}

static void test_keymap_every_binding_names_a_known_request(void **state)
{
	(void)state;
	for (size_t i = 0; i < NBINDINGS; i++) {
		assert_non_null(keymap_request(BINDINGS[i].req));
		assert_true(BINDINGS[i].ctx < KM_NCONTEXTS);
	}
}

static void test_keymap_every_request_is_bound(void **state)
{
	(void)state;
	for (size_t r = 0; r < NREQUESTS; r++) {
		bool bound = false;

		for (size_t i = 0; i < NBINDINGS; i++)
			bound |= BINDINGS[i].req == REQUESTS[r].req;
		if (!bound)
			fail_msg("request %s has no key", REQUESTS[r].name);
	}
}

static void test_keymap_keys_are_unique_per_context(void **state)
{
	(void)state;
	for (size_t i = 0; i < NBINDINGS; i++)
		for (size_t j = i + 1; j < NBINDINGS; j++)
			if (BINDINGS[i].ctx == BINDINGS[j].ctx && BINDINGS[i].key == BINDINGS[j].key)
				fail_msg("key %d bound twice in context %s", BINDINGS[i].key,
				         keymap_context_name(BINDINGS[i].ctx));
}

/* A key bound in two contexts of one chain would silently shadow one of them. */
static void test_keymap_no_key_is_shadowed_within_a_chain(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof CHAINS / sizeof CHAINS[0]; c++)
		for (size_t i = 0; i < NBINDINGS; i++)
			for (size_t j = i + 1; j < NBINDINGS; j++) {
				bool in_i = false, in_j = false;

				if (BINDINGS[i].key != BINDINGS[j].key)
					continue;
				for (int k = 0; k < KM_CHAIN_MAX && CHAINS[c]->ctx[k] != KM_NCONTEXTS; k++) {
					in_i |= CHAINS[c]->ctx[k] == BINDINGS[i].ctx;
					in_j |= CHAINS[c]->ctx[k] == BINDINGS[j].ctx;
				}
				if (in_i && in_j)
					fail_msg("key %d is shadowed in chain %zu", BINDINGS[i].key, c);
			}
}

static void test_keymap_lookup_follows_the_chain(void **state)
{
	(void)state;
	assert_int_equal(keymap_lookup(&KM_CHAIN_TABLE, 'j'), REQ_MOVE_DOWN);
	assert_int_equal(keymap_lookup(&KM_CHAIN_TABLE, KEY_DOWN), REQ_MOVE_DOWN);
	assert_int_equal(keymap_lookup(&KM_CHAIN_TABLE, KEY_BTAB), REQ_PREV_VIEW);
	assert_int_equal(keymap_lookup(&KM_CHAIN_EXCEPTIONS, 'r'), REQ_REJECT);
	assert_int_equal(keymap_lookup(&KM_CHAIN_TABLE, 'r'), REQ_NONE);
	assert_int_equal(keymap_lookup(&KM_CHAIN_EXCEPTIONS, 'n'), REQ_SEARCH_NEXT);
	assert_int_equal(keymap_lookup(&KM_CHAIN_EXCEPTIONS, 'I'), REQ_SORT_INVERT);
	assert_int_equal(keymap_lookup(&KM_CHAIN_EXCEPTIONS, 'R'), REQ_REFRESH);
	assert_int_equal(keymap_lookup(&KM_CHAIN_PICKER, ' '), REQ_PICK_ALLOCATE);
	assert_int_equal(keymap_lookup(&KM_CHAIN_PROGRESS, 3), REQ_CANCEL);
	assert_int_equal(keymap_lookup(&KM_CHAIN_PROGRESS, 'j'), REQ_NONE);
	for (int d = 0; d < 6; d++)
		assert_int_equal(keymap_lookup(&KM_CHAIN_DASHBOARD, '1' + d), REQ_VIEW_DASHBOARD + d);
}

static void test_keymap_key_names(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(keymap_key_name(KEY_BTAB, buf, sizeof buf), "S-Tab");
	assert_string_equal(keymap_key_name(6, buf, sizeof buf), "C-f");
	assert_string_equal(keymap_key_name(' ', buf, sizeof buf), "Space");
	assert_string_equal(keymap_key_name('\n', buf, sizeof buf), "Enter");
	assert_string_equal(keymap_key_name('A', buf, sizeof buf), "A");
}

static void test_keymap_help_is_generated_for_the_chain(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(keymap_help_text(&KM_CHAIN_EXCEPTIONS, &sb), 0);
	assert_non_null(strstr(strbuf_str(&sb), "accept-marked"));
	assert_non_null(strstr(strbuf_str(&sb), "j, Down"));
	assert_non_null(strstr(strbuf_str(&sb), "PgDn, C-f"));
	strbuf_reset(&sb);
	assert_int_equal(keymap_help_text(&KM_CHAIN_TABLE, &sb), 0);
	assert_null(strstr(strbuf_str(&sb), "accept-marked"));
	assert_non_null(strstr(strbuf_str(&sb), "search-next"));
	strbuf_release(&sb);
}

static char *read_docs(void)
{
	static char buf[65536];
	char path[512];
	const char *at = strstr(__FILE__, "tests/unit/");
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%.*sdocs/UI.md", at ? (int)(at - __FILE__) : 0, __FILE__);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* docs/UI.md's keys section is `paymatch ui --print-keys`: they cannot drift apart. */
static void test_keymap_docs_match_the_table(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *doc = read_docs(), *begin, *end;

	(void)state;
	assert_non_null(doc);
	begin = strstr(doc, "<!-- keys:begin -->\n");
	end = strstr(doc, "<!-- keys:end -->");
	assert_non_null(begin);
	assert_non_null(end);
	begin += strlen("<!-- keys:begin -->\n");
	*end = 0;
	assert_int_equal(keymap_markdown(&sb), 0);
	if (strcmp(begin, strbuf_str(&sb)) != 0)
		fail_msg("docs/UI.md keys differ from the table: regenerate with "
		         "'paymatch ui --print-keys'");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keymap_every_request_has_a_unique_long_name_and_help),
		cmocka_unit_test(test_keymap_every_binding_names_a_known_request),
		cmocka_unit_test(test_keymap_every_request_is_bound),
		cmocka_unit_test(test_keymap_keys_are_unique_per_context),
		cmocka_unit_test(test_keymap_no_key_is_shadowed_within_a_chain),
		cmocka_unit_test(test_keymap_lookup_follows_the_chain),
		cmocka_unit_test(test_keymap_key_names),
		cmocka_unit_test(test_keymap_help_is_generated_for_the_chain),
		cmocka_unit_test(test_keymap_docs_match_the_table),
	};

	return cmocka_run_group_tests_name("keymap", tests, NULL, NULL);
}
