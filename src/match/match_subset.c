/* Bounded subset-sum for combined payments. Only a unique solution is ever used, so the
 * search order is free: it runs depth-first over the amounts sorted largest first, which
 * gives two exact prunes — an item too large for what is left is skipped (the first one
 * that fits is found by bisection), and when even the item with the largest ones after it
 * cannot reach the target, no later (smaller) item can: the loop ends. The search goes on
 * until a second solution proves ambiguity or the space is exhausted, and every visited
 * node counts against the budget (Oracle ARCS caps its subset rules the same way). */
#include <stdbool.h>

#include "match_internal.h"

struct subset {
	int64_t a[SUBSET_MAX_ITEMS];                /* amounts, largest first */
	int idx[SUBSET_MAX_ITEMS];                  /* the caller's index of a[i] */
	int64_t pre[SUBSET_MAX_ITEMS + 1];          /* pre[i] = a[0] + ... + a[i-1] */
	int n, min_k, max_k;
	int64_t target, budget, steps;
	int cur[SUBSET_MAX_ITEMS], ncur;
	int *pick, *npick;
	int found;
	bool out_of_budget;
};

/* Returns the first i >= from with a[i] <= room (n when none). */
static int first_fitting(const struct subset *s, int from, int64_t room)
{
	int lo = from, hi = s->n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (s->a[mid] > room)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void record(struct subset *s)
{
	if (s->found++ == 0) {
		/* back to the caller's indexes, in its order (oldest due first) */
		for (int k = 0; k < s->ncur; k++) {
			int v = s->idx[s->cur[k]], j = k;

			while (j > 0 && s->pick[j - 1] > v) {
				s->pick[j] = s->pick[j - 1];
				j--;
			}
			s->pick[j] = v;
		}
		*s->npick = s->ncur;
	}
}

static void dfs(struct subset *s, int from, int64_t sum)
{
	int left = s->max_k - s->ncur - 1;

	for (int i = first_fitting(s, from, s->target - sum);
	     i < s->n && s->found < 2 && !s->out_of_budget; i++) {
		int64_t v = sum + s->a[i];
		int end = i + 1 + left < s->n ? i + 1 + left : s->n;

		if (++s->steps > s->budget) {
			s->out_of_budget = true;
			return;
		}
		/* item i with the largest amounts after it falls short: so does every later one */
		if (v + (s->pre[end] - s->pre[i + 1]) < s->target)
			return;
		s->cur[s->ncur++] = i;
		if (v == s->target) {
			if (s->ncur >= s->min_k)
				record(s);
		} else if (left > 0) {
			dfs(s, i + 1, v);
		}
		s->ncur--;
	}
}

int match_subset_sum(const int64_t *amounts, int n, int64_t target, int min_k, int max_k,
                     int64_t budget, int *pick, int *npick)
{
	struct subset s = { .n = n, .min_k = min_k < 1 ? 1 : min_k, .max_k = max_k,
	                    .target = target, .budget = budget, .pick = pick, .npick = npick };

	*npick = 0;
	if (n > SUBSET_MAX_ITEMS)
		s.n = n = SUBSET_MAX_ITEMS;
	if (max_k > SUBSET_MAX_ITEMS)
		s.max_k = SUBSET_MAX_ITEMS;
	if (target <= 0 || n <= 0 || s.max_k < s.min_k)
		return 0;
	/* insertion sort, largest first, ties in the caller's order (at most 48 items) */
	for (int i = 0; i < n; i++) {
		int j = i;

		while (j > 0 && s.a[j - 1] < amounts[i]) {
			s.a[j] = s.a[j - 1];
			s.idx[j] = s.idx[j - 1];
			j--;
		}
		s.a[j] = amounts[i];
		s.idx[j] = i;
	}
	for (int i = 0; i < n; i++)
		s.pre[i + 1] = s.pre[i] + s.a[i];
	dfs(&s, 0, 0);
	if (s.found >= 2)
		return 2;
	if (s.out_of_budget)
		return -1;
	return s.found;
}
