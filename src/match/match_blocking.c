/* The big blocking indexes of the snapshot (reference keys, amounts) and the duplicate
 * marks. Postings are found by hash tag and then verified by re-deriving the key from the
 * invoice or payment, so the indexes store no key text (see match_hash.c). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"
#include "paymatch/thread.h"

void match_amount_key(uint16_t cur, int64_t amount, char key[10])
{
	memcpy(key, &cur, 2);
	memcpy(key + 2, &amount, 8);
}

static uint64_t amount_hash(uint16_t cur, int64_t amount)
{
	char key[10];

	match_amount_key(cur, amount, key);
	return match_hash(key, 10);
}

/* Emits the reference keys of invoice i from one normalised key full[0..fl) (src 0: of its
 * reference, 1: of its id): the full key, the core (prefix and leading zeros dropped) and
 * the digits when >= 4 of them, each only when it differs from the ones before. */
static void emit_ref_keys(struct hidx *x, int32_t i, int src, const char *full, size_t fl)
{
	char core[NORM_KEY_MAX], dig[NORM_KEY_MAX];
	size_t cl = norm_ref_core(full, fl, core, sizeof core);
	size_t dl = norm_ref_digits(full, fl, dig, sizeof dig);
	int32_t base = i << 3 | src << 2;

	if (!fl)
		return;
	hidx_emit(x, match_hash(full, fl), base | RK_FULL);
	if (cl && (cl != fl || memcmp(core, full, cl)))
		hidx_emit(x, match_hash(core, cl), base | RK_CORE);
	if (dl >= 4 && (dl != fl || memcmp(dig, full, dl)) && (dl != cl || memcmp(dig, core, dl)))
		hidx_emit(x, match_hash(dig, dl), base | RK_DIGITS);
}

/* The reference's normalised key is the invoice's own (v->key, made at load): only the id
 * is normalised here (then again by ref_posting_is for a posting it verifies). */
static void produce_refs(void *ctx, struct hidx *x)
{
	const struct match_set *s = ctx;

	for (size_t i = 0; i < s->ninv; i++) {
		const struct minv *v = &s->inv[i];
		const char *id = arena_str(s, v->id), *ref = arena_str(s, v->ref);

		emit_ref_keys(x, (int32_t)i, 0, arena_str(s, v->key), v->key_len);
		if (v->ref != v->id && strcmp(id, ref) != 0) {
			char full[NORM_KEY_MAX];

			emit_ref_keys(x, (int32_t)i, 1, full,
			              norm_ref_key(id, strlen(id), full, sizeof full));
		}
	}
}

/* value = inv << 1 | (0: listed by open balance, 1: by original amount) */
static void produce_amounts(void *ctx, struct hidx *x)
{
	const struct match_set *s = ctx;

	for (size_t i = 0; i < s->ninv; i++) {
		const struct minv *v = &s->inv[i];

		hidx_emit(x, amount_hash(v->cur, v->open), (int32_t)i << 1);
		if (v->amount != v->open)
			hidx_emit(x, amount_hash(v->cur, v->amount), (int32_t)i << 1 | 1);
	}
}

int match_build_ref(struct match_set *s)
{
	if (hidx_build(&s->ref_idx, s->ninv * 2, produce_refs, s)) {
		hidx_free(&s->ref_idx);
		return -1;
	}
	return 0;
}

/* The amount of posting val (inv << 1 | by original amount) of the build-time index. */
static int64_t posting_amount(const struct match_set *s, int32_t val)
{
	const struct minv *v = &s->inv[val >> 1];

	return (val & 1) ? v->amount : v->open;
}

static int same_amount_key(const struct match_set *s, int32_t a, int32_t b)
{
	return s->inv[a >> 1].cur == s->inv[b >> 1].cur && posting_amount(s, a) == posting_amount(s, b);
}

/* Appends posting val to the amount lists as a compact entry. */
static void amount_entry(const struct match_set *s, struct amt_ent *e, int32_t val, int last)
{
	const struct minv *v = &s->inv[val >> 1];

	*e = (struct amt_ent){ .inv = val >> 1, .cust = v->cust, .idate = v->idate,
		.key_len = v->key_len, .by_amount = (uint8_t)(val & 1), .last = (uint8_t)last };
}

