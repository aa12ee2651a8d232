/* Blocking and candidate scoring for one payment: reference keys, typo checks confirmed by
 * amount, the customer's open invoices, and payer names against the customers of invoices
 * of the same amount. Runs in worker threads on the read-only snapshot. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"
#include "paymatch/similarity.h"

#define MAX_CUSTOMER_SCAN 4096
#define MAX_AMOUNT_SCAN 256

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
	const struct match_set *s = ctx->set;
	const struct mcust *cu = &s->cust[c];
	double sim;

	for (int i = 0; i < w->ncust_seen; i++)
		if (w->cust_seen[i] == c)
			return w->cust_sim[i];
	if (!p->name_len)
		return 0;
	sim = sim_name(arena_str(s, p->name), p->name_len, arena_str(s, cu->name), cu->name_len,
	               arena_str(s, p->name_full), p->name_full_len, arena_str(s, cu->name_full),
	               cu->name_full_len);
	if (w->ncust_seen < (int)(sizeof w->cust_seen / sizeof w->cust_seen[0])) {
		w->cust_seen[w->ncust_seen] = c;
		w->cust_sim[w->ncust_seen++] = (float)sim;
	}
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
	if (w->ncands >= MAX_CANDS || match_set_is_rejected(ctx->set, p->row, ctx->set->inv[i].row))
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

static void add_ref_hits(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                         const char *k, size_t kl, int ki, int src, int32_t *xcur,
                         const char *orig, size_t ol)
{
	const struct match_set *s = ctx->set;
	struct hidx_iter it;
	int32_t post;

	match_ref_iter(s, k, kl, &it);
	while ((post = match_ref_next(s, &it)) >= 0) {
		int32_t i = post >> 3;
		const struct minv *inv = &s->inv[i];
		int kind = post & 3, ev;
		struct cand *c;

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
}

/* Reference keys of the payment against the invoice reference index. */
static void gather_refs(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                        int32_t *xcur)
{
	const struct match_set *s = ctx->set;
	const char *ref = arena_str(s, p->ref), *memo = arena_str(s, p->memo);

	norm_ref_keys(ref, strlen(ref), memo, strlen(memo), &w->keys);
	for (int ki = 0; ki < w->keys.n; ki++) {
		const char *k = w->keys.key[ki];
		size_t kl = w->keys.len[ki];
		char core[NORM_KEY_MAX];
		size_t cl = norm_ref_core(k, kl, core, sizeof core);

		add_ref_hits(ctx, w, p, k, kl, ki, w->keys.src[ki], xcur, NULL, 0);
		if (cl && cl != kl)
			add_ref_hits(ctx, w, p, core, cl, ki, w->keys.src[ki], xcur, k, kl);
	}
}

/* A one-character typo or transposition in a long reference, accepted only for invoices of
 * exactly the paid amount (the amount confirms what the reference alone cannot). */
static void gather_typos(const struct mctx *ctx, struct worker *w, const struct mpay *p)
{
	const struct match_set *s = ctx->set;
	struct hidx_iter it;
	int32_t vj;
	int k = (int)ctx->cfg->matching.max_typos;

	if (k <= 0 || !w->keys.n)
		return;
	match_amount_iter(s, p->cur, p->unapplied, &it);
	for (uint32_t j = 0; j < MAX_AMOUNT_SCAN && (vj = match_amount_next(s, &it)) >= 0; j++) {
		const struct minv *inv = &s->inv[vj];
		const char *ik = arena_str(s, inv->key);

		if (inv->key_len < 5 || (inv->open != p->unapplied && inv->amount != p->unapplied))
			continue;
		for (int ki = 0; ki < w->keys.n; ki++) {
			struct cand *c;

			if (w->keys.len[ki] < 5 ||
			    sim_osa_bounded(w->keys.key[ki], w->keys.len[ki], ik, inv->key_len, k) > k)
				continue;
			c = cand_get(ctx, w, p, vj);
			if (c && c->ref < REF_TYPO) {
				c->ref = REF_TYPO;
				c->key_idx = (uint8_t)ki;
			}
			break;
		}
	}
}

/* The customer's open invoices that the amount fits (exactly or within tolerance) and
 * whose date window holds the payment date. */
