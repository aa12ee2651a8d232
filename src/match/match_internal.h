/* Shared by the src/match/ files only: the snapshot layout, indexes, per-worker scratch and
 * per-payment proposals. */
#ifndef PAYMATCH_MATCH_INTERNAL_H
#define PAYMATCH_MATCH_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "paymatch/match.h"
#include "paymatch/normalize.h"
#include "paymatch/similarity.h"
#include "paymatch/strbuf.h"

/* A string-keyed multimap: hash table of keys, each with a contiguous list of int32 values
 * (CSR after mm_freeze). Built by one thread, then read by many. */
struct mm_slot {
	uint64_t hash;
	uint32_t key_off, count, start;
	int32_t head, tail;
};

struct mmap_idx {
	struct mm_slot *slots;
	size_t cap, n;
	char *keys;
	size_t keys_len, keys_alloc;
	int32_t *pval, *pnext;       /* build-time postings */
	size_t npost, apost_v, apost_n;
	int32_t *vals;               /* frozen: values of slot s at vals[start..start+count) */
};

int mm_add(struct mmap_idx *m, const char *key, size_t len, int32_t val);
void mm_freeze(struct mmap_idx *m);
void mm_free(struct mmap_idx *m);
/* Returns the values for key and their count in *n (NULL, 0 when absent). */
const int32_t *mm_get(const struct mmap_idx *m, const char *key, size_t len, uint32_t *n);

/* A compact multimap from hashed keys to int32 values (match_hash.c): 8 bytes a posting,
 * grouped by the top hash bits behind a directory; keys are not stored, so callers verify
 * each hit whose tag matches by re-deriving its key from the snapshot. Built by one thread
 * in two passes over the same producer (count, then fill), read by many. */
struct hent {
	uint32_t tag;                /* low 32 bits of the key's hash */
	int32_t val;
};

/* A posting as produced, before the counting sort places it. */
struct hstage {
	uint32_t bucket, tag;
	int32_t val;
};

struct hidx {
	uint32_t *dir;               /* bucket b: ent[dir[b]..dir[b+1]) */
	struct hent *ent;
	size_t n;
	unsigned bits;
	struct hstage *stage;        /* while building: the postings in emission order */
	size_t nstage, astage;
	int failed;                  /* a posting found no room */
};

/* Returns the 64-bit hash of s[0..n) used by every index. */
uint64_t match_hash(const char *s, size_t n);
/* Builds x for about expect postings: produce, called once, calls hidx_emit for each
 * (hash, value). Returns 0 or -1 (out of memory). */
int hidx_build(struct hidx *x, size_t expect, void (*produce)(void *ctx, struct hidx *x),
               void *ctx);
void hidx_emit(struct hidx *x, uint64_t h, int32_t val);
/* Returns the postings tagged (uint32_t)h, [ret, *end), in emission order (buckets are
 * sorted by tag); a tag may still be another key's: verify each. */
const struct hent *hidx_bucket_of(const struct hidx *x, uint64_t h, const struct hent **end);
/* Prefetches the directory entry of hash h (stage 0), then, once it has arrived, the
 * start of its bucket (stage 1): lookups of many keys overlap their cache misses. */
void hidx_prefetch(const struct hidx *x, uint64_t h, int stage);
void hidx_free(struct hidx *x);

/* A string map over the arena (open addressing, offset 0 = empty): interns repeated
 * strings once and maps them to an int32 value. */
struct smap_slot {
	uint32_t off, hash;
	int32_t val;
};

struct smap {
	struct smap_slot *slots;
	size_t cap, n;
};

/* Returns the slot of s (hash h), or with add an empty slot where it belongs (the caller
 * fills it and counts n); NULL when absent (or out of memory with add). */
struct smap_slot *smap_find(struct smap *m, const char *arena, const char *s, size_t len,
                            uint64_t h, int add);
void smap_free(struct smap *m);

/* Kinds of invoice reference keys in the reference index (value = inv << 3 | src << 2 |
 * kind, src 0 = the reference, 1 = the invoice id). */
