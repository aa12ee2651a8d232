/* Payer-name similarity at scale: signatures of the customers' names (built once), a bound
 * that skips the comparisons that cannot come near matching.fuzzy_threshold, and an
 * index from customer to its slot in the worker's per-payment cache. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"

/* Similarities from fuzzy_threshold - NAME_EXACT_MARGIN up are exact; every decision on
 * names compares with fuzzy_threshold or with a margin of 0.02 below the best. */
#define NAME_EXACT_MARGIN 0.05
/* Token lists longer than this are too common to say anything about a customer. */
#define NAME_TOKEN_MAX_LIST 1000

/* The lead the name customer needs over every other customer of its walk. */
#define NAME_LEAD 0.02

/* The customers each undecided payer name ties, kept for match_names_close: records in
 * blocks that never move once made, appended under the lock by any worker and published
 * through the name's memo (a worker reads a record only after the memo's store). Two
 * workers racing on one name each append one; so that no append can fail for room, there
 * is address space for PM_MAX_WORKERS records per name. */
#define TIE_BLOCK 1024

struct name_tie {
	int32_t c[NAME_TIED_MAX];
	int32_t n;
};

struct name_ties {
	pthread_mutex_t mu;
	struct name_tie **block;
	size_t nblock, n;
};

static struct name_ties *ties_new(size_t nnames)
{
	struct name_ties *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->nblock = nnames * PM_MAX_WORKERS / TIE_BLOCK + 1;
	t->block = calloc(t->nblock, sizeof *t->block);
	if (!t->block) {
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->mu, NULL);
	return t;
}

