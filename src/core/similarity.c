/* Similarity functions (see similarity.h). Stack buffers only: called in worker hot loops. */
#include <stdint.h>
#include <string.h>

#include "paymatch/similarity.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Jaro: matches are equal characters within floor(max/2)-1 positions; t = half the matched
 * characters out of order. (Jaro 1989; Winkler 1990 adds the common-prefix bonus.) Both
 * versions below take, for each character of a in order, the first unmatched equal
 * character of b in its window, so they find the same m and t and return the same double. */
static double jaro_score(size_t m, size_t t, size_t la, size_t lb)
{
	if (m == 0)
		return 0.0;
	return ((double)m / (double)la + (double)m / (double)lb +
	        ((double)m - (double)t / 2.0) / (double)m) / 3.0;
}

/* Strings of up to 64 bytes: b's positions per byte value are a bit mask, so the first
 * free match in the window is one count-trailing-zeros (bit-parallel, cf. Hyyro's
 * pattern-match vectors); no per-call clearing of flag arrays. */
static double jaro_bits(const unsigned char *a, size_t la, const unsigned char *b, size_t lb,
                        size_t win)
{
	uint64_t peq[256], ma = 0, mb = 0;
	size_t m = 0, t = 0;

	for (size_t i = 0; i < la; i++)
		peq[a[i]] = 0;
	for (size_t j = 0; j < lb; j++)
		peq[b[j]] = 0;
	for (size_t j = 0; j < lb; j++)
		peq[b[j]] |= (uint64_t)1 << j;
	for (size_t i = 0; i < la; i++) {
		size_t lo = i > win ? i - win : 0, hi = MIN(i + win + 1, lb);
		uint64_t x;

		if (lo >= hi)
			continue;
		x = peq[a[i]] & ~mb & (hi == 64 ? ~(uint64_t)0 : ((uint64_t)1 << hi) - 1) &
		    ~(((uint64_t)1 << lo) - 1);
		if (x) {
			mb |= x & -x;
			ma |= (uint64_t)1 << i;
			m++;
		}
	}
	for (uint64_t bm = mb; ma; ma &= ma - 1, bm &= bm - 1)
		t += a[__builtin_ctzll(ma)] != b[__builtin_ctzll(bm)];
	return jaro_score(m, t, la, lb);
}

static double jaro_flags(const char *a, size_t la, const char *b, size_t lb, size_t win)
{
	unsigned char ma[SIM_MAX_LEN] = { 0 }, mb[SIM_MAX_LEN] = { 0 };
	size_t m = 0, t = 0, k = 0;

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
	for (size_t i = 0; m && i < la; i++) {
		if (!ma[i])
			continue;
		while (!mb[k])
			k++;
		if (a[i] != b[k])
			t++;
		k++;
	}
	return jaro_score(m, t, la, lb);
}