enum ref_key_kind { RK_FULL = 0, RK_CORE = 1, RK_DIGITS = 2 };

struct minv {
	int64_t row, amount, open;
	pm_date idate, ddate;
	uint32_t id, ref, key;       /* arena offsets: invoice_id, raw reference, ref key */
	uint16_t key_len, cur;
	int32_t cust;
};

/* 64 bytes: its payer name's normalised forms are in set->pnorm[pn] (pay_name), not here. */
struct mpay {
	int64_t row, amount, unapplied;
	pm_date date;
	uint32_t id, payer, ref, memo, cust_id;   /* arena offsets */
	uint16_t cur;
	int32_t cust;                /* customer of customer_id, -1 unknown */
	int32_t dup_of;              /* earlier payment this one duplicates, -1 none */
	int32_t pn;                  /* its payer name's pnorm, -1 none */
};
_Static_assert(sizeof(struct mpay) == 64, "a payment is one cache line");

struct mcust {
	uint32_t id, raw_name, name, name_full;   /* arena offsets */
	uint16_t name_len, name_full_len;
	int32_t first, count;        /* its open invoices in cust_inv[], by due date then row */
	int32_t alt;                 /* its second name in calt[], -1 none */
};

/* A customer's second name: an id whose invoices carry two names (a renamed customer, or
 * two ERPs' spellings). Names are compared with both. */
struct calt {
	uint32_t raw_name, name, name_full;   /* arena offsets */
	uint16_t name_len, name_full_len;
};

/* A customer's open invoice with the fields its scans read, stored in the customer's order
 * (due date, then row) so that scanning a customer reads contiguous memory. */
struct cinv {
	int64_t open, amount;
	int32_t inv;
	pm_date idate;
	uint16_t cur;
};

/* The normalised forms of one distinct payer name. */
struct pnorm {
	uint32_t name, name_full;
	uint16_t name_len, name_full_len;
};

/* One invoice of an amount list (match_amount_list): the fields the amount scans read, so
 * that a scan reads one contiguous list. */
struct amt_ent {
	int32_t inv, cust;
	pm_date idate;
	uint16_t key_len;
	uint8_t by_amount;           /* listed by its original amount (its open balance differs) */
	uint8_t last;                /* the list's last entry */
};

/* A customer id's number (digits, leading zeros dropped) and letters (upper case), packed
 * when they fit (packed = 0: compare the strings). */
struct id_key {
	uint64_t num, let;
	uint8_t nl, ll, packed;
};

/* Fills k from customer id id. */
void match_id_key(const char *id, struct id_key *k);

/* The fields are grouped so that the two sides of a concurrent load (match_index.c) never
 * write to a cache line the other one uses: shared read-mostly fields, then the invoices'
 * side, then the payments' side, then what indexing builds. */
struct match_set {
	char *arena;
	size_t arena_alloc;
	int arena_fixed;             /* reserved once, never moves (match_index.c) */
	int index_workers;           /* threads for match_set_index (match_compute sets it) */
	int indexed;
	char (*curs)[4];             /* MAX_CURRENCIES entries, never moves (match_index.c) */
	_Atomic size_t ncur;
	pthread_mutex_t cur_mu;      /* held to add a currency */
	struct early_index *early;   /* invoice indexes being built while payments load */
	_Atomic int invoices_in;     /* a concurrent load handed over its last invoice */

	_Alignas(64) size_t arena_len;   /* end of the invoices' side of the arena */
	struct minv *inv;
	size_t ninv, ainv;
	struct mcust *cust;
	size_t ncust, acust;
	struct calt *calt;
	size_t ncalt, acalt;
	struct smap strings;         /* repeated strings of invoices (customer names), once */
	struct smap cust_map;        /* customer id -> customer */

	_Alignas(64) size_t parena_len;  /* end of the payments' side (arena_fixed only) */
	struct mpay *pay;
	size_t npay, apay;
	struct pnorm *pnorm;
	size_t npnorm, apnorm;
	struct smap pstrings;        /* repeated strings of payments (customer ids, names) */
	struct smap payer_map;       /* raw payer name -> pnorm */
	uint64_t *pn_key;            /* normalised (name, full name) offsets + 1 -> pnorm */
	int32_t *pn_val;
	size_t pn_cap, pn_n;
	int64_t dup_window;          /* matching.duplicate_window_days, for ... */
	int dups_marked;             /* ... match_set_mark_duplicates_now */

