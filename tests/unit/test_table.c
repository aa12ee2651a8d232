/* The table model: cursor, scrolling and paging over a fake keyset pager. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "paymatch/table.h"

/* Keys 0..n-1 (some deleted); the page is the first `rows` present keys from `start`. */
struct fake {
	int n;
	unsigned char deleted[20000];
	int start;
	size_t rows;
	int page[200];
	size_t npage;
};

static struct fake F;
static struct table_model M;
static struct pm_error E;

static bool present(int k)
{
	return k >= 0 && k < F.n && !F.deleted[k];
}

static void fill(void)
{
	F.npage = 0;
	for (int k = F.start; k < F.n && F.npage < F.rows; k++)
		if (present(k))
			F.page[F.npage++] = k;
}

/* The key `steps` present keys away from k (clamped to existing keys). */
static int walk(int k, int64_t steps)
{
	int dir = steps < 0 ? -1 : 1;
	int last = k;

	for (int64_t s = steps < 0 ? -steps : steps; s > 0; ) {
		k += dir;
		if (k < 0 || k >= F.n)
			break;
		if (present(k)) {
			last = k;
			s--;
		}
	}
	return last;
}

static int last_start(void)
{
	int k = F.n;
	size_t seen = 0;

	while (k > 0 && seen < F.rows)
		if (present(--k))
			seen++;
	return seen ? k : 0;
}

static size_t f_nrows(void *c) { (void)c; return F.npage; }
static bool f_at_end(void *c)
{
	(void)c;
	for (int k = F.npage ? F.page[F.npage - 1] + 1 : F.start; k < F.n; k++)
		if (present(k))
			return false;
	return true;
}
static int f_first(void *c, struct pm_error *e)
{
	(void)c; (void)e;
	F.start = 0;
	fill();
	return 0;
}

static int f_last(void *c, struct pm_error *e)
{
	(void)c; (void)e;
	F.start = last_start();
	fill();
	return 0;
}

static int f_scroll(void *c, int64_t d, struct pm_error *e)
{
	(void)c; (void)e;
	F.start = walk(F.start, d);
	if (F.start > last_start())
		F.start = last_start();
	fill();
	return 0;
}
static int f_reload(void *c, struct pm_error *e) { (void)c; (void)e; fill(); return 0; }
static int f_rows(void *c, size_t n, struct pm_error *e)
{
	(void)c; (void)e;
	F.rows = n;
	fill();
	return 0;
}

static int counts;

static int f_count(void *c, int64_t *out, struct pm_error *e)
{
	(void)c; (void)e;
	counts++;
	*out = 0;
	for (int k = 0; k < F.n; k++)
		*out += present(k);
	return 0;
}

/* A count in slices of 100 keys: partial counts first, exact at the end. */
static int step_pos;

static int f_count_step(void *c, int budget_ms, int64_t *out, bool *done, struct pm_error *e)
{
	static int64_t acc;

	(void)c; (void)e;
	if (step_pos == 0)
		acc = 0;
	for (int end = step_pos + 100; budget_ms > 0 && step_pos < end && step_pos < F.n; step_pos++)
		acc += present(step_pos);
	*done = step_pos >= F.n;
	*out = acc;
	if (*done)
		step_pos = 0;
	return 0;
}

/* As open_table over a pager that counts in slices (the UI's). */
static void open_table_sliced(int n, int height)
{
	struct table_pager pg = { NULL, f_nrows, f_at_end, f_first, f_last, f_scroll, f_reload,
	                          f_rows, f_count, f_count_step };

	memset(&F, 0, sizeof F);
	F.n = n;
	step_pos = 0;
	counts = 0;
	table_model_init(&M, &pg, height);
	assert_int_equal(table_model_reset(&M, &E), 0);
}

static void open_table(int n, int height)
{
	struct table_pager pg = { NULL, f_nrows, f_at_end, f_first, f_last, f_scroll, f_reload,
	                          f_rows, f_count, NULL };

	memset(&F, 0, sizeof F);
	F.n = n;
	table_model_init(&M, &pg, height);
	assert_int_equal(table_model_reset(&M, &E), 0);
}

static int selected(void)
{
	int i = table_model_selected(&M);

	return i < 0 ? -1 : F.page[i];
}

