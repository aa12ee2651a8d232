/* Payer-name similarity at scale: signatures of the customers' names (built once), a bound
 * that skips the comparisons that cannot come near matching.fuzzy_threshold, and an
 * index from customer to its slot in the worker's per-payment cache. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"

/* Similarities from fuzzy_threshold - NAME_EXACT_MARGIN up are exact; every decision on
 * names compares with fuzzy_threshold or with a margin of 0.02 below the best. */
#define NAME_EXACT_MARGIN 0.05
/* Token lists longer than this are too common to say anything about a customer. */
#define NAME_TOKEN_MAX_LIST 1000

/* The customers of a payer name's walk whose similarity reaches the exact range: sim[0..n)
 * then their customers, ascending (memo_cust); the others are below fuzzy_threshold -
 * NAME_EXACT_MARGIN. About 76 entries a name at 1M, so 12 bytes an entry. */
struct name_memo {
	int32_t n, unused;
	double sim[];
};

static const int32_t *memo_cust(const struct name_memo *m)
{
	return (const int32_t *)(m->sim + m->n);
}

static struct name_memo NO_CANDIDATES = { .n = 0 };

int match_names_build(struct match_set *s)
{
	size_t ntok = 0;

	match_names_free(s);
	s->csig = malloc((s->ncust ? s->ncust : 1) * sizeof *s->csig);
	s->ctok = NULL;
	if (!s->csig)
		return -1;
	for (size_t c = 0; c < s->ncust; c++) {
		struct sim_tok tok[SIM_MAX_TOKENS];

		sim_sig_make(arena_str(s, s->cust[c].name), s->cust[c].name_len, &s->csig[c].sig, tok);
		ntok += s->csig[c].sig.ntok;
	}
	s->ctok = malloc((ntok ? ntok : 1) * sizeof *s->ctok);
	s->memo = calloc(s->npnorm ? s->npnorm : 1, sizeof *s->memo);
	s->nmemo = s->npnorm;
	if (!s->ctok || !s->memo)
		return -1;
	ntok = 0;
	for (size_t c = 0; c < s->ncust; c++) {
		const struct mcust *cu = &s->cust[c];
		struct name_sig *cs = &s->csig[c];

		sim_sig_make(arena_str(s, cu->name), cu->name_len, &cs->sig, s->ctok + ntok);
		cs->tok = (uint32_t)ntok;
		ntok += cs->sig.ntok;
		cs->name_len = cu->name_len;
		cs->full_len = cu->name_full_len;
		memset(cs->head, 0, sizeof cs->head);
		memcpy(cs->head, arena_str(s, cu->name), cu->name_len < 4 ? cu->name_len : 4);
		cs->full0 = *arena_str(s, cu->name_full);
	}
	return 0;
}

void match_names_reset(struct match_set *s)
{
	for (size_t i = 0; s->memo && i < s->nmemo; i++) {
		struct name_memo *m = atomic_load(&s->memo[i]);

		if (m != &NO_CANDIDATES)
			free(m);
		atomic_store(&s->memo[i], NULL);
	}
}

void match_names_free(struct match_set *s)
{
	match_names_reset(s);
	free(s->memo);
	s->memo = NULL;
	free(s->csig);
	free(s->ctok);
	s->csig = NULL;
	s->ctok = NULL;
}

int match_names_worker_init(struct worker *w, const struct match_set *s)
{
	w->seen_ep = calloc(s->ncust ? s->ncust : 1, sizeof *w->seen_ep);
	w->seen_ix = malloc(s->ncust ? s->ncust : 1);
	w->seen_epoch = 0;
	w->seen_n = s->ncust;
	w->psig_of = NULL;
	return w->seen_ep && w->seen_ix ? 0 : -1;
}

void match_names_worker_free(struct worker *w)
{
	free(w->seen_ep);
	free(w->seen_ix);
	w->seen_ep = NULL;
	w->seen_ix = NULL;
}

/* The per-payment cache is emptied by setting ncust_seen to 0: an empty cache starts a new
 * epoch, so marks of earlier payments no longer count. */
int match_names_seen(struct worker *w, int32_t c)
{
	uint8_t i;

	if (!w->seen_ep) {
		for (int k = 0; k < w->ncust_seen; k++)
			if (w->cust_seen[k] == c)
				return k;
		return -1;
	}
	if (w->ncust_seen == 0 && ++w->seen_epoch == 0) {
		w->seen_epoch = 1;
		for (size_t k = 0; k < w->seen_n; k++)
			w->seen_ep[k] = 0;
	}
	if (w->seen_ep[c] != w->seen_epoch)
		return -1;
	i = w->seen_ix[c];
	return i < w->ncust_seen && w->cust_seen[i] == c ? i : -1;
}

void match_names_remember(struct worker *w, int32_t c, double sim)
{
	int n = w->ncust_seen;

	if (n >= (int)(sizeof w->cust_seen / sizeof w->cust_seen[0]))
		return;
	w->cust_seen[n] = c;
	w->cust_sim[n] = (float)sim;
	w->ncust_seen = n + 1;
	if (w->seen_ep) {
		w->seen_ep[c] = w->seen_epoch;
		w->seen_ix[c] = (uint8_t)n;
	}
}

