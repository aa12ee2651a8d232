/* Bounded subset-sum for combined payments. Depth-first over items in the caller's order
 * (oldest due first), so the first solution found prefers older invoices; the search goes
 * on until a second solution proves ambiguity or the space is exhausted, and every visited
 * node counts against the budget (Oracle ARCS caps its subset rules the same way). */
#include <stdbool.h>

#include "match_internal.h"

struct subset {
	const int64_t *a;
	int n, min_k, max_k;
	int64_t target, budget, steps;
	int64_t suffix_max[SUBSET_MAX_ITEMS + 1];   /* largest single amount in a[i..n) */
	int cur[SUBSET_MAX_ITEMS], ncur;
	int *pick, *npick;
	int found;
	bool out_of_budget;
};

static void dfs(struct subset *s, int from, int64_t sum)
{
	for (int i = from; i < s->n && s->found < 2 && !s->out_of_budget; i++) {
		int64_t v = sum + s->a[i];
		int left = s->max_k - s->ncur - 1;

		if (++s->steps > s->budget) {
			s->out_of_budget = true;
			return;
		}
		if (v > s->target)
			continue;
		/* even the largest remaining amounts, left of them, cannot reach the target */
		if (v < s->target && (left <= 0 || i + 1 >= s->n ||
		                      v + (int64_t)left * s->suffix_max[i + 1] < s->target))
			continue;
		s->cur[s->ncur++] = i;
		if (v == s->target && s->ncur >= s->min_k) {
			if (s->found++ == 0) {
				for (int k = 0; k < s->ncur; k++)
					s->pick[k] = s->cur[k];
				*s->npick = s->ncur;
			}
		} else if (v < s->target) {
			dfs(s, i + 1, v);
		}
		s->ncur--;
	}
}

int match_subset_sum(const int64_t *amounts, int n, int64_t target, int min_k, int max_k,
                     int64_t budget, int *pick, int *npick)
{
	struct subset s = { .a = amounts, .n = n, .min_k = min_k < 1 ? 1 : min_k, .max_k = max_k,
	                    .target = target, .budget = budget, .pick = pick, .npick = npick };

	*npick = 0;
	if (n > SUBSET_MAX_ITEMS)
		s.n = n = SUBSET_MAX_ITEMS;
	if (max_k > SUBSET_MAX_ITEMS)
		s.max_k = SUBSET_MAX_ITEMS;
	if (target <= 0 || n <= 0 || s.max_k < s.min_k)
		return 0;
	s.suffix_max[n] = 0;
	for (int i = n - 1; i >= 0; i--)
		s.suffix_max[i] = amounts[i] > s.suffix_max[i + 1] ? amounts[i] : s.suffix_max[i + 1];
	dfs(&s, 0, 0);
	if (s.found >= 2)
		return 2;
	if (s.out_of_budget)
		return -1;
	return s.found;
}