/* Splits one run of postings sharing a tag into lists of equal (currency, amount), each in
 * emission order (a run is almost always one key: the split is quadratic only for the
 * rare tag collision); appends the lists to s->amt and a group posting per list to g. */
static int split_tag_run(struct match_set *s, const struct hent *r, size_t n, struct hent *g,
                         size_t *ng)
{
	size_t same = 1;
	uint8_t *done;

	while (same < n && same_amount_key(s, r[0].val, r[same].val))
		same++;
	if (same == n) {
		g[(*ng)++] = (struct hent){ .tag = r[0].tag, .val = (int32_t)s->namt };
		for (size_t k = 0; k < n; k++)
			amount_entry(s, &s->amt[s->namt++], r[k].val, k + 1 == n);
		return 0;
	}
	done = calloc(n, 1);
	if (!done)
		return -1;
	for (size_t a = 0; a < n; a++) {
		size_t lastk = a;

		if (done[a])
			continue;
		for (size_t b = a + 1; b < n; b++)
			if (!done[b] && same_amount_key(s, r[a].val, r[b].val))
				lastk = b;
		g[(*ng)++] = (struct hent){ .tag = r[a].tag, .val = (int32_t)s->namt };
		for (size_t b = a; b <= lastk; b++)
			if (b == a || (!done[b] && same_amount_key(s, r[a].val, r[b].val))) {
				done[b] = 1;
				amount_entry(s, &s->amt[s->namt++], r[b].val, b == lastk);
			}
	}
	free(done);
	return 0;
}

/* Turns the build-time index of postings into one posting per (currency, amount) pointing
 * at its list in s->amt: a scan then reads one contiguous list instead of verifying each
 * posting against a random invoice (14.8M such reads at 1M invoices). Same buckets and
 * order, so a list holds exactly what the postings of its key held, in the same order. */
static int group_amounts(struct match_set *s, struct hidx *x)
{
	size_t nb = (size_t)1 << x->bits, ng = 0;
	unsigned bits;
	struct hent *g = malloc((x->n ? x->n : 1) * sizeof *g);
	uint32_t *dir = malloc((nb + 1) * sizeof *dir);

	s->amt = malloc((x->n ? x->n : 1) * sizeof *s->amt);
	s->namt = 0;
	if (!g || !dir || !s->amt)
		goto fail;
	for (size_t b = 0; b < nb; b++) {
		size_t i = x->dir[b], e = x->dir[b + 1];

		dir[b] = (uint32_t)ng;
		while (i < e) {
			size_t j = i + 1;

			while (j < e && x->ent[j].tag == x->ent[i].tag)
				j++;
			if (split_tag_run(s, x->ent + i, j - i, g, &ng))
				goto fail;
			i = j;
		}
	}
	dir[nb] = (uint32_t)ng;
	bits = x->bits;
	hidx_free(x);
	x->dir = dir;
	x->ent = realloc(g, (ng ? ng : 1) * sizeof *g);
	if (!x->ent)
		x->ent = g;
	x->n = ng;
	x->bits = bits;
	return 0;
fail:
	free(g);
	free(dir);
	free(s->amt);
	s->amt = NULL;
	return -1;
}

int match_build_amount(struct match_set *s)
{
	if (hidx_build(&s->amount_idx, s->ninv, produce_amounts, s) ||
	    group_amounts(s, &s->amount_idx)) {
		hidx_free(&s->amount_idx);
		return -1;
	}
	return 0;
}

/* Sets smaller than this are indexed in a moment: no thread for them. */
#define EARLY_INDEX_MIN_INVOICES 2048

struct early_index {
	pthread_t tid;
	int failed;
};

static void *early_main(void *arg)
{
	struct match_set *s = arg;

	s->early->failed = match_build_ref(s) || match_build_amount(s);
	return NULL;
}