/* The model's absolute position must agree with the real key (no deletions). */
static void assert_position_true(void)
{
	assert_int_equal(table_model_position(&M), selected());
}

static void test_table_reset_loads_first_page_with_one_fetch(void **state)
{
	(void)state;
	open_table(1000, 20);
	assert_int_equal(M.total, 1000);
	assert_int_equal(M.fetches, 1);
	assert_int_equal(selected(), 0);
	assert_int_equal(F.npage, 20);
}

static void test_table_move_within_page_fetches_nothing(void **state)
{
	(void)state;
	open_table(1000, 20);
	assert_int_equal(table_model_move(&M, 5, &E), 0);
	assert_int_equal(table_model_move(&M, -2, &E), 0);
	assert_int_equal(selected(), 3);
	assert_int_equal(M.fetches, 1);
}

static void test_table_moving_past_page_end_scrolls_one_row(void **state)
{
	(void)state;
	open_table(1000, 20);
	for (int i = 0; i < 25; i++)
		assert_int_equal(table_model_move(&M, 1, &E), 0);
	assert_int_equal(selected(), 25);
	assert_int_equal(M.cursor, 19);
	assert_position_true();
	for (int i = 0; i < 25; i++)
		assert_int_equal(table_model_move(&M, -1, &E), 0);
	assert_int_equal(selected(), 0);
	assert_position_true();
}

static void test_table_page_down_costs_one_fetch_each(void **state)
{
	(void)state;
	open_table(5000, 20);
	assert_int_equal(table_model_move(&M, 3, &E), 0);
	for (int i = 0; i < 100; i++) {
		int before = M.fetches;

		assert_int_equal(table_model_page(&M, 1, &E), 0);
		assert_true(M.fetches - before <= 1);
		assert_position_true();
	}
	assert_int_equal(selected(), 2003);
	assert_int_equal(table_model_page(&M, -1, &E), 0);
	assert_int_equal(selected(), 1983);
}

static void test_table_last_and_first(void **state)
{
	(void)state;
	open_table(1000, 20);
	assert_int_equal(table_model_last(&M, &E), 0);
	assert_int_equal(selected(), 999);
	assert_position_true();
	assert_int_equal(table_model_move(&M, 1, &E), 0);
	assert_int_equal(selected(), 999);
	assert_int_equal(table_model_move(&M, -25, &E), 0);
	assert_int_equal(selected(), 974);
	assert_position_true();
	assert_int_equal(table_model_first(&M, &E), 0);
	assert_int_equal(selected(), 0);
}

static void test_table_page_down_at_end_goes_to_last_row(void **state)
{
	(void)state;
	open_table(30, 20);
	assert_int_equal(table_model_page(&M, 1, &E), 0);
	assert_int_equal(table_model_page(&M, 1, &E), 0);
	assert_int_equal(selected(), 29);
	assert_position_true();
	assert_int_equal(table_model_move(&M, -500, &E), 0);
	assert_int_equal(selected(), 0);
}

static void test_table_reload_after_decision_selects_next_row(void **state)
{
	(void)state;
	open_table(100, 10);
	assert_int_equal(table_model_move(&M, 4, &E), 0);
	F.deleted[4] = 1;              /* the decided row leaves the open queue */
	assert_int_equal(table_model_reload(&M, &E), 0);
	assert_int_equal(M.total, 99);
	assert_int_equal(selected(), 5);
}

static void test_table_reload_page_defers_the_count_until_recount(void **state)
{
	(void)state;
	open_table(100, 10);
	assert_int_equal(table_model_move(&M, 2, &E), 0);
	F.deleted[2] = 1;
	counts = 0;
	assert_int_equal(table_model_reload_page(&M, &E), 0);
	assert_int_equal(counts, 0);
	assert_int_equal(selected(), 3);
	assert_true(M.count_stale);
	assert_int_equal(table_model_recount(&M, &E), 0);
	assert_int_equal(counts, 1);
	assert_int_equal(M.total, 99);
	assert_int_equal(table_model_recount(&M, &E), 0);
	assert_int_equal(counts, 1);
}

