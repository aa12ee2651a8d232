/* The snapshot: interned strings, open invoices and payments, and the blocking indexes
 * (reference keys, customer ids, name tokens, amounts) built once before scoring. */
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"
#include "paymatch/similarity.h"

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a, then a final mix for the low bits */

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	h ^= h >> 32;
	h *= 0x9E3779B97F4A7C15ULL;
	return h ^ (h >> 29);
}

static int mm_rehash(struct mmap_idx *m, size_t cap)
{
	struct mm_slot *ns = calloc(cap, sizeof *ns);

	if (!ns)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->slots[i].count)
			continue;
		for (j = m->slots[i].hash & (cap - 1); ns[j].count; j = (j + 1) & (cap - 1))
			;
		ns[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = ns;
	m->cap = cap;
	return 0;
}

/* Returns the slot of key (len bytes, hash h) or the empty slot where it belongs. */
static size_t mm_find(const struct mmap_idx *m, const char *key, size_t len, uint64_t h)
{
	size_t j = h & (m->cap - 1);

	for (;; j = (j + 1) & (m->cap - 1)) {
		const struct mm_slot *s = &m->slots[j];

		if (!s->count)
			return j;
		if (s->hash == h && memcmp(m->keys + s->key_off, key, len) == 0 &&
		    m->keys[s->key_off + len] == '\0')
			return j;
	}
}

int mm_add(struct mmap_idx *m, const char *key, size_t len, int32_t val)
{
	uint64_t h = hash_bytes(key, len);
	struct mm_slot *s;
	size_t j;

	if ((m->n + 1) * 2 > m->cap && mm_rehash(m, m->cap ? m->cap * 2 : 1024))
		return -1;
	if (PM_GROW(m->pval, m->npost + 1, m->apost_v) || PM_GROW(m->pnext, m->npost + 1, m->apost_n))
		return -1;
	j = mm_find(m, key, len, h);
	s = &m->slots[j];
	if (!s->count) {
		if (PM_GROW(m->keys, m->keys_len + len + 1, m->keys_alloc))
			return -1;
		memcpy(m->keys + m->keys_len, key, len);
		m->keys[m->keys_len + len] = '\0';
		s->key_off = (uint32_t)m->keys_len;
		m->keys_len += len + 1;
		s->hash = h;
		s->head = (int32_t)m->npost;
		m->n++;
	} else {
		m->pnext[s->tail] = (int32_t)m->npost;
	}
	s->tail = (int32_t)m->npost;
	s->count++;
	m->pval[m->npost] = val;
	m->pnext[m->npost++] = -1;
	return 0;
}

void mm_freeze(struct mmap_idx *m)
{
	uint32_t at = 0;

	m->vals = m->pval;   /* reuse when allocation fails below: chains stay walkable */
	m->vals = malloc((m->npost ? m->npost : 1) * sizeof *m->vals);
	if (!m->vals)
		return;
	for (size_t i = 0; i < m->cap; i++) {
		struct mm_slot *s = &m->slots[i];

		if (!s->count)
			continue;
		s->start = at;
		for (int32_t p = s->head; p >= 0; p = m->pnext[p])
			m->vals[at++] = m->pval[p];
	}
	free(m->pval);
	free(m->pnext);
	m->pval = m->pnext = NULL;
	m->apost_v = m->apost_n = 0;
}

