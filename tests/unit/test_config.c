/* Unit tests for the configuration: defaults, every error with its exact position,
 * the round trip through `config show`, profiles, buckets, the XDG lookup, and the
 * documentation generated from the key table. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "paymatch/config.h"
#include "paymatch/progress.h"
#include "paymatch/strbuf.h"

static int load(struct pm_config *cfg, const char *yaml, struct pm_error *err)
{
	pm_error_clear(err);
	return config_load_string(cfg, yaml, strlen(yaml), "t.yaml", err);
}

/* Loads yaml over the defaults and returns the config (the test frees it). */
static struct pm_config *loaded(const char *yaml)
{
	struct pm_config *cfg = config_new();
	struct pm_error err;

	assert_non_null(cfg);
	if (load(cfg, yaml, &err))
		fail_msg("unexpected error: %s", err.msg);
	return cfg;
}

/* yaml must be refused with exactly msg (which starts with "t.yaml:LINE:COL: "). */
static void assert_refused(const char *yaml, const char *msg, long line, long col)
{
	struct pm_config *cfg = config_new();
	struct pm_error err;

	assert_non_null(cfg);
	assert_int_equal(load(cfg, yaml, &err), PM_ECONFIG);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, col);
	config_free(cfg);
}

/* ---- defaults ---- */

static void test_config_new_holds_the_documented_defaults(void **state)
{
	struct pm_config *cfg = config_new();

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(cfg->performance.chunk_size, 10000);
	assert_int_equal(cfg->performance.parallel_workers, 0);
	assert_int_equal(cfg->performance.max_memory_usage_mb, 512);
	assert_int_equal(cfg->performance.busy_timeout_ms, 5000);
	assert_true(cfg->matching.confidence_threshold == 0.75);
	assert_true(cfg->matching.auto_accept == 0.95);
	assert_true(cfg->matching.auto_margin == 0.05);
	assert_true(cfg->matching.fuzzy_threshold == 0.8);
	assert_true(cfg->matching.name_only_cap == 0.9);
	assert_int_equal(cfg->matching.tolerance_minor, 500);
	assert_true(cfg->matching.tolerance_percent == 2.0);
	assert_int_equal(cfg->matching.date_window_days, 120);
	assert_int_equal(cfg->matching.early_days, 10);
	assert_int_equal(cfg->matching.duplicate_window_days, 5);
	assert_int_equal(cfg->matching.subset_max_k, 6);
	assert_int_equal(cfg->matching.subset_budget, 200000);
	assert_int_equal(cfg->matching.max_typos, 1);
	assert_int_equal(cfg->aging.nbuckets, 4);
	assert_int_equal(cfg->aging.buckets[0], 30);
	assert_int_equal(cfg->aging.buckets[3], 120);
	assert_false(cfg->aging.basis_invoice_date);
	assert_string_equal(cfg->ui.theme, "default");
	assert_int_equal(cfg->ui.refresh_ms, 100);
	assert_int_equal(cfg->import.nprofiles, 0);
	assert_null(cfg->source);
	config_free(cfg);
}

static void test_config_default_writeoff_reasons(void **state)
{
	static const char *const codes[] = { "BANK_FEE", "DISCOUNT", "SMALL_DIFF", "BAD_DEBT",
		                             "OTHER" };
	struct pm_config *cfg = config_new();

	(void)state;
	assert_int_equal(cfg->ui.nwriteoff_reasons, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(cfg->ui.writeoff_reasons[i].code, codes[i]);
	assert_string_equal(cfg->ui.writeoff_reasons[1].label, "Early-payment discount");
	config_free(cfg);
}

static void test_config_empty_or_comment_only_file_keeps_defaults(void **state)
{
	static const char *const docs[] = { "", "# nothing here\n", "---\n", "---\n...\n" };

	(void)state;
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		struct pm_config *cfg = loaded(docs[i]);
		assert_int_equal(cfg->performance.chunk_size, 10000);
		assert_string_equal(cfg->source, "t.yaml");
		config_free(cfg);
	}
}

static void test_config_file_overrides_only_its_keys(void **state)
{
	struct pm_config *cfg = loaded("matching:\n  confidence_threshold: 0.6\n"
	                               "performance: {chunk_size: 500}\n");

	(void)state;
	assert_true(cfg->matching.confidence_threshold == 0.6);
	assert_int_equal(cfg->performance.chunk_size, 500);
	assert_true(cfg->matching.auto_accept == 0.95);
	config_free(cfg);
}

/* ---- errors, each with its exact position ---- */