static void test_table_reload_when_every_row_after_page_start_vanished(void **state)
{
	(void)state;
	open_table(100, 10);
	assert_int_equal(table_model_last(&M, &E), 0);
	for (int k = 50; k < 100; k++)
		F.deleted[k] = 1;
	assert_int_equal(table_model_reload(&M, &E), 0);
	assert_int_equal(M.total, 50);
	assert_int_equal(selected(), 49);
}

static void test_table_empty_has_no_selection(void **state)
{
	(void)state;
	open_table(0, 10);
	assert_int_equal(table_model_selected(&M), -1);
	assert_int_equal(table_model_move(&M, 1, &E), 0);
	assert_int_equal(table_model_page(&M, 1, &E), 0);
	assert_int_equal(table_model_last(&M, &E), 0);
	assert_int_equal(table_model_selected(&M), -1);
	assert_int_equal(table_model_position(&M), -1);
}

static void test_table_resize_keeps_first_row_and_clamps_cursor(void **state)
{
	(void)state;
	open_table(1000, 40);
	assert_int_equal(table_model_page(&M, 1, &E), 0);
	assert_int_equal(table_model_move(&M, 35, &E), 0);
	assert_int_equal(table_model_resize(&M, 10, &E), 0);
	assert_int_equal(F.page[0], 40);
	assert_int_equal(selected(), 49);
	assert_int_equal(table_model_resize(&M, 60, &E), 0);
	assert_int_equal(F.npage, 60);
	assert_position_true();
}

static void test_table_search_hit_makes_position_unknown_until_top(void **state)
{
	(void)state;
	open_table(1000, 10);
	F.start = 500;
	fill();
	table_model_found(&M, 3);
	assert_int_equal(selected(), 503);
	assert_int_equal(table_model_position(&M), -1);
	assert_int_equal(table_model_first(&M, &E), 0);
	assert_position_true();
}

/* With a sliced count the reset answers at once; the count follows in idle steps, and the
 * last page's position is known only when it is exact. */
static void test_table_sliced_count_follows_in_steps(void **state)
{
	int steps = 0;

	(void)state;
	open_table_sliced(1000, 10);
	assert_int_equal(counts, 0);
	assert_true(M.counting);
	assert_int_equal(table_model_last(&M, &E), 0);
	assert_int_equal(table_model_position(&M), -1);
	while (M.count_stale && ++steps < 100) {
		assert_int_equal(table_model_recount_step(&M, 10, &E), 0);
		assert_true(M.total <= 1000);
	}
	assert_int_equal(steps, 10);
	assert_false(M.counting);
	assert_int_equal(M.total, 1000);
	assert_int_equal(counts, 0);
	assert_position_true();
}

/* A new sort or filter the pager has already shown: restart reads no page. */
static void test_table_restart_reads_no_page(void **state)
{
	int fetches;

	(void)state;
	open_table(1000, 10);
	assert_int_equal(table_model_move(&M, 5, &E), 0);
	fetches = M.fetches;
	assert_int_equal(table_model_restart(&M, &E), 0);
	assert_int_equal(M.fetches, fetches);
	assert_int_equal(table_model_selected(&M), 0);
	assert_int_equal(M.total, 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_reset_loads_first_page_with_one_fetch),
		cmocka_unit_test(test_table_move_within_page_fetches_nothing),
		cmocka_unit_test(test_table_moving_past_page_end_scrolls_one_row),
		cmocka_unit_test(test_table_page_down_costs_one_fetch_each),
		cmocka_unit_test(test_table_last_and_first),
		cmocka_unit_test(test_table_page_down_at_end_goes_to_last_row),
		cmocka_unit_test(test_table_reload_after_decision_selects_next_row),
		cmocka_unit_test(test_table_reload_page_defers_the_count_until_recount),
		cmocka_unit_test(test_table_reload_when_every_row_after_page_start_vanished),
		cmocka_unit_test(test_table_empty_has_no_selection),
		cmocka_unit_test(test_table_resize_keeps_first_row_and_clamps_cursor),
		cmocka_unit_test(test_table_search_hit_makes_position_unknown_until_top),
		cmocka_unit_test(test_table_sliced_count_follows_in_steps),
		cmocka_unit_test(test_table_restart_reads_no_page),
	};

	return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
