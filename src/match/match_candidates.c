/* Blocking and candidate scoring for one payment: reference keys, typo checks confirmed by
 * amount, the customer's open invoices, and payer names against the customers of invoices
 * of the same amount. Runs in worker threads on the read-only snapshot. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"
#include "paymatch/similarity.h"

#define MAX_CUSTOMER_SCAN 4096
#define MAX_AMOUNT_SCAN 256
#define MAX_NUMBER_SCAN 1024
#define MAX_PAY_NUMBERS 16
#define MAX_ID_CHECKS 400

static void score_cands(const struct mctx *ctx, struct worker *w, const struct mpay *p);
static void typo_hit(const struct mctx *ctx, struct worker *w, const struct mpay *p, int32_t i,
                     int k);
static void id_parts(const char *id, char *num, size_t *nl, char *let, size_t *ll);

int match_in_window(const struct pm_config *cfg, pm_date pd, pm_date id)
{
	int64_t gap = (int64_t)pd - id;

	return gap >= -cfg->matching.early_days && gap <= cfg->matching.date_window_days;
}

int64_t match_tolerance(const struct pm_config *cfg, int64_t invoice_amount)
{
	/* "<= absolute OR <= percent": the larger of the two (docs/MATCHING.md) */
	int64_t pct = (int64_t)floor((double)invoice_amount * cfg->matching.tolerance_percent / 100.0);

	return pct > cfg->matching.tolerance_minor ? pct : cfg->matching.tolerance_minor;
}

int match_amount_kind(const struct pm_config *cfg, int64_t u, int64_t open, int64_t inv_amount)
{
	if (u == open)
		return AMT_EXACT;
	if (u > open)
		return AMT_OVER;
	return open - u <= match_tolerance(cfg, inv_amount) ? AMT_TOLERANCE : AMT_PARTIAL;
}

double match_name_sim(const struct mctx *ctx, struct worker *w, const struct mpay *p, int32_t c)
{
	int i = match_names_seen(w, c);
	double sim;

	/* exactly what the first call returned: the cache never changes a decision */
	if (i >= 0)
		return w->cust_sim[i];
	if (!pay_name(ctx->set, p)->name_len)
		return 0;
	sim = match_names_sim(ctx, w, p, c);
	match_names_remember(w, c, sim);
	return sim;
}

/* Returns the candidate of invoice i, adding it when new (NULL when full or rejected). */
static struct cand *cand_get(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                             int32_t i)
{
	struct cand *c;

	for (int k = 0; k < w->ncands; k++)
		if (w->cands[k].inv == i)
			return &w->cands[k];
	if (w->ncands >= MAX_CANDS || (ctx->set->taken && ctx->set->taken[i]) ||
	    match_set_is_rejected(ctx->set, p->row, ctx->set->inv[i].row))
		return NULL;
	c = &w->cands[w->ncands++];
	memset(c, 0, sizeof *c);
	c->inv = i;
	return c;
}

/* The reference evidence of payment key k (source src) hitting invoice v by index kind. */
static int ref_strength(const struct match_set *s, const struct mpay *p, size_t kl, int src,
                        int kind, const struct minv *v)
{
	int strong_src = src == NORM_SRC_MEMO ? REF_MEMO : REF_MANGLED;

	if (kind == RK_FULL) {
		const char *raw = arena_str(s, v->ref), *pref = arena_str(s, p->ref);

		/* exact: the reference field is the invoice's reference, byte for byte */
		if (src == NORM_SRC_REF && *raw && strstr(pref, raw))
			return REF_EXACT;
		return strong_src;
	}
	/* core or digits: long keys are specific; short ones need the same letter prefix */
	return kl >= 5 ? strong_src : REF_WEAK;
}

/* Returns true when the payment's reference field or memo holds invoice v's reference
 * (src 0) or id (src 1) as it is written, punctuation included. */
static int quoted_verbatim(const struct match_set *s, const struct mpay *p, const struct minv *v,
                           int src)
{
	const char *raw = arena_str(s, src ? v->id : v->ref);

	return *raw && (strstr(arena_str(s, p->ref), raw) || strstr(arena_str(s, p->memo), raw));
}

/* Adds the invoices key k hits. A key that names an invoice verbatim (its reference as
 * written) names only it: the core or digits of another invoice's reference that happen
 * to equal it are not hits ("2026/002125" is not also INV-2026-002125; "2026002125" may be
 * either). Returns true when k named one verbatim. */