static void test_config_reports_yaml_syntax_errors_with_libyaml_problem(void **state)
{
	(void)state;
	assert_refused("matching:\n    tolerance: 1\n  bad: 2\n",
	               "t.yaml:3:3: did not find expected key (while parsing a block mapping "
	               "that starts at 1:1)", 3, 3);
	assert_refused("aging:\n  buckets: [1, 2\n",
	               "t.yaml:3:1: did not find expected ',' or ']' (while parsing a flow "
	               "sequence that starts at 2:12)", 3, 1);
	assert_refused("ui:\n  theme: a: b\n",
	               "t.yaml:2:11: mapping values are not allowed in this context", 2, 11);
}

static void test_config_reports_invalid_utf8_at_its_character(void **state)
{
	(void)state;
	/* The truncated sequence starts at column 11; the quote after it is the bad octet. */
	assert_refused("ui:\n  theme: \"\xc3\"\n",
	               "t.yaml:2:12: invalid trailing UTF-8 octet (byte 0x22)", 2, 12);
}

static void test_config_suggests_the_closest_key_for_a_typo(void **state)
{
	(void)state;
	assert_refused("matching:\n  confidence_treshold: 0.5\n",
	               "t.yaml:2:3: unknown key 'matching.confidence_treshold'; "
	               "did you mean 'confidence_threshold'?", 2, 3);
	assert_refused("matchign:\n  auto_accept: 0.9\n",
	               "t.yaml:1:1: unknown key 'matchign'; did you mean 'matching'?", 1, 1);
}

static void test_config_lists_known_keys_when_nothing_is_close(void **state)
{
	(void)state;
	assert_refused("ui:\n  colours: 256\n",
	               "t.yaml:2:3: unknown key 'ui.colours' (expected one of: theme, mouse, "
	               "refresh_ms, writeoff_reasons)", 2, 3);
	assert_refused("matching.tolerance: 5\n",
	               "t.yaml:1:1: unknown key 'matching.tolerance' (expected one of: "
	               "performance, matching, import, aging, ui)", 1, 1);
}

static void test_config_wrong_type_says_what_is_expected(void **state)
{
	(void)state;
	assert_refused("matching:\n  confidence_threshold: high\n",
	               "t.yaml:2:25: matching.confidence_threshold: expected a number between 0 "
	               "and 1, got 'high'", 2, 25);
	assert_refused("performance:\n  chunk_size: [1]\n",
	               "t.yaml:2:15: performance.chunk_size: expected an integer between 1 and "
	               "10000000, got a list", 2, 15);
	assert_refused("performance: 5\n",
	               "t.yaml:1:14: performance: expected a mapping of keys (key: value lines), "
	               "got '5'", 1, 14);
}

static void test_config_quoted_number_is_text(void **state)
{
	(void)state;
	assert_refused("matching:\n  max_typos: '1'\n",
	               "t.yaml:2:14: matching.max_typos: expected an integer between 0 and 2, got "
	               "the quoted text '1' (quoted values are text: remove the quotes)", 2, 14);
}

static void test_config_refuses_out_of_range_values(void **state)
{
	(void)state;
	assert_refused("matching:\n  subset_max_k: 9\n",
	               "t.yaml:2:17: matching.subset_max_k: '9' is out of range: expected an "
	               "integer between 1 and 8", 2, 17);
	assert_refused("matching:\n  auto_margin: 1.5\n",
	               "t.yaml:2:16: matching.auto_margin: '1.5' is out of range: expected a "
	               "number between 0 and 1", 2, 16);
	assert_refused("matching:\n  max_typos: -1\n",
	               "t.yaml:2:14: matching.max_typos: '-1' is out of range: expected an "
	               "integer between 0 and 2", 2, 14);
}

static void test_config_integer_overflow_is_out_of_range(void **state)
{
	(void)state;
	assert_refused("matching:\n  subset_budget: 9223372036854775808\n",
	               "t.yaml:2:18: matching.subset_budget: '9223372036854775808' is out of "
	               "range: expected an integer between 0 and 1000000000", 2, 18);
}

static void test_config_numbers_refuse_words_and_hex(void **state)
{
	(void)state;
	assert_refused("matching:\n  fuzzy_threshold: nan\n",
	               "t.yaml:2:20: matching.fuzzy_threshold: expected a number between 0 and 1, "
	               "got 'nan'", 2, 20);
	assert_refused("matching:\n  batch_size: 0x10\n",
	               "t.yaml:2:15: matching.batch_size: expected an integer between 1 and "
	               "1000000, got '0x10'", 2, 15);
}

static void test_config_booleans_are_only_true_and_false(void **state)
{
	struct pm_config *cfg = loaded("ui:\n  mouse: true\n");

	(void)state;
	assert_true(cfg->ui.mouse);
	config_free(cfg);
	assert_refused("ui:\n  mouse: yes\n",
	               "t.yaml:2:10: ui.mouse: expected true or false, got 'yes'", 2, 10);
	assert_refused("ui:\n  mouse: \"true\"\n",
	               "t.yaml:2:10: ui.mouse: expected true or false, got the quoted text 'true' "
	               "(quoted values are text: remove the quotes)", 2, 10);
}

