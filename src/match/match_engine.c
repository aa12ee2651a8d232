/* Orchestration: index the snapshot, score payments in parallel chunks, resolve the
 * proposals on one thread (match_resolve.c) so that no invoice or payment is
 * over-applied, and build the result with its exceptions. The outcome depends only on the
 * data and the configuration. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "match_internal.h"

struct engine {
	struct mctx ctx;
	struct match_set *set;       /* ctx.set, which the second round marks */
	struct mchunk *chunks;
	size_t nchunks, chunk_size;
	struct worker *workers;
	int nworkers;
	struct pm_progress *progress;
	atomic_int failed;
};

/* Text and arrays the result points into. */
struct result_priv {
	struct mchunk *chunks;
	size_t nchunks;
	struct strbuf extra;
	char (*curs)[4];
	size_t allocs_alloc, excs_alloc;
	uint32_t *extra_off;          /* per exception: offset in extra, or UINT32_MAX */
	size_t extra_off_alloc;
};

/* Gives back the slack of a finished chunk's growable buffers (every chunk stays alive
 * until the write; measured -8 MB of peak RSS at 1M). */
static void chunk_shrink(struct mchunk *ch)
{
	char *t = realloc(ch->text.buf, ch->text.len + 1);
	struct mline *l = ch->nlines ? realloc(ch->lines, ch->nlines * sizeof *l) : NULL;

	if (t) {
		ch->text.buf = t;
		ch->text.alloc = ch->text.len + 1;
	}
	if (l) {
		ch->lines = l;
		ch->alines = ch->nlines;
	}
}

/* Sort key of a payment for the scoring order inside its chunk: currency, amount, then
 * index. */
struct pay_order {
	int64_t amount;
	uint32_t cur;
	int32_t pay;
};

static int pay_order_cmp(const void *x, const void *y)
{
	const struct pay_order *a = x, *b = y;

	if (a->cur != b->cur)
		return a->cur < b->cur ? -1 : 1;
	if (a->amount != b->amount)
		return a->amount < b->amount ? -1 : 1;
	return a->pay < b->pay ? -1 : a->pay > b->pay;
}

/* The order in which a chunk's payments are scored. Each payment's proposal depends only on
 * the payment and the snapshot, never on the payments scored before it, and lands in its
 * own slot: the order changes nothing but speed. Payments of one amount in a row read the
 * same amount list and the same invoices and customers while they are still in the cache
 * (a round amount lists up to 256 invoices). NULL when out of memory: index order. */