static void ties_free(struct name_ties *t)
{
	if (!t)
		return;
	for (size_t b = 0; b < t->nblock; b++)
		free(t->block[b]);
	free(t->block);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

/* Appends the tie close[0..n); returns its index, -1 when out of memory. */
static int32_t ties_add(struct name_ties *t, const int32_t *close, int n)
{
	struct name_tie *r = NULL;
	size_t k;

	pthread_mutex_lock(&t->mu);
	k = t->n;
	if (k / TIE_BLOCK < t->nblock && k < INT32_MAX &&
	    (t->block[k / TIE_BLOCK] ||
	     (t->block[k / TIE_BLOCK] = malloc(TIE_BLOCK * sizeof **t->block)))) {
		r = &t->block[k / TIE_BLOCK][k % TIE_BLOCK];
		t->n++;
	}
	pthread_mutex_unlock(&t->mu);
	if (!r)
		return -1;
	memcpy(r->c, close, (size_t)n * sizeof *close);
	r->n = n;
	return (int32_t)k;
}

int match_names_build(struct match_set *s)
{
	size_t ntok = 0;

	match_names_free(s);
	/* records aligned on cache lines: a bound reads two lines, fetched together */
	s->csig = aligned_alloc(64, (s->ncust ? s->ncust : 1) * sizeof *s->csig);
	s->ctok = NULL;
	if (!s->csig)
		return -1;
	for (size_t c = 0; c < s->ncust; c++) {
		struct sim_tok tok[SIM_MAX_TOKENS];

		sim_sig_make(arena_str(s, s->cust[c].name), s->cust[c].name_len, &s->csig[c].sig, tok);
		if (s->csig[c].sig.ntok > NAME_SIG_TOKENS)
			ntok += s->csig[c].sig.ntok;
	}
	s->ctok = malloc((ntok ? ntok : 1) * sizeof *s->ctok);
	s->memo = calloc(s->npnorm ? s->npnorm : 1, sizeof *s->memo);
	s->nmemo = s->npnorm;
	s->ties = ties_new(s->npnorm);
	if (!s->ctok || !s->memo || !s->ties)
		return -1;
	ntok = 0;
	for (size_t c = 0; c < s->ncust; c++) {
		const struct mcust *cu = &s->cust[c];
		struct name_sig *cs = &s->csig[c];
		struct sim_tok tok[SIM_MAX_TOKENS];

		memset(cs, 0, sizeof *cs);
		sim_sig_make(arena_str(s, cu->name), cu->name_len, &cs->sig, tok);
		if (cs->sig.ntok > NAME_SIG_TOKENS) {
			memcpy(s->ctok + ntok, tok, cs->sig.ntok * sizeof tok[0]);
			cs->tok = (uint32_t)ntok;
			ntok += cs->sig.ntok;
		} else {
			memcpy(cs->itok, tok, cs->sig.ntok * sizeof tok[0]);
		}
		cs->name_len = cu->name_len;
		cs->full_len = cu->name_full_len;
		memcpy(cs->head, arena_str(s, cu->name), cu->name_len < 4 ? cu->name_len : 4);
		memcpy(cs->full_head, arena_str(s, cu->name_full),
		       cu->name_full_len < sizeof cs->full_head ? cu->name_full_len : sizeof cs->full_head);
	}
	return 0;
}

void match_names_reset(struct match_set *s)
{
	for (size_t i = 0; s->memo && i < s->nmemo; i++)
		atomic_store(&s->memo[i], 0);
	if (s->ties)
		s->ties->n = 0;
}

void match_names_free(struct match_set *s)
{
	match_names_reset(s);
	free((void *)s->memo);
	s->memo = NULL;
	ties_free(s->ties);
	s->ties = NULL;
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
	w->cust_sim[n] = sim;
	w->ncust_seen = n + 1;
	if (w->seen_ep) {
		w->seen_ep[c] = w->seen_epoch;
		w->seen_ix[c] = (uint8_t)n;
	}
}

/* Returns an upper bound of p's similarity to customer c from c's signature (the prefix
 * bonus looks at 4 characters of its name), 2 when the truncation rule (a prefix of 10 or
 * more lifts to 0.97) applies: that one is never skipped. Needs s->csig. */
static double name_bound(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                         int32_t c)
{
	const struct match_set *s = ctx->set;
	const struct name_sig *cs = &s->csig[c];
	const struct pnorm *nm = pay_name(s, p);
	const char *pn = arena_str(s, nm->name), *pf = arena_str(s, nm->name_full);
	size_t n = nm->name_full_len, h = n < sizeof cs->full_head ? n : sizeof cs->full_head;

	if (s->cust[c].alt >= 0)
		return 2.0;   /* the signature is its first name's: compare both in full */

	/* the full name's first 16 bytes are in the record: the rest is read only when they
	 * agree (the customer's full name is longer than n, so they are all there) */
	if (n >= 10 && n < cs->full_len && memcmp(pf, cs->full_head, h) == 0 &&
	    (n == h || memcmp(pf + h, arena_str(s, s->cust[c].name_full) + h, n - h) == 0))
		return 2.0;
	if (w->psig_of != p) {
		sim_sig_make(pn, nm->name_len, &w->psig, w->ptok);
		w->psig_of = p;
	}
	return sim_name_bound(pn, nm->name_len, &w->psig, w->ptok, cs->head, cs->name_len, &cs->sig,
	                      cs->sig.ntok > NAME_SIG_TOKENS ? s->ctok + cs->tok : cs->itok);
}

/* The payer's similarity to customer c: to its name, or to its second name when that one
 * is closer. */
static double name_exact(const struct match_set *s, const struct mpay *p, int32_t c)
{
	const struct mcust *cu = &s->cust[c];
	const struct pnorm *nm = pay_name(s, p);
	double sim = sim_name(arena_str(s, nm->name), nm->name_len, arena_str(s, cu->name),
	                      cu->name_len, arena_str(s, nm->name_full), nm->name_full_len,
	                      arena_str(s, cu->name_full), cu->name_full_len), alt;
	const struct calt *a = cu->alt >= 0 ? &s->calt[cu->alt] : NULL;

	if (!a)
		return sim;
	alt = sim_name(arena_str(s, nm->name), nm->name_len, arena_str(s, a->name), a->name_len,
	               arena_str(s, nm->name_full), nm->name_full_len, arena_str(s, a->name_full),
	               a->name_full_len);
	return alt > sim ? alt : sim;
}

double match_names_sim(const struct mctx *ctx, struct worker *w, const struct mpay *p, int32_t c)
{
	const struct match_set *s = ctx->set;
	double floor = ctx->cfg->matching.fuzzy_threshold - NAME_EXACT_MARGIN, ub;

	if (s->csig && (ub = name_bound(ctx, w, p, c)) < floor - 1e-6)
		return ub;
	return name_exact(s, p, c);
}

int match_names_walk(const struct match_set *s, const struct mpay *p, int32_t *occ, int max)
{
	const struct pnorm *nm = pay_name(s, p);
	const char *n = arena_str(s, nm->name);
	size_t i = 0, len = nm->name_len;
	const int32_t *list[SIM_MAX_TOKENS];
	uint32_t cnt[SIM_MAX_TOKENS];
	int nl = 0, nocc = 0;

	while (i < len && nl < SIM_MAX_TOKENS) {
		size_t st;
		const int32_t *v;

		while (i < len && n[i] == ' ')
			i++;
		st = i;
		while (i < len && n[i] != ' ')
			i++;
		v = i > st ? mm_get(&s->name_tok, n + st, i - st, &cnt[nl]) : NULL;
		if (v && cnt[nl] <= NAME_TOKEN_MAX_LIST)
			list[nl++] = v;
	}
	/* the rarest words first: their lists hold the payer's customer among the fewest
	 * others, so a walk cut at max still reaches it when a common word comes first */
	for (int a = 1; a < nl; a++)
		for (int b = a; b > 0 && cnt[b] < cnt[b - 1]; b--) {
			const int32_t *tv = list[b];
			uint32_t tc = cnt[b];

			list[b] = list[b - 1];
			cnt[b] = cnt[b - 1];
			list[b - 1] = tv;
			cnt[b - 1] = tc;
		}
	for (int k = 0; k < nl && nocc < max; k++)
		for (uint32_t j = 0; j < cnt[k] && nocc < max; j++)
			occ[nocc++] = list[k][j];
	return nocc;
}

int match_names_same(const struct match_set *s, const struct mpay *p, int32_t *same, int max)
{
	const struct pnorm *nm = pay_name(s, p);
	uint32_t cnt = 0;
	const int32_t *v = nm->name_len ? mm_get(&s->name_same, arena_str(s, nm->name),
	                                         nm->name_len, &cnt) : NULL;
	int n = 0;

	for (uint32_t k = 0; v && k < cnt && n < max; k++)
		same[n++] = v[k];
	return n;
}

void match_names_prefetch(const struct match_set *s, int32_t c)
{
	__builtin_prefetch(&s->csig[c]);
	__builtin_prefetch((const char *)&s->csig[c] + 64);
}

struct name_cand {
	double ub;
	int32_t c;
};

/* True when a comes before b: highest bound first, then lower customer. */
static int cand_before(const struct name_cand *a, const struct name_cand *b)
{
	return a->ub > b->ub || (a->ub == b->ub && a->c < b->c);
}

/* Restores the heap order (the first candidate at the root) below slot i of h[0..n). */
static void heap_down(struct name_cand *h, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, m = i;
		struct name_cand t;

		if (l < n && cand_before(&h[l], &h[m]))
			m = l;
		if (l + 1 < n && cand_before(&h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* Removes and returns the first candidate of the heap h[0..*n). */
static struct name_cand heap_pop(struct name_cand *h, int *n)
{
	struct name_cand top = h[0];

	h[0] = h[--*n];
	heap_down(h, *n, 0);
	return top;
}

/* The search behind a payer name's customer: among the customers of its walk, the one with
 * the highest similarity (the lower index on a tie) when it reaches fuzzy_threshold and
 * every other one is more than NAME_LEAD below it; -1 otherwise. Similarities below the
 * exact range count as 0. Comparing in the order of the bounds, the search stops at the
 * first bound that can neither reach the best nor come within NAME_LEAD of it: most of a
 * walk's customers (~170 at 1M) are then never compared in full. That order comes from a
 * heap: the search takes a few of them, which a full sort of the walk paid for every one
 * (a tenth of the decision's time). With close, it also lists there (up to max, count in
 * *nclose) the customers of at least fuzzy_threshold within NAME_LEAD of the best: the
 * search compared every one of them before it stopped. *nclose counts them all, even
 * beyond max. */
static int32_t names_search(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                            int32_t *close, int max, int *nclose)
{
	const struct match_set *s = ctx->set;
	enum { MAXC = NAME_WALK_MAX + NAME_SAME_MAX };
	int32_t occ[MAXC], best = -1, seen[MAXC];
	struct name_cand cand[MAXC];
	int nocc = match_names_walk(s, p, occ, NAME_WALK_MAX), n = 0, nseen = 0;
	double fuzzy = ctx->cfg->matching.fuzzy_threshold, floor = fuzzy - NAME_EXACT_MARGIN;
	double bs = 0, second = 0, seen_sim[MAXC];

	/* the customers of exactly this name, which a walk cut short may not have reached
	 * (one listed twice is compared once: equal entries leave the heap together) */
	nocc += match_names_same(s, p, occ + nocc, NAME_SAME_MAX);

	for (int k = 0; k < nocc; k++) {
		if (s->csig && k + NAME_PREFETCH_FAR < nocc)
			match_names_prefetch(s, occ[k + NAME_PREFETCH_FAR]);
		cand[n].ub = s->csig ? name_bound(ctx, w, p, occ[k]) : 2.0;
		cand[n].c = occ[k];
		n += cand[n].ub >= floor - 1e-6;
	}
	for (int k = n / 2 - 1; k >= 0; k--)
		heap_down(cand, n, k);
	for (int32_t prev = -1; n > 0;) {
		double lim = (bs > fuzzy ? bs : fuzzy) - NAME_LEAD, sim;
		struct name_cand nc;

		if (cand[0].ub < lim - 1e-6)
			break;
		nc = heap_pop(cand, &n);
		if (nc.c == prev)
			continue;   /* a customer sharing two words is walked twice */
		prev = nc.c;
		sim = name_exact(s, p, nc.c);
		if (sim < floor)
			sim = 0;
		seen[nseen] = nc.c;
		seen_sim[nseen++] = sim;
		if (sim > bs || (sim == bs && nc.c < best)) {
			second = bs;
			bs = sim;
			best = nc.c;
		} else if (sim > second) {
			second = sim;
		}
	}
	if (close) {
		*nclose = 0;
		for (int k = 0; k < nseen; k++)
			if (seen_sim[k] >= fuzzy && seen_sim[k] >= bs - NAME_LEAD) {
				if (*nclose < max)
					close[*nclose] = seen[k];
				(*nclose)++;
			}
	}
	if (best < 0 || bs < fuzzy || bs - second < NAME_LEAD)
		return -1;
	/* its similarity serves again (evidence, explanation) while this payment is scored */
	if (match_names_seen(w, best) < 0)
		match_names_remember(w, best, bs);
	return best;
}

/* The memo of a search's outcome (decided customer, none, or a tie of close[0..n)); not
 * stored when the tie finds no room (the next payment of that name searches again). */
static void memo_store(const struct match_set *s, int32_t pn, int32_t v, const int32_t *close,
                       int n)
{
	int32_t k;

	if (v >= 0 || n < 2 || n > NAME_TIED_MAX) {
		atomic_store(&s->memo[pn], v + 2);
		return;
	}
	k = ties_add(s->ties, close, n);
	if (k >= 0)
		atomic_store(&s->memo[pn], -(k + 1));
}

/* Searches p's name (once per distinct name when memoised): the customer, -1 none; the
 * close customers in close[0..*n) (NAME_TIED_MAX room; none when more are that close). */
static int32_t names_memo(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                          int32_t *close, int *n)
{
	const struct match_set *s = ctx->set;
	int memo = s->memo && s->ties && p->pn >= 0 && (size_t)p->pn < s->nmemo;
	int32_t v = memo ? atomic_load(&s->memo[p->pn]) : 0;

	if (v > 0) {
		*n = v > 1;
		close[0] = v - 2;
		return v - 2;
	}
	if (v < 0) {
		const struct name_tie *r = &s->ties->block[(size_t)(-v - 1) / TIE_BLOCK]
		                                          [(size_t)(-v - 1) % TIE_BLOCK];

		memcpy(close, r->c, (size_t)r->n * sizeof *close);
		*n = r->n;
		return -1;
	}
	/* workers may race to the same name: they find the same outcome */
	v = names_search(ctx, w, p, close, NAME_TIED_MAX, n);
	if (memo)
		memo_store(s, p->pn, v, close, *n);
	if (*n > NAME_TIED_MAX)
		*n = 0;   /* too many alike to say which */
	return v;
}

int match_names_close(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                      int32_t *close, int max)
{
	int32_t all[NAME_TIED_MAX];
	int n = 0;

	if (!pay_name(ctx->set, p)->name_len)
		return 0;
	names_memo(ctx, w, p, all, &n);
	if (n > max)
		n = max;
	memcpy(close, all, (size_t)n * sizeof *close);
	return n;
}

int32_t match_names_customer(const struct mctx *ctx, struct worker *w, const struct mpay *p)
{
	int32_t close[NAME_TIED_MAX];
	int n = 0;

	if (!pay_name(ctx->set, p)->name_len)
		return names_search(ctx, w, p, NULL, 0, NULL);
	return names_memo(ctx, w, p, close, &n);
}