static void test_config_refuses_duplicate_keys(void **state)
{
	(void)state;
	assert_refused("matching:\n  batch_size: 5\n  batch_size: 6\n",
	               "t.yaml:3:3: duplicate key 'matching.batch_size' (first set at line 2)",
	               3, 3);
	assert_refused("ui: {}\nui: {}\n",
	               "t.yaml:2:1: duplicate key 'ui' (first set at line 1)", 2, 1);
}

static void test_config_refuses_anchors_and_aliases(void **state)
{
	(void)state;
	assert_refused("matching: &m\n  max_typos: 1\n",
	               "t.yaml:1:11: anchors and aliases are not allowed in the configuration "
	               "('&m')", 1, 11);
	assert_refused("a: 1\nui:\n  theme: *a\n",
	               "t.yaml:3:10: anchors and aliases are not allowed in the configuration "
	               "('*a')", 3, 10);
}

static void test_config_refuses_nesting_deeper_than_16(void **state)
{
	(void)state;
	/* 16 levels are structure the walker accepts (then refuses as unknown keys). */
	assert_refused("x: [[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]\n",
	               "t.yaml:1:1: unknown key 'x' (expected one of: performance, matching, "
	               "import, aging, ui)", 1, 1);
	assert_refused("x: [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]\n",
	               "t.yaml:1:19: nesting deeper than 16 levels", 1, 19);
}

static void test_config_refuses_tags_and_second_documents(void **state)
{
	(void)state;
	assert_refused("matching:\n  max_typos: !!int 1\n",
	               "t.yaml:2:14: tags are not allowed in the configuration "
	               "('tag:yaml.org,2002:int'); quote the value to make it text", 2, 14);
	assert_refused("ui: {}\n---\nui: {}\n",
	               "t.yaml:2:1: only one YAML document is allowed in the configuration", 2, 1);
}

static void test_config_refuses_a_top_level_that_is_not_a_mapping(void **state)
{
	(void)state;
	assert_refused("- matching\n",
	               "t.yaml:1:1: expected sections (performance:, matching:, import:, aging:, "
	               "ui:) at the top level", 1, 1);
}

static void test_config_auto_accept_must_not_be_below_threshold(void **state)
{
	(void)state;
	assert_refused("matching:\n  auto_accept: 0.7\n",
	               "t.yaml:2:16: matching.confidence_threshold (0.75) must be at most "
	               "matching.auto_accept (0.7)", 2, 16);
	assert_refused("matching:\n  name_only_cap: 0.95\n",
	               "t.yaml:2:18: matching.name_only_cap (0.95) must be below "
	               "matching.auto_accept (0.95)", 2, 18);
}

static void test_config_failed_load_leaves_config_unchanged(void **state)
{
	struct pm_config *cfg = config_new();
	struct pm_error err;

	(void)state;
	assert_int_equal(load(cfg, "performance:\n  chunk_size: 77\nui:\n  mouse: maybe\n", &err),
	                 PM_ECONFIG);
	assert_int_equal(cfg->performance.chunk_size, 10000);
	assert_false(cfg->ui.mouse);
	assert_null(cfg->source);
	config_free(cfg);
}

/* ---- money and sizes ---- */

