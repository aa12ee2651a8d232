/* The (customer, currency) group table of aging and customers (report_groups.h). */
#include <stdlib.h>
#include <string.h>

#include "paymatch/strbuf.h"
#include "report_groups.h"

/* FNV-1a over the customer id, a separator and the currency, then a murmur3 finalizer
 * step: FNV's low bits mix poorly and the table is indexed by them (probes ran long on ids
 * like C000123 without it). Never 0, which marks an empty slot. */
static uint64_t group_hash(const char *customer, const char *currency, uint32_t *len)
{
	uint64_t h = 1469598103934665603u;
	const char *p;

	for (p = customer; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	*len = (uint32_t)(p - customer);
	h = (h ^ 0xff) * 1099511628211u;
	for (p = currency; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	return h ? h : 1;
}

static int grow(struct group_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 4096;
	struct group_slot *slot = calloc(cap, sizeof *slot);

	if (!slot)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		size_t j;

		if (!t->slot[i].hash)
			continue;
		for (j = t->slot[i].hash & (cap - 1); slot[j].hash; j = (j + 1) & (cap - 1))
			;
		slot[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return 0;
}

static bool same(const struct group *g, uint32_t len, const char *customer,
                 const char *currency)
{
	return g->len == len && strcmp(g->currency, currency) == 0 &&
	       memcmp(group_customer(g), customer, len) == 0;
}

static struct group *insert(struct group_table *t, size_t j, uint64_t h, uint32_t len,
                            const char *customer, const char *currency)
{
	struct group *g;

	if (PM_GROW(t->g, t->n + 1, t->alloc))
		return NULL;
	g = &t->g[t->n];
	memset(g, 0, sizeof *g);
	if (len >= GROUP_INLINE) {
		if (!(g->long_key = malloc(len + 1)))
			return NULL;
		memcpy(g->long_key, customer, len + 1);
	} else {
		memcpy(g->key, customer, len + 1);
	}
	memcpy(g->currency, currency, strlen(currency) + 1);
	g->len = len;
	g->id = (uint32_t)t->n;
	t->slot[j] = (struct group_slot){ h, t->n++ };
	return g;
}

struct group *group_find(struct group_table *t, const char *customer, const char *currency)
{
	char cur[sizeof t->g[0].currency];
	uint32_t len;
	uint64_t h;
	size_t j;

	/* Currencies are ISO codes; anything longer is cut, as it is shown. */
	for (j = 0; j + 1 < sizeof cur && currency[j]; j++)
		cur[j] = currency[j];
	cur[j] = '\0';
	currency = cur;
	h = group_hash(customer, currency, &len);
	if ((t->n + 1) * 2 > t->cap && grow(t))
		return NULL;
	for (j = h & (t->cap - 1); t->slot[j].hash; j = (j + 1) & (t->cap - 1))
		if (t->slot[j].hash == h && same(&t->g[t->slot[j].id], len, customer, currency))
			return &t->g[t->slot[j].id];
	return insert(t, j, h, len, customer, currency);
}

void group_prefetch(const struct group_table *t, const char *customer, const char *currency)
{
	char cur[sizeof t->g[0].currency];
	uint32_t len;
	size_t j;

	if (!t->cap)
		return;
	for (j = 0; j + 1 < sizeof cur && currency[j]; j++)
		cur[j] = currency[j];
	cur[j] = '\0';
	__builtin_prefetch(&t->slot[group_hash(customer, cur, &len) & (t->cap - 1)]);
}

static int group_cmp(const void *x, const void *y)
{
	const struct group *a = *(const struct group *const *)x;
	const struct group *b = *(const struct group *const *)y;
	int c = strcmp(group_customer(a), group_customer(b));

	return c ? c : strcmp(a->currency, b->currency);
}

struct group **group_sorted(const struct group_table *t)
{
	struct group **v;

	if (!t->n || !(v = malloc(t->n * sizeof *v)))
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		v[i] = group_by_id(t, (uint32_t)i);
	qsort(v, t->n, sizeof *v, group_cmp);
	return v;
}

void group_table_free(struct group_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->g[i].long_key);
		free(t->g[i].name);
	}
	free(t->g);
	free(t->slot);
	memset(t, 0, sizeof *t);
}