void mm_free(struct mmap_idx *m)
{
	free(m->slots);
	free(m->keys);
	free(m->pval);
	free(m->pnext);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

const int32_t *mm_get(const struct mmap_idx *m, const char *key, size_t len, uint32_t *n)
{
	size_t j;

	*n = 0;
	if (!m->cap || !m->vals)
		return NULL;
	j = mm_find(m, key, len, hash_bytes(key, len));
	if (!m->slots[j].count)
		return NULL;
	*n = m->slots[j].count;
	return m->vals + m->slots[j].start;
}

struct match_set *match_set_new(void)
{
	struct match_set *s = calloc(1, sizeof *s);

	if (s && PM_GROW(s->arena, 1, s->arena_alloc)) {
		free(s);
		return NULL;
	}
	if (s)
		s->arena[s->arena_len++] = '\0';   /* offset 0 is the empty string */
	return s;
}

void match_set_free(struct match_set *s)
{
	if (!s)
		return;
	free(s->arena);
	free(s->inv);
	free(s->pay);
	free(s->cust);
	free(s->curs);
	free(s->cust_inv);
	free(s->rejected);
	free(s->rej_p);
	free(s->rej_i);
	mm_free(&s->cust_by_id);
	mm_free(&s->ref_idx);
	mm_free(&s->amount_idx);
	mm_free(&s->name_tok);
	free(s);
}

/* Copies len bytes of str into the arena; returns its offset, or UINT32_MAX when full. */
static uint32_t intern_n(struct match_set *s, const char *str, size_t len)
{
	uint32_t off;

	if (!str || !len)
		return 0;
	if (s->arena_len + len + 1 > UINT32_MAX || PM_GROW(s->arena, s->arena_len + len + 1,
	                                                   s->arena_alloc))
		return UINT32_MAX;
	off = (uint32_t)s->arena_len;
	memcpy(s->arena + off, str, len);
	s->arena[off + len] = '\0';
	s->arena_len += len + 1;
	return off;
}

static uint32_t intern(struct match_set *s, const char *str)
{
	return str ? intern_n(s, str, strlen(str)) : 0;
}

static int currency_index(struct match_set *s, const char *cur)
{
	char c[4] = { 0 };

	if (cur)
		strncpy(c, cur, 3);
	for (size_t i = 0; i < s->ncur; i++)
		if (memcmp(s->curs[i], c, 4) == 0)
			return (int)i;
	if (s->ncur >= 65535 || PM_GROW(s->curs, s->ncur + 1, s->acur))
		return -1;
	memcpy(s->curs[s->ncur], c, 4);
	return (int)s->ncur++;
}

int match_set_add_invoice(struct match_set *s, const struct match_invoice_in *in)
{
	struct minv *v;
	char key[NORM_KEY_MAX];
	const char *ref = in->reference && *in->reference ? in->reference : in->invoice_id;
	size_t kl = ref ? norm_ref_key(ref, strlen(ref), key, sizeof key) : 0;
	int cur = currency_index(s, in->currency);

	if (cur < 0 || PM_GROW(s->inv, s->ninv + 1, s->ainv))
		return -1;
	v = &s->inv[s->ninv];
	memset(v, 0, sizeof *v);
	v->row = in->row;
	v->amount = in->amount;
	v->open = in->open;
	v->idate = in->invoice_date;
	v->ddate = in->due_date;
	v->cur = (uint16_t)cur;
	v->id = intern(s, in->invoice_id);
	v->ref = intern(s, ref);
	v->key = intern_n(s, key, kl);
	v->key_len = (uint16_t)kl;
	/* customer id and name wait in the arena until indexing groups customers */
	v->cust = (int32_t)intern(s, in->customer_id);
	if (v->id == UINT32_MAX || v->ref == UINT32_MAX || v->key == UINT32_MAX ||
	    v->cust == (int32_t)UINT32_MAX)
		return -1;
	if (PM_GROW(s->cust, s->ninv + 1, s->acust))
		return -1;
	/* the name goes in a parallel slot per invoice until customers are built */
	s->cust[s->ninv].raw_name = intern(s, in->customer_name);
	if (s->cust[s->ninv].raw_name == UINT32_MAX)
		return -1;
	s->ninv++;
	return 0;
}

int match_set_add_payment(struct match_set *s, const struct match_payment_in *in)
{
	struct mpay *p;
	char name[256], full[256];
	size_t nl, fl;
	int cur = currency_index(s, in->currency);

	if (cur < 0 || PM_GROW(s->pay, s->npay + 1, s->apay))
		return -1;
	p = &s->pay[s->npay];
	memset(p, 0, sizeof *p);
	p->row = in->row;
	p->amount = in->amount;
	p->unapplied = in->unapplied;
	p->date = in->date;
	p->cur = (uint16_t)cur;
	p->id = intern(s, in->payment_id);
	p->payer = intern(s, in->payer_name);
	p->ref = intern(s, in->reference);
	p->memo = intern(s, in->memo);
	p->cust_id = intern(s, in->customer_id);
	nl = in->payer_name ? norm_name(in->payer_name, strlen(in->payer_name), name, sizeof name, 0) : 0;
	fl = in->payer_name ? norm_name(in->payer_name, strlen(in->payer_name), full, sizeof full,
	                                NORM_NAME_KEEP_SUFFIX) : 0;
	p->name = intern_n(s, name, nl);
	p->name_len = (uint16_t)nl;
	p->name_full = intern_n(s, full, fl);
	p->name_full_len = (uint16_t)fl;
	p->cust = -1;
	p->dup_of = -1;
	if (p->id == UINT32_MAX || p->payer == UINT32_MAX || p->ref == UINT32_MAX ||
	    p->memo == UINT32_MAX || p->cust_id == UINT32_MAX || p->name == UINT32_MAX ||
	    p->name_full == UINT32_MAX)
		return -1;
	s->npay++;
	return 0;
}

int match_set_add_rejected(struct match_set *s, int64_t prow, int64_t irow)
{
	if (PM_GROW(s->rej_p, s->nrejp + 1, s->arejp_p) || PM_GROW(s->rej_i, s->nrejp + 1, s->arejp_i))
		return -1;
	s->rej_p[s->nrejp] = prow;
	s->rej_i[s->nrejp++] = irow;
	return 0;
}

static uint64_t pair_key(int64_t p, int64_t i)
{
	return ((uint64_t)p << 32) ^ (uint64_t)i ^ ((uint64_t)i >> 32 << 17);
}

int match_set_is_rejected(const struct match_set *s, int64_t prow, int64_t irow)
{
	uint64_t k = pair_key(prow, irow);
	size_t j;

	if (!s->arej)
		return 0;
	/* keys are hashes of the pair: a collision could only hide a candidate, never add one;
	 * the exact pair is checked against the pending arrays when keys collide */
	for (j = (k * 0x9E3779B97F4A7C15ULL >> 20) & (s->arej - 1); s->rejected[j];
	     j = (j + 1) & (s->arej - 1))
		if (s->rejected[j] == k + 1)
			for (size_t r = 0; r < s->nrejp; r++)
				if (s->rej_p[r] == prow && s->rej_i[r] == irow)
					return 1;
	return 0;
}

static int build_rejected(struct match_set *s)
{
	size_t cap = 16;

	while (cap < s->nrejp * 2)
		cap *= 2;
	s->rejected = calloc(cap, sizeof *s->rejected);
	if (!s->rejected)
		return -1;
	s->arej = cap;
	for (size_t r = 0; r < s->nrejp; r++) {
		uint64_t k = pair_key(s->rej_p[r], s->rej_i[r]);
		size_t j = (k * 0x9E3779B97F4A7C15ULL >> 20) & (cap - 1);

		while (s->rejected[j] && s->rejected[j] != k + 1)
			j = (j + 1) & (cap - 1);
		s->rejected[j] = k + 1;
	}
	return 0;
}

void match_amount_key(uint16_t cur, int64_t amount, char key[10])
{
	memcpy(key, &cur, 2);
	memcpy(key + 2, &amount, 8);
}

/* Returns the slot index of key in frozen m, or -1. */
static long mm_slot(const struct mmap_idx *m, const char *key, size_t len)
{
	size_t j;

	if (!m->cap)
		return -1;
	j = mm_find(m, key, len, hash_bytes(key, len));
	return m->slots[j].count ? (long)j : -1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Adds the normalised name forms of customer c from raw name offset raw. */
static int cust_names(struct match_set *s, struct mcust *c, uint32_t raw)
{
	char name[256], full[256];
	const char *r = arena_str(s, raw);
	size_t nl = norm_name(r, strlen(r), name, sizeof name, 0);
	size_t fl = norm_name(r, strlen(r), full, sizeof full, NORM_NAME_KEEP_SUFFIX);

	c->raw_name = raw;
	c->name = intern_n(s, name, nl);
	c->name_full = intern_n(s, full, fl);
	c->name_len = (uint16_t)nl;
	c->name_full_len = (uint16_t)fl;
	return c->name == UINT32_MAX || c->name_full == UINT32_MAX ? -1 : 0;
}

/* Groups invoices into customers (first appearance order) with their invoice lists sorted
 * by due date, then row. */
static int build_customers(struct match_set *s)
{
	struct mcust *tmp = s->cust, *cust;
	long *aux;
	uint64_t *keys;
	size_t nc = 0;

	for (size_t i = 0; i < s->ninv; i++) {
		const char *id = arena_str(s, (uint32_t)s->inv[i].cust);

		if (*id && mm_add(&s->cust_by_id, id, strlen(id), (int32_t)i))
			return -1;
	}
	mm_freeze(&s->cust_by_id);
	aux = malloc((s->cust_by_id.cap ? s->cust_by_id.cap : 1) * sizeof *aux);
	cust = calloc(s->ninv ? s->ninv : 1, sizeof *cust);
	keys = malloc((s->ninv ? s->ninv : 1) * sizeof *keys);
	s->cust_inv = malloc((s->ninv ? s->ninv : 1) * sizeof *s->cust_inv);
	if (!aux || !cust || !keys || !s->cust_inv || !s->cust_by_id.vals)
		goto fail;
	for (size_t j = 0; j < s->cust_by_id.cap; j++)
		aux[j] = -1;
	for (size_t i = 0; i < s->ninv; i++) {
		uint32_t idoff = (uint32_t)s->inv[i].cust;
		const char *id = arena_str(s, idoff);
		long slot = *id ? mm_slot(&s->cust_by_id, id, strlen(id)) : -1;

		if (slot < 0) {
			s->inv[i].cust = -1;
			continue;
		}
		if (aux[slot] < 0) {
			aux[slot] = (long)nc;
			cust[nc].id = idoff;
			if (cust_names(s, &cust[nc], tmp[i].raw_name))
				goto fail;
			nc++;
		}
		s->inv[i].cust = (int32_t)aux[slot];
		cust[aux[slot]].count++;
	}
	{
		int32_t at = 0;
		size_t nk = 0;

		for (size_t c = 0; c < nc; c++) {
			cust[c].first = at;
			at += cust[c].count;
			cust[c].count = 0;
		}
		for (size_t i = 0; i < s->ninv; i++)
			if (s->inv[i].cust >= 0) {
				struct mcust *c = &cust[s->inv[i].cust];

				s->cust_inv[c->first + c->count++] = (int32_t)i;
			}
		for (size_t c = 0; c < nc; c++) {
			for (int32_t k = 0; k < cust[c].count; k++) {
				int32_t i = s->cust_inv[cust[c].first + k];

				keys[k] = ((uint64_t)(uint32_t)(s->inv[i].ddate + 0x40000000) << 32) |
				          (uint32_t)i;
			}
			qsort(keys, (size_t)cust[c].count, sizeof *keys, cmp_u64);
			for (int32_t k = 0; k < cust[c].count; k++)
				s->cust_inv[cust[c].first + k] = (int32_t)(keys[k] & 0xffffffffu);
			nk += (size_t)cust[c].count;
		}
		(void)nk;
	}
	free(tmp);
	free(aux);
	free(keys);
	s->cust = cust;
	s->ncust = nc;
	s->acust = s->ninv;
	for (size_t i = 0; i < s->npay; i++) {
		const char *id = arena_str(s, s->pay[i].cust_id);
		uint32_t n = 0;
		const int32_t *v = *id ? mm_get(&s->cust_by_id, id, strlen(id), &n) : NULL;

		s->pay[i].cust = n ? s->inv[v[0]].cust : -1;
	}
	return 0;
fail:
	free(aux);
	free(cust);
	free(keys);
	return -1;
}

/* Indexes each name token of each customer (the blocking key for payer names). */
static int build_name_tokens(struct match_set *s)
{
	for (size_t c = 0; c < s->ncust; c++) {
		const char *n = arena_str(s, s->cust[c].name);
		size_t len = s->cust[c].name_len, i = 0;

		while (i < len) {
			size_t st;

			while (i < len && n[i] == ' ')
				i++;
			st = i;
			while (i < len && n[i] != ' ')
				i++;
			if (i > st && mm_add(&s->name_tok, n + st, i - st, (int32_t)c))
				return -1;
		}
	}
	mm_freeze(&s->name_tok);
	return s->name_tok.vals || !s->ncust ? 0 : -1;
}

/* Adds the reference keys of raw reference ref for invoice i: the full key, the core
 * (prefix and leading zeros dropped) and the digits when >= 4 of them. */
static int add_ref_keys(struct match_set *s, int32_t i, const char *ref)
{
	char full[NORM_KEY_MAX], core[NORM_KEY_MAX], dig[NORM_KEY_MAX];
	size_t fl = norm_ref_key(ref, strlen(ref), full, sizeof full);
	size_t cl = norm_ref_core(full, fl, core, sizeof core);
	size_t dl = norm_ref_digits(full, fl, dig, sizeof dig);

	if (!fl)
		return 0;
	if (mm_add(&s->ref_idx, full, fl, i << 2 | RK_FULL))
		return -1;
	if (cl && (cl != fl || memcmp(core, full, cl)) &&
	    mm_add(&s->ref_idx, core, cl, i << 2 | RK_CORE))
		return -1;
	if (dl >= 4 && (dl != fl || memcmp(dig, full, dl)) && (dl != cl || memcmp(dig, core, dl)) &&
	    mm_add(&s->ref_idx, dig, dl, i << 2 | RK_DIGITS))
		return -1;
	return 0;
}

static int build_ref_amount(struct match_set *s)
{
	char key[10];

	for (size_t i = 0; i < s->ninv; i++) {
		const struct minv *v = &s->inv[i];
		const char *id = arena_str(s, v->id), *ref = arena_str(s, v->ref);

		if (add_ref_keys(s, (int32_t)i, ref))
			return -1;
		if (strcmp(id, ref) != 0 && add_ref_keys(s, (int32_t)i, id))
			return -1;
		match_amount_key(v->cur, v->open, key);
		if (mm_add(&s->amount_idx, key, 10, (int32_t)i))
			return -1;
		if (v->amount != v->open) {
			match_amount_key(v->cur, v->amount, key);
			if (mm_add(&s->amount_idx, key, 10, (int32_t)i))
				return -1;
		}
	}
	mm_freeze(&s->ref_idx);
	mm_freeze(&s->amount_idx);
	return (s->ref_idx.vals || !s->ninv) && (s->amount_idx.vals || !s->ninv) ? 0 : -1;
}

/* Writes the duplicate key of payment p: currency, amount, who (customer id, else the
 * normalised payer) and what (reference key, else memo key). Returns 0 when p has no
 * reference and no memo (never a duplicate). */
static size_t dup_key(const struct match_set *s, const struct mpay *p, char *k, size_t cap)
{
	const char *cid = arena_str(s, p->cust_id), *ref = arena_str(s, p->ref);
	const char *who = *cid ? cid : arena_str(s, p->name);
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

/* Marks a payment that repeats an earlier one (same currency, amount, payer, reference)
 * within duplicate_window_days as its duplicate. */
static int mark_duplicates(struct match_set *s, int64_t window)
{
	struct mmap_idx m = { 0 };
	char k[512];
	int rc = 0;

	for (size_t i = 0; i < s->npay && !rc; i++) {
		size_t n = dup_key(s, &s->pay[i], k, sizeof k);

		if (n)
			rc = mm_add(&m, k, n, (int32_t)i);
	}
	mm_freeze(&m);
	for (size_t j = 0; !rc && j < m.cap; j++) {
		const struct mm_slot *sl = &m.slots[j];
		int32_t *v = m.vals ? m.vals + sl->start : NULL;

		if (sl->count < 2 || !v)
			continue;
		/* insertion sort by (date, index): groups are tiny */
		for (uint32_t a = 1; a < sl->count; a++)
			for (uint32_t b = a; b > 0 && (s->pay[v[b]].date < s->pay[v[b - 1]].date); b--) {
				int32_t t = v[b];

				v[b] = v[b - 1];
				v[b - 1] = t;
			}
		for (uint32_t a = 1, orig = 0; a < sl->count; a++) {
			if (s->pay[v[a]].date - s->pay[v[orig]].date <= window)
				s->pay[v[a]].dup_of = v[orig];
			else
				orig = a;
		}
	}
	mm_free(&m);
	return rc;
}

int match_set_index(struct match_set *s, const struct pm_config *cfg)
{
	if (s->indexed)
		return 0;
	if (build_customers(s) || build_name_tokens(s) || build_ref_amount(s) ||
	    mark_duplicates(s, cfg->matching.duplicate_window_days) || build_rejected(s))
		return -1;
	s->indexed = 1;
	return 0;
}