static int add_ref_hits(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                        const char *k, size_t kl, int ki, int src, int32_t *xcur,
                        const char *orig, size_t ol)
{
	const struct match_set *s = ctx->set;
	struct hidx_iter it;
	int32_t post, hits[64];
	int nhits = 0, verbatim = 0;

	match_ref_iter(s, k, kl, &it);
	while (nhits < 64 && (post = match_ref_next(s, &it)) >= 0) {
		hits[nhits++] = post;
		/* in any currency: a reference quoted as written names that invoice, and one in
		 * another currency is a currency mismatch, not a hint at a look-alike */
		verbatim |= !orig && (post & 3) == RK_FULL &&
		            quoted_verbatim(s, p, &s->inv[post >> 3], (post >> 2) & 1);
	}
	for (int h = 0; h < nhits; h++) {
		int32_t i = hits[h] >> 3;
		const struct minv *inv = &s->inv[i];
		int kind = hits[h] & 3, ev;
		struct cand *c;

		if (verbatim && kind != RK_FULL)
			continue;

		/* a core hit from a prefixed key counts only when the prefixes agree */
		if (orig && kind != RK_FULL) {
			size_t pl = norm_ref_prefix_len(orig, ol);

			if (pl && (pl != norm_ref_prefix_len(arena_str(s, inv->key), inv->key_len) ||
			           memcmp(orig, arena_str(s, inv->key), pl)))
				continue;
			ev = src == NORM_SRC_MEMO ? REF_MEMO : REF_MANGLED;
			if (!pl && kl < 5)
				ev = REF_WEAK;
		} else {
			ev = ref_strength(s, p, kl, src, kind, inv);
		}
		if (inv->cur != p->cur) {
			if (ev >= REF_MEMO && *xcur < 0)
				*xcur = i;
			continue;
		}
		c = cand_get(ctx, w, p, i);
		if (c && ev > c->ref) {
			c->ref = (uint8_t)ev;
			c->key_idx = (uint8_t)ki;
		}
	}
	return verbatim;
}

/* Returns true when key ki is part of a key in vk[0..nvk) (a digit run of it, say). */
static int part_of_any(const struct norm_keys *keys, int ki, const int *vk, int nvk)
{
	for (int j = 0; j < nvk; j++)
		if (keys->len[vk[j]] >= keys->len[ki] && strstr(keys->key[vk[j]], keys->key[ki]))
			return 1;
	return 0;
}

/* Reference keys of the payment against the invoice reference index. The keys of a word
 * come before its joins and digit runs: once a word named an invoice verbatim, its parts
 * (the digit run "2026001636" of INV-2026-001636) are not looked up. */
static void gather_refs(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                        int32_t *xcur)
{
	const struct match_set *s = ctx->set;
	const char *ref = arena_str(s, p->ref), *memo = arena_str(s, p->memo);
	int vk[NORM_MAX_KEYS], nvk = 0;
	char core[NORM_MAX_KEYS][NORM_KEY_MAX];
	uint8_t cl[NORM_MAX_KEYS];
	uint64_t h[2 * NORM_MAX_KEYS];
	int nh = 0;

	norm_ref_keys(ref, strlen(ref), memo, strlen(memo), &w->keys);
	/* every key and core is looked up (a few are skipped below): their cache misses in
	 * the index overlap when all are asked for first, directory then buckets */
	for (int ki = 0; ki < w->keys.n; ki++) {
		size_t c = norm_ref_core(w->keys.key[ki], w->keys.len[ki], core[ki], NORM_KEY_MAX);

		cl[ki] = (uint8_t)(c != w->keys.len[ki] ? c : 0);
		h[nh++] = match_hash(w->keys.key[ki], w->keys.len[ki]);
		if (cl[ki])
			h[nh++] = match_hash(core[ki], cl[ki]);
	}
	for (int stage = 0; stage < 2; stage++)
		for (int i = 0; i < nh; i++)
			hidx_prefetch(&s->ref_idx, h[i], stage);
	for (int ki = 0; ki < w->keys.n; ki++) {
		const char *k = w->keys.key[ki];
		size_t kl = w->keys.len[ki];

		if (nvk && part_of_any(&w->keys, ki, vk, nvk))
			continue;
		if (add_ref_hits(ctx, w, p, k, kl, ki, w->keys.src[ki], xcur, NULL, 0)) {
			vk[nvk++] = ki;
			continue;
		}
		if (cl[ki])
			add_ref_hits(ctx, w, p, core[ki], cl[ki], ki, w->keys.src[ki], xcur, k, kl);
	}
}

