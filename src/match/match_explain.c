/* One-line explanations of matches and exceptions, built from the named evidence, e.g.
 * `ref~1 typo, amount exact, +12d` or `name 0.91 "ACME IND SUPPLY", amount exact, ...`. */
#include <string.h>

#include "match_internal.h"
#include "paymatch/money.h"
#include "paymatch/similarity.h"

void match_explain_money(const struct match_set *set, uint16_t cur, int64_t amount,
                         struct strbuf *sb)
{
	char buf[48];
	int dec = money_currency_decimals(set->curs[cur]);

	strbuf_addstr(sb, money_to_plain(amount, dec < 0 ? 2 : dec, buf, sizeof buf));
}

static void sep(struct strbuf *sb, size_t start)
{
	if (sb->len > start)
		strbuf_addstr(sb, ", ");
}

struct worker_keys_view {
	const char *key;
	size_t len;
};

static void explain_ref(const struct mctx *ctx, const struct minv *inv, const struct cand *c,
                        const struct worker_keys_view *kv, struct strbuf *sb)
{
	switch (c->ref) {
	case REF_EXACT: strbuf_addstr(sb, "ref exact"); break;
	case REF_MANGLED: strbuf_addstr(sb, "ref mangled"); break;
	case REF_MEMO: strbuf_addstr(sb, "ref in memo"); break;
	case REF_WEAK: strbuf_addstr(sb, "short ref"); break;
	case REF_NUMBER: strbuf_addstr(sb, "ref number of the customer's invoice"); break;
	case REF_TYPO: {
		int d = kv ? sim_osa_bounded(kv->key, kv->len, arena_str(ctx->set, inv->key),
		                             inv->key_len, (int)ctx->cfg->matching.max_typos) : 1;

		strbuf_addf(sb, "ref~%d typo", d);
		break;
	}
	default: break;
	}
}

static void explain_amount(const struct mctx *ctx, const struct mpay *p, const struct minv *inv,
                           const struct cand *c, struct strbuf *sb)
{
	const struct match_set *s = ctx->set;

	switch (c->amt) {
	case AMT_EXACT: strbuf_addstr(sb, "amount exact"); break;
	case AMT_TOLERANCE:
		strbuf_addstr(sb, "short ");
		match_explain_money(s, p->cur, inv->open - p->unapplied, sb);
		strbuf_addstr(sb, " within tolerance");
		break;
	case AMT_PARTIAL:
		strbuf_addstr(sb, "partial ");
		match_explain_money(s, p->cur, p->unapplied, sb);
		strbuf_addstr(sb, " of ");
		match_explain_money(s, p->cur, inv->open, sb);
		break;
	case AMT_OVER:
		strbuf_addstr(sb, "over by ");
		match_explain_money(s, p->cur, p->unapplied - inv->open, sb);
		break;
	default: break;
	}
}

void match_explain_cand(const struct mctx *ctx, const struct mpay *p, const struct cand *c,
                        const struct norm_keys *keys, struct strbuf *sb)
{
	const struct match_set *s = ctx->set;
	const struct minv *inv = &s->inv[c->inv];
	struct worker_keys_view kv = { NULL, 0 };
	size_t start = sb->len;

	if (keys && c->key_idx < keys->n) {
		kv.key = keys->key[c->key_idx];
		kv.len = keys->len[c->key_idx];
	}
	explain_ref(ctx, inv, c, kv.key ? &kv : NULL, sb);
	sep(sb, start);
	explain_amount(ctx, p, inv, c, sb);
	if (c->cust == CUST_ID) {
		sep(sb, start);
		strbuf_addstr(sb, "customer id");
	} else if (c->cust == CUST_ID_MISMATCH) {
		sep(sb, start);
		strbuf_addstr(sb, "customer id differs");
	} else if (c->cust == CUST_NAME) {
		sep(sb, start);
		strbuf_addf(sb, "name %.2f \"%s\"", (double)c->name_sim, arena_str(s, p->payer));
	}
	if (c->unique_amount) {
		sep(sb, start);
		strbuf_addstr(sb, "customer has 1 open invoice of that amount");
	}
	sep(sb, start);
	strbuf_addf(sb, "%+dd%s", (int)c->gap, c->in_window ? "" : " outside window");
}
