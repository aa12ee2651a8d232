/* The compact hash structures of the snapshot. At 1M invoices the reference index holds
 * ~6M postings: a table of 32-byte slots with stored keys cost ~500 MB and a cache miss per
 * probe. Here a posting is 8 bytes (a 32-bit hash tag and the value), grouped by the top
 * bits of the hash behind a directory (a counting sort of the postings the producer
 * emitted, staged once: a producer normalises and hashes reference keys, which a second
 * pass over it did again), and keys are not stored at all: the caller re-derives the key
 * of a tagged hit from the snapshot and compares it, so a hash collision can never add a
 * posting. */
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"

uint64_t match_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a, then a final mix for all the bits */

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	h ^= h >> 32;
	h *= 0x9E3779B97F4A7C15ULL;
	return h ^ (h >> 29);
}

static uint32_t hidx_bucket(const struct hidx *x, uint64_t h)
{
	return (uint32_t)(h >> (64 - x->bits));
}

void hidx_emit(struct hidx *x, uint64_t h, int32_t val)
{
	if (x->nstage == x->astage && !x->failed) {
		size_t na = x->astage ? x->astage * 2 : 1024;
		struct hstage *ns = realloc(x->stage, na * sizeof *ns);

		if (!ns)
			x->failed = 1;
		else {
			x->stage = ns;
			x->astage = na;
		}
	}
	if (x->failed)
		return;
	x->stage[x->nstage++] = (struct hstage){ .bucket = hidx_bucket(x, h), .tag = (uint32_t)h,
		.val = val };
}

/* Stable insertion sort by tag: a bucket holds one or two keys, or one common key (a round
 * amount) and a few others, so it is nearly sorted; equal tags keep emission order. */
static void sort_by_tag(struct hent *e, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct hent v = e[i];
		size_t j = i;

		for (; j > 0 && e[j - 1].tag > v.tag; j--)
			e[j] = e[j - 1];
		e[j] = v;
	}
}

static void stage_free(struct hidx *x)
{
	free(x->stage);
	x->stage = NULL;
	x->nstage = x->astage = 0;
}

int hidx_build(struct hidx *x, size_t expect, void (*produce)(void *ctx, struct hidx *x),
               void *ctx)
{
	size_t nb;

	memset(x, 0, sizeof *x);
	x->bits = 4;
	while (x->bits < 30 && ((size_t)1 << x->bits) < expect)
		x->bits++;
	nb = (size_t)1 << x->bits;
	x->dir = calloc(nb + 1, sizeof *x->dir);
	x->stage = malloc(expect * sizeof *x->stage);
	x->astage = x->stage ? expect : 0;
	if (!x->dir)
		return -1;
	produce(ctx, x);
	if (x->failed || x->nstage > UINT32_MAX) {
		stage_free(x);
		return -1;
	}
	for (size_t i = 0; i < x->nstage; i++)
		x->dir[x->stage[i].bucket + 1]++;
	for (size_t b = 0; b < nb; b++)
		x->dir[b + 1] += x->dir[b];
	x->n = x->dir[nb];
	x->ent = malloc((x->n ? x->n : 1) * sizeof *x->ent);
	if (!x->ent) {
		stage_free(x);
		return -1;
	}
	/* fill in emission order: dir[b] runs from the start of bucket b to its end, i.e. the
	 * next one's start */
	for (size_t i = 0; i < x->nstage; i++) {
		const struct hstage *st = &x->stage[i];

		x->ent[x->dir[st->bucket]++] = (struct hent){ .tag = st->tag, .val = st->val };
	}
	stage_free(x);
	memmove(x->dir + 1, x->dir, nb * sizeof *x->dir);
	x->dir[0] = 0;
	for (size_t b = 0; b < nb; b++)
		if (x->dir[b + 1] - x->dir[b] > 1)
			sort_by_tag(x->ent + x->dir[b], x->dir[b + 1] - x->dir[b]);
	return 0;
}

/* Returns the first posting in [p, e) whose tag is >= tag (or > tag with upper). */
static const struct hent *tag_bound(const struct hent *p, const struct hent *e, uint32_t tag,
                                    int upper)
{
	while (p < e) {
		const struct hent *m = p + (e - p) / 2;

		if (m->tag < tag || (upper && m->tag == tag))
			p = m + 1;
		else
			e = m;
	}
	return p;
}

const struct hent *hidx_bucket_of(const struct hidx *x, uint64_t h, const struct hent **end)
{
	const struct hent *p, *e;
	uint32_t b, tag = (uint32_t)h;

	if (!x->dir || !x->ent) {
		*end = NULL;
		return NULL;
	}
	b = hidx_bucket(x, h);
	p = x->ent + x->dir[b];
	e = x->ent + x->dir[b + 1];
	/* a round amount fills its bucket with thousands of postings: binary searches */
	p = tag_bound(p, e, tag, 0);
	*end = tag_bound(p, e, tag, 1);
	return p;
}

void hidx_prefetch(const struct hidx *x, uint64_t h, int stage)
{
	uint32_t b;

	if (!x->dir || !x->ent)
		return;
	b = hidx_bucket(x, h);
	if (stage == 0)
		__builtin_prefetch(&x->dir[b]);
	else
		__builtin_prefetch(&x->ent[x->dir[b]]);
}

void hidx_free(struct hidx *x)
{
	free(x->dir);
	free(x->ent);
	free(x->stage);
	memset(x, 0, sizeof *x);
}

static int smap_grow(struct smap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct smap_slot *ns = calloc(cap, sizeof *ns);

	if (!ns)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->slots[i].off)
			continue;
		for (j = m->slots[i].hash & (cap - 1); ns[j].off; j = (j + 1) & (cap - 1))
			;
		ns[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = ns;
	m->cap = cap;
	return 0;
}

struct smap_slot *smap_find(struct smap *m, const char *arena, const char *s, size_t len,
                            uint64_t h, int add)
{
	size_t j;

	if (add && (m->n + 1) * 2 > m->cap && smap_grow(m))
		return NULL;
	if (!m->cap)
		return NULL;
	for (j = (uint32_t)h & (m->cap - 1);; j = (j + 1) & (m->cap - 1)) {
		struct smap_slot *sl = &m->slots[j];

		if (!sl->off)
			return add ? sl : NULL;
		if (sl->hash == (uint32_t)h && memcmp(arena + sl->off, s, len) == 0 &&
		    arena[sl->off + len] == '\0')
			return sl;
	}
}

void smap_free(struct smap *m)
{
	free(m->slots);
	memset(m, 0, sizeof *m);
}

/* The string multimap (struct mmap_idx): keys stored, open addressing, postings chained
 * while building and laid out contiguously per key by mm_freeze. */
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
	uint64_t h = match_hash(key, len);
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
	j = mm_find(m, key, len, match_hash(key, len));
	if (!m->slots[j].count)
		return NULL;
	*n = m->slots[j].count;
	return m->vals + m->slots[j].start;
}