/* Prefetches what the scan of an amount list will read a few entries ahead of e: the
 * invoices' records, then (half as far ahead, once a record has arrived) their reference
 * keys (names = 0), or their customers' name signatures (names = 1). The list is contiguous
 * and its last entry is marked: the lookahead stops there. */
#define LIST_AHEAD 6
static void prefetch_list(const struct match_set *s, const struct amt_ent *e, int names)
{
	const struct amt_ent *a = e, *half = e;

	for (int d = 0; d < LIST_AHEAD && !a->last; d++) {
		a++;
		if (d < LIST_AHEAD / 2)
			half = a;
	}
	if (a == e)
		return;
	if (names) {
		if (a->cust >= 0)
			match_names_prefetch(s, a->cust);
		return;
	}
	__builtin_prefetch(&s->inv[a->inv]);
	if (half != e)
		__builtin_prefetch(arena_str(s, s->inv[half->inv].key));
}

/* Returns true when some length in the set lens (bit n: length n; a length of 64 or more
 * sets every bit) is within k of len; may say true when none is, never false when one is. */
static int length_near(uint64_t lens, unsigned len, int k)
{
	unsigned lo = len > (unsigned)k ? len - (unsigned)k : 0, hi = len + (unsigned)k;

	if (hi >= 63)
		return (lens >> (lo < 63 ? lo : 63)) != 0;
	return ((lens >> lo) & (((uint64_t)2 << (hi - lo)) - 1)) != 0;
}

/* A one-character typo or transposition in a long reference, accepted only for invoices of
 * exactly the paid amount (the amount confirms what the reference alone cannot). */
static void gather_typos(const struct mctx *ctx, struct worker *w, const struct mpay *p)
{
	const struct amt_ent *e;
	int k = (int)ctx->cfg->matching.max_typos;
	uint64_t lens = 0;

	if (k <= 0 || !w->keys.n)
		return;
	/* k edits change the length by at most k: an invoice key whose length is more than k
	 * away from every payment key's is not read at all */
	for (int ki = 0; ki < w->keys.n; ki++)
		if (w->keys.len[ki] >= 5)
			lens |= w->keys.len[ki] < 64 ? (uint64_t)1 << w->keys.len[ki] : ~(uint64_t)0;
	e = match_amount_list(ctx->set, p->cur, p->unapplied);
	for (uint32_t j = 0; lens && e && j < MAX_AMOUNT_SCAN; j++, e++) {
		prefetch_list(ctx->set, e, 0);
		if (e->key_len >= 5 && length_near(lens, e->key_len, k))
			typo_hit(ctx, w, p, e->inv, k);
		if (e->last)
			break;
	}
}

/* Adds invoice i as a typo candidate when a payment key of >= 5 characters is within k
 * edits of its reference key. */
static void typo_hit(const struct mctx *ctx, struct worker *w, const struct mpay *p, int32_t i,
                     int k)
{
	const struct minv *inv = &ctx->set->inv[i];
	const char *ik = arena_str(ctx->set, inv->key);

	if (inv->key_len < 5)
		return;
	for (int ki = 0; ki < w->keys.n; ki++) {
		struct cand *c;

		if (w->keys.len[ki] < 5 ||
		    sim_osa_bounded(w->keys.key[ki], w->keys.len[ki], ik, inv->key_len, k) > k)
			continue;
		c = cand_get(ctx, w, p, i);
		if (c && c->ref < REF_TYPO) {
			c->ref = REF_TYPO;
			c->key_idx = (uint8_t)ki;
		}
		return;
	}
}

/* The customer's open invoices that the amount fits (exactly or within tolerance) and
 * whose date window holds the payment date. */
static void gather_customer(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                            int32_t cu, int typos, int exact_only)
{
	const struct match_set *s = ctx->set;
	const struct mcust *c = &s->cust[cu];

	const struct cinv *ci = s->cust_inv + c->first;
	int32_t n = c->count < MAX_CUSTOMER_SCAN ? c->count : MAX_CUSTOMER_SCAN;
	int k = typos && w->keys.n ? (int)ctx->cfg->matching.max_typos : 0;

	for (int32_t j = 0; j < n; j++) {
		int ak;

		if (ci[j].cur != p->cur || !match_in_window(ctx->cfg, p->date, ci[j].idate))
			continue;
		ak = match_amount_kind(ctx->cfg, p->unapplied, ci[j].open, ci[j].amount);
		/* the amount index lists a round amount's first invoices only: a typo among the
		 * customer's own invoices of that amount is checked here too */
		if (ak == AMT_EXACT && k > 0)
			typo_hit(ctx, w, p, ci[j].inv, k);
		if (ak == AMT_EXACT || (ak == AMT_TOLERANCE && !exact_only))
			cand_get(ctx, w, p, ci[j].inv);
	}
}

