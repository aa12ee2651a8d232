/* Resolving the proposals (see match_internal.h, match_resolve): best first against the
 * invoices' residuals, then a second round for the payments the first left ambiguous.
 * The outcome depends only on the data and the configuration, never on the worker count:
 * one thread, a total order. */
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"

/* A proposal with its sort keys (qsort has no context argument in C11): 16 bytes, as the
 * first round is resolved while the blocking indexes are still alive (the second round
 * needs them), at the peak of the run's memory. Payments are indexed in row order
 * (match_set_add_*), so comparing indexes compares rows; the proposal is found again from
 * its payment index (chunk = pay / chunk_size). */
struct pref {
	double conf;
	int32_t gap, pay;
};
_Static_assert(sizeof(struct pref) == 16, "a sort key per proposal: keep it small");

/* Best first: confidence, then date proximity, then payment row (a total order). */
static int pref_cmp(const void *x, const void *y)
{
	const struct pref *a = x, *b = y;

	if (a->conf != b->conf)
		return a->conf > b->conf ? -1 : 1;
	if (a->gap != b->gap)
		return a->gap < b->gap ? -1 : 1;
	return a->pay < b->pay ? -1 : a->pay > b->pay;
}

/* The sort key of r in two halves: hi = confidence, descending (a non-negative double's bits
 * grow with it, so their complement falls), lo = date gap then payment. */
static uint64_t pref_key(const struct pref *r, int hi)
{
	uint64_t b;
	double c = r->conf > 0 ? r->conf : 0.0;   /* never -0.0 */

	if (!hi)
		return (uint64_t)(uint32_t)r->gap << 32 | (uint32_t)r->pay;
	memcpy(&b, &c, sizeof b);
	return ~b;
}

/* Sorts refs into pref_cmp's order: a radix sort, 16 bits a pass from the lowest (a pass
 * whose digit is the same everywhere is skipped); ~5x faster than qsort on the 800k
 * proposals of 1M payments. Out of memory for its buffers, qsort (the order is total: the
 * same result). */