	_Alignas(64) struct id_key *cid;  /* per customer: its id's parts (loose id lookups) */
	int customers_named;         /* the customers' names are normalised (build_customers) */
	struct cinv *cust_inv;       /* customers' open invoices, see mcust.first */
	uint64_t *rejected;          /* open-addressing set of payment_row*2^32^invoice_row */
	/* per invoice: an allocation of the first round touched it (the second round's
	 * scoring leaves it out, see match_engine.c); NULL in the first round */
	const uint8_t *taken;
	size_t nrej, arej;
	int64_t *rej_p, *rej_i;      /* pending rejected pairs (rows) */
	size_t nrejp, arejp_p, arejp_i;
	struct hidx ref_idx, amount_idx;   /* amount_idx: one posting per list, val = its start */
	struct amt_ent *amt;         /* the amount lists, one after the other */
	size_t namt;
	struct mmap_idx name_tok;
	struct mmap_idx name_same;   /* normalised customer name -> the customers of that name */
	struct name_sig *csig;       /* per customer: its name's signature (match_names.c) */
	struct sim_tok *ctok;        /* their tokens */
	/* per pnorm: its name customer + 2 (0 not yet, 1 none), or -(k + 1) when it names
	 * none but ties the customers of record k of ties (match_names.c) */
	_Atomic int32_t *memo;
	size_t nmemo;
	struct name_ties *ties;
};

static inline const char *arena_str(const struct match_set *s, uint32_t off)
{
	return s->arena + off;
}

/* The normalised payer name of p (empty when it has none). */
static inline const struct pnorm *pay_name(const struct match_set *s, const struct mpay *p)
{
	static const struct pnorm none = { 0, 0, 0, 0 };

	return p->pn >= 0 ? &s->pnorm[p->pn] : &none;
}

/* Prefetch (stage 0: slots, stage 1: their strings) what adding an invoice of that
 * customer id / a payment of that payer and customer id will look up. */
void match_set_prefetch_invoice(const struct match_set *set, const char *customer_id, int stage);
void match_set_prefetch_payment(const struct match_set *set, const char *payer,
                                const char *customer_id, int stage);
/* Builds customers, indexes, duplicate marks; returns 0 or -1 (out of memory). */
int match_set_index(struct match_set *set, const struct pm_config *cfg);
/* Returns true when the (payment, invoice) pair was rejected by a reviewer. */
int match_set_is_rejected(const struct match_set *set, int64_t prow, int64_t irow);
/* Writes the (currency, amount) key of the amount index into key[10]. */
void match_amount_key(uint16_t cur, int64_t amount, char key[10]);
/* An iterator over the verified postings of one key of the reference index. */
struct hidx_iter {
	const struct hent *p, *end;
	uint32_t tag;
	const char *key;
	size_t len;
};

/* Returns the first entry of the list of invoices whose open balance or original amount is
 * (cur, amount), in invoice order up to the entry marked last; NULL when there is none. */
const struct amt_ent *match_amount_list(const struct match_set *s, uint16_t cur, int64_t amount);
/* Starts it over the postings (inv << 3 | src << 2 | kind) of reference key k[0..kl) (k must
 * outlive it); match_ref_next returns the next posting or -1. */
void match_ref_iter(const struct match_set *s, const char *k, size_t kl, struct hidx_iter *it);
int32_t match_ref_next(const struct match_set *s, struct hidx_iter *it);
/* Build the reference / the amount index; return 0 or -1 (out of memory). */
int match_build_ref(struct match_set *set);
int match_build_amount(struct match_set *set);
/* Marks each payment repeating an earlier one (dup_of); returns 0 or -1. */
int match_mark_duplicates(struct match_set *set, int64_t window);
#define MAX_CURRENCIES 65535