int match_gather_customers(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                           const int32_t *cu, int ncu)
{
	int n = w->ncands, strong = 0;

	if (ncu <= 0)
		return w->ncands;
	for (int k = 0; k < w->ncands; k++)
		strong |= w->cands[k].ref >= REF_MEMO &&
		          (w->cands[k].amt == AMT_EXACT || w->cands[k].amt == AMT_TOLERANCE);
	for (int k = 0; k < ncu; k++)
		gather_customer(ctx, w, p, cu[k], !strong, 1);
	if (w->ncands != n || w->ncands)
		score_cands(ctx, w, p);
	return w->ncands;
}

/* Invoices of exactly the paid amount whose customer's name is like the payer's. */
static void gather_names(const struct mctx *ctx, struct worker *w, const struct mpay *p)
{
	const struct amt_ent *e;

	if (!pay_name(ctx->set, p)->name_len)
		return;
	e = match_amount_list(ctx->set, p->cur, p->unapplied);
	/* an entry listed by its original amount has another open balance: not this one */
	for (uint32_t j = 0; e && j < MAX_AMOUNT_SCAN; j++, e++) {
		prefetch_list(ctx->set, e, 1);
		if (e->cust >= 0 && !e->by_amount && match_in_window(ctx->cfg, p->date, e->idate) &&
		    match_name_sim(ctx, w, p, e->cust) >= ctx->cfg->matching.fuzzy_threshold)
			cand_get(ctx, w, p, e->inv);
		if (e->last)
			break;
	}
}

/* The numbers a payment quotes: the digit runs of its reference field and memo and its
 * digits-only keys (groups joined), leading zeros dropped, at least 3 digits, never its
 * customer number. */
struct pnums {
	int n;
	uint8_t len[MAX_PAY_NUMBERS];
	char d[MAX_PAY_NUMBERS][NORM_KEY_MAX];
	char cnum[NORM_KEY_MAX];     /* the customer number, never an invoice's */
	size_t cnl;
};

static size_t skip_zeros(const char **d, size_t l)
{
	while (l && **d == '0') {
		(*d)++;
		l--;
	}
	return l;
}

static void pnums_add(struct pnums *pn, const char *d, size_t l)
{
	l = skip_zeros(&d, l);
	if (l < 3 || l >= NORM_KEY_MAX || pn->n >= MAX_PAY_NUMBERS ||
	    (l == pn->cnl && memcmp(d, pn->cnum, l) == 0))
		return;
	for (int k = 0; k < pn->n; k++)
		if (pn->len[k] == l && memcmp(pn->d[k], d, l) == 0)
			return;
	memcpy(pn->d[pn->n], d, l);
	pn->len[pn->n++] = (uint8_t)l;
}

static void pnums_runs(struct pnums *pn, const char *t)
{
	while (*t) {
		const char *st = t;

		while (*t >= '0' && *t <= '9')
			t++;
		if (t > st)
			pnums_add(pn, st, (size_t)(t - st));
		else
			t++;
	}
}

static void pnums_of(const struct match_set *s, const struct worker *w, const struct mpay *p,
                     const struct mcust *cu, struct pnums *pn)
{
	const char *pcid = arena_str(s, p->cust_id);
	char let[NORM_KEY_MAX];
	size_t ll;

	pn->n = 0;
	id_parts(*pcid ? pcid : arena_str(s, cu->id), pn->cnum, &pn->cnl, let, &ll);
	pnums_runs(pn, arena_str(s, p->ref));
	pnums_runs(pn, arena_str(s, p->memo));
	for (int k = 0; k < w->keys.n; k++)
		if (w->keys.len[k] >= 8 && norm_all_digits(w->keys.key[k], w->keys.len[k]))
			pnums_add(pn, w->keys.key[k], w->keys.len[k]);
}

