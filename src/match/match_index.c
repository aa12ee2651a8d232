/* The snapshot: interned strings, open invoices and payments, and the blocking indexes
 * (reference keys, customer ids, name tokens, amounts) built once before scoring. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "match_internal.h"
#include "paymatch/similarity.h"

/* The arena is addressed by 32-bit offsets: reserving all 4 GB of address space up front
 * (pages are only backed once written) means it never moves, so a thread may read the
 * invoices' strings while payments are still being added (match_index_invoices_start). */
#define ARENA_RESERVE ((size_t)UINT32_MAX)
#define ARENA_HALF ((size_t)1 << 31)

static void arena_reserve(struct match_set *s)
{
	void *a = mmap(NULL, ARENA_RESERVE, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (a == MAP_FAILED)
		return;   /* e.g. overcommit disabled: a growable arena, no early indexing */
	s->arena = a;
	s->arena_alloc = ARENA_RESERVE;
	s->arena_fixed = 1;
	s->parena_len = ARENA_HALF;
}

struct match_set *match_set_new(void)
{
	/* aligned: its field groups must each start a cache line (match_internal.h) */
	struct match_set *s = aligned_alloc(_Alignof(struct match_set), sizeof *s);

	if (!s)
		return NULL;
	memset(s, 0, sizeof *s);
	/* 256 KB of address space, touched as currencies come: never moves (currency_index) */
	s->curs = malloc(MAX_CURRENCIES * sizeof *s->curs);
	if (!s->curs) {
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->cur_mu, NULL);
	atomic_init(&s->ncur, 0);
	arena_reserve(s);
	if (!s->arena_fixed && PM_GROW(s->arena, 1, s->arena_alloc)) {
		pthread_mutex_destroy(&s->cur_mu);
		free(s->curs);
		free(s);
		return NULL;
	}
	s->arena[s->arena_len++] = '\0';   /* offset 0 is the empty string */
	return s;
}

void match_set_drop_indexes(struct match_set *s)
{
	match_index_invoices_join(s);
	free(s->cust_inv);
	s->cust_inv = NULL;
	hidx_free(&s->ref_idx);
	hidx_free(&s->amount_idx);
	free(s->cid);
	s->cid = NULL;
	free(s->amt);
	s->amt = NULL;
	s->namt = 0;
	mm_free(&s->name_tok);
	mm_free(&s->name_same);
	match_names_free(s);
}

static void pn_map_free(struct match_set *s);

void match_set_free(struct match_set *s)
{
	if (!s)
		return;
	match_index_invoices_join(s);
	if (s->arena_fixed)
		munmap(s->arena, ARENA_RESERVE);
	else
		free(s->arena);
	free(s->inv);
	free(s->pay);
	free(s->cust);
	free(s->calt);
	free(s->curs);
	pthread_mutex_destroy(&s->cur_mu);
	free(s->pnorm);
	free(s->rejected);
	free(s->rej_p);
	free(s->rej_i);
	smap_free(&s->strings);
	smap_free(&s->pstrings);
	smap_free(&s->cust_map);
	smap_free(&s->payer_map);
	pn_map_free(s);
	match_set_drop_indexes(s);
	mm_free(&s->name_tok);
	mm_free(&s->name_same);
	free(s);
}

/* Copies len bytes of str into the arena, into the invoices' and customers' half (side 0)
 * or the payments' half (side 1) of a reserved arena, so that the two sides may be added
 * from two threads; returns its offset, or UINT32_MAX when full. */
static uint32_t intern_n(struct match_set *s, int side, const char *str, size_t len)
{
	size_t *at = side && s->arena_fixed ? &s->parena_len : &s->arena_len;
	size_t end = !s->arena_fixed ? UINT32_MAX : side ? ARENA_RESERVE : ARENA_HALF;
	uint32_t off;

	if (!str || !len)
		return 0;
	if (*at + len + 1 > end ||
	    (!s->arena_fixed && PM_GROW(s->arena, *at + len + 1, s->arena_alloc)))
		return UINT32_MAX;
	off = (uint32_t)*at;
	memcpy(s->arena + off, str, len);
	s->arena[off + len] = '\0';
	*at += len + 1;
	return off;
}

static uint32_t intern(struct match_set *s, int side, const char *str)
{
	return str ? intern_n(s, side, str, strlen(str)) : 0;
}

/* Interns str once in map m (names and customer ids repeat across thousands of rows);
 * returns its offset (UINT32_MAX when out of memory) and its slot in *slot. */
static uint32_t intern_in(struct match_set *s, int side, struct smap *m, const char *str,
                          struct smap_slot **slot)
{
	size_t len = str ? strlen(str) : 0;
	uint64_t h;
	struct smap_slot *sl;

	*slot = NULL;
	if (!len)
		return 0;
	h = match_hash(str, len);
	sl = smap_find(m, s->arena, str, len, h, 1);
	if (!sl)
		return UINT32_MAX;
	if (!sl->off) {
		uint32_t off = intern_n(s, side, str, len);

		if (off == UINT32_MAX)
			return UINT32_MAX;
		sl->off = off;
		sl->hash = (uint32_t)h;
		sl->val = -1;
		m->n++;
	}
	*slot = sl;
	return sl->off;
}

/* Prefetches the slot where str would be in m (stage 0) or, once that has arrived, the
 * string the slot holds (stage 1): the lookup of a row a few places later then finds both
 * in the cache. */
static void smap_prefetch(const struct match_set *s, const struct smap *m, const char *str,
                          int stage)
{
	size_t len = str ? strlen(str) : 0;
	const struct smap_slot *sl;

	if (!len || !m->cap)
		return;
	sl = &m->slots[(uint32_t)match_hash(str, len) & (m->cap - 1)];
	if (stage == 0)
		__builtin_prefetch(sl);
	else if (sl->off)
		__builtin_prefetch(s->arena + sl->off);
}

void match_set_prefetch_invoice(const struct match_set *s, const char *customer_id, int stage)
{
	smap_prefetch(s, &s->cust_map, customer_id, stage);
}

void match_set_prefetch_payment(const struct match_set *s, const char *payer,
                                const char *customer_id, int stage)
{
	smap_prefetch(s, &s->payer_map, payer, stage);
	smap_prefetch(s, &s->pstrings, customer_id, stage);
}

/* Interns str once on its side (each side has its own map: see intern_n). */
static uint32_t intern_shared(struct match_set *s, int side, const char *str)
{
	struct smap_slot *sl;

	return intern_in(s, side, side ? &s->pstrings : &s->strings, str, &sl);
}

static int find_currency(const struct match_set *s, const char c[4], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(s->curs[i], c, 4) == 0)
			return (int)i;
	return -1;
}

