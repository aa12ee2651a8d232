/* Unit tests for the growable buffer and error values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "paymatch/error.h"
#include "paymatch/progress.h"
#include "paymatch/strbuf.h"

static void test_strbuf_starts_empty_and_terminated(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_init(&sb);
	assert_string_equal(strbuf_str(&sb), "");
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
}

static void test_strbuf_grows_past_many_appends(void **state)
{
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(strbuf_addch(&sb, 'a' + i % 26), 0);
	assert_int_equal(sb.len, 10000);
	assert_int_equal(sb.buf[10000], '\0');
	assert_int_equal(sb.buf[27], 'b');
	strbuf_release(&sb);
}

static void test_strbuf_addf_formats_and_appends(void **state)
{
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	strbuf_addstr(&sb, "x=");
	strbuf_addf(&sb, "%d,%s", 42, "y");
	assert_string_equal(strbuf_str(&sb), "x=42,y");
	strbuf_reset(&sb);
	assert_string_equal(strbuf_str(&sb), "");
	strbuf_release(&sb);
}

static void test_strbuf_detach_hands_over_the_buffer(void **state)
{
	struct strbuf sb;
	char *s;

	(void)state;
	strbuf_init(&sb);
	strbuf_addstr(&sb, "keep");
	s = strbuf_detach(&sb);
	assert_string_equal(s, "keep");
	assert_string_equal(strbuf_str(&sb), "");
	free(s);
	s = strbuf_detach(&sb);   /* an empty buffer detaches as a fresh empty string */
	assert_string_equal(s, "");
	free(s);
}

static void test_pm_grow_doubles_and_keeps_contents(void **state)
{
	int *a = NULL;
	size_t alloc = 0;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(PM_GROW(a, (size_t)i + 1, alloc), 0);
		a[i] = i;
	}
	assert_true(alloc >= 1000);
	assert_int_equal(a[999], 999);
	assert_int_equal(a[0], 0);
	free(a);
}

static void test_error_at_formats_file_line_column(void **state)
{
	struct pm_error err;

	(void)state;
	pm_error_clear(&err);
	pm_error_at(&err, PM_EDATA, "inv.csv", 12, "amount", "not a number: '%s'", "12,3x");
	assert_int_equal(err.code, PM_EDATA);
	assert_int_equal(err.line, 12);
	assert_string_equal(err.msg, "inv.csv:12: column amount: not a number: '12,3x'");
}

static void test_error_wrap_prepends_context(void **state)
{
	struct pm_error err;

	(void)state;
	pm_error_set(&err, PM_EIO, "disk full");
	pm_error_wrap(&err, "importing %s", "a.csv");
	assert_string_equal(err.msg, "importing a.csv: disk full");
	assert_int_equal(err.code, PM_EIO);
}

static void test_error_wrap_truncates_without_overflow(void **state)
{
	struct pm_error err;
	char big[2000];

	(void)state;
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	pm_error_set(&err, PM_EIO, "%s", big);
	pm_error_wrap(&err, "%s", big);
	assert_true(strlen(err.msg) < sizeof err.msg);
}

static void test_progress_rate_and_eta(void **state)
{
	double rate, eta;

	(void)state;
	progress_rate(500, 1000, 1000000000LL, &rate, &eta);
	assert_true(rate > 499.9 && rate < 500.1);
	assert_true(eta > 0.99 && eta < 1.01);
	progress_rate(0, 0, 0, &rate, &eta);
	assert_true(eta < 0);
}

static void test_progress_cancel_flag(void **state)
{
	static struct pm_progress p;

	(void)state;
	progress_init(&p);
	assert_false(progress_cancelled(&p));
	progress_stage(&p, "scoring", 10, 2);
	progress_add(&p, 1, 4);
	assert_int_equal(atomic_load(&p.done), 4);
	assert_int_equal(atomic_load(&p.worker_done[1]), 4);
	progress_request_cancel(&p);
	assert_true(progress_cancelled(&p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_starts_empty_and_terminated),
		cmocka_unit_test(test_strbuf_grows_past_many_appends),
		cmocka_unit_test(test_strbuf_addf_formats_and_appends),
		cmocka_unit_test(test_strbuf_detach_hands_over_the_buffer),
		cmocka_unit_test(test_pm_grow_doubles_and_keeps_contents),
		cmocka_unit_test(test_error_at_formats_file_line_column),
		cmocka_unit_test(test_error_wrap_prepends_context),
		cmocka_unit_test(test_error_wrap_truncates_without_overflow),
		cmocka_unit_test(test_progress_rate_and_eta),
		cmocka_unit_test(test_progress_cancel_flag),
	};
	return cmocka_run_group_tests_name("strbuf_error_progress", tests, NULL, NULL);
}
