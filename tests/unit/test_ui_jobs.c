/* What `paymatch FILE...` does before the dashboard: one import per file, then one match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "paymatch/ui_jobs.h"

static void test_ui_jobs_nothing_to_do_without_files(void **state)
{
	struct ui_start start = { 0 };
	struct ui_job jobs[UI_MAX_JOBS];
	struct pm_error err;

	(void)state;
	assert_int_equal(ui_jobs_plan(&start, jobs, UI_MAX_JOBS, &err), 0);
	assert_int_equal(ui_jobs_plan(NULL, jobs, UI_MAX_JOBS, &err), 0);
}

static void test_ui_jobs_imports_each_file_then_matches(void **state)
{
	char *files[] = { "a/invoices.csv", "b/bank.csv" };
	struct ui_start start = { .files = files, .nfiles = 2 };
	struct ui_job jobs[UI_MAX_JOBS];
	struct pm_error err;

	(void)state;
	assert_int_equal(ui_jobs_plan(&start, jobs, UI_MAX_JOBS, &err), 3);
	assert_int_equal(jobs[0].kind, UI_JOB_IMPORT);
	assert_null(jobs[0].forced_kind);
	assert_string_equal(jobs[0].label, "import invoices.csv");
	assert_string_equal(jobs[1].path, "b/bank.csv");
	assert_int_equal(jobs[2].kind, UI_JOB_MATCH);
	assert_non_null(jobs[2].run);
}

static void test_ui_jobs_named_kinds_come_first(void **state)
{
	char *files[] = { "more.csv" };
	struct ui_start start = { .files = files, .nfiles = 1, .invoices = "i.csv",
	                          .payments = "p.csv" };
	struct ui_job jobs[UI_MAX_JOBS];
	struct pm_error err;

	(void)state;
	assert_int_equal(ui_jobs_plan(&start, jobs, UI_MAX_JOBS, &err), 4);
	assert_string_equal(jobs[0].forced_kind, "invoices");
	assert_string_equal(jobs[1].forced_kind, "payments");
	assert_string_equal(jobs[2].path, "more.csv");
}

static void test_ui_jobs_too_many_files_is_a_usage_error(void **state)
{
	char *files[UI_MAX_JOBS + 1];
	struct ui_start start = { .files = files, .nfiles = UI_MAX_JOBS + 1 };
	struct ui_job jobs[UI_MAX_JOBS];
	struct pm_error err;

	(void)state;
	for (size_t i = 0; i < UI_MAX_JOBS + 1; i++)
		files[i] = "x.csv";
	assert_int_equal(ui_jobs_plan(&start, jobs, UI_MAX_JOBS, &err), -1);
	assert_int_equal(err.code, PM_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ui_jobs_nothing_to_do_without_files),
		cmocka_unit_test(test_ui_jobs_imports_each_file_then_matches),
		cmocka_unit_test(test_ui_jobs_named_kinds_come_first),
		cmocka_unit_test(test_ui_jobs_too_many_files_is_a_usage_error),
	};

	return cmocka_run_group_tests_name("ui_jobs", tests, NULL, NULL);
}
