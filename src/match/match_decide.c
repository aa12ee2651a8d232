/* The verdict for one payment: duplicate, several listed references, one best candidate,
 * a bounded subset of the customer's invoices, or an exception naming the best candidate
 * and why it was not accepted. Runs in worker threads; writes only to its chunk. */
#include <string.h>

#include "match_internal.h"
#include "paymatch/similarity.h"

#define NO_TEXT UINT32_MAX
#define MAX_TIED NAME_TIED_MAX

/* Appends a NUL-terminated text to the chunk; returns its offset (NO_TEXT on failure). */
static uint32_t text_end(struct mchunk *ch, size_t start)
{
	if (strbuf_addch(&ch->text, '\0'))
		return NO_TEXT;
	return (uint32_t)start;
}

static int push_line(struct mchunk *ch, struct mprop *pr, int32_t inv, int64_t amount,
                     int64_t deduction)
{
	if (pr->nlines >= MAX_LINES || PM_GROW(ch->lines, ch->nlines + 1, ch->alines))
		return -1;
	if (pr->nlines == 0)
		pr->line_off = (uint32_t)ch->nlines;
	ch->lines[ch->nlines].inv = inv;
	ch->lines[ch->nlines].amount = amount;
	ch->lines[ch->nlines++].deduction = deduction;
	pr->nlines++;
	return 0;
}

static void set_exception(struct mchunk *ch, struct mprop *pr, int kind, int32_t inv,
                          int64_t amount, double conf, size_t detail_start)
{
	pr->rule = -1;
	pr->exc = (int8_t)kind;
	pr->exc_inv = inv;
	pr->exc_amount = amount;
	pr->conf = conf;   /* an exception replaces any allocation: one confidence field */
	pr->detail_off = text_end(ch, detail_start);
	ch->nlines -= pr->nlines;   /* lines of an abandoned proposal are the chunk's last */
	pr->nlines = 0;
}

static int status_for(const struct pm_config *cfg, double conf, double runner)
{
	if (conf >= cfg->matching.auto_accept && conf - runner >= cfg->matching.auto_margin)
		return MSTATUS_AUTO;
	return MSTATUS_SUGGESTED;
}

static int rule_for(const struct cand *c)
{
	switch (c->amt) {
	case AMT_TOLERANCE: return RULE_SHORT_PAY;
	case AMT_PARTIAL: return RULE_PARTIAL;
	case AMT_OVER: return RULE_OVER_PAY;
	default: break;
	}
	switch (c->ref) {
	case REF_EXACT: return RULE_EXACT_REF;
	case REF_MANGLED:
	case REF_NUMBER: return RULE_MANGLED_REF;
	case REF_MEMO: return RULE_MEMO_REF;
	case REF_TYPO: return RULE_TYPO_REF;
	default: break;
	}
	if (c->cust == CUST_ID)
		return RULE_CUSTOMER_AMOUNT;
	if (c->cust == CUST_NAME)
		return RULE_NAME_AMOUNT;
	return RULE_MANGLED_REF;   /* a short reference confirmed by the amount */
}

/* Writes "INV-9 (0.71: <explanation>)" for candidate c. */
static void describe_cand(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                          const struct cand *c, struct strbuf *sb)
{
	strbuf_addf(sb, "%s (%.2f: ", arena_str(ctx->set, ctx->set->inv[c->inv].id), c->conf);
	match_explain_cand(ctx, p, c, &w->keys, sb);
	strbuf_addch(sb, ')');
}