/* Returns the index of currency cur, adding it when new; -1 when the table is full. The
 * table never moves and an entry is complete before the count says it exists, so the two
 * sides of a load (see intern_n) may look up at once; adding takes the lock. */
static int currency_index(struct match_set *s, const char *cur)
{
	char c[4] = { 0 };
	size_t n;
	int i;

	if (cur)
		strncpy(c, cur, 3);
	i = find_currency(s, c, atomic_load_explicit(&s->ncur, memory_order_acquire));
	if (i >= 0)
		return i;
	pthread_mutex_lock(&s->cur_mu);
	n = atomic_load_explicit(&s->ncur, memory_order_relaxed);
	i = find_currency(s, c, n);
	if (i < 0 && n < MAX_CURRENCIES) {
		memcpy(s->curs[n], c, 4);
		atomic_store_explicit(&s->ncur, n + 1, memory_order_release);
		i = (int)n;
	}
	pthread_mutex_unlock(&s->cur_mu);
	return i;
}

static int build_customer_side(struct match_set *s);

void match_set_payments_loaded(struct match_set *s)
{
	if (s->indexed)
		return;
	if (!s->dups_marked)
		s->dups_marked = match_mark_duplicates(s, s->dup_window) == 0;
	if (atomic_load_explicit(&s->invoices_in, memory_order_acquire))
		build_customer_side(s);
}

int match_set_concurrent_adds(const struct match_set *s)
{
	return s->arena_fixed;
}

/* Keeps name as customer c's second name when it is neither its first nor its second one
 * (a third name is not kept). Returns 0 or -1 (out of memory). */