void match_index_invoices_start(struct match_set *s)
{
	if (!s->arena_fixed || s->early || s->indexed || s->index_workers < 2 ||
	    s->ninv < EARLY_INDEX_MIN_INVOICES || s->ref_idx.dir || s->amount_idx.dir)
		return;
	s->early = calloc(1, sizeof *s->early);
	if (!s->early)
		return;
	if (pm_thread_start(&s->early->tid, early_main, s)) {
		free(s->early);
		s->early = NULL;
	}
}

static void drop_invoice_indexes(struct match_set *s)
{
	hidx_free(&s->ref_idx);
	hidx_free(&s->amount_idx);
	free(s->amt);
	s->amt = NULL;
	s->namt = 0;
}

void match_index_invoices_join(struct match_set *s)
{
	if (!s->early)
		return;
	pthread_join(s->early->tid, NULL);
	if (s->early->failed)
		drop_invoice_indexes(s);
	free(s->early);
	s->early = NULL;
}

void match_index_invoices_build(struct match_set *s)
{
	/* from here on the payments' thread may build the customers' side, amounts included */
	atomic_store_explicit(&s->invoices_in, 1, memory_order_release);
	if (s->ref_idx.dir || s->indexed)
		return;
	if (match_build_ref(s))
		hidx_free(&s->ref_idx);
}

const struct amt_ent *match_amount_list(const struct match_set *s, uint16_t cur, int64_t amount)
{
	uint64_t h = amount_hash(cur, amount);
	const struct hent *p, *end;

	for (p = hidx_bucket_of(&s->amount_idx, h, &end); p && p < end; p++) {
		const struct amt_ent *e = &s->amt[p->val];
		const struct minv *v = &s->inv[e->inv];

		if (v->cur == cur && (e->by_amount ? v->amount : v->open) == amount)
			return e;
	}
	return NULL;
}

void match_ref_iter(const struct match_set *s, const char *k, size_t kl, struct hidx_iter *it)
{
	uint64_t h = match_hash(k, kl);

	it->p = hidx_bucket_of(&s->ref_idx, h, &it->end);
	it->tag = (uint32_t)h;
	it->key = k;
	it->len = kl;
}

/* Returns true when posting val of the reference index has key k[0..kl). */
static int ref_posting_is(const struct match_set *s, int32_t val, const char *k, size_t kl)
{
	const struct minv *v = &s->inv[val >> 3];
	char buf[NORM_KEY_MAX], part[NORM_KEY_MAX];
	const char *full = arena_str(s, v->key);
	size_t fl = v->key_len, pl;

	if ((val >> 2) & 1) {
		const char *id = arena_str(s, v->id);

		fl = norm_ref_key(id, strlen(id), buf, sizeof buf);
		full = buf;
	}
	switch (val & 3) {
	case RK_FULL: return fl == kl && memcmp(full, k, kl) == 0;
	case RK_CORE: pl = norm_ref_core(full, fl, part, sizeof part); break;
	default: pl = norm_ref_digits(full, fl, part, sizeof part); break;
	}
	return pl == kl && memcmp(part, k, kl) == 0;
}

int32_t match_ref_next(const struct match_set *s, struct hidx_iter *it)
{
	for (; it->p && it->p < it->end; it->p++)
		if (it->p->tag == it->tag && ref_posting_is(s, it->p->val, it->key, it->len))
			return (it->p++)->val;
	return -1;
}

/* Writes the duplicate key of payment p: currency, amount, who (customer id, else the
 * normalised payer) and what (reference key, else memo key). Returns 0 when p has no
 * reference and no memo (never a duplicate). */
static size_t dup_key(const struct match_set *s, const struct mpay *p, char *k, size_t cap)
{
	const char *cid = arena_str(s, p->cust_id), *ref = arena_str(s, p->ref);
	const char *who = *cid ? cid : arena_str(s, pay_name(s, p)->name);
	size_t n, wl = strlen(who);

	if (!*ref)
		ref = arena_str(s, p->memo);
	if (!*ref || !wl || wl + 16 + 129 > cap)
		return 0;
	match_amount_key(p->cur, p->amount, k);
	k[10] = *cid ? 'I' : 'N';
	memcpy(k + 11, who, wl);
	k[11 + wl] = '\x01';
	n = norm_ref_key(ref, strlen(ref), k + 12 + wl, 129);
	return n ? 12 + wl + n : 0;
}