/* Returns true when a payment number quotes reference r: it equals r's longest digit run
 * (zeros dropped; "1381" quotes 2025/001381), or, with 5 digits or more, ends r's digits
 * ("168395" quotes 900168395). */
static int quotes_ref(const struct pnums *pn, const char *r)
{
	char dig[NORM_KEY_MAX];
	const char *sig = NULL;
	size_t dl = 0, sl = 0;

	while (*r) {
		const char *st = r;

		while (*r >= '0' && *r <= '9') {
			if (dl + 1 < sizeof dig)
				dig[dl++] = *r;
			r++;
		}
		if (r == st)
			r++;
		else if ((size_t)(r - st) >= sl) {
			sig = st;
			sl = (size_t)(r - st);
		}
	}
	if (!sig)
		return 0;
	sl = skip_zeros(&sig, sl);
	for (int k = 0; k < pn->n; k++) {
		size_t l = pn->len[k];

		if ((l == sl && memcmp(pn->d[k], sig, l) == 0) ||
		    (l >= 5 && l <= dl && memcmp(pn->d[k], dig + dl - l, l) == 0))
			return 1;
	}
	return 0;
}

int match_gather_numbers(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                         int32_t cu)
{
	const struct match_set *s = ctx->set;
	const struct cinv *ci;
	struct pnums pn;
	int added = 0, seen = 0;

	if (cu < 0)
		return w->ncands;
	pnums_of(s, w, p, &s->cust[cu], &pn);
	ci = s->cust_inv + s->cust[cu].first;
	for (int32_t k = 0; pn.n && k < s->cust[cu].count && seen < MAX_NUMBER_SCAN; k++) {
		const struct minv *v;
		struct cand *c;

		if (ci[k].cur != p->cur || !match_in_window(ctx->cfg, p->date, ci[k].idate))
			continue;
		seen++;
		v = &s->inv[ci[k].inv];
		if (!quotes_ref(&pn, arena_str(s, v->ref)) &&
		    (v->ref == v->id || !quotes_ref(&pn, arena_str(s, v->id))))
			continue;
		c = cand_get(ctx, w, p, ci[k].inv);
		if (c && c->ref < REF_NUMBER) {
			c->ref = REF_NUMBER;
			added++;
		}
	}
	if (added)
		score_cands(ctx, w, p);
	return w->ncands;
}

static double name_evidence(const struct pm_config *cfg, double sim)
{
	double f = cfg->matching.fuzzy_threshold;

	if (sim < f)
		return 0;
	return f >= 1.0 ? 0.9 : 0.4 + 0.5 * (sim - f) / (1.0 - f);
}

/* Noisy-OR of the named evidence strengths, then penalties, then the name-only cap. The
 * weights and a worked example are in docs/MATCHING.md. */
double match_confidence(const struct mctx *ctx, const struct cand *c, int name_only)
{
	static const double REF_E[] = { 0, 0.50, 0.70, 0.80, 0.88, 0.90, 0.92 };
	static const double AMT_E[] = { 0, 0.60, 0.45, 0, 0 };
	const struct pm_config *cfg = ctx->cfg;
	double miss = 1.0, e;
	int amount_fits = c->amt == AMT_EXACT || c->amt == AMT_TOLERANCE;

	e = REF_E[c->ref];
	if ((c->ref == REF_TYPO || c->ref == REF_WEAK) && !amount_fits)
		e = 0;   /* a weak or mistyped reference needs the amount to confirm it */
	if (c->ref == REF_TYPO && c->amt != AMT_EXACT)
		e = 0;
	miss *= 1 - e;
	miss *= 1 - AMT_E[c->amt];
	if (c->cust == CUST_ID)
		miss *= 1 - 0.60;
	else if (c->cust == CUST_NAME)
		miss *= 1 - name_evidence(cfg, c->name_sim);
	if (c->unique_amount)
		miss *= 1 - 0.70;
	e = 1 - miss;
	if (c->cust == CUST_ID_MISMATCH)
		e *= 0.6;
	if (!c->in_window)
		e *= 0.9;
	/* a number found only among one customer's invoices suggests, like a name */
	if (name_only || c->ref == REF_NUMBER)
		e *= cfg->matching.name_only_cap;
	return e;
}

/* A candidate resting only on a payer name (plus amount and date): capped. */
static int is_name_only(const struct cand *c)
{
	int ref_counts = c->ref >= REF_NUMBER ||
	                 ((c->ref == REF_TYPO || c->ref == REF_WEAK) &&
	                  (c->amt == AMT_EXACT || c->amt == AMT_TOLERANCE));

	return !ref_counts && c->cust != CUST_ID;
}