/* One invoice for the payment: applied, short-paid within tolerance, partial or over. */
static void decide_single(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                          struct mchunk *ch, struct mprop *pr)
{
	const struct cand *b = &w->cands[0], *r = w->ncands > 1 ? &w->cands[1] : NULL;
	const struct minv *inv = &ctx->set->inv[b->inv];
	size_t start = ch->text.len;
	int64_t amount = p->unapplied, ded = 0;

	if (r && (r->conf == b->conf ||
	          (match_cand_name_only(b) && b->conf - r->conf < ctx->cfg->matching.auto_margin &&
	           ctx->set->inv[r->inv].cust != inv->cust))) {
		strbuf_addstr(&ch->text, "fit equally: ");
		describe_cand(ctx, w, p, b, &ch->text);
		strbuf_addstr(&ch->text, " and ");
		describe_cand(ctx, w, p, r, &ch->text);
		set_exception(ch, pr, EXC_AMBIGUOUS, b->inv, p->unapplied, b->conf, start);
		return;
	}
	if (b->amt == AMT_EXACT || b->amt == AMT_OVER)
		amount = inv->open < p->unapplied ? inv->open : p->unapplied;
	else if (b->amt == AMT_TOLERANCE)
		ded = inv->open - p->unapplied;
	if (push_line(ch, pr, b->inv, amount, ded))
		return;
	pr->rule = (int8_t)rule_for(b);
	pr->conf = b->conf;
	pr->status = (int8_t)status_for(ctx->cfg, b->conf, r ? r->conf : 0);
	pr->gap_abs = b->gap < 0 ? -b->gap : b->gap;
	pr->amount_evidence = b->ref < REF_NUMBER;
	match_explain_cand(ctx, p, b, &w->keys, &ch->text);
	pr->expl_off = text_end(ch, start);
}

/* Adds the open invoices of customer cu fitting the payment's window and currency (not in
 * skip, open <= limit) to w's subset scratch, oldest due first. Returns the count. */
static int subset_items(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                        int32_t cu, int64_t limit, const int32_t *skip, int nskip)
{
	const struct match_set *s = ctx->set;
	const struct mcust *c = &s->cust[cu];
	int n = 0;

	const struct cinv *ci = s->cust_inv + c->first;

	for (int32_t k = 0; k < c->count && n < SUBSET_MAX_ITEMS; k++) {
		int32_t i = ci[k].inv;
		int skipped = 0;

		for (int j = 0; j < nskip; j++)
			skipped |= skip[j] == i;
		if (skipped || ci[k].cur != p->cur || ci[k].open > limit || (s->taken && s->taken[i]) ||
		    !match_in_window(ctx->cfg, p->date, ci[k].idate) ||
		    match_set_is_rejected(s, p->row, s->inv[i].row))
			continue;
		w->sub_inv[n] = i;
		w->sub_amount[n++] = ci[k].open;
	}
	return n;
}

static double noisy_or2(double a, double b)
{
	return 1 - (1 - a) * (1 - b);
}

/* Writes the multi-invoice proposal for invoices inv[0..n) with amounts. */
static void emit_multi(const struct mctx *ctx, const struct mpay *p, struct mchunk *ch,
                       struct mprop *pr, int rule, double conf, const int32_t *inv, int n,
                       size_t expl_start)
{
	const struct match_set *s = ctx->set;
	int64_t left = p->unapplied;
	pm_date oldest = s->inv[inv[0]].idate;

	for (int k = 0; k < n; k++) {
		const struct minv *v = &s->inv[inv[k]];
		int64_t a = v->open < left ? v->open : left;
		int64_t ded = k == n - 1 && a < v->open &&
		              v->open - a <= match_tolerance(ctx->cfg, v->amount) ? v->open - a : 0;

		if (a <= 0 || push_line(ch, pr, inv[k], a, ded))
			break;
		left -= a;
		if (v->idate < oldest)
			oldest = v->idate;
	}
	pr->rule = (int8_t)rule;
	pr->conf = conf;
	pr->status = (int8_t)status_for(ctx->cfg, conf, 0);
	pr->gap_abs = (int32_t)(p->date - oldest);
	pr->amount_evidence = 1;
	strbuf_addf(&ch->text, ", oldest %+dd", (int)(p->date - oldest));
	pr->expl_off = text_end(ch, expl_start);
}

/* Sorts invoice indexes by due date, then row (insertion sort: at most MAX_LINES). */
static void sort_by_due(const struct match_set *s, int32_t *v, int n)
{
	for (int a = 1; a < n; a++)
		for (int b = a; b > 0; b--) {
			const struct minv *x = &s->inv[v[b - 1]], *y = &s->inv[v[b]];
			int32_t t;

			if (x->ddate < y->ddate || (x->ddate == y->ddate && x->row <= y->row))
				break;
			t = v[b];
			v[b] = v[b - 1];
			v[b - 1] = t;
		}
}

static void list_refs(const struct mctx *ctx, const int32_t *inv, int n, struct strbuf *sb)
{
	for (int k = 0; k < n; k++)
		strbuf_addf(sb, "%s%s", k ? " " : "", arena_str(ctx->set, ctx->set->inv[inv[k]].id));
}