static int customer_alt_name(struct match_set *s, int32_t c, const char *name)
{
	struct mcust *cu = &s->cust[c];
	struct calt *a;

	if (!name || strcmp(arena_str(s, cu->raw_name), name) == 0 || cu->alt >= 0 ||
	    s->ncalt >= INT32_MAX)
		return 0;
	if (PM_GROW(s->calt, s->ncalt + 1, s->acalt))
		return -1;
	a = &s->calt[s->ncalt];
	memset(a, 0, sizeof *a);
	a->raw_name = intern_shared(s, 0, name);
	if (a->raw_name == UINT32_MAX)
		return -1;
	cu->alt = (int32_t)s->ncalt++;
	return 0;
}

/* Returns the customer of id (created at its first invoice, with that invoice's name; a
 * later invoice's different name is its second), -1 for an empty id, -2 when out of
 * memory. */
static int32_t customer_of(struct match_set *s, const char *id, const char *name)
{
	struct smap_slot *sl;
	uint32_t off = intern_in(s, 0, &s->cust_map, id, &sl);
	struct mcust *c;

	/* sl stays valid below: interning the name grows the arena, not this map */
	if (off == UINT32_MAX)
		return -2;
	if (!sl)
		return -1;
	if (sl->val >= 0)
		return customer_alt_name(s, sl->val, name) ? -2 : sl->val;
	if (s->ncust >= INT32_MAX || PM_GROW(s->cust, s->ncust + 1, s->acust))
		return -2;
	c = &s->cust[s->ncust];
	memset(c, 0, sizeof *c);
	c->alt = -1;
	c->id = off;
	c->raw_name = intern_shared(s, 0, name);
	if (c->raw_name == UINT32_MAX)
		return -2;
	sl->val = (int32_t)s->ncust;
	return (int32_t)s->ncust++;
}

int match_set_add_invoice(struct match_set *s, const struct match_invoice_in *in)
{
	struct minv *v;
	char key[NORM_KEY_MAX];
	const char *ref = in->reference && *in->reference ? in->reference : in->invoice_id;
	size_t kl = ref ? norm_ref_key(ref, strlen(ref), key, sizeof key) : 0;
	int cur;

	if (s->early) {   /* an invoice after the payments: the early indexes miss it */
		match_index_invoices_join(s);
		match_set_drop_indexes(s);
	}
	cur = currency_index(s, in->currency);
	if (cur < 0 || s->ninv >= (1u << 28) || PM_GROW(s->inv, s->ninv + 1, s->ainv))
		return -1;
	v = &s->inv[s->ninv];
	memset(v, 0, sizeof *v);
	v->row = in->row;
	v->amount = in->amount;
	v->open = in->open;
	v->idate = in->invoice_date;
	v->ddate = in->due_date;
	v->cur = (uint16_t)cur;
	v->id = intern(s, 0, in->invoice_id);
	v->ref = ref == in->invoice_id ? v->id : intern(s, 0, ref);
	v->key = intern_n(s, 0, key, kl);
	v->key_len = (uint16_t)kl;
	v->cust = customer_of(s, in->customer_id, in->customer_name);
	if (v->id == UINT32_MAX || v->ref == UINT32_MAX || v->key == UINT32_MAX || v->cust < -1)
		return -1;
	if (v->cust >= 0)
		s->cust[v->cust].count++;
	s->ninv++;
	return 0;
}

static void pn_map_free(struct match_set *s)
{
	free(s->pn_key);
	free(s->pn_val);
	s->pn_key = NULL;
	s->pn_val = NULL;
	s->pn_cap = s->pn_n = 0;
}

static size_t pn_slot(const struct match_set *s, uint64_t key)
{
	size_t j = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 20) & (s->pn_cap - 1);

	while (s->pn_key[j] && s->pn_key[j] != key)
		j = (j + 1) & (s->pn_cap - 1);
	return j;
}

static int pn_map_grow(struct match_set *s)
{
	size_t cap = s->pn_cap ? s->pn_cap * 2 : 4096, old = s->pn_cap;
	uint64_t *ok = s->pn_key;
	int32_t *ov = s->pn_val;

	s->pn_key = calloc(cap, sizeof *s->pn_key);
	s->pn_val = malloc(cap * sizeof *s->pn_val);
	if (!s->pn_key || !s->pn_val) {
		free(s->pn_key);
		free(s->pn_val);
		s->pn_key = ok;
		s->pn_val = ov;
		return -1;
	}
	s->pn_cap = cap;
	for (size_t i = 0; i < old; i++)
		if (ok[i]) {
			size_t j = pn_slot(s, ok[i]);

			s->pn_key[j] = ok[i];
			s->pn_val[j] = ov[i];
		}
	free(ok);
	free(ov);
	return 0;
}

