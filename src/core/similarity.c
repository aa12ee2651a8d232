/* Similarity functions (see similarity.h). Stack buffers only: called in worker hot loops. */
#include <string.h>

#include "paymatch/similarity.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Jaro: matches are equal characters within floor(max/2)-1 positions; t = half the matched
 * characters out of order. (Jaro 1989; Winkler 1990 adds the common-prefix bonus.) */
double sim_jaro(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned char ma[SIM_MAX_LEN] = { 0 }, mb[SIM_MAX_LEN] = { 0 };
	size_t win, m = 0, t = 0, k = 0;

	la = MIN(la, SIM_MAX_LEN);
	lb = MIN(lb, SIM_MAX_LEN);
	if (la == 0 && lb == 0)
		return 1.0;
	if (la == 0 || lb == 0)
		return 0.0;
	win = MAX(la, lb) / 2;
	win = win > 0 ? win - 1 : 0;
	for (size_t i = 0; i < la; i++) {
		size_t lo = i > win ? i - win : 0, hi = MIN(i + win + 1, lb);

		for (size_t j = lo; j < hi; j++) {
			if (mb[j] || a[i] != b[j])
				continue;
			ma[i] = mb[j] = 1;
			m++;
			break;
		}
	}
	if (m == 0)
		return 0.0;
	for (size_t i = 0; i < la; i++) {
		if (!ma[i])
			continue;
		while (!mb[k])
			k++;
		if (a[i] != b[k])
			t++;
		k++;
	}
	return ((double)m / (double)la + (double)m / (double)lb +
	        ((double)m - (double)t / 2.0) / (double)m) / 3.0;
}

double sim_jaro_winkler(const char *a, size_t la, const char *b, size_t lb)
{
	double j = sim_jaro(a, la, b, lb);
	size_t p = 0;

	while (p < 4 && p < la && p < lb && a[p] == b[p])
		p++;
	return j + (double)p * 0.1 * (1.0 - j);
}

int sim_osa_bounded(const char *a, size_t la, const char *b, size_t lb, int k)
{
	int rows[3][SIM_MAX_LEN + 1];
	int *pp, *prev, *cur;

	la = MIN(la, SIM_MAX_LEN);
	lb = MIN(lb, SIM_MAX_LEN);
	if ((la > lb ? la - lb : lb - la) > (size_t)k)
		return k + 1;
	for (size_t j = 0; j <= lb; j++)
		rows[1][j] = (int)j;
	pp = rows[0];
	prev = rows[1];
	cur = rows[2];
	for (size_t i = 1; i <= la; i++) {
		int best = cur[0] = (int)i;

		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] == b[j - 1] ? 0 : 1;
			int v = MIN(MIN(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);

			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				v = MIN(v, pp[j - 2] + 1);
			cur[j] = v;
			best = MIN(best, v);
		}
		if (best > k)   /* every alignment already costs more than k */
			return k + 1;
		{
			int *tmp = pp;

			pp = prev;
			prev = cur;
			cur = tmp;
		}
	}
	return prev[lb] <= k ? prev[lb] : k + 1;
}

#define MAX_TOKENS 16

static int split_tokens(const char *s, size_t n, size_t *st, size_t *len)
{
	int nt = 0;
	size_t i = 0;

	while (i < n && nt < MAX_TOKENS) {
		while (i < n && s[i] == ' ')
			i++;
		if (i >= n)
			break;
		st[nt] = i;
		while (i < n && s[i] != ' ')
			i++;
		len[nt] = i - st[nt];
		nt++;
	}
	return nt;
}

double sim_token_set(const char *a, size_t la, const char *b, size_t lb)
{
	size_t as[MAX_TOKENS], al[MAX_TOKENS], bs[MAX_TOKENS], bl[MAX_TOKENS];
	int na = split_tokens(a, la, as, al), nb = split_tokens(b, lb, bs, bl);
	unsigned char used[MAX_TOKENS] = { 0 };
	double sum = 0;

	if (na == 0 || nb == 0)
		return na == nb ? 1.0 : 0.0;
	for (int i = 0; i < na; i++) {
		double best = 0;
		int bj = -1;

		for (int j = 0; j < nb; j++) {
			double s;

			if (used[j])
				continue;
			if (al[i] == bl[j] && memcmp(a + as[i], b + bs[j], al[i]) == 0)
				s = 1.0;
			else if (al[i] >= 4 && bl[j] >= 4)
				s = sim_jaro_winkler(a + as[i], al[i], b + bs[j], bl[j]);
			else
				s = 0;
			if (s > best) {
				best = s;
				bj = j;
			}
		}
		if (bj >= 0 && best >= 0.9) {
			used[bj] = 1;
			sum += best;
		}
	}
	return 2.0 * sum / (double)(na + nb);
}

double sim_name(const char *a, size_t la, const char *b, size_t lb, const char *a_full,
                size_t la_full, const char *b_full, size_t lb_full)
{
	double s = sim_jaro_winkler(a, la, b, lb), t;

	if (la == lb && memcmp(a, b, la) == 0)
		return 1.0;
	t = sim_token_set(a, la, b, lb);
	if (t > s)
		s = t;
	if (a_full && b_full && la_full >= 10 && la_full < lb_full &&
	    memcmp(a_full, b_full, la_full) == 0 && s < 0.97)
		s = 0.97;
	return s;
}