/* Collects into R the invoices the payment names by reference, all of one customer: its
 * customer id's when it names one of those, else the best-named one's (a reference that
 * only looks like another customer's is not part of a combined payment). Sets *sum to
 * their open balances and *ref_e to the weakest reference's strength; returns the count. */
static int listed_refs(const struct match_set *s, const struct worker *w, int32_t *R,
                       int64_t *sum, double *ref_e)
{
	int32_t cu = -1;
	int nr = 0;

	for (int k = 0; k < w->ncands && cu < 0; k++)
		if (w->cands[k].ref >= REF_NUMBER && s->inv[w->cands[k].inv].cust == w->pcust)
			cu = w->pcust;
	for (int k = 0; k < w->ncands && cu < 0; k++)
		if (w->cands[k].ref >= REF_NUMBER)
			cu = s->inv[w->cands[k].inv].cust;
	*sum = 0;
	*ref_e = 0.88;
	for (int k = 0; k < w->ncands && nr < MAX_LINES; k++) {
		const struct cand *c = &w->cands[k];

		if (c->ref < REF_NUMBER || s->inv[c->inv].cust != cu)
			continue;
		R[nr++] = c->inv;
		*sum += s->inv[c->inv].open;
		if (c->ref == REF_NUMBER)
			*ref_e = 0.80;
	}
	return nr;
}

/* Several invoices named by reference: all of them when they sum to the payment (or
 * within tolerance); the listed ones plus a unique subset of the customer's other open
 * invoices when they sum to less; a unique subset of them when they sum to more.
 * Returns 1 when it decided. */
static int decide_multi_ref(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                            struct mchunk *ch, struct mprop *pr)
{
	const struct match_set *s = ctx->set;
	int32_t R[MAX_LINES];
	int nr = 0, cu, pick[SUBSET_MAX_ITEMS], np = 0;
	int64_t sum, u = p->unapplied;
	double ref_e;
	size_t start = ch->text.len;

	nr = listed_refs(s, w, R, &sum, &ref_e);
	if (nr == 0 || (nr == 1 && sum >= u))
		return 0;
	sort_by_due(s, R, nr);
	strbuf_addstr(&ch->text, "refs ");
	list_refs(ctx, R, nr, &ch->text);
	if (nr >= 2 && sum == u) {
		strbuf_addf(&ch->text, " listed, sum exact (%d invoices)", nr);
		emit_multi(ctx, p, ch, pr, RULE_MULTI_REF, noisy_or2(ref_e, 0.60), R, nr, start);
		return 1;
	}
	if (nr >= 2 && sum > u && sum - u <= match_tolerance(ctx->cfg, sum)) {
		strbuf_addstr(&ch->text, " listed, sum short within tolerance");
		emit_multi(ctx, p, ch, pr, RULE_MULTI_REF, noisy_or2(ref_e, 0.45), R, nr, start);
		return 1;
	}
	if (sum > u) {
		int64_t am[MAX_LINES];
		int32_t chosen[MAX_LINES];

		for (int k = 0; k < nr; k++)
			am[k] = s->inv[R[k]].open;
		if (match_subset_sum(am, nr, u, 2, nr, ctx->cfg->matching.subset_budget, pick, &np) != 1) {
			ch->text.len = start;
			ch->text.buf[start] = '\0';
			return 0;
		}
		for (int k = 0; k < np; k++)
			chosen[k] = R[pick[k]];
		strbuf_addf(&ch->text, " listed, %d of them sum exact", np);
		emit_multi(ctx, p, ch, pr, RULE_MULTI_REF, noisy_or2(ref_e, 0.45), chosen, np, start);
		return 1;
	}
	/* the listed invoices leave a remainder: a unique subset of the customer's others? */
	cu = w->pcust >= 0 ? w->pcust : s->inv[R[0]].cust;
	for (int k = 1; k < nr; k++)
		if (s->inv[R[k]].cust != cu)
			cu = -1;
	if (cu >= 0 && ctx->cfg->matching.subset_max_k > nr) {
		int n = subset_items(ctx, w, p, cu, u - sum, R, nr);
		int rc = match_subset_sum(w->sub_amount, n, u - sum, 1,
		                          (int)ctx->cfg->matching.subset_max_k - nr,
		                          ctx->cfg->matching.subset_budget, pick, &np);

		if (rc == 1) {
			for (int k = 0; k < np && nr < MAX_LINES; k++)
				R[nr++] = w->sub_inv[pick[k]];
			strbuf_addf(&ch->text, " listed + %d more open invoice%s of the customer, sum exact",
			            np, np > 1 ? "s" : "");
			emit_multi(ctx, p, ch, pr, RULE_MULTI_REF, ref_e, R, nr, start);
			return 1;
		}
	}
	if (nr == 1) {
		ch->text.len = start;
		ch->text.buf[start] = '\0';
		return 0;
	}
	strbuf_addstr(&ch->text, " listed, paid in full, rest unapplied");
	emit_multi(ctx, p, ch, pr, RULE_MULTI_REF, ref_e * 0.97, R, nr, start);
	return 1;
}