double sim_jaro(const char *a, size_t la, const char *b, size_t lb)
{
	size_t win;

	la = MIN(la, SIM_MAX_LEN);
	lb = MIN(lb, SIM_MAX_LEN);
	if (la == 0 && lb == 0)
		return 1.0;
	if (la == 0 || lb == 0)
		return 0.0;
	win = MAX(la, lb) / 2;
	win = win > 0 ? win - 1 : 0;
	if (la <= 64 && lb <= 64)
		return jaro_bits((const unsigned char *)a, la, (const unsigned char *)b, lb, win);
	return jaro_flags(a, la, b, lb, win);
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

#define MAX_TOKENS SIM_MAX_TOKENS

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

/* The set of a token's characters in 64 buckets (tok_may_pair below). */
static uint64_t char_mask(const char *s, size_t n)
{
	uint64_t m = 0;

	for (size_t i = 0; i < n; i++)
		m |= (uint64_t)1 << ((unsigned char)s[i] & 63);
	return m;
}

static int tok_may_pair(const struct sim_tok *x, const struct sim_tok *y);

double sim_token_set(const char *a, size_t la, const char *b, size_t lb)
{
	size_t as[MAX_TOKENS], al[MAX_TOKENS], bs[MAX_TOKENS], bl[MAX_TOKENS];
	int na = split_tokens(a, la, as, al), nb = split_tokens(b, lb, bs, bl);
	unsigned char used[MAX_TOKENS] = { 0 };
	struct sim_tok ta[MAX_TOKENS], tb[MAX_TOKENS];
	double sum = 0;

	if (na == 0 || nb == 0)
		return na == nb ? 1.0 : 0.0;
	/* a pair below 0.9 adds nothing, so pairs whose bound is below it are not scored */
	for (int i = 0; i < na; i++)
		ta[i] = (struct sim_tok){ .mask = char_mask(a + as[i], al[i]), .hash = 0,
		                          .len = (uint16_t)MIN(al[i], 65535) };
	for (int j = 0; j < nb; j++)
		tb[j] = (struct sim_tok){ .mask = char_mask(b + bs[j], bl[j]), .hash = 1,
		                          .len = (uint16_t)MIN(bl[j], 65535) };
	for (int i = 0; i < na; i++) {
		double best = 0;
		int bj = -1;

		for (int j = 0; j < nb; j++) {
			double s;

			if (used[j])
				continue;
			if (al[i] == bl[j] && memcmp(a + as[i], b + bs[j], al[i]) == 0)
				s = 1.0;
			else if (al[i] >= 4 && bl[j] >= 4 && tok_may_pair(&ta[i], &tb[j]))
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
	return 2.0 * (double)sum / (double)(na + nb);
}

double sim_name(const char *a, size_t la, const char *b, size_t lb, const char *a_full,
                size_t la_full, const char *b_full, size_t lb_full)
{
	double s, t;

	if (la == lb && memcmp(a, b, la) == 0)
		return 1.0;
	s = sim_jaro_winkler(a, la, b, lb);
	t = sim_token_set(a, la, b, lb);
	if (t > s)
		s = t;
	if (a_full && b_full && la_full >= 10 && la_full < lb_full &&
	    memcmp(a_full, b_full, la_full) == 0 && s < 0.97)
		s = 0.97;
	return s;
}

void sim_sig_make(const char *s, size_t n, struct sim_sig *sig, struct sim_tok *tok)
{
	size_t st[MAX_TOKENS], len[MAX_TOKENS], cl = MIN(n, SIM_MAX_LEN);
	int nt = split_tokens(s, n, st, len);

	memset(sig, 0, sizeof *sig);
	for (size_t i = 0; i < cl; i++)
		sig->hist[(unsigned char)s[i] & 31]++;
	sig->len = (uint16_t)cl;
	sig->ntok = (uint8_t)nt;
	for (int t = 0; t < nt; t++) {
		uint32_t h = 2166136261u;

		tok[t].mask = 0;
		for (size_t i = st[t]; i < st[t] + len[t]; i++) {
			tok[t].mask |= (uint64_t)1 << ((unsigned char)s[i] & 63);
			h = (h ^ (unsigned char)s[i]) * 16777619u;
		}
		tok[t].hash = h;
		tok[t].len = (uint16_t)MIN(len[t], 65535);
	}
}

/* Jaro with at most m matches is at most (m/la + m/lb + 1)/3 (no transposition at best);
 * Jaro-Winkler grows with Jaro for a prefix of at most 4. */
static double jw_bound(size_t m, size_t la, size_t lb, size_t prefix)
{
	double j = ((double)m / (double)la + (double)m / (double)lb + 1.0) / 3.0;

	return j + (double)prefix * 0.1 * (1.0 - j);
}

/* Population count without relying on a popcount instruction (SWAR, Hacker's Delight 5-1). */
static unsigned popcount64(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ULL;
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

/* Can two tokens score in sim_token_set (equal, or both >= 4 long with Jaro-Winkler >=
 * 0.9)? A character of one that does not occur in the other never matches, so each
 * character bucket missing from the other costs at least one match. */
static int tok_may_pair(const struct sim_tok *x, const struct sim_tok *y)
{
	size_t lx = MIN(x->len, SIM_MAX_LEN), ly = MIN(y->len, SIM_MAX_LEN), mx, my;

	if (x->len == y->len && x->hash == y->hash)
		return 1;
	if (x->len < 4 || y->len < 4)
		return 0;
	mx = lx - MIN(lx, (size_t)popcount64(x->mask & ~y->mask));
	my = ly - MIN(ly, (size_t)popcount64(y->mask & ~x->mask));
	return jw_bound(MIN(mx, my), lx, ly, 4) >= 0.9 - 1e-9;
}

/* sim_token_set pairs each token at most once on each side, every pair worth <= 1. */
static double token_set_bound(const struct sim_sig *sa, const struct sim_tok *ta,
                              const struct sim_sig *sb, const struct sim_tok *tb)
{
	uint32_t rows = 0, cols = 0;
	int nr, nc;

	if (sa->ntok == 0 || sb->ntok == 0)
		return sa->ntok == sb->ntok ? 1.0 : 0.0;
	for (int i = 0; i < sa->ntok; i++)
		for (int j = 0; j < sb->ntok; j++)
			if (tok_may_pair(&ta[i], &tb[j])) {
				rows |= 1u << i;
				cols |= 1u << j;
			}
	nr = (int)popcount64(rows);
	nc = (int)popcount64(cols);
	return 2.0 * (double)MIN(nr, nc) / (double)(sa->ntok + sb->ntok);
}

double sim_name_bound(const char *a, size_t la, const struct sim_sig *sa,
                      const struct sim_tok *ta, const char *b, size_t lb,
                      const struct sim_sig *sb, const struct sim_tok *tb)
{
	size_t h = 0, p = 0;
	double jw, ts;

	if (sa->len == 0 || sb->len == 0)
		return 1.0;
	for (int k = 0; k < 32; k++)
		h += MIN(sa->hist[k], sb->hist[k]);
	while (p < 4 && p < la && p < lb && a[p] == b[p])
		p++;
	jw = jw_bound(MIN(h, MIN(sa->len, sb->len)), sa->len, sb->len, p);
	ts = token_set_bound(sa, ta, sb, tb);
	return jw > ts ? jw : ts;
}