static void gather_customer(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                            int32_t cu)
{
	const struct match_set *s = ctx->set;
	const struct mcust *c = &s->cust[cu];

	const struct cinv *ci = s->cust_inv + c->first;
	int32_t n = c->count < MAX_CUSTOMER_SCAN ? c->count : MAX_CUSTOMER_SCAN;

	for (int32_t k = 0; k < n; k++) {
		int ak;

		if (ci[k].cur != p->cur || !match_in_window(ctx->cfg, p->date, ci[k].idate))
			continue;
		ak = match_amount_kind(ctx->cfg, p->unapplied, ci[k].open, ci[k].amount);
		if (ak == AMT_EXACT || ak == AMT_TOLERANCE)
			cand_get(ctx, w, p, ci[k].inv);
	}
}

/* Invoices of exactly the paid amount whose customer's name is like the payer's. */
static void gather_names(const struct mctx *ctx, struct worker *w, const struct mpay *p)
{
	const struct match_set *s = ctx->set;
	struct hidx_iter it;
	int32_t vj;

	if (!p->name_len)
		return;
	match_amount_iter(s, p->cur, p->unapplied, &it);
	for (uint32_t j = 0; j < MAX_AMOUNT_SCAN && (vj = match_amount_next(s, &it)) >= 0; j++) {
		const struct minv *inv = &s->inv[vj];

		if (inv->cust < 0 || inv->open != p->unapplied ||
		    !match_in_window(ctx->cfg, p->date, inv->idate))
			continue;
		if (match_name_sim(ctx, w, p, inv->cust) >= ctx->cfg->matching.fuzzy_threshold)
			cand_get(ctx, w, p, vj);
	}
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
	static const double REF_E[] = { 0, 0.50, 0.70, 0.88, 0.90, 0.92 };
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
	if (name_only)
		e *= cfg->matching.name_only_cap;
	return e;
}

/* A candidate resting only on a payer name (plus amount and date): capped. */
static int is_name_only(const struct cand *c)
{
	int ref_counts = c->ref >= REF_MEMO ||
	                 ((c->ref == REF_TYPO || c->ref == REF_WEAK) &&
	                  (c->amt == AMT_EXACT || c->amt == AMT_TOLERANCE));

	return !ref_counts && c->cust != CUST_ID;
}

static void evidence(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                     struct cand *c)
{
	const struct minv *inv = &ctx->set->inv[c->inv];

	c->amt = (uint8_t)match_amount_kind(ctx->cfg, p->unapplied, inv->open, inv->amount);
	c->gap = (int32_t)(p->date - inv->idate);
	c->in_window = (uint8_t)match_in_window(ctx->cfg, p->date, inv->idate);
	if (p->cust >= 0)
		c->cust = inv->cust == p->cust ? CUST_ID : CUST_ID_MISMATCH;
	else if (inv->cust >= 0 && p->name_len) {
		double sim = match_name_sim(ctx, w, p, inv->cust);

		c->name_sim = (float)sim;
		c->cust = sim >= ctx->cfg->matching.fuzzy_threshold ? CUST_NAME : CUST_NONE;
	}
	/* a payment with a customer id but no invoices on file: the id says nothing */
	if (p->cust < 0 && *arena_str(ctx->set, p->cust_id) && c->cust == CUST_NONE)
		c->cust = CUST_NONE;
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

int match_gather(const struct mctx *ctx, struct worker *w, const struct mpay *p, int32_t *xcur)
{
	int strong = 0;

	w->ncands = 0;
	w->ncust_seen = 0;
	*xcur = -1;
	gather_refs(ctx, w, p, xcur);
	for (int k = 0; k < w->ncands; k++)
		strong |= w->cands[k].ref >= REF_MEMO;
	if (!strong)
		gather_typos(ctx, w, p);
	if (p->cust >= 0)
		gather_customer(ctx, w, p, p->cust);
	else
		gather_names(ctx, w, p);
	for (int k = 0; k < w->ncands; k++)
		evidence(ctx, w, p, &w->cands[k]);
	mark_unique(ctx->set, w);
	for (int k = 0; k < w->ncands; k++)
		w->cands[k].conf = match_confidence(ctx, &w->cands[k], is_name_only(&w->cands[k]));
	qsort(w->cands, (size_t)w->ncands, sizeof w->cands[0], cand_cmp);
	return w->ncands;
}

int match_cand_name_only(const struct cand *c)
{
	return is_name_only(c);
}