/* When the payer name ties customers that differ only by their legal form ("ROCHAT SA":
 * Rochat SA, Rochat GmbH, Rochat Sàrl all read ROCHAT once legal forms are dropped), the
 * one whose name with the legal form kept is clearly closest (token-set score ahead by
 * 0.02); -1 when none is (a payer who dropped the legal form leaves the tie). */
static int32_t legal_form_customer(const struct match_set *s, const struct mpay *p)
{
	const struct pnorm *pn = pay_name(s, p);
	int32_t tied[MAX_TIED], best = -1;
	int nt;
	double bs = -1, second = -1;

	/* only a payer who wrote a legal form can break the tie */
	if (pn->name_full_len <= pn->name_len)
		return -1;
	nt = match_names_same(s, p, tied, MAX_TIED);
	if (nt < 2)
		return -1;
	for (int k = 0; k < nt; k++) {
		const struct mcust *c = &s->cust[tied[k]];
		double x = sim_token_set(arena_str(s, pn->name_full), pn->name_full_len,
		                         arena_str(s, c->name_full), c->name_full_len);

		if (x > bs) {
			second = bs;
			bs = x;
			best = tied[k];
		} else if (x > second) {
			second = x;
		}
	}
	return bs - second >= 0.02 ? best : -1;
}

/* The customer a payment names: its customer id, else the one its payer name points to
 * (asked once per payment), -1 none. An unknown customer id names nobody. */
static int32_t payment_customer(const struct mctx *ctx, struct worker *w, const struct mpay *p)
{
	if (w->pcust >= 0)
		return w->pcust;
	if (*arena_str(ctx->set, p->cust_id))
		return -1;
	if (w->name_cust == -2) {
		w->name_cust = match_names_customer(ctx, w, p);
		if (w->name_cust < 0)
			w->name_cust = legal_form_customer(ctx->set, p);
	}
	return w->name_cust;
}

/* The subset search over customer cu's open invoices (the scratch w->sub_*, n items). */
static int sum_search(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                      int32_t cu, int *n, int *pick, int *np)
{
	const struct pm_config *cfg = ctx->cfg;

	*n = subset_items(ctx, w, p, cu, p->unapplied - 1, NULL, 0);
	return match_subset_sum(w->sub_amount, *n, p->unapplied, 2, (int)cfg->matching.subset_max_k,
	                        cfg->matching.subset_budget, pick, np);
}

/* The customers a payer name cannot tell apart (no customer id, no clear lead, no legal
 * form to break the tie: "VORDIS AND SONS" for Vordis & Sons Inc., Vordis & Sons LLP, ...):
 * when the open invoices of exactly one of them reach the amount with a unique set, that
 * customer, with its search's result in *n, pick, *np (*rc 1). Else -1 and *rc: 0 when no
 * set reaches it, 2 when sets of two customers do or one customer's sets are several, -1
 * when a search ran out of budget (nothing is then proven unique). *ntied: how many. */
static int32_t tied_sum_customer(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                                 int *rc, int *ntied, int *n, int *pick, int *np)
{
	int32_t tied[MAX_TIED + 1], found = -1;
	int nt;

	*rc = 0;
	*ntied = 0;
	if (*arena_str(ctx->set, p->cust_id))
		return -1;
	nt = match_names_close(ctx, w, p, tied, MAX_TIED);
	if (nt < 2)   /* MAX_TIED + 1 of the same name: too many to prove one unique */
		nt = match_names_same(ctx->set, p, tied, MAX_TIED + 1);
	if (nt < 2 || nt > MAX_TIED)
		return -1;
	*ntied = nt;
	for (int k = 0; k < nt; k++) {
		int r = sum_search(ctx, w, p, tied[k], n, pick, np);

		if (r == 0)
			continue;
		if (r != 1 || found >= 0) {
			*rc = r < 0 ? -1 : 2;
			return -1;
		}
		found = tied[k];
	}
	if (found < 0)
		return -1;
	/* the scratch and picks now hold the last customer's search: run the found one's again */
	*rc = sum_search(ctx, w, p, found, n, pick, np);
	return found;
}