static int32_t *chunk_order(const struct match_set *s, size_t first, size_t n)
{
	struct pay_order *o = malloc(n * sizeof *o);
	int32_t *ord = malloc(n * sizeof *ord);

	if (!o || !ord) {
		free(o);
		free(ord);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		o[i] = (struct pay_order){ .amount = s->pay[first + i].unapplied,
			.cur = s->pay[first + i].cur, .pay = (int32_t)(first + i) };
	qsort(o, n, sizeof *o, pay_order_cmp);
	for (size_t i = 0; i < n; i++)
		ord[i] = o[i].pay;
	free(o);
	return ord;
}

static void score_chunk(void *arg, size_t c, int w)
{
	struct engine *e = arg;
	struct mchunk *ch = &e->chunks[c];
	size_t first = c * e->chunk_size, n = e->ctx.set->npay - first;
	int32_t *ord;

	if (n > e->chunk_size)
		n = e->chunk_size;
	if (progress_cancelled(e->progress) || atomic_load(&e->failed))
		return;
	ch->props = malloc(n * sizeof *ch->props);
	if (!ch->props) {
		atomic_store(&e->failed, 1);
		return;
	}
	strbuf_init(&ch->text);
	ord = chunk_order(e->ctx.set, first, n);
	for (size_t i = 0; i < n; i++) {
		int32_t pi = ord ? ord[i] : (int32_t)(first + i);

		match_score_payment(&e->ctx, &e->workers[w], pi, ch, &ch->props[pi - first]);
		if ((i & 1023) == 1023) {
			progress_add(e->progress, w, 1024);
			if (progress_cancelled(e->progress)) {
				free(ord);
				return;
			}
		}
	}
	free(ord);
	progress_add(e->progress, w, (int64_t)(n & 1023));
	ch->nprops = n;
	chunk_shrink(ch);
}

static void workers_free(struct engine *e)
{
	for (int w = 0; e->workers && w < e->nworkers; w++)
		match_names_worker_free(&e->workers[w]);
	free(e->workers);
	e->workers = NULL;
}

static void chunks_free(struct mchunk *chunks, size_t n)
{
	for (size_t c = 0; chunks && c < n; c++) {
		free(chunks[c].props);
		free(chunks[c].lines);
		strbuf_release(&chunks[c].text);
	}
	free(chunks);
}

static int push_alloc(struct match_result *r, struct result_priv *pv, const struct match_alloc *a)
{
	if (PM_GROW(r->allocs, (size_t)r->nallocs + 1, pv->allocs_alloc))
		return -1;
	r->allocs[r->nallocs++] = *a;
	return 0;
}

/* Adds an exception; detail is chunk text (stable) or, when extra_start is not
 * UINT32_MAX, an offset in pv->extra fixed up at the end. */
static int push_exc(struct match_result *r, struct result_priv *pv, const struct match_exception *x,
                    uint32_t extra_start)
{
	if (PM_GROW(r->excs, (size_t)r->nexcs + 1, pv->excs_alloc) ||
	    PM_GROW(pv->extra_off, (size_t)r->nexcs + 1, pv->extra_off_alloc))
		return -1;
	pv->extra_off[r->nexcs] = extra_start;
	r->excs[r->nexcs++] = *x;
	return 0;
}

static uint32_t extra_addf_start(struct result_priv *pv)
{
	return (uint32_t)pv->extra.len;
}

/* Emits the allocations of one applied proposal and their derived exceptions. */
static int emit_applied(struct engine *e, struct match_result *r, struct result_priv *pv,
                        const struct mchunk *ch, const struct mprop *pr, uint8_t *partial,
                        int32_t *last_pay)
{
	const struct match_set *s = e->ctx.set;
	const struct mpay *p = &s->pay[pr->pay];
	const char *expl = pr->expl_off != UINT32_MAX ? ch->text.buf + pr->expl_off : "";
	int64_t first = r->nallocs, used = 0;

	for (int k = 0; k < pr->nlines; k++) {
		const struct mline *l = &ch->lines[pr->line_off + k];
		struct match_alloc a = {
			.payment_row = p->row, .invoice_row = s->inv[l->inv].row,
			.amount_applied = l->amount, .deduction = l->deduction, .confidence = pr->conf,
			.rule = pr->rule, .status = pr->status, .group = pr->nlines > 1 ? first + 1 : 0,
			.explanation = expl };

		memcpy(a.currency, pv->curs[p->cur], sizeof a.currency);
		if (pr->rule == RULE_PARTIAL) {
			partial[l->inv] = 1;
			last_pay[l->inv] = pr->pay;
		}
		used += l->amount;
		if (push_alloc(r, pv, &a))
			return -1;
		if (pr->status == MSTATUS_SUGGESTED) {
			struct match_exception x = { .kind = EXC_SUGGESTED, .payment_row = p->row,
				.invoice_row = a.invoice_row, .alloc_index = r->nallocs - 1,
				.amount = l->amount, .confidence = pr->conf, .currency = pv->curs[p->cur],
				.detail = expl };

			if (push_exc(r, pv, &x, UINT32_MAX))
				return -1;
		}
	}
	if (used < p->unapplied) {
		uint32_t st = extra_addf_start(pv);
		struct match_exception x = { .kind = EXC_OVER_PAY, .payment_row = p->row,
			.invoice_row = s->inv[ch->lines[pr->line_off].inv].row, .alloc_index = first,
			.amount = p->unapplied - used, .confidence = pr->conf, .currency = pv->curs[p->cur] };

		strbuf_addstr(&pv->extra, "unapplied credit ");
		match_explain_money(s, p->cur, p->unapplied - used, &pv->extra);
		strbuf_addf(&pv->extra, " after paying %d invoice%s in full", pr->nlines,
		            pr->nlines > 1 ? "s" : "");
		strbuf_addch(&pv->extra, '\0');
		if (push_exc(r, pv, &x, st))
			return -1;
	}
	return 0;
}

/* The exception of a proposal that lost its invoice(s), or of a worker-level verdict. */
static int emit_unapplied(struct engine *e, struct match_result *r, struct result_priv *pv,
                          const struct mchunk *ch, const struct mprop *pr)
{
	const struct match_set *s = e->ctx.set;
	const struct mpay *p = &s->pay[pr->pay];
	struct match_exception x = { .payment_row = p->row, .alloc_index = -1,
		.amount = p->unapplied, .currency = pv->curs[p->cur] };
	uint32_t st = UINT32_MAX;

	if (pr->rule == -2) {
		int32_t inv = ch->lines[pr->line_off].inv;

		x.kind = EXC_UNMATCHED_PAYMENT;
		x.invoice_row = s->inv[inv].row;
		x.confidence = pr->conf;
		st = extra_addf_start(pv);
		strbuf_addf(&pv->extra, "best candidate %s (%.2f: %s) was settled by a stronger match",
		            arena_str(s, s->inv[inv].id), pr->conf,
		            pr->expl_off != UINT32_MAX ? ch->text.buf + pr->expl_off : "");
		strbuf_addch(&pv->extra, '\0');
	} else {
		x.kind = pr->exc;
		x.invoice_row = pr->exc_inv >= 0 ? s->inv[pr->exc_inv].row : 0;
		x.confidence = pr->conf;
		x.amount = pr->exc_amount;
		x.detail = pr->detail_off != UINT32_MAX ? ch->text.buf + pr->detail_off : "";
	}
	return push_exc(r, pv, &x, st);
}

/* One short_pay exception per invoice left partly paid by this run's partial payments. */
static int emit_short_pays(struct engine *e, struct match_result *r, struct result_priv *pv,
                           const int64_t *res, const uint8_t *partial, const int32_t *last_pay)
{
	const struct match_set *s = e->ctx.set;

	for (size_t i = 0; i < s->ninv; i++) {
		const struct minv *v = &s->inv[i];
		struct match_exception x = { .kind = EXC_SHORT_PAY, .invoice_row = v->row,
			.alloc_index = -1, .amount = res[i], .confidence = -1,
			.currency = pv->curs[v->cur] };
		uint32_t st;

		if (!partial[i] || res[i] <= 0)
			continue;
		x.payment_row = s->pay[last_pay[i]].row;
		st = extra_addf_start(pv);
		strbuf_addstr(&pv->extra, "open ");
		match_explain_money(s, v->cur, res[i], &pv->extra);
		strbuf_addstr(&pv->extra, " of ");
		match_explain_money(s, v->cur, v->amount, &pv->extra);
		strbuf_addstr(&pv->extra, " after partial payment beyond tolerance");
		strbuf_addch(&pv->extra, '\0');
		if (push_exc(r, pv, &x, st))
			return -1;
	}
	return 0;
}

static void summarise(const struct match_set *s, struct match_result *r)
{
	struct match_summary *m = &r->summary;
	int64_t last_pay = -1;

	m->payments = (int64_t)s->npay;
	m->invoices = (int64_t)s->ninv;
	for (size_t i = 0; i < s->npay; i++)
		m->payment_amount += s->pay[i].unapplied;
	for (int64_t k = 0; k < r->nallocs; k++) {
		const struct match_alloc *a = &r->allocs[k];

		m->allocations++;
		m->status_count[a->status]++;
		m->status_amount[a->status] += a->amount_applied;
		m->rule_count[a->rule]++;
		m->rule_amount[a->rule] += a->amount_applied;
		m->matched_amount += a->amount_applied;
		if (a->payment_row != last_pay)
			m->matched_payments++;
		last_pay = a->payment_row;
	}
	for (int64_t k = 0; k < r->nexcs; k++)
		m->exc_count[r->excs[k].kind]++;
}

/* Hands the round's chunk to the result (its text holds explanations the result points
 * to); the chunk's proposals and lines go with the others'. */
static int round2_keep(struct engine *e, struct result_priv *pv, struct round2 *r2)
{
	struct mchunk *grown = realloc(e->chunks, (e->nchunks + 1) * sizeof *grown);

	if (!grown)
		return -1;
	grown[e->nchunks++] = r2->ch;
	memset(&r2->ch, 0, sizeof r2->ch);
	e->chunks = pv->chunks = grown;
	pv->nchunks = e->nchunks;
	return 0;
}

/* Resolves the scored chunks (both rounds: the second scores again on worker 0's scratch,
 * the blocking indexes still there). */
static int resolve_scored(struct engine *e, int64_t *res, struct round2 *r2)
{
	struct mresolve rv = { .ctx = e->ctx, .set = e->set, .chunks = e->chunks,
		.nchunks = e->nchunks, .chunk_size = e->chunk_size,
		.worker = e->nworkers ? &e->workers[0] : NULL };

	return match_resolve(&rv, res, r2);
}

/* The proposal that stands for payment slot i of chunk c: the second round's when it
 * applied one, else the first round's; *ch is its chunk. */
static const struct mprop *final_prop(const struct engine *e, const struct round2 *r2,
                                      size_t c, size_t i, const struct mchunk **ch)
{
	const struct mprop *pr = &e->chunks[c].props[i];
	int32_t k2 = r2->slot ? r2->slot[pr->pay] : -1;

	*ch = k2 >= 0 ? &r2->ch : &e->chunks[c];
	return k2 >= 0 ? &r2->ch.props[k2] : pr;
}

/* Builds the result from the resolved proposals (res: the residuals match_resolve left). */
static int build_result(struct engine *e, struct match_result *r, struct result_priv *pv,
                        int64_t *res, struct round2 *rr)
{
	const struct match_set *s = e->ctx.set;
	uint8_t *partial = calloc(s->ninv ? s->ninv : 1, 1);
	int32_t *last_pay = calloc(s->ninv ? s->ninv : 1, sizeof *last_pay);
	struct round2 r2 = *rr;
	int rc = -1;

	memset(rr, 0, sizeof *rr);   /* this function owns and frees the round now */
	if (!partial || !last_pay)
		goto out;
	{
		size_t nl = 1;
		const struct mchunk *ch;

		for (size_t c = 0; c < e->nchunks; c++)
			for (size_t i = 0; i < e->chunks[c].nprops; i++) {
				const struct mprop *pr = final_prop(e, &r2, c, i, &ch);

				nl += pr->rule >= 0 ? pr->nlines : 0;
			}
		if (PM_GROW(r->allocs, nl, pv->allocs_alloc))
			goto out;
	}
	rc = 0;
	for (size_t c = 0; c < e->nchunks && !rc; c++)
		for (size_t i = 0; i < e->chunks[c].nprops && !rc; i++) {
			const struct mchunk *ch;
			const struct mprop *pr = final_prop(e, &r2, c, i, &ch);

			rc = pr->rule >= 0 ? emit_applied(e, r, pv, ch, pr, partial, last_pay) :
			                     emit_unapplied(e, r, pv, ch, pr);
		}
	if (!rc)
		rc = emit_short_pays(e, r, pv, res, partial, last_pay);
	if (!rc && r2.slot)
		rc = round2_keep(e, pv, &r2);
	/* the result points only into the chunks' text: proposals and lines can go */
	for (size_t c = 0; c < e->nchunks; c++) {
		free(e->chunks[c].props);
		free(e->chunks[c].lines);
		e->chunks[c].props = NULL;
		e->chunks[c].lines = NULL;
		e->chunks[c].nprops = e->chunks[c].nlines = 0;
	}
	for (int64_t k = 0; !rc && k < r->nexcs; k++)
		if (pv->extra_off[k] != UINT32_MAX)
			r->excs[k].detail = pv->extra.buf + pv->extra_off[k];
out:
	match_round2_free(&r2);
	free(partial);
	free(last_pay);
	return rc;
}

void match_result_free(struct match_result *r)
{
	struct result_priv *pv;

	if (!r)
		return;
	pv = r->priv;
	if (pv) {
		chunks_free(pv->chunks, pv->nchunks);
		strbuf_release(&pv->extra);
		free(pv->curs);
		free(pv->extra_off);
		free(pv);
	}
	free(r->allocs);
	free(r->excs);
	free(r);
}

static int engine_score(struct engine *e, int nworkers)
{
	const struct match_set *s = e->ctx.set;

	e->chunk_size = e->ctx.cfg->performance.chunk_size > 0 ?
	                (size_t)e->ctx.cfg->performance.chunk_size : 10000;
	e->nchunks = (s->npay + e->chunk_size - 1) / e->chunk_size;
	e->chunks = calloc(e->nchunks ? e->nchunks : 1, sizeof *e->chunks);
	e->workers = calloc((size_t)nworkers, sizeof *e->workers);
	if (!e->chunks || !e->workers)
		return -1;
	e->nworkers = nworkers;
	for (int w = 0; w < nworkers; w++)
		if (match_names_worker_init(&e->workers[w], s))
			return -1;
	progress_stage(e->progress, match_stage_name(MSTAGE_SCORING), (int64_t)s->npay, nworkers);
	for (int w = 0; w < nworkers; w++)
		progress_worker_total(e->progress, w, (int64_t)s->npay / nworkers);
	match_pool_run(nworkers, e->nchunks, score_chunk, e);
	return atomic_load(&e->failed) ? -1 : 0;
}

int match_compute(struct match_set *set, const struct pm_config *cfg, int workers,
                  struct pm_progress *progress, struct match_result **out,
                  struct pm_error *err)
{
	struct pm_progress local;
	struct engine e = { .ctx = { set, cfg }, .set = set };
	struct match_result *r = calloc(1, sizeof *r);
	struct result_priv *pv = calloc(1, sizeof *pv);
	int64_t t0 = pm_now_ns(), t1, *res = NULL;
	struct round2 r2;
	int rc = 0;

	memset(&r2, 0, sizeof r2);
	*out = NULL;
	if (!progress) {
		progress_init(&local);
		progress = &local;
	}
	e.progress = progress;
	atomic_init(&e.failed, 0);
	if (workers <= 0)
		workers = config_workers(cfg);
	if (workers > PM_MAX_WORKERS)
		workers = PM_MAX_WORKERS;
	if (workers < 1)
		workers = 1;
	set->index_workers = workers;
	if (!r || !pv || match_set_index(set, cfg)) {
		rc = pm_error_set(err, PM_ESOFTWARE, "matching: out of memory building the indexes");
		goto fail;
	}
	match_names_reset(set);   /* the name memos of an earlier run used its configuration */
	r->priv = pv;
	strbuf_init(&pv->extra);
	r->summary.workers = workers;
	t1 = pm_now_ns();
	r->summary.stage_ns[MSTAGE_LOADING] = t1 - t0;
	if (engine_score(&e, workers)) {
		rc = pm_error_set(err, PM_ESOFTWARE, "matching: out of memory while scoring");
		goto fail;
	}
	if (progress_cancelled(progress)) {
		rc = pm_error_set(err, PM_EINTR, "interrupted: previous results kept");
		goto fail;
	}
	r->summary.stage_ns[MSTAGE_SCORING] = pm_now_ns() - t1;
	t1 = pm_now_ns();
	progress_stage(progress, match_stage_name(MSTAGE_ALLOCATING), 0, 0);
#ifdef __GLIBC__
	malloc_trim(0);   /* what the workers freed in their arenas, before the resolver's peak */
#endif
	res = malloc((set->ninv ? set->ninv : 1) * sizeof *res);
	if (!res || resolve_scored(&e, res, &r2)) {
		rc = pm_error_set(err, PM_ESOFTWARE, "matching: out of memory while allocating");
		goto fail;
	}
	/* building the result needs none of the blocking indexes: give their memory back
	 * before (a later match_compute on this set rebuilds them) */
	match_set_drop_indexes(set);
#ifdef __GLIBC__
	/* the workers' name memos were freed in their threads' malloc arenas, which glibc
	 * does not give back by itself: ~30 MB of peak RSS at 1M */
	malloc_trim(0);
#endif
	pv->chunks = e.chunks;
	pv->nchunks = e.nchunks;
	e.chunks = NULL;
	pv->curs = malloc((set->ncur ? set->ncur : 1) * sizeof *pv->curs);
	if (!pv->curs) {
		rc = pm_error_set(err, PM_ESOFTWARE, "matching: out of memory");
		goto fail;
	}
	if (set->ncur)   /* an empty working set has no currencies and set->curs is NULL */
		memcpy(pv->curs, set->curs, set->ncur * sizeof *pv->curs);
	e.chunks = pv->chunks;
	if (build_result(&e, r, pv, res, &r2)) {
		e.chunks = NULL;
		rc = pm_error_set(err, PM_ESOFTWARE, "matching: out of memory while allocating");
		goto fail;
	}
	e.chunks = NULL;
	free(res);
	summarise(set, r);
	r->summary.stage_ns[MSTAGE_ALLOCATING] = pm_now_ns() - t1;
	workers_free(&e);
	*out = r;
	return 0;
fail:
	free(res);
	match_round2_free(&r2);
	chunks_free(e.chunks, e.nchunks);
	workers_free(&e);
	if (r && !r->priv)
		free(pv);
	match_result_free(r);
	return rc;
}

static const char *const RULE_NAMES[RULE_COUNT] = {
	[RULE_EXACT_REF] = "exact_ref", [RULE_MANGLED_REF] = "mangled_ref",
	[RULE_MEMO_REF] = "memo_ref", [RULE_TYPO_REF] = "typo_ref",
	[RULE_CUSTOMER_AMOUNT] = "customer_amount", [RULE_NAME_AMOUNT] = "name_amount",
	[RULE_MULTI_REF] = "multi_ref", [RULE_MULTI_SUM] = "multi_sum", [RULE_PARTIAL] = "partial",
	[RULE_SHORT_PAY] = "short_pay", [RULE_OVER_PAY] = "over_pay"
};
static const char *const STATUS_NAMES[MSTATUS_COUNT] = { "auto", "suggested" };
static const char *const EXC_NAMES[EXC_COUNT] = {
	[EXC_UNMATCHED_PAYMENT] = "unmatched_payment", [EXC_SUGGESTED] = "suggested",
	[EXC_SHORT_PAY] = "short_pay", [EXC_OVER_PAY] = "over_pay", [EXC_DUPLICATE] = "duplicate",
	[EXC_CURRENCY_MISMATCH] = "currency_mismatch", [EXC_AMBIGUOUS] = "ambiguous"
};
static const char *const STAGE_NAMES[MSTAGE_COUNT] = { "loading", "scoring", "allocating",
	"writing" };

const char *match_rule_name(int rule)
{
	return rule >= 0 && rule < RULE_COUNT ? RULE_NAMES[rule] : "?";
}

const char *match_status_name(int status)
{
	return status >= 0 && status < MSTATUS_COUNT ? STATUS_NAMES[status] : "?";
}

const char *match_exc_name(int kind)
{
	return kind >= 0 && kind < EXC_COUNT ? EXC_NAMES[kind] : "?";
}

const char *match_stage_name(int stage)
{
	return stage >= 0 && stage < MSTAGE_COUNT ? STAGE_NAMES[stage] : "?";
}
