/* Unit tests for opening the working set, migrations and transactions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "paymatch/store.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/pm-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/ws.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static int64_t query_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int64_t v = -1;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			v = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	sqlite3_close(db);
	return v;
}

static void test_store_open_creates_schema_in_wal_mode(void **state)
{
	struct fixture *f = *state;
	struct store *st;
	struct pm_error err;

	assert_int_equal(store_open(f->path, STORE_READWRITE, 1000, &st, &err), 0);
	store_close(st);
	assert_int_equal(query_int(f->path, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM sqlite_master WHERE name IN "
	                           "('invoices','payments','customers','allocations','exceptions',"
	                           "'audit_log','imported_files','rejected_rows','runs')"), 9);
	assert_int_equal(query_int(f->path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"),
	                 1);
}

static void test_store_open_twice_keeps_data(void **state)
{
	struct fixture *f = *state;
	struct store *st;
	struct pm_error err;

	assert_int_equal(store_open(f->path, STORE_READWRITE, 1000, &st, &err), 0);
	assert_true(store_run_start(st, "import", &err) > 0);
	store_close(st);
	assert_int_equal(store_open(f->path, STORE_READWRITE, 1000, &st, &err), 0);
	store_close(st);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM runs"), 1);
}

static void test_store_readonly_missing_file_is_noinput(void **state)
{
	struct fixture *f = *state;
	struct store *st;
	struct pm_error err;

	assert_int_equal(store_open(f->path, STORE_READONLY, 1000, &st, &err), PM_ENOINPUT);
	assert_null(st);
	assert_non_null(strstr(err.msg, "no working set"));
	assert_int_equal(access(f->path, F_OK), -1);
}

static void test_store_refuses_newer_schema(void **state)
{
	struct fixture *f = *state;
	struct store *st;
	struct pm_error err;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(store_open(f->path, STORE_READWRITE, 1000, &st, &err), PM_EIO);
	assert_non_null(strstr(err.msg, "newer"));
}

static void test_store_rollback_discards_writes(void **state)
{
	struct fixture *f = *state;
	struct store *st;
	struct pm_error err;

	assert_int_equal(store_open(f->path, STORE_READWRITE, 1000, &st, &err), 0);
	assert_int_equal(store_begin(st, &err), 0);
	assert_true(store_in_transaction(st));
	assert_true(store_run_start(st, "import", &err) > 0);
	store_rollback(st);
	assert_false(store_in_transaction(st));
	store_close(st);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM runs"), 0);
}

static void test_store_nested_begin_is_refused(void **state)
{
	struct fixture *f = *state;
	struct store *st;
	struct pm_error err;

	assert_int_equal(store_open(f->path, STORE_READWRITE, 1000, &st, &err), 0);
	assert_int_equal(store_begin(st, &err), 0);
	assert_int_equal(store_begin(st, &err), PM_ESOFTWARE);
	assert_int_equal(store_commit(st, &err), 0);
	store_close(st);
}

static void test_store_second_writer_is_busy(void **state)
{
	struct fixture *f = *state;
	struct store *a, *b;
	struct pm_error err;

	assert_int_equal(store_open(f->path, STORE_READWRITE, 1000, &a, &err), 0);
	assert_int_equal(store_open(f->path, STORE_READWRITE, 50, &b, &err), 0);
	assert_int_equal(store_begin(a, &err), 0);
	assert_int_equal(store_begin(b, &err), PM_EBUSY);
	assert_non_null(strstr(err.msg, "busy"));
	store_rollback(a);
	store_close(a);
	store_close(b);
}

static void test_store_default_path_precedence(void **state)
{
	(void)state;
	setenv("PAYMATCH_DB", "/tmp/env.db", 1);
	assert_string_equal(store_default_path("x.db"), "x.db");
	assert_string_equal(store_default_path(NULL), "/tmp/env.db");
	unsetenv("PAYMATCH_DB");
	assert_string_equal(store_default_path(NULL), "paymatch.db");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_open_creates_schema_in_wal_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_open_twice_keeps_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_readonly_missing_file_is_noinput, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_refuses_newer_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_rollback_discards_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_nested_begin_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_second_writer_is_busy, setup, teardown),
		cmocka_unit_test(test_store_default_path_precedence),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