static int typed_id_also_names(const struct match_set *s, const struct mpay *p, int32_t c);

/* True when the payment's customer id does not tell against invoice customer c after all:
 * the id typed loosely is c's too, and the payer name is like c's. Then the name, not the
 * id, is the customer evidence. */
static int id_ambiguous(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                        int32_t c)
{
	return c >= 0 && pay_name(ctx->set, p)->name_len &&
	       match_name_sim(ctx, w, p, c) >= ctx->cfg->matching.fuzzy_threshold &&
	       typed_id_also_names(ctx->set, p, c);
}

static void evidence(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                     struct cand *c)
{
	const struct minv *inv = &ctx->set->inv[c->inv];

	c->amt = (uint8_t)match_amount_kind(ctx->cfg, p->unapplied, inv->open, inv->amount);
	c->gap = (int32_t)(p->date - inv->idate);
	c->in_window = (uint8_t)match_in_window(ctx->cfg, p->date, inv->idate);
	if (w->pcust >= 0 && inv->cust == w->pcust)
		c->cust = CUST_ID;
	else if (w->pcust >= 0 && !id_ambiguous(ctx, w, p, inv->cust))
		c->cust = CUST_ID_MISMATCH;
	else if (inv->cust >= 0 && pay_name(ctx->set, p)->name_len) {
		double sim = match_name_sim(ctx, w, p, inv->cust);

		c->name_sim = (float)sim;
		c->cust = sim >= ctx->cfg->matching.fuzzy_threshold ? CUST_NAME : CUST_NONE;
	}
}

/* Marks candidates whose customer has exactly one candidate invoice of the exact amount. */
static void mark_unique(const struct match_set *s, struct worker *w)
{
	for (int a = 0; a < w->ncands; a++) {
		struct cand *c = &w->cands[a];
		int same = 0;

		if (c->amt != AMT_EXACT || (c->cust != CUST_ID && c->cust != CUST_NAME) || !c->in_window)
			continue;
		for (int b = 0; b < w->ncands; b++) {
			const struct cand *d = &w->cands[b];

			if (d->amt == AMT_EXACT && d->in_window &&
			    s->inv[d->inv].cust == s->inv[c->inv].cust)
				same++;
		}
		c->unique_amount = same == 1;
	}
}

static int cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	int32_t ga = a->gap < 0 ? -a->gap : a->gap, gb = b->gap < 0 ? -b->gap : b->gap;

	if (a->conf != b->conf)
		return a->conf > b->conf ? -1 : 1;
	if (ga != gb)
		return ga < gb ? -1 : 1;
	return a->inv < b->inv ? -1 : a->inv > b->inv;
}

/* Sorts cands best first (cand_cmp, a total order): an insertion sort, as a payment has a
 * handful of candidates and is sorted after each gathering step (qsort's calls through a
 * pointer cost more than the sort). */
static void sort_cands(struct cand *c, int n)
{
	for (int i = 1; i < n; i++) {
		struct cand v = c[i];
		int j = i;

		for (; j > 0 && cand_cmp(&c[j - 1], &v) > 0; j--)
			c[j] = c[j - 1];
		c[j] = v;
	}
}

/* Splits a customer id into its number (digits, leading zeros dropped) and its letters
 * (upper case): "C006804" -> 6804, C; "cli-bla115" -> 115, CLIBLA. */