/* The customers p's payer name points to, in cu (MAX_TIED room): the one it names, else,
 * without a customer id, those it ties (match_names_close). Returns how many. */
static int name_customers(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                          int32_t *cu)
{
	int32_t c = payment_customer(ctx, w, p);

	if (c >= 0) {
		cu[0] = c;
		return 1;
	}
	if (*arena_str(ctx->set, p->cust_id))
		return 0;
	return match_names_close(ctx, w, p, cu, MAX_TIED);
}

/* No reference: a unique set of 2..subset_max_k open invoices of the customer summing
 * exactly to the payment (of the one customer among those its payer name ties, when it
 * names none alone). Returns 1 when it decided (a match or an exception). */
static int decide_multi_sum(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                            struct mchunk *ch, struct mprop *pr)
{
	const struct pm_config *cfg = ctx->cfg;
	int32_t cu = payment_customer(ctx, w, p), chosen[MAX_LINES];
	int pick[SUBSET_MAX_ITEMS], np = 0, n = 0, rc, ntied = 0;
	size_t start = ch->text.len;
	double conf;

	if (cu >= 0)
		rc = sum_search(ctx, w, p, cu, &n, pick, &np);
	else
		cu = tied_sum_customer(ctx, w, p, &rc, &ntied, &n, pick, &np);
	if (rc == 0)
		return 0;
	if (rc == 2) {
		if (ntied)
			strbuf_addf(&ch->text, "the payer name fits %d customers and sets of their "
			            "open invoices reach the amount more than once", ntied);
		else
			strbuf_addf(&ch->text, "several sets of the customer's %d open invoices sum to "
			            "the amount", n);
		set_exception(ch, pr, EXC_AMBIGUOUS, -1, p->unapplied, -1, start);
		return 1;
	}
	if (rc < 0) {
		strbuf_addf(&ch->text, "subset search budget (%lld steps) exhausted over %s",
		            (long long)cfg->matching.subset_budget, ntied ? "the open invoices of "
		            "the customers the payer name fits" : "the customer's open invoices");
		set_exception(ch, pr, EXC_UNMATCHED_PAYMENT, -1, p->unapplied, -1, start);
		return 1;
	}
	for (int k = 0; k < np && k < MAX_LINES; k++)
		chosen[k] = w->sub_inv[pick[k]];
	if (w->pcust >= 0) {
		conf = 1 - 0.4 * 0.4 * 0.5;
		strbuf_addstr(&ch->text, "customer id");
	} else {
		double sim = match_name_sim(ctx, w, p, cu);
		double e = 0.4 + 0.5 * (sim - cfg->matching.fuzzy_threshold) /
		           (1.0 - cfg->matching.fuzzy_threshold + 1e-9);

		conf = (1 - (1 - e) * 0.4 * 0.5) * cfg->matching.name_only_cap;
		strbuf_addf(&ch->text, "name %.2f \"%s\"", sim, arena_str(ctx->set, p->payer));
	}
	strbuf_addf(&ch->text, ", %d open invoices sum to the amount (the only set among %d", np, n);
	if (ntied)
		strbuf_addf(&ch->text, "; no other of the %d customers of that name has one", ntied);
	strbuf_addch(&ch->text, ')');
	emit_multi(ctx, p, ch, pr, RULE_MULTI_SUM, conf, chosen, np, start);
	return 1;
}