double match_names_sim(const struct mctx *ctx, struct worker *w, const struct mpay *p, int32_t c)
{
	const struct match_set *s = ctx->set;
	const char *pn = arena_str(s, p->name), *pf = arena_str(s, p->name_full);
	const struct mcust *cu;

	/* the bound reads only the signature (head: the prefix bonus looks at 4 characters);
	 * the truncation rule lifts a prefix to 0.97: never skipped */
	if (s->csig) {
		const struct name_sig *cs = &s->csig[c];
		double floor = ctx->cfg->matching.fuzzy_threshold - NAME_EXACT_MARGIN, ub;

		if (!(p->name_full_len >= 10 && p->name_full_len < cs->full_len &&
		      pf[0] == cs->full0 &&
		      memcmp(pf, arena_str(s, s->cust[c].name_full), p->name_full_len) == 0)) {
			if (w->psig_of != p) {
				sim_sig_make(pn, p->name_len, &w->psig, w->ptok);
				w->psig_of = p;
			}
			ub = sim_name_bound(pn, p->name_len, &w->psig, w->ptok, cs->head, cs->name_len,
			                    &cs->sig, s->ctok + cs->tok);
			if (ub < floor - 1e-6)
				return ub;
		}
	}
	cu = &s->cust[c];
	return sim_name(pn, p->name_len, arena_str(s, cu->name), cu->name_len, pf,
	                p->name_full_len, arena_str(s, cu->name_full), cu->name_full_len);
}

int match_names_walk(const struct match_set *s, const struct mpay *p, int32_t *occ, int max)
{
	const char *n = arena_str(s, p->name);
	size_t i = 0, len = p->name_len;
	int nocc = 0;

	while (i < len && nocc < max) {
		size_t st;
		uint32_t cnt;
		const int32_t *v;

		while (i < len && n[i] == ' ')
			i++;
		st = i;
		while (i < len && n[i] != ' ')
			i++;
		v = i > st ? mm_get(&s->name_tok, n + st, i - st, &cnt) : NULL;
		if (!v || cnt > NAME_TOKEN_MAX_LIST)
			continue;
		for (uint32_t k = 0; k < cnt && nocc < max; k++)
			occ[nocc++] = v[k];
	}
	return nocc;
}

/* Computes the memo of p's payer name: the walk's customers in the exact range. */
static struct name_memo *memo_make(const struct mctx *ctx, struct worker *w, const struct mpay *p)
{
	int32_t occ[NAME_WALK_MAX], cust[NAME_WALK_MAX];
	double sims[NAME_WALK_MAX];
	int nocc = match_names_walk(ctx->set, p, occ, NAME_WALK_MAX), n = 0;
	double floor = ctx->cfg->matching.fuzzy_threshold - NAME_EXACT_MARGIN - 1e-6;
	struct name_memo *m;

	for (int k = 0; k < nocc; k++) {
		int dup = 0;
		double sim;

		for (int j = 0; j < n && !dup; j++)
			dup = cust[j] == occ[k];
		if (dup || (sim = match_names_sim(ctx, w, p, occ[k])) < floor)
			continue;
		cust[n] = occ[k];
		sims[n++] = sim;
	}
	if (n == 0)
		return &NO_CANDIDATES;
	m = malloc(sizeof *m + (size_t)n * (sizeof m->sim[0] + sizeof cust[0]));
	if (!m)
		return NULL;
	m->n = n;
	/* insertion sort by customer: at most NAME_WALK_MAX entries, once per name */
	for (int k = 1; k < n; k++)
		for (int j = k; j > 0 && cust[j - 1] > cust[j]; j--) {
			int32_t tc = cust[j];
			double ts = sims[j];

			cust[j] = cust[j - 1];
			sims[j] = sims[j - 1];
			cust[j - 1] = tc;
			sims[j - 1] = ts;
		}
	memcpy(m->sim, sims, (size_t)n * sizeof sims[0]);
	memcpy((int32_t *)(m->sim + n), cust, (size_t)n * sizeof cust[0]);
	return m;
}

const struct name_memo *match_names_memo(const struct mctx *ctx, struct worker *w,
                                         const struct mpay *p)
{
	const struct match_set *s = ctx->set;
	struct name_memo *m, *expect = NULL;

	if (!s->memo || !s->csig || p->pn < 0 || (size_t)p->pn >= s->nmemo || !p->name_len)
		return NULL;
	m = atomic_load(&s->memo[p->pn]);
	if (m)
		return m;
	m = memo_make(ctx, w, p);
	if (!m)
		return NULL;
	/* workers may race to the same name: they compute the same memo, the first one stays */
	if (!atomic_compare_exchange_strong(&s->memo[p->pn], &expect, m)) {
		if (m != &NO_CANDIDATES)
			free(m);
		m = expect;
	}
	return m;
}

double match_names_memo_sim(const struct name_memo *m, struct worker *w, int32_t c)
{
	int i = match_names_seen(w, c);
	double sim = 0;
	const int32_t *cu = memo_cust(m);
	int lo = 0, hi = m->n;

	if (i >= 0)
		return w->cust_sim[i];
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (cu[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->n && cu[lo] == c)
		sim = m->sim[lo];
	match_names_remember(w, c, sim);
	return sim;
}