/* Returns true when invoices and payments may be added from two threads at once (each kind
 * in order on one thread; the arena was reserved whole). */
int match_set_concurrent_adds(const struct match_set *set);

/* Builds the invoices' reference and amount indexes now, on the caller's thread, while
 * payments may still be added on another (concurrent adds only); a failed build is dropped,
 * to be redone. */
void match_index_invoices_build(struct match_set *set);

/* Once the invoices are all added (at the first payment), starts building the indexes that
 * read only them (references, amounts) on a thread while the payments are added: the
 * arena must not move (arena_fixed), no invoice may be added afterwards, and
 * index_workers must be > 1. Does nothing otherwise or for a small set. */
void match_index_invoices_start(struct match_set *set);
/* On the payments' thread of a concurrent load, once the payments are all in: marks the
 * duplicates (with set->dup_window; payments only) and, when the invoices are in too,
 * builds the customers' side of the indexes (names, tokens, lists, signatures, amounts)
 * while the invoices' thread builds the reference index. Whatever fails or is not ready is
 * left to match_set_index. */
void match_set_payments_loaded(struct match_set *set);
/* Waits for that thread (if any); a build that failed is dropped, to be redone. */
void match_index_invoices_join(struct match_set *set);
/* Frees the blocking indexes once scoring is over (the resolver needs none of them). */
void match_set_drop_indexes(struct match_set *set);

/* Evidence of one candidate invoice for one payment. */
enum ref_ev { REF_NONE, REF_WEAK, REF_TYPO, REF_NUMBER, REF_MEMO, REF_MANGLED, REF_EXACT };
enum amt_ev { AMT_NONE, AMT_EXACT, AMT_TOLERANCE, AMT_PARTIAL, AMT_OVER };
enum cust_ev { CUST_NONE, CUST_ID, CUST_ID_MISMATCH, CUST_NAME };

struct cand {
	int32_t inv;
	uint8_t ref, amt, cust, unique_amount;
	uint8_t in_window, key_idx;    /* key_idx: which payment key hit */
	float name_sim;
	double conf;
	int32_t gap;                   /* payment date - invoice date, days */
};

#define MAX_CANDS 256
#define MAX_LINES 16
#define SUBSET_MAX_ITEMS 48

/* Scratch of one worker thread: nothing here is shared. */
struct worker {
	struct norm_keys keys;
	struct cand cands[MAX_CANDS];
	int ncands;
	int32_t cust_seen[64];
	double cust_sim[64];
	int ncust_seen;
	int64_t sub_amount[SUBSET_MAX_ITEMS];
	int32_t sub_inv[SUBSET_MAX_ITEMS];
	int32_t name_cust;             /* customer the payer name points to (-2: not yet asked) */
	int32_t pcust;                 /* the payment's customer by its id (typed loosely), -1 */
	uint32_t *seen_ep;             /* match_names.c: per customer, epoch of its cache slot */
	uint8_t *seen_ix;              /* ... and its slot in cust_seen */
	uint32_t seen_epoch;
	size_t seen_n;
	const struct mpay *psig_of;    /* payment whose payer name psig describes */
	struct sim_sig psig;
	struct sim_tok ptok[SIM_MAX_TOKENS];
};

struct mline {
	int32_t inv;
	int64_t amount, deduction;
};

/* The engine's verdict for one payment (written by its worker, read by the resolver). */
struct mprop {
	int32_t pay;
	int8_t rule;                   /* -1: no allocation */
	int8_t status;
	int8_t exc;                    /* worker-level exception kind, -1 none */
	uint8_t nlines;
	uint8_t amount_evidence;       /* the amount proved the match: no re-sizing */
	int32_t gap_abs;
	double conf;                   /* the allocation's, or (rule -1) the exception's, -1 none */
	uint32_t line_off;             /* into the chunk's lines */
	uint32_t expl_off, detail_off; /* into the chunk's text; detail for the exception */
	int32_t exc_inv;
	int64_t exc_amount;
};
_Static_assert(sizeof(struct mprop) == 48, "a proposal per payment: keep it small");

