/* The report pipeline and the group table: records arrive in order on the other thread,
 * an end call follows, a consumer failure stops the producer; groups keep their identity
 * while the table grows and sort by customer then currency. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/report/report_groups.h"
#include "../../src/report/report_pipe.h"

struct seen {
	uint32_t next;       /* the number the next record must carry */
	size_t bytes;
	int ends;
	uint32_t fail_at;    /* return an error on this record (0 = never) */
};

static int check_order(void *ctx, const unsigned char *rec, size_t len)
{
	struct seen *s = ctx;
	uint32_t n;

	if (!rec) {
		s->ends++;
		return 0;
	}
	memcpy(&n, rec, sizeof n);
	if (n != s->next)
		return 99;
	for (size_t i = sizeof n; i < len; i++)
		if (rec[i] != (unsigned char)(n + i))
			return 98;
	s->next++;
	s->bytes += len;
	return s->fail_at && n == s->fail_at ? 7 : 0;
}

/* Record n: its number, then n % 300 bytes (record 5000: 600 KB, past a batch). */
static size_t make_rec(unsigned char *buf, uint32_t n)
{
	size_t len = sizeof n + (n == 5000 ? 600 * 1024 : n % 300);

	memcpy(buf, &n, sizeof n);
	for (size_t i = sizeof n; i < len; i++)
		buf[i] = (unsigned char)(n + i);
	return len;
}

static void test_pipe_delivers_every_record_in_order_then_the_end(void **state)
{
	struct seen s = { 0 };
	unsigned char *buf = malloc(700 * 1024);
	struct report_pipe *p = pipe_start(check_order, &s);
	size_t sent = 0;

	(void)state;
	assert_non_null(buf);
	assert_non_null(p);
	for (uint32_t n = 0; n < 20000; n++) {
		size_t len = make_rec(buf, n);

		assert_int_equal(pipe_put(p, buf, len), 0);
		sent += len;
	}
	assert_int_equal(pipe_finish(p), 0);
	assert_int_equal(s.next, 20000);
	assert_int_equal(s.bytes, sent);
	assert_int_equal(s.ends, 1);
	free(buf);
}

static void test_pipe_consumer_failure_stops_the_producer(void **state)
{
	struct seen s = { .fail_at = 1000 };
	unsigned char *buf = malloc(700 * 1024);
	struct report_pipe *p = pipe_start(check_order, &s);
	int rc = 0;
	uint32_t n;

	(void)state;
	assert_non_null(buf);
	assert_non_null(p);
	for (n = 0; n < 1000000 && rc == 0; n++)
		rc = pipe_put(p, buf, make_rec(buf, n));
	assert_int_equal(rc, 7);
	assert_true(n < 1000000);
	assert_int_equal(pipe_finish(p), 7);
	assert_int_equal(s.ends, 0);   /* no end call after a failure */
	free(buf);
}

static int check_row(void *ctx, const unsigned char *rec, size_t len)
{
	int *rows = ctx;
	const char *t[4];
	int64_t n[3];
	bool z[3];
	struct store_row r;

	(void)len;
	if (!rec)
		return 0;
	pipe_unpack_row(rec, &r, t, n, z);
	if (!r.text[0] || strcmp(r.text[0], "P1") || r.text[1] || strcmp(r.text[2], "") ||
	    strcmp(r.text[3], "naïve ünïcode") || r.num[0] != 42 || r.num[1] != -7 ||
	    r.num[2] != INT64_MIN || r.is_null[0] || !r.is_null[1] || r.is_null[2] ||
	    r.real != 0.953)
		return 5;
	(*rows)++;
	return 0;
}

static void test_pipe_row_round_trip_keeps_nulls(void **state)
{
	const char *text[] = { "P1", NULL, "", "naïve ünïcode" };
	int64_t num[] = { 42, -7, INT64_MIN };
	bool is_null[] = { false, true, false };
	struct store_row in = { text, num, is_null, 0.953, NULL };
	int rows = 0;
	struct report_pipe *p = pipe_start(check_row, &rows);

	(void)state;
	assert_non_null(p);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pipe_put_row(p, &in, 4, 3), 0);
	assert_int_equal(pipe_finish(p), 0);
	assert_int_equal(rows, 3);
}

static void test_groups_keep_identity_while_the_table_grows(void **state)
{
	struct group_table t = { 0 };
	char id[64];
	const char *longid = "a-customer-id-longer-than-the-inline-key-of-a-group";
	struct group *g;
	uint32_t first;

	(void)state;
	g = group_find(&t, "C1", "EUR");
	assert_non_null(g);
	first = g->id;
	g->bucket[0] = 5;
	assert_non_null(group_find(&t, longid, "EUR"));
	for (int i = 0; i < 20000; i++) {
		snprintf(id, sizeof id, "C%06d", i);
		assert_non_null(group_find(&t, id, i % 2 ? "USD" : "EUR"));
	}
	assert_int_equal(t.n, 20002);
	g = group_find(&t, "C1", "EUR");
	assert_int_equal(g->id, first);
	assert_int_equal(g->bucket[0], 5);
	assert_ptr_equal(group_by_id(&t, first), g);
	assert_string_equal(group_customer(group_find(&t, longid, "EUR")), longid);
	assert_int_equal(t.n, 20002);
	assert_true(group_find(&t, "C1", "USD")->id != first);   /* currency is in the key */
	group_table_free(&t);
}

static void test_groups_sort_by_customer_then_currency(void **state)
{
	struct group_table t = { 0 };
	struct group **v;

	(void)state;
	group_find(&t, "C2", "EUR");
	group_find(&t, "C10", "USD");
	group_find(&t, "", "EUR");
	group_find(&t, "C10", "EUR");
	v = group_sorted(&t);
	assert_non_null(v);
	assert_string_equal(group_customer(v[0]), "");
	assert_string_equal(group_customer(v[1]), "C10");
	assert_string_equal(v[1]->currency, "EUR");
	assert_string_equal(v[2]->currency, "USD");
	assert_string_equal(group_customer(v[3]), "C2");
	free(v);
	group_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipe_delivers_every_record_in_order_then_the_end),
		cmocka_unit_test(test_pipe_consumer_failure_stops_the_producer),
		cmocka_unit_test(test_pipe_row_round_trip_keeps_nulls),
		cmocka_unit_test(test_groups_keep_identity_while_the_table_grows),
		cmocka_unit_test(test_groups_sort_by_customer_then_currency),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