static void decide_none(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                        struct mchunk *ch, struct mprop *pr, int32_t xcur)
{
	const struct match_set *s = ctx->set;
	size_t start = ch->text.len;

	if (xcur >= 0 && (!w->ncands || w->cands[0].conf < ctx->cfg->matching.confidence_threshold)) {
		strbuf_addf(&ch->text, "reference points to %s in %s, payment is in %s",
		            arena_str(s, s->inv[xcur].id), s->curs[s->inv[xcur].cur], s->curs[p->cur]);
		set_exception(ch, pr, EXC_CURRENCY_MISMATCH, xcur, p->unapplied, -1, start);
		return;
	}
	if (!w->ncands) {
		strbuf_addstr(&ch->text, "no candidate invoice (no reference, customer or name with "
		              "a fitting amount)");
		set_exception(ch, pr, EXC_UNMATCHED_PAYMENT, -1, p->unapplied, -1, start);
		return;
	}
	strbuf_addstr(&ch->text, "best candidate ");
	describe_cand(ctx, w, p, &w->cands[0], &ch->text);
	strbuf_addf(&ch->text, " below threshold %.2f", ctx->cfg->matching.confidence_threshold);
	set_exception(ch, pr, EXC_UNMATCHED_PAYMENT, w->cands[0].inv, p->unapplied,
	              w->cands[0].conf, start);
}

void match_score_payment(const struct mctx *ctx, struct worker *w, int32_t pi,
                         struct mchunk *ch, struct mprop *pr)
{
	const struct match_set *s = ctx->set;
	const struct mpay *p = &s->pay[pi];
	double thr = ctx->cfg->matching.confidence_threshold;
	int32_t xcur;

	memset(pr, 0, sizeof *pr);
	pr->pay = pi;
	pr->rule = pr->exc = -1;
	pr->exc_inv = -1;
	pr->conf = -1;
	pr->expl_off = pr->detail_off = NO_TEXT;
	if (p->dup_of >= 0) {
		const struct mpay *o = &s->pay[p->dup_of];
		size_t start = ch->text.len;

		strbuf_addf(&ch->text, "repeats payment %s (same payer, amount and reference, %+dd)",
		            arena_str(s, o->id), (int)(p->date - o->date));
		set_exception(ch, pr, EXC_DUPLICATE, -1, p->unapplied, -1, start);
		return;
	}
	match_gather(ctx, w, p, &xcur);
	/* by name: the customer's own invoices, which the amount index may not have listed
	 * (it gives a round amount's first 256 invoices only); those of each customer the name
	 * ties when it names none: two of them with the amount are then equally good */
	if (w->pcust < 0 && pay_name(s, p)->name_len && !(w->ncands && w->cands[0].conf >= thr)) {
		int32_t cu[MAX_TIED];

		match_gather_customers(ctx, w, p, cu, name_customers(ctx, w, p, cu));
	}
	/* unless the best is settled (a reference or the exact amount, not overpaid): a quoted
	 * number may confirm one of several short-paid invoices, or name more invoices of the
	 * same customer (the referenced invoice's, when the payment has no customer id) */
	if (!(w->ncands && w->cands[0].conf >= thr && w->cands[0].amt != AMT_OVER &&
	      (w->cands[0].ref >= REF_MEMO || w->cands[0].amt == AMT_EXACT)) &&
	    (*arena_str(s, p->ref) || *arena_str(s, p->memo))) {
		int32_t cu[MAX_TIED];
		int ncu = 1;

		if (w->pcust < 0 && w->ncands && w->cands[0].ref >= REF_MEMO)
			cu[0] = s->inv[w->cands[0].inv].cust;
		else   /* the customer the payer names, or each one it ties */
			ncu = name_customers(ctx, w, p, cu);
		for (int k = 0; k < ncu; k++)
			match_gather_numbers(ctx, w, p, cu[k]);
	}
	if (decide_multi_ref(ctx, w, p, ch, pr))
		return;
	if (w->ncands && w->cands[0].conf >= thr && w->cands[0].amt == AMT_EXACT) {
		decide_single(ctx, w, p, ch, pr);
		return;
	}
	if (!(w->ncands && (w->cands[0].ref >= REF_MEMO ||
	                    (w->cands[0].ref == REF_NUMBER && w->cands[0].conf >= thr))) &&
	    decide_multi_sum(ctx, w, p, ch, pr)) {
		if (pr->rule >= 0 || !w->ncands || w->cands[0].conf < thr)
			return;
		memset(pr, 0, sizeof *pr);   /* a single candidate beats an unproven subset */
		pr->pay = pi;
		pr->rule = pr->exc = -1;
		pr->exc_inv = -1;
		pr->conf = -1;
		pr->expl_off = pr->detail_off = NO_TEXT;
	}
	if (w->ncands && w->cands[0].conf >= thr)
		decide_single(ctx, w, p, ch, pr);
	else
		decide_none(ctx, w, p, ch, pr, xcur);
}