struct mchunk {
	struct mprop *props;
	size_t nprops;
	struct mline *lines;
	size_t nlines, alines;
	struct strbuf text;
};

/* The scoring context shared read-only by the workers. */
struct mctx {
	const struct match_set *set;
	const struct pm_config *cfg;
};

/* What resolving reads (match_resolve.c): the scored chunks, payment i's proposal at
 * chunks[i / chunk_size].props[i % chunk_size]; set, which the second round marks while it
 * scores (its blocking indexes must still be built), and a worker's scratch for that. */
struct mresolve {
	struct mctx ctx;
	struct match_set *set;
	struct mchunk *chunks;
	size_t nchunks, chunk_size;
	struct worker *worker;
};

/* The second round's proposals: ch in payment order, slot[payment] the applied one's
 * index in ch (-1 none); slot NULL when the round had nothing to do. */
struct round2 {
	struct mchunk ch;
	int32_t *slot;
};

/* Resolves the proposals best first against the residuals res (ninv entries, filled here
 * from the invoices' open balances), failed ones get rule -2; then scores again the
 * payments left ambiguous, without the invoices the first round took, into r2 (zeroed by
 * the caller), resolved the same way. Returns 0 or -1 (out of memory). */
int match_resolve(const struct mresolve *rv, int64_t *res, struct round2 *r2);
/* Frees what r2 holds. */
void match_round2_free(struct round2 *r2);

/* Collects and scores the candidate invoices of payment p into w->cands, sorted best
 * first; returns the count. Sets *xcur to an invoice in another currency that a strong
 * reference points to (-1 none). */
int match_gather(const struct mctx *ctx, struct worker *w, const struct mpay *p, int32_t *xcur);
/* Adds to w->cands the open invoices of customers cu[0..ncu) (found by the payer name) of
 * exactly the paid amount, and typo hits among them; rescores, re-sorts and returns the
 * count. */
int match_gather_customers(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                           const int32_t *cu, int ncu);
/* Adds to w->cands the open invoices of customer cu whose reference number the payment's
 * reference or memo quotes (prefix, year or zeros dropped: "RE2025-1381" for 2025/001381),
 * then rescores and re-sorts them; returns the candidate count. */
int match_gather_numbers(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                         int32_t cu);
/* Returns true when candidate c rests on the payer name only (its confidence is capped). */
int match_cand_name_only(const struct cand *c);
/* Returns the payer-name similarity of p to customer c (cached per payment in w). */
double match_name_sim(const struct mctx *ctx, struct worker *w, const struct mpay *p, int32_t c);
/* Classifies amount u paid against invoice open balance open (enum amt_ev). */
int match_amount_kind(const struct pm_config *cfg, int64_t u, int64_t open, int64_t inv_amount);
/* Returns true when payment date pd is inside the window of invoice date id. */
int match_in_window(const struct pm_config *cfg, pm_date pd, pm_date id);

/* Scores payment p into prop (lines and text appended to chunk). Never fails: on out of
 * memory the proposal degrades to an exception without detail. */
void match_score_payment(const struct mctx *ctx, struct worker *w, int32_t p,
                         struct mchunk *chunk, struct mprop *prop);

/* Combines named evidence into a confidence (docs/MATCHING.md). */
double match_confidence(const struct mctx *ctx, const struct cand *c, int name_only);
/* Returns the short-pay tolerance for an invoice of amount (max of absolute and percent). */
int64_t match_tolerance(const struct pm_config *cfg, int64_t invoice_amount);

/* Appends the explanation of candidate c (and the final amount kind) to sb. */
void match_explain_cand(const struct mctx *ctx, const struct mpay *p, const struct cand *c,
                        const struct norm_keys *keys, struct strbuf *sb);
/* Appends "12.50" for amount in currency cur to sb. */
void match_explain_money(const struct match_set *set, uint16_t cur, int64_t amount,
                         struct strbuf *sb);

/* Bounded subset-sum: finds sets of min_k..max_k of the n positive amounts summing exactly to
 * target within budget steps. Returns the number of solutions found (0, 1, or 2 = at least
 * two: ambiguous), or -1 when the budget ran out before that was known. The first solution
 * (preferring earlier items) goes to pick/npick. */