static void id_parts(const char *id, char *num, size_t *nl, char *let, size_t *ll)
{
	*nl = *ll = 0;
	for (; *id; id++) {
		char c = *id;

		if (c >= '0' && c <= '9') {
			if ((*nl || c != '0') && *nl + 1 < NORM_KEY_MAX)
				num[(*nl)++] = c;
		} else if (((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) && *ll + 1 < NORM_KEY_MAX) {
			let[(*ll)++] = (char)(c & ~0x20);
		}
	}
}

/* Packs the parts of an id into k. */
static void pack_id_key(const char *num, size_t nl, const char *let, size_t ll,
                        struct id_key *k)
{
	memset(k, 0, sizeof *k);
	k->nl = (uint8_t)nl;
	k->ll = (uint8_t)ll;
	k->packed = nl <= 19 && ll <= 8;   /* 19 digits fit in 64 bits, 8 letters in 8 bytes */
	for (size_t i = 0; k->packed && i < nl; i++)
		k->num = k->num * 10 + (uint64_t)(num[i] - '0');
	if (k->packed)
		memcpy(&k->let, let, ll);
}

void match_id_key(const char *id, struct id_key *k)
{
	char num[NORM_KEY_MAX], let[NORM_KEY_MAX];
	size_t nl, ll;

	id_parts(id, num, &nl, let, &ll);
	pack_id_key(num, nl, let, ll, k);
}

/* A customer id as a payer typed it: its parts, and packed. */
struct typed_id {
	char num[NORM_KEY_MAX], let[NORM_KEY_MAX];
	size_t nl, ll;
	struct id_key key;
};

/* Splits p's customer id into t; returns false when it has fewer than 3 significant digits
 * (too short to name a customer loosely). */
static bool typed_id_of(const struct match_set *s, const struct mpay *p, struct typed_id *t)
{
	id_parts(arena_str(s, p->cust_id), t->num, &t->nl, t->let, &t->ll);
	if (t->nl < 3)
		return false;
	pack_id_key(t->num, t->nl, t->let, t->ll, &t->key);
	return true;
}

/* Returns true when customer id b has the number num and the letters let (or the payer
 * typed none): a, as typed, is b with its case, punctuation, prefix or zeros changed. */
static int id_is_like(const char *b, const char *num, size_t nl, const char *let, size_t ll)
{
	char bn[NORM_KEY_MAX], bl[NORM_KEY_MAX];
	size_t bnl, bll;
	const char *d = b;

	/* most customers differ in the last digit: a cheap test before the split */
	while (*d)
		d++;
	while (d > b && !(d[-1] >= '0' && d[-1] <= '9'))
		d--;
	if (d == b || d[-1] != num[nl - 1])
		return 0;
	id_parts(b, bn, &bnl, bl, &bll);
	return bnl == nl && memcmp(bn, num, nl) == 0 &&
	       (!ll || (bll == ll && memcmp(bl, let, ll) == 0));
}

/* True when customer c's id is the typed id t with its case, punctuation, prefix or zeros
 * changed. The packed parts decide when both fit them; otherwise the strings. */
static int customer_id_like(const struct match_set *s, int32_t c, const struct typed_id *t)
{
	const struct id_key *ck = s->cid ? &s->cid[c] : NULL, *pk = &t->key;

	if (ck && ck->packed && pk->packed)
		return ck->nl == pk->nl && ck->num == pk->num &&
		       (!pk->ll || (ck->ll == pk->ll && ck->let == pk->let));
	return id_is_like(arena_str(s, s->cust[c].id), t->num, t->nl, t->let, t->ll);
}

/* True when p's customer id, which names another customer exactly, is also customer c's
 * typed loosely: "27415" is customer 27415's id and C027415's without prefix and zeros. */
static int typed_id_also_names(const struct match_set *s, const struct mpay *p, int32_t c)
{
	struct typed_id t;

	return typed_id_of(s, p, &t) && customer_id_like(s, c, &t);
}

/* The customer of a customer id that matches no id exactly but one loosely ("6804",
 * "145845", "cli-bla115" for C006804, 0000145845, CLI-BLA115): among the customers sharing
 * a word of the payer name (bounded like the name blocking), the only one whose id has the
 * same number (>= 3 digits) and the same letters or none; -1 when none or several. */
static int32_t loose_id_customer(const struct match_set *s, const struct mpay *p)
{
	int32_t occ[MAX_ID_CHECKS], found = -1;
	struct typed_id t;
	int nocc;

	if (!typed_id_of(s, p, &t))
		return -1;
	nocc = match_names_walk(s, p, occ, MAX_ID_CHECKS);
	for (int k = 0; k < nocc; k++) {
		if (occ[k] == found || !customer_id_like(s, occ[k], &t))
			continue;
		if (found >= 0)
			return -1;
		found = occ[k];
	}
	return found;
}

/* The customer p's customer id names loosely when the one it names exactly is not the
 * payer's (its name is not like the payer name) and the loose one's is: -1 otherwise. */
static int32_t other_id_customer(const struct mctx *ctx, struct worker *w, const struct mpay *p)
{
	const struct match_set *s = ctx->set;
	double f = ctx->cfg->matching.fuzzy_threshold;
	int32_t alt;

	if (p->cust < 0 || !pay_name(s, p)->name_len || match_name_sim(ctx, w, p, p->cust) >= f)
		return -1;
	alt = loose_id_customer(s, p);
	return alt >= 0 && alt != p->cust && match_name_sim(ctx, w, p, alt) >= f ? alt : -1;
}

/* Evidence, confidence and order of the gathered candidates (again after a later pass). */
static void score_cands(const struct mctx *ctx, struct worker *w, const struct mpay *p)
{
	for (int k = 0; k < w->ncands; k++)
		evidence(ctx, w, p, &w->cands[k]);
	mark_unique(ctx->set, w);
	for (int k = 0; k < w->ncands; k++)
		w->cands[k].conf = match_confidence(ctx, &w->cands[k], is_name_only(&w->cands[k]));
	sort_cands(w->cands, w->ncands);
}

/* The customer of the reference candidate that settles p when it has no customer id: the
 * candidate's reference is in the memo or stronger, it is of exactly the paid amount and its
 * customer's name is like the payer's. -1 when none. */
static int32_t settling_customer(const struct mctx *ctx, struct worker *w, const struct mpay *p)
{
	for (int k = 0; k < w->ncands; k++) {
		const struct minv *v = &ctx->set->inv[w->cands[k].inv];

		if (w->cands[k].ref >= REF_MEMO && v->cust >= 0 &&
		    match_amount_kind(ctx->cfg, p->unapplied, v->open, v->amount) == AMT_EXACT &&
		    match_name_sim(ctx, w, p, v->cust) >= ctx->cfg->matching.fuzzy_threshold)
			return v->cust;
	}
	return -1;
}

/* Without a customer id, the invoices of the paid amount are searched by payer name: the
 * scan of a round amount's list (up to 256 invoices, a name bound each) is the costliest
 * step of scoring. A payment that quotes an invoice's reference and pays exactly its amount
 * does not need it: every invoice that scan can add rests on the name alone, so its
 * confidence is at most matching.name_only_cap, and when the quoted invoice leads that cap
 * by auto_margin, no such invoice can change the decision, its status or its ambiguity
 * (decide_single). Only that customer's own invoices of the amount are gathered (from its
 * invoice list, which has them all: the amount list gives a round amount's first 256
 * only), so that "customer has 1 open invoice of that amount" counts every one of them.
 * Otherwise (another configuration, a weaker candidate), the full scan runs as before. */
static void gather_by_name(const struct mctx *ctx, struct worker *w, const struct mpay *p)
{
	const struct pm_config *cfg = ctx->cfg;
	int32_t cu = settling_customer(ctx, w, p);

	if (cu >= 0) {
		gather_customer(ctx, w, p, cu, 0, 1);
		score_cands(ctx, w, p);
		if (w->cands[0].ref >= REF_MEMO && w->cands[0].amt == AMT_EXACT &&
		    w->cands[0].conf - cfg->matching.name_only_cap >= cfg->matching.auto_margin)
			return;
	}
	gather_names(ctx, w, p);
}

int match_gather(const struct mctx *ctx, struct worker *w, const struct mpay *p, int32_t *xcur)
{
	int strong = 0;

	w->ncands = 0;
	w->ncust_seen = 0;
	w->name_cust = -2;
	*xcur = -1;
	gather_refs(ctx, w, p, xcur);
	/* a strong reference the amount does not fit may be a typo that hit another invoice's
	 * reference: the invoice one typo away with exactly the paid amount competes with it */
	for (int k = 0; k < w->ncands; k++) {
		const struct minv *v = &ctx->set->inv[w->cands[k].inv];
		int ak = match_amount_kind(ctx->cfg, p->unapplied, v->open, v->amount);

		strong |= w->cands[k].ref >= REF_MEMO && (ak == AMT_EXACT || ak == AMT_TOLERANCE);
	}
	if (!strong)
		gather_typos(ctx, w, p);
	w->pcust = p->cust >= 0 ? p->cust : loose_id_customer(ctx->set, p);
	if (w->pcust >= 0) {
		int32_t alt = other_id_customer(ctx, w, p);

		gather_customer(ctx, w, p, w->pcust, !strong, 0);
		if (alt >= 0)
			gather_customer(ctx, w, p, alt, !strong, 0);
	} else if (pay_name(ctx->set, p)->name_len) {
		gather_by_name(ctx, w, p);
	}
	score_cands(ctx, w, p);
	return w->ncands;
}

int match_cand_name_only(const struct cand *c)
{
	return is_name_only(c);
}