struct dup_build {
	const struct match_set *s;
	const uint64_t *hash;        /* per payment, 0 = no key */
};

static void produce_dups(void *ctx, struct hidx *x)
{
	const struct dup_build *d = ctx;

	for (size_t i = 0; i < d->s->npay; i++)
		if (d->hash[i])
			hidx_emit(x, d->hash[i], (int32_t)i);
}

/* Within one group of payments with the same key, sorted by (date, index): a payment within
 * the window of the group's current original repeats it; a later one starts a new original. */
static void mark_group(struct match_set *s, const int32_t *g, int n, int64_t window)
{
	for (int a = 1, orig = 0; a < n; a++) {
		if (s->pay[g[a]].date - s->pay[g[orig]].date <= window)
			s->pay[g[a]].dup_of = g[orig];
		else
			orig = a;
	}
}

/* Splits the payments g[0..n) sharing a hash tag (sorted by date, index) into groups of
 * identical keys and marks each group. */
static int mark_tagged(struct match_set *s, int32_t *g, int n, int64_t window)
{
	char ka[512], kb[512];
	int32_t *sub = malloc((size_t)n * sizeof *sub);
	uint8_t *done = calloc((size_t)n, 1);

	if (!sub || !done) {
		free(sub);
		free(done);
		return -1;
	}
	for (int a = 0; a < n; a++) {
		size_t la;
		int ns = 0;

		if (done[a])
			continue;
		la = dup_key(s, &s->pay[g[a]], ka, sizeof ka);
		for (int b = a; b < n; b++)
			if (!done[b] && (b == a || (dup_key(s, &s->pay[g[b]], kb, sizeof kb) == la &&
			                            memcmp(ka, kb, la) == 0))) {
				done[b] = 1;
				sub[ns++] = g[b];
			}
		mark_group(s, sub, ns, window);
	}
	free(sub);
	free(done);
	return 0;
}

/* Collects the members of each tag in one bucket, sorts them by (date, index) and marks
 * them. Returns 0 or -1. */
static int mark_bucket(struct match_set *s, const struct hent *b, const struct hent *e,
                       int64_t window)
{
	int32_t small[64], *g = small;
	int rc = 0;

	if (e - b > 64 && !(g = malloc((size_t)(e - b) * sizeof *g)))
		return -1;
	for (const struct hent *p = b; p < e && !rc; p++) {
		int n = 0, seen = 0;

		for (const struct hent *q = b; q < p && !seen; q++)
			seen = q->tag == p->tag;
		if (seen)
			continue;
		for (const struct hent *q = p; q < e; q++)
			if (q->tag == p->tag)
				g[n++] = q->val;
		if (n < 2)
			continue;
		/* insertion sort by (date, index): groups are tiny and arrive in index order */
		for (int a = 1; a < n; a++)
			for (int c = a; c > 0 && s->pay[g[c]].date < s->pay[g[c - 1]].date; c--) {
				int32_t t = g[c];

				g[c] = g[c - 1];
				g[c - 1] = t;
			}
		rc = mark_tagged(s, g, n, window);
	}
	if (g != small)
		free(g);
	return rc;
}

int match_mark_duplicates(struct match_set *s, int64_t window)
{
	struct hidx x;
	struct dup_build d = { .s = s };
	uint64_t *hash = calloc(s->npay ? s->npay : 1, sizeof *hash);
	char k[512];
	int rc = 0;

	if (!hash)
		return -1;
	for (size_t i = 0; i < s->npay; i++) {
		size_t n = dup_key(s, &s->pay[i], k, sizeof k);

		hash[i] = n ? match_hash(k, n) | 1 : 0;
	}
	d.hash = hash;
	if (hidx_build(&x, s->npay, produce_dups, &d)) {
		hidx_free(&x);
		free(hash);
		return -1;
	}
	free(hash);
	for (size_t b = 0; !rc && b < ((size_t)1 << x.bits); b++)
		if (x.dir[b + 1] - x.dir[b] >= 2)
			rc = mark_bucket(s, x.ent + x.dir[b], x.ent + x.dir[b + 1], window);
	hidx_free(&x);
	return rc;
}