/* Returns the pnorm already made for the normalised forms of pn (payer names differing
 * only in case, punctuation or spacing share one, and so one name memo), or pn's own index
 * after recording it; -1 when out of memory. */
static int32_t pn_shared(struct match_set *s, const struct pnorm *pn, int32_t idx)
{
	uint64_t key = ((uint64_t)pn->name << 32 | pn->name_full) + 1;
	size_t j;

	if ((s->pn_n + 1) * 2 > s->pn_cap && pn_map_grow(s))
		return -1;
	j = pn_slot(s, key);
	if (s->pn_key[j])
		return s->pn_val[j];
	s->pn_key[j] = key;
	s->pn_val[j] = idx;
	s->pn_n++;
	return idx;
}

/* Returns the normalised forms of payer name raw (computed once per distinct name). */
static const struct pnorm *payer_norm(struct match_set *s, const char *raw, uint32_t *off)
{
	struct smap_slot *sl;
	struct pnorm *pn;
	char name[256], full[256];
	size_t nl, fl;

	*off = intern_in(s, 1, &s->payer_map, raw, &sl);
	if (*off == UINT32_MAX || !sl)
		return NULL;
	if (sl->val >= 0)
		return &s->pnorm[sl->val];
	if (PM_GROW(s->pnorm, s->npnorm + 1, s->apnorm)) {
		*off = UINT32_MAX;
		return NULL;
	}
	nl = norm_name(raw, strlen(raw), name, sizeof name, 0);
	fl = norm_name(raw, strlen(raw), full, sizeof full, NORM_NAME_KEEP_SUFFIX);
	pn = &s->pnorm[s->npnorm];
	pn->name = intern_shared(s, 1, nl ? name : NULL);
	pn->name_full = intern_shared(s, 1, fl ? full : NULL);
	pn->name_len = (uint16_t)nl;
	pn->name_full_len = (uint16_t)fl;
	if (pn->name == UINT32_MAX || pn->name_full == UINT32_MAX) {
		*off = UINT32_MAX;
		return NULL;
	}
	/* sl stays valid: interning above grew the arena and the other map, not this one */
	sl->val = pn_shared(s, pn, (int32_t)s->npnorm);
	if (sl->val < 0) {
		*off = UINT32_MAX;
		return NULL;
	}
	if (sl->val == (int32_t)s->npnorm)
		s->npnorm++;
	return &s->pnorm[sl->val];
}

