/* The (customer, currency) groups of aging and customers: a dense array of groups with the
 * customer id inline (no separately allocated string to miss in the cache on each of two
 * million lookups against ~100k groups), indexed by an open-addressing table of 16-byte
 * slots that keep the full hash, so a probe reads a group only when the hashes agree.
 * Dense ids keep the memory the allocation pass touches small. Used by src/report/ only. */
#ifndef PAYMATCH_REPORT_GROUPS_H
#define PAYMATCH_REPORT_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paymatch/report.h"

#define GROUP_BUCKETS (REPORT_MAX_BUCKETS + 2)
#define GROUP_INLINE 24

struct group {
	uint32_t id;                  /* dense id: the index in the array */
	uint32_t len;                 /* of the customer id */
	char currency[8];
	char key[GROUP_INLINE];       /* the customer id when shorter than GROUP_INLINE */
	char *long_key;               /* else a heap copy */
	char *name;                   /* first non-empty name seen, or NULL */
	int64_t bucket[GROUP_BUCKETS]; /* 0 current, 1..nb, nb+1 over the last bound */
	int64_t unapplied;
	int64_t exceptions;
};

struct group_slot {
	uint64_t hash;                /* 0 = empty */
	uint64_t id;
};

struct group_table {
	struct group *g;              /* n groups in creation order */
	size_t n, alloc;
	struct group_slot *slot;
	size_t cap;                   /* power of two, or 0 */
};

/* Returns the group of (customer, currency), creating it empty; NULL when out of memory.
 * Pointers stay valid only until the next group_find that creates a group (ids stay). */
struct group *group_find(struct group_table *t, const char *customer, const char *currency);
/* Prefetches the slot where (customer, currency) would be: a hint, no effect on results. */
void group_prefetch(const struct group_table *t, const char *customer, const char *currency);
/* Returns the group with dense id (0-based). */
static inline struct group *group_by_id(const struct group_table *t, uint32_t id)
{
	return &t->g[id];
}
/* Returns the customer id of g. */
static inline const char *group_customer(const struct group *g)
{
	return g->long_key ? g->long_key : g->key;
}
/* Returns the groups sorted by customer id then currency (t->n pointers; the caller frees
 * the array), or NULL when out of memory (or when there are none). */
struct group **group_sorted(const struct group_table *t);
/* Frees t's memory. */
void group_table_free(struct group_table *t);

#endif