static void test_config_tolerance_is_read_without_floats_into_minor_units(void **state)
{
	static const struct { const char *yaml; int64_t minor; } ok[] = {
		{ "matching: {tolerance: \"5.00\"}", 500 }, { "matching: {tolerance: 5}", 500 },
		{ "matching: {tolerance: 7.5}", 750 }, { "matching: {tolerance: '0.05'}", 5 },
		{ "matching: {tolerance: 0}", 0 }, { "matching: {tolerance: 1000000.00}", 100000000 },
		{ "matching: {tolerance: 0.29}", 29 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		struct pm_config *cfg = loaded(ok[i].yaml);
		assert_int_equal(cfg->matching.tolerance_minor, ok[i].minor);
		config_free(cfg);
	}
}

static void test_config_tolerance_refuses_three_decimals_and_signs(void **state)
{
	(void)state;
	assert_refused("matching:\n  tolerance: 5.001\n",
	               "t.yaml:2:14: matching.tolerance: expected an amount with at most 2 "
	               "decimals between \"0.00\" and \"1000000.00\", got '5.001'", 2, 14);
	assert_refused("matching:\n  tolerance: \"-5\"\n",
	               "t.yaml:2:14: matching.tolerance: expected an amount with at most 2 "
	               "decimals between \"0.00\" and \"1000000.00\", got '-5'", 2, 14);
	assert_refused("matching:\n  tolerance: 1000000.01\n",
	               "t.yaml:2:14: matching.tolerance: '1000000.01' is out of range: expected "
	               "an amount with at most 2 decimals between \"0.00\" and \"1000000.00\"",
	               2, 14);
}

static void test_config_memory_sizes_accept_units_and_plain_megabytes(void **state)
{
	static const struct { const char *value; int64_t mb; } ok[] = {
		{ "512MB", 512 }, { "\"1GB\"", 1024 }, { "2048", 2048 }, { "1 gb", 1024 },
		{ "1TB", 1048576 }, { "64M", 64 }, { "3GiB", 3072 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		char yaml[128];
		snprintf(yaml, sizeof yaml, "performance:\n  max_memory_usage: %s\n", ok[i].value);
		struct pm_config *cfg = loaded(yaml);
		assert_int_equal(cfg->performance.max_memory_usage_mb, ok[i].mb);
		config_free(cfg);
	}
}

static void test_config_memory_sizes_refuse_fractions_and_tiny_caps(void **state)
{
	(void)state;
	assert_refused("performance:\n  max_memory_usage: 1.5GB\n",
	               "t.yaml:2:21: performance.max_memory_usage: expected a size such as 512MB "
	               "or 1GB (a plain number means MB) between 16MB and 1TB, got '1.5GB'",
	               2, 21);
	assert_refused("performance:\n  max_memory_usage: 8MB\n",
	               "t.yaml:2:21: performance.max_memory_usage: '8MB' is out of range: "
	               "expected a size such as 512MB or 1GB (a plain number means MB) between "
	               "16MB and 1TB", 2, 21);
}

/* ---- the round trip through config_print ---- */

static const char RICH[] =
	"performance: {chunk_size: 2500, parallel_workers: 3, max_memory_usage: 3GB,\n"
	"              busy_timeout_ms: 100}\n"
	"matching:\n"
	"  confidence_threshold: 0.1\n"
	"  auto_accept: 0.30000000000000004\n"
	"  name_only_cap: 0.2\n"
	"  tolerance: 0.07\n"
	"  tolerance_percent: 12.5\n"
	"  max_typos: 2\n"
	"import:\n"
	"  profiles:\n"
	"    bank-de.v2:\n"
	"      delimiter: \";\"\n"
	"      decimal: comma\n"
	"      thousands: \".\"\n"
	"      date_format: dd.mm.yyyy\n"
	"      currency: eur\n"
	"      skip_lines: 4\n"
	"      trim_spaces: false\n"
	"      encoding: latin1\n"
	"      debit_column: \"Soll (EUR)\"\n"
	"      columns:\n"
	"        payment_date: Buchungstag\n"
	"        amount: \"Haben\"\n"
	"        payer_name: \"Auftraggeber \\\"Name\\\"\"\n"
	"        memo: \"Verwendungs\\tzweck\"\n"
	"    erp:\n"
	"      kind: invoices\n"
	"      delimiter: tab\n"
	"      thousands: \"'\"\n"
	"      columns: {invoice_id: \"Inv #\", amount: Total, reference_number: \"Réf.\"}\n"
	"aging: {buckets: [7, 14, 365], basis: invoice_date}\n"
	"ui:\n"
	"  theme: \"/home/a b/my theme.yaml\"\n"
	"  mouse: true\n"
	"  writeoff_reasons:\n"
	"    - {code: FX, label: \"Exchange | rate\"}\n";

static void assert_same_profile(const struct import_profile *a, const struct import_profile *b)
{
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->delimiter, b->delimiter);
	assert_int_equal(a->decimal_sep, b->decimal_sep);
	assert_int_equal(a->thousands_sep, b->thousands_sep);
	assert_int_equal(a->date_format, b->date_format);
	assert_string_equal(a->default_currency, b->default_currency);
	assert_int_equal(a->skip_lines, b->skip_lines);
	assert_int_equal(a->trim_spaces, b->trim_spaces);
	assert_string_equal(a->encoding, b->encoding);
	assert_true((a->debit_column == NULL) == (b->debit_column == NULL));
	if (a->debit_column)
		assert_string_equal(a->debit_column, b->debit_column);
	for (int c = 0; c < PM_MAX_NATIVE_COLS; c++) {
		assert_true((a->columns[c] == NULL) == (b->columns[c] == NULL));
		if (a->columns[c])
			assert_string_equal(a->columns[c], b->columns[c]);
	}
}

static void assert_same_config(const struct pm_config *a, const struct pm_config *b)
{
	assert_memory_equal(&a->performance, &b->performance, sizeof a->performance);
	assert_memory_equal(&a->matching, &b->matching, sizeof a->matching);
	assert_int_equal(a->aging.nbuckets, b->aging.nbuckets);
	assert_memory_equal(a->aging.buckets, b->aging.buckets, sizeof a->aging.buckets);
	assert_int_equal(a->aging.basis_invoice_date, b->aging.basis_invoice_date);
	assert_string_equal(a->ui.theme, b->ui.theme);
	assert_int_equal(a->ui.mouse, b->ui.mouse);
	assert_int_equal(a->ui.refresh_ms, b->ui.refresh_ms);
	assert_int_equal(a->ui.nwriteoff_reasons, b->ui.nwriteoff_reasons);
	for (size_t i = 0; i < a->ui.nwriteoff_reasons; i++) {
		assert_string_equal(a->ui.writeoff_reasons[i].code, b->ui.writeoff_reasons[i].code);
		assert_string_equal(a->ui.writeoff_reasons[i].label, b->ui.writeoff_reasons[i].label);
	}
	assert_int_equal(a->import.nprofiles, b->import.nprofiles);
	for (size_t i = 0; i < a->import.nprofiles; i++)
		assert_same_profile(&a->import.profiles[i], &b->import.profiles[i]);
}

/* Returns what config_print writes (the caller frees it). */
static char *printed(const struct pm_config *cfg, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(config_print(cfg, f), 0);
	fclose(f);
	return buf;
}

static void round_trip(const char *yaml)
{
	struct pm_config *a = loaded(yaml), *b = config_new();
	struct pm_error err;
	size_t len1, len2;
	char *text1 = printed(a, &len1);

	pm_error_clear(&err);
	if (config_load_string(b, text1, len1, "t.yaml", &err))
		fail_msg("config_print output does not load: %s\n%s", err.msg, text1);
	assert_same_config(a, b);
	char *text2 = printed(b, &len2);
	assert_string_equal(text1, text2);
	free(text1);
	free(text2);
	config_free(a);
	config_free(b);
}

static void test_config_print_reads_back_identically(void **state)
{
	(void)state;
	round_trip("");
	round_trip(RICH);
}

/* ---- profiles ---- */

static void test_config_profiles_are_parsed_and_found_by_name(void **state)
{
	struct pm_config *cfg = loaded(RICH);
	const struct import_profile *p = config_find_profile(cfg, "bank-de.v2");

	(void)state;
	assert_non_null(p);
	assert_int_equal(p->kind, IMPORT_PAYMENTS);        /* implied by payment columns */
	assert_int_equal(p->delimiter, ';');
	assert_int_equal(p->decimal_sep, ',');
	assert_int_equal(p->thousands_sep, '.');
	assert_int_equal(p->date_format, DATE_DMY_DOT);
	assert_string_equal(p->default_currency, "EUR");
	assert_int_equal(p->skip_lines, 4);
	assert_false(p->trim_spaces);
	assert_string_equal(p->encoding, "latin-1");
	assert_string_equal(p->debit_column, "Soll (EUR)");
	assert_string_equal(p->columns[PAY_PAYMENT_DATE], "Buchungstag");
	assert_string_equal(p->columns[PAY_AMOUNT], "Haben");
	assert_string_equal(p->columns[PAY_PAYER_NAME], "Auftraggeber \"Name\"");
	assert_string_equal(p->columns[PAY_MEMO], "Verwendungs\tzweck");
	assert_null(p->columns[PAY_PAYMENT_ID]);
	p = config_find_profile(cfg, "erp");
	assert_non_null(p);
	assert_int_equal(p->delimiter, '\t');
	assert_int_equal(p->thousands_sep, '\'');
	assert_string_equal(p->columns[INV_INVOICE_ID], "Inv #");
	assert_string_equal(p->columns[INV_REFERENCE], "Réf.");
	assert_null(config_find_profile(cfg, "nope"));
	config_free(cfg);
}

static void test_import_profile_defaults(void **state)
{
	struct import_profile p;

	(void)state;
	memset(&p, 0x5A, sizeof p);
	import_profile_defaults(&p);
	assert_null(p.name);
	assert_int_equal(p.kind, -1);
	assert_int_equal(p.delimiter, ',');
	assert_int_equal(p.decimal_sep, '.');
	assert_int_equal(p.thousands_sep, 0);
	assert_int_equal(p.date_format, DATE_AUTO);
	assert_string_equal(p.default_currency, "");
	assert_int_equal(p.skip_lines, 0);
	assert_true(p.trim_spaces);
	assert_string_equal(p.encoding, "utf-8");
	assert_null(p.debit_column);
	for (int c = 0; c < PM_MAX_NATIVE_COLS; c++)
		assert_null(p.columns[c]);
}

static void test_config_profile_column_errors(void **state)
{
	(void)state;
	assert_refused("import:\n  profiles:\n    b:\n      columns:\n        invoce_id: X\n",
	               "t.yaml:5:9: unknown column 'import.profiles.b.columns.invoce_id'; did you "
	               "mean 'invoice_id'?", 5, 9);
	assert_refused("import:\n  profiles:\n    b:\n      columns:\n        amount: X\n",
	               "t.yaml:5:17: import.profiles.b: set kind (invoices or payments): the "
	               "columns given exist in both", 5, 17);
	assert_refused("import:\n  profiles:\n    b:\n      kind: payments\n      columns:\n"
	               "        invoice_id: X\n",
	               "t.yaml:6:21: import.profiles.b.columns: 'invoice_id' is not a column of "
	               "payment files", 6, 21);
	assert_refused("import:\n  profiles:\n    b:\n      columns: {invoice_id: X, memo: Y}\n",
	               "t.yaml:4:38: import.profiles.b.columns: 'memo' is a payment column but "
	               "'invoice_id' an invoice column", 4, 38);
}

static void test_config_profile_option_errors(void **state)
{
	(void)state;
	assert_refused("import:\n  profiles:\n    b:\n      decimal: \",\"\n      thousands: comma\n",
	               "t.yaml:3:5: import.profiles.b: decimal and thousands separators are both "
	               "','", 3, 5);
	assert_refused("import:\n  profiles:\n    b:\n      delimiter: colon\n",
	               "t.yaml:4:18: import.profiles.b.delimiter: expected one of comma (or ','), "
	               "semicolon (or ';'), tab (or \"\\t\", '\\t'), pipe (or '|'), auto, got "
	               "'colon'", 4, 18);
	assert_refused("import:\n  profiles:\n    b:\n      currency: EURO\n",
	               "t.yaml:4:17: import.profiles.b.currency: expected a 3-letter ISO 4217 "
	               "code, or \"\" for none, got 'EURO'", 4, 17);
	assert_refused("import:\n  profiles:\n    \"a b\":\n      kind: payments\n",
	               "t.yaml:3:5: import.profiles: profile name 'a b' may only hold letters, "
	               "digits, '_', '-' and '.' (at most 64)", 3, 5);
}

/* ---- aging buckets and write-off reasons ---- */

static void test_config_buckets_must_increase(void **state)
{
	struct pm_config *cfg = loaded("aging:\n  buckets: [10, 20, 30, 40, 50, 60, 70, 80]\n");

	(void)state;
	assert_int_equal(cfg->aging.nbuckets, 8);
	assert_int_equal(cfg->aging.buckets[7], 80);
	config_free(cfg);
	assert_refused("aging:\n  buckets: [30, 30]\n",
	               "t.yaml:2:17: aging.buckets[1]: 30 is not above the bucket before it (30); "
	               "buckets must increase", 2, 17);
	assert_refused("aging:\n  buckets: [0]\n",
	               "t.yaml:2:13: aging.buckets[0]: '0' is out of range: expected an integer "
	               "between 1 and 36500", 2, 13);
}

static void test_config_buckets_hold_one_to_eight(void **state)
{
	(void)state;
	assert_refused("aging:\n  buckets: [1, 2, 3, 4, 5, 6, 7, 8, 9]\n",
	               "t.yaml:2:37: aging.buckets[8]: at most 8 buckets", 2, 37);
	assert_refused("aging:\n  buckets: []\n",
	               "t.yaml:2:12: aging.buckets: needs at least 1 bucket", 2, 12);
	assert_refused("aging:\n  buckets: 30\n",
	               "t.yaml:2:12: aging.buckets: expected a list of 1 to 8 increasing whole "
	               "numbers of days, each between 1 and 36500, got '30'", 2, 12);
}

static void test_config_writeoff_reasons_replace_the_defaults(void **state)
{
	struct pm_config *cfg = loaded("ui:\n  writeoff_reasons:\n    - code: FX\n"
	                               "      label: Exchange rate\n");

	(void)state;
	assert_int_equal(cfg->ui.nwriteoff_reasons, 1);
	assert_string_equal(cfg->ui.writeoff_reasons[0].label, "Exchange rate");
	config_free(cfg);
	assert_refused("ui:\n  writeoff_reasons:\n    - code: X\n",
	               "t.yaml:3:7: ui.writeoff_reasons[0]: a write-off reason needs a code and "
	               "a label", 3, 7);
	assert_refused("ui:\n  writeoff_reasons: [{code: X, label: a}, {code: X, label: b}]\n",
	               "t.yaml:2:43: ui.writeoff_reasons[1]: duplicate reason code 'X'", 2, 43);
	assert_refused("ui:\n  writeoff_reasons: [{code: \"A B\", label: a}]\n",
	               "t.yaml:2:29: ui.writeoff_reasons[0].code: expected a code of 1 to 32 "
	               "letters, digits, '_', '-' or '.', got 'A B'", 2, 29);
}

/* ---- finding the file ---- */

static char *write_file(const char *dir, const char *rel, const char *text)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *path = malloc(n);
	FILE *f;

	assert_non_null(path);
	snprintf(path, n, "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_config_load_default_follows_xdg(void **state)
{
	char tmpl[] = "/tmp/pm-config-XXXXXX";
	char *dir = mkdtemp(tmpl), sub[300], xdg_file[320];
	struct pm_config *cfg = config_new();
	struct pm_error err;

	(void)state;
	assert_non_null(dir);
	snprintf(sub, sizeof sub, "%s/paymatch", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	char *file = write_file(sub, "config.yaml", "performance: {chunk_size: 42}\n");
	snprintf(xdg_file, sizeof xdg_file, "%s/paymatch/config.yaml", dir);
	unsetenv("PAYMATCH_CONFIG");
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(config_load_default(cfg, NULL, &err), 0);
	assert_int_equal(cfg->performance.chunk_size, 42);
	assert_string_equal(cfg->source, xdg_file);
	config_free(cfg);

	/* A relative XDG_CONFIG_HOME is ignored: ~/.config is used, and here it has none. */
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	setenv("HOME", sub, 1);
	cfg = config_new();
	assert_int_equal(config_load_default(cfg, NULL, &err), 0);
	assert_null(cfg->source);
	assert_int_equal(cfg->performance.chunk_size, 10000);

	/* $PAYMATCH_CONFIG wins over XDG; an explicit path wins over both. */
	char *other = write_file(dir, "other.yaml", "performance: {chunk_size: 7}\n");
	setenv("XDG_CONFIG_HOME", dir, 1);
	setenv("PAYMATCH_CONFIG", other, 1);
	assert_int_equal(config_load_default(cfg, NULL, &err), 0);
	assert_int_equal(cfg->performance.chunk_size, 7);
	assert_int_equal(config_load_default(cfg, file, &err), 0);
	assert_int_equal(cfg->performance.chunk_size, 42);
	unsetenv("PAYMATCH_CONFIG");
	unlink(other);
	unlink(file);
	rmdir(sub);
	rmdir(dir);
	free(other);
	free(file);
	config_free(cfg);
}

static void test_config_missing_explicit_file_is_no_input(void **state)
{
	struct pm_config *cfg = config_new();
	struct pm_error err;

	(void)state;
	pm_error_clear(&err);
	assert_int_equal(config_load_default(cfg, "/nonexistent/paymatch.yaml", &err),
	                 PM_ENOINPUT);
	assert_string_equal(err.msg, "/nonexistent/paymatch.yaml: cannot open the "
	                             "configuration: No such file or directory");
	assert_int_equal(config_load_file(cfg, "/tmp", &err), PM_ENOINPUT);
	config_free(cfg);
}

static void test_config_file_errors_name_the_file(void **state)
{
	char tmpl[] = "/tmp/pm-config-XXXXXX";
	char *dir = mkdtemp(tmpl);
	struct pm_config *cfg = config_new();
	struct pm_error err;

	(void)state;
	assert_non_null(dir);
	char *file = write_file(dir, "bad.yaml", "ui:\n  refresh_ms: 5\n");
	char expect[400];
	snprintf(expect, sizeof expect, "%s:2:15: ui.refresh_ms: '5' is out of range: expected "
	         "an integer between 10 and 10000", file);
	assert_int_equal(config_load_file(cfg, file, &err), PM_ECONFIG);
	assert_string_equal(err.msg, expect);
	unlink(file);
	rmdir(dir);
	free(file);
	config_free(cfg);
}

/* ---- helpers and documentation ---- */

static void test_config_workers_clamps_to_the_pool(void **state)
{
	struct pm_config *cfg = config_new();

	(void)state;
	int cpus = config_workers(cfg);
	assert_true(cpus >= 1 && cpus <= PM_MAX_WORKERS);
	cfg->performance.parallel_workers = 3;
	assert_int_equal(config_workers(cfg), 3);
	cfg->performance.parallel_workers = 1000;
	assert_int_equal(config_workers(cfg), PM_MAX_WORKERS);
	config_free(cfg);
}

static void test_import_column_names_follow_the_enums(void **state)
{
	(void)state;
	assert_string_equal(import_column_name(IMPORT_INVOICES, INV_REFERENCE), "reference_number");
	assert_string_equal(import_column_name(IMPORT_PAYMENTS, PAY_AMOUNT), "amount");
	assert_string_equal(import_column_name(IMPORT_PAYMENTS, PAY_MEMO), "memo");
	assert_null(import_column_name(IMPORT_INVOICES, INV_NCOLS));
	assert_null(import_column_name(-1, 0));
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	strbuf_init(&sb);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		strbuf_add(&sb, chunk, n);
	fclose(f);
	return strbuf_detach(&sb);
}

static const char *root_path(char *buf, size_t n, const char *rel)
{
	const char *root = getenv("ROOT");

	snprintf(buf, n, "%s/%s", root && *root ? root : ".", rel);
	return buf;
}

static void test_config_docs_match_the_key_table(void **state)
{
	char path[4096], *ref = NULL;
	size_t len;
	FILE *f = open_memstream(&ref, &len);

	(void)state;
	config_print_reference(f);
	fclose(f);
	char *doc = slurp(root_path(path, sizeof path, "docs/CONFIG.md"));
	if (!doc)
		fail_msg("cannot read %s", path);
	if (!strstr(doc, ref))
		fail_msg("docs/CONFIG.md is out of date: paste `paymatch config keys` into it");
	free(doc);
	free(ref);
}

static void test_config_sample_file_loads(void **state)
{
	char path[4096];
	struct pm_config *cfg = config_new();
	struct pm_error err;

	(void)state;
	pm_error_clear(&err);
	if (config_load_file(cfg, root_path(path, sizeof path, "samples/config.yaml"), &err))
		fail_msg("%s", err.msg);
	assert_true(cfg->import.nprofiles >= 1);
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_new_holds_the_documented_defaults),
		cmocka_unit_test(test_config_default_writeoff_reasons),
		cmocka_unit_test(test_config_empty_or_comment_only_file_keeps_defaults),
		cmocka_unit_test(test_config_file_overrides_only_its_keys),
		cmocka_unit_test(test_config_reports_yaml_syntax_errors_with_libyaml_problem),
		cmocka_unit_test(test_config_reports_invalid_utf8_at_its_character),
		cmocka_unit_test(test_config_suggests_the_closest_key_for_a_typo),
		cmocka_unit_test(test_config_lists_known_keys_when_nothing_is_close),
		cmocka_unit_test(test_config_wrong_type_says_what_is_expected),
		cmocka_unit_test(test_config_quoted_number_is_text),
		cmocka_unit_test(test_config_refuses_out_of_range_values),
		cmocka_unit_test(test_config_integer_overflow_is_out_of_range),
		cmocka_unit_test(test_config_numbers_refuse_words_and_hex),
		cmocka_unit_test(test_config_booleans_are_only_true_and_false),
		cmocka_unit_test(test_config_refuses_duplicate_keys),
		cmocka_unit_test(test_config_refuses_anchors_and_aliases),
		cmocka_unit_test(test_config_refuses_nesting_deeper_than_16),
		cmocka_unit_test(test_config_refuses_tags_and_second_documents),
		cmocka_unit_test(test_config_refuses_a_top_level_that_is_not_a_mapping),
		cmocka_unit_test(test_config_auto_accept_must_not_be_below_threshold),
		cmocka_unit_test(test_config_failed_load_leaves_config_unchanged),
		cmocka_unit_test(test_config_tolerance_is_read_without_floats_into_minor_units),
		cmocka_unit_test(test_config_tolerance_refuses_three_decimals_and_signs),
		cmocka_unit_test(test_config_memory_sizes_accept_units_and_plain_megabytes),
		cmocka_unit_test(test_config_memory_sizes_refuse_fractions_and_tiny_caps),
		cmocka_unit_test(test_config_print_reads_back_identically),
		cmocka_unit_test(test_config_profiles_are_parsed_and_found_by_name),
		cmocka_unit_test(test_import_profile_defaults),
		cmocka_unit_test(test_config_profile_column_errors),
		cmocka_unit_test(test_config_profile_option_errors),
		cmocka_unit_test(test_config_buckets_must_increase),
		cmocka_unit_test(test_config_buckets_hold_one_to_eight),
		cmocka_unit_test(test_config_writeoff_reasons_replace_the_defaults),
		cmocka_unit_test(test_config_load_default_follows_xdg),
		cmocka_unit_test(test_config_missing_explicit_file_is_no_input),
		cmocka_unit_test(test_config_file_errors_name_the_file),
		cmocka_unit_test(test_config_workers_clamps_to_the_pool),
		cmocka_unit_test(test_import_column_names_follow_the_enums),
		cmocka_unit_test(test_config_docs_match_the_key_table),
		cmocka_unit_test(test_config_sample_file_loads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