#define RADIX_BITS 16
static void sort_prefs(struct pref *refs, size_t n)
{
	struct pref *tmp = malloc((n ? n : 1) * sizeof *tmp), *src = refs, *dst = tmp, *t;
	size_t *pos = malloc(((size_t)1 << RADIX_BITS) * sizeof *pos);

	if (!tmp || !pos) {
		free(tmp);
		free(pos);
		qsort(refs, n, sizeof *refs, pref_cmp);
		return;
	}
	for (int pass = 0; n && pass < 128 / RADIX_BITS; pass++) {
		int hi = pass >= 64 / RADIX_BITS, shift = (pass % (64 / RADIX_BITS)) * RADIX_BITS;
		size_t mask = ((size_t)1 << RADIX_BITS) - 1, at = 0;

		memset(pos, 0, ((size_t)1 << RADIX_BITS) * sizeof *pos);
		for (size_t i = 0; i < n; i++)
			pos[(pref_key(&src[i], hi) >> shift) & mask]++;
		if (pos[(pref_key(&src[0], hi) >> shift) & mask] == n)
			continue;
		for (size_t d = 0; d <= mask; d++) {
			size_t c = pos[d];

			pos[d] = at;
			at += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[pos[(pref_key(&src[i], hi) >> shift) & mask]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != refs)
		memcpy(refs, src, n * sizeof *refs);
	free(tmp);
	free(pos);
}

/* Applies proposal r against the invoice residuals; returns 1 when applied, 0 when an
 * invoice it needs was settled by a better proposal. */
static int apply_prop(struct mchunk *ch, struct mprop *pr, int64_t *res)
{
	struct mline *l = &ch->lines[pr->line_off];
	int n = pr->nlines;

	if (n == 1 && !pr->amount_evidence && res[l->inv] > 0 &&
	    res[l->inv] < l->amount + l->deduction) {
		/* an installment or a referenced payment: take what is left of the invoice */
		if (l->amount > res[l->inv])
			l->amount = res[l->inv];
		l->deduction = res[l->inv] - l->amount <= l->deduction ? res[l->inv] - l->amount : 0;
	}
	for (int k = 0; k < n; k++)
		if (res[l[k].inv] < l[k].amount + l[k].deduction)
			return 0;
	for (int k = 0; k < n; k++)
		res[l[k].inv] -= l[k].amount + l[k].deduction;
	return 1;
}

/* Counts, saturating at 2, the proposals that want each invoice (into want, ninv bytes). */
static void count_wants(const struct mresolve *e, uint8_t *want)
{
	for (size_t c = 0; c < e->nchunks; c++)
		for (size_t i = 0; i < e->chunks[c].nprops; i++) {
			const struct mprop *pr = &e->chunks[c].props[i];
			const struct mline *l = &e->chunks[c].lines[pr->line_off];

			for (int k = 0; pr->rule >= 0 && k < pr->nlines; k++)
				want[l[k].inv] += want[l[k].inv] < 2;
		}
}

/* True when another proposal wants an invoice of pr too. */
static int contested(const struct mchunk *ch, const struct mprop *pr, const uint8_t *want)
{
	for (int k = 0; k < pr->nlines; k++)
		if (want[ch->lines[pr->line_off + k].inv] > 1)
			return 1;
	return 0;
}

/* Resolves all proposals; marks the failed ones with nlines = 0 and rule = -2. A proposal
 * no other one competes with cannot fail and changes no one else's fate: it is applied at
 * once, and only the contested ones (a few percent) are sorted best first - the sort's two
 * arrays were 30 MB at 1M, at the run's memory peak. */
static int resolve(const struct mresolve *e, int64_t *res)
{
	const struct match_set *s = e->ctx.set;
	uint8_t *want = calloc(s->ninv ? s->ninv : 1, 1);
	size_t n = 0, alloc = 0;
	struct pref *refs = NULL;

	if (!want)
		return -1;
	count_wants(e, want);
	for (size_t c = 0; c < e->nchunks; c++)
		for (size_t i = 0; i < e->chunks[c].nprops; i++) {
			struct mprop *pr = &e->chunks[c].props[i];

			if (pr->rule < 0)
				continue;
			if (!contested(&e->chunks[c], pr, want)) {
				if (!apply_prop(&e->chunks[c], pr, res))
					pr->rule = -2;   /* its lines exceed the open balances: never so */
				continue;
			}
			if (PM_GROW(refs, n + 1, alloc)) {
				free(refs);
				free(want);
				return -1;
			}
			refs[n++] = (struct pref){ .conf = pr->conf, .gap = pr->gap_abs, .pay = pr->pay };
		}
	free(want);
	sort_prefs(refs, n);
	for (size_t k = 0; k < n; k++) {
		struct mchunk *ch = &e->chunks[(size_t)refs[k].pay / e->chunk_size];
		struct mprop *pr = &ch->props[(size_t)refs[k].pay % e->chunk_size];

		if (!apply_prop(ch, pr, res))
			pr->rule = -2;
	}
	free(refs);
	return 0;
}

/* The second round: a payment the first round left ambiguous (two invoices or two sets
 * equally good) is scored again without the invoices the first round's allocations
 * touched: one of the two is often an invoice another payment of the same run pays, which
 * a single pass over the snapshot cannot know. Its proposal, in a chunk of its own, must
 * then fit the residuals (best first, like the first round's); it is only ever suggested,
 * since it rests on the run's other matches, and says so. */
#define ROUND2_NOTE ", once this run's other matches are applied"

/* Scores the ambiguous payments again with the taken invoices left out. */
static int round2_score(const struct mresolve *e, const int64_t *res, struct round2 *r2,
                        size_t n)
{
	struct match_set *s = e->set;
	uint8_t *taken = malloc(s->ninv ? s->ninv : 1);
	size_t k = 0;

	r2->ch.props = calloc(n, sizeof *r2->ch.props);
	if (!taken || !r2->ch.props) {
		free(taken);
		return -1;
	}
	for (size_t i = 0; i < s->ninv; i++)
		taken[i] = res[i] != s->inv[i].open;
	s->taken = taken;
	for (size_t c = 0; c < e->nchunks; c++)
		for (size_t i = 0; i < e->chunks[c].nprops; i++) {
			const struct mprop *pr = &e->chunks[c].props[i];

			if (pr->rule != -1 || pr->exc != EXC_AMBIGUOUS)
				continue;
			match_score_payment(&e->ctx, e->worker, pr->pay, &r2->ch, &r2->ch.props[k]);
			r2->slot[pr->pay] = (int32_t)k++;
		}
	s->taken = NULL;
	free(taken);
	r2->ch.nprops = k;
	return 0;
}

/* Marks an allocating proposal of the round suggested and notes why in its explanation. */
static int round2_note(struct mchunk *ch, struct mprop *pr)
{
	const char *old = pr->expl_off != UINT32_MAX ? ch->text.buf + pr->expl_off : "";
	char *copy = strdup(old);
	size_t start = ch->text.len;

	pr->status = MSTATUS_SUGGESTED;
	if (!copy || strbuf_addstr(&ch->text, copy) || strbuf_addstr(&ch->text, ROUND2_NOTE) ||
	    strbuf_addch(&ch->text, '\0')) {
		free(copy);
		return -1;
	}
	free(copy);
	pr->expl_off = (uint32_t)start;
	return 0;
}

/* Resolves the round's allocating proposals against the residuals, best first; the others
 * (and those that no longer fit) keep the first round's verdict. */
static int round2_resolve(struct round2 *r2, int64_t *res)
{
	size_t n = 0;
	struct pref *refs = malloc((r2->ch.nprops ? r2->ch.nprops : 1) * sizeof *refs);

	if (!refs)
		return -1;
	for (size_t k = 0; k < r2->ch.nprops; k++) {
		struct mprop *pr = &r2->ch.props[k];

		if (pr->rule < 0) {
			r2->slot[pr->pay] = -1;
			continue;
		}
		if (round2_note(&r2->ch, pr)) {
			free(refs);
			return -1;
		}
		refs[n++] = (struct pref){ .conf = pr->conf, .gap = pr->gap_abs, .pay = pr->pay };
	}
	sort_prefs(refs, n);
	for (size_t k = 0; k < n; k++) {
		struct mprop *pr = &r2->ch.props[r2->slot[refs[k].pay]];

		if (!apply_prop(&r2->ch, pr, res))
			r2->slot[refs[k].pay] = -1;
	}
	free(refs);
	return 0;
}

/* Runs the second round when the first left ambiguous payments; r2->slot stays NULL when
 * there were none. */
static int second_round(const struct mresolve *e, int64_t *res, struct round2 *r2)
{
	const struct match_set *s = e->ctx.set;
	size_t n = 0;

	for (size_t c = 0; c < e->nchunks; c++)
		for (size_t i = 0; i < e->chunks[c].nprops; i++)
			n += e->chunks[c].props[i].rule == -1 &&
			     e->chunks[c].props[i].exc == EXC_AMBIGUOUS;
	if (!n || !e->set || !e->worker)
		return 0;
	strbuf_init(&r2->ch.text);
	r2->slot = malloc(s->npay * sizeof *r2->slot);
	if (!r2->slot)
		return -1;
	for (size_t i = 0; i < s->npay; i++)
		r2->slot[i] = -1;
	return round2_score(e, res, r2, n) || round2_resolve(r2, res) ? -1 : 0;
}

void match_round2_free(struct round2 *r2)
{
	free(r2->ch.props);
	free(r2->ch.lines);
	strbuf_release(&r2->ch.text);
	free(r2->slot);
}

int match_resolve(const struct mresolve *e, int64_t *res, struct round2 *r2)
{
	const struct match_set *s = e->ctx.set;

	for (size_t i = 0; i < s->ninv; i++)
		res[i] = s->inv[i].open;
	return resolve(e, res) || second_round(e, res, r2) ? -1 : 0;
}