int match_set_add_payment(struct match_set *s, const struct match_payment_in *in)
{
	struct mpay *p;
	const struct pnorm *pn;
	int cur = currency_index(s, in->currency);

	if (cur < 0 || s->npay >= INT32_MAX || PM_GROW(s->pay, s->npay + 1, s->apay))
		return -1;
	p = &s->pay[s->npay];
	memset(p, 0, sizeof *p);
	p->row = in->row;
	p->amount = in->amount;
	p->unapplied = in->unapplied;
	p->date = in->date;
	p->cur = (uint16_t)cur;
	p->id = intern(s, 1, in->payment_id);
	pn = payer_norm(s, in->payer_name, &p->payer);
	p->ref = intern(s, 1, in->reference);
	p->memo = intern(s, 1, in->memo);
	p->cust_id = intern_shared(s, 1, in->customer_id);
	p->cust = -1;
	p->dup_of = -1;
	p->pn = pn ? (int32_t)(pn - s->pnorm) : -1;
	if (p->id == UINT32_MAX || p->payer == UINT32_MAX || p->ref == UINT32_MAX ||
	    p->memo == UINT32_MAX || p->cust_id == UINT32_MAX)
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

	if (!s->nrejp)
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Adds the normalised name forms of customer c. */
/* Normalises raw name raw into *name / *full (arena offsets) and their lengths. */
static int norm_names(struct match_set *s, uint32_t raw, uint32_t *name, uint16_t *nlen,
                      uint32_t *full, uint16_t *flen)
{
	char n[256], f[256];
	const char *r = arena_str(s, raw);
	size_t nl = norm_name(r, strlen(r), n, sizeof n, 0);
	size_t fl = norm_name(r, strlen(r), f, sizeof f, NORM_NAME_KEEP_SUFFIX);

	*name = intern_n(s, 0, n, nl);
	*full = intern_n(s, 0, f, fl);
	*nlen = (uint16_t)nl;
	*flen = (uint16_t)fl;
	return *name == UINT32_MAX || *full == UINT32_MAX ? -1 : 0;
}

static int cust_names(struct match_set *s, struct mcust *c)
{
	struct calt *a = c->alt >= 0 ? &s->calt[c->alt] : NULL;

	return norm_names(s, c->raw_name, &c->name, &c->name_len, &c->name_full,
	                  &c->name_full_len) ||
	       (a && norm_names(s, a->raw_name, &a->name, &a->name_len, &a->name_full,
	                        &a->name_full_len)) ? -1 : 0;
}

/* Normalises the customers' names, places each customer's invoices in cust_inv and
 * resolves the payments' customer ids. */
static int build_customers(struct match_set *s)
{
	int32_t at = 0;

	for (size_t c = 0; c < s->ncust; c++) {
		if (cust_names(s, &s->cust[c]))
			return -1;
		s->cust[c].first = at;
		at += s->cust[c].count;
	}
	return 0;
}

/* Resolves the payments' customer ids to customers. */
static void resolve_payment_customers(struct match_set *s)
{
	for (size_t i = 0; i < s->npay; i++) {
		const char *id = arena_str(s, s->pay[i].cust_id);
		size_t l = strlen(id);
		struct smap_slot *sl = l ? smap_find(&s->cust_map, s->arena, id, l,
		                                     match_hash(id, l), 0) : NULL;

		s->pay[i].cust = sl ? sl->val : -1;
	}
}

/* Lays out each customer's open invoices sorted by due date, then row (rebuilt when a
 * match_compute dropped it). */
static int build_cust_inv(struct match_set *s)
{
	int32_t maxc = 0, *pos;
	uint64_t *keys;
	size_t at = 0;

	for (size_t c = 0; c < s->ncust; c++) {
		maxc = s->cust[c].count > maxc ? s->cust[c].count : maxc;
		at += (size_t)s->cust[c].count;
	}
	pos = calloc(s->ncust ? s->ncust : 1, sizeof *pos);
	keys = malloc((maxc ? (size_t)maxc : 1) * sizeof *keys);
	s->cust_inv = malloc((at ? at : 1) * sizeof *s->cust_inv);
	if (!pos || !keys || !s->cust_inv) {
		free(pos);
		free(keys);
		return -1;
	}
	for (size_t i = 0; i < s->ninv; i++)
		if (s->inv[i].cust >= 0) {
			int32_t c = s->inv[i].cust;

			s->cust_inv[s->cust[c].first + pos[c]++].inv = (int32_t)i;
		}
	for (size_t c = 0; c < s->ncust; c++) {
		struct cinv *ci = s->cust_inv + s->cust[c].first;

		for (int32_t k = 0; k < s->cust[c].count; k++)
			keys[k] = ((uint64_t)(uint32_t)(s->inv[ci[k].inv].ddate + 0x40000000) << 32) |
			          (uint32_t)ci[k].inv;
		qsort(keys, (size_t)s->cust[c].count, sizeof *keys, cmp_u64);
		for (int32_t k = 0; k < s->cust[c].count; k++) {
			const struct minv *v = &s->inv[keys[k] & 0xffffffffu];

			ci[k] = (struct cinv){ .open = v->open, .amount = v->amount,
				.inv = (int32_t)(keys[k] & 0xffffffffu), .idate = v->idate, .cur = v->cur };
		}
	}
	free(pos);
	free(keys);
	return 0;
}

/* Indexes customer c under name n (len bytes) and under each of its words. */
static int index_name(struct match_set *s, const char *n, size_t len, int32_t c)
{
	size_t i = 0;

	if (len && mm_add(&s->name_same, n, len, c))
		return -1;
	while (i < len) {
		size_t st;

		while (i < len && n[i] == ' ')
			i++;
		st = i;
		while (i < len && n[i] != ' ')
			i++;
		if (i > st && mm_add(&s->name_tok, n + st, i - st, c))
			return -1;
	}
	return 0;
}

/* Indexes each name token of each customer's names (the blocking key for payer names), and
 * each whole name: a walk stops at NAME_WALK_MAX customers, so that a customer whose every
 * word is common (SMITH LIGHTING) would be missed without it. */
static int build_name_tokens(struct match_set *s)
{
	for (size_t c = 0; c < s->ncust; c++) {
		const struct mcust *cu = &s->cust[c];
		const struct calt *a = cu->alt >= 0 ? &s->calt[cu->alt] : NULL;

		if (index_name(s, arena_str(s, cu->name), cu->name_len, (int32_t)c))
			return -1;
		/* a second name that normalises like the first adds nothing */
		if (a && (a->name_len != cu->name_len ||
		          memcmp(arena_str(s, a->name), arena_str(s, cu->name), a->name_len)) &&
		    index_name(s, arena_str(s, a->name), a->name_len, (int32_t)c))
			return -1;
	}
	mm_freeze(&s->name_tok);
	mm_freeze(&s->name_same);
	return (s->name_tok.vals && s->name_same.vals) || !s->ncust ? 0 : -1;
}

struct index_job {
	struct match_set *s;
	const struct pm_config *cfg;
	int first;
	atomic_int failed;
};

/* Everything but the reference index (the largest, task 0): disjoint fields of the set. */
/* The invoices' and payments' side (task 0: the reference index, unless the payments'
 * load built it, then the payments' customers, duplicates and rejected pairs) and the
 * customers' side (task 1: names, name tokens, invoice lists, signatures, amounts). Each
 * writes only its own fields; both read the arena, which task 1 appends to: they run
 * together only when it never moves (arena_fixed). */
static int build_payment_side(struct match_set *s, const struct pm_config *cfg, int first)
{
	if (!s->ref_idx.dir && match_build_ref(s))
		return -1;
	if (!first)
		return 0;
	resolve_payment_customers(s);
	if (!s->dups_marked && match_mark_duplicates(s, cfg->matching.duplicate_window_days))
		return -1;
	s->dups_marked = 1;
	return build_rejected(s);
}

/* The parts of every customer's id, for the loose id lookup (NULL when out of memory:
 * it then compares the strings). */
static void build_id_keys(struct match_set *s)
{
	s->cid = malloc((s->ncust ? s->ncust : 1) * sizeof *s->cid);
	for (size_t c = 0; s->cid && c < s->ncust; c++)
		match_id_key(arena_str(s, s->cust[c].id), &s->cid[c]);
}

static int build_customer_side(struct match_set *s)
{
	if (!s->customers_named && build_customers(s))
		return -1;
	s->customers_named = 1;
	if (!s->cid)
		build_id_keys(s);
	if (!s->name_tok.vals && build_name_tokens(s))
		return -1;
	if ((!s->cust_inv && build_cust_inv(s)) || (!s->csig && match_names_build(s)))
		return -1;
	return s->amount_idx.dir ? 0 : match_build_amount(s);
}

static void index_task(void *ctx, size_t task, int w)
{
	struct index_job *j = ctx;
	int rc;

	(void)w;
	if (task == 0)
		rc = build_payment_side(j->s, j->cfg, j->first);
	else
		rc = build_customer_side(j->s);
	if (rc)
		atomic_store(&j->failed, 1);
}

int match_set_index(struct match_set *s, const struct pm_config *cfg)
{
	struct index_job j = { .s = s, .cfg = cfg, .first = !s->indexed };

	atomic_init(&j.failed, 0);
	match_index_invoices_join(s);
	match_pool_run(s->index_workers > 1 && s->arena_fixed ? 2 : 1, 2, index_task, &j);
	if (atomic_load(&j.failed))
		return -1;
	if (j.first) {
		s->indexed = 1;
		/* the interning maps only serve while items are added (~20 MB at 1M): a later add
		 * interns afresh */
		smap_free(&s->strings);
		smap_free(&s->pstrings);
		smap_free(&s->payer_map);
		pn_map_free(s);
	}
	return 0;
}