int match_subset_sum(const int64_t *amounts, int n, int64_t target, int min_k, int max_k,
                     int64_t budget, int *pick, int *npick);

/* Runs fn(ctx, chunk_index, worker) for every chunk on nworkers threads (1 = inline) with
 * the usual signals blocked in the workers. Returns 0, or -1 when a thread failed to
 * start (the remaining chunks then run inline). */
/* A customer name's signature for sim_name_bound, one 128-byte record (two cache lines)
 * holding everything a bound reads: the name's lengths, first 4 bytes, the full name's first
 * 16 (the truncation rule's prefix test) and up to NAME_SIG_TOKENS tokens (more are in
 * set->ctok[tok..]). */
#define NAME_SIG_TOKENS 4
struct name_sig {
	struct sim_sig sig;
	uint32_t tok;
	uint16_t name_len, full_len;
	char head[4], full_head[16];
	struct sim_tok itok[NAME_SIG_TOKENS];
};
_Static_assert(sizeof(struct name_sig) == 128, "a name signature is two cache lines");

/* Builds / frees the customers' name signatures; build returns 0 or -1 (out of memory). */
int match_names_build(struct match_set *set);
void match_names_free(struct match_set *set);
/* Allocates / frees w's customer -> cache slot index; init returns 0 or -1. */
int match_names_worker_init(struct worker *w, const struct match_set *set);
void match_names_worker_free(struct worker *w);
/* Returns the slot of customer c in w's per-payment name cache (cust_seen), or -1. */
int match_names_seen(struct worker *w, int32_t c);
/* Caches sim for customer c in w when a slot is free. */
void match_names_remember(struct worker *w, int32_t c, double sim);
/* Prefetches what bounding a payer name's similarity to customer c reads (its signature
 * record, two cache lines), NAME_PREFETCH_FAR comparisons ahead. */
#define NAME_PREFETCH_FAR 8
void match_names_prefetch(const struct match_set *set, int32_t c);
/* Forgets the memos of an earlier match_compute (they depend on the configuration). */
void match_names_reset(struct match_set *set);
/* Writes the customers a payer name is compared with when no amount helps (the postings of
 * its name tokens, the rarest token's first, a token listing more than 1000 customers
 * skipped, at most max of them) to occ; returns their count. The name blocking walks
 * NAME_WALK_MAX. */
#define NAME_WALK_MAX 200
/* The customers of exactly the payer's normalised name a name search adds to its walk. */
#define NAME_SAME_MAX 64
int match_names_walk(const struct match_set *set, const struct mpay *p, int32_t *occ, int max);
/* Writes to same (up to max) the customers whose normalised name is exactly p's payer's;
 * returns how many. */
int match_names_same(const struct match_set *set, const struct mpay *p, int32_t *same, int max);
/* Returns the customer p's payer name points to without help from the amount (the best
 * customer of its walk, at least fuzzy_threshold and clearly ahead), -1 none; decided once
 * per distinct normalised name. */
int32_t match_names_customer(const struct mctx *ctx, struct worker *w, const struct mpay *p);
/* Writes to close (up to max <= NAME_TIED_MAX) the customers of p's walk whose name is at
 * least fuzzy_threshold like the payer's and within the lead of the best one; returns how
 * many (more than one when the name alone cannot decide). Memoised with the decision. */
int match_names_close(const struct mctx *ctx, struct worker *w, const struct mpay *p,
                      int32_t *close, int max);
/* The most customers a payer name is said to tie (match_names_close's max). */
#define NAME_TIED_MAX 16
/* Returns the payer-name similarity of p to customer c: exact (sim_name) when it is at
 * least fuzzy_threshold - 0.05; below that, a bound that is also below it. */
double match_names_sim(const struct mctx *ctx, struct worker *w, const struct mpay *p, int32_t c);

int match_pool_run(int nworkers, size_t nchunks, void (*fn)(void *ctx, size_t chunk, int w),
                   void *ctx);

#endif
